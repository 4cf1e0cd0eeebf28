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
    counts = np.searchsorted(sorted_ts, at, "right")
    counts -= np.searchsorted(sorted_ts, at - window, "right")  # in place: a big day is 10M+ calls
    return counts


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
    peaks = _minute_peaks(rolling_counts(sorted_ts, starts), np.searchsorted(inside, starts, "left"), counts)
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


def _minute_peaks(at_minute_start, first_call, counts):
    """Per minute, the larger of the count at its start and at its calls;
    `first_call` is the position of each minute's first call in `counts`."""
    import numpy as np

    peaks = at_minute_start.copy()
    busy = np.flatnonzero(first_call < np.append(first_call[1:], len(counts)))
    if busy.size:
        peaks[busy] = np.maximum(peaks[busy], np.maximum.reduceat(counts, first_call[busy]))
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

    intervals: object               # int64 rows: group, start ns, end ns, peak
    group_max: dict[int, int]       # group -> most calls in flight at once from `since`
    level_at_start: object = None   # per call, when asked: calls in flight just after it started


def thread_usage(group, start, duration_ns, max_threads: int, since: int | None = None,
                 per_call: bool = False) -> Threads:
    """Sweep-line over the calls' [start, start + duration) intervals.

    A call without a duration (negative or missing: pass -1) is instantaneous:
    it lasts 1 ns, so it overlaps calls running at its start and nothing
    after. At equal instants ends come before starts, so back-to-back calls
    do not overlap. `since` leaves earlier instants out of `group_max`.
    """
    import numpy as np

    group = np.asarray(group, dtype=np.int64)
    start = np.asarray(start, dtype=np.int64)
    duration = np.maximum(np.asarray(duration_ns, dtype=np.int64), 1)
    events = _Events.packed(group, start, duration) if not per_call else None
    events = events or _Events.lexsorted(group, start, start + duration)
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
    def packed(cls, group, start, duration):
        """None when the key does not fit in 63 bits (a span of years, or
        millions of groups); the caller then lexsorts. Built in place, since
        a big day has tens of millions of events."""
        import numpy as np

        if not len(start) or int(group.min()) < 0:
            return None
        n, t0 = len(start), int(start.min())
        keys = np.empty(2 * n, dtype=np.int64)
        np.subtract(start, t0, out=keys[n:])
        np.add(keys[n:], duration, out=keys[:n])
        shift = int(keys[:n].max()).bit_length() + 1
        if shift + int(group.max()).bit_length() > 62:
            return None
        keys <<= 1
        keys[n:] |= 1
        base = np.left_shift(group, shift)
        keys[:n] |= base
        keys[n:] |= base
        del base
        keys.sort()
        level = keys & 1
        level <<= 1
        level -= 1
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
