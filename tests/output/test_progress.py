"""The progress line: only for reads longer than DELAY_S, only on a terminal,
gone before the report is printed, never in machine output."""

import io

import pytest

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


# FORCE_COLOR (and TTY_COMPATIBLE=1) make Rich call any file a terminal;
# only a real one gets the progress line.

def test_a_console_is_watched_only_on_a_real_terminal(monkeypatch):
    import os
    import pty

    from apihourly.output.progress import is_watched

    monkeypatch.setenv("FORCE_COLOR", "1")
    read_end, write_end = os.pipe()
    master, slave = pty.openpty()
    with os.fdopen(write_end, "w") as pipe, os.fdopen(slave, "w") as tty:
        assert Console(file=pipe).is_terminal and not is_watched(Console(file=pipe))
        assert not is_watched(Console(file=io.StringIO()))
        assert is_watched(Console(file=tty))
    os.close(read_end)
    os.close(master)


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "TTY_COMPATIBLE"])
def test_cli_shows_no_progress_when_colour_is_forced_off_a_terminal(monkeypatch, variable):
    monkeypatch.setattr(progress_module, "DELAY_S", 0.0)
    result = CliRunner().invoke(app, ["days", "--logs", str(SAMPLES)], env={"APIHOURLY_TZ": "UTC", variable: "1"})
    assert result.exit_code == 0
    assert "\x1b[1;37;41m" in result.stdout  # colour is still forced: the day over the limits is red
    assert "reading logs" not in result.stderr and "\x1b[?25l" not in result.stderr  # nor the hidden cursor


def test_a_forced_colour_command_writes_no_cursor_moves_into_a_ci_log():
    """As CI runs it: stdout and stderr pipes, FORCE_COLOR=1, and a read long
    enough for the progress line (DELAY_S set to 0 in the child)."""
    import os
    import subprocess
    import sys

    code = ("import sys; from apihourly.output import progress; progress.DELAY_S = 0.0\n"
            f"from apihourly.cli import main; sys.argv = ['apihourly', 'days', '--logs', {str(SAMPLES)!r}]; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "FORCE_COLOR": "1", "APIHOURLY_TZ": "UTC"})
    assert done.returncode == 0 and "\x1b[1;37;41m" in done.stdout
    assert "\x1b[" not in done.stderr and "reading logs" not in done.stderr
