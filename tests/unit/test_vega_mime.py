"""The published page's charts (bookkit.vega_mime): large data and the theme served beside the page."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from bookkit.vega_mime import INLINE_LIMIT, VegaLiteForTheBook, chart_html, externalise, file_script, write_files
from phb.charts import theme

BIG = [{"x": i, "y": i * 2} for i in range(400)]
SMALL = [{"x": 1, "y": 2}]


def spec_with(datasets: dict) -> dict:
    return {
        "config": theme.theme()["config"],
        "datasets": datasets,
        "data": {"name": "big"},
        "mark": "bar",
        "usermeta": {"kept": True},
    }


def whole_again(spec: dict, files: dict[str, str]) -> dict:
    """What book_assets/phb-charts.js rebuilds from the page's spec and the files."""
    names = spec["usermeta"]["phbFiles"]
    out = dict(spec, config=json.loads(files[names["config"]]))
    out["datasets"] = dict(spec["datasets"], **{k: json.loads(files[n]) for k, n in names["datasets"].items()})
    out["usermeta"] = {k: v for k, v in spec["usermeta"].items() if k != "phbFiles"}
    return out


def test_large_datasets_and_the_theme_leave_the_page_and_come_back_whole():
    spec = spec_with({"big": BIG, "small": SMALL})
    page, files = externalise(spec)
    assert "config" not in page and list(page["datasets"]) == ["small"]
    assert set(page["usermeta"]["phbFiles"]["datasets"]) == {"big"}
    assert whole_again(page, files) == spec
    assert len(json.dumps(page)) < INLINE_LIMIT < len(json.dumps(spec))


def test_file_names_follow_the_content():
    _, first = externalise(spec_with({"big": BIG}))
    _, same = externalise(spec_with({"big": BIG}))
    _, changed = externalise(spec_with({"big": BIG[:-1]}))
    assert first == same
    assert [n for n in first if n.startswith("data-")] != [n for n in changed if n.startswith("data-")]
    assert all(re.fullmatch(r"(data|config)-[0-9a-f]{16}\.js", name) for name in first)


def test_file_names_do_not_depend_on_the_order_of_keys():
    """A kernel's outputs keep their keys in the order Altair wrote them; the notebooks' stored outputs
    have them sorted (nbformat writes them so). The build that executes and the build of stored
    outputs write the same files, so a build of one over the other leaves no file unused behind."""

    def reversed_keys(value):
        if isinstance(value, dict):
            return {key: reversed_keys(value[key]) for key in reversed(list(value))}
        if isinstance(value, list):
            return [reversed_keys(item) for item in value]
        return value

    spec = spec_with({"big": BIG})
    assert list(reversed_keys(spec)) != list(spec)
    assert externalise(reversed_keys(spec))[1] == externalise(spec)[1]
    assert chart_html(reversed_keys(spec)) == chart_html(spec)


def test_a_spec_with_small_data_and_no_config_stays_as_it_is():
    spec = {"datasets": {"small": SMALL}, "mark": "bar"}
    assert externalise(spec) == (spec, {})


def test_the_chart_script_cannot_close_its_own_element():
    html = chart_html({"title": "</script><script>alert(1)</script>"})
    assert html.count("</script>") == 1 and "vegaEmbed(" in html
    assert html.startswith('<figure class="phb-figure"><div id="phb-chart-')


