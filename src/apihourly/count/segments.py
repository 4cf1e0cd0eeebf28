"""The digests of the segments a report's window needs: from the cache
where it has them, else read (and kept for the next run). Runs without a
cache build them the same way and forget them, so a cached answer and a
fresh one come from the same code."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from .. import schema
from ..read.files import may_overlap
from ..read.scan import LogSet, file_size, read_ahead
from ..read.segments import Segment
from ..read.stats import ScanStats
from ..timeaxis import EARLIEST_NS, LATEST_NS
from .build import DigestBuilder, Recorder, with_peaks
from .digest import QUARTER_NS, Digest, Reading, from_entry, to_entry

HEADER_ONLY = "no calls in this file (header only)"


@dataclass
class Digested:
    segment: Segment
    digest: Digest


def latest_call(logs: LogSet, before: int | None = None) -> int | None:
    """The latest call (UTC ns), before `before` (a quarter hour) when given;
    files read whole anyway are digested for it, all in one go (one cache
    lookup and one write), and kept for the rest of the run."""
    of_file: dict = {}

    def whole(log, before: int | None) -> int | None:
        if not of_file:
            unstated = [f for f in logs.files if not f.format.STATISTICS]
            for item in digests(logs, None, ScanStats(), files=unstated):
                of_file.setdefault(item.segment.path, []).append(item.digest)
        tops = [d.last_ns if before is None else _last_slot_before(d, before) for d in of_file.get(log.path, [])]
        return max((top for top in tops if top is not None), default=None)

    return logs.latest_ns(before, whole)


def _last_slot_before(digest: Digest, before: int) -> int | None:
    """The start of the last quarter hour with calls before `before`: the date
    of a call in it, which is all the latest date needs."""
    import numpy as np

    at = int(np.searchsorted(digest.slot, before // QUARTER_NS, "left"))
    return int(digest.slot[at - 1]) * QUARTER_NS if at else None


def digests(logs: LogSet, window: tuple[int, int] | None, stats: ScanStats,
            progress: Callable[..., None] | None = None, files: list | None = None,
            peaks: bool = False) -> list[Digested]:
    """Every segment that may hold calls in `window` (whole quarter hours) with
    its digest (of `files`, else every call log), with its rolling peaks when
    `peaks`; `stats` learns what reading them for `window` finds. Digests are
    kept for the rest of the run too."""
    if window is not None and any(edge % QUARTER_NS and edge not in (EARLIEST_NS, LATEST_NS) for edge in window):
        raise ValueError(f"a window of whole quarter hours is needed, not {window}")
    logs.tell_tenant(stats)
    for path, text in logs.notes:
        stats.note(path, text)
    catalog = logs.books()
    with catalog.lock:
        found = _digests(logs, catalog, window, stats, progress, logs.files if files is None else files, peaks)
    for text in catalog.cache.notes:
        stats.note(catalog.cache.folder, text)
    return found


def _digests(logs: LogSet, catalog, window, stats: ScanStats, progress, files: list, peaks: bool) -> list[Digested]:
    files = [log for log in files if may_overlap(log.path, window)]
    stats.files += len(files)
    plan = [segment for log in files for segment in catalog.plan(log, window)]
    keys = {segment: catalog.segment_key(segment) for segment in plan if segment not in catalog.memo}
    found = catalog.cache.get_many([key for key in keys.values() if key])
    for segment, key in keys.items():
        if key in found:
            catalog.memo[segment] = from_entry(*found[key])
    # On a cluster a digest without the peaks asked for is made again there, not read here.
    wanted = [s for s in plan if s not in catalog.memo or (peaks and logs.cluster and not catalog.memo[s].has_peaks)]
    kept = _built_all(logs, catalog, wanted, keys, progress, peaks)
    out = []
    for segment in plan:
        digest = catalog.memo[segment]
        if peaks and not digest.has_peaks:  # digested by a report that needed none: read its times now
            with_peaks(digest, _times(logs, segment))
            key = keys.get(segment) or catalog.segment_key(segment)
            if key:
                kept[key] = (str(segment.path), *to_entry(digest))
        logs.check_not_counted(segment.path, digest.slot * QUARTER_NS)
        calls = digest.calls_in(window)
        digest.reading.replay(stats, segment.path, window, calls)
        stats.rows += calls
        out.append(Digested(segment, digest))
    kept.update(catalog.changed_entries())
    catalog.changed.clear()
    catalog.cache.put_many(kept)
    return out


def _built_all(logs: LogSet, catalog, segments: list[Segment], keys: dict, progress, peaks: bool) -> dict:
    """Digest `segments`, here or as tasks on the cluster, into the run's
    memo; returns their cache entries by key."""
    if logs.cluster is None:
        read = [0]
        digests = [_built(logs, segment, read, progress, peaks) for segment in segments]
    else:
        digests = _built_on_cluster(logs, segments, peaks)
    kept = {}
    for segment, digest in zip(segments, digests):
        catalog.memo[segment] = digest
        catalog.digested(segment, digest.reading.local_times)
        keys[segment] = catalog.segment_key(segment, digest.reading.local_times)
        if keys[segment]:
            kept[keys[segment]] = (str(segment.path), *to_entry(digest))
    return kept


def _built_on_cluster(logs: LogSet, segments: list[Segment], peaks: bool) -> list[Digest]:
    """The segments' digests, made by the cluster's workers in tasks of
    about cluster.TASK_BYTES of files each: only digests come back."""
    from ..cluster import TASK_BYTES, in_tasks

    sizes = [file_size(segment.path) if segment.whole else TASK_BYTES for segment in segments]
    runs = [segments[a:b] for a, b in in_tasks(sizes)]
    done = logs.cluster.map(digested_on_worker, runs, logs.rules, logs.tenant, peaks)
    return [digest for run in done for digest in run]


def digested_on_worker(segments: list[Segment], rules, tenant, peaks: bool) -> list[Digest]:
    """On a worker: the digests of some segments (paths as the client has them)."""
    logs = LogSet.of_paths(list(dict.fromkeys(segment.path for segment in segments)), rules, tenant)
    read = [0]
    return [_built(logs, segment, read, None, peaks) for segment in segments]


def _times(logs: LogSet, segment: Segment):
    """All call times of a segment (UTC ns, NumPy)."""
    import numpy as np

    from ..arrays import int_values

    tables = read_ahead(logs.read_segment(segment, [], ScanStats()))
    with closing(tables):
        parts = [int_values(table.column("ts")) for table in tables]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _built(logs: LogSet, segment: Segment, read: list[int], progress, peaks: bool) -> Digest:
    """Read a segment whole and digest it."""
    seen, recorder, builder = ScanStats(), Recorder(), DigestBuilder(peaks)
    tables = read_ahead(logs.read_segment(segment, schema.CATEGORY_FIELDS, seen, recorder))
    with closing(tables):
        for table in tables:
            builder.add(table)
            read[0] += table.num_rows
            if progress:
                progress(read[0])
    return builder.digest(_reading(segment, seen, recorder))


def _reading(segment: Segment, seen: ScanStats, recorder: Recorder) -> Reading:
    """What the read found, in the form a report of any window replays."""
    name = str(segment.path)
    form_note = recorder.form_note
    notices = seen.notices.get(name, [])
    return Reading(
        skipped={reason: (s.count, list(s.where), s.unit) for reason, s in seen.skipped.get(name, {}).items()},
        emptied=recorder.empty, tallies=recorder.tallies,
        counted_notes=[form_note] if form_note else [],
        read_notes=[text for text in notices if text not in (form_note, HEADER_ONLY)],
        header_only=recorder.header_only and segment.whole, local_times=recorder.local_times, unit=recorder.unit)
