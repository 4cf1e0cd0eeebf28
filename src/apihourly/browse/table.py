"""The DataTable every screen shows a report in."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import DataTable

NEAR_END = 50  # rows from the end of the loaded rows at which more are loaded


class ReportTable(DataTable):
    """A DataTable that opens a cell on a single click, and says when the
    view comes near the last loaded row, so long reports can load lazily."""

    class NearEnd(Message):
        """The cursor or the scroll position moved; the screen checks `near_end`."""

    async def _on_click(self, event: events.Click) -> None:
        # DataTable selects only on a second click on the highlighted cell; the
        # Autotask page opens a count on one click, so a body click does both.
        meta = event.style.meta
        if meta.get("row", -1) < 0 or meta.get("column", -1) < 0 or meta.get("out_of_bounds"):
            return  # header clicks (sorting) are DataTable's own
        event.prevent_default()
        self.cursor_coordinate = self.cursor_coordinate._replace(row=meta["row"], column=meta["column"])
        self.action_select_cursor()

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        self.post_message(self.NearEnd())

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.post_message(self.NearEnd())

    def near_end(self) -> bool:
        """The cursor or the bottom of the view is within NEAR_END rows of the last row."""
        bottom = int(self.scroll_y) + self.size.height  # every row is one line high
        return self.row_count > 0 and max(self.cursor_row, bottom) >= self.row_count - NEAR_END
