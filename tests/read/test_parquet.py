"""Parquet logs: row groups skipped by their statistics (in the unit the
file stores), the latest call from statistics, and hive `date=` folders
pruned without changing any answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from make_logs import calls_every, write_parquet

from apihourly import reports
from apihourly.count.hourly import count_hourly
from apihourly.read import parquet
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.timeaxis import to_ns

NEW_YORK = ZoneInfo("America/New_York")


def test_window_skips_row_groups_by_statistics(logdir):
    rows = calls_every(datetime(2026, 11, 14, tzinfo=timezone.utc), 3, timedelta(minutes=5))
    path = write_parquet(logdir / "three_days.parquet", rows, row_group_size=100)
    log = LogSet.open([str(path)]).files[0]
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    window = (to_ns(datetime(2026, 11, 15, tzinfo=timezone.utc)), to_ns(datetime(2026, 11, 16, tzinfo=timezone.utc)))
    kept = parquet.row_groups_in(metadata, 0, window)
    assert 0 < len(kept) < metadata.num_row_groups
    assert kept == list(range(kept[0], kept[-1] + 1))
    assert count_hourly(LogSet([log]), ZoneInfo("UTC"), window).stats.rows == 288


def test_latest_day_from_statistics_equals_latest_call(logdir):
    rows = calls_every(datetime(2026, 11, 14, tzinfo=timezone.utc), 2, timedelta(minutes=13))
    write_parquet(logdir / "a.parquet", rows, row_group_size=10)
    logs = LogSet.open([str(logdir)])
    latest = max(to_ns(datetime.fromisoformat(r["execution_start"].replace("Z", "+00:00"))) for r in rows)
    assert logs.latest_ns() == latest
    assert reports.latest_day(Query(logs, ZoneInfo("Asia/Tokyo"))) == date(2026, 11, 16)


def _hive(root, rows):
    by_day: dict[str, list] = {}
    for row in rows:
        by_day.setdefault(row["execution_start"][:10], []).append(row)
    for day, part in by_day.items():
        (root / f"date={day}").mkdir(parents=True)
        write_parquet(root / f"date={day}" / "part-0.parquet", part, row_group_size=50)
    return root


def test_hive_partition_pruning_gives_the_flat_answer(tmp_path):
    rows = calls_every(datetime(2026, 10, 28, tzinfo=timezone.utc), 7, timedelta(minutes=9))
    flat = write_parquet(tmp_path / "flat.parquet", rows, row_group_size=50)
    hive = _hive(tmp_path / "hive", rows)
    for day in (date(2026, 10, 28), date(2026, 11, 1), date(2026, 11, 3)):
        pruned = reports.summary(Query(LogSet.open([str(hive)]), NEW_YORK), day)
        whole = reports.summary(Query(LogSet.open([str(flat)]), NEW_YORK), day)
        assert pruned.to_pandas().to_dict(orient="records") == whole.to_pandas().to_dict(orient="records")
        assert pruned.stats.rows == whole.stats.rows
        assert pruned.stats.files <= 4  # the two UTC dates a local day touches, one more either side


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_statistics_are_read_in_the_unit_parquet_stores(logdir, unit):
    """Parquet has no seconds: a timestamp[s] column is stored in milliseconds,
    and its statistics must be scaled as stored."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = int(datetime(2026, 11, 14, tzinfo=timezone.utc).timestamp())
    seconds = [start + i * 600 for i in range(3 * 144)]  # three days, every 10 minutes
    scale = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[unit]
    table = pa.table({"execution_start": pa.array([v * scale for v in seconds], pa.timestamp(unit, "UTC")),
                      "vendor": ["V"] * len(seconds)})
    pq.write_table(table, logdir / "t.parquet", row_group_size=50)
    logs = LogSet.open([str(logdir)])
    assert logs.latest_ns() == seconds[-1] * 1_000_000_000
    assert reports.summary(Query(logs, ZoneInfo("UTC")), date(2026, 11, 15)).stats.rows == 144
