"""The limits report and activity's Limit Reason on small logs with
hand-computed expectations."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from fixtures import activity_at
from make_logs import burst, call, utc, write_csv, write_parquet

from apihourly import reports
from apihourly.count import codes
from apihourly.read.scan import LogSet
from apihourly.reports import LimitSettings, Query, check, limits_report
from apihourly.reports.limits import breach_lines

UTC = ZoneInfo("UTC")
DAY = date(2026, 11, 15)


def _query(folder, tz=UTC):
    return Query(LogSet.open([str(folder)]), tz)


def _straddling_burst(n):
    """n calls 0.35 s apart from 13:30:00: 10,001 of them end at 14:28:20.000,
    5,143 in the 13:00 clock hour and 4,858 in the 14:00 one."""
    return burst(utc(2026, 11, 15, 13, 30), n, timedelta(seconds=0.35), vendor="V")


def test_burst_of_10001_straddling_two_clock_hours_is_a_rolling_breach(logdir):
    write_csv(logdir / "a.csv", _straddling_burst(10_001))
    query = _query(logdir)
    hourly = reports.summary(query, DAY).to_pandas()["V"]
    assert hourly[13] == 5_143 and hourly[14] == 4_858
    report = limits_report(query, DAY, LimitSettings())
    assert report.meta["peak"] == 10_001
    assert report.meta["peak_at"] == "2026-11-15T14:28:20.000+00:00"
    assert report.meta["peak_window_start"] == "2026-11-15T13:28:20.000+00:00"
    assert report.to_pandas()["First reached"].tolist() == [
        "2026-11-15T13:59:09.650+00:00",  # call 5,000: 4,999 x 0.35 s after 13:30
        "2026-11-15T14:13:44.650+00:00",  # call 7,500: 7,499 x 0.35 s
        "2026-11-15T14:28:20.000+00:00",  # call 10,001: 10,000 x 0.35 s
    ]
    assert report.breaches == [{"kind": "rolling", "calls": 10_001, "limit": 10_000,
                                "first_at": "2026-11-15T14:28:20.000+00:00", "peak_at": "2026-11-15T14:28:20.000+00:00",
                                "message": "rolling 60-minute count reached 10,001, over 10,000, "
                                           "first at 2026-11-15T14:28:20.000+00:00"}]


def test_exactly_10000_in_the_window_is_not_a_breach(logdir):
    write_csv(logdir / "a.csv", _straddling_burst(10_000))
    report = limits_report(_query(logdir), DAY, LimitSettings())
    assert report.meta["peak"] == 10_000
    assert report.to_pandas()["First reached"].tolist()[2] == ""
    assert report.to_pandas()["Minutes"].tolist()[2] == 0
    assert report.breaches == []


def test_windows_that_start_the_day_before_count(logdir):
    # 6,000 calls from 23:30 on the 14th (0.25 s apart, done by 23:54:59.75),
    # then 4,001 from 00:00 on the 15th: the 4,001st (00:16:40.000) is call 10,001.
    rows = (burst(utc(2026, 11, 14, 23, 30), 6_000, timedelta(seconds=0.25), vendor="A")
            + burst(utc(2026, 11, 15), 4_001, timedelta(seconds=0.25), vendor="B"))
    write_parquet(logdir / "a.parquet", rows, row_group_size=1_000)
    report = limits_report(_query(logdir), DAY, LimitSettings())
    assert report.meta["calls"] == 4_001
    assert report.meta["peak"] == 10_001
    assert report.to_pandas()["First reached"].tolist()[2] == "2026-11-15T00:16:40.000+00:00"
    peak = report.parts["peak"].to_pandas()
    assert peak.to_dict(orient="list") == {"Integration": ["A", "B"], "Calls": [6_000, 4_001],
                                           "Share (%)": [60.0, 40.0]}


def _thread_logs(folder):
    """Datto on Tickets: 4 calls in flight from 10:00:00.300 to 10:00:01.000;
    Datto on Companies: 3 at once; Acme on Tickets: 2 plus 1 without duration."""
    start = utc(2026, 11, 15, 10)
    rows = (burst(start, 4, timedelta(milliseconds=100), vendor="Datto", entity="Tickets", execution_ms=1000)
            + burst(start, 3, timedelta(milliseconds=100), vendor="Datto", entity="Companies", execution_ms=1000)
            + burst(start, 2, timedelta(milliseconds=100), vendor="Acme", execution_ms=1000)
            + [call("2026-11-15T10:00:00.500Z", vendor="Acme", execution_ms="")])
    write_csv(folder / "a.csv", rows)
    return _query(folder)


def test_limits_report_lists_threads_per_integration_and_entity(logdir):
    report = limits_report(_thread_logs(logdir), DAY, LimitSettings())
    assert report.parts["threads"].records() == [
        {"Integration": "Datto", "Entity": "Tickets", "Calls": 4, "Without duration": 0, "Max in flight": 4,
         "Times over": 1, "First over": "2026-11-15T10:00:00.300+00:00"},
        {"Integration": "Acme", "Entity": "Tickets", "Calls": 3, "Without duration": 1, "Max in flight": 3,
         "Times over": 0, "First over": ""},
        {"Integration": "Datto", "Entity": "Companies", "Calls": 3, "Without duration": 0, "Max in flight": 3,
         "Times over": 0, "First over": ""},
    ]
    assert report.parts["intervals"].records() == [
        {"Integration": "Datto", "Entity": "Tickets", "Start": "2026-11-15T10:00:00.300+00:00",
         "End": "2026-11-15T10:00:01.000+00:00", "Max in flight": 4}]
    assert report.meta["calls_without_duration"] == 1
    assert report.breaches == [{"kind": "threads", "integration": "Datto", "entity": "Tickets", "stretches": 1,
                                "max_in_flight": 4, "limit": 3, "first_at": "2026-11-15T10:00:00.300+00:00",
                                "message": "Datto on Tickets had more than 3 calls in flight 1 time, "
                                           "first at 2026-11-15T10:00:00.300+00:00"}]
    assert breach_lines(report.breaches) == ["1 stretch with more than 3 calls in flight, first Datto on Tickets "
                                             "at 2026-11-15T10:00:00.300+00:00"]


def test_max_threads_setting_moves_the_limit(logdir):
    query = _thread_logs(logdir)
    assert check(query, reports.day_window(DAY, UTC), LimitSettings(max_threads=4)) == []
    report = limits_report(query, DAY, LimitSettings(max_threads=2))
    assert report.parts["threads"].column("Times over") == [1, 1, 1]


def test_activity_limit_reason_names_threads_and_hourly(logdir):
    query = _thread_logs(logdir)
    frame = activity_at(query, DAY, "10", "Datto").to_pandas()
    assert frame["Limit Reason"].tolist() == ["", "", "", "", "", "", "threads"]
    assert frame["Entity"].tolist()[-1] == "Tickets"
    over = activity_at(Query(query.logs, UTC, threshold=6), DAY, "10", "Datto").to_pandas()
    assert over["Limit Reason"].tolist() == ["hourly"] * 6 + ["hourly+threads"]


@pytest.mark.parametrize("tz, minutes", [("UTC", 1440), ("America/New_York", 1500)])
def test_minute_series_follows_the_local_day(logdir, tz, minutes):
    write_csv(logdir / "a.csv", [call("2026-11-01T12:00:00Z", vendor="A")])
    report = limits_report(_query(logdir, ZoneInfo(tz)), date(2026, 11, 1), LimitSettings())
    series = report.parts["minutes"]
    assert len(series) == minutes
    assert sum(series.column("Rolling calls")) == 60


def test_many_distinct_names_fall_back_to_unpacked_codes(logdir, monkeypatch):
    query = _thread_logs(logdir)
    packed = limits_report(query, DAY, LimitSettings()).parts["threads"]
    monkeypatch.setattr(codes, "PACK_LIMIT", 1)
    assert limits_report(query, DAY, LimitSettings()).parts["threads"] == packed


def test_counted_and_hashed_codes_agree(logdir, monkeypatch):
    query = _thread_logs(logdir)
    counted = limits_report(query, DAY, LimitSettings()).parts["threads"]
    monkeypatch.setattr(codes, "DENSE_LIMIT", 0)
    assert limits_report(query, DAY, LimitSettings()).parts["threads"] == counted
