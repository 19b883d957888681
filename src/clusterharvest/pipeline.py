"""The harvest's steps as plain functions, and their order, written once (``harvest_sequence``).

The Prefect flow in ``flows/harvest.py`` runs that sequence with each step as a task; ``run_harvest``
runs it in this process without Prefect (tests, the benchmark).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from filelock import FileLock, Timeout

from .archive import Archive
from .config import Registry, Source, load_registry
from .dataset import (
    CHANGE_KINDS,
    BackfillEntry,
    Changes,
    CheckEntry,
    GateEntry,
    Inputs,
    Link,
    LinkIssue,
    QuarantinedEntry,
    Run,
    SourceEntry,
)
from .errors import (
    ConfigError,
    FetchError,
    GateError,
    HarvestError,
    LockedError,
    ParseError,
    PublishError,
    SourceErrors,
    ValidationFailed,
)
from .fetch import Fetcher, read_file_source
from .gates import GateCheck, Measure, baselines, recent_manifests, value_checks, value_figures
from .kinds import SourceKind, kind_of
from .link import LinkProblem, apply_links
from .merge import merge_by_id
from .models import Cluster, Place, Programme, issue
from .normalize.places import find_place
from .parse.announcement import Announcement
from .parse.cluster_directory import DirectoryEntry
from .parse.clusters import Quarantined, build_clusters
from .parse.dates import Dated
from .parse.facts import Fact
from .parse.text import truncation
from .programme import Check, Statements, build_programme, cross_checks
from .publish import PublishResult, current_version, publish_version, read_data, read_manifest, refresh_pointers
from .schema import write_schemas
from .store import RawStore, Snapshot

log = logging.getLogger("clusterharvest")
# One line per step of a run (fetched, parsed, gates, published): the command line shows these as its
# progress; everything under "clusterharvest" reaches a Prefect run's logs.
steps_log = logging.getLogger("clusterharvest.steps")
LOCK_NAME = ".harvest.lock"


@dataclass
class Context:
    """What every step needs: the registry, the raw store, the fetcher (None offline), a logger."""

    registry: Registry
    store: RawStore
    out_dir: Path
    offline: bool
    fetcher: Fetcher | None
    log: logging.Logger = field(default=log)
    allow_shrink: bool = False  # publish even when a source's minimum-entries or shrink gate fails


def open_context(sources: str | Path = "sources.toml", out_dir: str | Path = "normalized",
                 raw_dir: str | Path = "raw", offline: bool = False, allow_shrink: bool = False) -> Context:
    """Load the registry and set up the store and (online) the fetcher. Paths are made absolute here, so
    tasks on other processes or machines (Dask workers) use the same folders whatever their working directory."""
    registry = load_registry(sources)
    store = RawStore(Path(raw_dir).resolve())
    fetcher = None if offline else Fetcher(registry.fetch, store, registry.sources, log=log,
                                           extra_origins=(registry.wayback,) if registry.wayback else ())
    return Context(registry=registry, store=store, out_dir=Path(out_dir).resolve(), offline=offline, fetcher=fetcher,
                   allow_shrink=allow_shrink)


def obtain(ctx: Context, source: Source) -> Snapshot:
    """The source's bytes: read a file source; fetch an http(s) source, or offline replay its newest snapshot."""
    if source.is_file:
        snap = read_file_source(source, ctx.registry.fetch.max_bytes, ctx.registry.fetch.deadline)
        ctx.log.info("source %s: read %d bytes from %s", source.id, snap.bytes, snap.file)
        return snap
    if ctx.offline or ctx.fetcher is None:
        stored = ctx.store.latest(source.id)
        if stored is None:
            raise FetchError(f"offline and no snapshot of {source.url} in {ctx.store.root}", source.id,
                             reason="offline, no stored snapshot")
        ctx.log.info("source %s: replayed snapshot %s (%s %s) from %s", source.id, stored.sha256[:12], stored.method,
                     stored.obtained_at, ctx.store.root)
        return stored
    try:
        snap = ctx.fetcher.fetch(source)
        if not snap.not_modified:
            ctx.log.info("source %s: fetched %d bytes from %s (snapshot %s)", source.id, snap.bytes, source.url,
                         snap.sha256[:12])
        return snap
    except FetchError as exc:
        if not exc.gone or not ctx.registry.wayback or not source.archive:
            raise
        try:
            snap = Archive(ctx.registry.wayback, ctx.fetcher, ctx.store).newest(source)
        except FetchError as archived:
            raise FetchError(f"{exc.message}; archive fallback failed too: {archived.message}", source.id,
                             status=exc.status, reason=exc.brief, fallback=archived.brief) from None
        ctx.log.warning("source %s: %s; using the archived capture of %s (%s)", source.id, exc.message,
                        snap.provenance.as_of, snap.provenance.capture_url)
        return replace(snap, provenance=replace(snap.provenance, live_error=exc.message))


