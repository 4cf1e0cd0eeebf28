"""Samples of Autotask's own request counter: recognised by their fields in
CSV and JSON Lines, with REST or SOAP names, times read by the call logs'
rules, bad rows skipped and counted, and read only when a report asks."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from counter_logs import REST, SOAP, write_samples
from make_logs import burst, utc, write_csv

from apihourly import schema
from apihourly.errors import LogFormatError
from apihourly.read.canonical import TimeRules
from apihourly.read.counter import NO_THRESHOLD
from apihourly.read.scan import LogSet
from apihourly.read.stats import ScanStats
from apihourly.timeaxis import NS

T0 = int(utc(2026, 11, 16, 10).timestamp()) * NS
FIVE_MIN = 300 * NS


def _samples(folder, rules=TimeRules()):
    stats = ScanStats()
    logs = LogSet.open([str(folder)], rules)
    return logs.counter_samples(None, stats), stats, logs


@pytest.mark.parametrize(("name", "names"), [
    ("rest.csv", REST), ("soap.csv", SOAP), ("rest.jsonl", REST), ("soap.jsonl.gz", SOAP), ("rest.csv.gz", REST)])
def test_counter_files_are_told_apart_by_their_fields_with_rest_or_soap_names(logdir, name, names):
    write_csv(logdir / "calls.csv", burst(utc(2026, 11, 16, 10), 3))
    write_samples(logdir / name, [("2026-11-16T10:00:00Z", 120, 10_000, 60),
                                  ("2026-11-16T10:05:00Z", 135, 10_000, 60)], names)
    samples, stats, logs = _samples(logdir)
    assert [log.path.name for log in logs.files] == ["calls.csv"]
    assert [(log.path.name, log.kind) for log in logs.counter_files] == [(name, schema.COUNTER)]
    assert samples.ts.tolist() == [T0, T0 + FIVE_MIN]
    assert samples.count.tolist() == [120, 135]
    assert samples.threshold.tolist() == [10_000, 10_000]
    assert samples.timeframe.tolist() == [60, 60]
    assert stats.skipped == {} and stats.rows == 0  # samples are not calls


def test_a_semicolon_csv_with_grouped_counts_and_no_timeframe_reads_alike(logdir):
    (logdir / "counter.csv").write_text(
        "sep=;\nSampled At;Current Timeframe Request Count;External Request Threshold\n"
        "2026-11-16T05:00:00-05:00;1 234;10,000\n2026-11-16 10:05:00;1,300;\n", encoding="utf-8")
    samples, stats, _ = _samples(logdir)
    assert samples.ts.tolist() == [T0, T0 + FIVE_MIN]  # an offset, then a time without one read as UTC
    assert samples.count.tolist() == [1_234, 1_300]
    assert samples.threshold.tolist() == [10_000, NO_THRESHOLD]
    assert samples.timeframe.tolist() == [schema.DEFAULT_TIMEFRAME_MINUTES] * 2
    assert stats.tallies == {str(logdir / "counter.csv"): {
        ("time", "without an offset read as UTC (--input-tz to change)"): 1}}


def test_times_without_an_offset_follow_input_tz_and_samples_come_out_in_time_order(logdir):
    write_samples(logdir / "b.csv", [("2026-11-16 05:05:00", 2, 10_000, 60)])
    write_samples(logdir / "a.jsonl", [("2026-11-16T10:10:00Z", 3, 10_000, 60),
                                       ("2026-11-16T10:00:00Z", 1, 10_000, 60)])
    samples, _, _ = _samples(logdir, TimeRules(input_tz=ZoneInfo("America/New_York")))
    assert samples.count.tolist() == [1, 2, 3]
    assert samples.ts.tolist() == [T0, T0 + FIVE_MIN, T0 + 2 * FIVE_MIN]
    window = (T0 + FIVE_MIN, T0 + 2 * FIVE_MIN)
    assert LogSet.open([str(logdir)], TimeRules(input_tz=ZoneInfo("America/New_York"))) \
        .counter_samples(window).count.tolist() == [2]


def test_bad_sample_rows_are_skipped_and_counted_with_their_lines(logdir):
    path = write_samples(logdir / "counter.csv", [
        ("2026-11-16T10:00:00Z", 100, 10_000, 60),
        ("not a time", 101, 10_000, 60),          # line 3: skipped
        ("2026-11-16T10:10:00Z", "many", 10_000, 60),  # line 4: skipped
        ("2026-11-16T10:15:00Z", None, 10_000, 60),    # line 5: skipped
        ("2026-11-16T10:20:00Z", 104, "lots", "x"),  # line 6: kept, without threshold and timeframe
    ])
    samples, stats, _ = _samples(logdir)
    assert samples.count.tolist() == [100, 104]
    assert samples.threshold.tolist() == [10_000, NO_THRESHOLD]
    assert samples.timeframe.tolist() == [60, 60]
    skipped = stats.skipped[str(path)]
    assert {reason: (s.count, s.where) for reason, s in skipped.items()} == {
        "unparseable sample time": (1, [3]),
        "without a readable currentTimeframeRequestCount": (2, [4, 5]),
    }
    assert {field: (s.count, s.where) for field, s in stats.emptied[str(path)].items()} == {
        "externalRequestThreshold": (1, [6]), "requestThresholdTimeframe": (1, [6])}


def test_a_bad_json_line_is_skipped_by_its_line_number(logdir):
    path = logdir / "counter.jsonl"
    path.write_text('{"ts": "2026-11-16T10:00:00Z", "currentTimeframeRequestCount": 7}\n{"ts": \n'
                    '{"ts": 1794823500, "currentTimeframeRequestCount": 8}\n', encoding="utf-8")
    samples, stats, _ = _samples(logdir)
    assert samples.count.tolist() == [7]
    assert {r: (s.count, s.where) for r, s in stats.skipped[str(path)].items()} == {
        "not a JSON object": (1, [2]), "unparseable sample time": (1, [3])}  # an epoch in a file of ISO times


@pytest.mark.parametrize(("text", "problem"), [
    ("time,currentTimeframeRequestCount\n", "counter samples file without a sample (header only)"),
    ("time,currentTimeframeRequestCount\nsoon,5\nlater,6\n",
     "no readable sample time from 2000-01-01 to 2100-01-01 in 2 rows; first value 'soon'"),
    ("time,currentTimeframeRequestCount\n2026-11-16T10:00:00Z,n/a\n",
     "no readable currentTimeframeRequestCount (a whole number) in 1 row"),
    ("reading,currentTimeframeRequestCount\n1,5\n", "counter samples without a time column (found: 'reading', "
     "'currentTimeframeRequestCount'; accepted names: execution_start, Execution Start, timestamp, ts, time, "
     "polled_at, sampled_at, sample_time, poll_time, checked_at)"),
    ("time,ts,currentTimeframeRequestCount\n1,2,5\n", "columns 'time', 'ts' all mean the sample time; keep one"),
])
def test_a_counter_file_without_one_usable_sample_is_an_error_naming_it(logdir, text, problem):
    path = logdir / "counter.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LogFormatError) as caught:
        _samples(logdir)
    assert str(caught.value).startswith(f"{path}: {problem}")


def test_counter_files_are_read_only_when_asked_for_and_once(logdir, monkeypatch):
    from apihourly.read import counter

    write_csv(logdir / "calls.csv", burst(utc(2026, 11, 16, 10), 3))
    (logdir / "counter.csv").write_text("time,currentTimeframeRequestCount\nbroken,x\n", encoding="utf-8")
    logs = LogSet.open([str(logdir)])
    assert sum(t.num_rows for t in logs.scan([])) == 3  # calls are read without the samples
    assert logs.counter_read == {}
    (logdir / "counter.csv").write_text("time,currentTimeframeRequestCount\n2026-11-16T10:00:00Z,x\n"
                                        "2026-11-16T10:05:00Z,4\n", encoding="utf-8")
    reads = []
    monkeypatch.setattr(counter, "read_samples", lambda *a, real=counter.read_samples: reads.append(1) or real(*a))
    first, second = ScanStats(), ScanStats()
    assert logs.counter_samples(None, first).count.tolist() == [4]
    assert logs.counter_samples(None, second).count.tolist() == [4]
    assert len(reads) == 1
    assert first.skipped == second.skipped and first.skipped_rows == 1  # every report is told of its skips
