"""Autotask's own counter beside the replay, on a day computed by hand
(counter_logs.py): the replay at each sample time, the gaps, the largest,
and the rolling limit taken from the samples when none is given."""

from datetime import date
from zoneinfo import ZoneInfo

from counter_logs import GAP_SAMPLES, GAPS, REPLAYED, gap_day, write_samples

from apihourly.read.scan import LogSet
from apihourly.reports import LimitSettings, Query, limits_report

UTC = ZoneInfo("UTC")
DAY = date(2026, 11, 15)


def _report(folder, settings=LimitSettings(db_threshold=None), day=DAY, tz=UTC):
    return limits_report(Query(LogSet.open([str(folder)]), tz), day, settings)


def test_the_replay_and_the_gap_at_every_sample_are_exact(logdir):
    report = _report(gap_day(logdir))
    table = report.parts["counter"]
    assert table.column("Time") == ["2026-11-15T10:30:00.000+00:00", "2026-11-15T11:00:00.000+00:00",
                                    "2026-11-15T11:15:00.000+00:00", "2026-11-15T11:15:00.000+00:00",
                                    "2026-11-15T12:00:00.000+00:00"]
    assert table.column("Autotask count") == [s[1] for s in GAP_SAMPLES]
    assert table.column("Replayed from logs") == REPLAYED
    assert table.column("Gap") == GAPS
    assert table.column("Threshold") == [10_000, 10_000, 12_000, 12_000, 12_000]


def test_the_largest_gap_and_when_are_in_meta(logdir):
    meta = _report(gap_day(logdir)).meta
    assert meta["counter"] == {
        "files": 1, "samples": 5,
        "first_at": "2026-11-15T10:30:00.000+00:00", "last_at": "2026-11-15T12:00:00.000+00:00",
        "threshold": 12_000, "timeframe_minutes": 60,
        "largest_gap": 21, "largest_gap_at": "2026-11-15T11:15:00.000+00:00",
        "count_at_largest_gap": 80, "replayed_at_largest_gap": 59,
        "peak_count": 80, "peak_count_at": "2026-11-15T11:15:00.000+00:00",
    }


def test_equal_gaps_name_the_earliest(logdir):
    samples = [("2026-11-15T11:00:00Z", 69, 10_000, 60), ("2026-11-15T10:30:00Z", 41, 10_000, 60)]
    counter = _report(gap_day(logdir, samples)).meta["counter"]
    assert (counter["largest_gap"], counter["largest_gap_at"]) == (10, "2026-11-15T10:30:00.000+00:00")


def test_the_rolling_limit_is_the_latest_samples_threshold_with_a_note_when_they_disagree(logdir):
    report = _report(gap_day(logdir))
    assert report.meta["db_threshold"] == 12_000
    assert report.parts["tiers"].column("From calls") == [6_000, 9_000, 12_001]
    assert ("the counter samples of 2026-11-15 give thresholds 10,000, 12,000; the rolling limit is the latest, "
            "12,000 (--db-threshold to choose)") in report.notes


def test_a_given_db_threshold_wins_over_the_samples(logdir):
    report = _report(gap_day(logdir), LimitSettings(db_threshold=500))
    assert report.meta["db_threshold"] == 500
    assert report.meta["counter"]["threshold"] == 12_000  # Autotask's, as the samples say
    assert not [note for note in report.notes if "thresholds" in note]


def test_samples_without_a_threshold_leave_the_default(logdir):
    samples = [(t, n, None, None) for t, n, _, _ in GAP_SAMPLES]
    report = _report(gap_day(logdir, samples))
    assert report.meta["db_threshold"] == 10_000
    assert report.meta["counter"]["threshold"] is None
    assert report.parts["counter"].column("Threshold") == [None] * 5


def test_without_samples_the_counter_part_is_empty_and_meta_null(logdir):
    gap_day(logdir)
    (logdir / "counter.csv").unlink()
    report = _report(logdir)
    assert report.meta["counter"] is None and len(report.parts["counter"]) == 0
    assert report.meta["db_threshold"] == 10_000


def test_samples_of_other_days_are_left_out_with_a_note(logdir):
    gap_day(logdir)
    write_samples(logdir / "counter.csv", [("2026-11-14T10:00:00Z", 5, 10_000, 60),
                                           ("2026-11-16T10:00:00Z", 6, 10_000, 60)])
    report = _report(logdir)
    assert report.meta["counter"] is None
    assert "no counter samples on 2026-11-15; the 2 samples given are of 2026-11-14 to 2026-11-16" in report.notes


def test_a_sample_counts_the_calls_of_its_day_in_the_report_zone(logdir):
    """In New York the 15th runs from 05:00 UTC: the samples are all of it."""
    report = _report(gap_day(logdir), tz=ZoneInfo("America/New_York"))
    assert report.parts["counter"].column("Gap") == GAPS
    assert report.meta["counter"]["largest_gap_at"] == "2026-11-15T06:15:00.000-05:00"


def test_a_bad_sample_row_is_a_skipped_row_of_the_report(logdir):
    samples = [*GAP_SAMPLES, ("2026-11-15T12:05:00Z", "?", 12_000, 60)]
    report = _report(gap_day(logdir, samples))
    assert report.stats.skipped_rows == 1
    assert {r: (s.count, s.where) for r, s in report.stats.skipped[str(logdir / "counter.csv")].items()} == {
        "without a readable currentTimeframeRequestCount": (1, [7])}
    assert report.meta["counter"]["samples"] == 5 and report.stats.rows == 90  # calls only
