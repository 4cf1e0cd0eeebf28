"""The browser harness sees what a page does: a request it makes, one its
Content Security Policy blocks, a dialog, an error, a download. So a test of
apihourly's HTML report that finds none of these has found something.

What Playwright 1.65 with Chromium 150 reports, found here: a request that
the page's CSP blocks is still a `request` event (its failure is "csp"), and
the page's `securitypolicyviolation` event names it; a Blob saved through
<a download> is no request at all, while a blob: URL fetched or shown as an
image is one (requests_other_than leaves those out: they are no network)."""

import asyncio
from pathlib import Path

from browserpage import CHROMIUM_FALLBACK, browser_environment, find_chromium, missing_browser_reason

NOWHERE = "http://127.0.0.1:9/x.png"  # the discard port, which Chromium refuses to connect to
NO_NETWORK = """<meta http-equiv="Content-Security-Policy" content="default-src 'none'">"""
SAVE_BLOB = """<button id="save">Save</button><script>
document.getElementById("save").onclick = () => {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob(["hour,calls\\r\\n09,1200\\r\\n"], {type: "text/csv"}));
  link.download = "calls.csv";
  link.click();
};
</script>"""


def page(folder: Path, body: str, head: str = "", name: str = "page.html") -> Path:
    path = folder / name
    path.write_text(f"<!doctype html><html><head><meta charset=utf-8>{head}</head><body>{body}</body></html>",
                    encoding="utf-8")
    return path


def never(_):
    return None


def test_with_nothing_found_there_is_no_chromium_and_the_skip_says_how_to_install_it():
    assert find_chromium({}, which=never, exists=lambda path: False) is None
    assert missing_browser_reason(None, playwright=True) == (
        "browser tests need a Chromium and Playwright: install Chromium (Debian/Ubuntu: apt-get install -y "
        "chromium), or set APIHOURLY_TEST_CHROMIUM to a Chromium program")


def test_without_playwright_the_skip_names_the_test_extra_and_with_both_nothing_is_missing():
    assert missing_browser_reason("/usr/bin/chromium", playwright=False) == (
        'browser tests need a Chromium and Playwright: install the test extra (pip install -e ".[test]"), '
        "which brings Playwright")
    assert missing_browser_reason(None, playwright=False) == (
        "browser tests need a Chromium and Playwright: install Chromium (Debian/Ubuntu: apt-get install -y "
        "chromium), or set APIHOURLY_TEST_CHROMIUM to a Chromium program; install the test extra "
        '(pip install -e ".[test]"), which brings Playwright')
    assert missing_browser_reason("/usr/bin/chromium", playwright=True) is None


def test_chromium_is_the_variables_then_the_first_name_on_path_then_debians():
    on_path = {"chromium-browser": "/snap/bin/chromium-browser", "/opt/chrome/chrome": "/opt/chrome/chrome"}.get
    assert find_chromium({"APIHOURLY_TEST_CHROMIUM": "/opt/chrome/chrome"}, which=on_path) == "/opt/chrome/chrome"
    assert find_chromium({"APIHOURLY_TEST_CHROMIUM": "/gone/chrome"}, which=on_path) == "/gone/chrome"
    assert find_chromium({"APIHOURLY_TEST_CHROMIUM": ""}, which=on_path) == "/snap/bin/chromium-browser"
    assert find_chromium({}, which=never, exists={CHROMIUM_FALLBACK}.__contains__) == "/usr/bin/chromium"


def test_chromium_runs_with_nothing_of_the_callers_environment_but_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert browser_environment(tmp_path) == {
        "PATH": "/usr/bin:/bin", "HOME": f"{tmp_path}/home", "XDG_CONFIG_HOME": f"{tmp_path}/home/.config",
        "XDG_CACHE_HOME": f"{tmp_path}/home/.cache", "XDG_DATA_HOME": f"{tmp_path}/home/.local/share",
        "TMPDIR": f"{tmp_path}/tmp", "TZ": "UTC", "LANG": "C.UTF-8"}


def test_a_quiet_page_records_nothing_but_itself_even_with_an_awkward_name(tmp_path, open_page):
    path = page(tmp_path, "<p>Calls by hour</p>", name="report 2026-11-15 é.html")
    with open_page(path) as view:
        assert view.url == "file://" + str(tmp_path).replace(" ", "%20") + "/report%202026-11-15%20%C3%A9.html"
        assert view.page.inner_text("p") == "Calls by hour"
        assert view.requests == [view.url]
        assert (view.requests_other_than(view.url), view.console_errors, view.page_errors, view.dialogs,
                view.csp_violations, view.downloads) == ([], [], [], [], [], [])


def test_an_image_from_the_network_is_a_request(tmp_path, open_page):
    with open_page(page(tmp_path, f'<img src="{NOWHERE}">')) as view:
        assert view.requests_other_than(view.url) == [NOWHERE]
        assert view.csp_violations == []


