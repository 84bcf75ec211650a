"""Tables and charts for chapters 4 to 6: the 2011 service user and carer study, the outcomes
evidence (the national evaluation and the POET surveys) and uptake since 2014.

Why a module: the chapters are thin. Every table they show is built here from ``data/`` (through
:func:`phb.data.load` and :func:`phb.data.figure`), and every chart spec is written once here and
passes through :func:`phb.charts.describe`. Three rules shape the code:

* **Say no more than the source.** A figure that the source gives as a bound ("more than 80%",
  "fewer than 6%") stays a bound: tables show its words (``Figure.text``) and charts draw the whole
  interval the words allow, never a point at the bound.
* **Keep definitions visible.** Uptake counts carry their ``count_basis`` (a point-in-time total,
  new budgets in a year, or a year-to-date count that includes wheelchair budgets) into every table
  and chart, so that counts made in different ways are never joined into one line.
* **Show disagreements.** Where figures.csv links two figures with ``conflicts_with``,
  :func:`conflicts` shows both, where each stands, and which the book uses and why.

Public API (chapter 4) :func:`study_phases`, :func:`study_samples`, :func:`samples_chart`,
:func:`focus_groups`, :func:`focus_groups_chart`, :func:`seven_concerns`, :func:`conflicts`,
:func:`conflicts_chart`; (chapter 5) :func:`evaluation_findings`, :func:`evaluation_arms`,
:func:`arms_chart`, :func:`poet_samples`, :func:`poet_results`, :func:`poet_bounds_chart`,
:func:`poet_management`; (chapter 6) :func:`period_date`, :func:`uptake_series`,
:func:`uptake_chart`, :func:`targets`, :func:`targets_vs_counts`, :func:`budget_mix`,
:func:`budget_mix_chart`, :func:`social_care_comparison`, :func:`comparison_chart`,
:func:`five_tests`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from phb import charts, stats
from phb.data import figure, load

# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------

#: Qualifiers that make a figure a lower bound, an upper bound, a point or a range
#: (the same sets as :mod:`phb.data`).
LOWER_QUALIFIERS = frozenset({"more_than", "over", "just_over", "at_least"})
UPPER_QUALIFIERS = frozenset({"fewer_than", "less_than", "under", "up_to", "nearly"})
POINT_QUALIFIERS = frozenset({"exact", "approximately"})

#: How each kind of figure is drawn, in legend order.
KIND_LABELS = {
    "point": "A stated number",
    "lower": "\"More than\": at least this, up to 100%",
    "upper": "\"Fewer than\": from 0 up to this",
    "range": "A range across steps or domains",
}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _opt(value: Any) -> Any:
    """A pandas missing value as None; anything else unchanged."""
    return None if _missing(value) else value


def kind_of(qualifier: str) -> str:
    """Which kind of statement a qualifier makes: ``point``, ``lower``, ``upper`` or ``range``.

    Raises ValueError for a qualifier the data layer does not know, rather than guessing.
    """
    if qualifier in POINT_QUALIFIERS:
        return "point"
    if qualifier in LOWER_QUALIFIERS:
        return "lower"
    if qualifier in UPPER_QUALIFIERS:
        return "upper"
    if qualifier == "range":
        return "range"
    raise ValueError(f"qualifier must be one of the data layer's qualifiers; got {qualifier!r}")


def where(locator: str) -> str:
    """The part of a report a locator points to, for readers: the section path without the file.

    ``"002_….txt › Executive summary (p. 4)"`` gives ``"Executive summary (p. 4)"``; a second
    locator after ``"; also"`` is dropped.
    """
    first = str(locator).split("; also")[0]
    parts = [p.strip() for p in first.split("›")]
    if len(parts) > 1 and re.search(r"\.(txt|md)$", parts[0]):
        parts = parts[1:]
    return " › ".join(parts)


def _source_titles() -> dict[str, str]:
    sources = load("sources")
    return dict(zip(sources["source_id"], sources["title"]))


def _secondary() -> dict[str, bool]:
    sources = load("sources")
    return {sid: bool(sec) or nature == "secondary summary"
            for sid, sec, nature in zip(sources["source_id"], sources["secondary"], sources["nature"])}


# --------------------------------------------------------------------------------------------------
# Chapter 4: the 2011 study of service users and carers
# --------------------------------------------------------------------------------------------------

COMPONENT_LABELS = {"expert_panel": "Expert panel", "survey": "Survey",
                    "focus_groups": "Focus groups", "study": "Whole study"}
GROUP_LABELS = {"all": "Everyone who took part", "service_users": "Service users",
                "carers": "Carers", "prior_personal_budget": "Had held a personal budget before"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _month(value: Any) -> str:
    """'2010-10' as 'October 2010'."""
    year, month = str(value).split("-")[:2]
    return f"{MONTHS[int(month) - 1]} {year}"


def study_phases() -> pd.DataFrame:
    """The study's three phases in order: what was done and when (dates as the report gives them)."""
    phases = load("study_2011_phases")
    rows = []
    for rec in phases.to_dict("records"):
        start, end = _opt(rec["start"]), _opt(rec["end"])
        if start is None:
            when = "Not given"
        elif start == end:
            when = _month(start)
        else:
            when = f"{_month(start)} to {_month(end)}"
        rows.append({"Phase": int(rec["phase"]), "Part": COMPONENT_LABELS[rec["component"]],
                     "What was done": rec["method"], "When": when, "Note": _opt(rec["note"]) or ""})
    return pd.DataFrame(rows)


def study_samples(preferred_only: bool = True) -> pd.DataFrame:
    """Who took part: one row per sample figure, as the report states it, with where it stands.

    ``preferred_only`` drops the executive summary's rounded figures (shown by :func:`conflicts`).
    Columns: ``part``, ``group``, ``figure_id``, ``value``, ``unit``, ``stated`` (prose text),
    ``derived`` and ``where``.
    """
    samples = load("study_2011_samples")
    if preferred_only:
        samples = samples[samples["preferred"].astype(bool)]
    return pd.DataFrame({
        "part": [COMPONENT_LABELS[c] for c in samples["component"]],
        "group": [GROUP_LABELS[g] for g in samples["group"]],
        "figure_id": list(samples["figure_id"]),
        "value": [float(v) for v in samples["value"]],
        "unit": list(samples["unit"]),
        "stated": [figure(i).text + (" (derived)" if bool(d) else "")
                   for i, d in zip(samples["figure_id"], samples["derived"])],
        "derived": [bool(d) for d in samples["derived"]],
        "where": [where(loc) for loc in samples["locator"]],
    })


def samples_readable(samples: pd.DataFrame) -> pd.DataFrame:
    """The samples as a table for readers (no ids or raw numbers)."""
    return samples.rename(columns={"part": "Part", "group": "Who", "stated": "Number or share",
                                   "where": "Where the report says so"})[
        ["Part", "Who", "Number or share", "Where the report says so"]]


