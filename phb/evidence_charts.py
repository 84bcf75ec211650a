"""Charts and tables for the evidence chapters 1 to 3 (what a PHB is, social care, the NHS Confederation).

Each builder takes a table loaded with :func:`phb.data.load` (so every number comes from ``data/``)
and returns either a chart that has been through :func:`phb.charts.describe` or a reader-facing table
with plain column names. Chapters stay thin: a cell loads a table, calls one builder, and shows it
with :func:`phb.charts.show` (charts) or :func:`phb.charts.table` (tables).

Why builders take tables rather than loading them: the tests can then feed a small frame and check
what is drawn, and a chapter can pass a subset (for example a few key events of the timeline).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import pandas as pd

from phb import charts

__all__ = [
    "CATEGORY_LABELS",
    "KEY_EVENTS",
    "budget_types_table",
    "confederation_reports_table",
    "council_variation_chart",
    "council_variation_frame",
    "direct_payments_chart",
    "direct_payments_frame",
    "audit_commission_table",
    "five_tests_table",
    "nao_study_table",
    "frontline_survey_chart",
    "frontline_survey_frame",
    "in_control_outcomes_chart",
    "in_control_outcomes_frame",
    "timeline_chart",
    "timeline_events",
]

# --------------------------------------------------------------------------------------------------
# Readable labels (words only; every number comes from data/)
# --------------------------------------------------------------------------------------------------

#: Timeline categories, in legend order.
CATEGORY_LABELS: dict[str, str] = {
    "social_care": "Social care",
    "phb_policy": "NHS policy",
    "research": "Research and reports",
    "evaluation": "Evaluation",
    "statistics": "Counts of budget holders",
}

#: The events chapter 1 shows: the road from social-care direct payments to today's NHS targets.
#: Ids are ``event_id`` in ``data/timeline.csv``; the latest count of budget holders is added from
#: ``data/phb_uptake.csv`` by :func:`timeline_events`.
KEY_EVENTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 17, 16, 18, 19, 22, 23, 24, 25, 26, 27, 28)

IN_CONTROL_LABELS: dict[str, str] = {
    "quality_of_life": "Quality of life",
    "choice_and_control": "Choice and control over their lives",
    "community_participation": "Taking part in the local community",
    "dignity": "Personal dignity",
    "health_and_wellbeing": "General health and wellbeing",
}

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

COUNCIL_MEASURES: dict[str, str] = {
    "range": "Range across councils",
    "national": "England as a whole",
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Refuse a table that lacks the columns a builder reads, naming them."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} needs the column(s) {missing}; got {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{name} got an empty table: there is nothing to draw")


def _published_text(row: Mapping[str, object] | pd.Series, value: float) -> str:
    """How a row's figure reads in prose: ``phb.data.figure(id).text`` when the row names a figure
    (the book's one wording), else the value with its qualifier (for tables built in tests)."""
    figure_id = row.get("figure_id") if hasattr(row, "get") else None
    if isinstance(figure_id, str) and figure_id:
        from phb.data import figure

        return figure(figure_id).text
    return _number_text(value, str(row.get("qualifier", "exact")) if hasattr(row, "get") else "exact")


def _number_text(value: float, qualifier: str = "exact", unit: str = "") -> str:
    """A count or percentage as prose ("more than 40,000"), from a row of data/ (never typed)."""
    words = {"exact": "", "approximately": "about ", "more_than": "more than ", "over": "over ",
             "just_over": "just over ", "nearly": "nearly ", "up_to": "up to ", "under": "under ",
             "fewer_than": "fewer than ", "less_than": "less than ", "at_least": "at least "}
    number = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    suffix = "%" if unit == "percent" else ""
    return f"{words.get(qualifier, '')}{number}{suffix}"


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------


def budget_types_table(budget_types: pd.DataFrame) -> pd.DataFrame:
    """The three ways to hold a personal health budget, with what changes hands in each.

    ``budget_types`` is ``load("budget_types")``; rows come out in the table's ``position`` order.
    """
    _require(budget_types, ["position", "name", "money_changes_hands", "who_holds", "description"],
             "budget_types_table")
    frame = budget_types.sort_values("position")
    return pd.DataFrame({
        "Way of holding the budget": frame["name"].to_numpy(),
        "Does money change hands?": ["Yes" if bool(v) else "No" for v in frame["money_changes_hands"]],
        "Who holds the money": frame["who_holds"].to_numpy(),
        "What happens": frame["description"].to_numpy(),
    })


def confederation_reports_table(reports: pd.DataFrame) -> pd.DataFrame:
    """The NHS Confederation series as a reader's table: year, whose views, method, sample."""
    _require(reports, ["series_order", "title", "published", "views_of", "method", "sample"],
             "confederation_reports_table")
    frame = reports.sort_values("series_order")

    def published(value: object) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) in ("", "<NA>", "nan"):
            return "Not given"
        return _date_label(str(value), "month" if len(str(value)) == 7 else
                           "day" if len(str(value)) == 10 else "year")

    def text(value: object, missing: str = "Not described in the sources") -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) in ("", "<NA>", "nan"):
            return missing
        return str(value)[0].upper() + str(value)[1:]

    return pd.DataFrame({
        "Order": frame["series_order"].astype(int).to_numpy(),
        "Report": frame["title"].to_numpy(),
        "Published": [published(v) for v in frame["published"]],
        "Whose views": [text(v) for v in frame["views_of"]],
        "Method": [text(v) for v in frame["method"]],
        "Sample": [text(v) for v in frame["sample"]],
    })


