"""apihourly against DuckDB, Polars and a naive pandas script, same files, same answers.

    python bench/run.py              # generate bench/data/ if missing, run every case 3 times
    python bench/run.py --reps 5     # more runs per tool
    python bench/run.py --only warm  # one group of cases: cold, warm or year
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

Every apihourly run gets its own cache folder (APIHOURLY_CACHE_DIR, in a
temporary folder under bench/data/, never the user's): a cold run starts from
an empty one, so it includes writing the cache; a warm run uses one primed by
an untimed run of the same command; a "new day" run uses a fresh copy, each
time, of one primed on every log file but the last day's. DuckDB and Polars
keep no cache, so they run alike in every case: they are the yardstick. After
the table, the targets of the cache's issue are listed, met or missed.

The year cases read 365 days x 240,000 calls (1.1 GB, written in about a
minute the first time). The browse case times bench/browse_first_screen.py
--once: its row is the whole process, its target the time the app reports
from starting to showing the dates list.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import datasets

HERE = Path(__file__).resolve().parent
TOOLS = HERE / "tools"
PY = sys.executable
DAY = datasets.LAST_DAY.isoformat()
APIHOURLY = ("apihourly", "baseline")
ANSWERED = ("summary", "totals", "days", "tenants")
GROUPS = ("cold", "warm", "year", "fleet")
# Paths a case can read: the datasets, and the year's last day alone.
FLEET_PERIOD = ("--since", datasets.FLEET_FIRST_DAY.isoformat(), "--until", datasets.LAST_DAY.isoformat())
PATHS = {**datasets.FILES, "year_last": datasets.year_day_folder(datasets.LAST_DAY) / "part-0.parquet"}
DATASET_OF = {"year_last": "year"}


@dataclass
class Case:
    name: str
    report: str  # summary | totals | days | help | version | activity | browse
    data: str  # key of PATHS, or ''
    tools: tuple[str, ...] = ("apihourly", "duckdb", "polars")
    extra: tuple[str, ...] = ()
    cache: str = "cold"  # apihourly's cache when timed: cold | warm | new day (see the module docstring)
    group: str = "cold"  # one of GROUPS, for --only
    once: tuple[str, ...] = ("pandas",)  # tools run in the first round only
    key: str = ""  # how TARGETS name the case


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
    Case("warm: summary, 1 day of the 10M dataset", "summary", "month", cache="warm", group="warm",
         key="warm summary"),
    Case("warm: totals, 1 day of the 10M dataset", "totals", "month", cache="warm", group="warm",
         key="warm totals"),
    Case("warm: days, all of the 10M dataset", "days", "month", ("apihourly", "duckdb"), cache="warm",
         group="warm", key="warm days"),
    Case("warm: activity --limit 100, one hour x vendor (~53k calls)", "activity", "day5m", ("apihourly",),
         ("--hour", "14", "--vendor", "Acme"), cache="warm", group="warm", key="warm activity"),
    # DuckDB reads the whole year once per case: the check of the answer, not a yardstick.
    Case("year: days, 365 days x 240k calls, cache warm", "days", "year", ("apihourly", "duckdb"),
         cache="warm", group="year", once=("duckdb",), key="year days"),
    Case("year: days, 365 days x 240k calls, the last day new", "days", "year", ("apihourly", "duckdb"),
         cache="new day", group="year", once=("duckdb",), key="year new day"),
    Case("year: summary of the last day's file alone, cold", "summary", "year_last", group="year",
         key="year last day"),
    Case("year: browse to the dates list, cache warm", "browse", "year", ("apihourly",), cache="warm",
         group="year", key="year browse"),
    # The tenants issue's yardstick: every tenant's calls and peak over the fleet's 7 days.
    Case("fleet: tenants, 1,000 tenants x 7 days, 20M calls in 7,000 files", "tenants", "fleet",
         group="fleet", key="fleet tenants"),
    Case("fleet: tenants, the same, cache warm", "tenants", "fleet", ("apihourly",), cache="warm",
         group="fleet", key="fleet tenants warm"),
]


@dataclass
class Target:
    """One of the cache's targets: met when value(results) is under (or at,
    unless strict) limit(results); results are keyed by Case.key, then tool."""

    text: str
    needs: tuple[str, ...]
    value: Callable[[dict], float]
    limit: Callable[[dict], float]
    unit: str = "x"
    strict: bool = False


def _wall(key: str, tool: str = "apihourly") -> Callable[[dict], float]:
    return lambda results: results[key][tool]["wall"]


def _ratio(key: str, measure: str, tool: str) -> Callable[[dict], float]:
    return lambda results: results[key]["apihourly"][measure] / results[key][tool][measure]


def _fixed(limit: float) -> Callable[[dict], float]:
    return lambda _: limit


TARGETS = [
    *(Target(f"{key}, 1 day of 10M: wall vs {name}", (key,), _ratio(key, "wall", tool), _fixed(1.0))
      for key in ("warm summary", "warm totals") for tool, name in (("duckdb", "DuckDB"), ("polars", "Polars"))),
    Target("warm days, 10M: wall vs DuckDB", ("warm days",), _ratio("warm days", "wall", "duckdb"), _fixed(0.3)),
    Target("warm days, 10M: peak RSS vs DuckDB", ("warm days",), _ratio("warm days", "rss", "duckdb"), _fixed(1.0)),
    Target("warm days, the year", ("year days",), _wall("year days"), _fixed(0.5), "s", strict=True),
    Target("days, the year with one new day (limit: cold summary of that day + 0.3 s)",
           ("year new day", "year last day"), _wall("year new day"),
           lambda results: results["year last day"]["apihourly"]["wall"] + 0.3, "s", strict=True),
    Target("warm activity --limit 100, the 53k-call hour", ("warm activity",), _wall("warm activity"),
           _fixed(0.4), "s", strict=True),
    Target("fleet tenants: wall vs DuckDB", ("fleet tenants",), _ratio("fleet tenants", "wall", "duckdb"), _fixed(1.0)),
    Target("fleet tenants: peak RSS vs DuckDB", ("fleet tenants",), _ratio("fleet tenants", "rss", "duckdb"),
           _fixed(1.5)),
    Target("warm browse to the dates list, the year (time in the app)", ("year browse",),
           lambda results: results["year browse"]["apihourly"]["reported"], _fixed(1.0), "s", strict=True),
]
# and every cold case within 1.10x of the code before the change: see cold_target()
COLD_SLOWER_AT_MOST = 1.10


def command(tool: str, case: Case, baseline: str = "", logs: list[str] | None = None) -> list[str]:
    """The tool's command for the case; `logs` replaces the case's data for
    apihourly (to prime a cache on part of it)."""
    path = str(PATHS[case.data]) if case.data else ""
    if tool in APIHOURLY:
        python = baseline if tool == "baseline" else PY
        if case.report in ("help", "version"):
            return [python, "-m", "apihourly", f"--{case.report}"]
        if case.report == "browse":
            return [python, str(HERE / "browse_first_screen.py"), "--once", path]
        if case.report == "tenants":
            return [python, "-m", "apihourly", "tenants", "--tz", "UTC", "--logs", path, *FLEET_PERIOD, "--csv"]
        args = [python, "-m", "apihourly", case.report, "--tz", "UTC"]
        for spec in logs or [path]:
            args += ["--logs", spec]
        if case.report != "days":
            args += ["--date", DAY]
        if case.report == "activity":
            return args + list(case.extra)
        return args + ["--csv"]
    if case.report == "tenants":
        return [PY, str(TOOLS / f"{tool}_tenants.py"), path, *FLEET_PERIOD[1::2]]
    args = [PY, str(TOOLS / f"{tool}_report.py"), case.report, path]
    return args + ([DAY] if case.report != "days" else [])


def run_once(argv: list[str], keep_output: bool, cache: Path) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, max RSS in MB and (if kept) stdout of one
    process, whose apihourly keeps its cache in `cache`."""
    # As installed for use: Python's bytecode cache on (a shell that sets
    # PYTHONDONTWRITEBYTECODE would have every run compile apihourly's modules again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["APIHOURLY_CACHE_DIR"] = str(cache)
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, cwd=HERE, env=env)
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
    if report == "tenants":  # each tenant's calls and peak rolling hour, by column name
        names = [name.casefold().replace(" ", "_") for name in header]
        at = [names.index(name) for name in ("tenant", "calls", "peak_rolling_hour")]
        return {r[at[0]]: (int(r[at[1]]), int(r[at[2]])) for r in body}
    return None


