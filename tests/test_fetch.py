"""The fetcher against a real HTTP server on 127.0.0.1 serving the bundled snapshot."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clusterharvest.config import FetchSettings, Source
from clusterharvest.errors import FetchError
from clusterharvest.fetch import Fetcher, HostLimiter, parse_retry_after, read_file_source
from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters
from clusterharvest.store import RawStore

from .httpserver import LocalServer, Seen, start_server, static

FAST = FetchSettings(min_interval=0.0, backoff=0.05, max_tries=3, connect_timeout=2, read_timeout=2, deadline=10)
ROBOTS_OK = static(b"User-agent: *\nAllow: /\n", "text/plain")


def source(srv: LocalServer, path: str = "/en/cluster-network", sid: str = "dir") -> Source:
    url = srv.url(path)
    return Source(id=sid, url=url, kind="cluster-directory", lang="en", location=url)


def fetcher(tmp_path: Path, srv: LocalServer, settings: FetchSettings = FAST, sid: str = "dir",
            path: str = "/en/cluster-network") -> tuple[Fetcher, Source]:
    src = source(srv, path, sid)
    return Fetcher(settings, RawStore(tmp_path / "raw"), [src]), src


@pytest.fixture
def server():
    srv = start_server({"/robots.txt": ROBOTS_OK})
    yield srv
    srv.stop()


def test_fetches_bundled_snapshot_into_store_and_parses_it(tmp_path, server, bundled_directory_html):
    server.routes["/en/cluster-network"] = static(bundled_directory_html, ETag='"v1"')
    f, src = fetcher(tmp_path, server)
    snap = f.fetch(src)
    assert Path(snap.file).read_bytes() == bundled_directory_html
    assert Path(snap.file).name == f"{snap.sha256}.html"
    sidecar = json.loads((Path(snap.file).parent / f"{snap.sha256}.json").read_text())
    assert sidecar["etag"] == '"v1"' and sidecar["method"] == "fetched" and sidecar["url"] == src.location
    assert len(build_clusters(parse_directory(snap.read(), snap.url, snap.content_type), "dir")) == 32
    page = [s for s in server.seen if s.path == "/en/cluster-network"][0]
    assert page.headers["user-agent"].startswith("clusterharvest/"), page.headers


def test_retries_after_503_honouring_retry_after(tmp_path, server):
    calls = []

    def flaky(seen: Seen):
        calls.append(time.monotonic())
        if len(calls) <= 2:  # 503 with Retry-After twice, then 200
            return 503, {"Retry-After": "1"}, b"busy"
        return 200, {"Content-Type": "text/html"}, b"<p>ok</p>"

    server.routes["/en/cluster-network"] = flaky
    f, src = fetcher(tmp_path, server)
    assert f.fetch(src).read() == b"<p>ok</p>"
    assert len(calls) == 3
    assert calls[1] - calls[0] >= 0.95 and calls[2] - calls[1] >= 0.95, calls


def test_gives_up_after_the_set_tries_on_500(tmp_path, server):
    server.routes["/en/cluster-network"] = lambda seen: (500, {}, b"boom")
    f, src = fetcher(tmp_path, server)
    with pytest.raises(FetchError, match="HTTP 500.*gave up after 3 tries") as err:
        f.fetch(src)
    assert err.value.source_id == "dir" and err.value.transient
    assert server.hits("/en/cluster-network") == 3


@pytest.mark.parametrize("status", [403, 404])
def test_client_errors_are_not_retried(tmp_path, server, status):
    server.routes["/en/cluster-network"] = lambda seen: (status, {}, b"no")
    f, src = fetcher(tmp_path, server)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        f.fetch(src)
    assert server.hits("/en/cluster-network") == 1


def test_304_reuses_the_stored_snapshot(tmp_path, server):
    def conditional(seen: Seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        headers = {"Content-Type": "text/html", "ETag": '"v1"', "Last-Modified": "Thu, 16 Apr 2020 10:00:00 GMT"}
        return 200, headers, b"<p>v1</p>"

    server.routes["/en/cluster-network"] = conditional
    f, src = fetcher(tmp_path, server)
    first = f.fetch(src)
    second = f.fetch(src)
    assert not first.not_modified and second.not_modified
    assert second.sha256 == first.sha256 and second.file == first.file
    sent = [s.headers for s in server.seen if s.path == "/en/cluster-network"]
    assert sent[1]["if-none-match"] == '"v1"' and sent[1]["if-modified-since"].startswith("Thu, 16 Apr 2020")
    assert len(list((tmp_path / "raw" / "dir").glob("*.html"))) == 1


def test_robots_txt_disallowing_the_page_stops_the_fetch(tmp_path, server):
    server.routes["/robots.txt"] = static(b"User-agent: *\nDisallow: /en/\n", "text/plain")
    server.routes["/en/cluster-network"] = static(b"<p>secret</p>")
    f, src = fetcher(tmp_path, server)
    with pytest.raises(FetchError, match="robots.txt disallows"):
        f.fetch(src)
    assert server.hits("/en/cluster-network") == 0


def test_missing_robots_txt_allows(tmp_path, server):
    del server.routes["/robots.txt"]
    server.routes["/en/cluster-network"] = static(b"<p>ok</p>")
    f, src = fetcher(tmp_path, server)
    assert f.fetch(src).read() == b"<p>ok</p>"


def test_declared_size_over_the_cap_is_refused(tmp_path, server):
    server.routes["/en/cluster-network"] = static(b"x" * 5000)
    f, src = fetcher(tmp_path, server, FetchSettings(**{**FAST.__dict__, "max_bytes": 1000}))
    with pytest.raises(FetchError, match="over the cap of 1000"):
        f.fetch(src)


def test_gzip_inflating_past_the_cap_is_refused(tmp_path, server):
    body = gzip.compress(b"<p>" + b"a" * 200_000 + b"</p>")
    assert len(body) < 1000
    server.routes["/en/cluster-network"] = static(body, **{"Content-Encoding": "gzip"})
    f, src = fetcher(tmp_path, server, FetchSettings(**{**FAST.__dict__, "max_bytes": 50_000}))
    with pytest.raises(FetchError, match="exceeds the cap of 50000"):
        f.fetch(src)


def test_redirect_to_another_host_is_refused(tmp_path, server):
    other = start_server({"/robots.txt": ROBOTS_OK, "/x": static(b"<p>elsewhere</p>")}, host="127.0.0.2")
    try:
        server.routes["/en/cluster-network"] = lambda seen: (302, {"Location": other.url("/x")}, b"")
        f, src = fetcher(tmp_path, server)
        with pytest.raises(FetchError, match="refused redirect to .*not a configured source"):
            f.fetch(src)
        assert other.hits("/x") == 0
    finally:
        other.stop()


def test_redirect_to_file_url_is_refused(tmp_path, server):
    server.routes["/en/cluster-network"] = lambda seen: (301, {"Location": "file:///etc/passwd"}, b"")
    f, src = fetcher(tmp_path, server)
    with pytest.raises(FetchError, match="scheme 'file' not allowed"):
        f.fetch(src)


def test_redirect_on_the_same_host_is_followed(tmp_path, server):
    server.routes["/old"] = lambda seen: (301, {"Location": "/en/cluster-network"}, b"")
    server.routes["/en/cluster-network"] = static(b"<p>moved</p>")
    f, src = fetcher(tmp_path, server, path="/old")
    snap = f.fetch(src)
    assert snap.read() == b"<p>moved</p>"
    assert snap.provenance.final_url == server.url("/en/cluster-network")


def test_host_limiter_spaces_requests_per_host():
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limiter = HostLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait("a")
    limiter.wait("a")
    limiter.wait("b")
    limiter.wait("a")
    assert slept == [1.0, 1.0], slept


def test_default_interval_is_one_request_per_second(tmp_path, server):
    server.routes["/en/cluster-network"] = static(b"<p>ok</p>")
    f, src = fetcher(tmp_path, server, FetchSettings(**{**FAST.__dict__, "min_interval": 1.0}))
    f.fetch(src)  # robots.txt, then the page: two requests to one host
    stamps = [time.monotonic()]
    f.fetch(src)
    stamps.append(time.monotonic())
    assert stamps[1] - stamps[0] >= 0.95


@pytest.mark.parametrize(("value", "want"), [("3", 3.0), ("", None), ("soon", None)])
def test_parse_retry_after(value, want):
    assert parse_retry_after(value) == want


def test_parse_retry_after_http_date():
    assert parse_retry_after("Thu, 01 Jan 2099 00:00:00 GMT", now=4070908790.0) == pytest.approx(10.0)


# -- file sources: regular files only, under the byte cap and the deadline (issue 22, item 2) -------------------

READ_IN_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a read that never ends fails here, not the machine
from clusterharvest.config import Source
from clusterharvest.errors import FetchError
from clusterharvest.fetch import read_file_source
try:
    snap = read_file_source(Source("flyer", sys.argv[1], "flyer", "en", sys.argv[1]), 1000)
    print("read", snap.bytes)
except FetchError as exc:
    print(exc)
"""


