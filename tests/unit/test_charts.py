"""The chart theme, renderer and description rule."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from phb.charts import theme

ASSETS = Path(__file__).resolve().parents[2] / "book_assets"
DATA = pd.DataFrame({"group": ["a", "b"], "value": [1, 2]})
BASE = alt.Chart(DATA).mark_bar().encode(x="group:N", y="value:Q")
DESCRIPTION = "Two bars comparing the value of group a with that of group b."


def test_describe_sets_title_and_description():
    spec = theme.describe(BASE, title="Values", description=DESCRIPTION).to_dict()
    assert spec["title"] == "Values"
    assert spec["description"] == DESCRIPTION


@pytest.mark.parametrize("description", ["", "   ", "A chart.", None])
def test_a_chart_without_a_real_description_is_refused(description):
    with pytest.raises(ValueError, match="description"):
        theme.describe(BASE, title="Values", description=description)


def test_a_chart_without_a_title_is_refused():
    with pytest.raises(ValueError, match="title"):
        theme.describe(BASE, title=" ", description=DESCRIPTION)


def test_show_refuses_an_undescribed_chart():
    with pytest.raises(ValueError, match="describe"):
        theme.show(BASE)


def test_palette_is_colour_blind_safe_and_in_the_theme():
    okabe_ito = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"}
    assert set(theme.PALETTE) <= okabe_ito
    assert theme.theme()["config"]["range"]["category"] == list(theme.PALETTE)


def test_a_chart_is_stored_as_a_spec_live_front_ends_draw_then_its_data_toggle():
    chart = theme.describe(BASE, title="Values", description=DESCRIPTION)
    first = theme.show(chart, data=DATA).outputs()
    assert first == theme.show(chart, data=DATA).outputs(), "re-running must give identical output"
    spec_bundle, toggle_bundle = first
    # JupyterLab, Notebook 7 and VS Code draw this MIME type with their own Vega-Lite: no built book,
    # no download. text/html would outrank it in JupyterLab, so the chart has none.
    assert set(spec_bundle) == {theme.LIVE_MIME, "text/plain"}
    assert spec_bundle[theme.LIVE_MIME]["description"] == DESCRIPTION
    assert spec_bundle["text/plain"] == "<Chart: Values>"
    toggle = toggle_bundle["text/html"]
    assert "<details" in toggle and "<caption>Values</caption>" in toggle and "data:text/csv" in toggle


def test_a_chart_without_data_is_one_output():
    chart = theme.describe(BASE, title="Values", description=DESCRIPTION)
    assert len(theme.show(chart).outputs()) == 1


def test_the_book_embed_is_stable_offline_svg_without_actions():
    spec = theme.describe(BASE, title="Values", description=DESCRIPTION).to_dict()
    html = theme.embed_html(spec)
    assert html == theme.embed_html(spec)
    urls = set(re.findall(r"https?://[^\"'\s]+", html))
    assert urls <= {"https://vega.github.io/schema/vega-lite/v6.4.1.json"}, urls  # $schema: an id, never fetched
    assert '"renderer": "svg"' in html and '"actions": false' in html
    assert theme.LOCAL_BASE_URL in html


def test_the_book_plugin_draws_the_stored_spec_as_the_embed():
    from types import SimpleNamespace

    from bookkit.vega_mime import VegaLiteForTheBook, chart_html

    spec = theme.describe(BASE, title="Values", description=DESCRIPTION).to_dict()
    data = SimpleNamespace(mime_type=theme.LIVE_MIME, content=spec)
    (node,) = VegaLiteForTheBook.handle_mime(None, data, inline=False)
    assert node.astext() == chart_html(spec) and 'class="phb-figure"' in node.astext()
    other = SimpleNamespace(mime_type="text/plain", content="x")
    assert VegaLiteForTheBook.handle_mime(None, other, inline=False) is None


def test_table_has_a_caption_no_index_and_is_stable():
    frame = pd.DataFrame({"A": [1, 2], "B": ["x", "y"]})
    out = theme.table(frame, "A caption")
    html = out._repr_html_()
    assert "<caption>A caption</caption>" in html and 'role="region"' in html and 'tabindex="0"' in html
    assert "<th>0</th>" not in html  # no index column
    assert html == theme.table(frame, "A caption")._repr_html_()
    assert repr(out) == "<Table: A caption>"


@pytest.mark.parametrize("caption", ["", "  ", None])
def test_table_refuses_a_table_without_a_caption(caption):
    with pytest.raises(ValueError, match="caption"):
        theme.table(pd.DataFrame({"A": [1]}), caption)


# ---------------------------------------------------------------- dark mode and sizing
def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_dark_theme_is_the_theme_with_every_light_colour_swapped():
    light, dark = theme.theme()["config"], theme.dark_theme()["config"]
    assert dark["background"] == theme.DARK_BACKGROUND
    assert dark["title"]["color"] == dark["axis"]["labelColor"] == theme.DARK_INK
    assert dark["title"]["fontSize"] == light["title"]["fontSize"]  # only colours change
    light_colours = {c.lower() for c in theme.DARK_COLOURS}
    assert not [s for s in _strings(dark) if s.lower() in light_colours]
    assert theme.DARK_INK in dark["range"]["category"] and "#000000" not in dark["range"]["category"]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_dark_ink_meets_wcag_aaa_on_the_dark_background():
    ratio = (_luminance(theme.DARK_INK) + 0.05) / (_luminance(theme.DARK_BACKGROUND) + 0.05)
    assert ratio >= 7


def test_page_settings_are_json_for_the_page_script():
    settings = json.loads(json.dumps(theme.page_settings()))
    assert settings["minWidth"] < settings["narrowWidth"]
    assert settings["dark"]["colours"][theme.INK.lower()] == theme.DARK_INK
    assert "VALUE" in settings["wrapTemplate"] and "CHARS" in settings["wrapTemplate"]


def _draw_in_node(tmp_path, spec: dict, *, theme_name: str, column: int, fakes: str, report: str) -> str:
    """Draw ``spec`` with book_assets/phb-charts.js (phb-chart-colours.js before it, as in the page),
    run by Node in a page with the colour mode ``theme_name`` and a ``column`` px wide chart element;
    ``fakes`` (JavaScript) stands in for vega-lite, vega and vega-embed; ``report`` (an expression)
    is printed once the chart is drawn. Returns what was printed."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = tmp_path / "page.js"
    script.write_text(
        "global.window = {matchMedia: () => ({matches: false}), addEventListener() {}, innerWidth: 1280};"
        f"global.document = {{documentElement: {{dataset: {{theme: '{theme_name}'}}}}, addEventListener() {{}},"
        " readyState: 'loading'};"
        "global.ResizeObserver = class { observe() {} }; global.MutationObserver = class { observe() {} };"
        + fakes
        + f"window.PHB_CHARTS = {json.dumps(theme.page_settings())};"
        f"eval(require('fs').readFileSync({json.dumps(str(ASSETS / 'phb-chart-colours.js'))}, 'utf8'));"
        f"eval(require('fs').readFileSync({json.dumps(str(ASSETS / 'phb-charts.js'))}, 'utf8'));"
        f"const el = {{clientWidth: {column}, dataset: {{}}, style: {{}}, classList: {{add() {{}}}},"
        " querySelector: () => null};"
        f"window.vegaEmbed(el, {json.dumps(spec)}).then(() => console.log({report}));"
    )
    return subprocess.run([node, str(script)], capture_output=True, text=True, check=True).stdout


