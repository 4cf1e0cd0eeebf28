from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import burst, call, utc, write_csv, write_parquet
from fixtures import COLUMN_ORDER, EXPECTED, build_known_day

from apihourly import reports
from apihourly.errors import NoSuchCell
from apihourly.load import LogSet
from apihourly.reports import Query

UTC = ZoneInfo("UTC")
NY = ZoneInfo("America/New_York")
DAY = date(2026, 11, 15)


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    folder = build_known_day(tmp_path_factory.mktemp("known"))
    return Query(LogSet.open([str(folder)]), UTC)


def test_summary_has_every_hour_and_exact_counts_per_category(known):
    report = reports.summary(known, DAY)
    frame = report.frame
    assert list(frame.columns) == ["Hour", *COLUMN_ORDER, "Total calls"]
    assert len(frame) == 24
    assert frame["Hour"][14] == "2026-11-15T14:00:00+00:00"
    for label, hours in EXPECTED.items():
        expected = [hours.get(h, 0) for h in range(24)]
        assert frame[label].tolist() == expected, label
    assert frame["Total calls"][14] == 10_006
    assert frame["Total calls"].sum() == 17_516 == report.stats.rows


def test_latest_day_is_the_default(known):
    assert reports.latest_day(known) == DAY


def test_totals_sorted_by_calls_with_peak_hours_and_grand_total(known):
    frame = reports.totals(known, DAY).frame
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


def test_threshold_is_strictly_more_than(known):
    at_limit = Query(known.logs, UTC, threshold=10_001)
    assert reports.totals(at_limit, DAY).frame.iloc[-1]["Hours over limit"] == 0
    assert reports.totals(Query(known.logs, UTC, threshold=10_000), DAY).frame.iloc[-1]["Hours over limit"] == 1


def test_days_lists_each_date_with_calls_integrations_and_hours_over(known):
    frame = reports.days(known).frame
    assert frame.to_dict(orient="records") == [
        {"Date": "2026-11-14", "Calls": 6, "Integrations": 1, "Hours over limit": 0, "Peak rolling hour": 6},
        # Datto RMM's 10,001 calls end at 14:50, after Acme's 3 and the custom Acme's 2
        {"Date": "2026-11-15", "Calls": 17_516, "Integrations": 7, "Hours over limit": 1,
         "Peak rolling hour": 10_006},
    ]


def test_activity_drills_into_one_cell_sorted_with_threshold_flag(known):
    report = reports.activity(known, DAY, "14", "datto rmm")
    frame = report.frame
    assert len(frame) == 10_001
    assert list(frame.columns) == list(reports.ACTIVITY_COLUMNS)
    assert frame["Threshold Exceeded"].all()
    assert frame["Integration Name"].unique().tolist() == ["Datto RMM"]
    assert frame["Execution Start"].iloc[0] == "2026-11-15T14:00:00.000+00:00"
    assert frame["Execution Start"].is_monotonic_increasing
    assert frame["Entity"].iloc[0] == "Devices"
    assert frame["Request Return Count"].iloc[0] == 1


def test_activity_for_custom_and_unknown_columns(known):
    custom = reports.activity(known, DAY, "2PM", "Acme (custom)").frame
    assert len(custom) == 2 and not custom["Threshold Exceeded"].any()
    assert reports.activity(known, DAY, "23:00", "unknown").frame.shape[0] == 5
    assert reports.activity(known, DAY, "20", "Unknown (custom)").frame.shape[0] == 1


def test_activity_with_a_label_without_calls_lists_the_labels_that_have_some(known):
    with pytest.raises(NoSuchCell, match=r"'IT Glue' at 2026-11-15T14:00:00\+00:00.*Datto RMM \(10,001\), Acme \(3\)"):
        reports.activity(known, DAY, "14", "IT Glue")


def test_empty_day_is_a_report_that_names_the_nearest_days(known):
    report = reports.summary(known, date(2026, 11, 20))
    assert report.frame["Total calls"].sum() == 0 and len(report.frame) == 24
    assert report.notes == ["no activity on 2026-11-20; nearest dates with activity: 2026-11-15"]
    report = reports.totals(known, date(2026, 11, 1))
    assert report.notes == ["no activity on 2026-11-01; nearest dates with activity: 2026-11-14"]


