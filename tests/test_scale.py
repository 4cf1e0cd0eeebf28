"""The streaming path (row-group pruning, dictionary codes, batch-by-batch
counting, hive partition pruning) gives the answers of a plain reference."""

from __future__ import annotations

import bisect
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from apihourly import parquet_scan, reports, schema
from apihourly.aggregate import count_hourly
from apihourly.load import LogSet
from apihourly.reports import Query
from apihourly.timeaxis import hour_starts_ns, to_ns
from conftest import call, iso_z, write_csv, write_parquet

NEW_YORK = ZoneInfo("America/New_York")
TRIPLES = [("Datto RMM", "", ""), (" IT Glue ", "", ""), ("", "Billing", "TRK-B"), ("", "", "TRK-1"),
           ("", "", ""), ("Acme", "", ""), ("", "Acme", "")]


def _calls(first: datetime, days: int, every: timedelta) -> list[dict]:
    """A call every `every` for `days`, cycling through the categories."""
    out, moment, i = [], first, 0
    while moment < first + timedelta(days=days):
        vendor, integration, tracking = TRIPLES[i % len(TRIPLES)]
        out.append(call(iso_z(moment), vendor, integration, tracking))
        moment, i = moment + every, i + 1
    return out


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
    monkeypatch.setattr(parquet_scan, "BATCH_ROWS", 50)
    rows = (_calls(datetime(2026, 3, 7, 3, tzinfo=timezone.utc), 3, timedelta(minutes=7))
            + _calls(datetime(2026, 10, 31, 3, tzinfo=timezone.utc), 3, timedelta(minutes=11)))
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
    frame = reports.summary(Query(LogSet.open([str(folder)]), NEW_YORK), day).frame
    expected = _reference(rows, NEW_YORK)
    day_starts = [to_ns(datetime.fromisoformat(h)) for h in frame["Hour"]]
    assert len(frame) == hours
    assert frame["Total calls"].tolist() == [
        sum(n for key, n in expected.items() if key[0] == start) for start in day_starts]
    assert frame["Datto RMM"].sum() == sum(n for k, n in expected.items() if k[0] in day_starts and k[1] == "Datto RMM")


def test_window_skips_row_groups_by_statistics(logdir):
    rows = _calls(datetime(2026, 11, 14, tzinfo=timezone.utc), 3, timedelta(minutes=5))
    path = write_parquet(logdir / "three_days.parquet", rows, row_group_size=100)
    log = LogSet.open([str(path)]).files[0]
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    window = (to_ns(datetime(2026, 11, 15, tzinfo=timezone.utc)), to_ns(datetime(2026, 11, 16, tzinfo=timezone.utc)))
    kept = parquet_scan.row_groups_in(metadata, 0, window)
    assert 0 < len(kept) < metadata.num_row_groups
    assert kept == list(range(kept[0], kept[-1] + 1))
    assert count_hourly(LogSet([log]), ZoneInfo("UTC"), window).stats.rows == 288


def test_latest_day_from_statistics_equals_latest_call(logdir):
    rows = _calls(datetime(2026, 11, 14, tzinfo=timezone.utc), 2, timedelta(minutes=13))
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
    rows = _calls(datetime(2026, 10, 28, tzinfo=timezone.utc), 7, timedelta(minutes=9))
    flat = write_parquet(tmp_path / "flat.parquet", rows, row_group_size=50)
    hive = _hive(tmp_path / "hive", rows)
    for day in (date(2026, 10, 28), date(2026, 11, 1), date(2026, 11, 3)):
        pruned = reports.summary(Query(LogSet.open([str(hive)]), NEW_YORK), day)
        whole = reports.summary(Query(LogSet.open([str(flat)]), NEW_YORK), day)
        assert pruned.frame.to_dict(orient="records") == whole.frame.to_dict(orient="records")
        assert pruned.stats.rows == whole.stats.rows
        assert pruned.stats.files <= 4  # the two UTC dates a local day touches, one more either side


def test_partition_dates_that_cannot_overlap_are_skipped(tmp_path):
    window = (to_ns(datetime(2026, 11, 15, 5, tzinfo=timezone.utc)), to_ns(datetime(2026, 11, 16, 5, tzinfo=timezone.utc)))
    assert [d for d in range(10, 20)
            if parquet_scan.may_overlap(tmp_path / f"date=2026-11-{d}" / "p.parquet", window)] == [14, 15, 16, 17]
    assert parquet_scan.may_overlap(tmp_path / "no-partition" / "p.parquet", window)
    assert parquet_scan.may_overlap(tmp_path / "date=2026-02-31" / "p.parquet", window)


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_neither_pandas_nor_pyarrow(flag):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "apihourly", flag],
                          capture_output=True, text=True, check=True)
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "typer" in modules
    assert not {m for m in modules if m.split(".")[0] in ("pandas", "pyarrow", "numpy")}


@pytest.mark.parametrize("args, first_line", [
    (["summary", "--csv"], "Hour,"),
    (["totals", "--json"], "{"),
    (["days"], ""),
    (["activity", "--hour", "13", "--vendor", "Datto RMM", "--csv"], "Method,"),
])
def test_reports_on_parquet_logs_never_import_pandas(logdir, args, first_line):
    """pandas costs a one-day report most of its run time; the counting path
    moves numbers through Arrow buffers so pyarrow never loads it."""
    rows = _calls(datetime(2026, 11, 14, tzinfo=timezone.utc), 2, timedelta(minutes=13))
    write_parquet(logdir / "a.parquet", rows, row_group_size=10)
    argv = ["apihourly", args[0], "--logs", str(logdir), "--tz", "UTC", *args[1:]]
    code = (f"import sys; from apihourly.cli import main; sys.argv = {argv!r}\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('pandas' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "False"
    assert done.stdout.startswith(first_line) and done.stdout.strip()


def test_read_ahead_yields_everything_in_order_and_raises_the_readers_error():
    from apihourly.aggregate import read_ahead
    from apihourly.errors import LogFormatError

    assert list(read_ahead(iter(range(10)))) == list(range(10))

    def failing():
        yield 1
        raise LogFormatError("x.parquet", "cannot be read: bad page")

    got = []
    with pytest.raises(LogFormatError, match="bad page"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_read_ahead_stops_its_reader_when_the_consumer_stops():
    import threading

    from apihourly.aggregate import read_ahead

    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in read_ahead(endless(), depth=2):
        if item == 3:
            break
    assert not [t for t in threading.enumerate() if t.name == "apihourly-read"]
    assert len(produced) <= 3 + 2 + 2  # what was consumed, queued, and in hand


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


@pytest.mark.parametrize("zone_name, first", [
    ("Australia/Lord_Howe", datetime(2026, 10, 3, tzinfo=timezone.utc)),  # clocks go 02:00 -> 02:30
    ("Australia/Lord_Howe", datetime(2026, 4, 4, tzinfo=timezone.utc)),  # and 02:00 -> 01:30
    ("Asia/Kolkata", datetime(2026, 11, 14, tzinfo=timezone.utc)),
])
def test_half_hour_zones_and_changes_count_like_the_reference(logdir, monkeypatch, zone_name, first):
    """Where a local hour is not one UTC hour long the counting compares with
    every hour start instead of dividing; both must give the reference."""
    monkeypatch.setattr(parquet_scan, "BATCH_ROWS", 40)
    rows = _calls(first, 2, timedelta(minutes=6))
    write_parquet(logdir / "a.parquet", rows, row_group_size=30)
    tz = ZoneInfo(zone_name)
    assert count_hourly(LogSet.open([str(logdir)]), tz).counts == _reference(rows, tz)
