"""Every tenant's calls of a period as arrays, and each tenant's limit
figures computed from its own calls alone. Pure numpy after the read.

Autotask counts each tenant apart, so the calls are ordered by tenant and
each tenant's figures come from its stretch of the arrays: memory grows with
the calls and the tenants, never with tenants x seconds of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import schema
from ..read.scan import LogSet
from ..read.stats import ScanStats
from . import rolling
from .threads import thread_usage


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


def load_fleet(logs: LogSet, window: tuple[int, int] | None, workers: int | None = None) -> Fleet:
    """Every call with a tenant in `window` (the hour before the period
    included: its calls are in the rolling windows that end in it), read by
    `workers` processes (default: one per CPU for a folder of many files)."""
    import numpy as np

    from .fleetread import merged, read_parts

    part = merged(read_parts(logs, window, workers))
    present = np.flatnonzero(np.bincount(part.tenant, minlength=len(part.tenants)))  # not '', the missing name
    tenant = np.searchsorted(present, part.tenant).astype(np.int32)
    order = _by_tenant(tenant, part.ts)
    arrays = [a if order is None else a[order] for a in (tenant, part.ts, part.group, part.duration_ms)]
    bounds = np.searchsorted(arrays[0], np.arange(len(present) + 1))
    categories = list(dict.fromkeys(category for category, _ in part.pairs))
    at = {category: i for i, category in enumerate(categories)}
    pair_category = np.array([at[category] for category, _ in part.pairs] or [0], dtype=np.int64)
    return Fleet([part.tenants[c] for c in present.tolist()], bounds, *arrays[1:], pair_category, categories,
                 part.stats)


def _by_tenant(tenant, ts):
    """The order of the calls by tenant, then by time (None: as they are).
    A stable radix sort by tenant keeps each tenant's calls in the order
    read, which is time order when its files are (a folder of dated files,
    each in order); a full sort only when it is not."""
    import numpy as np

    from ..arrays import stable_order

    order = None
    if len(tenant) and np.any(tenant[1:] < tenant[:-1]):
        order = stable_order(tenant)
        tenant, ts = tenant[order], ts[order]
    if np.any((tenant[1:] == tenant[:-1]) & (ts[1:] < ts[:-1])):
        return np.lexsort((ts, tenant)) if order is None else order[np.lexsort((ts, tenant))]
    return order


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
    tier = rolling.tier_of(peak, db_threshold)
    return f"{rolling.TIERS[tier - 1][0]}%" if tier else ""

