"""What a DuckDB user would write: one SQL query (PIVOT for the summary).
Usage: python duckdb_report.py summary|totals|days PATH [DATE]; CSV on stdout."""

import csv
import sys

import duckdb

THRESHOLD = 10_000
CATEGORY = """CASE WHEN trim(coalesce(vendor, '')) <> '' THEN trim(vendor)
  WHEN trim(coalesce(integration, '')) <> '' THEN trim(integration)
  WHEN trim(coalesce(tracking_id, '')) <> '' THEN trim(tracking_id) ELSE 'Unknown' END"""


def source(path: str) -> str:
    if path.endswith(".csv"):
        return f"read_csv('{path}')"
    if not path.endswith(".parquet"):  # a hive-partitioned folder
        return f"read_parquet('{path}/*/*.parquet', hive_partitioning = true)"
    return f"read_parquet('{path}')"


def query(report: str, path: str, day: str | None) -> str:
    calls = f"SELECT date_trunc('hour', execution_start) AS hour, {CATEGORY} AS category FROM {source(path)}"
    if day:
        calls += (f" WHERE execution_start >= TIMESTAMPTZ '{day} 00:00:00+00'"
                  f" AND execution_start < TIMESTAMPTZ '{day} 00:00:00+00' + INTERVAL 1 DAY")
    if report == "summary":
        return f"PIVOT ({calls}) ON category USING count(*) GROUP BY hour ORDER BY hour"
    hourly = f"SELECT hour, category, count(*) AS n FROM ({calls}) GROUP BY ALL"
    if report == "totals":
        return (f"SELECT category, sum(n) AS calls, max(n) AS peak, count(*) FILTER (WHERE n > {THRESHOLD}) AS over"
                f" FROM ({hourly}) GROUP BY category ORDER BY calls DESC")
    return (f"SELECT CAST(hour AS DATE) AS date, sum(n) AS calls, count(DISTINCT category) AS integrations,"
            f" count(DISTINCT hour) FILTER (WHERE n > {THRESHOLD}) AS over"
            f" FROM ({hourly}) GROUP BY ALL ORDER BY date")


def main() -> None:
    report, path, day = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else None)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    result = con.sql(query(report, path, day))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(result.fetchall())


main()
