"""The local Prefect server: started in the background by the first harvest that finds no Prefect server
configured, reused by later runs, stopping itself once idle.

Prefect runs a flow with no ``PREFECT_API_URL`` on a temporary server it starts for that run and stops after it:
ten seconds before any work, every run. This server is the same Prefect server (Prefect's own app, under
uvicorn, as ``prefect server start`` runs it, with its services and UI), kept running between runs:

- **Found** through a state file, ``$PREFECT_HOME/clusterharvest-server.json`` (``PREFECT_HOME`` as Prefect
  reads it, default ``~/.prefect``): its process id, port, API URL, idle limit and log file. The server writes
  it once it listens, and removes it when it stops. A file whose process is gone, or is no longer this server
  (a process id reused), is stale: removed, and a new server started. Starting and stopping hold a file lock
  (``clusterharvest-server.lock``), so two harvests started at once start one server.
- **Stopping itself** after ``idle`` seconds with no request and no open connection (default 900 s, 15
  minutes; ``CLUSTERHARVEST_SERVER_IDLE`` or ``clusterharvest server start --idle``). A run keeps a connection
  open (its events) while it lasts, so a long run is never cut off; a look at ``/api/health`` is no activity.
  A harvest that finds the server claims it (``claim``: a request that counts as use) under the lock, and the
  server stops for idleness only under the same lock, removing its state file first: a harvest either claimed
  it in time (idle time starts anew) or finds no server and starts one, never one about to stop.
- **Leaving the operator's Prefect settings alone**: nothing is written to a profile. The server's settings
  come from the environment it is started with (``PREFECT_API_URL`` removed, analytics off unless set); it
  records its runs in ``PREFECT_HOME``'s database, where Prefect's temporary server recorded them.
- Its output goes to ``$PREFECT_HOME/clusterharvest-server.log``.

This module imports nothing of Prefect until the server itself runs (``python -m clusterharvest_flows.server
run``), so ``clusterharvest server status`` and ``stop`` answer at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

IDLE_SECONDS = 900.0  # default: stops itself after 15 minutes without a request
IDLE_ENV = "CLUSTERHARVEST_SERVER_IDLE"  # seconds, for a server a harvest starts
START_TIMEOUT = 120.0  # seconds for a new server to answer (database migrations on a first start)
STOP_TIMEOUT = 20.0  # seconds between SIGTERM and SIGKILL
HUNG_TIMEOUT = 5.0  # seconds a server that listens (its state file written) gets to answer before it is replaced
STATE_NAME = "clusterharvest-server.json"
MODULE = "clusterharvest_flows.server"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


class ServerError(Exception):
    """The local server could not be started or stopped; the message says why and where its log is."""


@dataclass(frozen=True)
class LocalServer:
    """A local server as its state file describes it."""

    pid: int
    port: int
    url: str  # the API URL, http://127.0.0.1:PORT/api
    idle: float  # seconds without a request after which it stops itself
    started: str  # ISO 8601, UTC
    log: str
    home: str  # its PREFECT_HOME
    ui: str | None = None  # where its UI is, if it serves one


def prefect_home() -> Path:
    """``PREFECT_HOME`` as Prefect reads it from the environment (default ``~/.prefect``)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def api_url() -> str | None:
    """The Prefect API URL this process's runs report to (environment, active profile or settings file, as
    Prefect reads them); None when none is configured."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


def use(server: LocalServer) -> None:
    """Make this process's Prefect report to ``server`` (Prefect read its settings when it was imported)."""
    from prefect.context import refresh_global_settings_context

    os.environ["PREFECT_API_URL"] = server.url
    refresh_global_settings_context()


def state_file(home: Path | None = None) -> Path:
    return (home or prefect_home()) / STATE_NAME


def idle_seconds(value: str | None = None) -> float:
    """The idle limit: ``value``, else ``CLUSTERHARVEST_SERVER_IDLE``, else 900; a ServerError when it is no
    number of seconds from 1 to 30 days."""
    text = value if value is not None else os.environ.get(IDLE_ENV)
    if text is None or text == "":
        return IDLE_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 1 <= seconds <= 30 * 86400:  # nan fails too
        raise ServerError(f"idle time {text!r} is no number of seconds from 1 to 2592000 ({IDLE_ENV})")
    return seconds


def duration(seconds: float) -> str:
    """'15 minutes', '90 seconds', '2 hours'."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds:g} seconds"


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, which no parent reaped yet, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False
    return True


def is_ours(pid: int) -> bool:
    """Whether process ``pid`` is a local server of this module (not another process that got its id);
    without /proc, any live process is taken for it."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return alive(pid) and not Path("/proc/self").exists()
    except OSError:
        return alive(pid)
    return alive(pid) and MODULE.encode() in cmdline


