"""The `limits` report for people: headline, a Unicode chart of the rolling
count with the 50/75/100% lines (and Autotask's own count where samples of
its counter were given), and the tables. Cells come from cells.py."""

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
COUNTER_LAYOUT = Layout(stacked=True)
SAMPLE_STYLE = "bold cyan"


def limits(report: Report, view: View) -> Group:
    title = Text(f"Rolling 60-minute API usage, {report.day} (whole tenant)", style="bold")
    if not report.meta["calls"]:
        counter = report.meta.get("counter")
        return Group(title, Text("No calls on this day."),
                     *([_counter_headline(counter, view.time_format)] if counter else []),
                     Text(_caption(report), style=LINE_STYLE))
    time_format, limit, width = view.time_format, view.limit, view.width
    cells, parts = Cells(report, time_format, view.glyphs), report.parts
    minutes, counter = parts["minutes"], report.meta.get("counter")
    samples = chart_samples(parts["counter"], minutes.column("Minute"))
    return Group(
        title,
        _headline(report, time_format),
        *([_counter_headline(counter, time_format)] if counter else []),
        Text(""),
        *rolling_chart(minutes.column("Rolling calls"), report.meta["db_threshold"], minutes.column("Minute"),
                       time_format, Chart(width, view.glyphs), samples),
        *([_chart_legend(counter, view.glyphs)] if counter else []),
        draw(parts["tiers"], cells, "Tiers of the rolling count", "", width=width),
        draw(parts["peak"], cells, "Integrations in the peak window", "", width=width),
        *([_counter_table(parts["counter"], Cells(report, time_format, view.glyphs), limit, width)]
          if counter else []),
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


def _counter_headline(counter: dict, time_format: str) -> Text:
    """The largest gap between Autotask's count and the replay, and when."""
    return Text(f"Largest gap to Autotask's own counter: {plural(counter['largest_gap'], 'call')} at "
                f"{instant_text(counter['largest_gap_at'], time_format)} (Autotask "
                f"{counter['count_at_largest_gap']:,}, logs {counter['replayed_at_largest_gap']:,}); "
                f"{plural(counter['samples'], 'sample')}.")


def _chart_legend(counter: dict, glyphs: Glyphs) -> Text:
    text = Text(f"{'':>{AXIS}}")
    text.append(glyphs.blocks[-1])
    text.append(" replayed from the logs  ", style=LINE_STYLE)
    text.append(glyphs.sample, style=SAMPLE_STYLE)
    text.append(f" Autotask's own count ({plural(counter['samples'], 'sample')})", style=LINE_STYLE)
    return text


def _counter_table(table, cells: Cells, limit: int, width: int | None):
    """The samples whose gap is largest first: the ones that need explaining.
    Its own cells, so its marks' legend is not repeated under other tables."""
    by_gap = table.take(table.order_by("Gap", descending=True))
    return _limited(by_gap, cells, limit, COUNTER_LAYOUT, "Autotask's own count, largest gaps first", width,
                    "--limit 0 or --csv --part counter for all")


def _limited(table, cells: Cells, limit: int, layout: Layout, title: str, width: int | None,
             how: str = "--limit 0 or --csv --part for all"):
    shown = limited(table, limit)
    note = shown_note(len(shown), len(table), how)
    return draw(shown, cells, title, note, layout, width)


@dataclass(frozen=True)
class Chart:
    """The room the chart has (None: its full 72 columns) and its glyphs."""

    width: int | None = None
    glyphs: Glyphs = UNICODE

    @property
    def bars(self) -> int:
        return max(min(CHART_WIDTH, (self.width or CHART_WIDTH + AXIS) - AXIS), 12)


def chart_samples(counter, minutes: list[str]) -> list[tuple[int, int]]:
    """(minute of the day, Autotask's count) of each counter sample."""
    if not len(counter) or not minutes:
        return []
    start = datetime.fromisoformat(minutes[0])
    return [(int((datetime.fromisoformat(at) - start).total_seconds() // 60), count)
            for at, count in zip(counter.column("Time"), counter.column("Autotask count"))]


def rolling_chart(peaks: list[int], threshold: int, minutes: list[str], time_format: str,
                  chart: Chart = Chart(), samples: list[tuple[int, int]] = ()) -> list[Text]:
    """Rows of block characters, highest first: one column per few minutes
    (the highest count among them), dotted lines at 50/75/100%, the top row
    labelled with its count. The scale ends at 2.5 times the threshold, so
    the three lines stay apart on a day far over it; taller bars are
    clipped and carry a mark at the top. `samples` ((minute, count) of
    Autotask's own counter) are marks at their height, the highest of a
    column's, over the bars."""
    if not peaks:
        return []
    per = -(-len(peaks) // chart.bars)
    columns = [max(peaks[i:i + per]) for i in range(0, len(peaks), per)]
    marks: dict[int, int] = {}
    for minute, count in samples:
        marks[minute // per] = max(count, marks.get(minute // per, count))
    floors = tier_floors(threshold)
    top = min(max(max(columns), *marks.values(), threshold) * 1.1, MOST_OVER * threshold)
    step = top / CHART_HEIGHT
    lines = {min(int(level / step), CHART_HEIGHT - 1): label
             for level, label in zip((floors[0], floors[1], threshold), ("50%", "75%", "100%"))}
    rows = [_with_marks(_chart_row(columns, r * step, step, lines.get(r, ""), floors, chart.glyphs),
                        marks, r, step, chart.glyphs)
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


def _with_marks(row: Text, marks: dict[int, int], r: int, step: float, glyphs: Glyphs) -> Text:
    """Row `r` with a sample mark in each column whose sample is at its
    height (the top row takes every sample above it too)."""
    for column, count in marks.items():
        level = min(int(count / step), CHART_HEIGHT - 1)
        if level == r:
            at = AXIS + column
            row = row[:at] + Text(glyphs.sample, style=SAMPLE_STYLE) + row[at + 1:]
    return row


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
        *([f"tenant {stats.tenant}"] if stats.tenant else []),
        report.tz.key,
        f"{plural(meta['calls_without_duration'], 'call')} without a duration, counted as instantaneous",
        *([f"{plural(counter['samples'], 'counter sample')} from {plural(counter['files'], 'file')}"]
          if (counter := meta.get("counter")) else []),
    ])
