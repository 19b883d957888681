"""Safe by default: gates on every directory source, truncation noticed on a first run, and each red-team
finding (tried as an attacker would, against servers on 127.0.0.1) as a test. Library only, no Prefect,
except where the command line's one error line is the point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clusterharvest.archive import parse_cdx
from clusterharvest.config import load_registry
from clusterharvest.dataset import DatasetVersion, Manifest
from clusterharvest.errors import FetchError, GateError, ParseError, PublishError
from clusterharvest.exporters import export_files
from clusterharvest.exporters.public import public_variant
from clusterharvest.fetch import Fetcher
from clusterharvest.models import Cluster
from clusterharvest.parse.descriptions import Paragraph, find_boilerplate
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import list_versions, read_data, read_latest
from clusterharvest.store import RawStore

from .conftest import ROOT
from .httpserver import start_server
from .test_faults_pipeline import first_entries

NO_GATES = ""  # a directory source with nothing configured: the defaults must protect it


def harvest(tmp_path: Path, srv, gates: str = NO_GATES, allow_shrink: bool = False):
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nmin_interval = 0\nmax_tries = 1\n\n[[source]]\nid = "directory"\nurl = "{srv.url("/dir")}"\n'
        f'kind = "cluster-directory"\nlang = "en"\n{gates}', encoding="utf-8")
    return run_harvest(open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw",
                                    allow_shrink=allow_shrink))


def entries_kept(html: str, n: int) -> bytes:
    return first_entries(html, n).encode("utf-8")


# -- gates on by default -----------------------------------------------------------------------------------

def test_a_directory_without_configured_gates_is_not_published_at_a_third(tmp_path, site):
    srv, page = site
    good = harvest(tmp_path, srv).version
    page["body"] = entries_kept(page["body"].decode("utf-8"), 11)
    with pytest.raises(GateError, match=f"gate max_shrink: 11 entries, 66% fewer than the 32 in {good} "
                                        r"\(allowed: 10%; --allow-shrink"):
        harvest(tmp_path, srv)
    assert read_latest(tmp_path / "out") == good
    assert harvest(tmp_path, srv, allow_shrink=True).changed  # the operator's decision, per run


def test_a_page_cut_short_is_an_error_on_the_first_run_too(tmp_path, site):
    srv, page = site
    body = page["body"]
    page["body"] = body[:int(len(body) * 0.35)]  # served with a correct Content-Length
    with pytest.raises(ParseError, match="source directory: the directory looks cut off: the page ends before its "
                                         "closing </html>"):
        harvest(tmp_path, srv)
    assert read_latest(tmp_path / "out") is None


def test_a_cut_announcement_is_an_issue_of_the_programme(tmp_path):
    from clusterharvest.pipeline import combine, normalise, parse_snapshot, validate

    ctx = open_context(ROOT / "sources.toml", tmp_path / "out", ROOT / "raw", offline=True)
    from clusterharvest.pipeline import obtain

    parsed = []
    for source in ctx.registry.sources:
        snap = obtain(ctx, source)
        if source.id == "announcement-round-2-2016":
            cut = tmp_path / "cut.html"
            cut.write_bytes(snap.read()[:-300])
            snap = RawStore(tmp_path / "raw").save(source.id, source.url, cut.read_bytes(),
                                                   content_type="text/html")
        parsed.append(parse_snapshot(source, snap))
    combined = combine(ctx, validate(ctx, [normalise(p) for p in parsed]), parsed)
    [cut_issue] = [i for i in combined.programme.issues if i.field == "sources"]
    assert cut_issue.value == "announcement-round-2-2016" and "looks cut off" in cut_issue.message


# -- finding 1: host allow-list bypass -------------------------------------------------------------------

@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}\\@127.0.0.1:{port}/x",
                                    "http://169.254.169.254\\@127.0.0.1:{port}/x",
                                    "http://user@127.0.0.1:{port}/x"])
def test_a_redirect_that_parsers_read_differently_is_refused(tmp_path, target):
    other = start_server({"/x": lambda seen: (200, {"Content-Type": "text/html"}, b"<p>not the source</p>")},
                         host="127.0.0.2")
    port = other.server.server_address[1]
    first = start_server({"/dir": lambda seen: (302, {"Location": target.format(port=port)}, b"")})
    try:
        (tmp_path / "s.toml").write_text(f'[fetch]\nmin_interval = 0\n[[source]]\nid = "d"\n'
                                         f'url = "{first.url("/dir")}"\nkind = "cluster-directory"\nlang = "en"\n')
        registry = load_registry(tmp_path / "s.toml")
        fetcher = Fetcher(registry.fetch, RawStore(tmp_path / "raw"), registry.sources)
        with pytest.raises(FetchError, match="backslashes and user info are not allowed"):
            fetcher.fetch(registry.sources[0])
        assert other.seen == []  # nothing was asked of the other address
    finally:
        first.stop()
        other.stop()


# -- finding 2: broken sources still publish -------------------------------------------------------------

def test_a_doubled_directory_is_refused(tmp_path, site):
    srv, page = site
    harvest(tmp_path, srv, "max_entries = 64\n")
    html = page["body"].decode("utf-8")
    start, end = html.index(">", html.index("<main")) + 1, html.index("</main>")
    page["body"] = (html[:end] + html[start:end] + html[end:]).encode("utf-8")
    with pytest.raises(GateError, match=r"gate max_duplicates: 3\d of 64 entries repeat an earlier entry"):
        harvest(tmp_path, srv, "max_entries = 64\n")


def test_mostly_quarantined_entries_are_refused(tmp_path, site):
    import re

    srv, page = site
    counter = iter(range(100))
    html = re.sub(r"<h3>[^<]*</h3>", lambda m: f"<h3>★{'·' * next(counter)}★</h3>", page["body"].decode("utf-8"))
    page["body"] = html.encode("utf-8")  # every heading now gives no id: those entries are quarantined
    with pytest.raises(GateError, match=r"gate max_quarantined: \d+ of 32 entries could not become records"):
        harvest(tmp_path, srv)
    assert read_latest(tmp_path / "out") is None


def test_a_directory_cannot_shrink_a_little_in_every_run(tmp_path, site):
    srv, page = site
    html = page["body"].decode("utf-8")
    first = harvest(tmp_path, srv).version
    for kept in (29, 30):  # 32 -> 29 (9%), then 30; then 28: 6.7% below 30 but 12.5% below the largest (32)
        page["body"] = entries_kept(html, kept)
        harvest(tmp_path, srv)
    page["body"] = entries_kept(html, 28)
    with pytest.raises(GateError, match=f"gate max_shrink: 28 entries, 12% fewer than the largest recent figure, "
                                        f"32 in {first}"):
        harvest(tmp_path, srv)


def test_a_programme_source_that_turned_into_a_login_page_is_refused(tmp_path):
    login = b"<html><body><form><h1>Login</h1><input name='user'></form></body></html>"
    srv = start_server({"/post": lambda seen: (200, {"Content-Type": "text/html"}, login)})
    try:
        (tmp_path / "s.toml").write_text(
            f'[fetch]\nmin_interval = 0\n[[source]]\nid = "post"\nurl = "{srv.url("/post")}"\nkind = "announcement"\n'
            'lang = "en"\n[[source]]\nid = "dir"\nurl = "' + str(ROOT / "tests/fixtures/captures/"
                                                                  "004_f274a48bf349ce0a.txt") + '"\n'
            'kind = "cluster-directory"\nlang = "en"\n')
        with pytest.raises(GateError, match="source post: no programme facts found"):
            run_harvest(open_context(tmp_path / "s.toml", tmp_path / "out", tmp_path / "raw"))
    finally:
        srv.stop()


@pytest.mark.parametrize("latest", [None, b"\xff\xfe garbage", b"../x\n"])
def test_a_missing_or_garbage_latest_does_not_switch_the_shrink_gate_off(tmp_path, site, latest):
    srv, page = site
    good = harvest(tmp_path, srv).version
    out = tmp_path / "out"
    if latest is None:
        (out / "LATEST").unlink()
    else:
        (out / "LATEST").write_bytes(latest)
    page["body"] = entries_kept(page["body"].decode("utf-8"), 16)
    with pytest.raises(GateError, match=f"16 entries, 50% fewer than the 32 in {good}"):
        harvest(tmp_path, srv)


# -- finding 3: paths ----------------------------------------------------------------------------------

def test_the_raw_store_follows_no_path_out_of_itself(tmp_path):
    store = RawStore(tmp_path / "raw")
    good = store.save("s", "http://x/", b"<p>ok</p>", content_type="text/html")
    outside = tmp_path / "secret.html"
    outside.write_bytes(b"<p>secret</p>")
    folder = tmp_path / "raw" / "s"
    sidecar = json.loads((folder / f"{good.sha256}.json").read_text())
    for n, name in enumerate(["../../secret.html", str(outside)]):
        (folder / f"{'f' * 63}{n}.json").write_text(json.dumps({**sidecar, "file": name, "obtained_at": "2099"}))
    (folder / "link.html").symlink_to(outside)
    (folder / f"{'e' * 64}.json").write_text(json.dumps({**sidecar, "file": "link.html", "obtained_at": "2099"}))
    assert [s.sha256 for s in store.snapshots("s")] == [good.sha256]


def test_a_snapshot_changed_on_disk_is_never_replayed(tmp_path):
    store = RawStore(tmp_path / "raw")
    snap = store.save("s", "http://x/", b"<p>ok</p>", content_type="text/html")
    Path(snap.file).write_bytes(b"<p>tampered</p>")
    with pytest.raises(FetchError, match="does not match the sha256 its sidecar records"):
        store.latest("s").read()  # type: ignore[union-attr]


# -- finding 4: CSV formula injection -----------------------------------------------------------------

def one_version(record: dict) -> DatasetVersion:
    """A version of one record, to write its files."""
    manifest = Manifest(version="20260101T000000Z-00000000", created="2026-01-01T00:00:00Z")
    return DatasetVersion(manifest=manifest, clusters=[Cluster.model_validate(record)])


def test_csv_cells_cannot_run_as_formulas_and_json_stays_exact():
    record = {"id": "x", "name": "=HYPERLINK(\"http://evil\")", "organisation": "@SUM(A1)", "aliases": ["-2+3"],
              "round": None, "project": None, "target_countries": {"concept": [], "implementation": []},
              "target_regions": {"concept": [], "implementation": []}, "description": {"en": "\tx", "de": None},
              "addresses": [], "sources": [], "issues": [],
              "contacts": [{"name": "+cmd|' /C calc'!A0", "phone": ["+4930123456"], "fax": [], "mobile": [],
                            "email": None, "role": "\rx", "academic_title": None, "honorific": None,
                            "organisation": None}]}
    files = export_files(one_version(record))
    clusters = files["clusters.csv"].decode("utf-8-sig")
    contacts = files["contacts.csv"].decode("utf-8-sig")
    for cell in ("'=HYPERLINK", "'@SUM(A1)", "'-2+3", "'\tx"):
        assert cell in clusters, clusters
    assert "'+cmd|" in contacts and "'\rx" in contacts and ",+4930123456," in contacts, contacts
    assert record["name"].startswith("=")  # the JSON payload is untouched


# -- finding 5: the public export leaks ----------------------------------------------------------------

def test_the_public_variant_redacts_personal_data_wherever_it_stands():
    contact = {"name": "Jana Quellenwald", "academic_title": "Dr.", "honorific": None, "role": "Manager",
               "organisation": "X e.V.", "email": "jana.q@example.net", "phone": ["+4930987655"], "fax": [],
               "mobile": []}
    record = {"id": "x", "name": "X", "organisation": None, "aliases": [], "round": None, "project": None,
              "target_countries": {"concept": [], "implementation": []},
              "target_regions": {"concept": [], "implementation": []}, "description": {"en": None, "de": None},
              "addresses": [], "sources": ["s"], "contacts": [contact],
              "issues": [{"field": "header", "message": "line of unknown kind",
                          "value": "Contact: Jana Quellenwald, jana.q@example.net, +49 (0)30 987655"}]}
    files = public_variant(one_version(record))
    published = b"".join(files.values()).decode("utf-8", "replace")
    for secret in ("Quellenwald", "jana.q@example.net", "987655"):
        assert secret not in published, secret


# -- finding 6: one line instead of a traceback ----------------------------------------------------------

def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run([sys.executable, "-m", "clusterharvest.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def one_error_line(res: subprocess.CompletedProcess[str]) -> str:
    assert res.returncode != 0, res.stdout
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("clusterharvest: error: "), res.stderr
    return lines[0]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A dataset root with one offline version (library only)."""
    out = tmp_path_factory.mktemp("published") / "out"
    run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    return out


