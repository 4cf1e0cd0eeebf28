"""From raw batches to canonical rows: text decoded, timestamps parsed, counts
checked, the report's window applied, and every row that cannot be used
counted with where it was, never dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import schema
from .stats import SHOWN_POSITIONS, ScanStats


@dataclass(frozen=True)
class TimeRules:
    """How to read times: where a value without an offset was written
    (`input_tz`, else UTC for machine forms and `display_tz`, the report's
    zone, for forms written for people), and an explicit strptime pattern."""

    input_tz: object = None  # ZoneInfo
    display_tz: object = None  # ZoneInfo
    pattern: str | None = None


@dataclass
class Cursor:
    """Where a batch sits in its file, to name skipped rows by line (CSV,
    counting the header as line 1; JSON Lines) or by row (Parquet)."""

    path: Path
    unit: str  # "lines" or "rows"
    first: int = 2  # the position of the file's first record (2: after a header line)
    before: int = 0  # records of this file already handed to canonical()
    rejected: list[int] = field(default_factory=list)  # records the parser refused (by line)
    span: tuple[int, int] | None = None  # earliest and latest time read inside the window
    timed: int = 0  # records with a readable execution_start
    first_time: str | None = None  # the first execution_start value as written, for messages

    def widen(self, ts, placed) -> None:
        import pyarrow.compute as pc

        bounds = pc.min_max(pc.filter(ts, placed)).as_py()
        if bounds["min"] is not None:
            lo, hi = bounds["min"], bounds["max"]
            self.span = (lo, hi) if self.span is None else (min(lo, self.span[0]), max(hi, self.span[1]))

    def positions(self, indexes) -> list[int]:
        if self.unit == "rows":
            return [self.first + self.before + int(i) for i in indexes]
        return [_record_number(self.before + int(i), self.rejected, self.first) for i in indexes]


def _record_number(k: int, rejected: list[int], first: int) -> int:
    """Line of the k-th (0-based) accepted record, given the refused ones."""
    line = k + first
    for number in sorted(rejected):
        if number <= line:
            line += 1
        else:
            break
    return line


def canonical(batch, columns: dict[str, str], fields: list[str], window, stats: ScanStats, cursor: Cursor,
              track_span: bool = False, rules: TimeRules = TimeRules()):
    """A table with int64 `ts` (UTC ns) and `fields`, only usable rows inside
    `window`. `columns` maps canonical fields to the batch's column names;
    with `track_span` the cursor learns the earliest and latest time read."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import int64_scalar, text_scalar
    from .numbers import whole_counts
    from .parse import to_utc_ns

    n = batch.num_rows
    raw = {f: _decoded(batch.column(c), stats, cursor) for f, c in columns.items()}
    ts = to_utc_ns(raw[schema.TIMESTAMP])
    good = pc.is_valid(ts)
    _remember_times(raw[schema.TIMESTAMP], good, cursor)
    _skip_where(pc.invert(good), "unparseable execution_start", stats, cursor)
    if window is not None:
        # Arrow scalars, not ints: converting a Python value makes pyarrow import pandas.
        lo, hi = int64_scalar(window[0]), int64_scalar(window[1])
        good = pc.and_kleene(good, pc.and_(pc.greater_equal(ts, lo), pc.less(ts, hi)))
    if track_span:
        cursor.widen(ts, good)
    for f in schema.INT_FIELDS:
        if f in raw:
            raw[f], bad = whole_counts(raw[f])
            _note_emptied(pc.and_(good, bad), f, stats, cursor)
    cursor.before += n
    if schema.VERDICT in raw:  # the file has Autotask's verdict: an empty cell is "not marked"
        raw[schema.VERDICT] = pc.fill_null(raw[schema.VERDICT].cast(pa.string()), text_scalar(""))
    out = {"ts": ts}
    for f in fields:
        out[f] = raw.get(f, pa.nulls(n, pa.int64() if f in schema.INT_FIELDS else pa.string()))
    table = pa.table(out).filter(good)
    stats.rows += table.num_rows
    return table


def _remember_times(raw, good, cursor: Cursor) -> None:
    """How many records had a readable execution_start, and, while none
    has, the first value as written: a file of none is named with it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cursor.timed += pc.sum(good).as_py() or 0
    if cursor.timed or cursor.first_time is not None:
        return
    present = pc.drop_null(raw)
    if len(present):  # as text: a timestamp scalar's as_py() would import pandas
        cursor.first_time = present.slice(0, 1).cast(pa.string())[0].as_py()


def _decoded(column, stats: ScanStats, cursor: Cursor):
    from .parse import decode_text

    text, legacy = decode_text(column)
    if legacy:
        stats.notices[str(cursor.path)] = (
            "some text is not UTF-8 and was read as Windows-1252; re-save the file as UTF-8 if that looks wrong")
    return text


def _skip_where(mask, reason: str, stats: ScanStats, cursor: Cursor) -> None:
    """Count the rows of `mask` as skipped, naming the first few."""
    count, positions = _where(mask, cursor)
    if count:
        stats.skip(cursor.path, reason, positions, count, cursor.unit)


def _note_emptied(mask, field: str, stats: ScanStats, cursor: Cursor) -> None:
    """Count the values of `mask` as unreadable and left empty: their calls count."""
    count, positions = _where(mask, cursor)
    if count:
        stats.empty(cursor.path, field, positions, count, cursor.unit)


def _where(mask, cursor: Cursor) -> tuple[int, list[int]]:
    import pyarrow.compute as pc

    count = pc.sum(mask).as_py() or 0
    if not count:
        return 0, []
    return count, cursor.positions(pc.indices_nonzero(mask).to_numpy()[:SHOWN_POSITIONS])