def five_tests_table(five_tests: pd.DataFrame) -> pd.DataFrame:
    """*Time to get real*'s tests as a reader's table: number, question, and why it matters."""
    _require(five_tests, ["test_no", "question", "why"], "five_tests_table")
    frame = five_tests.sort_values("test_no")
    return pd.DataFrame({
        "Test": frame["test_no"].astype(int).to_numpy(),
        "Question": frame["question"].to_numpy(),
        "Why it matters": frame["why"].to_numpy(),
    })


def audit_commission_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The Audit Commission's findings on direct payments (``load("audit_commission")``) for reading.

    A finding with a figure gets the figure's prose text (e.g. a cost range) from ``data/figures.csv``.
    """
    _require(findings, ["finding_id", "topic", "finding"], "audit_commission_table")
    frame = findings.sort_values("finding_id")
    figures = []
    for _, row in frame.iterrows():
        figure_id = row.get("figure_id")
        figures.append(_published_text(row, float("nan")) if isinstance(figure_id, str) and figure_id else "")
    return pd.DataFrame({
        "Topic": [str(t).replace("_", " ").capitalize() for t in frame["topic"]],
        "Finding": frame["finding"].to_numpy(),
        "Figure": figures,
    })


def nao_study_table(study: pd.DataFrame) -> pd.DataFrame:
    """Who the NAO-commissioned study interviewed, and how (``load("nao_study")``)."""
    _require(study, ["interview_type", "mode", "participants", "count"], "nao_study_table")
    return pd.DataFrame({
        "Interview": [f"{str(t).capitalize()} interview, {str(m).replace('_', ' ')}"
                      for t, m in zip(study["interview_type"], study["mode"])],
        "Who": [str(p)[0].upper() + str(p)[1:] for p in study["participants"]],
        "Interviews": study["count"].astype(int).to_numpy(),
    })


# --------------------------------------------------------------------------------------------------
# Chapter 1: the timeline
# --------------------------------------------------------------------------------------------------


def _date_label(date: str, precision: str) -> str:
    """'2011-10-06' (day) -> '6 Oct 2011'; '2006-03' -> 'Mar 2006'; '2006' (financial_year) -> '2006/07'."""
    parts = date.split("-")
    if precision == "day" and len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if precision == "month" and len(parts) >= 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if precision == "financial_year":
        return f"{parts[0]}/{(int(parts[0]) + 1) % 100:02d}"
    return parts[0]


def _sort_date(date: str) -> pd.Timestamp:
    """A date to order events by: a bare year sorts at its start, a month at its first day."""
    parts = date.split("-")
    return pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                        int(parts[2]) if len(parts) > 2 else 1)


def _wrap(text: str, width: int) -> str:
    """Wrap an event's text onto lines of at most ``width`` characters, joined by newlines."""
    return "\n".join(textwrap.wrap(text, width=width)) or text


