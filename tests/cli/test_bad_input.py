"""Every kind of bad input ends in a report or one clear line, never a traceback."""

import csv
import gzip
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from make_logs import FIELDS, burst, call, utc, write_csv, write_parquet
from typer.testing import CliRunner

from apihourly.cli import app

HEADER = ",".join(FIELDS)


def run(*args, width=120):
    env = {"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb", "APIHOURLY_TZ": "UTC"}
    return CliRunner().invoke(app, list(args), env=env, prog_name="apihourly")


def assert_clean_error(result, *fragments, code=1):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    first = result.stderr.splitlines()[0]
    for fragment in fragments:
        assert fragment in first, first


def test_path_that_does_not_exist(tmp_path):
    assert_clean_error(run("days", "-l", str(tmp_path / "gone.csv")), f"error: {tmp_path / 'gone.csv'}: no such file")


def test_glob_that_matches_nothing(tmp_path):
    assert_clean_error(run("days", "-l", str(tmp_path / "*.csv")), "matches no log files")


def test_folder_without_log_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert_clean_error(run("days", "-l", str(tmp_path)), f"error: {tmp_path}: no log files", "in this folder")


def test_unreadable_file(logdir, monkeypatch):
    path = write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z")])
    monkeypatch.setattr("apihourly.read.files.os.access", lambda p, mode: Path(p) != path)
    assert_clean_error(run("days", "-l", str(path)), f"error: {path}: permission denied")


def test_empty_file(logdir):
    (logdir / "a.csv").write_bytes(b"")
    assert_clean_error(run("days", "-l", str(logdir)), "a.csv: empty file")


def test_empty_gzip_file(logdir):
    (logdir / "a.csv.gz").write_bytes(gzip.compress(b""))
    assert_clean_error(run("days", "-l", str(logdir)), "a.csv.gz: empty file")


