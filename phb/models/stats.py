"""How sure can we be? Confidence intervals for the book's survey figures, and what a bound allows.

The evidence on personal health budgets rests on small surveys (a hundred or two respondents) that
report shares ("86% said their quality of life improved") or only bounds ("more than 80%", "fewer
than 5%"). This module turns those into statements about the population they came from:

* :func:`proportion_interval` — a confidence interval for one share, Wilson's score interval or the
  Clopper–Pearson "exact" interval, each from its closed form (Wilson's formula; the beta
  distribution's quantiles for Clopper–Pearson). They give what
  ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson" | "exact")`` gives (the unit tests
  check them against it) in microseconds instead of milliseconds: scipy finds the exact bounds by
  root-finding and computes a p-value the interval does not use. Wilson is the book's default: it
  keeps close to its stated coverage even for small samples and shares near 0 or 1, where the
  familiar Wald interval (estimate ± 1.96 standard errors) fails (Newcombe 1998a).
* :func:`share_interval` — the same from a reported share and a sample size (the count is rounded).
* :func:`difference_interval` — an interval for the difference of two independent shares: Newcombe's
  hybrid score interval (method 10 of Newcombe 1998b) by default, or the Wald interval, which is
  there for comparison only (it is too narrow in small samples and degenerate at 0% or 100%).
* :func:`sample_size` / :func:`margin_of_error` — how many respondents a given margin needs.
* :func:`allowed_counts` — what a bound such as "more than 80%" or a range such as "11.9% to 22%"
  allows, given the sample size: every whole number of respondents consistent with it, and the
  widest interval for the population share that those counts leave open.

Impossible input (a sample size of zero, a share outside 0–1, more successes than respondents, NaN)
raises :class:`ValueError` naming the argument and the allowed range, so a widget can show the
message instead of a traceback.

References: Newcombe RG (1998a) Two-sided confidence intervals for the single proportion: comparison
of seven methods. Statistics in Medicine 17:857–872. Newcombe RG (1998b) Interval estimation for the
difference between independent proportions: comparison of eleven methods. Statistics in Medicine
17:873–890.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from numbers import Real
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special as _special

from phb.data.qualifiers import bound_of
from phb.data.qualifiers import qualifier as read_qualifier

Method = Literal["wilson", "clopper-pearson"]
DifferenceMethod = Literal["newcombe", "wald"]

#: The methods :func:`proportion_interval` accepts, and scipy's name for each.
METHODS: dict[str, str] = {"wilson": "wilson", "clopper-pearson": "exact"}

#: Readable names, for tables and chart legends.
METHOD_LABELS: dict[str, str] = {"wilson": "Wilson score", "clopper-pearson": "Clopper–Pearson (exact)"}

#: The confidence level used throughout the book unless a reader changes it.
CONFIDENCE = 0.95


# ------------------------------------------------------------------------------------------ checks
def _check_real(name: str, value: object) -> float:
    """``value`` as a float, refusing non-numbers and NaN with a message naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number; got {value!r}")
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, not NaN")
    return number


def _check_share(name: str, value: object) -> float:
    """A share: a number from 0 to 1 inclusive."""
    number = _check_real(name, value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1; got {value!r}")
    return number


def _check_count(
    name: str, value: object, minimum: int = 0, maximum: int | None = None, maximum_name: str | None = None
) -> int:
    """A whole number of people within [minimum, maximum]."""
    number = _check_real(name, value)
    if math.isinf(number) or number != int(number):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    count = int(number)
    if count < minimum:
        if minimum == 1:
            raise ValueError(f"{name} must be at least 1 (a sample needs someone in it); got {value!r}")
        raise ValueError(f"{name} must be at least {minimum}; got {value!r}")
    if maximum is not None and count > maximum:
        bound = f"{maximum_name} ({maximum})" if maximum_name else str(maximum)
        raise ValueError(f"{name} must be between {minimum} and {bound}; got {value!r}")
    return count


def _check_confidence(confidence: object) -> float:
    number = _check_real("confidence", confidence)
    if not 0.0 < number < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive); got {confidence!r}")
    return number


def _check_method(method: object) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}; got {method!r}")
    return str(method)


def _z(confidence: float) -> float:
    """The two-sided normal critical value (1.959964 for 95%), as scipy's binomtest computes it."""
    return float(_special.ndtri(0.5 + 0.5 * confidence))


