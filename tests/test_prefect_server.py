"""Scheduled, observable harvests on a real Prefect server (one per session, on a loopback port): the command
line's runs and their logs and artifacts as the server shows them, ``serve`` running what the server's
scheduler creates, the ``prefect.yaml`` deployment run by a real worker, the Prefect CLI, one retry layer,
and the harvest on a real Dask scheduler with two worker processes."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from clusterharvest.publish import read_latest
from clusterharvest.store import RawStore

from .conftest import ROOT
from .httpserver import start_server
from .prefect_server import BIN, PrefectServer, Process, free_port, wait_for

pytestmark = pytest.mark.flow

FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def cli(server: PrefectServer, *args: str, cwd: Path = ROOT,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``clusterharvest ARGS`` against the session's server."""
    return subprocess.run([str(BIN / "clusterharvest"), *args], cwd=cwd, env=server.env, capture_output=True,
                          text=True, timeout=timeout)


def prefect(server: PrefectServer, *args: str, cwd: Path = ROOT,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The Prefect CLI against the session's server (wide output, so names are not cut)."""
    return subprocess.run([str(BIN / "prefect"), "--no-prompt", *args], cwd=cwd,
                          env={**server.env, "COLUMNS": "250"}, capture_output=True, text=True, timeout=timeout)


def newest_run(server: PrefectServer) -> dict:
    [run] = server.post("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 1})
    return dict(run)


def messages(server: PrefectServer, run: dict) -> list[str]:
    return [f"{entry['name']}: {entry['message']}" for entry in server.logs(run["id"])]


SOURCES = ("bmbf-programme-page-en", "bmbf-flyer-2016", "announcement-round-2-2016", "announcement-round-3-2017",
           "interspin-directory-en")  # sources.toml's, in its order
DIRECTORY = "interspin-directory-en"


@pytest.fixture(scope="module")
def first_run(prefect_server, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path, dict]:
    """One command-line harvest of the bundled snapshot on the session's server, a first version: the command's
    result, the dataset root and the flow run as the server has it."""
    out = tmp_path_factory.mktemp("first-run") / "normalized"
    result = cli(prefect_server, "harvest", "--offline", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return result, out, newest_run(prefect_server)


def task_graph(server: PrefectServer, run: dict) -> dict[str, dict[str, list[str]]]:
    """Each task run of a flow run by name, with its inputs that name an upstream task run: {parameter: names}."""
    tasks = server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}})
    names = {t["id"]: t["name"] for t in tasks}
    return {t["name"]: {param: sorted(names[i["id"]] for i in inputs)
                        for param, inputs in t["task_inputs"].items() if inputs}
            for t in tasks}


def data_flow() -> dict[str, dict[str, list[str]]]:
    """The harvest's data flow, written from pipeline.harvest_sequence: per source fetch -> parse, all parsed ->
    gates, the checked directory -> normalise -> validate -> combine -> value-gates -> publish; combine reads the
    programme sources' facts and announcements, and publish every source's provenance, from the gates."""
    graph: dict[str, dict[str, list[str]]] = {f"fetch[{s}]": {} for s in SOURCES}
    graph |= {f"parse[{s}]": {"snapshot": [f"fetch[{s}]"]} for s in SOURCES}
    graph |= {
        "gates": {"parsed": sorted(f"parse[{s}]" for s in SOURCES)},
        f"normalise[{DIRECTORY}]": {"parsed": ["gates"]},
        "validate": {"records": [f"normalise[{DIRECTORY}]"]},
        "combine": {"validated": ["validate"], "parsed": ["gates"]},
        "value-gates": {"combined": ["combine"]},
        "publish": {"combined": ["value-gates"], "parsed": ["gates"]},
    }
    return graph


def test_the_task_graph_is_the_data_flow(prefect_server, first_run):
    """No task is an input of another unless its result is (the context and the sources' configuration are
    not task inputs): the graph the UI draws from ``task_inputs``."""
    _, _, run = first_run
    assert task_graph(prefect_server, run) == data_flow(), task_graph(prefect_server, run)


def test_a_run_is_named_by_its_start_and_mode_and_tagged_with_its_sources(prefect_server, first_run):
    _, _, run = first_run
    due = datetime.fromisoformat(run["expected_start_time"]).astimezone(UTC)
    assert run["name"] == f"harvest-{due:%Y-%m-%dT%H%M}-offline", run["name"]
    assert sorted(run["tags"]) == sorted(["clusterharvest", *SOURCES]), run["tags"]
    found = prefect_server.post("/flow_runs/filter", {"flow_runs": {"tags": {"all_": ["clusterharvest", DIRECTORY]},
                                                                    "name": {"any_": [run["name"]]}}})
    assert run["id"] in [r["id"] for r in found]


