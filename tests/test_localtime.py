"""Wall-clock times to UTC: timeaxis.local_to_utc gives each wall time's
earlier and later UTC instant and whether clocks ever showed it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apihourly.timeaxis import local_to_utc, to_ns

NS = 10**9
NEW_YORK = ZoneInfo("America/New_York")
ZONES = ["America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "Europe/Amsterdam",
         "Europe/Dublin", "Africa/Casablanca", "America/St_Johns", "Pacific/Apia", "Antarctica/Troll",
         "Europe/Moscow", "UTC"]


def wall(*parts, nanosecond: int = 0) -> int:
    """A wall time as nanoseconds read as UTC."""
    return to_ns(datetime(*parts, tzinfo=timezone.utc)) + nanosecond


def utc(*parts) -> int:
    return to_ns(datetime(*parts, tzinfo=timezone.utc))


def one(wall_ns: int, tz: ZoneInfo) -> tuple[int, int, bool]:
    first, second, exists = local_to_utc(np.array([wall_ns], dtype=np.int64), tz)
    return int(first[0]), int(second[0]), bool(exists[0])


def test_spring_forward_skips_2_30_in_new_york():
    assert one(wall(2026, 3, 8, 2, 30), NEW_YORK)[2] is False
    assert one(wall(2026, 3, 8, 2, 0), NEW_YORK)[2] is False
    assert one(wall(2026, 3, 8, 1, 59, 59, nanosecond=999_999_999), NEW_YORK) == (
        utc(2026, 3, 8, 6, 59, 59) + 999_999_999,) * 2 + (True,)
    assert one(wall(2026, 3, 8, 3, 0), NEW_YORK) == (utc(2026, 3, 8, 7), utc(2026, 3, 8, 7), True)


def test_fall_back_gives_1_30_twice_in_new_york():
    assert one(wall(2026, 11, 1, 1, 30), NEW_YORK) == (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30), True)
    assert one(wall(2026, 11, 1, 0, 59), NEW_YORK) == (utc(2026, 11, 1, 4, 59), utc(2026, 11, 1, 4, 59), True)
    assert one(wall(2026, 11, 1, 2, 0), NEW_YORK) == (utc(2026, 11, 1, 7), utc(2026, 11, 1, 7), True)


def test_lord_howe_half_hour_changes():
    tz = ZoneInfo("Australia/Lord_Howe")
    assert one(wall(2026, 4, 5, 1, 45), tz) == (utc(2026, 4, 4, 14, 45), utc(2026, 4, 4, 15, 15), True)
    assert one(wall(2026, 10, 4, 2, 15), tz)[2] is False
    assert one(wall(2026, 10, 4, 2, 30), tz) == (utc(2026, 10, 3, 15, 30),) * 2 + (True,)


def test_kathmandu_quarter_hour_offset_and_its_1986_gap():
    tz = ZoneInfo("Asia/Kathmandu")
    assert one(wall(2026, 11, 16, 12, 0), tz) == (utc(2026, 11, 16, 6, 15),) * 2 + (True,)
    assert one(wall(1986, 1, 1, 0, 10), tz)[2] is False
    assert one(wall(1986, 1, 1, 0, 15), tz) == (utc(1985, 12, 31, 18, 30),) * 2 + (True,)


def test_chatham_repeats_a_wall_hour_at_quarter_to():
    tz = ZoneInfo("Pacific/Chatham")
    assert one(wall(2026, 4, 5, 3, 0), tz) == (utc(2026, 4, 4, 13, 15), utc(2026, 4, 4, 14, 15), True)


def test_local_mean_time_offsets_in_seconds():
    tz = ZoneInfo("Europe/Amsterdam")
    assert one(wall(1900, 6, 1, 12, 0), tz) == (utc(1900, 6, 1, 11, 40, 28),) * 2 + (True,)
    # 1937-07-01: +01:19:32 became +01:20, so 00:00:00-00:00:28 never happened
    assert one(wall(1937, 7, 1, 0, 0, 10), tz)[2] is False
    assert one(wall(1937, 7, 1, 0, 0, 40), tz) == (utc(1937, 6, 30, 22, 40, 40),) * 2 + (True,)


def test_empty_input():
    first, second, exists = local_to_utc(np.array([], dtype=np.int64), NEW_YORK)
    assert len(first) == len(second) == len(exists) == 0
    assert first.dtype == np.int64 and exists.dtype == bool


def test_the_night_of_both_changes_matches_the_reference():
    for day in (datetime(2026, 3, 8), datetime(2026, 11, 1)):
        walls = [day + timedelta(seconds=s) for s in range(0, 4 * 3_600, 37)]
        _check(walls, NEW_YORK)


# Against a brute-force reference ---------------------------------------------------

def reference(moment: datetime, tz: ZoneInfo) -> list[int]:
    """Every UTC instant whose wall time in `tz` is `moment`: candidates from
    fold=0/fold=1 and from every offset in force within a day either side,
    each kept only if it reads back as `moment`."""
    offsets = {moment.replace(tzinfo=tz, fold=fold).utcoffset() for fold in (0, 1)}
    probe = moment.replace(tzinfo=timezone.utc)
    offsets |= {(probe + timedelta(hours=k)).astimezone(tz).utcoffset() for k in range(-26, 27)}
    found = {to_ns((moment - offset).replace(tzinfo=timezone.utc)) for offset in offsets
             if (moment - offset).replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None) == moment}
    return sorted(found)


def _check(walls: list[datetime], tz: ZoneInfo) -> None:
    first, second, exists = local_to_utc(np.array([wall_ns(m) for m in walls], dtype=np.int64), tz)
    for i, moment in enumerate(walls):
        expected = reference(moment, tz)
        assert len(expected) <= 2, (moment, tz)
        got = (int(first[i]), int(second[i])) if exists[i] else None
        assert got == ((expected[0], expected[-1]) if expected else None), (moment, tz.key)


def wall_ns(moment: datetime) -> int:
    return to_ns(moment.replace(tzinfo=timezone.utc))


@cache
def transitions(name: str) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """(UTC instant, offset before, offset after) of each change 1900-2100,
    found week by week and narrowed to the second."""
    tz, found = ZoneInfo(name), []
    probe, step = datetime(1900, 1, 1, tzinfo=timezone.utc), timedelta(days=7)
    while probe.year < 2101:
        lo, hi = probe, probe + step
        if lo.astimezone(tz).utcoffset() != hi.astimezone(tz).utcoffset():
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset() else (lo, mid)
            found.append((hi, lo.astimezone(tz).utcoffset(), hi.astimezone(tz).utcoffset()))
        probe += step
    return tuple(found)


@st.composite
def wall_times(draw, name: str) -> datetime:
    """Mostly wall times within two hours of a change, on either side's clock;
    some anywhere in 1900-2100."""
    changes = transitions(name)
    if not changes or draw(st.integers(0, 4)) == 0:
        return draw(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30)))
    instant, before, after = draw(st.sampled_from(changes))
    seconds = draw(st.integers(-7_200, 7_200) | st.sampled_from([-1, 0, 1]))
    micro = draw(st.sampled_from([0, 999_999]) | st.integers(0, 999_999))
    return (instant + draw(st.sampled_from([before, after])) + timedelta(seconds=seconds, microseconds=micro)
            ).replace(tzinfo=None)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONES).flatmap(lambda name: st.tuples(st.just(name), st.lists(wall_times(name), min_size=1,
                                                                                      max_size=30))))
def test_local_to_utc_matches_brute_force(case):
    name, walls = case
    _check(walls, ZoneInfo(name))


@pytest.mark.parametrize("name", ["Europe/Amsterdam", "Pacific/Apia", "Antarctica/Troll", "Africa/Casablanca"])
def test_every_change_of_odd_zones_matches_the_reference(name):
    """Each transition 1900-2100 at its edges on both clocks: seconds offsets
    (LMT), a skipped day (Apia 2011), a two-hour change, negative DST."""
    walls = []
    for instant, before, after in transitions(name):
        for offset in {before, after}:
            base = (instant + offset).replace(tzinfo=None)
            walls += [base + timedelta(seconds=s) for s in (-1, 0, 1, 1799, 3600)]
    _check(walls, ZoneInfo(name))
