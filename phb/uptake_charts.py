"""Charts of the uptake model, written once and used by the chapter, the live widget and the twin.

Each builder takes the model's numbers (one row for the widget, a precomputed grid for the
kernel-free twin) and returns a chart that has been through :func:`phb.charts.describe`. The twin
builders add sliders over a grid computed by :mod:`phb.uptake` itself via :mod:`phb.twin`, so that the
published page shows exactly what the model gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from phb import charts, twin
from phb import uptake as model

#: Funnel steps drawn as bars (eligible is added as a constant in the chart, to keep grids small).
FUNNEL_FIELDS = ("aware", "consider", "complete", "holders")
COST_FIELDS = ("budgets", "implementation", "double_running", "fixed")

#: Slider steps for the twins: coarse enough to keep each page's grid small.
FUNNEL_TWIN_STEPS = {"share_aware": 0.1, "share_consider": 0.1, "support": 0.25}
COST_TWIN_STEPS = {"share_consider": 0.1, "implementation_cost": 450.0, "double_running_share": 0.25}


# --------------------------------------------------------------------------------------------------
# The funnel
# --------------------------------------------------------------------------------------------------


def _funnel_base(data: pd.DataFrame | alt.InlineData, population: float, width: int = 360) -> alt.Chart:
    order = [model.STEP_LABELS[k] for k in ("eligible", *FUNNEL_FIELDS)]
    label_expr = " : ".join(f"datum.key === '{k}' ? '{model.STEP_LABELS[k]}'"
                            for k in FUNNEL_FIELDS) + f" : '{model.STEP_LABELS['eligible']}'"
    return (
        alt.Chart(data)
        .transform_calculate(eligible=f"{float(population)!r}")
        .transform_fold(["eligible", *FUNNEL_FIELDS], as_=["key", "people"])
        .transform_calculate(step=label_expr)
        .encode(
            y=alt.Y("step:N", sort=order, title=None),
            x=alt.X("people:Q", title="People (expected number)",
                    scale=alt.Scale(domain=[0, max(float(population), 1.0)])),
            tooltip=[alt.Tooltip("step:N", title="Step"),
                     alt.Tooltip("people:Q", title="People", format=",.0f")],
        )
        .properties(width=width, height=alt.Step(34))
    )


def funnel_chart(data: pd.DataFrame, population: float, sliders: Sequence[twin.Slider] = (),
                 width: int = 360) -> alt.TopLevelMixin:
    """Bars from the eligible population down to the people who hold a budget.

    ``data`` has one row per setting with columns ``aware``, ``consider``, ``complete``, ``holders``
    (and one column per slider); with ``sliders`` the chart shows the row they select.
    """
    chart = _funnel_base(_inline(data) if sliders else data, population, width).mark_bar(
        color=charts.PALETTE[0])
    if sliders:
        chart = twin.bind(chart, sliders)
    return charts.describe(
        chart,
        title="From eligible to holding a budget",
        description=("A horizontal bar chart of a funnel: the eligible population at the top, then "
                     "the people aware of budgets, those who would consider one, those who complete "
                     "assessment and support planning, and those who hold a budget. Each bar is a "
                     "share of the one above, so the bars shrink from top to bottom."),
        subtitle="Expected numbers of people in one area; each step keeps a share of the one before",
    )


# --------------------------------------------------------------------------------------------------
# Costs
# --------------------------------------------------------------------------------------------------


def _cost_base(data: pd.DataFrame | alt.InlineData, maximum: float,
               width: int = 400) -> alt.Chart:
    order = [model.COST_LABELS[k] for k in COST_FIELDS]
    label_expr = " : ".join(f"datum.key === '{k}' ? '{model.COST_LABELS[k]}'"
                            for k in COST_FIELDS[:-1]) + f" : '{model.COST_LABELS[COST_FIELDS[-1]]}'"
    base = (
        alt.Chart(data)
        .transform_fold(list(COST_FIELDS), as_=["key", "pounds"])
        .transform_calculate(part=label_expr)
        .encode(
            y=alt.Y("part:N", sort=order, title=None),
            x=alt.X("pounds:Q", title="£, first year", axis=alt.Axis(format="~s", tickCount=5),
                    scale=alt.Scale(domain=[0, max(float(maximum), 1.0)])),
            color=alt.Color("part:N", sort=order, legend=None,
                            scale=alt.Scale(domain=order, range=list(charts.PALETTE[:4]))),
            tooltip=[alt.Tooltip("part:N", title="Part"),
                     alt.Tooltip("pounds:Q", title="£, first year", format=",.0f")],
        )
        .properties(width=width, height=alt.Step(34))
        .mark_bar()
    )
    return base


def cost_chart(data: pd.DataFrame, sliders: Sequence[twin.Slider] = (),
               maximum: float | None = None, width: int = 400) -> alt.TopLevelMixin:
    """Bars of one year's cost to the area by part: budgets, implementation, double running, set-up.

    ``data`` has columns ``budgets``, ``implementation``, ``double_running``, ``fixed`` (and one
    column per slider). ``maximum`` fixes the axis so that bars visibly move with the sliders.
    """
    top = maximum if maximum is not None else float(data[list(COST_FIELDS)].to_numpy().max()) * 1.25
    chart = _cost_base(_inline(data) if sliders else data, top, width)
    if sliders:
        chart = twin.bind(chart, sliders)
    return charts.describe(
        chart,
        title="What the first year of budgets costs the area",
        description=("A horizontal bar chart of the first year's cost to the area in pounds, in four "
                     "parts: the money in the budgets held, the one-off implementation cost per new holder, double "
                     "running (the part of the budgets still paid to services that cannot close) and "
                     "the area's set-up cost, which is paid whatever the uptake."),
        subtitle="Budgets replace services; the other three parts are the cost of the change",
    )


def _inline(frame: pd.DataFrame) -> alt.InlineData:
    """A grid as inline CSV: a third of the size of JSON rows, so that twin pages stay small."""
    return alt.InlineData(values=frame.to_csv(index=False),
                          format=alt.CsvDataFormat(type="csv",
                                                   parse={c: "number" for c in frame.columns}))


# --------------------------------------------------------------------------------------------------
# The live widget: one model result
# --------------------------------------------------------------------------------------------------


def explorer_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """One model result as the long table behind the widget's chart: funnel steps, then costs."""
    people = [(model.STEP_LABELS[k], float(result[k])) for k in model.STEP_LABELS]
    money = [(model.COST_LABELS[k], float(result[k])) for k in COST_FIELDS]
    return pd.DataFrame({
        "panel": ["People"] * len(people) + ["£, first year"] * len(money),
        "what": [w for w, _ in people + money],
        "value": [v for _, v in people + money],
    })


