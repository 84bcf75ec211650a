"""Numbers as the chapters' prose quotes them: model results formatted as text, to be glued by name.

Models (:mod:`phb.models`) return numbers; this module turns them into the words and figures a
chapter glues (``glue_text(name, text)``, quoted in prose as ``[text](glue:name)``). One function
per explorer chapter: :func:`uptake_numbers` (chapter 7), :func:`inequality_texts` (chapter 8) and
:func:`how_sure_numbers` (chapter 9).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from phb.data import figure
from phb.models import inequality, selection, stats, uptake


def percent(value: float) -> str:
    """A share as a percentage to one decimal ("86.0%"); empty for a missing value."""
    return "" if pd.isna(value) else f"{value:.1%}"


def uptake_numbers(chosen: Mapping[str, float], mc: uptake.MonteCarlo, growth: uptake.GrowthAnalysis) -> dict[str, str]:
    """Chapter 7's model results as the prose quotes them (name -> text, glued by name)."""
    r = uptake.evaluate(**chosen)
    holders = mc.summary(["holders", "extra_per_holder"]).set_index("output")
    by_holders = uptake.sensitivity("uptake", uptake.BEHAVIOUR_PARAMETERS, **chosen)
    by_cost = uptake.sensitivity("extra_per_holder", **chosen)
    low_aware = uptake.evaluate(**{**chosen, "share_aware": uptake.parameters()["share_aware"].low})
    latest = growth.series[growth.series["count_basis"] == "year_to_date"].iloc[-1]
    k_lo, k_hi = (
        math.exp(growth.mixed.params[0] + z * math.sqrt(growth.mixed.covariance[0, 0])) for z in (-1.96, 1.96)
    )
    n = uptake.CONSIDER_COUNT_N
    consider_k = round(0.5 * n)  # the earlier reading of "about half" as a count, for contrast
    count_beta = uptake.consider_beta(0.5, n)
    consider = uptake.consider_range(chosen["share_consider"])
    completion = uptake.completion_rate(
        chosen["support"], chosen["completion_no_support"], chosen["completion_full_support"]
    )

    def people(v: float) -> str:
        return f"{float(v):,.0f}"

    def pounds(v: float) -> str:
        return f"£{float(v):,.0f}"

    return {
        "up_eligible": people(r["eligible"]),
        "up_holders": people(r["holders"]),
        "up_uptake_pct": f"{float(r['holders'] / max(r['eligible'], 1e-12)):.0%}",
        "up_aware": people(r["aware"]),
        "up_completion_pct": f"{float(completion):.0%}",
        "up_total": pounds(r["total"]),
        "up_extra": pounds(r["extra"]),
        "up_budgets": pounds(r["budgets"]),
        "up_per_holder": pounds(r["per_holder"]),
        "up_extra_per_holder": pounds(r["extra_per_holder"]),
        "up_low_aware_pct": f"{uptake.parameters()['share_aware'].low:.0%}",
        "up_low_aware_holders": people(low_aware["holders"]),
        "up_low_aware_extra_per_holder": pounds(low_aware["extra_per_holder"]),
        "up_fixed_per_holder": pounds(r["fixed"] / max(float(r["holders"]), 1.0)),
        "up_low_aware_fixed_per_holder": pounds(low_aware["fixed"] / max(float(low_aware["holders"]), 1.0)),
        "mc_draws": f"{len(mc.outputs['holders']):,}",
        "mc_holders_median": people(holders.loc["holders", "median"]),
        "mc_holders_lower": people(holders.loc["holders", "lower"]),
        "mc_holders_upper": people(holders.loc["holders", "upper"]),
        "mc_extra_lower": pounds(holders.loc["extra_per_holder", "lower"]),
        "mc_extra_upper": pounds(holders.loc["extra_per_holder", "upper"]),
        "up_consider": f"{chosen['share_consider']:.0%}",
        "up_consider_low": f"{uptake.parameters()['share_consider'].low:.0%}",
        "up_consider_high": f"{uptake.parameters()['share_consider'].high:.0%}",
        "mc_consider_lower": f"{consider.ppf(0):.0%}",
        "mc_consider_upper": f"{consider.ppf(1):.0%}",
        "mc_budget_spread": f"{uptake.BUDGET_SPREAD[0]:.0%} to {uptake.BUDGET_SPREAD[1]:.0%}",
        "beta_k": f"{consider_k}",
        "beta_n": f"{n}",
        "beta_a": f"{consider_k + 1}",
        "beta_b": f"{n - consider_k + 1}",
        "beta_lower": f"{count_beta.ppf(0.025):.0%}",
        "beta_upper": f"{count_beta.ppf(0.975):.0%}",
        "conc": f"{uptake.ASSUMPTION_CONCENTRATION:g}",
        "top_holders_1": by_holders["label"][0].lower(),
        "top_holders_2": by_holders["label"][1].lower(),
        "top_holders_3": by_holders["label"][2].lower(),
        "top_cost_1": by_cost["label"][0].lower(),
        "top_cost_2": by_cost["label"][1].lower(),
        "growth_doubling": f"{growth.totals.doubling_time:.1f}",
        "growth_totals_ceiling_bound": f"{uptake.CEILING_BOUND:,}",
        "growth_totals_at_latest": people(uptake.round_to_figures(growth.totals.predict([latest["year"]])[0])),
        "growth_latest_period": str(latest["period"]),
        "growth_mixed_ceiling": people(uptake.round_to_figures(growth.mixed.ceiling)),
        "growth_mixed_ceiling_lower": people(uptake.round_to_figures(k_lo)),
        "growth_mixed_ceiling_upper": people(uptake.round_to_figures(k_hi)),
        "growth_totals_n": f"{len(growth.totals.years)}",
        "growth_mixed_n": f"{len(growth.mixed.years)}",
    }


