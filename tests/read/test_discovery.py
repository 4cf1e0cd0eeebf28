"""Finding log files: each file read once however many specs, links, loops
or byte-identical copies reach it; linked and unreadable folders neither
silently dropped nor fatal; paths the system cannot take, FIFOs and devices
named for what they are."""

from __future__ import annotations

import os
import signal
import stat
from contextlib import contextmanager

import pytest
from clirun import parsed_csv, run
from make_logs import burst, utc, write_csv, write_parquet

from apihourly.errors import NoLogsFound
from apihourly.read import discovery
from apihourly.read.discovery import discover, find_log_files

DAY = "2026-11-15"


def _calls(*specs: str) -> dict[str, str]:
    """Calls per date, as `days --csv` reports them over `specs`."""
    result = run("days", *[arg for spec in specs for arg in ("-l", spec)], "--csv")
    assert result.exit_code == 0, result.stderr
    return {row["Date"]: row["Calls"] for row in parsed_csv(result.stdout)}


def _day(path, n: int, day: int = 15):
    return write_csv(path, burst(utc(2026, 11, day, 10), n, vendor="Datto RMM"))


class _TooSlow(Exception):
    """Not a TimeoutError: that is an OSError, which glob swallows."""


@contextmanager
def _within(seconds: float):
    """Fail instead of hanging: glob.glob(recursive=True) never ends on two link loops."""
    def expired(signum, frame):
        raise _TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- the same file reached more than once ------------------------------------

def test_a_folder_named_twice_in_different_words_is_read_once(logdir, monkeypatch):
    _day(logdir / "a.csv", 3)
    monkeypatch.chdir(logdir.parent)
    assert _calls("logs", str(logdir)) == {DAY: "3"}
    assert discover(["logs", str(logdir), "logs/a.csv"]).notes == []


def test_a_link_to_a_day_counts_that_day_once_with_a_note(logdir):
    write_parquet(logdir / "2026-11-16.parquet", burst(utc(2026, 11, 16, 10), 4))
    (logdir / "latest.parquet").symlink_to("2026-11-16.parquet")
    assert _calls(str(logdir)) == {"2026-11-16": "4"}
    found = discover([str(logdir)])
    assert found.paths == [logdir / "2026-11-16.parquet"]
    assert found.notes == [(logdir / "latest.parquet", f"the same file as {logdir / '2026-11-16.parquet'}; read once")]


@pytest.mark.parametrize("pattern", ["**", "**/*.csv", "*/**/a.csv"])
def test_a_link_loop_under_a_glob_counts_each_file_once(logdir, pattern):
    (logdir / "sub").mkdir()
    _day(logdir / "sub" / "a.csv", 3)
    (logdir / "sub" / "loop").symlink_to(logdir)
    assert _calls(str(logdir / pattern)) == {DAY: "3"}


def test_two_link_loops_under_a_glob_end(logdir):
    _day(logdir / "a.csv", 3)
    (logdir / "up").symlink_to(logdir)
    (logdir / "again").symlink_to(".")
    with _within(20):
        assert find_log_files([str(logdir / "**")]) == [logdir / "a.csv"]
        assert _calls(str(logdir / "**" / "*.csv")) == {DAY: "3"}


def test_a_link_loop_under_a_folder_ends(logdir):
    _day(logdir / "a.csv", 3)
    (logdir / "up").symlink_to(logdir)
    (logdir / "again").symlink_to(".")
    assert find_log_files([str(logdir)]) == [logdir / "a.csv"]


def test_a_linked_sub_folder_is_followed(logdir):
    _day(logdir / "a.csv", 3)
    elsewhere = logdir.parent / "archive"
    elsewhere.mkdir()
    _day(elsewhere / "b.csv", 2, day=14)
    (logdir / "archive").symlink_to(elsewhere)
    assert _calls(str(logdir)) == {"2026-11-14": "2", DAY: "3"}


# -- byte-identical copies -----------------------------------------------------

def test_a_browser_re_download_is_read_once_with_a_note_naming_the_copy(logdir):
    original = _day(logdir / "API Activity Detail.csv", 3)
    copy = logdir / "API Activity Detail (1).csv"
    copy.write_bytes(original.read_bytes())
    same_size = logdir / "other.csv"  # as long, different bytes: read too
    same_size.write_bytes(original.read_bytes().replace(b"10:00:00.000Z", b"11:00:00.000Z"))
    assert same_size.stat().st_size == original.stat().st_size
    assert _calls(str(logdir)) == {DAY: "6"}
    found = discover([str(logdir)])
    assert found.paths == [original, same_size]
    assert found.notes == [(copy, f"a copy of {original} (the same bytes); skipped, so its calls count once")]


