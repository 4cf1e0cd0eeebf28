"""`apihourly report` opened in a real Chromium: picking dates and cells,
sorting, filtering, exporting, the chart, hostile log text and requests."""

import csv
import io
from datetime import timedelta

import pytest
from clirun import SAMPLES, run
from clock_change import ZONE, build_clock_change_range
from make_logs import call, iso_z, utc, write_csv

SAMPLE = ["--logs", str(SAMPLES), "--tz", "America/New_York"]
HOSTILE = ["<script>alert(1)</script>", "</script><img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
           "javascript:alert(1)"]


def written(folder, name: str, *args) -> str:
    path = folder / name
    result = run("report", *args, "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The reports the tests open, written once."""
    folder = tmp_path_factory.mktemp("reports")
    hostile = tmp_path_factory.mktemp("hostile")
    write_csv(hostile / "calls.csv", [call(iso_z(utc(2026, 11, 15, 9) + timedelta(minutes=i)), vendor=name,
                                           entity=name, api_user=name) for i, name in enumerate(HOSTILE * 3)])
    clocks = build_clock_change_range(tmp_path_factory.mktemp("clocks"))
    return {
        "sample": written(folder, "sample.html", *SAMPLE, "--since", "2026-11-13", "--until", "2026-11-16"),
        "whole": written(folder, "whole.html", *SAMPLE, "--date", "2026-11-16", "--calls-per-cell", "11000"),
        "hostile": written(folder, "hostile.html", "--logs", str(hostile), "--tz", "UTC"),
        "fall": written(folder, "fall.html", "--logs", str(clocks), "--tz", ZONE, "--date", "2026-11-01",
                        "--threshold", "10"),
        "fall 12h": written(folder, "fall12.html", "--logs", str(clocks), "--tz", ZONE, "--date", "2026-11-01",
                            "--threshold", "10", "--time-format", "12h"),
    }


def ready(view):
    view.page.wait_for_selector("body[data-ready=true]")
    return view.page


def open_cell(page, selector: str):
    page.click(selector)
    page.wait_for_selector("#activity table")


def cli_csv(*args) -> str:
    result = run(*args, "--csv")
    assert result.exit_code == 0, result.output
    return result.stdout


def shown_rows(page) -> list[list[str]]:
    """The calls on screen, once all are drawn (the first hundred come first)."""
    page.wait_for_selector("#activity table[data-complete=true]")
    return page.eval_on_selector_all("#activity tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def test_picking_a_date_shows_its_summary_totals_and_limits(open_page, pages):
    with open_page(pages["sample"]) as view:
        page = ready(view)
        assert page.text_content("#day-title") == "2026-11-16"  # the latest date first
        page.click('button.date[data-day="2026-11-14"]')
        assert page.text_content("#day-title") == "2026-11-14"
        assert page.eval_on_selector("#days tr.chosen button", "b => b.textContent") == "2026-11-14"
        assert page.locator("#summary tbody tr").count() == 24
        assert page.text_content("#summary tfoot tr td:last-child") == "12,406"
        assert page.text_content("#totals tfoot tr td:first-child") == "Grand total"
        assert page.evaluate("location.hash") == "#2026-11-14"
        assert view.console_errors == [] and view.page_errors == []


def test_the_over_limit_cell_shows_the_first_calls_activity_writes(open_page, pages):
    want = list(csv.DictReader(io.StringIO(cli_csv("activity", *SAMPLE, "--date", "2026-11-16", "--hour", "10",
                                                    "--vendor", "Datto RMM"))))
    with open_page(pages["sample"]) as view:
        page = ready(view)
        cell = "#summary td.level-over"
        assert page.text_content(cell) == "10,450 ▲"
        open_cell(page, cell)
        assert page.text_content("#activity-title") == "Activity: Datto RMM, 10:00"
        assert page.text_content("#activity-count") == "10,450 calls; the first 2,000 are in this report."
        assert page.text_content("#activity-command") == (
            f"apihourly activity --logs {SAMPLES} --tz America/New_York --date 2026-11-16 "
            "--hour 2026-11-16T10:00:00-05:00 --vendor 'Datto RMM' --csv")
        rows = shown_rows(page)
        assert len(want) == 10_450 and len(rows) == 2_000
        for got, row in zip(rows[:50], want[:50]):
            assert got == [row["Method"], row["Entity"], f"{int(row['Request Return Count']):,}",
                           row["Integration Name"], row["Resource / API User"], row["Execution Start"][11:23],
                           f"{int(row['Execution Time (ms)']):,}", "✓", row["Client IP Address"],
                           row["Limit Reason"]]
        assert {r[9] for r in rows} == {"hourly", "hourly+threads"}


def test_export_csv_writes_what_each_command_writes_byte_for_byte(open_page, pages):
    common = [*SAMPLE, "--date", "2026-11-16"]
    with open_page(pages["whole"]) as view:
        page = ready(view)
        assert view.download('button[data-export="summary"]') == cli_csv("summary", *common).encode()
        assert view.download('button[data-export="totals"]') == cli_csv("totals", *common).encode()
        assert view.download('#limits button[data-export="threads"]') == cli_csv(
            "limits", *common, "--part", "threads").encode()
        open_cell(page, "#summary td.level-over")
        assert page.is_hidden("#activity-more")
        cell = cli_csv("activity", *common, "--hour", "10", "--vendor", "Datto RMM")
        assert view.download('button[data-export="activity"]') == cell.encode()
        page.click("#summary tbody tr:nth-child(11) td:first-child")  # the hour 10:00, every integration
        page.wait_for_function("document.querySelector('#activity-title').textContent.includes('every')")
        assert view.download('button[data-export="activity"]') == cli_csv("activity", *common, "--hour", "10").encode()
        assert view.downloads[-1] == "activity-2026-11-16-1000-all.csv"
        assert view.requests_other_than(view.url) == []


def test_calls_sort_by_a_header_and_filter_as_you_type(open_page, pages):
    with open_page(pages["sample"]) as view:
        page = ready(view)
        page.click('button.date[data-day="2026-11-15"]')
        open_cell(page, "#summary tbody tr:nth-child(13) td:nth-child(2)")  # BrightGauge at 12:00
        before = shown_rows(page)
        durations = [int(r[6].replace(",", "")) for r in before]
        page.click("#activity th button:text-is('Execution Time (ms)')")
        ascending = shown_rows(page)
        assert [int(r[6].replace(",", "")) for r in ascending] == sorted(durations)
        page.click("#activity th button:text-is('Execution Time (ms)')")
        assert [int(r[6].replace(",", "")) for r in shown_rows(page)] == sorted(durations, reverse=True)
        assert page.get_attribute("#activity th:nth-child(7)", "aria-sort") == "descending"
        page.fill("#activity-filter", "timeentries")
        kept = shown_rows(page)
        assert kept and len(kept) == sum(r[1] == "TimeEntries" for r in before)
        assert all(r[1] == "TimeEntries" for r in kept)


def test_the_chart_draws_the_rolling_count_with_the_three_lines(open_page, pages):
    with open_page(pages["sample"]) as view:
        page = ready(view)
        lines = page.eval_on_selector_all("svg.rolling line.limit", "ls => ls.map(l => [l.dataset.share, +l.getAttribute('y1')])")
        assert [share for share, _ in lines] == ["50%", "75%", "100%"]
        assert lines[0][1] > lines[1][1] > lines[2][1]  # higher counts higher up
        peak_y = float(page.get_attribute("svg.rolling circle.peak", "cy"))
        assert peak_y < lines[2][1]  # 10,602 is over the 10,000 line
        assert page.locator("svg.rolling polyline.series").count() == 1
        assert "10,602 calls" in page.text_content("#limits-summary")


def test_hostile_names_are_shown_as_text_and_run_nothing(open_page, pages):
    with open_page(pages["hostile"]) as view:
        page = ready(view)
        headers = page.eval_on_selector_all("#summary thead th", "hs => hs.map(h => h.textContent)")
        assert set(HOSTILE) <= set(headers)
        page.click("#summary tbody tr:nth-child(10) td:first-child")  # 09:00, every integration
        page.wait_for_selector("#activity table")
        assert {r[1] for r in shown_rows(page)} == set(HOSTILE)
        assert page.locator("img, iframe, object, embed").count() == 0
        assert page.locator("svg").count() == 1  # the chart's only
        assert view.dialogs == [] and view.console_errors == [] and view.page_errors == []
        assert view.csp_violations == []
        assert view.requests_other_than(view.url) == []


def test_the_page_makes_no_request_while_used(open_page, pages):
    with open_page(pages["sample"]) as view:
        page = ready(view)
        for day in ("2026-11-13", "2026-11-14", "2026-11-16"):
            page.click(f'button.date[data-day="{day}"]')
        open_cell(page, "#summary td.level-over")
        view.download('button[data-export="activity"]')
        view.download('button[data-export="days"]')
        assert view.requests_other_than(view.url) == [] and view.csp_violations == []
        assert view.requests == [view.url]


def test_a_fall_back_day_shows_25_hours_with_two_one_oclocks(open_page, pages):
    with open_page(pages["fall"]) as view:
        page = ready(view)
        hours = page.eval_on_selector_all("#summary tbody tr td:first-child", "cs => cs.map(c => c.textContent)")
        assert len(hours) == 25
        assert hours[1:3] == ["01:00 (-04:00)", "01:00 (-05:00)"]
        open_cell(page, "#summary tbody tr:nth-child(3) td:first-child")
        assert page.text_content("#activity-title") == "Activity: every integration, 01:00 (-05:00)"
        assert [r[5] for r in shown_rows(page)][:2] == ["01:10:00.000", "01:10:01.000"]


def test_12_hour_clocks_read_as_in_the_terminal(open_page, pages):
    with open_page(pages["fall 12h"]) as view:
        page = ready(view)
        hours = page.eval_on_selector_all("#summary tbody tr td:first-child", "cs => cs.map(c => c.textContent)")
        assert hours[:3] == ["12 AM", "1 AM (-04:00)", "1 AM (-05:00)"] and hours[15] == "2 PM"
        open_cell(page, "#summary tbody tr:nth-child(12) td:first-child")  # 10:00 EST
        assert [r[5] for r in shown_rows(page)][:1] == ["10:00:00.000 AM"]
        assert page.text_content("#limits-summary").startswith("Peak rolling 60 minutes: 24 calls, ending 10:30:11.000 AM")


def test_printing_gives_the_chosen_date_without_controls(open_page, pages, tmp_path):
    with open_page(pages["sample"]) as view:
        page = ready(view)
        page.click('button.date[data-day="2026-11-14"]')
        page.emulate_media(media="print")
        assert page.is_hidden('button[data-export="summary"]') and page.is_hidden("#activity-filter")
        shown_dates = page.eval_on_selector_all("#days tbody tr", "rs => rs.filter(r => r.offsetParent).map(r => r.cells[0].textContent)")
        assert shown_dates == ["2026-11-14"]
        assert page.is_visible("#summary table") and page.is_visible("#totals table") and page.is_visible("svg.rolling")
        assert page.eval_on_selector("#summary", "e => getComputedStyle(e).overflow") == "visible"  # no cut rows
        pdf = page.pdf(path=str(tmp_path / "report.pdf"))
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
