"""A real Chromium for the tests of pages apihourly writes: finding the
system's Chromium, starting it in folders of pytest's own, and BrowserPage,
one page opened from a file with everything it tried recorded.

Playwright drives the Chromium the system has (executable_path): no browser
is ever downloaded, and `playwright install` is never needed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Self

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

CHROMIUM_VARIABLE = "APIHOURLY_TEST_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Where Debian's package puts it, for a PATH that lacks /usr/bin.
CHROMIUM_FALLBACK = "/usr/bin/chromium"
INSTALL_CHROMIUM = (f"install Chromium (Debian/Ubuntu: apt-get install -y chromium), or set {CHROMIUM_VARIABLE} "
                    "to a Chromium program")
INSTALL_PLAYWRIGHT = 'install the test extra (pip install -e ".[test]"), which brings Playwright'

# Every page sees the same clock zone and language, whatever the caller's TZ
# and LANG, and no network: the pages under test are for reading offline,
# and a request they try is still recorded (it fails instead of leaving).
CONTEXT_OPTIONS = {"timezone_id": "UTC", "locale": "en-US", "offline": True, "accept_downloads": True}

# A violation of the page's Content Security Policy is reported to the test
# through a binding, as the page's own `securitypolicyviolation` event has it.
CSP_BINDING = "__apihourlyTestCspViolation"
CSP_LISTENER = f"""document.addEventListener("securitypolicyviolation",
    event => window.{CSP_BINDING}(event.effectiveDirective, event.blockedURI));"""


def find_chromium(environ: Mapping[str, str], which: Callable[[str], str | None] = shutil.which,
                  exists: Callable[[str], bool] = os.path.exists) -> str | None:
    """The Chromium program to test with, or None when there is none."""
    if environ.get(CHROMIUM_VARIABLE):
        # Named by the caller: kept even when it is not there, so that the
        # launch fails naming it rather than the tests quietly skipping.
        return which(environ[CHROMIUM_VARIABLE]) or environ[CHROMIUM_VARIABLE]
    for name in CHROMIUM_NAMES:
        if found := which(name):
            return found
    return CHROMIUM_FALLBACK if exists(CHROMIUM_FALLBACK) else None


def missing_browser_reason(chromium: str | None, playwright: bool) -> str | None:
    """Why the browser tests cannot run here, with how to fix it; None when they can."""
    missing = [fix for fix, present in ((INSTALL_CHROMIUM, chromium), (INSTALL_PLAYWRIGHT, playwright)) if not present]
    return "browser tests need a Chromium and Playwright: " + "; ".join(missing) if missing else None


def browser_environment(folder: Path) -> dict[str, str]:
    """The whole environment Chromium runs in: nothing of the caller's but
    PATH. Its HOME and caches are folders of `folder`: Chromium writes its
    crash-report settings and dconf cache under $HOME even with a fresh profile."""
    home = folder / "home"
    return {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local" / "share"),
            "TMPDIR": str(folder / "tmp"), "TZ": "UTC", "LANG": "C.UTF-8"}


class Chromium:
    """One Chromium, started on first use and stopped by stop(); it can start again.

    Playwright's synchronous API leaves its event loop set as running in this
    thread while it is started, so that asyncio.run() (the Textual tests) fails
    until it stops: the conftest stops it once no following test needs it."""

    def __init__(self, executable: str, folder: Path):
        self.executable, self.folder = executable, folder
        self.environment = browser_environment(folder)
        self._playwright = self._browser = None

    @property
    def running(self) -> bool:
        return self._browser is not None

    def new_context(self) -> BrowserContext:
        if not self.running:
            self._start()
        return self._browser.new_context(**CONTEXT_OPTIONS)

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "TMPDIR"):
            Path(self.environment[name]).mkdir(parents=True, exist_ok=True)
        # Playwright's driver takes this process's environment when it starts:
        # its downloads and Chromium's temporary profile go to its TMPDIR.
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.environment.items():
                patch.setenv(name, value)
            self._playwright = sync_playwright().start()
        # Playwright passes --no-sandbox unless chromium_sandbox is true. As
        # root Chromium refuses to start sandboxed, so only then is it off.
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, chromium_sandbox=not as_root, env=self.environment)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._playwright = self._browser = None


class BrowserPage:
    """One file opened in a fresh context, recording everything the page
    tried: requests, console errors, uncaught errors, dialogs (dismissed),
    Content Security Policy violations and downloads.

        with open_page(path) as view:
            view.page.click("#next")
            assert view.requests_other_than(view.url) == []

    The records settle first (see settle()), so they hold what the page did
    up to the moment they are read."""

    def __init__(self, context: BrowserContext, path: Path):
        self.context = context
        self.url = Path(path).resolve().as_uri()
        self._requests: list[str] = []
        self._console_errors: list[str] = []
        self._page_errors: list[str] = []
        self._dialogs: list[tuple[str, str]] = []
        self._csp_violations: list[tuple[str, str]] = []
        self.downloads: list[str] = []
        self.closed = False
        self._listen()
        self.page: Page = context.new_page()
        self.page.goto(self.url)
        self.settle()

    def _listen(self) -> None:
        # On the context, not the page, so that windows the page opens are heard too.
        self.context.on("request", lambda request: self._requests.append(request.url))
        self.context.on("page", lambda page: page.on("websocket", lambda socket: self._requests.append(socket.url)))
        self.context.on("console", self._console)
        self.context.on("weberror", lambda error: self._page_errors.append(error.error.message))
        self.context.on("dialog", self._dialog)
        self.context.expose_binding(CSP_BINDING, lambda source, directive, blocked:
                                    self._csp_violations.append((directive, blocked)))
        self.context.add_init_script(CSP_LISTENER)

    def _console(self, message) -> None:
        if message.type == "error":
            self._console_errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self._dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    def settle(self) -> None:
        """Let the page run what it has queued and its events reach us: a
        violation, for one, is reported in a task of its own, after the load."""
        if not (self.closed or self.page.is_closed()):
            self.page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")

    def _settled(self, records: list) -> list:
        self.settle()
        return records

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for, itself first, websockets included."""
        return self._settled(self._requests)

    @property
    def console_errors(self) -> list[str]:
        return self._settled(self._console_errors)

    @property
    def page_errors(self) -> list[str]:
        return self._settled(self._page_errors)

    @property
    def dialogs(self) -> list[tuple[str, str]]:
        """(type, message) of every dialog the page opened, e.g. ("alert", "1")."""
        return self._settled(self._dialogs)

    @property
    def csp_violations(self) -> list[tuple[str, str]]:
        """(directive, what was blocked) of every violation, e.g. ("img-src", "http://...")."""
        return self._settled(self._csp_violations)

    def requests_other_than(self, url: str) -> list[str]:
        """Every URL the page asked for but `url`, in order, websockets included.

        A blob: URL of the page's own origin (blob:null/ for a file) is no
        network: it names memory the page made with URL.createObjectURL. Such
        a blob fetched or shown as an image is a request to Playwright; one
        saved through <a download> is not."""
        own_blobs = "blob:null/" if self.url.startswith("file:") else None
        return [seen for seen in self.requests if seen != url and not (own_blobs and seen.startswith(own_blobs))]

    def download(self, selector: str) -> bytes:
        """Click `selector` and return the bytes of the file that click saves;
        its suggested name is added to `downloads`."""
        with self.page.expect_download() as started:
            self.page.click(selector)
        saved = started.value
        self.downloads.append(saved.suggested_filename)
        return Path(saved.path()).read_bytes()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.context.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
