"""Rich tables for people: one drawing function for any report table, and
what each report adds to it (title, caption, the summary's sum row)."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.table import Table as RichTable
from rich.text import Text

from ..reports.model import Report
from ..reports.table import Table
from .cells import Cells, caption, limited, safe_text, shown_note, stacked, visible


@dataclass(frozen=True)
class Layout:
    """How a table's columns behave in a narrow terminal: headers on two
    lines, long values folded rather than cut, columns kept on one line."""

    stacked: bool = False
    fold: bool = False
    no_wrap: tuple[str, ...] = ()


def new_table(title: str, caption_text: str) -> RichTable:
    return RichTable(title=Text(title), caption=Text(caption_text), box=box.SIMPLE_HEAD, pad_edge=False,
                     collapse_padding=True, caption_justify="left", title_justify="left")


def draw(table: Table, cells: Cells, title: str, caption_text: str, layout: Layout = Layout()) -> RichTable:
    """Every row of `table` as a Rich table, footer rows set apart."""
    rich = new_table(title, caption_text)
    for spec in table.columns:
        header = Text(stacked(visible(spec.name))) if layout.stacked else safe_text(spec.name)
        rich.add_column(header, justify=spec.justify, no_wrap=spec.name in layout.no_wrap,
                        overflow="fold" if layout.fold else "ellipsis")
    for i, row in enumerate(cells.rows(table)):
        if i == len(table) - table.footer:
            rich.add_section()
        rich.add_row(*row)
    return rich


def summary(report: Report, time_format: str, limit: int) -> RichTable:
    cells = Cells(report, time_format)
    rich = draw(report.table, cells, f"API activity by hour, {report.day}", caption(report),
                Layout(no_wrap=("Hour",)))
    rich.add_section()
    rich.add_row(*cells.summary_sums(report.table))
    return rich


def totals(report: Report, time_format: str, limit: int) -> RichTable:
    return draw(report.table, Cells(report, time_format), f"Totals by integration, {report.day}", caption(report))


def days(report: Report, time_format: str, limit: int) -> RichTable:
    return draw(report.table, Cells(report, time_format), "Days with API activity", caption(report))


ACTIVITY_LAYOUT = Layout(stacked=True, fold=True, no_wrap=("Method", "Execution Start"))


def activity(report: Report, time_format: str, limit: int) -> RichTable:
    table = report.table
    shown = limited(table, limit)
    note = shown_note(len(shown), len(table), "--limit 0 or --csv for all", noun="call") if len(table) else "no calls"
    return draw(shown, Cells(report, time_format), f"Activity: {report.title}", caption(report, note),
                ACTIVITY_LAYOUT)


def plain(report: Report, time_format: str, limit: int) -> RichTable:
    """A report without a drawing of its own: its table under its title."""
    table = report.table
    shown = limited(table, limit)
    note = shown_note(len(shown), len(table), "--limit 0 or --csv for all")
    return draw(shown, Cells(report, time_format), report.title or report.kind, caption(report, note))