@dataclass
class Parsed:
    """A parsed snapshot: its source, its snapshot and what the kind's parser found."""

    source: Source
    snapshot: Snapshot
    entries: list[DirectoryEntry] = field(default_factory=list)  # entries that become cluster records
    facts: list[Fact] = field(default_factory=list)  # programme facts
    announcement: Announcement | None = None
    truncated: str | None = None  # why the page looks cut off (a source whose facts may be incomplete)
    dated: Dated | None = None  # the date the document states for itself
    gates: list[GateCheck] = field(default_factory=list)  # the entry gates it passed (``check_gates``)

    @property
    def kind(self) -> SourceKind:
        """The source's kind, from the registry."""
        return kind_of(self.source.kind)


def parse_snapshot(source: Source, snapshot: Snapshot) -> Parsed:
    """Run the source kind's parser on a snapshot; a parse failure names the source."""
    data = snapshot.read()
    kind = kind_of(source.kind)
    cut = truncation(data, snapshot.content_type) if kind.may_be_cut and not kind.gives_records else None
    try:
        found = kind.read(data, snapshot.content_type, snapshot.url, source.round)
    except ParseError as exc:
        raise ParseError(exc.message, source.id) from None
    return Parsed(source, snapshot, found.entries, found.facts, found.announcement, truncated=cut, dated=found.dated)


def how_obtained(ctx: Context, snapshot: Snapshot) -> str:
    """'read from file', 'replayed from the raw store', 'not modified (304)', 'from the web archive' or 'fetched'."""
    if snapshot.method == "file" or not snapshot.url.startswith(("http://", "https://")):
        return "read from file"
    if ctx.offline or ctx.fetcher is None:
        return "replayed from the raw store"
    if snapshot.not_modified:
        return "not modified (304)"
    return "from the web archive" if snapshot.provenance.archived else "fetched"


def log_obtained(ctx: Context, snapshots: list[Snapshot]) -> None:
    """The fetch step's progress line: how many sources were fetched, confirmed unchanged, replayed or read."""
    how = Counter(how_obtained(ctx, s) for s in snapshots)
    steps_log.info("obtained %d sources: %s", len(snapshots), ", ".join(f"{n} {m}" for m, n in sorted(how.items())))


def log_parsed(parsed: list[Parsed]) -> None:
    """The parse step's progress line."""
    entries = sum(len(p.entries) for p in parsed)
    facts = sum(len(p.facts) for p in parsed)
    steps_log.info("parsed %d sources: %d directory entries, %d programme facts", len(parsed), entries, facts)


Counted = Literal["entries", "facts"]  # what the shrink gate counts: a directory's entries, a page's facts


@dataclass(frozen=True)
class Figure:
    """A source's count (entries, or facts) in one earlier version."""

    version: str
    count: int


def earlier_figures(ctx: Context, source_id: str, what: Counted) -> tuple[Figure | None, Figure | None]:
    """(the current version's figure, the largest figure since the last version published with
    ``--allow-shrink``, at most ``RECENT_VERSIONS`` back) of a source's ``what`` ('entries' or 'facts'), from
    the manifests (``gates.recent_manifests``). A shrink accepted with ``--allow-shrink`` starts the count anew."""
    previous: Figure | None = None
    largest: Figure | None = None
    for version, manifest in recent_manifests(ctx.out_dir):
        entry = manifest.source(source_id)
        count = None if entry is None else entry.entries if what == "entries" else entry.facts
        if count is not None:
            figure = Figure(version, count)
            previous = previous or figure
            largest = figure if largest is None or count > largest.count else largest
    return previous, largest


