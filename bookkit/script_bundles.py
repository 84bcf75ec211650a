"""A page's same-host scripts in a few files instead of twenty (issue 18), run in the same order
and the same mode as before: called by bookkit.light_pages on every written page.

Why: a chapter's page asked for twenty scripts. On this machine's server (and on any HTTP/1 host,
six connections at a time, or a slow network, a round trip each) the vega files the first chart
needs were answered after the chart's own small files, the style sheet and the deferred scripts
the page only runs once it is parsed: traced on chapter 1, vega.min.js arrived 40 ms later than
on the floor page, which asks for three files (benchmarks/why.md, tenth round).

What is merged, and why each merge changes nothing but the number of requests:

- *A run of the head's parser-blocking scripts* (``<script src>`` with nothing else, one after
  another with only whitespace between) is one file: classic scripts run one after another in
  document order, each to its end, as the parts of one file do. The first chart's files
  (``_static/phb-data``) are one such run; ``documentation_options.js``, vega's three files and the
  book's chart scripts another.
- *The page's deferred scripts* (``defer``, anywhere in the page) are one file, or a few, placed
  where the last of them was: deferred scripts run in document order once the page is parsed,
  after every inline and parser-blocking script, wherever they stand in the page.

A script is never merged when merging could change what it does:

- *strict mode*: a file that begins with a ``"use strict"`` directive is strict throughout; in a
  merged file only the first part's directive would count. So strict files are merged only with
  strict files (that file starts with the directive), other files only with other files (that file
  starts with an empty statement, so that no part's directive applies to the rest);
- *its own element*: a script that reads ``document.currentScript`` for anything but its
  attributes (MathJax finds its other files from its own address) stays alone; one that reads its
  attributes (sphinx-design's tabs) gets them on the merged file's element, and two parts that
  would need different values for one attribute are not merged;
- a script with a ``type``, ``async``, ``nomodule`` or any other attribute, or from another host's
  address: not merged (a deferred one still moves with the others, in its order); a page with
  module scripts (deferred too, in order with the deferred ones), or with a deferred script from
  another host: left as it is.

Each merged file is ``_static/phb-scripts-<content hash>.js``; its first line names its parts
(paths under ``_static/``), so a later build that does not rewrite a page still merges the changed
parts for it (as the style bundle does). Each part ends with a line break and an empty statement,
so that no part's last line runs into the next's first. Source-map comments are dropped: they
describe the parts. Files no page links any more are removed.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

BUNDLE_PREFIX = "phb-scripts-"
#: The merged file's first line: its parts, paths under ``_static/``.
BUNDLE_SOURCES = re.compile(r"/\* phb-scripts of: ([^*]*) \*/")
#: An external script element: its attributes before and after ``src`` and the address.
SCRIPT = re.compile(r'<script\b(?P<before>[^>]*?)\ssrc="(?P<src>[^"]*)"(?P<after>[^>]*)>\s*</script>\n?')
#: One attribute: a name, and a quoted value or none (``defer``).
ATTRIBUTE = re.compile(r'\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?')
#: An address into the book's ``_static/`` (group 1: up to and including it; group 2: the path;
#: any ``?v=`` query dropped: the merged file is named by its content).
STATIC_SRC = re.compile(r"^((?:\.\./)*_static/)([^?#]+)(?:\?[^#]*)?$")
#: Leading comments and whitespace, then a ``"use strict"`` directive.
STRICT = re.compile(r"""^(?:\s|//[^\n]*\n|/\*.*?\*/)*(["'])use strict\1""", re.S)
#: A use of the script's own element other than reading its attributes.
OWN_ELEMENT = re.compile(r"currentScript(?!\??\.(?:getAttribute\(|dataset\b))")
#: A line that is only a comment (``//``, or a block comment's ``/*``, ``*`` or ``*/`` lines):
#: what it says about ``currentScript`` is not a use of it.
COMMENT_LINE = re.compile(r"^[ \t]*(?://|/\*|\*).*$", re.M)
SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)
MODULE = re.compile(r'<script\b[^>]*\btype="module"')
#: Scripts never merged whatever their text says (MathJax: 1 MB, and it loads its parts from its own address).
NEVER = ("vendor/mathjax/",)

#: Merged files by their parts (paths under ``_static/``), for one pass over a build's pages.
Bundles = dict[tuple[str, ...], str]
#: Spans of a page to replace: (start, end, new text).
Edits = list[tuple[int, int, str]]


