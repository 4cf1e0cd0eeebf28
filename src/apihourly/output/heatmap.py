"""The heat map of `summary --since/--until` for people: one row per date,
one character per hour of the day, shaded by its calls.

Shades are the quartiles of the hours with calls, not equal steps up to
the busiest hour or to the hourly threshold: API traffic is a steady
pattern with a runaway hour or two, and steps of the busiest hour drew the
whole pattern in the lightest shade under one dark spike; the threshold
applies to each integration alone while a cell counts them all. So each
shade holds about a quarter of the busy hours, the darkest always the
busiest, and the legend under the table says what each one means in
calls. An hour with an integration over the threshold is drawn as its own
mark (red where there is colour), whatever its calls.

Each column is an hour of the wall clock. On the day clocks fall back the
repeated hour's two rows (reports/heatmap.py) share its column: its shade
is their calls added up, the date is starred and a line under the legend
says which column holds two hours. On the day clocks spring forward the
skipped hour is drawn as a mark of its own. A 25th column would stand
empty on every other date and misalign the hours after 01:00 against the
rows above and below.

Dates without calls between dates with calls are drawn as empty rows when
they are few and as one line when they are more, so the drawing, like the
report, follows the dates that have calls and never the span between them.

The shades are block characters; where the output's encoding cannot write
them (a latin-1 stream, say) the same drawing is made of ASCII characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table as RichTable
from rich.text import Text

from ..reports.model import Report
from ..timeaxis import local_hour_axis
from .cells import LINE_STYLE, OVER_STYLE, TOTAL_ROW_STYLE, caption, clock, number, safe_text

HOURS = 24
SHOWN_GAP = 3  # dates without calls drawn as empty rows; a longer run is one line
DST_MARK = "*"
LEGEND_WIDTH = 60
ASCII_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


@dataclass(frozen=True)
class Glyphs:
    """The characters of a drawing: shades from none to the busiest, the
    mark of an hour over the limit and of an hour the clock skipped."""

    shades: str
    over: str
    skipped: str
    head: box.Box


BLOCKS = Glyphs(" ░▒▓█", "!", "-", box.SIMPLE_HEAD)
ASCII = Glyphs(" .:*#", "!", "-", ASCII_HEAD)


def glyphs_for(encoding: str) -> Glyphs:
    """Block characters where `encoding` can write them, else ASCII."""
    try:
        (BLOCKS.shades + BLOCKS.over + BLOCKS.skipped + "─").encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return BLOCKS


def writable(line, encoding: str):
    """A line of text with what `encoding` cannot write (a label's letters,
    the caption's dots on an ASCII stream) as escapes, so that the drawing
    is written rather than failing halfway."""
    if not isinstance(line, Text) or glyphs_for(encoding) is BLOCKS:
        return line
    fitted = line.copy()
    fitted.plain = line.plain.encode(encoding, "backslashreplace").decode(encoding)
    return fitted if len(fitted.plain) == len(line.plain) else Text(fitted.plain, style=line.style)


@dataclass
class DateRow:
    """One date of the drawing: per hour of the day its calls, whether an
    hour was over the limit, and how many of the date's hours it holds
    (0: skipped by the clock, 2: repeated)."""

    day: str
    calls: list[int] = field(default_factory=lambda: [0] * HOURS)
    over: list[bool] = field(default_factory=lambda: [False] * HOURS)
    hours: list[int] = field(default_factory=lambda: [0] * HOURS)

    @property
    def changed(self) -> bool:
        """A day of 23 or 25 hours."""
        return any(n != 1 for n in self.hours)


def heatmap(report: Report, view) -> HeatMap:
    return HeatMap(report, view.time_format)


class HeatMap:
    """A renderable that picks its characters from the console's encoding."""

    def __init__(self, report: Report, time_format: str = "24h"):
        self.report = report
        self.time_format = time_format

    def __rich_measure__(self, console: Console, options: ConsoleOptions):
        """As wide as its legend at most: off a terminal it is drawn at that width."""
        from rich.measure import Measurement

        return Measurement(min(40, options.max_width), min(LEGEND_WIDTH, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        glyphs = glyphs_for(options.encoding)
        rows = date_rows(self.report)
        dated = [row for row in rows if isinstance(row, DateRow)]
        scale = Scale([n for row in dated for n in row.calls], len(glyphs.shades) - 1)
        lines = [safe_text(self.report.title)]
        if scale.top:
            lines += [self._table(rows, scale, glyphs),
                      *legend(scale, self._over_words(), glyphs, any(0 in row.hours for row in dated),
                              min(options.max_width, LEGEND_WIDTH)),
                      *(Text(note) for note in self._clock_notes(dated))]
        else:
            lines.append(Text("No calls."))
        lines.append(Text(caption(self.report)))
        yield from (writable(line, options.encoding) for line in lines)

    def _table(self, rows: list, scale: Scale, glyphs: Glyphs) -> RichTable:
        table = RichTable(box=glyphs.head, pad_edge=False, collapse_padding=True)
        table.add_column("Date", no_wrap=True)
        table.add_column(ruler(self.time_format), no_wrap=True, min_width=HOURS)
        table.add_column("Calls", justify="right", no_wrap=True)
        for row in rows:
            if isinstance(row, DateRow):
                table.add_row(row.day + (DST_MARK if row.changed else ""), cells(row, scale, glyphs),
                              number(sum(row.calls)))
            else:
                table.add_row("", Text(row, style=LINE_STYLE), "")
        table.add_section()
        table.add_row(Text("Total", style=TOTAL_ROW_STYLE), "",
                      number(self.report.meta["calls"], TOTAL_ROW_STYLE))
        return table

    def _over_words(self) -> Text:
        vendor, threshold = self.report.covers["integration"], self.report.threshold
        who = safe_text(vendor) if vendor else Text("an integration")
        return who + Text(f" over {threshold:,} calls in the hour")

    def _clock_notes(self, rows: list[DateRow]) -> list[str]:
        """What a starred date's columns hold."""
        notes = []
        for row in rows:
            twice = [self._hour(h) for h, n in enumerate(row.hours) if n > 1]
            never = [self._hour(h) for h, n in enumerate(row.hours) if n == 0]
            parts = [f"column {h} adds up both {h} hours" for h in twice]
            parts += [f"{h} does not exist" for h in never]
            if parts:
                notes.append(f"{row.day}{DST_MARK} {sum(row.hours)} hours: {'; '.join(parts)}")
        return notes

    def _hour(self, hour: int) -> str:
        return clock(datetime(2000, 1, 1, hour), self.time_format, "hour")


def date_rows(report: Report) -> list:
    """The drawing's rows, in order: a DateRow per date with calls, and
    between them (and from --since, to --until) the dates without calls,
    as empty DateRows when there are at most SHOWN_GAP, else as one line
    saying how many."""
    rows: list = []
    table = report.table
    for day, hour, calls, over in zip(table.column("Date"), table.column("Hour of day"), table.column("Calls"),
                                      table.column("Over limit")):
        if not rows or rows[-1].day != day:
            rows += quiet_dates(report, rows[-1].day if rows else None, day)
            rows.append(DateRow(day))
        row = rows[-1]
        row.calls[hour] += calls
        row.over[hour] = row.over[hour] or over
        row.hours[hour] += 1
    if rows:
        rows += quiet_dates(report, rows[-1].day, None)
    return rows


def quiet_dates(report: Report, after: str | None, before: str | None) -> list:
    """The dates strictly between `after` and `before` (the range's own
    ends when None), which have no calls."""
    first = _next(after) if after else _day(report.covers["since"])
    last = _day(before) - timedelta(days=1) if before else _day(report.covers["until"])
    if first is None or last is None or last < first:
        return []
    days = (last - first).days + 1
    if days > SHOWN_GAP:
        return [f"{days:,} days, no calls"]
    return [_empty(first + timedelta(days=i), report) for i in range(days)]


def _empty(day: date, report: Report) -> DateRow:
    row = DateRow(day.isoformat())
    for slot in local_hour_axis(day, report.tz):
        row.hours[slot.start.hour] += 1
    return row


def _next(day: str) -> date:
    return date.fromisoformat(day) + timedelta(days=1)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def cells(row: DateRow, scale: Scale, glyphs: Glyphs) -> Text:
    """A date's 24 hours, one character each."""
    text = Text()
    for calls, over, hours in zip(row.calls, row.over, row.hours):
        if not hours:
            text.append(glyphs.skipped)
        elif over:
            text.append(glyphs.over, style=OVER_STYLE)
        else:
            text.append(glyphs.shades[scale.shade(calls)])
    return text


class Scale:
    """Shades 1..steps for calls: the quartiles (for 4 shades) of the cells
    with calls cut them, the busiest cell is always the darkest, and with
    fewer distinct counts than shades the darker shades are the ones used."""

    def __init__(self, cells: list[int], steps: int):
        busy = sorted(n for n in cells if n > 0)
        self.steps = steps
        self.top = busy[-1] if busy else 0
        quantiles = {busy[-(-k * len(busy) // steps) - 1] for k in range(1, steps)} if busy else set()
        self.cuts = sorted(n for n in quantiles if n < self.top)  # a shade's last count, but the darkest's

    def shade(self, calls: int) -> int:
        """0 for no calls, else the shade of `calls`."""
        if calls <= 0:
            return 0
        return self.steps - sum(calls <= cut for cut in self.cuts)

    def ranges(self) -> list[tuple[int, int, int]]:
        """(shade, first calls, last calls) of every shade in use, lightest first."""
        lasts = [*self.cuts, self.top]
        firsts = [1] + [cut + 1 for cut in self.cuts]
        first_shade = self.steps - len(self.cuts)
        return [(first_shade + i, a, b) for i, (a, b) in enumerate(zip(firsts, lasts))]


def ruler(time_format: str) -> Text:
    """The hours column's header: a mark every 3 hours (24h), every 6 (12h)."""
    every = 3 if time_format == "24h" else 6
    marks = [" "] * HOURS
    for hour in range(0, HOURS, every):
        label = clock(datetime(2000, 1, 1, hour), time_format, "mark")
        marks[hour:hour + len(label)] = label
    return Text("".join(marks[:HOURS]))


def legend(scale: Scale, over_words: Text, glyphs: Glyphs, skipped: bool, width: int) -> list[Text]:
    """What each character means, in lines of at most `width` columns."""
    items = [Text("Calls in an hour:")]
    for step, first, last in scale.ranges():
        span = f"{first:,}" if first == last else f"{first:,}-{last:,}"
        items.append(Text(f"{glyphs.shades[step]} {span}"))
    items.append(Text(glyphs.over, style=OVER_STYLE) + " " + over_words)
    if skipped:
        items.append(Text(f"{glyphs.skipped} no such hour (clock change)"))
    return packed(items, width)


def packed(items: list[Text], width: int) -> list[Text]:
    """The items two spaces apart, a new line before one that would pass `width`."""
    lines = [Text()]
    for item in items:
        if lines[-1].cell_len and lines[-1].cell_len + 2 + item.cell_len > width:
            lines.append(Text())
        if lines[-1].cell_len:
            lines[-1].append("  ")
        lines[-1].append_text(item)
    return lines
