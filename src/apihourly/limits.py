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

from .timeaxis import HOUR_NS, NS

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


CHUNK = 1 << 16  # calls per step: big days go in steps so temporaries stay small and reused


def rolling_usage(sorted_ts, lo: int, hi: int, threshold: int) -> Rolling:
    """The rolling count for calls in [lo, hi). `sorted_ts` must include the
    hour before `lo`, whose calls are still in the window at `lo`."""
    import numpy as np

    starts = np.arange(lo, hi, MINUTE_NS, dtype=np.int64)
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


@dataclass
class Threads:
    """Calls in flight per group (an (integration, entity) pair)."""

    intervals: object               # int64 rows: group, start ns, end ns, peak
    group_max: dict[int, int]       # group -> most calls in flight at once from `since`
    level_at_start: object = None   # per call, when asked: calls in flight just after it started


def thread_usage(group, start, duration_ms, max_threads: int, since: int | None = None,
                 per_call: bool = False) -> Threads:
    """Sweep-line over the calls' [start, start + duration) intervals; starts
    in ns, durations in whole milliseconds as logged.

    A call without a duration (negative or missing: pass -1) is instantaneous:
    it lasts 1 ns, so it overlaps calls running at its start and nothing
    after. At equal instants ends come before starts, so back-to-back calls
    do not overlap. `since` leaves earlier instants out of `group_max`.
    """
    import numpy as np

    group = np.asarray(group)
    start = np.asarray(start, dtype=np.int64)
    events = _Events.packed(group, start, np.asarray(duration_ms)) if not per_call else None
    if events is None:
        end = np.asarray(duration_ms, dtype=np.int64) * 1_000_000
        end = start + np.maximum(end, 1, out=end)
        events = _Events.lexsorted(group.astype(np.int64), start, end)
    rises, falls, peaks = _stretches(events.level, max_threads)
    intervals = np.column_stack([events.group_at(rises), events.time_at(rises), events.time_at(falls), peaks])
    groups = np.flatnonzero(np.bincount(group)) if len(group) else group
    return Threads(intervals.astype(np.int64), events.group_max(groups, since), events.level_at_start(len(start)))


@dataclass
class _Events:
    """Every call's end and start, sorted by (group, time, ends first), with
    `level`, the calls in flight after each event. Packed events keep one
    int64 key per event (group, time, kind) and decode only where asked:
    sorting them is a plain sort, several times faster than a lexsort."""

    level: object
    keys: object = None
    shift: int = 0
    t0: int = 0
    groups: object = None
    times: object = None
    order: object = None

    @classmethod
    def packed(cls, group, start, duration_ms):
        """None when the key does not fit in 63 bits (a span of years, or
        millions of groups); the caller then lexsorts. Built in steps, since
        a big day has tens of millions of events."""
        import numpy as np

        if not len(start) or int(group.min()) < 0:
            return None
        n, t0 = len(start), int(start.min())
        longest = max(int(duration_ms.max()) * 1_000_000, 1)
        shift = (int(start.max()) - t0 + longest).bit_length() + 1
        if shift + int(group.max()).bit_length() > 62:
            return None
        keys = np.empty(2 * n, dtype=np.int64)
        for c in range(0, n, CHUNK):
            d = min(c + CHUNK, n)
            base = group[c:d].astype(np.int64) << shift
            rel = start[c:d] - t0
            keys[n + c:n + d] = base | (rel << 1) | 1
            duration = duration_ms[c:d].astype(np.int64) * 1_000_000
            keys[c:d] = base | ((rel + np.maximum(duration, 1, out=duration)) << 1)
        keys.sort()
        level = np.empty(2 * n, dtype=np.int32)
        for c in range(0, 2 * n, CHUNK):
            level[c:c + CHUNK] = (keys[c:c + CHUNK] & 1) * 2 - 1
        return cls(np.cumsum(level, out=level), keys, shift, t0)

    @classmethod
    def lexsorted(cls, group, start, end):
        import numpy as np

        n = len(start)
        kinds = np.repeat(np.array([False, True]), n)
        groups, times = np.concatenate([group, group]), np.concatenate([end, start])
        order = np.lexsort((kinds, times, groups))
        level = np.cumsum(np.where(kinds[order], 1, -1))
        return cls(level, groups=groups[order], times=times[order], order=order)

    def group_at(self, idx):
        return self.groups[idx] if self.keys is None else self.keys[idx] >> self.shift

    def time_at(self, idx):
        if self.keys is None:
            return self.times[idx]
        return ((self.keys[idx] >> 1) & ((1 << (self.shift - 1)) - 1)) + self.t0

    def _position(self, group, time):
        """Position of the first event of `group` at or after `time`."""
        import numpy as np

        if self.keys is None:
            first = np.searchsorted(self.groups, group, "left")
            last = np.searchsorted(self.groups, group, "right")
            return int(first + np.searchsorted(self.times[first:last], time, "left"))
        offset = min(max(time - self.t0, 0), (1 << (self.shift - 1)) - 1)
        position = int(np.searchsorted(self.keys, (group << self.shift) | (offset << 1), "left"))
        return position if time - self.t0 < 1 << (self.shift - 1) else self._position(group + 1, -(2**62))

    def group_max(self, groups, since: int | None) -> dict[int, int]:
        """Most calls in flight per group, at instants from `since` on."""
        since = -(2**62) if since is None else since
        out = {}
        for g in groups.tolist():
            lo, hi = self._position(g, since), self._position(g + 1, -(2**62))
            out[g] = int(self.level[lo:hi].max()) if hi > lo else 0
        return out

    def level_at_start(self, n: int):
        import numpy as np

        if self.order is None:
            return None
        out = np.empty(n, dtype=np.int64)
        is_start = self.order >= n
        out[self.order[is_start] - n] = self.level[is_start]
        return out


