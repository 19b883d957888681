"""Command line: a thin shell over the library (and, for ``harvest``, the Prefect flow).

Exit codes: 0 success, 1 a harvest or extraction failure (one line on stderr naming the
source and the reason), 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .config import KINDS, LANGS
from .errors import HarvestError

PROG = "clusterharvest"


def fail(message: str, code: int = 1) -> int:
    """Print one error line to stderr and return the exit code."""
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def cmd_harvest(args: argparse.Namespace) -> int:
    """Run the Prefect flow."""
    if not args.verbose:
        # Prefect's own console logging would bury the one line that says what failed.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # The ephemeral server's telemetry heartbeat races the run for its SQLite file ("database is
    # locked" tracebacks) and would phone home from an unattended harvester: off.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.harvest import harvest  # Prefect is imported only for this command

    try:
        result = harvest(sources=str(args.sources), out_dir=str(args.out), raw_dir=str(args.raw),
                         offline=args.offline)
    except HarvestError as exc:
        return fail(str(exc))
    if result["changed"]:
        print(f"published {result['version']}: {result['clusters']} clusters in {result['path']}")
    else:
        print(f"no changes since {result['version']}")
    return 0


def read_input(path: Path) -> bytes:
    """A local file's bytes, or a HarvestError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise HarvestError(f"cannot read {path}: {exc.strerror or exc}") from None


def cmd_extract(args: argparse.Namespace) -> int:
    """Parse one local file with the library only and print what its kind's parser finds as JSON."""
    from dataclasses import asdict

    from .clusters import build_clusters
    from .fetch import guess_content_type
    from .parse.announcement import parse_announcement
    from .parse.cluster_directory import parse_directory
    from .parse.flyer import parse_flyer
    from .parse.programme_page import parse_programme_page

    out: Any
    try:
        data = read_input(args.path)
        ctype = guess_content_type(args.path, data)
        if args.kind == "cluster-directory":
            records = build_clusters(parse_directory(data, str(args.path), ctype), source_id=args.path.stem)
            out = [r.model_dump(mode="json") for r in sorted(records, key=lambda r: r.id)]
        elif args.kind == "announcement":
            found = parse_announcement(data, ctype, args.round)
            out = {"round": found.round, "selected": [asdict(a) for a in found.selected],
                   "facts": [asdict(f) for f in found.facts], "issues": found.issues}
        else:
            facts = (parse_flyer(data) if args.kind == "flyer" else parse_programme_page(data, ctype))[0]
            out = {"facts": [asdict(f) for f in facts]}
    except HarvestError as exc:
        return fail(f"{args.path}: {exc}")
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog=PROG, description="Harvest the BMBF cluster internationalisation "
                                     "programme into versioned JSON datasets.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("harvest", help="fetch, parse and publish a new version (runs the Prefect flow)")
    p.add_argument("--offline", action="store_true",
                   help="no network: replay the newest stored snapshot of http(s) sources")
    p.add_argument("--sources", type=Path, default=Path("sources.toml"), metavar="FILE",
                   help="source registry (default: sources.toml)")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR",
                   help="dataset root (default: normalized)")
    p.add_argument("--raw", type=Path, default=Path("raw"), metavar="DIR", help="raw store (default: raw)")
    p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    p.set_defaults(func=cmd_harvest)

    p = sub.add_parser("extract", help="parse one local file and print its records or facts as JSON (no Prefect)")
    p.add_argument("path", type=Path, metavar="PATH", help="an HTML, PDF or plain-text file")
    p.add_argument("--kind", required=True, choices=KINDS, help="what the file is")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the page (default: detected)")
    p.add_argument("--round", type=int, default=None, metavar="N",
                   help="announcement: the round it announces, where its text does not say")
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``clusterharvest`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
