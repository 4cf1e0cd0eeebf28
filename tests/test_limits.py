"""Autotask's limits on arrays, with hand-computed expectations: the rolling
60-minute count, its tiers, and calls in flight per group."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apihourly import limits
from apihourly.timeaxis import NS

MIN = 60 * NS


def test_rolling_count_is_calls_in_the_hour_up_to_and_including_t():
    ts = np.array([0, 10, 20, 3600], dtype=np.int64) * NS
    assert limits.rolling_counts(ts, ts).tolist() == [1, 2, 3, 3]
    assert limits.rolling_counts(ts, [3599 * NS, 3610 * NS, 7200 * NS]).tolist() == [3, 2, 0]


def test_tier_floors_are_half_three_quarters_and_one_over_the_threshold():
    assert limits.tier_floors(10_000) == [5_000, 7_500, 10_001]
    assert limits.tier_floors(5) == [3, 4, 6]


def test_minutes_in_tiers_and_entry_times_on_a_small_threshold():
    # calls at 0, 0.5, 1, 30 and 59.5 minutes; threshold 4 -> tiers from 2, 3 and 5 calls
    ts = (np.array([0, 30, 60, 1800, 3570], dtype=np.int64) * NS)
    rolling = limits.rolling_usage(ts, 0, 180 * MIN, 4)
    assert rolling.peak == 5 and rolling.peak_ns == 3570 * NS
    assert rolling.first_ns == [30 * NS, 60 * NS, 3570 * NS]
    peaks = rolling.minute_peaks.tolist()
    assert peaks[:3] == [2, 3, 3] and peaks[29:32] == [3, 4, 4] and peaks[58:62] == [4, 5, 4, 2]
    assert peaks[89:92] == [2, 1, 1] and peaks[119:] == [1] + [0] * 60
    # minute 0 and 61-89 at 50%; 1-58 and 60 at 75%; minute 59 over
    assert rolling.tier_minutes == [30, 59, 1]


def _threads(*calls, max_threads=3):
    """calls: (group, start ms, duration ms or None)."""
    group = [c[0] for c in calls]
    start = [c[1] * 1_000_000 for c in calls]
    duration = [-1 if c[2] is None else c[2] for c in calls]
    return limits.thread_usage(group, start, duration, max_threads, per_call=True)


def test_four_overlapping_calls_on_one_entity_break_the_thread_limit():
    usage = _threads((0, 0, 1000), (0, 100, 1000), (0, 200, 1000), (0, 300, 1000))
    assert usage.level_at_start.tolist() == [1, 2, 3, 4]
    assert usage.intervals.tolist() == [[0, 300_000_000, 1_000_000_000, 4]]


def test_three_overlapping_calls_and_back_to_back_calls_do_not():
    usage = _threads((0, 0, 1000), (0, 100, 1000), (0, 200, 1000), (0, 1000, 500))
    assert usage.level_at_start.tolist() == [1, 2, 3, 3]
    assert usage.intervals.tolist() == []


def test_the_same_integration_on_two_entities_is_counted_apart():
    usage = _threads(*[(0, t, 1000) for t in (0, 10, 20)], *[(1, t, 1000) for t in (0, 10, 20)])
    assert usage.level_at_start.tolist() == [1, 2, 3, 1, 2, 3]
    assert usage.intervals.tolist() == []


def test_a_call_without_duration_is_in_flight_only_at_its_start():
    usage = _threads((0, 0, 1000), (0, 100, 1000), (0, 200, 1000), (0, 500, None), (0, 501, None))
    assert usage.level_at_start.tolist() == [1, 2, 3, 4, 4]
    assert usage.intervals.tolist() == [[0, 500_000_000, 500_000_001, 4], [0, 501_000_000, 501_000_001, 4]]


def test_packed_and_lexsort_sweeps_agree_on_random_calls():
    rng = np.random.default_rng(7)
    group = rng.integers(0, 5, 2_000)
    start = np.sort(rng.integers(0, 60_000, 2_000)) * 1_000_000
    duration = np.where(rng.random(2_000) < 0.1, -1, rng.integers(0, 400, 2_000))
    fast = limits.thread_usage(group, start, duration, 2)
    slow = limits.thread_usage(group, start, duration, 2, per_call=True)
    assert fast.intervals.tolist() == slow.intervals.tolist() and len(fast.intervals) > 10
    assert fast.group_max == slow.group_max
    assert fast.group_max == {g: int(slow.level_at_start[group == g].max()) for g in range(5)}


def test_group_max_leaves_out_instants_before_since():
    ms = 1_000_000
    usage = limits.thread_usage([0, 0, 0, 1], [0, 1 * ms, 2 * ms, 50 * ms], [10, 10, 10, 1], 3, since=20 * ms)
    assert usage.group_max == {0: 0, 1: 1}


def test_results_do_not_depend_on_the_step_size(monkeypatch):
    rng = np.random.default_rng(11)
    ts = np.sort(rng.integers(0, 7_200, 500)) * NS
    group = rng.integers(0, 3, 500)
    duration = rng.integers(-1, 90_000, 500)
    whole = limits.rolling_usage(ts, 3_600 * NS, 7_200 * NS, 60), limits.thread_usage(group, ts, duration, 2)
    monkeypatch.setattr(limits, "CHUNK", 7)
    steps = limits.rolling_usage(ts, 3_600 * NS, 7_200 * NS, 60), limits.thread_usage(group, ts, duration, 2)
    for a, b in zip(whole, steps):
        assert {k: np.asarray(v).tolist() for k, v in vars(a).items()} == \
               {k: np.asarray(v).tolist() for k, v in vars(b).items()}
    assert whole[0].peak > 60 and len(whole[1].intervals) > 5


def test_counts_at_calls_handle_equal_times_across_steps(monkeypatch):
    ts = np.array([0, 5, 5, 5, 5, 9, 3_600, 3_605, 3_605], dtype=np.int64) * NS
    expected = limits.rolling_counts(ts, ts).tolist()
    assert expected == [1, 5, 5, 5, 5, 6, 6, 4, 4]  # at 3,605 s the window (5 s, 3,605 s] drops 0 and the 5s
    monkeypatch.setattr(limits, "CHUNK", 2)
    usage = limits.rolling_usage(ts, 0, 7_200 * NS, 5)  # tiers from 3, 4 and 6 calls
    assert usage.peak == 6 and usage.peak_ns == 9 * NS
    assert usage.first_ns == [5 * NS, 5 * NS, 9 * NS]
    assert limits._counts_at_calls(ts, 1, 3).tolist() == [5, 5]


@settings(max_examples=60, deadline=None)
@given(seconds=st.lists(st.integers(0, 3 * 3_600), min_size=1, max_size=40), threshold=st.integers(1, 12),
       step=st.sampled_from([1, 3, 1 << 16]))
def test_rolling_usage_matches_a_brute_force_count(seconds, threshold, step):
    ts = np.sort(np.array(seconds, dtype=np.int64)) * NS
    lo, hi = 3_600 * NS, 3 * 3_600 * NS

    def count(t):
        return sum(t - 3_600 * NS < x <= t for x in ts.tolist())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "CHUNK", step)
        usage = limits.rolling_usage(ts, lo, hi, threshold)
    inside = [t for t in ts.tolist() if lo <= t < hi]
    assert usage.peak == max([count(t) for t in inside], default=0)
    floors = limits.tier_floors(threshold)
    assert usage.first_ns == [next((t for t in inside if count(t) >= f), None) for f in floors]
    # a minute's peak: at its start, or at one of its calls
    for m, peak in enumerate(usage.minute_peaks.tolist()):
        start = lo + m * MIN
        assert peak == max([count(start)] + [count(t) for t in inside if start <= t < start + MIN])


@settings(max_examples=60, deadline=None)
@given(calls=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 50), st.integers(-1, 20)), min_size=1, max_size=30))
def test_most_calls_in_flight_matches_a_brute_force_count(calls):
    group, start_ms, duration = (np.array(c, dtype=np.int64) for c in zip(*calls))
    start = start_ms * 1_000_000
    end = start + np.maximum(duration * 1_000_000, 1)
    usage = limits.thread_usage(group, start, duration, 2)
    expected = {int(g): max(int(((group == g) & (start <= s) & (end > s)).sum()) for s in start[group == g])
                for g in set(group.tolist())}
    assert usage.group_max == expected
    over = {int(g) for g, n in expected.items() if n > 2}
    assert set(usage.intervals[:, 0].tolist()) == over


DAY_NS = 86_400 * NS
START = 1_794_700_800 * NS  # 2026-11-15T00:00:00Z


@settings(max_examples=300, deadline=None)
@given(days=st.integers(1, 3), data=st.data())
def test_peaks_by_day_from_second_counts_equal_the_exact_peaks(days, data):
    bounds = [START + d * DAY_NS for d in range(days + 1)]
    # times on a coarse grid of seconds and milliseconds, so that calls share
    # seconds, sit exactly an hour apart and land on day starts
    offsets = st.tuples(st.integers(-3_600, days * 86_400 - 1), st.sampled_from([0, 1, 500, 999]))
    picked = data.draw(st.lists(offsets, max_size=80))
    ts = np.array([START + s * NS + ms * 1_000_000 for s, ms in picked], dtype=np.int64)
    expected = exact_daily_peaks(np.sort(ts), bounds)
    assert limits.peaks_by_day(ts[::-1], bounds).tolist() == expected.tolist()


def test_peaks_by_day_of_a_burst_across_midnight():
    ts = np.array([START - 30 * 60 * NS + i * NS for i in range(40)]  # 23:30:00-23:30:39 the day before
                  + [START + 20 * 60 * NS + i * NS for i in range(5)], dtype=np.int64)  # 00:20:00-00:20:04
    assert limits.peaks_by_day(ts, [START, START + DAY_NS]).tolist() == [45]


def exact_daily_peaks(sorted_ts, day_bounds):
    """The definition, by brute force: the rolling count at every call of each
    day and at each day's first instant, the highest per day."""
    import numpy as np

    bounds = np.asarray(day_bounds, dtype=np.int64)
    cut = np.searchsorted(sorted_ts, bounds, "left")
    inside = sorted_ts[cut[0]:cut[-1]]
    counts = limits.rolling_counts(sorted_ts, inside)
    at_start = limits.rolling_counts(sorted_ts, bounds[:-1])
    peaks = at_start.copy()
    nonempty = np.flatnonzero(cut[1:] > cut[:-1])
    if nonempty.size:
        peaks[nonempty] = np.maximum(peaks[nonempty], np.maximum.reduceat(counts, (cut[:-1] - cut[0])[nonempty]))
    return peaks
