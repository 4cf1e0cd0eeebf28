"""The four reports as pure functions: options in, a Report (pandas frame plus
what a renderer needs to know) out. Nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from . import schema
from .aggregate import HourlyCounts, count_hourly
from .errors import ApihourlyError, NoSuchCell
from .hours import resolve_hour
from .limits import DEFAULT_MAX_THREADS, HOUR_NS, daily_peaks, thread_usage
from .load import LogSet, ScanStats
from .timeaxis import HourSlot, day_start, local_date, local_hour_axis, to_ns

DEFAULT_THRESHOLD = 10_000
APPROACHING_SHARE = 0.75  # Autotask slows calls from 75% of the threshold

ACTIVITY_COLUMNS = (
    "Method", "Entity", "Request Return Count", "Integration Name", "Resource / API User",
    "Execution Start", "Execution Time (ms)", "Threshold Exceeded", "Client IP Address", "Limit Reason",
)


@dataclass
class Query:
    """What every report needs: the logs, the zone and the hourly threshold."""

    logs: LogSet
    tz: ZoneInfo
    threshold: int = DEFAULT_THRESHOLD


@dataclass
class Report:
    """A computed report. `frame` holds plain values (ISO times, ints, text);
    `categories` names the frame's category columns (summary only) and
    `slots` its hours; `notes` are messages for the user."""

    kind: str
    frame: object
    tz: ZoneInfo
    threshold: int
    stats: ScanStats
    day: date | None = None
    categories: list[str] = field(default_factory=list)
    slots: tuple[HourSlot, ...] = ()
    notes: list[str] = field(default_factory=list)
    title: str = ""
    parts: dict = field(default_factory=dict)       # further tables by name (limits)
    meta: dict = field(default_factory=dict)        # headline figures (limits)
    breaches: list[str] = field(default_factory=list)  # limits exceeded, for --fail-on-breach


def day_window(day: date, tz: ZoneInfo) -> tuple[int, int]:
    return to_ns(day_start(day, tz)), to_ns(day_start(day + timedelta(days=1), tz))


def latest_day(query: Query) -> date:
    """The latest local date with a call; what reports show by default."""
    import pyarrow.compute as pc

    latest = None
    for table in query.logs.scan([]):
        top = pc.max(table.column("ts")).as_py()
        latest = top if latest is None or top > latest else latest
    if latest is None:
        raise ApihourlyError(f"no calls with a readable execution_start in {query.logs.source}")
    return local_date(latest, query.tz)


def label_categories(frame, known: dict[str, schema.Category] | None = None) -> dict[str, schema.Category]:
    """Add a `category` label column to a frame with vendor/integration/tracking_id.

    Labels depend on which categories are present (collisions get suffixes),
    so a part of a day is labelled with the day's `known` labels.
    """
    triples = frame[list(schema.CATEGORY_FIELDS)].drop_duplicates()
    cats = {t: schema.category_of(*t) for t in triples.itertuples(index=False, name=None)}
    if known is not None:
        labels = {cat: label for label, cat in known.items()}
    else:
        labels = schema.column_labels(set(cats.values()))
    keys = list(zip(*(frame[f] for f in schema.CATEGORY_FIELDS)))
    frame["category"] = [labels[cats[k]] for k in keys]
    return {labels[c]: c for c in cats.values()}


def ordered_labels(categories: dict[str, schema.Category]) -> list[str]:
    return sorted(categories, key=lambda label: categories[label].sort_key)


def _day_counts(query: Query, day: date) -> tuple[HourlyCounts, dict[str, schema.Category]]:
    counts = count_hourly(query.logs, query.tz, day_window(day, query.tz))
    return counts, label_categories(counts.frame)


def _pivot(frame, slots, labels):
    """Hours x categories, zero-filled, in axis order."""
    import pandas as pd

    index = [slot.start_ns for slot in slots]
    if frame.empty:
        return pd.DataFrame(0, index=index, columns=labels, dtype="int64")
    table = frame.pivot_table(index="hour_ns", columns="category", values="calls", aggfunc="sum")
    return table.reindex(index=index, columns=labels).fillna(0).astype("int64")


def summary(query: Query, day: date) -> Report:
    """Calls per local hour (rows) and integration category (columns)."""
    counts, cats = _day_counts(query, day)
    slots = local_hour_axis(day, query.tz)
    labels = ordered_labels(cats)
    grid = _pivot(counts.frame, slots, labels)
    grid["Total calls"] = grid.sum(axis=1).astype("int64")
    grid.insert(0, "Hour", [slot.start.isoformat() for slot in slots])
    report = Report("summary", grid.reset_index(drop=True), query.tz, query.threshold,
                    counts.stats, day, labels, slots)
    report.notes += _empty_day_notes(query, day, counts)
    return report


def totals(query: Query, day: date) -> Report:
    """Calls per category for the day, most first, with a Grand total row."""
    import pandas as pd

    counts, cats = _day_counts(query, day)
    slots = local_hour_axis(day, query.tz)
    grid = _pivot(counts.frame, slots, ordered_labels(cats))
    rows = [_total_row(label, cats[label].kind, grid[label], slots, query.threshold) for label in grid]
    rows.sort(key=lambda r: (-r["Calls"], r["Integration"].casefold(), r["Integration"]))
    over_any = (grid > query.threshold).any(axis=1)
    grand = _total_row("Grand total", "", grid.sum(axis=1), slots, query.threshold)
    grand["Hours over limit"] = int(over_any.sum())
    frame = pd.DataFrame(rows + [grand], columns=list(grand))
    report = Report("totals", frame, query.tz, query.threshold, counts.stats, day, slots=slots)
    report.notes += _empty_day_notes(query, day, counts)
    return report


def _total_row(label: str, kind: str, hourly, slots, threshold: int) -> dict:
    values = hourly.tolist()
    peak = max(range(len(values)), key=lambda i: (values[i], -i)) if values else 0
    busy = values[peak] > 0 if values else False
    return {
        "Integration": label,
        "Kind": kind,
        "Calls": int(sum(values)),
        "Peak hour": slots[peak].start.isoformat() if busy else "",
        "Peak hour calls": int(values[peak]) if busy else 0,
        "Hours over limit": int(sum(v > threshold for v in values)),
    }


def days(query: Query, since: date | None = None, until: date | None = None,
         db_threshold: int = DEFAULT_THRESHOLD) -> Report:
    """One row per local date with calls (from `since` to `until` when given):
    calls, integrations, hours over limit, and the peak rolling 60-minute count."""
    import pandas as pd

    window = range_window(since, until, query.tz)
    counts = count_hourly(query.logs, query.tz, window)
    frame = counts.frame
    label_categories(frame)
    frame["Date"] = [local_date(ns, query.tz).isoformat() for ns in frame["hour_ns"]]
    per_hour = frame.groupby(["Date", "hour_ns", "category"], sort=False)["calls"].sum()
    over = (per_hour > query.threshold).groupby(level=["Date", "hour_ns"]).any()
    table = pd.DataFrame({
        "Calls": frame.groupby("Date")["calls"].sum(),
        "Integrations": frame.groupby("Date")["category"].nunique(),
        "Hours over limit": over.groupby(level="Date").sum(),
    }).sort_index()
    table = table.astype("int64").rename_axis("Date").reset_index()
    table["Peak rolling hour"] = _rolling_peaks(query, [date.fromisoformat(d) for d in table["Date"]])
    report = Report("days", table, query.tz, query.threshold, counts.stats)
    report.meta = {"db_threshold": db_threshold}
    return report


def range_window(since: date | None, until: date | None, tz: ZoneInfo) -> tuple[int, int] | None:
    """UTC bounds from the start of `since` to the end of `until`; open ends
    reach the earliest and latest instants a log can hold."""
    if since is None and until is None:
        return None
    lo = day_window(since, tz)[0] if since else -(2**62)
    hi = day_window(until, tz)[1] if until else 2**62
    return lo, hi


def _rolling_peaks(query: Query, dates: list[date]) -> list[int]:
    """The highest rolling 60-minute count of the whole tenant on each date."""
    import numpy as np

    if not dates:
        return []
    first, last = dates[0], dates[-1]
    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    bounds = [day_window(d, query.tz)[0] for d in every] + [day_window(last, query.tz)[1]]
    tables = list(query.logs.scan([], (bounds[0] - HOUR_NS, bounds[-1])))
    ts = np.sort(np.concatenate([t.column("ts").to_numpy() for t in tables]))
    peaks = dict(zip(every, daily_peaks(ts, bounds).tolist()))
    return [int(peaks[d]) for d in dates]


def activity_days(query: Query) -> list[date]:
    counts = count_hourly(query.logs, query.tz)
    return sorted({local_date(ns, query.tz) for ns in counts.frame["hour_ns"]})


def _empty_day_notes(query: Query, day: date, counts: HourlyCounts) -> list[str]:
    if counts.stats.rows:
        return []
    known = activity_days(query)
    before = [d for d in known if d < day][-1:]
    after = [d for d in known if d > day][:1]
    near = ", ".join(d.isoformat() for d in before + after)
    return [f"no activity on {day.isoformat()}" + (f"; nearest dates with activity: {near}" if near else "")]


def activity(query: Query, day: date | None, hour: str, category: str,
             max_threads: int = DEFAULT_MAX_THREADS) -> Report:
    """The calls of one local hour and one category, by execution start, each
    with the limits it met (hourly threshold, thread limit)."""
    day, slot = resolve_hour(hour, day, query.tz, lambda: latest_day(query))
    counts, cats = _day_counts(query, day)
    in_hour = counts.frame[counts.frame["hour_ns"] == slot.start_ns]
    by_label = in_hour.groupby("category")["calls"].sum()
    label = _match_label(category, by_label, slot)
    stats = ScanStats()
    rows = _hour_rows(query, (slot.start_ns, slot.end_ns), stats)
    if not rows.empty:
        rows["threads"] = _over_thread_limit(rows, _hour_rows(query, (slot.start_ns - HOUR_NS, slot.start_ns),
                                                                 ScanStats()), max_threads)
        label_categories(rows, cats)
        rows = rows[rows["category"] == label]
    over = int(by_label[label]) > query.threshold
    frame = _activity_frame(rows.sort_values("ts", kind="stable"), label, over, query.tz)
    title = f"{label}, {slot.start.isoformat()}"
    return Report("activity", frame, query.tz, query.threshold, stats, day, [label], (slot,), title=title)


def _over_thread_limit(rows, before, max_threads: int):
    """For each row: did it start while its (category, entity) had more than
    `max_threads` calls in flight? Calls of the hour before still count."""
    import numpy as np
    import pandas as pd

    both = pd.concat([before, rows], ignore_index=True) if not before.empty else rows.reset_index(drop=True)
    triples = list(zip(*(both[f] for f in schema.CATEGORY_FIELDS)))
    cats = {t: schema.category_of(*t) for t in set(triples)}
    entity = both["entity"].fillna("").astype(str).str.strip()
    group = pd.factorize(pd.Series([cats[t] for t in triples]).astype(str) + "\0" + entity)[0]
    ms = pd.to_numeric(both["execution_ms"], errors="coerce").fillna(-1).to_numpy(np.int64)
    usage = thread_usage(group, both["ts"].to_numpy(np.int64), ms, max_threads, per_call=True)
    return usage.level_at_start[len(both) - len(rows):] > max_threads


def _match_label(wanted: str, by_label, slot: HourSlot) -> str:
    for label in by_label.index:
        if label.casefold() == wanted.strip().casefold():
            return label
    have = ", ".join(f"{lab} ({n:,})" for lab, n in by_label.sort_values(ascending=False).items())
    where = f"at {slot.start.isoformat()}"
    raise NoSuchCell(f"no calls for {wanted!r} {where}; " + (f"integrations with calls: {have}" if have else "that hour has no calls"))


def _hour_rows(query: Query, window: tuple[int, int], stats: ScanStats):
    import pandas as pd
    import pyarrow as pa

    fields = [f for f in schema.ALL_FIELDS if f != schema.TIMESTAMP]
    tables = list(query.logs.scan(fields, window, stats))
    if not tables:
        return pd.DataFrame(columns=["ts", *fields])
    frame = pa.concat_tables([t.cast(_plain_schema(t)) for t in tables]).to_pandas()
    for f in schema.CATEGORY_FIELDS:
        frame[f] = frame[f].fillna("").astype(str).str.strip()
    return frame


def _plain_schema(table):
    import pyarrow as pa

    return pa.schema([
        pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else
                 (pa.string() if pa.types.is_null(f.type) else f.type))
        for f in table.schema
    ])


def _activity_frame(rows, label: str, over: bool, tz: ZoneInfo):
    import pandas as pd

    starts = pd.to_datetime(rows["ts"], unit="ns", utc=True).dt.tz_convert(tz)
    return pd.DataFrame({
        "Method": _text(rows["method"]),
        "Entity": _text(rows["entity"]),
        "Request Return Count": _count(rows["return_count"]),
        "Integration Name": label,
        "Resource / API User": _text(rows["api_user"]),
        "Execution Start": [t.isoformat(timespec="milliseconds") for t in starts],
        "Execution Time (ms)": _count(rows["execution_ms"]),
        "Threshold Exceeded": over,
        "Client IP Address": _text(rows["client_ip"]),
        "Limit Reason": pd.Series([limit_reason(over, t) for t in rows.get("threads", [])], index=rows.index,
                                  dtype=object),
    }, columns=list(ACTIVITY_COLUMNS)).reset_index(drop=True)


def limit_reason(hourly: bool, threads: bool) -> str:
    return "+".join(name for name, hit in (("hourly", hourly), ("threads", threads)) if hit)


def _text(series):
    return series.fillna("").astype(str)


def _count(series):
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").astype("Int64")

