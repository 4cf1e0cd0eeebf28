"""Rich tables for people: one drawing function for any report table, and
what each report adds to it (title, caption, the summary's sum row).

A number is never shortened. Columns of numbers, times and dates keep their
full width; when a table does not fit the width it has, their headers wrap
and text columns give way (shortened with an ellipsis); a summary too wide
even then is drawn in groups of columns, each with its Hour column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.console import Group
from rich.table import Table as RichTable
from rich.text import Text

from ..reports.model import Report
from ..reports.table import FLAG, TEXT, Column, Table, is_missing
from .cells import UNICODE, Cells, Glyphs, aligned, caption, limited, plural, shown_note, stacked, visible
from .fit import OVERHEAD, Part, column_groups, longest_word, wrapped


@dataclass(frozen=True)
class View:
    """How a report is drawn: its clock, the rows a long table shows, the
    width it has (None: as wide as it needs, for a file or a pipe) and the
    glyphs the output can encode."""

    time_format: str = "24h"
    limit: int = 100
    width: int | None = None
    glyphs: Glyphs = UNICODE


@dataclass(frozen=True)
class Layout:
    """How a table's text columns behave when space is short: headers on two
    lines, long values folded over lines or kept on one line and shortened."""

    stacked: bool = False
    fold: bool = False
    no_wrap: tuple[str, ...] = field(default=())


# SIMPLE_HEAD drawn with '-': Rich would otherwise swap in a full ASCII grid
# for a stream that cannot encode '─', wider than the table was fitted for.
SIMPLE_HEAD = box.Box(str(box.SIMPLE_HEAD).replace("─", "-"), ascii=True)


def new_table(title: str, caption_text: str, glyphs: Glyphs = UNICODE) -> RichTable:
    title, caption_text = glyphs.fit(visible(title)), glyphs.fit(caption_text)
    return RichTable(title=Text(title) if title else None, caption=Text(caption_text) if caption_text else None,
                     box=box.SIMPLE_HEAD if glyphs.unicode else SIMPLE_HEAD, pad_edge=False, collapse_padding=True, caption_justify="left",
                     title_justify="left")


def draw(table: Table, cells: Cells, title: str, caption_text: str, layout: Layout = Layout(),
         width: int | None = None, extra: list | None = None) -> RichTable:
    """Every row of `table` (then the `extra` rows) as a Rich table, footer
    rows set apart; the legend of any marks made closes the caption."""
    rows = aligned(cells.marked_rows(table) + (extra or []), cells.mark_widths(table))
    widths = [max((row[j].cell_len for row in rows), default=0) for j in range(len(table.columns))]
    # made visible before they are wrapped: the line breaks are ours
    names = [cells.glyphs.fit(visible(spec.name)) for spec in table.columns]
    headers = [stacked(name) if layout.stacked else name for name in names]
    tight = width is not None and _natural(widths, headers) > width
    rich = new_table(title, _with_legend(caption_text, cells), cells.glyphs)
    for spec, data_width, header in zip(table.columns, widths, headers):
        _add_column(rich, spec, data_width, header, layout, tight, cells.glyphs)
    body = len(table) - table.footer
    for i, row in enumerate(rows):
        if i in (body, len(table)) and i:
            rich.add_section()
        rich.add_row(*row)
    return rich


def _add_column(rich: RichTable, spec: Column, data_width: int, header: str, layout: Layout, tight: bool,
                glyphs: Glyphs) -> None:
    if spec.kind != TEXT:  # numbers, times, dates, flags: never shortened, the header wraps instead
        fixed = max(data_width, longest_word(header)) if tight else None
        shown = wrapped(header, fixed) if fixed else header
        rich.add_column(Text(shown), justify=spec.justify, no_wrap=True, width=fixed, min_width=data_width)
        return
    overflow = "fold" if layout.fold else "ellipsis" if glyphs.unicode else "crop"
    rich.add_column(Text(header), justify=spec.justify, overflow=overflow,
                    no_wrap=spec.name in layout.no_wrap)


def _natural(widths: list[int], headers: list[str]) -> int:
    """The width of the table with every header on its lines unbroken."""
    return sum(max(w, *(len(line) for line in h.split("\n"))) + OVERHEAD for w, h in zip(widths, headers))


def _with_legend(caption_text: str, cells: Cells) -> str:
    legend = cells.legend()
    return f"{caption_text}\n{legend}" if legend and caption_text else caption_text or legend


# The reports -------------------------------------------------------------------

def summary(report: Report, view: View):
    """The hours x integrations grid with its sum row: one table when it
    fits, else groups of integration columns, each with the Hour column."""
    cells = Cells(report, view.time_format, view.glyphs)
    table = without_idle_columns(report.table, report)
    rows = aligned(cells.marked_rows(table) + [cells.summary_sums(table)], cells.mark_widths(table))
    hidden = len(report.table.columns) - len(table.columns)
    extra = f"{plural(hidden, 'integration')} without calls hidden (--csv lists them)"
    note = caption(report, extra if hidden else "")
    return _in_parts(table, rows, cells, (f"API activity by hour, {report.day}", note), view, sums=True)


def hour_grid(report: Report, table: Table, view: View, title: str):
    """Rows of the summary grid without its sum row (watch's current hour),
    in groups of columns when they do not fit, as the summary is."""
    cells = Cells(report, view.time_format, view.glyphs)
    rows = aligned(cells.marked_rows(table), cells.mark_widths(table))
    return _in_parts(table, rows, cells, (title, ""), view)


def _in_parts(table: Table, rows: list[list[Text]], cells: Cells, texts: tuple[str, str], view: View,
              sums: bool = False):
    """The table whole when it fits the width, else in groups of columns,
    each led by the first column; `texts` are the title and the caption
    (under the last group); with `sums`, the last row is set apart."""
    widths = [max((row[j].cell_len for row in rows), default=0) for j in range(len(table.columns))]
    groups = column_groups(widths, [view.glyphs.fit(visible(name)) for name in table.names], view.width)
    title, note = texts
    tables = [_summary_part(table, rows, group, title if i == 0 else "", _part_caption(i, groups, note, cells),
                            cells.glyphs, sums)
              for i, group in enumerate(groups)]
    return tables[0] if len(tables) == 1 else Group(*_spaced(tables))


def _part_caption(i: int, groups: list, note: str, cells: Cells) -> str:
    if i < len(groups) - 1:
        return ""
    return _with_legend(note, cells)


def _summary_part(table: Table, rows: list[list[Text]], group: Part, title: str, caption_text: str,
                  glyphs: Glyphs, sums: bool = True) -> RichTable:
    rich = new_table(title, caption_text, glyphs)
    for j, header, fixed in group:
        spec = table.columns[j]
        rich.add_column(Text(header), justify=spec.justify, no_wrap=True, width=fixed)
    for i, row in enumerate(rows):
        if sums and i == len(rows) - 1:
            rich.add_section()
        rich.add_row(*(row[j] for j, _, _ in group))
    return rich


def _spaced(tables: list[RichTable]) -> list:
    out = []
    for t in tables:
        out += [t, Text("")] if t is not tables[-1] else [t]
    return out


def without_idle_columns(table: Table, report: Report) -> Table:
    """The summary without integration columns that have no calls all day
    (a table for people only: CSV and JSON keep every column)."""
    idle = {name for name in report.categories if name in table.names and not any(table.column(name))}
    if not idle:
        return table
    keep = [i for i, spec in enumerate(table.columns) if spec.name not in idle]
    return Table([table.columns[i] for i in keep], [table.data[i] for i in keep], table.footer)


def totals(report: Report, view: View) -> RichTable:
    cells = Cells(report, view.time_format, view.glyphs)
    return draw(report.table, cells, f"Totals by integration, {report.day}", caption(report), width=view.width)


def days(report: Report, view: View) -> RichTable:
    cells = Cells(report, view.time_format, view.glyphs)
    return draw(report.table, cells, "Days with API activity", caption(report), width=view.width)


# Activity: the columns a person reads first, one line per call (`less -S`
# then works), and columns with one value for every call said once above.
ACTIVITY_FIRST = ("Execution Start", "Method", "Entity", "Execution Time (ms)", "Threshold Exceeded", "Limit Reason")
ACTIVITY_LAYOUT = Layout(stacked=True, no_wrap=("Method", "Entity", "Integration Name", "Resource / API User",
                                                "Client IP Address", "Limit Reason", "Logged Threshold Exceeded"))


def activity(report: Report, view: View) -> RichTable:
    table = report.table
    shown = limited(table, view.limit)
    note = shown_note(len(shown), len(table), "--limit 0 or --csv for all", noun="call") if len(table) else "no calls"
    cells = Cells(report, view.time_format, view.glyphs)
    if not report.meta.get("columns_chosen"):
        shown, same = collapse_constant(reordered(shown, ACTIVITY_FIRST))
        note = " · ".join([*same, note]) if same else note
    return draw(shown, cells, f"Activity: {report.title}", caption(report, note), ACTIVITY_LAYOUT, view.width)


def reordered(table: Table, first: tuple[str, ...]) -> Table:
    """The same table with the columns named in `first` first, in that order."""
    order = [n for n in first if n in table.names] + [n for n in table.names if n not in first]
    return table.select(order)


def collapse_constant(table: Table) -> tuple[Table, list[str]]:
    """Text and flag columns with one value in every row (of two or more)
    left out of the table and said once instead: 'Integration Name: Datto
    RMM', 'Threshold Exceeded: no', 'Limit Reason: none'."""
    if len(table) < 2:
        return table, []
    same = [spec for spec in table.columns
            if spec.kind in (TEXT, FLAG) and len(set(table.column(spec.name))) == 1]
    said = [f"{spec.name}: {_said(spec, table.column(spec.name)[0])}" for spec in same]
    return table.select([n for n in table.names if n not in {spec.name for spec in same}]), said


def _said(spec: Column, value: object) -> str:
    if spec.kind == FLAG:
        return "yes" if value else "no"
    return visible(str(value)) if not is_missing(value) and str(value) else "none"


def plain(report: Report, view: View) -> RichTable:
    """A report without a drawing of its own: its table under its title."""
    table = report.table
    shown = limited(table, view.limit)
    note = shown_note(len(shown), len(table), "--limit 0 or --csv for all")
    cells = Cells(report, view.time_format, view.glyphs)
    return draw(shown, cells, report.title or report.kind, caption(report, note), width=view.width)



def tenants(report: Report, view: View):
    """The tenants, in groups of columns led by the Tenant when the table is
    wider than the terminal: a fleet's table has a dozen columns."""
    shown = limited(report.table, view.limit)
    note = shown_note(len(shown), len(report.table), "a larger --top, or --csv for all")
    cells = Cells(report, view.time_format, view.glyphs)
    rows = aligned(cells.marked_rows(shown), cells.mark_widths(shown))
    return _in_parts(shown, rows, cells, (report.title, caption(report, note)), view)