def explorer_chart(result: Mapping[str, Any]) -> alt.TopLevelMixin:
    """The widget's chart for one model result: the funnel above the costs, as one faceted chart.

    One chart with two rows rather than two charts stacked: it builds in a third of the time, which
    keeps the live widget under its 50 ms budget per update.
    """
    order = list(model.STEP_LABELS.values()) + [model.COST_LABELS[k] for k in COST_FIELDS]
    chart = alt.Chart(explorer_table(result)).mark_bar().encode(
        y=alt.Y("what:N", sort=order, title=None),
        x=alt.X("value:Q", title=None, axis=alt.Axis(format="~s")),
        color=alt.Color("panel:N", legend=None, sort=["People", "£, first year"],
                        scale=alt.Scale(range=[charts.PALETTE[0], charts.PALETTE[1]])),
        row=alt.Row("panel:N", title=None, sort=["People", "£, first year"]),
        tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("value:Q", title="", format=",.0f")],
    ).properties(width=420).resolve_scale(x="independent", y="independent")
    return charts.describe(
        chart,
        title="Who takes a budget, and what it costs",
        description=("Two horizontal bar charts. The first is the funnel from the eligible "
                     "population to the people holding a budget; the second is one year's cost to "
                     "the area in pounds, split into budgets, implementation, double running and "
                     "set-up."),
    )


# --------------------------------------------------------------------------------------------------
# Kernel-free twins: grids computed by the model, charts bound to sliders
# --------------------------------------------------------------------------------------------------


