"""Rich tables for people. The one place that decides colours, alignment,
number formats and captions. Data text enters only as `Text`, never markup,
with control characters shown as visible escapes."""

from __future__ import annotations

import re
from datetime import datetime

from rich import box
from rich.table import Table
from rich.text import Text

from .grid import is_missing
from .reports import APPROACHING_SHARE, Report
from .rows import plural
from .timeaxis import HourSlot, hour_label, repeated_wall_hours, to_ns

OVER_STYLE = "bold white on red"
APPROACHING_STYLE = "bold yellow"
TOTAL_ROW_STYLE = "bold"

# C0 controls, DEL and C1 controls (ESC, OSC and CSI sequences start here),
# and the bidirectional overrides that can make text read differently.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Control characters (ESC, OSC, CSI, BEL, DEL, ...) as visible escapes."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: object, style: str = "") -> Text:
    """Untrusted text as a Rich Text with control characters made visible."""
    return Text("" if is_missing(value) else visible(str(value)), style=style)


def number(value: object, style: str = "") -> Text:
    if is_missing(value):
        return Text("")
    return Text(f"{int(value):,}", style=style)


def render(report: Report, time_format: str = "24h", limit: int = 100):
    """A Rich renderable for the report: a Table, or a Group for `limits`."""
    from .render_limits import render_limits

    renderers = {"summary": _summary, "totals": _totals, "days": _days, "activity": _activity,
                 "limits": render_limits}
    return renderers[report.kind](report, time_format, limit)


def _table(title: str, caption: str) -> Table:
    return Table(title=Text(title), caption=Text(caption), box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                 caption_justify="left", title_justify="left")


def caption(report: Report, extra: str = "") -> str:
    stats = report.stats
    parts = [f"{plural(stats.files, 'file')}, {plural(stats.rows, 'call')} read"]
    if stats.skipped_rows:
        parts[0] = (f"{plural(stats.files, 'file')}, {plural(stats.read, 'row')} read = "
                    f"{stats.rows:,} counted + {stats.skipped_rows:,} skipped")
    if report.day:
        parts.append(report.day.isoformat())
    parts += [report.tz.key, f"limit {report.threshold:,} calls/hour per integration"]
    return " · ".join(parts) + (f" · {extra}" if extra else "")


def cell_style(calls: int, threshold: int) -> str:
    if calls > threshold:
        return OVER_STYLE
    if calls and calls >= APPROACHING_SHARE * threshold:
        return APPROACHING_STYLE
    return ""


def hour_labels(slots: tuple[HourSlot, ...], time_format: str) -> list[str]:
    twice = repeated_wall_hours(slots)
    return [hour_label(s, time_format, s.start.hour in twice) for s in slots]


def summary_cells(report: Report, time_format: str) -> list[list[Text]]:
    """One row of cells per hour: label, a count per category, Total calls."""
    frame, cats = report.frame, report.categories
    # Rows are (Hour, *categories, Total calls); read as tuples, not through pandas.
    rows = []
    for label, row in zip(hour_labels(report.slots, time_format), _count_rows(frame)):
        styles = [cell_style(int(v), report.threshold) for v in row[:-1]]
        total_style = OVER_STYLE if OVER_STYLE in styles else ""
        rows.append([Text(label), *(number(v, s) for v, s in zip(row, styles)), number(row[-1], total_style)])
    return rows


def _count_rows(frame) -> list[tuple]:
    return [row[1:] for row in frame.itertuples(index=False, name=None)]


def summary_sum_cells(report: Report) -> list[Text]:
    rows = _count_rows(report.frame)
    sums = [sum(int(v) for v in column) for column in zip(*rows)] if rows else [0] * (len(report.categories) + 1)
    return [Text("Total", style=TOTAL_ROW_STYLE), *(number(v, TOTAL_ROW_STYLE) for v in sums)]


def _summary(report: Report, time_format: str, limit: int) -> Table:
    table = _table(f"API activity by hour, {report.day}", caption(report))
    table.add_column("Hour", no_wrap=True)
    for label in [*report.categories, "Total calls"]:
        table.add_column(safe_text(label), justify="right")
    for cells in summary_cells(report, time_format):
        table.add_row(*cells)
    table.add_section()
    table.add_row(*summary_sum_cells(report))
    return table


