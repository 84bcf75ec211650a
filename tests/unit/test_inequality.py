"""The inequality model: the concentration index, the gap, the advocacy lever, presets and refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phb.charts.inequality import sourced_rates, sourced_rates_chart
from phb.models import inequality as q
from phb.prose import inequality_texts


# ------------------------------------------------------------------------ the concentration index
def covariance_ci(values: np.ndarray) -> float:
    """C = 2 cov(h, R) / mu on individual-level data, R the fractional rank (i - 1/2) / N, with
    individuals already sorted from most to least disadvantaged (O'Donnell et al. 2008, eq. 8.3)."""
    n = len(values)
    rank = (np.arange(1, n + 1) - 0.5) / n
    mu = values.mean()
    return float(2 * np.mean((values - mu) * (rank - rank.mean())) / mu)


def fuller_lury_ci(counts: np.ndarray, means: np.ndarray) -> float:
    """The other grouped-data formula, from the concentration curve's ordinates:
    C = sum_t (p_{t-1} L_t - p_t L_{t-1}) (Fuller & Lury 1977; World Bank Technical Note #7)."""
    p = np.concatenate([[0.0], np.cumsum(counts) / counts.sum()])
    totals = counts * means
    L = np.concatenate([[0.0], np.cumsum(totals) / totals.sum()])
    return float(np.sum(p[:-1] * L[1:] - p[1:] * L[:-1]))


def test_concentration_index_worked_example():
    """A worked example derived by hand (no published grouped example could be reproduced with
    confidence offline), checked three ways.

    Three groups ordered from most to least disadvantaged with population shares f = (0.5, 0.3, 0.2)
    and group means mu_t = (4, 2, 1) (say, budgets per 100 people).

    - Overall mean: mu = 0.5*4 + 0.3*2 + 0.2*1 = 2.8.
    - Fractional ranks of the group midpoints, R_t = sum_{j<t} f_j + f_t/2: R = (0.25, 0.65, 0.90).
    - sum_t f_t mu_t R_t = 0.5*4*0.25 + 0.3*2*0.65 + 0.2*1*0.90 = 0.50 + 0.39 + 0.18 = 1.07.
    - Grouped formula (Kakwani, Wagstaff & van Doorslaer 1997; O'Donnell et al. 2008, ch. 8):
      C = (2 / mu) * 1.07 - 1 = 2.14 / 2.8 - 1 = 107/140 - 1 = -33/140 = -0.235714...

    Negative: the quantity is concentrated among the disadvantaged, as its means fall with rank.

    Cross-checks: (1) the covariance formula C = 2 cov(h, R) / mu on the expanded individual-level
    data (ten people: five with 4, three with 2, two with 1) gives -33/140 exactly, because each
    group's individual ranks average to its midpoint rank; (2) the concentration-curve formula
    C = sum (p_{t-1} L_t - p_t L_{t-1}) with p = (0.5, 0.8, 1), L = (5/7, 13/14, 1) gives
    (0.5*13/14 - 0.8*5/7) + (0.8 - 13/14) = -3/28 - 9/70 = -33/140.
    """
    expected = -33 / 140
    assert q.concentration_index([0.5, 0.3, 0.2], [4, 2, 1]) == pytest.approx(expected, abs=1e-15)
    # counts are accepted as well as shares
    assert q.concentration_index([5, 3, 2], [4, 2, 1]) == pytest.approx(expected, abs=1e-15)
    individuals = np.repeat([4.0, 2.0, 1.0], [5, 3, 2])
    assert covariance_ci(individuals) == pytest.approx(expected, abs=1e-15)
    assert fuller_lury_ci(np.array([5.0, 3, 2]), np.array([4.0, 2, 1])) == pytest.approx(expected, abs=1e-15)
    assert q.fractional_rank([0.5, 0.3, 0.2]) == pytest.approx([0.25, 0.65, 0.90])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 40), st.floats(0.0, 50.0)), min_size=2, max_size=7).filter(
        lambda rows: sum(c * m for c, m in rows) > 1e-6
    )
)
def test_grouped_formula_equals_covariance_formula_on_expanded_data(rows):
    counts = np.array([c for c, _ in rows], dtype=float)
    means = np.array([m for _, m in rows])
    individuals = np.repeat(means, counts.astype(int))
    grouped = q.concentration_index(counts, means)
    assert grouped == pytest.approx(covariance_ci(individuals), abs=1e-9)
    assert grouped == pytest.approx(fuller_lury_ci(counts, means), abs=1e-9)
    assert -1 - 1e-12 <= grouped <= 1 + 1e-12


