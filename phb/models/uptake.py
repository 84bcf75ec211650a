"""How many people would take a personal health budget, and what would it cost an area?

The sources argue about uptake without giving a model of it: only a minority of mental health service
users would consider a budget (NHS Confederation 2011); local leaders fear paying for two systems at
once ("double running"); councils spent between a few hundred and a couple of thousand pounds per
person implementing direct payments (Audit Commission, via Pulse 2008); and support and information
decide who gets through the process. This module turns those claims into assumptions a reader can move.

The model is a funnel over one area's eligible population, then a cost sheet, for one year::

    eligible -> aware of budgets -> would consider one -> completes assessment and support planning
             -> plan agreed: holds a budget (notional, third-party or direct payment)

    budgets held + implementation per holder + double running + the area's set-up cost = total

Every function is pure and vectorised: pass NumPy arrays instead of numbers and every output is an
array, which is how :func:`monte_carlo` evaluates 100,000 draws in one pass. Impossible inputs (a share
outside 0–1, a negative count or cost, NaN) raise ``ValueError`` naming the parameter and its range.

:func:`parameters` gives every default with its source (a citation key from ``references.bib``), or,
where the sources give no number, a label starting "Assumption:". :func:`fit_growth` fits a growth
curve to the national uptake series.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

ArrayLike = float | np.ndarray

# --------------------------------------------------------------------------------------------------
# Parameters: allowed ranges, defaults and where they come from
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One model input: what it means, what is allowed, its default and where the default came from.

    ``minimum``/``maximum`` are the *allowed* values (outside them the model refuses). ``low``/``high``
    are a *plausible* range used by the one-at-a-time sensitivity analysis; they are narrower, and
    where the sources give no range they are an assumption too (said in ``range_source``).
    """

    name: str
    label: str
    minimum: float
    maximum: float
    default: float
    source: str
    low: float
    high: float
    range_source: str
    unit: str = "share"
    step: float = 0.05
    reader_max: float | None = None
    citation: str = ""

    @property
    def reader_maximum(self) -> float:
        """The top of the widget's slider (the model itself accepts up to ``maximum``)."""
        return self.maximum if self.reader_max is None else self.reader_max

    @property
    def is_assumption(self) -> bool:
        """True when the sources give no number for this default."""
        return self.source.startswith("Assumption")


#: Largest eligible population accepted (England's whole population is under 60 million).
MAX_POPULATION = 60_000_000
#: Largest money value accepted per holder or per area, in pounds (a guard against typing errors).
MAX_POUNDS = 1e9

# Parameters whose default comes from data/ carry these placeholders here; _sourced() fills them in
# from phb.data.figure(...), so no sourced number is typed in this module.
_FROM_DATA = math.nan
_FROM_DATA_TEXT = "read from data/ by parameters()"


def _from_data(
    name: str, label: str, minimum: float, maximum: float, range_source: str = _FROM_DATA_TEXT, **extra: Any
) -> Parameter:
    """A parameter whose default and plausible range are read from data/ (placeholders until then)."""
    return Parameter(
        name, label, minimum, maximum, _FROM_DATA, _FROM_DATA_TEXT, _FROM_DATA, _FROM_DATA, range_source, **extra
    )


_BASE: dict[str, Parameter] = {
    p.name: p
    for p in [
        Parameter(
            "population",
            "Eligible population in the area",
            0,
            MAX_POPULATION,
            2_000,
            "Assumption: a round number of people eligible in one area; the sources give no count of people eligible",
            500,
            5_000,
            "Assumption: a quarter to two and a half times the default",
            unit="people",
            step=100,
            reader_max=20_000,
        ),
        Parameter(
            "share_aware",
            "Share aware of budgets (offered one)",
            0,
            1,
            0.5,
            "Assumption: the 2011 study found very little was known about personal health budgets but gives no share",
            0.2,
            0.8,
            "Assumption",
        ),
        _from_data("share_consider", "Share who would consider a budget", 0, 1),
        Parameter(
            "support",
            "Support offered (0 none, 1 full)",
            0,
            1,
            0.5,
            "Assumption: a middle level of support; the sources say support matters but do not measure it",
            0.0,
            1.0,
            "the whole scale",
        ),
        Parameter(
            "completion_no_support",
            "Completion with no support",
            0,
            1,
            0.6,
            "Assumption: the sources give no completion rate",
            0.4,
            0.8,
            "Assumption",
        ),
        Parameter(
            "completion_full_support",
            "Completion with full support",
            0,
            1,
            0.9,
            "Assumption: the sources give no completion rate",
            0.8,
            1.0,
            "Assumption",
        ),
        Parameter(
            "share_agreed",
            "Share of completed plans agreed",
            0,
            1,
            0.9,
            "Assumption: the 2011 study mentions refused applications but gives no rate",
            0.75,
            1.0,
            "Assumption",
        ),
        _from_data("share_direct_payment", "Share of holders on a direct payment", 0, 1),
        _from_data("share_third_party", "Share of holders with a third-party budget", 0, 1),
        _from_data(
            "mean_budget",
            "Mean budget per holder per year (£)",
            0,
            MAX_POUNDS,
            range_source="Assumption: half to one and a half times the mean",
            unit="£",
            step=100,
            reader_max=20_000,
        ),
        _from_data(
            "implementation_cost",
            "One-off implementation cost per new holder (£)",
            0,
            MAX_POUNDS,
            unit="£",
            step=100,
            reader_max=5_000,
        ),
        Parameter(
            "double_running_share",
            "Double running (share of budgets)",
            0,
            1,
            0.25,
            "Assumption: the sources name the fear but give no share",
            0.0,
            0.5,
            "Assumption",
        ),
        _from_data(
            "fixed_cost",
            "Area set-up cost per year (£)",
            0,
            MAX_POUNDS,
            range_source="Assumption: half to twice the yearly figure",
            unit="£",
            step=1_000,
            reader_max=500_000,
        ),
    ]
}

