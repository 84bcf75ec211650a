"""Self-check questions in the built book, answered with the keyboard only, in light and dark mode:
choosing an answer changes the feedback line, which says wrong for a wrong answer and right (with the
reason) for the right one; axe finds nothing on an answered page (in dark mode, in its questions)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from playwright.sync_api import expect
from test_figure_sources import open_chapter
from test_pages import open_page, run_axe

pytestmark = pytest.mark.browser

CHAPTERS = [f"chapters/{path.stem}.html" for path in sorted((ROOT / "chapters").glob("0[1-9]_*.ipynb"))]


def answer_by_keyboard(page, fieldset) -> list[tuple[bool, str]]:
    """Tab into the question, Space on the first answer, then ArrowDown until the right one is
    chosen; return (chose the right answer, feedback) after each choice."""
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
        if right:
            return seen
        key = "ArrowDown"
    raise AssertionError("no answer was marked right")


@pytest.mark.parametrize("path", CHAPTERS)
def test_each_question_answers_by_keyboard(browser, book_url: str, path: str) -> None:
    context, page = open_page(browser, f"{book_url}/{path}")
    try:
        questions = page.locator("fieldset.self-check")
        assert questions.count() >= 3, f"{path}: fewer than three self-check questions"
        for number in range(questions.count()):
            fieldset = questions.nth(number)
            expect(fieldset.locator(".self-check-feedback")).to_have_text("")
            seen = answer_by_keyboard(page, fieldset)
            assert seen[-1][0] and len(seen[-1][1]) > len("Right. "), "the right answer gives its reason"
            assert all("is not the answer" in text for right, text in seen[:-1])
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_answered_page_has_no_axe_violations(browser, book_url: str, theme: str) -> None:
    context, page = open_chapter(browser, f"{book_url}/{CHAPTERS[0]}", dark=theme == "dark")
    try:
        questions = page.locator("fieldset.self-check")
        answer_by_keyboard(page, questions.nth(0))  # one answered right
        fieldset = questions.nth(1)
        fieldset.evaluate("f => { f.tabIndex = -1; f.focus(); }")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # and one answered, perhaps wrongly
        expect(fieldset.locator(".self-check-feedback")).not_to_have_text("")
        # The whole page in light mode; in dark mode the questions (other parts of the page are
        # checked in dark mode by their own tests).
        violations = run_axe(page, within=None if theme == "light" else "fieldset.self-check")
        assert not violations, [(v["id"], v["nodes"]) for v in violations]
        page.screenshot(path=str(ROOT / "_build" / f"self-check-{theme}.png"), full_page=False)
    finally:
        context.close()
