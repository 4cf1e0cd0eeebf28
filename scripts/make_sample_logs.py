"""Write the sample logs in sample_logs/: nine days of API calls from a small
MSP's integrations, deterministic (fixed seed), in every form apihourly reads.

    python scripts/make_sample_logs.py [OUTPUT_DIR]

What is in them, so a new user knows what to look for:
- vendors Datto RMM, IT Glue, BrightGauge and Liongard; the custom integrations
  "Billing Sync" (named) and TRK-7F3A9 (tracking id only); some Unknown calls;
- on 2026-11-16, Datto RMM goes over the 10,000 calls/hour limit at 15:00 UTC
  after approaching it at 14:00 UTC; Liongard approaches it on 2026-11-14;
- 11-10 and 11-11 are CSV with Autotask's display headers, 11-12 and 11-13
  gzipped CSV with canonical headers and -05:00 offsets, 11-14 to 11-16 Parquet;
- 11-08 is a middleware proxy's log: gzipped JSON Lines, nested objects, epoch
  milliseconds;
- 11-09 is what Autotask's own Activity table exports ("API Activity
  Detail.csv"): its column names, Integration Name holding the vendor,
  month-first local times of the instance (America/New_York) without an
  offset, durations written with thousands separators, and Autotask's
  Threshold Exceeded verdict (Thread Count) on a burst of Datto RMM calls at
  3 PM, four or more at once on Tickets.
- 11-04 to 11-06 are not calls but counts: Autotask's Summary table as its
  page exports it ("2026-11-05 API Activity by Hour.csv": 12-hour labels,
  numbers with thousands separators, a Total calls column), one per day,
  named with their dates; on 11-05 BrightGauge goes over the limit at 2 PM.
IP addresses are from the documentation ranges of RFC 5737.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20261116
FIRST_DAY = datetime(2026, 11, 10, tzinfo=timezone.utc)
DAYS = 7
FIELDS = ["execution_start", "method", "entity", "return_count", "vendor", "integration",
          "tracking_id", "api_user", "execution_ms", "client_ip"]
DISPLAY = {"execution_start": "Execution Start", "method": "Method", "entity": "Entity",
           "return_count": "Request Return Count", "vendor": "Vendor Name",
           "integration": "Integration Name", "tracking_id": "Tracking ID",
           "api_user": "Resource / API User", "execution_ms": "Execution Time (ms)",
           "client_ip": "Client IP Address"}

# name: (vendor, integration, tracking id, api user, ip, entities, calls per hour by UTC hour)
BUSINESS = range(13, 23)  # 08:00-17:00 in New York
SOURCES = {
    "rmm": ("Datto RMM", "", "DATTO-RMM", "rmm.sync@api.example.net", "198.51.100.20",
            ["ConfigurationItems", "Tickets", "Companies", "TicketNotes"], lambda h: 40 + 50 * (h in BUSINESS)),
    "glue": ("IT Glue", "", "ITGLUE", "itglue@api.example.net", "203.0.113.45",
             ["Companies", "Contacts", "ConfigurationItems"], lambda h: 45 * (h in BUSINESS)),
    "gauge": ("BrightGauge", "", "BRIGHTGAUGE", "dashboards@api.example.net", "203.0.113.80",
              ["Tickets", "TimeEntries", "Resources"], lambda h: 60),
    "liongard": ("Liongard", "", "LIONGARD", "inspector@api.example.net", "198.51.100.77",
                 ["ConfigurationItems", "Companies"], lambda h: 500 * (h in (6, 7))),
    "billing": ("", "Billing Sync", "BILLSYNC-01", "billing.bot@api.example.net", "192.0.2.10",
                ["Contracts", "ContractServices", "BillingItems"], lambda h: 700 * (h == 4)),
    "tracker": ("", "", "TRK-7F3A9", "reporting@api.example.net", "192.0.2.33",
                ["Tickets", "Projects"], lambda h: 25 * (h in BUSINESS)),
    "unknown": ("", "", "", "legacy.script@api.example.net", "192.0.2.99",
                ["Tickets", "Resources"], lambda h: 8),
}
# (day index, UTC hour, source, calls): the busy hours that make the sample interesting
BURSTS = [(6, 14, "rmm", 7_900), (6, 15, "rmm", 10_450), (4, 7, "liongard", 7_600)]
METHODS = [("query", 70), ("update", 12), ("create", 8), ("getEntityInfo", 3),
           ("getFieldInfo", 3), ("getUDFInfo", 2), ("delete", 1), ("GetAttachment", 1)]


def calls_for_hour(rng: random.Random, start: datetime, source: str, n: int) -> list[dict]:
    vendor, integration, tracking, user, ip, entities, _ = SOURCES[source]
    methods, weights = zip(*METHODS)
    rows = []
    for _ in range(n):
        method = rng.choices(methods, weights)[0]
        rows.append({
            "execution_start": start + timedelta(milliseconds=rng.randrange(3_600_000)),
            "method": method, "entity": rng.choice(entities),
            "return_count": rng.randint(0, 500) if method == "query" else int(method != "delete"),
            "vendor": vendor, "integration": integration, "tracking_id": tracking,
            "api_user": user, "execution_ms": int(rng.lognormvariate(4.6, 0.6)), "client_ip": ip,
        })
    return rows


def day_calls(rng: random.Random, index: int) -> list[dict]:
    day = FIRST_DAY + timedelta(days=index)
    extra = {(h, s): n for d, h, s, n in BURSTS if d == index}
    rows = []
    for hour in range(24):
        for name, spec in SOURCES.items():
            base = spec[-1](hour)
            n = extra.get((hour, name), int(base * rng.uniform(0.8, 1.2)))
            rows += calls_for_hour(rng, day + timedelta(hours=hour), name, n)
    rows.sort(key=lambda r: r["execution_start"])
    return rows


def iso(moment: datetime, offset_hours: int) -> str:
    local = moment.astimezone(timezone(timedelta(hours=offset_hours)))
    text = local.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def write_csv(path: Path, rows: list[dict], display: bool, offset: int) -> None:
    # mtime=0 keeps the gzip bytes the same from run to run
    raw = gzip.GzipFile(path, "wb", mtime=0) if path.suffix == ".gz" else open(path, "wb")
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([DISPLAY[f] if display else f for f in FIELDS])
        for row in rows:
            writer.writerow([iso(row[f], offset) if f == "execution_start" else row[f] for f in FIELDS])


def write_parquet(path: Path, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({f: [r[f] for r in rows] for f in FIELDS})
    table = table.set_column(0, "execution_start", table.column(0).cast(pa.timestamp("ms", "UTC")))
    pq.write_table(table, path, row_group_size=8_192, compression="zstd")


# Autotask's Activity table, as its CSV export writes it: its columns, in its order.
EXPORT = ["Method", "Entity", "Request Return Count", "Integration Name", "Resource / API User",
          "Execution Start", "Execution Time (ms)", "Threshold Exceeded", "Client IP Address"]
INSTANCE_TZ = ZoneInfo("America/New_York")


def local_day_calls(rng: random.Random, day: datetime) -> list[dict]:
    """The calls of a local day of the instance's zone (an export covers one)."""
    start = datetime(day.year, day.month, day.day, tzinfo=INSTANCE_TZ).astimezone(timezone.utc)
    rows = []
    for hour in range(24):
        moment = start + timedelta(hours=hour)
        for name, spec in SOURCES.items():
            rows += calls_for_hour(rng, moment, name, int(spec[-1](moment.hour) * rng.uniform(0.8, 1.2)))
    return rows


