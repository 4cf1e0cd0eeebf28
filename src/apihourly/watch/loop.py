"""One watch: the logs followed, the window kept, a look at each step.

The window ends at the newest call's time, taken from the logs. While no
new calls arrive it moves on by the time this machine measures passing
(a monotonic clock), so calls leave the window on time in a quiet spell;
it never moves back. On the first step, when the logs' newest call is
older than this machine's clock, the window ends at the clock: a log that
went quiet three hours ago shows an empty window, not its last busy hour.
That first step is the only time the logs' clock and this machine's are
compared.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..count.window import LiveWindow
from ..read.follow import Follower
from ..reports.model import Report
from ..reports.watch import Alert, Crossings, watch_report
from ..timeaxis import HOUR_NS, MINUTE_NS
from ..words import plural


@dataclass(frozen=True)
class Settings:
    db_threshold: int
    max_threads: int
    threshold: int  # per integration per clock hour, as the summary marks it
    tz: ZoneInfo


@dataclass
class Step:
    """What one step found: the report of the window now, the alert when a
    tier's floor was crossed, and what reading said that was not said before."""

    report: Report
    alert: Alert | None
    news: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)


class Watch:
    def __init__(self, follower: Follower, settings: Settings, clock: Callable[[], int] = time.monotonic_ns,
                 wall: Callable[[], int] = time.time_ns):
        self.follower, self.settings, self.clock, self.wall = follower, settings, clock, wall
        self.window = LiveWindow(settings.max_threads)
        self.crossings = Crossings()
        self._last: int | None = None  # the clock at the last step
        self._told = _Told()

    def step(self) -> Step:
        """Read what the logs grew by, move the window's end, look."""
        before = self.window.newest_ns
        added = sum(self.window.add(table) for table in self.follower.poll())
        now = self.clock()
        self.window.advance(self._end(added, before, now))
        self._last = now
        look = self.window.look(self.settings.db_threshold, self.settings.tz)
        report = watch_report(look, self.settings.tz, self.settings.threshold, self.follower.stats,
                              self.settings.max_threads)
        return Step(report, self.crossings.seen(look), self._told.news(self.follower.stats))

    def _end(self, added: int, before: int | None, now: int) -> int:
        """Where the window ends now (advance() never moves it back)."""
        newest = self.window.newest_ns
        if self._last is None:
            return max(newest or 0, self.wall())
        if not added:
            return self.window.end_ns + now - self._last  # quiet: this machine's clock moves it on
        return newest if before is None or newest > before else self.window.end_ns

    def close(self) -> None:
        self.follower.close()


MTIME_SLACK_NS = 10 * MINUTE_NS  # a file's clock and the logs' may differ a little


def written_since(wall_ns: int | None = None) -> int:
    """Files last written before this cannot hold a call of the window a
    watch starting now shows (read.follow.Follower.since_ns): its hour, and
    some slack. Only a file's time is compared with this machine's clock
    here, both of this machine."""
    return (time.time_ns() if wall_ns is None else wall_ns) - HOUR_NS - MTIME_SLACK_NS


class _Told:
    """What reading has said so far, to say only what is new."""

    def __init__(self) -> None:
        self.said: set[tuple[str, str, str]] = set()
        self.skipped: dict[tuple[str, str], int] = {}

    def news(self, stats) -> list[tuple[str, str]]:
        found = [("note", path, text) for path, texts in stats.notices.items() for text in texts]
        found += [("warning", path, text) for path, texts in stats.warned.items() for text in texts]
        out = [(kind, f"{path}: {text}") for kind, path, text in found if (kind, path, text) not in self.said]
        self.said.update(found)
        for path, reasons in stats.skipped.items():
            for reason, skip in reasons.items():
                more = skip.count - self.skipped.get((path, reason), 0)
                if more:
                    out.append(("warning", f"{path}: {plural(more, skip.unit.removesuffix('s'))} skipped ({reason})"))
                    self.skipped[(path, reason)] = skip.count
        return out


def alert_variables(alert: Alert, tz: ZoneInfo) -> dict[str, str]:
    """The environment an --on-alert command gets: the alert's sentence, the
    tier entered (0, 50, 75 or 100), the count, the top integrations."""
    return {"APIHOURLY_ALERT": alert.sentence(tz), "APIHOURLY_TIER": str(alert.floor),
            "APIHOURLY_COUNT": str(alert.count),
            "APIHOURLY_THRESHOLD": str(alert.threshold), "APIHOURLY_DIRECTION": "up" if alert.rising else "down",
            "APIHOURLY_TOP": "; ".join(f"{label}={calls}" for label, calls in alert.top)}
