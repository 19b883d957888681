"""The JSON files of a version: the records (``clusters.json``, one record a line in ``clusters.ndjson``), the
programme record and the changelog, written as ``store.pretty_json`` writes (control characters escaped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..controls import escape_controls_utf8
from ..models import Cluster
from ..store import pretty_json
from .common import Exporter


def ndjson_bytes(records: list[dict[str, Any]]) -> bytes:
    """One record per line, keys sorted, control characters as JSON escapes (as in ``store.pretty_json``)."""
    return escape_controls_utf8(b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in records))


class ClustersJson(Exporter):
    """``clusters.json``: the records, a JSON array sorted by id (the content hash covers it)."""

    FILE_NAME = "clusters.json"
    FORMAT = "json"
    TITLE = "The cluster records"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.records: list[dict[str, Any]] = []

    def feed(self, cluster: Cluster) -> None:
        self.records.append(cluster.model_dump(mode="json"))

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        return pretty_json(self.records)


class ClustersNdjson(ClustersJson):
    """``clusters.ndjson``: ``clusters.json`` with one record per line."""

    FILE_NAME = "clusters.ndjson"
    FORMAT = "ndjson"
    TITLE = "clusters.json, one record per line"

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        return ndjson_bytes(self.records)


class ProgrammeJson(Exporter):
    """``programme.json``: the programme record."""

    FILE_NAME = "programme.json"
    FORMAT = "json"
    TITLE = "The programme record"

    @property
    def wanted(self) -> bool:
        return self.version.programme is not None

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        assert self.version.programme is not None
        return pretty_json(self.version.programme.model_dump(mode="json"))


class ChangesJson(Exporter):
    """``changes.json``: what changed against the previous version (not in a first version)."""

    FILE_NAME = "changes.json"
    FORMAT = "json"
    TITLE = "What changed against the previous version"

    @property
    def wanted(self) -> bool:
        return self.version.changes is not None

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        assert self.version.changes is not None
        return pretty_json(self.version.changes.to_json())
