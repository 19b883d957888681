"""Every table in one SQLite database (``clusterharvest.sqlite``), created from the table specs: types, NOT NULL,
CHECKs from the constraints, primary and foreign keys; lists as JSON arrays; and a full-text index on the
clusters (``clusters_fts``) keyed by the clusters' rowid, as datasette's ``_search`` expects. ``datasette.json``
gives datasette the tables' and columns' descriptions, the licence and the sources."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Mapping
from typing import Any

from ..models import Cluster, CountryCode, PhoneNumber, StateCode
from ..store import pretty_json
from .common import LICENCE, Exporter
from .tables import TABLES, Column, Row, Table, base_type, constraints_of

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "list": "TEXT"}


def pattern_of(annotation: Any) -> str:
    """The Table Schema pattern of a constrained type."""
    return str(constraints_of(base_type(annotation)[2])["pattern"])


# SQLite has no regular expressions: each pattern a column may carry, as a GLOB check ({c}: the column).
PATTERN_CHECKS = {
    pattern_of(CountryCode): "{c} GLOB '[A-Z][A-Z]'",
    pattern_of(StateCode): "{c} GLOB 'DE-[A-Z][A-Z]'",
    pattern_of(PhoneNumber): "{c} GLOB '+[1-9]*' AND substr({c}, 2) NOT GLOB '*[^0-9]*' AND length({c}) BETWEEN 6 "
                             "AND 16",
}
# What a search finds: every column of clusters that names or describes a cluster.
FTS_COLUMNS = ("name", "organisation", "aliases", "project_title", "project_acronym", "region", "city",
               "description_en", "description_de")


def checks(c: Column) -> list[str]:
    """The CHECK conditions of a column's constraints."""
    out = []
    if c.type == "boolean":
        out.append(f"{c.name} IN (0, 1)")
    if c.type == "list":
        out.append(f"json_type({c.name}) = 'array'")
    rules = c.constraints
    if "enum" in rules:
        out.append(f"{c.name} IN ({', '.join(repr(v) for v in rules['enum'])})")
    if "minimum" in rules:
        out.append(f"{c.name} >= {rules['minimum']}")
    if "maximum" in rules:
        out.append(f"{c.name} <= {rules['maximum']}")
    if "pattern" in rules:
        out.append(PATTERN_CHECKS[rules["pattern"]].format(c=c.name))  # an unknown pattern fails here, loudly
    return out


def create_table(table: Table) -> str:
    """The CREATE TABLE statement of a table spec."""
    lines = []
    for c in table.columns:
        rules = checks(c)
        lines.append(f"{c.name} {SQL_TYPES[c.type]}" + (" NOT NULL" if c.required else "")
                     + (f" CHECK ({' AND '.join(rules)})" if rules else ""))
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    lines += [f"FOREIGN KEY ({', '.join(k.columns)}) REFERENCES {k.table}({', '.join(k.reference)})"
              for k in table.foreign_keys]
    return f"CREATE TABLE {table.name} (\n    " + ",\n    ".join(lines) + "\n)"


def schema_sql() -> str:
    """The whole database's schema: every table, an index on each foreign key, the full-text index."""
    statements = [create_table(t) for t in TABLES]
    statements += [f"CREATE INDEX {t.name}_{'_'.join(k.columns)} ON {t.name}({', '.join(k.columns)})"
                   for t in TABLES for k in t.foreign_keys]
    statements.append(f"CREATE VIRTUAL TABLE clusters_fts USING fts5({', '.join(FTS_COLUMNS)}, content='clusters', "
                      "content_rowid='rowid')")
    return ";\n".join(statements) + ";\n"


def sql_value(column: Column, value: Any) -> Any:
    """A value as SQLite stores it: lists as JSON text, booleans as 0/1."""
    if value is None:
        return None
    if column.type == "list":
        return json.dumps(value, ensure_ascii=False)
    if column.type == "boolean":
        return int(value)
    return value


class SqliteExporter(Exporter):
    """``clusterharvest.sqlite``: every table, built in a temporary file."""

    FILE_NAME = "clusterharvest.sqlite"
    FORMAT = "sqlite"
    TITLE = "Every table in one SQLite database, with foreign keys and full-text search"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.rows: dict[str, list[Row]] = {t.name: [] for t in TABLES}

    def feed(self, cluster: Cluster) -> None:
        for table in TABLES:
            self.rows[table.name] += table.rows_of(cluster)

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        fd, path = tempfile.mkstemp(suffix=".sqlite")
        os.close(fd)
        try:
            db = sqlite3.connect(path)
            try:
                db.execute("PRAGMA foreign_keys = ON")
                # a scratch file read back whole: nothing to make durable on the way
                db.execute("PRAGMA synchronous = OFF")
                db.execute("PRAGMA journal_mode = MEMORY")
                with db:
                    db.executescript(schema_sql())
                    for table in TABLES:
                        rows = self.rows[table.name] + table.rows_of_version(self.version)
                        marks = ", ".join("?" * len(table.columns))
                        db.executemany(f"INSERT INTO {table.name} VALUES ({marks})",
                                       [[sql_value(c, row[c.name]) for c in table.columns] for row in rows])
                db.execute("VACUUM")
                # after VACUUM, which may renumber the rowids the index refers to
                with db:
                    db.execute("INSERT INTO clusters_fts(clusters_fts) VALUES ('rebuild')")
            finally:
                db.close()
            with open(path, "rb") as fh:
                return fh.read()
        finally:
            os.unlink(path)


class DatasetteMetadata(Exporter):
    """``datasette.json``: titles, descriptions of tables and columns, licence and sources, for ``datasette
    clusterharvest.sqlite --metadata datasette.json``; search on the clusters table goes through
    ``clusters_fts``."""

    FILE_NAME = "datasette.json"
    FORMAT = "json"
    TITLE = "datasette's metadata for clusterharvest.sqlite"

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        sources = self.version.manifest.sources
        source_text = "; ".join(f"{s.id} ({s.url})" for s in sources) or "see manifest.json"
        tables = {t.name: {"description": t.about, "columns": {c.name: c.description for c in t.columns}}
                  for t in TABLES}
        tables["clusters"]["fts_table"] = "clusters_fts"  # keyed by rowid, datasette's default: no fts_pk
        return pretty_json({
            "title": f"BMBF cluster internationalisation, version {self.version.version}",
            "description": "The 32 clusters and networks funded by the BMBF measure 'Internationalisation of "
                           "Leading-Edge Clusters, Forward-Looking Projects and Comparable Networks', harvested by "
                           "clusterharvest.",
            "license": LICENCE["title"], "license_url": LICENCE["path"], "source": source_text,
            "databases": {"clusterharvest": {"tables": tables}},
        })
