"""Confidence intervals, sample sizes and what a reported bound allows (phb.models.stats)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta, binomtest, norm

from phb.models import stats

# ------------------------------------------------------------------------------------------ literature
# Newcombe RG (1998a), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Statistics in Medicine 17:857–872, Table II (illustrative examples, 95% intervals).
# Method 3 is the Wilson score interval without continuity correction; method 5 the Clopper–Pearson
# "exact" interval. Published to 4 decimal places.
NEWCOMBE_1998A = [
    # (successes, n, Wilson (method 3), Clopper–Pearson (method 5))
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0000, 0.1611), (0.0000, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
]


@pytest.mark.parametrize("k,n,wilson,exact", NEWCOMBE_1998A)
def test_single_proportion_matches_newcombe_1998a_table_ii(k, n, wilson, exact):
    """Newcombe 1998a, Table II, rows 81/263, 15/148, 0/20 and 1/29; columns method 3 (score,
    no continuity correction) and method 5 (exact, Clopper–Pearson)."""
    w = stats.wilson(k, n)
    cp = stats.clopper_pearson(k, n)
    assert (round(w.lower, 4), round(w.upper, 4)) == wilson
    assert (round(cp.lower, 4), round(cp.upper, 4)) == exact


@pytest.mark.parametrize("k,n", [(0, 1), (3, 7), (81, 263), (129, 129), (1, 1000)])
def test_clopper_pearson_equals_beta_quantiles_computed_independently(k, n):
    """Clopper & Pearson (1934): the bounds are quantiles of Beta(k, n−k+1) and Beta(k+1, n−k)."""
    cp = stats.clopper_pearson(k, n)
    lower = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
    upper = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
    assert cp.lower == pytest.approx(lower, abs=1e-10)
    assert cp.upper == pytest.approx(upper, abs=1e-10)


@pytest.mark.parametrize("k,n", [(0, 5), (2, 9), (81, 263), (50, 50), (7, 2235)])
def test_wilson_equals_the_closed_form_computed_independently(k, n):
    """Wilson (1927): (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    z = norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    w = stats.wilson(k, n)
    assert w.lower == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert w.upper == pytest.approx(min(1.0, centre + half), abs=1e-12)


# Every count of every sample size to 12, and larger samples at counts near 0, n/2 and n, at three
# confidence levels: the closed forms give what scipy's binomtest gives (Wilson to the last bit;
# Clopper–Pearson, which scipy finds by root-finding, within 1e-12). A wider sweep by hand (every
# count to n = 60 and 800 random counts to n = 3,000, at the same levels) found no bound that
# differed at the 4 decimals the book's tables and twins keep.
BINOMTEST_CASES = [(k, n) for n in range(1, 13) for k in range(n + 1)] + [
    (k, n) for n in (58, 104, 263, 2235) for k in (0, 1, n // 3, n // 2, n - 1, n)
]


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_intervals_equal_scipy_binomtest(confidence):
    for k, n in BINOMTEST_CASES:
        reference = binomtest(k, n)
        w = reference.proportion_ci(confidence, method="wilson")
        e = reference.proportion_ci(confidence, method="exact")
        wilson = stats.wilson(k, n, confidence)
        exact = stats.clopper_pearson(k, n, confidence)
        assert (wilson.lower, wilson.upper) == (max(0.0, w.low), min(1.0, w.high)), (k, n)
        assert exact.lower == pytest.approx(e.low, abs=1e-12), (k, n)
        assert exact.upper == pytest.approx(min(1.0, e.high), abs=1e-12), (k, n)


# Newcombe RG (1998b), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Statistics in Medicine 17:873–890, Table II (examples (a)–(h),
# 95% intervals). Method 10 is the hybrid score interval from two Wilson intervals; method 1 is the
# simple asymptotic (Wald) interval.
NEWCOMBE_1998B_METHOD_10 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),  # example (a)
    ((9, 10, 3, 10), (0.1705, 0.8090)),  # example (b)
    ((5, 56, 0, 29), (-0.0381, 0.1926)),  # example (d)
    ((0, 10, 0, 20), (-0.1611, 0.2775)),  # example (e)
    ((0, 10, 0, 10), (-0.2775, 0.2775)),  # example (f)
    ((10, 10, 0, 20), (0.6791, 1.0000)),  # example (g)
    ((10, 10, 0, 10), (0.6075, 1.0000)),  # example (h)
]


@pytest.mark.parametrize("counts,expected", NEWCOMBE_1998B_METHOD_10)
def test_difference_matches_newcombe_1998b_table_ii_method_10(counts, expected):
    """Newcombe 1998b, Table II, method 10 (hybrid score, no continuity correction)."""
    d = stats.difference_interval(*counts)
    assert (round(d.lower, 4), round(d.upper, 4)) == expected


def test_wald_difference_matches_newcombe_1998b_table_ii_method_1():
    """Newcombe 1998b, Table II, example (a) 56/70 − 48/80, method 1 (Wald): 0.0575 to 0.3425."""
    d = stats.difference_interval(56, 70, 48, 80, method="wald")
    assert d.estimate == pytest.approx(0.2)
    assert (round(d.lower, 4), round(d.upper, 4)) == (0.0575, 0.3425)


