"""The papermill parameters of the explorer chapters (7, 8, 9): declared once, checked in the kernel.

Each chapter's ``parameters`` cell is :meth:`Chapter.cell_source` of its spec here (a test compares
them), written as ``name: type = default  # help`` lines so that ``papermill --help-notebook`` shows
every parameter's type, default and allowed range. One convention for all three chapters:

- ``None`` means *the sourced default*: the number the model reads from ``data/`` or states as an
  assumption in ``phb`` (the chapter's table of parameters says which);
- a value is *this chapter's own choice* (a number of draws, a seed, a scenario), and its help says so.

The cell right after the parameters cell calls :func:`check`. Papermill only warns about a name the
notebook does not declare and injects it anyway, so :func:`check` reads the cell papermill injected
(the kernel's input history) and refuses any name the chapter does not take; then it checks every
value's type and range, and the combinations the model forbids. A refusal is a
:class:`ParameterError`, which IPython shows as one line (no traceback), so that the last line
papermill prints on the shell names the parameter and its range.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

from phb.data import figure
from phb.models import inequality, selection, stats, uptake

__all__ = ["CHAPTERS", "Chapter", "INEQUALITY", "HOW_SURE", "Parameter", "ParameterError", "UPTAKE", "check"]

#: Names papermill itself may inject (``--inject-paths``): always allowed.
PAPERMILL_NAMES = frozenset({"PAPERMILL_INPUT_PATH", "PAPERMILL_OUTPUT_PATH"})
#: The comment papermill puts on the first line of the cell it injects.
INJECTED_HEADER = "# Parameters"


class ParameterError(ValueError):
    """A parameter the chapter cannot use. IPython shows it as its one-line message, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        """What IPython (and so papermill's error report) shows instead of the traceback."""
        return [f"{type(self).__name__}: {self}"]


def _number_text(value: float) -> str:
    """A bound as a reader writes it: 60,000,000 / 0.2 / 1,000,000,000."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


@dataclass(frozen=True)
class Parameter:
    """One papermill parameter: its type, default, allowed values and a one-line help.

    ``kind`` is ``int`` (a whole number), ``float`` (a number) or ``str`` (one of ``choices``).
    ``default`` ``None`` means the sourced default. ``minimum``/``maximum`` bound numbers (``None``:
    no bound); ``why`` says why a bound is where it is, when that is not obvious.
    """

    name: str
    kind: type
    default: int | float | str | None
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    why: str = ""

    @property
    def allowed(self) -> str:
        """The allowed values in words: 'a whole number from 0 to 60,000,000', 'one of ...'."""
        if self.kind is str:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        what = "a whole number" if self.kind is int else "a number"
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            text = f"{what} from {_number_text(low)} to {_number_text(high)}"
        elif low is not None:
            text = f"{what}, at least {_number_text(low)}"
        elif high is not None:
            text = f"{what}, at most {_number_text(high)}"
        else:
            text = what
        return f"{text} ({self.why})" if self.why else text

    @property
    def help_line(self) -> str:
        """The comment papermill shows under the parameter: what it sets, what is allowed, and
        what the default means. It has no '=' (papermill skips a line with two)."""
        if self.default is None:
            meaning = "None: the sourced default"
        else:
            meaning = "this chapter's choice"
        return f"{self.help}; {self.allowed}; {meaning}"

    def cell_line(self) -> str:
        """The line of the parameters cell: ``name: type = default  # help``."""
        if isinstance(self.default, int) and not isinstance(self.default, bool) and self.default >= 10_000:
            default = f"{self.default:_}"
        else:
            default = repr(self.default)
        return f"{self.name}: {self.kind.__name__} = {default}  # {self.help_line}"

    def refuse(self, value: Any) -> ParameterError:
        """The one-line refusal of ``value``: names the parameter, its allowed values and the value."""
        shown = f"{value!r} (text)" if isinstance(value, str) and self.kind is not str else repr(value)
        return ParameterError(f"{self.name} must be {self.allowed}; got {shown}")

    def check(self, value: Any) -> int | float | str | None:
        """``value`` if this parameter allows it (``None`` only where the default is ``None``),
        converted to ``kind`` (a whole float such as 5e3 becomes 5000); else a ParameterError."""
        if value is None:
            if self.default is None:
                return None
            raise self.refuse(value)
        if self.kind is str:
            if isinstance(value, str) and value in self.choices:
                return value
            raise self.refuse(value)
        if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
            raise self.refuse(value)
        number = float(value)
        if self.kind is int:
            if math.isinf(number) or number != int(number):
                raise self.refuse(value)
            number = int(number)
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise self.refuse(value)
        return number


