"""The book's one chart theme, its renderer, and the helper every chart goes through.

Why one module: every chart in the book must look the same (one colour-blind-safe palette, readable
system fonts), carry a title and a text description for screen readers, keep its data one click
away, and render in a published page that fetches nothing from another host. Doing that once here
means no chapter can forget it.

Use::

    from phb.charts import theme
    chart = theme.describe(alt.Chart(df).mark_bar().encode(...),
                           title="...", description="...")
    theme.show(chart, data=df)           # chart + a toggle with its data as a table
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.html import spec_to_html

#: Okabe & Ito's colour-blind-safe palette, ordered so that the first colours have the most contrast
#: against a white background (yellow, which is hard to see on white, is left out).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
)

#: System fonts only: a web font would be fetched from another host.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Text colour with a contrast ratio above 7:1 on white.
INK = "#1f2328"

THEME_NAME = "phb"

#: Where the page finds vega, vega-lite and vega-embed. They are preloaded by the book (see
#: book_assets/vega-preload.js), so this relative path is never fetched; it is set so that no
#: stored output even names a CDN.
LOCAL_BASE_URL = "../_static/vendor"

#: The shortest description accepted: shorter texts do not tell a screen-reader user anything.
MIN_DESCRIPTION_CHARS = 40


def theme() -> dict[str, Any]:
    """Return the book's Vega-Lite config: palette, fonts, sizes, and accessible defaults."""
    return {
        "config": {
            "background": "white",
            "font": FONT,
            "padding": 8,
            "view": {
                "continuousWidth": 520,
                "continuousHeight": 300,
                "discreteWidth": 520,
                "discreteHeight": {"step": 30},
                "stroke": None,
            },
            "range": {"category": list(PALETTE)},
            "title": {
                "fontSize": 16,
                "fontWeight": 600,
                "color": INK,
                "anchor": "start",
                "subtitleFontSize": 13,
                "subtitleColor": INK,
                "limit": 640,
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "labelColor": INK,
                "titleColor": INK,
                "gridColor": "#d0d7de",
                "domainColor": "#57606a",
                "tickColor": "#57606a",
                "labelLimit": 260,
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "labelColor": INK,
                "titleColor": INK,
                "labelLimit": 260,
            },
            "header": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": INK},
            "text": {"fontSize": 12, "color": INK},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2.5},
            "point": {"color": PALETTE[0], "filled": True, "size": 60},
            "rule": {"color": INK},
            "aria": True,
        }
    }


#: Dark mode. The page's dark background (pydata-sphinx-theme's ``--pst-color-background`` in dark
#: mode) and the colour that replaces each light-mode colour of :func:`theme` on it: text and black
#: marks become a light ink (over 14:1 on the background), grid and axis lines keep their lower
#: contrast, white fills become the background. The dark chart theme is derived from the one theme
#: with this map (:func:`dark_theme`), never written out a second time.
DARK_BACKGROUND = "#121212"
DARK_INK = "#e6edf3"
DARK_COLOURS: dict[str, str] = {
    "white": DARK_BACKGROUND,
    "#ffffff": DARK_BACKGROUND,
    "#fff": DARK_BACKGROUND,
    INK.lower(): DARK_INK,
    "#000000": DARK_INK,
    "#000": DARK_INK,
    "black": DARK_INK,
    "#d0d7de": "#3d444d",  # grid
    "#57606a": "#9198a1",  # axis domain and ticks
}

#: Text that Vega-Lite colours by itself when the theme leaves a colour unset (header titles, text
#: marks without a colour, group titles): in dark mode it gets the light ink explicitly.
DARK_DEFAULTS: dict[str, Any] = {
    "header": {"titleColor": DARK_INK},
    "style": {
        "guide-label": {"fill": DARK_INK},
        "guide-title": {"fill": DARK_INK},
        "group-title": {"fill": DARK_INK},
        "group-subtitle": {"fill": DARK_INK},
    },
}