def timeline_events(timeline: pd.DataFrame, *, events: Sequence[int] | None = KEY_EVENTS,
                    uptake: pd.DataFrame | None = None,
                    details: Mapping[int, str | tuple[str, str]] | None = None) -> pd.DataFrame:
    """The events to draw, in date order, with readable dates and categories.

    ``timeline`` is ``load("timeline")``; ``events`` picks ``event_id``\\ s (``None`` keeps all).
    ``uptake`` (``load("phb_uptake")``) adds the latest national year-to-date count of people with a
    personal health budget as a final event, so the timeline ends on today's numbers. ``details``
    maps an ``event_id`` to extra words appended to its text (built from ``phb.data.figure`` texts in
    the chapter, e.g. the pilot's budget), so that no number here is typed by hand. A detail given as
    ``(words, source_id)`` comes from another source than the event: that source is added to the
    event's ``source`` ("a; b"), so each figure is credited to the source that states it.
    """
    _require(timeline, ["event_id", "date", "precision", "category", "event", "source_id"], "timeline_events")
    frame = timeline.copy()
    frame["event_id"] = frame["event_id"].astype(int)
    if events is not None:
        unknown = sorted(set(events) - set(frame["event_id"]))
        if unknown:
            raise ValueError(f"events must be event_id values in the timeline; unknown {unknown}")
        frame = frame[frame["event_id"].isin(list(events))]
    rows = [{
        "event_id": int(r.event_id),
        # a financial year starts in April: sort it there, after a March of the same calendar year
        "sort_date": _sort_date(str(r.date)) + (pd.DateOffset(months=3) if r.precision == "financial_year"
                                               else pd.DateOffset(0)),
        "date": _date_label(str(r.date), str(r.precision)),
        "category": CATEGORY_LABELS.get(str(r.category), str(r.category)),
        "event": str(r.event) + _detail_words(details, int(r.event_id)),
        "source": _sources_with_detail(str(r.source_id), details, int(r.event_id)),
    } for r in frame.itertuples()]
    if uptake is not None:
        rows.append(_latest_uptake_event(uptake))
    out = pd.DataFrame(rows).sort_values(["sort_date", "event_id"], kind="stable").reset_index(drop=True)
    return out


def _detail_words(details: Mapping[int, str | tuple[str, str]] | None, event_id: int) -> str:
    """The words a chapter adds to one event, in brackets ("" when it adds none)."""
    if not details or event_id not in details:
        return ""
    detail = details[event_id]
    return f" ({detail if isinstance(detail, str) else detail[0]})"


def _sources_with_detail(source_id: str, details: Mapping[int, str | tuple[str, str]] | None,
                         event_id: int) -> str:
    """The event's source, followed by the detail's own source when the detail names one."""
    detail = (details or {}).get(event_id)
    if isinstance(detail, tuple) and detail[1] != source_id:
        return f"{source_id}; {detail[1]}"
    return source_id


def _latest_uptake_event(uptake: pd.DataFrame) -> dict[str, object]:
    """The latest national count of all personal health budgets, as a timeline event."""
    _require(uptake, ["subset", "count_basis", "as_of", "value", "qualifier", "period", "source_id"],
             "timeline_events(uptake=...)")
    totals = uptake[(uptake["subset"] == "all") & uptake["value"].notna() & uptake["as_of"].notna()
                    & uptake["count_basis"].isin(["total", "year_to_date"])]
    if totals.empty:
        raise ValueError("uptake has no national count with a date (subset 'all', a value and as_of)")
    latest = totals.assign(_d=totals["as_of"].astype(str).map(_sort_date)).sort_values("_d").iloc[-1]
    basis = ("who had a budget at some time in the year, wheelchair budgets included"
             if latest["count_basis"] == "year_to_date" else "with a budget")
    return {
        "event_id": 0,
        "sort_date": _sort_date(str(latest["as_of"])),
        "date": str(latest["period"]).split(" Q")[0],
        "category": CATEGORY_LABELS["statistics"],
        "event": f"{_published_text(latest, float(latest['value']))} people {basis}",
        "source": str(latest["source_id"]),
    }


