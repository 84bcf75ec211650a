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

What every page loads before its first chart is drawn is kept small too (issue 18; measured in
benchmarks/why.md):

- The scripts that only set up the page once it is parsed (Sphinx's doctools and highlighting, the
  copy and toggle buttons, sphinx-design's tabs, the theme's own) are deferred: they no longer hold
  up the parser, nor compete for the first connections with the chart's files. Each waits for the
  page to be parsed anyway, and deferred scripts still run in order and before DOMContentLoaded.
- A page without a chart loads none of the chart scripts (vega, vega-embed and the book's: 0.6 MB).
  No page lists vega-lite (250 KB): phb-charts.js loads it when a chart must be compiled in the
  page, or once the page has loaded, so it does not compete with the first chart's scripts.
- The page's eleven style sheets (and basic.css, which the theme's theme.css imports, a request
  that could only start once theme.css had arrived) are one same-host file,
  ``_static/phb-styles-<content hash>.css``: one request instead of twelve, in the same cascade
  order. Its second line names the files it was made from, so that a later build remakes it for
  pages it does not rewrite.
- The theme's icon script (Font Awesome's SVG with JS, 1.5 MB) is not loaded: the theme's style
  sheet draws the same icons from web fonts.
- A page's scripts are a few same-host files instead of about twenty (bookkit/script_bundles.py):
  each run of the head's parser-blocking scripts is one file, the deferred scripts one or two, in
  the same order and the same strict or sloppy mode.
- The bundle keeps only the rules some page or script of the book can use (bookkit/purge_styles.cjs,
  PurgeCSS run by Node once the pages are written): 555 KB of theme styles, most of them Bootstrap
  components and Font Awesome icons the book never shows, become about 179 KB. Without Node or
  ``node_modules`` (``make`` installs both) the whole bundle is linked, as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bookkit.font_warmup import warm_fonts
from bookkit.script_bundles import BUNDLE_PREFIX as SCRIPT_BUNDLE_PREFIX
from bookkit.script_bundles import bundle_scripts
from bookkit.script_bundles import remove_unlinked as remove_unlinked_scripts
from bookkit.vega_mime import DRAWS_A_CHART

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The style purger, run by Node with the book's own node_modules (package.json pins purgecss).
PURGER = Path(__file__).resolve().with_name("purge_styles.cjs")
NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"


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


#: Scripts (by file name) that only act once the page is parsed, each checked to wait for it (a
#: ``DOMContentLoaded`` listener or a ready-state check): safe to defer. documentation_options.js is
#: not among them: the page's inline scripts set its fields while the page is parsed.
DEFERRED_SCRIPTS = frozenset(
    {
        "doctools.js",  # Sphinx: _ready(Documentation.init)
        "sphinx_highlight.js",  # Sphinx: _ready(SphinxHighlight.highlightSearchWords)
        "clipboard.min.js",  # a library; copybutton.js (after it) uses it on ready
        "copybutton.js",  # runWhenDOMLoaded(addCopyButtonToCodeCells)
        "sphinx-book-theme.js",  # DOMContentLoaded listeners
        "togglebutton.js",  # sphinxToggleRunWhenDOMLoaded; its settings are inline scripts before it
        "design-tabs.js",  # DOMContentLoaded; reads its data attribute from currentScript, as before
    }
)


#: The scripts that draw the book's charts (``_config.yml``'s ``html_js_files`` and the settings
#: bookkit/site.py adds; vega-lite is listed by none now, but would be dropped too): 0.6 MB of script
#: that a page without a chart does not load.
CHART_SCRIPTS = re.compile(
    r"(?:^|/)(?:vega-preload\.js|vega(?:-lite|-embed)?\.min\.js|phb-chart-settings-[0-9a-f]+\.js"
    r"|phb-chart-colours\.js|phb-charts\.js)$"
)


