"""The `limits` report for people: headline, a Unicode chart of the rolling
count with the 50/75/100% lines, and the tables. Cells come from cells.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.console import Group
from rich.text import Text

from ..count.rolling import tier_floors
from ..reports.model import Report
from .cells import LINE_STYLE, OVER_STYLE, UNICODE, Cells, Glyphs, clock, instant_text, limited, plural, shown_note, tier_style
from .tables import Layout, View, draw

CHART_WIDTH = 72  # columns of bars at most: one per 20 minutes of a day
CHART_HEIGHT = 8
AXIS = 7  # the y-axis labels: '100%', or the top's '12,345'
MOST_OVER = 2.5  # the chart's top, in thresholds: taller bars are clipped, so 50/75/100% stay apart
THREADS_LAYOUT = Layout(stacked=True, fold=True,
                        no_wrap=("Calls", "Without duration", "Max in flight", "Times over", "First over"))
INTERVALS_LAYOUT = Layout(fold=True, no_wrap=("Start", "End", "Max in flight"))


def limits(report: Report, view: View) -> Group:
    title = Text(f"Rolling 60-minute API usage, {report.day} (whole tenant)", style="bold")
    if not report.meta["calls"]:
        return Group(title, Text("No calls on this day."), Text(_caption(report), style=LINE_STYLE))
    time_format, limit, width = view.time_format, view.limit, view.width
    cells, parts = Cells(report, time_format, view.glyphs), report.parts
    minutes = parts["minutes"]
    return Group(
        title,
        _headline(report, time_format),
        Text(""),
        *rolling_chart(minutes.column("Rolling calls"), report.meta["db_threshold"], minutes.column("Minute"),
                       time_format, Chart(width, view.glyphs)),
        draw(parts["tiers"], cells, "Tiers of the rolling count", "", width=width),
        draw(parts["peak"], cells, "Integrations in the peak window", "", width=width),
        _limited(parts["threads"], cells, limit, THREADS_LAYOUT,
                 f"Calls in flight per integration and entity (limit {report.meta['max_threads']})", width),
        *([_limited(parts["intervals"], cells, limit, INTERVALS_LAYOUT,
                    f"Times over the thread limit ({len(parts['intervals']):,})", width)]
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


def _limited(table, cells: Cells, limit: int, layout: Layout, title: str, width: int | None):
    shown = limited(table, limit)
    note = shown_note(len(shown), len(table), "--limit 0 or --csv --part for all")
    return draw(shown, cells, title, note, layout, width)


@dataclass(frozen=True)
class Chart:
    """The room the chart has (None: its full 72 columns) and its glyphs."""

    width: int | None = None
    glyphs: Glyphs = UNICODE

    @property
    def bars(self) -> int:
        return max(min(CHART_WIDTH, (self.width or CHART_WIDTH + AXIS) - AXIS), 12)


def rolling_chart(peaks: list[int], threshold: int, minutes: list[str], time_format: str,
                  chart: Chart = Chart()) -> list[Text]:
    """Rows of block characters, highest first: one column per few minutes
    (the highest count among them), dotted lines at 50/75/100%, the top row
    labelled with its count. The scale ends at 2.5 times the threshold, so
    the three lines stay apart on a day far over it; taller bars are
    clipped and carry a mark at the top."""
    if not peaks:
        return []
    per = -(-len(peaks) // chart.bars)
    columns = [max(peaks[i:i + per]) for i in range(0, len(peaks), per)]
    floors = tier_floors(threshold)
    top = min(max(max(columns), threshold) * 1.1, MOST_OVER * threshold)
    step = top / CHART_HEIGHT
    lines = {min(int(level / step), CHART_HEIGHT - 1): label
             for level, label in zip((floors[0], floors[1], threshold), ("50%", "75%", "100%"))}
    rows = [_chart_row(columns, r * step, step, lines.get(r, ""), floors, chart.glyphs)
            for r in range(CHART_HEIGHT - 1, -1, -1)]
    rows[0] = _clipped(_top_label(rows[0], top, CHART_HEIGHT - 1 in lines), columns, top, chart.glyphs)
    return rows + [_time_axis(minutes, per, len(columns), time_format)]


def _chart_row(columns: list[int], low: float, step: float, label: str, floors, glyphs: Glyphs) -> Text:
    text = Text(f"{label:>{AXIS - 1}} ", style=LINE_STYLE)
    for value in columns:
        fill = min(max((value - low) / step, 0), 1)
        glyph = glyphs.blocks[round(fill * 8)]
        if glyph == " " and label:
            text.append(glyphs.dots, style=LINE_STYLE)
        else:
            text.append(glyph, style=tier_style(value, floors))
    return text


def _top_label(row: Text, top: float, has_line: bool) -> Text:
    """The top row's axis label: the count the chart reaches, unless a
    threshold line already labels that row."""
    if has_line:
        return row
    label = Text(f"{int(top):>{AXIS - 1},} ", style=LINE_STYLE)
    return label + row[AXIS:]


def _clipped(row: Text, columns: list[int], top: float, glyphs: Glyphs) -> Text:
    """Bars taller than the chart marked at the top."""
    marked = row.copy()
    for i, value in enumerate(columns):
        if value > top:
            marked.plain = marked.plain[:AXIS + i] + glyphs.clipped + marked.plain[AXIS + i + 1:]
    return marked


def _time_axis(minutes: list[str], per: int, width: int, time_format: str) -> Text:
    """Local hour marks every 3 hours under the chart's columns."""
    axis = [" "] * (width + AXIS)
    for i in range(0, len(minutes), per):
        for j in range(i, min(i + per, len(minutes))):
            moment = datetime.fromisoformat(minutes[j])
            if moment.minute == 0 and moment.hour % 3 == 0:
                label = clock(moment, time_format, "mark")
                col = AXIS + i // per
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