def test_concentration_index_is_vectorised_and_refuses_nonsense():
    batch = q.concentration_index([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], [[4, 2, 1], [1, 1, 1]])
    assert batch == pytest.approx([-33 / 140, 0.0])
    with pytest.raises(ValueError, match="one value per group"):
        q.concentration_index([0.5, 0.5], [1, 2, 3])
    with pytest.raises(ValueError, match="pop_share"):
        q.concentration_index([-1, 2], [1, 2])
    with pytest.raises(ValueError, match="mean"):
        q.concentration_index([1, 1], [0, 0])


# ----------------------------------------------------------------------------------- strategies
@st.composite
def groups(draw, ordered=None):
    size = draw(st.integers(2, 6))
    counts = np.array(draw(st.lists(st.floats(0.05, 10.0), min_size=size, max_size=size)))
    need = draw(st.lists(st.floats(0.01, 100.0), min_size=size, max_size=size))
    propensity = draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size))
    if max(propensity) < 1e-3:
        propensity[draw(st.integers(0, size - 1))] = draw(st.floats(1e-3, 1.0))
    benefit = draw(st.lists(st.floats(0.01, 100.0), min_size=size, max_size=size))
    return q.Groups(
        names=tuple(f"g{i}" for i in range(size)),
        pop_share=counts / counts.sum(),
        need=need,
        propensity=propensity,
        benefit=benefit,
        ordered=draw(st.booleans()) if ordered is None else ordered,
    )


advocacy_levels = st.floats(0.0, 1.0)


# ----------------------------------------------------------------------------------- properties
@settings(max_examples=80, deadline=None)
@given(groups(), st.floats(1e-3, 1.0), advocacy_levels)
def test_equal_propensities_give_budgets_that_follow_need(g, p, a):
    same = q.Groups(g.names, g.pop_share, g.need, np.full(len(g.names), p), g.benefit, g.ordered)
    result = q.evaluate(same, a)
    t = result.table
    assert t["budget_share"].to_numpy() == pytest.approx(t["need_share"].to_numpy(), abs=1e-12)
    assert result.summary["hi_budgets"] == pytest.approx(0.0, abs=1e-12)
    assert result.summary["dissimilarity"] == pytest.approx(0.0, abs=1e-12)
    assert result.gap == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=120, deadline=None)
@given(groups(), advocacy_levels, advocacy_levels)
def test_more_advocacy_never_widens_the_gap(g, a1, a2):
    low, high = sorted((a1, a2))
    before, after = q.evaluate(g, low), q.evaluate(g, high)
    for key in ("hi_budgets", "dissimilarity", "gap"):
        assert abs(after.summary[key]) <= abs(before.summary[key]) + 1e-12
    assert after.summary["lowest_to_highest_take_up"] >= before.summary["lowest_to_highest_take_up"] - 1e-12
    assert after.summary["extra_per_1000_in_need"] >= before.summary["extra_per_1000_in_need"] - 1e-9
    assert q.compare(after, before).verdict in {"narrows", "no change"}


@settings(max_examples=80, deadline=None)
@given(groups(), advocacy_levels)
def test_advocacy_scales_the_gap_by_a_common_factor(g, a):
    """The documented identity: every s_t - q_t, hence HI and D, shrinks by
    (1 - a) P / ((1 - a) P + a max p), P the need-weighted mean propensity."""
    base, after = q.evaluate(g, 0.0), q.evaluate(g, a)
    weights = g.pop_share * g.need
    mean_p = float(np.sum(weights * g.propensity) / weights.sum())
    factor = (1 - a) * mean_p / ((1 - a) * mean_p + a * g.propensity.max())
    assert after.summary["hi_budgets"] == pytest.approx(factor * base.summary["hi_budgets"], abs=1e-10)
    assert after.summary["dissimilarity"] == pytest.approx(factor * base.summary["dissimilarity"], abs=1e-10)


@settings(max_examples=80, deadline=None)
@given(groups(), advocacy_levels)
def test_shares_sum_to_one_and_everything_is_finite(g, a):
    result = q.evaluate(g, a)
    for column in ("need_share", "budget_share", "benefit_share"):
        assert result.table[column].sum() == pytest.approx(1.0, abs=1e-12)
        assert (result.table[column] >= 0).all()
    numbers = result.table.select_dtypes("number").to_numpy()
    assert np.isfinite(numbers).all()
    assert all(math.isfinite(v) for v in result.summary.values())
    for key in ("conc_need", "conc_budgets", "conc_benefit"):
        assert -1 <= result.summary[key] <= 1


