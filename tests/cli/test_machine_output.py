"""Output scripts can trust: JSON that matches its published schema
(docs/schemas/) and says what it covers, summary in long form that
reconciles with its CSV, totals and breaches apart from the rows,
newline-delimited rows, CSV for Excel, a format flag that must agree with
the -o name, and activity's empty cells and whole hours."""

import csv
import functools
import gzip
import io
import json
import os
import subprocess
import sys

import pytest
from clirun import ROOT, SAMPLES, parsed_csv, run
from fixtures import COLUMN_ORDER, EXPECTED
from jsonschema import Draft202012Validator
from make_logs import burst, call, utc, write_csv

SCHEMAS = ROOT / "docs" / "schemas"
REPORTS = ["summary", "totals", "days", "activity", "limits", "heatmap"]  # heatmap: summary --since/--until
SCHEMAS_DOCUMENTED = [*REPORTS, "watch"]  # watch's documents are checked in tests/watch (they need recent logs)


@pytest.fixture(scope="module")
def known(known_logs):
    return str(known_logs)


def schema(report: str) -> dict:
    return json.loads((SCHEMAS / f"{report}.schema.json").read_text(encoding="utf-8"))


def assert_valid(report: str, document: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema(report)).iter_errors(document)]
    assert errors == []


def row_validator(report: str) -> Draft202012Validator:
    """A validator of one row (what --nl writes a line of)."""
    whole = schema(report)
    return Draft202012Validator({"$defs": whole["$defs"], **whole["properties"]["rows"]["items"]})


def json_of(*args) -> dict:
    result = run(*args)
    assert result.exit_code in (0, 3), result.stderr
    return json.loads(result.stdout)


# The schemas ----------------------------------------------------------------

def test_every_schema_is_a_valid_json_schema_sharing_one_set_of_definitions():
    shared = schema("summary")["$defs"]
    for report in SCHEMAS_DOCUMENTED:
        Draft202012Validator.check_schema(schema(report))
        assert {k: v for k, v in schema(report)["$defs"].items() if k in shared} == shared


def property_names(node) -> set[str]:
    """Every key a schema names, however deep."""
    if isinstance(node, list):
        return set().union(*map(property_names, node))
    if not isinstance(node, dict):
        return set()
    return set(node.get("properties", {})) | set().union(*map(property_names, node.values()))


def test_the_docs_name_every_schema_and_every_key_of_it():
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    for report in SCHEMAS_DOCUMENTED:
        assert f"`{report}.schema.json`" in text
        assert sorted(key for key in property_names(schema(report)) if f"`{key}`" not in text) == []


SAMPLE_DOCUMENTS = {
    "summary": ["summary", "--date", "2026-11-16", "--fail-on-breach"],
    "totals": ["totals", "--date", "2026-11-16"],
    "days": ["days", "--fail-on-breach"],
    "activity": ["activity", "--date", "2026-11-16", "--hour", "13"],  # every integration: 219 calls
    "limits": ["limits", "--date", "2026-11-16"],
    "heatmap": ["summary", "--since", "2026-11-14", "--until", "2026-11-16", "--fail-on-breach"],
}


@functools.cache
def sample_json(report: str) -> dict:
    return json_of(*SAMPLE_DOCUMENTS[report], "--logs", str(SAMPLES), "--json")


@pytest.mark.parametrize("report", REPORTS)
def test_json_of_the_sample_logs_matches_its_schema(report):
    document = sample_json(report)
    assert_valid(report, document)
    assert document["meta"]["report"] == report and document["rows"]


@pytest.mark.parametrize("args", [
    ["summary", "--date", "2026-11-15"], ["summary", "--date", "2026-12-01"],
    ["totals", "--date", "2026-11-15"], ["totals", "--date", "2026-12-01"],
    ["days"], ["days", "--since", "2026-12-01"],
    ["activity", "--date", "2026-11-15", "--hour", "14", "--vendor", "Acme"],
    ["activity", "--date", "2026-11-15", "--hour", "14", "--vendor", "IT Glue"],
    ["limits", "--date", "2026-11-15", "--part", "threads"], ["limits", "--date", "2026-12-01"],
    ["summary", "--since", "2026-12-01"], ["summary", "--until", "2026-11-15", "--vendor", "acme"],
    ["summary", "--date", "2026-11-15", "--top", "2"],
    ["activity", "--date", "2026-11-15", "--hour", "14", "--columns", "Execution Start,entity"],
    ["totals", "--date", "2026-11-15", "--columns", "calls,integration"], ["days", "--columns", "Date"],
])
def test_json_of_the_known_day_and_of_empty_dates_matches_its_schema(known, args):
    document = json_of(*args, "--logs", known, "--json")
    assert_valid(document["meta"]["report"], document)


