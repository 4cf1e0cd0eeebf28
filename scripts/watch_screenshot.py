"""Write docs/watch.svg: what `apihourly watch` shows at 14:10 on a busy
afternoon (New York time), the rolling count at 78% of the threshold.

    python scripts/watch_screenshot.py

The log is made here, with fixed times and a fixed clock, so the picture
changes only when the drawing does (tests/watch/test_screenshot.py checks
that it is current). Written with Rich's SVG export, as browse's snapshot.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "watch.svg"
ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 17, 14, 10, 0, tzinfo=ZONE)
TITLE = "apihourly watch -l /var/log/autotask-proxy/ --tz America/New_York"
# (vendor, integration, entity, calls in the hour, of which in the last 5 minutes, duration ms)
SCENE = [("Datto RMM", "", "Tickets", 3900, 320, 120), ("BrightGauge", "", "TimeEntries", 1900, 150, 300),
         ("", "Billing Sync", "Contracts", 1200, 460, 900), ("IT Glue", "", "Companies", 650, 50, 80),
         ("", "", "Contacts", 130, 10, 60)]


def log_text() -> str:
    lines = ["Execution Start,Vendor Name,Integration Name,Entity,Execution Time (ms)\n"]
    for vendor, integration, entity, calls, recent, ms in SCENE:
        older = calls - recent
        lines += [_line(NOW - timedelta(minutes=60) + k * timedelta(minutes=55) / older, vendor, integration,
                        entity, ms) for k in range(1, older + 1)]
        lines += [_line(NOW - timedelta(minutes=5) + k * timedelta(minutes=5) / recent, vendor, integration,
                        entity, ms) for k in range(recent)]
    # Billing Sync's burst: six contract updates of 8 s at once, past the thread limit of 3.
    lines += [_line(NOW - timedelta(seconds=90 - k), "", "Billing Sync", "Contracts", 8000) for k in range(6)]
    return "".join(lines)


def _line(moment: datetime, vendor: str, integration: str, entity: str, ms: int) -> str:
    stamp = moment.astimezone(ZoneInfo("UTC")).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return f"{stamp},{vendor},{integration},{entity},{ms}\n"


def screenshot() -> str:
    """The SVG, drawn from a watch over the scene's log."""
    from rich.console import Console

    from apihourly.count.calls import FIELDS
    from apihourly.output.emit import render
    from apihourly.output.tables import View
    from apihourly.read.follow import Follower
    from apihourly.watch.loop import Settings, Watch

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "proxy.csv").write_text(log_text(), encoding="utf-8")
        now_ns = int(NOW.timestamp()) * 10**9
        watch = Watch(Follower([folder], fields=FIELDS), Settings(10_000, 3, 10_000, ZONE), lambda: 0, lambda: now_ns)
        report = watch.step().report
        watch.close()
    console = Console(record=True, width=100, color_system="truecolor", force_terminal=True, file=_Nowhere())
    console.print(render(report, View("24h", 20, 100)))
    return console.export_svg(title=TITLE)


class _Nowhere:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def main() -> int:
    OUT.write_text(screenshot(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