def thread_burst(rng: random.Random, start: datetime, n: int) -> list[dict]:
    """n Datto RMM calls on Tickets within a tenth of a second, each lasting
    about a second: from the fourth on, Autotask's thread limit marks them."""
    rows = calls_for_hour(rng, start, "rmm", n)
    for i, row in enumerate(rows):
        row.update(execution_start=start + timedelta(milliseconds=10 * i), entity="Tickets", method="query",
                   execution_ms=1_000 + rng.randrange(400), verdict="Thread Count" if i >= 3 else "")
    return rows


def us_local(moment: datetime) -> str:
    """11/9/2026 3:04:12 PM: how Autotask's export writes a time, in the instance's zone."""
    local = moment.astimezone(INSTANCE_TZ)
    hour = local.hour % 12 or 12
    return f"{local.month}/{local.day}/{local.year} {hour}:{local:%M:%S} {'AM' if local.hour < 12 else 'PM'}"


def write_export(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT)
        for row in sorted(rows, key=lambda r: r["execution_start"]):
            writer.writerow([row["method"], row["entity"], row["return_count"],
                             row["vendor"] or row["integration"], row["api_user"], us_local(row["execution_start"]),
                             f"{row['execution_ms']:,}", row.get("verdict", ""), row["client_ip"]])


