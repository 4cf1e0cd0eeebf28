"""Properties on hostile input: bad rows are accounted for and change nothing
else; any name survives every output format; any bytes give a report or a
clean error."""

import csv
import io
import json
from pathlib import Path

import pytest
from clirun import SAMPLES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from make_logs import FIELDS, call, write_parquet
from typer.testing import CliRunner

from apihourly import reports
from apihourly.cli import app
from apihourly.errors import LogFormatError
from apihourly.words import neutralise
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.schema import RESERVED_LABELS, UNKNOWN
from apihourly.timeaxis import zone

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

good_rows = st.lists(st.tuples(st.integers(0, 2 * 86_400 - 1), st.sampled_from(["A", "B", "", "Zed Corp"])),
                     max_size=40)
bad_rows = st.lists(st.sampled_from(["time", "negative", "fraction", "fields", "empty time"]), max_size=10)
SKIPPED = {"time", "fields", "empty time"}  # no usable execution_start: the row is skipped
# "negative" and "fraction" are calls with an unreadable optional value: it is left empty


def _csv_line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _good(seconds: int, vendor: str) -> list:
    hours, rest = divmod(seconds, 3600)
    stamp = f"2026-11-{15 + hours // 24:02d}T{hours % 24:02d}:{rest // 60:02d}:{rest % 60:02d}Z"
    row = call(stamp, vendor=vendor)
    return [row[f] for f in FIELDS]


def _bad(kind: str) -> list:
    row = _good(3600, "A")
    if kind == "time":
        row[0] = "2026-11-15 at noon"
    elif kind == "empty time":
        row[0] = ""
    elif kind == "negative":
        row[3] = -4
    elif kind == "fraction":
        row[8] = "12.5"
    else:
        row.append("surplus")
    return row


@FAST
@given(good=good_rows, bad=bad_rows, data=st.data())
def test_bad_rows_are_counted_and_do_not_change_the_report(tmp_path_factory, good, bad, data):
    folder = tmp_path_factory.mktemp("mixed")
    good_lines = [_csv_line(_good(*g)) for g in good]
    mixed = list(good_lines)
    for kind in bad:
        mixed.insert(data.draw(st.integers(0, len(mixed))), _csv_line(_bad(kind)))
    # the same calls, every optional value readable
    clean = good_lines + [_csv_line(_good(3600, "A")) for kind in bad if kind not in SKIPPED]
    header = _csv_line(FIELDS)
    (folder / "mixed").mkdir()
    (folder / "clean").mkdir()
    (folder / "mixed" / "a.csv").write_text(header + "".join(mixed))
    (folder / "clean" / "a.csv").write_text(header + "".join(clean))
    utc = zone("UTC")
    if not clean and any(kind != "fields" for kind in bad):  # rows, but not one readable time
        with pytest.raises(LogFormatError, match="no readable execution_start"):
            reports.days(Query(LogSet.open([str(folder / "mixed")]), utc))
        return
    with_bad = reports.days(Query(LogSet.open([str(folder / "mixed")]), utc))
    without = reports.days(Query(LogSet.open([str(folder / "clean")]), utc))
    skipped = sum(kind in SKIPPED for kind in bad)
    assert with_bad.stats.rows + with_bad.stats.skipped_rows == len(mixed)
    assert with_bad.stats.skipped_rows == skipped and with_bad.stats.rows == len(clean)
    emptied = sum(s.count for fields in with_bad.stats.emptied.values() for s in fields.values())
    assert emptied == len(bad) - skipped
    assert with_bad.table.records() == without.table.records()


names = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)


@FAST
@given(name=names)
def test_any_vendor_name_survives_csv_json_and_tables(tmp_path_factory, name):
    label = name.strip()
    assume(label and label.casefold() not in {n.casefold() for n in (UNKNOWN, *RESERVED_LABELS)})
    folder = tmp_path_factory.mktemp("names")
    write_parquet(folder / "a.parquet", [call("2026-11-15T10:00:00Z", vendor=name)])
    env = {"APIHOURLY_TZ": "UTC", "COLUMNS": "200"}
    as_csv = CliRunner().invoke(app, ["summary", "-l", str(folder), "--csv"], env=env)
    # raw bytes: the runner's .stdout folds \r\n into \n, even inside quoted fields
    header = next(csv.reader(io.StringIO(as_csv.stdout_bytes.decode(), newline="")))
    assert header == ["Hour", neutralise(label), "Total calls"]
    as_json = json.loads(CliRunner().invoke(app, ["summary", "-l", str(folder), "--json"], env=env).stdout)
    assert [(r["hour_start"], r["integration"], r["calls"]) for r in as_json["rows"] if r["calls"]] == [
        ("2026-11-15T10:00:00+00:00", label, 1)]
    table = CliRunner().invoke(app, ["summary", "-l", str(folder)], env=env).stdout
    assert "\x1b" not in table and "\x9b" not in table and "\x07" not in table


def _assert_report_or_clean_error(folder: Path) -> None:
    result = CliRunner().invoke(app, ["days", "-l", str(folder), "--csv"], env={"APIHOURLY_TZ": "UTC"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    if result.exit_code:
        assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) <= 2


@FAST
@given(content=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".csv.gz", ".parquet"]))
def test_random_bytes_give_a_report_or_a_clean_error(tmp_path_factory, content, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / f"a{suffix}").write_bytes(content)
    _assert_report_or_clean_error(folder)


sample_files = sorted(p for p in SAMPLES.iterdir() if p.name.endswith((".gz", ".parquet")))


@FAST
@given(source=st.sampled_from(sample_files), cut=st.floats(0, 1),
       flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8))
def test_mutated_real_files_give_a_report_or_a_clean_error(tmp_path_factory, source, cut, flips):
    data = bytearray(source.read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    data = data[: max(1, int(cut * len(data)))] if cut < 0.5 else data
    folder = tmp_path_factory.mktemp("mutant")
    (folder / source.name).write_bytes(bytes(data))
    _assert_report_or_clean_error(folder)
