"""Lighter pages (bookkit.light_pages): what is dropped changes nothing a reader sees."""

from __future__ import annotations

import re

from bookkit.light_pages import drop_indentation, plain_token_classes, unwrap_plain_tokens

BOOK_STYLES = ("a11y-high-contrast-light", "a11y-high-contrast-dark")


def test_only_tokens_drawn_as_plain_text_are_unwrapped() -> None:
    assert plain_token_classes(BOOK_STYLES) == {"n", "p", "w"}
    # Pygments' default style draws whitespace grey (#bbbbbb, visible where it marks tabs): kept
    assert plain_token_classes(("default",)) == {"n", "p"}
    assert plain_token_classes((*BOOK_STYLES, "default")) == {"n", "p"}


def test_unwrapping_keeps_the_text_and_the_coloured_tokens() -> None:
    code = '<span class="n">x</span><span class="w"> </span><span class="o">=</span><span class="mi">1</span>'
    assert unwrap_plain_tokens(code, frozenset({"n", "w"})) == 'x <span class="o">=</span><span class="mi">1</span>'
    assert unwrap_plain_tokens(code, frozenset()) == code


def test_indentation_goes_but_not_inside_code_scripts_or_styles() -> None:
    page = (
        "<div>\n    <p>a\n\n   b</p>\n  <pre>x\n   y</pre>\n <script>\n  s = `\n  q`;</script>\n"
        "  <style>\n a {}</style>"
    )
    assert drop_indentation(page) == (
        "<div>\n<p>a\nb</p>\n<pre>x\n   y</pre>\n<script>\n  s = `\n  q`;</script>\n<style>\n a {}</style>"
    )


def test_a_no_break_space_after_a_line_break_is_text_and_stays() -> None:
    assert drop_indentation("<p>a\n\xa0b\n   c</p>") == "<p>a\n\xa0b\nc</p>"


def test_deferred_scripts_are_the_listed_ones_and_keep_their_attributes() -> None:
    from sphinx.builders.html._assets import _JavaScript

    from bookkit.light_pages import defer_scripts

    tabs = _JavaScript("design-tabs.js", priority=500, **{"data-sd-tabs-storage-prefix": "x-"})
    options = _JavaScript("documentation_options.js", priority=1)
    inline = _JavaScript(None, body="let toggleHintShow = 'Click to show';")
    context = {"script_files": [options, _JavaScript("_static/doctools.js"), inline, tabs]}
    defer_scripts(None, "p", "page.html", context, None)
    [kept, doctools, same_inline, deferred_tabs] = context["script_files"]
    assert kept == options and same_inline == inline, "its fields are set inline while the page is parsed"
    assert doctools.attributes == {"defer": "defer"}
    assert deferred_tabs.attributes == {"data-sd-tabs-storage-prefix": "x-", "defer": "defer"}
    assert deferred_tabs.priority == 500


def _static_tree(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "basic.css").write_text("div.b { background: url(file.png); }\n")
    (static / "styles" / "theme.css").write_text('@import "../basic.css";\n')
    (static / "styles" / "theme2.css").write_text(
        '@charset "UTF-8";\n@font-face { src: url(../vendor/fa.woff2); }\n'
        '.i { background: url("data:image/svg+xml;x"); }\n/*# sourceMappingURL=theme2.css.map*/'
    )
    (static / "book.css").write_text(".book { color: red; }\n")
    return static


PAGE_HEAD = (
    '<html><head><link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
    '<link href="../_static/styles/theme2.css?digest=1" rel="stylesheet" />\n'
    '<link rel="stylesheet" type="text/css" href="../_static/book.css?v=2" />\n'
    '<link rel="stylesheet" href="../_static/print.css" media="print" />\n'
    '<link rel="preload" as="script" href="../_static/x.js" />\n'
    '</head><body><div class="b book">x</div></body></html>'
)


def test_a_pages_style_sheets_become_one_file_in_the_same_cascade(tmp_path) -> None:
    from bookkit.light_pages import bundle_styles

    static = _static_tree(tmp_path)
    page = bundle_styles(PAGE_HEAD, static, {})
    [bundle] = static.glob("phb-styles-*.css")
    assert page.startswith(f'<html><head><link rel="stylesheet" href="../_static/{bundle.name}" />\n<link rel')
    assert 'media="print"' in page and 'rel="preload"' in page, "a print sheet and a preload are not in it"
    css = bundle.read_text()
    assert css.startswith('@charset "UTF-8";\n/* phb-styles of: styles/theme.css styles/theme2.css book.css */\n')
    # the import in place, each url relative to the bundle, one charset, no source map
    order = [css.index(text) for text in ("url(file.png)", "url(vendor/fa.woff2)", ".book")]
    assert order == sorted(order)
    assert 'url("data:image/svg+xml;x")' in css and "sourceMappingURL" not in css and css.count("@charset") == 1


