"""The uptake model: funnel, mix, costs, refusals, Monte Carlo, sensitivity and growth fits."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phb.data import figure
from phb.models import uptake
from phb.prose import uptake_numbers

ROOT = Path(__file__).resolve().parents[2]
share = st.floats(0, 1, allow_nan=False)
money = st.floats(0, 1e6, allow_nan=False)
people = st.floats(0, 1e7, allow_nan=False)


def by_hand(p: dict[str, float]) -> float:
    """Holders computed independently of the module, straight from the chapter's formula."""
    completion = p["completion_no_support"] + (p["completion_full_support"] - p["completion_no_support"]) * p["support"]
    return p["population"] * p["share_aware"] * p["share_consider"] * completion * p["share_agreed"]


# ---------------------------------------------------------------------------------- defaults


def test_sourced_defaults_come_from_data():
    p = uptake.parameters()
    minority = figure("study2011_would_consider_minority")
    assert p["share_consider"].high == minority.upper  # "a minority": below a half
    assert p["share_consider"].low == uptake.CONSIDER_FLOOR
    assert p["share_consider"].default == pytest.approx((uptake.CONSIDER_FLOOR + minority.upper) / 2)
    audit = figure("audit_commission_dp_cost_per_user")
    # one-off, per new holder; from £0 (already paid by the area set-up) to the Commission's top
    assert (p["implementation_cost"].low, p["implementation_cost"].high) == (0.0, audit.upper)
    assert p["implementation_cost"].default == pytest.approx(audit.upper / 2)
    assert p["mean_budget"].default == figure("nateval_mh_mean_budget").value
    assert p["fixed_cost"].default == pytest.approx(
        figure("nateval_infrastructure_cost").value / figure("nateval_infrastructure_years").value
    )
    assert p["share_direct_payment"].default == pytest.approx(
        figure("uptake_2023_24_q4_direct_payment_pct").value / 100
    )


def test_every_default_is_sourced_or_labelled_an_assumption_and_citations_exist():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "references.bib").read_text()))
    for p in uptake.parameters().values():
        assert not math.isnan(p.default), p.name
        assert p.minimum <= p.low <= p.default <= p.high <= p.maximum, p.name
        if p.citation:
            assert p.citation in keys, p.name
            assert not p.is_assumption
        else:
            assert p.source.startswith("Assumption:"), p.name


def test_consider_beta_is_built_from_the_stated_reading_of_about_half():
    beta = uptake.consider_beta(0.5, 58)
    assert beta.args == (30, 30)
    assert uptake.consider_beta(0.3, 10).args == (4, 8)
    low, high = beta.interval(0.95)
    assert (
        low < 0.5 < high
        and high - low
        > uptake.consider_beta(0.5, 162).interval(0.95)[1] - uptake.consider_beta(0.5, 162).interval(0.95)[0]
    )


def test_would_consider_is_drawn_from_the_range_the_words_allow_not_from_a_count():
    spec = uptake.parameters()["share_consider"]
    words = uptake.consider_range(spec.default)
    assert words.ppf(0) == pytest.approx(spec.low) and words.ppf(1) == pytest.approx(spec.high)
    assert words.std() > uptake.consider_beta(0.5, 58).std()  # wider than "29 of 58"
    assert spec.high <= 0.5  # "by no means a majority"
    moved = uptake.consider_range(0.95)  # centred on the reader's choice, kept inside 0 to 1
    assert moved.ppf(1) == pytest.approx(1.0) and moved.ppf(0) == pytest.approx(0.95 - (spec.high - spec.low) / 2)


# ---------------------------------------------------------------------------------- the model


def test_defaults_match_the_formula_and_the_cost_sheet_adds_up():
    d = uptake.defaults()
    r = uptake.evaluate()
    assert r["holders"] == pytest.approx(by_hand(d))
    assert r["uptake"] == pytest.approx(r["holders"] / d["population"])
    assert r["budgets"] == pytest.approx(r["holders"] * d["mean_budget"])
    assert r["double_running"] == pytest.approx(r["budgets"] * d["double_running_share"])
    assert r["total"] == pytest.approx(r["budgets"] + r["implementation"] + r["double_running"] + r["fixed"])
    assert r["extra"] == pytest.approx(r["total"] - r["budgets"])
    assert r["per_holder"] == pytest.approx(r["total"] / r["holders"])
    assert r["notional"] + r["third_party"] + r["direct_payment"] == pytest.approx(r["holders"])


