"""The progress line: only for reads longer than DELAY_S, only on a terminal,
gone before the report is printed, never in machine output."""

import io

from clirun import SAMPLES
from rich.console import Console
from typer.testing import CliRunner

from apihourly.cli import app
from apihourly.output import progress as progress_module
from apihourly.output.progress import DELAY_S, ReadProgress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def terminal():
    return Console(file=io.StringIO(), force_terminal=True, width=80)


def test_a_short_read_shows_nothing():
    clock, console = Clock(), terminal()
    show = ReadProgress(console, enabled=True, clock=clock)
    show(0)
    clock.now += DELAY_S / 2
    show(1_000)
    assert show.display is None
    show(1_000, finished=True)
    assert console.file.getvalue() == ""


def test_a_long_read_shows_calls_read_then_clears():
    clock, console = Clock(), terminal()
    show = ReadProgress(console, enabled=True, clock=clock)
    show(0)
    clock.now += DELAY_S + 0.1
    show(1_234_567)
    assert show.display is not None
    assert show.display.tasks[0].completed == 1_234_567
    show(2_000_000, finished=True)
    assert show.display is None
    assert "reading logs" in console.file.getvalue()


def test_disabled_progress_never_starts():
    clock = Clock()
    show = ReadProgress(terminal(), enabled=False, clock=clock)
    show(0)
    clock.now += 10 * DELAY_S
    show(5)
    assert show.display is None and show.started_at is None


def test_cli_shows_no_progress_off_a_terminal(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY_S", 0.0)
    result = CliRunner().invoke(app, ["days", "--logs", str(SAMPLES)], env={"APIHOURLY_TZ": "UTC"})
    assert result.exit_code == 0
    assert "reading logs" not in result.stdout + result.stderr
