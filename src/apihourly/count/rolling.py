"""The tenant's rolling 60-minute request count and its latency tiers,
computed on sorted call times. Pure numpy; no logs, tables or printing here.

Rolling count at instant t = calls with start in (t - 60 min, t]. It only rises
at a call and only falls when a call leaves the window, so its maximum over
any stretch is reached at a call instant or at the stretch's start: counting
at those instants is exact, not sampled.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..timeaxis import HOUR_NS, MINUTE_NS, NS

CHUNK = 1 << 16  # calls per step: big days go in steps so temporaries stay small and reused
# (share of the threshold, what Autotask does from there). Public Autotask
# help, "REST API supportability, query thresholds, and latency".
TIERS = ((50, "about +0.5 s per call"), (75, "about +1 s per call"), (100, "calls rejected"))


def tier_floors(threshold: int) -> list[int]:
    """Smallest rolling count in each tier: 50% and 75% of the threshold
    (rounded up), and threshold + 1, since exactly the threshold is allowed."""
    return [-(-threshold * share // 100) for share, _ in TIERS[:-1]] + [threshold + 1]


def tier_of(count: int, threshold: int) -> int:
    """The tier a rolling count is in: 0 below 50% of the threshold, else
    the number (1-3) of the highest tier of TIERS it reached."""
    return sum(count >= floor for floor in tier_floors(threshold))


def rolling_counts(sorted_ts, at, window: int = HOUR_NS):
    """Calls in (t - window, t] for every t in `at`; `sorted_ts` ascending."""
    import numpy as np

    at = np.asarray(at, dtype=np.int64)
    counts = np.searchsorted(sorted_ts, at, "right")
    counts -= np.searchsorted(sorted_ts, at - window, "right")  # in place: a big day is 10M+ calls
    return counts


def _counts_at_calls(sorted_ts, c: int, d: int, window: int = HOUR_NS):
    """rolling_counts() at the calls sorted_ts[c:d], where the calls up to
    and including t are found without a search: the end of t's run of
    equal times (the last run may go on past d)."""
    import numpy as np

    at = sorted_ts[c:d]
    ends = np.flatnonzero(at[1:] != at[:-1]) + 1
    lengths = np.diff(ends, prepend=0, append=len(at))
    upto = np.repeat(np.append(ends, len(at)) + c, lengths)
    upto[len(at) - lengths[-1]:] = np.searchsorted(sorted_ts, at[-1], "right")
    # calls that left the window: search only where they can be, a span about
    # an hour's calls long, which keeps the binary search in cache
    first = int(np.searchsorted(sorted_ts, at[0] - window, "right"))
    upto -= first + np.searchsorted(sorted_ts[first:d], at - window, "right")
    return upto


@dataclass
class Rolling:
    """The rolling count over [lo, hi): exact at calls, per-minute peaks."""

    peak: int
    peak_ns: int | None          # first call instant at which the peak was reached
    first_ns: list[int | None]   # first call instant in each tier (TIERS order)
    minute_starts: object        # int64 UTC ns, one per minute of [lo, hi)
    minute_peaks: object         # highest rolling count during each minute
    tier_minutes: list[int]      # minutes whose peak lies in each tier


def rolling_usage(sorted_ts, lo: int, hi: int, threshold: int, minutes: bool = True) -> Rolling:
    """The rolling count for calls in [lo, hi). `sorted_ts` must include the
    hour before `lo`, whose calls are still in the window at `lo`. Without
    `minutes` the per-minute series (and minutes per tier) is left empty:
    a check over years of calls needs only the peak and the tiers' entries."""
    import numpy as np

    # Integer arithmetic: np.arange sizes its result in floating point, which
    # drops the last minute of a span that is a whole number of minutes + 1 ns.
    count = -(-(hi - lo) // MINUTE_NS) if minutes else 0
    starts = lo + np.arange(count, dtype=np.int64) * MINUTE_NS
    peaks = rolling_counts(sorted_ts, starts)
    floors = tier_floors(threshold)
    first_ns: list[int | None] = [None] * len(floors)
    peak, peak_ns = 0, None
    a, b = (int(np.searchsorted(sorted_ts, edge, "left")) for edge in (lo, hi))
    for c in range(a, b, CHUNK):
        at = sorted_ts[c:min(c + CHUNK, b)]
        counts = _counts_at_calls(sorted_ts, c, min(c + CHUNK, b))
        top = int(np.argmax(counts))
        if counts[top] > peak:
            peak, peak_ns = int(counts[top]), int(at[top])
        first_ns = [ns if ns is not None else _first_at_least(at, counts, f) for ns, f in zip(first_ns, floors)]
        if minutes:
            _raise_minute_peaks(peaks, (at - lo) // MINUTE_NS, counts)
    minutes = np.bincount(np.searchsorted(np.asarray(floors), peaks, "right"), minlength=len(floors) + 1)[1:]
    return Rolling(peak, peak_ns, first_ns, starts, peaks, [int(m) for m in minutes])


def _raise_minute_peaks(peaks, minute_of_call, counts) -> None:
    """Raise each minute's peak to the highest count at its calls (sorted)."""
    import numpy as np

    first = np.concatenate([[0], np.flatnonzero(minute_of_call[1:] != minute_of_call[:-1]) + 1])
    minutes = minute_of_call[first]
    peaks[minutes] = np.maximum(peaks[minutes], np.maximum.reduceat(counts, first))


def _first_at_least(at, counts, floor: int) -> int | None:
    import numpy as np

    hits = np.flatnonzero(counts >= floor)
    return int(at[hits[0]]) if hits.size else None


def window_slice(sorted_ts, end_ns: int, window: int = HOUR_NS) -> slice:
    """Positions of the calls in (end_ns - window, end_ns]."""
    import numpy as np

    return slice(int(np.searchsorted(sorted_ts, end_ns - window, "right")),
                 int(np.searchsorted(sorted_ts, end_ns, "right")))


def peaks_by_day(ts, day_bounds, window: int = HOUR_NS):
    """The highest rolling count reached during each period (days, quarter
    hours), for calls in any order, without sorting them all; `day_bounds`
    are the UTC starts of consecutive periods followed by the end of the last.

    Per-second counts bound every call's rolling count: for a call in second
    s it is at least the calls of seconds s-W+1..s (exact at the second's
    last call) and at most that plus second s-W. Only calls in seconds whose
    upper bound beats their period's best lower bound, and each period's
    first instant, are counted exactly, from the few timestamps of the
    seconds that decides. `day_bounds` must be whole seconds, `window` too.
    All periods at once: no Python work per period.
    """
    import numpy as np

    bounds = np.asarray(day_bounds, dtype=np.int64)
    ts = np.asarray(ts, dtype=np.int64)
    periods = len(bounds) - 1
    if not len(ts) or periods < 1:
        return np.zeros(max(periods, 0), dtype=np.int64)
    grid = _SecondCounts(ts, bounds, window)
    edges = bounds // NS - grid.base  # period starts (and the last end) as grid seconds
    busy = np.flatnonzero(grid.per_second[edges[0]:edges[-1]]) + edges[0]
    period = np.searchsorted(edges, busy, "right") - 1
    low = grid.between(busy - grid.w + 1, busy)
    high = low + grid.between(busy - grid.w, busy - grid.w)
    best = np.zeros(periods, dtype=np.int64)
    np.maximum.at(best, period, low)
    candidates = busy[high > best[period]]
    needed = np.zeros(grid.size + 1, dtype=bool)
    for seconds in (candidates, candidates - grid.w, edges[:-1], edges[:-1] - grid.w):
        needed[np.clip(seconds, 0, grid.size)] = True
    exact = _ExactCounts(ts, grid, needed)
    instants = exact.calls_in(candidates)
    np.maximum.at(best, np.searchsorted(bounds, instants, "right") - 1, exact.at(instants))
    return np.maximum(best, exact.at(bounds[:-1]))


class _SecondCounts:
    """Calls per second from the first call's second on, with prefix sums."""

    def __init__(self, ts, bounds, window: int):
        import numpy as np

        self.w = window // NS
        self.base = int(min(ts.min() // NS, bounds[0] // NS - self.w))
        seconds = ts // NS - self.base
        self.size = int(max(seconds.max(), bounds[-1] // NS - self.base)) + 1
        self.per_second = np.bincount(seconds, minlength=self.size)
        self.before = np.concatenate(([0], np.cumsum(self.per_second)))  # calls in seconds < i

    def between(self, first, last):
        """Calls in seconds first..last (arrays), clipped to the grid."""
        import numpy as np

        lo = np.clip(first, 0, self.size)
        hi = np.clip(last + 1, 0, self.size)
        return np.where(hi > lo, self.before[hi] - self.before[lo], 0)


class _ExactCounts:
    """Rolling counts at chosen instants from the per-second counts and the
    sorted timestamps of the seconds at the window's two ends."""

    def __init__(self, ts, grid: _SecondCounts, needed):
        import numpy as np

        self.grid = grid
        seconds = np.clip(ts // NS - grid.base, 0, grid.size)
        self.kept = np.sort(ts[needed[seconds]])

    def at(self, instants):
        import numpy as np

        grid, kept = self.grid, self.kept
        s = instants // NS - grid.base
        full = grid.between(s - grid.w + 1, s - 1)
        same_second = np.searchsorted(kept, instants, "right") - np.searchsorted(kept, (s + grid.base) * NS, "left")
        edge_end = (s - grid.w + 1 + grid.base) * NS
        oldest = np.searchsorted(kept, edge_end, "left") - np.searchsorted(kept, instants - grid.w * NS, "right")
        return full + same_second + oldest

    def calls_in(self, seconds):
        """The kept call times in the given grid seconds."""
        import numpy as np

        first = np.searchsorted(self.kept, (seconds + self.grid.base) * NS, "left")
        last = np.searchsorted(self.kept, (seconds + 1 + self.grid.base) * NS, "left")
        if not len(seconds):
            return self.kept[:0]
        counts = last - first
        starts = np.repeat(first - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        return self.kept[starts + np.arange(counts.sum())]
