"""Typed tables for analysts, built from a version's records: Parquet (lists as lists, phones as strings),
a SQLite database (long-form tables, foreign keys, full-text search on descriptions) with datasette
metadata, and NDJSON (one record a line).

The JSON stays the source of truth; these are views of it that keep their types in the tools analysts use
(pandas, DuckDB, polars, sqlite3, datasette), where CSV loses the ``+`` of a phone number.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from typing import Any

import orjson

from .controls import escape_controls_utf8
from .dataset import Changes
from .store import pretty_json

SQLITE_NAME = "clusterharvest.sqlite"
PHASES = ("concept", "implementation")
NUMBER_KINDS = ("phone", "fax", "mobile")


def ndjson_bytes(records: list[dict[str, Any]]) -> bytes:
    """One record per line, keys sorted (``clusters.ndjson``), control characters as JSON escapes (as in
    ``store.pretty_json``)."""
    return escape_controls_utf8(b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in records))


# -- Parquet ---------------------------------------------------------------------------------------------------

def clusters_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per cluster: scalars, lists kept as lists."""
    rows = []
    for r in records:
        project = r.get("project") or {}
        rows.append({
            "id": r["id"], "name": r["name"], "organisation": r.get("organisation"), "aliases": r["aliases"],
            "round": r.get("round"), "region": r.get("region"), "city": r.get("city"), "as_of": r.get("as_of"),
            "project_title": project.get("title"), "project_acronym": project.get("acronym"),
            "project_source": project.get("source"),
            **{f"target_countries_{p}": r["target_countries"][p] for p in PHASES},
            **{f"target_regions_{p}": r["target_regions"][p] for p in PHASES},
            "description_en": r["description"]["en"], "description_de": r["description"]["de"],
            "contacts": len(r["contacts"]), "addresses": len(r["addresses"]), "sources": r["sources"],
            "issues": len(r["issues"]),
        })
    return rows


def contacts_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per contact; numbers as lists of E.164 strings."""
    return [{"cluster_id": r["id"], "position": n, **{k: c.get(k) for k in (
        "name", "academic_title", "honorific", "role", "organisation", "email")},
        **{k: c.get(k) or [] for k in NUMBER_KINDS}}
        for r in records for n, c in enumerate(r["contacts"])]


def address_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per address, with its cluster's id and position (the columns of addresses.csv and the table)."""
    return [{"cluster_id": r["id"], "position": n, **{k: a.get(k) for k in (
        "organisation", "street", "postcode", "city", "country")}}
        for r in records for n, a in enumerate(r["addresses"])]


def target_rows(records: list[dict[str, Any]], field: str = "target_countries") -> list[dict[str, Any]]:
    """Targets in long form: one row per cluster, phase and country (``field``: or region)."""
    return [{"cluster_id": r["id"], "phase": phase, "target": target}
            for r in records for phase in PHASES for target in r[field][phase] or []]


def joined(contact: dict[str, Any]) -> dict[str, Any]:
    """A contact row with its numbers joined by '; ' (None for none): the form of the CSV and SQL tables."""
    return {**contact, **{k: "; ".join(contact[k]) or None for k in NUMBER_KINDS}}


def parquet_bytes(rows: list[dict[str, Any]], columns: dict[str, str]) -> bytes:
    """Rows as a Parquet file with an explicit schema (so a column that is empty in this version still has
    its type): ``columns`` maps each name to 'string', 'int' or 'strings' (a list of strings)."""
    import io

    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int": pa.int32(), "strings": pa.list_(pa.string())}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind in columns.items()])
    # Through Arrow's JSON reader: building arrays from Python objects makes pyarrow import pandas (0.4 s)
    # to check whether they are pandas objects.
    lines = ndjson_bytes(rows) or b"\n"
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    read = pj.ReadOptions(block_size=max(1 << 20, len(lines) + 1))  # one block: no record straddles two
    table = pj.read_json(io.BytesIO(lines), read_options=read, parse_options=options) if rows else schema.empty_table()
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