def samples_chart(samples: pd.DataFrame) -> alt.TopLevelMixin:
    """Bars of people in the survey and in the focus groups, each split into service users and
    carers where the report allows, with the number who had held a personal budget before.

    The survey's split is given only in per cent, so the survey bar is drawn whole and its split is
    left to the table; the focus groups' equal split is marked as derived.
    """
    people = samples[(samples["unit"] == "people") & samples["part"].isin(["Survey", "Focus groups"])]
    if people.empty:
        raise ValueError("samples must contain people counts for the survey or the focus groups")
    rows = []
    for part in ("Survey", "Focus groups"):
        sub = people[people["part"] == part]
        split = sub[sub["group"].isin([GROUP_LABELS["service_users"], GROUP_LABELS["carers"]])]
        total = sub[sub["group"] == GROUP_LABELS["all"]]
        if len(split) == 2:
            start = 0.0
            for rec in split.to_dict("records"):
                rows.append({"part": part, "segment": rec["group"] + (" (derived)" if rec["derived"] else ""),
                             "start": start, "end": start + rec["value"], "people": rec["value"]})
                start += rec["value"]
        elif len(total):
            value = float(total["value"].iloc[0])
            rows.append({"part": part, "segment": "Service users and carers (split given in per cent)",
                         "start": 0.0, "end": value, "people": value})
        prior = sub[sub["group"] == GROUP_LABELS["prior_personal_budget"]]
        for rec in prior.to_dict("records"):
            rows.append({"part": part, "segment": GROUP_LABELS["prior_personal_budget"],
                         "start": 0.0, "end": rec["value"], "people": rec["value"]})
    data = pd.DataFrame(rows)
    segments = list(dict.fromkeys(data["segment"]))
    colour = alt.Color("segment:N", title=None, sort=segments,
                       scale=alt.Scale(domain=segments, range=list(charts.PALETTE[:len(segments)])),
                       legend=alt.Legend(orient="bottom", columns=1, labelLimit=520))
    main = data[data["segment"] != GROUP_LABELS["prior_personal_budget"]]
    prior = data[data["segment"] == GROUP_LABELS["prior_personal_budget"]]
    y = alt.Y("part:N", title=None, sort=["Survey", "Focus groups"])
    tooltip = [alt.Tooltip("part:N", title="Part"), alt.Tooltip("segment:N", title="Who"),
               alt.Tooltip("people:Q", title="People")]
    bars = alt.Chart(main).mark_bar(size=26).encode(
        y=y, x=alt.X("start:Q", title="People"), x2="end:Q", color=colour, tooltip=tooltip)
    inner = alt.Chart(prior).mark_bar(size=8, color=charts.INK).encode(
        y=y, x="start:Q", x2="end:Q", color=colour, tooltip=tooltip)
    labels = alt.Chart(data[data["segment"] != GROUP_LABELS["prior_personal_budget"]]).transform_aggregate(
        total="max(end)", groupby=["part"]).mark_text(align="left", dx=4).encode(
        y=y, x="total:Q", text=alt.Text("total:Q", format=",.0f"))
    chart = alt.layer(bars, inner, labels).properties(width=440, height=alt.Step(48))
    return charts.describe(
        chart,
        title="Who took part in the 2011 study",
        description=("Two horizontal bars: the survey's respondents and the focus groups' "
                     "participants, with the total at the end of each bar. The focus group bar is "
                     "split equally into service users and carers, a split derived from the report's "
                     "words. The survey bar is not split because the report gives its split only in "
                     "per cent. A thin dark bar inside each shows how many had held a personal "
                     "budget from their council before."),
    )


def focus_groups() -> pd.DataFrame:
    """The six focus groups: place, who took part, and whether recruited from black and minority
    ethnic (BME) communities."""
    groups = load("focus_groups")
    return pd.DataFrame({
        "Group": list(groups["fg_id"]),
        "Place": list(groups["place"]),
        "Who took part": [GROUP_LABELS[p] for p in groups["participants"]],
        "Recruited from BME communities": ["Yes" if bool(b) else "No" for b in groups["bme_recruited"]],
    })


def focus_groups_chart(groups: pd.DataFrame) -> alt.TopLevelMixin:
    """A strip of six squares, one per focus group: colour for who took part, a ring for the two
    groups recruited from black and minority ethnic communities."""
    if len(groups) == 0:
        raise ValueError("groups must contain at least one focus group")
    data = groups.copy()
    data["label"] = data["Group"] + " " + data["Place"]
    data["BME"] = data["Recruited from BME communities"].map(
        {"Yes": "Recruited from BME communities", "No": "General recruitment"})
    order = list(data["label"])
    who = list(dict.fromkeys(data["Who took part"]))
    base = alt.Chart(data).encode(
        x=alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=90)),
        tooltip=[alt.Tooltip("Group:N"), alt.Tooltip("Place:N"), alt.Tooltip("Who took part:N"),
                 alt.Tooltip("Recruited from BME communities:N")])
    squares = base.mark_square(size=900, opacity=1).encode(
        color=alt.Color("Who took part:N", sort=who, title="Who took part",
                        scale=alt.Scale(domain=who, range=list(charts.PALETTE[:len(who)]))))
    rings = base.transform_filter("datum.BME === 'Recruited from BME communities'").mark_point(
        size=1900, filled=False, strokeWidth=3, color=charts.INK).encode(
        shape=alt.Shape("BME:N", title=None, scale=alt.Scale(
            domain=["Recruited from BME communities"], range=["circle"])))
    chart = alt.layer(squares, rings).properties(width=560, height=90).resolve_scale(
        color="independent", shape="independent")
    bme = ", ".join(data.loc[data["Recruited from BME communities"] == "Yes", "label"])
    return charts.describe(
        chart,
        title="Six focus groups, March 2011",
        description=(f"Six squares in a row, one per focus group, labelled with its number and place. "
                     f"Colour shows who took part: the first three groups were carers and the last "
                     f"three service users. A dark ring marks the groups specifically recruited from "
                     f"black and minority ethnic communities: {bme}. The report gives no group sizes."),
    )


def seven_concerns() -> pd.DataFrame:
    """The seven concerns, numbered as in the report, with a paraphrase and whether the NHS
    Confederation's viewpoint singled the concern out as particularly challenging."""
    concerns = load("seven_concerns")
    return pd.DataFrame({
        "No.": [int(n) for n in concerns["concern_no"]],
        "Theme": [str(t).capitalize() for t in concerns["theme"]],
        "What participants asked for (paraphrased)": list(concerns["paraphrase"]),
        "Named as particularly challenging in the Confederation's viewpoint":
            ["Yes" if bool(v) else "No" for v in concerns["in_confederation_viewpoint"]],
    })


