"""The machinery every tool shares: the table of contents read once, and the local server."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from bookkit.browser import QuietHandler, serve
from bookkit.site import note_pages_read_uncommitted, refresh_execution_cache, reread_pages_dated_before_their_commit
from bookkit.toc import exclude_files_outside_toc, toc_documents, toc_pages


def test_the_toc_lists_every_document_in_book_order(tmp_path: Path) -> None:
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n"
        "  - caption: One\n    chapters:\n      - file: chapters/01_a.ipynb\n"
        "        sections:\n          - file: chapters/01b\n"
        "  - caption: Two\n    chapters:\n      - file: appendices/glossary.md\n"
    )
    assert toc_documents(tmp_path) == ["intro", "chapters/01_a", "chapters/01b", "appendices/glossary"]
    assert toc_pages(tmp_path)[1] == "chapters/01_a.html"


class _Config(dict):
    """Sphinx's config as its ``config-inited`` handlers use it: as items and as attributes."""

    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__


def _book_with_strays(root: Path) -> list[str]:
    """A small book: a toc, its pages, files it does not list (some hidden, some in excluded
    folders); the exclude patterns given to the build."""
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/01_a\n")
    for name in [
        "intro.md",
        "chapters/01_a.ipynb",
        "CHANGELOG.md",
        "chapters/draft.ipynb",
        "notes.rst",
        "_build/hub-venv/lib/site/README.md",
        "_build/jupyter_execute/01_a.ipynb",
        ".github/issue.md",
        "chapters/.ipynb_checkpoints/01_a-checkpoint.ipynb",
        "node_modules/pkg/readme.md",
        "chapters/.hidden.md",
        "data/table.csv",
        "tests/README.md",
    ]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    return ["_build", "node_modules", "tests", "**.ipynb_checkpoints"]


def test_files_outside_the_toc_are_excluded_as_sphinx_external_toc_would(tmp_path: Path) -> None:
    """The book's quick search (no walk into an excluded folder) excludes the same files as
    sphinx_external_toc's own ``external_toc_exclude_missing``, which it replaces."""
    from types import SimpleNamespace

    from sphinx_external_toc.events import parse_toc_to_env

    patterns = _book_with_strays(tmp_path)
    suffixes = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
    theirs = _Config(
        external_toc_exclude_missing=True,
        external_toc_path="_toc.yml",
        exclude_patterns=patterns,
        source_suffix=suffixes,
        master_doc="intro",
    )
    ours = _Config(theirs)
    parse_toc_to_env(SimpleNamespace(srcdir=str(tmp_path), config=theirs), theirs)
    exclude_files_outside_toc(SimpleNamespace(srcdir=str(tmp_path), config=ours), ours)
    assert sorted(ours["exclude_patterns"]) == sorted(theirs["exclude_patterns"])
    assert set(ours["exclude_patterns"]) - set(patterns) == {"CHANGELOG.md", "chapters/draft.ipynb", "notes.rst"}
    # sphinx_external_toc's own search is off once the book's has run (it would walk _build again).
    assert ours["external_toc_exclude_missing"] is False
    parse_toc_to_env(SimpleNamespace(srcdir=str(tmp_path), config=ours), ours)
    assert sorted(ours["exclude_patterns"]) == sorted(theirs["exclude_patterns"])


def test_the_search_for_files_outside_the_toc_never_enters_an_excluded_folder(tmp_path: Path) -> None:
    from bookkit.toc import files_outside_toc

    _book_with_strays(tmp_path)
    asked: list[str] = []

    def excluded(path: str) -> bool:
        asked.append(path)
        return path.split("/")[0] in {"_build", "node_modules", "tests"}

    found = files_outside_toc(
        tmp_path, lambda path: path in {"intro.md", "chapters/01_a.ipynb"}, excluded, (".md", ".ipynb", ".rst")
    )
    assert found == ["CHANGELOG.md", "notes.rst", "chapters/draft.ipynb"]
    assert not [path for path in asked if path.count("/") and path.split("/")[0] in {"_build", "node_modules"}]


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


def _book_tree(root: Path) -> None:
    """A book folder with the chapters' inputs: the package, the widgets and the data."""
    for folder, name, text in [("phb", "model.py", "X = 1\n"), ("widgets", "w.py", ""), ("data", "t.csv", "a\n1\n")]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text)


def _refresh(root: Path, mode: str = "cache") -> SimpleNamespace:
    """The config after the build's check of the chapters' inputs, in ``root`` built with ``mode``."""
    config = SimpleNamespace(nb_execution_mode=mode, nb_execution_cache_path="_build/.jupyter_cache")
    refresh_execution_cache(SimpleNamespace(confdir=str(root)), config)
    return config


def test_make_book_runs_the_chapters_again_after_a_change_to_phb_widgets_or_data(tmp_path: Path) -> None:
    """jupyter-cache keys a notebook's run on its own cells: a change under phb/ (a chart's code) kept
    the old run. The build's digest of phb/, widgets/ and data/ is kept beside the cache; while it is
    the same the cache is kept, and once it differs the cache is emptied (every chapter runs again)
    and the digest is a setting whose change makes Sphinx read every chapter again."""
    _book_tree(tmp_path)
    cache = tmp_path / "_build" / ".jupyter_cache"
    first = _refresh(tmp_path).phb_chapter_inputs
    (cache / "global.db").write_text("runs")
    assert _refresh(tmp_path).phb_chapter_inputs == first and (cache / "global.db").exists()
    (tmp_path / "phb" / "__pycache__").mkdir()
    (tmp_path / "phb" / "__pycache__" / "model.pyc").write_bytes(b"\0")  # not an input
    assert _refresh(tmp_path).phb_chapter_inputs == first and (cache / "global.db").exists()
    (tmp_path / "phb" / "model.py").write_text("X = 2\n")
    second = _refresh(tmp_path).phb_chapter_inputs
    assert second != first and not (cache / "global.db").exists()
    (cache / "global.db").write_text("runs")
    (tmp_path / "data" / "t.csv").write_text("a\n2\n")
    assert _refresh(tmp_path, mode="off").phb_chapter_inputs != second  # a build without execution
    assert (cache / "global.db").exists()  # leaves the cache alone


def test_a_page_read_before_its_change_was_committed_is_read_again(tmp_path: Path) -> None:
    """A page is dated from its source's last commit when it is read: one read while its source had
    uncommitted changes is read again by the next build, so that once committed it shows that
    commit's date (it kept the previous commit's date in every incremental build)."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("# Page\n")
    git("add", ".")
    git("commit", "-qm", "pages")
    (tmp_path / "a.md").write_text("# Page, changed\n")
    (tmp_path / "c.md").write_text("# New page\n")
    app = SimpleNamespace(srcdir=str(tmp_path))
    env = SimpleNamespace(found_docs={"a", "b", "c"}, doc2path=lambda doc: str(tmp_path / f"{doc}.md"))
    note_pages_read_uncommitted(app, env, ["a", "b", "c"])
    assert env.phb_read_uncommitted == {"a", "c"}
    assert sorted(reread_pages_dated_before_their_commit(app, env, set(), set(), set())) == ["a", "c"]
    git("add", ".")
    git("commit", "-qm", "changes")
    note_pages_read_uncommitted(app, env, ["a", "c"])  # the next build reads them again, committed
    assert env.phb_read_uncommitted == set()
    assert reread_pages_dated_before_their_commit(app, env, set(), set(), set()) == []
