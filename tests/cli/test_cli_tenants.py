"""Logs of many Autotask tenants: `--tenant` on the single-tenant reports,
the error when none is named, and `apihourly tenants`, the fleet view."""

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import parsed_csv, run
from make_logs import utc

HEADER = ["Execution Start", "Tenant", "Vendor", "Integration Name", "Entity", "Execution Time (ms)"]


def calls(tenant, start, n, every, vendor="", integration="", entity="Tickets", ms=50):
    return [[(start + i * every).isoformat(timespec="milliseconds"), tenant, vendor, integration, entity, ms]
            for i in range(n)]


def three_tenants():
    """north: over the rolling limit only because of Datto RMM (6,000 of
    10,500 calls in the hour; IT Glue's 4,500 alone are far under); south:
    five BrightGauge calls on Tickets in flight at once, then a quiet hour
    of Liongard; east: a quiet custom integration."""
    rows = calls("north", utc(2026, 11, 16, 14, 10), 6000, timedelta(seconds=0.5), vendor="Datto RMM")
    rows += calls("north", utc(2026, 11, 16, 14, 15), 4500, timedelta(seconds=0.6), vendor="IT Glue")
    rows += calls("south", utc(2026, 11, 16, 9), 5, timedelta(seconds=0.1), vendor="BrightGauge", ms=5000)
    rows += calls("south", utc(2026, 11, 16, 10), 100, timedelta(seconds=60), vendor="Liongard")
    rows += calls("east", utc(2026, 11, 16, 8), 10, timedelta(minutes=10), integration="Billing Sync")
    return rows


def write(path, rows, header=HEADER):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def fleet(tmp_path):
    return write(tmp_path / "fleet" / "calls.csv", three_tenants())


EXPECTED = [
    {"Tenant": "north", "Calls": "10500", "Integrations": "2", "Busiest integration hour": "2026-11-16T14:00:00+00:00",
     "Busiest integration": "Datto RMM", "Busiest integration calls": "6000", "Hours over limit": "0",
     "Peak rolling hour": "10500", "Peak at": "2026-11-16T14:59:59.500+00:00", "Highest tier": "100%",
     "Thread stretches": "0", "Top integration in peak": "Datto RMM", "Top integration share": "57.1"},
    {"Tenant": "south", "Calls": "105", "Integrations": "2", "Busiest integration hour": "2026-11-16T10:00:00+00:00",
     "Busiest integration": "Liongard", "Busiest integration calls": "60", "Hours over limit": "0",
     "Peak rolling hour": "60", "Peak at": "2026-11-16T10:59:00.000+00:00", "Highest tier": "",
     "Thread stretches": "1", "Top integration in peak": "Liongard", "Top integration share": "100.0"},
    {"Tenant": "east", "Calls": "10", "Integrations": "1", "Busiest integration hour": "2026-11-16T08:00:00+00:00",
     "Busiest integration": "Billing Sync", "Busiest integration calls": "6", "Hours over limit": "0",
     "Peak rolling hour": "6", "Peak at": "2026-11-16T08:50:00.000+00:00", "Highest tier": "",
     "Thread stretches": "0", "Top integration in peak": "Billing Sync", "Top integration share": "100.0"},
]


def test_tenants_lists_each_tenant_highest_peak_first(fleet):
    result = run("tenants", "--logs", str(fleet.parent), "--date", "2026-11-16", "--csv")
    assert result.exit_code == 0, result.output
    assert parsed_csv(result.stdout) == EXPECTED


def test_a_report_without_tenant_on_logs_of_three_is_a_usage_error(fleet):
    result = run("summary", "--logs", str(fleet), "--date", "2026-11-16")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("error: the logs hold 3 tenants (east, north, south); name one with --tenant, "
                             "or compare them with 'apihourly tenants'\n")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_tenant_reads_that_tenants_calls_alone(fleet, how):
    named = ("--tenant", "north") if how == "option" else ()
    env = {"APIHOURLY_TENANT": "north"} if how == "environment" else {}
    result = run("totals", "--logs", str(fleet), "--date", "2026-11-16", "--csv", *named, env=env)
    assert result.exit_code == 0, result.output
    assert {r["Integration"]: r["Calls"] for r in parsed_csv(result.stdout)} == {
        "Datto RMM": "6000", "IT Glue": "4500", "Grand total": "10500"}
    days = run("days", "--logs", str(fleet), "--tenant", "south", "--json")
    assert json.loads(days.stdout)["meta"]["tenant"] == "south"
    assert [(r["calls"], r["peak_rolling_hour"]) for r in json.loads(days.stdout)["rows"]] == [(105, 60)]


def test_an_unknown_tenant_is_a_usage_error_naming_those_there_are(fleet):
    result = run("totals", "--logs", str(fleet), "--tenant", "west")
    assert result.exit_code == 2
    assert "no calls of tenant 'west' in the logs; they hold 3 tenants (east, north, south)" in result.stderr


