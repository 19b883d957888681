"""The JSON Schema: generated from the models, committed, and valid for what is published."""

from __future__ import annotations

import jsonschema

from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters
from clusterharvest.publish import records_payload
from clusterharvest.schema import SCHEMA_DIR, schemas
from clusterharvest.store import pretty_json

from .conftest import ROOT


def test_committed_schema_matches_the_models():
    for name, schema in schemas().items():
        committed = (ROOT / "normalized" / SCHEMA_DIR / name).read_bytes()
        assert committed == pretty_json(schema), f"{name} is stale: run python -m clusterharvest.schema normalized"


def test_records_validate_against_the_schema(directory_capture):
    records = records_payload(build_clusters(parse_directory(directory_capture), "s"))
    jsonschema.validate(records, schemas()["clusters.schema.json"])


def test_schema_rejects_unknown_fields(directory_capture):
    records = records_payload(build_clusters(parse_directory(directory_capture), "s"))
    records[0]["colour"] = "blue"
    try:
        jsonschema.validate(records, schemas()["clusters.schema.json"])
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("schema accepted an unknown field")
