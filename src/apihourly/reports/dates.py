"""The dates with calls: calls, integrations, hours over the hourly limit,
and each date's peak rolling 60-minute count of the whole tenant."""

from __future__ import annotations

from datetime import date, timedelta

from .. import schema
from ..count.hourly import count_hourly
from ..count.rolling import peaks_by_day
from ..timeaxis import HOUR_NS, MINUTE_NS, day_window, local_date, range_window
from .model import Query, Report, triple_labels
from .table import COUNT, DATE, Column, Table

COLUMNS = (
    Column("Date", DATE), Column("Calls", COUNT), Column("Integrations", COUNT),
    Column("Hours over limit", COUNT, rule="breach"), Column("Peak rolling hour", COUNT, rule="rolling"),
)
# Timestamps held at once while finding rolling peaks (8 bytes each, and as
# much again for their seconds): days are taken in runs of about this many
# calls, so memory stays flat however many days the logs hold; only a single
# day busier than this is held whole.
PEAK_RUN_CALLS = 1_000_000
# ... and at most this many consecutive dates: per-second counts cost 8 bytes
# a second of the run's span, whatever the calls (7 days: 5 MB).
PEAK_RUN_DAYS = 7


def days(query: Query, since: date | None = None, until: date | None = None,
         db_threshold: int = schema.DEFAULT_DB_THRESHOLD) -> Report:
    """One row per local date with calls (from `since` to `until` when given):
    calls, integrations, hours over limit, and the peak rolling 60-minute count."""
    counts = count_hourly(query.logs, query.tz, range_window(since, until, query.tz), progress=query.progress)
    rows = _per_date(counts.counts, query)
    counted = query.logs.counted_dates(query.tz)
    dates = [date.fromisoformat(row[0]) for row in rows]
    timed = [(day, row[1]) for day, row in zip(dates, rows) if day not in counted]
    peaks = dict(zip([day for day, _ in timed], _rolling_peaks(query, timed)))
    table = Table.from_rows(COLUMNS, [row + [peaks.get(day)] for day, row in zip(dates, rows)])
    report = Report("days", table, query.tz, query.threshold, counts.stats)
    report.covers = _covered(since, until, [row[0] for row in rows])
    report.meta = {"db_threshold": db_threshold}
    report.notes += _counts_only_notes([day for day in dates if day in counted])
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
    """[date, calls, integrations, hours over limit] for each date, in order."""
    labels_of = triple_labels(counts)
    dates: dict[int, str] = {}
    per_hour: dict[tuple[str, int], dict[str, int]] = {}  # (date, hour) -> label -> calls
    for (hour_ns, *triple), calls in counts.items():
        if hour_ns not in dates:
            dates[hour_ns] = local_date(hour_ns, query.tz).isoformat()
        cell = per_hour.setdefault((dates[hour_ns], hour_ns), {})
        label = labels_of[tuple(triple)]
        cell[label] = cell.get(label, 0) + calls
    table: dict[str, list] = {}  # date -> [calls, labels, hours over]
    for (day_text, _), cell in per_hour.items():
        row = table.setdefault(day_text, [0, set(), 0])
        row[0] += sum(cell.values())
        row[1].update(cell)
        row[2] += any(n > query.threshold for n in cell.values())
    return [[d, calls, len(labels), over] for d, (calls, labels, over) in sorted(table.items())]


def _rolling_peaks(query: Query, day_calls: list[tuple[date, int]]) -> list[int]:
    """The highest rolling 60-minute count of the whole tenant on each date,
    given each date's calls (to size the runs of days read together)."""
    peaks: dict[date, int] = {}
    for run in runs_of_days(day_calls, PEAK_RUN_CALLS, PEAK_RUN_DAYS):
        peaks.update(_peaks_of_run(query, run[0], run[-1]))
    return [peaks[day] for day, _ in day_calls]


def runs_of_days(day_calls: list[tuple[date, int]], budget: int, most_days: int = PEAK_RUN_DAYS) -> list[list[date]]:
    """The dates with calls in runs of consecutive dates, each of about
    `budget` calls (a busier date alone) and at most `most_days` dates: a
    gap between dates starts a new run, so memory and time follow the dates
    that have calls, never the span between them."""
    runs: list[list[date]] = []
    held = budget
    for day, calls in day_calls:
        gap = bool(runs) and (day - runs[-1][-1]).days > 1
        if held + calls > budget or gap or (runs and len(runs[-1]) >= most_days):
            runs.append([])
            held = 0
        runs[-1].append(day)
        held += calls
    return runs


def _peaks_of_run(query: Query, first: date, last: date) -> dict[date, int]:
    import numpy as np

    from ..arrays import int_values

    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    bounds = [day_window(d, query.tz)[0] for d in every] + [day_window(last, query.tz)[1]]
    parts = [int_values(t.column("ts")) for t in query.logs.scan([], (bounds[0] - HOUR_NS, bounds[-1]))]
    ts = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return {day: int(peak) for day, peak in zip(every, peaks_by_day(ts, bounds).tolist())}
