"""Small logs, written in every format the readers know, for tests to build
in their temporary folders."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

FIELDS = ["execution_start", "method", "entity", "return_count", "vendor", "integration",
          "tracking_id", "api_user", "execution_ms", "client_ip"]


def call(start: str, vendor: str = "", integration: str = "", tracking_id: str = "", **extra) -> dict:
    """One log row; `start` as written in the file."""
    row = {"execution_start": start, "method": "query", "entity": "Tickets", "return_count": 1,
           "vendor": vendor, "integration": integration, "tracking_id": tracking_id,
           "api_user": "api@example.net", "execution_ms": 50, "client_ip": "192.0.2.1"}
    row.update(extra)
    return row


def burst(start: datetime, n: int, every: timedelta = timedelta(seconds=1), **fields) -> list[dict]:
    """n calls from `start`, one every `every`, timestamps in UTC with Z."""
    return [call(iso_z(start + i * every), **fields) for i in range(n)]


def iso_z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_csv(path: Path, rows: Iterable[dict], header: list[str] | None = None) -> Path:
    rows = list(rows)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or FIELDS)
        for row in rows:
            writer.writerow([row[f] for f in FIELDS])
    return path


def write_parquet(path: Path, rows: Iterable[dict], row_group_size: int = 1000) -> Path:
    """Parquet with a real timestamp column (UTC)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(rows)
    table = pa.table({f: [r[f] for r in rows] for f in FIELDS})
    stamps = pa.array([datetime.fromisoformat(r["execution_start"].replace("Z", "+00:00")) for r in rows],
                      pa.timestamp("ms", "UTC"))
    table = table.set_column(0, "execution_start", stamps)
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# Categories the generated calls cycle through: vendors (one padded with
# spaces), a named custom integration, a bare tracking id, Unknown, and a
# custom integration named like a vendor.
TRIPLES = [("Datto RMM", "", ""), (" IT Glue ", "", ""), ("", "Billing", "TRK-B"), ("", "", "TRK-1"),
           ("", "", ""), ("Acme", "", ""), ("", "Acme", "")]


def calls_every(first: datetime, days: int, every: timedelta) -> list[dict]:
    """A call every `every` for `days`, cycling through the categories."""
    out, moment, i = [], first, 0
    while moment < first + timedelta(days=days):
        vendor, integration, tracking = TRIPLES[i % len(TRIPLES)]
        out.append(call(iso_z(moment), vendor, integration, tracking))
        moment, i = moment + every, i + 1
    return out
