"""Helpers every topic's tables and charts share: required columns, a figure's published words,
where a locator points, source titles, dates in words.

The words of a qualifier come from :mod:`phb.data.qualifiers` (the book's one vocabulary); a figure
named by id is worded by :attr:`phb.data.figures.Figure.text`.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from phb.data import figure, load
from phb.data.qualifiers import qualified_text

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Refuse a table that lacks the columns a builder reads, naming them."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} needs the column(s) {missing}; got {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{name} got an empty table: there is nothing to draw")


def published_text(row: Mapping[str, object] | pd.Series, value: float) -> str:
    """How a row's figure reads in prose: ``phb.data.figure(id).text`` when the row names a figure
    (the book's one wording), else the value with its qualifier (for tables built in tests)."""
    figure_id = row.get("figure_id") if hasattr(row, "get") else None
    if isinstance(figure_id, str) and figure_id:
        return figure(figure_id).text
    return number_text(value, str(row.get("qualifier", "exact")) if hasattr(row, "get") else "exact")


def number_text(value: float, qualifier: str = "exact", unit: str = "") -> str:
    """A count or percentage as prose ("more than 40,000"), from a row of data/ (never typed); the
    qualifier's words are the data layer's (:mod:`phb.data.qualifiers`)."""
    number = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    suffix = "%" if unit == "percent" else ""
    return qualified_text(f"{number}{suffix}", qualifier)


def wrap_text(text: str, width: int) -> str:
    """Wrap an event's text onto lines of at most ``width`` characters, joined by newlines."""
    return "\n".join(textwrap.wrap(text, width=width)) or text


def is_missing(value: Any) -> bool:
    """Whether a cell is empty: None, pandas' NA or a float NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def or_none(value: Any) -> Any:
    """A pandas missing value as None; anything else unchanged."""
    return None if is_missing(value) else value


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


def secondary_sources() -> dict[str, bool]:
    """Whether each source (by id) is secondary: flagged so, or a secondary summary."""
    sources = load("sources")
    return {
        sid: bool(sec) or nature == "secondary summary"
        for sid, sec, nature in zip(sources["source_id"], sources["secondary"], sources["nature"])
    }


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_text(value: Any) -> str:
    """'2010-10' as 'October 2010'."""
    year, month = str(value).split("-")[:2]
    return f"{MONTHS[int(month) - 1]} {year}"


def event_date_label(date: str, precision: str) -> str:
    """'2011-10-06' (day) -> '6 Oct 2011'; '2006-03' -> 'Mar 2006'; '2006' (financial_year) -> '2006/07'."""
    parts = date.split("-")
    if precision == "day" and len(parts) == 3:
        return f"{int(parts[2])} {MONTH_ABBREVIATIONS[int(parts[1]) - 1]} {parts[0]}"
    if precision == "month" and len(parts) >= 2:
        return f"{MONTH_ABBREVIATIONS[int(parts[1]) - 1]} {parts[0]}"
    if precision == "financial_year":
        return f"{parts[0]}/{(int(parts[0]) + 1) % 100:02d}"
    return parts[0]


def event_sort_date(date: str) -> pd.Timestamp:
    """A key to ORDER dated events by (a timeline, a table of periods): a bare year sorts at its
    start, a month at its first day, so an event known only by its year comes before that year's
    dated events. Not the date a count or a target stands for: that is
    :func:`phb.data.uptake.period_end` (the period's last day)."""
    parts = date.split("-")
    return pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
