"""Benchmarks for "How sure can we be?" (run by benchmarks/run.py: `make bench`).

Caches are cleared inside each case so that the time is the real computation a reader's first
request costs, not a dictionary look-up. Targets: one interval in a few milliseconds; one
self-selection setting under 50 ms; a widget update (model, chart and its validated Vega-Lite spec)
under 0.3 s, most of which is Altair building and validating the spec, not the statistics.
"""

from __future__ import annotations

from collections.abc import Callable

from phb.charts.stats import _interval_grid, interval_grid, selection_grid
from phb.models import selection, stats
from widgets.stats import render_interval, render_selection


def _clear() -> None:
    stats._binomial_ci.cache_clear()
    selection._outcomes.cache_clear()
    selection._answer_chances.cache_clear()
    _interval_grid.cache_clear()


def wilson() -> object:
    stats._binomial_ci.cache_clear()
    return stats.wilson(81, 263)


def clopper_pearson() -> object:
    stats._binomial_ci.cache_clear()
    return stats.clopper_pearson(81, 263)


def newcombe_difference() -> object:
    stats._binomial_ci.cache_clear()
    return stats.difference_interval(56, 70, 48, 80)


def allowed_bound() -> object:
    stats._binomial_ci.cache_clear()
    return stats.allowed_counts(302, "more than", 0.8)


def headline_table() -> object:
    stats._binomial_ci.cache_clear()
    return stats.headline_table()


def one_simulation() -> object:
    _clear()
    return selection.simulate(1.0, survey_size=130)


def bias_curve() -> object:
    _clear()
    return selection.bias_curve()


def coverage_200_surveys() -> object:
    _clear()
    return selection.coverage(1.0, surveys=200)


def interval_widget_update() -> object:
    stats._binomial_ci.cache_clear()
    chart, table = render_interval({"n": 250, "share": 0.42})
    return chart.to_dict(), table


def selection_widget_update() -> object:
    _clear()
    chart, table = render_selection({"strength": 1.7, "survey_size": 400, "true_share": 0.6, "outcome_link": 1.5})
    return chart.to_dict(), table


def interval_twin_grid() -> object:
    _clear()
    return interval_grid()


def selection_twin_grid() -> object:
    _clear()
    return selection_grid()


CASES: dict[str, tuple[Callable[[], object], float]] = {
    "Wilson interval (closed form)": (wilson, 2e-3),
    "Clopper–Pearson interval (beta quantiles)": (clopper_pearson, 1e-2),
    "Newcombe difference of two shares": (newcombe_difference, 4e-3),
    "counts a bound allows ('more than 80%' of 302)": (allowed_bound, 5e-3),
    "headline table from data/ (20 figures)": (headline_table, 0.3),
    "self-selection simulation, one setting": (one_simulation, 0.05),
    "self-selection bias curve (21 strengths)": (bias_curve, 0.5),
    "coverage of 200 self-selected surveys": (coverage_200_surveys, 0.5),
    "interval widget update (model + chart spec)": (interval_widget_update, 0.3),
    "selection widget update (model + chart spec)": (selection_widget_update, 0.3),
    "interval twin grid (630 settings)": (interval_twin_grid, 1.0),
    "selection twin grid (220 settings)": (selection_twin_grid, 2.0),
}
