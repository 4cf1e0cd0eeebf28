"""What the HTML report holds, as numbers: for a period, the `days`
figures, and for each of its dates the summary, the totals, the limits and
the first calls of every summary cell. output/html.py lays it out as one
page; nothing here knows about HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .. import schema
from ..errors import ApihourlyError
from ..timeaxis import HourSlot
from .cellcalls import SHOWN, CellCalls, first_calls
from .dates import days
from .hourly import count_day, summary, totals
from .limits import LimitSettings, analyse_day, limits_of
from .model import Query, Report

DEFAULT_CALLS_PER_CELL = 2_000


@dataclass(frozen=True)
class PageSettings:
    """The limits the page checks, and how many calls each cell embeds.
    A db_threshold of None is the counter samples' threshold (as limits
    takes it), else the default."""

    db_threshold: int | None = None
    max_threads: int = schema.DEFAULT_MAX_THREADS
    calls_per_cell: int = DEFAULT_CALLS_PER_CELL


@dataclass
class DayPage:
    """One date of the page. A date given by hourly counts only has no
    limits and no calls (each call's time is needed for those)."""

    day: date
    summary: Report
    totals: Report
    limits: Report | None = None
    calls: CellCalls | None = None


@dataclass(frozen=True)
class Sources:
    """The logs as the command was given them, and how their times were
    read: what a command the page names needs to read them the same way."""

    logs: tuple[str, ...]
    input_tz: str | None = None
    time_pattern: str | None = None
    tenant: str | None = None

    def options(self) -> list[str]:
        words = [word for source in self.logs for word in ("--logs", source)]
        words += ["--tenant", self.tenant] if self.tenant else []
        words += ["--input-tz", self.input_tz] if self.input_tz else []
        return words + (["--input-time-format", self.time_pattern] if self.time_pattern else [])


@dataclass
class Page:
    """The whole report: `days` lists the dates (the date picker), `dates`
    holds each one; `sources` say how the logs were read, for the commands
    the page names; `made` is when it was computed."""

    days: Report
    dates: list[DayPage]
    settings: PageSettings
    sources: Sources
    made: datetime
    notes: list[str] = field(default_factory=list)

    @property
    def threshold(self) -> int:
        return self.days.threshold

    @property
    def tz(self):
        return self.days.tz


def report_page(query: Query, since: date | None, until: date | None, settings: PageSettings,
                sources: Sources) -> Page:
    """The page for the dates from `since` to `until` (None: the first or
    the last date with calls) that have calls; an error when none has."""
    # days counts its own peaks: limits' rolling peak leaves out the window
    # that ends at the date's first instant, which days counts.
    listed = days(query, since, until, settings.db_threshold or schema.DEFAULT_DB_THRESHOLD)
    if not len(listed.table):
        period = " ".join(f"{word} {day.isoformat()}" for word, day in (("from", since), ("to", until)) if day)
        raise ApihourlyError(f"no calls {period or 'in the logs'}", "apihourly days lists the dates with calls")
    counted = set(query.logs.counted_dates(query.tz))
    dates = [date.fromisoformat(day) for day in listed.table.column("Date")]
    ordered = [_counted_page(query, day, settings) if day in counted else _day_page(query, day, settings)
               for day in dates]
    # days' notes hold the query's own (how the date and the tenant were chosen)
    return Page(listed, ordered, settings, sources, datetime.now(query.tz), list(listed.notes))


def _counted_page(query: Query, day: date, settings: PageSettings) -> DayPage:
    """A date given by hourly counts only: its summary and totals."""
    threshold = settings.db_threshold or schema.DEFAULT_DB_THRESHOLD
    return DayPage(day, summary(query, day, threshold), totals(query, day))


def _day_page(query: Query, day: date, settings: PageSettings) -> DayPage:
    """One date with calls: the limits are checked first, since they settle
    the rolling threshold the summary marks its hours against."""
    checked = analyse_day(query, day, LimitSettings(settings.db_threshold, settings.max_threads), per_call=True,
                          keep=SHOWN)
    limits = limits_of(query, checked, with_breaches=False)
    calls = first_calls(count_day(query, day), checked.analysis, settings.calls_per_cell)
    return DayPage(day, summary(query, day, limits.meta["db_threshold"]), totals(query, day), limits, calls)


def activity_command(page: Page, day: date, slot: HourSlot, label: str | None) -> list[str]:
    """The words of the `apihourly activity` command that writes every call
    of one cell (label None: every call of the hour) as CSV, with the
    options that make it count as the page did."""
    words = ["apihourly", "activity", *page.sources.options(), "--tz", page.tz.key, "--date", day.isoformat(),
             "--hour", slot.start.isoformat()]
    words += ["--vendor", label] if label is not None else []
    return [*words, *_limit_options(page, hourly=True), "--csv"]


def limits_command(page: Page, day: date, part: str) -> list[str]:
    """The words of the `apihourly limits` command that writes a whole table
    of the day's limits as CSV."""
    return ["apihourly", "limits", *page.sources.options(), "--tz", page.tz.key, "--date", day.isoformat(),
            *_limit_options(page, hourly=False), "--part", part, "--csv"]


def _limit_options(page: Page, hourly: bool) -> list[str]:
    """The limits the page was given that the command must be given too."""
    words = ["--threshold", str(page.threshold)] if hourly and page.threshold != schema.DEFAULT_THRESHOLD else []
    if not hourly and page.settings.db_threshold is not None:
        words += ["--db-threshold", str(page.settings.db_threshold)]
    if page.settings.max_threads != schema.DEFAULT_MAX_THREADS:
        words += ["--max-threads", str(page.settings.max_threads)]
    return words
