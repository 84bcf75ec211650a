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


def test_a_chart_is_stored_as_a_spec_live_front_ends_draw_then_its_data_toggle():
    chart = charts.describe(BASE, title="Values", description=DESCRIPTION)
    first = charts.show(chart, data=DATA).outputs()
    assert first == charts.show(chart, data=DATA).outputs(), "re-running must give identical output"
    spec_bundle, toggle_bundle = first
    # JupyterLab, Notebook 7 and VS Code draw this MIME type with their own Vega-Lite: no built book,
    # no download. text/html would outrank it in JupyterLab, so the chart has none.
    assert set(spec_bundle) == {charts.LIVE_MIME, "text/plain"}
    assert spec_bundle[charts.LIVE_MIME]["description"] == DESCRIPTION
    assert spec_bundle["text/plain"] == "<Chart: Values>"
    toggle = toggle_bundle["text/html"]
    assert "<details" in toggle and "<caption>Values</caption>" in toggle and "data:text/csv" in toggle


def test_a_chart_without_data_is_one_output():
    chart = charts.describe(BASE, title="Values", description=DESCRIPTION)
    assert len(charts.show(chart).outputs()) == 1


def test_the_book_embed_is_stable_offline_svg_without_actions():
    spec = charts.describe(BASE, title="Values", description=DESCRIPTION).to_dict()
    html = charts.embed_html(spec)
    assert html == charts.embed_html(spec)
    urls = set(re.findall(r"https?://[^\"'\s]+", html))
    assert urls <= {"https://vega.github.io/schema/vega-lite/v6.4.1.json"}, urls  # $schema: an id, never fetched
    assert '"renderer": "svg"' in html and '"actions": false' in html
    assert charts.LOCAL_BASE_URL in html


def test_the_book_plugin_draws_the_stored_spec_as_the_embed():
    from types import SimpleNamespace

    from bookkit.vega_mime import VegaLiteForTheBook

    spec = charts.describe(BASE, title="Values", description=DESCRIPTION).to_dict()
    data = SimpleNamespace(mime_type=charts.LIVE_MIME, content=spec)
    (node,) = VegaLiteForTheBook.handle_mime(None, data, inline=False)
    assert charts.embed_html(spec) in node.astext() and 'class="phb-figure"' in node.astext()
    other = SimpleNamespace(mime_type="text/plain", content="x")
    assert VegaLiteForTheBook.handle_mime(None, other, inline=False) is None


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
