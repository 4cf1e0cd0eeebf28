"""CSV dialects people's tools write: the delimiter read off the header,
Excel's sep= line and PowerShell's #TYPE line skipped, line numbers right."""

import pytest
from clirun import parsed_csv, run

from apihourly.read.csv import Dialect, dialect_of

HEADER = ["Execution Start", "Method", "Entity", "Vendor Name", "Execution Time (ms)"]
ROWS = [["2026-11-15T10:00:00Z", "query", "Tickets", "Datto RMM", "5"],
        ["2026-11-15T10:30:00Z", "query", "Tickets", "Café Systems", "7"],
        ["2026-11-15T11:00:00Z", "update", "Tickets", "Datto RMM", "9"]]


def _write(path, delimiter, preamble="", encoding="utf-8", rows=ROWS):
    lines = [preamble] if preamble else []
    lines += [delimiter.join(HEADER)] + [delimiter.join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("delimiter, preamble, expected", [
    (",", "", Dialect(",", 0)),
    (";", "", Dialect(";", 0)),
    ("\t", "", Dialect("\t", 0)),
    ("|", "", Dialect("|", 0)),
    (";", "sep=;", Dialect(";", 1)),
    (",", '#TYPE System.Management.Automation.PSCustomObject', Dialect(",", 1)),
])
def test_the_dialect_is_read_off_the_first_lines(tmp_path, delimiter, preamble, expected):
    assert dialect_of(_write(tmp_path / "a.csv", delimiter, preamble)) == expected


@pytest.mark.parametrize("delimiter, preamble", [(";", ""), (";", "sep=;"), (",", "#TYPE System.Object"),
                                                 ("\t", ""), ("|", "")])
def test_every_dialect_gives_the_same_report(logdir, delimiter, preamble):
    _write(logdir / "a.csv", delimiter, preamble, encoding="cp1252")
    rows = parsed_csv(run("summary", "--logs", str(logdir), "--date", "2026-11-15", "--csv").stdout)
    assert [(r["Hour"][11:16], r["Café Systems"], r["Datto RMM"]) for r in rows[10:12]] == [
        ("10:00", "1", "1"), ("11:00", "0", "1")]


def test_lines_are_numbered_as_in_the_file_after_a_preamble(logdir):
    bad = [["yesterday", "query", "Tickets", "X", "1"], ["2026-11-15T10:05:00Z", "query", "Tickets", "X", "1", "extra"]]
    _write(logdir / "a.csv", ";", "sep=;", rows=ROWS[:1] + bad)
    result = run("summary", "--logs", str(logdir), "--date", "2026-11-15")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (f"warning: {logdir / 'a.csv'}: 2 rows skipped (1 with 6 fields, expected 5 at line 5; "
                             "1 unparseable execution_start at line 4)\n")
