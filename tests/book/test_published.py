"""What a reader of the published book sees about the book itself: a 404 page that draws cleanly
offline and leads back into the book, and a search page that finds what the book says. (The edition
and the date each page last changed, shown on every page, are checked in the one visit of each page
by tests/book/test_pages.py.)"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest
from book_pages import toc_pages
from test_pages import run_axe

pytestmark = pytest.mark.browser

PAGES = toc_pages()
#: Missing addresses at several depths: the same 404 page must work from each.
MISSING = ["no-such-page.html", "chapters/no-such-chapter.html", "chapters/gone/deeper/still.html"]


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for this module's page visits."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


# ---------------------------------------------------------------- the 404 page
def visit_missing(context, url: str):
    """Open a missing address; record requests to other hosts, failures and console errors."""
    page = context.new_page()
    seen: dict[str, list[str]] = {"requests": [], "failures": [], "console": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["failures"].append(f"{r.url} ({r.failure})"))
    page.on(
        "response", lambda r: r.status >= 400 and r.url != url and seen["failures"].append(f"{r.url} -> {r.status}")
    )
    page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    response = page.goto(url, wait_until="networkidle")
    return page, response, seen


#: Issue 18's goal for every page: at most this much HTML (charts' data and scripts are files beside it).
PAGE_LIMIT_BYTES = 100_000


def test_every_page_is_within_100_kb(built_book) -> None:
    """Every page of the site is within the goal (benchmarks/RESULTS.md reports each size)."""
    pages = [p for p in built_book.rglob("*.html") if not p.relative_to(built_book).parts[0].startswith("_")]
    over = {str(p.relative_to(built_book)): p.stat().st_size for p in pages if p.stat().st_size > PAGE_LIMIT_BYTES}
    assert pages and not over, f"pages over {PAGE_LIMIT_BYTES} bytes: {over}"


#: The pages with formulas of their own; every other page must not load MathJax (1 MB of script).
FORMULA_PAGES = ["chapters/07_how_many_would_take_a_budget.html", "chapters/08_who_benefits.html"]


def test_only_pages_with_formulas_load_mathjax(built_book) -> None:
    """Sphinx would load MathJax on every page whose toctree includes formulas (bookkit.light_pages
    leaves it out of those without formulas of their own). That each formula is typeset is checked
    in every page's visit (tests/book/test_pages.py)."""
    pages = {str(p.relative_to(built_book)): p.read_text(encoding="utf-8") for p in built_book.rglob("*.html")}
    loading = sorted(name for name, text in pages.items() if "vendor/mathjax/tex-chtml.js" in text)
    with_formulas = sorted(name for name, text in pages.items() if 'class="math' in text and not name.startswith("_"))
    assert with_formulas == FORMULA_PAGES, "the book's pages with formulas changed: update FORMULA_PAGES"
    assert loading == FORMULA_PAGES


def test_no_page_lists_vega_lite_but_as_a_preload_for_narrow_screens(built_book) -> None:
    """vega-lite (250 KB) is loaded by book_assets/phb-charts.js once a page has loaded or a chart
    must be compiled in it, not with the page's scripts, where it delayed the first chart (issue 18).
    A page with a chart preloads it for screens narrower than a wide chart column only, where its
    first chart is compiled in the page; nothing else names it. When it is asked for on a wide
    screen is checked in every page's visit (tests/book/test_pages.py)."""
    from bookkit.vega_mime import vega_lite_preload

    assert (built_book / "_static" / "vendor" / "vega-lite.min.js").is_file()
    listing, preloading, charts = [], set(), set()
    for page in built_book.rglob("*.html"):
        name = str(page.relative_to(built_book))
        text = page.read_text(encoding="utf-8")
        if 'class="phb-figure"' in text and "vegaEmbed(" in text:
            charts.add(name)
        depth = "../" * (len(page.relative_to(built_book).parts) - 1)
        preload = vega_lite_preload(f"{depth}_static/vendor/vega-lite.min.js")
        if preload in text:
            preloading.add(name)
        if "vega-lite.min.js" in text.replace(preload, ""):
            listing.append(name)
        for bundle in set(re.findall(r"_static/(phb-scripts-[0-9a-f]+\.js)", text)):
            with (built_book / "_static" / bundle).open(encoding="utf-8") as file:
                if "vega-lite.min.js" in file.readline():
                    listing.append(f"{name} (in {bundle})")
    assert not listing, f"pages that load vega-lite with their own scripts: {sorted(listing)[:5]}"
    chapters = {name for name in charts if name.startswith("chapters/")}
    assert chapters and chapters <= preloading <= charts, (sorted(chapters - preloading), sorted(preloading - charts))


