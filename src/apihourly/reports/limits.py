"""The `limits` report and the limit checks other reports share: calls read
as arrays (count/calls.py), checked against every limit (count/rolling.py,
count/threads.py), set beside Autotask's own counter where samples of it
were given (read/counter.py), and laid out as tables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .. import schema
from ..count import rolling
from ..count.calls import Calls, load_calls
from ..count.threads import Threads, thread_usage
from ..read.stats import ScanStats
from ..timeaxis import EARLIEST_NS, HOUR_NS, LATEST_NS, MINUTE_NS, day_window, iso, local_iso
from ..words import plural
from .model import Query, Report, day_notes, require_calls, triple_labels
from .table import COUNT, INSTANT, MINUTE, SHARE, Column, Lazy, Table

INTEGRATION, ENTITY = Column("Integration"), Column("Entity")
TIERS_COLUMNS = (Column("Tier", rule="tier"), Column("From calls", COUNT), Column("Effect"),
                 Column("First reached", INSTANT, rule="tier", blank="not reached"), Column("Minutes", COUNT))
PEAK_COLUMNS = (INTEGRATION, Column("Calls", COUNT), Column("Share (%)", SHARE, key="share_pct"))
MINUTES_COLUMNS = (Column("Minute", MINUTE), Column("Rolling calls", COUNT))
THREADS_COLUMNS = (INTEGRATION, ENTITY, Column("Calls", COUNT), Column("Without duration", COUNT),
                   Column("Max in flight", COUNT, rule="threads"), Column("Times over", COUNT, rule="threads"),
                   Column("First over", INSTANT))
INTERVALS_COLUMNS = (INTEGRATION, ENTITY, Column("Start", INSTANT), Column("End", INSTANT),
                     Column("Max in flight", COUNT, rule="over"))
COUNTER_COLUMNS = (Column("Time", INSTANT), Column("Autotask count", COUNT, rule="rolling"),
                   Column("Replayed from logs", COUNT, rule="rolling"), Column("Gap", COUNT),
                   Column("Threshold", COUNT, blank="not given"))
PARTS = ("tiers", "peak", "minutes", "threads", "intervals", "counter")


@dataclass(frozen=True)
class LimitSettings:
    """The limits to check. A db_threshold of None (limits only) is the
    counter samples' externalRequestThreshold, else the default."""

    db_threshold: int | None = schema.DEFAULT_DB_THRESHOLD
    max_threads: int = schema.DEFAULT_MAX_THREADS


@dataclass
class Analysis:
    """Every limit checked over [lo, hi): the tenant's rolling count, threads
    per (category, entity), and integrations over the hourly threshold."""

    calls: Calls
    lo: int
    hi: int
    first: int                # position of the first call at or after lo
    rolling: rolling.Rolling
    threads: Threads
    hourly_over: list[tuple[int, str, int]]  # (hour start ns, label, calls)
    settings: LimitSettings

    @property
    def day_calls(self) -> int:
        return len(self.calls.ts) - self.first


def analyse(query: Query, window: tuple[int, int] | None, settings: LimitSettings,
            fit: bool = False, before: int = HOUR_NS, per_call: bool = False, keep: tuple[str, ...] = ()) -> Analysis:
    """Read [lo - `before`, hi) and check every limit over [lo, hi); the hour
    before matters because windows that end in the period start there.
    With `fit` (a check, not a report) the period shrinks to the calls it
    holds and no minute series is built: calls ten years apart cost their
    calls, not ten years of minutes. With `per_call`, the threads in flight
    as each call started are kept (threads.level_at_start); the fields in
    `keep` are kept as read (count.calls.load_calls)."""
    import numpy as np

    calls = load_calls(query.logs, (window[0] - before, window[1]) if window else None, keep)
    lo, hi = window or (EARLIEST_NS, LATEST_NS)
    if fit or window is None:
        lo, hi = _fit(lo, hi, calls.ts)
    first = int(np.searchsorted(calls.ts, lo, "left"))
    usage = rolling.rolling_usage(calls.ts, lo, hi, settings.db_threshold, minutes=not fit)
    threads = thread_usage(calls.group, calls.ts, calls.duration_ms, settings.max_threads, since=lo, per_call=per_call)
    hourly = _hourly_over(calls, first, query, lo, hi)
    return Analysis(calls, lo, hi, first, usage, threads, hourly, settings)


