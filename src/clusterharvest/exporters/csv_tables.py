"""A table as CSV: UTF-8 with a byte-order mark (so spreadsheets read umlauts right), CRLF line ends, list items
joined by ``"; "``, booleans as ``true``/``false``, nothing for null, and no cell a spreadsheet would run as a
formula."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from .common import TableExporter
from .tables import LIST_SEPARATOR, Row

# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): starting with =, @, a tab or a carriage
# return, or with + or - followed by something other than a plain number (a phone number in E.164 stays as
# it is).
FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+-](?![\d ]+$))")


def neutralise(value: Any) -> Any:
    """A CSV cell that cannot run as a formula: a leading ' before a formula character, as OWASP recommends."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """A value as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise(LIST_SEPARATOR.join(value))
    return neutralise(value)


class CsvExporter(TableExporter):
    """``<table>.csv``."""

    EXTENSION = "csv"
    FORMAT = "csv"

    def write(self, rows: list[Row]) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(self.table.names)
        for row in rows:
            writer.writerow([cell(row[name]) for name in self.table.names])
        return buf.getvalue().encode("utf-8-sig")
