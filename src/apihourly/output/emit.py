"""The one way a report leaves apihourly, for every report: a table for
people, CSV or JSON on a stream, or a file written atomically."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..reports.model import Report
from . import export

TABLE, CSV, JSON, NL = "table", export.CSV, export.JSON, export.NL
MACHINE = (CSV, JSON, NL)
# Reports with a drawing of their own (module, function); any other is drawn
# by tables.plain. Named, not imported: CSV and JSON never load Rich's tables.
RENDERERS = {"summary": ("tables", "summary"), "totals": ("tables", "totals"), "days": ("tables", "days"),
             "activity": ("tables", "activity"), "limits": ("limits", "limits")}


@dataclass(frozen=True)
class Output:
    """Where and how a report goes. `part` picks the table of a report that
    has several (limits) for CSV and --nl; JSON carries them all. `excel`
    makes CSV for Excel (a BOM, local times beside the ISO ones)."""

    fmt: str = TABLE
    path: Path | None = None
    raw: bool = False
    time_format: str = "24h"
    limit: int = 100
    part: str | None = None
    excel: bool = False


def render(report: Report, time_format: str = "24h", limit: int = 100):
    """A Rich renderable for the report: a Table, or a Group for `limits`."""
    import importlib

    module, function = RENDERERS.get(report.kind, ("tables", "plain"))
    draw = getattr(importlib.import_module(f"{__package__}.{module}"), function)
    return draw(report, time_format, limit)


def emit(report: Report, out: Output, stream: TextIO, logs_read: Iterable[Path] = ()) -> None:
    """Write the report to `out.path` (never over one of `logs_read`), else
    to `stream` as out.fmt says. A reader that closed the stream raises
    BrokenPipeError, whatever the format: the caller decides what it means."""
    if out.path:
        export.write_file(report, out.path, out.raw, out.part, logs_read, out.fmt, out.excel)
    elif out.fmt in MACHINE:
        export.write(report, out.fmt, stream, out.raw, out.part, out.excel)
        stream.flush()
    else:
        _console(stream).print(render(report, out.time_format, out.limit))


def _console(stream: TextIO):
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich's own exits 1, which would hide a --fail-on-breach verdict.
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return PipeConsole(file=stream, emoji=False, markup=False, highlight=False)


def rows_written(report: Report, out: Output) -> int:
    """Rows in what was written: JSON's rows (summary's long form, never a
    footer), else the table's."""
    if out.fmt in (JSON, NL):
        return len(export.json_table(report, out.part))
    return len(report.part(out.part))
