"""The calls of the last 60 minutes, kept as they arrive: the live window of
`apihourly watch`. Pure numpy, no printing.

Memory holds the window, not the history: each batch of calls is kept as
its own sorted arrays, and calls leave as the window's end passes them, a
whole batch at a time once all of it is older than the window. Counting
runs at each look, a bincount over the window's calls: exact, not
sampled, and a few milliseconds for a tenant's 10,000 calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..timeaxis import HOUR_NS, MINUTE_NS, local_date, local_hour_axis
from . import rolling
from .calls import batch_arrays
from .codes import CodeBook
from .threads import thread_usage

MAX_PARTS = 256  # batches kept apart before they are merged into one
RECENT_NS = 5 * MINUTE_NS  # "last 5 minutes", the trend's span and the thread stretches shown
RISING, FALLING, STEADY, NEW = "rising", "falling", "steady", "new"


@dataclass
class Look:
    """The window at one instant, per integration label (summary order)."""

    end_ns: int
    threshold: int
    labels: list[str]
    window: list[int]          # calls in (end - 60 min, end]
    recent: list[int]          # calls in the last 5 minutes
    before: list[int]          # calls in the 5 minutes before those
    hour_start_ns: int         # the local hour the end is in, as the summary's row
    hour: list[int]            # calls since that hour began
    oldest_ns: int | None      # the window's oldest call: it leaves first
    stretches: list[tuple]     # (label, entity, start ns, end ns, most in flight), last 5 minutes
    newest_ns: int | None = None  # the newest call read (the end, while calls arrive)
    calls_total: int = 0       # every call read since the watch began

    @property
    def count(self) -> int:
        return sum(self.window)

    @property
    def tier(self) -> int:
        """0 below 50% of the threshold, then 1, 2, 3 (over: calls rejected)."""
        return rolling.tier_of(self.count, self.threshold)

    @property
    def leaves_in_ns(self) -> int | None:
        """How long until the oldest call leaves the window, if none arrive."""
        return None if self.oldest_ns is None else max(self.oldest_ns + HOUR_NS - self.end_ns, 0)

    def trend(self, k: int) -> str:
        """Whether label k's last 5 minutes had more calls than the 5 before."""
        recent, before = self.recent[k], self.before[k]
        if not before:
            return NEW if recent else STEADY
        if recent >= 1.25 * before + 1:
            return RISING
        return FALLING if recent <= 0.8 * before - 1 else STEADY

    def top(self, n: int = 3) -> list[tuple[str, int]]:
        """The integrations with the most calls in the window, most first."""
        ranked = sorted(zip(self.labels, self.window), key=lambda pair: -pair[1])
        return [(label, calls) for label, calls in ranked[:n] if calls]


