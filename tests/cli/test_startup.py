"""What a command imports: --help and --version stay instant, and no
report on Parquet logs pays for pandas."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from make_logs import calls_every, write_parquet


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_neither_pandas_nor_pyarrow(flag):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "apihourly", flag],
                          capture_output=True, text=True, check=True)
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "typer" in modules
    assert not {m for m in modules if m.split(".")[0] in ("pandas", "pyarrow", "numpy")}


@pytest.mark.parametrize("args, first_line", [
    (["summary", "--csv"], "Hour,"),
    (["totals", "--json"], "{"),
    (["days"], ""),
    (["activity", "--hour", "13", "--vendor", "Datto RMM", "--csv"], "Method,"),
    (["limits", "--date", "2026-11-15"], "Rolling 60-minute API usage"),
    (["limits", "--date", "2026-11-15", "--csv", "--part", "threads"], "Integration,"),
])
def test_reports_on_parquet_logs_never_import_pandas(logdir, args, first_line):
    """pandas costs a one-day report most of its run time; the counting path
    moves numbers through Arrow buffers so pyarrow never loads it."""
    loaded = _modules_loaded(logdir, args, ["pandas"])
    assert loaded["stdout"].startswith(first_line) and loaded["stdout"].strip()
    assert loaded["modules"] == []


@pytest.mark.parametrize("args", [["totals", "--csv"], ["summary", "--json"]])
def test_machine_output_loads_neither_table_drawing_nor_other_reports(logdir, args):
    """A command pays for the report it runs and the format it writes."""
    drawing = ["rich.table", "apihourly.output.tables", "apihourly.output.limits"]
    others = ["apihourly.reports.limits", "apihourly.reports.dates", "apihourly.reports.drilldown"]
    assert _modules_loaded(logdir, args, drawing + others)["modules"] == []


def _modules_loaded(logdir, args: list[str], watched: list[str]) -> dict:
    """Run the command on a small Parquet log in a fresh interpreter: its
    stdout, and which of the `watched` modules it loaded."""
    rows = calls_every(datetime(2026, 11, 14, tzinfo=timezone.utc), 2, timedelta(minutes=13))
    write_parquet(logdir / "a.parquet", rows, row_group_size=10)
    argv = ["apihourly", args[0], "--logs", str(logdir), "--tz", "UTC", *args[1:]]
    code = (f"import sys; from apihourly.cli import main; sys.argv = {argv!r}\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            f"print([m for m in {watched!r} if m in sys.modules], file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {"stdout": done.stdout, "modules": ast.literal_eval(done.stderr.strip().splitlines()[-1])}


def test_help_imports_neither_textual_nor_pandas_nor_pyarrow():
    code = ("import sys\nfrom apihourly.cli import main\nsys.argv = ['apihourly', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('textual', 'pandas', 'pyarrow') if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip().splitlines()[-1] == "[]"
    assert "browse" in result.stdout


def test_skipped_rows_and_empty_values_do_not_import_pandas(logdir):
    (logdir / "a.csv").write_text("execution_start,vendor,return_count\n2026-11-15T10:00:00Z,V,1\n"
                                  "yesterday,V,1\n2026-11-15T10:05:00Z,V,-3\n")
    code = ("import sys; from apihourly.cli import main\n"
            f"sys.argv = ['apihourly', 'summary', '--logs', {str(logdir)!r}, '--tz', 'UTC', '--csv']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('pandas' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "1 row skipped" in done.stderr and "1 unreadable return_count left empty" in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
