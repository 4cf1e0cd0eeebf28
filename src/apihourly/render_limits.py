"""The `limits` report for people: headline, a Unicode chart of the rolling
count with the 50/75/100% lines, and the tables. Colours come from render.py."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.text import Text

from .limits import tier_floors
from .render import APPROACHING_STYLE, OVER_STYLE, _stacked, _table, number, safe_text
from .reports import Report
from .timeaxis import NS

CHART_WIDTH = 72
CHART_HEIGHT = 8
LATENCY_STYLE = "yellow"
LINE_STYLE = "dim"
_EIGHTHS = " ▁▂▃▄▅▆▇█"
_MINUTE_NS = 60 * NS


def render_limits(report: Report, time_format: str, limit: int) -> Group:
    parts, title = report.parts, Text(f"Rolling 60-minute API usage, {report.day} (whole tenant)", style="bold")
    if not report.meta["calls"]:
        return Group(title, Text("No calls on this day."), Text(_caption(report), style=LINE_STYLE))
    return Group(
        title,
        _headline(report, time_format),
        Text(""),
        *rolling_chart(parts["minutes"]["Rolling calls"].to_numpy(), report.meta["db_threshold"],
                       parts["minutes"]["Minute"].tolist(), time_format),
        _tiers(report, time_format),
        _peak(report),
        _threads(report, time_format, limit),
        *([_intervals(report, time_format, limit)] if len(parts["intervals"]) else []),
        Text(_caption(report), style=LINE_STYLE),
    )


def _headline(report: Report, time_format: str) -> Text:
    meta = report.meta
    style = OVER_STYLE if meta["peak"] > meta["db_threshold"] else ""
    text = Text("Peak ")
    text.append(f"{meta['peak']:,} calls", style=style)
    text.append(f" in the 60 minutes to {clock(meta['peak_at'], time_format)}; "
                f"limit {meta['db_threshold']:,} per rolling hour.")
    return text


def tier_style(calls: int, floors: list[int]) -> str:
    if calls >= floors[2]:
        return OVER_STYLE
    if calls >= floors[1]:
        return APPROACHING_STYLE
    return LATENCY_STYLE if calls >= floors[0] else ""


def rolling_chart(peaks, threshold: int, minutes: list[str], time_format: str) -> list[Text]:
    """Rows of block characters, highest first: one column per few minutes
    (the highest count among them), dotted lines at 50/75/100%."""
    import numpy as np

    if not len(peaks):
        return []
    per = -(-len(peaks) // CHART_WIDTH)
    columns = [int(chunk.max()) for chunk in np.array_split(peaks, range(per, len(peaks), per))]
    floors = tier_floors(threshold)
    top = max(max(columns), threshold) * 1.1
    step = top / CHART_HEIGHT
    lines = {min(int(level / step), CHART_HEIGHT - 1): label
             for level, label in zip((floors[0], floors[1], threshold), ("50%", "75%", "100%"))}
    rows = [_chart_row(columns, r * step, step, r in lines, floors, lines.get(r, ""))
            for r in range(CHART_HEIGHT - 1, -1, -1)]
    return rows + [_time_axis(minutes, per, len(columns), time_format)]


def _chart_row(columns: list[int], low: float, step: float, line: bool, floors, label: str) -> Text:
    text = Text(f"{label:>5} ", style=LINE_STYLE)
    for value in columns:
        fill = min(max((value - low) / step, 0), 1)
        glyph = _EIGHTHS[round(fill * 8)]
        if glyph == " " and line:
            text.append("┄", style=LINE_STYLE)
        else:
            text.append(glyph, style=tier_style(value, floors))
    return text


def _time_axis(minutes: list[str], per: int, width: int, time_format: str) -> Text:
    """Local hour marks every 3 hours under the chart's columns."""
    axis = [" "] * (width + 6)
    for i in range(0, len(minutes), per):
        for j in range(i, min(i + per, len(minutes))):
            moment = datetime.fromisoformat(minutes[j])
            if moment.minute == 0 and moment.hour % 3 == 0:
                label = _hour_mark(moment, time_format)
                col = 6 + i // per
                if all(c == " " for c in axis[col:col + len(label) + 1]):
                    axis[col:col + len(label)] = label
                break
    return Text("".join(axis).rstrip(), style=LINE_STYLE)


