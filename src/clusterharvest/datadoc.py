"""``docs/DATA.md``: the data dictionary, generated from the pydantic models (field, type, meaning,
example). Regenerate with ``python -m clusterharvest.datadoc docs/DATA.md``; a test fails when the
committed file drifts from the models."""

from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .models import SCHEMA_VERSION, Cluster, Programme
from .outputs import (
    ADDRESSES_CSV_COLUMNS,
    CLUSTERS_CSV_COLUMNS,
    CONTACTS_CSV_COLUMNS,
    TARGETS_CSV_COLUMNS,
    Column,
)


def type_name(annotation: Any) -> str:
    """A reader's name for a field type: 'string', 'list of string', 'Contact or null', ..."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:  # a constrained type ('E.164 number'): its base type
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" or null" if type(None) in args else "")
    if origin is list:
        return f"list of {type_name(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"object ({annotation.__name__})"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(annotation, str(annotation))


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation (``Contact`` of ``list[Contact]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = nested_model(arg)
        if inner:
            return inner
    return None


def example(values: list[Any] | None) -> str:
    if not values:
        return ""
    text = json.dumps(values[0], ensure_ascii=False)
    return f"`{text}`".replace("|", "\\|")


def rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    """One table row per field, nested models expanded with dotted paths ('contacts[].phone')."""
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = field.annotation
        meaning = (field.description or "").replace("|", "\\|")
        out.append(f"| `{path}` | {type_name(annotation)} | {meaning} | {example(field.examples)} |")
        inner = nested_model(annotation)
        if inner is not None:
            is_list = typing.get_origin(annotation) is list or any(
                typing.get_origin(a) is list for a in typing.get_args(annotation))
            out += rows(inner, f"{path}[]." if is_list else f"{path}.")
    return out


def table_rows(fields: list[Column]) -> list[str]:
    """Rows of a CSV's column table: name, type, meaning and constraints."""
    def rules(f: Column) -> str:
        return "; ".join(f"{k} {v}" for k, v in (f[3] if len(f) > 3 else {}).items()).replace("|", "\\|")
    return [f"| `{f[0]}` | {f[1]} | {f[2]} | {rules(f)} |" for f in fields]


CSV_TABLES = [  # (file, what a row is, its columns)
    ("clusters.csv", "One row per cluster (UTF-8 with a byte-order mark; lists joined with `; `).",
     CLUSTERS_CSV_COLUMNS),
    ("contacts.csv", "One row per contact; `cluster_id` refers to `clusters.csv`.", CONTACTS_CSV_COLUMNS),
    ("addresses.csv", "One row per address; `cluster_id` refers to `clusters.csv`.", ADDRESSES_CSV_COLUMNS),
    ("targets.csv", "Target countries in long form: one row per cluster, phase and country.", TARGETS_CSV_COLUMNS),
]


def render() -> str:
    """The whole data dictionary."""
    head = "| field | type | meaning | example |\n|---|---|---|---|"
    parts = [
        "# Data dictionary",
        "",
        f"Generated from the pydantic models (schema version {SCHEMA_VERSION}) by "
        "`python -m clusterharvest.datadoc docs/DATA.md`; do not edit by hand. JSON Schemas of the same "
        "files are in `normalized/schema/`. Lists are `[]` in paths: `contacts[].phone` is the `phone` of "
        "each contact. Examples are values from the sources, except for persons' names, e-mail addresses and "
        "numbers, whose examples are placeholders (Erika Mustermann, example.org, +49 30 ...).",
        "",
        "## clusters.json",
        "",
        "A JSON array of cluster records, sorted by `id`.",
        "",
        head, *rows(Cluster), "",
        "## programme.json",
        "",
        "One record: the funding measure as its flyer, programme page and announcements describe it.",
        "",
        head, *rows(Programme), "",
        *(line for name, about, columns in CSV_TABLES for line in (
            f"## {name}", "", about, "", "| column | type | meaning | constraints |\n|---|---|---|---|",
            *table_rows(columns), "")),
        "## Other formats",
        "",
        "- `clusters.ndjson`: `clusters.json` with one record per line.",
        "- `clusters.parquet`, `contacts.parquet`: the CSV tables with their types kept (lists as lists, "
        "numbers as strings).",
        "- `clusterharvest.sqlite`: tables `clusters`, `contacts`, `numbers`, `addresses`, `targets`, "
        "`target_regions`, `issues`, `changes`, with foreign keys and full-text search (`clusters_fts`) on "
        "names and descriptions; `datasette.json` is its datasette metadata.",
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/DATA.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
