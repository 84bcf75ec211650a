"""What every explorer in the book shares: controls with sourced defaults, a reset button, refusal of
impossible values with a message (never a traceback), a live chart and table, and export of the
current scenario as papermill parameters.

An explorer is a list of controls and a ``render`` function that turns the current parameter values
into a chart and a summary table by calling a model in ``phb``. No model logic lives here.

Use::

    controls = [Number("population", "Eligible population", 0, 1e6, 1000, default=..., source="...")]
    explorer = Explorer("Uptake", controls, render)
    explorer            # in a live notebook: the widget
    explorer.set(population=-5)   # -> the message the reader would see, and nothing recomputed
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd
from IPython.display import display

from phb import charts
from phb.twin import Slider

Render = Callable[[dict[str, Any]], tuple[alt.TopLevelMixin, pd.DataFrame]]


@dataclass(frozen=True)
class Number:
    """A numeric control: a slider with a box to type an exact value, and where its default came from.

    ``source`` says where the default comes from (a citation such as "NHS Confederation 2011, survey")
    or, where the sources give no number, starts with "Assumption:".
    """

    name: str
    label: str
    minimum: float
    maximum: float
    step: float
    default: float
    source: str
    integer: bool = False

    def check(self, value: Any) -> float:
        """Return ``value`` as a number, or raise ValueError saying what is allowed."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label}: {value!r} is not a number") from None
        if math.isnan(number) or not (self.minimum <= number <= self.maximum):
            raise ValueError(
                f"{self.label} must be between {self.minimum:g} and {self.maximum:g}; got {value!r}"
            )
        return int(round(number)) if self.integer else number

    def slider(self, step: float | None = None) -> Slider:
        """The same control for the kernel-free twin (optionally with a coarser step)."""
        return Slider(self.name, self.label, self.minimum, self.maximum, step or self.step, self.default)


@dataclass(frozen=True)
class Choice:
    """A control that picks one of named options (a preset, a scenario)."""

    name: str
    label: str
    options: Mapping[str, Any]
    default: str
    source: str

    def check(self, value: Any) -> Any:
        if value not in self.options:
            raise ValueError(f"{self.label} must be one of {sorted(self.options)}; got {value!r}")
        return value


Control = Number | Choice


@dataclass
class Explorer:
    """A live explorer over a model: controls, a reset, a message line, a chart and a table."""

    title: str
    controls: Sequence[Control]
    render: Render
    values: dict[str, Any] = field(init=False)
    message: str = field(init=False, default="")

    def __post_init__(self) -> None:
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique: {names}")
        self.values = {c.name: c.default for c in self.controls}
        self._inputs: dict[str, w.Widget] = {}
        self._out = w.Output()
        self._note = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._ui: w.Widget | None = None

    # ---------------------------------------------------------------- logic (testable without a browser)
    @property
    def parameters(self) -> dict[str, Any]:
        """The current scenario, as the parameters a chapter's ``parameters`` cell takes."""
        return dict(self.values)

    def set(self, **changes: Any) -> str:
        """Apply changes if every one is allowed; otherwise keep the last good scenario.

        Returns the message shown to the reader ("" when all went well). The model itself may still
        refuse a combination (it raises ValueError); that message is shown the same way.
        """
        by_name = {c.name: c for c in self.controls}
        candidate = dict(self.values)
        try:
            for name, value in changes.items():
                if name not in by_name:
                    raise ValueError(f"there is no setting called {name!r}")
                candidate[name] = by_name[name].check(value)
            result = self.render(candidate)
        except ValueError as error:
            self.message = f"Not changed: {error}"
            self._show_message(self.message)
            self._sync_inputs()
            return self.message
        self.values = candidate
        self.message = ""
        self._show_message("")
        self._draw(*result)
        return ""

    def reset(self) -> None:
        """Go back to the sourced defaults."""
        self.set(**{c.name: c.default for c in self.controls})

    def export_parameters(self, notebook: str = "CHAPTER.ipynb") -> str:
        """The current scenario as a papermill command and as JSON (for ``-f params.yaml`` too)."""
        flags = " ".join(f"-p {k} {json.dumps(v) if isinstance(v, str) else v}"
                         for k, v in self.values.items())
        return (f"papermill {notebook} out.ipynb {flags}\n"
                f"{json.dumps(self.values, indent=2, sort_keys=True)}")

    # ---------------------------------------------------------------- the widget
    def _show_message(self, text: str) -> None:
        self._note.value = (
            f'<div role="alert" style="color:#8b0000;font-weight:600">{html.escape(text)}</div>'
            if text else ""
        )

    def _draw(self, chart: alt.TopLevelMixin, table: pd.DataFrame) -> None:
        if self._ui is None:
            return
        # Set the Output's contents directly rather than printing into it: that sends no output
        # messages from the cell, so a re-run notebook (nbval) sees only the widget itself.
        self._out.outputs = ()
        self._out.outputs = charts.show(chart).output_messages()
        self._out.append_display_data(table)

    def _sync_inputs(self) -> None:
        for name, widget in self._inputs.items():
            widget.unobserve_all("value")
            widget.value = self.values[name]
            widget.observe(self._on_change(name), names="value")

    def _on_change(self, name: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            self.set(**{name: change["new"]})
        return handler

    def _control_widget(self, control: Control) -> w.Widget:
        source = w.HTML(f'<small style="color:#444">Default: {html.escape(str(control.default))}'
                        f" — {html.escape(control.source)}</small>")
        if isinstance(control, Choice):
            box = w.Dropdown(options=list(control.options), value=self.values[control.name],
                             description=control.label, style={"description_width": "initial"})
        else:
            # A text box rather than a slider alone: a reader can type any value, and an impossible
            # one is refused with a message instead of being silently clamped.
            box = w.FloatText(value=self.values[control.name], step=control.step,
                              description=control.label, continuous_update=False,
                              style={"description_width": "initial"})
            slider = w.FloatSlider(min=control.minimum, max=control.maximum, step=control.step,
                                   value=self.values[control.name], readout=False,
                                   continuous_update=False, description_allow_html=False)
            w.jslink((slider, "value"), (box, "value"))
            self._inputs[control.name] = box
            box.observe(self._on_change(control.name), names="value")
            return w.VBox([w.HBox([box, slider]), source])
        self._inputs[control.name] = box
        box.observe(self._on_change(control.name), names="value")
        return w.VBox([box, source])

    def widget(self) -> w.Widget:
        """Build (once) and return the ipywidgets tree."""
        if self._ui is None:
            reset = w.Button(description="Reset to sourced defaults", icon="undo")
            reset.on_click(lambda _: (self.reset(), self._sync_inputs()))
            export = w.Button(description="Export scenario for papermill")
            exported = w.Textarea(layout=w.Layout(width="100%", height="6em"))
            export.on_click(lambda _: setattr(exported, "value", self.export_parameters()))
            header = w.HTML(f"<h4>{html.escape(self.title)}</h4>")
            controls = [self._control_widget(c) for c in self.controls]
            self._ui = w.VBox([header, *controls, w.HBox([reset, export]), self._note,
                               exported, self._out])
            self.set()
        return self._ui

    def _ipython_display_(self) -> None:
        display(self.widget())
