"""Uptake charts and tables, chapters 6 and 7: published counts against the targets, how budgets are
held, social care beside the NHS (chapter 6); the uptake model's funnel, costs, sensitivity,
uncertainty and growth (chapter 7), with their kernel-free twins.

Keep definitions visible: uptake counts carry their ``count_basis`` (a point-in-time total, new
budgets in a year, or a year-to-date count that includes wheelchair budgets) into every table and
chart, so that counts made in different ways are never joined into one line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from phb import twin
from phb.charts import theme
from phb.data import figure, load
from phb.data.tables import source_titles
from phb.data.uptake import BASIS_LABELS, period_end
from phb.models import uptake as model

BASIS_SHAPES = {"total": "circle", "new_in_year": "square", "year_to_date": "triangle-up", "live": "diamond"}


def uptake_readable(series: pd.DataFrame) -> pd.DataFrame:
    """The uptake series as a table for readers."""
    return pd.DataFrame(
        {
            "When": series["period"],
            "People, as stated": series["stated"],
            "What was counted": series["basis"],
            "Includes wheelchair budgets": series["wheelchair"],
            "Source": series["source"],
        }
    )


def targets_vs_counts(series: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """For each target that counts holders, the last published count on or before its date and the
    first after it, each with its definition, so that a reader can judge whether it was met
    without the book joining counts made in different ways."""
    out = []
    for rec in goals[goals["counts_holders"]].to_dict("records"):
        before = series[series["date"] <= rec["date"]]
        after = series[series["date"] > rec["date"]]

        def describe_count(row: pd.Series | None) -> str:
            if row is None:
                return "None published"
            return f"{row['stated']} ({row['period']}; {row['basis'].split(' (')[0].lower()})"

        out.append(
            {
                "Target": rec["target"],
                "Set by": rec["set_by"],
                "By": rec["deadline"],
                "Target, as stated": rec["stated"],
                "Last count on or before": describe_count(before.iloc[-1] if len(before) else None),
                "First count after": describe_count(after.iloc[0] if len(after) else None),
            }
        )
    return pd.DataFrame(out)


#: The log scale's grid lines (its domain is 1,000 to 300,000): 1, 2 and 5 of each power of ten.
#: Vega's own ticks drew a line at every one of 1 to 9 (21 lines) and hid most of their labels.
LOG_TICKS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000)


def uptake_chart(series: pd.DataFrame, goals: pd.DataFrame | None = None, log_scale: bool = True) -> alt.TopLevelMixin:
    """Published PHB counts over time, colour and shape showing how each was counted.

    Hollow marks are figures stated as "about", "nearly" or "over". With ``goals`` (from
    :func:`phb.data.uptake.targets`), targets that count holders are added as orange hollow triangles, a range
    as a vertical bar and an "up to" ambition as a bar from 0 to its top.
    """
    if series.empty:
        raise ValueError("series must contain at least one count")
    data = series.copy()
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    bases = [BASIS_LABELS[b] for b in BASIS_LABELS if BASIS_LABELS[b] in set(data["basis"])]
    shapes = [BASIS_SHAPES[k] for k, v in BASIS_LABELS.items() if v in bases]
    colour = theme.category_colour(
        "basis", bases, "How it was counted", alt.Legend(orient="bottom", columns=1, labelLimit=560)
    )
    shape = alt.Shape("basis:N", title="How it was counted", sort=bases, scale=alt.Scale(domain=bases, range=shapes))
    top = max(float(data["people"].max()), 210_000.0 if goals is not None else 0.0)
    y_scale = (
        alt.Scale(type="log", domain=[1_000, 300_000])
        if log_scale
        else alt.Scale(domain=[0, math.ceil(top / 50_000) * 50_000])
    )
    y_title = "People with a budget" + (" (log scale)" if log_scale else "")
    y_axis = alt.Axis(format="~s", values=list(LOG_TICKS)) if log_scale else alt.Axis(format=",.0f")
    x = alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(format="%Y", tickCount=10),
        scale=alt.Scale(domain=["2014-01-01", "2025-01-01"]),
    )
    tooltip = [
        alt.Tooltip("period:N", title="When"),
        alt.Tooltip("stated:N", title="People"),
        alt.Tooltip("basis:N", title="Counted as"),
        alt.Tooltip("source:N", title="Source"),
    ]
    base = alt.Chart(data).encode(
        x=x,
        y=alt.Y("people:Q", title=y_title, scale=y_scale, axis=y_axis),
        color=colour,
        shape=shape,
        tooltip=tooltip,
    )
    filled = base.transform_filter("!datum.qualified").mark_point(filled=True, size=110, opacity=1)
    hollow = base.transform_filter("datum.qualified").mark_point(filled=False, size=110, strokeWidth=2.5)
    layers: list[alt.Chart] = [filled, hollow]
    description = (
        f"A scatter chart of {len(data)} published counts of people with a personal "
        "health budget in England, by date, on a "
        + ("log scale. " if log_scale else "linear scale. ")
        + "Colour and shape show how each was counted: totals at a date (2015 to 2019), "
        "new budgets in a year (2014/15 and 2015/16), a count of budgets live at the end "
        "of a quarter, and, from 2021/22, year-to-date counts. A year-to-date count "
        "includes everyone who had a budget at any time since the April before, so it is "
        "larger than the number holding one on any day, and it includes wheelchair "
        "budgets, over half of the 2021/22 total. Hollow marks are figures stated as "
        "about, nearly or over."
    )
    if goals is not None:
        g = goals[goals["counts_holders"]].copy()
        g["date"] = g["date"].dt.strftime("%Y-%m-%d")
        g["low0"] = g["low"].fillna(0 if not log_scale else 1_000).astype(float)
        g["high0"] = g["high"].fillna(g["low"]).astype(float)
        g["point"] = g["high0"]
        gt = [alt.Tooltip("label:N", title="Target"), alt.Tooltip("deadline:N", title="By")]
        span = g[g["low0"] != g["high0"]]
        layers.append(
            alt.Chart(span)
            .mark_rule(strokeWidth=5, opacity=0.55, color=theme.PALETTE[5])
            .encode(x="date:T", y=alt.Y("low0:Q", scale=y_scale), y2="high0:Q", tooltip=gt)
        )
        layers.append(
            alt.Chart(g)
            .mark_point(shape="triangle-down", filled=False, size=160, strokeWidth=2.5, color=theme.PALETTE[5])
            .encode(x="date:T", y=alt.Y("point:Q", scale=y_scale), tooltip=gt)
        )
        # Each target named beside its triangle; in a plot narrower than 400 px (a phone), which
        # leaves the first triangle less room on its left than its whole name takes (it ran over
        # the labels down the side), by its figure as stated only (the name is in its tooltip and
        # the table).
        layers.append(
            alt.Chart(g)
            .mark_text(align="right", dx=-10, dy=-4, fontSize=11, color=theme.INK)
            .encode(
                x="date:T",
                y=alt.Y("point:Q", scale=y_scale),
                text=alt.value(alt.ExprRef(expr="width < 400 ? datum.stated : datum.label")),
            )
        )
        names = "; ".join(f"{s} by {d}" for s, d in zip(g["label"], g["deadline"]))
        description += (
            " Orange hollow triangles mark national targets for the number of people "
            "with a budget, placed at the latest date each deadline allows; a shaded "
            f"bar shows a target given as a range or as 'up to'. Targets: {names}."
        )
    chart = alt.layer(*layers).properties(width=540, height=340)
    return theme.describe(
        chart,
        title=("Targets against published counts" if goals is not None else "Published counts and how each was made"),
        description=description,
        subtitle=[
            "Year to date: anyone with a budget at any time since April, wheelchair budgets included.",
            "Hollow marks: figures stated as 'about', 'nearly' or 'over'.",
        ],
    )


#: The budget types in the model's words, and the rest of a split the source does not give.
TYPE_LABELS = {**model.MIX_LABELS, "not_split": "Type not given by the source"}

TYPE_COLOURS = {
    "notional": theme.PALETTE[0],
    "third_party": theme.PALETTE[2],
    "direct_payment": theme.PALETTE[1],
    "not_split": "#d0d7de",
}


def budget_mix() -> pd.DataFrame:
    """Shares of PHBs by type at each period, with the rest marked "type not given" where the source
    gives only the direct payment share (the rest is computed as 100 minus the shares given)."""
    mix = load("phb_budget_type_mix")
    rows = []
    for period, sub in mix.groupby("period", sort=False):
        for rec in sub.to_dict("records"):
            rows.append(
                {
                    "period": period,
                    "type": rec["budget_type"],
                    "budget type": TYPE_LABELS[rec["budget_type"]],
                    "share": float(rec["share_pct"]),
                    "stated": figure(rec["figure_id"]).text,
                    "source": rec["source_id"],
                }
            )
        if not sub["split_complete"].astype(bool).all():
            rest = 100.0 - float(sub["share_pct"].astype(float).sum())
            rows.append(
                {
                    "period": period,
                    "type": "not_split",
                    "budget type": TYPE_LABELS["not_split"],
                    "share": rest,
                    "stated": f"{rest:g}% (computed: the rest)",
                    "source": sub["source_id"].iloc[0],
                }
            )
    return pd.DataFrame(rows)


def budget_mix_chart(mix: pd.DataFrame) -> alt.TopLevelMixin:
    """One 100% bar per period split by budget type (notional, third party, direct payment)."""
    if mix.empty:
        raise ValueError("mix must contain at least one period")
    types = [t for t in TYPE_LABELS if t in set(mix["type"])]
    data = mix.copy()
    data["order"] = data["type"].map({t: i for i, t in enumerate(types)})
    labels = [TYPE_LABELS[t] for t in types]
    bars = (
        alt.Chart(data)
        .mark_bar(size=26)
        .encode(
            y=alt.Y("period:N", title=None, sort=list(dict.fromkeys(data["period"]))),
            x=alt.X(
                "share:Q", title="Share of budgets, year to date (%)", scale=alt.Scale(domain=[0, 100]), stack="zero"
            ),
            color=alt.Color(
                "budget type:N",
                title=None,
                sort=labels,
                scale=alt.Scale(domain=labels, range=[TYPE_COLOURS[t] for t in types]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("period:N", title="When"),
                alt.Tooltip("budget type:N", title="Type"),
                alt.Tooltip("stated:N", title="Share"),
            ],
        )
    )
    # Labels on the bars: white on the blue, near-black on the green and vermillion (white on those
    # is under WCAG AA's 4.5:1). Neither colour changes in dark mode: the bars do not either.
    text = (
        alt.Chart(data[data["type"] != "not_split"])
        .mark_text(fontWeight=600)
        .encode(
            color=alt.condition("datum.type == 'notional'", alt.value("white"), alt.value("#111111")),
            y=alt.Y("period:N", sort=list(dict.fromkeys(data["period"]))),
            x=alt.X("share:Q", stack="zero", bandPosition=0.5),
            order=alt.Order("order:Q"),
            detail="budget type:N",
            text=alt.Text("share:Q", format=".0f"),
        )
    )
    chart = alt.layer(bars, text.transform_filter("datum.share >= 8")).properties(width=500, height=alt.Step(44))
    parts = "; ".join(
        f"{p}: "
        + ", ".join(
            f"{t} {s}"
            for t, s in zip(data.loc[data["period"] == p, "budget type"], data.loc[data["period"] == p, "stated"])
        )
        for p in dict.fromkeys(data["period"])
    )
    return theme.describe(
        chart,
        title="How budgets are held: notional, third party or direct payment",
        description=(
            "Stacked horizontal bars, one per period, each splitting all personal health "
            "budgets counted in the year to date into notional budgets, budgets held by a "
            "third party and direct payments. For 2021/22 the source gives only the direct "
            f"payment share, so the rest is grey. {parts}."
        ),
    )


def social_care_comparison(series: pd.DataFrame) -> pd.DataFrame:
    """Counts of people with a social care personal budget or direct payment beside the PHB counts,
    each series with its own definition, for a chart on one time axis."""
    titles = source_titles()
    rows = []
    sc = load("social_care_uptake")
    for rec in sc[sc["measure"] == "personal_budget_holders"].to_dict("records"):
        fig = figure(rec["figure_id"])
        survey = " (ADASS council survey)" if rec["source_id"] == "adass2011pbsurvey" else ""
        rows.append(
            {
                "series": f"Social care: personal budget holders{survey}",
                "period": rec["period"],
                "date": period_end(rec["period"]),
                "people": float(fig.value or fig.lower),
                "stated": fig.text,
                "source": titles.get(rec["source_id"], rec["source_id"]),
            }
        )
    dp = load("social_care_direct_payments")
    for rec in dp[dp["measure"] == "recipients"].to_dict("records"):
        fig = figure(rec["figure_id"])
        rows.append(
            {
                "series": "Social care: direct payment recipients",
                "period": rec["period"],
                "date": period_end(rec["period"]),
                "people": float(fig.value or fig.lower),
                "stated": fig.text,
                "source": titles.get(rec["source_id"], rec["source_id"]),
            }
        )
    for rec in series.to_dict("records"):
        if rec["count_basis"] in ("total", "year_to_date"):
            rows.append(
                {
                    "series": f"NHS: personal health budgets ({rec['basis'].split(' (')[0].lower()})",
                    "period": rec["period"],
                    "date": rec["date"],
                    "people": rec["people"],
                    "stated": rec["stated"],
                    "source": rec["source"],
                }
            )
    return pd.DataFrame(rows).sort_values(["series", "date"], kind="stable").reset_index(drop=True)


def comparison_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Social care and NHS counts on one time axis (log scale), one colour per series."""
    if table.empty:
        raise ValueError("table must contain at least one count")
    data = table.copy()
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    series = list(dict.fromkeys(data["series"]))
    colour = theme.category_colour("series", series, None, alt.Legend(orient="bottom", columns=1, labelLimit=560))
    enc = dict(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=10)),
        y=alt.Y(
            "people:Q",
            title="People (log scale)",
            scale=alt.Scale(type="log", domain=[1_000, 1_000_000]),
            axis=alt.Axis(format="~s"),
        ),
        color=colour,
        tooltip=[
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("period:N", title="When"),
            alt.Tooltip("stated:N", title="People"),
            alt.Tooltip("source:N", title="Source"),
        ],
    )
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(filled=True, size=70)).encode(**enc, detail="series:N")
    chart = lines.properties(width=540, height=320)
    return theme.describe(
        chart,
        title="Personal budgets in social care and in the NHS",
        description=(
            "Lines on a log scale of people with a personal budget or direct payment, by "
            "date: social care personal budget holders in 2010/11 and 2011/12 (and a survey "
            "count for 2011), social care direct payment recipients from 2006 to 2023/24, "
            "and NHS personal health budgets from 2015 (totals at a date, then year-to-date "
            "counts). Social care counts are several times the NHS counts; the series use "
            "different definitions, so the lines are compared in size, not joined."
        ),
    )


