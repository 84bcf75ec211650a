"""Sphinx extension: every figure in the prose carries its source, and the build checks its text.

The prose names a figure once, as a link whose text is the figure (see :mod:`bookkit.figures`):
``[more than 80%](fig:poet2014_holders_better)`` for a figure of ``data/figures.csv`` and
``[273](glue:up_holders)`` for a value the notebook computed and glued. myst-parser turns a link with an
unknown scheme into a ``pending_xref`` (reftype ``myst``) that Sphinx would later fail to resolve; when
a document has been read, this extension replaces each such link by a :class:`sourced_figure`:

- an unknown id, or a text that differs from ``data/`` (or from the value the same notebook glued), is
  a warning naming the document, the line and both texts, so the strict build (``-W``) fails;
- in HTML the number becomes a focusable span described (``aria-describedby``) by its source note:
  the source's own words, or how a derived figure was derived, then the citation and the locator.
  A page writes each distinct note once, in a list at its end (a chapter names the same source, or
  the same computing cell, many times: issue 18, every page at most 100 KB), and its figures have short
  ids (``f11``, notes ``n3``); book_assets/phb-figures.js moves a note into the figure that is hovered
  or focused, where book.css shows it as a tooltip. The one-page build (singlehtml, for the PDF) keeps
  each note in its figure, where print shows it after the number in small type.

The directive ``{figures-index}`` writes the figures index: every figure with its value, source,
locator and words, and links to each use the extension recorded (figures no page uses say so).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from bookkit.figures import BIBLIOGRAPHY, COMPUTED, COMPUTED_NOTE, citation_label, source_note
from bookkit.vega_mime import ONE_PAGE_BUILDER

logger = logging.getLogger(__name__)

#: The link schemes this extension resolves.
KINDS = ("fig", "glue")


class sourced_figure(nodes.inline):  # noqa: N801 (docutils names nodes in lower case)
    """A figure in the prose: its text (the child) and its source note (``note``)."""


class figure_notes(nodes.General, nodes.Element):  # noqa: N801
    """The distinct source notes of a document (``notes``, in order of first use), written once."""


class figures_index(nodes.General, nodes.Element):  # noqa: N801
    """Where the figures index goes; filled in once every document has been read."""


# ---------------------------------------------------------------- reading: links -> sourced figures


def _glued(app: Any, docname: str) -> dict[str, str]:
    """The values the notebook ``docname`` glued in this build (myst-nb writes them beside the
    executed notebook and lists their names in the environment), as text."""
    from myst_nb.sphinx_ import NbMetadataCollector

    names = NbMetadataCollector.get_doc_data(app.env).get(docname, {}).get("glue", [])
    path = Path(app.env.mystnb_config.output_folder, *f"{docname}.glue.json".split("/"))
    if not names or not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: str(data[name]["data"].get("text/plain", "")) for name in names if name in data}


def glue_origins(path: Path) -> dict[str, str]:
    """For each value a notebook glued, what computed it: "computed in this chapter by code cell 4,
    which calls phb.models.uptake, phb.prose.uptake_numbers" — the glueing cell's index (from 0) and
    the ``phb`` modules and functions it calls (the chart theme and the glue helpers compute nothing)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    imports = re.findall(
        r"^from (phb[\w.]*) import (\([^)]*\)|[\w ,]+)$",
        "\n".join(c.source for c in notebook.cells if c.cell_type == "code"),
        re.MULTILINE,
    )
    origins_of = {
        (alias or name): f"{module}.{name}"
        for module, names in imports
        for name, alias in re.findall(r"(\w+)(?: as (\w+))?", names.strip("()"))
        if module != "phb.book" and f"{module}.{name}" != "phb.charts.theme"
    }
    origins = {}
    for index, cell in enumerate(notebook.cells):
        names = [
            o.metadata["scrapbook"]["name"]
            for o in cell.get("outputs", [])
            if o.get("metadata", {}).get("scrapbook", {}).get("name")
        ]
        used = sorted({origins_of[a] for a in re.findall(r"\b(\w+)(?:\.\w+)?\(", cell.source) if a in origins_of})
        how = f"{COMPUTED} by code cell {index}" + (f", which calls {', '.join(used)}" if used else "")
        origins.update({name: f"{how} (nbval checks the result)" for name in names})
    return origins


def _where(node: nodes.Node) -> str:
    """ " (cell N)" for a line of a notebook: myst-nb numbers lines (cell index + 1) × 10000 + line."""
    line = node.line or 0
    in_notebook = str(node.source).endswith(".ipynb") and line >= 10000
    return f" (cell {line // 10000 - 1}, counting from 0)" if in_notebook else ""


