"""``clusterharvest export``: a folder holds one export. An export replaces an earlier one as a whole; a folder
of anything else, or one inside the dataset root, is refused and left as it was."""

from __future__ import annotations

import json
from pathlib import Path

from clusterharvest.publish import list_versions

from .test_cli import run_cli
from .test_public_variant import leaks, two_versions


def one_error_line(res) -> str:
    assert res.returncode == 1, res.stdout
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("clusterharvest: error: "), res.stderr
    return lines[0]


def contents(folder: Path) -> dict[str, bytes]:
    """Every entry under a folder (files by their bytes, folders as such), by relative path."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>") for p in folder.rglob("*")}


def export(out: Path, to: Path, *options: str):
    return run_cli("export", "--out", str(out), "--to", str(to), *options)


def test_a_public_export_over_a_full_one_leaves_no_file_of_the_full_export(tmp_path):
    out = tmp_path / "out"
    two_versions(out)
    first, _ = list_versions(out)
    target = tmp_path / "exported"
    assert export(out, target).returncode == 0  # the full export of LATEST, with changes.json and the manifest
    assert (target / "changes.json").is_file() and "Xaver" in leaks(target)["manifest.json"]  # in quarantine

    res = export(out, target, "--redact-personal", "--version", first)  # a first version: no changes.json
    assert res.returncode == 0, res.stderr
    assert export(out, tmp_path / "fresh", "--redact-personal", "--version", first).returncode == 0
    assert contents(target) == contents(tmp_path / "fresh")  # exactly the public export, nothing of the full one
    assert not [name for name, found in leaks(target).items() if "Xaver" in found]  # the quarantined person
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == first and manifest["redacted_personal_data"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exported", "fresh", "out"]  # no temporary folder left

    assert export(out, target).returncode == 0  # and back: a full export replaces the public one
    assert json.loads((target / "manifest.json").read_text(encoding="utf-8")).get("redacted_personal_data") is None


def test_a_folder_of_other_files_is_refused_and_left_untouched(tmp_path):
    out = tmp_path / "out"
    two_versions(out)
    target = tmp_path / "documents"
    (target / "sub").mkdir(parents=True)
    (target / "notes.txt").write_text("mine")
    (target / "clusters.json").write_text("[]")  # a file an export would write is not enough
    (target / "sub" / "more.txt").write_text("mine too")
    before = contents(target)
    for options in ((), ("--redact-personal",)):
        line = one_error_line(export(out, target, *options))
        assert "is not empty and holds no earlier export" in line, line
        assert contents(target) == before
    # An earlier export with a file of someone else's added is refused too: export deletes only its own files.
    assert export(out, tmp_path / "earlier").returncode == 0
    (tmp_path / "earlier" / "notes.txt").write_text("mine")
    assert "holds no earlier export" in one_error_line(export(out, tmp_path / "earlier", "--redact-personal"))
    assert (tmp_path / "earlier" / "notes.txt").read_text() == "mine"


def test_an_export_into_the_dataset_root_is_refused(tmp_path):
    out = tmp_path / "out"
    latest = two_versions(out)
    before = contents(out)
    for target in (out / latest, out / "latest", out, out / "new"):
        line = one_error_line(export(out, target, "--redact-personal"))
        assert "inside the dataset root" in line, line
    assert contents(out) == before


def test_a_killed_exports_leftover_is_removed_and_a_symlinked_target_followed(tmp_path):
    out = tmp_path / "out"
    two_versions(out)
    real = tmp_path / "real"
    assert export(out, real).returncode == 0
    (tmp_path / ".real.export-abc123").mkdir()  # what a killed export leaves beside its target
    (tmp_path / ".real.export-abc123" / "clusters.json").write_text("[]")
    (tmp_path / "link").symlink_to(real)
    res = export(out, tmp_path / "link", "--redact-personal")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "link").is_symlink() and (tmp_path / "link").resolve() == real
    assert json.loads((real / "manifest.json").read_text(encoding="utf-8"))["redacted_personal_data"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "out", "real"]
