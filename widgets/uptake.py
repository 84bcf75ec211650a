"""The uptake explorer: the live widget of chapter 7 ("How many would take a budget?").

Controls for every assumption of :mod:`phb.uptake`, each with its sourced default and where that
default came from; the chart and table come from :mod:`phb.uptake_charts`. No model logic here: the
render function only calls the model and the chart builder.

Use in a live notebook::

    from widgets.uptake import explorer
    explorer()                      # the widget
    explorer(share_aware=0.8)       # starting from other values (e.g. a papermill scenario)
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from phb import uptake, uptake_charts
from widgets.base import Explorer, Number

#: The controls, in the order a reader meets them: the funnel, then the money.
CONTROL_ORDER = uptake.ALL_PARAMETERS


def controls(start: dict[str, float] | None = None) -> list[Number]:
    """One control per model parameter, defaulting to the sourced value (or to ``start``)."""
    start = start or {}
    out = []
    for name in CONTROL_ORDER:
        p = uptake.parameters()[name]
        default = start.get(name, p.default)
        source = p.source + (f" ({p.citation})" if p.citation else "")
        out.append(Number(name, p.label, p.minimum, p.reader_maximum, p.step, default, source,
                          integer=name == "population"))
    return out


def render(params: dict[str, Any]) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    """The widget's chart and summary table for the current settings (the model may refuse them)."""
    result = uptake.evaluate(**params)
    return uptake_charts.explorer_chart(result), uptake.summary_table(result)


def explorer(**start: float) -> Explorer:
    """The uptake explorer, starting from the sourced defaults or from ``start``."""
    return Explorer("How many would take a budget? Move the assumptions", controls(start), render)
