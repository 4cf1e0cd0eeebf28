"""Calls per local hour over a range of dates, in long form: what
`summary --since/--until` draws as a heat map of hour of day x date.

One row per local hour of every date with calls (hours without calls are
rows of 0), never of the dates between them: memory follows the calls and
their dates, so ten years with two calls cost two dates. A date has 24
rows, 23 on the day clocks spring forward (its skipped hour has no row)
and 25 on the day they fall back: its two 01:00 hours are two rows with
the same Hour of day and distinct Hour starts (-04:00 then -05:00 in
America/New_York), exactly as that day's summary lists them.

Columns: Date, Hour (the ISO start of the local hour, with its offset),
Hour of day (0-23, the wall clock's hour), Calls, Busiest integration and
its Busiest calls (the hour's largest count; ties go to the summary's
column order), and Over limit: an integration was over the hourly
threshold in that hour, which is the same as Busiest calls above it.

With a focus (`vendor`, a label as the summary columns show it, in any
case) every count is that integration's alone, Busiest integration is it
whenever it has calls, and a date is listed when it has calls. Labels are
given over the whole range, as `days` counts integrations, so one label
means one integration on every date.
"""

from __future__ import annotations

from datetime import date

from ..count.hourly import count_hourly
from ..errors import ApihourlyError
from ..timeaxis import local_date, local_hour_axis, range_window
from .model import Query, Report, label_categories, ordered_labels, triple_labels
from .table import COUNT, DATE, FLAG, HOUR, Column, Table

COLUMNS = (
    Column("Date", DATE, key="date"),
    Column("Hour", HOUR, key="hour_start"),
    Column("Hour of day", COUNT, key="hour_of_day"),
    Column("Calls", COUNT, key="calls"),
    Column("Busiest integration", key="busiest_integration"),
    Column("Busiest calls", COUNT, rule="hourly", key="busiest_calls"),
    Column("Over limit", FLAG, rule="breach", key="over"),
)
NAMED, NAME_CHARS = 10, 60  # integrations named, and characters of each, when --vendor matches none


def heatmap_report(query: Query, since: date | None = None, until: date | None = None,
            vendor: str | None = None) -> Report:
    """One row per (date, local hour) of the dates with calls from `since`
    to `until` (open ends: the first or last date with calls), counting
    every integration or only the one labelled `vendor`."""
    counts = count_hourly(query.logs, query.tz, range_window(since, until, query.tz), progress=query.progress)
    labels_of = triple_labels(counts.counts)
    order = ordered_labels(label_categories(labels_of))
    focus = _focus(vendor, counts.counts, labels_of, order, _span(since, until)) if vendor is not None else None
    per_hour = _per_hour(counts.counts, labels_of, focus)
    rank = {label: i for i, label in enumerate(order)}
    dates = sorted({local_date(hour_ns, query.tz) for hour_ns in per_hour})
    rows = [_row(day, slot, per_hour.get(slot.start_ns, {}), query.threshold, rank)
            for day in dates for slot in local_hour_axis(day, query.tz)]
    report = Report("heatmap", Table.from_rows(COLUMNS, rows), query.tz, query.threshold, counts.stats)
    first, last = since or (dates[0] if dates else None), until or (dates[-1] if dates else None)
    report.title = f"API calls by hour of day, {_span(first, last)}" + (f", {focus}" if focus else "")
    report.covers = {"since": _iso(first), "until": _iso(last), "integration": focus}
    report.meta = {"calls": sum(row[3] for row in rows)}
    report.notes += query.notes + ([] if rows else [f"no calls {_span(since, until)}"])
    return report


def _per_hour(counts: dict, labels_of: dict, focus: str | None) -> dict[int, dict[str, int]]:
    """UTC hour start -> label -> calls, only `focus`'s when given."""
    per_hour: dict[int, dict[str, int]] = {}
    for (hour_ns, *triple), calls in counts.items():
        label = labels_of[tuple(triple)]
        if focus is None or label == focus:
            cell = per_hour.setdefault(hour_ns, {})
            cell[label] = cell.get(label, 0) + calls
    return per_hour


def _row(day: date, slot, cell: dict[str, int], threshold: int, rank: dict[str, int]) -> list:
    """Date, Hour, Hour of day, Calls, Busiest integration, Busiest calls, Over limit."""
    busiest = min(cell, key=lambda label: (-cell[label], rank[label])) if cell else None
    most = cell[busiest] if busiest else 0
    return [day.isoformat(), slot.start.isoformat(), slot.start.hour, sum(cell.values()), busiest, most,
            most > threshold]


def _focus(wanted: str, counts: dict, labels_of: dict, order: list[str], span: str) -> str:
    """The label `wanted` names, in any case, or an error naming the
    busiest integrations of the range."""
    for label in order:
        if label.casefold() == wanted.strip().casefold():
            return label
    calls: dict[str, int] = {}
    for (_, *triple), n in counts.items():
        label = labels_of[tuple(triple)]
        calls[label] = calls.get(label, 0) + n
    busiest = sorted(order, key=lambda label: -calls[label])
    have = ", ".join(f"{_short(label)} ({calls[label]:,})" for label in busiest[:NAMED])
    have += f" and {len(busiest) - NAMED:,} more" if len(busiest) > NAMED else ""
    raise ApihourlyError(f"no calls for {wanted!r} {span}; "
                         + (f"integrations with calls: {have}" if have else "no integration has calls"),
                         "--vendor takes an integration's label as the summary columns show it")


def _short(label: str) -> str:
    return label[:NAME_CHARS] + "…" * (len(label) > NAME_CHARS)


def _span(first: date | None, last: date | None) -> str:
    """'from 2026-11-01 to 2026-11-07', 'on ...', 'since ...', 'until ...'
    or 'in the logs'."""
    if first and first == last:
        return f"on {first}"
    if first and last:
        return f"from {first} to {last}"
    if first or last:
        return f"since {first}" if first else f"until {last}"
    return "in the logs"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
