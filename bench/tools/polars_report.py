"""What a Polars user would write: a lazy scan, filter, group by, pivot.
Usage: python polars_report.py summary|totals|days PATH [DATE]; CSV on stdout."""

import sys
from datetime import datetime, timedelta, timezone

import polars as pl

THRESHOLD = 10_000


def scan(path: str) -> pl.LazyFrame:
    if path.endswith(".csv"):
        return pl.scan_csv(path, try_parse_dates=True)
    if not path.endswith(".parquet"):  # a hive-partitioned folder
        return pl.scan_parquet(f"{path}/**/*.parquet", hive_partitioning=True)
    return pl.scan_parquet(path)


def text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).fill_null("").str.strip_chars()


def main() -> None:
    report, path, day = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else None)
    ts = pl.col("execution_start")
    calls = scan(path)
    if day:
        start = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
        calls = calls.filter((ts >= start) & (ts < start + timedelta(days=1)))
    category = (pl.when(text("vendor") != "").then(text("vendor"))
                .when(text("integration") != "").then(text("integration"))
                .when(text("tracking_id") != "").then(text("tracking_id")).otherwise(pl.lit("Unknown")))
    hourly = calls.group_by(hour=ts.dt.truncate("1h"), category=category).agg(n=pl.len())
    if report == "summary":
        out = hourly.collect().pivot(on="category", index="hour", values="n").sort("hour")
    elif report == "totals":
        out = hourly.group_by("category").agg(calls=pl.col("n").sum(), peak=pl.col("n").max(),
                                              over=(pl.col("n") > THRESHOLD).sum()).sort("calls", descending=True).collect()
    else:
        out = (hourly.group_by(date=pl.col("hour").dt.date())
               .agg(calls=pl.col("n").sum(), integrations=pl.col("category").n_unique(),
                    over=pl.col("hour").filter(pl.col("n") > THRESHOLD).n_unique())
               .sort("date").collect())
    out.write_csv(sys.stdout)


main()