#: Names of the funnel parameters (in funnel order) and of the cost parameters. The behaviour
#: parameters are the funnel's shares: what decides uptake as a share of the eligible.
FUNNEL_PARAMETERS = (
    "population",
    "share_aware",
    "share_consider",
    "support",
    "completion_no_support",
    "completion_full_support",
    "share_agreed",
)
BEHAVIOUR_PARAMETERS = FUNNEL_PARAMETERS[1:]
MIX_PARAMETERS = ("share_direct_payment", "share_third_party")
COST_PARAMETERS = ("mean_budget", "implementation_cost", "double_running_share", "fixed_cost")
ALL_PARAMETERS = FUNNEL_PARAMETERS + MIX_PARAMETERS + COST_PARAMETERS

#: Fewest and most Monte Carlo draws accepted. A 95% interval cuts 2.5% of the draws off each end:
#: with fewer than 1,000 draws an end rests on a couple of dozen draws or fewer, and with 1 draw
#: the "interval" is a single number.
MIN_DRAWS = 1_000
MAX_DRAWS = 10_000_000
MIN_DRAWS_REASON = "fewer leave under 25 draws beyond each end of a 95% interval"

#: The focus groups' size: what the earlier reading of "about half" as a count used (see
#: :func:`consider_beta`, kept to show what that reading claims; the model no longer uses it).
CONSIDER_COUNT_N = 58

#: Assumption: the lowest share who would consider a budget that the report's words allow. It calls
#: them "a significant minority" and "a significant number" but also "so few"; it gives no figure, so
#: one in ten is our reading of "significant". The upper end (under a half) is read from data/.
CONSIDER_FLOOR = 0.10

#: Assumption: the share of the Audit Commission's per-user implementation cost that the area's
#: set-up cost (the evaluation's infrastructure) may already pay for runs from none to all of it, so
#: the range tried starts at £0 (all of it already paid by the set-up cost).
IMPLEMENTATION_FLOOR = 0.0

#: Assumption: the spread of the mean budget in the Monte Carlo, as a multiple of the chosen mean
#: (the source gives a mean for one subgroup and no spread).
BUDGET_SPREAD = (0.5, 1.5)


@functools.lru_cache(maxsize=1)
def _sourced() -> dict[str, Parameter]:
    """The parameters with defaults and ranges read from ``data/`` (cached: figures do not change
    while the book runs)."""
    from phb.data import figure

    spec = dict(_BASE)
    not_consider, minority = figure("study2011_would_not_consider"), figure("study2011_would_consider_minority")
    ceiling = float(minority.upper)
    spec["share_consider"] = replace(
        spec["share_consider"],
        default=round((CONSIDER_FLOOR + ceiling) / 2, 4),
        low=CONSIDER_FLOOR,
        high=ceiling,
        citation=minority.citation,
        source=(
            f"NHS Confederation 2011, read from words, not a count: those who would consider a "
            f"budget are 'a minority', 'by no means a majority' ({minority.text}), 'so few', yet "
            f"the body says {not_consider.text} of the focus groups would not consider one. "
            f"The default is the middle of the range the words allow"
        ),
        range_source=(
            f"{minority.text} (the report's words); at least {CONSIDER_FLOOR:.0%} is our reading of 'significant'"
        ),
    )
    dp, tp = figure("uptake_2023_24_q4_direct_payment_pct"), figure("uptake_2023_24_q4_third_party_pct")
    poet_dp, tp_earlier = figure("poet2014_direct_payment"), figure("uptake_2022_23_q4_third_party_pct")
    spec["share_direct_payment"] = replace(
        spec["share_direct_payment"],
        default=dp.value / 100,
        low=dp.value / 100,
        high=poet_dp.lower / 100,
        citation=dp.citation,
        source=f"NHS Digital, year to date 2023/24 Q4: {dp.text} of budgets were direct payments",
        range_source=(f"NHS Digital 2023/24 ({dp.text}) to the 2014 POET survey's holders ({poet_dp.text})"),
    )
    spec["share_third_party"] = replace(
        spec["share_third_party"],
        default=tp.value / 100,
        low=min(tp.value, tp_earlier.value) / 100,
        high=max(tp.value, tp_earlier.value) / 100,
        citation=tp.citation,
        source=f"NHS Digital, year to date 2023/24 Q4: {tp.text} of budgets were held by a third party",
        range_source="NHS Digital 2022/23 and 2023/24",
    )
    budget = figure("nateval_mh_mean_budget")
    spec["mean_budget"] = replace(
        spec["mean_budget"],
        default=budget.value,
        low=budget.value / 2,
        high=budget.value * 1.5,
        citation=budget.citation,
        source=f"National evaluation, mental health subgroup: a mean budget of {budget.text} a year",
    )
    audit = figure("audit_commission_dp_cost_per_user")
    spec["implementation_cost"] = replace(
        spec["implementation_cost"],
        default=(IMPLEMENTATION_FLOOR + audit.upper) / 2,
        low=IMPLEMENTATION_FLOOR,
        high=audit.upper,
        citation=audit.citation,
        source=(
            f"Audit Commission (social care direct payments, 2000s prices, not uprated): a "
            f"one-off {audit.text} per user, charged once per new holder. The area set-up cost "
            "may already pay for part of it, so the default is the midpoint of £0 (all of it "
            "paid by the set-up) and the Commission's top; our choice"
        ),
        range_source=(
            f"£0 (all of it already in the area set-up: our assumption) to the Audit Commission's top ({audit.text})"
        ),
    )
    setup, years = figure("nateval_infrastructure_cost"), figure("nateval_infrastructure_years")
    per_year = setup.value / years.value
    spec["fixed_cost"] = replace(
        spec["fixed_cost"],
        default=per_year,
        low=per_year / 2,
        high=per_year * 2,
        citation=setup.citation,
        source=(
            f"National evaluation: infrastructure cost {setup.text} per CCG over the first "
            f"{years.text}, spread evenly over them"
        ),
    )
    return spec


