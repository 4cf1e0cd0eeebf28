"""A progress line on stderr for reads that take more than about a second.

The core reports how many calls it has read after every batch; this module
decides whether anyone sees it: only on a terminal, only once a read has run
for DELAY_S, and never around CSV or JSON output (the CLI passes enabled=False).
The line is transient: it is gone before the report is printed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

DELAY_S = 1.0  # shorter reads finish before a progress line would help


def is_watched(console) -> bool:
    """Whether `console` writes to a terminal a person may be watching. Rich's
    is_terminal is also true off a terminal when FORCE_COLOR is set (CI
    does, for coloured logs), and a progress line's cursor moves would then
    fill the log; colour is welcome there, the line is not."""
    try:
        return console.is_terminal and os.isatty(console.file.fileno())
    except (AttributeError, OSError, ValueError):  # a file object without a descriptor
        return False


class ReadProgress:
    """Callable as `progress(calls_read, finished)` by the scanning code."""

    def __init__(self, console, enabled: bool, clock: Callable[[], float] = time.monotonic):
        self.console = console
        self.enabled = enabled
        self.clock = clock
        self.started_at: float | None = None
        self.display = None
        self.task = None

    def __call__(self, calls_read: int, finished: bool = False) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if self.started_at is None:
            self.started_at = now
        if finished:
            self._stop()
            return
        if self.display is None and now - self.started_at >= DELAY_S:
            self._start()
        if self.display is not None:
            self.display.update(self.task, completed=calls_read)

    def _start(self) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.display = Progress(SpinnerColumn(), TextColumn("reading logs: {task.completed:,} calls"),
                                TimeElapsedColumn(), console=self.console, transient=True)
        self.task = self.display.add_task("read", total=None)
        self.display.start()

    def _stop(self) -> None:
        if self.display is not None:
            self.display.stop()
        self.display = self.task = self.started_at = None
