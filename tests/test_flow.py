"""The Prefect flow in-process, against the session's Prefect server: a failing task fails the run, the local
Dask cluster gives the thread runner's output, the deployments, and picklable task inputs."""

from __future__ import annotations

import pytest

from .conftest import ROOT


@pytest.fixture
def on_server(prefect_server):
    """In-process flow runs against the session's Prefect server (not a temporary one per run)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_server.url}):
        yield prefect_server
        from prefect.logging.handlers import APILogHandler

        APILogHandler().flush()  # send the runs' logs now, while the server still runs (not at exit)


def test_scheduled_deployment_is_weekly_and_runs_one_at_a_time(tmp_path):
    from clusterharvest_flows.serve import DEFAULT_CRON, SERVE_DEPLOYMENT, deployment

    d = deployment(out_dir=str(tmp_path / "out"))
    assert d.name == SERVE_DEPLOYMENT
    assert DEFAULT_CRON == "0 6 * * 1"
    assert [s.schedule.cron for s in d.schedules] == [DEFAULT_CRON]
    assert d.concurrency_limit == 1 and str(d.concurrency_options.collision_strategy).endswith("ENQUEUE")
    assert d.parameters["out_dir"] == str(tmp_path / "out")
    assert d.entrypoint.endswith("harvest.py:harvest")
    assert d.tags == ["clusterharvest", "bmbf-programme-page-en", "bmbf-flyer-2016", "announcement-round-2-2016",
                      "announcement-round-3-2017", "interspin-directory-en"], d.tags  # its runs' tags


@pytest.mark.parametrize("count", [50, 51, 200])
def test_a_run_is_tagged_with_its_source_ids_up_to_a_limit(tmp_path, count):
    """Each tag of a run is a related resource of its events, which Prefect's server limits to 100: a registry of
    up to MAX_TAGGED_SOURCES sources tags its runs (and the served deployment) with their ids, a larger one not."""
    from clusterharvest.config import load_registry
    from clusterharvest_flows.harvest import MAX_TAGGED_SOURCES, run_tags
    from clusterharvest_flows.serve import deployment

    (tmp_path / "s.toml").write_text("".join(f'[[source]]\nid = "s{n:03d}"\nurl = "s{n:03d}.html"\n'
                                             'kind = "announcement"\nlang = "en"\n' for n in range(count)))
    want = ["clusterharvest", *(f"s{n:03d}" for n in range(count) if count <= MAX_TAGGED_SOURCES)]
    assert MAX_TAGGED_SOURCES == 50 and run_tags(load_registry(tmp_path / "s.toml")) == want
    assert deployment(sources=str(tmp_path / "s.toml"), out_dir=str(tmp_path / "out")).tags == want


@pytest.mark.parametrize(("cron", "timezone", "now", "due"), [
    ("0 6 * * 1", "UTC", "2026-11-30T07:00:00", "2026-11-30T06:00:00"),  # a Monday, an hour after
    ("0 6 * * 1", "UTC", "2026-11-30T06:00:00", "2026-11-30T06:00:00"),  # the very second it falls due
    ("0 6 * * 1", "UTC", "2026-11-30T05:59:59", "2026-11-23T06:00:00"),  # just before: the Monday before
    ("0 6 * * 1", "UTC", "2026-12-06T23:00:00", "2026-11-30T06:00:00"),  # the Sunday after
    ("0 6 * * 1", "Europe/Berlin", "2026-11-30T07:00:00", "2026-11-30T05:00:00"),  # 06:00 in Berlin (CET)
    ("0 6 * * 1", "Europe/Berlin", "2026-07-06T07:00:00", "2026-07-06T04:00:00"),  # 06:00 in Berlin (CEST)
    ("* * * * * */20", "UTC", "2026-11-30T06:00:59", "2026-11-30T06:00:40"),  # with seconds: every 20 s
])
def test_the_last_time_a_schedule_fell_due(cron, timezone, now, due):
    from datetime import UTC, datetime

    from clusterharvest_flows.serve import last_due

    got = last_due(cron, timezone, datetime.fromisoformat(now).replace(tzinfo=UTC))
    assert got == datetime.fromisoformat(due).replace(tzinfo=UTC), got


def test_prefect_yaml_matches_the_served_deployment():
    import yaml

    from clusterharvest_flows.harvest import harvest
    from clusterharvest_flows.serve import DEFAULT_CRON, SERVE_DEPLOYMENT

    [spec] = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    assert spec["name"] != SERVE_DEPLOYMENT  # the two never overwrite each other
    path, name = spec["entrypoint"].split(":")
    assert (ROOT / path).is_file() and name == harvest.fn.__name__
    assert [s["cron"] for s in spec["schedules"]] == [DEFAULT_CRON]
    assert spec["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    assert set(spec["parameters"]) == {"sources", "out_dir", "raw_dir", "offline", "allow_shrink"}


def test_every_step_of_the_harvest_is_a_prefect_task(tmp_path):
    from clusterharvest.pipeline import InProcess, dataset_lock, harvest_sequence, open_context
    from clusterharvest_flows.harvest import TaskSteps

    named: list[str] = []

    class Recording(InProcess):
        def each(self, name, step, calls):
            named.append(name)
            return super().each(name, step, calls)

        def one(self, name, step, *args):
            named.append(name)
            return super().one(name, step, *args)

    ctx = open_context(ROOT / "sources.toml", tmp_path / "out", ROOT / "raw", offline=True)
    with dataset_lock(ctx.out_dir):
        harvest_sequence(ctx, Recording())
    assert "value-gates" in named and set(named) <= set(TaskSteps.TASKS), named


@pytest.mark.flow
def test_a_failing_task_fails_the_flow_run(tmp_path, on_server):
    from clusterharvest_flows.harvest import harvest

    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "gone"\nurl = "missing.html"\nkind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    state = harvest(sources=str(tmp_path / "sources.toml"), out_dir=str(tmp_path / "out"),
                    raw_dir=str(tmp_path / "raw"), offline=True, return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match="source gone"):
        state.result()
    assert not (tmp_path / "out" / "LATEST").exists()


@pytest.mark.flow
def test_the_flow_on_a_local_dask_cluster_gives_identical_output(tmp_path, on_server):
    import json

    from clusterharvest_flows.harvest import run

    args = {"sources": str(ROOT / "sources.toml"), "raw_dir": str(ROOT / "raw"), "offline": True}
    threads = run(runner="threads", out_dir=str(tmp_path / "threads"), **args)
    dask = run(runner="dask", out_dir=str(tmp_path / "dask"), **args)
    assert threads.changed and dask.changed
    for name in ("clusters.json", "programme.json"):
        a = json.loads((tmp_path / "threads" / threads.version / name).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "dask" / dask.version / name).read_text(encoding="utf-8"))
        assert a == b, name
    assert threads.version.split("-")[1] == dask.version.split("-")[1]  # same content hash


def test_task_inputs_survive_pickling_for_remote_workers():
    """A remote Dask cluster gets every task's inputs pickled: the context (with its fetcher) and parsed
    snapshots must round-trip, and a task on the other side must work with them."""
    import pickle

    from clusterharvest import pipeline

    ctx = pipeline.open_context(ROOT / "sources.toml", "/nonexistent-out", ROOT / "raw", offline=False)
    copy = pickle.loads(pickle.dumps(ctx))
    assert copy.fetcher is not None and copy.fetcher.origins == ctx.fetcher.origins
    source = next(s for s in ctx.registry.sources if s.kind == "cluster-directory")
    snapshot = pipeline.obtain(pipeline.open_context(ROOT / "sources.toml", "/x", ROOT / "raw", offline=True), source)
    parsed = pickle.loads(pickle.dumps(pipeline.parse_snapshot(source, snapshot)))
    assert len(pickle.loads(pickle.dumps(pipeline.normalise(parsed))).records) == 32


def test_unknown_runner_is_refused():
    from clusterharvest_flows.harvest import make_task_runner

    with pytest.raises(ValueError, match="unknown task runner"):
        make_task_runner("spark")


def artifacts_of(server, flow_run_id) -> dict[str, dict]:
    """A flow run's artifacts on the server, by key."""
    return {a["key"]: a for a in server.post("/artifacts/filter", {"flow_runs": {"id": {"any_": [str(flow_run_id)]}}})}