def parameters() -> dict[str, Parameter]:
    """Every model parameter with its sourced default, read from ``data/``.

    ``citation`` is the key in ``references.bib``; a ``source`` starting "Assumption:" marks a
    default the sources give no number for.
    """
    return dict(_sourced())


@functools.lru_cache(maxsize=1)
def _default_values() -> dict[str, float]:
    return {name: p.default for name, p in _sourced().items()}


def defaults() -> dict[str, float]:
    """The default value of every parameter, by name."""
    return dict(_default_values())


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


def check(name: str, value: Any, minimum: float, maximum: float) -> ArrayLike:
    """Return ``value`` as a float (or float array) if every element lies in [minimum, maximum].

    Raises ``ValueError`` naming the parameter and the allowed range; NaN and non-numbers are refused.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if minimum <= number <= maximum:  # False for NaN
            return number
        raise ValueError(f"{name} must be between {minimum:g} and {maximum:g}; got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number between {minimum:g} and {maximum:g}; got {value!r}") from None
    ok = (array >= minimum) & (array <= maximum)
    if not np.all(ok):
        bad = array[~ok] if array.ndim else array
        raise ValueError(f"{name} must be between {minimum:g} and {maximum:g}; got {float(np.ravel(bad)[0])!r}")
    return float(array) if array.ndim == 0 else array


def _whole(name: str, value: Any, minimum: int, maximum: int | None, why: str = "") -> int:
    """``value`` as an int if it is a whole number in [minimum, maximum] (no maximum if None).

    Raises ``ValueError`` naming the parameter and its range: 2.5 draws are refused, not truncated.
    """
    span = f"from {minimum:,} to {maximum:,}" if maximum is not None else f"of at least {minimum:,}"
    reason = f" ({why})" if why else ""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not (
            math.isfinite(value) and value == int(value) and minimum <= value and (maximum is None or value <= maximum)
        )
    ):
        raise ValueError(f"{name} must be a whole number {span}{reason}; got {value!r}")
    return int(value)


def _check_all(values: Mapping[str, Any]) -> dict[str, ArrayLike]:
    spec = _BASE
    out = {}
    for name, value in values.items():
        p = spec[name]
        out[name] = check(name, value, p.minimum, p.maximum)
    return out


# --------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------


def completion_rate(
    support: ArrayLike, completion_no_support: ArrayLike, completion_full_support: ArrayLike
) -> ArrayLike:
    """Share of people who start assessment and support planning and finish it.

    A straight line from ``completion_no_support`` (support 0) to ``completion_full_support``
    (support 1). Straight because the sources say only that support helps, not how fast it stops
    helping; a curve would add a number nobody measured. More support never lowers completion: the
    full-support rate may not be below the no-support rate.
    """
    support = check("support", support, 0, 1)
    c0 = check("completion_no_support", completion_no_support, 0, 1)
    c1 = check("completion_full_support", completion_full_support, 0, 1)
    if np.any(np.asarray(c1) < np.asarray(c0)):
        raise ValueError(
            "completion_full_support must be at least completion_no_support "
            "(support cannot lower completion); got "
            f"{float(np.ravel(c1)[0])!r} < {float(np.ravel(c0)[0])!r}"
        )
    return c0 + (c1 - c0) * support


def funnel(
    population: ArrayLike,
    share_aware: ArrayLike,
    share_consider: ArrayLike,
    support: ArrayLike,
    completion_no_support: ArrayLike,
    completion_full_support: ArrayLike,
    share_agreed: ArrayLike,
) -> dict[str, ArrayLike]:
    """People at each step from eligible to holding a budget (expected numbers, not whole people).

    Each step keeps a share of the one before, so holders can never exceed the eligible population.
    ``uptake`` is holders as a share of the eligible (0 when nobody is eligible).
    """
    population = check("population", population, 0, MAX_POPULATION)
    aware = population * check("share_aware", share_aware, 0, 1)
    consider = aware * check("share_consider", share_consider, 0, 1)
    complete = consider * completion_rate(support, completion_no_support, completion_full_support)
    holders = complete * check("share_agreed", share_agreed, 0, 1)
    uptake = np.divide(
        holders, population, out=np.zeros_like(np.asarray(holders, dtype=float)), where=np.asarray(population) > 0
    )
    return {
        "eligible": population,
        "aware": aware,
        "consider": consider,
        "complete": complete,
        "holders": holders,
        "uptake": float(uptake) if np.ndim(uptake) == 0 else uptake,
    }


def mix(holders: ArrayLike, share_direct_payment: ArrayLike, share_third_party: ArrayLike) -> dict[str, ArrayLike]:
    """Split holders into notional, third-party and direct-payment budgets (notional is the rest)."""
    dp = check("share_direct_payment", share_direct_payment, 0, 1)
    tp = check("share_third_party", share_third_party, 0, 1)
    if np.any(np.asarray(dp) + np.asarray(tp) > 1 + 1e-12):
        raise ValueError(
            "share_direct_payment + share_third_party must be between 0 and 1; got "
            f"{float(np.ravel(np.asarray(dp) + np.asarray(tp))[0])!r}"
        )
    notional_share = np.maximum(1 - dp - tp, 0.0)
    return {"notional": holders * notional_share, "third_party": holders * tp, "direct_payment": holders * dp}


def costs(
    holders: ArrayLike,
    mean_budget: ArrayLike,
    implementation_cost: ArrayLike,
    double_running_share: ArrayLike,
    fixed_cost: ArrayLike,
) -> dict[str, ArrayLike]:
    """The costs to the area of the scheme's first year, in pounds.

    The year modelled is the first: every holder is new in it, the area set-up cost falls in it, and
    a one-off cost per holder is charged once. In a later year only new holders would bring an
    implementation cost and the set-up would be over; the budgets and double running recur.

    - ``budgets``: the money in the budgets held (it replaces services, so it is not all new money);
    - ``implementation``: the one-off cost of advice, training and staff per new holder (the Audit
      Commission's social-care range, in 2000s prices, is the only measured figure; part of it may
      already be in the area set-up cost, which is why its range starts at zero);
    - ``double_running``: the part of the budgets' value still paid to existing services that cannot
      be closed while most people stay on them — the reader sets the share;
    - ``fixed``: the area's set-up cost, paid whatever the uptake;
    - ``extra``: everything except the budgets themselves (the cost of the change);
    - ``per_holder`` and ``extra_per_holder``: divided by the holders, counting at least one holder,
      so that an area where almost nobody takes a budget shows its whole cost on that one person
      rather than an infinite number.
    """
    holders = check("holders", holders, 0, MAX_POPULATION)
    budget = check("mean_budget", mean_budget, 0, MAX_POUNDS)
    budgets = holders * budget
    implementation = holders * check("implementation_cost", implementation_cost, 0, MAX_POUNDS)
    double_running = budgets * check("double_running_share", double_running_share, 0, 1)
    fixed = check("fixed_cost", fixed_cost, 0, MAX_POUNDS) + 0.0 * holders
    extra = implementation + double_running + fixed
    total = budgets + extra
    divisor = np.maximum(holders, 1.0)
    return {
        "budgets": budgets,
        "implementation": implementation,
        "double_running": double_running,
        "fixed": fixed,
        "extra": extra,
        "total": total,
        "per_holder": total / divisor,
        "extra_per_holder": extra / divisor,
    }


def evaluate(**params: ArrayLike) -> dict[str, ArrayLike]:
    """Run the whole model: the funnel, the mix and the costs. Missing parameters take defaults.

    Returns one flat mapping (``eligible`` … ``holders``, ``notional``, ``third_party``,
    ``direct_payment``, ``budgets`` … ``extra_per_holder``), of floats, or of arrays if any
    parameter was an array.
    """
    unknown = set(params) - set(_BASE)
    if unknown:
        raise ValueError(f"unknown parameter(s) {sorted(unknown)}; allowed: {list(ALL_PARAMETERS)}")
    base = _default_values()
    p = {name: params.get(name, base[name]) for name in ALL_PARAMETERS}
    steps = funnel(*(p[n] for n in FUNNEL_PARAMETERS))
    split = mix(steps["holders"], *(p[n] for n in MIX_PARAMETERS))
    money = costs(steps["holders"], *(p[n] for n in COST_PARAMETERS))
    return {**steps, **split, **money}


# --------------------------------------------------------------------------------------------------
# Uncertainty: Monte Carlo
# --------------------------------------------------------------------------------------------------


def consider_beta(share: float = 0.5, n: int = CONSIDER_COUNT_N) -> stats.rv_continuous:
    """The Beta a *count* of ``k = round(share * n)`` of ``n`` would give (uniform prior).

    Kept to show what reading "about half" as a count claims: Beta(30, 30) from "29 of 58" is far
    narrower than the report's words allow, because the report gives no count, its words disagree
    ("about half" would not consider; "most" did not think budgets right for them; "so few" would
    consider one) and a focus group's impression is not a tally. The model uses
    :func:`consider_range` instead.
    """
    share = check("share", share, 0, 1)
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be a whole number of at least 1; got {n!r}")
    k = int(round(share * n))
    return stats.beta(k + 1, n - k + 1)


def consider_range(share: float) -> stats.rv_continuous:
    """The distribution the Monte Carlo draws the share who would consider a budget from.

    Uniform, as wide as the range the report's words allow (see :func:`parameters`), centred on the
    chosen share and kept inside 0 to 1: the words bound the share but say nothing about where in
    the range it lies, and they are not a count, so no Beta from a count is used.
    """
    share = check("share_consider", share, 0, 1)
    spec = _sourced()["share_consider"]
    half = (spec.high - spec.low) / 2
    low, high = max(share - half, 0.0), min(share + half, 1.0)
    return stats.uniform(low, max(high - low, 1e-9))


def beta_around(mean: float, concentration: float, name: str = "mean") -> stats.rv_continuous:
    """A Beta with the given mean and ``concentration`` = a + b (how many observations' worth of
    certainty). Used for shares the sources give no count for; the concentration is an assumption.
    """
    mean = check(name, mean, 0, 1)
    concentration = check("concentration", concentration, 1e-9, 1e9)
    mean = min(max(mean, 1e-6), 1 - 1e-6)  # a Beta needs a mean strictly inside (0, 1)
    return stats.beta(mean * concentration, (1 - mean) * concentration)


#: Assumption: how sure we are of shares the sources give no count for, as a number of observations.
ASSUMPTION_CONCENTRATION = 20.0


@dataclass(frozen=True)
class MonteCarlo:
    """Draws of the uncertain inputs and the model's outputs for each draw (arrays, one per name)."""

    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]
    distributions: dict[str, str] = field(default_factory=dict)

    def summary(
        self, names: Sequence[str] = ("holders", "total", "extra", "per_holder"), level: float = 0.95
    ) -> pd.DataFrame:
        """Median and central interval of each output."""
        lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
        rows = []
        for name in names:
            values = self.outputs[name]
            q = np.quantile(values, [lo, 0.5, hi])
            rows.append({"output": name, "median": q[1], "lower": q[0], "upper": q[2]})
        return pd.DataFrame(rows)


