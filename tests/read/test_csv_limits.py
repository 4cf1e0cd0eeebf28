"""CSV records longer than pyarrow's block: read with bigger blocks, every
row counted once, and past the bound one clear error in our words."""

from __future__ import annotations

import subprocess
import sys

import pytest
from clirun import parsed_csv, run

from apihourly.read import csv as csv_reader

HEADER = "execution_start,vendor,notes\n"


def _row(minute: int, notes: str = "", vendor: str = "Datto RMM") -> str:
    return f"2026-11-15T10:{minute:02}:00Z,{vendor},{notes}\n"


def _days(path):
    result = run("days", "-l", str(path), "--csv")
    assert result.exit_code == 0, result.stderr
    return result, {row["Date"]: row["Calls"] for row in parsed_csv(result.stdout)}


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 64 KB, so that long records stay small: pyarrow keeps the
    memory it took, and a later test measures a child's peak memory, which
    on Linux includes what the test process held when it forked."""
    monkeypatch.setattr(csv_reader, "BLOCK_BYTES", 1 << 16)


@pytest.mark.parametrize("big", [
    "x" * (300 << 10),  # one line of 300 KB: more than four blocks
    '"' + "line\n" * 60_000 + '"',  # a quoted value of 300 KB over sixty thousand lines
])
@pytest.mark.parametrize("before", [0, 3])
def test_a_record_longer_than_the_block_is_read(tmp_path, small_blocks, big, before):
    path = tmp_path / "a.csv"
    rows = [_row(m) for m in range(before)] + [_row(30, big)] + [_row(40), _row(41)]
    path.write_text(HEADER + "".join(rows))
    result, calls = _days(path)
    assert calls == {"2026-11-15": str(before + 3)}
    assert result.stderr == ""


def test_a_field_of_9_mb_is_read_at_the_real_block_size(tmp_path):
    """In a process of its own, which takes the memory that needs."""
    path = tmp_path / "a.csv"
    path.write_text(HEADER + _row(1) + _row(2, "x" * (9 << 20)) + _row(3))
    child = subprocess.run([sys.executable, "-m", "apihourly", "days", "-l", str(path), "--tz", "UTC", "--csv"],
                           capture_output=True, text=True, timeout=120, check=False)
    assert (child.returncode, child.stderr) == (0, "")
    assert child.stdout.splitlines()[1].startswith("2026-11-15,3,")


def test_rows_read_before_the_blocks_grew_count_once(tmp_path, small_blocks):
    """A 300 KB value after several full blocks: the file is read again
    with bigger blocks from where it got to, refused rows counted once."""
    path = tmp_path / "a.csv"
    pad = "p" * 60
    rows = [_row(m % 60, pad) for m in range(2000)]  # about 170 KB
    rows[5] = "2026-11-15T10:05:00Z,too,many,fields\n"
    rows[1500] = "2026-11-15T10:05:00Z,too,many,fields\n"
    rows.append(_row(59, "y" * (300 << 10)))
    rows += [_row(m % 60, pad) for m in range(1000)]
    rows.append("2026-11-15T10:05:00Z,too,many,fields\n")
    path.write_text(HEADER + "".join(rows))
    result, calls = _days(path)
    assert calls == {"2026-11-15": "2999"}
    assert result.stderr == (f"warning: {path}: 3 rows skipped (3 with 4 fields, expected 3 at lines 7, 1502, "
                             "3003)\n")


def test_a_long_first_record_does_not_stop_the_header(tmp_path):
    """The header is read with blocks of 64 KB."""
    path = tmp_path / "a.csv"
    path.write_text(HEADER + _row(1, "z" * (300 << 10)) + _row(2))
    assert _days(path)[1] == {"2026-11-15": "2"}


def test_a_record_longer_than_the_bound_is_one_clear_error(tmp_path, small_blocks, monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_BLOCK_BYTES", 1 << 20)
    path = tmp_path / "a.csv"
    path.write_text(HEADER + _row(1) + _row(2, '"unclosed' + "w" * (3 << 20)))
    result = run("days", "-l", str(path))
    assert result.exit_code == 1
    assert result.stderr == (f"error: {path}: a record longer than 1 MB, the most read in one piece; "
                             'an unclosed quote (") makes the rest of a file one value\n')
    assert "straddl" not in result.stderr and "block size" not in result.stderr


def test_the_bound_is_far_above_the_block():
    assert csv_reader.MAX_BLOCK_BYTES == 256 << 20 > 16 * csv_reader.BLOCK_BYTES
