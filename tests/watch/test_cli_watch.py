"""`apihourly watch` from the command line: --once as a table, JSON and CSV,
--fail-on-breach, usage errors, and a live watch in its own process that
follows appends, alerts, serves metrics and ends on Ctrl-C."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from clirun import ROOT, parsed_csv, run
from growing import append, calls, new_csv
from prometheus_client.parser import text_string_to_metric_families


def recent_log(logdir, n: int = 80, vendor: str = "Datto RMM"):
    """n calls, 3 in 8 of them 8 minutes ago and the rest 2 minutes ago, a second
    apart (real time: a watch's window ends now, so minutes from either
    edge of the last 5 minutes)."""
    now, older = datetime.now(timezone.utc), n * 3 // 8
    return new_csv(logdir / "proxy.csv", calls(now - timedelta(minutes=8), older, vendor=vendor)
                   + calls(now - timedelta(minutes=2), n - older, vendor=vendor))


def test_once_shows_the_window_as_a_table(logdir):
    recent_log(logdir, 80)
    result = run("watch", "-l", str(logdir), "--once", "--db-threshold", "100", width=100)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"Rolling 60 minutes to \d\d:\d\d:\d\d\.\d{3}, whole tenant", lines[0])
    assert lines[1] == "[" + "█" * 48 + "░" * 12 + "]"  # 80% of 60 cells
    assert lines[2] == " " * 30 + "│50%" + " " * 11 + "│75%" + " " * 11 + "│100%"
    assert lines[3] == "80 of 100 calls (80.0%); 75% tier: about +1 s per call"
    assert re.fullmatch(r"Newest call \d\d:\d\d:\d\d\.\d{3}; the oldest, \d\d:\d\d:\d\d\.\d{3}, leaves the "
                        r"window in 5[12] min \d\d s\.", lines[4])
    row = next(line for line in lines if line.lstrip().startswith("Datto RMM"))
    assert row.split() == ["Datto", "RMM", "80", "50", "30", "rising", "100.0"]


def test_once_names_the_tenant_it_watches(logdir):
    for tenant, n in (("north\x1b[31m", 30), ("south", 5)):
        (logdir / f"tenant={tenant}").mkdir()
        recent_log(logdir / f"tenant={tenant}", n)
    result = run("watch", "-l", str(logdir), "--once", "--tenant", "north\x1b[31m", width=100)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(", tenant north\\x1b[31m")
    assert "30 of 10,000 calls (0.3%)" in result.stdout
    document = json.loads(run("watch", "-l", str(logdir), "--once", "--json", "--tenant", "south").stdout)
    assert (document["meta"]["tenant"], document["meta"]["rolling_calls"]) == ("south", 5)


def test_once_json_has_the_count_the_tier_and_the_integrations(logdir):
    log = recent_log(logdir, 80, vendor="=HYPERLINK(\"x\")")
    result = run("watch", "-l", str(logdir), "--once", "--json", "--db-threshold", "100")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    meta = document["meta"]
    assert (meta["report"], meta["rolling_calls"], meta["tier"], meta["tier_name"]) == ("watch", 80, 2, "75%")
    assert meta["calls_total"] == 80 and meta["skipped_rows_total"] == 0
    assert document["rows"] == [{"integration": "=HYPERLINK(\"x\")", "last_60_min": 80, "last_5_min": 50,
                                 "five_min_before": 30, "trend": "rising", "share_pct": 100.0}]
    # This hour's calls: those of the log from the clock hour's start, wherever it fell among them.
    hour_start = datetime.fromisoformat(meta["hour_start"])
    starts = [datetime.fromisoformat(row["Execution Start"].replace("Z", "+00:00"))
              for row in parsed_csv(log.read_text(encoding="utf-8"))]
    assert meta["hour_calls"] == sum(start >= hour_start for start in starts)
    assert document["tables"]["hour"] == [{"integration": "=HYPERLINK(\"x\")", "calls": meta["hour_calls"]}
                                          ][:bool(meta["hour_calls"])]
    assert document["breaches"] == []


@pytest.mark.parametrize("args", [["--db-threshold", "70"], ["--db-threshold", "100", "--tz", "Asia/Kolkata"]])
def test_once_json_matches_its_schema(logdir, args):
    from jsonschema import Draft202012Validator

    recent_log(logdir, 80)
    new_csv(logdir / "threads.csv", calls(datetime.now(timezone.utc) - timedelta(minutes=1), 5,
                                          every=timedelta(milliseconds=10), ms=5000))
    document = json.loads(run("watch", "-l", str(logdir), "--once", "--json", *args).stdout)
    schema = json.loads((ROOT / "docs" / "schemas" / "watch.schema.json").read_text(encoding="utf-8"))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(document)] == []
    assert document["tables"]["threads"] and document["rows"]
    assert [b["kind"] for b in document["breaches"]] == (["rolling_now"] if args[1] == "70" else [])


def test_once_says_each_note_and_warning_once_with_the_files_own_line(logdir):
    log = recent_log(logdir, 10)
    append(log, "not a time,query,Tickets,X,,,1\n")
    (logdir / "counts.csv").write_text("Hour,Acme,Total calls\n12:00 AM,3,3\n", encoding="utf-8")
    result = run("watch", "-l", str(logdir), "--once", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"note: {logdir / 'counts.csv'}: hourly counts or counter samples, not calls: left out of the watch",
        f"warning: {log}: 1 row skipped (1 unparseable execution_start at line 12)",
    ]
    assert json.loads(result.stdout)["meta"]["files"] == 1


def test_once_csv_writes_the_integrations_with_formulas_neutralised(logdir):
    recent_log(logdir, 10, vendor="=cmd|' /C calc'!A0")
    result = run("watch", "-l", str(logdir), "--once", "--csv")
    assert result.exit_code == 0, result.output
    [row] = parsed_csv(result.stdout)
    assert row["Integration"] == "'=cmd|' /C calc'!A0" and row["Last 60 min"] == "10"


@pytest.mark.parametrize("threshold, code", [("79", 3), ("80", 0)])
def test_once_fail_on_breach_exits_3_over_the_threshold_now(logdir, threshold, code):
    recent_log(logdir, 80)
    result = run("watch", "-l", str(logdir), "--once", "--fail-on-breach", "--db-threshold", threshold, "--json")
    assert result.exit_code == code, result.output
    breaches = json.loads(result.stdout)["breaches"]
    if code:
        assert re.fullmatch(r"breach: rolling 60-minute count is 80 at \S+, over 79 \(top: Datto RMM 80\)\n",
                            result.stderr)
        assert breaches[0]["calls"] == 80
    else:
        assert breaches == [] and result.stderr == ""


def test_once_does_not_read_files_last_written_before_the_window(logdir):
    import os

    recent_log(logdir, 80)
    stale = new_csv(logdir / "yesterday.csv", calls(datetime.now(timezone.utc) - timedelta(minutes=3), 40))
    then = time.time() - 3 * 3600  # its calls say otherwise: only its time as a file decides
    os.utime(stale, (then, then))
    document = json.loads(run("watch", "-l", str(logdir), "--once", "--json").stdout)
    assert (document["meta"]["rolling_calls"], document["meta"]["calls_total"]) == (80, 80)


@pytest.mark.parametrize("args, message", [
    (["--once", "--on-alert", "true"], "--once looks once and exits"),
    (["--once", "--metrics", "9464"], "--once looks once and exits"),
    (["--json"], "needs --once"),
    (["--fail-on-breach"], "needs --once"),
    (["--metrics", "localhost"], "is not HOST:PORT"),
    (["-l", "s3://bucket/logs/"], "watch follows files on this machine, not URLs (s3://bucket/logs/)"),
])
def test_options_that_do_not_go_together_are_usage_errors(logdir, args, message):
    recent_log(logdir, 1)
    result = run("watch", "-l", str(logdir), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_metrics_port_in_use_is_one_error_line(logdir):
    import socket

    recent_log(logdir, 1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("watch", "-l", str(logdir), "--metrics", f"127.0.0.1:{port}")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot serve metrics on 127.0.0.1:{port}: ")
    assert "hint: choose another --metrics HOST:PORT" in result.stderr and "Traceback" not in result.output


def test_logs_that_cannot_be_read_are_one_error_line(logdir):
    (logdir / "notes.csv").write_text("Name,Comment\nx,y\n", encoding="utf-8")
    result = run("watch", "-l", str(logdir), "--once")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "notes.csv" in result.stderr and "Traceback" not in result.output


class Process:
    """`apihourly watch` running in a process of its own; its stderr read
    line by line on a thread, so the test can wait for a line."""

    def __init__(self, *args: str, cwd) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "apihourly", "watch", *args], cwd=cwd,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.said.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}; stderr so far: {self.said}")

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=30)
        return self.process.returncode, out


def test_a_live_watch_follows_appends_alerts_serves_metrics_and_ends_on_ctrl_c(logdir, tmp_path):
    log = recent_log(logdir, 40)
    watch = Process("-l", str(logdir), "--db-threshold", "100", "--interval", "0.2", "--metrics", "127.0.0.1:0",
                    "--on-alert", 'echo "$APIHOURLY_TIER $APIHOURLY_COUNT $APIHOURLY_DIRECTION" >> alerts.txt',
                    cwd=tmp_path)
    try:
        port = int(watch.wait_for(r"^metrics: serving http://127\.0\.0\.1:(\d+)/metrics$").group(1))
        now = datetime.now(timezone.utc)
        append(log, calls(now - timedelta(seconds=30), 36, every=timedelta(milliseconds=500)))
        alert = watch.wait_for(r"^alert: .* crossed 75% of 100 up")  # (50% first, if a look met half the lines)
        assert re.search(r"rolling 60-minute count 76 crossed 75% of 100 up \(75%: about \+1 s per call\); "
                         r"top: Datto RMM 76$", alert.string)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            families = {f.name: f for f in text_string_to_metric_families(response.read().decode())}
        assert families["apihourly_rolling_calls"].samples[0].value == 76
        assert families["apihourly_tier"].samples[0].value == 2
        deadline = time.monotonic() + 10
        while not (tmp_path / "alerts.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        deadline = time.monotonic() + 10
        while not (tmp_path / "alerts.txt").read_text().endswith("75 76 up\n") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (tmp_path / "alerts.txt").read_text().splitlines()[-1] == "75 76 up"
    finally:
        code, out = watch.stop()
    assert code == 0
    assert "76 of 100 calls (76.0%)" in out  # off a terminal, the last look is printed at the end
