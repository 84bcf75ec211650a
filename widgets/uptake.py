"""The uptake explorer: the live widget of chapter 7 ("How many would take a budget?").

Controls for every assumption of :mod:`phb.models.uptake`, each with its sourced default and where that
default came from, grouped in tabs; the chart and table come from :mod:`phb.charts.uptake` and
:func:`phb.models.uptake.summary_table`. No model logic here: the render function only calls the model and
the chart builder.

Use in a live notebook (the chapter's explorer cell)::

    from widgets.uptake import uptake_explorer
    explorer = uptake_explorer(chosen)   # starts from the chapter's scenario
    explorer
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.uptake import explorer_chart
from phb.models import uptake
from widgets.base import Explorer, Number, pick

#: The chapter this explorer lives in (its papermill parameters are the model's parameters).
NOTEBOOK = "chapters/07_how_many_would_take_a_budget.ipynb"

TITLE = "How many would take a budget? Move the assumptions"

#: The panel's tabs (short titles: four share the panel's width): who could take a budget, getting
#: through the process, the mix of budget types, the money.
GROUPS = {
    "Who": ("population", "share_aware", "share_consider"),
    "Process": ("support", "completion_no_support", "completion_full_support", "share_agreed"),
    "Types": uptake.MIX_PARAMETERS,
    "Costs": uptake.COST_PARAMETERS,
}

#: Controls whose values are whole people.
WHOLE_NUMBERS = ("population",)

#: How the summary table writes each unit.
UNIT_FORMATS = {"people": "{:,.0f} people", "£, first year": "£{:,.0f} in the first year"}


def controls() -> list[Number]:
    """One control per model parameter, defaulting to its sourced value. The box accepts the
    model's whole range; the slider covers the common range (``reader_maximum``)."""
    out = []
    for name in uptake.ALL_PARAMETERS:
        p = uptake.parameters()[name]
        source = p.source + (f" ({p.citation})" if p.citation else "")
        out.append(
            Number(
                name,
                p.label,
                p.minimum,
                p.maximum,
                p.step,
                p.default,
                source,
                integer=name in WHOLE_NUMBERS,
                slider_maximum=p.reader_maximum,
                prefix="£" if p.unit == "£" else "",
            )
        )
    return out


def summary(result: Mapping[str, Any]) -> theme.Table:
    """One model result as the widget's table: whole people and whole pounds, with their units."""
    frame = uptake.summary_table(result)
    text = [UNIT_FORMATS[unit].format(value) for value, unit in zip(frame["value"], frame["unit"])]
    table = pd.DataFrame({"Measure": frame["measure"], "Value": text})
    return theme.table(table, "The scenario: people at each step and the first year's costs")


def render(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, theme.Table]:
    """The widget's chart and summary table for the current settings (the model may refuse them)."""
    result = uptake.evaluate(**params)
    return explorer_chart(result), summary(result)


def uptake_explorer(scenario: Mapping[str, Any] | None = None) -> Explorer:
    """The uptake explorer, starting from the chapter's ``scenario`` (its model parameters; the rest,
    such as the number of draws, are the chapter's): "Reset" goes back to the sourced defaults."""
    return Explorer(
        TITLE, controls(), render, notebook=NOTEBOOK, groups=GROUPS, scenario=pick(scenario, uptake.ALL_PARAMETERS)
    )
