"""The command line: extract (library only) and harvest (the Prefect flow, a few runs only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clusterharvest.publish import read_latest
from clusterharvest.store import RawStore

from .conftest import DIRECTORY_CAPTURE, ROOT

SHARED_CAPTURE = ROOT.parent / "shared" / "seeds" / DIRECTORY_CAPTURE.name


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**(env or os.environ), "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "clusterharvest.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def extract(path: Path) -> list[dict]:
    res = run_cli("extract", str(path), "--kind", "cluster-directory")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def strip_sources(records: list[dict]) -> list[dict]:
    """Records without the source ids (extract names the source after the file)."""
    return [{k: ({**v, "source": None} if k == "project" and v else v) for k, v in r.items() if k != "sources"}
            for r in records]


def test_extract_gives_the_same_32_records_from_html_and_capture():
    html = RawStore(ROOT / "raw").latest("interspin-directory-en")
    assert html is not None
    from_html = extract(Path(html.file))
    from_text = extract(DIRECTORY_CAPTURE)
    assert len(from_html) == 32 and len({r["id"] for r in from_html}) == 32
    assert strip_sources(from_html) == strip_sources(from_text)


@pytest.mark.skipif(not SHARED_CAPTURE.is_file(), reason="../shared/seeds not beside the project")
def test_bundled_capture_is_the_shared_seed():
    assert DIRECTORY_CAPTURE.read_bytes() == SHARED_CAPTURE.read_bytes()
    assert strip_sources(extract(SHARED_CAPTURE)) == strip_sources(extract(DIRECTORY_CAPTURE))


def test_extract_does_not_import_prefect():
    code = ("import sys, io, contextlib; from clusterharvest.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    rc = main(['extract', {str(DIRECTORY_CAPTURE)!r}, '--kind', 'cluster-directory'])\n"
            "assert rc == 0 and 'prefect' not in sys.modules, sorted(m for m in sys.modules if 'prefect' in m)[:3]")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_extract_of_a_page_without_entries_fails_with_one_line(tmp_path):
    page = tmp_path / "maintenance.html"
    page.write_text("<html><body><p>Wartungsarbeiten</p></body></html>")
    res = run_cli("extract", str(page), "--kind", "cluster-directory")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "maintenance.html" in res.stderr, res.stderr


def test_extract_other_kinds():
    res = run_cli("extract", str(DIRECTORY_CAPTURE.parent / "003_4b6e1bbd750e072b.txt"), "--kind", "announcement",
                  "--round", "3")
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert found["round"] == 3 and len(found["selected"]) == 10
    flyer = ROOT / "raw" / "bmbf-flyer-2016" / "enhancing-global-cooperation-2016-10.pdf"
    res = run_cli("extract", str(flyer), "--kind", "flyer")
    assert res.returncode == 0, res.stderr
    assert {"path": "max_funding_eur", "value": 4000000} in [
        {"path": f["path"], "value": f["value"]} for f in json.loads(res.stdout)["facts"]]


def test_extract_of_html_as_a_flyer_fails_with_one_line():
    res = run_cli("extract", str(DIRECTORY_CAPTURE), "--kind", "flyer")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "not a PDF" in res.stderr, res.stderr


def test_unknown_kind_is_a_usage_error():
    res = run_cli("extract", str(DIRECTORY_CAPTURE), "--kind", "brochure")
    assert res.returncode == 2 and "invalid choice" in res.stderr


@pytest.mark.flow
def test_offline_harvest_publishes_one_version_then_nothing(tmp_path, prefect_server):
    out = tmp_path / "normalized"
    res = run_cli("harvest", "--offline", "--out", str(out), env=prefect_server.env)
    assert res.returncode == 0, res.stderr
    version = read_latest(out)
    assert version and f"published {version}" in res.stdout
    records = json.loads((out / version / "clusters.json").read_text())
    assert len(records) == 32 and len({r["id"] for r in records}) == 32
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    manifest = json.loads((out / version / "manifest.json").read_text())
    assert manifest["counts"]["clusters"] == 32
    assert {s["id"] for s in manifest["sources"]} == {"bmbf-programme-page-en", "bmbf-flyer-2016",
                                                      "announcement-round-2-2016", "announcement-round-3-2017",
                                                      "interspin-directory-en"}
    assert all(len(s["snapshot_sha256"]) == 64 and s["obtained_at"] for s in manifest["sources"])
    assert (out / "schema" / "clusters.schema.json").is_file()
    programme = json.loads((out / version / "programme.json").read_text())
    assert [r["projects_selected"] for r in programme["rounds"]] == [11, 11, 10]
    assert sum(1 for r in records if r["round"] == 3) == 10

    again = run_cli("harvest", "--offline", "--out", str(out), env=prefect_server.env)
    assert again.returncode == 0, again.stderr
    assert f"no changes since {version}" in again.stdout
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted([version, "latest", "schema"])
    assert (out / "latest").resolve() == (out / version).resolve()


@pytest.mark.flow
def test_failed_source_fails_the_command_with_one_line_and_publishes_nothing(tmp_path, prefect_server):
    out = tmp_path / "normalized"
    res = run_cli("harvest", "--offline", "--out", str(out), "--raw", str(tmp_path / "empty-raw"),
                  env=prefect_server.env)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    # every source of the web has no snapshot there (the flyer is a file beside sources.toml): each is named
    assert len(lines) == 1 and lines[0].startswith(
        "clusterharvest: error: 4 sources failed: bmbf-programme-page-en, announcement-round-2-2016, "
        "announcement-round-3-2017, interspin-directory-en (offline, no stored snapshot) (in full: "), res.stderr
    whole = Path(lines[0].rsplit("(in full: ", 1)[1].removesuffix(")"))
    detail = [line for line in whole.read_text(encoding="utf-8").splitlines()
              if line.startswith("clusterharvest: error: source ")]
    assert len(detail) == 4 and all(" offline and no snapshot of " in line for line in detail), detail
    whole.unlink()
    assert read_latest(out) is None


def test_the_run_log_keeps_the_lines_the_command_appends_beside_what_goes_to_stderr():
    """The run's log is stderr (Prefect writes there) and the command appends each failed source's error to it:
    with stderr writing at its own offset, Prefect's next line overwrote the first of them (a flaky CI failure)."""
    code = ("import os, sys; from clusterharvest.cli import divert_stderr\n"
            "own, log = divert_stderr(False)\n"
            "print('prefect line one', file=sys.stderr, flush=True)\n"
            "with log.open('a', encoding='utf-8') as f: f.write('\\nclusterharvest: error: source a: why\\n')\n"
            "os.write(2, b'prefect line two, written after\\n')\n"
            "print(log, file=own)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    log = Path(res.stderr.strip())
    try:
        assert log.read_text(encoding="utf-8").splitlines() == [
            "prefect line one", "", "clusterharvest: error: source a: why", "prefect line two, written after"]
    finally:
        log.unlink()


# -- a failed or terminated harvest ends within seconds of its error line (issue 22, item 9) -------------------

class Stalling:
    """A source that holds each request until released, then answers 404; ``asked`` is set on the first."""

    def __init__(self) -> None:
        from .rawserver import RawServer, head

        self.asked, self.released = threading.Event(), threading.Event()

        def hold(conn) -> None:
            self.asked.set()
            self.released.wait(120)
            conn.sendall(head("404 Not Found", Content_Length="0"))

        self.server = RawServer({"/dir": hold})
        self.url = self.server.url("/dir")

    def stop(self) -> None:
        self.released.set()
        self.server.stop()


def registry_of(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f'[fetch]\nmin_interval = 0\nmax_tries = 1\nread_timeout = 120\ndeadline = 120\n\n[[source]]\n'
                    f'id = "directory"\nurl = "{url}"\nkind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    return path


def harvest_process(tmp_path: Path, sources: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], list]:
    """A harvest in a child process, and the lines of its stderr as they come, each with its arrival time."""
    proc = subprocess.Popen([sys.executable, "-m", "clusterharvest.cli", "harvest", "--sources", str(sources), "--out",
                             str(tmp_path / "out"), "--raw", str(tmp_path / "raw")], cwd=ROOT,
                            env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append((time.monotonic(), line.rstrip("\n")))

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def exit_time(proc: subprocess.Popen[str], limit: float) -> float:
    """When the process ended (it is killed, and the test fails, if it lives ``limit`` seconds more)."""
    try:
        proc.wait(limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"the harvest was still running {limit:g} s later")
    return time.monotonic()


@pytest.mark.flow
def test_a_harvest_whose_prefect_server_went_away_exits_within_seconds_of_its_error_line(tmp_path):
    # The server (the local one the command starts) is killed mid-run, while the run waits for its source. With
    # Prefect's client retrying the gone server (5 retries by default) the command went on for 2.5 minutes, and
    # ended in 'unexpected ConnectError'; it watches the server and ends within seconds, saying so.
    import json
    import signal

    from clusterharvest_flows.server import STATE_NAME, alive

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(tmp_path / "home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_SERVER_UI_ENABLED": "false"})
    source = Stalling()
    proc, lines = harvest_process(tmp_path, registry_of(tmp_path, source.url), env)
    server = None
    try:
        assert source.asked.wait(120), lines
        found = json.loads((tmp_path / "home" / STATE_NAME).read_text(encoding="utf-8"))
        server = found["pid"]
        time.sleep(2)  # the logs of the run so far are sent
        os.kill(server, signal.SIGKILL)
        killed = time.monotonic()
        ended = exit_time(proc, 120)
    finally:
        source.stop()
        if proc.poll() is None:
            proc.kill()
        if server and alive(server):
            os.kill(server, signal.SIGKILL)
    errors = [(at, line) for at, line in lines if line.startswith("clusterharvest: error: ")]
    assert len(errors) == 1 and proc.returncode == 1, (proc.returncode, lines)
    at, line = errors[0]
    assert line == (f"clusterharvest: error: the Prefect server at {found['url']} stopped answering during the "
                    "run (connection refused); nothing was published; the run's end is not recorded there"), line
    assert at - killed < 10, at - killed  # two looks at its health check, a second apart
    assert ended - at < 10, (ended - at, line)  # Prefect's workers get 5 s to send what they hold
    assert read_latest(tmp_path / "out") is None


@pytest.mark.flow
@pytest.mark.parametrize("after", ["no Prefect server configured:", "obtained"])
def test_what_the_line_says_was_published_is_what_latest_names_at_the_end(tmp_path, after):
    """The local server killed as the command says it started it (before the run reaches it: Prefect's start-up
    check failed with 'unexpected RuntimeError'), or as the run's progress line says it has its sources: the
    run's thread goes on without the server, and once published a version after the command
    had said 'nothing was published'. Now it publishes nothing after the error line, and the line's word is what
    LATEST names."""
    import json
    import signal

    from clusterharvest_flows.server import STATE_NAME, alive

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(tmp_path / "home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_SERVER_UI_ENABLED": "false", "PYTHONUNBUFFERED": "1"})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "clusterharvest.cli", "harvest", "--offline", "--out", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, server = [], None
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if line.startswith(f"clusterharvest: {after} ") and server is None:
                server = json.loads((tmp_path / "home" / STATE_NAME).read_text(encoding="utf-8"))["pid"]
                os.kill(server, signal.SIGKILL)
        proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
        if server and alive(server):
            os.kill(server, signal.SIGKILL)
    assert server, lines
    errors = [line for line in lines if line.startswith("clusterharvest: error: ")]
    assert len(errors) == 1 and proc.returncode == 1, (proc.returncode, lines)
    assert "stopped answering during the run (connection refused)" in errors[0], errors[0]
    latest = read_latest(out)
    if latest is None:
        assert "; nothing was published;" in errors[0], (errors[0], latest)
    else:
        assert f"; version {latest} was published before the run was stopped;" in errors[0], (errors[0], latest)
    assert lines[-1] == errors[0], lines  # nothing said after it: no 'published' line


