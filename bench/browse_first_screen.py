"""How long `apihourly browse` takes to show its first screen, the dates
list, on a big folder of logs: with its cache cold, then warm.

    python bench/browse_first_screen.py [FOLDER]       # default: bench/data/year (written if missing)
    python bench/browse_first_screen.py --once FOLDER  # one measurement, with the cache
                                                       # APIHOURLY_CACHE_DIR names (bench/run.py uses it)

Each measurement is a process of its own, as a user's `apihourly browse` is,
headless at 100x30, timed from starting BrowseApp until the dates screen is
ready; the imports before it are timed apart. The cache is a temporary
folder: the cold run starts it empty and fills it, the warm run reads it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GIVE_UP_SECONDS = 900


async def first_screen(folder: str) -> tuple[float, int]:
    """Seconds from starting the app until the dates list is ready, and its rows."""
    from zoneinfo import ZoneInfo

    from apihourly.browse.app import BrowseApp
    from apihourly.browse.dates import DatesScreen
    from apihourly.browse.session import Session

    began = time.perf_counter()
    app = BrowseApp(Session([folder], ZoneInfo("UTC"), 10_000))
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, DatesScreen) and app.screen.ready):
            if isinstance(app.screen, DatesScreen) and app.screen.query_one("#status").has_class("error"):
                raise RuntimeError(f"the dates list failed to load: {app.screen.query_one('#status').render()}")
            if time.perf_counter() - began > GIVE_UP_SECONDS:
                raise TimeoutError(f"no dates list after {GIVE_UP_SECONDS} s")
            await pilot.pause(0.01)
        return time.perf_counter() - began, len(app.screen.report.table)


def once(folder: str) -> None:
    """One measurement in this process: 'seconds imports_seconds dates' on stdout."""
    began = time.perf_counter()
    import apihourly.browse.app  # noqa: F401  (Textual and the app, as `apihourly browse` loads them)

    imports = time.perf_counter() - began
    seconds, dates = asyncio.run(first_screen(folder))
    print(f"{seconds:.3f} {imports:.3f} {dates}")


def measured(folder: str, cache: Path) -> list[str]:
    """One measurement in a fresh process, with `cache` as apihourly's cache folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # bytecode cached, as installed
    env["APIHOURLY_CACHE_DIR"] = str(cache)
    done = subprocess.run([sys.executable, __file__, "--once", folder], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        sys.exit(f"error: the measurement failed: {done.stderr.strip()[-2000:]}")
    return done.stdout.split()


def main() -> None:
    if sys.argv[1:2] == ["--once"] and len(sys.argv) == 3:
        once(sys.argv[2])
        return
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        sys.exit(__doc__)
    if len(sys.argv) == 2:
        folder = sys.argv[1]
    else:
        import datasets

        datasets.ensure(["year"])
        folder = str(datasets.FILES["year"])
    with tempfile.TemporaryDirectory(prefix="apihourly-cache-") as cache:
        # The cold run is also the one that primes the cache for the warm run.
        for state in ("cold", "warm"):
            seconds, imports, dates = measured(folder, Path(cache))
            print(f"{state}: dates list ({int(dates):,} dates) in {float(seconds):.2f} s "
                  f"after {float(imports):.2f} s of imports", flush=True)


if __name__ == "__main__":
    main()
