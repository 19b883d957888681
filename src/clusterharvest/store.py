"""The raw store: every snapshot's bytes, content-addressed, with a metadata sidecar.

Layout: ``<root>/<source-id>/<sha256><ext>`` holds the bytes and ``<root>/<source-id>/<sha256>.json``
says what they are (source, url, content type, when and how obtained, validators for
conditional requests). A sidecar may name a data file of another name (the bundled flyer).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .controls import escape_controls
from .errors import FetchError
from .files import OverCap, read_regular_file

EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
}


def iso_z(when: datetime) -> str:
    """A time as ISO 8601 in UTC with a Z, to the second ('2026-11-21T05:47:29Z'): every time we write."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> str:
    """The current time as ``iso_z`` writes it."""
    return iso_z(datetime.now(UTC))


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def media_type(content_type: str | None) -> str:
    """'text/html; charset=utf-8' -> 'text/html'."""
    return (content_type or "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Provenance:
    """Where a snapshot's bytes came from, beyond its URL and method (stored as the sidecar's ``extra``)."""

    final_url: str | None = None  # where redirects led
    via: str | None = None  # 'archive': taken from a web archive capture
    capture_timestamp: str | None = None  # the archive capture's YYYYMMDDhhmmss
    capture_url: str | None = None  # the capture's raw-bytes URL
    as_of: str | None = None  # when the capture was taken (ISO 8601)
    live_error: str | None = None  # why the live source was not used
    reconstructed_from: str | None = None  # the text capture a bundled snapshot was reconstructed from
    note: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The fields that are set, for the sidecar and the manifest."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Provenance:
        """From a sidecar's ``extra`` (keys this version does not know are dropped)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in (data or {}).items() if k in known and v is not None})

    @property
    def archived(self) -> bool:
        """Whether the bytes are a web archive's capture."""
        return self.via == "archive"


@dataclass(frozen=True)
class Snapshot:
    """One stored copy of a source, as its sidecar describes it."""

    source_id: str
    url: str
    file: str  # absolute path of the bytes
    sha256: str
    bytes: int
    content_type: str | None
    obtained_at: str
    method: str  # fetched | reconstructed | file
    etag: str | None = None
    last_modified: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    not_modified: bool = False  # this run's request was answered 304
    # A file source's bytes as its one checked read returned them (``fetch.read_file_source``); None for a
    # snapshot of the raw store, read from ``file`` when needed.
    data: builtins.bytes | None = field(default=None, repr=False, compare=False)

    def read(self) -> builtins.bytes:  # `bytes` is also a field name here
        """The snapshot's bytes, checked against the sha256 it records: a file source's bytes as they were read,
        never the path read a second time; a stored snapshot's file read through the same checked reader (a
        regular file of the recorded size, ``files.read_regular_file``), so a snapshot changed on disk is never
        replayed under its old hash, and a FIFO or a device in its place is refused, not waited on.

        Raises:
            FetchError: naming the source, for bytes that do not match the sha256 or a file that cannot be read.
        """
        changed = FetchError(f"snapshot {self.file} does not match the sha256 its sidecar records (changed on "
                             "disk); refusing to use it", self.source_id)
        try:
            data = self.data if self.data is not None else read_regular_file(Path(self.file), self.bytes,
                                                                             source_id=self.source_id)
        except OverCap:
            raise changed from None
        if sha256_hex(data) != self.sha256:
            raise changed
        return data

    def manifest_entry(self) -> dict[str, object]:
        """What the manifest records for this source."""
        out: dict[str, object] = {
            "id": self.source_id,
            "url": self.url,
            "snapshot_sha256": self.sha256,
            "bytes": self.bytes,
            "content_type": self.content_type,
            "obtained_at": self.obtained_at,
            "method": self.method,
            "not_modified": self.not_modified,
        }
        out.update(self.provenance.as_dict())
        return out


def pretty_json(obj: Any) -> bytes:
    """Readable, stable JSON bytes for files we write (sorted keys, two-space indent, UTF-8); a control or
    invisible format character in a string is written as its JSON escape (``controls.escape_controls``), so the
    file shows none to a terminal and reads back the same."""
    return escape_controls(json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; stored data is for every reader
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RawStore:
    """Content-addressed snapshots under one root folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def save(self, source_id: str, url: str, data: bytes, *, content_type: str | None,
             method: str = "fetched", etag: str | None = None, last_modified: str | None = None,
             obtained_at: str | None = None, provenance: Provenance | None = None) -> Snapshot:
        """Store bytes and their sidecar; the same bytes twice share one file."""
        digest = sha256_hex(data)
        folder = self.root / source_id
        ext = EXTENSIONS.get(media_type(content_type), ".bin")
        data_path = folder / f"{digest}{ext}"
        try:
            if not data_path.exists():
                atomic_write(data_path, data)
            snap = Snapshot(
                source_id=source_id, url=url, file=str(data_path.resolve()), sha256=digest, bytes=len(data),
                content_type=content_type, obtained_at=obtained_at or utc_now(), method=method,
                etag=etag, last_modified=last_modified, provenance=provenance or Provenance(),
            )
            self.write_sidecar(snap)
        except OSError as exc:
            raise FetchError(f"cannot store the snapshot in {folder}: {exc.strerror or exc}", source_id) from None
        return snap

    def write_sidecar(self, snap: Snapshot) -> None:
        """(Re)write the sidecar of a snapshot, e.g. after a 304 refreshed its validators."""
        meta = asdict(snap)
        meta.pop("not_modified")
        meta.pop("data")
        meta.pop("provenance")
        meta["extra"] = snap.provenance.as_dict()
        meta["file"] = Path(snap.file).name
        atomic_write(Path(snap.file).parent / f"{snap.sha256}.json", pretty_json(meta))

    def snapshots(self, source_id: str) -> list[Snapshot]:
        """All snapshots of a source, oldest first."""
        folder = self.root / source_id
        described = [self.described(meta) for meta in sorted(folder.glob("*.json"))] if folder.is_dir() else []
        found = [s for s in described if s is not None and Path(s.file).is_file()]
        return sorted(found, key=lambda s: (s.obtained_at, s.sha256))

    def described(self, meta_path: Path) -> Snapshot | None:
        """The snapshot a sidecar describes, or None: not a sidecar, a damaged one, or one whose file is not a
        plain file of its own folder (never replay what we cannot describe)."""
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data_path = self.inside(meta_path.parent, meta["file"])
            if data_path is None:
                return None
            provenance = Provenance.from_dict(meta.pop("extra", None))
            return Snapshot(**{**meta, "file": str(data_path), "provenance": provenance})
        except (ValueError, KeyError, TypeError, OSError):
            return None

    def inside(self, folder: Path, name: object) -> Path | None:
        """A sidecar's data file, only if it is a plain file of the source's own folder in this store: a name
        with a path in it, a symlink, or a folder that leads outside the store is never followed."""
        if not isinstance(name, str) or not name or name != Path(name).name or name in (".", ".."):
            return None
        path = folder / name
        root = self.root.resolve()
        if path.is_symlink() or folder.is_symlink() or not path.resolve().is_relative_to(root):
            return None
        return path.resolve()

    def latest(self, source_id: str) -> Snapshot | None:
        """The newest snapshot of a source, or None."""
        snaps = self.snapshots(source_id)
        return snaps[-1] if snaps else None

    def refreshed(self, snap: Snapshot, *, etag: str | None, last_modified: str | None) -> Snapshot:
        """The snapshot confirmed unchanged by a 304: new time and validators, same bytes."""
        new = replace(snap, obtained_at=utc_now(), etag=etag or snap.etag,
                      last_modified=last_modified or snap.last_modified, not_modified=True)
        self.write_sidecar(new)
        return new
