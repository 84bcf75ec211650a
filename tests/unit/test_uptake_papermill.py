"""Chapter 7 re-runs under papermill with a researcher's own assumptions, and its numbers follow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bookkit import figures as fl
from bookkit.notebooks import glued_values as glued
from phb.models import uptake

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "07_how_many_would_take_a_budget.ipynb"


def test_the_chapter_has_a_parameters_cell_papermill_can_find(parameters_source):
    source = parameters_source(CHAPTER)
    assert "population: int = None" in source and "share_aware: float = None" in source


@pytest.mark.slow
def test_papermill_reruns_the_chapter_with_other_parameters(papermill_run):
    out = papermill_run(CHAPTER, {"population": 5000, "share_aware": 0.8, "draws": 5000, "seed": 1})
    stored, rerun = glued(CHAPTER), glued(out)
    assert rerun["up_eligible"] == "5,000"
    assert rerun["up_holders"] != stored["up_holders"]
    assert rerun["up_holders"] == f"{uptake.evaluate(population=5000, share_aware=0.8)['holders']:,.0f}"
    assert rerun["mc_draws"] == "5,000"
    # the prose follows the assumptions once its link texts are synced; figures from data/ do not move
    assert fl.sync(out, fl.figure_texts()) == []
    assert f"[{rerun['up_holders']}](glue:up_holders)" in out.read_text(encoding="utf-8")


#: A wrong name and bad values a researcher might type, and the refusal each must end with.
REFUSALS = {
    "name": (["-p", "support_share", "0.8"], "unknown parameter 'support_share' (did you mean 'support'?)"),
    "draws": (["-p", "draws", "2.5"], "draws must be a whole number from 1,000 to 10,000,000"),
    "seed": (["-p", "seed", "-1"], "seed must be a whole number, at least 0"),
}


@pytest.fixture(scope="module")
def refused(papermill_at_once, tmp_path_factory):
    """Every refusal run of the chapter from the shell, started at once; and where their notebooks are."""
    directory = tmp_path_factory.mktemp("refused")
    runs = {name: args for name, (args, _) in REFUSALS.items()}
    return papermill_at_once("chapters/07_how_many_would_take_a_budget.ipynb", runs, directory), directory


@pytest.mark.slow
@pytest.mark.parametrize("name", REFUSALS)
def test_papermill_refuses_a_bad_name_or_value_in_one_last_line(refused, name):
    """From the shell, as a researcher types it: the run fails and its last line says why."""
    runs, directory = refused
    run, named = runs[name], REFUSALS[name][1]
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ParameterError: {named}"), run.stderr[-2000:]
    # in the output notebook the refusal is that one line, not a traceback
    errors = [
        o
        for c in json.loads((directory / f"{name}.ipynb").read_text())["cells"]
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert [e["traceback"] for e in errors] == [[last]]
