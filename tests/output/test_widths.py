"""Tables at the widths people really have: every digit and every mark is
shown at 40, 60, 80, 120 and 200 columns and off a terminal, with and
without colour, for the sample day and for an MSP's day of 25 integrations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import clirun
from clirun import GOLDEN, SAMPLES, parsed_csv, run
from make_logs import burst, utc, write_csv

# 25 integrations, as an MSP's tenant has them (product names from the
# Autotask integrations marketplace), with calls spread over the day.
VENDORS = ["Auvik", "Backupify", "BrightGauge", "CloudRadial", "ConnectBooster", "Datto RMM", "Giant Rocketship",
           "Hudu", "Huntress", "Ingram Micro Cloud", "IT Glue", "Kaseya VSA", "Liongard", "MSPbots",
           "N-able N-central", "Pax8", "QuoteWerks", "Quoter", "Rewst", "Rocket Cyber",
           "ScalePad Lifecycle Manager", "SmileBack", "Thread", "TimeZest", "Unitrends"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def msp_day(tmp_path_factory):
    """Datto RMM over the limit at 15:00 (10,450), IT Glue near it at 09:00
    (7,600), and every other integration with 1..25 calls in a few hours."""
    folder = tmp_path_factory.mktemp("msp")
    rows = burst(utc(2026, 11, 16, 15), 10_450, timedelta(milliseconds=300), vendor="Datto RMM")
    rows += burst(utc(2026, 11, 16, 9), 7_600, timedelta(milliseconds=400), vendor="IT Glue")
    for i, vendor in enumerate(VENDORS):
        for hour in (i % 24, (i * 7) % 24, 23 - i % 5):
            rows += burst(utc(2026, 11, 16, hour, 5), i + 1, timedelta(seconds=7), vendor=vendor)
    write_csv(folder / "calls.csv", rows)
    return folder


def _summary(logs, width=None, env=None, *extra):
    env = {"COLUMNS": str(width) if width else None, **(env or {})}
    result = run("summary", "--logs", str(logs), "--date", "2026-11-16", *extra, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _numbers_by_hour(text: str) -> dict[str, list[str]]:
    """Every number written on the lines of each hour, across column groups."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = re.match(r" (\d\d:00)\s", line)
        if match:
            found.setdefault(match.group(1), []).extend(re.findall(r"\d[\d,]*", line[7:]))
    return found


def _expected_by_hour(logs) -> dict[str, list[str]]:
    rows = parsed_csv(run("summary", "--logs", str(logs), "--date", "2026-11-16", "--csv").stdout)
    return {row["Hour"][11:16]: [f"{int(v):,}" for k, v in row.items() if k != "Hour"] for row in rows}


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200, None])
@pytest.mark.parametrize("day", ["sample", "msp"])
def test_every_digit_and_mark_is_shown_at_any_width(day, width, msp_day):
    logs = SAMPLES if day == "sample" else msp_day
    text = _summary(logs, width)
    assert "…" not in text
    shown, expected = _numbers_by_hour(text), _expected_by_hour(logs)
    assert {hour: sorted(numbers) for hour, numbers in shown.items()} == {
        hour: sorted(n for n in numbers if n != "0" or True) for hour, numbers in expected.items()}
    assert re.search(r" 10,450 ▲ ", text) and re.search(r" 10,\d\d\d ▲◆ ", text)
    assert "▲ over the limit (10,000 calls per hour per integration)" in " ".join(text.split())
    if width:
        assert max(len(line) for line in text.splitlines()) <= width


def test_a_pipe_or_file_gets_the_whole_table_not_80_columns(msp_day):
    text = _summary(msp_day)  # no COLUMNS, not a terminal
    header = [line for line in text.splitlines() if line.startswith(" Hour ")]
    assert len(header) == 1 and all(vendor in header[0] for vendor in VENDORS)
    assert len(header[0]) > 200


def test_without_colour_the_marks_still_say_over_and_near(msp_day):
    text = _summary(msp_day, 200)
    nine, fifteen = (next(line for line in text.splitlines() if line.startswith(f" {h}:00")) for h in ("09", "15"))
    assert "7,600 △" in nine and "▲" not in nine
    assert "10,450 ▲" in fifteen and fifteen.rstrip().endswith("▲◆")


