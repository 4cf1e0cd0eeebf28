"""Finding log files and reading them as Arrow batches with canonical columns.

Every file is read on its own, because each may name its columns differently
(canonical names, Autotask's display names, aliases): CSV with pyarrow's
streaming CSV reader, Parquet through parquet_scan. Only the columns a report
needs are read; Parquet row groups outside the report's UTC window are
skipped by their statistics, and CSV files by what earlier reads found.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .errors import LogFormatError, NoLogsFound
from .rows import Cursor, ScanStats, canonical

CSV_SUFFIXES = (".csv", ".csv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
LOG_SUFFIXES = CSV_SUFFIXES + PARQUET_SUFFIXES


def log_format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


def _is_log(path: Path) -> bool:
    return path.is_file() and log_format(path) is not None and not path.name.startswith((".", "_"))


def _expand(spec: str) -> list[Path]:
    path = Path(spec).expanduser()
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if _is_log(p))
    matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
    return [p for p in matches if _is_log(p)] + [
        sub for p in matches if p.is_dir() for sub in _expand(str(p))
    ]


def find_log_files(specs: Iterable[str]) -> list[Path]:
    """Files named by each spec (a file, a folder read recursively, or a glob).
    A spec that names nothing is an error that says which one and why."""
    found: dict[Path, None] = {}
    for spec in specs:
        paths = _expand(spec)
        if not paths:
            raise NoLogsFound(_nothing_at(spec))
        found.update(dict.fromkeys(paths))
    if not found:
        raise NoLogsFound("no log files given")
    return list(found)


def _nothing_at(spec: str) -> str:
    path = Path(spec).expanduser()
    if path.is_dir():
        return f"{spec}: no log files (.csv, .csv.gz, .parquet) in this folder"
    if glob.has_magic(spec):
        return f"{spec}: matches no log files (.csv, .csv.gz, .parquet)"
    return f"{spec}: no such file or folder"


@dataclass
class LogFile:
    """One log file: where it is, its format and which column is which field."""

    path: Path
    format: str
    columns: dict[str, str]  # canonical field -> column name in the file
    timestamp_type: object = None  # the Arrow type of the timestamp column


def open_log(path: Path) -> LogFile:
    """Check the file is what its name says, read its header and match its
    columns to the schema; any problem is a LogFormatError naming the file."""
    import pyarrow as pa

    fmt = log_format(path)
    if fmt is None:
        raise LogFormatError(path, "not a log file; expected .csv, .csv.gz or .parquet")
    sniff_log(path, fmt)
    refused: list[BaseException] = []
    try:
        with _unraisable_into(refused):
            names, ts_type = _parquet_header(path) if fmt == "parquet" else (_csv_header(path), pa.binary())
    except UnicodeDecodeError:
        raise LogFormatError(path, "the header row is not UTF-8 text; save the file as UTF-8 "
                                   "(Excel: CSV UTF-8) and try again") from None
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        raise LogFormatError(path, _read_problem(exc, refused)) from None
    mapping, clashes = schema.match_columns(names)
    if clashes:
        field, cols = clashes[0]
        raise LogFormatError(path, f"columns {', '.join(map(repr, cols))} all mean {field}; keep one")
    if schema.TIMESTAMP not in mapping:
        raise LogFormatError(
            path,
            f"no execution_start column (found: {', '.join(map(repr, names)) or 'none'}; "
            f"accepted names: {', '.join(schema.accepted_names(schema.TIMESTAMP))})",
        )
    if fmt == "parquet":
        ts_type = ts_type.field(mapping[schema.TIMESTAMP]).type
    return LogFile(path, fmt, mapping, ts_type)


def _parquet_header(path: Path):
    import pyarrow.parquet as pq

    arrow_schema = pq.read_schema(path)
    return arrow_schema.names, arrow_schema


def _csv_header(path: Path) -> list[str]:
    import pyarrow.csv as pcsv

    reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 16, use_threads=False),
                           parse_options=_csv_parse_options(lambda row: "skip"))
    return reader.schema.names


def sniff_log(path: Path, fmt: str) -> None:
    """Clear errors for the usual wrong files, before any parser sees them."""
    import gzip
    import zlib

    if not os.access(path, os.R_OK):
        raise LogFormatError(path, "permission denied; make the file readable (chmod +r) or copy it")
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
            handle.seek(max(0, path.stat().st_size - 4))
            tail = handle.read(4)
        if fmt == "csv" and path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                head = handle.read(4096)
    except PermissionError:
        raise LogFormatError(path, "permission denied; make the file readable (chmod +r) or copy it") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise LogFormatError(path, f"cannot be read: {_first_line(exc)}; is it really gzipped CSV?") from None
    if not head:
        raise LogFormatError(path, "empty file; expected a header row and one call per row")
    if fmt == "parquet" and (head[:4] != b"PAR1" or tail != b"PAR1"):
        problem = "truncated Parquet file (no footer)" if head[:4] == b"PAR1" else "not a Parquet file"
        raise LogFormatError(path, f"{problem}; export it again, or name it .csv if it is CSV")
    if fmt == "csv" and b"\0" in head:
        raise LogFormatError(path, "binary data, not CSV text; check the file and its name")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@dataclass
class Extent:
    """What a complete read of a CSV file found inside `window` (None: the
    whole file): the span of its calls' times, and the rows whose time is
    unknown, which every read of the file reports."""

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

    CSV has no statistics to skip by, so each complete read of a CSV file is
    remembered (`extents`): a later read for a period the file turned out not
    to reach skips it. Finding the default date, then reading that day, or
    a drill-down's day, hour and hour before, then cost one full read of a
    folder of daily exports instead of several.
    """

    files: list[LogFile]
    source: str = ""
    extents: dict[Path, Extent] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, specs: list[str]) -> "LogSet":
        return cls([open_log(p) for p in find_log_files(specs)], ", ".join(specs))

    def scan(self, fields: Iterable[str], window: tuple[int, int] | None = None,
             stats: ScanStats | None = None) -> Iterator:
        """Yield Arrow tables with an int64 `ts` column (UTC ns) and the given
        canonical fields (null where a file lacks one), rows inside `window`."""
        from .parquet_scan import may_overlap

        fields = [f for f in fields if f != schema.TIMESTAMP]
        stats = stats if stats is not None else ScanStats()
        files = [log for log in self.files if may_overlap(log.path, window)]
        stats.files += len(files)
        for log in files:
            extent = self.extents.get(log.path)
            if extent is not None and extent.rules_out(window):
                stats.replay(log.path, extent.unplaced)  # its undated rows count in every report
                continue
            yield from _scan_file(log, fields, window, stats, self.extents)

    def latest_ns(self) -> int | None:
        """The latest call (UTC ns): from Parquet statistics where every row
        group has them, else by reading the file's timestamps."""
        from .parquet_scan import latest_ns

        latest = None
        for log in self.files:
            top = latest_ns(log) if log.format == "parquet" else None
            if top is None:
                top = _max_ts(_scan_file(log, [], None, ScanStats(), self.extents))
            if top is not None:
                latest = top if latest is None else max(latest, top)
        return latest


