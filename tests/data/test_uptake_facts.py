"""The uptake facts have one reader (phb.data.uptake): counts, targets and the one date rule."""

from __future__ import annotations

import pandas as pd
import pytest

from phb.data import figure
from phb.data.uptake import BASIS_LABELS, decimal_year, national_series, period_end, targets


@pytest.mark.parametrize(
    "period,expected",
    [
        ("2019-10-31", "2019-10-31"),
        ("2016-10", "2016-10-31"),
        ("2021-03", "2021-03-31"),
        ("2015", "2015-12-31"),
        ("2014/15", "2015-03-31"),
        ("2023/24 Q4", "2024-03-31"),
        ("2021/22 Q3", "2021-12-31"),
        ("2021/22 Q1", "2021-06-30"),
    ],
)
def test_a_period_stands_for_its_last_day(period, expected):
    assert period_end(period) == pd.Timestamp(expected)


def test_a_bare_year_is_read_the_same_for_a_count_and_a_deadline():
    """The one bare-year rule: 31 December, whether the year dates a count ("about 2015") or a
    target ("by 2019")."""
    series = national_series().set_index("figure_id")
    goals = targets().set_index("figure_id")
    assert series.loc["phb_total_2015", "date"] == pd.Timestamp("2015-12-31")
    assert goals.loc["phb_target_2019", "date"] == pd.Timestamp("2019-12-31")
    assert series.loc["phb_total_2015", "year"] == pytest.approx(2016.0)


def test_a_period_it_cannot_read_is_refused_by_name():
    with pytest.raises(ValueError, match="period must look like"):
        period_end("sometime soon")


def test_decimal_years_count_the_days_gone():
    assert decimal_year(pd.Timestamp("2015-12-31")) == pytest.approx(2016.0)
    assert decimal_year(pd.Timestamp("2015-03-31")) == pytest.approx(2015 + 90 / 365)


def test_the_series_keeps_each_count_basis_with_its_words():
    series = national_series()
    assert set(series["count_basis"]) == set(BASIS_LABELS)
    assert (series["basis"] == series["count_basis"].map(BASIS_LABELS)).all()
    assert series["date"].is_monotonic_increasing
    assert set(series.loc[series["count_basis"] == "year_to_date", "wheelchair"]) == {"Yes"}
    over = series.set_index("figure_id").loc["phb_total_2019_10"]
    assert (over["people"], over["stated"], over["qualified"]) == (70000.0, "over 70,000", True)
    assert "continuing_healthcare" not in set(series["subset"])
    assert "continuing_healthcare" in set(national_series(include_subsets=True)["subset"])


def test_targets_give_the_interval_their_words_allow():
    goals = targets().set_index("figure_id")
    mandate = figure("phb_target_2021_03")
    assert (goals.loc["phb_target_2021_03", "low"], goals.loc["phb_target_2021_03", "high"]) == (
        mandate.lower,
        mandate.upper,
    )
    ambition = goals.loc["phb_ltp_ambition_2023_24"]
    assert pd.isna(ambition["low"]) and ambition["high"] == figure("phb_ltp_ambition_2023_24").upper
    assert ambition["date"] == pd.Timestamp("2024-03-31")
