"""The benchmark: ``make bench`` (or ``.venv/bin/python -m bench``). Prints a Markdown report.

Measures, side by side: extract's marginal cost per entry between SMALL and LARGE entries against the
bare lxml floor; linearity; peak memory at LARGE; a full offline harvest with Prefect against the same
work without it; an unchanged re-run against a local server with ETags (parse work, body bytes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .paths import ROOT

TARGETS = {"marginal_ms": 0.5, "floor_ratio": 20.0, "linearity": 0.10, "peak_mb": 300.0}


def measure(kind: str, n: int, repeats: int) -> dict[str, float]:
    """Median seconds of ``repeats`` fresh-process runs (and the largest peak memory)."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-m", "bench.measure", kind, str(n)], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out))
    return {"seconds": statistics.median(r["seconds"] for r in runs), "entries": runs[0]["entries"],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def harvest_costs() -> dict[str, float]:
    """A full offline harvest through the Prefect flow, and the same pipeline without Prefect."""
    code = """
import json, os, sys, tempfile, time
from pathlib import Path
root = Path(sys.argv[1])
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp())
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
from clusterharvest.pipeline import open_context, run_harvest
t = time.perf_counter()
run_harvest(open_context(root / "sources.toml", tempfile.mkdtemp(), root / "raw", offline=True))
library = time.perf_counter() - t
t = time.perf_counter()
from clusterharvest_flows.harvest import harvest
imported = time.perf_counter() - t
t = time.perf_counter()
harvest(sources=str(root / "sources.toml"), out_dir=tempfile.mkdtemp(), raw_dir=str(root / "raw"), offline=True)
flow = time.perf_counter() - t
print(json.dumps({"library": library, "prefect_import": imported, "flow": flow}))
"""
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def rerun_costs() -> dict[str, dict[str, int]]:
    """Two harvests of a directory served with an ETag; what the second one parsed and downloaded."""
    sys.path.insert(0, str(ROOT))
    from clusterharvest import pipeline
    from clusterharvest.pipeline import open_context, run_harvest
    from clusterharvest.store import RawStore
    from tests.httpserver import start_server

    body = RawStore(ROOT / "raw").latest("interspin-directory-en").read()  # type: ignore[union-attr]
    sent = {"bytes": 0}

    def page(seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        sent["bytes"] += len(body)
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}, body

    srv = start_server({"/dir": page})
    parsed = {"count": 0}
    real = pipeline.parse_snapshot

    def counting(*args, **kwargs):
        parsed["count"] += 1
        return real(*args, **kwargs)

    pipeline.parse_snapshot = counting
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sources = Path(tmp) / "sources.toml"
            sources.write_text(f'[fetch]\nmin_interval = 0\n\n[[source]]\nid = "dir"\nurl = "{srv.url("/dir")}"\n'
                               'kind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
            out = {}
            for run in ("first", "second"):
                parsed["count"], sent["bytes"] = 0, 0
                result = run_harvest(open_context(sources, Path(tmp) / "out", Path(tmp) / "raw"))
                out[run] = {"parsed": parsed["count"], "body_bytes": sent["bytes"], "published": result.changed}
    finally:
        pipeline.parse_snapshot = real
        srv.stop()
    return out


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started = time.time()
    ex_s, ex_l = measure("extract", args.small, args.repeats), measure("extract", args.large, args.repeats)
    fl_s, fl_l = measure("floor", args.small, args.repeats), measure("floor", args.large, args.repeats)
    span = ex_l["entries"] - ex_s["entries"]
    marginal = (ex_l["seconds"] - ex_s["seconds"]) / span * 1000
    floor = (fl_l["seconds"] - fl_s["seconds"]) / span * 1000
    ratio = marginal / floor if floor > 0 else float("inf")
    per_s, per_l = ex_s["seconds"] / ex_s["entries"] * 1000, ex_l["seconds"] / ex_l["entries"] * 1000
    linearity = per_l / per_s - 1
    harvest = harvest_costs()
    rerun = rerun_costs()
    lines = [
        "# clusterharvest benchmark", "",
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; command: `make bench` "
        f"(`python -m bench --small {args.small} --large {args.large} --repeats {args.repeats}`); "
        f"median of {args.repeats} fresh-process runs each; took {time.time() - started:.0f} s.", "",
        "| measure | value | target | verdict |", "|---|---|---|---|",
        f"| extract, marginal cost per entry ({ex_s['entries']} → {ex_l['entries']} entries) | {marginal:.3f} ms "
        f"| ≤ {TARGETS['marginal_ms']} ms | {verdict(marginal <= TARGETS['marginal_ms'])} |",
        f"| bare lxml parse + text, marginal per entry (the floor) | {floor:.4f} ms | | |",
        f"| extract / floor | {ratio:.1f}× | ≤ {TARGETS['floor_ratio']:.0f}× | "
        f"{verdict(ratio <= TARGETS['floor_ratio'])} |",
        f"| per entry at {ex_s['entries']} / at {ex_l['entries']} | {per_s:.3f} / {per_l:.3f} ms ({linearity:+.1%}) "
        f"| within ±10% | {verdict(abs(linearity) <= TARGETS['linearity'])} |",
        f"| peak memory, extract of {ex_l['entries']} entries (whole process) | {ex_l['peak_rss_mb']:.0f} MB "
        f"| < {TARGETS['peak_mb']:.0f} MB | {verdict(ex_l['peak_rss_mb'] < TARGETS['peak_mb'])} |",
        f"| full offline harvest without Prefect (the pipeline's own work) | {harvest['library']:.2f} s | | |",
        f"| the same through the Prefect flow (ephemeral server start-up, orchestration) | {harvest['flow']:.2f} s "
        f"(+ {harvest['prefect_import']:.2f} s importing Prefect) | | |",
        f"| unchanged re-run against a local server with ETag: snapshots parsed, body bytes downloaded | "
        f"{rerun['second']['parsed']}, {rerun['second']['body_bytes']} (first run: {rerun['first']['parsed']}, "
        f"{rerun['first']['body_bytes']}) | 0, 0 | "
        f"{verdict(rerun['second']['parsed'] == 0 and rerun['second']['body_bytes'] == 0)} |",
        "",
    ]
    sys.stdout.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
