"""Fixtures for the book tests: the strict build and a local server (Chromium: tests/conftest.py)."""

from __future__ import annotations

import fcntl
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_pages import HTML, ROOT

from bookkit.browser import serve


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Run the strict build (warnings are errors) of the stored notebook outputs, once per session.

    Under pytest-xdist each worker asks for it: a lock lets the first build while the others wait,
    and a stamp with the run's id tells them it is done (a second build, even one that changes
    nothing, would copy the static files again under the pages another worker is reading)."""
    lock = ROOT / "_build" / ".build-stored.lock"
    stamp = ROOT / "_build" / ".build-stored.run"
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if run and stamp.is_file() and stamp.read_text() == run:
            return HTML
        stamp.unlink(missing_ok=True)
        result = subprocess.run(["make", "-s", "build-stored"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode == 0 and run:
            stamp.write_text(run)
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
