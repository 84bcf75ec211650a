"""The book's web site as Sphinx builds it: assets, accessibility repairs, publishing, the 404 page.

Loaded with the rest of the book's Sphinx extensions through the one entry ``bookkit`` in _config.yml.

Jupyter Book 1 always loads sphinx-thebe. The book does not use Thebe (live code needs a server, and
the book's explorers work without one), but sphinx-thebe still adds an inline script naming a CDN and
re-adds it on each incremental build, which declares a constant twice and raises a page error. This
extension drops Thebe's files from every page.

It also repairs one accessibility fault of docutils' HTML: bibliography entries carry the deprecated
ARIA role ``doc-biblioentry`` inside a ``role="list"`` container, which axe reports (WCAG 4.1.2).
They become ``listitem``, which is what the container needs.

Publishing (see README, "Publishing"):

- The repository URL is written once, in ``_config.yml`` (``repository.url``). A build may override
  it with the environment variable ``PHB_REPOSITORY_URL`` (the publish workflow passes the repository
  it runs in), and with ``PHB_PUBLISH=1`` the build refuses a URL that is missing or still the
  placeholder, so a wrong link cannot reach the published book.
- Every page's footer shows the edition (``CITATION.cff``, via :mod:`bookkit.edition`).
- The 404 page (sphinx-notfound-page) links back to the first page, the search and every chapter,
  with links from the site's root (``PHB_SITE_PATH``, default ``/``), so they work at any depth.
  It belongs to the web site only: the single-page build the PDF is printed from has none.

It writes the chart settings of :func:`phb.charts.theme.page_settings` (dark-mode colours, sizes) as
``window.PHB_CHARTS`` into one content-named file under ``_static`` that every page loads before
book_assets/phb-charts.js, so the theme stays written once, in Python. And it adds the book's
templates (``bookkit/templates``), which replace two of the theme's buttons whose accessible names
did not contain their visible text (WCAG 2.5.3, axe ``label-content-name-mismatch``): the search
field ("Search Ctrl+K", named "Search") and the colour-mode switch.

The single-page build (``-b singlehtml``, which the PDF is printed from) gets every HTML node handler
it lacks (:func:`inherit_html_handlers`), so it builds as the web site does.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sphinx.errors import ConfigError
from sphinx.util import logging

from bookkit.edition import current_edition

logger = logging.getLogger(__name__)

#: The repository URL the book ships with until a fork or the publish workflow sets its own.
PLACEHOLDER_URL = "https://github.com/phb-book/phb-book"
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
BODY_FIXES = (
    ('role="doc-biblioentry"', 'role="listitem"'),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
)


def fix_body(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Apply :data:`BODY_FIXES` to the page's rendered body."""
    body = context.get("body")
    if isinstance(body, str):
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def repository_url(configured: str | None, environ: dict[str, str]) -> str:
    """The repository URL of this build: ``PHB_REPOSITORY_URL`` if set, else ``_config.yml``'s.

    With ``PHB_PUBLISH=1`` a missing or placeholder URL is refused with a :class:`ConfigError`."""
    url = (environ.get("PHB_REPOSITORY_URL") or configured or "").strip().rstrip("/")
    if environ.get("PHB_PUBLISH") == "1" and url in ("", PLACEHOLDER_URL):
        raise ConfigError(
            f"PHB_PUBLISH=1 but the repository URL is {url or 'missing'!r}: set repository.url in "
            "_config.yml (and CITATION.cff) to the book's repository, or PHB_REPOSITORY_URL"
        )
    return url


def apply_repository_url(app: Any, config: Any) -> None:
    """Put this build's repository URL everywhere _config.yml's alias put it (launch and download
    buttons, ``{{ repo_url }}`` in prose)."""
    options = config.html_theme_options
    url = repository_url(options.get("repository_url"), dict(os.environ))
    options["repository_url"] = url
    if "repo_url" in config.myst_substitutions:
        config.myst_substitutions["repo_url"] = url


