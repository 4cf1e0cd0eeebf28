"""The README's picture of `apihourly watch` (docs/watch.svg) is what the
drawing makes now: scripts/watch_screenshot.py draws it from a fixed log
and clock; APIHOURLY_REGOLD=1 writes it anew."""

from __future__ import annotations

import importlib.util
import re

import clirun
from clirun import ROOT


def drawn() -> str:
    spec = importlib.util.spec_from_file_location("watch_screenshot", ROOT / "scripts" / "watch_screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.screenshot()


def normalised(svg: str) -> str:
    return re.sub(r"terminal-\d+", "terminal", svg)  # Rich's class names hash the content


def test_the_readme_screenshot_is_the_current_drawing(tmp_path):
    svg = drawn()
    picture = ROOT / "docs" / "watch.svg"
    if clirun.REGOLD:
        picture.write_text(svg, encoding="utf-8")
    (tmp_path / "watch.svg").write_text(svg, encoding="utf-8")
    assert normalised(svg) == normalised(picture.read_text(encoding="utf-8")), f"see {tmp_path / 'watch.svg'}"
    text = re.sub(r"<[^>]+>", "", svg).replace("&#160;", " ")
    assert "7,786 of 10,000 calls (77.9%); 75% tier: about +1 s per call" in text
    assert re.search(r"Billing Sync\s*1,206\s*465\s*69\s*rising", text)
