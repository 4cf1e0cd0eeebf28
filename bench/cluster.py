"""apihourly on a Dask cluster (--scheduler) against the same run on this machine.

    python bench/cluster.py             # generate bench/data/ if missing, 3 rounds
    python bench/cluster.py --reps 5

Three cases: `tenants` over the fleet (1,000 tenants x 7 days, 20M calls in
7,000 Parquet files: tasks of whole tenants, rows come back), `days` over
the 30 hive partitions of the 10M month (a digest per file comes back) and
`limits` of a 5M-call day (the day's calls come back: the most a report
sends).
Each runs on this machine (its own worker processes, as a user runs it),
then through --scheduler on a LocalCluster of 1 and of 2 single-threaded
worker processes started by this script; the configurations take turns,
round by round, so load from elsewhere falls on all alike. Every run is a
process of its own with an empty cache (APIHOURLY_CACHE_DIR in a temporary
folder under bench/data/), timed from start to exit; the answers must be
the same. From the `cluster:` line each run prints, the tasks, the bytes
their results took and the seconds the workers spent give the per-task
figures and an estimate for more workers:

    wall(N) ~ client + busy / N, client = wall(2) - busy / 2

which assumes the workers' reads do not slow each other (separate machines,
storage that scales) and that tasks keep every worker busy (as many tasks
as workers, at least). The targets of the cluster issue follow the table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import datasets

HERE = Path(__file__).resolve().parent
PERIOD = ("--since", datasets.FLEET_FIRST_DAY.isoformat(), "--until", datasets.LAST_DAY.isoformat())
CASES = {
    "tenants, fleet of 1,000 tenants x 7 days (7,000 files, 20M calls)":
        ("fleet", ["tenants", "--tz", "UTC", "--logs", str(datasets.FILES["fleet"]), *PERIOD, "--csv"]),
    "days, 30 hive partitions of the 10M month":
        ("month_hive", ["days", "--tz", "UTC", "--logs", str(datasets.FILES["month_hive"]), "--csv"]),
    "limits, a day of 5M calls (one Parquet file)":
        ("day5m", ["limits", "--tz", "UTC", "--logs", str(datasets.FILES["day5m"]),
                   "--date", datasets.LAST_DAY.isoformat(), "--csv"]),
}
SETUPS = ("local", "dask 1 worker", "dask 2 workers")
TALLY = re.compile(r"cluster: ([\d,]+) tasks? .* returned ([\d,.]+) (bytes|KB|MB|GB) .* after ([\d.]+) s of work")
UNITS = {"bytes": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


@dataclass
class Runs:
    walls: list[float] = field(default_factory=list)
    tasks: int = 0
    returned: float = 0.0
    busy: list[float] = field(default_factory=list)
    answer: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)


def run(argv: list[str], scratch: Path) -> tuple[float, str, str]:
    """Wall seconds, stdout and stderr of one apihourly process, cache empty."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["APIHOURLY_CACHE_DIR"] = tempfile.mkdtemp(dir=scratch)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "apihourly", *argv], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"apihourly {' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, done.stdout, done.stderr


def record(into: Runs, wall: float, out: str, err: str) -> None:
    into.walls.append(wall)
    into.answer = into.answer or out
    if into.answer != out:
        raise RuntimeError("two runs of one configuration disagree")
    if m := TALLY.search(err):
        into.tasks = int(m.group(1).replace(",", ""))
        into.returned = float(m.group(2).replace(",", "")) * UNITS[m.group(3)]
        into.busy.append(float(m.group(4)))


def measure(reps: int, scratch: Path) -> dict[tuple[str, str], Runs]:
    from distributed import LocalCluster

    results = {(case, setup): Runs() for case in CASES for setup in SETUPS}
    options = dict(threads_per_worker=1, processes=True, dashboard_address=":0", local_directory=str(scratch))
    with LocalCluster(n_workers=1, **options) as one, LocalCluster(n_workers=2, **options) as two:
        address = {"local": None, "dask 1 worker": one.scheduler_address, "dask 2 workers": two.scheduler_address}
        for rep in range(reps):
            for case, (_, argv) in CASES.items():
                for setup in SETUPS:
                    extra = ["--scheduler", address[setup]] if address[setup] else []
                    wall, out, err = run([*argv, "--no-cache", *extra], scratch)
                    record(results[case, setup], wall, out, err)
                    print(f"  round {rep + 1}: {setup:<15} {wall:6.1f} s  {case}", file=sys.stderr)
    return results


def table(results: dict[tuple[str, str], Runs]) -> list[str]:
    lines = ["| case | setup | wall s (median) | tasks | bytes per task | worker s per task | log MB/s per task |",
             "|---|---|---|---|---|---|---|"]
    for case, (data, _) in CASES.items():
        path = datasets.FILES[data]
        size = sum(p.stat().st_size for p in path.rglob("*.parquet")) if path.is_dir() else path.stat().st_size
        for setup in SETUPS:
            runs = results[case, setup]
            if not runs.tasks:
                lines.append(f"| {case} | {setup} | {runs.wall:.1f} | | | | |")
                continue
            busy = statistics.median(runs.busy)
            lines.append(f"| {case} | {setup} | {runs.wall:.1f} | {runs.tasks:,} | {runs.returned / runs.tasks:,.0f} | "
                         f"{busy / runs.tasks:.2f} | {size / busy / (1 << 20):.0f} |")
    return lines


def estimates(results: dict[tuple[str, str], Runs]) -> list[str]:
    lines = []
    for case in CASES:
        two = results[case, "dask 2 workers"]
        busy = statistics.median(two.busy)
        client = max(0.0, two.wall - busy / 2)
        guess = ", ".join(f"{n} workers ~{client + busy / n:.0f} s" for n in (4, 16, 64))
        lines.append(f"- {case}: client {client:.1f} s + {busy:.1f} worker-seconds / N: estimate {guess}")
    return lines


def targets(results: dict[tuple[str, str], Runs]) -> tuple[list[str], bool]:
    case = next(iter(CASES))
    local, one, two = (results[case, setup].wall for setup in SETUPS)
    checks = [(f"2 workers no slower than 1.3x the local run: {two / local:.2f}x", two <= 1.3 * local),
              (f"2 workers beat 1: {two:.1f} s against {one:.1f} s", two < one)]
    same = all(results[c, s].answer == results[c, "local"].answer for c in CASES for s in SETUPS)
    checks.append(("every configuration gives the same answer", same))
    return [f"- {'met' if ok else 'MISSED'}: {text}" for text, ok in checks], all(ok for _, ok in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    opts = parser.parse_args()
    datasets.ensure([data for data, _ in CASES.values()])
    scratch = Path(tempfile.mkdtemp(prefix="cluster-", dir=datasets.DATA))
    try:
        results = measure(opts.reps, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n".join(table(results)))
    print("\nEstimate for N workers (see the module docstring):")
    print("\n".join(estimates(results)))
    lines, ok = targets(results)
    print("\nTargets:")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