#: The disagreements chapter 4 shows: preferred figure id -> what is being counted.
STUDY_CONFLICTS: dict[str, str] = {
    "study2011_focus_group_n": "Focus group participants",
    "study2011_survey_n": "Survey respondents",
    "study2011_survey_prior_pb_n": "Survey respondents who had held a personal budget",
    "study2011_would_not_consider": "Focus group participants who would not consider a budget",
}


def conflicts(measures: Mapping[str, str]) -> pd.DataFrame:
    """Each figure in ``measures`` beside every figure figures.csv says it conflicts with.

    ``measures`` maps a figure id to a label for what it counts. One row per pair, with both texts,
    where each stands, which one the book uses (figures.csv's ``preferred``) and its note saying
    why. Numeric columns ``value_used``/``value_other`` keep exact values for charts (None for a
    bound or range). Raises KeyError for an unknown id and ValueError for a figure with no conflict.
    """
    titles = _source_titles()
    rows = []
    for fid, label in measures.items():
        fig = figure(fid)
        if not fig.conflicts_with:
            raise ValueError(f"figure {fid!r} has no conflicts_with in figures.csv")
        for other_id in fig.conflicts_with:
            other = figure(other_id)
            used, alt_fig = (fig, other) if fig.preferred or not other.preferred else (other, fig)
            why = used.note or other.note

            def place(f: Any) -> str:
                text = where(f.locator)
                if f.source_id != "nhsconfed2011views" or text.startswith("figures.md"):
                    text = titles.get(f.source_id, f.source_id)
                return text

            rows.append({
                "measure": label,
                "used": used.text, "used_where": place(used), "used_id": used.id,
                "other": alt_fig.text, "other_where": place(alt_fig), "other_id": alt_fig.id,
                "unit": used.unit,
                "value_used": used.value if used.qualifier == "exact" else None,
                "value_other": alt_fig.value if alt_fig.qualifier == "exact" else None,
                "why": why,
            })
    return pd.DataFrame(rows)


def conflicts_readable(table: pd.DataFrame) -> pd.DataFrame:
    """The disagreements as a table for readers."""
    return table.rename(columns={"measure": "What is counted", "used": "The book uses",
                                 "used_where": "Where", "other": "The other figure",
                                 "other_where": "Where (other)", "why": "Why"})[
        ["What is counted", "The book uses", "Where", "The other figure", "Where (other)", "Why"]]


def conflicts_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """A dumbbell per disagreement: the figure the book uses (filled) and the other (hollow),
    joined by a line, each labelled with its number and where it stands.

    Only rows where both figures are exact counts of people can be drawn on one axis; the others
    (shares, bounds) stay in the table. Raises ValueError if no row can be drawn.
    """
    rows = table[(table["unit"] == "people") & table["value_used"].notna() & table["value_other"].notna()]
    if rows.empty:
        raise ValueError("no row of the table has two exact counts of people to draw")
    long = pd.concat([
        pd.DataFrame({"measure": rows["measure"], "people": rows["value_used"].astype(float),
                      "figure": "The book uses", "where": rows["used_where"]}),
        pd.DataFrame({"measure": rows["measure"], "people": rows["value_other"].astype(float),
                      "figure": "The other figure", "where": rows["other_where"]}),
    ], ignore_index=True)
    order = list(dict.fromkeys(rows["measure"]))
    long["label"] = [f"{int(v)}: {w}" for v, w in zip(long["people"], long["where"])]
    kinds = ["The book uses", "The other figure"]
    y = alt.Y("measure:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(long).encode(
        y=y, yOffset=alt.YOffset("figure:N", sort=kinds),
        tooltip=[alt.Tooltip("measure:N", title="Counted"), alt.Tooltip("figure:N", title="Figure"),
                 alt.Tooltip("people:Q", title="People"), alt.Tooltip("where:N", title="Where")])
    bars = base.mark_bar(height=18, strokeWidth=1.5, stroke=charts.PALETTE[0]).encode(
        x=alt.X("people:Q", title="People", scale=alt.Scale(domain=[0, 110])),
        fill=alt.Fill("figure:N", title=None, sort=kinds, legend=alt.Legend(orient="top"),
                      scale=alt.Scale(domain=kinds, range=[charts.PALETTE[0], "#ffffff"])))
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(x="people:Q", text="label:N")
    chart = alt.layer(bars, text).properties(width=300, height=alt.Step(22))
    pairs = "; ".join(f"{m}: {int(u)} used, {int(o)} in the other place"
                      for m, u, o in zip(rows["measure"], rows["value_used"], rows["value_other"]))
    return charts.describe(
        chart,
        title="Where the report disagrees with itself",
        description=("For each count the report gives twice, a pair of horizontal bars: a filled bar "
                     "for the figure the book uses (from the methodology) and an outlined bar for the "
                     "other figure (the executive summary's rounded number, or the count in the "
                     f"findings), each labelled with its number and where it stands. {pairs}."),
    )


# --------------------------------------------------------------------------------------------------
# Chapter 5: the national evaluation and the POET surveys
# --------------------------------------------------------------------------------------------------

TOPIC_LABELS = {"sample": "Sample", "scale": "Scale", "outcome": "Outcome", "cost": "Cost",
                "subgroup": "Mental health subgroup", "implementation": "Implementation",
                "equity": "Equity", "interim_report": "Interim reports"}
ARM_LABELS = {"phb": "With a budget", "control": "Without (control)", "both": "Both arms",
              "not_applicable": ""}


def evaluation_findings() -> pd.DataFrame:
    """The 2012 national evaluation's findings as the sources state them, each with its source and
    whether that source is secondary (a blog, letter or summary quoting the evaluation)."""
    ev = load("national_evaluation")
    titles, secondary = _source_titles(), _secondary()
    rows = []
    for rec in ev.to_dict("records"):
        fid = _opt(rec["figure_id"])
        rows.append({
            "Topic": TOPIC_LABELS.get(rec["topic"], rec["topic"]),
            "Finding": rec["finding"],
            "Arm": ARM_LABELS.get(rec["arm"], rec["arm"]),
            "Figure": figure(fid).text if fid else "No number given",
            "Source": titles.get(rec["source_id"], rec["source_id"]),
            "Secondary source": "Yes" if secondary.get(rec["source_id"], False) else "No",
            "source_id": rec["source_id"],
        })
    return pd.DataFrame(rows)


#: The comparisons of the two arms chapter 5 draws: measure -> (budget id, control id, note id).
ARM_COMPARISONS: dict[str, tuple[str, str, str]] = {
    "Change in care-related quality of life (ASCOT score)":
        ("nateval_ascot_change_phb", "nateval_ascot_change_control", "nateval_ascot_p"),
    "Mortality (%)": ("nateval_mortality_phb_pct", "nateval_mortality_control_pct", "nateval_mortality_p"),
    "Change in costs, mental health subgroup (%)":
        ("nateval_mh_cost_change_phb", "nateval_mh_cost_change_control", ""),
}


