"""A digest of one segment of a log file (the whole file, or a run of a
Parquet file's row groups): everything summary, totals, days and the
labels of activity need, whatever the zone and the date, in a few
kilobytes. Kept in the cache between runs (read/cache.py); built in memory
on a run without it, so both take the same road to the same numbers.

- calls per UTC quarter hour and category: every zone's hours and dates
  start on a quarter hour (UTC offsets are whole quarter hours), so any
  local hour, date or range is a sum of them;
- the highest rolling 60-minute count the segment's own calls reach in each
  UTC quarter hour (every zone's dates start on a quarter hour), which is the
  tenant's wherever no other segment has calls within the hour; and the
  exact times of its first and last 75 minutes, where another segment may;
- what reading it found, per quarter hour where a report's window decides it
  (values read by a rule, values left empty), so that notes and warnings
  on a cached run are word for word those of a cold one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.stats import SHOWN_POSITIONS, ScanStats
from ..timeaxis import HOUR_NS, MINUTE_NS

QUARTER_NS = 15 * MINUTE_NS
HEAD_NS = HOUR_NS + QUARTER_NS  # exact times kept after a segment's first call ...
# ... and before its last: where a neighbour's calls share a rolling hour. A
# quarter hour's peak counts the calls of the hour before the quarter starts,
# which reach 75 minutes before its end: kept, they need no second read.
TAIL_NS = HOUR_NS + QUARTER_NS


@dataclass
class Digest:
    """One segment's calls and what reading it found (see the module docstring)."""

    triples: list[tuple[str, str, str]]  # category code -> (vendor, integration, tracking id)
    slot: object  # int64 UTC quarter hour (ns // QUARTER_NS), ascending, per (quarter, code) with calls
    code: object  # int: position in `triples`
    calls: object  # int64 calls of that quarter hour and category
    first_ns: int | None
    last_ns: int | None
    # What rolling peaks need (None until a report asks for them; count/build.with_peaks):
    quarters: object  # int64 UTC quarter hours (ns // QUARTER_NS) where its rolling count is above zero ...
    quarter_peaks: object  # ... and its own highest rolling count in each
    head: object  # int64 sorted times < first_ns + HEAD_NS
    tail: object  # int64 sorted times > last_ns - TAIL_NS
    reading: "Reading" = None

    @property
    def has_peaks(self) -> bool:
        return self.quarters is not None

    def in_window(self, window: tuple[int, int] | None):
        """Positions of the (quarter, code) rows inside `window` (whole quarter hours)."""
        import numpy as np

        if window is None:
            return slice(0, len(self.slot))
        lo, hi = np.searchsorted(self.slot, [window[0] // QUARTER_NS, -(-window[1] // QUARTER_NS)])
        return slice(int(lo), int(hi))

    def calls_in(self, window: tuple[int, int] | None) -> int:
        return int(self.calls[self.in_window(window)].sum())

    def exact_times(self, lo: int, hi: int):
        """The segment's call times in [lo, hi), or None when they are not all kept."""
        import numpy as np

        rows = self.in_window((lo - lo % QUARTER_NS, hi + (-hi) % QUARTER_NS))
        if self.first_ns is None or hi <= self.first_ns or lo > self.last_ns or rows.start == rows.stop:
            return np.zeros(0, dtype=np.int64)
        head_end, tail_start = self.first_ns + HEAD_NS, self.last_ns - TAIL_NS
        if hi <= head_end:
            kept = self.head
        elif lo > tail_start:
            kept = self.tail
        elif head_end > tail_start:  # head and tail meet: every call is kept
            kept = np.concatenate([self.head, self.tail[self.tail >= head_end]])
        else:
            return None
        return kept[np.searchsorted(kept, lo, "left"):np.searchsorted(kept, hi, "left")]


@dataclass
class Reading:
    """What reading a segment found, kept so a report of any window can say
    what a cold read of that window would have said."""

    skipped: dict = field(default_factory=dict)  # reason -> [count, first positions, unit]
    emptied: list = field(default_factory=list)  # [field, UTC ns, position] per value left empty
    tallies: dict = field(default_factory=dict)  # (noun, what) -> {UTC quarter hour: count}
    counted_notes: list[str] = field(default_factory=list)  # said when the window has calls
    read_notes: list[str] = field(default_factory=list)  # said whenever the segment is read
    header_only: bool = False
    local_times: bool = False  # times written without an offset, read in the report's zone
    unit: str = "lines"

    def replay(self, stats: ScanStats, path, window: tuple[int, int] | None, counted: int) -> None:
        """Tell `stats` what a read of this segment for `window` finds."""
        for reason, (count, where, unit) in self.skipped.items():
            stats.skip(path, reason, list(where), count, unit)
        for text in self.read_notes:
            stats.note(path, text)
        if counted:
            for text in self.counted_notes:
                stats.note(path, text)
        self._replay_emptied(stats, path, window)
        lo, hi = (window[0] // QUARTER_NS, window[1] // QUARTER_NS) if window else (None, None)
        for (noun, what), slots in self.tallies.items():
            count = sum(n for q, n in slots.items() if lo is None or lo <= q < hi)
            stats.tally(path, noun, what, count)
        if self.header_only and window is None:
            stats.note(path, "no calls in this file (header only)")

    def _replay_emptied(self, stats: ScanStats, path, window) -> None:
        chosen: dict[str, list[int]] = {}
        for name, ns, position in self.emptied:
            if window is None or window[0] <= ns < window[1]:
                chosen.setdefault(name, []).append(position)
        for name, positions in chosen.items():
            stats.empty(path, name, sorted(positions)[:SHOWN_POSITIONS], len(positions), self.unit)

    def to_json(self) -> dict:
        return {"skipped": self.skipped, "emptied": self.emptied,
                "tallies": [[noun, what, [[q, n] for q, n in slots.items()]]
                            for (noun, what), slots in self.tallies.items()],
                "counted_notes": self.counted_notes, "read_notes": self.read_notes,
                "header_only": self.header_only, "local_times": self.local_times, "unit": self.unit}

    @classmethod
    def from_json(cls, data: dict) -> "Reading":
        tallies = {(noun, what): {int(q): int(n) for q, n in slots} for noun, what, slots in data["tallies"]}
        skipped = {reason: (int(c), [int(p) for p in where], unit) for reason, (c, where, unit) in data["skipped"].items()}
        return cls(skipped, [tuple(row) for row in data["emptied"]], tallies, data["counted_notes"],
                   data["read_notes"], data["header_only"], data["local_times"], data["unit"])


# The cache's form of a digest -------------------------------------------------

def to_entry(digest: Digest) -> tuple[dict, dict]:
    """(JSON header, arrays): ascending numbers as differences from a base
    in the header, in their coarsest unit and the smallest integer type that
    holds them, so a day's call times take a byte or two each."""
    header = {"triples": digest.triples, "first_ns": digest.first_ns, "last_ns": digest.last_ns,
              "reading": digest.reading.to_json(), "ascending": {}, "peaks": digest.has_peaks}
    arrays = {"code": _narrow(digest.code), "calls": _narrow(digest.calls)}
    if digest.has_peaks:
        arrays["quarter_peaks"] = _narrow(digest.quarter_peaks)
    for name in ASCENDING if digest.has_peaks else ASCENDING[:1]:
        values = getattr(digest, name)
        unit = _unit(values)
        base = int(values[0]) if len(values) else 0
        header["ascending"][name] = [base, unit]
        arrays[name] = _narrow(_differences(values, base, unit))
    return header, arrays


ASCENDING = ("slot", "quarters", "head", "tail")


def _differences(values, base: int, unit: int):
    import numpy as np

    return np.diff(values // unit, prepend=np.int64(base // unit))


def _unit(times) -> int:
    """The coarsest of s, ms, us and ns that every time is a whole number of:
    times logged to the millisecond differ by hundreds, not hundreds of millions."""
    for unit in (1_000_000_000, 1_000_000, 1_000):
        if not (times % unit).any():
            return unit
    return 1


def _narrow(values):
    """The array in the smallest of int8..int64 that holds its values."""
    import numpy as np

    if not len(values):
        return values.astype(np.int8)
    lo, hi = int(values.min()), int(values.max())
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return values.astype(dtype)
    return values.astype(np.int64)


def from_entry(header: dict, arrays: dict) -> Digest:
    import numpy as np

    def ascending(name):
        if name not in arrays:
            return None
        base, unit = header["ascending"][name]
        return (np.cumsum(arrays[name], dtype=np.int64) + base // unit) * unit

    peaks = arrays["quarter_peaks"].astype(np.int64) if "quarter_peaks" in arrays else None
    return Digest([tuple(t) for t in header["triples"]], ascending("slot"), arrays["code"].astype(np.int64),
                  arrays["calls"].astype(np.int64), header["first_ns"], header["last_ns"], ascending("quarters"),
                  peaks, ascending("head"), ascending("tail"), Reading.from_json(header["reading"]))
