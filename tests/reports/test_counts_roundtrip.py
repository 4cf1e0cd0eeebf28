"""A round trip that must hold: for any logs, `summary --csv` of a date,
read back as hourly counts, gives the same summary, totals and days."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_logs import call, iso_z, write_csv

from apihourly import reports
from apihourly.output.export import csv_pieces
from apihourly.read.canonical import TimeRules
from apihourly.read.scan import LogSet
from apihourly.reports import Query

ORIGIN = datetime(2026, 10, 31, tzinfo=timezone.utc)  # New York falls back on 2026-11-01
SOURCES = [dict(vendor="Acme"), dict(integration="Acme"), dict(tracking_id="T-1"), dict(integration="Unknown"),
           dict(), dict(vendor="Zed"), dict(vendor="=SUM(A1)"), dict(vendor="'=x"), dict(vendor="Hour"),
           dict(integration="Custom"), dict(vendor="Total calls")]

calls = st.lists(st.tuples(st.integers(0, 3 * 86_400 - 1), st.sampled_from(range(len(SOURCES)))),
                 min_size=1, max_size=80)


def open_query(folder, zone: ZoneInfo, threshold: int) -> Query:
    return Query(LogSet.open([str(folder)], TimeRules(display_tz=zone)), zone, threshold)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=calls, tz=st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]),
       threshold=st.integers(0, 4))
def test_summary_csv_read_back_as_counts_gives_the_same_reports(tmp_path_factory, calls, tz, threshold):
    logs, again = tmp_path_factory.mktemp("logs"), tmp_path_factory.mktemp("counts")
    write_csv(logs / "calls.csv", [call(iso_z(ORIGIN + timedelta(seconds=s)), **SOURCES[i]) for s, i in calls])
    zone = ZoneInfo(tz)
    original = open_query(logs, zone, threshold)
    days = reports.days(original)
    for day in [datetime.fromisoformat(d).date() for d in days.table.column("Date")]:
        summary = reports.summary(original, day)
        (again / f"{day} summary.csv").write_text("".join(csv_pieces(summary.table)), encoding="utf-8")
        counted = open_query(again / f"{day} summary.csv", zone, threshold)

        assert reports.summary(counted, day).table == summary.table
        assert without_kind(reports.totals(counted, day).table) == without_kind(reports.totals(original, day).table)
        row = days.table.column("Date").index(day.isoformat())
        back = reports.days(counted)
        assert list(back.table.rows()) == [(*list(days.table.rows())[row][:4], None)]


def without_kind(table) -> list[tuple]:
    """Totals rows less the Kind, which counts know only for Custom and Unknown."""
    kind = table.names.index("Kind")
    return [row[:kind] + row[kind + 1:] for row in table.rows()]
