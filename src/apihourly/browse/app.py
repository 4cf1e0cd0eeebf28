"""The browse app: the dates list first, the rest pushed on top of it."""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.binding import Binding

from .dates import DatesScreen
from .dialogs import KeysScreen
from .session import Session


class BrowseApp(App):
    """API activity by hour, as an app: dates, summary grid, calls, totals."""

    CSS_PATH = "browse.tcss"
    TITLE = "apihourly"
    BINDINGS = [Binding("question_mark", "keys", "Keys"), Binding("q", "quit", "Quit")]

    def __init__(self, session: Session, day: date | None = None) -> None:
        super().__init__()
        self.session = session
        self.day = day

    def on_mount(self) -> None:
        self.push_screen(DatesScreen(self.session, self.day))
        if self.day is not None:
            from .summary import SummaryScreen

            self.push_screen(SummaryScreen(self.session, self.day))

    def action_keys(self) -> None:
        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen())
