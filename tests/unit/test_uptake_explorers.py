"""The uptake explorers: the kernel-free twins equal the model, the widget refuses bad input with a
message, and every chart is described."""

from __future__ import annotations

import json

import numpy as np
import pytest

from phb import twin
from phb.charts.uptake import (
    COST_FIELDS,
    FUNNEL_FIELDS,
    Twin,
    cost_twin,
    explorer_chart,
    funnel_twin,
    growth_chart,
    monte_carlo_chart,
    tornado_chart,
)
from phb.models import uptake
from widgets.uptake import controls, render, uptake_explorer


@pytest.fixture(scope="module")
def funnel():
    return funnel_twin()


@pytest.fixture(scope="module")
def costs():
    return cost_twin()


def sample_settings(t: Twin, count: int, seed: int = 3) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    return [{s.name: float(rng.choice(s.values())) for s in t.sliders} for _ in range(count)]


@pytest.mark.parametrize("which", ["funnel", "costs"])
def test_twin_numbers_equal_the_model_at_sampled_settings(which, funnel, costs):
    t = {"funnel": funnel, "costs": costs}[which]
    fields = FUNNEL_FIELDS if which == "funnel" else COST_FIELDS
    for setting in sample_settings(t, 25):
        rows = twin.select(t.grid, t.sliders, **setting)
        assert len(rows) == 1
        model = uptake.evaluate(**setting)
        for field in fields:
            assert rows[field][0] == pytest.approx(float(model[field]), abs=0.5), (setting, field)


def test_twin_follows_the_chapters_parameters():
    t = funnel_twin({"population": 500, "share_agreed": 0.5})
    setting = sample_settings(t, 1)[0]
    row = t.table(**setting)
    model = uptake.evaluate(population=500, share_agreed=0.5, **setting)
    assert row["holders"][0] == pytest.approx(model["holders"], abs=0.5)


def test_twin_grids_are_small_and_sliders_are_bound(funnel, costs):
    for t in (funnel, costs):
        assert len(t.grid) < 5_000
        spec = t.chart.to_dict()
        bound = {p["name"] for p in spec.get("params", []) if "bind" in p}
        assert bound == {s.name for s in t.sliders}
        assert spec["title"]["text"] and len(spec["description"]) > 40
        assert len(json.dumps(spec)) < 40_000  # the page carries the whole grid
        # every slider changes what is drawn (the browser test checks this in the page too)
        for s in t.sliders:
            values = s.values()
            base = {x.name: x.default for x in t.sliders}
            lo = t.table(**{**base, s.name: values[0]})
            hi = t.table(**{**base, s.name: values[-1]})
            drawn = [c for c in t.grid.columns if c not in base]
            assert not np.allclose(lo[drawn].to_numpy(float), hi[drawn].to_numpy(float)), s.name


def test_twin_sliders_start_at_the_sourced_defaults(funnel):
    defaults = uptake.defaults()
    for s in funnel.sliders:
        assert s.default == pytest.approx(s.snap(defaults[s.name]))


def test_other_charts_are_described_and_valid():
    mc = uptake.monte_carlo(draws=2_000)
    g = uptake.growth_analysis()
    targets = uptake.growth_targets(latest=1000.0, latest_period="x")
    for chart in (
        explorer_chart(uptake.evaluate()),
        tornado_chart(uptake.sensitivity(), "People holding a budget"),
        monte_carlo_chart(mc, "holders", "People holding a budget"),
        growth_chart(g.table(), g.series, targets),
    ):
        spec = chart.to_dict()
        assert spec["title"] and len(spec["description"]) > 40


def test_widget_controls_show_sourced_defaults_and_their_sources():
    for control in controls():
        p = uptake.parameters()[control.name]
        assert control.default == p.default
        assert control.source.startswith(p.source)
        if p.citation:
            assert p.citation in control.source


def test_every_box_takes_everything_the_model_accepts_and_sliders_the_common_range():
    for control in controls():
        p = uptake.parameters()[control.name]
        assert (control.minimum, control.maximum) == (p.minimum, p.maximum)
        assert control.slider_range == (p.minimum, p.reader_maximum)


@pytest.mark.parametrize(
    "name, value",
    [
        ("population", 50_000),
        ("population", 60_000_000),
        ("mean_budget", 50_000.0),
        ("implementation_cost", 9_000.0),
        ("fixed_cost", 2_000_000.0),
    ],
)
def test_values_beyond_the_slider_are_used_not_clamped(name, value):
    e = uptake_explorer({name: value})
    assert e.parameters[name] == value
    assert e.beyond_slider() and "used as typed" in e.beyond_slider()[0]
    assert e.set(**{name: value}) == ""
    assert e._result[1].frame["Value"].iloc[0] == f"{uptake.evaluate(**e.parameters)['eligible']:,.0f} people"


def test_widget_refuses_bad_values_with_a_message_and_keeps_the_last_good_scenario():
    e = uptake_explorer()
    assert e.set(share_aware=0.8) == ""
    message = e.set(share_consider=1.4)
    assert message.startswith("Not changed:") and "between 0 and 1" in message
    message = e.set(completion_no_support=0.95)
    assert "completion_full_support must be at least" in message
    assert "between 0 and 60,000,000" in e.set(population=60_000_001)
    assert "whole number" in e.set(population=2_000.5)
    assert e.parameters["share_aware"] == 0.8 and e.parameters["completion_no_support"] == 0.6
    e.reset()
    assert e.parameters == uptake.defaults()


def test_starts_from_the_chapters_scenario_and_resets_to_the_sourced_defaults():
    chosen = uptake.scenario(share_aware=0.3, population=5_000)
    e = uptake_explorer(chosen)
    assert e.parameters == chosen and e.starts_elsewhere
    assert "Share aware of budgets (offered one) 0.3 (sourced default 0.5)" in e.scenario_text()
    e.reset()
    assert e.parameters == uptake.defaults()
    e.back_to_scenario()
    assert e.parameters == chosen


def test_widget_renders_a_formatted_table_and_exports_a_papermill_scenario():
    e = uptake_explorer({"share_aware": 0.3})
    chart, table = render(e.parameters)
    assert chart.to_dict()["title"]
    values = table.frame.set_index("Measure")["Value"]
    assert values["Holds a budget"] == f"{uptake.evaluate(share_aware=0.3)['holders']:,.0f} people"
    assert values["Total cost"].startswith("£") and values["Total cost"].endswith(" in the first year")
    exported = e.export_parameters()
    assert exported.startswith("papermill chapters/07_how_many_would_take_a_budget.ipynb out.ipynb ")
    assert "-p share_aware 0.3" in exported
    for name in uptake.ALL_PARAMETERS:
        assert f"-p {name} " in exported
    ui = e.widget()
    assert ui is e.widget()
