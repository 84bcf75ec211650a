"""The "Who benefits?" chapter re-runs under papermill with other parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bookkit.notebooks import glued_values as glued

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "08_who_benefits.ipynb"


def test_chapter_has_a_parameters_cell_and_a_hidden_live_widget():
    nb = json.loads(CHAPTER.read_text())
    tags = [cell.get("metadata", {}).get("tags", []) for cell in nb["cells"]]
    assert sum("parameters" in t for t in tags) == 1
    assert any("remove-output" in t for t in tags)
    assert "widgets" not in nb["metadata"]


@pytest.mark.slow
def test_chapter_reruns_with_other_parameters(papermill_run):
    from phb.models import inequality
    from phb.prose import inequality_texts

    parameters = {
        "advocacy": 0.2,
        "propensity_ratio": 0.4,
        "need_ratio": 3.0,
        "benefit_ratio": 1.5,
        "preset": "age bands 2023/24",
    }
    out = papermill_run(CHAPTER, parameters)
    values = glued(out)
    result, _, comparison = inequality.scenario("deprivation quintiles", 0.2, 0.4, 3.0, 1.5)
    texts = inequality_texts(result, comparison, "dep")
    assert values["dep_hi_budgets"] == texts["dep_hi_budgets"]
    assert values["dep_verdict"] == "narrows"
    assert values["other_preset"] == "age bands 2023/24"
    assert values["need_ratio"] == "3"
