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
import logging
import os
import re
import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .dataset import Changes, Counts, DatasetVersion, Manifest, Run, file_entries
from .diff import diff_versions
from .errors import PublishError
from .exporters import export_files
from .models import SCHEMA_VERSION, Cluster, Programme
from .store import atomic_write, iso_z, pretty_json

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


VERSION_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
log = logging.getLogger("clusterharvest")


def is_version_id(name: str) -> bool:
    """Whether a name is a version id ('20261121T054729Z-ca924daf'): never a path."""
    return bool(VERSION_ID.match(name))


def complete_versions(out_dir: str | Path) -> list[str]:
    """Version folders that hold a manifest, by id (so by time)."""
    root = Path(out_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if is_version_id(p.name) and p.is_dir() and not p.is_symlink() and (p / "manifest.json").is_file())


def read_latest(out_dir: str | Path) -> str | None:
    """The version id ``LATEST`` names, if it names a complete version of this root (never a path outside it)."""
    path = Path(out_dir) / "LATEST"
    try:
        version = path.read_bytes().decode("ascii").strip()
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return None
    return version if is_version_id(version) and version in complete_versions(out_dir) else None


def current_version(out_dir: str | Path) -> str | None:
    """The version new runs compare against: ``LATEST``, or, when ``LATEST`` is missing or garbage while
    complete versions exist, the newest of them (said in the log), so no gate is ever switched off by it."""
    latest = read_latest(out_dir)
    if latest is not None:
        return latest
    versions = complete_versions(out_dir)
    if versions:
        log.warning("%s: LATEST is missing or does not name a complete version; using the newest complete "
                    "version %s", out_dir, versions[-1])
        return versions[-1]
    return None


def read_manifest(out_dir: str | Path, version: str) -> Manifest:
    """A version's manifest. Raises ``PublishError`` for a missing, unreadable or invalid one."""
    if not is_version_id(version):
        raise PublishError(f"{version!r} is not a version id")
    path = Path(out_dir) / version / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublishError(f"no version {version!r} in {out_dir}") from None
    except (OSError, ValueError) as exc:
        raise PublishError(f"version {version} in {out_dir}: manifest.json is unreadable ({exc})") from None
    if not isinstance(manifest, dict):
        raise PublishError(f"version {version} in {out_dir}: manifest.json is not a JSON object")
    try:
        return Manifest.model_validate(manifest)
    except ValidationError as exc:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        raise PublishError(f"version {version} in {out_dir}: manifest.json is not a valid manifest ({problem})") \
            from None


def verified_bytes(out_dir: str | Path, version: str, name: str, manifest: Manifest | None = None) -> bytes:
    """A version's file, checked against the sha256 its manifest records: a file cut short, edited or missing
    is a ``PublishError``, never data."""
    manifest = manifest if manifest is not None else read_manifest(out_dir, version)
    recorded = manifest.files.get(name)
    if recorded is None:
        raise PublishError(f"version {version} in {out_dir}: its manifest lists no {name}")
    try:
        body = (Path(out_dir) / version / name).read_bytes()
    except OSError as exc:
        raise PublishError(f"version {version} in {out_dir}: cannot read {name} ({exc.strerror or exc})") from None
    if hashlib.sha256(body).hexdigest() != recorded.sha256:
        raise PublishError(f"version {version} in {out_dir}: {name} does not match the sha256 in its manifest "
                           "(changed or cut after publishing); refusing to use it (restore the file, or remove "
                           "the version's folder)")
    return body


def read_data(out_dir: str | Path, version: str, names: tuple[str, ...] = DATA_FILES) -> dict[str, Any]:
    """A version's data files (those of ``names`` its manifest lists) by name, as JSON, verified: the payloads the
    diff compares and the content hash covers. A manifest that names another version (a folder renamed, or
    overwritten with another version's files, which match their sha256s) is a ``PublishError`` too."""
    manifest = read_manifest(out_dir, version)
    named = manifest.version
    if named is not None and named != version:
        raise PublishError(f"version {version} in {out_dir}: its manifest.json names version {named} (a folder "
                           "renamed or overwritten); refusing to use it")
    out = {}
    for name in names:
        if name in manifest.files:
            out[name] = json.loads(verified_bytes(out_dir, version, name, manifest))
    if "clusters.json" in names and "clusters.json" not in out:
        raise PublishError(f"version {version} in {out_dir}: its manifest lists no clusters.json")
    return out


def read_changes(out_dir: str | Path, version: str) -> Changes | None:
    """A version's ``changes.json`` (None for a first version), verified."""
    if "changes.json" not in read_manifest(out_dir, version).files:
        return None
    return typed(Changes, json.loads(verified_bytes(out_dir, version, "changes.json")), out_dir, version,
                 "changes.json")


