"""Every page of the built book in Chromium, in light and dark mode, at a laptop's and a phone's width.

One visit per page and colour mode serves every check (opening a page is what costs): the page is
loaded at 1366 px and checked with its toggles closed, narrowed to 390 px (the charts redraw for the
new width, as on a phone turned or a window resized), checked again, and checked with its toggles
(data tables, solutions) open. In light mode the visit ends at 320 px (the smallest phones, and the
width WCAG 2.2's reflow criterion, 1.4.10, asks a page to work at), where the charts are checked
again (their layout does not depend on the colour mode).
What is checked:

- offline and clean: no request to another host, every resource answers, no console or page error;
- every chart drawn, in the page's colour mode (with no frame of another colour around it), within
  its column at every width (a chart wider than its column makes its output box scroll sideways, or
  is cut off at the screen's edge), its SVG never scaled so that a text is smaller than
  ``MIN_FONT_PX``, no text of it over another (a label run into the next row's), and its text on the
  chart's background readable (WCAG AA; a label drawn on a bar is not checked: the colour behind it
  is the bar's, which this check does not judge yet);
- nothing scrolls sideways but an explicitly scrolled table or equation;
- WCAG 2.2 A/AA by axe-core (the version locked in package-lock.json) with toggles closed and open;
- headings, chart descriptions and slider labels that assistive technology needs;
- every slider redraws its chart (light mode; the sliders do not depend on the mode);
- the footer names the book's edition and the date the page's source last changed.

The same visit then acts as a reader on the chapters (tests/book/reader_steps.py): it answers the
self-check questions and focuses and hovers the sourced figures, which tests/book/test_self_check_page.py
and tests/book/test_figure_sources.py check; so no page is opened twice in one mode.

Nothing here waits for a fixed time: each step waits for a condition the page signals (the chart
script marks each chart drawn for its mode and width; the toggles' fade-ins are brought to their end).
A page is opened up to its ``load`` event, not Playwright's ``networkidle`` (which waits for half
a second with no request: a fixed wait on every visit); what the page asks for later (a chart's
files, drawn when it is asked for) is still seen, since requests are recorded until the visit ends.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import subprocess
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
import reader_steps
from book_pages import HTML, ROOT, toc_pages
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bookkit.edition import current_edition
from bookkit.font_warmup import WARM_FONTS
from phb.charts import theme

pytestmark = pytest.mark.browser

PAGES = toc_pages()
MODES = ["light", "dark"]
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The smallest phones' width, and the one WCAG 2.2's reflow criterion (1.4.10) asks for.
SMALLEST = {"width": 320, "height": 640}
#: The smallest chart text a reader should meet, in CSS pixels as drawn (font size x SVG scale).
MIN_FONT_PX = 11
#: WCAG 1.4.3 (AA) for normal text.
MIN_CONTRAST = 4.5
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TIMEOUT_MS = 30_000

#: True once every chart of the page is drawn for the page's colour mode and its column width.
CHARTS_SETTLED = theme.CHARTS_SETTLED_JS

#: Per chart: drawn or not, how much CSS scales its SVG, its width and its column's, its smallest
#: text as drawn, its background,
#: and each text's colour with the colour behind its middle (a bar, or the chart's background), for
#: the contrast check in Python.
CHART_FACTS = r"""() => [...document.querySelectorAll('.phb-chart')].map(e => {
  const svg = e.querySelector('svg');
  if (!svg || !svg.getBoundingClientRect().width) return {id: e.id, drawn: false};
  const scale = svg.getBoundingClientRect().width / parseFloat(svg.getAttribute('width'));
  const background = getComputedStyle(svg).backgroundColor;
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
  const behind = t => {
    const box = t.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return background;  // below the fold
    const opaque = m => { const f = getComputedStyle(m).fill, alpha = f.match(/rgba\(.*,\s*([\d.]+)\)/);
      return f.startsWith('rgb') && (!alpha || +alpha[1] >= 0.9) && +getComputedStyle(m).fillOpacity >= 0.9; };
    const mark = document.elementsFromPoint(x, y).find(m => svg.contains(m) && m !== svg &&
      !['text', 'tspan', 'g', 'svg'].includes(m.tagName) && opaque(m));
    return mark ? 'mark ' + getComputedStyle(mark).fill : background;
  };
  svg.scrollIntoView({block: 'start'});
  const pairs = texts.map(t => getComputedStyle(t).fill + '|' + behind(t));
  const output = e.closest('.cell_output .text_html');
  // Texts (as drawn: not those Vega hid, with opacity 0, to thin out an axis's labels) whose boxes
  // overlap by more than 2 px each way: one text drawn over another.
  const shown = texts.filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
    .map(t => [t.textContent.trim(), t.getBoundingClientRect()]);
  const overlaps = [];
  shown.forEach(([a, boxA], i) => shown.slice(i + 1).forEach(([b, boxB]) => {
    const across = Math.min(boxA.right, boxB.right) - Math.max(boxA.left, boxB.left);
    const down = Math.min(boxA.bottom, boxB.bottom) - Math.max(boxA.top, boxB.top);
    if (across > 2 && down > 2) overlaps.push(`"${a.slice(0, 40)}" over "${b.slice(0, 40)}"`);
  }));
  return {id: e.id, drawn: true, scale, background, overlaps,
          frame: output ? getComputedStyle(output).backgroundColor : 'rgba(0, 0, 0, 0)',
          width: svg.getBoundingClientRect().width, column: e.clientWidth,
          smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
          pairs: [...new Set(pairs)].map(p => p.split('|'))};
})"""

#: Elements that stick out of the page sideways, outside any box that scrolls on purpose.
OVERFLOW = """() => {
  const page = document.documentElement;
  if (page.scrollWidth <= page.clientWidth) return [];
  const scrolls = el => { for (let e = el; e; e = e.parentElement) {
    const x = getComputedStyle(e).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; }
    return false; };
  return [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > page.clientWidth + 1 && !scrolls(e.parentElement))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
}"""

STRUCTURE = """() => ({
  levels: [...document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6')]
    .filter(h => h.offsetParent !== null || h.closest('details')).map(h => +h.tagName[1]),
  undescribed: [...document.querySelectorAll('.vega-embed svg[role]')]
    .filter(s => !(s.getAttribute('aria-label') || '').trim()).length,
  unlabelledSliders: [...document.querySelectorAll('.vega-embed input[type=range]')]
    .filter(i => !((i.closest('label') || {}).innerText || '').trim()).length,
  unreachableSliders: [...document.querySelectorAll('.vega-embed input[type=range]')]
    .filter(i => i.tabIndex < 0 || i.disabled).length,
})"""

#: Open every toggle: <details> (data tables) and the theme's dropdowns (solutions), then bring
#: their fade-in animations to their end (mid-fade text is pale and would fail the contrast check):
#: ``finish()`` shows at once what the reader sees 0.3 s later (awaiting them cost that on every
#: visit). Finished, not awaited, only animations that end: the theme has none that repeat.
OPEN_TOGGLES = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.getAnimations().filter(a => a.effect.getTiming().iterations !== Infinity).forEach(a => a.finish());
}"""

#: The theme makes a box that scrolls (code, wide outputs) reachable by keyboard (tabindex 0) a
#: moment after the page is resized: wait until it has, for each such box.
SCROLL_STOPS_SET = """() => [...document.querySelectorAll(
  'pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, .pst-scrollable-table-container')]
  .every(e => (e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight) === (e.tabIndex === 0))"""

#: axe's WCAG A/AA rules; only violations are collected (the passes' details cost time).
RUN_AXE = """async ([tags, within]) => (await axe.run(within ? {include: [[within]]} : document,
  {preload: false, resultTypes: ['violations'],
  runOnly: {type: 'tag', values: tags}})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""


@dataclass
class Visit:
    """What one visit of a page in one colour mode found."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    theme: str = ""
    charts: dict[str, list[dict]] = field(default_factory=dict)  # per width
    overflow: dict[str, list[str]] = field(default_factory=dict)  # per width
    violations: dict[str, list[dict]] = field(default_factory=dict)  # per state
    structure: dict = field(default_factory=dict)
    sliders_that_did_nothing: list[str] = field(default_factory=list)
    footer: str = ""
    self_checks: reader_steps.SelfChecks | None = None  # where the page's questions are answered
    figure_notes: reader_steps.FigureNotes | None = None  # where the figures are focused and hovered
    first_figure: reader_steps.FirstFigure | None = None  # on the first chapter
    built_vega: list[dict] = field(default_factory=list)  # charts drawn from the build's Vega spec
    vega_lite: dict | None = None  # when vega-lite was asked for, beside the first chart and the load
    scaled_vega: list[dict] = field(default_factory=list)  # each chart's scaled compile, as vega-lite's
    formulas: list[int] = field(default_factory=list)  # [formulas on the page, those MathJax typeset]
    dropped_rules: list[str] = field(default_factory=list)  # style selectors the page uses, not kept
    cold_fonts: dict[str, list[str] | None] = field(default_factory=dict)  # per width: fonts not made ready early


#: On a page with a chart: the fonts (family, size, weight, style, as computed) of the text above its
#: first chart (text, form controls, and text that styles add before or after an element; not in an
#: element laid out of the page, not the icon font, not MathJax's formulas, typeset only after the
#: page's load) that none of ``warm`` (CSS ``font`` values, set on a probe in the page) is; [] when
#: every one is made ready early; null on a page without a chart.
COLD_FONTS = r"""(warm) => {
  const chart = document.querySelector('.phb-chart');
  if (!chart) return null;
  const key = (cs) => [cs.fontFamily, cs.fontSize, cs.fontWeight, cs.fontStyle].join(' | ');
  const probe = document.createElement('span');
  document.body.appendChild(probe);
  const ready = new Set(warm.map(font => { probe.style.font = font; return key(getComputedStyle(probe)); }));
  probe.remove();
  const above = (node) => chart.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING;
  const shown = (el) => el.getClientRects().length > 0 || getComputedStyle(el).display === 'contents';
  const icon = (cs) => /Font Awesome/.test(cs.fontFamily);
  const typeset = (el) => el.closest('mjx-container') !== null;  // MathJax's, after the page's load
  const used = new Set();
  const text = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = text.nextNode(); node && above(node); node = text.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !shown(el) || typeset(el)) continue;
    const cs = getComputedStyle(el);
    if (!icon(cs)) used.add(key(cs));
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!above(el) || !shown(el) || typeset(el)) continue;
    if (el.matches('button, input, select, textarea')) used.add(key(getComputedStyle(el)));
    for (const pseudo of ['::before', '::after']) {
      const cs = getComputedStyle(el, pseudo);
      if (/^["'].+["']$/.test(cs.content) && cs.display !== 'none' && !icon(cs)) used.add(key(cs));
    }
  }
  return [...used].filter(font => !ready.has(font)).sort();
}"""


def _wait_for_charts(page) -> None:
    page.wait_for_function(CHARTS_SETTLED, timeout=TIMEOUT_MS)


def run_axe(page, within: str | None = None) -> list[dict]:
    """Inject the locally installed axe-core (once per page) and return its WCAG A/AA violations, in
    the elements matching the CSS selector ``within`` or in the whole page."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [WCAG_TAGS, within])


#: Whether the chart's (first) SVG differs from ``before``, its markup before a slider moved.
SVG_CHANGED = (
    "([chart, before]) => { const svg = chart.querySelector('svg'); return !!svg && svg.innerHTML !== before; }"
)


def _move_every_slider(page) -> list[str]:
    """Move each twin slider to its far end; return the labels of those whose chart did not change."""
    stuck = []
    for chart_index, chart in enumerate(page.locator(".phb-chart").all()):
        for slider in chart.locator("input[type=range]").all():
            before = chart.locator("svg").first.inner_html()
            slider.evaluate(
                "(el) => { const min = +el.min, max = +el.max, v = +el.value;"
                " el.value = (v - min) > (max - v) ? min : max;"
                " el.dispatchEvent(new Event('input', {bubbles: true})); }"
            )
            try:
                # polled until it holds or the time is up: an SVG the redraw replaced counts too
                page.wait_for_function(SVG_CHANGED, arg=[chart.element_handle(), before], timeout=5_000)
            except PlaywrightTimeoutError:  # the finding
                stuck.append(
                    f"chart {chart_index}: "
                    + slider.evaluate("(el) => (el.closest('label') || el.parentElement).innerText.trim()")
                )
    return stuck


def visit(browser, url: str, mode: str) -> Visit:
    """Open ``url`` once in ``mode`` (the reader's system setting; the book follows it) and check it
    at both widths, toggles closed and open; then, on a chapter, act as its reader (``_act_as_reader``)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci` (make test does)", pytrace=False)
    seen = Visit()
    context = browser.new_context(viewport=WIDE, color_scheme=mode)
    page = context.new_page()
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("requestfailed", lambda r: seen.failures.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and seen.failures.append(f"{r.url} -> {r.status}"))
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    try:
        page.goto(url, wait_until="load")
        _wait_for_charts(page)
        # MathJax comes after the page's load event (bookkit/light_pages.py): every check below reads
        # the page with its formulas typeset.
        seen.formulas = page.evaluate(FORMULAS)
        seen.theme = page.evaluate("() => document.documentElement.dataset.theme")
        seen.structure = page.evaluate(STRUCTURE)
        seen.footer = page.locator("footer.bd-footer-content").inner_text()
        seen.charts["1366 px"] = page.evaluate(CHART_FACTS)
        seen.cold_fonts["1366 px"] = page.evaluate(COLD_FONTS, list(WARM_FONTS))
        page.wait_for_function(VEGA_LITE_LOADED, timeout=TIMEOUT_MS)
        seen.vega_lite = page.evaluate(VEGA_LITE_ASKED)  # before BUILT_VEGA, which asks for it
        seen.built_vega = page.evaluate(BUILT_VEGA)
        seen.scaled_vega = page.evaluate(SCALED_VEGA)
        seen.overflow["1366 px"] = page.evaluate(OVERFLOW)
        seen.violations["1366 px, toggles closed"] = run_axe(page)
        page.set_viewport_size(PHONE)
        _wait_for_charts(page)
        page.wait_for_function(SCROLL_STOPS_SET, timeout=TIMEOUT_MS)
        seen.charts["390 px"] = page.evaluate(CHART_FACTS)
        seen.cold_fonts["390 px"] = page.evaluate(COLD_FONTS, list(WARM_FONTS))
        seen.overflow["390 px"] = page.evaluate(OVERFLOW)
        # axe runs twice a visit (it is the slowest step): toggles closed at 1366 px, open at 390 px,
        # which between them check every control in both states and everything the toggles hide.
        page.evaluate(OPEN_TOGGLES)
        page.wait_for_function(SCROLL_STOPS_SET, timeout=TIMEOUT_MS)
        seen.overflow["390 px, toggles open"] = page.evaluate(OVERFLOW)
        seen.violations["390 px, toggles open"] = run_axe(page)
        seen.dropped_rules = _dropped_rules(page)
        # What follows changes the page (answers, notes moved into their figures, sliders moved):
        # it comes after every check above, which needs the page as it was loaded.
        _act_as_reader(page, urlparse(url).path.lstrip("/"), mode, seen)
        if mode == "light":
            seen.sliders_that_did_nothing = _move_every_slider(page)
            page.set_viewport_size(SMALLEST)
            _wait_for_charts(page)
            seen.charts["320 px"] = page.evaluate(CHART_FACTS)
            seen.overflow["320 px"] = page.evaluate(OVERFLOW)
    finally:
        context.close()
    return seen


def _act_as_reader(page, path: str, mode: str, seen: Visit) -> None:
    """On the chapters, after the checks of the page as loaded: answer the self-check questions and
    focus and hover the sourced figures (tests/book/reader_steps.py), at the widths those checks
    were written for. The page comes here at 390 px with its toggles open (figures in solutions and
    data tables count too); in light mode it leaves at 390 px, where the sliders were always moved.

    The order: back at the laptop's width, the questions are answered first (axe then sees an
    answered page with no other change: no note moved yet); then the figures are focused and hovered
    (each note moves into its figure), and last, narrowed to 390 px as a phone is turned, focused again."""
    light = mode == "light"
    first_chapter = path in reader_steps.SELF_CHECK_PAGES[:1] + reader_steps.FIGURE_PAGES[:1]
    answers = path in reader_steps.SELF_CHECK_PAGES[:1] or (light and path in reader_steps.SELF_CHECK_PAGES)
    figures = light and path in reader_steps.FIGURE_PAGES
    if not (first_chapter or answers or figures):
        return
    page.set_viewport_size(WIDE)
    _wait_for_charts(page)
    if first_chapter:
        # axe (on the answered page) and the Tab key meet the boxes that scroll as a reader does:
        # once the theme has made them keyboard stops for this width.
        page.wait_for_function(SCROLL_STOPS_SET, timeout=TIMEOUT_MS)
    if answers:
        _answer_questions(page, path, mode, seen)
    if path in reader_steps.FIGURE_PAGES[:1]:
        seen.first_figure = reader_steps.check_first_figure(page, by_tab=light)
    if figures:
        seen.figure_notes = reader_steps.focus_and_hover_figures(page)
    if light:
        page.set_viewport_size(PHONE)
        _wait_for_charts(page)  # charts redrawn for the phone
    if figures:
        reader_steps.focus_figures_on_phone(page, seen.figure_notes)


def _answer_questions(page, path: str, mode: str, seen: Visit) -> None:
    """Answer every question by keyboard (light mode); on the first self-check page, in both modes,
    run axe once one question is answered right and another answered, perhaps wrongly: the whole
    page in light mode, the questions in dark mode (the rest of the page is checked in dark mode
    above), and keep a screenshot of it in _build/self-check-<mode>.png."""
    first = path in reader_steps.SELF_CHECK_PAGES[:1]
    within = None if mode == "light" else "fieldset.self-check"
    seen.self_checks = reader_steps.answer_questions(
        page,
        limit=None if mode == "light" else 2,
        when_answered=(lambda: run_axe(page, within=within)) if first else None,
    )
    if first:
        page.screenshot(path=str(ROOT / "_build" / f"self-check-{mode}.png"), full_page=False)


@functools.cache
def _cached_visit(browser, url: str, mode: str) -> Visit:
    return visit(browser, url, mode)


def visit_once(browser, book_url: str, path: str, mode: str) -> Visit:
    """The one visit of ``path`` in ``mode`` in this process, made by the first test that asks for it
    (test_pages, test_figure_sources and test_self_check_page all read it)."""
    return _cached_visit(browser, f"{book_url}/{path}", mode)


def recorded(browser, book_url: str, path: str, mode: str, step: str):
    """What the one visit's reader step ``step`` (a :class:`Visit` field filled by ``_act_as_reader``)
    recorded on ``path`` in ``mode``."""
    found = getattr(visit_once(browser, book_url, path, mode), step)
    assert found is not None, f"{path} ({mode}): the visit recorded no {step.replace('_', ' ')}"
    return found


@pytest.fixture(params=[(p, m) for p in PAGES for m in MODES], ids=lambda pm: f"{pm[0]}-{pm[1]}")
def seen(request, browser, book_url: str) -> tuple[str, str, Visit]:
    """The one visit of this page in this mode (made by the first test that asks for it)."""
    path, mode = request.param
    return path, mode, visit_once(browser, book_url, path, mode)


# ---------------------------------------------------------------- the checks, one visit each
def test_page_is_offline_and_clean(seen, book_url: str) -> None:
    path, mode, found = seen
    local = urlparse(book_url).netloc
    elsewhere = [u for u in found.requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != local]
    assert not elsewhere, f"{path} ({mode}) requested other hosts: {elsewhere}"
    assert not found.failures, f"{path} ({mode}): resources that did not answer 2xx: {found.failures}"
    assert not found.console_errors, f"{path} ({mode}): console errors: {found.console_errors}"
    assert not found.page_errors, f"{path} ({mode}): page errors: {found.page_errors}"


def test_page_follows_the_readers_colour_mode(seen) -> None:
    path, mode, found = seen
    assert found.theme == mode, f"{path}: the system asked for {mode}, the page shows {found.theme}"


def test_every_chart_is_drawn_readable_at_every_width(seen) -> None:
    path, mode, found = seen
    expected = theme.DARK_BACKGROUND if mode == "dark" else "white"
    problems = []
    for width, facts in found.charts.items():
        for chart in facts:
            if not chart["drawn"]:
                problems.append(f"{width}: {chart['id']} not drawn")
                continue
            if chart["width"] > chart["column"] + 1:
                problems.append(
                    f"{width}: {chart['id']} is {chart['width']:.0f} px wide in a {chart['column']} px column "
                    "(its box scrolls sideways)"
                )
            if chart["smallest"] < MIN_FONT_PX:
                problems.append(
                    f"{width}: {chart['id']} has text drawn at {chart['smallest']:.1f} px "
                    f"(SVG scaled by {chart['scale']:.2f}); the least is {MIN_FONT_PX} px"
                )
            for overlap in chart["overlaps"]:
                problems.append(f"{width}: {chart['id']} draws text {overlap}")
            if _rgb(chart["background"]) != _rgb(expected):
                problems.append(f"{width}: {chart['id']} background {chart['background']} in {mode} mode")
            if chart["frame"] != "rgba(0, 0, 0, 0)" and _rgb(chart["frame"]) != _rgb(expected):
                problems.append(f"{width}: {chart['id']} sits on a {chart['frame']} frame in {mode} mode")
            for fill, behind in chart["pairs"]:
                if behind.startswith("mark "):
                    continue  # a label on a bar: not checked here (see the module docstring)
                ratio = contrast(fill, behind)
                if ratio < MIN_CONTRAST:
                    problems.append(f"{width}: {chart['id']} text in {fill} on {behind}: {ratio:.2f}:1")
    assert not problems, f"{path} ({mode}): " + "; ".join(sorted(set(problems)))


#: Once MathJax has loaded (if the page loads it) and typeset the page: [formulas, typeset formulas].
#: A MathJax that never loads or never finishes fails the visit after a minute, naming which.
FORMULAS = """async () => {
  const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: not done within 60 s`)), 60000))]);
  if (window.phbMathJax) {
    await within(window.phbMathJax, 'MathJax loading');
    if (window.MathJax && MathJax.startup) await within(MathJax.startup.promise, 'MathJax typesetting');
  }
  return [document.querySelectorAll('.math').length, document.querySelectorAll('.math mjx-container').length];
}"""


def test_every_formula_is_typeset(seen) -> None:
    """MathJax, loaded once the page has loaded (only where the page has formulas), typesets every one
    (chapters 7 and 8 have 8 and 13; tests/book/test_published.py checks which pages load it)."""
    path, mode, visit = seen
    formulas, typeset = visit.formulas
    assert typeset == formulas, f"{path} ({mode}): {typeset} of {formulas} formulas typeset"


#: Each chart whose Vega spec the build compiled (a page's first: bookkit/vega_mime.py) and whether
#: it is the spec vega-lite compiles in the page from the same chart (book_assets/phb-charts.js).
BUILT_VEGA = "() => window.phbBuiltVegaMatches ? window.phbBuiltVegaMatches() : []"

#: On a page with a chart, once vega-lite has loaded (phb-charts.js asks for it at the page's load
#: event at the latest): when it was asked for, when the page's first chart was drawn (null if it
#: was not drawn before) and when the load event started, in ms from navigation start. Null on a
#: page with no chart.
VEGA_LITE_ENTRY = "performance.getEntriesByType('resource').find((e) => e.name.endsWith('/vendor/vega-lite.min.js'))"
VEGA_LITE_LOADED = f"() => !document.querySelector('.phb-chart') || Boolean(window.vegaLite && {VEGA_LITE_ENTRY})"
VEGA_LITE_ASKED = f"""() => {{
  if (!document.querySelector('.phb-chart')) return null;
  const drawn = performance.getEntriesByName('phb-chart-drawn')[0];
  return {{asked: {VEGA_LITE_ENTRY}.startTime, drawn: drawn ? drawn.startTime : null,
           load: performance.getEntriesByType('navigation')[0].loadEventStart}};
}}"""


#: Each chart, as drawn in a wide column and as on a phone, and whether the page's shortcut for its
#: scaled Vega spec (its compile with a new top-level width) is what vega-lite compiles from the
#: scaled chart (null where the chart does not scale by its top-level width alone).
SCALED_VEGA = "() => window.phbScaledVegaMatches ? window.phbScaledVegaMatches() : []"
#: Charts (element ids) that the page compiles again for each scale it tries: none today.
COMPILED_FOR_EACH_SCALE: set[str] = set()


def test_a_chart_scaled_to_fit_is_what_vega_lite_would_compile(seen) -> None:
    """To fit a chart to its column the page lays it out at several scales; where only the chart's
    top-level width scales, it scales the compiled Vega spec instead of compiling again
    (book_assets/phb-charts.js, issue 18). That must be exactly vega-lite's compile of the scaled
    chart, for every chart of the book, in both modes, wide and narrow. Every chart of the book
    today is one the shortcut serves: a chart of another shape (views side by side, facets) is
    compiled for each scale, correct but slower, and is then listed in ``COMPILED_FOR_EACH_SCALE``."""
    path, mode, visit = seen
    if not visit.charts["1366 px"]:
        assert visit.scaled_vega == []
        return
    wrong = [r for r in visit.scaled_vega if r["matches"] is False]
    assert not wrong, f"{path} ({mode}): scaled Vega specs differ from vega-lite's compile: {wrong}"
    unserved = {r["id"] for r in visit.scaled_vega if r["matches"] is None}
    assert unserved <= COMPILED_FOR_EACH_SCALE, f"{path} ({mode}): charts compiled again for each scale: {unserved}"
    assert len(visit.scaled_vega) == 2 * len(visit.charts["1366 px"])


def test_vega_lite_waits_for_the_first_chart_or_the_load(seen) -> None:
    """vega-lite (250 KB) is not one of the page's scripts: fetched and compiled with them, it delayed
    the page's first chart, which the build compiles (issue 18). phb-charts.js asks for it once the
    page has loaded or a chart must be compiled in the page; at 1366 px the first chart is not one,
    so vega-lite is asked for only after the first chart is drawn or the page has loaded. A page
    without a chart never asks for it."""
    path, mode, visit = seen
    if not visit.charts["1366 px"]:
        assert visit.vega_lite is None
        assert not [url for url in visit.requests if url.endswith("/vega-lite.min.js")], f"{path}: vega-lite loaded"
        return
    times = visit.vega_lite
    assert times is not None, f"{path} ({mode}): vega-lite never loaded"
    after = min(t for t in (times["drawn"], times["load"]) if t is not None)
    assert times["asked"] >= after, f"{path} ({mode}): vega-lite asked for before the first chart or the load: {times}"


def test_the_first_chart_comes_compiled_as_the_page_would_compile_it(seen) -> None:
    """A page's first chart is drawn from a Vega spec compiled at build time (light or dark mode, a
    wide column): each must be exactly what the browser's vega-lite makes of the chart's spec in
    that mode, rebuilt from its files as the page rebuilds it (checked in both modes)."""
    path, mode, visit = seen
    if not visit.charts["1366 px"]:
        assert visit.built_vega == [], f"{path} ({mode}): no chart, but a compiled spec"
        return
    first = visit.charts["1366 px"][0]["id"]
    assert [entry["id"] for entry in visit.built_vega] == [first], (
        f"{path} ({mode}): the build's compiled spec should be the first chart's ({first}): {visit.built_vega}"
    )
    assert visit.built_vega[0]["matches"], f"{path} ({mode}): the build's Vega spec differs from the page's compile"
    assert visit.built_vega[0]["darkMatches"], (
        f"{path} ({mode}): the build's dark-mode Vega spec is missing or differs from the page's compile in dark mode"
    )


#: The selectors of a whole style bundle (``whole``: its sources, as bookkit.light_pages joins them)
#: that the bundle a page links (``kept``: the rules PurgeCSS kept, bookkit/purge_styles.cjs) does
#: not have, each with the selector of the element it styles: a state a script or the reader sets
#: (``:hover``, ``:focus-visible``, ``::before``) is left out, the rule's element is not.
DROPPED_SELECTORS = r"""([whole, kept]) => {
  const selectors = (text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text.replace(/@charset[^;]*;/g, ''));
    const out = [];
    const walk = (rules) => { for (const rule of rules) {
      if (rule.selectorText !== undefined) out.push(...split(rule.selectorText));
      if (rule.cssRules) walk(rule.cssRules);
    } };
    walk(sheet.cssRules);
    return out;
  };
  const split = (list) => {
    const out = []; let depth = 0, current = '';
    for (const ch of list) {
      if (ch === '(' || ch === '[') depth++; else if (ch === ')' || ch === ']') depth--;
      if (ch === ',' && depth === 0) { out.push(current.trim()); current = ''; } else current += ch;
    }
    out.push(current.trim());
    return out;
  };
  const state = new RegExp('::?(?:' + [
    'hover', 'focus-visible', 'focus-within', 'focus', 'active', 'visited', 'target', 'checked', 'link',
    'any-link', 'placeholder-shown', 'autofill', 'before', 'after', 'marker', 'placeholder', 'selection',
    'first-line', 'first-letter', 'backdrop', 'file-selector-button', '-webkit-[a-z-]+', '-moz-[a-z-]+',
  ].join('|') + ')(?![-a-z(])', 'g');
  const keptSet = new Set(selectors(kept));
  return [...new Set(selectors(whole))].filter(s => !keptSet.has(s)).map(selector => {
    let element = selector.replace(state, '').trim();
    if (element === '' || /[>+~]$/.test(element)) element += '*';
    return [selector, element];
  });
}"""

#: Of the dropped selectors (with the classes each needs), those whose element is on the page (a
#: selector this browser does not know is skipped).
DROPPED_RULES = r"""(dropped) => dropped.filter(([selector, element]) => {
  try { return document.querySelector(element) !== null; } catch (error) { return false; }
}).map(([selector]) => selector)"""
#: Every class some element of the page has.
PAGE_CLASSES = "() => [...new Set([...document.querySelectorAll('[class]')].flatMap(e => [...e.classList]))]"
#: A class a selector names outside any parentheses (where it is needed, not excluded by :not()).
CLASS_NAMED = re.compile(r"\.(-?[_a-zA-Z][-_a-zA-Z0-9]*)")


def _classes_needed(element: str) -> frozenset[str]:
    """The classes an element must have for the selector ``element`` to match anything on a page."""
    outside, depth = [], 0
    for ch in element:
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch != ")":
            outside.append(ch)
    return frozenset(CLASS_NAMED.findall("".join(outside)))


def _dropped_rules(page) -> list[str]:
    """The selectors the page uses that its style bundle dropped: only those whose classes are all
    on the page are asked of the browser (most need a class no page has: Bootstrap's, Font Awesome's)."""
    present = set(page.evaluate(PAGE_CLASSES))
    possible = [[selector, element] for selector, element, needed in _dropped_selectors(page) if needed <= present]
    return page.evaluate(DROPPED_RULES, possible)


#: DROPPED_SELECTORS per kept bundle's name, each with the classes it needs: worked out once, by the
#: first visit that links the bundle.
_DROPPED: dict[str, list[tuple[str, str, frozenset[str]]]] = {}


def _dropped_selectors(page) -> list[tuple[str, str, frozenset[str]]]:
    """:data:`DROPPED_SELECTORS`, with the classes each needs (:func:`_classes_needed`), for the
    style bundle the page links (its whole bundle rebuilt from the files the bundle names, as
    bookkit.light_pages joins them)."""
    from bookkit.light_pages import BUNDLE_PREFIX, BUNDLE_SOURCES, style_sheet_text

    href = page.evaluate(f"() => document.querySelector('link[rel=stylesheet][href*=\"{BUNDLE_PREFIX}\"]').href")
    name = urlparse(href).path.rsplit("/", 1)[-1]
    if name not in _DROPPED:
        static = HTML / "_static"
        kept = (static / name).read_text(encoding="utf-8")
        sources = BUNDLE_SOURCES.fullmatch(kept.split("\n")[1]).group(1).split()
        whole = "\n".join(style_sheet_text(static, source) for source in sources)
        dropped = page.evaluate(DROPPED_SELECTORS, [whole, kept])
        _DROPPED[name] = [(selector, element, _classes_needed(element)) for selector, element in dropped]
    return _DROPPED[name]


def test_no_style_rule_the_page_uses_was_dropped(seen) -> None:
    """The style bundle keeps every rule whose selector matches an element of the page: what
    bookkit/purge_styles.cjs drops, no page could use (PurgeCSS alone dropped the keyboard focus ring
    and the book's dark-mode rule for a figure's output)."""
    path, mode, found = seen
    assert not found.dropped_rules, f"{path} ({mode}): rules the page uses were dropped: {found.dropped_rules[:10]}"


def test_the_fonts_above_the_first_chart_are_made_ready_early(seen) -> None:
    """Every font of the text above a page's first chart, at 1366 and at 390 px, is one that the
    page's font warm-up (bookkit/font_warmup.py) makes ready while it waits for its chart script;
    else the layout before the first chart asks the browser for it then (about 0.5 ms a font, traced)."""
    path, mode, found = seen
    cold = {width: fonts for width, fonts in found.cold_fonts.items() if fonts}
    assert not cold, (
        f"{path} ({mode}): fonts above the first chart not in bookkit.font_warmup.WARM_FONTS "
        f"(family | size | weight | style), per width: {cold}"
    )


def test_nothing_scrolls_sideways(seen) -> None:
    path, mode, found = seen
    wide = {width: elements for width, elements in found.overflow.items() if elements}
    assert not wide, f"{path} ({mode}): the page scrolls sideways because of {wide}"


def test_no_wcag_violations(seen) -> None:
    path, mode, found = seen
    problems = [
        f"{state}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for state, violations in found.violations.items()
        for v in violations
    ]
    assert not problems, f"{path} ({mode}): " + "; ".join(problems)


def test_structure_is_readable(seen) -> None:
    """Headings never skip a level in the article; every chart has a description screen readers
    announce; every slider has a visible label and can be reached with the keyboard."""
    path, mode, found = seen
    levels = found.structure["levels"]
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not skips, f"{path}: heading levels skip: {skips} in {levels}"
    assert found.structure["undescribed"] == 0, f"{path}: charts without an aria-label description"
    assert found.structure["unlabelledSliders"] == 0, f"{path}: sliders without a visible label"
    assert found.structure["unreachableSliders"] == 0, f"{path}: a slider cannot be reached by keyboard"


def test_every_slider_redraws_its_chart(seen) -> None:
    path, mode, found = seen
    assert not found.sliders_that_did_nothing, (
        f"{path}: moving these sliders did not change their chart: {found.sliders_that_did_nothing}"
    )


#: The footer's date, as sphinx-last-updated-by-git writes it.
LAST_UPDATED = re.compile(r"Last updated on (\d{1,2} [A-Z][a-z]+ \d{4})\.")


def source_of(path: str) -> str:
    """The source file of a built page: chapters/05_outcomes.html -> chapters/05_outcomes.ipynb."""
    stem = path.removesuffix(".html")
    return next(f"{stem}{ext}" for ext in (".md", ".ipynb") if (ROOT / f"{stem}{ext}").is_file())


def last_commit_date(source: str) -> dt.date | None:
    """The UTC date of the last commit that changed ``source``, or None if git does not know it."""
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct", "--", source], cwd=ROOT, capture_output=True, text=True
    )
    stamp = result.stdout.strip()
    return dt.datetime.fromtimestamp(int(stamp), dt.UTC).date() if stamp else None


def is_shallow() -> bool:
    result = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() == "true"


def test_page_shows_its_edition_and_when_it_last_changed(seen) -> None:
    path, mode, found = seen
    footer = found.footer
    assert current_edition().label in footer, f"{path}: no '{current_edition().label}' in {footer!r}"
    shown = LAST_UPDATED.search(footer)
    if not shown and is_shallow():
        pytest.skip(
            "a shallow clone: git cannot date every page (the build still passes); "
            "run the tests in a full clone to check the dates"
        )
    assert shown, f"{path}: no 'Last updated on <date>.' in the footer {footer!r} (is it committed?)"
    date = dt.datetime.strptime(shown.group(1), "%d %B %Y").date()
    committed = last_commit_date(source_of(path))
    assert committed is not None, f"{source_of(path)} is not committed, yet the page shows a date"
    # The page's date is its source's last commit, or later if a file it includes changed since.
    assert committed <= date <= dt.datetime.now(dt.UTC).date(), (
        f"{path}: shows {date}, its source last changed on {committed}"
    )


# ---------------------------------------------------------------- the colour-mode switch, live
LIVE_PAGE = next((p for p in PAGES if "how_many_would_take" in p), PAGES[0])


def test_charts_follow_the_colour_mode_switch_live_and_keep_slider_settings(browser, book_url: str) -> None:
    """The reader presses the theme's switch: every chart redraws in dark colours, with what the
    reader set on a twin's sliders kept."""
    context = browser.new_context(viewport=WIDE, color_scheme="light")
    page = context.new_page()
    try:
        page.goto(f"{book_url}/{LIVE_PAGE}", wait_until="load")
        _wait_for_charts(page)
        slider = page.locator(".phb-chart input[type=range]").first
        moved = slider.evaluate(
            "(el) => { el.value = el.min; el.dispatchEvent(new Event('input', {bubbles: true})); return el.value; }"
        )
        switch = page.locator(".theme-switch-button:visible").first
        for _ in range(3):  # the switch cycles light -> dark -> auto
            if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
                break
            switch.click()
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        _wait_for_charts(page)
        facts = page.evaluate(CHART_FACTS)
        light_backgrounds = [c["id"] for c in facts if _rgb(c["background"]) != _rgb(theme.DARK_BACKGROUND)]
        assert not light_backgrounds, f"charts still light after the switch: {light_backgrounds}"
        kept = page.locator(".phb-chart input[type=range]").first.input_value()
        assert float(kept) == float(moved), f"the slider went back from {moved} to {kept} on redrawing"
    finally:
        context.close()


