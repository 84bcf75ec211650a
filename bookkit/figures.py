"""Figures named once in the prose, as links that read as numbers everywhere.

A sourced figure is written ``[more than 80%](fig:poet2014_holders_better)``: the link text is the
figure as ``phb.data.figure(id).text`` gives it, so the prose reads as prose in JupyterLab, GitHub,
Colab or VS Code, and the book's Sphinx extension (:mod:`bookkit.sphinx_ext`) checks the text against
``data/`` and shows the figure's source in the page. A result the notebook computes and glues
(``glue_value``/``glue_text``) is written ``[273](glue:up_holders)``: its text must equal the glued
text stored in the same notebook, which nbval keeps checking.

The command line keeps the links in step::

    python -m bookkit.figures convert chapters/*.ipynb   # {glue}`id` roles -> links; drop glue_figures
    python -m bookkit.figures sync chapters/*.ipynb      # rewrite link texts to the current data/glue
    python -m bookkit.figures check chapters/*.ipynb     # list mismatches; exit 1 if any

``convert`` and ``sync`` are idempotent: running them twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIBLIOGRAPHY = ROOT / "references.bib"

#: ``[text](fig:id)`` or ``[text](glue:key)``; the text may hold backslash escapes.
LINK = re.compile(r"\[(?P<text>(?:\\.|[^\\\]\[])*)\]\((?P<kind>fig|glue):(?P<key>[A-Za-z0-9_]+)\)")
#: The old way of naming a figure: myst-nb's ``{glue}`key``` role.
GLUE_ROLE = re.compile(r"\{glue\}`(?P<key>[^`]+)`")
#: A ``glue_figures([...])`` statement in a code cell, with an optional assignment in front.
GLUE_FIGURES_CALL = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<target>\w+)\s*=\s*)?glue_figures\(\s*\[(?P<ids>[^\]]*)\]\s*,?\s*\)[ \t]*\n?",
    re.MULTILINE,
)
#: Characters that would change meaning in markdown link text (and are escaped there).
MARKDOWN_SPECIAL = re.compile(r"([\\\[\]*_`$<>~|])")
#: What a ``glue:`` value's source note says: it is not from a source but from the chapter's code.
COMPUTED = "computed in this chapter"
COMPUTED_NOTE = f"{COMPUTED} by its code (the executed notebook; nbval checks it)"


def escape_text(text: str) -> str:
    """``text`` as markdown link text that renders as exactly ``text``."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def unescape_text(text: str) -> str:
    """The text a reader sees for markdown link text ``text`` (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", text)


def figure_texts() -> dict[str, str]:
    """Every figure of ``data/figures.csv``, by id, as prose text ("more than 80%")."""
    from phb.data import figure, figure_ids

    return {figure_id: figure(figure_id).text for figure_id in figure_ids()}


@lru_cache(maxsize=4)
def _bibliography(text: str) -> dict[str, str]:
    """Each entry of a BibTeX text as an author–year label: "In Control 2014", "Jones et al. 2013"."""
    from pybtex.database import parse_string

    labels = {}
    for key, entry in parse_string(text, "bibtex").entries.items():
        names = [
            " ".join(person.last_names or person.first_names).replace("{", "").replace("}", "")
            for person in entry.persons.get("author", [])
        ]
        if "others" in names:  # BibTeX's "and others"
            names = names[: names.index("others")] + ["", ""]
        who = names[0] + " et al." if len(names) > 2 else " and ".join(names) or key
        labels[key] = f"{who} {entry.fields.get('year', 'n.d.')}"
    return labels


def citation_label(source_id: str, bibliography: Path = BIBLIOGRAPHY) -> str:
    """The author–year label of a source ("In Control 2014"), or its key if the bibliography lacks it."""
    return _bibliography(bibliography.read_text(encoding="utf-8")).get(source_id, source_id)


def source_note(fig: Any, bibliography: Path = BIBLIOGRAPHY) -> str:
    """What a reader sees about where a figure comes from: the source's own words (quoted), or how a
    derived figure was derived, then the citation and the locator. Without a quote: the citation, the
    locator and the note."""
    where = f"{citation_label(fig.source_id, bibliography)}, {fig.locator}"
    quote = fig.quote  # data/figures.csv gains a quote column on another branch
    if quote:
        return f"“{quote}” — {where}"
    if fig.derived:
        return f"derived: {fig.note} — {where}"
    return f"{where}. {fig.note}" if fig.note else where


# ---------------------------------------------------------------- notebooks and markdown files


@dataclass(frozen=True)
class Problem:
    """A link (or old role) whose text is not what data/ or the notebook's glue gives."""

    path: str
    cell: int | None
    kind: str
    key: str
    shown: str | None
    expected: str | None

    def __str__(self) -> str:
        where = f"{self.path}" + (f" cell {self.cell}" if self.cell is not None else "")
        if self.expected is None:
            what = (
                "no figure with this id in data/figures.csv"
                if self.kind == "fig"
                else "this notebook glues no value under this name (run make execute?)"
            )
            return f"{where}: {self.kind}:{self.key}: {what}"
        return f"{where}: {self.kind}:{self.key}: the text says {self.shown!r}, it should say {self.expected!r}"


