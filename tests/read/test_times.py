"""Reading times in every form people write: detect_time_form names a
file's form from a batch, parse_times reads it to nanoseconds and says
which are wall-clock (naive) times and which are UTC instants."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apihourly.errors import BadOption
from apihourly.read.times import TimeForm, detect_time_form, parse_times
from apihourly.timeaxis import LATEST_NS, to_ns

NS = 10**9
NOV16 = 1_794_787_200 * NS  # 2026-11-16T00:00:00Z
AT_150412 = NOV16 + (15 * 3600 + 4 * 60 + 12) * NS  # 2026-11-16 15:04:12
MONTH_FIRST = TimeForm("month_first")
DAY_FIRST = TimeForm("day_first")


def parsed(values, form, typ=None):
    ns, naive = parse_times(pa.array(values, typ), form)
    return ns.to_pylist(), naive.to_pylist()


def wall(moment: datetime) -> int:
    """A naive datetime's wall time as nanoseconds read as UTC."""
    return to_ns(moment.replace(tzinfo=timezone.utc))


# Autotask's display dates ---------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("11/16/2026 3:04:12 PM", AT_150412),
    ("11/16/2026 03:04:12PM", AT_150412),
    ("11/16/2026 3:04:12 p.m.", AT_150412),
    ("11/16/2026 3:04:12 P.M.", AT_150412),
    ("11/16/2026 3:04:12pm", AT_150412),
    ("11/16/2026 15:04:12", AT_150412),
    ("11/16/2026, 15:04:12", AT_150412),
    ("  11/16/2026 15:04:12  ", AT_150412),
    ("11/16/2026 15:04", AT_150412 - 12 * NS),
    ("11/16/2026 15:04:12.123", AT_150412 + 123_000_000),
    ("11/16/2026 3:04:12.123456789 PM", AT_150412 + 123_456_789),
    ("11/16/2026 15:04:12,5", AT_150412 + 500_000_000),
    ("1/2/2026 0:00", wall(datetime(2026, 1, 2))),
])
def test_month_first_forms(text, expected):
    assert parsed([text], MONTH_FIRST) == ([expected], [True])


@pytest.mark.parametrize("text", ["16/11/2026 15:04:12", "16.11.2026 15:04:12", "16-11-2026 15:04:12",
                                  "16.11.2026 3:04:12 PM", "16/11/2026 15:04:12.000"])
def test_day_first_forms(text):
    assert parsed([text], DAY_FIRST) == ([AT_150412], [True])


@pytest.mark.parametrize("clock, hour, minute", [("12:00 AM", 0, 0), ("12:30 am", 0, 30), ("12:00 PM", 12, 0),
                                                 ("12:59 PM", 12, 59), ("1:00 AM", 1, 0), ("11:59 PM", 23, 59)])
def test_am_pm_edges(clock, hour, minute):
    ns, _ = parsed([f"11/16/2026 {clock}"], MONTH_FIRST)
    assert ns == [NOV16 + (hour * 3600 + minute * 60) * NS]


@pytest.mark.parametrize("text", [
    "0:30 AM", "13:00 PM", "24:00", "12:60", "1:00:60", "2/30/2026 1:00", "13/1/2026 1:00",
    "0/1/2026 1:00", "1/0/2026 1:00", "2/29/2026 1:00", "11/16/2026", "11/16/26 1:00", "", "not a time",
    "11/16/2026 1:00 XM", "11/16/2026 1:00:00.1234567891",
])
def test_invalid_display_values_are_null(text):
    value = text if "/" in text or not text[:1].isdigit() else f"11/16/2026 {text}"
    assert parsed([value, "11/16/2026 1:00"], MONTH_FIRST) == ([None, NOV16 + 3600 * NS], [False, True])


def test_leap_day_exists_in_a_leap_year():
    assert parsed(["2/29/2028 1:00"], MONTH_FIRST)[0] == [wall(datetime(2028, 2, 29, 1))]


# ISO 8601 -------------------------------------------------------------------------

def test_uniform_utc_iso_is_instants():
    assert parsed(["2026-11-16T15:04:12.409Z", None], TimeForm("iso")) == (
        [AT_150412 + 409_000_000, None], [False, False])


