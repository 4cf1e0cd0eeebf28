"""`apihourly limits`, `days --since/--until` and `--fail-on-breach` through the CLI."""

import json
from datetime import timedelta

import pytest
import clirun
from clirun import GOLDEN, SAMPLES, parsed_csv, run
from make_logs import burst, utc, write_csv

ROLLING_BREACH = "breach: rolling 60-minute count reached 10,001, over 10,000, first at 2026-11-15T14:28:20.000+00:00\n"


@pytest.fixture
def straddling(logdir):
    """10,001 calls 0.35 s apart from 13:30 UTC: no clock hour over 10,000,
    the rolling hour over at 14:28:20.000."""
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 13, 30), 10_001, timedelta(seconds=0.35), vendor="V"))
    return str(logdir)


def test_limits_table_matches_golden_text_on_the_sample_logs():
    result = run("limits", "--logs", str(SAMPLES), "--date", "2026-11-16", "--limit", "5")
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / "limits.txt"
    if clirun.REGOLD:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert "\x1b" not in result.stdout


def test_limits_csv_parts_parse_back(straddling):
    tiers = parsed_csv(run("limits", "--logs", straddling, "--date", "2026-11-15", "--csv").stdout)
    assert tiers == [
        {"Tier": "50%", "From calls": "5000", "Effect": "about +0.5 s per call",
         "First reached": "2026-11-15T13:59:09.650+00:00", "Minutes": tiers[0]["Minutes"]},
        {"Tier": "75%", "From calls": "7500", "Effect": "about +1 s per call",
         "First reached": "2026-11-15T14:13:44.650+00:00", "Minutes": tiers[1]["Minutes"]},
        {"Tier": "100%", "From calls": "10001", "Effect": "calls rejected",
         "First reached": "2026-11-15T14:28:20.000+00:00", "Minutes": "2"},
    ]
    minutes = parsed_csv(run("limits", "--logs", straddling, "--date", "2026-11-15", "--csv",
                             "--part", "minutes").stdout)
    assert len(minutes) == 1440
    assert minutes[868] == {"Minute": "2026-11-15T14:28:00+00:00", "Rolling calls": "10001"}
    # nothing leaves the window before 14:30:00, when the 13:30:00.000 call does;
    # by 14:31:00 the 172 calls up to 13:31:00.200 (171 x 0.35 s = 59.85 s) have left
    assert [m["Rolling calls"] for m in minutes[869:872]] == ["10001", "10000", "9829"]
    # minute tiers reconcile with the series: 5,000+ at 50%, 7,500+ at 75%
    counts = [int(m["Rolling calls"]) for m in minutes]
    assert int(tiers[0]["Minutes"]) == sum(5_000 <= c < 7_500 for c in counts)
    assert int(tiers[1]["Minutes"]) == sum(7_500 <= c <= 10_000 for c in counts)


def test_limits_json_carries_every_table_meta_and_breaches(straddling):
    result = run("limits", "--logs", straddling, "--date", "2026-11-15", "--json", "--db-threshold", "10001")
    document = json.loads(result.stdout)
    assert document["meta"]["report"] == "limits" and document["breaches"] == []
    assert set(document["tables"]) == {"tiers", "peak", "minutes", "threads", "intervals", "counter"}
    assert document["tables"]["counter"] == []  # no counter samples given
    assert document["meta"] == {"report": "limits", "date": "2026-11-15", "tz": "UTC", "threshold": 10_000,
                                "files": 1, "calls_read": 10_001, "rows_skipped": 0,
                                "db_threshold": 10_001, "max_threads": 3, "calls": 10_001, "peak": 10_001,
                                "peak_at": "2026-11-15T14:28:20.000+00:00",
                                "peak_window_start": "2026-11-15T13:28:20.000+00:00", "calls_without_duration": 0,
                                "counter": None, "part": "tiers"}
    assert document["tables"]["peak"] == [{"integration": "V", "calls": 10_001, "share_pct": 100.0}]
    assert document["rows"] == document["tables"]["tiers"]


def test_db_threshold_comes_from_the_environment(straddling):
    result = run("limits", "--logs", straddling, "--date", "2026-11-15", "--csv",
                 env={"APIHOURLY_DB_THRESHOLD": "20000"})
    assert [r["From calls"] for r in parsed_csv(result.stdout)] == ["10000", "15000", "20001"]


