"""Call logs in the forms people hold, read end to end: Autotask's Activity
export (month-first local times, Integration Name as vendor), day-first
exports, epoch times, naive ISO with --input-tz, and the same calls in any
two forms giving the same reports."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
from clirun import parsed_csv, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apihourly import reports
from apihourly.reports import Query

NY = ZoneInfo("America/New_York")
EXPORT = ["Method", "Entity", "Request Return Count", "Integration Name", "Resource / API User",
          "Execution Start", "Execution Time (ms)", "Threshold Exceeded", "Client IP Address"]


def us(moment: datetime) -> str:
    """11/1/2026 1:03:00 AM, as Autotask's export writes a local time."""
    return f"{moment.month}/{moment.day}/{moment.year} {moment.hour % 12 or 12}:{moment:%M:%S} " + \
        ("AM" if moment.hour < 12 else "PM")


def write_export(path, moments: list[datetime], vendor="Datto RMM"):
    lines = [",".join(EXPORT)]
    lines += [f'query,Tickets,1,{vendor},api@example.net,{us(m)},"1,250",,192.0.2.1' for m in moments]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def fall_back_day() -> list[datetime]:
    """Local times of New York on 2026-11-01 in time order: 2 at 00:30, 20 in
    the first 01:00 (EDT), 20 in the second (EST), 3 at 02:30."""
    utc = ([datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc)] * 2
           + [datetime(2026, 11, 1, 5, tzinfo=timezone.utc) + timedelta(minutes=3 * i) for i in range(20)]
           + [datetime(2026, 11, 1, 6, tzinfo=timezone.utc) + timedelta(minutes=3 * i) for i in range(20)]
           + [datetime(2026, 11, 1, 7, 30, tzinfo=timezone.utc)] * 3)
    return [moment.astimezone(NY).replace(tzinfo=None) for moment in utc]


def hours(logdir, *options, day="2026-11-01", tz="America/New_York"):
    result = run("summary", "--logs", str(logdir), "--date", day, "--tz", tz, "--csv", *options)
    assert result.exit_code == 0, result.stderr
    return {row["Hour"]: int(row["Total calls"]) for row in parsed_csv(result.stdout) if row["Total calls"] != "0"}, \
        result.stderr


def test_an_export_in_time_order_across_the_fall_back_day_has_20_calls_in_each_1am(logdir):
    write_export(logdir / "API Activity Detail.csv", fall_back_day())
    counts, notes = hours(logdir)
    assert counts == {"2026-11-01T00:00:00-04:00": 2, "2026-11-01T01:00:00-04:00": 20,
                      "2026-11-01T01:00:00-05:00": 20, "2026-11-01T02:00:00-05:00": 3}
    export = logdir / "API Activity Detail.csv"
    assert notes == (f"note: {export}: dates such as 11/1/2026 could be month-first or day-first; read as "
                     "month-first dates (M/D/YYYY); pass --input-time-format to choose\n"
                     f"note: {export}: 45 local times read as America/New_York (--input-tz to change)\n")


def test_an_export_out_of_order_reads_repeated_times_as_the_first_and_says_so(logdir):
    write_export(logdir / "export.csv", fall_back_day()[::-1])
    counts, notes = hours(logdir)
    assert counts == {"2026-11-01T00:00:00-04:00": 2, "2026-11-01T01:00:00-04:00": 40,
                      "2026-11-01T02:00:00-05:00": 3}
    assert "40 repeated local times of a fall-back hour in America/New_York read as its first occurrence: " \
           "the file is not in time order" in notes


def test_a_local_time_the_clocks_skip_is_skipped_and_counted(logdir):
    moments = [datetime(2026, 3, 8, 1, 30), datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 3, 30)]
    write_export(logdir / "export.csv", moments)
    counts, notes = hours(logdir, day="2026-03-08")
    assert counts == {"2026-03-08T01:00:00-05:00": 1, "2026-03-08T03:00:00-04:00": 1}
    assert (f"warning: {logdir / 'export.csv'}: 1 row skipped (1 local times that do not exist in "
            "America/New_York (clocks skip them) at line 3)") in notes


def test_display_times_follow_the_report_zone_unless_input_tz_says_where_they_were_written(logdir):
    write_export(logdir / "export.csv", [datetime(2026, 11, 16, 15, 4, 12)])
    assert hours(logdir, day="2026-11-16", tz="UTC")[0] == {"2026-11-16T15:00:00+00:00": 1}
    assert hours(logdir, "--input-tz", "America/New_York", day="2026-11-16", tz="UTC")[0] == {
        "2026-11-16T20:00:00+00:00": 1}


def test_naive_iso_is_utc_unless_input_tz_says_otherwise(logdir):
    (logdir / "a.csv").write_text("execution_start,vendor\n2026-11-16T15:04:12,V\n2026-11-16T15:59:00.5,V\n")
    counts, notes = hours(logdir, day="2026-11-16", tz="UTC")
    assert counts == {"2026-11-16T15:00:00+00:00": 2}
    assert notes == f"note: {logdir / 'a.csv'}: 2 times without an offset read as UTC (--input-tz to change)\n"
    counts, notes = hours(logdir, "--input-tz", "Asia/Kolkata", day="2026-11-16", tz="UTC")
    assert counts == {"2026-11-16T09:00:00+00:00": 1, "2026-11-16T10:00:00+00:00": 1}
    assert notes == f"note: {logdir / 'a.csv'}: 2 local times read as Asia/Kolkata (--input-tz to change)\n"


