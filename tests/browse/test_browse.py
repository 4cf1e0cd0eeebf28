"""`apihourly browse` driven headless with Textual's pilot."""

import asyncio
import csv
import io
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import clirun
from clirun import ROOT, SNAPSHOTS
from make_logs import burst, call, utc, write_csv

from apihourly import reports
from apihourly.browse.activity import ActivityScreen
from apihourly.browse.app import BrowseApp
from apihourly.browse.base import CHUNK
from apihourly.browse.dates import DatesScreen
from apihourly.browse.dialogs import ConfirmScreen, KeysScreen
from apihourly.browse.session import Session
from apihourly.browse.summary import SummaryScreen
from apihourly.browse.table import ReportTable
from apihourly.browse.totals import TotalsScreen
from apihourly.output import export
from apihourly.output.cells import APPROACHING_STYLE, OVER_STYLE
from apihourly.read.scan import LogSet

SNAPSHOT = SNAPSHOTS / "browse-summary-100x30.svg"
UTC = ZoneInfo("UTC")
DAY = date(2026, 11, 15)


@pytest.fixture(scope="module")
def known(known_logs):
    return str(known_logs)


def drive(logs, scenario, day=DAY, size=(100, 30), time_format="24h", tz=UTC, threshold=10_000):
    """Run `scenario(app, pilot)` against a headless app on `logs`; the
    app's notifications are kept in `app.said`."""
    app = BrowseApp(Session([str(logs)], tz, threshold, time_format), day)
    app.said, notify = [], app.notify

    def said(message, **options):
        assert options["markup"] is False, message  # notifications may quote log data
        app.said.append(message)
        notify(message, **options)

    app.notify = said

    async def main():
        async with app.run_test(size=size) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())
    return app


async def settled(pilot, screen_type):
    """The current screen once it is of `screen_type` and its report is shown."""
    for _ in range(1_000):
        screen = pilot.app.screen
        if isinstance(screen, screen_type) and screen.ready:
            await pilot.pause()
            return screen
        await pilot.pause(0.01)
    raise AssertionError(f"{screen_type.__name__} did not load; on {pilot.app.screen!r}")


def table_of(screen) -> ReportTable:
    return screen.query_one(ReportTable)


def cursor_cell(screen):
    table = table_of(screen)
    return table.get_cell_at(table.cursor_coordinate)


def status(screen) -> str:
    return str(screen.query_one("#status").render())


async def click_cell(pilot, table, row, column):
    """Click the middle of a cell (in view, no fixed columns); row -1 is the header."""
    widths = [c.get_render_width(table) for c in table.ordered_columns]
    x = sum(widths[:column]) + widths[column] // 2 - int(table.scroll_x)
    await pilot.click(table, offset=(x, row + 1 - int(table.scroll_y)))
    await pilot.pause()


async def move_to(pilot, table, row, column):
    await pilot.press(*["down"] * (row - table.cursor_row), *["right"] * (column - table.cursor_column))


def test_over_limit_cell_opens_exactly_its_calls_sorts_and_goes_back(known):
    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        grid = table_of(summary)
        await move_to(pilot, grid, 14, 2)
        cell = cursor_cell(summary)
        assert (cell.plain, str(cell.style)) == ("10,001 ▲", OVER_STYLE)
        await pilot.press("enter")
        calls = await settled(pilot, ActivityScreen)
        frame = calls.report.to_pandas()
        assert len(frame) == 10_001
        assert frame["Integration Name"].unique().tolist() == ["Datto RMM"]
        assert frame["Threshold Exceeded"].all()
        assert frame["Execution Start"].iloc[-1] == "2026-11-15T14:50:00.000+00:00"
        table = table_of(calls)
        assert table.row_count == CHUNK == 500  # the rest loads as you scroll
        mark = table.get_cell_at(table.cursor_coordinate._replace(column=7))
        assert (mark.plain, str(mark.style)) == ("✓", OVER_STYLE)
        assert status(calls).startswith("10,001 calls, 10,001 over the limit (500 loaded, more as you scroll)")

        await pilot.press(*["right"] * 5, "s", "s")  # Execution Start, descending
        assert calls.sort_key == ("Execution Start", True)
        first = [cell.plain for cell in table.get_row_at(0)]
        assert first[5] == "14:50:00.000" and first[3] == "Datto RMM"
        assert "sorted by Execution Start, descending" in status(calls)

        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.row_count == 1_000

        await pilot.press("escape")
        back = await settled(pilot, SummaryScreen)
        assert back is summary and (grid.cursor_row, grid.cursor_column) == (14, 2)

    drive(known, scenario)