@pytest.mark.parametrize("report", REPORTS)
def test_every_nl_line_is_a_row_of_the_json_document_and_matches_its_schema(report):
    args = [*SAMPLE_DOCUMENTS[report], "--logs", str(SAMPLES)]
    lines = run(*args, "--nl").stdout.splitlines()
    validator = row_validator(report)
    assert [list(validator.iter_errors(json.loads(line))) for line in lines] == [[]] * len(lines)
    assert [json.loads(line) for line in lines] == sample_json(report)["rows"]
    assert all(line.isascii() and line.startswith("{") for line in lines)


def test_rows_of_chosen_columns_hold_those_keys_alone_and_other_rows_hold_every_key(known):
    chosen = json_of("totals", "--logs", known, "--date", "2026-11-15", "--json", "--columns", "calls,integration")
    assert chosen["meta"]["columns_chosen"] is True
    assert chosen["rows"][0] == {"calls": 10_001, "integration": "Datto RMM"}
    whole = json_of("totals", "--logs", known, "--date", "2026-11-15", "--json")
    del whole["rows"][0]["peak_hour"]
    error = next(Draft202012Validator(schema("totals")).iter_errors(whole))
    assert error.message == "'peak_hour' is a required property"


def test_top_folds_the_rest_into_other_whose_rows_are_never_over_or_near(known):
    document = json_of("summary", "--logs", known, "--date", "2026-11-15", "--json", "--top", "1")
    other = "Other (6 integrations)"
    assert document["meta"]["folded"] == [label for label in COLUMN_ORDER if label != "Datto RMM"]
    assert [(r["integration"], r["kind"], r["calls"], r["over"], r["near"]) for r in document["rows"][18:20]] == [
        ("Datto RMM", "vendor", 0, False, False), (other, "other", 7_500, False, False)]  # IT Glue at 09:00
    assert {r["integration"] for r in document["rows"]} == {"Datto RMM", other}


# summary: one row per cell, sums apart -----------------------------------------

def test_summary_long_form_holds_every_cell_of_the_wide_csv_once_zeros_included(known):
    wide = parsed_csv(run("summary", "--logs", known, "--date", "2026-11-15", "--csv").stdout)
    document = json_of("summary", "--logs", known, "--date", "2026-11-15", "--json")
    cells = {(r["hour_start"], r["integration"]): r["calls"] for r in document["rows"]}
    assert len(cells) == len(document["rows"]) == 24 * len(COLUMN_ORDER)
    assert cells == {(row["Hour"], label): int(row[label]) for row in wide for label in COLUMN_ORDER}
    assert document["totals"]["by_hour"] == [
        {"hour_start": row["Hour"], "calls": int(row["Total calls"]), "integrations_over": int(row["Hour"][11:13] == "14")}
        for row in wide]
    assert document["totals"]["calls"] == 17_516


def test_summary_rows_say_kind_over_and_near(known):
    rows = json_of("summary", "--logs", known, "--date", "2026-11-15", "--json")["rows"]
    busy = [(r["hour_start"][11:13], r["integration"], r["kind"], r["calls"], r["over"], r["near"])
            for r in rows if r["calls"]]
    assert busy == [
        ("03", "TRK-1", "custom", 4, False, False), ("09", "IT Glue", "vendor", 7_500, False, True),
        ("14", "Acme", "vendor", 3, False, False), ("14", "Datto RMM", "vendor", 10_001, True, False),
        ("14", "Acme (custom)", "custom", 2, False, False), ("20", "Unknown (custom)", "custom", 1, False, False),
        ("23", "Unknown", "unknown", 5, False, False)]
    assert sorted((label, hour, n) for _, label, _, n, *_ in busy for hour in EXPECTED[label]) == sorted(
        (label, hour, n) for label, hours in EXPECTED.items() for hour, n in hours.items())


def test_near_starts_at_75_percent_and_ends_at_the_threshold(known):
    def flags(threshold):
        rows = json_of("summary", "--logs", known, "--date", "2026-11-15", "--json", "--threshold", str(threshold))["rows"]
        return {r["integration"]: (r["over"], r["near"]) for r in rows if r["hour_start"].startswith("2026-11-15T09")}

    assert flags(10_000)["IT Glue"] == (False, True)   # 7,500 is 75% exactly
    assert flags(10_001)["IT Glue"] == (False, False)  # 74.99%
    assert flags(7_500)["IT Glue"] == (False, True)    # at the threshold: near, not over
    assert flags(7_499)["IT Glue"] == (True, False)
    assert flags(0)["Acme"] == (False, False)          # no calls is near nothing


