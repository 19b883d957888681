"""``clusterharvest export``: a version's files, or their public variant, as a folder that holds one export.

An export is written into a fresh hidden folder beside the target (``.<name>.export-*``) and then replaces the
target as a whole, so a folder never mixes two exports (a full ``manifest.json`` naming persons beside a public
``datapackage.json``). The target must be new, empty, or an earlier export: a folder of regular files only, one
of them the ``export.json`` that only export writes, naming the version and listing every other file. Anything
else is refused, so an export never deletes a file it did not write: a version folder (which has a manifest
like an export's, but no ``export.json``), and any folder of a dataset root, this one or another, which would
replace or add a published version.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import PublishError
from .exporters.public import public_variant
from .publish import INDEX, complete_versions, fsync_dir, is_version_id, read_manifest, read_version, verified_bytes
from .store import pretty_json, sha256_hex
from .versions import resolve

LEFTOVER = ".{name}.export-"  # prefix of the temporary folders an export makes beside its target
MARKER = "export.json"  # what says a folder is an export: written by export only, never by a harvest


def version_export(out_dir: Path, version: str) -> dict[str, bytes]:
    """A version's files by name, as published: those its manifest lists, each checked against its sha256,
    and the manifest. Raises ``PublishError`` for a file that is missing or changed."""
    manifest = read_manifest(out_dir, version)
    files = {name: verified_bytes(out_dir, version, name, manifest) for name in sorted(manifest.files)}
    files["manifest.json"] = (out_dir / version / "manifest.json").read_bytes()
    return files


def public_export(out_dir: Path, version: str) -> dict[str, bytes]:
    """The public variant of a version (``exporters.public.public_variant``), looking for the contact persons of
    the version its changes are against too, when that version is still in the dataset root."""
    current = read_version(out_dir, version)
    before = current.changes.from_ if current.changes else None
    previous = read_version(out_dir, before) if before in complete_versions(out_dir) else None
    return public_variant(current, previous)


def export_marker(version: str, redacted: bool, files: dict[str, bytes]) -> bytes:
    """``export.json``: the version exported, whether it is the public variant, and every other file's sha256."""
    return pretty_json({"exported_by": "clusterharvest export", "version": version, "redacted_personal_data": redacted,
                        "files": {name: {"sha256": sha256_hex(body)} for name, body in sorted(files.items())}})


def is_earlier_export(folder: Path) -> bool:
    """Whether a folder holds an export and nothing else: regular files only, among them the ``export.json``
    export writes, naming a version and listing every other file."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        entries = list(folder.iterdir())
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or not is_version_id(str(marker.get("version"))) \
            or not isinstance(marker.get("files"), dict):
        return False
    listed = set(marker["files"]) | {MARKER}
    return all(p.name in listed and p.is_file() and not p.is_symlink() for p in entries)


def holds_version(folder: Path) -> bool:
    """Whether a folder holds a published version and no export: a ``manifest.json`` naming a version id and no
    ``export.json`` (a version folder, in place or copied)."""
    if (folder / MARKER).exists():
        return False
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and is_version_id(str(manifest.get("version")))


def is_dataset_root(folder: Path) -> bool:
    """Whether a folder is a dataset root, this one or another: it holds ``LATEST`` or ``index.json``."""
    return any((folder / name).exists() for name in ("LATEST", INDEX))


def check_target(target: Path, out_dir: Path) -> None:
    """Refuse a target export must not replace (``PublishError``): one inside the dataset root, a folder of any
    dataset root (new or not: it would replace or add a version there), a file, or a folder that is neither empty
    nor an earlier export (a version folder copied elsewhere is none)."""
    root = Path(os.path.realpath(out_dir))
    if target == root or root in target.parents:
        raise PublishError(f"export target {target} is inside the dataset root {out_dir}; export to a folder "
                           "outside it")
    if is_dataset_root(target.parent) or is_dataset_root(target):
        where = target if is_dataset_root(target) else target.parent
        raise PublishError(f"export target {target} is in the dataset root {where} (it has LATEST or index.json), "
                           "where it would replace or add a version; export to a folder outside it")
    if target.exists() and not target.is_dir():
        raise PublishError(f"export target {target} is not a folder")
    if target.is_dir() and any(target.iterdir()) and not is_earlier_export(target):
        if holds_version(target):
            raise PublishError(f"export target {target} holds a version of a dataset root, not an export (no "
                               f"{MARKER}); export to an empty or new folder")
        raise PublishError(f"export target {target} is not empty and holds no earlier export (an {MARKER} "
                           "listing every other file); export to an empty or new folder")


def replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a fresh folder beside ``target`` and put it in the target's place: the old target
    is moved aside, the new folder renamed in, the old one removed. A killed export leaves the target whole
    (or, between the two renames, missing, with the previous export in a hidden ``.<name>.export-*`` folder
    beside it); the next export into the same target removes such leftovers."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = LEFTOVER.format(name=target.name)
    for leftover in parent.glob(f"{glob.escape(prefix)}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    aside = fresh.with_name(fresh.name + "-old")
    try:
        for name, body in files.items():
            with open(fresh / name, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(fresh, 0o755)  # mkdtemp makes 0700; an export is for every reader
        fsync_dir(fresh)
        if target.exists():
            os.rename(target, aside)
        os.rename(fresh, target)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def export_version(out_dir: str | Path, version_name: str, to: str | Path, redact: bool) -> tuple[str, list[str]]:
    """Write a version's files (``redact``: their public variant) as the folder ``to``, replacing an earlier
    export there.

    Args:
        out_dir: the dataset root.
        version_name: 'LATEST', a version id or an unambiguous part of one (``versions.resolve``).
        to: the folder to write; a symlink is followed, and the folder it names is replaced.
        redact: write the public variant (``exporters.public.public_variant``).

    Returns:
        The version id and the names of the files written.

    Raises:
        PublishError: an unknown version, a changed or missing file, or a target that is refused
            (``check_target``); OSError when the folder cannot be written (the target is then as it was).
    """
    out = Path(out_dir)
    version = resolve(out, version_name)
    target = Path(os.path.realpath(to))
    check_target(target, out)
    files = public_export(out, version) if redact else version_export(out, version)
    files[MARKER] = export_marker(version, redact, files)
    replace_folder(target, files)
    return version, sorted(files)
