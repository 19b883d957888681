"""Every file of a version, each written by one small exporter, all fed from the typed version in one pass (after
zavod's ``exporters/__init__.py``): the JSON files, each table of ``tables.TABLES`` as CSV and Parquet, the SQLite
database with datasette's metadata, the report, and last the data package over them all.

``export_files(version)`` feeds every cluster to every exporter once, then asks each for its bytes in registry
order, so the report and the data package see the files written before them.
"""

from __future__ import annotations

from collections.abc import Callable

from ..dataset import DatasetVersion
from .common import Exporter
from .csv_tables import CsvExporter
from .datapackage import DataPackage
from .json_files import ChangesJson, ClustersJson, ClustersNdjson, ProgrammeJson
from .parquet_tables import ParquetExporter
from .report import Report
from .sqlite_db import DatasetteMetadata, SqliteExporter
from .tables import TABLES


def table_exporters(kind: type[CsvExporter] | type[ParquetExporter]) -> list[Callable[[DatasetVersion], Exporter]]:
    """One exporter of a format per table."""
    return [lambda version, table=table: kind(version, table) for table in TABLES]  # type: ignore[misc]


# In writing order: the data package describes every file before it, the report links to all of them.
EXPORTERS: list[Callable[[DatasetVersion], Exporter]] = [
    ClustersJson, ProgrammeJson, ChangesJson, ClustersNdjson, *table_exporters(CsvExporter),
    *table_exporters(ParquetExporter), SqliteExporter, DatasetteMetadata, Report, DataPackage,
]


def export_files(version: DatasetVersion) -> dict[str, bytes]:
    """Every file of a version but its manifest, by name: each cluster fed once to every exporter, then each
    exporter's bytes in registry order."""
    exporters = [e for e in (make(version) for make in EXPORTERS) if e.wanted]
    for cluster in version.clusters:
        for exporter in exporters:
            exporter.feed(cluster)
    files: dict[str, bytes] = {}
    for exporter in exporters:
        files[exporter.file_name] = exporter.finish(files)
    return files