T = TypeVar("T", bound=BaseModel)


def typed(model: type[T], data: Any, out_dir: str | Path, version: str, name: str) -> T:
    """A file's JSON as its model; a file that is not one is a ``PublishError`` naming it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PublishError(f"version {version} in {out_dir}: {name} does not hold what it should "
                           f"({'.'.join(map(str, first['loc']))}: {first['msg']})") from None


def read_version(out_dir: str | Path, version: str, names: tuple[str, ...] = DATA_FILES) -> DatasetVersion:
    """A version as a ``DatasetVersion``: its manifest, records, programme (where ``names`` asks for it and the
    version has one) and changes, every file verified against its manifest's sha256."""
    manifest = read_manifest(out_dir, version)
    data = read_data(out_dir, version, names)
    clusters = [typed(Cluster, r, out_dir, version, "clusters.json") for r in data.get("clusters.json", [])]
    programme = data.get("programme.json")
    return DatasetVersion(
        manifest=manifest, clusters=clusters,
        programme=None if programme is None else typed(Programme, programme, out_dir, version, "programme.json"),
        changes=read_changes(out_dir, version))


def list_versions(out_dir: str | Path) -> list[str]:
    """Complete versions, oldest first (ids sort by time; versions of one second keep their chain order)."""
    versions = complete_versions(out_dir)
    chain: list[str] = []
    version = read_latest(out_dir)
    while version in versions and version not in chain:
        chain.append(version)
        version = read_manifest(out_dir, version).previous
    order = {v: n for n, v in enumerate(reversed(chain))}
    return sorted(versions, key=lambda v: (v.split("-")[0], order.get(v, -1), v))


def clean_leftovers(out_dir: str | Path) -> list[str]:
    """Remove what a crashed run left behind (hidden version folders, a half-written ``LATEST``)."""
    root = Path(out_dir)
    removed = []
    found = [*root.glob(f"{TMP_PREFIX}*"), *root.glob(".LATEST.*.tmp"), *root.glob(".latest.*"),
             *root.glob(".index.json.*.tmp")] if root.is_dir() else []
    for path in found:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


LATEST_DIR = "latest"
INDEX = "index.json"


def point_latest(root: Path, version: str) -> None:
    """Make ``<root>/latest`` the newest version: a relative symlink, swapped in atomically; where the filesystem
    has no symlinks, a copy, built aside and renamed into place."""
    link = root / LATEST_DIR
    if link.is_symlink() and os.readlink(link) == version:
        return
    tmp = root / f".latest.{os.getpid()}.tmp"
    try:
        os.symlink(version, tmp, target_is_directory=True)
    except OSError:  # no symlinks here: a copy
        shutil.copytree(root / version, tmp)
    if link.is_dir() and not link.is_symlink():  # an earlier copy: moved aside, then removed
        aside = root / f".latest.{os.getpid()}.old"
        os.rename(link, aside)
        os.rename(tmp, link)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(tmp, link)


def index_entry(root: Path, version: str) -> dict[str, Any]:
    """One version in ``index.json``: when, how many, what changed, its files (from its manifest)."""
    manifest = read_manifest(root, version).to_json()
    return {"version": version, **{key: manifest.get(key) for key in (
        "created", "as_of", "schema_version", "content_hash", "previous", "counts", "changes")},
            "files": {name: {**meta, "path": f"{version}/{name}"} for name, meta in sorted(manifest["files"].items())}}


def write_index(root: Path, latest: str) -> None:
    """``<root>/index.json``: every complete version, oldest first, and which is the latest (OpenSanctions
    publishes such an index), written atomically."""
    versions = [index_entry(root, v) for v in list_versions(root)]
    atomic_write(root / INDEX, pretty_json({"latest": latest, "latest_path": f"{LATEST_DIR}/", "versions": versions}))


def refresh_pointers(root: Path) -> None:
    """``latest/`` and ``index.json`` brought in line with ``LATEST`` (after a publish, and on every run, so a
    crash between the writes heals itself). A failure to write them is a ``PublishError``."""
    latest = read_latest(root)
    if latest is None:
        return
    try:
        current = json.loads((root / INDEX).read_text(encoding="utf-8"))
        fresh = current.get("latest") == latest and len(current.get("versions", [])) == len(complete_versions(root))
    except (OSError, ValueError, AttributeError):
        fresh = False
    try:
        point_latest(root, latest)
        if not fresh:
            write_index(root, latest)
    except OSError as exc:
        raise PublishError(f"{latest} is LATEST, but latest/ and index.json in {root} cannot follow it: {exc}") \
            from None


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


