"""Who gets personal budgets compared with who needs them: a grouped model of take-up and its gap.

Why this model: the sharpest worry in the sources is that budgets go to the articulate and well-off
and so widen health inequalities. Whether they do depends on three things the reader can vary: how
need is spread across groups, how likely each group is to take a budget up (its *propensity*: being
aware of budgets and confident enough to go through the process), and how much a holder gains. A
support and advocacy lever closes part of the gap in propensity.

The model, for groups t = 1..T with population share f_t, relative need per head n_t, propensity p_t
and benefit per holder b_t:

- eligible people in group t are proportional to f_t n_t, so budgets per head of the whole
  population are B_t = f_t n_t p_t and benefit is H_t = B_t b_t;
- advocacy a (0 to 1) closes that share of each group's gap to the highest propensity:
  p'_t = p_t + a (max p - p_t);
- share of budgets s_t = B_t / sum B against share of need q_t = f_t n_t / sum f n. With equal
  propensities the two are equal: budgets follow need.

The gap is measured two ways. For groups with a natural order from most to least disadvantaged
(deprivation quintiles), by the **concentration index** computed with the grouped-data formula

    C = (2 / mu) * sum_t f_t mu_t R_t - 1,    R_t = sum_{j<t} f_j + f_t / 2,

where mu_t is the group mean (per head), mu the overall mean and R_t the fractional rank of the
group's midpoint (Kakwani, Wagstaff & van Doorslaer 1997, J. Econometrics 77:87-103; O'Donnell, van
Doorslaer, Wagstaff & Lindelow 2008, *Analyzing Health Equity Using Household Survey Data*, World
Bank, ch. 8). Negative C: concentrated among the disadvantaged; positive: among the better-off. The
gap is the horizontal inequity index HI = C(budgets) - C(need) (O'Donnell et al. 2008, ch. 15): zero
when budgets follow need. For groups with no natural order (client groups, councils), the gap is the
index of dissimilarity D = 1/2 sum_t |s_t - q_t|: the share of budgets that would have to move
between groups for budgets to follow need.

Because advocacy pulls every propensity towards the same target, it scales every s_t - q_t by the
same factor (1 - a) P / ((1 - a) P + a max p), where P is the need-weighted mean propensity; so both
gap measures shrink steadily towards zero as a rises and never widen. The benefit gap has no such
guarantee when benefit per holder differs between groups.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Tolerance for population shares summing to one.
SHARE_TOLERANCE = 1e-6

#: Largest relative need or benefit accepted (relative to other groups; 100-fold is already extreme).
MAX_RELATIVE = 100.0


# ------------------------------------------------------------------------------------------- checks
def _number(name: str, value: Any, low: float, high: float, *, low_open: bool = False) -> float:
    """``value`` as a float, or ValueError naming ``name`` and its allowed range."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    bracket = "above" if low_open else "between"
    if math.isnan(number) or number > high or number < low or (low_open and number <= low):
        if low_open:
            raise ValueError(f"{name} must be {bracket} {low:g} and at most {high:g}; got {value!r}")
        raise ValueError(f"{name} must be between {low:g} and {high:g}; got {value!r}")
    return number


