"""Self-check questions in a live JupyterLab (jupyterlab-myst): each shows its question in a closed
fold, so the answers, and the right one in bold, are not seen at a glance; opening it shows them."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "chapters/01_what_is_a_phb.ipynb"

pytestmark = pytest.mark.live


def _first_question() -> tuple[str, str]:
    """The first self-check question of the chapter, and the text of its right answer."""
    from bookkit.self_check import questions_in

    cells = nbformat.read(ROOT / CHAPTER, as_version=4).cells
    question = next(q for c in cells if "self-check" in c.metadata.get("tags", []) for q in questions_in(c.source))
    return question.title, question.options[question.right]


def test_questions_are_closed_until_opened(lab_session) -> None:
    with lab_session.notebook(CHAPTER) as (page, _):
        title, right = _first_question()
        fold = page.locator("details.self-check", has_text=title).first  # jupyterlab-myst's rendering
        summary = fold.locator("summary")
        summary.scroll_into_view_if_needed()
        assert summary.is_visible() and not fold.evaluate("d => d.open"), "the question shows, closed"
        answer = fold.locator(
            "strong", has_text=re.compile(re.escape(right[:20]))
        )  # before any quote mark (rendered curly)
        assert not answer.is_visible(), "the right answer is hidden until the question is opened"
        page.screenshot(path=str(ROOT / "_build" / "self-check-jupyterlab-closed.png"))
        summary.click()
        answer.wait_for(state="visible")
        page.screenshot(path=str(ROOT / "_build" / "self-check-jupyterlab-open.png"))