def copy_root(published: Path, tmp_path: Path) -> Path:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(published, out)
    return out


def test_garbage_latest_and_a_corrupt_manifest_are_one_line(published, tmp_path):
    out = copy_root(published, tmp_path)
    version = read_latest(out)
    (out / "LATEST").write_bytes(b"\x00\xff\xfe")
    shown = run_cli("show", "arena-2036", "--out", str(out))
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == "arena-2036"
    assert shown.stderr.splitlines() == [f"clusterharvest: note: {out}: LATEST is missing or does not name a "
                                         f"complete version; using the newest complete version {version}"]
    (out / "LATEST").write_text(f"{version}\n")
    (out / version / "manifest.json").write_text("{not json")
    assert "manifest.json is unreadable" in one_error_line(run_cli("show", "arena-2036", "--out", str(out)))


def test_a_version_folder_with_only_a_manifest_is_one_line(published, tmp_path):
    out = copy_root(published, tmp_path)
    version = read_latest(out)
    for path in (out / version).iterdir():
        if path.name != "manifest.json":
            path.unlink()
    line = one_error_line(run_cli("export", "--redact-personal", "--to", str(tmp_path / "pub"), "--out", str(out)))
    assert "cannot read clusters.json" in line


def test_a_dataset_root_or_raw_store_that_cannot_be_written_is_one_error(tmp_path, site):
    srv, _ = site
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    (tmp_path / "s.toml").write_text(f'[fetch]\nmin_interval = 0\n[[source]]\nid = "d"\nurl = "{srv.url("/dir")}"\n'
                                     'kind = "cluster-directory"\nlang = "en"\n')
    with pytest.raises(PublishError, match="cannot use dataset root"):
        run_harvest(open_context(tmp_path / "s.toml", blocker / "out", tmp_path / "raw"))
    with pytest.raises(FetchError, match="source d: cannot store the snapshot"):
        run_harvest(open_context(tmp_path / "s.toml", tmp_path / "out", blocker / "raw"))