def inequality_texts(result: inequality.Result, comparison: inequality.Comparison, prefix: str) -> dict[str, str]:
    """An inequality scenario's numbers formatted for chapter 8's prose, keyed ``prefix_name`` (the
    chapter glues them)."""
    s = result.summary
    texts = {
        "advocacy": f"{result.advocacy:.0%}",
        "conc_need": f"{s['conc_need']:.3f}",
        "conc_budgets": f"{s['conc_budgets']:.3f}",
        "conc_benefit": f"{s['conc_benefit']:.3f}",
        "hi_budgets": f"{s['hi_budgets']:.3f}",
        "hi_benefit": f"{s['hi_benefit']:.3f}",
        "dissimilarity": f"{s['dissimilarity']:.1%}",
        "gap": f"{abs(result.gap):.3f}" if result.groups.ordered else f"{result.gap:.1%}",
        "baseline_gap": (
            f"{abs(comparison.baseline_gap):.3f}" if result.groups.ordered else f"{comparison.baseline_gap:.1%}"
        ),
        "verdict": comparison.verdict,
        "take_up": f"{s['take_up_per_1000_in_need']:,.0f}",
        "extra": f"{s['extra_per_1000_in_need']:,.0f}",
        "lowest_to_highest": f"{s['lowest_to_highest_take_up']:.2f}",
        "first_budget_share": f"{result.table['budget_share'].iloc[0]:.1%}",
        "first_need_share": f"{result.table['need_share'].iloc[0]:.1%}",
        "first_group": result.groups.names[0],
    }
    return {f"{prefix}_{key}": value for key, value in texts.items()}


#: The larger survey the chapter compares with (respondents).
BIG_SURVEY = 1000


def _points(x: float) -> str:
    """A share as percentage points with a real minus sign ("−9.9")."""
    return f"{x * 100:.1f}".replace("-", "−")


def _neighbours(share: float, n: int) -> tuple[int, int]:
    """The counts out of ``n`` just below and just above ``share`` (to show a share is impossible)."""
    k = int(np.floor(share * n))
    return k, k + 1


