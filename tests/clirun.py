"""Running the CLI in tests: a fixed width, no colour, UTC, and where the
sample logs and golden tables are."""

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from apihourly.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_logs"
GOLDEN = ROOT / "tests" / "golden"
SNAPSHOTS = ROOT / "tests" / "snapshots"


def run(*args, env=None, width=100):
    env = {"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb", "APIHOURLY_TZ": "UTC", **(env or {})}
    return CliRunner().invoke(app, list(args), env=env, prog_name="apihourly")


def parsed_csv(text):
    return list(csv.DictReader(io.StringIO(text)))
