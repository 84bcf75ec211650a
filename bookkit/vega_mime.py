"""Draw the charts stored in notebooks into the published book (a myst-nb MIME renderer plugin).

A chapter stores each chart as its Vega-Lite spec under :data:`phb.charts.theme.LIVE_MIME`, which JupyterLab
and other live front ends draw with the Vega-Lite they bundle. The published page has no such front
end: this plugin, registered under the ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``,
writes the spec as the book's offline embed (:func:`phb.charts.theme.embed_html`), which uses the vega
scripts the book serves itself.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from phb.charts.theme import LIVE_MIME, embed_html


class VegaLiteForTheBook:
    """Turn a stored Vega-Lite spec into the book's chart HTML, for every builder that writes HTML."""

    # Above text/plain (30) for every builder: the spec is the chart; the text is only its name.
    mime_priority_overrides = [("*", LIVE_MIME, 5)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != LIVE_MIME or inline or not isinstance(data.content, dict):
            return None
        html = f'<figure class="phb-figure">{embed_html(data.content)}</figure>'
        return [nodes.raw("", html, format="html", classes=["output", "text_html"])]
