"""How one value looks to a person: the one copy of styles, safe text,
numbers, clocks (24h and 12h), hour labels, captions, plurals and notes.

Every table for people (the CLI's Rich tables and the browse app) makes its
cells here, from the report's declared columns: the column's kind says how a
value is written, its rule whether it stands out. Data text enters only as
`Text`, never markup, with control characters shown as visible escapes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from rich.text import Text

from ..count.rolling import TIERS
from ..reports.model import Report
from ..reports.table import COUNT, DATE, FLAG, HOUR, INSTANT, MINUTE, SHARE, TEXT, Column, Table, is_missing
from ..schema import near_limit, over_limit
from ..timeaxis import HourSlot, repeated_wall_hours, to_ns
from ..words import plural, visible

OVER_STYLE = "bold white on red"
APPROACHING_STYLE = "bold yellow"
LATENCY_STYLE = "yellow"
TOTAL_ROW_STYLE = "bold"
LINE_STYLE = "dim"
TIER_STYLES = dict(zip((f"{share}%" for share, _ in TIERS), (LATENCY_STYLE, APPROACHING_STYLE, OVER_STYLE)))

def safe_text(value: object, style: str = "") -> Text:
    """Untrusted text as a Rich Text with control characters made visible."""
    return Text("" if is_missing(value) else visible(str(value)), style=style)


def number(value: object, style: str = "") -> Text:
    if is_missing(value):
        return Text("")
    return Text(f"{int(value):,}", style=style)


# Marks and styles ------------------------------------------------------------
# A cell that stands out does so twice: in colour, and by a mark after its
# number that survives NO_COLOR, a file, `less` and a printout. Levels name
# why it stands out; each has a style and maybe a mark (a glyph of Glyphs).

OVER, NEAR, TENANT = "over", "near", "tenant"
LEVELS = {OVER: (OVER_STYLE, "over"), NEAR: (APPROACHING_STYLE, "near"), TENANT: (OVER_STYLE, "tenant"),
          **{tier: (style, None) for tier, style in TIER_STYLES.items()}}


@dataclass(frozen=True)
class Glyphs:
    """The characters drawings use beyond ASCII, and ASCII stand-ins for a
    stream that cannot encode them (a Latin-1 locale, a cp1252 console)."""

    over: str = "▲"
    near: str = "△"
    tenant: str = "◆"
    check: str = "✓"
    blocks: str = " ▁▂▃▄▅▆▇█"
    dots: str = "┄"
    clipped: str = "↑"
    sample: str = "●"  # a sample of Autotask's own counter, on the limits chart
    encoding: str = "utf-8"  # of the stream drawn to

    @property
    def unicode(self) -> bool:
        return self.over == UNICODE.over

    def fit(self, text: str) -> str:
        """Text with the characters the stream cannot encode as escapes
        ('\\u6771'), made before the table is measured, so columns line up."""
        if self.encoding == "utf-8":
            return text
        return text.encode(self.encoding, "backslashreplace").decode(self.encoding)

    def encodable(self, encoding: str) -> bool:
        drawn = "".join(v for k, v in vars(self).items() if k != "encoding")
        try:
            drawn.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True


UNICODE = Glyphs()
ASCII = Glyphs(over="!", near="~", tenant="#", check="x", blocks="  ..::||#", dots=".", clipped="^", sample="o")


def glyphs_for(encoding: str | None) -> Glyphs:
    """The glyphs a stream in `encoding` can show: Unicode's where it can
    encode them all, else ASCII's."""
    import codecs

    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        name = "ascii"
    if name == "utf-8":
        return UNICODE
    return replace(UNICODE if UNICODE.encodable(name) else ASCII, encoding=name)


def hourly_level(calls: int, threshold: int, over: str = OVER) -> str:
    """Over the threshold, or near it (schema.near_limit: from 75%)."""
    if over_limit(calls, threshold):
        return over
    return NEAR if near_limit(calls, threshold) else ""


def tier_style(calls: int, floors: list[int]) -> str:
    """The style of the latency tier a rolling count is in (count/rolling.tier_floors)."""
    if calls >= floors[2]:
        return OVER_STYLE
    if calls >= floors[1]:
        return APPROACHING_STYLE
    return LATENCY_STYLE if calls >= floors[0] else ""


def db_threshold(report: Report) -> int | None:
    return report.meta.get("db_threshold")