def test_an_image_the_pages_policy_blocks_is_still_a_request_and_a_violation(tmp_path, open_page):
    with open_page(page(tmp_path, f'<img src="{NOWHERE}">', head=NO_NETWORK)) as view:
        assert view.requests_other_than(view.url) == [NOWHERE]
        assert view.csp_violations == [("img-src", NOWHERE)]


def test_inline_script_and_style_the_policy_blocks_are_violations(tmp_path, open_page):
    inline = "<style>p {}</style><script>document.title = 'ran'</script>"
    with open_page(page(tmp_path, inline, head=NO_NETWORK)) as view:
        assert view.csp_violations == [("style-src-elem", "inline"), ("script-src-elem", "inline")]
        assert view.page.title() == ""


def test_a_websocket_is_a_request(tmp_path, open_page):
    with open_page(page(tmp_path, '<script>new WebSocket("ws://127.0.0.1:9/")</script>')) as view:
        assert view.requests_other_than(view.url) == ["ws://127.0.0.1:9/"]


def test_a_window_the_page_opens_is_heard_too(tmp_path, open_page):
    with open_page(page(tmp_path, '<script>window.open("http://127.0.0.1:9/more")</script>')) as view:
        assert view.requests_other_than(view.url) == ["http://127.0.0.1:9/more"]


def test_an_alert_is_recorded_and_dismissed_so_the_script_goes_on(tmp_path, open_page):
    script = "<script>alert(1); document.title = confirm('sure?') ? 'yes' : 'no'</script>"
    with open_page(page(tmp_path, script)) as view:
        assert view.dialogs == [("alert", "1"), ("confirm", "sure?")]
        assert view.page.title() == "no"


def test_an_uncaught_error_and_a_console_error_are_recorded_apart(tmp_path, open_page):
    script = "<script>console.error('drawn twice'); console.warn('slow'); throw new Error('no rows')</script>"
    with open_page(page(tmp_path, script)) as view:
        assert view.page_errors == ["no rows"]
        assert view.console_errors == ["drawn twice"]


def test_what_happens_after_a_click_is_recorded_once_read(tmp_path, open_page):
    button = "<button onclick=\"setTimeout(() => { throw new Error('late') })\">Go</button>"
    with open_page(page(tmp_path, button)) as view:
        view.page.click("button")
        assert view.page_errors == ["late"]


def test_a_blob_saved_by_a_click_comes_back_byte_for_byte_and_is_no_request(tmp_path, open_page):
    with open_page(page(tmp_path, SAVE_BLOB)) as view:
        assert view.download("#save") == b"hour,calls\r\n09,1200\r\n"
        assert view.downloads == ["calls.csv"]
        assert view.requests == [view.url]


def test_a_blob_the_page_fetches_is_a_request_but_not_network(tmp_path, open_page):
    script = """<script>
    fetch(URL.createObjectURL(new Blob(["x"]))).then(response => response.text()).then(text => document.title = text);
    </script>"""
    with open_page(page(tmp_path, script)) as view:
        view.page.wait_for_function("document.title === 'x'")
        assert [url[:10] for url in view.requests] == [view.url[:10], "blob:null/"]
        assert view.requests_other_than(view.url) == []


def test_the_page_sees_utc_and_us_english_whatever_the_callers_zone_and_language(tmp_path, open_page):
    script = """() => [Intl.DateTimeFormat().resolvedOptions().timeZone, navigator.language,
                       new Date(Date.UTC(2026, 10, 15, 9)).toString(), (1234.5).toLocaleString()]"""
    with open_page(page(tmp_path, "")) as view:
        assert view.page.evaluate(script) == [
            "UTC", "en-US", "Sun Nov 15 2026 09:00:00 GMT+0000 (Coordinated Universal Time)", "1,234.5"]


def test_chromium_keeps_its_profile_and_home_in_folders_of_the_run(tmp_path, open_page, browser, tmp_path_factory):
    with open_page(page(tmp_path, "")):
        profiles = [p.name[:31] for p in (browser.folder / "tmp").iterdir() if p.name.startswith("playwright_")]
    assert browser.folder.parent == tmp_path_factory.getbasetemp()
    assert profiles == ["playwright_chromiumdev_profile-"]
    # Chromium writes its crash-report settings under $HOME/.config even with
    # a fresh profile: here that is the run's folder, not the user's home.
    assert (browser.folder / "home" / ".config" / "chromium").is_dir()


def test_asyncio_runs_once_the_tests_that_need_the_browser_are_done():
    # Last in this file: the browser tests above leave Playwright running
    # unless the conftest stops it, and then asyncio.run() refuses to start.
    async def answer():
        return 42

    assert asyncio.run(answer()) == 42
