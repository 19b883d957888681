"""A published version as types: its manifest (sources, inputs, checks, backfill), its changes, its records.

After zavod's ``exporters/metadata/model.py``: what a version says about itself is a pydantic model, built in one
place (``publish.build_manifest``) and read back as the same model, so every reader (``versions``, ``diff``,
``show``, ``history``, the gates, the exporters) reads attributes, never string keys, and ``changes.json``'s JSON
Schema comes from ``Changes``.

Reading is lenient where it must be: a manifest written by an older or newer harvester keeps the keys this one
does not know (``extra="allow"``), and the figures the gates compare (``SourceEntry.values``) stay raw JSON that
``gates.ValueFigures.from_json`` reads with its own policy. The changelog is strict: it has one writer.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_serializer

from .models import Cluster, Programme


class Document(BaseModel):
    """A part of a version's metadata: keys it does not know are kept, and the optional keys of ``OMITTED`` are left
    out of the JSON when they are None (a manifest says only what the run knew). The keys of ``GIVEN`` are left out
    when no value was given for them, and kept, null included, when one was: JSON read back is written as it was."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    OMITTED: ClassVar[frozenset[str]] = frozenset()
    GIVEN: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_unset(self, handler: Any) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in self.OMITTED:
            if data.get(key, 0) is None:
                del data[key]
        for key in self.GIVEN - self.model_fields_set:
            data.pop(key, None)
        return data


# -- changes.json --------------------------------------------------------------------------------------------------

class Change(Document):
    """One changed field: its path, the value before and after (null: none), and for a set-like list the items
    added and removed."""

    model_config = ConfigDict(extra="forbid")
    OMITTED = frozenset({"added", "removed", "redacted"})

    path: str = Field(description="Field path, e.g. 'contacts[0].phone' or 'programme.max_funding_eur'.")
    old: Any = Field(description="The value before (null: none).")
    new: Any = Field(description="The value after (null: none).")
    added: list[Any] | None = Field(default=None, description="Set-like fields: the items added.")
    removed: list[Any] | None = Field(default=None, description="Set-like fields: the items removed.")
    redacted: bool | None = Field(default=None, description="Public variant: the values of a contact person's "
                                                            "field are removed.")


FROM = AliasChoices("from", "from_")  # 'from' in JSON, a keyword in Python


class Modified(Document):
    """A cluster whose record changed, with each changed field."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The cluster's id.")
    name: str = Field(description="Its name in the newer version.")
    changes: list[Change]


class Renamed(Document):
    """A removed and an added id that are one cluster under a new name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str = Field(validation_alias=FROM, serialization_alias="from", description="The id in the older version.")
    to: str = Field(description="The id in the newer version.")
    name: str = Field(description="Its name in the newer version.")
    evidence: str = Field(description="Why the two are one cluster.")
    changes: list[Change]


CHANGE_KINDS = ("added", "removed", "renamed", "modified", "programme")  # the lists of a changes.json


class ChangeCounts(Document):
    """How many of each kind of change (the manifest's ``changes``)."""

    added: int
    removed: int
    renamed: int
    modified: int
    programme: int


class ChangeRow(BaseModel):
    """One change as a flat row (the ``changes`` table, ``diff --format csv``)."""

    event: str
    cluster_id: str | None
    path: str | None
    old: Any = None
    new: Any = None
    added: list[Any] | None = None
    removed: list[Any] | None = None