def mortality_difference() -> stats.DifferenceInterval:
    """The evaluation's mortality gap (budget arm minus control) with a 95% Newcombe interval.

    The arm sizes are not published, only "just over" a floor: the sketch assumes each arm was
    exactly that floor, and turns each reported share into the nearest whole number of deaths. A
    real analysis (follow-up time, adjustment) may differ; the point is how wide the gap could be.
    Returns a :class:`phb.stats.DifferenceInterval` (shares from −1 to 1).
    """
    arm = int(figure("nateval_arm_n").lower)  # Assumption: exactly the "just over" floor
    died_phb = stats.count_for_share(figure("nateval_mortality_phb_pct").value / 100, arm)
    died_control = stats.count_for_share(figure("nateval_mortality_control_pct").value / 100, arm)
    return stats.difference_interval(died_phb, arm, died_control, arm)


def evaluation_arms(comparisons: Mapping[str, tuple[str, str, str]] = ARM_COMPARISONS) -> pd.DataFrame:
    """Budget arm against control arm for each comparison, with the significance the sources give
    and whether the figures come from a secondary source."""
    titles, secondary = _source_titles(), _secondary()
    rows = []
    for measure, (phb_id, control_id, p_id) in comparisons.items():
        p_text = f"p {figure(p_id).text}" if p_id else "No test reported"
        if p_id and figure(p_id).qualifier == "exact":
            p_text = f"p = {figure(p_id).text}"
        for arm, fid in (("With a budget", phb_id), ("Without (control)", control_id)):
            fig = figure(fid)
            rows.append({"measure": measure, "arm": arm, "value": float(fig.value), "stated": fig.text,
                         "significance": p_text, "source": titles.get(fig.source_id, fig.source_id),
                         "secondary": secondary.get(fig.source_id, False)})
    return pd.DataFrame(rows)


def arms_readable(table: pd.DataFrame) -> pd.DataFrame:
    """The arm comparisons as a table for readers."""
    out = table.rename(columns={"measure": "Measure", "arm": "Arm", "stated": "Figure",
                                "significance": "Significance", "source": "Source"})
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
        bars = alt.Chart(sub).mark_bar(size=22).encode(
            y=alt.Y("arm:N", sort=arms, title=None),
            x=alt.X("value:Q", title=measure),
            color=alt.Color("arm:N", sort=arms, title="Arm",
                            scale=alt.Scale(domain=arms, range=[charts.PALETTE[0], charts.PALETTE[1]])),
            tooltip=[alt.Tooltip("arm:N", title="Arm"), alt.Tooltip("stated:N", title="Figure"),
                     alt.Tooltip("significance:N", title="Significance")])
        labels = alt.Chart(sub).mark_text(align="left", dx=4).encode(
            y=alt.Y("arm:N", sort=arms), x=alt.X("value:Q"), text="stated:N")
        panels.append(alt.layer(bars, labels).properties(
            width=420, height=alt.Step(34),
            title=alt.Title(measure, subtitle=f"{sub['significance'].iloc[0]}{flag}", fontSize=13,
                            anchor="start")))
    chart = alt.vconcat(*panels, spacing=24)
    parts = "; ".join(
        f"{m}: " + ", ".join(f"{a} {s}" for a, s in zip(table.loc[table['measure'] == m, 'arm'],
                                                        table.loc[table['measure'] == m, 'stated']))
        + f" ({table.loc[table['measure'] == m, 'significance'].iloc[0]})"
        for m in dict.fromkeys(table["measure"]))
    return charts.describe(
        chart,
        title="The national evaluation: budget holders against the control group",
        description=("Small horizontal bar charts, one per measure, each comparing people with a "
                     f"budget with the control group on its own scale. {parts}."),
    )


SURVEY_LABELS = {"phb": "PHB POET", "social_care": "Social care POET"}
RESPONDENT_LABELS = {"holders": "holders", "carers": "carers", "all_respondents": "all respondents"}
DOMAIN_LABELS = {
    "views_in_support_plan": "views heard in support plan",
    "quality_of_life": "quality of life", "independence": "independence", "control": "control",
    "any_domain": "any domain", "process_steps": "a step of the process",
    "arranging_support": "arranging support",
    "paid_supporter_relationships": "relations with paid supporters",
    "friendships": "friendships", "physical_health": "physical health",
    "mental_health": "mental health", "support": "support", "dignity": "dignity",
    "mental_wellbeing": "mental wellbeing",
}
DIRECTION_LABELS = {"positive": "better", "negative": "worse", "difficult": "found difficult"}
SHORT_SURVEY = {"phb": "PHB", "social_care": "Social care"}
SHORT_RESPONDENTS = {"holders": "holders", "carers": "carers", "all_respondents": "all"}
#: Row labels for results that are not "better in a domain".
ROW_PHRASES = {("any_domain", "negative"): "worse, by domain",
               ("process_steps", "difficult"): "found a step difficult"}


def _as_percent(value: Any, unit: str) -> float | None:
    if _missing(value):
        return None
    return float(value) * 100 if unit == "fraction" else float(value)


def poet_samples() -> pd.DataFrame:
    """Who answered each POET survey: one row per survey and respondent group, sizes as stated."""
    poet = load("poet_surveys")
    rows = []
    for rec in poet[(poet["measure"] == "sample_size") & poet["preferred"].astype(bool)].to_dict("records"):
        areas = poet[(poet["year"] == rec["year"]) & (poet["survey"] == rec["survey"])
                     & poet["measure"].isin(["areas", "pilot_sites", "councils", "organisations"])
                     & poet["preferred"].astype(bool)]
        match = areas[areas["respondent_type"].isin([rec["respondent_type"], "all_respondents"])]
        place = "; ".join(f"{figure(f).text} {m.replace('_', ' ')}"
                          for f, m in zip(match["figure_id"], match["measure"]))
        rows.append({
            "Survey": f"{SURVEY_LABELS[rec['survey']]} {int(rec['year'])}",
            "Respondents": RESPONDENT_LABELS[rec["respondent_type"]],
            "How many": figure(rec["figure_id"]).text,
            "Where from": place or "Not given",
            "figure_id": rec["figure_id"],
        })
    out = pd.DataFrame(rows)
    return out.drop_duplicates(subset=["Survey", "Respondents"]).reset_index(drop=True)


#: Results whose base is not published: the shares fit neither the survey's holders nor holders and
#: carers together (chapter 9 checks 11.9%), so the chart must not print a sample beside them as if
#: it were the base.
BASE_NOT_PUBLISHED: frozenset[str] = frozenset({"poet2014_process_difficult", "poet2014_process_difficult_blog"})


