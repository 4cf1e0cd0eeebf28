"""CSV and JSON for scripts and spreadsheets. The one place that decides
quoting, formula neutralising, JSON types and how files are written."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from ..reports.model import Report
from ..reports.table import Table, is_missing

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (OWASP "CSV Injection"); a leading quote makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading
    quote; a plain number such as -5 is left alone."""
    if text.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: object, raw: bool = False) -> object:
    """A value as written to CSV: numbers as numbers, booleans as true/false,
    missing as empty, text neutralised unless `raw`."""
    kind = type(value)
    if kind is str:  # the common cases first: this runs for every cell
        return value if raw else neutralise(value)
    if kind is int:
        return value
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value if raw else neutralise(value)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return str(value) if raw else neutralise(str(value))


def csv_line(values) -> str:
    """One CSV record. Quotes any field holding a comma, quote, CR or LF: the
    csv module leaves a bare CR unquoted when lines end in LF, which splits
    the record for most readers."""
    return ",".join(_csv_field(v) for v in values) + "\n"


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _csv_field(value: object) -> str:
    text = str(value)
    # One regex search: a generator of four `in` tests was a third of the
    # time `activity --csv` took to write a 56k-call hour.
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(table: Table, stream: TextIO, raw: bool = False) -> None:
    stream.write(csv_line(csv_cell(name, raw) for name in table.names))
    # Converted a column at a time: a column of plain ints or strings (nearly
    # all of them) needs no per-cell call, which dominated writing 50k rows.
    columns = [_csv_column(values, raw) for values in table.data]
    stream.writelines(csv_line(row) for row in zip(*columns))


def _csv_column(values: list, raw: bool) -> list:
    kinds = set(map(type, values))
    if kinds <= {int}:
        return values
    if kinds <= {str}:
        return values if raw else [neutralise(v) for v in values]
    return [csv_cell(v, raw) for v in values]


def json_value(value: object) -> object:
    """json.dumps' default= hook: numpy scalars, times, pandas NA."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if is_missing(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json_rows(table: Table) -> list[dict]:
    return [{k: (None if is_missing(v) else v) for k, v in row.items()} for row in table.records()]


def write_json(report: Report, stream: TextIO, part: str | None = None) -> None:
    """The report as one JSON object: what it covers, its rows (`part`'s
    rows for a report of several tables), and for those every table by
    name with the headline figures and the limits exceeded."""
    document = {
        "report": report.kind,
        "date": report.day.isoformat() if report.day else None,
        "tz": report.tz.key,
        "threshold": report.threshold,
        "files": report.stats.files,
        "calls_read": report.stats.rows,
        "rows": _json_rows(report.part(part)),
    }
    if report.parts:
        document["meta"] = report.meta
        document["tables"] = {name: _json_rows(table) for name, table in report.parts.items()}
    if report.parts or report.breaches:
        document["breaches"] = report.breaches
    json.dump(document, stream, default=json_value, ensure_ascii=True, indent=1)
    stream.write("\n")


def write(report: Report, fmt: str, stream: TextIO, raw: bool = False, part: str | None = None) -> None:
    """The report as CSV (one table: `part`, or the report's own) or JSON."""
    if fmt == "json":
        write_json(report, stream, part)
    else:
        write_csv(report.part(part), stream, raw)


def format_for(path: Path) -> str:
    """The format a file name asks for: JSON for a .json name, else CSV."""
    return "json" if path.suffix.lower() == ".json" else "csv"


def write_file(report: Report, path: Path, raw: bool = False, part: str | None = None) -> None:
    """Write CSV (or JSON for a .json name) through a temporary file renamed
    into place, so an error midway never leaves a half-written file."""
    buffer = io.StringIO()
    write(report, format_for(path), buffer, raw, part)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