class Changes(Document):
    """``changes.json``: what changed from the previous version."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, title="clusterharvest changes.json")

    from_: str = Field(validation_alias=FROM, serialization_alias="from", description="The older version's id.")
    to: str = Field(description="The newer version's id.")
    added: list[str] = Field(description="Ids of clusters that appeared.")
    removed: list[str] = Field(description="Ids of clusters that disappeared.")
    renamed: list[Renamed] = Field(description="Clusters under a new id.")
    modified: list[Modified] = Field(description="Clusters whose records changed, field by field.")
    programme: list[Change] = Field(description="Changed fields of programme.json (paths start 'programme.').")

    def counts(self) -> ChangeCounts:
        """How many of each kind."""
        return ChangeCounts(**{kind: len(getattr(self, kind)) for kind in CHANGE_KINDS})

    def is_empty(self) -> bool:
        """True when nothing changed."""
        return not any(getattr(self, kind) for kind in CHANGE_KINDS)

    def rows(self) -> list[ChangeRow]:
        """One row per change: added and removed ids, each field of a renamed or modified cluster, each programme
        field."""
        def row(event: str, cluster: str | None, change: Change | None = None) -> ChangeRow:
            if change is None:
                return ChangeRow(event=event, cluster_id=cluster, path=None)
            return ChangeRow(event=event, cluster_id=cluster, path=change.path, old=change.old, new=change.new,
                             added=change.added, removed=change.removed)

        out = [row("added", cid) for cid in self.added] + [row("removed", cid) for cid in self.removed]
        out += [row("renamed", f"{r.from_} -> {r.to}", c) for r in self.renamed for c in r.changes]
        out += [row("modified", m.id, c) for m in self.modified for c in m.changes]
        out += [row("programme", None, c) for c in self.programme]
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``changes.json``."""
        return self.model_dump(mode="json", by_alias=True)


# -- manifest.json -------------------------------------------------------------------------------------------------

class FileEntry(Document):
    """A file of the version: its hash and size."""

    sha256: str
    bytes: int


def file_entries(files: dict[str, bytes]) -> dict[str, FileEntry]:
    """Each file's sha256 and size, for a manifest."""
    return {name: FileEntry(sha256=hashlib.sha256(body).hexdigest(), bytes=len(body)) for name, body in files.items()}


class SourceEntry(Document):
    """What the manifest records of one source: where its snapshot came from, when and how, and what it gave. A key
    is written when the run gave it, null included (a server that sent no content type, an announcement whose round
    is not stated)."""

    GIVEN = frozenset({
        "kind", "url", "snapshot_sha256", "bytes", "content_type", "obtained_at", "method", "not_modified",
        "final_url", "via", "capture_timestamp", "capture_url", "as_of", "live_error", "reconstructed_from", "note",
        "stated_date", "stated_date_quote", "entries", "values", "round", "clusters_listed", "facts"})

    id: str = Field(description="Source id (sources.toml).")
    kind: str | None = Field(default=None, description="Source kind.")
    url: str | None = Field(default=None, description="Its address.")
    snapshot_sha256: str | None = Field(default=None, description="sha256 of the snapshot read.")
    bytes: int | None = Field(default=None, description="Size of the snapshot.")
    content_type: str | None = Field(default=None, description="Content type it was served with.")
    obtained_at: str | None = Field(default=None, description="When the snapshot was obtained (ISO 8601).")
    method: str | None = Field(default=None, description="fetched, reconstructed or file.")
    not_modified: bool | None = Field(default=None, description="This run's request was answered 304.")
    final_url: str | None = Field(default=None, description="Where redirects led.")
    via: str | None = Field(default=None, description="'archive': a web archive's capture.")
    capture_timestamp: str | None = Field(default=None, description="The archive capture's YYYYMMDDhhmmss.")
    capture_url: str | None = Field(default=None, description="The capture's raw-bytes address.")
    as_of: str | None = Field(default=None, description="When the capture was taken.")
    live_error: str | None = Field(default=None, description="Why the live source was not used.")
    reconstructed_from: str | None = Field(default=None, description="The text capture a reconstruction is of.")
    note: str | None = Field(default=None, description="A note on the snapshot.")
    stated_date: str | None = Field(default=None, description="The date the source states for itself.")
    stated_date_quote: str | None = Field(default=None, description="The text stating it.")
    entries: int | None = Field(default=None, description="A directory's entries.")
    values: Any = Field(default=None, description="A directory's value figures (gates.ValueFigures), as JSON.")
    round: int | None = Field(default=None, description="An announcement's round.")
    clusters_listed: int | None = Field(default=None, description="Clusters an announcement lists.")
    facts: int | None = Field(default=None, description="Programme facts the source states.")


class Inputs(Document):
    """What besides the snapshots decides the records: fingerprints of the code and of the configuration."""

    code: str
    config: str


class Link(Document):
    """An announced cluster and the record it was linked to (``cluster_id`` null: not linked)."""

    source: str
    position: int
    announced: str
    cluster_id: str | None
    score: float
    method: str


