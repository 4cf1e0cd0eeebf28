"""Counting calls per local hour and per (vendor, integration, tracking id),
batch by batch, so memory holds partial counts and never the whole log."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .. import schema
from ..arrays import int_values
from ..read.scan import LogSet, read_ahead
from ..read.stats import ScanStats
from ..timeaxis import DAY_NS, HOUR_NS, hour_starts_ns, local_date
from .codes import category_keys, split_category_key

_BINCOUNT_LIMIT = 1 << 22  # above this many possible keys, sort instead of counting into an array


@dataclass
class HourlyCounts:
    """Calls per (UTC start of local hour, vendor, integration, tracking id),
    with missing text as '', and per (UTC start of local hour, Category) for
    calls given by hourly counts files; `stats` says what was read."""

    counts: dict[tuple, int]
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
    counts: dict[tuple, int] = {}
    hours = HourStarts(tz)
    try:
        # closing(): the reading thread is joined here, whatever happens in the
        # loop, not whenever the generator is collected (see read_ahead).
        with closing(read_ahead(logs.scan(schema.CATEGORY_FIELDS, window, stats))) as tables:
            for table in tables:
                for batch in table.to_batches():
                    for key, calls in _count_batch(batch, hours):
                        counts[key] = counts.get(key, 0) + calls
                if progress:
                    progress(stats.rows)
        for key, calls in logs.counted(window, stats):
            counts[key] = counts.get(key, 0) + calls
    finally:
        if progress:
            progress(stats.rows, finished=True)
    return HourlyCounts(counts, stats)


class HourStarts:
    """UTC starts of the local hours of `tz`, for the local dates the
    batches reach and no others: two calls ten years apart cost the hours
    of a few dates, not of every date between them."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self.dates: set = set()
        self.starts = None

    def covering(self, ts):
        """Sorted UTC hour starts (numpy int64) that include the start of
        every timestamp's local hour."""
        from datetime import timedelta

        import numpy as np

        lo, hi = int(ts.min()), int(ts.max())
        if hi - lo < 3 * DAY_NS:  # nearly every batch: a day or two
            utc_days = range(lo // DAY_NS, hi // DAY_NS + 1)
        else:
            utc_days = np.unique(ts // DAY_NS).tolist()
        wanted = set()
        for day in utc_days:  # a UTC day's instants fall on the local dates either side of it
            middle = local_date(day * DAY_NS + DAY_NS // 2, self.tz)
            wanted.update(middle + timedelta(days=k) for k in (-1, 0, 1))
        new = sorted(wanted - self.dates)
        if new or self.starts is None:
            self.dates |= wanted
            added = np.asarray([ns for day in new for ns in hour_starts_ns(day, day, self.tz)], dtype=np.int64)
            known = self.starts if self.starts is not None else np.zeros(0, dtype=np.int64)
            self.starts = np.sort(np.concatenate([known, added]), kind="stable")
        return self.starts

    def index(self, ts):
        """Index into `covering(ts)` of the local hour holding each timestamp."""
        import numpy as np

        starts = self.covering(ts)
        lo, hi = int(ts.min()), int(ts.max())
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
