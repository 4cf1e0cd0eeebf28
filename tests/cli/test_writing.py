"""Where a report goes and what happens when it cannot get there: -o never
destroys a log, a device, a FIFO, a symlink or a file's mode; a report that
could not be written is one error line and exit 1; a reader that closes the
pipe early never changes the verdict; a signal never leaves a temporary file.

Everything is written inside tmp_path: devices are made there with mknod or
mkfifo, and /dev/full is only a subprocess's stdout."""

import errno
import gzip
import io
import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from clirun import parsed_csv, run
from make_logs import call, write_csv

CHILD_SETTINGS = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "APIHOURLY_TZ": "UTC"}


def child_env() -> dict[str, str]:
    """The test's environment (cleaned by conftest) as it is when the child
    starts, not as it was when this module was imported."""
    return {**os.environ, **CHILD_SETTINGS}


@pytest.fixture
def log(logdir):
    return write_csv(logdir / "calls.csv", [call("2026-11-15T10:00:00Z", vendor="V"),
                                             call("2026-11-15T10:01:00Z", vendor="V")])


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def days_csv(log) -> str:
    return run("days", "-l", str(log), "--csv").stdout


def assert_refused(result, line):
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", line + "\n")


# -o never destroys ------------------------------------------------------

def test_o_refuses_to_write_over_the_log_it_reads(log):
    before = log.read_bytes()
    result = run("summary", "-l", str(log), "-o", str(log))
    assert_refused(result, f"error: {log}: is a log this command reads; -o never writes over its input")
    assert log.read_bytes() == before and listing(log.parent) == ["calls.csv"]


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_o_refuses_a_link_to_a_log_found_in_a_folder(log, tmp_path, link):
    other = tmp_path / "report.csv"
    (os.symlink if link == "symlink" else os.link)(log, other)
    before = log.read_bytes()
    result = run("totals", "-l", str(log.parent), "-o", str(other))
    assert_refused(result, f"error: {other}: is a log this command reads ({log}); -o never writes over its input")
    assert log.read_bytes() == before and other.read_bytes() == before
    assert listing(tmp_path) == ["logs", "report.csv"] and listing(log.parent) == ["calls.csv"]


def test_o_writes_through_a_symlink_to_its_target(log, tmp_path):
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "latest.csv"
    target.write_text("old report\n")
    link = tmp_path / "report.csv"
    link.symlink_to(target)
    result = run("days", "-l", str(log), "-o", str(link))
    assert result.exit_code == 0 and result.stderr == f"wrote: 1 row to {link}\n"
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == days_csv(log)
    assert listing(tmp_path) == ["logs", "report.csv", "reports"] and listing(target.parent) == ["latest.csv"]