def _sample_text(poet: pd.DataFrame, year: int, survey: str, respondents: str) -> str:
    sizes = poet[(poet["measure"] == "sample_size") & (poet["year"] == year)
                 & (poet["survey"] == survey) & poet["preferred"].astype(bool)]
    sizes = sizes.drop_duplicates(subset=["respondent_type"])
    if respondents != "all_respondents":
        sizes = sizes[sizes["respondent_type"] == respondents]
    parts = [f"{figure(f).text} {RESPONDENT_LABELS[r] if r != 'all_respondents' else 'people'}"
             for f, r in zip(sizes["figure_id"], sizes["respondent_type"])]
    return "n = " + " and ".join(parts) if parts else "n not given"


def poet_results(include_conflicting: bool = False) -> pd.DataFrame:
    """Every POET headline result, one row each, keeping bounds as bounds.

    Columns: ``survey`` ("PHB POET 2014"), ``respondents``, ``domain``, ``direction``, ``kind``
    (``point``/``lower``/``upper``/``range``, see :data:`KIND_LABELS`), ``stated`` (the source's
    words via ``Figure.text``), ``low``/``high`` (the interval in per cent the words allow: a
    "more than 80%" runs from 80 to 100), ``mark`` (the number the source names), ``sample`` (the
    sample size as stated), ``row`` (a label for charts) and ``figure_id``. Shares given as
    fractions ("three quarters") are converted to per cent for drawing only.
    """
    poet = load("poet_surveys")
    res = poet[poet["measure"] == "result"]
    if not include_conflicting:
        res = res[res["preferred"].astype(bool)]
    rows = []
    for rec in res.to_dict("records"):
        kind = kind_of(rec["qualifier"])
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
        rows.append({
            "survey": survey, "respondents": who, "domain": domain, "direction": direction,
            "kind": kind, "stated": stated, "low": low, "high": high, "mark": mark,
            "sample": sample,
            "row": f"{short} {SHORT_RESPONDENTS[rec['respondent_type']]}: "
                   + ROW_PHRASES.get((rec["domain"], rec["direction"]), domain),
            "label": f"{stated} ({sample})",
            "figure_id": rec["figure_id"],
        })
    return pd.DataFrame(rows)


def poet_readable(results: pd.DataFrame) -> pd.DataFrame:
    """The POET headlines as a table for readers."""
    return pd.DataFrame({
        "Survey": results["survey"], "Respondents": results["respondents"],
        "Domain": results["domain"], "Said it was": results["direction"],
        "Share, as stated": results["stated"],
        "What the words allow": [f"{lo:g}% to {hi:g}%" if lo != hi else f"{lo:g}%"
                                 for lo, hi in zip(results["low"], results["high"])],
        "Sample": results["sample"],
    })


def poet_bounds_chart(results: pd.DataFrame) -> alt.TopLevelMixin:
    """The POET headlines drawn as the sources state them, with each sample size beside them.

    A stated number is a dot. "More than X" is a tick at X with a thin line running on to an open
    arrowhead at 100%: the true share is somewhere on that line. "Fewer than X" runs from an open
    arrowhead at 0 to a tick at X. A range is a thick bar between its two ends. Colour is the
    survey; the text column on the right gives the sample each figure rests on.
    """
    if results.empty:
        raise ValueError("results must contain at least one POET result")
    data = results.copy()
    data["kind_label"] = data["kind"].map(KIND_LABELS)
    order = list(data["row"])
    surveys = list(dict.fromkeys(data["survey"]))
    palette = list(charts.PALETTE[:len(surveys)])
    colour = alt.Color("survey:N", title="Survey", sort=surveys,
                       scale=alt.Scale(domain=surveys, range=palette),
                       legend=alt.Legend(orient="top", columns=3))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    x_scale = alt.Scale(domain=[0, 100])
    tooltip = [alt.Tooltip("survey:N", title="Survey"), alt.Tooltip("respondents:N", title="Respondents"),
               alt.Tooltip("domain:N", title="Domain"), alt.Tooltip("stated:N", title="As stated"),
               alt.Tooltip("sample:N", title="Sample")]
    base = alt.Chart(data)
    bounds = base.transform_filter("datum.kind === 'lower' || datum.kind === 'upper'")
    allowed = bounds.mark_rule(strokeWidth=1.5, strokeDash=[4, 3]).encode(
        y=y, x=alt.X("low:Q", scale=x_scale, title="Share of respondents (%)"), x2="high:Q",
        color=colour, tooltip=tooltip)
    ranges = base.transform_filter("datum.kind === 'range'").mark_rule(strokeWidth=7).encode(
        y=y, x=alt.X("low:Q", scale=x_scale), x2="high:Q", color=colour, tooltip=tooltip)
    ticks = base.transform_filter("datum.kind !== 'point'").mark_tick(
        thickness=3, size=18).encode(y=y, x=alt.X("mark:Q", scale=x_scale), color=colour,
                                     tooltip=tooltip)
    range_ends = base.transform_filter("datum.kind === 'range'").mark_tick(
        thickness=3, size=18).encode(y=y, x=alt.X("high:Q", scale=x_scale), color=colour)
    up_arrows = base.transform_filter("datum.kind === 'lower'").mark_point(
        shape="triangle-right", filled=False, size=90, strokeWidth=2).encode(
        y=y, x=alt.X("high:Q", scale=x_scale), color=colour, tooltip=tooltip)
    down_arrows = base.transform_filter("datum.kind === 'upper'").mark_point(
        shape="triangle-left", filled=False, size=90, strokeWidth=2).encode(
        y=y, x=alt.X("low:Q", scale=x_scale), color=colour, tooltip=tooltip)
    dots = base.transform_filter("datum.kind === 'point'").mark_point(
        filled=True, size=110, opacity=1).encode(y=y, x=alt.X("mark:Q", scale=x_scale),
                                                 color=colour, tooltip=tooltip)
    left = alt.layer(allowed, ranges, ticks, range_ends, up_arrows, down_arrows, dots).properties(
        width=250, height=alt.Step(22))
    right = base.mark_text(align="left", dx=4, fontSize=11).encode(
        y=alt.Y("row:N", sort=order, axis=None), x=alt.value(0), text="label:N").properties(
        width=250, height=alt.Step(22), title=alt.Title("As stated, and the sample", fontSize=12))
    chart = alt.hconcat(left, right, spacing=6).resolve_scale(y="shared")
    counts = data["kind"].value_counts()
    return charts.describe(
        chart,
        title="POET headline results, drawn as the sources state them",
        description=(f"A chart of {len(data)} headline results from the POET surveys of personal "
                     "health budget holders and carers (2013 to 2015) and of social care personal "
                     "budget holders (2013 and 2014), one row each, coloured by survey. "
                     f"{counts.get('lower', 0)} results are stated only as 'more than' or 'over' a "
                     "share: each is drawn as a tick at that share with a dashed line running to an "
                     "open arrowhead at 100%, because the source says only that the true share is "
                     f"somewhere above the tick. {counts.get('upper', 0)} are 'fewer than' or 'under' "
                     "a share, drawn from an open arrowhead at 0 to a tick. "
                     f"{counts.get('range', 0)} are ranges across domains or steps, drawn as thick "
                     f"bars, and {counts.get('point', 0)} are stated numbers, drawn as dots. A "
                     "column on the right gives each result in the source's words and the sample it "
                     "rests on, from a few hundred budget holders and carers in the health surveys "
                     "to thousands of respondents in the social care surveys."),
        subtitle=["Dot: a stated number. Tick, dashed line and open arrow: the source gives only a bound.",
                  "Thick bar: a range across domains or steps."],
    )