#: Sizing in the page (book_assets/phb-charts.js applies it). A chart is drawn at the width its
#: author gave it when its column is wide enough; in a narrower column every view's width shrinks
#: so that the whole chart fits the column, so text is never scaled below its font size (a phone
#: used to show 12 px labels at 6-7 px). Below ``MIN_CHART_WIDTH`` it stops shrinking (a column
#: of 272 px on a 320 px screen, the width WCAG's reflow criterion asks for, is above it); below
#: ``NARROW_CHART_WIDTH`` legends move under the plot and long titles wrap onto several lines.
MIN_CHART_WIDTH = 200
NARROW_CHART_WIDTH = 560
NARROW_CONFIG: dict[str, Any] = {
    # Several legends under the plot stack instead of standing side by side (Vega's legend layout).
    "legend": {
        "orient": "bottom",
        "direction": "vertical",
        "labelLimit": 240,
        # ...starting at the left of the whole chart (its labels down the side included), not of
        # its plot: a legend that started where the plot starts ran past a 320 px screen's edge.
        "layout": {"bottom": {"direction": "vertical", "anchor": "start", "frame": "bounds"}},
    },
    "axis": {"labelLimit": 150},
    # An x-axis title ends where the plot ends and runs leftwards, under the labels down the side:
    # centred under a plot that a phone has narrowed, a long title ran past the chart's right edge.
    # Labels of a narrowed axis that would touch ("80100") are thinned out (Vega's labelOverlap).
    "axisX": {"titleAnchor": "end", "titleAlign": "right", "labelSeparation": 4},
}


def wrap_label_expression(chars: int | str, value: str = "datum.label") -> str:
    """A Vega expression that breaks the text ``value`` into lines of at most ``chars`` characters,
    between words (Vega draws an array of strings as lines)."""
    return f"split(trim(replace({value}, regexp('(.{{1,{chars}}})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')"


def _recolour(value: Any, colours: dict[str, str]) -> Any:
    """``value`` with every colour string in ``colours`` (lower-case keys) replaced, recursively."""
    if isinstance(value, str):
        return colours.get(value.lower(), value)
    if isinstance(value, list):
        return [_recolour(v, colours) for v in value]
    if isinstance(value, dict):
        return {k: _recolour(v, colours) for k, v in value.items()}
    return value


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``extra``, nested dictionaries merged rather than replaced."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def dark_theme() -> dict[str, Any]:
    """The book's theme for dark mode: :func:`theme` with :data:`DARK_COLOURS` swapped in."""
    config = _recolour(theme()["config"], DARK_COLOURS)
    return {"config": _merge(config, DARK_DEFAULTS)}


#: The most room (px) a narrow chart's axis of categories takes beside the plot.
NARROW_AXIS_EXTENT = 160
#: The least distance (px) between rows of categories in a narrow chart, where labels wrap.
NARROW_ROW_STEP = 48


def page_settings() -> dict[str, Any]:
    """What the page's chart script needs (written into every page by bookkit/site.py).

    For dark mode it gets the colour map and the defaults, not a whole dark config: it recolours
    each chart's own spec (its config is the theme plus whatever the chart configured itself, and
    its marks may name the theme's ink), which gives :func:`dark_theme` for the theme's part."""
    return {
        "dark": {"colours": DARK_COLOURS, "defaults": DARK_DEFAULTS},
        "minWidth": MIN_CHART_WIDTH,
        "narrowWidth": NARROW_CHART_WIDTH,
        "narrowConfig": NARROW_CONFIG,
        # Added to every legend, and to every axis of categories down the side, of a narrow chart
        # (Vega-Lite's config cannot carry a labelExpr): long labels wrap instead of being cut.
        # A chart's own legend placement (above, in columns) gives way to the narrow one: one column
        # under the plot.
        "narrowLegend": {
            "labelExpr": wrap_label_expression(24),
            "orient": "bottom",
            "direction": "vertical",
            "columns": 1,
        },
        # maxExtent: Vega reserves room for a wrapped label as if it were one line (measured before
        # the lines are split), which pushed a narrow chart's plot off the screen; 22 characters of
        # 11-12 px text need about 150 px.
        "narrowAxisY": {"labelExpr": wrap_label_expression(22), "maxExtent": NARROW_AXIS_EXTENT},
        # Rows of categories at least this far apart in a narrow chart: room for a label wrapped
        # onto three lines of 11-12 px text, with a gap between rows.
        "narrowRowStep": NARROW_ROW_STEP,
        # The same expression for the words of text marks (the script fills in field and width).
        "wrapTemplate": wrap_label_expression("CHARS", "VALUE"),
    }


