"""The HTML report's data: every table is what its command writes, every
cell's embedded calls are the first rows `activity --csv` writes for it,
and the page's days are the `days` report, on DST days too."""

import csv
import io
import shlex
from datetime import timedelta

import pytest
from clirun import SAMPLES, run
from clock_change import ZONE, build_clock_change_range
from fixtures import build_known_day
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_logs import burst, call, iso_z, utc, write_csv, write_parquet
from pagedata import cell_csv, page_json, unpacked_calls


def report(*args):
    result = run("report", *args, "-o", "-")
    assert result.exit_code == 0, result.output
    return page_json(result.stdout)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def activity_csv(logs, tz: str, day: str, hour_start: str, label: str | None, *extra) -> str:
    vendor = ["--vendor", label] if label is not None else []
    result = run("activity", "--logs", str(logs), "--tz", tz, "--date", day, "--hour", hour_start, *vendor,
                 *extra, "--csv")
    assert result.exit_code == 0, result.output
    return result.stdout


def every_cell(data: dict, day: str):
    """(slot, label position or None, calls) of every cell with calls, hours included."""
    day_data = data["dates"][day]
    values, labels = day_data["summary"]["values"], day_data["labels"]
    for slot in range(len(day_data["hour_starts"])):
        if values[len(labels) + 1][slot]:
            yield slot, None, values[len(labels) + 1][slot]
        for j in range(len(labels)):
            if values[j + 1][slot]:
                yield slot, j, values[j + 1][slot]


def check_cells(data: dict, logs, tz: str, *extra) -> int:
    """Every cell's page CSV against activity --csv: equal when the cell is
    whole, the CLI's first rows when it was cut. Returns the cells cut."""
    cut = 0
    for day in data["dates"]:
        day_data = data["dates"][day]
        for slot, label, count in every_cell(data, day):
            name = day_data["labels"][label] if label is not None else None
            want = activity_csv(logs, tz, day, day_data["hour_starts"][slot], name, *extra)
            got = cell_csv(data, day, slot, label)
            if count <= data["calls_per_cell"]:
                assert got == want, (day, slot, name)
            else:
                cut += 1
                assert rows(got) == rows(want)[:data["calls_per_cell"] + 1], (day, slot, name)
    return cut


def test_every_cell_of_the_known_day_holds_what_activity_writes(tmp_path):
    logs = build_known_day(tmp_path)
    data = report("--logs", str(logs), "--tz", "UTC", "--date", "2026-11-15", "--calls-per-cell", "20000")
    assert check_cells(data, logs, "UTC") == 0
    day = data["dates"]["2026-11-15"]
    over = day["calls"]["over"][14]
    assert [day["labels"][j] for j in over] == ["Datto RMM"]  # 10,001 calls: its Threshold Exceeded is true


def test_cells_over_calls_per_cell_hold_their_first_calls_and_name_the_command_for_all(tmp_path):
    logs = build_known_day(tmp_path)
    data = report("--logs", str(logs), "--tz", "UTC", "--date", "2026-11-15", "--calls-per-cell", "3",
                  "--threshold", "500", "--max-threads", "2")
    # Cut: Datto RMM at 14 (10,001), IT Glue at 9 (7,500), TRK-1 at 3 (4), Unknown at 23 (5), and their hours.
    assert check_cells(data, logs, "UTC", "--threshold", "500", "--max-threads", "2") == 8
    day = data["dates"]["2026-11-15"]
    rmm = day["labels"].index("Datto RMM")
    command = day["calls"]["commands"]["cell"][14][rmm]
    assert command == (f"apihourly activity --logs {logs} --tz UTC --date 2026-11-15 --hour 2026-11-15T14:00:00+00:00 "
                       "--vendor 'Datto RMM' --threshold 500 --max-threads 2 --csv")
    words = shlex.split(command)
    whole = run(*words[1:])
    assert whole.exit_code == 0
    assert len(rows(whole.stdout)) == 1 + 10_001
    assert rows(cell_csv(data, "2026-11-15", 14, rmm)) == rows(whole.stdout)[:4]


def test_every_table_carries_the_csv_its_command_writes():
    data = report("--logs", str(SAMPLES), "--tz", "America/New_York", "--since", "2026-11-13", "--until", "2026-11-16")
    common = ["--logs", str(SAMPLES), "--tz", "America/New_York"]
    assert data["days"]["csv"] == run("days", *common, "--since", "2026-11-13", "--until", "2026-11-16",
                                      "--csv").stdout
    for day, day_data in data["dates"].items():
        assert day_data["summary"]["csv"] == run("summary", *common, "--date", day, "--csv").stdout
        assert day_data["totals"]["csv"] == run("totals", *common, "--date", day, "--csv").stdout
        limits = day_data["limits"]
        assert limits["minutes_csv"] == run("limits", *common, "--date", day, "--part", "minutes", "--csv").stdout
        for part, table in limits["parts"].items():
            assert table["total"] <= 1000
            assert table["csv"] == run("limits", *common, "--date", day, "--part", part, "--csv").stdout, part


