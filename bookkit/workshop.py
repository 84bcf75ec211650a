"""Make the workshop kit: student copies of the chapter notebooks, without their solutions.

Why: trainers run sessions with the live notebooks, and students should meet the exercises without
the answers one scroll below. Solutions are never removed by hand. Every ``{solution}`` block lives
in a markdown cell of its own tagged ``solution``, and code cells that belong to a solution carry the
same tag (see CONTRIBUTING.md); this module drops every tagged cell. As a safety net it then refuses
to ship a copy in which a markdown cell still holds a ``{solution}`` directive, naming the notebook
and the cell, so a solution someone forgot to tag stops the build instead of reaching a student.

A student copy must still run, and it is not executed again to prove it (issue 18): nbval runs every
original, and a copy is the original minus its solution cells, so the copy runs as the original did
if no kept cell reads a name that a removed cell was the last to set or change
(:func:`check_copy_runs`, by reading the cells' code). The kit refuses a copy that fails this, naming
the chapter, the cells and the name.

Student copies keep no outputs at all: a glued value or a chart in a stored output can give an
answer away even when the cell that computed it is not a solution, and a workshop starts from a
notebook the student runs. Widget state is dropped too (it belongs to a kernel that has gone).

``python -m bookkit.workshop`` (or ``make workshop``) writes::

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
import ast
import re
import shutil
import symtable
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
KIT_FILES = ("requirements.txt", "references.bib")  # the data cite the .bib
#: The kit's own pyproject.toml (see :func:`kit_pyproject`): ``requirements.txt`` ends with ``-e .``.
KIT_PYPROJECT = "pyproject.toml"

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


class CopyWouldBreak(ValueError):
    """A student copy would not run as its original did: a kept cell reads a name that only a removed
    (solution) cell sets, or that a removed cell changes."""


#: Methods of Python's own containers that change the object they are called on: a removed cell that
#: calls one on a name changes that name for the cells after it. (Other calls are not followed.)
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "update",
        "setdefault",
        "pop",
        "popitem",
        "remove",
        "clear",
        "sort",
        "reverse",
        "add",
        "discard",
    }
)

#: Nodes that open a scope of their own: what they bind stays inside (read through :mod:`symtable`).
_NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


@dataclass(frozen=True)
class CellNames:
    """What one code cell does with top-level names: which it reads before setting them (``needs``:
    they must exist when the cell starts) and which it sets or changes (``writes``: name -> the import
    that set it, e.g. ``"phb.data.figure"``, or None for any other value)."""

    needs: frozenset[str]
    writes: dict[str, str | None]


def _python(source: str) -> str:
    """A cell's source as plain Python (IPython's ``%magic`` and ``!shell`` lines transformed)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _names_at_this_level(node: ast.AST) -> Iterable[ast.AST]:
    """``node`` and every node under it evaluated in the cell's own scope: a nested function, class,
    lambda or comprehension contributes only what runs at once (decorators, defaults, bases, the
    first iterable); what its body reads is found by :func:`_free_globals`."""
    yield node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts = [*node.decorator_list, *node.args.defaults, *[d for d in node.args.kw_defaults if d]]
    elif isinstance(node, ast.ClassDef):
        parts = [*node.decorator_list, *node.bases, *[k.value for k in node.keywords]]
    elif isinstance(node, ast.Lambda):
        parts = [*node.args.defaults, *[d for d in node.args.kw_defaults if d]]
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        parts = [node.generators[0].iter]
    else:
        parts = list(ast.iter_child_nodes(node))
    for part in parts:
        yield from _names_at_this_level(part)


