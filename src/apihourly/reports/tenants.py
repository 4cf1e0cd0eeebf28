"""The fleet view: one row per tenant of the logs, who is near Autotask's
limits and which integration put them there.

Each tenant's figures are those `days` and `limits` give run with
--tenant on the same logs: calls, integrations and hours over the hourly
limit as the summary counts them, the peak rolling 60-minute count as
`days` has it, thread stretches as `limits` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import schema
from ..count.hourly import HourStarts
from ..count.fleetread import in_workers, tenant_runs
from ..count.tenants import Fleet, highest_tier, load_fleet, tenant_usage
from ..errors import ApihourlyError, BadOption
from ..timeaxis import EARLIEST_NS, HOUR_NS, LATEST_NS, iso, local_iso, range_window
from ..words import plural
from .limits import window_shares
from .model import Query, Report
from .table import COUNT, HOUR, INSTANT, SHARE, TEXT, Column, Table

COLUMNS = (
    Column("Tenant", TEXT), Column("Calls", COUNT), Column("Integrations", COUNT),
    Column("Busiest integration hour", HOUR), Column("Busiest integration", TEXT),
    Column("Busiest integration calls", COUNT, rule="hourly"),
    Column("Hours over limit", COUNT, rule="breach"),
    Column("Peak rolling hour", COUNT, rule="rolling"), Column("Peak at", INSTANT),
    Column("Highest tier", TEXT), Column("Thread stretches", COUNT, rule="breach"),
    Column("Top integration in peak", TEXT), Column("Top integration share", SHARE),
)


@dataclass(frozen=True)
class FleetSettings:
    """The limits each tenant is checked against, and the integration a
    vendor asks about (None: every integration)."""

    db_threshold: int = schema.DEFAULT_DB_THRESHOLD
    max_threads: int = schema.DEFAULT_MAX_THREADS
    vendor: str | None = None


def tenants_report(query: Query, since: date | None, until: date | None,
                   settings: FleetSettings = FleetSettings()) -> Report:
    """One row per tenant with calls from `since` to `until` (every date
    when neither is given), highest peak rolling hour first. Logs in
    tenant= folders are read, and their tenants' rows made, in one worker
    process per CPU, or in tasks on the logs' cluster, each for whole
    tenants."""
    window = range_window(since, until, query.tz)
    left_out = query.logs.choose_every_tenant()
    runs = tenant_runs(query.logs.files, cluster=query.logs.cluster)
    if runs:
        found = in_workers(_rows_of_files, runs, query.logs.rules, query.tz, query.threshold, window, settings,
                           cluster=query.logs.cluster)
    else:
        found = [_rows_of(query, window, settings)]
    query.logs.remember()
    rows, active, stats = _joined(found, query.logs)
    if not active:
        raise ApihourlyError(_nothing_found(query, left_out))
    if not rows:
        raise BadOption(f"no tenant has calls of {settings.vendor!r} in the period", "--vendor")
    rows.sort(key=lambda row: (-row[7], row[0]))
    report = Report("tenants", Table.from_rows(COLUMNS, rows), query.tz, query.threshold, stats)
    report.title = "Tenants" + (f": {settings.vendor}'s share" if settings.vendor else "")
    report.covers = {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None,
                     **({"vendor": settings.vendor} if settings.vendor else {})}
    report.meta = {"db_threshold": settings.db_threshold, "max_threads": settings.max_threads, "tenants": len(rows)}
    report.notes += _left_out_notes(left_out, active - len(rows), settings.vendor)
    report.breaches = [_breach(row, settings) for row in rows if _breached(row, settings)]
    return report


def _rows_of_files(paths: list, rules, tz, threshold: int, window, settings: FleetSettings):
    """A worker's run of files (whole tenants): their rows."""
    from ..read.scan import LogSet
    from ..read.tenants import ANY_TENANT

    logs = LogSet.of_paths(paths, rules, ANY_TENANT)
    return _rows_of(Query(logs, tz, threshold), window, settings, workers=1)


def _rows_of(query: Query, window, settings: FleetSettings, workers: int | None = None) -> tuple[list, int, object]:
    """(rows, tenants with calls in the period, what reading found)."""
    fleet = load_fleet(query.logs, (window[0] - HOUR_NS, window[1]) if window else None, workers)
    lo, hi = window or (EARLIEST_NS, LATEST_NS)
    active = [t for t in range(len(fleet.names)) if _calls_in(fleet, t, lo, hi)]
    hours = HourStarts(query.tz)
    rows = [row for t in active if (row := _row(fleet, t, (lo, hi), hours, query, settings))]
    return rows, len(active), fleet.stats


def _joined(found: list, logs) -> tuple[list, int, object]:
    from ..read.stats import ScanStats

    stats = ScanStats()
    for _, _, part in found:
        stats.add(part)
    for path, text in logs.notes:  # what finding the files left out
        stats.note(path, text)
    return [row for rows, _, _ in found for row in rows], sum(active for _, active, _ in found), stats


def _calls_in(fleet: Fleet, t: int, lo: int, hi: int) -> bool:
    import numpy as np

    first, last = np.searchsorted(fleet.ts[fleet.tenant(t)], [lo, hi])
    return bool(last > first)