#: Funnel steps drawn as bars (eligible is added as a constant in the chart, to keep grids small).
FUNNEL_FIELDS = ("aware", "consider", "complete", "holders")

COST_FIELDS = ("budgets", "implementation", "double_running", "fixed")

#: Slider steps for the twins: coarse enough to keep each page's grid small.
FUNNEL_TWIN_STEPS = {"share_aware": 0.1, "share_consider": 0.1, "support": 0.25}

COST_TWIN_STEPS = {"share_consider": 0.1, "implementation_cost": 450.0, "double_running_share": 0.25}


def _funnel_base(data: pd.DataFrame | alt.InlineData, population: float, width: int = 360) -> alt.Chart:
    order = [model.STEP_LABELS[k] for k in ("eligible", *FUNNEL_FIELDS)]
    label_expr = (
        " : ".join(f"datum.key === '{k}' ? '{model.STEP_LABELS[k]}'" for k in FUNNEL_FIELDS)
        + f" : '{model.STEP_LABELS['eligible']}'"
    )
    return (
        alt.Chart(data)
        .transform_calculate(eligible=f"{float(population)!r}")
        .transform_fold(["eligible", *FUNNEL_FIELDS], as_=["key", "people"])
        .transform_calculate(step=label_expr)
        .encode(
            y=alt.Y("step:N", sort=order, title=None),
            x=alt.X(
                "people:Q", title="People (expected number)", scale=alt.Scale(domain=[0, max(float(population), 1.0)])
            ),
            tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("people:Q", title="People", format=",.0f")],
        )
        .properties(width=width, height=alt.Step(34))
    )


