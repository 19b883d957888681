"""A table as Parquet, with an explicit schema from its spec (so a column that is empty in this version still has
its type): lists as lists of strings, numbers in E.164 as strings, whole numbers as integers."""

from __future__ import annotations

import io
from typing import Any

from .common import TableExporter
from .json_files import ndjson_bytes
from .tables import Row


def arrow_type(kind: str) -> Any:
    """The Arrow type of a Table Schema type."""
    import pyarrow as pa

    return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
            "list": pa.list_(pa.string())}[kind]


class ParquetExporter(TableExporter):
    """``<table>.parquet``."""

    EXTENSION = "parquet"
    FORMAT = "parquet"

    def write(self, rows: list[Row]) -> bytes:
        import pyarrow as pa
        import pyarrow.json as pj
        import pyarrow.parquet as pq

        schema = pa.schema([pa.field(c.name, arrow_type(c.type)) for c in self.table.columns])
        # Through Arrow's JSON reader: building arrays from Python objects makes pyarrow import pandas (0.4 s)
        # to check whether they are pandas objects; so does ``schema.empty_table()``, unlike an empty batch list.
        lines = ndjson_bytes(rows) or b"\n"
        options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
        read = pj.ReadOptions(block_size=max(1 << 20, len(lines) + 1))  # one block: no record straddles two
        table = pj.read_json(io.BytesIO(lines), read_options=read, parse_options=options) if rows \
            else pa.Table.from_batches([], schema=schema)
        sink = pa.BufferOutputStream()
        pq.write_table(table.select(schema.names), sink, compression="zstd")
        return bytes(sink.getvalue().to_pybytes())
