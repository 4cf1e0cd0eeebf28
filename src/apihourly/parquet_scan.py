"""Reading Parquet logs with pyarrow.parquet directly, and pruning what a
report cannot need before anything is decoded.

pyarrow.dataset imports pandas (about 0.3 s and 60 MB), which is most of the
run time of a one-day report; pyarrow.parquet does not. Row-group statistics
of the timestamp column skip row groups outside the report's UTC window,
category columns are read dictionary-encoded, and hive-style folders
(`.../date=2026-11-15/part-0.parquet`) whose date cannot overlap the window
are never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

from . import schema
from .timeaxis import UNIT_NS

# Columns with few distinct values: read as dictionaries, so a batch holds
# small integer codes and each distinct string once.
DICTIONARY_FIELDS = ("vendor", "integration", "tracking_id", "method", "entity", "api_user", "client_ip")
BATCH_ROWS = 1 << 16  # bounds memory per batch; big enough that per-batch overhead is noise
_PARTITION = re.compile(r"^date=(\d{4}-\d{2}-\d{2})$")
_DAY_NS = 86_400 * 1_000_000_000


def parquet_schema(path: Path):
    """The Arrow schema of a Parquet file, from its footer only."""
    import pyarrow.parquet as pq

    return pq.read_schema(path)


def partition_date(path: Path) -> date | None:
    """The date of a hive-style `date=YYYY-MM-DD` folder the file sits in."""
    for part in reversed(path.parent.parts):
        if m := _PARTITION.match(part):
            try:
                return date.fromisoformat(m.group(1))
            except ValueError:
                return None
    return None


def may_overlap(path: Path, window: tuple[int, int] | None) -> bool:
    """False only when the file's partition date cannot hold a call in `window`.

    Whoever wrote the partitions may have used a local date or the UTC date,
    in any zone (UTC-12 to UTC+14), so the partition is widened by a day on
    each side before comparing; statistics then skip the rest.
    """
    day = partition_date(path)
    if window is None or day is None:
        return True
    start = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) * 1_000_000_000
    return start - _DAY_NS < window[1] and start + 2 * _DAY_NS > window[0]


def row_groups_in(metadata, column: int, window: tuple[int, int] | None) -> list[int]:
    """Row groups whose timestamp statistics may overlap `window`; a group
    without usable statistics is always kept."""
    groups = list(range(metadata.num_row_groups))
    unit = stored_unit(metadata, column)
    if window is None or unit is None:
        return groups
    kept = []
    for i in groups:
        bounds = _raw_bounds(metadata.row_group(i).column(column), unit)
        if bounds is None or (bounds[0] < window[1] and bounds[1] >= window[0]):
            kept.append(i)
    return kept


def stored_unit(metadata, column: int) -> str | None:
    """The unit statistics of a timestamp column are in, from the Parquet
    logical type (not the Arrow type, which may differ: seconds are stored
    as milliseconds); None when it is not a plain INT64 timestamp."""
    import json

    leaf = metadata.schema.column(column)
    if leaf.physical_type != "INT64":
        return None
    logical = json.loads(leaf.logical_type.to_json())
    return {"milliseconds": "ms", "microseconds": "us", "nanoseconds": "ns"}.get(logical.get("timeUnit"))


def _leaf_index(metadata, name: str) -> int:
    """Statistics are per leaf column; a log's columns are flat, so a column's
    leaf is found by its path."""
    paths = [metadata.schema.column(i).path for i in range(metadata.num_columns)]
    return paths.index(name)


def _raw_bounds(chunk, unit: str) -> tuple[int, int] | None:
    stats = chunk.statistics
    if stats is None or not stats.has_min_max:
        return None
    lo, hi = stats.min_raw, stats.max_raw
    if not isinstance(lo, int) or not isinstance(hi, int):  # INT96 and other legacy encodings
        return None
    scale = UNIT_NS[unit]
    return lo * scale, hi * scale


def latest_ns(log) -> int | None:
    """The latest timestamp in a Parquet log from its statistics, or None when
    some row group has none (the caller then reads the column)."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(log.path).metadata
    column = _leaf_index(metadata, log.columns[schema.TIMESTAMP])
    unit = stored_unit(metadata, column)
    if unit is None:
        return None
    latest = None
    for i in range(metadata.num_row_groups):
        if metadata.row_group(i).num_rows == 0:
            continue
        bounds = _raw_bounds(metadata.row_group(i).column(column), unit)
        if bounds is None:
            return None
        latest = bounds[1] if latest is None else max(latest, bounds[1])
    return latest


def read_batches(log, fields: list[str], window: tuple[int, int] | None) -> Iterator:
    """Record batches with a `ts` column (the raw timestamp) and the given
    canonical fields the file has, from the row groups that may overlap `window`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    present = {f: log.columns[f] for f in fields if f in log.columns}
    names = [log.columns[schema.TIMESTAMP], *present.values()]
    file = pq.ParquetFile(log.path, read_dictionary=[c for f, c in present.items() if f in DICTIONARY_FIELDS],
                          pre_buffer=False)
    groups = list(range(file.num_row_groups))
    if pa.types.is_timestamp(log.timestamp_type):
        column = _leaf_index(file.metadata, names[0])
        groups = row_groups_in(file.metadata, column, window)
    if not groups:
        return
    for batch in file.iter_batches(batch_size=BATCH_ROWS, row_groups=groups, columns=names, use_threads=True):
        yield pa.RecordBatch.from_arrays(batch.columns, names=["ts", *present])


def lean_memory_pool() -> None:
    """Allocate Arrow buffers with jemalloc on Linux.

    pyarrow's default mimalloc pool kept about 40 MB more resident for the
    same reads here, and memory per run is one of the things apihourly is
    measured by. Chosen through ARROW_DEFAULT_MEMORY_POOL before pyarrow
    loads (switching pools later leaves mimalloc's arenas behind); a value
    the user set wins. Other platforms keep pyarrow's default, since not
    every build there has jemalloc.
    """
    import os
    import sys

    if not sys.platform.startswith("linux") or os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    if "pyarrow" not in sys.modules:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
        return
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except (NotImplementedError, AttributeError):
        pass