def show_edition(app: Any, config: Any) -> None:
    """Add "Edition X.Y, date" to the footer of every page (the theme's ``extra_footer``)."""
    label = html.escape(current_edition(Path(app.srcdir)).label)
    options = config.html_theme_options
    options["extra_footer"] = (options.get("extra_footer") or "") + f'<p class="phb-edition">{label}</p>'
    config.html_context["phb_edition"] = label


def site_path(environ: dict[str, str]) -> str:
    """Where the site is served from (``PHB_SITE_PATH``: ``/`` locally, ``/<repo>/`` on GitHub
    Pages for a project), with one slash at each end as sphinx-notfound-page wants it."""
    path = environ.get("PHB_SITE_PATH", "/").strip().strip("/")
    return f"/{path}/" if path else "/"


def set_404_prefix(app: Any, config: Any) -> None:
    """Links on the 404 page start from the site's root, so they work from any missing URL."""
    config.notfound_urls_prefix = site_path(dict(os.environ))


def not_found_body(app: Any) -> str:
    """The 404 page's text: what happened, and links to the first page, search and every chapter."""
    from bookkit.toc import toc_documents

    prefix = app.config.notfound_urls_prefix
    documents = [d for d in toc_documents(app.srcdir) if d in app.env.titles]

    def link(target: str, text: str) -> str:
        return f'<a href="{prefix}{target}">{html.escape(text)}</a>'

    chapters = "".join(
        f"<li>{link(app.builder.get_target_uri(d), app.env.titles[d].astext())}</li>" for d in documents[1:]
    )
    first = app.builder.get_target_uri(documents[0])
    return (
        "<h1>Page not found</h1>\n"
        "<p>There is no page at this address. It may have moved when the book was revised, "
        "or the link may be mistyped.</p>\n"
        f"<p>Start again from {link(first, 'the first page and its contents')}, "
        f"or {link('search.html', 'search the book')}.</p>\n"
        f'<h2>The book\'s pages</h2>\n<ul class="phb-404-chapters">{chapters}</ul>\n'
    )


def fill_404(app: Any) -> list:
    """Write the 404 body into sphinx-notfound-page's context just before it renders the page."""
    app.config.notfound_context = {"title": "Page not found", "body": not_found_body(app)}
    return []


def keep_404_to_the_website(app: Any) -> None:
    """The single-page build (the PDF's) gets no 404 page: it would be a second page to print."""
    if app.builder.name != "html":
        for listener in list(app.events.listeners.get("html-collect-pages", [])):
            if getattr(listener.handler, "__module__", "") == "notfound.extension":
                app.disconnect(listener.id)


def keep_source_links_without_git(app: Any, env: Any) -> list:
    """A page git could not date (no git, no repository: a downloaded zip) keeps its source link.

    sphinx-last-updated-by-git drops the source name of such a page, and the theme's launch and
    download buttons then fail the build; with this, the page just shows no date."""
    dates = getattr(env, "git_last_updated", {})
    for docname, data in dates.items():
        if data is None:
            dates[docname] = (None, True)
    return []


