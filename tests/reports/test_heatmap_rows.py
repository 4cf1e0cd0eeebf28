"""The heat map's long form: a row per local hour of every date with calls,
clock changes included, one integration or all, and its range in meta."""

import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from clock_change import THRESHOLD, ZONE, build_clock_change_range
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_logs import call, iso_z, write_csv

from apihourly import reports
from apihourly.errors import ApihourlyError
from apihourly.read.scan import LogSet
from apihourly.reports import Query, heatmap_report
from apihourly.reports.hourly import count_day
from apihourly.schema import column_labels

NY = ZoneInfo(ZONE)


@pytest.fixture(scope="module")
def query(tmp_path_factory):
    folder = build_clock_change_range(tmp_path_factory.mktemp("clocks"))
    return Query(LogSet.open([str(folder)]), NY, THRESHOLD)


def _quiet(day: str, offset: str, hours) -> list[tuple]:
    return [(day, f"{day}T{h:02d}:00:00{offset}", h, 0, None, 0, False) for h in hours]


def test_a_fall_back_day_has_25_rows_and_its_two_1_am_hours_apart(query):
    rows = list(heatmap_report(query, date(2026, 11, 1), date(2026, 11, 1)).table.rows())
    day = "2026-11-01"
    assert rows == [
        (day, "2026-11-01T00:00:00-04:00", 0, 0, None, 0, False),
        (day, "2026-11-01T01:00:00-04:00", 1, 3, "Datto RMM", 3, False),
        (day, "2026-11-01T01:00:00-05:00", 1, 6, "Datto RMM", 4, False),
        *_quiet(day, "-05:00", range(2, 10)),
        # a tie of 12 and 12 goes to the summary's column order; either is over 10
        (day, "2026-11-01T10:00:00-05:00", 10, 24, "Datto RMM", 12, True),
        *_quiet(day, "-05:00", range(11, 24)),
    ]


def test_a_spring_forward_day_has_23_rows_and_no_2_am(query):
    rows = list(heatmap_report(query, until=date(2026, 3, 8)).table.rows())
    day = "2026-03-08"
    assert rows == [*_quiet(day, "-05:00", [0, 1]), *_quiet(day, "-04:00", range(3, 11)),
                    (day, "2026-03-08T11:00:00-04:00", 11, 2, "Acme", 2, False),
                    *_quiet(day, "-04:00", range(12, 24))]


def test_only_dates_with_calls_have_rows_and_meta_names_the_range(query):
    report = heatmap_report(query, date(2026, 10, 25), date(2026, 11, 4))
    dates = Counter(report.table.column("Date"))
    assert dates == {"2026-10-31": 24, "2026-11-01": 25, "2026-11-03": 24}
    assert report.covers == {"since": "2026-10-25", "until": "2026-11-04", "integration": None}
    assert report.meta == {"calls": 39} and (report.tz.key, report.threshold) == (ZONE, THRESHOLD)
    assert report.title == "API calls by hour of day, from 2026-10-25 to 2026-11-04"
    assert [r for r in report.table.rows() if r[3]] == [
        ("2026-10-31", "2026-10-31T10:00:00-04:00", 10, 5, "Datto RMM", 5, False),
        ("2026-11-01", "2026-11-01T01:00:00-04:00", 1, 3, "Datto RMM", 3, False),
        ("2026-11-01", "2026-11-01T01:00:00-05:00", 1, 6, "Datto RMM", 4, False),
        ("2026-11-01", "2026-11-01T10:00:00-05:00", 10, 24, "Datto RMM", 12, True),
        ("2026-11-03", "2026-11-03T09:00:00-05:00", 9, 1, "Acme", 1, False),
    ]


def test_open_ends_run_from_the_first_and_to_the_last_date_with_calls(query):
    since = heatmap_report(query, since=date(2026, 10, 1))
    assert (since.covers["since"], since.covers["until"]) == ("2026-10-01", "2026-11-03")
    assert sorted(set(since.table.column("Date"))) == ["2026-10-31", "2026-11-01", "2026-11-03"]
    until = heatmap_report(query, until=date(2026, 10, 31))
    assert (until.covers["since"], until.covers["until"]) == ("2026-03-08", "2026-10-31")
    assert sorted(set(until.table.column("Date"))) == ["2026-03-08", "2026-10-31"]


def test_a_vendor_focus_counts_that_integration_alone_in_any_case(query):
    report = heatmap_report(query, date(2026, 10, 31), date(2026, 11, 3), vendor="  it glue ")
    assert report.covers["integration"] == "IT Glue" and report.meta["calls"] == 14
    assert report.title == "API calls by hour of day, from 2026-10-31 to 2026-11-03, IT Glue"
    assert set(report.table.column("Date")) == {"2026-11-01"}  # its only date with calls
    assert [r for r in report.table.rows() if r[3]] == [
        ("2026-11-01", "2026-11-01T01:00:00-05:00", 1, 2, "IT Glue", 2, False),
        ("2026-11-01", "2026-11-01T10:00:00-05:00", 10, 12, "IT Glue", 12, True),
    ]


