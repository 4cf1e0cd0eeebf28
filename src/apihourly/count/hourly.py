"""Counting calls per local hour and per (vendor, integration, tracking id),
batch by batch, so memory holds partial counts and never the whole log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .. import schema
from ..arrays import int_values
from ..read.scan import LogSet, read_ahead
from ..read.stats import ScanStats
from ..timeaxis import HOUR_NS, hour_starts_ns, local_date
from .codes import category_keys, split_category_key

_BINCOUNT_LIMIT = 1 << 22  # above this many possible keys, sort instead of counting into an array


@dataclass
class HourlyCounts:
    """Calls per (UTC start of local hour, vendor, integration, tracking id),
    with missing text as ''; `stats` says what was read to build them."""

    counts: dict[tuple[int, str, str, str], int]
    stats: ScanStats = field(default_factory=ScanStats)


def count_hourly(logs: LogSet, tz: ZoneInfo, window: tuple[int, int] | None = None,
                 progress: Callable[..., None] | None = None) -> HourlyCounts:
    """Scan the logs (inside `window`, UTC ns) and count calls per local hour.

    Memory holds one batch and the running counts (hours x categories), never
    the log: each batch is counted and added in before the next is read.
    `progress(calls_read)` is called after each batch, and
    `progress(calls_read, finished=True)` at the end.
    """
    stats = ScanStats()
    counts: dict[tuple[int, str, str, str], int] = {}
    hours = HourStarts(tz)
    try:
        for table in read_ahead(logs.scan(schema.CATEGORY_FIELDS, window, stats)):
            for batch in table.to_batches():
                for key, calls in _count_batch(batch, hours):
                    counts[key] = counts.get(key, 0) + calls
            if progress:
                progress(stats.rows)
    finally:
        if progress:
            progress(stats.rows, finished=True)
    return HourlyCounts(counts, stats)


class HourStarts:
    """UTC starts of the local hours of `tz`, extended as batches need them."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self.first = self.last = None
        self.starts = None

    def covering(self, lo_ns: int, hi_ns: int):
        """Sorted UTC hour starts (numpy int64) from before `lo_ns` to after `hi_ns`."""
        from datetime import timedelta

        import numpy as np

        first = local_date(lo_ns, self.tz) - timedelta(days=1)
        last = local_date(hi_ns, self.tz) + timedelta(days=1)
        if self.starts is None or first < self.first or last > self.last:
            self.first = first if self.first is None else min(first, self.first)
            self.last = last if self.last is None else max(last, self.last)
            self.starts = np.asarray(hour_starts_ns(self.first, self.last, self.tz), dtype=np.int64)
        return self.starts

    def index(self, ts):
        """Index into `covering(...)` of the local hour holding each timestamp."""
        import numpy as np

        lo, hi = int(ts.min()), int(ts.max())
        starts = self.covering(lo, hi)
        first = int(np.searchsorted(starts, lo, side="right")) - 1
        last = int(np.searchsorted(starts, hi, side="right")) - 1
        span = starts[first:last + 2]
        # Most batches sit where every local hour is one UTC hour long (any
        # whole or half-hour offset, DST changes included): then the hour is
        # plain arithmetic. Otherwise compare with every hour start.
        if len(span) == last - first + 2 and bool(np.all(np.diff(span) == HOUR_NS)):
            return first + (ts - starts[first]) // HOUR_NS
        return np.searchsorted(starts, ts, side="right") - 1


def _count_batch(batch, hours: HourStarts):
    """(hour start, vendor, integration, tracking id) -> calls for one batch.

    Each category column is dictionary-encoded, so a row's category is a
    tuple of small codes; hour and codes combine into one integer key counted
    with numpy, and only the distinct keys are turned back into text.
    """
    import numpy as np

    if batch.num_rows == 0:
        return []
    ts = int_values(batch.column(batch.schema.get_field_index("ts")))
    key, texts = category_keys(batch, hours.index(ts).astype(np.int64))
    space = int(key.max()) + 1
    if space <= _BINCOUNT_LIMIT:
        tally = np.bincount(key, minlength=0)
        distinct = np.flatnonzero(tally)
        calls = tally[distinct]
    else:
        distinct, calls = np.unique(key, return_counts=True)
    out = []
    for k, n in zip(distinct.tolist(), calls.tolist()):
        hour, triple = split_category_key(k, texts)
        out.append(((int(hours.starts[hour]), *triple), n))
    return out
