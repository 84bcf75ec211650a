"""What every explorer in the book shares: controls with sourced defaults, the chapter's scenario
labelled as such, refusal of impossible values with a message (never a traceback, never a silent
clamp), a live chart and table side by side with a short control panel, and export of the current
scenario as a papermill command for the chapter it lives in.

An explorer is a list of controls and a ``render`` function that turns the current parameter values
into a chart and a captioned table (:func:`phb.charts.theme.table`) by calling a model in ``phb``. No model
logic lives here.

Use::

    controls = [Number("population", "Eligible population", 0, 60e6, 100, default=2000,
                       source="Assumption: ...", integer=True, slider_maximum=20_000)]
    explorer = Explorer("Uptake", controls, render, notebook="chapters/07_....ipynb",
                        scenario={"population": 5000})   # the chapter's scenario, if it differs
    explorer            # in a live notebook: the widget
    explorer.set(population=-5)   # -> the message the reader would see, and nothing recomputed

Every ``Number`` accepts, in its box, everything the model accepts (``minimum`` to ``maximum``); its
slider may cover a narrower common range (``slider_minimum`` to ``slider_maximum``). A typed value
beyond the slider is used as typed: the slider then rests at its end and a note says so.
"""

from __future__ import annotations

import html
import json
import math
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd

from phb.charts import theme

Render = Callable[[dict[str, Any]], tuple[alt.TopLevelMixin, theme.Table]]

#: What a notebook shows for an explorer before its cell has run (stored outputs, a notebook not
#: yet trusted, a front end without ipywidgets): a widget needs the kernel that made it.
NOT_RUN_TEXT = "Run this cell (or Run All) to use the explorer"

#: Widths of the control panel and of each number box: fixed, so that long labels never squeeze a
#: box (labels sit above their box and wrap within the panel).
PANEL_WIDTH = "25em"
BOX_WIDTH = "8.5em"
#: Text in the panel: a refusal (an alert, read out by screen readers), a control's label, its notes,
#: the chapter's scenario. Line heights are set because ipywidgets' HTML spaces lines for inputs.
ALERT_STYLE = "color:#8b0000;font-weight:600;line-height:1.35;margin:0.2em 0"
LABEL_STYLE = "font-weight:600;line-height:1.3;margin:0.2em 0"
NOTE_STYLE = "color:#444;font-size:0.88em;line-height:1.3;margin:0.1em 0"
TEXT_STYLE = "line-height:1.35;margin:0 0 0.5em 0"


def plain_number(value: float, integer: bool = False) -> str:
    """A number as a reader reads it: thousands separated, no float noise (0.44999999999999996 is
    0.45; a whole number has no decimals)."""
    if integer or float(value).is_integer():
        return f"{round(value):,}"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{value:.3g}"