def test_page_script_recolours_marks_but_never_data_values(tmp_path):
    """book_assets/phb-charts.js (with phb-chart-colours.js before it, as in the page), run by Node:
    colours in marks, scale ranges and the config turn dark; a category called "White" in a scale's
    domain or the data stays as it is."""
    spec = {
        "config": theme.theme()["config"],
        "mark": {"type": "bar", "color": theme.INK},
        "data": {"values": [{"group": "White", "colour": "white"}]},
        "encoding": {
            "color": {
                "field": "group",
                "type": "nominal",
                "scale": {"domain": ["White", "Black"], "range": ["#000000", "white"]},
            }
        },
    }
    # vega-lite's compile as the identity, and no vega: what reaches vegaEmbed is the recoloured
    # Vega-Lite spec, drawn without measuring.
    fakes = (
        "window.vegaLite = {compile: (spec) => ({spec})};"
        "let drawn; window.vegaEmbed = async (el, spec) => { drawn = spec; return {view: {}, finalize() {}}; };"
    )
    out = _draw_in_node(tmp_path, spec, theme_name="dark", column=800, fakes=fakes, report="JSON.stringify(drawn)")
    drawn = json.loads(out)
    assert drawn["mark"]["color"] == theme.DARK_INK
    assert drawn["config"]["background"] == theme.DARK_BACKGROUND
    assert drawn["encoding"]["color"]["scale"]["range"] == [theme.DARK_INK, theme.DARK_BACKGROUND]
    assert drawn["encoding"]["color"]["scale"]["domain"] == ["White", "Black"]
    assert drawn["data"]["values"] == spec["data"]["values"]


