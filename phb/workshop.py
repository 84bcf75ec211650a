"""Make the workshop kit: student copies of the chapter notebooks, without their solutions.

Why: trainers run sessions with the live notebooks, and students should meet the exercises without
the answers one scroll below. Solutions are never removed by hand. Every ``{solution}`` block lives
in a markdown cell of its own tagged ``solution``, and code cells that belong to a solution carry the
same tag (see CONTRIBUTING.md); this module drops every tagged cell. As a safety net it then refuses
to ship a copy in which a markdown cell still holds a ``{solution}`` directive, naming the notebook
and the cell, so a solution someone forgot to tag stops the build instead of reaching a student.

Student copies keep no outputs at all: a glued value or a chart in a stored output can give an
answer away even when the cell that computed it is not a solution, and a workshop starts from a
notebook the student runs. Widget state is dropped too (it belongs to a kernel that has gone).

``python -m phb.workshop`` (or ``make workshop``) writes::

    workshop/
      README.md            how to open and run the notebooks, offline
      quiz.md              every chapter's self-check questions for the room, answers at the end
      chapters/*.ipynb     student copies (same names as in the book)
      data/                the data package the notebooks read
      phb/ widgets/        the book's code, so the kit runs without the repository
      pyproject.toml requirements.txt references.bib
      phb-workshop.zip     all of the above under one folder, phb-workshop/
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

#: The cell tag that marks a solution (a ``{solution}`` markdown cell or its code).
SOLUTION_TAG = "solution"

#: The cell tag of a chapter's self-check questions (collected into ``quiz.md``).
SELF_CHECK_TAG = "self-check"

#: A sphinx-exercise solution directive opening a fenced block (backticks or colons), including the
#: gated form ``{solution-start}`` / ``{solution-end}``. Only a fence at the start of a line counts,
#: so prose that merely mentions the directive in inline code is not mistaken for a solution.
SOLUTION_DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})[ \t]*\{solution(?:-start|-end)?\}", re.M)

#: What the kit carries besides the notebooks: the data and the code they import.
KIT_DIRS = ("data", "phb", "widgets")
KIT_FILES = ("pyproject.toml", "requirements.txt", "references.bib")  # the data cite the .bib

#: The folder inside the zip, so that unzipping never scatters files into the current folder.
ZIP_FOLDER = "phb-workshop"
ZIP_NAME = "phb-workshop.zip"

#: Written into the output folder so that a rebuild only ever deletes a folder this module made.
MARKER = ".phb-workshop"

#: A fixed timestamp for every zip entry: the same sources give a byte-identical zip.
ZIP_TIMESTAMP = (2020, 1, 1, 0, 0, 0)

IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")

README = """\
# Personal health budgets: workshop notebooks

These are the chapters of *Personal health budgets: an executable book* as notebooks for a workshop.
The exercises are here; their solutions are not (your trainer has them, and so does the published
book). Nothing in them fetches anything from the internet once the packages are installed.

## Run them

You need Python 3.11 or newer and a Jupyter front end (JupyterLab, Jupyter Notebook or VS Code).

```bash
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt     # the book's pinned packages and its own code
.venv/bin/pip install jupyterlab              # if you have no Jupyter front end yet
.venv/bin/jupyter lab chapters/
```

On Windows use `.venv\\Scripts\\pip` and `.venv\\Scripts\\jupyter`. If the room has no network, your
trainer may have installed all of this already, or can hand you a folder with the packages.

Run each notebook from the top (Run All). The chapters read their numbers from `data/`, a data
package in which every row names its source and where in the source it stands.

## What is here

| folder | what |
|---|---|
| `chapters/` | one notebook per chapter, exercises without solutions |
| `quiz.md` | every chapter's self-check questions for the room, answers at the end |
| `data/` | the tables the chapters read (CSV) and `datapackage.json`, their schema |
| `phb/`, `widgets/` | the book's models, charts and explorers, imported by the notebooks |

