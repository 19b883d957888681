"""Reading published versions: list them, resolve a version name, diff two, one cluster's history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .diff import diff_versions, field_changes
from .errors import PublishError
from .publish import current_version, list_versions, read_data, read_latest, read_manifest


def resolve(out_dir: str | Path, name: str) -> str:
    """A version id from 'LATEST', a full id, or an unambiguous prefix or hash part ('ca924daf') of one."""
    versions = list_versions(out_dir)
    if name == "LATEST":
        latest = current_version(out_dir)
        if latest is None:
            raise PublishError(f"no versions in {out_dir}")
        return latest
    matches = [v for v in versions if v == name] or [
        v for v in versions if v.startswith(name) or v.split("-", 1)[-1].startswith(name)]
    if len(matches) != 1:
        raise PublishError(f"{'no' if not matches else 'more than one'} version matching {name!r} in {out_dir}")
    return matches[0]


def summaries(out_dir: str | Path) -> list[dict[str, Any]]:
    """Every complete version, oldest first: id, created, record count, change counts, whether LATEST."""
    latest = read_latest(out_dir)
    out = []
    for version in list_versions(out_dir):
        manifest = read_manifest(out_dir, version)
        try:
            read_data(out_dir, version)
            problem = None
        except PublishError as exc:
            problem = str(exc)
        out.append({"version": version, "created": manifest.get("created"),
                    "clusters": manifest.get("counts", {}).get("clusters"), "changes": manifest.get("changes"),
                    "latest": version == latest, "problem": problem})
    return out


def default_pair(out_dir: str | Path, old: str | None, new: str | None) -> tuple[str, str]:
    """(old, new) version ids: NEW defaults to LATEST, OLD to the version before NEW."""
    new_id = resolve(out_dir, new or "LATEST")
    if old:
        return resolve(out_dir, old), new_id
    versions = list_versions(out_dir)
    before = versions[:versions.index(new_id)]
    if not before:
        raise PublishError(f"{new_id} is the first version in {out_dir}; there is nothing to compare it with")
    return before[-1], new_id


def diff(out_dir: str | Path, old: str | None = None, new: str | None = None) -> dict[str, Any]:
    """The changes between two versions, computed from their data files."""
    old_id, new_id = default_pair(out_dir, old, new)
    return diff_versions(old_id, new_id, read_data(out_dir, old_id), read_data(out_dir, new_id))


def match_id(cluster_id: str, known: list[str], where: str) -> str:
    """The id as given, or the one known id it names ignoring case; else an error that suggests the nearest
    ids ("did you mean ...?")."""
    if cluster_id in known:
        return cluster_id
    folded = [k for k in known if k.casefold() == cluster_id.casefold()]
    if len(folded) == 1:
        return folded[0]
    from rapidfuzz import fuzz, process

    near = [k for k, score, _ in process.extract(cluster_id.casefold(), known, scorer=fuzz.WRatio, limit=3)
            if score >= 70]
    hint = f"; did you mean {' or '.join(repr(k) for k in near)}?" if near else ""
    raise PublishError(f"no cluster {cluster_id!r} in {where}{hint}")


def show(out_dir: str | Path, cluster_id: str, version: str = "LATEST") -> dict[str, Any]:
    """One cluster's record in a version (the id matched ignoring case)."""
    version_id = resolve(out_dir, version)
    records = {r["id"]: r for r in read_data(out_dir, version_id, ("clusters.json",)).get("clusters.json", [])}
    return records[match_id(cluster_id, sorted(records), f"version {version_id}")]


def history(out_dir: str | Path, cluster_id: str) -> list[dict[str, Any]]:
    """One cluster across all versions: when it appeared, each version that changed it and how, and when it
    disappeared. Versions that left it unchanged are not listed. The id is matched ignoring case."""
    events: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    every = {version: {r["id"]: r for r in read_data(out_dir, version, ("clusters.json",)).get("clusters.json", [])}
             for version in list_versions(out_dir)}
    if not every:
        raise PublishError(f"no versions in {out_dir}")
    cluster_id = match_id(cluster_id, sorted({i for records in every.values() for i in records}),
                          f"any version in {out_dir}")
    for version, records in every.items():
        current = records.get(cluster_id)
        created = read_manifest(out_dir, version).get("created")
        if current is not None and previous is None:
            events.append({"version": version, "created": created, "event": "added", "record": current})
        elif current is None and previous is not None:
            events.append({"version": version, "created": created, "event": "removed"})
        elif current is not None and previous is not None:
            changes = field_changes(previous, current)
            if changes:
                events.append({"version": version, "created": created, "event": "modified", "changes": changes})
        previous = current
    return events
