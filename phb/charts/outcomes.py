"""Chapter 5's tables and charts: the outcomes evidence, the 2012 national evaluation and the POET
surveys of budget holders and carers.

Say no more than the source: a figure the source gives as a bound ("more than 80%", "fewer than 6%")
stays a bound: tables show its words (``Figure.text``) and charts draw the whole interval the words
allow, never a point at the bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.common import is_missing, or_none, secondary_sources
from phb.charts.rows import row_layout, row_words, row_y_scale
from phb.data import figure, load
from phb.data.qualifiers import bound_of
from phb.data.tables import source_titles
from phb.models import stats

#: How each kind of figure is drawn, in legend order.
KIND_LABELS = {
    "point": "A stated number",
    "lower": '"More than": at least this, up to 100%',
    "upper": '"Fewer than": from 0 up to this',
    "range": "A range across steps or domains",
}

TOPIC_LABELS = {
    "sample": "Sample",
    "scale": "Scale",
    "outcome": "Outcome",
    "cost": "Cost",
    "subgroup": "Mental health subgroup",
    "implementation": "Implementation",
    "equity": "Equity",
    "interim_report": "Interim reports",
}

ARM_LABELS = {"phb": "With a budget", "control": "Without (control)", "both": "Both arms", "not_applicable": ""}


def evaluation_findings() -> pd.DataFrame:
    """The 2012 national evaluation's findings as the sources state them, each with its source and
    whether that source is secondary (a blog, letter or summary quoting the evaluation)."""
    ev = load("national_evaluation")
    titles, secondary = source_titles(), secondary_sources()
    rows = []
    for rec in ev.to_dict("records"):
        fid = or_none(rec["figure_id"])
        rows.append(
            {
                "Topic": TOPIC_LABELS.get(rec["topic"], rec["topic"]),
                "Finding": rec["finding"],
                "Arm": ARM_LABELS.get(rec["arm"], rec["arm"]),
                "Figure": figure(fid).text if fid else "No number given",
                "Source": titles.get(rec["source_id"], rec["source_id"]),
                "Secondary source": "Yes" if secondary.get(rec["source_id"], False) else "No",
                "source_id": rec["source_id"],
            }
        )
    return pd.DataFrame(rows)


#: The comparisons of the two arms chapter 5 draws: measure -> (budget id, control id, note id).
ARM_COMPARISONS: dict[str, tuple[str, str, str]] = {
    "Change in care-related quality of life (ASCOT score)": (
        "nateval_ascot_change_phb",
        "nateval_ascot_change_control",
        "nateval_ascot_p",
    ),
    "Mortality (%)": ("nateval_mortality_phb_pct", "nateval_mortality_control_pct", "nateval_mortality_p"),
    "Change in costs, mental health subgroup (%)": ("nateval_mh_cost_change_phb", "nateval_mh_cost_change_control", ""),
}


def mortality_difference() -> stats.DifferenceInterval:
    """The evaluation's mortality gap (budget arm minus control) with a 95% Newcombe interval.

    The arm sizes are not published, only "just over" a floor: the sketch assumes each arm was
    exactly that floor, and turns each reported share into the nearest whole number of deaths. A
    real analysis (follow-up time, adjustment) may differ; the point is how wide the gap could be.
    Returns a :class:`phb.models.stats.DifferenceInterval` (shares from −1 to 1).
    """
    arm = int(figure("nateval_arm_n").lower)  # Assumption: exactly the "just over" floor
    died_phb = stats.count_for_share(figure("nateval_mortality_phb_pct").value / 100, arm)
    died_control = stats.count_for_share(figure("nateval_mortality_control_pct").value / 100, arm)
    return stats.difference_interval(died_phb, arm, died_control, arm)


def evaluation_arms(comparisons: Mapping[str, tuple[str, str, str]] = ARM_COMPARISONS) -> pd.DataFrame:
    """Budget arm against control arm for each comparison, with the significance the sources give
    and whether the figures come from a secondary source."""
    titles, secondary = source_titles(), secondary_sources()
    rows = []
    for measure, (phb_id, control_id, p_id) in comparisons.items():
        p_text = f"p {figure(p_id).text}" if p_id else "No test reported"
        if p_id and figure(p_id).qualifier == "exact":
            p_text = f"p = {figure(p_id).text}"
        for arm, fid in (("With a budget", phb_id), ("Without (control)", control_id)):
            fig = figure(fid)
            rows.append(
                {
                    "measure": measure,
                    "arm": arm,
                    "value": float(fig.value),
                    "stated": fig.text,
                    "significance": p_text,
                    "source": titles.get(fig.source_id, fig.source_id),
                    "secondary": secondary.get(fig.source_id, False),
                }
            )
    return pd.DataFrame(rows)


def arms_readable(table: pd.DataFrame) -> pd.DataFrame:
    """The arm comparisons as a table for readers."""
    out = table.rename(
        columns={
            "measure": "Measure",
            "arm": "Arm",
            "stated": "Figure",
            "significance": "Significance",
            "source": "Source",
        }
    )
    out["Secondary source"] = ["Yes" if s else "No" for s in table["secondary"]]
    return out[["Measure", "Arm", "Figure", "Significance", "Source", "Secondary source"]]


def arms_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """One small bar chart per measure, budget arm against control, each on its own scale (the
    measures have different units), with the significance under the measure's name."""
    if table.empty:
        raise ValueError("table must contain at least one comparison")
    panels = []
    arms = ["With a budget", "Without (control)"]
    for measure in dict.fromkeys(table["measure"]):
        sub = table[table["measure"] == measure]
        flag = " (secondary source)" if sub["secondary"].any() else ""
        # The arms are named down the side and the measure above each panel, so the bars' colour
        # needs no legend and the axis no title (both were drawn, and laid out, in every panel).
        bars = (
            alt.Chart(sub)
            .mark_bar(size=22)
            .encode(
                y=alt.Y("arm:N", sort=arms, title=None),
                # about five ticks: every second one left the negative panel's "−12" on "−10"
                x=alt.X("value:Q", title=None, axis=alt.Axis(tickCount=5)),
                color=alt.Color(
                    "arm:N",
                    sort=arms,
                    legend=None,
                    scale=alt.Scale(domain=arms, range=[theme.PALETTE[0], theme.PALETTE[1]]),
                ),
                tooltip=[
                    alt.Tooltip("arm:N", title="Arm"),
                    alt.Tooltip("stated:N", title="Figure"),
                    alt.Tooltip("significance:N", title="Significance"),
                ],
            )
        )
        # Each figure just beyond its bar's end, on the background; a negative bar's figure just
        # right of zero, where its row has no bar (over the bar, ink text fell to 3.05:1; left of
        # the bar's end, it ran into the labels down the side on a phone).
        labels = (
            alt.Chart(sub)
            .transform_calculate(label_x="max(datum.value, 0)")
            .mark_text(align="left", dx=4)
            .encode(y=alt.Y("arm:N", sort=arms), x=alt.X("label_x:Q", title=None), text="stated:N")
        )
        panels.append(
            alt.layer(bars, labels).properties(
                # the chart fits the book's column on a wide screen (672 px) as designed: drawn at
                # once, not laid out again narrower
                width=380,
                height=alt.Step(34),
                title=alt.Title(measure, subtitle=f"{sub['significance'].iloc[0]}{flag}", fontSize=13, anchor="start"),
            )
        )
    chart = alt.vconcat(*panels, spacing=24)
    parts = "; ".join(
        f"{m}: "
        + ", ".join(
            f"{a} {s}"
            for a, s in zip(table.loc[table["measure"] == m, "arm"], table.loc[table["measure"] == m, "stated"])
        )
        + f" ({table.loc[table['measure'] == m, 'significance'].iloc[0]})"
        for m in dict.fromkeys(table["measure"])
    )
    return theme.describe(
        chart,
        title="The national evaluation: budget holders against the control group",
        description=(
            "Small horizontal bar charts, one per measure, each comparing people with a "
            f"budget with the control group on its own scale. {parts}."
        ),
    )


