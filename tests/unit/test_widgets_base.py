"""The shared explorer behaviour: sourced defaults and the chapter's scenario, refusal with a message,
no silent clamp, whole numbers shown whole, reset, export, and what a notebook stores."""

import shlex

import altair as alt
import ipywidgets as w
import nbformat
import pandas as pd
import pytest
from papermill.cli import _resolve_type

from bookkit.notebooks import WIDGET_VIEW, without_widget_views
from phb.charts import theme
from widgets.base import NOT_RUN_TEXT, Choice, Explorer, Number, formatted, papermill_value


def render(params):
    if params["share"] > 0.9 and params["mode"] == "strict":
        raise ValueError("share above 0.9 is impossible in strict mode")
    data = pd.DataFrame({"holders": [params["population"] * params["share"]]})
    chart = theme.describe(
        alt.Chart(data).mark_bar().encode(y="holders:Q"),
        title="Holders",
        description="One bar: the number of people holding a budget.",
    )
    return chart, theme.table(data, "Holders")


CONTROLS = [
    Number(
        "population",
        "Eligible population in the area, a long label that would squeeze a box",
        0,
        1_000_000,
        10,
        100,
        "Assumption: a round number",
        integer=True,
        slider_maximum=1000,
    ),
    Number("share", "Share taking a budget", 0, 1, 0.05, 0.5, "Assumption"),
    Choice("mode", "Mode", {"strict": 1, "lax": 0}, "lax", "Assumption"),
]
GROUPS = {"People": ["population", "share"], "Rules": ["mode"]}


def make(scenario=None, exported=None) -> Explorer:
    return Explorer(
        "Test", CONTROLS, render, notebook="chapters/99_test.ipynb", groups=GROUPS, scenario=scenario, exported=exported
    )


def by_description(ui: w.Widget, kind: type) -> dict[str, w.Widget]:
    """Every widget of ``kind`` in the tree under ``ui``, by its description."""
    found, todo = {}, [ui]
    while todo:
        widget = todo.pop()
        if isinstance(widget, kind):
            found[widget.description] = widget
        todo.extend(getattr(widget, "children", ()))
    return found


def test_defaults_are_the_parameters():
    explorer = make()
    assert explorer.parameters == {"population": 100, "share": 0.5, "mode": "lax"}
    assert not explorer.starts_elsewhere
    assert explorer.scenario_text() == "This chapter's scenario: the sourced defaults."


@pytest.mark.parametrize("value", [-1, 1.5, float("nan"), "abc", None, True])
def test_impossible_value_is_refused_with_a_message_and_nothing_changes(value):
    explorer = make()
    message = explorer.set(share=value)
    assert message.startswith("Not changed:") and "Share taking a budget" in message
    assert explorer.parameters["share"] == 0.5


def test_model_refusal_is_shown_not_raised():
    explorer = make()
    explorer.set(mode="strict")
    message = explorer.set(share=0.95)
    assert "impossible in strict mode" in message
    assert explorer.parameters["share"] == 0.5


def test_unknown_setting_and_choice_are_refused():
    explorer = make()
    assert "no setting called" in explorer.set(colour=3)
    assert "must be one of" in explorer.set(mode="sloppy")
    with pytest.raises(ValueError, match="no setting called 'colour'"):
        make(scenario={"colour": 3})


def test_a_value_beyond_the_slider_but_allowed_by_the_model_is_used_as_typed():
    explorer = make()
    ui = explorer.widget()
    box = explorer._inputs["population"]
    box.value = 50_000
    assert explorer.parameters["population"] == 50_000 and explorer.message == ""
    assert box.value == 50_000, "the box keeps what was typed (no silent clamp)"
    assert explorer._sliders["population"].value == 1000, "the slider rests at its end"
    status = explorer._status["population"].value
    assert "50,000 is used as typed" in status and "0 to 1,000" in status
    box.value = 2_000_000
    status = explorer._status["population"].value  # the refusal shows under the box typed in
    assert 'role="alert"' in status and "must be between 0 and 1,000,000; got 2,000,000" in status
    assert explorer.parameters["population"] == 50_000 and box.value == 50_000
    assert ui is explorer.widget()


def test_a_slider_covers_only_what_the_model_accepts():
    with pytest.raises(ValueError, match="must lie within what the model accepts"):
        Number("x", "X", 0, 10, 1, 5, "Assumption", slider_maximum=20)


def test_whole_numbers_stay_whole_and_fractions_are_refused_not_truncated():
    explorer = make()
    assert "must be a whole number; got 131.9" in explorer.set(population=131.9)
    assert explorer.set(population=132.0) == ""
    assert explorer.parameters["population"] == 132
    assert isinstance(explorer.parameters["population"], int)
    explorer.widget()
    assert isinstance(explorer._sliders["population"], w.IntSlider)


