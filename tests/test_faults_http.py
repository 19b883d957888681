"""Faults of servers, each against a real server on 127.0.0.1: every one ends in a FetchError that
names the source, within the configured time and size bounds."""

from __future__ import annotations

import gzip
import logging
import socket
import time

import pytest
import requests
import urllib3.exceptions

from clusterharvest.config import FetchSettings, Source
from clusterharvest.errors import FetchError
from clusterharvest.fetch import Fetcher, ResponseWatch, request_error
from clusterharvest.store import RawStore

from .httpserver import start_server, static
from .rawserver import RawServer, head

QUICK = FetchSettings(min_interval=0.0, backoff=0.05, max_tries=1, connect_timeout=1, read_timeout=1, deadline=3,
                      max_bytes=50_000)


def fetch(tmp_path, url: str, settings: FetchSettings = QUICK):
    src = Source(id="dir", url=url, kind="cluster-directory", lang="en", location=url)
    return Fetcher(settings, RawStore(tmp_path / "raw"), [src]).fetch(src)


@pytest.fixture
def raw():
    servers: list[RawServer] = []

    def make(behaviour):
        srv = RawServer({"/page": behaviour})
        servers.append(srv)
        return srv.url("/page")

    yield make
    for srv in servers:
        srv.stop()


def silent(conn):
    time.sleep(5)


def trickle(conn):
    conn.sendall(head(Content_Type="text/html", Content_Length="1000"))
    for _ in range(100):
        conn.sendall(b"x")
        time.sleep(0.2)


def chunked_past_cap(conn):
    conn.sendall(head(Content_Type="text/html", Transfer_Encoding="chunked"))
    block = b"<p>" + b"a" * 10_000 + b"</p>"
    for _ in range(20):
        conn.sendall(f"{len(block):x}\r\n".encode() + block + b"\r\n")
    conn.sendall(b"0\r\n\r\n")


def short_body(conn):
    conn.sendall(head(Content_Type="text/html", Content_Length="1000") + b"<p>only part</p>")


def truncated_gzip(conn):
    body = gzip.compress(b"<p>" + "Grüße ".join(str(i) for i in range(5000)).encode() + b"</p>")
    part = body[: len(body) // 2]
    conn.sendall(head(Content_Type="text/html", Content_Encoding="gzip", Content_Length=str(len(part))) + part)


def test_server_that_never_replies_times_out(tmp_path, raw):
    started = time.monotonic()
    with pytest.raises(FetchError, match="source dir: .*(timed out|deadline)"):
        fetch(tmp_path, raw(silent))
    assert time.monotonic() - started < QUICK.deadline + 2


def test_body_trickled_a_byte_at_a_time_hits_the_total_deadline(tmp_path, raw):
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        fetch(tmp_path, raw(trickle))
    assert time.monotonic() - started < QUICK.deadline + 2


def test_chunked_body_past_the_cap_is_refused(tmp_path, raw):
    with pytest.raises(FetchError, match="cap of 50000"):
        fetch(tmp_path, raw(chunked_past_cap))


def test_body_shorter_than_its_content_length_is_an_error(tmp_path, raw):
    with pytest.raises(FetchError, match="source dir: .*(shorter|incomplete|IncompleteRead|ended)"):
        fetch(tmp_path, raw(short_body))


def test_truncated_gzip_is_an_error(tmp_path, raw):
    with pytest.raises(FetchError, match="source dir: "):
        fetch(tmp_path, raw(truncated_gzip))
    assert not list((tmp_path / "raw").glob("dir/*.html"))  # nothing stored


def test_redirect_loop_is_refused(tmp_path):
    srv = start_server({"/a": lambda seen: (302, {"Location": "/b"}, b""),
                        "/b": lambda seen: (302, {"Location": "/a"}, b"")})
    try:
        with pytest.raises(FetchError, match="redirect"):
            fetch(tmp_path, srv.url("/a"))
        assert sum(1 for s in srv.seen if s.path in ("/a", "/b")) <= QUICK.max_redirects + 1
    finally:
        srv.stop()


@pytest.mark.parametrize("target", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/",
                                    "http://127.0.0.1:9/", "http://[::1]/", "http://192.168.1.1/"])
def test_redirect_to_private_loopback_or_link_local_address_is_refused(tmp_path, target):
    srv = start_server({"/page": lambda seen: (302, {"Location": target}, b""), "/ok": static(b"<p>ok</p>")})
    try:
        with pytest.raises(FetchError, match="refused redirect"):
            fetch(tmp_path, srv.url("/page"))
    finally:
        srv.stop()


@pytest.mark.parametrize(("encoding", "meta"), [("utf-8", ""), ("cp1252", '<meta charset="windows-1252">')])
def test_pages_without_a_header_charset_keep_their_umlauts(tmp_path, encoding, meta):
    from clusterharvest.parse.cluster_directory import parse_directory

    page = (f"<html><head>{meta}</head><body><h3>Elektromobilität Süd-West</h3>"
            "<p>Target countries concept phase: Frankreich, Österreich</p><p>Stefan Büchele<br>Contact Data:<br>"
            "Leuschnerstr. 45| 70176 Stuttgart</p></body></html>").encode(encoding)
    srv = start_server({"/page": static(page, "text/html")})  # no charset in the Content-Type
    try:
        snap = fetch(tmp_path, srv.url("/page"))
    finally:
        srv.stop()
    [entry] = parse_directory(snap.read(), snap.url, snap.content_type)
    assert "Elektromobilität Süd-West" in (entry.heading, entry.organisation)
    assert "Österreich" in entry.concept and "Stefan Büchele" in entry.body