SURVEY_LABELS = {"phb": "PHB POET", "social_care": "Social care POET"}

RESPONDENT_LABELS = {"holders": "holders", "carers": "carers", "all_respondents": "all respondents"}

DOMAIN_LABELS = {
    "views_in_support_plan": "views heard in support plan",
    "quality_of_life": "quality of life",
    "independence": "independence",
    "control": "control",
    "any_domain": "any domain",
    "process_steps": "a step of the process",
    "arranging_support": "arranging support",
    "paid_supporter_relationships": "relations with paid supporters",
    "friendships": "friendships",
    "physical_health": "physical health",
    "mental_health": "mental health",
    "support": "support",
    "dignity": "dignity",
    "mental_wellbeing": "mental wellbeing",
}

DIRECTION_LABELS = {"positive": "better", "negative": "worse", "difficult": "found difficult"}

SHORT_SURVEY = {"phb": "PHB", "social_care": "Social care"}

SHORT_RESPONDENTS = {"holders": "holders", "carers": "carers", "all_respondents": "all"}

#: Row labels for results that are not "better in a domain".
ROW_PHRASES = {("any_domain", "negative"): "worse, by domain", ("process_steps", "difficult"): "found a step difficult"}


def _as_percent(value: Any, unit: str) -> float | None:
    if is_missing(value):
        return None
    return float(value) * 100 if unit == "fraction" else float(value)


