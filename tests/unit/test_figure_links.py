"""Figures named once in the prose: the convert, sync and check tools, and the chapters as stored."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from bookkit import figures as fl
from phb.data import figure

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "appendices").glob("*.ipynb"))
FIGURE = "study2011_total_n"


def glue_output(name: str, text: str) -> nbformat.NotebookNode:
    """A stored myst-nb glue output, as a run notebook carries it."""
    return nbformat.v4.new_output(
        "display_data", data={"text/plain": text}, metadata={"scrapbook": {"name": name, "mime_prefix": ""}}
    )


def old_style_notebook(path: Path) -> Path:
    """A chapter written the old way: {glue} roles, a glue_figures call, a glued model result."""
    setup = nbformat.v4.new_code_cell(
        "from phb.book import glue_figures, glue_value\n\n"
        f'glued = glue_figures([\n    "{FIGURE}",\n])\nglue_value("ch_holders", 273)\n',
        outputs=[glue_output("ch_holders", "273")],
    )
    prose = nbformat.v4.new_markdown_cell(f"Of {{glue}}`{FIGURE}` people, {{glue}}`ch_holders` would take a budget.")
    nbformat.write(nbformat.v4.new_notebook(cells=[setup, prose]), path)
    return path


def test_convert_names_each_figure_once_and_keeps_computed_glue(tmp_path: Path) -> None:
    path = old_style_notebook(tmp_path / "ch.ipynb")
    assert fl.main(["convert", str(path)]) == 0
    notebook = nbformat.read(path, as_version=4)
    text = figure(FIGURE).text
    assert notebook.cells[1].source == (
        f"Of [{text}](fig:{FIGURE}) people, [273](glue:ch_holders) would take a budget."
    )
    assert notebook.cells[0].source == 'from phb.book import glue_value\n\nglue_value("ch_holders", 273)\n'
    before = path.read_bytes()
    assert fl.main(["convert", str(path)]) == 0
    assert path.read_bytes() == before, "convert must be idempotent"


def test_convert_keeps_glue_figures_of_ids_that_are_not_figures() -> None:
    code = 'from phb.book import glue_figures\n_ = glue_figures(["not_a_figure", "study2011_total_n"])\n'
    assert fl.drop_figure_glue(code, fl.figure_texts()) == (
        "from phb.book import glue_figures\n_ = glue_figures(['not_a_figure'])\n"
    )


def test_convert_refuses_a_name_neither_in_data_nor_glued(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ch.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("{glue}`nowhere`")]), path)
    assert fl.main(["convert", str(path)]) == 1
    assert "{glue}`nowhere` is neither a figure" in capsys.readouterr().err
    assert "{glue}`nowhere`" in nbformat.read(path, as_version=4).cells[0].source


def test_check_lists_unknown_ids_and_stale_texts_and_sync_mends_what_it_can(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ch.ipynb"
    prose = f"[999](fig:{FIGURE}) and [272](glue:ch_holders), [1](fig:no_such_figure), [2](glue:no_such_value)."
    cells = [
        nbformat.v4.new_code_cell("", outputs=[glue_output("ch_holders", "273")]),
        nbformat.v4.new_markdown_cell(prose),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert fl.main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"fig:{FIGURE}: the text says '999', it should say '{figure(FIGURE).text}'" in err
    assert "glue:ch_holders: the text says '272', it should say '273'" in err
    assert "fig:no_such_figure: no figure with this id" in err
    assert "glue:no_such_value: this notebook glues no value" in err
    assert fl.main(["sync", str(path)]) == 1  # the two unknown keys cannot be mended
    source = nbformat.read(path, as_version=4).cells[1].source
    assert source.startswith(f"[{figure(FIGURE).text}](fig:{FIGURE}) and [273](glue:ch_holders)")
    assert len(fl.check(path, fl.figure_texts())) == 2


def test_link_text_round_trips_markdown_specials() -> None:
    for text in ("£3,050", "11.9% to 22%", "a_b*c", "[x]", "$5", "1 < 2", r"back\slash"):
        escaped = fl.escape_text(text)
        match = fl.LINK.fullmatch(f"[{escaped}](fig:x)")
        assert match and fl.unescape_text(match["text"]) == text


def test_source_note_quotes_the_source_or_says_how_the_figure_was_derived() -> None:
    fig = figure(FIGURE)
    note = fl.source_note(fig)
    assert fl.citation_label(fig.source_id) in note and fig.locator in note
    quoted = type(
        "Quoted",
        (),
        {**{k: getattr(fig, k) for k in ("source_id", "locator", "note", "derived")}, "quote": "162 people"},
    )()
    assert fl.source_note(quoted).startswith("“162 people” — ")
    derived = [f for f in map(figure, fl.figure_texts()) if f.derived]
    assert derived and fl.source_note(derived[0]).startswith("derived: ")


def test_citation_labels_are_author_and_year() -> None:
    assert fl.citation_label("incontrol2014poetphb") == "In Control 2014"
    assert fl.citation_label("alakeson2014poet") == "Alakeson 2014"
    assert fl.citation_label("jones2013phb") == "Jones et al. 2013"  # "and others" in the BibTeX


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_name_figures_by_link_and_every_link_matches(path: Path) -> None:
    """No {glue} markup left (JupyterLab would show it raw), and every figure or glued value a chapter
    names says what data/ or its own stored glue says."""
    problems = fl.check(path, fl.figure_texts())
    assert not problems, "\n".join(problems[:20]) + "\n(fix: python -m bookkit.figures convert/sync)"
