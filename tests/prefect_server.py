"""Real Prefect servers, Dask schedulers and workers for the tests: started on loopback ports with their own
``PREFECT_HOME``, each in its own process group, and always stopped (the whole group) afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.25) -> Any:
    """Poll ``check`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except (httpx.HTTPError, OSError):
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Process:
    """A started process (the leader of its own process group) and where its output goes."""

    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the whole process group (servers and runners start children), then SIGKILL."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(5)


def start(args: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> Process:
    """Start a command in a new session (its own process group), output to ``log``."""
    with open(log, "wb") as out:
        popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
    return Process(popen, log)


@dataclass
class PrefectServer:
    """A running ``prefect server start`` and the environment that points clients at it."""

    url: str  # the API URL, http://127.0.0.1:PORT/api
    env: dict[str, str]
    home: Path
    process: Process
    started: list[Process] = field(default_factory=list)  # further processes tests started against it

    def get(self, path: str, **params: Any) -> Any:
        resp = httpx.get(f"{self.url}{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def post(self, path: str, body: dict[str, Any] | None = None, tries: int = 5) -> Any:
        """POST to the API; a 5xx (the server's SQLite database busy under load) is tried again a few times."""
        for attempt in range(tries):
            resp = httpx.post(f"{self.url}{path}", json=body or {}, timeout=30)
            if resp.status_code < 500 or attempt == tries - 1:
                break
            time.sleep(1)
        resp.raise_for_status()
        return resp.json()

    def flow_runs(self, deployment_id: str | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sort": "EXPECTED_START_TIME_ASC", "limit": 200}
        if deployment_id:
            body["deployments"] = {"id": {"any_": [deployment_id]}}
        return list(self.post("/flow_runs/filter", body))

    def logs(self, flow_run_id: str) -> list[dict[str, Any]]:
        """Every log line of a flow run (its tasks' included), oldest first."""
        out: list[dict[str, Any]] = []
        while True:
            page = self.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}},
                                              "sort": "TIMESTAMP_ASC", "limit": 200, "offset": len(out)})
            out += page
            if len(page) < 200:
                return out

    def deployment(self, flow: str, name: str) -> dict[str, Any]:
        return dict(self.get(f"/deployments/name/{flow}/{name}"))

    def spawn(self, args: list[str], log: Path, cwd: Path | None = None, **env: str) -> Process:
        """Start a client process (serve, a worker, a Dask worker) against this server; stopped with it."""
        proc = start(args, {**self.env, **env}, log, cwd)
        self.started.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.started:
            proc.stop()
        self.process.stop()


def server_env(home: Path, port: int) -> dict[str, str]:
    """The environment of the server and of every client of it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        # Prefect's own settings for a quick scheduler: new deployments are seen within a second or two, due
        # runs are created at once (the defaults are tuned for long-lived production servers).
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def start_prefect_server(home: Path, timeout: float = 90) -> PrefectServer:
    """``prefect server start`` on a free loopback port; returns once its API answers."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = server_env(home, port)
    proc = start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
                 env, home / "server.log")
    server = PrefectServer(url=env["PREFECT_API_URL"], env=env, home=home, process=proc)

    def healthy() -> bool:
        if proc.popen.poll() is not None:
            raise AssertionError(f"prefect server exited:\n{proc.output()[-3000:]}")
        return httpx.get(f"{server.url}/health", timeout=2).status_code == 200

    try:
        wait_for(healthy, timeout, "the Prefect server to answer")
    except BaseException:
        proc.stop()
        raise
    return server
