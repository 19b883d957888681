"""Re-runs: nothing new publishes nothing (and parses nothing); a changed page gives a version whose
changes.json names exactly the clusters and fields that changed. Against a real local HTTP server whose
page changes between runs, and against an edited copy of the snapshot configured through a sources file."""

from __future__ import annotations

import hashlib
import json

import pytest

from clusterharvest import pipeline
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import list_versions, read_latest
from clusterharvest.versions import diff, history, show

from .conftest import ROOT
from .httpserver import Seen, start_server
from .test_cli import run_cli

# A new entry for the "new entry" run: synthetic (a name that is in no source).
NEW_ENTRY = ("<h3>Nordic Test Cluster</h3>\n<p><strong>Nordic Test Cluster e.V.</strong></p>\n"
             "<p>Target countries concept phase: Norway<br>\nTarget countries implementation phase: Norway</p>\n"
             "<p>Frank Muster<br>\nContact Data:<br>\nTel.: +49 30 1234567</p>\n")
COUNTRY = ("Target countries concept phase: Slovenia, Korea", "Target countries concept phase: Slovenia, Korea, Japan")
PHONE = ("Tel.: +49 (0) 4141 40740 - 15", "Tel.: +49 (0) 4141 40740 - 16")


def edit(html: str) -> str:
    """One country added, one phone changed, Cool Silicon removed, a new entry in its place."""
    for old, new in (COUNTRY, PHONE):
        assert html.count(old) == 1, old
        html = html.replace(old, new)
    start = html.index("<h3>Cool Silicon</h3>")
    end = html.index("<p><strong>DeepSea Mining Alliance e.V.</strong></p>")
    return html[:start] + NEW_ENTRY + html[end:]


@pytest.fixture
def site(bundled_directory_html):
    """A directory page served with an ETag; a conditional request for the same page gets a 304."""
    page = {"body": bundled_directory_html}

    def directory(seen: Seen):
        etag = '"' + hashlib.sha256(page["body"]).hexdigest()[:16] + '"'
        if seen.headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": etag}, page["body"]

    srv = start_server({"/en/cluster-network": directory})
    yield srv, page
    srv.stop()


def context(tmp_path, url: str):
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nmin_interval = 0\n\n[[source]]\nid = "interspin-directory-en"\nurl = "{url}"\n'
        'kind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    return open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw")


def test_unchanged_server_answers_304_and_nothing_is_parsed_or_published(tmp_path, site, monkeypatch):
    srv, _ = site
    first = run_harvest(context(tmp_path, srv.url("/en/cluster-network")))
    assert first.changed

    def no_parsing(*args, **kwargs):
        raise AssertionError("an unchanged source was parsed again")

    monkeypatch.setattr(pipeline, "parse_snapshot", no_parsing)
    again = run_harvest(context(tmp_path, srv.url("/en/cluster-network")))
    assert (again.changed, again.version) == (False, first.version)
    assert srv.seen[-1].headers.get("if-none-match")  # the stored ETag was sent back ...
    assert list_versions(tmp_path / "out") == [first.version]  # ... answered 304, no new version


def test_changed_page_gives_exactly_its_changes(tmp_path, site):
    srv, page = site
    url = srv.url("/en/cluster-network")
    first = run_harvest(context(tmp_path, url))
    page["body"] = edit(page["body"].decode("utf-8")).encode("utf-8")
    second = run_harvest(context(tmp_path, url))
    assert second.changed and second.previous == first.version
    changes = json.loads((tmp_path / "out" / second.version / "changes.json").read_text(encoding="utf-8"))
    assert (changes["from"], changes["to"]) == (first.version, second.version)
    assert changes["added"] == ["nordic-test-cluster"] and changes["removed"] == ["cool-silicon"]
    assert changes["renamed"] == [] and changes["programme"] == []
    got = {m["id"]: [(c["path"], c["old"], c["new"]) for c in m["changes"]] for m in changes["modified"]}
    assert got == {
        "institut-fuer-kunststoffverarbeitung": [("target_countries.concept", ["SI", "KR"], ["SI", "KR", "JP"])],
        "cfk-valley": [("contacts[0].phone", ["+4941414074015"], ["+4941414074016"])]}
    manifest = json.loads((tmp_path / "out" / second.version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["changes"] == {"added": 1, "removed": 1, "renamed": 0, "modified": 2, "programme": 0}

    # the library behind `diff`, `show` and `history`
    assert diff(tmp_path / "out").to_json() == changes
    assert show(tmp_path / "out", "cfk-valley").contacts[0].phone == ["+4941414074016"]
    assert show(tmp_path / "out", "cool-silicon", first.version.split("-")[1]).name == "Cool Silicon"
    events = history(tmp_path / "out", "cfk-valley")
    assert [e.event for e in events] == ["added", "modified"]
    assert [c.model_dump(mode="json") for c in events[1].changes] == [
        {"path": "contacts[0].phone", "old": ["+4941414074015"], "new": ["+4941414074016"],
         "added": ["+4941414074016"], "removed": ["+4941414074015"]}]
    assert [e.event for e in history(tmp_path / "out", "cool-silicon")] == ["added", "removed"]


def test_edited_snapshot_copy_through_sources_and_the_diff_command(tmp_path, bundled_directory_html):
    """The issue's own check: an edited copy of the directory snapshot, configured through a sources file."""
    out = tmp_path / "out"
    first = run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    copy = tmp_path / "directory.html"
    html = bundled_directory_html.decode("utf-8")
    for old, new in (COUNTRY, PHONE):
        html = html.replace(old, new)
    copy.write_text(html, encoding="utf-8")
    sources = (tmp_path / "sources.toml")
    sources.write_text((ROOT / "sources.toml").read_text(encoding="utf-8").replace(
        'url = "https://interspin.de/en/cluster-network"', f'url = "{copy}"').replace(
        'url = "raw/bmbf-flyer-2016/', f'url = "{ROOT}/raw/bmbf-flyer-2016/'), encoding="utf-8")
    second = run_harvest(open_context(sources, out, ROOT / "raw", offline=True))
    assert second.changed and read_latest(out) == second.version and second.previous == first.version
    changes = diff(out)
    assert (changes.added, changes.removed, changes.programme) == ([], [], [])
    assert {m.id: [c.path for c in m.changes] for m in changes.modified} == {
        "institut-fuer-kunststoffverarbeitung": ["target_countries.concept"], "cfk-valley": ["contacts[0].phone"]}

    res = run_cli("diff", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "cfk-valley" in res.stdout and \
        "- `contacts[0].phone`: added +4941414074016; removed +4941414074015\n" in res.stdout
    res = run_cli("diff", first.version, "LATEST", "--out", str(out), "--format", "json")
    assert json.loads(res.stdout) == changes.to_json()
    res = run_cli("versions", "--out", str(out))
    assert res.stdout.splitlines()[-1].startswith(second.version) and "(LATEST)" in res.stdout
    res = run_cli("history", "cfk-valley", "--out", str(out))
    assert "contacts[0].phone" in res.stdout
    res = run_cli("show", "no-such-cluster", "--out", str(out))
    assert res.returncode == 1 and res.stderr.count("\n") == 1
