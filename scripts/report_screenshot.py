"""Write docs/report.png: the HTML report of the sample logs, opened in
Chromium at 2026-11-16: the header, the dates and the summary grid.

    python scripts/report_screenshot.py [CHROMIUM]   # default: chromium on PATH

Needs the test extra (Playwright) and Debian's chromium; no browser is
downloaded. The report is written to a temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "report.png"


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = sys.argv[1] if len(sys.argv) > 1 else shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "report.html"
        subprocess.run([sys.executable, "-m", "apihourly", "report", "--logs", str(ROOT / "sample_logs"),
                        "--tz", "America/New_York", "--since", "2026-11-13", "--until", "2026-11-16",
                        "--no-cache", "-o", str(page_file)], check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 1150}, timezone_id="UTC", locale="en-US")
            page.goto(page_file.as_uri() + "#2026-11-16")
            page.wait_for_selector("body[data-ready=true]")
            page.screenshot(path=str(OUT), clip={"x": 0, "y": 0, "width": 1200, "height": 1150})
            browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
