"""The one vocabulary of figure qualifiers: what "more than", "about" or "up to" claims.

``data/figures.csv`` says how a source words each number with a qualifier code (``more_than``,
``approximately``, ``range`` …). Everything that reads a qualifier reads it here: the validator
(which of value/lower/upper a row must fill), :class:`phb.data.figures.Figure` (the words in prose),
the charts (a point, a lower or an upper bound, or a range) and :func:`phb.models.stats.allowed_counts`
(which counts of a sample the statement allows). A qualifier the book does not know is refused, never
guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Bound = Literal["point", "lower", "upper", "range"]
Comparison = Literal["equal", "above", "at least", "below", "at most", "range"]


@dataclass(frozen=True)
class Qualifier:
    """One qualifier code: its words before the number, what kind of bound it is, and how a count's
    share must compare with the stated number for the statement to hold."""

    code: str
    words: str
    bound: Bound
    comparison: Comparison


QUALIFIERS: dict[str, Qualifier] = {
    q.code: q
    for q in (
        Qualifier("exact", "", "point", "equal"),
        Qualifier("approximately", "about ", "point", "equal"),
        Qualifier("more_than", "more than ", "lower", "above"),
        Qualifier("over", "over ", "lower", "above"),
        Qualifier("just_over", "just over ", "lower", "above"),
        Qualifier("at_least", "at least ", "lower", "at least"),
        Qualifier("fewer_than", "fewer than ", "upper", "below"),
        Qualifier("less_than", "less than ", "upper", "below"),
        Qualifier("under", "under ", "upper", "below"),
        Qualifier("nearly", "nearly ", "upper", "below"),
        Qualifier("up_to", "up to ", "upper", "at most"),
        Qualifier("range", "", "range", "range"),
    )
}

#: Other ways a reader may write a qualifier (a widget, a test, a solution cell), each the code it means.
#: A code may also be written with spaces for underscores, in any case: "More than" is ``more_than``.
SYNONYMS: dict[str, str] = {
    "": "exact",
    "exactly": "exact",
    "about": "approximately",
    "around": "approximately",
    "above": "more_than",
    "greater than": "more_than",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "below": "under",
    "almost": "nearly",
    "at most": "up_to",
    "no more than": "up_to",
    "between": "range",
}

POINT = frozenset(c for c, q in QUALIFIERS.items() if q.bound == "point")
LOWER = frozenset(c for c, q in QUALIFIERS.items() if q.bound == "lower")
UPPER = frozenset(c for c, q in QUALIFIERS.items() if q.bound == "upper")
RANGE = frozenset(c for c, q in QUALIFIERS.items() if q.bound == "range")
QUALIFIER_WORDS: dict[str, str] = {c: q.words for c, q in QUALIFIERS.items() if q.bound != "range"}


def qualifier(written: object) -> Qualifier:
    """The qualifier a code or its words stand for ("more_than", "more than", "above" …).

    Raises ValueError naming the codes allowed for anything else (a typo must not pass as "exact").
    """
    key = written.strip().lower() if isinstance(written, str) else None
    if key is not None:
        key = SYNONYMS.get(key, key)
        key = SYNONYMS.get(key.replace("_", " "), key.replace(" ", "_"))
    if key not in QUALIFIERS:
        raise ValueError(
            f"qualifier must be one of {sorted(QUALIFIERS)} (or their words, e.g. 'more than'); got {written!r}"
        )
    return QUALIFIERS[key]


def bound_of(written: object) -> Bound:
    """Which kind of statement a qualifier makes: ``point``, ``lower``, ``upper`` or ``range``."""
    return qualifier(written).bound


def qualified_text(number: str, written: object = "exact") -> str:
    """A number already formatted for prose with its qualifier's words: ("40,000", "more_than")
    gives "more than 40,000"."""
    return f"{qualifier(written).words}{number}"
