"""The cache never changes an answer: every report with it (cold, warm, and
after a log file was appended to, cut, rewritten in place or removed) is
the report without it, notes, warnings and captions included; and it never
stops a report (a folder it cannot write, a damaged entry or database,
writers at the same time, another apihourly version)."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from clirun import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from make_logs import call, iso_z, write_csv, write_parquet

from apihourly import reports
from apihourly.errors import ApihourlyError
from apihourly.output.cells import caption, messages
from apihourly.output.export import json_pieces
from apihourly.read.cache import Cache
from apihourly.read.canonical import TimeRules
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.timeaxis import parse_date

ORIGIN = datetime(2026, 10, 31, 20, tzinfo=timezone.utc)  # New York falls back on 2026-11-01
SOURCES = [dict(vendor="Acme"), dict(integration="Sync", tracking_id="S-1"), dict(), dict(vendor="Zed")]
calls = st.lists(st.tuples(st.integers(0, 2 * 86_400 - 1), st.sampled_from(range(len(SOURCES)))),
                 min_size=1, max_size=120)


def write_logs(folder, rows, split):
    """Calls as CSV (with a bad row and a local time), Parquet in row groups of 7, and JSON Lines."""
    rows = sorted(rows, key=lambda r: r["execution_start"])
    first, second = rows[:split], rows[split:]
    path = write_csv(folder / "a.csv", first)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("not a time,query,Tickets,1,Acme,,,u,5,ip\n")
        handle.write("2026-11-01 01:30:00,query,Tickets,1,Local,,,u,oops,ip\n")
    if second:
        write_parquet(folder / "b.parquet", second, row_group_size=7)
        with open(folder / "c.jsonl", "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps({"ts": r["execution_start"], "vendor": r["vendor"]}) + "\n"
                              for r in second[::3])


def everything(folder, zone, cache) -> list:
    """Every report a cache serves, as what a user sees: JSON, notes and
    warnings, and the caption; or the error (a file cut to its bad rows has
    no readable time), which must be the same too."""
    try:
        return _reports(folder, zone, cache)
    except ApihourlyError as exc:
        return [("error", str(exc))]


def _reports(folder, zone, cache) -> list:
    query = Query(LogSet.open([str(folder)], TimeRules(display_tz=zone), cache), zone, 2)
    days = reports.days(query)
    built = [days]
    for day in days.table.column("Date"):
        built += [reports.summary(query, parse_date(day)), reports.totals(query, parse_date(day))]
    return [("".join(json_pieces(r)), messages(r), caption(r)) for r in built]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=calls, tz=st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]), split=st.integers(0, 120),
       change=st.sampled_from(["append", "cut", "same size and time", "remove"]))
def test_reports_with_the_cache_are_the_reports_without_it(tmp_path_factory, calls, tz, split, change):
    folder, cache_dir = tmp_path_factory.mktemp("logs"), tmp_path_factory.mktemp("cache")
    write_logs(folder, [call(iso_z(ORIGIN + timedelta(seconds=s)), **SOURCES[i]) for s, i in calls], split)
    zone = ZoneInfo(tz)
    plain = everything(folder, zone, None)
    assert everything(folder, zone, Cache(cache_dir)) == plain  # cold: fills the cache
    assert everything(folder, zone, Cache(cache_dir)) == plain  # warm
    assert everything(folder, ZoneInfo("Australia/Lord_Howe"), Cache(cache_dir)) == \
        everything(folder, ZoneInfo("Australia/Lord_Howe"), None)  # one entry serves every zone
    changed(folder / "a.csv", change)
    assert everything(folder, zone, Cache(cache_dir)) == everything(folder, zone, None)


def changed(path, how: str) -> None:
    text = path.read_bytes()
    info = os.stat(path)
    if how == "append":
        path.write_bytes(text + b"2026-11-01T12:00:00Z,query,Tickets,1,Late,,,u,5,ip\n")
    elif how == "cut":
        path.write_bytes(text[:text.rindex(b"\n", 0, len(text) - 1) + 1])
    elif how == "same size and time":  # an hour later, same length, same modification time
        path.write_bytes(text.replace(b"T1", b"T2", 1) if b"T1" in text else text.replace(b"T0", b"T1", 1))
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    else:
        path.unlink()
        write_csv(path.with_name("d.csv"), [call("2026-11-01T03:00:00Z", vendor="New")])


def test_a_folder_that_cannot_be_written_is_a_note_and_the_report_runs(tmp_path, logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="V")])
    (tmp_path / "file").write_text("not a folder")
    result = run("summary", "--logs", str(logdir), "--csv", env={"APIHOURLY_CACHE_DIR": str(tmp_path / "file" / "c")})
    assert result.exit_code == 0 and "V" in result.stdout.splitlines()[0]
    assert result.stderr == (f"note: {tmp_path / 'file' / 'c'}: cache not used (not a directory); "
                             "reports still run, without it\n")


def test_a_damaged_entry_or_database_is_dropped_noted_and_rebuilt(tmp_path, logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="V")] * 3)
    env = {"APIHOURLY_CACHE_DIR": str(tmp_path / "c")}
    expected = run("days", "--logs", str(logdir), "--csv", "--no-cache").stdout
    assert run("days", "--logs", str(logdir), "--csv", env=env).stdout == expected
    with sqlite3.connect(tmp_path / "c" / "cache.sqlite") as db:
        db.execute("UPDATE entries SET data = x'789c0300' WHERE path LIKE '%a.csv'")
    damaged = run("days", "--logs", str(logdir), "--csv", env=env)
    assert damaged.stdout == expected and "a damaged cache entry was dropped and is rebuilt" in damaged.stderr
    assert run("days", "--logs", str(logdir), "--csv", env=env).stderr == ""  # rebuilt
    database = tmp_path / "c" / "cache.sqlite"
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    database.write_bytes(b"SQLite format 3\0" + b"\xff" * 200)
    broken = run("days", "--logs", str(logdir), "--csv", env=env)
    assert broken.stdout == expected and "could not be read" in broken.stderr and "it is rebuilt" in broken.stderr
    assert run("days", "--logs", str(logdir), "--csv", env=env).stderr == ""


def test_writers_at_the_same_time_leave_the_cache_valid(tmp_path, logdir):
    for day in range(1, 8):
        write_csv(logdir / f"{day}.csv", [call(f"2026-11-0{day}T1{h}:00:00Z", vendor=f"V{h}") for h in range(8)])
    env = {**os.environ, "APIHOURLY_CACHE_DIR": str(tmp_path / "c")}
    argv = [sys.executable, "-m", "apihourly", "days", "--logs", str(logdir), "--tz", "UTC", "--csv"]
    runs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [proc.communicate(timeout=120) for proc in runs]
    expected = subprocess.run([*argv, "--no-cache"], env=env, capture_output=True, check=True).stdout
    assert [out for out, _ in outputs] == [expected] * 4 and [err for _, err in outputs] == [b""] * 4
    warm = subprocess.run(argv, env=env, capture_output=True, check=True)
    assert (warm.stdout, warm.stderr) == (expected, b"")
    with sqlite3.connect(tmp_path / "c" / "cache.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_another_version_of_apihourly_reads_the_logs_again(tmp_path, logdir, monkeypatch):
    import apihourly
    from apihourly.count import build

    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="V")])
    built = []
    real = build.DigestBuilder.digest
    monkeypatch.setattr(build.DigestBuilder, "digest", lambda self, reading: built.append(1) or real(self, reading))

    def days():
        return reports.days(Query(LogSet.open([str(logdir)], TimeRules(), Cache(tmp_path / "c")), ZoneInfo("UTC")))

    days(), days()
    assert built == [1]
    monkeypatch.setattr(apihourly, "__version__", "9.9.9")
    days()
    assert built == [1, 1]


def test_no_cache_writes_nothing_and_cache_info_and_clear_say_what_is_kept(tmp_path, logdir):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="V")])
    env = {"APIHOURLY_CACHE_DIR": str(tmp_path / "c")}
    assert run("summary", "--logs", str(logdir), "--no-cache", env=env).exit_code == 0
    assert json.loads(run("cache", "info", "--json", env=env).stdout)["entries"] == 0
    assert not (tmp_path / "c").exists()  # neither --no-cache nor cache info makes one
    run("summary", "--logs", str(logdir), env=env)
    info = json.loads(run("cache", "info", "--json", env=env).stdout)
    assert (info["folder"], info["entries"], info["logs"]) == (str(tmp_path / "c"), 2, 1)
    assert info["bytes"] > 0 and info["oldest"] > 0
    assert run("cache", "clear", env=env).stdout == f"removed 2 cache entries from {tmp_path / 'c'}\n"
    assert json.loads(run("cache", "info", "--json", env=env).stdout)["entries"] == 0


def test_the_cache_folder_is_apihourly_cache_dir_else_xdg_else_home(tmp_path):
    from apihourly.read.cache import cache_folder

    assert cache_folder({"APIHOURLY_CACHE_DIR": "/a", "XDG_CACHE_HOME": "/b"}) == tmp_path.joinpath("/a")
    assert cache_folder({"XDG_CACHE_HOME": "/b"}) == tmp_path.joinpath("/b/apihourly")
    assert cache_folder({}).parts[-2:] == (".cache", "apihourly")


@pytest.mark.parametrize("command, unloaded", [("summary", "pyarrow"), ("totals", "pyarrow"), ("days", "pyarrow"),
                                               ("days", "pandas")])
def test_a_warm_run_loads_neither_pyarrow_nor_pandas(tmp_path, logdir, command, unloaded):
    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="V"), call("2026-11-16T10:00:00Z", vendor="W")])
    write_parquet(logdir / "b.parquet", [call("2026-11-14T10:00:00Z", vendor="V")])
    env = {**os.environ, "APIHOURLY_CACHE_DIR": str(tmp_path / "c")}
    probe = ("import sys, runpy; sys.argv = ['apihourly', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('apihourly', run_name='__main__')\n"
             f"finally:\n    print({unloaded!r} in sys.modules, file=sys.stderr)")
    argv = [sys.executable, "-c", probe, command, "--logs", str(logdir), "--tz", "UTC"]
    cold = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert cold.stderr.splitlines()[-1] == str(unloaded == "pyarrow")  # reading Parquet needs pyarrow, not pandas
    warm = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert warm.stderr.splitlines()[-1] == "False"


def test_what_is_kept_of_an_earlier_version_of_a_file_is_dropped(tmp_path, logdir):
    path = write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="V")])
    write_csv(logdir / "b.csv", [call("2026-11-14T10:00:00Z", vendor="W")])
    env = {"APIHOURLY_CACHE_DIR": str(tmp_path / "c")}

    def entries():
        with sqlite3.connect(tmp_path / "c" / "cache.sqlite") as db:
            return sorted(db.execute("SELECT path, COUNT(*) FROM entries GROUP BY path").fetchall())

    run("days", "--logs", str(logdir), env=env)
    before = entries()
    assert before == [(str(path), 2), (str(logdir / "b.csv"), 2)]  # a file's entry and its digest
    for hour in range(11, 14):  # a log that grows, read after each append
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"2026-11-15T{hour}:00:00Z,query,Tickets,1,V,,,u,5,ip\n")
        assert run("days", "--logs", str(logdir), "--csv", env=env).stdout.splitlines()[-1].startswith(
            f"2026-11-15,{hour - 9},")
        assert entries() == before
