"""`apihourly limits` with samples of Autotask's own counter among the logs:
--db-threshold taken from them unless given, the counter part as CSV and
JSON (valid against the published schema), bad sample rows warned about,
and every other report unchanged by them."""

import json

import pytest
from clirun import ROOT, SAMPLES, parsed_csv, run
from counter_logs import GAP_SAMPLES, GAPS, REPLAYED, gap_day, write_samples
from jsonschema import Draft202012Validator

LIMITS = ("limits", "--date", "2026-11-15")


def _json(*args, env=None):
    result = run(*args, "--json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _valid(document):
    schema = json.loads((ROOT / "docs" / "schemas" / "limits.schema.json").read_text(encoding="utf-8"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(document)]


def test_db_threshold_defaults_to_the_latest_samples_threshold_and_says_so(logdir):
    result = run(*LIMITS, "--logs", str(gap_day(logdir)), "--csv")
    assert result.exit_code == 0
    assert [r["From calls"] for r in parsed_csv(result.stdout)] == ["6000", "9000", "12001"]
    assert result.stderr == ("note: the counter samples of 2026-11-15 give thresholds 10,000, 12,000; the rolling "
                             "limit is the latest, 12,000 (--db-threshold to choose)\n")


@pytest.mark.parametrize(("given", "env"), [(["--db-threshold", "10000"], None),
                                            ([], {"APIHOURLY_DB_THRESHOLD": "10000"})])
def test_a_db_threshold_given_on_the_command_line_or_in_the_environment_wins(logdir, given, env):
    document = _json(*LIMITS, "--logs", str(gap_day(logdir)), *given, env=env)
    assert document["meta"]["db_threshold"] == 10_000
    assert document["meta"]["counter"]["threshold"] == 12_000


def test_the_counter_part_parses_back_in_time_order(logdir):
    result = run(*LIMITS, "--logs", str(gap_day(logdir)), "--csv", "--part", "counter")
    assert parsed_csv(result.stdout) == [
        {"Time": t.replace("Z", ".000+00:00"), "Autotask count": str(n), "Replayed from logs": str(r),
         "Gap": str(g), "Threshold": str(threshold)}
        for (t, n, threshold, _), r, g in zip(GAP_SAMPLES, REPLAYED, GAPS)]


def test_the_json_document_carries_the_counter_and_matches_its_schema(logdir):
    document = _json(*LIMITS, "--logs", str(gap_day(logdir)), "--part", "counter")
    assert _valid(document) == []
    assert document["meta"]["counter"]["largest_gap"] == 21
    assert document["meta"]["counter"]["largest_gap_at"] == "2026-11-15T11:15:00.000+00:00"
    assert [row["gap"] for row in document["rows"]] == GAPS
    assert document["rows"] == document["tables"]["counter"]
    nl = run(*LIMITS, "--logs", str(logdir), "--nl", "--part", "counter").stdout.splitlines()
    assert [json.loads(line) for line in nl] == document["rows"]


def test_without_samples_meta_counter_is_null_and_the_document_still_valid(logdir):
    gap_day(logdir)
    (logdir / "counter.csv").unlink()
    document = _json(*LIMITS, "--logs", str(logdir))
    assert document["meta"]["counter"] is None and document["tables"]["counter"] == []
    assert _valid(document) == []


def test_a_bad_sample_row_is_a_counted_warning_and_strict_refuses_it(logdir):
    gap_day(logdir, [*GAP_SAMPLES, ("2026-11-15T12:05:00Z", "?", 12_000, 60)])
    result = run(*LIMITS, "--logs", str(logdir), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["meta"]["rows_skipped"] == 1
    assert (f"warning: {logdir / 'counter.csv'}: 1 row skipped (1 without a readable "
            "currentTimeframeRequestCount at line 7)\n") in result.stderr
    strict = run(*LIMITS, "--logs", str(logdir), "--strict")
    assert strict.exit_code == 1 and strict.stderr.startswith(f"error: {logdir / 'counter.csv'}: 1 row skipped")


def test_a_counter_file_without_a_usable_sample_is_one_error_line(logdir):
    gap_day(logdir)
    (logdir / "counter.csv").write_text("time,currentTimeframeRequestCount\nsoon,5\n", encoding="utf-8")
    result = run(*LIMITS, "--logs", str(logdir))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {logdir / 'counter.csv'}: no readable sample time")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["summary", "--date", "2026-11-15", "--csv"], ["days", "--csv"],
                                     ["totals", "--date", "2026-11-15", "--json"]])
def test_counter_samples_change_no_other_report(logdir, tmp_path, command):
    gap_day(logdir)
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "calls.csv").write_bytes((logdir / "calls.csv").read_bytes())
    # a counter file a report would fail on, were it read
    write_samples(logdir / "broken-counter.csv", [("never", 1, 1, 1)])
    with_samples, without = run(*command, "--logs", str(logdir)), run(*command, "--logs", str(bare))
    assert with_samples.exit_code == without.exit_code == 0
    assert with_samples.stdout == without.stdout and with_samples.stderr == without.stderr == ""


def test_the_sample_logs_show_the_gap_on_2026_11_16():
    document = _json("limits", "--logs", str(SAMPLES), "--date", "2026-11-16")
    counter = document["meta"]["counter"]
    assert (counter["samples"], counter["largest_gap"], counter["largest_gap_at"]) == (
        288, 590, "2026-11-16T15:45:00.000+00:00")
    rows = document["tables"]["counter"]
    assert all(row["gap"] > 0 for row in rows)  # other tools' calls: Autotask always counts more
    assert document["meta"]["db_threshold"] == 10_000 and _valid(document) == []
