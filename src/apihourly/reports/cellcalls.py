"""The first calls behind every cell of a day's summary, read in one pass
over the day: what the HTML report embeds, so that a click on a count shows
its calls with no apihourly at hand. Each cell's rows are exactly the first
rows `activity` gives for it: the same columns, order and limit verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import schema
from ..read.stats import ScanStats
from ..errors import LogsChanged
from ..timeaxis import HourSlot
from .drilldown import NOT_MARKED, plain_schema
from .hourly import DayGrid
from .limits import Analysis
from .model import Query

FIELDS = [f for f in schema.ALL_FIELDS if f != schema.TIMESTAMP]


@dataclass
class CellCalls:
    """The calls kept for a day: for every (hour, integration) cell its
    first `limit` calls, and for every hour its first `limit` calls of any
    integration, once each, by hour and then as activity orders them.

    `rows` holds them as plain Arrow columns (the canonical fields and
    `ts`); per row, `slot` is its hour's position in `slots`, `label` its
    integration's in `labels`, and `threads` whether it started while its
    integration and entity had more than max_threads calls in flight. A
    cell's activity has the Logged Threshold Exceeded column when any call
    of the cell records Autotask's verdict: `logged` lists those cells as
    (slot, label), with label None for the whole hour."""

    slots: tuple[HourSlot, ...]
    labels: list[str]
    limit: int
    rows: object = None
    slot: object = None
    label: object = None
    threads: object = None
    logged: set = field(default_factory=set)

    def __len__(self) -> int:
        return 0 if self.rows is None else self.rows.num_rows

    def verdicts(self) -> list[str]:
        """Autotask's verdict per row as activity writes it ('' when not marked)."""
        column = self.rows.column(schema.VERDICT)
        return ["" if v is None or v.strip().casefold() in NOT_MARKED else v.strip() for v in column.to_pylist()]


def first_calls(query: Query, grid: DayGrid, analysis: Analysis, limit: int) -> CellCalls:
    """The first `limit` calls of every summary cell of the day `grid`
    counts. `analysis` is the day's limit check, made with per_call: its
    calls (in time order, with the threads each met) choose the rows, and
    one more read of the same window fetches their other fields."""
    import numpy as np

    kept = CellCalls(grid.slots, grid.labels, limit)
    calls = analysis.calls
    if analysis.first == len(calls.ts):  # no call in the day itself
        return kept
    position = {label: i for i, label in enumerate(grid.labels)}
    label = np.array([position.get(name, -1) for name in calls.labels], dtype=np.int64)[calls.category()]
    slot = np.searchsorted(np.array([s.start_ns for s in grid.slots], dtype=np.int64), calls.ts, "right") - 1
    inside = slice(analysis.first, len(calls.ts))
    chosen = analysis.first + _chosen(slot[inside], label[inside], len(grid.labels), limit)
    in_read_order = chosen if calls.order is None else calls.order[chosen]
    read = _Read.of(query, analysis.read, in_read_order, _read_order(calls))
    kept.rows = read.rows
    kept.slot, kept.label = slot[chosen], label[chosen]
    kept.threads = analysis.threads.level_at_start[chosen] > analysis.settings.max_threads
    logged = read.logged if calls.order is None else read.logged[calls.order]
    kept.logged = _logged_cells(slot[inside], label[inside], logged[inside])
    return kept


def _read_order(calls):
    """The calls' times in the order they were read."""
    import numpy as np

    if calls.order is None:
        return calls.ts
    ts = np.empty_like(calls.ts)
    ts[calls.order] = calls.ts
    return ts


def _chosen(slot, label, labels: int, limit: int):
    """Positions (of calls in time order) among the first `limit` of their
    (hour, integration) cell or of their hour."""
    import numpy as np

    from ..arrays import stable_order

    n = len(slot)
    positions = np.arange(n)
    by_cell = stable_order(slot * labels + label)  # a cell's calls stay in time order
    cell_key = (slot * labels + label)[by_cell]
    starts = np.flatnonzero(np.r_[True, cell_key[1:] != cell_key[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[by_cell] = positions - np.repeat(starts, np.diff(np.r_[starts, n]))
    first_of_hour = np.searchsorted(slot, slot, "left")  # slots rise with time
    return np.flatnonzero((rank < limit) | (positions - first_of_hour < limit))


def _logged_cells(slot, label, logged) -> set:
    """(slot, label) and (slot, None) of the cells with a recorded verdict."""
    import numpy as np

    pairs = set(zip(slot[logged].tolist(), label[logged].tolist()))
    return pairs | {(s, None) for s in np.unique(slot[logged]).tolist()}


@dataclass
class _Read:
    """The calls at chosen positions of a window, read again with all their
    fields: positions count the calls in the order the limit check read
    them, which the same read of the same window gives again. Each batch
    keeps only its chosen calls, so a big day is never held whole."""

    rows: object  # the chosen calls, in the order asked for, as plain columns
    logged: object  # per call read, whether it records Autotask's verdict

    @classmethod
    def of(cls, query: Query, window: tuple[int, int], positions, ts) -> "_Read":
        """The calls at `positions` (their times as first read: `ts`)."""
        import numpy as np
        import pyarrow as pa

        from ..arrays import int_values

        where = np.argsort(positions, kind="stable")
        ascending = positions[where]
        picked, logged, seen = [], [], 0
        for table in query.logs.scan(FIELDS, window, ScanStats()):
            for batch in table.to_batches():
                a, b = np.searchsorted(ascending, [seen, seen + batch.num_rows])
                if b > a:
                    part = batch.take(pa.array(ascending[a:b] - seen))
                    picked.append(pa.Table.from_batches([part.cast(plain_schema(part))]))
                logged.append(batch.column(schema.VERDICT).is_valid().to_numpy(zero_copy_only=False))
                seen += batch.num_rows
        back = np.empty(len(positions), dtype=np.int64)
        back[where] = np.arange(len(positions))
        rows = pa.concat_tables(picked).take(pa.array(back)) if picked else None
        if seen != len(ts) or rows is None or not np.array_equal(int_values(rows.column("ts")), ts[positions]):
            raise LogsChanged("the logs changed while the report read them; run it again")
        return cls(rows, np.concatenate(logged))