def _row(fleet: Fleet, t: int, window: tuple[int, int], hours: HourStarts, query: Query,
         settings: FleetSettings) -> list | None:
    """The row of a tenant with calls in the period, or None when it has
    none of the vendor asked about; `hours` are the local hours known so far."""
    import numpy as np

    lo, hi = window
    part = fleet.tenant(t)
    ts, group = fleet.ts[part], fleet.group[part]
    first, last = (int(x) for x in np.searchsorted(ts, [lo, hi]))
    lo = max(lo, int(ts[first])) if lo == EARLIEST_NS else lo
    labels, label_of = _labels(fleet, group)
    label = label_of[fleet.pair_category[group]]
    wanted = labels.index(settings.vendor) if settings.vendor in labels else None
    if settings.vendor is not None and (wanted is None or not np.any(label[first:last] == wanted)):
        return None
    usage = tenant_usage(ts, group, fleet.duration_ms[part], lo, hi, settings.db_threshold, settings.max_threads)
    mine = slice(first, last)
    chosen = label[mine] == wanted if wanted is not None else slice(None)
    hourly = _hourly(ts[mine][chosen], label[mine][chosen], labels, hours, query.threshold)
    stretches = usage.stretches
    if wanted is not None:
        stretches = stretches[label_of[fleet.pair_category[stretches[:, 0]]] == wanted]
    top, share = _peak_share(label[usage.window], labels, wanted)
    return [fleet.names[t], int(np.count_nonzero(chosen)) if wanted is not None else last - first,
            hourly.integrations, hourly.busiest_hour, hourly.busiest_label, hourly.busiest_calls, hourly.over,
            usage.peak, iso(usage.peak_ns, query.tz), highest_tier(usage.peak, settings.db_threshold),
            len(stretches), top, share]


def _labels(fleet: Fleet, group) -> tuple[list[str], object]:
    """The tenant's integration labels in summary column order, as its own
    summary has them, and the label position of every category code."""
    import numpy as np

    present = np.unique(fleet.pair_category[np.unique(group)])
    cats = {fleet.categories[c]: int(c) for c in present.tolist()}
    label_of = schema.column_labels(set(cats))
    labels = sorted(dict.fromkeys(label_of.values()), key=lambda lab: min(
        c.sort_key for c in label_of if label_of[c] == lab))
    position = np.full(len(fleet.categories), -1, dtype=np.int64)
    for cat, code in cats.items():
        position[code] = labels.index(label_of[cat])
    return labels, position


@dataclass
class Hourly:
    integrations: int
    busiest_hour: str
    busiest_label: str
    busiest_calls: int
    over: int


def _hourly(ts, label, labels: list[str], hours: HourStarts, threshold: int) -> Hourly:
    """Calls per (local hour, integration label) as the summary counts them:
    the busiest cell (the earliest hour, then the first label, of the
    highest count) and the hours with an integration over the limit."""
    import numpy as np

    if not len(ts):
        return Hourly(0, "", "", 0, 0)
    width = len(labels)
    cells, counts = np.unique(hours.index(ts) * width + label, return_counts=True)
    best = int(np.argmax(counts))
    start = local_iso([int(hours.starts[cells[best] // width])], hours.tz, "seconds")[0]
    over = len(np.unique(cells[counts > threshold] // width))
    return Hourly(len(np.unique(cells % width)), start, labels[int(cells[best] % width)], int(counts[best]), over)


def _peak_share(window_labels, labels: list[str], wanted: int | None) -> tuple[str, float | None]:
    """The integration with most calls in the peak window (or the vendor
    asked about) and its share of the window, in percent, as limits shows it."""
    import numpy as np

    if not len(window_labels):
        return "", None
    counts, shares = window_shares(window_labels, len(labels))
    top = wanted if wanted is not None else int(np.argmax(counts))  # the first of the most, as limits orders them
    return labels[top], float(shares[top])


def _breached(row: list, settings: FleetSettings) -> bool:
    return bool(row[6] or row[7] > settings.db_threshold or row[10])


def _breach(row: list, settings: FleetSettings) -> dict:
    """A tenant over a limit, as data with a phrase (--fail-on-breach)."""
    said = [f"rolling {row[7]:,} > {settings.db_threshold:,}"] if row[7] > settings.db_threshold else []
    said += [plural(row[6], "hour") + " over the hourly limit"] if row[6] else []
    said += [plural(row[10], "thread stretch", "thread stretches")] if row[10] else []
    return {"kind": "tenant", "tenant": row[0], "peak": row[7], "hours_over_limit": row[6],
            "thread_stretches": row[10], "message": f"{row[0]} ({'; '.join(said)})"}


def _left_out_notes(left_out: list, quiet: int, vendor: str | None) -> list[str]:
    notes = [f"left out {plural(len(left_out), 'file')} without a tenant (no tenant column, no tenant= folder)"
             if left_out else ""]
    if quiet:
        notes.append(f"left out {plural(quiet, 'tenant')} without calls of {vendor} in the period")
    return [note for note in notes if note]


def _nothing_found(query: Query, left_out: list) -> str:
    if left_out and not query.logs.files:
        return (f"no tenant in {query.logs.source}: no file has a tenant column (Tenant, Database, ...) "
                "or sits in a tenant=NAME folder")
    return f"no calls of any tenant in the period in {query.logs.source}"
