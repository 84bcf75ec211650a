"""Where the built book is and which pages it has: imported by the book tests and their conftest.

(A module of its own, because ``from conftest import …`` is ambiguous once several test folders
have a conftest.py.)"""

from __future__ import annotations

from pathlib import Path

from bookkit.toc import toc_pages  # noqa: F401 (the book tests import it from here)

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
