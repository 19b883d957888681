"""``clusterharvest serve``: the harvest's scheduled deployment, served from this process.

Prefect's ``serve`` pauses the deployment when it stops (the server deletes its scheduled runs), and a
restart schedules from then on: a run that fell due meanwhile would be lost without a word. So at start-up,
before serving, a run missed while nothing served the deployment is caught up, once:

- scheduled runs already due (left behind, Late, by a serve that was killed rather than stopped, or an
  earlier catch-up it never ran) are cancelled, so that none of them runs besides the catch-up;
- when the schedule fell due after the last completed run of the deployment was due (after the deployment
  was created, when no run has completed yet), one catch-up run is created, tagged ``catch-up``, and the
  process says so on stderr.

SIGTERM and SIGINT stop it the same way: the runner stops polling, a run in progress is cancelled, and the
deployment is paused.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import (
    ConcurrencyLimitConfig,
    ConcurrencyLimitStrategy,
    FlowRun,
    StateType,
)
from prefect.client.schemas.sorting import FlowRunSort
from prefect.deployments.runner import RunnerDeployment
from prefect.runner import Runner
from prefect.states import Cancelled, Scheduled

from clusterharvest.config import load_registry
from clusterharvest_flows.harvest import harvest, run_tags

SERVE_DEPLOYMENT = "served-harvest"  # `clusterharvest serve`; prefect.yaml's deployment is "pool-harvest"
DEFAULT_CRON = "0 6 * * 1"  # weekly, Mondays 06:00 (UTC)
CATCH_UP_TAG = "catch-up"
# The server's scheduler creates the runs due from a second before its "now": a due time that has just passed
# may still get its own run, so the catch-up looks only this many seconds after a due time.
DUE_MARGIN = 2.0

log = logging.getLogger("clusterharvest.serve")


def deployment(cron: str = DEFAULT_CRON, sources: str = "sources.toml", out_dir: str = "normalized",
               raw_dir: str = "raw", offline: bool = False, allow_shrink: bool = False,
               name: str = SERVE_DEPLOYMENT) -> RunnerDeployment:
    """The scheduled deployment: a cron schedule (UTC), one run at a time (a run due while one is running
    waits), its runs tagged as ``harvest.run_tags`` says (``clusterharvest``, and the source ids of a registry of
    at most ``MAX_TAGGED_SOURCES``)."""
    return harvest.to_deployment(  # sync call: a RunnerDeployment, not a coroutine
        name=name, cron=cron,
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        parameters={"sources": str(Path(sources).resolve()), "out_dir": str(Path(out_dir).resolve()),
                    "raw_dir": str(Path(raw_dir).resolve()), "offline": offline, "allow_shrink": allow_shrink},
        description="Harvest the BMBF cluster internationalisation sources and publish what changed.",
        tags=run_tags(load_registry(sources)))


def validate_cron(cron: str) -> None:
    """A ValueError saying why ``cron`` is no schedule Prefect accepts."""
    from prefect._internal.schemas.validators import validate_cron_string

    validate_cron_string(cron)


def prefect_api() -> tuple[str | None, str | None]:
    """(the configured Prefect API URL, why it cannot be used): None for the URL when none is configured."""
    import httpx

    from clusterharvest_flows.server import api_url

    url = api_url()
    if not url:
        return None, "no Prefect server is configured (PREFECT_API_URL)"
    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=5.0).raise_for_status()
    except httpx.HTTPError as exc:
        return url, f"the Prefect server at {url} does not answer ({type(exc).__name__})"
    return url, None


def last_due(cron: str, timezone: str, now: datetime) -> datetime:
    """The last time at or before ``now`` that ``cron`` fell due in ``timezone`` (as UTC), computed by the
    cron library Prefect's scheduler uses."""
    from prefect._vendor.croniter import croniter

    after = now.astimezone(ZoneInfo(timezone)).replace(microsecond=0) + timedelta(seconds=1)
    return croniter(cron, after).get_prev(datetime).astimezone(UTC)  # the last due time before ``after``


def when(moment: datetime) -> str:
    """A time as the log says it: ``2026-11-30 06:00:00 UTC``."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


async def runs_of(client: PrefectClient, deployment_id: UUID, state: StateType, sort: FlowRunSort,
                  before: datetime | None = None, limit: int | None = None) -> list[FlowRun]:
    """The deployment's flow runs in a state (expected to start at or before ``before``)."""
    return await client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[state])),
                                      expected_start_time=FlowRunFilterExpectedStartTime(before_=before)),
        sort=sort, limit=limit)


