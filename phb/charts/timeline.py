"""Chapter 1's tables and chart: the ways to hold a budget and the timeline of personal health budgets.

Each builder takes a table loaded with :func:`phb.data.load` (so every number comes from ``data/``)
and returns a chart that has been through :func:`phb.charts.theme.describe` or a reader-facing table
with plain column names. Builders take tables rather than loading them so that tests can feed a small
frame and a chapter can pass a subset (for example a few key events of the timeline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.common import event_date_label, event_sort_date, require_columns, wrap_text

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


def budget_types_table(budget_types: pd.DataFrame) -> pd.DataFrame:
    """The three ways to hold a personal health budget, with what changes hands in each.

    ``budget_types`` is ``load("budget_types")``; rows come out in the table's ``position`` order.
    """
    require_columns(
        budget_types, ["position", "name", "money_changes_hands", "who_holds", "description"], "budget_types_table"
    )
    frame = budget_types.sort_values("position")
    return pd.DataFrame(
        {
            "Way of holding the budget": frame["name"].to_numpy(),
            "Does money change hands?": ["Yes" if bool(v) else "No" for v in frame["money_changes_hands"]],
            "Who holds the money": frame["who_holds"].to_numpy(),
            "What happens": frame["description"].to_numpy(),
        }
    )


def timeline_events(
    timeline: pd.DataFrame,
    *,
    events: Sequence[int] | None = KEY_EVENTS,
    uptake: pd.DataFrame | None = None,
    details: Mapping[int, str | tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The events to draw, in date order, with readable dates and categories.

    ``timeline`` is ``load("timeline")``; ``events`` picks ``event_id``\\ s (``None`` keeps all).
    ``uptake`` (:func:`phb.data.uptake.national_series`) adds the latest national count of people with a
    personal health budget as a final event, so the timeline ends on today's numbers. ``details``
    maps an ``event_id`` to extra words appended to its text (built from ``phb.data.figure`` texts in
    the chapter, e.g. the pilot's budget), so that no number here is typed by hand. A detail given as
    ``(words, source_id)`` comes from another source than the event: that source is added to the
    event's ``source`` ("a; b"), so each figure is credited to the source that states it.
    """
    require_columns(timeline, ["event_id", "date", "precision", "category", "event", "source_id"], "timeline_events")
    frame = timeline.copy()
    frame["event_id"] = frame["event_id"].astype(int)
    if events is not None:
        unknown = sorted(set(events) - set(frame["event_id"]))
        if unknown:
            raise ValueError(f"events must be event_id values in the timeline; unknown {unknown}")
        frame = frame[frame["event_id"].isin(list(events))]
    rows = [
        {
            "event_id": int(r.event_id),
            # a financial year starts in April: sort it there, after a March of the same calendar year
            "sort_date": event_sort_date(str(r.date))
            + (pd.DateOffset(months=3) if r.precision == "financial_year" else pd.DateOffset(0)),
            "date": event_date_label(str(r.date), str(r.precision)),
            "category": CATEGORY_LABELS.get(str(r.category), str(r.category)),
            "event": str(r.event) + _detail_words(details, int(r.event_id)),
            "source": _sources_with_detail(str(r.source_id), details, int(r.event_id)),
        }
        for r in frame.itertuples()
    ]
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


def _sources_with_detail(source_id: str, details: Mapping[int, str | tuple[str, str]] | None, event_id: int) -> str:
    """The event's source, followed by the detail's own source when the detail names one."""
    detail = (details or {}).get(event_id)
    if isinstance(detail, tuple) and detail[1] != source_id:
        return f"{source_id}; {detail[1]}"
    return source_id


