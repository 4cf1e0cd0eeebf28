"""The tenant's rolling 60-minute count on arrays, with hand-computed
expectations and brute-force references: counts at instants, tiers, and
each day's peak."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apihourly.count import rolling, threads
from apihourly.timeaxis import NS

MIN = 60 * NS
DAY_NS = 86_400 * NS
START = 1_794_700_800 * NS  # 2026-11-15T00:00:00Z


def test_rolling_count_is_calls_in_the_hour_up_to_and_including_t():
    ts = np.array([0, 10, 20, 3600], dtype=np.int64) * NS
    assert rolling.rolling_counts(ts, ts).tolist() == [1, 2, 3, 3]
    assert rolling.rolling_counts(ts, [3599 * NS, 3610 * NS, 7200 * NS]).tolist() == [3, 2, 0]


def test_tier_floors_are_half_three_quarters_and_one_over_the_threshold():
    assert rolling.tier_floors(10_000) == [5_000, 7_500, 10_001]
    assert rolling.tier_floors(5) == [3, 4, 6]


def test_minutes_in_tiers_and_entry_times_on_a_small_threshold():
    # calls at 0, 0.5, 1, 30 and 59.5 minutes; threshold 4 -> tiers from 2, 3 and 5 calls
    ts = (np.array([0, 30, 60, 1800, 3570], dtype=np.int64) * NS)
    usage = rolling.rolling_usage(ts, 0, 180 * MIN, 4)
    assert usage.peak == 5 and usage.peak_ns == 3570 * NS
    assert usage.first_ns == [30 * NS, 60 * NS, 3570 * NS]
    peaks = usage.minute_peaks.tolist()
    assert peaks[:3] == [2, 3, 3] and peaks[29:32] == [3, 4, 4] and peaks[58:62] == [4, 5, 4, 2]
    assert peaks[89:92] == [2, 1, 1] and peaks[119:] == [1] + [0] * 60
    # minute 0 and 61-89 at 50%; 1-58 and 60 at 75%; minute 59 over
    assert usage.tier_minutes == [30, 59, 1]


def test_results_do_not_depend_on_the_step_size(monkeypatch):
    rng = np.random.default_rng(11)
    ts = np.sort(rng.integers(0, 7_200, 500)) * NS
    group = rng.integers(0, 3, 500)
    duration = rng.integers(-1, 90_000, 500)
    whole = rolling.rolling_usage(ts, 3_600 * NS, 7_200 * NS, 60), threads.thread_usage(group, ts, duration, 2)
    monkeypatch.setattr(rolling, "CHUNK", 7)
    steps = rolling.rolling_usage(ts, 3_600 * NS, 7_200 * NS, 60), threads.thread_usage(group, ts, duration, 2)
    for a, b in zip(whole, steps):
        assert {k: np.asarray(v).tolist() for k, v in vars(a).items()} == \
               {k: np.asarray(v).tolist() for k, v in vars(b).items()}
    assert whole[0].peak > 60 and len(whole[1].intervals) > 5


def test_counts_at_calls_handle_equal_times_across_steps(monkeypatch):
    ts = np.array([0, 5, 5, 5, 5, 9, 3_600, 3_605, 3_605], dtype=np.int64) * NS
    expected = rolling.rolling_counts(ts, ts).tolist()
    assert expected == [1, 5, 5, 5, 5, 6, 6, 4, 4]  # at 3,605 s the window (5 s, 3,605 s] drops 0 and the 5s
    monkeypatch.setattr(rolling, "CHUNK", 2)
    usage = rolling.rolling_usage(ts, 0, 7_200 * NS, 5)  # tiers from 3, 4 and 6 calls
    assert usage.peak == 6 and usage.peak_ns == 9 * NS
    assert usage.first_ns == [5 * NS, 5 * NS, 9 * NS]
    assert rolling._counts_at_calls(ts, 1, 3).tolist() == [5, 5]


@settings(max_examples=60, deadline=None)
@given(seconds=st.lists(st.integers(0, 3 * 3_600), min_size=1, max_size=40), threshold=st.integers(1, 12),
       step=st.sampled_from([1, 3, 1 << 16]))
def test_rolling_usage_matches_a_brute_force_count(seconds, threshold, step):
    ts = np.sort(np.array(seconds, dtype=np.int64)) * NS
    lo, hi = 3_600 * NS, 3 * 3_600 * NS

    def count(t):
        return sum(t - 3_600 * NS < x <= t for x in ts.tolist())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rolling, "CHUNK", step)
        usage = rolling.rolling_usage(ts, lo, hi, threshold)
    inside = [t for t in ts.tolist() if lo <= t < hi]
    assert usage.peak == max([count(t) for t in inside], default=0)
    floors = rolling.tier_floors(threshold)
    assert usage.first_ns == [next((t for t in inside if count(t) >= f), None) for f in floors]
    # a minute's peak: at its start, or at one of its calls
    for m, peak in enumerate(usage.minute_peaks.tolist()):
        start = lo + m * MIN
        assert peak == max([count(start)] + [count(t) for t in inside if start <= t < start + MIN])


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
    assert rolling.peaks_by_day(ts[::-1], bounds).tolist() == expected.tolist()


def test_peaks_by_day_of_a_burst_across_midnight():
    ts = np.array([START - 30 * 60 * NS + i * NS for i in range(40)]  # 23:30:00-23:30:39 the day before
                  + [START + 20 * 60 * NS + i * NS for i in range(5)], dtype=np.int64)  # 00:20:00-00:20:04
    assert rolling.peaks_by_day(ts, [START, START + DAY_NS]).tolist() == [45]


def exact_daily_peaks(sorted_ts, day_bounds):
    """The definition, by brute force: the rolling count at every call of each
    day and at each day's first instant, the highest per day."""
    import numpy as np

    bounds = np.asarray(day_bounds, dtype=np.int64)
    cut = np.searchsorted(sorted_ts, bounds, "left")
    inside = sorted_ts[cut[0]:cut[-1]]
    counts = rolling.rolling_counts(sorted_ts, inside)
    at_start = rolling.rolling_counts(sorted_ts, bounds[:-1])
    peaks = at_start.copy()
    nonempty = np.flatnonzero(cut[1:] > cut[:-1])
    if nonempty.size:
        peaks[nonempty] = np.maximum(peaks[nonempty], np.maximum.reduceat(counts, (cut[:-1] - cut[0])[nonempty]))
    return peaks


def test_a_span_of_whole_minutes_and_one_nanosecond_keeps_its_last_minute():
    """np.arange sizes in floating point: ten years of minutes plus 1 ns lost
    the last minute, and the call in it raised an IndexError."""
    lo = 1_479_204_000 * NS  # 2016-11-15T10:00Z
    ts = np.array([lo, lo + 5_258_880 * MIN], dtype=np.int64)  # 3,652 days later, to the minute
    usage = rolling.rolling_usage(ts, lo, int(ts[-1]) + 1, 10)
    assert len(usage.minute_starts) == 5_258_881 and usage.minute_peaks[-1] == 1 and usage.peak == 1
    assert len(rolling.rolling_usage(ts, lo, int(ts[-1]) + 1, 10, minutes=False).minute_starts) == 0