def poet_samples() -> pd.DataFrame:
    """Who answered each POET survey: one row per survey and respondent group, sizes as stated."""
    poet = load("poet_surveys")
    rows = []
    for rec in poet[(poet["measure"] == "sample_size") & poet["preferred"].astype(bool)].to_dict("records"):
        areas = poet[
            (poet["year"] == rec["year"])
            & (poet["survey"] == rec["survey"])
            & poet["measure"].isin(["areas", "pilot_sites", "councils", "organisations"])
            & poet["preferred"].astype(bool)
        ]
        match = areas[areas["respondent_type"].isin([rec["respondent_type"], "all_respondents"])]
        place = "; ".join(
            f"{figure(f).text} {m.replace('_', ' ')}" for f, m in zip(match["figure_id"], match["measure"])
        )
        rows.append(
            {
                "Survey": f"{SURVEY_LABELS[rec['survey']]} {int(rec['year'])}",
                "Respondents": RESPONDENT_LABELS[rec["respondent_type"]],
                "How many": figure(rec["figure_id"]).text,
                "Where from": place or "Not given",
                "figure_id": rec["figure_id"],
            }
        )
    out = pd.DataFrame(rows)
    return out.drop_duplicates(subset=["Survey", "Respondents"]).reset_index(drop=True)


#: Results whose base is not published: the shares fit neither the survey's holders nor holders and
#: carers together (chapter 9 checks 11.9%), so the chart must not print a sample beside them as if
#: it were the base.
BASE_NOT_PUBLISHED: frozenset[str] = frozenset({"poet2014_process_difficult", "poet2014_process_difficult_blog"})


def _sample_text(poet: pd.DataFrame, year: int, survey: str, respondents: str) -> str:
    sizes = poet[
        (poet["measure"] == "sample_size")
        & (poet["year"] == year)
        & (poet["survey"] == survey)
        & poet["preferred"].astype(bool)
    ]
    sizes = sizes.drop_duplicates(subset=["respondent_type"])
    if respondents != "all_respondents":
        sizes = sizes[sizes["respondent_type"] == respondents]
    parts = [
        f"{figure(f).text} {RESPONDENT_LABELS[r] if r != 'all_respondents' else 'people'}"
        for f, r in zip(sizes["figure_id"], sizes["respondent_type"])
    ]
    return "n = " + " and ".join(parts) if parts else "n not given"


def poet_results(include_conflicting: bool = False) -> pd.DataFrame:
    """Every POET headline result, one row each, keeping bounds as bounds.

    Columns: ``survey`` ("PHB POET 2014"), ``respondents``, ``domain``, ``direction``, ``kind``
    (``point``/``lower``/``upper``/``range``, see :data:`KIND_LABELS`), ``stated`` (the source's
    words via ``Figure.text``), ``low``/``high`` (the interval in per cent the words allow: a
    "more than 80%" runs from 80 to 100), ``mark`` (the number the source names), ``sample`` (the
    sample size as stated), ``row`` (a label for charts), ``short_survey`` ("PHB 2014") and
    ``phrase`` (what the result is about) for the chart's headings and words, and ``figure_id``. Shares given as
    fractions ("three quarters") are converted to per cent for drawing only.
    """
    poet = load("poet_surveys")
    res = poet[poet["measure"] == "result"]
    if not include_conflicting:
        res = res[res["preferred"].astype(bool)]
    rows = []
    for rec in res.to_dict("records"):
        kind = bound_of(rec["qualifier"])
        unit = rec["unit"]
        value = _as_percent(rec["value"], unit)
        lower = _as_percent(rec["lower"], unit)
        upper = _as_percent(rec["upper"], unit)
        if kind == "point":
            low = high = mark = value
        elif kind == "lower":
            low, high, mark = lower, 100.0, lower
        elif kind == "upper":
            low, high, mark = 0.0, upper, upper
        else:
            low, high, mark = lower, upper, lower
        survey = f"{SURVEY_LABELS[rec['survey']]} {int(rec['year'])}"
        short = f"{SHORT_SURVEY[rec['survey']]} {int(rec['year'])}"
        who = RESPONDENT_LABELS[rec["respondent_type"]]
        domain = DOMAIN_LABELS.get(rec["domain"], str(rec["domain"]).replace("_", " "))
        direction = DIRECTION_LABELS.get(rec["direction"], rec["direction"])
        stated = figure(rec["figure_id"]).text
        sample = _sample_text(poet, int(rec["year"]), rec["survey"], rec["respondent_type"])
        if rec["figure_id"] in BASE_NOT_PUBLISHED:
            sample = f"base not published; survey {sample}"
        phrase = ROW_PHRASES.get((rec["domain"], rec["direction"]), domain)
        rows.append(
            {
                "survey": survey,
                "respondents": who,
                "domain": domain,
                "direction": direction,
                "kind": kind,
                "stated": stated,
                "low": low,
                "high": high,
                "mark": mark,
                "sample": sample,
                "row": f"{short} {SHORT_RESPONDENTS[rec['respondent_type']]}: {phrase}",
                "short_survey": short,
                "phrase": phrase,
                "label": f"{stated} ({sample})",
                "figure_id": rec["figure_id"],
            }
        )
    return pd.DataFrame(rows)


