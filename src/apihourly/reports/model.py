"""What every report shares: the Query it is asked (logs, zone, threshold),
the Report it returns, the default date, the labels of a day's categories,
and the note for a date without calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from .. import schema
from ..errors import ApihourlyError
from ..read.scan import LogSet
from ..read.stats import ScanStats
from ..timeaxis import HourSlot, local_date
from .table import Table


@dataclass
class Query:
    """What every report needs: the logs, the zone and the hourly threshold.
    `progress(calls_read, finished=False)` is told how far a long read is."""

    logs: LogSet
    tz: ZoneInfo
    threshold: int = schema.DEFAULT_THRESHOLD
    progress: Callable[..., None] | None = None
    notes: list[str] = field(default_factory=list)  # how the date and the tenant were chosen, for every report

    @classmethod
    def open(cls, specs: list[str], tz: ZoneInfo, threshold: int = schema.DEFAULT_THRESHOLD,
             progress: Callable[..., None] | None = None, input_tz: ZoneInfo | None = None,
             time_pattern: str | None = None, cache=None, tenant=None, cluster=None) -> "Query":
        """Find, check and open the log files named by `specs` (files,
        folders, globs). Times without an offset were written in `input_tz`;
        without it, machine forms (ISO, epoch) in UTC and forms written for
        people (11/16/2026 3:04 PM) in `tz`, as Autotask's export writes them.
        With `cache` (True: the user's cache folder, or a read.cache.Cache)
        what each file gave is kept for the next run. Logs of several
        Autotask tenants are read one `tenant` at a time (read/tenants.py), or
        all of them with read.tenants.ANY_TENANT. With a `cluster`
        (cluster.Cluster), its workers read the call logs."""
        from ..arrays import lean_memory_pool
        from ..read.cache import Cache, cache_folder
        from ..read.canonical import TimeRules

        lean_memory_pool()  # before pyarrow loads: see its docstring
        if not isinstance(cache, Cache):
            cache = Cache(cache_folder() if cache else None)
        from ..read.tenants import ANY_TENANT

        logs = LogSet.open(specs, TimeRules(input_tz, tz, time_pattern), cache, cluster)
        # The fleet report reads every tenant (reports/tenants.py).
        said = logs.choose_tenant(tenant) if tenant is not ANY_TENANT else []
        return cls(logs, tz, threshold, progress, said)


@dataclass
class Report:
    """A computed report: its `table`, and what a renderer needs to know.

    `categories` names the summary's integration columns and `slots` its
    hours; `notes` are messages for the user; `parts` holds every table of a
    report that has several (limits), by name, with `table` the default
    one; `covers` says what the report is about (its date, hour, dates,
    integration) and `meta` its headline figures, both by snake_case key.

    For scripts: `long` is a wide table (summary) one cell per row, so that
    labels from the logs are values, never keys; `totals` holds the figures
    of a sum or footer row (summary, totals), which JSON never mixes with the
    rows; `breaches` lists the limits exceeded, as data with a sentence
    each (reports/limits.py), or is None where they were not checked.
    """

    kind: str
    table: Table
    tz: ZoneInfo
    threshold: int
    stats: ScanStats
    day: date | None = None
    categories: list[str] = field(default_factory=list)
    slots: tuple[HourSlot, ...] = ()
    notes: list[str] = field(default_factory=list)
    title: str = ""
    parts: dict[str, Table] = field(default_factory=dict)
    covers: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    long: Table | None = None
    totals: dict | None = None
    breaches: list[dict] | None = None

    def part(self, name: str | None = None) -> Table:
        """The table called `name` (limits: tiers, peak, minutes, threads,
        intervals), or the report's own table."""
        return self.parts[name] if name else self.table

    def to_pandas(self, part: str | None = None):
        return self.part(part).to_pandas()

    def to_arrow(self, part: str | None = None):
        return self.part(part).to_arrow()


def latest_day(query: Query, today: date | None = None) -> date:
    """The latest local date with a call, not after today (in the query's
    zone): what reports show by default. Calls dated later (a clock set
    wrong, test data) are named in a note rather than taken for the day."""
    from datetime import datetime

    from ..timeaxis import day_window

    from ..count.segments import latest_call

    latest = latest_call(query.logs)
    if latest is None:
        raise ApihourlyError(f"no calls with a readable execution_start in {query.logs.source}")
    today = today or datetime.now(query.tz).date()
    end = day_window(today, query.tz)[1]
    if latest < end:
        return local_date(latest, query.tz)
    later = [d for d in activity_days(query) if d > today]
    before = latest_call(query.logs, before=end)
    day = local_date(before, query.tz) if before is not None else later[0]
    named = ", ".join(d.isoformat() for d in later[:3]) + (f" and {len(later) - 3:,} more" if len(later) > 3 else "")
    _note_once(query, f"calls are dated after today ({today.isoformat()}): {named}; showing {day.isoformat()} "
                      "(--date to choose)")
    return day


def _note_once(query: Query, text: str) -> None:
    if text not in query.notes:
        query.notes.append(text)


def activity_days(query: Query) -> list[date]:
    """Every local date with calls, in order."""
    from ..count.hourly import count_hourly

    counts = count_hourly(query.logs, query.tz, progress=query.progress)
    return sorted({local_date(key[0], query.tz) for key in counts.counts})


def day_notes(query: Query, day: date, calls: int) -> list[str]:
    """What to say about the date of a report: how it was chosen, and for a
    date without calls that it has none, naming the nearest dates with some."""
    if calls:
        return list(query.notes)
    known = activity_days(query)
    before = [d for d in known if d < day][-1:]
    after = [d for d in known if d > day][:1]
    near = ", ".join(d.isoformat() for d in before + after)
    empty = f"no activity on {day.isoformat()}" + (f"; nearest dates with activity: {near}" if near else "")
    return [*query.notes, empty]


def require_calls(query: Query, day: date) -> None:
    """Activity and limits need each call's time: a date given as hourly
    counts has none, which is said rather than shown as a quiet day."""
    from ..timeaxis import day_window

    path = query.logs.counts_only(day_window(day, query.tz))
    if path is not None:
        raise ApihourlyError(f"{day.isoformat()} has hourly counts only (from {path}); "
                             "activity and limits need call logs")


def triple_labels(counts: dict) -> dict[tuple, str]:
    """The column label of every (vendor, integration, tracking id) counted,
    and of every (Category,) of hourly counts files (keys of
    HourlyCounts.counts: hour start, then those)."""
    cats = {triple: schema.category_of_key(triple) for triple in {key[1:] for key in counts}}
    labels = schema.column_labels(set(cats.values()))
    return {triple: labels[cat] for triple, cat in cats.items()}


def label_categories(labels_of: dict[tuple, str]) -> dict[str, schema.Category]:
    """Label -> its category. A label shared by calls and hourly counts (an
    integration the counts do not name the kind of) takes the kind the
    calls tell."""
    cats = sorted(((label, schema.category_of_key(key)) for key, label in labels_of.items()),
                  key=lambda pair: pair[1].kind != schema.INTEGRATION_KIND)
    return dict(cats)


def ordered_labels(categories: dict[str, schema.Category]) -> list[str]:
    """Labels in summary column order: vendors, custom integrations, Unknown."""
    return sorted(categories, key=lambda label: categories[label].sort_key)