def test_hour_cell_opens_every_call_of_that_hour_with_marks_per_integration(known):
    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        await move_to(pilot, table_of(summary), 14, 0)
        await pilot.press("enter")
        calls = await settled(pilot, ActivityScreen)
        frame = calls.report.to_pandas()
        assert frame.groupby("Integration Name")["Threshold Exceeded"].agg(["size", "sum"]).to_dict("index") == {
            "Acme": {"size": 3, "sum": 0}, "Acme (custom)": {"size": 2, "sum": 0},
            "Datto RMM": {"size": 10_001, "sum": 10_001}}
        assert status(calls).startswith("10,006 calls, 10,001 over the limit")
        assert calls.export_name() == "apihourly-2026-11-15-activity-1400-all.csv"

    drive(known, scenario)


def test_a_zero_count_or_the_total_row_does_not_open_a_view(known):
    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        await move_to(pilot, table_of(summary), 5, 1)
        await pilot.press("enter")
        await pilot.press("down", "down")
        assert app.screen is summary
        await move_to(pilot, table_of(summary), 24, 1)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is summary
        assert app.said == ["No calls at 5 AM for Acme.", "The Total row adds up the day; press t for the totals view."]
        assert table_of(summary).get_row_at(14)[0].plain == "2 PM"

    drive(known, scenario, time_format="12h")


def test_dates_list_opens_the_latest_date_and_escape_returns_to_it(known):
    async def scenario(app, pilot):
        dates = await settled(pilot, DatesScreen)
        assert dates.report.to_pandas()["Date"].tolist() == ["2026-11-14", "2026-11-15"]
        assert table_of(dates).cursor_row == 1 and dates.sub_title == "2026-11-15"
        await pilot.press("up")
        assert dates.sub_title == "2026-11-14"
        await pilot.press("enter")
        summary = await settled(pilot, SummaryScreen)
        assert summary.day == date(2026, 11, 14) and int(summary.report.to_pandas()["Total calls"].sum()) == 6
        await pilot.press("escape")
        assert await settled(pilot, DatesScreen) is dates and table_of(dates).cursor_row == 0
        await pilot.press("escape")  # nothing below the dates list
        assert app.screen is dates
        await pilot.press("question_mark")
        assert isinstance(app.screen, KeysScreen)
        await pilot.press("escape")
        assert app.screen is dates

    drive(known, scenario, day=None)


