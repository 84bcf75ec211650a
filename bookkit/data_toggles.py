"""The "Show the data" toggles under the charts, made lighter in the published book (issue 18).

A chapter stores each chart's data as an HTML table with a CSV download
(:func:`phb.charts.theme.data_table_html`): the download is a ``data:`` URL, so that it works in a
live notebook, where nothing is served beside the page. In the book that URL repeats the whole table
in the page. When a page is written, this extension (a Sphinx hook, so that no notebook need be
executed again) moves each such CSV into a content-hashed file under the build's
``_static/phb-data/`` and links to it: a same-host file, which also works as a plain link in a copy
of the book opened from disk (``file://``). The table stays in the page, and so the data stays one
click away, readable by a screen reader.

It also gives every ``phb-data:NAME`` file reference (a chart's drawing script, served beside the
pages by :mod:`bookkit.vega_mime`) its URL relative to the page being written, and drops the
indentation pandas writes between the tags of a table output (whitespace between table tags shows
nothing), which is a good part of a long table's bytes.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from bookkit.vega_mime import DATA_FOLDER, STATIC_DATA_URL

#: A reference to a file of ``_static/phb-data`` written before the page's place was known.
STATIC_DATA_REFERENCE = re.compile(r'(?P<attribute>(?:src|href)=")' + re.escape(STATIC_DATA_URL) + r'(?P<name>[^"]+)"')
#: A CSV download written as a ``data:`` URL, with the file name it downloads as.
CSV_LINK = re.compile(
    r'<a download="(?P<name>[^"]+)" href="data:text/csv;charset=utf-8,(?P<csv>[^"]*)"',
)
#: The line breaks and indentation pandas writes between two tags of a table, which a browser does not
#: show (only whitespace with a line break in it: a space between two inline tags in a cell shows, and
#: a no-break space is text).
BETWEEN_TAGS = re.compile(r">[ \t]*\n[ \t\r\n]*<")


def csv_file_name(download_name: str, csv: str) -> str:
    """The file a CSV is served as: its download name and a hash of its content (a changed table
    gets a new name, so no cache serves it stale)."""
    stem = Path(download_name).stem or "data"
    return f"{stem}-{hashlib.sha256(csv.encode()).hexdigest()[:16]}.csv"


def lighten(html: str, link_to: Any) -> tuple[str, dict[str, str]]:
    """``html`` with each CSV ``data:`` link replaced by a link to a file, and the whitespace between
    a table's tags dropped (only in an output holding a table and no preformatted text). ``link_to``
    gives the page's URL of a file under ``_static/phb-data``. Returns the new HTML and the files,
    ``{name: CSV text}``."""
    files: dict[str, str] = {}

    def to_file(match: re.Match[str]) -> str:
        csv = urllib.parse.unquote(match["csv"])
        name = csv_file_name(match["name"], csv)
        files[name] = csv
        return f'<a download="{match["name"]}" href="{link_to(name)}"'

    new = CSV_LINK.sub(to_file, html)
    new = STATIC_DATA_REFERENCE.sub(lambda m: f'{m["attribute"]}{link_to(m["name"])}"', new)
    if "<table" in new and "<pre" not in new and "<textarea" not in new:
        new = BETWEEN_TAGS.sub("><", new)
    return new, files


def lighten_outputs(app: Any, doctree: nodes.document, docname: str) -> None:
    """Rewrite the HTML outputs of the page about to be written (HTML builders only) and write the
    CSV files they now link to."""
    if app.builder.format != "html":
        return
    page = app.builder.get_target_uri(docname)
    folder = Path(app.outdir, "_static", DATA_FOLDER)

    def link_to(name: str) -> str:
        return relative_uri(page, f"_static/{DATA_FOLDER}/{name}")

    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if raw.get("format") != "html" or not any(m in text for m in ("<table", "data:text/csv", STATIC_DATA_URL)):
            continue
        new, files = lighten(text, link_to)
        if new == text:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for name, csv in files.items():
            target = folder / name
            if not target.exists():
                target.write_text(csv, encoding="utf-8")
        raw.replace_self(nodes.raw(raw.rawsource, new, format="html", classes=raw.get("classes", [])))


def setup(app: Any) -> dict[str, Any]:
    """Register the rewrite with Sphinx (loaded by :func:`bookkit.setup`)."""
    app.connect("doctree-resolved", lighten_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