def monte_carlo(
    draws: int = 100_000, seed: int = 2011, concentration: float = ASSUMPTION_CONCENTRATION, **params: float
) -> MonteCarlo:
    """Evaluate the model for ``draws`` random settings of the uncertain inputs, in one array pass.

    Uncertain inputs and their distributions:

    - ``share_consider``: :func:`consider_range` around the chosen share (the report's words, not
      a count);
    - ``implementation_cost``: uniform over the parameter's range (£0, all of it already in the set-up
      cost, to the Audit Commission's top), because nothing says where in it costs lie;
    - ``share_aware``, ``completion_no_support``, ``share_agreed`` and ``double_running_share``:
      Betas around the chosen values with ``concentration`` (an assumption: the sources give no
      count). Double running is drawn because it moves the cost most of all;
    - ``mean_budget``: uniform from :data:`BUDGET_SPREAD` times the chosen mean (the source gives a
      mean for one subgroup and no spread);
    - the rest (population, support, the set-up cost) stay at the values given: they describe the
      area being modelled, not quantities anyone measured.

    The seed makes the draws the same on every run.
    """
    draws = _whole("draws", draws, MIN_DRAWS, MAX_DRAWS, MIN_DRAWS_REASON)
    seed = _whole("seed", seed, 0, None)
    p = {**_default_values(), **_check_all(params)}
    rng = np.random.default_rng(seed)
    spec = _sourced()["implementation_cost"]
    dists = {
        "share_consider": consider_range(p["share_consider"]),
        "share_aware": beta_around(p["share_aware"], concentration, "share_aware"),
        "completion_no_support": beta_around(p["completion_no_support"], concentration, "completion_no_support"),
        "share_agreed": beta_around(p["share_agreed"], concentration, "share_agreed"),
        "implementation_cost": stats.uniform(spec.low, spec.high - spec.low),
        "double_running_share": beta_around(p["double_running_share"], concentration, "double_running_share"),
        "mean_budget": stats.uniform(
            BUDGET_SPREAD[0] * p["mean_budget"], max((BUDGET_SPREAD[1] - BUDGET_SPREAD[0]) * p["mean_budget"], 1e-9)
        ),
    }
    inputs = {name: d.rvs(size=draws, random_state=rng) for name, d in dists.items()}
    # A drawn no-support completion above the full-support rate would let support lower completion.
    inputs["completion_no_support"] = np.minimum(inputs["completion_no_support"], p["completion_full_support"])
    outputs = evaluate(**{**p, **inputs})
    described = {name: f"{d.dist.name}{tuple(round(float(a), 3) for a in d.args)}" for name, d in dists.items()}
    return MonteCarlo(inputs, outputs, described)


