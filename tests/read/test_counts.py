"""Hourly counts files as input: Autotask's Summary export (12- and 24-hour
labels, numbers with thousands separators) and apihourly's own summary CSV,
read into calls per local hour and integration."""

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from apihourly import reports, schema
from apihourly.errors import ApihourlyError, LogFormatError
from apihourly.read.scan import LogSet
from apihourly.reports import Query

NY = ZoneInfo("America/New_York")
LABELS_12H = ["12:00 AM", *(f"{h}:00 AM" for h in range(1, 12)), "12:00 PM", *(f"{h}:00 PM" for h in range(1, 12))]


def export(path: Path, header: list[str], rows: list[list], *, sep: str = ",", preamble: str = "") -> Path:
    """A Summary export as Autotask's page writes it: numbers over 999
    quoted with their thousands separator."""
    def cell(value) -> str:
        text = f"{value:,}" if isinstance(value, int) else str(value)
        return f'"{text}"' if sep in text or "," in text else text

    lines = [sep.join(header), *(sep.join(cell(v) for v in row) for row in rows)]
    path.write_text(preamble + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def query_of(folder: Path, tz=NY, threshold: int = schema.DEFAULT_THRESHOLD) -> Query:
    from apihourly.read.canonical import TimeRules

    return Query(LogSet.open([str(folder)], TimeRules(display_tz=tz)), tz, threshold)


def grid(report) -> dict[str, dict[str, int]]:
    """Summary cells with calls: hour start -> label -> calls."""
    frame = report.to_pandas()
    return {row["Hour"]: {label: int(row[label]) for label in report.categories if row[label]}
            for _, row in frame.iterrows() if row["Total calls"]}


def test_a_12_hour_export_with_thousands_separators_is_read_exactly(tmp_path):
    rows = [[label, 0, 0, 0, 0] for label in LABELS_12H]
    rows[0][1:] = [1_200, 300, 0, 5]
    rows[15][1:] = [10_450, 2, 7, 0]  # 3:00 PM
    rows[23][1:] = [1, "", 1, 1]  # an empty cell is no calls
    for row in rows:
        row.append(sum(v for v in row[1:] if v != ""))
    export(tmp_path / "2026-11-16 API Activity by Hour.csv",
           ["Hour", "BrightGauge", "Datto RMM", "My Sync", "Unknown", "Total calls"], rows)
    summary = reports.summary(query_of(tmp_path), date(2026, 11, 16))
    assert summary.categories == ["BrightGauge", "Datto RMM", "My Sync", "Unknown"]
    assert grid(summary) == {
        "2026-11-16T00:00:00-05:00": {"BrightGauge": 1_200, "Datto RMM": 300, "Unknown": 5},
        "2026-11-16T15:00:00-05:00": {"BrightGauge": 10_450, "Datto RMM": 2, "My Sync": 7},
        "2026-11-16T23:00:00-05:00": {"BrightGauge": 1, "My Sync": 1, "Unknown": 1},
    }
    assert summary.stats.given == 11_967 and summary.stats.rows == 0 and summary.stats.warned == {}
    totals = reports.totals(query_of(tmp_path), date(2026, 11, 16)).to_pandas()
    assert totals[["Integration", "Kind", "Calls", "Hours over limit"]].values.tolist() == [
        ["BrightGauge", "integration", 11_651, 1], ["Datto RMM", "integration", 302, 0],
        ["My Sync", "integration", 8, 0], ["Unknown", "unknown", 6, 0], ["Grand total", "", 11_967, 1]]


def test_24_hour_labels_a_semicolon_dialect_and_a_custom_column(tmp_path):
    rows = [[f"{h:02d}:00", 0, 0, 0] for h in range(24)]
    rows[9][1:] = [4, 5, 9]
    export(tmp_path / "export 2026-11-10.csv", ["Hour", "Custom", "IT Glue", "Total calls"], rows,
           sep=";", preamble="sep=;\n")
    summary = reports.summary(query_of(tmp_path, ZoneInfo("Europe/Berlin")), date(2026, 11, 10))
    assert summary.categories == ["Custom", "IT Glue"]  # as the file has them
    assert grid(summary) == {"2026-11-10T09:00:00+01:00": {"Custom": 4, "IT Glue": 5}}
    kinds = dict(zip(summary.long.column("integration"), summary.long.column("kind")))
    assert kinds == {"IT Glue": "integration", "Custom": "custom"}


def test_a_fall_back_day_has_two_1_am_rows_read_in_order(tmp_path):
    labels = LABELS_12H[:2] + ["1:00 AM"] + LABELS_12H[2:]  # 25 rows
    rows = [[label, 0] for label in labels]
    rows[1][1], rows[2][1], rows[3][1] = 11, 22, 33
    export(tmp_path / "2026-11-01.csv", ["Hour", "Acme"], rows)
    summary = reports.summary(query_of(tmp_path), date(2026, 11, 1))
    assert len(summary.table) == 25
    assert grid(summary) == {"2026-11-01T01:00:00-04:00": {"Acme": 11}, "2026-11-01T01:00:00-05:00": {"Acme": 22},
                             "2026-11-01T02:00:00-05:00": {"Acme": 33}}


def test_a_spring_forward_day_row_for_the_skipped_hour_is_left_out_only_without_calls(tmp_path):
    rows = [[label, 1] for label in LABELS_12H]
    rows[2][1] = 0  # 2:00 AM does not exist on 2026-03-08 in New York
    export(tmp_path / "2026-03-08.csv", ["Hour", "Acme"], rows)
    summary = reports.summary(query_of(tmp_path), date(2026, 3, 8))
    assert len(summary.table) == 23 and summary.stats.given == 23
    assert summary.stats.warned == {str(tmp_path / "2026-03-08.csv"): [
        "line 4: 2026-03-08 has no 2:00 AM hour in America/New_York; the row has no calls and is left out"]}
    rows[2][1] = 7
    export(tmp_path / "2026-03-08.csv", ["Hour", "Acme"], rows)
    with pytest.raises(LogFormatError, match="line 4: 2026-03-08 has no 2:00 AM hour in America/New_York for its "
                                             "7 calls; pass the zone the counts were made in with --tz"):
        reports.summary(query_of(tmp_path), date(2026, 3, 8))


def test_total_calls_is_checked_never_counted(tmp_path):
    export(tmp_path / "2026-11-16.csv", ["Hour", "A", "B", "Total calls"],
           [["12:00 AM", 1, 2, 3], ["1:00 AM", 5, 5, 11], ["Total", "", "", 14]])
    summary = reports.summary(query_of(tmp_path), date(2026, 11, 16))
    assert summary.stats.given == 13
    assert summary.stats.warned[str(tmp_path / "2026-11-16.csv")] == [
        "line 3: Total calls at 1:00 AM is 11, but its integrations add up to 10; the integrations' calls are counted",
        "line 4: the Total row says 14 calls, but the hours add up to 13"]


def test_the_date_comes_from_a_date_column_an_iso_hour_or_the_file_name(tmp_path):
    export(tmp_path / "a.csv", ["Date", "Hour", "A"], [["2026-11-02", "3:00 PM", 4], ["2026-11-03", "15:00", 6]])
    export(tmp_path / "b.csv", ["Hour", "A", "Total calls"], [["2026-11-04T15:00:00-05:00", 8, 8]])
    export(tmp_path / "c 2026-11-05.csv", ["Hour", "A"], [["3:00 PM", 10]])
    days = reports.days(query_of(tmp_path)).to_pandas()
    assert days[["Date", "Calls"]].values.tolist() == [
        ["2026-11-02", 4], ["2026-11-03", 6], ["2026-11-04", 8], ["2026-11-05", 10]]


def test_counts_without_a_date_are_one_error_naming_the_file_and_the_fix(tmp_path):
    export(tmp_path / "API Activity by Hour (1).csv", ["Hour", "A"], [["3:00 PM", 10]])
    with pytest.raises(LogFormatError) as caught:
        reports.days(query_of(tmp_path))
    assert str(caught.value) == (
        f"{tmp_path / 'API Activity by Hour (1).csv'}: hourly counts without a date (no Date column, no dates in "
        "the Hour column); put the date in the file's name, e.g. '2026-11-16 API Activity by Hour (1).csv'")


@pytest.mark.parametrize("rows, problem", [
    ([["3:00 PM", "lots"]], "line 2: 'A' is 'lots', not a number of calls"),
    ([["3:00 PM", "-4"]], "line 2: 'A' is '-4', not a number of calls"),
    ([["25:00", "4"]], "line 2: Hour '25:00' is not an hour"),
    ([["2026-11-16T15:00:00+05:30", "4"]], "line 2: 2026-11-16T15:00:00+05:30 is not the start of an hour in "
                                           "America/New_York"),
])
def test_unreadable_counts_and_hours_are_errors_naming_the_line(tmp_path, rows, problem):
    export(tmp_path / "2026-11-16.csv", ["Hour", "A"], rows)
    with pytest.raises(LogFormatError, match=problem.replace("(", r"\(").replace("+", r"\+")):
        reports.days(query_of(tmp_path))


def test_an_hour_column_without_execution_start_is_counts_and_with_it_calls(tmp_path):
    from apihourly.read.files import open_log

    export(tmp_path / "counts.csv", ["Hour", "A"], [["3:00 PM", 1]])
    export(tmp_path / "calls.csv", ["Execution Start", "Hour", "Vendor"], [["2026-11-16T15:00:00Z", 15, "A"]])
    assert open_log(tmp_path / "counts.csv").kind == schema.COUNTS
    assert open_log(tmp_path / "calls.csv").kind == schema.CALLS


def test_a_date_in_counts_and_in_call_logs_is_an_error_naming_both(tmp_path):
    export(tmp_path / "2026-11-16 summary.csv", ["Hour", "A"], [["3:00 PM", 1]])
    export(tmp_path / "calls.csv", ["Execution Start", "Vendor"], [["2026-11-16T23:00:00Z", "A"]])
    with pytest.raises(ApihourlyError) as caught:
        reports.days(query_of(tmp_path))
    assert str(caught.value) == (
        f"2026-11-16 is in both {tmp_path / '2026-11-16 summary.csv'} (hourly counts) and {tmp_path / 'calls.csv'} "
        "(calls); counting it twice would invent a breach: leave one of them out of --logs")


def test_counts_and_calls_on_different_dates_combine(tmp_path):
    export(tmp_path / "2026-11-15 summary.csv", ["Hour", "A"], [["3:00 PM", 10_001]])
    export(tmp_path / "calls.csv", ["Execution Start", "Vendor"], [["2026-11-16T23:00:00Z", "A"]] * 3)
    query = query_of(tmp_path)
    days = reports.days(query)
    assert list(days.table.rows()) == [("2026-11-15", 10_001, 1, 1, None), ("2026-11-16", 3, 1, 0, 3)]
    assert days.notes == ["Peak rolling hour is empty for 2026-11-15: it has hourly counts only, and the rolling "
                          "60 minutes need each call's time"]
    # A label in both is one integration, whose kind the calls tell.
    heat = reports.summary(query, date(2026, 11, 16))
    assert heat.long.column("kind") == ["vendor"] * 24


def test_two_counts_files_for_one_date_are_an_error_unless_the_same_bytes(tmp_path):
    first = export(tmp_path / "2026-11-16 API Activity by Hour.csv", ["Hour", "A"], [["3:00 PM", 1]])
    (tmp_path / "2026-11-16 API Activity by Hour (1).csv").write_bytes(first.read_bytes())
    days = reports.days(query_of(tmp_path))
    assert days.to_pandas()["Calls"].tolist() == [1]
    assert "a copy of" in days.stats.notices[str(tmp_path / "2026-11-16 API Activity by Hour (1).csv")][0]
    export(tmp_path / "2026-11-16 API Activity by Hour (1).csv", ["Hour", "A"], [["4:00 PM", 1]])
    with pytest.raises(ApihourlyError, match="2026-11-16 is in two hourly counts files"):
        reports.days(query_of(tmp_path))


def test_activity_and_limits_on_a_counts_only_date_say_what_counts_cannot_answer(tmp_path):
    from apihourly.reports.limits import limits_report

    path = export(tmp_path / "2026-11-16.csv", ["Hour", "A"], [["3:00 PM", 1]])
    query = query_of(tmp_path)
    expected = f"2026-11-16 has hourly counts only (from {path}); activity and limits need call logs"
    with pytest.raises(ApihourlyError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        limits_report(query, date(2026, 11, 16))
    slot = reports.summary(query, date(2026, 11, 16)).slots[15]
    with pytest.raises(ApihourlyError, match="activity and limits need call logs"):
        reports.activity(query, date(2026, 11, 16), slot, "A")


def test_hourly_counts_in_parquet_are_one_error_asking_for_csv(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"Hour": ["3:00 PM"], "A": [1]}), tmp_path / "2026-11-16.parquet")
    with pytest.raises(LogFormatError, match="hourly counts, which are read from CSV only, not Parquet; save them"):
        LogSet.open([str(tmp_path)])


def test_rows_of_empty_cells_at_the_end_are_not_hours(tmp_path):
    path = export(tmp_path / "2026-11-16.csv", ["Hour", "A", "Total calls"], [["3:00 PM", 4, 4]])
    path.write_text(path.read_text() + ",,\n,,\n", encoding="utf-8")
    summary = reports.summary(query_of(tmp_path), date(2026, 11, 16))
    assert summary.stats.given == 4 and summary.stats.warned == {}
