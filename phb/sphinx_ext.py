"""A small Sphinx extension for the book's own needs, listed in _config.yml.

Jupyter Book 1 always loads sphinx-thebe. The book does not use Thebe (live code needs a server, and
the book's explorers work without one), but sphinx-thebe still adds an inline script naming a CDN and
re-adds it on each incremental build, which declares a constant twice and raises a page error. This
extension drops Thebe's files from every page.
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


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", drop_unused_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
