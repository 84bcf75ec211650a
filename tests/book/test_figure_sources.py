"""Every figure in every chapter shows its source on keyboard focus and on hover, readably, on a phone too.

A page writes each distinct source note (``.phb-fig-source``, ``role="tooltip"``) once; a figure
(``.phb-fig``, focusable) names its note by ``aria-describedby``, book_assets/phb-figures.js moves the
note into the figure hovered or focused, and CSS shows it there; a tap focuses it. The tests find each
figure's note by its ``aria-describedby``, as a screen reader does.
"""

from __future__ import annotations

import re

import pytest
from book_pages import toc_pages
from test_pages import PHONE

from phb.charts import theme

pytestmark = pytest.mark.browser

CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]

#: For each figure of the page: is its note shown, and where (in CSS pixels)?
#: Shown means displayed, with a size, and on top at its centre (not clipped by a box, nor covered).
NOTE_SHOWN = """(fig) => {
  const note = document.getElementById(fig.getAttribute('aria-describedby'));
  if (getComputedStyle(note).display !== 'none') note.scrollIntoView({block: 'nearest'});
  const box = note.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {shown: getComputedStyle(note).display !== 'none' && box.width > 0 && box.height > 0
                 && top !== null && note.contains(top),
          left: box.left, right: box.right, text: note.textContent,
          pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


def open_chapter(browser, url: str, dark: bool = False):
    """A new 1280 px page at ``url`` in ``dark`` or light mode, every chart drawn and every toggle
    open: (context, page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark" if dark else "light")
    # The theme's own switch keeps the reader's choice in localStorage (the default is "auto").
    context.add_init_script(f"localStorage.setItem('mode', '{'dark' if dark else 'light'}')")
    page = context.new_page()
    page.goto(url, wait_until="load")
    # Every chart drawn (charts below the screen are otherwise drawn as they are scrolled to): the
    # page no longer moves under the mouse.
    page.wait_for_function(theme.CHARTS_SETTLED_JS, timeout=30_000)
    page.wait_for_function(
        "(mode) => document.documentElement.dataset.theme === mode", arg="dark" if dark else "light", timeout=15_000
    )
    # Figures in solutions and data tables count too: unfold every dropdown and details element.
    page.evaluate(
        "() => { document.querySelectorAll('.toggle-hidden')"
        ".forEach(e => e.classList.remove('toggle-hidden'));"
        " document.querySelectorAll('details').forEach(d => d.open = true); }"
    )
    return context, page


#: For every figure at once (one round trip to the browser, not several per figure): is its note
#: shown before it is asked for, and when the figure has keyboard focus?
#: Each figure is first scrolled to the middle of the screen and the page given two frames to settle
#: (the theme's header reacts to scrolling), as a reader's tab or tap would leave it.
ON_FOCUS = f"""async (figs) => {{
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  const seen = [];
  for (const fig of figs) {{
    fig.scrollIntoView({{block: 'center', inline: 'nearest'}});
    await frame(); await frame();
    const unasked = ({NOTE_SHOWN})(fig);
    fig.focus();
    const onFocus = ({NOTE_SHOWN})(fig);
    fig.blur();
    seen.push({{unasked: unasked.shown, onFocus}});
  }}
  return seen;
}}"""

#: Scroll a figure to the middle of the screen; where its first line is, for the mouse to go to.
POINT_AT = """(fig) => { fig.scrollIntoView({block: 'center', inline: 'nearest'});
  const box = fig.getClientRects()[0]; return {x: box.left + box.width / 2, y: box.top + box.height / 2}; }"""


def _hover_each(page, figures) -> list[dict]:
    """Move a real pointer over each figure in turn (``:hover`` is never set by a script) and read
    its note; the pointer leaves each figure before the next is scrolled to, so that a note does not
    cover it. (Scrolling to the next figure while the pointer still rests on this one lost a hover.)"""
    seen = []
    for index in range(figures.count()):
        fig = figures.nth(index)
        point = fig.evaluate(POINT_AT)
        page.mouse.move(point["x"], point["y"])
        seen.append(fig.evaluate(NOTE_SHOWN))
        page.mouse.move(0, 0)
    return seen


@pytest.mark.parametrize("path", CHAPTERS)
def test_every_figure_shows_its_source_on_focus_and_hover_and_fits_a_phone(browser, book_url: str, path: str) -> None:
    """At 1280 px every figure's note shows on keyboard focus and on hover, and never unasked; then,
    the window narrowed to 390 px (as a phone turned), every note shown on focus lies inside the
    screen and makes the page no wider. One page serves both widths (opening it is what costs)."""
    context, page = open_chapter(browser, f"{book_url}/{path}")
    try:
        figures = page.locator(".phb-fig")
        assert figures.count() > 0, f"{path}: no sourced figure on the page"
        focused = figures.evaluate_all(ON_FOCUS)
        unasked = [i for i, seen in enumerate(focused) if seen["unasked"]]
        assert not unasked, f"{path}: figures whose notes show unasked: {unasked[:10]}"
        hidden = []
        for i, (seen, on_hover) in enumerate(zip(focused, _hover_each(page, figures), strict=True)):
            on_focus = seen["onFocus"]
            if not (on_focus["shown"] and on_hover["shown"] and on_focus["text"].strip()):
                hidden.append(f"{figures.nth(i).inner_text()!r} (focus {on_focus['shown']}, hover {on_hover['shown']})")
        assert not hidden, f"{path}: figures whose source does not show: {hidden[:10]}"

        page.set_viewport_size(PHONE)
        page.wait_for_function(theme.CHARTS_SETTLED_JS, timeout=30_000)  # charts redrawn for the phone
        width_before = page.evaluate("() => document.documentElement.scrollWidth")
        outside = []
        for seen in figures.evaluate_all(ON_FOCUS):
            seen = seen["onFocus"]
            if seen["left"] < 0 or seen["right"] > seen["viewport"] or seen["pageWidth"] > width_before:
                outside.append(f"{seen['text'][:60]!r}: {seen['left']:.0f}–{seen['right']:.0f} px")
        assert not outside, f"{path}: notes outside a 390 px screen: {outside[:10]}"
    finally:
        context.close()


@pytest.mark.parametrize("path", CHAPTERS[:1])
def test_figures_are_reached_with_the_tab_key(browser, book_url: str, path: str) -> None:
    context, page = open_chapter(browser, f"{book_url}/{path}")
    try:
        # Start where a reader lands after the skip link: the main content, then Tab through it.
        page.evaluate("() => { const main = document.querySelector('main'); main.tabIndex = -1; main.focus(); }")
        for _ in range(300):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('phb-fig')"):
                break
        else:
            pytest.fail(f"{path}: 300 presses of Tab never reached a figure")
        assert page.evaluate(f"() => ({NOTE_SHOWN})(document.activeElement)")["shown"]
    finally:
        context.close()


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_source_notes_are_readable_in_light_and_dark_mode(browser, book_url: str, dark: bool) -> None:
    context, page = open_chapter(browser, f"{book_url}/{CHAPTERS[0]}", dark=dark)
    try:
        fig = page.locator(".phb-fig").first
        fig.focus()
        colours = fig.evaluate(
            "(e) => { const s = getComputedStyle(document.getElementById("
            "e.getAttribute('aria-describedby'))); return [s.color, s.backgroundColor]; }"
        )
        assert contrast(*colours) >= 7, f"note colours {colours} (dark={dark}) contrast under 7:1"
    finally:
        context.close()
