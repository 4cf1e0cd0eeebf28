"""Write sample_logs/fleet/: two UTC days (2026-11-15 and 2026-11-16) of API
calls of 26 Autotask tenants (databases), deterministic (fixed seed), for
comparing tenants against Autotask's limit of 10,000 calls per tenant in a
rolling 60 minutes.

    python scripts/make_fleet_sample.py [OUTPUT_DIR]

Layout: hive-partitioned Parquet, date=YYYY-MM-DD/tenant=NAME/part-0.parquet,
one tenant's UTC day a file, sorted by execution_start, one row group, with a
`tenant` column equal to the folder's NAME. The other columns are those of
the other sample logs, their text dictionary-encoded as in bench/datasets.py's
fleet. Tenants are the NATO alphabet, alfa to zulu.

What is in them:
- every tenant's own day: 500-3,000 calls on the Monday (2026-11-16), half
  as many on the Sunday, in office hours shifted by the tenant's zone, from
  Datto RMM, IT Glue, BrightGauge, Liongard, the custom integration "Billing
  Sync" (tracking id BILLSYNC-01) and some Unknown calls;
- kilo goes over the rolling limit on 2026-11-16, only because of Datto RMM:
  10,600 calls from 10:36 to 11:24 UTC, across 11:00, so no clock hour holds
  10,000 calls of one integration;
- echo comes near it (over 75%) on 2026-11-16 with 8,000 IT Glue calls from
  14:10 to 14:50 UTC; tango reaches 50% on 2026-11-15 with 5,600 Liongard
  calls from 02:05 to 02:55 UTC;
- sierra breaks the thread limit on 2026-11-15 at 09:42 UTC: 6 Billing Sync
  calls on Contracts at once. Everywhere else at most 3 calls of one
  (integration, entity) are in flight at once (the script checks this).

As the script prints them (peak: calls starting in (t - 60 min, t], t the
window's end; without top: the same peak without the integration that has
most calls in that window; clock hour: most calls of one integration in one
UTC hour; threads: most calls of one (integration, entity) in flight):

tenant      2026-11-15 2026-11-16   peak  window end        top integration  without top  clock hour  threads
alfa              250        500     52  11-16 14:46:52    Datto RMM                 34          18        1
bravo             786      1,573    155  11-16 15:02:51    Datto RMM                108          55        1
charlie         1,126      2,252    224  11-16 20:16:35    Datto RMM                157          66        2
delta             634      1,269    115  11-16 23:47:58    Datto RMM                 80          42        1
echo              288      8,577  8,053  11-16 14:49:59    IT Glue                   55       8,010        2
foxtrot           975      1,951    189  11-16 15:23:23    Datto RMM                114          73        1
golf              681      1,363    138  11-16 20:11:52    Datto RMM                 96          42        1
hotel             384        768     72  11-16 09:29:37    Datto RMM                 53          29        1
india             511      1,023    115  11-16 16:10:33    Datto RMM                 79          31        1
juliett         1,396      2,792    253  11-16 21:40:39    Datto RMM                167          87        2
kilo              268     11,137 10,613  11-16 11:23:59    Datto RMM                 41       5,305        2
lima              590      1,181    114  11-16 04:56:26    Datto RMM                 76          40        1
mike              908      1,816    171  11-16 23:12:46    Datto RMM                124          59        2
november          309        619     60  11-16 15:23:59    Datto RMM                 44          20        1
oscar             732      1,465    132  11-16 14:48:21    Datto RMM                 94          46        2
papa            1,048      2,096    203  11-16 21:35:03    Datto RMM                143          62        1
quebec          1,209      2,419    234  11-16 23:03:08    Datto RMM                173          73        2
romeo           1,500      3,000    292  11-16 16:00:00    Datto RMM                184         111        1
sierra            363        715     79  11-16 19:49:36    Datto RMM                 55          23        6
tango           6,076        953  5,635  11-15 02:56:42    Liongard                  81       5,603        2
uniform           412        825     92  11-16 20:07:48    Datto RMM                 58          30        1
victor            845      1,690    165  11-16 14:55:00    Datto RMM                114          52        1
whiskey           549      1,099    118  11-16 20:05:34    Datto RMM                 78          39        1
xray              332        665     66  11-16 20:31:20    Datto RMM                 49          23        1
yankee            443        887     93  11-16 14:50:49    Datto RMM                 63          32        2
zulu            1,299      2,599    260  11-16 20:05:11    Datto RMM                171          90        1
79,148 calls in 52 files, 909,418 bytes (about 1.1 MB on disk with the folders).
IP addresses are from the documentation ranges of RFC 5737.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date, datetime, timezone
from pathlib import Path

SEED = 20261118
DAYS = (date(2026, 11, 15), date(2026, 11, 16))  # a Sunday and a Monday
TENANTS = ("alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
           "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
           "uniform", "victor", "whiskey", "xray", "yankee", "zulu")
LIMIT = 10_000
MAX_THREADS = 3
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
# A tenant's calls on a weekday: from FEWEST_CALLS to MOST_CALLS, evenly on a log scale, shuffled.
FEWEST_CALLS, MOST_CALLS = 500, 3_000
SUNDAY = 0.5
OFFICE_HOURS = (1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 10, 9, 10, 12, 10, 8, 6, 4, 3, 2, 2, 1, 1)
# Hours by which a tenant's office day is shifted from UTC's (Europe, the Americas, Australia).
ZONE_SHIFTS = (0, 0, 1, 5, 6, 8, -10)

# name: (vendor, integration, tracking id, api user, ip, entities, share of a tenant's own calls)
SOURCES = {
    "rmm": ("Datto RMM", "", "DATTO-RMM", "rmm.sync", "198.51.100.20",
            ("ConfigurationItems", "Tickets", "Companies", "TicketNotes"), 0.34),
    "glue": ("IT Glue", "", "ITGLUE", "itglue", "203.0.113.45", ("Companies", "Contacts", "ConfigurationItems"), 0.2),
    "gauge": ("BrightGauge", "", "BRIGHTGAUGE", "dashboards", "203.0.113.80",
              ("Tickets", "TimeEntries", "Resources"), 0.2),
    "liongard": ("Liongard", "", "LIONGARD", "inspector", "198.51.100.77", ("ConfigurationItems", "Companies"), 0.1),
    "billing": ("", "Billing Sync", "BILLSYNC-01", "billing.bot", "192.0.2.10",
                ("Contracts", "ContractServices", "BillingItems"), 0.11),
    "unknown": ("", "", "", "legacy.script", "192.0.2.99", ("Tickets", "Resources"), 0.05),
}
# (tenant, day, first minute UTC, minutes, calls, source): dense runs of one integration.
BURSTS = (
    # Across 11:00: over the rolling limit, yet no clock hour holds 10,000 of one integration.
    ("kilo", date(2026, 11, 16), "10:36", 48, 10_600, "rmm"),
    ("echo", date(2026, 11, 16), "14:10", 40, 8_000, "glue"),
    ("tango", date(2026, 11, 15), "02:05", 50, 5_600, "liongard"),
)
# (tenant, moment UTC, calls, source, entity): calls started together, each
# lasting over a second, so more than MAX_THREADS are in flight at once.
THREAD_BURSTS = (("sierra", datetime(2026, 11, 15, 9, 42, 7, tzinfo=timezone.utc), 6, "billing", "Contracts"),)
METHODS = (("query", 70), ("update", 12), ("create", 8), ("getEntityInfo", 3),
           ("getFieldInfo", 3), ("getUDFInfo", 2), ("delete", 1), ("GetAttachment", 1))
ENTITIES = tuple(sorted({e for spec in SOURCES.values() for e in spec[5]}))
NAMES = tuple(SOURCES)


def epoch_ms(day: date, hhmm: str = "00:00") -> int:
    hour, minute = map(int, hhmm.split(":"))
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc).timestamp() * 1000)


def label(source: int) -> str:
    """The integration a call counts under: its vendor, else its custom integration, else Unknown."""
    vendor, integration, tracking, *_ = SOURCES[NAMES[source]]
    return vendor or integration or tracking or "Unknown"


def own_calls(rng, day: date, n: int, shift: int) -> dict:
    """A tenant's ordinary day: n calls in its office hours, each source its share."""
    import numpy as np

    weight = np.roll(np.array(OFFICE_HOURS, float), shift)
    hours = rng.choice(24, size=n, p=weight / weight.sum())
    shares = np.array([spec[6] for spec in SOURCES.values()])
    source = rng.choice(len(NAMES), size=n, p=shares / shares.sum())
    # Most calls take about 0.1 s; a few up to a second or so.
    duration = np.clip(rng.lognormal(4.6, 0.6, size=n), 5, 2_000).astype(np.int64)
    return {"ms": epoch_ms(day) + hours * HOUR_MS + rng.integers(0, HOUR_MS, size=n),
            "source": source, "duration": duration}