def test_a_page_written_by_an_earlier_build_gets_the_changed_styles_and_old_bundles_go(tmp_path) -> None:
    from types import SimpleNamespace

    from bookkit.light_pages import lighten_written_pages

    static = _static_tree(tmp_path)
    (tmp_path / "chapters").mkdir()
    page = tmp_path / "chapters" / "x.html"
    page.write_text(PAGE_HEAD)
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    lighten_written_pages(app, None)
    [first] = static.glob("phb-styles-*.css")
    (static / "book.css").write_text(".book { color: blue; }\n")  # Sphinx copies it, keeps the page
    lighten_written_pages(app, None)
    [second] = static.glob("phb-styles-*.css")
    assert second != first and "color: blue" in second.read_text()
    assert f"../_static/{second.name}" in page.read_text()


def _purge_tree(tmp_path):
    """A built book of one page and one script, whose one style sheet has rules for what they use
    and for what nothing uses."""
    static = tmp_path / "_static"
    static.mkdir()
    (static / "book.css").write_text(
        ":focus-visible { outline: 3px solid purple; }\n"
        ".used { color: red; }\n"
        ".unused-component { color: green; }\n"
        ".menu.shown-by-script { display: block; }\n"
        ".phb-written-later { color: blue; }\n"
        ":is(p, li):has(.used) { margin: 0; }\n"
        ".used:is(:has(.inner), :has(.not-on-any-page)) { padding: 0; }\n"
        'html[data-theme="dark"] .used { color: pink; }\n'
    )
    (static / "theme.js").write_text('menu.classList.add("shown-by-script"); root.dataset.theme = "dark";')
    (static / "vendor" / "mathjax").mkdir(parents=True)
    (static / "vendor" / "mathjax" / "tex.js").write_text('"unused-component"')  # not content
    page = tmp_path / "x.html"
    page.write_text(
        '<html data-theme="auto"><head><link rel="stylesheet" href="_static/book.css" /></head>'
        '<body><p class="used"><i class="inner"></i></p><div class="menu"></div></body></html>'
    )
    return static, page