def test_arrays_give_the_same_answers_as_numbers():
    rng = np.random.default_rng(1)
    aware, support = rng.uniform(0, 1, 50), rng.uniform(0, 1, 50)
    vector = uptake.evaluate(share_aware=aware, support=support)
    for i in range(50):
        one = uptake.evaluate(share_aware=float(aware[i]), support=float(support[i]))
        for key in ("holders", "total", "per_holder", "extra_per_holder", "uptake"):
            assert vector[key][i] == pytest.approx(one[key])


def test_nobody_eligible_gives_zeros_and_a_finite_cost_per_holder():
    r = uptake.evaluate(population=0)
    assert r["holders"] == 0 and r["uptake"] == 0
    assert r["per_holder"] == r["fixed"]  # divided by at least one holder


# ---------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "name,value,range_text",
    [
        ("share_aware", 1.2, "between 0 and 1"),
        ("share_consider", -0.1, "between 0 and 1"),
        ("support", float("nan"), "between 0 and 1"),
        ("population", -5, "between 0 and 6e+07"),
        ("mean_budget", -1, "between 0 and 1e+09"),
        ("implementation_cost", float("inf"), "between 0 and 1e+09"),
        ("double_running_share", 2, "between 0 and 1"),
        ("fixed_cost", "lots", "between 0 and 1e+09"),
        ("share_agreed", np.array([0.5, 1.5]), "between 0 and 1"),
    ],
)
def test_impossible_inputs_are_refused_naming_the_parameter_and_range(name, value, range_text):
    with pytest.raises(ValueError, match=rf"^{name} must be (a number )?{re.escape(range_text)}"):
        uptake.evaluate(**{name: value})


def test_the_message_says_what_was_given():
    with pytest.raises(ValueError, match=r"share_aware must be between 0 and 1; got 1\.2"):
        uptake.evaluate(share_aware=1.2)


def test_support_may_not_lower_completion_and_the_mix_may_not_exceed_everyone():
    with pytest.raises(ValueError, match="completion_full_support must be at least"):
        uptake.evaluate(completion_no_support=0.9, completion_full_support=0.5)
    with pytest.raises(ValueError, match="share_direct_payment \\+ share_third_party"):
        uptake.evaluate(share_direct_payment=0.8, share_third_party=0.3)


def test_unknown_parameters_and_outputs_are_refused():
    with pytest.raises(ValueError, match="unknown parameter"):
        uptake.evaluate(colour=1)
    with pytest.raises(ValueError, match="output must be one of"):
        uptake.sensitivity("happiness")
    with pytest.raises(ValueError, match="draws must be a whole number from 1,000"):
        uptake.monte_carlo(draws=0)
    with pytest.raises(ValueError, match="n must be a whole number"):
        uptake.consider_beta(0.5, 0)


# ---------------------------------------------------------------------------------- properties


funnel_inputs = st.fixed_dictionaries(
    {
        "population": people,
        "share_aware": share,
        "share_consider": share,
        "support": share,
        "completion_no_support": share,
        "completion_full_support": share,
        "share_agreed": share,
    }
).map(lambda d: {**d, "completion_full_support": max(d["completion_full_support"], d["completion_no_support"])})
cost_inputs = st.fixed_dictionaries(
    {
        "mean_budget": money,
        "implementation_cost": money,
        "double_running_share": share,
        "fixed_cost": money,
    }
)


@settings(max_examples=300, deadline=None)
@given(funnel_inputs)
def test_holders_never_exceed_the_eligible_population(p):
    r = uptake.evaluate(**p)
    assert 0 <= r["holders"] <= r["complete"] <= r["consider"] <= r["aware"] <= r["eligible"]
    assert 0 <= r["uptake"] <= 1


@settings(max_examples=300, deadline=None)
@given(funnel_inputs, cost_inputs)
def test_costs_are_never_negative(p, c):
    r = uptake.evaluate(**p, **c)
    for key in (
        "budgets",
        "implementation",
        "double_running",
        "fixed",
        "extra",
        "total",
        "per_holder",
        "extra_per_holder",
    ):
        assert r[key] >= 0, key


@settings(max_examples=300, deadline=None)
@given(funnel_inputs, share, share)
def test_more_support_never_lowers_completions(p, s1, s2):
    low, high = sorted((s1, s2))
    fewer = uptake.evaluate(**{**p, "support": low})
    more = uptake.evaluate(**{**p, "support": high})
    assert more["complete"] >= fewer["complete"] - 1e-9 * max(1.0, fewer["complete"])
    assert more["holders"] >= fewer["holders"] - 1e-9 * max(1.0, fewer["holders"])