def slider(name: str, step: float) -> twin.Slider:
    """A twin slider for a model parameter starting at its default: shares run from 0 to 1, money
    over the parameter's plausible range (for implementation cost, the Audit Commission's range)."""
    p = model.parameters()[name]
    low, high = (0.0, 1.0) if p.unit == "share" else (p.low, p.high)
    return twin.Slider(name, p.label, low, high, step, min(max(p.default, low), high))


@dataclass(frozen=True)
class Twin:
    """A kernel-free explorer: its chart, the grid behind it and its sliders (tests use all three)."""

    chart: alt.TopLevelMixin
    grid: pd.DataFrame
    sliders: tuple[twin.Slider, ...]

    def table(self, **settings: float) -> pd.DataFrame:
        """The grid rows the page shows at ``settings`` (defaults for the rest)."""
        return twin.select(self.grid, self.sliders, **settings)


def _grid(fields: Sequence[str], sliders: Sequence[twin.Slider],
          params: Mapping[str, float]) -> pd.DataFrame:
    fixed = {k: v for k, v in params.items() if k not in {s.name for s in sliders}}

    def one(**settings: float) -> dict[str, float]:
        result = model.evaluate(**fixed, **settings)
        # Whole people and whole pounds: the page carries every row, and decimals add nothing.
        return {k: round(float(result[k])) for k in fields}

    return twin.precompute(one, sliders)


def funnel_twin(params: Mapping[str, float] | None = None) -> Twin:
    """The funnel with sliders for awareness, willingness to consider and support."""
    params = model.with_defaults(**(params or {}))
    sliders = tuple(_twin_slider(n, s, params) for n, s in FUNNEL_TWIN_STEPS.items())
    grid = _grid(FUNNEL_FIELDS, sliders, params)
    return Twin(funnel_chart(grid, params["population"], sliders), grid, sliders)


def cost_twin(params: Mapping[str, float] | None = None) -> Twin:
    """The costs with sliders for willingness to consider, implementation cost and double running."""
    params = model.with_defaults(**(params or {}))
    sliders = tuple(_twin_slider(n, s, params) for n, s in COST_TWIN_STEPS.items())
    grid = _grid(COST_FIELDS, sliders, params)
    top = float(grid[list(COST_FIELDS)].to_numpy().max())
    return Twin(cost_chart(grid, sliders, maximum=top), grid, sliders)


def _twin_slider(name: str, step: float, params: Mapping[str, float]) -> twin.Slider:
    """A slider starting at the chapter's value for ``name`` (snapped to the grid)."""
    base = slider(name, step)
    start = min(max(float(params[name]), base.minimum), base.maximum)
    return twin.Slider(base.name, base.label, base.minimum, base.maximum, step, base.snap(start))


# --------------------------------------------------------------------------------------------------
# Which assumptions matter: the tornado chart
# --------------------------------------------------------------------------------------------------


def tornado_chart(frame: pd.DataFrame, output_label: str, value_format: str = ",.0f",
                  axis_format: str = "~s", top: int | None = None) -> alt.TopLevelMixin:
    """Bars from the base result to the result at each end of each parameter's plausible range.

    ``frame`` is :func:`phb.uptake.sensitivity`'s result (sorted by swing). The longest bars are the
    assumptions that change the answer most.
    """
    rows = frame.head(top) if top else frame
    order = list(rows["label"])
    long = pd.concat([
        pd.DataFrame({"label": rows["label"], "end": "Low end of range", "setting": rows["low"],
                      "value": rows["at_low"], "base": rows["base"]}),
        pd.DataFrame({"label": rows["label"], "end": "High end of range", "setting": rows["high"],
                      "value": rows["at_high"], "base": rows["base"]}),
    ], ignore_index=True)
    base_value = float(rows["base"].iloc[0])
    bars = alt.Chart(long).mark_bar(opacity=0.9).encode(
        y=alt.Y("label:N", sort=order, title=None),
        x=alt.X("value:Q", title=output_label, axis=alt.Axis(format=axis_format, tickCount=5)),
        x2="base:Q",
        color=alt.Color("end:N", title="Parameter set to", legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["Low end of range", "High end of range"],
                                        range=[charts.PALETTE[1], charts.PALETTE[0]])),
        tooltip=[alt.Tooltip("label:N", title="Parameter"), alt.Tooltip("end:N", title="Set to"),
                 alt.Tooltip("setting:Q", title="Value", format=",.2~f"),
                 alt.Tooltip("value:Q", title=output_label, format=value_format)],
    )
    rule = alt.Chart(pd.DataFrame({"base": [base_value]})).mark_rule(strokeDash=[4, 3]).encode(
        x="base:Q")
    chart = alt.layer(bars, rule).properties(width=320, height=alt.Step(26))
    return charts.describe(
        chart,
        title="Which assumptions matter most",
        description=(f"A tornado chart. Each row is one assumption, moved from the low to the high "
                     f"end of its plausible range while the others stay at their defaults; the bar "
                     f"runs from the default result (the dashed line) to the {output_label.lower()} "
                     f"at that end. Rows are sorted with the widest swing at the top."),
        subtitle=f"{output_label}, moving one assumption at a time; dashed line: all at defaults",
    )