def test_fail_on_breach_exits_3_after_the_report_for_a_rolling_breach(straddling):
    for command in (["summary", "--date", "2026-11-15"], ["limits", "--date", "2026-11-15"], ["days"]):
        result = run(*command, "--logs", straddling, "--fail-on-breach")
        assert result.exit_code == 3, command
        assert result.stderr == ROLLING_BREACH
        assert result.stdout.strip()
        assert run(*command, "--logs", straddling).exit_code == 0


def test_fail_on_breach_names_hourly_and_thread_breaches(logdir):
    start = utc(2026, 11, 15, 10)
    write_csv(logdir / "a.csv", burst(start, 4, timedelta(milliseconds=100), vendor="V", execution_ms=1000)
              + burst(start, 6, vendor="W"))
    result = run("summary", "--logs", str(logdir), "--date", "2026-11-15", "--threshold", "5", "--fail-on-breach")
    assert result.exit_code == 3
    assert result.stderr == (
        "breach: W made 6 calls in the hour from 2026-11-15T10:00:00.000+00:00, over 5; "
        "1 stretch with more than 3 calls in flight, first V on Tickets at 2026-11-15T10:00:00.300+00:00\n")
    assert run("summary", "--logs", str(logdir), "--date", "2026-11-15", "--max-threads", "4",
               "--fail-on-breach").exit_code == 0


def test_days_since_until_limits_the_range_and_the_breach_check(straddling, logdir):
    write_csv(logdir / "b.csv", burst(utc(2026, 11, 17, 9), 3, vendor="V"))
    rows = parsed_csv(run("days", "--logs", straddling, "--csv").stdout)
    assert [(r["Date"], r["Peak rolling hour"]) for r in rows] == [("2026-11-15", "10001"), ("2026-11-17", "3")]
    result = run("days", "--logs", straddling, "--since", "2026-11-16", "--until", "2026-11-17", "--csv",
                 "--fail-on-breach")
    assert result.exit_code == 0 and result.stderr == ""
    assert parsed_csv(result.stdout) == [{"Date": "2026-11-17", "Calls": "3", "Integrations": "1",
                                          "Hours over limit": "0", "Peak rolling hour": "3"}]
    assert run("days", "--logs", straddling, "--since", "2026-11-16", "--fail-on-breach").exit_code == 0
    result = run("days", "--logs", straddling, "--until", "2026-11-15", "--fail-on-breach")
    assert result.exit_code == 3 and result.stderr == ROLLING_BREACH


@pytest.mark.parametrize("args, option", [
    (["days", "--since", "2026-13-01"], "--since"),
    (["days", "--since", "2026-11-17", "--until", "2026-11-16"], "--since"),
    (["limits", "--db-threshold", "0"], "--db-threshold"),
    (["limits", "--max-threads", "0"], "--max-threads"),
    (["limits", "--part", "nope"], "--part"),
])
def test_bad_limit_options_are_usage_errors(straddling, args, option):
    result = run(*args, "--logs", straddling)
    assert result.exit_code == 2
    assert option in result.stderr and "Traceback" not in result.stderr


def test_activity_limit_reason_follows_max_threads(logdir):
    start = utc(2026, 11, 15, 10)
    write_csv(logdir / "a.csv", burst(start, 4, timedelta(milliseconds=100), vendor="V", execution_ms=1000))
    args = ("activity", "--logs", str(logdir), "--date", "2026-11-15", "--hour", "10", "--vendor", "V", "--csv")
    assert [r["Limit Reason"] for r in parsed_csv(run(*args).stdout)] == ["", "", "", "threads"]
    assert [r["Limit Reason"] for r in parsed_csv(run(*args, "--max-threads", "2").stdout)] == \
           ["", "", "threads", "threads"]


def test_breach_line_shows_control_characters_from_logs_as_escapes(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 10), 3, vendor="\x1b[2Jevil"))
    result = run("summary", "--logs", str(logdir), "--date", "2026-11-15", "--threshold", "2", "--fail-on-breach")
    assert result.exit_code == 3
    assert result.stderr == ("breach: \\x1b[2Jevil made 3 calls in the hour from "
                             "2026-11-15T10:00:00.000+00:00, over 2\n")


def test_limits_on_a_date_without_calls_names_the_nearest_dates(straddling):
    result = run("limits", "--logs", straddling, "--date", "2026-11-20")
    assert result.exit_code == 0
    assert "No calls on this day." in result.stdout
    assert result.stderr == "note: no activity on 2026-11-20; nearest dates with activity: 2026-11-15\n"