EXTREMES = {
    "population": (0, uptake.MAX_POPULATION),
    "mean_budget": (0, uptake.MAX_POUNDS),
    "implementation_cost": (0, uptake.MAX_POUNDS),
    "fixed_cost": (0, uptake.MAX_POUNDS),
    "share_aware": (0, 1),
    "share_consider": (0, 1),
    "support": (0, 1),
    "completion_no_support": (0, 0),
    "completion_full_support": (0, 1),
    "share_agreed": (0, 1),
    "double_running_share": (0, 1),
    "share_direct_payment": (0, 1),
    "share_third_party": (0, 0),
}


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in EXTREMES.items()}))
def test_outputs_stay_finite_at_the_extremes(p):
    r = uptake.evaluate(**p)
    assert all(np.isfinite(v) for v in r.values())


# ---------------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_is_seeded_vectorised_and_brackets_the_central_case():
    a = uptake.monte_carlo(draws=20_000, seed=7)
    b = uptake.monte_carlo(draws=20_000, seed=7)
    assert np.array_equal(a.outputs["holders"], b.outputs["holders"])
    assert a.outputs["holders"].shape == (20_000,)
    assert a.inputs["share_consider"].mean() == pytest.approx(uptake.defaults()["share_consider"], abs=0.01)
    low, high = uptake.parameters()["implementation_cost"].low, uptake.parameters()["implementation_cost"].high
    assert low <= a.inputs["implementation_cost"].min() <= a.inputs["implementation_cost"].max() <= high
    summary = a.summary().set_index("output")
    central = uptake.evaluate()
    for key in ("holders", "total", "per_holder"):
        assert summary.loc[key, "lower"] < central[key] < summary.loc[key, "upper"]
    assert (a.outputs["holders"] <= uptake.defaults()["population"]).all()


def test_monte_carlo_varies_double_running_and_the_budget_around_the_chosen_values():
    mc = uptake.monte_carlo(draws=20_000, seed=3, double_running_share=0.2, mean_budget=4_000)
    assert mc.inputs["double_running_share"].std() > 0.01
    assert mc.inputs["double_running_share"].mean() == pytest.approx(0.2, abs=0.01)
    low, high = uptake.BUDGET_SPREAD
    assert mc.inputs["mean_budget"].min() >= low * 4_000 and mc.inputs["mean_budget"].max() <= high * 4_000
    fixed = uptake.monte_carlo(draws=20_000, seed=3, double_running_share=0.0, mean_budget=0.0)
    assert (fixed.inputs["mean_budget"] <= 1e-6).all()  # a zero budget stays (near) zero
    # drawing the largest cost drivers widens the interval of the cost of the change
    spread = mc.summary(["extra"]).iloc[0]
    assert spread["upper"] - spread["lower"] > 0


def test_implementation_is_a_one_off_cost_charged_once_per_new_holder():
    r = uptake.evaluate(implementation_cost=1_000, population=1_000)
    assert r["implementation"] == pytest.approx(r["holders"] * 1_000)


def test_growth_numbers_in_prose_are_rounded_to_two_significant_figures():
    chosen = uptake.scenario()
    numbers = uptake_numbers(chosen, uptake.monte_carlo(draws=2_000), uptake.growth_analysis())
    for key in (
        "growth_mixed_ceiling",
        "growth_mixed_ceiling_lower",
        "growth_mixed_ceiling_upper",
        "growth_totals_at_latest",
    ):
        digits = numbers[key].replace(",", "").rstrip("0")
        assert len(digits) <= 2, (key, numbers[key])
    assert uptake.round_to_figures(212_345) == 210_000 and uptake.round_to_figures(0.0) == 0.0


def test_monte_carlo_respects_the_readers_choices():
    mc = uptake.monte_carlo(draws=5_000, population=100, support=1.0, completion_full_support=0.7)
    assert (mc.outputs["holders"] <= 100).all()
    assert (mc.inputs["completion_no_support"] <= 0.7).all()


# ---------------------------------------------------------------------------------- sensitivity


def test_sensitivity_rows_are_the_model_at_each_end_sorted_by_swing():
    frame = uptake.sensitivity("holders")
    assert list(frame["swing"]) == sorted(frame["swing"], reverse=True)
    for _, row in frame.iterrows():
        at_low = uptake.evaluate(**{row["parameter"]: row["low"]})["holders"]
        assert row["at_low"] == pytest.approx(at_low)
    costs_only = frame.set_index("parameter").loc[list(uptake.COST_PARAMETERS), "swing"]
    assert (costs_only == 0).all()  # money does not change who takes a budget


