"""The scan loop: every log file of a report read on its own (each may name
its columns differently), only the columns a report needs, only what its
window can hold, as canonical Arrow tables; and a read-ahead thread so that
decoding overlaps counting."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema
from ..errors import ApihourlyError, LogFormatError
from ..timeaxis import ACCEPTED_RANGE, ACCEPTED_RANGE_TEXT, EARLIEST_NS
from ..words import plural
from .canonical import Cursor, TimeRules, canonical
from .discovery import discover
from .cache import Cache
from .files import LogFile, may_overlap, read_problem, unraisable_into
from .segments import Catalog, Segment, each_on, kinds, new_entry
from .stats import ScanStats
from .times import ACCEPTED_FORMS


@dataclass
class Extent:
    """What a complete read of a file without statistics found inside
    `window` (None: the whole file): the span of its calls' times, and the
    rows whose time is unknown, which every read of the file reports."""

    window: tuple[int, int] | None
    span: tuple[int, int] | None
    unplaced: dict

    def rules_out(self, window: tuple[int, int] | None) -> bool:
        """True when this read shows the file has no call inside `window`."""
        if window is None:
            return False
        covered = self.window is None or (self.window[0] <= window[0] and window[1] <= self.window[1])
        return covered and (self.span is None or self.span[1] < window[0] or self.span[0] >= window[1])


@dataclass
class LogSet:
    """The log files behind a report, opened once and scanned as often as needed.

    A format without statistics (CSV) has each complete read remembered
    (`extents`): a later read for a period the file turned out not to reach
    skips it. Finding the default date, then reading that day, or a
    drill-down's day, hour and hour before, then cost one full read of a
    folder of daily exports instead of several.
    """

    files: list[LogFile]  # call logs
    source: str = ""
    rules: TimeRules = TimeRules()
    extents: dict[Path, Extent] = field(default_factory=dict, repr=False)
    notes: list[tuple[Path, str]] = field(default_factory=list)  # what finding the files left out, and why
    counts_files: list[LogFile] = field(default_factory=list)  # hourly counts (schema.COUNTS)
    counter_files: list[LogFile] = field(default_factory=list)  # Autotask counter samples (schema.COUNTER)
    _counted: list | None = field(default=None, repr=False)  # the counts files read (counts.CountedFile)
    catalog: Catalog | None = field(default=None, repr=False)  # the files as the cache knows them
    _spans: tuple | None = field(default=None, repr=False)  # their UTC spans, for _check_not_counted
    # Each counter file's samples and what reading them said, read on first use.
    counter_read: dict[Path, tuple[object, ScanStats]] = field(default_factory=dict, repr=False)
    # The cluster.Cluster whose workers read the call logs (--scheduler); None: this machine.
    cluster: object = field(default=None, repr=False)
    # Its files are parts of files, read further in (the lines a followed log
    # grew by): a part without one readable time is rows skipped, not a file
    # that cannot be read, which only the start of a file can show.
    parts: bool = False

    @classmethod
    def open(cls, specs: list[str], rules: TimeRules = TimeRules(), cache: Cache | None = None,
             cluster=None) -> "LogSet":
        """The files `specs` name, opened from the cache where it has them
        (a Cache with no folder, the default, is none). With a `cluster`
        (cluster.Cluster), whose workers read the call logs, files are
        named by their absolute paths, the names every worker opens them by."""
        found = discover([_absolute(spec) for spec in specs] if cluster else specs)
        catalog = Catalog(cache or Cache(None), [_zone_key(rules.input_tz), rules.pattern],
                          _zone_key(rules.display_tz))
        by_kind = kinds(catalog.open_all(found.paths, cluster))
        return cls(by_kind[schema.CALLS], ", ".join(specs), rules, notes=found.notes,
                   counts_files=by_kind[schema.COUNTS], counter_files=by_kind[schema.COUNTER], catalog=catalog,
                   cluster=cluster)

    @classmethod
    def of_paths(cls, paths: list[Path], rules: TimeRules, tenant) -> "LogSet":
        """Call logs another process found and checked, opened again where
        they are to be read (a worker), with the rows of `tenant`."""
        from .files import open_log

        logs = cls([open_log(path) for path in paths], rules=rules)
        logs.books().tenant = tenant
        return logs

    def choose_tenant(self, wanted: str | None) -> list[str]:
        """Keep the files, and the rows, of the tenant a report is about
        (read/tenants.py says which); returns what to say about the files
        left out, for every report (they are no one file's notes)."""
        from .tenants import choose

        every = [*self.files, *self.counts_files, *self.counter_files]
        self._learn_tenants(self.files)
        choice = choose({log.path: self._tenants_of(log) for log in every}, wanted)
        self.files = [log for log in self.files if log.path in choice.kept]
        self.counts_files = [log for log in self.counts_files if log.path in choice.kept]
        self.counter_files = [log for log in self.counter_files if log.path in choice.kept]
        self.books().tenant = choice.tenant
        return choice.notes

    def choose_every_tenant(self) -> list[Path]:
        """Keep the call logs that name their tenants, every row with one
        (read/tenants.ANY_TENANT); returns the files left out."""
        from .tenants import ANY_TENANT

        self._learn_tenants(self.files)
        left = [log.path for log in self.files if not self._tenants_of(log)]
        self.files = [log for log in self.files if log.path not in left]
        self.books().tenant = ANY_TENANT
        return left

    def remember(self) -> None:
        """Keep what was learnt of each file opened (its header, its tenants)
        in the cache, for a report that reads its files without digests."""
        books = self.books()
        with books.lock:
            books.cache.put_many(books.changed_entries())
            books.changed.clear()

    def tell_tenant(self, stats: ScanStats) -> None:
        """Say in `stats` which tenant's calls it counts, when one was chosen."""
        if isinstance(self.tenant, str):
            stats.tenant = self.tenant

    def _tenants_of(self, log: LogFile) -> set[str] | None:
        """The tenants of a file: its tenant= folder's, else its tenant
        column's (read once per version of the file, then kept in the
        cache); None for a file without a tenant."""
        from .tenants import partition_tenant

        folder = partition_tenant(log.path)
        if folder is not None or schema.TENANT not in log.columns:
            return {folder} if folder else None
        if self._column_unread(log):
            self._keep_tenants(log.path, self._column_tenants(log))
        return set(self.books().entries[log.path]["tenants"]) or None

    def _learn_tenants(self, files: list[LogFile]) -> None:
        """On a cluster, the tenant columns not read yet are read by its
        workers, all at once (_tenants_of then finds them)."""
        if self.cluster is None:
            return
        unread = [log.path for log in files if self._column_unread(log)]
        for path, names in zip(unread, each_on(self.cluster, tenants_in, unread, self.rules)):
            self._keep_tenants(path, names)

    def _column_unread(self, log: LogFile) -> bool:
        """Whether the file's tenants are in its column, not read yet."""
        from .tenants import partition_tenant

        return (schema.TENANT in log.columns and partition_tenant(log.path) is None
                and "tenants" not in self.books().entries.get(log.path, {}))

    def _keep_tenants(self, path: Path, names: list[str]) -> None:
        books = self.books()
        books.entries.setdefault(path, {})["tenants"] = names
        books.changed.add(path)

    def _column_tenants(self, log: LogFile) -> list[str]:
        import pyarrow.compute as pc

        found: set[str] = set()
        for table in self._scan_file(log, [schema.TENANT], None, ScanStats()):
            values = pc.unique(table.column(schema.TENANT).combine_chunks())
            values = values.dictionary if hasattr(values, "dictionary") else values
            found.update(v.strip() for v in values.to_pylist() if v)
        found.discard("")
        return sorted(found)

    @property
    def tenant(self):
        """The tenant whose rows are read from files with a tenant column
        (read/tenants.py), kept by the catalog, whose digests depend on it;
        None reads every row."""
        return self.books().tenant

    def read_segment(self, segment: Segment, fields: Iterable[str], stats: ScanStats, recorder=None) -> Iterator:
        """Every usable row of one segment, as canonical tables (see scan)."""
        log = self.books().opened(next(log for log in self.files if log.path == segment.path))
        groups = None if segment.whole else segment.groups
        yield from self._scan_file(log, [f for f in fields if f != schema.TIMESTAMP], None, stats, groups,
                                   segment.first_row, recorder)

    def books(self) -> Catalog:
        if self.catalog is None:  # a LogSet made by hand (tests): books for this run alone
            self.catalog = Catalog(Cache(None), [None, None], _zone_key(self.rules.display_tz))
            self.catalog.entries.update({log.path: new_entry(log) for log in self.files})
            self.catalog.fresh.update({log.path: log for log in self.files})
        return self.catalog

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every input file, whatever it holds."""
        return tuple(log.path for log in (*self.files, *self.counts_files, *self.counter_files))

    def scan(self, fields: Iterable[str], window: tuple[int, int] | None = None,
             stats: ScanStats | None = None) -> Iterator:
        """Yield Arrow tables with an int64 `ts` column (UTC ns) and the given
        canonical fields (null where a file lacks one), rows inside `window`."""
        fields = [f for f in fields if f != schema.TIMESTAMP]
        stats = stats if stats is not None else ScanStats()
        self.tell_tenant(stats)
        for path, text in self.notes:  # said by every report: its counts leave these out
            stats.note(path, text)
        files = [log for log in self.files if may_overlap(log.path, window)]
        if self.cluster is not None:
            yield from self._scan_on_cluster(files, fields, window, stats)
            return
        stats.files += len(files)
        for log in files:
            extent = self.extents.get(log.path)
            if extent is not None and extent.rules_out(window):
                stats.replay(log.path, extent.unplaced)  # its undated rows count in every report
                continue
            yield from self._scan_file(log, fields, window, stats)

    def _scan_on_cluster(self, files: list[LogFile], fields: list[str], window, stats: ScanStats) -> Iterator:
        """scan() of `files` as tasks on the cluster, a run of files each;
        what comes back is only the rows inside `window`, only `fields`."""
        from ..cluster import in_tasks

        runs = [[log.path for log in files[a:b]] for a, b in in_tasks([file_size(log.path) for log in files])]
        for tables, said in self.cluster.map(scanned, runs, self.rules, self.tenant, fields, window):
            stats.add(said)
            for path, table in tables:
                self._check_not_counted(table, path)
                yield table

    def hourly_counts(self) -> list:
        """The hourly counts files, read once (in the report's zone, which
        places hours given by their labels). Two of them for one date are
        an error: counting a date twice would invent a breach."""
        if self._counted is None:  # (two threads may both read them: the same answer either way)
            counted = self._read_counts()
            _check_one_file_per_date(counted)
            self._counted = counted
        return self._counted

    def _read_counts(self) -> list:
        """Each counts file from the cache, else read (and kept)."""
        from zoneinfo import ZoneInfo

        from .counts import from_json, read_counts, to_json

        books = self.books()
        keys = {log.path: books.counts_key(log.path) for log in self.counts_files}
        found = books.cache.get_many([key for key in keys.values() if key])
        counted, kept = [], {}
        for log in self.counts_files:
            key = keys[log.path]
            if key in found:
                counted.append(from_json(log.path, found[key][0]))
                continue
            counted.append(read_counts(log.path, log.names, self.rules.display_tz or ZoneInfo("UTC")))
            if key:
                kept[key] = (str(log.path), to_json(counted[-1]), {})
        books.cache.put_many(kept)
        return counted

    def counted(self, window: tuple[int, int] | None, stats: ScanStats) -> Iterator:
        """((UTC hour start, category), calls) from the hourly counts files
        for the hours inside `window`; `stats` learns what they gave."""
        from .counts import note_warnings

        for counted in self.hourly_counts():
            cells = list(counted.inside(window))
            if cells or window is None:
                stats.files += 1
                stats.given += sum(calls for _, calls in cells)
                note_warnings(counted, stats)
            yield from cells

    def counts_only(self, window: tuple[int, int]) -> Path | None:
        """The hourly counts file that covers part of `window`, if any: such
        a period has counts and no calls (both would be an error)."""
        return next((counted.path for counted in self.hourly_counts()
                     if any(lo < window[1] and window[0] < hi for lo, hi in counted.covers.values())), None)

    def counted_dates(self, tz) -> dict:
        """Local date -> the hourly counts file covering it, for dates with calls."""
        from ..timeaxis import local_date

        return {local_date(hour, tz): counted.path for counted in self.hourly_counts()
                for (hour, _), calls in counted.counts.items() if calls}

    def counter_samples(self, window: tuple[int, int] | None = None, stats: ScanStats | None = None):
        """Autotask's counter samples (read/counter.Samples) taken in
        `window`, from every counter file, in time order; empty without
        any. The files are read when first asked for, so reports that do
        not use them never pay; what reading them skipped goes to `stats`
        every time, as a call log's skipped rows do."""
        from .counter import Samples, read_samples

        parts = []
        for log in self.counter_files:
            if log.path not in self.counter_read:
                said = ScanStats()
                self.counter_read[log.path] = (read_samples(log, self.rules, said), said)
            samples, said = self.counter_read[log.path]
            parts.append(samples)
            if stats is not None:
                stats.add_messages(said)
        return Samples.joined(parts).within(window)

    def latest_ns(self, before: int | None = None, whole=None) -> int | None:
        """The latest call (UTC ns), before `before` when given: from what a
        format knows without reading rows (Parquet statistics) when that is
        a time a call can have, else by reading the file's timestamps, or
        for a format read whole anyway, from `whole(log, before)` (a caller's
        digests of it, which its report then needs not read again)."""
        end = min(before, ACCEPTED_RANGE[1]) if before is not None else ACCEPTED_RANGE[1]
        hours = [hour for counted in self.hourly_counts() for (hour, _) in counted.counts if hour < end]
        latest = max(hours) if hours else None
        books = self.books()
        for log in self.files:
            entry = books.entries.get(log.path, {})
            known = books.latest_key(log)
            if before is None and known in entry:  # known from an earlier run on these bytes
                top = entry[known]
            else:
                read_whole = whole is not None and not log.format.STATISTICS
                top = whole(log, before) if read_whole else self._latest_of(books.opened(log), before, end)
                if before is None:
                    entry[known] = top
                    books.changed.add(log.path)
            if top is not None:
                latest = top if latest is None else max(latest, top)
        return latest

    def _latest_of(self, log: LogFile, before: int | None, end: int) -> int | None:
        top = log.format.latest_ns(log)
        if top is None or top >= end:  # no statistics, or a placeholder such as 9999-12-31
            top = _max_ts(self._scan_file(log, [], (EARLIEST_NS, end) if before else None, ScanStats()))
        return top

    def _scan_file(self, log: LogFile, fields: list[str], window, stats: ScanStats, groups=None,
                   rows_before: int = 0, recorder=None) -> Iterator:
        import pyarrow as pa

        # Counts are always read when a file has them: a row with a bad count is
        # skipped by every report alike, so the reports reconcile.
        tenant = self.tenant if schema.TENANT in log.columns else None
        wanted = [schema.TIMESTAMP, *dict.fromkeys([*fields, *schema.INT_FIELDS, *([schema.TENANT] if tenant else [])])]
        columns = {f: log.columns[f] for f in wanted if f in log.columns}
        if self.catalog is not None:
            log = self.catalog.opened(log)
        fmt = log.format
        cursor = Cursor(log.path, fmt.POSITION, fmt.FIRST_RECORD + rows_before, recorder=recorder)
        seen = 0
        refused: list[BaseException] = []
        try:
            with unraisable_into(refused):
                batches, names = fmt.batches(log, columns, window, cursor, stats, groups)
                for batch in batches:
                    seen += batch.num_rows
                    table = canonical(batch, names, fields, window, stats, cursor, not fmt.STATISTICS, self.rules,
                                      tenant)
                    if schema.TENANT in fields and schema.TENANT not in log.columns:
                        table = _named_by_folder(table, log.path)
                    if table.num_rows:
                        self._check_not_counted(table, log.path)
                        yield table
        except (pa.ArrowInvalid, pa.ArrowIndexError, OSError, UnicodeDecodeError, EOFError) as exc:
            raise LogFormatError(log.path, read_problem(fmt, exc, refused)) from None
        if not seen and not cursor.rejected and window is None and groups is None:
            stats.note(log.path, "no calls in this file (header only)")
        if recorder is not None:
            recorder.finished(cursor, seen, self.rules.input_tz is not None)
        if cursor.before and not cursor.timed and not self.parts:
            raise LogFormatError(log.path, _nothing_readable(cursor))
        if not fmt.STATISTICS:
            self.extents[log.path] = Extent(window, cursor.span, stats.skips_of(log.path))

    def _check_not_counted(self, table, path: Path) -> None:
        from ..arrays import int_values

        if self.counts_files:
            self.check_not_counted(path, int_values(table.column("ts")))

    def check_not_counted(self, path: Path, ts) -> None:
        """Calls (UTC ns, NumPy) on a date an hourly counts file holds are an
        error naming both files: counting that date twice would invent a breach."""
        if not self.counts_files or not len(ts):
            return
        import numpy as np

        from ..timeaxis import local_date

        if self._spans is None:
            spans = sorted((lo, hi, one.path) for one in self.hourly_counts() for lo, hi in one.covers.values())
            self._spans = (np.asarray([end for lo, hi, _ in spans for end in (lo, hi)], dtype=np.int64),
                           [path for _, _, path in spans])
        bounds, paths = self._spans
        at = np.searchsorted(bounds, ts, side="right")
        inside = at % 2 == 1
        if inside.any():
            first = int(np.argmax(inside))
            tz = self.rules.display_tz
            day = local_date(int(ts[first]), tz) if tz else "a date"
            raise ApihourlyError(f"{day} is in both {paths[int(at[first]) // 2]} (hourly counts) and {path} "
                                 "(calls); counting it twice would invent a breach: leave one of them out of --logs")


def scanned(paths: list[Path], rules: TimeRules, tenant, fields: list[str], window) -> tuple[list, ScanStats]:
    """On a worker: what LogSet.scan() of some files yields, each table with
    its file's path, and what the reading found."""
    logs, stats = LogSet.of_paths(paths, rules, tenant), ScanStats(files=len(paths))
    logs.tell_tenant(stats)
    return [(log.path, table) for log in logs.files for table in logs._scan_file(log, fields, window, stats)], stats


def tenants_in(paths: list[Path], rules: TimeRules) -> list[list[str]]:
    """On a worker: the tenants each file's tenant column names."""
    logs = LogSet.of_paths(paths, rules, None)
    return [logs._column_tenants(log) for log in logs.files]


def file_size(path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _named_by_folder(table, path: Path):
    """The table with its tenant column filled from the file's tenant= folder."""
    import numpy as np
    import pyarrow as pa

    from .tenants import partition_tenant

    name = partition_tenant(path)
    if name is None:
        return table
    column = pa.DictionaryArray.from_arrays(pa.array(np.zeros(table.num_rows, dtype=np.int32)), pa.array([name]))
    return table.set_column(table.schema.get_field_index(schema.TENANT), schema.TENANT, column)


def _absolute(spec: str) -> str:
    """A local spec (file, folder or glob) from the root, as a worker on
    another machine needs it; a URL as it is."""
    import os

    from .remote import is_url

    return spec if is_url(spec) else os.path.abspath(os.path.expanduser(spec))


def _zone_key(tz) -> str | None:
    return getattr(tz, "key", None)


def _check_one_file_per_date(counted: list) -> None:
    holder: dict = {}
    for one in counted:
        for day in one.covers:
            if day in holder:
                raise ApihourlyError(f"{day} is in two hourly counts files, {holder[day]} and {one.path}; counting "
                                     "it twice would invent a breach: leave one of them out of --logs")
            holder[day] = one.path


def _nothing_readable(cursor: Cursor) -> str:
    """Rows without one usable time: an error, since an all-zero report
    would tell a cron job "no breach" about data it never read."""
    rows = plural(cursor.before, "row")
    first = f"first value {cursor.first_time!r}" if cursor.first_time is not None else "every value is empty"
    return (f"no readable execution_start from {ACCEPTED_RANGE_TEXT} in {rows}; {first} "
            f"(accepted forms: {ACCEPTED_FORMS}; see --input-time-format)")


def _max_ts(tables) -> int | None:
    import pyarrow.compute as pc

    tops = [pc.max(t.column("ts")).as_py() for t in tables]
    return max(tops) if tops else None


def read_ahead(tables: Iterator, depth: int = 2) -> Iterator:
    """The same tables, read by a second thread while this one counts.

    Decoding Parquet and counting both release the GIL for most of their
    time, so on two cores reading overlaps counting; at most `depth` tables
    wait in between, so memory stays bounded. Close it when done (callers
    use contextlib.closing): a reading thread still inside pyarrow when the
    interpreter exits can abort the process ("terminate called without an
    active exception"), and a generator left to the garbage collector may be
    closed only then.
    """
    import queue
    import threading

    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for table in tables:
                if stop.is_set():
                    return
                waiting.put(table)
            waiting.put(done)
        except BaseException as exc:  # handed to the consumer, raised there
            waiting.put(exc)
        finally:
            close = getattr(tables, "close", None)
            if close:  # the file readers are let go on this thread, now
                close()

    worker = threading.Thread(target=produce, name="apihourly-read", daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                waiting.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()