def test_the_style_bundle_keeps_only_rules_a_page_or_script_can_use(tmp_path) -> None:
    from types import SimpleNamespace

    from bookkit.light_pages import BUNDLE_SOURCES, lighten_written_pages

    static, page = _purge_tree(tmp_path)
    lighten_written_pages(SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html")), None)
    [bundle] = static.glob("phb-styles-*.css")  # the whole bundle is gone: only the kept one is linked
    assert f'href="_static/{bundle.name}"' in page.read_text()
    css = bundle.read_text()
    assert BUNDLE_SOURCES.fullmatch(css.split("\n")[1]), "a later build finds the files it was made from"
    for kept in (
        ":focus-visible",  # the keyboard focus ring: PurgeCSS alone drops it
        ".used {",
        ".menu.shown-by-script",  # a class only a script adds
        ".phb-written-later",  # the book's own classes stay
        ":is(p, li):has(.used)",  # PurgeCSS alone drops these two
        ".used:is(:has(.inner), :has(.not-on-any-page))",
        'html[data-theme="dark"] .used',  # a value only a script sets
    ):
        assert kept in css, kept
    assert "unused-component" not in css, "a rule for what no page or script has goes (MathJax is not content)"


def test_without_node_the_whole_bundle_is_linked(tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    import bookkit.light_pages as light_pages

    static, page = _purge_tree(tmp_path)
    monkeypatch.setattr(light_pages.shutil, "which", lambda name: None)
    light_pages.lighten_written_pages(
        SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html")), None
    )
    [bundle] = static.glob("phb-styles-*.css")
    assert ".unused-component" in bundle.read_text() and bundle.name in page.read_text()


def test_a_style_sheet_missing_or_importing_another_host_is_refused_by_name(tmp_path) -> None:
    import pytest

    from bookkit.light_pages import StyleBundleError, bundle_styles

    static = _static_tree(tmp_path)
    (static / "book.css").unlink()
    with pytest.raises(StyleBundleError, match=r"book\.css: a page links this style sheet, but it is not in the build"):
        bundle_styles(PAGE_HEAD, static, {})
    (static / "book.css").write_text('@import url("https://fonts.example/x.css");')
    with pytest.raises(StyleBundleError, match="not a file of the book's own"):
        bundle_styles(PAGE_HEAD, static, {})


def test_the_icon_script_goes_and_its_icons_stay_hidden_from_screen_readers() -> None:
    from bookkit.light_pages import drop_icon_script

    head = (
        '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
        '<link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n'
        '<link rel="preload" as="script" href="../_static/scripts/pydata-sphinx-theme.js?digest=1" />\n'
        '<link rel="preload" as="font" href="../_static/x.woff2" />\n'
    )
    body = (
        '<i class="fa-solid fa-bars"></i><span class="fas fa-file" aria-hidden="true"></span>'
        '<i class="fake"></i><span class="fa-brands fa-github"></span>'
    )
    assert drop_icon_script(head + body) == (
        '<link rel="preload" as="font" href="../_static/x.woff2" />\n'
        '<i class="fa-solid fa-bars" aria-hidden="true"></i><span class="fas fa-file" aria-hidden="true"></span>'
        '<i class="fake"></i><span class="fa-brands fa-github" aria-hidden="true"></span>'
    )
    assert drop_icon_script(drop_icon_script(head + body)) == drop_icon_script(head + body)


def test_a_page_without_a_chart_loads_no_chart_script() -> None:
    from sphinx.builders.html._assets import _JavaScript

    from bookkit.light_pages import drop_chart_scripts

    scripts = [
        _JavaScript(name)
        for name in (
            "doctools.js",
            "vega-preload.js",
            "phb-chart-colours.js",
            "vendor/vega.min.js",
            "vendor/vega-lite.min.js",
            "vendor/vega-embed.min.js",
            "phb-chart-settings-0123abcd.js",
            "phb-charts.js",
            "phb-figures.js",
        )
    ]
    text_page = {"script_files": scripts, "body": "<p>words</p>"}
    drop_chart_scripts(None, "intro", "page.html", text_page, None)
    assert [js.filename for js in text_page["script_files"]] == ["doctools.js", "phb-figures.js"]
    chart_page = {
        "script_files": scripts,
        "body": '<script>(window.phbCharts=[]).push(()=>vegaEmbed("#c",{}))</script>',
    }
    drop_chart_scripts(None, "chapters/x", "page.html", chart_page, None)
    assert chart_page["script_files"] == scripts


def test_an_executed_notebooks_widget_state_is_left_out_of_its_page() -> None:
    """`make book` executes the chapters and myst-nb writes their explorers' widget state into the
    page (chapter 7: 348 KB); nothing in the page reads it, and the stored notebooks keep none."""
    from sphinx.builders.html._assets import _JavaScript

    from bookkit.light_pages import WIDGET_STATE, drop_widget_state

    kept = [_JavaScript("doctools.js"), _JavaScript(None, body="let x = 1;"), _JavaScript("phb-charts.js")]
    state = _JavaScript(None, type=WIDGET_STATE, body='{"state": {}}')
    context = {"script_files": [kept[0], state, *kept[1:]]}
    drop_widget_state(None, "chapters/07", "page.html", context, None)
    assert context["script_files"] == kept


def test_mathjax_comes_only_to_pages_with_formulas_and_after_the_page_has_loaded() -> None:
    """Sphinx adds MathJax to a page whose toctree includes formulas (the introduction had it, with
    none of its own): such a page loses it and its config; a page with formulas gets a loader that
    adds it at the window's load event instead of a deferred script; the one-page build (the PDF's
    source) keeps MathJax as Sphinx wrote it."""
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript

    from bookkit.light_pages import load_mathjax_later

    formulas = {"chapters/07": True}
    domain = SimpleNamespace(data={"has_equations": formulas})

    def app(builder: str) -> SimpleNamespace:
        return SimpleNamespace(builder=SimpleNamespace(name=builder), env=SimpleNamespace(get_domain=lambda _: domain))

    def page() -> dict:
        scripts = [
            _JavaScript("_static/doctools.js"),
            _JavaScript("", body='window.MathJax = {"options": {}}'),
            _JavaScript("_static/vendor/mathjax/tex-chtml.js", defer="defer"),
        ]
        return {"script_files": scripts, "pathto": lambda name, resource=False: f"../{name}"}

    without = page()
    load_mathjax_later(app("html"), "intro", "page.html", without, None)
    assert [js.filename for js in without["script_files"]] == ["_static/doctools.js"]

    with_formulas = page()
    load_mathjax_later(app("html"), "chapters/07", "page.html", with_formulas, None)
    doctools, config, loader = with_formulas["script_files"]
    assert config.attributes["body"].startswith("window.MathJax =")
    assert not loader.filename and "defer" not in loader.attributes
    body = loader.attributes["body"]
    assert '"../_static/vendor/mathjax/tex-chtml.js"' in body and 'addEventListener("load"' in body

    one_page = page()
    load_mathjax_later(app("singlehtml"), "intro", "page.html", one_page, None)
    assert one_page["script_files"] == page()["script_files"]


def test_a_rebuild_that_changed_nothing_reuses_the_kept_bundle(tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    import bookkit.light_pages as light_pages

    static, page = _purge_tree(tmp_path)
    app = SimpleNamespace(
        outdir=str(tmp_path), doctreedir=str(tmp_path / ".doctrees"), builder=SimpleNamespace(format="html")
    )
    light_pages.lighten_written_pages(app, None)
    [kept] = static.glob("phb-styles-*.css")
    runs = []
    real_run = light_pages.subprocess.run
    monkeypatch.setattr(light_pages.subprocess, "run", lambda *a, **k: runs.append(a) or real_run(*a, **k))
    light_pages.lighten_written_pages(app, None)
    assert runs == [] and [kept] == list(static.glob("phb-styles-*.css")), "nothing changed: Node not run"
    page.write_text(page.read_text().replace('class="menu"', 'class="menu unused-component"'))
    light_pages.lighten_written_pages(app, None)
    [again] = static.glob("phb-styles-*.css")
    assert len(runs) == 1 and again != kept and ".unused-component" in again.read_text(), "a page changed: purged again"


def test_only_the_images_of_a_closed_menu_load_lazily() -> None:
    from bookkit.light_pages import lazy_menu_images

    page = (
        '<img alt="Book logo" src="logo.svg">'
        '<ul class="dropdown-menu">\n<li><a><img alt="Binder logo" src="b.svg">'
        '<img loading="eager" alt="x" src="x.png"></a></li>\n</ul>'
    )
    assert lazy_menu_images(page) == (
        '<img alt="Book logo" src="logo.svg">'
        '<ul class="dropdown-menu">\n<li><a><img loading="lazy" alt="Binder logo" src="b.svg">'
        '<img loading="eager" alt="x" src="x.png"></a></li>\n</ul>'
    )


def test_a_chart_page_makes_its_fonts_ready_between_its_style_sheet_and_its_chart_script() -> None:
    from bookkit.font_warmup import WARM_FONTS, warm_fonts
    from bookkit.light_pages import STYLE_BUNDLE_LINK

    link = '<link rel="stylesheet" href="../_static/phb-styles-0123456789abcdef.css" />'
    chart_script = '<script src="../_static/phb-scripts-0123456789abcdef.js"></script>'
    body = '<body><div id="phb-chart-1"></div><script>(window.phbCharts=[]).push(()=>vegaEmbed("#c",{}))</script>'
    chart_page = f"<html><head>{link}{chart_script}</head>{body}</body></html>"
    warmed = warm_fonts(chart_page, STYLE_BUNDLE_LINK)
    script = re.search(r'<script id="phb-warm-fonts">(.*?)</script>', warmed, re.DOTALL)
    assert script is not None
    assert warmed.index(link) < script.start() < warmed.index(chart_script)
    assert all(font in script.group(1) for font in WARM_FONTS)
    assert "</" not in script.group(1)  # nothing in it could end the script element early
    # written again by a later build: one warm-up, the new list's
    assert warm_fonts(warmed, STYLE_BUNDLE_LINK) == warmed
    fewer = warm_fonts(warmed, STYLE_BUNDLE_LINK, WARM_FONTS[:2])
    assert fewer.count('id="phb-warm-fonts"') == 1 and WARM_FONTS[2] not in fewer
    # a page that draws no chart has no chart script to wait for: nothing to fill
    text_page = f"<html><head>{link}</head><body><p>words</p></body></html>"
    assert warm_fonts(text_page, STYLE_BUNDLE_LINK) == text_page
