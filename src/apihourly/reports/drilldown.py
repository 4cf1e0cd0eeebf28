"""The calls behind one summary cell: one local hour and one integration (or
every integration of the hour), in order, each with the limits it met."""

from __future__ import annotations

from datetime import date

from .. import schema
from ..errors import NoSuchCell
from ..read.stats import ScanStats
from ..timeaxis import HOUR_NS, HourSlot, local_iso
from ..words import plural
from .hourly import count_day
from .model import Query, Report, day_notes, require_calls
from .table import COUNT, FLAG, INSTANT, Column, Lazy, Table

COLUMNS = (
    Column("Method"), Column("Entity"), Column("Request Return Count", COUNT), Column("Integration Name"),
    Column("Resource / API User"), Column("Execution Start", INSTANT), Column("Execution Time (ms)", COUNT),
    Column("Threshold Exceeded", FLAG, rule="breach"), Column("Client IP Address"),
    Column("Limit Reason", rule="breach"),
)
# Autotask's own verdict, when the logs carry it (its Activity export does):
# shown beside the replay, since the difference is what the logs cannot see.
LOGGED = Column("Logged Threshold Exceeded", rule="breach")
NOT_MARKED = {"", "false", "no", "n", "0", "f"}
NAMED, NAME_CHARS = 10, 60  # integrations named, and characters of each, when a label has no calls
EVERY = "Total calls"  # the summary's column of every integration: all calls of the hour


def activity(query: Query, day: date, slot: HourSlot, category: str | None,
             max_threads: int = schema.DEFAULT_MAX_THREADS) -> Report:
    """The calls of one local hour of `day` and one category label (None or
    'Total calls': every category of the hour, as when the Hour cell of the
    summary is picked), by execution start, each with the limits it met
    (hourly threshold, thread limit). Labels are the day's, as in its
    summary: one with calls that day but none in this hour gives an empty
    table, one without calls that day is an error (NoSuchCell)."""
    require_calls(query, day)
    grid = count_day(query, day)
    by_label = grid.hour(slot)
    if category is None or _same(category, EVERY):
        category, labels = None, [label for label in grid.labels if label in by_label]
    else:
        labels = [_match_label(category, grid.labels, by_label, slot)]
    wanted = {t: label for t, label in grid.labels_of.items() if label in labels}
    stats = ScanStats()
    rows = _hour_rows(query, (slot.start_ns, slot.end_ns), stats, set(wanted))
    before = _hour_rows(query, (slot.start_ns - HOUR_NS, slot.start_ns), ScanStats(), set(wanted))
    over = {label: by_label.get(label, 0) > query.threshold for label in labels}
    table = _with_verdicts(_calls_table(rows, before, grid.categories, over, max_threads, query.tz), rows)
    who = labels[0] if category is not None else None
    title = f"{who or 'every integration'}, {slot.start.isoformat()}"
    report = Report("activity", table, query.tz, query.threshold, stats, day, labels, (slot,), title=title,
                    covers={"date": day.isoformat(), "hour_start": slot.start.isoformat(), "integration": who},
                    meta={"max_threads": max_threads, "calls": len(table)})
    report.notes += [*_empty_notes(query, day, grid, who, slot, len(table)), *_verdict_notes(table)]
    return report


def _same(given: str, label: str) -> bool:
    return given.strip().casefold() == label.casefold()


def _empty_notes(query: Query, day: date, grid, who: str | None, slot: HourSlot, calls: int) -> list[str]:
    """How the date was chosen; for an hour without calls, that it has none."""
    if calls:
        return list(query.notes)
    if not grid.counts.stats.calls:  # a date without calls: say so, and name the nearest dates with some
        return day_notes(query, day, 0)
    return [*query.notes, f"no calls{f' for {who}' if who else ''} at {slot.start.isoformat()}"]


def _match_label(wanted: str, labels: list[str], by_label: dict[str, int], slot: HourSlot) -> str:
    """The day's label `wanted` names (case aside); an error naming the
    integrations with calls in the hour when it names none."""
    for label in labels:
        if _same(wanted, label):
            return label
    busiest = sorted(sorted(by_label.items()), key=lambda item: -item[1])
    # The busiest few by name: an hour of 1,000 long names made a 100 MB message.
    have = ", ".join(f"{lab[:NAME_CHARS]}{'…' * (len(lab) > NAME_CHARS)} ({n:,})" for lab, n in busiest[:NAMED])
    have += f" and {len(busiest) - NAMED:,} more" if len(busiest) > NAMED else ""
    where = f"at {slot.start.isoformat()}"
    raise NoSuchCell(f"no calls for {wanted!r} {where}; "
                     + (f"integrations with calls: {have}" if have else "that hour has no calls"))


