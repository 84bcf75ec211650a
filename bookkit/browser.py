"""One place for the browser and the local server: Debian's Chromium, its flags, and the small static
server that serves a built book on 127.0.0.1.

Why one place: the PDF printer (:mod:`bookkit.pdf`), the browser and live tests (``tests/conftest.py``),
the workshop room's browser test and the benchmarks must all see the same browser started the same way,
and the same server answering as the published site does. Each imports these names; none keeps a copy.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Debian's Chromium (``apt-get install -y chromium``); ``PHB_CHROMIUM`` points elsewhere.
CHROMIUM = Path(os.environ.get("PHB_CHROMIUM", "/usr/bin/chromium"))

#: Headless, and nothing that would reach another host (updates, sync, QUIC probes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_missing(purpose: str) -> str | None:
    """None if Chromium is installed; otherwise a one-line message saying what to install for ``purpose``."""
    if CHROMIUM.exists():
        return None
    return (
        f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
        f"(or set PHB_CHROMIUM) to {purpose}"
    )


def launch(playwright: object) -> object:
    """Start :data:`CHROMIUM` with :data:`CHROMIUM_ARGS` through pip playwright (never
    `playwright install`, which downloads browsers)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)  # type: ignore[attr-defined]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as GitHub Pages does: a missing file answers 404 with the site's ``404.html`` when
    there is one; logs nothing (test and tool output stays readable)."""

    def log_message(self, *args: object) -> None:
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


@contextmanager
def serve(directory: Path, handler_class: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 on a free port for as long as the block runs; yields its base URL.

    ``handler_class`` (a :class:`QuietHandler`) lets a tool answer a few paths of its own, as the
    benchmarks' reference page does."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # serve_forever checks for shutdown every poll_interval (0.5 s by default): every block ended
    # up to half a second late. The check is cheap; a twentieth of a second is plenty.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