def test_a_run_sends_prefect_s_heartbeat_and_its_task_runs_carry_no_tags(prefect_server, first_run):
    """The command line's run sends the flow-run heartbeat itself (it ends the moment its work does), as Prefect's
    engine sends it; its task runs are untagged, so Prefect asks the server for no tag concurrency slots."""
    _, _, run = first_run
    beats = prefect_server.post("/events/filter", {"filter": {
        "event": {"name": ["prefect.flow-run.heartbeat"]}, "resource": {"id": [f"prefect.flow-run.{run['id']}"]}}})
    [beat] = beats["events"]  # the run lasts less than the 180 s between heartbeats: the one at its start
    assert beat["resource"] == {"prefect.resource.id": f"prefect.flow-run.{run['id']}",
                                "prefect.resource.name": run["name"], "prefect.version": prefect_version()}, beat
    related = {(r["prefect.resource.id"], r["prefect.resource.role"]) for r in beat["related"]}
    assert related == {(f"prefect.flow.{run['flow_id']}", "flow"),
                       *((f"prefect.tag.{tag}", "tag") for tag in ["clusterharvest", *SOURCES])}, related
    tasks = prefect_server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}})
    assert len(tasks) == 16 and all(t["tags"] == [] for t in tasks), [t["tags"] for t in tasks]


def prefect_version() -> str:
    from importlib.metadata import version

    return version("prefect")


def test_a_harvest_shows_on_the_server_with_the_library_logs_named_tasks_and_artifacts(prefect_server, first_run):
    first, out, run = first_run
    version = read_latest(out)
    assert version and first.stdout == f"published {version}: 32 clusters in {out / version}\n"
    # stderr: one progress line per step, nothing of Prefect's
    progress = first.stderr.splitlines()
    assert [line.split(":")[1].split()[0] for line in progress] == ["obtained", "parsed", "gates", "published"], \
        progress
    assert all(line.startswith("clusterharvest: ") for line in progress), progress
    assert run["state_type"] == "COMPLETED"
    wait_for(lambda: any(f"published {version}" in m for m in messages(prefect_server, run)), 30,
             "the run's logs to reach the server")  # logs are sent in batches, the last at the command's exit
    said = messages(prefect_server, run)
    bundled = RawStore(ROOT / "raw").latest("interspin-directory-en")
    assert bundled is not None
    assert f"clusterharvest: source interspin-directory-en: replayed snapshot {bundled.sha256[:12]} (reconstructed " \
           f"{bundled.obtained_at}) from {ROOT / 'raw'}" in said, said
    assert "clusterharvest.steps: gates passed: interspin-directory-en (32 entries)" in said, said
    assert f"clusterharvest.steps: published {version}: 32 clusters in {out / version}" in said, said
    tasks = prefect_server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}})
    names = {t["name"] for t in tasks}
    assert {"fetch[interspin-directory-en]", "fetch[bmbf-flyer-2016]", "parse[announcement-round-3-2017]",
            "normalise[interspin-directory-en]", "gates", "publish"} <= names, names
    artifacts = {a["key"]: a for a in prefect_server.post("/artifacts/filter",
                                                           {"flow_runs": {"id": {"any_": [run["id"]]}}})}
    assert set(artifacts) == {"clusterharvest-version", "clusterharvest-changelog", "clusterharvest-counts",
                              "clusterharvest-gates"}, set(artifacts)
    counts = {row["measure"]: row["value"] for row in json.loads(artifacts["clusterharvest-counts"]["data"])}
    assert counts["added"] == 32 and counts["records"] == 32 and counts["replayed"] == 4, counts
    assert artifacts["clusterharvest-changelog"]["description"] == f"First version {version}: 32 clusters added"
    assert f"# Published {version}\n" in artifacts["clusterharvest-version"]["data"]

    again = cli(prefect_server, "harvest", "--offline", "--out", str(out), "--quiet")
    assert again.returncode == 0 and again.stdout == f"no changes since {version}\n" and again.stderr == ""
    run = newest_run(prefect_server)
    wait_for(lambda: any(m.startswith(f"clusterharvest.steps: no changes since {version}")
                         for m in messages(prefect_server, run)), 30, "the no-change run's logs")
    artifacts = {a["key"]: a for a in prefect_server.post("/artifacts/filter",
                                                           {"flow_runs": {"id": {"any_": [run["id"]]}}})}
    assert artifacts["clusterharvest-changelog"]["description"] == f"No changes since {version}"
    assert f"Nothing changed since {version}" in artifacts["clusterharvest-changelog"]["data"]
    assert "clusterharvest-gates" not in artifacts  # nothing parsed, no gate applied: the version artifact says so
    assert "| gates | none applied: every snapshot is the one this version was made from, so nothing was parsed |" \
        in artifacts["clusterharvest-version"]["data"], artifacts["clusterharvest-version"]["data"]

    # The Prefect CLI the README names lists the runs and the artifacts
    runs = prefect(prefect_server, "flow-run", "ls")
    assert runs.returncode == 0 and run["name"] in runs.stdout, runs.stdout + runs.stderr
    listed = prefect(prefect_server, "artifact", "ls")
    assert listed.returncode == 0, listed.stderr
    assert "clusterharvest-changelog" in listed.stdout and "clusterharvest-counts" in listed.stdout, listed.stdout