async def catch_up(client: PrefectClient, deployment_id: UUID, cron: str) -> FlowRun | None:
    """Run the harvest once now if the schedule fell due since the deployment's last completed run was due,
    after cancelling the scheduled runs already due (see the module's docstring). Returns the catch-up run."""
    served = await client.read_deployment(deployment_id)
    timezone = next((getattr(s.schedule, "timezone", None) for s in served.schedules), None) or "UTC"
    now = datetime.now(UTC)
    due = last_due(cron, timezone, now)
    if (now - due).total_seconds() < DUE_MARGIN:
        await asyncio.sleep(DUE_MARGIN - (now - due).total_seconds())
        now = datetime.now(UTC)
    missed = [r for r in await runs_of(client, deployment_id, StateType.SCHEDULED, FlowRunSort.EXPECTED_START_TIME_ASC,
                                       before=now)
              if r.auto_scheduled or CATCH_UP_TAG in r.tags]
    completed = await runs_of(client, deployment_id, StateType.COMPLETED, FlowRunSort.EXPECTED_START_TIME_DESC,
                              limit=1)
    last = completed[0] if completed else None
    since = last.expected_start_time if last else served.created
    before = f"the last completed run, {last.name}, was due at {when(since)}" if last and since else \
        f"the deployment, created at {when(since) if since else '?'}, has no completed run"
    if since is not None and since >= due and not missed:
        log.info("no run missed: the schedule %r last fell due at %s, and %s", cron, when(due), before)
        return None
    caught = await client.create_flow_run_from_deployment(
        deployment_id, tags=[CATCH_UP_TAG],
        state=Scheduled(message=f"Catch-up for the run due at {when(due)}, which did not run"))
    for run in missed:
        await client.set_flow_run_state(run.id, Cancelled(message=f"Missed while not served; the catch-up run "
                                                                   f"{caught.name} ({caught.id}) replaces it"),
                                        force=True)
    cancelled = f"; {len(missed)} missed scheduled run(s) cancelled (due at " \
                f"{', '.join(when(r.expected_start_time) for r in missed if r.expected_start_time)})" if missed else ""
    log.warning("catch-up: the schedule %r fell due at %s and no run due since has completed (%s): running the "
                "harvest once now, flow run %s (%s)%s", cron, when(due), before, caught.name, caught.id, cancelled)
    return caught


class ServeRunner(Runner):
    """Prefect's ``Runner`` with its SIGTERM handler replaced by ``on_signal``: Prefect's calls the async
    ``stop`` without awaiting it ("coroutine 'Runner.astop' was never awaited") and exits from inside the
    handler, before the deployment is paused."""

    def __init__(self, on_signal: Callable[[signal.Signals], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_signal = on_signal

    def handle_sigterm(self, *args: Any) -> None:
        self.on_signal(signal.SIGTERM)  # ``start`` installs this one for SIGTERM


async def aserve(served: RunnerDeployment, cron: str) -> None:
    """Register the deployment, catch up a missed run, and serve until SIGTERM or SIGINT: either stops the
    polling, cancels a run in progress and pauses the deployment (at start-up too)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    asked: list[signal.Signals] = []

    def requested(signum: signal.Signals) -> None:
        # Once: after ``start`` both its SIGTERM handler and the loop's (woken by the same signal) call this.
        if not asked:
            log.info("%s: stopping (a run in progress is cancelled; the deployment is paused)", signum.name)
        asked.append(signum)
        loop.call_soon_threadsafe(stop.set)

    runner = ServeRunner(requested, limit=1, pause_on_shutdown=True)
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, requested, signum)
    deployment_id = await runner.aadd_deployment(served)
    async with get_client() as client:
        await catch_up(client, deployment_id, cron)
        if stop.is_set():  # stopped while starting: the deployment is left as a stop leaves it
            await client.pause_deployment(deployment_id)
            return
    serving = asyncio.create_task(runner.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if stopping.done():
        while not runner.started and not serving.done():
            await asyncio.sleep(0.05)
        if runner.started:
            await runner.astop()
    else:
        stopping.cancel()
    await serving


def serve(cron: str = DEFAULT_CRON, **kwargs: Any) -> None:
    """Serve the scheduled deployment in this process until SIGTERM or SIGINT (one run at a time), after
    catching up a run the schedule missed while it was not served (``catch_up``)."""
    asyncio.run(aserve(deployment(cron=cron, **kwargs), cron))
