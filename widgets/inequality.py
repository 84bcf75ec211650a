"""The "Who benefits?" explorer: pick groups, move the advocacy lever, see budgets against need.

A front end only: every number comes from :mod:`phb.models.inequality` and every chart from
:mod:`phb.charts.inequality`. Defaults are sourced (data/) or labelled "Assumption:".

Use in a live notebook (chapter 8's explorer cell)::

    from widgets.inequality import inequality_explorer
    explorer = inequality_explorer({"preset": preset, "advocacy": advocacy, ...})
    explorer
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt

from phb.charts import theme
from phb.charts.inequality import readable_table, shares_chart
from phb.models import inequality
from widgets.base import Choice, Explorer, Number, formatted

#: The chapter this explorer lives in; every control is one of its papermill parameters.
NOTEBOOK = "chapters/08_who_benefits.ipynb"

TITLE = "Who benefits? Budgets against need"

#: The panel's tabs: what is compared and the lever, then the assumed ratios.
GROUPS = {
    "Groups, advocacy": ("preset", "advocacy"),
    "Assumed ratios": ("propensity_ratio", "need_ratio", "benefit_ratio"),
}

#: How the widget's table writes each column (shares as percentages, ratios to two places).
TABLE_FORMATS = {
    "Share of population": "{:.1%}",
    "Share of need": "{:.1%}",
    "Share of budgets": "{:.1%}",
    "Share of benefit": "{:.1%}",
    "Take-up per 1,000 in need": "{:,.1f}",
    "Take-up relative to reference group": "{:.2f}",
}

SETTING_LABELS = {
    "propensity_ratio": "take-up ratio",
    "need_ratio": "need ratio",
    "benefit_ratio": "benefit ratio",
}


def controls() -> list[Choice | Number]:
    """The explorer's controls with their sourced (or assumed) defaults."""
    return [
        Choice(
            "preset",
            "Groups",
            {name: name for name in inequality.PRESETS},
            default="deprivation quintiles",
            source="Take-up from data/ for client groups, age bands and councils; every input an "
            "assumption for deprivation and ethnicity",
        ),
        Number(
            "advocacy",
            "Advocacy: share of the take-up gap closed",
            0.0,
            1.0,
            0.05,
            default=0.0,
            source="Assumption: none, the stated baseline",
        ),
        Number(
            "propensity_ratio",
            "Take-up in the least likely group relative to the most (deprivation, ethnicity)",
            0.0,
            1.0,
            0.05,
            default=inequality.ASSUMPTIONS["propensity_ratio"][0],
            source=inequality.source_of("propensity_ratio"),
        ),
        Number(
            "need_ratio",
            "Need per head in the most deprived (or minority) group relative to the rest (deprivation, ethnicity)",
            1.0,
            5.0,
            0.25,
            default=inequality.ASSUMPTIONS["need_ratio"][0],
            source=inequality.source_of("need_ratio"),
        ),
        Number(
            "benefit_ratio",
            "Benefit per holder in the first group relative to the others",
            0.2,
            5.0,
            0.1,
            default=inequality.ASSUMPTIONS["benefit_ratio"][0],
            source=inequality.source_of("benefit_ratio"),
        ),
    ]


def render(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, theme.Table]:
    """The chart and table for one set of control values (the model may refuse: ValueError)."""
    result, _, comparison = inequality.scenario(
        params["preset"], params["advocacy"], params["propensity_ratio"], params["need_ratio"], params["benefit_ratio"]
    )
    used = inequality.PRESET_SETTINGS[params["preset"]]
    unused = [SETTING_LABELS[k] for k in SETTING_LABELS if k not in used]
    note = f"This preset does not use the {' or '.join(unused)} setting" if unused else ""
    chart = shares_chart(result, benefit=True, comparison=comparison, note=note)
    table = formatted(readable_table(result), TABLE_FORMATS)
    return chart, theme.table(table, f"Budgets against need by group: {params['preset']}")


def inequality_explorer(scenario: Mapping[str, Any] | None = None) -> Explorer:
    """The explorer, starting from the chapter's ``scenario`` (its papermill parameters); "Reset"
    goes back to the sourced defaults. Raises ValueError if a starting value is refused."""
    return Explorer(TITLE, controls(), render, notebook=NOTEBOOK, groups=GROUPS, scenario=scenario)
