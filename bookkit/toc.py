"""The book's table of contents, read once for everything that walks the book.

The browser tests, the PDF, the 404 page, the figures index and the benchmarks all need "every page,
in book order"; they all ask this module, so a page added to ``_toc.yml`` reaches each of them.
"""

from __future__ import annotations

from pathlib import Path

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