def _hour_total(value, row: dict, report: Report) -> tuple[str, ...]:
    """Total calls: over when an integration of the hour was over its hourly
    limit; tenant when the hour alone held more than the tenant's rolling
    limit (any 60 minutes, so a clock hour too)."""
    over = OVER if any(row.get(label, 0) > report.threshold for label in report.categories) else ""
    tenant = TENANT if db_threshold(report) is not None and value > db_threshold(report) else ""
    return over, tenant


# What a column's `rule` (reports/table.py) means: (value, the row by column
# name, the report) -> the levels of the cell.
RULES = {
    "hourly": lambda value, row, report: (hourly_level(value, report.threshold),),
    "rolling": lambda value, row, report: (hourly_level(value, db_threshold(report) or report.threshold, TENANT),),
    "hour_total": _hour_total,
    "breach": lambda value, row, report: (OVER if value else "",),
    "over": lambda value, row, report: (OVER,),
    "threads": lambda value, row, report: (OVER if row["Max in flight"] > report.meta["max_threads"] else "",),
    "tier": lambda value, row, report: (row["Tier"] if row["First reached"] else "",),
}
FOOTER_RULES = {"breach"}  # a totals row is not one integration: only its breach counts stand out


# Clocks ----------------------------------------------------------------------

def clock(moment: datetime, time_format: str, detail: str = "ms") -> str:
    """Time of day as people read it, 24h or 12h: to the millisecond
    ('14:05:09.123', '2:05:09.123 PM'), the hour ('14:00', '2 PM', '2:30 PM')
    or a chart mark ('15', '3p')."""
    twelve = time_format == "12h"
    hour12 = moment.hour % 12 or 12
    if detail == "mark":
        return f"{hour12}{'a' if moment.hour < 12 else 'p'}" if twelve else f"{moment.hour:02d}"
    if detail == "hour":
        if not twelve:
            return f"{moment:%H:%M}"
        text = f"{hour12}" + (f":{moment:%M}" if moment.minute else "")
    else:
        ms = f"{moment.microsecond // 1000:03d}"
        if not twelve:
            return f"{moment:%H:%M:%S}.{ms}"
        text = f"{hour12}:{moment:%M:%S}.{ms}"
    return f"{text} {'AM' if moment.hour < 12 else 'PM'}"


