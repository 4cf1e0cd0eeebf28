"""The four reports as pure functions: options in, a Report (a small table of
plain values, see grid.py, plus what a renderer needs to know) out. Nothing
here prints, and nothing here needs pandas: the counts are hours x
integrations, small enough for plain Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from . import schema
from .aggregate import count_hourly
from .errors import ApihourlyError, NoSuchCell
from .grid import Grid
from .hours import resolve_hour
from .limits import DEFAULT_MAX_THREADS, HOUR_NS, peaks_by_day, thread_usage
from .load import LogSet, ScanStats
from .timeaxis import HourSlot, day_start, from_ns, local_date, local_hour_axis, to_ns

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
    progress: Callable[..., None] | None = None  # told the calls read so far; see count_hourly


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
    latest = query.logs.latest_ns()
    if latest is None:
        raise ApihourlyError(f"no calls with a readable execution_start in {query.logs.source}")
    return local_date(latest, query.tz)


def ordered_labels(categories: dict[str, schema.Category]) -> list[str]:
    return sorted(categories, key=lambda label: categories[label].sort_key)


def summary(query: Query, day: date) -> Report:
    """Calls per local hour (rows) and integration category (columns)."""
    counts = count_hourly(query.logs, query.tz, day_window(day, query.tz), query.progress)
    slots = local_hour_axis(day, query.tz)
    labels_of = _triple_labels(counts.counts)
    labels = ordered_labels({label: schema.category_of(*t) for t, label in labels_of.items()})
    grid = _pivot(counts.counts, labels_of, slots, labels)
    rows = [[slot.start.isoformat(), *cells, sum(cells)] for slot, cells in zip(slots, grid)]
    report = Report("summary", Grid(["Hour", *labels, "Total calls"], rows), query.tz, query.threshold,
                    counts.stats, day, labels, slots)
    report.notes += empty_day_notes(query, day, counts.stats.rows)
    return report


def _triple_labels(counts: dict) -> dict[tuple[str, str, str], str]:
    """The column label of every (vendor, integration, tracking id) counted."""
    cats = {key[1:]: schema.category_of(*key[1:]) for key in counts}
    labels = schema.column_labels(set(cats.values()))
    return {triple: labels[cat] for triple, cat in cats.items()}


def _pivot(counts: dict, labels_of: dict, slots, labels: list[str]) -> list[list[int]]:
    """Hours x labels as lists of ints, zero-filled, in axis order; the
    summary's pivot without pandas."""
    row_of = {slot.start_ns: i for i, slot in enumerate(slots)}
    col_of = {label: j for j, label in enumerate(labels)}
    grid = [[0] * len(labels) for _ in slots]
    for (hour_ns, *triple), calls in counts.items():
        grid[row_of[hour_ns]][col_of[labels_of[tuple(triple)]]] += calls
    return grid


def totals(query: Query, day: date) -> Report:
    """Calls per category for the day, most first, with a Grand total row."""
    counts = count_hourly(query.logs, query.tz, day_window(day, query.tz), query.progress)
    slots = local_hour_axis(day, query.tz)
    labels_of = _triple_labels(counts.counts)
    cats = {label: schema.category_of(*t) for t, label in labels_of.items()}
    labels = ordered_labels(cats)
    grid = _pivot(counts.counts, labels_of, slots, labels)
    rows = [_total_row(label, cats[label].kind, [hour[j] for hour in grid], slots, query.threshold)
            for j, label in enumerate(labels)]
    rows.sort(key=lambda r: (-r["Calls"], r["Integration"].casefold(), r["Integration"]))
    grand = _total_row("Grand total", "", [sum(hour) for hour in grid], slots, query.threshold)
    grand["Hours over limit"] = sum(any(v > query.threshold for v in hour) for hour in grid)
    frame = Grid(list(grand), [list(r.values()) for r in rows + [grand]])
    report = Report("totals", frame, query.tz, query.threshold, counts.stats, day, slots=slots)
    report.notes += empty_day_notes(query, day, counts.stats.rows)
    return report


def _total_row(label: str, kind: str, hourly: list[int], slots, threshold: int) -> dict:
    values = list(hourly)
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
    counts = count_hourly(query.logs, query.tz, range_window(since, until, query.tz), progress=query.progress)
    labels_of = _triple_labels(counts.counts)
    dates: dict[int, str] = {}
    per_hour: dict[tuple[str, int], dict[str, int]] = {}  # (date, hour) -> label -> calls
    for (hour_ns, *triple), calls in counts.counts.items():
        if hour_ns not in dates:
            dates[hour_ns] = local_date(hour_ns, query.tz).isoformat()
        cell = per_hour.setdefault((dates[hour_ns], hour_ns), {})
        label = labels_of[tuple(triple)]
        cell[label] = cell.get(label, 0) + calls
    table: dict[str, list] = {}  # date -> [calls, labels, hours over]
    for (day_text, _), cell in per_hour.items():
        row = table.setdefault(day_text, [0, set(), 0])
        row[0] += sum(cell.values())
        row[1].update(cell)
        row[2] += any(n > query.threshold for n in cell.values())
    rows = [[d, calls, len(labels), over] for d, (calls, labels, over) in sorted(table.items())]
    peaks = _rolling_peaks(query, [(date.fromisoformat(row[0]), row[1]) for row in rows])
    rows = [row + [peak] for row, peak in zip(rows, peaks)]
    columns = ["Date", "Calls", "Integrations", "Hours over limit", "Peak rolling hour"]
    report = Report("days", Grid(columns, rows), query.tz, query.threshold, counts.stats)
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