def _base_name(node: ast.AST) -> str | None:
    """The variable under ``x.a[1].b``: ``x`` (None for anything not rooted in a name)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _import_origin(statement: ast.Import | ast.ImportFrom, alias: ast.alias) -> tuple[str, str]:
    """(the name an import binds, what it binds it to): ``from phb.data import figure`` gives
    ("figure", "phb.data.figure"); ``import phb.data`` gives ("phb", "phb")."""
    if isinstance(statement, ast.ImportFrom):
        module = "." * statement.level + (statement.module or "")
        return alias.asname or alias.name, f"{module}.{alias.name}"
    if alias.asname:
        return alias.asname, alias.name
    top = alias.name.split(".")[0]
    return top, top


def _reads_and_writes(nodes: list[ast.AST]) -> tuple[set[str], dict[str, str | None]]:
    """The names some code (a statement, or a compound statement's header) reads and writes in the
    cell's own scope.

    Code reads before it writes (``x = x + 1`` needs ``x``); ``x += 1`` reads ``x``; changing part of
    a value (``x[0] = 1``, ``x.a = 1``, ``del x[0]``, ``x.append(1)``) writes ``x``."""
    reads: set[str] = set()
    writes: dict[str, str | None] = {}
    for node in (found for part in nodes for found in _names_at_this_level(part)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            writes[node.name] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            writes.update(_import_origin(node, alias) for alias in node.names)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            reads.add(node.target.id)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                reads.add(node.id)
            else:
                writes[node.id] = None
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if base := _base_name(node):
                writes[base] = None
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING_METHODS
            and (base := _base_name(node.func.value))
        ):
            writes[base] = None
    return reads, writes


#: The fields of a compound statement that hold statements run after its header.
_BODIES = ("body", "orelse", "finalbody", "handlers")


def _header(statement: ast.AST) -> list[ast.AST]:
    """What a statement runs before any body of its own: ``for x in xs:`` without the loop's body.
    A simple statement, or a function or class definition (read as a whole), is its own header."""
    if isinstance(statement, _NESTED_SCOPES) or not set(_BODIES) & set(statement._fields):
        return [statement]
    parts: list[ast.AST] = []
    for field in statement._fields:
        value = getattr(statement, field)
        if field not in _BODIES:
            parts += (
                [v for v in value if isinstance(v, ast.AST)]
                if isinstance(value, list)
                else [value]
                if isinstance(value, ast.AST)
                else []
            )
    return parts


def _scan(statements: list[ast.AST], bound: dict[str, str | None], needs: set[str]) -> None:
    """Walk ``statements`` in the order they run: a name read before the cell has bound it is needed."""
    for statement in statements:
        header = _header(statement)  # an ``except E as e:`` clause's header is ``E``
        reads, writes = _reads_and_writes(header)
        needs |= reads - set(bound)
        bound.update(writes)
        if isinstance(statement, ast.ExceptHandler) and statement.name:
            bound[statement.name] = None
        if header != [statement]:
            for field in _BODIES:
                _scan(getattr(statement, field, []), bound, needs)


def _free_globals(table: symtable.SymbolTable) -> set[str]:
    """Global names read inside the functions, classes, lambdas and comprehensions of ``table``."""
    found: set[str] = set()
    for child in table.get_children():
        found |= {s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced()}
        found |= _free_globals(child)
    return found


def cell_names(source: str) -> CellNames:
    """What the code cell ``source`` needs from the cells before it, and what it writes for those after.

    Names read inside a function the cell defines are needed too (the function may be called later),
    unless the cell itself binds them."""
    code = _python(source)
    bound: dict[str, str | None] = {}
    needs: set[str] = set()
    _scan(ast.parse(code).body, bound, needs)
    needs |= _free_globals(symtable.symtable(code, "<cell>", "exec")) - set(bound)
    return CellNames(frozenset(needs), bound)


def check_copy_runs(notebook: nbformat.NotebookNode, removed: Iterable[int], name: str = "notebook") -> None:
    """Refuse a student copy (``notebook`` without the cells ``removed``) that might not run as the original.

    Why this proves the copy runs without running it: nbval runs every original top to bottom. A kept
    cell starts with the same values in the copy as in the original unless a removed cell was the last
    to set or change a name it reads; then the copy would stop (``NameError``: no kept cell set it) or
    run on another value. Re-importing the same name (``from phb.data import figure`` again) changes
    nothing. Kept cells then compute what they computed in the original, so no kept cell's result
    depends on a removed one. Not followed: changes made inside called functions (other than the
    container methods of :data:`MUTATING_METHODS`).

    Raises :class:`CopyWouldBreak` naming ``name``, both cells (indices in the original notebook)
    and the name.
    """
    removed = set(removed)
    kept_setter: dict[str, tuple[int, str | None]] = {}  # name -> the last kept cell to set it, and how
    changed_by: dict[str, int] = {}  # name -> a removed cell that changed it since a kept cell last set it
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            names = cell_names(cell.source)
        except SyntaxError as error:
            raise CopyWouldBreak(f"{name}: code cell {index} cannot be read as Python: {error}") from None
        if index in removed:
            for variable, origin in names.writes.items():
                setter = kept_setter.get(variable)
                if origin is None or setter is None or setter[1] != origin:
                    changed_by[variable] = index
            continue
        for variable in sorted(names.needs & set(changed_by)):
            culprit, setter = changed_by[variable], kept_setter.get(variable)
            consequence = (
                f"which only cell {culprit} sets: the copy would stop with NameError"
                if setter is None
                else f"which cell {culprit} changes after cell {setter[0]} set it: the copy would "
                "run on another value than the book did"
            )
            raise CopyWouldBreak(
                f"{name}: cell {index} (kept in the student copy) reads '{variable}', {consequence}. "
                f"Cell {culprit} is tagged '{SOLUTION_TAG}' and left out of the copy; set '{variable}' in "
                f"a cell without the tag, or do not read it in cell {index} (cells counted from 0)"
            )
        for variable, origin in names.writes.items():
            kept_setter[variable] = (index, origin)
            changed_by.pop(variable, None)


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


def strip_solutions(
    notebook: nbformat.NotebookNode, name: str = "notebook"
) -> tuple[nbformat.NotebookNode, tuple[int, ...]]:
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
    check_copy_runs(notebook, removed, name)
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
    from bookkit.self_check import questions_in  # here, not at the top: it loads Sphinx

    questions, answers = (
        ["# Self-check quiz", "", "Questions from each chapter of the book. The answers are at the end.", ""],
        [],
    )
    for source in sources:
        notebook = nbformat.read(source, as_version=4)
        found = [
            q
            for cell in notebook.cells
            if SELF_CHECK_TAG in cell.metadata.get("tags", [])
            for q in questions_in(cell.source)
        ]
        if not found:
            continue
        title = _chapter_title(notebook, source.stem)
        questions += [f"## {title}", ""]
        answers += [f"### {title}", ""]
        for index, question in enumerate(found, start=1):
            questions += [f"**{index}. {question.title}**", ""]
            questions += [f"- {chr(65 + i)}. {option}" for i, option in enumerate(question.options)] + [""]
            answers += [
                f"{index}. **{chr(65 + question.right)}** ({question.options[question.right]}): {question.explanation}",
                "",
            ]
    return "\n".join(questions + ["## Answers", ""] + answers)


def kit_pyproject(book_pyproject: str) -> str:
    """The kit's pyproject.toml: the book's project (name, version, dependencies) with only the
    packages the kit holds (:data:`KIT_DIRS`) and no entry point into the book's machinery.

    Why: ``pip install -r requirements.txt`` installs the folder it is run in (``-e .``); the book's
    own pyproject.toml also names ``bookkit``, which the kit does not ship, so that install would fail."""
    import json
    import tomllib

    book = tomllib.loads(book_pyproject)
    project = {key: value for key, value in book["project"].items() if key != "entry-points"}
    packages = [name for name in book["tool"]["setuptools"]["packages"] if name in KIT_DIRS]
    lines = [
        "# The workshop kit's package (written by bookkit.workshop from the book's pyproject.toml).",
        "[build-system]",
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in book["build-system"].items()]
    lines += ["", "[project]"] + [f"{key} = {json.dumps(value)}" for key, value in project.items()]
    lines += ["", "[tool.setuptools]", f"packages = {json.dumps(packages)}", ""]
    return "\n".join(lines)


def _prepare(out: Path) -> None:
    """Empty ``out`` if this module made it; refuse to delete a folder it did not make."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise FileExistsError(
                f"{out} exists and was not made by bookkit.workshop (no {MARKER} file): "
                "move it away or choose another --out"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by python -m bookkit.workshop; deleted and rewritten on each run\n")


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

    Every notebook is checked before anything is written, so an untagged solution, or a copy that
    would not run (:func:`check_copy_runs`), in any chapter leaves no half-made kit behind.
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
    if (root / KIT_PYPROJECT).is_file():
        (out / KIT_PYPROJECT).write_text(kit_pyproject((root / KIT_PYPROJECT).read_text(encoding="utf-8")))
    (out / "README.md").write_text(README)
    (out / "quiz.md").write_text(quiz_markdown(sources))
    members = [out / "README.md", out / "quiz.md", out / "chapters"]
    members += [out / n for n in (*KIT_DIRS, *KIT_FILES, KIT_PYPROJECT) if (out / n).exists()]
    _zip(out, members)
    return copies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bookkit.workshop", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: workshop/)")
    args = parser.parse_args(argv)
    try:
        copies = make_workshop(args.root, args.out)
    except (SolutionLeft, CopyWouldBreak, FileExistsError, FileNotFoundError, ValueError) as error:
        print(f"bookkit.workshop: {error}", file=sys.stderr)
        return 1
    out = args.out or args.root / "workshop"
    for copy in copies:
        print(f"{copy.target.relative_to(out)}: {len(copy.removed)} solution cell(s) removed, {copy.kept} kept")
    print(f"Workshop kit in {out}/ and {out / ZIP_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
