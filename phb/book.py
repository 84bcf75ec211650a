"""Publishing helpers for chapters: glue computed values into prose.

The book's rule is that no figure in the prose is unchecked. A figure from a source is named in the
prose itself, ``[more than 80%](fig:poet2014_holders_better)``, and the book build checks its text
against ``data/figures.csv`` (see ``bookkit``). A value the chapter computes is glued here
(:func:`glue_value`, :func:`glue_text`) and quoted as ``[273](glue:name)``; nbval checks the glued
output, the build checks that the prose quotes it exactly. :func:`glue_figures` is the older way of
quoting figures (``{glue}`id```); ``python -m bookkit.figures convert`` replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Inline:
    """A value glued as plain inline text: ``repr`` gives the text without quotes."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def glue_text(name: str, text: str) -> None:
    """Glue ``text`` under ``name`` for ``{glue}`name``` in prose, without displaying it here."""
    from myst_nb import glue

    glue(name, Inline(text), display=False)


def glue_value(name: str, value: Any, fmt: str = "{:,}") -> None:
    """Glue a computed value (a model result, a count of rows) formatted with ``fmt``."""
    glue_text(name, fmt.format(value))


def glue_figures(ids: Iterable[str]) -> dict[str, str]:
    """Glue each figure of ``data/figures.csv`` under its own id, as prose text ("more than 80%").

    Returns the texts, so a notebook run outside the book can print what it glued.
    """
    from phb.data import figure

    texts = {}
    for figure_id in ids:
        texts[figure_id] = figure(figure_id).text
        glue_text(figure_id, texts[figure_id])
    return texts