def _array(
    name: str, values: Any, low: float, high: float, *, low_open: bool = False, size: int | None = None
) -> np.ndarray:
    """A 1-D float array, every element checked against the range (ValueError names ``name``)."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers; got {values!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers, one per group; got {values!r}")
    if size is not None and array.size != size:
        raise ValueError(f"{name} must have one value per group ({size}); got {array.size}")
    bad = np.isnan(array) | (array > high) | ((array <= low) if low_open else (array < low))
    if bad.any():
        where = int(np.argmax(bad))
        rule = f"above {low:g} and at most {high:g}" if low_open else f"between {low:g} and {high:g}"
        raise ValueError(f"{name} must be {rule} for every group; got {float(array[where])!r} for group {where + 1}")
    return array


# --------------------------------------------------------------------------- concentration index
def fractional_rank(pop_share: Any) -> np.ndarray:
    """Fractional rank of each group's midpoint, R_t = sum_{j<t} f_j + f_t / 2 (shares normalised).

    Works along the last axis, so a batch of share vectors ranks in one call.
    """
    f = np.asarray(pop_share, dtype=float)
    f = f / f.sum(axis=-1, keepdims=True)
    return np.cumsum(f, axis=-1) - f / 2


def concentration_index(pop_share: Any, mean: Any) -> np.ndarray | float:
    """Concentration index of ``mean`` (per-head value in each group) across ordered groups.

    Groups must be listed from the most to the least disadvantaged. ``pop_share`` may be counts
    (they are normalised). Grouped-data formula C = (2/mu) sum f_t mu_t R_t - 1 (Kakwani, Wagstaff &
    van Doorslaer 1997; O'Donnell et al. 2008, ch. 8). Vectorised along the last axis.
    """
    f = np.asarray(pop_share, dtype=float)
    mu_t = np.asarray(mean, dtype=float)
    if f.shape[-1] != mu_t.shape[-1]:
        raise ValueError("pop_share and mean must have one value per group")
    if np.any(f < 0) or np.any(np.isnan(f)) or np.any(f.sum(axis=-1) <= 0):
        raise ValueError("pop_share must be non-negative with a positive total")
    w = f / f.sum(axis=-1, keepdims=True)
    mu = (w * mu_t).sum(axis=-1)
    if np.any(mu <= 0) or np.any(np.isnan(mu)):
        raise ValueError("mean must have a positive population-weighted average")
    rank = fractional_rank(w)
    c = 2.0 / mu * (w * mu_t * rank).sum(axis=-1) - 1.0
    return float(c) if np.ndim(c) == 0 else c


def advocacy_propensity(propensity: Any, advocacy: Any) -> np.ndarray:
    """Propensities after advocacy closes a share ``advocacy`` of each group's gap to the highest.

    ``propensity`` has groups on the last axis; ``advocacy`` broadcasts against the leading axes.
    """
    p = np.asarray(propensity, dtype=float)
    a = np.asarray(advocacy, dtype=float)[..., None]
    top = p.max(axis=-1, keepdims=True)
    return p + a * (top - p)


def _core(f: np.ndarray, n: np.ndarray, p: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Shares and gap measures for propensities ``p`` (groups on the last axis, any leading axes)."""
    eligible = f * n
    budgets = eligible * p
    benefit = budgets * b
    need_share = eligible / eligible.sum(axis=-1, keepdims=True)
    budget_share = budgets / budgets.sum(axis=-1, keepdims=True)
    benefit_share = benefit / benefit.sum(axis=-1, keepdims=True)
    rank = fractional_rank(f)
    # C = 2 sum s_t R_t - 1 is the grouped formula with s_t = f_t mu_t / mu (the group's share).
    conc_need = 2 * (need_share * rank).sum(axis=-1) - 1
    conc_budgets = 2 * (budget_share * rank).sum(axis=-1) - 1
    conc_benefit = 2 * (benefit_share * rank).sum(axis=-1) - 1
    return {
        "need_share": need_share,
        "budget_share": budget_share,
        "benefit_share": benefit_share,
        "conc_need": conc_need,
        "conc_budgets": conc_budgets,
        "conc_benefit": conc_benefit,
        "hi_budgets": conc_budgets - conc_need,
        "hi_benefit": conc_benefit - conc_need,
        "dissimilarity": 0.5 * np.abs(budget_share - need_share).sum(axis=-1),
        "take_up_per_1000": 1000 * budgets.sum(axis=-1) / eligible.sum(axis=-1),
    }


# ------------------------------------------------------------------------------------------- groups
@dataclass(frozen=True)
class Groups:
    """The groups a scenario compares, with where each input came from.

    ``pop_share`` sums to one; ``need`` is need per head relative to other groups (only ratios
    matter); ``propensity`` is the probability that a person in need takes up a budget (0 to 1);
    ``benefit`` is the gain per holder relative to other groups. ``ordered`` says the groups run from
    the most to the least disadvantaged, so that a concentration index means something.
    """

    names: tuple[str, ...]
    pop_share: np.ndarray
    need: np.ndarray
    propensity: np.ndarray
    benefit: np.ndarray
    ordered: bool = False
    order_note: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = tuple(str(x) for x in self.names)
        if len(names) < 2:
            raise ValueError(f"names must list at least 2 groups; got {len(names)}")
        if len(set(names)) != len(names):
            raise ValueError(f"names must be unique; got {names}")
        size = len(names)
        f = _array("pop_share", self.pop_share, 0.0, 1.0, low_open=True, size=size)
        if abs(f.sum() - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"pop_share must sum to 1 across groups; got {f.sum():.6g}")
        n = _array("need", self.need, 0.0, MAX_RELATIVE, low_open=True, size=size)
        p = _array("propensity", self.propensity, 0.0, 1.0, size=size)
        if p.max() <= 0:
            raise ValueError("propensity must be above 0 for at least one group; got all zero")
        b = _array("benefit", self.benefit, 0.0, MAX_RELATIVE, low_open=True, size=size)
        object.__setattr__(self, "names", names)
        for key, value in (("pop_share", f), ("need", n), ("propensity", p), ("benefit", b)):
            value.setflags(write=False)
            object.__setattr__(self, key, value)
        object.__setattr__(self, "sources", dict(self.sources))

    def table(self) -> pd.DataFrame:
        """The inputs as a readable table, one row per group."""
        return pd.DataFrame(
            {
                "Group": self.names,
                "Population share": self.pop_share,
                "Relative need per head": self.need,
                "Propensity to take up": self.propensity,
                "Relative benefit per holder": self.benefit,
            }
        )


def propensity_from(awareness: Any, confidence: Any) -> np.ndarray:
    """Propensity as the chance of knowing about budgets times the chance of getting through the
    process once aware (both 0 to 1, per group)."""
    aware = _array("awareness", awareness, 0.0, 1.0)
    confident = _array("confidence", confidence, 0.0, 1.0, size=aware.size)
    return aware * confident


# ------------------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Result:
    """One scenario: the groups, the advocacy applied, a table by group and a summary of the gap."""

    groups: Groups
    advocacy: float
    table: pd.DataFrame
    summary: dict[str, float]

    @property
    def gap(self) -> float:
        """The gap the book tracks: HI of budgets for ordered groups, dissimilarity otherwise."""
        return self.summary["gap"]

    @property
    def gap_measure(self) -> str:
        return "horizontal inequity index" if self.groups.ordered else "index of dissimilarity"


def evaluate(groups: Groups, advocacy: float = 0.0, reference: int | None = None) -> Result:
    """Budgets, shares, rate ratios and the gap for ``groups`` after ``advocacy`` (0 to 1).

    ``reference`` is the index of the group rate ratios compare with: by default the group with the
    highest propensity (the last such group: for deprivation fifths, the least deprived), which
    always has budgets.
    """
    a = _number("advocacy", advocacy, 0.0, 1.0)
    size = len(groups.names)
    p = advocacy_propensity(groups.propensity, a)
    if reference is None:  # the last of the groups with the highest propensity
        reference = size - 1 - int(np.argmax(p[::-1]))
    if isinstance(reference, bool) or not isinstance(reference, (int, np.integer)) or not (0 <= reference < size):
        raise ValueError(f"reference must be a group index between 0 and {size - 1}; got {reference!r}")
    if p[reference] <= 0:
        raise ValueError(f"reference must be a group with a propensity above 0; group {reference + 1} has none")
    reference = int(reference)
    f, n, b = groups.pop_share, groups.need, groups.benefit
    p0 = groups.propensity
    core = _core(f, n, p, b)
    base = _core(f, n, p0, b)
    per_head = n * p  # budgets per head of each group's population
    table = pd.DataFrame(
        {
            "group": groups.names,
            "order": np.arange(1, size + 1),
            "pop_share": f,
            "need": n,
            "propensity": p,
            "need_share": core["need_share"],
            "budget_share": core["budget_share"],
            "benefit_share": core["benefit_share"],
            "take_up_per_1000_in_need": 1000 * p,
            "budgets_per_head_ratio": per_head / per_head[reference],
            "take_up_ratio": p / p[reference],
        }
    )
    hi = float(core["hi_budgets"])
    dissimilarity = float(core["dissimilarity"])
    summary = {
        "advocacy": a,
        "conc_need": float(core["conc_need"]),
        "conc_budgets": float(core["conc_budgets"]),
        "conc_benefit": float(core["conc_benefit"]),
        "hi_budgets": hi,
        "hi_benefit": float(core["hi_benefit"]),
        "dissimilarity": dissimilarity,
        "gap": hi if groups.ordered else dissimilarity,
        "lowest_to_highest_take_up": float(p.min() / p.max()),
        "take_up_per_1000_in_need": float(core["take_up_per_1000"]),
        "extra_per_1000_in_need": float(core["take_up_per_1000"] - base["take_up_per_1000"]),
        "reference": float(reference),
    }
    return Result(groups, a, table, summary)


def gap_curve(groups: Groups, advocacy: Sequence[float] | np.ndarray) -> pd.DataFrame:
    """The gap measures at many advocacy levels in one vectorised pass (one row per level)."""
    levels = np.array([_number("advocacy", x, 0.0, 1.0) for x in np.atleast_1d(advocacy)])
    p = advocacy_propensity(groups.propensity, levels)
    shape = p.shape
    core = _core(
        np.broadcast_to(groups.pop_share, shape),
        np.broadcast_to(groups.need, shape),
        p,
        np.broadcast_to(groups.benefit, shape),
    )
    out = pd.DataFrame({"advocacy": levels})
    for key in ("conc_budgets", "conc_benefit", "hi_budgets", "hi_benefit", "dissimilarity", "take_up_per_1000"):
        out[key] = core[key]
    out["conc_need"] = core["conc_need"]
    out["gap"] = out["hi_budgets"] if groups.ordered else out["dissimilarity"]
    return out


@dataclass(frozen=True)
class Comparison:
    """Whether a scenario widens or narrows the gap against a stated baseline."""

    verdict: str  # "widens", "narrows" or "no change"
    baseline_gap: float
    scenario_gap: float
    measure: str

    @property
    def change(self) -> float:
        """Change in the size of the gap (negative: narrower)."""
        return abs(self.scenario_gap) - abs(self.baseline_gap)


def compare(scenario: Result, baseline: Result, tolerance: float = 1e-9) -> Comparison:
    """Compare the size of the gap (its absolute value) in ``scenario`` with ``baseline``.

    Both must measure the gap the same way (both ordered or both not).
    """
    if scenario.groups.ordered != baseline.groups.ordered:
        raise ValueError("scenario and baseline must both use ordered groups or both unordered ones")
    tol = _number("tolerance", tolerance, 0.0, 1.0)
    change = abs(scenario.gap) - abs(baseline.gap)
    verdict = "widens" if change > tol else "narrows" if change < -tol else "no change"
    return Comparison(verdict, baseline.gap, scenario.gap, scenario.gap_measure)


# ------------------------------------------------------------------------------------------ presets
#: Sourced figures the presets use, by preset key: (figure id in data/figures.csv, which bound).
#: Percentages are turned into proportions. "value" is the figure itself; "lower"/"upper" the ends
#: of a range (the council range).
SOURCED: dict[str, tuple[str, str]] = {
    "client_mental_health": ("social_care_pb_mental_health_2011_12_pct", "value"),
    "client_learning_disability": ("social_care_pb_learning_disability_2011_12_pct", "value"),
    "client_physical_disability": ("social_care_pb_physical_disability_2011_12_pct", "value"),
    "client_older_people": ("social_care_pb_older_people_2011_12_pct", "value"),
    "age_18_64": ("social_care_dp_age_18_64_pct", "value"),
    "age_65_plus": ("social_care_dp_age_65_plus_pct", "value"),
    "council_low": ("social_care_pb_council_range_2010_11", "lower"),
    "council_high": ("social_care_pb_council_range_2010_11", "upper"),
}

#: Defaults the sources give no number for. Each says so: "Assumption: ...".
ASSUMPTIONS: dict[str, tuple[float, str]] = {
    "top_propensity": (0.30, "Assumption: take-up in the group most likely to take a budget"),
    "propensity_ratio": (0.6, "Assumption: the sources give no take-up rate by deprivation or ethnicity"),
    "need_ratio": (2.0, "Assumption: need per head in the most deprived group relative to the least"),
    "benefit_ratio": (1.0, "Assumption: the same benefit per holder in every group"),
    "minority_share": (0.18, "Assumption: share of the population from minority ethnic groups"),
}


#: The values the model accepts for each ratio of a two-sided preset (as ``_ratios`` checks them);
#: chapter 8's papermill parameters take their ranges from here.
RATIO_RANGES: dict[str, tuple[float, float]] = {
    "propensity_ratio": (0.0, 1.0),
    "need_ratio": (1.0, 5.0),
    "benefit_ratio": (0.2, 5.0),
}


@functools.cache
def _sourced(key: str) -> tuple[float, str]:
    """A sourced default as a proportion, with a source line naming the figure and its citation."""
    from phb.data import figure

    figure_id, bound = SOURCED[key]
    fig = figure(figure_id)
    number = {"value": fig.value, "lower": fig.lower, "upper": fig.upper}[bound]
    if number is None:  # pragma: no cover - guarded by the data tests
        raise ValueError(f"figure {figure_id} has no {bound}")
    scale = 100.0 if fig.unit == "percent" else 1.0
    where = f" ({fig.denominator})" if fig.denominator else ""
    return number / scale, f"{fig.text}{where}: {fig.citation}, figure {figure_id}"


def _default(key: str) -> float:
    return ASSUMPTIONS[key][0] if key in ASSUMPTIONS else _sourced(key)[0]


def source_of(key: str) -> str:
    """Where the default ``key`` comes from: a figure in data/ or an "Assumption: ..." line."""
    return ASSUMPTIONS[key][1] if key in ASSUMPTIONS else _sourced(key)[1]


def _gradient(first: float, size: int) -> np.ndarray:
    """Values running linearly from ``first`` (group 1) to 1 (last group)."""
    return np.linspace(first, 1.0, size)


def _ratios(
    propensity_ratio: float | None, need_ratio: float | None, benefit_ratio: float | None, top_propensity: float | None
) -> tuple[float, float, float, float]:
    """The four ratios a two-sided preset takes, each its default when None, each checked against
    its allowed range (a ValueError names the one that is not)."""

    def pick(name: str, value: float | None) -> float:
        return _default(name) if value is None else value

    return (
        _number("propensity_ratio", pick("propensity_ratio", propensity_ratio), 0.0, 1.0),
        _number("need_ratio", pick("need_ratio", need_ratio), 1.0, 5.0),
        _number("benefit_ratio", pick("benefit_ratio", benefit_ratio), 0.2, 5.0),
        _number("top_propensity", pick("top_propensity", top_propensity), 0.0, 1.0, low_open=True),
    )


def deprivation_quintiles(
    propensity_ratio: float | None = None,
    need_ratio: float | None = None,
    benefit_ratio: float | None = None,
    top_propensity: float | None = None,
) -> Groups:
    """Five equal fifths from most to least deprived (every input an assumption: no source gives
    take-up of budgets by deprivation).

    ``propensity_ratio``: take-up in the most deprived fifth relative to the least (0 to 1, linear in
    between). ``need_ratio``: need per head in the most deprived fifth relative to the least (1 to 5).
    ``benefit_ratio``: benefit per holder in the most deprived fifth relative to the least (0.2 to 5).
    """
    r, k, g, top = _ratios(propensity_ratio, need_ratio, benefit_ratio, top_propensity)
    names = ("1 most deprived", "2", "3", "4", "5 least deprived")
    return Groups(
        names=names,
        pop_share=np.full(5, 0.2),
        need=_gradient(k, 5),
        propensity=top * _gradient(r, 5),
        benefit=_gradient(g, 5),
        ordered=True,
        order_note="from the most deprived fifth to the least deprived",
        sources={
            "pop_share": "Quintiles: a fifth of the population each",
            "need": source_of("need_ratio"),
            "propensity": source_of("propensity_ratio"),
            "benefit": source_of("benefit_ratio"),
        },
    )


def ethnicity(
    propensity_ratio: float | None = None,
    need_ratio: float | None = None,
    benefit_ratio: float | None = None,
    top_propensity: float | None = None,
) -> Groups:
    """Minority ethnic groups and the rest (assumptions: the sources give no rates). The ratios are
    those of the minority group relative to the rest, as for the first deprivation quintile."""
    r, k, g, top = _ratios(propensity_ratio, need_ratio, benefit_ratio, top_propensity)
    share = _default("minority_share")
    return Groups(
        names=("Minority ethnic groups", "Everyone else"),
        pop_share=np.array([share, 1 - share]),
        need=np.array([k, 1.0]),
        propensity=np.array([top * r, top]),
        benefit=np.array([g, 1.0]),
        ordered=False,
        sources={
            "pop_share": source_of("minority_share"),
            "need": source_of("need_ratio"),
            "propensity": source_of("propensity_ratio"),
            "benefit": source_of("benefit_ratio"),
        },
    )


def client_groups(benefit_ratio: float | None = None, **_: Any) -> Groups:
    """Social-care users by client group, with the share holding a personal budget in 2011/12 as
    each group's propensity. Population shares and need are assumptions (equal need among users;
    shares roughly as in long-term support). ``benefit_ratio`` applies to the mental health group
    relative to the others."""
    g = _number("benefit_ratio", _default("benefit_ratio") if benefit_ratio is None else benefit_ratio, 0.2, 5.0)
    keys = ("client_mental_health", "client_learning_disability", "client_physical_disability", "client_older_people")
    return Groups(
        names=("Mental health", "Learning disability", "Physical disability", "Older people"),
        pop_share=np.array([0.15, 0.15, 0.25, 0.45]),
        need=np.ones(4),
        propensity=np.array([_default(k) for k in keys]),
        benefit=np.array([g, 1.0, 1.0, 1.0]),
        ordered=False,
        sources={
            "pop_share": "Assumption: shares of social-care users by client group",
            "need": "Assumption: every user counted as one unit of need",
            "propensity": "Share of users with a personal budget by client group, 2011/12: "
            + ", ".join(source_of(k) for k in keys),
            "benefit": source_of("benefit_ratio"),
        },
    )


def age_bands(benefit_ratio: float | None = None, **_: Any) -> Groups:
    """Users of long-term social care aged 18 to 64 and 65 and over, with the share on direct
    payments in 2023/24 as each band's propensity. Population shares are an assumption."""
    g = _number("benefit_ratio", _default("benefit_ratio") if benefit_ratio is None else benefit_ratio, 0.2, 5.0)
    return Groups(
        names=("Aged 18 to 64", "Aged 65 and over"),
        pop_share=np.array([0.35, 0.65]),
        need=np.ones(2),
        propensity=np.array([_default("age_18_64"), _default("age_65_plus")]),
        benefit=np.array([1.0, g]),
        ordered=False,
        sources={
            "pop_share": "Assumption: about a third of long-term support users are aged 18 to 64",
            "need": "Assumption: every user counted as one unit of need",
            "propensity": "Share of users on direct payments by age, 2023/24: "
            + ", ".join(source_of(k) for k in ("age_18_64", "age_65_plus")),
            "benefit": source_of("benefit_ratio"),
        },
    )


def councils(benefit_ratio: float | None = None, **_: Any) -> Groups:
    """The councils with the lowest and highest share of users on a personal budget in 2010/11,
    treated as two equal populations with equal need (assumptions)."""
    g = _number("benefit_ratio", _default("benefit_ratio") if benefit_ratio is None else benefit_ratio, 0.2, 5.0)
    return Groups(
        names=("Lowest council", "Highest council"),
        pop_share=np.array([0.5, 0.5]),
        need=np.ones(2),
        propensity=np.array([_default("council_low"), _default("council_high")]),
        benefit=np.array([g, 1.0]),
        ordered=False,
        sources={
            "pop_share": "Assumption: two councils of equal size",
            "need": "Assumption: equal need in both",
            "propensity": source_of("council_low"),
            "benefit": source_of("benefit_ratio"),
        },
    )


#: Presets by the name the widget and the chapter's ``preset`` parameter use. Each takes the keyword
#: settings propensity_ratio, need_ratio, benefit_ratio; the sourced presets ignore the first two.
PRESETS = {
    "deprivation quintiles": deprivation_quintiles,
    "minority ethnic or not": ethnicity,
    "client groups 2011/12": client_groups,
    "age bands 2023/24": age_bands,
    "councils 2010/11": councils,
}

#: Which settings each preset uses (the widget says so beside the chart).
PRESET_SETTINGS = {
    "deprivation quintiles": ("propensity_ratio", "need_ratio", "benefit_ratio"),
    "minority ethnic or not": ("propensity_ratio", "need_ratio", "benefit_ratio"),
    "client groups 2011/12": ("benefit_ratio",),
    "age bands 2023/24": ("benefit_ratio",),
    "councils 2010/11": ("benefit_ratio",),
}


def preset(name: str, **settings: float | None) -> Groups:
    """The groups of preset ``name`` built with ``settings`` (see :data:`PRESETS`)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}; got {name!r}")
    return PRESETS[name](**settings)


def scenario(
    preset_name: str = "deprivation quintiles",
    advocacy: float = 0.0,
    propensity_ratio: float | None = None,
    need_ratio: float | None = None,
    benefit_ratio: float | None = None,
) -> tuple[Result, Result, Comparison]:
    """A preset at ``advocacy`` against the stated baseline of the same preset with no advocacy."""
    groups = preset(preset_name, propensity_ratio=propensity_ratio, need_ratio=need_ratio, benefit_ratio=benefit_ratio)
    result = evaluate(groups, advocacy)
    baseline = evaluate(groups, 0.0)
    return result, baseline, compare(result, baseline)


def twin_row(advocacy: float, uptake: float, need: float) -> pd.DataFrame:
    """The rows the kernel-free twin needs at one setting of the deprivation-quintile preset.

    ``uptake`` is the propensity ratio and ``need`` the need ratio (short names: they become
    column names in a grid that ships inside the page). One row per quintile with its shares; the
    scenario's gap, the baseline gap and take-up are repeated on every row.
    """
    result, _, comparison = scenario("deprivation quintiles", advocacy, uptake, need)
    t = result.table
    return pd.DataFrame(
        {
            "order": t["order"],
            "need_share": t["need_share"].round(3),
            "budget_share": t["budget_share"].round(3),
            "hi_budgets": round(result.summary["hi_budgets"], 4),
            "baseline_hi": round(comparison.baseline_gap, 4),
            "take_up_per_1000": round(result.summary["take_up_per_1000_in_need"], 1),
        }
    )


# ------------------------------------------------------------------------------- cost and prose
@dataclass(frozen=True)
class AdvocacyValue:
    """What advocacy buys in an area: extra holders, their cost and value, and the gap it closes.

    ``cost`` is what the advocacy itself costs; ``budgets`` is what the extra holders' budgets cost
    (zero unless a budget per holder is given), kept apart so that neither hides in the other.
    """

    extra_holders: float
    cost: float
    value: float
    gap_before: float
    gap_after: float
    budgets: float = 0.0

    @property
    def net(self) -> float:
        """Value less the advocacy's cost and the extra budgets (positive: worth it on these assumptions)."""
        return self.value - self.cost - self.budgets

    @property
    def cost_per_gap_point(self) -> float:
        """Cost of each 0.01 by which the gap narrows (infinite if it does not narrow)."""
        closed = (abs(self.gap_before) - abs(self.gap_after)) / 0.01
        return self.cost / closed if closed > 0 else math.inf


def advocacy_value(
    groups: Groups,
    advocacy: float,
    people_in_need: float,
    cost_per_extra_holder: float,
    value_per_holder: float = 0.0,
    budget_per_holder: float = 0.0,
) -> AdvocacyValue:
    """Cost and value of advocacy for an area with ``people_in_need`` eligible people.

    Advocacy is costed per extra budget holder it brings (``cost_per_extra_holder``, pounds); each
    extra holder's gain is valued at ``value_per_holder`` times the group's relative benefit
    (pounds). ``budget_per_holder`` (pounds) is the budget each extra holder is paid: a saving in
    other services is only half of a cost-benefit sum, and leaving the budget out would make any
    saving look like profit. All are the reader's assumptions; the chapter brackets them with
    sourced figures.
    """
    people = _number("people_in_need", people_in_need, 0.0, 1e8)
    cost_each = _number("cost_per_extra_holder", cost_per_extra_holder, 0.0, 1e6)
    value_each = _number("value_per_holder", value_per_holder, 0.0, 1e6)
    budget_each = _number("budget_per_holder", budget_per_holder, 0.0, 1e6)
    before, after = evaluate(groups, 0.0), evaluate(groups, advocacy)
    weights = groups.pop_share * groups.need
    in_need = people * weights / weights.sum()
    extra = in_need * (after.table["propensity"].to_numpy() - groups.propensity)
    return AdvocacyValue(
        extra_holders=float(extra.sum()),
        cost=float(extra.sum() * cost_each),
        value=float((extra * groups.benefit).sum() * value_each),
        gap_before=before.gap,
        gap_after=after.gap,
        budgets=float(extra.sum() * budget_each),
    )
