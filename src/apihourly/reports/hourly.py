"""One day's calls per local hour and integration: the summary grid (hours x
integrations) and the totals per integration. Both start from the same
count of the day, so they always agree."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .. import schema
from ..count.hourly import HourlyCounts, count_hourly
from ..timeaxis import HourSlot, day_window, local_hour_axis, repeated_wall_hours
from .model import Query, Report, day_notes, label_categories, ordered_labels, triple_labels
from ..words import plural
from .table import COUNT, FLAG, HOUR, Column, Table

# The summary one cell per row, for scripts: every (hour, integration) of the
# grid once, in the grid's order, zeros included.
LONG_COLUMNS = (
    Column("hour_start", HOUR), Column("integration"), Column("kind"), Column("calls", COUNT, rule="hourly"),
    Column("over", FLAG), Column("near", FLAG),
)
TOTALS_COLUMNS = (
    Column("Integration"), Column("Kind"), Column("Calls", COUNT),
    Column("Peak hour", HOUR, align="right"), Column("Peak hour calls", COUNT, rule="hourly"),
    Column("Hours over limit", COUNT, rule="breach"),
)


@dataclass
class DayGrid:
    """A day counted: calls per hour (rows, in axis order) and integration
    label (columns, in summary order)."""

    counts: HourlyCounts
    slots: tuple[HourSlot, ...]
    labels: list[str]
    categories: dict[str, schema.Category]  # label -> its category
    labels_of: dict[tuple, str]  # (vendor, integration, tracking id) or (Category,) -> label
    calls: list[list[int]]

    def hour(self, slot: HourSlot) -> dict[str, int]:
        """Calls per label in one hour of the day, labels without calls left out."""
        cells = self.calls[[s.start_ns for s in self.slots].index(slot.start_ns)]
        return {label: n for label, n in zip(self.labels, cells) if n}


def count_day(query: Query, day: date) -> DayGrid:
    """Count the local date `day`: what summary, totals and activity start from."""
    counts = count_hourly(query.logs, query.tz, day_window(day, query.tz), query.progress)
    slots = local_hour_axis(day, query.tz)
    labels_of = triple_labels(counts.counts)
    categories = label_categories(labels_of)
    labels = ordered_labels(categories)
    row_of = {slot.start_ns: i for i, slot in enumerate(slots)}
    col_of = {label: j for j, label in enumerate(labels)}
    calls = [[0] * len(labels) for _ in slots]
    for (hour_ns, *triple), n in counts.counts.items():
        calls[row_of[hour_ns]][col_of[labels_of[tuple(triple)]]] += n
    return DayGrid(counts, slots, labels, categories, labels_of, calls)


def _report(kind: str, table: Table, query: Query, day: date, grid: DayGrid, **extra) -> Report:
    report = Report(kind, table, query.tz, query.threshold, grid.counts.stats, day, slots=grid.slots,
                    covers={"date": day.isoformat()}, **extra)
    report.notes += day_notes(query, day, grid.counts.stats.calls)
    return report


def summary(query: Query, day: date, db_threshold: int = schema.DEFAULT_DB_THRESHOLD) -> Report:
    """Calls per local hour (rows) and integration category (columns); for
    scripts also one row per cell (`long`) and the sums (`totals`). A clock
    hour whose Total calls exceed `db_threshold` broke the tenant's rolling
    limit, whoever made the calls: a note names it."""
    grid = count_day(query, day)
    table = grid_table(grid.labels, [(slot.start.isoformat(), cells) for slot, cells in zip(grid.slots, grid.calls)])
    report = _report("summary", table, query, day, grid, categories=grid.labels,
                     meta={"db_threshold": db_threshold}, long=_long(grid, query.threshold),
                     totals=_summary_totals(grid, query.threshold))
    report.notes += tenant_notes(grid, db_threshold)
    return report


def grid_table(labels: list[str], hours: list[tuple[str, list[int]]]) -> Table:
    """The summary's grid: Hour, a column per label, Total calls; a row per
    (ISO hour start, calls per label)."""
    columns = [Column("Hour", HOUR), *(Column(label, COUNT, rule="hourly") for label in labels),
               Column("Total calls", COUNT, rule="hour_total")]
    return Table.from_rows(columns, [[start, *cells, sum(cells)] for start, cells in hours])


def top_integrations(report: Report, top: int) -> Report:
    """The summary with its `top` busiest integrations (calls over the day)
    and every integration that was over the hourly limit in some hour; the
    rest added up in one 'Other (k integrations)' column, never marked,
    since a sum of integrations is not one integration over its limit."""
    table, threshold = report.table, report.threshold
    busiest = sorted(report.categories, key=lambda label: -sum(table.column(label)))
    kept = [label for i, label in enumerate(busiest)
            if i < top or any(n > threshold for n in table.column(label))]
    folded = [label for label in report.categories if label not in kept]
    if not folded:
        return report
    kept = [label for label in report.categories if label in kept]  # summary order
    other = _other_label(len(folded), kept)
    sums = [sum(values) for values in zip(*(table.column(label) for label in folded))]
    columns = [table.spec("Hour"), *(table.spec(label) for label in kept), Column(other, COUNT),
               table.spec("Total calls")]
    data = [table.column("Hour"), *(table.column(label) for label in kept), sums, table.column("Total calls")]
    folded_table = Table(columns, data)
    kinds = {**dict(zip(report.long.column("integration"), report.long.column("kind"))), other: "other"}
    return replace(report, table=folded_table, categories=kept, meta={**report.meta, "folded": folded},
                   long=_long_of(folded_table, [*kept, other], kinds, threshold, other))


def _long_of(table: Table, labels: list[str], kinds: dict, threshold: int, other: str) -> Table:
    """The long form of a summary grid whose columns were folded: the
    'Other' column is kind 'other' and never over or near, as in tables."""
    return Table.from_rows(LONG_COLUMNS, (
        [hour, label, kinds[label], n, label != other and schema.over_limit(n, threshold),
         label != other and schema.near_limit(n, threshold)]
        for hour, *cells in zip(table.column("Hour"), *(table.column(label) for label in labels))
        for label, n in zip(labels, cells)))


def _other_label(count: int, kept: list[str]) -> str:
    label = f"Other ({plural(count, 'integration')})"
    while label.casefold() in {name.casefold() for name in (*kept, *schema.RESERVED_LABELS)}:
        label += " (folded)"
    return label


def tenant_notes(grid: DayGrid, db_threshold: int) -> list[str]:
    """'15:00 held 10,602 calls of all integrations: over the tenant's 10,000
    per rolling 60 minutes (apihourly limits shows when and who)'."""
    over = [(slot, sum(cells)) for slot, cells in zip(grid.slots, grid.calls) if sum(cells) > db_threshold]
    if not over:
        return []
    twice = repeated_wall_hours(grid.slots)
    hours = ", ".join(f"{slot.start:%H:%M}" + (f" ({slot.start:%z})" if slot.start.hour in twice else "")
                      + f" ({total:,} calls)" for slot, total in over)
    more = ("hourly counts cannot tell when in the hour, nor who" if not grid.counts.stats.rows else
            f"apihourly limits --date {grid.slots[0].start.date()} shows when and who")
    return [f"Total calls over the tenant's {db_threshold:,} per rolling 60 minutes at {hours}: every "
            f"integration counts toward it; {more}"]


