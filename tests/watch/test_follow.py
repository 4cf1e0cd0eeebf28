"""Following logs as they grow: appends, half-written lines, rotation by
rename, truncation, new files, formats that are not followed, bad files."""

from __future__ import annotations

import gzip
import os
import time
from datetime import timedelta

import pytest
from growing import HEADER, append, calls, csv_line, json_line, new_csv
from make_logs import utc

from apihourly.count.calls import FIELDS
from apihourly.errors import LogFormatError
from apihourly.read.follow import GRACE_POLLS, Follower

T0 = utc(2026, 11, 27, 14, 0)


def polled(follower: Follower) -> int:
    """Calls the next poll finds."""
    return sum(table.num_rows for table in follower.poll())


def follow(*specs) -> Follower:
    return Follower([str(spec) for spec in specs], fields=FIELDS)


def test_each_poll_reads_only_the_lines_appended_since_the_last(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 3))
    follower = follow(logdir)
    assert polled(follower) == 3
    append(log, calls(T0 + timedelta(minutes=1), 2))
    assert polled(follower) == 2
    assert polled(follower) == 0
    append(log, calls(T0 + timedelta(minutes=2), 5))
    assert polled(follower) == 5


def test_the_appended_calls_are_read_with_their_own_values(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 1))
    follower = follow(log)
    polled(follower)
    append(log, calls(T0 + timedelta(seconds=5), 1, vendor="IT Glue", entity="Companies", ms=1234))
    [table] = list(follower.poll())
    row = table.to_pylist()[0]
    assert (row["vendor"], row["entity"], row["execution_ms"]) == ("IT Glue", "Companies", 1234)
    assert row["ts"] == int((T0 + timedelta(seconds=5)).timestamp()) * 10**9


def test_a_line_still_being_written_waits_for_its_end(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 1))
    follower = follow(logdir)
    assert polled(follower) == 1
    line = calls(T0 + timedelta(minutes=1), 1)
    append(log, line[:12])
    assert polled(follower) == 0
    append(log, line[12:])
    assert polled(follower) == 1
    assert follower.stats.skipped_rows == 0


def test_a_file_rotated_by_renaming_is_read_to_its_end_and_the_new_one_from_its_start(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 3))
    follower = follow(logdir)
    assert polled(follower) == 3
    append(log, calls(T0 + timedelta(minutes=1), 2))  # written before the rotation, not read yet
    rotated = log.rename(logdir / "proxy.csv.1")  # no longer a log name: out of the specs
    new_csv(log, calls(T0 + timedelta(minutes=2), 4))
    assert polled(follower) == 2 + 4
    append(rotated, calls(T0 + timedelta(minutes=3), 1))  # the writer had not reopened yet
    assert polled(follower) == 1
    for _ in range(GRACE_POLLS):
        polled(follower)
    assert [tail.path.name for tail in follower.tails.values()] == ["proxy.csv"]


def test_a_file_renamed_to_another_log_name_is_one_file_never_read_twice(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 3))
    follower = follow(logdir)
    assert polled(follower) == 3
    moved = log.rename(logdir / "proxy-2026-11-27.csv")
    append(moved, calls(T0 + timedelta(minutes=1), 2))
    assert polled(follower) == 2
    assert polled(follower) == 0


def test_a_truncated_file_is_read_again_from_its_start_and_said_so(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 5))
    follower = follow(logdir)
    assert polled(follower) == 5
    with open(log, "r+", encoding="utf-8") as handle:  # copytruncate: same inode, emptied
        handle.truncate(0)
    append(log, HEADER + calls(T0 + timedelta(minutes=1), 2))
    assert polled(follower) == 2
    assert follower.stats.notices[str(log)] == ["truncated: read again from its start"]


def test_a_new_file_in_a_watched_folder_is_read_from_its_start(logdir):
    new_csv(logdir / "a.csv", calls(T0, 2))
    follower = follow(logdir)
    assert polled(follower) == 2
    (logdir / "later").mkdir()
    append(logdir / "later" / "b.jsonl", calls(T0, 3, line=json_line))
    assert polled(follower) == 3
    append(logdir / "later" / "b.jsonl", calls(T0 + timedelta(minutes=1), 1, line=json_line))
    assert polled(follower) == 1


def test_the_lines_after_a_sep_line_keep_the_files_header(logdir):
    log = logdir / "excel.csv"
    log.write_text("sep=;\n" + HEADER.replace(",", ";") + calls(T0, 1).replace(",", ";"), encoding="utf-8")
    follower = follow(log)
    assert polled(follower) == 1
    append(log, calls(T0 + timedelta(minutes=1), 2).replace(",", ";"))
    assert polled(follower) == 2