# Prefect's cron takes a sixth field, seconds: a schedule due every 20 s keeps the tests of `serve` short.
EVERY_20_S = "* * * * * */20"


def fresh_served_deployment(server: PrefectServer) -> None:
    """No deployment clusterharvest/served-harvest (nor its runs) left by an earlier test."""
    try:
        deployment = server.deployment("clusterharvest", "served-harvest")
    except httpx.HTTPStatusError:
        return
    httpx.delete(f"{server.url}/deployments/{deployment['id']}", timeout=30).raise_for_status()


def test_serve_runs_the_runs_the_scheduler_creates_one_at_a_time(prefect_server, tmp_path):
    out = tmp_path / "normalized"
    fresh_served_deployment(prefect_server)
    serve = prefect_server.spawn([str(BIN / "clusterharvest"), "serve", "--cron", EVERY_20_S, "--offline",
                                  "--out", str(out)], tmp_path / "serve.log", cwd=ROOT)
    try:
        served(prefect_server, serve, out)
    finally:
        serve.stop()
        deployment = prefect_server.deployment("clusterharvest", "served-harvest")
        prefect_server.post(f"/deployments/{deployment['id']}/pause_deployment")  # no more runs nobody serves


def served(prefect_server: PrefectServer, serve: Process, out: Path) -> None:
    """What the serve process does with its deployment (see the test above)."""
    deployment = wait_for(lambda: prefect_server.deployment("clusterharvest", "served-harvest"), 60,
                          "the served deployment")
    assert deployment["global_concurrency_limit"]["limit"] == 1, deployment
    assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE", deployment
    assert deployment["schedules"][0]["schedule"]["cron"] == EVERY_20_S

    def scheduled_run_done() -> dict | None:
        runs = [r for r in prefect_server.flow_runs(deployment["id"]) if r["auto_scheduled"]]
        return next((r for r in runs if r["state_type"] in FINAL), None)

    run = wait_for(scheduled_run_done, 150, "a run created by the scheduler to finish", interval=1)
    assert run["state_type"] == "COMPLETED", serve.output()[-3000:]
    version = read_latest(out)
    assert version
    wait_for(lambda: any(m.endswith(f"published {version}: 32 clusters in {out / version}")
                         for m in messages(prefect_server, run)), 30, "the run's logs to reach the server")

    # Two runs due at once never overlap: the second waits for the first (concurrency limit 1, ENQUEUE).
    made = [prefect_server.post(f"/deployments/{deployment['id']}/create_flow_run", {}) for _ in range(2)]
    ids = {m["id"] for m in made}

    def both_done() -> list[dict] | None:
        runs = [r for r in prefect_server.flow_runs(deployment["id"]) if r["id"] in ids]
        return runs if len(runs) == 2 and all(r["state_type"] in FINAL for r in runs) else None

    runs = sorted(wait_for(both_done, 120, "two runs triggered together", interval=1), key=lambda r: r["start_time"])
    assert [r["state_type"] for r in runs] == ["COMPLETED", "COMPLETED"]
    first_end = datetime.fromisoformat(runs[0]["end_time"])
    second_start = datetime.fromisoformat(runs[1]["start_time"])
    assert second_start >= first_end, runs

    listed = prefect(prefect_server, "deployment", "ls")
    assert listed.returncode == 0 and "clusterharvest/served-harvest" in listed.stdout, listed.stdout


def next_due(after: datetime, every: int = 20) -> datetime:
    """The first time after ``after`` that a schedule due every ``every`` seconds (from the minute) falls due."""
    start = after.replace(microsecond=0)
    return start + timedelta(seconds=every - start.second % every)