def poet_readable(results: pd.DataFrame) -> pd.DataFrame:
    """The POET headlines as a table for readers."""
    return pd.DataFrame(
        {
            "Survey": results["survey"],
            "Respondents": results["respondents"],
            "Domain": results["domain"],
            "Said it was": results["direction"],
            "Share, as stated": results["stated"],
            "What the words allow": [
                f"{lo:g}% to {hi:g}%" if lo != hi else f"{lo:g}%" for lo, hi in zip(results["low"], results["high"])
            ],
            "Sample": results["sample"],
        }
    )


def poet_bounds_chart(results: pd.DataFrame) -> alt.TopLevelMixin:
    """The POET headlines drawn as the sources state them, with each sample size beside them.

    A stated number is a dot. "More than X" is a tick at X with a thin line running on to an open
    arrowhead at 100%: the true share is somewhere on that line. "Fewer than X" runs from an open
    arrowhead at 0 to a tick at X. A range is a thick bar between its two ends. Colour is the
    survey. Each result's words (what it is about, the source's figure and the sample it rests
    on) stand above its marks, under a heading naming the survey and who answered, so that the
    plot takes the whole width of a phone (:mod:`phb.charts.rows`).
    """
    if results.empty:
        raise ValueError("results must contain at least one POET result")
    data = results.reset_index(drop=True).copy()
    data["kind_label"] = data["kind"].map(KIND_LABELS)
    # A heading per survey and sample (rows in turn that rest on the same sample share it), and
    # under it each result as the source states it.
    layout = row_layout(
        [f"{phrase[:1].upper()}{phrase[1:]}: {stated}" for phrase, stated in zip(data["phrase"], data["stated"])],
        headings=[f"{short} ({sample})" for short, sample in zip(data["short_survey"], data["sample"])],
    )
    data["y"] = layout.marks_y
    surveys = list(dict.fromkeys(data["survey"]))
    palette = list(theme.PALETTE[: len(surveys)])
    # The headings name each survey, so the colours need no legend.
    colour = alt.Color("survey:N", sort=surveys, scale=alt.Scale(domain=surveys, range=palette), legend=None)
    y = alt.Y("y:Q", scale=row_y_scale(layout), axis=None)
    x_scale = alt.Scale(domain=[0, 100])
    tooltip = [
        alt.Tooltip("survey:N", title="Survey"),
        alt.Tooltip("respondents:N", title="Respondents"),
        alt.Tooltip("domain:N", title="Domain"),
        alt.Tooltip("stated:N", title="As stated"),
        alt.Tooltip("sample:N", title="Sample"),
    ]
    base = alt.Chart(data)
    bounds = base.transform_filter("datum.kind === 'lower' || datum.kind === 'upper'")
    allowed = bounds.mark_rule(strokeWidth=1.5, strokeDash=[4, 3]).encode(
        y=y,
        x=alt.X("low:Q", scale=x_scale, title="Share of respondents (%)", axis=alt.Axis(orient="top")),
        x2="high:Q",
        color=colour,
        tooltip=tooltip,
    )
    ranges = (
        base.transform_filter("datum.kind === 'range'")
        .mark_rule(strokeWidth=7)
        .encode(y=y, x=alt.X("low:Q", scale=x_scale), x2="high:Q", color=colour, tooltip=tooltip)
    )
    ticks = (
        base.transform_filter("datum.kind !== 'point'")
        .mark_tick(thickness=3, size=16)
        .encode(y=y, x=alt.X("mark:Q", scale=x_scale), color=colour, tooltip=tooltip)
    )
    range_ends = (
        base.transform_filter("datum.kind === 'range'")
        .mark_tick(thickness=3, size=16)
        .encode(y=y, x=alt.X("high:Q", scale=x_scale), color=colour)
    )
    up_arrows = (
        base.transform_filter("datum.kind === 'lower'")
        .mark_point(shape="triangle-right", filled=False, size=80, strokeWidth=2)
        .encode(y=y, x=alt.X("high:Q", scale=x_scale), color=colour, tooltip=tooltip)
    )
    down_arrows = (
        base.transform_filter("datum.kind === 'upper'")
        .mark_point(shape="triangle-left", filled=False, size=80, strokeWidth=2)
        .encode(y=y, x=alt.X("low:Q", scale=x_scale), color=colour, tooltip=tooltip)
    )
    dots = (
        base.transform_filter("datum.kind === 'point'")
        .mark_point(filled=True, size=100, opacity=1)
        .encode(y=y, x=alt.X("mark:Q", scale=x_scale), color=colour, tooltip=tooltip)
    )
    chart = alt.layer(row_words(layout), allowed, ranges, ticks, range_ends, up_arrows, down_arrows, dots).properties(
        width=400, height=layout.height
    )
    counts = data["kind"].value_counts()
    return theme.describe(
        chart,
        title="POET headline results, drawn as the sources state them",
        description=(
            f"A chart of {len(data)} headline results from the POET surveys of personal "
            "health budget holders and carers (2013 to 2015) and of social care personal "
            "budget holders (2013 and 2014), one row each, coloured by survey. "
            f"{counts.get('lower', 0)} results are stated only as 'more than' or 'over' a "
            "share: each is drawn as a tick at that share with a dashed line running to an "
            "open arrowhead at 100%, because the source says only that the true share is "
            f"somewhere above the tick. {counts.get('upper', 0)} are 'fewer than' or 'under' "
            "a share, drawn from an open arrowhead at 0 to a tick. "
            f"{counts.get('range', 0)} are ranges across domains or steps, drawn as thick "
            f"bars, and {counts.get('point', 0)} are stated numbers, drawn as dots. Above "
            "each row's marks, its words give the result as the source states it, under a "
            "heading naming the survey and the sample it rests on, from a few hundred budget "
            "holders and carers in the health surveys to thousands of respondents in the social "
            "care surveys."
        ),
        subtitle=[
            "Dot: a stated number. Tick, dashed line and open arrow: the source gives only a bound.",
            "Thick bar: a range across domains or steps.",
        ],
    )


