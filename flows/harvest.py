"""The harvest as a Prefect flow: thin tasks over ``clusterharvest.pipeline``.

fetch (per source, concurrently) -> parse -> gates -> normalise -> validate -> combine -> value-gates ->
publish, then the run's artifacts (``artifacts.py``). Every future is waited on, so a failed task always fails
the flow, and the flow's exception is the task's own (a ``HarvestError`` naming the source). The tasks'
inputs are the data flow and nothing else (``TaskSteps``); a run is named by when it was due and its mode,
and tagged with the source ids.

Retries live in one layer: the fetcher's (``max_tries`` in ``sources.toml``, honouring ``Retry-After``
and the total deadline); the Prefect tasks do not retry on top of it. The library's log records (logger
``clusterharvest``) become the run's logs on the Prefect server.
"""

from __future__ import annotations

import contextvars
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import prefect
from prefect import flow, tags, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TagsContext, TaskRunContext
from prefect.events import RelatedResource, emit_event
from prefect.events.related import tags_as_related_resources
from prefect.futures import wait
from prefect.logging.handlers import APILogHandler
from prefect.logging.loggers import flow_run_logger
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import BaseAnnotation, opaque, quote

from clusterharvest import pipeline
from clusterharvest.config import Registry, Source, load_registry
from clusterharvest.errors import ConfigError
from clusterharvest.publish import PublishResult
from clusterharvest.store import Snapshot
from clusterharvest_flows.artifacts import leave_artifacts

MAX_WORKERS = 4
LIBRARY_LOGGER = "clusterharvest"
TAG = "clusterharvest"  # every harvest run's tag, besides its sources' ids
# Prefect's server refuses an event with more than 100 related resources (PREFECT_SERVER_EVENTS_MAXIMUM_RELATED_
# RESOURCES), and each tag of a run is one, beside the flow, the run, a deployment and its pool and queue: a run is
# tagged with its sources' ids only up to this many sources (a registry may have config.MAX_SOURCES, 200).
MAX_TAGGED_SOURCES = 50
DASK_CONNECT_TIMEOUT = 5.0  # seconds to reach a Dask scheduler
DASK_WORKER_WAIT = 30.0  # seconds to wait for a Dask scheduler to have a worker
# Seconds between the run's heartbeats when ``run`` sends them itself instead of Prefect (``heartbeats``).
HEARTBEATS: contextvars.ContextVar[int | None] = contextvars.ContextVar("clusterharvest_heartbeats", default=None)


class RunLogHandler(APILogHandler):
    """Sends the library's records to the Prefect API as the current flow or task run's logs; records
    outside any run (e.g. the command line's own checks) are not sent."""

    def emit(self, record: logging.LogRecord) -> None:
        if FlowRunContext.get() is not None or TaskRunContext.get() is not None:
            super().emit(record)


