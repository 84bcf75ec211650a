"""A small Sphinx extension for the book's own needs, listed in _config.yml.

Jupyter Book 1 always loads sphinx-thebe. The book does not use Thebe (live code needs a server, and
the book's explorers work without one), but sphinx-thebe still adds an inline script naming a CDN and
re-adds it on each incremental build, which declares a constant twice and raises a page error. This
extension drops Thebe's files from every page.

It also repairs one accessibility fault of docutils' HTML: bibliography entries carry the deprecated
ARIA role ``doc-biblioentry`` inside a ``role="list"`` container, which axe reports (WCAG 4.1.2).
They become ``listitem``, which is what the container needs.

It writes the chart settings of :func:`phb.charts.page_settings` (dark-mode colours, sizes) into
every page as ``window.PHB_CHARTS`` for book_assets/phb-charts.js, so the theme stays written once,
in Python. And it adds the book's templates (``phb/templates``), which replace two of the theme's
buttons whose accessible names did not contain their visible text (WCAG 2.5.3, axe
``label-content-name-mismatch``): the search field ("Search Ctrl+K", named "Search") and the
colour-mode switch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"

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


#: Replacements applied to every page body: (what docutils or myst-nb writes, what it should be).
#: myst-nb names the toggle of a hidden code cell "Toggle hidden content" while it shows "Show code
#: cell source" (WCAG 2.5.3 Label in Name, axe label-content-name-mismatch): named by its text instead.
BODY_FIXES = (('role="doc-biblioentry"', 'role="listitem"'),
              ('<summary aria-label="Toggle hidden content">', "<summary>"))


def fix_body(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Apply :data:`BODY_FIXES` to the page's rendered body."""
    body = context.get("body")
    if isinstance(body, str):
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def chart_settings_script() -> str:
    """The inline script that hands phb/charts.py's page settings to book_assets/phb-charts.js."""
    from phb.charts import page_settings

    return "window.PHB_CHARTS = " + json.dumps(page_settings(), sort_keys=True) + ";"


def add_templates(app: Any, config: Any) -> None:
    """Put the book's templates first, so that they replace the theme's files of the same name."""
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def add_chart_settings(app: Any, config: Any) -> None:
    """Write the chart settings into every page, before phb-charts.js (priority 404 in _config.yml)
    and after vega-embed (402). They are also a config value that forces a full HTML rewrite when it
    changes: otherwise an incremental build would keep pages carrying the old colours."""
    config.phb_chart_settings = chart_settings_script()
    app.add_js_file(None, body=config.phb_chart_settings, priority=403)


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("phb_chart_settings", "", "html")
    app.connect("config-inited", add_templates)
    app.connect("config-inited", add_chart_settings)
    app.connect("html-page-context", drop_unused_assets, priority=900)
    app.connect("html-page-context", fix_body, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
