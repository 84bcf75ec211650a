"""Charts for "Who benefits?": written once, used by the chapter, the live widget and the twin.

Each builder takes a tidy table from :mod:`phb.models.inequality` and returns a chart already given its
title and screen-reader description through :func:`phb.charts.theme.describe`. The kernel-free twin uses
the same share chart over a grid precomputed by the same model, filtered by bound sliders.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from phb.charts import theme
from phb.models.inequality import Comparison, Result, deprivation_quintiles, twin_row
from phb.twin import Slider, precompute

#: The measures the share chart compares, in the order they are drawn, with their reader labels.
SHARE_LABELS = {
    "need_share": "Share of need",
    "budget_share": "Share of budgets",
    "benefit_share": "Share of benefit",
}


def readable_table(result: Result) -> pd.DataFrame:
    """A result's table by group with reader-facing column names (for data toggles and the widget)."""
    t = result.table
    return pd.DataFrame(
        {
            "Group": t["group"],
            "Share of population": t["pop_share"].round(3),
            "Share of need": t["need_share"].round(3),
            "Share of budgets": t["budget_share"].round(3),
            "Share of benefit": t["benefit_share"].round(3),
            "Take-up per 1,000 in need": t["take_up_per_1000_in_need"].round(1),
            "Take-up relative to reference group": t["take_up_ratio"].round(3),
        }
    )


def _share_bars(data: pd.DataFrame | alt.UndefinedType, measures: Sequence[str]) -> alt.Chart:
    """Grouped horizontal bars: for each group, its share of need beside its share of budgets."""
    labels = [SHARE_LABELS[m] for m in measures]
    return (
        alt.Chart(data)
        .transform_fold(list(measures), as_=["measure_key", "share"])
        .transform_calculate(
            measure=" : ".join(
                [f"datum.measure_key === '{m}' ? '{SHARE_LABELS[m]}'" for m in measures[:-1]]
                + [f"'{SHARE_LABELS[measures[-1]]}'"]
            )
        )
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=alt.EncodingSortField("order", order="ascending")),
            yOffset=alt.YOffset("measure:N", sort=labels),
            x=alt.X(
                "share:Q",
                title="Share of the total",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 0.4], clamp=False, nice=False),
            ),
            color=alt.Color("measure:N", sort=labels, title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(width=480)
    )


def shares_chart(
    result: Result, *, benefit: bool = False, comparison: Comparison | None = None, note: str = ""
) -> alt.Chart:
    """Share of need against share of budgets (and of benefit) for each group in one scenario.

    With ``comparison`` the subtitle says whether the scenario widens or narrows the gap against
    its baseline; ``note`` is appended to the subtitle (e.g. which settings a preset uses).
    """
    measures = ["need_share", "budget_share"] + (["benefit_share"] if benefit else [])
    data = result.table[["group", "order", *measures]]
    top = float(data[measures].to_numpy().max())
    chart = _share_bars(data, measures).encode(
        x=alt.X(
            "share:Q",
            title="Share of the total",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, max(0.05, round(top + 0.05, 1))], nice=False),
        )
    )
    first, last = result.table["group"].iloc[0], result.table["group"].iloc[-1]
    description = (
        f"Grouped bar chart, one pair of bars per group from {first} to {last}: each group's share "
        "of all need beside its share of all budgets"
        + (" and of all benefit" if benefit else "")
        + ". Where a group's budget bar is shorter than its need bar, it gets fewer budgets than its "
        "need would warrant. " + f"The gap ({result.gap_measure}) is {result.gap:.3f}; zero means budgets follow need."
    )
    subtitle = f"Advocacy closes {result.advocacy:.0%} of the gap in take-up"
    if comparison is not None:
        subtitle += f"; against no advocacy the gap {comparison.verdict}" + (
            ""
            if comparison.verdict == "no change"
            else f" from {comparison.baseline_gap:.3f} to {comparison.scenario_gap:.3f}"
        )
    if note:
        subtitle += f". {note}"
    return theme.describe(
        chart, title="Who gets budgets compared with who needs them", subtitle=subtitle, description=description
    )