def test_gzipped_files_are_read_when_the_watch_begins_and_later_ones_only_noted(logdir):
    with gzip.open(logdir / "old.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(HEADER + calls(T0, 4))
    follower = follow(logdir)
    assert polled(follower) == 4
    with gzip.open(logdir / "rotated.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(HEADER + calls(T0, 4))
    assert polled(follower) == 0
    assert "not followed" in follower.stats.notices[str(logdir / "rotated.csv.gz")][0]


def test_rows_that_cannot_be_read_are_counted_not_dropped(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 1))
    follower = follow(log)
    polled(follower)
    append(log, "yesterday-ish,query,Tickets,Datto RMM,,,50\n" + calls(T0, 1))
    assert polled(follower) == 1
    assert follower.stats.skipped_rows == 1


def skipped_at(follower: Follower, log) -> tuple[int, list[int]]:
    [skip] = follower.stats.skipped[str(log)].values()
    return skip.count, skip.where


@pytest.mark.parametrize("line, bad", [(csv_line, "not a time,query,Tickets,X,,,1\n"),
                                       (json_line, "not json\n")])
def test_rows_skipped_in_appended_lines_are_named_by_their_line_in_the_file(logdir, line, bad):
    name = "proxy.csv" if line is csv_line else "proxy.jsonl"
    first = HEADER + calls(T0, 3) if line is csv_line else calls(T0, 3, line=json_line)
    log = logdir / name
    append(log, first)
    follower = follow(log)
    assert polled(follower) == 3
    append(log, calls(T0, 2, line=line) + bad + calls(T0, 1, line=line))
    assert polled(follower) == 3
    lines_before = first.count("\n")
    assert skipped_at(follower, log) == (1, [lines_before + 3])
    assert follower.stats.files == 1


def test_a_file_followed_from_its_end_has_its_skipped_rows_counted_without_a_line(logdir):
    log = aged(new_csv(logdir / "proxy.csv", calls(T0, 5)))
    follower = Follower([str(logdir)], fields=FIELDS, since_ns=time.time_ns() - 3600 * 10**9)
    assert polled(follower) == 0
    append(log, "not a time,query,Tickets,X,,,1\n" + calls(T0, 1))
    assert polled(follower) == 1
    assert skipped_at(follower, log) == (1, [])  # its lines before were never counted


def test_a_bad_file_at_the_start_is_an_error_and_later_a_warning(logdir):
    (logdir / "notes.csv").write_text("Name,Comment\nx,y\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match="notes.csv"):
        polled(follow(logdir))
    (logdir / "notes.csv").unlink()
    new_csv(logdir / "proxy.csv", calls(T0, 1))
    follower = follow(logdir)
    assert polled(follower) == 1
    (logdir / "late.csv").write_text("Name,Comment\nx,y\n", encoding="utf-8")
    assert polled(follower) == 0
    [warning] = follower.stats.warned[str(logdir / "late.csv")]
    assert warning.endswith("no longer watched")
    append(logdir / "late.csv", "z,w\n")
    assert polled(follower) == 0  # passed over from then on, said once


def test_a_tenants_watch_leaves_out_other_tenants_folders(logdir):
    for tenant, n in (("acme", 2), ("zenith", 5)):
        (logdir / f"tenant={tenant}").mkdir()
        new_csv(logdir / f"tenant={tenant}" / "proxy.csv", calls(T0, n))
    follower = Follower([str(logdir)], tenant="acme", fields=FIELDS)
    assert polled(follower) == 2
    append(logdir / "tenant=zenith" / "proxy.csv", calls(T0, 3))
    append(logdir / "tenant=acme" / "proxy.csv", calls(T0, 1))
    assert polled(follower) == 1


def test_a_log_removed_and_made_again_is_a_new_file(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 3))
    follower = follow(logdir)
    assert polled(follower) == 3
    os.unlink(log)
    assert polled(follower) == 0  # nothing matches for a moment: not an error
    new_csv(log, calls(T0 + timedelta(minutes=5), 1))
    assert polled(follower) == 1


def aged(path, seconds: int = 3 * 3600):
    """The file as if last written `seconds` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_files_last_written_before_the_window_are_followed_from_their_end(logdir):
    old = aged(new_csv(logdir / "2026-11-20.csv", calls(T0, 50)))
    (logdir / "2026-11-20.jsonl").write_text(calls(T0, 7, line=json_line), encoding="utf-8")
    aged(logdir / "2026-11-20.jsonl")
    with gzip.open(logdir / "2026-11-19.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(HEADER + calls(T0, 4))
    aged(logdir / "2026-11-19.csv.gz")
    new_csv(logdir / "today.csv", calls(T0, 2))
    follower = Follower([str(logdir)], fields=FIELDS, since_ns=time.time_ns() - 3600 * 10**9)
    assert polled(follower) == 2
    append(old, calls(T0 + timedelta(hours=1), 3))  # the old file's header still names its columns
    append(logdir / "2026-11-20.jsonl", calls(T0, 1, line=json_line))
    assert polled(follower) == 4


def test_an_old_file_ending_in_half_a_line_is_followed_from_that_line(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 5))
    line = calls(T0 + timedelta(minutes=1), 1)
    append(log, line[:10])
    aged(log)
    follower = Follower([str(logdir)], fields=FIELDS, since_ns=time.time_ns() - 3600 * 10**9)
    assert polled(follower) == 0
    append(log, line[10:])
    assert polled(follower) == 1


def test_a_file_at_rest_gives_back_its_handle_and_is_read_again_when_it_grows(logdir, monkeypatch):
    from apihourly.read import follow as module

    monkeypatch.setattr(module, "IDLE_POLLS", 2)
    log = new_csv(logdir / "proxy.csv", calls(T0, 2))
    follower = follow(logdir)
    assert polled(follower) == 2
    for _ in range(3):
        assert polled(follower) == 0
    [tail] = follower.tails.values()
    assert tail.handle is None
    rotated = log.rename(logdir / "proxy-2026-11-27.csv")  # renamed while at rest: still the same file
    append(rotated, calls(T0 + timedelta(minutes=1), 3))
    assert polled(follower) == 3
    assert tail.handle is not None and tail.path == rotated
