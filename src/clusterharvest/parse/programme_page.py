"""The programme web page (HTML): the programme facts it states."""

from __future__ import annotations

from .facts import Fact, FactKey, contact_facts, prose_facts
from .text import document_lines

TITLE_LENGTH = 80  # a page title longer than this is a sentence, not a name


def parse_programme_page(data: bytes | str, content_type: str | None = None) -> tuple[list[Fact], list[str]]:
    """The page's programme facts, and its visible text lines (each block element a paragraph)."""
    lines = document_lines(data, content_type)
    facts = prose_facts("\n\n".join(lines)) + contact_facts(lines)
    if lines and len(lines[0]) <= TITLE_LENGTH and not lines[0].endswith((".", "!", "?", ":")):
        facts.insert(0, Fact(FactKey("name", "alias"), lines[0], lines[0]))  # the page's title names the measure
    return facts, lines
