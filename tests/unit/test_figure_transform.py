"""The Sphinx extension that turns figure links into numbers with their source (bookkit.sphinx_ext).

A small book is built with myst-nb and the extension: a page whose links are right, one with an unknown
id and a text that differs from data/, a notebook whose glued value is quoted, and the figures index.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from bookkit.figures import citation_label
from phb.data import figure

FIGURE = "study2011_total_n"
OTHER = "study2011_survey_n"


class Spans(HTMLParser):
    """Every element with an id, and the attributes of each ``.phb-fig`` span."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}
        self.figures: list[dict[str, str]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.by_id[found["id"]] = found
        if "phb-fig" in found.get("class", "").split():
            self.figures.append(found)
        self._open.append(found.get("id", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.text_of[element_id] = self.text_of.get(element_id, "") + data


def write_book(src: Path) -> None:
    fig = figure(FIGURE)
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "bookkit.sphinx_ext"]\nnb_execution_mode = "off"\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Book\n\n```{toctree}\ngood\nbad\nmodel\nfigures\ngood_figures\nunused\n```\n", encoding="utf-8"
    )
    (src / "good.md").write_text(
        f"# Good\n\nThe study heard [{fig.text}](fig:{FIGURE}) people; [{fig.text}](fig:{FIGURE}) again.\n",
        encoding="utf-8",
    )
    (src / "good_figures.md").write_text("# Good's figures\n\n```{figures-index} good\n```\n", encoding="utf-8")
    (src / "unused.md").write_text("# Unused\n\n```{figures-index} unused\n```\n", encoding="utf-8")
    (src / "bad.md").write_text(
        "# Bad\n\nFirst line.\n\nNo such [12](fig:study2011_totl_n); a stale [999](fig:study2011_total_n).\n",
        encoding="utf-8",
    )
    glued = nbformat.v4.new_output(
        "display_data", data={"text/plain": "273"}, metadata={"scrapbook": {"name": "holders", "mime_prefix": ""}}
    )
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Model"),
            nbformat.v4.new_code_cell("glue_value('holders', 273)", outputs=[glued]),
            nbformat.v4.new_markdown_cell("It gives [273](glue:holders) holders, not [274](glue:holders)."),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, src / "model.ipynb")
    (src / "figures.md").write_text("# Figures\n\n```{figures-index}\n```\n", encoding="utf-8")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, build_small_book) -> tuple[Path, str]:
    """The small book built to HTML, and every warning the build gave."""
    src = tmp_path_factory.mktemp("book")
    write_book(src)
    return build_small_book(src)


def page(book: tuple[Path, str], name: str) -> Spans:
    spans = Spans()
    spans.feed((book[0] / f"{name}.html").read_text(encoding="utf-8"))
    return spans


def warnings_about(book: tuple[Path, str], name: str) -> list[str]:
    return [line for line in book[1].splitlines() if f"{name}." in line and "WARNING" in line]


def test_a_correct_figure_builds_without_warnings(book) -> None:
    assert warnings_about(book, "good") == [] and warnings_about(book, "index") == []
    assert "reference target not found" not in book[1]


def test_an_unknown_id_warns_with_document_line_and_close_ids(book) -> None:
    unknown = [w for w in warnings_about(book, "bad") if "study2011_totl_n" in w]
    assert len(unknown) == 1
    assert re.search(r"bad\.md:5: WARNING: fig:study2011_totl_n \('12'\): no figure 'study2011_totl_n'", unknown[0])
    assert FIGURE in unknown[0], "the warning suggests the close id"


def test_a_text_that_differs_from_data_warns_with_both_texts(book) -> None:
    stale = [w for w in warnings_about(book, "bad") if "says '999'" in w]
    assert len(stale) == 1 and f"data/figures.csv says '{figure(FIGURE).text}'" in stale[0]
    assert "bad.md:5" in stale[0]


def test_glued_values_are_checked_against_the_notebooks_own_glue(book) -> None:
    warned = warnings_about(book, "model")
    assert len(warned) == 1 and "the text says '274' but the glued value says '273'" in warned[0]
    notes = [page(book, "model").by_id[f["aria-describedby"]] for f in page(book, "model").figures]
    assert len(notes) == 2


