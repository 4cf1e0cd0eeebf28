"""Samples of Autotask's own request counter: polls of REST
ThresholdInformation or SOAP getThresholdAndUsageInfo, written as CSV or
JSON Lines (a row per poll: a time, currentTimeframeRequestCount and,
usually, externalRequestThreshold and requestThresholdTimeframe).

The file is read by its format's reader and its times by the same rules as
call logs (canonical.usable_times), so a poller's log in any form a call log
may take is read alike. A row without a usable time or count is skipped and
counted; a threshold or timeframe that cannot be read is left out, and the
sample kept. A file with not one usable sample is an error naming it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import schema
from ..errors import LogFormatError
from ..timeaxis import ACCEPTED_RANGE_TEXT
from ..words import plural
from .canonical import Cursor, TimeRules, decoded_text, note_emptied, skip_where, usable_times
from .files import LogFile, read_problem, unraisable_into
from .stats import ScanStats
from .times import ACCEPTED_FORMS

TIME = schema.TIMESTAMP  # the sample's time goes where a call's would: the time rules read it
COUNT, THRESHOLD, TIMEFRAME = "current_count", "threshold", "timeframe"
WHAT = {TIME: "sample time", COUNT: "currentTimeframeRequestCount",
        THRESHOLD: "externalRequestThreshold", TIMEFRAME: "requestThresholdTimeframe"}
NO_THRESHOLD = -1  # a sample that does not give one


@dataclass
class Samples:
    """Counter samples in time order: when (UTC ns), Autotask's count, its
    threshold (NO_THRESHOLD where not given) and its timeframe in minutes."""

    ts: object
    count: object
    threshold: object
    timeframe: object

    def __len__(self) -> int:
        return len(self.ts)

    def within(self, window: tuple[int, int] | None) -> "Samples":
        """The samples taken in [window[0], window[1])."""
        import numpy as np

        if window is None:
            return self
        part = slice(*(int(np.searchsorted(self.ts, edge, "left")) for edge in window))
        return Samples(*(getattr(self, f.name)[part] for f in dataclasses.fields(self)))

    @classmethod
    def joined(cls, parts: list["Samples"]) -> "Samples":
        """Samples of several files as one, in time order (stable: a file's
        own order is kept among equal times)."""
        import numpy as np

        names = [f.name for f in dataclasses.fields(cls)]
        columns = {n: np.concatenate([getattr(p, n) for p in parts] or [np.zeros(0, np.int64)]) for n in names}
        order = np.argsort(columns["ts"], kind="stable")
        return cls(*(columns[n][order] for n in names))


def counter_columns(log: LogFile) -> dict[str, str]:
    """Field -> the file's column for the time and the counter's fields; an
    error naming the file when no column, or more than one, is its time."""
    mapping = {}
    for field, aliases in _accepted().items():
        accepted = set(map(schema.normalise_header, aliases))
        found = [name for name in log.names if schema.normalise_header(name) in accepted]  # in the file's order
        if len(found) > 1:
            raise LogFormatError(log.path, f"columns {', '.join(map(repr, found))} all mean the {WHAT[field]}; "
                                           "keep one")
        if found:
            mapping[field] = found[0]
    if TIME not in mapping:
        raise LogFormatError(log.path, f"counter samples without a time column (found: "
                                       f"{', '.join(map(repr, log.names))}; accepted names: "
                                       f"{', '.join(_accepted()[TIME])})")
    return mapping


def _accepted() -> dict[str, tuple[str, ...]]:
    return {TIME: (*schema.accepted_names(schema.TIMESTAMP), *schema.COUNTER_TIME_ALIASES),
            COUNT: schema.COUNTER_ALIASES["current_count"], THRESHOLD: schema.COUNTER_ALIASES["threshold"],
            TIMEFRAME: schema.COUNTER_ALIASES["timeframe"]}


def read_samples(log: LogFile, rules: TimeRules, stats: ScanStats) -> Samples:
    """Every usable sample of a counter file; rows that are not one are
    counted in `stats` (skipped rows, values left out, notes)."""
    import pyarrow as pa

    columns = counter_columns(log)
    log = dataclasses.replace(log, columns=columns)  # what each format's reader reads
    fmt = log.format
    cursor = Cursor(log.path, fmt.POSITION, fmt.FIRST_RECORD)
    parts: list[Samples] = []
    refused: list[BaseException] = []
    try:
        with unraisable_into(refused):
            batches, names = fmt.batches(log, columns, None, cursor, stats)
            parts = [_batch_samples(batch, names, cursor, rules, stats) for batch in batches]
    except (pa.ArrowInvalid, pa.ArrowIndexError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise LogFormatError(log.path, read_problem(fmt, exc, refused)) from None
    samples = Samples.joined(parts)
    if not len(samples):
        raise LogFormatError(log.path, _nothing_usable(cursor))
    if cursor.form_note:
        stats.note(log.path, cursor.form_note)
    return samples


def _batch_samples(batch, names: dict[str, str], cursor: Cursor, rules: TimeRules, stats: ScanStats) -> Samples:
    """One batch's usable samples as NumPy arrays, vectorised throughout."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import int_values
    from .numbers import whole_counts

    _refuse_nested(batch, names, cursor)
    raw = {f: decoded_text(batch.column(c), stats, cursor) for f, c in names.items()}
    times, good = usable_times(raw[TIME], cursor, rules, stats, WHAT[TIME])
    values = {}
    for field in (COUNT, THRESHOLD, TIMEFRAME):
        column = raw.get(field, pa.nulls(batch.num_rows, pa.int64()))
        values[field], bad = whole_counts(column, dot_groups=_day_first(cursor))
        if field != COUNT:
            note_emptied(pc.and_(good, bad), WHAT[field], stats, cursor)
    counted = pc.is_valid(values[COUNT])
    skip_where(pc.and_(good, pc.invert(counted)), f"without a readable {WHAT[COUNT]}", stats, cursor)
    keep = pc.and_(good, counted)
    times.tally(keep, stats, cursor.path)
    cursor.before += batch.num_rows
    mask = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
    return Samples(int_values(times.ts)[mask], int_values(values[COUNT])[mask],
                   int_values(values[THRESHOLD], null_as=NO_THRESHOLD)[mask],
                   int_values(values[TIMEFRAME], null_as=schema.DEFAULT_TIMEFRAME_MINUTES)[mask])


def _day_first(cursor: Cursor) -> bool:
    """In a day-first file a dot groups thousands (1.234), as the comma does elsewhere."""
    return cursor.form is not None and cursor.form.name == "day_first"


def _refuse_nested(batch, names: dict[str, str], cursor: Cursor) -> None:
    import pyarrow as pa

    for field, column in names.items():
        typ = batch.column(column).type
        if pa.types.is_nested(typ):
            raise LogFormatError(cursor.path, f"column {column!r} holds {typ} where the {WHAT[field]} "
                                              "should be one value per sample")


def _nothing_usable(cursor: Cursor) -> str:
    """A counter file of no usable sample: an error, since the gap it was
    given to show would silently vanish."""
    if not cursor.before:
        return "counter samples file without a sample (header only)"
    rows = plural(cursor.before, "row")
    if not cursor.timed:
        first = f"first value {cursor.first_time!r}" if cursor.first_time is not None else "every value is empty"
        return (f"no readable sample time from {ACCEPTED_RANGE_TEXT} in {rows}; {first} "
                f"(accepted forms: {ACCEPTED_FORMS}; see --input-time-format)")
    return f"no readable {WHAT[COUNT]} (a whole number) in {rows}"
