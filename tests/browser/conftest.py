"""Fixtures for tests in a real Chromium: `browser`, one Chromium for the run,
and `open_page`, a file opened in a fresh context with all it tried recorded
(browserpage.BrowserPage). Where there is no Chromium or no Playwright, the
tests that need them skip, saying how to install what is missing."""

import importlib.util
import os

import pytest
from browserpage import BrowserPage, Chromium, find_chromium, missing_browser_reason

# Read at import, before each test clears APIHOURLY_* (tests/conftest.py).
CHROMIUM = find_chromium(os.environ)
RUNNING = pytest.StashKey[Chromium]()


@pytest.fixture(scope="session")
def browser(pytestconfig, tmp_path_factory):
    reason = missing_browser_reason(CHROMIUM, importlib.util.find_spec("playwright") is not None)
    if reason:
        pytest.skip(reason)
    chromium = Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium"))
    pytestconfig.stash[RUNNING] = chromium
    yield chromium
    chromium.stop()


@pytest.fixture
def open_page(browser):
    """open_page(path) -> BrowserPage, to use in a `with`; any left open are closed after the test."""
    opened = []

    def open_(path):
        opened.append(BrowserPage(browser.new_context(), path))
        return opened[-1]

    yield open_
    for view in opened:
        view.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop Chromium when the next test does not need it: while Playwright's
    synchronous API runs, asyncio.run() fails in this thread (browserpage.Chromium).
    It starts again for a later test that needs it."""
    try:
        return (yield)
    finally:
        chromium = item.config.stash.get(RUNNING, None)
        if chromium is not None and (nextitem is None or "browser" not in nextitem.fixturenames):
            chromium.stop()
