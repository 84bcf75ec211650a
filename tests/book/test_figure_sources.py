"""Every figure in every chapter shows its source on keyboard focus and on hover, readably, on a phone too.

A page writes each distinct source note (``.phb-fig-source``, ``role="tooltip"``) once; a figure
(``.phb-fig``, focusable) names its note by ``aria-describedby``, book_assets/phb-figures.js moves the
note into the figure hovered or focused, and CSS shows it there; a tap focuses it. The tests find each
figure's note by its ``aria-describedby``, as a screen reader does.

The figures are focused and hovered during test_pages' one visit of the chapter in that colour mode
(tests/book/reader_steps.py, after the checks that need the page as loaded); these tests read what
that visit recorded. A step that failed in the browser is raised here, with its own message.
"""

from __future__ import annotations

import re

import pytest
from reader_steps import FIGURE_PAGES, FigureNotes, FirstFigure
from test_pages import recorded

pytestmark = pytest.mark.browser


def _without_failure(record: FigureNotes | FirstFigure) -> FigureNotes | FirstFigure:
    """The record, or the exception of the browser step that failed while recording it."""
    if record.failure is not None:
        raise record.failure
    return record


@pytest.mark.parametrize(("path", "mode"), [(p, "light") for p in FIGURE_PAGES])
def test_every_figure_shows_its_source_on_focus_and_hover_and_fits_a_phone(
    browser, book_url: str, path: str, mode: str
) -> None:
    """At 1366 px every figure's note shows on keyboard focus and on hover, and never unasked; then,
    the window narrowed to 390 px (as a phone turned), every note shown on focus lies inside the
    screen and makes the page no wider."""
    notes = _without_failure(recorded(browser, book_url, path, mode, "figure_notes"))
    assert notes.count > 0, f"{path}: no sourced figure on the page"
    unasked = [i for i, seen in enumerate(notes.focused) if seen["unasked"]]
    assert not unasked, f"{path}: figures whose notes show unasked: {unasked[:10]}"
    hidden = []
    for seen, on_hover, text in zip(notes.focused, notes.hovered, notes.texts, strict=True):
        on_focus = seen["onFocus"]
        if not (on_focus["shown"] and on_hover["shown"] and on_focus["text"].strip()):
            hidden.append(f"{text!r} (focus {on_focus['shown']}, hover {on_hover['shown']})")
    assert not hidden, f"{path}: figures whose source does not show: {hidden[:10]}"

    outside = []
    for seen in notes.on_phone:
        seen = seen["onFocus"]
        if seen["left"] < 0 or seen["right"] > seen["viewport"] or seen["pageWidth"] > notes.phone_page_width:
            outside.append(f"{seen['text'][:60]!r}: {seen['left']:.0f}–{seen['right']:.0f} px")
    assert not outside, f"{path}: notes outside a 390 px screen: {outside[:10]}"


@pytest.mark.parametrize(("path", "mode"), [(FIGURE_PAGES[0], "light")])
def test_figures_are_reached_with_the_tab_key(browser, book_url: str, path: str, mode: str) -> None:
    note = _without_failure(recorded(browser, book_url, path, mode, "first_figure")).tab_note
    if note is None:
        pytest.fail(f"{path}: 300 presses of Tab never reached a figure")
    assert note["shown"]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("path", "mode"), [(FIGURE_PAGES[0], "light"), (FIGURE_PAGES[0], "dark")])
def test_source_notes_are_readable_in_light_and_dark_mode(browser, book_url: str, path: str, mode: str) -> None:
    colours = _without_failure(recorded(browser, book_url, path, mode, "first_figure")).note_colours
    dark = mode == "dark"
    assert contrast(*colours) >= 7, f"note colours {colours} (dark={dark}) contrast under 7:1"