def funnel_chart(
    data: pd.DataFrame, population: float, sliders: Sequence[twin.Slider] = (), width: int = 360
) -> alt.TopLevelMixin:
    """Bars from the eligible population down to the people who hold a budget.

    ``data`` has one row per setting with columns ``aware``, ``consider``, ``complete``, ``holders``
    (and one column per slider); with ``sliders`` the chart shows the row they select.
    """
    chart = _funnel_base(_inline(data) if sliders else data, population, width).mark_bar(color=theme.PALETTE[0])
    if sliders:
        chart = twin.bind(chart, sliders)
    return theme.describe(
        chart,
        title="From eligible to holding a budget",
        description=(
            "A horizontal bar chart of a funnel: the eligible population at the top, then "
            "the people aware of budgets, those who would consider one, those who complete "
            "assessment and support planning, and those who hold a budget. Each bar is a "
            "share of the one above, so the bars shrink from top to bottom."
        ),
        subtitle="Expected numbers of people in one area; each step keeps a share of the one before",
    )


def _cost_base(data: pd.DataFrame | alt.InlineData, maximum: float, width: int = 400) -> alt.Chart:
    order = [model.COST_LABELS[k] for k in COST_FIELDS]
    label_expr = (
        " : ".join(f"datum.key === '{k}' ? '{model.COST_LABELS[k]}'" for k in COST_FIELDS[:-1])
        + f" : '{model.COST_LABELS[COST_FIELDS[-1]]}'"
    )
    base = (
        alt.Chart(data)
        .transform_fold(list(COST_FIELDS), as_=["key", "pounds"])
        .transform_calculate(part=label_expr)
        .encode(
            y=alt.Y("part:N", sort=order, title=None),
            x=alt.X(
                "pounds:Q",
                title="£, first year",
                axis=alt.Axis(format="~s", tickCount=5),
                scale=alt.Scale(domain=[0, max(float(maximum), 1.0)]),
            ),
            color=alt.Color(
                "part:N", sort=order, legend=None, scale=alt.Scale(domain=order, range=list(theme.PALETTE[:4]))
            ),
            tooltip=[
                alt.Tooltip("part:N", title="Part"),
                alt.Tooltip("pounds:Q", title="£, first year", format=",.0f"),
            ],
        )
        .properties(width=width, height=alt.Step(34))
        .mark_bar()
    )
    return base