def test_extract_of_an_entry_that_gives_no_id_is_one_line(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("***\nTarget countries concept phase: France\nTarget countries implementation phase: France\n")
    assert "cannot become a record" in one_error_line(run_cli("extract", str(page), "--kind", "cluster-directory"))


def test_a_cdx_timestamp_that_is_no_date_is_skipped():
    body = json.dumps([["timestamp", "original", "statuscode", "digest"],
                       ["20199999999999", "http://x/", "200", "a"], ["20190102030405", "http://x/", "200", "b"]])
    assert [c.timestamp for c in parse_cdx(body.encode(), "s")] == ["20190102030405"]


def test_a_full_disk_while_publishing_is_one_line(published, tmp_path):
    """A full disk, simulated by a file size limit of 0 for the child: writes fail with EFBIG/ENOSPC."""
    out = tmp_path / "out"
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)); import signal; "
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); from clusterharvest.pipeline import open_context, "
            "run_harvest; from clusterharvest.errors import HarvestError\n"
            f"try: run_harvest(open_context({str(ROOT / 'sources.toml')!r}, {str(out)!r}, {str(ROOT / 'raw')!r}, "
            "offline=True))\nexcept HarvestError as exc: print(exc, file=sys.stderr); sys.exit(1)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and len(res.stderr.splitlines()) == 1, res.stderr
    assert "cannot write" in res.stderr


