"""robots.txt by RFC 9309, against a real HTTP server on 127.0.0.1: for each rule, whether each page is fetched
and which paths the fetcher requested (a page robots.txt disallows is never requested). The robots.txt bodies
are written here by hand, one rule each; the two public cases come from tests/fixtures/cases/."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from clusterharvest.config import DEFAULT_USER_AGENT, FetchSettings, Source, product_token
from clusterharvest.errors import FetchError
from clusterharvest.fetch import Fetcher, robots_rules
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import list_versions, read_manifest
from clusterharvest.store import RawStore

from .conftest import ROOT
from .httpserver import Reply, Seen, start_server, static

CASES = ROOT / "tests" / "fixtures" / "cases"
FAST = FetchSettings(min_interval=0.0, backoff=0.0, max_tries=3, connect_timeout=2, read_timeout=2, deadline=10)
PAGE = static(b"<p>a page</p>")
DIRECTORY = "/en/cluster-network"


def text(body: bytes) -> Callable[[Seen], Reply]:
    """A robots.txt route answering 200 with this body."""
    return static(body, "text/plain")


def redirect(to: str, status: int = 301) -> Callable[[Seen], Reply]:
    return lambda seen: (status, {"Location": to}, b"")


def verdicts(tmp_path: Path, routes: dict[str, Callable[[Seen], Reply]], paths: list[str],
             settings: FetchSettings = FAST) -> tuple[dict[str, str], list[str]]:
    """Fetch each path of one server in turn: each path's verdict ('fetched', 'disallowed' or the error), and
    every path the server was asked for, in order."""
    srv = start_server(routes, fallback=PAGE)
    try:
        sources = [Source(id=f"s{n}", url=srv.url(p), kind="cluster-directory", lang="en", location=srv.url(p))
                   for n, p in enumerate(paths)]
        fetcher = Fetcher(settings, RawStore(tmp_path / "raw"), sources)
        got = {}
        for path, source in zip(paths, sources, strict=True):
            try:
                fetcher.fetch(source)
                got[path] = "fetched"
            except FetchError as exc:
                got[path] = "disallowed" if exc.message == f"robots.txt disallows {source.location}" else exc.message
        return got, [s.path for s in srv.seen]
    finally:
        srv.stop()


def test_product_token_is_the_user_agent_before_its_slash():
    assert product_token(DEFAULT_USER_AGENT) == "clusterharvest", product_token(DEFAULT_USER_AGENT)
    assert product_token("ExampleBot/0.1 (+https://www.example.com/bot.html)") == "ExampleBot"
    assert product_token("ExampleBot") == "ExampleBot"


# RFC 9309 section 5.1, verbatim; the verdicts below are the ones its text gives for each group.
RFC_EXAMPLE = b"""User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF
"""


@pytest.mark.parametrize(("token", "path", "allowed"), [
    ("otherbot", "/publications/report.html", True), ("otherbot", "/example/page.html", False),
    ("otherbot", "/images/logo.gif", False), ("otherbot", "/about", True),
    ("foobot", "/example/page.html", True), ("foobot", "/example/allowed.gif", True), ("foobot", "/about", False),
    ("barbot", "/example/page.html", False), ("bazbot", "/example/page.html", False), ("BazBot", "/logo.gif", True),
    ("quxbot", "/example/page.html", True), ("quxbot", "/logo.gif", True),
])
def test_the_rfc_example(token, path, allowed):
    got = robots_rules(RFC_EXAMPLE, token).can_fetch(f"https://www.example.com{path}", "*")
    assert got == allowed, got


def test_byte_order_mark_before_disallow_all(tmp_path):
    body = (CASES / "03-robots-bom.txt").read_bytes()
    assert body.startswith(b"\xef\xbb\xbfUser-agent: *\nDisallow: /"), body
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY])
    assert got == {DIRECTORY: "disallowed"}, got
    assert seen == ["/robots.txt"], seen


def test_wildcard_in_a_rule(tmp_path):
    body = (CASES / "04-robots-wildcard.txt").read_bytes()
    assert body.rstrip() == b"User-agent: *\nDisallow: /*/cluster-network", body
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/cluster-network"])
    assert got == {DIRECTORY: "disallowed", "/cluster-network": "fetched"}, got
    assert seen == ["/robots.txt", "/cluster-network"], seen


def test_dollar_anchors_a_rule_at_the_end_of_the_path(tmp_path):
    body = b"User-agent: *\nDisallow: /en/cluster-network$\n"
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/en/cluster-network/page-2"])
    assert got == {DIRECTORY: "disallowed", "/en/cluster-network/page-2": "fetched"}, got
    assert seen == ["/robots.txt", "/en/cluster-network/page-2"], seen


def test_the_longest_match_wins_over_an_earlier_shorter_rule(tmp_path):
    body = b"User-agent: *\nAllow: /en/\nDisallow: /en/cluster-network\n"
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/en/about"])
    assert got == {DIRECTORY: "disallowed", "/en/about": "fetched"}, got
    assert seen == ["/robots.txt", "/en/about"], seen


def test_allow_wins_a_tie(tmp_path):
    body = b"User-agent: *\nDisallow: /en/cluster-network\nAllow: /en/cluster-network\nDisallow: /de/\n"
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/de/cluster-network"])
    assert got == {DIRECTORY: "fetched", "/de/cluster-network": "disallowed"}, got
    assert seen == ["/robots.txt", DIRECTORY], seen


def test_a_group_naming_our_product_token_beats_the_star_group(tmp_path):
    body = b"User-agent: *\nDisallow: /\n\nUser-agent: ClusterHarvest\nDisallow: /de/\n"
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/de/cluster-network"])
    assert got == {DIRECTORY: "fetched", "/de/cluster-network": "disallowed"}, got
    assert seen == ["/robots.txt", DIRECTORY], seen


def test_the_product_token_comes_from_the_configured_user_agent(tmp_path):
    body = b"User-agent: clusterharvest\nDisallow: /de/\n\nUser-agent: otherbot\nDisallow: /en/\n"
    settings = FetchSettings(**{**FAST.__dict__, "user_agent": "otherbot/2.0 (+https://example.org/bot)"})
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/de/cluster-network"], settings)
    assert got == {DIRECTORY: "disallowed", "/de/cluster-network": "fetched"}, got
    assert seen == ["/robots.txt", "/de/cluster-network"], seen


def test_a_group_for_a_prefix_of_our_product_token_does_not_apply(tmp_path):
    body = b"User-agent: cluster\nDisallow: /en/\n\nUser-agent: *\nDisallow: /de/\n"
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/de/cluster-network"])
    assert got == {DIRECTORY: "fetched", "/de/cluster-network": "disallowed"}, got
    assert seen == ["/robots.txt", DIRECTORY], seen


def test_groups_naming_us_twice_are_merged(tmp_path):
    body = (b"User-agent: clusterharvest\nDisallow: /de/\n\nUser-agent: *\nDisallow: /\n\n"
            b"User-agent: clusterharvest\nDisallow: /en/\n")
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/de/cluster-network", "/fr/about"])
    assert got == {DIRECTORY: "disallowed", "/de/cluster-network": "disallowed", "/fr/about": "fetched"}, got
    assert seen == ["/robots.txt", "/fr/about"], seen


@pytest.mark.parametrize("other", ["Crawl-delay: 5", "Unknown-record: value"])
def test_another_record_between_user_agent_lines_does_not_end_the_group(tmp_path, other):
    body = f"User-agent: clusterharvest\n{other}\nUser-agent: otherbot\nDisallow: /en/\n".encode()
    got, seen = verdicts(tmp_path, {"/robots.txt": text(body)}, [DIRECTORY, "/de/cluster-network"])
    assert got == {DIRECTORY: "disallowed", "/de/cluster-network": "fetched"}, got
    assert seen == ["/robots.txt", "/de/cluster-network"], seen


def test_robots_txt_answering_404_allows_all(tmp_path):
    got, seen = verdicts(tmp_path, {"/robots.txt": lambda seen: (404, {}, b"not found")}, [DIRECTORY])
    assert got == {DIRECTORY: "fetched"}, got
    assert seen == ["/robots.txt", DIRECTORY], seen


@pytest.mark.parametrize(("status", "tries"), [(503, FAST.max_tries), (501, 1)])  # retried, or not
def test_robots_txt_answering_5xx_disallows_all(tmp_path, status, tries):
    got, seen = verdicts(tmp_path, {"/robots.txt": lambda seen: (status, {}, b"server error")}, [DIRECTORY])
    assert got == {DIRECTORY: "disallowed"}, got
    assert seen == ["/robots.txt"] * tries, seen


def test_robots_txt_that_never_answers_disallows_all(tmp_path):
    release = threading.Event()

    def stall(seen: Seen) -> Reply:
        release.wait(10)
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"

    settings = FetchSettings(**{**FAST.__dict__, "read_timeout": 0.3, "max_tries": 2})
    try:
        got, seen = verdicts(tmp_path, {"/robots.txt": stall}, [DIRECTORY], settings)
    finally:
        release.set()
    assert got == {DIRECTORY: "disallowed"}, got
    assert seen == ["/robots.txt"] * 2, seen


def test_a_host_refusing_connections_is_unreachable(tmp_path):
    with socket.socket() as sock:  # a free port that nothing listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}{DIRECTORY}"
    source = Source(id="s", url=url, kind="cluster-directory", lang="en", location=url)
    with pytest.raises(FetchError) as err:
        Fetcher(FAST, RawStore(tmp_path / "raw"), [source]).fetch(source)
    assert err.value.unreachable and err.value.transient, err.value
    assert err.value.message.startswith("cannot connect to 127.0.0.1 (robots.txt: "), err.value.message


def test_robots_txt_reached_within_five_redirects_is_obeyed(tmp_path):
    routes = {"/robots.txt": redirect("/r1"), "/r1": redirect("/r2", 302), "/r2": redirect("/r3", 307),
              "/r3": redirect("/r4", 308), "/r4": redirect("/r5"), "/r5": text(b"User-agent: *\nDisallow: /en/\n")}
    got, seen = verdicts(tmp_path, routes, [DIRECTORY, "/de/cluster-network"])
    assert got == {DIRECTORY: "disallowed", "/de/cluster-network": "fetched"}, got
    assert seen == ["/robots.txt", "/r1", "/r2", "/r3", "/r4", "/r5", "/de/cluster-network"], seen


def test_robots_txt_behind_more_than_five_redirects_disallows_all(tmp_path):
    routes = {"/robots.txt": redirect("/r1"), **{f"/r{n}": redirect(f"/r{n + 1}") for n in range(1, 6)},
              "/r6": text(b"User-agent: *\nAllow: /\n")}
    got, seen = verdicts(tmp_path, routes, [DIRECTORY])
    assert got == {DIRECTORY: "disallowed"}, got
    assert seen == ["/robots.txt", "/r1", "/r2", "/r3", "/r4", "/r5"], seen


def test_robots_txt_redirected_to_another_host_disallows_all_without_asking_it(tmp_path):
    other = start_server({"/robots.txt": text(b"User-agent: *\nAllow: /\n")}, host="127.0.0.2")
    try:
        got, seen = verdicts(tmp_path, {"/robots.txt": redirect(other.url("/robots.txt"))}, [DIRECTORY])
    finally:
        other.stop()
    assert got == {DIRECTORY: "disallowed"}, got
    assert seen == ["/robots.txt"] and other.seen == [], (seen, other.seen)


@pytest.mark.parametrize(("robots", "disallowed"), [
    ((CASES / "03-robots-bom.txt").read_bytes(), True),
    ((CASES / "04-robots-wildcard.txt").read_bytes(), True),
    (b"User-agent: *\nDisallow: /de/\n", False),  # the control: the harness does publish what robots.txt allows
], ids=["03-robots-bom", "04-robots-wildcard", "control"])
def test_harvest_behind_each_robots_case(tmp_path, robots, disallowed):
    page = (CASES / "00-control-directory.html").read_bytes()
    srv = start_server({"/robots.txt": text(robots), DIRECTORY: static(page)})
    try:
        (tmp_path / "sources.toml").write_text(
            f'[fetch]\nmin_interval = 0.0\nmax_tries = 1\n\n[[source]]\nid = "test-directory-en"\n'
            f'url = "{srv.url(DIRECTORY)}"\nkind = "cluster-directory"\nlang = "en"\narchive = false\n',
            encoding="utf-8")
        ctx = open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw")
        if disallowed:
            with pytest.raises(FetchError) as err:
                run_harvest(ctx)
            assert str(err.value) == f"source test-directory-en: robots.txt disallows {srv.url(DIRECTORY)}", err.value
            assert not (tmp_path / "out").exists() or list_versions(tmp_path / "out") == []
            assert [s.path for s in srv.seen] == ["/robots.txt"], srv.seen
        else:
            outcome = run_harvest(ctx)
            assert read_manifest(tmp_path / "out", outcome.version).counts.clusters == 3
            assert [s.path for s in srv.seen] == ["/robots.txt", DIRECTORY], srv.seen
    finally:
        srv.stop()