def test_offsets_are_honoured_and_naive_times_are_utc(logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T09:30:00-05:00", vendor="V"),
                                 call("2026-11-15 14:45:00", vendor="V"),
                                 call("2026-11-15T20:15:00+05:30", vendor="V")])
    frame = reports.summary(Query(LogSet.open([str(logdir)]), UTC), DAY).frame
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
    frame = reports.summary(_dst_logs(logdir), date(2026, 3, 8)).frame
    assert len(frame) == 23
    assert frame.set_index("Hour")["V"].to_dict()["2026-03-08T01:00:00-05:00"] == 2
    assert frame.set_index("Hour")["V"].to_dict()["2026-03-08T03:00:00-04:00"] == 3
    assert frame["Total calls"].sum() == 5


def test_fall_back_summary_has_two_1am_rows_and_iso_hour_drills_into_the_second(logdir):
    query = _dst_logs(logdir)
    frame = reports.summary(query, date(2026, 11, 1)).frame
    assert len(frame) == 25
    assert frame["V"][1:3].tolist() == [4, 5]
    assert frame["Hour"][1:3].tolist() == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"]
    second = reports.activity(query, None, "2026-11-01T01:00:00-05:00", "V").frame
    assert len(second) == 5
    assert second["Execution Start"].iloc[0] == "2026-11-01T01:30:00.000-05:00"
    days = reports.days(query).frame
    assert days[["Date", "Calls"]].values.tolist() == [["2026-03-08", 5], ["2026-11-01", 9]]


def test_a_30_minute_zone_buckets_by_local_hour(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 3, 25), 10, timedelta(minutes=1), vendor="V"))
    frame = reports.summary(Query(LogSet.open([str(logdir)]), ZoneInfo("Asia/Kolkata")), DAY).frame
    # 03:25-03:34 UTC is 08:55-09:04 IST: 5 calls at 08:xx, 5 at 09:xx
    assert frame["V"][8] == 5 and frame["V"][9] == 5


def test_activity_of_every_category_marks_only_the_calls_of_the_category_over_the_limit(known):
    frame = reports.activity(known, DAY, "14", None).frame
    assert len(frame) == 10_006
    assert frame.groupby("Integration Name")["Threshold Exceeded"].agg(["size", "all", "any"]).to_dict("index") == {
        "Acme": {"size": 3, "all": False, "any": False},
        "Acme (custom)": {"size": 2, "all": False, "any": False},
        "Datto RMM": {"size": 10_001, "all": True, "any": True},
    }
    assert frame["Execution Start"].is_monotonic_increasing


def test_activity_of_every_category_in_an_empty_hour_says_so(known):
    with pytest.raises(NoSuchCell, match=r"^no calls at 2026-11-15T05:00:00\+00:00$"):
        reports.activity(known, DAY, "5", None)


def test_rolling_peaks_are_the_same_read_in_runs_of_days(logdir, monkeypatch):
    rows = []
    for day in range(1, 6):  # each day: a burst of 40 + day calls inside ten minutes, and a quiet call
        rows += burst(utc(2026, 11, day, 12), 40 + day, timedelta(seconds=15), vendor="V")
        rows += [call(f"2026-11-0{day}T20:00:00Z", vendor="V")]
    # 20 calls before midnight, 10 after: 2026-11-06 peaks at 30, with the day before
    rows += burst(utc(2026, 11, 5, 23, 50), 30, timedelta(seconds=30), vendor="W")
    write_csv(logdir / "a.csv", rows)
    query = Query(LogSet.open([str(logdir)]), UTC)
    whole = reports.days(query).frame["Peak rolling hour"].tolist()
    monkeypatch.setattr(reports, "PEAK_RUN_CALLS", 50)
    assert reports.days(query).frame["Peak rolling hour"].tolist() == whole == [41, 42, 43, 44, 45, 30]
    assert reports._runs_of_days([(date(2026, 11, d), 42) for d in range(1, 4)], 50) == [
        [date(2026, 11, 1)], [date(2026, 11, 2)], [date(2026, 11, 3)]]