def test_uniform_naive_iso_is_wall_time():
    assert parsed(["2026-11-16 15:04:12", None], TimeForm("iso")) == ([AT_150412, None], [True, False])


def test_mixed_iso_with_and_without_offsets():
    values = ["2026-11-16T15:04:12Z", "2026-11-16T15:04:12", "2026-11-16T15:04:12+01:00",
              "2026-11-16T15:04:12-0530", "2026-11-16 15:04:12,25+01", "2026-11-16t15:04:12",
              " 2026-11-16T15:04:12z ", "2026-11-16T15:04:12 +01:00", "2026-11-16", "2026-11-16T15"]
    assert parsed(values, TimeForm("iso")) == (
        [AT_150412, AT_150412, AT_150412 - 3600 * NS, AT_150412 + 19_800 * NS, AT_150412 - 3600 * NS + 250_000_000,
         None, AT_150412, AT_150412 - 3600 * NS, NOV16, NOV16 + 15 * 3600 * NS],
        [False, True, False, False, False, False, False, False, True, True])


@pytest.mark.parametrize("text", ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00", "2026-11-16T24:00:00Z",
                                  "2026-11-16T15:04:12+25:00", "junk", ""])
def test_invalid_iso_values_are_null(text):
    assert parsed([text, "2026-11-16T15:04:12Z"], TimeForm("iso")) == ([None, AT_150412], [False, False])


def test_times_beyond_int64_nanoseconds_are_read_as_the_far_edge():
    """9999-12-31 (a common "no end") is a time, far outside any log's: the
    reader then counts it as outside the accepted range, not as unreadable."""
    assert parsed(["2300-01-01T00:00:00Z", "9999-12-31T00:00:00Z"], TimeForm("iso"))[0] == [LATEST_NS, LATEST_NS]


def test_a_bad_value_past_the_head_still_leaves_the_rest():
    values = ["2026-11-16T15:04:12Z"] * 100 + ["2026-11-16T15:04:12", "2026-02-30T00:00:00Z", "x", None]
    ns, naive = parsed(values, TimeForm("iso"))
    assert ns == [AT_150412] * 101 + [None] * 3
    assert naive == [False] * 100 + [True, False, False, False]


def test_many_repeated_display_values_read_alike():
    """A busy file written to the second repeats values: each distinct one is parsed once."""
    values = ["11/16/2026 3:04:12 PM", "11/16/2026 3:04:13 PM", None, "11/16/2026 25:00"] * 2_000
    ns, naive = parsed(values, MONTH_FIRST)
    assert ns == [AT_150412, AT_150412 + NS, None, None] * 2_000
    assert naive == [True, True, False, False] * 2_000


def test_iso_with_comma_fraction_and_nanoseconds():
    assert parsed(["2026-11-16T15:04:12,123456789Z", "2026-11-16T15:04:12.5"], TimeForm("iso")) == (
        [AT_150412 + 123_456_789, AT_150412 + 500_000_000], [False, True])


# Epoch numbers --------------------------------------------------------------------

@pytest.mark.parametrize("value, unit", [(1_794_841_452, "s"), (1_794_841_452_000, "ms"),
                                         (1_794_841_452_000_000, "us"), (1_794_841_452_000_000_000, "ns")])
def test_epoch_unit_from_magnitude(value, unit):
    for column in (pa.array([value, None]), pa.array([str(value), None]), pa.array([value], pa.uint64())):
        form, note = detect_time_form(column)
        assert (form, note) == (TimeForm("epoch", unit=unit), None)
        assert parse_times(column, form)[0].to_pylist()[0] == AT_150412
        assert not any(parse_times(column, form)[1].to_pylist())


def test_epoch_float_seconds_keep_their_fraction():
    column = pa.array([1_794_841_452.123, 1_794_841_452.5, None, float("nan"), float("inf")])
    form, _ = detect_time_form(column)
    assert form == TimeForm("epoch", unit="s")
    assert parse_times(column, form)[0].to_pylist() == [AT_150412 + 123_000_000, AT_150412 + 500_000_000,
                                                        None, None, None]