def _slug(docname: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", docname.lower()).strip("-")


def figure_anchor(builder_name: str, docname: str, number: int) -> str:
    """The HTML id of the ``number``-th figure (from 1) of ``docname``: short (``f11``), unique on its
    page; in the one-page build, where every document shares one page, prefixed with the document."""
    return f"{_slug(docname)}-f{number}" if builder_name == ONE_PAGE_BUILDER else f"f{number}"


def _expected(app: Any, kind: str, key: str, glued: dict[str, str], origins: dict[str, str]) -> tuple[str | None, str]:
    """(the text the link must show, its source note) for ``kind:key``; if the key is unknown,
    (None, why: with close ids suggested for a figure)."""
    from phb.data import figure

    if kind == "glue":
        return (
            (glued[key], origins.get(key, COMPUTED_NOTE))
            if key in glued
            else (None, "the notebook glues no value under this name (glue_value/glue_text)")
        )
    try:
        fig = figure(key)
    except KeyError as error:
        return None, str(error.args[0])
    return fig.text, source_note(fig, _bibliography(app))


def _bibliography(app: Any) -> Path:
    """The book's BibTeX file (``bibtex_bibfiles``), or the repository's when the project has none."""
    files = getattr(app.config, "bibtex_bibfiles", None) or []
    return Path(app.srcdir, files[0]) if files else BIBLIOGRAPHY


def resolve_figure_links(app: Any, doctree: nodes.document) -> None:
    """Replace each ``fig:``/``glue:`` link of the document just read by a sourced figure, warning
    (with document, line and both texts) where the id is unknown or the text differs."""
    docname = app.env.docname
    links = [
        ref
        for ref in doctree.findall(addnodes.pending_xref)
        if ref.get("reftype") == "myst"
        and not ref.get("refdomain")
        and str(ref.get("reftarget", "")).partition(":")[0] in KINDS
    ]
    if not links:
        return
    glued, origins = {}, {}
    if any(r["reftarget"].startswith("glue:") for r in links):
        glued = _glued(app, docname)
        source = Path(app.env.doc2path(docname))
        origins = glue_origins(source) if source.suffix == ".ipynb" else {}
    uses = app.env.phb_figure_uses.setdefault(docname, [])
    notes: dict[str, int] = {}  # each distinct note, numbered from 1 in order of first use
    for ref in links:
        kind, _, key = ref["reftarget"].partition(":")
        shown = ref.astext()
        expected, note = _expected(app, kind, key, glued, origins)
        if expected is None:
            problem = f" ({shown!r}){_where(ref)}: {note}"
            note = "source unknown"
        elif shown != expected:
            checked_against = "data/figures.csv" if kind == "fig" else "the glued value"
            problem = (
                f"{_where(ref)}: the text says {shown!r} but {checked_against} says {expected!r} "
                "(run python -m bookkit.figures sync)"
            )
        else:
            problem = ""
        if problem:
            logger.warning(f"{kind}:{key}{problem}", location=ref, type="phb", subtype="figure")
        number = len(uses) + 1
        uses.append((kind, key, number))
        note_number = notes.setdefault(note, len(notes) + 1)
        node = sourced_figure(
            shown, shown, note=note, kind=kind, key=key, number=number, note_number=note_number, docname=docname
        )
        node.source, node.line = ref.source, ref.line
        ref.replace_self(node)
    doctree += figure_notes(notes=list(notes), docname=docname)


def _note_html(note_id: str, note: str) -> str:
    return f'<span class="phb-fig-source" role="tooltip" id="{note_id}">{escape(note)}</span>'


def visit_sourced_figure_html(translator: Any, node: sourced_figure) -> None:
    """The number, focusable, described by its source note: the page's shared note (``n3``), or,
    in the one-page build, its own note inside it (shown after the number in print)."""
    anchor = figure_anchor(translator.builder.name, node["docname"], node["number"])
    if translator.builder.name == ONE_PAGE_BUILDER:
        note_id, own_note = f"{anchor}-source", _note_html(f"{anchor}-source", node["note"])
    else:
        note_id, own_note = f"n{node['note_number']}", ""
    translator.body.append(
        f'<span id="{anchor}" class="phb-fig" tabindex="0" aria-describedby="{note_id}">'
        f"{escape(node.astext())}{own_note}</span>"
    )
    raise nodes.SkipNode


def visit_figure_notes_html(translator: Any, node: figure_notes) -> None:
    """The page's distinct source notes, once each (``n1``, ``n2``…), shown only inside a figure
    that is hovered or focused (book_assets/phb-figures.js moves it there). Nothing in the
    one-page build, whose figures hold their own notes."""
    if translator.builder.name != ONE_PAGE_BUILDER and node["notes"]:
        notes = "".join(_note_html(f"n{i}", note) for i, note in enumerate(node["notes"], 1))
        translator.body.append(f'<div class="phb-fig-notes">{notes}</div>')
    raise nodes.SkipNode


def _visit_text_only(translator: Any, node: nodes.Node) -> None:
    """Other writers (LaTeX, text): the number alone."""


def _skip(translator: Any, node: nodes.Node) -> None:
    """Other writers: nothing (the notes belong to the HTML figures)."""
    raise nodes.SkipNode


def _depart_nothing(translator: Any, node: nodes.Node) -> None:
    pass


# ---------------------------------------------------------------- the environment: who uses what


def init_uses(app: Any, env: Any, docnames: Any) -> None:
    if not hasattr(env, "phb_figure_uses"):
        env.phb_figure_uses = {}


def purge_uses(app: Any, env: Any, docname: str) -> None:
    getattr(env, "phb_figure_uses", {}).pop(docname, None)
    getattr(env, "phb_figure_index_docs", set()).discard(docname)


def merge_uses(app: Any, env: Any, docnames: Any, other: Any) -> None:
    env.phb_figure_uses.update({d: other.phb_figure_uses[d] for d in docnames if d in other.phb_figure_uses})
    env.phb_figure_index_docs = getattr(env, "phb_figure_index_docs", set()) | {
        d for d in getattr(other, "phb_figure_index_docs", set()) if d in docnames
    }


def _figures_signature(app: Any) -> str:
    """A hash of what the checks and notes read besides the documents: figures.csv and the bibliography."""
    from phb.data import DATA_DIR

    digest = hashlib.sha256()
    for path in (Path(DATA_DIR, "figures.csv"), _bibliography(app)):
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def also_outdated(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Documents to re-read though their source did not change: every page naming a figure when
    data/figures.csv or the bibliography changed (so the check runs again and the notes are fresh), and
    the figures index whenever any document changed (it lists every use)."""
    again: set[str] = set()
    signature = _figures_signature(app)
    if getattr(env, "phb_figures_signature", None) != signature:
        env.phb_figures_signature = signature
        again |= set(getattr(env, "phb_figure_uses", {})) | set(getattr(env, "phb_figure_index_docs", set()))
    if added or changed or removed:
        again |= getattr(env, "phb_figure_index_docs", set())
    return sorted(again & set(env.found_docs) - removed)


# ---------------------------------------------------------------- the figures index


#: The ``{figures-index}`` argument that lists the figures no page uses.
UNUSED = "unused"


class FiguresIndex(SphinxDirective):
    """``{figures-index}``: every figure of data/figures.csv and the pages that use it. With an
    argument, only part of it, so that no page of the index is heavy (issue 18): documents' names
    (``chapters/05_outcomes chapters/06_uptake_since_2014``) list the figures those pages use,
    ``unused`` those no page uses (both may be given)."""

    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        if not hasattr(self.env, "phb_figure_index_docs"):
            self.env.phb_figure_index_docs = set()
        self.env.phb_figure_index_docs.add(self.env.docname)
        only = self.arguments[0].split() if self.arguments else []
        for name in only:
            if name != UNUSED and name not in self.env.found_docs:
                logger.warning(
                    f"figures-index: no document {name!r} (give docnames or {UNUSED!r})", location=self.get_location()
                )
        return [figures_index(only=only, docname=self.env.docname)]


def _uses_by_figure(app: Any) -> dict[str, dict[str, list[str]]]:
    """figure id → docname (in the book's order) → the anchors of its uses there."""
    from bookkit.toc import toc_documents

    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    toc = Path(app.srcdir, "_toc.yml")
    order = {name: i for i, name in enumerate(toc_documents(Path(app.srcdir)) if toc.is_file() else [])}
    uses = app.env.phb_figure_uses
    for docname in sorted(uses, key=lambda d: (order.get(d, len(order)), d)):
        for kind, key, number in uses[docname]:
            if kind == "fig":
                found[key][docname].append(figure_anchor(app.builder.name, docname, number))
    return found


def _paragraph(*children: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for child in children:
        para += nodes.Text(child) if isinstance(child, str) else child
    return para


def _use_links(app: Any, fromdocname: str, uses: dict[str, list[str]]) -> nodes.paragraph:
    """Links to the first use of a figure on each page, with the count of uses there."""
    para = nodes.paragraph()
    for i, (docname, anchors) in enumerate(uses.items()):
        page = app.builder.get_relative_uri(fromdocname, docname).split("#")[0]
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        label = title + (f" ({len(anchors)}×)" if len(anchors) > 1 else "")
        if i:
            para += nodes.Text("; ")
        para += nodes.reference("", label, refuri=f"{page}#{anchors[0]}", internal=True)
    return para


def _listed(figure_id: str, uses: dict[str, dict[str, list[str]]], only: list[str]) -> bool:
    """Whether a part of the index lists a figure: all of them (``only`` empty), or those the
    documents of ``only`` use, and the unused ones if it names :data:`UNUSED`."""
    if not only:
        return True
    used_on = uses.get(figure_id, {})
    return (UNUSED in only and not used_on) or any(name in used_on for name in only)


def _index_entries(app: Any, fromdocname: str, only: list[str] | None = None, prefix: str = "") -> list[nodes.Node]:
    """The figures grouped by source (a heading line each); for each figure, its text and id, then
    where in the source it is, the source's words (or how it was derived), and the pages using it.
    ``only``: see :class:`FiguresIndex`; ``prefix``: before each entry's id (``figure-ID``), so that
    parts of the index on one page (the one-page build) do not repeat an id."""
    from phb.data import figure, figure_ids

    uses = _uses_by_figure(app)
    bibliography = _bibliography(app)
    by_source: dict[str, list[Any]] = defaultdict(list)
    for figure_id in figure_ids():
        if _listed(figure_id, uses, only or []):
            by_source[figure(figure_id).source_id].append(figure(figure_id))
    found: list[nodes.Node] = []
    for source_id in sorted(by_source, key=lambda s: citation_label(s, bibliography).lower()):
        found.append(
            nodes.rubric(
                "",
                citation_label(source_id, bibliography) + " ",
                nodes.literal("", source_id),
                classes=["phb-figures-source"],
            )
        )
        entries = nodes.definition_list(classes=["phb-figures-index"])
        for fig in by_source[source_id]:
            quote = fig.quote  # data/figures.csv gains a quote column on another branch
            words = (
                ("The source's words: ", f"“{quote}”")
                if quote
                else ("Derived: ", fig.note)
                if fig.derived
                else ("Note: ", fig.note)
                if fig.note
                else None
            )
            definition = nodes.definition("", _paragraph(nodes.strong("", "Where: "), fig.locator))
            if words:
                definition += _paragraph(nodes.strong("", words[0]), words[1])
            used = (
                _use_links(app, fromdocname, uses[fig.id])
                if fig.id in uses
                else _paragraph(nodes.emphasis("", "not used on any page"))
            )
            used.insert(0, nodes.strong("", "Used on: "))
            definition += used
            term = nodes.term(
                "",
                "",
                nodes.strong("", fig.text),
                nodes.Text(" "),
                nodes.literal("", fig.id),
                ids=[f"{prefix}figure-{fig.id}"],
            )
            entries += nodes.definition_list_item("", term, definition)
        found.append(entries)
    return found


#: The script that shows a page's shared notes in its figures (in book_assets/, a static folder).
NOTES_SCRIPT = "phb-figures.js"


def add_notes_script(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Load :data:`NOTES_SCRIPT` (deferred) on the pages whose figures share notes, and only there."""
    if doctree is None or app.builder.name == ONE_PAGE_BUILDER:
        return
    if next(iter(doctree.findall(figure_notes)), None) is not None:
        app.add_js_file(NOTES_SCRIPT, loading_method="defer")


def fill_figures_index(app: Any, doctree: nodes.document, fromdocname: str) -> None:
    for placeholder in list(doctree.findall(figures_index)):
        only = placeholder.get("only", [])
        one_page = app.builder.name == ONE_PAGE_BUILDER and only
        prefix = f"{_slug(placeholder.get('docname', ''))}-" if one_page else ""
        placeholder.replace_self(_index_entries(app, fromdocname, only, prefix))


def setup(app: Any) -> dict[str, Any]:
    app.add_node(
        sourced_figure,
        html=(visit_sourced_figure_html, _depart_nothing),
        latex=(_visit_text_only, _depart_nothing),
        text=(_visit_text_only, _depart_nothing),
    )
    app.add_node(
        figure_notes,
        html=(visit_figure_notes_html, _depart_nothing),
        latex=(_skip, _depart_nothing),
        text=(_skip, _depart_nothing),
    )
    app.add_node(figures_index)
    app.add_directive("figures-index", FiguresIndex)
    app.connect("env-before-read-docs", init_uses)
    app.connect("env-purge-doc", purge_uses)
    app.connect("env-merge-info", merge_uses)
    app.connect("env-get-outdated", also_outdated)
    app.connect("doctree-read", resolve_figure_links)
    app.connect("doctree-resolved", fill_figures_index)
    app.connect("html-page-context", add_notes_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 4}
