"""Every page of the built book in a real browser: offline, error-free, charts drawn, sliders live."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from conftest import toc_pages

pytestmark = pytest.mark.browser

PAGES = toc_pages()


@dataclass
class PageVisit:
    """What a browser saw while loading one page."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def visit(browser, url: str):
    """Open ``url`` in a fresh context, record everything, wait until charts have drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = PageVisit()
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("requestfailed", lambda r: seen.failures.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and seen.failures.append(f"{r.url} -> {r.status}"))
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega-embed')]"
        ".every(e => e.querySelector('svg, canvas'))",
        timeout=15_000,
    )
    return context, page, seen


@pytest.mark.parametrize("path", PAGES)
def test_page_is_offline_and_clean(browser, book_url: str, path: str) -> None:
    context, page, seen = visit(browser, f"{book_url}/{path}")
    try:
        local = urlparse(book_url).netloc
        elsewhere = [u for u in seen.requests
                     if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != local]
        assert not elsewhere, f"{path} requested other hosts: {elsewhere}"
        assert not seen.failures, f"{path}: resources that did not answer 2xx: {seen.failures}"
        assert not seen.console_errors, f"{path}: console errors: {seen.console_errors}"
        assert not seen.page_errors, f"{path}: page errors: {seen.page_errors}"
        undrawn = page.evaluate(
            "() => [...document.querySelectorAll('.vega-embed')]"
            ".filter(e => !e.querySelector('svg, canvas')).map(e => e.id)"
        )
        assert not undrawn, f"{path}: charts with nothing drawn: {undrawn}"
        errors = page.locator(".vega-embed .error, .vega-embed + .error").count()
        assert errors == 0, f"{path}: a chart shows an error message"
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_slider_redraws_its_chart(browser, book_url: str, path: str) -> None:
    """Moving each Vega slider (no kernel) changes what its chart draws."""
    context, page, _ = visit(browser, f"{book_url}/{path}")
    try:
        embeds = page.locator(".vega-embed")
        for index in range(embeds.count()):
            embed = embeds.nth(index)
            sliders = embed.locator("input[type=range]")
            for s in range(sliders.count()):
                slider = sliders.nth(s)
                before = embed.locator("svg").first.inner_html()
                new_value = slider.evaluate(
                    "(el) => { const min = +el.min, max = +el.max, v = +el.value;"
                    " const target = (v - min) > (max - v) ? min : max;"
                    " el.value = target; el.dispatchEvent(new Event('input', {bubbles: true}));"
                    " return target; }"
                )
                page.wait_for_timeout(100)
                after = embed.locator("svg").first.inner_html()
                label = slider.evaluate(
                    "(el) => (el.closest('label') || el.parentElement).innerText.trim()"
                )
                assert after != before, (
                    f"{path}: moving slider '{label}' to {new_value} did not change chart {index}"
                )
    finally:
        context.close()
