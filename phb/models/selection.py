"""A seeded simulation of self-selection: when the people who answer a survey are not like the rest.

The POET surveys and the 2011 NHS Confederation survey were answered by whoever chose to answer.
Suppose one trait — call it *engagement* — makes a person both more likely to fill in a survey and
more likely to report a good outcome (an engaged budget holder asks for help, plans, and gets more
out of the budget). Then the people who answer are better off than those who do not, and the
survey's share reporting a good outcome is above the truth, however many people answer.

The model, all of it vectorised over one seeded population:

* each person ``i`` has engagement ``e_i`` drawn from a standard normal distribution;
* the chance of a good outcome is ``logistic(a + outcome_link · e_i)``, with ``a`` set so that the
  population's share with a good outcome is ``true_share``;
* the chance of answering is ``logistic(b + strength · e_i)``, with ``b`` set so that the average
  response rate is ``response_rate``. ``strength`` is the selection strength: 0 means answering has
  nothing to do with engagement (a random sample), larger values mean engaged people are ever more
  likely to be the ones who answer. Each unit is a change of one in the log-odds of answering per
  standard deviation of engagement (strength 1: about 2.7 times the odds).

:func:`simulate` reports the truth, the share a survey of respondents would report on average (its
*expected estimate*: the bias alone, no sampling noise), and one seeded survey of ``survey_size``
respondents with its Wilson interval — which narrows around the wrong value as the survey grows.

All numbers are Assumption: illustrative, not estimates for any real survey. The sources give no
response rates and nothing about who did not answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from phb.models import stats

#: The seed for every random draw in this module, so that the book's numbers never change.
SEED = 20141028

#: Assumption: size of the simulated population of budget holders (large enough that the
#: population's own randomness is negligible; small enough to simulate in milliseconds).
POPULATION_SIZE = 20_000

#: Assumption: the population's true share with a good outcome (illustrative, not a source figure).
TRUE_SHARE = 0.7

#: Assumption: how strongly engagement raises the chance of a good outcome (log-odds per SD).
OUTCOME_LINK = 1.0

#: Assumption: the share of the population who answer the survey (no source gives a response rate).
RESPONSE_RATE = 0.2

#: The strongest selection the model accepts (the most engaged fifth then answers hundreds of times
#: as often as the least engaged fifth: beyond any plausible survey).
MAX_STRENGTH = 3.0

#: Assumption: default selection strength (the most engaged fifth about 9 times as likely to answer
#: as the least engaged fifth). No source measures it.
STRENGTH = 1.0

#: Assumption: default survey size, set near the 2014 POET survey's 129 budget holders.
SURVEY_SIZE = 130


@dataclass(frozen=True)
class Population:
    """The random parts of the simulated population, drawn once from a fixed seed.

    Keeping the draws fixed while the settings move ("common random numbers") makes curves smooth:
    a change in the result is caused by the change in the setting, not by a fresh random draw.
    """

    engagement: np.ndarray  # each person's engagement, standard normal
    outcome_draw: np.ndarray  # uniform draws deciding each person's outcome
    answer_key: np.ndarray  # exponential draws ordering who answers (weighted sampling keys)


@lru_cache(maxsize=8)
def population(size: int = POPULATION_SIZE, seed: int = SEED) -> Population:
    """The simulated population (cached: the same ``size`` and ``seed`` give the same arrays)."""
    size = stats._check_count("size", size, minimum=100)
    rng = np.random.default_rng(seed)
    engagement = rng.standard_normal(size)
    outcome_draw = rng.random(size)
    answer_key = rng.exponential(size=size)
    for array in (engagement, outcome_draw, answer_key):
        array.setflags(write=False)
    return Population(engagement, outcome_draw, answer_key)


def _intercept(slope: float, engagement: np.ndarray, target: float) -> float:
    """The intercept ``a`` with mean(logistic(a + slope·e)) = target (solved numerically)."""
    if target <= 0.0:
        return -math.inf
    if target >= 1.0:
        return math.inf

    def gap(a: float) -> float:
        return float(expit(a + slope * engagement).mean()) - target

    span = 50.0 + 10.0 * abs(slope)
    return brentq(gap, -span, span, xtol=1e-12)


@lru_cache(maxsize=64)
def _outcomes(true_share: float, outcome_link: float, size: int, seed: int) -> np.ndarray:
    """Who has a good outcome (a fixed draw for the given settings; cached, read-only)."""
    e = population(size, seed).engagement
    p_good = expit(_intercept(outcome_link, e, true_share) + outcome_link * e)
    good = population(size, seed).outcome_draw < p_good
    good.setflags(write=False)
    return good


@lru_cache(maxsize=256)
def _answer_chances(strength: float, response_rate: float, size: int, seed: int) -> np.ndarray:
    """Each person's chance of answering at this selection strength (cached, read-only)."""
    e = population(size, seed).engagement
    p_answer = expit(_intercept(strength, e, response_rate) + strength * e)
    p_answer.setflags(write=False)
    return p_answer


