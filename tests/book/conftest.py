"""Fixtures for the book tests: the strict build and a local server (Chromium: tests/conftest.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_pages import HTML, ROOT

from bookkit.browser import serve


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Run the strict build (warnings are errors) of the stored notebook outputs, once per session."""
    result = subprocess.run(["make", "-s", "build-stored"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(
            "the strict book build failed:\n" + result.stdout[-6000:] + result.stderr[-6000:],
            pytrace=False,
        )
    return HTML


@pytest.fixture(scope="session")
def book_url(built_book: Path) -> Iterator[str]:
    """Serve the built book on 127.0.0.1 on a free port, as GitHub Pages does (bookkit.browser)."""
    with serve(built_book) as url:
        yield url
