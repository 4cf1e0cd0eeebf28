"""Small modal screens: the overwrite question and the list of keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; dismissed with True only on yes."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Grid(id="dialog"):
            yield Label(Text(self.question), id="question")
            yield Button("Yes (y)", variant="error", id="yes")
            yield Button("No (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


KEYS = """\
Enter / click      open the date, count or hour under the cursor
                   (Hour or Total calls cell: every call of the hour)
Escape             back, with the cursor where it was
arrows, PgUp/PgDn  move; the Hour column and the header stay
ctrl+Home/End      first / last loaded row (more load as you scroll)
s, click a header  sort by that column (again: descending)
t                  totals for the date
e                  export the table on screen to CSV, current folder
r                  re-read grown and new log files, keeping the cursor
?                  this list
q                  quit"""


class KeysScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="keys"):
            yield Static(Text("Keys", style="bold"))
            yield Static(Text(KEYS))
            yield Static(Text("Escape closes this list.", style="dim"))