def poet_management() -> pd.DataFrame:
    """How POET respondents' budgets were managed (2014 and 2015), as stated."""
    poet = load("poet_surveys")
    rows = poet[(poet["measure"] == "budget_management") & poet["preferred"].astype(bool)]
    labels = {
        "direct_payment": "Direct payment",
        "direct_payment_family": "Direct payment run by family or a friend",
        "provider": "Held by a provider",
        "broker": "Held by a broker",
        "council_or_nhs": "Held by the council or NHS",
    }
    return pd.DataFrame(
        {
            "Survey": [f"PHB POET {int(y)}" for y in rows["year"]],
            "How the budget was managed": [labels.get(d, d) for d in rows["domain"]],
            "Share of respondents, as stated": [figure(f).text for f in rows["figure_id"]],
            "figure_id": list(rows["figure_id"]),
        }
    )


#: The POET disagreements chapter 5 shows: preferred figure id -> what is being counted.
POET_CONFLICTS: dict[str, str] = {
    "poet2014_qol_improved_s1": "PHB holders whose quality of life improved, 2014",
    "poet2014_negative_s1": "Respondents reporting a negative outcome, by domain, 2014",
    "poet2014_process_difficult": "Respondents finding a step of the process difficult, 2014",
    "poet2014_organisations_n": "Organisations taking part, 2014",
    "poet_sc2013_n": "Social care POET respondents, 2013",
}