def tornado_table(frame: pd.DataFrame, value_format: str = "{:,.0f}") -> pd.DataFrame:
    """The tornado's data as a readable table."""
    return pd.DataFrame({
        "Assumption": frame["label"],
        "Low": frame["low"].map(lambda v: f"{v:,.2f}".rstrip("0").rstrip(".")),
        "High": frame["high"].map(lambda v: f"{v:,.2f}".rstrip("0").rstrip(".")),
        "Result at low": frame["at_low"].map(value_format.format),
        "Result at high": frame["at_high"].map(value_format.format),
        "Swing": frame["swing"].map(value_format.format),
        "Where the range comes from": frame["range_source"],
    })


# --------------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------------


def histogram(values: np.ndarray, bins: int = 40) -> pd.DataFrame:
    """Counts of ``values`` in equal bins, as shares of all draws (small enough for a page)."""
    counts, edges = np.histogram(values, bins=bins)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "share": counts / counts.sum()})


def monte_carlo_chart(mc: model.MonteCarlo, output: str, output_label: str,
                      level: float = 0.95) -> alt.TopLevelMixin:
    """The distribution of one output over the Monte Carlo draws, with its median and interval."""
    bins = histogram(mc.outputs[output])
    row = mc.summary([output], level=level).iloc[0]
    marks = pd.DataFrame({"what": ["Lower end of interval", "Median", "Upper end of interval"],
                          "value": [row["lower"], row["median"], row["upper"]]})
    bars = alt.Chart(bins).mark_bar(color=charts.PALETTE[6], binSpacing=0).encode(
        x=alt.X("start:Q", title=output_label, axis=alt.Axis(format="~s")),
        x2="end:Q",
        y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
        y2=alt.datum(0),
        tooltip=[alt.Tooltip("start:Q", title="From", format=",.0f"),
                 alt.Tooltip("end:Q", title="To", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of draws", format=".1%")],
    )
    rules = alt.Chart(marks).mark_rule(strokeWidth=2).encode(
        x="value:Q",
        strokeDash=alt.StrokeDash("what:N", title=None, legend=alt.Legend(orient="bottom"),
                                  sort=["Lower end of interval", "Median", "Upper end of interval"],
                                  scale=alt.Scale(domain=["Lower end of interval", "Median",
                                                          "Upper end of interval"],
                                                  range=[[4, 3], [1, 0], [4, 3]])),
        tooltip=[alt.Tooltip("what:N", title=""),
                 alt.Tooltip("value:Q", title=output_label, format=",.0f")],
    )
    percent = f"{level:.0%}"
    chart = alt.layer(bars, rules).properties(width=480, height=220)
    return charts.describe(
        chart,
        title=f"How sure: {output_label.lower()} over {len(mc.outputs[output]):,} draws",
        description=(f"A histogram of the {output_label.lower()} across random draws of the "
                     f"uncertain assumptions, with a solid line at the median and dashed lines at "
                     f"the ends of the central {percent} interval. A wide spread means the "
                     f"assumptions leave the answer uncertain."),
        subtitle=f"Solid line: median; dashed lines: central {percent} interval",
    )


# --------------------------------------------------------------------------------------------------
# Uptake over time
# --------------------------------------------------------------------------------------------------


def growth_chart(curves: pd.DataFrame, points: pd.DataFrame, targets: pd.DataFrame,
                 ) -> alt.TopLevelMixin:
    """Fitted growth curves with their intervals, the national counts and the targets (log scale).

    ``curves``: :func:`phb.uptake.growth_table`; ``points``: columns ``year``, ``holders``, ``basis``
    (readable count basis), ``period``; ``targets``: columns ``year``, ``people``, ``target``.
    """
    fits = list(dict.fromkeys(curves["fit"]))
    colour = alt.Color("fit:N", title="Fit", sort=fits,
                       legend=alt.Legend(orient="bottom", direction="vertical"),
                       scale=alt.Scale(domain=fits, range=list(charts.PALETTE[:len(fits)])))
    y_scale = alt.Scale(type="log", domain=[1_000, 2_000_000], clamp=True)
    band = alt.Chart(curves).mark_area(opacity=0.18).encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("lower:Q", scale=y_scale, title="People with a budget (log scale)",
                axis=alt.Axis(format="~s")),
        y2="upper:Q", color=colour)
    line = alt.Chart(curves).mark_line().encode(
        x="year:Q", y=alt.Y("fitted:Q", scale=y_scale), color=colour,
        tooltip=[alt.Tooltip("fit:N", title="Fit"), alt.Tooltip("year:Q", format=".1f"),
                 alt.Tooltip("fitted:Q", title="Fitted (2 significant figures)", format=",.2r")])
    dots = alt.Chart(points).mark_point(filled=True, size=70, color=charts.INK).encode(
        x="year:Q", y=alt.Y("holders:Q", scale=y_scale),
        shape=alt.Shape("basis:N", title="Count",
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=[alt.Tooltip("period:N", title="When"), alt.Tooltip("basis:N", title="Count"),
                 alt.Tooltip("holders:Q", title="People", format=",.0f")])
    goals = alt.Chart(targets).mark_point(shape="triangle-up", size=110, filled=False,
                                          color=charts.PALETTE[1], strokeWidth=2).encode(
        x="year:Q", y=alt.Y("people:Q", scale=y_scale),
        tooltip=[alt.Tooltip("target:N", title="Target"),
                 alt.Tooltip("people:Q", title="People", format=",.0f")])
    chart = alt.layer(band, line, dots, goals).properties(width=580, height=320)
    return charts.describe(
        chart,
        title="National uptake, two growth curves and the targets",
        description=("A line chart on a log scale of people in England with a personal health "
                     "budget by year. Dots are the published counts (point-in-time totals to 2019, "
                     "year-to-date counts from 2021/22, a different definition that includes "
                     "wheelchair budgets). Two fitted curves with shaded intervals: one fitted to the "
                     "point-in-time totals only, one to every point. Hollow triangles mark the "
                     "national targets."),
        subtitle=("Shaded: each fit's own 95% band, which assumes the counts are exact and counted "
                  "alike (they are not); triangles: targets"),
    )


def growth_readable(series: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The growth chart's points and targets as one readable table (for the data toggle)."""
    counts = pd.DataFrame({"When": series["period"], "What": series["basis"],
                           "People": series["holders"].map("{:,.0f}".format),
                           "Source": series["source_id"]})
    goals = pd.DataFrame({"When": targets["deadline"],
                          "What": "Target: " + targets["target"],
                          "People": targets["people"].map("{:,.0f}".format), "Source": ""})
    return pd.concat([counts, goals], ignore_index=True)


def points_for_chart(series: pd.DataFrame) -> pd.DataFrame:
    """The national counts with the short labels the growth chart's legend uses."""
    short = {"total": "Point-in-time total", "live": "Live at quarter end",
             "year_to_date": "Year to date (incl. wheelchair budgets)"}
    return pd.DataFrame({"year": series["year"], "holders": series["holders"],
                         "basis": series["count_basis"].map(short), "period": series["period"]})
