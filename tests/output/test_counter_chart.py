"""Autotask's own count on the limits chart: a mark at its height over the
replay's bars, in Unicode or ASCII, the highest sample of a column, and the
golden text of the hand-computed day with every number of it shown at any
width."""

from __future__ import annotations

import os
import re

import pytest
from clirun import GOLDEN, run
from counter_logs import GAP_SAMPLES, GAPS, REPLAYED, gap_day

from apihourly.output.cells import ASCII, UNICODE
from apihourly.output.limits import Chart, rolling_chart

MINUTES = [f"2026-11-15T{m // 60:02d}:{m % 60:02d}:00+00:00" for m in range(24)]


def test_samples_are_marked_at_their_height_over_the_bars():
    """24 minutes, a column each. The scale tops at 1.1 x the highest of
    bars, samples and threshold (90: 99), so a row is 12.375 calls."""
    peaks = [0] * 24
    peaks[4:8] = [20, 30, 40, 50]
    rows = rolling_chart(peaks, 80, MINUTES, "24h", Chart(31, UNICODE), [(5, 45), (6, 30), (6, 90), (12, 0)])
    assert [row.plain for row in rows] == [
        "    99       ●                 ",  # minute 6: 90, the higher of its two samples
        "  100% ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄",
        "                               ",
        "   75% ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄",
        "   50% ┄┄┄┄┄●▂█┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄",  # minute 5: 45, over its bar of 30
        "            ▃██                ",
        "           ▅███                ",
        "           ████    ●           ",  # minute 12: 0, where no call was
        "       00",
    ]
    marks = [span.style for row in rows for span in row.spans if row.plain[span.start:span.end] == "●"]
    assert marks == ["bold cyan"] * 3


def test_samples_take_the_ascii_mark_where_the_stream_has_no_unicode():
    rows = rolling_chart([10] * 24, 80, MINUTES, "24h", Chart(31, ASCII), [(3, 60)])
    assert [row.plain for row in rows] == [
        "  100% ........................",
        "                               ",
        "   75% ...o....................",
        "                               ",
        "   50% ........................",
        "                               ",
        "                               ",
        "       ||||||||||||||||||||||||",
        "       00",
    ]


def test_a_column_shows_its_highest_sample():
    """12 columns for 24 minutes: minutes 0 and 1 share column 0."""
    rows = rolling_chart([0] * 24, 80, MINUTES, "24h", Chart(19, UNICODE), [(0, 20), (1, 70)])
    assert [(i, row.plain.index("●")) for i, row in enumerate(rows) if "●" in row.plain] == [(1, 7)]


def _limits(folder, width=None, *extra):
    env = {"COLUMNS": str(width)} if width else {"COLUMNS": None}
    result = run("limits", "--logs", str(folder), "--date", "2026-11-15", "--db-threshold", "80", "--limit", "0",
                 *extra, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_hand_computed_day_matches_its_golden_text(logdir):
    text = _limits(gap_day(logdir), 100)
    golden = GOLDEN / "limits-counter.txt"
    if os.environ.get("APIHOURLY_REGOLD"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200, None])
def test_every_number_of_the_counter_is_shown_at_any_width(logdir, width):
    text = _limits(gap_day(logdir), width)
    flat = " ".join(text.split())
    assert ("Largest gap to Autotask's own counter: 21 calls at 11:15:00.000 (Autotask 80, logs 59); 5 samples."
            in flat)
    rows = [line.split() for line in text.splitlines() if re.match(r" \d\d:\d\d:\d\d\.000 ", line)]
    counter = [[n for n in row if re.fullmatch(r"-?[\d,]+", n)] for row in rows if len(row) >= 5]
    expected = sorted([[str(s[1]), str(r), str(g), f"{s[2]:,}"] for s, r, g in zip(GAP_SAMPLES, REPLAYED, GAPS)])
    assert sorted(counter) == expected
    assert "Autotask's own count (5 samples)" in flat
    if width:  # the chart fits; tables never shorten a number, so they may not
        lines = text.splitlines()
        chart = lines[lines.index("") + 1:][:9]  # its rows and time axis
        assert max(len(line) for line in chart) <= width