def settle(ctx: Context, check: GateCheck, message: str, overridable: bool = False) -> GateCheck:
    """A gate check as the manifest keeps it: a failed one raises ``GateError(message)`` naming the source,
    unless it guards against loss (``overridable``) and the run has ``allow_shrink`` (then it is marked so)."""
    if check.passed:
        return check
    if overridable and ctx.allow_shrink:
        steps_log.warning("note: source %s: %s: published anyway (--allow-shrink)", check.source,
                          message.replace("; --allow-shrink to publish anyway", "").replace(
                              " (--allow-shrink to publish anyway)", ""))
        return replace(check, overridden="--allow-shrink")
    raise GateError(message, check.source)


def shrink_gate(ctx: Context, source: Source, what: Counted, n: int) -> list[GateCheck]:
    """``max_shrink`` against the previous version and against the largest recent one (so a directory cannot
    lose a little in each of many runs)."""
    allowed = source.gates.max_shrink
    previous, largest = earlier_figures(ctx, source.id, what)
    against = [(previous, "the")] + ([(largest, "the largest recent figure,")] if largest != previous else [])
    checks = []
    for figure, which in against:
        if not figure or not figure.count:
            continue
        lost = (figure.count - n) / figure.count
        check = GateCheck("max_shrink", source.id, what, Measure(n), Measure(figure.count), figure.version, allowed,
                          lost <= allowed)
        checks.append(settle(ctx, check, f"gate max_shrink: {n} {what}, {lost:.0%} fewer than {which} {figure.count} "
                                         f"in {figure.version} (allowed: {allowed:.0%}; --allow-shrink to publish "
                                         "anyway)", overridable=True))
    return checks


def duplicated_entries(entries: list[DirectoryEntry]) -> int:
    """Entries that repeat an earlier entry line for line (a page rendered twice)."""
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    for entry in entries:
        key = tuple(entry.lines)
        repeats += key in seen
        seen.add(key)
    return repeats


def directory_gates(ctx: Context, p: Parsed) -> list[GateCheck]:
    """A directory's entry gates, in the order they stop a run (see ``check_gates``)."""
    sid, gates, n = p.source.id, p.source.gates, len(p.entries)
    checks = []
    if gates.max_entries is not None:
        checks.append(settle(ctx, GateCheck("max_entries", sid, "entries", Measure(n), None, None, gates.max_entries,
                                            n <= gates.max_entries),
                             f"gate max_entries: {n} entries, more than the allowed {gates.max_entries}"))
    previous, _ = earlier_figures(ctx, sid, "entries")
    if previous and previous.count:
        checks.append(settle(ctx, GateCheck("max_growth", sid, "entries", Measure(n), Measure(previous.count),
                                            previous.version, gates.max_growth, n <= gates.max_growth * previous.count),
                             f"gate max_growth: {n} entries, {n / previous.count:.1f} times the {previous.count} in "
                             f"{previous.version} (allowed: {gates.max_growth:g} times)"))
    repeats = duplicated_entries(p.entries)
    checks.append(settle(ctx, GateCheck("max_duplicates", sid, "repeated", Measure(repeats, n), None, None,
                                        gates.max_duplicates, repeats <= gates.max_duplicates),
                         f"gate max_duplicates: {repeats} of {n} entries repeat an earlier entry line for line "
                         f"(allowed: {gates.max_duplicates}): the page looks rendered twice"))
    checks.append(settle(ctx, GateCheck("min_entries", sid, "entries", Measure(n), None, None, gates.min_entries,
                                        n >= gates.min_entries),
                         f"gate min_entries: {n} entries, fewer than the required {gates.min_entries} "
                         "(--allow-shrink to publish anyway)", overridable=True))
    return checks + shrink_gate(ctx, p.source, "entries", n)


def facts_gates(ctx: Context, p: Parsed) -> list[GateCheck]:
    """A programme page's, flyer's or announcement's gates: it states facts, and not many fewer than before."""
    stated = settle(ctx, GateCheck("min_facts", p.source.id, "facts", Measure(len(p.facts)), None, None, 1,
                                   bool(p.facts)),
                    "no programme facts found: the page does not say what this kind of source says (a login, error "
                    "or moved page?)")
    return [stated, *shrink_gate(ctx, p.source, "facts", len(p.facts))]


