"""How long `apihourly browse` takes to open a 50,000-call hour, and the
longest the app stops responding meanwhile.

    python bench/browse_big_hour.py [calls]

Writes one hour of calls to a temporary Parquet file, opens the summary, moves
to the cell and presses Enter, headless at 100x30. A timer ticking every 10 ms
records the longest gap between ticks: the longest freeze a user would feel.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo


def write_hour(folder: Path, calls: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = datetime(2026, 11, 15, 14, tzinfo=timezone.utc)
    step = timedelta(seconds=3600 / calls)
    pq.write_table(pa.table({
        "execution_start": pa.array([start + i * step for i in range(calls)], pa.timestamp("ms", "UTC")),
        "method": ["query"] * calls, "entity": ["Tickets"] * calls, "vendor": ["Datto RMM"] * calls,
        "api_user": [f"user{i % 7}@example.net" for i in range(calls)],
        "execution_ms": [(i * 7919) % 1500 for i in range(calls)],
    }), folder / "hour.parquet")


async def measure(folder: Path) -> None:
    from apihourly.browse.activity import ActivityScreen
    from apihourly.browse.app import BrowseApp
    from apihourly.browse.session import Session
    from apihourly.browse.summary import SummaryScreen

    app = BrowseApp(Session([str(folder)], ZoneInfo("UTC"), 10_000), date(2026, 11, 15))
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, SummaryScreen) and app.screen.ready):
            await pilot.pause(0.01)
        await pilot.press(*["down"] * 14, "right")
        gaps, last = [], [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        app.set_interval(0.01, tick)
        began = time.perf_counter()
        await pilot.press("enter")
        while not (isinstance(app.screen, ActivityScreen) and app.screen.ready):
            await pilot.pause(0.01)
        opened = time.perf_counter() - began
        began = time.perf_counter()
        await pilot.press(*["right"] * 6, "s", "s")
        await pilot.pause()
        sorted_in = time.perf_counter() - began
        calls = len(app.screen.report.table)
        print(f"{calls:,} calls: shown in {opened:.2f} s, longest freeze {max(gaps) * 1000:.0f} ms, "
              f"sorted twice by Execution Time in {sorted_in:.2f} s")


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        write_hour(Path(tmp), calls)
        asyncio.run(measure(Path(tmp)))


if __name__ == "__main__":
    main()
