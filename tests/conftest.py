"""What every test folder shares: the repository root, and Debian's Chromium (one per session).

Chromium is started by :mod:`bookkit.browser`, the one place its executable and flags are written, so
the browser tests, the live JupyterLab tests, the workshop room's browser test and the PDF see the
same browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookkit.browser import CHROMIUM, chromium_missing, launch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Path:
    """Debian's Chromium. Skips with a message when it is missing, except under CI=true, where the
    browser tests must run (a skip there is a failure)."""
    missing = chromium_missing("run the browser tests")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing + " — CI=true, so browser tests must run", pytrace=False)
        pytest.skip(missing)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    """Debian's Chromium driven by pip playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        started = launch(playwright)
        yield started
        started.close()


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """How make test shares its tests between processes (pytest-xdist, ``-n``): each test file's
    tests in one process, in order (a notebook's cells share one kernel under nbval; module fixtures
    such as the PDF or the workshop kit are made once), except the page checks, which are shared out
    by page and colour mode (one browser visit serves every check of that page in that mode)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByFileAndPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return ByFileAndPage(config, log)


def xdist_scope(nodeid: str) -> str:
    """The scope a test runs in under xdist: its file, or its page and mode for a page check (the
    tests of every file of :data:`PAGE_CHECKS` parametrized ``[<page>-<mode>]`` share one scope, so
    one process makes that page's one visit), or the live notebooks' folder (its tests share one
    JupyterLab and one tab of it: tests/live/conftest.py's ``lab_session``)."""
    file, _, rest = nodeid.partition("::")
    if file in PAGE_CHECKS and rest.endswith("]") and "[" in rest:
        return "page:" + rest[rest.index("[") + 1 : -1]
    if file.startswith(LIVE):
        return LIVE
    return file


#: The live notebook tests' folder: one scope under xdist.
LIVE = "tests/live/"


#: The files whose tests are parametrized by page and colour mode and read test_pages' one visit of
#: that page in that mode (``visit_once``; test_pages' ``seen``).
PAGE_CHECKS = frozenset(
    {"tests/book/test_pages.py", "tests/book/test_figure_sources.py", "tests/book/test_self_check_page.py"}
)


#: Files whose tests take minutes in one process (a JupyterLab running every chapter, three PDF
#: prints, the workshop kit, papermill re-runs): under xdist they are handed out first, so that the
#: longest run side by side from the start instead of one of them running alone at the end.
LONGEST_FIRST = (
    "tests/live/test_jupyterlab.py",
    "tests/live/test_self_check_live.py",
    "tests/workshop/test_pdf.py",
    "tests/workshop/test_workshop.py",
    "tests/unit/test_stats_papermill.py",
    "tests/unit/test_uptake_papermill.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In an xdist worker, put the longest files first (the Makefile passes ``--no-loadscope-reorder``
    so that the scheduler hands scopes out in this order); a run in one process keeps its order."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {file: i for i, file in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))