def check_gates(ctx: Context, parsed: list[Parsed]) -> list[Parsed]:
    """Stop the run when a source's figures are implausible. Every directory source has gates, configured or
    not (``Gates``' defaults): at least ``min_entries``, at most ``max_entries`` and ``max_growth`` times the
    previous version, no entry repeated line for line beyond ``max_duplicates``, and at most ``max_shrink``
    fewer than the previous version or the largest recent one. A programme page, flyer or announcement must
    state facts, and may not lose more than ``max_shrink`` of the facts it stated before. ``allow_shrink``
    lets smaller figures through (the minimum and the shrink gates), never growth or repeats.

    Returns:
        the parsed sources, each with the checks of its gates (``Parsed.gates``: figure, limit, the version
        compared with), for the manifest and the run's artifact.

    Raises:
        GateError: naming the source, the gate, the figures and the version compared with.
    """
    checked = [replace(p, gates=directory_gates(ctx, p) if p.kind.gives_records else facts_gates(ctx, p))
               for p in parsed]
    directories = [f"{p.source.id} ({len(p.entries)} entries)" for p in parsed if p.kind.gives_records]
    steps_log.info("gates passed: %s", ", ".join(directories) or "no directory source")
    return checked


@dataclass
class Batch:
    """One source's records, and the entries quarantined because they could not become valid records."""

    source_id: str
    lang: str
    records: list[Cluster] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    entries: int = 0


def normalise(parsed: Parsed) -> Batch:
    """Records from a parsed directory (none for other kinds); invalid entries quarantined."""
    batch = Batch(parsed.source.id, parsed.source.lang, entries=len(parsed.entries))
    if parsed.kind.gives_records:
        batch.records = build_clusters(parsed.entries, parsed.source.id, batch.quarantined, lang=parsed.source.lang)
        if parsed.dated is not None:  # the directory's own "(As of ...)": the date its entries describe
            batch.records = [r.model_copy(update={"as_of": parsed.dated.date}) for r in batch.records]
    return batch


@dataclass
class Validated:
    """The sources' records combined and checked, and what was quarantined on the way."""

    clusters: list[Cluster]
    quarantined: list[Quarantined] = field(default_factory=list)
    gates: list[GateCheck] = field(default_factory=list)  # the gates on the records (``check_records``)


def check_records(ctx: Context, batch: Batch) -> list[GateCheck]:
    """The gates again on what would be published: the records a directory gave (entries minus those
    quarantined), and the quarantined share (``max_quarantined``); returns their checks."""
    source = ctx.registry.get(batch.source_id)
    if not kind_of(source.kind).gives_records:
        return []
    gates, sid = source.gates, batch.source_id
    share = len(batch.quarantined) / batch.entries if batch.entries else 0.0
    n = len(batch.records)
    return [
        settle(ctx, GateCheck("max_quarantined", sid, "quarantined", Measure(len(batch.quarantined), batch.entries),
                              None, None, gates.max_quarantined, share <= gates.max_quarantined),
               f"gate max_quarantined: {len(batch.quarantined)} of {batch.entries} entries could not become records "
               f"({share:.0%}; allowed: {gates.max_quarantined:.0%})"),
        settle(ctx, GateCheck("min_entries", sid, "records", Measure(n), None, None, gates.min_entries,
                              n >= gates.min_entries),
               f"gate min_entries: {n} records, fewer than the required {gates.min_entries} (--allow-shrink to "
               "publish anyway)", overridable=True),
    ]


def validate(ctx: Context, batches: list[Batch]) -> Validated:
    """Combine the sources' records (in registry order), merging a cluster that several directory sources
    describe (e.g. a German and an English page) into one record, and check them: no directory whose
    entries were all invalid, at least one record, unique ids."""
    checks = []
    for batch in batches:
        if batch.entries and not batch.records:
            reasons = sorted({q.reason for q in batch.quarantined})
            raise ValidationFailed(f"all {batch.entries} entries are invalid ({'; '.join(reasons)[:200]})",
                                   batch.source_id)
        checks += check_records(ctx, batch)
    clusters = merge_by_id([(b.source_id, b.lang, b.records) for b in batches if b.records])
    if not clusters:
        raise ValidationFailed("no cluster records from any directory source")
    seen: dict[str, Cluster] = {}
    for cluster in clusters:
        if cluster.id in seen:
            raise ValidationFailed(f"duplicate cluster id {cluster.id!r} across sources {cluster.sources} "
                                   f"and {seen[cluster.id].sources}")
        seen[cluster.id] = cluster
    quarantined = [q for b in batches for q in b.quarantined]
    for q in quarantined:
        ctx.log.warning("source %s: entry %s quarantined: %s", q.source, q.position, q.reason)
    return Validated(with_places(clusters), quarantined, checks)