def test_copies_across_specs_keep_the_shortest_name(tmp_path):
    original = _day(tmp_path / "week.csv", 3)
    copy = tmp_path / "week - Copy.csv"
    copy.write_bytes(original.read_bytes())
    found = discover([str(copy), str(original)])
    assert found.paths == [original]
    assert [path for path, _ in found.notes] == [copy]


def test_only_files_of_the_same_size_are_hashed(logdir, monkeypatch):
    for n in range(1, 40):
        _day(logdir / f"day{n:02}.csv", n)  # every size differs
    twin = _day(logdir / "day07 (1).csv", 7)
    hashed = []
    real = discovery._digest
    monkeypatch.setattr(discovery, "_digest", lambda path: hashed.append(path.name) or real(path))
    found = discover([str(logdir)])
    assert sorted(hashed) == ["day07 (1).csv", "day07.csv"]
    assert twin not in found.paths and len(found.paths) == 39


def test_empty_files_are_not_taken_for_copies(logdir):
    (logdir / "a.csv").write_bytes(b"")
    (logdir / "b.csv").write_bytes(b"")
    assert discover([str(logdir)]).paths == [logdir / "a.csv", logdir / "b.csv"]


# -- folders that cannot be read ------------------------------------------------

def _deny(monkeypatch, *denied):
    """os.scandir refusing `denied` as it would a folder without read
    permission (the tests run as root, which chmod cannot stop)."""
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) in map(os.fspath, denied):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)


def test_an_unreadable_sub_folder_is_a_note_naming_it(logdir, monkeypatch):
    _day(logdir / "a.csv", 3)
    (logdir / "private").mkdir()
    _day(logdir / "private" / "b.csv", 2)
    _deny(monkeypatch, logdir / "private")
    assert _calls(str(logdir)) == {DAY: "3"}
    assert discover([str(logdir)]).notes == [
        (logdir / "private", "folder cannot be read (permission denied); log files in it are left out")]


def test_an_unreadable_folder_with_nothing_else_is_an_error(logdir, monkeypatch):
    (logdir / "private").mkdir()
    _deny(monkeypatch, logdir, logdir / "private")
    result = run("days", "-l", str(logdir))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {logdir}: folder cannot be read (permission denied)"


def test_a_folder_whose_logs_all_sit_in_unreadable_folders_says_so(logdir, monkeypatch):
    (logdir / "private").mkdir()
    _day(logdir / "private" / "b.csv", 2)
    _deny(monkeypatch, logdir / "private")
    with pytest.raises(NoLogsFound) as caught:
        find_log_files([str(logdir)])
    assert str(caught.value) == (f"{logdir}: no log files (.csv, .csv.gz, .parquet, .jsonl, .jsonl.gz) in this "
                                 f"folder; {logdir / 'private'} cannot be read (permission denied)")


def test_an_unreadable_folder_under_a_glob_is_a_note(logdir, monkeypatch):
    (logdir / "a").mkdir()
    (logdir / "b").mkdir()
    _day(logdir / "a" / "x.csv", 3)
    _deny(monkeypatch, logdir / "b")
    found = discover([str(logdir / "*" / "*.csv")])
    assert found.paths == [logdir / "a" / "x.csv"]
    assert found.notes == [(logdir / "b", "folder cannot be read (permission denied); log files in it are left out")]


# -- what cannot be read at all ----------------------------------------------------

def test_deep_folders_are_read(logdir):
    """pathlib's rglob recursed once per level: a RecursionError past ~1000."""
    _chain(logdir, "d", 1100)
    try:
        _day(logdir.joinpath(*["d"] * 1100, "a.csv"), 3)
        assert _calls(str(logdir)) == {DAY: "3"}
    finally:
        _remove_chain(logdir, "d", 1100, "a.csv")


def _chain(top, name: str, depth: int) -> None:
    """`depth` folders, each in the last, made one by one (Path.mkdir
    recurses per level, and cannot name a folder past PATH_MAX)."""
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