CLUSTERS_COLUMNS = {
    "id": "string", "name": "string", "organisation": "string", "aliases": "strings", "round": "int",
    "region": "string", "city": "string", "as_of": "string", "project_title": "string",
    "project_acronym": "string", "project_source": "string",
    **{f"target_countries_{p}": "strings" for p in PHASES}, **{f"target_regions_{p}": "strings" for p in PHASES},
    "description_en": "string", "description_de": "string", "contacts": "int", "addresses": "int",
    "sources": "strings", "issues": "int",
}
CONTACTS_COLUMNS = {
    "cluster_id": "string", "position": "int", "name": "string", "academic_title": "string",
    "honorific": "string", "role": "string", "organisation": "string", "email": "string",
    **{k: "strings" for k in NUMBER_KINDS},
}


def parquet_files(records: list[dict[str, Any]]) -> dict[str, bytes]:
    """``clusters.parquet`` and ``contacts.parquet``."""
    return {"clusters.parquet": parquet_bytes(clusters_rows(records), CLUSTERS_COLUMNS),
            "contacts.parquet": parquet_bytes(contacts_rows(records), CONTACTS_COLUMNS)}


# -- SQLite ----------------------------------------------------------------------------------------------------

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE clusters (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, organisation TEXT, round INTEGER CHECK (round BETWEEN 1 AND 3),
    region TEXT, city TEXT, as_of TEXT, project_title TEXT, project_acronym TEXT, project_source TEXT,
    description_en TEXT, description_de TEXT, aliases TEXT, sources TEXT
);
CREATE TABLE contacts (
    cluster_id TEXT NOT NULL REFERENCES clusters(id), position INTEGER NOT NULL, name TEXT, academic_title TEXT,
    honorific TEXT, role TEXT, organisation TEXT, email TEXT, phone TEXT, fax TEXT, mobile TEXT,
    PRIMARY KEY (cluster_id, position)
);
CREATE TABLE numbers (
    cluster_id TEXT NOT NULL, contact_position INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN
    ('phone', 'fax', 'mobile')), number TEXT NOT NULL CHECK (number GLOB '+[1-9]*'),
    FOREIGN KEY (cluster_id, contact_position) REFERENCES contacts(cluster_id, position)
);
CREATE TABLE addresses (
    cluster_id TEXT NOT NULL REFERENCES clusters(id), position INTEGER NOT NULL, organisation TEXT, street TEXT,
    postcode TEXT, city TEXT, country TEXT, PRIMARY KEY (cluster_id, position)
);
CREATE TABLE targets (
    cluster_id TEXT NOT NULL REFERENCES clusters(id), phase TEXT NOT NULL CHECK (phase IN ('concept',
    'implementation')), country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country))
);
CREATE TABLE target_regions (
    cluster_id TEXT NOT NULL REFERENCES clusters(id), phase TEXT NOT NULL, region TEXT NOT NULL
);
CREATE TABLE issues (
    cluster_id TEXT NOT NULL REFERENCES clusters(id), position INTEGER NOT NULL, field TEXT NOT NULL,
    message TEXT NOT NULL, value TEXT
);
CREATE TABLE changes (
    event TEXT NOT NULL, cluster_id TEXT, path TEXT, old TEXT, new TEXT, added TEXT, removed TEXT
);
CREATE INDEX contacts_cluster ON contacts(cluster_id);
CREATE INDEX targets_country ON targets(country);
CREATE INDEX issues_cluster ON issues(cluster_id);
CREATE VIRTUAL TABLE clusters_fts USING fts5(name, description_en, description_de, content='clusters',
                                             content_rowid='rowid');
"""


def as_json(value: Any) -> str | None:
    """A list or object cell as JSON text (datasette shows it as such); None stays NULL."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def change_rows(changes: dict[str, Any] | None) -> list[tuple[Any, ...]]:
    """changes.json as rows of the ``changes`` table (values as JSON text)."""
    return [(r.event, r.cluster_id, r.path, *(as_json(getattr(r, k)) for k in ("old", "new", "added", "removed")))
            for r in Changes.model_validate(changes).rows()] if changes else []


