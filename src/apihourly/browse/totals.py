"""Totals per integration for one date, like the page's Sum button."""

from __future__ import annotations

from datetime import date

from ..output.cells import plural
from ..reports.hourly import totals
from .base import ReportScreen


class TotalsScreen(ReportScreen):
    """The Grand total row stays last whatever the sort (the table's footer)."""

    def __init__(self, session, day: date) -> None:
        super().__init__(session)
        self.day = day
        self.sub_title = day.isoformat()

    def build(self, query):
        return totals(query, self.day)

    def heading(self) -> str:
        return f"Totals by integration, {self.day.isoformat()}"

    def export_name(self) -> str:
        return f"apihourly-{self.day.isoformat()}-totals.csv"

    def count_text(self, rows: int) -> str:
        return plural(max(rows - 1, 0), "integration")
