"""The "Who benefits?" explorer: pick groups, move the advocacy lever, see budgets against need.

A front end only: every number comes from :mod:`phb.inequality` and every chart from
:mod:`phb.inequality_charts`. Defaults are sourced (data/) or labelled "Assumption:".
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from phb import inequality, inequality_charts
from widgets.base import Choice, Explorer, Number

SETTING_LABELS = {
    "propensity_ratio": "take-up ratio",
    "need_ratio": "need ratio",
    "benefit_ratio": "benefit ratio",
}


def controls() -> list[Choice | Number]:
    """The explorer's controls with their sourced (or assumed) defaults."""
    return [
        Choice("preset", "Groups", {name: name for name in inequality.PRESETS},
               default="deprivation quintiles",
               source="Take-up from data/ for client groups, age bands and councils; every input an "
                      "assumption for deprivation and ethnicity"),
        Number("advocacy", "Advocacy: share of the take-up gap closed", 0.0, 1.0, 0.05, default=0.0,
               source="Assumption: none, the stated baseline"),
        Number("propensity_ratio", "Take-up in the least likely group relative to the most "
               "(deprivation, ethnicity)", 0.0, 1.0, 0.05,
               default=inequality.ASSUMPTIONS["propensity_ratio"][0],
               source=inequality.source_of("propensity_ratio")),
        Number("need_ratio", "Need per head in the most deprived (or minority) group relative to the "
               "rest (deprivation, ethnicity)", 1.0, 5.0, 0.25,
               default=inequality.ASSUMPTIONS["need_ratio"][0],
               source=inequality.source_of("need_ratio")),
        Number("benefit_ratio", "Benefit per holder in the first group relative to the others", 0.2,
               5.0, 0.1, default=inequality.ASSUMPTIONS["benefit_ratio"][0],
               source=inequality.source_of("benefit_ratio")),
    ]


def render(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The chart and table for one set of control values (the model may refuse: ValueError)."""
    result, _, comparison = inequality.scenario(
        params["preset"], params["advocacy"], params["propensity_ratio"], params["need_ratio"],
        params["benefit_ratio"])
    used = inequality.PRESET_SETTINGS[params["preset"]]
    unused = [SETTING_LABELS[k] for k in SETTING_LABELS if k not in used]
    note = f"This preset does not use the {' or '.join(unused)} setting" if unused else ""
    chart = inequality_charts.shares_chart(result, benefit=True, comparison=comparison, note=note)
    return chart, inequality_charts.readable_table(result)


def explorer(**parameters: Any) -> Explorer:
    """The explorer, started at ``parameters`` (a chapter's papermill parameters); reset goes back
    to the sourced defaults. Raises ValueError if a starting parameter is refused."""
    ex = Explorer("Who benefits? Budgets against need", controls(), render)
    if parameters:
        message = ex.set(**parameters)
        if message:
            raise ValueError(message)
    return ex
