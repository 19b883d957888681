"""The flat tables of a version, each specified once: its columns (name, type, meaning, constraints, taken from the
models' fields where a column holds one), its keys, and how its rows come from the typed version.

Every format is generated from these specs (after Scrapy's exporters, whose CSV fields come from the item): the
CSV header, the Parquet schema, the SQLite table, the data package's Table Schema, datasette's metadata and
docs/DATA.md. A column written by hand in each format drifts; one written here cannot.

A list column (``aliases``, a contact's ``phone``) is a list in Parquet, a JSON array in SQLite and items joined
by ``"; "`` in CSV (a Table Schema ``list`` with that delimiter).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..dataset import DatasetVersion
from ..models import (
    Address,
    Cluster,
    Contact,
    CountryCode,
    Description,
    Evidence,
    Issue,
    PhoneNumber,
    Place,
    Project,
    Round,
)
from ..normalize.countries import country_names
from ..normalize.places import SOURCE as PLACES_SOURCE
from ..paths import PathError, resolve

PHASES = ("concept", "implementation")
NUMBER_KINDS = ("phone", "fax", "mobile")
LIST_SEPARATOR = "; "
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One column: its name, Table Schema type ('string', 'integer', 'number', 'boolean', 'list' of strings), what
    it holds, whether a row must have it, its Table Schema constraints, and for a derived value where it comes
    from."""

    name: str
    type: str
    description: str
    required: bool = False
    constraints: Mapping[str, Any] = field(default_factory=dict)
    derived: str | None = None