# --------------------------------------------------------------------------------------------------
# Which assumptions matter: one-at-a-time sensitivity
# --------------------------------------------------------------------------------------------------


def sensitivity(
    output: str = "holders",
    names: Sequence[str] | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    **params: float,
) -> pd.DataFrame:
    """Move one parameter at a time from its plausible low to its plausible high, others held at
    ``params`` (or their defaults), and record ``output`` at each end: the data of a tornado chart.

    Rows are sorted by swing (largest first). ``ranges`` overrides a parameter's (low, high).
    """
    base = {**_default_values(), **_check_all(params)}
    names = list(names or [n for n in ALL_PARAMETERS if n not in MIX_PARAMETERS])
    spec = parameters()
    result_base = evaluate(**base)
    if output not in result_base:
        raise ValueError(f"output must be one of {sorted(result_base)}; got {output!r}")
    # Vectorised: one evaluation with every low and high setting stacked as arrays.
    columns = {n: np.full(2 * len(names), base[n], dtype=float) for n in ALL_PARAMETERS}
    lows, highs = [], []
    for i, name in enumerate(names):
        low, high = (ranges or {}).get(name, (spec[name].low, spec[name].high))
        lows.append(low)
        highs.append(high)
        columns[name][2 * i] = low
        columns[name][2 * i + 1] = high
    # Keep support from lowering completion when the no-support end passes the full-support end.
    columns["completion_full_support"] = np.maximum(
        columns["completion_full_support"], columns["completion_no_support"]
    )
    values = evaluate(**columns)[output]
    frame = pd.DataFrame(
        {
            "parameter": names,
            "label": [spec[n].label for n in names],
            "low": lows,
            "high": highs,
            "at_low": values[0::2],
            "at_high": values[1::2],
            "range_source": [spec[n].range_source for n in names],
        }
    )
    frame["base"] = float(result_base[output])
    frame["swing"] = (frame["at_high"] - frame["at_low"]).abs()
    return frame.sort_values("swing", ascending=False, ignore_index=True)