def stop_cleanly(serve: Process, signum: signal.Signals) -> str:
    """Stop `serve` with a signal as a service manager or Ctrl-C does; it exits 0, saying so, with no warning
    and no traceback. Returns its output."""
    os.kill(serve.popen.pid, signum)
    assert serve.popen.wait(60) == 0, serve.output()[-3000:]
    said = serve.output()
    assert f"clusterharvest: {signum.name}: stopping" in said, said[-3000:]
    for trouble in ("never awaited", "Traceback", "Warning"):
        assert trouble not in said, said[-3000:]
    return said


def catch_ups(server: PrefectServer, deployment: dict) -> list[dict]:
    return [r for r in server.flow_runs(deployment["id"]) if "catch-up" in r["tags"]]


def test_serve_catches_up_a_run_missed_while_stopped_once_and_stops_cleanly(prefect_server, tmp_path):
    """`serve` stopped (SIGTERM) pauses its deployment; a due time passes; started again it runs the harvest
    once, saying so. Runs left due while nothing served it (the deployment resumed by hand, or a serve that was
    killed) are cancelled for one catch-up run, so no missed run runs twice. SIGINT stops it cleanly too."""
    out = tmp_path / "normalized"
    fresh_served_deployment(prefect_server)
    args = [str(BIN / "clusterharvest"), "serve", "--cron", EVERY_20_S, "--offline", "--out", str(out)]

    first = prefect_server.spawn(args, tmp_path / "serve-1.log", cwd=ROOT)
    # (a first start says "no run missed", or catches up a due time that passed while it started)
    wait_for(lambda: re.search(r"^clusterharvest: (no run missed|catch-up)", first.output(), re.M), 60,
             "serve to register its deployment")
    stop_cleanly(first, signal.SIGTERM)
    stopped = datetime.now(UTC)
    deployment = prefect_server.deployment("clusterharvest", "served-harvest")
    assert deployment["paused"] is True, deployment  # (the server deleted its scheduled runs, but for one the
    # scheduler may have been inserting meanwhile: the catch-up cancels such a run once it is due)

    # A due time passes while it is stopped; started again, it catches up once.
    missed = next_due(stopped)
    wait_for(lambda: datetime.now(UTC) > missed + timedelta(seconds=1), 30, "the schedule to fall due")
    second = prefect_server.spawn(args, tmp_path / "serve-2.log", cwd=ROOT)
    said = wait_for(lambda: re.search(r"clusterharvest: catch-up: the schedule '\* \* \* \* \* \*/20' fell due at "
                                      r"(\S+ \S+) UTC and no run due since has completed \(.*?\): running the "
                                      r"harvest once now, flow run \S+ \((\S+)\)(; .*)?$", second.output(), re.M),
                    60, "the catch-up")
    assert datetime.fromisoformat(said.group(1)).replace(tzinfo=UTC) >= missed, said.group(0)
    [caught] = catch_ups(prefect_server, deployment)
    assert caught["id"] == said.group(2)
    caught = wait_for(lambda: next((r for r in catch_ups(prefect_server, deployment) if r["state_type"] in FINAL),
                                   None), 90, "the catch-up run", interval=1)
    assert caught["state_type"] == "COMPLETED", second.output()[-3000:]
    due = datetime.fromisoformat(caught["expected_start_time"]).astimezone(UTC)
    assert caught["name"] == f"harvest-{due:%Y-%m-%dT%H%M}-offline", caught["name"]
    assert set(caught["tags"]) == {"catch-up", "clusterharvest", *SOURCES}, caught["tags"]
    # the catch-up is the only run for the due time missed (one submitted early, before the stop, was cancelled)
    assert all(r["state_type"] == "CANCELLED" for r in prefect_server.flow_runs(deployment["id"])
               if stopped < datetime.fromisoformat(r["expected_start_time"]) <= missed + timedelta(seconds=1))
    version = read_latest(out)
    assert version and (out / version / "clusters.json").is_file()
    stop_cleanly(second, signal.SIGTERM)

    # Runs fall due while nothing serves the deployment (resumed by hand here): a restart cancels them and
    # runs the harvest once.
    prefect_server.post(f"/deployments/{deployment['id']}/resume_deployment")

    def due_runs() -> list[dict]:
        return [r for r in prefect_server.flow_runs(deployment["id"]) if r["state_type"] == "SCHEDULED"
                and datetime.fromisoformat(r["expected_start_time"]) < datetime.now(UTC)]

    wait_for(due_runs, 40, "a scheduled run to fall due with nothing serving it", interval=1)
    third = prefect_server.spawn(args, tmp_path / "serve-3.log", cwd=ROOT)
    said = wait_for(lambda: re.search(r"clusterharvest: catch-up: .*: running the harvest once now, flow run \S+ "
                                      r"\((\S+)\); (\d+) missed scheduled run\(s\) cancelled \(due at [^)]+\)$",
                                      third.output(), re.M), 60, "the second catch-up")
    [_, again] = sorted(catch_ups(prefect_server, deployment), key=lambda r: r["expected_start_time"])
    assert again["id"] == said.group(1)
    cancelled = [r for r in prefect_server.flow_runs(deployment["id"]) if r["auto_scheduled"]
                 and r["state"]["message"] == f"Missed while not served; the catch-up run {again['name']} "
                                              f"({again['id']}) replaces it"]
    assert len(cancelled) == int(said.group(2)) >= 1 and all(r["state_type"] == "CANCELLED" for r in cancelled)
    again = wait_for(lambda: next((r for r in catch_ups(prefect_server, deployment)
                                   if r["id"] == said.group(1) and r["state_type"] in FINAL), None), 90,
                     "the catch-up run", interval=1)
    assert again["state_type"] == "COMPLETED", third.output()[-3000:]
    stop_cleanly(third, signal.SIGINT)
    assert prefect_server.deployment("clusterharvest", "served-harvest")["paused"] is True