def cost_chart(
    data: pd.DataFrame, sliders: Sequence[twin.Slider] = (), maximum: float | None = None, width: int = 400
) -> alt.TopLevelMixin:
    """Bars of one year's cost to the area by part: budgets, implementation, double running, set-up.

    ``data`` has columns ``budgets``, ``implementation``, ``double_running``, ``fixed`` (and one
    column per slider). ``maximum`` fixes the axis so that bars visibly move with the sliders.
    """
    top = maximum if maximum is not None else float(data[list(COST_FIELDS)].to_numpy().max()) * 1.25
    chart = _cost_base(_inline(data) if sliders else data, top, width)
    if sliders:
        chart = twin.bind(chart, sliders)
    return theme.describe(
        chart,
        title="What the first year of budgets costs the area",
        description=(
            "A horizontal bar chart of the first year's cost to the area in pounds, in four "
            "parts: the money in the budgets held, the one-off implementation cost per new holder, double "
            "running (the part of the budgets still paid to services that cannot close) and "
            "the area's set-up cost, which is paid whatever the uptake."
        ),
        subtitle="Budgets replace services; the other three parts are the cost of the change",
    )


def _inline(frame: pd.DataFrame) -> alt.InlineData:
    """A grid as inline CSV: a third of the size of JSON rows, so that twin pages stay small."""
    return alt.InlineData(
        values=frame.to_csv(index=False),
        format=alt.CsvDataFormat(type="csv", parse={c: "number" for c in frame.columns}),
    )