# Timestamps held at once while finding rolling peaks (8 bytes each, and as
# much again for their seconds): days are taken in runs of about this many
# calls, so memory stays flat however many days the logs hold; only a single
# day busier than this is held whole.
PEAK_RUN_CALLS = 1_000_000


def _rolling_peaks(query: Query, day_calls: list[tuple[date, int]]) -> list[int]:
    """The highest rolling 60-minute count of the whole tenant on each date,
    given each date's calls (to size the runs of days read together)."""
    peaks: dict[date, int] = {}
    for run in _runs_of_days(day_calls, PEAK_RUN_CALLS):
        peaks.update(_peaks_of_run(query, run[0], run[-1]))
    return [peaks[day] for day, _ in day_calls]


def _runs_of_days(day_calls: list[tuple[date, int]], budget: int) -> list[list[date]]:
    runs: list[list[date]] = []
    held = budget
    for day, calls in day_calls:
        if held + calls > budget:
            runs.append([])
            held = 0
        runs[-1].append(day)
        held += calls
    return runs


def _peaks_of_run(query: Query, first: date, last: date) -> dict[date, int]:
    import numpy as np

    from .arrow_numpy import int_values

    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    bounds = [day_window(d, query.tz)[0] for d in every] + [day_window(last, query.tz)[1]]
    parts = [int_values(t.column("ts").combine_chunks()) for t in query.logs.scan([], (bounds[0] - HOUR_NS, bounds[-1]))]
    ts = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return {day: int(peak) for day, peak in zip(every, peaks_by_day(ts, bounds).tolist())}


def activity_days(query: Query) -> list[date]:
    counts = count_hourly(query.logs, query.tz, progress=query.progress)
    return sorted({local_date(key[0], query.tz) for key in counts.counts})


def empty_day_notes(query: Query, day: date, calls: int) -> list[str]:
    """For a date without calls: say so, and name the nearest dates with some."""
    if calls:
        return []
    known = activity_days(query)
    before = [d for d in known if d < day][-1:]
    after = [d for d in known if d > day][:1]
    near = ", ".join(d.isoformat() for d in before + after)
    return [f"no activity on {day.isoformat()}" + (f"; nearest dates with activity: {near}" if near else "")]


def activity(query: Query, day: date | None, hour: str, category: str | None,
             max_threads: int = DEFAULT_MAX_THREADS) -> Report:
    """The calls of one local hour and one category (None: every category of
    the hour, as when the Hour cell of the summary is picked), by execution
    start, each with the limits it met (hourly threshold, thread limit)."""
    day, slot = resolve_hour(hour, day, query.tz, lambda: latest_day(query))
    counts = count_hourly(query.logs, query.tz, day_window(day, query.tz), query.progress)
    labels_of = _triple_labels(counts.counts)  # the day's labels, as in its summary
    by_label: dict[str, int] = {}
    for (hour_ns, *triple), calls in counts.counts.items():
        if hour_ns == slot.start_ns:
            label = labels_of[tuple(triple)]
            by_label[label] = by_label.get(label, 0) + calls
    if category is None:
        labels = ordered_labels({labels_of[t]: schema.category_of(*t) for t in labels_of if labels_of[t] in by_label})
        if not labels:
            raise NoSuchCell(f"no calls at {slot.start.isoformat()}")
    else:
        labels = [_match_label(category, by_label, slot)]
    stats = ScanStats()
    wanted = {t: label for t, label in labels_of.items() if label in labels}
    rows = _hour_rows(query, (slot.start_ns, slot.end_ns), stats, set(wanted))
    before = _hour_rows(query, (slot.start_ns - HOUR_NS, slot.start_ns), ScanStats(), set(wanted))
    threads = _over_thread_limit(rows, before, wanted, max_threads)
    over = {label: by_label[label] > query.threshold for label in labels}
    frame = _activity_frame(rows, wanted, over, threads, query.tz, slot)
    title = f"{labels[0] if category is not None else 'every integration'}, {slot.start.isoformat()}"
    return Report("activity", frame, query.tz, query.threshold, stats, day, labels, (slot,), title=title)