def _remove_chain(top, name: str, depth: int, leaf: str) -> None:
    """shutil.rmtree recurses per level too: pytest could not clean this up."""
    fds = [os.open(top, os.O_RDONLY)]
    for _ in range(depth):
        fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
    os.unlink(leaf, dir_fd=fds[-1])
    os.close(fds.pop())
    while fds:
        os.rmdir(name, dir_fd=fds[-1])
        os.close(fds.pop())


def _shortened(text: str) -> str:
    return text[:40] + "..." + text[-40:]


def test_a_path_over_path_max_is_one_clear_error(tmp_path):
    spec = str(tmp_path.joinpath(*["deep"] * 3000, "a.csv"))
    result = run("days", "-l", spec)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"error: {_shortened(spec)}: path too long for this system ({len(spec):,} characters)",
        "hint: move the logs to a shorter path, or point --logs at a folder nearer them"]


def test_a_name_over_name_max_is_one_clear_error(tmp_path):
    spec = str(tmp_path / ("x" * 300 + ".csv"))
    result = run("days", "-l", spec)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {_shortened(spec)}: path too long for this system (a name of 304 characters)")


def test_a_folder_tree_past_path_max_is_one_clear_error(logdir):
    name = "n" * 250
    _chain(logdir, name, 18)  # deeper than PATH_MAX (4096) allows to name
    too_long = str(logdir.joinpath(*[name] * 17))  # the first folder past the limit
    assert len(too_long) > 4096 > len(too_long) - 251
    result = run("days", "-l", str(logdir))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {_shortened(too_long)}: path too long for this system ({len(too_long):,} characters)")


def test_a_fifo_is_named_as_such(tmp_path):
    fifo = tmp_path / "calls.csv"
    os.mkfifo(fifo)
    result = run("days", "-l", str(fifo))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {fifo}: a FIFO (named pipe), not a log file"


def test_a_device_is_named_as_such():
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    result = run("days", "-l", "/dev/null")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "error: /dev/null: a character device, not a log file"


def test_fifos_and_broken_links_in_a_folder_are_notes(logdir):
    _day(logdir / "a.csv", 3)
    os.mkfifo(logdir / "pipe.csv")
    (logdir / "gone.csv").symlink_to("nowhere.csv")
    (logdir / "self.csv").symlink_to("self.csv")
    (logdir / "notes.txt").symlink_to("nowhere.txt")  # not a log name: not worth a word
    found = discover([str(logdir)])
    assert found.paths == [logdir / "a.csv"]
    assert found.notes == [(logdir / "gone.csv", "a link to nothing (nowhere.csv is not there); left out"),
                           (logdir / "pipe.csv", "a FIFO (named pipe), not a log file; left out"),
                           (logdir / "self.csv", "a link that loops back on itself; left out")]


def test_a_broken_link_given_as_logs_says_where_it_points(tmp_path):
    (tmp_path / "latest.csv").symlink_to("2026-11-16.csv")
    result = run("days", "-l", str(tmp_path / "latest.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {tmp_path / 'latest.csv'}: a link to nothing (2026-11-16.csv is not there)")


def test_a_re_downloaded_copy_is_read_once_and_said(logdir):
    from clirun import run
    from make_logs import burst, utc, write_csv

    write_csv(logdir / "API Activity Detail.csv", burst(utc(2026, 11, 15, 10), 3, vendor="V"))
    (logdir / "API Activity Detail (1).csv").write_bytes((logdir / "API Activity Detail.csv").read_bytes())
    result = run("days", "--logs", str(logdir), "--csv")
    assert result.stdout.splitlines()[1] == "2026-11-15,3,1,0,3"
    assert result.stderr == (f"note: {logdir / 'API Activity Detail (1).csv'}: a copy of "
                             f"{logdir / 'API Activity Detail.csv'} (the same bytes); skipped, so its calls count once\n")


def test_an_unreadable_sub_folder_is_said(logdir, monkeypatch):
    import os

    from clirun import run
    from make_logs import burst, utc, write_csv

    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 10), 2, vendor="V"))
    (logdir / "private").mkdir()
    write_csv(logdir / "private" / "b.csv", burst(utc(2026, 11, 15, 11), 2, vendor="V"))
    real = os.scandir

    def refusing(path="."):  # as root every folder is readable: refuse this one as a user would be refused
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refusing)
    result = run("days", "--logs", str(logdir), "--csv")
    assert result.stdout.splitlines()[1] == "2026-11-15,2,1,0,2"
    assert result.stderr == (f"note: {logdir / 'private'}: folder cannot be read (permission denied); "
                             "log files in it are left out\n")