# -- finding 7: integrity on read ----------------------------------------------------------------------

def test_a_version_whose_files_were_changed_is_refused(published, tmp_path):
    out = copy_root(published, tmp_path)
    version = read_latest(out)
    clusters = out / version / "clusters.json"
    clusters.write_text(json.dumps(json.loads(clusters.read_text())[:20]))
    with pytest.raises(PublishError, match="clusters.json does not match the sha256 in its manifest"):
        read_data(out, version)
    assert "does not match" in one_error_line(run_cli("export", "--to", str(tmp_path / "x"), "--out", str(out),
                                                      "--redact-personal"))
    res = run_cli("versions", "--out", str(out))
    assert res.returncode == 1 and "does not match" in res.stderr
    # A harvest does not keep it as LATEST ("no changes") nor build on it: it refuses it too.
    with pytest.raises(PublishError, match="does not match"):
        run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    assert read_latest(out) == version


# -- finding 8: leftovers ----------------------------------------------------------------------------

def test_a_half_written_latest_is_cleaned_up_and_versions_sort_by_time(published, tmp_path, site):
    out = copy_root(published, tmp_path)
    (out / ".LATEST.abc.tmp").write_text("x")
    srv, page = site
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nmin_interval = 0\n[[source]]\nid = "interspin-directory-en"\nurl = "{srv.url("/dir")}"\n'
        'kind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    page["body"] = page["body"].replace(b"Finnland", b"Finland")
    result = run_harvest(open_context(tmp_path / "sources.toml", out, tmp_path / "raw", allow_shrink=True))
    assert result.changed and not list(out.glob(".LATEST.*"))
    assert list_versions(out) == sorted(list_versions(out))


