"""Running the CLI in tests: a fixed width, no colour, UTC, and where the
sample logs and golden tables are."""

import csv
import io
import os
from pathlib import Path

from typer.testing import CliRunner

from apihourly.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_logs"
GOLDEN = ROOT / "tests" / "golden"
SNAPSHOTS = ROOT / "tests" / "snapshots"

# What a user's shell may hold that changes what apihourly, Rich, Textual or a
# child process prints: the settings the README tells users to make, colour
# and terminal hints, the locale and the clock's zone; and the credentials and
# endpoints of object stores, which a test of s3:// URLs sets to dummies itself.
CLEARED = {"FORCE_COLOR", "NO_COLOR", "PY_COLORS", "COLORTERM", "TERM", "COLUMNS", "LINES",
           "JUPYTER_COLUMNS", "JUPYTER_LINES", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERMINAL_WIDTH",
           "TZ", "LANG", "LANGUAGE", "PYTHONIOENCODING", "DASK_SCHEDULER_ADDRESS", "GOOGLE_APPLICATION_CREDENTIALS"}
CLEARED_PREFIXES = ("APIHOURLY_", "LC_", "TEXTUAL_", "AWS_", "AZURE_")
# Credentials for the suite's own S3 server (tests/read/test_urls.py), so that
# no test ever reads the caller's, nor waits on a cloud's metadata service.
S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
          "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
# Golden files are written anew, not compared, when the suite is started with
# APIHOURLY_REGOLD=1: read here, at import, before each test clears the
# environment (conftest's known_environment).
REGOLD = bool(os.environ.get("APIHOURLY_REGOLD"))


def set_known_environment(monkeypatch, home: Path) -> None:
    """The environment every test starts from (conftest's known_environment),
    set with `monkeypatch`, HOME and the XDG folders made in `home`: also
    for module fixtures, which run before that fixture does."""
    import time

    for name in list(os.environ):
        if name in CLEARED or name.startswith(CLEARED_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")
    for name, folder in (("HOME", home), ("XDG_CACHE_HOME", home / ".cache"), ("XDG_CONFIG_HOME", home / ".config")):
        folder.mkdir(exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    time.tzset()


def run(*args, env=None, width=100):
    """The CLI in-process with a fixed width, no colour and UTC, whatever
    the caller's environment holds: module and session fixtures run before
    conftest's known_environment does, so run() clears it itself."""
    cleared = {name: None for name in os.environ if name in CLEARED or name.startswith(CLEARED_PREFIXES)}
    env = {**cleared, "COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb", "APIHOURLY_TZ": "UTC", **(env or {})}
    return CliRunner().invoke(app, list(args), env=env, prog_name="apihourly")


def parsed_csv(text):
    return list(csv.DictReader(io.StringIO(text)))
