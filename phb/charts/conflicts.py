"""Figures that disagree between sources (chapters 4 and 5): both shown, where each stands, and which
the book uses and why.

Where ``figures.csv`` links two figures with ``conflicts_with``, :func:`conflicts` lists both; a
chapter passes the preferred ids it shows, each with what is being counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from phb.charts import theme
from phb.charts.common import where
from phb.charts.rows import row_layout, row_words, row_y_scale
from phb.data import figure
from phb.data.tables import source_titles


def conflicts(measures: Mapping[str, str]) -> pd.DataFrame:
    """Each figure in ``measures`` beside every figure figures.csv says it conflicts with.

    ``measures`` maps a figure id to a label for what it counts. One row per pair, with both texts,
    where each stands, which one the book uses (figures.csv's ``preferred``) and its note saying
    why. Numeric columns ``value_used``/``value_other`` keep exact values for charts (None for a
    bound or range). Raises KeyError for an unknown id and ValueError for a figure with no conflict.
    """
    titles = source_titles()
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

            rows.append(
                {
                    "measure": label,
                    "used": used.text,
                    "used_where": place(used),
                    "used_id": used.id,
                    "other": alt_fig.text,
                    "other_where": place(alt_fig),
                    "other_id": alt_fig.id,
                    "unit": used.unit,
                    "value_used": used.value if used.qualifier == "exact" else None,
                    "value_other": alt_fig.value if alt_fig.qualifier == "exact" else None,
                    "why": why,
                }
            )
    return pd.DataFrame(rows)


def conflicts_readable(table: pd.DataFrame) -> pd.DataFrame:
    """The disagreements as a table for readers."""
    return table.rename(
        columns={
            "measure": "What is counted",
            "used": "The book uses",
            "used_where": "Where",
            "other": "The other figure",
            "other_where": "Where (other)",
            "why": "Why",
        }
    )[["What is counted", "The book uses", "Where", "The other figure", "Where (other)", "Why"]]


def conflicts_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """A pair of bars per disagreement: the figure the book uses (filled) and the other
    (outlined), each under its number and where it stands.

    Only rows where both figures are exact counts of people can be drawn on one axis; the others
    (shares, bounds) stay in the table. Raises ValueError if no row can be drawn.
    """
    rows = table[(table["unit"] == "people") & table["value_used"].notna() & table["value_other"].notna()]
    if rows.empty:
        raise ValueError("no row of the table has two exact counts of people to draw")
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "measure": rows["measure"],
                    "people": rows["value_used"].astype(float),
                    "figure": "The book uses",
                    "where": rows["used_where"],
                }
            ),
            pd.DataFrame(
                {
                    "measure": rows["measure"],
                    "people": rows["value_other"].astype(float),
                    "figure": "The other figure",
                    "where": rows["other_where"],
                }
            ),
        ],
        ignore_index=True,
    )
    # Each measure's two figures in turn, the one the book uses first; each figure's words (its
    # number and where it stands) above its bar, under the measure as a heading: the bars take the
    # whole width of a phone (phb.charts.rows).
    kinds = ["The book uses", "The other figure"]
    order = list(dict.fromkeys(rows["measure"]))
    place = long["measure"].map(order.index) * len(kinds) + long["figure"].map(kinds.index)
    long = long.iloc[place.argsort(kind="stable")].reset_index(drop=True)
    layout = row_layout(
        [f"{int(v)}: {w}" for v, w in zip(long["people"], long["where"])], headings=list(long["measure"])
    )
    long["y"] = layout.marks_y
    bars = (
        alt.Chart(long)
        .mark_bar(orient="horizontal", height=14, strokeWidth=1.5, stroke=theme.PALETTE[0])
        .encode(
            y=alt.Y("y:Q", scale=row_y_scale(layout), axis=None),
            x=alt.X("people:Q", title="People", scale=alt.Scale(domain=[0, 110])),
            fill=alt.Fill(
                "figure:N",
                title=None,
                sort=kinds,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=kinds, range=[theme.PALETTE[0], "#ffffff"]),
            ),
            tooltip=[
                alt.Tooltip("measure:N", title="Counted"),
                alt.Tooltip("figure:N", title="Figure"),
                alt.Tooltip("people:Q", title="People"),
                alt.Tooltip("where:N", title="Where"),
            ],
        )
    )
    chart = alt.layer(row_words(layout), bars).properties(width=320, height=layout.height)
    pairs = "; ".join(
        f"{m}: {int(u)} used, {int(o)} in the other place"
        for m, u, o in zip(rows["measure"], rows["value_used"], rows["value_other"])
    )
    return theme.describe(
        chart,
        title="Where the report disagrees with itself",
        description=(
            "For each count the report gives twice, a pair of horizontal bars: a filled bar "
            "for the figure the book uses (from the methodology) and an outlined bar for the "
            "other figure (the executive summary's rounded number, or the count in the "
            f"findings), each under its number and where it stands. {pairs}."
        ),
    )