def test_a_failed_harvest_calls_the_webhook_of_the_automation_in_the_repository(prefect_server, tmp_path):
    """README "Orchestration": `clusterharvest alerts --webhook URL` creates the automation of
    automations/failed-harvest.yaml; a harvest run that fails then makes the server call the webhook (a
    receiver on 127.0.0.1) with the run's id, name, state and message."""
    receiver = start_server({"/hook": lambda seen: (204, {}, b"")})
    automation = None
    try:
        created = cli(prefect_server, "alerts", "--webhook", receiver.url("/hook"))
        assert created.returncode == 0, created.stderr
        [automation] = prefect_server.post("/automations/filter", {})
        assert automation["name"] == "clusterharvest-failed-harvest" and automation["enabled"], automation
        listed = prefect(prefect_server, "automation", "ls")
        assert listed.returncode == 0 and "clusterharvest-failed-harvest" in listed.stdout, listed.stdout

        (tmp_path / "sources.toml").write_text(
            '[[source]]\nid = "gone"\nurl = "missing.html"\nkind = "cluster-directory"\nlang = "en"\n',
            encoding="utf-8")
        failed = cli(prefect_server, "harvest", "--sources", str(tmp_path / "sources.toml"), "--out",
                     str(tmp_path / "out"), "--raw", str(tmp_path / "raw"), "--quiet")
        assert failed.returncode == 1, failed.stderr
        run = newest_run(prefect_server)
        assert run["state_type"] == "FAILED" and sorted(run["tags"]) == ["clusterharvest", "gone"], run
        calls = wait_for(lambda: [s for s in receiver.seen if s.path == "/hook"], 60, "the webhook call")
    finally:
        receiver.stop()
        if automation:  # the session's other failing runs call no receiver
            httpx.delete(f"{prefect_server.url}/automations/{automation['id']}", timeout=30).raise_for_status()
    [call] = calls
    assert call.method == "POST"
    message = f"Flow run encountered an exception: FetchError: source gone: cannot read {tmp_path / 'missing.html'}: " \
              "No such file or directory"
    said = json.loads(call.body)
    assert sorted(said.pop("tags")) == ["clusterharvest", "gone"], call.body
    assert said == {"flow_run_id": run["id"], "flow_run_name": run["name"], "state": "Failed", "message": message}
    assert run["state"]["message"] == message


