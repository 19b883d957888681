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
    from clusterharvest_flows.harvest import DEFAULT_CRON, SERVE_DEPLOYMENT, deployment

    d = deployment(out_dir=str(tmp_path / "out"))
    assert d.name == SERVE_DEPLOYMENT
    assert DEFAULT_CRON == "0 6 * * 1"
    assert [s.schedule.cron for s in d.schedules] == [DEFAULT_CRON]
    assert d.concurrency_limit == 1 and str(d.concurrency_options.collision_strategy).endswith("ENQUEUE")
    assert d.parameters["out_dir"] == str(tmp_path / "out")
    assert d.entrypoint.endswith("harvest.py:harvest")
    assert d.tags == ["clusterharvest", "bmbf-programme-page-en", "bmbf-flyer-2016", "announcement-round-2-2016",
                      "announcement-round-3-2017", "interspin-directory-en"], d.tags  # its runs' tags


def test_prefect_yaml_matches_the_served_deployment():
    import yaml

    from clusterharvest_flows.harvest import DEFAULT_CRON, SERVE_DEPLOYMENT, harvest

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