def _latest_uptake_event(series: pd.DataFrame) -> dict[str, object]:
    """The latest national count of all personal health budgets (a total or a year-to-date count,
    from :func:`phb.data.uptake.national_series`), as a timeline event."""
    require_columns(series, ["count_basis", "date", "period", "stated", "source_id"], "timeline_events(uptake=...)")
    counts = series[series["count_basis"].isin(["total", "year_to_date"])]
    if counts.empty:
        raise ValueError("uptake has no national total or year-to-date count")
    latest = counts.sort_values("date", kind="stable").iloc[-1]
    basis = (
        "who had a budget at some time in the year, wheelchair budgets included"
        if latest["count_basis"] == "year_to_date"
        else "with a budget"
    )
    return {
        "event_id": 0,
        "sort_date": pd.Timestamp(latest["date"]),
        "date": str(latest["period"]).split(" Q")[0],
        "category": CATEGORY_LABELS["statistics"],
        "event": f"{latest['stated']} people {basis}",
        "source": str(latest["source_id"]),
    }


def timeline_chart(events: pd.DataFrame, *, wrap: int = 64, width: int = 620) -> alt.TopLevelMixin:
    """A vertical timeline: one row per event, date on the left, a coloured dot, the event on the right.

    Rows are evenly spaced (not to scale in time) so that the crowded years 2009 to 2012 stay
    readable; the dates are printed beside each dot. ``events`` comes from :func:`timeline_events`.
    """
    require_columns(events, ["date", "category", "event"], "timeline_chart")
    if wrap < 20:
        raise ValueError(f"wrap must be at least 20 characters; got {wrap}")
    data = events.reset_index(drop=True).assign(
        row=lambda d: range(1, len(d) + 1),
        label=lambda d: [wrap_text(t, wrap) for t in d["event"]],
    )[["row", "date", "category", "event", "label"]]
    lines = max(label.count("\n") + 1 for label in data["label"])
    step = 18 + 14 * lines
    spine_x, date_x, text_x = 100, 88, 112
    order = [c for c in CATEGORY_LABELS.values() if c in set(data["category"])]
    order += sorted(set(data["category"]) - set(order))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingOuter=0.3))
    base = alt.Chart(data).encode(y=y)
    ends = pd.DataFrame({"first": [1], "last": [len(data)]})
    spine = (
        alt.Chart(ends)
        .mark_rule(color="#8c959f", strokeWidth=2)
        .encode(x=alt.value(spine_x), y=alt.Y("first:O", axis=None), y2="last:O")
    )
    dots = base.mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1).encode(
        x=alt.value(spine_x),
        color=alt.Color(
            "category:N",
            title="Kind of event",
            scale=alt.Scale(domain=order),
            legend=alt.Legend(orient="top", direction="horizontal", symbolSize=110),
        ),
        shape=alt.Shape("category:N", title="Kind of event", scale=alt.Scale(domain=order)),
        tooltip=[
            alt.Tooltip("date:N", title="Date"),
            alt.Tooltip("event:N", title="Event"),
            alt.Tooltip("category:N", title="Kind"),
        ],
    )
    dates = base.mark_text(align="right", baseline="middle", fontWeight="bold", fontSize=12).encode(
        x=alt.value(date_x), text="date:N"
    )
    # The label's own line breaks (lineBreak): a narrow page wraps the label again, from its words.
    text = base.mark_text(align="left", baseline="middle", fontSize=12, lineHeight=14, lineBreak="\n").encode(
        x=alt.value(text_x), text="label:N"
    )
    chart = (
        alt.layer(spine, dots, dates, text)
        .properties(width=width, height=alt.Step(step))
        .resolve_scale(color="shared", shape="shared")
    )
    first, last = data["date"].iloc[0], data["date"].iloc[-1]
    return theme.describe(
        chart,
        title="From direct payments to personal health budgets",
        subtitle="Key events in date order; rows are evenly spaced, not drawn to scale in time",
        description=(
            f"A vertical timeline of {len(data)} events from {first} to {last}, read from top to "
            "bottom. Each row gives a date, a dot coloured and shaped by the kind of event (social "
            "care, NHS policy, research and reports, evaluation, counts of budget holders) and a "
            "sentence saying what happened: social care's direct payments and individual budgets come "
            "first, then the Darzi review and the NHS pilot, the 2011 reports, the 2012 evaluation, "
            "the right to a budget for continuing healthcare in 2014, and later counts and targets."
        ),
    )