def concentration_curve_chart(result: Result) -> alt.Chart:
    """Concentration curves of need and of budgets across ordered groups, with the line of equality.

    The concentration index is twice the area between a curve and the diagonal; the horizontal
    inequity index is the difference between the two curves' indices.
    """
    t = result.table
    rows = [
        {"population": 0.0, "cumulative": 0.0, "measure": m, "group": "start"} for m in ("Need", "Budgets", "Equality")
    ]
    cum_pop = t["pop_share"].cumsum()
    for key, label in (("need_share", "Need"), ("budget_share", "Budgets")):
        for pop, value, group in zip(cum_pop, t[key].cumsum(), t["group"]):
            rows.append(
                {
                    "population": round(float(pop), 6),
                    "cumulative": round(float(value), 6),
                    "measure": label,
                    "group": group,
                }
            )
    rows.append({"population": 1.0, "cumulative": 1.0, "measure": "Equality", "group": "end"})
    data = pd.DataFrame(rows)
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "population:Q", title="Cumulative share of population, most deprived first", axis=alt.Axis(format="%")
            ),
            y=alt.Y("cumulative:Q", title="Cumulative share", axis=alt.Axis(format="%")),
            color=alt.Color(
                "measure:N", title=None, sort=["Need", "Budgets", "Equality"], legend=alt.Legend(orient="top")
            ),
            strokeDash=alt.StrokeDash("measure:N", sort=["Need", "Budgets", "Equality"], legend=None),
            tooltip=[
                alt.Tooltip("measure:N", title="Curve"),
                alt.Tooltip("group:N", title="Up to group"),
                alt.Tooltip("population:Q", format=".0%", title="Population"),
                alt.Tooltip("cumulative:Q", format=".1%", title="Cumulative share"),
            ],
        )
        .properties(width=420, height=320)
    )
    s = result.summary
    description = (
        "Line chart of concentration curves. The x axis is the cumulative share of the population, "
        "from the most deprived group to the least; the y axis the cumulative share of need and of "
        "budgets; a dashed diagonal marks equality. A curve above the diagonal is concentrated among "
        f"the more deprived. The need curve has a concentration index of {s['conc_need']:.3f} and "
        f"the budgets curve {s['conc_budgets']:.3f}; the budgets curve lies "
        + ("below" if s["hi_budgets"] > 0 else "above" if s["hi_budgets"] < 0 else "on")
        + " the need curve."
    )
    return theme.describe(chart, title="Concentration curves of need and of budgets", description=description)


def gap_chart(curve: pd.DataFrame, *, measure: str = "horizontal inequity index") -> alt.Chart:
    """The gap in budgets as advocacy rises from 0 to 1; for ordered groups also the gap in benefit
    against need, when it differs from the budget gap (it does when benefit per holder differs)."""
    columns = {"gap": "Budgets against need"}
    if measure == "horizontal inequity index" and not np.allclose(curve["hi_benefit"], curve["gap"]):
        columns["hi_benefit"] = "Benefit against need"
    data = (
        curve[["advocacy", *columns]].rename(columns=columns).melt("advocacy", var_name="gap measure", value_name="gap")
    )
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("advocacy:Q", title="Share of the take-up gap closed by advocacy", axis=alt.Axis(format="%")),
            y=alt.Y("gap:Q", title=f"Gap ({measure})"),
            color=alt.Color("gap measure:N", title=None, sort=list(columns.values()), legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("advocacy:Q", format=".0%", title="Advocacy"),
                alt.Tooltip("gap measure:N", title="Gap"),
                alt.Tooltip("gap:Q", format=".3f"),
            ],
        )
        .properties(width=480, height=260)
    )
    first, last = curve["gap"].iloc[0], curve["gap"].iloc[-1]
    description = (
        f"Line chart of the gap ({measure}) between budgets and need as advocacy rises from none to "
        f"closing the whole take-up gap. It falls steadily from {first:.3f} to {last:.3f}."
        + (
            f" A second line shows the gap in benefit against need, from {curve['hi_benefit'].iloc[0]:.3f} "
            f"to {curve['hi_benefit'].iloc[-1]:.3f}."
            if "hi_benefit" in columns
            else ""
        )
    )
    return theme.describe(chart, title="How far advocacy narrows the gap", description=description)


def rates_chart(data: pd.DataFrame, *, title: str, description: str, x_title: str = "Share with a budget") -> alt.Chart:
    """Take-up rates by group as bars (columns ``group``, ``rate`` as a fraction, ``series``).

    ``x_title`` says what the share is of; when the series measure different things (a personal
    budget, a direct payment), it must say so, not name one of them.
    """
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=None),
            x=alt.X("rate:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("series:N", title="Figure"),
                alt.Tooltip("rate:Q", format=".1%", title="Share"),
            ],
        )
        .properties(width=440)
    )
    return theme.describe(chart, title=title, description=description)


# ------------------------------------------------------------------------------------------- twin
#: The twin's sliders: coarse steps keep the grid (and the page) small.
TWIN_SLIDERS = (
    Slider("advocacy", "Advocacy: share of the take-up gap closed", 0.0, 1.0, 0.2, default=0.0),
    Slider("uptake", "Take-up in the most deprived fifth relative to the least", 0.2, 1.0, 0.2, default=0.6),
    Slider("need", "Need per head in the most deprived fifth relative to the least", 1.0, 3.0, 0.5, default=2.0),
)


def twin_grid(sliders: Sequence[Slider] = TWIN_SLIDERS) -> pd.DataFrame:
    """Every slider setting of the deprivation-quintile preset, computed by :func:`twin_row`."""
    return precompute(twin_row, list(sliders))


