"""Chapter 4's tables and charts: the 2011 study of mental health service users' and carers' views
(its phases, samples, focus groups and seven concerns).

Every table is built from ``data/`` and every chart passes through :func:`phb.charts.theme.describe`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.common import month_text, or_none, where
from phb.data import figure, load

COMPONENT_LABELS = {
    "expert_panel": "Expert panel",
    "survey": "Survey",
    "focus_groups": "Focus groups",
    "study": "Whole study",
}

GROUP_LABELS = {
    "all": "Everyone who took part",
    "service_users": "Service users",
    "carers": "Carers",
    "prior_personal_budget": "Had held a personal budget before",
}


def study_phases() -> pd.DataFrame:
    """The study's three phases in order: what was done and when (dates as the report gives them)."""
    phases = load("study_2011_phases")
    rows = []
    for rec in phases.to_dict("records"):
        start, end = or_none(rec["start"]), or_none(rec["end"])
        if start is None:
            when = "Not given"
        elif start == end:
            when = month_text(start)
        else:
            when = f"{month_text(start)} to {month_text(end)}"
        rows.append(
            {
                "Phase": int(rec["phase"]),
                "Part": COMPONENT_LABELS[rec["component"]],
                "What was done": rec["method"],
                "When": when,
                "Note": or_none(rec["note"]) or "",
            }
        )
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
    return pd.DataFrame(
        {
            "part": [COMPONENT_LABELS[c] for c in samples["component"]],
            "group": [GROUP_LABELS[g] for g in samples["group"]],
            "figure_id": list(samples["figure_id"]),
            "value": [float(v) for v in samples["value"]],
            "unit": list(samples["unit"]),
            "stated": [
                figure(i).text + (" (derived)" if bool(d) else "")
                for i, d in zip(samples["figure_id"], samples["derived"])
            ],
            "derived": [bool(d) for d in samples["derived"]],
            "where": [where(loc) for loc in samples["locator"]],
        }
    )


def samples_readable(samples: pd.DataFrame) -> pd.DataFrame:
    """The samples as a table for readers (no ids or raw numbers)."""
    return samples.rename(
        columns={"part": "Part", "group": "Who", "stated": "Number or share", "where": "Where the report says so"}
    )[["Part", "Who", "Number or share", "Where the report says so"]]


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
                rows.append(
                    {
                        "part": part,
                        "segment": rec["group"] + (" (derived)" if rec["derived"] else ""),
                        "start": start,
                        "end": start + rec["value"],
                        "people": rec["value"],
                    }
                )
                start += rec["value"]
        elif len(total):
            value = float(total["value"].iloc[0])
            rows.append(
                {
                    "part": part,
                    "segment": "Service users and carers (split given in per cent)",
                    "start": 0.0,
                    "end": value,
                    "people": value,
                }
            )
        prior = sub[sub["group"] == GROUP_LABELS["prior_personal_budget"]]
        for rec in prior.to_dict("records"):
            rows.append(
                {
                    "part": part,
                    "segment": GROUP_LABELS["prior_personal_budget"],
                    "start": 0.0,
                    "end": rec["value"],
                    "people": rec["value"],
                }
            )
    data = pd.DataFrame(rows)
    segments = list(dict.fromkeys(data["segment"]))
    colour = theme.category_colour("segment", segments, None, alt.Legend(orient="bottom", columns=1, labelLimit=520))
    main = data[data["segment"] != GROUP_LABELS["prior_personal_budget"]]
    prior = data[data["segment"] == GROUP_LABELS["prior_personal_budget"]]
    y = alt.Y("part:N", title=None, sort=["Survey", "Focus groups"])
    tooltip = [
        alt.Tooltip("part:N", title="Part"),
        alt.Tooltip("segment:N", title="Who"),
        alt.Tooltip("people:Q", title="People"),
    ]
    bars = (
        alt.Chart(main)
        .mark_bar(size=26)
        .encode(y=y, x=alt.X("start:Q", title="People"), x2="end:Q", color=colour, tooltip=tooltip)
    )
    inner = (
        alt.Chart(prior)
        .mark_bar(size=8, color=theme.INK)
        .encode(y=y, x="start:Q", x2="end:Q", color=colour, tooltip=tooltip)
    )
    labels = (
        alt.Chart(data[data["segment"] != GROUP_LABELS["prior_personal_budget"]])
        .transform_aggregate(total="max(end)", groupby=["part"])
        .mark_text(align="left", dx=4)
        .encode(y=y, x="total:Q", text=alt.Text("total:Q", format=",.0f"))
    )
    chart = alt.layer(bars, inner, labels).properties(width=440, height=alt.Step(48))
    return theme.describe(
        chart,
        title="Who took part in the 2011 study",
        description=(
            "Two horizontal bars: the survey's respondents and the focus groups' "
            "participants, with the total at the end of each bar. The focus group bar is "
            "split equally into service users and carers, a split derived from the report's "
            "words. The survey bar is not split because the report gives its split only in "
            "per cent. A thin dark bar inside each shows how many had held a personal "
            "budget from their council before."
        ),
    )


