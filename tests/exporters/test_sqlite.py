"""The SQLite database: each table's foreign keys are there (PRAGMA foreign_key_list) and hold (an insert naming
a missing parent fails), and the full-text index finds a cluster by each column it covers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clusterharvest.pipeline import open_context, run_harvest

from ..conftest import ROOT

# Every table's foreign keys, by hand: (columns, parent table, parent columns).
FOREIGN_KEYS = {
    "clusters": [], "rounds": [], "changes": [],
    "contacts": [(("cluster_id",), "clusters", ("id",))],
    "numbers": [(("cluster_id", "contact_position"), "contacts", ("cluster_id", "position"))],
    "addresses": [(("cluster_id",), "clusters", ("id",))],
    "targets": [(("cluster_id",), "clusters", ("id",))],
    "target_regions": [(("cluster_id",), "clusters", ("id",))],
    "issues": [(("cluster_id",), "clusters", ("id",))],
    "projects": [(("cluster_id",), "clusters", ("id",))],
    "facts": [(("round",), "rounds", ("number",))],
}


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sqlite")
    result = run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    return out / result.version / "clusterharvest.sqlite"


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def declared_keys(db: sqlite3.Connection, table: str) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """A table's foreign keys as SQLite reports them."""
    keys: dict[int, list[tuple]] = {}
    for key_id, seq, parent, column, parent_column, *_ in db.execute(f"PRAGMA foreign_key_list({table})"):
        keys.setdefault(key_id, []).append((seq, parent, column, parent_column))
    out = []
    for parts in keys.values():
        parts.sort()
        out.append((tuple(p[2] for p in parts), parts[0][1], tuple(p[3] for p in parts)))
    return sorted(out)


def test_every_table_declares_its_foreign_keys(database):
    db = connect(database)
    tables = sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                                  "LIKE 'clusters_fts%'"))
    assert tables == sorted(FOREIGN_KEYS), tables
    got = {table: declared_keys(db, table) for table in FOREIGN_KEYS}
    assert got == FOREIGN_KEYS, got
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("table", [t for t, keys in FOREIGN_KEYS.items() if keys])
def test_a_row_naming_a_missing_parent_is_refused(database, tmp_path, table):
    """A copy of one of the table's rows whose foreign key names no parent (and whose primary key is new)."""
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(database.read_bytes())
    db = connect(copy)
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    primary = [row[1] for row in db.execute(f"PRAGMA table_info({table})") if row[5]]
    [(key_columns, _, _)] = FOREIGN_KEYS[table]
    row = dict(zip(columns, db.execute(f"SELECT * FROM {table} WHERE {key_columns[0]} IS NOT NULL LIMIT 1")
                   .fetchone(), strict=True))
    for column in {*key_columns, *primary}:
        row[column] = row[column] + 1000 if isinstance(row[column], int) else f"{row[column]}-missing"
    marks = ", ".join("?" * len(columns))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        db.execute(f"INSERT INTO {table} VALUES ({marks})", [row[c] for c in columns])


@pytest.mark.parametrize(("query", "want"), [
    ("Japan", ["biom-biotech-cluster-development-gmbh", "international-sports-innovation-network-sinn-i",
               "organic-electronics-saxony-oes"]),  # descriptions
    ("TADA", ["amz-sachsen"]),  # a project acronym: "Transatlantic Automated Driving Alliance (TADA)"
    ("Wörrstadt", ["optence-e-v"]),  # a city
    ("Forschungscampus", ["arena-2036"]),  # an alias: the round-3 announcement's "Forschungscampus ARENA2036"
    ("ResearchCampus", ["open-hybrid-labfactory-e-v"]),  # an alias: "ResearchCampus OpenHybrid LabFactory"
    ("Norddeutschland", ["cfk-valley"]),  # a region: "CFK Valley, Stade – Norddeutschland"
    ("Innovationsmanufaktur", ["international-sports-innovation-network-sinn-i"]),  # an organisation
])
def test_the_full_text_index_finds_clusters_by_each_column(database, query, want):
    """As datasette's _search does: the clusters whose rowid the index gives."""
    db = connect(database)
    got = [row[0] for row in db.execute("SELECT id FROM clusters WHERE rowid IN (SELECT rowid FROM clusters_fts "
                                        "WHERE clusters_fts MATCH ?) ORDER BY id", (f'"{query}"',))]
    assert got == want, got
