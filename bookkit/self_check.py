"""Sphinx extension: self-check questions answered in the page, with no kernel and no other host.

A chapter writes a question as an admonition with the classes ``dropdown self-check``. Its title is
the question, its one bullet list the answers, the right answer (exactly one) written in bold, and
the paragraph after the list the one-line explanation::

    :::{admonition} Who agrees how a personal health budget is spent?
    :class: dropdown self-check
    - The clinician alone
    - **The person, with their care team, in a care plan**
    - Nobody: it comes with no plan

    The plan is agreed between the person and the NHS team ...
    :::

Why this form: JupyterLab (jupyterlab-myst) and GitHub render it as a closed fold, so a reader of
the live notebook sees the question but not the answer until they open it; myst-parser reads it as
an ordinary admonition. When a document has been read, :func:`build_self_checks` replaces each such
admonition by a ``<fieldset>`` of radio buttons with the question as its ``<legend>``, an
``aria-live`` feedback line and the explanation (hidden on screen, printed with the right answer
marked; ``static/self-check.css``). ``static/self-check.js`` (no library) says right or wrong as soon
as an answer is chosen, by mouse or keyboard (Tab to the group, arrows to choose). A question with no
right answer, two right answers, fewer than two answers or no explanation is a warning naming the
page, so the strict build fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The class that marks an admonition as a self-check question.
CLASS = "self-check"
STATIC = Path(__file__).parent / "static"


class MalformedQuestion(ValueError):
    """A self-check admonition that cannot become a question (says why)."""


class self_check(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A question: a legend, its options, a feedback line and an explanation."""


class self_check_legend(nodes.TextElement):  # noqa: N801
    """The question itself."""


class self_check_option(nodes.TextElement):  # noqa: N801
    """One answer; ``right`` is True for the right one."""


class self_check_explanation(nodes.General, nodes.Element):  # noqa: N801
    """Why the right answer is right (shown after a right answer, and in print)."""


# ---------------------------------------------------------------- reading: admonitions -> questions
def _option(item: nodes.list_item) -> tuple[list[nodes.Node], bool]:
    """The inline content of one answer and whether it is the right one (wholly in bold)."""
    paragraphs = [child for child in item.children if isinstance(child, nodes.paragraph)]
    if len(paragraphs) != 1 or len(item.children) != 1:
        raise MalformedQuestion("each answer must be one line of text")
    content = [
        child for child in paragraphs[0].children if not (isinstance(child, nodes.Text) and not child.astext().strip())
    ]
    right = len(content) == 1 and isinstance(content[0], nodes.strong)
    return (list(content[0].children) if right else list(paragraphs[0].children)), right


def parse_question(
    admonition: nodes.Element,
) -> tuple[nodes.Node, list[tuple[list[nodes.Node], bool]], list[nodes.Node]]:
    """(the question's title node, its answers, its explanation) from a self-check admonition.

    Raises :class:`MalformedQuestion` saying what is wrong.
    """
    title = admonition.next_node(nodes.title)
    if title is None or not title.astext().strip():
        raise MalformedQuestion("a self-check question needs its question as the admonition's title")
    body = [child for child in admonition.children if not isinstance(child, nodes.title)]
    lists = [child for child in body if isinstance(child, nodes.bullet_list)]
    if len(lists) != 1:
        raise MalformedQuestion(f"a self-check question needs one list of answers, found {len(lists)}")
    options = [_option(item) for item in lists[0].children]
    if len(options) < 2:
        raise MalformedQuestion("a self-check question needs at least two answers")
    rights = sum(right for _, right in options)
    if rights != 1:
        raise MalformedQuestion(f"a self-check question needs exactly one right answer (in bold), found {rights}")
    explanation = body[body.index(lists[0]) + 1 :]
    if not explanation:
        raise MalformedQuestion("a self-check question needs an explanation after its answers")
    return title, options, explanation


def question_node(admonition: nodes.Element, ident: str) -> self_check:
    """The interactive question that replaces ``admonition`` (raises :class:`MalformedQuestion`)."""
    title, options, explanation = parse_question(admonition)
    question = self_check(ids=[ident])
    question += self_check_legend("", "", *title.children)
    for index, (content, right) in enumerate(options):
        question += self_check_option("", "", *content, right=right, index=index, group=ident)
    question += self_check_explanation("", *explanation)
    return question