def test_header_only_file_gives_no_days_a_note_and_no_default_date(logdir, tmp_path):
    (logdir / "a.csv").write_text(HEADER + "\n")
    result = run("days", "-l", str(logdir), "--csv")
    assert result.exit_code == 0 and result.stdout == "Date,Calls,Integrations,Hours over limit,Peak rolling hour\n"
    assert result.stderr == f"note: {logdir / 'a.csv'}: no calls in this file (header only)\n"
    assert_clean_error(run("summary", "-l", str(logdir)), f"no calls with a readable execution_start in {logdir}")
    write_csv(logdir / "b.csv", [call("2026-11-15T10:00:00Z")])
    result = run("days", "-l", str(logdir), "--csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "2026-11-15,1,1,0,1"
    assert f"note: {logdir / 'a.csv'}: no calls in this file (header only)" in result.stderr


@pytest.mark.parametrize("name, content, fragment", [
    ("a.csv", bytes(range(256)) * 8, "binary data, not CSV text"),
    ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary data, not CSV text"),
    ("a.parquet", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "not a Parquet file"),
    ("a.parquet", b"execution_start\n2026-11-15T10:00:00Z\n", "not a Parquet file"),
    ("a.csv.gz", b"not gzip at all", "is it really gzipped CSV"),
])
def test_files_that_are_not_what_their_name_says(logdir, name, content, fragment):
    (logdir / name).write_bytes(content)
    assert_clean_error(run("days", "-l", str(logdir)), f"{name}: {fragment}" if "gzip" not in fragment else fragment)


def test_truncated_parquet(logdir):
    path = write_parquet(logdir / "a.parquet", burst(utc(2026, 11, 15, 10), 50))
    path.write_bytes(path.read_bytes()[:-100])
    assert_clean_error(run("days", "-l", str(logdir)), "a.parquet: truncated Parquet file")


def test_missing_execution_start_names_found_and_accepted_columns(logdir):
    (logdir / "a.csv").write_text("when,vendor\n2026-11-15T10:00:00Z,V\n")
    assert_clean_error(run("days", "-l", str(logdir)),
                       "a.csv: no execution_start column (found: 'when', 'vendor'; "
                       "accepted names: execution_start, Execution Start, timestamp, ts, time)")


def test_duplicate_columns_after_name_matching(logdir):
    (logdir / "a.csv").write_text("timestamp,Execution Start\n2026-11-15T10:00:00Z,2026-11-15T10:00:00Z\n")
    assert_clean_error(run("days", "-l", str(logdir)), "columns 'timestamp', 'Execution Start' all mean execution_start")


def test_latin1_export_is_decoded_and_said(logdir):
    text = HEADER + "\n2026-11-15T10:00:00Z,query,Tickets,1,Café Systems,,,,5,192.0.2.1\n"
    (logdir / "a.csv").write_bytes(text.encode("latin-1"))
    result = run("totals", "-l", str(logdir), "--csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("Café Systems,vendor,1,")
    assert "not UTF-8 and was read as Windows-1252" in result.stderr


def test_latin1_header_says_how_to_fix_it(logdir):
    (logdir / "a.csv").write_bytes("Exécution Start,vendor\n2026-11-15T10:00:00Z,V\n".encode("latin-1"))
    assert_clean_error(run("days", "-l", str(logdir)), "a.csv: the header row is not UTF-8 text; save the file as UTF-8")


def test_bom_crlf_and_quoted_commas_and_newlines(logdir):
    text = ("\ufeff" + HEADER + "\r\n"
            '2026-11-15T10:00:00Z,query,Tickets,1,"Acme, Inc.",,,"ops\r\nteam",5,192.0.2.1\r\n'
            '2026-11-15T10:05:00Z,query,Tickets,1,"Acme, Inc.",,,x,5,192.0.2.1\r\n')
    (logdir / "a.csv").write_bytes(text.encode("utf-8"))
    result = run("activity", "-l", str(logdir), "--hour", "10", "--vendor", "acme, inc.", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [r["resource_api_user"] for r in rows] == ["ops\r\nteam", "x"]


BAD_ROWS_CSV = "\n".join([
    HEADER,
    "2026-11-15T10:00:00Z,query,Tickets,1,V,,,u,5,ip",       # line 2: good
    "yesterday,query,Tickets,1,V,,,u,5,ip",                  # line 3: bad time
    "2026-11-15T10:01:00Z,query,Tickets,1,V,,,u,5,ip",       # line 4: good
    ",query,Tickets,1,V,,,u,5,ip",                           # line 5: no time
    "2026-11-15T10:02:00Z,query,Tickets,-3,V,,,u,5,ip",      # line 6: negative count, a call all the same
    "2026-11-15T10:03:00Z,query,Tickets,1,V,,,u,5,ip,extra", # line 7: 11 fields
    "2026-11-15T10:04:00Z,query,Tickets,,V,,,u,,ip",         # line 8: good, counts empty
    "2026-11-15T10:05:00Z,query,Tickets,2.5,V,,,u,5,ip",     # line 9: fractional count, a call all the same
]) + "\n"


def test_bad_rows_are_skipped_counted_and_reported_with_lines(logdir):
    (logdir / "calls.csv").write_text(BAD_ROWS_CSV)
    result = run("summary", "-l", str(logdir), "--date", "2026-11-15")
    assert result.exit_code == 0
    assert "8 rows read = 5 counted + 3 skipped" in " ".join(result.stdout.split())
    assert result.stderr == (
        f"warning: {logdir / 'calls.csv'}: 3 rows skipped (1 with 11 fields, expected 10 at line 7; "
        "2 unparseable execution_start at lines 3, 5); 2 unreadable return_count left empty at lines 6, 9\n")


def test_strict_turns_skipped_rows_into_an_error(logdir):
    (logdir / "calls.csv").write_text(BAD_ROWS_CSV)
    result = run("summary", "-l", str(logdir), "--date", "2026-11-15", "--strict")
    assert_clean_error(result, "calls.csv: 3 rows skipped")
    assert result.stdout == ""
    assert "--strict" in result.stderr.splitlines()[1]


def test_an_unreadable_optional_value_is_left_empty_and_the_call_counts(logdir):
    rows = burst(utc(2026, 11, 15, 10), 5)
    rows[3]["execution_ms"] = -1
    write_parquet(logdir / "a.parquet", rows)
    result = run("totals", "-l", str(logdir), "--csv")
    assert result.stdout.splitlines()[-1].startswith("Grand total,,5,")
    assert result.stderr == f"warning: {logdir / 'a.parquet'}: 1 unreadable execution_ms left empty at row 4\n"
    assert_clean_error(run("totals", "-l", str(logdir), "--strict"), "1 unreadable execution_ms left empty")


def test_counts_with_thousands_separators_are_read(logdir):
    values = [('"1,234"', '"12,345"'), ('" 1 234 "', "7"), ("1.234", "1\u00a0500"), ('"12,34"', "8")]
    text = HEADER + "".join(f"\n2026-11-15T10:0{i}:00Z,query,Tickets,{count},V,,,u,{ms},ip"
                            for i, (count, ms) in enumerate(values))
    (logdir / "a.csv").write_text(text + "\n", encoding="utf-8")
    result = run("activity", "-l", str(logdir), "--hour", "10", "--vendor", "V", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["Request Return Count"], r["Execution Time (ms)"]) for r in rows] == [
        ("1234", "12345"), ("1234", "7"), ("", "1500"), ("", "8")]  # a dot groups only in a day-first file
    assert result.stderr == f"warning: {logdir / 'a.csv'}: 2 unreadable return_count left empty at lines 4, 5\n"


def test_evil_names_never_reach_the_terminal_as_markup_or_escapes(logdir):
    names = ["[red]x[/red]", "[link=http://evil]click[/link]", ":smile:", "\x1b]52;c;ZXZpbA==\x07osc",
             "\x1b[2Jcls", "bidi\u202eevil"]
    rows = [call(f"2026-11-15T10:0{i}:00Z", vendor=name) for i, name in enumerate(names)]
    write_parquet(logdir / "a.parquet", rows)
    result = run("summary", "-l", str(logdir), width=400)
    out = result.stdout
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    for visible in ["[red]x[/red]", "[link=http://evil]click[/link]", ":smile:", "\\x1b]52;c;ZXZpbA==\\x07osc",
                    "\\x1b[2Jcls", "bidi\\u202eevil"]:
        assert visible in out
    error = run("activity", "-l", str(logdir), "--hour", "10", "--vendor", "\x1b[31mred")
    assert "\x1b" not in error.stderr and "\\x1b[31mred" in error.stderr


def test_csv_neutralises_formulas_in_headers_and_cells_but_not_numbers(logdir):
    rows = [call("2026-11-15T10:00:00Z", vendor="=HYPERLINK(\"http://evil\")"),
            call("2026-11-15T10:00:00Z", vendor="@SUM(A1)", api_user="-2+3", method="+cmd", entity="\tTab")]
    write_parquet(logdir / "a.parquet", rows)
    summary = list(csv.reader(io.StringIO(run("summary", "-l", str(logdir), "--csv").stdout)))
    assert summary[0] == ["Hour", "'=HYPERLINK(\"http://evil\")", "'@SUM(A1)", "Total calls"]
    assert summary[11][1:] == ["1", "1", "2"]
    activity = list(csv.reader(io.StringIO(
        run("activity", "-l", str(logdir), "--hour", "10", "--vendor", "@SUM(A1)", "--csv").stdout)))
    assert activity[1][:5] == ["'+cmd", "'\tTab", "1", "'@SUM(A1)", "'-2+3"]
    raw = list(csv.reader(io.StringIO(
        run("activity", "-l", str(logdir), "--hour", "10", "--vendor", "@SUM(A1)", "--csv", "--raw").stdout)))
    assert raw[1][:5] == ["+cmd", "\tTab", "1", "@SUM(A1)", "-2+3"]


def test_output_file_is_all_or_nothing(logdir, tmp_path, monkeypatch):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z")])
    target = tmp_path / "report.csv"
    target.write_text("old report\n")

    half_written = []

    def interrupted(fd):  # Ctrl-C with the temporary file written, before the rename
        half_written.extend(p.name for p in tmp_path.iterdir() if p.name.startswith(".report.csv."))
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", interrupted)
    result = run("days", "-l", str(logdir), "-o", str(target))
    assert result.exit_code != 0 and len(half_written) == 1
    assert target.read_text() == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs", "report.csv"]


def test_debug_shows_the_traceback(logdir):
    (logdir / "a.csv").write_bytes(b"")
    result = CliRunner().invoke(app, ["--debug", "days", "-l", str(logdir)])
    assert result.exit_code == 1 and type(result.exception).__name__ == "LogFormatError"


def test_csv_piped_into_head_ends_quietly(logdir):
    import subprocess
    import sys

    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 10), 30_000, timedelta(milliseconds=100), vendor="V"))
    command = (f"{sys.executable} -m apihourly activity -l {logdir} --tz UTC --hour 10 --vendor V --csv | head -1; "
               "exit ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("Method,Entity,")
    assert done.stderr == "" and done.returncode == 0


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-cmd", "'-cmd"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("\0x", "'\0x"), ("-5", "-5"), ("+3.25", "+3.25"), ("-5+cmd", "'-5+cmd"), ("a=b", "a=b"), ("", ""),
    ("'=x", "''=x"), ("'-5", "'-5"), ("'abc", "'abc"),
])
def test_neutralise(text, expected):
    from apihourly.words import neutralise

    assert neutralise(text) == expected


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r\x005.aZ"), max_size=8) | st.text(max_size=8))
def test_neutralised_text_is_restored_exactly(text):
    from apihourly.words import FORMULA_TRIGGERS, neutralise, restored

    assert restored(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_TRIGGERS) or neutralise(text) == text