def _stretches(level, max_threads: int):
    """Positions where more than `max_threads` calls come to be in flight and
    where they stop being, and the peak in between. Every group ends at level
    0, so no stretch runs from one group into the next."""
    import numpy as np

    above = level > max_threads
    rises = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    falls = np.flatnonzero(~above[1:] & above[:-1]) + 1
    if len(above) and above[0]:
        rises = np.concatenate([[0], rises])
    peaks = np.maximum.reduceat(level, rises) if rises.size else np.zeros(0, dtype=np.int64)
    return rises, falls, peaks


def peaks_by_day(ts, day_bounds, window: int = HOUR_NS):
    """The highest rolling count reached during each day, for calls in any
    order, without sorting them all; `day_bounds` are the UTC starts of
    consecutive days followed by the end of the last.

    Per-second counts bound every call's rolling count: for a call in second
    s it is at least the calls of seconds s-W+1..s (exact at the second's
    last call) and at most that plus second s-W. Only calls in seconds whose
    upper bound beats their day's best lower bound, and each day's first
    instant, are counted exactly, from the few timestamps of the seconds
    that decides. `day_bounds` must be whole seconds, `window` too.
    """
    import numpy as np

    bounds = np.asarray(day_bounds, dtype=np.int64)
    ts = np.asarray(ts, dtype=np.int64)
    if not len(ts):
        return np.zeros(len(bounds) - 1, dtype=np.int64)
    grid = _SecondCounts(ts, bounds, window)
    needed = np.zeros(grid.size + 1, dtype=bool)
    days = [grid.day_candidates(bounds[d], bounds[d + 1], needed) for d in range(len(bounds) - 1)]
    exact = _ExactCounts(ts, grid, needed)
    return np.array([max(best, exact.peak(seconds, start))
                     for (best, seconds), start in zip(days, bounds[:-1].tolist())], dtype=np.int64)


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

    def day_candidates(self, start: int, end: int, needed):
        """(best lower bound in the day, its seconds that may beat it); marks
        in `needed` the seconds whose timestamps the exact counts need."""
        import numpy as np

        s0, s1 = start // NS - self.base, end // NS - self.base
        busy = np.flatnonzero(self.per_second[s0:s1]) + s0
        low = self.between(busy - self.w + 1, busy)
        high = low + self.between(busy - self.w, busy - self.w)
        best = int(low.max()) if len(busy) else 0
        candidates = busy[high > best]
        for seconds in (candidates, candidates - self.w, np.array([s0, s0 - self.w])):
            needed[np.clip(seconds, 0, self.size)] = True
        return best, candidates


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

    def peak(self, seconds, start: int) -> int:
        import numpy as np

        first = np.searchsorted(self.kept, (seconds + self.grid.base) * NS, "left")
        last = np.searchsorted(self.kept, (seconds + 1 + self.grid.base) * NS, "left")
        calls = self.kept[np.concatenate([np.arange(a, b) for a, b in zip(first, last)])] if len(seconds) else self.kept[:0]
        return int(self.at(np.append(calls, start)).max())