def test_vendor_shows_its_share_while_the_peak_stays_the_tenants(fleet):
    result = run("tenants", "--logs", str(fleet), "--vendor", "IT Glue", "--csv")
    assert result.exit_code == 0, result.output
    assert [(r["Tenant"], r["Calls"], r["Integrations"], r["Busiest integration calls"], r["Peak rolling hour"],
             r["Top integration in peak"], r["Top integration share"]) for r in parsed_csv(result.stdout)] == [
        ("north", "4500", "1", "4500", "10500", "IT Glue", "42.9")]
    assert "note: left out 2 tenants without calls of IT Glue in the period" in result.stderr


def test_fail_on_breach_exits_3_naming_the_tenants_over_a_limit(fleet):
    result = run("tenants", "--logs", str(fleet), "--fail-on-breach")
    assert result.exit_code == 3
    assert "breach: 2 tenants over a limit: north (rolling 10,500 > 10,000), south (1 thread stretch)" in result.stderr


def test_top_shows_the_first_rows_and_csv_keeps_every_tenant(fleet):
    table = run("tenants", "--logs", str(fleet), "--top", "1", width=250)
    assert table.exit_code == 0
    assert "north" in table.stdout and "south" not in table.stdout and "first 1 of 3 shown (a larger --top, or --csv for all)" in table.stdout
    written = run("tenants", "--logs", str(fleet), "--top", "1", "--json")
    assert [row["tenant"] for row in json.loads(written.stdout)["rows"]] == ["north", "south", "east"]


def tenant_folders(root):
    header = [name for name in HEADER if name != "Tenant"]
    for tenant in ("north", "south", "east"):
        rows = [row[:1] + row[2:] for row in three_tenants() if row[1] == tenant]
        write(root / f"tenant={tenant}" / "calls.csv", rows, header)
    return root


def test_tenant_folders_name_the_tenant_of_files_without_the_column(tmp_path):
    logs = tenant_folders(tmp_path / "logs")
    result = run("tenants", "--logs", str(logs), "--csv")
    assert parsed_csv(result.stdout) == EXPECTED
    one = run("totals", "--logs", str(logs), "--tenant", "east", "--csv")
    assert parsed_csv(one.stdout)[-1]["Calls"] == "10"


def test_tenant_folders_are_counted_in_worker_processes_each_for_whole_tenants(tmp_path, monkeypatch):
    from apihourly.count import fleetread
    from apihourly.reports import tenants

    runs = []

    def counted(task, given, *args, cluster=None):
        runs.append(sorted({Path(run.path).parent.name for run in given[0]}))
        runs.append(sorted({Path(run.path).parent.name for run in given[1]}))
        return fleetread.in_workers(task, given, *args, cluster=cluster)

    monkeypatch.setattr(fleetread, "FILES_PER_WORKER", 1)
    monkeypatch.setattr(fleetread, "cpus", lambda: 2)
    monkeypatch.setattr(tenants, "in_workers", counted)
    result = run("tenants", "--logs", str(tenant_folders(tmp_path / "logs")), "--csv", "--tz", "UTC")
    assert result.exit_code == 0, result.output
    assert parsed_csv(result.stdout) == EXPECTED
    assert sorted(runs) == [["tenant=east", "tenant=north"], ["tenant=south"]]


def test_files_without_a_tenant_are_reported_as_before_with_the_others_named(tmp_path, fleet):
    own = write(tmp_path / "fleet" / "own.csv", [row[:1] + row[2:] for row in three_tenants()[-10:]],
                [name for name in HEADER if name != "Tenant"])
    result = run("totals", "--logs", str(own.parent), "--csv")
    assert result.exit_code == 0
    assert parsed_csv(result.stdout)[-1]["Calls"] == "10"
    assert "left out 1 file of 3 tenants (east, north, south): name one with --tenant" in result.stderr


def test_empty_tenants_are_counted_as_skipped_rows(tmp_path):
    rows = three_tenants()[-10:] + [[utc(2026, 11, 16, 8, 5).isoformat(), " ", "", "Billing Sync", "Tickets", 50]]
    path = write(tmp_path / "calls.csv", rows)
    result = run("totals", "--logs", str(path), "--csv")
    assert result.exit_code == 0 and parsed_csv(result.stdout)[-1]["Calls"] == "10"
    assert "1 row skipped (1 no tenant (the tenant column is empty) at line 12)" in result.stderr


