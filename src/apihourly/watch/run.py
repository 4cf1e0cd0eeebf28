"""The watch until it is stopped: a step about once a second, each alert
said on stderr and sent to --on-alert, the metrics and the display
brought up to date."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager

from .alerts import AlertCommand
from .loop import Step, Watch, alert_variables
from .metrics import Metrics


class Runner:
    def __init__(self, watch: Watch, say: Callable[[str, str], None], command: AlertCommand | None = None,
                 metrics: Metrics | None = None):
        self.watch, self.say, self.command, self.metrics = watch, say, command, metrics

    def handle(self, step: Step) -> None:
        for kind, message in step.news:
            self.say(kind, message)
        if step.alert is not None:
            tz = self.watch.settings.tz
            self.say("alert", step.alert.sentence(tz))
            if self.command is not None:
                self.command.send(alert_variables(step.alert, tz))
        if self.metrics is not None:
            self.metrics.update(step.report)

    def run(self, draw: Callable[[object], None], interval_s: float, stop: threading.Event) -> None:
        """Step, handle and draw until `stop` is set."""
        while not stop.is_set():
            step = self.watch.step()
            self.handle(step)
            draw(step.report)
            stop.wait(interval_s)


def follow_live(watch: Watch, first: Step, drawing: Callable, say: Callable[[str, str], None], interval_s: float,
                address: tuple[str, int] | None = None, alerting: tuple[str | None, float] = (None, 10.0)) -> None:
    """The watch from its first step until Ctrl-C or SIGTERM: drawn with
    what `drawing()` gives (live_display), alerts sent to the command of
    `alerting` (command, timeout), metrics served at `address`. Whatever
    was started is stopped, however it ends."""
    stop, command, server = threading.Event(), None, None
    try:
        command = AlertCommand(alerting[0], alerting[1], say) if alerting[0] else None
        metrics = Metrics() if address else None
        if metrics is not None:
            server = metrics.serve(*address)
            host = f"[{address[0]}]" if ":" in address[0] else address[0]
            say("metrics", f"serving http://{host}:{server.server_port}/metrics")
        runner = Runner(watch, say, command, metrics)
        with stopped_by_signals(stop), drawing() as draw:
            runner.handle(first)
            draw(first.report)
            stop.wait(interval_s)
            runner.run(draw, interval_s, stop)
    finally:
        watch.close()
        if command is not None:
            command.close(alerting[1])
        if server is not None:
            server.shutdown()


@contextmanager
def stopped_by_signals(stop: threading.Event):
    """Ctrl-C and SIGTERM (a service manager's stop) end the watch cleanly:
    they set `stop`, and the loop ends after its step."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    before = {sig: signal.signal(sig, lambda signum, frame: stop.set()) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@contextmanager
def live_display(console, render: Callable[[object], object]):
    """A drawing function that redraws the report in place on `console`
    (Rich's Live, no flicker); what is said on stderr meanwhile is printed
    above it. Off a terminal, only the last report is printed, at the end."""
    from rich.live import Live

    with Live(console=console, auto_refresh=False, redirect_stdout=False, redirect_stderr=True) as live:
        yield lambda report: live.update(render(report), refresh=True)
