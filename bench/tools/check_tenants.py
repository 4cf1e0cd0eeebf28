"""Run duckdb_tenants.py and polars_tenants.py on the same logs and check
their answers against each other and against a direct NumPy count.
Usage: python check_tenants.py PATH SINCE UNTIL [--tz ZONE] [--sample N]

Each tool runs as its own process under /usr/bin/time (wall seconds and peak
RSS, printed). Their CSVs must be equal row for row, every column. Then a
sample of tenants, those over 7,500 calls in a rolling hour by DuckDB's
answer and N others at random (20 unless told, fixed seed), is counted
again from the Parquet files with pyarrow and NumPy: each call's window
(t - 60 min, t] as two binary searches in the tenant's sorted times, the
hours as integer division. Every column of every sampled tenant must match,
and the rows' calls must add up to the calls the files hold in the period.
Exit status 1 on any difference, each one printed.
"""

import csv
import io
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = {"duckdb": HERE / "duckdb_tenants.py", "polars": HERE / "polars_tenants.py"}
LIMIT = 10_000
NEAR = 7_500
HOUR_NS = 3_600_000_000_000


def run(tool: Path, args: list[str]) -> tuple[list[dict], float, float]:
    """The tool's rows, its wall time (s) and its peak RSS (MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing.name, sys.executable, str(tool), *args],
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"error: {tool.name} failed:\n{done.stderr}")
        wall, rss_kb = timing.read().split()[-2:]
    return list(csv.DictReader(io.StringIO(done.stdout))), float(wall), int(rss_kb) / 1024


def reference(path: str, tenants: list[str], start_ns: int, end_ns: int) -> dict[str, dict]:
    """The sampled tenants' rows, counted from the files without either tool."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    ts = ds.field("execution_start")
    table = ds.dataset(path, format="parquet").to_table(
        columns=["tenant", "execution_start", "vendor", "integration", "tracking_id"],
        filter=ds.field("tenant").isin(tenants) & (ts >= pa.scalar(start_ns - HOUR_NS, pa.timestamp("ns", "UTC")))
        & (ts < pa.scalar(end_ns, pa.timestamp("ns", "UTC"))))
    category = pc.coalesce(*(_blank_as_null(table.column(name)) for name in ("vendor", "integration", "tracking_id")),
                           pa.scalar("Unknown"))
    stamps = table.column("execution_start").cast(pa.timestamp("ns", "UTC")).cast(pa.int64()).to_numpy()
    names = table.column("tenant").cast(pa.string()).to_numpy(zero_copy_only=False)
    labels = category.to_numpy(zero_copy_only=False)
    rows = {}
    for tenant in tenants:
        mine = names == tenant
        rows[tenant] = _tenant_row(stamps[mine], labels[mine], start_ns)
    return rows


def total_calls(path: str, start_ns: int, end_ns: int) -> int:
    """Calls in the period, all tenants: what the rows' calls must add up to."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    ts = ds.field("execution_start")
    return ds.dataset(path, format="parquet").count_rows(
        filter=(ts >= pa.scalar(start_ns, pa.timestamp("ns", "UTC"))) & (ts < pa.scalar(end_ns, pa.timestamp("ns", "UTC"))))


def _blank_as_null(column):
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(column.cast("string"))
    return pc.if_else(pc.equal(text, ""), None, text)


def _tenant_row(ns, labels, start_ns: int) -> dict:
    import numpy as np

    order = np.argsort(ns, kind="stable")
    ns, labels = ns[order], labels[order]
    in_hour = np.searchsorted(ns, ns, "right") - np.searchsorted(ns, ns - HOUR_NS, "right")
    inside = ns >= start_ns
    ns, labels, in_hour = ns[inside], labels[inside], in_hour[inside]
    if not len(ns):
        return {"calls": "0"}
    first = int(np.argmax(in_hour))  # the earliest of the highest, times being sorted
    names, codes = np.unique(labels, return_inverse=True)
    hour_label, n = np.unique(ns // HOUR_NS * len(names) + codes, return_counts=True)
    hours_over = np.unique(hour_label[n > LIMIT] // len(names)).size
    peak_at = np.datetime_as_string(np.datetime64(int(ns[first]), "ns"), unit="ms") + "+00:00"
    return {"calls": str(len(ns)), "integrations": str(len(names)),
            "peak_rolling_hour": str(int(in_hour[first])), "peak_at": peak_at,
            "hours_over_limit": str(hours_over)}


def differences(name: str, rows: list[dict], against: dict[str, dict]) -> list[str]:
    found = []
    for row in rows:
        expected = against.get(row["tenant"])
        if expected is not None and any(row[key] != value for key, value in expected.items()):
            found.append(f"{name} {row['tenant']}: {row} against {expected}")
    return found


def main() -> None:
    path, since, until, tz, sample = arguments(sys.argv[1:])
    answers, problems = {}, []
    for name, tool in TOOLS.items():
        rows, wall, rss = run(tool, [path, since, until, "--tz", tz])
        answers[name] = rows
        print(f"{name}: {len(rows):,} tenants, {wall:.2f} s wall, {rss:,.0f} MB peak RSS", flush=True)
    if answers["duckdb"] != answers["polars"]:
        problems.append("duckdb and polars differ")
        problems += differences("polars", answers["polars"], {row["tenant"]: row for row in answers["duckdb"]})
    rows = answers["duckdb"]
    busy = [row["tenant"] for row in rows if int(row["peak_rolling_hour"]) > NEAR]
    quiet = [row["tenant"] for row in rows if row["tenant"] not in busy]
    others = sorted(random.Random(20261115).sample(quiet, min(sample, len(quiet))))
    counted = reference(path, busy + others, *period_ns(since, until, tz))
    problems += differences("duckdb", rows, counted) + differences("polars", answers["polars"], counted)
    logged, answered = total_calls(path, *period_ns(since, until, tz)), sum(int(row["calls"]) for row in rows)
    if logged != answered:
        problems.append(f"the logs hold {logged:,} calls in the period, the tenants' rows {answered:,}")
    print(f"over {LIMIT:,} in a rolling hour: {', '.join(t for t in busy if _peak(rows, t) > LIMIT) or 'none'}")
    print(f"near it ({NEAR:,}-{LIMIT:,}): {', '.join(t for t in busy if _peak(rows, t) <= LIMIT) or 'none'}")
    print(f"the NumPy count checked {len(counted)} tenants: {', '.join(busy + others)}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"all agree: duckdb and polars on all {len(rows):,} tenants, both with NumPy on {len(counted)}, every column")


def arguments(args: list[str]) -> tuple[str, str, str, str, int]:
    """PATH SINCE UNTIL [--tz ZONE] [--sample N], options anywhere."""
    options = {"--tz": "UTC", "--sample": "20"}
    for name in options:
        if name in args:
            at = args.index(name)
            options[name] = args[at + 1]
            del args[at:at + 2]
    if len(args) != 3:
        sys.exit(__doc__.splitlines()[2])
    return *args, options["--tz"], int(options["--sample"])


def _peak(rows: list[dict], tenant: str) -> int:
    return next(int(row["peak_rolling_hour"]) for row in rows if row["tenant"] == tenant)


def period_ns(since: str, until: str, tz: str) -> tuple[int, int]:
    """The tools' period in UTC nanoseconds: [local midnight of SINCE, the midnight after UNTIL)."""
    from tenant_period import period

    return tuple(int(moment.timestamp()) * 1_000_000_000 for moment in period(since, until, tz))


main()
