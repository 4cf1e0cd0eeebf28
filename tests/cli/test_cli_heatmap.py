"""`summary --since/--until`: the heat map end to end, its CSV and JSON
parsed back and reconciled with one-day summaries, and its usage errors."""

import json

import pytest
import clirun
from clirun import GOLDEN, parsed_csv, run
from clock_change import THRESHOLD, ZONE, build_clock_change_range
from make_logs import call, write_csv


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return str(build_clock_change_range(tmp_path_factory.mktemp("clocks")))


def heat(logs, *args, width=100):
    return run("summary", "--logs", logs, "--tz", ZONE, "--threshold", str(THRESHOLD), *args, width=width)


@pytest.mark.parametrize("name, extra", [("summary-range", []),
                                         ("summary-range-vendor", ["--vendor", "datto rmm", "--time-format", "12h"])])
def test_heat_map_matches_golden_text_at_60_columns(logs, name, extra):
    result = heat(logs, "--since", "2026-03-08", "--until", "2026-11-04", *extra, width=60)
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / f"{name}.txt"
    if clirun.REGOLD:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert "\x1b" not in result.stdout and result.stderr == ""


def test_csv_is_the_long_form_with_a_row_per_local_hour(logs):
    result = heat(logs, "--since", "2026-11-01", "--until", "2026-11-01", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = parsed_csv(result.stdout)
    assert list(rows[0]) == ["Date", "Hour", "Hour of day", "Calls", "Busiest integration", "Busiest calls",
                             "Over limit"]
    assert len(rows) == 25
    assert rows[1:3] == [
        {"Date": "2026-11-01", "Hour": "2026-11-01T01:00:00-04:00", "Hour of day": "1", "Calls": "3",
         "Busiest integration": "Datto RMM", "Busiest calls": "3", "Over limit": "false"},
        {"Date": "2026-11-01", "Hour": "2026-11-01T01:00:00-05:00", "Hour of day": "1", "Calls": "6",
         "Busiest integration": "Datto RMM", "Busiest calls": "4", "Over limit": "false"}]
    assert [(r["Hour"], r["Over limit"]) for r in rows if r["Over limit"] == "true"] == [
        ("2026-11-01T10:00:00-05:00", "true")]
    assert rows[0]["Busiest integration"] == "" and rows[0]["Calls"] == "0"


def test_json_has_snake_case_rows_and_the_range_in_meta(logs):
    result = heat(logs, "--since", "2026-10-31", "--vendor", "IT GLUE", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["meta"] == {"report": "heatmap", "since": "2026-10-31", "until": "2026-11-01",
                                "integration": "IT Glue", "tz": ZONE, "threshold": THRESHOLD,
                                "files": document["meta"]["files"], "calls_read": document["meta"]["calls_read"],
                                "rows_skipped": 0, "calls": 14}
    assert len(document["rows"]) == 25
    assert document["rows"][11] == {"date": "2026-11-01", "hour_start": "2026-11-01T10:00:00-05:00",
                                    "hour_of_day": 10, "calls": 12, "busiest_integration": "IT Glue",
                                    "busiest_calls": 12, "over": True}


@pytest.mark.parametrize("vendor", [None, "Datto RMM", "IT Glue", "Acme"])
def test_each_dates_hours_add_up_to_its_one_day_summary(logs, vendor):
    focus = ["--vendor", vendor] if vendor else []
    rows = parsed_csv(heat(logs, "--since", "2026-03-01", "--until", "2026-11-30", "--csv", *focus).stdout)
    assert rows
    for day in sorted({row["Date"] for row in rows}):
        summary = parsed_csv(heat(logs, "--date", day, "--csv").stdout)
        column = vendor or "Total calls"
        assert [(r["Hour"], r["Calls"]) for r in rows if r["Date"] == day] == [
            (s["Hour"], s.get(column, "0")) for s in summary]


def test_until_alone_starts_at_the_first_date_with_calls(logs):
    rows = parsed_csv(heat(logs, "--until", "2026-10-31", "--csv").stdout)
    assert sorted({r["Date"] for r in rows}) == ["2026-03-08", "2026-10-31"]


def test_one_day_summary_is_unchanged_by_the_new_options(logs):
    assert heat(logs, "--date", "2026-11-01").stdout.startswith("API activity by hour, 2026-11-01")


@pytest.mark.parametrize("args, message", [
    (["--date", "2026-11-01", "--since", "2026-11-01"], "--date shows one day, --since/--until a range"),
    (["--date", "2026-11-01", "--until", "2026-11-01"], "--date shows one day, --since/--until a range"),
    (["--vendor", "Acme"], "--vendor draws a heat map of a range; add --since or --until"),
    (["--since", "2026-11-03", "--until", "2026-11-01"], "--since 2026-11-03 is after --until 2026-11-01"),
    (["--since", "2026-11-31"], "invalid date '2026-11-31'"),
])
def test_usage_errors_exit_2_without_a_traceback(logs, args, message):
    result = heat(logs, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_unknown_vendor_is_one_error_line_naming_those_with_calls(logs):
    result = heat(logs, "--since", "2026-11-01", "--vendor", "Nobody")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: no calls for 'Nobody' since 2026-11-01; integrations with calls: Datto RMM (19), IT Glue (14), "
        "Acme (1)",
        "hint: --vendor takes an integration's label as the summary columns show it"]


def test_fail_on_breach_checks_the_range(logs):
    quiet = heat(logs, "--since", "2026-11-02", "--until", "2026-11-04", "--fail-on-breach", "--csv")
    assert quiet.exit_code == 0, quiet.stderr
    over = heat(logs, "--since", "2026-10-31", "--until", "2026-11-02", "--fail-on-breach", "--csv")
    assert over.exit_code == 3
    assert over.stderr.startswith("breach: Datto RMM made 12 calls in the hour from 2026-11-01T10:00:00.000-05:00")
    assert len(parsed_csv(over.stdout)) == 49  # the report is written first


def test_ten_years_with_two_calls_draw_two_dates_and_one_line_between(logdir):
    write_csv(logdir / "a.csv", [call("2016-11-15T10:00:00Z", vendor="V"), call("2026-11-15T10:00:00Z", vendor="V")])
    result = run("summary", "--logs", str(logdir), "--since", "2016-11-15", "--until", "2026-11-15", width=60)
    assert result.exit_code == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[4:7] == ["2016-11-15            █                   1", "3,651 days, no calls",
                          "2026-11-15            █                   1"]
