"""The trainer's check, in a real browser: a participant logs in, JupyterLab opens on their copy of
the kit, and chapter 7 runs from the Run menu with its chart outputs coming back from the kernel.

Uses Debian's Chromium (skipped without it, except under CI=true, like the book's browser tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from hub import room as rooms

NOTEBOOK = "chapters/07_how_many_would_take_a_budget.ipynb"
WAIT_MS = 300_000  # a shared 2-core machine may take minutes to start a server and run a chapter


@pytest.fixture(scope="module")
def page(browser: object) -> Iterator[object]:
    """A page of the session's Chromium (tests/conftest.py; skipped without it, except under CI=true)."""
    opened = browser.new_page()
    try:
        yield opened
    finally:
        opened.close()


def test_a_participant_logs_in_and_runs_a_chapter_in_jupyterlab(room: rooms.Room, password: str, page: object) -> None:
    page.goto(f"{room.local_url}/hub/login")
    page.fill("input[name=username]", "hana")
    page.fill("input[name=password]", password)
    page.click("[type=submit]")
    page.wait_for_url(re.compile(r".*/user/hana/lab.*"), timeout=WAIT_MS)
    page.wait_for_selector(".jp-DirListing-item", timeout=WAIT_MS)
    listing = page.locator(".jp-DirListing-itemText").all_inner_texts()
    assert {"chapters", "data", "phb", "widgets"} <= set(listing)

    page.goto(f"{room.local_url}/user/hana/lab/tree/{NOTEBOOK}")
    # Loaded (more than the placeholder cell) and its kernel started (started without asking).
    page.wait_for_function("document.querySelectorAll('.jp-Notebook .jp-Cell').length > 1", timeout=WAIT_MS)
    page.wait_for_selector("text=Python 3 (phb) | Idle", timeout=WAIT_MS)
    page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=WAIT_MS)  # the Run menu
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=WAIT_MS)
    # Run All stops at the first error, so a drawn chart (student copies store no outputs) means every
    # cell before it ran. JupyterLab draws the stored Vega-Lite spec itself, on a canvas.
    page.wait_for_selector(".jp-RenderedVegaLite canvas.marks, .jp-RenderedVegaLite svg.marks", timeout=WAIT_MS)
