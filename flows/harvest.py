"""The harvest as a Prefect flow: thin tasks over ``clusterharvest.pipeline``.

fetch (per source, concurrently, retried when transient) -> parse -> normalise -> validate -> combine
-> publish. Every future is waited on, so a failed task always fails the flow, and the
flow's exception is the task's own (a ``HarvestError`` naming the source).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect import serve as prefect_serve
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.futures import wait
from prefect.task_runners import ThreadPoolTaskRunner

from clusterharvest import pipeline
from clusterharvest.config import Source
from clusterharvest.diff import CHANGE_KINDS, change_counts, to_markdown
from clusterharvest.errors import FetchError
from clusterharvest.publish import read_changes, read_manifest
from clusterharvest.store import Snapshot

MAX_WORKERS = 4


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a fetch task only when its failure may pass (timeouts, 5xx): a refused host or a 404 won't."""
    try:
        state.result()
    except FetchError as exc:
        return exc.transient
    except Exception:
        return False
    return False


RUNNERS = ("threads", "dask")


def make_task_runner(runner: str = "threads", dask_address: str | None = None, dask_workers: int = 2) -> Any:
    """The task runner: threads (bounded), or Dask: the cluster at ``dask_address`` (``tcp://host:8786``),
    else a local cluster of ``dask_workers`` workers started for the run."""
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=MAX_WORKERS)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner  # optional: only needed for this runner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # A local cluster's workers run in this process: they share the run's Prefect API (with an ephemeral
        # server, worker processes would each need their own). A remote cluster needs PREFECT_API_URL set
        # to a Prefect server that its workers can reach.
        return DaskTaskRunner(cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 2,
                                              "processes": False, "dashboard_address": None})
    raise ValueError(f"unknown task runner {runner!r}; choose one of {', '.join(RUNNERS)}")


# The context holds a live HTTP session: not hashable, so no task caching (NO_CACHE).
@task(name="fetch", retries=2, retry_delay_seconds=[5, 30], retry_condition_fn=retry_if_transient,
      cache_policy=NO_CACHE)
def fetch_task(ctx: pipeline.Context, source: Source) -> Snapshot:
    """Obtain one source's snapshot."""
    return pipeline.obtain(ctx, source)


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(source: Source, snapshot: Snapshot) -> pipeline.Parsed:
    """Parse one snapshot."""
    return pipeline.parse_snapshot(source, snapshot)


@task(name="gates", cache_policy=NO_CACHE)
def gates_task(ctx: pipeline.Context, parsed: list[pipeline.Parsed]) -> None:
    """Stop the run when a directory's entry count breaks its publish gates."""
    pipeline.check_gates(ctx, parsed)


@task(name="normalise", cache_policy=NO_CACHE)
def normalise_task(parsed: pipeline.Parsed) -> pipeline.Batch:
    """Records from one parsed source."""
    return pipeline.normalise(parsed)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(ctx: pipeline.Context, records: list[pipeline.Batch]) -> pipeline.Validated:
    """Combine and check all records."""
    return pipeline.validate(ctx, records)


@task(name="combine", cache_policy=NO_CACHE)
def combine_task(ctx: pipeline.Context, validated: pipeline.Validated,
                 parsed: list[pipeline.Parsed]) -> pipeline.Combined:
    """Link announced clusters, build the programme record, run the cross-source checks."""
    return pipeline.combine(ctx, validated, parsed)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(ctx: pipeline.Context, combined: pipeline.Combined, parsed: list[pipeline.Parsed]) -> dict[str, Any]:
    """Write the version."""
    result = pipeline.publish(ctx, combined, parsed)
    return {"version": result.version, "changed": result.changed, "previous": result.previous,
            "path": str(result.path) if result.path else None, "clusters": len(combined.clusters)}


def results(futures: list[Any]) -> list[Any]:
    """Wait for every future, then return their results; the first failure raises."""
    wait(futures)
    return [f.result() for f in futures]