def test_a_chart_page_makes_its_fonts_ready_while_it_waits_for_vega(built_book) -> None:
    """On every page that draws a chart, the font warm-up (bookkit/font_warmup.py) stands after
    the style sheet (it reads the theme's font variables) and before the script that brings vega,
    whose arrival and compiling it fills; no other page has it. Which fonts it makes ready is
    checked in every chapter's visit (tests/book/test_pages.py)."""
    from bookkit.light_pages import STYLE_BUNDLE_LINK

    misplaced, elsewhere, warmed = [], [], 0
    for page in built_book.rglob("*.html"):
        name = str(page.relative_to(built_book))
        text = page.read_text(encoding="utf-8")
        head = text[: text.find("</head>")]
        warm = head.find('<script id="phb-warm-fonts">')
        if "vegaEmbed(" not in text or name.startswith("_"):
            if warm >= 0:
                elsewhere.append(name)
            continue
        vega = -1
        for script in re.finditer(r'<script src="[^"]*_static/(phb-scripts-[0-9a-f]+\.js)"', head):
            with (built_book / "_static" / script.group(1)).open(encoding="utf-8") as file:
                if "vendor/vega.min.js" in file.readline():
                    vega = script.start()
                    break
        style = STYLE_BUNDLE_LINK.search(head)
        if not (style and vega >= 0 and style.end() <= warm < vega):
            misplaced.append(f"{name} (style sheet ends {style and style.end()}, warm-up {warm}, vega {vega})")
        warmed += 1
    assert warmed, "no page draws a chart"
    assert not misplaced, f"pages whose fonts are not made ready between style sheet and vega: {misplaced[:5]}"
    assert not elsewhere, f"pages without a chart that make fonts ready: {elsewhere[:5]}"


def test_the_404_page_is_in_the_built_site(built_book) -> None:
    assert (built_book / "404.html").is_file()


@pytest.mark.parametrize("missing", MISSING)
def test_a_missing_address_draws_the_404_page_offline_and_cleanly(context, book_url: str, missing: str) -> None:
    url = f"{book_url}/{missing}"
    page, response, seen = visit_missing(context, url)
    try:
        assert response.status == 404
        assert page.locator("article h1").inner_text() == "Page not found"
        local = urlparse(book_url).netloc
        elsewhere = [
            u for u in seen["requests"] if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != local
        ]
        assert not elsewhere, f"{missing}: requested other hosts: {elsewhere}"
        assert not seen["failures"], f"{missing}: resources that did not answer: {seen['failures']}"
        # Chromium reports the page's own 404 status in the console; nothing else may appear there.
        console = [m for m in seen["console"] if "status of 404" not in m]
        assert not console, f"{missing}: console errors: {console}"
        assert not seen["errors"], f"{missing}: page errors: {seen['errors']}"
        styled = page.evaluate("() => [...document.styleSheets].some(s => s.href && s.cssRules.length)")
        assert styled, f"{missing}: the page has no style sheet: its links to assets are broken"
    finally:
        page.close()