class ScriptBundleError(RuntimeError):
    """A page names a script of the book's that is not in the build."""


@dataclass(frozen=True)
class Script:
    """One external script element of a page (a match of :data:`SCRIPT`)."""

    start: int
    end: int
    prefix: str  # the address up to and including _static/ ("" for another host's or the page's own)
    path: str  # under _static/
    attributes: tuple[tuple[str, str | None], ...]  # besides src, in order

    @property
    def deferred(self) -> bool:
        return any(name == "defer" for name, _ in self.attributes)

    def data(self) -> dict[str, str | None]:
        """Its ``data-*`` attributes (what a part may read from its element)."""
        return {name: value for name, value in self.attributes if name.startswith("data-")}


def scripts(page: str, start: int = 0, end: int | None = None) -> list[Script]:
    """The external script elements of ``page`` between ``start`` and ``end``."""
    found = []
    for match in SCRIPT.finditer(page, start, len(page) if end is None else end):
        attributes = tuple(
            (attribute[1].lower(), attribute[2])
            for attribute in ATTRIBUTE.finditer(match["before"] + " " + match["after"])
        )
        local = STATIC_SRC.match(match["src"])
        found.append(
            Script(match.start(), match.end(), local[1] if local else "", local[2] if local else "", attributes)
        )
    return found


def _text(static: Path, path: str) -> str:
    """The text of ``_static/<path>`` (read once per version of the file: every page asks)."""
    file = static / path
    if not file.is_file():
        raise ScriptBundleError(f"{file}: a page loads this script, but it is not in the build")
    stat = file.stat()
    return _read(file, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _read(file: Path, mtime_ns: int, size: int) -> str:
    return file.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=256)
def _facts(text: str) -> tuple[bool, bool]:
    """Whether a script's text begins with a strict directive, and whether it reads its own element."""
    return bool(STRICT.match(text)), bool(OWN_ELEMENT.search(COMMENT_LINE.sub("", text)))


def parts_of(static: Path, path: str) -> tuple[str, ...]:
    """The files a script stands for: itself, or, for a file merged by an earlier build, its parts."""
    if not (path.startswith(BUNDLE_PREFIX) and "/" not in path):
        return (path,)
    first = _text(static, path).split("\n", 1)[0]
    named = BUNDLE_SOURCES.fullmatch(first)
    if not named:
        raise ScriptBundleError(f"{static / path}: a page loads this merged script, but its parts are not named")
    return tuple(named.group(1).split())


def mergeable(static: Path, script: Script) -> bool:
    """Whether ``script`` may be merged: the book's own file, with no attribute but ``defer`` and
    ``data-*`` ones (none for a parser-blocking one: a ``data-*`` on it could be read as it runs,
    before the page goes on), not reading its own element for anything but its attributes."""
    if not script.prefix or script.path.startswith(NEVER):
        return False
    if script.deferred:
        if any(name != "defer" and not name.startswith("data-") for name, _ in script.attributes):
            return False
    elif script.attributes:
        return False
    return not any(_facts(_text(static, part))[1] for part in parts_of(static, script.path))


def is_strict(static: Path, path: str) -> bool:
    """Whether the file begins with a ``"use strict"`` directive (strict throughout)."""
    return _facts(_text(static, path))[0]


def groups(static: Path, run: list[Script]) -> list[list[tuple[Script, str]]]:
    """``run`` (mergeable scripts that run one after another) as groups of (script, part) that may
    share a file: the parts in order, a new group wherever strictness changes or a ``data-*``
    attribute would need two values."""
    out: list[list[tuple[Script, str]]] = []
    for script in run:
        for part in parts_of(static, script.path):
            if out:
                data: dict[str, str | None] = {}
                for earlier, _ in out[-1]:
                    data.update(earlier.data())
                clash = any(key in data and data[key] != value for key, value in script.data().items())
                if not clash and is_strict(static, part) == is_strict(static, out[-1][-1][1]):
                    out[-1].append((script, part))
                    continue
            out.append([(script, part)])
    return out


def write_bundle(static: Path, parts: tuple[str, ...]) -> str:
    """Write the merged file of ``parts`` (paths under ``_static/``, in order) into ``static`` unless
    already there; return its name (content-hashed: a changed part is a new file)."""
    opening = '"use strict";\n' if is_strict(static, parts[0]) else ";\n"
    body = "".join(SOURCE_MAP.sub("", _text(static, part)).rstrip() + "\n;\n" for part in parts)
    text = f"/* phb-scripts of: {' '.join(parts)} */\n" + opening + body
    name = f"{BUNDLE_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]}.js"
    if not (static / name).is_file():
        (static / name).write_text(text, encoding="utf-8")
    return name


