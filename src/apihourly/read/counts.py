"""Hourly counts files: calls per hour and integration as someone already
counted them. Autotask's Summary export ("API Activity by Hour.csv": an
Hour column of `12:00 AM` ... `11:00 PM` or `00:00` ... `23:00`, one column
per integration, Total calls, numbers written for people as "10,450") and
apihourly's own `summary --csv` (Hour as an ISO hour start with its offset).

The date of each row comes from a Date column, else from an ISO Hour, else
from a YYYY-MM-DD in the file's name. Hours given by their label alone are
hours of the report's zone on that date, matched in order, so a fall-back
day's two `1:00 AM` rows are its two 01:00 hours. Such files hold a row per
hour, so rows are handled one by one; their counts are parsed vectorised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import schema
from ..errors import BadOption, LogFormatError
from ..timeaxis import HourSlot, day_window, local_date, local_hour_axis, to_ns, wall_hour
from ..words import plural, restored
from .stats import ScanStats

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_FOOTERS = {"total", "totals", "grand total"}  # a sum row some exports end with
# Digits grouped by threes with a comma or a space (no-break ones too), as
# read/numbers.py reads counts in call logs.
_GROUPED = re.compile(r"^\d{1,3}([,\s\u00a0\u202f]\d{3})+$")


@dataclass
class CountedFile:
    """One hourly counts file read: calls per (UTC start of a local hour,
    category), cells without calls left out, and the UTC bounds of each
    local date it has hours of: a call log must not hold calls on them."""

    path: Path
    counts: dict[tuple[int, schema.Category], int]
    covers: dict[date, tuple[int, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def inside(self, window: tuple[int, int] | None):
        """(hour start, category), calls for the hours inside `window`."""
        for key, calls in self.counts.items():
            if window is None or window[0] <= key[0] < window[1]:
                yield key, calls


@dataclass
class _Row:
    line: int
    hour_text: str
    day: date | None  # from the Date column or an ISO hour
    wall: int | None  # the local hour a label names
    start_ns: int | None  # an ISO hour with its offset: the instant itself
    cells: list[int]


def read_counts(path: Path, names: tuple[str, ...], tz: ZoneInfo) -> CountedFile:
    """The hourly counts of one file (its header `names`), or a
    LogFormatError naming it."""
    names, columns, first_line = _text_table(path, names)
    hour, day_column, total = (_find(names, name) for name in
                               (schema.HOUR_COLUMN, schema.DATE_COLUMN, schema.TOTAL_COLUMN))
    integrations = _integration_columns(path, names, columns)
    cells = [_counts(path, names[i], columns[i], first_line) for i in integrations]
    totals = _counts(path, names[total], columns[total], first_line) if total is not None else None
    rows, footers = _rows(path, columns[hour], columns[day_column] if day_column is not None else None,
                          list(zip(*cells)) if cells else [[] for _ in columns[hour]], first_line, tz)
    categories = [_category(names[i], rank) for rank, i in enumerate(integrations, start=1)]
    counted = CountedFile(path, {})
    _place(counted, rows, categories, tz)
    if totals is not None:
        _check_totals(counted, rows, footers, totals, first_line)
    return counted


def _text_table(path: Path, names: tuple[str, ...]) -> tuple[list[str], list[list[str | None]], int]:
    """Column names and every value as text (None when empty), and the line
    number of the first row: the whole file, which holds a row per hour."""
    import pyarrow as pa

    from .csv import read_all
    from ..errors import first_line
    from .text import decode_text

    try:
        table, dialect = read_all(path, list(names))
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        raise LogFormatError(path, f"cannot be read as hourly counts: {first_line(exc)}") from None
    columns = [decode_text(table.column(i))[0].to_pylist() for i in range(table.num_columns)]
    return [name.strip() for name in table.column_names], columns, 2 + dialect.preamble


def _find(names: list[str], wanted: str) -> int | None:
    key = schema.normalise_header(wanted)
    return next((i for i, name in enumerate(names) if schema.normalise_header(name) == key), None)


def _integration_columns(path: Path, names: list[str], columns: list) -> list[int]:
    """The columns that are integrations: all but the file's own (Hour, its
    local companion, Date, Total calls); a column without a name is allowed
    only empty, as a trailing delimiter leaves one."""
    own = {schema.normalise_header(name) for name in schema.COUNTS_OWN_COLUMNS}
    kept: list[int] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            if any(value is not None and value.strip() for value in columns[i]):
                raise LogFormatError(path, f"column {i + 1} has no name but holds values; name it or remove it")
            continue
        if schema.normalise_header(name) in own:
            continue
        label = restored(name)
        if label in seen:
            raise LogFormatError(path, f"two columns are called {label!r}; keep one")
        seen[label] = i
        kept.append(i)
    return kept


def _category(name: str, rank: int) -> schema.Category:
    """A column's category: Custom and Unknown are what they say; any other
    is an integration, vendor or custom the file does not tell."""
    label = restored(name)
    if label.casefold() == schema.UNKNOWN.casefold():
        return schema.Category(schema.UNKNOWN_KIND, schema.UNKNOWN)
    if label.casefold() == "custom":
        return schema.Category(schema.CUSTOM, label, rank)
    return schema.Category(schema.INTEGRATION_KIND, label, rank)


def _counts(path: Path, name: str, values: list[str | None], first_line: int) -> list[int]:
    """A column's calls per row: empty is 0, "10,450" is 10450; anything else
    that is not a whole number is an error naming the line. (A row per hour:
    read in Python, which spares loading pandas, as pyarrow would to
    convert Python values.)"""
    out = []
    for row, value in enumerate(values):
        text = (value or "").strip(" \t\u00a0\u202f")
        if _GROUPED.match(text):
            text = re.sub(r"\D", "", text)
        if text and not (text.isascii() and text.isdigit()):
            raise LogFormatError(path, f"line {first_line + row}: {restored(name)!r} is {value!r}, "
                                       "not a number of calls")
        out.append(int(text) if text else 0)
    return out


def _rows(path: Path, hours: list, days: list | None, cells: list, first_line: int, tz: ZoneInfo):
    """The rows with their hour read, and the footer rows (a 'Total' hour)."""
    rows, footers = [], []
    for i, (text, row_cells) in enumerate(zip(hours, cells)):
        line, text = first_line + i, (text or "").strip()
        if not text and not any(row_cells) and (days is None or not days[i]):
            continue  # a row of empty cells, as spreadsheets leave at the end: nothing to count
        if text.casefold() in _FOOTERS:
            footers.append(_Row(line, text, None, None, None, list(row_cells)))
            continue
        row = _read_hour(path, line, text, tz)
        row.cells = list(row_cells)
        if days is not None:
            row.day = _row_date(path, line, days[i])
        rows.append(row)
    if not rows:
        raise LogFormatError(path, "hourly counts without a single hour row")
    _give_dates(path, rows)
    return rows, footers


def _read_hour(path: Path, line: int, text: str, tz: ZoneInfo) -> _Row:
    """An Hour value: a label (3:00 PM, 15:00) or an ISO hour start."""
    try:
        wall = wall_hour(text) if text else None
    except BadOption:
        wall = None
    if wall is not None:
        return _Row(line, text, None, wall, None, [])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise LogFormatError(path, f"line {line}: Hour {text!r} is not an hour; expected 12:00 AM ... 11:00 PM, "
                                   "00:00 ... 23:00, or an ISO hour start such as 2026-11-16T15:00:00-05:00") from None
    if moment.tzinfo is None:
        return _Row(line, text, moment.date(), moment.hour, None, [])
    return _Row(line, text, None, None, to_ns(moment), [])


def _row_date(path: Path, line: int, value: str | None) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise LogFormatError(path, f"line {line}: Date {value!r} is not a date; expected YYYY-MM-DD") from None


def _give_dates(path: Path, rows: list[_Row]) -> None:
    """Rows known only by their label take the date in the file's name."""
    if all(row.day is not None or row.start_ns is not None for row in rows):
        return
    found = _DATE_IN_NAME.search(path.name)
    try:
        day = date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        day = None
    if day is None:
        raise LogFormatError(path, "hourly counts without a date (no Date column, no dates in the Hour column); "
                                   f"put the date in the file's name, e.g. '2026-11-16 {path.name}'")
    for row in rows:
        if row.day is None and row.start_ns is None:
            row.day = day


