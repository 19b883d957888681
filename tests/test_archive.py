"""Web archives: a local Wayback server (CDX API and raw captures) holding several captures of a
directory page that grows; backfill publishes its history; a live source that is gone falls back to
the newest capture."""

from __future__ import annotations

import json
import logging
import socket
import struct
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from clusterharvest.archive import parse_cdx, same_url
from clusterharvest.errors import ConfigError, FetchError
from clusterharvest.pipeline import backfill, open_context, run_harvest
from clusterharvest.publish import list_versions, read_latest, read_manifest

from .httpserver import LocalServer, Seen, start_server
from .rawserver import RawServer, head
from .test_faults_pipeline import first_entries

LIVE_URL = "http://127.0.0.1:9/en/cluster-network"  # port 9 (discard): nothing listens, the live site is gone
CAPTURES = [("20160301120000", 10), ("20170815093000", 20), ("20180120170000", 29)]


@pytest.fixture
def wayback(bundled_directory_html):
    html = bundled_directory_html.decode("utf-8")
    pages = {stamp: first_entries(html, n).encode("utf-8") for stamp, n in CAPTURES}
    cdx_rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
    cdx_rows += [["de,interspin)/en/cluster-network", stamp, LIVE_URL, "text/html", "200", f"DIGEST{n}",
                  str(len(pages[stamp]))] for stamp, n in CAPTURES]
    cdx_rows.insert(2, ["de,interspin)/en/cluster-network", "20161201000000", LIVE_URL, "text/html", "404", "X", "0"])

    def route(seen: Seen):
        parsed = urllib.parse.urlsplit(seen.raw_path)
        if parsed.path == "/cdx/search/cdx":
            query = urllib.parse.parse_qs(parsed.query)
            assert query["output"] == ["json"] and query["filter"] == ["statuscode:200"]
            assert query["collapse"] == ["digest"] and query["url"] == [LIVE_URL]
            return 200, {"Content-Type": "application/json"}, json.dumps(cdx_rows).encode()
        stamp = parsed.path.split("/")[2].removesuffix("id_")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pages[stamp]

    srv = start_server({}, fallback=route)
    yield srv
    srv.stop()


def registry(tmp_path, srv, extra: str = "") -> str:
    path = tmp_path / "sources.toml"
    path.write_text(f'[fetch]\nmin_interval = 0\nmax_tries = 1\nconnect_timeout = 2\n\n[archive]\nwayback = '
                    f'"{srv.base}"\n\n[[source]]\nid = "directory"\nurl = "{LIVE_URL}"\nkind = "cluster-directory"\n'
                    f'lang = "en"\n{extra}', encoding="utf-8")
    return str(path)


