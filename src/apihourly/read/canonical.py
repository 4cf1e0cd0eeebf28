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
    form: object = None  # how the file writes its times (times.TimeForm), from its first values
    form_note: str | None = None  # what to say about that form, if the file's calls are counted
    counted: int = 0  # this file's calls inside the window
    recorder: object = None  # told every value read by a rule or left empty, with its time (count/build.py)
    order: "Order" = field(default_factory=lambda: Order())  # where the file's local times have got to

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


@dataclass
class Order:
    """The file's local times so far, to tell the two passes through the
    hour repeated when clocks fall back: in a file in time order, a step
    back into that hour starts the second pass."""

    last_wall: int | None = None  # the wall time of the previous local time
    last_repeated: bool = False  # the previous local time was in a repeated hour
    changes: int = 0  # steps back within the repeated hour the previous time is in
    disordered: bool = False  # a step back anywhere else: not in time order


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
              track_span: bool = False, rules: TimeRules = TimeRules(), tenant=None):
    """A table with int64 `ts` (UTC ns) and `fields`, only usable rows inside
    `window`, and of `tenant` when given (a name, or tenants.ANY_TENANT: rows
    with an empty tenant are skipped and counted, other tenants' rows are
    not this report's). `columns` maps canonical fields to the batch's
    column names; with `track_span` the cursor learns the earliest and
    latest time read."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import int64_scalar

    n = batch.num_rows
    _refuse_nested(batch, columns, cursor)
    raw = {f: decoded_text(batch.column(c), stats, cursor) for f, c in columns.items()}
    times, good = usable_times(raw[schema.TIMESTAMP], cursor, rules, stats)
    if window is not None:
        # Arrow scalars, not ints: converting a Python value makes pyarrow import pandas.
        lo, hi = int64_scalar(window[0]), int64_scalar(window[1])
        good = pc.and_kleene(good, pc.and_(pc.greater_equal(times.ts, lo), pc.less(times.ts, hi)))
    if track_span:
        cursor.widen(times.ts, good)
    _typed_fields(raw, good, stats, cursor, times.ts)
    if tenant is not None:
        good = _of_tenant(raw[schema.TENANT], tenant, good, stats, cursor)
    times.tally(good, stats, cursor.path)
    if cursor.recorder is not None and (times.zoned is not None or times.utc is not None):
        cursor.recorder.placed(times.ts, times.tallied(_numpy_mask(good)))
    cursor.before += n
    out = {"ts": times.ts}
    for f in fields:
        out[f] = raw.get(f, pa.nulls(n, pa.int64() if f in schema.INT_FIELDS else pa.string()))
    table = pa.table(out).filter(good)
    stats.rows += table.num_rows
    cursor.counted += table.num_rows
    if cursor.form_note and cursor.counted:  # said only where the file's calls count
        stats.note(cursor.path, cursor.form_note)
    return table


def _of_tenant(column, tenant, good, stats: ScanStats, cursor: Cursor):
    import pyarrow.compute as pc

    from .tenants import matching

    keep, blank = matching(column, tenant)
    skip_where(pc.and_kleene(good, blank), "no tenant (the tenant column is empty)", stats, cursor)
    return pc.and_kleene(good, keep)


def _refuse_nested(batch, columns: dict[str, str], cursor: Cursor) -> None:
    """A list, struct or map where a field is one value is a file apihourly
    cannot read as a call log: one error naming the column and its type."""
    import pyarrow as pa

    from ..errors import LogFormatError

    for f, c in columns.items():
        typ = batch.column(c).type
        if pa.types.is_nested(typ):
            raise LogFormatError(cursor.path, f"column {c!r} holds {typ} where {f} should be one value per call")


def usable_times(raw, cursor: Cursor, rules: TimeRules, stats: ScanStats, name: str = schema.TIMESTAMP):
    """The batch's times placed in UTC, and which rows have a usable one:
    read, not skipped by the clocks, inside the accepted range. Every other
    row is counted as skipped, with why (`name` says what the times are)."""
    import pyarrow.compute as pc

    from ..arrays import int64_scalar
    from ..timeaxis import ACCEPTED_RANGE, ACCEPTED_RANGE_TEXT

    times = _placed_times(raw, cursor, rules)
    skip_where(pc.invert(times.parsed), f"unparseable {name}", stats, cursor)
    if times.skipped is not None:
        skip_where(times.skipped, f"local times that do not exist in {times.zone.key} (clocks skip them)",
                   stats, cursor)
    lo, hi = (int64_scalar(edge) for edge in ACCEPTED_RANGE)
    inside = pc.and_(pc.greater_equal(times.ts, lo), pc.less(times.ts, hi))
    outside = pc.and_kleene(pc.is_valid(times.ts), pc.invert(inside))
    skip_where(outside, f"outside the accepted time range ({ACCEPTED_RANGE_TEXT})", stats, cursor)
    good = pc.and_kleene(pc.is_valid(times.ts), inside)
    _remember_times(raw, good, cursor)
    return times, good


def _typed_fields(raw: dict, good, stats: ScanStats, cursor: Cursor, ts) -> None:
    """Counts as int64 (unreadable ones left empty and counted), text as
    text whatever type a file gave it, Autotask's verdict '' where empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import text_scalar
    from .numbers import whole_counts

    for f in schema.INT_FIELDS:
        if f in raw:
            raw[f], bad = whole_counts(raw[f], dot_groups=_day_first(cursor))
            note_emptied(pc.and_(good, bad), f, stats, cursor, ts)
    for f in (*schema.TEXT_FIELDS, schema.TENANT):
        if f in raw:
            raw[f] = _as_text(raw[f])
    if schema.VERDICT in raw:  # the file has Autotask's verdict: an empty cell is "not marked"
        raw[schema.VERDICT] = pc.fill_null(raw[schema.VERDICT].cast(pa.string()), text_scalar(""))


