"""What changed between two versions: added, removed, renamed and modified clusters, field by field.

Records are compared by id. A change is ``{"path", "old", "new"}`` with paths such as
``target_countries.implementation`` or ``contacts[0].phone``. Lists whose order carries no meaning
(country codes, aliases, sources, issues) compare as sets: their change also says which items were
``added`` and ``removed`` (``old`` and ``new`` stay, whole, for tools that use them); lists of objects
(contacts, addresses) compare item by item. A removed id and an added id whose records agree on
everything but their name are reported as a rename (the evidence: same contacts, addresses,
description and targets), not as one removal and one addition.
"""

from __future__ import annotations

import json
from typing import Any

from .dataset import Change, ChangeCounts, ChangeRow, Changes, Modified, Renamed

# Paths (with list indices removed) of lists compared as sets.
SET_PATHS = frozenset({
    "target_countries.concept", "target_countries.implementation", "target_regions.concept",
    "target_regions.implementation", "aliases", "sources", "issues", "contacts.phone", "contacts.fax",
    "contacts.mobile", "programme.sources", "programme.aliases", "programme.issues", "programme.evidence",
})
NAME_FIELDS = ("id", "name", "aliases", "sources", "issues")
RENAME_MIN_SHARED = 0.8  # share of a record's identity-free fields that must be equal for a rename


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _generic(path: str) -> str:
    """'contacts[0].phone' -> 'contacts.phone'."""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def field_changes(old: Any, new: Any, path: str = "") -> list[Change]:
    """Changes between two JSON values, leaf by leaf."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in sorted(set(old) | set(new)):
            out += field_changes(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(old, list) and isinstance(new, list):
        if _generic(path) in SET_PATHS:
            before, after = {_key(v): v for v in old}, {_key(v): v for v in new}
            if before.keys() == after.keys():
                return []
            return [Change(path=path, old=old, new=new, added=[after[k] for k in after if k not in before],
                           removed=[before[k] for k in before if k not in after])]
        if all(isinstance(v, dict) for v in old + new):
            out = []
            for n in range(max(len(old), len(new))):
                a = old[n] if n < len(old) else None
                b = new[n] if n < len(new) else None
                if a is None or b is None:
                    out.append(Change(path=f"{path}[{n}]", old=a, new=b))
                else:
                    out += field_changes(a, b, f"{path}[{n}]")
            return out
    if old == new:
        return []
    return [Change(path=path, old=old, new=new)]


def _identity_free(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in NAME_FIELDS}


def _rename_score(old: dict[str, Any], new: dict[str, Any]) -> float:
    a, b = _identity_free(old), _identity_free(new)
    keys = set(a) | set(b)
    meaningful = [k for k in keys if a.get(k) not in (None, [], {}) or b.get(k) not in (None, [], {})]
    if not meaningful:
        return 0.0
    return sum(_key(a.get(k)) == _key(b.get(k)) for k in meaningful) / len(meaningful)


def diff_records(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    """``added``, ``removed`` (ids), ``renamed`` and ``modified`` between two clusters.json payloads (the keyword
    arguments of ``Changes`` but its ids)."""
    before = {r["id"]: r for r in old}
    after = {r["id"]: r for r in new}
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    renamed = []
    for old_id in list(removed):
        scores = sorted(((_rename_score(before[old_id], after[new_id]), new_id) for new_id in added), reverse=True)
        if scores and scores[0][0] >= RENAME_MIN_SHARED and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            new_id = scores[0][1]
            renamed.append(Renamed(from_=old_id, to=new_id, name=after[new_id]["name"],
                                   evidence=f"{scores[0][0]:.0%} of the record's other fields are unchanged",
                                   changes=field_changes(before[old_id], after[new_id])))
            removed.remove(old_id)
            added.remove(new_id)
    modified = []
    for rid in sorted(set(before) & set(after)):
        changes = field_changes(before[rid], after[rid])
        if changes:
            modified.append(Modified(id=rid, name=after[rid]["name"], changes=changes))
    return {"added": added, "removed": removed, "renamed": renamed, "modified": modified}


def diff_versions(old_version: str, new_version: str, old: dict[str, Any], new: dict[str, Any]) -> Changes:
    """``changes.json``: ``old``/``new`` map data file names to JSON payloads (clusters.json, programme.json)."""
    programme = field_changes(old.get("programme.json"), new.get("programme.json"), "programme") if (
        old.get("programme.json") is not None or new.get("programme.json") is not None) else []
    return Changes(from_=old_version, to=new_version, programme=programme,
                   **diff_records(old.get("clusters.json", []), new.get("clusters.json", [])))


def change_records(changes: Changes) -> list[ChangeRow]:
    """changes.json flat: one row per change (event, cluster id, field path, old, new, added, removed), for
    tables and line-oriented output."""
    return changes.rows()


def change_counts(changes: Changes) -> ChangeCounts:
    """How many of each kind of change (the manifest's ``changes``)."""
    return changes.counts()


def summary(changes: Changes) -> str:
    """'2 added, 0 removed, 0 renamed, 1 modified, 0 programme field(s) changed.'"""
    counts = changes.counts().model_dump()
    programme = counts.pop("programme")
    return ", ".join(f"{v} {k}" for k, v in counts.items()) + f", {programme} programme field(s) changed."


def is_empty(changes: Changes) -> bool:
    """True when nothing changed."""
    return changes.is_empty()


def _show(value: Any) -> str:
    """A value as readable text, whole: strings as they are, an issue as its message and raw value, a list
    as its items."""
    if value is None or value == []:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, dict) and "message" in value:
        raw = f" ({value['value']!r})" if value.get("value") else ""
        return f"{value.get('field')}: {value['message']}{raw}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_show(v)}" for k, v in sorted(value.items()) if v not in (None, [], ""))
    return str(value)


def describe_change(change: Change) -> str:
    """One change as a line: what was added and removed from a set, else the old and the new value."""
    if change.added is not None:
        parts = [f"added {_show(change.added)}" if change.added else "",
                 f"removed {_show(change.removed)}" if change.removed else ""]
        return f"`{change.path}`: " + "; ".join(p for p in parts if p)
    return f"`{change.path}`: {_show(change.old)} → {_show(change.new)}"


def to_markdown(changes: Changes) -> str:
    """A changelog for people: one section per kind of change, one table row per field."""
    lines = [f"# Changes from {changes.from_} to {changes.to}", ""]
    if changes.is_empty():
        return "\n".join([*lines, "No changes.", ""])
    lines += [summary(changes), ""]
    if changes.added:
        lines += ["## Added", "", *[f"- `{i}`" for i in changes.added], ""]
    if changes.removed:
        lines += ["## Removed", "", *[f"- `{i}`" for i in changes.removed], ""]
    if changes.renamed:
        lines += ["## Renamed", ""]
        lines += [f"- `{r.from_}` → `{r.to}` ({r.name}; {r.evidence})" for r in changes.renamed]
        lines.append("")
    for m in changes.modified:
        lines += [f"## {m.name} (`{m.id}`)", "", *[f"- {describe_change(c)}" for c in m.changes], ""]
    if changes.programme:
        lines += ["## Programme", "", *[f"- {describe_change(c)}" for c in changes.programme], ""]
    return "\n".join(lines)