#: A JavaScript function, true once every chart of a page is drawn for the page's colour mode and
#: its column's width (book_assets/phb-charts.js marks each chart so): what the browser tests and
#: the PDF printer wait for instead of a fixed time. The page draws a chart only when it comes near
#: the screen, so this first asks it to draw every chart (``window.phbDrawAll``; asking again while
#: they draw changes nothing).
CHARTS_SETTLED_JS = """() => {
  if (typeof window.phbDrawAll === 'function') window.phbDrawAll();
  if (document.readyState !== 'complete') return false;
  const theme = document.documentElement.dataset.theme;
  if (theme !== 'light' && theme !== 'dark') return false;
  const scripts = [...document.scripts].filter(s => s.text.includes('vegaEmbed(')).length;
  const drawn = [...document.querySelectorAll('.phb-chart')];
  return drawn.length === scripts && drawn.every(e =>
    e.dataset.phbState === 'drawn' && e.dataset.phbMode === theme &&
    +e.dataset.phbWidth === Math.max(MIN_WIDTH, Math.floor(e.clientWidth)));
}""".replace("MIN_WIDTH", str(MIN_CHART_WIDTH))


def _output_div(spec: dict[str, Any]) -> str:
    """A stable element id, so that re-running a notebook gives the same output (nbval compares)."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
    return f"phb-chart-{digest}"


#: The MIME type a chart is stored under in a notebook. JupyterLab, Notebook 7, VS Code and JupyterHub
#: draw it with the Vega-Lite they bundle (so a live notebook needs no download and no built book);
#: the book's own myst-nb plugin (:mod:`bookkit.vega_mime`) turns it into :func:`embed_html` for the
#: published page. Altair 6 names its own type ``application/vnd.vegalite.v6.json``, which no front end
#: renders yet; JupyterLab 4 draws the v6 specs the book makes under the v5 type.
LIVE_MIME = "application/vnd.vegalite.v5+json"


def chart_title(spec: dict[str, Any]) -> str:
    """The visible title of a chart spec, as text."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or "untitled")


def book_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Render a chart as a MIME bundle that draws wherever the notebook is opened: the Vega-Lite spec
    (drawn by the front end's own Vega-Lite, or by the book's embed in the published page) and a text
    line naming the chart for anything that cannot draw it."""
    return {LIVE_MIME: spec, "text/plain": f"<Chart: {chart_title(spec)}>"}


def embed_html(spec: dict[str, Any], embed_options: dict[str, Any] | None = None) -> str:
    """The chart as HTML for the published book: SVG (readable by screen readers), the book's own
    vega scripts (preloaded by book_assets/vega-preload.js, so nothing is fetched from another host),
    no link to the online editor, and an element id that does not change between runs."""
    from altair.vegalite.v6.display import VEGA_VERSION, VEGAEMBED_VERSION, VEGALITE_VERSION

    # No actions menu: its button has no accessible name (axe: summary-name), and the data is
    # already one click away in the toggle under each chart.
    options = {"renderer": "svg", "actions": False}
    options.update(embed_options or {})
    return spec_to_html(
        spec,
        mode="vega-lite",
        vega_version=VEGA_VERSION,
        vegaembed_version=VEGAEMBED_VERSION,
        vegalite_version=VEGALITE_VERSION,
        base_url=LOCAL_BASE_URL,
        output_div=_output_div(spec),
        embed_options=options,
        fullhtml=False,
        requirejs=False,
        template="universal",
    )


def enable() -> None:
    """Register and switch on the book's theme and renderer (idempotent, and cheap when already on:
    re-enabling scans package entry points, which costs tens of milliseconds per chart)."""
    if alt.theme.active == THEME_NAME and alt.renderers.active == THEME_NAME:
        return
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    alt.theme.enable(THEME_NAME)
    alt.renderers.register(THEME_NAME, book_renderer)
    alt.renderers.enable(THEME_NAME)


def category_colour(
    field: str, categories: list[str], title: str | None, legend: alt.Legend | None = None
) -> alt.Color:
    """Colour by the nominal ``field``: the theme's palette given to ``categories`` in their order (the
    order they are listed in, so a colour keeps its meaning between the chart, its legend and its sort)."""
    extra = {} if legend is None else {"legend": legend}
    scale = alt.Scale(domain=categories, range=list(PALETTE[: len(categories)]))
    return alt.Color(f"{field}:N", title=title, sort=categories, scale=scale, **extra)


def describe(
    chart: alt.TopLevelMixin, *, title: str, description: str, subtitle: str | None = None
) -> alt.TopLevelMixin:
    """Give a chart its visible title and its text description, and refuse a chart without them.

    The description becomes the Vega-Lite ``description``, which Vega writes as the chart's
    ``aria-label``: it is what a screen-reader user hears instead of seeing the chart, so it must
    say what the chart shows and what it means, not just repeat the title.
    """
    if not isinstance(title, str) or not title.strip():
        raise ValueError("every chart needs a visible title: pass title='...'")
    if not isinstance(description, str) or len(description.strip()) < MIN_DESCRIPTION_CHARS:
        raise ValueError(
            "every chart needs a text description for screen readers of at least "
            f"{MIN_DESCRIPTION_CHARS} characters that says what the chart shows: "
            f"got {description!r}"
        )
    enable()
    title_param = alt.Title(title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=title_param, description=description.strip())


def _check_described(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict()
    if not spec.get("description") or not spec.get("title"):
        raise ValueError("this chart has no title or description: build it with theme.describe()")
    return spec


def data_table_html(data: pd.DataFrame, caption: str) -> str:
    """The chart's data as an HTML table inside a toggle, with a CSV download that needs no server."""
    csv = data.to_csv(index=False)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv)
    filename = "".join(c if c.isalnum() else "-" for c in caption.lower()).strip("-")[:60] + ".csv"
    table = data.to_html(index=False, border=0, classes="phb-data-table", na_rep="")
    table = re.sub(
        r"<table[^>]*>",
        lambda m: f'<table class="dataframe phb-data-table"><caption>{html.escape(caption)}</caption>',
        table,
        count=1,
    )
    return (
        '<details class="phb-chart-data">'
        f"<summary>Show the data behind “{html.escape(caption)}”</summary>"
        f'<div class="phb-table-wrap" tabindex="0" role="region" aria-label="Data: {html.escape(caption)}">'
        f"{table}</div>"
        f'<p><a download="{filename}" href="{href}">Download this data as CSV ({filename})</a></p>'
        "</details>"
    )