def _hour_rows(query: Query, window: tuple[int, int], stats: ScanStats, triples: set[tuple[str, str, str]]):
    """The calls inside `window` of the given categories as one Arrow table
    sorted by time (None if there are none); other categories are dropped by
    their dictionary codes, batch by batch."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import bool_array
    from ..count.codes import category_mask

    fields = [f for f in schema.ALL_FIELDS if f != schema.TIMESTAMP]
    tables = []
    for table in query.logs.scan(fields, window, stats):
        for batch in table.to_batches():
            kept = pa.Table.from_batches([batch.filter(bool_array(category_mask(batch, triples)))])
            tables.append(kept.cast(plain_schema(kept)))
    rows = pa.concat_tables(tables) if tables else None
    if rows is None or not rows.num_rows:
        return None
    return rows.take(pc.sort_indices(rows, sort_keys=[("ts", "ascending")]))  # a stable sort


def plain_schema(table):
    import pyarrow as pa

    return pa.schema([
        pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else
                 (pa.string() if pa.types.is_null(f.type) else f.type))
        for f in table.schema
    ])


def _calls_table(rows, before, categories: dict[str, schema.Category], over: dict[str, bool],
                 max_threads: int, tz) -> Table:
    """The drill-down's rows as plain values (text '' when missing, counts
    None when missing), each column made a slice at a time when asked for:
    a million-call hour is written or shown without a million rows of
    Python values at once."""
    if rows is None:
        return Table.from_rows(COLUMNS, [])
    labels, threads = _labels_and_threads(rows, before, categories, max_threads)
    n, ns = rows.num_rows, _ns(rows)
    reasons = {label: (limit_reason(hourly, False), limit_reason(hourly, True)) for label, hourly in over.items()}
    return Table(COLUMNS, [
        _text(rows, "method"), _text(rows, "entity"), _values(rows, "return_count"),
        Lazy(n, lambda a, b: labels[a:b].tolist()), _text(rows, "api_user"),
        Lazy(n, lambda a, b: local_iso(ns[a:b], tz)), _values(rows, "execution_ms"),
        Lazy(n, lambda a, b: [over[label] for label in labels[a:b].tolist()]), _text(rows, "client_ip"),
        Lazy(n, lambda a, b: [reasons[lab][hit] for lab, hit in zip(labels[a:b].tolist(), threads[a:b].tolist())]),
    ])


def _text(rows, name: str) -> Lazy:
    column = rows.column(name)
    return Lazy(rows.num_rows, lambda a, b: ["" if v is None else str(v) for v in column.slice(a, b - a).to_pylist()])


def _values(rows, name: str) -> Lazy:
    column = rows.column(name)
    return Lazy(rows.num_rows, lambda a, b: column.slice(a, b - a).to_pylist())


def _with_verdicts(table: Table, rows) -> Table:
    """The table with Autotask's verdict beside the replay's, when any call
    of the hour comes from a log that records it (null: a log without it)."""
    if rows is None or rows.column(schema.VERDICT).null_count == rows.num_rows:
        return table
    column = rows.column(schema.VERDICT)
    return table.extended(LOGGED, Lazy(rows.num_rows, lambda a, b: verdicts(column.slice(a, b - a))))


def verdicts(column) -> list[str]:
    """Autotask's verdict on each call, as Logged Threshold Exceeded shows
    it: '' where it did not mark the call (no value, false, no, 0...)."""
    return ["" if v is None or v.strip().casefold() in NOT_MARKED else v.strip() for v in column.to_pylist()]


def _verdict_notes(table: Table) -> list[str]:
    """Calls Autotask marked that the replay did not flag, and the reverse."""
    if LOGGED.name not in table.names:
        return []
    only_logged = only_replayed = 0
    for part in table.chunks():  # a slice at a time: the hour may be big
        for logged, replayed in zip(part.column(LOGGED.name), part.column("Limit Reason")):
            only_logged += bool(logged) and not replayed
            only_replayed += bool(replayed) and not logged
    if not (only_logged or only_replayed):
        return []
    return [f"Autotask marked {plural(only_logged, 'call')} the replay did not flag, and the replay flagged "
            f"{plural(only_replayed, 'call')} Autotask did not mark: the difference is what the logs cannot see "
            "(other tools' calls, Autotask's own counting)"]


def _labels_and_threads(rows, before, categories: dict[str, schema.Category], max_threads: int):
    """Each row's category label, and whether it started while its (category,
    entity) had more than `max_threads` calls in flight; calls of the hour
    before still count. Codes as the limits report gives them (codes.py)."""
    import numpy as np
    import pyarrow as pa

    from ..arrays import int_values
    from ..count.codes import CodeBook
    from ..count.threads import thread_usage

    both = pa.concat_tables([t for t in (before, rows) if t is not None])
    book = CodeBook()
    pairs = book.pair_codes(both)
    label_of = {category: label for label, category in categories.items()}
    pair_labels = np.array([label_of[c] for c in book.pair_categories()] or [""], dtype=object)
    durations = int_values(both.column("execution_ms"), null_as=-1)
    usage = thread_usage(pairs, _ns(both), durations, max_threads, per_call=True)
    first = both.num_rows - rows.num_rows
    return pair_labels[pairs[first:]], usage.level_at_start[first:] > max_threads


def _ns(table):
    from ..arrays import int_values

    return int_values(table.column("ts"))


def limit_reason(hourly: bool, threads: bool) -> str:
    """Limit Reason: '', 'hourly', 'threads' or 'hourly+threads'."""
    return "+".join(name for name, hit in (("hourly", hourly), ("threads", threads)) if hit)