The text of the book is licensed CC BY 4.0 and its code MIT; quoted material and figures taken from
the sources remain their publishers'.
"""


class SolutionLeft(ValueError):
    """A student copy would still contain a solution: an untagged ``{solution}`` block."""


@dataclass(frozen=True)
class StudentCopy:
    """What making one student copy did: which cells went, how many stayed."""

    source: Path
    target: Path
    removed: tuple[int, ...]  # indices, in the original notebook, of the cells removed
    kept: int


def is_solution(cell: nbformat.NotebookNode) -> bool:
    """True for a cell tagged ``solution``."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(notebook: nbformat.NotebookNode, name: str = "notebook") -> tuple[
        nbformat.NotebookNode, tuple[int, ...]]:
    """Return a student copy of ``notebook`` and the indices of the cells removed.

    Drops every cell tagged ``solution``, clears every output and execution count, and drops widget
    state. Raises :class:`SolutionLeft` naming ``name`` and the cell's index in the original notebook
    if a remaining markdown (or raw) cell still contains a ``{solution}`` directive.
    """
    copy = nbformat.from_dict(notebook)  # a deep copy: the book's notebook is never touched
    kept, removed = [], []
    for index, cell in enumerate(copy.cells):
        if is_solution(cell):
            removed.append(index)
            continue
        if cell.cell_type in ("markdown", "raw") and SOLUTION_DIRECTIVE.search(cell.source):
            raise SolutionLeft(
                f"{name}: cell {index} is a {cell.cell_type} cell with a {{solution}} block but no "
                f"'{SOLUTION_TAG}' tag; put the solution in a cell of its own tagged "
                f"'{SOLUTION_TAG}' (see CONTRIBUTING.md) so that student copies leave it out"
            )
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        kept.append(cell)
    copy.cells = kept
    for key in ("widgets", "papermill"):
        copy.metadata.pop(key, None)
    return copy, tuple(removed)


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks the kit is made from, in book order (their names are numbered)."""
    return sorted((root / "chapters").glob("*.ipynb"))


def make_student_copy(source: Path, target: Path) -> StudentCopy:
    """Write the student copy of the notebook ``source`` to ``target``."""
    notebook = nbformat.read(source, as_version=4)
    copy, removed = strip_solutions(notebook, name=str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(copy, target)
    return StudentCopy(source, target, removed, len(copy.cells))


def _chapter_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """A chapter's first ``# heading``."""
    for cell in notebook.cells:
        heading = re.search(r"^#\s+(.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if heading:
            return heading.group(1).strip()
    return fallback


def quiz_markdown(sources: Iterable[Path]) -> str:
    """Every chapter's self-check questions (cells tagged ``self-check``) as one Markdown quiz for the
    room: questions with lettered answers, chapter by chapter, and the answers with their reasons at
    the end, so a trainer can print it or show it without giving the answers away."""
    from bookkit.self_check import questions_in  # the book's machinery; not shipped in the kit

    questions, answers = ["# Self-check quiz", "",
                          "Questions from each chapter of the book. The answers are at the end.", ""], []
    for number, source in enumerate(sources, start=1):
        notebook = nbformat.read(source, as_version=4)
        found = [q for cell in notebook.cells if SELF_CHECK_TAG in cell.metadata.get("tags", [])
                 for q in questions_in(cell.source)]
        if not found:
            continue
        title = _chapter_title(notebook, source.stem)
        questions += [f"## {title}", ""]
        answers += [f"### {title}", ""]
        for index, question in enumerate(found, start=1):
            questions += [f"**{index}. {question.title}**", ""]
            questions += [f"- {chr(65 + i)}. {option}" for i, option in enumerate(question.options)] + [""]
            answers += [f"{index}. **{chr(65 + question.right)}** ({question.options[question.right]}): "
                        f"{question.explanation}", ""]
    return "\n".join(questions + ["## Answers", ""] + answers)


def _prepare(out: Path) -> None:
    """Empty ``out`` if this module made it; refuse to delete a folder it did not make."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise FileExistsError(
                f"{out} exists and was not made by phb.workshop (no {MARKER} file): "
                "move it away or choose another --out"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by python -m phb.workshop; deleted and rewritten on each run\n")


def _zip(out: Path, members: Iterable[Path]) -> Path:
    """Zip ``members`` (paths under ``out``) into ``out/phb-workshop.zip``, reproducibly."""
    archive = out / ZIP_NAME
    files = sorted({f for m in members for f in ([m] if m.is_file() else m.rglob("*")) if f.is_file()})
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file in files:
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{file.relative_to(out).as_posix()}", ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, file.read_bytes())
    return archive


def make_workshop(root: Path = ROOT, out: Path | None = None) -> list[StudentCopy]:
    """Write the whole kit (student copies, data, code, README and zip) into ``out``.

    Every notebook is checked before anything is written, so an untagged solution in any chapter
    leaves no half-made kit behind.
    """
    out = out or root / "workshop"
    sources = chapter_notebooks(root)
    if not sources:
        raise FileNotFoundError(f"no chapter notebooks in {root / 'chapters'}")
    for source in sources:  # check them all first: fail before writing
        strip_solutions(nbformat.read(source, as_version=4), name=str(source.relative_to(root)))
    _prepare(out)
    copies = [make_student_copy(s, out / "chapters" / s.name) for s in sources]
    for name in KIT_DIRS:
        if (root / name).is_dir():
            shutil.copytree(root / name, out / name, ignore=IGNORED)
    for name in KIT_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, out / name)
    (out / "README.md").write_text(README)
    (out / "quiz.md").write_text(quiz_markdown(sources))
    members = [out / "README.md", out / "quiz.md", out / "chapters"]
    members += [out / n for n in (*KIT_DIRS, *KIT_FILES) if (out / n).exists()]
    _zip(out, members)
    return copies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phb.workshop", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: workshop/)")
    args = parser.parse_args(argv)
    try:
        copies = make_workshop(args.root, args.out)
    except (SolutionLeft, FileExistsError, FileNotFoundError, ValueError) as error:
        print(f"phb.workshop: {error}", file=sys.stderr)
        return 1
    out = args.out or args.root / "workshop"
    for copy in copies:
        print(f"{copy.target.relative_to(out)}: {len(copy.removed)} solution cell(s) removed, "
              f"{copy.kept} kept")
    print(f"Workshop kit in {out}/ and {out / ZIP_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
