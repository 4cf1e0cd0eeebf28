"""The format registry: every input format apihourly reads, one entry each.

An entry names the format's module in this package and the file name
endings that select it; the module reads it and provides:

    POSITION        "lines" or "rows": how its skipped rows are named
    FIRST_RECORD    the line or row number of the first record (2 after a header line)
    STATISTICS      True when batches() itself skips what a window cannot
                    need; False makes the scan remember each full read
    sniff(head, tail) -> problem text, or None for a plausible file
    header(path) -> (column names, {column name: Arrow type} where declared)
    batches(log, columns, window, cursor, stats, groups=None) -> (record
                    batches, {canonical field: column name in those batches});
                    `groups` (row groups a to b - 1) only where row_groups() exists
    row_groups(log) -> [[low, high, rows], ...] (optional: formats that are
                    read a row group at a time, the cache's segments)
    latest_ns(log) -> the latest timestamp without reading rows, or None
    explain(error, refused) -> what to tell the user about a read error (its
                    first line, and exceptions pyarrow's callbacks raised), or None

Adding a format is one such module and one entry in REGISTRY; file
discovery, messages and hints are worded from here. Modules load on first
use, so naming the formats in --help costs nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Format:
    name: str  # and the name of its module in this package
    suffixes: tuple[str, ...]  # endings named in messages
    also_accepted: tuple[str, ...] = ()  # endings read but not advertised
    label: str = ""  # the format's name for people, in messages
    content: str = ""  # what a file of it holds, for the message about an empty one

    @property
    def reader(self):
        """The module that reads this format."""
        return importlib.import_module(f"{__package__}.{self.name}")


REGISTRY = (
    Format("csv", (".csv", ".csv.gz"), label="CSV", content="a header row and one call per row"),
    Format("parquet", (".parquet",), (".pq",), label="Parquet", content="a Parquet file of calls"),
    Format("jsonl", (".jsonl", ".jsonl.gz"), (".ndjson", ".ndjson.gz"), label="JSON Lines",
           content="one JSON object per call, a line each"),
)


def format_of(path: Path) -> Format | None:
    """The format a file's name says it is in, or None."""
    name = path.name.lower()
    for fmt in REGISTRY:
        if name.endswith(fmt.suffixes + fmt.also_accepted):
            return fmt
    return None


def is_log_name(name: str) -> bool:
    """Whether a file of this name is read when its folder is: a format's
    name, and not hidden (`.name`) or set aside (`_name`, as Spark's `_SUCCESS`)."""
    return format_of(Path(name)) is not None and not name.startswith((".", "_"))


def suffix_names(last_separator: str) -> str:
    """The advertised suffixes as a list for messages: '.csv, .csv.gz or .parquet'."""
    names = [suffix for fmt in REGISTRY for suffix in fmt.suffixes]
    return ", ".join(names[:-1]) + last_separator + names[-1] if len(names) > 1 else names[0]
