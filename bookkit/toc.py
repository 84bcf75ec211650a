"""The book's table of contents, read once for everything that walks the book.

The browser tests, the PDF, the 404 page, the figures index and the benchmarks all need "every page,
in book order"; they all ask this module, so a page added to ``_toc.yml`` reaches each of them.

It is also a Sphinx extension (loaded by :mod:`bookkit`): at build time the files the toc does
not list are excluded (:func:`exclude_files_outside_toc`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def toc_documents(root: Path = ROOT) -> list[str]:
    """Every document _toc.yml lists, in book order, as names without a suffix ("chapters/05_outcomes")."""
    import yaml

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [str(Path(name).with_suffix("")) if Path(name).suffix in (".md", ".ipynb") else name for name in found]


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page in _toc.yml, as the path of its HTML file in the built site
    (``chapters/05_outcomes.html``)."""
    return [f"{name}.html" for name in toc_documents(root)]


def files_outside_toc(
    srcdir: Path, listed: Callable[[str], bool], excluded: Callable[[str], bool], suffixes: Iterable[str]
) -> list[str]:
    """Every source file under ``srcdir`` (a name ending in one of ``suffixes``) that the table of
    contents does not list and no exclude pattern already covers, as a path relative to ``srcdir``.

    The same files sphinx_external_toc's ``external_toc_exclude_missing`` finds, found without
    walking into folders already excluded: its recursive glob walks every file of ``_build`` (a
    whole virtual environment for the hub test among them) and ``node_modules``, 1.6 s of every
    build (a no-change rebuild took 4.5 s, now 3.1 s). As its glob does, hidden files and folders
    are skipped.
    ``listed(path)`` says whether the toc lists a path (with or without its suffix); ``excluded(path)``
    whether an exclude pattern matches it."""
    suffixes = tuple(suffixes)
    found = []
    for folder, subfolders, files in os.walk(srcdir):
        relative = Path(folder).relative_to(srcdir)
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and not excluded((relative / name).as_posix())
        )
        for name in sorted(files):
            path = (relative / name).as_posix()
            if name.startswith(".") or not name.endswith(suffixes):
                continue
            if not (listed(path) or excluded(path)):
                found.append(path)
    return found


def exclude_files_outside_toc(app: Any, config: Any) -> None:
    """At ``config-inited``, before sphinx_external_toc (priority 900): when the book builds only the
    files its toc lists (``only_build_toc_files``), add the others to ``exclude_patterns`` with
    :func:`files_outside_toc` and turn sphinx_external_toc's own, slower search off."""
    if not config["external_toc_exclude_missing"]:
        return
    from sphinx.util.matching import Matcher, patmatch
    from sphinx_external_toc.parsing import parse_toc_yaml

    srcdir = Path(app.srcdir)
    site_map = parse_toc_yaml(srcdir / config["external_toc_path"])
    matcher = Matcher(config["exclude_patterns"])
    globs = list(site_map.globs())
    suffixes = list(config["source_suffix"])

    def listed(path: str) -> bool:
        stem = next((path[: -len(s)] for s in suffixes if path.endswith(s)), path)
        return path in site_map or stem in site_map or any(patmatch(stem, pattern) for pattern in globs)

    def excluded(path: str) -> bool:
        parts = path.split("/")
        return any(matcher("/".join(parts[: i + 1])) for i in range(len(parts)))

    outside = files_outside_toc(srcdir, listed, excluded, suffixes)
    # A new list, as sphinx_external_toc does (extending would alter the default config value).
    config["exclude_patterns"] = config["exclude_patterns"] + outside
    config["external_toc_exclude_missing"] = False


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: the files outside the toc excluded quickly (:func:`exclude_files_outside_toc`)."""
    app.connect("config-inited", exclude_files_outside_toc, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