@pytest.mark.parametrize("advocacy", [0.0, 1.0])
@pytest.mark.parametrize("propensity", [[0.0, 0.0, 1e-9], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
@pytest.mark.parametrize("need", [[1e-6, 1.0, 100.0], [100.0, 100.0, 100.0]])
def test_finite_at_the_extremes(advocacy, propensity, need):
    g = q.Groups(("a", "b", "c"), [0.98, 0.01, 0.01], need, propensity, [1e-6, 1.0, 100.0], ordered=True)
    result = q.evaluate(g, advocacy)
    assert np.isfinite(result.table.select_dtypes("number").to_numpy()).all()
    assert all(math.isfinite(v) for v in result.summary.values())
    if advocacy == 1.0:
        assert result.gap == pytest.approx(0.0, abs=1e-12)


def test_gap_curve_matches_evaluate_and_falls():
    g = q.preset("deprivation quintiles")
    curve = q.gap_curve(g, np.linspace(0, 1, 11))
    for level, gap in zip(curve["advocacy"], curve["gap"]):
        assert gap == pytest.approx(q.evaluate(g, level).gap, abs=1e-12)
    assert (np.diff(curve["gap"]) <= 1e-12).all()


# ----------------------------------------------------------------------------- comparisons, presets
def test_compare_names_the_direction_against_the_baseline():
    g = q.preset("deprivation quintiles")
    result, baseline, comparison = q.scenario("deprivation quintiles", 0.5)
    assert comparison.verdict == "narrows" and comparison.change < 0
    assert comparison.measure == "horizontal inequity index"
    assert q.compare(baseline, result).verdict == "widens"
    assert q.compare(baseline, q.evaluate(g, 0.0)).verdict == "no change"
    with pytest.raises(ValueError, match="both use ordered groups"):
        q.compare(result, q.evaluate(q.preset("councils 2010/11")))


def test_default_deprivation_scenario_is_pro_rich_against_need():
    """With take-up rising and need falling from most to least deprived, budgets are less
    concentrated among the deprived than need is: a positive horizontal inequity index."""
    result = q.evaluate(q.preset("deprivation quintiles"))
    s = result.summary
    assert s["conc_need"] < 0 and s["hi_budgets"] > 0
    assert result.table["budget_share"].iloc[0] < result.table["need_share"].iloc[0]


@pytest.mark.parametrize("name", sorted(q.PRESETS))
def test_every_preset_evaluates_and_says_where_inputs_come_from(name):
    g = q.preset(name)
    assert set(g.sources) == {"pop_share", "need", "propensity", "benefit"}
    result = q.evaluate(g, 0.25)
    assert result.table["budget_share"].sum() == pytest.approx(1.0)
    if name in ("deprivation quintiles", "minority ethnic or not"):
        assert g.sources["propensity"].startswith("Assumption:")


def test_sourced_presets_use_the_figures_in_data():
    from phb.data import figure

    clients = q.preset("client groups 2011/12")
    assert clients.propensity[0] == pytest.approx(figure("social_care_pb_mental_health_2011_12_pct").value / 100)
    ages = q.preset("age bands 2023/24")
    assert ages.propensity == pytest.approx(
        [figure("social_care_dp_age_18_64_pct").value / 100, figure("social_care_dp_age_65_plus_pct").value / 100]
    )
    council = figure("social_care_pb_council_range_2010_11")
    assert q.preset("councils 2010/11").propensity == pytest.approx([council.lower / 100, council.upper / 100])
    for key in q.ASSUMPTIONS:
        assert q.source_of(key).startswith("Assumption:")


def test_propensity_from_awareness_and_confidence():
    assert q.propensity_from([0.5, 1.0], [0.4, 0.3]) == pytest.approx([0.2, 0.3])
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        q.propensity_from([0.5, 1.0], [0.4, 1.3])


# ----------------------------------------------------------------------------------- refusals
BASE = dict(names=("a", "b"), pop_share=[0.5, 0.5], need=[1, 1], propensity=[0.2, 0.4], benefit=[1, 1])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"pop_share": [0.5, 0.6]}, "pop_share must sum to 1 across groups; got 1.1"),
        ({"pop_share": [1.2, -0.2]}, "pop_share must be above 0 and at most 1 for every group; got 1.2"),
        ({"need": [0, 1]}, "need must be above 0 and at most 100 for every group; got 0.0 for group 1"),
        ({"need": [1, float("nan")]}, "need must be above 0 and at most 100 for every group; got nan"),
        ({"propensity": [0.2, 1.2]}, "propensity must be between 0 and 1 for every group; got 1.2 for group 2"),
        ({"propensity": [0, 0]}, "propensity must be above 0 for at least one group"),
        ({"benefit": [1, -1]}, "benefit must be above 0 and at most 100 for every group; got -1.0"),
        ({"need": [1, 1, 1]}, "need must have one value per group (2); got 3"),
        (
            {"names": ("a",), "pop_share": [1], "need": [1], "propensity": [1], "benefit": [1]},
            "names must list at least 2 groups",
        ),
        ({"names": ("a", "a")}, "names must be unique"),
    ],
)
def test_impossible_groups_are_refused_with_a_message(change, message):
    with pytest.raises(ValueError) as error:
        q.Groups(**{**BASE, **change})
    assert message in str(error.value)


