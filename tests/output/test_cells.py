"""How single values read: hour labels and clocks in 24h and 12h, and the
note a --limit leaves."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apihourly.output.cells import clock, hour_label, instant_text, shown_note
from apihourly.timeaxis import local_hour_axis

NY = ZoneInfo("America/New_York")


def test_labels_in_both_formats_with_offset_when_asked():
    slot = local_hour_axis(date(2026, 11, 1), NY)[2]
    assert hour_label(slot, "24h") == "01:00"
    assert hour_label(slot, "12h", show_offset=True) == "1 AM (-05:00)"
    assert hour_label(local_hour_axis(date(2026, 11, 1), NY)[14], "12h") == "1 PM"


@pytest.mark.parametrize("moment, time_format, detail, text", [
    (datetime(2026, 11, 15, 14, 5, 9, 123456), "24h", "ms", "14:05:09.123"),
    (datetime(2026, 11, 15, 14, 5, 9, 123456), "12h", "ms", "2:05:09.123 PM"),
    (datetime(2026, 11, 15, 0, 0, 0), "12h", "ms", "12:00:00.000 AM"),
    (datetime(2026, 11, 15, 12, 30), "12h", "hour", "12:30 PM"),
    (datetime(2026, 11, 15, 9), "24h", "hour", "09:00"),
    (datetime(2026, 11, 15, 15), "12h", "mark", "3p"),
    (datetime(2026, 11, 15, 0), "12h", "mark", "12a"),
    (datetime(2026, 11, 15, 6), "24h", "mark", "06"),
])
def test_one_clock_for_calls_hours_and_chart_marks(moment, time_format, detail, text):
    assert clock(moment, time_format, detail) == text


def test_an_instant_on_another_day_carries_its_date():
    assert instant_text("2026-11-16T00:10:00.000+00:00", "24h", date(2026, 11, 15)) == "2026-11-16 00:10:00.000"
    assert instant_text("2026-11-15T23:50:00.500+00:00", "12h", date(2026, 11, 15)) == "11:50:00.500 PM"
    assert instant_text("", "24h") == ""


def test_shown_note_says_what_a_limit_left_out():
    assert shown_note(5, 19, "--limit 0 for all") == "first 5 of 19 shown (--limit 0 for all)"
    assert shown_note(19, 19, "--limit 0 for all") == ""
    assert shown_note(5, 10_450, "--csv for all", noun="call") == "10,450 calls, first 5 shown (--csv for all)"
    assert shown_note(1, 1, "--csv for all", noun="call") == "1 call"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u2060", "\u200f", "\u061c", "\u2028", "\ufeff",
                                       "\U000e0041", "\u202e", "\u2067"])
def test_characters_that_make_labels_look_alike_are_shown_as_escapes(invisible):
    from apihourly.output.cells import visible

    shown = visible(f"Datto{invisible} RMM")
    assert invisible not in shown and shown != "Datto RMM"
    code = ord(invisible)
    assert shown == f"Datto\\u{code:04x} RMM" if code < 0x10000 else f"Datto\\U{code:08x} RMM"


def test_four_look_alike_vendors_read_as_four_different_columns(logdir):
    from clirun import run
    from make_logs import call, write_csv

    vendors = ["Datto RMM", "Datto\u200bRMM", "Datto RMM\u2060", "\ufeffDatto RMM"]
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor=v) for v in vendors])
    header = run("summary", "--logs", str(logdir), width=200).stdout.splitlines()[2]
    assert [label for label in header.split("  ") if label.strip()] == [
        " Hour", " Datto RMM", "Datto RMM\\u2060", "Datto\\u200bRMM", "\\ufeffDatto RMM", "Total calls "]
