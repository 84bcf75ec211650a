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


def test_notebook_format_touches_code_cells_only_and_keeps_stored_floats(tmp_path):
    """``python -m bookkit.notebooks format``: code formatted and imports sorted cell by cell; the
    parameters cell, markdown and every stored output byte for byte as they were (ruff's own notebook
    writer re-prints floats such as 2015.2465753424658 with other last digits)."""
    import nbformat

    from bookkit.notebooks import format_cells

    path = tmp_path / "nb.ipynb"
    code = nbformat.v4.new_code_cell("import sys\nimport os\nx = {'a':1}\nprint( x , os, sys)")
    code.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2015.2465753424658"})]
    code.outputs[0]["data"]["application/json"] = {"year": 2015.2465753424658}
    params = nbformat.v4.new_code_cell("n: int = None  # a parameter's help, on one line whatever its length")
    params.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), params, code])
    nbformat.write(notebook, path)
    outputs_before = nbformat.read(path, as_version=4).cells[2].outputs

    assert format_cells(path) == 1
    again = nbformat.read(path, as_version=4)
    assert again.cells[2].source == 'import os\nimport sys\n\nx = {"a": 1}\nprint(x, os, sys)'
    assert again.cells[1].source == params.source and again.cells[0].source == "# T"
    assert again.cells[2].outputs == outputs_before
    assert path.read_text().count("2015.2465753424658") == 2  # printed as stored, in both outputs
    assert format_cells(path) == 0
