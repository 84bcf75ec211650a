"""Each explorer against the chapter it lives in: its export names the real notebook and only
parameters that notebook's ``parameters`` cell takes, and every chapter calls its explorers the same
way."""

from __future__ import annotations

import ast
import shlex
from pathlib import Path

import nbformat
import pytest

from widgets.base import Explorer
from widgets.inequality import inequality_explorer
from widgets.stats import interval_explorer, selection_explorer
from widgets.uptake import uptake_explorer

ROOT = Path(__file__).resolve().parents[2]

EXPLORERS = {
    "uptake_explorer": uptake_explorer,
    "inequality_explorer": inequality_explorer,
    "interval_explorer": interval_explorer,
    "selection_explorer": selection_explorer,
}


def chapter_parameters(notebook: Path) -> set[str]:
    """The names the notebook's cell tagged ``parameters`` assigns (what papermill can set)."""
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{notebook}: expected one cell tagged parameters"
    names = set()
    for node in ast.parse(cells[0].source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def exported_names(explorer: Explorer) -> tuple[str, list[str]]:
    """The notebook and the parameter names of the explorer's papermill command."""
    words = shlex.split(explorer.export_parameters().splitlines()[0])
    assert words[0] == "papermill" and words[2] == "out.ipynb"
    flags = words[3:]
    assert flags[::3] == ["-p"] * (len(flags) // 3) and len(flags) % 3 == 0
    return words[1], flags[1::3]


@pytest.mark.parametrize("name", EXPLORERS)
def test_export_names_the_real_notebook_and_only_parameters_it_takes(name):
    explorer = EXPLORERS[name]()
    notebook, names = exported_names(explorer)
    assert (ROOT / notebook).is_file(), notebook
    taken = chapter_parameters(ROOT / notebook)
    assert names and set(names) <= taken, f"{name} exports {set(names) - taken}, not in {notebook}"


def explorer_cells() -> list[tuple[str, str]]:
    """(chapter, source) of every code cell that builds an explorer."""
    found = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and "_explorer(" in cell.source:
                found.append((path.name, cell.source))
    return found


def test_every_chapter_calls_its_explorers_the_same_way():
    cells = explorer_cells()
    assert {chapter[:2] for chapter, _ in cells} == {"07", "08", "09"}
    assert len(cells) == 4
    for chapter, source in cells:
        tree = ast.parse(source)
        *_, build, show = tree.body
        assert isinstance(build, ast.Assign) and [t.id for t in build.targets] == ["explorer"], chapter
        assert build.value.func.id in EXPLORERS, chapter
        assert [a.id for a in build.value.args] == ["scenario"] and not build.value.keywords, chapter
        assert isinstance(show, ast.Expr) and show.value.id == "explorer", chapter


def test_every_scenario_comes_from_the_parameter_check_not_the_namespace():
    """The scenario is what ``parameters.check`` returns, never read back out of ``globals()``."""
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        sources = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        if any("_explorer(" in s for s in sources):
            assert any("scenario = parameters.check(" in s for s in sources), path.name
            assert not any("globals()[" in s for s in sources), path.name
