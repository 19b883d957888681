"""Versioned datasets: content-hashed version ids, manifests, atomic publication.

``<out>/<version-id>/`` holds ``clusters.json`` (records sorted by id), ``programme.json``,
``manifest.json`` and, after the first version, ``changes.json`` against the previous one;
``<out>/LATEST`` names the newest complete version. A version is written into a hidden
temporary folder and renamed into place, then ``LATEST`` is replaced atomically, so a
crash at any point leaves ``LATEST`` naming a complete version; leftovers are removed on
the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .diff import change_counts, diff_versions
from .errors import PublishError
from .models import SCHEMA_VERSION, Cluster, Programme
from .outputs import version_files
from .store import atomic_write, pretty_json

TMP_PREFIX = ".tmp-"
DATA_FILES = ("clusters.json", "programme.json")


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def records_payload(clusters: list[Cluster]) -> list[dict[str, Any]]:
    """Records as JSON-ready dicts, sorted by id."""
    return [c.model_dump(mode="json") for c in sorted(clusters, key=lambda c: c.id)]


def content_hash(data: dict[str, Any]) -> str:
    """Hex SHA-256 over the published records only (file name + canonical JSON), never provenance."""
    digest = hashlib.sha256()
    for name in sorted(data):
        digest.update(name.encode("utf-8") + b"\0" + canonical_json(data[name]) + b"\0")
    return digest.hexdigest()


def make_version_id(created: datetime, digest: str) -> str:
    """'YYYYMMDDTHHMMSSZ-<first 8 hex of the content hash>': sorts by time."""
    return f"{created.astimezone(UTC):%Y%m%dT%H%M%SZ}-{digest[:8]}"


def read_latest(out_dir: str | Path) -> str | None:
    """The version id ``LATEST`` names, if it names a complete version."""
    path = Path(out_dir) / "LATEST"
    try:
        version = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return version if version and (Path(out_dir) / version / "manifest.json").is_file() else None


def read_manifest(out_dir: str | Path, version: str) -> dict[str, Any]:
    """A version's manifest."""
    try:
        return json.loads((Path(out_dir) / version / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublishError(f"no version {version!r} in {out_dir}") from None


def read_data(out_dir: str | Path, version: str, names: tuple[str, ...] = DATA_FILES) -> dict[str, Any]:
    """A version's data files (those of ``names`` that exist) by name, parsed."""
    out = {}
    for name in names:
        path = Path(out_dir) / version / name
        if path.is_file():
            out[name] = json.loads(path.read_text(encoding="utf-8"))
    return out


def read_changes(out_dir: str | Path, version: str) -> dict[str, Any] | None:
    """A version's ``changes.json`` (None for a first version)."""
    path = Path(out_dir) / version / "changes.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def list_versions(out_dir: str | Path) -> list[str]:
    """Complete versions, oldest first: the chain of ``previous`` links back from ``LATEST`` (ids sort by
    time only to the second), after any versions outside that chain in id order."""
    root = Path(out_dir)
    if not root.is_dir():
        return []
    complete = {p.name for p in root.iterdir()
                if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").is_file()}
    chain: list[str] = []
    version = read_latest(root)
    while version in complete and version not in chain:
        chain.append(version)
        version = read_manifest(root, version).get("previous")
    return sorted(complete - set(chain)) + chain[::-1]


def clean_leftovers(out_dir: str | Path) -> list[str]:
    """Remove temporary folders a crashed run left behind; returns their names."""
    root = Path(out_dir)
    removed = []
    for path in root.glob(f"{TMP_PREFIX}*") if root.is_dir() else []:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class PublishResult:
    """What publishing did."""

    version: str
    path: Path | None  # None when nothing changed
    changed: bool
    previous: str | None


def publish_version(out_dir: str | Path, clusters: list[Cluster], sources: list[dict[str, Any]],
                    extra: dict[str, Any] | None = None, now: datetime | None = None,
                    programme: Programme | None = None, as_of: datetime | None = None) -> PublishResult:
    """Write a new version unless its records equal those of ``LATEST``.

    Args:
        out_dir: the dataset root (``normalized/``).
        clusters: validated records.
        sources: per-source provenance for the manifest (id, url, snapshot sha256, when obtained).
        extra: further manifest keys (checks, quarantined entries, ...).
        programme: the programme record, published as ``programme.json`` and covered by the hash.
        as_of: the time the data describes, when it is not now (a backfilled archive capture): it dates
            the version id, so versions sort by it, and is recorded as ``as_of`` in the manifest.
        now: creation time (for tests); defaults to the current time.

    Returns:
        The version written, or the unchanged ``LATEST`` with ``changed=False``.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    clean_leftovers(root)
    data: dict[str, Any] = {"clusters.json": records_payload(clusters)}
    if programme is not None:
        data["programme.json"] = programme.model_dump(mode="json")
    digest = content_hash(data)
    previous = read_latest(root)
    if previous and read_manifest(root, previous).get("content_hash") == digest:
        return PublishResult(version=previous, path=None, changed=False, previous=previous)
    created = now or datetime.now(UTC)
    version = make_version_id(as_of or created, digest)
    final = root / version
    if final.exists():
        raise PublishError(f"version {version} already exists in {root}")
    changes = diff_versions(previous, version, read_data(root, previous), data) if previous else None
    files = version_files(version, data, changes)
    manifest = {
        "version": version,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "schema_version": SCHEMA_VERSION,
        "content_hash": digest,
        "previous": previous,
        "as_of": (as_of or created).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "counts": {"clusters": len(clusters)},
        "files": {name: {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
                  for name, body in files.items()},
        "sources": sources,
        "changes": None if changes is None else change_counts(changes),
        **(extra or {}),
    }
    files["manifest.json"] = pretty_json(manifest)
    tmp = root / f"{TMP_PREFIX}{version}-{os.getpid()}"
    try:
        tmp.mkdir()
        for name, body in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
        fsync_dir(tmp)
        os.rename(tmp, final)
        fsync_dir(root)
        atomic_write(root / "LATEST", f"{version}\n".encode())
        fsync_dir(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PublishError(f"cannot write version {version} to {root}: {exc}") from None
    return PublishResult(version=version, path=final, changed=True, previous=previous)
