"""Print the whole book as one PDF with Chromium: no LaTeX, no network.

Why this way: the book's charts are Vega-Lite drawn by JavaScript in the page, so the only printer
that draws them exactly as readers see them is a browser. The same Debian Chromium that runs the
browser tests (:mod:`bookkit.browser`) prints a single-page build of the book (``make build-singlehtml``:
``sphinx-build -b singlehtml`` with the Makefile's strict flags, rendering the outputs stored in the
notebooks) served on 127.0.0.1. Every request to another host is refused and reported, so the PDF is
made offline or not at all.

``python -m bookkit.pdf`` (or ``make pdf``) writes ``_build/pdf/phb-book.pdf``.

The title page (the book's first page) names the edition under its title, as every sheet's
footer does ("Edition 0.1, 30 November 2026", from ``CITATION.cff`` via :mod:`bookkit.edition`), so a
printed copy says which edition it is.

Printing choices: each page of the book (chapter, appendix) starts on a new sheet; a chart is not
split across sheets; sidebars, buttons and chart menus are not printed; every sheet's footer gives
the book's title and the page number. Paper cannot be unfolded, so solutions (dropdowns on the web
page) are printed open; ``--no-solutions`` leaves them out altogether, text and code, for a handout.
The data table under each chart stays closed, as on the web page (``--open-details`` prints them).
"""

from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from bookkit.browser import chromium_missing, launch, serve
from bookkit.edition import current_edition

ROOT = Path(__file__).resolve().parents[1]
SINGLEHTML = ROOT / "_build" / "singlehtml"
PDF = ROOT / "_build" / "pdf" / "phb-book.pdf"

#: The Makefile target that builds :data:`SINGLEHTML` with the book's strict flags (written once, there).
SINGLEHTML_TARGET = "build-singlehtml"

#: How long to wait for the page and for every chart to draw, in milliseconds.
TIMEOUT_MS = 120_000

#: Added to the page before printing: what a sheet of paper does not need.
PRINT_CSS = """
@media print {
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-footer,
  .bd-footer-article, .bd-footer-content, .prev-next-area, .headerlink, .vega-actions,
  .skip-link, #pst-back-to-top, .toggle-button { display: none !important; }
  span[id^="document-"] + section { break-before: page; }
  .vega-embed, .cell_output img, figure, table { break-inside: avoid; }
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  /* A chart taller than a sheet cannot be split: scale it down (its viewBox keeps it in shape). */
  .vega-embed svg { max-height: 235mm; }
  h1, h2, h3 { break-after: avoid; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
}
"""

#: Every sheet's footer (Chromium fills the classes in). Inline styles only: it is its own page.
#: Added with ``--no-solutions``: every solution, its text and its code cells (tagged ``solution``).
NO_SOLUTIONS_CSS = ".admonition.solution, .cell.tag_solution { display: none !important; }"

#: Unfolds every dropdown admonition (sphinx-togglebutton), solutions included.
UNFOLD_JS = (
    "() => document.querySelectorAll('.admonition.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'))"
)

#: True once sphinx-togglebutton has set up every dropdown it handles (each has its button).
TOGGLES_READY_JS = (
    "() => document.readyState === 'complete' && typeof togglebuttonSelector !== 'undefined'"
    " && [...document.querySelectorAll(togglebuttonSelector)]"
    ".every(e => !e.classList.contains('admonition') || e.querySelector('.toggle-button'))"
)

#: True once no dropdown is folded.
UNFOLDED_JS = "() => document.querySelectorAll('.admonition.toggle-hidden').length === 0"

#: Waits for running animations, web fonts and two frames, so that the layout printed is final.
SETTLED_JS = (
    "async () => { await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));"
    " await document.fonts.ready;"
    " await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); }"
)

FOOTER = (
    '<div style="font-size:8px; width:100%; padding:0 12mm; display:flex; '
    'justify-content:space-between; color:#555;">'
    '<span><span class="title"></span> · {edition}</span><span><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></span></div>'
)

#: Puts the edition under the first title of the page (the title page): a paragraph of class
#: ``phb-edition``, as in the web page's footer.
EDITION_JS = """(label) => {
  const title = document.querySelector('article h1, h1');
  const line = document.createElement('p');
  line.className = 'phb-edition';
  line.textContent = label;
  title.insertAdjacentElement('afterend', line);
}"""


