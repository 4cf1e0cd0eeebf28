"""Calls as numpy arrays for the limit computations: start times (UTC ns,
sorted), one int32 code per (integration, entity) pair, and durations in
ms. Text columns become codes through each batch's dictionary (codes.py),
so a big day costs no per-row Python work."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field

from .. import schema
from ..read.scan import LogSet, read_ahead
from ..read.stats import ScanStats
from .codes import CodeBook

FIELDS = (*schema.CATEGORY_FIELDS, "entity", "execution_ms")


@dataclass
class Calls:
    """Calls sorted by start. Each call's `group` is its (integration,
    entity) pair, whose names are `labels[group_category[g]]` and
    `entities[group_entity[g]]`; `duration_ms` is -1 where the log gives none.
    Small dtypes, because a big day holds tens of millions of calls."""

    ts: object
    group: object
    group_category: object
    group_entity: list[int]
    labels: list[str]
    entities: list[str]
    duration_ms: object
    stats: ScanStats = field(default_factory=ScanStats)
    order: object = None  # per call, its position in the order the logs gave them (None: the same)
    kept: list = field(default_factory=list)  # Arrow tables of the columns asked to keep, in that order

    def category(self, part: slice = slice(None)):
        """Label positions of the calls in `part`."""
        return self.group_category[self.group[part]]

    def names(self, group: int) -> tuple[str, str]:
        return self.labels[self.group_category[group]], self.entities[self.group_entity[group]]

    def names_of(self, groups) -> tuple[list[str], list[str]]:
        """names() for many groups at once (a big day has ~100,000 thread intervals)."""
        return self.namer()(groups)

    def namer(self):
        """names_of as a function that holds only the names, not the calls:
        for a table whose rows are made later, after the calls are gone."""
        import numpy as np

        labels, entities = np.array(self.labels + [""], dtype=object), np.array(self.entities + [""], dtype=object)
        category, entity = self.group_category, np.asarray(self.group_entity + [0], dtype=np.int64)

        def names(groups) -> tuple[list[str], list[str]]:
            groups = np.asarray(groups, dtype=np.int64)
            return labels[category[groups]].tolist(), entities[entity[groups]].tolist()

        return names


def load_calls(logs: LogSet, window: tuple[int, int] | None, keep: tuple[str, ...] = ()) -> Calls:
    """Every call in `window` as arrays; text columns become small codes
    through each batch's dictionary, so no per-row Python work is done.
    The canonical fields in `keep` are kept too, as the logs gave them
    (Calls.kept): a report that shows some calls whole needs no second read."""
    import numpy as np

    stats, book, cols, kept = ScanStats(), CodeBook(), Columns(), []
    # Reading and decoding on a second thread while this one codes the batches;
    # closing() joins that thread here, however the loop ends.
    with closing(read_ahead(logs.scan(list(dict.fromkeys([*FIELDS, *keep])), window, stats))) as tables:
        for table in tables:
            cols.append(batch_arrays(table, book))
            kept += [table.select(list(keep))] if keep else []
    cols = cols.arrays()
    order = None
    if np.any(cols["ts"][1:] < cols["ts"][:-1]):  # logs are usually in order already
        order = np.argsort(cols["ts"], kind="stable")
        cols = {k: v[order] for k, v in cols.items()}
    position, labels = book.label_positions()
    pairs = list(book.pairs)
    group_category = np.array([position[c] for c, _ in pairs] or [0], dtype=np.int64)
    return Calls(cols["ts"], cols["group"], group_category, [e for _, e in pairs], labels,
                 list(book.text["entity"]), cols["duration_ms"], stats, order, kept)


class Columns:
    """Arrays that grow fourfold as batches arrive. Copying each batch in
    lets Arrow and malloc reuse the batch's memory; keeping every batch and
    concatenating them touched twice the memory, which on a big day cost
    more system time than the whole computation. Capacity never written to
    is never touched, so growing generously is cheap."""

    NAMES = {"ts": "int64", "group": "int32", "duration_ms": "int32"}

    def __init__(self, names: dict[str, str] | None = None) -> None:
        import numpy as np

        self.size = 0
        self.data = {k: np.empty(0, dtype) for k, dtype in (names or self.NAMES).items()}

    def append(self, batch: dict) -> None:
        import numpy as np

        n = len(batch["ts"])
        if self.size + n > len(self.data["ts"]):
            capacity = max(4 * len(self.data["ts"]), self.size + n, 1 << 20)
            for k, old in self.data.items():
                self.data[k] = np.empty(capacity, old.dtype)
                self.data[k][:self.size] = old[:self.size]
        for k, column in self.data.items():
            column[self.size:self.size + n] = batch[k]
        self.size += n

    def arrays(self) -> dict:
        return {k: v[:self.size] for k, v in self.data.items()}


def batch_arrays(table, book: CodeBook) -> dict:
    import numpy as np

    from ..arrays import int_values

    ms = int_values(table.column("execution_ms"), null_as=-1)
    duration = np.empty(len(ms), dtype=np.int32)
    np.clip(ms, -1, 2**31 - 1, out=duration, casting="unsafe")
    return {"ts": int_values(table.column("ts")), "group": book.pair_codes(table), "duration_ms": duration}
