"""The heat map's drawing: shades by quartile, marks that do not rest on
colour, ASCII where the stream cannot write blocks, and 60 columns."""

import io
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from clock_change import THRESHOLD, ZONE, build_clock_change_range
from make_logs import burst, utc, write_csv
from rich.console import Console

from apihourly.output.cells import OVER_STYLE
from apihourly.output.emit import Output, emit, render
from apihourly.output.heatmap import ASCII, BLOCKS, DateRow, Scale, cells, glyphs_for, packed
from apihourly.read.scan import LogSet
from apihourly.reports import Query, heatmap_report


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = build_clock_change_range(tmp_path_factory.mktemp("clocks"))
    query = Query(LogSet.open([str(folder)]), ZoneInfo(ZONE), THRESHOLD)
    return heatmap_report(query, date(2026, 10, 31), date(2026, 11, 3))


def written(report, encoding: str) -> str:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
    emit(report, Output(), stream)
    stream.flush()
    return raw.getvalue().decode(encoding)


def test_a_latin1_stream_gets_the_same_drawing_in_ascii(report):
    lines = [line.rstrip() for line in written(report, "latin-1").splitlines()]
    assert lines == [
        "API calls by hour of day, from 2026-10-31 to 2026-11-03",
        "",
        " Date         00 03 06 09 12 15 18 21   Calls",
        " --------------------------------------------",
        " 2026-10-31             :                   5",
        " 2026-11-01*   *        !                  33",
        " 2026-11-02                                 0",
        " 2026-11-03            .                    1",
        "",
        " Total                                     39",
        "",
        "Calls in an hour:  . 1  : 2-5  * 6-9  # 10-24",
        "! an integration over 10 calls in the hour",
        "2026-11-01* 25 hours: column 01:00 adds up both 01:00 hours",
        "1 file, 39 calls read · America/New_York · limit 10",
        "calls/hour per integration",
    ]


def test_glyphs_follow_what_the_encoding_can_write():
    assert glyphs_for("utf-8") is BLOCKS and glyphs_for("UTF-16") is BLOCKS
    assert glyphs_for("latin-1") is ASCII and glyphs_for("ascii") is ASCII and glyphs_for("no-such-codec") is ASCII


def test_an_ascii_stream_gets_labels_it_cannot_write_as_escapes(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 2, 9), 3, vendor="Ünïcode ☃"))
    query = Query(LogSet.open([str(logdir)]), ZoneInfo("UTC"), 2)
    text = written(heatmap_report(query, date(2026, 11, 2), vendor="ünïcode ☃"), "ascii")
    assert " ".join(text.split()).startswith("API calls by hour of day, on 2026-11-02, \\xdcn\\xefcode \\u2603")
    assert "! \\xdcn\\xefcode \\u2603 over 2 calls in the hour" in text
    assert "1 file, 3 calls read \\xb7 UTC" in text


def test_shades_are_quartiles_of_the_busy_hours_and_the_busiest_is_darkest():
    scale = Scale([0, 1, 2, 3, 4, 5, 6, 7, 8, 1_000], 4)
    assert [scale.shade(n) for n in (0, 1, 3, 4, 5, 6, 7, 8, 1_000)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert scale.ranges() == [(1, 1, 3), (2, 4, 5), (3, 6, 7), (4, 8, 1_000)]
    same = Scale([0, 7, 7, 7], 4)
    assert same.shade(7) == 4 and same.ranges() == [(4, 1, 7)]
    two = Scale([1, 1, 1, 9], 4)
    assert [two.shade(1), two.shade(9)] == [3, 4] and two.ranges() == [(3, 1, 1), (4, 2, 9)]


def test_over_the_limit_is_a_mark_that_is_also_red():
    row = DateRow("2026-11-02", calls=[5] * 24, over=[False] * 10 + [True] + [False] * 13, hours=[1] * 24)
    text = cells(row, Scale(row.calls, 4), BLOCKS)
    assert text.plain == "█" * 10 + "!" + "█" * 13
    assert [(span.start, span.end, span.style) for span in text.spans] == [(10, 11, OVER_STYLE)]


def test_big_numbers_and_long_labels_fit_60_columns_unshortened(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 2, 9), 3, vendor="A very long integration name " * 3))
    query = Query(LogSet.open([str(logdir)]), ZoneInfo("UTC"), 10_000)
    report = heatmap_report(query, date(2026, 11, 2), date(2026, 11, 2), vendor=("A very long integration name " * 3))
    report.table.column("Calls")[9] = 1_234_567_890  # as if read from a very busy log
    report.meta["calls"] = 1_234_567_890
    console = Console(width=60, record=True, color_system=None)
    console.print(render(report))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 60
    assert [line.split()[-1] for line in lines if line.startswith((" 2026-11-02", " Total"))] == [
        "1,234,567,890", "1,234,567,890"]


def test_legend_items_are_never_split_across_lines():
    from rich.text import Text

    lines = packed([Text("x" * 20), Text("y" * 20), Text("z" * 20)], 45)
    assert [line.plain for line in lines] == ["x" * 20 + "  " + "y" * 20, "z" * 20]
