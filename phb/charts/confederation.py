"""Chapter 3's tables and chart: the NHS Confederation's series, its five tests and the frontline
professionals' survey.

Each builder takes a table loaded with :func:`phb.data.load` and returns a described chart or a
reader-facing table (see :mod:`phb.charts.timeline` for why builders take tables).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.common import event_date_label, require_columns

FRONTLINE_LABELS: dict[tuple[str, str], str] = {
    ("agree_power_shift", "all_respondents"): "Agree budgets shift power to service users",
    ("disagree_power_shift", "all_respondents"): "Disagree that budgets shift power",
    ("enthusiastic", "all_respondents"): "Enthusiastic about budgets",
    ("evidence_concern", "psychiatrists"): "Psychiatrists",
    ("evidence_concern", "psychologists"): "Psychologists",
    ("evidence_concern", "gps"): "GPs",
}

FRONTLINE_QUESTIONS: dict[str, str] = {
    "agree_power_shift": "All respondents: views of budgets",
    "disagree_power_shift": "All respondents: views of budgets",
    "enthusiastic": "All respondents: views of budgets",
    "evidence_concern": "Lack of evidence is a concern, by profession",
}


def confederation_reports_table(reports: pd.DataFrame) -> pd.DataFrame:
    """The NHS Confederation series as a reader's table: year, whose views, method, sample."""
    require_columns(
        reports, ["series_order", "title", "published", "views_of", "method", "sample"], "confederation_reports_table"
    )
    frame = reports.sort_values("series_order")

    def published(value: object) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) in ("", "<NA>", "nan"):
            return "Not given"
        return event_date_label(
            str(value), "month" if len(str(value)) == 7 else "day" if len(str(value)) == 10 else "year"
        )

    def text(value: object, missing: str = "Not described in the sources") -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) in ("", "<NA>", "nan"):
            return missing
        return str(value)[0].upper() + str(value)[1:]

    return pd.DataFrame(
        {
            "Order": frame["series_order"].astype(int).to_numpy(),
            "Report": frame["title"].to_numpy(),
            "Published": [published(v) for v in frame["published"]],
            "Whose views": [text(v) for v in frame["views_of"]],
            "Method": [text(v) for v in frame["method"]],
            "Sample": [text(v) for v in frame["sample"]],
        }
    )


def five_tests_table(five_tests: pd.DataFrame) -> pd.DataFrame:
    """*Time to get real*'s tests as a reader's table: number, question, and why it matters."""
    require_columns(five_tests, ["test_no", "question", "why"], "five_tests_table")
    frame = five_tests.sort_values("test_no")
    return pd.DataFrame(
        {
            "Test": frame["test_no"].astype(int).to_numpy(),
            "Question": frame["question"].to_numpy(),
            "Why it matters": frame["why"].to_numpy(),
        }
    )


def frontline_survey_frame(survey: pd.DataFrame) -> pd.DataFrame:
    """The frontline professionals' survey results as a reader's table, grouped by question."""
    require_columns(survey, ["measure", "respondent_group", "percent"], "frontline_survey_frame")
    labels = [FRONTLINE_LABELS.get((m, g), f"{m} ({g})") for m, g in zip(survey["measure"], survey["respondent_group"])]
    questions = [FRONTLINE_QUESTIONS.get(m, str(m)) for m in survey["measure"]]
    out = pd.DataFrame(
        {"Question": questions, "Answer or group": labels, "Percent": survey["percent"].astype(float).to_numpy()}
    )
    order = {q: i for i, q in enumerate(dict.fromkeys(FRONTLINE_QUESTIONS.values()))}
    out = out.assign(_q=out["Question"].map(lambda q: order.get(q, len(order))))
    return out.sort_values(["_q"], kind="stable").drop(columns="_q").reset_index(drop=True)


def frontline_survey_chart(survey: pd.DataFrame) -> alt.TopLevelMixin:
    """Two panels of bars: what all respondents thought, and concern about evidence by profession."""
    frame = frontline_survey_frame(survey)
    if ((frame["Percent"] < 0) | (frame["Percent"] > 100)).any():
        raise ValueError("percent must be between 0 and 100")
    data = frame.rename(columns={"Answer or group": "answer", "Percent": "percent", "Question": "question"})
    questions = list(dict.fromkeys(data["question"]))
    panels = []
    for i, question in enumerate(questions):
        part = data[data["question"] == question]
        base = alt.Chart(part).encode(
            y=alt.Y("answer:N", sort=list(part["answer"]), title=None, axis=alt.Axis(minExtent=250)),
            x=alt.X(
                "percent:Q",
                title="Percent of respondents" if i == len(questions) - 1 else None,
                scale=alt.Scale(domain=[0, 100]),
            ),
            tooltip=[alt.Tooltip("answer:N", title="Answer or group"), alt.Tooltip("percent:Q", title="Percent")],
        )
        bars = base.mark_bar(color=theme.PALETTE[i % len(theme.PALETTE)])
        text = base.mark_text(align="left", dx=4).encode(text=alt.Text("percent:Q", format=".0f"))
        panels.append(
            alt.layer(bars, text).properties(
                # with its 250 px of answers beside it, the chart fits the book's column on a wide
                # screen (672 px) as designed: drawn at once, not laid out again narrower
                width=380,
                height=alt.Step(30),
                title=alt.Title(question, fontSize=14, fontWeight=600, anchor="start", frame="group", offset=8),
            )
        )
    chart = alt.vconcat(*panels, spacing=28)
    summary = "; ".join(f"{a} {p:g}%" for a, p in zip(data["answer"], data["percent"]))
    described = theme.describe(
        chart,
        title="What frontline professionals told the NHS Confederation",
        subtitle="Percentages as reported in a news account of the 2011 survey",
        description=(
            "Two horizontal bar charts on a 0 to 100% scale. The first shows how all surveyed "
            "professionals saw personal health budgets; the second, for three professions, the "
            f"share concerned about the lack of evidence. Values: {summary}."
        ),
    )
    described.title.offset = 16  # room between the subtitle and the first panel's own title
    return described