@pytest.mark.parametrize(
    "value, message",
    [
        (1.2, "advocacy must be between 0 and 1; got 1.2"),
        (-0.1, "advocacy must be between 0 and 1; got -0.1"),
        (float("nan"), "advocacy must be between 0 and 1; got nan"),
        ("lots", "advocacy must be a number; got 'lots'"),
    ],
)
def test_impossible_advocacy_is_refused(value, message):
    with pytest.raises(ValueError) as error:
        q.evaluate(q.Groups(**BASE), value)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"propensity_ratio": 1.5}, "propensity_ratio must be between 0 and 1; got 1.5"),
        ({"need_ratio": 0.5}, "need_ratio must be between 1 and 5; got 0.5"),
        ({"benefit_ratio": 9}, "benefit_ratio must be between 0.2 and 5; got 9"),
        ({"top_propensity": 0}, "top_propensity must be above 0 and at most 1; got 0"),
    ],
)
def test_impossible_preset_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError) as error:
        q.deprivation_quintiles(**kwargs)
    assert message in str(error.value)


def test_unknown_preset_and_bad_reference_are_refused():
    with pytest.raises(ValueError, match="preset must be one of"):
        q.preset("postcodes")
    g = q.Groups(**{**BASE, "propensity": [0.0, 0.4]})
    with pytest.raises(ValueError, match="reference must be a group index between 0 and 1; got 5"):
        q.evaluate(g, 0, reference=5)
    with pytest.raises(ValueError, match="reference must be a group with a propensity above 0"):
        q.evaluate(g, 0, reference=0)
    assert q.evaluate(g, 0.5, reference=0).table["take_up_ratio"].iloc[1] == pytest.approx(2.0)


def test_advocacy_value_counts_extra_holders_cost_and_value():
    g = q.Groups(("a", "b"), [0.5, 0.5], [1, 1], [0.1, 0.3], [2, 1])
    v = q.advocacy_value(g, 0.5, people_in_need=1000, cost_per_extra_holder=200, value_per_holder=300)
    # group a: 500 people in need, take-up 0.1 -> 0.2: 50 extra holders; group b unchanged
    assert v.extra_holders == pytest.approx(50)
    assert v.cost == pytest.approx(10_000) and v.value == pytest.approx(50 * 2 * 300)
    assert v.net == pytest.approx(20_000)
    assert v.gap_after < v.gap_before and v.cost_per_gap_point > 0
    assert q.advocacy_value(g, 0.0, 1000, 200).cost_per_gap_point == math.inf
    with pytest.raises(ValueError, match="cost_per_extra_holder must be between 0 and 1e"):
        q.advocacy_value(g, 0.5, 1000, -5)


def test_advocacy_value_counts_the_extra_holders_budgets_against_their_saving():
    g = q.Groups(("a", "b"), [0.5, 0.5], [1, 1], [0.1, 0.3], [1, 1])
    # 50 extra holders, each saving 3,050 in other services but paid a budget of 3,602
    v = q.advocacy_value(g, 0.5, 1000, cost_per_extra_holder=200, value_per_holder=3050, budget_per_holder=3602)
    assert v.budgets == pytest.approx(50 * 3602)
    assert v.net == pytest.approx(50 * (3050 - 3602 - 200))  # the saving alone does not pay
    assert v.cost == pytest.approx(50 * 200)  # the advocacy's own cost stays apart
    with pytest.raises(ValueError, match="budget_per_holder must be between 0 and 1e"):
        q.advocacy_value(g, 0.5, 1000, 200, 3050, budget_per_holder=-1)


def test_summary_texts_are_prefixed_prose():
    result, _, comparison = q.scenario("deprivation quintiles", 0.5)
    texts = inequality_texts(result, comparison, "dep")
    assert texts["dep_verdict"] == "narrows" and texts["dep_advocacy"] == "50%"
    assert float(texts["dep_hi_budgets"]) == pytest.approx(result.summary["hi_budgets"], abs=5e-4)


def test_sourced_rates_chart_axis_names_both_measures_it_draws():

    spec = sourced_rates_chart().to_dict()
    title = spec["encoding"]["x"]["title"].lower()
    series = set(sourced_rates()["series"])
    assert any("personal budget" in s.lower() for s in series) and any("direct payment" in s.lower() for s in series)
    assert "personal budget" in title and "direct payment" in title