def test_epoch_text_is_exact_to_the_nanosecond():
    values = ["1794841452.123456789", " 1794841452 ", "-1.5", "+2", "12a", "99999999999999999999"]
    assert parsed(values, TimeForm("epoch", unit="s"))[0] == [AT_150412 + 123_456_789, AT_150412, -1_500_000_000,
                                                              2 * NS, None, None]


def test_epoch_beyond_int64_nanoseconds_is_the_far_edge():
    assert parsed([10**12, 2**63 - 1, -(2**63)], TimeForm("epoch", unit="s"))[0] == [LATEST_NS, LATEST_NS, -LATEST_NS]


def test_digits_that_look_like_dates_earn_a_note():
    form, note = detect_time_form(pa.array(["20261116150412"] * 3))
    assert form.name == "epoch" and "outside 1990-2100" in note and "--input-time-format" in note


# Explicit patterns ----------------------------------------------------------------

@pytest.mark.parametrize("pattern, text, expected, naive", [
    ("%Y%m%d %H%M%S", "20261116 150412", AT_150412, True),
    ("%d/%m/%Y %H:%M:%S.%f", "16/11/2026 15:04:12.25", AT_150412 + 250_000_000, True),
    ("%Y-%m-%dT%H:%M:%S%z", "2026-11-16T16:04:12+0100", AT_150412, False),
    ("%Y-%m-%d %H:%M:%S %z", "2026-11-16 15:04:12 Z", AT_150412, False),
    ("%m/%d/%y %I:%M:%S %p", "11/16/26 03:04:12 PM", AT_150412, True),
    ("%D %T", "11/16/26 15:04:12", AT_150412, True),
    ("%F %R", "2026-11-16 15:04", AT_150412 - 12 * NS, True),
    ("%Y%m%d %H%M%S 100%%", "20261116 150412 100%", AT_150412, True),
    ("%d-%b-%Y %H:%M:%S", "16-Nov-2026 15:04:12", AT_150412, True),  # month names: Arrow's strptime
])
def test_pattern_forms(pattern, text, expected, naive):
    form, note = detect_time_form(pa.array([text]), pattern)
    assert (form, note) == (TimeForm("pattern", pattern=pattern), None)
    assert parsed([text, "junk"], form) == ([expected, None], [naive, False])


def test_pattern_12_hour_clock_without_am_pm_is_am_as_in_strptime():
    form = TimeForm("pattern", pattern="%Y%m%d %I%M")
    assert parsed(["20261116 1204", "20261116 0304", "20261116 1304"], form)[0] == [
        NOV16 + 4 * 60 * NS, NOV16 + (3 * 3600 + 4 * 60) * NS, None]


def test_pattern_rejects_invalid_dates_and_reads_integer_columns():
    form = TimeForm("pattern", pattern="%Y%m%d")
    assert parsed(["20260230", "20261116"], form)[0] == [None, NOV16]
    assert parsed([20261116], form)[0] == [NOV16]


def test_pattern_that_reads_nothing_earns_a_note():
    form, note = detect_time_form(pa.array(["2026-11-16T15:04:12Z"]), "%d/%m/%Y %H:%M")
    assert form.name == "pattern" and "matches --input-time-format" in note


@pytest.mark.parametrize("pattern", ["YYYYMMDD", "%d/%d/%Y"])
def test_unusable_pattern_is_an_option_error(pattern):
    with pytest.raises(BadOption) as error:
        detect_time_form(pa.array(["20261116"]), pattern)
    assert error.value.option == "--input-time-format"


# Detection ------------------------------------------------------------------------

def test_a_day_above_12_in_first_place_means_day_first():
    form, note = detect_time_form(pa.array(["01.11.2026 10:00", "02.11.2026 10:00", "16.11.2026 10:00"]))
    assert (form, note) == (TimeForm("day_first", separator="."), None)
    assert form.describe() == "day-first dates (D.M.YYYY)" and form.local


def test_a_day_above_12_in_second_place_means_month_first():
    form, note = detect_time_form(pa.array(["11/1/2026 10:00 AM", None, "11/16/2026 10:00 AM"]))
    assert (form, note) == (TimeForm("month_first"), None)


