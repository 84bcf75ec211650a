"""Live explorers for "How sure can we be?": a confidence interval, and the bias of self-selection.

Front ends only: every number comes from :mod:`phb.models.stats` and :mod:`phb.models.selection`, and every chart
from :mod:`phb.charts.stats` (the same specs as the page's kernel-free twins).

Use in a live notebook (chapter 9's explorer cells), with the chapter's scenario::

    explorer = interval_explorer(scenario)     # sample size and share
    explorer
    explorer = selection_explorer(scenario)    # selection strength and survey size
    explorer
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.stats import N_SLIDER, interval_chart, interval_row, selection_chart, selection_row
from phb.data import figure
from phb.models import selection, stats
from widgets.base import Explorer, Number, formatted, pick

#: The chapter both explorers live in, and its papermill parameters each explorer sets.
NOTEBOOK = "chapters/09_how_sure.ipynb"
INTERVAL_PARAMETERS = ("n", "share")
SELECTION_PARAMETERS = ("strength", "survey_size")

INTERVAL_TITLE = "How wide is the interval? Sample size and observed share"
SELECTION_TITLE = "Who answers? Self-selection against the truth"

#: The selection explorer's tabs: the survey (what the chapter sets), then the illustrative population.
SELECTION_GROUPS = {"Survey": ("strength", "survey_size"), "Population": ("true_share", "outcome_link")}

#: Largest sample size the interval explorer's box takes (the slider stops at the twin's end).
MAX_SAMPLE = 10_000_000


def interval_controls() -> list[Number]:
    """Sample size and observed share, defaulting to the 2014 POET survey's quality-of-life figure."""
    n = figure("poet2014_holders_n")
    share = figure("poet2014_qol_improved")
    return [
        Number(
            "n",
            "Sample size (people who answered)",
            1,
            MAX_SAMPLE,
            1,
            default=int(n.value),
            source=f"{n.text} budget holders answered the 2014 POET survey ({n.citation})",
            integer=True,
            slider_maximum=N_SLIDER.maximum,
        ),
        Number(
            "share",
            "Observed share",
            0,
            1,
            0.01,
            default=share.value / 100,
            source=f"{share.text} said their quality of life improved ({share.citation})",
        ),
    ]


def render_interval(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, theme.Table]:
    """The interval chart and table for the reader's sample size and share."""
    n, share = int(params["n"]), float(params["share"])
    row = pd.DataFrame([{**interval_row(n, share), "n": n, "share": share}])
    chart = theme.describe(
        interval_chart(row),
        title="95% confidence intervals for the population share",
        description=(
            f"Two horizontal intervals on a 0 to 100% axis for {row.k[0]} of {n} people: "
            f"Wilson {row.wl[0]:.1%} to {row.wu[0]:.1%}, Clopper–Pearson "
            f"{row.cl[0]:.1%} to {row.cu[0]:.1%}."
        ),
    )
    table = stats.interval_scenario(n, share)[["label", "successes", "n", "estimate", "lower", "upper"]]
    table = formatted(
        table, {"successes": "{:,}", "n": "{:,}", "estimate": "{:.1%}", "lower": "{:.1%}", "upper": "{:.1%}"}
    )
    return chart, theme.table(
        table.rename(
            columns={
                "label": "Method",
                "successes": "Count",
                "n": "Sample size",
                "estimate": "Observed share",
                "lower": "Lower (95%)",
                "upper": "Upper (95%)",
            }
        ),
        f"95% intervals for {row.k[0]:,} of {n:,} people",
    )


def interval_explorer(scenario: Mapping[str, Any] | None = None) -> Explorer:
    """Sample size and observed share → Wilson and Clopper–Pearson intervals, starting from the
    chapter's ``scenario`` (its ``n`` and ``share``)."""
    return Explorer(
        INTERVAL_TITLE,
        interval_controls(),
        render_interval,
        notebook=NOTEBOOK,
        exported=INTERVAL_PARAMETERS,
        scenario=pick(scenario, INTERVAL_PARAMETERS),
    )


def selection_controls() -> list[Number]:
    """Selection strength and the model's other settings. The sources measure none of them."""
    return [
        Number(
            "strength",
            "Selection strength",
            0,
            selection.MAX_STRENGTH,
            0.1,
            default=selection.STRENGTH,
            source="Assumption: no source says who did and did not answer the surveys",
        ),
        Number(
            "survey_size",
            "Survey size (respondents)",
            1,
            selection.POPULATION_SIZE,
            10,
            default=selection.SURVEY_SIZE,
            source="Assumption: near the 129 budget holders of the 2014 POET survey",
            integer=True,
            slider_minimum=10,
            slider_maximum=2000,
        ),
        Number(
            "true_share",
            "True share with a good outcome",
            0,
            1,
            0.05,
            default=selection.TRUE_SHARE,
            source="Assumption: illustrative",
            slider_minimum=0.05,
            slider_maximum=0.95,
        ),
        Number(
            "outcome_link",
            "How much engagement improves outcomes",
            -5,
            5,
            0.1,
            default=selection.OUTCOME_LINK,
            source="Assumption: illustrative",
            slider_minimum=0,
            slider_maximum=3,
        ),
    ]


def render_selection(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, theme.Table]:
    """The truth, the average survey and one survey, at the reader's settings."""
    settings = {"true_share": float(params["true_share"]), "outcome_link": float(params["outcome_link"])}
    strength, size = float(params["strength"]), int(params["survey_size"])
    row = pd.DataFrame([{**selection_row(strength, size, **settings), "strength": strength, "survey_size": size}])
    chart = theme.describe(
        selection_chart(row),
        title="A self-selected survey against the truth",
        description=(
            f"Three dots on a share axis: the truth {row.truth[0]:.1%}, the average "
            f"self-selected survey {row.expected[0]:.1%}, and one survey of {size} "
            f"at {row.estimate[0]:.1%} with its interval {row.lower[0]:.1%} to "
            f"{row.upper[0]:.1%}."
        ),
    )
    table = pd.DataFrame(
        {
            "What": [
                "The truth (everyone)",
                "Average of many surveys",
                "One survey",
                "One survey: interval from",
                "One survey: interval to",
            ],
            "Share": [row.truth[0], row.expected[0], row.estimate[0], row.lower[0], row.upper[0]],
        }
    )
    return chart, theme.table(
        formatted(table, {"Share": "{:.1%}"}), f"The truth against self-selected surveys of {size:,}"
    )


def selection_explorer(scenario: Mapping[str, Any] | None = None) -> Explorer:
    """Selection strength (and survey size, truth, outcome link) → bias of the survey estimate,
    starting from the chapter's ``scenario`` (its ``strength`` and ``survey_size``). The chapter
    takes no parameter for the truth or the outcome link: the export says so if they moved."""
    return Explorer(
        SELECTION_TITLE,
        selection_controls(),
        render_selection,
        notebook=NOTEBOOK,
        exported=SELECTION_PARAMETERS,
        groups=SELECTION_GROUPS,
        scenario=pick(scenario, SELECTION_PARAMETERS),
    )