def timeline_chart(events: pd.DataFrame, *, wrap: int = 64, width: int = 620) -> alt.TopLevelMixin:
    """A vertical timeline: one row per event, date on the left, a coloured dot, the event on the right.

    Rows are evenly spaced (not to scale in time) so that the crowded years 2009 to 2012 stay
    readable; the dates are printed beside each dot. ``events`` comes from :func:`timeline_events`.
    """
    _require(events, ["date", "category", "event"], "timeline_chart")
    if wrap < 20:
        raise ValueError(f"wrap must be at least 20 characters; got {wrap}")
    data = events.reset_index(drop=True).assign(
        row=lambda d: range(1, len(d) + 1),
        label=lambda d: [_wrap(t, wrap) for t in d["event"]],
    )[["row", "date", "category", "event", "label"]]
    lines = max(label.count("\n") + 1 for label in data["label"])
    step = 18 + 14 * lines
    spine_x, date_x, text_x = 100, 88, 112
    order = [c for c in CATEGORY_LABELS.values() if c in set(data["category"])]
    order += sorted(set(data["category"]) - set(order))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingOuter=0.3))
    base = alt.Chart(data).encode(y=y)
    ends = pd.DataFrame({"first": [1], "last": [len(data)]})
    spine = alt.Chart(ends).mark_rule(color="#8c959f", strokeWidth=2).encode(
        x=alt.value(spine_x), y=alt.Y("first:O", axis=None), y2="last:O")
    dots = base.mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1).encode(
        x=alt.value(spine_x),
        color=alt.Color("category:N", title="Kind of event", scale=alt.Scale(domain=order),
                        legend=alt.Legend(orient="top", direction="horizontal", symbolSize=110)),
        shape=alt.Shape("category:N", title="Kind of event", scale=alt.Scale(domain=order)),
        tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("event:N", title="Event"),
                 alt.Tooltip("category:N", title="Kind")],
    )
    dates = base.mark_text(align="right", baseline="middle", fontWeight="bold", fontSize=12).encode(
        x=alt.value(date_x), text="date:N")
    text = (base.transform_calculate(lines="split(datum.label, '\\n')")
            .mark_text(align="left", baseline="middle", fontSize=12, lineHeight=14)
            .encode(x=alt.value(text_x), text="lines:N"))
    chart = alt.layer(spine, dots, dates, text).properties(
        width=width, height=alt.Step(step)).resolve_scale(color="shared", shape="shared")
    first, last = data["date"].iloc[0], data["date"].iloc[-1]
    return charts.describe(
        chart,
        title="From direct payments to personal health budgets",
        subtitle="Key events in date order; rows are evenly spaced, not drawn to scale in time",
        description=(
            f"A vertical timeline of {len(data)} events from {first} to {last}, read from top to "
            "bottom. Each row gives a date, a dot coloured and shaped by the kind of event (social "
            "care, NHS policy, research and reports, evaluation, counts of budget holders) and a "
            "sentence saying what happened: social care's direct payments and individual budgets come "
            "first, then the Darzi review and the NHS pilot, the 2011 reports, the 2012 evaluation, "
            "the right to a budget for continuing healthcare in 2014, and later counts and targets."),
    )


# --------------------------------------------------------------------------------------------------
# Chapter 2: social care
# --------------------------------------------------------------------------------------------------


