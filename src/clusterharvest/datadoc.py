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

from .exporters.tables import TABLES, Column, Table
from .models import SCHEMA_VERSION, Cluster, Programme


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


def table_rows(table: Table) -> list[str]:
    """Rows of a table's column table: name, type, meaning and constraints (a derived value says so)."""
    def rules(c: Column) -> str:
        found = {**({"required": True} if c.required else {}), **c.constraints}
        return "; ".join(f"{k} {v}" for k, v in found.items()).replace("|", "\\|")

    def meaning(c: Column) -> str:
        return (c.description + (f" **Derived**: {c.derived}" if c.derived else "")).replace("|", "\\|")

    keys = []
    if table.primary_key:
        keys.append(f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.")
    keys += [f"`{', '.join(k.columns)}` refers to `{k.table}` (`{', '.join(k.reference)}`)."
             for k in table.foreign_keys]
    return [" ".join(keys), "", "| column | type | meaning | constraints |", "|---|---|---|---|",
            *(f"| `{c.name}` | {c.type} | {meaning(c)} | {rules(c)} |" for c in table.columns)]


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
        "## Tables",
        "",
        "Every table below is written as CSV (`<table>.csv`: UTF-8 with a byte-order mark, lists joined with `; `, "
        "booleans `true`/`false`), as Parquet (`<table>.parquet`: lists as lists, types kept) and as a table of "
        "`clusterharvest.sqlite` (lists as JSON arrays, booleans 0/1, with the keys below as SQL keys), always with "
        "the same columns; `datapackage.json` describes the CSVs with these Table Schemas. `clusters_fts` in the "
        "database is a full-text index of the clusters (name, organisation, aliases, project title and acronym, "
        "region, city, descriptions); `datasette.json` is its datasette metadata. `clusters.ndjson` is "
        "`clusters.json` with one record per line.",
        "",
        *(line for table in TABLES for line in (f"### {table.name}", "", table.about, "", *table_rows(table), "")),
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/DATA.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