def _long(grid: DayGrid, threshold: int) -> Table:
    kinds = [grid.categories[label].kind for label in grid.labels]
    return Table.from_rows(LONG_COLUMNS, (
        [slot.start.isoformat(), label, kind, n, schema.over_limit(n, threshold), schema.near_limit(n, threshold)]
        for slot, cells in zip(grid.slots, grid.calls) for label, kind, n in zip(grid.labels, kinds, cells)))


def _summary_totals(grid: DayGrid, threshold: int) -> dict:
    """The summary's Total calls column (by hour) and sum row (by integration)."""
    return {
        "calls": sum(map(sum, grid.calls)),
        "by_hour": [{"hour_start": slot.start.isoformat(), "calls": sum(cells),
                     "integrations_over": sum(schema.over_limit(n, threshold) for n in cells)}
                    for slot, cells in zip(grid.slots, grid.calls)],
        "by_integration": [{"integration": label, "kind": grid.categories[label].kind,
                            "calls": sum(hour[j] for hour in grid.calls),
                            "hours_over": sum(schema.over_limit(hour[j], threshold) for hour in grid.calls)}
                           for j, label in enumerate(grid.labels)],
    }


def totals(query: Query, day: date) -> Report:
    """Calls per category for the day, most first, with a Grand total row."""
    grid = count_day(query, day)
    rows = [_total_row(label, grid.categories[label].kind, [hour[j] for hour in grid.calls], grid.slots,
                       query.threshold)
            for j, label in enumerate(grid.labels)]
    rows.sort(key=lambda r: (-r[2], r[0].casefold(), r[0]))
    grand = _total_row("Grand total", "", [sum(hour) for hour in grid.calls], grid.slots, query.threshold)
    grand[-1] = sum(any(v > query.threshold for v in hour) for hour in grid.calls)
    table = Table.from_rows(TOTALS_COLUMNS, rows + [grand], footer=1)
    # The Grand total for scripts: its figures by the rows' keys, without the
    # label columns, and no peak hour ('') on a day without calls.
    figures = {spec.json_key: value for spec, value in zip(TOTALS_COLUMNS[2:], grand[2:])}
    return _report("totals", table, query, day, grid, totals={k: v if v != "" else None for k, v in figures.items()})


def _total_row(label: str, kind: str, hourly: list[int], slots, threshold: int) -> list:
    """Integration, Kind, Calls, Peak hour, Peak hour calls, Hours over limit."""
    peak = max(range(len(hourly)), key=lambda i: (hourly[i], -i)) if hourly else 0
    busy = hourly[peak] > 0 if hourly else False
    return [label, kind, sum(hourly), slots[peak].start.isoformat() if busy else "",
            hourly[peak] if busy else 0, sum(v > threshold for v in hourly)]
