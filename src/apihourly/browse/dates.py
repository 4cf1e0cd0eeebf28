"""The first screen: the days with activity, as `apihourly days` shows them."""

from __future__ import annotations

from datetime import date

from ..output.cells import plural
from ..reports.dates import days
from .base import ReportScreen


class DatesScreen(ReportScreen):
    CURSOR = "row"

    def __init__(self, session, select: date | None = None) -> None:
        super().__init__(session)
        self.select = select  # the date to put the cursor on once loaded

    def build(self, query):
        return days(query)

    def row_key(self, position: int) -> str:
        return self.report.table.column("Date")[position]  # a refresh may add earlier dates

    def heading(self) -> str:
        return "Days with API activity: Enter opens a date"

    def export_name(self) -> str:
        return "apihourly-days.csv"

    def count_text(self, rows: int) -> str:
        return f"{plural(rows, 'date')} with calls"

    def show(self, report, generation) -> None:
        first = self.report is None
        super().show(report, generation)
        if first and len(report.table):
            dates = report.table.column("Date")
            wanted = self.select.isoformat() if self.select else dates[-1]
            self.query_one("ReportTable").move_cursor(row=dates.index(wanted) if wanted in dates else len(dates) - 1)
        self.sub_title = self.current_date() or ""

    def current_date(self) -> str | None:
        table = self.query_one("ReportTable")
        if self.report is None or not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_highlighted(self, _) -> None:
        self.sub_title = self.current_date() or ""

    def on_data_table_row_selected(self, event) -> None:
        from .summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.session, date.fromisoformat(event.row_key.value)))