def test_a_vendor_without_calls_in_the_range_is_an_error_naming_those_with_calls(query):
    with pytest.raises(ApihourlyError) as caught:
        heatmap_report(query, date(2026, 11, 3), date(2026, 11, 3), vendor="Datto RMM")
    assert str(caught.value) == ("no calls for 'Datto RMM' on 2026-11-03; "
                                 "integrations with calls: Acme (1)")
    assert "summary columns" in caught.value.hint


def test_a_range_without_calls_is_empty_with_a_note(query):
    report = heatmap_report(query, date(2026, 6, 1), date(2026, 6, 30))
    assert len(report.table) == 0 and report.meta["calls"] == 0
    assert report.notes == ["no calls from 2026-06-01 to 2026-06-30"]


def test_json_keys_are_declared_with_the_columns(query):
    table = heatmap_report(query, date(2026, 11, 3), date(2026, 11, 3)).table
    assert [c.key for c in table.columns] == ["date", "hour_start", "hour_of_day", "calls", "busiest_integration",
                                             "busiest_calls", "over"]


def test_ten_years_with_two_calls_cost_two_dates(logdir):
    write_csv(logdir / "a.csv", [call("2016-11-15T10:00:00Z", vendor="V"), call("2026-11-15T10:00:00Z", vendor="V")])
    query = Query(LogSet.open([str(logdir)]), ZoneInfo("UTC"))
    began = time.perf_counter()
    report = heatmap_report(query, date(2016, 1, 1), date(2026, 12, 31))
    assert time.perf_counter() - began < 10  # well under a second alone
    assert len(report.table) == 48
    assert [r for r in report.table.rows() if r[3]] == [
        ("2016-11-15", "2016-11-15T10:00:00+00:00", 10, 1, "V", 1, False),
        ("2026-11-15", "2026-11-15T10:00:00+00:00", 10, 1, "V", 1, False)]


ORIGIN = datetime(2026, 10, 31, tzinfo=timezone.utc)  # New York falls back on 2026-11-01
SOURCES = [dict(vendor="Acme"), dict(integration="Acme"), dict(tracking_id="T-1"), dict(), dict(vendor=" acme ")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=st.lists(st.tuples(st.integers(0, 3 * 86_400 - 1), st.sampled_from(range(len(SOURCES)))),
                      min_size=1, max_size=40),
       tz=st.sampled_from(["UTC", ZONE, "Asia/Kolkata"]), threshold=st.integers(0, 3))
def test_each_dates_hours_are_its_summarys_rows(tmp_path_factory, calls, tz, threshold):
    """Calls, Busiest calls and Over limit of every row are the summary's
    for that hour, for all integrations and for each one focused. Labels
    are the range's: the custom Acme is 'Acme (custom)' on every date when
    the vendor Acme has calls on any, though a day's summary without the
    vendor calls it 'Acme'; so columns are matched by integration."""
    folder = tmp_path_factory.mktemp("gen")
    write_csv(folder / "a.csv", [call(iso_z(ORIGIN + timedelta(seconds=s)), **SOURCES[i]) for s, i in calls])
    query = Query(LogSet.open([str(folder)]), ZoneInfo(tz), threshold)
    whole = heatmap_report(query, date(2026, 10, 30), date(2026, 11, 3))
    days = {d: count_day(query, date.fromisoformat(d)) for d in set(whole.table.column("Date"))}
    summaries = {d: reports.summary(query, date.fromisoformat(d)) for d in days}
    by_hour = {row["Hour"]: (d, row) for d, s in summaries.items() for row in s.table.records()}
    for row in whole.table.records():
        day, hour = by_hour[row["Hour"]]
        counts = [hour[label] for label in summaries[day].categories]
        assert (row["Calls"], row["Busiest calls"], row["Over limit"]) == (
            hour["Total calls"], max(counts), max(counts) > threshold)
    assert whole.meta["calls"] == len(calls)
    range_labels = column_labels({c for grid in days.values() for c in grid.categories.values()})
    for category, label in range_labels.items():
        focused = heatmap_report(query, date(2026, 10, 30), date(2026, 11, 3), vendor=label)
        for row in focused.table.records():
            day, hour = by_hour[row["Hour"]]
            column = {c: lab for lab, c in days[day].categories.items()}.get(category)
            assert row["Calls"] == (hour[column] if column else 0)
            assert row["Over limit"] == (row["Calls"] > threshold)
        assert focused.meta["calls"] == sum(sum(hours[j] for hours in grid.calls)
                                            for grid in days.values() for j, lab in enumerate(grid.labels)
                                            if grid.categories[lab] == category)