def poet_management() -> pd.DataFrame:
    """How POET respondents' budgets were managed (2014 and 2015), as stated."""
    poet = load("poet_surveys")
    rows = poet[(poet["measure"] == "budget_management") & poet["preferred"].astype(bool)]
    labels = {"direct_payment": "Direct payment", "direct_payment_family": "Direct payment run by family or a friend",
              "provider": "Held by a provider", "broker": "Held by a broker",
              "council_or_nhs": "Held by the council or NHS"}
    return pd.DataFrame({
        "Survey": [f"PHB POET {int(y)}" for y in rows["year"]],
        "How the budget was managed": [labels.get(d, d) for d in rows["domain"]],
        "Share of respondents, as stated": [figure(f).text for f in rows["figure_id"]],
        "figure_id": list(rows["figure_id"]),
    })


# --------------------------------------------------------------------------------------------------
# Chapter 6: uptake since 2014
# --------------------------------------------------------------------------------------------------

#: What each count basis means, in the words the chapter uses (legend and tables).
BASIS_LABELS = {
    "total": "Total at a date",
    "new_in_year": "New in the year",
    "year_to_date": "Year to date (anyone with a budget since April; includes wheelchair budgets)",
    "live": "Live at the quarter's end",
}
BASIS_SHAPES = {"total": "circle", "new_in_year": "square", "year_to_date": "triangle-up", "live": "diamond"}


def period_date(period: str, as_of: str | None = None) -> pd.Timestamp:
    """The date a count or target refers to, for plotting.

    ``as_of`` wins when given: ``"2016-10"`` is the month's last day; a bare year (``"2015"``,
    used for "about 2015") is 1 July, the middle of the year. Without it, ``period`` is read:
    a financial year ``"2014/15"`` or ``"2023/24"`` is its last day (31 March); ``"2021-03"`` is
    the month's last day; a bare year ``"2019"`` is 31 December, the latest date "by 2019" allows.
    Raises ValueError for anything else.
    """
    text = str(as_of) if as_of not in (None, "") and not _missing(as_of) else str(period)
    from_as_of = as_of not in (None, "") and not _missing(as_of)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return pd.Timestamp(text)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return pd.Timestamp(text) + pd.offsets.MonthEnd(0)
    if re.fullmatch(r"\d{4}", text):
        return pd.Timestamp(f"{text}-07-01") if from_as_of else pd.Timestamp(f"{text}-12-31")
    match = re.fullmatch(r"(\d{4})/(\d{2})(?: Q\d)?", text)
    if match:
        return pd.Timestamp(f"{int(match.group(1)) + 1}-03-31")
    raise ValueError(f"period must look like 2019, 2021-03, 2016-10-31 or 2014/15; got {text!r}")


def uptake_series(include_subsets: bool = False) -> pd.DataFrame:
    """The national PHB counts with their definitions: one row per published count.

    Columns: ``period`` (as published), ``date`` (see :func:`period_date`), ``basis`` (readable
    count basis), ``count_basis`` (its code), ``people`` (the number the source names),
    ``stated`` (its words: "about 4,700", "over 70,000"), ``qualified`` (True for "about",
    "nearly", "over"), ``wheelchair`` (whether wheelchair budgets are included, where known) and
    ``source``. ``include_subsets`` keeps subsets such as direct payments or continuing healthcare.
    """
    up = load("phb_uptake")
    if not include_subsets:
        up = up[up["subset"] == "all"]
    titles = _source_titles()
    rows = []
    for rec in up.to_dict("records"):
        fig = figure(rec["figure_id"])
        kind = kind_of(rec["qualifier"])
        people = fig.value if kind == "point" else fig.lower if kind == "lower" else fig.upper
        wheel = _opt(rec["includes_wheelchair"])
        rows.append({
            "period": rec["period"], "date": period_date(rec["period"], _opt(rec["as_of"])),
            "count_basis": rec["count_basis"], "basis": BASIS_LABELS[rec["count_basis"]],
            "subset": rec["subset"], "people": float(people), "stated": fig.text,
            "qualified": rec["qualifier"] != "exact",
            "wheelchair": "Yes" if wheel is True else "No" if wheel is False else "Not stated",
            "source": titles.get(rec["source_id"], rec["source_id"]), "figure_id": rec["figure_id"],
        })
    return pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)


def uptake_readable(series: pd.DataFrame) -> pd.DataFrame:
    """The uptake series as a table for readers."""
    return pd.DataFrame({"When": series["period"], "People, as stated": series["stated"],
                         "What was counted": series["basis"],
                         "Includes wheelchair budgets": series["wheelchair"],
                         "Source": series["source"]})


#: Targets whose description starts so count people holding a budget (not a pilot's planned size,
#: an offer or a multiplier); only these are set against published counts.
HOLDER_TARGET = "People with a personal health budget"


def targets() -> pd.DataFrame:
    """The national targets and ambitions for PHBs, with the date each refers to and the interval
    of people it names (a range as its two ends; "up to" as 0 to its top; a multiplier or an
    offer, which are not counts of holders, with no interval)."""
    tg = load("targets")
    tg = tg[(tg["scope"] == "phb") & tg["preferred"].astype(bool)]
    rows = []
    for rec in tg.to_dict("records"):
        fig = figure(rec["figure_id"])
        is_count = rec["unit"] == "people"
        kind = kind_of(rec["qualifier"])
        low = high = None
        if is_count:
            if kind == "point":
                low = high = fig.value
            elif kind == "range":
                low, high = fig.lower, fig.upper
            elif kind == "upper":
                low, high = None, fig.upper
            else:
                low, high = fig.lower, None
        rows.append({
            "target": rec["description"], "set_by": rec["set_by"], "deadline": str(rec["deadline"]),
            "date": period_date(str(rec["deadline"])), "stated": fig.text,
            "counts_holders": is_count and str(rec["description"]).startswith(HOLDER_TARGET),
            "low": low, "high": high, "figure_id": rec["figure_id"],
            "label": f"{rec['set_by']}: {fig.text}",
        })
    return pd.DataFrame(rows)


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

        out.append({
            "Target": rec["target"], "Set by": rec["set_by"], "By": rec["deadline"],
            "Target, as stated": rec["stated"],
            "Last count on or before": describe_count(before.iloc[-1] if len(before) else None),
            "First count after": describe_count(after.iloc[0] if len(after) else None),
        })
    return pd.DataFrame(out)