def test_totals_export_parses_back_as_the_cli_csv_and_asks_before_overwriting(known, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "apihourly-2026-11-15-totals.csv"
    expected = io.StringIO()
    export.write_csv(reports.totals(reports.Query(LogSet.open([known]), UTC), DAY).table, expected)

    async def scenario(app, pilot):
        await settled(pilot, SummaryScreen)
        await pilot.press("t")
        totals = await settled(pilot, TotalsScreen)
        assert totals.report.to_pandas()["Integration"].tolist()[:2] == ["Datto RMM", "IT Glue"]
        await pilot.press("e")
        assert target.read_text(encoding="utf-8") == expected.getvalue()
        target.write_text("old", encoding="utf-8")
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert target.read_text(encoding="utf-8") == "old"
        await pilot.press("e", "y")
        await pilot.pause()
        assert app.screen is totals

    drive(known, scenario)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == {"Integration": "Datto RMM", "Kind": "vendor", "Calls": "10001",
                       "Peak hour": "2026-11-15T14:00:00+00:00", "Peak hour calls": "10001", "Hours over limit": "1"}
    assert rows[-1]["Integration"] == "Grand total" and rows[-1]["Calls"] == "17516"


def test_clicks_open_and_sort_and_log_text_is_never_markup(logdir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    users = {"=HYPERLINK(\"x\")": 5, "Bob": 900, "+carol": 40, "alice": 60}
    write_csv(logdir / "a.csv", [
        call(f"2026-11-15T14:00:0{i}Z", vendor="[red]Evil[/red]", api_user=user, execution_ms=ms)
        for i, (user, ms) in enumerate(users.items())])

    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        grid = table_of(summary)
        assert grid.ordered_columns[1].label.plain == "[red]Evil[/red]"
        await click_cell(pilot, grid, 5, 1)
        assert app.screen is summary and app.said == ["No calls at 05:00 for [red]Evil[/red]."]
        await click_cell(pilot, grid, 14, 1)  # one click opens, as on the Autotask page
        calls = await settled(pilot, ActivityScreen)
        table = table_of(calls)
        assert [table.get_row_at(i)[3].plain for i in range(4)] == ["[red]Evil[/red]"] * 4
        await pilot.press(*["right"] * 4, "s")  # Resource / API User, ignoring case
        assert [table.get_row_at(i)[4].plain for i in range(4)] == ["+carol", "=HYPERLINK(\"x\")", "alice", "Bob"]
        await pilot.press(*["left"] * 4)
        await pilot.press(*["right"] * 6)  # brings the column into view
        await click_cell(pilot, table, -1, 6)
        await click_cell(pilot, table, -1, 6)  # Execution Time (ms), descending
        assert calls.sort_key == ("Execution Time (ms)", True)
        assert [table.get_row_at(i)[6].plain for i in range(4)] == ["900", "60", "40", "5"]
        await pilot.press("e")

    drive(logdir, scenario)
    rows = list(csv.DictReader(open(tmp_path / "apihourly-2026-11-15-activity-1400-red-evil-red.csv")))
    assert [(r["Resource / API User"], r["Execution Time (ms)"]) for r in rows] == [
        ("Bob", "900"), ("alice", "60"), ("'+carol", "40"), ("'=HYPERLINK(\"x\")", "5")]


def test_refresh_reads_a_new_file_and_keeps_the_cursor(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 14), 7, vendor="Datto RMM"))

    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        grid = table_of(summary)
        await move_to(pilot, grid, 14, 1)
        assert cursor_cell(summary).plain == "7"
        write_csv(logdir / "b.csv", burst(utc(2026, 11, 15, 14, 30), 5, vendor="Datto RMM")
                  + burst(utc(2026, 11, 15, 14), 2, vendor="Acme"))
        await pilot.press("r")
        await settled(pilot, SummaryScreen)
        assert [c.key.value for c in grid.ordered_columns] == ["Hour", "Acme", "Datto RMM", "Total calls"]
        assert (grid.cursor_row, grid.cursor_column) == (14, 2) and cursor_cell(summary).plain == "12"
        assert summary.report.to_pandas().at[14, "Total calls"] == 14
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert (grid.cursor_row, grid.cursor_column) == (14, 2) and grid.row_count == 25

    drive(logdir, scenario)


def test_refresh_of_the_dates_keeps_the_cursor_on_the_same_date(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 14), 2, vendor="V")
              + burst(utc(2026, 11, 16, 9), 1, vendor="V"))

    async def scenario(app, pilot):
        dates = await settled(pilot, DatesScreen)
        await pilot.press("up")
        assert dates.current_date() == "2026-11-15"
        write_csv(logdir / "b.csv", burst(utc(2026, 11, 10, 8), 3, vendor="V"))
        await pilot.press("r")
        await pilot.pause(0.05)
        await settled(pilot, DatesScreen)
        assert dates.report.to_pandas()["Date"].tolist() == ["2026-11-10", "2026-11-15", "2026-11-16"]
        assert table_of(dates).cursor_row == 1 and dates.current_date() == "2026-11-15"

    drive(logdir, scenario, day=None)


def test_refresh_in_the_calls_view_reloads_the_grid_below_it(logdir):
    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 14), 3, vendor="V"))

    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        await move_to(pilot, table_of(summary), 14, 1)
        await pilot.press("enter")
        calls = await settled(pilot, ActivityScreen)
        write_csv(logdir / "b.csv", burst(utc(2026, 11, 15, 14, 5), 4, vendor="V"))
        await pilot.press("r")
        await pilot.pause(0.05)
        calls = await settled(pilot, ActivityScreen)
        assert len(calls.report.to_pandas()) == 7
        await pilot.press("escape")
        await pilot.pause(0.05)
        summary = await settled(pilot, SummaryScreen)
        assert cursor_cell(summary).plain == "7"

    drive(logdir, scenario)


