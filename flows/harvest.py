"""The harvest as a Prefect flow: thin tasks over ``clusterharvest.pipeline``.

fetch (per source, concurrently, retried when transient) -> parse -> normalise -> validate -> combine
-> publish. Every future is waited on, so a failed task always fails the flow, and the
flow's exception is the task's own (a ``HarvestError`` naming the source).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import wait
from prefect.task_runners import ThreadPoolTaskRunner

from clusterharvest import pipeline
from clusterharvest.config import Source
from clusterharvest.errors import FetchError
from clusterharvest.models import Cluster
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


@task(name="normalise", cache_policy=NO_CACHE)
def normalise_task(parsed: pipeline.Parsed) -> list[Cluster]:
    """Records from one parsed source."""
    return pipeline.normalise(parsed)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(ctx: pipeline.Context, records: list[list[Cluster]]) -> list[Cluster]:
    """Combine and check all records."""
    return pipeline.validate(ctx, records)


@task(name="combine", cache_policy=NO_CACHE)
def combine_task(ctx: pipeline.Context, clusters: list[Cluster], parsed: list[pipeline.Parsed]) -> pipeline.Combined:
    """Link announced clusters, build the programme record, run the cross-source checks."""
    return pipeline.combine(ctx, clusters, parsed)


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


@flow(name="clusterharvest", task_runner=ThreadPoolTaskRunner(max_workers=MAX_WORKERS),  # type: ignore[arg-type]
      log_prints=False)
def harvest(sources: str = "sources.toml", out_dir: str = "normalized", raw_dir: str = "raw",
            offline: bool = False) -> dict[str, Any]:
    """Harvest every registered source and publish a version if anything changed.

    Args:
        sources: the source registry (``sources.toml``).
        out_dir: dataset root for versions and ``LATEST``.
        raw_dir: the raw store.
        offline: no network: replay the newest stored snapshot of each http(s) source.
    """
    ctx = pipeline.open_context(Path(sources), Path(out_dir), Path(raw_dir), offline=offline)
    srcs = list(ctx.registry.sources)
    snapshots = results([fetch_task.submit(ctx, s) for s in srcs])
    parsed = results([parse_task.submit(s, snap) for s, snap in zip(srcs, snapshots, strict=True)])
    records = results([normalise_task.submit(p) for p in parsed])
    clusters = validate_task(ctx, records)
    combined = combine_task(ctx, clusters, parsed)
    return publish_task(ctx, combined, parsed)


if __name__ == "__main__":
    print(harvest(offline=True))
