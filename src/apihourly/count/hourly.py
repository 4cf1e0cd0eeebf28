"""Counting calls per local hour and per (vendor, integration, tracking id),
from the segments' digests (count/digest.py), which hold calls per minute."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..read.scan import LogSet
from ..read.stats import ScanStats
from ..timeaxis import DAY_NS, HOUR_NS, hour_starts_ns, local_date
from .digest import QUARTER_NS


@dataclass
class HourlyCounts:
    """Calls per (UTC start of local hour, vendor, integration, tracking id),
    with missing text as '', and per (UTC start of local hour, Category) for
    calls given by hourly counts files; `stats` says what was read, and
    `digests` holds the segments' digests they were summed from."""

    counts: dict[tuple, int]
    stats: ScanStats = field(default_factory=ScanStats)
    digests: list = field(default_factory=list)


def count_hourly(logs: LogSet, tz: ZoneInfo, window: tuple[int, int] | None = None,
                 progress: Callable[..., None] | None = None, peaks: bool = False) -> HourlyCounts:
    """Calls per local hour inside `window` (UTC ns, whole minutes), summed
    from the digests of the segments the window needs (count/segments.py:
    from the cache, else read), and from hourly counts files.
    `progress(calls_read)` is called as segments are read, and
    `progress(calls_read, finished=True)` at the end. With `peaks` the
    digests also hold what rolling peaks need (count/peaks.py).
    """
    from .segments import digests

    stats = ScanStats()
    counts: dict[tuple, int] = {}
    hours = HourStarts(tz)
    try:
        found = digests(logs, window, stats, progress, peaks=peaks)
        counts.update(_hourly(found, hours, window))
        for key, calls in logs.counted(window, stats):
            counts[key] = counts.get(key, 0) + calls
    finally:
        if progress:
            progress(stats.rows, finished=True)
    return HourlyCounts(counts, stats, found)


def _hourly(found: list, hours: "HourStarts", window) -> dict:
    """(UTC start of local hour, vendor, integration, tracking id) -> calls
    inside `window`, from every digest at once."""
    import numpy as np

    triples: dict[tuple, int] = {}
    parts = []
    for item in found:
        d = item.digest
        rows = d.in_window(window)
        if rows.stop > rows.start:
            codes = np.array([triples.setdefault(t, len(triples)) for t in d.triples], dtype=np.int64)
            parts.append((d.slot[rows], codes[d.code[rows]], d.calls[rows]))
    if not parts:
        return {}
    slot, code, calls = (np.concatenate(column) for column in zip(*parts))
    width = len(triples)
    distinct, where = np.unique(hours.index(slot * QUARTER_NS).astype(np.int64) * width + code, return_inverse=True)
    sums = np.bincount(where.ravel(), weights=calls, minlength=len(distinct)).astype(np.int64)
    names = list(triples)
    return {(int(hours.starts[k // width]), *names[k % width]): int(n)
            for k, n in zip(distinct.tolist(), sums.tolist())}


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
