"""Every tenant's calls of a period as arrays, and each tenant's limit
figures computed from its own calls alone. Pure numpy after the read.

Autotask counts each tenant apart, so the calls are ordered by tenant and
each tenant's figures come from its stretch of the arrays: memory grows with
the calls and the tenants, never with tenants x seconds of the period.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field

from .. import schema
from ..read.scan import LogSet, read_ahead
from ..read.stats import ScanStats
from . import rolling
from .calls import Columns, batch_arrays
from .codes import CodeBook
from .threads import thread_usage

FIELDS = (schema.TENANT, *schema.CATEGORY_FIELDS, "entity", "execution_ms")


@dataclass
class Fleet:
    """Calls of every tenant, ordered by tenant, then by time. Tenant `t`'s
    calls are positions `bounds[t]` to `bounds[t + 1]`; `group` is a call's
    (category, entity) pair, whose category is `pair_category[group]`."""

    names: list[str]
    bounds: object
    ts: object
    group: object
    duration_ms: object
    pair_category: object
    categories: list[schema.Category]
    stats: ScanStats = field(default_factory=ScanStats)

    def tenant(self, t: int) -> slice:
        return slice(int(self.bounds[t]), int(self.bounds[t + 1]))


def load_fleet(logs: LogSet, window: tuple[int, int] | None) -> Fleet:
    """Every call with a tenant in `window` (the hour before the period
    included: its calls are in the rolling windows that end in it)."""
    import numpy as np

    stats, book, tenants, cols = ScanStats(), CodeBook(), {}, Columns({**Columns.NAMES, "tenant": "int32"})
    with closing(read_ahead(logs.scan(list(FIELDS), window, stats))) as tables:
        for table in _coalesced(tables):
            arrays = batch_arrays(table, book)
            arrays["tenant"] = CodeBook.codes(table.column(schema.TENANT), tenants)
            cols.append(arrays)
    cols = _by_tenant(cols.arrays())
    bounds = np.searchsorted(cols["tenant"], np.arange(len(tenants) + 1))
    categories = list(book.categories)
    pair_category = np.array([c for c, _ in book.pairs] or [0], dtype=np.int64)
    return Fleet(list(tenants), bounds, cols["ts"], cols["group"], cols["duration_ms"], pair_category,
                 categories, stats)


def _coalesced(tables, rows: int = 1 << 16):
    """The tables joined into ones of about `rows` rows: a fleet is often
    thousands of small files (a tenant's day each), and coding text costs
    the same per table whatever its size. Tables join only with others of
    the same schema (files of one format and layout)."""
    pending, held = [], 0
    for table in tables:
        if pending and (held >= rows or table.schema != pending[0].schema):
            yield _joined(pending)
            pending, held = [], 0
        pending.append(table)
        held += table.num_rows
    if pending:
        yield _joined(pending)


def _joined(tables):
    import pyarrow as pa

    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(tables).unify_dictionaries().combine_chunks()


def _by_tenant(cols: dict) -> dict:
    """The calls by tenant, then by time. A stable radix sort by tenant
    keeps each tenant's calls in the order read, which is time order when
    its files are (a folder of dated files, each in order); a full sort only
    when it is not."""
    import numpy as np

    from ..arrays import stable_order

    tenant = cols["tenant"]
    if len(tenant) and np.any(tenant[1:] < tenant[:-1]):
        order = stable_order(tenant)
        cols = {k: v[order] for k, v in cols.items()}
    tenant, ts = cols["tenant"], cols["ts"]
    if np.any((tenant[1:] == tenant[:-1]) & (ts[1:] < ts[:-1])):
        order = np.lexsort((ts, tenant))
        cols = {k: v[order] for k, v in cols.items()}
    return cols


@dataclass
class Usage:
    """One tenant's limit figures over [lo, hi)."""

    peak: int
    peak_ns: int | None  # the instant the peak was first reached (a call, or lo itself)
    window: slice  # the calls of the peak window, positions in the tenant's calls
    stretches: object  # int64 rows (group, start, end, peak) of thread-limit stretches meeting [lo, hi)


def tenant_usage(ts, group, duration_ms, lo: int, hi: int, db_threshold: int, max_threads: int) -> Usage:
    """The tenant's peak rolling 60-minute count in [lo, hi) (at its calls,
    and at lo, where the hour before still counts), and its thread stretches."""
    usage = rolling.rolling_usage(ts, lo, hi, db_threshold, minutes=False)
    peak, peak_ns = usage.peak, usage.peak_ns
    at_start = int(rolling.rolling_counts(ts, [lo])[0]) if len(ts) else 0
    if at_start > peak:
        peak, peak_ns = at_start, lo
    threads = thread_usage(group, ts, duration_ms, max_threads, since=lo, maxima=False)
    rows = threads.intervals
    rows = rows[(rows[:, 2] > lo) & (rows[:, 1] < hi)] if len(rows) else rows
    window = rolling.window_slice(ts, peak_ns) if peak_ns is not None else slice(0, 0)
    return Usage(peak, peak_ns, window, rows)


def highest_tier(peak: int, db_threshold: int) -> str:
    """The highest of Autotask's latency tiers the peak reached ('' for none)."""
    reached = [share for (share, _), floor in zip(rolling.TIERS, rolling.tier_floors(db_threshold)) if peak >= floor]
    return f"{reached[-1]}%" if reached else ""

