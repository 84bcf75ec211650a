"""Self-check questions in the built book, answered with the keyboard only, in light and dark mode:
choosing an answer changes the feedback line, which says wrong for a wrong answer and right (with the
reason) for the right one; axe finds nothing on an answered page (in dark mode, in its questions).

The questions are answered during test_pages' one visit of the chapter in that colour mode
(tests/book/reader_steps.py, after the checks that need the page as loaded); these tests read what
that visit recorded. A step that failed in the browser (an ``expect`` that timed out) is raised here.
"""

from __future__ import annotations

import pytest
from reader_steps import SELF_CHECK_PAGES, SelfChecks
from test_pages import MODES, recorded

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("path", "mode"), [(p, "light") for p in SELF_CHECK_PAGES])
def test_each_question_answers_by_keyboard(browser, book_url: str, path: str, mode: str) -> None:
    found: SelfChecks = recorded(browser, book_url, path, mode, "self_checks")
    assert found.questions >= 3, f"{path}: fewer than three self-check questions"
    for seen in found.choices:
        assert seen[-1][0] and len(seen[-1][1]) > len("Right. "), "the right answer gives its reason"
        assert all("is not the answer" in text for right, text in seen[:-1])
    if found.failure is not None:
        raise found.failure


@pytest.mark.parametrize(("path", "mode"), [(SELF_CHECK_PAGES[0], m) for m in MODES])
def test_an_answered_page_has_no_axe_violations(browser, book_url: str, path: str, mode: str) -> None:
    found: SelfChecks = recorded(browser, book_url, path, mode, "self_checks")
    if found.answered_violations is None:
        raise found.failure or AssertionError(f"{path}: fewer than two questions to answer")
    violations = found.answered_violations
    assert not violations, [(v["id"], v["nodes"]) for v in violations]