def _as_text(column):
    """Text as it is (dictionary-encoded or not); numbers, flags and times as
    their text, so files that disagree on a column's type still meet."""
    import pyarrow as pa

    typ = column.type
    value = typ.value_type if pa.types.is_dictionary(typ) else typ
    if pa.types.is_string(value) or pa.types.is_large_string(value):
        return column
    return column.cast(pa.string())


@dataclass
class Placed:
    """A batch's times in UTC (null where unreadable or skipped by the
    clocks), and which rule placed which: `zoned` values were local times
    of `zone`, `utc` values had no offset and were read as UTC, `guessed`
    were in a repeated hour of an out-of-order file (first occurrence taken)."""

    ts: object
    parsed: object  # Arrow bool: the value could be read
    zone: object = None
    skipped: object = None  # Arrow bool: a local time clocks skip
    zoned: object = None  # NumPy bool masks, or None
    utc: object = None
    guessed: object = None

    def tally(self, counted, stats: ScanStats, path: Path) -> None:
        """Say, for the rows counted, which rule placed how many times."""
        if self.zoned is None and self.utc is None:
            return
        for noun, what, mask in self.tallied(_numpy_mask(counted)):
            stats.tally(path, noun, what, int(mask.sum()))

    def tallied(self, keep) -> list[tuple[str, str, object]]:
        """(noun, what, NumPy mask of the rows in `keep`) for each rule that placed times."""
        out = []
        if self.zoned is not None:
            out.append(("local time", f"read as {self.zone.key} (--input-tz to change)", self.zoned & keep))
            out.append(("repeated local time", f"of a fall-back hour in {self.zone.key} read as its first "
                        "occurrence: the file is not in time order", self.guessed & keep))
        if self.utc is not None:
            out.append(("time", "without an offset read as UTC (--input-tz to change)", self.utc & keep))
        return out


def _placed_times(raw, cursor: Cursor, rules: TimeRules) -> Placed:
    """The batch's execution_start as UTC nanoseconds, in the form the file
    writes its times (found from its first values), values without an offset
    placed in the zone the rules give."""
    import pyarrow.compute as pc

    from .times import TimeForm, detect_time_form, parse_times

    if cursor.form is None and raw.null_count < len(raw):
        cursor.form, cursor.form_note = detect_time_form(raw, rules.pattern)
    form = cursor.form or TimeForm("iso")  # no value yet: nothing to parse either
    ns, naive = parse_times(raw, form)
    parsed = pc.is_valid(ns)
    if not pc.any(naive).as_py():  # offsets or epochs throughout: already UTC
        return Placed(ns, parsed)
    zone = rules.input_tz or (rules.display_tz if form.local else None)
    if zone is None:
        return Placed(ns, parsed, utc=_numpy_mask(naive))
    return _zoned(ns, parsed, _numpy_mask(naive), zone, cursor)


