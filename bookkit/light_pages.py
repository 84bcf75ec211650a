"""Keep what every page loads before it is drawn to what the page needs (a Sphinx extension, listed
in ``_config.yml``; issue 18).

It adds ``bookkit/templates``, whose ``layout.html`` drops the search index and search tools that
the theme puts into every page: only the search page uses them (it loads them itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


def add_templates(app: Any, config: Any) -> None:
    """Put these templates before the theme's (after any added earlier), so that they extend it."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Any) -> dict[str, Any]:
    """Register the templates with Sphinx."""
    app.connect("config-inited", add_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
