"""Chapter 2's tables and charts: what the NHS borrowed from social care (direct payments, In
Control's outcomes, the Audit Commission and NAO findings, councils' variation).

Each builder takes a table loaded with :func:`phb.data.load` and returns a described chart or a
reader-facing table (see :mod:`phb.charts.timeline` for why builders take tables).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.common import event_date_label, event_sort_date, published_text, require_columns

IN_CONTROL_LABELS: dict[str, str] = {
    "quality_of_life": "Quality of life",
    "choice_and_control": "Choice and control over their lives",
    "community_participation": "Taking part in the local community",
    "dignity": "Personal dignity",
    "health_and_wellbeing": "General health and wellbeing",
}

COUNCIL_MEASURES: dict[str, str] = {
    "range": "Range across councils",
    "national": "England as a whole",
}


def audit_commission_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The Audit Commission's findings on direct payments (``load("audit_commission")``) for reading.

    A finding with a figure gets the figure's prose text (e.g. a cost range) from ``data/figures.csv``.
    """
    require_columns(findings, ["finding_id", "topic", "finding"], "audit_commission_table")
    frame = findings.sort_values("finding_id")
    figures = []
    for _, row in frame.iterrows():
        figure_id = row.get("figure_id")
        figures.append(published_text(row, float("nan")) if isinstance(figure_id, str) and figure_id else "")
    return pd.DataFrame(
        {
            "Topic": [str(t).replace("_", " ").capitalize() for t in frame["topic"]],
            "Finding": frame["finding"].to_numpy(),
            "Figure": figures,
        }
    )


def nao_study_table(study: pd.DataFrame) -> pd.DataFrame:
    """Who the NAO-commissioned study interviewed, and how (``load("nao_study")``)."""
    require_columns(study, ["interview_type", "mode", "participants", "count"], "nao_study_table")
    return pd.DataFrame(
        {
            "Interview": [
                f"{str(t).capitalize()} interview, {str(m).replace('_', ' ')}"
                for t, m in zip(study["interview_type"], study["mode"])
            ],
            "Who": [str(p)[0].upper() + str(p)[1:] for p in study["participants"]],
            "Interviews": study["count"].astype(int).to_numpy(),
        }
    )


def in_control_outcomes_frame(outcomes: pd.DataFrame) -> pd.DataFrame:
    """In Control's survey results as a reader's table, largest share first."""
    require_columns(outcomes, ["domain", "percent_improved"], "in_control_outcomes_frame")
    frame = outcomes.sort_values("percent_improved", ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "Area of life": [IN_CONTROL_LABELS.get(d, str(d).replace("_", " ").capitalize()) for d in frame["domain"]],
            "Reported an improvement (%)": frame["percent_improved"].astype(float).to_numpy(),
        }
    )


