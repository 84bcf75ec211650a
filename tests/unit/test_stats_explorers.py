"""The chapter's kernel-free twins equal the models, and the live explorers refuse bad input politely."""

from __future__ import annotations

import json
import math

import pytest

from phb import twin
from phb.charts.stats import (
    INTERVAL_SLIDERS,
    N_SLIDER,
    SELECTION_SLIDERS,
    SHARE_SLIDER,
    STRENGTH_SLIDER,
    SURVEY_SLIDER,
    bias_figure,
    compact,
    headline_figure,
    interval_grid,
    interval_twin,
    selection_grid,
    selection_twin,
    width_figure,
)
from phb.models import selection, stats
from phb.parameters import how_sure_defaults
from phb.prose import how_sure_numbers
from widgets import stats as wstats


@pytest.fixture(scope="module", name="interval_grid")
def interval_grid_fixture():
    return interval_grid()


@pytest.fixture(scope="module", name="selection_grid")
def selection_grid_fixture():
    return selection_grid()


@pytest.mark.parametrize("n,share", [(10, 0.0), (130, 0.85), (300, 1.0), (70, 0.35), (240, 0.05), (129, 0.86)])
def test_interval_twin_equals_the_model(interval_grid, n, share):
    row = twin.select(interval_grid, INTERVAL_SLIDERS, n=n, share=share)
    assert len(row) == 1
    snapped_n = N_SLIDER.snap(n)
    snapped_share = SHARE_SLIDER.snap(share)
    wilson = stats.share_interval(snapped_share, int(snapped_n))
    exact = stats.share_interval(snapped_share, int(snapped_n), "clopper-pearson")
    r = row.iloc[0]
    assert r["k"] == wilson.successes
    assert r["wl"] == pytest.approx(wilson.lower, abs=5e-5)
    assert r["wu"] == pytest.approx(wilson.upper, abs=5e-5)
    assert r["cl"] == pytest.approx(exact.lower, abs=5e-5)
    assert r["cu"] == pytest.approx(exact.upper, abs=5e-5)


@pytest.mark.parametrize("strength,size", [(0, 50), (1.0, 150), (2.0, 1000), (0.6, 400)])
def test_selection_twin_equals_the_model(selection_grid, strength, size):
    row = twin.select(selection_grid, SELECTION_SLIDERS, strength=strength, survey_size=size)
    assert len(row) == 1
    out = selection.simulate(STRENGTH_SLIDER.snap(strength), survey_size=int(SURVEY_SLIDER.snap(size)))
    for key in ("truth", "expected", "estimate", "lower", "upper"):
        assert row.iloc[0][key] == pytest.approx(out[key], abs=5e-5)


def test_twin_grids_are_small_enough_for_a_page(interval_grid, selection_grid):
    assert len(interval_grid) + len(selection_grid) < 5000
    chart, _ = interval_twin()
    assert len(json.dumps(chart.to_dict())) < 60_000


def test_twin_charts_bind_every_slider_and_ship_csv():
    for build, sliders in ((interval_twin, INTERVAL_SLIDERS), (selection_twin, SELECTION_SLIDERS)):
        spec = build()[0].to_dict()
        names = {p["name"] for p in spec.get("params", [])}
        assert {s.name for s in sliders} <= names
        assert spec["description"] and spec["title"]
        assert spec["data"]["format"]["type"] == "csv"


def test_compact_csv_round_trips():
    import io

    import pandas as pd

    grid = interval_grid()
    inline = compact(grid)
    back = pd.read_csv(io.StringIO(inline.values))
    assert list(back.columns) == list(grid.columns)
    assert (back - grid).abs().max().max() < 1e-12


def test_the_widget_chart_is_the_twin_spec_on_one_row():
    """One chart spec for widget and twin: the live chart has the twin's layers without sliders."""
    live, _ = wstats.render_interval({"n": 129, "share": 0.86})
    twin_chart, _ = interval_twin()

    def marks(spec: dict) -> list:
        return [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]

    assert marks(live.to_dict()) == marks(twin_chart.to_dict())
    assert "params" not in live.to_dict()


