"""Chapters are read in JupyterLab as well as in the book: their Markdown uses no role that a live
notebook shows as markup or as a bare key ({glue}, {cite}, {term}, {doc}), and every citation or
term link turns back into a role the book resolves."""

from pathlib import Path

import nbformat
import pytest

from bookkit import prose

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
LIVE_UNFRIENDLY = ("{glue}", "{glue:", "{cite}", "{cite:", "{term}", "{doc}")


def _markdown(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_prose_reads_in_a_live_notebook(path):
    text = _markdown(path)
    found = [role for role in LIVE_UNFRIENDLY if role in text]
    assert not found, (
        f"{path.name} uses {found}: write [text](cite:key), [text](<term:a term>), "
        f"[text](fig:id) or [title](chapter.ipynb) (python -m bookkit.prose convert)"
    )


def test_links_become_the_roles_the_book_resolves():
    text = (
        "[Jones et al. 2013; BMJ 2012](cite:jones2013phb,bmj2012phbeval) and "
        "[budget holders](<term:budget holder>) and [POET](term:POET)"
    )
    assert prose.to_roles(text) == (
        "{cite}`jones2013phb,bmj2012phbeval` and {term}`budget holders <budget holder>` and {term}`POET`"
    )


def test_roles_become_links_that_round_trip(tmp_path):
    text = "{cite}`jones2013phb` and {term}`holders <budget holder>` and {term}`POET`"
    links = prose.to_links(text, tmp_path)
    assert links == ("[Jones et al. 2013](cite:jones2013phb) and [holders](<term:budget holder>) and [POET](term:POET)")
    assert prose.to_roles(links) == text


def test_a_citation_link_must_name_the_year_of_what_it_cites():
    warnings: list[str] = []
    prose.to_roles("[Jones 2031](cite:jones2013phb)", warn=warnings.append)
    assert warnings and "2013" in warnings[0]


def test_a_chapter_link_shows_the_chapters_title(tmp_path):
    (tmp_path / "02_x.ipynb").write_text(
        nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Social care first\n\nText")]))
    )
    assert prose.to_links("see {doc}`02_x`", tmp_path) == "see [Social care first](02_x.ipynb)"
    with pytest.raises(ValueError, match="no notebook or page"):
        prose.to_links("{doc}`nowhere`", tmp_path)
