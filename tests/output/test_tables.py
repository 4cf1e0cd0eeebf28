from dataclasses import replace
from datetime import date

import pytest
from rich.console import Console

from apihourly import reports
from apihourly.output.cells import APPROACHING_STYLE, OVER_STYLE, safe_text
from apihourly.output.emit import render
from apihourly.output.tables import View
from apihourly.reports.table import COUNT, Column, Table


@pytest.fixture(scope="module")
def summary(known_query):
    return reports.summary(known_query, date(2026, 11, 15))


def _cells(table, header):
    column = next(c for c in table.columns if str(c.header) == header)
    return list(column.cells)


def test_summary_marks_total_red_when_one_vendor_is_over(summary):
    table = render(summary)
    totals = _cells(table, "Total calls")
    # over for Datto RMM (▲), and over the tenant's 10,000 in one clock hour (◆)
    assert totals[14].plain == "10,006 ▲◆" and totals[14].style == OVER_STYLE
    assert _cells(table, "Datto RMM")[14].plain == "10,001 ▲" and _cells(table, "Datto RMM")[14].style == OVER_STYLE
    assert [i for i, cell in enumerate(totals[:24]) if cell.style == OVER_STYLE] == [14]
    assert totals[13].plain == "0   "  # room for the marks: the digits stay right-aligned


def test_summary_marks_a_vendor_at_75_percent_yellow_but_not_the_total(summary):
    table = render(summary)
    assert _cells(table, "IT Glue")[9].style == APPROACHING_STYLE and _cells(table, "IT Glue")[9].plain == "7,500 △"
    assert _cells(table, "Total calls")[9].style == "" and "△" not in _cells(table, "Total calls")[9].plain
    assert _cells(table, "Acme")[14].style == ""


def test_summary_total_over_the_tenant_limit_alone_gets_its_own_mark(summary):
    """Three integrations under 10,000 each can still break the tenant's
    rolling limit in one clock hour: ◆, and a note naming the hour."""
    from apihourly.output.cells import UNICODE
    from apihourly.output.tables import View

    lowered = replace(summary, meta={"db_threshold": 9_000})
    totals = _cells(render(lowered, View()), "Total calls")
    assert totals[14].plain == "10,006 ▲◆"
    assert [c.plain.strip() for c in totals if "◆" in c.plain] == ["10,006 ▲◆"]
    table = render(replace(summary, meta={"db_threshold": 10_007}))
    assert _cells(table, "Total calls")[14].plain == "10,006 ▲"
    assert str(table.caption).endswith(f"{UNICODE.over} over the limit (10,000 calls per hour per integration)"
                                       f" · {UNICODE.near} at 75% of a limit or more")


def test_summary_ends_with_a_sum_row_that_is_never_marked(summary):
    assert _cells(render(summary), "Total calls")[-1].plain == "17,516   "
    assert _cells(render(summary), "Datto RMM")[-1].plain == "10,001  "


def test_twelve_hour_labels(summary):
    hours = [c.plain for c in _cells(render(summary, View("12h")), "Hour")]
    assert hours[:2] == ["12 AM", "1 AM"] and hours[14] == "2 PM" and hours[-1] == "Total"


@pytest.mark.parametrize("evil", ["[red]x[/red]", "[link=http://evil]click[/link]", ":smile:",
                                  "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "a\x9bb\x7f"])
def test_untrusted_text_prints_literally_without_escapes(evil):
    console = Console(width=80, record=True, force_terminal=True, color_system="truecolor")
    console.print(safe_text(evil))
    out = console.export_text(styles=False)
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    visible = evil.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\x9b", "\\x9b").replace("\x7f", "\\x7f")
    assert out == visible + "\n"


def test_a_new_report_kind_is_drawn_from_its_declared_columns(summary):
    """A report without a drawing of its own gets the generic one: its
    columns' kinds and rules decide alignment, numbers and marks."""
    table = Table.from_rows([Column("Integration"), Column("Calls", COUNT, rule="hourly")],
                            [["Datto RMM", 10_001], ["IT Glue", 7_500], ["Acme", 3]])
    report = replace(summary, kind="busiest", table=table, title="Busiest integrations")
    console = Console(width=100, record=True, color_system=None)
    console.print(render(report, View(limit=2)))
    lines = [line.rstrip() for line in console.export_text().splitlines()]
    assert lines[:6] == ["Busiest integrations", "", " Integration     Calls", " ─────────────────────",
                         " Datto RMM    10,001 ▲", " IT Glue       7,500 △"]
    assert " ".join(lines[7:]).endswith("limit 10,000 calls/hour per integration · first 2 of 3 shown "
                                        "(--limit 0 or --csv for all) ▲ over the limit (10,000 calls per "
                                        "hour per integration) · △ at 75% of a limit or more")
    cells = _cells(render(report), "Calls")
    assert [c.style for c in cells] == [OVER_STYLE, APPROACHING_STYLE, ""]
    assert [c.plain for c in cells] == ["10,001 ▲", "7,500 △", "3  "]