@pytest.mark.flow
def test_the_artifacts_show_the_version_its_folder_and_report_the_counts_and_every_gate(tmp_path, site, on_server):
    """The second run over the served directory (one entry changed, one new entry that cannot become a record)
    leaves: the version with its folder, report and what needs a look; each gate with its figure, its limit and
    the version it compared with. Entry-gate figures written by hand: 33 entries (32 and the quarantined one),
    32 records, against the first version's 32; the gates' defaults (sources.toml sets none here)."""
    import json

    from clusterharvest.publish import read_manifest
    from clusterharvest_flows.harvest import harvest

    srv, page = site
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nmin_interval = 0\nmax_tries = 1\n\n[[source]]\nid = "directory"\nurl = "{srv.url("/dir")}"\n'
        'kind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    out = tmp_path / "out"

    def run():
        state = harvest(sources=str(tmp_path / "sources.toml"), out_dir=str(out), raw_dir=str(tmp_path / "raw"),
                        return_state=True)
        assert state.is_completed(), state.message
        return state.result().version, artifacts_of(on_server, state.state_details.flow_run_id)

    first, _ = run()
    bad = "<h3>★★★</h3>\n<p>Target countries concept phase: France</p>\n"  # gives no id: quarantined
    html = page["body"].decode("utf-8").replace("Projektleiter TADA", "Projektleiter TADA II")
    page["body"] = html.replace("<h3>Cool Silicon</h3>", bad + "<h3>Cool Silicon</h3>").encode("utf-8")
    second, artifacts = run()
    assert set(artifacts) == {"clusterharvest-version", "clusterharvest-changelog", "clusterharvest-counts",
                              "clusterharvest-gates"}, set(artifacts)
    value_gates = read_manifest(out, second).to_json()["value_gates"]
    assert artifacts["clusterharvest-version"]["data"] == (
        f"# Published {second}\n\n| | |\n|---|---|\n"
        f"| version | `{second}` |\n"
        f"| previous | `{first}` |\n"
        f"| folder | `{out / second}` |\n"
        f"| report | [report.html]({(out / second / 'report.html').as_uri()}) |\n"
        "| records | 32 clusters: 0 added, 0 removed, 1 modified |\n"
        "| quarantined entries | 1 |\n"
        "| link issues | 0 |\n"
        "| failed checks | 0 |\n"
        "| gates | 15 gates checked: all passed (artifact clusterharvest-gates) |\n")
    counts = {row["measure"]: row["value"] for row in json.loads(artifacts["clusterharvest-counts"]["data"])}
    assert {k: counts[k] for k in ("added", "removed", "modified", "quarantined", "link_issues", "failed_checks")} \
        == {"added": 0, "removed": 0, "modified": 1, "quarantined": 1, "link_issues": 0, "failed_checks": 0}, counts

    def row(gate, metric, figure, limit, of=None, then=None, version=None, of_then=None):
        return {"source": "directory", "gate": gate, "metric": metric, "figure": figure, "of": of, "limit": limit,
                "compared_with": version, "figure_then": then, "of_then": of_then, "passed": True, "overridden": None}

    rows = json.loads(artifacts["clusterharvest-gates"]["data"])
    assert rows[:6] == [
        row("max_growth", "entries", 33, 3.0, then=32, version=first),
        row("max_duplicates", "repeated", 0, 0, of=33),
        row("min_entries", "entries", 33, 1),
        row("max_shrink", "entries", 33, 0.1, then=32, version=first),
        row("max_quarantined", "quarantined", 1, 0.1, of=33),
        row("min_entries", "records", 32, 1),
    ], rows[:6]
    # the value gates, as the manifest records them: eight values (targets in either phase and in each, the
    # person, phone, e-mail, address, description) and the issues, all against the first version
    assert [(r["gate"], r["metric"], r["compared_with"]) for r in rows[6:]] == \
        [("max_value_loss", m, first) for m in ("target_countries", "concept_targets", "implementation_targets",
                                                 "contact_person", "phone", "email", "address", "description")] \
        + [("max_new_issues", "issues", first)], rows[6:]
    assert [(r["figure"], r["of"], r["figure_then"], r["of_then"], r["limit"]) for r in rows[6:]] == \
        [(g["now"]["count"], g["now"]["of"], g["before"]["count"], g["before"]["of"], g["limit"]) for g in value_gates]
    assert artifacts["clusterharvest-gates"]["description"] == "15 gates checked: all passed"


