"""What a DuckDB user would write for the tenants report: one SQL query, the
rolling hour as a window over each tenant's calls.
Usage: python duckdb_tenants.py PATH SINCE UNTIL [--tz ZONE]; CSV on stdout.

PATH is a Parquet file or a hive-partitioned folder (date=YYYY-MM-DD/tenant=NAME/)
whose files hold a tenant column. SINCE and UNTIL are dates, both included,
in ZONE (UTC by default). One row per tenant with calls in the period:
calls, integrations (distinct category labels), peak_rolling_hour (the most
calls in any window (t - 60 min, t] for t a call time in the period, calls
up to 60 minutes before the period counted too), peak_at (the first such t)
and hours_over_limit (UTC clock hours in which one integration made more than
10,000 calls; these are the zone's clock hours too wherever its offset is a
whole number of hours). Sorted by peak_rolling_hour, most first, then tenant.
"""

import csv
import sys
from datetime import datetime, timedelta

import duckdb
from tenant_period import arguments

LIMIT = 10_000
CATEGORY = """CASE WHEN trim(coalesce(vendor, '')) <> '' THEN trim(vendor)
  WHEN trim(coalesce(integration, '')) <> '' THEN trim(integration)
  WHEN trim(coalesce(tracking_id, '')) <> '' THEN trim(tracking_id) ELSE 'Unknown' END"""
# Autotask's rolling hour is (t - 60 min, t]: a call exactly 60 minutes before t
# no longer counts. The usual RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND
# CURRENT ROW counts it ([t - 60 min, t]). DuckDB keeps TIMESTAMPTZ in
# microseconds, so a frame one microsecond short of an hour is (t - 60 min, t]
# exactly, for any time DuckDB can hold: one window, as cheap as the usual
# one. INTERVAL '3599.999' SECOND would be exact only for millisecond logs;
# subtracting the calls at exactly t - 60 min (a self-join or ASOF join) is
# exact too, at the cost of a join over every call.
ROLLING_HOUR = "INTERVAL '3599999999' MICROSECOND PRECEDING AND CURRENT ROW"


def source(path: str) -> str:
    if path.endswith(".parquet"):
        return f"read_parquet('{path}')"
    return f"read_parquet('{path}/**/*.parquet', hive_partitioning = true)"


def query(con: duckdb.DuckDBPyConnection, path: str, start: datetime, end: datetime) -> str:
    reach = start - timedelta(hours=1)
    where = f"execution_start >= TIMESTAMPTZ '{reach.isoformat()}' AND execution_start < TIMESTAMPTZ '{end.isoformat()}'"
    if "date" in con.sql(f"SELECT * FROM {source(path)} LIMIT 0").columns:
        # A date= folder holds its date's calls by some clock: read a day either side.
        where += (f" AND date BETWEEN DATE '{reach.date() - timedelta(days=1)}'"
                  f" AND DATE '{end.date() + timedelta(days=1)}'")
    return f"""
WITH calls AS (
  SELECT tenant, execution_start AS ts, {CATEGORY} AS category FROM {source(path)} WHERE {where}
), rolling AS (
  SELECT tenant, ts, category,
         count(*) OVER (PARTITION BY tenant ORDER BY ts RANGE BETWEEN {ROLLING_HOUR}) AS in_hour
  FROM calls
), inside AS (
  SELECT * FROM rolling WHERE ts >= TIMESTAMPTZ '{start.isoformat()}'
), hourly AS (
  SELECT tenant, date_trunc('hour', ts) AS hour, category, count(*) AS n FROM inside GROUP BY ALL
), over AS (
  SELECT tenant, count(DISTINCT hour) AS hours_over_limit FROM hourly WHERE n > {LIMIT} GROUP BY tenant
)
SELECT tenant, count(*) AS calls, count(DISTINCT category) AS integrations,
       max(in_hour) AS peak_rolling_hour,
       strftime(arg_min(ts, (-in_hour, ts)), '%Y-%m-%dT%H:%M:%S.%g+00:00') AS peak_at,
       coalesce(any_value(hours_over_limit), 0) AS hours_over_limit
FROM inside LEFT JOIN over USING (tenant)
GROUP BY tenant ORDER BY peak_rolling_hour DESC, tenant"""


def main() -> None:
    path, start, end = arguments(sys.argv[1:])
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    result = con.sql(query(con, path, start, end))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(result.fetchall())


main()
