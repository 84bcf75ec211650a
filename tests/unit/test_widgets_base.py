"""The shared explorer behaviour: sourced defaults, refusal with a message, reset, export."""

import altair as alt
import pandas as pd
import pytest

from phb import charts
from widgets.base import Choice, Explorer, Number


def render(params):
    if params["share"] > 0.9 and params["mode"] == "strict":
        raise ValueError("share above 0.9 is impossible in strict mode")
    data = pd.DataFrame({"holders": [params["population"] * params["share"]]})
    chart = charts.describe(alt.Chart(data).mark_bar().encode(y="holders:Q"),
                            title="Holders", description="One bar: the number of people holding a budget.")
    return chart, data


def make() -> Explorer:
    return Explorer("Test", [
        Number("population", "Eligible population", 0, 1000, 10, 100, "Assumption: a round number", integer=True),
        Number("share", "Share taking a budget", 0, 1, 0.05, 0.5, "Assumption"),
        Choice("mode", "Mode", {"strict": 1, "lax": 0}, "lax", "Assumption"),
    ], render)


def test_defaults_are_the_parameters():
    assert make().parameters == {"population": 100, "share": 0.5, "mode": "lax"}


@pytest.mark.parametrize("value", [-1, 1.5, float("nan"), "abc", None])
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


def test_reset_and_export():
    explorer = make()
    assert explorer.set(share=0.25, population=400) == ""
    assert "-p share 0.25" in explorer.export_parameters("x.ipynb")
    explorer.reset()
    assert explorer.parameters["share"] == 0.5


def test_widget_builds_and_typing_a_bad_value_shows_an_alert():
    explorer = make()
    ui = explorer.widget()
    explorer._inputs["share"].value = 7.0
    assert "role=\"alert\"" in explorer._note.value
    assert explorer._inputs["share"].value == 0.5
    assert ui is explorer.widget()