# --------------------------------------------------------------------------------------------------
# Uptake over time: a growth curve fitted to the national series
# --------------------------------------------------------------------------------------------------


def _log_logistic(t: np.ndarray, log_ceiling: float, rate: float, midpoint: float) -> np.ndarray:
    return log_ceiling - np.log1p(np.exp(-rate * (t - midpoint)))


def _log_exponential(t: np.ndarray, log_level: float, rate: float) -> np.ndarray:
    return log_level + rate * (t - 2015.0)


CURVES = {"logistic": _log_logistic, "exponential": _log_exponential}


@dataclass(frozen=True)
class GrowthFit:
    """A growth curve fitted on the log scale (errors in proportion to size), with its uncertainty."""

    curve: str
    params: np.ndarray
    covariance: np.ndarray
    years: np.ndarray
    counts: np.ndarray
    label: str

    def predict(self, years: ArrayLike) -> np.ndarray:
        """Fitted count at each (decimal) year."""
        return np.exp(CURVES[self.curve](np.asarray(years, dtype=float), *self.params))

    def band(
        self, years: ArrayLike, level: float = 0.95, draws: int = 2_000, seed: int = 2011
    ) -> tuple[np.ndarray, np.ndarray]:
        """A central interval of the fitted curve: parameter sets drawn from the fit's covariance.

        This is uncertainty in the curve given its shape and these points only; it says nothing
        about definitions changing or about whether growth will follow the curve at all.
        """
        rng = np.random.default_rng(seed)
        cov = np.nan_to_num(self.covariance, nan=0.0, posinf=0.0, neginf=0.0)
        sets = rng.multivariate_normal(self.params, cov, size=draws, method="svd")
        t = np.asarray(years, dtype=float)
        curves = np.exp(CURVES[self.curve](t[None, :], *(sets[:, [i]] for i in range(sets.shape[1]))))
        lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
        return np.quantile(curves, lo, axis=0), np.quantile(curves, hi, axis=0)

    @property
    def doubling_time(self) -> float:
        """Years for the count to double while growth is still near exponential."""
        return math.log(2) / self.params[1]

    @property
    def ceiling(self) -> float | None:
        """The logistic's ceiling (None for an exponential, which has none)."""
        return float(np.exp(self.params[0])) if self.curve == "logistic" else None

    @property
    def ceiling_at_bound(self) -> bool:
        """True if the fitted ceiling sits on its upper bound: the points do not identify it."""
        return self.curve == "logistic" and self.params[0] >= math.log(CEILING_BOUND) - 1e-3


#: Upper bound on a logistic ceiling: a generous number of people, so that a fit pressing against it
#: can be recognised as "the data do not show a ceiling".
CEILING_BOUND = 10_000_000


