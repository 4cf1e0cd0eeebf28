"""Calls in flight per integration and entity (the thread limit), against
hand-made cases and a brute-force count."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from apihourly.count import threads


def _threads(*calls, max_threads=3):
    """calls: (group, start ms, duration ms or None)."""
    group = [c[0] for c in calls]
    start = [c[1] * 1_000_000 for c in calls]
    duration = [-1 if c[2] is None else c[2] for c in calls]
    return threads.thread_usage(group, start, duration, max_threads, per_call=True)


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
    fast = threads.thread_usage(group, start, duration, 2)
    slow = threads.thread_usage(group, start, duration, 2, per_call=True)
    assert fast.intervals.tolist() == slow.intervals.tolist() and len(fast.intervals) > 10
    assert fast.group_max == slow.group_max
    assert fast.group_max == {g: int(slow.level_at_start[group == g].max()) for g in range(5)}


def test_group_max_leaves_out_instants_before_since():
    ms = 1_000_000
    usage = threads.thread_usage([0, 0, 0, 1], [0, 1 * ms, 2 * ms, 50 * ms], [10, 10, 10, 1], 3, since=20 * ms)
    assert usage.group_max == {0: 0, 1: 1}


@settings(max_examples=60, deadline=None)
@given(calls=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 50), st.integers(-1, 20)), min_size=1, max_size=30))
def test_most_calls_in_flight_matches_a_brute_force_count(calls):
    group, start_ms, duration = (np.array(c, dtype=np.int64) for c in zip(*calls))
    start = start_ms * 1_000_000
    end = start + np.maximum(duration * 1_000_000, 1)
    usage = threads.thread_usage(group, start, duration, 2)
    expected = {int(g): max(int(((group == g) & (start <= s) & (end > s)).sum()) for s in start[group == g])
                for g in set(group.tolist())}
    assert usage.group_max == expected
    over = {int(g) for g, n in expected.items() if n > 2}
    assert set(usage.intervals[:, 0].tolist()) == over



@settings(max_examples=80, deadline=None)
@given(calls=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(-1, 15)), min_size=1, max_size=40),
       in_order=st.booleans())
def test_each_calls_level_at_its_start_matches_a_brute_force_count(calls, in_order):
    # Ties on purpose: calls of one group starting at one instant take their
    # levels in the order given, whether the starts come sorted or not.
    if in_order:
        calls = sorted(calls, key=lambda c: c[1])
    group, start_ms, duration = (np.array(c, dtype=np.int64) for c in zip(*calls))
    start = start_ms * 1_000_000
    end = start + np.maximum(duration * 1_000_000, 1)
    usage = threads.thread_usage(group, start, duration, 2, per_call=True)
    n = len(calls)
    expected = [sum(group[j] == group[i] and (start[j] < start[i] or (start[j] == start[i] and j <= i))
                    and (end[j] > start[i] or j == i) for j in range(n)) for i in range(n)]
    assert usage.level_at_start.tolist() == expected
