"""`make pdf`: the whole book as one PDF, printed by Debian's Chromium, with every chapter in it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from bookkit import pdf
from bookkit.browser import serve
from bookkit.edition import current_edition
from bookkit.toc import toc_documents

ROOT = Path(__file__).resolve().parents[2]


def toc_files() -> list[Path]:
    """Every source file _toc.yml lists, in book order."""
    paths = []
    for name in toc_documents():
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


#: Icons (Font Awesome's private-use characters before an admonition's title): no words.
ICONS = re.compile("[\ue000-\uf8ff]")


def normalise(text: str) -> str:
    """PDF text as words: ligatures undone (NFKC), curly quotes straightened, icons dropped, a hyphen
    that PDFium marks as ending a line (U+0002, the line joined) a hyphen again, lines joined."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("\u0002", "-")
    text = ICONS.sub("", text)
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                         "\u2013": "-", "\u2014": "-"}))
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory, chromium: Path) -> Path:
    """``python -m bookkit.pdf`` once; without Chromium, skip (fail under CI=true), as the browser tests."""
    target = tmp_path_factory.mktemp("pdf") / "phb-book.pdf"
    result = subprocess.run([sys.executable, "-m", "bookkit.pdf", "--out", str(target)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"bookkit.pdf failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}", pytrace=False)
    return target


def page_texts(path: Path) -> list[str]:
    """The normalised text of each sheet, read by PDFium (pypdfium2: the 355 sheets in about half a
    second, where pypdf took 9 s)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return [normalise(page.get_textpage().get_text_bounded()) for page in document]
    finally:
        document.close()


@pytest.fixture(scope="module")
def pages(pdf_file: Path) -> list[str]:
    return page_texts(pdf_file)


@pytest.fixture(scope="module")
def pdf_text(pages: list[str]) -> tuple[int, str]:
    return len(pages), " ".join(pages)


def solution_phrases() -> list[tuple[str, str]]:
    """From each solution cell of the chapters, the first eight words of a line of plain prose (no
    markup, glue or quotes that the page would render differently) that the rest of the chapter
    does not also say (a summary may repeat a solution's words): (chapter, phrase)."""
    found = []
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
        elsewhere = normalise(" ".join("".join(c["source"]) for c in cells if c not in solutions))
        for cell in solutions:
            if cell["cell_type"] != "markdown":
                continue
            for line in "".join(cell["source"]).splitlines():
                if line.startswith((":", "#", "|", "-", ">")) or re.search(r"[{}`$\[\]*_'\"<>\\]|--", line):
                    continue
                if len(words := line.split()) >= 8 and normalise(" ".join(words[:8])) not in elsewhere:
                    found.append((notebook.stem, " ".join(words[:8])))
                    break
    return found


def test_page_count_is_sensible(pdf_text: tuple[int, str]) -> None:
    pages, _ = pdf_text
    # Each page of the book starts a new sheet, so there are at least as many sheets as pages;
    # far more than a few dozen sheets a page would mean broken layout (one chart per sheet...).
    low, high = len(toc_files()), 40 * len(toc_files())
    assert low <= pages <= high, f"the PDF has {pages} pages; expected between {low} and {high}"


def starts_with(page: str, title: str) -> bool:
    """True if ``page`` opens with ``title``, after any chapter number ("7. ") or the citation
    labels ("[1] [2]") that text extraction may read before a bibliography's heading."""
    page = re.sub(r"^(\[\d+\] ?)+", "", page)
    return re.sub(r"^\d+(\.\d+)*\. ", "", page).startswith(normalise(title))


@pytest.mark.parametrize("source", toc_files(), ids=lambda p: p.stem)
def test_every_page_in_the_toc_starts_a_sheet_with_its_title(pages: list[str], source: Path) -> None:
    title = title_of(source)
    assert any(starts_with(page, title) for page in pages), (
        f"no sheet of the PDF opens with the title of {source.name}: {title!r}")


def test_the_pages_come_in_toc_order(pages: list[str]) -> None:
    """Each page's opening sheet comes after the previous page's (a cross-reference that happens
    to open a sheet earlier does not count)."""
    sheet = -1
    for source in toc_files():
        title = title_of(source)  # read once, not once a sheet
        later = [i for i in range(sheet + 1, len(pages)) if starts_with(pages[i], title)]
        assert later, f"{source.name} does not open a sheet after sheet {sheet + 1}"
        sheet = later[0]


def test_solutions_are_printed_open(pdf_text: tuple[int, str]) -> None:
    phrases = solution_phrases()
    missing = [(chapter, phrase) for chapter, phrase in phrases if normalise(phrase) not in pdf_text[1]]
    assert not missing, f"solutions missing from the PDF (folded away?): {missing[:5]}"


def test_self_check_questions_print_with_their_answers(pdf_text: tuple[int, str]) -> None:
    from bookkit.self_check import questions_in

    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in [c for c in cells if "self-check" in c["metadata"].get("tags", [])]:
            for question in questions_in("".join(cell["source"])):
                right = normalise(f"{question.options[question.right]} (right answer)")
                assert right in pdf_text[1], f"{notebook.stem}: the right answer is not marked in print"
                assert normalise(question.explanation) in pdf_text[1], f"{notebook.stem}: no explanation"


def test_a_handout_leaves_every_solution_out(pdf_file: Path, tmp_path: Path) -> None:
    """``--no-solutions``, printed from the single-page build the first test made."""
    handout = tmp_path / "handout.pdf"
    with serve(pdf.SINGLEHTML) as url:
        page = next(p for p in pdf.SINGLEHTML.glob("*.html") if p.name != "index.html"
                    and p.stat().st_size > 1000)
        pdf.print_pdf(f"{url}/{page.name}", handout, solutions=False)
    text = " ".join(page_texts(handout))
    leaked = [(c, p) for c, p in solution_phrases() if normalise(p) in text]
    assert not leaked, f"solutions printed in the handout: {leaked[:5]}"
    assert "exercise" in text and "solution to exercise" not in text


def test_a_second_print_has_the_same_sheets(pdf_file: Path, pages: list[str], tmp_path: Path) -> None:
    """Printing is deterministic: the same single-page build printed again gives the same number of
    sheets with the same text on each (a print that raced the page's scripts once lost chapters)."""
    again = tmp_path / "again.pdf"
    with serve(pdf.SINGLEHTML) as url:
        page = next(p for p in pdf.SINGLEHTML.glob("*.html") if p.name != "index.html"
                    and p.stat().st_size > 1000)
        pdf.print_pdf(f"{url}/{page.name}", again)
    second = page_texts(again)
    assert len(second) == len(pages), f"{len(pages)} sheets, then {len(second)} on a second print"
    differing = [i + 1 for i, (a, b) in enumerate(zip(pages, second)) if a != b]
    assert not differing, f"sheets whose text differs on a second print: {differing[:10]}"


def test_the_pdf_is_a_pdf_and_names_the_book(pdf_file: Path, pdf_text: tuple[int, str]) -> None:
    assert pdf_file.read_bytes()[:5] == b"%PDF-"
    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    assert normalise(title) in pdf_text[1]


def test_the_title_page_and_every_footer_name_the_edition(pages: list[str]) -> None:
    label = normalise(current_edition().label)
    assert label in pages[0], f"the title page does not say {label!r}"
    missing = [number for number, text in enumerate(pages, 1) if label not in text]
    assert not missing, f"sheets whose footer does not name the edition: {missing[:10]}"


# ---------------------------------------------------------------- the Makefile runs these modules
def test_makefile_has_the_workshop_and_pdf_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^workshop: setup\n\t\$\(PY\) -m bookkit\.workshop$", makefile, re.M)
    assert re.search(r"^pdf: setup\n\t\$\(PY\) -m bookkit\.pdf$", makefile, re.M)
    assert re.search(rf"^{pdf.SINGLEHTML_TARGET}: setup\n\t.*sphinx-build \$\(SPHINX_FLAGS\) .*-b singlehtml",
                     makefile, re.M), "the PDF's single-page build must use the Makefile's strict flags"
    assert re.search(r"^test:.*\n.*tests/workshop tests/book", makefile, re.M)
