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
- fleet/date=YYYY-MM-DD/tenant=tNNNN/part-0.parquet: 1,000 tenants (t0001 to
  t1000) x the 7 days ending on LAST_DAY (2026-11-09 to 2026-11-15), 20,000,000
  calls. Each file is one tenant's day, sorted by time, with a `tenant` column
  as well as the folder name. The 8 tenants of FLEET_BIG make 50,000-200,000
  calls every day, spread evenly over it; the other 992 share the rest by a
  lognormal size, in office hours shifted by their zone and at 0.4x on the
  weekend (24 to 18,121 calls a day, 1,210 the median). On top, FLEET_BURSTS:
  exactly 3 tenants have a day over Autotask's 10,000 calls in a rolling 60
  minutes (window (t - 60 min, t]): t0523 12,117 on 2026-11-12 (its burst of
  Datto RMM runs across 11:00, so no clock hour holds 10,000 calls of one
  integration), t0311 12,010 on 2026-11-10 and t0868 10,686 on 2026-11-13 (one
  clock hour over each). 2 more come near: t0042 8,632 (the biggest, 200,000 a
  day around the clock) and t0150 8,014 (a burst on 2026-11-11). Every other
  tenant stays under 7,000 (t0137 6,969). Written in 33-36 s with at most
  190 MB of memory (one tenant's day at a time), 357 MB on disk in 7,000 files.

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
FLEET_DAYS = 7
FLEET_FIRST_DAY = LAST_DAY - timedelta(days=FLEET_DAYS - 1)  # 2026-11-09, a Monday
FLEET_TENANTS = tuple(f"t{i:04d}" for i in range(1, 1001))
FLEET_CALLS = 20_000_000
# Calls a day, every day, spread around the clock: RMM and sync jobs never sleep.
FLEET_BIG = {"t0042": 200_000, "t0137": 160_000, "t0256": 120_000, "t0421": 100_000,
             "t0588": 80_000, "t0613": 65_000, "t0777": 50_000, "t0909": 50_000}
# Dense bursts of one vendor on top of a small tenant's day:
# (tenant, date, first minute UTC, minutes, calls, vendor).
FLEET_BURSTS = (
    ("t0311", date(2026, 11, 10), "09:10", 40, 12_000, "Datto RMM"),
    # Across 11:00: over the rolling limit, yet no clock hour holds 10,000.
    ("t0523", date(2026, 11, 12), "10:40", 40, 12_000, "Datto RMM"),
    ("t0868", date(2026, 11, 13), "14:05", 30, 10_400, "IT Glue"),
    ("t0150", date(2026, 11, 11), "13:00", 50, 8_000, "Kaseya VSA"),
)
FLEET_WEEKEND = 0.4  # a small tenant's calls on a Saturday or Sunday, against a weekday
# Hours by which a small tenant's office day is shifted from UTC's (Europe, the Americas, Australia).
FLEET_ZONE_SHIFTS = (0, 0, 1, 5, 6, 8, -10)

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
    "fleet": DATA / "fleet",
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


def _burst_table(rng, day: date, burst: tuple):
    """A burst's calls, all of one vendor, spread evenly over its minutes."""
    import numpy as np
    import pyarrow as pa

    _, _, first, minutes, n, vendor = burst
    hour, minute = map(int, first.split(":"))
    start = int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc).timestamp() * 1000)
    table = _day_table(rng, day, n)
    vendors = pa.DictionaryArray.from_arrays(pa.array(np.full(n, VENDORS.index(vendor) + 1), pa.int32()),
                                             pa.array(["", *VENDORS], pa.string()))
    no_custom = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n), pa.int32()),
                                               pa.array(["", *[c[0] for c in CUSTOM]], pa.string()))
    no_track = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n), pa.int32()),
                                              pa.array(["", *[c[1] for c in CUSTOM]], pa.string()))
    ms = np.sort(start + rng.integers(0, minutes * 60_000, size=n))
    table = table.set_column(0, "execution_start", pa.array(ms, pa.timestamp("ms", "UTC")))
    table = table.set_column(table.schema.get_field_index("vendor"), "vendor", vendors)
    table = table.set_column(table.schema.get_field_index("integration"), "integration", no_custom)
    return table.set_column(table.schema.get_field_index("tracking_id"), "tracking_id", no_track)


