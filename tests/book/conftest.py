"""Fixtures for the book tests: the strict build and a local server (Chromium: tests/conftest.py)."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest


from book_pages import HTML, ROOT


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Run the strict build (warnings are errors) of the stored notebook outputs, once per session."""
    result = subprocess.run(
        ["make", "-s", "build-stored"], cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(
            "the strict book build failed:\n" + result.stdout[-6000:] + result.stderr[-6000:],
            pytrace=False,
        )
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the book as GitHub Pages does: a missing file answers 404 with the book's 404.html."""

    def log_message(self, *args: object) -> None:  # keep pytest's output readable
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def book_url(built_book: Path) -> Iterator[str]:
    """Serve the built book on 127.0.0.1 on a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