@dataclass(frozen=True)
class Chapter:
    """The parameters of one explorer chapter and how their ``None`` defaults are resolved.

    ``resolve`` takes the checked values and returns them with every ``None`` replaced by the
    sourced default; it raises ``ValueError`` for a combination the model forbids (for example a
    full-support completion rate below the no-support rate), which :func:`check` turns into a
    one-line :class:`ParameterError`.
    """

    notebook: str
    parameters: tuple[Parameter, ...]
    resolve: Callable[[dict[str, Any]], dict[str, Any]]
    intro: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        """The parameter names, in the cell's order."""
        return [p.name for p in self.parameters]

    def cell_source(self) -> str:
        """The source of the chapter's ``parameters`` cell (the notebook stores exactly this)."""
        lines = [f"# {line}" for line in self.intro] + [p.cell_line() for p in self.parameters]
        return "\n".join(lines)


_INTRO = (
    "The chapter's parameters: papermill -p NAME VALUE changes one, papermill --help-notebook lists them.",
    "None means the sourced default; the next cell refuses an unknown name or a value it cannot use.",
)


# ------------------------------------------------------------------------------------ chapter 7
#: What each uptake parameter sets, in the order of the model (help lines for papermill).
_UPTAKE_HELP = {
    "population": "people eligible in the area",
    "share_aware": "share of them aware of budgets (offered one)",
    "share_consider": "share who would consider a budget",
    "support": "support with applying and planning, from 0 (none) to 1 (full)",
    "completion_no_support": "share completing assessment and planning with no support",
    "completion_full_support": "the same share with full support (not below the no-support share)",
    "share_agreed": "share of completed plans that are agreed",
    "share_direct_payment": "share of holders on a direct payment",
    "share_third_party": "share of holders with a third-party budget (with direct payments, at most 1)",
    "mean_budget": "mean budget per holder per year, in pounds",
    "implementation_cost": "implementation cost per holder, in pounds",
    "double_running_share": "share of budgets still paid to existing services (double running)",
    "fixed_cost": "the area's set-up cost per year, in pounds",
}


def _uptake_parameters() -> tuple[Parameter, ...]:
    """Chapter 7's parameters: the model's, with the model's own allowed ranges, then the Monte Carlo's."""
    model = [
        Parameter(name, int if name == "population" else float, None, _UPTAKE_HELP[name], spec.minimum, spec.maximum)
        for name, spec in uptake._BASE.items()
    ]
    return (
        *model,
        Parameter(
            "draws",
            int,
            100_000,
            "random draws of the uncertainty analysis",
            uptake.MIN_DRAWS,
            uptake.MAX_DRAWS,
            why=uptake.MIN_DRAWS_REASON,
        ),
        Parameter("seed", int, 2011, "seed of its random numbers (the same seed, the same result)", 0),
    )


def _resolve_uptake(values: dict[str, Any]) -> dict[str, Any]:
    """Sourced defaults for None; the model refuses a forbidden combination (ValueError)."""
    chosen = uptake.scenario(**{name: values[name] for name in uptake.ALL_PARAMETERS})
    uptake.evaluate(**chosen)
    return {**values, **chosen}


UPTAKE = Chapter("chapters/07_how_many_would_take_a_budget.ipynb", _uptake_parameters(), _resolve_uptake, _INTRO)


# ------------------------------------------------------------------------------------ chapter 8
_RATIOS = ("propensity_ratio", "need_ratio", "benefit_ratio")


def _resolve_inequality(values: dict[str, Any]) -> dict[str, Any]:
    """Stated assumptions for None; the model checks the scenario (ValueError)."""
    out = {
        **values,
        **{name: inequality.ASSUMPTIONS[name][0] if values[name] is None else values[name] for name in _RATIOS},
    }
    ratios = {name: out[name] for name in _RATIOS}
    inequality.scenario("deprivation quintiles", out["advocacy"], **ratios)
    inequality.scenario(out["preset"], out["advocacy"], **ratios)
    return out


INEQUALITY = Chapter(
    "chapters/08_who_benefits.ipynb",
    (
        Parameter("advocacy", float, 0.5, "share of the take-up gap that support and advocacy close", 0, 1),
        *(
            Parameter(name, float, None, what, *inequality.RATIO_RANGES[name])
            for name, what in (
                ("propensity_ratio", "take-up, most deprived fifth / least deprived"),
                ("need_ratio", "need per head, most deprived fifth / least deprived"),
                ("benefit_ratio", "benefit per holder, most deprived fifth / least deprived"),
            )
        ),
        Parameter(
            "preset",
            str,
            "client groups 2011/12",
            "the groups compared in 'Other ways of grouping people'",
            choices=tuple(inequality.PRESETS),
        ),
    ),
    _resolve_inequality,
    _INTRO,
)


