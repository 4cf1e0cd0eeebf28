"""summary and totals on logs whose every number is known_query: exact counts,
the Grand total, empty dates, offsets, and both daylight-saving days."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from fixtures import COLUMN_ORDER, EXPECTED, activity_at
from make_logs import burst, call, utc, write_csv, write_parquet

from apihourly import reports
from apihourly.read.scan import LogSet
from apihourly.reports import Query

UTC = ZoneInfo("UTC")
NY = ZoneInfo("America/New_York")
DAY = date(2026, 11, 15)


def test_summary_has_every_hour_and_exact_counts_per_category(known_query):
    report = reports.summary(known_query, DAY)
    frame = report.to_pandas()
    assert list(frame.columns) == ["Hour", *COLUMN_ORDER, "Total calls"]
    assert len(frame) == 24
    assert frame["Hour"][14] == "2026-11-15T14:00:00+00:00"
    for label, hours in EXPECTED.items():
        expected = [hours.get(h, 0) for h in range(24)]
        assert frame[label].tolist() == expected, label
    assert frame["Total calls"][14] == 10_006
    assert frame["Total calls"].sum() == 17_516 == report.stats.rows


def test_latest_day_is_the_default(known_query):
    assert reports.latest_day(known_query) == DAY


def test_totals_sorted_by_calls_with_peak_hours_and_grand_total(known_query):
    frame = reports.totals(known_query, DAY).to_pandas()
    assert frame.to_dict(orient="records")[:2] == [
        {"Integration": "Datto RMM", "Kind": "vendor", "Calls": 10_001, "Peak hour": "2026-11-15T14:00:00+00:00",
         "Peak hour calls": 10_001, "Hours over limit": 1},
        {"Integration": "IT Glue", "Kind": "vendor", "Calls": 7_500, "Peak hour": "2026-11-15T09:00:00+00:00",
         "Peak hour calls": 7_500, "Hours over limit": 0},
    ]
    assert frame["Integration"].tolist() == ["Datto RMM", "IT Glue", "Unknown", "TRK-1", "Acme",
                                             "Acme (custom)", "Unknown (custom)", "Grand total"]
    assert frame["Kind"].tolist()[2:7] == ["unknown", "custom", "vendor", "custom", "custom"]
    grand = frame.iloc[-1].to_dict()
    assert grand == {"Integration": "Grand total", "Kind": "", "Calls": 17_516,
                     "Peak hour": "2026-11-15T14:00:00+00:00", "Peak hour calls": 10_006, "Hours over limit": 1}


def test_threshold_is_strictly_more_than(known_query):
    at_limit = Query(known_query.logs, UTC, threshold=10_001)
    assert reports.totals(at_limit, DAY).to_pandas().iloc[-1]["Hours over limit"] == 0
    assert reports.totals(Query(known_query.logs, UTC, threshold=10_000), DAY).to_pandas().iloc[-1]["Hours over limit"] == 1


def test_empty_day_is_a_report_that_names_the_nearest_days(known_query):
    report = reports.summary(known_query, date(2026, 11, 20))
    assert report.to_pandas()["Total calls"].sum() == 0 and len(report.to_pandas()) == 24
    assert report.notes == ["no activity on 2026-11-20; nearest dates with activity: 2026-11-15"]
    report = reports.totals(known_query, date(2026, 11, 1))
    assert report.notes == ["no activity on 2026-11-01; nearest dates with activity: 2026-11-14"]


def test_offsets_are_honoured_and_naive_times_are_utc(logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T09:30:00-05:00", vendor="V"),
                                 call("2026-11-15 14:45:00", vendor="V"),
                                 call("2026-11-15T20:15:00+05:30", vendor="V")])
    frame = reports.summary(Query(LogSet.open([str(logdir)]), UTC), DAY).to_pandas()
    assert frame["V"][14] == 3


def _dst_logs(logdir):
    rows = (burst(utc(2026, 3, 8, 6, 30), 2, vendor="V")      # 01:30 EST
            + burst(utc(2026, 3, 8, 7, 30), 3, vendor="V")    # 03:30 EDT
            + burst(utc(2026, 11, 1, 5, 30), 4, vendor="V")   # 01:30 EDT
            + burst(utc(2026, 11, 1, 6, 30), 5, vendor="V"))  # 01:30 EST
    write_parquet(logdir / "dst.parquet", rows[:7])
    write_csv(logdir / "dst.csv", rows[7:])
    return Query(LogSet.open([str(logdir)]), NY)


def test_spring_forward_summary_has_23_rows(logdir):
    frame = reports.summary(_dst_logs(logdir), date(2026, 3, 8)).to_pandas()
    assert len(frame) == 23
    assert frame.set_index("Hour")["V"].to_dict()["2026-03-08T01:00:00-05:00"] == 2
    assert frame.set_index("Hour")["V"].to_dict()["2026-03-08T03:00:00-04:00"] == 3
    assert frame["Total calls"].sum() == 5


def test_fall_back_summary_has_two_1am_rows_and_iso_hour_drills_into_the_second(logdir):
    query = _dst_logs(logdir)
    frame = reports.summary(query, date(2026, 11, 1)).to_pandas()
    assert len(frame) == 25
    assert frame["V"][1:3].tolist() == [4, 5]
    assert frame["Hour"][1:3].tolist() == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"]
    second = activity_at(query, None, "2026-11-01T01:00:00-05:00", "V").to_pandas()
    assert len(second) == 5
    assert second["Execution Start"].iloc[0] == "2026-11-01T01:30:00.000-05:00"
    days = reports.days(query).to_pandas()
    assert days[["Date", "Calls"]].values.tolist() == [["2026-03-08", 5], ["2026-11-01", 9]]


def test_a_30_minute_zone_buckets_by_local_hour(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 3, 25), 10, timedelta(minutes=1), vendor="V"))
    frame = reports.summary(Query(LogSet.open([str(logdir)]), ZoneInfo("Asia/Kolkata")), DAY).to_pandas()
    # 03:25-03:34 UTC is 08:55-09:04 IST: 5 calls at 08:xx, 5 at 09:xx
    assert frame["V"][8] == 5 and frame["V"][9] == 5
