"""The `limits` report and the limit checks other reports share: calls read
as arrays (calls.py), checked against every limit (limits.py), and laid out
as frames. Nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import limits
from .calls import Calls, load_calls
from .limits import DEFAULT_DB_THRESHOLD, DEFAULT_MAX_THREADS, HOUR_NS
from .reports import Query, Report, day_window, empty_day_notes
from .timeaxis import from_ns, hour_starts_ns, local_date



@dataclass(frozen=True)
class LimitSettings:
    db_threshold: int = DEFAULT_DB_THRESHOLD
    max_threads: int = DEFAULT_MAX_THREADS


@dataclass
class Analysis:
    """Every limit checked over [lo, hi): the tenant's rolling count, threads
    per (category, entity), and integrations over the hourly threshold."""

    calls: Calls
    lo: int
    hi: int
    first: int                # position of the first call at or after lo
    rolling: limits.Rolling
    threads: limits.Threads
    hourly_over: list[tuple[int, str, int]]  # (hour start ns, label, calls)
    settings: LimitSettings

    @property
    def day_calls(self) -> int:
        return len(self.calls.ts) - self.first


def analyse(query: Query, window: tuple[int, int] | None, settings: LimitSettings,
            fit: bool = False) -> Analysis:
    """Read [lo - 60 min, hi) and check every limit over [lo, hi); the hour
    before matters because windows that end in the period start there.
    With `fit` (or no window) the period shrinks to the calls it holds, so an
    open-ended range does not build a minute series to the year 2116."""
    import numpy as np

    calls = load_calls(query.logs, (window[0] - HOUR_NS, window[1]) if window else None)
    lo, hi = window or (-(2**62), 2**62)
    if fit or window is None:
        lo, hi = _fit(lo, hi, calls.ts)
    first = int(np.searchsorted(calls.ts, lo, "left"))
    rolling = limits.rolling_usage(calls.ts, lo, hi, settings.db_threshold)
    threads = limits.thread_usage(calls.group, calls.ts, calls.duration_ms, settings.max_threads, since=lo)
    hourly = _hourly_over(calls, first, query, lo, hi)
    return Analysis(calls, lo, hi, first, rolling, threads, hourly, settings)


def _fit(lo: int, hi: int, ts) -> tuple[int, int]:
    if not len(ts):
        return lo, lo
    lo = max(lo, int(ts[0]))
    return lo, max(lo, min(hi, int(ts[-1]) + 1))


def _hourly_over(calls: Calls, first: int, query: Query, lo: int, hi: int) -> list[tuple[int, str, int]]:
    import numpy as np

    if hi <= lo:
        return []
    starts = hour_starts_ns(local_date(lo, query.tz), local_date(hi - 1, query.tz), query.tz)
    cuts = np.searchsorted(calls.ts, [*starts, hi], "left")
    out = []
    for hour, a, b in zip(starts, cuts[:-1], cuts[1:]):
        counts = np.bincount(calls.category(slice(max(a, first), b)), minlength=len(calls.labels))
        out += [(hour, calls.labels[k], int(counts[k])) for k in np.flatnonzero(counts > query.threshold)]
    return out


def day_intervals(analysis: Analysis):
    """Thread-limit intervals that overlap the period."""
    rows = analysis.threads.intervals
    return rows[(rows[:, 2] > analysis.lo) & (rows[:, 1] < analysis.hi)] if len(rows) else rows


def breaches(analysis: Analysis, query: Query) -> list[str]:
    """One phrase per kind of limit that was exceeded; empty when none was."""
    out, tz = [], query.tz
    if analysis.hourly_over:
        hour_ns, label, calls = analysis.hourly_over[0]
        more = len(analysis.hourly_over) - 1
        out.append(f"{label} made {calls:,} calls in the hour from {iso(hour_ns, tz)}, over {query.threshold:,}"
                   + (f" (and {more} more integration-hours)" if more else ""))
    rolling, threshold = analysis.rolling, analysis.settings.db_threshold
    if rolling.peak > threshold:
        out.append(f"rolling 60-minute count reached {rolling.peak:,}, over {threshold:,}, "
                   f"first at {iso(rolling.first_ns[-1], tz)}")
    intervals = day_intervals(analysis)
    if len(intervals):
        earliest = intervals[intervals[:, 1].argmin()]
        group, start = int(earliest[0]), int(earliest[1])
        label, entity = analysis.calls.names(group)
        many = "stretches" if len(intervals) != 1 else "stretch"
        out.append(f"{len(intervals):,} {many} with more than {analysis.settings.max_threads} calls in flight, "
                   f"first {label} on {entity or '(no entity)'} at {iso(start, tz)}")
    return out


def check(query: Query, window: tuple[int, int] | None, settings: LimitSettings) -> list[str]:
    """What --fail-on-breach reports for a period: every limit exceeded."""
    return breaches(analyse(query, window, settings, fit=True), query)


def iso(ns: int | None, tz) -> str:
    return "" if ns is None else from_ns(int(ns), tz).isoformat(timespec="milliseconds")


def iso_many(ns, tz) -> list[str]:
    """iso() for an array, in numpy: local wall time plus each value's UTC
    offset, so a day of thread intervals does not cost a datetime apiece."""
    import numpy as np
    import pandas as pd

    ns = np.asarray(ns, dtype=np.int64)
    if not len(ns):
        return []
    local = pd.DatetimeIndex(ns.astype("datetime64[ns]"), tz="UTC").tz_convert(tz).tz_localize(None)
    wall = local.to_numpy().astype("datetime64[ms]")  # truncates, as iso() does
    offset_s = (local.to_numpy().astype(np.int64) - ns) // 1_000_000_000
    offsets, index = np.unique(offset_s, return_inverse=True)
    suffix = np.array([_offset(int(o)) for o in offsets])[index]
    return np.char.add(np.datetime_as_string(wall, unit="ms"), suffix).tolist()


def _offset(seconds: int) -> str:
    sign, seconds = ("+" if seconds >= 0 else "-"), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def limits_report(query: Query, day: date, settings: LimitSettings, part: str = "tiers") -> Report:
    """The tenant's rolling 60-minute usage and thread limits on one day;
    `part` names the table that CSV output carries."""
    analysis = analyse(query, day_window(day, query.tz), settings)
    tz = query.tz
    parts = {
        "tiers": _tiers_frame(analysis, tz),
        "peak": _peak_frame(analysis),
        "minutes": _minutes_frame(analysis, tz),
        "threads": _threads_frame(analysis, tz),
        "intervals": _intervals_frame(analysis, tz),
    }
    rolling = analysis.rolling
    meta = {
        "db_threshold": settings.db_threshold, "max_threads": settings.max_threads,
        "calls": analysis.day_calls, "peak": rolling.peak, "peak_at": iso(rolling.peak_ns, tz),
        "peak_window_start": iso(rolling.peak_ns - HOUR_NS, tz) if rolling.peak_ns is not None else "",
        "calls_without_duration": int((analysis.calls.duration_ms[analysis.first:] < 0).sum()),
    }
    report = Report("limits", parts[part], tz, query.threshold, analysis.calls.stats, day)
    report.parts, report.meta, report.breaches = parts, meta, breaches(analysis, query)
    report.notes += empty_day_notes(query, day, analysis.day_calls)
    return report


def _tiers_frame(analysis: Analysis, tz):
    import pandas as pd

    rolling = analysis.rolling
    floors = limits.tier_floors(analysis.settings.db_threshold)
    return pd.DataFrame({
        "Tier": [f"{share}%" for share, _ in limits.TIERS],
        "From calls": floors,
        "Effect": [effect for _, effect in limits.TIERS],
        "First reached": [iso(ns, tz) for ns in rolling.first_ns],
        "Minutes": rolling.tier_minutes,
    })


def _peak_frame(analysis: Analysis):
    """Integrations by share of the calls in the peak window."""
    import numpy as np
    import pandas as pd

    calls, peak_ns = analysis.calls, analysis.rolling.peak_ns
    if peak_ns is None:
        return pd.DataFrame(columns=["Integration", "Calls", "Share (%)"])
    window = limits.window_slice(calls.ts, peak_ns)
    counts = np.bincount(calls.category(window), minlength=len(calls.labels))
    frame = pd.DataFrame({"Integration": calls.labels, "Calls": counts})
    frame = frame[frame["Calls"] > 0].sort_values("Calls", ascending=False, kind="stable")
    frame["Share (%)"] = (100 * frame["Calls"] / frame["Calls"].sum()).round(1)
    return frame.reset_index(drop=True)


def _minutes_frame(analysis: Analysis, tz):
    import pandas as pd

    starts = pd.to_datetime(analysis.rolling.minute_starts, unit="ns", utc=True).tz_convert(tz)
    return pd.DataFrame({"Minute": [t.isoformat() for t in starts],
                         "Rolling calls": analysis.rolling.minute_peaks.astype("int64")})


def _threads_frame(analysis: Analysis, tz):
    """One row per (integration, entity) with calls in the period."""
    import numpy as np
    import pandas as pd

    calls, first = analysis.calls, analysis.first
    group = calls.group[first:]
    counts = np.bincount(group, minlength=1)
    present = np.flatnonzero(counts)
    per = pd.DataFrame({"calls": counts[present],
                        "none": np.bincount(group[calls.duration_ms[first:] < 0], minlength=len(counts))[present]},
                       index=present)
    top = analysis.threads.group_max
    # int64 throughout: a float would round nanosecond instants to ~256 ns
    intervals = day_intervals(analysis)
    times_over = dict(zip(*np.unique(intervals[:, 0], return_counts=True)))
    first_over: dict[int, int] = {}
    for g, start in intervals[:, :2].tolist():
        first_over[g] = min(start, first_over.get(g, start))
    integrations, entities = calls.names_of(per.index)
    out = pd.DataFrame({
        "Integration": integrations, "Entity": entities,
        "Calls": per["calls"].to_numpy(np.int64), "Without duration": per["none"].to_numpy(np.int64),
        "Max in flight": np.array([top.get(g, 0) for g in per.index], dtype=np.int64),
        "Times over": np.array([times_over.get(g, 0) for g in per.index], dtype=np.int64),
        "First over": [iso(first_over.get(g), tz) for g in per.index],
    })
    order = out.sort_values(["Max in flight", "Calls", "Integration", "Entity"],
                            ascending=[False, False, True, True], kind="stable").index
    return out.loc[order].reset_index(drop=True)


def _intervals_frame(analysis: Analysis, tz):
    import pandas as pd

    rows = day_intervals(analysis)
    rows = rows[rows[:, 1].argsort(kind="stable")] if len(rows) else rows
    integrations, entities = analysis.calls.names_of(rows[:, 0])
    return pd.DataFrame({
        "Integration": integrations, "Entity": entities,
        "Start": iso_many(rows[:, 1], tz), "End": iso_many(rows[:, 2], tz),
        "Max in flight": rows[:, 3].astype("int64"),
    }, columns=["Integration", "Entity", "Start", "End", "Max in flight"])
