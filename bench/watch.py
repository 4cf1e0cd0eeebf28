"""`apihourly watch` following a log that grows by 2,000 calls a second.

    python bench/watch.py                   # 3 minutes, log time 30x faster than the clock
    python bench/watch.py --minutes 5 --speed 1

A watch runs in its own process (`--metrics 127.0.0.1:0`, its display to
/dev/null) on a CSV log in a temporary folder under bench/data/, while this
script appends the calls a tenth of a second at a time. The calls' times
run `--speed` times faster than the clock, so that within a few minutes
the window fills (60 minutes of log time: 120 s at 30x) and then turns
over: memory must then stay flat, since the watch keeps the window, not
the history. At --speed 1 the window only fills during the run.

Reported: the watch's resident memory (VmRSS) after its first look, when
the window is full, and at the end; the CPU time it used (user + system,
from /proc) per 1,000 calls; and, read back from its metrics, that every
call was read once (apihourly_calls_total) and that the rolling count is
the calls of the last 60 minutes of log time. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "Execution Start,Method,Entity,Vendor Name,Integration Name,Tracking ID,Execution Time (ms)\n"
VENDORS = ("Datto RMM", "BrightGauge", "IT Glue", "Liongard", "Rewst", "Hudu")
ENTITIES = ("Tickets", "Companies", "Contacts", "TimeEntries")
TICK_S = 0.1


def line(moment: datetime, i: int) -> str:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return f"{stamp},query,{ENTITIES[i % 4]},{VENDORS[i % 6]},,,{40 + i % 200}\n"


def _to_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def proc_status(pid: int) -> tuple[int, float]:
    """(resident KB, CPU seconds used) of a process."""
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return rss, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(apihourly_\w+) (\S+)$", text, re.M)}


def started(folder: Path) -> tuple[subprocess.Popen, int]:
    """The watch, and the port of its metrics (from its stderr)."""
    watch = subprocess.Popen([sys.executable, "-m", "apihourly", "watch", "-l", str(folder), "--tz", "UTC",
                              "--db-threshold", "10000000", "--metrics", "127.0.0.1:0"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = int(re.search(r"127\.0\.0\.1:(\d+)/metrics", watch.stderr.readline()).group(1))
    threading.Thread(target=lambda: [None for _ in watch.stderr], daemon=True).start()  # keep stderr drained
    return watch, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--rate", type=int, default=2000, help="calls appended per second of the clock")
    parser.add_argument("--speed", type=float, default=30.0, help="log time per second of the clock")
    args = parser.parse_args()
    (HERE / "data").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=HERE / "data") as folder:
        run(Path(folder), args)


def run(folder: Path, args) -> None:
    log = folder / "proxy.csv"
    log.write_text(HEADER)
    watch, port = started(folder)
    time.sleep(2)
    rss0, cpu0 = proc_status(watch.pid)
    log_start, wall_start = datetime.now(timezone.utc), time.monotonic()
    times: list[datetime] = []
    full_at, rss_full = 3600 / args.speed, None
    per_tick = int(args.rate * TICK_S)
    with open(log, "a") as handle:
        while (elapsed := time.monotonic() - wall_start) < args.minutes * 60:
            moment = log_start + timedelta(seconds=elapsed * args.speed)
            step = timedelta(seconds=TICK_S * args.speed / per_tick)
            batch = [_to_ms(moment + k * step) for k in range(per_tick)]  # as the log writes them
            handle.write("".join(line(t, len(times) + k) for k, t in enumerate(batch)))
            handle.flush()
            times += batch
            if rss_full is None and elapsed >= full_at:
                rss_full = proc_status(watch.pid)[0]
            time.sleep(max(0.0, TICK_S - (time.monotonic() - wall_start - elapsed)))
    deadline = time.monotonic() + 30
    while (seen := scrape(port))["apihourly_calls_total"] < len(times) and time.monotonic() < deadline:
        time.sleep(0.5)
    rss1, cpu1 = proc_status(watch.pid)
    watch.terminate()
    watch.wait(30)
    end = datetime.fromtimestamp(seen["apihourly_window_end_timestamp_seconds"], timezone.utc)
    expected = sum(1 for t in times if end - timedelta(hours=1) < t <= end)
    report(args, len(times), seen, expected, (rss0, rss_full, rss1), cpu1 - cpu0)


def report(args, appended: int, seen: dict, expected: int, rss: tuple, cpu_s: float) -> None:
    start, full, end = rss
    print(f"appended {appended:,} calls in {args.minutes:g} min ({args.rate:,}/s), log time {args.speed:g}x")
    print(f"read by the watch: {int(seen['apihourly_calls_total']):,} "
          f"({'all, once' if seen['apihourly_calls_total'] == appended else 'NOT all'})")
    print(f"rolling count: {int(seen['apihourly_rolling_calls']):,}, expected {expected:,} "
          f"({'equal' if seen['apihourly_rolling_calls'] == expected else 'DIFFERENT'})")
    print(f"RSS: {start / 1024:.0f} MB after the first look, "
          + (f"{full / 1024:.0f} MB when the window was full, " if full else "window never full, ")
          + f"{end / 1024:.0f} MB at the end")
    print(f"CPU: {cpu_s:.1f} s, {1e6 * cpu_s / appended:.1f} ms per 1,000 calls "
          f"({100 * cpu_s / (args.minutes * 60):.0f}% of one core)")


if __name__ == "__main__":
    main()