def _over_thread_limit(rows, before, labels_of: dict, max_threads: int) -> list[bool]:
    """For each row: did it start while its (category, entity) had more than
    `max_threads` calls in flight? Calls of the hour before still count."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from .arrow_numpy import int_values

    if rows is None:
        return []
    both = pa.concat_tables([t for t in (before, rows) if t is not None])
    # (category, entity) as one integer per call: label codes times entity codes
    label_code = {label: i for i, label in enumerate(dict.fromkeys(labels_of.values()))}
    labels = np.array([label_code[label] for label in _row_labels(both, labels_of)], dtype=np.int64)
    entity = pc.dictionary_encode(pc.utf8_trim_whitespace(both.column("entity")).combine_chunks())
    entities = int_values(entity.indices, null_as=len(entity.dictionary))
    group = np.unique(labels * (len(entity.dictionary) + 1) + entities, return_inverse=True)[1].reshape(-1)
    starts = int_values(both.column("ts").combine_chunks())
    ms = int_values(both.column("execution_ms").combine_chunks(), null_as=-1)
    usage = thread_usage(group, starts, ms, max_threads, per_call=True)
    return (usage.level_at_start[both.num_rows - rows.num_rows:] > max_threads).tolist()


def _match_label(wanted: str, by_label: dict[str, int], slot: HourSlot) -> str:
    for label in by_label:
        if label.casefold() == wanted.strip().casefold():
            return label
    busiest = sorted(sorted(by_label.items()), key=lambda item: -item[1])
    have = ", ".join(f"{lab} ({n:,})" for lab, n in busiest)
    where = f"at {slot.start.isoformat()}"
    raise NoSuchCell(f"no calls for {wanted!r} {where}; " + (f"integrations with calls: {have}" if have else "that hour has no calls"))


def _hour_rows(query: Query, window: tuple[int, int], stats: ScanStats, triples: set[tuple[str, str, str]]):
    """The calls inside `window` of the given categories as one Arrow table
    sorted by time (None if there are none); other categories are dropped by
    their dictionary codes, batch by batch."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .aggregate import category_mask
    from .arrow_numpy import bool_array

    fields = [f for f in schema.ALL_FIELDS if f != schema.TIMESTAMP]
    tables = []
    for table in query.logs.scan(fields, window, stats):
        for batch in table.to_batches():
            kept = pa.Table.from_batches([batch.filter(bool_array(category_mask(batch, triples)))])
            tables.append(kept.cast(_plain_schema(kept)))
    if not tables:
        return None
    rows = pa.concat_tables(tables)
    return rows.take(pc.sort_indices(rows, sort_keys=[("ts", "ascending")]))  # a stable sort


def _plain_schema(table):
    import pyarrow as pa

    return pa.schema([
        pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else
                 (pa.string() if pa.types.is_null(f.type) else f.type))
        for f in table.schema
    ])


def _activity_frame(rows, labels_of: dict, over: dict[str, bool], threads: list[bool], tz: ZoneInfo,
                    slot: HourSlot) -> Grid:
    """The drill-down's rows as plain values: text '' when missing, counts
    None when missing. Built without pandas, which would cost more than the rows."""
    if rows is None:
        return Grid(list(ACTIVITY_COLUMNS), [])

    def text(name: str) -> list[str]:
        return ["" if v is None else str(v) for v in rows.column(name).to_pylist()]

    labels = _row_labels(rows, labels_of)
    reasons = {label: (limit_reason(hourly, False), limit_reason(hourly, True)) for label, hourly in over.items()}
    columns = [
        text("method"), text("entity"), rows.column("return_count").to_pylist(), labels,
        text("api_user"), _local_iso(rows.column("ts"), tz, slot), rows.column("execution_ms").to_pylist(),
        [over[label] for label in labels], text("client_ip"),
        [reasons[label][hit] for label, hit in zip(labels, threads)],
    ]
    return Grid(list(ACTIVITY_COLUMNS), [list(row) for row in zip(*columns)])


def limit_reason(hourly: bool, threads: bool) -> str:
    return "+".join(name for name, hit in (("hourly", hourly), ("threads", threads)) if hit)


def _row_labels(rows, labels_of: dict) -> list[str]:
    """Each row's category label, its fields trimmed as the counts trim them."""
    import pyarrow.compute as pc

    parts = [[v or "" for v in pc.utf8_trim_whitespace(rows.column(f)).to_pylist()] for f in schema.CATEGORY_FIELDS]
    return [labels_of[triple] for triple in zip(*parts)]


def _local_iso(ts, tz: ZoneInfo, slot: HourSlot) -> list[str]:
    """ISO local times with milliseconds and offset, as datetime.isoformat
    writes them. An hour has one UTC offset, so all but the rare hour that
    holds an offset change are shifted and formatted at once."""
    import numpy as np

    from .arrow_numpy import int_values

    values = int_values(ts.combine_chunks())
    offset = slot.start.utcoffset()
    if from_ns(slot.end_ns - 1, tz).utcoffset() != offset:
        return [from_ns(ns, tz).isoformat(timespec="milliseconds") for ns in values.tolist()]
    wall = (values + int(offset.total_seconds()) * 1_000_000_000).astype("datetime64[ns]")
    suffix = slot.start.isoformat()[19:]  # '+05:30'
    return [text + suffix for text in np.datetime_as_string(wall, unit="ms").tolist()]
