"""The summary grid of one date: hours x integrations, drill-down on a count."""

from __future__ import annotations

from datetime import date

from textual.binding import Binding

from ..output.cells import Cells, aligned, hour_labels, plural
from ..reports.hourly import summary
from .base import ReportScreen


class SummaryScreen(ReportScreen):
    # Enter is the table's own binding (the heading says what it does): a
    # screen binding for it would show in the footer only while the table
    # is not focused.
    BINDINGS = [Binding("t", "totals", "Totals")]
    FIXED_COLUMNS = 1  # the Hour column stays in view when scrolling right

    def __init__(self, session, day: date) -> None:
        super().__init__(session)
        self.day = day
        self.sub_title = day.isoformat()

    def build(self, query):
        return summary(query, self.day)

    def extra_rows(self):
        cells = Cells(self.report, self.session.time_format)
        return aligned([cells.summary_sums(self.report.table)], cells.mark_widths(self.report.table))

    def heading(self) -> str:
        return f"API activity by hour, {self.day.isoformat()}: Enter on a count shows its calls"

    def export_name(self) -> str:
        return f"apihourly-{self.day.isoformat()}-summary.csv"

    def count_text(self, rows: int) -> str:
        return plural(rows, "hour")

    def action_totals(self) -> None:
        from .totals import TotalsScreen

        self.app.push_screen(TotalsScreen(self.session, self.day))

    def on_data_table_cell_selected(self, event) -> None:
        """A count opens its calls; the Hour or Total calls cell every call of the hour."""
        from .activity import ActivityScreen

        if self.report is None:
            return
        row, column = event.cell_key.row_key.value, event.cell_key.column_key.value
        if row.startswith("extra"):
            self.say("The Total row adds up the day; press t for the totals view.")
            return
        position = int(row)
        slot = self.report.slots[position]
        category = None if column in ("Hour", "Total calls") else column
        calls = self.report.table.column(category or "Total calls")[position]
        label = hour_labels(self.report.slots, self.session.time_format)[position]
        if not calls:
            self.say(f"No calls at {label}" + (f" for {category}." if category else "."))
            return
        self.app.push_screen(ActivityScreen(self.session, self.day, slot, category, label, calls))
