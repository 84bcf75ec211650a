"""Keep what every page loads before it is drawn to what the page needs (a Sphinx extension, listed
in ``_config.yml``; issue 18).

It adds ``bookkit/templates``, whose ``layout.html`` drops the search index and search tools that
the theme puts into every page: only the search page uses them (it loads them itself).

It also drops, from the highlighted code of each page, the token spans that change nothing on screen:
Pygments wraps every name, bracket and space in a ``<span class="n">`` and so on, and in the book's
two code styles those tokens are drawn exactly as plain code text. Chapter 7's twelve code cells
were 18 KB, more than half of it such spans. And once the pages are written, it drops the
indentation the templates put at the start of each line (outside ``pre``, ``textarea``, ``script``
and ``style``, where it could matter): a browser shows a newline and a newline with spaces alike.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


def add_templates(app: Any, config: Any) -> None:
    """Put these templates before the theme's (after any added earlier), so that they extend it."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


#: Pygments classes that may be unwrapped: names, punctuation and whitespace, the bulk of the spans.
UNWRAPPABLE = {"n": "Name", "p": "Punctuation", "w": "Text.Whitespace"}


@functools.cache
def plain_token_classes(style_names: tuple[str, ...]) -> frozenset[str]:
    """Those of :data:`UNWRAPPABLE` that every named Pygments style draws exactly as plain text
    (colour, weight, slant, background): unwrapping them changes nothing a reader sees."""
    from pygments.token import Text, string_to_tokentype
    from sphinx.highlighting import PygmentsBridge

    styles = [PygmentsBridge("html").get_style(name) for name in style_names]  # knows Sphinx's own
    return frozenset(
        css_class
        for css_class, token in UNWRAPPABLE.items()
        if all(style.style_for_token(string_to_tokentype(token)) == style.style_for_token(Text) for style in styles)
    )


def unwrap_plain_tokens(body: str, classes: frozenset[str]) -> str:
    """``body`` with each ``<span class="C">text</span>`` of a class in ``classes`` replaced by its text."""
    if not classes:
        return body
    pattern = re.compile(r'<span class="(?:' + "|".join(sorted(classes)) + r')">([^<]*)</span>')
    return pattern.sub(r"\1", body)


def code_styles(app: Any) -> tuple[str, ...]:
    """The Pygments styles the book's code is drawn in (the theme's light and dark ones)."""
    options = app.config.html_theme_options or {}
    themed = tuple(name for name in (options.get("pygments_light_style"), options.get("pygments_dark_style")) if name)
    return themed or (app.config.pygments_style or "default",)


def lighten_code(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Unwrap the plain tokens of a page's highlighted code (``html-page-context``)."""
    if "body" in context:
        context["body"] = unwrap_plain_tokens(context["body"], plain_token_classes(code_styles(app)))


#: Elements whose text keeps its whitespace (or is code, where a line's indentation may matter).
KEEP_WHITESPACE = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)
#: A line break with the indentation or blank lines after it (spaces, tabs, line breaks: not a
#: no-break space, which is text).
INDENTED_BREAK = re.compile(r"\n[ \t\r\n]+")


def drop_indentation(page: str) -> str:
    """``page`` with each line break's following indentation and blank lines dropped, except inside
    the elements of :data:`KEEP_WHITESPACE` (what a reader sees does not change)."""
    parts = KEEP_WHITESPACE.split(page)
    # split() yields text, then the kept element and its tag name, for each match
    return "".join(INDENTED_BREAK.sub("\n", part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


def drop_indentation_in_pages(app: Any, exception: Exception | None) -> None:
    """After an HTML build, drop the indentation of every page written (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for path in outdir.rglob("*.html"):
        if path.relative_to(outdir).parts[0].startswith("_"):  # _static, _sources: not pages
            continue
        page = path.read_text(encoding="utf-8")
        lighter = drop_indentation(page)
        if lighter != page:
            path.write_text(lighter, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the templates, the code lightening and the indentation drop with Sphinx."""
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", lighten_code)
    app.connect("build-finished", drop_indentation_in_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