def instant_text(iso: str, time_format: str, day: date | None = None) -> str:
    """An ISO local time as its time of day, with the date when it is not `day`."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    text = clock(moment, time_format)
    return text if day is None or moment.date() == day else f"{moment.date().isoformat()} {text}"


def hour_label(slot: HourSlot, time_format: str, show_offset: bool = False) -> str:
    """'14:00' or '2 PM'; with the UTC offset when the wall hour is ambiguous."""
    label = clock(slot.start, time_format, "hour")
    if show_offset:
        offset = slot.start.strftime("%z")
        label += f" ({offset[:3]}:{offset[3:]})"
    return label


def hour_labels(slots: tuple[HourSlot, ...], time_format: str) -> list[str]:
    """A label per hour of a day; the two 01:00 of a fall-back day with offsets."""
    twice = repeated_wall_hours(slots)
    return [hour_label(s, time_format, s.start.hour in twice) for s in slots]


# Cells -------------------------------------------------------------------------

Marked = tuple[Text, str]  # a cell and its marks


class Cells:
    """Rich Text cells for the rows of a report's tables, by column kind and
    rule. `seen` collects the levels of every mark made, for the legend."""

    def __init__(self, report: Report, time_format: str = "24h", glyphs: Glyphs = UNICODE):
        self.report = report
        self.time_format = time_format
        self.glyphs = glyphs
        self.seen: set[str] = set()
        self._hours: dict[int, str] | None = None

    def rows(self, table: Table, positions=None) -> list[list[Text]]:
        """Cells of the rows at `positions` (all by default); footer rows
        bold; marks after the numbers, lined up within each column."""
        return aligned(self.marked_rows(table, positions), self.mark_widths(table))

    def mark_widths(self, table: Table) -> list[int]:
        """The widest marks of each column over the whole table, so that rows
        made a chunk at a time, and the summary's sum row, line up."""
        marked = [spec.kind == COUNT and bool(spec.rule) for spec in table.columns]
        if not any(marked):  # activity: a million rows, none of them marked
            return [0] * len(marked)
        body, records = len(table) - table.footer, table.records()
        return [max((len(self.cell(spec, row[spec.name], row, "", i >= body)[1]) for i, row in enumerate(records)),
                    default=0) if wanted else 0 for spec, wanted in zip(table.columns, marked)]

    def marked_rows(self, table: Table, positions=None) -> list[list[Marked]]:
        positions = range(len(table)) if positions is None else positions
        body = len(table) - table.footer
        return [self.row(table, i, TOTAL_ROW_STYLE if i >= body else "") for i in positions]

    def row(self, table: Table, position: int, base_style: str = "") -> list[Marked]:
        values = [column[position] for column in table.data]
        named = dict(zip(table.names, values))
        footer = base_style == TOTAL_ROW_STYLE
        return [self.cell(spec, value, named, base_style, footer) for spec, value in zip(table.columns, values)]

    def cell(self, spec: Column, value: object, row: dict, base_style: str = "", footer: bool = False) -> Marked:
        return self.levelled(spec, value, row, base_style, footer)[0]

    def levelled(self, spec: Column, value: object, row: dict, base_style: str = "",
                 footer: bool = False) -> tuple[Marked, list[str]]:
        """The cell and its levels (the HTML page draws the first as a class)."""
        levels = self.levels(spec, value, row, footer)
        style = next((LEVELS[level][0] for level in levels), "") or base_style
        text = self.text(spec, value, style)
        if spec.kind != COUNT or is_missing(value):
            return (text, ""), levels
        marks = "".join(getattr(self.glyphs, LEVELS[level][1]) for level in levels if LEVELS[level][1])
        self.seen.update(level for level in levels if LEVELS[level][1])
        return (text, marks), levels

    def levels(self, spec: Column, value: object, row: dict, footer: bool) -> list[str]:
        if not spec.rule or is_missing(value) or (footer and spec.rule not in FOOTER_RULES):
            return []
        return [level for level in RULES[spec.rule](value, row, self.report) if level]

    def text(self, spec: Column, value: object, style: str) -> Text:
        if spec.kind == COUNT:
            return number(value, style)
        if spec.kind == SHARE:
            return Text("" if is_missing(value) else f"{value:.1f}", style=style)
        if spec.kind == FLAG:
            return Text(self.glyphs.check, style=style) if value else Text("")
        if spec.kind == HOUR:
            return Text(self.hour_text(value), style=style)
        if spec.kind == INSTANT:
            # A report of a period (since/until) dates every instant.
            day = self.report.day or (date.min if "since" in self.report.covers else None)
            return Text(instant_text(value, self.time_format, day) or spec.blank, style=style)
        if spec.kind in (TEXT, DATE, MINUTE):
            return Text(self.glyphs.fit(visible(spec.blank if is_missing(value) else str(value))), style=style)
        raise ValueError(f"no cells for columns of kind {spec.kind!r}")

    def hour_text(self, iso: str) -> str:
        """An ISO hour start as the label of its hour in the report's day."""
        if not iso:
            return ""
        if self._hours is None:
            slots = self.report.slots
            self._hours = dict(zip((s.start_ns for s in slots), hour_labels(slots, self.time_format)))
        moment = datetime.fromisoformat(iso)
        # An hour of another date (a report of a period): with its date.
        return self._hours.get(to_ns(moment)) or f"{moment.date().isoformat()} {clock(moment, self.time_format, 'hour')}"

    def summary_sums(self, table: Table) -> list[Marked]:
        """The summary's last row: 'Total', then each count column added up."""
        sums = [sum(values) for spec, values in zip(table.columns, table.data) if spec.kind == COUNT]
        return [(Text("Total", style=TOTAL_ROW_STYLE), ""), *((number(v, TOTAL_ROW_STYLE), "") for v in sums)]

    def legend(self) -> str:
        """What the marks made so far mean, in one line ('' when none)."""
        report, g = self.report, self.glyphs
        db = db_threshold(report) or report.threshold
        words = {OVER: f"{g.over} over the limit ({report.threshold:,} calls per hour per integration)",
                 NEAR: f"{g.near} at 75% of a limit or more",
                 TENANT: f"{g.tenant} over the tenant's {db:,} calls per rolling 60 minutes"}
        return " · ".join(words[level] for level in (OVER, NEAR, TENANT) if level in self.seen)


def aligned(rows: list[list[Marked]], widths: list[int]) -> list[list[Text]]:
    """Cells with their marks appended, padded to `widths` so that the digits
    of a column stay right-aligned whether a cell is marked or not."""
    return [[_with_marks(text, marks, width) for (text, marks), width in zip(row, widths)] for row in rows]


