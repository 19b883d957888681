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


# -- an export replaces only an export: never a version of another dataset root (issue 22, item 7) ------------

def test_a_version_of_another_dataset_root_is_refused_and_left_untouched(tmp_path):
    """`cp -r out hist; export --to hist/<V1>` replaced hist's version with the export: a folder of a dataset root
    (its parent holds LATEST), new or not, and a copied version folder elsewhere are no earlier exports."""
    import shutil

    out = tmp_path / "out"
    latest = two_versions(out)
    first, _ = list_versions(out)
    shutil.copytree(out, tmp_path / "hist", symlinks=True)
    (tmp_path / "copies").mkdir()
    shutil.copytree(out / first, tmp_path / "copies" / first)
    before = contents(tmp_path)
    for target in (tmp_path / "hist" / first, tmp_path / "hist" / latest, tmp_path / "hist" / "new-export",
                   tmp_path / "copies" / first):
        for options in ((), ("--redact-personal",)):
            line = one_error_line(export(out, target, *options))
            assert str(target) in line and ("is in the dataset root" in line or "holds a version" in line), line
    assert contents(tmp_path) == before


def test_an_earlier_export_is_recognised_by_what_export_writes(tmp_path):
    """An export says it is one (export.json, written by export only, listing the other files), so a re-export into
    a folder named by its version id is allowed, and an export's own folder needs no dataset root beside it."""
    out = tmp_path / "out"
    latest = two_versions(out)
    target = tmp_path / "exports" / latest
    assert export(out, target).returncode == 0
    marker = json.loads((target / "export.json").read_text(encoding="utf-8"))
    assert (marker["version"], marker["redacted_personal_data"]) == (latest, False), marker
    assert sorted(marker["files"]) == sorted(p.name for p in target.iterdir() if p.name != "export.json"), marker
    res = export(out, target, "--redact-personal")
    assert res.returncode == 0, res.stderr
    assert json.loads((target / "export.json").read_text(encoding="utf-8"))["redacted_personal_data"] is True


def test_versions_reports_a_version_folder_whose_manifest_names_another(tmp_path):
    """A version folder overwritten with another version's files (or renamed) matches its own manifest's sha256s,
    but is not the version its name says: versions reports it, and diff and show refuse it."""
    import shutil

    out = tmp_path / "out"
    latest = two_versions(out)
    first, _ = list_versions(out)
    shutil.rmtree(out / first)
    shutil.copytree(out / latest, out / first)
    res = run_cli("versions", "--out", str(out))
    assert res.returncode == 1, res.stdout
    assert res.stderr == f"clusterharvest: error: version {first} in {out}: its manifest.json names version " \
                         f"{latest} (a folder renamed or overwritten); refusing to use it\n", res.stderr
    line = one_error_line(run_cli("diff", first, latest, "--out", str(out)))
    assert f"its manifest.json names version {latest}" in line, line
