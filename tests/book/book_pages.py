"""Where the built book is and which pages it has: imported by the book tests and their conftest.

(A module of its own, because ``from conftest import …`` is ambiguous once several test folders
have a conftest.py.)"""

from __future__ import annotations

from pathlib import Path

from phb.book import toc_documents

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


def toc_pages() -> list[str]:
    """Every page in _toc.yml, as the path of its HTML file under _build/html."""
    return [f"{name}.html" for name in toc_documents()]