def explorer_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """One model result as the long table behind the widget's chart: funnel steps, then costs."""
    people = [(model.STEP_LABELS[k], float(result[k])) for k in model.STEP_LABELS]
    money = [(model.COST_LABELS[k], float(result[k])) for k in COST_FIELDS]
    return pd.DataFrame(
        {
            "panel": ["People"] * len(people) + ["£, first year"] * len(money),
            "what": [w for w, _ in people + money],
            "value": [v for _, v in people + money],
        }
    )


def explorer_chart(result: Mapping[str, Any]) -> alt.TopLevelMixin:
    """The widget's chart for one model result: the funnel above the costs, as one faceted chart.

    One chart with two rows rather than two charts stacked: it builds in a third of the time, which
    keeps the live widget under its 50 ms budget per update.
    """
    order = list(model.STEP_LABELS.values()) + [model.COST_LABELS[k] for k in COST_FIELDS]
    chart = (
        alt.Chart(explorer_table(result))
        .mark_bar()
        .encode(
            y=alt.Y("what:N", sort=order, title=None),
            x=alt.X("value:Q", title=None, axis=alt.Axis(format="~s")),
            color=alt.Color(
                "panel:N",
                legend=None,
                sort=["People", "£, first year"],
                scale=alt.Scale(range=[theme.PALETTE[0], theme.PALETTE[1]]),
            ),
            row=alt.Row("panel:N", title=None, sort=["People", "£, first year"]),
            tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("value:Q", title="", format=",.0f")],
        )
        .properties(width=420)
        .resolve_scale(x="independent", y="independent")
    )
    return theme.describe(
        chart,
        title="Who takes a budget, and what it costs",
        description=(
            "Two horizontal bar theme. The first is the funnel from the eligible "
            "population to the people holding a budget; the second is one year's cost to "
            "the area in pounds, split into budgets, implementation, double running and "
            "set-up."
        ),
    )


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


