"""Checked log files: the first bytes sniffed for the usual wrong files, the
header matched to the schema, and hive-style `date=` folders that cannot
hold a period left out. Which files there are is discovery.py's."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from .. import schema
from ..errors import LogFormatError, first_line
from ..timeaxis import DAY_NS, NS
from . import formats
from .remote import gzipped, open_input

_PARTITION = re.compile(r"^date=(\d{4}-\d{2}-\d{2})$")


@dataclass
class LogFile:
    """One log file: where it is, its format, what it holds (schema.CALLS,
    COUNTS or COUNTER) and, for calls, which column is which field."""

    path: Path
    format: object  # the module that reads it (formats.Format.reader)
    columns: dict[str, str]  # canonical field -> column name in the file (calls)
    timestamp_type: object = None  # the Arrow type of the timestamp column, when the file declares one
    kind: str = schema.CALLS
    names: tuple[str, ...] = ()  # every column, as the header names them


def open_log(path: Path) -> LogFile:
    """Check the file is what its name says, read its header and match its
    columns to the schema; any problem is a LogFormatError naming the file."""
    import pyarrow as pa

    entry = formats.format_of(path)
    if entry is None:
        raise LogFormatError(path, f"not a log file; expected {formats.suffix_names(' or ')}")
    fmt = entry.reader
    head, tail = _read_ends(path, entry.label)
    problem = f"empty file; expected {entry.content}" if not head else fmt.sniff(head, tail)
    if problem:
        raise LogFormatError(path, problem)
    refused: list[BaseException] = []
    try:
        with unraisable_into(refused):
            names, types = fmt.header(path)
    except UnicodeDecodeError:
        raise LogFormatError(path, "the header row is not UTF-8 text; save the file as UTF-8 "
                                   "(Excel: CSV UTF-8) and try again") from None
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        raise LogFormatError(path, read_problem(fmt, exc, refused)) from None
    kind = schema.input_kind(names)
    if kind == schema.COUNTS and entry.name != "csv":
        raise LogFormatError(path, f"an Hour column and no execution_start: hourly counts, which are read from CSV "
                                   f"only, not {entry.label}; save them as CSV")
    if kind != schema.CALLS:
        return LogFile(path, fmt, {}, kind=kind, names=tuple(names))
    columns = match_header(path, names)
    return LogFile(path, fmt, columns, types.get(columns[schema.TIMESTAMP]), names=tuple(names))


def match_header(path: Path, names: list[str]) -> dict[str, str]:
    """Canonical field -> column name, or an error that says what was found
    and which names are accepted."""
    mapping, clashes = schema.match_columns(names)
    if clashes:
        field, cols = clashes[0]
        raise LogFormatError(path, f"columns {', '.join(map(repr, cols))} all mean {field}; keep one")
    if schema.TIMESTAMP not in mapping:
        raise LogFormatError(
            path,
            f"no execution_start column (found: {', '.join(map(repr, names)) or 'none'}; "
            f"accepted names: {', '.join(schema.accepted_names(schema.TIMESTAMP))})",
        )
    return mapping


def _read_ends(path: Path, label: str) -> tuple[bytes, bytes]:
    """The first 4 KB of the content (decompressed for a .gz name) and the
    file's last 4 bytes, with clear errors for files that cannot be read."""
    import gzip
    import zlib

    denied = "permission denied; make the file readable (chmod +r) or copy it"
    if isinstance(path, Path) and not os.access(path, os.R_OK):
        raise LogFormatError(path, denied)
    try:
        with open_input(path) as handle:
            head = handle.read(4096)
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4))
            tail = handle.read(4)
        if gzipped(path):
            with open_input(path) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as handle:
                head = handle.read(4096)
    except PermissionError:
        raise LogFormatError(path, denied) from None
    except (OSError, EOFError, zlib.error) as exc:
        question = f"; is it really gzipped {label}?" if gzipped(path) else ""
        raise LogFormatError(path, f"cannot be read: {first_line(exc)}{question}") from None
    return head, tail


def read_problem(fmt, exc: BaseException, refused: list[BaseException]) -> str:
    """What to tell the user about a file the format's reader gave up on."""
    error = first_line(exc)
    return fmt.explain(error, refused) or f"cannot be read: {error}"


@contextmanager
def unraisable_into(caught: list[BaseException]):
    """Collect exceptions raised inside pyarrow's Python callbacks, which
    Python would otherwise print as 'Exception ignored' tracebacks."""
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: caught.append(unraisable.exc_value)
    try:
        yield
    finally:
        sys.unraisablehook = previous


def partition_date(path: Path) -> date | None:
    """The date of a hive-style `date=YYYY-MM-DD` folder the file sits in."""
    for part in reversed(path.parent.parts):
        if m := _PARTITION.match(part):
            try:
                return date.fromisoformat(m.group(1))
            except ValueError:
                return None
    return None


def may_overlap(path: Path, window: tuple[int, int] | None) -> bool:
    """False only when the file's partition date cannot hold a call in `window`.

    Whoever wrote the partitions may have used a local date or the UTC date,
    in any zone (UTC-12 to UTC+14), so the partition is widened by a day on
    each side before comparing; statistics then skip the rest.
    """
    day = partition_date(path)
    if window is None or day is None:
        return True
    start = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) * NS
    return start - DAY_NS < window[1] and start + 2 * DAY_NS > window[0]