def _check_settings(
    strength: float, true_share: float, outcome_link: float, response_rate: float, survey_size: int, size: int
) -> tuple:
    strength = stats._check_real("strength", strength)
    if not 0.0 <= strength <= MAX_STRENGTH:
        raise ValueError(f"strength must be between 0 and {MAX_STRENGTH:g}; got {strength!r}")
    true_share = stats._check_share("true_share", true_share)
    outcome_link = stats._check_real("outcome_link", outcome_link)
    if not -5.0 <= outcome_link <= 5.0:
        raise ValueError(f"outcome_link must be between -5 and 5; got {outcome_link!r}")
    response_rate = stats._check_real("response_rate", response_rate)
    if not 0.0 < response_rate <= 1.0:
        raise ValueError(f"response_rate must be above 0 and at most 1; got {response_rate!r}")
    size = stats._check_count("size", size, minimum=100)
    survey_size = stats._check_count("survey_size", survey_size, 1, size, "size")
    return strength, true_share, outcome_link, response_rate, survey_size, size


def simulate(
    strength: float,
    *,
    true_share: float = TRUE_SHARE,
    outcome_link: float = OUTCOME_LINK,
    response_rate: float = RESPONSE_RATE,
    survey_size: int = SURVEY_SIZE,
    size: int = POPULATION_SIZE,
    seed: int = SEED,
) -> dict[str, float]:
    """One self-selected survey at selection ``strength``, against the truth.

    Returns a mapping with:

    * ``truth`` — the share of the whole simulated population with a good outcome;
    * ``expected`` — the share among respondents on average (what an endless run of such surveys
      would report): the estimate with its bias but without sampling noise;
    * ``bias`` — ``expected − truth``;
    * ``estimate``, ``lower``, ``upper`` — one survey of ``survey_size`` respondents (drawn with
      chances proportional to each person's chance of answering) and its 95% Wilson interval;
    * ``covers`` — 1.0 if that interval contains the truth, else 0.0;
    * ``engaged_ratio`` — how many times more likely the most engaged fifth is to answer than the
      least engaged fifth (a readable translation of ``strength``).
    """
    strength, true_share, outcome_link, response_rate, survey_size, size = _check_settings(
        strength, true_share, outcome_link, response_rate, survey_size, size
    )
    pop = population(size, seed)
    e = pop.engagement
    good = _outcomes(true_share, outcome_link, size, seed)
    p_answer = _answer_chances(strength, response_rate, size, seed)

    truth = float(good.mean())
    expected = float((p_answer * good).sum() / p_answer.sum())
    # Weighted sampling without replacement (Efraimidis–Spirakis, in exponential form): the
    # survey_size people with the smallest key/weight answer first.
    order = np.argpartition(pop.answer_key / p_answer, survey_size - 1)[:survey_size]
    successes = int(good[order].sum())
    ci = stats.wilson(successes, survey_size)
    quintiles = np.quantile(e, [0.2, 0.8])
    low_fifth = p_answer[e <= quintiles[0]].mean()
    high_fifth = p_answer[e >= quintiles[1]].mean()
    return {
        "truth": truth,
        "expected": expected,
        "bias": expected - truth,
        "estimate": ci.estimate,
        "lower": ci.lower,
        "upper": ci.upper,
        "covers": float(ci.lower <= truth <= ci.upper),
        "engaged_ratio": float(high_fifth / low_fifth),
    }


def bias_curve(strengths: np.ndarray | list[float] | None = None, **settings: float) -> pd.DataFrame:
    """:func:`simulate` at each selection strength (default 0 to 2 in steps of 0.1), one row each."""
    if strengths is None:
        strengths = np.round(np.arange(0, 2.0001, 0.1), 10)
    rows = [{"strength": float(s), **simulate(float(s), **settings)} for s in strengths]
    return pd.DataFrame(rows)


def coverage(
    strength: float,
    *,
    surveys: int = 200,
    survey_size: int = SURVEY_SIZE,
    true_share: float = TRUE_SHARE,
    outcome_link: float = OUTCOME_LINK,
    response_rate: float = RESPONSE_RATE,
    size: int = POPULATION_SIZE,
    seed: int = SEED,
) -> float:
    """The share of ``surveys`` repeated self-selected surveys whose 95% interval holds the truth.

    Each survey is a fresh seeded draw of who answers (the population stays the same). With no
    selection this is close to 95%; as selection strengthens it falls, and faster for larger surveys.
    """
    strength, true_share, outcome_link, response_rate, survey_size, size = _check_settings(
        strength, true_share, outcome_link, response_rate, survey_size, size
    )
    surveys = stats._check_count("surveys", surveys, minimum=1)
    good = _outcomes(true_share, outcome_link, size, seed)
    truth = good.mean()
    p_answer = _answer_chances(strength, response_rate, size, seed)
    rng = np.random.default_rng([seed, 1])
    keys = rng.exponential(size=(surveys, size)) / p_answer
    chosen = np.argpartition(keys, survey_size - 1, axis=1)[:, :survey_size]
    successes = good[chosen].sum(axis=1)
    hits = 0
    for k in successes:
        ci = stats.wilson(int(k), survey_size)
        hits += ci.lower <= truth <= ci.upper
    return hits / surveys
