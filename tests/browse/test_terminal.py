"""`apihourly browse` needs a terminal for its keys (stdin), its screen
(stderr, where Textual draws) and stdout; anywhere else it refuses at once
instead of writing escape codes into a pipe and waiting for keys forever."""

import os
import pty
import select
import subprocess
import sys
import time

import pytest
from clirun import SAMPLES, run

REFUSAL = ("error: browse needs a terminal\n"
           "hint: to write a report to a pipe or a file, use summary, totals, days or limits with --csv or --json\n")
BROWSE = [sys.executable, "-m", "apihourly", "browse", "--logs", str(SAMPLES), "--tz", "UTC"]


def test_browse_with_stdout_in_a_pipe_exits_2_within_seconds():
    started = time.monotonic()
    done = subprocess.run(BROWSE, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", REFUSAL)
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("elsewhere", ["stdin", "stdout", "stderr"])
def test_browse_refuses_when_any_one_stream_is_not_a_terminal(elsewhere, tmp_path):
    """The other two are a real terminal: one stream off it is enough."""
    master, slave = pty.openpty()
    redirected = tmp_path / "stream"
    redirected.write_bytes(b"")
    with open(redirected, "r+b") as off:
        streams = {name: off if name == elsewhere else slave for name in ("stdin", "stdout", "stderr")}
        child = subprocess.Popen(BROWSE, **streams)
        os.close(slave)
        try:
            code = child.wait(timeout=30)
        finally:
            child.kill()
    seen = _drain(master) + (redirected.read_bytes() if elsewhere != "stdin" else b"")
    os.close(master)
    assert code == 2
    assert seen.replace(b"\r\n", b"\n").decode() == REFUSAL


def test_browse_in_the_test_runner_is_refused_after_its_options_are_checked():
    """CliRunner's streams are not terminals; a bad option still wins."""
    refused = run("browse", "--logs", str(SAMPLES))
    assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", REFUSAL)
    bad_zone = run("browse", "--logs", str(SAMPLES), "--tz", "Mars/Olympus")
    assert bad_zone.exit_code == 2 and "--tz" in bad_zone.stderr and "terminal" not in bad_zone.stderr


def _drain(master: int) -> bytes:
    """What the child wrote to the terminal, once it has exited."""
    seen = b""
    while select.select([master], [], [], 0.5)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child's side is closed
            break
        if not chunk:
            break
        seen += chunk
    return seen