# ------------------------------------------------------------------------------------------ one share
@dataclass(frozen=True)
class Interval:
    """A share observed in a sample and the confidence interval for the population share."""

    successes: int
    n: int
    estimate: float
    lower: float
    upper: float
    method: str
    confidence: float

    @property
    def width(self) -> float:
        """Upper minus lower bound."""
        return self.upper - self.lower

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "successes": self.successes,
            "n": self.n,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "method": self.method,
            "confidence": self.confidence,
        }


@lru_cache(maxsize=65_536)
def _binomial_ci(successes: int, n: int, method: str, confidence: float) -> tuple[float, float]:
    """The interval's bounds from its closed form, cached: grids for the kernel-free twin ask for
    the same count many times.

    Wilson: ``centre ± z/(2(n+z²))·√(4np(1−p)+z²)`` with ``centre = (2np+z²)/(2(n+z²))``, written
    as scipy writes it so that the bounds are the same to the last bit; the bound is 0 at no
    successes and 1 at all. Clopper–Pearson: the ``α/2`` quantile of Beta(k, n−k+1) and the
    ``1−α/2`` quantile of Beta(k+1, n−k) (Clopper & Pearson 1934), which scipy's binomtest finds by
    root-finding (the two agree within 1e-12).
    """
    k = successes
    if method == "wilson":
        z = _z(confidence)
        p = k / n
        denominator = 2 * (n + z**2)
        centre = (2 * n * p + z**2) / denominator
        delta = z / denominator * math.sqrt(4 * n * p * (1 - p) + z**2)
        lower = centre - delta if k else 0.0
        upper = centre + delta if k < n else 1.0
    else:
        alpha = (1 - confidence) / 2
        lower = float(_special.betaincinv(k, n - k + 1, alpha)) if k else 0.0
        upper = float(_special.betaincinv(k + 1, n - k, 1 - alpha)) if k < n else 1.0
    # Clip rounding noise (1.0000000000000002) so that bounds stay in [0, 1].
    return max(0.0, lower), min(1.0, upper)


def proportion_interval(successes: int, n: int, method: Method = "wilson", confidence: float = CONFIDENCE) -> Interval:
    """The confidence interval for a population share, given ``successes`` out of ``n``.

    ``method`` is ``"wilson"`` (Wilson's score interval, the default) or ``"clopper-pearson"``
    (the exact interval from the binomial distribution, which is conservative: its coverage is at
    least the stated level, so it is a little wider). Both are what
    ``scipy.stats.binomtest(successes, n).proportion_ci`` gives, computed from their closed forms.
    """
    n = _check_count("n", n, minimum=1)
    successes = _check_count("successes", successes, 0, n, "n")
    method = _check_method(method)
    confidence = _check_confidence(confidence)
    lower, upper = _binomial_ci(successes, n, method, confidence)
    return Interval(successes, n, successes / n, lower, upper, method, confidence)


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> Interval:
    """Wilson's score interval (see :func:`proportion_interval`)."""
    return proportion_interval(successes, n, "wilson", confidence)


def clopper_pearson(successes: int, n: int, confidence: float = CONFIDENCE) -> Interval:
    """The Clopper–Pearson exact interval (see :func:`proportion_interval`)."""
    return proportion_interval(successes, n, "clopper-pearson", confidence)


def count_for_share(share: float, n: int) -> int:
    """The whole number of respondents nearest to ``share`` of ``n`` (a reported share is rounded)."""
    n = _check_count("n", n, minimum=1)
    share = _check_share("share", share)
    return int(math.floor(share * n + 0.5))


def share_interval(share: float, n: int, method: Method = "wilson", confidence: float = CONFIDENCE) -> Interval:
    """The interval for a reported share of a sample of ``n`` (the count is ``share × n`` rounded).

    The returned ``estimate`` is the rounded count over ``n``, which can differ slightly from
    ``share``: 86% of 129 is 110.94 people, so the survey must have counted 111 (86.0%).
    """
    return proportion_interval(count_for_share(share, n), n, method, confidence)


# ------------------------------------------------------------------------------------------ two shares
@dataclass(frozen=True)
class DifferenceInterval:
    """The difference of two independent shares (first minus second) and its interval."""

    estimate: float
    lower: float
    upper: float
    method: str
    confidence: float
    first: tuple[int, int]
    second: tuple[int, int]