def test_colour_changes_nothing_but_the_colour(msp_day):
    plain = _summary(msp_day, 120)
    coloured = _summary(msp_day, 120, {"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert "\x1b[" in coloured and ANSI.sub("", coloured) == plain


@pytest.mark.parametrize("width", [60, 80, 200])
def test_sample_day_summary_matches_golden_text_at_each_width(width):
    import os

    text = _summary(SAMPLES, width)
    golden = GOLDEN / f"summary-{width}.txt"
    if clirun.REGOLD:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_top_keeps_the_busiest_and_any_over_and_adds_up_the_rest(msp_day):
    rows = parsed_csv(run("summary", "--logs", str(msp_day), "--date", "2026-11-16", "--top", "1", "--csv").stdout)
    assert list(rows[0]) == ["Hour", "Datto RMM", "Other (24 integrations)", "Total calls"]
    assert all(int(r["Datto RMM"]) + int(r["Other (24 integrations)"]) == int(r["Total calls"]) for r in rows)
    assert rows[9]["Other (24 integrations)"] == str(7_600 + sum(
        i + 1 for i in range(25) for h in {i % 24, (i * 7) % 24, 23 - i % 5} if h == 9))
    text = _summary(msp_day, 80, None, "--top", "3")
    header = " ".join(line for line in text.splitlines()[:6])
    assert "Other (22" in header and "integrations)" in header
    # the sum of many integrations is not one integration over its limit: never marked
    nine = next(line for line in text.splitlines() if line.startswith(" 09:00"))
    assert "△" in nine and nine.count("△") == 1


def test_top_never_folds_an_integration_that_was_over(msp_day):
    """Datto RMM is busiest by far; with IT Glue lowered to 'over' by a low
    threshold it stays a column of its own even past --top."""
    rows = parsed_csv(run("summary", "--logs", str(msp_day), "--date", "2026-11-16", "--top", "1", "--threshold",
                          "7000", "--csv").stdout)
    assert list(rows[0])[:3] == ["Hour", "Datto RMM", "IT Glue"]


def test_a_tenant_over_its_limit_with_no_integration_over_gets_its_own_mark(logdir):
    rows = []
    for vendor in ("Alpha", "Bravo", "Charlie"):
        rows += burst(utc(2026, 11, 16, 14), 4_000, timedelta(milliseconds=800), vendor=vendor)
    write_csv(logdir / "a.csv", rows)
    result = run("summary", "--logs", str(logdir), "--date", "2026-11-16", env={"COLUMNS": "100"})
    fourteen = next(line for line in result.stdout.splitlines() if line.startswith(" 14:00"))
    assert fourteen.split()[-2:] == ["12,000", "◆"] and "▲" not in fourteen
    assert ("note: Total calls over the tenant's 10,000 per rolling 60 minutes at 14:00 (12,000 calls): every "
            "integration counts toward it; apihourly limits --date 2026-11-16 shows when and who") in result.stderr
    said = " ".join(result.stdout.split())
    assert "◆ over the tenant's 10,000 calls per rolling 60 minutes" in said and "▲ over" not in said


def test_integrations_without_calls_are_hidden_from_tables_only(known_query):
    from dataclasses import replace
    from datetime import date

    from rich.console import Console

    from apihourly import reports
    from apihourly.output.emit import render
    from apihourly.output.tables import View
    from apihourly.reports.table import COUNT, Column, Table

    report = reports.summary(known_query, date(2026, 11, 15))
    table = report.table
    idle = Table([*table.columns[:-1], Column("Idle Tool", COUNT, rule="hourly"), table.columns[-1]],
                 [*table.data[:-1], [0] * len(table), table.data[-1]])
    with_idle = replace(report, table=idle, categories=[*report.categories, "Idle Tool"])
    console = Console(width=200, record=True, color_system=None)
    console.print(render(with_idle, View(width=200)))
    text = " ".join(console.export_text().split())
    assert "Idle Tool" not in text and "1 integration without calls hidden (--csv lists them)" in text


@pytest.mark.parametrize("columns", [40, 60, 200])
def test_limits_chart_fits_the_width_and_keeps_its_lines_on_an_overloaded_day(logdir, columns):
    rows = burst(utc(2026, 11, 16, 12), 30_000, timedelta(milliseconds=100), vendor="Flood")
    write_csv(logdir / "a.csv", rows)
    result = run("limits", "--logs", str(logdir), "--date", "2026-11-16", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    chart = lines[lines.index("") + 1:][:9]
    assert all(len(line) <= columns for line in chart)
    labels = [line[:6].strip() for line in chart[:8]]
    assert labels[0] == "25,000" and [label for label in labels[1:] if label] == ["100%", "75%", "50%"]
    assert chart[0].count("↑") >= 1  # bars over the top of the scale are marked, not cut silently


COMMANDS = [["summary"], ["totals"], ["days"], ["limits"],
            ["activity", "--hour", "15", "--vendor", "Datto RMM", "--limit", "5"]]


@pytest.mark.parametrize(("command", "encoding"), [(c, "latin-1") for c in COMMANDS] + [
    (COMMANDS[0], "ascii"), (COMMANDS[3], "ascii"), (COMMANDS[0], "cp1252"), (COMMANDS[4], "cp1252")],
    ids=lambda v: v if isinstance(v, str) else v[0])
def test_every_command_draws_in_a_locale_without_unicode(command, encoding):
    """A Latin-1 locale or a Windows console: ASCII marks, bars and rules,
    never a UnicodeEncodeError."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80", "NO_COLOR": "1", "APIHOURLY_TZ": "UTC"}
    dated = [] if command[0] == "days" else ["--date", "2026-11-16"]
    argv = [sys.executable, "-m", "apihourly", *command, "--logs", str(SAMPLES), *dated]
    done = subprocess.run(argv, capture_output=True, env=env)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    text = done.stdout.decode(encoding)  # strictly: every byte is the locale's
    assert "Traceback" not in done.stderr.decode(encoding, "replace")
    if command[0] in ("summary", "totals", "days"):
        assert "10,602" in text or "10,450" in text
        assert "10,450 !" in text or "1 !" in text
        assert "! over the limit" in " ".join(text.split())


def test_csv_in_a_latin1_locale_escapes_what_it_cannot_hold_and_says_so(logdir):
    import os
    import subprocess
    import sys

    write_csv(logdir / "a.csv", [*burst(utc(2026, 11, 16, 10), 2, vendor="東京 Sync"),
                                 *burst(utc(2026, 11, 16, 11), 1, vendor="Zoë")])
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "APIHOURLY_TZ": "UTC"}
    argv = [sys.executable, "-m", "apihourly", "summary", "--logs", str(logdir), "--csv"]
    done = subprocess.run(argv, capture_output=True, env=env)
    assert done.returncode == 0
    assert done.stdout.decode("latin-1").splitlines()[0] == "Hour,Zoë,\\u6771\\u4eac Sync,Total calls"
    assert done.stderr.decode().splitlines()[-1] == (
        "warning: stdout's encoding (iso8859-1) cannot hold 2 characters of the report: written as \\u escapes; "
        "-o FILE writes UTF-8, or set a UTF-8 locale")
