"""The files for analysts, loaded with the tools analysts use: pandas, DuckDB, sqlite3, frictionless.

Each checks what goes wrong with naive CSV reading: a phone number keeps its '+' and stays text, lists stay
lists, a round stays an integer, and the counts match clusters.json.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest
from frictionless import validate

from clusterharvest.pipeline import open_context, run_harvest

from .conftest import ROOT


@pytest.fixture(scope="module")
def version(tmp_path_factory):
    out = tmp_path_factory.mktemp("analysts")
    result = run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    return out / result.version


@pytest.fixture(scope="module")
def records(version):
    return json.loads((version / "clusters.json").read_text(encoding="utf-8"))


def test_parquet_keeps_types_in_pandas(version, records):
    import pandas as pd

    clusters = pd.read_parquet(version / "clusters.parquet")
    contacts = pd.read_parquet(version / "contacts.parquet")
    assert len(clusters) == len(records) == 32
    assert len(contacts) == sum(len(r["contacts"]) for r in records)
    phones = [n for numbers in contacts["phone"] for n in numbers]
    assert phones and all(isinstance(n, str) and n.startswith("+49") for n in phones)
    arena = clusters.set_index("id").loc["arena-2036"]
    assert list(arena["target_countries_concept"]) == ["AU", "CA"]
    assert int(arena["round"]) == 3
    by_json = {r["id"]: r["round"] for r in records}
    assert {k: (None if pd.isna(v) else int(v)) for k, v in zip(clusters["id"], clusters["round"], strict=True)} == \
        by_json


def test_csv_read_as_text_keeps_the_plus(version, records):
    import pandas as pd

    contacts = pd.read_csv(version / "contacts.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert all(p.startswith("+49") for p in contacts["phone"] if p)
    assert len(contacts) == sum(len(r["contacts"]) for r in records)


def test_duckdb_reads_the_parquet_with_lists(version, records):
    import duckdb

    con = duckdb.connect()
    rows = con.execute(f"SELECT country, count(*) AS n FROM (SELECT unnest(target_countries_concept) AS country "
                       f"FROM '{version / 'clusters.parquet'}') GROUP BY country ORDER BY n DESC, country").fetchall()
    want: dict[str, int] = {}
    for r in records:
        for code in r["target_countries"]["concept"] or []:
            want[code] = want.get(code, 0) + 1
    assert dict(rows) == want
    [(phone,)] = con.execute(f"SELECT phone[1] FROM '{version / 'contacts.parquet'}' WHERE cluster_id = "
                             "'arena-2036'").fetchall()
    assert phone == "+4971168568370"


def test_sqlite_has_keys_long_tables_and_full_text_search(version, records):
    db = sqlite3.connect(version / "clusterharvest.sqlite")
    assert db.execute("SELECT count(*) FROM clusters").fetchone()[0] == len(records)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    targets = db.execute("SELECT count(*) FROM targets WHERE country IS NOT NULL").fetchone()[0]
    assert targets == sum(len(r["target_countries"][p] or []) for r in records for p in ("concept", "implementation"))
    [(kind,)] = db.execute("SELECT DISTINCT typeof(number) FROM numbers").fetchall()
    assert kind == "text"
    hits = [row[0] for row in db.execute(
        "SELECT c.id FROM clusters_fts f JOIN clusters c ON c.rowid = f.rowid WHERE clusters_fts MATCH 'Beechwood'")]
    assert hits == ["bioeconomy-cluster"]
    issues = db.execute("SELECT count(*) FROM issues").fetchone()[0]
    assert issues == sum(len(r["issues"]) for r in records)
    metadata = json.loads((version / "datasette.json").read_text(encoding="utf-8"))
    assert metadata["license"] and set(metadata["databases"]["clusterharvest"]["tables"]) >= {"clusters", "targets"}


def test_ndjson_is_one_record_a_line(version, records):
    lines = (version / "clusters.ndjson").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records


def test_the_data_package_is_complete(version):
    package = json.loads((version / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["created"] and package["homepage"]
    assert package["contributors"]
    assert {s["title"] for s in package["sources"]} == {
        "bmbf-programme-page-en", "bmbf-flyer-2016", "announcement-round-2-2016", "announcement-round-3-2017",
        "interspin-directory-en", "GeoNames"}
    assert all(s["method"] == "reconstructed" for s in package["sources"] if s["title"] != "GeoNames")
    resources = {r["name"]: r for r in package["resources"]}
    for name in ("contacts-csv", "addresses-csv", "targets-csv"):
        assert resources[name]["schema"]["foreignKeys"] == [
            {"fields": ["cluster_id"], "reference": {"resource": "clusters-csv", "fields": ["id"]}}]
    fields = {f["name"]: f for f in resources["clusters-csv"]["schema"]["fields"]}
    assert fields["round"]["constraints"] == {"minimum": 1, "maximum": 3}
    assert (ROOT / "LICENSE-DATA").is_file() and (ROOT / "CITATION.cff").is_file()


def test_a_broken_foreign_key_fails_validation(version, tmp_path):
    assert validate(str(version / "datapackage.json")).valid
    copy = tmp_path / "copy"
    shutil.copytree(version, copy)
    body = (copy / "contacts.csv").read_bytes().replace(b"\r\narena-2036,", b"\r\nno-such-cluster,", 1)
    (copy / "contacts.csv").write_bytes(body)
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for r in package["resources"]:  # the size and hash agree: only the key is wrong
        if r["path"] == "contacts.csv":
            r["bytes"], r["hash"] = len(body), f"sha256:{hashlib.sha256(body).hexdigest()}"
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"foreign-key"}


def test_changes_json_has_a_schema_that_holds():
    import jsonschema

    from clusterharvest.diff import diff_versions
    from clusterharvest.schema import changes_schema

    old = {"clusters.json": [{"id": "a", "name": "A", "aliases": [], "target_countries": {"concept": ["FR"]}}]}
    new = {"clusters.json": [{"id": "a", "name": "A", "aliases": ["Ay"], "target_countries": {"concept": ["NL"]}},
                             {"id": "b", "name": "B", "aliases": [], "target_countries": {"concept": []}}]}
    changes = diff_versions("v1", "v2", old, new).to_json()
    jsonschema.validate(changes, changes_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**changes, "added": "b"}, changes_schema())


# -- stable access: latest/ and index.json ---------------------------------------------------------------------

def harvest_into(out):
    return run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))


def test_latest_and_the_index_follow_LATEST(tmp_path):
    from clusterharvest.publish import read_latest

    out = tmp_path / "out"
    first = harvest_into(out)
    assert (out / "latest").is_symlink() and (out / "latest" / "clusters.parquet").is_file()
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == read_latest(out) == first.version
    [entry] = index["versions"]
    assert entry["counts"] == {"clusters": 32} and entry["files"]["clusters.json"]["path"] == \
        f"{first.version}/clusters.json"
    assert (out / entry["files"]["clusters.json"]["path"]).is_file()
    # a crash after LATEST moved but before latest/ and the index did: the next run (unchanged) heals it
    (out / "latest").unlink()
    (out / "index.json").write_text("{}", encoding="utf-8")
    again = harvest_into(out)
    assert not again.changed
    assert (out / "latest").resolve() == (out / first.version).resolve()
    assert json.loads((out / "index.json").read_text(encoding="utf-8"))["latest"] == first.version


def test_without_symlinks_latest_is_a_copy(tmp_path, monkeypatch):
    import os

    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks are not supported here")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    out = tmp_path / "out"
    first = harvest_into(out)
    latest = out / "latest"
    assert latest.is_dir() and not latest.is_symlink()
    assert (latest / "clusters.json").read_bytes() == (out / first.version / "clusters.json").read_bytes()
    assert not list(out.glob(".latest.*"))


# -- CLI manners and line formats --------------------------------------------------------------------------------

def cli(*args):
    from .test_cli import run_cli

    return run_cli(*args)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """A dataset root with two versions: the bundled snapshot, then a copy with one more target country."""
    root = tmp_path_factory.mktemp("two")
    out = root / "out"
    harvest_into(out)
    raw = root / "raw"
    shutil.copytree(ROOT / "raw", raw)
    page = next((raw / "interspin-directory-en").glob("*.html"))
    data = page.read_bytes().replace(b"concept phase: Slovenia, Korea", b"concept phase: Slovenia, Korea, Japan", 1)
    sources = (ROOT / "sources.toml").read_text(encoding="utf-8").replace(
        'url = "raw/bmbf-flyer-2016', f'url = "{ROOT}/raw/bmbf-flyer-2016')
    (root / "sources.toml").write_text(sources, encoding="utf-8")
    from clusterharvest.store import RawStore, sha256_hex

    store = RawStore(raw)
    snap = store.latest("interspin-directory-en")
    store.save("interspin-directory-en", snap.url, data, content_type=snap.content_type, method="reconstructed",
               obtained_at="2099-01-01T00:00:00Z", provenance=snap.provenance)  # the newer snapshot
    assert sha256_hex(data) != snap.sha256
    second = run_harvest(open_context(root / "sources.toml", out, raw, offline=True))
    assert second.changed
    return out


def test_show_and_history_match_ids_ignoring_case_and_suggest(two_versions):
    out = str(two_versions)
    shown = cli("show", "ARENA-2036", "--out", out)
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == "arena-2036"
    wrong = cli("show", "arena2036", "--out", out)
    assert wrong.returncode == 1 and "did you mean 'arena-2036'?" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    history = cli("history", "Institut-Fuer-Kunststoffverarbeitung", "--out", out, "--format", "ndjson")
    assert history.returncode == 0, history.stderr
    rows = [json.loads(line) for line in history.stdout.splitlines()]
    assert [r["event"] for r in rows] == ["added", "modified"]
    assert rows[1]["path"] == "target_countries.concept" and rows[1]["added"] == ["JP"]


def test_versions_and_diff_in_line_formats(two_versions):
    out = str(two_versions)
    lines = cli("versions", "--out", out, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line)["latest"] for line in lines] == [False, True]
    table = cli("versions", "--out", out, "--format", "csv").stdout.splitlines()
    assert table[0].startswith("version,") and len(table) == 3
    diff = cli("diff", "--out", out, "--format", "csv")
    assert diff.returncode == 0
    header, row = diff.stdout.splitlines()
    assert header == "event,cluster_id,path,old,new,added,removed"
    assert row.startswith("modified,institut-fuer-kunststoffverarbeitung,target_countries.concept,")
    assert row.endswith(',"[""JP""]",[]')


@pytest.mark.parametrize("command", [["versions"], ["diff"], ["show", "arena-2036"], ["history", "arena-2036"]])
def test_a_missing_dataset_root_is_an_error_everywhere(command, tmp_path):
    res = cli(*command, "--out", str(tmp_path / "nowhere"))
    assert res.returncode == 1 and res.stderr.startswith("clusterharvest: error:"), (command, res.stderr)


def test_the_reports_changelog_reads_as_text(two_versions):
    html = (two_versions / "latest" / "report.html").read_text(encoding="utf-8")
    assert "<strong>Institut für Kunststoffverarbeitung</strong> target_countries.concept: added JP" in html
    assert "['" not in html and "{'" not in html  # no Python reprs