def difference_interval(
    successes1: int,
    n1: int,
    successes2: int,
    n2: int,
    method: DifferenceMethod = "newcombe",
    confidence: float = CONFIDENCE,
) -> DifferenceInterval:
    """An interval for ``successes1/n1 − successes2/n2`` (two independent samples).

    ``"newcombe"`` is Newcombe's hybrid score interval (1998b, method 10): it combines the two Wilson
    intervals, so it inherits their good behaviour in small samples and never leaves −1 to 1.
    ``"wald"`` is the textbook estimate ± z standard errors, kept only for comparison: in small
    samples it is too narrow, and when either share is 0% or 100% its standard error is zero. It is
    clipped to −1 to 1.
    """
    n1 = _check_count("n1", n1, minimum=1)
    successes1 = _check_count("successes1", successes1, 0, n1, "n1")
    n2 = _check_count("n2", n2, minimum=1)
    successes2 = _check_count("successes2", successes2, 0, n2, "n2")
    confidence = _check_confidence(confidence)
    if method not in ("newcombe", "wald"):
        raise ValueError(f"method must be one of ['newcombe', 'wald']; got {method!r}")
    p1, p2 = successes1 / n1, successes2 / n2
    d = p1 - p2
    if method == "newcombe":
        l1, u1 = _binomial_ci(successes1, n1, "wilson", confidence)
        l2, u2 = _binomial_ci(successes2, n2, "wilson", confidence)
        lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    else:
        half = _z(confidence) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        lower, upper = max(-1.0, d - half), min(1.0, d + half)
    return DifferenceInterval(d, lower, upper, method, confidence, (successes1, n1), (successes2, n2))


# ------------------------------------------------------------------------------------------ planning
def margin_of_error(n: int, share: float = 0.5, confidence: float = CONFIDENCE) -> float:
    """The half-width of the normal-approximation interval, ``z·√(p(1−p)/n)``.

    With ``share=0.5`` (the default) this is the largest margin any share can have at this ``n``:
    the usual "plus or minus" quoted for a poll. It is a planning figure; report a Wilson interval.
    """
    n = _check_count("n", n, minimum=1)
    share = _check_share("share", share)
    return _z(_check_confidence(confidence)) * math.sqrt(share * (1 - share) / n)


def sample_size(
    margin: float, share: float = 0.5, confidence: float = CONFIDENCE, population: int | None = None
) -> int:
    """The smallest sample whose margin of error is at most ``margin`` (a share, e.g. 0.05).

    Uses ``n₀ = z²·p(1−p)/margin²``; with ``population`` (a finite number of people who could
    answer) it applies the finite population correction ``n₀ / (1 + (n₀ − 1)/population)``.
    ``share=0.5`` is the cautious choice when nothing is known about the answer.
    """
    margin = _check_real("margin", margin)
    if not 0.0 < margin < 1.0:
        raise ValueError(f"margin must be between 0 and 1 (exclusive); got {margin!r}")
    share = _check_share("share", share)
    z = _z(_check_confidence(confidence))
    n0 = z * z * share * (1 - share) / (margin * margin)
    if population is not None:
        population = _check_count("population", population, minimum=1)
        n0 = n0 / (1 + (n0 - 1) / population)
    # Round away floating-point dust before taking the ceiling (1067.0000000001 is 1067).
    return max(1, math.ceil(round(n0, 9)))


# ------------------------------------------------------------------------------------------ bounds
def _kind(qualifier: object) -> str:
    """The comparison a qualifier stands for ("above", "at least", "below", "at most", "equal" or
    "range"), read from the book's one vocabulary; ValueError naming the qualifiers allowed."""
    return read_qualifier(qualifier).comparison


def _decimals(value: float) -> int:
    """Decimal places of a share written as a percentage (0.119 → 11.9% → 1), at most 4."""
    percent = round(value * 100, 6)
    for places in range(5):
        if abs(percent - round(percent, places)) < 1e-9:
            return places
    return 4


