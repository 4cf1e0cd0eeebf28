"""The one table type: columns declared once, rows looked up by name, sorted
the way people sort, and the same data for pandas and Arrow."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apihourly.reports.table import COUNT, FLAG, HOUR, SHARE, Column, Lazy, Table

COLUMNS = (Column("Integration"), Column("Calls", COUNT), Column("Share (%)", SHARE), Column("Over", FLAG))
ROWS = [["bob", 5, 25.0, False], ["Alice", None, 50.0, True], ["Bob", 5, 25.0, False], ["Grand total", 10, 100.0, True]]


def table():
    return Table.from_rows(COLUMNS, ROWS, footer=1)


def test_rows_columns_and_records_agree():
    t = table()
    assert len(t) == 4 and t.names == ["Integration", "Calls", "Share (%)", "Over"]
    assert t.column("Calls") == [5, None, 5, 10]
    assert t.row(1) == {"Integration": "Alice", "Calls": None, "Share (%)": 50.0, "Over": True}
    assert [list(r) for r in t.rows()] == ROWS
    assert t.records()[0] == dict(zip(t.names, ROWS[0]))


def test_numbers_and_flags_align_right_unless_a_column_says_otherwise():
    assert [c.justify for c in COLUMNS] == ["left", "right", "right", "right"]
    assert Column("Peak hour", HOUR, align="right").justify == "right" and Column("Hour", HOUR).justify == "left"
    assert [c.numeric for c in COLUMNS] == [False, True, True, False]


def test_order_by_ignores_case_keeps_ties_in_order_puts_missing_last_and_the_footer_stays_last():
    t = table()
    assert t.order_by("Integration") == [1, 0, 2, 3]  # Alice, bob, Bob (ties as they came), Grand total
    assert t.order_by("Integration", descending=True) == [0, 2, 1, 3]
    assert t.order_by("Calls") == [0, 2, 1, 3]
    assert t.order_by("Calls", descending=True) == [0, 2, 1, 3]  # the missing count stays last
    assert t.order_by("Over") == [0, 2, 1, 3]


def test_take_keeps_the_declared_columns():
    part = table().take([2, 0], footer=0)
    assert part.columns == COLUMNS and part.column("Integration") == ["Bob", "bob"]
    assert table().head(2) == Table.from_rows(COLUMNS, ROWS[:2])
    assert table().head(10) == Table.from_rows(COLUMNS, ROWS)


def test_an_empty_table_still_has_its_columns():
    empty = Table.from_rows(COLUMNS, [])
    assert len(empty) == 0 and empty.names == [c.name for c in COLUMNS] and empty.records() == []
    assert list(empty.to_pandas().columns) == empty.names
    assert empty.to_arrow().schema.names == empty.names


def test_to_pandas_and_to_arrow_hold_the_same_values():
    t = table()
    frame = t.to_pandas()
    assert frame["Integration"].tolist() == t.column("Integration")
    assert frame["Calls"].fillna(-1).astype(int).tolist() == [5, -1, 5, 10]
    arrow = t.to_arrow()
    assert [str(f.type) for f in arrow.schema] == ["string", "int64", "double", "bool"]
    assert arrow.to_pylist() == t.records()


def test_two_columns_of_one_name_or_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="share a name"):
        Table([Column("Hour"), Column("Hour")], [[1], [2]])
    with pytest.raises(ValueError, match="different lengths"):
        Table(COLUMNS[:2], [["a"], []])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=20), st.booleans())
def test_order_by_sorts_like_python_with_missing_last(values, descending):
    t = Table([Column("n", COUNT)], [values])
    order = t.order_by("n", descending)
    assert sorted(order) == list(range(len(values)))
    present = [values[i] for i in order if values[i] is not None]
    assert present == sorted(present, reverse=descending)
    assert all(values[i] is None for i in order[len(present):])


def test_a_lazy_column_is_made_only_for_the_rows_asked_for():
    asked = []

    def squares(a, b):
        asked.append((a, b))
        return [i * i for i in range(a, b)]

    table = Table([Column("n", COUNT), Column("square", COUNT)], [list(range(200_000)), Lazy(200_000, squares)])
    assert len(table) == 200_000 and asked == []
    assert table.head(3).column("square") == [0, 1, 4] and asked == [(0, 3)]
    assert [len(part) for part in table.chunks(65_536)] == [65_536, 65_536, 65_536, 3_392]
    assert asked[1:] == [(0, 65_536), (65_536, 131_072), (131_072, 196_608), (196_608, 200_000)]
    assert table.row(199_999) == {"n": 199_999, "square": 199_999 ** 2}
    assert table.extended(Column("flag", FLAG), Lazy(200_000, lambda a, b: [True] * (b - a))).head(1).records() == [
        {"n": 0, "square": 0, "flag": True}]
    assert table.made().column("square")[-1] == 199_999 ** 2


def test_an_empty_table_still_comes_in_one_chunk():
    empty = Table.from_rows(COLUMNS, [])
    assert [len(part) for part in empty.chunks()] == [0]