def _grid(fields: Sequence[str], sliders: Sequence[twin.Slider], params: Mapping[str, float]) -> pd.DataFrame:
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


def tornado_chart(
    frame: pd.DataFrame, output_label: str, value_format: str = ",.0f", axis_format: str = "~s", top: int | None = None
) -> alt.TopLevelMixin:
    """Bars from the base result to the result at each end of each parameter's plausible range.

    ``frame`` is :func:`phb.models.uptake.sensitivity`'s result (sorted by swing). The longest bars are the
    assumptions that change the answer most.
    """
    rows = frame.head(top) if top else frame
    order = list(rows["label"])
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "label": rows["label"],
                    "end": "Low end of range",
                    "setting": rows["low"],
                    "value": rows["at_low"],
                    "base": rows["base"],
                }
            ),
            pd.DataFrame(
                {
                    "label": rows["label"],
                    "end": "High end of range",
                    "setting": rows["high"],
                    "value": rows["at_high"],
                    "base": rows["base"],
                }
            ),
        ],
        ignore_index=True,
    )
    base_value = float(rows["base"].iloc[0])
    bars = (
        alt.Chart(long)
        .mark_bar(opacity=0.9)
        .encode(
            y=alt.Y("label:N", sort=order, title=None),
            x=alt.X("value:Q", title=output_label, axis=alt.Axis(format=axis_format, tickCount=5)),
            x2="base:Q",
            color=alt.Color(
                "end:N",
                title="Parameter set to",
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(
                    domain=["Low end of range", "High end of range"], range=[theme.PALETTE[1], theme.PALETTE[0]]
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Parameter"),
                alt.Tooltip("end:N", title="Set to"),
                alt.Tooltip("setting:Q", title="Value", format=",.2~f"),
                alt.Tooltip("value:Q", title=output_label, format=value_format),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"base": [base_value]})).mark_rule(strokeDash=[4, 3]).encode(x="base:Q")
    chart = alt.layer(bars, rule).properties(width=320, height=alt.Step(26))
    return theme.describe(
        chart,
        title="Which assumptions matter most",
        description=(
            f"A tornado chart. Each row is one assumption, moved from the low to the high "
            f"end of its plausible range while the others stay at their defaults; the bar "
            f"runs from the default result (the dashed line) to the {output_label.lower()} "
            f"at that end. Rows are sorted with the widest swing at the top."
        ),
        subtitle=f"{output_label}, moving one assumption at a time; dashed line: all at defaults",
    )


def tornado_table(frame: pd.DataFrame, value_format: str = "{:,.0f}") -> pd.DataFrame:
    """The tornado's data as a readable table."""
    return pd.DataFrame(
        {
            "Assumption": frame["label"],
            "Low": frame["low"].map(lambda v: f"{v:,.2f}".rstrip("0").rstrip(".")),
            "High": frame["high"].map(lambda v: f"{v:,.2f}".rstrip("0").rstrip(".")),
            "Result at low": frame["at_low"].map(value_format.format),
            "Result at high": frame["at_high"].map(value_format.format),
            "Swing": frame["swing"].map(value_format.format),
            "Where the range comes from": frame["range_source"],
        }
    )


def histogram(values: np.ndarray, bins: int = 40) -> pd.DataFrame:
    """Counts of ``values`` in equal bins, as shares of all draws (small enough for a page)."""
    counts, edges = np.histogram(values, bins=bins)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "share": counts / counts.sum()})


