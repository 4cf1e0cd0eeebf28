"""The commands end to end: golden tables, CSV and JSON parsed back, the
environment, usage errors and help."""

import json
import re

import pytest
import clirun
from clirun import GOLDEN, ROOT, SAMPLES, parsed_csv, run
from fixtures import COLUMN_ORDER
from make_logs import call, write_csv

from apihourly.cli import app


@pytest.fixture(scope="module")
def known(known_logs):
    return str(known_logs)


@pytest.mark.parametrize("command", [
    ["summary", "--date", "2026-11-16"],
    ["totals", "--date", "2026-11-16"],
    ["days"],
    ["activity", "--date", "2026-11-16", "--hour", "15", "--vendor", "Datto RMM", "--limit", "5"],
])
def test_tables_match_golden_text_on_the_sample_logs(command):
    result = run(*command, "--logs", str(SAMPLES), width=150 if command[0] == "activity" else 100)
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / f"{command[0]}.txt"
    if clirun.REGOLD:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert "\x1b" not in result.stdout


def test_summary_csv_parses_back_with_iso_hours_and_no_sum_row(known):
    result = run("summary", "--logs", known, "--date", "2026-11-15", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = parsed_csv(result.stdout)
    assert list(rows[0]) == ["Hour", *COLUMN_ORDER, "Total calls"]
    assert len(rows) == 24
    assert rows[14]["Hour"] == "2026-11-15T14:00:00+00:00"
    assert rows[14]["Datto RMM"] == "10001" and rows[14]["Total calls"] == "10006"
    assert sum(int(r["Total calls"]) for r in rows) == 17_516


def test_summary_json_has_metadata_and_rows_one_per_cell(known):
    result = run("summary", "--logs", known, "--date", "2026-11-15", "--json")
    document = json.loads(result.stdout)
    assert document["meta"] == {"report": "summary", "date": "2026-11-15", "tz": "UTC", "threshold": 10_000,
                                "files": 3, "calls_read": 17_516, "rows_skipped": 0, "db_threshold": 10_000}
    assert len(document["rows"]) == 24 * len(COLUMN_ORDER)
    nine = [r for r in document["rows"] if r["hour_start"] == "2026-11-15T09:00:00+00:00"]
    assert [(r["integration"], r["calls"]) for r in nine] == [(label, 7500 if label == "IT Glue" else 0)
                                                              for label in COLUMN_ORDER]
    assert nine[2] == {"hour_start": "2026-11-15T09:00:00+00:00", "integration": "IT Glue", "kind": "vendor",
                       "calls": 7500, "over": False, "near": True}


def test_totals_csv_ends_with_grand_total(known):
    rows = parsed_csv(run("totals", "--logs", known, "--date", "2026-11-15", "--csv").stdout)
    assert rows[-1] == {"Integration": "Grand total", "Kind": "", "Calls": "17516",
                        "Peak hour": "2026-11-15T14:00:00+00:00", "Peak hour calls": "10006",
                        "Hours over limit": "1"}


def test_activity_csv_carries_every_row_with_true_false(known):
    result = run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", "--vendor", "Datto RMM",
                 "--csv")
    rows = parsed_csv(result.stdout)
    assert len(rows) == 10_001
    assert {r["Threshold Exceeded"] for r in rows} == {"true"}
    assert rows[0] == {"Method": "query", "Entity": "Devices", "Request Return Count": "1",
                       "Integration Name": "Datto RMM", "Resource / API User": "api@example.net",
                       "Execution Start": "2026-11-15T14:00:00.000+00:00", "Execution Time (ms)": "50",
                       "Threshold Exceeded": "true", "Client IP Address": "192.0.2.1", "Limit Reason": "hourly"}


def test_activity_table_says_how_many_rows_were_left_out(known):
    result = run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "9", "--vendor", "it glue",
                 "--limit", "10")
    assert result.exit_code == 0
    assert "7,500 calls, first 10 shown" in " ".join(result.stdout.split())
    assert len(re.findall(r"^ 09:00:0\d\.\d00 ", result.stdout, re.M)) == 10
    # one method, entity and user for every call: said once, not in every row
    said = " ".join(result.stdout.split())
    assert ("· Method: query · Entity: Tickets · Threshold Exceeded: no · Limit Reason: none · Integration Name: "
            "IT Glue · Resource / API User: api@example.net ·") in said