#: Adds a style sheet to the document (adopted: it can be added before the page has an element,
#: and it comes after the page's own sheets, as a style tag at the end of the head would).
ADOPT_STYLES_JS = """(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


def print_styles_script(solutions: bool = True) -> str:
    """A script that gives the page the print styles (and, without ``solutions``, hides them) before
    anything of it is parsed: run by Chromium at the start of the page (an init script)."""
    css = PRINT_CSS if solutions else PRINT_CSS + NO_SOLUTIONS_CSS
    return f"({ADOPT_STYLES_JS})({json.dumps(css)});"


class PdfError(RuntimeError):
    """The PDF could not be made as the book requires (a build error, a chart not drawn, a request
    to another host)."""


def build_singlehtml(root: Path = ROOT) -> Path:
    """Build the single-page HTML book of the stored outputs (``make build-singlehtml``, the
    Makefile's strict flags); return the page to print."""
    out = root / SINGLEHTML.relative_to(ROOT)
    result = subprocess.run(["make", "-s", SINGLEHTML_TARGET], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise PdfError("the single-page build failed:\n" + result.stdout[-4000:] + result.stderr[-4000:])
    pages = [p for p in out.glob("*.html") if p.name != "index.html" and p.stat().st_size > 1000]
    if len(pages) != 1:  # index.html only redirects to the root page, which holds the whole book
        raise PdfError(f"expected one page holding the book in {out}, found {[p.name for p in pages]}")
    return pages[0]


def _wait(page, condition: str, failure: str) -> None:
    """Wait until the JavaScript ``condition`` is true in ``page``, or raise :class:`PdfError`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        raise PdfError(f"{failure} (waited {TIMEOUT_MS // 1000} s)") from None


def _wait_for_charts(page) -> None:
    """Wait until every chart is drawn for the page's width (book_assets/phb-charts.js says so)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from phb.charts.theme import CHARTS_SETTLED_JS

    undrawn_js = (
        "() => [...document.querySelectorAll('.phb-chart, .vega-embed')]"
        ".filter(e => e.dataset.phbState !== 'drawn' || !e.querySelector('svg'))"
        ".map(e => e.id || '(no id)')"
    )
    try:
        page.wait_for_function(CHARTS_SETTLED_JS, timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        raise PdfError(f"charts that did not draw: {page.evaluate(undrawn_js)}") from None


def print_pdf(url: str, target: Path, *, open_details: bool = False, solutions: bool = True) -> Path:
    """Open ``url`` in Chromium, wait until every chart has drawn, and print it to ``target``
    (with the solutions unfolded, or without them if ``solutions`` is false)."""
    missing = chromium_missing("print the PDF")
    if missing:
        raise PdfError(missing)
    from playwright.sync_api import sync_playwright

    edition = current_edition().label
    local = urlparse(url).netloc
    refused: list[str] = []

    def only_local(route) -> None:
        request_url = route.request.url
        parts = urlparse(request_url)
        if parts.scheme in ("http", "https") and parts.netloc != local:
            refused.append(request_url)
            route.abort()
        else:
            route.continue_()

    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.route("**/*", only_local)
            # The print layout from the first parse on, so that each chart is drawn once, for the
            # printed column (laid out for the screen first, every chart was drawn twice).
            page.emulate_media(media="print")
            page.add_init_script(print_styles_script(solutions))
            page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
            # togglebutton folds the dropdowns once the page has loaded: wait until it has folded
            # every one, unfold them all, and wait until none is folded (no fixed wait: under load
            # a fixed wait printed chapters with their solutions still folded).
            _wait(page, TOGGLES_READY_JS, "the dropdowns were never set up by sphinx-togglebutton")
            page.evaluate(UNFOLD_JS)
            _wait(page, UNFOLDED_JS, "some dropdowns stayed folded")
            if open_details:
                page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate(EDITION_JS, edition)
            # Every chart drawn for the layout printed (nothing above changes it after this).
            _wait_for_charts(page)
            page.evaluate(SETTLED_JS)
            page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER.format(edition=html.escape(edition)),
            )
        finally:
            browser.close()
    if refused:
        target.unlink(missing_ok=True)
        raise PdfError(f"the page asked for other hosts (refused; no PDF written): {refused[:5]}")
    return target


def make_pdf(root: Path = ROOT, target: Path = PDF, *, open_details: bool = False, solutions: bool = True) -> Path:
    """Build the single-page book, serve it locally and print it to ``target``."""
    page = build_singlehtml(root)
    with serve(page.parent) as url:
        return print_pdf(f"{url}/{page.name}", target, open_details=open_details, solutions=solutions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bookkit.pdf", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=PDF, help=f"the PDF to write (default {PDF})")
    parser.add_argument("--open-details", action="store_true", help="print data tables and other closed <details> open")
    parser.add_argument(
        "--no-solutions", action="store_true", help="leave every solution out (a handout for a workshop)"
    )
    args = parser.parse_args(argv)
    try:
        target = make_pdf(ROOT, args.out, open_details=args.open_details, solutions=not args.no_solutions)
    except PdfError as error:
        print(f"bookkit.pdf: {error}", file=sys.stderr)
        return 1
    print(f"The book as one PDF: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