# ---------------------------------------------------------------- charts drawn when they come into view
#: Each chart's state (book_assets/phb-charts.js) and the text it holds for screen readers until drawn.
CHART_STATES = """() => [...document.querySelectorAll('.phb-chart')].map(e => ({
  state: e.dataset.phbState, pending: (e.querySelector('.phb-chart-pending') || {}).textContent || ''}))"""


def test_charts_below_the_screen_are_drawn_when_scrolled_to_or_asked_for(browser, book_url: str) -> None:
    """A chart far below the screen waits (with its description for screen readers) until the
    reader scrolls to it; window.phbDrawAll() draws every chart (what the tests and the PDF use)."""
    context = browser.new_context(viewport=WIDE, color_scheme="light")
    page = context.new_page()
    try:
        page.goto(f"{book_url}/{LIVE_PAGE}", wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.phb-chart')]"
            ".every(e => ['waiting', 'drawn'].includes(e.dataset.phbState))",
            timeout=TIMEOUT_MS,
        )
        states = page.evaluate(CHART_STATES)
        assert states[-1]["state"] == "waiting", f"the last chart of {LIVE_PAGE} was drawn before it was near: {states}"
        assert all(s["pending"].strip() for s in states if s["state"] == "waiting"), states
        last = page.locator(".phb-chart").last
        last.scroll_into_view_if_needed()
        page.wait_for_function("(e) => e.dataset.phbState === 'drawn'", arg=last.element_handle(), timeout=TIMEOUT_MS)
        assert not last.locator(".phb-chart-pending").count(), "the drawn chart kept its placeholder"
        page.evaluate("() => window.phbDrawAll()")
        assert {s["state"] for s in page.evaluate(CHART_STATES)} == {"drawn"}
    finally:
        context.close()


# ---------------------------------------------------------------- colour arithmetic (WCAG 2.x)
def _rgb(colour: str) -> tuple[int, int, int]:
    """An ``rgb(...)``/``rgba(...)`` string, a ``#rrggbb`` or "white", as three 0-255 integers."""
    colour = colour.strip().lower()
    if colour == "white":
        return (255, 255, 255)
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    parts = colour[colour.index("(") + 1 : colour.index(")")].replace("/", ",").split(",")
    return tuple(round(float(p)) for p in parts[:3])  # type: ignore[return-value]


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(_rgb(foreground)), _luminance(_rgb(background))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_arithmetic() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("rgb(118, 118, 118)", "white"), 2) == 4.54
