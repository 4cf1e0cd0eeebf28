"""Each date's peak rolling hour from the segments' digests is the peak of
every call counted at once, however the calls are cut into files and row
groups, and whichever runs digested which segments first."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_logs import call, iso_z, write_csv, write_parquet

from apihourly import reports
from apihourly.read.cache import Cache
from apihourly.read.canonical import TimeRules
from apihourly.read.scan import LogSet
from apihourly.reports import Query

ORIGIN = datetime(2026, 11, 14, 22, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def brute_force_peaks(times: list[datetime], zone: ZoneInfo) -> dict[str, int]:
    """Per local date with calls: the most calls in (t - 60 min, t] for t a
    call of the date or the date's first instant."""
    out: dict[str, int] = {}
    for t in times:
        day = t.astimezone(zone).date()
        start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)
        for end in (t, start):
            n = sum(end - HOUR < u <= end for u in times)
            out[day.isoformat()] = max(out.get(day.isoformat(), 0), n)
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(0, 3 * 86_400), min_size=1, max_size=80),
       cuts=st.lists(st.integers(0, 80), max_size=3), overlap=st.booleans(),
       tz=st.sampled_from(["UTC", "America/New_York", "Asia/Kathmandu"]), group=st.integers(1, 9),
       first_day=st.booleans())
def test_peaks_from_digests_are_the_peaks_of_all_calls(tmp_path_factory, offsets, cuts, overlap, tz, group,
                                                       first_day):
    folder, cache = tmp_path_factory.mktemp("logs"), tmp_path_factory.mktemp("cache")
    times = sorted(ORIGIN + timedelta(seconds=s) for s in offsets)
    # Each call its own return count: two files holding equal calls would be
    # byte-identical copies, which are read once (read/discovery.py).
    rows = [call(iso_z(t), vendor="V", return_count=i) for i, t in enumerate(times)]
    parts = [rows[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), len(rows)])]
    if overlap:  # files of one period: every other call in a second file
        parts = [rows[::2], rows[1::2]]
    for i, part in enumerate(parts):
        if i % 2:
            write_csv(folder / f"{i}.csv", part)
        elif part:
            write_parquet(folder / f"{i}.parquet", part, row_group_size=group)
    zone = ZoneInfo(tz)

    def query():
        return Query(LogSet.open([str(folder)], TimeRules(display_tz=zone), Cache(cache)), zone)

    if first_day:  # a one-day report first digests only that day's row groups
        reports.summary(query(), times[-1].astimezone(zone).date())
    days = reports.days(query()).table
    expected = brute_force_peaks(times, zone)
    assert dict(zip(days.column("Date"), days.column("Peak rolling hour"))) == expected
    again = reports.days(query()).table
    assert list(again.rows()) == list(days.rows())


def test_a_parquet_file_is_digested_a_day_of_row_groups_at_a_time(tmp_path):
    rows = [call(iso_z(ORIGIN + timedelta(minutes=10 * i)), vendor="V") for i in range(600)]  # 22:00 on, 4 h a group
    write_parquet(tmp_path / "month.parquet", rows, row_group_size=24)
    zone = ZoneInfo("UTC")

    def query():
        return Query(LogSet.open([str(tmp_path / "month.parquet")], TimeRules(display_tz=zone),
                                 Cache(tmp_path / "c")), zone)

    first = query()
    reports.summary(first, date(2026, 11, 16))
    segments = first.logs.books().entries[tmp_path / "month.parquet"]["segments"]
    assert segments == [[6, 13]]  # the row groups of 2026-11-16: 00:00 is row 156, 23:50 row 299
    later = query()
    assert later.logs.books().entries[tmp_path / "month.parquet"]["segments"] == segments
    calls = reports.days(later).table
    assert calls.column("Calls") == [12, 144, 144, 144, 144, 12]
    assert calls.column("Peak rolling hour") == [6] * 6
    assert later.logs.books().entries[tmp_path / "month.parquet"]["segments"] == [[0, 6], [6, 13], [13, 25]]