def uncommitted_sources(srcdir: str | Path) -> set[str]:
    """The files under ``srcdir`` (paths relative to it) that differ from git's last commit or are
    not in it yet; none when git or the repository is missing."""
    commands = (
        ["git", "diff", "--name-only", "--relative", "HEAD"],
        ["git", "ls-files", "--others", "--exclude-standard"],
    )
    found: set[str] = set()
    for command in commands:
        try:
            done = subprocess.run(command, cwd=srcdir, capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            return set()
        found |= {line for line in done.stdout.splitlines() if line}
    return found


def reread_pages_dated_before_their_commit(app: Any, env: Any, added: set, changed: set, removed: set) -> list:
    """The pages that were read while their source had uncommitted changes (``env-get-outdated``):
    read again, so that once committed they show that commit's date. sphinx-last-updated-by-git
    dates a page when it is read, from its source's last commit; a page built before its change was
    committed kept the previous commit's date in every later incremental build (the page test
    found "shows 30 November, its source last changed on 1 December" after a commit)."""
    return [doc for doc in getattr(env, "phb_read_uncommitted", set()) if doc in env.found_docs]


def note_pages_read_uncommitted(app: Any, env: Any, docnames: list[str]) -> None:
    """Remember which of the pages about to be read have uncommitted changes (``env-before-read-docs``)."""
    dirty = uncommitted_sources(app.srcdir)
    if not dirty:
        env.phb_read_uncommitted = set()
        return
    srcdir = Path(app.srcdir)
    env.phb_read_uncommitted = {
        doc for doc in docnames if Path(env.doc2path(doc)).resolve().relative_to(srcdir.resolve()).as_posix() in dirty
    }


def chart_settings_script() -> str:
    """The inline script that hands phb/charts/theme.py's page settings to book_assets/phb-charts.js."""
    from phb.charts.theme import page_settings

    return "window.PHB_CHARTS = " + json.dumps(page_settings(), sort_keys=True) + ";"


def add_templates(app: Any, config: Any) -> None:
    """Put the book's templates first, so that they replace the theme's files of the same name."""
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def chart_settings_file(script: str) -> str:
    """The file under ``_static`` that holds the chart settings script, named by its content (a page
    never gets settings a browser cached from an older build)."""
    return f"phb-chart-settings-{hashlib.sha256(script.encode()).hexdigest()[:12]}.js"


def add_chart_settings(app: Any, config: Any) -> None:
    """Load the chart settings on every page, before phb-charts.js (priority 404 in _config.yml) and
    after vega-embed (402), from one small same-host file rather than 1 KB of inline script in each
    page (issue 18). They are also a config value that forces a full HTML rewrite when they change:
    otherwise an incremental build would keep pages naming the old file."""
    config.phb_chart_settings = chart_settings_script()
    app.add_js_file(chart_settings_file(config.phb_chart_settings), priority=403)


def write_chart_settings(app: Any) -> None:
    """Write the chart settings file into the build's ``_static`` before any page is written."""
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / chart_settings_file(app.config.phb_chart_settings)).write_text(
        app.config.phb_chart_settings + "\n", encoding="utf-8"
    )