def all_but_last_day() -> list[str]:
    """The year's day folders without its last: what a cache knew the day before."""
    first = datasets.YEAR_FIRST_DAY
    return [str(datasets.year_day_folder(first + timedelta(days=i))) for i in range(datasets.YEAR_DAYS - 1)]


def prime(case: Case, tool: str, baseline: str, scratch: Path) -> Path | None:
    """The cache folder a warm or new-day case starts from, filled by one
    untimed run (None for a cold case or a tool without a cache)."""
    if case.cache == "cold" or tool not in APIHOURLY:
        return None
    folder = scratch / f"{tool}-primed"
    folder.mkdir()
    logs = all_but_last_day() if case.cache == "new day" else None
    run_once(command(tool, case, baseline, logs), keep_output=False, cache=folder)
    return folder


def cache_for_run(primed: Path | None, case: Case, scratch: Path, run: int) -> tuple[Path, bool]:
    """The cache folder of one timed run, and whether to remove it after:
    the primed one itself (warm), a fresh copy of it (new day), else empty."""
    if primed is not None and case.cache == "warm":
        return primed, False
    folder = scratch / f"run-{run}"
    if primed is not None:
        shutil.copytree(primed, folder)
    else:
        folder.mkdir()
    return folder, True


def measure(case: Case, reps: int, baseline: str, scratch: Path) -> dict[str, dict]:
    """Every tool of the case, in rounds (one run of each tool per round), so
    that load from elsewhere on the machine falls on all of them alike."""
    tools = case.tools + (("baseline",) if baseline else ())
    primed = {tool: prime(case, tool, baseline, scratch) for tool in tools}
    runs: dict[str, list] = {tool: [] for tool in tools}
    answers = {}
    for round_ in range(reps):
        for tool in tools:
            if tool in case.once and round_:
                continue
            keep = (not round_ and case.report in ANSWERED) or case.report == "browse"
            cache, remove = cache_for_run(primed[tool], case, scratch, len(runs[tool]))
            wall, cpu, rss, text = run_once(command(tool, case, baseline), keep_output=keep, cache=cache)
            if remove:
                shutil.rmtree(cache)
            reported = float(text.split()[0]) if case.report == "browse" else None
            runs[tool].append((wall, cpu, rss, reported))
            if not round_:
                answers[tool] = answer(case.report, tool, text)
            del text  # the runner stays small: see the module docstring
    return {tool: {"wall": statistics.median(r[0] for r in rs), "cpu": statistics.median(r[1] for r in rs),
                   "rss": max(r[2] for r in rs), "answer": answers[tool], "runs": len(rs),
                   "reported": statistics.median(r[3] for r in rs) if case.report == "browse" else None}
            for tool, rs in runs.items()}