def uptake_chart(series: pd.DataFrame, goals: pd.DataFrame | None = None,
                 log_scale: bool = True) -> alt.TopLevelMixin:
    """Published PHB counts over time, colour and shape showing how each was counted.

    Hollow marks are figures stated as "about", "nearly" or "over". With ``goals`` (from
    :func:`targets`), targets that count holders are added as orange hollow triangles, a range
    as a vertical bar and an "up to" ambition as a bar from 0 to its top.
    """
    if series.empty:
        raise ValueError("series must contain at least one count")
    data = series.copy()
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    bases = [BASIS_LABELS[b] for b in BASIS_LABELS if BASIS_LABELS[b] in set(data["basis"])]
    shapes = [BASIS_SHAPES[k] for k, v in BASIS_LABELS.items() if v in bases]
    colour = alt.Color("basis:N", title="How it was counted", sort=bases,
                       scale=alt.Scale(domain=bases, range=list(charts.PALETTE[:len(bases)])),
                       legend=alt.Legend(orient="bottom", columns=1, labelLimit=560))
    shape = alt.Shape("basis:N", title="How it was counted", sort=bases,
                      scale=alt.Scale(domain=bases, range=shapes))
    top = max(float(data["people"].max()), 210_000.0 if goals is not None else 0.0)
    y_scale = (alt.Scale(type="log", domain=[1_000, 300_000]) if log_scale
               else alt.Scale(domain=[0, math.ceil(top / 50_000) * 50_000]))
    y_title = "People with a budget" + (" (log scale)" if log_scale else "")
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=10),
              scale=alt.Scale(domain=["2014-01-01", "2025-01-01"]))
    tooltip = [alt.Tooltip("period:N", title="When"), alt.Tooltip("stated:N", title="People"),
               alt.Tooltip("basis:N", title="Counted as"), alt.Tooltip("source:N", title="Source")]
    base = alt.Chart(data).encode(
        x=x, y=alt.Y("people:Q", title=y_title, scale=y_scale,
                     axis=alt.Axis(format="~s" if log_scale else ",.0f")),
        color=colour, shape=shape, tooltip=tooltip)
    filled = base.transform_filter("!datum.qualified").mark_point(filled=True, size=110, opacity=1)
    hollow = base.transform_filter("datum.qualified").mark_point(filled=False, size=110, strokeWidth=2.5)
    layers: list[alt.Chart] = [filled, hollow]
    description = (f"A scatter chart of {len(data)} published counts of people with a personal "
                   "health budget in England, by date, on a "
                   + ("log scale. " if log_scale else "linear scale. ")
                   + "Colour and shape show how each was counted: totals at a date (2015 to 2019), "
                   "new budgets in a year (2014/15 and 2015/16), a count of budgets live at the end "
                   "of a quarter, and, from 2021/22, year-to-date counts. A year-to-date count "
                   "includes everyone who had a budget at any time since the April before, so it is "
                   "larger than the number holding one on any day, and it includes wheelchair "
                   "budgets, over half of the 2021/22 total. Hollow marks are figures stated as "
                   "about, nearly or over.")
    if goals is not None:
        g = goals[goals["counts_holders"]].copy()
        g["date"] = g["date"].dt.strftime("%Y-%m-%d")
        g["low0"] = g["low"].fillna(0 if not log_scale else 1_000).astype(float)
        g["high0"] = g["high"].fillna(g["low"]).astype(float)
        g["point"] = g["high0"]
        gt = [alt.Tooltip("label:N", title="Target"), alt.Tooltip("deadline:N", title="By")]
        span = g[g["low0"] != g["high0"]]
        layers.append(alt.Chart(span).mark_rule(strokeWidth=5, opacity=0.55, color=charts.PALETTE[5]).encode(
            x="date:T", y=alt.Y("low0:Q", scale=y_scale), y2="high0:Q", tooltip=gt))
        layers.append(alt.Chart(g).mark_point(shape="triangle-down", filled=False, size=160,
                                              strokeWidth=2.5, color=charts.PALETTE[5]).encode(
            x="date:T", y=alt.Y("point:Q", scale=y_scale), tooltip=gt))
        layers.append(alt.Chart(g).mark_text(align="right", dx=-10, dy=-4, fontSize=11,
                                             color=charts.INK).encode(
            x="date:T", y=alt.Y("point:Q", scale=y_scale), text="label:N"))
        names = "; ".join(f"{s} by {d}" for s, d in zip(g["label"], g["deadline"]))
        description += (" Orange hollow triangles mark national targets for the number of people "
                        "with a budget, placed at the latest date each deadline allows; a shaded "
                        f"bar shows a target given as a range or as 'up to'. Targets: {names}.")
    chart = alt.layer(*layers).properties(width=540, height=340)
    return charts.describe(
        chart,
        title=("Targets against published counts" if goals is not None
               else "Published counts and how each was made"),
        description=description,
        subtitle=["Year to date: anyone with a budget at any time since April, wheelchair budgets included.",
                  "Hollow marks: figures stated as 'about', 'nearly' or 'over'."],
    )


TYPE_LABELS = {"notional": "Notional", "third_party": "Third party", "direct_payment": "Direct payment",
               "not_split": "Type not given by the source"}
TYPE_COLOURS = {"notional": charts.PALETTE[0], "third_party": charts.PALETTE[2],
                "direct_payment": charts.PALETTE[1], "not_split": "#d0d7de"}


def budget_mix() -> pd.DataFrame:
    """Shares of PHBs by type at each period, with the rest marked "type not given" where the source
    gives only the direct payment share (the rest is computed as 100 minus the shares given)."""
    mix = load("phb_budget_type_mix")
    rows = []
    for period, sub in mix.groupby("period", sort=False):
        for rec in sub.to_dict("records"):
            rows.append({"period": period, "type": rec["budget_type"],
                         "budget type": TYPE_LABELS[rec["budget_type"]],
                         "share": float(rec["share_pct"]), "stated": figure(rec["figure_id"]).text,
                         "source": rec["source_id"]})
        if not sub["split_complete"].astype(bool).all():
            rest = 100.0 - float(sub["share_pct"].astype(float).sum())
            rows.append({"period": period, "type": "not_split", "budget type": TYPE_LABELS["not_split"],
                         "share": rest, "stated": f"{rest:g}% (computed: the rest)",
                         "source": sub["source_id"].iloc[0]})
    return pd.DataFrame(rows)


