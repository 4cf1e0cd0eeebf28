"""Benchmark logs, generated once into bench/data/ (git-ignored) with a fixed seed.

- month.parquet: 30 days x 333,334 calls (10M), sorted by time, row groups of
  65,536 rows so a one-day filter skips most of them by their statistics.
- month_hive/date=YYYY-MM-DD/part-0.parquet: the same calls, one folder a day.
- day5m.parquet: one day of 5,000,000 calls.
- day2m.csv: one day of 2,000,000 calls as CSV (about 200 MB).
- year/date=YYYY-MM-DD/part-0.parquet: 365 days x 240,000 calls (88M), one
  folder a day, ending on the day the cases report. 240,000 calls a day are
  10,000 an hour on average, so the calls are spread evenly over the day: the
  tenant's busiest rolling 60 minutes is then as close to its 10,000 limit as
  such a day allows (10,170-10,420), every day.

Run as a script, it writes every missing dataset, or only those named:
python bench/datasets.py year
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SEED = 20261115
FIRST_DAY = date(2026, 10, 17)
DAYS = 30
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)  # 2026-11-15, the day the cases report
PER_DAY = 333_334
ROW_GROUP = 65_536
YEAR_DAYS = 365
YEAR_PER_DAY = 240_000
YEAR_FIRST_DAY = LAST_DAY - timedelta(days=YEAR_DAYS - 1)
OFFICE_HOURS = (1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 10, 9, 10, 12, 10, 8, 6, 4, 3, 2, 2, 1, 1)
AROUND_THE_CLOCK = (1,) * 24

VENDORS = ["Datto RMM", "IT Glue", "Acme", "Kaseya VSA", "N-able", "ConnectWise Automate"]
CUSTOM = [("Billing Sync", "TRK-BILL"), ("", "TRK-1"), ("Nightly Export", "")]
METHODS = ["query", "create", "update", "delete"]
ENTITIES = ["Tickets", "Companies", "Contacts", "Devices", "TimeEntries", "Projects"]
USERS = [f"api{i}@example.net" for i in range(20)]
IPS = [f"192.0.2.{i}" for i in range(1, 40)]

FILES = {
    "month": DATA / "month.parquet",
    "month_hive": DATA / "month_hive",
    "day5m": DATA / "day5m.parquet",
    "day2m_csv": DATA / "day2m.csv",
    "year": DATA / "year",
}


def year_day_folder(day: date) -> Path:
    return FILES["year"] / f"date={day.isoformat()}"


def _day_table(rng, day: date, n: int, profile: tuple[int, ...] = OFFICE_HOURS):
    """n calls on one UTC day, sorted by time, spread over its hours by
    `profile` (busier in office hours unless told otherwise)."""
    import numpy as np
    import pyarrow as pa

    start = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() * 1000)
    hour_weight = np.array(profile, float)
    hours = rng.choice(24, size=n, p=hour_weight / hour_weight.sum())
    ms = np.sort(start + hours * 3_600_000 + rng.integers(0, 3_600_000, size=n))
    kind = rng.choice(3, size=n, p=[0.8, 0.15, 0.05])  # vendor, custom, unknown
    vendor_i = np.where(kind == 0, rng.choice(len(VENDORS), size=n, p=[0.4, 0.2, 0.15, 0.1, 0.1, 0.05]) + 1, 0)
    custom_i = np.where(kind == 1, rng.integers(0, len(CUSTOM), size=n) + 1, 0)
    integ = ["", *[c[0] for c in CUSTOM]]
    track = ["", *[c[1] for c in CUSTOM]]

    def pick(values, idx):
        return pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), pa.array(values, pa.string()))

    return pa.table({
        "execution_start": pa.array(ms, pa.timestamp("ms", "UTC")),
        "method": pick(METHODS, rng.integers(0, len(METHODS), size=n)),
        "entity": pick(ENTITIES, rng.integers(0, len(ENTITIES), size=n)),
        "return_count": pa.array(rng.integers(0, 500, size=n), pa.int64()),
        "vendor": pick(["", *VENDORS], vendor_i),
        "integration": pick(integ, custom_i),
        "tracking_id": pick(track, custom_i),
        "api_user": pick(USERS, rng.integers(0, len(USERS), size=n)),
        "execution_ms": pa.array(rng.integers(5, 3000, size=n), pa.int64()),
        "client_ip": pick(IPS, rng.integers(0, len(IPS), size=n)),
    })


def _write_month(rng) -> None:
    import pyarrow.parquet as pq

    writer = None
    hive = FILES["month_hive"]
    for i in range(DAYS):
        day = FIRST_DAY + timedelta(days=i)
        table = _day_table(rng, day, PER_DAY)
        if writer is None:
            writer = pq.ParquetWriter(FILES["month"].with_suffix(".tmp"), table.schema)
        writer.write_table(table, row_group_size=ROW_GROUP)
        part = hive / f"date={day.isoformat()}"
        part.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, part / "part-0.parquet", row_group_size=ROW_GROUP)
    writer.close()
    FILES["month"].with_suffix(".tmp").rename(FILES["month"])


def _write_csv(table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    # %S carries the milliseconds of a ms timestamp: 2026-11-15T07:16:23.409Z
    stamps = pc.binary_join_element_wise(
        pc.strftime(table.column("execution_start"), "%Y-%m-%dT%H:%M:%S"), pa.scalar("Z"), "")
    plain = table.set_column(0, "execution_start", stamps)
    plain = plain.cast(pa.schema([(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                                  for f in plain.schema]))
    pcsv.write_csv(plain, path.with_suffix(".tmp"), pcsv.WriteOptions(quoting_style="none"))
    path.with_suffix(".tmp").rename(path)


def _write_year(rng) -> None:
    """One folder a day, written under a temporary name and renamed when
    complete, so an interrupted run starts again rather than leaving a
    short year behind."""
    import shutil

    import pyarrow.parquet as pq

    building = FILES["year"].with_suffix(".tmp")
    shutil.rmtree(building, ignore_errors=True)
    for i in range(YEAR_DAYS):
        day = YEAR_FIRST_DAY + timedelta(days=i)
        part = building / f"date={day.isoformat()}"
        part.mkdir(parents=True)
        table = _day_table(rng, day, YEAR_PER_DAY, AROUND_THE_CLOCK)
        pq.write_table(table, part / "part-0.parquet", row_group_size=ROW_GROUP)
    building.rename(FILES["year"])


def ensure(names: list[str] | None = None) -> None:
    """Write whatever data is missing (of `names`, keys of FILES, or all);
    existing files are kept (same seed, same data)."""
    import numpy as np
    import pyarrow.parquet as pq

    wanted = set(names or FILES)
    DATA.mkdir(parents=True, exist_ok=True)
    if wanted & {"month", "month_hive"} and not (FILES["month"].exists() and FILES["month_hive"].exists()):
        print("generating month.parquet and month_hive/ (10M calls) ...", flush=True)
        _write_month(np.random.default_rng(SEED))
    if "day5m" in wanted and not FILES["day5m"].exists():
        print("generating day5m.parquet (5M calls) ...", flush=True)
        table = _day_table(np.random.default_rng(SEED + 1), LAST_DAY, 5_000_000)
        pq.write_table(table, FILES["day5m"].with_suffix(".tmp"), row_group_size=4 * ROW_GROUP)
        FILES["day5m"].with_suffix(".tmp").rename(FILES["day5m"])
    if "day2m_csv" in wanted and not FILES["day2m_csv"].exists():
        print("generating day2m.csv (2M calls) ...", flush=True)
        _write_csv(_day_table(np.random.default_rng(SEED + 2), LAST_DAY, 2_000_000), FILES["day2m_csv"])
    if "year" in wanted and not FILES["year"].exists():
        print(f"generating year/ ({YEAR_DAYS} days x {YEAR_PER_DAY:,} calls, about 1.1 GB) ...", flush=True)
        _write_year(np.random.default_rng(SEED + 3))


if __name__ == "__main__":
    import sys

    unknown = [name for name in sys.argv[1:] if name not in FILES]
    if unknown:
        sys.exit(f"error: no dataset {', '.join(unknown)}; choose from {', '.join(FILES)}")
    ensure(sys.argv[1:])
