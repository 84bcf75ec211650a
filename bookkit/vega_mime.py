"""Draw the charts stored in notebooks into the published book (a myst-nb MIME renderer plugin).

A chapter stores each chart as its Vega-Lite spec under :data:`phb.charts.theme.LIVE_MIME`, which JupyterLab
and other live front ends draw with the Vega-Lite they bundle. The published page has no such front
end: this plugin, registered under the ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``,
writes the spec as the book's offline embed (:func:`phb.charts.theme.embed_html`), which uses the vega
scripts the book serves itself.

Pages stay light (issue 18: every page at most 100 KB of HTML). Each chart is a ``<div>`` and one
short script that pushes its drawing onto ``window.phbCharts`` (book_assets/phb-charts.js draws the
queue, and anything pushed later at once: the script may be loaded before or, deferred, after the
charts), instead of Altair's loader template (about 2 KB of script per chart). In a Sphinx build, a spec's large
inline datasets (a twin's whole precomputed grid) and its theme config (the same on every chart) are
moved out of the page into content-hashed script files under the build's ``_static/phb-data/`` (see
:func:`file_script`): the spec keeps only their names (``usermeta.phbFiles``), and
book_assets/phb-charts.js loads them from the book's own host (or the folder the book was opened
from) before the chart is drawn (no other host, no kernel; a file shared by several charts or pages
is loaded once and then cached; the page's first chart has its files loaded in the page's head, see
:func:`chart_html_with_files`). Listed in ``_config.yml`` as a Sphinx extension so
that the files are written with every HTML build, including a no-change rebuild.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes

from phb.charts.theme import LIVE_MIME, NARROW_CHART_WIDTH

#: Folder under the build's ``_static`` that holds the charts' data and config files.
DATA_FOLDER = "phb-data"
#: vega-lite, under ``_static``: the build compiles with it; a page never lists it among its scripts
#: (book_assets/phb-charts.js loads it), but preloads it on a narrow screen (:func:`vega_lite_preload`).
VEGA_LITE = "vendor/vega-lite.min.js"
#: A dataset whose JSON is larger than this many bytes is served as a file; smaller ones stay in
#: the page (a request costs more than a few hundred bytes inline).
INLINE_LIMIT = 2_000
#: Where the chart files of each document are kept between reading and writing (the environment
#: is pickled, so a no-change rebuild still writes them).
ENV_KEY = "phb_chart_files"
#: A chart whose spec (without its large datasets and theme config) is longer than this many bytes
#: has its spec served as a file too (encodings, transforms, text description).
SPEC_LIMIT = 1_000
#: The builder that writes every document into one page (the PDF's source): ids there need the
#: document's name to stay unique, each figure keeps its note inside it (bookkit.sphinx_ext), and
#: the one page loads every document's first-chart files.
ONE_PAGE_BUILDER = "singlehtml"
#: Where the files the page's first chart needs in the head of its page are kept per document.
FIRST_KEY = "phb_first_chart_files"
#: A file of the first chart at most this many bytes is loaded in the page's head (with the vega
#: files, at their priority); a larger one just before the chart (it would hold up the page's text).
HEAD_LIMIT = 64_000
#: What the name of a chart's spec file starts with.
CHART_SPEC = "spec"
#: How a page's HTML names a file of ``_static/phb-data`` before the page is written:
#: ``phb-data:NAME``; :mod:`bookkit.data_toggles` replaces it by the file's URL relative to the page
#: (which only the builder knows: the one-page build puts every chapter at the top folder).
STATIC_DATA_URL = "phb-data:"
#: What the name of a first chart's compiled Vega spec file starts with (:func:`compiled_file`).
COMPILED = "vega"
#: The build-time compiler: vega-lite's own compile, run by Node (bookkit/compile_vega.cjs).
COMPILER = Path(__file__).resolve().with_name("compile_vega.cjs")
#: vega-embed's options for every chart: SVG (readable by screen readers) and no actions menu (its
#: button has no accessible name, and the data is one click away in the toggle under each chart).
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def _compact(value: Any) -> str:
    """``value`` as compact JSON (no spaces, keys sorted), the form the files are written and hashed in.

    Sorted, because a kernel's outputs keep Altair's key order while the notebooks' stored outputs are
    key-sorted (nbformat writes them so): unsorted, ``make book`` (executing) and the build of stored
    outputs named the same chart files differently, and the published site, built by one over the
    other, carried the first build's files unused (0.35 MB)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _file_name(kind: str, text: str) -> str:
    """A content-hashed file name: a changed dataset gets a new name, so no cache serves it stale."""
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.js"


