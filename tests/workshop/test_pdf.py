"""`make pdf`: the whole book as one PDF, printed by Debian's Chromium, with every chapter in it."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from phb import pdf

ROOT = Path(__file__).resolve().parents[2]


def toc_files() -> list[Path]:
    """Every source file _toc.yml lists, in book order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    paths = []
    for name in found:
        candidates = [ROOT / f"{name}{ext}" for ext in (".md", ".ipynb")] + [ROOT / name]
        paths.append(next(p for p in candidates if p.is_file()))
    return paths


def title_of(path: Path) -> str:
    """The page's `# Title` (the first level-one heading of a .md file or of a notebook)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    match = re.search(r"^# +(.+?)\s*$", text, re.M)
    assert match, f"{path.relative_to(ROOT)} has no '# Title' line"
    return re.sub(r"[*_`]", "", match.group(1))  # the PDF shows emphasis, not its markup


def normalise(text: str) -> str:
    """PDF text as words: ligatures undone (NFKC), curly quotes straightened, lines joined."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                         "\u2013": "-", "\u2014": "-"}))
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m phb.pdf`` once; without Chromium, skip (fail under CI=true), as the browser tests."""
    if not pdf.CHROMIUM.exists():
        message = (f"Chromium not found at {pdf.CHROMIUM}: install it with `apt-get install -y "
                   "chromium` (or set PHB_CHROMIUM) to make and test the PDF")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — CI=true, so the PDF test must run", pytrace=False)
        pytest.skip(message)
    target = tmp_path_factory.mktemp("pdf") / "phb-book.pdf"
    result = subprocess.run([sys.executable, "-m", "phb.pdf", "--out", str(target)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"phb.pdf failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}", pytrace=False)
    return target


@pytest.fixture(scope="module")
def pdf_text(pdf_file: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(pdf_file)
    return len(reader.pages), normalise(" ".join(page.extract_text() or "" for page in reader.pages))


def test_page_count_is_sensible(pdf_text: tuple[int, str]) -> None:
    pages, _ = pdf_text
    # Each page of the book starts a new sheet, so there are at least as many sheets as pages;
    # far more than a few dozen sheets a page would mean broken layout (one chart per sheet...).
    low, high = len(toc_files()), 40 * len(toc_files())
    assert low <= pages <= high, f"the PDF has {pages} pages; expected between {low} and {high}"


@pytest.mark.parametrize("source", toc_files(), ids=lambda p: p.stem)
def test_pdf_contains_every_title_in_the_toc(pdf_text: tuple[int, str], source: Path) -> None:
    _, text = pdf_text
    title = title_of(source)
    assert normalise(title) in text, f"the PDF lacks the title of {source.name}: {title!r}"


def test_the_pdf_is_a_pdf_and_names_the_book(pdf_file: Path, pdf_text: tuple[int, str]) -> None:
    assert pdf_file.read_bytes()[:5] == b"%PDF-"
    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    assert normalise(title) in pdf_text[1]


# ---------------------------------------------------------------- kept in step with the rest
def test_singlehtml_build_uses_the_makefile_strict_flags() -> None:
    line = re.search(r"^SPHINX_FLAGS\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert line and line.group(1).split() == pdf.SPHINX_FLAGS


def test_chromium_is_started_as_in_the_browser_tests() -> None:
    tree = ast.parse((ROOT / "tests" / "book" / "conftest.py").read_text())
    values = [ast.literal_eval(node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
              and any(getattr(t, "id", None) == "CHROMIUM_ARGS" for t in node.targets)]
    assert values == [pdf.CHROMIUM_ARGS]


def test_makefile_has_the_workshop_and_pdf_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^workshop: setup\n\t\$\(PY\) -m phb\.workshop$", makefile, re.M)
    assert re.search(r"^pdf: setup\n\t\$\(PY\) -m phb\.pdf$", makefile, re.M)
    assert re.search(r"^test:.*\n.*tests/workshop tests/book", makefile, re.M)