def test_summary_sums_by_integration_match_totals(known):
    sums = json_of("summary", "--logs", known, "--date", "2026-11-15", "--json")["totals"]["by_integration"]
    totals = json_of("totals", "--logs", known, "--date", "2026-11-15", "--json")["rows"]
    assert [s["integration"] for s in sums] == COLUMN_ORDER
    assert sorted((s["integration"], s["kind"], s["calls"], s["hours_over"]) for s in sums) == sorted(
        (t["integration"], t["kind"], t["calls"], t["hours_over_limit"]) for t in totals)


# totals: the Grand total is not a row ---------------------------------------------

def test_totals_grand_total_lives_in_totals_and_matches_the_csv_footer(known):
    document = json_of("totals", "--logs", known, "--date", "2026-11-15", "--json")
    footer = parsed_csv(run("totals", "--logs", known, "--date", "2026-11-15", "--csv").stdout)[-1]
    assert footer["Integration"] == "Grand total"
    assert document["totals"] == {"calls": 17_516, "peak_hour": "2026-11-15T14:00:00+00:00",
                                  "peak_hour_calls": 10_006, "hours_over_limit": 1}
    assert document["totals"] == {"calls": int(footer["Calls"]), "peak_hour": footer["Peak hour"],
                                  "peak_hour_calls": int(footer["Peak hour calls"]),
                                  "hours_over_limit": int(footer["Hours over limit"])}
    # what `jq '.rows[] | select(.hours_over_limit > 0)'` selects
    assert [r["integration"] for r in document["rows"] if r["hours_over_limit"] > 0] == ["Datto RMM"]
    assert sum(r["calls"] for r in document["rows"]) == document["totals"]["calls"]


def test_totals_of_a_date_without_calls_has_no_rows_and_no_peak_hour(known):
    document = json_of("totals", "--logs", known, "--date", "2026-12-01", "--json")
    assert document["rows"] == []
    assert document["totals"] == {"calls": 0, "peak_hour": None, "peak_hour_calls": 0, "hours_over_limit": 0}


# What each document covers ---------------------------------------------------------

def test_days_says_the_dates_it_covers(known):
    every = json_of("days", "--logs", known, "--json")["meta"]
    assert (every["since"], every["until"], "date" in every) == ("2026-11-14", "2026-11-15", False)
    asked = json_of("days", "--logs", known, "--json", "--since", "2026-11-01", "--until", "2026-11-30")["meta"]
    assert (asked["since"], asked["until"]) == ("2026-11-01", "2026-11-30")


def test_activity_says_its_date_hour_and_integration(known):
    one = json_of("activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", "--vendor", "acme", "--json")
    assert one["meta"] == {"report": "activity", "date": "2026-11-15", "hour_start": "2026-11-15T14:00:00+00:00",
                           "integration": "Acme", "tz": "UTC", "threshold": 10_000, "files": 3, "calls_read": 10_006,
                           "rows_skipped": 0, "max_threads": 3, "calls": 3}
    assert [r["integration_name"] for r in one["rows"]] == ["Acme"] * 3
    every = json_of("activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", "--json")["meta"]
    assert (every["integration"], every["calls"]) == (None, 10_006)


# Breaches as data ------------------------------------------------------------------

def test_breaches_are_data_with_their_sentence_and_the_breach_line_stays(known):
    result = run("summary", "--logs", known, "--date", "2026-11-15", "--json", "--fail-on-breach")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["breaches"] == [
        {"kind": "hourly", "integration": "Datto RMM", "hour_start": "2026-11-15T14:00:00+00:00", "calls": 10_001,
         "limit": 10_000,
         "message": "Datto RMM made 10,001 calls in the hour from 2026-11-15T14:00:00.000+00:00, over 10,000"},
        # 10,001 Datto calls 0.3 s apart from 14:00 and 5 others that hour: the
        # 9,996th (14:49:58.500) makes 10,001 in the window, the last (14:50) 10,006
        {"kind": "rolling", "calls": 10_006, "limit": 10_000, "first_at": "2026-11-15T14:49:58.500+00:00",
         "peak_at": "2026-11-15T14:50:00.000+00:00",
         "message": "rolling 60-minute count reached 10,006, over 10,000, first at 2026-11-15T14:49:58.500+00:00"},
    ]
    assert result.stderr.endswith(
        "breach: Datto RMM made 10,001 calls in the hour from 2026-11-15T14:00:00.000+00:00, over 10,000; "
        "rolling 60-minute count reached 10,006, over 10,000, first at 2026-11-15T14:49:58.500+00:00\n")