def file_script(name: str, text: str) -> str:
    """A chart file as the script written beside the pages: it files its JSON under its own name in
    ``window.phbChartFiles``. A script, not a JSON file, so that the charts also draw in a copy of the
    book opened from disk (``file://``), where a browser refuses ``fetch`` but still runs a script."""
    return f"(window.phbChartFiles = window.phbChartFiles || {{}})[{json.dumps(name)}] = {text};\n"


def externalise(spec: dict[str, Any], limit: int = INLINE_LIMIT) -> tuple[dict[str, Any], dict[str, str]]:
    """Split a chart spec into what stays in the page and the files served beside it.

    Returns the spec with its theme config and every dataset larger than ``limit`` bytes replaced by
    file names in ``usermeta.phbFiles`` (``{"config": name, "datasets": {dataset: name}}``), and the
    files as ``{name: JSON text}``. A spec with nothing worth moving is returned unchanged.
    """
    files: dict[str, str] = {}
    moved: dict[str, str] = {}
    datasets = spec.get("datasets")
    if isinstance(datasets, dict):
        for key, values in datasets.items():
            text = _compact(values)
            if len(text.encode()) > limit:
                moved[key] = name = _file_name("data", text)
                files[name] = text
    config = spec.get("config")
    if not moved and not isinstance(config, dict):
        return spec, files
    out = dict(spec)
    references: dict[str, Any] = {}
    if moved:
        out["datasets"] = {key: values for key, values in datasets.items() if key not in moved}
        references["datasets"] = moved
    if isinstance(config, dict):
        text = _compact(config)
        references["config"] = name = _file_name("config", text)
        files[name] = text
        del out["config"]
    usermeta = dict(out.get("usermeta") or {})
    usermeta["phbFiles"] = references
    out["usermeta"] = usermeta
    return out, files


def _element_id(spec_text: str) -> str:
    """A chart's element id, from its spec: the same on every run (nbval and caches see no change)."""
    return f"phb-chart-{hashlib.sha256(spec_text.encode()).hexdigest()[:16]}"


#: What each chart's script calls (:func:`_queue_drawing`): a page whose body has it draws a chart.
DRAWS_A_CHART = "vegaEmbed("


def _queue_drawing(element: str, spec_expression: str) -> str:
    """The script that queues a chart's drawing for book_assets/phb-charts.js (so the page needs no
    vega script while it is parsed, and no script from another host)."""
    return (
        f"(window.phbCharts=window.phbCharts||[]).push(()=>{DRAWS_A_CHART}"
        f'"#{element}",{spec_expression},{_compact(EMBED_OPTIONS)}));'
    )


def _in_script(text: str) -> str:
    """JSON text as it may stand inside a script element: "</" may not appear there, and JSON
    allows the escape "<\\/"."""
    return text.replace("</", "<\\/")


def _figure(element: str, scripts: str) -> str:
    """A chart's figure: its element, then the scripts that load its files and queue its drawing."""
    return f'<figure class="phb-figure"><div id="{element}"></div>{scripts}</figure>'


def _file_scripts(names: Any) -> str:
    """Parser-inserted script elements for files of ``_static/phb-data`` (each files its JSON under
    its name in ``window.phbChartFiles`` as soon as the parser reaches it)."""
    return "".join(f'<script src="{STATIC_DATA_URL}{name}"></script>' for name in names)


def chart_html(spec: dict[str, Any]) -> str:
    """A chart as the page's HTML: a figure with its element and the script that queues its drawing."""
    text = _compact(spec)
    call = _queue_drawing(_element_id(text), _in_script(text))
    return _figure(_element_id(text), f"<script>{call}</script>")


def head_files(files: dict[str, str]) -> list[str]:
    """The names of the first chart's files loaded in its page's head: those of at most
    :data:`HEAD_LIMIT` bytes."""
    return [name for name, text in files.items() if len(text.encode()) <= HEAD_LIMIT]


