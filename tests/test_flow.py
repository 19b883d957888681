"""The Prefect flow in-process (a few runs only: each starts a temporary server): artifacts, the
short-circuit of an unchanged re-run, and the scheduled deployment."""

from __future__ import annotations

import os

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def quiet_prefect():
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


@pytest.mark.flow
def test_runs_leave_changelog_and_counts_artifacts(tmp_path, quiet_prefect):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, TaskRunFilter
    from prefect.client.schemas.sorting import ArtifactSort

    from flows.harvest import harvest

    args = {"sources": str(ROOT / "sources.toml"), "out_dir": str(tmp_path / "out"), "raw_dir": str(ROOT / "raw"),
            "offline": True}
    first = harvest(**args)
    assert first["changed"] and first["counts"]["records"] == 32 and first["counts"]["parsed"] == 5
    second = harvest(**args)
    assert not second["changed"] and second["version"] == first["version"]
    assert second["counts"]["parsed"] == 0  # unchanged snapshots: no parse work
    with get_client(sync_client=True) as client:
        def latest(key: str) -> str:
            # every filter given: this server rejects the client's nulls for the ones left out
            found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                                          flow_run_filter=FlowRunFilter(), task_run_filter=TaskRunFilter(),
                                          sort=ArtifactSort.CREATED_DESC, limit=1, offset=0)
            return str(found[0].data)
        assert f"Nothing changed since {first['version']}" in latest("clusterharvest-changelog")
        assert "not_modified_304" in latest("clusterharvest-counts")


def test_scheduled_deployment_is_weekly_and_runs_one_at_a_time(tmp_path, quiet_prefect):
    from flows.harvest import DEFAULT_CRON, deployment

    d = deployment(out_dir=str(tmp_path / "out"))
    assert DEFAULT_CRON == "0 6 * * 1"
    assert [s.schedule.cron for s in d.schedules] == [DEFAULT_CRON]
    assert d.concurrency_limit == 1 and str(d.concurrency_options.collision_strategy).endswith("ENQUEUE")
    assert d.parameters["out_dir"] == str(tmp_path / "out")
    assert d.entrypoint.endswith("harvest.py:harvest")


def test_prefect_yaml_matches_the_served_deployment():
    import yaml

    from flows.harvest import DEFAULT_CRON, harvest

    [spec] = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    path, name = spec["entrypoint"].split(":")
    assert (ROOT / path).is_file() and name == harvest.fn.__name__
    assert [s["cron"] for s in spec["schedules"]] == [DEFAULT_CRON]
    assert spec["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    assert set(spec["parameters"]) == {"sources", "out_dir", "raw_dir", "offline", "allow_shrink"}


@pytest.mark.flow
def test_a_failing_task_fails_the_flow_run(tmp_path, quiet_prefect):
    from flows.harvest import harvest

    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "gone"\nurl = "missing.html"\nkind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
    state = harvest(sources=str(tmp_path / "sources.toml"), out_dir=str(tmp_path / "out"),
                    raw_dir=str(tmp_path / "raw"), offline=True, return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match="source gone"):
        state.result()
    assert not (tmp_path / "out" / "LATEST").exists()


@pytest.mark.flow
def test_the_flow_on_a_local_dask_cluster_gives_identical_output(tmp_path, quiet_prefect):
    import json

    from flows.harvest import run

    args = {"sources": str(ROOT / "sources.toml"), "raw_dir": str(ROOT / "raw"), "offline": True}
    threads = run(runner="threads", out_dir=str(tmp_path / "threads"), **args)
    dask = run(runner="dask", out_dir=str(tmp_path / "dask"), **args)
    assert threads["changed"] and dask["changed"]
    for name in ("clusters.json", "programme.json"):
        a = json.loads((tmp_path / "threads" / threads["version"] / name).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "dask" / dask["version"] / name).read_text(encoding="utf-8"))
        assert a == b, name
    assert threads["version"].split("-")[1] == dask["version"].split("-")[1]  # same content hash


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
    from flows.harvest import make_task_runner

    with pytest.raises(ValueError, match="unknown task runner"):
        make_task_runner("spark")
