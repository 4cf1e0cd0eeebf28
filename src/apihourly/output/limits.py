"""The `limits` report for people: headline, a Unicode chart of the rolling
count with the 50/75/100% lines, and the tables. Cells come from cells.py."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.text import Text

from ..count.rolling import tier_floors
from ..reports.model import Report
from .cells import LINE_STYLE, OVER_STYLE, Cells, clock, instant_text, limited, plural, shown_note, tier_style
from .tables import Layout, draw

CHART_WIDTH = 72
CHART_HEIGHT = 8
_EIGHTHS = " ▁▂▃▄▅▆▇█"
THREADS_LAYOUT = Layout(stacked=True, fold=True,
                        no_wrap=("Calls", "Without duration", "Max in flight", "Times over", "First over"))
INTERVALS_LAYOUT = Layout(fold=True, no_wrap=("Start", "End", "Max in flight"))


def limits(report: Report, time_format: str, limit: int) -> Group:
    title = Text(f"Rolling 60-minute API usage, {report.day} (whole tenant)", style="bold")
    if not report.meta["calls"]:
        return Group(title, Text("No calls on this day."), Text(_caption(report), style=LINE_STYLE))
    cells, parts = Cells(report, time_format), report.parts
    minutes = parts["minutes"]
    return Group(
        title,
        _headline(report, time_format),
        Text(""),
        *rolling_chart(minutes.column("Rolling calls"), report.meta["db_threshold"], minutes.column("Minute"),
                       time_format),
        draw(parts["tiers"], cells, "Tiers of the rolling count", ""),
        draw(parts["peak"], cells, "Integrations in the peak window", ""),
        _limited(parts["threads"], cells, limit, THREADS_LAYOUT,
                 f"Calls in flight per integration and entity (limit {report.meta['max_threads']})"),
        *([_limited(parts["intervals"], cells, limit, INTERVALS_LAYOUT,
                    f"Times over the thread limit ({len(parts['intervals']):,})")]
          if len(parts["intervals"]) else []),
        Text(_caption(report), style=LINE_STYLE),
    )


def _headline(report: Report, time_format: str) -> Text:
    meta = report.meta
    style = OVER_STYLE if meta["peak"] > meta["db_threshold"] else ""
    text = Text("Peak ")
    text.append(plural(meta["peak"], "call"), style=style)
    text.append(f" in the 60 minutes to {instant_text(meta['peak_at'], time_format)}; "
                f"limit {meta['db_threshold']:,} per rolling hour.")
    return text


def _limited(table, cells: Cells, limit: int, layout: Layout, title: str):
    shown = limited(table, limit)
    return draw(shown, cells, title, shown_note(len(shown), len(table), "--limit 0 or --csv --part for all"), layout)


def rolling_chart(peaks: list[int], threshold: int, minutes: list[str], time_format: str) -> list[Text]:
    """Rows of block characters, highest first: one column per few minutes
    (the highest count among them), dotted lines at 50/75/100%."""
    if not peaks:
        return []
    per = -(-len(peaks) // CHART_WIDTH)
    columns = [max(peaks[i:i + per]) for i in range(0, len(peaks), per)]
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
                label = clock(moment, time_format, "mark")
                col = 6 + i // per
                if all(c == " " for c in axis[col:col + len(label) + 1]):
                    axis[col:col + len(label)] = label
                break
    return Text("".join(axis).rstrip(), style=LINE_STYLE)


def _caption(report: Report) -> str:
    stats, meta = report.stats, report.meta
    return " · ".join([
        f"{plural(stats.files, 'file')}, {plural(stats.rows, 'call')} read "
        f"({meta['calls']:,} on the day, the rest from the hour before)",
        report.tz.key,
        f"{plural(meta['calls_without_duration'], 'call')} without a duration, counted as instantaneous",
    ])