def proxy_line(row: dict) -> dict:
    """One line of a middleware proxy's log: nested, epoch milliseconds, keys
    only where the call has a value."""
    autotask = {"entity": row["entity"], "vendor": row["vendor"], "customName": row["integration"],
                "apiIntegrationCode": row["tracking_id"], "apiUser": row["api_user"],
                "returnCount": row["return_count"]}
    return {"ts": int(row["execution_start"].timestamp() * 1000), "http": {"method": row["method"], "status": 200},
            "autotask": {k: v for k, v in autotask.items() if v != ""}, "duration_ms": row["execution_ms"],
            "client": {"ip": row["client_ip"]}}


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(proxy_line(row), separators=(",", ":")) + "\n")


# Days exported as Autotask's Summary table, and the busy hours on them: (hour, source) -> calls
SUMMARY_DAYS = {"2026-11-04": {}, "2026-11-05": {(13, "gauge"): 7_850, (14, "gauge"): 10_212}, "2026-11-06": {}}


def hour_label(hour: int) -> str:
    """12:00 AM ... 11:00 PM, as the Summary table labels its rows."""
    return f"{hour % 12 or 12}:00 {'AM' if hour < 12 else 'PM'}"


def summary_counts(rng: random.Random, busy: dict) -> dict[str, list[int]]:
    """Calls per hour of each integration's column: the vendor, else the
    custom integration's name (or tracking id), else Unknown; vendors first,
    then custom integrations, then Unknown, as the page orders them."""
    columns = {}
    for name, (vendor, integration, tracking, *_, rate) in SOURCES.items():
        label = vendor or integration or tracking or "Unknown"
        kind = 0 if vendor else 1 if integration or tracking else 2
        columns[(kind, label)] = [busy.get((h, name), int(rate(h) * rng.uniform(0.8, 1.2))) for h in range(24)]
    return {label: counts for (_, label), counts in sorted(columns.items())}


def write_summary_export(path: Path, counts: dict[str, list[int]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Hour", *counts, "Total calls"])
        for hour in range(24):
            cells = [column[hour] for column in counts.values()]
            writer.writerow([hour_label(hour), *(f"{n:,}" for n in cells), f"{sum(cells):,}"])


def main(out: Path) -> None:
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    for index in range(DAYS):
        rows = day_calls(rng, index)
        stem = (FIRST_DAY + timedelta(days=index)).date().isoformat()
        if index < 2:
            write_csv(out / f"{stem}.csv", rows, display=True, offset=0)
        elif index < 4:
            write_csv(out / f"{stem}.csv.gz", rows, display=False, offset=-5)
        else:
            write_parquet(out / f"{stem}.parquet", rows)
        print(f"{stem}: {len(rows):,} calls", file=sys.stderr)
    # Days in the other forms, from a second seed so the days above stay byte for byte as they were.
    rng = random.Random(SEED + 1)
    proxy = day_calls(rng, -2)
    write_jsonl(out / "2026-11-08.jsonl.gz", proxy)
    export = local_day_calls(rng, FIRST_DAY - timedelta(days=1))
    export += thread_burst(rng, datetime(2026, 11, 9, 15, 0, 7, tzinfo=INSTANCE_TZ).astimezone(timezone.utc), 6)
    write_export(out / "API Activity Detail.csv", export)
    print(f"2026-11-08: {len(proxy):,} calls; 2026-11-09 (New York): {len(export):,} calls", file=sys.stderr)
    rng = random.Random(SEED + 2)
    for day, busy in SUMMARY_DAYS.items():
        counts = summary_counts(rng, busy)
        write_summary_export(out / f"{day} API Activity by Hour.csv", counts)
        print(f"{day}: {sum(map(sum, counts.values())):,} calls as hourly counts", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "sample_logs")
