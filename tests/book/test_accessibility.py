"""WCAG 2.2 AA on every page of the built book: axe-core in Chromium, plus what axe does not check."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, toc_pages

pytestmark = pytest.mark.browser

PAGES = toc_pages()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def run_axe(page, within: str | None = None) -> list[dict]:
    """Inject the locally installed axe-core and return its WCAG A/AA violations (in the elements
    matching the CSS selector ``within``, or in the whole page).

    ``preload: false`` stops axe fetching stylesheets itself (it would resolve @import paths wrongly).
    """
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci` (make test does)", pytrace=False)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async ([tags, within]) => (await axe.run(within ? {include: [[within]]} : document, {preload: false,"
        " runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))",
        [WCAG_TAGS, within],
    )


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega-embed')].every(e => e.querySelector('svg'))",
        timeout=15_000,
    )
    return context, page


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violations(browser, book_url: str, path: str) -> None:
    context, page = open_page(browser, f"{book_url}/{path}")
    try:
        closed = run_axe(page)
        # Open every toggle (data tables, solutions) and check what it reveals as well.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(1000)  # let the toggles' fade-in finish: mid-fade text is near-white
        opened = run_axe(page)
        violations = {v["id"]: v for v in closed + opened}
        assert not violations, f"{path}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations.values())
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_structure_is_readable(browser, book_url: str, path: str) -> None:
    """Headings never skip a level in the article; every chart has a title and a description that
    screen readers announce; every slider has a visible label."""
    context, page = open_page(browser, f"{book_url}/{path}")
    try:
        levels = page.evaluate(
            "() => [...document.querySelectorAll('article h1, article h2, article h3, article h4,"
            " article h5, article h6')].filter(h => h.offsetParent !== null || h.closest('details'))"
            ".map(h => +h.tagName[1])")
        skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not skips, f"{path}: heading levels skip: {skips} in {levels}"
        unlabeled = page.evaluate(
            "() => [...document.querySelectorAll('.vega-embed svg[role]')]"
            ".filter(s => !(s.getAttribute('aria-label') || '').trim()).length")
        assert unlabeled == 0, f"{path}: {unlabeled} charts without an aria-label description"
        sliders_without_label = page.evaluate(
            "() => [...document.querySelectorAll('.vega-embed input[type=range]')]"
            ".filter(i => !((i.closest('label') || {}).innerText || '').trim()).length")
        assert sliders_without_label == 0, f"{path}: sliders without a visible label"
        focusable = page.evaluate(
            "() => [...document.querySelectorAll('.vega-embed input[type=range]')]"
            ".every(i => i.tabIndex >= 0 && !i.disabled)")
        assert focusable, f"{path}: a slider cannot be reached with the keyboard"
    finally:
        context.close()
