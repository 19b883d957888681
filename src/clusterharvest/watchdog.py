"""Stops what a killed harvest leaves running.

A harvest without a Prefect server starts Prefect's temporary API server as a child process; Prefect stops
it when the harvest ends, but a harvest that is killed (SIGKILL, the OOM killer) cannot, and the server
would live on. So the command starts this watchdog beside itself (``python -m clusterharvest.watchdog PID``),
in a session of its own: it keeps a list of the harvest's descendants while the harvest lives, and once the
harvest is gone it terminates those still running. Linux (``/proc``) only; elsewhere it does nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

POLL = 0.2  # seconds between looks
GRACE = 5.0  # seconds between SIGTERM and SIGKILL


def children() -> dict[int, int]:
    """Every process's parent, by pid."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    return parents


def descendants(pid: int) -> set[int]:
    """The processes below ``pid``."""
    parents = children()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]


def stop(pids: set[int]) -> None:
    """SIGTERM, then SIGKILL after ``GRACE`` seconds, whatever of ``pids`` still runs."""
    for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, 0.0)):
        for pid in list(pids):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pids.discard(pid)
        deadline = time.monotonic() + wait
        while pids and time.monotonic() < deadline:
            pids = {p for p in pids if Path(f"/proc/{p}").exists()}
            time.sleep(0.1)


def watch(pid: int) -> None:
    """Follow ``pid``'s descendants until it is gone, then stop those left."""
    seen: set[int] = set()
    while alive(pid):
        seen |= descendants(pid) - {os.getpid()}
        time.sleep(POLL)
    left = {p for p in seen if Path(f"/proc/{p}").exists()}
    if left:
        stop(left)


def start(pid: int | None = None) -> None:
    """Start the watchdog for this process (or ``pid``) in the background; nothing happens without /proc."""
    import subprocess

    if not Path("/proc/self/stat").exists():
        return
    subprocess.Popen([sys.executable, "-m", "clusterharvest.watchdog", str(pid or os.getpid())],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)


if __name__ == "__main__":
    watch(int(sys.argv[1]))