def fill(db: sqlite3.Connection, records: list[dict[str, Any]], changes: dict[str, Any] | None) -> None:
    db.executescript(SCHEMA)
    for r in records:
        project = r.get("project") or {}
        db.execute("INSERT INTO clusters VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            r["id"], r["name"], r.get("organisation"), r.get("round"), r.get("region"), r.get("city"),
            r.get("as_of"), project.get("title"), project.get("acronym"), project.get("source"),
            r["description"]["en"], r["description"]["de"], as_json(r["aliases"]), as_json(r["sources"])))
        db.executemany("INSERT INTO issues VALUES (?,?,?,?,?)",
                       [(r["id"], n, i["field"], i["message"], i.get("value")) for n, i in enumerate(r["issues"])])
    contacts = contacts_rows(records)
    db.executemany("INSERT INTO contacts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [tuple(joined(row).values()) for row in contacts])
    db.executemany("INSERT INTO numbers VALUES (?,?,?,?)", [(c["cluster_id"], c["position"], kind, number)
                                                           for c in contacts for kind in NUMBER_KINDS
                                                           for number in c[kind]])
    db.executemany("INSERT INTO addresses VALUES (?,?,?,?,?,?,?)", [tuple(a.values()) for a in address_rows(records)])
    db.executemany("INSERT INTO targets VALUES (?,?,?)", [tuple(t.values()) for t in target_rows(records)])
    db.executemany("INSERT INTO target_regions VALUES (?,?,?)",
                   [tuple(t.values()) for t in target_rows(records, "target_regions")])
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?)", change_rows(changes))
    db.execute("INSERT INTO clusters_fts(clusters_fts) VALUES ('rebuild')")


def sqlite_bytes(records: list[dict[str, Any]], changes: dict[str, Any] | None) -> bytes:
    """The version as a SQLite database file (built in a temporary file, returned as bytes)."""
    fd, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(fd)
    try:
        db = sqlite3.connect(path)
        try:
            with db:
                fill(db, records, changes)
            db.execute("VACUUM")
        finally:
            db.close()
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def datasette_metadata(version: str, licence: dict[str, str], sources: list[dict[str, Any]] | None) -> bytes:
    """``datasette.json``: titles, descriptions, licence and sources for ``datasette clusterharvest.sqlite
    --metadata datasette.json``."""
    source_text = "; ".join(f"{s['id']} ({s.get('url')})" for s in sources or []) or "see manifest.json"
    tables = {
        "clusters": "One row per funded cluster or network. Lists (aliases, sources) are JSON arrays.",
        "contacts": "Contact persons and lines of each cluster; numbers in E.164, '; '-separated.",
        "numbers": "Every phone, fax and mobile number, one per row, as text in E.164.",
        "addresses": "Postal addresses given in each cluster's entry.",
        "targets": "Target countries in long form: one row per cluster, phase and ISO 3166-1 alpha-2 code.",
        "target_regions": "Targets that are regions, not countries.",
        "issues": "What a source says that could not be taken into a field, or was interpreted, with its raw text.",
        "changes": "What changed against the previous version (changes.json as rows).",
    }
    return pretty_json({
        "title": f"BMBF cluster internationalisation, version {version}",
        "description": "The 32 clusters and networks funded by the BMBF measure 'Internationalisation of "
                       "Leading-Edge Clusters, Forward-Looking Projects and Comparable Networks', harvested by "
                       "clusterharvest.",
        "license": licence["title"], "license_url": licence["path"],
        "source": source_text,
        "databases": {"clusterharvest": {"tables": {
            name: {"description": text, **({"fts_table": "clusters_fts", "fts_pk": "id"} if name == "clusters"
                                           else {})} for name, text in tables.items()}}},
    })