def build_self_checks(app: Any, doctree: nodes.document) -> None:
    """Replace each self-check admonition of the document just read by its interactive question;
    warn (naming the page and line) for one that is malformed."""
    docname = app.env.docname
    slug = re.sub(r"[^a-z0-9]+", "-", docname.lower()).strip("-")
    found = [
        node
        for node in doctree.findall(nodes.Element)
        if CLASS in node.get("classes", []) and isinstance(node, (nodes.admonition, nodes.container))
    ]
    for number, admonition in enumerate(found, start=1):
        try:
            admonition.replace_self(question_node(admonition, f"self-check-{slug}-{number}"))
        except MalformedQuestion as error:
            logger.warning(
                f"self-check question {number} in {docname}: {error}",
                location=admonition,
                type="self_check",
                subtype="malformed",
            )


# ---------------------------------------------------------------- reading Markdown (for the workshop quiz)
#: A self-check admonition in a chapter's Markdown: its title and its body.
ADMONITION = re.compile(
    r"^(?P<fence>:{3,})\{admonition\}[ \t]*(?P<title>[^\n]+)\n:class:[^\n]*\bself-check\b[^\n]*\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)


@dataclass(frozen=True)
class Question:
    """A self-check question as written: the question, its answers, which is right, and why."""

    title: str
    options: tuple[str, ...]
    right: int
    explanation: str


def questions_in(markdown: str) -> list[Question]:
    """The self-check questions written in ``markdown`` (a chapter's cell), in order; raises
    :class:`MalformedQuestion` for one without exactly one right (bold) answer or an explanation."""
    questions = []
    for match in ADMONITION.finditer(markdown):
        lines = [line.strip() for line in match["body"].strip().splitlines()]
        options = [line[2:].strip() for line in lines if line.startswith("- ")]
        rights = [i for i, option in enumerate(options) if re.fullmatch(r"\*\*.+\*\*", option)]
        explanation = " ".join(line for line in lines if line and not line.startswith("- "))
        if len(options) < 2 or len(rights) != 1 or not explanation:
            raise MalformedQuestion(
                f"self-check question {match['title']!r}: needs two or more answers, "
                f"exactly one in bold, and an explanation"
            )
        options[rights[0]] = options[rights[0]][2:-2]
        questions.append(Question(match["title"].strip(), tuple(options), rights[0], explanation))
    return questions


# ---------------------------------------------------------------- writing HTML
def visit_question(self: Any, node: self_check) -> None:
    self.body.append(f'<fieldset class="{CLASS}" id="{node["ids"][0]}">')


def depart_question(self: Any, node: self_check) -> None:
    self.body.append('<p class="self-check-feedback" aria-live="polite" role="status"></p></fieldset>')


def visit_legend(self: Any, node: self_check_legend) -> None:
    self.body.append("<legend>")


def depart_legend(self: Any, node: self_check_legend) -> None:
    self.body.append("</legend>")


def visit_option(self: Any, node: self_check_option) -> None:
    right = ' data-right=""' if node["right"] else ""
    self.body.append(
        f'<label class="self-check-option"{right}><input type="radio" '
        f'name="{node["group"]}" value="{node["index"]}"> <span>'
    )


def depart_option(self: Any, node: self_check_option) -> None:
    self.body.append("</span></label>")


def visit_explanation(self: Any, node: self_check_explanation) -> None:
    self.body.append('<div class="self-check-explanation" hidden>')


def depart_explanation(self: Any, node: self_check_explanation) -> None:
    self.body.append("</div>")


def _static_path(app: Any, config: Any) -> None:
    """Serve ``static/`` (the script and its CSS) with the book's own assets."""
    config.html_static_path.append(str(STATIC))


def setup(app: Any) -> dict[str, Any]:
    app.add_node(self_check, html=(visit_question, depart_question))
    app.add_node(self_check_legend, html=(visit_legend, depart_legend))
    app.add_node(self_check_option, html=(visit_option, depart_option))
    app.add_node(self_check_explanation, html=(visit_explanation, depart_explanation))
    app.connect("doctree-read", build_self_checks)
    app.connect("config-inited", _static_path)
    app.add_js_file("self-check.js", defer="defer")
    app.add_css_file("self-check.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
