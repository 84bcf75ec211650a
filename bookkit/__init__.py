"""The book's own machinery: build steps and maintenance tools that readers and students never import.

``phb`` and ``widgets`` are shipped to students with the notebooks; this package is not. It holds
:mod:`bookkit.figures` (figures named once in the prose, and the tools that convert, sync and check
those names), :mod:`bookkit.sphinx_ext` (the Sphinx extension that shows each figure's source in the
page and builds the figures index), :mod:`bookkit.prose` (citations, terms and chapter links written as
links that read well in a live notebook), :mod:`bookkit.vega_mime` (charts stored as Vega-Lite specs,
drawn in the book), :mod:`bookkit.data_toggles` (the charts' data tables, with their CSV as files)
and :mod:`bookkit.csv_merge` (a cell-wise merge of the data tables).

It also holds the tools that make and check the book's other outputs: :mod:`bookkit.site` (the web
site's Sphinx hooks: assets, publishing, the 404 page, the single-page build), :mod:`bookkit.toc` (the
table of contents, read once; at build time, the files it does not list are excluded),
:mod:`bookkit.browser` (Debian's Chromium and the local server), :mod:`bookkit.pdf`
(``python -m bookkit.pdf``), :mod:`bookkit.workshop` (``python -m bookkit.workshop``, the student kit,
which ships ``phb`` and ``widgets`` but never this package) and :mod:`bookkit.notebooks`
(``python -m bookkit.notebooks execute``, storing the chapters' outputs).

``bookkit`` itself is the book's one Sphinx extension entry in _config.yml: :func:`setup` loads each
of the book's own extensions.
"""

from __future__ import annotations

from typing import Any

#: The book's own Sphinx extensions, loaded together by :func:`setup`.
EXTENSIONS = (
    "bookkit.toc",
    "bookkit.site",
    "bookkit.sphinx_ext",
    "bookkit.prose",
    "bookkit.self_check",
    "bookkit.vega_mime",
    "bookkit.data_toggles",
    "bookkit.light_pages",
)


def setup(app: Any) -> dict[str, Any]:
    """Load every extension of :data:`EXTENSIONS` (Sphinx calls this for the entry ``bookkit``)."""
    for name in EXTENSIONS:
        app.setup_extension(name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