@dataclass(frozen=True)
class Allowed:
    """What a reported share or bound allows, for a sample of ``n``.

    ``counts`` are every whole number of respondents whose share fits the statement (after the
    rounding the statement implies). ``lower``/``upper`` is the widest confidence interval those
    counts leave open: the lower bound at the smallest count and the upper bound at the largest.
    When no count fits (``possible`` is false) the statement cannot have come from ``n`` people
    answering, which usually means the figure had a different base (fewer people answered that
    question, or holders and carers were pooled).
    """

    statement: str
    n: int
    counts: np.ndarray
    method: str
    confidence: float
    lower: float
    upper: float

    @property
    def possible(self) -> bool:
        return self.counts.size > 0

    @property
    def share_low(self) -> float:
        """The smallest observed share consistent with the statement (NaN if none)."""
        return float(self.counts.min() / self.n) if self.possible else float("nan")

    @property
    def share_high(self) -> float:
        """The largest observed share consistent with the statement (NaN if none)."""
        return float(self.counts.max() / self.n) if self.possible else float("nan")


def _statement(kind: str, value: float | None, upper: float | None) -> str:
    """The statement in words, each share written with the decimals it has ("more than 80%")."""

    def pct(x: float) -> str:
        return f"{x * 100:.{_decimals(x)}f}%"

    return {
        "above": lambda: f"more than {pct(value)}",
        "at least": lambda: f"at least {pct(value)}",
        "below": lambda: f"fewer than {pct(value)}",
        "at most": lambda: f"at most {pct(value)}",
        "equal": lambda: pct(value),
        "range": lambda: f"{pct(value)} to {pct(upper)}",
    }[kind]()


def allowed_counts(
    n: int,
    qualifier: str,
    value: float,
    upper: float | None = None,
    decimals: int | None = None,
    tolerance: float | None = None,
    method: Method = "wilson",
    confidence: float = CONFIDENCE,
) -> Allowed:
    """Which counts out of ``n`` fit "``qualifier`` ``value``", and the interval they leave open.

    ``value`` (and ``upper``, for a range such as "11.9% to 22%") are shares from 0 to 1.
    ``qualifier`` is one of :data:`phb.data.qualifiers.QUALIFIERS` (e.g. "more than", "fewer than", "about", "" for a
    plain figure, "range"). A plain or "about" figure is taken as rounded to the decimals it is
    written with (``decimals``, the decimal places of the percentage, is inferred when not given):
    86% fits any count whose share rounds to 86%, i.e. from 85.5% up to (not including) 86.5%.
    A range holds each end as rounded ("11.9% to 22%": the lowest share rounds to 11.9% and the
    highest to 22%), and allows any count from the lowest to the highest. Bounds are strict where
    the words are ("more than 80%" excludes exactly 80%).

    A figure in words is vaguer than its digits: "seven out of 10" is not "70.0%". Pass
    ``tolerance`` (a share) to read a plain figure, or each end of a range, as anything within
    ``tolerance`` of it (``tolerance=0.05``: 65% to 75%, inclusive) instead of as rounded digits.
    """
    n = _check_count("n", n, minimum=1)
    kind = _kind(qualifier)
    value, upper = _check_stated_shares(kind, value, upper)
    tolerance = _check_reading(tolerance, decimals)
    method = _check_method(method)
    confidence = _check_confidence(confidence)
    counts = np.flatnonzero(_fitting(kind, np.arange(n + 1) / n, value, upper, tolerance, decimals))
    lower, top = _widest_interval(counts, n, method, confidence)
    return Allowed(_statement(kind, value, upper), n, counts, method, confidence, lower, top)


#: Slack for comparing shares computed in floating point (a count's share against a stated one).
_EPS = 1e-9


def _check_stated_shares(kind: str, value: object, upper: object) -> tuple[float, float | None]:
    """The stated share (and, for a range, its top), each a share from 0 to 1, the top not below it."""
    value = _check_share("value", value)
    if kind != "range":
        return value, upper  # type: ignore[return-value]
    if upper is None:
        raise ValueError("upper must be given for a range (e.g. 0.22 for '11.9% to 22%')")
    upper = _check_share("upper", upper)
    if upper < value:
        raise ValueError(f"upper must be at least value ({value}); got {upper!r}")
    return value, upper


def _check_reading(tolerance: object, decimals: object) -> float | None:
    """How a plain figure is read: within ``tolerance`` (0 to 0.5) of it, or as rounded to
    ``decimals`` places of its percentage (0 to 4). Returns the checked tolerance."""
    if tolerance is not None:
        tolerance = _check_real("tolerance", tolerance)
        if not 0.0 <= tolerance <= 0.5:
            raise ValueError(f"tolerance must be between 0 and 0.5; got {tolerance!r}")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4):
        raise ValueError(f"decimals must be a whole number from 0 to 4; got {decimals!r}")
    return tolerance