def test_malformed_row_that_is_not_utf8_is_a_clean_error(logdir):
    text = HEADER.encode() + b"\n2026-11-15T10:00:00Z,query,Tickets,1,V,,,u,5,ip\n2026-11-15T10:01:00Z,\xff,x,1,V,,,u,5,ip,extra\n"
    (logdir / "a.csv").write_bytes(text)
    result = run("days", "-l", str(logdir))
    assert_clean_error(result, "a.csv: a row with the wrong number of fields is not UTF-8 text")
    assert "Exception ignored" not in result.stderr


def test_parquet_that_decodes_into_impossible_values_is_a_clean_error(logdir, monkeypatch):
    import pyarrow as pa

    path = write_parquet(logdir / "a.parquet", [call("2026-11-15T10:00:00Z", vendor="V")])

    def damaged(log, fields, window, groups=None):  # what a flipped byte in a dictionary page decodes to
        vendor = pa.DictionaryArray.from_arrays(pa.array([5], pa.int32()), pa.array(["V"]), safe=False)
        columns = {"ts": pa.array([0], pa.timestamp("ms", "UTC")), "vendor": vendor}
        columns.update({f: pa.nulls(1, pa.string()) for f in fields if f != "vendor"})
        yield pa.RecordBatch.from_pydict(columns)

    monkeypatch.setattr("apihourly.read.parquet.read_batches", damaged)
    assert_clean_error(run("days", "-l", str(path)), f"{path}: cannot be read:", "Dictionary indices invalid")


