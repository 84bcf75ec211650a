"""Live explorers for "How sure can we be?": a confidence interval, and the bias of self-selection.

Front ends only: every number comes from :mod:`phb.stats` and :mod:`phb.selection`, and every chart
from :mod:`phb.stats_charts` (the same specs as the page's kernel-free twins).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from phb import charts, selection, stats, stats_charts
from phb.data import figure
from widgets.base import Explorer, Number

INTERVAL_TITLE = "How wide is the interval? Sample size and observed share"
SELECTION_TITLE = "Who answers? Self-selection against the truth"


def interval_controls() -> list[Number]:
    """Sample size and observed share, defaulting to the 2014 POET survey's quality-of-life figure."""
    n = figure("poet2014_holders_n")
    share = figure("poet2014_qol_improved")
    return [
        Number("n", "Sample size (people who answered)", 1, 100_000, 1, default=int(n.value),
               source=f"{n.text} budget holders answered the 2014 POET survey ({n.citation})",
               integer=True),
        Number("share", "Observed share", 0, 1, 0.01, default=share.value / 100,
               source=f"{share.text} said their quality of life improved ({share.citation})"),
    ]


def render_interval(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The interval chart and table for the reader's sample size and share."""
    n, share = int(params["n"]), float(params["share"])
    row = pd.DataFrame([{**stats_charts.interval_row(n, share), "n": n, "share": share}])
    chart = charts.describe(
        stats_charts.interval_chart(row), title="95% confidence intervals for the population share",
        description=(f"Two horizontal intervals on a 0 to 100% axis for {row.k[0]} of {n} people: "
                     f"Wilson {row.wl[0]:.1%} to {row.wu[0]:.1%}, Clopper–Pearson "
                     f"{row.cl[0]:.1%} to {row.cu[0]:.1%}."))
    table = stats.interval_scenario(n, share)[["label", "successes", "n", "estimate", "lower", "upper"]]
    return chart, table.rename(columns={"label": "Method", "successes": "Count", "n": "Sample size",
                                        "estimate": "Observed share", "lower": "Lower (95%)",
                                        "upper": "Upper (95%)"})


def interval_explorer() -> Explorer:
    """Sample size and observed share → Wilson and Clopper–Pearson intervals."""
    return Explorer(INTERVAL_TITLE, interval_controls(), render_interval)


def selection_controls() -> list[Number]:
    """Selection strength and the model's other settings. The sources measure none of them."""
    return [
        Number("strength", "Selection strength", 0, selection.MAX_STRENGTH, 0.1,
               default=selection.STRENGTH,
               source="Assumption: no source says who did and did not answer the surveys"),
        Number("survey_size", "Survey size (respondents)", 10, 2000, 10,
               default=selection.SURVEY_SIZE,
               source="Assumption: near the 129 budget holders of the 2014 POET survey",
               integer=True),
        Number("true_share", "True share with a good outcome", 0.05, 0.95, 0.05,
               default=selection.TRUE_SHARE, source="Assumption: illustrative"),
        Number("outcome_link", "How much engagement improves outcomes", 0, 3, 0.1,
               default=selection.OUTCOME_LINK, source="Assumption: illustrative"),
    ]


def render_selection(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The truth, the average survey and one survey, at the reader's settings."""
    settings = {"true_share": float(params["true_share"]),
                "outcome_link": float(params["outcome_link"])}
    strength, size = float(params["strength"]), int(params["survey_size"])
    row = pd.DataFrame([{**stats_charts.selection_row(strength, size, **settings),
                         "strength": strength, "survey_size": size}])
    chart = charts.describe(
        stats_charts.selection_chart(row), title="A self-selected survey against the truth",
        description=(f"Three dots on a share axis: the truth {row.truth[0]:.1%}, the average "
                     f"self-selected survey {row.expected[0]:.1%}, and one survey of {size} "
                     f"at {row.estimate[0]:.1%} with its interval {row.lower[0]:.1%} to "
                     f"{row.upper[0]:.1%}."))
    table = pd.DataFrame({
        "What": ["The truth (everyone)", "Average of many surveys", "One survey",
                 "One survey: interval from", "One survey: interval to"],
        "Share": [row.truth[0], row.expected[0], row.estimate[0], row.lower[0], row.upper[0]],
    })
    return chart, table


def selection_explorer() -> Explorer:
    """Selection strength (and survey size, truth, outcome link) → bias of the survey estimate."""
    return Explorer(SELECTION_TITLE, selection_controls(), render_selection)
