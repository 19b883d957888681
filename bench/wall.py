"""Wall times a user sees: ``make harvest`` from a fresh clone with nothing installed, and ``clusterharvest
harvest --offline`` (a publishing run, then an unchanged re-run) on Prefect's temporary server and against a
running ``prefect server``. ``make bench-wall`` (or ``.venv/bin/python -m bench.wall``); prints Markdown.

The fresh clone uses an empty uv cache, so every package is downloaded: the set-up time of a new machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .paths import ROOT

sys.path.insert(0, str(ROOT))
from tests.prefect_server import BIN, start_prefect_server  # noqa: E402

GOALS = {"setup": 60.0, "server_publish": 4.0, "server_unchanged": 3.0}


def timed(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Seconds one command takes, start to exit; it must succeed."""
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def setup_time(workdir: Path) -> float:
    """``make harvest`` in a fresh clone of this repository, no venv, an empty uv cache."""
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "VIRTUAL_ENV", "UV_"))}
    env.update({"UV_CACHE_DIR": str(workdir / "uv-cache"), "PREFECT_HOME": str(workdir / "prefect-home")})
    return timed(["make", "harvest"], env, cwd=clone)


def harvest_times(env: dict[str, str], workdir: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of a publishing harvest into an empty dataset root, and of the unchanged re-run."""
    publish, unchanged = [], []
    for n in range(repeats):
        out = workdir / f"out-{n}"
        command = [str(BIN / "clusterharvest"), "harvest", "--offline", "--quiet", "--out", str(out)]
        publish.append(timed(command, env))
        unchanged.append(timed(command, env))
    return statistics.median(publish), statistics.median(unchanged)


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "not met"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wall")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-setup", action="store_true", help="skip the fresh-clone set-up measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = []
        if not args.no_setup:
            setup = setup_time(work)
            rows.append(("`make harvest` in a fresh clone (empty uv cache: install + first harvest)",
                         setup, GOALS["setup"]))
        plain = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        temporary = {**plain, "PREFECT_HOME": str(work / "temporary-home")}
        t_pub, t_same = harvest_times(temporary, work / "temporary", args.repeats)
        server = start_prefect_server(work / "server-home")
        try:
            # A running server has finished starting its services: one harvest first, not timed.
            harvest_times(server.env, work / "warm-up", 1)
            time.sleep(10)
            s_pub, s_same = harvest_times(server.env, work / "server", args.repeats)
        finally:
            server.stop()
    rows += [("publishing harvest, temporary server", t_pub, None),
             ("unchanged re-run, temporary server", t_same, None),
             ("publishing harvest, running `prefect server`", s_pub, GOALS["server_publish"]),
             ("unchanged re-run, running `prefect server`", s_same, GOALS["server_unchanged"])]
    print(f"Median of {args.repeats} runs each; {os.cpu_count()} cores, Python {sys.version.split()[0]}.\n")
    print("| measure | wall time | goal | verdict |\n|---|---|---|---|")
    for what, seconds, goal in rows:
        print(f"| {what} | {seconds:.2f} s | {f'< {goal:g} s' if goal else ''} | "
              f"{verdict(seconds, goal) if goal else ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
