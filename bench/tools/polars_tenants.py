"""What a Polars user would write for the tenants report: a lazy scan, the
rolling hour by `rolling` over each tenant's sorted calls, group by.
Usage: python polars_tenants.py PATH SINCE UNTIL [--tz ZONE]; CSV on stdout.

The same rows as duckdb_tenants.py (see there): calls, integrations,
peak_rolling_hour over windows (t - 60 min, t], peak_at, hours_over_limit
(UTC clock hours), one row per tenant, most calls in a rolling hour first.
"""

import sys
from datetime import datetime, timedelta

import polars as pl
from tenant_period import arguments

LIMIT = 10_000


def scan(path: str) -> pl.LazyFrame:
    if path.endswith(".parquet"):
        return pl.scan_parquet(path)
    return pl.scan_parquet(f"{path}/**/*.parquet", hive_partitioning=True)


def text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).fill_null("").str.strip_chars()


def calls_of(path: str, start: datetime, end: datetime) -> pl.LazyFrame:
    """Each call's tenant, time and category, from an hour before the period to its end."""
    ts = pl.col("execution_start")
    reach = start - timedelta(hours=1)
    calls = scan(path)
    wanted = (ts >= reach) & (ts < end)
    if "date" in calls.collect_schema().names():
        # A date= folder holds its date's calls by some clock: read a day either side.
        wanted &= pl.col("date").is_between(reach.date() - timedelta(days=1), end.date() + timedelta(days=1))
    category = (pl.when(text("vendor") != "").then(text("vendor"))
                .when(text("integration") != "").then(text("integration"))
                .when(text("tracking_id") != "").then(text("tracking_id")).otherwise(pl.lit("Unknown")))
    return calls.filter(wanted).select(pl.col("tenant").cast(pl.String), ts, category=category)


def tenants(path: str, start: datetime, end: datetime) -> pl.DataFrame:
    ts = pl.col("execution_start")
    calls = calls_of(path, start, end).sort("tenant", "execution_start")
    # closed="right": the window of a call at t is (t - 1h, t], Autotask's
    # rolling hour, so a call exactly 60 minutes earlier is not counted.
    rolling = (calls.rolling(index_column="execution_start", period="1h", closed="right", group_by="tenant")
               .agg(in_hour=pl.len()).filter(ts >= start))
    peaks = rolling.group_by("tenant").agg(
        peak_rolling_hour=pl.col("in_hour").max(),
        peak_at=ts.filter(pl.col("in_hour") == pl.col("in_hour").max()).min())
    inside = calls.filter(ts >= start)
    counts = inside.group_by("tenant").agg(calls=pl.len(), integrations=pl.col("category").n_unique())
    over = (inside.group_by("tenant", ts.dt.truncate("1h").alias("hour"), "category").agg(n=pl.len())
            .filter(pl.col("n") > LIMIT).group_by("tenant").agg(hours_over_limit=pl.col("hour").n_unique()))
    return (counts.join(peaks, on="tenant").join(over, on="tenant", how="left")
            .select("tenant", "calls", "integrations", "peak_rolling_hour",
                    pl.col("peak_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.3f+00:00"),
                    pl.col("hours_over_limit").fill_null(0))
            .sort(["peak_rolling_hour", "tenant"], descending=[True, False]).collect())


def main() -> None:
    path, start, end = arguments(sys.argv[1:])
    tenants(path, start, end).write_csv(sys.stdout)


main()
