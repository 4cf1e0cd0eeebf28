"""Invariants on generated logs: the reports reconcile with each other and
with an independent count of the calls."""

from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from fixtures import activity_at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_logs import call, iso_z, write_csv, write_parquet

from apihourly import reports
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.timeaxis import parse_date

ORIGIN = datetime(2026, 10, 31, tzinfo=timezone.utc)  # New York falls back on 2026-11-01
SOURCES = [dict(vendor="Acme"), dict(integration="Acme"), dict(tracking_id="T-1"), dict(integration="Unknown"),
           dict(), dict(vendor="Zed", integration="ignored"), dict(vendor=" Acme ")]

calls = st.lists(
    st.tuples(st.integers(0, 3 * 86_400 - 1), st.sampled_from(range(len(SOURCES)))), min_size=1, max_size=60)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=calls, tz=st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]), split=st.integers(0, 60),
       threshold=st.integers(0, 5))
def test_summary_totals_days_and_activity_reconcile(tmp_path_factory, calls, tz, split, threshold):
    folder = tmp_path_factory.mktemp("gen")
    rows = [call(iso_z(ORIGIN + timedelta(seconds=s)), **SOURCES[i]) for s, i in calls]
    write_csv(folder / "a.csv", rows[:split])
    if rows[split:]:
        write_parquet(folder / "b.parquet", rows[split:], row_group_size=7)
    zone = ZoneInfo(tz)
    query = Query(LogSet.open([str(folder)]), zone, threshold)
    expected = Counter((ORIGIN + timedelta(seconds=s)).astimezone(zone).date().isoformat() for s, _ in calls)

    days = reports.days(query).to_pandas()
    assert dict(zip(days["Date"], days["Calls"])) == expected
    for day_text, n in expected.items():
        summary = reports.summary(query, parse_date(day_text))
        frame = summary.to_pandas()
        totals = reports.totals(query, parse_date(day_text)).to_pandas()
        assert frame["Total calls"].sum() == totals["Calls"].iloc[-1] == n == summary.stats.rows
        assert totals["Calls"].iloc[:-1].sum() == n
        assert_long_form_is_the_wide_table(summary, threshold)
        over_hours = (frame[summary.categories] > threshold).any(axis=1).sum()
        assert totals["Hours over limit"].iloc[-1] == over_hours
        assert days.set_index("Date").loc[day_text, "Hours over limit"] == over_hours
        for _, row in frame.iterrows():
            for label in summary.categories:
                if row[label]:
                    drill = activity_at(query, None, row["Hour"], label).to_pandas()
                    assert len(drill) == row[label]
                    assert drill["Threshold Exceeded"].all() == (row[label] > threshold)


def assert_long_form_is_the_wide_table(summary, threshold: int) -> None:
    """Every cell of the summary once in its long form (zeros too), flagged
    over or near as the table colours it; the sums those of the table."""
    wide = summary.table.records()
    cells = {(row["Hour"], label): row[label] for row in wide for label in summary.categories}
    long = summary.long.records()
    assert [(r["hour_start"], r["integration"]) for r in long] == list(cells)
    for r in long:
        calls = cells[(r["hour_start"], r["integration"])]
        assert (r["calls"], r["over"], r["near"]) == (calls, calls > threshold,
                                                      0 < calls <= threshold and calls >= 0.75 * threshold)
    assert [(h["hour_start"], h["calls"]) for h in summary.totals["by_hour"]] == [(r["Hour"], r["Total calls"])
                                                                                   for r in wide]
    assert [i["calls"] for i in summary.totals["by_integration"]] == [sum(r[label] for r in wide)
                                                                      for label in summary.categories]