def test_second_one_oclock_of_a_fall_back_day_opens_its_own_calls(logdir):
    write_csv(logdir / "dst.csv", burst(utc(2026, 11, 1, 5, 30), 4, vendor="V")    # 01:30 EDT
              + burst(utc(2026, 11, 1, 6, 30), 5, vendor="V"))                    # 01:30 EST

    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        grid = table_of(summary)
        assert grid.row_count == 26  # 25 hours and the sum row
        assert [grid.get_row_at(i)[0].plain for i in (1, 2)] == ["01:00 (-04:00)", "01:00 (-05:00)"]
        assert [(c.plain, str(c.style)) for c in (grid.get_row_at(1)[1], grid.get_row_at(2)[1])] == [
            ("4 △", APPROACHING_STYLE), ("5 ▲", OVER_STYLE)]
        await move_to(pilot, grid, 2, 1)
        await pilot.press("enter")
        calls = await settled(pilot, ActivityScreen)
        assert calls.report.to_pandas()["Execution Start"].tolist() == [
            f"2026-11-01T01:30:0{i}.000-05:00" for i in range(5)]
        assert calls.report.to_pandas()["Threshold Exceeded"].all()
        assert calls.export_name() == "apihourly-2026-11-01-activity-0100m0500-v.csv"

    drive(logdir, scenario, day=date(2026, 11, 1), tz=ZoneInfo("America/New_York"), threshold=4)


def test_missing_logs_and_skipped_rows_are_shown_in_the_app(tmp_path, logdir):
    async def no_logs(app, pilot):
        dates = app.screen_stack[1]
        for _ in range(200):
            if "error" in status(dates):
                break
            await pilot.pause(0.01)
        assert status(dates).splitlines() == [
            f"error: {tmp_path / 'nowhere'}: no such file or folder",
            "hint: point --logs (or APIHOURLY_LOGS) at a file, folder or glob of .csv, .csv.gz, .parquet, .jsonl "
            "or .jsonl.gz logs"]
        assert app.is_running

    drive(tmp_path / "nowhere", no_logs)

    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.parquet").write_bytes(b"not parquet")

    async def unreadable(app, pilot):
        dates = app.screen_stack[1]
        for _ in range(200):
            if "error" in status(dates):
                break
            await pilot.pause(0.01)
        assert status(dates).startswith(f"error: {tmp_path / 'broken' / 'x.parquet'}: not a Parquet file")

    drive(tmp_path / "broken", unreadable, day=None)

    write_csv(logdir / "a.csv", [call("2026-11-15T14:00:00Z", vendor="V"), call("yesterday", vendor="V")])

    async def skipped(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        notes = str(summary.query_one("#notes").render())
        assert notes == f"warning: {logdir / 'a.csv'}: 1 row skipped (1 unparseable execution_start at line 3)"

    drive(logdir, skipped)


def test_q_quits(known):
    async def scenario(app, pilot):
        await settled(pilot, SummaryScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    drive(known, scenario)


def normalised_svg(svg: str) -> str:
    # Rich names the SVG's CSS classes after a hash of the content; the hash
    # is stable, but normalising keeps the comparison about what is drawn.
    return re.sub(r"terminal-\d+", "terminal", svg)


def test_summary_screen_matches_the_snapshot(tmp_path):
    shots = []

    async def scenario(app, pilot):
        summary = await settled(pilot, SummaryScreen)
        await app.workers.wait_for_complete()  # the dates list below loads too
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert app.focused is table_of(summary)
        shots.append(app.export_screenshot(title="apihourly browse --tz UTC --date 2026-11-16"))

    drive(ROOT / "sample_logs", scenario, day=date(2026, 11, 16))
    if clirun.REGOLD:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(shots[0], encoding="utf-8")
    actual = tmp_path / SNAPSHOT.name
    actual.write_text(shots[0], encoding="utf-8")
    assert normalised_svg(shots[0]) == normalised_svg(SNAPSHOT.read_text(encoding="utf-8")), f"see {actual}"


def test_browse_reads_the_tenant_it_is_given(logdir):
    with (logdir / "fleet.csv").open("w", encoding="utf-8") as handle:
        handle.write("execution_start,vendor,tenant\n")
        handle.writelines(f"2026-11-15T10:{m:02d}:00Z,Acme,{'north' if m < 40 else 'south'}\n" for m in range(50))
    app = BrowseApp(Session([str(logdir)], UTC, 10_000, tenant="south"), None)

    async def main():
        async with app.run_test(size=(100, 30)) as pilot:
            dates = await settled(pilot, DatesScreen)
            assert dates.report.to_pandas()["Calls"].tolist() == [10]
            assert "tenant south" in status(dates)

    asyncio.run(main())