def inherit_html_handlers(app: Any) -> None:
    """Give the singlehtml builder every HTML node handler it lacks.

    Sphinx looks up node handlers by builder name and falls back to the format ("html") only when
    no extension registered any handler for that name. sphinx-exercise registers its own for
    "singlehtml", so the fallback is lost and myst-nb's hidden-cell node (``hide-input`` and
    similar tags) has no handler: the build fails. Copying the HTML handlers restores the fallback.
    Runs when the builder is set up, after every extension has registered its nodes.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for name, pair in handlers.get("html", {}).items():
        single.setdefault(name, pair)


def static_fingerprint(app: Any) -> tuple[tuple[str, int, int], ...]:
    """Every file of ``html_static_path`` (folders of the book, and those extensions add, which may
    be anywhere), with its size and modification time."""
    found = []
    for folder in app.config.html_static_path:
        root = Path(app.confdir) / folder
        found += [
            (str(path), path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*"))
            if path.is_file()
        ]
    return tuple(found)


#: The book's own build code: what its Sphinx extensions run (bookkit's Python modules and the Node
#: scripts they call). Sphinx compares the documents and the config between builds, not the
#: extensions' code.
BUILD_CODE = Path(__file__).resolve().parent
BUILD_CODE_PATTERNS = ("*.py", "*.cjs")


def build_code_fingerprint(folder: Path = BUILD_CODE) -> str:
    """A digest of the build code in ``folder`` (:data:`BUILD_CODE_PATTERNS`, by path and content).
    Kept as the config value ``phb_build_code``, which Sphinx rebuilds the environment for when it
    changes (:func:`fingerprint_build_code`): after a change to how pages are written (a script
    deferred, a chart compiled differently), an incremental build rewrote only the changed documents
    and kept every other page as the old code wrote it."""
    digest = hashlib.sha256()
    for path in sorted(p for pattern in BUILD_CODE_PATTERNS for p in folder.glob(pattern)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fingerprint_build_code(app: Any, config: Any) -> None:
    """Set ``phb_build_code`` (``config-inited``): :func:`build_code_fingerprint` of bookkit."""
    config.phb_build_code = build_code_fingerprint()


#: What the chapters' outputs are made from besides their own cells: the package, the widgets and
#: the data. jupyter-cache keys a notebook's run on its cells' code only.
CHAPTER_INPUTS = ("phb", "widgets", "data")
CHAPTER_INPUT_SUFFIXES = frozenset({".py", ".csv", ".json"})
#: Beside jupyter-cache's own files: the digest of :data:`CHAPTER_INPUTS` its runs were made from.
CACHE_STAMP = "phb-chapter-inputs"


def chapter_inputs_fingerprint(root: Path = BUILD_CODE.parent) -> str:
    """A digest of :data:`CHAPTER_INPUTS` under ``root`` (their code and data files, by path and
    content)."""
    digest = hashlib.sha256()
    for folder in CHAPTER_INPUTS:
        files = sorted(p for p in (root / folder).rglob("*") if p.is_file() and p.suffix in CHAPTER_INPUT_SUFFIXES)
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def refresh_execution_cache(app: Any, config: Any) -> None:
    """Make ``make book`` run the chapters again after a change to phb, widgets or data
    (``config-inited``). jupyter-cache reuses a notebook's stored run while its cells are unchanged,
    and Sphinx reads again only the documents that changed: a chart's code changed in phb/ and the
    rebuilt book still showed the old chart, with nothing said. The digest of those folders is now
    the config value ``phb_chapter_inputs`` (its change makes Sphinx read every document again) and,
    when the build executes through the cache, is kept beside the cache, which is emptied when the
    digest differs, so that every chapter runs again once."""
    fingerprint = chapter_inputs_fingerprint(Path(app.confdir))
    config.phb_chapter_inputs = fingerprint
    if getattr(config, "nb_execution_mode", "") != "cache":
        return
    cache = Path(app.confdir) / config.nb_execution_cache_path
    stamp = cache / CACHE_STAMP
    if cache.exists() and (not stamp.exists() or stamp.read_text().strip() != fingerprint):
        logger.info("phb, widgets or data changed since the chapters last ran: every chapter runs again")
        shutil.rmtree(cache)
    cache.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")


def rewrite_when_static_files_change(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """A changed file under ``html_static_path`` (book_assets/, the vendored scripts) makes the build
    write the first page (``env-get-outdated``): Sphinx copies the static files only when it writes a
    page, so a build in which no page changed kept serving the old scripts and styles."""
    fingerprint = static_fingerprint(app)
    if getattr(env, "phb_static_fingerprint", None) == fingerprint:
        return []
    env.phb_static_fingerprint = fingerprint
    return [app.config.root_doc]


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("phb_chart_settings", "", "html")
    app.add_config_value("phb_build_code", "", "env")
    app.add_config_value("phb_chapter_inputs", "", "env")
    app.connect("config-inited", fingerprint_build_code)
    app.connect("config-inited", refresh_execution_cache)
    app.connect("config-inited", add_templates)
    app.connect("config-inited", add_chart_settings)
    app.setup_extension("notfound.extension")
    app.connect("config-inited", apply_repository_url)
    app.connect("config-inited", show_edition)
    app.connect("config-inited", set_404_prefix)
    app.connect("builder-inited", keep_404_to_the_website)
    app.connect("builder-inited", inherit_html_handlers)
    app.connect("builder-inited", write_chart_settings)
    app.connect("env-get-outdated", rewrite_when_static_files_change)
    app.connect("env-updated", keep_source_links_without_git, priority=900)
    app.connect("env-get-outdated", reread_pages_dated_before_their_commit)
    app.connect("env-before-read-docs", note_pages_read_uncommitted)
    app.connect("html-collect-pages", fill_404, priority=400)
    app.connect("html-page-context", drop_unused_assets, priority=900)
    app.connect("html-page-context", fix_body, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