def test_each_figure_is_focusable_and_described_by_its_source(book) -> None:
    spans = page(book, "good")
    fig_span, again = spans.figures
    assert fig_span["tabindex"] == "0"
    note = spans.by_id[fig_span["aria-describedby"]]
    assert note["role"] == "tooltip" and note["class"] == "phb-fig-source"
    fig = figure(FIGURE)
    said = spans.text_of[fig_span["aria-describedby"]]
    assert citation_label(fig.source_id) in said and fig.locator in said
    assert spans.text_of[fig_span["id"]].startswith(fig.text)


def test_a_page_writes_each_note_once_and_its_figures_short_ids(book) -> None:
    html = (book[0] / "good.html").read_text(encoding="utf-8")
    spans = page(book, "good")
    first, again = spans.figures
    assert (first["id"], again["id"]) == ("f1", "f2")
    assert first["aria-describedby"] == again["aria-describedby"] == "n1", "one note for one source"
    assert html.count('class="phb-fig-source"') == 1
    assert html.count('src="_static/phb-figures.js') == 1, "the script that shows a shared note"
    assert "phb-figures.js" not in (book[0] / "figures.html").read_text(encoding="utf-8"), "only where needed"


def test_a_computed_value_says_it_was_computed(book) -> None:
    spans = page(book, "model")
    said = spans.text_of[spans.figures[0]["aria-describedby"]]
    assert said.startswith("computed in this chapter by code cell 1")


def test_a_computed_value_names_the_phb_module_that_computed_it() -> None:
    from bookkit.sphinx_ext import glue_origins

    chapter = Path(__file__).resolve().parents[2] / "chapters" / "07_how_many_would_take_a_budget.ipynb"
    assert glue_origins(chapter)["up_holders"].startswith("computed in this chapter by code cell ")
    origin = glue_origins(chapter)["up_holders"]
    assert "phb.models.uptake" in origin and origin.endswith("(nbval checks the result)"), origin


def test_the_figures_index_links_each_use_and_lists_unused_figures(book) -> None:
    from phb.data import figure_ids

    html = (book[0] / "figures.html").read_text(encoding="utf-8")
    good = page(book, "good").figures[0]["id"]
    entry = re.search(rf'<dt id="figure-{FIGURE}"[^>]*>.*?</dd>', html, re.S)
    assert entry and f'href="good.html#{good}"' in entry[0] and figure(FIGURE).locator in entry[0]
    unused = re.search(rf'<dt id="figure-{OTHER}"[^>]*>.*?</dd>', html, re.S)
    assert unused and "not used on any page" in unused[0]
    assert html.count("<dt") == len(figure_ids())


def test_the_figures_index_in_parts_a_page_and_the_unused(book) -> None:
    from phb.data import figure_ids

    part = (book[0] / "good_figures.html").read_text(encoding="utf-8")
    assert part.count("<dt") == 1 and f'<dt id="figure-{FIGURE}"' in part and 'href="good.html#f1"' in part
    unused = (book[0] / "unused.html").read_text(encoding="utf-8")
    assert f'id="figure-{OTHER}"' in unused and f'id="figure-{FIGURE}"' not in unused
    assert unused.count("<dt") == len(figure_ids()) - 1, "bad.md's figure is stale, not unknown: it is used"


def test_a_changed_bibliography_refreshes_the_notes_of_unchanged_pages(tmp_path: Path, monkeypatch) -> None:
    """An incremental build re-reads every page naming a figure when data/figures.csv or the
    bibliography changed, so that the check runs again and no note is stale."""
    from sphinx.application import Sphinx

    from bookkit import figures as fl
    from bookkit import sphinx_ext

    bib = tmp_path / "references.bib"
    bib.write_text(fl.BIBLIOGRAPHY.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(sphinx_ext, "BIBLIOGRAPHY", bib)
    src = tmp_path / "book"
    src.mkdir()
    write_book(src)
    out, doctrees = src / "_build" / "html", src / "_build" / "doctrees"

    def build() -> str:
        Sphinx(str(src), str(src), str(out), str(doctrees), "html", status=None, warning=io.StringIO()).build()
        spans = page((out, ""), "good")
        return spans.text_of[spans.figures[0]["aria-describedby"]]

    label = citation_label(figure(FIGURE).source_id)
    assert label in build()
    year = label.rsplit(" ", 1)[1]
    key = figure(FIGURE).source_id
    text = bib.read_text(encoding="utf-8")
    start = text.index(f"{{{key},")
    bib.write_text(text[:start] + text[start:].replace(f"year = {{{year}}}", "year = {2099}", 1), encoding="utf-8")
    assert label.replace(year, "2099") in build()