def in_control_outcomes_chart(outcomes: pd.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars: the share of In Control's respondents reporting an improvement, by area of life."""
    frame = in_control_outcomes_frame(outcomes)
    values = frame["Reported an improvement (%)"]
    if ((values < 0) | (values > 100)).any():
        raise ValueError("percent_improved must be between 0 and 100")
    order = list(frame["Area of life"])
    data = frame.rename(columns={"Area of life": "area", "Reported an improvement (%)": "percent"})
    base = alt.Chart(data).encode(
        y=alt.Y("area:N", sort=order, title=None),
        x=alt.X("percent:Q", title="Respondents reporting an improvement (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("area:N", title="Area of life"), alt.Tooltip("percent:Q", title="Improved (%)")],
    )
    bars = base.mark_bar(color=theme.PALETTE[0])
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("percent:Q", format=".0f"))
    top, bottom = order[0], order[-1]
    return theme.describe(
        alt.layer(bars, labels).properties(width=460, height=alt.Step(34)),
        title="What social-care budget holders reported",
        subtitle="In Control survey: share reporting an improvement in each area; no comparison group",
        description=(
            f"A horizontal bar chart with one bar for each of {len(order)} areas of life, sorted from "
            f"the most often improved ({top}, {values.iloc[0]:.0f}%) to the least often ({bottom}, "
            f"{values.iloc[-1]:.0f}%). Each bar is the percentage of social-care budget holders in "
            "In Control's survey who reported an improvement in that area; the scale runs to 100%."
        ),
    )


def direct_payments_frame(direct_payments: pd.DataFrame) -> pd.DataFrame:
    """Counts of people receiving social-care direct payments, one row per date, with their wording."""
    require_columns(
        direct_payments, ["period", "measure", "value", "qualifier", "lower", "source_id"], "direct_payments_frame"
    )
    rows = direct_payments[(direct_payments["measure"] == "recipients")].copy()
    if rows.empty:
        raise ValueError("direct_payments_frame found no rows with measure 'recipients'")
    count = rows["value"].where(rows["value"].notna(), rows["lower"]).astype(float)

    def period_end(period: str) -> pd.Timestamp:
        if "/" in period:  # a financial year ends on 31 March of its second calendar year
            return pd.Timestamp(int(period[:4]) + 1, 3, 31)
        return event_sort_date(period) + pd.offsets.MonthEnd(0)

    out = (
        pd.DataFrame(
            {
                "Period": [str(p) if "/" in str(p) else event_date_label(str(p), "month") for p in rows["period"]],
                "date": [period_end(str(p)) for p in rows["period"]],
                "People": count.to_numpy(),
                "As published": [published_text(r, c) for (_, r), c in zip(rows.iterrows(), count)],
                "Kind of figure": [
                    "lower bound" if str(q) in ("more_than", "over", "just_over", "at_least") else "count"
                    for q in rows["qualifier"]
                ],
                "Source": rows["source_id"].to_numpy(),
            }
        )
        .sort_values("date")
        .reset_index(drop=True)
    )
    return out


def direct_payments_chart(direct_payments: pd.DataFrame) -> alt.TopLevelMixin:
    """Points on a time axis: people receiving social-care direct payments, labelled as published.

    No line joins the points: the sources give a few dates years apart and count in different ways,
    so a line would invent the years between.
    """
    frame = direct_payments_frame(direct_payments)
    data = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))
    first_year, last_year = int(frame["date"].dt.year.min()), int(frame["date"].dt.year.max())
    base = alt.Chart(data).encode(
        x=alt.X(
            "date:T",
            title="Date (end of the period counted)",
            axis=alt.Axis(format="%Y", tickCount=8),
            scale=alt.Scale(domain=[f"{first_year - 1}-01-01", f"{last_year + 1}-12-31"]),
        ),
        y=alt.Y(
            "People:Q",
            title="People receiving direct payments",
            axis=alt.Axis(format=",.0f"),
            scale=alt.Scale(domainMin=0, nice=True),
        ),
        tooltip=[alt.Tooltip("Period:N"), alt.Tooltip("As published:N"), alt.Tooltip("Source:N")],
    )
    points = base.mark_point(filled=True, size=120).encode(
        shape=alt.Shape(
            "Kind of figure:N",
            title="Kind of figure",
            scale=alt.Scale(domain=["count", "lower bound"], range=["circle", "triangle-up"]),
            legend=alt.Legend(orient="top-left", fillColor="white", padding=6),
        ),
        color=alt.Color(
            "Kind of figure:N",
            title="Kind of figure",
            scale=alt.Scale(domain=["count", "lower bound"], range=[theme.PALETTE[0], theme.PALETTE[1]]),
            legend=alt.Legend(orient="top-left", fillColor="white", padding=6),
        ),
    )
    labels = base.mark_text(align="left", dx=8, dy=-10).encode(text="As published:N")
    first, last = frame.iloc[0], frame.iloc[-1]
    peak = frame.loc[frame["People"].idxmax()]
    return theme.describe(
        alt.layer(points, labels).properties(width=520, height=280),
        title="People receiving social-care direct payments in England",
        subtitle="Figures from different sources years apart; no line is drawn between them",
        description=(
            f"A chart of {len(frame)} points on a time axis, one for each published count of people "
            f"receiving social-care direct payments: {first['As published']} in {first['Period']} up "
            f"to a peak of {peak['As published']} in {peak['Period']} and {last['As published']} in "
            f"{last['Period']}. A triangle marks a figure published only as a lower bound."
        ),
    )


def council_variation_frame(council_variation: pd.DataFrame, uptake: pd.DataFrame) -> pd.DataFrame:
    """The spread of personal-budget uptake across councils, with England's share where one is known.

    ``council_variation`` is ``load("council_variation")`` (rows ``share_with_personal_budget`` give
    each year's lowest and highest council); ``uptake`` is ``load("social_care_uptake")`` (rows
    ``share_with_personal_budget`` give England's share).
    """
    require_columns(council_variation, ["period", "measure", "lower", "upper", "source_id"], "council_variation_frame")
    require_columns(uptake, ["period", "measure", "value", "source_id"], "council_variation_frame")
    ranges = council_variation[
        (council_variation["measure"] == "share_with_personal_budget")
        & council_variation["lower"].notna()
        & council_variation["upper"].notna()
    ]
    if ranges.empty:
        raise ValueError("council_variation has no share_with_personal_budget ranges")
    national = uptake[(uptake["measure"] == "share_with_personal_budget") & uptake["value"].notna()]
    by_period = dict(zip(national["period"].astype(str), national["value"].astype(float)))
    source = dict(zip(national["period"].astype(str), national["source_id"].astype(str)))
    rows = []
    for r in ranges.sort_values("period").itertuples():
        period = str(r.period)
        rows.append(
            {
                "Year": period,
                "Lowest council (%)": float(r.lower),
                "Highest council (%)": float(r.upper),
                "England (%)": by_period.get(period),
                "Sources": str(r.source_id) + (f"; {source[period]}" if period in source else ""),
            }
        )
    return pd.DataFrame(rows)