def test_the_sample_report_shows_the_incident_as_the_terminal_does():
    data = report("--logs", str(SAMPLES), "--tz", "America/New_York", "--since", "2026-11-13", "--until", "2026-11-16")
    assert list(data["dates"]) == ["2026-11-13", "2026-11-14", "2026-11-15", "2026-11-16"]
    day = data["dates"]["2026-11-16"]
    summary = day["summary"]
    rmm = summary["columns"].index(next(c for c in summary["columns"] if c["name"] == "Datto RMM"))
    ten = day["hour_starts"].index("2026-11-16T10:00:00-05:00")
    assert summary["rows"][ten][rmm] == "10,450 ▲" and summary["levels"][ten][rmm] == "over"
    assert summary["rows"][ten][-1] == "10,602 ▲◆" and summary["levels"][ten][-1] == "over"
    assert summary["levels"][ten - 1][rmm] == "near"  # 7,900 of 10,000
    assert day["limits"]["meta"]["peak"] == 10_602
    assert [row[0] for row in day["limits"]["parts"]["tiers"]["rows"]] == ["50%", "75%", "100%"]
    assert data["days"]["rows"][-1] == ["2026-11-16", "22,392", "6", "1 ▲", "10,602 ◆"]


def test_the_pages_days_are_the_days_report_on_a_fall_back_day(tmp_path):
    logs = build_clock_change_range(tmp_path)
    data = report("--logs", str(logs), "--tz", ZONE, "--threshold", "10", "--since", "2026-10-31",
                  "--until", "2026-11-03", "--calls-per-cell", "5")
    days = run("days", "--logs", str(logs), "--tz", ZONE, "--threshold", "10", "--since", "2026-10-31",
               "--until", "2026-11-03", "--csv")
    assert data["days"]["csv"] == days.stdout
    fall = data["dates"]["2026-11-01"]
    assert len(fall["summary"]["rows"]) == 25
    assert fall["hours"][1:3] == ["01:00 (-04:00)", "01:00 (-05:00)"]
    # Cut: the second 01:00 (6 calls), and at 10:00 Datto RMM (12), IT Glue (12) and the hour (24).
    assert check_cells(data, logs, ZONE, "--threshold", "10") == 4


def test_a_date_without_its_own_calls_reads_as_empty_cells(tmp_path):
    # Calls in the last minutes of the day before only: they count for threads, not for the date.
    write_csv(tmp_path / "calls.csv", burst(utc(2026, 11, 14, 23, 59), 3, vendor="Acme")
              + burst(utc(2026, 11, 15, 0, 0, 1), 2, vendor="Zed"))
    data = report("--logs", str(tmp_path), "--tz", "UTC", "--date", "2026-11-15")
    calls = unpacked_calls(data["dates"]["2026-11-15"])
    assert calls["n"] == 2 and calls["slot"] == [0, 0] and calls["ms"] == [1000, 2000]


HOSTILE = ["<script>alert(1)</script>", "</script><img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
           "javascript:alert(1)", "=HYPERLINK(\"http://x\")", "tab\tand\x1b[31mescape"]


def test_log_text_travels_as_json_and_never_as_markup(tmp_path):
    write_csv(tmp_path / "calls.csv", [call(iso_z(utc(2026, 11, 15, 9) + timedelta(seconds=i)), vendor=name,
                                            entity=name, api_user=name)
                                       for i, name in enumerate(HOSTILE)])
    result = run("report", "--logs", str(tmp_path), "--tz", "UTC", "-o", "-")
    html = result.stdout
    for name in HOSTILE[:3]:
        assert name not in html
    assert "<script" not in html.split('id="data">')[1].split("</script>")[0]
    data = page_json(html)
    day = data["dates"]["2026-11-15"]
    assert set(day["labels"]) >= set(HOSTILE[:5])
    calls = unpacked_calls(day)
    assert calls["texts"][calls["entity"][0]] == HOSTILE[0]
    escaped = calls["entity"][HOSTILE.index("tab\tand\x1b[31mescape")]
    assert calls["texts"][escaped] == "tab\\x09and\\x1b[31mescape"  # shown with its controls visible
    hyperlink = calls["entity"][HOSTILE.index("=HYPERLINK(\"http://x\")")]
    assert calls["csv"][str(hyperlink)] == "'=HYPERLINK(\"http://x\")"  # neutralised in CSV only