@dataclass(frozen=True)
class Number:
    """A numeric control: a box taking any value the model accepts, a slider over the common range,
    and where its default came from.

    ``minimum``/``maximum`` are what the model accepts (the box refuses anything else, with a
    message). ``slider_minimum``/``slider_maximum`` (default: the same) bound the slider. ``source``
    says where the default comes from (a citation such as "NHS Confederation 2011, survey") or,
    where the sources give no number, starts with "Assumption:". ``prefix`` is shown before numbers
    in the panel's text (e.g. "£").
    """

    name: str
    label: str
    minimum: float
    maximum: float
    step: float
    default: float
    source: str
    integer: bool = False
    slider_minimum: float | None = None
    slider_maximum: float | None = None
    prefix: str = ""

    def __post_init__(self) -> None:
        low, high = self.slider_range
        if not (self.minimum <= low < high <= self.maximum):
            raise ValueError(
                f"{self.name}: the slider ({low:g} to {high:g}) must lie within what the "
                f"model accepts ({self.minimum:g} to {self.maximum:g})"
            )
        self.check(self.default)

    @property
    def slider_range(self) -> tuple[float, float]:
        """The slider's ends (the box takes the whole of ``minimum`` to ``maximum``)."""
        low = self.minimum if self.slider_minimum is None else self.slider_minimum
        high = self.maximum if self.slider_maximum is None else self.slider_maximum
        return low, high

    def check(self, value: Any) -> float | int:
        """Return ``value`` as a number (an int for a whole-number control), or raise ValueError
        saying what is allowed. Nothing is clamped or rounded."""
        if isinstance(value, bool):
            raise ValueError(f"{self.label}: {value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label}: {value!r} is not a number") from None
        if math.isnan(number) or not (self.minimum <= number <= self.maximum):
            got = value if math.isnan(number) else self.prefix + plain_number(number)
            raise ValueError(
                f"{self.label} must be between {self.text(self.minimum)} and {self.text(self.maximum)}; got {got}"
            )
        if self.integer:
            if not number.is_integer():
                raise ValueError(f"{self.label} must be a whole number; got {plain_number(number)}")
            return int(number)
        return number

    def text(self, value: float) -> str:
        """``value`` as the panel shows it ("£1,000", "2,000", "0.45")."""
        return self.prefix + plain_number(value, self.integer)

    def beyond_slider(self, value: float) -> bool:
        """True when ``value`` is allowed but outside the slider's range."""
        low, high = self.slider_range
        return not (low <= value <= high)


@dataclass(frozen=True)
class Choice:
    """A control that picks one of named options (a preset, a scenario)."""

    name: str
    label: str
    options: Mapping[str, Any]
    default: str
    source: str

    def check(self, value: Any) -> Any:
        """Return ``value`` if it is one of the options, or raise ValueError listing them."""
        if value not in self.options:
            raise ValueError(f"{self.label} must be one of {sorted(self.options)}; got {value!r}")
        return value

    def text(self, value: Any) -> str:
        """``value`` as the panel shows it."""
        return str(value)


Control = Number | Choice


def papermill_value(value: Any) -> str:
    """A value as papermill's ``-p`` reads it back exactly: whole numbers as ints, floats with full
    precision (``repr`` round-trips), text quoted for the shell."""
    if isinstance(value, str):
        if value in ("True", "False", "None") or _reads_as_number(value):
            raise ValueError(f"papermill would read {value!r} as a number or a constant, not as text")
        return shlex.quote(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"cannot export {value!r} as a papermill parameter")
    return repr(value)


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def formatted(frame: pd.DataFrame, formats: Mapping[str, str | Callable[[Any], str]]) -> pd.DataFrame:
    """``frame`` with the named columns written as text (a format spec such as ``"{:.1%}"`` or a
    function), so that a table shows 86.0%, not 0.86046511627907."""
    out = frame.copy()
    for column, spec in formats.items():
        fmt = spec.format if isinstance(spec, str) else spec
        out[column] = [fmt(v) for v in frame[column]]
    return out