def with_places(clusters: list[Cluster]) -> list[Cluster]:
    """Each record with its ``place`` derived from its city and the country of the address stating it
    (``normalize.places``); a city not found, or found several times, gives no place and an issue saying why."""
    out = []
    for record in clusters:
        if not record.city:
            out.append(record)
            continue
        country = next((a.country for a in record.addresses if a.city == record.city and a.country), None)
        found = find_place(record.city, country) if country else \
            f"the address stating the city {record.city!r} names no country; no place is looked up"
        if isinstance(found, str):
            record = record.model_copy(update={"issues": [*record.issues, issue("place", found, record.city)]})
        else:
            record = record.model_copy(update={"place": Place(**asdict(found))})
        out.append(record)
    return out


def provenance(parsed: list[Parsed], clusters: list[Cluster] | None = None) -> list[SourceEntry]:
    """Per source, what the manifest records: id, kind, url, snapshot hash, when and how obtained; for a
    directory its entries and, given the records to publish, their value figures (``gates.ValueFigures``),
    which the next run's value gates compare with."""
    out = []
    for p in parsed:
        entry = SourceEntry.model_validate({**p.snapshot.manifest_entry(), "kind": p.source.kind})
        if p.dated is not None:  # the date the source states for itself, and the text stating it
            entry.stated_date, entry.stated_date_quote = p.dated.date, p.dated.quote
        if p.kind.gives_records:
            entry.entries = len(p.entries)
            if clusters is not None:
                entry.values = value_figures(clusters, p.source.id).to_json()
        else:
            entry.facts = len(p.facts)
        if p.announcement is not None:
            entry.round, entry.clusters_listed = p.announcement.round, len(p.announcement.selected)
        out.append(entry)
    return sorted(out, key=lambda e: e.id)


@dataclass
class Combined:
    """Records linked to the announcements, the programme record, and the manifest's report on both."""

    clusters: list[Cluster]
    programme: Programme
    links: list[Link]
    link_issues: list[LinkProblem]
    checks: list[Check]
    quarantined: list[Quarantined]
    entry_gates: list[GateCheck] = field(default_factory=list)  # the sources' and the records' (``check_gates``)
    value_gates: list[GateCheck] = field(default_factory=list)  # set by ``check_values``


def quarantine_entries(quarantined: list[Quarantined]) -> list[QuarantinedEntry]:
    """The manifest's form of quarantined entries."""
    return [QuarantinedEntry.model_validate(asdict(q)) for q in quarantined]


def run_record(ctx: Context, parsed: list[Parsed], clusters: list[Cluster], quarantined: list[Quarantined],
               combined: Combined | None = None, backfill: BackfillEntry | None = None) -> Run:
    """What the manifest says about a run, for a harvest (``combined``: linking, checks, gates) and for a
    backfilled capture (``backfill``) alike: the sources with their figures, the inputs, quarantine."""
    run = Run(sources=provenance(parsed, clusters), inputs=Inputs(**inputs(ctx)),
              quarantined=quarantine_entries(quarantined), backfill=backfill)
    if combined is not None:
        run.allowed_shrink = ctx.allow_shrink
        run.links = list(combined.links)
        run.link_issues = [LinkIssue.model_validate(problem.to_json()) for problem in combined.link_issues]
        run.checks = [CheckEntry.model_validate(c.to_json()) for c in combined.checks]
        run.entry_gates = [GateEntry.model_validate(g.to_json()) for g in combined.entry_gates]
        run.value_gates = [GateEntry.model_validate(g.to_json()) for g in combined.value_gates]
    return run


def combine(ctx: Context, validated: Validated, parsed: list[Parsed]) -> Combined:
    """Link announced clusters to records, build the programme record, run the cross-source checks."""
    clusters = validated.clusters
    links: list[Link] = []
    problems: list[LinkProblem] = []
    announced = []
    for p in parsed:
        if p.announcement is None:
            continue
        clusters, found, trouble = apply_links(clusters, p.source.id, p.announcement.round, p.announcement.selected)
        links += found
        problems += trouble
        problems += [LinkProblem(p.source.id, text) for text in p.announcement.issues]
        announced.append((p.source.id, p.announcement.round, len(p.announcement.selected),
                          sum(1 for link in found if link.cluster_id)))
    programme = build_programme([Statements(p.source.id, p.kind.fact_rank, p.kind.name_rank, p.facts,
                                            p.dated.date if p.dated else None)
                                 for p in parsed if not p.kind.gives_records])
    cut = [issue("sources", f"source {p.source.id} looks cut off: {p.truncated}; the facts it states may be "
                            "incomplete", p.source.id) for p in parsed if p.truncated]
    if cut:
        programme = programme.model_copy(update={"issues": [*programme.issues, *cut]})
        for p in parsed:
            if p.truncated:
                ctx.log.warning("source %s looks cut off: %s", p.source.id, p.truncated)
    directories = [p for p in parsed if p.kind.gives_records]
    checks = cross_checks(programme, len(clusters) if directories else None, announced)
    for failed in (c for c in checks if not c.passed):
        ctx.log.warning("check failed: %s", failed.name)
    return Combined(clusters, programme, links, problems, checks, validated.quarantined,
                    [g for p in parsed for g in p.gates] + validated.gates)


