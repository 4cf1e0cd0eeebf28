"""The naive pandas script: read everything, filter, pivot_table.
Usage: python pandas_report.py summary PATH DATE; CSV on stdout."""

import sys

import numpy as np
import pandas as pd


def main() -> None:
    _, path, day = sys.argv[1:4]
    frame = pd.read_csv(path) if path.endswith(".csv") else pd.read_parquet(path)
    ts = pd.to_datetime(frame["execution_start"], utc=True)
    start = pd.Timestamp(day, tz="UTC")
    frame = frame[(ts >= start) & (ts < start + pd.Timedelta(days=1))].copy()
    text = {f: frame[f].astype("string").fillna("").str.strip() for f in ("vendor", "integration", "tracking_id")}
    frame["category"] = np.select(
        [text["vendor"] != "", text["integration"] != "", text["tracking_id"] != ""],
        [text["vendor"], text["integration"], text["tracking_id"]], "Unknown")
    frame["hour"] = pd.to_datetime(frame["execution_start"], utc=True).dt.floor("h")
    table = frame.pivot_table(index="hour", columns="category", values="execution_start", aggfunc="size", fill_value=0)
    table.to_csv(sys.stdout)


main()
