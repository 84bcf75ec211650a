"""The self-selection simulation (phb.models.selection): seeded, unbiased without selection, biased with it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phb.models import selection


def test_same_seed_same_numbers():
    assert selection.simulate(1.0) == selection.simulate(1.0)
    a = selection.population(5000, seed=1).engagement
    b = selection.population(5000, seed=2).engagement
    assert not np.array_equal(a, b)


def test_no_selection_means_no_bias():
    out = selection.simulate(0.0)
    assert out["bias"] == pytest.approx(0.0, abs=1e-9)
    assert out["engaged_ratio"] == pytest.approx(1.0)


def test_truth_matches_the_setting():
    """The population's share with a good outcome is the requested true share (up to the draw)."""
    for share in (0.3, 0.7, 0.9):
        assert selection.simulate(1.0, true_share=share)["truth"] == pytest.approx(share, abs=0.01)


def test_bias_grows_with_selection_strength():
    curve = selection.bias_curve()
    assert curve["bias"].is_monotonic_increasing
    assert curve["bias"].iloc[0] == pytest.approx(0.0, abs=1e-9) and curve["bias"].iloc[-1] > 0.1
    assert curve["truth"].nunique() == 1  # the truth does not depend on who answers


def test_no_link_between_engagement_and_outcome_means_no_bias():
    """Selection only biases a survey if the trait that makes people answer also moves the outcome."""
    assert selection.simulate(2.0, outcome_link=0.0)["bias"] == pytest.approx(0.0, abs=0.01)


def test_a_negative_link_biases_downwards():
    assert selection.simulate(1.0, outcome_link=-1.0)["bias"] < -0.05


def test_coverage_near_95_percent_without_selection_and_falls_with_it():
    assert selection.coverage(0.0, surveys=200) >= 0.9
    assert selection.coverage(1.0, surveys=200) < 0.5
    # Bigger surveys make it worse, not better: the interval narrows around the wrong value.
    assert selection.coverage(0.5, surveys=200, survey_size=1000) < selection.coverage(
        0.5, surveys=200, survey_size=100
    )


@settings(max_examples=40, deadline=None)
@given(
    st.floats(min_value=0, max_value=3),
    st.integers(min_value=10, max_value=2000),
    st.floats(min_value=0.05, max_value=0.95),
)
def test_outputs_are_shares_and_the_interval_holds_its_estimate(strength, size, share):
    out = selection.simulate(strength, survey_size=size, true_share=share)
    for key in ("truth", "expected", "estimate", "lower", "upper"):
        assert 0.0 <= out[key] <= 1.0
    assert out["lower"] <= out["estimate"] <= out["upper"]
    assert out["bias"] >= -1e-9  # a positive link can only push the estimate up


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"strength": -0.1}, "strength must be between 0 and 3"),
        ({"strength": float("nan")}, "strength must be a number, not NaN"),
        ({"strength": 1, "true_share": 1.5}, "true_share must be between 0 and 1"),
        ({"strength": 1, "response_rate": 0}, "response_rate must be above 0"),
        ({"strength": 1, "survey_size": 0}, "survey_size must be at least 1"),
        ({"strength": 1, "survey_size": 50_000}, r"survey_size must be between 1 and size \(20000\)"),
        ({"strength": 1, "outcome_link": 9}, "outcome_link must be between -5 and 5"),
    ],
)
def test_impossible_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        selection.simulate(**kwargs)
