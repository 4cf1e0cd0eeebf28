"""Autotask's limits computed on arrays of calls: the tenant's rolling
60-minute request count, its latency tiers, and calls in flight per
(integration, entity). Pure numpy; no logs, frames or printing here.

Rolling count at instant t = calls with start in (t - 60 min, t]. It only rises
at a call and only falls when a call leaves the window, so its maximum over
any stretch is reached at a call instant or at the stretch's start: counting
at those instants is exact, not sampled.
"""

from __future__ import annotations

from dataclasses import dataclass

from .timeaxis import NS

HOUR_NS = 3_600 * NS
MINUTE_NS = 60 * NS
DEFAULT_DB_THRESHOLD = 10_000
DEFAULT_MAX_THREADS = 3
# (share of the threshold, what Autotask does from there). Public Autotask
# help, "REST API supportability, query thresholds, and latency".
TIERS = ((50, "about +0.5 s per call"), (75, "about +1 s per call"), (100, "calls rejected"))


def tier_floors(threshold: int) -> list[int]:
    """Smallest rolling count in each tier: 50% and 75% of the threshold
    (rounded up), and threshold + 1, since exactly the threshold is allowed."""
    return [-(-threshold * share // 100) for share, _ in TIERS[:-1]] + [threshold + 1]


def rolling_counts(sorted_ts, at, window: int = HOUR_NS):
    """Calls in (t - window, t] for every t in `at`; `sorted_ts` ascending."""
    import numpy as np

    at = np.asarray(at, dtype=np.int64)
    return np.searchsorted(sorted_ts, at, "right") - np.searchsorted(sorted_ts, at - window, "right")


@dataclass
class Rolling:
    """The rolling count over [lo, hi): exact at calls, per-minute peaks."""

    peak: int
    peak_ns: int | None          # first call instant at which the peak was reached
    first_ns: list[int | None]   # first call instant in each tier (TIERS order)
    minute_starts: object        # int64 UTC ns, one per minute of [lo, hi)
    minute_peaks: object         # highest rolling count during each minute
    tier_minutes: list[int]      # minutes whose peak lies in each tier


def rolling_usage(sorted_ts, lo: int, hi: int, threshold: int) -> Rolling:
    """The rolling count for calls in [lo, hi). `sorted_ts` must include the
    hour before `lo`, whose calls are still in the window at `lo`."""
    import numpy as np

    inside = sorted_ts[np.searchsorted(sorted_ts, lo, "left"):np.searchsorted(sorted_ts, hi, "left")]
    counts = rolling_counts(sorted_ts, inside)
    starts = np.arange(lo, hi, MINUTE_NS, dtype=np.int64)
    peaks = _minute_peaks(rolling_counts(sorted_ts, starts), (inside - lo) // MINUTE_NS, counts)
    floors = tier_floors(threshold)
    tier_of_minute = np.searchsorted(np.asarray(floors), peaks, "right")
    minutes = np.bincount(tier_of_minute, minlength=len(floors) + 1)[1:]
    peak_at = int(np.argmax(counts)) if counts.size else None
    return Rolling(
        peak=int(counts[peak_at]) if peak_at is not None else 0,
        peak_ns=int(inside[peak_at]) if peak_at is not None else None,
        first_ns=[_first_at_least(inside, counts, floor) for floor in floors],
        minute_starts=starts, minute_peaks=peaks, tier_minutes=[int(m) for m in minutes],
    )


def _minute_peaks(at_minute_start, minute_of_call, counts):
    """Per minute, the larger of the count at its start and at its calls."""
    import numpy as np

    peaks = at_minute_start.copy()
    if counts.size:
        first = np.flatnonzero(np.diff(minute_of_call, prepend=-1))
        minutes = minute_of_call[first]
        peaks[minutes] = np.maximum(peaks[minutes], np.maximum.reduceat(counts, first))
    return peaks


def _first_at_least(at, counts, floor: int) -> int | None:
    import numpy as np

    hits = np.flatnonzero(counts >= floor)
    return int(at[hits[0]]) if hits.size else None


def window_slice(sorted_ts, end_ns: int, window: int = HOUR_NS) -> slice:
    """Positions of the calls in (end_ns - window, end_ns]."""
    import numpy as np

    return slice(int(np.searchsorted(sorted_ts, end_ns - window, "right")),
                 int(np.searchsorted(sorted_ts, end_ns, "right")))


def daily_peaks(sorted_ts, day_bounds):
    """The highest rolling count reached during each day; `day_bounds` are the
    UTC starts of consecutive days followed by the end of the last."""
    import numpy as np

    bounds = np.asarray(day_bounds, dtype=np.int64)
    cut = np.searchsorted(sorted_ts, bounds, "left")
    inside = sorted_ts[cut[0]:cut[-1]]
    counts = rolling_counts(sorted_ts, inside)
    at_start = rolling_counts(sorted_ts, bounds[:-1])
    peaks = at_start.copy()
    nonempty = np.flatnonzero(cut[1:] > cut[:-1])
    if nonempty.size:
        peaks[nonempty] = np.maximum(peaks[nonempty], np.maximum.reduceat(counts, (cut[:-1] - cut[0])[nonempty]))
    return peaks


@dataclass
class Threads:
    """Calls in flight per group (an (integration, entity) pair)."""

    intervals: object               # int64 array rows: group, start ns, end ns, peak
    level_at_start: object          # per call: calls in flight just after it started


def thread_usage(group, start, duration_ns, max_threads: int) -> Threads:
    """Sweep-line over the calls' [start, start + duration) intervals.

    A call without a duration (negative or missing: pass -1) is instantaneous:
    it lasts 1 ns, so it overlaps calls running at its start and nothing
    after. At equal instants ends come before starts, so back-to-back calls
    do not overlap.
    """
    import numpy as np

    group = np.asarray(group, dtype=np.int64)
    start = np.asarray(start, dtype=np.int64)
    end = start + np.maximum(np.asarray(duration_ns, dtype=np.int64), 1)
    times = np.concatenate([end, start])
    kinds = np.repeat(np.array([0, 1], dtype=np.int8), len(start))  # 0 end, 1 start
    order = np.lexsort((kinds, times, np.concatenate([group, group])))
    step = np.where(kinds[order] == 1, 1, -1)
    level = np.cumsum(step)
    calls = np.arange(len(start) * 2, dtype=np.int64)[order]
    level_at_start = np.empty(len(start), dtype=np.int64)
    is_start = calls >= len(start)
    level_at_start[calls[is_start] - len(start)] = level[is_start]
    groups_sorted = np.concatenate([group, group])[order]
    return Threads(_over(groups_sorted, times[order], level, max_threads), level_at_start)


def _over(groups_sorted, times, level, max_threads: int):
    """Rows (group, start, end, peak) for each stretch with more than
    `max_threads` calls in flight. Every group ends at level 0, so no
    stretch runs from one group into the next."""
    import numpy as np

    above = level > max_threads
    before = np.concatenate([[False], above[:-1]])
    rises = np.flatnonzero(above & ~before)
    falls = np.flatnonzero(~above & before)
    peaks = np.maximum.reduceat(level, rises) if rises.size else np.array([], dtype=np.int64)
    return np.column_stack([groups_sorted[rises], times[rises], times[falls], peaks]).astype(np.int64)
