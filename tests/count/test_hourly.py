"""Counting per local hour, batch by batch across files, batches and row
groups, gives the answers of a one-call-at-a-time reference, on both DST
days and in zones whose hours are not whole UTC hours."""

from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from make_logs import calls_every, write_csv, write_parquet

from apihourly import reports, schema
from apihourly.count.hourly import count_hourly
from apihourly.read import parquet
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.timeaxis import hour_starts_ns, to_ns

NEW_YORK = ZoneInfo("America/New_York")


def _reference(rows: list[dict], tz: ZoneInfo) -> dict:
    """Counts the simple way: every call, one by one, against every hour start."""
    moments = [datetime.fromisoformat(row["execution_start"].replace("Z", "+00:00")) for row in rows]
    starts = hour_starts_ns(min(moments).date() - timedelta(days=2), max(moments).date() + timedelta(days=2), tz)
    counts: dict = {}
    for row, moment in zip(rows, moments):
        ns = to_ns(moment)
        hour = starts[bisect.bisect_right(starts, ns) - 1]
        key = (hour, *(schema.clean(row[f]) for f in schema.CATEGORY_FIELDS))
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.fixture
def dst_logs(logdir, monkeypatch):
    """Both 2026 DST changes in New York, spread over CSV and Parquet files with
    tiny row groups and batches, so hours straddle files and batches."""
    monkeypatch.setattr(parquet, "BATCH_ROWS", 50)
    rows = (calls_every(datetime(2026, 3, 7, 3, tzinfo=timezone.utc), 3, timedelta(minutes=7))
            + calls_every(datetime(2026, 10, 31, 3, tzinfo=timezone.utc), 3, timedelta(minutes=11)))
    third = len(rows) // 3
    write_parquet(logdir / "a.parquet", rows[:third], row_group_size=37)
    write_csv(logdir / "b.csv", rows[third:2 * third])
    write_parquet(logdir / "c.parquet", rows[2 * third:], row_group_size=64)
    return logdir, rows


def test_streaming_counts_equal_reference_across_files_batches_and_dst(dst_logs):
    folder, rows = dst_logs
    counts = count_hourly(LogSet.open([str(folder)]), NEW_YORK)
    assert counts.counts == _reference(rows, NEW_YORK)
    assert counts.stats.rows == len(rows)


@pytest.mark.parametrize("day, hours", [(date(2026, 3, 8), 23), (date(2026, 11, 1), 25)])
def test_streaming_summary_of_dst_day_equals_reference(dst_logs, day, hours):
    folder, rows = dst_logs
    frame = reports.summary(Query(LogSet.open([str(folder)]), NEW_YORK), day).to_pandas()
    expected = _reference(rows, NEW_YORK)
    day_starts = [to_ns(datetime.fromisoformat(h)) for h in frame["Hour"]]
    assert len(frame) == hours
    assert frame["Total calls"].tolist() == [
        sum(n for key, n in expected.items() if key[0] == start) for start in day_starts]
    assert frame["Datto RMM"].sum() == sum(n for k, n in expected.items() if k[0] in day_starts and k[1] == "Datto RMM")


@pytest.mark.parametrize("zone_name, first", [
    ("Australia/Lord_Howe", datetime(2026, 10, 3, tzinfo=timezone.utc)),  # clocks go 02:00 -> 02:30
    ("Australia/Lord_Howe", datetime(2026, 4, 4, tzinfo=timezone.utc)),  # and 02:00 -> 01:30
    ("Asia/Kolkata", datetime(2026, 11, 14, tzinfo=timezone.utc)),
])
def test_half_hour_zones_and_changes_count_like_the_reference(logdir, monkeypatch, zone_name, first):
    """Where a local hour is not one UTC hour long the counting compares with
    every hour start instead of dividing; both must give the reference."""
    monkeypatch.setattr(parquet, "BATCH_ROWS", 40)
    rows = calls_every(first, 2, timedelta(minutes=6))
    write_parquet(logdir / "a.parquet", rows, row_group_size=30)
    tz = ZoneInfo(zone_name)
    assert count_hourly(LogSet.open([str(logdir)]), tz).counts == _reference(rows, tz)