def budget_mix_chart(mix: pd.DataFrame) -> alt.TopLevelMixin:
    """One 100% bar per period split by budget type (notional, third party, direct payment)."""
    if mix.empty:
        raise ValueError("mix must contain at least one period")
    types = [t for t in TYPE_LABELS if t in set(mix["type"])]
    data = mix.copy()
    data["order"] = data["type"].map({t: i for i, t in enumerate(types)})
    labels = [TYPE_LABELS[t] for t in types]
    bars = alt.Chart(data).mark_bar(size=26).encode(
        y=alt.Y("period:N", title=None, sort=list(dict.fromkeys(data["period"]))),
        x=alt.X("share:Q", title="Share of budgets, year to date (%)", scale=alt.Scale(domain=[0, 100]),
                stack="zero"),
        color=alt.Color("budget type:N", title=None, sort=labels,
                        scale=alt.Scale(domain=labels, range=[TYPE_COLOURS[t] for t in types]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("period:N", title="When"), alt.Tooltip("budget type:N", title="Type"),
                 alt.Tooltip("stated:N", title="Share")])
    # Labels on the bars: white on the blue, near-black on the green and vermillion (white on those
    # is under WCAG AA's 4.5:1). Neither colour changes in dark mode: the bars do not either.
    text = alt.Chart(data[data["type"] != "not_split"]).mark_text(fontWeight=600).encode(
        color=alt.condition("datum.type == 'notional'", alt.value("white"), alt.value("#111111")),
        y=alt.Y("period:N", sort=list(dict.fromkeys(data["period"]))),
        x=alt.X("share:Q", stack="zero", bandPosition=0.5), order=alt.Order("order:Q"),
        detail="budget type:N", text=alt.Text("share:Q", format=".0f"))
    chart = alt.layer(bars, text.transform_filter("datum.share >= 8")).properties(
        width=500, height=alt.Step(44))
    parts = "; ".join(f"{p}: " + ", ".join(f"{t} {s}" for t, s in zip(
        data.loc[data["period"] == p, "budget type"], data.loc[data["period"] == p, "stated"]))
        for p in dict.fromkeys(data["period"]))
    return charts.describe(
        chart,
        title="How budgets are held: notional, third party or direct payment",
        description=("Stacked horizontal bars, one per period, each splitting all personal health "
                     "budgets counted in the year to date into notional budgets, budgets held by a "
                     "third party and direct payments. For 2021/22 the source gives only the direct "
                     f"payment share, so the rest is grey. {parts}."),
    )


def social_care_comparison(series: pd.DataFrame) -> pd.DataFrame:
    """Counts of people with a social care personal budget or direct payment beside the PHB counts,
    each series with its own definition, for a chart on one time axis."""
    titles = _source_titles()
    rows = []
    sc = load("social_care_uptake")
    for rec in sc[sc["measure"] == "personal_budget_holders"].to_dict("records"):
        fig = figure(rec["figure_id"])
        survey = " (ADASS council survey)" if rec["source_id"] == "adass2011pbsurvey" else ""
        rows.append({"series": f"Social care: personal budget holders{survey}", "period": rec["period"],
                     "date": period_date(rec["period"]), "people": float(fig.value or fig.lower),
                     "stated": fig.text, "source": titles.get(rec["source_id"], rec["source_id"])})
    dp = load("social_care_direct_payments")
    for rec in dp[dp["measure"] == "recipients"].to_dict("records"):
        fig = figure(rec["figure_id"])
        rows.append({"series": "Social care: direct payment recipients", "period": rec["period"],
                     "date": period_date(rec["period"]), "people": float(fig.value or fig.lower),
                     "stated": fig.text, "source": titles.get(rec["source_id"], rec["source_id"])})
    for rec in series.to_dict("records"):
        if rec["count_basis"] in ("total", "year_to_date"):
            rows.append({"series": f"NHS: personal health budgets ({rec['basis'].split(' (')[0].lower()})",
                         "period": rec["period"], "date": rec["date"], "people": rec["people"],
                         "stated": rec["stated"], "source": rec["source"]})
    return pd.DataFrame(rows).sort_values(["series", "date"], kind="stable").reset_index(drop=True)


def comparison_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Social care and NHS counts on one time axis (log scale), one colour per series."""
    if table.empty:
        raise ValueError("table must contain at least one count")
    data = table.copy()
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    series = list(dict.fromkeys(data["series"]))
    colour = alt.Color("series:N", title=None, sort=series,
                       scale=alt.Scale(domain=series, range=list(charts.PALETTE[:len(series)])),
                       legend=alt.Legend(orient="bottom", columns=1, labelLimit=560))
    enc = dict(x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=10)),
               y=alt.Y("people:Q", title="People (log scale)", scale=alt.Scale(type="log", domain=[1_000, 1_000_000]),
                       axis=alt.Axis(format="~s")),
               color=colour,
               tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("period:N", title="When"),
                        alt.Tooltip("stated:N", title="People"), alt.Tooltip("source:N", title="Source")])
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(filled=True, size=70)).encode(
        **enc, detail="series:N")
    chart = lines.properties(width=540, height=320)
    return charts.describe(
        chart,
        title="Personal budgets in social care and in the NHS",
        description=("Lines on a log scale of people with a personal budget or direct payment, by "
                     "date: social care personal budget holders in 2010/11 and 2011/12 (and a survey "
                     "count for 2011), social care direct payment recipients from 2006 to 2023/24, "
                     "and NHS personal health budgets from 2015 (totals at a date, then year-to-date "
                     "counts). Social care counts are several times the NHS counts; the series use "
                     "different definitions, so the lines are compared in size, not joined."),
    )


def five_tests() -> pd.DataFrame:
    """The NHS Confederation's five tests (2011) as a table: the question and why it mattered."""
    tests = load("five_tests")
    return pd.DataFrame({"No.": [int(n) for n in tests["test_no"]],
                         "Test": [str(c).replace("_", " ").capitalize() for c in tests["code"]],
                         "The question": list(tests["question"]),
                         "Why it mattered": list(tests["why"])})


#: The POET disagreements chapter 5 shows: preferred figure id -> what is being counted.
POET_CONFLICTS: dict[str, str] = {
    "poet2014_qol_improved_s1": "PHB holders whose quality of life improved, 2014",
    "poet2014_negative_s1": "Respondents reporting a negative outcome, by domain, 2014",
    "poet2014_process_difficult": "Respondents finding a step of the process difficult, 2014",
    "poet2014_organisations_n": "Organisations taking part, 2014",
    "poet_sc2013_n": "Social care POET respondents, 2013",
}
