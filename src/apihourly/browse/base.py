"""What every report screen does: load in a worker thread with a visible
loading state, show the report's cells lazily, sort, export, refresh, and show
errors and skipped-row warnings in the app instead of crashing."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from ..errors import ApihourlyError
from ..output.cells import Cells, caption, messages, plural, safe_text, visible
from ..output.export import write_file
from ..reports.model import Query, Report
from .dialogs import ConfirmScreen
from .session import Session
from .table import ReportTable

CHUNK = 500  # rows added at a time: ~140 ms of work, so the app never stalls longer (bench/)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


class ReportScreen(Screen):
    """A report in a table. Subclasses say how to build it (in a worker
    thread, from the shared Session) and which cells show it."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("s", "sort", "Sort"),
        Binding("e", "export", "Export CSV"),
        Binding("r", "refresh", "Refresh"),
    ]
    CURSOR = "cell"
    FIXED_COLUMNS = 0

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.report: Report | None = None
        self.generation = 0
        self.order: list[int] = []  # table positions, in the order shown
        self.loaded = 0
        self.sort_key: tuple[str, bool] | None = None  # column, descending

    # What subclasses provide -------------------------------------------
    def build(self, query: Query) -> Report:
        raise NotImplementedError

    def cells(self, positions: list[int]) -> list[list[Text]]:
        """Cells of the table rows at `positions`, as the CLI tables make them;
        made per chunk, since a 50,000-call hour would need 500,000 of them."""
        return Cells(self.report, self.session.time_format).rows(self.report.table, positions)

    def row_key(self, position: int) -> str:
        """The key of the row for table row `position`: what the cursor stays
        on across a refresh or a sort."""
        return str(position)

    def extra_rows(self) -> list[list[Text]]:
        """Rows shown after every table row (the summary's sum row)."""
        return []

    def heading(self) -> str:
        raise NotImplementedError

    def export_name(self) -> str:
        raise NotImplementedError

    # Layout and loading --------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="heading")
        table = ReportTable(cursor_type=self.CURSOR, fixed_columns=self.FIXED_COLUMNS, zebra_stripes=False)
        yield table
        yield Static(id="notes")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#heading", Static).update(Text(self.heading()))
        self.load()

    def on_screen_resume(self) -> None:
        if self.report is not None and self.generation != self.session.generation:
            self.load()  # the logs were re-read while this screen was hidden

    def load(self, reopen: bool = False) -> None:
        self.query_one(ReportTable).loading = True
        self.query_one("#status", Static).update("loading…")
        self._load(reopen)

    @property
    def ready(self) -> bool:
        """Loaded and every row that will be shown without scrolling is in."""
        return self.report is not None and not self.query_one(ReportTable).loading

    @work(thread=True, exclusive=True, group="load")
    def _load(self, reopen: bool) -> None:
        worker = get_current_worker()
        try:
            query = self.session.reopen() if reopen else self.session.current()
            report, generation = self.build(query), self.session.generation
        except (ApihourlyError, OSError) as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_error, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show, report, generation)

    def show_error(self, exc: Exception) -> None:
        table = self.query_one(ReportTable)
        table.loading = False
        hint = getattr(exc, "hint", "")
        message = Text(f"error: {exc}" + (f"\nhint: {hint}" if hint else ""))
        self.query_one("#status", Static).update(message)
        self.query_one("#status").add_class("error")
        self.say(str(exc), title="Could not load the report", severity="error")

    def say(self, message: str, **options) -> None:
        """A notification. Its text may hold log data (labels, paths), so it is
        never read as markup."""
        self.notify(message, markup=False, **options)

    def show(self, report: Report, generation: int) -> None:
        table = self.query_one(ReportTable)
        keep = self._cursor_keys(table)
        self.report, self.generation = report, generation
        self.order = self._sorted_order()
        table.clear(columns=True)
        for name in report.table.names:
            table.add_column(self._header(name), key=name)
        self.loaded = 0
        self.load_more(until=keep[2] if keep else 0)
        if keep:
            self._restore_cursor(table, *keep)
        table.loading = False
        self.query_one("#status").remove_class("error")
        self._update_status()
        self._update_notes()

    def _header(self, name: str) -> Text:
        label = safe_text(name)
        if self.sort_key and self.sort_key[0] == name:
            label.append(" ▼" if self.sort_key[1] else " ▲")
        if name in self._numeric_columns():
            label.justify = "right"
        return label

    def _numeric_columns(self) -> set[str]:
        return {spec.name for spec in self.report.table.columns if spec.numeric}

    def load_more(self, until: int = 0) -> None:
        """Add the next CHUNK rows (or up to row `until`), then the extra rows
        once every table row is in."""
        table = self.query_one(ReportTable)
        stop = min(len(self.order), max(self.loaded + CHUNK, until + 1))
        if stop > self.loaded:
            positions = self.order[self.loaded:stop]
            for position, row in zip(positions, self.cells(positions)):
                table.add_row(*self._justified(row), key=self.row_key(position))
            self.loaded = stop
            if stop == len(self.order):
                for i, row in enumerate(self.extra_rows()):
                    table.add_row(*self._justified(row), key=f"extra-{i}")
            self._update_status()

    def _justified(self, row: list[Text]) -> list[Text]:
        """Numbers right-aligned, as in the CLI tables."""
        numeric = self._numeric_columns()
        for cell, name in zip(row, self.report.table.names):
            if name in numeric:
                cell.justify = "right"
        return row

    def on_report_table_near_end(self, _: ReportTable.NearEnd) -> None:
        table = self.query_one(ReportTable)
        if self.report is not None and self.loaded < len(self.order) and table.near_end():
            self.load_more()

    def _cursor_keys(self, table: ReportTable) -> tuple[str, str, int] | None:
        if self.report is None or not table.row_count:
            return None
        cell = table.coordinate_to_cell_key(table.cursor_coordinate)
        return cell.row_key.value, cell.column_key.value, table.cursor_coordinate.row

    def _restore_cursor(self, table: ReportTable, row_key: str, column_key: str, row: int) -> None:
        if row_key in table.rows:
            row = table.get_row_index(row_key)
        column = table.get_column_index(column_key) if column_key in table.columns else table.cursor_column
        table.cursor_coordinate = Coordinate(min(row, table.row_count - 1), min(column, len(table.columns) - 1))

    def _update_status(self) -> None:
        if self.report is None:
            return
        rows = len(self.report.table)
        shown = f" ({self.loaded:,} loaded, more as you scroll)" if self.loaded < rows else ""
        order = f" · sorted by {self.sort_key[0]}{', descending' if self.sort_key[1] else ''}" if self.sort_key else ""
        line = f"{self.count_text(rows)}{shown}{order} · {caption(self.report)}"
        self.query_one("#status", Static).update(Text(line))

    def count_text(self, rows: int) -> str:
        return plural(rows, "row")

    def _update_notes(self) -> None:
        lines = [f"{kind}: {text}" for kind, text in messages(self.report)]
        notes = self.query_one("#notes", Static)
        notes.update(Text("\n".join(visible(line) for line in lines)))  # one line each, log text escaped
        notes.display = bool(lines)

    # Sorting -----------------------------------------------------------
    def action_sort(self) -> None:
        table = self.query_one(ReportTable)
        if self.report is not None and table.columns:
            self.sort_by(table.ordered_columns[table.cursor_column].key.value)

    def on_data_table_header_selected(self, event: ReportTable.HeaderSelected) -> None:
        self.sort_by(event.column_key.value)

    def sort_by(self, column: str) -> None:
        """Sort by `column`, ascending; again on the same column, descending."""
        descending = bool(self.sort_key and self.sort_key[0] == column and not self.sort_key[1])
        self.sort_key = (column, descending)
        self.show(self.report, self.generation)

    def _sorted_order(self) -> list[int]:
        table = self.report.table
        if self.sort_key and self.sort_key[0] in table.names:
            return table.order_by(*self.sort_key)
        return list(range(len(table)))

    # Export, refresh, back -------------------------------------------------
    def shown_report(self) -> Report:
        """The report as on screen: its rows in the order shown."""
        table = self.report.table
        return replace(self.report, table=table.take(self.order, footer=table.footer))

    def action_export(self) -> None:
        if self.report is None:
            self.say("Nothing to export yet.", severity="warning")
            return
        path = Path.cwd() / self.export_name()
        if path.exists():
            question = f"{path.name} exists in {path.parent}. Overwrite it?"
            self.app.push_screen(ConfirmScreen(question), lambda yes: self.write_csv(path) if yes else None)
        else:
            self.write_csv(path)

    def write_csv(self, path: Path) -> None:
        try:
            write_file(self.shown_report(), path)
        except OSError as exc:
            self.say(f"could not write {path}: {exc.strerror or exc}", severity="error")
            return
        self.say(f"wrote {plural(len(self.report.table), 'row')} to {path}", title="Exported")

    def action_refresh(self) -> None:
        self.load(reopen=True)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:  # the default screen, then the dates list
            self.app.pop_screen()
