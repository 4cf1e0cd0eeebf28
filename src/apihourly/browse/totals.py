"""Totals per integration for one date, like the page's Sum button."""

from __future__ import annotations

from datetime import date

from .. import reports
from ..render import totals_cells
from .base import ReportScreen


class TotalsScreen(ReportScreen):
    PINNED_TAIL = 1  # the Grand total row stays last

    def __init__(self, session, day: date) -> None:
        super().__init__(session)
        self.day = day
        self.sub_title = day.isoformat()

    def build(self, query):
        return reports.totals(query, self.day)

    def cells(self, positions):
        rows = totals_cells(self.report, self.session.time_format)
        return [rows[i] for i in positions]

    def heading(self) -> str:
        return f"Totals by integration, {self.day.isoformat()}"

    def export_name(self) -> str:
        return f"apihourly-{self.day.isoformat()}-totals.csv"

    def count_text(self, rows: int) -> str:
        return f"{max(rows - 1, 0)} integrations"