def test_the_cache_keeps_each_tenants_digests_apart(fleet, tmp_path):
    env = {"APIHOURLY_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # cold, then from the cache
        got = {tenant: parsed_csv(run("days", "--logs", str(fleet), "--tenant", tenant, "--csv", env=env).stdout)[0]
               for tenant in ("north", "south", "east")}
        assert {t: (row["Calls"], row["Peak rolling hour"]) for t, row in got.items()} == {
            "north": ("10500", "10500"), "south": ("105", "60"), "east": ("10", "6")}


# Each tenant's row equals its single-tenant reports -----------------------------

ENTITIES = ("Tickets", "Companies")
VENDORS = ("Datto RMM", "IT Glue", "")


@st.composite
def tenant_logs(draw):
    """Calls of up to four tenants within a day and its neighbours, bursts and
    long calls included, so that the rolling window and threads matter."""
    rows = []
    for tenant in draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True)):
        for _ in range(draw(st.integers(1, 4))):
            start = utc(2026, 11, 15, 23) + timedelta(seconds=draw(st.integers(0, 26 * 3600)))
            n = draw(st.integers(1, 40))
            every = timedelta(seconds=draw(st.sampled_from([0, 1, 30, 200])))
            rows += calls(tenant, start, n, every, vendor=draw(st.sampled_from(VENDORS)),
                          integration=draw(st.sampled_from(["", "Sync"])), entity=draw(st.sampled_from(ENTITIES)),
                          ms=draw(st.sampled_from([0, 100, 5000, 90000])))
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=tenant_logs())
def test_each_tenants_row_equals_days_and_limits_with_tenant(tmp_path_factory, rows):
    path = write(tmp_path_factory.mktemp("logs") / "calls.csv", rows)
    limits = ("--db-threshold", "20", "--max-threads", "2", "--threshold", "15")
    fleet = run("tenants", "--logs", str(path), "--date", "2026-11-16", "--csv", *limits)
    assert fleet.exit_code in (0, 1), fleet.output
    by_tenant = {row["Tenant"]: row for row in parsed_csv(fleet.stdout)}
    for tenant in sorted({row[1] for row in rows}):
        days = parsed_csv(run("days", "--logs", str(path), "--tenant", tenant, "--since", "2026-11-16",
                              "--until", "2026-11-16", "--csv", *limits[:2], *limits[4:]).stdout)
        if not days:
            assert tenant not in by_tenant
            continue
        row, day = by_tenant[tenant], days[0]
        assert [row["Calls"], row["Integrations"], row["Hours over limit"], row["Peak rolling hour"]] == [
            day["Calls"], day["Integrations"], day["Hours over limit"], day["Peak rolling hour"]]
        checked = json.loads(run("limits", "--logs", str(path), "--tenant", tenant, "--date", "2026-11-16",
                                 "--json", *limits[:4]).stdout)
        assert int(row["Thread stretches"]) == len(checked["tables"]["intervals"])
        if checked["meta"]["peak"] == int(row["Peak rolling hour"]):  # the peak at a call, not at midnight
            assert row["Peak at"] == checked["meta"]["peak_at"]
            top = checked["tables"]["peak"][0]
            assert (row["Top integration in peak"], float(row["Top integration share"])) == (
                top["integration"], top["share_pct"])


def test_a_report_page_names_its_tenant_and_the_commands_it_gives_name_it_too(fleet, tmp_path):
    page = tmp_path / "north.html"
    result = run("report", "--logs", str(fleet), "--tenant", "north", "--date", "2026-11-16", "-o", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<dt>Tenant</dt><dd>north</dd>" in html
    assert "--tenant north" in html.replace("&#34;", '"').replace("\\u0020", " ")


def test_tenants_of_logs_that_name_none_is_one_error_saying_how_logs_name_them(tmp_path):
    path = write(tmp_path / "own.csv", [row[:1] + row[2:] for row in three_tenants()[-10:]],
                 [name for name in HEADER if name != "Tenant"])
    result = run("tenants", "--logs", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"error: no tenant in {path}: no file has a tenant column (Tenant, Database, ...) "
                             "or sits in a tenant=NAME folder\n")


@pytest.mark.parametrize("width", [60, 100])
def test_the_table_fits_the_terminal_in_groups_led_by_the_tenant_with_every_digit(fleet, width):
    result = run("tenants", "--logs", str(fleet), width=width)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert sum(line.startswith(" Tenant ") for line in lines) >= 2  # the Tenant column leads every group
    for figure in ("10,500", "6,000", "57.1", "2026-11-16 14:59:59.500", "105", "100.0"):
        assert figure in result.stdout


def test_json_carries_each_tenant_over_a_limit_as_data(fleet):
    result = run("tenants", "--logs", str(fleet), "--json")
    written = json.loads(result.stdout)
    assert written["meta"]["tenants"] == 3 and written["meta"]["db_threshold"] == 10000
    assert [(b["kind"], b["tenant"], b["peak"], b["thread_stretches"]) for b in written["breaches"]] == [
        ("tenant", "north", 10500, 0), ("tenant", "south", 60, 1)]


def test_a_page_of_the_files_without_a_tenant_says_once_which_tenants_it_left_out(tmp_path, fleet):
    own = write(tmp_path / "fleet" / "own.csv", [row[:1] + row[2:] for row in three_tenants()[-10:]],
                [name for name in HEADER if name != "Tenant"])
    page = tmp_path / "own.html"
    assert run("report", "--logs", str(own.parent), "--date", "2026-11-16", "-o", str(page)).exit_code == 0
    header = page.read_text(encoding="utf-8").split("<script", 1)[0]
    assert header.count("left out 1 file of 3 tenants (east, north, south)") == 1