def _fit(lo: int, hi: int, ts) -> tuple[int, int]:
    if not len(ts):
        return lo, lo
    lo = max(lo, int(ts[0]))
    return lo, max(lo, min(hi, int(ts[-1]) + 1))


def _hourly_over(calls: Calls, first: int, query: Query, lo: int, hi: int) -> list[tuple[int, str, int]]:
    """(hour start, label, calls) for every integration over the hourly
    threshold in a local hour of [lo, hi), earliest first. Hours come from
    the calls (count.hourly.HourStarts), so years between calls cost nothing."""
    import numpy as np

    from ..count.hourly import HourStarts

    inside = slice(first, int(np.searchsorted(calls.ts, hi, "left")))
    if hi <= lo or inside.stop <= inside.start:
        return []
    hours = HourStarts(query.tz)
    labels = len(calls.labels)
    key = hours.index(calls.ts[inside]) * labels + calls.category(inside)
    counts = np.bincount(key)
    return [(int(hours.starts[k // labels]), calls.labels[k % labels], int(counts[k]))
            for k in np.flatnonzero(counts > query.threshold).tolist()]


def day_intervals(analysis: Analysis):
    """Thread-limit intervals that overlap the period."""
    rows = analysis.threads.intervals
    return rows[(rows[:, 2] > analysis.lo) & (rows[:, 1] < analysis.hi)] if len(rows) else rows


def breaches(analysis: Analysis, query: Query) -> list[dict]:
    """Every limit exceeded, as data with a sentence each: an integration
    over the hourly threshold in an hour ('hourly'), the tenant's rolling
    count over its threshold ('rolling'), an integration and entity over the
    thread limit ('threads'). Empty when none was."""
    return [*_hourly_breaches(analysis, query), *_rolling_breaches(analysis, query.tz),
            *_thread_breaches(analysis, query.tz)]


def _hourly_breaches(analysis: Analysis, query: Query) -> list[dict]:
    tz, limit, over = query.tz, query.threshold, analysis.hourly_over
    starts = local_iso([hour_ns for hour_ns, _, _ in over], tz, "seconds")
    return [{"kind": "hourly", "integration": label, "hour_start": start, "calls": calls, "limit": limit,
             "message": f"{label} made {plural(calls, 'call')} in the hour from {iso(hour_ns, tz)}, over {limit:,}"}
            for start, (hour_ns, label, calls) in zip(starts, over)]


def _rolling_breaches(analysis: Analysis, tz) -> list[dict]:
    usage, limit = analysis.rolling, analysis.settings.db_threshold
    if usage.peak <= limit:
        return []
    first = iso(usage.first_ns[-1], tz)
    return [{"kind": "rolling", "calls": usage.peak, "limit": limit, "first_at": first,
             "peak_at": iso(usage.peak_ns, tz),
             "message": f"rolling 60-minute count reached {usage.peak:,}, over {limit:,}, first at {first}"}]


def _thread_breaches(analysis: Analysis, tz) -> list[dict]:
    """One per integration and entity over the thread limit, the earliest first."""
    limit, found = analysis.settings.max_threads, {}
    for group, start, _, top in day_intervals(analysis).tolist():
        seen = found.setdefault(int(group), [0, int(start), 0])
        seen[0] += 1
        seen[1] = min(seen[1], int(start))
        seen[2] = max(seen[2], int(top))
    out = []
    for group, (times, start, top) in sorted(found.items(), key=lambda item: (item[1][1], item[0])):
        label, entity = analysis.calls.names(group)
        first = iso(start, tz)
        out.append({"kind": "threads", "integration": label, "entity": entity, "stretches": times,
                    "max_in_flight": top, "limit": limit, "first_at": first,
                    "message": f"{label} on {entity or '(no entity)'} had more than {plural(limit, 'call')} in flight "
                               f"{plural(times, 'time')}, first at {first}"})
    return out


def breach_lines(found: list[dict]) -> list[str]:
    """The limits exceeded in a phrase per kind, for the `breach:` line of
    --fail-on-breach: the first of each kind, and how many more."""
    lines = []
    hourly = [b for b in found if b["kind"] == "hourly"]
    if hourly:
        more = len(hourly) - 1
        lines.append(hourly[0]["message"] + (f" (and {plural(more, 'more integration-hour')})" if more else ""))
    lines += [b["message"] for b in found if b["kind"] in ("rolling", "rolling_now")]
    tenants = [b["message"] for b in found if b["kind"] == "tenant"]
    if tenants:
        lines.append(f"{plural(len(tenants), 'tenant')} over a limit: {', '.join(tenants)}")
    threads = [b for b in found if b["kind"] == "threads"]
    if threads:
        first, stretches = threads[0], sum(b["stretches"] for b in threads)
        many = "stretches" if stretches != 1 else "stretch"
        lines.append(f"{stretches:,} {many} with more than {plural(first['limit'], 'call')} in flight, "
                     f"first {first['integration']} on {first['entity'] or '(no entity)'} at {first['first_at']}")
    return lines


def check(query: Query, window: tuple[int, int] | None, settings: LimitSettings) -> list[dict]:
    """What --fail-on-breach reports for a period: every limit exceeded,
    hourly counts files' integrations over the hourly limit included."""
    analysis = analyse(query, window, settings, fit=True)
    analysis.hourly_over = sorted([*analysis.hourly_over, *_counted_over(query, window)])
    return breaches(analysis, query)


def _counted_over(query: Query, window: tuple[int, int] | None) -> list[tuple[int, str, int]]:
    """(hour start, label, calls) over the hourly threshold in hourly counts files."""
    cells = dict(query.logs.counted(window, ScanStats()))
    labels = triple_labels(cells)
    return [(hour, labels[(category,)], calls) for (hour, category), calls in cells.items()
            if schema.over_limit(calls, query.threshold)]


def limits_report(query: Query, day: date, settings: LimitSettings = LimitSettings()) -> Report:
    """The tenant's rolling 60-minute usage and thread limits on one day:
    every table in `parts` (tiers is the default one), headline figures in
    `meta`, the limits exceeded in `breaches`. With counter samples, the
    `counter` part and `meta["counter"]` set Autotask's own count beside
    the replay (else the part is empty and `meta["counter"]` None)."""
    return limits_of(query, analyse_day(query, day, settings))


@dataclass
class DayAnalysis:
    """One day's limits checked, with what the report says beside them."""

    day: date
    analysis: Analysis
    samples: object  # read.counter.Samples of the day
    threshold_note: str | None


def analyse_day(query: Query, day: date, settings: LimitSettings, per_call: bool = False,
                keep: tuple[str, ...] = ()) -> DayAnalysis:
    """Every limit checked on `day` (see analyse), the rolling threshold
    settled from the counter samples when not given."""
    require_calls(query, day)
    window = day_window(day, query.tz)
    said = ScanStats()
    samples = query.logs.counter_samples(window, said)
    settings, threshold_note = _settled(settings, samples, day)
    analysis = analyse(query, window, settings, before=max(HOUR_NS, _longest_timeframe(samples)), per_call=per_call,
                       keep=keep)
    analysis.calls.stats.add_messages(said)
    return DayAnalysis(day, analysis, samples, threshold_note)


def limits_of(query: Query, checked: DayAnalysis, with_breaches: bool = True) -> Report:
    """The limits report of a day already analysed; without its `breaches`
    (None) unless `with_breaches`: listing a busy day's thread stretches
    one by one takes a second and more."""
    analysis, samples, day, threshold_note = checked.analysis, checked.samples, checked.day, checked.threshold_note
    settings = analysis.settings
    tz, usage = query.tz, analysis.rolling
    counter = CounterCheck.of(samples, analysis.calls.ts)
    parts = {"tiers": _tiers(analysis, tz), "peak": _peak(analysis), "minutes": _minutes(analysis, tz),
             "threads": _threads(analysis, tz), "intervals": _intervals(analysis, tz),
             "counter": counter.table(tz)}
    meta = {
        "db_threshold": settings.db_threshold, "max_threads": settings.max_threads,
        "calls": analysis.day_calls, "peak": usage.peak, "peak_at": iso(usage.peak_ns, tz) or None,
        "peak_window_start": iso(usage.peak_ns - HOUR_NS, tz) if usage.peak_ns is not None else None,
        "calls_without_duration": int((analysis.calls.duration_ms[analysis.first:] < 0).sum()),
        "counter": counter.meta(tz, len(query.logs.counter_files)),
    }
    report = Report("limits", parts["tiers"], tz, query.threshold, analysis.calls.stats, day,
                    parts=parts, covers={"date": day.isoformat()}, meta=meta,
                    breaches=breaches(analysis, query) if with_breaches else None)
    report.notes += day_notes(query, day, analysis.day_calls)
    report.notes += [*([threshold_note] if threshold_note else []), *_counter_notes(query, day, samples)]
    return report


def _settled(settings: LimitSettings, samples, day: date) -> tuple[LimitSettings, str | None]:
    """The settings with a db_threshold: as given, else the externalRequestThreshold
    of the day's latest sample that gives one, else the default; and a note
    when the day's samples give more than one."""
    import numpy as np

    if settings.db_threshold is not None:
        return settings, None
    given = samples.threshold[samples.threshold > 0]
    if not len(given):
        return replace(settings, db_threshold=schema.DEFAULT_DB_THRESHOLD), None
    latest = int(given[-1])
    values = np.unique(given).tolist()
    note = None
    if len(values) > 1:
        named = ", ".join(f"{v:,}" for v in values)
        note = (f"the counter samples of {day.isoformat()} give thresholds {named}; the rolling limit is the "
                f"latest, {latest:,} (--db-threshold to choose)")
    return replace(settings, db_threshold=latest), note


def _longest_timeframe(samples) -> int:
    return int(samples.timeframe.max()) * MINUTE_NS if len(samples) else 0


def _counter_notes(query: Query, day: date, samples) -> list[str]:
    """Counter samples were given but none is of this day: say where they are."""
    files = query.logs.counter_files
    if not files or len(samples):
        return []
    every = query.logs.counter_samples()
    first, last = (iso(int(ns), query.tz)[:10] for ns in (every.ts[0], every.ts[-1]))
    span = first if first == last else f"{first} to {last}"
    return [f"no counter samples on {day.isoformat()}; the {plural(len(every), 'sample')} given are of {span}"]


@dataclass
class CounterCheck:
    """Autotask's own count at each sample time of the day beside the count
    replayed from the logs: calls started in the sample's timeframe (its
    requestThresholdTimeframe, 60 minutes) up to and including its time.
    The gap is what Autotask counted that the logs do not hold: other
    tools' calls, or calls a log missed."""

    samples: object  # read.counter.Samples
    replayed: object  # int64, one per sample

    @classmethod
    def of(cls, samples, sorted_ts) -> "CounterCheck":
        return cls(samples, rolling.rolling_counts(sorted_ts, samples.ts, samples.timeframe * MINUTE_NS))

    @property
    def gap(self):
        return self.samples.count - self.replayed

    def table(self, tz) -> Table:
        from ..read.counter import NO_THRESHOLD

        threshold = self.samples.threshold.tolist()
        return Table(COUNTER_COLUMNS, [local_iso(self.samples.ts, tz), self.samples.count.tolist(),
                                       self.replayed.tolist(), self.gap.tolist(),
                                       [None if t == NO_THRESHOLD else t for t in threshold]])

    def meta(self, tz, files: int) -> dict | None:
        """The headline figures, None without a sample."""
        import numpy as np

        samples = self.samples
        if not len(samples):
            return None
        widest, top = int(np.argmax(self.gap)), int(np.argmax(samples.count))  # the earliest of equals
        given = samples.threshold[samples.threshold > 0]
        return {
            "files": files, "samples": len(samples),
            "first_at": iso(int(samples.ts[0]), tz), "last_at": iso(int(samples.ts[-1]), tz),
            "threshold": int(given[-1]) if len(given) else None,
            "timeframe_minutes": int(samples.timeframe[-1]),
            "largest_gap": int(self.gap[widest]), "largest_gap_at": iso(int(samples.ts[widest]), tz),
            "count_at_largest_gap": int(samples.count[widest]),
            "replayed_at_largest_gap": int(self.replayed[widest]),
            "peak_count": int(samples.count[top]), "peak_count_at": iso(int(samples.ts[top]), tz),
        }


def _tiers(analysis: Analysis, tz) -> Table:
    usage = analysis.rolling
    floors = rolling.tier_floors(analysis.settings.db_threshold)
    return Table(TIERS_COLUMNS, [
        [f"{share}%" for share, _ in rolling.TIERS], floors, [effect for _, effect in rolling.TIERS],
        [iso(ns, tz) for ns in usage.first_ns], usage.tier_minutes,
    ])


def _peak(analysis: Analysis) -> Table:
    """Integrations by share of the calls in the peak window, most first."""
    import numpy as np

    calls, peak_ns = analysis.calls, analysis.rolling.peak_ns
    if peak_ns is None:
        return Table.from_rows(PEAK_COLUMNS, [])
    counts, shares = window_shares(calls.category(rolling.window_slice(calls.ts, peak_ns)), len(calls.labels))
    present = np.flatnonzero(counts)
    present = present[np.argsort(-counts[present], kind="stable")]
    return Table(PEAK_COLUMNS, [[calls.labels[k] for k in present.tolist()], counts[present].tolist(),
                                shares[present].tolist()])


def window_shares(labels, width: int):
    """Calls of each label position among `labels` (a window's calls), and
    each one's share of the window in percent to one decimal, as the peak
    table shows it (the tenants report too)."""
    import numpy as np

    counts = np.bincount(labels, minlength=width)
    return counts, shares_of(counts)


def shares_of(counts):
    """Each count's share of their sum, in percent to one decimal (all 0 for none)."""
    import numpy as np

    counts = np.asarray(counts)
    return np.round(100 * counts / max(int(counts.sum()), 1), 1)


def _minutes(analysis: Analysis, tz) -> Table:
    usage = analysis.rolling
    return Table(MINUTES_COLUMNS, [local_iso(usage.minute_starts, tz, "seconds"), usage.minute_peaks.tolist()])


def _threads(analysis: Analysis, tz) -> Table:
    """One row per (integration, entity) with calls in the period: most in
    flight first, then most calls."""
    import numpy as np

    calls, first = analysis.calls, analysis.first
    group = calls.group[first:]
    counts = np.bincount(group, minlength=1)
    present = np.flatnonzero(counts)
    without = np.bincount(group[calls.duration_ms[first:] < 0], minlength=len(counts))[present]
    top = analysis.threads.group_max
    intervals = day_intervals(analysis)
    over_groups, times = np.unique(intervals[:, 0], return_counts=True)
    by_start = intervals[np.lexsort((intervals[:, 1], intervals[:, 0]))]  # each group's earliest first
    times_over = dict(zip(over_groups.tolist(), times.tolist()))
    first_over = dict(zip(over_groups.tolist(), by_start[np.searchsorted(by_start[:, 0], over_groups), 1].tolist()))
    integrations, entities = calls.names_of(present)
    rows = [[integration, entity, int(n), int(none), top.get(g, 0), int(times_over.get(g, 0)),
             iso(first_over.get(g), tz)]
            for integration, entity, n, none, g in zip(integrations, entities, counts[present], without,
                                                       present.tolist())]
    rows.sort(key=lambda r: (-r[4], -r[2], r[0], r[1]))
    return Table.from_rows(THREADS_COLUMNS, rows)


def _intervals(analysis: Analysis, tz) -> Table:
    """The thread-limit stretches by start, made a slice at a time: a busy
    day has hundreds of thousands, of which a table shows the first few."""
    rows = day_intervals(analysis)
    rows = rows[rows[:, 1].argsort(kind="stable")] if len(rows) else rows
    names = analysis.calls.namer()  # the rows are made later: they must not keep the day's calls

    return Table(INTERVALS_COLUMNS, [
        Lazy(len(rows), lambda a, b: names(rows[a:b, 0])[0]), Lazy(len(rows), lambda a, b: names(rows[a:b, 0])[1]),
        Lazy(len(rows), lambda a, b: local_iso(rows[a:b, 1], tz)), Lazy(len(rows), lambda a, b: local_iso(rows[a:b, 2], tz)),
        Lazy(len(rows), lambda a, b: rows[a:b, 3].astype("int64").tolist())])
