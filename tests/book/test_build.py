"""The strict build: every page in _toc.yml builds with no warning."""

from pathlib import Path

from book_pages import toc_pages


def test_strict_build_writes_every_page(built_book: Path) -> None:
    missing = [page for page in toc_pages() if not (built_book / page).exists()]
    assert not missing, f"pages in _toc.yml with no HTML after the build: {missing}"


def test_no_page_names_another_host_for_scripts_or_styles(built_book: Path) -> None:
    """No <script src> or <link href> in any page points off the book (the browser test checks
    what is actually requested; this catches it without a browser)."""
    import re

    offenders = {}
    for page in built_book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//[^"]+"', text)
        if found:
            offenders[str(page.relative_to(built_book))] = found[:3]
    assert not offenders, f"pages that load scripts or styles from another host: {offenders}"
