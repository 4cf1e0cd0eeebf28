"""Calls around both of New York's clock changes in 2026, for the heat map
of `summary --since/--until`: every number known by construction."""

from __future__ import annotations

from pathlib import Path

from make_logs import burst, utc, write_csv

ZONE = "America/New_York"  # springs forward on 2026-03-08, falls back on 2026-11-01
THRESHOLD = 10


def build_clock_change_range(folder: Path) -> Path:
    """Local times (New York), with --threshold 10:
    2026-03-08 11:00 EDT  Acme 2 (a 23-hour day: no 02:00)
    2026-10-31 10:00 EDT  Datto RMM 5
    2026-11-01 01:10 EDT  Datto RMM 3       (the first 01:00)
               01:10 EST  Datto RMM 4, IT Glue 2 (the second 01:00)
               10:00 EST  Datto RMM 12, IT Glue 12 (both over 10; a tie)
    2026-11-03 09:00 EST  Acme 1
    """
    rows = (burst(utc(2026, 3, 8, 15), 2, vendor="Acme")
            + burst(utc(2026, 10, 31, 14), 5, vendor="Datto RMM")
            + burst(utc(2026, 11, 1, 5, 10), 3, vendor="Datto RMM")
            + burst(utc(2026, 11, 1, 6, 10), 4, vendor="Datto RMM")
            + burst(utc(2026, 11, 1, 6, 20), 2, vendor="IT Glue")
            + burst(utc(2026, 11, 1, 15), 12, vendor="IT Glue")
            + burst(utc(2026, 11, 1, 15, 30), 12, vendor="Datto RMM")
            + burst(utc(2026, 11, 3, 14), 1, vendor="Acme"))
    write_csv(folder / "calls.csv", rows)
    return folder
