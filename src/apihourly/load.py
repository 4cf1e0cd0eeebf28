"""Finding log files and reading them as Arrow batches with canonical columns.

Every file is opened as its own pyarrow dataset, because each may name its
columns differently (canonical names, Autotask's display names, aliases).
Only the columns a report needs are read, and the UTC window of the report is
pushed down to Parquet so row groups outside it are skipped.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .errors import LogFormatError, NoLogsFound

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
    """Files named by each spec (a file, a folder read recursively, or a glob)."""
    specs = list(specs)
    found: dict[Path, None] = {}
    for spec in specs:
        for path in _expand(spec):
            found.setdefault(path, None)
    if not found:
        where = ", ".join(specs) or "(nothing given)"
        raise NoLogsFound(f"no log files (.csv, .csv.gz, .parquet) found in {where}")
    return list(found)


@dataclass
class LogFile:
    """One log file: where it is, its format and which column is which field."""

    path: Path
    format: str
    columns: dict[str, str]  # canonical field -> column name in the file
    timestamp_type: object = None  # the Arrow type of the timestamp column

    def dataset(self, fields: Iterable[str]):
        import pyarrow as pa
        import pyarrow.dataset as ds

        if self.format == "parquet":
            return ds.dataset(self.path, format="parquet")
        # CSV is read as text and converted here, so one odd value cannot fail
        # the whole file; category-like columns are dictionary-encoded.
        types = {self.columns[f]: _csv_type(f, pa) for f in fields if f in self.columns}
        return ds.dataset(self.path, format=_csv_format(types))


def _csv_type(field: str, pa):
    if field in ("vendor", "integration", "tracking_id", "method", "entity"):
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


def _csv_format(column_types: dict):
    import pyarrow.csv as pcsv
    import pyarrow.dataset as ds

    convert = pcsv.ConvertOptions(column_types=column_types, strings_can_be_null=True)
    return ds.CsvFileFormat(convert_options=convert, read_options=pcsv.ReadOptions(block_size=1 << 22))


def open_log(path: Path) -> LogFile:
    """Read a file's header and match its columns to the schema."""
    import pyarrow as pa

    fmt = log_format(path)
    if fmt is None:
        raise LogFormatError(path, "not a log file; expected .csv, .csv.gz or .parquet")
    try:
        probe = _Probe(path, fmt)
        names = probe.schema.names
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise LogFormatError(path, f"cannot be read as {fmt.upper()}: {_first_line(exc)}") from None
    mapping, clashes = schema.match_columns(names)
    if clashes:
        field, cols = clashes[0]
        raise LogFormatError(path, f"columns {', '.join(map(repr, cols))} all mean {field}; keep one")
    if schema.TIMESTAMP not in mapping:
        raise LogFormatError(
            path,
            f"no execution_start column (found: {', '.join(names) or 'none'}; "
            f"accepted names: {', '.join(schema.accepted_names(schema.TIMESTAMP))})",
        )
    ts_type = probe.schema.field(mapping[schema.TIMESTAMP]).type if fmt == "parquet" else pa.string()
    return LogFile(path, fmt, mapping, ts_type)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@dataclass
class ScanStats:
    """What a scan read: files, rows in the window, rows it could not use."""

    files: int = 0
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # "file: reason" -> rows

    def skip(self, path: Path, reason: str, count: int) -> None:
        if count:
            key = f"{path.name}: {reason}"
            self.skipped[key] = self.skipped.get(key, 0) + count


@dataclass
class LogSet:
    """The log files behind a report, opened once and scanned as often as needed."""

    files: list[LogFile]
    source: str = ""

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
            scan_one = _scan_parquet if log.format == "parquet" else _scan_file
            yield from scan_one(log, fields, window, stats)

    def latest_ns(self) -> int | None:
        """The latest call (UTC ns): from Parquet statistics where every row
        group has them, else by reading the file's timestamps."""
        from .parquet_scan import latest_ns

        latest = None
        for log in self.files:
            top = latest_ns(log) if log.format == "parquet" else None
            if top is None:
                top = _max_ts(LogSet([log]).scan([]))
            if top is not None:
                latest = top if latest is None else max(latest, top)
        return latest


