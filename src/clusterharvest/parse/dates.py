"""The date a source states for itself: a directory's "(As of 16.04.2020)", a flyer's edition line
("Oktober 2016"), a blog post's permalink (/2017/06/29/). ISO 8601, as precise as stated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import MONTHS as ENGLISH_MONTHS

GERMAN_MONTHS = {m: n for n, m in enumerate(("januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
                                             "september", "oktober", "november", "dezember"), 1)}
MONTHS = {**ENGLISH_MONTHS, **GERMAN_MONTHS}
AS_OF = re.compile(r"\((?:As of|Stand:?)\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*\)", re.I)
EDITION = re.compile(rf"^({'|'.join(MONTHS)})\s+((?:19|20)\d\d)$", re.I)
PERMALINK = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/")


@dataclass(frozen=True)
class Dated:
    """A date a source states, and the text that states it."""

    date: str  # 'YYYY-MM-DD' or 'YYYY-MM'
    quote: str


def as_of(lines: list[str]) -> Dated | None:
    """A page's own "(As of DD.MM.YYYY)" / "(Stand: DD.MM.YYYY)", in its visible (canonical) lines."""
    found = next((m for m in map(AS_OF.search, lines) if m), None)
    if not found:
        return None
    day, month, year = (int(g) for g in found.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return Dated(f"{year:04d}-{month:02d}-{day:02d}", found.group(0))


def edition(lines: list[str]) -> Dated | None:
    """A line that is only a month and a year (a printed edition: "Oktober 2016", "October 2016")."""
    for line in lines:
        found = EDITION.match(line.strip())
        if found:
            return Dated(f"{found.group(2)}-{MONTHS[found.group(1).lower()]:02d}", line.strip())
    return None


def permalink(url: str) -> Dated | None:
    """The publication date in a blog post's address (WordPress permalinks: /YYYY/MM/DD/slug/)."""
    found = PERMALINK.search(url or "")
    if not found:
        return None
    return Dated("-".join(found.groups()), found.group(0))
