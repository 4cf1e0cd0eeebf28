"""A small report table as plain Python rows.

Rendering and CSV/JSON export read the rows directly, so a report built as a
Grid never imports pandas (0.3 s and 60 MB, more than a one-day report's read).
Anything else a caller asks of it (tests, notebooks: `grid["Hour"]`,
`grid.set_index(...)`) is answered by the equivalent pandas frame, built once.
"""

from __future__ import annotations


class Grid:
    def __init__(self, columns: list[str], rows: list[list]):
        self.columns = list(columns)
        self.rows = rows
        self._frame = None

    def __len__(self) -> int:
        return len(self.rows)

    def head(self, n: int = 5) -> "Grid":
        return Grid(self.columns, self.rows[:n])

    def itertuples(self, index: bool = True, name: str | None = "Pandas"):
        """Without the index, rows as plain tuples (whatever `name` says)."""
        if index:
            return self.to_pandas().itertuples(index=index, name=name)
        return (tuple(row) for row in self.rows)

    def to_dict(self, orient: str = "dict"):
        if orient == "records":
            return [dict(zip(self.columns, row)) for row in self.rows]
        return self.to_pandas().to_dict(orient=orient)

    def to_pandas(self):
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(self.rows, columns=self.columns)
        return self._frame

    def __getitem__(self, key):
        return self.to_pandas()[key]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.to_pandas(), name)


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