# -- the total deadline covers the whole response, status line and headers included (issue 22, item 1) --------

def dribble(conn, data: bytes, every: float = 0.4, limit: float = 15) -> None:
    """Send ``data`` one byte at a time, each byte well inside the read timeout, until the client hangs up."""
    stop = time.monotonic() + limit
    for byte in data:
        if time.monotonic() > stop:
            return
        conn.sendall(bytes([byte]))
        time.sleep(every)


def trickled_status_line(conn):
    dribble(conn, b"HTTP/1.1 200 OK" + b" " * 200 + b"\r\n\r\n")


def trickled_headers(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
    dribble(conn, b"".join(f"X-Slow-{n}: {'a' * 50}\r\n".encode() for n in range(90)))


@pytest.mark.parametrize("behaviour", [trickled_status_line, trickled_headers], ids=["status-line", "headers"])
def test_a_status_line_or_headers_trickled_a_byte_at_a_time_end_at_the_deadline(tmp_path, raw, behaviour):
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"source dir: .* not received within the total deadline \(3s\)") as err:
        fetch(tmp_path, raw(behaviour))
    took = time.monotonic() - started
    assert took < QUICK.deadline + 2, took
    assert not err.value.gone, err.value  # a server that answers, however slowly, is not gone


def test_a_robots_txt_trickled_a_byte_at_a_time_ends_at_the_deadline(tmp_path, caplog):
    srv = RawServer({"/robots.txt": trickled_status_line, "/page": lambda conn: conn.sendall(head() + b"<p>x</p>")})
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="clusterharvest"), \
                pytest.raises(FetchError, match="source dir: robots.txt disallows"):
            fetch(tmp_path, srv.url("/page"))
    finally:
        srv.stop()
    took = time.monotonic() - started
    assert took < QUICK.deadline + 2, took
    assert any("robots.txt not read" in m and "total deadline" in m for m in caplog.messages), caplog.messages


@pytest.mark.parametrize(("reason", "unreachable"), [
    (urllib3.exceptions.NameResolutionError("nowhere.invalid", None, socket.gaierror(-2, "Name or service not known")),
     True),
    (urllib3.exceptions.NewConnectionError(None, "Connection refused"), True),
    (urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")), False),
])
def test_only_a_connection_never_made_is_unreachable(reason, unreachable):
    # requests wraps a failed connect (refused, DNS) in MaxRetryError, a failure after connecting as it is
    cause = urllib3.exceptions.MaxRetryError(None, "http://h/", reason) \
        if isinstance(reason, urllib3.exceptions.NewConnectionError) else reason
    with ResponseWatch(60) as watch:
        err = request_error(requests.exceptions.ConnectionError(cause), "http://h/", "s", watch)
    assert (err.unreachable, err.transient) == (unreachable, True), err


# -- IPv6 literals: fetched, or refused for the true reason (issue 22, item 10) --------------------------------

def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_a_source_at_an_ipv6_literal_is_fetched(tmp_path):
    srv = start_server({"/page": static(b"<p>over IPv6</p>")}, host="::1")
    try:
        url = srv.url("/page")
        assert url.startswith("http://[::1]:"), url
        snap = fetch(tmp_path, url)
    finally:
        srv.stop()
    assert snap.read() == b"<p>over IPv6</p>"
    assert [s.path for s in srv.seen] == ["/robots.txt", "/page"], srv.seen


def test_a_redirect_to_another_ipv6_host_is_refused_for_that_reason(tmp_path):
    srv = start_server({"/page": lambda seen: (302, {"Location": "http://[::1]:9/x"}, b"")})
    try:
        with pytest.raises(FetchError) as err:
            fetch(tmp_path, srv.url("/page"))
    finally:
        srv.stop()
    assert err.value.message == "refused redirect to http://[::1]:9/x: host [::1]:9 is not a configured source", \
        err.value.message


# -- a redirect's Location read as HTTP sends it; a URL no client can use refused (issue 22, item 10) ----------

@pytest.mark.parametrize(("location", "landed"), [
    (b"/en/St\xe4dte/M\xfcnchen", "/en/St%E4dte/M%FCnchen"),  # ISO-8859-1 bytes (RFC 9110 5.5: obs-text)
    (b"/en/St\xc3\xa4dte", "/en/St%C3%A4dte"),  # UTF-8 bytes, percent-encoded as they are (RFC 3986 2.1)
], ids=["latin-1", "utf-8"])
def test_a_location_with_non_ascii_bytes_is_followed_percent_encoded(tmp_path, location, landed):
    srv = RawServer({"/dir": lambda conn: conn.sendall(head("301 Moved Permanently", Content_Length="0")[:-2]
                                                       + b"Location: " + location + b"\r\n\r\n"),
                     landed: lambda conn: conn.sendall(head(Content_Type="text/html") + b"<p>Staedte</p>")})
    want = srv.url(landed)
    try:
        snap = fetch(tmp_path, srv.url("/dir"))
    finally:
        srv.stop()
    assert (snap.read(), snap.provenance.final_url) == (b"<p>Staedte</p>", want), snap

