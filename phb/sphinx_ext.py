"""A small Sphinx extension for the book's own needs, listed in _config.yml.

Jupyter Book 1 always loads sphinx-thebe. The book does not use Thebe (live code needs a server, and
the book's explorers work without one), but sphinx-thebe still adds an inline script naming a CDN and
re-adds it on each incremental build, which declares a constant twice and raises a page error. This
extension drops Thebe's files from every page.

It also repairs one accessibility fault of docutils' HTML: bibliography entries carry the deprecated
ARIA role ``doc-biblioentry`` inside a ``role="list"`` container, which axe reports (WCAG 4.1.2).
They become ``listitem``, which is what the container needs.
"""

from __future__ import annotations

from typing import Any

UNUSED_ASSET_MARKERS = ("thebe",)


def _is_unused(asset: Any) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    text = (filename + body).lower()
    return any(marker in text for marker in UNUSED_ASSET_MARKERS)


def drop_unused_assets(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Remove Thebe's scripts and styles from a page's context before it is written."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_unused(asset)]


#: Replacements applied to every page body: (what docutils writes, what it should be).
BODY_FIXES = (('role="doc-biblioentry"', 'role="listitem"'),)


def fix_body(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Apply :data:`BODY_FIXES` to the page's rendered body."""
    body = context.get("body")
    if isinstance(body, str):
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", drop_unused_assets, priority=900)
    app.connect("html-page-context", fix_body, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
