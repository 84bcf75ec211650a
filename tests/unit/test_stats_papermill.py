"""Chapter 9 re-runs under papermill with a reader's own scenario, and its glued numbers follow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bookkit import figures as fl
from bookkit.notebooks import glued_values as glued

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "09_how_sure.ipynb"


def test_the_chapter_has_one_parameters_cell(parameters_source):
    source = parameters_source(CHAPTER)
    for name, kind in (("n", "int"), ("share", "float"), ("strength", "float"), ("survey_size", "int")):
        assert f"{name}: {kind} = None" in source


def test_live_widget_cells_are_removed_from_the_page_and_twins_kept():
    notebook = json.loads(CHAPTER.read_text())
    widget_cells = [c for c in notebook["cells"] if "_explorer(" in "".join(c["source"])]
    assert len(widget_cells) == 2
    for cell in widget_cells:
        assert "remove-output" in cell["metadata"]["tags"]
    twins = [c for c in notebook["cells"] if "_twin()" in "".join(c["source"])]
    assert len(twins) == 2 and all("remove-output" not in c["metadata"].get("tags", []) for c in twins)
    assert "widgets" not in notebook["metadata"]


@pytest.mark.slow
def test_papermill_reruns_the_chapter_with_other_parameters(papermill_run):
    out = papermill_run(CHAPTER, {"n": 400, "share": 0.5, "strength": 0.0, "survey_size": 500})
    stored, rerun = glued(CHAPTER), glued(out)
    assert stored["hs_n"] == "129" and rerun["hs_n"] == "400"
    assert rerun["hs_count"] == "200" and rerun["hs_share"] == "50.0%"
    assert rerun["hs_wilson"] != stored["hs_wilson"]
    assert rerun["hs_sel_bias"] in ("0.0", "−0.0")
    # The prose follows the scenario once its link texts are synced; figures from data/ do not move.
    assert fl.sync(out, fl.figure_texts()) == []
    assert "[400](glue:hs_n)" in out.read_text(encoding="utf-8")


#: Bad values a researcher might type, and the refusal each must end with.
REFUSALS = {
    "text": (["-p", "n", "abc"], "n must be a whole number, at least 1; got 'abc'"),
    "fraction": (["-p", "n", "129.7"], "n must be a whole number, at least 1; got 129.7"),
}


@pytest.fixture(scope="module")
def refused(papermill_at_once, tmp_path_factory):
    """Every refusal run of the chapter from the shell, started at once."""
    runs = {name: args for name, (args, _) in REFUSALS.items()}
    return papermill_at_once("chapters/09_how_sure.ipynb", runs, tmp_path_factory.mktemp("refused"))


@pytest.mark.slow
@pytest.mark.parametrize("name", REFUSALS)
def test_papermill_refuses_a_bad_sample_size_in_one_last_line(refused, name):
    """From the shell: n is named, not 'invalid literal for int()', and 129.7 is not run as 129."""
    run, named = refused[name], REFUSALS[name][1]
    assert run.returncode != 0
    assert run.stderr.strip().splitlines()[-1].startswith(f"ParameterError: {named}"), run.stderr[-2000:]