def drop_chart_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Leave the chart scripts out of a page that draws no chart (``html-page-context``): its body
    queues no drawing (no chart's script: bookkit.vega_mime.DRAWS_A_CHART)."""
    from sphinx.builders.html._assets import _JavaScript

    if "script_files" not in context or DRAWS_A_CHART in (context.get("body") or ""):
        return
    context["script_files"] = [
        js
        for js in context["script_files"]
        if not (isinstance(js, _JavaScript) and CHART_SCRIPTS.search(str(js.filename)))
    ]


#: The type of the script element myst-nb writes a notebook's stored widget state into.
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_widget_state(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Leave out of the page the widget state of a notebook the build executed (``html-page-context``).

    ``make book`` executes the chapters through jupyter-cache, whose runs keep the explorers' widget
    state in the notebook; myst-nb then writes it into the page's head (chapter 7: 251 KB of JSON,
    the page 348 KB against the 100 KB goal). Nothing reads it: the book loads no widget manager
    (``nb_ipywidgets_js`` is empty; the explorers' kernel-free twins are charts), and the stored
    notebooks, which `make test` and the published book render, keep none (bookkit/notebooks.py)."""
    from sphinx.builders.html._assets import _JavaScript

    if "script_files" not in context:
        return
    context["script_files"] = [
        js
        for js in context["script_files"]
        if not (isinstance(js, _JavaScript) and js.filename is None and js.attributes.get("type") == WIDGET_STATE)
    ]


#: MathJax as Sphinx's mathjax extension adds it (``mathjax_path`` in ``_config.yml``), and the start
#: of the inline script that configures it.
MATHJAX_SCRIPT = "vendor/mathjax/tex-chtml.js"
MATHJAX_CONFIG = "window.MathJax ="
#: Loads MathJax (its URL in ``URL``) once the page has loaded; ``window.phbMathJax`` resolves when
#: it has loaded (or failed to), for whatever must wait for the formulas (MathJax.startup.promise).
MATHJAX_LOADER = """window.phbMathJax = new Promise((resolve) => {
  const load = () => {
    const script = document.createElement("script");
    script.src = URL;
    script.onload = script.onerror = () => resolve();
    document.head.appendChild(script);
  };
  if (document.readyState === "complete") load();
  else window.addEventListener("load", load, { once: true });
});"""


def _is_mathjax_config(js: Any) -> bool:
    """Whether ``js`` is the inline script that configures MathJax (Sphinx adds it with no file)."""
    from sphinx.builders.html._assets import _JavaScript

    body = str(js.attributes.get("body", "")) if isinstance(js, _JavaScript) else ""
    return isinstance(js, _JavaScript) and not js.filename and body.startswith(MATHJAX_CONFIG)


def load_mathjax_later(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """MathJax only on a page with formulas of its own, and loaded once that page has loaded
    (``html-page-context``, after Sphinx's mathjax extension; the one-page build keeps it as it is).

    Sphinx adds MathJax (1 MB of script) to a page whose toctree includes a page with formulas: the
    book's introduction, which has none, loaded it. And as a deferred script it was fetched and
    compiled while the page loaded, beside the first chart's scripts: chapters 7 and 8, the pages
    with formulas, drew their first chart later than the others (issue 18). Loaded at the window's
    load event it typesets the formulas (none on either chapter's first screen) a moment after the
    page has loaded."""
    from sphinx.builders.html._assets import _JavaScript

    if app.builder.name != "html" or "script_files" not in context:
        return
    scripts = context["script_files"]
    mathjax = {id(js) for js in scripts if isinstance(js, _JavaScript) and str(js.filename).endswith(MATHJAX_SCRIPT)}
    if not mathjax:
        return
    own_formulas = app.env.get_domain("math").data["has_equations"].get(pagename, False)
    out = []
    for js in scripts:
        if id(js) in mathjax:
            if own_formulas:
                url = json.dumps(context["pathto"](str(js.filename), resource=True))
                out.append(_JavaScript(None, priority=js.priority, body=MATHJAX_LOADER.replace("URL", url)))
        elif own_formulas or not _is_mathjax_config(js):
            out.append(js)
    context["script_files"] = out


def defer_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Mark the page's :data:`DEFERRED_SCRIPTS` ``defer`` (``html-page-context``). Not on the search
    page: its template loads Sphinx's search tools there as plain scripts, and they use doctools.js
    as they run."""
    from sphinx.builders.html._assets import _JavaScript

    if "script_files" not in context or templatename == "search.html":
        return
    context["script_files"] = [
        _JavaScript(js.filename, priority=js.priority, **{**js.attributes, "defer": "defer"})
        if isinstance(js, _JavaScript) and posixpath.basename(str(js.filename)) in DEFERRED_SCRIPTS
        else js
        for js in context["script_files"]
    ]


#: A style sheet of the page's: a ``<link>`` with rel="stylesheet" and an href into ``_static/``
#: (group 1: the href up to and including ``_static/``; group 2: the file's path under it, without
#: any ``?v=`` query). A link with a ``media`` attribute is not one: it applies only sometimes.
STYLE_LINK = re.compile(
    r'<link (?=[^>]*\brel="stylesheet")(?![^>]*\bmedia=)[^>]*?href="([^"]*?_static/)([^"?]+)(?:\?[^"]*)?"[^>]*>'
)
#: Whitespace only, between two style sheet links of one run (their order is the cascade's).
BETWEEN_LINKS = re.compile(r"\s*")
BUNDLE_PREFIX = "phb-styles-"
#: The link to a page's style sheet bundle (:func:`bundle_styles`).
STYLE_BUNDLE_LINK = re.compile(rf'<link rel="stylesheet" href="[^"]*{BUNDLE_PREFIX}[0-9a-f]+\.css" />')
#: The bundle's second line (after its charset): the files it was made from, paths under ``_static/``.
BUNDLE_SOURCES = re.compile(r"/\* phb-styles of: ([^*]*) \*/")
CSS_IMPORT = re.compile(r'@import\s+(?:url\()?\s*["\']?([^"\')\s;]+)["\']?\s*\)?\s*;')
CSS_URL = re.compile(r'url\(\s*(["\']?)([^"\')]+)\1\s*\)')
CSS_DROPPED = re.compile(r'@charset\s+"[^"]*";|/\*# sourceMappingURL=[^*]*\*/')
#: A URL that is not a path relative to the style sheet: with a scheme (data:, https:) or absolute.
NOT_RELATIVE = re.compile(r"[a-z][a-z0-9+.-]*:|/", re.I)


class StyleBundleError(RuntimeError):
    """A style sheet could not be put into a bundle (missing, or importing another host's)."""


def _rebased_urls(css: str, source_dir: str) -> str:
    """``css`` (from ``_static/<source_dir>``) with its relative ``url()``s made relative to ``_static/``."""

    def rebase(match: re.Match[str]) -> str:
        quote, target = match.group(1), match.group(2)
        if NOT_RELATIVE.match(target) or target.startswith("#"):  # data:, another host, absolute, a fragment
            return match.group(0)
        return f"url({quote}{posixpath.normpath(posixpath.join(source_dir, target))}{quote})"

    return CSS_URL.sub(rebase, css)


def style_sheet_text(static: Path, path: str, seen: tuple[str, ...] = ()) -> str:
    """The text of ``_static/<path>`` as it reads inside a bundle at ``_static/``: its same-host
    ``@import``s put in place (the cascade is the same), its ``url()``s rebased, its ``@charset``
    and source-map comments dropped (one charset heads the bundle; the maps describe other files)."""
    file = static / path
    if not file.is_file():
        raise StyleBundleError(f"{file}: a page links this style sheet, but it is not in the build")
    if path in seen:
        raise StyleBundleError(f"{file}: imports itself (through {' -> '.join(seen)})")
    source_dir = posixpath.dirname(path)

    css = CSS_DROPPED.sub("", file.read_text(encoding="utf-8"))
    # split() gives the text around each import, then the imported path: the text's urls are this
    # file's to rebase; the imported file's text comes already rebased
    parts = CSS_IMPORT.split(css)
    for i in range(1, len(parts), 2):
        target = parts[i]
        if NOT_RELATIVE.match(target):
            raise StyleBundleError(f"{file}: imports {target!r}, not a file of the book's own")
        parts[i] = style_sheet_text(static, posixpath.normpath(posixpath.join(source_dir, target)), (*seen, path))
    return "".join(part if i % 2 else _rebased_urls(part, source_dir) for i, part in enumerate(parts))


def write_style_bundle(static: Path, sources: tuple[str, ...]) -> str:
    """Write the bundle of ``sources`` (paths under ``_static/``, in cascade order) into ``static``
    unless already there; return its file name (content-hashed, so a changed style is a new file)."""
    header = f'@charset "UTF-8";\n/* phb-styles of: {" ".join(sources)} */\n'
    text = header + "\n".join(style_sheet_text(static, path) for path in sources)
    name = f"{BUNDLE_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]}.css"
    target = static / name
    if not target.is_file():
        target.write_text(text, encoding="utf-8")
    return name


def bundle_sources(static: Path, links: list[re.Match[str]]) -> tuple[str, ...]:
    """The style sheets (paths under ``_static/``) a run of ``links`` stands for: the links' own files,
    or, for a link to a bundle an earlier build wrote, the files named in its second line."""
    sources: list[str] = []
    for link in links:
        path = link.group(2)
        if path.startswith(BUNDLE_PREFIX) and "/" not in path:
            bundle = static / path
            head = bundle.read_text(encoding="utf-8").split("\n", 2)[:2] if bundle.is_file() else []
            named = BUNDLE_SOURCES.fullmatch(head[1]) if len(head) == 2 else None
            if not named:
                raise StyleBundleError(f"{bundle}: a page links this style bundle, but it is missing or unnamed")
            sources += named.group(1).split()
        else:
            sources.append(path)
    return tuple(sources)


def first_style_run(page: str) -> list[re.Match[str]]:
    """The first run of style sheet links in ``page``'s head, one after another with only whitespace
    between them (an element between two links could depend on the cascade order so far)."""
    head_end = page.find("</head>")
    run: list[re.Match[str]] = []
    for link in STYLE_LINK.finditer(page, 0, head_end if head_end >= 0 else len(page)):
        if run and not BETWEEN_LINKS.fullmatch(page, run[-1].end(), link.start()):
            break
        run.append(link)
    return run


def bundle_styles(page: str, static: Path, bundles: dict[tuple[str, ...], str]) -> str:
    """``page`` with its first run of style sheets (:func:`first_style_run`) replaced by one link to
    their bundle (written into ``static`` once per set of files, remembered in ``bundles``).

    The link stays where the run was, before the scripts: the style sheet usually arrives before
    the vega files, and is then parsed while the page waits for them (traced on chapter 1: after
    the chart scripts, its parsing and the style recalculation after it, 45 ms, came after vega
    instead, just before the first chart)."""
    run = first_style_run(page)
    if not run:
        return page
    sources = bundle_sources(static, run)
    if sources not in bundles:
        bundles[sources] = write_style_bundle(static, sources)
    link = f'<link rel="stylesheet" href="{run[0].group(1)}{bundles[sources]}" />'
    return page[: run[0].start()] + link + page[run[-1].end() :]


#: The theme's icon script, Font Awesome's "SVG with JS" (1.5 MB, by far the largest file any page
#: loads, and 60 ms of script on this machine before the page is interactive), which swaps each
#: icon element for an SVG. The theme's style sheet already draws the same icons from Font Awesome's
#: web fonts (which the page loads either way); the book adds no custom icons, the one thing the
#: theme loads the script for.
ICON_SCRIPT = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
#: The theme's preloads of its two deferred scripts (loaded at the end of the body in any case): as
#: preloads they were requested at high priority, ahead of the vega files the first chart needs.
THEME_PRELOADS = re.compile(
    r'(?:<link rel="preload" as="script" href="[^"]*_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js[^"]*" />\n?)+'
)
#: The theme's comments on the head's assets that the book drops or moves (they would mislead).
THEME_ASSET_COMMENTS = re.compile(
    r"<!-- (?:Loaded before other Sphinx assets|So that users can add custom icons|"
    r"Pre-loaded scripts that we'll load fully later) -->\s*"
)
#: An icon element without ``aria-hidden``: the SVG the script made was hidden from screen readers;
#: a web-font icon is a private-use character, hidden the same way (each icon button has its label).
ICON_ELEMENT = re.compile(
    r'<(i|span) class="((?:fa|fas|far|fab|fa-solid|fa-regular|fa-brands)(?: [-a-z0-9 ]*)?)"(?![^>]*aria-hidden)'
)


def drop_icon_script(page: str) -> str:
    """``page`` without the theme's icon script and its scripts' preloads, its icons drawn by the
    theme's web fonts and hidden from screen readers as the script hid them."""
    page = THEME_ASSET_COMMENTS.sub("", THEME_PRELOADS.sub("", ICON_SCRIPT.sub("", page)))
    return ICON_ELEMENT.sub(r'<\1 class="\2" aria-hidden="true"', page)


#: Scripts under ``_static`` that are not content for the purge: MathJax (30 MB) writes its own
#: styles, and the names it uses are kept whole (bookkit/purge_styles.cjs).
NOT_PURGE_CONTENT = ("vendor/mathjax/",)


def purge_content(outdir: Path) -> list[str]:
    """The files whose words decide which style rules are kept: every written page, and every script
    under ``_static`` (a class a script adds keeps its rules) but MathJax's."""
    static = outdir / "_static"
    pages = [path for path in outdir.rglob("*.html") if not path.relative_to(outdir).parts[0].startswith("_")]
    # a merged script (bookkit/script_bundles.py) is its parts again, which are read already
    scripts = [
        path
        for path in static.rglob("*.js")
        if not path.relative_to(static).as_posix().startswith(NOT_PURGE_CONTENT)
        and not path.name.startswith(SCRIPT_BUNDLE_PREFIX)
    ]
    return sorted(str(path) for path in pages + scripts)


def purge_key(static: Path, name: str, content: list[str]) -> str:
    """What a purge of the bundle ``name`` depends on, as one hash: the bundle's text, the purger,
    and each content file's path and bytes."""
    digest = hashlib.sha256((static / name).read_bytes() + PURGER.read_bytes())
    for path in content:
        digest.update(path.encode() + b"\0" + hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


def purged_bundle(static: Path, name: str, content: list[str], memo: Path | None = None) -> str:
    """Write the bundle ``name`` (in ``static``) with only the rules the ``content`` files can use,
    under its own content-hashed name, which is returned; its first two lines (the charset and the
    files it was made from) kept. ``name`` itself where Node or purgecss is not installed.

    ``memo`` (a JSON file beside Sphinx's doctrees, not published) remembers the last purge's inputs and result:
    a rebuild that changed none of them reuses the kept bundle instead of running Node (1 s)."""
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "purgecss").is_dir():
        return name
    key = purge_key(static, name, content)
    remembered = json.loads(memo.read_text(encoding="utf-8")) if memo is not None and memo.is_file() else {}
    if remembered.get(name, {}).get("key") == key and (static / remembered[name]["kept"]).is_file():
        return remembered[name]["kept"]
    full = static / name
    head = "".join(full.read_text(encoding="utf-8").splitlines(keepends=True)[:2])
    done = subprocess.run(
        [node, str(PURGER), str(full)], input=json.dumps(content), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise StyleBundleError(f"{full}: the unused rules could not be dropped ({PURGER.name}): {done.stderr[-2000:]}")
    kept = done.stdout[len(head) :] if done.stdout.startswith(head) else done.stdout
    text = head + kept.lstrip("\n")
    purged = f"{BUNDLE_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]}.css"
    if not (static / purged).is_file():
        (static / purged).write_text(text, encoding="utf-8")
    if memo is not None:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({**remembered, name: {"key": key, "kept": purged}}), encoding="utf-8")
    return purged


#: A dropdown menu of the theme's header (the launch buttons' menu), closed until the reader opens it.
DROPDOWN_MENU = re.compile(r'<ul class="dropdown-menu">.*?</ul>', re.S)
#: An image without a ``loading`` attribute.
EAGER_IMAGE = re.compile(r"<img (?![^>]*\bloading=)")


def lazy_menu_images(page: str) -> str:
    """``page`` with the images of its closed dropdown menus (the Binder and Colab logos of the
    launch menu) loaded only when the menu is opened: the SVG logo alone was 10 ms of the main
    thread before the first chart (traced on chapter 1), for a picture no one sees until then."""
    return DROPDOWN_MENU.sub(lambda menu: EAGER_IMAGE.sub('<img loading="lazy" ', menu.group(0)), page)


def lighten_written_pages(app: Any, exception: Exception | None) -> None:
    """After an HTML build, in every page written (``build-finished``): one style sheet bundle for
    its style sheets, no icon script, its scripts merged into a few files, the closed menus' images
    loaded lazily, no indentation, and on a page with charts its fonts made ready early
    (bookkit/font_warmup.py);
    then the bundle's unused rules dropped (:func:`purged_bundle`, over every page and script).
    Every page, not just those this build wrote, so that a changed style sheet reaches the pages
    Sphinx kept; bundles no page links any more are removed."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    bundles: dict[tuple[str, ...], str] = {}
    script_bundles: dict[tuple[str, ...], str] = {}
    written: dict[Path, str] = {}
    for path in outdir.rglob("*.html"):
        if path.relative_to(outdir).parts[0].startswith("_"):  # _static, _sources: not pages
            continue
        page = path.read_text(encoding="utf-8")
        lighter = drop_icon_script(bundle_styles(page, static, bundles))
        lighter = drop_indentation(lazy_menu_images(bundle_scripts(lighter, static, script_bundles)))
        lighter = warm_fonts(lighter, STYLE_BUNDLE_LINK)
        if lighter != page:
            path.write_text(lighter, encoding="utf-8")
        written[path] = lighter
    remove_unlinked_scripts(static, set(script_bundles.values()))
    content = purge_content(outdir) if bundles else []
    # beside Sphinx's doctrees, kept between builds: `_build/html/.doctrees`, a hidden folder, which
    # actions/upload-pages-artifact (v4 on) leaves out of the site (no memo in a bare call, as in tests)
    memo = Path(app.doctreedir) / "phb-styles-purged.json" if getattr(app, "doctreedir", None) else None
    purged = {name: purged_bundle(static, name, content, memo) for name in sorted(set(bundles.values()))}
    for path, page in written.items():
        relinked = page
        for name, kept in purged.items():
            relinked = relinked.replace(f'_static/{name}"', f'_static/{kept}"')
        if relinked != page:
            path.write_text(relinked, encoding="utf-8")
    linked = set(purged.values())
    for old in static.glob(f"{BUNDLE_PREFIX}*.css"):
        if old.name not in linked:
            old.unlink()


def setup(app: Any) -> dict[str, Any]:
    """Register with Sphinx: the templates, the code lightening, the deferred scripts, the chart
    scripts left out of pages without charts, and the pass over the written pages (style bundle,
    icon script, merged scripts, indentation)."""
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", lighten_code)
    app.connect("html-page-context", defer_scripts, priority=900)
    app.connect("html-page-context", drop_chart_scripts, priority=900)
    app.connect("html-page-context", drop_widget_state, priority=900)
    app.connect("html-page-context", load_mathjax_later, priority=900)
    # after the theme's and extensions' own build-finished handlers, which still write style sheets
    # (pydata-sphinx-theme its pygments.css, myst-nb and sphinx-exercise theirs)
    app.connect("build-finished", lighten_written_pages, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
