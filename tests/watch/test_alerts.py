"""--on-alert: the alert reaches the command in its environment only, log
text never runs, and a command that fails or hangs is said and stopped
without stopping the watch."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from growing import calls, new_csv
from make_logs import utc

from apihourly.count.calls import FIELDS
from apihourly.read.follow import Follower
from apihourly.watch.alerts import AlertCommand
from apihourly.watch.loop import Settings, Watch, alert_variables

T0 = utc(2026, 11, 27, 14, 0)
HOSTILE = ("a\nb\x1b[31m", "$(touch pwned-dollar)", "`touch pwned-tick`", "'; touch pwned-quote; '")


class Said:
    """What the runner told the user, as (kind, message), waited for."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.event = threading.Event()

    def __call__(self, kind: str, message: str) -> None:
        self.lines.append((kind, message))
        self.event.set()


def hostile_alert(logdir):
    """The alert of a watch whose integrations are named to run commands
    (the top three are in the alert: the first has the fewest calls)."""
    text = "".join(calls(T0 + timedelta(seconds=i), 30 + (i > 0), vendor=name) for i, name in enumerate(HOSTILE))
    new_csv(logdir / "proxy.csv", text)
    watch = Watch(Follower([str(logdir)], fields=FIELDS), Settings(100, 3, 10_000, ZoneInfo("UTC")),
                  lambda: 0, lambda: int(T0.timestamp()) * 10**9)
    return watch.step().alert


def test_log_text_reaches_the_command_as_values_and_never_runs(logdir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    alert = hostile_alert(logdir)
    said = Said()
    command = AlertCommand('printf "%s|%s|%s" "$APIHOURLY_TOP" "$APIHOURLY_TIER" "$APIHOURLY_ALERT" > got.txt',
                           10, said)
    command.send(alert_variables(alert, ZoneInfo("UTC")))
    command.close(10)
    got = (tmp_path / "got.txt").read_text(encoding="utf-8")
    top, tier, sentence = got.split("|")
    assert tier == "100"
    assert top == "$(touch pwned-dollar)=31; '; touch pwned-quote; '=31; `touch pwned-tick`=31"
    assert sentence.startswith("2026-11-27T14:00:") and "crossed 100% of 100 up" in sentence
    assert "$(touch pwned-dollar) 31" in sentence
    assert not list(tmp_path.glob("pwned*")) and not list(logdir.glob("pwned*"))
    assert said.lines == []


def test_a_hanging_command_is_stopped_and_said_and_the_next_alert_still_runs(tmp_path):
    said = Said()
    command = AlertCommand('[ "$APIHOURLY_COUNT" = 1 ] && sleep 60; echo "$APIHOURLY_COUNT" > "$OUT"', 0.5, said)
    started = time.monotonic()
    command.send({"APIHOURLY_COUNT": "1", "OUT": str(tmp_path / "first")})
    command.send({"APIHOURLY_COUNT": "2", "OUT": str(tmp_path / "second")})
    command.close(10)
    assert time.monotonic() - started < 8
    assert said.lines == [("warning", "--on-alert command still running after 0.5 s: stopped")]
    assert not (tmp_path / "first").exists()
    assert (tmp_path / "second").read_text() == "2\n"


def test_control_characters_in_values_reach_the_command_as_escapes(tmp_path):
    command = AlertCommand('printf "%s" "$APIHOURLY_TOP" > "$OUT"', 10, Said())
    command.send({"APIHOURLY_TOP": "a\nb\x1b[31m\x00=3", "OUT": str(tmp_path / "got")})
    command.close(10)
    assert (tmp_path / "got").read_text() == "a\\x0ab\\x1b[31m\\x00=3"


def test_a_failing_command_is_said_with_its_last_words():
    said = Said()
    command = AlertCommand("echo starting >&2; echo 'no route to host' >&2; exit 7", 5, said)
    command.send({})
    command.close(10)
    assert said.lines == [("warning", "--on-alert command failed (exit 7): no route to host")]


def test_sending_never_waits_for_a_busy_command():
    said = Said()
    command = AlertCommand("sleep 2", 5, said)
    started = time.monotonic()
    for _ in range(40):
        command.send({})
    assert time.monotonic() - started < 1
    assert ("warning", "--on-alert: 16 alerts already wait for the command; this one is not sent") in said.lines
    command.close(0.1)
