"""The command line: extract (library only) and harvest (the Prefect flow, a few runs only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterharvest.publish import read_latest
from clusterharvest.store import RawStore

from .conftest import DIRECTORY_CAPTURE, ROOT

SHARED_CAPTURE = ROOT.parent / "shared" / "seeds" / DIRECTORY_CAPTURE.name


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**(env or os.environ), "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "clusterharvest.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def extract(path: Path) -> list[dict]:
    res = run_cli("extract", str(path), "--kind", "cluster-directory")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def strip_sources(records: list[dict]) -> list[dict]:
    """Records without the source ids (extract names the source after the file)."""
    return [{k: ({**v, "source": None} if k == "project" and v else v) for k, v in r.items() if k != "sources"}
            for r in records]


def test_extract_gives_the_same_32_records_from_html_and_capture():
    html = RawStore(ROOT / "raw").latest("interspin-directory-en")
    assert html is not None
    from_html = extract(Path(html.file))
    from_text = extract(DIRECTORY_CAPTURE)
    assert len(from_html) == 32 and len({r["id"] for r in from_html}) == 32
    assert strip_sources(from_html) == strip_sources(from_text)


@pytest.mark.skipif(not SHARED_CAPTURE.is_file(), reason="../shared/seeds not beside the project")
def test_bundled_capture_is_the_shared_seed():
    assert DIRECTORY_CAPTURE.read_bytes() == SHARED_CAPTURE.read_bytes()
    assert strip_sources(extract(SHARED_CAPTURE)) == strip_sources(extract(DIRECTORY_CAPTURE))


def test_extract_does_not_import_prefect():
    code = ("import sys, io, contextlib; from clusterharvest.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    rc = main(['extract', {str(DIRECTORY_CAPTURE)!r}, '--kind', 'cluster-directory'])\n"
            "assert rc == 0 and 'prefect' not in sys.modules, sorted(m for m in sys.modules if 'prefect' in m)[:3]")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_extract_of_a_page_without_entries_fails_with_one_line(tmp_path):
    page = tmp_path / "maintenance.html"
    page.write_text("<html><body><p>Wartungsarbeiten</p></body></html>")
    res = run_cli("extract", str(page), "--kind", "cluster-directory")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "maintenance.html" in res.stderr, res.stderr


def test_extract_other_kinds():
    res = run_cli("extract", str(DIRECTORY_CAPTURE.parent / "003_4b6e1bbd750e072b.txt"), "--kind", "announcement",
                  "--round", "3")
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert found["round"] == 3 and len(found["selected"]) == 10
    flyer = ROOT / "raw" / "bmbf-flyer-2016" / "enhancing-global-cooperation-2016-10.pdf"
    res = run_cli("extract", str(flyer), "--kind", "flyer")
    assert res.returncode == 0, res.stderr
    assert {"path": "max_funding_eur", "value": 4000000} in [
        {"path": f["path"], "value": f["value"]} for f in json.loads(res.stdout)["facts"]]


def test_extract_of_html_as_a_flyer_fails_with_one_line():
    res = run_cli("extract", str(DIRECTORY_CAPTURE), "--kind", "flyer")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "not a PDF" in res.stderr, res.stderr


def test_unknown_kind_is_a_usage_error():
    res = run_cli("extract", str(DIRECTORY_CAPTURE), "--kind", "brochure")
    assert res.returncode == 2 and "invalid choice" in res.stderr


@pytest.mark.flow
def test_offline_harvest_publishes_one_version_then_nothing(tmp_path, prefect_server):
    out = tmp_path / "normalized"
    res = run_cli("harvest", "--offline", "--out", str(out), env=prefect_server.env)
    assert res.returncode == 0, res.stderr
    version = read_latest(out)
    assert version and f"published {version}" in res.stdout
    records = json.loads((out / version / "clusters.json").read_text())
    assert len(records) == 32 and len({r["id"] for r in records}) == 32
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    manifest = json.loads((out / version / "manifest.json").read_text())
    assert manifest["counts"]["clusters"] == 32
    assert {s["id"] for s in manifest["sources"]} == {"bmbf-programme-page-en", "bmbf-flyer-2016",
                                                      "announcement-round-2-2016", "announcement-round-3-2017",
                                                      "interspin-directory-en"}
    assert all(len(s["snapshot_sha256"]) == 64 and s["obtained_at"] for s in manifest["sources"])
    assert (out / "schema" / "clusters.schema.json").is_file()
    programme = json.loads((out / version / "programme.json").read_text())
    assert [r["projects_selected"] for r in programme["rounds"]] == [11, 11, 10]
    assert sum(1 for r in records if r["round"] == 3) == 10

    again = run_cli("harvest", "--offline", "--out", str(out), env=prefect_server.env)
    assert again.returncode == 0, again.stderr
    assert f"no changes since {version}" in again.stdout
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted([version, "latest", "schema"])
    assert (out / "latest").resolve() == (out / version).resolve()


@pytest.mark.flow
def test_failed_source_fails_the_command_with_one_line_and_publishes_nothing(tmp_path, prefect_server):
    out = tmp_path / "normalized"
    res = run_cli("harvest", "--offline", "--out", str(out), "--raw", str(tmp_path / "empty-raw"),
                  env=prefect_server.env)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("clusterharvest: error: source "), res.stderr
    assert "offline and no snapshot" in lines[0]
    assert read_latest(out) is None
