"""The live window: exact counts as calls arrive and leave, where its end
is (log time, the clock only while idle), alerts on crossing the tiers,
the current local hour on DST days, trends and thread stretches."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from growing import append, calls, new_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from make_logs import utc

from apihourly.count.window import FALLING, NEW, RISING, STEADY, LiveWindow, _hour_start
from apihourly.read.follow import Follower
from apihourly.count.calls import FIELDS
from apihourly.timeaxis import HOUR_NS, NS
from apihourly.watch.loop import Settings, Watch, alert_variables

T0 = utc(2026, 11, 27, 14, 0)
UTC = ZoneInfo("UTC")
S = NS  # one second in ns


def ns(moment) -> int:
    return int(moment.timestamp()) * NS


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def watching(logdir, threshold: int = 100, wall=T0, max_threads: int = 3):
    clock = Clock()
    follower = Follower([str(logdir)], fields=FIELDS)
    watch = Watch(follower, Settings(threshold, max_threads, 10_000, UTC), clock, lambda: ns(wall))
    return watch, clock


def table_of(times_s: list[int], vendor: str = "Datto RMM"):
    import pyarrow as pa

    n = len(times_s)
    return pa.table({"ts": pa.array([t * S for t in times_s], pa.int64()), "vendor": [vendor] * n,
                     "integration": [""] * n, "tracking_id": [""] * n, "entity": ["Tickets"] * n,
                     "execution_ms": pa.array([50] * n, pa.int64())})


def test_the_window_counts_calls_in_the_last_60_minutes_and_forgets_older_ones():
    window = LiveWindow(3)
    window.add(table_of([0, 10, 3599, 3600, 3601]))
    window.advance(3601 * S)
    look = window.look(10_000, UTC)
    assert look.count == 4  # (1 s, 3601 s]: the call at 0 s has left, the one at 1 s would not have
    assert window.size == 4
    window.advance(3610 * S)
    assert window.look(10_000, UTC).count == 3 and window.size == 3
    window.advance(3601 * S)  # never back
    assert window.end_ns == 3610 * S


def test_many_batches_are_merged_and_still_counted_exactly(monkeypatch):
    from apihourly.count import window as module

    monkeypatch.setattr(module, "MAX_PARTS", 4)
    window = LiveWindow(3)
    for second in range(20, 0, -1):  # newest first: every batch out of order with the others
        window.add(table_of([second, second + 3600]))
    assert len(window.parts) <= 5
    window.advance(3610 * S)
    assert window.look(10_000, UTC).count == 10 + 10  # (10 s, 3610 s]: 11..20 and 3601..3610
    assert window.size == 30  # and 3611..3620, past the end, kept for later


def test_a_late_batch_older_than_the_window_is_counted_read_but_not_in_the_window():
    window = LiveWindow(3)
    window.add(table_of([5000]))
    window.advance(5000 * S)
    window.add(table_of([100, 4000]))
    assert window.calls_total == 3
    assert window.look(10_000, UTC).count == 2 and window.size == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 20_000), max_size=30), max_size=6), st.integers(0, 25_000))
def test_the_count_is_the_calls_in_the_last_hour_whatever_the_order_of_batches(batches, end):
    window = LiveWindow(3)
    for batch in batches:
        window.add(table_of(batch))
    window.advance(end * S)
    every = [t for batch in batches for t in batch]
    expected = sum(1 for t in every if end - 3600 < t <= end)
    assert window.look(10_000, UTC).count == expected
    assert window.size == sum(1 for t in every if t > end - 3600)


def test_the_window_ends_at_the_newest_call_while_calls_arrive(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 10))
    watch, clock = watching(logdir, wall=T0 - timedelta(hours=1))  # this machine's clock behind the logs
    assert watch.step().report.meta["rolling_calls"] == 10
    assert watch.window.end_ns == ns(T0 + timedelta(seconds=9))
    append(log, calls(T0 + timedelta(minutes=30), 1))
    clock.now += 5 * S
    watch.step()
    assert watch.window.end_ns == ns(T0 + timedelta(minutes=30))


def test_while_no_calls_arrive_the_clock_moves_the_window_and_calls_leave(logdir):
    new_csv(logdir / "proxy.csv", calls(T0, 10, every=timedelta(minutes=1)))  # 14:00 .. 14:09
    watch, clock = watching(logdir, wall=T0 + timedelta(minutes=9))
    assert watch.step().report.meta["rolling_calls"] == 10
    clock.now += 50 * 60 * S + 30 * S  # to 14:59:30: the 14:00 call leaves at 15:00
    look = watch.step().report.meta
    assert (look["rolling_calls"], look["oldest_leaves_in_s"]) == (10, 30.0)
    clock.now += 30 * S
    assert watch.step().report.meta["rolling_calls"] == 9
    clock.now += 9 * 60 * S
    assert watch.step().report.meta["rolling_calls"] == 0


def test_each_step_says_only_what_reading_found_since_the_last(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 3) + "not a time,query,Tickets,X,,,1\n")
    watch, _ = watching(logdir)
    assert watch.step().news == [("warning", f"{log}: 1 line skipped (unparseable execution_start)")]
    assert watch.step().news == []
    append(log, "later,query,Tickets,X,,,1\n" * 2)
    assert watch.step().news == [("warning", f"{log}: 2 lines skipped (unparseable execution_start)")]


def test_a_log_quiet_for_hours_shows_an_empty_window_at_the_start(logdir):
    new_csv(logdir / "proxy.csv", calls(T0, 10))
    watch, _ = watching(logdir, wall=T0 + timedelta(hours=3))
    meta = watch.step().report.meta
    assert (meta["rolling_calls"], meta["calls_total"]) == (0, 10)


def test_the_75_percent_alert_fires_once_and_the_way_down_once(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 74))
    watch, clock = watching(logdir, threshold=100, wall=T0)
    assert watch.step().alert.tier == 1  # 74 calls: over 50 since the start
    append(log, calls(T0 + timedelta(minutes=1), 1))
    first = watch.step().alert
    assert (first.tier, first.rising, first.count, first.share) == (2, True, 75, 75)
    for minute in (2, 3):
        append(log, calls(T0 + timedelta(minutes=minute), 1))
        assert watch.step().alert is None  # still in the 75% tier: said once
    clock.now += HOUR_NS - 60 * S  # quiet: the first 74 calls leave
    down = watch.step().alert
    assert (down.tier, down.rising, down.share) == (0, False, 50)
    assert "crossed 50% of 100 down" in down.sentence(UTC)


def test_a_burst_over_several_floors_is_one_alert_of_the_highest(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 10))
    watch, _ = watching(logdir, threshold=100, wall=T0)
    assert watch.step().alert is None
    append(log, calls(T0 + timedelta(seconds=10), 95))
    alert = watch.step().alert
    assert (alert.tier, alert.share, alert.count) == (3, 100, 105)
    variables = alert_variables(alert, UTC)
    assert {k: variables[k] for k in ("APIHOURLY_TIER", "APIHOURLY_COUNT", "APIHOURLY_DIRECTION")} == \
        {"APIHOURLY_TIER": "100", "APIHOURLY_COUNT": "105", "APIHOURLY_DIRECTION": "up"}
    assert variables["APIHOURLY_TOP"] == "Datto RMM=105"
    assert watch.step().report.breaches[0]["calls"] == 105


@pytest.mark.parametrize("end, start", [
    ("2026-11-01T05:30:00+00:00", "2026-11-01T05:00:00+00:00"),  # 01:30 EDT, the first 01:00
    ("2026-11-01T06:30:00+00:00", "2026-11-01T06:00:00+00:00"),  # 01:30 EST, the second
    ("2026-03-08T07:10:00+00:00", "2026-03-08T07:00:00+00:00"),  # 03:10 EDT, after 02:00 was skipped
])
def test_the_current_hour_is_the_local_hour_the_summary_shows_on_dst_days(end, start):
    from datetime import datetime

    zone = ZoneInfo("America/New_York")
    assert _hour_start(ns(datetime.fromisoformat(end)), zone) == ns(datetime.fromisoformat(start))


def test_a_half_hour_zone_starts_its_hours_at_the_half_hour():
    from datetime import datetime

    end = ns(datetime.fromisoformat("2026-11-27T10:20:00+00:00"))  # 15:50 in Kolkata (+05:30)
    assert _hour_start(end, ZoneInfo("Asia/Kolkata")) == ns(datetime.fromisoformat("2026-11-27T09:30:00+00:00"))


def test_trends_compare_the_last_5_minutes_with_the_5_before():
    window = LiveWindow(3)
    end = 3600
    window.add(table_of([end - 400] * 10 + [end - 100] * 20, "Rising"))
    window.add(table_of([end - 400] * 20 + [end - 100] * 10, "Falling"))
    window.add(table_of([end - 400] * 10 + [end - 100] * 11, "Steady"))
    window.add(table_of([end - 100] * 3, "Brand new"))
    window.advance(end * S)
    look = window.look(10_000, UTC)
    trends = {label: look.trend(k) for k, label in enumerate(look.labels)}
    assert trends == {"Rising": RISING, "Falling": FALLING, "Steady": STEADY, "Brand new": NEW}


def test_thread_stretches_of_the_last_5_minutes_are_shown_with_their_peak(logdir):
    # Four calls of 10 s each start a second apart: four in flight from +3 s to +10 s.
    new_csv(logdir / "proxy.csv", calls(T0, 4, ms=10_000) + calls(T0 - timedelta(minutes=30), 4, ms=10_000))
    watch, _ = watching(logdir, wall=T0 + timedelta(minutes=1), max_threads=3)
    threads = watch.step().report.parts["threads"]
    assert list(threads.rows()) == [("Datto RMM", "Tickets", "2026-11-27T14:00:03.000+00:00",
                                     "2026-11-27T14:00:10.000+00:00", 4)]