def _zoned(ns, parsed, naive, zone, cursor: Cursor) -> Placed:
    """Place the naive times (wall clock read as UTC) in `zone`."""
    import numpy as np

    from ..arrays import bool_array, int64_array, int_values
    from ..timeaxis import local_to_utc

    values = int_values(ns)
    wall = values[naive]
    first, second, exists = local_to_utc(wall, zone)
    later, guessed = _occurrences(wall, first != second, cursor.order)
    values[naive] = np.where(later, second, first)
    skipped = np.zeros(len(values), dtype=bool)
    skipped[np.flatnonzero(naive)[~exists]] = True
    valid = _numpy_mask(parsed) & ~skipped
    zoned = naive & ~skipped
    guessed_rows = np.zeros(len(values), dtype=bool)
    guessed_rows[np.flatnonzero(naive)[guessed]] = True
    return Placed(int64_array(values, valid), parsed, zone, bool_array(skipped), zoned, guessed=guessed_rows)


def _occurrences(wall, repeated, order: Order):
    """For local times in file order, (take the later occurrence, guessed).

    In a file in time order the only step back in wall time is the one from
    the end of a repeated hour's first pass to the start of its second;
    times after it, while they stay in that hour, are its second pass. Any
    other step back (into the hour from outside it, or a second one within
    it) means the file is not in time order: from there on repeated times
    take their first occurrence, a guess the caller counts.
    """
    import numpy as np

    if not len(wall):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    before = np.concatenate(([wall[0] if order.last_wall is None else order.last_wall], wall[:-1]))
    was_repeated = np.concatenate(([order.last_repeated], repeated[:-1]))
    back = wall < before
    change = back & repeated & was_repeated
    changes = _changes_in_run(change, repeated & ~was_repeated, order.changes)
    stray = (back & ~(repeated & was_repeated)) | (change & (changes > 1))
    disordered = np.logical_or.accumulate(stray) | order.disordered
    second_pass = repeated & (changes >= 1)
    order.last_wall, order.last_repeated = int(wall[-1]), bool(repeated[-1])
    order.changes, order.disordered = int(changes[-1]) if repeated[-1] else 0, bool(disordered[-1])
    return second_pass & ~disordered, repeated & disordered


def _changes_in_run(change, run_start, carried: int):
    """Per row, the steps back since its run of repeated times began; rows
    before the batch's first run start continue the run before (`carried`)."""
    import numpy as np

    total = np.cumsum(change)
    base = np.maximum.accumulate(np.where(run_start, total - change, -1))
    return np.where(base >= 0, total - base, total + carried)


def _numpy_mask(mask):
    """An Arrow boolean array as NumPy, null as False."""
    import numpy as np
    import pyarrow.compute as pc

    return np.asarray(pc.and_kleene(mask, pc.is_valid(mask)).to_numpy(zero_copy_only=False), dtype=bool)


def _day_first(cursor: Cursor) -> bool:
    """In a day-first file a dot groups thousands (1.234), as the comma does elsewhere."""
    return cursor.form is not None and cursor.form.name == "day_first"


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


def decoded_text(column, stats: ScanStats, cursor: Cursor):
    from .text import decode_text

    text, legacy = decode_text(column)
    if legacy:
        stats.note(cursor.path, "some text is not UTF-8 and was read as Windows-1252; "
                                "re-save the file as UTF-8 if that looks wrong")
    return text


def skip_where(mask, reason: str, stats: ScanStats, cursor: Cursor) -> None:
    """Count the rows of `mask` as skipped, naming the first few."""
    count, positions = _where(mask, cursor)
    if count:
        stats.skip(cursor.path, reason, positions, count, cursor.unit)


def note_emptied(mask, field: str, stats: ScanStats, cursor: Cursor, ts=None) -> None:
    """Count the values of `mask` as unreadable and left empty: their calls count."""
    count, positions = _where(mask, cursor)
    if count:
        stats.empty(cursor.path, field, positions, count, cursor.unit)
        if cursor.recorder is not None and ts is not None:
            import pyarrow.compute as pc

            from ..arrays import int_values

            rows = int_values(pc.indices_nonzero(mask))
            cursor.recorder.emptied(field, int_values(ts)[rows], cursor.positions(rows))


def _where(mask, cursor: Cursor) -> tuple[int, list[int]]:
    import pyarrow.compute as pc

    from ..arrays import int_values

    count = pc.sum(mask).as_py() or 0
    if not count:
        return 0, []
    # Through buffers: Arrow's to_numpy() here would import pandas.
    return count, cursor.positions(int_values(pc.indices_nonzero(mask))[:SHOWN_POSITIONS])
