"""The tenant's highest rolling 60-minute count on each local date, from
the segments' digests.

Every zone's dates start on a UTC quarter hour, so a date's peak is the
highest of its quarters'. In a quarter where only one segment has calls
within the hour (the usual case: one file a day, one row group after
another) the tenant's count is that segment's own, which its digest holds.
Where several do (around midnight between daily files, or files of one
period), the quarter is counted exactly from the times their digests keep;
a digest that did not keep them (two files covering the same hours) sends
that stretch back to the logs.
"""

from __future__ import annotations

from datetime import date

from ..read.scan import LogSet
from ..timeaxis import HOUR_NS, day_window
from .digest import QUARTER_NS
from .build import quarter_runs
from .rolling import peaks_by_day


def date_peaks(logs: LogSet, digested: list, days: list[date], tz) -> list[int]:
    """The peak rolling count of each of `days` in `tz`."""
    import numpy as np

    if not days:
        return []
    quarters, best = _quarter_peaks(logs, [item.digest for item in digested if item.digest.first_ns is not None])
    out = []
    for lo, hi in (day_window(day, tz) for day in days):
        a, b = np.searchsorted(quarters, [lo // QUARTER_NS, hi // QUARTER_NS])
        out.append(int(best[a:b].max(initial=0)))
    return out


def _quarter_peaks(logs: LogSet, digests: list):
    """(quarters, the tenant's peak in each): every quarter where some
    segment's rolling count is above zero."""
    import numpy as np

    if not digests:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    every = np.concatenate([d.quarters for d in digests])
    peaks = np.concatenate([d.quarter_peaks for d in digests])
    quarters, first, owners = np.unique(every, return_index=True, return_counts=True)
    best = peaks[first].astype(np.int64)
    shared = quarters[owners > 1]
    for a, b in quarter_runs(shared):
        at = np.searchsorted(quarters, a)
        best[at:at + (b - a)] = _exact(logs, digests, a * QUARTER_NS, b * QUARTER_NS)
    return quarters, best


def _exact(logs: LogSet, digests: list, lo: int, hi: int):
    """The tenant's peak in each quarter of [lo, hi), from every call of the hour before on."""
    import numpy as np

    parts = [d.exact_times(lo - HOUR_NS, hi) for d in digests if d.first_ns < hi and d.last_ns >= lo - HOUR_NS]
    if any(part is None for part in parts):
        from ..arrays import int_values
        from ..read.stats import ScanStats

        parts = [int_values(t.column("ts")) for t in logs.scan([], (lo - HOUR_NS, hi), ScanStats())]
    ts = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    return peaks_by_day(ts, np.arange(lo, hi + 1, QUARTER_NS, dtype=np.int64))
