"""The network down (issue 23, item 3), against real loopback conditions: a port on 127.0.0.1 that refuses
connections, and host names that cannot resolve. A connection never made is tried once, then the web archive as
ever; a harvest whose every source and archive is unreachable fails within seconds, naming each source and why
in one short message, the detail in the run's log.

The names that cannot resolve are in ``.invalid`` (RFC 6761: never resolves) and longer than the 253 characters
a DNS name may have, so the C library's resolver refuses them before sending a query: on this machine the
resolver does not answer ``x.invalid`` by itself but asks the configured name server (``strace getent hosts
x.invalid`` shows the UDP query), which a machine without a network could leave waiting. The failure is the
same as a name server's NXDOMAIN: ``[Errno -2] Name or service not known``.
"""

from __future__ import annotations

import logging
import pickle
import socket
import time
from pathlib import Path

import pytest

from clusterharvest.config import FetchSettings, Source
from clusterharvest.errors import FetchError, SourceErrors
from clusterharvest.fetch import Fetcher
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import read_latest
from clusterharvest.store import RawStore

from .prefect_server import BIN, PrefectServer


def refused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unresolvable(label: str) -> str:
    """A host name in ``.invalid`` too long to be looked up (the module's docstring says why)."""
    name = f"{label}.{'.'.join(['x' * 63] * 4)}.invalid"
    assert len(name) > 253
    return name


def source(url: str, sid: str = "s") -> Source:
    return Source(id=sid, url=url, kind="cluster-directory", lang="en", location=url)


@pytest.mark.parametrize(("host", "reason"), [
    (f"127.0.0.1:{refused_port()}", "connection refused"),
    (unresolvable("nowhere"), "DNS: no such host"),
])
def test_a_host_that_refuses_or_cannot_resolve_is_tried_once(tmp_path, caplog, host, reason):
    url = f"http://{host}/en/cluster-network"
    fetcher = Fetcher(FetchSettings(), RawStore(tmp_path / "raw"), [source(url)])  # 4 tries, backoff from 1 s
    tried: list[str] = []
    request_once = fetcher.transport.request_once
    fetcher.transport.request_once = lambda u, *a: tried.append(u) or request_once(u, *a)  # type: ignore[method-assign]
    started = time.monotonic()
    with caplog.at_level(logging.INFO, "clusterharvest"), pytest.raises(FetchError) as err:
        fetcher.fetch(source(url))
    took = time.monotonic() - started
    assert tried == [f"http://{host}/robots.txt"], tried
    assert err.value.unreachable and err.value.reason == reason, (err.value, err.value.reason)
    assert not [m for m in caplog.messages if "retry" in m], caplog.messages
    assert took < 1.0, took

    # the host is known to be unreachable for the rest of the run: a second source there is not tried again
    with pytest.raises(FetchError) as again:
        fetcher.fetch(source(url.replace("cluster-network", "other"), "t"))
    assert tried == [f"http://{host}/robots.txt"], tried
    assert again.value.unreachable and again.value.reason == reason and again.value.source_id == "t", again.value


# The real registry's ids and kinds, so the message is as long as it will be for an operator.
KINDS = {"bmbf-programme-page-en": "programme-page", "bmbf-flyer-2016": "flyer",
         "announcement-round-2-2016": "announcement", "announcement-round-3-2017": "announcement",
         "interspin-directory-en": "cluster-directory"}
ROUNDS = {"announcement-round-2-2016": 2, "announcement-round-3-2017": 3}


def unreachable_registry(folder: Path) -> tuple[Path, dict[str, str]]:
    """sources.toml with the default [fetch] limits: two sources at ports of 127.0.0.1 that refuse, three at
    names that cannot resolve, and the web archive at a refusing port. Returns it and each source's URL."""
    refusing = {sid: f"http://127.0.0.1:{refused_port()}/{sid}" for sid in ("bmbf-programme-page-en",
                                                                           "announcement-round-2-2016")}
    nowhere = {sid: f"http://{unresolvable(sid)}/{sid}" for sid in KINDS if sid not in refusing}
    urls = {sid: {**refusing, **nowhere}[sid] for sid in KINDS}
    tables = "".join(f'\n[[source]]\nid = "{sid}"\nurl = "{url}"\nkind = "{KINDS[sid]}"\nlang = "en"\n'
                     + (f"round = {ROUNDS[sid]}\n" if sid in ROUNDS else "") for sid, url in urls.items())
    path = folder / "sources.toml"
    path.write_text(f'[archive]\nwayback = "http://127.0.0.1:{refused_port()}"\n{tables}', encoding="utf-8")
    return path, urls