def iso_hour_label(iso: str, slots: tuple[HourSlot, ...], time_format: str) -> str:
    if not iso:
        return ""
    labels = dict(zip((s.start_ns for s in slots), hour_labels(slots, time_format)))
    return labels.get(to_ns(datetime.fromisoformat(iso)), iso)


def totals_cells(report: Report, time_format: str) -> list[list[Text]]:
    """One row of cells per integration; the last (Grand total) row in bold."""
    last = len(report.frame) - 1
    rows = []
    for i, row in enumerate(report.frame.itertuples(index=False)):
        style = TOTAL_ROW_STYLE if i == last else ""
        rows.append([
            safe_text(row[0], style), safe_text(row[1], style), number(row[2], style),
            Text(iso_hour_label(row[3], report.slots, time_format), style=style),
            number(row[4], cell_style(row[4], report.threshold) or style),
            number(row[5], OVER_STYLE if row[5] else style),
        ])
    return rows


def _totals(report: Report, time_format: str, limit: int) -> Table:
    table = _table(f"Totals by integration, {report.day}", caption(report))
    for name in report.frame.columns:
        table.add_column(name, justify="right" if name not in ("Integration", "Kind") else "left")
    rows = totals_cells(report, time_format)
    for i, cells in enumerate(rows):
        if i == len(rows) - 1:
            table.add_section()
        table.add_row(*cells)
    return table


def days_cells(report: Report) -> list[list[Text]]:
    db_threshold = report.meta.get("db_threshold", report.threshold)
    return [[Text(row[0]), number(row[1]), number(row[2]), number(row[3], OVER_STYLE if row[3] else ""),
             number(row[4], cell_style(row[4], db_threshold))]
            for row in report.frame.itertuples(index=False)]


def _days(report: Report, time_format: str, limit: int) -> Table:
    table = _table("Days with API activity", caption(report))
    for name in report.frame.columns:
        table.add_column(name, justify="left" if name == "Date" else "right")
    for cells in days_cells(report):
        table.add_row(*cells)
    return table


def _activity(report: Report, time_format: str, limit: int) -> Table:
    frame = report.frame
    shown = frame if limit == 0 else frame.head(limit)
    left_out = len(frame) - len(shown)
    note = f"{len(frame):,} calls" + (f", first {len(shown):,} shown (--limit 0 or --csv for all)" if left_out else "")
    table = _table(f"Activity: {report.title}", caption(report, note))
    for name in frame.columns:
        numeric = name in ("Request Return Count", "Execution Time (ms)", "Threshold Exceeded")
        table.add_column(_stacked(name), justify="right" if numeric else "left", overflow="fold",
                         no_wrap=name in ("Method", "Execution Start"))
    for cells in activity_cells(shown, time_format):
        table.add_row(*cells)
    return table


def activity_cells(frame, time_format: str) -> list[list[Text]]:
    """One row of cells per call of an activity frame (or a slice of one)."""
    return [[
        safe_text(row[0]), safe_text(row[1]), number(row[2]), safe_text(row[3]), safe_text(row[4]),
        Text(clock(row[5], time_format)), number(row[6]),
        Text("✓", style=OVER_STYLE) if row[7] else Text(""), safe_text(row[8]),
        Text(row[9], style=OVER_STYLE if row[9] else ""),
    ] for row in frame.itertuples(index=False)]


def _stacked(header: str) -> str:
    """A long header on two lines, so the column is as wide as its data needs."""
    words = header.split(" ")
    if len(words) < 2:
        return header
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def clock(iso: str, time_format: str) -> str:
    """Time of day with milliseconds; the date and offset are in the title."""
    moment = datetime.fromisoformat(iso)
    if time_format == "12h":
        return f"{(moment.hour % 12) or 12}:{moment:%M:%S}.{moment.microsecond // 1000:03d} {moment:%p}"
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"
