"""``datapackage.json``: a Frictionless Data Package describing the version's data files. Each CSV table is a
resource with the Table Schema generated from its spec (types, constraints, primary and foreign keys, derived
values said to be derived); the JSON files carry their JSON Schemas; the same tables in Parquet, SQLite and NDJSON
are listed under ``other_formats`` (validators would read them as tables of their own)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from ..dataset import SourceEntry
from ..models import SCHEMA_VERSION
from ..normalize.places import SOURCE as PLACES_SOURCE
from ..schema import changes_schema, clusters_schema, programme_schema
from ..store import pretty_json
from .common import HOMEPAGE, LICENCE, MEDIA_TYPES, TITLE, Exporter
from .tables import LIST_SEPARATOR, TABLES, Column, Table

REDACTED = "[redacted]"
JSON_SCHEMAS = {"clusters.json": clusters_schema, "programme.json": programme_schema, "changes.json": changes_schema}


def resource(name: str, path: str, body: bytes, fmt: str, **extra: Any) -> dict[str, Any]:
    """One data package resource with its size and hash."""
    return {"name": name, "path": path, "format": fmt, "mediatype": MEDIA_TYPES[fmt], "bytes": len(body),
            "hash": f"sha256:{hashlib.sha256(body).hexdigest()}", **extra}


def table_field(c: Column) -> dict[str, Any]:
    """A Table Schema field: name, type, meaning, constraints; a list's delimiter; a derived value's origin."""
    out: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
    if c.type == "list":
        out.update(delimiter=LIST_SEPARATOR, itemType="string")
    constraints = {**({"required": True} if c.required else {}), **c.constraints}
    if constraints:
        out["constraints"] = constraints
    if c.derived:
        out["derived"] = c.derived
    return out


def table_schema(table: Table) -> dict[str, Any]:
    """A table's Frictionless Table Schema."""
    out: dict[str, Any] = {"fields": [table_field(c) for c in table.columns], "missingValues": [""]}
    if table.primary_key:
        out["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        out["foreignKeys"] = [{"fields": list(k.columns), "reference": {"resource": f"{k.table}-csv",
                                                                        "fields": list(k.reference)}}
                              for k in table.foreign_keys]
    return out


def package_sources(sources: list[SourceEntry]) -> list[dict[str, Any]]:
    """The data package's ``sources``: each source's address, when its snapshot was made, its own date."""
    out = []
    for s in sources:
        entry: dict[str, Any] = {"title": s.id, "path": s.url}
        for key in ("method", "obtained_at", "stated_date", "reconstructed_from"):
            if getattr(s, key):
                entry[key] = getattr(s, key)
        out.append(entry)
    return out


class DataPackage(Exporter):
    """``datapackage.json`` over the files written before it."""

    FILE_NAME = "datapackage.json"
    FORMAT = "json"
    TITLE = "Frictionless Data Package describing the data files"

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        tables = {f"{t.name}.csv": t for t in TABLES}
        resources: list[dict[str, Any]] = []
        other: list[dict[str, Any]] = []
        for path, body in files.items():
            stem, _, fmt = path.rpartition(".")
            if path in JSON_SCHEMAS:
                resources.append(resource(f"{stem}-json", path, body, "json", profile="data-resource",
                                          jsonSchema=JSON_SCHEMAS[path]()))
            elif path in tables:
                resources.append(resource(f"{stem}-csv", path, body, "csv", encoding="utf-8-sig",
                                          description=tables[path].about, schema=table_schema(tables[path])))
            elif fmt in ("parquet", "sqlite", "ndjson"):
                about = (f"the {stem} table ({stem}.csv) with its types kept" if fmt == "parquet" else
                         "every table in one SQLite database, with foreign keys and full-text search"
                         if fmt == "sqlite" else "clusters.json, one record per line")
                other.append(resource(f"{stem}-{fmt}", path, body, fmt, description=about))
        return pretty_json(self.describe(resources, other))

    def describe(self, resources: list[dict[str, Any]], other: list[dict[str, Any]]) -> dict[str, Any]:
        """The package around its resources."""
        manifest = self.version.manifest
        description = ("Funded clusters of the BMBF measure 'Internationalisation of Leading-Edge Clusters, "
                       "Forward-Looking Projects and Comparable Networks' (three rounds, 2015-2017), harvested from "
                       "the programme's web pages, flyer, announcements and the InterSpiN directory.")
        if any(s.method == "reconstructed" for s in manifest.sources):
            description += (" The bundled sources are reconstructions of text captures of those pages (see "
                            "sources), not the pages themselves.")
        if self.version.redacted:
            description += (" Public variant: contact persons' names, titles, forms of address, e-mail addresses and "
                            "phone, fax and mobile numbers are removed, and so are the raw values of issues about "
                            "contacts and the lines of quarantined entries. In roles, organisations and addresses, "
                            "issues, the changelog and the manifest, e-mail addresses and phone numbers (by their "
                            "form) and the names of the contact persons of this version and the previous version are "
                            f"replaced by '{REDACTED}'. Descriptions are kept as published.")
        return {
            "name": "clusterharvest-bmbf-cluster-internationalisation" + ("-public" if self.version.redacted else ""),
            "title": TITLE,
            "description": description,
            "version": self.version.version,
            "redacted_personal_data": self.version.redacted,
            "schema_version": SCHEMA_VERSION,
            "created": manifest.created,
            "homepage": HOMEPAGE,
            "licenses": [LICENCE],
            "sources": [*package_sources(manifest.sources),
                        {"title": "GeoNames", "path": "https://www.geonames.org/",
                         "description": f"{PLACES_SOURCE}: the derived place of each cluster (clusters.json's "
                                        "place; the clusters table's state, state_code, latitude, longitude and "
                                        "geonames_id), found from its city"}],
            "contributors": [{"title": "clusterharvest contributors", "role": "author"},
                             {"title": "Federal Ministry of Education and Research (BMBF)", "role": "publisher",
                              "path": HOMEPAGE}],
            "resources": resources,
            "other_formats": other,
        }
