"""Kernel-free twins of the book's widgets.

A live widget needs a Python kernel; the published book has none. A twin gives the same exploration
in the static page: the model is run ahead of time, by the same code as the widget, over a grid of
every slider setting, and a Vega-Lite chart filters that grid by parameters bound to HTML sliders.
Moving a slider then redraws the chart in the browser with no server.

Use::

    sliders = [Slider("support", "Support offered (share)", 0, 1, 0.1, default=0.5)]
    grid = precompute(lambda support: my_model(support=support), sliders)   # a DataFrame
    chart = alt.Chart(grid).mark_bar().encode(...)
    chart = bind(chart, sliders)        # adds the sliders and the filter
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

#: Largest grid a twin may carry: every row ships inside the page.
MAX_GRID_ROWS = 20_000


@dataclass(frozen=True)
class Slider:
    """One reader-facing setting: the model parameter it drives and the values it can take."""

    name: str
    label: str
    minimum: float
    maximum: float
    step: float
    default: float

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"slider name {self.name!r} must be a Python identifier")
        if not (self.minimum < self.maximum) or self.step <= 0:
            raise ValueError(f"slider {self.name!r}: need minimum < maximum and step > 0")
        if not (self.minimum <= self.default <= self.maximum):
            raise ValueError(
                f"slider {self.name!r}: default {self.default} is outside [{self.minimum}, {self.maximum}]"
            )

    def values(self) -> np.ndarray:
        """Every value the slider can take, rounded so that grid keys compare exactly."""
        count = int(round((self.maximum - self.minimum) / self.step)) + 1
        return np.round(self.minimum + self.step * np.arange(count), 10)

    def snap(self, value: float) -> float:
        """The grid value nearest to ``value`` (what the browser slider would show)."""
        values = self.values()
        return float(values[np.argmin(np.abs(values - value))])

    def param(self) -> alt.Parameter:
        """The Vega-Lite parameter, bound to a labelled range input."""
        return alt.param(
            name=self.name,
            value=self.snap(self.default),
            bind=alt.binding_range(min=self.minimum, max=self.maximum, step=self.step, name=f"{self.label} "),
        )

    def matches(self) -> str:
        """A Vega expression true for grid rows at the slider's current value."""
        tolerance = self.step / 2
        return f"abs(datum['{self.name}'] - {self.name}) < {tolerance!r}"


def precompute(
    model: Callable[..., Mapping[str, float] | pd.DataFrame],
    sliders: Sequence[Slider],
    fixed: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Run ``model`` at every combination of slider values and stack the results.

    ``model`` takes the sliders' names as keyword arguments (plus ``fixed``) and returns one row
    (a mapping) or several (a DataFrame). The result has one column per slider, so the chart can
    filter by them.
    """
    fixed = dict(fixed or {})
    axes = [s.values() for s in sliders]
    size = math.prod(len(a) for a in axes)
    if size > MAX_GRID_ROWS:
        raise ValueError(f"a twin grid of {size} settings is too large for a page; coarsen a slider")
    frames = []
    for combo in itertools.product(*axes):
        settings = {s.name: float(v) for s, v in zip(sliders, combo)}
        result = model(**settings, **fixed)
        frame = result.copy() if isinstance(result, pd.DataFrame) else pd.DataFrame([dict(result)])
        for name, value in settings.items():
            frame[name] = value
        frames.append(frame)
    grid = pd.concat(frames, ignore_index=True)
    if len(grid) > MAX_GRID_ROWS:
        raise ValueError(f"a twin grid of {len(grid)} rows is too large for a page")
    return grid


def bind(chart: alt.Chart, sliders: Sequence[Slider]) -> alt.Chart:
    """Add the sliders to a chart over a precomputed grid and show only the rows they select."""
    expression = " && ".join(s.matches() for s in sliders)
    return chart.add_params(*[s.param() for s in sliders]).transform_filter(expression)


def select(grid: pd.DataFrame, sliders: Sequence[Slider], **settings: float) -> pd.DataFrame:
    """The grid rows the browser would show at ``settings`` (used by tests to compare twin and model)."""
    mask = np.ones(len(grid), dtype=bool)
    for s in sliders:
        value = s.snap(settings.get(s.name, s.default))
        mask &= np.abs(grid[s.name].to_numpy() - value) < s.step / 2
    return grid.loc[mask].reset_index(drop=True)
