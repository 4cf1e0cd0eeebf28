"""Hourly counts files on the command line: what counts answer (summary,
totals, days), what they cannot (activity, limits), and apihourly's own
summary CSV read back."""

import json

from clirun import parsed_csv, run
from jsonschema import Draft202012Validator
from make_logs import burst, utc, write_csv
from test_machine_output import assert_valid

HEADER = "Hour,BrightGauge,Datto RMM,Unknown,Total calls\n"


def summary_export(path, busy: dict[str, str]) -> None:
    """An Autotask Summary export: 24 rows of 12-hour labels, quiet but for `busy`."""
    labels = ["12:00 AM", *(f"{h}:00 AM" for h in range(1, 12)), "12:00 PM", *(f"{h}:00 PM" for h in range(1, 12))]
    path.write_text(HEADER + "".join(f"{label},{busy.get(label, '0,0,0,0')}\n" for label in labels), encoding="utf-8")


def test_days_lists_counts_only_dates_with_an_empty_peak_rolling_hour(tmp_path):
    summary_export(tmp_path / "2026-11-14 API Activity by Hour.csv", {"3:00 PM": '"10,450",50,0,"10,500"'})
    write_csv(tmp_path / "calls.csv", burst(utc(2026, 11, 15, 10), 5, vendor="BrightGauge"))
    result = run("days", "-l", str(tmp_path), "--csv")
    assert result.exit_code == 0, result.stderr
    assert parsed_csv(result.stdout) == [
        {"Date": "2026-11-14", "Calls": "10500", "Integrations": "2", "Hours over limit": "1", "Peak rolling hour": ""},
        {"Date": "2026-11-15", "Calls": "5", "Integrations": "1", "Hours over limit": "0", "Peak rolling hour": "5"}]
    assert "note: Peak rolling hour is empty for 2026-11-14: it has hourly counts only" in result.stderr
    document = json.loads(run("days", "-l", str(tmp_path), "--json").stdout)
    assert_valid("days", document)
    assert [row["peak_rolling_hour"] for row in document["rows"]] == [None, 5]
    assert document["meta"]["calls_from_counts"] == 10_500 and document["meta"]["calls_read"] == 5


def test_activity_and_limits_on_a_counts_only_date_exit_1_saying_why(tmp_path):
    path = tmp_path / "2026-11-14 API Activity by Hour.csv"
    summary_export(path, {"3:00 PM": "1,0,0,1"})
    expected = f"error: 2026-11-14 has hourly counts only (from {path}); activity and limits need call logs\n"
    for args in (["activity", "--hour", "15"], ["limits"]):
        result = run(*args, "-l", str(tmp_path), "--date", "2026-11-14")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)


def test_summary_of_counts_marks_the_integration_over_and_fails_on_breach(tmp_path):
    summary_export(tmp_path / "2026-11-14.csv", {"3:00 PM": '"10,450",50,0,"10,500"'})
    result = run("summary", "-l", str(tmp_path), "--fail-on-breach", "--json")
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert_valid("summary", document)
    over = [row for row in document["rows"] if row["over"]]
    assert over == [{"hour_start": "2026-11-14T15:00:00+00:00", "integration": "BrightGauge", "kind": "integration",
                     "calls": 10_450, "over": True, "near": False}]
    assert [b["message"] for b in document["breaches"]] == [
        "BrightGauge made 10,450 calls in the hour from 2026-11-14T15:00:00.000+00:00, over 10,000"]
    table = run("summary", "-l", str(tmp_path), width=120)
    assert "1 file, 10,500 calls from hourly counts · 2026-11-14 · UTC" in " ".join(table.stdout.split())
    assert "hourly counts cannot tell when in the hour, nor who" in table.stderr


def test_summary_csv_of_calls_is_read_back_by_every_report_that_counts_can_answer(tmp_path):
    logs, counts = tmp_path / "logs", tmp_path / "counts"
    logs.mkdir(), counts.mkdir()
    write_csv(logs / "calls.csv", burst(utc(2026, 11, 15, 10), 7, vendor="=cmd()")
              + burst(utc(2026, 11, 15, 11), 3, integration="Sync", tracking_id="S-1"))
    for command in ("summary", "totals"):
        written = run(command, "-l", str(logs), "--csv").stdout
        if command == "summary":
            (counts / "2026-11-15 summary.csv").write_text(written, encoding="utf-8")
            assert written.splitlines()[0] == "Hour,'=cmd(),Sync,Total calls"
        again = run(command, "-l", str(counts), "--csv").stdout
        if command == "totals":  # Kind: the counts do not say vendor or custom
            written, again = (text.replace(",vendor,", ",?,").replace(",custom,", ",?,") for text in (written, again))
            again = again.replace(",integration,", ",?,")
        assert again == written
    days = parsed_csv(run("days", "-l", str(counts), "--csv").stdout)
    assert days == [{"Date": "2026-11-15", "Calls": "10", "Integrations": "2", "Hours over limit": "0",
                     "Peak rolling hour": ""}]


def test_excels_summary_csv_with_its_local_hour_column_reads_back(tmp_path):
    logs, counts = tmp_path / "logs", tmp_path / "counts"
    logs.mkdir(), counts.mkdir()
    write_csv(logs / "calls.csv", burst(utc(2026, 11, 15, 10), 4, vendor="V"))
    excel = run("summary", "-l", str(logs), "--excel", "--tz", "America/New_York")
    (counts / "2026-11-15 summary.csv").write_bytes(excel.stdout_bytes)
    again = run("summary", "-l", str(counts), "--csv", "--tz", "America/New_York")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == run("summary", "-l", str(logs), "--csv", "--tz", "America/New_York").stdout


def test_the_json_schemas_still_share_their_definitions():
    from test_machine_output import REPORTS, schema

    shared = schema("summary")["$defs"]
    for report in REPORTS:
        Draft202012Validator.check_schema(schema(report))
        assert schema(report)["$defs"]["kind"] == shared["kind"]
