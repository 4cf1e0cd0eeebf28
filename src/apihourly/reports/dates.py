"""The dates with calls: calls, integrations, hours over the hourly limit,
and each date's peak rolling 60-minute count of the whole tenant."""

from __future__ import annotations

from datetime import date

from .. import schema
from ..count.hourly import count_hourly
from ..count.peaks import date_peaks
from ..timeaxis import MINUTE_NS, local_date, range_window
from .model import Query, Report, triple_labels
from .table import COUNT, DATE, Column, Table

COLUMNS = (
    Column("Date", DATE), Column("Calls", COUNT), Column("Integrations", COUNT),
    Column("Hours over limit", COUNT, rule="breach"), Column("Peak rolling hour", COUNT, rule="rolling"),
)
def days(query: Query, since: date | None = None, until: date | None = None,
         db_threshold: int = schema.DEFAULT_DB_THRESHOLD) -> Report:
    """One row per local date with calls (from `since` to `until` when given):
    calls, integrations, hours over limit, and the peak rolling 60-minute count."""
    counts = count_hourly(query.logs, query.tz, range_window(since, until, query.tz), query.progress, peaks=True)
    rows = _per_date(counts.counts, query)
    counted = query.logs.counted_dates(query.tz)
    dates = [date.fromisoformat(row[0]) for row in rows]
    timed = [day for day in dates if day not in counted]
    peaks = dict(zip(timed, date_peaks(query.logs, counts.digests, timed, query.tz)))
    table = Table.from_rows(COLUMNS, [row + [peaks.get(day)] for day, row in zip(dates, rows)])
    report = Report("days", table, query.tz, query.threshold, counts.stats)
    report.covers = _covered(since, until, [row[0] for row in rows])
    report.meta = {"db_threshold": db_threshold}
    report.notes += [*query.notes, *_counts_only_notes([day for day in dates if day in counted])]
    return report


def _counts_only_notes(only: list[date]) -> list[str]:
    """Which dates have no Peak rolling hour, and why."""
    if not only:
        return []
    named = ", ".join(d.isoformat() for d in only[:5]) + (f" and {len(only) - 5:,} more" if len(only) > 5 else "")
    return [f"Peak rolling hour is empty for {named}: {'it has' if len(only) == 1 else 'they have'} "
            "hourly counts only, and the rolling 60 minutes need each call's time"]


def dates_with_calls(query: Query) -> list[date]:
    """Every local date with a call, from the calls' times alone: what
    completing --date offers, without counting calls per integration. Each
    quarter hour (UTC) falls on one local date, since every UTC offset in
    use is a whole number of quarter hours."""
    import numpy as np

    from ..arrays import int_values

    quarter = 15 * MINUTE_NS
    quarters: set[int] = set()
    for table in query.logs.scan([]):
        quarters.update(np.unique(int_values(table.column("ts")) // quarter).tolist())
    counted = set(query.logs.counted_dates(query.tz))
    return sorted({local_date(q * quarter, query.tz) for q in quarters} | counted)
def _covered(since: date | None, until: date | None, dates: list[str]) -> dict:
    """The dates the report covers: as asked, else the first and last date
    with calls (None only when neither was asked and there are no calls)."""
    first = since.isoformat() if since else (dates[0] if dates else None)
    last = until.isoformat() if until else (dates[-1] if dates else None)
    return {"since": first, "until": last}


def _per_date(counts: dict, query: Query) -> list[list]:
    """[date, calls, integrations, hours over limit] for each date, in order:
    in arrays, for a year of logs is some 90,000 (hour, integration) cells."""
    import numpy as np

    labels_of = triple_labels(counts)
    names = sorted(set(labels_of.values()))
    width = max(len(names), 1)
    code = {triple: names.index(label) for triple, label in labels_of.items()}
    n = len(counts)
    hour = np.fromiter((key[0] for key in counts), dtype=np.int64, count=n)
    label = np.fromiter((code[key[1:]] for key in counts), dtype=np.int64, count=n)
    calls = np.fromiter(counts.values(), dtype=np.int64, count=n)
    hours, hour_at = np.unique(hour, return_inverse=True)
    # A cell is (hour, label): triples with one label (' Acme' and 'Acme') add up.
    cells, cell_at = np.unique(hour_at.ravel() * width + label, return_inverse=True)
    cell_calls = np.bincount(cell_at.ravel(), weights=calls, minlength=len(cells)).astype(np.int64)
    day_names, day_of_hour = np.unique(np.array([local_date(h, query.tz).isoformat() for h in hours.tolist()],
                                                dtype=object), return_inverse=True)
    day_of_hour = day_of_hour.ravel()
    cell_day = day_of_hour[cells // width]
    per_day = np.bincount(cell_day, weights=cell_calls, minlength=len(day_names)).astype(np.int64)
    integrations = np.bincount(np.unique(cell_day * width + cells % width) // width, minlength=len(day_names))
    over = np.bincount(day_of_hour[np.unique(cells[cell_calls > query.threshold] // width)],
                       minlength=len(day_names))
    return [[d, int(c), int(i), int(o)] for d, c, i, o in zip(day_names.tolist(), per_day, integrations, over)]