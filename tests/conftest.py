"""What every test folder shares: the repository root and one Debian Chromium per session.

Chromium is started with the same executable and flags as the PDF printer (``phb.pdf``), the one
place they are written, so the browser tests, the live JupyterLab tests and the PDF see the same
browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by pip playwright (never `playwright install`).

    Skips with a message when Chromium is missing, except under CI=true, where it must run."""
    from phb.pdf import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        message = (f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
                   "(or set PHB_CHROMIUM) to run the browser tests")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — CI=true, so browser tests must run", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
