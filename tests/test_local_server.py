"""The local Prefect server (issue 23, item 7) against real processes: `clusterharvest server start|status|stop`,
a harvest with no server configured that uses it or starts it, a stale state file, the stop after an idle
period, and a server that cannot start. Each test has a PREFECT_HOME of its own and stops every server it
started, whatever happens."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from clusterharvest.publish import read_latest
from clusterharvest_flows.server import STATE_NAME, alive

from .conftest import ROOT
from .prefect_server import BIN, wait_for


def environment(home: Path, **extra: str) -> dict[str, str]:
    """No Prefect server configured: no PREFECT_* setting but the home (and the UI off, to start sooner)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "CLUSTERHARVEST_SERVER_IDLE"}
    env.update({"PREFECT_HOME": str(home), "PREFECT_SERVER_UI_ENABLED": "false", **extra})
    return env


def command(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "clusterharvest"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def state(home: Path) -> dict | None:
    try:
        return dict(json.loads((home / STATE_NAME).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


@pytest.fixture
def home(tmp_path):
    """A PREFECT_HOME; whatever local server runs there at the end is stopped (killed, should stop fail)."""
    path = tmp_path / "prefect-home"
    path.mkdir()
    yield path
    found = state(path)
    subprocess.run([str(BIN / "clusterharvest"), "server", "stop"], env=environment(path), capture_output=True,
                   timeout=60)
    if found and alive(found["pid"]):
        os.kill(found["pid"], signal.SIGKILL)


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def stale(home: Path, pid: int) -> None:
    (home / STATE_NAME).write_text(json.dumps({
        "pid": pid, "port": 9, "url": "http://127.0.0.1:9/api", "idle": 900.0, "started": "2026-11-30T06:00:00+00:00",
        "log": str(home / "clusterharvest-server.log"), "home": str(home)}), encoding="utf-8")


def test_the_idle_period_is_a_number_of_seconds_within_bounds(monkeypatch):
    from clusterharvest_flows.server import ServerError, duration, idle_seconds

    monkeypatch.delenv("CLUSTERHARVEST_SERVER_IDLE", raising=False)
    assert (idle_seconds(), idle_seconds("4"), duration(900), duration(4), duration(7200)) == \
        (900.0, 4.0, "15 minutes", "4 seconds", "2 hours")
    monkeypatch.setenv("CLUSTERHARVEST_SERVER_IDLE", "60")
    assert (idle_seconds(), duration(idle_seconds())) == (60.0, "1 minute")
    for wrong in ("0", "nan", "inf", "ten", "-5", "2592001"):
        with pytest.raises(ServerError, match=f"idle time '{wrong}' is no number of seconds from 1 to 2592000"):
            idle_seconds(wrong)


def test_the_api_watch_tells_a_gone_or_hung_server_from_a_slow_one():
    """``ApiWatch`` against real loopback servers: one that answers (slowly, or with an error status) is there;
    one whose port refuses is gone at the second look; one that accepts and never answers is gone after its
    ``silence``."""
    import threading

    from clusterharvest_flows.server import ApiWatch

    from .httpserver import start_server
    from .rawserver import RawServer

    def looks(watch: ApiWatch, seconds: float) -> list[str | None]:
        said, end = [], time.monotonic() + seconds
        while time.monotonic() < end and not any(said):
            said.append(watch())
            time.sleep(0.05)
        return said

    slow = start_server({"/api/health": lambda seen: (time.sleep(0.3), (200, {}, b"true"))[1],
                         "/bad/health": lambda seen: (503, {}, b"busy")})
    try:
        assert not any(looks(ApiWatch(slow.url("/api"), interval=0.1, silence=2), 1.5))
        assert not any(looks(ApiWatch(slow.url("/bad"), interval=0.1, silence=0.5), 1.5))  # it answers: there
        refused = ApiWatch(slow.url("/api"), interval=0.1, silence=60)
        assert refused() is None
    finally:
        slow.stop()
    said = looks(refused, 2)
    assert said[-1] == "connection refused" and said.count(None) >= 2, said  # two refusals in a row, not one

    released = threading.Event()
    hung = RawServer({"/api/health": lambda conn: released.wait(10)})
    try:
        started = time.monotonic()
        said = looks(ApiWatch(hung.url("/api"), interval=0.1, silence=1), 5)
        assert said[-1] == "no answer for 1 s" and 1 <= time.monotonic() - started < 4, said
    finally:
        released.set()
        hung.stop()


@pytest.mark.parametrize("who", ["ended", "another process"])
def test_a_stale_state_file_is_no_server_and_is_removed(home, who):
    stale(home, dead_pid() if who == "ended" else os.getpid())  # a process id reused by something else: this one
    status = command(environment(home), "server", "status", timeout=60)
    assert (status.returncode, status.stdout) == (3, f"no local Prefect server is running (PREFECT_HOME {home})\n"), \
        status
    assert state(home) is None
    stopped = command(environment(home), "server", "stop", timeout=60)
    assert stopped.returncode == 0 and stopped.stdout.startswith("no local Prefect server is running"), stopped


@pytest.mark.flow
def test_server_start_status_and_stop_and_a_harvest_uses_it(home, tmp_path):
    env = environment(home)
    stale(home, dead_pid())  # left by a server that was killed: replaced
    started = command(env, "server", "start", "--idle", "600")
    assert started.returncode == 0, started.stderr
    found = re.fullmatch(rf"note: the local server recorded in {re.escape(str(home / STATE_NAME))} \(pid \d+\) was "
                         r"no longer running\n"
                         r"started the local Prefect server at (http://127\.0\.0\.1:(\d+)/api) \(pid (\d+); it stops "
                         r"itself after 10 minutes without a run; log: (.+)\)\n", started.stdout)
    assert found, started.stdout
    url, port, pid, log = found.group(1), int(found.group(2)), int(found.group(3)), found.group(4)
    assert state(home) == {"pid": pid, "port": port, "url": url, "idle": 600.0, "started": state(home)["started"],
                           "log": log, "home": str(home), "ui": None}, state(home)  # the UI is off here
    assert alive(pid) and httpx.get(f"{url}/health", timeout=5).status_code == 200

    status = command(env, "server", "status", timeout=60)
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(f"the local Prefect server runs at {url} (pid {pid}, "), status.stdout
    again = command(env, "server", "start")
    assert again.returncode == 0 and again.stdout.startswith(f"already running: the local Prefect server at {url} "
                                                             f"(pid {pid};"), again.stdout

    out = tmp_path / "out"
    harvested = command(env, "harvest", "--offline", "--out", str(out))
    assert harvested.returncode == 0, harvested.stderr
    assert harvested.stderr.splitlines()[0] == (f"clusterharvest: using the local Prefect server at {url} (it stops "
                                                "itself after 10 minutes without a run)"), harvested.stderr
    [run] = httpx.post(f"{url}/flow_runs/filter", json={}, timeout=30).json()
    assert run["state_type"] == "COMPLETED" and run["name"].endswith("-offline"), run
    assert read_latest(out)

    stopped = command(env, "server", "stop", timeout=60)
    assert stopped.returncode == 0 and stopped.stdout == f"stopped the local Prefect server at {url} (pid {pid})\n", \
        stopped
    assert not alive(pid) and state(home) is None
    assert command(env, "server", "status", timeout=60).returncode == 3
    assert "clusterharvest server: stopped" in Path(log).read_text(encoding="utf-8")


@pytest.mark.flow
def test_a_harvest_with_no_server_starts_one_that_stops_itself_when_idle(home, tmp_path):
    env = environment(home, CLUSTERHARVEST_SERVER_IDLE="4")
    harvested = command(env, "harvest", "--offline", "--out", str(tmp_path / "out"))
    assert harvested.returncode == 0, harvested.stderr
    found = state(home)
    assert found is not None
    assert harvested.stderr.splitlines()[0] == (
        f"clusterharvest: no Prefect server configured: started a local one for this and later runs at "
        f"{found['url']} (pid {found['pid']}); it stops itself after 4 seconds without a run (`clusterharvest server "
        "stop` stops it now)"), harvested.stderr
    [run] = httpx.post(f"{found['url']}/flow_runs/filter", json={}, timeout=30).json()
    assert run["state_type"] == "COMPLETED", run
    ended = time.monotonic()
    wait_for(lambda: not alive(found["pid"]), 30, "the idle server to stop itself")
    assert time.monotonic() - ended < 15  # 4 s idle, looked at every second, then its services stop
    assert state(home) is None
    log = Path(found["log"]).read_text(encoding="utf-8")
    assert "no request for 4 seconds: stopping" in log and "clusterharvest server: stopped" in log, log


@pytest.mark.flow
def test_a_harvest_whose_local_server_cannot_start_fails_with_one_line(home, tmp_path):
    # a database the server cannot open: its process ends at start-up
    env = environment(home, PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{tmp_path}/missing/x.db")
    started = time.monotonic()
    res = command(env, "harvest", "--offline", "--out", str(tmp_path / "out"))
    assert time.monotonic() - started < 60
    assert res.returncode == 1, res.stderr
    [line] = res.stderr.splitlines()
    assert line == ("clusterharvest: error: no Prefect server configured: the local Prefect server did not start "
                    "(exit 3): sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) unable to open database "
                    f"file (log: {home / 'clusterharvest-server.log'})"), line
    assert state(home) is None and read_latest(tmp_path / "out") is None


@pytest.mark.flow
def test_a_harvest_claims_the_server_and_it_stops_only_when_no_harvest_holds_the_lock(home, tmp_path):
    """A harvest that finds the server near its idle limit must not lose it between finding and using it: the
    finding counts as use (the idle time starts anew), and the server stops for idleness only under the lock a
    harvest holds while it finds it."""
    from clusterharvest_flows.server import claim, file_lock

    env = environment(home)
    started = command(env, "server", "start", "--idle", "3")
    assert started.returncode == 0, started.stderr
    found = state(home)
    assert found is not None
    for _ in range(3):  # found at 2 of its 3 idle seconds, three times: it never stops
        time.sleep(2)
        assert claim(found["url"]), "the server stopped although a harvest had just found it"
    with file_lock(home):  # as a harvest holds it while it finds or starts the server
        time.sleep(5)
        assert alive(found["pid"]) and state(home) is not None  # idle 5 s > 3, but it may not stop now
    wait_for(lambda: not alive(found["pid"]), 30, "the idle server to stop once the lock is free")
    assert state(home) is None


@pytest.mark.flow
def test_a_server_that_hangs_is_replaced_within_seconds_saying_so(home, tmp_path):
    env = environment(home)
    assert command(env, "server", "start").returncode == 0
    found = state(home)
    assert found is not None
    os.kill(found["pid"], signal.SIGSTOP)  # alive, listening, answering nothing
    try:
        began = time.monotonic()
        harvested = command(env, "harvest", "--offline", "--out", str(tmp_path / "out"))
        took = time.monotonic() - began
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(found["pid"], signal.SIGKILL)
    assert harvested.returncode == 0, harvested.stderr
    assert harvested.stderr.splitlines()[0] == (
        f"clusterharvest: note: the local server {found['url']} (pid {found['pid']}) did not answer within 5 s and "
        "was stopped"), harvested.stderr
    assert harvested.stderr.splitlines()[1].startswith("clusterharvest: no Prefect server configured: started a "
                                                       "local one"), harvested.stderr
    assert took < 60, took  # was 120 s of waiting for the hung server, then 20 s for it to take SIGTERM
    assert read_latest(tmp_path / "out")
