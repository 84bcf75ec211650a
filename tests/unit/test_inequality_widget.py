"""The "Who benefits?" explorer, its charts and its kernel-free twin."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phb import twin
from phb.charts.inequality import (
    TWIN_SLIDERS,
    concentration_curve_chart,
    gap_chart,
    readable_table,
    shares_chart,
    twin_chart,
    twin_grid,
)
from phb.models import inequality as q
from widgets import inequality as widget


# ----------------------------------------------------------------------------------- the widget
def test_defaults_are_sourced_or_labelled_assumptions():
    ex = widget.inequality_explorer()
    assert ex.parameters == {
        "preset": "deprivation quintiles",
        "advocacy": 0.0,
        "propensity_ratio": 0.6,
        "need_ratio": 2.0,
        "benefit_ratio": 1.0,
    }
    for control in widget.controls()[1:]:
        assert control.source.startswith("Assumption:")


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"advocacy": 1.5}, "Advocacy: share of the take-up gap closed must be between 0 and 1"),
        ({"need_ratio": float("nan")}, "must be between 1 and 5"),
        ({"benefit_ratio": "lots"}, "is not a number"),
        ({"preset": "postcodes"}, "Groups must be one of"),
    ],
)
def test_impossible_values_are_refused_with_a_message(change, fragment):
    ex = widget.inequality_explorer()
    message = ex.set(**change)
    assert message.startswith("Not changed:") and fragment in message
    assert ex.parameters["advocacy"] == 0.0 and ex.parameters["preset"] == "deprivation quintiles"


@pytest.mark.parametrize("preset", sorted(q.PRESETS))
def test_every_preset_renders_a_described_chart_and_a_table(preset):
    chart, table = widget.render({**widget.inequality_explorer().parameters, "preset": preset, "advocacy": 0.3})
    spec = chart.to_dict()
    assert spec["description"] and spec["title"]
    shares = table.frame["Share of budgets"]
    assert len(shares) == len(q.preset(preset).names)
    assert all(s.endswith("%") for s in shares)  # formatted text, not raw floats
    assert sum(float(s[:-1]) for s in shares) == pytest.approx(100, abs=0.5)
    if preset in ("client groups 2011/12", "age bands 2023/24", "councils 2010/11"):
        assert "does not use" in json.dumps(spec["title"])


def test_reset_export_and_start_from_chapter_parameters():
    ex = widget.inequality_explorer({"advocacy": 0.4, "preset": "age bands 2023/24"})
    assert ex.parameters["advocacy"] == 0.4
    assert "This chapter's scenario: Groups age bands 2023/24" in ex.scenario_text()
    assert (
        "papermill chapters/08_who_benefits.ipynb out.ipynb -p preset 'age bands 2023/24' -p advocacy 0.4 "
    ) in ex.export_parameters()
    ex.reset()
    assert ex.parameters["advocacy"] == 0.0 and ex.parameters["preset"] == "deprivation quintiles"
    with pytest.raises(ValueError, match="must be between 0 and 1"):
        widget.inequality_explorer({"advocacy": 3})


def test_widget_builds_and_a_typed_impossible_value_shows_an_alert():
    ex = widget.inequality_explorer()
    ui = ex.widget()
    ex._inputs["advocacy"].value = 7.0
    assert 'role="alert"' in ex._status["advocacy"].value
    assert ex._inputs["advocacy"].value == 0.0
    assert ui is ex.widget()


# ----------------------------------------------------------------------------------- the charts
def test_chapter_charts_are_described():
    result = q.evaluate(q.preset("deprivation quintiles"), 0.5)
    curve = q.gap_curve(result.groups, [0, 0.5, 1])
    for chart in (shares_chart(result), concentration_curve_chart(result), gap_chart(curve)):
        spec = chart.to_dict()
        assert len(spec["description"]) > 80
    table = readable_table(result)
    assert list(table["Group"]) == list(result.groups.names)


# ------------------------------------------------------------------------------------- the twin
GRID = twin_grid()
SLIDERS = list(TWIN_SLIDERS)


def test_twin_grid_is_small_and_its_page_data_is_too():
    assert len(GRID) < 5_000
    spec = json.dumps(twin_chart(GRID).to_dict())
    assert len(spec) < 120_000
    params = {p["name"] for p in twin_chart(GRID).to_dict()["params"]}
    assert params == {s.name for s in SLIDERS}


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(list(SLIDERS[0].values())),
    st.sampled_from(list(SLIDERS[1].values())),
    st.sampled_from(list(SLIDERS[2].values())),
)
def test_twin_equals_the_model_at_sampled_settings(advocacy, uptake, need):
    rows = twin.select(GRID, SLIDERS, advocacy=advocacy, uptake=uptake, need=need)
    result = q.evaluate(q.deprivation_quintiles(propensity_ratio=uptake, need_ratio=need), advocacy)
    baseline = q.evaluate(result.groups, 0.0)
    assert len(rows) == len(result.table)
    assert rows["need_share"].to_numpy() == pytest.approx(result.table["need_share"].to_numpy(), abs=5.0001e-4)
    assert rows["budget_share"].to_numpy() == pytest.approx(result.table["budget_share"].to_numpy(), abs=5.0001e-4)
    assert rows["hi_budgets"].iloc[0] == pytest.approx(result.summary["hi_budgets"], abs=5.0001e-5)
    assert rows["baseline_hi"].iloc[0] == pytest.approx(baseline.summary["hi_budgets"], abs=5.0001e-5)
    assert rows["take_up_per_1000"].iloc[0] == pytest.approx(result.summary["take_up_per_1000_in_need"], abs=0.05)


def test_twin_snaps_between_grid_values_like_the_browser():
    rows = twin.select(GRID, SLIDERS, advocacy=0.33, uptake=0.61, need=2.1)
    snapped = twin.select(GRID, SLIDERS, advocacy=0.4, uptake=0.6, need=2.0)
    assert rows.equals(snapped)