def fit_growth(years: ArrayLike, counts: ArrayLike, curve: str = "logistic", label: str = "") -> GrowthFit:
    """Fit ``curve`` ("logistic" or "exponential") to counts by least squares on the log scale."""
    if curve not in CURVES:
        raise ValueError(f"curve must be one of {sorted(CURVES)}; got {curve!r}")
    t = np.asarray(check("years", years, 1990, 2100), dtype=float).ravel()
    y = np.asarray(check("counts", counts, 1, MAX_POPULATION), dtype=float).ravel()
    if len(t) != len(y):
        raise ValueError(f"years and counts must have the same length; got {len(t)} and {len(y)}")
    needed = 3 if curve == "logistic" else 2
    if len(t) < needed + 1:
        raise ValueError(f"a {curve} fit needs at least {needed + 1} points; got {len(t)}")
    if curve == "logistic":
        p0 = [math.log(2 * y.max()), 0.7, float(np.median(t)) + 2]
        bounds = ([math.log(y.max()), 0.01, 2000.0], [math.log(CEILING_BOUND), 5.0, 2060.0])
    else:
        p0 = [math.log(y.min()), 0.5]
        bounds = ([0.0, -5.0], [math.log(MAX_POPULATION), 5.0])
    params, cov = optimize.curve_fit(CURVES[curve], t, np.log(y), p0=p0, bounds=bounds, maxfev=20_000)
    return GrowthFit(curve, params, cov, t, y, label or curve)


def fit_series(series: pd.DataFrame, count_basis: Sequence[str], curve: str, label: str) -> GrowthFit:
    """Fit a curve to the rows of a national series whose ``count_basis`` is in ``count_basis``.

    ``series`` needs columns ``year`` (decimal), ``people`` and ``count_basis``.
    """
    rows = series[series["count_basis"].isin(list(count_basis))]
    return fit_growth(rows["year"], rows["people"], curve=curve, label=label)


#: The count bases comparable enough to fit a curve to: not new budgets in a year (a flow, not a stock).
GROWTH_BASES = ("total", "live", "year_to_date")


def growth_series() -> pd.DataFrame:
    """The national counts the growth fits use: :func:`phb.data.uptake.national_series` (all budgets,
    the one reader of the counts and their dates), less new budgets in a year."""
    from phb.data.uptake import national_series

    series = national_series()
    return series[series["count_basis"].isin(GROWTH_BASES)].reset_index(drop=True)


def growth_targets(latest: float | None = None, latest_period: str = "") -> pd.DataFrame:
    """National targets for the number of people with a budget, one row per point to plot against
    the growth fits, from :func:`phb.data.uptake.targets` (the one reader of the targets).

    A range target gives two rows (its ends); an "up to" target its ceiling. A target stated as a
    multiple ("double") is applied to ``latest`` (the latest count, our reading of its base) and
    left out when ``latest`` is None. Targets for people *offered* a budget are left out: they
    count something else. Columns ``target``, ``year`` (decimal, see
    :func:`phb.data.uptake.period_end`), ``people``, ``deadline``.
    """
    from phb.data.uptake import targets

    out = []
    for r in targets().to_dict("records"):
        label, point = f"{r['set_by']}, {r['deadline']}", {"year": r["year"], "deadline": r["deadline"]}
        if r["unit"] == "times":
            if latest is not None:
                out.append(
                    {
                        "target": f"{label}: {r['value']:g} × the {latest_period} count (our reading of the base)",
                        "people": r["value"] * latest,
                        **point,
                    }
                )
        elif r["counts_holders"] and pd.notna(r["low"]) and r["low"] != r["high"]:
            out += [
                {"target": f"{label} (low end)", "people": float(r["low"]), **point},
                {"target": f"{label} (high end)", "people": float(r["high"]), **point},
            ]
        elif r["counts_holders"]:
            out.append({"target": label, "people": float(r["high"]), **point})
    return pd.DataFrame(out, columns=["target", "year", "people", "deadline"])


def growth_table(fits: Sequence[GrowthFit], years: ArrayLike, level: float = 0.95) -> pd.DataFrame:
    """Each fit's curve and interval over ``years``: the data of the growth chart."""
    t = np.asarray(years, dtype=float)
    frames = []
    for f in fits:
        lo, hi = f.band(t, level=level)
        frames.append(pd.DataFrame({"fit": f.label, "year": t, "fitted": f.predict(t), "lower": lo, "upper": hi}))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------------
# Convenience for charts and the twin
# --------------------------------------------------------------------------------------------------

#: Readable names of the funnel steps, in order.
STEP_LABELS = {
    "eligible": "Eligible",
    "aware": "Aware of budgets",
    "consider": "Would consider one",
    "complete": "Completes assessment and planning",
    "holders": "Holds a budget",
}
#: Readable names of the cost parts.
COST_LABELS = {
    "budgets": "Budgets held",
    "implementation": "Implementation",
    "double_running": "Double running",
    "fixed": "Area set-up",
}
#: Readable names of the budget types.
MIX_LABELS = {"notional": "Notional", "third_party": "Third party", "direct_payment": "Direct payment"}