@task(name="report", cache_policy=NO_CACHE)
def report_task(ctx: pipeline.Context, outcome: dict[str, Any], snapshots: list[Snapshot]) -> dict[str, Any]:
    """Leave the run's changelog (Markdown) and counts (table) as Prefect artifacts; return the counts."""
    changes = read_changes(ctx.out_dir, outcome["version"]) if outcome["changed"] else None
    if changes is not None:
        markdown = to_markdown(changes)
    elif outcome["changed"]:
        markdown = f"# First version {outcome['version']}\n\n{outcome['clusters']} clusters published.\n"
    else:
        markdown = f"# No changes\n\nNothing changed since {outcome['version']}; no version was written.\n"
    counts = {
        "sources": len(snapshots),
        "fetched": sum(1 for s in snapshots if s.method == "fetched" and not s.not_modified),
        "not_modified_304": sum(1 for s in snapshots if s.not_modified),
        "parsed": outcome.get("parsed", 0),
        "records": outcome["clusters"],
        **{k: v for k, v in (change_counts(changes) if changes else dict.fromkeys(CHANGE_KINDS, 0)).items()
           if k != "programme"},
    }
    create_markdown_artifact(key="clusterharvest-changelog", markdown=markdown,
                             description=f"Changes published as {outcome['version']}")
    create_table_artifact(key="clusterharvest-counts", table=[{"measure": k, "value": v} for k, v in counts.items()],
                          description="What this harvest run did")
    return counts


@flow(name="clusterharvest", task_runner=make_task_runner(), log_prints=False)
def harvest(sources: str = "sources.toml", out_dir: str = "normalized", raw_dir: str = "raw",
            offline: bool = False, allow_shrink: bool = False) -> dict[str, Any]:
    """Harvest every registered source and publish a version if anything changed.

    Snapshots identical to those ``LATEST`` was made from (same code, same configuration) are not parsed
    again: the run ends with "no changes" right after fetching.

    Args:
        sources: the source registry (``sources.toml``).
        out_dir: dataset root for versions and ``LATEST``.
        raw_dir: the raw store.
        offline: no network: replay the newest stored snapshot of each http(s) source.
        allow_shrink: publish even if a directory has fewer entries than its gates allow.
    """
    ctx = pipeline.open_context(Path(sources), Path(out_dir), Path(raw_dir), offline=offline,
                                allow_shrink=allow_shrink)
    with pipeline.dataset_lock(ctx.out_dir):
        srcs = list(ctx.registry.sources)
        snapshots = results([fetch_task.submit(ctx, s) for s in srcs])
        unchanged = pipeline.unchanged_since(ctx, snapshots)
        if unchanged:
            counts = read_manifest(ctx.out_dir, unchanged).get("counts", {})
            outcome = {"version": unchanged, "changed": False, "previous": unchanged, "path": None,
                       "clusters": counts.get("clusters", 0), "parsed": 0}
        else:
            parsed = results([parse_task.submit(s, snap) for s, snap in zip(srcs, snapshots, strict=True)])
            gates_task(ctx, parsed)
            records = results([normalise_task.submit(p) for p in parsed])
            validated = validate_task(ctx, records)
            combined = combine_task(ctx, validated, parsed)
            outcome = {**publish_task(ctx, combined, parsed), "parsed": len(parsed)}
        outcome["counts"] = report_task(ctx, outcome, snapshots)
        outcome["archived"] = [{"source": s.source_id, "as_of": s.extra.get("as_of"),
                                "capture_url": s.extra.get("capture_url"), "reason": s.extra.get("live_error")}
                               for s in snapshots if s.extra.get("via") == "archive"]
    return outcome


def run(runner: str = "threads", dask_address: str | None = None, **params: Any) -> dict[str, Any]:
    """Run the harvest flow on the chosen task runner (same parameters as ``harvest``)."""
    if runner == "threads" and not dask_address:
        return harvest(**params)
    flow_with_runner = harvest.with_options(task_runner=make_task_runner(runner, dask_address))
    return flow_with_runner(**params)


DEFAULT_CRON = "0 6 * * 1"  # weekly, Mondays 06:00 (UTC)


def deployment(cron: str = DEFAULT_CRON, sources: str = "sources.toml", out_dir: str = "normalized",
               raw_dir: str = "raw", offline: bool = False, allow_shrink: bool = False,
               name: str = "scheduled-harvest") -> RunnerDeployment:
    """The scheduled deployment: a cron schedule, one run at a time (a run due while one is running waits)."""
    return harvest.to_deployment(  # type: ignore[return-value]  # sync call: a RunnerDeployment, not a coroutine
        name=name, cron=cron,
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        parameters={"sources": str(Path(sources).resolve()), "out_dir": str(Path(out_dir).resolve()),
                    "raw_dir": str(Path(raw_dir).resolve()), "offline": offline, "allow_shrink": allow_shrink},
        description="Harvest the BMBF cluster internationalisation sources and publish what changed.",
        tags=["clusterharvest"])


def serve(**kwargs: Any) -> None:
    """Serve the scheduled deployment in this process until interrupted (one run at a time)."""
    prefect_serve(deployment(**kwargs), limit=1)


if __name__ == "__main__":
    print(harvest(offline=True))
