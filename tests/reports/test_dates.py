"""days: calls, integrations and hours over the limit per date, and each
date's peak rolling hour, however the dates are read in runs."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from make_logs import burst, call, utc, write_csv

from apihourly import reports
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.reports import dates as dates_report

UTC = ZoneInfo("UTC")


def test_days_lists_each_date_with_calls_integrations_and_hours_over(known_query):
    frame = reports.days(known_query).to_pandas()
    assert frame.to_dict(orient="records") == [
        {"Date": "2026-11-14", "Calls": 6, "Integrations": 1, "Hours over limit": 0, "Peak rolling hour": 6},
        # Datto RMM's 10,001 calls end at 14:50, after Acme's 3 and the custom Acme's 2
        {"Date": "2026-11-15", "Calls": 17_516, "Integrations": 7, "Hours over limit": 1,
         "Peak rolling hour": 10_006},
    ]


def test_rolling_peaks_of_each_day_include_the_day_before_across_midnight(logdir):
    rows = []
    for day in range(1, 6):  # each day: a burst of 40 + day calls inside ten minutes, and a quiet call
        rows += burst(utc(2026, 11, day, 12), 40 + day, timedelta(seconds=15), vendor="V")
        rows += [call(f"2026-11-0{day}T20:00:00Z", vendor="V")]
    # 20 calls before midnight, 10 after: 2026-11-06 peaks at 30, with the day before
    rows += burst(utc(2026, 11, 5, 23, 50), 30, timedelta(seconds=30), vendor="W")
    write_csv(logdir / "a.csv", rows)
    query = Query(LogSet.open([str(logdir)]), UTC)
    assert reports.days(query).to_pandas()["Peak rolling hour"].tolist() == [41, 42, 43, 44, 45, 30]


def test_days_report_peak_rolling_hour_within_since_and_until(logdir):
    rows = (burst(utc(2026, 11, 14, 23, 30), 6, timedelta(minutes=5), vendor="A")   # 23:30..23:55
            + burst(utc(2026, 11, 15, 0, 10), 3, timedelta(minutes=1), vendor="A")  # 00:10..00:12
            + burst(utc(2026, 11, 16, 12), 2, vendor="A"))
    write_csv(logdir / "a.csv", rows)
    query = Query(LogSet.open([str(logdir)]), UTC)
    frame = reports.days(query).to_pandas()
    assert frame[["Date", "Calls", "Peak rolling hour"]].values.tolist() == [
        ["2026-11-14", 6, 6], ["2026-11-15", 3, 9], ["2026-11-16", 2, 2]]
    # at 00:12 on the 15th the window (23:12, 00:12] holds all 6 calls of the 14th and 3 -> 9
    ranged = reports.days(query, date(2026, 11, 15), date(2026, 11, 15)).to_pandas()
    assert ranged[["Date", "Calls", "Peak rolling hour"]].values.tolist() == [["2026-11-15", 3, 9]]
    assert reports.days(query, since=date(2026, 11, 16)).to_pandas()["Date"].tolist() == ["2026-11-16"]
    assert reports.days(query, until=date(2026, 11, 14)).to_pandas()["Date"].tolist() == ["2026-11-14"]


@pytest.mark.parametrize("extra", [[], ["--fail-on-breach"]])
def test_two_calls_ten_years_apart_cost_their_calls_not_the_years(logdir, extra):
    """Memory and time follow the calls and their dates: once 5 GB and 10 s."""
    import subprocess
    import sys
    import time

    write_csv(logdir / "a.csv", [call("2016-11-15T10:00:00Z", vendor="V"), call("2026-11-15T10:00:00Z", vendor="V")])
    argv = ["apihourly", "days", "--logs", str(logdir / "a.csv"), "--tz", "UTC", "--csv", *extra]
    # The child's own peak (VmHWM of its memory map): wait4's ru_maxrss would
    # carry the test runner's memory over through fork and exec.
    code = (f"import sys; from apihourly.cli import main; sys.argv = {argv!r}\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(peak, file=sys.stderr)")
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    took = time.perf_counter() - began
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["2016-11-15,1,1,0,1", "2026-11-15,1,1,0,1"]
    assert int(done.stderr.split()[-1]) < 200 * 1024  # KB: about 95 MB, most of it pyarrow itself
    assert took < 10  # generous: a second or two on a loaded machine, about ten before


@pytest.mark.parametrize("tz", ["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Kiritimati", "America/New_York"])
def test_dates_with_calls_are_the_dates_the_counts_find(known_logs, tz):
    query = Query(LogSet.open([str(known_logs)]), ZoneInfo(tz))
    assert dates_report.dates_with_calls(query) == reports.model.activity_days(query)


def test_dates_with_calls_place_each_call_on_its_local_date(logdir):
    write_csv(logdir / "a.csv", [call("2026-11-14T18:29:59Z"), call("2026-11-14T18:30:00Z"),
                                 call("2026-11-16T05:00:00Z")])
    query = Query(LogSet.open([str(logdir)]), ZoneInfo("Asia/Kolkata"))  # +05:30
    assert dates_report.dates_with_calls(query) == [date(2026, 11, 14), date(2026, 11, 15), date(2026, 11, 16)]