def summary_table(result: Mapping[str, ArrayLike], parts: Sequence[str] = ("funnel", "mix", "costs")) -> pd.DataFrame:
    """One model result as a readable table (what the widget and the chapter show).

    ``parts`` picks the rows: the funnel steps, the mix of budget types, the costs.
    """
    rows = []
    if "funnel" in parts:
        rows += [(STEP_LABELS[k], result[k], "people") for k in STEP_LABELS]
    if "mix" in parts:
        rows += [(f"Holders with a {MIX_LABELS[k].lower()} budget", result[k], "people") for k in MIX_LABELS]
    if "costs" in parts:
        rows += [(COST_LABELS[k], result[k], "£, first year") for k in COST_LABELS]
        rows += [
            ("Total cost", result["total"], "£, first year"),
            ("Cost of the change (all but the budgets)", result["extra"], "£, first year"),
            ("Total cost per holder", result["per_holder"], "£, first year"),
            ("Cost of the change per holder", result["extra_per_holder"], "£, first year"),
        ]
    return pd.DataFrame(
        {"measure": [r[0] for r in rows], "value": [round(float(r[1])) for r in rows], "unit": [r[2] for r in rows]}
    )


def scenario(**values: float | None) -> dict[str, float]:
    """A full, validated parameter set from a chapter's ``parameters`` cell: ``None`` means "the
    sourced default", so that the cell types no figure and papermill can override any of them."""
    return with_defaults(**{k: v for k, v in values.items() if v is not None})


def parameter_table(chosen: Mapping[str, float]) -> pd.DataFrame:
    """Every assumption: the value used, the sourced default, where it comes from, the range the
    sensitivity analysis tries. What the chapter shows so a reader can see what is data and what is
    not."""

    def fmt(p: Parameter, v: float) -> str:
        if p.unit == "£":
            return f"£{v:,.0f}"
        if p.unit == "people":
            return f"{v:,.0f}"
        return f"{v:.0%}" if p.name != "support" else f"{v:.2f}"

    rows = []
    for name, p in parameters().items():
        rows.append(
            {
                "Assumption": p.label,
                "Used here": fmt(p, chosen[name]),
                "Default": fmt(p, p.default),
                "Where the default comes from": p.source,
                "Range tried": f"{fmt(p, p.low)} to {fmt(p, p.high)}",
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class GrowthAnalysis:
    """The national series and three fits: what the chapter's growth section shows."""

    series: pd.DataFrame
    totals: GrowthFit  # exponential, point-in-time totals only (comparable points)
    totals_logistic: GrowthFit  # logistic on the same points: shows whether a ceiling is visible
    mixed: GrowthFit  # logistic on totals and year-to-date counts together

    def table(
        self, start: float = 2014.5, stop: float = 2030.0, step: float = 0.5, cap: float = 1_000_000
    ) -> pd.DataFrame:
        """Both plotted fits over ``start``..``stop``, dropping points beyond ``cap`` people (an
        exponential left to run leaves any sensible axis). Counts are rounded to three significant
        figures: enough to draw a smooth curve, and more than the fits can support (the prose quotes
        two)."""
        years = np.arange(start, stop + step / 2, step)
        frame = growth_table([self.totals, self.mixed], years)
        frame = frame[frame["upper"] <= cap].reset_index(drop=True)
        for column in ("fitted", "lower", "upper"):
            frame[column] = [round_to_figures(float(v), 3) for v in frame[column]]
        return frame


def growth_analysis(series: pd.DataFrame | None = None) -> GrowthAnalysis:
    """Fit the national series two ways: comparable points only, and every point together."""
    series = growth_series() if series is None else series
    return GrowthAnalysis(
        series,
        fit_series(series, ["total"], "exponential", "Totals only (exponential)"),
        fit_series(series, ["total"], "logistic", "Totals only (logistic)"),
        fit_series(series, ["total", "year_to_date"], "logistic", "Totals and year-to-date together (logistic)"),
    )


def round_to_figures(value: float, figures: int = 2) -> float:
    """``value`` rounded to ``figures`` significant figures: what a fit to a handful of counts,
    counted in ways not all known, can support (212,345 -> 210,000)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, figures - 1 - int(math.floor(math.log10(abs(value)))))


def with_defaults(**params: float) -> dict[str, float]:
    """Defaults overridden by ``params`` (validated)."""
    return {**_default_values(), **_check_all(params)}


__all__ = [
    "GrowthAnalysis",
    "growth_analysis",
    "growth_series",
    "growth_targets",
    "parameter_table",
    "scenario",
    "ALL_PARAMETERS",
    "COST_LABELS",
    "CURVES",
    "GrowthFit",
    "MIX_LABELS",
    "MonteCarlo",
    "Parameter",
    "STEP_LABELS",
    "beta_around",
    "check",
    "completion_rate",
    "consider_beta",
    "consider_range",
    "round_to_figures",
    "costs",
    "defaults",
    "evaluate",
    "fit_growth",
    "fit_series",
    "funnel",
    "growth_table",
    "mix",
    "monte_carlo",
    "parameters",
    "sensitivity",
    "summary_table",
    "with_defaults",
]