def test_ambiguous_dates_are_month_first_with_a_note():
    form, note = detect_time_form(pa.array(["11/10/2026 10:00", "11/11/2026 10:00"]))
    assert form == TimeForm("month_first")
    assert note == ("dates such as 11/10/2026 could be month-first or day-first; read as month-first dates "
                    "(M/D/YYYY); pass --input-time-format to choose")


def test_iso_when_most_values_look_iso():
    column = pa.array(["2026-11-16T15:04:12Z", "2026-11-16 15:04:12", "11/16/2026 15:04", None, "x"])
    assert detect_time_form(column) == (TimeForm("iso"), None)
    assert not TimeForm("iso").local


def test_arrow_timestamps():
    aware = pa.array([AT_150412 // 1000, None], pa.timestamp("us", "America/New_York"))
    naive = pa.array([AT_150412 // NS], pa.timestamp("s"))
    assert detect_time_form(aware) == (TimeForm("arrow"), None)
    assert parse_times(aware, TimeForm("arrow"))[0].to_pylist() == [AT_150412, None]
    assert parse_times(aware, TimeForm("arrow"))[1].to_pylist() == [False, False]
    assert parsed([AT_150412 // NS], TimeForm("arrow"), naive.type) == ([AT_150412], [True])


def test_unknown_text_is_iso_with_a_note():
    form, note = detect_time_form(pa.array(["yesterday", "today"]))
    assert form == TimeForm("iso") and "'yesterday'" in note


def test_empty_and_all_null_batches():
    for column in (pa.array([], pa.string()), pa.nulls(3, pa.string())):
        form, note = detect_time_form(column)
        assert (form, note) == (TimeForm("iso"), None)
        assert parse_times(column, form)[0].null_count == len(column)


def test_dictionary_binary_large_and_chunked_inputs():
    values = ["11/16/2026 3:04:12 PM", None, "11/16/2026 3:04:12 PM", "junk"]
    expected = ([AT_150412, None, AT_150412, None], [True, False, True, False])
    dictionary = pa.array(values).dictionary_encode()
    binary = pa.array([None if v is None else v.encode() for v in values], pa.binary())
    chunked = pa.chunked_array([pa.array(values[:2]), pa.array(values[2:])])
    for column in (dictionary, binary, pa.array(values, pa.large_string()), chunked):
        form, _ = detect_time_form(column)
        assert form == TimeForm("month_first")
        ns, naive = parse_times(column, form)
        assert (ns.to_pylist(), naive.to_pylist()) == expected


def test_describe_every_form():
    assert [TimeForm(name, unit="ms", pattern="%Y").describe() for name in
            ("iso", "month_first", "day_first", "epoch", "pattern", "arrow")] == [
        "ISO 8601 times", "month-first dates (M/D/YYYY)", "day-first dates (D/M/YYYY)", "epoch milliseconds",
        "times in the pattern %Y", "typed timestamps"]


def test_parsing_never_loads_pandas(tmp_path):
    """pyarrow imports pandas when it converts a Python value; a one-day
    report must not pay for that, whatever form its times are in."""
    path = tmp_path / "times.csv"
    path.write_text("iso,us,eu,epoch,epoch_text,pattern\n"
                    "2026-11-16T15:04:12Z,11/16/2026 3:04 PM,16.11.2026 15:04,1794841452,1794841452.5,20261116\n"
                    "2026-11-16T15:04:12,junk,31.02.2026 1:00,,x,20260230\n")
    code = (f"import sys, pyarrow.csv as csv\nfrom apihourly.read.times import detect_time_form, parse_times\n"
            f"table = csv.read_csv({str(path)!r}, convert_options=csv.ConvertOptions(column_types={{"
            f"'epoch_text': 'string', 'pattern': 'string', 'iso': 'string'}}))\n"
            "for name in table.column_names:\n"
            "    pattern = '%Y%m%d' if name == 'pattern' else None\n"
            "    ns, naive = parse_times(table[name], detect_time_form(table[name], pattern)[0])\n"
            "    assert ns.null_count < len(ns), name\n"
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "False", done.stderr


# Round trips ----------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59))


def _twelve_hour(moment: datetime, style: str) -> str:
    hour = moment.hour % 12 or 12
    suffix = {"AM": "AM", "am": "am", "a.m.": "a.m.", "A.M.": "A.M."}[style]
    if moment.hour >= 12:
        suffix = suffix.replace("A", "P").replace("a", "p")
    return f"{hour}:{moment:%M:%S}", suffix


@settings(max_examples=60, deadline=None)
@given(st.lists(moments, min_size=1, max_size=20), st.sampled_from(["/", ".", "-"]),
       st.sampled_from(["AM", "am", "a.m.", "A.M.", None]), st.booleans(), st.booleans(), st.booleans())
def test_display_dates_read_back(values, separator, style, day_first, padded, spaced):
    texts = []
    for moment in values:
        day, month = (f"{moment.day:02d}", f"{moment.month:02d}") if padded else (moment.day, moment.month)
        date = f"{day}{separator}{month}" if day_first else f"{month}{separator}{day}"
        fraction = f".{moment.microsecond:06d}"
        if style is None:
            texts.append(f"{date}{separator}{moment.year} {moment:%H:%M:%S}{fraction}")
        else:
            clock, suffix = _twelve_hour(moment, style)
            texts.append(f"{date}{separator}{moment.year} {clock}{fraction}{' ' if spaced else ''}{suffix}")
    form = TimeForm("day_first" if day_first else "month_first", separator=separator)
    assert parsed(texts, form) == ([wall(m) for m in values], [True] * len(values))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(moments, st.integers(-14 * 60, 14 * 60) | st.none()), min_size=1, max_size=20),
       st.sampled_from(["T", " "]), st.sampled_from(["seconds", "milliseconds", "microseconds"]))
def test_iso_times_read_back(values, separator, timespec):
    texts, expected, naive = [], [], []
    for moment, minutes in values:
        moment = moment.replace(microsecond=moment.microsecond if timespec == "microseconds" else
                                moment.microsecond // 1000 * 1000 if timespec == "milliseconds" else 0)
        if minutes is not None:
            moment = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
        texts.append(moment.isoformat(sep=separator, timespec=timespec))
        expected.append(to_ns(moment) if minutes is not None else wall(moment))
        naive.append(minutes is None)
    assert parsed(texts, TimeForm("iso")) == (expected, naive)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31),
                             timezones=st.just(timezone.utc)), min_size=1, max_size=20),
       st.sampled_from(["s", "ms", "us", "ns"]), st.sampled_from(["int", "text", "float"]))
def test_epoch_numbers_read_back(values, unit, kind):
    scale = {"s": NS, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    if kind == "float":
        unit, scale = "s", NS
    numbers = [to_ns(m) // scale for m in values]
    expected = [n * scale for n in numbers]
    if kind == "float":  # seconds with a microsecond fraction come back to the microsecond
        column = pa.array([to_ns(m) / NS for m in values])
        expected = [to_ns(m) for m in values]
    else:
        column = pa.array(numbers if kind == "int" else [str(n) for n in numbers])
    form, _ = detect_time_form(column)
    assert form == TimeForm("epoch", unit=unit)
    assert parse_times(column, form)[0].to_pylist() == expected


PATTERNS = ["%Y%m%d %H%M%S", "%d/%m/%Y %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S%z", "%m/%d/%y %I:%M:%S %p", "%D %T",
            "%Y%m%d%I%M%S%p"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(1969, 1, 1), max_value=datetime(2068, 12, 31)), min_size=1,
                max_size=20), st.sampled_from(PATTERNS), st.integers(-14 * 60, 14 * 60))
def test_pattern_times_read_back(values, pattern, minutes):
    if "%f" not in pattern:
        values = [m.replace(microsecond=0) for m in values]
    aware = "%z" in pattern
    if aware:
        values = [m.replace(tzinfo=timezone(timedelta(minutes=minutes))) for m in values]
    texts = [m.strftime(pattern) for m in values]
    expected = [to_ns(m) if aware else wall(m) for m in values]
    assert parsed(texts, TimeForm("pattern", pattern=pattern)) == (expected, [not aware] * len(values))