def burst_calls(rng, day: date, first: str, minutes: int, n: int, source: str) -> dict:
    """n calls of one source evenly over the minutes, each jittered within its
    own slot and short, as a well-behaved sync paces itself: however dense,
    few are in flight at once."""
    import numpy as np

    slot = minutes * MINUTE_MS / n
    ms = epoch_ms(day, first) + ((np.arange(n) + rng.uniform(0.1, 0.9, size=n)) * slot).astype(np.int64)
    return {"ms": ms, "source": np.full(n, NAMES.index(source)), "duration": rng.integers(20, 200, size=n)}


def thread_calls(rng, moment: datetime, n: int, source: str) -> dict:
    import numpy as np

    start = int(moment.timestamp() * 1000)
    return {"ms": start + 10 * np.arange(n), "source": np.full(n, NAMES.index(source)),
            "duration": 1_000 + rng.integers(0, 400, size=n)}


def entities_for(rng, source) -> "np.ndarray":
    """Each call's entity (an index into ENTITIES), one of its source's."""
    import numpy as np

    entity = np.empty(len(source), np.int64)
    for i, name in enumerate(NAMES):
        mine = np.flatnonzero(source == i)
        choices = np.array([ENTITIES.index(e) for e in SOURCES[name][5]])
        entity[mine] = choices[rng.integers(0, len(choices), size=len(mine))]
    return entity


