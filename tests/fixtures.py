"""A day of calls whose every number is known by construction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from make_logs import burst, call, utc, write_csv, write_parquet

DISPLAY_HEADER = ["Execution Start", "Method", "Entity", "Request Return Count", "Vendor Name",
                  "Integration Name", "Tracking ID", "Resource / API User", "Execution Time (ms)",
                  "Client IP Address"]

# label -> {UTC hour: calls} on 2026-11-15
EXPECTED = {
    "Acme": {14: 3},
    "Datto RMM": {14: 10_001},
    "IT Glue": {9: 7_500},
    "Acme (custom)": {14: 2},
    "TRK-1": {3: 4},
    "Unknown (custom)": {20: 1},
    "Unknown": {23: 5},
}
COLUMN_ORDER = ["Acme", "Datto RMM", "IT Glue", "Acme (custom)", "TRK-1", "Unknown (custom)", "Unknown"]


def build_known_day(folder: Path) -> Path:
    """2026-11-15 (UTC) across CSV with display headers, gzipped CSV and Parquet,
    plus 6 Unknown calls on 2026-11-14."""
    rmm = burst(utc(2026, 11, 15, 14), 10_001, timedelta(seconds=0.3), vendor="Datto RMM", entity="Devices")
    glue = burst(utc(2026, 11, 15, 9), 7_500, timedelta(seconds=0.4), vendor="IT Glue")
    small = (
        burst(utc(2026, 11, 15, 14, 10), 3, vendor="Acme")
        + burst(utc(2026, 11, 15, 14, 20), 2, integration="Acme", tracking_id="ACME-9")
        + burst(utc(2026, 11, 15, 3), 4, tracking_id="TRK-1")
        + [call("2026-11-15T15:30:00-05:00", integration="Unknown")]  # 20:30 UTC
        + burst(utc(2026, 11, 15, 23, 59, 50), 5)
    )
    earlier = burst(utc(2026, 11, 14, 12), 6)
    write_csv(folder / "rmm.csv", rmm, header=DISPLAY_HEADER)
    write_csv(folder / "glue.csv.gz", glue)
    write_parquet(folder / "small.parquet", small + earlier, row_group_size=4)
    return folder


def activity_at(query, day, hour: str, label, **options):
    """reports.activity for an hour written as on the command line ('14',
    '2PM', an ISO hour start), as `apihourly activity --hour` reads it."""
    from apihourly.reports import activity, latest_day
    from apihourly.timeaxis import resolve_hour

    day, slot = resolve_hour(hour, day, query.tz, lambda: latest_day(query))
    return activity(query, day, slot, label, **options)
