from datetime import date
from zoneinfo import ZoneInfo

import pytest

from apihourly.errors import BadOption
from apihourly.hours import resolve_hour, wall_hour
from apihourly.timeaxis import hour_label, local_hour_axis

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


def test_labels_in_both_formats_with_offset_when_asked():
    slot = local_hour_axis(date(2026, 11, 1), NY)[2]
    assert hour_label(slot, "24h") == "01:00"
    assert hour_label(slot, "12h", show_offset=True) == "1 AM (-05:00)"
    assert hour_label(local_hour_axis(date(2026, 11, 1), NY)[14], "12h") == "1 PM"
