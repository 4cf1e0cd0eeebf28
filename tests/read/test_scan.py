"""The read-ahead thread: everything in order, the reader's error raised in
the consumer, and the reader stopped when the consumer stops."""

from __future__ import annotations

import pytest


def test_read_ahead_yields_everything_in_order_and_raises_the_readers_error():
    from apihourly.errors import LogFormatError
    from apihourly.read.scan import read_ahead

    assert list(read_ahead(iter(range(10)))) == list(range(10))

    def failing():
        yield 1
        raise LogFormatError("x.parquet", "cannot be read: bad page")

    got = []
    with pytest.raises(LogFormatError, match="bad page"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_read_ahead_stops_its_reader_when_the_consumer_stops():
    import threading

    from apihourly.read.scan import read_ahead

    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in read_ahead(endless(), depth=2):
        if item == 3:
            break
    assert not [t for t in threading.enumerate() if t.name == "apihourly-read"]
    assert len(produced) <= 3 + 2 + 2  # what was consumed, queued, and in hand


def _alive_readers():
    import threading

    return [t for t in threading.enumerate() if t.name == "apihourly-read" and t.is_alive()]


def test_the_reading_thread_is_joined_on_every_error_path(logdir, monkeypatch):
    """A reading thread still inside pyarrow at exit can abort the process
    (SIGABRT, seen once in fifty runs); every path must join it."""
    import pytest
    from make_logs import burst, utc, write_parquet

    from apihourly.count import build, hourly
    from apihourly.errors import LogFormatError
    from apihourly.read import parquet
    from apihourly.read.scan import LogSet

    bad = logdir / "bad"
    bad.mkdir()
    (bad / "a.csv").write_text("execution_start,vendor\n" + "".join(f"not a time {i},V\n" for i in range(50)))
    for _ in range(100):  # the reader fails
        with pytest.raises(LogFormatError, match="no readable execution_start"):
            hourly.count_hourly(LogSet.open([str(bad)]), utc(2026, 1, 1).tzinfo)
        assert _alive_readers() == []

    good = logdir / "good"
    good.mkdir()
    write_parquet(good / "a.parquet", burst(utc(2026, 11, 15), 2_000), row_group_size=100)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 100)
    calls = {"n": 0}

    def failing(self, table):
        calls["n"] += 1
        raise RuntimeError("the counting fails")

    monkeypatch.setattr(build.DigestBuilder, "add", failing)
    for _ in range(50):  # the counting fails while the reader is ahead of it
        with pytest.raises(RuntimeError) as caught:
            hourly.count_hourly(LogSet.open([str(good)]), utc(2026, 1, 1).tzinfo)
        # the traceback still holds the failed frames, as the CLI's error path does
        assert caught.traceback and _alive_readers() == []
    assert calls["n"] == 50


def test_a_failing_read_exits_cleanly_every_time(logdir):
    import subprocess
    import sys

    (logdir / "a.csv").write_text("execution_start,vendor\n" + "".join(f"13/45/2026 9:{i:02d},V\n" for i in range(60)))
    for _ in range(5):
        done = subprocess.run([sys.executable, "-m", "apihourly", "summary", "-l", str(logdir), "--tz",
                               "America/New_York", "--date", "2026-11-16", "--csv"], capture_output=True, text=True)
        assert done.returncode == 1 and done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1
