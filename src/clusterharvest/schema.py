"""JSON Schema of the published files, generated from the pydantic models."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .dataset import Changes
from .models import SCHEMA_VERSION, Cluster, Programme
from .store import atomic_write, pretty_json

SCHEMA_DIR = "schema"
BASE_URI = "https://clusterharvest.invalid/schema"  # ids only; nothing is served there


def clusters_schema() -> dict[str, Any]:
    """Schema of ``clusters.json``: an array of Cluster records."""
    schema = TypeAdapter(list[Cluster]).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}/{SCHEMA_VERSION}/clusters.schema.json",
        "title": "clusterharvest clusters.json",
        "description": "Funded clusters of the BMBF measure 'Internationalisation of Leading-Edge Clusters, "
                       "Forward-Looking Projects and Comparable Networks', sorted by id.",
        **schema,
    }


def programme_schema() -> dict[str, Any]:
    """Schema of ``programme.json``: one Programme record."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}/{SCHEMA_VERSION}/programme.schema.json",
        "title": "clusterharvest programme.json",
        **Programme.model_json_schema(),
    }


def changes_schema() -> dict[str, Any]:
    """Schema of ``changes.json`` (``dataset.Changes``): what changed from the previous version."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}/{SCHEMA_VERSION}/changes.schema.json",
        **Changes.model_json_schema(by_alias=True),
        "description": "What changed from the previous version: clusters added, removed, renamed and modified "
                       "(field by field), and programme fields.",
    }


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema file by name."""
    return {"clusters.schema.json": clusters_schema(), "programme.schema.json": programme_schema(),
            "changes.schema.json": changes_schema()}


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write the schema files into ``<out_dir>/schema/`` (only those that changed)."""
    written = []
    for name, schema in schemas().items():
        path = Path(out_dir) / SCHEMA_DIR / name
        body = pretty_json(schema)
        if not path.is_file() or path.read_bytes() != body:
            atomic_write(path, body)
            written.append(path)
    return written


if __name__ == "__main__":
    for p in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "normalized"):
        print(p)