def focus_groups() -> pd.DataFrame:
    """The six focus groups: place, who took part, and whether recruited from black and minority
    ethnic (BME) communities."""
    groups = load("focus_groups")
    return pd.DataFrame(
        {
            "Group": list(groups["fg_id"]),
            "Place": list(groups["place"]),
            "Who took part": [GROUP_LABELS[p] for p in groups["participants"]],
            "Recruited from BME communities": ["Yes" if bool(b) else "No" for b in groups["bme_recruited"]],
        }
    )


#: A Vega expression: true where the focus groups' strip has less than 50 px a group.
NARROW_STRIP = "width < 50 * length(domain('x'))"


def focus_groups_chart(groups: pd.DataFrame) -> alt.TopLevelMixin:
    """A strip of six squares, one per focus group: colour for who took part, a ring for the two
    groups recruited from black and minority ethnic communities."""
    if len(groups) == 0:
        raise ValueError("groups must contain at least one focus group")
    data = groups.copy()
    data["label"] = data["Group"] + " " + data["Place"]
    data["BME"] = data["Recruited from BME communities"].map(
        {"Yes": "Recruited from BME communities", "No": "General recruitment"}
    )
    order = list(data["label"])
    who = list(dict.fromkeys(data["Who took part"]))
    base = alt.Chart(data).encode(
        # Number above place, on two lines: on one line the six labels ran into each other on a phone.
        # Where the plot is narrower than 50 px a group (a 320 px screen), they stand upright.
        x=alt.X(
            "label:N",
            sort=order,
            title=None,
            axis=alt.Axis(
                labelLimit=90,
                labelExpr=f"{NARROW_STRIP} ? datum.label : split(datum.label, ' ')",
                labelLineHeight=15,
                labelAngle=alt.ExprRef(expr=f"{NARROW_STRIP} ? -90 : 0"),
                labelAlign=alt.ExprRef(expr=f"{NARROW_STRIP} ? 'right' : 'center'"),
                labelBaseline=alt.ExprRef(expr=f"{NARROW_STRIP} ? 'middle' : 'top'"),
            ),
        ),
        tooltip=[
            alt.Tooltip("Group:N"),
            alt.Tooltip("Place:N"),
            alt.Tooltip("Who took part:N"),
            alt.Tooltip("Recruited from BME communities:N"),
        ],
    )
    squares = base.mark_square(size=900, opacity=1).encode(
        color=theme.category_colour("Who took part", who, "Who took part")
    )
    rings = (
        base.transform_filter("datum.BME === 'Recruited from BME communities'")
        .mark_point(size=1900, filled=False, strokeWidth=3, color=theme.INK)
        .encode(
            shape=alt.Shape(
                "BME:N", title=None, scale=alt.Scale(domain=["Recruited from BME communities"], range=["circle"])
            )
        )
    )
    chart = (
        alt.layer(squares, rings)
        .properties(width=560, height=90)
        .resolve_scale(color="independent", shape="independent")
    )
    bme = ", ".join(data.loc[data["Recruited from BME communities"] == "Yes", "label"])
    return theme.describe(
        chart,
        title="Six focus groups, March 2011",
        description=(
            f"Six squares in a row, one per focus group, labelled with its number and place. "
            f"Colour shows who took part: the first three groups were carers and the last "
            f"three service users. A dark ring marks the groups specifically recruited from "
            f"black and minority ethnic communities: {bme}. The report gives no group sizes."
        ),
    )


def seven_concerns() -> pd.DataFrame:
    """The seven concerns, numbered as in the report, with a paraphrase and whether the NHS
    Confederation's viewpoint singled the concern out as particularly challenging."""
    concerns = load("seven_concerns")
    return pd.DataFrame(
        {
            "No.": [int(n) for n in concerns["concern_no"]],
            "Theme": [str(t).capitalize() for t in concerns["theme"]],
            "What participants asked for (paraphrased)": list(concerns["paraphrase"]),
            "Named as particularly challenging in the Confederation's viewpoint": [
                "Yes" if bool(v) else "No" for v in concerns["in_confederation_viewpoint"]
            ],
        }
    )


#: The disagreements chapter 4 shows: preferred figure id -> what is being counted.
STUDY_CONFLICTS: dict[str, str] = {
    "study2011_focus_group_n": "Focus group participants",
    "study2011_survey_n": "Survey respondents",
    "study2011_survey_prior_pb_n": "Survey respondents who had held a personal budget",
    "study2011_would_not_consider": "Focus group participants who would not consider a budget",
}
