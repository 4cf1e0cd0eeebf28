"""Fixtures shared by every test. Helpers to build logs are in make_logs.py,
the known day in fixtures.py, the CLI runner in clirun.py."""

import time
from pathlib import Path

import pytest
from clirun import S3_ENV, set_known_environment
from hypothesis import settings

# Hypothesis keeps found examples and caches in .hypothesis/ beside the
# tests by default: a run writes nothing outside its temporary folders.
settings.register_profile("hermetic", database=None)
settings.load_profile("hermetic")

_HYPOTHESIS_HOME: list[str] = []


def pytest_configure(config):
    """Before collection, which already writes Hypothesis's caches."""
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    _HYPOTHESIS_HOME.append(tempfile.mkdtemp(prefix="apihourly-hypothesis-"))
    set_hypothesis_home_dir(_HYPOTHESIS_HOME[-1])


def pytest_unconfigure(config):
    import shutil

    for folder in _HYPOTHESIS_HOME:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def known_session_environment(tmp_path_factory):
    """The known environment for the whole run too (a home of its own):
    module and session fixtures, which run before known_environment, and
    the processes they start, see it rather than the caller's shell."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        set_known_environment(monkeypatch, tmp_path_factory.mktemp("session-home"))
        yield
    time.tzset()


@pytest.fixture(autouse=True)
def known_environment(monkeypatch, tmp_path_factory):
    """Every test starts from the same environment, whatever the caller's
    shell holds, and so do the processes it starts (they inherit os.environ).
    A test that wants a variable sets it itself (clirun.run passes an env).

    TZ is UTC rather than unset, so that "this machine's zone" and "today"
    do not depend on /etc/localtime. LANG is C.UTF-8: a child reads and
    writes UTF-8 (log names are not all ASCII) with no language's formats,
    and where that locale is missing Python still falls back to UTF-8.
    HOME and the XDG folders are new folders of pytest's temporary tree, so
    no cache or configuration is read from, or written to, the user's home
    (beside tmp_path, not in it: tests compare tmp_path's listing)."""
    set_known_environment(monkeypatch, tmp_path_factory.mktemp("home"))
    yield
    monkeypatch.undo()
    time.tzset()


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


@pytest.fixture(scope="session")
def dask_scratch(tmp_path_factory):
    """A temporary folder for Dask's files (its default is the system's,
    shared), set for this process and given to workers started here."""
    dask = pytest.importorskip("dask", reason="the cluster tests need apihourly[dask]")
    folder = tmp_path_factory.mktemp("dask")
    with dask.config.set({"temporary-directory": str(folder)}):
        yield folder


@pytest.fixture(scope="session")
def scheduler(dask_scratch):
    """The address of a real Dask cluster for the suite: a LocalCluster of
    2 single-threaded worker processes, their files in a temporary folder
    and, for logs in the test S3 server, its dummy credentials (never the
    caller's)."""
    distributed = pytest.importorskip("distributed", reason="the cluster tests need apihourly[dask]")
    env = {**S3_ENV, "DASK_TEMPORARY_DIRECTORY": str(dask_scratch)}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  local_directory=str(dask_scratch), env=env) as cluster:
        yield cluster.scheduler_address
