"""Reading published versions: list them, resolve a version name, diff two, one cluster's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dataset import Change, ChangeCounts, Changes
from .diff import diff_versions, field_changes
from .errors import PublishError
from .models import Cluster
from .publish import current_version, list_versions, read_data, read_latest, read_manifest, read_version


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


@dataclass(frozen=True)
class Summary:
    """A version in the list of versions: when, how many records, what changed, whether its files are intact."""

    version: str
    created: str
    clusters: int | None
    changes: ChangeCounts | None
    latest: bool
    problem: str | None  # why its files cannot be used, if they cannot

    def row(self) -> dict[str, object]:
        """The version as a flat row (``versions --format ndjson|csv|json``)."""
        return {"version": self.version, "created": self.created, "clusters": self.clusters,
                "changes": None if self.changes is None else self.changes.model_dump(), "latest": self.latest,
                "problem": self.problem}


def summaries(out_dir: str | Path) -> list[Summary]:
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
        out.append(Summary(version, manifest.created, manifest.counts.clusters if manifest.counts else None,
                           manifest.changes, version == latest, problem))
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


def diff(out_dir: str | Path, old: str | None = None, new: str | None = None) -> Changes:
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


def show(out_dir: str | Path, cluster_id: str, version: str = "LATEST") -> Cluster:
    """One cluster's record in a version (the id matched ignoring case)."""
    version_id = resolve(out_dir, version)
    records = {r.id: r for r in read_version(out_dir, version_id, ("clusters.json",)).clusters}
    return records[match_id(cluster_id, sorted(records), f"version {version_id}")]


@dataclass(frozen=True)
class Event:
    """A version that added, changed or removed a cluster: the record it added, or the fields it changed."""

    version: str
    created: str
    event: str  # added | modified | removed
    record: Cluster | None = None
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The event as JSON (``history --format json``)."""
        out: dict[str, object] = {"version": self.version, "created": self.created, "event": self.event}
        if self.record is not None:
            out["record"] = self.record.model_dump(mode="json")
        if self.event == "modified":
            out["changes"] = [c.model_dump(mode="json") for c in self.changes]
        return out


def history(out_dir: str | Path, cluster_id: str) -> list[Event]:
    """One cluster across all versions: when it appeared, each version that changed it and how, and when it
    disappeared. Versions that left it unchanged are not listed. The id is matched ignoring case."""
    events: list[Event] = []
    previous: Cluster | None = None
    every = {version: read_version(out_dir, version, ("clusters.json",)) for version in list_versions(out_dir)}
    if not every:
        raise PublishError(f"no versions in {out_dir}")
    known = sorted({r.id for read in every.values() for r in read.clusters})
    cluster_id = match_id(cluster_id, known, f"any version in {out_dir}")
    for version, read in every.items():
        current = next((r for r in read.clusters if r.id == cluster_id), None)
        created = read.manifest.created
        if current is not None and previous is None:
            events.append(Event(version, created, "added", record=current))
        elif current is None and previous is not None:
            events.append(Event(version, created, "removed"))
        elif current is not None and previous is not None:
            changes = field_changes(previous.model_dump(mode="json"), current.model_dump(mode="json"))
            if changes:
                events.append(Event(version, created, "modified", changes=changes))
        previous = current
    return events