def _daily_exports(logdir):
    day1 = HEADER + "\n2026-11-14T10:00:00Z,query,Tickets,1,V,,,u,5,ip\nnot a time,query,Tickets,1,V,,,u,5,ip\n"
    day2 = HEADER + "\n2026-11-15T10:00:00Z,query,Tickets,1,V,,,u,5,ip\n2026-11-15T11:00:00Z,query,Tickets,1,V,,,u,5,ip\n"
    (logdir / "2026-11-14.csv").write_text(day1 + "2026-11-15T12:00:00Z,query,Tickets,-1,V,,,u,5,ip\n")
    (logdir / "2026-11-15.csv").write_text(day2)
    (logdir / "2026-11-13.csv").write_text(HEADER + "\n2026-11-13T09:00:00Z,query,Tickets,1,V,,,u,5,ip\n")


def test_a_folder_of_daily_csv_exports_is_read_once_and_reported_the_same(logdir, monkeypatch):
    from apihourly.read import csv as csv_format

    _daily_exports(logdir)
    opened = []
    real = csv_format.batches
    monkeypatch.setattr(csv_format, "batches", lambda log, *rest: opened.append(log.path.name) or real(log, *rest))
    default = run("summary", "-l", str(logdir), "--csv")
    # finding the latest date reads each file once, whole; the day then uses what that read found
    assert sorted(opened) == ["2026-11-13.csv", "2026-11-14.csv", "2026-11-15.csv"]
    dated = run("summary", "-l", str(logdir), "--csv", "--date", "2026-11-15")
    assert default.stdout == dated.stdout and default.stderr == dated.stderr
    assert dated.stderr == (
        f"warning: {logdir / '2026-11-14.csv'}: 1 row skipped (1 unparseable execution_start at line 3); "
        "1 unreadable return_count left empty at line 4\n")


def test_a_skipped_file_still_reports_its_undated_rows(logdir):
    _daily_exports(logdir)
    (logdir / "2026-11-13.csv").write_text(HEADER + "\n2026-11-13T09:00:00Z,query,Tickets,1,V,,,u,5,ip\nbad,x\n")
    default = run("totals", "-l", str(logdir), "--csv")
    dated = run("totals", "-l", str(logdir), "--csv", "--date", "2026-11-15")
    assert default.stdout == dated.stdout and default.stderr == dated.stderr
    assert f"warning: {logdir / '2026-11-13.csv'}: 1 row skipped (1 with 2 fields, expected 10 at line 3)" \
        in dated.stderr


def test_a_file_without_one_readable_time_is_an_error_not_an_empty_report(logdir):
    (logdir / "a.csv").write_text(HEADER + "\n" + "\n".join(f"13/45/2026 9:{i}0,query,Tickets,1,V,,,u,5,ip"
                                                            for i in range(3)) + "\n")
    result = run("summary", "-l", str(logdir), "--date", "2026-11-15")
    assert_clean_error(result, f"error: {logdir / 'a.csv'}: no readable execution_start from 2000-01-01 to 2100-01-01 "
                               "in 3 rows; "
                               "first value '13/45/2026 9:00' (accepted forms: ")
    assert "--input-time-format" in result.stderr.splitlines()[0] and result.stdout == ""