def chart_html_with_files(
    spec: dict[str, Any],
    limit: int = SPEC_LIMIT,
    first: bool = False,
    compile_spec: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[str, dict[str, str]]:
    """A chart as the page's HTML in a Sphinx build, and its files (``{name: JSON text}``): its large
    datasets and theme config (:func:`externalise`) and, when what is left of its spec is longer than
    ``limit`` bytes, the spec itself. The page then loads the spec's file with a script element
    (a script, not a fetch, so that it also runs in a copy of the book opened from disk) just before
    the chart's own short script, which queues the drawing as inline charts do and finds the spec in
    ``window.phbChartFiles`` (a script element without ``async`` or ``defer`` has run by then).

    The page's ``first`` chart has its files (theme config, datasets, spec) loaded in the page's
    head instead, so it can be drawn while the page is still being parsed: book_assets/phb-charts.js would otherwise
    insert their scripts, and Chromium runs a script inserted by script only after the parser and
    the deferred scripts (DOMContentLoaded, 0.2-0.35 s later on this book's pages; issue 18), and
    a script element in the body is requested after the head's files and the theme's deferred ones
    (measured: 0.6 s). Those of :func:`head_files` are loaded in the head
    (:func:`load_first_chart_files`); a larger one by a script element just before the chart.
    Later charts' files are still inserted by phb-charts.js: the first chart needs none of them,
    and a parser-inserted script holds up the rest of the page until it has run.

    Given ``compile_spec`` (:func:`vega_compiler`), the ``first`` chart also gets its compiled Vega
    specs as a file (:func:`compiled_file`): drawn in light or dark mode at its designed width, as
    on a wide screen, the chart is then drawn from one without compiling in the reader's browser
    (31-63 ms of the first chart on this book's pages; issue 18).
    """
    spec, files = externalise(spec)
    text = _compact(spec)
    if first and compile_spec is not None:
        whole = whole_spec(spec, files)
        name, compiled = compiled_file(_element_id(text), whole, compile_spec(whole))
        files[name] = compiled
    if len(text.encode()) > limit:
        name = _file_name(CHART_SPEC, text)
        files[name] = text
        call = _queue_drawing(_element_id(text), f"window.phbChartFiles[{json.dumps(name)}]")
    else:
        call = _queue_drawing(_element_id(text), _in_script(text))
    in_head = head_files(files) if first else []
    loads = [name for name in files if name not in in_head and (first or name.startswith(CHART_SPEC))]
    return _figure(_element_id(text), f"{_file_scripts(loads)}<script>{call}</script>"), files


def whole_spec(spec: dict[str, Any], files: dict[str, str]) -> dict[str, Any]:
    """``spec`` (as :func:`externalise` left it in the page) whole again, as book_assets/phb-charts.js
    rebuilds it from its files before drawing (its ``withFiles``): the theme config, then the
    moved datasets, put back."""
    names = (spec.get("usermeta") or {}).get("phbFiles")
    if not isinstance(names, dict):
        return spec
    out = dict(spec)
    if names.get("config"):
        config = json.loads(files[names["config"]])
        out["config"] = _merged(config, spec.get("config"))
    moved = names.get("datasets") or {}
    if moved:
        out["datasets"] = {
            **(spec.get("datasets") or {}),
            **{key: json.loads(files[name]) for key, name in moved.items()},
        }
    return out


def _merged(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    """``base`` updated by ``extra``, nested dictionaries merged (phb-charts.js's ``merge``)."""
    out = dict(base)
    for key, value in (extra or {}).items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


#: The page's own code for a chart's dark-mode spec (under ``html_static_path``), which the build's
#: compiler runs too (bookkit/compile_vega.cjs).
COLOURS_SCRIPT = "phb-chart-colours.js"


def vega_compiler(static_paths: list[Path]) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """A function compiling a Vega-Lite spec to Vega with the vega-lite the book serves (the first
    ``vendor/vega-lite.min.js`` under ``static_paths``), run by Node, for light and for dark mode:
    ``{"light": Vega spec, "dark": Vega spec}``, the dark one compiled from the spec the page draws
    in dark mode (:data:`COLOURS_SCRIPT`, with phb/charts/theme.py's page settings). None where Node
    or the vendored files are missing (``make`` copies them): the browser then compiles every
    chart, as before."""
    from phb.charts.theme import page_settings

    node = shutil.which("node")
    vendor = next(((path / VEGA_LITE).parent for path in static_paths if (path / VEGA_LITE).is_file()), None)
    colours = next((path / COLOURS_SCRIPT for path in static_paths if (path / COLOURS_SCRIPT).is_file()), None)
    if node is None or vendor is None or colours is None:
        return None
    dark = page_settings()["dark"]

    def compile_spec(spec: dict[str, Any]) -> dict[str, Any]:
        done = subprocess.run(
            [node, str(COMPILER), str(vendor), str(colours)],
            input=_compact({"specs": [spec], "dark": dark}),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"vega-lite could not compile a chart ({COMPILER.name}): {done.stderr.strip()[-2000:]}")
        return json.loads(done.stdout)[0]

    return compile_spec


def _without_shared_values(whole: dict[str, Any], vega_spec: dict[str, Any]) -> dict[str, Any]:
    """``{"spec": vega_spec without the values of the chart's named datasets, "datasets": their
    names}`` (the browser has those values in the chart's own spec and puts them back)."""
    datasets = whole.get("datasets") or {}
    shared = []
    data = []
    for entry in vega_spec.get("data") or []:
        name = entry.get("name")
        if name in datasets and entry.get("values") == datasets[name]:
            entry = {key: value for key, value in entry.items() if key != "values"}
            shared.append(name)
        data.append(entry)
    return {"spec": {**vega_spec, "data": data}, "datasets": shared}


def compiled_file(element: str, whole: dict[str, Any], compiled: dict[str, Any]) -> tuple[str, str]:
    """A first chart's compiled Vega specs (``compiled``: :func:`vega_compiler`'s light and dark) as
    a chart file (name, JSON text): ``{"for": element id, "spec": …, "datasets": [...], "dark":
    {"spec": …, "datasets": [...]}}``, each spec without the values of the chart's named datasets
    (``datasets``: their names), which the browser already has in the chart's own spec and puts
    back (phb-charts.js), so no data is loaded twice (nor twice for the two modes)."""
    out: dict[str, Any] = {"for": element, **_without_shared_values(whole, compiled["light"])}
    if compiled.get("dark") is not None:
        out["dark"] = _without_shared_values(whole, compiled["dark"])
    text = _compact(out)
    return _file_name(COMPILED, text), text


def _env_store(env: Any, key: str) -> dict[str, Any]:
    """The build environment's dictionary ``key`` (per document), made empty on first use."""
    store = getattr(env, key, None)
    if store is None:
        store = {}
        setattr(env, key, store)
    return store


def _sphinx_env(renderer: Any) -> Any:
    """The Sphinx build environment behind a myst-nb renderer, or None outside a Sphinx build."""
    return getattr(getattr(renderer, "renderer", None), "sphinx_env", None)


def _compiler(env: Any) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """:func:`vega_compiler` for the build's static paths (``html_static_path``, from the source folder)."""
    source, config = getattr(env, "srcdir", None), getattr(env, "config", None)
    if source is None or config is None:
        return None
    return vega_compiler([Path(source) / path for path in config.html_static_path])


class VegaLiteForTheBook:
    """Turn a stored Vega-Lite spec into the book's chart HTML, for every builder that writes HTML."""

    # Above text/plain (30) for every builder: the spec is the chart; the text is only its name.
    mime_priority_overrides = [("*", LIVE_MIME, 5)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != LIVE_MIME or inline or not isinstance(data.content, dict):
            return None
        env = _sphinx_env(renderer)
        if env is None:
            html = chart_html(data.content)
        else:
            # Outputs are rendered in the page's order: a document whose first chart is not yet
            # recorded is at its first chart (recorded even when it has no files of its own).
            first_files = _env_store(env, FIRST_KEY)
            first = env.docname not in first_files
            compile_spec = _compiler(env) if first else None
            html, files = chart_html_with_files(data.content, first=first, compile_spec=compile_spec)
            _env_store(env, ENV_KEY).setdefault(env.docname, {}).update(files)
            if first:
                first_files[env.docname] = head_files(files)
        return [nodes.raw("", html, format="html", classes=["output", "text_html"])]


def write_files(app: Any, exception: Exception | None) -> None:
    """Write every document's chart files into the build's ``_static/phb-data`` (HTML builders only;
    a file already there has the same content, since its name is its hash)."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_static" / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for files in getattr(app.env, ENV_KEY, {}).values():
        for name, text in files.items():
            target = folder / name
            if not target.exists():
                target.write_text(file_script(name, text), encoding="utf-8")


def load_first_chart_files(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load the page's first chart's files (:func:`head_files`) in its head (``html-page-context``):
    script elements among the page's meta tags, so the browser requests them with the head's other
    scripts and they have run before the chart's own script queues its drawing. Written here rather
    than through ``add_js_file``, which would add a checksum only when the file is already written
    (a clean build and a rebuild would then differ)."""
    names = _first_chart_files_of_page(app, pagename)
    pathto = context.get("pathto")
    if not names or pathto is None:
        return
    tags = "".join(f'<script src="{pathto(f"_static/{DATA_FOLDER}/{name}", 1)}"></script>' for name in names)
    context["metatags"] = context.get("metatags", "") + tags + vega_lite_preload(pathto("_static/" + VEGA_LITE, 1))


def vega_lite_preload(url: str) -> str:
    """A preload of vega-lite (at ``url``) for screens narrower than a wide chart column only.

    There every chart is laid out for a narrow column, which the build does not compile, so the
    page's first chart needs vega-lite; phb-charts.js asks for it as it starts, but fetched with the
    head's scripts instead it is there sooner (a phone's first chart: median 2.10 → 1.77 × the floor
    page, issue 18). On a wider screen the media query does not match and nothing is fetched: there
    the first chart comes compiled, and vega-lite waits for the page's load event."""
    media = f"(max-width: {NARROW_CHART_WIDTH - 1}px)"
    return f'<link rel="preload" as="script" href="{url}" media="{media}">'


def _first_chart_files_of_page(app: Any, pagename: str) -> list[str]:
    """The files the page ``pagename`` loads in its head: its document's first chart's, or, in the
    single-page build (the PDF's), where the root page holds every document, every document's."""
    first = getattr(app.env, FIRST_KEY, {})
    if getattr(app.builder, "name", "") != ONE_PAGE_BUILDER:
        return list(first.get(pagename) or [])
    if pagename != app.config.root_doc:
        return []
    return list(dict.fromkeys(name for docname in sorted(first) for name in first[docname]))


def purge_doc(app: Any, env: Any, docname: str) -> None:
    """Forget a document's chart files before it is read again."""
    for key in (ENV_KEY, FIRST_KEY):
        getattr(env, key, {}).pop(docname, None)


def merge_info(app: Any, env: Any, docnames: Any, other: Any) -> None:
    """Take the chart files read by a parallel reader into the main environment."""
    for key in (ENV_KEY, FIRST_KEY):
        _env_store(env, key).update(getattr(other, key, {}))


def compile_fingerprint(static_paths: list[Path]) -> str:
    """A digest of everything a first chart's compiled specs depend on beyond its notebook: the
    compiler, the page's colours script, the vendored vega and vega-lite, and the dark mode's page
    settings (phb/charts/theme.py). Kept as a config value that Sphinx compares between builds
    (:func:`fingerprint_compiler`): when it changes, every document is read again, so that no page
    keeps a first chart compiled by an older compiler or in older dark colours."""
    from phb.charts.theme import page_settings

    digest = hashlib.sha256(json.dumps(page_settings()["dark"], sort_keys=True).encode())
    for name in ("vendor/vega.min.js", VEGA_LITE, COLOURS_SCRIPT):
        found = next((path / name for path in static_paths if (path / name).is_file()), None)
        digest.update(name.encode() + b"\0" + (found.read_bytes() if found else b"(missing)"))
    digest.update(COMPILER.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint_compiler(app: Any, config: Any) -> None:
    """Set ``phb_vega_compile`` (``config-inited``): :func:`compile_fingerprint` of the build's static paths."""
    config.phb_vega_compile = compile_fingerprint([Path(app.srcdir) / path for path in config.html_static_path])


def setup(app: Any) -> dict[str, Any]:
    """Register the file writer with Sphinx (listed in ``_config.yml``'s ``extra_extensions``)."""
    app.add_config_value("phb_vega_compile", "", "env")
    app.connect("config-inited", fingerprint_compiler)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("build-finished", write_files)
    app.connect("html-page-context", load_first_chart_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 7}