def monte_carlo_chart(mc: model.MonteCarlo, output: str, output_label: str, level: float = 0.95) -> alt.TopLevelMixin:
    """The distribution of one output over the Monte Carlo draws, with its median and interval."""
    bins = histogram(mc.outputs[output])
    row = mc.summary([output], level=level).iloc[0]
    marks = pd.DataFrame(
        {
            "what": ["Lower end of interval", "Median", "Upper end of interval"],
            "value": [row["lower"], row["median"], row["upper"]],
        }
    )
    bars = (
        alt.Chart(bins)
        .mark_bar(color=theme.PALETTE[6], binSpacing=0)
        .encode(
            x=alt.X("start:Q", title=output_label, axis=alt.Axis(format="~s")),
            x2="end:Q",
            y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("start:Q", title="From", format=",.0f"),
                alt.Tooltip("end:Q", title="To", format=",.0f"),
                alt.Tooltip("share:Q", title="Share of draws", format=".1%"),
            ],
        )
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2)
        .encode(
            x="value:Q",
            strokeDash=alt.StrokeDash(
                "what:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                sort=["Lower end of interval", "Median", "Upper end of interval"],
                scale=alt.Scale(
                    domain=["Lower end of interval", "Median", "Upper end of interval"], range=[[4, 3], [1, 0], [4, 3]]
                ),
            ),
            tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("value:Q", title=output_label, format=",.0f")],
        )
    )
    percent = f"{level:.0%}"
    chart = alt.layer(bars, rules).properties(width=480, height=220)
    return theme.describe(
        chart,
        title=f"How sure: {output_label.lower()} over {len(mc.outputs[output]):,} draws",
        description=(
            f"A histogram of the {output_label.lower()} across random draws of the "
            f"uncertain assumptions, with a solid line at the median and dashed lines at "
            f"the ends of the central {percent} interval. A wide spread means the "
            f"assumptions leave the answer uncertain."
        ),
        subtitle=f"Solid line: median; dashed lines: central {percent} interval",
    )


