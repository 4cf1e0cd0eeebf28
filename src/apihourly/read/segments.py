"""The log files of a run as the cache sees them: each file opened from
its cache entry when its bytes are the same (no reading, no pyarrow), and
cut into segments, the unit a digest describes: the whole file, or for a
Parquet file with timestamp statistics a run of row groups, so that a
one-day report of a month's file digests only that day's row groups.

A file's entry records its header, its row groups' time bounds, the
segments digested so far (never overlapping) and whether its times are
local (then a segment's digest depends on the report zone too).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema
from . import formats
from .cache import Cache, Stamp
from .files import LogFile, open_log

WHOLE = (0, 0)  # the segment of a file read whole
# Rows a new segment of row groups takes at most (a group bigger than this is
# one segment): its digest holds its call times while it is built, 8 bytes each.
SEGMENT_ROWS = 1_000_000


@dataclass(frozen=True)
class Segment:
    """Row groups `groups[0]` to `groups[1] - 1` of `path`, or the whole file (WHOLE)."""

    path: Path
    groups: tuple[int, int]
    first_row: int = 0  # rows before it in the file (Parquet: where its row numbers start)

    @property
    def whole(self) -> bool:
        return self.groups == WHOLE


@dataclass
class Catalog:
    """What the cache knows of each log file of a run, and the keys of its
    digests. Without a cache it keeps the same books for the run alone."""

    cache: Cache
    reading: list  # how times are read: [input zone, time pattern]
    display_tz: str | None
    entries: dict[Path, dict] = field(default_factory=dict)  # path -> its file entry
    stamps: dict[Path, Stamp] = field(default_factory=dict)
    changed: set[Path] = field(default_factory=set)  # entries to write back
    fresh: dict[Path, LogFile] = field(default_factory=dict)  # files opened (header read) this run
    # Held while segments are planned, digested and recorded: browse loads
    # screens in threads, and two plans made at once would cut a file twice.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    memo: dict = field(default_factory=dict, repr=False)  # Segment -> its digest, for the rest of the run
    tenant: object = None  # whose rows are read from a file with a tenant column (LogSet.tenant)

    def open_all(self, paths: list[Path], cluster=None) -> list[LogFile]:
        """Every file as a LogFile: from its entry when the cache has this
        version of it, else by reading its header (open_log's checks), on
        the workers of `cluster` (cluster.Cluster) when there is one."""
        if self.cache.enabled:
            stamps = each_on(cluster, stamps_of, paths) if cluster else stamps_of(paths)
            self.stamps.update((path, stamp) for path, stamp in zip(paths, stamps) if stamp is not None)
            keys = {path: self.file_key(path) for path in self.stamps}
            found = self.cache.get_many(list(keys.values()))
            for path, key in keys.items():
                if key in found and found[key][0].get("kind"):
                    self.entries[path] = found[key][0]
            # A file the cache has no entry for is new, or changed: whatever is kept of it is stale.
            self.cache.drop_paths([str(path) for path in keys if path not in self.entries])
        if cluster is not None:
            self._entries_from(cluster, [path for path in paths if path not in self.entries])
        return [self._log(path) for path in paths]

    def _entries_from(self, cluster, paths: list[Path]) -> None:
        """The entries of files opened by the cluster's workers; the first
        file (in order) that could not be opened raises its error here."""
        for path, entry in zip(paths, each_on(cluster, entries_of, paths)):
            if isinstance(entry, Exception):
                raise entry
            self.entries[path] = entry
            self.changed.add(path)

    def _log(self, path: Path) -> LogFile:
        entry = self.entries.get(path)
        if entry is None:
            log = self.fresh[path] = open_log(path)
            self.entries[path] = new_entry(log)
            self.changed.add(path)
            return log
        fmt = next(f for f in formats.REGISTRY if f.name == entry["format"])
        return LogFile(path, fmt.reader, dict(entry["columns"]), None, entry["kind"], tuple(entry["names"]))

    def opened(self, log: LogFile) -> LogFile:
        """The file with its header read (what reading its rows needs)."""
        if log.path not in self.fresh:
            self.fresh[log.path] = open_log(log.path)
        return self.fresh[log.path]

    def plan(self, log: LogFile, window: tuple[int, int] | None) -> list[Segment]:
        """The segments that may hold calls in `window`: those digested
        before, and new ones for the row groups none of them covers."""
        entry = self.entries[log.path]
        groups = self._groups(log, window is not None)
        if not groups:  # not read by row groups, or none: the file is one segment
            return [Segment(log.path, WHOLE)]
        from .parquet import overlapping

        wanted = overlapping([None if lo is None else (lo, hi) for lo, hi, _ in groups], window)
        known = [tuple(s) for s in entry["segments"]]
        used = [s for s in known if any(s[0] <= g < s[1] for g in wanted)]
        loose = [g for g in wanted if not any(s[0] <= g < s[1] for s in known)]
        runs = _runs(loose, [rows for _, _, rows in groups])
        starts = [0]
        for _, _, rows in groups:
            starts.append(starts[-1] + rows)
        return [Segment(log.path, s, starts[s[0]]) for s in sorted(used + runs)]

    def _groups(self, log: LogFile, bounds: bool) -> list | None:
        """[low, high, rows] of each row group (None: not read by row
        groups). Their time bounds are read only for a report with a window,
        as a read without one never needs statistics: pyarrow can abort the
        process on the statistics of a damaged file."""
        entry = self.entries[log.path]
        reader = log.format
        known = entry.get("groups_known") and (entry.get("bounds_known") or not bounds)
        if not known and hasattr(reader, "row_groups"):
            entry["groups"] = reader.row_groups(self.opened(log), bounds)
            entry["bounds_known"] = bounds
            self.changed.add(log.path)
        elif not known:
            entry["groups"] = None
        entry["groups_known"] = True
        return entry["groups"]

    def digested(self, segment: Segment, local_times: bool) -> None:
        """Remember a segment digested (its digest is stored under segment_key)."""
        entry = self.entries[segment.path]
        a, b = segment.groups
        if not segment.whole and not any(lo < b and a < hi for lo, hi in entry["segments"]):
            entry["segments"] = sorted(entry["segments"] + [[a, b]])
        if entry.get("local_times") != local_times:
            entry["local_times"] = local_times
        self.changed.add(segment.path)

    def file_key(self, path: Path) -> str:
        return self.cache.key("file", self.stamps[path], self.reading)

    def segment_key(self, segment: Segment, local_times: bool | None = None) -> str | None:
        """The key of a segment's digest; None when it cannot be cached
        (the file changed while running, or its times' kind is not known yet)."""
        stamp = self.stamps.get(segment.path)
        if stamp is None:
            return None
        local = self.entries[segment.path].get("local_times") if local_times is None else local_times
        if local is None:
            return None
        zone = self.display_tz if local else None
        return self.cache.key("segment", stamp, self.reading, zone, list(segment.groups),
                              *self._tenant_part(segment.path))

    def _tenant_part(self, path: Path) -> list:
        """What a digest of this file depends on besides its bytes: the
        tenant whose rows it counts, when the file has a tenant column."""
        if self.tenant is None or schema.TENANT not in self.entries[path]["columns"]:
            return []
        return [["tenant", self.tenant] if isinstance(self.tenant, str) else ["every tenant"]]

    def latest_key(self, log: LogFile) -> str:
        """Where the file's entry keeps its latest call (of the tenant read)."""
        part = self._tenant_part(log.path)
        return "latest" if not part else "latest, " + " ".join(part[0])

    def counts_key(self, path: Path) -> str | None:
        """The key of an hourly counts file as read in the report zone."""
        stamp = self.stamps.get(path)
        return self.cache.key("counts", stamp, self.reading, self.display_tz) if stamp else None

    def changed_entries(self) -> dict[str, tuple[str, dict, dict]]:
        """The file entries to write back: key -> (path, header, no arrays)."""
        return {self.file_key(path): (str(path), self.entries[path], {}) for path in self.changed
                if path in self.stamps}


def new_entry(log: LogFile) -> dict:
    """A file's entry before anything of it is digested."""
    name = next(f.name for f in formats.REGISTRY if f.reader is log.format)
    return {"format": name, "columns": log.columns, "names": list(log.names), "kind": log.kind,
            "groups": None, "segments": [], "local_times": None, "groups_known": False}


def stamps_of(paths: list[Path]) -> list[Stamp | None]:
    """Each file's Stamp; None for one that cannot be read (open_log says why)."""
    stamps = []
    for path in paths:
        try:
            stamps.append(Stamp.of(path))
        except OSError:
            stamps.append(None)
    return stamps


def entries_of(paths: list[Path]) -> list:
    """Each file's new entry (its header read), or the LogFormatError opening it raised."""
    from ..errors import LogFormatError

    entries = []
    for path in paths:
        try:
            entries.append(new_entry(open_log(path)))
        except LogFormatError as exc:
            entries.append(exc)
    return entries


FILES_PER_TASK = 500  # files whose headers one task reads: a few ms each, more from object storage


def each_on(cluster, task, paths: list[Path], *args) -> list:
    """task(paths, *args), a list of one result per path, as tasks on the
    cluster of FILES_PER_TASK paths each; the results joined in order."""
    chunks = [paths[i:i + FILES_PER_TASK] for i in range(0, len(paths), FILES_PER_TASK)]
    return [item for part in cluster.map(task, chunks, *args) for item in part]


def _runs(indexes: list[int], rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row groups as [first, last + 1) runs of at most
    SEGMENT_ROWS rows (or one group)."""
    runs: list[tuple[int, int]] = []
    held = 0
    for i in indexes:
        if runs and runs[-1][1] == i and held + rows[i] <= SEGMENT_ROWS:
            runs[-1] = (runs[-1][0], i + 1)
            held += rows[i]
        else:
            runs.append((i, i + 1))
            held = rows[i]
    return runs


def kinds(logs: list[LogFile]) -> dict[str, list[LogFile]]:
    return {kind: [log for log in logs if log.kind == kind] for kind in (schema.CALLS, schema.COUNTS, schema.COUNTER)}
