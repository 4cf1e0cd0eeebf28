"""The first calls behind every cell of a day's summary: what the HTML report
embeds, so that a click on a count shows its calls with no apihourly at
hand. Each cell's rows are exactly the first rows `activity` gives for it:
the same columns, order and limit verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import schema
from ..timeaxis import HourSlot
from .drilldown import plain_schema, verdicts
from .hourly import DayGrid
from .limits import Analysis

# What a call shows beyond what the limit check reads as codes; the limit
# check keeps them as read (analyse(keep=...)), so no second read is needed.
SHOWN = ("method", "entity", "return_count", "api_user", "execution_ms", "client_ip", schema.VERDICT)


@dataclass
class CellCalls:
    """The calls kept for a day: for every (hour, integration) cell its
    first `limit` calls, and for every hour its first `limit` calls of any
    integration, once each, by hour and then as activity orders them.

    `rows` holds their SHOWN fields as plain Arrow columns; per row, `ts`
    is its start (UTC ns), `slot` its hour's position in `slots`, `label`
    its integration's in `labels`, and `threads` whether it started while
    its integration and entity had more than max_threads calls in flight. A
    cell's activity has the Logged Threshold Exceeded column when any call
    of the cell records Autotask's verdict: `logged` lists those cells as
    (slot, label), with label None for the whole hour."""

    slots: tuple[HourSlot, ...]
    labels: list[str]
    limit: int
    rows: object = None
    ts: object = None
    slot: object = None
    label: object = None
    threads: object = None
    logged: set = field(default_factory=set)

    def __len__(self) -> int:
        return 0 if self.rows is None else self.rows.num_rows

    def verdicts(self) -> list[str]:
        """Autotask's verdict per row as activity writes it ('' when not marked)."""
        return verdicts(self.rows.column(schema.VERDICT))


def first_calls(grid: DayGrid, analysis: Analysis, limit: int) -> CellCalls:
    """The first `limit` calls of every summary cell of the day `grid`
    counts. `analysis` is the day's limit check, made with per_call and
    keeping SHOWN: its calls (in time order, with the threads each met)
    choose the rows, and what it kept of them gives their fields."""
    import numpy as np

    kept = CellCalls(grid.slots, grid.labels, limit)
    calls = analysis.calls
    if analysis.first == len(calls.ts):  # no call in the day itself
        return kept
    position = {label: i for i, label in enumerate(grid.labels)}
    label = np.array([position.get(name, -1) for name in calls.labels], dtype=np.int64)[calls.category()]
    slot = np.searchsorted(np.array([s.start_ns for s in grid.slots], dtype=np.int64), calls.ts, "right") - 1
    inside = slice(analysis.first, len(calls.ts))
    chosen = analysis.first + _chosen(slot[inside], label[inside], len(grid.labels), limit, len(grid.slots))
    in_read_order = chosen if calls.order is None else calls.order[chosen]
    kept.rows = _taken(calls.kept, in_read_order)
    kept.ts, kept.slot, kept.label = calls.ts[chosen], slot[chosen], label[chosen]
    kept.threads = analysis.threads.level_at_start[chosen] > analysis.settings.max_threads
    logged = _logged(calls.kept)
    logged = logged if calls.order is None else logged[calls.order]
    kept.logged = _logged_cells(slot[inside], label[inside], logged[inside])
    return kept


def _chosen(slot, label, labels: int, limit: int, slots: int):
    """Positions (of calls in time order) among the first `limit` of their
    (hour, integration) cell or of their hour."""
    import numpy as np

    from ..arrays import stable_order

    n = len(slot)
    positions = np.arange(n)
    cell = slot * labels + label
    by_cell = stable_order(cell)  # a cell's calls stay in time order
    ordered = cell[by_cell]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[by_cell] = positions - np.repeat(starts, np.diff(np.r_[starts, n]))
    first_of_hour = np.searchsorted(slot, np.arange(slots))[slot]  # slots rise with time
    return np.flatnonzero((rank < limit) | (positions - first_of_hour < limit))


def _taken(tables: list, positions):
    """The rows at `positions` (of the tables laid end to end), in that
    order, as plain columns."""
    import numpy as np
    import pyarrow as pa

    where = np.argsort(positions, kind="stable")
    ascending = positions[where]
    picked, seen = [], 0
    for table in tables:
        a, b = np.searchsorted(ascending, [seen, seen + table.num_rows])
        if b > a:
            part = table.take(pa.array(ascending[a:b] - seen))
            picked.append(part.cast(plain_schema(part)))
        seen += table.num_rows
    back = np.empty(len(positions), dtype=np.int64)
    back[where] = np.arange(len(positions))
    return pa.concat_tables(picked).take(pa.array(back))


def _logged(tables: list):
    """Per call as read, whether it records Autotask's verdict."""
    import numpy as np

    return np.concatenate([t.column(schema.VERDICT).is_valid().to_numpy(zero_copy_only=False) for t in tables])


def _logged_cells(slot, label, logged) -> set:
    """(slot, label) and (slot, None) of the cells with a recorded verdict."""
    import numpy as np

    pairs = set(zip(slot[logged].tolist(), label[logged].tolist()))
    return pairs | {(s, None) for s in np.unique(slot[logged]).tolist()}
