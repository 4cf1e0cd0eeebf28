"""What `apihourly report` costs: the page's size, the time to write it, and
how soon the page answers in Chromium, against the targets of its issue.

    python bench/report_page.py                          # 3 runs of everything
    python bench/report_page.py --runs 5                 # more runs
    python bench/report_page.py --chromium /usr/bin/chromium

Two reports: the sample logs' four days (2026-11-13 to 16, America/New_York)
and the bench's day of 5M calls (bench/data/day5m.parquet, written if
missing, UTC). Every command runs as a process of its own, as a user runs
it, with Python's bytecode cache on and an apihourly cache of its own (a
temporary folder, primed by a first untimed run of each command: warm);
commands take turns, one run of each per round; the best wall time of the
runs is kept, with the highest peak RSS. The report of the bench day is set
against `summary` plus `limits` of the same day (their default output, as a
person reads it).

In Chromium (the system's, driven by Playwright; a fresh context per run,
its profile, downloads and HOME in a temporary folder), timed by the page's
own clock (performance.now(), from navigation start):
- interactive: until the script sets document.body.dataset.ready = "true",
  when the first date is drawn;
- click, at ready: a click on the summary's over-limit cell the moment the
  page is ready, before the date's calls are decoded, until the calls' table
  exists (polled each frame with requestAnimationFrame);
- click, decoded: the same click again 2 s later, once they are.
The click target is judged on the second: the first comes before the page
is first painted, which no reader can click before, and pays for that first
layout and the decode; it is shown for what it says about both.
The median of the runs is printed. The table goes to stdout; exit status 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import datasets
from run import run_once

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
MB = 1_000_000
SETTLE_SECONDS = 2.0
GIVE_UP_MS = 60_000
RATIO_TARGET = 1.5
INTERACTIVE_TARGET_MS = 1_000
CLICK_TARGET_MS = 200
CHROMIUM_FALLBACK = "/usr/bin/chromium"


@dataclass
class Page:
    """One report: the options that make it, its size target in MB, and
    whether the Chromium targets are set for it."""

    name: str
    options: tuple[str, ...]
    size_target_mb: float
    browser_targets: bool
    data: str = ""  # key of datasets.FILES to write first, if any
    compare: bool = False  # also time `summary` + `limits` of its day
    file: Path = field(default=Path())


PAGES = [
    Page("the sample logs, 2026-11-13 to 16", ("--logs", str(ROOT / "sample_logs"), "--tz", "America/New_York",
                                               "--since", "2026-11-13", "--until", "2026-11-16"),
         3, browser_targets=True),
    Page("the bench's 5M-call day", ("--logs", str(datasets.FILES["day5m"]), "--tz", "UTC",
                                     "--date", datasets.LAST_DAY.isoformat()),
         10, browser_targets=False, data="day5m", compare=True),
]


# The command line ------------------------------------------------------------------------------

def commands(page: Page) -> dict[str, list[str]]:
    """The commands to time for a page: its report, and `summary` and
    `limits` of its day where it is compared with them."""
    apihourly = [PY, "-m", "apihourly"]
    timed = {"report": apihourly + ["report", *page.options, "-o", str(page.file)]}
    if page.compare:
        for name in ("summary", "limits"):
            timed[name] = apihourly + [name, *page.options]
    return timed


def time_commands(timed: dict[str, list[str]], runs: int, cache: Path) -> dict[str, tuple[float, int]]:
    """Best wall seconds and highest peak RSS (MB) of each command over
    `runs` rounds, after one untimed round that primes the cache."""
    for argv in timed.values():
        run_once(argv, False, cache)
    walls: dict[str, list[float]] = {name: [] for name in timed}
    rss: dict[str, int] = dict.fromkeys(timed, 0)
    for _ in range(runs):
        for name, argv in timed.items():
            wall, _cpu, peak, _ = run_once(argv, False, cache)
            walls[name].append(wall)
            rss[name] = max(rss[name], peak)
    return {name: (min(walls[name]), rss[name]) for name in timed}


# Chromium --------------------------------------------------------------------------------------

# Runs in the page before its own script: notes when the page is ready and,
# at that moment, clicks the over-limit cell and times it until the calls show.
READY_WATCH = """
(() => {
  const timed = window.__bench = { ready: null, clickAtReady: null };
  new MutationObserver((_, observer) => {
    if (document.body.dataset.ready !== "true") return;
    observer.disconnect();
    timed.ready = performance.now();
    timed.clickAtReady = timeClick();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });  // before <html> exists
  window.__benchTimeClick = timeClick;

  async function timeClick() {
    const cell = document.querySelector("#summary td.level-over");
    if (!cell) return null;
    const start = performance.now();
    cell.click();
    while (!document.querySelector("#activity table")) {
      if (performance.now() - start > %(give_up)d) return null;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    return performance.now() - start;
  }
})();
""" % {"give_up": GIVE_UP_MS}

CLICK_AGAIN = """async () => {
  const ready = window.__bench.ready, atReady = await window.__bench.clickAtReady;
  document.getElementById("activity-close").click();
  await new Promise((resolve) => setTimeout(resolve, %(settle)d));
  return [ready, atReady, await window.__benchTimeClick()];
}""" % {"settle": int(SETTLE_SECONDS * 1000)}


def browser_environment(folder: Path) -> dict[str, str]:
    """HOME, caches and temporary files of the browser (and Playwright's
    driver, which keeps downloads and the profile in its TMPDIR) in `folder`."""
    home = folder / "home"
    values = {"HOME": home, "XDG_CONFIG_HOME": home / ".config", "XDG_CACHE_HOME": home / ".cache",
              "XDG_DATA_HOME": home / ".local" / "share", "TMPDIR": folder / "tmp"}
    for path in values.values():
        path.mkdir(parents=True, exist_ok=True)
    return {"PATH": os.environ.get("PATH", os.defpath), "TZ": "UTC", "LANG": "C.UTF-8",
            **{name: str(path) for name, path in values.items()}}


@contextmanager
def environment(values: dict[str, str]):
    """os.environ with `values` set, for Playwright's driver to start in; restored after."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def chromium(executable: str, folder: Path):
    """A headless Chromium started by Playwright, from `executable`."""
    from playwright.sync_api import sync_playwright

    env = browser_environment(folder)
    with environment(env), sync_playwright() as playwright:
        # As root Chromium refuses its sandbox: only then is it off (--no-sandbox).
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        browser = playwright.chromium.launch(executable_path=executable, chromium_sandbox=not as_root, env=env)
        try:
            yield browser
        finally:
            browser.close()


def page_times(browser, path: Path) -> tuple[float, float, float]:
    """Milliseconds to interactive, to a click's calls at ready, and after the decode."""
    context = browser.new_context(timezone_id="UTC", locale="en-US", offline=True, accept_downloads=True)
    try:
        context.add_init_script(READY_WATCH)
        tab = context.new_page()
        tab.goto(path.resolve().as_uri())
        tab.wait_for_function('document.body.dataset.ready === "true"', timeout=GIVE_UP_MS)
        ready, at_ready, decoded = tab.evaluate(CLICK_AGAIN)
    finally:
        context.close()
    if ready is None or at_ready is None or decoded is None:
        sys.exit(f"error: no over-limit cell, or its calls never showed, in {path.name}")
    return ready, at_ready, decoded


def browser_medians(browser, path: Path, runs: int) -> tuple[float, float, float]:
    """The median of each of page_times() over `runs` fresh contexts."""
    measured = [page_times(browser, path) for _ in range(runs)]
    return tuple(statistics.median(column) for column in zip(*measured))


# The table -------------------------------------------------------------------------------------

def met(shown: float, target: float | None) -> str:
    """Whether `shown` (the value as printed, so the verdict agrees with it) is within `target`."""
    return "" if target is None else ("yes" if shown <= target else "no")


def row(measure: str, page: Page, value: str, target: str, verdict: str) -> str:
    return f"| {measure} | {page.name} | {value} | {target} | {verdict} |"


def size_row(page: Page) -> str:
    size = round(page.file.stat().st_size / MB, 2)
    return row("size", page, f"{size:.2f} MB", f"under {page.size_target_mb:g} MB",
               "yes" if size < page.size_target_mb else "no")


def speed_rows(page: Page, best: dict[str, tuple[float, int]]) -> list[str]:
    wall, rss = best["report"]
    lines = [row("written in (warm, best)", page, f"{wall:.2f} s, peak RSS {rss} MB", "", "")]
    if page.compare:
        (s_wall, s_rss), (l_wall, l_rss) = best["summary"], best["limits"]
        both = s_wall + l_wall
        lines.append(row("`summary` + `limits` (warm, best)", page,
                         f"{both:.2f} s ({s_wall:.2f} + {l_wall:.2f}), peak RSS {s_rss} / {l_rss} MB", "", ""))
        ratio = round(wall / both, 2)
        lines.append(row("report / (`summary` + `limits`)", page, f"{ratio:.2f}x",
                         f"at most {RATIO_TARGET:g}x", met(ratio, RATIO_TARGET)))
    return lines


def browser_rows(page: Page, medians: tuple[float, float, float], runs: int) -> list[str]:
    ready, at_ready, decoded = medians
    targets = (INTERACTIVE_TARGET_MS, None, CLICK_TARGET_MS) if page.browser_targets else (None,) * 3
    names = ("interactive", "click to calls, at ready", f"click to calls, {SETTLE_SECONDS:g} s later")
    return [row(f"{name} (median of {runs})", page, f"{round(value)} ms",
                "" if target is None else f"within {target} ms", met(round(value), target))
            for name, value, target in zip(names, (ready, at_ready, decoded), targets)]


def table(lines: list[str]) -> str:
    return "\n".join(["| measure | report | measured | target | met |", "|---|---|---|---|---|", *lines])


# Main ------------------------------------------------------------------------------------------

def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (default 3)")
    parser.add_argument("--chromium", default=CHROMIUM_FALLBACK, help=f"Chromium program (default {CHROMIUM_FALLBACK})")
    opts = parser.parse_args(argv)
    if opts.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(opts.chromium).is_file():
        parser.error(f"no Chromium at {opts.chromium} (Debian: apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        parser.error('no Playwright: pip install -e ".[test]"')
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = options(argv)
    datasets.ensure([page.data for page in PAGES if page.data])
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="apihourly-report-bench-") as scratch:
        folder = Path(scratch)
        for i, page in enumerate(PAGES):
            page.file = folder / f"report-{i}.html"
            print(f"timing the report of {page.name} ...", file=sys.stderr, flush=True)
            best = time_commands(commands(page), opts.runs, folder / f"cache-{i}")
            lines += [size_row(page), *speed_rows(page, best)]
        # Playwright is imported only now: a parent's memory counts in the peak RSS of children it forks.
        with chromium(opts.chromium, folder / "chromium") as browser:
            for page in PAGES:
                print(f"opening the report of {page.name} in Chromium ...", file=sys.stderr, flush=True)
                lines += browser_rows(page, browser_medians(browser, page.file, opts.runs), opts.runs)
    print(table(lines))
    return 0


if __name__ == "__main__":
    began = time.perf_counter()
    status = main()
    print(f"done in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    sys.exit(status)