def how_sure_numbers(n: int, share: float, strength: float, survey_size: int) -> dict[str, str]:
    """Every model number chapter 9's prose quotes, formatted for glue (name → text).

    ``n``/``share`` is the reader's interval scenario; ``strength``/``survey_size`` the selection one.
    """
    out: dict[str, str] = {}
    ci = stats.share_interval(share, n)
    cp = stats.share_interval(share, n, "clopper-pearson")
    out |= {
        "hs_n": f"{n:,}",
        "hs_count": f"{ci.successes:,}",
        "hs_share": percent(ci.estimate),
        "hs_wilson": f"{ci.lower:.1%} to {ci.upper:.1%}",
        "hs_cp": f"{cp.lower:.1%} to {cp.upper:.1%}",
        "hs_margin": _points(stats.margin_of_error(n, share)),
    }

    holders = int(figure("poet2014_holders_n").value)
    above = stats.allowed_counts(holders, "more than", 0.8)
    exact = stats.share_interval(figure("poet2014_qol_improved").value / 100, holders)
    out |= {
        "hs_more80_min_count": f"{above.counts.min()}",
        "hs_more80_min_share": percent(above.share_low),
        "hs_more80_lower": f"{above.lower:.1%}",
        "hs_qol86_count": f"{exact.successes}",
        "hs_qol86_interval": f"{exact.lower:.1%} to {exact.upper:.1%}",
        "hs_margin_holders": _points(stats.margin_of_error(holders)),
        "hs_n_5pts": f"{stats.sample_size(0.05):,}",
        "hs_n_3pts": f"{stats.sample_size(0.03):,}",
    }

    carers = int(figure("poet2014_carers_n").value)
    steps = stats.figure_share(figure("poet2014_process_difficult"))
    fit = stats.allowed_counts(carers, "range", steps["value"], steps["upper"])
    below, above_k = _neighbours(steps["value"], holders)
    out |= {
        "hs_step_low": f"{steps['value']:.1%}",
        "hs_step_fit_carers": f"{fit.counts.min()} to {fit.counts.max()}",
        "hs_step_holders_below": f"{below} ({below / holders:.1%})",
        "hs_step_holders_above": f"{above_k} ({above_k / holders:.1%})",
    }

    n15 = int(figure("poet2015_holders_n").value)
    dp = stats.figure_share(figure("poet2015_managed_direct_payment_pct"))["value"]
    lo_k, hi_k = _neighbours(dp, n15)
    out |= {"hs_dp2015_below": f"{lo_k} ({lo_k / n15:.1%})", "hs_dp2015_above": f"{hi_k} ({hi_k / n15:.1%})"}

    s_n, s_k = int(figure("study2011_survey_n").value), int(figure("study2011_survey_prior_pb_n").value)
    f_n, f_k = int(figure("study2011_focus_group_n").value), int(figure("study2011_focus_group_prior_pb_n").value)
    diff = stats.difference_interval(s_k, s_n, f_k, f_n)
    s_k2 = int(figure("study2011_survey_prior_pb_n_findings").value)
    for name, count in (("hs_pb_methodology_interval", s_k), ("hs_pb_findings_interval", s_k2)):
        ci = stats.wilson(count, s_n)
        out[name] = f"{ci.lower:.1%} to {ci.upper:.1%}"
    out |= {
        "hs_pb_survey_share": percent(s_k / s_n),
        "hs_pb_fg_share": percent(f_k / f_n),
        "hs_pb_diff": _points(diff.estimate),
        "hs_pb_diff_interval": f"{_points(diff.lower)} to {_points(diff.upper)}",
    }

    sim = selection.simulate(strength, survey_size=survey_size)
    out |= {
        "hs_sel_strength": f"{strength:g}",
        "hs_sel_size": f"{survey_size:,}",
        "hs_sel_ratio": f"{sim['engaged_ratio']:.0f}",
        "hs_sel_truth": percent(sim["truth"]),
        "hs_sel_expected": percent(sim["expected"]),
        "hs_sel_bias": _points(sim["bias"]),
        "hs_sel_coverage": f"{selection.coverage(strength, survey_size=survey_size):.0%}",
        "hs_sel_coverage_big": f"{selection.coverage(strength, survey_size=BIG_SURVEY):.0%}",
        "hs_sel_big_size": f"{BIG_SURVEY:,}",
        "hs_sel_coverage_none": f"{selection.coverage(0.0, survey_size=survey_size):.0%}",
        "hs_sel_surveys": "200",
        "hs_sel_true_share": percent(selection.TRUE_SHARE),
        "hs_sel_response_rate": f"{selection.RESPONSE_RATE:.0%}",
        "hs_sel_population": f"{selection.POPULATION_SIZE:,}",
    }
    return out
