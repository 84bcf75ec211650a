"""The uptake facts, read once: the national counts of people with a budget, the national targets,
and the dates both are counted on.

Chapter 6 (published counts against the targets), chapter 7 (the growth fits) and the charts all read
these here, so a count, a target's deadline or a count basis means the same thing everywhere.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from phb.data.figures import figure
from phb.data.qualifiers import bound_of
from phb.data.tables import load, source_titles

#: What each count basis means, in the words the chapters use (legends and tables).
BASIS_LABELS = {
    "total": "Total at a date",
    "new_in_year": "New in the year",
    "year_to_date": "Year to date (anyone with a budget since April; includes wheelchair budgets)",
    "live": "Live at the quarter's end",
}

#: Targets whose description starts so count people holding a budget (not a pilot's planned size,
#: an offer or a multiplier); only these are set against published counts.
HOLDER_TARGET = "People with a personal health budget"

#: The last month of each quarter of a financial year (April to March): Q1 June ... Q4 March.
_QUARTER_END_MONTH = {1: 6, 2: 9, 3: 12, 4: 3}


def period_end(period: Any) -> pd.Timestamp:
    """The date a period named in the data stands for: the LAST day of that period.

    This is the book's one rule for every date of a count or a target, so that the two can be set
    side by side: ``"2016-10-31"`` is that day; ``"2016-10"`` is 31 October 2016; a bare year
    ``"2015"`` is 31 December 2015; a financial year ``"2014/15"`` is 31 March 2015; a quarter of
    one, ``"2021/22 Q3"``, is the quarter's last day (31 December 2021).

    Why the end, for a bare year too: a target "by 2019" falls due at the latest date its words
    allow, or a target that was met could look missed; and a count "in 2015" (numbers of holders only
    grew) is at most the count at the end of that year, so placing it there never overstates growth.
    Counts and targets must share the rule: a count and a deadline in the same year then compare
    the same way in every chapter. Raises ValueError for anything else.
    """
    text = str(period).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return pd.Timestamp(text)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return pd.Timestamp(text) + pd.offsets.MonthEnd(0)
    if re.fullmatch(r"\d{4}", text):
        return pd.Timestamp(f"{text}-12-31")
    match = re.fullmatch(r"(\d{4})/(\d{2})(?: Q([1-4]))?", text)
    if match:
        start, quarter = int(match.group(1)), int(match.group(3) or 4)
        month = _QUARTER_END_MONTH[quarter]
        return pd.Timestamp(f"{start + (month == 3)}-{month:02d}-01") + pd.offsets.MonthEnd(0)
    raise ValueError(f"period must look like 2019, 2021-03, 2016-10-31, 2014/15 or 2021/22 Q3; got {text!r}")


def decimal_year(date: pd.Timestamp) -> float:
    """A date as a decimal year for fitting curves: 31 December 2015 is 2016.0, 31 March 2015 about
    2015.25 (the fraction of the year gone by the end of that day)."""
    days = 366 if date.is_leap_year else 365
    return date.year + date.day_of_year / days


def count_date(period: Any, as_of: Any = None) -> pd.Timestamp:
    """The date a published count stands for: its ``as_of`` (when the data gives one) or else its
    ``period``, read by :func:`period_end`."""
    missing = as_of is None or as_of is pd.NA or (isinstance(as_of, float) and pd.isna(as_of)) or as_of == ""
    return period_end(period if missing else as_of)


def national_series(include_subsets: bool = False) -> pd.DataFrame:
    """The national counts of people with a personal health budget: one row per published count.

    Columns: ``period`` (as published), ``date`` (:func:`count_date`), ``year`` (its decimal year),
    ``count_basis`` and ``basis`` (its words, :data:`BASIS_LABELS`), ``subset``, ``people`` (the
    number the source names: a figure stated as "over 70,000" or "nearly 16,000" at its bound),
    ``stated`` (the source's words), ``qualifier``, ``qualified`` (True for "about", "nearly",
    "over"), ``wheelchair`` (whether wheelchair budgets are included, where known), ``source``
    (title), ``source_id`` and ``figure_id``. Sorted by date. ``include_subsets`` keeps subsets such
    as direct payments or continuing healthcare.
    """
    up = load("phb_uptake")
    if not include_subsets:
        up = up[up["subset"] == "all"]
    titles = source_titles()
    rows = [_count_row(rec, titles) for rec in up.to_dict("records")]
    return pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)


def _count_row(rec: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """One published count as a row of :func:`national_series`."""
    fig = figure(rec["figure_id"])
    people = {"point": fig.value, "lower": fig.lower, "upper": fig.upper}[bound_of(rec["qualifier"])]
    wheel = rec["includes_wheelchair"]
    date = count_date(rec["period"], rec["as_of"])
    return {
        "period": str(rec["period"]),
        "date": date,
        "year": decimal_year(date),
        "count_basis": str(rec["count_basis"]),
        "basis": BASIS_LABELS[rec["count_basis"]],
        "subset": str(rec["subset"]),
        "people": float(people),
        "stated": fig.text,
        "qualifier": str(rec["qualifier"]),
        "qualified": rec["qualifier"] != "exact",
        "wheelchair": "Yes" if wheel is True else "No" if wheel is False else "Not stated",
        "source": titles.get(rec["source_id"], rec["source_id"]),
        "source_id": str(rec["source_id"]),
        "figure_id": str(rec["figure_id"]),
    }


def targets() -> pd.DataFrame:
    """The national targets and ambitions for personal health budgets (preferred rows), each with
    the date its deadline stands for (:func:`period_end`) and the interval of people it names.

    ``low``/``high``: a point as both ends, a range as its two ends, "up to" as no floor and its top;
    a multiplier (``unit`` "times", with its ``value``) or an offer counts no holders and has none.
    ``counts_holders`` is True for targets that count people holding a budget.
    """
    tg = load("targets")
    tg = tg[(tg["scope"] == "phb") & tg["preferred"].astype(bool)]
    return pd.DataFrame([_target_row(rec) for rec in tg.to_dict("records")])


def _target_row(rec: dict[str, Any]) -> dict[str, Any]:
    """One target as a row of :func:`targets`."""
    fig = figure(rec["figure_id"])
    is_count = rec["unit"] == "people"
    low = high = None
    if is_count:
        low, high = {
            "point": (fig.value, fig.value),
            "range": (fig.lower, fig.upper),
            "upper": (None, fig.upper),
            "lower": (fig.lower, None),
        }[bound_of(rec["qualifier"])]
    date = period_end(rec["deadline"])
    return {
        "target": rec["description"],
        "set_by": rec["set_by"],
        "deadline": str(rec["deadline"]),
        "date": date,
        "year": decimal_year(date),
        "stated": fig.text,
        "unit": str(rec["unit"]),
        "value": None if fig.value is None else float(fig.value),
        "counts_holders": is_count and str(rec["description"]).startswith(HOLDER_TARGET),
        "low": low,
        "high": high,
        "figure_id": rec["figure_id"],
        "label": f"{rec['set_by']}: {fig.text}",
    }
