"""Self-check questions (bookkit.self_check): a small book with good and malformed questions is built;
the good ones become fieldsets of radio buttons with a legend and an aria-live line, the malformed
ones are warnings naming the page (so the strict build fails)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]


def question(title: str, options: list[str], why: str = "Because the chapter says so.") -> str:
    """A self-check admonition as a chapter writes it (a right answer is given in bold)."""
    lines = "\n".join(f"- {option}" for option in options)
    return f":::{{admonition}} {title}\n:class: dropdown self-check\n\n{lines}\n\n{why}\n:::\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, build_small_book) -> tuple[Path, str]:
    """A small book built to HTML with the extension, and every warning the build gave."""
    src = tmp_path_factory.mktemp("book")
    # myst_nb, as in the book (a Sphinx app built earlier in the same session with myst_nb leaves
    # ".md" mapped to its parser, so a myst_parser-only app would not find it).
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "bookkit.self_check"]\nnb_execution_mode = "off"\n'
        'myst_enable_extensions = ["colon_fence"]\nexclude_patterns = ["_build"]\n'
    )
    (src / "index.md").write_text("# Book\n\n```{toctree}\ngood\nnone_right\ntwo_right\nno_why\n```\n")
    (src / "good.md").write_text(
        "# Good\n\n"
        + question("Which is right?", ["Wrong", "**Right**", "Also wrong"])
        + "\n"
        + question("And here?", ["**Yes**", "No"], "One line why.")
    )
    (src / "none_right.md").write_text("# None\n\n" + question("Which?", ["A", "B"]))
    (src / "two_right.md").write_text("# Two\n\n" + question("Which?", ["**A**", "**B**"]))
    (src / "no_why.md").write_text("# No why\n\n" + question("Which?", ["**A**", "B"], why=""))
    return build_small_book(src)


def warnings_about(book: tuple[Path, str], name: str) -> list[str]:
    return [line for line in book[1].splitlines() if f"{name}.md" in line and "WARNING" in line]


def test_a_question_becomes_a_fieldset_with_legend_radios_and_a_live_feedback_line(book) -> None:
    html = (book[0] / "good.html").read_text(encoding="utf-8")
    assert warnings_about(book, "good") == []
    fieldsets = re.findall(r'<fieldset class="self-check" id="([^"]+)">(.*?)</fieldset>', html, re.S)
    assert [ident for ident, _ in fieldsets] == ["self-check-good-1", "self-check-good-2"]
    first = fieldsets[0][1]
    assert re.search(r"<legend>.*Which is right\?.*</legend>", first, re.S)
    radios = re.findall(r'<input type="radio" name="self-check-good-1" value="(\d)">', first)
    assert radios == ["0", "1", "2"]
    assert re.findall(r'<label class="self-check-option"( data-right="")?>', first) == ["", ' data-right=""', ""]
    assert 'aria-live="polite"' in first and 'class="self-check-feedback"' in first
    assert re.search(r'<div class="self-check-explanation" hidden>.*Because the chapter says so', first, re.S)
    assert "admonition" not in first, "the admonition is replaced, not kept beside the question"


def test_the_page_loads_the_books_own_script_and_css(book) -> None:
    html = (book[0] / "good.html").read_text(encoding="utf-8")
    assert re.search(r'<script defer="defer" src="_static/self-check.js', html)
    assert 'href="_static/self-check.css' in html
    assert (book[0] / "_static" / "self-check.js").is_file()


@pytest.mark.parametrize(
    "name, why",
    [
        ("none_right", "exactly one right answer (in bold), found 0"),
        ("two_right", "exactly one right answer (in bold), found 2"),
        ("no_why", "needs an explanation"),
    ],
)
def test_a_malformed_question_is_a_warning_naming_the_page(book, name: str, why: str) -> None:
    warned = warnings_about(book, name)
    assert len(warned) == 1 and why in warned[0] and f"self-check question 1 in {name}" in warned[0]


def test_every_chapter_has_at_least_three_questions_in_a_tagged_cell() -> None:
    for path in sorted((ROOT / "chapters").glob("0[1-9]_*.ipynb")):
        cells = [c for c in nbformat.read(path, as_version=4).cells if "self-check" in c.metadata.get("tags", [])]
        assert len(cells) == 1 and cells[0].cell_type == "markdown", path.name
        assert cells[0].source.count(":class: dropdown self-check") >= 3, path.name


def test_the_workshop_quiz_collects_every_question_with_the_answers_at_the_end() -> None:
    from bookkit.workshop import chapter_notebooks, quiz_markdown

    quiz = quiz_markdown(chapter_notebooks(ROOT))
    questions, answers = quiz.split("## Answers")
    assert questions.count("- A. ") >= 28
    assert not re.search(r"^- [A-Z]\. .*\*\*", questions, re.M), "no answer is marked among the questions"
    assert len(re.findall(r"^\d+\. \*\*[A-Z]\*\* \(", answers, re.M)) == questions.count("- A. ")
    assert "## What is a personal health budget?" in questions and "## The NHS Confederation series" in questions


def test_the_quiz_refuses_a_malformed_question() -> None:
    from bookkit.self_check import MalformedQuestion, questions_in

    assert questions_in(question("Q?", ["**Yes**", "No"]))[0].right == 0
    with pytest.raises(MalformedQuestion, match="exactly one in bold"):
        questions_in(question("Q?", ["**Yes**", "**No**"]))