def council_variation_chart(frame: pd.DataFrame, target_percent: float | None = None) -> alt.TopLevelMixin:
    """Range bars from the lowest to the highest council, England's share as a dot, the target as a line.

    ``frame`` comes from :func:`council_variation_frame`; ``target_percent`` (from data/, e.g. the
    N1130 target) draws a dashed vertical rule.
    """
    require_columns(
        frame, ["Year", "Lowest council (%)", "Highest council (%)", "England (%)"], "council_variation_chart"
    )
    if target_percent is not None and not 0 <= float(target_percent) <= 100:
        raise ValueError(f"target_percent must be between 0 and 100; got {target_percent}")
    data = frame.rename(columns={"Lowest council (%)": "low", "Highest council (%)": "high", "England (%)": "england"})
    y = alt.Y("Year:N", title="Year", sort=list(data["Year"]))
    x_scale = alt.Scale(domain=[0, 100])
    base = alt.Chart(data).encode(y=y)
    tips = [
        alt.Tooltip("Year:N"),
        alt.Tooltip("low:Q", title="Lowest council (%)"),
        alt.Tooltip("high:Q", title="Highest council (%)"),
        alt.Tooltip("england:Q", title="England (%)"),
    ]
    bar = base.mark_bar(height=14, color="#9ecae1", stroke=theme.PALETTE[0]).encode(
        x=alt.X("low:Q", title="Social-care users with a personal budget (%)", scale=x_scale), x2="high:Q", tooltip=tips
    )
    low_text = (
        base.transform_calculate(t="format(datum.low, '.0f') + '%'").mark_text(dy=-15).encode(x="low:Q", text="t:N")
    )
    high_text = (
        base.transform_calculate(t="format(datum.high, '.0f') + '%'").mark_text(dy=-15).encode(x="high:Q", text="t:N")
    )
    layers: list[alt.Chart] = [bar, low_text, high_text]
    if data["england"].notna().any():
        england = (
            base.transform_filter("isValid(datum.england)")
            .mark_point(filled=True, size=140, shape="diamond", color=theme.PALETTE[4])
            .encode(x="england:Q", tooltip=tips)
        )
        england_text = (
            base.transform_filter("isValid(datum.england)")
            .transform_calculate(t="'England ' + format(datum.england, '.1f') + '%'")
            .mark_text(dy=20, fontWeight="bold")
            .encode(x="england:Q", text="t:N")
        )
        layers += [england, england_text]
    if target_percent is not None:
        target = pd.DataFrame({"target": [float(target_percent)], "label": [f"Target: {float(target_percent):g}%"]})
        rule = (
            alt.Chart(target)
            .mark_rule(color=theme.PALETTE[1], strokeDash=[6, 4], strokeWidth=2)
            .encode(x=alt.X("target:Q", scale=x_scale))
        )
        # The label in ink (vermillion text is 3.9:1 on white, under WCAG AA); the dashed rule it
        # names keeps the colour.
        rule_text = (
            alt.Chart(target)
            .mark_text(align="left", dx=4, dy=-6, color=theme.INK, fontWeight="bold")
            .encode(x=alt.X("target:Q", scale=x_scale), y=alt.value(0), text="label:N")
        )
        layers += [rule, rule_text]
    spans = "; ".join(f"{r.Year}: {r.low:g}% to {r.high:g}%" for r in data.itertuples())
    extra = " A diamond marks England's overall share where the sources give it" + (
        f", and a dashed line the national target of {float(target_percent):g}%." if target_percent is not None else "."
    )
    return theme.describe(
        alt.layer(*layers).properties(width=480, height=alt.Step(72)),
        title="How far councils differed in giving personal budgets",
        subtitle="Each bar runs from the council with the lowest share to the one with the highest",
        description=(
            "A range chart with one horizontal bar for each year, running from the lowest to the "
            f"highest share of social-care users with a personal budget in any council ({spans})." + extra
        ),
    )