def _rounds_to(shares: np.ndarray, target: float, tolerance: float | None, decimals: int | None) -> np.ndarray:
    """Which shares a plain figure allows: those within ``tolerance`` of it (inclusive), else those
    that round to it at the decimals it is written with (half up: 86% is 85.5% to under 86.5%)."""
    if tolerance is not None:
        return (shares >= target - tolerance - _EPS) & (shares <= target + tolerance + _EPS)
    places = _decimals(target) if decimals is None else int(decimals)
    half = 0.5 * 10.0 ** (-places)
    percents, centre = shares * 100, target * 100
    return (percents >= centre - half - _EPS) & (percents < centre + half - _EPS)


def _fitting(
    kind: str, shares: np.ndarray, value: float, upper: float | None, tolerance: float | None, decimals: int | None
) -> np.ndarray:
    """Which of ``shares`` (one per count 0..n) fit the statement; bounds are strict where the words are."""
    if kind == "equal":
        return _rounds_to(shares, value, tolerance, decimals)
    if kind == "range":  # counts between the one rounding to the low end and the one rounding to the top
        low_hits = np.flatnonzero(_rounds_to(shares, value, tolerance, decimals))
        high_hits = np.flatnonzero(_rounds_to(shares, upper, tolerance, decimals))
        mask = np.zeros(shares.size, dtype=bool)
        if low_hits.size and high_hits.size:
            mask[low_hits.min() : high_hits.max() + 1] = True
        return mask
    return {
        "above": lambda: shares > value + _EPS,
        "at least": lambda: shares >= value - _EPS,
        "below": lambda: shares < value - _EPS,
        "at most": lambda: shares <= value + _EPS,
    }[kind]()


def _widest_interval(counts: np.ndarray, n: int, method: str, confidence: float) -> tuple[float, float]:
    """The widest interval the fitting counts leave open: the lower bound at the smallest count and
    the upper bound at the largest (NaN, NaN when no count fits)."""
    if not counts.size:
        return float("nan"), float("nan")
    return (
        _binomial_ci(int(counts.min()), n, method, confidence)[0],
        _binomial_ci(int(counts.max()), n, method, confidence)[1],
    )