def _place(counted: CountedFile, rows: list[_Row], categories: list[schema.Category], tz: ZoneInfo) -> None:
    """Each row's calls at the UTC start of its local hour."""
    free: dict[date, list[HourSlot]] = {}
    for row in rows:
        start = _slot_start(counted, row, free, tz)
        if start is None:
            continue
        day = local_date(start, tz)
        counted.covers.setdefault(day, day_window(day, tz))
        for category, calls in zip(categories, row.cells):
            if calls:
                key = (start, category)
                counted.counts[key] = counted.counts.get(key, 0) + calls


def _slot_start(counted: CountedFile, row: _Row, free: dict, tz: ZoneInfo) -> int | None:
    """The UTC start of the row's hour: an ISO start must be a local hour's
    start; a label takes the first hour of its date with that wall hour not
    yet taken. A label the date lacks is an error when it has calls."""
    if row.start_ns is not None:
        day = local_date(row.start_ns, tz)
        if not any(slot.start_ns == row.start_ns for slot in local_hour_axis(day, tz)):
            raise LogFormatError(counted.path, f"line {row.line}: {row.hour_text} is not the start of an hour in "
                                               f"{tz.key}; pass the zone the counts were made in with --tz")
        return row.start_ns
    slots = free.setdefault(row.day, list(local_hour_axis(row.day, tz)))
    slot = next((s for s in slots if s.start.hour == row.wall), None)
    if slot is not None:
        slots.remove(slot)
        return slot.start_ns
    problem = (f"line {row.line}: {row.day} has no{' more' if _had(row, tz) else ''} {row.hour_text} "
               f"hour in {tz.key}")
    if sum(row.cells):
        raise LogFormatError(counted.path, f"{problem} for its {plural(sum(row.cells), 'call')}; pass the zone "
                                           "the counts were made in with --tz")
    counted.warnings.append(f"{problem}; the row has no calls and is left out")
    return None