@dataclass
class LiveWindow:
    """Calls whose start lies in (end - 60 min, end], arriving in batches
    (canonical Arrow tables), in any order."""

    max_threads: int
    book: CodeBook = field(default_factory=CodeBook)
    parts: list[dict] = field(default_factory=list)  # per batch: ts (sorted), group, duration_ms
    end_ns: int | None = None
    newest_ns: int | None = None
    calls_total: int = 0

    def add(self, table) -> int:
        """Keep a batch's calls (those the window has not passed yet);
        returns how many calls it held."""
        import numpy as np

        arrays = batch_arrays(table, self.book)
        n = len(arrays["ts"])
        if not n:
            return 0
        order = np.argsort(arrays["ts"], kind="stable")
        part = {k: v[order] for k, v in arrays.items()}
        self.calls_total += n
        newest = int(part["ts"][-1])
        self.newest_ns = newest if self.newest_ns is None else max(self.newest_ns, newest)
        self.parts.append(part)
        if self.end_ns is not None:
            self._drop_before(self.end_ns - HOUR_NS)
        self._merge()
        return n

    def advance(self, end_ns: int) -> None:
        """Move the window's end to `end_ns` (never back), dropping the calls it passes."""
        self.end_ns = end_ns if self.end_ns is None else max(self.end_ns, end_ns)
        self._drop_before(self.end_ns - HOUR_NS)

    def _drop_before(self, cut: int) -> None:
        """Forget calls at or before `cut`: they are out of the window for good."""
        import numpy as np

        kept = []
        for part in self.parts:
            first = int(np.searchsorted(part["ts"], cut, "right"))
            if first < len(part["ts"]):
                kept.append({k: v[first:] for k, v in part.items()} if first else part)
        self.parts = kept
        self._merge()

    def _merge(self) -> None:
        """Many batches (a look a second, a batch per file) become one, so
        that the loops over them stay short."""
        import numpy as np

        if len(self.parts) > MAX_PARTS:
            merged = {k: np.concatenate([part[k] for part in self.parts]) for k in self.parts[0]}
            order = np.argsort(merged["ts"], kind="stable")
            self.parts = [{k: v[order] for k, v in merged.items()}]

    @property
    def size(self) -> int:
        """Calls held."""
        return sum(len(part["ts"]) for part in self.parts)

    def look(self, threshold: int, tz) -> Look:
        """The window now (at its end), counted per integration label."""
        import numpy as np

        end = self.end_ns if self.end_ns is not None else 0
        ts, group, duration = self._arrays(end - HOUR_NS)
        position, labels = self.book.label_positions()
        label_of_group = np.asarray([position[c] for c, _ in self.book.pairs] or [0], dtype=np.int64)
        label = label_of_group[group]
        hour_start = _hour_start(end, tz)

        def per_label(lo: int, hi: int = end) -> list[int]:
            inside = (ts > lo) & (ts <= hi)
            return np.bincount(label[inside], minlength=len(labels)).tolist()

        return Look(end, threshold, labels, per_label(end - HOUR_NS), per_label(end - RECENT_NS),
                    per_label(end - 2 * RECENT_NS, end - RECENT_NS), hour_start, per_label(hour_start - 1),
                    int(ts.min()) if len(ts) else None,
                    self._stretches(ts, group, duration, end, labels, label_of_group), self.newest_ns,
                    self.calls_total)

    def _arrays(self, after: int):
        """The held calls after `after` (up to the end), in one set of arrays."""
        import numpy as np

        parts = self.parts or [{"ts": np.empty(0, np.int64), "group": np.empty(0, np.int32),
                                "duration_ms": np.empty(0, np.int32)}]
        ts, group, duration = (np.concatenate([p[k] for p in parts]) for k in ("ts", "group", "duration_ms"))
        keep = (ts > after) & (ts <= (self.end_ns if self.end_ns is not None else after))
        return ts[keep], group[keep], duration[keep]

    def _stretches(self, ts, group, duration, end: int, labels: list[str], label_of_group) -> list[tuple]:
        """Thread-limit stretches (more calls in flight per integration and
        entity than max_threads) that ended in the last 5 minutes or go on."""
        recent = ts > end - 2 * RECENT_NS  # calls long enough to reach into the last 5 minutes start before it
        if not recent.any():
            return []
        found = thread_usage(group[recent], ts[recent], duration[recent], self.max_threads, maxima=False)
        entities = list(self.book.text["entity"])
        pairs = list(self.book.pairs)
        rows = []
        for g, start, stop, peak in found.intervals.tolist():
            if stop > end - RECENT_NS:
                rows.append((labels[int(label_of_group[g])], entities[pairs[g][1]], start, stop, peak))
        return sorted(rows, key=lambda row: row[2])


def _hour_start(end_ns: int, tz) -> int:
    """The UTC start of the local hour `end_ns` lies in (a DST day's 23 or 25 hours included)."""
    slots = local_hour_axis(local_date(end_ns, tz), tz)
    return max((slot.start_ns for slot in slots if slot.start_ns <= end_ns), default=slots[0].start_ns)