def test_a_day_first_export_with_semicolons_and_dots_in_its_numbers(logdir):
    text = ("Execution Start;Integration Name;Execution Time (ms);Request Return Count\r\n"
            "16.11.2026 15:04:12;IT Glue;1.234;2\r\n16.11.2026 15:59:59;IT Glue;87;1.500\r\n"
            "16.11.2026 16:00:00;IT Glue;12;0\r\n")
    (logdir / "export.csv").write_bytes(text.encode("cp1252"))
    counts, _ = hours(logdir, day="2026-11-16", tz="UTC")
    assert counts == {"2026-11-16T15:00:00+00:00": 2, "2026-11-16T16:00:00+00:00": 1}
    rows = parsed_csv(run("activity", "--logs", str(logdir), "--tz", "UTC", "--hour", "2026-11-16T15:00:00+00:00",
                          "--vendor", "it glue", "--csv").stdout)
    assert [(r["Execution Time (ms)"], r["Request Return Count"], r["Integration Name"]) for r in rows] == [
        ("1234", "2", "IT Glue"), ("87", "1500", "IT Glue")]


def test_ambiguous_dates_are_month_first_with_a_note(logdir):
    write_export(logdir / "export.csv", [datetime(2026, 11, 10, 9), datetime(2026, 11, 10, 10)])
    counts, notes = hours(logdir, day="2026-11-10", tz="UTC")
    assert counts == {"2026-11-10T09:00:00+00:00": 1, "2026-11-10T10:00:00+00:00": 1}
    assert "read as month-first dates (M/D/YYYY); pass --input-time-format to choose" in notes


def test_epoch_milliseconds_in_csv_and_parquet(logdir):
    first = int(datetime(2026, 11, 16, 15, 4, 12, tzinfo=timezone.utc).timestamp() * 1000)
    (logdir / "a.csv").write_text(f"timestamp,vendor\n{first},V\n{first + 3_600_000},V\n")
    pq.write_table(pa.table({"ts": pa.array([first + 60_000], pa.int64()), "vendor": ["W"]}), logdir / "b.parquet")
    rows = parsed_csv(run("summary", "--logs", str(logdir), "--tz", "UTC", "--csv").stdout)
    assert [(r["Hour"][11:13], r["V"], r["W"]) for r in rows if r["Total calls"] != "0"] == [
        ("15", "1", "1"), ("16", "1", "0")]


def test_an_explicit_pattern(logdir):
    (logdir / "a.csv").write_text("execution_start,vendor\n20261116 150412,V\n20261116 160000,V\n")
    counts, _ = hours(logdir, "--input-time-format", "%Y%m%d %H%M%S", day="2026-11-16", tz="UTC")
    assert counts == {"2026-11-16T15:00:00+00:00": 1, "2026-11-16T16:00:00+00:00": 1}
    result = run("summary", "--logs", str(logdir), "--input-time-format", "no directives", "--tz", "UTC")
    assert result.exit_code == 2 and "--input-time-format" in result.stderr


def test_a_bad_input_zone_is_a_usage_error(logdir):
    (logdir / "a.csv").write_text("execution_start,vendor\n2026-11-16T15:04:12Z,V\n")
    result = run("summary", "--logs", str(logdir), "--input-tz", "Mars/Olympus")
    assert result.exit_code == 2 and "--input-tz" in result.stderr


# The same calls in any two forms -------------------------------------------------

def _iso_csv(path, calls):
    rows = [f"{m.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ},{v}" for m, v in calls]
    path.with_suffix(".csv").write_text("execution_start,vendor\n" + "\n".join(rows) + "\n")


def _us_export(path, calls):
    rows = [f"query,Tickets,1,{v},u,{us(m.astimezone(NY))},5,,ip" for m, v in calls]
    path.with_suffix(".csv").write_text(",".join(EXPORT) + "\n" + "\n".join(rows) + "\n")


def _day_first(path, calls):
    rows = [f"{m.astimezone(NY):%d.%m.%Y %H:%M:%S};{v}" for m, v in calls]
    path.with_suffix(".csv").write_text("Execution Start;Integration Name\n" + "\n".join(rows) + "\n")


def _epoch_parquet(path, calls):
    pq.write_table(pa.table({"ts": pa.array([int(m.timestamp()) for m, _ in calls], pa.int64()),
                             "vendor": [v for _, v in calls]}), path.with_suffix(".parquet"))


def _nested_jsonl(path, calls):
    import json

    lines = [json.dumps({"ts": int(m.timestamp() * 1000), "autotask": {"vendor": v}}) for m, v in calls]
    path.with_suffix(".jsonl").write_text("\n".join(lines) + "\n")


WRITERS = {"iso csv": _iso_csv, "us export": _us_export, "day-first": _day_first, "epoch parquet": _epoch_parquet,
           "nested jsonl": _nested_jsonl}
START = datetime(2026, 11, 13, 12, tzinfo=timezone.utc)  # local days 13-16: day-first is told apart

calls = st.lists(st.tuples(st.integers(0, 3 * 86_400 - 1), st.sampled_from(["Acme", "Datto RMM", "Zed"])),
                 min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=calls, forms=st.lists(st.sampled_from(sorted(WRITERS)), min_size=2, max_size=2, unique=True))
def test_the_same_calls_in_any_two_forms_give_the_same_reports(tmp_path_factory, calls, forms):
    moments = sorted((START + timedelta(seconds=s), vendor) for s, vendor in calls)  # exports are in time order
    queries = []
    for form in forms:
        folder = tmp_path_factory.mktemp(form.replace(" ", "-"))
        WRITERS[form](folder / "calls", moments)
        queries.append(Query.open([str(folder)], NY))  # display times are local times of NY
    days = [reports.days(q).table for q in queries]
    assert days[0] == days[1]
    assert sum(days[0].column("Calls")) == len(calls)
    for day in days[0].column("Date"):
        summaries = [reports.summary(q, date.fromisoformat(day)).table for q in queries]
        assert summaries[0] == summaries[1]