# ------------------------------------------------------------------------------------------ tables
def interval_table(rows: list[dict], method: Method = "wilson", confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Intervals for a list of reported figures, one row each, for a chart or a table.

    Each row is a mapping with ``label``, ``qualifier``, ``value`` (a share), optionally ``upper``
    (for a range), ``tolerance`` (see :func:`allowed_counts`), ``statement`` (the figure as the
    source words it; made from the numbers when absent) and ``n``. Where ``n`` is ``None`` — the
    sources give no sample size, or the figure is not a count — no interval is computed and
    ``why`` (default "sample size not published") says so. Other keys are carried through.

    Returns columns: label, statement, n, n_known, counts (e.g. "104 to 129"), share_low,
    share_high, lower, upper, possible, plus any carried keys.
    """
    own = ("label", "qualifier", "value", "upper", "n", "tolerance", "statement", "why")
    out = []
    for row in rows:
        extra = {k: v for k, v in row.items() if k not in own}
        n = row.get("n")
        kind = _kind(row.get("qualifier") or "")
        statement = row.get("statement") or _statement(kind, row["value"], row.get("upper"))
        base = {"label": row["label"], "statement": statement, "n": n, "n_known": n is not None, **extra}
        if n is None:
            out.append(
                {
                    **base,
                    "share_low": np.nan,
                    "share_high": np.nan,
                    "lower": np.nan,
                    "upper": np.nan,
                    "possible": None,
                    "counts": row.get("why") or "sample size not published",
                }
            )
            continue
        allowed = allowed_counts(
            n,
            row.get("qualifier") or "",
            row["value"],
            row.get("upper"),
            tolerance=row.get("tolerance"),
            method=method,
            confidence=confidence,
        )
        if allowed.possible:
            low, high = int(allowed.counts.min()), int(allowed.counts.max())
            counts = f"{low}" if low == high else f"{low} to {high}"
        else:
            counts = f"no count out of {n} gives this"
        out.append(
            {
                **base,
                "share_low": allowed.share_low,
                "share_high": allowed.share_high,
                "lower": allowed.lower,
                "upper": allowed.upper,
                "possible": allowed.possible,
                "counts": counts,
            }
        )
    columns = ["label", "statement", "n", "n_known", "counts", "share_low", "share_high", "lower", "upper", "possible"]
    frame = pd.DataFrame(out)
    frame["n"] = frame["n"].astype("Int64")
    return frame[columns + [c for c in frame.columns if c not in columns]]


def bases_that_fit(
    qualifier: str,
    value: float,
    upper: float | None = None,
    candidates: dict[str, int] | None = None,
    tolerance: float | None = None,
) -> pd.DataFrame:
    """Which candidate sample sizes could have produced a reported share.

    A share with one decimal place pins down its base: 11.9% cannot be a whole number of people
    out of 129 (15 is 11.6%, 16 is 12.4%), but it can out of 101 (12 people). ``candidates`` maps a
    description to a sample size. Returns columns base, n, possible, counts.
    """
    rows = []
    for name, n in (candidates or {}).items():
        allowed = allowed_counts(n, qualifier, value, upper, tolerance=tolerance)
        if allowed.possible:
            low, high = int(allowed.counts.min()), int(allowed.counts.max())
            counts = f"{low}" if low == high else f"{low} to {high}"
        else:
            counts = "none"
        rows.append({"base": name, "n": n, "possible": allowed.possible, "counts": counts})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ from data/
#: Units of ``data/figures.csv`` that are shares, and the divisor that makes them 0–1.
SHARE_UNITS: dict[str, float] = {"percent": 100.0, "fraction": 1.0}


def figure_share(figure: object) -> dict[str, object]:
    """A figure from :func:`phb.data.figure` as a share statement for :func:`allowed_counts`.

    Returns ``qualifier``, ``value`` (the share, or the bound for "more than"/"fewer than") and
    ``upper`` (for a range), with percentages divided by 100, plus ``statement`` (the figure's own
    prose text). A figure that is not a share (people, pounds) raises ValueError.
    """
    unit = figure.unit
    if unit not in SHARE_UNITS:
        raise ValueError(f"figure {figure.id!r} is in {unit!r}, not a share (percent or fraction)")
    scale = SHARE_UNITS[unit]
    q = figure.qualifier
    bound = bound_of(q)
    if bound == "range":
        value, upper = figure.lower / scale, figure.upper / scale
    elif bound == "lower":
        value, upper = figure.lower / scale, None
    elif bound == "upper":
        value, upper = figure.upper / scale, None
    else:
        value, upper = figure.value / scale, None
    return {"qualifier": q, "value": value, "upper": upper, "statement": figure.text}


@dataclass(frozen=True)
class Headline:
    """A headline figure of the book and the sample it came from.

    ``n_id`` is the figure id of the sample size (``None`` where none is published or the figure
    is not a count, with ``why`` saying which). ``count`` marks a figure given as a number of people
    rather than a share. ``tolerance`` reads a figure in words ("seven out of 10") as a range.
    """

    figure_id: str
    label: str
    survey: str
    n_id: str | None = None
    why: str | None = None
    count: bool = False
    tolerance: float | None = None


#: The book's headline survey figures, in the order the chapter shows them.
HEADLINES: tuple[Headline, ...] = (
    Headline(
        "study2011_survey_service_users_pct", "Service users among respondents", "2011 survey", "study2011_survey_n"
    ),
    Headline(
        "study2011_survey_prior_pb_n",
        "Held a personal budget (methodology)",
        "2011 survey",
        "study2011_survey_n",
        count=True,
    ),
    Headline(
        "study2011_survey_prior_pb_n_findings",
        "Used a personal budget (findings)",
        "2011 survey",
        "study2011_survey_n",
        count=True,
    ),
    Headline(
        "study2011_focus_group_prior_pb_n",
        "Held a personal budget (focus groups)",
        "2011 focus groups",
        "study2011_focus_group_n",
        count=True,
    ),
    Headline(
        "study2011_would_not_consider",
        "Would not consider a budget",
        "2011 focus groups",
        None,
        why="an impression from discussion, not a count",
    ),
    Headline(
        "poet2013_views_in_support_plan",
        "Views taken into account in the plan",
        "POET 2013 (holders)",
        "poet2013_holders_n",
    ),
    Headline(
        "poet2014_qol_improved_s1", "Quality of life improved (publisher)", "POET 2014 (holders)", "poet2014_holders_n"
    ),
    Headline("poet2014_qol_improved", "Quality of life improved (IPC)", "POET 2014 (holders)", "poet2014_holders_n"),
    Headline(
        "poet2014_independence_holders",
        "Greater independence",
        "POET 2014 (holders)",
        "poet2014_holders_n",
        tolerance=0.025,
    ),
    Headline(
        "poet2014_control_holders",
        "Greater control of their life",
        "POET 2014 (holders)",
        "poet2014_holders_n",
        tolerance=0.05,
    ),
    Headline(
        "poet2014_direct_payment", "Budget taken as a direct payment", "POET 2014 (holders)", "poet2014_holders_n"
    ),
    Headline(
        "poet2014_qol_improved_carers_blog",
        "Quality of life improved (carers)",
        "POET 2014 (carers)",
        "poet2014_carers_n",
    ),
    Headline(
        "poet2014_negative_s1",
        "Negative impact, by domain",
        "POET 2014 (holders and carers)",
        None,
        why="base not stated (respondents, by domain)",
    ),
    Headline(
        "poet2014_process_difficult",
        "Found a step of the process difficult",
        "POET 2014 (holders and carers)",
        None,
        why="base not stated (respondents, by step)",
    ),
    Headline(
        "poet2015_quality_of_life_positive",
        "Quality of life positive (2015)",
        "POET 2015 (holders)",
        "poet2015_holders_n",
    ),
    Headline(
        "poet2015_mental_health_positive", "Mental health positive (2015)", "POET 2015 (holders)", "poet2015_holders_n"
    ),
    Headline(
        "poet2015_managed_direct_payment_pct",
        "Budget managed as a direct payment",
        "POET 2015 (holders)",
        "poet2015_holders_n",
    ),
    Headline(
        "nateval_restrictive_pct",
        "Restrictive implementation (PHB arm)",
        "Evaluation",
        None,
        why="arm size not published (just over 1,000)",
    ),
    Headline(
        "nateval_mortality_phb_pct",
        "Died during the study (PHB arm)",
        "Evaluation",
        None,
        why="arm size not published (just over 1,000)",
    ),
    Headline(
        "nateval_mortality_control_pct",
        "Died during the study (control arm)",
        "Evaluation",
        None,
        why="arm size not published (just over 1,000)",
    ),
)


def headline_rows(headlines: tuple[Headline, ...] = HEADLINES) -> list[dict]:
    """:data:`HEADLINES` read from ``data/`` as rows for :func:`interval_table`."""
    from phb.data import figure

    rows = []
    for h in headlines:
        fig = figure(h.figure_id)
        n = int(figure(h.n_id).value) if h.n_id else None
        if h.count:
            if n is None:
                raise ValueError(f"headline {h.figure_id!r}: a count needs the sample size n_id")
            row = {"qualifier": "exact", "value": fig.value / n, "statement": f"{fig.text} people"}
        else:
            row = figure_share(fig)
        rows.append(
            {
                **row,
                "label": h.label,
                "survey": h.survey,
                "n": n,
                "tolerance": h.tolerance,
                "why": h.why,
                "figure_id": h.figure_id,
                "source_id": fig.source_id,
            }
        )
    return rows


def headline_table(method: Method = "wilson", confidence: float = CONFIDENCE) -> pd.DataFrame:
    """The book's headline survey figures with the counts and intervals they allow (see
    :func:`interval_table`), straight from ``data/``."""
    return interval_table(headline_rows(), method=method, confidence=confidence)


def interval_scenario(n: int, share: float, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Both intervals for ``share`` of ``n`` as rows (the explorer's and its twin's model).

    One row per method with columns method, label, successes, n, estimate, lower, upper, width.
    """
    rows = []
    for method in METHODS:
        ci = share_interval(share, n, method, confidence)  # type: ignore[arg-type]
        rows.append(
            {
                "method": method,
                "label": METHOD_LABELS[method],
                "successes": ci.successes,
                "n": ci.n,
                "estimate": ci.estimate,
                "lower": ci.lower,
                "upper": ci.upper,
                "width": ci.width,
            }
        )
    return pd.DataFrame(rows)


def width_by_n(
    ns: np.ndarray | list[int], share: float = 0.5, method: Method = "wilson", confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """The interval at each sample size in ``ns`` for a fixed observed ``share``."""
    rows = [share_interval(share, int(n), method, confidence).as_dict() for n in ns]
    frame = pd.DataFrame(rows)
    frame["width"] = frame["upper"] - frame["lower"]
    return frame
