"""JSON Lines logs: nested keys found by their dotted names, gzipped files read
alike, lines that are not JSON objects skipped, counted and named by their
true line, and values whose type changes between blocks read all the same."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from clirun import parsed_csv, run

from apihourly.read import formats, jsonl

DAY = "2026-11-16"
HOURS = [f"{DAY}T{h:02d}:00:00+00:00" for h in range(24)]


def nested(ts: str | None, vendor: str | None = None, code: str | None = None, duration=153) -> dict:
    """A call as middleware logs it; keys given as None are left out."""
    autotask = {"entity": "Tickets", "apiIntegrationCode": code, "vendor": vendor}
    line = {"ts": ts, "http": {"method": "query"},
            "autotask": {k: v for k, v in autotask.items() if v is not None}, "duration_ms": duration}
    return {k: v for k, v in line.items() if v is not None}


def write_jsonl(path: Path, lines: list, end: str = "\n") -> Path:
    """Objects as JSON, strings as written; gzipped for a .gz name."""
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + end
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


CALLS = [
    nested(f"{DAY}T15:04:12.345Z", "Datto RMM", "TRK-1"),
    nested(f"{DAY}T15:10:00Z", "Datto RMM"),
    nested(f"{DAY}T15:59:59.999Z", code="TRK-1"),
    nested(f"{DAY}T16:00:00Z", code="TRK-1"),
    {"ts": f"{DAY}T16:30:00+00:00", "http": {"method": "query"}},  # no autotask at all: Unknown
    nested(f"{DAY}T19:15:00+02:00", "IT Glue"),  # 17:15 UTC
]
# Hour -> {column: calls}; every other cell is 0.
EXPECTED = {15: {"Datto RMM": 2, "TRK-1": 1}, 16: {"TRK-1": 1, "Unknown": 1}, 17: {"IT Glue": 1}}
COLUMNS = ["Hour", "Datto RMM", "IT Glue", "TRK-1", "Unknown", "Total calls"]


def expected_rows(calls: dict[int, dict[str, int]]) -> list[dict[str, str]]:
    rows = []
    for hour, stamp in enumerate(HOURS):
        cells = {c: calls.get(hour, {}).get(c, 0) for c in COLUMNS[1:-1]}
        rows.append({"Hour": stamp, **{c: str(v) for c, v in cells.items()}, "Total calls": str(sum(cells.values()))})
    return rows


def summary_csv(logdir: Path) -> list[dict]:
    result = run("summary", "--logs", str(logdir), "--date", DAY, "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return parsed_csv(result.stdout)


def test_summary_counts_nested_calls_per_hour_and_integration(logdir):
    write_jsonl(logdir / "calls.jsonl", CALLS)
    rows = summary_csv(logdir)
    assert list(rows[0]) == COLUMNS
    assert rows == expected_rows(EXPECTED)


def test_ndjson_files_are_read_alongside_jsonl(logdir):
    write_jsonl(logdir / "calls.jsonl", CALLS)
    more = [nested(f"{DAY}T15:20:00Z", "Datto RMM"), nested(f"{DAY}T17:01:00Z", "IT Glue")]
    write_jsonl(logdir / "more.ndjson", more)
    assert summary_csv(logdir) == expected_rows({**EXPECTED, 15: {"Datto RMM": 3, "TRK-1": 1}, 17: {"IT Glue": 2}})


def test_the_summary_report_reads_jsonl_from_python(logdir):
    from apihourly.reports import Query, summary

    write_jsonl(logdir / "calls.jsonl", CALLS)
    report = summary(Query.open([str(logdir)], ZoneInfo("UTC")), date(2026, 11, 16))
    assert report.categories == COLUMNS[1:-1]
    by_hour = {int(r["Hour"][11:13]): r for r in report.table.records()}
    assert {h: {c: r[c] for c in COLUMNS[1:-1] if r[c]} for h, r in by_hour.items() if r["Total calls"]} == EXPECTED
    assert (report.stats.read, report.stats.rows, report.stats.skipped_rows) == (6, 6, 0)


def test_gzipped_files_read_like_plain_ones(logdir, tmp_path):
    write_jsonl(logdir / "calls.jsonl.gz", CALLS[:3])
    write_jsonl(logdir / "more.ndjson.gz", CALLS[3:])
    assert summary_csv(logdir) == expected_rows(EXPECTED)


BAD_LINES = [
    nested(f"{DAY}T15:01:00Z", "Datto RMM"),                               # 1: good
    '{"ts": "2026-11-16T15:02:00Z", "autotask": {"vendor": "Datto RMM"}',  # 2: invalid, yet '{...}'
    "[1, 2, 3]",                                                           # 3: an array
    "",                                                                    # 4: blank
    nested(f"{DAY}T15:05:00Z", code="TRK-1"),                              # 5: good
    "null",                                                                # 6: null
    '{"ts": "2026-11-16T15:07:00Z"} {"ts": "2026-11-16T15:07:30Z"}',      # 7: two objects
    nested(f"{DAY}T16:08:00Z", "Datto RMM"),                               # 8: good
    nested("yesterday", "Datto RMM"),                                      # 9: bad time
    "   ",                                                                 # 10: blank
    "42",                                                                  # 11: a number
    '{"ts": "2026-11-16T16:12:00Z", "autotask": {"vend',                   # 12: truncated, last
]
BAD_LINES_WARNING = ("7 rows skipped (6 not a JSON object at lines 2, 3, 6, ...; "
                     "1 unparseable execution_start at line 9)")


def test_lines_that_are_not_objects_are_skipped_counted_and_named(logdir):
    path = write_jsonl(logdir / "calls.jsonl", BAD_LINES, end="")
    result = run("summary", "--logs", str(logdir), "--date", DAY, width=120)
    assert result.exit_code == 0, result.stderr
    assert "10 rows read = 3 counted + 7 skipped" in " ".join(result.stdout.split())
    assert result.stderr == f"warning: {path}: {BAD_LINES_WARNING}\n"
    rows = parsed_csv(run("summary", "--logs", str(logdir), "--date", DAY, "--csv").stdout)
    counted = {r["Hour"][11:13]: (r["Datto RMM"], r["TRK-1"]) for r in rows if r["Total calls"] != "0"}
    assert counted == {"15": ("1", "1"), "16": ("1", "0")}


def test_skipped_lines_reconcile_in_the_report(logdir):
    from apihourly.reports import Query, summary

    path = write_jsonl(logdir / "calls.jsonl", BAD_LINES, end="")
    report = summary(Query.open([str(logdir)], ZoneInfo("UTC")), date(2026, 11, 16))
    stats = report.stats
    assert (stats.read, stats.rows, stats.skipped_rows) == (10, 3, 7)
    skipped = stats.skipped[str(path)]
    assert (skipped["not a JSON object"].count, skipped["not a JSON object"].where) == (6, [2, 3, 6])
    assert (skipped["unparseable execution_start"].count, skipped["unparseable execution_start"].where) == (1, [9])


@pytest.mark.parametrize("block_bytes", [1, 200, jsonl.BLOCK_BYTES])
def test_a_bad_time_late_in_the_file_is_named_by_its_true_line(logdir, monkeypatch, block_bytes):
    """Blank and refused lines before it, in this block or earlier ones, do
    not shift its number, however the file is cut into blocks."""
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", block_bytes)
    lines = []
    for n in range(1, 41):
        if n % 7 == 0:
            lines.append("")
        elif n == 12:
            lines.append("[]")
        elif n == 33:
            lines.append(nested(f"{DAY}T25:00:00Z", "Datto RMM"))
        else:
            lines.append(nested(f"{DAY}T15:{n:02d}:00Z", "Datto RMM"))
    path = write_jsonl(logdir / "calls.jsonl", lines)
    result = run("summary", "--logs", str(logdir), "--date", DAY, "--csv")
    assert result.stderr == (f"warning: {path}: 2 rows skipped (1 not a JSON object at line 12; "
                             "1 unparseable execution_start at line 33)\n")
    counted = {r["Hour"][11:13]: r["Datto RMM"] for r in parsed_csv(result.stdout) if r["Total calls"] != "0"}
    assert counted == {"15": str(40 - 5 - 2)}  # 40 lines, 5 blank, 2 skipped


def test_missing_keys_are_missing_values(logdir):
    path = write_jsonl(logdir / "calls.jsonl", [
        nested(f"{DAY}T15:00:00Z", "Datto RMM", "TRK-1"),
        nested(f"{DAY}T15:01:00Z", code="TRK-1"),                # no vendor: the tracking id names it
        {"ts": f"{DAY}T15:02:00Z"},                              # only a time: Unknown
        {"autotask": {"vendor": "Datto RMM"}},                   # no time: skipped, named
        {},                                                      # nothing at all: skipped, named
        nested(f"{DAY}T15:03:00Z", "Datto RMM", duration=None),  # no duration: still a call
    ])
    result = run("summary", "--logs", str(logdir), "--date", DAY, "--csv")
    assert result.stderr == f"warning: {path}: 2 rows skipped (2 unparseable execution_start at lines 4, 5)\n"
    row = parsed_csv(result.stdout)[15]
    assert row == {"Hour": HOURS[15], "Datto RMM": "2", "TRK-1": "1", "Unknown": "1", "Total calls": "4"}


def test_values_whose_type_changes_between_blocks_are_read_alike(logdir, monkeypatch):
    """pyarrow infers each block's types on its own; every batch of a file
    still has the same column types, and every value is read."""
    import pyarrow as pa

    from apihourly.read.canonical import Cursor
    from apihourly.read.files import open_log
    from apihourly.read.scan import LogSet
    from apihourly.read.stats import ScanStats

    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 1)  # one line per block
    durations = [153, "12", None, 7.0, 42, " 9 ", 1000]
    vendors = ["Datto RMM", "Datto RMM", 123, "Datto RMM", None, True, "IT Glue"]
    lines = [{**nested(f"{DAY}T15:{i:02d}:00Z", duration=d), "autotask": {"vendor": v} if v is not None else None}
             for i, (d, v) in enumerate(zip(durations, vendors))]
    path = write_jsonl(logdir / "calls.jsonl", lines)

    log = open_log(path)
    batches, names = jsonl.batches(log, log.columns, None, Cursor(path, "lines", 1), ScanStats())
    assert names == log.columns and log.columns["vendor"] == "autotask.vendor"
    batches = list(batches)
    assert len(batches) == len(lines)
    assert len({batch.schema for batch in batches}) == 1

    table = pa.concat_tables(LogSet([log]).scan(["execution_ms", "vendor"]))
    assert table.column("execution_ms").to_pylist() == [153, 12, None, 7, 42, 9, 1000]
    assert table.column("vendor").to_pylist() == ["Datto RMM", "Datto RMM", "123", "Datto RMM", None, "true",
                                                  "IT Glue"]


def test_a_value_whose_type_changes_within_a_block_is_read_too(logdir):
    path = write_jsonl(logdir / "calls.jsonl", [nested(f"{DAY}T15:0{i}:00Z", "Datto RMM", duration=d)
                                                for i, d in enumerate([5, "6", 7, {"ms": 8}, [9], 10.5])])
    from apihourly.read.scan import LogSet

    table = next(iter(LogSet.open([str(path)]).scan(["execution_ms"])))
    # Objects and lists are not a value: missing, as nested values always are.
    assert table.column("execution_ms").to_pylist()[:5] == [5, 6, 7, None, None]
    assert table.num_rows == 6


def test_header_names_nested_keys_by_their_dotted_path(logdir):
    path = write_jsonl(logdir / "calls.jsonl", [CALLS[0], {"ts": "x", "extra": {"deep": {"er": 1}}}])
    assert jsonl.header(path) == (["ts", "http.method", "autotask.entity", "autotask.apiIntegrationCode",
                                   "autotask.vendor", "duration_ms", "extra.deep.er"], {})


def test_keys_first_seen_after_the_first_block_are_not_columns(logdir, monkeypatch):
    monkeypatch.setattr(jsonl, "HEADER_BYTES", 64)
    path = write_jsonl(logdir / "calls.jsonl", [{"ts": f"{DAY}T15:00:00Z"}, nested(f"{DAY}T15:01:00Z", "Datto RMM")])
    assert jsonl.header(path) == (["ts"], {})


def test_a_windows_file_with_bom_crlf_and_legacy_text_is_read(logdir):
    good = json.dumps(nested(f"{DAY}T15:00:00Z", "Société Générale")).encode("utf-8")
    legacy = json.dumps(nested(f"{DAY}T15:01:00Z", "Caf\u00e9"), ensure_ascii=False).encode("cp1252")
    path = logdir / "calls.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\r\n\r\n" + legacy + b"\r\n")
    result = run("summary", "--logs", str(logdir), "--date", DAY, "--csv")
    assert result.exit_code == 0, result.stderr
    row = parsed_csv(result.stdout)[15]
    assert (row["Société Générale"], row["Café"], row["Total calls"]) == ("1", "1", "2")
    assert "read as Windows-1252" in result.stderr


@pytest.mark.parametrize("name, content, fragment", [
    ("a.jsonl", b'[{"ts": "2026-11-16T15:00:00Z"}]\n', "a JSON array, not JSON Lines"),
    ("a.jsonl", b'{\n  "ts": "2026-11-16T15:00:00Z"\n}\n', "pretty-printed JSON, not JSON Lines"),
    ("a.ndjson", b"ts,vendor\n2026-11-16T15:00:00Z,x\n", "not JSON Lines: the first line is not a JSON object"),
    ("a.jsonl", bytes(range(256)) * 4, "binary data, not JSON Lines text"),
    ("a.jsonl", '{"ts": "x"}\n'.encode("utf-16"), "UTF-16 text"),
    ("a.jsonl.gz", gzip.compress(b"[1, 2]\n"), "a JSON array, not JSON Lines"),
])
def test_files_that_are_clearly_not_json_lines_are_one_clear_error(logdir, name, content, fragment):
    (logdir / name).write_bytes(content)
    result = run("summary", "--logs", str(logdir), "--date", DAY)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert fragment in result.stderr.splitlines()[0]


def test_a_truncated_gzip_file_is_one_clear_error(logdir):
    data = gzip.compress("".join(json.dumps(nested(f"{DAY}T15:00:{i % 60:02d}Z", "V")) + "\n"
                                 for i in range(20000)).encode())
    (logdir / "a.jsonl.gz").write_bytes(data[:len(data) // 2])
    result = run("summary", "--logs", str(logdir), "--date", DAY)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "is it a complete gzip file of JSON Lines?" in result.stderr.splitlines()[0]


def test_jsonl_names_are_known_in_any_case(tmp_path):
    names = ("a.jsonl", "b.JSONL.GZ", "c.ndjson", "d.ndjson.gz")
    assert [formats.format_of(tmp_path / n).name for n in names] == ["jsonl"] * 4
    assert formats.format_of(tmp_path / "e.json") is None