@pytest.mark.flow
def test_the_heartbeats_a_run_sends_itself_come_every_interval_and_stop_at_its_end(on_server):
    """``run`` takes the flow-run heartbeat over from Prefect (whose thread sleeps in one-second steps that a run
    ending waits out): a beat at the start and one every interval, none after the run."""
    import threading
    import time

    from prefect import flow
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from clusterharvest_flows.harvest import HEARTBEATS, heartbeats

    from .prefect_server import wait_for

    @flow(name="heartbeats")
    def beating() -> str:
        with heartbeats():
            time.sleep(2.5)
        context = FlowRunContext.get()
        assert context is not None and context.flow_run is not None
        return str(context.flow_run.id)

    every = HEARTBEATS.set(1)
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            run_id = beating()
    finally:
        HEARTBEATS.reset(every)
    assert "clusterharvest-heartbeat" not in [t.name for t in threading.enumerate()]

    def beats() -> list[dict]:
        return list(on_server.post("/events/filter", {"filter": {
            "event": {"name": ["prefect.flow-run.heartbeat"]},
            "resource": {"id": [f"prefect.flow-run.{run_id}"]}}})["events"])

    wait_for(lambda: len(beats()) >= 3, 30, "three heartbeats")
    time.sleep(1.5)  # none comes later
    assert len(beats()) == 3, beats()
