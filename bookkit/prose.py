"""Citations, glossary terms and chapter links written so that they read well everywhere.

A chapter is read in two places: the published book (Sphinx, where ``{cite}`` and ``{term}`` roles
make citations and glossary links) and a live notebook (JupyterLab with jupyterlab-myst, Notebook 7,
VS Code, GitHub), where those roles show citation keys run together or raise "cross reference target
was not found". So chapters write them as ordinary Markdown links, which every renderer reads as text:

=================================================  ===============================================
in the chapter's Markdown                          in the book
=================================================  ===============================================
``[Alakeson et al. 2016](cite:alakeson2016debating)``  ``{cite}`alakeson2016debating```
``[Jones et al. 2013; BMJ 2012](cite:jones2013phb,bmj2012phbeval)``  ``{cite}`jones2013phb,bmj2012phbeval```
``[budget holders](<term:budget holder>)``           ``{term}`budget holders <budget holder>```
``[What people said](04_users_and_carers.ipynb)``    a link to that chapter (MyST does this itself)
=================================================  ===============================================

The book turns the links back into roles before parsing (:func:`source_read`), so sphinxcontrib-bibtex
and the glossary work as before, and a strict build still fails on an unknown key or term. The link
text of a citation must name the year of every key it cites (checked, with a warning).

``python -m bookkit.prose convert NOTEBOOK...`` rewrites the roles of older prose into links.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIBLIOGRAPHY = ROOT / "references.bib"

#: ``[text](cite:key1,key2)`` and ``[text](<term:a term>)`` (angle brackets allow spaces).
LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\(<?(?P<kind>cite|term):(?P<target>[^)>\n]+)>?\)")
ROLE = re.compile(r"\{(?P<kind>cite|term|doc)(?::[a-z]+)?\}`(?P<body>[^`]+)`")
LABELLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$")


# ------------------------------------------------------------------------------ links -> roles
def to_roles(text: str, warn: Callable[[str], None] | None = None) -> str:
    """Rewrite citation and term links into the roles Sphinx understands (the book's view)."""

    def replace(match: re.Match[str]) -> str:
        label, kind, target = match["text"], match["kind"], match["target"].strip()
        if kind == "cite":
            keys = [key.strip() for key in target.split(",") if key.strip()]
            if warn is not None:
                for key in keys:
                    year = citation_year(key)
                    if year and year not in label:
                        warn(f"citation link [{label}] cites {key} ({year}) but does not name its year")
            return "{cite}`" + ",".join(keys) + "`"
        return "{term}`" + (target if label == target else f"{label} <{target}>") + "`"

    return LINK.sub(replace, text)


def source_read(app: Any, docname: str, source: list[str]) -> None:
    """Sphinx ``source-read`` hook: a notebook's JSON or a Markdown page, links made roles."""
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    source[0] = to_roles(source[0], warn=lambda message: logger.warning(message, location=docname))


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", source_read)
    register_citation_backend()
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ------------------------------------------------------------------------------ the bibliography
def register_citation_backend() -> None:
    """Look pybtex's plain-text backend up once and register it with pybtex by name.

    Why: sphinxcontrib-bibtex asks pybtex for that backend for every citation it resolves, and
    pybtex finds a plugin by scanning the entry points of every installed package (about 30 ms
    each time here): the one-page build (the PDF's), which resolves all 324 citations of the book
    at once, spent about 3 s of its 11 s on it. pybtex checks plugins registered at run time
    first; this one is the class the entry point names, so nothing else changes."""
    from pybtex.plugin import find_plugin, register_plugin

    register_plugin("pybtex.backends", "plaintext", find_plugin("pybtex.backends", "plaintext"), force=True)


@lru_cache(maxsize=1)
def _entries() -> dict[str, tuple[str, str]]:
    """Each reference key's short author label and year ("Alakeson et al.", "2016")."""
    from pybtex.database import parse_file

    entries = {}
    for key, entry in parse_file(str(BIBLIOGRAPHY)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [
            " ".join(person.last_names).strip("{}") for person in people if " ".join(person.last_names) != "others"
        ]
        if not names:
            author = entry.fields.get("organization", key)
        elif len(people) > 2 or len(names) < len(people):
            author = f"{names[0]} et al."
        else:
            author = " and ".join(names)
        entries[key] = (author, entry.fields.get("year", ""))
    return entries


def citation_year(key: str) -> str:
    """The year a reference gives, or "" (unknown keys are reported by the bibliography itself)."""
    return _entries().get(key, ("", ""))[1]


def citation_label(keys: Iterable[str]) -> str:
    """The readable text of a citation link: "Jones et al. 2013; BMJ 2012"."""
    labels = []
    for key in keys:
        author, year = _entries().get(key, (key, ""))
        labels.append(f"{author} {year or 'n.d.'}")
    return "; ".join(labels)


# ------------------------------------------------------------------------------ roles -> links
def _doc_title(path: Path) -> str:
    """A chapter's or page's first heading, the text a link to it shows."""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    heading = re.search(r"^#\s+(.+)$", text, flags=re.M)
    return heading.group(1).strip() if heading else path.stem


def _doc_link(body: str, folder: Path) -> str:
    labelled = LABELLED.match(body)
    label, target = (labelled["text"], labelled["target"]) if labelled else (None, body)
    for suffix in (".ipynb", ".md"):
        path = (folder / target).with_suffix(suffix)
        if path.exists():
            return f"[{label or _doc_title(path)}]({target}{suffix})"
    raise ValueError(f"{{doc}}`{body}`: no notebook or page {target} beside {folder}")


def to_links(text: str, folder: Path) -> str:
    """Rewrite ``{cite}``, ``{term}`` and ``{doc}`` roles into links that read well anywhere."""

    def replace(match: re.Match[str]) -> str:
        kind, body = match["kind"], " ".join(match["body"].split())  # a role may wrap a line
        if kind == "cite":
            keys = [key.strip() for key in body.split(",")]
            return f"[{citation_label(keys)}](cite:{','.join(keys)})"
        if kind == "term":
            labelled = LABELLED.match(body)
            label, term = (labelled["text"], labelled["target"]) if labelled else (body, body)
            return f"[{label}](<term:{term}>)" if " " in term else f"[{label}](term:{term})"
        return _doc_link(body, folder)

    return ROLE.sub(replace, text)


def convert(paths: Iterable[Path]) -> list[Path]:
    """Rewrite the roles in every Markdown cell of ``paths``; return the notebooks that changed."""
    changed = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        touched = False
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                new = to_links(cell.source, path.parent)
                touched |= new != cell.source
                cell.source = new
        if touched:
            nbformat.write(notebook, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bookkit.prose", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    conv = sub.add_parser("convert", help="rewrite {cite}, {term} and {doc} roles in notebooks as links")
    conv.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in convert(args.notebooks):
        print(f"converted {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