def read_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    """``read_file_source`` of ``path`` in a child process under a time and memory limit, so a read that blocks
    or never ends fails the test instead of hanging it."""
    return subprocess.run([sys.executable, "-c", READ_IN_CHILD, str(path)], capture_output=True, text=True,
                          timeout=20)


def fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe")
    return tmp_path / "pipe"


def unix_socket(tmp_path: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    return tmp_path / "sock"


@pytest.mark.parametrize(("make", "kind"), [(lambda tmp: Path("/dev/zero"), "a character device"),
                                            (fifo, "a FIFO"), (lambda tmp: tmp, "a folder"),
                                            (unix_socket, "a socket")], ids=["dev-zero", "fifo", "folder", "socket"])
def test_a_file_source_that_is_no_regular_file_is_one_error_naming_it(tmp_path, make, kind):
    path = make(tmp_path)
    try:
        res = read_in_child(path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path} did not end within 20 s")
    want = f"source flyer: {path} is {kind}, not a regular file: only regular files are read\n"
    assert res.stdout == want and res.returncode == 0, (res.stdout, res.stderr[-500:])


@pytest.mark.parametrize("size", [1000, 1001])
def test_a_file_source_is_read_up_to_exactly_the_cap(tmp_path, size):
    path = tmp_path / "flyer.txt"
    path.write_bytes(b"x" * size)
    source = Source(id="flyer", url=str(path), kind="flyer", lang="en", location=str(path))
    if size == 1000:
        snap = read_file_source(source, 1000)
        assert snap.bytes == 1000 and snap.sha256 == hashlib.sha256(b"x" * 1000).hexdigest(), snap
    else:
        with pytest.raises(FetchError) as err:
            read_file_source(source, 1000)
        assert str(err.value) == f"source flyer: {path} is 1001 bytes, over the cap of 1000", err.value


PARSE_IN_CHILD = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))  # a read that never ends fails here, not the machine
from pathlib import Path
from clusterharvest.pipeline import open_context, obtain, parse_snapshot
ctx = open_context(sys.argv[1], sys.argv[2], sys.argv[3])
source = ctx.registry.sources[0]
snap = obtain(ctx, source)
path = Path(source.location)
path.unlink()  # the path changes between the checked read and the parse
os.mkfifo(path) if sys.argv[4] == "fifo" else path.symlink_to("/dev/zero")
print(len(parse_snapshot(source, snap).facts), "facts")
"""


@pytest.mark.parametrize("swapped_in", ["fifo", "dev-zero"])
def test_a_file_source_is_parsed_from_the_bytes_read_not_read_again(tmp_path, swapped_in):
    """The parse uses the bytes the checked read returned: a path that becomes a FIFO or a link to /dev/zero
    after it was read is not read again (a second, unchecked read would block or eat all memory)."""
    page = RawStore(Path(__file__).parents[1] / "raw").latest("bmbf-programme-page-en")
    assert page is not None
    (tmp_path / "page.html").write_bytes(page.read())
    (tmp_path / "sources.toml").write_text('[[source]]\nid = "page"\nurl = "page.html"\nkind = "programme-page"\n'
                                           'lang = "en"\n', encoding="utf-8")
    try:
        res = subprocess.run([sys.executable, "-c", PARSE_IN_CHILD, str(tmp_path / "sources.toml"),
                              str(tmp_path / "out"), str(tmp_path / "raw"), swapped_in],
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the parse read the path again and blocked")
    from clusterharvest.kinds import kind_of

    want = len(kind_of("programme-page").read(page.read(), page.content_type, page.url, None).facts)
    assert want > 0 and res.stdout == f"{want} facts\n", (res.stdout, res.stderr[-800:])


SNAPSHOT_READ_IN_CHILD = """
import sys
from clusterharvest.errors import FetchError
from clusterharvest.store import RawStore
try:
    RawStore(sys.argv[1]).described(__import__("pathlib").Path(sys.argv[2])).read()
except FetchError as exc:
    print(exc)
"""


def test_a_stored_snapshot_replaced_by_a_fifo_is_refused_not_waited_on(tmp_path):
    """A snapshot of the raw store is read again through the same checked reader: a FIFO in its place (after the
    store listed it) is refused at once."""
    snap = RawStore(tmp_path).save("s", "http://example.org/", b"<p>x</p>", content_type="text/html")
    Path(snap.file).unlink()
    os.mkfifo(snap.file)
    try:
        res = subprocess.run([sys.executable, "-c", SNAPSHOT_READ_IN_CHILD, str(tmp_path),
                              str(Path(snap.file).with_suffix(".json"))], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a snapshot that became a FIFO blocked")
    want = f"source s: {snap.file} is a FIFO, not a regular file: only regular files are read\n"
    assert res.stdout == want, (res.stdout, res.stderr[-500:])