def target_lines(results: dict[str, dict], cold_ratios: list[tuple[float, str]], cold_ran: bool) -> list[str]:
    """Each target whose cases ran, with its measured value and whether it was met."""
    lines = []
    for target in TARGETS:
        if not all(key in results for key in target.needs):
            continue
        value, limit = target.value(results), target.limit(results)
        met = value < limit if target.strict else value <= limit
        sign = "<" if target.strict else "<="
        lines.append(f"- {target.text}: {value:.2f}{target.unit} (target {sign} {limit:.2f}{target.unit}): "
                     f"{'met' if met else 'MISSED'}")
    return lines + ([cold_target(cold_ratios)] if cold_ran else [])


def cold_target(ratios: list[tuple[float, str]]) -> str:
    """The slowest cold case against the baseline's time on it."""
    text = "- cold cases: wall vs the baseline (the code before)"
    if not ratios:
        return f"{text}: not measured (needs --baseline)"
    worst, name = max(ratios)
    met = worst <= COLD_SLOWER_AT_MOST
    return (f"{text}, slowest: {worst:.2f}x in '{name}' (target <= {COLD_SLOWER_AT_MOST:.2f}x): "
            f"{'met' if met else 'MISSED'}")


def selected(only: str) -> list[Case]:
    """--only: a group's name picks that group, other text the cases whose name holds it."""
    if only in GROUPS:
        return [case for case in CASES if case.group == only]
    return [case for case in CASES if only in case.name]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="runs per tool and case (median wall time)")
    parser.add_argument("--only", default="", help="run only one group of cases (cold, warm, year) "
                        "or the cases whose name contains this text")
    parser.add_argument("--baseline", default="", metavar="PYTHON",
                        help="a Python whose installed apihourly is timed too, as 'baseline'")
    opts = parser.parse_args()
    cases = selected(opts.only)
    needed = sorted({DATASET_OF.get(case.data, case.data) for case in cases} - {""})
    # In a child process: a forked child's max RSS starts at its parent's, so
    # the parent must stay small (no numpy or pyarrow here) for the numbers to be the child's.
    if needed:
        subprocess.run([PY, str(HERE / "datasets.py"), *needed], check=True)
    lines = ["| case | tool | median wall (s) | median CPU (s) | peak RSS (MB) | wall / DuckDB | RSS / DuckDB | runs |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    disagreements = 0
    by_key: dict[str, dict] = {}
    cold_ratios: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory(prefix="cache-", dir=datasets.DATA) as scratch:
        for case in cases:
            results = measure_in(case, opts, Path(scratch))
            by_key[case.key or case.name] = results
            if case.group == "cold" and "baseline" in results:
                cold_ratios.append((results["apihourly"]["wall"] / results["baseline"]["wall"], case.name))
            disagreements += rows(case, results, lines)
    print("\n".join(lines))
    print("\nanswers agree" if not disagreements else f"\n{disagreements} disagreements")
    targets = target_lines(by_key, cold_ratios, any(case.group == "cold" for case in cases))
    if targets:
        print("\ntargets (apihourly):", *targets, sep="\n")
    return 1 if disagreements else 0


def measure_in(case: Case, opts, scratch: Path) -> dict[str, dict]:
    """measure() with the case's cache folders in a folder of their own, removed after."""
    folder = scratch / "case"
    folder.mkdir()
    try:
        return measure(case, opts.reps, opts.baseline, folder)
    finally:
        shutil.rmtree(folder)


def rows(case: Case, results: dict[str, dict], lines: list[str]) -> int:
    """Add the case's rows to the table (and show the first on stderr);
    the number of tools whose answer differs from apihourly's."""
    disagreements = 0
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
    return disagreements


if __name__ == "__main__":
    sys.exit(main())
