"""The calls behind one summary cell (or every call of one hour)."""

from __future__ import annotations

from datetime import date

from ..output.cells import plural
from ..reports.drilldown import activity
from ..timeaxis import HourSlot, local_hour_axis, repeated_wall_hours
from .base import ReportScreen, slug


class ActivityScreen(ReportScreen):
    def __init__(self, session, day: date, slot: HourSlot, category: str | None, hour_label: str,
                 expected_calls: int) -> None:
        super().__init__(session)
        self.day, self.slot, self.category, self.hour_label = day, slot, category, hour_label
        self.expected_calls = expected_calls  # as counted in the summary, for the loading message
        self.sub_title = f"{day.isoformat()} {hour_label}"

    def build(self, query):
        report = activity(query, self.day, self.slot, self.category)
        report.table.made()  # here, in the worker thread, not when the first rows are drawn
        return report

    def heading(self) -> str:
        who = self.category or "every integration"
        return f"Calls of {who}, {self.day.isoformat()} {self.hour_label} ({self.slot.start.isoformat()})"

    def load(self, reopen: bool = False) -> None:
        super().load(reopen)
        self.query_one("#status").update(f"loading {plural(self.expected_calls, 'call')}…")

    def export_name(self) -> str:
        who = slug(self.category) if self.category else "all"
        hour = f"{self.slot.start:%H%M}"
        if self.slot.start.hour in repeated_wall_hours(local_hour_axis(self.day, self.slot.start.tzinfo)):
            hour += f"{self.slot.start:%z}".replace("+", "p").replace("-", "m")  # the two 01:00s of a fall-back day
        return f"apihourly-{self.day.isoformat()}-activity-{hour}-{who}.csv"

    def count_text(self, rows: int) -> str:
        over = sum(self.report.table.column("Threshold Exceeded"))
        marks = f", {over:,} over the limit" if over else ""
        return plural(rows, "call") + marks