def elements(page: str, static: Path, run: list[Script], bundles: Bundles) -> str:
    """The script elements that stand for ``run`` (mergeable scripts, in order): one per group of
    :func:`groups`, a script that is its own group as it was. Merged files are written once per
    list of parts (remembered in ``bundles``); a merged element has every attribute of its parts."""
    out = []
    for group in groups(static, run):
        first = group[0][0]
        if len(group) == 1 and group[0][1] == first.path:
            out.append(page[first.start : first.end].rstrip("\n") + "\n")
            continue
        parts = tuple(part for _, part in group)
        if len(parts) == 1:
            name = parts[0]
        else:
            if parts not in bundles:
                bundles[parts] = write_bundle(static, parts)
            name = bundles[parts]
        attributes: dict[str, str | None] = {}
        for script, _ in group:
            attributes.update(dict(script.attributes))
        attributes.update({"defer": "defer"} if "defer" in attributes else {})
        text = "".join(f' {key}="{value}"' if value is not None else f" {key}" for key, value in attributes.items())
        out.append(f'<script{text} src="{first.prefix}{name}"></script>\n')
    return "".join(out)


def _replace(page: str, edits: Edits) -> str:
    """``page`` with each (start, end, text) span replaced (the spans do not overlap)."""
    out, at = [], 0
    for start, end, text in sorted(edits):
        out += [page[at:start], text]
        at = end
    return "".join(out) + page[at:]


def _deferred_edits(page: str, static: Path, deferred: list[Script], bundles: Bundles) -> Edits:
    """Every deferred script, merged where it may be, in its order, where the last of them stood."""
    runs: list[list[Script]] = []
    for script in deferred:
        if mergeable(static, script) and runs and mergeable(static, runs[-1][-1]):
            runs[-1].append(script)
        else:
            runs.append([script])
    replacement = "".join(
        elements(page, static, run, bundles) if mergeable(static, run[0]) else page[run[0].start : run[0].end]
        for run in runs
    )
    last = deferred[-1]
    return [(s.start, s.end, "") for s in deferred[:-1]] + [(last.start, last.end, replacement)]


def bundle_scripts(page: str, static: Path, bundles: Bundles) -> str:
    """``page`` with its deferred scripts and its head's runs of parser-blocking scripts merged (see
    the module's docstring); merged files are written into ``static`` once per list of parts, and
    remembered in ``bundles``."""
    if MODULE.search(page):
        return page
    head_end = page.find("</head>")
    head_end = len(page) if head_end < 0 else head_end
    edits: Edits = []

    deferred = [s for s in scripts(page) if s.deferred]
    if deferred and all(s.prefix for s in deferred):  # another host's deferred script: left as it is
        edits += _deferred_edits(page, static, deferred, bundles)
    removed = deferred[:-1] if edits else []

    def blank_between(a: Script, b: Script) -> bool:
        """Nothing but whitespace (and deferred scripts that move away) between ``a`` and ``b``."""
        gap = page[a.end : b.start]
        for gone in removed:
            if a.end <= gone.start and gone.end <= b.start:
                gap = gap.replace(page[gone.start : gone.end], "", 1)
        return not gap.strip()

    def close(run: list[Script]) -> None:
        # a run of one is left as it is, unless it is an earlier build's merged file (remade)
        if len(run) > 1 or (run and run[0].path.startswith(BUNDLE_PREFIX)):
            edits.extend((s.start, s.end, "") for s in run[1:])
            edits.append((run[0].start, run[0].end, elements(page, static, run, bundles)))

    run: list[Script] = []
    for script in scripts(page, 0, head_end):
        if script.deferred:
            continue
        if not mergeable(static, script) or (run and not blank_between(run[-1], script)):
            close(run)
            run = []
        if mergeable(static, script):
            run.append(script)
    close(run)
    return _replace(page, edits)


def remove_unlinked(static: Path, linked: set[str]) -> None:
    """Remove the merged files no page links any more."""
    for old in static.glob(f"{BUNDLE_PREFIX}*.js"):
        if old.name not in linked:
            old.unlink()