def check_values(ctx: Context, combined: Combined) -> Combined:
    """The value gates (``gates.py``) on the records that would be published: per directory source, the share
    of records with each value may not fall by more than ``max_value_loss``, nor the issues grow by more than
    ``max_new_issues`` allows, against the previous version's figures. A previous version without figures
    (published before these gates) cannot be compared: a note, and the gates pass. ``allow_shrink`` lets a
    failed check through, marked so in the manifest.

    Returns:
        ``combined`` with its ``value_gates``, for the manifest.

    Raises:
        GateError: naming the source, the gate, the figure, both values and the version compared with.
    """
    checks: list[GateCheck] = []
    for source in ctx.registry.sources:
        if not kind_of(source.kind).gives_records:
            continue
        recent = baselines(ctx.out_dir, source.id)
        if not recent:
            continue  # a first version: nothing to compare with
        base = recent[0]
        if base.figures is None:
            steps_log.warning("note: source %s: value gates not applied: %s records no value figures (published "
                              "before value gates); the next run compares with this one", source.id, base.version)
            continue
        found = value_checks(source, value_figures(combined.clusters, source.id), base, recent)
        failed = [c for c in found if not c.passed]
        if failed and not ctx.allow_shrink:
            raise GateError("; ".join(c.message() for c in failed), source.id)
        for check in failed:
            steps_log.warning("note: source %s: %s: published anyway (--allow-shrink)", source.id,
                              check.message(hint=False))
        checks += [replace(c, overridden="--allow-shrink") if not c.passed else c for c in found]
        if not failed:
            ctx.log.info("source %s: value gates passed against %s", source.id, base.version)
    return replace(combined, value_gates=checks)