def test_wald_difference_degenerates_at_zero_where_newcombe_does_not():
    """Why the book prefers Newcombe: with 0/10 and 0/20 the Wald interval is the single point 0."""
    wald = stats.difference_interval(0, 10, 0, 20, method="wald")
    assert wald.lower == wald.upper == 0.0
    newcombe = stats.difference_interval(0, 10, 0, 20)
    assert newcombe.lower < 0.0 < newcombe.upper


# ------------------------------------------------------------------------------------------ planning
def test_sample_size_textbook_values():
    """n = z²p(1−p)/m²: ±5 points at 95% needs 385 and ±3 points needs 1,068 (the pollsters' figures)."""
    assert stats.sample_size(0.05) == 385
    assert stats.sample_size(0.03) == 1068
    assert stats.sample_size(0.05, share=0.2) == 246


def test_sample_size_finite_population_correction_and_round_trip():
    assert stats.sample_size(0.05, population=4700) < stats.sample_size(0.05)
    n = stats.sample_size(0.04)
    assert stats.margin_of_error(n) <= 0.04 < stats.margin_of_error(n - 1)


def test_margin_of_error_is_largest_at_half():
    assert stats.margin_of_error(129, 0.5) > stats.margin_of_error(129, 0.86)
    assert stats.margin_of_error(100) == pytest.approx(norm.ppf(0.975) * 0.05)


# ------------------------------------------------------------------------------------------ bounds
def test_more_than_80_percent_of_129():
    """'More than 80%' of 129 holders: at least 104 people (103 would be 79.8%)."""
    allowed = stats.allowed_counts(129, "more_than", 0.8)
    assert allowed.counts[0] == 104 and allowed.counts[-1] == 129
    assert allowed.statement == "more than 80%"
    assert allowed.lower == pytest.approx(stats.wilson(104, 129).lower)
    assert allowed.upper == 1.0


def test_strict_and_inclusive_bounds():
    assert 20 not in stats.allowed_counts(100, "more than", 0.2).counts
    assert 20 in stats.allowed_counts(100, "at least", 0.2).counts
    assert stats.allowed_counts(129, "fewer_than", 0.05).counts.max() == 6
    assert stats.allowed_counts(100, "fewer than", 0.05).counts.max() == 4
    assert stats.allowed_counts(100, "up_to", 0.05).counts.max() == 5


def test_rounded_figures_and_ranges():
    assert list(stats.allowed_counts(129, "exact", 0.86).counts) == [111]
    assert list(stats.allowed_counts(104, "", 0.72).counts) == [75]
    # 11.9% cannot be a whole number of 129 people, so the range is impossible on that base …
    assert not stats.allowed_counts(129, "range", 0.119, 0.22).possible
    # … but fits 101 people: 12 (11.9%) up to 22 (21.8%).
    fits = stats.allowed_counts(101, "range", 0.119, 0.22)
    assert fits.counts[0] == 12 and fits.counts[-1] == 22
    assert math.isnan(stats.allowed_counts(302, "exact", 0.367).share_low)


def test_words_are_read_with_a_tolerance():
    """'Seven out of 10' read as 65% to 75% of 129: 84 to 96 people."""
    allowed = stats.allowed_counts(129, "exact", 0.7, tolerance=0.05)
    assert (allowed.counts[0], allowed.counts[-1]) == (84, 96)


def test_bases_that_fit():
    table = stats.bases_that_fit("range", 0.119, 0.22, {"holders": 129, "carers": 101})
    assert table.set_index("base")["possible"].to_dict() == {"holders": False, "carers": True}


# ------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    "call,names",
    [
        (lambda: stats.wilson(3, 0), "n must be at least 1"),
        (lambda: stats.wilson(3, -5), "n must be at least 1"),
        (lambda: stats.wilson(130, 129), "successes must be between 0 and n (129)"),
        (lambda: stats.wilson(-1, 129), "successes must be at least 0"),
        (lambda: stats.wilson(2.5, 10), "successes must be a whole number"),
        (lambda: stats.wilson(float("nan"), 10), "successes must be a number, not NaN"),
        (lambda: stats.wilson(1, float("nan")), "n must be a number, not NaN"),
        (lambda: stats.share_interval(1.2, 100), "share must be between 0 and 1"),
        (lambda: stats.share_interval(-0.1, 100), "share must be between 0 and 1"),
        (lambda: stats.share_interval(float("nan"), 100), "share must be a number, not NaN"),
        (lambda: stats.share_interval("half", 100), "share must be a number"),
        (lambda: stats.proportion_interval(1, 10, method="wald"), "method must be one of"),
        (lambda: stats.proportion_interval(1, 10, confidence=1.0), "confidence must be between 0 and 1"),
        (lambda: stats.difference_interval(5, 4, 1, 10), "successes1 must be between 0 and n1 (4)"),
        (lambda: stats.difference_interval(1, 4, 1, 0), "n2 must be at least 1"),
        (lambda: stats.sample_size(0), "margin must be between 0 and 1"),
        (lambda: stats.sample_size(float("nan")), "margin must be a number, not NaN"),
        (lambda: stats.sample_size(0.05, share=2), "share must be between 0 and 1"),
        (lambda: stats.margin_of_error(0), "n must be at least 1"),
        (lambda: stats.allowed_counts(0, "more than", 0.8), "n must be at least 1"),
        (lambda: stats.allowed_counts(129, "more than", 80), "value must be between 0 and 1"),
        (lambda: stats.allowed_counts(129, "roughly", 0.8), "qualifier must be one of"),
        (lambda: stats.allowed_counts(129, "range", 0.2), "upper must be given"),
        (lambda: stats.allowed_counts(129, "range", 0.2, 0.1), "upper must be at least value"),
        (lambda: stats.allowed_counts(129, "exact", 0.7, tolerance=0.9), "tolerance must be between"),
    ],
)
def test_impossible_input_is_refused_naming_the_argument(call, names):
    with pytest.raises(ValueError, match=names.replace("(", r"\(").replace(")", r"\)")):
        call()


