"""What every exporter shares (after zavod's ``exporters/common.py``): an exporter writes one file of a version. It
is fed each cluster once (``feed``), then asked for its bytes (``finish``), seeing the files written before it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ..dataset import DatasetVersion
from ..models import Cluster
from .tables import Row, Table

# The data's licence (the code's is MIT, LICENSE): CC BY 4.0, so anyone may reuse and redistribute the
# compiled data with attribution; the texts quoted from the sources stay their publishers' (LICENSE-DATA).
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
HOMEPAGE = ("https://www.bmbf.de/en/internationalisation-of-leading-edge-clusters-forward-looking-projects-and-"
            "comparable-1416.html")
TITLE = "BMBF cluster internationalisation: funded clusters and programme facts"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv", "html": "text/html", "ndjson": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet", "sqlite": "application/vnd.sqlite3"}


class Exporter:
    """One output file of a version."""

    FILE_NAME: ClassVar[str] = ""
    FORMAT: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""

    def __init__(self, version: DatasetVersion) -> None:
        self.version = version
        self.file_name = self.FILE_NAME
        self.title = self.TITLE

    @property
    def wanted(self) -> bool:
        """Whether this version has this file (``changes.json`` only after a first version)."""
        return True

    def feed(self, cluster: Cluster) -> None:
        """Take one cluster (each once, in id order)."""

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        """The file's bytes; ``files`` are those written before it."""
        raise NotImplementedError


class TableExporter(Exporter):
    """One table in one format: rows gathered cluster by cluster, then the version's own rows."""

    EXTENSION: ClassVar[str] = ""

    def __init__(self, version: DatasetVersion, table: Table) -> None:
        super().__init__(version)
        self.table = table
        self.file_name = f"{table.name}.{self.EXTENSION}"
        self.title = table.about
        self.rows: list[Row] = []

    def feed(self, cluster: Cluster) -> None:
        self.rows += self.table.rows_of(cluster)

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        return self.write(self.rows + self.table.rows_of_version(self.version))

    def write(self, rows: list[Row]) -> bytes:
        """The table's rows as this format's bytes."""
        raise NotImplementedError