# Written by hand: each source and why, grouped by reason, the web archive's failure said once.
WHY = ("5 sources failed, and the web archive too (connection refused): bmbf-programme-page-en, "
       "announcement-round-2-2016 (connection refused); bmbf-flyer-2016, announcement-round-3-2017, "
       "interspin-directory-en (DNS: no such host)")


def test_a_harvest_with_every_source_and_the_archive_unreachable_fails_at_once_naming_each(tmp_path, caplog):
    sources, urls = unreachable_registry(tmp_path)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, "clusterharvest"), pytest.raises(SourceErrors) as err:
        run_harvest(open_context(sources, tmp_path / "out", tmp_path / "raw"))
    took = time.monotonic() - started
    assert str(err.value) == WHY, str(err.value)
    assert len(WHY) <= 240, len(WHY)
    assert took < 10, took
    assert read_latest(tmp_path / "out") is None
    # the detail of each is in the log: the URL it could not connect to, and the archive's failure
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    for sid, url in urls.items():
        [said] = [m for m in errors if m.startswith(f"source {sid}: ")]
        assert f"cannot connect to {url.split('/')[2].split(':')[0]}" in said, said
        assert "archive fallback failed too: cannot connect to 127.0.0.1" in said, said


def test_many_failed_sources_are_counted_past_the_length_of_a_line():
    failures = [FetchError(f"HTTP {400 + n} from http://h/{n}", f"source-{n:03d}", reason=f"HTTP {400 + n}")
                for n in range(200)]
    message = str(SourceErrors(failures))
    assert message.startswith("200 sources failed: source-000 (HTTP 400); source-001 (HTTP 401); "), message
    assert message.endswith("; source-008 (HTTP 408); 191 more"), message  # nine of 21 characters fit
    assert len(message) <= 240, len(message)
    again = pickle.loads(pickle.dumps(SourceErrors(failures)))  # as a Dask worker's error comes back
    assert str(again) == message and [f.source_id for f in again.failures] == [f.source_id for f in failures]


def test_one_failed_source_keeps_its_own_message(tmp_path):
    port = refused_port()
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nid = "d"\nurl = "http://127.0.0.1:{port}/d"\nkind = "cluster-directory"\n'
                    'lang = "en"\narchive = false\n', encoding="utf-8")
    with pytest.raises(FetchError) as err:
        run_harvest(open_context(path, tmp_path / "out", tmp_path / "raw"))
    assert str(err.value) == (f"source d: cannot connect to 127.0.0.1 (robots.txt: cannot connect to "
                              f"http://127.0.0.1:{port}/robots.txt: [Errno 111] Connection refused)"), str(err.value)


@pytest.mark.flow
def test_the_command_fails_within_seconds_naming_every_unreachable_source(tmp_path, prefect_server: PrefectServer):
    import subprocess

    sources, urls = unreachable_registry(tmp_path)
    started = time.monotonic()
    res = subprocess.run([str(BIN / "clusterharvest"), "harvest", "--sources", str(sources), "--out",
                          str(tmp_path / "out"), "--raw", str(tmp_path / "raw"), "--quiet"],
                         env=prefect_server.env, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    assert res.returncode == 1, res.stderr
    [line] = res.stderr.splitlines()
    assert line.startswith(f"clusterharvest: error: {WHY} (in full: "), line
    assert len(line) <= 300, len(line)
    whole = Path(line.removeprefix(f"clusterharvest: error: {WHY} (in full: ").removesuffix(")"))
    detail = whole.read_text(encoding="utf-8")
    whole.unlink()
    assert all(f"source {sid}: cannot connect to " in detail for sid in urls), detail
    assert took < 20, took  # about ten seconds at most: Prefect's start and the run, no retries

    [run] = prefect_server.post("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 1})
    assert run["state_type"] == "FAILED", run["state"]
    assert run["state"]["message"] == f"Flow run encountered an exception: SourceErrors: {WHY}", run["state"]
    logged = [entry["message"] for entry in prefect_server.logs(run["id"]) if entry["level"] >= logging.ERROR]
    assert all(any(m.startswith(f"source {sid}: cannot connect to ") for m in logged) for sid in urls), logged
