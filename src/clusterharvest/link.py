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
from functools import cache
from importlib import resources
from typing import Any

import yaml
from rapidfuzz import fuzz

from .models import Cluster, Project, issue
from .normalize.names import slugify

THRESHOLD = 90.0
MARGIN = 5.0
LEGAL_FORMS = re.compile(r"\b(?:e\.\s?V\.?|gGmbH|GmbH|AG|Ltd\.?|Inc\.?|mbH)(?=\W|$)", re.I)


@cache
def link_table() -> dict[str, Any]:
    """``links.yml``: ignore words, synonyms, aliases."""
    return yaml.safe_load(resources.files(__package__).joinpath("links.yml").read_text(encoding="utf-8"))


def name_key(name: str, table: dict[str, Any] | None = None) -> str:
    """The comparable key of a name: its slug's words without legal forms and generic words, synonyms
    mapped, joined without separators."""
    table = table or link_table()
    words = slugify(LEGAL_FORMS.sub(" ", name)).split("-")
    ignore, synonyms = set(table.get("ignore") or ()), table.get("synonyms") or {}
    kept = [synonyms.get(w, w) for w in words if w not in ignore]
    return "".join(kept or words)


def name_variants(name: str) -> list[str]:
    """A name and its part before a dash descriptor ('AMZ Sachsen – Network of ...')."""
    head = re.split(r"\s+[–—-]\s+", name, maxsplit=1)[0]
    return [name] if head == name else [name, head]


@dataclass(frozen=True)
class Link:
    """The outcome of linking one announced name."""

    announced: str
    cluster_id: str | None
    score: float
    method: str  # 'alias', 'fuzzy', 'missing' or 'ambiguous'
    candidates: tuple[tuple[str, float], ...] = ()


def link_name(announced: str, records: list[Cluster], table: dict[str, Any] | None = None) -> Link:
    """Link one announced name to one record, or say why not."""
    table = table or link_table()
    ids = {r.id for r in records}
    alias = (table.get("aliases") or {}).get(announced)
    if alias in ids:
        return Link(announced, alias, 100.0, "alias")
    keys = [name_key(v, table) for v in name_variants(announced)]
    scores = []
    for record in records:
        names = [record.name, *([record.organisation] if record.organisation else []), *record.aliases]
        best = max(fuzz.ratio(k, name_key(n, table)) for k in keys for n in names)
        scores.append((record.id, round(best, 1)))
    scores.sort(key=lambda s: -s[1])
    top = tuple(scores[:3])
    if not scores or scores[0][1] < THRESHOLD:
        return Link(announced, None, scores[0][1] if scores else 0.0, "missing", top)
    if len(scores) > 1 and scores[1][1] > scores[0][1] - MARGIN:
        return Link(announced, None, scores[0][1], "ambiguous", top)
    return Link(announced, scores[0][0], scores[0][1], "fuzzy", top)


def apply_links(records: list[Cluster], source_id: str, round_number: int | None,
                selected: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Give each linked record its round, project and the announced name; returns the manifest's link
    entries and issues (missing, ambiguous, a second announced name for one record, a round clash).

    ``selected`` are the announcement's ``Announced`` items.
    """
    by_id = {r.id: r for r in records}
    links, problems = [], []
    taken: dict[str, str] = {}
    for item in selected:
        found = link_name(item.name, records)
        entry = {"source": source_id, "position": item.position, "announced": item.name, "cluster_id": found.cluster_id,
                 "score": found.score, "method": found.method}
        if found.cluster_id is None:
            problems.append({**entry, "problem": f"{found.method} match",
                             "candidates": [{"id": i, "score": s} for i, s in found.candidates]})
            links.append(entry)
            continue
        if found.cluster_id in taken:
            earlier = taken[found.cluster_id]
            problems.append({**entry, "problem": f"{found.cluster_id} is already linked to {earlier!r}"})
            links.append({**entry, "cluster_id": None})
            continue
        taken[found.cluster_id] = item.name
        record = by_id[found.cluster_id]
        if record.round is not None and round_number is not None and record.round != round_number:
            record.issues.append(issue("round", f"{source_id} announces it in round {round_number}; kept round "
                                                f"{record.round}", str(round_number)))
            problems.append({**entry, "problem": f"already in round {record.round}"})
        elif round_number is not None:
            record.round = round_number
        record.project = Project(title=item.title, acronym=item.acronym)
        if item.name != record.name and item.name not in record.aliases:
            record.aliases.append(item.name)
        if source_id not in record.sources:
            record.sources = sorted([*record.sources, source_id])
        links.append(entry)
    return links, problems
