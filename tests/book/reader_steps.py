"""What a reader does to a chapter that changes it: answering its self-check questions by keyboard,
focusing and hovering its sourced figures (book_assets/phb-figures.js moves a figure's note into it).

These steps run inside test_pages' one visit of a page in a colour mode (``visit``), after the checks
that need the page as loaded; they record what they saw, and tests/book/test_self_check_page.py and
tests/book/test_figure_sources.py assert on the record. (A module of its own: the test files import
it, and test_pages runs it, without importing each other.)

A step that fails (a Playwright ``expect`` that times out, a page that does not answer) records its
exception instead of stopping the visit: the tests that read that step raise it, with its own
message, and the page's other checks still report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from book_pages import ROOT, toc_pages
from playwright.sync_api import expect

#: The pages whose sourced figures are focused and hovered (light mode); on the first, a figure is
#: also reached with the Tab key (light mode) and its note's colours read (both modes).
FIGURE_PAGES = [p for p in toc_pages() if p.startswith("chapters/")]
#: The pages whose self-check questions are answered by keyboard (light mode); the first is also
#: checked by axe once answered (both modes).
SELF_CHECK_PAGES = [f"chapters/{path.stem}.html" for path in sorted((ROOT / "chapters").glob("0[1-9]_*.ipynb"))]
#: How many Tab presses from the start of the main content may pass before a figure has focus.
TAB_PRESSES = 300

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

#: Bring a figure into the middle half of the screen, where a reader's tab or tap leaves it clear of
#: the theme's header and of the screen's edges: a figure already there stays put (a screen holds
#: several), any other is scrolled to the middle. True if the page scrolled.
TO_THE_MIDDLE = """(fig) => { const box = fig.getBoundingClientRect();
  if (box.top >= innerHeight / 4 && box.bottom <= innerHeight * 3 / 4) return false;
  fig.scrollIntoView({block: 'center', inline: 'nearest'}); return true; }"""

#: For every figure at once (one round trip to the browser, not several per figure): is its note
#: shown before it is asked for, and when the figure has keyboard focus?
#: Each figure is first brought to the middle of the screen; when that scrolled the page, the page is
#: given two frames to settle (the theme's header and its back-to-top button react to scrolling).
#: (Scrolling every figure to the middle and waiting two frames cost 3-4 s on a page of 92 figures.)
ON_FOCUS = f"""async (figs) => {{
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  const seen = [];
  for (const fig of figs) {{
    if (({TO_THE_MIDDLE})(fig)) {{ await frame(); await frame(); }}
    const unasked = ({NOTE_SHOWN})(fig);
    fig.focus();
    const onFocus = ({NOTE_SHOWN})(fig);
    fig.blur();
    seen.push({{unasked: unasked.shown, onFocus}});
  }}
  return seen;
}}"""

#: Bring a figure to the middle of the screen; where its first line is, for the mouse to go to.
POINT_AT = f"""(fig) => {{ ({TO_THE_MIDDLE})(fig);
  const box = fig.getClientRects()[0]; return {{x: box.left + box.width / 2, y: box.top + box.height / 2}}; }}"""

#: The colour and background of the first figure's note once that figure has keyboard focus; then
#: the focus leaves it (a focused figure would show its note to the checks that follow).
FIRST_NOTE_COLOURS = """(e) => { e.focus(); const s = getComputedStyle(document.getElementById(
  e.getAttribute('aria-describedby'))); const colours = [s.color, s.backgroundColor]; e.blur(); return colours; }"""


@dataclass
class SelfChecks:
    """What answering a page's self-check questions by keyboard showed."""

    questions: int = 0
    #: Per question answered: (chose the right answer, feedback) after each choice.
    choices: list[list[tuple[bool, str]]] = field(default_factory=list)
    #: axe's violations with the first question answered right and the second's first answer chosen.
    answered_violations: list[dict] | None = None
    failure: Exception | None = None


@dataclass
class FigureNotes:
    """What focusing, hovering and tabbing to a chapter's sourced figures showed."""

    count: int = 0
    focused: list[dict] = field(default_factory=list)  # per figure, at the laptop's width: ON_FOCUS
    hovered: list[dict] = field(default_factory=list)  # per figure, at the laptop's width: NOTE_SHOWN
    texts: list[str] = field(default_factory=list)  # per figure, its text (for messages)
    on_phone: list[dict] = field(default_factory=list)  # per figure, at the phone's width: ON_FOCUS
    phone_page_width: int = 0  # the page's scroll width at the phone's width before any focus
    failure: Exception | None = None


@dataclass
class FirstFigure:
    """The first chapter's checks of one figure: reached by Tab, and its note's colours."""

    tab_note: dict | None = None  # NOTE_SHOWN of the first figure Tab reached (None: none reached)
    note_colours: list[str] = field(default_factory=list)  # [colour, background] once focused
    failure: Exception | None = None


