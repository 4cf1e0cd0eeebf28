"""Calls in flight per (integration, entity), swept from the calls' start
times and durations, for Autotask's thread limit. Pure numpy."""

from __future__ import annotations

from dataclasses import dataclass

from ..arrays import stable_order
from ..timeaxis import EARLIEST_NS
from . import rolling


@dataclass
class Threads:
    """Calls in flight per group (an (integration, entity) pair)."""

    intervals: object               # int64 rows: group, start ns, end ns, peak
    group_max: dict[int, int]       # group -> most calls in flight at once from `since`
    level_at_start: object = None   # per call, when asked: calls in flight just after it started


def thread_usage(group, start, duration_ms, max_threads: int, since: int | None = None,
                 per_call: bool = False, maxima: bool = True) -> Threads:
    """Sweep-line over the calls' [start, start + duration) intervals; starts
    in ns, durations in whole milliseconds as logged.

    A call without a duration (negative or missing: pass -1) is instantaneous:
    it lasts 1 ns, so it overlaps calls running at its start and nothing
    after. At equal instants ends come before starts, so back-to-back calls
    do not overlap. `since` leaves earlier instants out of `group_max`,
    which is left empty without `maxima` (a caller that needs only the
    stretches over the limit).
    """
    import numpy as np

    group = np.asarray(group)
    start = np.asarray(start, dtype=np.int64)
    events = _Events.packed(group, start, np.asarray(duration_ms))
    if events is None:
        end = np.asarray(duration_ms, dtype=np.int64) * 1_000_000
        end = start + np.maximum(end, 1, out=end)
        events = _Events.lexsorted(group.astype(np.int64), start, end)
    rises, falls, peaks = _stretches(events.level, max_threads)
    intervals = np.column_stack([events.group_at(rises), events.time_at(rises), events.time_at(falls), peaks])
    groups = np.flatnonzero(np.bincount(group)) if len(group) else group
    levels = events.level_at_start(group, start) if per_call else None
    return Threads(intervals.astype(np.int64), events.group_max(groups, since) if maxima else {}, levels)


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
        for c in range(0, n, rolling.CHUNK):
            d = min(c + rolling.CHUNK, n)
            base = group[c:d].astype(np.int64) << shift
            rel = start[c:d] - t0
            keys[n + c:n + d] = base | (rel << 1) | 1
            duration = duration_ms[c:d].astype(np.int64) * 1_000_000
            keys[c:d] = base | ((rel + np.maximum(duration, 1, out=duration)) << 1)
        keys.sort()
        level = np.empty(2 * n, dtype=np.int32)
        for c in range(0, 2 * n, rolling.CHUNK):
            level[c:c + rolling.CHUNK] = (keys[c:c + rolling.CHUNK] & 1) * 2 - 1
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
        return position if time - self.t0 < 1 << (self.shift - 1) else self._position(group + 1, EARLIEST_NS)

    def group_max(self, groups, since: int | None) -> dict[int, int]:
        """Most calls in flight per group, at instants from `since` on."""
        since = EARLIEST_NS if since is None else since
        out = {}
        for g in groups.tolist():
            lo, hi = self._position(g, since), self._position(g + 1, EARLIEST_NS)
            out[g] = int(self.level[lo:hi].max()) if hi > lo else 0
        return out

    def level_at_start(self, group, start):
        """Calls in flight just after each call started, itself included.
        Calls of one group starting at one instant take their levels in the
        order given, as a stable lexsort would give them."""
        import numpy as np

        n = len(start)
        out = np.empty(n, dtype=np.int64)
        if self.order is not None:
            is_start = self.order >= n
            out[self.order[is_start] - n] = self.level[is_start]
            return out
        if len(start) and np.all(start[1:] >= start[:-1]):  # in time order: group alone orders them
            order = stable_order(group)
        else:
            order = np.argsort((group.astype(np.int64) << self.shift) | ((start - self.t0) << 1), kind="stable")
        out[order] = self.level[(self.keys & 1) == 1]
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
