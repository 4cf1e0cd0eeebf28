"""The one way a report leaves apihourly, for every report: a table for
people, CSV or JSON on a stream, or a file written atomically."""

from __future__ import annotations

import codecs
import errno
import io
import os
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..reports.model import Report
from . import export

TABLE, CSV, JSON, NL = "table", export.CSV, export.JSON, export.NL
MACHINE = (CSV, JSON, NL)
AUTO, ALWAYS, NEVER = "auto", "always", "never"  # --color
# Reports with a drawing of their own (module, function); any other is drawn
# by tables.plain. Named, not imported: CSV and JSON never load Rich's tables.
RENDERERS = {"summary": ("tables", "summary"), "totals": ("tables", "totals"), "days": ("tables", "days"),
             "activity": ("tables", "activity"), "limits": ("limits", "limits"),
             "heatmap": ("heatmap", "heatmap"), "tenants": ("tables", "tenants"),
             "watch": ("watch", "watch")}


@dataclass(frozen=True)
class Output:
    """Where and how a report goes. `part` picks the table of a report that
    has several (limits) for CSV and --nl; JSON carries them all. `excel`
    makes CSV for Excel (a BOM, local times beside the ISO ones); `color`
    (auto, always, never) decides whether a table is drawn in colour."""

    fmt: str = TABLE
    path: Path | None = None
    raw: bool = False
    time_format: str = "24h"
    limit: int = 100
    part: str | None = None
    excel: bool = False
    color: str = AUTO


def render(report: Report, view=None):
    """A Rich renderable for the report (a Table, or a Group of them), drawn
    for `view` (output/tables.View: clock, rows, width, glyphs)."""
    import importlib

    from .tables import View

    module, function = RENDERERS.get(report.kind, ("tables", "plain"))
    draw = getattr(importlib.import_module(f"{__package__}.{module}"), function)
    return draw(report, view or View())


def emit(report: Report, out: Output, stream: TextIO, logs_read: Iterable[Path] = ()) -> int:
    """Write the report to `out.path` (never over one of `logs_read`), else
    to `stream` as out.fmt says. A reader that closed the stream raises
    BrokenPipeError, whatever the format: the caller decides what it means.
    Returns how many characters the stream's encoding could not hold and
    were written as escapes (files are UTF-8: none)."""
    if out.path:
        export.write_file(report, out.path, out.raw, out.part, logs_read, out.fmt, out.excel)
        return 0
    with escaped_beyond_encoding(stream) as escaped:
        if out.fmt in MACHINE:
            export.write(report, out.fmt, stream, out.raw, out.part, out.excel)
            stream.flush()
        else:
            show(report, out, stream)
    return escaped.count


def show(report: Report, out: Output, stream: TextIO) -> None:
    """The report as a table for people, as wide as the terminal (or
    COLUMNS) allows, or as wide as it needs off a terminal; in the glyphs
    the stream can encode, any other character written as an escape."""
    from .cells import glyphs_for
    from .tables import View

    width = terminal_width(stream)
    view = View(out.time_format, out.limit, width, glyphs_for(getattr(stream, "encoding", None)))
    drawing = render(report, view)
    _console(stream, _drawn_width(drawing, width), out.color).print(drawing)


def terminal_width(stream: TextIO) -> int | None:
    """COLUMNS when set, else the terminal's width, else None: a file or a
    pipe takes tables as wide as they are, not cut at 80 columns."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else None
    except (AttributeError, OSError, ValueError):
        return None


def _drawn_width(drawing, width: int | None) -> int:
    """The console width to draw at: `width`, widened to the drawing's least
    width if it needs more (so Rich never shortens a number), or the
    drawing's natural width when there is no limit."""
    from rich.console import Console
    from rich.measure import Measurement

    probe = Console(width=100_000, file=io.StringIO())
    least, natural = Measurement.get(probe, probe.options, drawing)
    return max(width, least) if width else max(natural, 20)


class Escaped:
    """Counts the characters an encoding could not hold, written as escapes."""

    ERRORS = "apihourly-escape"

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, error: UnicodeEncodeError):
        self.count += error.end - error.start
        return codecs.backslashreplace_errors(error)


_ESCAPED = Escaped()
codecs.register_error(Escaped.ERRORS, _ESCAPED)


@contextmanager
def escaped_beyond_encoding(stream: TextIO):
    """Characters the stream cannot encode (a CJK vendor name in a Latin-1
    locale) written as backslash escapes, and counted, instead of failing
    the command with a UnicodeEncodeError."""
    counted = Escaped()
    errors = getattr(stream, "errors", None)
    if errors != "strict" or not hasattr(stream, "reconfigure"):
        yield counted
        return
    before = _ESCAPED.count
    stream.reconfigure(errors=Escaped.ERRORS)
    try:
        yield counted
    finally:
        stream.flush()
        stream.reconfigure(errors=errors)
        counted.count = _ESCAPED.count - before


def colors(color: str) -> dict:
    """Console settings for --color. auto leaves it to Rich: colour on a
    terminal, none in a pipe, NO_COLOR and FORCE_COLOR obeyed. always
    colours even a pipe or a dumb terminal (the tables use only the
    standard colours); never writes no styles at all."""
    if color == ALWAYS:
        return {"no_color": False, "color_system": "standard"}
    if color == NEVER:
        return {"color_system": None}
    return {}


def _console(stream: TextIO, width: int, color: str = AUTO):
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich's own exits 1, which would hide a --fail-on-breach verdict.
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return PipeConsole(file=stream, width=width, emoji=False, markup=False, highlight=False, **colors(color))


def rows_written(report: Report, out: Output) -> int:
    """Rows in what was written: JSON's rows (summary's long form, never a
    footer), else the table's."""
    if out.fmt in (JSON, NL):
        return len(export.json_table(report, out.part))
    return len(report.part(out.part))
