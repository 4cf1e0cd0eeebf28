"""The environment every test starts from (tests/conftest.py), whatever the
shell that ran pytest holds; .ci/run runs the suite a second time from a
hostile one to prove it."""

import os
import subprocess
import sys
import time

import pytest
from pathlib import Path

USER_SETTINGS = ("APIHOURLY_DEBUG", "APIHOURLY_THRESHOLD", "APIHOURLY_DB_THRESHOLD", "APIHOURLY_TIME_FORMAT",
                 "APIHOURLY_LOGS", "APIHOURLY_TZ", "FORCE_COLOR", "NO_COLOR", "TERM", "COLUMNS", "LC_ALL")


def test_user_settings_are_cleared_and_the_clock_and_locale_are_known():
    assert [name for name in USER_SETTINGS if name in os.environ] == []
    assert not [name for name in os.environ if name.startswith(("APIHOURLY_", "LC_"))]
    assert (os.environ["TZ"], time.tzname, time.timezone) == ("UTC", ("UTC", "UTC"), 0)
    assert os.environ["LANG"] == "C.UTF-8"


def test_home_and_its_caches_are_fresh_empty_folders_of_pytests_own(tmp_path_factory):
    home = Path(os.environ["HOME"])
    assert home.parent == tmp_path_factory.getbasetemp()
    assert Path(os.environ["XDG_CACHE_HOME"]) == home / ".cache" and Path(os.environ["XDG_CONFIG_HOME"]) == home / ".config"
    assert sorted(p.name for p in home.iterdir()) == [".cache", ".config"]
    assert Path("~").expanduser() == home


def test_a_child_process_inherits_the_known_environment():
    code = "import os, time; print(os.environ.get('APIHOURLY_DEBUG'), os.environ['TZ'], time.tzname[0])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "None UTC UTC\n"



@pytest.fixture(scope="module")
def seen_by_a_module_fixture(tmp_path_factory):
    return dict(os.environ), tmp_path_factory.getbasetemp()


def test_module_fixtures_run_in_the_known_environment_too(seen_by_a_module_fixture):
    seen, base = seen_by_a_module_fixture
    assert not [name for name in seen if name.startswith(("APIHOURLY_", "LC_")) or name in USER_SETTINGS]
    assert (seen["TZ"], seen["LANG"]) == ("UTC", "C.UTF-8")
    assert Path(seen["HOME"]).parent == base and seen["XDG_CACHE_HOME"] == str(Path(seen["HOME"]) / ".cache")
