"""The README stays short enough to read, and what it leaves to docs/ is
there to follow. (That every command is in it is checked in cli/test_cli.py.)"""

import re

import pytest
from clirun import ROOT

README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")  # [text](target) and ![alt](target)


def links(page):
    return [target for target in LINK.findall(page.read_text(encoding="utf-8")) if "://" not in target]


def test_the_readme_stays_under_360_lines():
    # (220 until it had three kinds of input and a cache to explain, 250 until the HTML report,
    # 260 until logs of many tenants, 295 until logs in object storage and on a cluster,
    # 335 until the live watch, its picture and its cron and Prometheus lines)
    assert len(README.read_text(encoding="utf-8").splitlines()) < 360


def test_the_readme_links_to_the_docs_it_leaves_details_to():
    assert {t for t in links(README) if t.startswith("docs/")} >= {
        "docs/performance.md", "docs/development.md", "docs/limits.md", "docs/logs.md", "docs/output.md",
        "docs/browse.md", "docs/commands.md", "docs/report.md"}


@pytest.mark.parametrize("page", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_every_relative_link_points_to_a_file_that_exists(page):
    missing = [t for t in links(page) if not (page.parent / t).is_file()]
    assert links(page) and missing == []