def base_type(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(the type without None and Annotated, whether None is allowed, the Annotated metadata)."""
    nullable = False
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation, metadata = args[0], [*metadata, *args[1:]]
        elif origin in (typing.Union, types.UnionType):
            nullable = nullable or type(None) in args
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation, nullable, metadata


def constraints_of(metadata: Iterable[Any]) -> dict[str, Any]:
    """Table Schema constraints from pydantic's field metadata: ``ge``/``le`` as minimum/maximum, ``pattern``."""
    out: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            out.update(constraints_of(item.metadata))
        elif isinstance(item, annotated_types.Ge):
            out["minimum"] = item.ge
        elif isinstance(item, annotated_types.Le):
            out["maximum"] = item.le
        elif getattr(item, "pattern", None):
            out["pattern"] = str(item.pattern).removeprefix("^").removesuffix("$")
    return out


SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def typed_column(name: str, annotation: Any, description: str, *, required: bool | None = None,
                 derived: str | None = None, **constraints: Any) -> Column:
    """A column holding values of a (possibly constrained, possibly optional) type."""
    kind, nullable, metadata = base_type(annotation)
    if typing.get_origin(kind) is list:
        item, _, item_metadata = base_type(typing.get_args(kind)[0])
        assert item is str, (name, item)
        # frictionless has no constraints on a list's items; an empty list is an empty CSV cell, so never required
        table_type, found, nullable = "list", {}, True
    else:
        table_type, found = SCALARS[kind], constraints_of(metadata)
    return Column(name, table_type, description, required=not nullable if required is None else required,
                  constraints={**found, **constraints}, derived=derived)


def model_column(model: type[BaseModel], field_name: str, name: str | None = None, description: str | None = None,
                 **options: Any) -> Column:
    """A column holding a model's field: its type, meaning and constraints are the field's."""
    info = model.model_fields[field_name]
    return typed_column(name or field_name, typing.Annotated[info.annotation, info],
                        description or info.description or "", **options)


@dataclass(frozen=True)
class ForeignKey:
    """Columns whose values must be the key of a row of another table."""

    columns: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A flat table: what a row is, its columns, keys, and its rows (per cluster, or from the whole version)."""

    name: str
    about: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    per_cluster: Callable[[Cluster], Iterable[Row]] | None = None
    per_version: Callable[[DatasetVersion], Iterable[Row]] | None = None

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    def rows_of(self, cluster: Cluster) -> list[Row]:
        """The rows one cluster gives (none for a table of the whole version)."""
        return self.checked(self.per_cluster(cluster)) if self.per_cluster else []

    def rows_of_version(self, version: DatasetVersion) -> list[Row]:
        """The rows of the version as a whole (none for a table of clusters)."""
        return self.checked(self.per_version(version)) if self.per_version else []

    def rows(self, version: DatasetVersion) -> list[Row]:
        """Every row of the table."""
        return [row for cluster in version.clusters for row in self.rows_of(cluster)] + self.rows_of_version(version)

    def checked(self, rows: Iterable[Row]) -> list[Row]:
        """Rows with exactly this table's columns, in its order (a row builder that drifts fails here)."""
        out = []
        for row in rows:
            if list(row) != self.names:
                raise ValueError(f"table {self.name}: a row has {list(row)}, the spec {self.names}")
            out.append(row)
        return out


CLUSTER_KEY = ForeignKey(("cluster_id",), "clusters", ("id",))


def cluster_id() -> Column:
    """The column naming the row's cluster."""
    return Column("cluster_id", "string", "Id of the cluster (clusters table).", required=True)


def position(what: str) -> Column:
    """A row's position within its cluster's list, from 0."""
    return Column("position", "integer", f"Position of the {what} within the cluster's {what}s, from 0.",
                  required=True, constraints={"minimum": 0})


def count(what: str, table: str) -> Column:
    """How many of something a cluster has."""
    return Column(what, "integer", f"Number of {what} (see the {table} table).", required=True,
                  constraints={"minimum": 0})


# -- clusters ------------------------------------------------------------------------------------------------------

PLACE_FIELDS = ("state", "state_code", "latitude", "longitude", "geonames_id")
DERIVED = f"from `city` through {PLACES_SOURCE}; null where the city is not found (see the record's issues)."


def cluster_row(c: Cluster) -> Iterator[Row]:
    project = c.project or Project()
    yield {
        "id": c.id, "name": c.name, "organisation": c.organisation, "aliases": c.aliases, "round": c.round,
        "region": c.region, "city": c.city, **{f: getattr(c.place, f) if c.place else None for f in PLACE_FIELDS},
        "as_of": c.as_of, "project_title": project.title,
        "project_acronym": project.acronym,
        **{f"target_countries_{p}": getattr(c.target_countries, p) for p in PHASES},
        **{f"target_regions_{p}": getattr(c.target_regions, p) for p in PHASES},
        "description_en": c.description.en, "description_de": c.description.de, "contacts": len(c.contacts),
        "addresses": len(c.addresses), "sources": c.sources, "issues": len(c.issues)}


CLUSTERS = Table(
    "clusters", "One row per funded cluster or network.",
    (model_column(Cluster, "id"), model_column(Cluster, "name"), model_column(Cluster, "organisation"),
     model_column(Cluster, "aliases"), model_column(Cluster, "round"), model_column(Cluster, "region"),
     model_column(Cluster, "city"),
     *(model_column(Place, f, required=False, derived=DERIVED) for f in PLACE_FIELDS),
     model_column(Cluster, "as_of"),
     model_column(Project, "title", "project_title", "Project title (see the projects table for its source)."),
     model_column(Project, "acronym", "project_acronym", "Project acronym."),
     *(typed_column(f"target_countries_{p}", list[str] | None,
                    f"ISO 3166-1 alpha-2 codes of the target countries, {p} phase; null where the entry has no "
                    "line for the phase, empty where its line names no country (in CSV both are an empty cell; "
                    "the targets table's phase_stated tells them apart).") for p in PHASES),
     *(typed_column(f"target_regions_{p}", list[str] | None, f"Targets that are regions, not countries, {p} phase.")
       for p in PHASES),
     model_column(Description, "en", "description_en"), model_column(Description, "de", "description_de"),
     count("contacts", "contacts"), count("addresses", "addresses"), model_column(Cluster, "sources"),
     count("issues", "issues")),
    primary_key=("id",), per_cluster=cluster_row)


# -- a cluster's parts ---------------------------------------------------------------------------------------------

CONTACT_TEXT = ("name", "academic_title", "honorific", "role", "organisation", "email")

CONTACTS = Table(
    "contacts", "One row per contact of a cluster.",
    (cluster_id(), position("contact"), *(model_column(Contact, f) for f in (*CONTACT_TEXT, *NUMBER_KINDS))),
    primary_key=("cluster_id", "position"), foreign_keys=(CLUSTER_KEY,),
    per_cluster=lambda c: ({"cluster_id": c.id, "position": n, **{f: getattr(x, f) for f in CONTACT_TEXT},
                            **{k: getattr(x, k) for k in NUMBER_KINDS}} for n, x in enumerate(c.contacts)))

NUMBERS = Table(
    "numbers", "Every phone, fax and mobile number of a contact, one per row, as text in E.164.",
    (cluster_id(), Column("contact_position", "integer", "Position of the contact (contacts table).",
                          required=True, constraints={"minimum": 0}),
     Column("kind", "string", "Which of the contact's numbers.", required=True,
            constraints={"enum": list(NUMBER_KINDS)}),
     typed_column("number", PhoneNumber, "The number in E.164.")),
    foreign_keys=(ForeignKey(("cluster_id", "contact_position"), "contacts", ("cluster_id", "position")),),
    per_cluster=lambda c: ({"cluster_id": c.id, "contact_position": n, "kind": kind, "number": number}
                           for n, x in enumerate(c.contacts) for kind in NUMBER_KINDS for number in getattr(x, kind)))

ADDRESS_FIELDS = ("organisation", "street", "postcode", "city", "country")

ADDRESSES = Table(
    "addresses", "One row per postal address given in a cluster's entry.",
    (cluster_id(), position("address"), *(model_column(Address, f) for f in ADDRESS_FIELDS)),
    primary_key=("cluster_id", "position"), foreign_keys=(CLUSTER_KEY,),
    per_cluster=lambda c: ({"cluster_id": c.id, "position": n, **{f: getattr(a, f) for f in ADDRESS_FIELDS}}
                           for n, a in enumerate(c.addresses)))


def target_rows(c: Cluster) -> Iterator[Row]:
    """Per phase, one row per target country; a phase without countries gives one row without one, saying
    whether the entry has a line for the phase at all."""
    for phase in PHASES:
        codes = getattr(c.target_countries, phase)
        for code in codes or [None]:
            en, de = country_names(code) if code else (None, None)
            yield {"cluster_id": c.id, "phase": phase, "phase_stated": codes is not None, "country": code,
                   "country_en": en, "country_de": de}


TARGETS = Table(
    "targets", "Target countries in long form: one row per cluster, phase and country; a phase without countries "
               "has one row with no country, and phase_stated says whether the entry has a line for it at all.",
    (cluster_id(), Column("phase", "string", "Funding phase.", required=True, constraints={"enum": list(PHASES)}),
     Column("phase_stated", "boolean", "Whether the entry has a line for this phase: false where it says nothing "
                                       "about it (not the same as naming no country).", required=True),
     typed_column("country", CountryCode | None, "Target country, ISO 3166-1 alpha-2 code; empty where the phase "
                                                "names none."),
     Column("country_en", "string", "The country's English name (ISO 3166-1, common name where there is one)."),
     Column("country_de", "string", "The country's German name.")),
    foreign_keys=(CLUSTER_KEY,), per_cluster=target_rows)

TARGET_REGIONS = Table(
    "target_regions", "Targets that are regions, not countries: one row per cluster, phase and region.",
    (cluster_id(), Column("phase", "string", "Funding phase.", required=True, constraints={"enum": list(PHASES)}),
     Column("region", "string", "The region as the entry names it ('Asia-Pacific').", required=True)),
    foreign_keys=(CLUSTER_KEY,),
    per_cluster=lambda c: ({"cluster_id": c.id, "phase": p, "region": r} for p in PHASES
                           for r in getattr(c.target_regions, p) or []))

ISSUES = Table(
    "issues", "What a source says that could not be taken into a field, or was interpreted, with its raw text.",
    (cluster_id(), position("issue"), model_column(Issue, "field"), model_column(Issue, "message"),
     model_column(Issue, "value")),
    primary_key=("cluster_id", "position"), foreign_keys=(CLUSTER_KEY,),
    per_cluster=lambda c: ({"cluster_id": c.id, "position": n, "field": i.field, "message": i.message,
                            "value": i.value} for n, i in enumerate(c.issues)))

PROJECT_FIELDS = ("title", "acronym", "source", "evidence")

PROJECTS = Table(
    "projects", "One row per cluster whose internationalisation project a source names, with the source and the "
                "sentence naming it.",
    (cluster_id(), *(model_column(Project, f) for f in PROJECT_FIELDS)),
    primary_key=("cluster_id",), foreign_keys=(CLUSTER_KEY,),
    per_cluster=lambda c: ([{"cluster_id": c.id, **{f: getattr(c.project, f) for f in PROJECT_FIELDS}}]
                           if c.project else []))

# -- the programme -------------------------------------------------------------------------------------------------

ROUND_FIELDS = ("number", "year", "projects_selected", "projects_selected_approx", "planned_start")

ROUNDS = Table(
    "rounds", "The programme's funding rounds, as far as the sources state them.",
    tuple(model_column(Round, f) for f in ROUND_FIELDS), primary_key=("number",),
    per_version=lambda v: ({f: getattr(r, f) for f in ROUND_FIELDS} for r in (v.programme.rounds if v.programme
                                                                             else [])))


def fact_value(document: Any, path: str, quote: str) -> str | None:
    """The value a programme fact's path names, as text: of a list (the aliases) the items its quote states, else
    all; one per round for '[*]', '; '-joined."""
    try:
        values = resolve(document, path)
    except PathError:
        return None
    flat = [x for v in values for x in (v if isinstance(v, list) else [v]) if x is not None and not isinstance(x, dict)]
    quoted = [x for x in flat if isinstance(x, str) and x in quote]
    return LIST_SEPARATOR.join(str(x) for x in (quoted if len(flat) > 1 and quoted else flat)) or None


def fact_rows(version: DatasetVersion) -> Iterator[Row]:
    """One row per programme fact and source: its path, the round it is about, the value, the sentence."""
    if version.programme is None:
        return
    document = version.programme.model_dump(mode="json")
    for e in version.programme.evidence:
        about = e.path.removeprefix("rounds[number=").partition("]")
        yield {"path": e.path, "round": int(about[0]) if about[1] and about[0].isdigit() else None,
               "value": fact_value(document, e.path, e.quote), "source": e.source, "source_date": e.source_date,
               "quote": e.quote}


FACTS = Table(
    "facts", "The programme's facts with their evidence: one row per field and source stating it.",
    (model_column(Evidence, "path"),
     Column("round", "integer", "The round a round's fact is about (rounds table).", constraints={"minimum": 1}),
     Column("value", "string", "The value at that path in programme.json, as text (list items '; '-separated)."),
     model_column(Evidence, "source"), model_column(Evidence, "source_date"), model_column(Evidence, "quote")),
    primary_key=("path", "source"), foreign_keys=(ForeignKey(("round",), "rounds", ("number",)),),
    per_version=fact_rows)

CHANGES = Table(
    "changes", "What changed against the previous version (changes.json as rows; none in a first version). "
               "Values are JSON text.",
    (Column("event", "string", "Kind of change.", required=True,
            constraints={"enum": ["added", "removed", "renamed", "modified", "programme"]}),
     Column("cluster_id", "string", "The cluster (a rename: 'old -> new'); empty for a programme field."),
     Column("path", "string", "Field path, e.g. 'contacts[0].phone'."),
     Column("old", "string", "The value before, as JSON."), Column("new", "string", "The value after, as JSON."),
     Column("added", "string", "Set-like fields: the items added, as JSON."),
     Column("removed", "string", "Set-like fields: the items removed, as JSON.")),
    per_version=lambda v: (change_row(r.model_dump(mode="json")) for r in (v.changes.rows() if v.changes else [])))


def change_row(row: Row) -> Row:
    """A changes.json row with its values as JSON text."""
    import json

    def text(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    return {**{k: row[k] for k in ("event", "cluster_id", "path")},
            **{k: text(row[k]) for k in ("old", "new", "added", "removed")}}


TABLES: tuple[Table, ...] = (CLUSTERS, CONTACTS, NUMBERS, ADDRESSES, TARGETS, TARGET_REGIONS, ISSUES, PROJECTS,
                             ROUNDS, FACTS, CHANGES)
BY_NAME = {t.name: t for t in TABLES}