def attach_library_logging() -> None:
    """Make the library's ``logging`` records Prefect run logs (what ``PREFECT_LOGGING_EXTRA_LOGGERS`` does,
    but independent of how the process was started: CLI, ``serve``, a worker or a Dask worker)."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    if not any(isinstance(h, RunLogHandler) for h in logger.handlers):
        logger.addHandler(RunLogHandler())
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


attach_library_logging()


RUNNERS = ("threads", "dask")


def make_task_runner(runner: str = "threads", dask_address: str | None = None, dask_workers: int = 2,
                     verbose: bool = False) -> Any:
    """The task runner: threads (bounded), or Dask: the cluster at ``dask_address`` (``tcp://host:8786``),
    else a local cluster of ``dask_workers`` workers started for the run (its logs at INFO with ``verbose``,
    else at WARNING)."""
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=MAX_WORKERS)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner  # optional: only needed for this runner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # A local cluster's workers run in this process over in-process transports: no TCP listener, no
        # dashboard, and they share the run's Prefect API. Distributed's INFO chatter stays off.
        return DaskTaskRunner(cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 2,
                                              "processes": False, "dashboard_address": None,
                                              "silence_logs": logging.INFO if verbose else logging.WARNING})
    raise ValueError(f"unknown task runner {runner!r}; choose one of {', '.join(RUNNERS)}")


def check_dask_scheduler(address: str, connect_timeout: float = DASK_CONNECT_TIMEOUT,
                         worker_wait: float = DASK_WORKER_WAIT) -> int:
    """Fail fast, with one line, on a Dask scheduler that cannot run the harvest: unreachable within
    ``connect_timeout`` seconds, or without a worker after ``worker_wait`` seconds. Returns its workers."""
    from distributed import Client

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:  # a plain TCP connect first: a refused or unroutable address fails in seconds, not after retries
        socket.create_connection((parts.hostname or "", parts.port or 8786), timeout=connect_timeout).close()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        with Client(address, timeout=connect_timeout, set_as_default=False) as client:
            try:
                client.wait_for_workers(1, timeout=worker_wait)
            except TimeoutError:
                raise ConfigError(f"the Dask scheduler at {address} has no worker (waited {worker_wait:g} s); "
                                  "start one with `dask worker " + address + "`") from None
            return len(client.scheduler_info(n_workers=-1)["workers"])
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - distributed's connection errors are many; all mean the same
        raise ConfigError(f"cannot use the Dask scheduler at {address}: {exc}") from None


def source_run_name(step: str) -> Callable[..., str]:
    """The task run's name, ``step[<source id>]``, from its ``source`` or ``parsed`` argument. A callable, not
    a template: a task run on Dask is named before Prefect unwraps its arguments' annotations (``TaskSteps``)."""

    def name(parameters: dict[Any, Any]) -> str:
        given = [v.unwrap() if isinstance(v, BaseAnnotation) else v for v in parameters.values()]
        source = next(v if isinstance(v, Source) else v.source for v in given
                      if isinstance(v, Source) or isinstance(getattr(v, "source", None), Source))
        return f"{step}[{source.id}]"

    return name


# The context holds a live HTTP session: not hashable, so no task caching (NO_CACHE). No retries here: the
# fetcher retries transient failures itself (max_tries, Retry-After), and a second layer would multiply them.
@task(name="fetch", task_run_name=source_run_name("fetch"), cache_policy=NO_CACHE)
def fetch_task(ctx: pipeline.Context, source: Source) -> Snapshot:
    """Obtain one source's snapshot."""
    return pipeline.obtain(ctx, source)


@task(name="parse", task_run_name=source_run_name("parse"), cache_policy=NO_CACHE)
def parse_task(source: Source, snapshot: Snapshot) -> pipeline.Parsed:
    """Parse one snapshot."""
    return pipeline.parse_snapshot(source, snapshot)


@task(name="gates", task_run_name="gates", cache_policy=NO_CACHE)
def gates_task(ctx: pipeline.Context, parsed: list[pipeline.Parsed]) -> list[pipeline.Parsed]:
    """Stop the run when a source's figures break its publish gates; pass the checked sources on."""
    return pipeline.check_gates(ctx, parsed)


@task(name="normalise", task_run_name=source_run_name("normalise"), cache_policy=NO_CACHE)
def normalise_task(parsed: pipeline.Parsed) -> pipeline.Batch:
    """Records from one parsed source."""
    return pipeline.normalise(parsed)


@task(name="validate", task_run_name="validate", cache_policy=NO_CACHE)
def validate_task(ctx: pipeline.Context, records: list[pipeline.Batch]) -> pipeline.Validated:
    """Combine and check all records."""
    return pipeline.validate(ctx, records)


@task(name="combine", task_run_name="combine", cache_policy=NO_CACHE)
def combine_task(ctx: pipeline.Context, validated: pipeline.Validated,
                 parsed: list[pipeline.Parsed]) -> pipeline.Combined:
    """Link announced clusters, build the programme record, run the cross-source checks."""
    return pipeline.combine(ctx, validated, parsed)


@task(name="value-gates", task_run_name="value-gates", cache_policy=NO_CACHE)
def value_gates_task(ctx: pipeline.Context, combined: pipeline.Combined) -> pipeline.Combined:
    """Stop the run when the records would lose values (countries, persons, phones, ...) or gain many issues."""
    return pipeline.check_values(ctx, combined)


@task(name="publish", task_run_name="publish", cache_policy=NO_CACHE)
def publish_task(ctx: pipeline.Context, combined: pipeline.Combined,
                 parsed: list[pipeline.Parsed]) -> PublishResult:
    """Write the version."""
    return pipeline.publish(ctx, combined, parsed)


class Quoted(quote):
    """Prefect's ``quote``, kept when pickled for a Dask worker (Prefect's annotations are tuples that come back
    wrapping a tuple of their value)."""

    __slots__ = ()

    def __getnewargs__(self) -> tuple[Any]:
        return (self.unwrap(),)


class Opaque(opaque):
    """Prefect's ``opaque``, kept when pickled for a Dask worker (see ``Quoted``)."""

    __slots__ = ()

    def __getnewargs__(self) -> tuple[Any]:
        return (self.unwrap(),)


class TaskSteps:
    """The harvest's steps as Prefect tasks: per-source steps submitted to the task runner and every future
    waited on (so a failed task fails the flow run), the others run as tasks in the flow's process.

    The task graph is the data flow. An argument that an earlier step returned is passed as that step's
    future (a per-source step, whose result may come from another process) or ``opaque`` (a step run here,
    whose results Prefect tracks itself), so a task's inputs name the tasks its data came from, never what
    that data holds; everything else (the context, a source's configuration) is quoted: no input at all.
    """

    TASKS: dict[str, Any] = {"fetch": fetch_task, "parse": parse_task, "gates": gates_task,
                             "normalise": normalise_task, "validate": validate_task, "combine": combine_task,
                             "value-gates": value_gates_task, "publish": publish_task}

    def __init__(self) -> None:
        # id of a value a step returned -> (the value, kept so its id stays its own; its future, if submitted)
        self.returned: dict[int, tuple[Any, Any]] = {}
        self.labels: dict[str, str] = {}  # Dask key -> the task run's name

    def each(self, name: str, step: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
        futures = [self.TASKS[name].submit(*self.inputs(args)) for args in calls]
        for args, future in zip(calls, futures, strict=True):
            key = getattr(getattr(future, "wrapped_future", None), "key", None)  # a Dask future's
            if key is not None:  # named, for a warning should its worker be lost
                self.labels[str(key)] = source_run_name(name)(dict(enumerate(args)))
        values = results(futures)
        self.returned.update((id(v), (v, f)) for v, f in zip(values, futures, strict=True))
        return values

    def one(self, name: str, step: Any, *args: Any) -> Any:
        value = self.TASKS[name](*self.inputs(args))
        for item in [value, *(value if isinstance(value, list) else [])]:
            self.returned[id(item)] = (item, None)
        return value

    def inputs(self, args: tuple[Any, ...]) -> list[Any]:
        return [self.input(arg) for arg in args]

    def input(self, value: Any) -> Any:
        if isinstance(value, list) and id(value) not in self.returned:
            return [self.input(item) for item in value]
        if id(value) not in self.returned:
            return Quoted(value)
        future = self.returned[id(value)][1]
        return future if future is not None else Opaque(value)


def results(futures: list[Any]) -> list[Any]:
    """Wait for every future, then return their results; failures raise as ``pipeline.settled`` says (one:
    its own error; several: one error naming every failed source briefly, each in full in the run's log)."""
    wait(futures)
    outcomes: list[Any] = []
    for future in futures:
        try:
            outcomes.append(future.result())
        except Exception as exc:  # noqa: BLE001 - handed on; settled raises it, or names it with the others
            outcomes.append(exc)
    return pipeline.settled(outcomes)


def run_name() -> str:
    """The flow run's name, ``harvest-2026-11-30T0600-offline``: when it was due to start (UTC, to the
    minute: a scheduled run is named by its schedule, whenever it got to run) and whether it is offline."""
    context = FlowRunContext.get()
    assert context is not None and context.flow_run is not None
    due = (context.flow_run.expected_start_time or datetime.now(UTC)).astimezone(UTC)
    return f"harvest-{due:%Y-%m-%dT%H%M}-{'offline' if (context.parameters or {}).get('offline') else 'online'}"


def run_tags(registry: Registry) -> list[str]:
    """The tags an operator filters a harvest's runs by: ``clusterharvest`` and, for a registry of at most
    ``MAX_TAGGED_SOURCES`` sources, each source's id (a larger one's ids would pass the server's limit of related
    resources per event, failing every run with an HTTP 500; its runs are found by their ``fetch[<id>]`` tasks)."""
    ids = [source.id for source in registry.sources]
    return [TAG, *(ids if len(ids) <= MAX_TAGGED_SOURCES else [])]


def tag_run(ctx: pipeline.Context) -> None:
    """Give the flow run its tags where it lacks them (a deployment that names no sources: ``prefect.yaml``'s);
    the command line and ``serve`` create their runs with them."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None or context.client is None:
        return
    missing = [t for t in run_tags(ctx.registry) if t not in context.flow_run.tags]
    if missing:
        context.client.update_flow_run(context.flow_run.id, tags=[*context.flow_run.tags, *missing])


@contextmanager
def heartbeats() -> Iterator[None]:
    """While the run lasts, its heartbeat when ``run`` took it over from Prefect (``HEARTBEATS``): the event
    Prefect's flow engine sends, ``prefect.flow-run.heartbeat`` for the resource ``prefect.flow-run.<id>`` (what
    an automation that marks silent runs Crashed watches), at the start and every ``heartbeat_frequency``
    seconds, from a thread that stops the moment the run ends. Prefect's own thread sleeps in one-second steps,
    and a run that ends waits for it to wake: half a second on average, a fifth of an unchanged re-run."""
    every = HEARTBEATS.get()
    context = FlowRunContext.get()
    if every is None or context is None or context.flow_run is None:
        yield
        return
    flow_run = context.flow_run
    resource = {"prefect.resource.id": f"prefect.flow-run.{flow_run.id}", "prefect.resource.name": flow_run.name,
                "prefect.version": prefect.__version__}
    related = [RelatedResource.model_validate({"prefect.resource.id": f"prefect.flow.{flow_run.flow_id}",
                                               "prefect.resource.role": "flow",
                                               "prefect.resource.name": context.flow.name if context.flow else ""})]
    if flow_run.deployment_id:
        related.append(RelatedResource.model_validate({
            "prefect.resource.id": f"prefect.deployment.{flow_run.deployment_id}",
            "prefect.resource.role": "deployment"}))
    related += tags_as_related_resources(set(flow_run.tags or []))
    ended = threading.Event()

    def beat() -> None:  # the event as Prefect's flow engine builds it (FlowRunEngine._build_heartbeat_event_template)
        while True:
            emit_event(event="prefect.flow-run.heartbeat", resource=resource, related=related)
            if ended.wait(every):
                return

    thread = threading.Thread(target=contextvars.copy_context().run, args=(beat,), name="clusterharvest-heartbeat",
                              daemon=True)
    thread.start()
    try:
        yield
    finally:
        ended.set()
        thread.join(5)


@contextmanager
def dask_worker_warnings(labels: dict[str, str]) -> Iterator[None]:
    """While the run lasts on a Dask cluster, a worker lost with tasks on it (killed, out of memory, its
    machine gone) is a warning in the run's log naming the worker and the tasks (``labels``: Dask key ->
    task run name), which Dask then runs again on another worker."""
    context = FlowRunContext.get()
    dask = sys.modules.get("prefect_dask")  # imported only by a run on Dask
    if context is None or context.flow_run is None or dask is None \
            or not isinstance(context.task_runner, dask.DaskTaskRunner):
        yield
        return
    logger = flow_run_logger(context.flow_run, context.flow)

    def removed(event: tuple[float, dict[str, Any]]) -> None:
        _, msg = event
        keys = sorted({*(msg.get("processing-tasks") or ()), *(msg.get("lost-computed-tasks") or ())}, key=str)
        if msg.get("action") == "remove-worker" and keys:
            logger.warning("Dask worker %s was lost while it ran or held %s; Dask runs %s again on another worker",
                           msg.get("worker"), ", ".join(labels.get(str(k), str(k)) for k in keys),
                           "it" if len(keys) == 1 else "them")

    client = context.task_runner.client
    client.subscribe_topic("all", removed)
    try:
        yield
    finally:
        client.unsubscribe_topic("all")


@flow(name="clusterharvest", flow_run_name=run_name, task_runner=make_task_runner(), log_prints=False)
def harvest(sources: str = "sources.toml", out_dir: str = "normalized", raw_dir: str = "raw",
            offline: bool = False, allow_shrink: bool = False) -> pipeline.HarvestOutcome:
    """Harvest every registered source and publish a version if anything changed: the library's one
    sequence of steps (``pipeline.harvest_sequence``), each step a task, then the run's artifacts.

    Snapshots identical to those ``LATEST`` was made from (same code, same configuration) are not parsed
    again: the run ends with "no changes" right after fetching.

    Args:
        sources: the source registry (``sources.toml``).
        out_dir: dataset root for versions and ``LATEST``.
        raw_dir: the raw store.
        offline: no network: replay the newest stored snapshot of each http(s) source.
        allow_shrink: publish even if a directory has fewer entries, or fewer values, than its gates allow.
    """
    ctx = pipeline.open_context(Path(sources), Path(out_dir), Path(raw_dir), offline=offline,
                                allow_shrink=allow_shrink)
    tag_run(ctx)
    steps = TaskSteps()
    # The run is tagged; its task runs are not: before a tagged task runs, Prefect asks the server for a slot
    # of each tag's concurrency limit (an API call and a thread per task run, a third of a second each).
    with heartbeats(), pipeline.dataset_lock(ctx.out_dir), dask_worker_warnings(steps.labels), \
            TagsContext(current_tags=set()):
        outcome = pipeline.harvest_sequence(ctx, steps)
        leave_artifacts(ctx, outcome)
    return outcome


def run(runner: str = "threads", dask_address: str | None = None, verbose: bool = False,
        **params: Any) -> pipeline.HarvestOutcome:
    """Run the harvest flow on the chosen task runner (same parameters as ``harvest``), its run tagged
    ``clusterharvest`` and with the source ids, its heartbeats sent by the flow (``heartbeats``), so that the
    run ends the moment its work does. An existing Dask scheduler is checked first: unreachable or without
    workers fails in seconds with one line."""
    flow_to_run = harvest
    if runner != "threads" or dask_address:
        if dask_address:
            check_dask_scheduler(dask_address)
        flow_to_run = harvest.with_options(task_runner=make_task_runner(runner, dask_address, verbose=verbose))
    every = get_current_settings().flows.heartbeat_frequency  # None: the operator switched heartbeats off
    taken_over = HEARTBEATS.set(every)
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}), \
                tags(*run_tags(load_registry(params.get("sources", "sources.toml")))):
            return flow_to_run(**params)
    finally:
        HEARTBEATS.reset(taken_over)


def shutdown(timeout: float) -> None:
    """What Prefect does at interpreter exit, within ``timeout`` seconds: its log and event workers send what they
    hold (at exit they wait without a limit, and retry a Prefect server that has gone for minutes), then the
    temporary server, if this process started one, is stopped."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    deadline = time.monotonic() + timeout
    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=max(0.0, deadline - time.monotonic()))
    # The temporary server's module is imported only by a process that started one: importing it to stop
    # nothing (a configured server) took two seconds.
    server = sys.modules.get("prefect.server.api.server")
    if server is not None:
        server.SubprocessASGIServer().stop()


if __name__ == "__main__":
    print(harvest(offline=True))
