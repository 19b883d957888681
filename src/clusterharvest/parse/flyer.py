"""The programme flyer (PDF): text through pypdf in a child process, then the programme facts."""

from __future__ import annotations

import re

from .dates import Dated, edition
from .facts import OPEN_END, Fact, contact_facts, prose_facts
from .pdf import pdf_pages

BULLET_ONLY = re.compile(r"^[^\w(“\"„]{1,2}$")  # a line holding only a bullet glyph ('•', '\x7f', '-')
HYPHENS = ("-", "\u2010")  # HYPHEN-MINUS and HYPHEN (Chromium's break hyphen); a dash ('–') breaks no word
WORD_END = re.compile(r"[^\W\d_]+$")
FIRST_WORD = re.compile(r"^[^\W\d_]+")
COMPOUND = re.compile(r"\b[^\W\d_]+-[^\W\d_]+\b")
# After a suspended hyphen the next line starts with a conjunction ("small- / and medium-sized", "Forschungs- /
# und Entwicklungsprojekte"): the hyphen and the space stay. A closed class of words, English and German.
CONJUNCTION = re.compile(r"^(?:and|or|nor|und|oder|bzw\.|sowie|&)(?:\s|$)")


def join_word(line: str, following: str, compounds: set[str]) -> str | None:
    """``line`` and ``following`` as one line if ``line`` ends in a word broken by a hyphen, else None.

    Before a lower-case letter the hyphen is a syllable break and goes ("devel-" / "opment"), unless the letters
    before it are one letter or end in a capital ("E-" / "mail", "PDF-" / "based") or the text writes the
    compound with its hyphen elsewhere ("medium-sized"); before a capital, a digit or a sign it is the
    compound's own and stays, as '-' ("Leading-" / "Edge", "61-" / "9051"); before a conjunction it is a
    suspended hyphen and keeps its space ("small-" / "and medium-sized").
    """
    word = line.rsplit(" ", 1)[-1]
    if not following or word[-1:] not in HYPHENS or not word[-2:-1].isalnum():
        return None  # no hyphen, or a dash standing alone (" -"): punctuation, not a broken word
    stem = line[:-1]
    if CONJUNCTION.match(following):
        return f"{stem}- {following}"
    letters = WORD_END.search(stem)
    before = letters.group() if letters else ""
    after = FIRST_WORD.match(following)
    if (following[0].islower() and len(before) > 1 and not before[-1].isupper()
            and not (after and f"{before}-{after.group()}".casefold() in compounds)):
        return stem + following
    return f"{stem}-{following}"


def join_lines(lines: list[str]) -> list[str]:
    """Lines (whitespace collapsed; '' a paragraph break) with each word broken at a line end joined to its
    continuation on the next line, as a reader reads it (see ``join_word``); never across a paragraph break."""
    compounds = {m.group().casefold() for line in lines for m in COMPOUND.finditer(line)}
    out: list[str] = []
    for line in lines:
        joined = join_word(out[-1], line, compounds) if out and out[-1] else None
        if joined is None:
            out.append(line)
        else:
            out[-1] = joined
    return out


OUTLIER = 2  # a line more than twice as long as most of a page's lines, and as its neighbours, stands alone


def full_width(lines: list[str]) -> int:
    """The length of a page's full lines: its longest line, leaving out a line that stands alone, more than
    ``OUTLIER`` times as long as 80% of the page's lines and as its neighbours (a footer or a title set across
    a narrow column: it would make every line of the column look short). A long line inside a paragraph of
    long lines counts."""
    text = [line for line in lines if line]
    lengths = sorted(len(line) for line in text)
    if not lengths:
        return 0
    most = lengths[int(0.8 * (len(lengths) - 1))]

    def alone(n: int) -> bool:
        size = len(text[n])
        neighbours = [len(text[i]) for i in (n - 1, n + 1) if 0 <= i < len(text)]
        return size > OUTLIER * most and all(OUTLIER * other < size for other in neighbours)

    return max((len(line) for n, line in enumerate(text) if not alone(n)), default=0)


def flyer_paragraphs(pages: list[str]) -> str:
    """PDF page text as paragraphs separated by blank lines, words broken at line ends joined.

    PDF text has no paragraphs, only wrapped lines: a bullet glyph on its own line starts a new one, and a line
    clearly shorter than the page's full lines (``full_width``: a heading, a paragraph's last line) ends one,
    unless its text runs on: it ends in a comma, a hyphen or a dash, or in a word no phrase ends with
    (``OPEN_END``: a heading set large, "Forward-Looking Projects and" / "Comparable Networks"), or it is a line
    of text whose sentence the next line carries on (three words or more, no full stop at its end, and the next
    starts with a lower-case letter or a digit; a few words standing alone, as a logo's or a cover's, still end
    one). A page's last line ends one unless its text runs on to the next page's first line (as above, but a
    digit there does not carry a sentence over). So a footer set across a narrow column, a column set narrower
    than the page, lines broken short by hand or a sentence broken by a page change no paragraph and no fact.
    """
    out: list[str] = []
    texts = [[" ".join(line.split()) for line in page.splitlines()] for page in pages]
    for number, lines in enumerate(texts):
        width = full_width(lines)
        last = max((n for n, line in enumerate(lines) if line), default=-1)
        next_page = next((line for line in (texts[number + 1] if number + 1 < len(texts) else []) if line), "")
        for n, line in enumerate(lines):
            if not line or BULLET_ONLY.match(line):
                out.append("")
                continue
            out.append(line)
            following = lines[n + 1] if n < last else next_page
            # (a digit starting the next page may be its number or a header's: only lower case carries a sentence over)
            carries_on = (len(line.split()) >= 3 and not line.endswith((".", "!", "?"))
                          and (following[:1].islower() or (following[:1].isdigit() and n < last)))
            runs_on = line.endswith((",", "–", *HYPHENS)) or bool(OPEN_END.search(line)) or carries_on
            if (len(line) < 0.6 * width or n == last) and not runs_on:
                out.append("")
    return "\n".join(join_lines(out))


def flyer_facts(pages: list[str]) -> tuple[list[Fact], Dated | None]:
    """The programme facts of a flyer's page text (``pdf_pages``), and its edition (a line holding only a month
    and year)."""
    text = flyer_paragraphs(pages)
    lines = [line for line in text.splitlines() if line]
    return prose_facts(text) + contact_facts(re.split(r"\n\s*\n", text)), edition(lines)


def parse_flyer(data: bytes) -> tuple[list[Fact], Dated | None]:
    """The flyer's programme facts, and its edition; ``ParseError`` for a PDF that cannot be read (``pdf_pages``)."""
    return flyer_facts(pdf_pages(data))
