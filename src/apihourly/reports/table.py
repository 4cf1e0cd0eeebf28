"""The one table type every report returns.

A Table holds plain Python values (int, float, str, bool, None) column by
column, under columns declared once per report: a name, a kind (what the
values are: counts, text, local times, ...), and the name of the rule that
makes a cell stand out (over a threshold, ...). Renderers look cells up by
column name and decide from the kind and the rule how to draw them; nothing
about colours or terminals lives here.

It never imports pandas or pyarrow: a one-day report is smaller than the cost
of importing either. `to_pandas()` and `to_arrow()` build them on demand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

TEXT = "text"        # untrusted text from the logs, or words of the report
COUNT = "count"      # a whole number (None: missing)
SHARE = "share"      # a percentage with one decimal
FLAG = "flag"        # True / False
DATE = "date"        # YYYY-MM-DD
HOUR = "hour"        # the ISO start of a local hour, with its offset
INSTANT = "instant"  # an ISO local time with milliseconds and offset ('' or None: none)
MINUTE = "minute"    # the ISO start of a local minute
NUMERIC = (COUNT, SHARE)


@dataclass(frozen=True)
class Column:
    """One column of a report: what it holds and how it stands out.

    `rule` names a styling rule the output layer knows (such as 'hourly':
    over or near the hourly threshold); `align` overrides the default (right
    for numbers and flags, left for the rest); `blank` is what a missing
    value reads as in a table for people (CSV and JSON keep it missing).
    `name` is the CSV header, as on Autotask's pages; `key` names the value
    in JSON, a snake_case identifier (by default made from the name).
    """

    name: str
    kind: str = TEXT
    rule: str = ""
    align: str = ""
    blank: str = ""
    key: str = ""

    @property
    def json_key(self) -> str:
        return self.key or snake_case(self.name)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def justify(self) -> str:
        return self.align or ("right" if self.numeric or self.kind == FLAG else "left")


_ARROW_TYPES = {COUNT: "int64", SHARE: "float64", FLAG: "bool"}
TIMES = (DATE, HOUR, INSTANT, MINUTE)  # text in ISO 8601; '' means none


def snake_case(name: str) -> str:
    """A header as a snake_case identifier: 'Execution Time (ms)' ->
    'execution_time_ms', 'Resource / API User' -> 'resource_api_user'."""
    return re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_")


def is_missing(value: object) -> bool:
    """None, NaN, NaT or pandas' NA: a cell with no value. Decided without
    importing pandas."""
    if value is None:
        return True
    if isinstance(value, (int, str)):  # nearly every cell
        return False
    try:
        return bool(value != value) or type(value).__name__ == "NAType"
    except TypeError:  # pandas.NA refuses to be a bool
        return True


class Lazy:
    """A column whose values are made when asked for, a slice at a time: a
    million-call hour writes its CSV and shows its first hundred rows
    without ever holding a million Python values at once."""

    def __init__(self, length: int, fetch: Callable[[int, int], list]):
        self.length = length
        self.fetch = fetch  # (start, stop) -> the values of rows start..stop-1

    def __len__(self) -> int:
        return self.length


CHUNK_ROWS = 65_536  # rows made at once when a table is written out


class Table:
    """Rows under declared columns, stored column by column (a list, or a
    Lazy made on demand). The last `footer` rows are totals (totals' Grand
    total): tables for people set them apart, and sorting keeps them last."""

    def __init__(self, columns: Sequence[Column], data: Sequence[Sequence | Lazy], footer: int = 0):
        if len(columns) != len(data):
            raise ValueError(f"{len(columns)} columns but {len(data)} columns of values")
        self.columns = tuple(columns)
        self._data = [values if isinstance(values, Lazy) else list(values) for values in data]
        self.footer = footer
        self._index = {column.name: i for i, column in enumerate(self.columns)}
        if len(self._index) < len(self.columns):
            raise ValueError(f"two columns share a name: {self.names}")
        lengths = {len(values) for values in self._data}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")

    @classmethod
    def from_rows(cls, columns: Sequence[Column], rows: Iterable[Sequence], footer: int = 0) -> "Table":
        rows = list(rows)
        data = [list(values) for values in zip(*rows)] if rows else [[] for _ in columns]
        return cls(columns, data, footer)

    @property
    def data(self) -> list[list]:
        """Every column as a list (a Lazy column is made in full, once)."""
        return self.made()._data

    def made(self) -> "Table":
        """The same table with every column made now (a screen makes them in
        its worker thread, not while drawing)."""
        self._data = [self._made(i) for i in range(len(self._data))]
        return self

    def _made(self, i: int) -> list:
        values = self._data[i]
        return values.fetch(0, len(values)) if isinstance(values, Lazy) else values

    def _slice(self, i: int, start: int, stop: int) -> list:
        values = self._data[i]
        return values.fetch(start, stop) if isinstance(values, Lazy) else values[start:stop]

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def spec(self, name: str) -> Column:
        return self.columns[self._index[name]]

    def column(self, name: str) -> list:
        i = self._index[name]
        self._data[i] = self._made(i)
        return self._data[i]

    def __len__(self) -> int:
        return len(self._data[0]) if self._data else 0

    def slice(self, start: int, stop: int, footer: int = 0) -> "Table":
        """Rows start..stop-1, made only for them."""
        stop = min(stop, len(self))
        return Table(self.columns, [self._slice(i, start, stop) for i in range(len(self._data))], footer)

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator["Table"]:
        """The table in slices of `rows` rows, for writing it out."""
        for start in range(0, max(len(self), 1), rows):
            yield self.slice(start, start + rows)

    def rows(self) -> Iterator[tuple]:
        for part in self.chunks():
            yield from zip(*part._data) if part._data else ()

    def row(self, position: int) -> dict:
        return dict(zip(self.names, next(self.slice(position, position + 1).rows())))

    def records(self) -> list[dict]:
        names = self.names
        return [dict(zip(names, row)) for row in self.rows()]

    def order_by(self, name: str, descending: bool = False) -> list[int]:
        """Row positions sorted by one column: text ignoring case (bob next
        to Bob), missing values last, ties in their order; footer rows stay last."""
        body = len(self) - self.footer
        values = self.column(name)
        present = [i for i in range(body) if not is_missing(values[i])]
        text = all(isinstance(values[i], str) for i in present)
        present.sort(key=(lambda i: values[i].casefold()) if text else values.__getitem__, reverse=descending)
        return present + [i for i in range(body) if is_missing(values[i])] + list(range(body, len(self)))

    def take(self, positions: Sequence[int], footer: int = 0) -> "Table":
        """The rows at `positions`, in that order."""
        return Table(self.columns, [[values[i] for i in positions] for values in self.data], footer)

    def select(self, names: Sequence[str]) -> "Table":
        """The named columns, in that order (a Lazy column stays lazy)."""
        return Table([self.spec(n) for n in names], [self._data[self._index[n]] for n in names], self.footer)

    def head(self, n: int) -> "Table":
        return self.slice(0, n)

    def extended(self, column: Column, values: Sequence | Lazy) -> "Table":
        """The table with one more column last (a Lazy stays lazy)."""
        return Table((*self.columns, column), [*self._data, values], self.footer)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (self.columns, self.data, self.footer) == (other.columns, other.data, other.footer)

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self.names)})"

    def to_pandas(self):
        """A pandas DataFrame with the same columns and rows."""
        import pandas as pd

        return pd.DataFrame(list(self.rows()), columns=self.names)

    def to_arrow(self):
        """A pyarrow Table; counts as int64, shares as float64, flags as bool,
        the rest as strings."""
        import pyarrow as pa

        arrays = [pa.array(values, type=pa.type_for_alias(_ARROW_TYPES.get(column.kind, "string")))
                  for column, values in zip(self.columns, self.data)]
        return pa.Table.from_arrays(arrays, names=self.names)


def chosen_columns(table: Table, wanted: str, option: str) -> list[str]:
    """The table's names of the comma-separated columns in `wanted`, matched
    ignoring case, spaces and punctuation ('execution_start' is 'Execution
    Start'); an unknown name is a BadOption listing the columns there are."""
    from ..errors import BadOption

    def key(name: str) -> str:
        return re.sub(r"[^0-9a-z]", "", name.casefold())

    known = {key(name): name for name in table.names}
    asked = [part.strip() for part in wanted.split(",") if part.strip()]
    unknown = [name for name in asked if key(name) not in known]
    if unknown or not asked:
        problem = f"no column {unknown[0]!r}" if unknown else "no column named"
        raise BadOption(f"{problem}; the columns are: {', '.join(table.names)}", option)
    return list(dict.fromkeys(known[key(name)] for name in asked))