# ------------------------------------------------------------------------------------ chapter 9
def _resolve_how_sure(values: dict[str, Any]) -> dict[str, Any]:
    """The chapter's sourced defaults for None (the 2014 POET survey; the selection model's)."""
    return how_sure_defaults(**values)


def how_sure_defaults(
    n: int | None = None, share: float | None = None, strength: float | None = None, survey_size: int | None = None
) -> dict[str, float]:
    """Chapter 9's scenario: the papermill parameters, with ``None`` meaning the sourced default
    (the 2014 POET survey's budget holders and its 86% quality-of-life figure; the selection
    model's assumptions)."""
    return {
        "n": int(figure("poet2014_holders_n").value) if n is None else stats._check_count("n", n, 1),
        "share": figure("poet2014_qol_improved").value / 100 if share is None else stats._check_share("share", share),
        "strength": selection.STRENGTH if strength is None else float(strength),
        "survey_size": (
            selection.SURVEY_SIZE
            if survey_size is None
            else stats._check_count("survey_size", survey_size, 1, selection.POPULATION_SIZE)
        ),
    }


HOW_SURE = Chapter(
    "chapters/09_how_sure.ipynb",
    (
        Parameter("n", int, None, "people who answered the survey", 1),
        Parameter("share", float, None, "share of them giving the answer", 0, 1),
        Parameter(
            "strength",
            float,
            None,
            "how much more the engaged answer (self-selection strength)",
            0,
            selection.MAX_STRENGTH,
        ),
        Parameter(
            "survey_size",
            int,
            None,
            "respondents in each simulated survey",
            1,
            selection.POPULATION_SIZE,
            why="the simulated population's size",
        ),
    ),
    _resolve_how_sure,
    _INTRO,
)

#: Every explorer chapter's parameters, by notebook path.
CHAPTERS: dict[str, Chapter] = {c.notebook: c for c in (UPTAKE, INEQUALITY, HOW_SURE)}


# ------------------------------------------------------------------------------------ the check
def injected_names(history: Sequence[str]) -> list[str]:
    """Names assigned by papermill's injected cell, if it is the cell run just before this one.

    ``history`` is the kernel's input history (IPython's ``In``): its last entry is the cell now
    running, the one before it the cell papermill injected (which starts ``# Parameters``). In a
    live notebook that entry is some other cell, and nothing is returned.
    """
    if len(history) < 2 or not history[-2].lstrip().startswith(INJECTED_HEADER + "\n"):
        return []
    names = []
    for node in ast.parse(history[-2]).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def _unknown(chapter: Chapter, names: Sequence[str]) -> ParameterError | None:
    """The refusal of names the chapter does not take (with the closest valid name), or None."""
    unknown = [n for n in dict.fromkeys(names) if n not in chapter.names and n not in PAPERMILL_NAMES]
    if not unknown:
        return None
    described = []
    for name in unknown:
        close = difflib.get_close_matches(name, chapter.names, n=1, cutoff=0.6)
        described.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    noun = "parameter" if len(unknown) == 1 else "parameters"
    return ParameterError(f"unknown {noun} {', '.join(described)}: this chapter takes {', '.join(chapter.names)}")


def check(chapter: Chapter, namespace: MutableMapping[str, Any]) -> dict[str, Any]:
    """Refuse what the chapter cannot use, then put the values in use into ``namespace``.

    Refused, each with a one-line :class:`ParameterError`: a name papermill injected that the
    chapter does not take; a value of the wrong type or out of range; a combination the model
    forbids. Then every ``None`` in ``namespace`` is replaced by its sourced default, so that the
    chapter's later cells read the numbers they use. Returns the values by name.
    """
    refusal = _unknown(chapter, injected_names(namespace.get("In") or []))
    if refusal:
        raise refusal
    values = {p.name: p.check(namespace.get(p.name, p.default)) for p in chapter.parameters}
    try:
        resolved = chapter.resolve(values)
    except ParameterError:
        raise
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    resolved = {name: resolved[name] for name in chapter.names}
    namespace.update(resolved)
    return resolved


def check_mapping(chapter: Chapter, values: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`check` for a plain mapping of parameters (as ``papermill -p`` would pass them):
    unknown names refused, values checked and resolved. For tests and tools outside a kernel."""
    refusal = _unknown(chapter, list(values))
    if refusal:
        raise refusal
    namespace = {p.name: p.default for p in chapter.parameters} | dict(values)
    return check(chapter, namespace)