def tenant_day(rng, tenant: str, day: date, n: int, shift: int) -> dict:
    """Every call of a tenant's day as arrays, sorted by start."""
    import numpy as np

    parts = [own_calls(rng, day, n, shift)]
    parts += [burst_calls(rng, day, *burst[2:]) for burst in BURSTS if burst[:2] == (tenant, day)]
    forced = []
    for who, moment, count, source, entity in THREAD_BURSTS:
        if who == tenant and moment.date() == day:
            parts.append(thread_calls(rng, moment, count, source))
            forced.append((sum(len(p["ms"]) for p in parts) - count, count, ENTITIES.index(entity)))
    calls = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    calls["entity"] = entities_for(rng, calls["source"])
    names, weights = zip(*METHODS)
    weights = np.array(weights, float)
    calls["method"] = rng.choice(len(names), size=len(calls["ms"]), p=weights / weights.sum())
    for at, count, entity in forced:
        calls["entity"][at:at + count] = entity
        calls["method"][at:at + count] = names.index("query")
    order = np.argsort(calls["ms"], kind="stable")
    return {key: value[order] for key, value in calls.items()}


def dictionary(values: list[str], indices) -> "pa.DictionaryArray":
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values, pa.string()))


def by_source(field: int, source, tenant: str) -> "pa.DictionaryArray":
    """A column fixed by each call's source (vendor, integration, ...), its
    distinct values as the dictionary."""
    import numpy as np

    values = [spec[field] for spec in SOURCES.values()]
    if field == 3:  # every tenant's database has API users of its own
        values = [f"{user}@{tenant}.example.net" for user in values]
    distinct = sorted(set(values))
    return dictionary(distinct, np.array([distinct.index(v) for v in values])[source])


def to_table(rng, tenant: str, calls: dict) -> "pa.Table":
    import numpy as np
    import pyarrow as pa

    n = len(calls["ms"])
    names = [m for m, _ in METHODS]
    query, delete = names.index("query"), names.index("delete")
    returned = np.where(calls["method"] == query, rng.integers(0, 501, size=n),
                        (calls["method"] != delete).astype(np.int64))
    return pa.table({
        "execution_start": pa.array(calls["ms"], pa.timestamp("ms", "UTC")),
        "method": dictionary(names, calls["method"]),
        "entity": dictionary(list(ENTITIES), calls["entity"]),
        "return_count": pa.array(returned, pa.int64()),
        "vendor": by_source(0, calls["source"], tenant),
        "integration": by_source(1, calls["source"], tenant),
        "tracking_id": by_source(2, calls["source"], tenant),
        "api_user": by_source(3, calls["source"], tenant),
        "execution_ms": pa.array(calls["duration"], pa.int64()),
        "client_ip": by_source(4, calls["source"], tenant),
        "tenant": pa.array([tenant] * n, pa.string()),
    })


def write(out: Path, tenant: str, day: date, table) -> None:
    import pyarrow.parquet as pq

    part = out / f"date={day.isoformat()}" / f"tenant={tenant}"
    part.mkdir(parents=True)
    pq.write_table(table, part / "part-0.parquet", row_group_size=max(table.num_rows, 1), compression="zstd")


# Checking what was written: the figures of the docstring, and the shape the sample promises.

def rolling_peak(ms) -> tuple[int, int]:
    """Most calls starting in (t - 60 min, t] over every call's t (ms sorted),
    and the t where it is reached."""
    import numpy as np

    if not len(ms):
        return 0, 0
    counts = np.searchsorted(ms, ms, "right") - np.searchsorted(ms, ms - HOUR_MS, "right")
    best = int(np.argmax(counts))
    return int(counts[best]), int(ms[best])


def most_in_flight(group, ms, duration) -> int:
    """Most calls of one group in flight at once, each over [start, start +
    duration); at equal instants ends come first, so back-to-back calls do
    not overlap."""
    import numpy as np

    times = np.concatenate([ms, ms + duration])
    kinds = np.concatenate([np.ones(len(ms), np.int64), np.zeros(len(ms), np.int64)])  # 0 end, 1 start
    groups = np.concatenate([group, group])
    order = np.lexsort((kinds, times, groups))
    steps = np.where(kinds[order] == 1, 1, -1)
    # Every group's starts and ends cancel out, so the running sum is back at 0 where the next group begins.
    return int(np.cumsum(steps).max()) if len(steps) else 0