def project_copy(tmp_path: Path) -> Path:
    """The files a worker needs to run the deployment, in a folder of their own (not the real checkout)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("prefect.yaml", "sources.toml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "flows", project / "flows", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "raw").symlink_to(ROOT / "raw")
    return project


def test_the_prefect_yaml_deployment_runs_on_a_work_pool_worker(prefect_server, tmp_path):
    project = project_copy(tmp_path)
    created = prefect(prefect_server, "work-pool", "create", "clusterharvest-pool", "--type", "process")
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = prefect(prefect_server, "deploy", "--name", "pool-harvest", cwd=project)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    deployment = prefect_server.deployment("clusterharvest", "pool-harvest")
    assert str(ROOT) not in json.dumps(deployment) and str(project) not in json.dumps(deployment), deployment
    prefect_server.post(f"/deployments/{deployment['id']}/pause_deployment")  # only the run made here
    worker = prefect_server.spawn([str(BIN / "prefect"), "worker", "start", "--pool", "clusterharvest-pool"],
                                  tmp_path / "worker.log", cwd=project)
    started = prefect(prefect_server, "deployment", "run", "clusterharvest/pool-harvest", "--param", "offline=true")
    assert started.returncode == 0, started.stdout + started.stderr

    def done() -> dict | None:
        runs = prefect_server.flow_runs(deployment["id"])
        return runs[0] if runs and runs[0]["state_type"] in FINAL else None

    try:
        run = wait_for(done, 150, "the worker to run the deployment", interval=1)
    finally:
        worker.stop()
    assert run["state_type"] == "COMPLETED", (tmp_path / "worker.log").read_text()[-3000:]
    version = read_latest(project / "normalized")
    assert version and len(json.loads((project / "normalized" / version / "clusters.json").read_text())) == 32


def test_a_transient_failure_is_retried_by_one_layer_only(prefect_server, tmp_path):
    page = start_server({"/dir": lambda seen: (503, {"Content-Type": "text/plain"}, b"busy")})
    try:
        (tmp_path / "sources.toml").write_text(textwrap.dedent(f"""
            [fetch]
            min_interval = 0
            max_tries = 3
            backoff = 0.1
            [[source]]
            id = "busy-directory"
            url = "{page.url('/dir')}"
            kind = "cluster-directory"
            lang = "en"
            archive = false
            """), encoding="utf-8")
        res = cli(prefect_server, "harvest", "--sources", str(tmp_path / "sources.toml"), "--out",
                  str(tmp_path / "out"), "--raw", str(tmp_path / "raw"), "--quiet")
        assert res.returncode == 1
        assert res.stderr.splitlines() == [
            f"clusterharvest: error: source busy-directory: HTTP 503 from {page.url('/dir')} (gave up after 3 tries)"]
        assert page.hits("/dir") == 3  # max_tries requests, not max_tries x (1 + Prefect's retries)
    finally:
        page.stop()
    run = newest_run(prefect_server)

    def retries() -> list[str]:
        return [m for m in messages(prefect_server, run)
                if re.search(r"busy-directory: HTTP 503 from \S+; retry \d/2 in ", m)]

    wait_for(lambda: len(retries()) >= 2, 30, "the run's logs to reach the server")
    assert len(retries()) == 2, messages(prefect_server, run)  # the fetcher's retries show in the run's logs


@pytest.fixture
def dask_cluster(prefect_server, tmp_path):
    """A real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, clients of the server: the
    scheduler's address, a client of it and the worker processes by name."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = prefect_server.spawn([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                      "--no-dashboard"], tmp_path / "scheduler.log")
    workers = {f"worker-{n}": prefect_server.spawn([str(BIN / "dask"), "worker", address, "--nworkers", "1",
                                                    "--nthreads", "2", "--host", "127.0.0.1", "--no-dashboard",
                                                    "--name", f"worker-{n}"], tmp_path / f"worker-{n}.log",
                                                   cwd=tmp_path) for n in (1, 2)}
    try:
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
            yield address, client, workers
    finally:
        for process in [*workers.values(), scheduler]:
            process.stop()


def test_the_harvest_runs_on_dask_worker_processes_with_identical_output(prefect_server, dask_cluster, tmp_path):
    address, client, _ = dask_cluster
    on_dask = cli(prefect_server, "harvest", "--offline", "--out", str(tmp_path / "dask"), "--dask-address", address)
    assert on_dask.returncode == 0, on_dask.stderr
    on_workers = newest_run(prefect_server)
    ran = client.run(lambda dask_worker: sorted({str(entry[0]).rsplit("-", 1)[0] for entry in dask_worker.state.log}))
    assert len(ran) == 2
    everywhere = set().union(*ran.values())
    assert {"fetch_task", "parse_task", "normalise_task"} <= everywhere, ran  # the per-source steps
    threads = cli(prefect_server, "harvest", "--offline", "--out", str(tmp_path / "threads"))
    assert threads.returncode == 0, threads.stderr
    a, b = read_latest(tmp_path / "dask"), read_latest(tmp_path / "threads")
    assert a and b
    for name in ("clusters.json", "programme.json"):
        assert (tmp_path / "dask" / a / name).read_bytes() == (tmp_path / "threads" / b / name).read_bytes(), name
    assert task_graph(prefect_server, on_workers) == data_flow()  # the same graph from tasks run on the workers


