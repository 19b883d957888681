"""Every table in every format with the same columns: CSV header, Parquet schema, SQLite table, the data
package's Table Schema and docs/DATA.md, all from one spec per table; and the rows agree across formats."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clusterharvest.exporters.tables import TABLES
from clusterharvest.pipeline import open_context, run_harvest

from ..conftest import ROOT

# The tables a version has, written by hand: a table dropped from the registry fails here.
WANT = ["clusters", "contacts", "numbers", "addresses", "targets", "target_regions", "issues", "projects", "rounds",
        "facts", "changes"]


@pytest.fixture(scope="module")
def version(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    return out / run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True)).version


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return header, rows


def data_md_columns(name: str) -> list[str]:
    text = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
    section = re.search(rf"^### {name}\n(.*?)(?=^#|\Z)", text, re.S | re.M)
    assert section, name
    return re.findall(r"^\| `([a-z_]+)` \|", section.group(1), re.M)


def test_every_table_has_the_same_columns_in_every_format(version):
    assert [t.name for t in TABLES] == WANT
    package = {r["name"]: r for r in json.loads((version / "datapackage.json").read_text(encoding="utf-8"))
               ["resources"]}
    db = sqlite3.connect(version / "clusterharvest.sqlite")
    found = {}
    for table in TABLES:
        formats = {
            "csv": csv_rows(version / f"{table.name}.csv")[0],
            "parquet": pq.read_schema(version / f"{table.name}.parquet").names,
            "sqlite": [row[1] for row in db.execute(f"PRAGMA table_info({table.name})")],
            "datapackage": [f["name"] for f in package[f"{table.name}-csv"]["schema"]["fields"]],
            "DATA.md": data_md_columns(table.name),
        }
        found[table.name] = {fmt: names for fmt, names in formats.items() if names != table.names}
    assert found == {t: {} for t in WANT}, found


def test_the_rows_agree_across_formats(version):
    """Each table holds the same rows in CSV, Parquet and SQLite (as text, lists '; '-joined)."""
    db = sqlite3.connect(version / "clusterharvest.sqlite")

    def text(value, kind: str) -> str:
        if value is None:
            return ""
        if kind == "list":
            return "; ".join(json.loads(value) if isinstance(value, str) else value)
        if kind == "boolean":
            return "true" if value else "false"
        return str(value)

    for table in TABLES:
        kinds = [c.type for c in table.columns]
        _, from_csv = csv_rows(version / f"{table.name}.csv")
        parquet = pq.read_table(version / f"{table.name}.parquet").to_pylist()
        from_parquet = [[text(row[c.name], c.type) for c in table.columns] for row in parquet]
        from_sqlite = [[text(v, k) for v, k in zip(row, kinds, strict=True)]
                       for row in db.execute(f"SELECT * FROM {table.name} ORDER BY rowid")]
        plain = [[cell.removeprefix("'") if cell[:2] in ("'=", "'@", "'+", "'-") else cell for cell in row]
                 for row in from_csv]  # the CSV's guard against formulas
        assert plain == from_parquet == from_sqlite, table.name
    counts = {t.name: len(csv_rows(version / f"{t.name}.csv")[1]) for t in TABLES}
    assert counts["clusters"] == 32 and counts["rounds"] == 3 and counts["changes"] == 0, counts


def test_a_first_version_is_published_without_importing_pandas(tmp_path):
    """pyarrow imports pandas (0.4 s) to build arrays from Python objects or an empty table; a first version
    (whose changes table is empty) is written without it. See BENCHMARKS.md for what a publishing run costs."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from clusterharvest.pipeline import open_context, run_harvest\n"
            f"root = Path({str(ROOT)!r})\n"
            f"run_harvest(open_context(root / 'sources.toml', {str(tmp_path / 'out')!r}, root / 'raw', offline=True))\n"
            "assert 'pandas' not in sys.modules, 'pandas was imported'")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