def growth_chart(
    curves: pd.DataFrame,
    series: pd.DataFrame,
    targets: pd.DataFrame,
) -> alt.TopLevelMixin:
    """Fitted growth curves with their intervals, the national counts and the targets (log scale).

    ``curves``: :func:`phb.models.uptake.growth_table`; ``series``: the counts fitted
    (:func:`phb.models.uptake.growth_series`: ``year``, ``people``, ``basis``, ``period``);
    ``targets``: :func:`phb.models.uptake.growth_targets` (``year``, ``people``, ``target``).
    """
    points = series[["year", "people", "basis", "period"]]
    fits = list(dict.fromkeys(curves["fit"]))
    colour = theme.category_colour("fit", fits, "Fit", alt.Legend(orient="bottom", direction="vertical"))
    y_scale = alt.Scale(type="log", domain=[1_000, 2_000_000], clamp=True)
    band = (
        alt.Chart(curves)
        .mark_area(opacity=0.18)
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("lower:Q", scale=y_scale, title="People with a budget (log scale)", axis=alt.Axis(format="~s")),
            y2="upper:Q",
            color=colour,
        )
    )
    line = (
        alt.Chart(curves)
        .mark_line()
        .encode(
            x="year:Q",
            y=alt.Y("fitted:Q", scale=y_scale),
            color=colour,
            tooltip=[
                alt.Tooltip("fit:N", title="Fit"),
                alt.Tooltip("year:Q", format=".1f"),
                alt.Tooltip("fitted:Q", title="Fitted (2 significant figures)", format=",.2r"),
            ],
        )
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=70, color=theme.INK)
        .encode(
            x="year:Q",
            y=alt.Y("people:Q", scale=y_scale),
            shape=alt.Shape(
                "basis:N", title="Count", legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=560)
            ),
            tooltip=[
                alt.Tooltip("period:N", title="When"),
                alt.Tooltip("basis:N", title="Count"),
                alt.Tooltip("people:Q", title="People", format=",.0f"),
            ],
        )
    )
    goals = (
        alt.Chart(targets)
        .mark_point(shape="triangle-up", size=110, filled=False, color=theme.PALETTE[1], strokeWidth=2)
        .encode(
            x="year:Q",
            y=alt.Y("people:Q", scale=y_scale),
            tooltip=[alt.Tooltip("target:N", title="Target"), alt.Tooltip("people:Q", title="People", format=",.0f")],
        )
    )
    chart = alt.layer(band, line, dots, goals).properties(width=580, height=320)
    return theme.describe(
        chart,
        title="National uptake, two growth curves and the targets",
        description=(
            "A line chart on a log scale of people in England with a personal health "
            "budget by year. Dots are the published counts (point-in-time totals to 2019, "
            "year-to-date counts from 2021/22, a different definition that includes "
            "wheelchair budgets). Two fitted curves with shaded intervals: one fitted to the "
            "point-in-time totals only, one to every point. Hollow triangles mark the "
            "national targets."
        ),
        subtitle=(
            "Shaded: each fit's own 95% band, which assumes the counts are exact and counted "
            "alike (they are not); triangles: targets"
        ),
    )


def growth_readable(series: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The growth chart's points and targets as one readable table (for the data toggle)."""
    counts = pd.DataFrame(
        {
            "When": series["period"],
            "What": series["basis"],
            "People": series["people"].map("{:,.0f}".format),
            "Source": series["source_id"],
        }
    )
    goals = pd.DataFrame(
        {
            "When": targets["deadline"],
            "What": "Target: " + targets["target"],
            "People": targets["people"].map("{:,.0f}".format),
            "Source": "",
        }
    )
    return pd.concat([counts, goals], ignore_index=True)
