"""Posts announcing a funding round: the round's facts and the numbered list of selected clusters.

A selected cluster is a numbered list item "N. Name[, Region ...], “Project title”": the quoted text
at the end is the project title (any of “...”, "...", „...“), an acronym in parentheses at the end of
the title becomes the project's acronym, the text before the first comma is the announced name and
the rest the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .facts import ORDINAL_ROUND, ORDINALS, Fact, prose_facts
from .text import document_lines

ITEM = re.compile(r"^(\d{1,3})[.)]\s+(.+)$")
TITLE = re.compile(r"^(?P<before>.*?)[,:;]?\s*[“\"„](?P<title>[^“”\"„]+)[”\"“]\s*\.?$")
ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&_\-]{1,15})\)\s*$")


@dataclass(frozen=True)
class Announced:
    """One selected cluster as the announcement lists it."""

    position: int
    name: str
    region: str | None
    title: str
    acronym: str | None
    line: str


@dataclass
class Announcement:
    """What a round's announcement says."""

    round: int | None
    facts: list[Fact] = field(default_factory=list)
    selected: list[Announced] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def parse_item(line: str) -> Announced | None:
    """A numbered 'Name, Region, “Title”' line, or None if the line is not one."""
    item = ITEM.match(line.strip())
    if not item:
        return None
    titled = TITLE.match(item.group(2))
    if not titled or not titled.group("before").strip(" ,–-"):
        return None
    title = " ".join(titled.group("title").split())
    acronym = ACRONYM.search(title)
    parts = [p.strip() for p in titled.group("before").strip(" ,").split(",") if p.strip()]
    return Announced(position=int(item.group(1)), name=parts[0], region=", ".join(parts[1:]) or None, title=title,
                     acronym=acronym.group(1) if acronym else None, line=line.strip())


def stated_round(text: str) -> int | None:
    """The highest round the text names ('In the 2nd round ...'), or None."""
    named = [ORDINALS[m.group(1).lower()] for m in ORDINAL_ROUND.finditer(text)]
    return max(named) if named else None


def parse_announcement(data: bytes | str, content_type: str | None = None,
                       configured_round: int | None = None) -> Announcement:
    """Round, facts and selected clusters of an announcement.

    The round is the one the text names, else ``configured_round`` (the source registry's ``round``: a
    post may announce "the new round" without its number); when both exist and differ, that is an issue.
    """
    lines = document_lines(data, content_type)
    text = "\n\n".join(lines)
    named = stated_round(text)
    issues = []
    if named and configured_round and named != configured_round:
        issues.append(f"text names round {named} but the source is configured as round {configured_round}")
    round_number = configured_round or named
    selected = [a for a in (parse_item(line) for line in lines) if a is not None]
    positions = [a.position for a in selected]
    if positions and positions != list(range(1, len(positions) + 1)):
        issues.append(f"numbered list is not 1..{len(positions)}: {positions}")
    facts = prose_facts(text, round_number)
    return Announcement(round=round_number, facts=facts, selected=selected, issues=issues, lines=lines)