@dataclass
class Document:
    """A notebook (its markdown and code cells) or a markdown file, and the values it glued."""

    path: Path
    notebook: Any
    glued: dict[str, str]
    changed: bool = False

    @classmethod
    def read(cls, path: Path) -> Document:
        if path.suffix != ".ipynb":
            return cls(path, None, {})
        import nbformat

        from bookkit.notebooks import glued_values

        return cls(path, nbformat.read(path, as_version=4), glued_values(path))

    def cells(self, cell_type: str) -> list[tuple[int | None, str]]:
        """(index, source) of each cell of ``cell_type``; a markdown file is one markdown cell."""
        if self.notebook is None:
            return [(None, self.path.read_text(encoding="utf-8"))] if cell_type == "markdown" else []
        return [(i, c.source) for i, c in enumerate(self.notebook.cells) if c.cell_type == cell_type]

    def set_source(self, index: int | None, source: str) -> None:
        self.changed = True
        if self.notebook is None:
            self.path.write_text(source, encoding="utf-8")
        else:
            self.notebook.cells[index].source = source

    def write(self) -> None:
        """Store the notebook if a cell changed (a markdown file is written as it changes)."""
        if self.notebook is not None and self.changed:
            import nbformat

            nbformat.write(self.notebook, self.path)


def expected_text(kind: str, key: str, figures: dict[str, str], glued: dict[str, str]) -> str | None:
    """What a ``kind:key`` link must say, or None if the id or name is unknown."""
    return figures.get(key) if kind == "fig" else glued.get(key)


def convert_markdown(text: str, figures: dict[str, str], glued: dict[str, str]) -> tuple[str, list[str]]:
    """Replace every ``{glue}`key``` by a figure link (a figure in data/) or a glue link (a glued
    value); returns the new text and the keys that are neither (left as they were)."""
    unknown: list[str] = []

    def link(match: re.Match[str]) -> str:
        key = match["key"]
        if key in figures:
            return f"[{escape_text(figures[key])}](fig:{key})"
        if key in glued and "\n" not in glued[key]:
            return f"[{escape_text(glued[key])}](glue:{key})"
        unknown.append(key)
        return match[0]

    return GLUE_ROLE.sub(link, text), unknown


def drop_figure_glue(code: str, figures: dict[str, str]) -> str:
    """Remove figure ids from ``glue_figures([...])`` calls (the prose names figures itself now);
    drop a call left empty, and its import. Glue of computed values is kept."""

    def rewrite(match: re.Match[str]) -> str:
        kept = [i for i in ast.literal_eval(f"[{match['ids']}]") if i not in figures]
        if not kept:
            return ""
        target = f"{match['target']} = " if match["target"] else ""
        return f"{match['indent']}{target}glue_figures({kept!r})\n"

    new = GLUE_FIGURES_CALL.sub(rewrite, code)
    if "glue_figures(" not in new:
        new = _drop_import(new, "glue_figures")
    return new if code.endswith("\n") else new.rstrip("\n")


