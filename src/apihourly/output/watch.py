"""`apihourly watch` for people: the rolling count as a bar with the 50%,
75% and 100% marks, the tier in words, the integrations filling the window,
the current hour as the summary shows it, and thread-limit stretches.
The same drawing serves the live display and --once."""

from __future__ import annotations

import math
from datetime import datetime

from rich.console import Group
from rich.text import Text

from ..count.rolling import TIERS, tier_floors
from ..reports.model import Report
from ..reports.hourly import grid_table
from ..reports.table import Table
from ..words import plural, visible
from .cells import LINE_STYLE, Cells, Glyphs, instant_text, tier_style
from .tables import View, draw, hour_grid

BAR_WIDTH = 60  # cells of the bar at most; it spans 0 to 100% of the threshold
ASCII_BAR = ("#", "-", "|")


def watch(report: Report, view: View) -> Group:
    meta, parts = report.meta, report.parts
    cells = Cells(report, view.time_format, view.glyphs)
    threads = parts["threads"]
    return Group(
        _title(report, view.time_format),
        *bar(meta["rolling_calls"], meta["db_threshold"], min(view.width or BAR_WIDTH + 8, BAR_WIDTH + 8) - 8,
             view.glyphs),
        headline(report),
        _ends(report, view.time_format),
        Text(""),
        draw(parts["integrations"], cells, "Integrations in the window", _trend_caption())
        if len(parts["integrations"]) else Text("No calls in the last 60 minutes.", style=LINE_STYLE),
        hour_grid(report, _hour_row(report), view, "This hour so far"),
        draw(threads, cells, f"Over the thread limit ({meta['max_threads']}) in the last 5 minutes", "")
        if len(threads) else Text(f"No integration over the thread limit ({meta['max_threads']} in flight per "
                                  "entity) in the last 5 minutes.", style=LINE_STYLE),
        Text(_read_line(report), style=LINE_STYLE),
    )


def _title(report: Report, time_format: str) -> Text:
    end = instant_text(report.covers["window_end"], time_format)
    tenant = report.stats.tenant
    return Text(f"Rolling 60 minutes to {end}, " + (f"tenant {visible(tenant)}" if tenant else "whole tenant"),
                style="bold")


def _ends(report: Report, time_format: str) -> Text:
    """The calls at either end of the window: the newest (the window's end
    while calls arrive) and the oldest, which leaves first."""
    meta = report.meta
    day = datetime.fromisoformat(report.covers["window_end"]).date()
    newest = instant_text(meta["newest_call"], time_format, day) or "none yet"
    text = f"Newest call {newest}"
    if meta["oldest_leaves_in_s"] is not None:
        oldest = instant_text(meta["oldest_call"], time_format, day)
        text += f"; the oldest, {oldest}, leaves the window in {_duration(meta['oldest_leaves_in_s'])}"
    return Text(text + ".", style=LINE_STYLE)


def _hour_row(report: Report) -> Table:
    """This hour's calls as the summary's row: Hour, a column per
    integration with calls, Total calls."""
    hour = report.parts["hour"]
    return grid_table(hour.column("Integration"), [(report.meta["hour_start"], hour.column("Calls"))])


def bar(count: int, threshold: int, width: int, glyphs: Glyphs) -> list[Text]:
    """Two lines: the count as a bar of `width` cells for 0-100% of the
    threshold, and under it the marks of 50%, 75% and 100%. The bar takes
    the tier's style; its meaning is in the headline's words too."""
    full, empty, mark = ("█", "░", "│") if glyphs.unicode else ASCII_BAR
    width = max(width, 12)
    filled = min(width, -(-count * width // threshold)) if count else 0
    line = Text("[")
    line.append(full * filled, style=tier_style(count, tier_floors(threshold)) or "green")
    line.append(empty * (width - filled), style=LINE_STYLE)
    line.append("]" + (f" +{count - threshold:,} over" if count > threshold else ""))
    marks = [" "] * (width + 6)
    for share, _ in TIERS:
        at = share * width // 100  # the cell after the last one of `share`: the mark sits at the share itself
        label = f"{mark}{share}%"
        start = min(at, width + 6 - len(label))
        marks[start:start + len(label)] = label
    return [line, Text("".join(marks).rstrip(), style=LINE_STYLE)]


def headline(report: Report) -> Text:
    meta = report.meta
    text = Text(f"{meta['rolling_calls']:,} of {meta['db_threshold']:,} calls ({meta['share_pct']:.1f}%); ")
    tier = meta["tier"]
    words = f"below 50%: {meta['effect']}" if not tier else f"{meta['tier_name']} tier: {meta['effect']}"
    text.append(words, style=tier_style(meta["rolling_calls"], tier_floors(meta["db_threshold"])))
    return text


def _duration(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def _trend_caption() -> str:
    return "Trend: the last 5 minutes against the 5 before"


def _read_line(report: Report) -> str:
    meta = report.meta
    skipped = meta["skipped_rows_total"]
    return (f"{plural(meta['calls_total'], 'call')} read since the watch began"
            + (f"; {plural(skipped, 'row')} skipped (unreadable)" if skipped else ""))