def test_interval_explorer_defaults_come_from_data():
    from phb.data import figure

    explorer = wstats.interval_explorer()
    assert explorer.parameters == {
        "n": int(figure("poet2014_holders_n").value),
        "share": figure("poet2014_qol_improved").value / 100,
    }
    chart, table = wstats.render_interval(explorer.parameters)
    assert table.frame["Count"].tolist() == ["111", "111"]
    assert "111 of 129" in chart.to_dict()["description"]


def test_interval_explorer_shows_whole_numbers_and_formatted_shares():
    explorer = wstats.interval_explorer()
    assert "must be a whole number; got 131.9" in explorer.set(n=131.9)
    assert explorer.set(n=132) == "" and explorer.parameters["n"] == 132
    explorer.widget()
    assert explorer._inputs["n"].value == 132 and explorer._sliders["n"].value == 132
    row = explorer._result[1].frame.iloc[0]
    assert row["Sample size"] == "132" and row["Observed share"].endswith("%")
    assert all(row[c].count(".") <= 1 and len(row[c]) <= 6 for c in ("Lower (95%)", "Upper (95%)"))


def test_interval_explorer_takes_sample_sizes_beyond_its_slider():
    explorer = wstats.interval_explorer({"n": 5_000, "share": 0.5, "strength": 2.0, "survey_size": 50})
    assert explorer.parameters == {"n": 5_000, "share": 0.5}
    assert "used as typed" in explorer.beyond_slider()[0]


@pytest.mark.parametrize(
    "change,words",
    [
        ({"n": 0}, "Sample size (people who answered) must be between 1 and"),
        ({"n": float("nan")}, "Sample size"),
        ({"share": 1.2}, "Observed share must be between 0 and 1"),
        ({"share": -0.01}, "Observed share must be between 0 and 1"),
    ],
)
def test_interval_explorer_refuses_impossible_values_with_a_message(change, words):
    explorer = wstats.interval_explorer()
    before = explorer.parameters
    message = explorer.set(**change)
    assert message.startswith("Not changed:") and words in message
    assert explorer.parameters == before


def test_selection_explorer_moves_and_refuses():
    explorer = wstats.selection_explorer()
    assert explorer.set(strength=2.0) == ""
    chart, table = wstats.render_selection(explorer.parameters)
    expected = selection.simulate(2.0)["expected"]
    assert table.frame.set_index("What").loc["Average of many surveys", "Share"] == f"{expected:.1%}"
    assert "between 0 and 3" in explorer.set(strength=4)
    assert "must be between" in explorer.set(survey_size=0)
    assert explorer.parameters["strength"] == 2.0
    exported = explorer.export_parameters()
    assert exported.startswith("papermill chapters/09_how_sure.ipynb out.ipynb -p strength 2.0 -p survey_size 130\n")
    assert explorer.widget() is explorer.widget()


def test_selection_export_leaves_out_what_the_chapter_does_not_take_and_says_so():
    explorer = wstats.selection_explorer({"strength": 0.5, "survey_size": 400, "n": 10})
    assert explorer.parameters["strength"] == 0.5 and explorer.parameters["survey_size"] == 400
    assert explorer.set(true_share=0.6, outcome_link=-1) == ""  # the model's whole range
    exported = explorer.export_parameters()
    assert "-p true_share" not in exported and "-p outcome_link" not in exported
    assert "True share with a good outcome = 0.6" in exported


def test_every_chapter_figure_is_described():
    for build in (headline_figure, width_figure, bias_figure):
        chart, table = build()
        spec = chart.to_dict()
        assert len(spec["description"]) > 80 and spec["title"]
        assert len(table) > 0


def test_chapter_numbers_follow_the_parameters():
    default = how_sure_numbers(**how_sure_defaults())
    assert default["hs_count"] == "111" and default["hs_wilson"] == "79.0% to 91.0%"
    assert default["hs_more80_min_count"] == "104"
    other = how_sure_numbers(**how_sure_defaults(n=500, share=0.5, strength=0.0))
    assert other["hs_n"] == "500" and other["hs_sel_bias"] in ("0.0", "−0.0")
    assert not math.isnan(float(other["hs_margin"]))