def test_breaches_are_null_where_they_were_not_checked_and_empty_where_none(known):
    assert json_of("summary", "--logs", known, "--date", "2026-11-15", "--json")["breaches"] is None
    assert json_of("totals", "--logs", known, "--date", "2026-11-15", "--json")["breaches"] is None
    checked = run("days", "--logs", known, "--json", "--fail-on-breach", "--threshold", "20000",
                  "--db-threshold", "20000")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["breaches"] == []


def test_thread_breaches_name_integration_and_entity(logdir):
    start = utc(2026, 11, 15, 10)
    write_csv(logdir / "a.csv", burst(start, 4, vendor="V", execution_ms=5000) + burst(start, 6, vendor="W"))
    document = json_of("summary", "--logs", str(logdir), "--json", "--threshold", "5", "--fail-on-breach")
    assert [b["kind"] for b in document["breaches"]] == ["hourly", "threads"]
    assert document["breaches"][1] == {
        "kind": "threads", "integration": "V", "entity": "Tickets", "stretches": 1, "max_in_flight": 4, "limit": 3,
        "first_at": "2026-11-15T10:00:03.000+00:00",
        "message": "V on Tickets had more than 3 calls in flight 1 time, first at 2026-11-15T10:00:03.000+00:00"}
    assert_valid("summary", document)


# --nl --------------------------------------------------------------------------------

def test_nl_is_one_object_per_line_without_meta(known):
    result = run("limits", "--logs", known, "--date", "2026-11-15", "--nl", "--part", "peak")
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"integration": "Datto RMM", "calls": 10_001, "share_pct": 100.0},  # 99.95 rounded
        {"integration": "Acme", "calls": 3, "share_pct": 0.0},
        {"integration": "Acme (custom)", "calls": 2, "share_pct": 0.0}]


def test_nl_of_an_empty_report_is_empty(known):
    result = run("totals", "--logs", known, "--date", "2026-12-01", "--nl")
    assert (result.exit_code, result.stdout) == (0, "")


# --excel -----------------------------------------------------------------------------

def excel_rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_excel_has_a_bom_and_local_times_beside_the_iso_ones(known):
    result = run("totals", "--logs", known, "--date", "2026-11-15", "--excel", "--tz", "America/New_York")
    rows = excel_rows(result.stdout)
    assert list(rows[0]) == ["Integration", "Kind", "Calls", "Peak hour", "Peak hour (local)", "Peak hour calls",
                             "Hours over limit"]
    assert rows[0]["Integration"] == "Datto RMM"
    assert (rows[0]["Peak hour"], rows[0]["Peak hour (local)"]) == ("2026-11-15T09:00:00-05:00", "2026-11-15 09:00")
    plain = parsed_csv(run("totals", "--logs", known, "--date", "2026-11-15", "--csv", "--tz", "America/New_York").stdout)
    assert [{k: v for k, v in row.items() if not k.endswith("(local)")} for row in rows] == plain


def test_excel_activity_keeps_milliseconds_in_its_local_times(known):
    rows = excel_rows(run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", "--vendor", "Acme",
                          "--excel").stdout)
    assert [(r["Execution Start"], r["Execution Start (local)"]) for r in rows] == [
        ("2026-11-15T14:10:00.000+00:00", "2026-11-15 14:10:00.000"),
        ("2026-11-15T14:10:01.000+00:00", "2026-11-15 14:10:01.000"),
        ("2026-11-15T14:10:02.000+00:00", "2026-11-15 14:10:02.000")]