def test_the_page_allows_no_request_and_only_its_own_script_and_style(tmp_path):
    import base64
    import hashlib
    import re

    html = run("report", "--logs", str(SAMPLES), "--tz", "America/New_York", "-o", "-").stdout
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*)</script>", html, re.S).group(1)
    style = re.search(r"<style>(.*)</style>", html, re.S).group(1)

    def digest(text):
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert policy == (f"default-src 'none'; script-src '{digest(script)}'; style-src '{digest(style)}'; "
                      "base-uri 'none'; form-action 'none'")
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


CATEGORIES = [dict(vendor="Acme"), dict(vendor="Zed"), dict(integration="Billing", tracking_id="T-9"),
              dict(tracking_id="T-1"), dict(), dict(vendor="=cmd"), dict(vendor="a,b \"q\"")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=st.lists(st.tuples(st.integers(0, 2 * 86_400 - 1), st.sampled_from(range(len(CATEGORIES))),
                                st.sampled_from([0, 5, 900, 4_000]), st.sampled_from(["Tickets", "Companies"])),
                      min_size=1, max_size=60),
       tz=st.sampled_from(["UTC", "America/New_York", "Asia/Kathmandu"]), per_cell=st.integers(1, 6))
def test_for_any_logs_each_cell_holds_the_first_calls_activity_writes(tmp_path_factory, calls, tz, per_cell):
    logs = tmp_path_factory.mktemp("logs")
    origin = utc(2026, 10, 31, 12)
    write_csv(logs / "calls.csv", [call(iso_z(origin + timedelta(seconds=s)), execution_ms=ms, entity=entity,
                                        **CATEGORIES[c]) for s, c, ms, entity in calls])
    period = ["--since", "2026-10-30", "--until", "2026-11-03"]
    data = report("--logs", str(logs), "--tz", tz, *period, "--calls-per-cell", str(per_cell), "--threshold", "2",
                  "--max-threads", "1")
    check_cells(data, logs, tz, "--threshold", "2", "--max-threads", "1")
    # The dates' peaks come from each date's limit check, not from days' own count: the same.
    assert data["days"]["csv"] == run("days", "--logs", str(logs), "--tz", tz, *period, "--threshold", "2",
                                      "--csv").stdout


@pytest.mark.parametrize("args, message", [
    (["--date", "2026-11-16", "--since", "2026-11-13"], "give --date, or --since and --until, not both"),
    (["-o", "page.csv"], "report writes HTML"),
    (["--calls-per-cell", "-1"], "greater than or equal to 0"),
])
def test_bad_report_options_are_usage_errors(args, message):
    result = run("report", "--logs", str(SAMPLES), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_a_period_without_calls_is_one_error_line(tmp_path):
    result = run("report", "--logs", str(SAMPLES), "--since", "2020-01-01", "--until", "2020-01-02",
                 "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["error: no calls from 2020-01-01 to 2020-01-02",
                                          "hint: apihourly days lists the dates with calls"]
    assert not (tmp_path / "r.html").exists()


def test_without_dates_the_latest_date_is_written_under_its_own_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("report", "--logs", str(SAMPLES), "--tz", "America/New_York")
    page = tmp_path / "apihourly-report-2026-11-16.html"
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith(f"wrote: a report of 1 date ({page.stat().st_size:,} bytes) to {page.name}\n")
    assert list(page_json(page.read_text(encoding="utf-8"))["dates"]) == ["2026-11-16"]


def test_a_period_is_written_under_both_its_dates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("report", "--logs", str(SAMPLES), "--tz", "UTC", "--since", "2026-11-15", "--until", "2026-11-16")
    assert result.exit_code == 0
    assert (tmp_path / "apihourly-report-2026-11-15-to-2026-11-16.html").is_file()


def test_the_report_never_writes_over_a_log_it_reads(tmp_path):
    log = write_parquet(tmp_path / "calls.parquet", burst(utc(2026, 11, 15, 9), 3, vendor="Acme"))
    before = log.read_bytes()
    result = run("report", "--logs", str(log), "--tz", "UTC", "-o", str(log))
    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    assert log.read_bytes() == before


def test_strict_refuses_logs_with_rows_it_skipped(tmp_path):
    write_csv(tmp_path / "calls.csv", burst(utc(2026, 11, 15, 9), 3, vendor="Acme") + [call("not a time")])
    result = run("report", "--logs", str(tmp_path), "--tz", "UTC", "--strict", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 1 and "1 row skipped" in result.stderr
    assert not (tmp_path / "r.html").exists()
    lenient = run("report", "--logs", str(tmp_path), "--tz", "UTC", "-o", str(tmp_path / "r.html"))
    assert lenient.exit_code == 0 and "warning: " in lenient.stderr
    assert "1 rows skipped" not in lenient.stderr