@pytest.mark.flow
def test_sigterm_during_a_harvest_ends_it_within_seconds_with_one_error_line(tmp_path, prefect_server):
    import signal

    source = Stalling()
    proc, lines = harvest_process(tmp_path, registry_of(tmp_path, source.url), prefect_server.env)
    try:
        assert source.asked.wait(120), lines
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        ended = exit_time(proc, 120)
    finally:
        source.stop()
        if proc.poll() is None:
            proc.kill()
    assert ended - sent < 10, ended - sent
    errors = [line for _, line in lines if line.startswith("clusterharvest: error: ")]
    assert errors == ["clusterharvest: error: terminated (SIGTERM); nothing more will be published"], lines
    assert proc.returncode == 143, proc.returncode
    assert read_latest(tmp_path / "out") is None


# -- local files the commands read are regular files under a cap (issue 22, item 2) ----------------------------

def run_limited(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a child process under a memory limit and a timeout: a read that blocks or never ends fails
    the test, not the machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))

    try:
        return subprocess.run([sys.executable, "-m", "clusterharvest.cli", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"clusterharvest {' '.join(args)} did not end within 60 s")


def no_regular_file(tmp_path: Path, which: str) -> tuple[Path, str]:
    if which == "fifo":
        os.mkfifo(tmp_path / "pipe")
        return tmp_path / "pipe", "a FIFO"
    return Path("/dev/zero"), "a character device"


@pytest.mark.parametrize("which", ["fifo", "dev-zero"])
def test_extract_reads_only_a_regular_file(tmp_path, which):
    path, what = no_regular_file(tmp_path, which)
    res = run_limited("extract", str(path), "--kind", "flyer")
    assert (res.returncode, res.stdout) == (1, ""), res.stderr[-800:]
    assert res.stderr == f"clusterharvest: error: {path} is {what}, not a regular file: only regular files are " \
                         "read\n", res.stderr[-800:]


@pytest.mark.parametrize("which", ["fifo", "dev-zero"])
def test_a_sources_file_that_is_no_regular_file_is_one_error_line(tmp_path, which):
    path, what = no_regular_file(tmp_path, which)
    res = run_limited("harvest", "--sources", str(path), "--out", str(tmp_path / "out"), "--raw", str(tmp_path / "raw"))
    assert (res.returncode, res.stdout) == (1, ""), res.stderr[-800:]
    assert res.stderr == f"clusterharvest: error: {path}: is {what}, not a regular file: only regular files are " \
                         "read\n", res.stderr[-800:]


def test_the_library_imports_no_prefect_anywhere_in_its_code():
    """Prefect belongs in flows/ (``clusterharvest_flows``): no module of src/clusterharvest imports it, at the
    top or inside a function (the command line reaches Prefect only through ``clusterharvest_flows``)."""
    import ast

    found = []
    for path in sorted((ROOT / "src" / "clusterharvest").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.relative_to(ROOT)}:{node.lineno}" for n in names if n.split(".")[0] == "prefect"]
    assert found == [], found
