"""The chart theme, renderer and description rule."""

import re

import altair as alt
import pandas as pd
import pytest

from phb import charts

DATA = pd.DataFrame({"group": ["a", "b"], "value": [1, 2]})
BASE = alt.Chart(DATA).mark_bar().encode(x="group:N", y="value:Q")
DESCRIPTION = "Two bars comparing the value of group a with that of group b."


def test_describe_sets_title_and_description():
    spec = charts.describe(BASE, title="Values", description=DESCRIPTION).to_dict()
    assert spec["title"] == "Values"
    assert spec["description"] == DESCRIPTION


@pytest.mark.parametrize("description", ["", "   ", "A chart.", None])
def test_a_chart_without_a_real_description_is_refused(description):
    with pytest.raises(ValueError, match="description"):
        charts.describe(BASE, title="Values", description=description)


def test_a_chart_without_a_title_is_refused():
    with pytest.raises(ValueError, match="title"):
        charts.describe(BASE, title=" ", description=DESCRIPTION)


def test_show_refuses_an_undescribed_chart():
    with pytest.raises(ValueError, match="describe"):
        charts.show(BASE)


def test_palette_is_colour_blind_safe_and_in_the_theme():
    okabe_ito = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"}
    assert set(charts.PALETTE) <= okabe_ito
    assert charts.theme()["config"]["range"]["category"] == list(charts.PALETTE)


def test_rendered_output_is_stable_offline_and_has_the_data_toggle():
    chart = charts.describe(BASE, title="Values", description=DESCRIPTION)
    first = charts.show(chart, data=DATA)._repr_mimebundle_()
    second = charts.show(chart, data=DATA)._repr_mimebundle_()
    html = first["text/html"]
    assert first == second, "re-running a chart must give identical output (nbval compares it)"
    urls = set(re.findall(r"https?://[^\"'\s]+", html))
    assert urls <= {"https://vega.github.io/schema/vega-lite/v6.4.1.json"}, urls  # $schema: an id, never fetched
    assert '"renderer": "svg"' in html and '"actions": false' in html
    assert "<details" in html and "<caption>Values</caption>" in html and "data:text/csv" in html
    assert first["text/plain"] == "<Chart: Values>"


def test_table_has_a_caption_no_index_and_is_stable():
    frame = pd.DataFrame({"A": [1, 2], "B": ["x", "y"]})
    out = charts.table(frame, "A caption")
    html = out._repr_html_()
    assert "<caption>A caption</caption>" in html and 'role="region"' in html and 'tabindex="0"' in html
    assert "<th>0</th>" not in html  # no index column
    assert html == charts.table(frame, "A caption")._repr_html_()
    assert repr(out) == "<Table: A caption>"


@pytest.mark.parametrize("caption", ["", "  ", None])
def test_table_refuses_a_table_without_a_caption(caption):
    with pytest.raises(ValueError, match="caption"):
        charts.table(pd.DataFrame({"A": [1]}), caption)