def tenant_figures(calls: dict) -> dict:
    """A tenant's figures over both days (windows may span midnight)."""
    import numpy as np

    ms, source = calls["ms"], calls["source"]
    peak, end = rolling_peak(ms)
    in_window = (ms > end - HOUR_MS) & (ms <= end)
    top = int(np.bincount(source[in_window], minlength=len(NAMES)).argmax())
    hour = ms // HOUR_MS
    clock = max(int(np.unique(hour[source == s], return_counts=True)[1].max(initial=0)) for s in range(len(NAMES)))
    group = source * len(ENTITIES) + calls["entity"]
    first_day = ms < epoch_ms(DAYS[1])
    return {"peak": peak, "end": end, "top": label(top), "without_top": rolling_peak(ms[source != top])[0],
            "clock_hour": clock, "threads": most_in_flight(group, ms, calls["duration"]),
            "threads_first_day": most_in_flight(group[first_day], ms[first_day], calls["duration"][first_day])}


def check(figures: dict[str, dict], written: int) -> list[str]:
    """What the sample promises; each broken promise, said."""
    broken = []

    def promise(ok: bool, text: str) -> None:
        if not ok:
            broken.append(text)

    kilo, echo, tango = figures["kilo"], figures["echo"], figures["tango"]
    promise(10_300 <= kilo["peak"] <= 11_500 and kilo["top"] == "Datto RMM", "kilo over the limit by Datto RMM")
    promise(datetime.fromtimestamp(kilo["end"] / 1000, timezone.utc).date() == DAYS[1], "kilo's peak on 11-16")
    promise(kilo["without_top"] < 5_000, "kilo under 5,000 without Datto RMM")
    promise(7_500 <= echo["peak"] < LIMIT and echo["top"] == "IT Glue", "echo near the limit by IT Glue")
    promise(5_000 <= tango["peak"] < 7_500, "tango between 50% and 75%")
    promise(figures["sierra"]["threads_first_day"] >= 5, "sierra over the thread limit on 11-15")
    for tenant, f in figures.items():
        promise(f["clock_hour"] < LIMIT, f"{tenant}: no clock hour of one integration over the limit")
        promise(tenant == "sierra" or f["threads"] <= MAX_THREADS, f"{tenant}: within the thread limit")
        promise(tenant in ("kilo", "echo", "tango") or f["peak"] < 5_000, f"{tenant}: quiet")
    promise(written < 3_000_000, "under 3 MB")
    return broken


def report(counts: dict[str, list[int]], figures: dict[str, dict]) -> None:
    def clock(ms: int) -> str:
        return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%m-%d %H:%M:%S")

    print(f"{'tenant':<10} {DAYS[0].isoformat():>11} {DAYS[1].isoformat():>10} {'peak':>6}  {'window end':<16}  "
          f"{'top integration':<15} {'without top':>12} {'clock hour':>11} {'threads':>8}")
    for tenant, f in figures.items():
        days = " ".join(f"{n:>10,}" for n in counts[tenant])
        print(f"{tenant:<10} {days} {f['peak']:>6,}  {clock(f['end']):<16}  {f['top']:<15} "
              f"{f['without_top']:>12,} {f['clock_hour']:>11,} {f['threads']:>8}")


def main(out: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(SEED)
    for old in out.glob("date=*"):
        shutil.rmtree(old)
    out.mkdir(parents=True, exist_ok=True)
    size = rng.permutation(np.geomspace(FEWEST_CALLS, MOST_CALLS, len(TENANTS)))
    shifts = rng.choice(ZONE_SHIFTS, size=len(TENANTS))
    counts, figures = {}, {}
    for i, tenant in enumerate(TENANTS):
        days = []
        for day in DAYS:
            n = int(size[i] * (SUNDAY if day.weekday() == 6 else 1.0))
            calls = tenant_day(rng, tenant, day, n, int(shifts[i]))
            write(out, tenant, day, to_table(rng, tenant, calls))
            days.append(calls)
        counts[tenant] = [len(d["ms"]) for d in days]
        figures[tenant] = tenant_figures({key: np.concatenate([d[key] for d in days]) for key in days[0]})
    report(counts, figures)
    written = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{sum(map(sum, counts.values())):,} calls in {len(TENANTS) * len(DAYS)} files, {written:,} bytes",
          file=sys.stderr)
    broken = check(figures, written)
    if broken:
        sys.exit("error: the sample does not keep its promises: " + "; ".join(broken))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "sample_logs" / "fleet")
