"""Wall times a user sees, measured side by side in one run: ``clusterharvest harvest --offline --quiet`` (a
publishing run into an empty dataset root, then an unchanged re-run) with no Prefect server configured and
against a running ``prefect server``, beside the library's own pipeline (``run_harvest``, no Prefect) in a fresh
process, and beside the same command of an earlier commit (``--before REV``); and ``make harvest`` from a fresh
clone with nothing installed. ``make bench-wall`` (or ``.venv/bin/python -m bench.wall``); prints Markdown.

Each repetition runs every variant once, one after another, so a machine that gets busier or quieter (timings
here drift by 20-30% between hours) moves them alike; the table gives the median and the range. With no server
configured the current code starts its local server on the first run (a new ``PREFECT_HOME`` each repetition,
so that start is measured too) and reuses it; the earlier code starts Prefect's temporary server for every run.
The fresh clone uses an empty uv cache, so every package is downloaded: the set-up time of a new machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from .paths import ROOT

sys.path.insert(0, str(ROOT))
from tests.prefect_server import BIN, start_prefect_server  # noqa: E402

PY = str(BIN / "python")
# Targets of issue 23 (seconds)
GOALS = {"setup": 60.0, "local re-run": 5.0, "server unchanged": 2.5, "server publishing": 3.5}
LIBRARY = ("from pathlib import Path; import sys; from clusterharvest.pipeline import open_context, run_harvest; "
           "run_harvest(open_context(Path(sys.argv[1]) / 'sources.toml', sys.argv[2], Path(sys.argv[1]) / 'raw', "
           "offline=True))")


def timed(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Seconds one command takes, start to exit; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return took


def plain_env(**extra: str) -> dict[str, str]:
    """The environment without any Prefect setting (no server configured), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "CLUSTERHARVEST_SERVER_IDLE"}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra})
    return env


class Code:
    """A version of the project to run: this checkout, or an earlier commit extracted into a folder of its own
    (``git archive``; its bytecode compiled as ``make install`` does) and run with the same virtual environment."""

    def __init__(self, rev: str | None, work: Path) -> None:
        self.rev = rev
        self.path = {}
        if rev is None:
            return
        tree = work / f"code-{rev}"
        tree.mkdir()
        archive = subprocess.run(["git", "archive", rev, "src", "flows"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        (tree / "pkgs").mkdir()
        (tree / "pkgs" / "clusterharvest_flows").symlink_to(tree / "flows")
        subprocess.run([PY, "-m", "compileall", "-q", str(tree / "src"), str(tree / "flows")], check=True)
        # PYTHONPATH comes before the editable install's finder: this tree's packages are the ones imported.
        self.path = {"PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree / 'pkgs'}"}

    def harvest(self, out: Path) -> list[str]:
        return [PY, "-m", "clusterharvest.cli", "harvest", "--offline", "--quiet", "--sources",
                str(ROOT / "sources.toml"), "--raw", str(ROOT / "raw"), "--out", str(out)]

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, **self.path}


def setup_time(workdir: Path) -> float:
    """``make harvest`` in a fresh clone of this repository, no venv, an empty uv cache (then the local server it
    started is stopped)."""
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "VIRTUAL_ENV", "UV_"))}
    env.update({"UV_CACHE_DIR": str(workdir / "uv-cache"), "PREFECT_HOME": str(workdir / "clone-home")})
    try:
        return timed(["make", "harvest"], env, cwd=clone)
    finally:
        subprocess.run([str(clone / ".venv" / "bin" / "clusterharvest"), "server", "stop"], cwd=clone, env=env,
                       capture_output=True)


def measure(work: Path, repeats: int, before: str | None) -> dict[str, list[float]]:
    """Seconds of every variant, ``repeats`` times each, interleaved."""
    now, old = Code(None, work), Code(before, work) if before else None
    times: dict[str, list[float]] = defaultdict(list)
    server = start_prefect_server(work / "server-home")
    try:
        warm = work / "warm"
        for code in filter(None, (now, old)):  # a running server has its services up: one run first, not timed
            timed(code.harvest(warm), code.env(server.env))
            shutil.rmtree(warm)
        time.sleep(5)
        for n in range(repeats):
            out = work / f"out-{n}"
            lib = out / "library"
            times["library, publishing"].append(timed([PY, "-c", LIBRARY, str(ROOT), str(lib)], plain_env()))
            times["library, unchanged"].append(timed([PY, "-c", LIBRARY, str(ROOT), str(lib)], plain_env()))
            for label, code in (("after", now), ("before", old)):
                if code is None:
                    continue
                target = out / f"{label}-server"
                env = code.env(server.env)
                times[f"{label}: server, publishing"].append(timed(code.harvest(target), env))
                times[f"{label}: server, unchanged"].append(timed(code.harvest(target), env))
                home = work / f"home-{label}-{n}"
                env = code.env(plain_env(PREFECT_HOME=str(home)))
                target = out / f"{label}-none"
                try:
                    times[f"{label}: none, first"].append(timed(code.harvest(target), env))
                    times[f"{label}: none, unchanged"].append(timed(code.harvest(target), env))
                    times[f"{label}: none, publishing"].append(timed(code.harvest(out / f"{label}-none-2"), env))
                finally:  # the local server a run started, stopped even when a run failed
                    if code is now:
                        subprocess.run([PY, "-m", "clusterharvest.cli", "server", "stop"], env=env,
                                       capture_output=True, timeout=60)
    finally:
        server.stop()
    return times


ROWS = [  # (label, key, the library's figure it compares with, goal)
    ("no server configured: first run (publishing)", "none, first", "library, publishing", None),
    ("no server configured: unchanged re-run", "none, unchanged", "library, unchanged", "local re-run"),
    ("no server configured: publishing re-run", "none, publishing", "library, publishing", None),
    ("running `prefect server`: unchanged re-run", "server, unchanged", "library, unchanged", "server unchanged"),
    ("running `prefect server`: publishing run", "server, publishing", "library, publishing", "server publishing"),
]


def cell(values: list[float]) -> str:
    if not values:
        return ""
    middle = statistics.median(values)
    return f"{middle:.2f} s ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else f"{middle:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wall")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", default=None, metavar="REV", help="an earlier commit to measure alongside")
    parser.add_argument("--no-setup", action="store_true", help="skip the fresh-clone set-up measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        setup = None if args.no_setup else setup_time(work)
        times = measure(work, args.repeats, args.before)
    load = os.getloadavg()[0]
    print(f"Median (range) of {args.repeats} runs each, interleaved; {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, load average {load:.1f} at the end.\n")
    head = "| measure |" + (f" before ({args.before}) |" if args.before else "") + \
        " after | library's pipeline | after / library | goal |"
    print(head + "\n|" + "---|" * (head.count("|") - 1))
    for label, key, library, goal in ROWS:
        after, lib = times[f"after: {key}"], times[library]
        ratio = statistics.median(after) / statistics.median(lib)
        target = GOALS.get(goal or "")
        met = target is not None and statistics.median(after) < target
        verdict = "" if target is None else f"< {target:g} s: {'met' if met else 'not met'}"
        before = f" {cell(times[f'before: {key}'])} |" if args.before else ""
        print(f"| {label} |{before} {cell(after)} | {cell(lib)} | {ratio:.1f}x | {verdict} |")
    if setup is not None:
        print(f"| `make harvest` in a fresh clone (empty uv cache: install + first harvest) |"
              f"{' |' if args.before else ''} {setup:.1f} s | | | < {GOALS['setup']:g} s: "
              f"{'met' if setup < GOALS['setup'] else 'not met'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