def in_control_outcomes_frame(outcomes: pd.DataFrame) -> pd.DataFrame:
    """In Control's survey results as a reader's table, largest share first."""
    _require(outcomes, ["domain", "percent_improved"], "in_control_outcomes_frame")
    frame = outcomes.sort_values("percent_improved", ascending=False, kind="stable")
    return pd.DataFrame({
        "Area of life": [IN_CONTROL_LABELS.get(d, str(d).replace("_", " ").capitalize()) for d in frame["domain"]],
        "Reported an improvement (%)": frame["percent_improved"].astype(float).to_numpy(),
    })


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
        x=alt.X("percent:Q", title="Respondents reporting an improvement (%)",
                scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("area:N", title="Area of life"),
                 alt.Tooltip("percent:Q", title="Improved (%)")],
    )
    bars = base.mark_bar(color=charts.PALETTE[0])
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("percent:Q", format=".0f"))
    top, bottom = order[0], order[-1]
    return charts.describe(
        alt.layer(bars, labels).properties(width=460, height=alt.Step(34)),
        title="What social-care budget holders reported",
        subtitle="In Control survey: share reporting an improvement in each area; no comparison group",
        description=(
            f"A horizontal bar chart with one bar for each of {len(order)} areas of life, sorted from "
            f"the most often improved ({top}, {values.iloc[0]:.0f}%) to the least often ({bottom}, "
            f"{values.iloc[-1]:.0f}%). Each bar is the percentage of social-care budget holders in "
            "In Control's survey who reported an improvement in that area; the scale runs to 100%."),
    )


def direct_payments_frame(direct_payments: pd.DataFrame) -> pd.DataFrame:
    """Counts of people receiving social-care direct payments, one row per date, with their wording."""
    _require(direct_payments, ["period", "measure", "value", "qualifier", "lower", "source_id"],
             "direct_payments_frame")
    rows = direct_payments[(direct_payments["measure"] == "recipients")].copy()
    if rows.empty:
        raise ValueError("direct_payments_frame found no rows with measure 'recipients'")
    count = rows["value"].where(rows["value"].notna(), rows["lower"]).astype(float)

    def period_end(period: str) -> pd.Timestamp:
        if "/" in period:  # a financial year ends on 31 March of its second calendar year
            return pd.Timestamp(int(period[:4]) + 1, 3, 31)
        return _sort_date(period) + pd.offsets.MonthEnd(0)

    out = pd.DataFrame({
        "Period": [str(p) if "/" in str(p) else _date_label(str(p), "month") for p in rows["period"]],
        "date": [period_end(str(p)) for p in rows["period"]],
        "People": count.to_numpy(),
        "As published": [_published_text(r, c) for (_, r), c in zip(rows.iterrows(), count)],
        "Kind of figure": ["lower bound" if str(q) in ("more_than", "over", "just_over", "at_least")
                           else "count" for q in rows["qualifier"]],
        "Source": rows["source_id"].to_numpy(),
    }).sort_values("date").reset_index(drop=True)
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
        x=alt.X("date:T", title="Date (end of the period counted)", axis=alt.Axis(format="%Y", tickCount=8),
                scale=alt.Scale(domain=[f"{first_year - 1}-01-01", f"{last_year + 1}-12-31"])),
        y=alt.Y("People:Q", title="People receiving direct payments", axis=alt.Axis(format=",.0f"),
                scale=alt.Scale(domainMin=0, nice=True)),
        tooltip=[alt.Tooltip("Period:N"), alt.Tooltip("As published:N"), alt.Tooltip("Source:N")],
    )
    points = base.mark_point(filled=True, size=120).encode(
        shape=alt.Shape("Kind of figure:N", title="Kind of figure",
                        scale=alt.Scale(domain=["count", "lower bound"], range=["circle", "triangle-up"]),
                        legend=alt.Legend(orient="top-left", fillColor="white", padding=6)),
        color=alt.Color("Kind of figure:N", title="Kind of figure",
                        scale=alt.Scale(domain=["count", "lower bound"],
                                        range=[charts.PALETTE[0], charts.PALETTE[1]]),
                        legend=alt.Legend(orient="top-left", fillColor="white", padding=6)),
    )
    labels = base.mark_text(align="left", dx=8, dy=-10).encode(text="As published:N")
    first, last = frame.iloc[0], frame.iloc[-1]
    peak = frame.loc[frame["People"].idxmax()]
    return charts.describe(
        alt.layer(points, labels).properties(width=520, height=280),
        title="People receiving social-care direct payments in England",
        subtitle="Figures from different sources years apart; no line is drawn between them",
        description=(
            f"A chart of {len(frame)} points on a time axis, one for each published count of people "
            f"receiving social-care direct payments: {first['As published']} in {first['Period']} up "
            f"to a peak of {peak['As published']} in {peak['Period']} and {last['As published']} in "
            f"{last['Period']}. A triangle marks a figure published only as a lower bound."),
    )


