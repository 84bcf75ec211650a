"""Benchmarks of the uptake model and its explorer (run by benchmarks/run.py: `make bench`).

Targets: one model evaluation under 1 ms; a 100,000-draw Monte Carlo under 100 ms; a widget update
(the model, the chart and its spec: what happens when a reader moves a control) under 50 ms.
"""

from __future__ import annotations

from collections.abc import Callable

from phb.models import uptake
from widgets.uptake import render

_DEFAULTS = uptake.defaults()


def one_evaluation() -> object:
    return uptake.evaluate(**_DEFAULTS)


def monte_carlo_100k() -> object:
    return uptake.monte_carlo(draws=100_000, seed=2011)


def widget_update() -> object:
    chart, table = render({**_DEFAULTS, "share_aware": 0.7})
    return chart.to_dict(), table


CASES: dict[str, tuple[Callable[[], object], float]] = {
    "one model evaluation": (one_evaluation, 1e-3),
    "Monte Carlo, 100,000 draws": (monte_carlo_100k, 0.1),
    "widget update (model + chart spec)": (widget_update, 0.05),
}