def build_manifest(version: str, created: datetime, digest: str, previous: str | None, clusters: int,
                   run: Run, changes: Changes | None, as_of: datetime | None = None) -> Manifest:
    """The one place a manifest is made, for a harvest and for a backfill alike: the version, its time and content
    hash, the version before it, its counts and change counts, and what the run says (``run``). Its ``files`` are
    filled in once the files are written."""
    return Manifest(version=version, created=iso_z(created), schema_version=SCHEMA_VERSION, content_hash=digest,
                    previous=previous, as_of=iso_z(as_of or created), counts=Counts(clusters=clusters), files={},
                    changes=None if changes is None else changes.counts(), **dict(run))


class Halt:
    """A stop for this process's publishing, for a command that ends a run it no longer watches (SIGTERM, its
    Prefect server gone) while the run's thread may still go on: once ``set``, no version is committed. The
    commit (the version's folder renamed into place and ``LATEST`` replaced) and ``set`` hold one lock, so when
    ``set`` returns, whatever ``LATEST`` names is final for this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reason: str | None = None

    def set(self, reason: str) -> None:
        """Stop publishing, waiting for a commit in progress to end."""
        with self.lock:
            self.reason = reason

    def clear(self) -> None:
        with self.lock:
            self.reason = None


HALT = Halt()


def publish_version(out_dir: str | Path, clusters: list[Cluster], run: Run, *, programme: Programme | None = None,
                    now: datetime | None = None, as_of: datetime | None = None) -> PublishResult:
    """Write a new version unless its records equal those of ``LATEST``.

    Args:
        out_dir: the dataset root (``normalized/``).
        clusters: validated records.
        run: what the run says about the version (sources, inputs, checks, quarantine, backfill): the manifest's.
        programme: the programme record, published as ``programme.json`` and covered by the hash.
        as_of: the time the data describes, when it is not now (a backfilled archive capture): it dates
            the version id, so versions sort by it, and is recorded as ``as_of`` in the manifest.
        now: creation time (for tests); defaults to the current time.

    Returns:
        The version written, or the unchanged ``LATEST`` with ``changed=False``.

    Raises:
        PublishError: the folder cannot be written, the previous version's files do not match its manifest, or
            publishing was halted (``HALT``) before the commit.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    clean_leftovers(root)
    data: dict[str, Any] = {"clusters.json": records_payload(clusters)}
    if programme is not None:
        data["programme.json"] = programme.model_dump(mode="json")
    digest = content_hash(data)
    previous = current_version(root)
    previous_data = read_data(root, previous) if previous else {}  # verified: nothing builds on a changed file
    if previous and read_manifest(root, previous).content_hash == digest:
        refresh_pointers(root)
        return PublishResult(version=previous, path=None, changed=False, previous=previous)
    created = now or datetime.now(UTC)
    version = make_version_id(as_of or created, digest)
    later = 0
    while as_of is None and (root / version).exists():
        # The same records as an earlier version, within the same second (A -> B -> A): the id (not the
        # manifest's `created`) is dated a second later, so every version keeps its own folder.
        later += 1
        version = make_version_id(created + timedelta(seconds=later), digest)
    final = root / version
    if final.exists():
        raise PublishError(f"version {version} already exists in {root}")
    changes = diff_versions(previous, version, previous_data, data) if previous else None
    manifest = build_manifest(version, created, digest, previous, len(clusters), run, changes, as_of)
    ordered = sorted(clusters, key=lambda c: c.id)
    files = export_files(DatasetVersion(manifest=manifest, clusters=ordered, programme=programme, changes=changes))
    if files["clusters.json"] != pretty_json(data["clusters.json"]):  # the hash is over what is published
        raise PublishError(f"version {version}: clusters.json differs from the records hashed")
    manifest.files = file_entries(files)
    files["manifest.json"] = pretty_json(manifest.to_json())
    tmp = root / f"{TMP_PREFIX}{version}-{os.getpid()}"
    try:
        tmp.mkdir()
        for name, body in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
        fsync_dir(tmp)
        with HALT.lock:
            if HALT.reason is not None:
                shutil.rmtree(tmp, ignore_errors=True)
                raise PublishError(f"version {version} not published: {HALT.reason}")
            os.rename(tmp, final)
            fsync_dir(root)
            atomic_write(root / "LATEST", f"{version}\n".encode())
            fsync_dir(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PublishError(f"cannot write version {version} to {root}: {exc}") from None
    refresh_pointers(root)
    return PublishResult(version=version, path=final, changed=True, previous=previous)
