"""Counting calls per local hour and per (vendor, integration, tracking id),
batch by batch, so memory holds partial counts and never the whole log."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from . import schema
from .load import LogSet, ScanStats
from .timeaxis import hour_starts_ns, local_date

KEYS = ("hour_ns", *schema.CATEGORY_FIELDS)


@dataclass
class HourlyCounts:
    """Calls per (UTC start of local hour, vendor, integration, tracking id).

    `frame` is a small pandas frame with columns KEYS + ('calls',); `stats`
    says what was read to build it.
    """

    frame: object
    stats: ScanStats = field(default_factory=ScanStats)


def count_hourly(logs: LogSet, tz: ZoneInfo, window: tuple[int, int] | None = None) -> HourlyCounts:
    """Scan the logs (inside `window`, UTC ns) and count calls per local hour."""
    import pyarrow as pa

    stats = ScanStats()
    partials = [_count_batch(t, tz) for t in logs.scan(schema.CATEGORY_FIELDS, window, stats)]
    if not partials:
        partials = [_empty_counts(pa)]
    merged = pa.concat_tables(partials).group_by(list(KEYS)).aggregate([("calls", "sum")])
    frame = merged.select([*KEYS, "calls_sum"]).rename_columns([*KEYS, "calls"]).to_pandas()
    return HourlyCounts(frame, stats)


def _empty_counts(pa):
    return pa.table({"hour_ns": pa.array([], pa.int64()),
                     **{f: pa.array([], pa.string()) for f in schema.CATEGORY_FIELDS},
                     "calls": pa.array([], pa.int64())})


def _count_batch(table, tz: ZoneInfo):
    """One batch's counts, with the category columns as plain strings so that
    partials from different files (and dictionaries) can be added up."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ts = table.column("ts").to_numpy()
    lo, hi = int(pc.min(table.column("ts")).as_py()), int(pc.max(table.column("ts")).as_py())
    starts = np.asarray(_starts_covering(lo, hi, tz), dtype=np.int64)
    hour = starts[np.searchsorted(starts, ts, side="right") - 1]
    keyed = pa.table({"hour_ns": hour, **{f: table.column(f) for f in schema.CATEGORY_FIELDS}})
    counts = keyed.group_by(list(KEYS)).aggregate([([], "count_all")])
    return pa.table({
        "hour_ns": counts.column("hour_ns"),
        **{f: _plain_text(counts.column(f)) for f in schema.CATEGORY_FIELDS},
        "calls": counts.column("count_all"),
    })


def _plain_text(column):
    """Strings, trimmed, with '' for missing; dictionary encoding removed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(column), "")


def _starts_covering(lo_ns: int, hi_ns: int, tz: ZoneInfo) -> list[int]:
    from datetime import timedelta

    first = local_date(lo_ns, tz) - timedelta(days=1)
    last = local_date(hi_ns, tz)
    return hour_starts_ns(first, last, tz)