def test_o_keeps_the_old_files_mode(log, tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old report\n")
    target.chmod(0o640)
    assert run("days", "-l", str(log), "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == days_csv(log)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_0666_less_the_umask(log, tmp_path, umask, mode):
    before = os.umask(umask)
    try:
        result = run("days", "-l", str(log), "-o", str(tmp_path / "report.csv"))
    finally:
        os.umask(before)
    assert result.exit_code == 0
    assert stat.S_IMODE((tmp_path / "report.csv").stat().st_mode) == mode


def test_o_writes_into_a_fifo_without_replacing_it(log, tmp_path):
    fifo = tmp_path / "report.csv"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("days", "-l", str(log), "-o", str(fifo))
    reader.join(timeout=10)
    assert result.exit_code == 0 and result.stderr == f"wrote: 1 row to {fifo}\n"
    assert received == [days_csv(log).encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and listing(tmp_path) == ["logs", "report.csv"]


def test_o_writes_into_a_character_device_without_replacing_it(log, tmp_path):
    null = tmp_path / "null"
    try:  # the kernel's null device, made here rather than touching /dev/null
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    result = run("days", "-l", str(log), "-o", str(null))
    assert result.exit_code == 0 and result.stderr == f"wrote: 1 row to {null}\n"
    assert stat.S_ISCHR(null.lstat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    assert listing(tmp_path) == ["logs", "null"]


def test_o_refuses_a_socket(log, tmp_path):
    path = tmp_path / "s.csv"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        result = run("days", "-l", str(log), "-o", str(path))
    finally:
        server.close()
    assert_refused(result, f"error: {path}: is not a file, character device or FIFO; -o writes only to those")
    assert stat.S_ISSOCK(path.lstat().st_mode)


@pytest.mark.parametrize("extra", [[], ["--csv"], ["--json"]])
def test_o_dash_is_stdout(log, tmp_path, monkeypatch, extra):
    monkeypatch.chdir(tmp_path)  # where a file named "-" would have appeared
    result = run("days", "-l", str(log), "-o", "-", *extra)
    expected = run("days", "-l", str(log), "--json" if "--json" in extra else "--csv")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, "")
    assert listing(tmp_path) == ["logs"]


def test_names_of_open_descriptors_are_not_files():
    from apihourly.cli import _output
    from apihourly.output.export import descriptor_of

    for name in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "-"]:
        assert _output(False, False, Path(name), False).path is None
        assert _output(False, True, Path(name), False).fmt == "json"
    assert [descriptor_of(Path(p)) for p in ["/dev/stderr", "/dev/fd/7", "/dev/../dev/stdin", "/dev/null"]] == [
        2, 7, 0, None]


def test_dev_fd_writes_to_the_open_descriptor_not_a_new_file(log, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("kept\n")
    inode = target.stat().st_ino
    fd = os.open(target, os.O_WRONLY | os.O_APPEND)  # as a shell's `>>` opens it
    try:
        result = run("days", "-l", str(log), "-o", f"/dev/fd/{fd}")
    finally:
        os.close(fd)
    assert result.exit_code == 0 and result.stderr == f"wrote: 1 row to /dev/fd/{fd}\n"
    assert target.read_text() == "kept\n" + days_csv(log) and target.stat().st_ino == inode
    assert listing(tmp_path) == ["logs", "out.txt"]


def test_dev_stdout_writes_to_what_the_shell_opened(log, tmp_path):
    # Guarded: a build that still renamed over /dev/stdout would replace the
    # machine's /dev/stdout, so the command runs only once the name is known
    # to mean stdout.
    test_names_of_open_descriptors_are_not_files()
    out = tmp_path / "out.txt"
    out.write_text("kept\n")
    inode = out.stat().st_ino
    with out.open("a") as stdout:
        done = subprocess.run([sys.executable, "-m", "apihourly", "days", "-l", str(log), "-o", "/dev/stdout"],
                              stdout=stdout, stderr=subprocess.PIPE, text=True, env=child_env(), timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert out.read_text() == "kept\n" + days_csv(log) and out.stat().st_ino == inode


@pytest.mark.parametrize("name", ["report.csv.gz", "report.json.gz", "REPORT.CSV.GZ"])
def test_a_gz_name_is_written_gzipped(log, tmp_path, name):
    target = tmp_path / name
    assert run("days", "-l", str(log), "-o", str(target)).exit_code == 0
    assert target.read_bytes()[:2] == b"\x1f\x8b"
    text = gzip.decompress(target.read_bytes()).decode()
    if shutil.which("gzip"):
        assert subprocess.run(["gzip", "-dc", str(target)], capture_output=True, text=True, check=True).stdout == text
    if ".json" in name:
        assert json.loads(text)["rows"][0]["calls"] == 2
    else:
        assert text == days_csv(log) and parsed_csv(text)[0]["Calls"] == "2"


# A report that cannot be written: one line, exit 1, nothing lost or left --

def test_a_folder_is_not_replaced(log, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    assert_refused(run("days", "-l", str(log), "-o", str(folder)), f"error: {folder}: is a folder")
    assert listing(folder) == [] and listing(tmp_path) == ["logs", "reports"]


def test_a_missing_folder_is_one_line(log, tmp_path):
    target = tmp_path / "missing" / "report.csv"
    assert_refused(run("days", "-l", str(log), "-o", str(target)), f"error: {target}: its folder does not exist")
    assert listing(tmp_path) == ["logs"]


def test_a_file_in_place_of_a_folder_is_one_line(log, tmp_path):
    (tmp_path / "notes").write_text("x")
    target = tmp_path / "notes" / "report.csv"
    assert_refused(run("days", "-l", str(log), "-o", str(target)),
                   f"error: {target}: part of its folder is a file, not a folder")


@pytest.mark.parametrize("code, why", [(errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system")])
def test_a_folder_that_cannot_be_written_is_one_line(log, tmp_path, monkeypatch, code, why):
    # Root can write anywhere and tests cannot mount a read-only file system:
    # the error is raised where the kernel would raise it, creating the file.
    def refuse(target):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr("apihourly.output.export._create_temp", refuse)
    target = tmp_path / "report.csv"
    target.write_text("old report\n")
    assert_refused(run("days", "-l", str(log), "-o", str(target)), f"error: {target}: {why}")
    assert target.read_text() == "old report\n" and listing(tmp_path) == ["logs", "report.csv"]


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary_file(log, tmp_path, monkeypatch):
    real_fsync = os.fsync
    created = []

    def full(fd):  # delayed allocation: a full disk often shows only when the data is synced
        created.extend(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
        real_fsync(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "report.csv"
    target.write_text("old report\n")
    assert_refused(run("days", "-l", str(log), "-o", str(target)), f"error: {target}: no space left on device")
    assert created and created[0].startswith(".report.csv.")
    assert target.read_text() == "old report\n" and listing(tmp_path) == ["logs", "report.csv"]


# A reader that leaves early, stdout that is closed or full -------------

FORMATS = ["table", "--csv", "--json"]
BREACHING = ["summary", "days", "limits"]
# Two calls a minute apart are over a rolling threshold of 1; the third row
# is skipped with a warning, which must still be shown after a broken pipe.
WARNING_ROWS = [call("2026-11-15T10:00:00Z", vendor="V"), call("2026-11-15T10:01:00Z", vendor="V"),
                call("not a time", vendor="V")]


@pytest.fixture(scope="module")
def warned(tmp_path_factory):
    return write_csv(tmp_path_factory.mktemp("warned") / "calls.csv", WARNING_ROWS)


def command_args(logs, command, fmt, breach=False):
    args = [command, "-l", str(logs), *([] if fmt == "table" else [fmt])]
    if command == "activity":
        args += ["--hour", "10", "--vendor", "V"]
    if breach:
        args += ["--fail-on-breach", "--db-threshold", "1"]
    return args


class GonePipe(io.StringIO):
    """stdout whose reader has left: every write fails as a pipe's would."""

    def write(self, text):
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


MATRIX = [(c, f, True) for c in BREACHING for f in FORMATS] + [
    ("summary", "table", False), ("days", "--csv", False), ("limits", "--json", False),
    ("activity", "table", False), ("totals", "--csv", False), ("activity", "--json", False)]


@pytest.mark.parametrize("command, fmt, breach", MATRIX)
def test_a_reader_that_leaves_early_changes_neither_the_verdict_nor_the_warnings(
        warned, monkeypatch, command, fmt, breach):
    args = command_args(warned, command, fmt, breach)
    in_full = run(*args)
    assert in_full.exit_code == (3 if breach else 0), in_full.stderr
    quieted = []
    monkeypatch.setattr("apihourly.cli._stdout", GonePipe)
    monkeypatch.setattr("apihourly.cli._quiet_stdout", lambda: quieted.append(True))
    piped = run(*args)
    assert (piped.exit_code, piped.stdout, piped.stderr) == (in_full.exit_code, "", in_full.stderr)
    assert f"\nwarning: {warned}: 1 row skipped" in "\n" + piped.stderr
    assert ("\nbreach: " in piped.stderr) == breach and quieted == [True]


# The same in real processes, one per format and command: Rich's own broken
# pipe handling, and the interpreter's last flush, are part of what is checked.
PROCESSES = {
    "gone summary table": ("gone", "summary", "table", True),
    "gone days --csv": ("gone", "days", "--csv", True),
    "gone limits --json": ("gone", "limits", "--json", True),
    "head activity --csv": ("head", "activity", "--csv", False),
    "full summary table": ("full", "summary", "table", False),
    "full days --csv": ("full", "days", "--csv", False),
    "closed limits table": ("closed", "limits", "table", True),
    "closed totals --json": ("closed", "totals", "--json", False),
}


def start(setup, args):
    """The command in a subprocess with stdout set up as `setup` says."""
    argv = [sys.executable, "-m", "apihourly", *args]
    if setup in ("head", "closed"):
        shell = {"head": '"$@" | head -c 1 > /dev/null; exit ${PIPESTATUS[0]}', "closed": 'exec "$@" >&-'}[setup]
        return subprocess.Popen(["bash", "-c", shell, "bash", *argv], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=child_env())
    if setup == "full":
        with open("/dev/full", "w") as full:
            return subprocess.Popen(argv, stdout=full, stderr=subprocess.PIPE, text=True, env=child_env())
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    process.stdout.close()  # the reader left before the first byte, as `| true` does
    return process


@pytest.fixture(scope="module")
def finished(warned):
    """Every process started at once, then waited for: name -> (exit code,
    stderr, the same command's result in-process, stdout intact)."""
    args = {name: command_args(warned, *case[1:]) for name, case in PROCESSES.items()}
    processes = {name: start(case[0], args[name]) for name, case in PROCESSES.items()}
    return {name: (*ended(process), run(*args[name])) for name, process in processes.items()}


def ended(process):
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


@pytest.mark.parametrize("name", [n for n in PROCESSES if n.startswith(("gone", "head"))])
def test_a_process_whose_reader_leaves_early_keeps_its_verdict_and_warnings(finished, name):
    code, stderr, in_full = finished[name]
    assert in_full.exit_code == (3 if PROCESSES[name][3] else 0)
    assert (code, stderr) == (in_full.exit_code, in_full.stderr)
    assert "\nwarning: " in "\n" + stderr and "Traceback" not in stderr and "Exception ignored" not in stderr


@pytest.mark.parametrize("name, line", [
    ("full summary table", "error: stdout: no space left on device"),
    ("full days --csv", "error: stdout: no space left on device"),
    ("closed limits table", "error: stdout: not open for writing"),
    ("closed totals --json", "error: stdout: not open for writing"),
])
def test_stdout_that_cannot_be_written_is_one_line_and_exit_1(finished, name, line):
    code, stderr, _ = finished[name]
    assert (code, stderr) == (1, line + "\n")


# Signals while -o writes --------------------------------------------------

SLOW_SYNC = """
import os, sys, time
from apihourly import cli

def slow(fd):  # a slow disk: the temporary file exists and is being written
    print("syncing", file=sys.stderr, flush=True)
    time.sleep(60)

os.fsync = slow
cli.main()
"""


def test_sigterm_while_writing_leaves_the_old_file_and_no_temporary_file(log, tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old report\n")
    process = subprocess.Popen([sys.executable, "-c", SLOW_SYNC, "days", "-l", str(log), "-o", str(target)],
                               stderr=subprocess.PIPE, text=True, env=child_env())
    try:
        ready, _, _ = select.select([process.stderr], [], [], 60)
        assert ready and process.stderr.readline() == "syncing\n"
        assert [p.name.startswith(".report.csv.") for p in tmp_path.iterdir()].count(True) == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 128 + signal.SIGTERM
        assert process.stderr.read() == ""
    finally:
        process.kill()
        process.stderr.close()
    assert target.read_text() == "old report\n" and listing(tmp_path) == ["logs", "report.csv"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_raise_while_writing_and_are_restored_after(sig):
    from apihourly.cli import _signals_end_cleanly

    inherited = signal.signal(sig, signal.SIG_DFL)  # as a shell leaves it; nohup would ignore SIGHUP
    try:
        with pytest.raises(SystemExit) as raised, _signals_end_cleanly():
            os.kill(os.getpid(), sig)  # handled before the next line runs
            pytest.fail("the signal did not raise")
        assert raised.value.code == 128 + sig and signal.getsignal(sig) is signal.SIG_DFL
    finally:
        signal.signal(sig, inherited)


def test_an_ignored_signal_stays_ignored():
    from apihourly.cli import _signals_end_cleanly

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with _signals_end_cleanly():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, before)


def test_csv_to_a_terminal_shows_escape_sequences_and_to_a_pipe_stays_exact(logdir):
    """An OSC 52 sequence in a vendor name would write the terminal's clipboard."""
    import os
    import pty
    import subprocess
    import sys

    from make_logs import call, write_csv

    write_csv(logdir / "a.csv", [call("2026-11-15T10:00:00Z", vendor="\x1b]52;c;ZXZpbA==\x07evil")])
    argv = [sys.executable, "-m", "apihourly", "summary", "--logs", str(logdir), "--tz", "UTC", "--csv"]
    master, slave = pty.openpty()
    child = subprocess.Popen(argv, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    child.wait()
    os.close(master)
    assert child.returncode == 0
    assert b"\x1b" not in seen and b"\x07" not in seen
    assert seen.splitlines()[0] == b"Hour,\\x1b]52;c;ZXZpbA==\\x07evil,Total calls"
    piped = subprocess.run(argv, capture_output=True, check=True).stdout
    assert piped.splitlines()[0] == b"Hour,\x1b]52;c;ZXZpbA==\x07evil,Total calls"