def test_a_dask_worker_lost_during_a_task_is_a_warning_in_the_run_log(prefect_server, dask_cluster, tmp_path,
                                                                      bundled_directory_html):
    """A worker process killed while it fetches the directory (the page holds its answer until then): Dask
    runs the fetch again on the other worker, the run publishes, and its log says which worker was lost with
    which task."""
    import threading

    address, client, workers = dask_cluster
    hold = threading.Event()

    def directory(seen) -> tuple[int, dict[str, str], bytes]:
        if len([s for s in page.seen if s.path == "/dir"]) == 1:
            hold.wait(60)  # the first request: answered only after its worker is gone
        return 200, {"Content-Type": "text/html; charset=utf-8"}, bundled_directory_html

    page = start_server({"/dir": directory})
    try:
        (tmp_path / "sources.toml").write_text(textwrap.dedent(f"""
            [fetch]
            min_interval = 0
            max_tries = 1
            [[source]]
            id = "directory"
            url = "{page.url('/dir')}"
            kind = "cluster-directory"
            lang = "en"
            archive = false
            """), encoding="utf-8")
        harvest = subprocess.Popen([str(BIN / "clusterharvest"), "harvest", "--sources", str(tmp_path / "sources.toml"),
                                    "--out", str(tmp_path / "out"), "--raw", str(tmp_path / "raw"), "--quiet",
                                    "--dask-address", address], cwd=ROOT, env=prefect_server.env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: page.hits("/dir"), 120, "the directory to be fetched")
        [(lost, _)] = wait_for(lambda: [(w, keys) for w, keys in client.processing().items() if keys], 30,
                               "the fetch on a worker")
        name = client.scheduler_info(n_workers=-1)["workers"][lost]["name"]
        os.killpg(workers[name].popen.pid, signal.SIGKILL)
        hold.set()
        out, err = harvest.communicate(timeout=180)
    finally:
        hold.set()
        page.stop()
    assert harvest.returncode == 0, err
    assert page.hits("/dir") == 2  # the fetch ran again, on the other worker
    version = read_latest(tmp_path / "out")
    assert version and len(json.loads((tmp_path / "out" / version / "clusters.json").read_text())) == 32
    run = newest_run(prefect_server)
    warning = f"Dask worker {lost} was lost while it ran or held fetch[directory]; Dask runs it again on another worker"
    wait_for(lambda: [e for e in prefect_server.logs(run["id"]) if e["message"] == warning and e["level"] == 30], 30,
             "the warning in the run's logs")


