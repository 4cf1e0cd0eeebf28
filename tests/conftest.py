"""Fixtures shared by every test. Helpers to build logs are in make_logs.py,
the known day in fixtures.py, the CLI runner in clirun.py."""

from pathlib import Path

import pytest


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def known_logs(tmp_path_factory) -> Path:
    """The folder of fixtures.build_known_day, written once per run."""
    from fixtures import build_known_day

    return build_known_day(tmp_path_factory.mktemp("known"))


@pytest.fixture(scope="session")
def known_query(known_logs):
    """A query over the known day, in UTC (the day's dates are UTC dates)."""
    from zoneinfo import ZoneInfo

    from apihourly.read.scan import LogSet
    from apihourly.reports import Query

    return Query(LogSet.open([str(known_logs)]), ZoneInfo("UTC"))
