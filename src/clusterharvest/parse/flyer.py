"""The programme flyer (PDF): text through pypdf in a child process, then the programme facts."""

from __future__ import annotations

import re

from .dates import Dated, edition
from .facts import Fact, contact_facts, prose_facts
from .pdf import pdf_pages

BULLET_ONLY = re.compile(r"^[^\w(“\"„]{1,2}$")  # a line holding only a bullet glyph ('•', '\x7f', '-')


def flyer_paragraphs(pages: list[str]) -> str:
    """PDF page text as paragraphs separated by blank lines.

    PDF text has no paragraphs, only wrapped lines: a bullet glyph on its own line starts a new one,
    and a line clearly shorter than the page's full lines (a heading, a paragraph's last line) ends one.
    """
    out: list[str] = []
    for page in pages:
        lines = [" ".join(line.split()) for line in page.splitlines()]
        width = max((len(line) for line in lines), default=0)
        for line in lines:
            if not line or BULLET_ONLY.match(line):
                out.append("")
                continue
            out.append(line)
            if len(line) < 0.6 * width and not line.endswith((",", "-", "–")):
                out.append("")
        out.append("")
    return "\n".join(out)


def parse_flyer(data: bytes) -> tuple[list[Fact], Dated | None]:
    """The flyer's programme facts, and its edition (a line holding only a month and year)."""
    text = flyer_paragraphs(pdf_pages(data))
    lines = [line for line in text.splitlines() if line]
    return prose_facts(text) + contact_facts(lines), edition(lines)
