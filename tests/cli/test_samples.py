"""The sample logs in the forms people hold read as what they are: the
middleware's nested JSON Lines day and Autotask's own Activity export."""

import csv
import gzip
import json
from datetime import datetime, timezone

from clirun import SAMPLES, parsed_csv, run

EXPORT = SAMPLES / "API Activity Detail.csv"


def test_the_json_lines_day_counts_every_line_at_its_epoch_time():
    with gzip.open(SAMPLES / "2026-11-08.jsonl.gz", "rt", encoding="utf-8") as handle:
        stamps = [json.loads(line)["ts"] for line in handle]
    hours = {}
    for ms in stamps:
        hour = datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:00:00+00:00")
        hours[hour] = hours.get(hour, 0) + 1
    result = run("summary", "--logs", str(SAMPLES / "2026-11-08.jsonl.gz"), "--date", "2026-11-08", "--csv")
    assert result.exit_code == 0 and result.stderr == ""
    assert {r["Hour"]: int(r["Total calls"]) for r in parsed_csv(result.stdout)} == hours


def test_the_autotask_export_is_read_in_the_instances_zone_with_vendors_and_verdicts():
    rows = list(csv.DictReader(EXPORT.open(encoding="utf-8")))
    logs = ("--logs", str(EXPORT), "--tz", "America/New_York", "--date", "2026-11-09")
    totals = parsed_csv(run("totals", *logs, "--csv").stdout)
    assert totals[-1]["Calls"] == str(len(rows))
    assert {r["Integration"]: r["Kind"] for r in totals[:-1]}["Datto RMM"] == "vendor"
    result = run("activity", *logs, "--hour", "3PM", "--vendor", "Datto RMM", "--csv")
    calls = parsed_csv(result.stdout)
    marked = [r for r in calls if r["Logged Threshold Exceeded"]]
    assert [r["Logged Threshold Exceeded"] for r in marked] == ["Thread Count"] * 3
    assert all(r["Limit Reason"] == "threads" for r in marked)
    assert sum(r["Threshold Exceeded"] == "true" for r in calls) == 0
    in_hour = sum(datetime.strptime(r["Execution Start"], "%m/%d/%Y %I:%M:%S %p").hour == 15 for r in rows)
    assert f"{EXPORT}: {in_hour} local times read as America/New_York (--input-tz to change)" in result.stderr


def test_days_lists_the_summary_exports_with_their_calls_and_no_peak_rolling_hour():
    exports = sorted(SAMPLES.glob("* API Activity by Hour.csv"))
    expected = {}
    for path in exports:
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        total = sum(int(row["Total calls"].replace(",", "")) for row in rows)
        cells = sum(int(v.replace(",", "")) for row in rows for k, v in row.items() if k not in ("Hour", "Total calls"))
        assert total == cells  # the exports add up
        expected[path.name[:10]] = total
    assert sorted(expected) == ["2026-11-04", "2026-11-05", "2026-11-06"]
    result = run("days", "--logs", str(SAMPLES), "--csv")
    rows = {row["Date"]: row for row in parsed_csv(result.stdout)}
    assert {day: int(rows[day]["Calls"]) for day in expected} == expected
    assert all(rows[day]["Peak rolling hour"] == "" for day in expected)
    assert rows["2026-11-05"]["Hours over limit"] == "1" and rows["2026-11-08"]["Peak rolling hour"] != ""
    assert "note: Peak rolling hour is empty for 2026-11-04, 2026-11-05, 2026-11-06" in result.stderr


def test_the_fleet_sample_has_one_tenant_over_two_near_and_one_thread_breach():
    period = ("--since", "2026-11-15", "--until", "2026-11-16")
    rows = parsed_csv(run("tenants", "--logs", str(SAMPLES / "fleet"), *period, "--csv").stdout)
    by = {row["Tenant"]: row for row in rows}
    assert len(rows) == 26 and [row["Tenant"] for row in rows[:3]] == ["kilo", "echo", "tango"]
    kilo = by["kilo"]
    assert (kilo["Peak rolling hour"], kilo["Highest tier"], kilo["Hours over limit"]) == ("10613", "100%", "0")
    assert (kilo["Top integration in peak"], kilo["Top integration share"]) == ("Datto RMM", "99.9")
    assert [(by[t]["Peak rolling hour"], by[t]["Highest tier"]) for t in ("echo", "tango")] == [
        ("8053", "75%"), ("5635", "50%")]
    assert [tenant for tenant, row in by.items() if row["Thread stretches"] != "0"] == ["sierra"]
    assert all(row["Highest tier"] == "" for row in rows[3:])


def test_the_default_logs_read_the_single_tenants_files_and_name_the_fleet_left_out():
    result = run("totals", "--logs", str(SAMPLES), "--date", "2026-11-16", "--csv")
    assert result.exit_code == 0
    assert parsed_csv(result.stdout)[-1]["Calls"] == "23747"
    assert ("note: left out 52 files of 26 tenants (alfa, bravo, charlie, delta, echo, ...): name one with "
            "--tenant, or compare them with 'apihourly tenants'") in result.stderr