def test_chapter_scenario_is_labelled_and_reset_goes_to_sourced_defaults():
    explorer = make(scenario={"share": 0.25, "population": 400})
    assert explorer.parameters == {"population": 400, "share": 0.25, "mode": "lax"}
    assert explorer.starts_elsewhere
    assert "This chapter's scenario:" in explorer.scenario_text()
    assert "Share taking a budget 0.25 (sourced default 0.5)" in explorer.scenario_text()
    buttons = by_description(explorer.widget(), w.Button)
    buttons["Reset to sourced defaults"].click()
    assert explorer.parameters == {"population": 100, "share": 0.5, "mode": "lax"}
    assert explorer._inputs["share"].value == 0.5
    buttons["Back to this chapter's scenario"].click()
    assert explorer.parameters == {"population": 400, "share": 0.25, "mode": "lax"}
    texts = " ".join(c.value for c in _all(explorer.widget()) if isinstance(c, w.HTML))
    assert "Sourced default: 0.5 · this chapter&#x27;s scenario: 0.25" in texts


def _all(ui):
    todo, out = [ui], []
    while todo:
        widget = todo.pop()
        out.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return out


def test_no_second_button_when_the_chapter_starts_at_the_defaults():
    assert "Back to this chapter's scenario" not in by_description(make().widget(), w.Button)


def test_layout_groups_controls_beside_the_chart_and_never_squeezes_a_box():
    explorer = make()
    ui = explorer.widget()
    tabs = [c for c in _all(ui) if isinstance(c, w.Tab)]
    assert len(tabs) == 1 and tabs[0].titles == ("People", "Rules")
    body = next(c for c in ui.children if isinstance(c, w.HBox))
    panel, output = body.children
    assert output is explorer._out and "wrap" in body.layout.flex_flow
    for widget in _all(ui):
        if isinstance(widget, (w.FloatText, w.FloatSlider, w.IntSlider, w.Dropdown)):
            assert widget.style.description_width == "0px"  # the label sits above the input
        if isinstance(widget, w.FloatText):
            assert widget.layout.width and widget.layout.flex == "0 0 auto"
        if isinstance(widget, w.Button):
            assert widget.layout.width == "max-content"  # the label is never cut


def test_export_is_a_papermill_command_that_reproduces_the_scenario_exactly():
    explorer = make()
    assert explorer.set(share=0.1 + 0.2, population=50_000, mode="strict") == ""
    command = explorer.export_parameters().splitlines()[0]
    words = shlex.split(command)
    assert words[:3] == ["papermill", "chapters/99_test.ipynb", "out.ipynb"]
    passed = {words[i + 1]: _resolve_type(words[i + 2]) for i in range(3, len(words), 3)}
    assert passed == explorer.parameters
    assert type(passed["population"]) is int and passed["share"] == 0.30000000000000004


def test_the_export_button_shows_the_command():
    explorer = make()
    box = explorer.widget().children[-1]
    assert isinstance(box, w.Textarea) and box.layout.display == "none"
    by_description(explorer.widget(), w.Button)["Export scenario for papermill"].click()
    assert box.value == explorer.export_parameters() and box.layout.display is None


def test_export_names_only_the_chapters_parameters_and_says_what_it_leaves_out():
    explorer = make(exported=["population", "share"])
    assert "-p mode" not in explorer.export_parameters()
    assert "Not in the command" not in explorer.export_parameters()
    explorer.set(mode="strict")
    assert "-p mode" not in explorer.export_parameters()
    assert "Not in the command (the chapter does not take them" in explorer.export_parameters()
    assert "Mode = strict" in explorer.export_parameters()


def test_papermill_values_are_exact_and_text_is_quoted():
    assert papermill_value(0.44999999999999996) == "0.44999999999999996"
    assert papermill_value(60_000_000) == "60000000"
    assert shlex.split(papermill_value("age bands 2023/24")) == ["age bands 2023/24"]
    with pytest.raises(ValueError, match="as a number"):
        papermill_value("2011")


def test_tables_are_formatted_text():
    frame = formatted(pd.DataFrame({"share": [0.863636], "n": [132.0]}), {"share": "{:.1%}", "n": "{:,.0f}"})
    assert frame.to_dict("records") == [{"share": "86.4%", "n": "132"}]


def test_before_it_runs_the_explorer_says_how_to_get_it():
    bundle = make()._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert NOT_RUN_TEXT in bundle["text/plain"] and "VBox" not in bundle["text/plain"]
    assert NOT_RUN_TEXT in bundle["text/html"]


def test_a_stored_notebook_keeps_the_stand_in_not_a_view_of_a_dead_model():
    bundle = make()._repr_mimebundle_()
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("explorer", outputs=[nbformat.v4.new_output("display_data", data=bundle)])]
    )
    stored = without_widget_views(notebook).cells[0].outputs[0].data
    assert WIDGET_VIEW not in stored and NOT_RUN_TEXT in stored["text/plain"]
