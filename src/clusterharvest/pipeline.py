"""The harvest's steps as plain functions: obtain -> parse -> normalise -> validate -> publish.

The Prefect flow in ``flows/harvest.py`` wraps each step in a task; ``run_harvest`` chains
them without Prefect (tests, and a reference for what the flow must do).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clusters import build_clusters
from .config import Registry, Source, load_registry
from .errors import FetchError, ParseError, ValidationFailed
from .fetch import Fetcher, read_file_source
from .merge import merge_by_id
from .models import Cluster
from .parse.cluster_directory import DirectoryEntry, parse_directory
from .publish import PublishResult, publish_version
from .schema import write_schemas
from .store import RawStore, Snapshot

log = logging.getLogger("clusterharvest")


@dataclass
class Context:
    """What every step needs: the registry, the raw store, the fetcher (None offline), a logger."""

    registry: Registry
    store: RawStore
    out_dir: Path
    offline: bool
    fetcher: Fetcher | None
    log: logging.Logger = field(default=log)


def open_context(sources: str | Path = "sources.toml", out_dir: str | Path = "normalized",
                 raw_dir: str | Path = "raw", offline: bool = False) -> Context:
    """Load the registry and set up the store and (online) the fetcher."""
    registry = load_registry(sources)
    store = RawStore(raw_dir)
    fetcher = None if offline else Fetcher(registry.fetch, store, registry.sources, log=log)
    return Context(registry=registry, store=store, out_dir=Path(out_dir), offline=offline, fetcher=fetcher)


def obtain(ctx: Context, source: Source) -> Snapshot:
    """The source's bytes: read a file source; fetch an http(s) source, or offline replay its newest snapshot."""
    if source.is_file:
        return read_file_source(source, ctx.registry.fetch.max_bytes)
    if ctx.offline or ctx.fetcher is None:
        snap = ctx.store.latest(source.id)
        if snap is None:
            raise FetchError(f"offline and no snapshot of {source.url} in {ctx.store.root}", source.id)
        return snap
    return ctx.fetcher.fetch(source)


@dataclass
class Parsed:
    """A parsed snapshot: its source, its snapshot and the kind's entries."""

    source: Source
    snapshot: Snapshot
    entries: list[DirectoryEntry] = field(default_factory=list)


def parse_snapshot(source: Source, snapshot: Snapshot) -> Parsed:
    """Run the source kind's parser on a snapshot (kinds without a parser yet are carried as provenance)."""
    if source.kind != "cluster-directory":
        return Parsed(source, snapshot)
    try:
        entries = parse_directory(snapshot.read(), snapshot.url, snapshot.content_type)
    except ParseError as exc:
        raise ParseError(exc.message, source.id) from None
    return Parsed(source, snapshot, entries)


def normalise(parsed: Parsed) -> list[Cluster]:
    """Records from a parsed directory (empty for other kinds)."""
    if parsed.source.kind != "cluster-directory":
        return []
    return build_clusters(parsed.entries, parsed.source.id)


def validate(ctx: Context, records: list[list[Cluster]]) -> list[Cluster]:
    """Combine the sources' records (in registry order), merging a cluster that several directory sources
    describe (e.g. a German and an English page) into one record, and check them: at least one record,
    unique ids."""
    languages = {s.id: s.lang for s in ctx.registry.sources}
    batches = [(batch[0].sources[0], languages.get(batch[0].sources[0], ""), batch) for batch in records if batch]
    clusters = merge_by_id(batches)
    if not clusters:
        raise ValidationFailed("no cluster records from any directory source")
    seen: dict[str, Cluster] = {}
    for cluster in clusters:
        if cluster.id in seen:
            raise ValidationFailed(f"duplicate cluster id {cluster.id!r} across sources {cluster.sources} "
                                   f"and {seen[cluster.id].sources}")
        seen[cluster.id] = cluster
    return clusters


def provenance(parsed: list[Parsed]) -> list[dict[str, Any]]:
    """Per source, what the manifest records: id, kind, url, snapshot hash, when and how obtained."""
    out = []
    for p in parsed:
        entry = p.snapshot.provenance()
        entry["kind"] = p.source.kind
        if p.source.kind == "cluster-directory":
            entry["entries"] = len(p.entries)
        out.append(entry)
    return sorted(out, key=lambda e: str(e["id"]))


def publish(ctx: Context, clusters: list[Cluster], parsed: list[Parsed]) -> PublishResult:
    """Write the schema files and the version (or report that nothing changed)."""
    write_schemas(ctx.out_dir)
    return publish_version(ctx.out_dir, clusters, provenance(parsed))


def run_harvest(ctx: Context) -> PublishResult:
    """The whole harvest, sequentially, without Prefect."""
    parsed = [parse_snapshot(s, obtain(ctx, s)) for s in ctx.registry.sources]
    clusters = validate(ctx, [normalise(p) for p in parsed])
    return publish(ctx, clusters, parsed)