def answer_by_keyboard(page, fieldset, after_first_choice: Callable[[], None] | None = None) -> list[tuple[bool, str]]:
    """Tab into the question, Space on the first answer, then ArrowDown until the right one is
    chosen; return (chose the right answer, feedback) after each choice. ``after_first_choice`` runs
    once the first answer's feedback shows (the page then has this question answered, maybe wrongly)."""
    fieldset.evaluate("f => { f.tabIndex = -1; f.focus(); }")  # the starting point, not an answer
    page.keyboard.press("Tab")
    options = fieldset.locator(".self-check-option")
    feedback = fieldset.locator(".self-check-feedback")
    seen, key = [], "Space"
    for index in range(options.count()):
        right = options.nth(index).get_attribute("data-right") is not None
        page.keyboard.press(key)
        expect(options.nth(index).locator("input")).to_be_checked()
        expect(feedback).to_contain_text("Right." if right else "Not quite")
        seen.append((right, feedback.inner_text()))
        if index == 0 and after_first_choice is not None:
            after_first_choice()
        if right:
            return seen
        key = "ArrowDown"
    raise AssertionError("no answer was marked right")


def answer_questions(
    page, limit: int | None = None, when_answered: Callable[[], list[dict]] | None = None
) -> SelfChecks:
    """Answer the page's first ``limit`` questions (all when None) by keyboard, each from an empty
    feedback line; ``when_answered`` (an axe run) is called once the first question is answered
    right and the second has its first answer chosen, and its violations recorded."""
    found = SelfChecks()
    questions = page.locator("fieldset.self-check")
    found.questions = questions.count()

    def record_violations() -> None:
        found.answered_violations = when_answered()

    try:
        for number in range(found.questions if limit is None else min(limit, found.questions)):
            fieldset = questions.nth(number)
            expect(fieldset.locator(".self-check-feedback")).to_have_text("")
            hook = record_violations if number == 1 and when_answered is not None else None
            found.choices.append(answer_by_keyboard(page, fieldset, hook))
    except Exception as error:  # noqa: BLE001 - recorded; test_self_check_page raises it
        found.failure = error
    return found


def _hover_each(page, figures) -> list[dict]:
    """Move a real pointer over each figure in turn (``:hover`` is never set by a script) and read
    its note; the pointer leaves each figure before the next is scrolled to, so that a note does not
    cover it. (Scrolling to the next figure while the pointer still rests on this one lost a hover;
    so did going straight on to a figure the shown note had pushed down the page.)"""
    seen = []
    # Handles, found once: a locator finds its element again on every call (9 ms against 2 ms a call
    # on chapter 7's 92 figures; the pointer's moves, a frame each, are the rest).
    for fig in figures.element_handles():
        point = fig.evaluate(POINT_AT)
        page.mouse.move(point["x"], point["y"])
        seen.append(fig.evaluate(NOTE_SHOWN))
        page.mouse.move(0, 0)
    return seen


def focus_and_hover_figures(page) -> FigureNotes:
    """At the page's present (laptop) width: each figure's note before it is asked for, on keyboard
    focus and on hover."""
    found = FigureNotes()
    figures = page.locator(".phb-fig")
    try:
        found.count = figures.count()
        if found.count:
            found.focused = figures.evaluate_all(ON_FOCUS)
            found.hovered = _hover_each(page, figures)
            found.texts = figures.evaluate_all("figs => figs.map(f => f.innerText)")
    except Exception as error:  # noqa: BLE001 - recorded; test_figure_sources raises it
        found.failure = error
    return found


def focus_figures_on_phone(page, found: FigureNotes) -> None:
    """At the page's present (phone) width: where each figure's note lies when focused, and how wide
    the page was before (a note must not widen it)."""
    if found.failure is not None or not found.count:
        return
    try:
        found.phone_page_width = page.evaluate("() => document.documentElement.scrollWidth")
        found.on_phone = page.locator(".phb-fig").evaluate_all(ON_FOCUS)
    except Exception as error:  # noqa: BLE001 - recorded; test_figure_sources raises it
        found.failure = error


def reach_a_figure_by_tab(page) -> dict | None:
    """Start where a reader lands after the skip link (the main content), press Tab until a figure
    has focus; its note as NOTE_SHOWN sees it, or None after :data:`TAB_PRESSES` presses."""
    page.evaluate("() => { const main = document.querySelector('main'); main.tabIndex = -1; main.focus(); }")
    for _ in range(TAB_PRESSES):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('phb-fig')"):
            return page.evaluate(f"() => ({NOTE_SHOWN})(document.activeElement)")
    return None


def check_first_figure(page, by_tab: bool) -> FirstFigure:
    """The first chapter's single-figure checks: the Tab key reaches a figure (when ``by_tab``), and
    the colours of the first figure's note once focused."""
    found = FirstFigure()
    try:
        if by_tab:
            found.tab_note = reach_a_figure_by_tab(page)
        found.note_colours = page.locator(".phb-fig").first.evaluate(FIRST_NOTE_COLOURS)
    except Exception as error:  # noqa: BLE001 - recorded; test_figure_sources raises it
        found.failure = error
    return found