class LinkIssue(Document):
    """Why an announced cluster was not linked, or what linking it found wrong."""

    source: str
    problem: str


class CheckEntry(Document):
    """A cross-source check: what was checked, whether it passed, and its named figures (the other keys)."""

    check: str
    passed: bool | None = None

    @property
    def figures(self) -> dict[str, Any]:
        """The figures the check compared, by name."""
        return dict(self.model_extra or {})


class QuarantinedEntry(Document):
    """An entry left out because it could not become a valid record."""

    OMITTED = frozenset({"redacted"})

    source: str
    position: int
    first_line: str | None
    reason: str | None
    lines: list[str]
    redacted: bool | None = None


class GateFigure(Document):
    """A gate's figure: ``count``, or ``count`` of ``of`` records or entries (``gates.Measure``)."""

    count: int
    of: int | None = None


class GateEntry(Document):
    """One gate applied to one figure of a source (``gates.GateCheck``): the figure now and in the version compared
    with (both null for a gate with a fixed limit), the limit, the verdict, and what let a failed check through."""

    OMITTED = frozenset({"against"})

    gate: str = Field(description="The gate's key in sources.toml ('max_shrink', 'max_value_loss', 'min_facts', ...).")
    source: str
    metric: str = Field(description="What it measures: a value of gates.VALUE_FIELDS, 'issues', 'entries', ...")
    passed: bool
    now: GateFigure
    before: GateFigure | None = None
    version: str | None = Field(default=None, description="The version compared with.")
    limit: int | float
    overridden: str | None = Field(default=None, description="What let a failed check through ('--allow-shrink').")
    against: str | None = Field(default=None, description="'largest recent': compared with the largest recent figure.")


class BackfillEntry(Document):
    """The archive capture a backfilled version was made from."""

    source: str
    capture: str
    capture_url: str


class Run(Document):
    """What a run (a harvest, or one capture of a backfill) says about the version it publishes: its sources, its
    inputs, and what linking, the checks, quarantine and the gates found; ``publish.build_manifest`` makes the
    manifest of it."""

    model_config = ConfigDict(extra="forbid")
    OMITTED = frozenset({"inputs", "allowed_shrink", "links", "link_issues", "checks", "quarantined", "entry_gates",
                         "value_gates", "backfill"})

    sources: list[SourceEntry] = Field(default_factory=list)
    inputs: Inputs | None = None
    allowed_shrink: bool | None = None
    links: list[Link] | None = None
    link_issues: list[LinkIssue] | None = None
    checks: list[CheckEntry] | None = None
    quarantined: list[QuarantinedEntry] | None = None
    entry_gates: list[GateEntry] | None = None
    value_gates: list[GateEntry] | None = None
    backfill: BackfillEntry | None = None


class Counts(Document):
    """How many records the version holds."""

    clusters: int


class Manifest(Run):
    """``manifest.json``: the version, when it was made, what its records hash to, its files, and the run's
    ``Run`` (sources, inputs, checks, backfill)."""

    model_config = ConfigDict(extra="allow")
    OMITTED = Run.OMITTED | {"redacted_personal_data"}

    version: str
    created: str
    schema_version: str | None = None
    content_hash: str | None = None
    previous: str | None = None
    as_of: str | None = None
    counts: Counts | None = None
    files: dict[str, FileEntry] = Field(default_factory=dict)
    changes: ChangeCounts | None = None
    redacted_personal_data: bool | None = None

    def source(self, source_id: str) -> SourceEntry | None:
        """A source's entry, if it has one."""
        return next((s for s in self.sources if s.id == source_id), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``manifest.json``."""
        return self.model_dump(mode="json", by_alias=True)


class DatasetVersion(BaseModel):
    """A version: its manifest, its records, the programme record, and its changes (None for a first version)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    manifest: Manifest
    clusters: list[Cluster]
    programme: Programme | None = None
    changes: Changes | None = None

    @property
    def version(self) -> str:
        """The version id."""
        return self.manifest.version

    @property
    def redacted(self) -> bool:
        """Whether this is the public variant (personal data removed)."""
        return bool(self.manifest.redacted_personal_data)