def test_the_404_page_leads_to_the_contents_search_and_every_page(context, book_url: str) -> None:
    url = f"{book_url}/{MISSING[-1]}"
    page, _, _ = visit_missing(context, url)
    try:
        hrefs = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
        targets = {urlparse(h).path.lstrip("/") for h in hrefs}
        assert {PAGES[0], "search.html"} <= targets, f"no link to the first page or search: {targets}"
        assert set(PAGES[1:]) <= targets, f"pages the 404 page does not list: {set(PAGES[1:]) - targets}"
        everywhere = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        local = {urljoin(url, h).split("#")[0] for h in everywhere if urlparse(h).netloc == urlparse(book_url).netloc}
        local.discard(url)  # the skip link to #main-content stays on this (missing) address
        broken = [h for h in sorted(local) if page.request.get(h).status != 200]
        assert not broken, f"links on the 404 page that do not answer 200: {broken}"
    finally:
        page.close()


def test_the_404_page_has_no_wcag_violations(context, book_url: str) -> None:
    page, _, _ = visit_missing(context, f"{book_url}/{MISSING[1]}")
    try:
        violations = run_axe(page)
        assert not violations, "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations)
    finally:
        page.close()


# ---------------------------------------------------------------- vega-lite, loaded by the page
def test_a_failed_load_of_vega_lite_is_tried_again(context, book_url: str) -> None:
    """book_assets/phb-charts.js loads vega-lite itself (issue 18). When that load fails (a phone
    losing its signal), the failure is reported and the next chart to be compiled asks again: every
    chart of the page is then drawn."""
    page = context.new_page()
    asked: list[str] = []

    def fail_the_first(route) -> None:
        asked.append(route.request.url)
        if len(asked) == 1:
            route.abort()
        else:
            route.continue_()

    page.route("**/vendor/vega-lite.min.js", fail_the_first)
    try:
        with page.expect_console_message(lambda m: "vega-lite could not be loaded" in m.text):
            page.goto(f"{book_url}/chapters/07_how_many_would_take_a_budget.html", wait_until="load")
        page.evaluate("() => window.phbDrawAll()")
        states = page.evaluate("() => [...document.querySelectorAll('.phb-chart')].map(e => e.dataset.phbState)")
        assert states and set(states) == {"drawn"}, states
        assert len(asked) == 2, asked
    finally:
        page.close()


# ---------------------------------------------------------------- the search page
def test_the_search_page_finds_a_word_of_the_book_without_errors(context, book_url: str) -> None:
    """The search field leads here (no other page loads the search index): a word the book uses
    gives results linking to its pages, with nothing in the console."""
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{book_url}/search.html?q=advocacy", wait_until="load")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = results.evaluate_all("links => links.map(a => new URL(a.href).pathname.replace(/^\\//, ''))")
        assert {href.split("#")[0] for href in hrefs} & set(PAGES), f"no result is a page of the book: {hrefs}"
        assert not errors, f"search page errors: {errors}"
    finally:
        page.close()


# ---------------------------------------------------------------- the launch menu
def test_the_launch_menus_logos_load_when_it_opens(context, book_url: str) -> None:
    """The Binder and Colab logos sit in a closed menu: loaded only once the reader opens it
    (bookkit.light_pages.lazy_menu_images), and then shown."""
    page = context.new_page()
    logos: list[str] = []
    page.on("request", lambda r: "/_static/images/logo_" in r.url and logos.append(r.url))
    try:
        # An image loaded with the page is loaded before its load event: no idle wait is needed.
        page.goto(f"{book_url}/chapters/01_what_is_a_phb.html", wait_until="load")
        assert logos == [], f"the closed menu's logos were loaded: {logos}"
        page.locator(".dropdown-launch-buttons .dropdown-toggle").click()
        images = page.locator(".dropdown-launch-buttons .dropdown-menu img")
        assert images.count() >= 1
        page.wait_for_function(
            "() => [...document.querySelectorAll('.dropdown-launch-buttons .dropdown-menu img')]"
            ".every(img => img.complete && img.naturalWidth > 0)"
        )
        assert len(logos) == images.count()
    finally:
        page.close()
