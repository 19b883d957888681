"""Command line: a thin shell over the library (and, for ``harvest``, the Prefect flow).

Exit codes: 0 success, 1 a harvest or extraction failure (one line on stderr naming the
source and the reason), 2 a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import __version__
from .controls import escape_controls, escape_controls_utf8
from .errors import HarvestError, summary

PROG = "clusterharvest"
SHUTDOWN_SECONDS = 5.0  # what Prefect's log and event workers get to send what they hold when a harvest ends
MAX_LINE = 300  # characters of an error line; a longer message is cut there and written whole to a file


def error_line(message: str, log_file: Path | None = None) -> str:
    """The one error line for a message: runs of whitespace (line breaks too) as one space, other control
    characters escaped (``controls.escape_controls``: '\\u001b'), and at most ``MAX_LINE`` characters. A longer
    message is cut, and written whole to ``log_file`` (the run's log) or else to a new temporary file, which the
    line names."""
    text = escape_controls(" ".join(message.split()))
    line = f"{PROG}: error: {text}"
    if len(line) <= MAX_LINE:
        return line
    if log_file is None:
        fd, name = tempfile.mkstemp(prefix=f"{PROG}-error-", suffix=".log")
        os.close(fd)
        log_file = Path(name)
    with log_file.open("a", encoding="utf-8", errors="replace") as log:
        log.write(f"\n{PROG}: error: {message}\n")  # on a line of its own, whatever Prefect wrote last
    tail = f"... (cut; the whole message is in {log_file})"
    return line[:max(MAX_LINE - len(tail), len(PROG) + 9)] + tail


def fail(message: str, code: int = 1) -> int:
    """Print one error line (``error_line``) to stderr and return the exit code."""
    print(error_line(message), file=sys.stderr)
    return code


def say(line: str, file: TextIO | None = None) -> None:
    """Print one line of a command's output (stdout unless ``file``), its control characters escaped
    (``controls.escape_controls``): a value from a page never reaches the terminal as a control sequence."""
    print(escape_controls(line), file=file or sys.stdout)


class EscapingFormatter(logging.Formatter):
    """A log line with its control characters escaped, like every line a command prints."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


def prefect_environment() -> None:
    """Settings for running Prefect from the command line (before Prefect is imported)."""
    # A local server's telemetry heartbeat races the runs for its SQLite file ("database is locked"
    # tracebacks) and would phone home from an unattended harvester: off.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def local_server(quiet: bool) -> None:
    """With no Prefect server configured (no ``PREFECT_API_URL`` in the environment, the active profile or a
    settings file), make this process's runs use the local server (``clusterharvest_flows.server``): the one
    running, else one started now, which later runs reuse and which stops itself once idle. Says which on
    stderr unless ``quiet``; a ``ServerError`` when it cannot start."""
    from clusterharvest_flows.server import api_url, duration, ensure, use

    if api_url():
        return
    found = ensure()
    server, started = found.server, found.started
    use(server)
    if quiet:
        return
    idle = duration(server.idle)
    if found.replaced:
        say(f"{PROG}: note: {found.replaced}", file=sys.stderr)
    if started:
        say(f"{PROG}: no Prefect server configured: started a local one for this and later runs at {server.url} "
            f"(pid {server.pid}); it stops itself after {idle} without a run (`{PROG} server stop` stops it now)",
            file=sys.stderr)
    else:
        say(f"{PROG}: using the local Prefect server at {server.url} (it stops itself after {idle} without a run)",
            file=sys.stderr)


def divert_stderr(verbose: bool) -> tuple[TextIO, Path | None]:
    """From here to the end of the process, everything written to stderr (Prefect's console logs, warnings)
    goes to a log file, whatever the user's Prefect logging settings, so the command's own lines (progress, the
    one error line) stand alone; ``-v`` shows it all instead. Returns the stream for the command's own lines and
    the log file (None with ``-v``)."""
    if verbose:
        return sys.stderr, None
    made, name = tempfile.mkstemp(prefix="clusterharvest-run-", suffix=".log")
    fd = os.open(name, os.O_WRONLY | os.O_APPEND)  # every write at the end: the command appends its own lines too
    os.close(made)
    sys.stderr.flush()
    own = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    os.dup2(fd, 2)
    os.close(fd)
    return own, Path(name)


def progress_handler(stream: TextIO) -> logging.Handler:
    """Shows the library's one line per step (logger ``clusterharvest.steps``) as the command's progress."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter(f"{PROG}: %(message)s"))
    return handler


class Terminated(Exception):
    """SIGTERM reached the command."""


def raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


class ServerGone(Exception):
    """The Prefect server a run reports to stopped answering during the run (``why``: 'connection refused',
    'no answer for 30 s', ...): it ended, or it hangs."""

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"the Prefect server at {url} stopped answering during the run ({why})")
        self.url, self.why = url, why


def run_in_thread(call: Callable[[], Any], watch: Callable[[], str | None] | None = None,
                  url: str = "") -> Any:
    """``call()`` run on a thread of its own while the main thread waits, which SIGTERM (``Terminated``) and
    Ctrl-C (``KeyboardInterrupt``) interrupt at once. Off the main thread Prefect installs no SIGTERM handler of
    its own, which would wait for the run's tasks (a fetch stalled for minutes) before letting the process end.
    ``watch`` (``ApiWatch``) is asked while it waits: when it says the Prefect server at ``url`` is gone,
    ``ServerGone`` is raised at once, where Prefect's client would retry the gone server for minutes."""
    done: dict[str, Any] = {}

    def target() -> None:
        try:
            done["result"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread as it is
            done["error"] = exc

    thread = threading.Thread(target=target, name=f"{PROG}-run", daemon=True)
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        thread.start()
        while thread.is_alive():
            thread.join(0.5)
            gone = watch() if watch is not None and thread.is_alive() else None
            if gone is not None:
                raise ServerGone(url, gone)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if "error" in done:
        raise done["error"]
    return done["result"]


def run_flow(args: argparse.Namespace, call: Callable[[], Any]) -> tuple[Any, int | None, TextIO]:
    """Run a Prefect call (on its own thread: ``run_in_thread``, watching its Prefect server) with stderr
    diverted and step progress shown: (result, None, stream for the command's own lines), or (None, exit code,
    stream) after printing the one error line there."""
    from clusterharvest_flows.server import ApiWatch, api_url, probe

    from .publish import HALT, read_latest

    own, log_file = divert_stderr(args.verbose)
    steps = logging.getLogger("clusterharvest.steps")
    if not (args.quiet or args.verbose):
        steps.addHandler(progress_handler(own))
        steps.setLevel(logging.INFO)
    def latest() -> str | None:
        with contextlib.suppress(OSError):
            return read_latest(args.out)
        return None

    def server_lost(exc: ServerGone) -> tuple[None, int, TextIO]:
        """The run ends here: its thread, which may go on without the server, publishes nothing more."""
        HALT.set(str(exc))
        after = latest()
        done = f"; version {after} was published before the run was stopped" if after and after != before else \
            "; nothing was published"
        print(error_line(f"{exc}{done}; the run's end is not recorded there"), file=own)
        return None, 1, own

    url = api_url() or ""
    before = latest()
    HALT.clear()
    try:
        return run_in_thread(call, ApiWatch(url) if url else None, url), None, own
    except ServerGone as exc:
        return server_lost(exc)
    except HarvestError as exc:
        message = str(exc)
        failures = getattr(exc, "failures", None)  # several sources (SourceErrors): each in full in the log
        if failures and log_file is not None:
            with log_file.open("a", encoding="utf-8", errors="replace") as log:
                # one write, on lines of their own: the run's log is stderr too, where Prefect may have left a
                # line unfinished
                log.write("\n" + "".join(f"{PROG}: error: {failure}\n" for failure in failures))
            tail = f" (in full: {log_file})"
            message = summary(failures, MAX_LINE - len(f"{PROG}: error: ") - len(tail)) + tail  # fits the line
        line = error_line(message, log_file)
        print(line, file=own)
        if log_file is not None and str(log_file) in line:
            log_file = None  # it holds the whole message: kept for the user
        return None, 1, own
    except KeyboardInterrupt:
        HALT.set("interrupted")
        print(f"{PROG}: error: interrupted; nothing more will be published", file=own)
        return None, 130, own
    except Terminated:
        HALT.set("terminated (SIGTERM)")
        print(f"{PROG}: error: terminated (SIGTERM); nothing more will be published", file=own)
        return None, 128 + signal.SIGTERM, own
    except Exception as exc:  # noqa: BLE001 - a bug or a Prefect failure: one line, the details kept
        why = probe(url) if url else None
        if why is not None:  # Prefect could not reach its server (at the run's start, say): that is the reason
            return server_lost(ServerGone(url, why))
        kept = f"; the full log is in {log_file}" if log_file else ""
        print(error_line(f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:200]}{kept}"), file=own)
        log_file = None  # kept for the user
        return None, 1, own
    finally:
        if log_file is not None:
            log_file.unlink(missing_ok=True)  # what Prefect writes at exit goes to the unlinked file


def cmd_harvest(args: argparse.Namespace) -> int:
    """Run the Prefect flow (the registry is checked first, before Prefect starts)."""
    from .config import load_registry

    runner = args.runner or ("dask" if args.dask_address else "threads")
    if runner == "threads" and args.dask_address:
        return fail("--dask-address needs --runner dask (or leave --runner out)", 2)
    try:
        load_registry(args.sources)
    except HarvestError as exc:
        return fail(str(exc))
    prefect_environment()
    from clusterharvest_flows.server import ServerError

    try:
        local_server(args.quiet)
    except ServerError as exc:
        return fail(f"no Prefect server configured: {exc}")
    from clusterharvest_flows.harvest import run  # Prefect is imported only for the commands that run flows

    result, code, own = run_flow(args, lambda: run(
        runner=runner, dask_address=args.dask_address, verbose=args.verbose, sources=str(args.sources),
        out_dir=str(args.out),
        raw_dir=str(args.raw), offline=args.offline, allow_shrink=args.allow_shrink))
    if code is not None:
        leave(code, own)
    for snap in result.archived:
        origin = snap.provenance
        say(f"{PROG}: note: source {snap.source_id} is gone live ({origin.live_error}); harvested from its "
            f"archived capture of {origin.as_of} ({origin.capture_url})", file=own)
    if result.changed:
        say(f"published {result.version}: {result.clusters} clusters in {result.path}")
    else:
        say(f"no changes since {result.version}")
    leave(0, own)


def leave(code: int, own: TextIO) -> NoReturn:
    """End a command that ran a flow within seconds of its last line, whatever became of Prefect's server:
    Prefect's workers get ``SHUTDOWN_SECONDS`` to send the run's logs and events (``shutdown``); then the process
    exits at once, without the interpreter's exit handlers, where those workers would wait without a limit (a
    run whose server had gone lived on for 11 minutes)."""
    from clusterharvest_flows.harvest import shutdown

    with contextlib.suppress(Exception):  # the command's outcome is printed already: nothing more to say
        shutdown(SHUTDOWN_SECONDS)
    for stream in (sys.stdout, own, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def cmd_backfill(args: argparse.Namespace) -> int:
    """Rebuild the directory's history from archived captures (library only, no Prefect)."""
    from .pipeline import backfill, open_context

    try:
        ctx = open_context(args.sources, args.out, args.raw)
        steps = backfill(ctx, args.source, args.year_from, args.year_to)
    except HarvestError as exc:
        return fail(str(exc))
    for step in [] if args.quiet else steps:
        if step.result is None:
            say(f"{step.as_of}  capture {step.capture}: already backfilled, skipped")
        elif step.result.changed:
            say(f"{step.as_of}  capture {step.capture}: published {step.result.version}")
        else:
            say(f"{step.as_of}  capture {step.capture}: no change")
    return 0


START_SERVER = ("start one with `make server` and `export PREFECT_PROFILE=clusterharvest` (or point "
                "PREFECT_API_URL at yours)")


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the scheduled deployment until interrupted; refuses to start without a Prefect server, where the
    schedule lives (a temporary server would forget it when this process ends)."""
    from .config import load_registry

    try:
        load_registry(args.sources)
    except HarvestError as exc:
        return fail(str(exc))
    prefect_environment()
    from clusterharvest_flows.serve import SERVE_DEPLOYMENT, prefect_api, serve, validate_cron

    try:
        validate_cron(args.cron)
    except ValueError as exc:
        return fail(f"--cron: {exc}", 2)
    url, problem = prefect_api()
    if problem:
        return fail(f"serve needs a running Prefect server to hold its schedule: {problem}; {START_SERVER}")

    say(f"serving deployment clusterharvest/{SERVE_DEPLOYMENT} on schedule {args.cron!r} (one run at a time) "
        f"from the Prefect server at {url}; Ctrl-C or SIGTERM stops")
    sys.stdout.flush()
    decisions = logging.getLogger("clusterharvest.serve")  # the catch-up at start-up, and the stop
    decisions.addHandler(progress_handler(sys.stderr))
    decisions.setLevel(logging.INFO)
    decisions.propagate = False
    try:  # Prefect's own console output stays: an operator watching the service wants to see its runs
        serve(cron=args.cron, sources=str(args.sources), out_dir=str(args.out), raw_dir=str(args.raw),
              offline=args.offline, allow_shrink=args.allow_shrink)
    except HarvestError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    """Start, show or stop the local Prefect server that harvests use when no server is configured."""
    from clusterharvest_flows.server import ServerError, duration, ensure, idle_seconds, prefect_home, running, stop

    try:
        if args.action == "start":
            prefect_environment()
            found = ensure(idle_seconds(args.idle))
            server, started = found.server, found.started
            if found.replaced:
                say(f"note: {found.replaced}")
            say(f"{'started' if started else 'already running:'} the local Prefect server at {server.url} "
                f"(pid {server.pid}; it stops itself after {duration(server.idle)} without a run; log: {server.log})")
        elif args.action == "status":
            found = running()
            if found is None:
                say(f"no local Prefect server is running (PREFECT_HOME {prefect_home()})")
                return 3  # LSB: not running
            ui = f"; its UI at {found.ui}" if found.ui else ""
            say(f"the local Prefect server runs at {found.url} (pid {found.pid}, since {found.started}{ui}; it stops "
                f"itself after {duration(found.idle)} without a run; log: {found.log})")
        else:
            stopped = stop()
            say(f"stopped the local Prefect server at {stopped.url} (pid {stopped.pid})" if stopped else
                f"no local Prefect server is running (PREFECT_HOME {prefect_home()})")
    except ServerError as exc:
        return fail(str(exc))
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    """Create the failed-harvest alert (a Prefect automation that calls a webhook) on the configured server."""
    prefect_environment()
    from clusterharvest_flows.alerts import WEBHOOK_BLOCK, create_alert
    from clusterharvest_flows.serve import prefect_api

    url, problem = prefect_api()
    if problem:
        return fail(f"alerts needs a running Prefect server to hold the automation: {problem}; {START_SERVER}")
    name, automation_id = create_alert(args.webhook, args.automation)
    say(f"created automation {name} ({automation_id}) on the Prefect server at {url}: a harvest run that ends "
        f"Failed or Crashed calls the webhook of the Webhook block {WEBHOOK_BLOCK}")
    return 0


def print_json(value: Any) -> None:
    """JSON on stdout, indented with sorted keys (orjson: the same bytes as the json module, several times
    faster, which matters for ``extract`` of a large directory).

    An iterator is written as a JSON array one element at a time, so a large ``extract`` never holds every
    record as a dict, nor the whole document as bytes, at once (the same bytes as dumping the list). Control
    characters are written as JSON escapes (``controls.escape_controls``), so the value reads back the same.
    """
    import orjson

    option = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    buffer = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()

    def write(body: bytes) -> None:
        body = escape_controls_utf8(body)
        if buffer is None:  # a text stream (tests capturing output)
            sys.stdout.write(body.decode("utf-8"))
        else:
            buffer.write(body)

    if isinstance(value, Iterator):
        opened = False
        for item in value:
            # One element, indented one level deeper (JSON strings hold no raw newline, so this is exact).
            write((b",\n  " if opened else b"[\n  ") + orjson.dumps(item, option=option).replace(b"\n", b"\n  "))
            opened = True
        write(b"\n]\n" if opened else b"[]\n")
    else:
        write(orjson.dumps(value, option=option) + b"\n")
    if buffer is not None:
        buffer.flush()


def print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    """Rows on stdout as NDJSON (one JSON object a line) or CSV (lists and objects as JSON text), control
    characters escaped (``controls.escape_controls``)."""
    if fmt == "ndjson":
        import orjson

        sys.stdout.write(escape_controls("".join(orjson.dumps(row, option=orjson.OPT_SORT_KEYS).decode() + "\n"
                                                 for row in rows)))
        return
    import csv

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, int | float):
            return "" if value is None else value
        return escape_controls(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))

    writer = csv.writer(sys.stdout, lineterminator="\n")
    columns = list(rows[0]) if rows else []
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[c]) for c in columns])


def cmd_versions(args: argparse.Namespace) -> int:
    """List the published versions."""
    from .versions import summaries

    if not args.out.is_dir():
        return fail(f"no dataset root {args.out}")
    found = summaries(args.out)
    if args.format != "text":
        print_rows([s.row() for s in found], args.format)
        return 1 if any(s.problem for s in found) else 0
    if not found:
        say(f"no versions in {args.out}")
    for s in found:
        changed = "first version" if s.changes is None else ", ".join(
            f"{v} {k}" for k, v in s.changes.model_dump().items() if v) or "no record changes"
        say(f"{s.version}  {s.clusters} clusters  {changed}{'  (LATEST)' if s.latest else ''}")
    broken = [s.problem for s in found if s.problem]
    for problem in broken:
        print(error_line(problem), file=sys.stderr)
    return 1 if broken else 0


def cmd_diff(args: argparse.Namespace) -> int:
    """Show what changed between two versions."""
    from .diff import to_markdown
    from .versions import diff

    try:
        changes = diff(args.out, args.old, args.new)
    except HarvestError as exc:
        return fail(str(exc))
    if args.format == "json":
        print_json(changes.to_json())
    elif args.format == "markdown":
        sys.stdout.write(escape_controls(to_markdown(changes)))
    else:
        print_rows([row.model_dump(mode="json") for row in changes.rows()], args.format)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one cluster's record."""
    from .versions import show

    try:
        print_json(show(args.out, args.id, args.version).model_dump(mode="json"))
    except HarvestError as exc:
        return fail(str(exc))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print one cluster's changes across all versions."""
    from .versions import history

    try:
        events = history(args.out, args.id)
    except HarvestError as exc:
        return fail(str(exc))
    if args.format == "json":
        print_json([e.to_json() for e in events])
        return 0
    if args.format in ("ndjson", "csv"):
        print_rows([{"version": e.version, "created": e.created, "event": e.event,
                     **{k: getattr(c, k) if c else None for k in ("path", "old", "new", "added", "removed")}}
                    for e in events for c in ((*e.changes,) or (None,))], args.format)
        return 0
    for event in events:
        say(f"{event.version}  {event.event}")
        for change in event.changes:
            say(f"    {change.path}: {json.dumps(change.old, ensure_ascii=False)} -> "
                f"{json.dumps(change.new, ensure_ascii=False)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a version's files (or their public variant) as a folder, replacing an earlier export there."""
    from .export import export_version

    try:
        version, names = export_version(args.out, args.version, args.to, args.redact_personal)
    except (HarvestError, OSError) as exc:
        return fail(str(exc))
    kind = "public variant (personal data removed)" if args.redact_personal else "files"
    if not args.quiet:
        say(f"exported {kind} of {version} to {args.to}: {', '.join(names)}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Parse one local file with the library only and print what its kind's parser finds as JSON. The file is
    read as a file source is: a regular file only, under the default cap and deadline (a FIFO or ``/dev/zero``
    is one error line)."""
    from .config import FetchSettings
    from .fetch import guess_content_type
    from .files import read_regular_file
    from .kinds import kind_of

    kind = kind_of(args.kind)
    try:
        data = read_regular_file(args.path, FetchSettings.max_bytes, FetchSettings.deadline)
    except HarvestError as exc:
        return fail(str(exc))
    try:
        found = kind.read(data, guess_content_type(args.path, data), str(args.path), args.round)
        out = kind.extract(found, source_id=args.path.stem)
    except HarvestError as exc:
        return fail(f"{args.path}: {exc}")
    print_json(out)
    return 0


def add_dataset_options(p: argparse.ArgumentParser) -> None:
    """Options of the commands that run the harvest."""
    p.add_argument("--offline", action="store_true",
                   help="no network: replay the newest stored snapshot of http(s) sources")
    p.add_argument("--sources", type=Path, default=Path("sources.toml"), metavar="FILE",
                   help="source registry (default: sources.toml)")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR",
                   help="dataset root (default: normalized)")
    p.add_argument("--raw", type=Path, default=Path("raw"), metavar="DIR", help="raw store (default: raw)")
    p.add_argument("--allow-shrink", action="store_true",
                   help="publish even if a directory has fewer entries, or fewer values, than its gates allow")
    p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr (errors still)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    from .kinds import kind_names

    parser = argparse.ArgumentParser(prog=PROG, description="Harvest the BMBF cluster internationalisation "
                                     "programme into versioned JSON datasets.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("harvest", help="fetch, parse and publish a new version (runs the Prefect flow)")
    add_dataset_options(p)
    p.add_argument("--runner", choices=("threads", "dask"), default=None,
                   help="task runner: threads (default, 4 workers) or dask (a local cluster unless --dask-address)")
    p.add_argument("--dask-address", default=None, metavar="ADDR",
                   help="an existing Dask scheduler (tcp://host:8786); implies --runner dask")
    p.set_defaults(func=cmd_harvest)

    p = sub.add_parser("backfill", help="rebuild the directory's history from web archive captures")
    p.add_argument("--source", default=None, metavar="ID", help="directory source (default: the first one)")
    p.add_argument("--from", dest="year_from", type=int, default=None, metavar="YYYY", help="first year")
    p.add_argument("--to", dest="year_to", type=int, default=None, metavar="YYYY", help="last year")
    p.add_argument("--sources", type=Path, default=Path("sources.toml"), metavar="FILE",
                   help="source registry (default: sources.toml)")
    p.add_argument("--out", type=Path, default=Path("normalized-history"), metavar="DIR",
                   help="dataset root for the history (default: normalized-history)")
    p.add_argument("--raw", type=Path, default=Path("raw"), metavar="DIR", help="raw store (default: raw)")
    p.add_argument("-q", "--quiet", action="store_true", help="no line per capture (errors still)")
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser("serve", help="run the harvest on a cron schedule, one run at a time (Prefect)")
    p.add_argument("--cron", default="0 6 * * 1", metavar="CRON",
                   help="schedule (default: '0 6 * * 1', Mondays 06:00 UTC)")
    add_dataset_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("server", help="the local Prefect server harvests use when no server is configured")
    p.add_argument("action", choices=("start", "status", "stop"), help="start it (if not running), show it, stop it")
    p.add_argument("--idle", default=None, metavar="SECONDS",
                   help="start: stop itself after this many seconds without a run (default: "
                        "$CLUSTERHARVEST_SERVER_IDLE, else 900)")
    p.set_defaults(func=cmd_server)

    p = sub.add_parser("alerts", help="alert on failed harvests: a Prefect automation that calls a webhook")
    p.add_argument("--webhook", required=True, metavar="URL", help="the URL to POST to when a harvest run fails")
    p.add_argument("--automation", type=Path, default=Path("automations/failed-harvest.yaml"), metavar="FILE",
                   help="the automation to create (default: automations/failed-harvest.yaml)")
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("versions", help="list the published versions")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR", help="dataset root")
    p.add_argument("--format", choices=("text", "json", "ndjson", "csv"), default="text",
                   help="output format (default: text)")
    p.set_defaults(func=cmd_versions)

    p = sub.add_parser("diff", help="what changed between two versions (default: the previous one and LATEST)")
    p.add_argument("old", nargs="?", metavar="OLD", help="older version (id, prefix; default: the one before NEW)")
    p.add_argument("new", nargs="?", metavar="NEW", help="newer version (id, prefix or LATEST; default: LATEST)")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR", help="dataset root")
    p.add_argument("--format", choices=("markdown", "json", "ndjson", "csv"), default="markdown",
                   help="output format (default: markdown; ndjson and csv: one row per change)")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("show", help="print one cluster's record")
    p.add_argument("id", metavar="ID", help="cluster id")
    p.add_argument("--version", dest="version", default="LATEST", metavar="V", help="version (default: LATEST)")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR", help="dataset root")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("history", help="one cluster's field changes across all versions")
    p.add_argument("id", metavar="ID", help="cluster id")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR", help="dataset root")
    p.add_argument("--format", choices=("text", "json", "ndjson", "csv"), default="text",
                   help="output format (default: text; ndjson and csv: one row per change)")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("export", help="write a version's files, or their public variant, into a folder")
    p.add_argument("--to", type=Path, required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--redact-personal", action="store_true",
                   help="public variant: no contact persons' names, titles, e-mails or phone numbers")
    p.add_argument("--version", dest="version", default="LATEST", metavar="V", help="version (default: LATEST)")
    p.add_argument("--out", type=Path, default=Path("normalized"), metavar="DIR", help="dataset root")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line (errors still)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("extract", help="parse one local file and print its records or facts as JSON (no Prefect)")
    p.add_argument("path", type=Path, metavar="PATH", help="an HTML, PDF or plain-text file")
    p.add_argument("--kind", required=True, choices=kind_names(), help="what the file is")
    p.add_argument("--round", type=int, default=None, metavar="N",
                   help="announcement: the round it announces, where its text does not say")
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``clusterharvest`` command."""
    args = build_parser().parse_args(argv)
    notes = logging.getLogger("clusterharvest")
    if not any(getattr(h, "name", None) == PROG for h in notes.handlers):
        # The library's warnings (a missing LATEST, a quarantined entry) as one line each on stderr.
        handler = logging.StreamHandler()
        handler.name = PROG
        handler.setLevel(logging.WARNING)
        handler.setFormatter(EscapingFormatter(f"{PROG}: note: %(message)s"))
        notes.addHandler(handler)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except HarvestError as exc:
        return fail(str(exc))
    except OSError as exc:  # a full disk, a read-only folder: what the system said, on one line
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"{where}{exc.strerror or exc}")


if __name__ == "__main__":
    sys.exit(main())