def _with_marks(text: Text, marks: str, width: int) -> Text:
    if not width:
        return text
    marked = text.copy()
    marked.append(" " + marks.ljust(width), style=text.style)
    return marked


def stacked(header: str) -> str:
    """A long header on two lines, so the column is as wide as its data needs."""
    words = header.split(" ")
    if len(words) < 2:
        return header
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def limited(table: Table, limit: int) -> Table:
    """The first `limit` rows (0: all) of a table shown to a person."""
    return table if limit == 0 else table.head(limit)


def shown_note(shown: int, total: int, how: str, noun: str = "") -> str:
    """What a table under --limit left out: 'first 5 of 19 shown (how)', or
    with a noun '10,450 calls, first 5 shown (how)'; when nothing was left
    out, the count alone, or nothing."""
    counted = plural(total, noun) if noun else ""
    if shown >= total:
        return counted
    if noun:
        return f"{counted}, first {shown:,} shown ({how})"
    return f"first {shown:,} of {total:,} shown ({how})"


# Captions and messages -----------------------------------------------------------

def caption(report: Report, extra: str = "") -> str:
    """What the report read and for what: files, calls (and skipped rows),
    the date, the zone and the hourly limit."""
    stats = report.stats
    parts = [f"{plural(stats.files, 'file')}, {plural(stats.rows, 'call')} read"]
    if stats.skipped_rows:
        parts[0] = (f"{plural(stats.files, 'file')}, {plural(stats.read, 'row')} read = "
                    f"{stats.rows:,} counted + {stats.skipped_rows:,} skipped")
    if stats.given:
        given = f"{plural(stats.given, 'call')} from hourly counts"
        parts[0] = f"{plural(stats.files, 'file')}, {given}" if not stats.read else f"{parts[0]}, {given}"
    if report.day:
        parts.append(report.day.isoformat())
    parts += [f"tenant {stats.tenant}"] if stats.tenant else []
    parts += [report.tz.key, f"limit {report.threshold:,} calls/hour per integration"]
    return " · ".join(parts) + (f" · {extra}" if extra else "")


def read_warnings(stats) -> list[str]:
    """One line per file with rows skipped or values left empty: '7 rows
    skipped (5 unparseable execution_start at lines 17, 42, 99, ...); 2
    unreadable execution_ms left empty at lines 6, 9'."""
    lines = []
    for name in dict.fromkeys([*stats.skipped, *stats.emptied]):
        reasons, emptied = stats.skipped.get(name, {}), stats.emptied.get(name, {})
        skipped = plural(sum(s.count for s in reasons.values()), "row")
        parts = [f"{skipped} skipped ({_counted(reasons)})"] if reasons else []
        parts += [_counted({f"unreadable {field} left empty": skip}) for field, skip in emptied.items()]
        lines.append(f"{name}: {'; '.join(parts)}")
    return lines


def _counted(reasons: dict) -> str:
    """'5 unparseable execution_start at lines 17, 42, 99, ...; 1 ... at line 7'.
    Positions have no thousands separators: in a comma-separated list, line
    5,588 would read as lines 5 and 588."""
    parts = []
    for reason, skip in reasons.items():
        more = skip.count > len(skip.where)
        unit = skip.unit if more or len(skip.where) > 1 else skip.unit.removesuffix("s")
        where = ", ".join(map(str, skip.where)) + (", ..." if more else "")
        parts.append(f"{skip.count:,} {reason}" + (f" at {unit} {where}" if skip.where else ""))
    return "; ".join(parts)


def messages(report: Report) -> list[tuple[str, str]]:
    """What to tell the user after the report, as (kind, text): notes about
    the report, then per file how its values were read, then a warning per
    file with rows skipped or values left empty."""
    stats = report.stats
    notes = [("note", note) for note in report.notes]
    for name in dict.fromkeys([*stats.notices, *stats.tallies]):
        notes += [("note", f"{name}: {notice}") for notice in stats.notices.get(name, [])]
        notes += [("note", f"{name}: {plural(count, noun)} {what}")
                  for (noun, what), count in stats.tallies.get(name, {}).items()]
    warned = [("warning", f"{name}: {text}") for name, texts in stats.warned.items() for text in texts]
    return notes + warned + [("warning", warning) for warning in read_warnings(stats)]
