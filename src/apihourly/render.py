"""Rich tables for people. The one place that decides colours, alignment,
number formats and captions. Data text enters only as `Text`, never markup,
with control characters shown as visible escapes."""

from __future__ import annotations

import re
from datetime import datetime

from rich import box
from rich.table import Table
from rich.text import Text

from .reports import APPROACHING_SHARE, Report
from .timeaxis import HourSlot, hour_label, repeated_wall_hours, to_ns

OVER_STYLE = "bold white on red"
APPROACHING_STYLE = "bold yellow"
TOTAL_ROW_STYLE = "bold"

# C0 controls, DEL and C1 controls: ESC, OSC and CSI sequences start here.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA."""
    import pandas as pd

    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def safe_text(value: object, style: str = "") -> Text:
    """Untrusted text as a Rich Text with control characters made visible."""
    text = "" if is_missing(value) else str(value)
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text), style=style)


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
    parts = [f"{stats.files:,} file{'s' * (stats.files != 1)}, {stats.rows:,} calls read"]
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


def _summary(report: Report, time_format: str, limit: int) -> Table:
    frame, cats = report.frame, report.categories
    table = _table(f"API activity by hour, {report.day}", caption(report))
    table.add_column("Hour", no_wrap=True)
    for label in [*cats, "Total calls"]:
        table.add_column(safe_text(label), justify="right")
    for label, (_, row) in zip(hour_labels(report.slots, time_format), frame.iterrows()):
        styles = [cell_style(int(row[c]), report.threshold) for c in cats]
        total_style = OVER_STYLE if OVER_STYLE in styles else ""
        table.add_row(Text(label), *(number(row[c], s) for c, s in zip(cats, styles)),
                      number(row["Total calls"], total_style))
    table.add_section()
    sums = frame[[*cats, "Total calls"]].sum()
    table.add_row(Text("Total", style=TOTAL_ROW_STYLE), *(number(v, TOTAL_ROW_STYLE) for v in sums))
    return table


def _iso_label(iso: str, slots: tuple[HourSlot, ...], time_format: str) -> str:
    if not iso:
        return ""
    labels = dict(zip((s.start_ns for s in slots), hour_labels(slots, time_format)))
    return labels.get(to_ns(datetime.fromisoformat(iso)), iso)


def _totals(report: Report, time_format: str, limit: int) -> Table:
    table = _table(f"Totals by integration, {report.day}", caption(report))
    for name in report.frame.columns:
        table.add_column(name, justify="right" if name not in ("Integration", "Kind") else "left")
    last = len(report.frame) - 1
    for i, row in enumerate(report.frame.itertuples(index=False)):
        style = TOTAL_ROW_STYLE if i == last else ""
        if i == last:
            table.add_section()
        table.add_row(
            safe_text(row[0], style), safe_text(row[1], style), number(row[2], style),
            Text(_iso_label(row[3], report.slots, time_format), style=style),
            number(row[4], cell_style(row[4], report.threshold) or style),
            number(row[5], OVER_STYLE if row[5] else style),
        )
    return table


def _days(report: Report, time_format: str, limit: int) -> Table:
    table = _table("Days with API activity", caption(report))
    for name in report.frame.columns:
        table.add_column(name, justify="left" if name == "Date" else "right")
    db_threshold = report.meta.get("db_threshold", report.threshold)
    for row in report.frame.itertuples(index=False):
        table.add_row(Text(row[0]), number(row[1]), number(row[2]), number(row[3], OVER_STYLE if row[3] else ""),
                      number(row[4], cell_style(row[4], db_threshold)))
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
    for row in shown.itertuples(index=False):
        table.add_row(
            safe_text(row[0]), safe_text(row[1]), number(row[2]), safe_text(row[3]), safe_text(row[4]),
            Text(_clock(row[5], time_format)), number(row[6]),
            Text("✓", style=OVER_STYLE) if row[7] else Text(""), safe_text(row[8]),
            Text(row[9], style=OVER_STYLE if row[9] else ""),
        )
    return table


def _stacked(header: str) -> str:
    """A long header on two lines, so the column is as wide as its data needs."""
    words = header.split(" ")
    if len(words) < 2:
        return header
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _clock(iso: str, time_format: str) -> str:
    """Time of day with milliseconds; the date and offset are in the title."""
    moment = datetime.fromisoformat(iso)
    if time_format == "12h":
        return f"{(moment.hour % 12) or 12}:{moment:%M:%S}.{moment.microsecond // 1000:03d} {moment:%p}"
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"