# -- finding 9: parse time ---------------------------------------------------------------------------

def test_recurring_sentences_cost_linear_time():
    """Thousands of entries that repeat each other's sentences: reworded copies of recurring sentences are
    looked for among a few candidates, not among all (which was quadratic: 8 minutes at 200,000 entries)."""
    def entries(n: int) -> list[list[Paragraph]]:
        return [[Paragraph.of(f"The cluster number {i // 2} works with partners on applied research in many fields. "
                              f"Another sentence {i} tells about the cluster and its partners abroad.")]
                for i in range(n)]

    def cost(paragraphs: list[list[Paragraph]], found: int) -> float:
        """The least CPU time of three runs (one run's figure moves with the machine's other work)."""
        times = []
        for _ in range(3):
            start = time.process_time()
            assert len(find_boilerplate(paragraphs)) == found
            times.append(time.process_time() - start)
        return min(times)

    small_cost, large_cost = cost(entries(2_000), 1_000), cost(entries(16_000), 8_000)
    assert large_cost < 8 * small_cost * 3, (small_cost, large_cost)  # linear, with room for noise


def test_parsing_is_bounded(tmp_path):
    from clusterharvest.parse.cluster_directory import parse_directory
    from clusterharvest.parse.clusters import build_clusters

    entries = parse_directory((ROOT / "tests/fixtures/captures/004_f274a48bf349ce0a.txt").read_bytes())
    with pytest.raises(ParseError, match="building records took longer than 0 s"):
        build_clusters(entries, "s", [], time_limit=0)


# -- finding 10: charset lies ------------------------------------------------------------------------

@pytest.mark.parametrize(("declared", "encoding"), [("utf-8", "cp1252"), ("windows-1252", "utf-8")])
def test_a_declared_charset_that_lies_gives_no_mojibake_ids(declared, encoding):
    from clusterharvest.parse.cluster_directory import parse_directory
    from clusterharvest.parse.clusters import build_clusters

    page = (f'<html><head><meta charset="{declared}"></head><body><h3>Elektromobilität Süd-West</h3>'
            "<p>Organisation e.V.</p><p>Target countries concept phase: China</p>"
            "<p>Target countries implementation phase: China</p></body></html>").encode(encoding)
    [record] = build_clusters(parse_directory(page), "s", [])
    assert record.id == "elektromobilitaet-sued-west" and record.name == "Elektromobilität Süd-West"


# -- finding 11: the one error line stands alone whatever Prefect's logging says -------------------------

@pytest.mark.flow
def test_the_error_line_stands_alone_with_prefect_logging_at_warning(tmp_path, prefect_server):
    env = {**prefect_server.env, "PREFECT_LOGGING_LEVEL": "WARNING"}
    res = subprocess.run([sys.executable, "-m", "clusterharvest.cli", "harvest", "--offline", "--quiet", "--out",
                          str(tmp_path / "out"), "--raw", str(tmp_path / "empty")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=180)
    line = one_error_line(res)  # every source with no stored snapshot named, and why
    assert re.match(r"clusterharvest: error: \d sources failed: .*interspin-directory-en \(offline, no stored "
                    r"snapshot\)", line), line



def test_a_programme_page_that_lost_most_of_its_facts_is_refused(tmp_path):
    page = {"body": RawStore(ROOT / "raw").latest("bmbf-programme-page-en").read()}  # type: ignore[union-attr]
    srv = start_server({"/page": lambda seen: (200, {"Content-Type": "text/html; charset=utf-8"}, page["body"])})
    try:
        (tmp_path / "s.toml").write_text(
            f'[fetch]\nmin_interval = 0\n[[source]]\nid = "page"\nurl = "{srv.url("/page")}"\n'
            'kind = "programme-page"\nlang = "en"\n[[source]]\nid = "dir"\n'
            f'url = "{ROOT / "tests/fixtures/captures/004_f274a48bf349ce0a.txt"}"\nkind = "cluster-directory"\n'
            'lang = "en"\n')
        ctx = open_context(tmp_path / "s.toml", tmp_path / "out", tmp_path / "raw")
        good = run_harvest(ctx).version
        html = page["body"].decode("utf-8")
        page["body"] = html.replace("four million euros", "a sum").replace("maximum of two years", "while").encode()
        with pytest.raises(GateError, match=f"source page: gate max_shrink: \\d+ facts, \\d+% fewer than the \\d+ "
                                            f"in {good}"):
            run_harvest(ctx)
    finally:
        srv.stop()