def council_variation_frame(council_variation: pd.DataFrame, uptake: pd.DataFrame) -> pd.DataFrame:
    """The spread of personal-budget uptake across councils, with England's share where one is known.

    ``council_variation`` is ``load("council_variation")`` (rows ``share_with_personal_budget`` give
    each year's lowest and highest council); ``uptake`` is ``load("social_care_uptake")`` (rows
    ``share_with_personal_budget`` give England's share).
    """
    _require(council_variation, ["period", "measure", "lower", "upper", "source_id"], "council_variation_frame")
    _require(uptake, ["period", "measure", "value", "source_id"], "council_variation_frame")
    ranges = council_variation[(council_variation["measure"] == "share_with_personal_budget")
                               & council_variation["lower"].notna() & council_variation["upper"].notna()]
    if ranges.empty:
        raise ValueError("council_variation has no share_with_personal_budget ranges")
    national = uptake[(uptake["measure"] == "share_with_personal_budget") & uptake["value"].notna()]
    by_period = dict(zip(national["period"].astype(str), national["value"].astype(float)))
    source = dict(zip(national["period"].astype(str), national["source_id"].astype(str)))
    rows = []
    for r in ranges.sort_values("period").itertuples():
        period = str(r.period)
        rows.append({
            "Year": period,
            "Lowest council (%)": float(r.lower),
            "Highest council (%)": float(r.upper),
            "England (%)": by_period.get(period),
            "Sources": str(r.source_id) + (f"; {source[period]}" if period in source else ""),
        })
    return pd.DataFrame(rows)


def council_variation_chart(frame: pd.DataFrame, target_percent: float | None = None) -> alt.TopLevelMixin:
    """Range bars from the lowest to the highest council, England's share as a dot, the target as a line.

    ``frame`` comes from :func:`council_variation_frame`; ``target_percent`` (from data/, e.g. the
    N1130 target) draws a dashed vertical rule.
    """
    _require(frame, ["Year", "Lowest council (%)", "Highest council (%)", "England (%)"], "council_variation_chart")
    if target_percent is not None and not 0 <= float(target_percent) <= 100:
        raise ValueError(f"target_percent must be between 0 and 100; got {target_percent}")
    data = frame.rename(columns={"Lowest council (%)": "low", "Highest council (%)": "high",
                                 "England (%)": "england"})
    y = alt.Y("Year:N", title="Year", sort=list(data["Year"]))
    x_scale = alt.Scale(domain=[0, 100])
    base = alt.Chart(data).encode(y=y)
    tips = [alt.Tooltip("Year:N"), alt.Tooltip("low:Q", title="Lowest council (%)"),
            alt.Tooltip("high:Q", title="Highest council (%)"), alt.Tooltip("england:Q", title="England (%)")]
    bar = base.mark_bar(height=14, color="#9ecae1", stroke=charts.PALETTE[0]).encode(
        x=alt.X("low:Q", title="Social-care users with a personal budget (%)", scale=x_scale),
        x2="high:Q", tooltip=tips)
    low_text = base.transform_calculate(t="format(datum.low, '.0f') + '%'").mark_text(dy=-15).encode(
        x="low:Q", text="t:N")
    high_text = base.transform_calculate(t="format(datum.high, '.0f') + '%'").mark_text(dy=-15).encode(
        x="high:Q", text="t:N")
    layers: list[alt.Chart] = [bar, low_text, high_text]
    if data["england"].notna().any():
        england = base.transform_filter("isValid(datum.england)").mark_point(
            filled=True, size=140, shape="diamond", color=charts.PALETTE[4]).encode(x="england:Q", tooltip=tips)
        england_text = (base.transform_filter("isValid(datum.england)")
                        .transform_calculate(t="'England ' + format(datum.england, '.1f') + '%'")
                        .mark_text(dy=20, fontWeight="bold").encode(x="england:Q", text="t:N"))
        layers += [england, england_text]
    if target_percent is not None:
        target = pd.DataFrame({"target": [float(target_percent)],
                               "label": [f"Target: {float(target_percent):g}%"]})
        rule = alt.Chart(target).mark_rule(color=charts.PALETTE[1], strokeDash=[6, 4], strokeWidth=2).encode(
            x=alt.X("target:Q", scale=x_scale))
        # The label in ink (vermillion text is 3.9:1 on white, under WCAG AA); the dashed rule it
        # names keeps the colour.
        rule_text = alt.Chart(target).mark_text(align="left", dx=4, dy=-6, color=charts.INK,
                                                fontWeight="bold").encode(
            x=alt.X("target:Q", scale=x_scale), y=alt.value(0), text="label:N")
        layers += [rule, rule_text]
    spans = "; ".join(f"{r.Year}: {r.low:g}% to {r.high:g}%" for r in data.itertuples())
    extra = (" A diamond marks England's overall share where the sources give it"
             + (f", and a dashed line the national target of {float(target_percent):g}%." if target_percent is not None
                else "."))
    return charts.describe(
        alt.layer(*layers).properties(width=480, height=alt.Step(72)),
        title="How far councils differed in giving personal budgets",
        subtitle="Each bar runs from the council with the lowest share to the one with the highest",
        description=("A range chart with one horizontal bar for each year, running from the lowest to the "
                     f"highest share of social-care users with a personal budget in any council ({spans})."
                     + extra),
    )


