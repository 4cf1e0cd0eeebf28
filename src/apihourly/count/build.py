"""Building a segment's digest from its canonical tables: calls per quarter hour
and category, batch by batch, then the segment's rolling peaks per quarter
hour from its call times."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..arrays import int_values
from ..timeaxis import HOUR_NS
from .codes import category_keys, distinct, split_category_key
from .digest import HEAD_NS, QUARTER_NS, TAIL_NS, Digest, Reading

BINCOUNT_LIMIT = 1 << 22  # keys below this are counted into an array, not sorted


@dataclass
class Recorder:
    """Told by canonical() every value a rule placed and every value left
    empty, with its time: what a later report of any window needs."""

    tallies: dict = field(default_factory=dict)  # (noun, what) -> {quarter hour: count}
    empty: list = field(default_factory=list)  # [field, ns, position] per value left empty
    form_note: str | None = None  # what to say about how the file writes its times
    header_only: bool = False
    local_times: bool = False  # times without an offset, placed in the report's zone
    unit: str = "lines"

    def finished(self, cursor, rows: int, zone_given: bool) -> None:
        """Told by the scan once the segment is read."""
        self.form_note = cursor.form_note
        self.header_only = not rows and not cursor.rejected
        self.local_times = bool(cursor.form is not None and cursor.form.local and not zone_given)
        self.unit = cursor.unit

    def placed(self, ts, tallied) -> None:
        import numpy as np

        if not tallied:
            return
        values = int_values(ts)
        for noun, what, mask in tallied:
            if mask.any():
                slots, counts = np.unique(values[mask] // QUARTER_NS, return_counts=True)
                into = self.tallies.setdefault((noun, what), {})
                for q, n in zip(slots.tolist(), counts.tolist()):
                    into[q] = into.get(q, 0) + n

    def emptied(self, name: str, ns, positions: list[int]) -> None:
        self.empty += [[name, int(t), int(p)] for t, p in zip(ns.tolist(), positions)]


class DigestBuilder:
    """Calls per (quarter hour, category) of one segment, fed its canonical
    tables in order; with `peaks`, its call times too, for its rolling peaks
    (only `days` needs them: other reports spare holding the times)."""

    def __init__(self, peaks: bool = False) -> None:
        self.triples: dict[tuple[str, str, str], int] = {}
        self.parts: list[tuple] = []  # (quarter, code, calls) per batch
        self.times: list = []
        self.peaks = peaks
        self.first: int | None = None
        self.last: int | None = None

    def add(self, table) -> None:
        import numpy as np

        for batch in table.to_batches():
            if not batch.num_rows:
                continue
            ts = int_values(batch.column(batch.schema.get_field_index("ts")))
            key, texts = category_keys(batch, np.zeros(len(ts), dtype=np.int64))
            rows, present = distinct(key, int(np.prod([len(t) for t in texts], dtype=float)))
            lookup = np.array([self._code(split_category_key(k, texts)[1]) for k in present.tolist()], dtype=np.int64)
            width = len(self.triples)
            base = int(ts.min() // QUARTER_NS)
            pair = (ts // QUARTER_NS - base) * width + lookup[rows]
            keys, counts = _tally(pair)
            self.parts.append((keys // width + base, keys % width, counts))
            low, high = int(ts.min()), int(ts.max())
            self.first = low if self.first is None else min(self.first, low)
            self.last = high if self.last is None else max(self.last, high)
            if self.peaks:
                self.times.append(ts)

    def _code(self, triple: tuple[str, str, str]) -> int:
        return self.triples.setdefault(triple, len(self.triples))

    def digest(self, reading: Reading) -> Digest:
        import numpy as np

        slot, code, calls = _merged(self.parts)
        digest = Digest(list(self.triples), slot, code, calls, self.first, self.last, None, None, None, None,
                        reading)
        if self.peaks:
            ts = np.concatenate(self.times) if self.times else np.zeros(0, dtype=np.int64)
            self.times = []
            with_peaks(digest, ts)
        return digest


def with_peaks(digest: Digest, ts) -> None:
    """Give `digest` its rolling peaks per quarter hour and the exact times
    of its first 75 and last 60 minutes, from all its call times `ts`."""
    import numpy as np

    ts.sort(kind="stable")  # in place; logs are nearly always in time order already, which it is fast on
    if not len(ts):
        empty = np.zeros(0, dtype=np.int64)
        digest.quarters, digest.quarter_peaks, digest.head, digest.tail = empty, empty, empty, empty
        return
    first, last = int(ts[0]), int(ts[-1])
    digest.quarters, digest.quarter_peaks = quarter_peaks(ts)
    # Copies: a view would keep every call time of the segment alive with its digest.
    digest.head = ts[:np.searchsorted(ts, first + HEAD_NS, "left")].copy()
    digest.tail = ts[np.searchsorted(ts, last - TAIL_NS, "right"):].copy()


def quarter_peaks(ts):
    """(quarters, peaks): every UTC quarter hour in which sorted calls `ts`
    have a rolling 60-minute count above zero (a call's quarter and the four
    after it), and the highest count in each. Stretches an hour apart are
    counted apart, so calls years apart cost their quarters, not the years."""
    import numpy as np

    from .rolling import peaks_by_day

    reach = HOUR_NS // QUARTER_NS
    quarter = ts // QUARTER_NS
    called = quarter[np.concatenate(([True], quarter[1:] != quarter[:-1]))]  # ts are sorted
    active = np.unique((called[:, None] + np.arange(reach + 1)).ravel())
    quarters, peaks = [], []
    for a, b in quarter_runs(active):
        lo, hi = int(np.searchsorted(ts, a * QUARTER_NS - HOUR_NS, "right")), int(np.searchsorted(ts, b * QUARTER_NS))
        quarters.append(np.arange(a, b, dtype=np.int64))
        peaks.append(peaks_by_day(ts[lo:hi], np.arange(a, b + 1, dtype=np.int64) * QUARTER_NS))
    return np.concatenate(quarters), np.concatenate(peaks).astype(np.int64)


def quarter_runs(quarters) -> list[tuple[int, int]]:
    """Sorted quarter numbers as [first, last + 1) runs of consecutive ones."""
    import numpy as np

    if not len(quarters):
        return []
    breaks = np.flatnonzero(np.diff(quarters) > 1)
    starts = np.concatenate(([quarters[0]], quarters[breaks + 1]))
    ends = np.concatenate((quarters[breaks], [quarters[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def _tally(keys):
    """(distinct keys, how often each), by counting into an array when the
    keys span little (a batch's quarter hours times its categories), else by sorting."""
    import numpy as np

    if int(keys.max()) < BINCOUNT_LIMIT:
        tally = np.bincount(keys)
        found = np.flatnonzero(tally)
        return found, tally[found]
    return np.unique(keys, return_counts=True)


def _merged(parts: list[tuple]):
    """One (quarter, code) -> calls table, ascending by quarter, from per-batch ones."""
    import numpy as np

    if not parts:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))
    slot = np.concatenate([p[0] for p in parts])
    code = np.concatenate([p[1] for p in parts])
    calls = np.concatenate([p[2] for p in parts])
    width = int(code.max()) + 1
    key = (slot - slot.min()) * width + code
    distinct, where = np.unique(key, return_inverse=True)
    sums = np.bincount(where.ravel(), weights=calls, minlength=len(distinct)).astype(np.int64)
    return distinct // width + slot.min(), (distinct % width).astype(np.int32), sums
