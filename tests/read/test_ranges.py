"""Times no call can have, columns whose type disagrees between files, and
numbers no count can be: skipped, read as text, or left empty, with a clear
word, never a crash or a wrong default date."""

import shutil
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clirun import SAMPLES, parsed_csv, run
from make_logs import burst, call, utc, write_csv, write_parquet

RANGE = "outside the accepted time range (2000-01-01 to 2100-01-01)"


def test_placeholder_times_are_skipped_as_outside_the_range_and_change_nothing_else(logdir):
    rows = burst(utc(2026, 11, 15, 10), 3, vendor="V")
    write_csv(logdir / "a.csv", rows + [call("1970-01-01T00:00:00Z", vendor="V"),
                                        call("2262-04-11T20:00:00Z", vendor="V"), call("1700-01-01T00:00:00Z")])
    stamps = pa.array([datetime(2026, 11, 15, 11, tzinfo=timezone.utc), datetime(9999, 12, 31, tzinfo=timezone.utc)],
                      pa.timestamp("ms", "UTC"))
    pq.write_table(pa.table({"execution_start": stamps, "vendor": ["V", "V"]}), logdir / "b.parquet")
    for command in ("summary", "totals", "limits"):
        result = run(command, "--logs", str(logdir), "--csv")
        assert result.exit_code == 0, (command, result.stderr)
        assert f"{logdir / 'a.csv'}: 3 rows skipped (3 {RANGE} at lines 5, 6, 7)" in result.stderr
        assert f"{logdir / 'b.parquet'}: 1 row skipped (1 {RANGE} at row 2)" in result.stderr
    hours = parsed_csv(run("summary", "--logs", str(logdir), "--csv").stdout)
    assert hours[0]["Hour"] == "2026-11-15T00:00:00+00:00" and sum(int(r["V"]) for r in hours) == 4
    assert [r["Date"] for r in parsed_csv(run("days", "--logs", str(logdir), "--csv").stdout)] == ["2026-11-15"]


@pytest.mark.parametrize("command", ["days", "summary", "totals", "limits"])
def test_a_placeholder_row_in_the_sample_logs_changes_only_the_skipped_count(tmp_path, command):
    logs = tmp_path / "logs"
    shutil.copytree(SAMPLES, logs)
    clean = run(command, "--logs", str(logs), "--csv")
    with (logs / "2026-11-10.csv").open("a", encoding="utf-8") as handle:
        handle.write("1970-01-01T00:00:00Z,query,Tickets,1,Datto RMM,,DATTO-RMM,rmm.sync@api.example.net,35,"
                     "198.51.100.20\n")
    lines = sum(1 for _ in (logs / "2026-11-10.csv").open(encoding="utf-8"))
    placed = run(command, "--logs", str(logs), "--csv")
    assert placed.exit_code == clean.exit_code == 0 and placed.stdout == clean.stdout
    added = f"warning: {logs / '2026-11-10.csv'}: 1 row skipped (1 {RANGE} at line {lines})\n"
    assert placed.stderr == clean.stderr + added


def test_the_default_date_is_not_after_today_and_later_dates_are_named(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 10), 2, vendor="V") + [call("2099-06-01T12:00:00Z", vendor="V")])
    result = run("summary", "--logs", str(logdir), "--csv")
    assert result.exit_code == 0 and result.stdout.splitlines()[1].startswith("2026-11-15T00:00:00+00:00")
    today = datetime.now(timezone.utc).date().isoformat()
    assert result.stderr == (f"note: calls are dated after today ({today}): 2099-06-01; showing 2026-11-15 "
                             "(--date to choose)\n")
    assert run("summary", "--logs", str(logdir), "--date", "2099-06-01", "--csv").stderr == ""


def test_a_column_typed_differently_in_two_files_is_text_in_both(logdir):
    pq.write_table(pa.table({"execution_start": pa.array([datetime(2026, 11, 15, 10, tzinfo=timezone.utc)],
                                                         pa.timestamp("ms", "UTC")),
                             "tracking_id": pa.array([1234], pa.int64())}), logdir / "a.parquet")
    write_parquet(logdir / "b.parquet", [call("2026-11-15T10:30:00Z", tracking_id="1234"),
                                         call("2026-11-15T10:40:00Z", tracking_id="TRK-9")])
    summary = parsed_csv(run("summary", "--logs", str(logdir), "--csv").stdout)
    assert [(r["1234"], r["TRK-9"]) for r in summary if r["Total calls"] != "0"] == [("2", "1")]
    result = run("activity", "--logs", str(logdir), "--hour", "10", "--vendor", "1234", "--csv")
    assert result.exit_code == 0, result.stderr
    assert [r["Integration Name"] for r in parsed_csv(result.stdout)] == ["1234", "1234"]


def test_a_list_column_where_a_value_belongs_is_one_clear_error(logdir):
    pq.write_table(pa.table({"execution_start": pa.array([datetime(2026, 11, 15, 10, tzinfo=timezone.utc)],
                                                         pa.timestamp("ms", "UTC")),
                             "vendor": pa.array([["a", "b"]], pa.list_(pa.string()))}), logdir / "a.parquet")
    result = run("summary", "--logs", str(logdir), "--date", "2026-11-15")
    assert result.exit_code == 1 and "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert result.stderr.splitlines()[0] == (f"error: {logdir / 'a.parquet'}: column 'vendor' holds list<element: string> "
                                             "where vendor should be one value per call")


def test_float_counts_too_big_or_infinite_are_left_empty(logdir):
    stamps = pa.array([datetime(2026, 11, 15, 10, i, tzinfo=timezone.utc) for i in range(4)], pa.timestamp("ms", "UTC"))
    pq.write_table(pa.table({"execution_start": stamps, "vendor": ["V"] * 4,
                             "execution_ms": pa.array([12.0, float("inf"), 1e20, float("nan")])}), logdir / "a.parquet")
    result = run("activity", "--logs", str(logdir), "--hour", "10", "--vendor", "V", "--csv")
    assert [r["Execution Time (ms)"] for r in parsed_csv(result.stdout)] == ["12", "", "", ""]
    assert result.stderr == f"warning: {logdir / 'a.parquet'}: 3 unreadable execution_ms left empty at rows 2, 3, 4\n"
