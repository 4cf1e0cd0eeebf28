from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from make_logs import utc

from apihourly import timeaxis
from apihourly.errors import BadOption
from apihourly.timeaxis import from_ns, iso, local_hour_axis, local_iso, resolve_hour, wall_hour

NY = ZoneInfo("America/New_York")


def _iso(axis):
    return [slot.start.isoformat() for slot in axis]


def test_spring_forward_day_has_23_hours_and_no_2am():
    axis = local_hour_axis(date(2026, 3, 8), NY)
    assert len(axis) == 23
    assert _iso(axis)[:4] == ["2026-03-08T00:00:00-05:00", "2026-03-08T01:00:00-05:00",
                              "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"]


def test_fall_back_day_has_25_hours_and_two_1am_rows():
    axis = local_hour_axis(date(2026, 11, 1), NY)
    assert len(axis) == 25
    assert _iso(axis)[1:4] == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00",
                               "2026-11-01T02:00:00-05:00"]
    assert all(slot.end_ns - slot.start_ns == 3_600 * 10**9 for slot in axis)


def test_half_hour_zone_hours_start_on_local_hour():
    axis = local_hour_axis(date(2026, 11, 15), ZoneInfo("Asia/Kolkata"))
    assert len(axis) == 24
    assert axis[0].start.isoformat() == "2026-11-15T00:00:00+05:30"
    assert axis[0].start_ns % (3600 * 10**9) == 1800 * 10**9


def test_lord_howe_half_hour_dst_keeps_every_instant_in_one_slot():
    axis = local_hour_axis(date(2026, 4, 5), ZoneInfo("Australia/Lord_Howe"))
    assert sum(slot.end_ns - slot.start_ns for slot in axis) == 24.5 * 3600 * 10**9
    assert all(a.end == b.start for a, b in zip(axis, axis[1:]))


@pytest.mark.parametrize("spec, hour", [("0", 0), ("14", 14), ("14:00", 14), ("2PM", 14), ("2 pm", 14),
                                        ("12AM", 0), ("12pm", 12), ("11:00 PM", 23)])
def test_hour_forms(spec, hour):
    assert wall_hour(spec) == hour


@pytest.mark.parametrize("spec", ["24", "13PM", "0AM", "-1"])
def test_bad_hours_are_option_errors(spec):
    with pytest.raises(BadOption):
        day = date(2026, 11, 15)
        resolve_hour(spec, day, NY, lambda: day)


def test_ambiguous_hour_lists_both_choices_and_iso_picks_one():
    day = date(2026, 11, 1)
    with pytest.raises(BadOption, match=r"2026-11-01T01:00:00-04:00 or 2026-11-01T01:00:00-05:00"):
        resolve_hour("1", day, NY, lambda: day)
    got_day, slot = resolve_hour("2026-11-01T01:00:00-05:00", None, NY, lambda: day)
    assert got_day == day and slot.start.isoformat() == "2026-11-01T01:00:00-05:00"


def test_skipped_hour_is_an_error():
    day = date(2026, 3, 8)
    with pytest.raises(BadOption, match="does not exist"):
        resolve_hour("2", day, NY, lambda: day)


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata", "America/St_Johns"])
def test_local_iso_matches_datetime_isoformat_across_dst_and_odd_offsets(tz):
    zone = ZoneInfo(tz)
    ns = [int(utc(2026, 11, 1, 5, 59, 59).timestamp()) * 10**9 + 999_999_999,  # last instant of EDT
          int(utc(2026, 11, 1, 6).timestamp()) * 10**9, 1_794_787_200_123_456_789]
    assert local_iso(ns, zone) == [from_ns(v, zone).isoformat(timespec="milliseconds") for v in ns]
    assert local_iso(ns, ZoneInfo("America/New_York"))[:2] == ["2026-11-01T01:59:59.999-04:00",
                                                               "2026-11-01T01:00:00.000-05:00"]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(-2_208_988_800 * 10**9, 4_102_444_800 * 10**9), max_size=30),
       tz=st.sampled_from(["UTC", "America/New_York", "Australia/Lord_Howe", "Europe/Amsterdam", "Asia/Kathmandu"]),
       timespec=st.sampled_from(["milliseconds", "seconds"]))
def test_local_iso_writes_what_isoformat_writes(values, tz, timespec):
    """1900 to 2100: local mean times with offsets in seconds (Amsterdam's
    +00:19:32), half-hour DST (Lord Howe), 45-minute offsets (Kathmandu)."""
    zone = ZoneInfo(tz)
    assert local_iso(values, zone, timespec) == [from_ns(v, zone).isoformat(timespec=timespec) for v in values]
    assert [iso(v, zone) for v in values[:3]] == local_iso(values[:3], zone)


@pytest.mark.parametrize("typed, key", [("utc", "UTC"), ("america/new_york", "America/New_York"),
                                        ("US/EASTERN", "US/Eastern"), (" Europe/London ", "Europe/London"),
                                        ("Asia/Kolkata", "Asia/Kolkata")])
def test_zones_are_found_in_any_case_under_their_own_name(typed, key):
    assert timeaxis.zone(typed).key == key


@pytest.mark.parametrize("typed, advice", [
    ("America/NewYork", "did you mean America/New_York?"),
    ("new york", "did you mean America/New_York?"),
    ("Europe/Londn", "did you mean Europe/London?"),
    ("asia/kolkatta", "did you mean Asia/Kolkata?"),
    ("Mars/Olympus", "use an IANA name such as America/New_York or UTC"),
    ("America/", "use an IANA name such as America/New_York or UTC"),
    ("", "use an IANA name such as America/New_York or UTC"),
])
def test_an_unknown_zone_names_the_nearest_one(typed, advice):
    with pytest.raises(BadOption) as raised:
        timeaxis.zone(typed)
    assert str(raised.value) == f"unknown time zone {typed!r}; {advice}" and raised.value.option == "--tz"