def _layouts_to_fit(tmp_path, chart_width: str) -> int:
    """How many times book_assets/phb-charts.js, run by Node, lays out a 300 px wide chart to fit a
    phone's 342 px column, when the laid-out chart is ``chart_width`` wide (a JavaScript expression
    in ``views``, the views' width at the scale being tried). vega-lite's compile is the identity
    and vega's view a fake that only reports that width."""
    spec = {"config": theme.theme()["config"], "width": 300, "mark": "bar", "data": {"values": [{"a": 1}]}}
    fakes = (
        "window.vegaLite = {compile: (spec) => ({spec})};"
        "let layouts = 0;"
        "window.vega = {parse: (spec) => spec, View: class {"
        "  constructor(spec) { layouts += 1; const views = spec.width;"
        f"   this._viewWidth = {chart_width}; }}"
        "  async runAsync() { return this; } padding() { return {left: 0, right: 0}; }"
        "  renderer() { return this; } finalize() {} }};"
        "window.vegaEmbed = async () => ({view: {}, finalize() {}});"
    )
    return int(_draw_in_node(tmp_path, spec, theme_name="light", column=342, fakes=fakes, report="layouts"))


def test_a_chart_too_wide_for_its_views_is_fitted_in_one_guess(tmp_path):
    """Views plus 60 px of axis: the first layout's width gives the scale that fits, the second
    confirms it."""
    assert _layouts_to_fit(tmp_path, "views + 60") == 2


def test_a_chart_too_wide_for_its_text_stops_shrinking_its_views(tmp_path):
    """A chart 500 px wide whatever its views (its text is what is too wide): once narrower views
    leave it no narrower, no smaller scale is tried. Each of the four rounds (as drawn, then its
    text wrapped narrower three times) lays it out twice: eight layouts, where trying every scale
    down to the smallest took 16 (issue 18: 12, with three rounds, for a first chart on a phone)."""
    assert _layouts_to_fit(tmp_path, "Math.max(500, views + 60)") == 8


def test_a_narrow_charts_rows_make_room_for_its_wrapped_text(tmp_path):
    """In a phone's column the words of a text mark are wrapped again, from the chart's data: a
    value already split into lines is joined with spaces (Vega would join a list with commas), its
    line breaks read as spaces, and the rows are spaced for the most lines any value wraps onto
    (a timeline's events ran into the next row at 390 px), the block of lines centred where its one
    line stood."""
    words = " ".join(["abcdefghi"] * 30)  # 30 words of 9 letters: 4 to a 46-character line, 8 lines
    spec = {
        "config": theme.theme()["config"],
        "datasets": {
            "events": [{"row": 1, "label": words.replace(" abcdefghi abcdefghi", "\nabcdefghi abcdefghi", 3)}]
        },
        "data": {"name": "events"},
        "width": 300,
        "height": {"step": 40},
        "layer": [
            {"mark": "point", "encoding": {"y": {"field": "row", "type": "ordinal"}}},
            {
                "mark": {"type": "text", "fontSize": 12, "lineHeight": 14},
                "encoding": {"y": {"field": "row", "type": "ordinal"}, "text": {"field": "label", "type": "nominal"}},
            },
        ],
    }
    fakes = (
        "window.vegaLite = {compile: (spec) => ({spec})};"
        "window.vega = {parse: (spec) => spec, View: class {"
        "  constructor(spec) { this._viewWidth = 100; }"
        "  async runAsync() { return this; } padding() { return {left: 0, right: 0}; }"
        "  renderer() { return this; } finalize() {} }};"
        "let drawn; window.vegaEmbed = async (el, spec) => { drawn = spec; return {view: {}, finalize() {}}; };"
    )
    drawn = json.loads(
        _draw_in_node(tmp_path, spec, theme_name="light", column=342, fakes=fakes, report="JSON.stringify(drawn)")
    )
    assert int((342 - 24) / (0.6 * 12 * 0.95)) == 46  # characters a line, as phb-charts.js counts them
    assert drawn["height"] == {"step": 8 * 14 + 10}
    (wrap,) = [t for t in drawn["layer"][1]["transform"] if t["as"] == "label__phb_lines"]
    assert "join(datum[\"label\"], ' ')" in wrap["calculate"]
    assert "regexp('\\\\s+', 'g')" in wrap["calculate"]
    assert drawn["layer"][1]["encoding"]["text"]["field"] == "label__phb_lines"
    # Vega stacks the lines downwards from the first: the block is raised by half its extra lines,
    # to stand centred where the one line stood (Vega-Lite's text baseline, "middle").
    assert drawn["layer"][1]["mark"]["dy"] == {"expr": '0 - (length(datum["label__phb_lines"]) - 1) * 7'}