def test_excel_summary_adds_hour_local_and_a_vendor_of_that_name_keeps_its_own_column(logdir, tmp_path):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="Hour (local)"),
                                 call("2026-11-15T10:01:00Z", vendor="=HYPERLINK(\"x\")")])
    target = tmp_path / "summary.csv"
    result = run("summary", "--logs", str(logdir), "--excel", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    rows = excel_rows(target.read_bytes().decode("utf-8"))
    assert list(rows[10].items()) == [("Hour", "2026-11-15T10:00:00+00:00"), ("Hour (local)", "2026-11-15 10:00"),
                                      ("'=HYPERLINK(\"x\")", "1"), ("Hour (local) (vendor)", "1"),
                                      ("Total calls", "2")]


def test_excel_to_stdout_is_utf8_whatever_the_streams_encoding(logdir):
    # A redirected stdout on Windows is in the ANSI code page: cp1252 has no BOM.
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="Café ☕")])
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "APIHOURLY_TZ": "UTC"}
    done = subprocess.run([sys.executable, "-m", "apihourly", "totals", "-l", str(logdir), "--excel"],
                          capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("\ufeffIntegration,".encode())
    assert "\nCafé ☕,vendor,1,".encode() in done.stdout


def test_excel_and_raw_are_a_usage_error(known):
    result = run("days", "--logs", known, "--excel", "--raw")
    assert result.exit_code == 2 and "--excel keeps formulas neutralised" in result.stderr


# A flag and the -o name ------------------------------------------------------------------

@pytest.mark.parametrize("flag, name", [
    ("--json", "x.csv"), ("--csv", "x.json"), ("--excel", "x.json"), ("--nl", "x.json"), ("--json", "x.jsonl"),
    ("--json", "x.csv.gz"), ("--csv", "X.JSON.GZ"), ("--nl", "x.csv"),
])
def test_a_flag_and_an_o_name_that_disagree_are_a_usage_error_naming_both(known, tmp_path, flag, name):
    target = tmp_path / name
    result = run("days", "--logs", known, flag, "-o", str(target))
    assert result.exit_code == 2 and result.stdout == ""
    error = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(error) == 1 and flag in error[0] and str(target) in error[0]
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def days_as(known):
    """`days` of the known day as each format flag writes it to stdout."""
    return {flag: run("days", "--logs", known, flag).stdout for flag in ("--json", "--csv", "--nl", "--excel")}


@pytest.mark.parametrize("args, name, fmt", [
    ([], "x.json", "json"), ([], "x.csv", "csv"), ([], "x.txt", "csv"), ([], "x.jsonl", "nl"),
    ([], "x.ndjson", "nl"), (["--json"], "x.json", "json"), (["--json"], "x.txt", "json"),
    (["--nl"], "x.jsonl", "nl"), (["--nl"], "report", "nl"), (["--csv"], "x.csv.gz", "csv"),
    (["--excel"], "x.csv", "excel"), (["--json"], "x.json.gz", "json"),
])
def test_the_flag_or_else_the_name_decides_the_format(known, days_as, tmp_path, args, name, fmt):
    target = tmp_path / name
    result = run("days", "--logs", known, *args, "-o", str(target))
    assert result.exit_code == 0 and result.stderr == f"wrote: 2 rows to {target}\n"
    data = target.read_bytes()
    text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
    assert text == days_as[f"--{fmt}"]


# activity: an empty cell is a report, every call of the hour without --vendor ---------------

def test_activity_of_an_integration_with_no_calls_that_hour_is_an_empty_csv_and_json(known):
    args = ["activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", "--vendor", "IT Glue"]
    as_csv = run(*args, "--csv")
    assert as_csv.exit_code == 0
    assert as_csv.stdout == ("Method,Entity,Request Return Count,Integration Name,Resource / API User,Execution Start,"
                             "Execution Time (ms),Threshold Exceeded,Client IP Address,Limit Reason\n")
    assert as_csv.stderr == "note: no calls for IT Glue at 2026-11-15T14:00:00+00:00\n"
    as_json = json_of(*args, "--json")
    assert (as_json["rows"], as_json["meta"]["integration"], as_json["meta"]["calls"]) == ([], "IT Glue", 0)
    table = run(*args)
    assert table.exit_code == 0 and "no calls" in " ".join(table.stdout.split()[-4:])


def test_activity_of_a_label_unknown_that_day_stays_an_error(known):
    result = run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "9", "--vendor", "Datto", "--json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("error: no calls for 'Datto' at 2026-11-15T09:00:00+00:00; "
                                    "integrations with calls: IT Glue (7,500)")


@pytest.mark.parametrize("vendor", [[], ["--vendor", "Total calls"], ["--vendor", "total calls"]])
def test_activity_without_vendor_or_with_total_calls_lists_every_call_of_the_hour(known, vendor):
    rows = parsed_csv(run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "14", *vendor, "--csv").stdout)
    assert len(rows) == 10_006
    assert {name: sum(r["Integration Name"] == name for r in rows) for name in {r["Integration Name"] for r in rows}} == {
        "Datto RMM": 10_001, "Acme": 3, "Acme (custom)": 2}


def test_activity_of_every_integration_in_an_empty_hour_is_empty(known):
    result = run("activity", "--logs", known, "--date", "2026-11-15", "--hour", "5", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["rows"] == []
    assert result.stderr == "note: no calls at 2026-11-15T05:00:00+00:00\n"