def twin_chart(
    grid: pd.DataFrame, sliders: Sequence[Slider] = TWIN_SLIDERS, names: Sequence[str] | None = None
) -> alt.VConcatChart:
    """The kernel-free explorer: the current gap as text, the share bars, and a line of the gap.

    ``grid`` comes from :func:`twin_grid`. It is split into one row per group and setting (for the
    bars) and one row per setting (for the gap), so that the page carries no repeated numbers.
    Sliders are bound once at the top level; each panel filters by the settings it uses (the gap
    line ignores advocacy: it shows every advocacy level with the current one marked).
    """
    keys = [s.name for s in sliders]
    names = list(names or deprivation_quintiles().names)
    per_group = grid[["order", "need_share", "budget_share", *keys]]
    per_setting = grid.loc[grid["order"] == 1, ["hi_budgets", "baseline_hi", "take_up_per_1000", *keys]]
    lookup = alt.LookupData(
        pd.DataFrame({"order": range(1, len(names) + 1), "group": names}), key="order", fields=["group"]
    )
    current = " && ".join(s.matches() for s in sliders)
    no_advocacy = " && ".join(s.matches() for s in sliders if s.name != "advocacy")
    advocacy = next(s for s in sliders if s.name == "advocacy")
    lines = (
        alt.Chart(per_setting)
        .transform_filter(current)
        .transform_calculate(
            gap=(
                "'Gap (horizontal inequity index): ' + format(datum.hi_budgets, '.3f') + "
                "'; with no advocacy: ' + format(datum.baseline_hi, '.3f')"
            ),
            take_up="'Take-up: ' + format(datum.take_up_per_1000, '.0f') + ' per 1,000 people in need'",
            summary="datum.gap + '\\n' + datum.take_up",
        )
        # One text mark of two lines (not two marks 18 px apart): on a phone each line may wrap.
        .mark_text(align="left", baseline="top", fontSize=13, lineBreak="\n", lineHeight=18)
        .encode(x=alt.value(0), y=alt.value(0), text="summary:N")
        .properties(width=480, height=36)
    )
    text = lines
    bars = (
        _share_bars(per_group, ["need_share", "budget_share"])
        .transform_filter(current)
        .transform_lookup(lookup="order", from_=lookup)
    )
    bars.transform = [bars.transform[-2], bars.transform[-1], *bars.transform[:-2]]
    base = (
        alt.Chart(per_setting)
        .transform_filter(no_advocacy)
        .encode(
            x=alt.X("advocacy:Q", title="Share of the take-up gap closed by advocacy", axis=alt.Axis(format="%")),
            y=alt.Y("hi_budgets:Q", title="Gap (horizontal inequity index)", scale=alt.Scale(domain=[-0.05, 0.3])),
            tooltip=[
                alt.Tooltip("advocacy:Q", format=".0%", title="Advocacy"),
                alt.Tooltip("hi_budgets:Q", format=".3f", title="Gap"),
            ],
        )
        .properties(width=480, height=160)
    )
    point = base.mark_point(size=120, filled=True, color=theme.PALETTE[1]).transform_filter(advocacy.matches())
    chart = alt.vconcat(text, bars, alt.layer(base.mark_line(), point)).add_params(*[s.param() for s in sliders])
    return theme.describe(
        chart,
        title="Explore: when do budgets follow need?",
        subtitle="Deprivation fifths (every input an assumption). Move the sliders below the chart.",
        description=(
            "An interactive chart with three sliders: advocacy, take-up in the most deprived fifth "
            "relative to the least, and need in the most deprived fifth relative to the least. The "
            "top line states the gap between budgets and need (the horizontal inequity index) and "
            "the gap with no advocacy. Below, paired bars show each deprivation fifth's share of "
            "need and share of budgets; then a line shows how the gap falls as advocacy rises, with "
            "the current setting marked."
        ),
    )


def sourced_rates() -> pd.DataFrame:
    """Take-up in social care by client group (2011/12) and by age (2023/24), from data/, as the
    rates chart expects (``group``, ``rate``, ``series``)."""
    from phb.models.inequality import preset

    frames = []
    for name, series in (
        ("client groups 2011/12", "Personal budget, by client group (2011/12)"),
        ("age bands 2023/24", "Direct payment, by age (2023/24)"),
    ):
        groups = preset(name)
        frames.append(pd.DataFrame({"group": groups.names, "rate": groups.propensity, "series": series}))
    return pd.concat(frames, ignore_index=True)


def sourced_rates_chart() -> alt.Chart:
    """The sourced take-up rates as bars, described for screen readers."""
    data = sourced_rates()
    parts = "; ".join(f"{g} {r:.1%}" for g, r in zip(data["group"], data["rate"]))
    return rates_chart(
        data,
        title="Take-up of budgets in social care differs between groups",
        x_title="Share of users with a personal budget or a direct payment (the colour says which)",
        description=(
            "Horizontal bar chart of two different shares of social-care users, by group. "
            f"{parts}. The first four bars are the share holding a personal budget, by "
            "client group, in 2011/12; the last two are the share taking a direct payment, "
            "by age, in 2023/24, a narrower measure from a later year."
        ),
    )
