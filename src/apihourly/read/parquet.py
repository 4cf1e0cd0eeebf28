"""Parquet logs, read with pyarrow.parquet directly, pruning what a report
cannot need before anything is decoded.

pyarrow.dataset imports pandas (about 0.3 s and 60 MB), which is most of the
run time of a one-day report; pyarrow.parquet does not. Row-group statistics
of the timestamp column skip row groups outside the report's UTC window,
text columns are read dictionary-encoded, and every batch is validated, so a
damaged file is one clear error rather than a wrong number.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import schema
from ..timeaxis import UNIT_NS
from .remote import arrow_file

POSITION = "rows"
FIRST_RECORD = 1
STATISTICS = True
BATCH_ROWS = 1 << 16  # bounds memory per batch; big enough that per-batch overhead is noise


def sniff(head: bytes, tail: bytes) -> str | None:
    if head[:4] == b"PAR1" and tail == b"PAR1":
        return None
    problem = "truncated Parquet file (no footer)" if head[:4] == b"PAR1" else "not a Parquet file"
    return f"{problem}; export it again, or name it .csv if it is CSV"


def header(path) -> tuple[list[str], dict]:
    import pyarrow.parquet as pq

    arrow_schema = pq.read_schema(arrow_file(path))
    return arrow_schema.names, {f.name: f.type for f in arrow_schema}


def batches(log, columns: dict[str, str], window, cursor, stats, groups: tuple[int, int] | None = None):
    """Validated batches from the row groups that may overlap `window` (or
    row groups `groups[0]` to `groups[1] - 1`), and the name each field has in them."""
    fields = [f for f in columns if f != schema.TIMESTAMP]
    return (_validated(read_batches(log, fields, window, groups)),
            {schema.TIMESTAMP: "ts", **{f: f for f in fields}})


def _validated(batches):
    for batch in batches:
        # A damaged file can decode into dictionary codes that point past
        # their dictionary; refuse it here, not deep in a report.
        batch.validate(full=True)
        yield batch


def explain(error: str, refused: list[BaseException]) -> str | None:
    return None


def row_groups_in(metadata, column: int, window: tuple[int, int] | None) -> list[int]:
    """Row groups whose timestamp statistics may overlap `window`; a group
    without usable statistics is always kept."""
    unit = stored_unit(metadata, column)
    if window is None or unit is None:
        return list(range(metadata.num_row_groups))
    bounds = [_raw_bounds(metadata.row_group(i).column(column), unit) for i in range(metadata.num_row_groups)]
    return overlapping(bounds, window)


def overlapping(bounds: list, window: tuple[int, int] | None) -> list[int]:
    """Positions of the (low, high) bounds that may hold a time in `window`; None bounds always may."""
    return [i for i, b in enumerate(bounds) if window is None or b is None or (b[0] < window[1] and b[1] >= window[0])]


def row_groups(log, bounds: bool = True) -> list[list] | None:
    """[low, high, rows] of each row group's timestamps (low and high None
    without statistics, or without `bounds`), or None when the timestamps
    are not a Parquet timestamp column, whose groups cannot be told apart by time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not pa.types.is_timestamp(log.timestamp_type):
        return None
    metadata = pq.ParquetFile(arrow_file(log.path)).metadata
    if not bounds:
        return [[None, None, metadata.row_group(i).num_rows] for i in range(metadata.num_row_groups)]
    column = _leaf_index(metadata, log.columns[schema.TIMESTAMP])
    unit = stored_unit(metadata, column)
    out = []
    for i in range(metadata.num_row_groups):
        group = metadata.row_group(i)
        found = _raw_bounds(group.column(column), unit) if unit else None
        out.append([*(found or (None, None)), group.num_rows])
    return out


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

    metadata = pq.ParquetFile(arrow_file(log.path)).metadata
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


def read_batches(log, fields: list[str], window: tuple[int, int] | None,
                 groups: tuple[int, int] | None = None) -> Iterator:
    """Record batches with a `ts` column (the raw timestamp) and the given
    canonical fields the file has, from the row groups that may overlap
    `window`, or from row groups `groups[0]` to `groups[1] - 1` when given."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    present = {f: log.columns[f] for f in fields if f in log.columns}
    names = [log.columns[schema.TIMESTAMP], *present.values()]
    # Only flat columns as dictionaries: pyarrow fails with a bare KeyError on
    # a list or struct, which canonical() refuses with a clear message instead.
    types = pq.read_schema(arrow_file(log.path))
    dictionary = [c for f, c in present.items() if f in schema.DICTIONARY_FIELDS
                  and not pa.types.is_nested(types.field(c).type)]
    file = pq.ParquetFile(arrow_file(log.path), read_dictionary=dictionary, pre_buffer=False)
    if groups is not None:
        chosen = list(range(*groups))
    elif pa.types.is_timestamp(log.timestamp_type):
        chosen = row_groups_in(file.metadata, _leaf_index(file.metadata, names[0]), window)
    else:
        chosen = list(range(file.num_row_groups))
    if not chosen:
        return
    for batch in file.iter_batches(batch_size=BATCH_ROWS, row_groups=chosen, columns=names, use_threads=True):
        yield pa.RecordBatch.from_arrays(batch.columns, names=["ts", *present])
