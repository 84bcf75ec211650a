"""Benchmarks of the inequality model and its explorer (run by benchmarks/run.py: `make bench`).

Targets: one scenario evaluation (table and gap measures) under 2 ms; the gap at 101 advocacy levels
in one vectorised pass under 2 ms; a widget update (model, chart, chart.to_dict() and table: what
happens when a reader moves a control) under 50 ms; the kernel-free twin's grid under 1 s.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from phb.charts.inequality import twin_grid as inequality_twin_grid
from phb.models import inequality
from widgets.inequality import controls, render

_GROUPS = inequality.preset("deprivation quintiles")
_PARAMS = {c.name: c.default for c in controls()}
_LEVELS = np.linspace(0, 1, 101)


def one_evaluation() -> object:
    return inequality.evaluate(_GROUPS, 0.5)


def gap_curve_101() -> object:
    return inequality.gap_curve(_GROUPS, _LEVELS)


def widget_update() -> object:
    chart, table = render({**_PARAMS, "advocacy": 0.4})
    return chart.to_dict(), table


def twin_grid() -> object:
    return inequality_twin_grid()


CASES: dict[str, tuple[Callable[[], object], float]] = {
    "one scenario evaluation": (one_evaluation, 2e-3),
    "gap at 101 advocacy levels (vectorised)": (gap_curve_101, 2e-3),
    "widget update (render + chart.to_dict())": (widget_update, 0.05),
    "twin grid (150 settings)": (twin_grid, 1.0),
}
