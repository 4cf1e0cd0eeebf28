"""Samples of Autotask's own request counter, as pollers write them, and a
small day of calls and samples whose gaps are computed by hand."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import timedelta
from pathlib import Path

from make_logs import burst, utc, write_csv

REST = ("polled_at", "currentTimeframeRequestCount", "externalRequestThreshold", "requestThresholdTimeframe")
SOAP = ("time", "CurrentTimeframeRequestCount", "ExternalRequestThreshold", "RequestThresholdTimeframe")


def write_samples(path: Path, rows: list[tuple], names: tuple = REST, delimiter: str = ",") -> Path:
    """(time, count, threshold, timeframe) rows as CSV, or JSON Lines for a
    .jsonl name (a value of None is left out of its line); gzipped for .gz."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        if ".jsonl" in path.name:
            for row in rows:
                handle.write(json.dumps({k: v for k, v in zip(names, row) if v is not None}) + "\n")
        else:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(names)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


# The hand-computed day, 2026-11-15 (UTC). Calls: one a minute from 10:00:00
# to 10:59:00 (60), then one a minute from 11:00:30 to 11:29:30 (30). A
# sample at t counts the calls in (t - timeframe, t]:
#   10:30:00, 60 min: 10:00..10:30            = 31; Autotask 40     -> gap 9
#   11:00:00, 60 min: 10:01..10:59            = 59; Autotask 59     -> gap 0
#   11:15:00, 60 min: 10:16..10:59 + 11:00:30..11:14:30 = 44 + 15 = 59; Autotask 80 -> gap 21
#   11:15:00, 30 min: 10:46..10:59 + 15       = 29; Autotask 35     -> gap 6
#   12:00:00, 60 min: 11:00:30..11:29:30      = 30; Autotask 25     -> gap -5
# The thresholds disagree: 10,000 then 12,000 from 11:15 (the latest).
GAP_SAMPLES = [
    ("2026-11-15T10:30:00Z", 40, 10_000, 60),
    ("2026-11-15T11:00:00Z", 59, 10_000, 60),
    ("2026-11-15T11:15:00Z", 80, 12_000, 60),
    ("2026-11-15T11:15:00Z", 35, 12_000, 30),
    ("2026-11-15T12:00:00Z", 25, 12_000, 60),
]
REPLAYED = [31, 59, 59, 29, 30]
GAPS = [9, 0, 21, 6, -5]


def gap_day(folder: Path, samples: list[tuple] = GAP_SAMPLES, name: str = "counter.csv") -> Path:
    """The hand-computed day's calls and samples in `folder`."""
    rows = (burst(utc(2026, 11, 15, 10), 60, timedelta(minutes=1), vendor="Datto RMM")
            + burst(utc(2026, 11, 15, 11, 0, 30), 30, timedelta(minutes=1), vendor="IT Glue"))
    write_csv(folder / "calls.csv", rows)
    write_samples(folder / name, samples)
    return folder