def _hour_mark(moment: datetime, time_format: str) -> str:
    if time_format == "12h":
        return f"{(moment.hour % 12) or 12}{'a' if moment.hour < 12 else 'p'}"
    return f"{moment.hour:02d}"


def clock(iso: str, time_format: str, day=None) -> str:
    """Time of day with milliseconds; with the date when it is not `day`."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    ms = f"{moment.microsecond // 1000:03d}"
    text = (f"{(moment.hour % 12) or 12}:{moment:%M:%S}.{ms} {moment:%p}" if time_format == "12h"
            else f"{moment:%H:%M:%S}.{ms}")
    return text if day is None or moment.date() == day else f"{moment.date().isoformat()} {text}"


def _tiers(report: Report, time_format: str):
    frame = report.parts["tiers"]
    table = _table("Tiers of the rolling count", "")
    for name in frame.columns:
        table.add_column(name, justify="right" if name in ("From calls", "Minutes") else "left")
    styles = (LATENCY_STYLE, APPROACHING_STYLE, OVER_STYLE)
    for style, row in zip(styles, frame.itertuples(index=False)):
        reached = style if row[3] else ""
        table.add_row(Text(row[0], style=reached), number(row[1]), Text(row[2]),
                      Text(clock(row[3], time_format, report.day) or "not reached", style=reached),
                      number(row[4]))
    return table


def _peak(report: Report):
    frame = report.parts["peak"]
    table = _table("Integrations in the peak window", "")
    for name in frame.columns:
        table.add_column(name, justify="left" if name == "Integration" else "right")
    for row in frame.itertuples(index=False):
        table.add_row(safe_text(row[0]), number(row[1]), Text(f"{row[2]:.1f}"))
    return table


def _shown(frame, limit: int):
    shown = frame if limit == 0 else frame.head(limit)
    more = len(frame) - len(shown)
    return shown, (f"first {len(shown):,} of {len(frame):,} shown (--limit 0 or --csv --part for all)"
                   if more else "")


def _threads(report: Report, time_format: str, limit: int):
    frame, max_threads = report.parts["threads"], report.meta["max_threads"]
    shown, note = _shown(frame, limit)
    table = _table(f"Calls in flight per integration and entity (limit {max_threads})", note)
    for name in frame.columns:
        text = name in ("Integration", "Entity")
        table.add_column(_stacked(name), justify="left" if text or name == "First over" else "right",
                         overflow="fold", no_wrap=not text)
    for row in shown.itertuples(index=False):
        over = OVER_STYLE if row[4] > max_threads else ""
        table.add_row(safe_text(row[0]), safe_text(row[1]), number(row[2]), number(row[3]),
                      number(row[4], over), number(row[5], over), Text(clock(row[6], time_format, report.day)))
    return table


def _intervals(report: Report, time_format: str, limit: int):
    frame = report.parts["intervals"]
    shown, note = _shown(frame, limit)
    table = _table(f"Times over the thread limit ({len(frame):,})", note)
    for name in frame.columns:
        table.add_column(name, justify="right" if name == "Max in flight" else "left", overflow="fold",
                         no_wrap=name not in ("Integration", "Entity"))
    for row in shown.itertuples(index=False):
        table.add_row(safe_text(row[0]), safe_text(row[1]), Text(clock(row[2], time_format, report.day)),
                      Text(clock(row[3], time_format, report.day)), number(row[4], OVER_STYLE))
    return table


def _caption(report: Report) -> str:
    stats, meta = report.stats, report.meta
    return " · ".join([
        f"{stats.files:,} file{'s' * (stats.files != 1)}, {stats.rows:,} calls read "
        f"({meta['calls']:,} on the day, the rest from the hour before)",
        report.tz.key,
        f"{meta['calls_without_duration']:,} calls without a duration, counted as instantaneous",
    ])
