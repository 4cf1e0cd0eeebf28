"""--on-alert: the user's command, run for each alert with the alert in
environment variables, never in its command line.

The command line is the user's own text, run by the shell (so that
`notify-send "$APIHOURLY_ALERT"` expands the variable). Text from the logs
(integration names) reaches it only as variable values: the shell expands
"$APIHOURLY_TOP" to its value and never runs `$(...)` or backticks inside
it. Commands run one at a time on a thread of their own; one that fails is
said, one that outlasts its time is stopped (with its process group), and
neither stops the watch.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from collections.abc import Callable

from ..words import visible

DEFAULT_TIMEOUT_S = 10.0
PENDING = 16  # alerts waiting for a busy command; more are said and dropped
STOPPED = object()


class AlertCommand:
    """Runs `command` once per alert, in order, on one background thread.
    `say(kind, message)` tells the user what went wrong."""

    def __init__(self, command: str, timeout_s: float, say: Callable[[str, str], None]):
        self.command, self.timeout_s, self.say = command, timeout_s, say
        self.pending: queue.Queue = queue.Queue(PENDING)
        self.thread = threading.Thread(target=self._serve, name="apihourly-alerts", daemon=True)
        self.thread.start()

    def send(self, variables: dict[str, str]) -> None:
        try:
            self.pending.put_nowait(variables)
        except queue.Full:
            self.say("warning", f"--on-alert: {PENDING} alerts already wait for the command; this one is not sent")

    def close(self, wait_s: float) -> None:
        """Let the alerts already sent run, for at most `wait_s` seconds."""
        try:
            self.pending.put(STOPPED, timeout=wait_s)
        except queue.Full:
            return
        self.thread.join(wait_s)

    def _serve(self) -> None:
        while (variables := self.pending.get()) is not STOPPED:
            self._run(variables)

    def _run(self, variables: dict[str, str]) -> None:
        env = {**os.environ, **{name: visible(value) for name, value in variables.items()}}
        try:
            process = subprocess.Popen(self.command, shell=True, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       start_new_session=os.name == "posix")
        except OSError as exc:
            self.say("warning", f"--on-alert could not start: {exc.strerror}")
            return
        try:
            _, err = process.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            _stop(process)
            self.say("warning", f"--on-alert command still running after {self.timeout_s:g} s: stopped")
            return
        if process.returncode:
            said = err.decode("utf-8", "replace").strip().splitlines()
            self.say("warning", f"--on-alert command failed (exit {process.returncode})"
                                + (f": {said[-1]}" if said else ""))


def _stop(process: subprocess.Popen) -> None:
    """Kill the command and whatever it started (its process group)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    process.communicate()
