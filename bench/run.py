"""apihourly against DuckDB, Polars and a naive pandas script, same files, same answers.

    python bench/run.py              # generate bench/data/ if missing, run every case 3 times
    python bench/run.py --reps 5     # more runs per tool
    python bench/run.py --only csv   # cases whose name contains 'csv'
    python bench/run.py --baseline /path/to/other/venv/bin/python
                                     # also time the apihourly installed there, as
                                     # 'baseline', in the same rounds: before and after a change

Every tool runs as its own process, timed from start to exit (imports
included); peak memory is that process's max RSS from os.wait4 (this script
imports nothing heavy, since Linux counts the parent's RSS at fork in the
child's maximum). Tools take turns
(one run of each per round) so load from elsewhere on a shared machine falls
on all alike; CPU seconds (user + system) are printed too, as they are less
sensitive to such load than wall time. Each tool's answer (from its first run)
is parsed into the same shape and compared with apihourly's; a disagreement
is printed and makes the exit status 1. The pandas script runs
once per case: it is the slow baseline and the machine is shared.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import datasets

HERE = Path(__file__).resolve().parent
TOOLS = HERE / "tools"
PY = sys.executable
DAY = datasets.LAST_DAY.isoformat()


@dataclass
class Case:
    name: str
    report: str  # summary | totals | days | help | version | activity
    data: str  # key of datasets.FILES, or ''
    tools: tuple[str, ...] = ("apihourly", "duckdb", "polars")
    extra: tuple[str, ...] = ()


CASES = [
    Case("summary, 1 day of 5M calls (Parquet)", "summary", "day5m", ("apihourly", "duckdb", "polars", "pandas")),
    Case("summary, 1 day of a 30-day 10M dataset", "summary", "month", ("apihourly", "duckdb", "polars", "pandas")),
    Case("summary, 1 day of 30 hive partitions", "summary", "month_hive"),
    Case("summary, 2M-row CSV day (171 MB)", "summary", "day2m_csv", ("apihourly", "duckdb", "polars", "pandas")),
    Case("totals, 1 day of the 10M dataset", "totals", "month"),
    Case("days, all of the 10M dataset", "days", "month"),
    Case("activity --limit 100, one hour x vendor (~53k calls)", "activity", "day5m", ("apihourly",),
         ("--hour", "14", "--vendor", "Acme")),
    Case("activity --csv, one hour x vendor (~53k calls)", "activity", "day5m", ("apihourly",),
         ("--hour", "14", "--vendor", "Acme", "--csv")),
    Case("apihourly --help", "help", "", ("apihourly",)),
    Case("apihourly --version", "version", "", ("apihourly",)),
]


def command(tool: str, case: Case, baseline: str = "") -> list[str]:
    path = str(datasets.FILES[case.data]) if case.data else ""
    if tool in ("apihourly", "baseline"):
        python = baseline if tool == "baseline" else PY
        if case.report in ("help", "version"):
            return [python, "-m", "apihourly", f"--{case.report}"]
        args = [python, "-m", "apihourly", case.report, "--logs", path, "--tz", "UTC"]
        if case.report != "days":
            args += ["--date", DAY]
        if case.report == "activity":
            return args + list(case.extra)
        return args + ["--csv"]
    args = [PY, str(TOOLS / f"{tool}_report.py"), case.report, path]
    return args + ([DAY] if case.report != "days" else [])


def run_once(argv: list[str], keep_output: bool) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, max RSS in MB and (if kept) stdout of one process."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, cwd=HERE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        if proc.returncode:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {err[-2000:]}")
        out.seek(0)
        text = out.read() if keep_output else ""
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, text


def _hour(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("+0000", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def answer(report: str, tool: str, text: str) -> object:
    """The tool's output as comparable data."""
    if not text:
        return None
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if report == "summary":
        cells = {}
        for row in body:
            for label, value in zip(header[1:], row[1:]):
                if label != "Total calls" and value not in ("", "0"):
                    cells[(_hour(row[0]), label)] = int(float(value))
        return cells
    if report == "totals":
        if tool in ("apihourly", "baseline"):  # Integration, Kind, Calls, Peak hour, Peak hour calls, Hours over limit
            return {r[0]: (int(r[2]), int(r[4]), int(r[5])) for r in body if r[0] != "Grand total"}
        return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in body}
    if report == "days":
        return {r[0]: tuple(int(v) for v in r[1:4]) for r in body}
    return None


def measure(case: Case, reps: int, baseline: str = "") -> dict[str, dict]:
    """Every tool of the case, in rounds (one run of each tool per round), so
    that load from elsewhere on the machine falls on all of them alike."""
    tools = case.tools + (("baseline",) if baseline else ())
    runs: dict[str, list] = {tool: [] for tool in tools}
    answers = {}
    for round_ in range(reps):
        for tool in tools:
            if tool == "pandas" and round_:
                continue
            keep = not round_ and case.report in ("summary", "totals", "days")
            wall, cpu, rss, text = run_once(command(tool, case, baseline), keep_output=keep)
            runs[tool].append((wall, cpu, rss))
            if not round_:
                answers[tool] = answer(case.report, tool, text)
            del text  # the runner stays small: see the module docstring
    return {tool: {"wall": statistics.median(r[0] for r in rs), "cpu": statistics.median(r[1] for r in rs),
                   "rss": max(r[2] for r in rs), "answer": answers[tool], "runs": len(rs)}
            for tool, rs in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="runs per tool and case (median wall time)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this text")
    parser.add_argument("--baseline", default="", metavar="PYTHON",
                        help="a Python whose installed apihourly is timed too, as 'baseline'")
    opts = parser.parse_args()
    # In a child process: a forked child's max RSS starts at its parent's, so
    # the parent must stay small (no numpy or pyarrow here) for the numbers to be the child's.
    subprocess.run([PY, str(HERE / "datasets.py")], check=True)
    lines = ["| case | tool | median wall (s) | median CPU (s) | peak RSS (MB) | wall / DuckDB | RSS / DuckDB | runs |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    disagreements = 0
    for case in CASES:
        if opts.only not in case.name:
            continue
        results = measure(case, opts.reps, opts.baseline)
        base = results.get("duckdb")
        for tool, r in results.items():
            if tool != "apihourly" and r["answer"] != results["apihourly"]["answer"]:
                disagreements += 1
                print(f"DISAGREE: {case.name}: {tool} differs from apihourly", file=sys.stderr)
            ratio = f"{r['wall'] / base['wall']:.2f}x" if base else ""
            mem = f"{r['rss'] / base['rss']:.2f}x" if base else ""
            lines.append(f"| {case.name} | {tool} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']} | {ratio} | {mem} "
                         f"| {r['runs']} |")
        print(lines[-len(results)], "...", file=sys.stderr, flush=True)
    print("\n".join(lines))
    print("\nanswers agree" if not disagreements else f"\n{disagreements} disagreements")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