def _drop_import(code: str, name: str) -> str:
    """Remove ``name`` from a ``from x import a, name`` line (the whole line if it was the only name)."""

    def rewrite(match: re.Match[str]) -> str:
        names = [n.strip() for n in match["names"].split(",") if n.strip() != name]
        return f"from {match['module']} import {', '.join(names)}\n" if names else ""

    return re.sub(
        rf"^from (?P<module>[\w.]+) import (?P<names>[^\n(]*\b{name}\b[^\n]*)\n", rewrite, code, flags=re.MULTILINE
    )


def sync_markdown(text: str, figures: dict[str, str], glued: dict[str, str]) -> str:
    """Rewrite each link's text to what data/ or the glue gives now (unknown keys stay as they are)."""

    def relink(match: re.Match[str]) -> str:
        expected = expected_text(match["kind"], match["key"], figures, glued)
        if expected is None or unescape_text(match["text"]) == expected:
            return match[0]
        return f"[{escape_text(expected)}]({match['kind']}:{match['key']})"

    return LINK.sub(relink, text)


def problems_in(document: Document, figures: dict[str, str]) -> list[Problem]:
    """Every link whose id is unknown or whose text differs, and every ``{glue}`` role left."""
    found = []
    for index, source in document.cells("markdown"):
        for match in LINK.finditer(source):
            shown = unescape_text(match["text"])
            expected = expected_text(match["kind"], match["key"], figures, document.glued)
            if expected != shown:
                found.append(Problem(str(document.path), index, match["kind"], match["key"], shown, expected))
        for match in GLUE_ROLE.finditer(source):
            found.append(
                Problem(
                    str(document.path),
                    index,
                    "{glue}",
                    match["key"],
                    match[0],
                    "a [text](fig:id) or [text](glue:key) link: run convert",
                )
            )
    return found


def convert(path: Path, figures: dict[str, str]) -> list[str]:
    """Convert one notebook or markdown file in place; returns what could not be converted."""
    document = Document.read(path)
    unknown = []
    for index, source in document.cells("markdown"):
        new, missing = convert_markdown(source, figures, document.glued)
        unknown += [
            f"{path} cell {index}: {{glue}}`{key}` is neither a figure in data/figures.csv nor "
            "a one-line value this notebook glued (run make execute first?)"
            for key in missing
        ]
        if new != source:
            document.set_source(index, new)
    for index, source in document.cells("code"):
        new = drop_figure_glue(source, figures)
        if new != source:
            document.set_source(index, new)
    document.write()
    return unknown


def sync(path: Path, figures: dict[str, str]) -> list[str]:
    """Rewrite one file's link texts to the current data/glue; returns links whose key is unknown."""
    document = Document.read(path)
    for index, source in document.cells("markdown"):
        new = sync_markdown(source, figures, document.glued)
        if new != source:
            document.set_source(index, new)
    document.write()
    return [str(p) for p in problems_in(Document.read(path), figures)]


def check(path: Path, figures: dict[str, str]) -> list[str]:
    """Every mismatch in one file, as a line of text."""
    return [str(p) for p in problems_in(Document.read(path), figures)]


COMMANDS: dict[str, Callable[[Path, dict[str, str]], list[str]]] = {
    "convert": convert,
    "sync": sync,
    "check": check,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bookkit.figures",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command",
        choices=sorted(COMMANDS),
        help="convert: {glue} roles to links; sync: link texts to data/glue; check: list mismatches",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks (.ipynb) or markdown files (.md)")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.is_file()]
    if missing:
        print(f"bookkit.figures: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    figures = figure_texts()
    problems = [line for path in args.paths for line in COMMANDS[args.command](path, figures)]
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(
            f"bookkit.figures {args.command}: {len(problems)} problem(s) in {len(args.paths)} file(s)", file=sys.stderr
        )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
