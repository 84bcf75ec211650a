"""The kernel-free twin helpers."""

import altair as alt
import numpy as np
import pytest

from phb import twin

SHARE = twin.Slider("share", "Share", 0, 1, 0.1, default=0.5)
COST = twin.Slider("cost", "Cost", 100, 300, 50, default=200)


def model(share: float, cost: float) -> dict[str, float]:
    return {"total": 1000 * share * cost}


def test_grid_covers_every_setting_and_matches_the_model():
    grid = twin.precompute(model, [SHARE, COST])
    assert len(grid) == 11 * 5
    for share in (0.0, 0.3, 1.0):
        row = twin.select(grid, [SHARE, COST], share=share, cost=250)
        assert len(row) == 1
        assert row["total"][0] == pytest.approx(model(share, 250)["total"])


def test_slider_values_are_exact_grid_keys():
    assert np.array_equal(SHARE.values(), np.round(np.linspace(0, 1, 11), 10))
    assert SHARE.snap(0.34) == 0.3


def test_bind_adds_labelled_range_inputs_and_a_filter():
    chart = twin.bind(alt.Chart(twin.precompute(model, [SHARE, COST])).mark_bar().encode(y="total:Q"), [SHARE, COST])
    spec = chart.to_dict()
    names = {p["name"]: p for p in spec["params"]}
    assert names["share"]["bind"]["input"] == "range" and names["share"]["value"] == 0.5
    assert "abs(datum['share'] - share)" in spec["transform"][0]["filter"]


@pytest.mark.parametrize(
    "args",
    [("bad name", "x", 0, 1, 0.1, 0.5), ("s", "x", 1, 0, 0.1, 0.5), ("s", "x", 0, 1, 0, 0.5), ("s", "x", 0, 1, 0.1, 2)],
)
def test_impossible_sliders_are_refused(args):
    with pytest.raises(ValueError):
        twin.Slider(*args)


def test_oversized_grid_is_refused():
    big = twin.Slider("n", "n", 0, 1, 0.0001, default=0)
    with pytest.raises(ValueError, match="too large"):
        twin.precompute(lambda n: {"x": n}, [big, COST])