def test_cdx_answer_is_parsed_oldest_first_and_non_200_rows_dropped():
    body = json.dumps([["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                       ["k", "20180101000000", "http://x/", "text/html", "200", "B", "1"],
                       ["k", "20170101000000", "http://x/", "text/html", "200", "A", "1"],
                       ["k", "20170601000000", "http://x/", "text/html", "302", "C", "1"]]).encode()
    assert [c.timestamp for c in parse_cdx(body, "s")] == ["20170101000000", "20180101000000"]
    assert parse_cdx(b"[]", "s") == [] and parse_cdx(b"", "s") == []
    with pytest.raises(FetchError, match="not JSON"):
        parse_cdx(b"<html>", "s")


def test_backfill_publishes_one_version_per_capture_in_order(tmp_path, wayback):
    out = tmp_path / "history"
    steps = backfill(open_context(registry(tmp_path, wayback), out, tmp_path / "raw"))
    assert [s.capture for s in steps] == [stamp for stamp, _ in CAPTURES]
    versions = list_versions(out)
    assert len(versions) == 3 and read_latest(out) == versions[-1]
    manifests = [read_manifest(out, v) for v in versions]
    assert [m.as_of for m in manifests] == ["2016-03-01T12:00:00Z", "2017-08-15T09:30:00Z", "2018-01-20T17:00:00Z"]
    assert [m.counts.clusters for m in manifests] == [10, 20, 29]
    assert versions == sorted(versions) and versions[0].startswith("20160301T120000Z")
    changes = [json.loads((out / v / "changes.json").read_text(encoding="utf-8")) for v in versions[1:]]
    assert [len(c["added"]) for c in changes] == [10, 9] and all(not c["removed"] for c in changes)
    assert "amz-sachsen" in json.loads((out / versions[0] / "clusters.json").read_text(encoding="utf-8"))[0]["id"]
    source = manifests[-1].sources[0]
    assert source.via == "archive" and source.capture_timestamp == "20180120170000"

    # resumable: a second backfill fetches no capture again and publishes nothing new
    fetched = len([s for s in wayback.seen if "/web/" in s.raw_path])
    again = backfill(open_context(registry(tmp_path, wayback), out, tmp_path / "raw"))
    assert all(s.result is None for s in again) and list_versions(out) == versions
    assert len([s for s in wayback.seen if "/web/" in s.raw_path]) == fetched


def test_backfill_years_limit_the_captures(tmp_path, wayback):
    steps = backfill(open_context(registry(tmp_path, wayback), tmp_path / "h", tmp_path / "raw"), year_from=2017,
                     year_to=2017)
    assert [s.capture for s in steps] == ["20170815093000"]


def test_a_gone_live_source_is_harvested_from_the_newest_capture(tmp_path, wayback):
    result = run_harvest(open_context(registry(tmp_path, wayback), tmp_path / "out", tmp_path / "raw"))
    manifest = read_manifest(tmp_path / "out", result.version)
    assert manifest.counts.clusters == 29
    [source] = manifest.sources
    assert source.via == "archive" and source.method == "archive"
    assert source.capture_timestamp == "20180120170000" and source.as_of == "2018-01-20T17:00:00Z"
    assert source.capture_url == f"{wayback.base}/web/20180120170000id_/{LIVE_URL}"
    assert "cannot connect" in source.live_error


def test_a_source_may_opt_out_of_the_archive(tmp_path, wayback):
    with pytest.raises(FetchError, match="source directory: .*cannot connect"):
        run_harvest(open_context(registry(tmp_path, wayback, "archive = false\n"), tmp_path / "out",
                                 tmp_path / "raw"))


def test_archive_requests_are_as_safe_as_live_ones(tmp_path, wayback):
    # a redirect from the archive to a host that is neither a source nor the archive is refused
    wayback.fallback = lambda seen: (302, {"Location": "http://10.0.0.1/x"}, b"")
    with pytest.raises(FetchError, match="archive fallback failed too: .*refused redirect"):
        run_harvest(open_context(registry(tmp_path, wayback), tmp_path / "out", tmp_path / "raw"))


def test_backfill_without_an_archive_is_a_config_error(tmp_path):
    (tmp_path / "sources.toml").write_text(f'[[source]]\nid = "d"\nurl = "{LIVE_URL}"\nkind = "cluster-directory"\n'
                                           'lang = "en"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="wayback"):
        backfill(open_context(tmp_path / "sources.toml", tmp_path / "h", tmp_path / "raw"))


@pytest.mark.flow
def test_harvest_command_says_on_stderr_that_it_used_the_archive(tmp_path, wayback, prefect_server):
    from .test_cli import run_cli

    res = run_cli("harvest", "--sources", registry(tmp_path, wayback), "--out", str(tmp_path / "out"),
                  "--raw", str(tmp_path / "raw"), env=prefect_server.env)
    assert res.returncode == 0, res.stderr
    assert "source directory is gone live" in res.stderr and "20180120170000" in res.stderr
    version = read_latest(tmp_path / "out")
    assert version and read_manifest(tmp_path / "out", version).sources[0].via == "archive"


def test_backfill_command(tmp_path, wayback):
    from .test_cli import run_cli

    res = run_cli("backfill", "--sources", registry(tmp_path, wayback), "--out", str(tmp_path / "h"),
                  "--raw", str(tmp_path / "raw"), "--from", "2016", "--to", "2018")
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("published") == 3
    res = run_cli("history", "amz-sachsen", "--out", str(tmp_path / "h"))
    assert res.stdout.splitlines()[0].endswith("added")


def stand_in(captures: list[tuple[str, str, bytes]]) -> LocalServer:
    """A Wayback stand-in holding these captures (timestamp, original URL, page), whatever URL it is asked
    about: the CDX rows name each capture's own ``original``."""
    rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
    rows += [["key", stamp, original, "text/html", "200", f"D{stamp}", str(len(page))]
             for stamp, original, page in captures]
    pages = {stamp: page for stamp, _, page in captures}

    def route(seen: Seen):
        parsed = urllib.parse.urlsplit(seen.raw_path)
        if parsed.path == "/cdx/search/cdx":
            return 200, {"Content-Type": "application/json"}, json.dumps(rows).encode()
        stamp = parsed.path.split("/")[2].removesuffix("id_")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pages[stamp]

    return start_server({}, fallback=route)


def registry_for(tmp_path, archive: LocalServer, url: str) -> str:
    path = tmp_path / "sources.toml"
    path.write_text(f'[fetch]\nmin_interval = 0\nmax_tries = 2\nbackoff = 0\nconnect_timeout = 2\nread_timeout = 2\n'
                    f'deadline = 5\n\n[archive]\nwayback = "{archive.base}"\n\n[[source]]\nid = "directory"\n'
                    f'url = "{url}"\nkind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    return str(path)


def harvest_and_backfill(tmp_path, archive: LocalServer) -> tuple[Any, list[Any]]:
    """A harvest of the live URL (down, so the archive stands in) and a backfill from the archive, each into its own
    dataset root; the archive stopped after."""
    try:
        harvested = run_harvest(open_context(registry_for(tmp_path, archive, LIVE_URL), tmp_path / "out",
                                             tmp_path / "raw"))
        steps = backfill(open_context(registry_for(tmp_path, archive, LIVE_URL), tmp_path / "history",
                                      tmp_path / "raw"))
    finally:
        archive.stop()
    return harvested, steps


# -- "gone" means gone: a live server that answers malformed is a failure of the run (issue 22, item 4) ------

def too_many_headers(conn):
    conn.sendall(head(Content_Type="text/html")[:-2] + b"".join(f"X-H{n}: v\r\n".encode() for n in range(101))
                 + b"\r\n<p>x</p>")


def header_line_of_64_kb(conn):
    conn.sendall(head(Content_Type="text/html")[:-2] + b"X-Long: " + b"a" * 65_536 + b"\r\n\r\n<p>x</p>")


def closed_after_connecting(conn):
    pass  # the request is read, then the connection is closed without a word


def reset_after_connecting(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close sends a reset


@pytest.mark.parametrize(("behaviour", "reason"), [
    (too_many_headers, "got more than 100 headers"),
    (header_line_of_64_kb, "got more than 65536 bytes when reading header line"),
    (closed_after_connecting, "Remote end closed connection without response"),
    (reset_after_connecting, "[Errno 104] Connection reset by peer"),
])
def test_a_live_server_answering_malformed_is_not_gone(tmp_path, bundled_directory_html, behaviour, reason):
    live = RawServer({"/en/cluster-network": behaviour})
    url = live.url("/en/cluster-network")
    archive = stand_in([("20150301120000", url, bundled_directory_html)])
    try:
        with pytest.raises(FetchError, match="source directory: ") as err:
            run_harvest(open_context(registry_for(tmp_path, archive, url), tmp_path / "out", tmp_path / "raw"))
    finally:
        live.stop()
        archive.stop()
    assert err.value.transient and not err.value.gone, err.value
    want = f"{url} answered with a broken or malformed response: {reason} (gave up after 2 tries)"
    assert err.value.message == want, err.value
    assert archive.seen == [], [s.raw_path for s in archive.seen]  # the archive was never asked
    assert read_latest(tmp_path / "out") is None


# -- archive answers are checked: another site's capture, a capture from the future (issue 22, item 5) --------

@pytest.mark.parametrize(("original", "same"), [
    (LIVE_URL, True),
    ("https://127.0.0.1:9/en/cluster-network/", True),  # scheme and trailing slash aside
    ("HTTP://127.0.0.1:9/en/cluster-network", True),
    ("http://127.0.0.1:9/en/cluster-network?", True),
    ("http://127.0.0.1:9/en/cluster-network#top", True),
    ("http://evil.example/en/cluster-network", False),
    ("http://127.0.0.1:8080/en/cluster-network", False),
    ("http://127.0.0.1:9/de/cluster-network", False),
    ("http://127.0.0.1:9/en/cluster-network?page=2", False),
    ("http://127.0.0.1:9.evil.example/en/cluster-network", False),
    ("not a url", False),
    # what the fetcher refuses is no URL of the source, whatever host a parser reads in it
    ("http://other.example\\@127.0.0.1:9/en/cluster-network", False),
    ("http://other.example@127.0.0.1:9/en/cluster-network", False),
    ("http://127.0.0.1:99999/en/cluster-network", False),
])
def test_a_capture_is_of_the_source_url_scheme_and_trailing_slash_aside(original, same):
    assert same_url(original, LIVE_URL) == same, original


@pytest.mark.parametrize(("original", "source", "same"), [
    ("http://www.interspin.de:80/en/cluster-network/", "https://interspin.de/en/cluster-network", True),
    ("https://interspin.de:443/en/cluster-network", "http://www.interspin.de/en/cluster-network", True),
    ("http://InterSpin.DE/en/cluster-network", "https://interspin.de/en/cluster-network", True),
    ("https://interspin.de:8443/en/cluster-network", "https://interspin.de/en/cluster-network", False),
    ("https://www.interspin.de.evil.example/en/cluster-network", "https://interspin.de/en/cluster-network", False),
    ("https://wwwinterspin.de/en/cluster-network", "https://interspin.de/en/cluster-network", False),
    ("https://interspin.de/EN/cluster-network", "https://interspin.de/en/cluster-network", False),
])
def test_www_and_the_default_port_aside(original, source, same):
    assert same_url(original, source) == same, (original, source)


def test_a_capture_of_another_sites_url_is_never_used(tmp_path, bundled_directory_html, caplog):
    html = bundled_directory_html.decode("utf-8")
    archive = stand_in([("20160301120000", LIVE_URL, first_entries(html, 10).encode()),
                        ("20190101000000", "http://evil.example/en/cluster-network", first_entries(html, 3).encode())])
    try:
        with caplog.at_level(logging.WARNING, logger="clusterharvest"):
            result = run_harvest(open_context(registry_for(tmp_path, archive, LIVE_URL), tmp_path / "out",
                                              tmp_path / "raw"))
    finally:
        archive.stop()
    [source] = read_manifest(tmp_path / "out", result.version).to_json()["sources"]
    assert source["capture_timestamp"] == "20160301120000" and result.clusters == 10, source
    assert not any("20190101000000" in s.raw_path for s in archive.seen), [s.raw_path for s in archive.seen]
    assert any("http://evil.example/en/cluster-network" in m and "not used" in m for m in caplog.messages), \
        caplog.messages


@pytest.mark.parametrize("original", ["http://other.example\\@127.0.0.1:9/en/cluster-network",
                                      "http://other.example@127.0.0.1:9/en/cluster-network"],
                         ids=["backslash", "user-info"])
def test_a_capture_whose_url_the_fetcher_refuses_is_skipped_like_a_foreign_one(tmp_path, bundled_directory_html,
                                                                             caplog, original):
    """A CDX row whose ``original`` hides another host behind a backslash or user info is not the source's URL: it
    is left out with a warning, and the fallback and the backfill go on with the real captures (they aborted,
    the fetcher refusing the capture's URL)."""
    html = bundled_directory_html.decode("utf-8")
    archive = stand_in([("20160301120000", LIVE_URL, first_entries(html, 10).encode()),
                        ("20190101000000", original, first_entries(html, 3).encode())])
    with caplog.at_level(logging.WARNING, logger="clusterharvest"):
        harvested, steps = harvest_and_backfill(tmp_path, archive)
    assert harvested.clusters == 10 and [s.capture for s in steps] == ["20160301120000"], (harvested, steps)
    assert not any("20190101000000" in s.raw_path for s in archive.seen), [s.raw_path for s in archive.seen]
    assert any(original in m and "another URL not used" in m for m in caplog.messages), caplog.messages


def test_a_capture_dated_in_the_future_is_ignored_with_a_warning(tmp_path, bundled_directory_html, caplog):
    html = bundled_directory_html.decode("utf-8")
    captures = [("20160301120000", LIVE_URL, first_entries(html, 10).encode()),
                ("20990101000000", LIVE_URL, first_entries(html, 3).encode())]
    archive = stand_in(captures)
    with caplog.at_level(logging.WARNING, logger="clusterharvest"):
        harvested, steps = harvest_and_backfill(tmp_path, archive)
    assert harvested.clusters == 10 and [s.capture for s in steps] == ["20160301120000"], steps
    assert any("20990101000000" in m and "future" in m for m in caplog.messages), caplog.messages
    assert not any("20990101000000" in s.raw_path for s in archive.seen if "/web/" in s.raw_path)

    # a real capture found later is backfilled: the future one did not move the history's LATEST past it
    captures.insert(1, ("20170815093000", LIVE_URL, first_entries(html, 20).encode()))
    archive = stand_in(captures)
    try:
        steps = backfill(open_context(registry_for(tmp_path, archive, LIVE_URL), tmp_path / "history",
                                      tmp_path / "raw"))
    finally:
        archive.stop()
    published = [s.capture for s in steps if s.result is not None and s.result.changed]
    assert published == ["20170815093000"], steps
    assert read_manifest(tmp_path / "history", read_latest(tmp_path / "history")).to_json()["counts"]["clusters"] == 20


# -- an error line is one line of at most about 300 characters, the whole message in a file (issue 22, item 10) --

def test_an_overlong_location_makes_a_short_error_line(tmp_path):
    far = "http://elsewhere.example/" + "a" * 60_000
    archive = start_server({}, fallback=lambda seen: (302, {"Location": far}, b""))
    try:
        from .test_cli import run_cli

        res = run_cli("backfill", "--sources", registry_for(tmp_path, archive, LIVE_URL), "--out",
                      str(tmp_path / "h"), "--raw", str(tmp_path / "raw"))
    finally:
        archive.stop()
    assert res.returncode == 1, res.stderr[-300:]
    [line] = res.stderr.splitlines()
    assert len(line) <= 300, len(line)
    assert line.startswith("clusterharvest: error: source directory: refused redirect to "
                           "http://elsewhere.example/aaa"), line
    where = line.rsplit("the whole message is in ", 1)[1].removesuffix(")")
    whole = Path(where).read_text(encoding="utf-8")
    Path(where).unlink()
    assert f"refused redirect to {far}: host elsewhere.example:80 is not a configured source" in whole, whole[-200:]