def test_an_unreachable_dask_scheduler_fails_at_once_with_one_line(prefect_server, tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    res = cli(prefect_server, "harvest", "--offline", "--out", str(tmp_path / "out"), "--dask-address", address,
              timeout=60)
    assert res.returncode == 1
    assert res.stderr.splitlines() == [f"clusterharvest: error: cannot reach the Dask scheduler at {address}: "
                                       "[Errno 111] Connection refused"], res.stderr
    assert read_latest(tmp_path / "out") is None


def test_serve_without_a_server_or_with_a_bad_cron_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "home")
    res = subprocess.run([str(BIN / "clusterharvest"), "serve", "--offline"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    [line] = res.stderr.splitlines()
    assert line.startswith("clusterharvest: error: serve needs a running Prefect server") and "make server" in line
    res = subprocess.run([str(BIN / "clusterharvest"), "serve", "--cron", "61 * * * *"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert res.stderr.splitlines() == ['clusterharvest: error: --cron: Invalid cron string: "61 * * * *"']


def test_a_dask_scheduler_without_workers_fails_after_a_bounded_wait():
    from distributed import LocalCluster

    from clusterharvest.errors import ConfigError
    from clusterharvest_flows.harvest import check_dask_scheduler

    with LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None, processes=False,
                      protocol="tcp") as cluster, pytest.raises(ConfigError, match="has no worker .waited 2 s."):
        check_dask_scheduler(cluster.scheduler_address, worker_wait=2)


def test_the_local_dask_cluster_stays_in_process_and_quiet():
    from distributed import LocalCluster

    from clusterharvest_flows.harvest import make_task_runner

    kwargs = make_task_runner("dask").cluster_kwargs
    assert kwargs["processes"] is False and kwargs["dashboard_address"] is None
    assert kwargs["silence_logs"] == logging.WARNING
    assert make_task_runner("dask", verbose=True).cluster_kwargs["silence_logs"] == logging.INFO  # -v
    with LocalCluster(**kwargs) as cluster:
        assert cluster.scheduler_address.startswith("inproc://"), cluster.scheduler_address
        assert all(w.address.startswith("inproc://") for w in cluster.workers.values())


def test_a_missing_sources_file_fails_before_prefect_is_imported(tmp_path):
    code = ("import sys; from clusterharvest.cli import main\n"
            f"rc = main(['harvest', '--sources', {str(tmp_path / 'nope.toml')!r}])\n"
            "assert rc == 1 and 'prefect' not in sys.modules, sorted(m for m in sys.modules if 'prefect' in m)[:3]")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines() == [f"clusterharvest: error: {tmp_path / 'nope.toml'}: sources file not found"]


def test_make_server_runs_a_background_server_in_a_profile_of_its_own(tmp_path):
    """The README's long-lived local server: `make server` (on a free port, in a Prefect home whose active
    profile names another server) starts it in the profile "clusterharvest" and says how to use it; a harvest
    in that profile runs there; `make server-stop` ends it. The operator's profile is as it was throughout."""
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    theirs = 'active = "ops"\n\n[profiles.ops]\nPREFECT_API_URL = "http://10.0.0.9:4200/api"\n'
    (home / "profiles.toml").write_text(theirs, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(home)
    api = f"http://127.0.0.1:{port}/api"

    def profiles() -> dict:
        import tomllib

        return tomllib.loads((home / "profiles.toml").read_text(encoding="utf-8"))

    try:
        started = subprocess.run(["make", "server", f"PREFECT_PORT={port}"], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=240)
        assert started.returncode == 0, started.stdout + started.stderr
        assert "  export PREFECT_PROFILE=clusterharvest    # or: export PREFECT_API_URL=" + api in started.stdout, \
            started.stdout
        assert profiles() == {"active": "ops", "profiles": {"ops": {"PREFECT_API_URL": "http://10.0.0.9:4200/api"},
                                                            "clusterharvest": {"PREFECT_API_URL": api}}}, profiles()
        harvested = subprocess.run([str(BIN / "clusterharvest"), "harvest", "--offline", "--quiet", "--out",
                                    str(tmp_path / "out")], cwd=ROOT, env={**env, "PREFECT_PROFILE": "clusterharvest"},
                                   capture_output=True, text=True, timeout=180)
        assert harvested.returncode == 0, harvested.stderr
        runs = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=30).json()
        assert [r["state_type"] for r in runs] == ["COMPLETED"], runs
    finally:
        stopped = subprocess.run(["make", "server-stop"], cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=120)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{api}/health", timeout=5)
    assert profiles()["active"] == "ops" and profiles()["profiles"]["ops"] == {
        "PREFECT_API_URL": "http://10.0.0.9:4200/api"}, profiles()


# -- a registry of many sources runs on a Prefect server: its run's tags stay within the server's limits --------

def test_a_registry_of_150_sources_ends_in_a_source_error_not_a_server_error(prefect_server, tmp_path):
    """Prefect's server refuses an event with more than 100 related resources, and every tag of a run is one: a
    run tagged with 150 source ids failed every harvest with 'unexpected PrefectHTTPStatusError ... 500'. The
    sources here fail at once (files that do not exist), so the run ends in one line naming the first of them and
    counting the rest, each in full in the run's log file the line names."""
    from clusterharvest_flows.harvest import MAX_TAGGED_SOURCES

    (tmp_path / "sources.toml").write_text("".join(
        f'[[source]]\nid = "s{n:03d}"\nurl = "missing-{n:03d}.html"\nkind = "announcement"\nlang = "en"\n'
        for n in range(150)), encoding="utf-8")
    res = cli(prefect_server, "harvest", "--sources", str(tmp_path / "sources.toml"), "--out", str(tmp_path / "out"),
              "--raw", str(tmp_path / "raw"), "--quiet", timeout=300)
    assert res.returncode == 1, res.stderr
    [line] = res.stderr.splitlines()
    said = re.fullmatch(r"clusterharvest: error: 150 sources failed: ((?:s\d{3}, )*s\d{3}) "
                        r"\(cannot read: No such file or directory\); (\d+) more \(in full: \S+\.log\)", line)
    assert said, line
    shown = said[1].split(", ")  # the first sources, as many as fit in the line
    assert shown == [f"s{n:03d}" for n in range(len(shown))] and len(shown) + int(said[2]) == 150, line
    assert len(line) <= 300 and len(shown) >= 20, line
    log = Path(line.rsplit("(in full: ", 1)[1][:-1]).read_text(encoding="utf-8")
    for n in (0, 149):
        assert f"clusterharvest: error: source s{n:03d}: cannot read {tmp_path / f'missing-{n:03d}.html'}: " \
               "No such file or directory\n" in log
    run = newest_run(prefect_server)
    assert run["state_type"] == "FAILED" and run["tags"] == ["clusterharvest"], run  # over MAX_TAGGED_SOURCES
    assert MAX_TAGGED_SOURCES < 150