def _had(row: _Row, tz: ZoneInfo) -> bool:
    return any(slot.start.hour == row.wall for slot in local_hour_axis(row.day, tz))


def _check_totals(counted: CountedFile, rows: list[_Row], footers: list[_Row], totals: list[int],
                  first_line: int) -> None:
    """Total calls is checked, never counted: a mismatch names the hour."""
    for row in rows:
        total, added = totals[row.line - first_line], sum(row.cells)
        if total != added:
            counted.warnings.append(f"line {row.line}: Total calls at {row.hour_text} is {total:,}, but its "
                                    f"integrations add up to {added:,}; the integrations' calls are counted")
    grand = sum(sum(row.cells) for row in rows)
    for row in footers:
        if totals[row.line - first_line] != grand:
            counted.warnings.append(f"line {row.line}: the {row.hour_text} row says {totals[row.line - first_line]:,}"
                                    f" calls, but the hours add up to {grand:,}")


def note_warnings(counted: CountedFile, stats: ScanStats) -> None:
    for text in counted.warnings:
        stats.warn(counted.path, text)


def to_json(counted: CountedFile) -> dict:
    """A counts file read, as the cache keeps it (for one report zone)."""
    return {"counts": [[hour, c.kind, c.name, c.rank, n] for (hour, c), n in counted.counts.items()],
            "covers": [[day.isoformat(), lo, hi] for day, (lo, hi) in counted.covers.items()],
            "warnings": counted.warnings}


def from_json(path: Path, data: dict) -> CountedFile:
    counts = {(hour, schema.Category(kind, name, rank)): n for hour, kind, name, rank, n in data["counts"]}
    covers = {date.fromisoformat(day): (lo, hi) for day, lo, hi in data["covers"]}
    return CountedFile(path, counts, covers, list(data["warnings"]))