def fleet_calls(rng):
    """Calls a day of every tenant (a tenants x days array): FLEET_BIG's
    every day, FLEET_CALLS less those and the bursts shared among the small
    tenants by a lognormal size (a hundredfold from smallest to largest)
    and the weekday."""
    import numpy as np

    bursts = sum(burst[4] for burst in FLEET_BURSTS)
    small = [i for i, tenant in enumerate(FLEET_TENANTS) if tenant not in FLEET_BIG]
    calls = np.zeros((len(FLEET_TENANTS), FLEET_DAYS), np.int64)
    for i, tenant in enumerate(FLEET_TENANTS):
        calls[i] = FLEET_BIG.get(tenant, 0)
    size = np.clip(rng.lognormal(0.0, 1.0, len(small)), 0.05, 12.0)
    weekday = np.array([FLEET_WEEKEND if (FLEET_FIRST_DAY + timedelta(days=d)).weekday() >= 5 else 1.0
                        for d in range(FLEET_DAYS)])
    weight = np.outer(size, weekday).ravel()
    shared = FLEET_CALLS - int(calls.sum()) - bursts
    calls[small] = rng.multinomial(shared, weight / weight.sum()).reshape(len(small), FLEET_DAYS)
    return calls


def _fleet_table(rng, tenant: str, day: date, n: int, profile: tuple[int, ...]):
    """One tenant's day: its calls, any burst of that day, and the tenant."""
    import pyarrow as pa

    table = _day_table(rng, day, n, profile)
    for burst in FLEET_BURSTS:
        if burst[:2] == (tenant, day):
            table = pa.concat_tables([table, _burst_table(rng, day, burst)]).sort_by("execution_start")
    return table.append_column("tenant", pa.repeat(pa.scalar(tenant), table.num_rows))


def _write_fleet(rng) -> None:
    """One folder a day, one folder a tenant in it, one tenant's day in
    memory at a time; written under a temporary name and renamed when
    complete."""
    import shutil

    import numpy as np
    import pyarrow.parquet as pq

    building = FILES["fleet"].with_suffix(".tmp")
    shutil.rmtree(building, ignore_errors=True)
    calls = fleet_calls(rng)
    shifts = rng.choice(FLEET_ZONE_SHIFTS, size=len(FLEET_TENANTS))
    for d in range(FLEET_DAYS):
        day, written = FLEET_FIRST_DAY + timedelta(days=d), 0
        for i, tenant in enumerate(FLEET_TENANTS):
            profile = AROUND_THE_CLOCK if tenant in FLEET_BIG else tuple(np.roll(OFFICE_HOURS, shifts[i]))
            table = _fleet_table(rng, tenant, day, int(calls[i, d]), profile)
            written += table.num_rows
            if table.num_rows:
                part = building / f"date={day.isoformat()}" / f"tenant={tenant}"
                part.mkdir(parents=True)
                pq.write_table(table, part / "part-0.parquet", row_group_size=ROW_GROUP)
        print(f"  {day}: {written:,} calls", flush=True)
    building.rename(FILES["fleet"])


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
    if "fleet" in wanted and not FILES["fleet"].exists():
        print(f"generating fleet/ ({len(FLEET_TENANTS):,} tenants x {FLEET_DAYS} days, {FLEET_CALLS:,} calls) ...",
              flush=True)
        _write_fleet(np.random.default_rng(SEED + 4))


if __name__ == "__main__":
    import sys

    unknown = [name for name in sys.argv[1:] if name not in FILES]
    if unknown:
        sys.exit(f"error: no dataset {', '.join(unknown)}; choose from {', '.join(FILES)}")
    ensure(sys.argv[1:])