# --------------------------------------------------------------------------------------------------
# Chapter 3: the frontline professionals' survey
# --------------------------------------------------------------------------------------------------


def frontline_survey_frame(survey: pd.DataFrame) -> pd.DataFrame:
    """The frontline professionals' survey results as a reader's table, grouped by question."""
    _require(survey, ["measure", "respondent_group", "percent"], "frontline_survey_frame")
    labels = [FRONTLINE_LABELS.get((m, g), f"{m} ({g})") for m, g in zip(survey["measure"], survey["respondent_group"])]
    questions = [FRONTLINE_QUESTIONS.get(m, str(m)) for m in survey["measure"]]
    out = pd.DataFrame({"Question": questions, "Answer or group": labels,
                        "Percent": survey["percent"].astype(float).to_numpy()})
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
            x=alt.X("percent:Q", title="Percent of respondents" if i == len(questions) - 1 else None,
                    scale=alt.Scale(domain=[0, 100])),
            tooltip=[alt.Tooltip("answer:N", title="Answer or group"), alt.Tooltip("percent:Q", title="Percent")],
        )
        bars = base.mark_bar(color=charts.PALETTE[i % len(charts.PALETTE)])
        text = base.mark_text(align="left", dx=4).encode(text=alt.Text("percent:Q", format=".0f"))
        panels.append(alt.layer(bars, text).properties(
            width=420, height=alt.Step(30),
            title=alt.Title(question, fontSize=14, fontWeight=600, anchor="start", frame="group",
                            offset=8)))
    chart = alt.vconcat(*panels, spacing=28)
    summary = "; ".join(f"{a} {p:g}%" for a, p in zip(data["answer"], data["percent"]))
    described = charts.describe(
        chart,
        title="What frontline professionals told the NHS Confederation",
        subtitle="Percentages as reported in a news account of the 2011 survey",
        description=("Two horizontal bar charts on a 0 to 100% scale. The first shows how all surveyed "
                     "professionals saw personal health budgets; the second, for three professions, the "
                     f"share concerned about the lack of evidence. Values: {summary}."),
    )
    described.title.offset = 16  # room between the subtitle and the first panel's own title
    return described