@dataclass
class Explorer:
    """A live explorer over a model: grouped controls, the chapter's scenario, a reset, a message
    line, a chart and a table, and an export of the scenario for the chapter's papermill run.

    ``notebook`` is the chapter's path in the repository; ``exported`` names the controls that are
    parameters of that chapter (its ``parameters`` cell; default: every control). ``groups`` maps a
    group title to control names (each control in one group) for a panel of tabs; without it the
    controls form one group. ``scenario`` is where the chapter starts, when it is not the sourced
    defaults.
    """

    title: str
    controls: Sequence[Control]
    render: Render
    notebook: str
    exported: Sequence[str] | None = None
    groups: Mapping[str, Sequence[str]] | None = None
    scenario: Mapping[str, Any] | None = None
    values: dict[str, Any] = field(init=False)
    message: str = field(init=False, default="")

    def __post_init__(self) -> None:
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique: {names}")
        self._by_name = {c.name: c for c in self.controls}
        self.exported = tuple(names if self.exported is None else self.exported)
        self._check_names("exported", self.exported)
        self.groups = dict(self.groups or {"Settings": names})
        grouped = [n for members in self.groups.values() for n in members]
        self._check_names("groups", grouped)
        if sorted(grouped) != sorted(names):
            raise ValueError(f"groups must hold every control once; got {grouped} for {names}")
        self.defaults = {c.name: c.default for c in self.controls}
        self.start = dict(self.defaults)
        if self.scenario:
            self._check_names("scenario", list(self.scenario))
            self.start.update({k: self._by_name[k].check(v) for k, v in self.scenario.items()})
        self.values = dict(self.start)
        self._result = self.render(dict(self.values))  # raises ValueError if the model refuses
        self._inputs: dict[str, w.Widget] = {}
        self._sliders: dict[str, w.Widget] = {}
        self._out = w.Output(layout=w.Layout(flex="1 1 32em", min_width="0"))
        self._note = w.HTML()
        self._status: dict[str, w.HTML] = {}
        self._concerns: str | None = None  # the one control the last change was to, if one
        self._ui: w.Widget | None = None

    def _check_names(self, what: str, names: Sequence[str]) -> None:
        unknown = [n for n in names if n not in self._by_name]
        if unknown:
            raise ValueError(
                f"{what}: there is no setting called {', '.join(map(repr, unknown))}; "
                f"the settings are {', '.join(self._by_name)}"
            )

    # ---------------------------------------------------------------- logic (testable without a browser)
    @property
    def parameters(self) -> dict[str, Any]:
        """The current scenario: every control's value, by name."""
        return dict(self.values)

    @property
    def starts_elsewhere(self) -> bool:
        """True when the chapter's scenario is not the sourced defaults."""
        return self.start != self.defaults

    def set(self, **changes: Any) -> str:
        """Apply changes if every one is allowed; otherwise keep the last good scenario.

        Returns the message shown to the reader ("" when all went well). The model itself may still
        refuse a combination (it raises ValueError); that message is shown the same way.
        """
        candidate = dict(self.values)
        self._concerns = next(iter(changes)) if len(changes) == 1 else None
        try:
            for name, value in changes.items():
                if name not in self._by_name:
                    raise ValueError(f"there is no setting called {name!r}")
                candidate[name] = self._by_name[name].check(value)
            result = self.render(dict(candidate))
        except ValueError as error:
            self.message = f"Not changed: {error}"
            self._refresh()
            return self.message
        self.values, self._result, self.message = candidate, result, ""
        # The inputs and notes first, the chart last: once the chart has changed, every input shows
        # the new values (a reader, or a test, typing right after the redraw is not overwritten).
        self._refresh()
        self._draw()
        return self.message

    def reset(self) -> str:
        """Go back to the sourced defaults."""
        return self.set(**self.defaults)

    def back_to_scenario(self) -> str:
        """Go back to the chapter's scenario (where the explorer started)."""
        return self.set(**self.start)

    def beyond_slider(self) -> list[str]:
        """A note for each value typed beyond its slider's range (allowed, and used as typed)."""
        return [f"{c.label}: {note}" for c in self.controls if (note := self._beyond_note(c))]

    def _beyond_note(self, control: Control) -> str:
        value = self.values[control.name]
        if not isinstance(control, Number) or not control.beyond_slider(value):
            return ""
        low, high = control.slider_range
        return (
            f"{control.text(value)} is used as typed; the slider covers {control.text(low)} to "
            f"{control.text(high)} and rests at its end."
        )

    def scenario_text(self) -> str:
        """What the chapter's scenario is, in words: the sourced defaults, or what differs."""
        changed = [
            f"{c.label} {c.text(self.start[c.name])} (sourced default {c.text(c.default)})"
            for c in self.controls
            if self.start[c.name] != c.default
        ]
        if not changed:
            return "This chapter's scenario: the sourced defaults."
        return "This chapter's scenario: " + "; ".join(changed) + "."

    def export_parameters(self) -> str:
        """A papermill command that re-runs the chapter with the current scenario, exactly.

        Only the chapter's parameters go into the command; a setting the chapter does not take is
        named below it when it differs from its sourced default (the command cannot carry it).
        """
        chosen = {n: self.values[n] for n in self.exported}
        flags = " ".join(f"-p {n} {papermill_value(v)}" for n, v in chosen.items())
        lines = [f"papermill {self.notebook} out.ipynb {flags}"]
        left_out = [
            f"{c.label} = {c.text(self.values[c.name])}"
            for c in self.controls
            if c.name not in self.exported and self.values[c.name] != c.default
        ]
        if left_out:
            lines.append(
                "Not in the command (the chapter does not take them; it uses their sourced "
                "defaults): " + "; ".join(left_out)
            )
        lines.append("The same parameters as a file for papermill -f params.yaml:")
        lines.append(json.dumps(chosen, indent=2))
        return "\n".join(lines)

    # ---------------------------------------------------------------- the widget
    def _refresh(self) -> None:
        """Show the message under the control it concerns (or under the panel when it concerns no
        single control) and each control's note, and put every input back on the current values."""
        alert = f'<div role="alert" style="{ALERT_STYLE}">{html.escape(self.message)}</div>' if self.message else ""
        near = self._concerns if self._concerns in self._status else None
        self._note.value = "" if near else alert
        for name, status in self._status.items():
            note = self._beyond_note(self._by_name[name])
            status.value = (alert if name == near else "") + (
                f'<div style="{NOTE_STYLE}">{html.escape(note)}</div>' if note else ""
            )
        for name, box in self._inputs.items():
            self._quietly(box, self.values[name])
        for name, slider in self._sliders.items():
            low, high = self._by_name[name].slider_range
            self._quietly(slider, min(max(self.values[name], low), high))

    def _quietly(self, widget: w.Widget, value: Any) -> None:
        """Set a widget's value without calling its handler (the value is already applied)."""
        handler = self._handlers[id(widget)]
        widget.unobserve(handler, names="value")
        widget.value = value
        widget.observe(handler, names="value")

    def _draw(self) -> None:
        if self._ui is None:
            return
        chart, table = self._result
        # Set the Output's contents directly rather than printing into it: that sends no output
        # messages from the cell, so a re-run notebook (nbval) sees only the widget itself.
        self._out.outputs = ()
        self._out.outputs = theme.show(chart).output_messages()
        self._out.append_display_data(table)

    def _watch(self, widget: w.Widget, name: str) -> None:
        def handler(change: dict) -> None:
            self.set(**{name: change["new"]})

        self._handlers[id(widget)] = handler
        widget.observe(handler, names="value")

    def _control_widget(self, control: Control) -> w.Widget:
        """A control as the reader sees it: its label above, the input(s), the sourced default."""
        label = w.HTML(f'<div style="{LABEL_STYLE}">{html.escape(control.label)}</div>')
        # The input keeps the label as its description (its accessible name) but shows it above:
        # a label beside a box squeezes it.
        hidden_label = {"description": control.label, "style": {"description_width": "0px"}}
        value = self.values[control.name]
        if isinstance(control, Choice):
            box = w.Dropdown(options=list(control.options), value=value, layout=w.Layout(width="95%"), **hidden_label)
            row: w.Widget = box
        else:
            # A text box with the model's whole range beside a slider over the common range: a
            # reader can type any allowed value (nothing is clamped); an impossible one is refused.
            box = w.FloatText(
                value=value,
                step=control.step,
                continuous_update=False,
                layout=w.Layout(width=BOX_WIDTH, flex="0 0 auto"),
                **hidden_label,
            )
            low, high = control.slider_range
            kind = w.IntSlider if control.integer else w.FloatSlider
            slider = kind(
                min=low,
                max=high,
                step=control.step,
                value=min(max(value, low), high),
                readout=False,
                continuous_update=False,
                layout=w.Layout(flex="1 1 auto", width="auto"),
                **hidden_label,
            )
            self._sliders[control.name] = slider
            self._watch(slider, control.name)
            row = w.HBox([box, slider], layout=w.Layout(width="100%"))
        self._inputs[control.name] = box
        self._watch(box, control.name)
        default = f"Sourced default: {control.text(control.default)}"
        if self.start[control.name] != control.default:
            default += f" · this chapter's scenario: {control.text(self.start[control.name])}"
        note = w.HTML(f'<div style="{NOTE_STYLE}">{html.escape(default)}</div>')
        self._status[control.name] = w.HTML()
        return w.VBox([label, row, self._status[control.name], note], layout=w.Layout(margin="0 0 0.5em 0"))

    def _group_widget(self, names: Sequence[str]) -> w.Widget:
        """One group of controls, with where their defaults come from folded beneath them."""
        sources = "".join(
            f"<li><b>{html.escape(self._by_name[n].label)}</b>: {html.escape(self._by_name[n].source)}</li>"
            for n in names
        )
        where = w.HTML(
            f"<details><summary>Where these defaults come from</summary>"
            f'<ul style="font-size:0.9em;margin:0.2em 0;padding-left:1.2em">{sources}</ul>'
            "</details>"
        )
        return w.VBox([self._control_widget(self._by_name[n]) for n in names] + [where])

    def _show_export(self) -> None:
        """Fill the export box with the command and show it (it is hidden until asked for)."""
        self._exported.value = self.export_parameters()
        self._exported.layout.display = None

    def _buttons(self) -> w.Widget:
        fit = w.Layout(width="max-content")
        reset = w.Button(description="Reset to sourced defaults", icon="undo", layout=fit)
        reset.on_click(lambda _: self.reset())
        buttons = [reset]
        if self.starts_elsewhere:
            back = w.Button(description="Back to this chapter's scenario", layout=fit)
            back.on_click(lambda _: self.back_to_scenario())
            buttons.append(back)
        export = w.Button(description="Export scenario for papermill", layout=fit)
        export.on_click(lambda _: self._show_export())
        buttons.append(export)
        return w.HBox(buttons, layout=w.Layout(flex_flow="row wrap"))

    def widget(self) -> w.Widget:
        """Build (once) and return the ipywidgets tree: a short panel of grouped controls on the
        left, the chart and table beside it (below it on a narrow screen), the export underneath."""
        if self._ui is None:
            self._handlers: dict[int, Callable[[dict], None]] = {}
            groups = [self._group_widget(names) for names in self.groups.values()]
            if len(groups) == 1:
                controls = groups[0]
            else:
                controls = w.Tab(children=groups, titles=list(self.groups))
            self._exported = w.Textarea(
                description="papermill command",
                layout=w.Layout(width="100%", height="8em", display="none"),
                style={"description_width": "0px"},
            )
            scenario = w.HTML(f'<p style="{TEXT_STYLE}">{html.escape(self.scenario_text())}</p>')
            panel = w.VBox(
                [scenario, controls, self._note, self._buttons()],
                layout=w.Layout(width=PANEL_WIDTH, flex="0 0 auto", margin="0 1em 0 0"),
            )
            body = w.HBox([panel, self._out], layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
            header = w.HTML(f"<h4>{html.escape(self.title)}</h4>")
            self._ui = w.VBox([header, body, self._exported])
            self._draw()
            self._refresh()
        return self._ui

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The widget, with a plain-text and HTML stand-in saying how to get it: what a front end
        shows before the cell runs (a stored or untrusted notebook, or no ipywidgets)."""
        bundle = self.widget()._repr_mimebundle_()
        text = f"{self.title}: {NOT_RUN_TEXT}."
        bundle["text/plain"] = text
        bundle["text/html"] = (
            f'<p class="phb-explorer-not-run"><b>{html.escape(self.title)}</b>: {html.escape(NOT_RUN_TEXT)}.</p>'
        )
        return bundle


def pick(scenario: Mapping[str, Any] | None, names: Sequence[str]) -> dict[str, Any]:
    """One explorer's part of a chapter's scenario (the chapter's parameters also set other things:
    another explorer, the number of random draws), so every chapter calls ``xxx_explorer(scenario)``."""
    return {name: scenario[name] for name in names if name in scenario} if scenario else {}