def test_a_sphinx_build_keeps_the_files_per_document_and_writes_them(tmp_path):
    env = SimpleNamespace(docname="chapters/x")
    renderer = SimpleNamespace(renderer=SimpleNamespace(sphinx_env=env))
    data = SimpleNamespace(mime_type=theme.LIVE_MIME, content=spec_with({"big": BIG}))
    (node,) = VegaLiteForTheBook.handle_mime(renderer, data, inline=False)
    assert '"phbFiles"' in node.astext() and '"x":399' not in node.astext()
    app = SimpleNamespace(env=env, outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    write_files(app, None)
    written = {p.name: p.read_text() for p in (tmp_path / "_static" / "phb-data").iterdir()}
    stored = env.phb_chart_files["chapters/x"]
    assert written == {name: file_script(name, text) for name, text in stored.items()} and len(written) == 2


def test_a_long_spec_is_a_file_the_page_loads_before_queueing_its_chart():
    from bookkit.vega_mime import STATIC_DATA_URL, chart_html_with_files

    spec = {"mark": "bar", "description": "A long text description. " * 60, "datasets": {"small": SMALL}}
    html, files = chart_html_with_files(spec)
    [name] = [n for n in files if n.startswith("spec-")]
    assert json.loads(files[name]) == spec, "the whole spec, from a file"
    script_src = html.index(f'<script src="{STATIC_DATA_URL}{name}"></script>')
    queued = html.index('vegaEmbed("#phb-chart-')
    assert script_src < queued and f'window.phbChartFiles["{name}"]' in html, "loaded before it is drawn"
    assert "A long text description" not in html
    element = re.compile(r'<div id="(phb-chart-\w+)">')
    assert element.search(html)[1] == element.search(chart_html(spec))[1], "the same element id as inline"
    short, none = chart_html_with_files({"mark": "bar"})
    assert short == chart_html({"mark": "bar"}) and none == {}


def test_a_spec_file_is_written_as_a_script_that_files_it(tmp_path):
    from bookkit.vega_mime import chart_html_with_files

    env = SimpleNamespace(docname="chapters/x", phb_chart_files={})
    _, files = chart_html_with_files({"mark": "bar", "description": "words " * 300})
    env.phb_chart_files["chapters/x"] = files
    write_files(SimpleNamespace(env=env, outdir=str(tmp_path), builder=SimpleNamespace(format="html")), None)
    [name] = files
    assert (tmp_path / "_static" / "phb-data" / name).read_text() == file_script(name, files[name])


def test_a_pages_first_chart_has_its_files_loaded_in_the_head_and_later_charts_do_not():
    """The first chart's theme config and data are scripts in the page's head, so it can be drawn
    before DOMContentLoaded; a later chart's files wait for phb-charts.js to load them."""
    from bookkit.vega_mime import load_first_chart_files

    env = SimpleNamespace(docname="chapters/x")
    renderer = SimpleNamespace(renderer=SimpleNamespace(sphinx_env=env))

    def page_html(spec: dict) -> str:
        data = SimpleNamespace(mime_type=theme.LIVE_MIME, content=spec)
        (node,) = VegaLiteForTheBook.handle_mime(renderer, data, inline=False)
        return node.astext()

    first = page_html(spec_with({"big": BIG}))
    page_html(spec_with({"big": BIG[:-1]}))
    start = first.index('"phbFiles":') + len('"phbFiles":')
    names, _ = json.JSONDecoder().raw_decode(first, start)
    context = {"metatags": "<meta>", "pathto": lambda name, resource: f"../{name}"}
    html_app = SimpleNamespace(env=env, builder=SimpleNamespace(name="html"))
    load_first_chart_files(html_app, "chapters/x", "page.html", context, None)
    loaded = re.findall(r'<script src="\.\./_static/phb-data/([^"]+)"></script>', context["metatags"])
    assert sorted(loaded) == sorted([names["config"], *names["datasets"].values()])
    other = {"metatags": "", "pathto": context["pathto"]}
    load_first_chart_files(html_app, "chapters/y", "page.html", other, None)
    assert other["metatags"] == "", "a page without charts loads none"
    single = {"metatags": "", "pathto": context["pathto"]}
    single_app = SimpleNamespace(
        env=env, builder=SimpleNamespace(name="singlehtml"), config=SimpleNamespace(root_doc="intro")
    )
    load_first_chart_files(single_app, "intro", "page.html", single, None)
    assert single["metatags"] == context["metatags"][len("<meta>") :], "the one page holding the book loads them all"


def test_a_first_chart_without_files_is_still_the_first():
    """A page whose first chart moves nothing out (no theme config, small data) loads nothing in its
    head, and its second chart is not taken for the first."""
    from bookkit.vega_mime import FIRST_KEY

    env = SimpleNamespace(docname="chapters/x")
    renderer = SimpleNamespace(renderer=SimpleNamespace(sphinx_env=env))
    for spec in ({"mark": "bar", "datasets": {"small": SMALL}}, spec_with({"big": BIG})):
        VegaLiteForTheBook.handle_mime(renderer, SimpleNamespace(mime_type=theme.LIVE_MIME, content=spec), inline=False)
    assert getattr(env, FIRST_KEY) == {"chapters/x": []}


def test_a_first_charts_file_too_large_for_the_head_is_loaded_just_before_it():
    from bookkit.vega_mime import HEAD_LIMIT, STATIC_DATA_URL, chart_html_with_files

    huge = [{"x": i, "y": "y" * 50} for i in range(HEAD_LIMIT // 50)]
    html, files = chart_html_with_files(spec_with({"huge": huge}), first=True)
    [data] = [name for name in files if name.startswith("data-")]
    assert f'<script src="{STATIC_DATA_URL}{data}"></script>' in html
    assert html.index(data) < html.index("vegaEmbed(") and "config-" not in html.split("vegaEmbed(")[0]


def test_the_whole_spec_is_rebuilt_as_the_page_rebuilds_it():
    """bookkit.vega_mime.whole_spec mirrors phb-charts.js's withFiles: the spec compiled at build
    time is the spec the browser would compile (the browser tests compare the two compiles)."""
    from bookkit.vega_mime import whole_spec

    spec = spec_with({"big": BIG, "small": SMALL})
    page, files = externalise(spec)
    whole = whole_spec(page, files)
    assert whole["usermeta"]["phbFiles"] == page["usermeta"]["phbFiles"], "kept, as the page keeps it"
    assert {**whole, "usermeta": {"kept": True}} == spec
    assert whole_spec({"mark": "bar"}, {}) == {"mark": "bar"}


def test_a_first_chart_gets_its_compiled_vega_spec_without_its_data_twice():
    from bookkit.vega_mime import chart_html_with_files

    compiled = []

    def compile_spec(whole: dict) -> dict:
        compiled.append(whole)
        light = {"data": [{"name": "big", "values": whole["datasets"]["big"]}, {"name": "data_0", "source": "big"}]}
        return {"light": light, "dark": {**light, "background": "#111"}}

    _, later = chart_html_with_files(spec_with({"big": BIG}), compile_spec=compile_spec)
    assert compiled == [] and not any(name.startswith("vega-") for name in later), "only a page's first chart"
    html, files = chart_html_with_files(spec_with({"big": BIG}), first=True, compile_spec=compile_spec)
    [name] = [name for name in files if name.startswith("vega-")]
    built = json.loads(files[name])
    assert built["for"] == re.search(r'<div id="([^"]+)"', html).group(1)
    assert built["datasets"] == ["big"]
    assert built["spec"]["data"] == [{"name": "big"}, {"name": "data_0", "source": "big"}], "values not repeated"
    assert built["dark"] == {"spec": {**built["spec"], "background": "#111"}, "datasets": ["big"]}, (
        "the dark compile, its values not repeated either"
    )
    assert compiled[0]["datasets"]["big"] == BIG, "compiled from the whole spec"


def test_the_build_compiles_with_the_vega_lite_the_book_serves(tmp_path):
    """bookkit/compile_vega.cjs, run by Node on the vendored files: a Vega spec for each colour mode,
    or a clear error."""
    import shutil
    from pathlib import Path

    import pytest

    from bookkit.vega_mime import vega_compiler

    root = Path(__file__).resolve().parents[2]
    vendor = root / "_build" / "assets"
    if shutil.which("node") is None or not (vendor / "vendor" / "vega-lite.min.js").is_file():
        pytest.skip("needs Node and the vendored vega files (make setup)")
    assert vega_compiler([tmp_path]) is None, "no vendored files: the browser compiles, as before"
    assert vega_compiler([tmp_path, vendor]) is None, "no colours script: the browser compiles, as before"
    compile_spec = vega_compiler([tmp_path, vendor, root / "book_assets"])
    spec = {
        "data": {"values": SMALL},
        "mark": {"type": "bar", "color": theme.INK},
        "encoding": {"x": {"field": "x"}},
        "config": theme.theme()["config"],
    }
    compiled = compile_spec(spec)
    light, dark = compiled["light"], compiled["dark"]
    assert light["$schema"].endswith("/vega/v6.json") and light["marks"][0]["type"] == "rect"
    assert light["marks"][0]["encode"]["update"]["fill"] == {"value": theme.INK}
    # The dark compile is of the spec the page draws in dark mode (book_assets/phb-chart-colours.js).
    assert dark["marks"][0]["encode"]["update"]["fill"] == {"value": theme.DARK_INK}
    assert dark["background"] == theme.DARK_BACKGROUND and light["background"] != theme.DARK_BACKGROUND
    with pytest.raises(RuntimeError, match="could not compile"):
        compile_spec(
            {
                "mark": {"type": "bar"},
                "encoding": {"x": {"field": "x", "type": "quantitative", "bin": {"step": -1}}},
                "layer": 3,
            }
        )


def test_a_changed_compiler_input_reads_every_document_again(tmp_path, monkeypatch):
    """The first charts' compiled specs depend on more than their notebooks: the compile fingerprint
    (a config value Sphinx rebuilds the environment for) changes with the page's colours script and
    with the dark mode's settings, and not otherwise."""
    from bookkit import vega_mime
    from phb.charts import theme as chart_theme

    (tmp_path / vega_mime.COLOURS_SCRIPT).write_text("// colours\n")
    before = vega_mime.compile_fingerprint([tmp_path])
    assert vega_mime.compile_fingerprint([tmp_path]) == before, "the same inputs, the same fingerprint"
    (tmp_path / vega_mime.COLOURS_SCRIPT).write_text("// colours, changed\n")
    changed_script = vega_mime.compile_fingerprint([tmp_path])
    assert changed_script != before
    settings = chart_theme.page_settings()
    settings["dark"]["defaults"] = {**settings["dark"]["defaults"], "background": "#000001"}
    monkeypatch.setattr(chart_theme, "page_settings", lambda: settings)
    assert vega_mime.compile_fingerprint([tmp_path]) != changed_script
