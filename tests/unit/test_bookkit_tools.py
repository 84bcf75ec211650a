"""The machinery every tool shares: the table of contents read once, and the local server."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bookkit.browser import QuietHandler, serve
from bookkit.toc import toc_documents, toc_pages


def test_the_toc_lists_every_document_in_book_order(tmp_path: Path) -> None:
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n"
        "  - caption: One\n    chapters:\n      - file: chapters/01_a.ipynb\n"
        "        sections:\n          - file: chapters/01b\n"
        "  - caption: Two\n    chapters:\n      - file: appendices/glossary.md\n"
    )
    assert toc_documents(tmp_path) == ["intro", "chapters/01_a", "chapters/01b", "appendices/glossary"]
    assert toc_pages(tmp_path)[1] == "chapters/01_a.html"


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_server_answers_a_missing_page_with_the_sites_404_page(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("a page")
    (tmp_path / "404.html").write_text("not here")
    with serve(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        assert fetch(f"{url}/page.html") == (200, b"a page")
        assert fetch(f"{url}/gone.html") == (404, b"not here")
    with pytest.raises(urllib.error.URLError):  # stopped when the block ends
        urllib.request.urlopen(f"{url}/page.html", timeout=5)


def test_a_tool_can_answer_paths_of_its_own(tmp_path: Path) -> None:
    class Reference(QuietHandler):
        def do_GET(self) -> None:
            if self.path != "/reference.html":
                return super().do_GET()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"made in memory")

    with serve(tmp_path, Reference) as url:
        assert fetch(f"{url}/reference.html") == (200, b"made in memory")
        assert fetch(f"{url}/other.html")[0] == 404