def _scan_file(log: LogFile, fields: list[str], window, stats: ScanStats,
               extents: dict[Path, Extent]) -> Iterator:
    import pyarrow as pa

    # Counts are always read when a file has them: a row with a bad count is
    # skipped by every report alike, so the reports reconcile.
    wanted = [schema.TIMESTAMP, *dict.fromkeys([*fields, *schema.INT_FIELDS])]
    columns = {f: log.columns[f] for f in wanted if f in log.columns}
    cursor = Cursor(log.path, "lines" if log.format == "csv" else "rows")
    seen = 0
    refused: list[BaseException] = []
    try:
        with _unraisable_into(refused):
            if log.format == "csv":
                batches, names = _csv_batches(log, columns, cursor, stats), columns
            else:
                batches, names = _parquet_batches(log, columns, window)
            for batch in batches:
                seen += batch.num_rows
                if log.format == "parquet":
                    # A damaged file can decode into dictionary codes that point
                    # past their dictionary; refuse it here, not deep in a report.
                    batch.validate(full=True)
                table = canonical(batch, names, fields, window, stats, cursor)
                if table.num_rows:
                    yield table
    except (pa.ArrowInvalid, pa.ArrowIndexError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise LogFormatError(log.path, _read_problem(exc, refused)) from None
    if not seen and not cursor.rejected and window is None:
        stats.notices.setdefault(str(log.path), "no calls in this file (header only)")
    if log.format == "csv":
        extents[log.path] = Extent(window, cursor.span, stats.unplaced(log.path))


def _read_problem(exc: BaseException, refused: list[BaseException]) -> str:
    if any(isinstance(e, UnicodeDecodeError) for e in refused):
        # pyarrow decodes a malformed row as UTF-8 before our handler can skip
        # it; when that fails the row cannot be skipped, only named.
        return (f"a row with the wrong number of fields is not UTF-8 text ({_first_line(exc)}); "
                "fix or remove that row, or save the file as UTF-8")
    return f"cannot be read: {_first_line(exc)}"


@contextmanager
def _unraisable_into(caught: list[BaseException]):
    """Collect exceptions raised inside pyarrow's Python callbacks, which
    Python would otherwise print as 'Exception ignored' tracebacks."""
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: caught.append(unraisable.exc_value)
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _parquet_batches(log: LogFile, columns: dict[str, str], window):
    """Batches from the row groups that may overlap `window` (see parquet_scan),
    and the name each field has in them."""
    from .parquet_scan import read_batches

    fields = [f for f in columns if f != schema.TIMESTAMP]
    return read_batches(log, fields, window), {schema.TIMESTAMP: "ts", **{f: f for f in fields}}


def _csv_parse_options(on_bad_row):
    import pyarrow.csv as pcsv

    # Quoted values may hold commas and line breaks.
    return pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_bad_row)


def _csv_batches(log: LogFile, columns: dict[str, str], cursor: Cursor, stats: ScanStats):
    """CSV read as bytes (decoded later, see decode_text), category-like columns
    dictionary-encoded. One thread, so refused rows come with line numbers."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    def on_bad_row(row) -> str:
        cursor.rejected.append(row.number)
        reason = f"with {row.actual_columns} fields, expected {row.expected_columns}"
        stats.skip(log.path, reason, [row.number] if row.number else [], 1)
        return "skip"

    names = list(dict.fromkeys(columns.values()))
    dictionary = {log.columns.get(f) for f in ("vendor", "integration", "tracking_id", "method", "entity")}
    types = {n: pa.dictionary(pa.int32(), pa.binary()) if n in dictionary else pa.binary() for n in names}
    return pcsv.open_csv(
        log.path,
        read_options=pcsv.ReadOptions(block_size=1 << 22, use_threads=False),
        parse_options=_csv_parse_options(on_bad_row),
        # An empty field is a missing value (and lets counts be cast in one go);
        # no other text, such as 'NA' or 'null', is taken for one.
        convert_options=pcsv.ConvertOptions(include_columns=names, column_types=types,
                                            strings_can_be_null=True, null_values=[""]),
    )


def _max_ts(tables) -> int | None:
    import pyarrow.compute as pc

    tops = [pc.max(t.column("ts")).as_py() for t in tables]
    return max(tops) if tops else None