@dataclass(frozen=True)
class ChartWithData:
    """A described chart and the table behind it, displayed as two outputs: the chart (drawn by the
    front end or the book) and, under it, a toggle with its data as a table and a CSV download."""

    chart: alt.TopLevelMixin
    data: pd.DataFrame | None = None

    def outputs(self) -> list[dict[str, Any]]:
        """The MIME bundles this displays, in order (the chart, then its data toggle if any)."""
        spec = _check_described(self.chart)
        enable()
        bundles = [book_renderer(spec)]
        if self.data is not None:
            toggle = data_table_html(self.data, chart_title(spec))
            bundles.append({"text/html": toggle, "text/plain": f"<Data: {chart_title(spec)}>"})
        return bundles

    def output_messages(self) -> tuple[dict[str, Any], ...]:
        """The same outputs as notebook ``display_data`` entries, e.g. for an ``ipywidgets.Output``."""
        return tuple({"output_type": "display_data", "data": bundle, "metadata": {}} for bundle in self.outputs())

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for bundle in self.outputs():
            display(bundle, raw=True)


def show(chart: alt.TopLevelMixin, data: pd.DataFrame | None = None) -> ChartWithData:
    """Return a chart with its data toggle for display as a cell's last expression.

    ``data`` is the table a reader should see (tidy, with readable column names); it may differ from
    the chart's own data, which can be a large precomputed grid for a kernel-free explorer.
    """
    _check_described(chart)
    return ChartWithData(chart, data)


@dataclass(frozen=True)
class Table:
    """A table for the page: a caption (read out by screen readers), no index column, shown whole
    (scrolling sideways only on a narrow screen, in a region keyboard users can reach), and the same
    output on every run (nbval compares it)."""

    frame: pd.DataFrame
    caption: str

    def _repr_html_(self) -> str:
        body = self.frame.to_html(index=False, border=0, na_rep="", justify="left")
        body = re.sub(
            r"<table[^>]*>",
            lambda m: f'<table class="table phb-data-table"><caption>{html.escape(self.caption)}</caption>',
            body,
            count=1,
        )
        return (
            f'<div class="phb-table" tabindex="0" role="region" '
            f'aria-label="Table: {html.escape(self.caption)}">{body}</div>'
        )

    def __repr__(self) -> str:  # text/plain, also compared by nbval
        return f"<Table: {self.caption}>"


def table(frame: pd.DataFrame, caption: str) -> Table:
    """Show ``frame`` as a captioned table: the book's one way of displaying a table."""
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("every table needs a caption that says what it shows: pass caption='...'")
    return Table(frame.reset_index(drop=True), caption.strip())
