"""Records of the same cluster from several directory sources (a German and an English page) as one.

Entries are matched by id. The first configured source is the primary: its facts are kept, facts it
lacks are filled from the others, and a fact another source states differently is reported in the
record's ``issues`` with that source's value, so nothing is dropped silently. Descriptions are kept per
language, each taken from the source written in that language where there is one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from .models import Cluster, Description, Issue, Phases, issue

LANGUAGES = ("en", "de")
LANGUAGE_NAMES = {"en": "English", "de": "German"}


def _dump(value: Any) -> str:
    """A value as compact JSON text for an issue's ``value``."""
    if isinstance(value, list):
        value = [v.model_dump(exclude_defaults=True) if isinstance(v, BaseModel) else v for v in value]
    elif isinstance(value, BaseModel):
        value = value.model_dump(exclude_defaults=True)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _same(a: Any, b: Any) -> bool:
    return _dump(a) == _dump(b)


def _merge_phases(field: str, primary: Phases, other: Phases, other_source: str) -> tuple[Phases, list[Issue]]:
    merged, issues = primary.model_copy(), []
    for phase in ("concept", "implementation"):
        mine, theirs = getattr(primary, phase), getattr(other, phase)
        if mine is None:
            setattr(merged, phase, theirs)
        elif theirs is not None and sorted(mine) != sorted(theirs):
            issues.append(issue(f"{field}.{phase}", f"source {other_source} states different values; "
                                                    "kept those of the primary source", _dump(theirs)))
    return merged, issues


def _merge_descriptions(records: Sequence[tuple[str, str, Cluster]]) -> tuple[Description, list[Issue]]:
    """Per language: the text of the first source in that language, else the first source that has one."""
    description, issues = Description(), []
    for lang in LANGUAGES:
        in_lang_first = sorted(records, key=lambda r: r[1] != lang)  # stable: registry order otherwise
        candidates = [(source_id, getattr(rec.description, lang)) for source_id, _, rec in in_lang_first
                      if getattr(rec.description, lang)]
        if not candidates:
            continue
        setattr(description, lang, candidates[0][1])
        for source_id, text in candidates[1:]:
            if text != candidates[0][1]:
                issues.append(issue(f"description.{lang}", f"source {source_id} gives a different "
                                    f"{LANGUAGE_NAMES[lang]} description; kept the one from {candidates[0][0]}",
                                    text))
    return description, issues


def merge_cluster(records: Sequence[tuple[str, str, Cluster]]) -> Cluster:
    """One record from ``(source id, source language, record)`` triples in registry order."""
    _, _, first = records[0]
    if len(records) == 1:
        return first
    merged = first.model_copy(deep=True)
    issues = list(merged.issues)
    for source_id, _, other in records[1:]:
        if other.name != merged.name and other.name not in merged.aliases:
            merged.aliases.append(other.name)
        merged.aliases += [a for a in other.aliases if a not in merged.aliases and a != merged.name]
        for field in ("organisation", "round"):
            mine, theirs = getattr(merged, field), getattr(other, field)
            if mine is None:
                setattr(merged, field, theirs)
            elif theirs is not None and mine != theirs:
                issues.append(issue(field, f"source {source_id} states a different value; kept that of the "
                                           "primary source", str(theirs)))
        merged.target_countries, found = _merge_phases("target_countries", merged.target_countries,
                                                       other.target_countries, source_id)
        issues += found
        merged.target_regions, found = _merge_phases("target_regions", merged.target_regions,
                                                     other.target_regions, source_id)
        issues += found
        for field in ("contacts", "addresses", "project"):
            mine, theirs = getattr(merged, field), getattr(other, field)
            if not mine:
                setattr(merged, field, theirs)
            elif theirs and not _same(mine, theirs):
                issues.append(issue(field, f"source {source_id} states different {field}; kept those of the "
                                           "primary source", _dump(theirs)))
        issues += other.issues
        for source in other.sources:
            if source not in merged.sources:
                merged.sources.append(source)
    merged.description, found = _merge_descriptions(records)
    issues += found
    unique: dict[tuple[str, str, str | None], Issue] = {}
    for item in issues:
        unique.setdefault((item.field, item.message, item.value), item)
    merged.issues = list(unique.values())
    merged.sources.sort()
    return merged


def merge_by_id(batches: Sequence[tuple[str, str, list[Cluster]]]) -> list[Cluster]:
    """Records of all directory sources, ``(source id, language, records)`` in registry order, merged by id.

    Output order: the primary source's page order, then ids only later sources have, in their order.
    """
    grouped: dict[str, list[tuple[str, str, Cluster]]] = {}
    for source_id, lang, records in batches:
        for record in records:
            grouped.setdefault(record.id, []).append((source_id, lang, record))
    return [merge_cluster(group) for group in grouped.values()]