def read_state(home: Path | None = None) -> LocalServer | None:
    """The server the state file names, if its process is this server and runs; a stale file is removed."""
    path = state_file(home)
    try:
        server = LocalServer(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        server = None
    if server is None or not is_ours(server.pid):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None
    return server


def healthy(url: str, timeout: float = 2.0, path: str = "/health") -> bool:
    """Whether the API at ``url`` answers its health check (or ``path``) with 200."""
    try:
        with DIRECT.open(f"{url}{path}", timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (OSError, ValueError):
        return False


def claim(url: str, timeout: float = 2.0) -> bool:
    """Whether the API at ``url`` answers a request that counts as use (``/admin/version``, unlike the health
    check): a server that was idle nearly its limit starts its idle time anew."""
    return healthy(url, timeout, "/admin/version")


def file_lock(home: Path) -> Any:
    """The lock that starting and stopping hold."""
    from filelock import FileLock

    home.mkdir(parents=True, exist_ok=True)
    return FileLock(str(home / "clusterharvest-server.lock"), timeout=START_TIMEOUT + STOP_TIMEOUT)


def running(home: Path | None = None) -> LocalServer | None:
    """The local server, if one runs and answers."""
    server = read_state(home)
    return server if server is not None and healthy(server.url) else None


@dataclass(frozen=True)
class Ensured:
    """The local server a run uses: ``started`` now or found running; ``replaced`` says why an earlier one
    recorded in the state file was not used (it had ended, or it did not answer), None when there was none."""

    server: LocalServer
    started: bool
    replaced: str | None = None


def ensure(idle: float | None = None, home: Path | None = None, timeout: float = START_TIMEOUT) -> Ensured:
    """The running local server, claimed (``claim``), else one started now.

    Raises:
        ServerError: a new server did not answer within ``timeout`` seconds, or its process ended (the message
            gives the last lines of its log).
    """
    home = home or prefect_home()
    with file_lock(home):
        recorded = recorded_pid(home)
        server = read_state(home)
        replaced = None
        if server is not None:
            began = time.monotonic()
            if claim(server.url) or wait_healthy(server, HUNG_TIMEOUT - (time.monotonic() - began)):
                return Ensured(server, False)
            # alive and listening, but not answering: a server of ours that hangs (stopped, say), which would
            # not act on SIGTERM either
            terminate(server.pid, 0)
            read_state(home)  # its file is stale now
            replaced = f"the local server {server.url} (pid {server.pid}) did not answer within " \
                       f"{HUNG_TIMEOUT:g} s and was stopped"
        elif recorded is not None:
            replaced = f"the local server recorded in {state_file(home)} (pid {recorded}) was no longer running"
        return Ensured(start(idle if idle is not None else idle_seconds(), home, timeout), True, replaced)


def recorded_pid(home: Path) -> int | None:
    """The process id the state file names, whether or not that process still runs (None: no file)."""
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        return int(json.loads(state_file(home).read_text(encoding="utf-8")).get("pid"))
    return None


def start(idle: float, home: Path, timeout: float) -> LocalServer:
    """Start a server in a session of its own (no terminal's Ctrl-C reaches it) and wait until it answers."""
    log = home / "clusterharvest-server.log"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env["PREFECT_HOME"] = str(home)
    with open(log, "ab") as out:
        offset = out.tell()  # what this start writes comes after
        # In its home, not where the harvest ran: a settings file there (.env, prefect.toml) is the project's.
        popen = subprocess.Popen([sys.executable, "-m", MODULE, "run", "--idle", f"{idle:g}"], env=env, cwd=home,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True, close_fds=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise ServerError(f"the local Prefect server did not start (exit {popen.returncode}): "
                              f"{why(log, offset)} (log: {log})")
        server = read_state(home)
        if server is not None and server.pid == popen.pid and healthy(server.url, timeout=1.0):
            return server
        time.sleep(0.1)
    terminate(popen.pid)
    raise ServerError(f"the local Prefect server did not answer within {timeout:g} s: {why(log, offset)} (log: {log})")


def wait_healthy(server: LocalServer, timeout: float) -> bool:
    """Wait for a server that is starting to answer; False if it ends or does not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and is_ours(server.pid):
        if claim(server.url, timeout=1.0):
            return True
        time.sleep(0.1)
    return False


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit)\b.*")


def why(log: Path, offset: int = 0) -> str:
    """Why a start failed, from what it wrote to its log from ``offset`` on: the last exception line (e.g.
    'sqlalchemy.exc.OperationalError: ... unable to open database file'), else its last line."""
    try:
        with open(log, "rb") as stream:
            stream.seek(offset)
            text = stream.read().decode("utf-8", errors="replace")
    except OSError:
        return "no log"
    lines = [line.strip() for line in text.splitlines() if line.strip() and " clusterharvest server: " not in line]
    return next((line for line in reversed(lines) if EXCEPTION_LINE.match(line)), lines[-1] if lines else
                "nothing in its log")


def terminate(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM (the server finishes its requests and services), then SIGKILL after ``timeout`` seconds."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reaped, should it be our child
            if not alive(pid):
                return
            time.sleep(0.05)


def stop(home: Path | None = None) -> LocalServer | None:
    """Stop the local server; the one stopped, or None if none was running."""
    home = home or prefect_home()
    with file_lock(home):
        server = read_state(home)
        if server is None:
            return None
        terminate(server.pid)
        read_state(home)  # the server removes its file as it stops; one it could not (SIGKILL) is stale now
    return server


REFUSED = "connection refused"


def probe(url: str, timeout: float = 2.0) -> str | None:
    """One look at the health check of the Prefect API at ``url``: None when it answers (an error status is an
    answer), else ``REFUSED`` or 'no answer'."""
    try:
        with DIRECT.open(f"{url}/health", timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None
    except urllib.error.URLError as exc:
        return REFUSED if isinstance(exc.reason, ConnectionRefusedError) else "no answer"
    except OSError as exc:
        return REFUSED if isinstance(exc, ConnectionRefusedError) else "no answer"


class ApiWatch:
    """Whether the Prefect API a run reports to is still there, looked at about once every ``interval`` seconds
    through its health check (``__call__``, cheap between looks): gone when it refuses the connection twice in a
    row (its process ended), or has not answered for ``silence`` seconds (it hangs). A busy server that answers
    slowly is not gone. Works for any Prefect server, the local one or a configured one."""

    def __init__(self, url: str, interval: float = 1.0, silence: float = 30.0) -> None:
        self.url = url
        self.interval = interval
        self.silence = silence
        self.next = time.monotonic() + interval
        self.answered = time.monotonic()
        self.refused = 0

    def __call__(self) -> str | None:
        """None while the server is there; else why it is taken for gone ('connection refused', 'no answer for
        30 s')."""
        now = time.monotonic()
        if now < self.next:
            return None
        self.next = now + self.interval
        why = probe(self.url, min(5.0, self.silence))
        if why is None:
            self.answered, self.refused = time.monotonic(), 0
            return None
        self.refused = self.refused + 1 if why == REFUSED else 0
        if self.refused >= 2:
            return REFUSED
        if time.monotonic() - self.answered >= self.silence:
            return f"no answer for {self.silence:g} s"
        return None


# -- the server process ------------------------------------------------------------------------------------


class IdleWatch:
    """ASGI middleware that knows when the server was last used: requests and connections (a run's events
    stream) in progress, and when the last one ended. A health check is no use."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.open = 0
        self.last = time.monotonic()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path", "").endswith("/health"):
            await self.app(scope, receive, send)
            return
        self.open += 1
        self.last = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.open -= 1
            self.last = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since the last request ended, 0 while any is in progress."""
        return 0.0 if self.open else time.monotonic() - self.last


def say(message: str) -> None:
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} clusterharvest server: {message}", flush=True)


def serve(idle: float, home: Path) -> None:
    """Run the server on a free loopback port until SIGTERM, SIGINT or ``idle`` seconds without use; the state
    file says where it is while it runs."""
    import uvicorn
    from prefect.server.api.server import create_app
    from prefect.settings import get_current_settings

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    me = LocalServer(pid=os.getpid(), port=port, url=f"http://127.0.0.1:{port}/api", idle=idle,
                     started=datetime.now(UTC).isoformat(timespec="seconds"),
                     log=str(home / "clusterharvest-server.log"), home=str(home),
                     ui=f"http://127.0.0.1:{port}/" if get_current_settings().server.ui.enabled else None)
    watch = IdleWatch(create_app(final=True))
    server = uvicorn.Server(uvicorn.Config(watch, log_level="warning", timeout_keep_alive=5, lifespan="on"))

    async def idle_stop() -> None:
        while not server.started:
            await asyncio.sleep(0.1)
        watch.last = time.monotonic()  # idle from now: the start-up is no idleness
        write_state(me, home)
        say(f"listening at {me.url} (pid {me.pid}); stops itself after {duration(idle)} without a request")
        lock = file_lock(home)
        while not server.should_exit:
            await asyncio.sleep(min(1.0, idle / 4))
            if watch.idle_for() < idle or not try_acquire(lock):
                continue  # in use, or a harvest (or `server stop`) holds the lock: look again later
            try:
                if watch.idle_for() >= idle:  # still idle now that no harvest can claim it unseen
                    remove_state(me, home)  # from here on, a harvest starts a server of its own
                    say(f"no request for {duration(idle)}: stopping")
                    server.should_exit = True
            finally:
                lock.release()

    async def main() -> None:
        watcher = asyncio.create_task(idle_stop())
        try:
            await server.serve(sockets=[sock])
        finally:
            watcher.cancel()

    # uvicorn stops on SIGTERM, then raises the signal again for the handler it found: this one, so the state
    # file is removed and the exit is clean.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        asyncio.run(main())
    finally:
        remove_state(me, home)
        say("stopped")


def try_acquire(lock: Any) -> bool:
    """Take ``lock`` if no one holds it, without waiting."""
    from filelock import Timeout

    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    return True


def write_state(server: LocalServer, home: Path) -> None:
    """Write the state file atomically (a reader never sees half of it)."""
    path = state_file(home)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(server), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def remove_state(server: LocalServer, home: Path) -> None:
    """Remove the state file if it still names this server."""
    path = state_file(home)
    with contextlib.suppress(OSError, ValueError, TypeError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == server.pid:
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--idle", default=None, help="seconds without a request before it stops itself")
    args = parser.parse_args(argv)
    serve(idle_seconds(args.idle), prefect_home())
    return 0


if __name__ == "__main__":
    sys.exit(main())