def test_uptake_sensitivity_finds_the_words_range_and_awareness_first_at_the_defaults():
    # "would consider" spans the range the report's words allow (a fivefold range), so it leads
    frame = uptake.sensitivity("uptake", uptake.BEHAVIOUR_PARAMETERS)
    assert list(frame["parameter"][:2]) == ["share_consider", "share_aware"]


# ---------------------------------------------------------------------------------- growth


def test_fit_growth_recovers_known_curves():
    years = np.arange(2010, 2024, 1.0)
    exp = 1_000 * np.exp(0.4 * (years - 2015.0))
    fit = uptake.fit_growth(years, exp, "exponential")
    assert fit.params[1] == pytest.approx(0.4, rel=1e-6)
    assert fit.doubling_time == pytest.approx(math.log(2) / 0.4, rel=1e-6)
    logistic = 50_000 / (1 + np.exp(-0.9 * (years - 2016)))
    fit = uptake.fit_growth(years, logistic, "logistic")
    assert fit.ceiling == pytest.approx(50_000, rel=1e-4)
    lower, upper = fit.band(years)
    assert (lower <= fit.predict(years) * (1 + 1e-6)).all() and (fit.predict(years) <= upper * (1 + 1e-6)).all()


def test_fit_growth_refuses_bad_input():
    with pytest.raises(ValueError, match="curve must be one of"):
        uptake.fit_growth([2015, 2016, 2017, 2018], [1, 2, 3, 4], "cubic")
    with pytest.raises(ValueError, match="at least 4 points"):
        uptake.fit_growth([2015, 2016, 2017], [1, 2, 3], "logistic")
    with pytest.raises(ValueError, match="counts must be between"):
        uptake.fit_growth([2015, 2016, 2017, 2018], [1, 2, float("nan"), 4], "exponential")


def test_growth_series_keeps_comparable_all_budget_counts():
    series = uptake.growth_series()
    assert set(series["count_basis"]) == {"total", "live", "year_to_date"}
    assert series["year"].is_monotonic_increasing
    # "over 70,000" is taken at its bound, "nearly 16,000" at its ceiling
    assert figure("phb_total_2019_10").lower in set(series["people"])
    assert figure("phb_total_2017").upper in set(series["people"])
    assert figure("uptake_2023_24_q4_chc").value not in set(series["people"])


def test_the_totals_show_no_ceiling_but_mixing_definitions_finds_one():
    g = uptake.growth_analysis()
    assert g.totals_logistic.ceiling_at_bound
    assert not g.mixed.ceiling_at_bound
    latest = g.series["people"].max()
    assert latest < g.mixed.ceiling < 3 * latest
    table = g.table()
    assert set(table["fit"]) == {g.totals.label, g.mixed.label}
    assert (table["upper"] <= 1_000_000).all()


def test_growth_targets_spell_out_ranges_and_need_a_base_for_multiples():
    without = uptake.growth_targets()
    with_base = uptake.growth_targets(latest=100.0, latest_period="test")
    assert len(with_base) == len(without) + 1
    assert (with_base["people"] == 200.0).any()
    mandate = figure("phb_target_2021_03")
    assert {mandate.lower, mandate.upper} <= set(without["people"])


# ---------------------------------------------------------------------------------- tables


def test_scenario_treats_none_as_the_sourced_default():
    chosen = uptake.scenario(population=None, share_aware=0.8)
    assert chosen["population"] == uptake.defaults()["population"] and chosen["share_aware"] == 0.8
    with pytest.raises(ValueError, match="share_aware must be between"):
        uptake.scenario(share_aware=3)


def test_readable_tables():
    table = uptake.parameter_table(uptake.defaults())
    assert len(table) == len(uptake.ALL_PARAMETERS)
    assert table["Where the default comes from"].str.len().min() > 10
    summary = uptake.summary_table(uptake.evaluate())
    assert summary["measure"].is_unique and len(summary) == 16
    assert len(uptake.summary_table(uptake.evaluate(), ["funnel"])) == 5


def test_chapter_numbers_are_text_for_every_name_the_chapter_uses():
    chosen = uptake.defaults()
    numbers = uptake_numbers(chosen, uptake.monte_carlo(draws=2_000), uptake.growth_analysis())
    source = (ROOT / "chapters" / "07_how_many_would_take_a_budget.ipynb").read_text()
    used = set(re.findall(r"\]\(glue:((?:up|mc|beta|growth|top)_\w+|conc)\)", source))
    assert used, "the chapter quotes no model result: has the way prose names glued values changed?"
    assert used <= set(numbers)
    assert numbers["up_holders"] == f"{uptake.evaluate()['holders']:,.0f}"
    assert all(isinstance(v, str) and v for v in numbers.values())
