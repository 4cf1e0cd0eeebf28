"""Calls as numpy arrays for the limit computations: start times (UTC ns,
sorted), one int32 code per (integration, entity) pair, and durations in
ms. Text columns become codes through each batch's dictionary, so a big day
costs no per-row Python work."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .load import LogSet, ScanStats

FIELDS = (*schema.CATEGORY_FIELDS, "entity", "execution_ms")
PACK_LIMIT = 2**62  # text codes are packed into one int64 key below this many combinations
DENSE_LIMIT = 1 << 22  # ... and looked up in a table below this many


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

    def category(self, part: slice = slice(None)):
        """Label positions of the calls in `part`."""
        return self.group_category[self.group[part]]

    def names(self, group: int) -> tuple[str, str]:
        return self.labels[self.group_category[group]], self.entities[self.group_entity[group]]

    def names_of(self, groups) -> tuple[list[str], list[str]]:
        """names() for many groups at once (a big day has ~100,000 thread intervals)."""
        import numpy as np

        groups = np.asarray(groups, dtype=np.int64)
        labels, entities = np.array(self.labels + [""], dtype=object), np.array(self.entities + [""], dtype=object)
        return (labels[self.group_category[groups]].tolist(),
                entities[np.asarray(self.group_entity + [0], dtype=np.int64)[groups]].tolist())


def load_calls(logs: LogSet, window: tuple[int, int] | None) -> Calls:
    """Every call in `window` as arrays; text columns become small codes
    through each batch's dictionary, so no per-row Python work is done."""
    import numpy as np

    from .aggregate import read_ahead

    stats, registries, cols = ScanStats(), _Registries(), _Columns()
    # Reading and decoding on a second thread while this one codes the batches.
    for table in read_ahead(logs.scan(FIELDS, window, stats)):
        cols.append(_batch_arrays(table, registries))
    cols = cols.arrays()
    if np.any(cols["ts"][1:] < cols["ts"][:-1]):  # logs are usually in order already
        order = np.argsort(cols["ts"], kind="stable")
        cols = {k: v[order] for k, v in cols.items()}
    position, labels = registries.label_positions()
    pairs = list(registries.pairs)
    group_category = np.array([position[c] for c, _ in pairs] or [0], dtype=np.int64)
    return Calls(cols["ts"], cols["group"], group_category, [e for _, e in pairs], labels,
                 list(registries.text["entity"]), cols["duration_ms"], stats)


class _Columns:
    """Arrays that grow fourfold as batches arrive. Copying each batch in
    lets Arrow and malloc reuse the batch's memory; keeping every batch and
    concatenating them touched twice the memory, which on a big day cost
    more system time than the whole computation. Capacity never written to
    is never touched, so growing generously is cheap."""

    NAMES = {"ts": "int64", "group": "int32", "duration_ms": "int32"}

    def __init__(self) -> None:
        import numpy as np

        self.size = 0
        self.data = {k: np.empty(0, dtype) for k, dtype in self.NAMES.items()}

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


class _Registries:
    """Codes handed out so far: per text field, per integration category and
    per (category, entity) pair."""

    def __init__(self) -> None:
        self.text: dict[str, dict[str, int]] = {f: {} for f in (*schema.CATEGORY_FIELDS, "entity")}
        self.categories: dict[schema.Category, int] = {}
        self.pairs: dict[tuple[int, int], int] = {}

    def group_codes(self, codes: dict):
        """Per row, the code of its (category, entity) pair. The four text
        codes are packed into one key, so the category rule runs once per
        distinct combination, not per row."""
        import numpy as np

        fields = (*schema.CATEGORY_FIELDS, "entity")
        sizes = [max(len(self.text[f]), 1) for f in fields]
        combinations = int(np.prod(sizes, dtype=float))
        if combinations >= PACK_LIMIT:  # absurdly many distinct names: go slow but right
            keys = np.unique(np.column_stack([codes[f] for f in fields]), axis=0, return_inverse=True)
            uniques, row_codes = keys[0].tolist(), keys[1].ravel()
        else:
            key = codes[fields[0]].astype(np.int32 if combinations < 2**31 else np.int64)
            for f, size in zip(fields[1:], sizes[1:]):
                key *= size
                key += codes[f]
            row_codes, packed = _distinct(key, combinations)
            uniques = [_unpack(k, sizes) for k in packed.tolist()]
        names = [list(self.text[f]) for f in fields]
        lookup = [self._pair([n[i] for n, i in zip(names, combo)], combo[-1]) for combo in uniques]
        return np.array(lookup or [0], dtype=np.int32)[row_codes]

    def _pair(self, texts: list[str], entity: int) -> int:
        category = schema.category_of(*texts[:3])
        code = self.categories.setdefault(category, len(self.categories))
        return self.pairs.setdefault((code, entity), len(self.pairs))

    def label_positions(self):
        """Per category code, its label's position in summary column order."""
        label_of = schema.column_labels(set(self.categories))
        labels = sorted(label_of.values(), key=lambda lab: next(c for c in label_of if label_of[c] == lab).sort_key)
        at = {lab: i for i, lab in enumerate(labels)}
        return [at[label_of[c]] for c in self.categories], labels


def _distinct(key, combinations: int):
    """(code per row, distinct keys), like pandas.factorize but, when the
    keys are few (the usual case: tens of integrations and entities),
    by counting, which allocates less and runs several times faster."""
    import numpy as np
    import pandas as pd

    if combinations > DENSE_LIMIT:
        return pd.factorize(key)
    present = np.flatnonzero(np.bincount(key, minlength=combinations))
    table = np.zeros(combinations, dtype=np.int32)
    table[present] = np.arange(len(present), dtype=np.int32)
    return table[key], present


def _unpack(key: int, sizes: list[int]) -> list[int]:
    out = []
    for size in reversed(sizes):
        key, rest = divmod(key, size)
        out.append(rest)
    return out[::-1]


def _batch_arrays(table, registries: _Registries) -> dict:
    import numpy as np
    import pyarrow.compute as pc

    codes = {name: _codes(table.column(name), registry) for name, registry in registries.text.items()}
    ms = pc.fill_null(table.column("execution_ms"), -1).to_numpy()
    duration = np.empty(len(ms), dtype=np.int32)
    np.clip(ms, -1, 2**31 - 1, out=duration, casting="unsafe")
    return {"ts": table.column("ts").to_numpy(), "group": registries.group_codes(codes), "duration_ms": duration}


def _codes(column, registry: dict[str, int]):
    """Codes of cleaned text values in `registry` (which grows as needed)."""
    import numpy as np

    from .aggregate import text_codes

    codes, values = text_codes(column)
    lookup = np.array([registry.setdefault(v, len(registry)) for v in values], dtype=np.int32)
    return lookup[codes]
