"""The figures registry: every number the prose quotes, with its qualifier, bounds and source.

:func:`figure` returns a :class:`Figure` from ``data/figures.csv``; its ``.text`` is how the book
words it (the qualifier's words come from :mod:`phb.data.qualifiers`, the one vocabulary).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phb.data.problems import did_you_mean
from phb.data.qualifiers import LOWER, POINT, QUALIFIER_WORDS
from phb.data.schema import DATA_DIR
from phb.data.tables import ensure_valid, load

#: How a number is written in each unit with a plain pattern ("{}" is the number as the sources
#: write it); the units that need more (fractions in words, signed changes, years) are in Figure._fmt.
UNIT_FORMATS = {
    "percent": "{}%",
    "GBP": "£{}",
    "GBP_million": "£{} million",
    "GBP_billion": "£{} billion",
    "million": "{} million",
    "pages": "{} pages",
    "times": "{} times",
    "fold": "{}-fold",
    "per_1000": "{} per 1,000",
}

FRACTION_WORDS = {
    0.1: "one in 10",
    0.2: "a fifth",
    0.3333: "one third",
    0.5: "half",
    0.6667: "two-thirds",
    0.7: "seven out of 10",
    0.75: "three quarters",
    0.8: "eight out of 10",
}


def _number(v: float) -> str:
    """Format a number as the sources write it: 2,235 / 36.7 / 0.057."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.10f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Figure:
    """One number from the sources, with its qualifier, bounds and provenance."""

    id: str
    value: float | None
    unit: str
    qualifier: str
    lower: float | None
    upper: float | None
    denominator: str
    source_id: str
    locator: str
    note: str
    conflicts_with: tuple[str, ...] = field(default=())
    preferred: bool = True
    derived: bool = False
    quote: str = ""
    """The source's own words stating the figure; empty for a derived figure (its note says how)."""

    def _fmt(self, v: float) -> str:
        """One number in this figure's unit."""
        u = self.unit
        if u == "percent_change":
            return f"{'−' if v < 0 else ''}{_number(abs(v))}%"
        if u == "fraction":
            words = FRACTION_WORDS.get(round(v, 4))
            return words if words else f"{_number(round(v * 100, 1))}%"
        if u == "year":
            return str(int(v))
        if u == "years":
            return f"{_number(v)} year{'' if v == 1 else 's'}"
        return UNIT_FORMATS.get(u, "{}").format(_number(v))

    @property
    def text(self) -> str:
        """The figure for prose, saying no more than the source: '86%', 'more than 80%',
        '11.9% to 22%', '£200 to £1,800', '2,235', 'about 4,700'."""
        q = self.qualifier
        if q == "range":
            assert self.lower is not None and self.upper is not None
            lo, hi = self._fmt(self.lower), self._fmt(self.upper)
            if self.unit == "fraction":
                return f"between {lo} and {hi}"
            if self.unit == "per_1000":
                lo = lo.replace(" per 1,000", "")
            elif self.unit in ("GBP_million", "GBP_billion", "million", "pages", "years"):
                lo = lo.rsplit(" ", 1)[0]
            return f"{lo} to {hi}"
        number = self.value if q in POINT else self.lower if q in LOWER else self.upper
        assert number is not None, f"figure {self.id} has no number for qualifier {q}"
        return f"{QUALIFIER_WORDS[q]}{self._fmt(number)}"

    @property
    def citation(self) -> str:
        """The bibliography key (for ``{cite}`key```)."""
        return self.source_id

    def __str__(self) -> str:
        return self.text


_FIGURES: dict[tuple[Any, ...], dict[str, Figure]] = {}


def _figures(directory: Path) -> dict[str, Figure]:
    """Every figure of the package, read once per state of its files."""
    sig = ensure_valid(directory)
    if sig not in _FIGURES:
        frame = load("figures", directory)

        def opt(v: Any) -> Any:
            import pandas as pd

            return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

        figs = {}
        for rec in frame.to_dict("records"):
            figs[rec["id"]] = Figure(
                id=rec["id"],
                value=None if opt(rec["value"]) is None else float(rec["value"]),
                unit=rec["unit"],
                qualifier=rec["qualifier"],
                lower=None if opt(rec["lower"]) is None else float(rec["lower"]),
                upper=None if opt(rec["upper"]) is None else float(rec["upper"]),
                denominator=opt(rec["denominator"]) or "",
                source_id=rec["source_id"],
                locator=rec["locator"],
                note=opt(rec["note"]) or "",
                conflicts_with=tuple(x for x in (opt(rec["conflicts_with"]) or "").split(";") if x),
                preferred=bool(rec["preferred"]),
                derived=bool(rec["derived"]),
                quote=opt(rec.get("quote")) or "",
            )
        _FIGURES[sig] = figs
    return _FIGURES[sig]


def figure(id: str, directory: Path | str | None = None) -> Figure:
    """The figure with this id. Unknown id: KeyError naming it and suggesting close ids."""
    figs = _figures(Path(directory) if directory else DATA_DIR)
    try:
        return figs[id]
    except KeyError:
        raise KeyError(f"no figure {id!r} in figures.csv{did_you_mean(id, figs)}") from None


def figure_ids(directory: Path | str | None = None) -> list[str]:
    """All figure ids, in file order."""
    return list(_figures(Path(directory) if directory else DATA_DIR))
