"""Linking announced clusters to directory records across spelling and language variants.

A name is reduced to a key (ASCII, lower case, '&' as 'and', legal forms and generic words such as
'Forschungscampus' dropped, synonyms from ``links.yml`` mapped, spaces removed) so "ARENA2036" meets
"ARENA 2036" and "It’s OWL" meets "it's OWL"; keys are compared with rapidfuzz. A link needs a score
of at least ``THRESHOLD`` and a clear lead over the next-best record; otherwise it is reported as
missing or ambiguous, never guessed. ``links.yml`` also lists explicit aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from .dataset import Link
from .lookups import Lookup, lookups
from .models import Cluster, Project, issue
from .normalize.names import slugify
from .parse.announcement import Announced

THRESHOLD = 90.0
MARGIN = 5.0
SAME_PROJECT = 90.0  # partial ratio above which an entry's project title is the announced one
LEGAL_FORMS = re.compile(r"\b(?:e\.\s?V\.?|gGmbH|GmbH|AG|Ltd\.?|Inc\.?|mbH)(?=\W|$)", re.I)


@dataclass(frozen=True)
class LinkTable:
    """``links.yml``: words to ignore in names, synonyms, and explicit aliases (announced name -> id)."""

    ignore: Lookup
    synonyms: Lookup
    aliases: Lookup


def link_table() -> LinkTable:
    """The lookups of ``links.yml``."""
    found = lookups("links.yml")
    return LinkTable(found["ignore"], found["synonyms"], found["aliases"])


def name_key(name: str, table: LinkTable | None = None) -> str:
    """The comparable key of a name: its slug's words without legal forms and generic words, synonyms
    mapped, joined without separators."""
    table = table or link_table()
    words = slugify(LEGAL_FORMS.sub(" ", name)).split("-")
    kept = [table.synonyms.get(w, w) for w in words if w not in table.ignore]
    return "".join(kept or words)


def name_variants(name: str) -> list[str]:
    """A name and its part before a dash descriptor ('AMZ Sachsen – Network of ...')."""
    head = re.split(r"\s+[–—-]\s+", name, maxsplit=1)[0]
    return [name] if head == name else [name, head]


@dataclass(frozen=True)
class Match:
    """The outcome of linking one announced name."""

    announced: str
    cluster_id: str | None
    score: float
    method: str  # 'alias', 'fuzzy', 'missing' or 'ambiguous'
    candidates: tuple[tuple[str, float], ...] = ()


def link_name(announced: str, records: list[Cluster], table: LinkTable | None = None) -> Match:
    """Match one announced name to one record (a ``Match``), or say why not."""
    table = table or link_table()
    ids = {r.id for r in records}
    alias = table.aliases.get(announced)
    if alias in ids:
        return Match(announced, alias, 100.0, "alias")
    keys = [name_key(v, table) for v in name_variants(announced)]
    scores = []
    for record in records:
        names = [record.name, *([record.organisation] if record.organisation else []), *record.aliases]
        best = max(fuzz.ratio(k, name_key(n, table)) for k in keys for n in names)
        scores.append((record.id, round(best, 1)))
    scores.sort(key=lambda s: -s[1])
    top = tuple(scores[:3])
    if not scores or scores[0][1] < THRESHOLD:
        return Match(announced, None, scores[0][1] if scores else 0.0, "missing", top)
    if len(scores) > 1 and scores[1][1] > scores[0][1] - MARGIN:
        return Match(announced, None, scores[0][1], "ambiguous", top)
    return Match(announced, scores[0][0], scores[0][1], "fuzzy", top)


@dataclass(frozen=True)
class LinkProblem:
    """Why an announced cluster was not linked, or what linking it found wrong (the manifest's ``link_issues``)."""

    source: str
    problem: str
    link: Link | None = None  # the announced cluster concerned; None for a problem of the whole post
    candidates: tuple[tuple[str, float], ...] | None = None  # the best records, for a missing or ambiguous match

    def to_json(self) -> dict[str, Any]:
        """The manifest's form: the link's fields, the problem, and the candidates where there are some."""
        out: dict[str, Any] = {**(self.link.model_dump() if self.link else {}), "source": self.source,
                               "problem": self.problem}
        if self.candidates is not None:
            out["candidates"] = [{"id": i, "score": s} for i, s in self.candidates]
        return out


def same_project(own: Project, announced: Project) -> bool:
    """Whether the name an entry's text gives its project is the announced one: the same acronym, or one
    title (nearly) contained in the other ('Open Hybrid LabFactory – Asia Pacific' in the announced
    'OpenHybrid LabFactory – Asia Pacific: Development of ...')."""
    if own.acronym and announced.acronym:
        return own.acronym.casefold() == announced.acronym.casefold()
    if own.title and announced.title:
        return fuzz.partial_ratio(own.title.casefold(), announced.title.casefold()) >= SAME_PROJECT
    return False


def apply_links(records: list[Cluster], source_id: str, round_number: int | None,
                selected: list[Announced]) -> tuple[list[Cluster], list[Link], list[LinkProblem]]:
    """Link each announced cluster to one record: returns the records (a linked one copied with its round,
    project, region, the announced name among its aliases and the announcement among its sources; records are never
    changed in place), the link entries and the problems (missing, ambiguous, a second announced name for one
    record, a round clash)."""
    by_id = {r.id: r for r in records}
    links: list[Link] = []
    problems: list[LinkProblem] = []
    taken: dict[str, str] = {}
    for item in selected:
        found = link_name(item.name, list(by_id.values()))
        entry = Link(source=source_id, position=item.position, announced=item.name, cluster_id=found.cluster_id,
                     score=found.score, method=found.method)
        if found.cluster_id is None:
            problems.append(LinkProblem(source_id, f"{found.method} match", entry, found.candidates))
            links.append(entry)
            continue
        if found.cluster_id in taken:
            earlier = taken[found.cluster_id]
            problems.append(LinkProblem(source_id, f"{found.cluster_id} is already linked to {earlier!r}", entry))
            links.append(entry.model_copy(update={"cluster_id": None}))
            continue
        taken[found.cluster_id] = item.name
        record = by_id[found.cluster_id]
        announced = Project(title=item.title, acronym=item.acronym, source=source_id, evidence=item.line)
        update: dict[str, Any] = {"project": announced}
        issues = list(record.issues)
        own = record.project
        if own is not None and not same_project(own, announced):
            issues.append(issue("project", f"the entry's text names its project {own.title or own.acronym!r}; the "
                                           "announcement's title is kept", own.evidence))
        if record.round is not None and round_number is not None and record.round != round_number:
            issues.append(issue("round", f"{source_id} announces it in round {round_number}; kept round "
                                         f"{record.round}", str(round_number)))
            problems.append(LinkProblem(source_id, f"already in round {record.round}", entry))
        elif round_number is not None:
            update["round"] = round_number
        if item.region and record.region is None:
            update["region"] = item.region
        if item.name != record.name and item.name not in record.aliases:
            update["aliases"] = [*record.aliases, item.name]
        if source_id not in record.sources:
            update["sources"] = sorted([*record.sources, source_id])
        if issues != record.issues:
            update["issues"] = issues
        by_id[record.id] = record.model_copy(update=update)
        links.append(entry)
    return [by_id[r.id] for r in records], links, problems