@cache
def code_fingerprint() -> str:
    """Hash of the package's code and lookup tables: a different parser may give different records."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yml") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def config_fingerprint(registry: Registry) -> str:
    """Hash of what the registry says about each source beyond where it is (kind, language, options)."""
    described = [[s.id, s.kind, s.lang, asdict(s.gates), s.round, s.archive] for s in registry.sources]
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()[:16]


def inputs(ctx: Context) -> dict[str, str]:
    """What besides the snapshots decides the records: recorded in the manifest."""
    return {"code": code_fingerprint(), "config": config_fingerprint(ctx.registry)}


def unchanged_since(ctx: Context, snapshots: list[Snapshot]) -> str | None:
    """The ``LATEST`` version if it was made from these very snapshots by this code and configuration, so
    parsing them again cannot change anything; else None."""
    latest = current_version(ctx.out_dir)
    if latest is None:
        return None
    read_data(ctx.out_dir, latest)  # its files must still be what was published, or nothing builds on it
    manifest = read_manifest(ctx.out_dir, latest)
    if manifest.inputs is None or manifest.inputs.model_dump() != inputs(ctx):
        return None
    before = {s.id: s.snapshot_sha256 for s in manifest.sources}
    if before != {s.source_id: s.sha256 for s in snapshots}:
        return None
    refresh_pointers(Path(ctx.out_dir))  # latest/ and index.json in line with LATEST, even on a quiet run
    steps_log.info("no changes since %s: every snapshot is the one it was made from; nothing parsed", latest)
    return latest


def publish(ctx: Context, combined: Combined, parsed: list[Parsed]) -> PublishResult:
    """Write the schema files and the version (or report that nothing changed)."""
    try:
        write_schemas(ctx.out_dir)
    except OSError as exc:
        raise PublishError(f"cannot write the schema files into {ctx.out_dir}: {exc.strerror or exc}") from None
    run = run_record(ctx, parsed, combined.clusters, combined.quarantined, combined)
    result = publish_version(ctx.out_dir, combined.clusters, run, programme=combined.programme)
    if result.changed:
        steps_log.info("published %s: %d clusters in %s", result.version, len(combined.clusters), result.path)
    else:
        steps_log.info("no changes since %s: the records are the same", result.version)
    return result


@contextmanager
def dataset_lock(out_dir: Path) -> Iterator[None]:
    """Hold the dataset root's lock for a whole run; a second harvest on the same root fails at once.

    An OS file lock (``flock``): the kernel releases it when the holder exits or is killed.
    """
    lock = FileLock(str(out_dir / LOCK_NAME), timeout=0)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise LockedError(f"dataset root {out_dir} is locked: another harvest is running") from None
    except OSError as exc:
        raise PublishError(f"cannot use dataset root {out_dir}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class HarvestOutcome:
    """What one harvest did: the version it published, or the unchanged one it found, and what it obtained."""

    version: str
    changed: bool  # a new version was published
    previous: str | None
    path: Path | None  # the new version's folder (None when nothing changed)
    clusters: int  # records in the version
    parsed: int  # snapshots parsed (none when every snapshot was the one LATEST was made from)
    snapshots: tuple[Snapshot, ...]
    gates: tuple[GateCheck, ...] = ()  # the entry and value gates checked (none when nothing was parsed)

    @property
    def archived(self) -> list[Snapshot]:
        """Snapshots taken from the web archive because the live source was gone."""
        return [s for s in self.snapshots if s.provenance.archived]


T = TypeVar("T")


class Steps(Protocol):
    """How the steps of a harvest run: here one after another, or as Prefect tasks (``flows/harvest.py``)."""

    def each(self, name: str, step: Callable[..., T], calls: list[tuple[Any, ...]]) -> list[T]:
        """Run a per-source step once per argument tuple (concurrently, where the runner can); every call ends
        before a failure is raised, as ``settled`` does."""

    def one(self, name: str, step: Callable[..., T], *args: Any) -> T:
        """Run a step once."""


def settled(outcomes: list[Any]) -> list[Any]:
    """The values of a per-source step's calls once every call has ended (each a value or the exception it
    raised): one failed call raises its own error; several raise ``SourceErrors``, which names each source and
    why in a few words, each error logged in full (in a flow, the run's log). An exception that is no
    ``HarvestError`` (a bug) is raised as it is."""
    bug = next((o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, HarvestError)), None)
    if bug is not None:
        raise bug
    failures = [o for o in outcomes if isinstance(o, HarvestError)]
    if not failures:
        return outcomes
    if len(failures) == 1:
        raise failures[0]
    for failure in failures:
        log.error("%s", failure)
    raise SourceErrors(failures)


class InProcess:
    """Every step in this process, one after another: the harvest without Prefect."""

    def each(self, name: str, step: Callable[..., T], calls: list[tuple[Any, ...]]) -> list[T]:
        outcomes: list[Any] = []
        for args in calls:
            try:
                outcomes.append(step(*args))
            except HarvestError as exc:  # the other sources' step still runs: every failure is named
                outcomes.append(exc)
        return settled(outcomes)

    def one(self, name: str, step: Callable[..., T], *args: Any) -> T:
        return step(*args)


def harvest_sequence(ctx: Context, steps: Steps) -> HarvestOutcome:
    """The harvest, the one place that says its order: fetch -> (unchanged? stop) -> parse -> gates ->
    normalise -> validate -> combine -> value gates -> publish. Each step is given what earlier steps returned
    and nothing else besides the context (the gates pass the parsed sources on), so the steps' arguments are
    the run's data flow. ``steps`` decides how each step runs; the caller holds the dataset lock."""
    sources = list(ctx.registry.sources)
    snapshots = steps.each("fetch", obtain, [(ctx, s) for s in sources])
    log_obtained(ctx, snapshots)
    unchanged = unchanged_since(ctx, snapshots)
    if unchanged:
        counts = read_manifest(ctx.out_dir, unchanged).counts
        clusters = counts.clusters if counts else 0
        return HarvestOutcome(unchanged, False, unchanged, None, clusters, 0, tuple(snapshots))
    parsed = steps.each("parse", parse_snapshot, list(zip(sources, snapshots, strict=True)))
    log_parsed(parsed)
    parsed = steps.one("gates", check_gates, ctx, parsed)
    batches = steps.each("normalise", normalise, [(p,) for p in parsed if p.kind.gives_records])
    validated = steps.one("validate", validate, ctx, batches)
    combined = steps.one("combine", combine, ctx, validated, parsed)
    combined = steps.one("value-gates", check_values, ctx, combined)
    result = steps.one("publish", publish, ctx, combined, parsed)
    return HarvestOutcome(result.version, result.changed, result.previous, result.path, len(combined.clusters),
                          len(parsed), tuple(snapshots), (*combined.entry_gates, *combined.value_gates))


def run_harvest(ctx: Context) -> HarvestOutcome:
    """The whole harvest without Prefect: the same sequence, every step in this process."""
    with dataset_lock(ctx.out_dir):
        return harvest_sequence(ctx, InProcess())


def run_counts(ctx: Context, outcome: HarvestOutcome, changes: Changes | None) -> dict[str, int]:
    """What a run obtained, parsed and changed, for the run's counts table (a first version: all added), and
    what the version it ends with reports: entries quarantined, link issues, failed cross-source checks."""
    changed = changes.counts().model_dump() if changes is not None else dict.fromkeys(CHANGE_KINDS, 0)
    if changes is None and outcome.changed:
        changed["added"] = outcome.clusters
    manifest = read_manifest(ctx.out_dir, outcome.version)
    how = [how_obtained(ctx, s) for s in outcome.snapshots]
    return {
        "sources": len(how),
        "fetched": how.count("fetched") + how.count("from the web archive"),
        "not_modified_304": how.count("not modified (304)"),
        "replayed": how.count("replayed from the raw store"),
        "read_from_file": how.count("read from file"),
        "parsed": outcome.parsed,
        "records": outcome.clusters,
        **{k: v for k, v in changed.items() if k != "programme"},
        "programme_fields_changed": changed["programme"],
        "quarantined": len(manifest.quarantined or []),
        "link_issues": len(manifest.link_issues or []),
        "failed_checks": sum(1 for c in manifest.checks or [] if not c.passed),
    }


@dataclass(frozen=True)
class BackfillStep:
    """What backfilling one capture did."""

    capture: str  # the capture's timestamp
    as_of: str
    result: PublishResult | None  # None: skipped (published by an earlier backfill)


def backfill(ctx: Context, source_id: str | None = None, year_from: int | None = None,
             year_to: int | None = None) -> list[BackfillStep]:
    """Rebuild a directory's history from its archived captures: one version per capture that changes the
    data, in capture order, each dated by its capture (``as_of``) with ``changes.json`` against the one
    before. Resumable: stored captures are not fetched again, and captures up to the ``as_of`` of
    ``LATEST`` are skipped. Shrink and minimum-entry gates do not apply (a directory's history grows)."""
    if not ctx.registry.wayback or ctx.fetcher is None:
        raise ConfigError(f"{ctx.registry.path}: backfill needs [archive] wayback = \"...\" and network access")
    directories = [s for s in ctx.registry.sources if kind_of(s.kind).gives_records]
    source = ctx.registry.get(source_id) if source_id else (directories[0] if directories else None)
    if source is None or source not in directories:
        raise ConfigError(f"{ctx.registry.path}: backfill needs a cluster-directory source")
    archive = Archive(ctx.registry.wayback, ctx.fetcher, ctx.store)
    steps: list[BackfillStep] = []
    with dataset_lock(ctx.out_dir):
        captures = archive.captures(source, year_from, year_to)
        latest = current_version(ctx.out_dir)
        done = read_manifest(ctx.out_dir, latest).as_of if latest else None
        growing = replace(ctx, allow_shrink=True)
        write_schemas(ctx.out_dir)
        for capture in captures:
            if done and capture.as_of <= done:
                steps.append(BackfillStep(capture.timestamp, capture.as_of, None))
                continue
            parsed = parse_snapshot(source, archive.fetch(source, capture))
            check_gates(growing, [parsed])
            validated = validate(growing, [normalise(parsed)])
            captured = BackfillEntry(source=source.id, capture=capture.timestamp,
                                     capture_url=capture.raw_url(archive.base))
            run = run_record(ctx, [parsed], validated.clusters, validated.quarantined, backfill=captured)
            result = publish_version(ctx.out_dir, validated.clusters, run, as_of=capture.captured)
            steps.append(BackfillStep(capture.timestamp, capture.as_of, result))
    return steps