def test_output_file_writes_csv_or_json_by_name(known, tmp_path):
    target = tmp_path / "out.json"
    result = run("days", "--logs", known, "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["rows"][1]["calls"] == 17_516
    target = tmp_path / "out.csv"
    run("days", "--logs", known, "-o", str(target))
    assert parsed_csv(target.read_text())[0] == {"Date": "2026-11-14", "Calls": "6", "Integrations": "1",
                                                 "Hours over limit": "0", "Peak rolling hour": "6"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_environment_supplies_logs_zone_and_threshold(known):
    env = {"APIHOURLY_LOGS": known, "APIHOURLY_TZ": "America/New_York", "APIHOURLY_THRESHOLD": "20000"}
    rows = parsed_csv(run("totals", "--date", "2026-11-15", "--csv", env=env).stdout)
    assert rows[-1]["Hours over limit"] == "0"
    assert rows[-1]["Peak hour"] == "2026-11-15T09:00:00-05:00"


def test_missing_logs_is_one_line_error_naming_the_place(tmp_path):
    result = run("summary", "--logs", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {tmp_path / 'nowhere'}: no such file or folder"
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("args, option", [
    (["summary", "--date", "2026-02-30"], "--date"),
    (["summary", "--tz", "Mars/Olympus"], "--tz"),
    (["summary", "--threshold", "-1"], "--threshold"),
    (["activity", "--hour", "24", "--vendor", "x"], "--hour"),
    (["summary", "--time-format", "13h"], "--time-format"),
    (["browse", "--tz", "Mars/Olympus"], "--tz"),
    (["browse", "--date", "2026-13-01"], "--date"),
])
def test_bad_option_values_are_usage_errors(known, args, option):
    result = run(*args, "--logs", known)
    assert result.exit_code == 2
    assert option in result.stderr and "Traceback" not in result.stderr


def test_unknown_label_is_an_error_listing_labels(known):
    result = run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", "--vendor", "Nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no calls for 'Nope' at 2026-11-15T14:00:00+00:00; integrations with calls:")


def test_ambiguous_hour_on_fall_back_day_lists_both_choices(known):
    result = run("activity", "--logs", known, "--date", "2026-11-01", "--hour", "1", "--vendor", "x",
                 "--tz", "America/New_York")
    assert result.exit_code == 2
    assert "2026-11-01T01:00:00-04:00 or 2026-11-01T01:00:00-05:00" in result.stderr


def test_empty_date_prints_an_empty_report_and_a_note(known):
    result = run("totals", "--logs", known, "--date", "2026-12-01")
    assert result.exit_code == 0
    assert "Grand total" in result.stdout
    assert result.stderr == "note: no activity on 2026-12-01; nearest dates with activity: 2026-11-15\n"


def test_version_and_every_command_has_help_and_is_in_the_readme():
    assert run("--version").stdout.startswith("apihourly ")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example: apihourly " + name in result.stdout
        assert f"apihourly {name}" in readme


def test_integrations_named_like_the_summarys_columns_get_columns_of_their_own(logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="Total calls"),
                                 call("2026-11-15T10:01:00Z", vendor="Hour"),
                                 call("2026-11-15T10:02:00Z", vendor="Hour")])
    rows = parsed_csv(run("summary", "--logs", str(logdir), "--csv").stdout)
    assert list(rows[10].items()) == [("Hour", "2026-11-15T10:00:00+00:00"), ("Hour (vendor)", "2"),
                                      ("Total calls (vendor)", "1"), ("Total calls", "3")]
    document = json.loads(run("summary", "--logs", str(logdir), "--json").stdout)
    assert [(r["integration"], r["calls"]) for r in document["rows"][20:22]] == [("Hour (vendor)", 2),
                                                                                 ("Total calls (vendor)", 1)]
    assert document["totals"]["by_hour"][10] == {"hour_start": "2026-11-15T10:00:00+00:00", "calls": 3,
                                                 "integrations_over": 0}
    drill = parsed_csv(run("activity", "--logs", str(logdir), "--hour", "10", "--vendor", "hour (vendor)",
                           "--csv").stdout)
    assert [r["Integration Name"] for r in drill] == ["Hour (vendor)", "Hour (vendor)"]


def test_an_integration_named_grand_total_is_not_mistaken_for_the_totals_footer(logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="Grand total"),
                                 call("2026-11-15T10:01:00Z", vendor="Acme")])
    document = json.loads(run("totals", "--logs", str(logdir), "--json").stdout)
    assert [(r["integration"], r["kind"], r["calls"]) for r in document["rows"]] == [
        ("Acme", "vendor", 1), ("Grand total (vendor)", "vendor", 1)]
    assert document["totals"] == {"calls": 2, "peak_hour": "2026-11-15T10:00:00+00:00", "peak_hour_calls": 2,
                                  "hours_over_limit": 0}
    csv_rows = parsed_csv(run("totals", "--logs", str(logdir), "--csv").stdout)
    assert [r["Integration"] for r in csv_rows].count("Grand total") == 1