def _scan_file(log: LogFile, fields: list[str], window, stats: ScanStats) -> Iterator:
    import pyarrow as pa

    dataset = log.dataset([schema.TIMESTAMP, *fields])
    present = {f: log.columns[f] for f in fields if f in log.columns}
    columns = {"ts": _field(log.columns[schema.TIMESTAMP]), **{f: _field(c) for f, c in present.items()}}
    pushdown = _window_filter(log, window)
    try:
        for batch in dataset.to_batches(columns=columns, filter=pushdown, batch_size=1 << 20):
            table = _canonical(batch, log, fields, window, stats)
            if table.num_rows:
                yield table
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise LogFormatError(log.path, f"cannot be read: {_first_line(exc)}") from None


def _field(name: str):
    import pyarrow.dataset as ds

    return ds.field(name)


def _window_filter(log: LogFile, window):
    """A Parquet predicate on the raw timestamp column, so statistics skip row groups."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    if window is None or not pa.types.is_timestamp(log.timestamp_type):
        return None
    unit = log.timestamp_type.unit
    scale = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}[unit]
    typ = log.timestamp_type
    lo = pa.scalar(window[0] // scale, pa.int64()).cast(typ)
    hi = pa.scalar(-(-window[1] // scale), pa.int64()).cast(typ)
    col = ds.field(log.columns[schema.TIMESTAMP])
    return (col >= lo) & (col <= hi)


def _canonical(batch, log: LogFile, fields: list[str], window, stats: ScanStats):
    """Timestamps to UTC ns, missing fields as nulls, rows outside the window dropped."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .timestamps import to_utc_ns, whole_numbers

    ts = to_utc_ns(batch.column("ts"))
    stats.skip(log.path, "unparseable execution_start", ts.null_count)
    keep = pc.is_valid(ts)
    if window is not None:
        keep = pc.and_(keep, pc.and_(pc.greater_equal(ts, window[0]), pc.less(ts, window[1])))
    cols = {"ts": ts}
    for f in fields:
        missing = pa.nulls(len(batch), pa.int64() if f in schema.INT_FIELDS else pa.string())
        cols[f] = batch.column(f) if f in batch.schema.names else missing
        if f in schema.INT_FIELDS:
            cols[f] = whole_numbers(cols[f])
    table = pa.table(cols).filter(keep)
    stats.rows += table.num_rows
    return table


class _Probe:
    """A file's schema without pyarrow.dataset for Parquet: that module
    imports pandas, which costs more than a one-day report's whole read."""

    def __init__(self, path: Path, fmt: str):
        if fmt == "parquet":
            from .parquet_scan import parquet_schema

            self.schema = parquet_schema(path)
        else:
            import pyarrow.dataset as ds

            self.schema = ds.dataset(path, format=_csv_format({})).schema


def _scan_parquet(log: LogFile, fields: list[str], window, stats: ScanStats) -> Iterator:
    """Like _scan_file, reading through pyarrow.parquet: row groups outside the
    window are skipped by their statistics, category columns come as dictionaries."""
    import pyarrow as pa

    from .arrow_numpy import int64_scalar
    from .parquet_scan import read_batches

    # Arrow scalars, so comparing with them does not make pyarrow import pandas.
    bounds = None if window is None else (int64_scalar(window[0]), int64_scalar(window[1]))
    try:
        for batch in read_batches(log, fields, window):
            table = _canonical(batch, log, fields, bounds, stats)
            if table.num_rows:
                yield table
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise LogFormatError(log.path, f"cannot be read: {_first_line(exc)}") from None


def _max_ts(tables) -> int | None:
    import pyarrow.compute as pc

    tops = [pc.max(t.column("ts")).as_py() for t in tables]
    return max(tops) if tops else None