# ------------------------------------------------------------------------------------------ properties
counts = st.integers(min_value=1, max_value=3000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
methods = st.sampled_from(["wilson", "clopper-pearson"])


@settings(max_examples=200, deadline=None)
@given(counts, methods)
def test_interval_contains_the_estimate_and_stays_within_0_and_1(kn, method):
    k, n = kn
    ci = stats.proportion_interval(k, n, method)
    assert 0.0 <= ci.lower <= ci.estimate <= ci.upper <= 1.0
    assert ci.lower < ci.upper


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=2, max_value=10),
    methods,
)
def test_interval_narrows_as_n_grows_at_the_same_share(n, numerator, factor, method):
    """The same observed share from ``factor`` times as many people gives a narrower interval."""
    k = min(numerator, n)
    small = stats.proportion_interval(k, n, method)
    large = stats.proportion_interval(k * factor, n * factor, method)
    assert large.width < small.width


@settings(max_examples=100, deadline=None)
@given(counts, methods)
def test_higher_confidence_gives_a_wider_interval(kn, method):
    k, n = kn
    narrow = stats.proportion_interval(k, n, method, confidence=0.8)
    wide = stats.proportion_interval(k, n, method, confidence=0.99)
    assert wide.lower <= narrow.lower and narrow.upper <= wide.upper


@settings(max_examples=150, deadline=None)
@given(counts, counts)
def test_newcombe_difference_contains_the_estimate_and_stays_within_minus_1_and_1(a, b):
    d = stats.difference_interval(a[0], a[1], b[0], b[1])
    assert -1.0 <= d.lower <= d.estimate <= d.upper <= 1.0


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=2000),
    st.sampled_from(["more than", "at least", "fewer than", "at most", "exact"]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
)
def test_allowed_counts_all_satisfy_the_statement(n, qualifier, value):
    allowed = stats.allowed_counts(n, qualifier, value)
    shares = allowed.counts / n
    check = {
        "more than": shares > value,
        "at least": shares >= value - 1e-9,
        "fewer than": shares < value,
        "at most": shares <= value + 1e-9,
        # A plain figure is rounded half up to the decimals it is written with.
        "exact": np.abs(shares * 100 - value * 100) <= 0.5 * 10.0 ** -stats._decimals(value) + 1e-9,
    }[qualifier]
    assert check.all()
    if allowed.possible:
        assert 0.0 <= allowed.lower <= allowed.share_low <= allowed.share_high <= allowed.upper <= 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=0.005, max_value=0.5, allow_nan=False),
    st.floats(min_value=0.01, max_value=0.99, allow_nan=False),
)
def test_sample_size_meets_the_margin(margin, share):
    n = stats.sample_size(margin, share)
    assert stats.margin_of_error(n, share) <= margin + 1e-12
    if n > 1:
        assert stats.margin_of_error(n - 1, share) > margin


# ------------------------------------------------------------------------------------------ from data/
def test_headline_table_reads_every_headline_from_data():
    table = stats.headline_table()
    assert len(table) == len(stats.HEADLINES)
    row = table.set_index("figure_id").loc["poet2014_qol_improved_s1"]
    assert row["n"] == 129 and row["statement"] == "more than 80%" and row["counts"] == "104 to 129"
    # Where no sample size is published, there is no interval and the table says why.
    unknown = table[~table["n_known"]]
    assert unknown["lower"].isna().all() and unknown["counts"].str.len().gt(0).all()
    # The figures that no count can produce are flagged, not silently rounded.
    impossible = table[table["possible"] == False]  # noqa: E712
    assert "poet2015_managed_direct_payment_pct" in set(impossible["figure_id"])


def test_figure_share_refuses_non_shares():
    from phb.data import figure

    with pytest.raises(ValueError, match="not a share"):
        stats.figure_share(figure("poet2014_holders_n"))
    assert stats.figure_share(figure("poet2014_process_difficult"))["upper"] == pytest.approx(0.22)
