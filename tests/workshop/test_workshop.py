"""The workshop kit: student copies carry no solution, still run, and ship in a complete zip.

That every student copy runs is proven without running them all again (issue 18): nbval runs every
original, and :func:`bookkit.workshop.check_copy_runs` proves from the cells' code that each copy
starts every kept cell with the values the original had. One copy, the quickest chapter's, is still
run for real, on the kit's own code and data, with ``bookkit`` out of reach.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from bookkit import workshop

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = workshop.chapter_notebooks(ROOT)


# ---------------------------------------------------------------- the kit, made once by the CLI
@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m bookkit.workshop`` writing into a temporary folder (never the repository's)."""
    out = tmp_path_factory.mktemp("kit") / "workshop"
    result = subprocess.run([sys.executable, "-m", "bookkit.workshop", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"bookkit.workshop failed:\n{result.stdout}\n{result.stderr}"
    return out


def solution_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if workshop.SOLUTION_TAG in c.metadata.get("tags", [])]


def output_texts(cell: nbformat.NotebookNode) -> list[str]:
    """Every text a code cell's outputs carry (streams, text/plain, html, glue payloads...)."""
    texts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            texts.append(output["text"])
        for value in output.get("data", {}).values():
            texts.append(value if isinstance(value, str) else json.dumps(value))
    return [t.strip() for t in texts if len(t.strip()) >= 8]  # shorter texts ("3") prove nothing


def test_every_chapter_has_a_student_copy(kit: Path) -> None:
    assert CHAPTERS, "no chapter notebooks found"
    assert sorted(p.name for p in (kit / "chapters").glob("*.ipynb")) == [p.name for p in CHAPTERS]


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_survives_in_the_student_copy(kit: Path, source: Path) -> None:
    original = nbformat.read(source, as_version=4)
    student = nbformat.read(kit / "chapters" / source.name, as_version=4)
    assert not solution_cells(student), f"{source.name}: a cell tagged solution survived"
    assert len(student.cells) == len(original.cells) - len(solution_cells(original))
    for index, cell in enumerate(student.cells):
        assert "{solution" not in cell.source, (
            f"{source.name}: student cell {index} still contains {{solution}} text")
    # No output at all: neither a solution's nor a glued value that could give an answer away.
    with_output = [i for i, c in enumerate(student.cells) if c.cell_type == "code" and c.outputs]
    assert not with_output, f"{source.name}: student cells with outputs: {with_output}"
    assert "widgets" not in student.metadata
    text = (kit / "chapters" / source.name).read_text(encoding="utf-8")
    for cell in solution_cells(original):
        for leaked in output_texts(cell):
            assert leaked not in text, f"{source.name}: a solution's output survived: {leaked[:80]}"


#: The chapter whose student copy is run for real: the quickest to run.
SMOKE_CHAPTER = "01_what_is_a_phb.ipynb"

#: Modules the kit's code must not import: the book's machinery is not in the kit, and Sphinx and the
#: browser belong to building and testing the book, not to running a chapter.
NOT_IN_THE_KIT = ("bookkit", "sphinx", "playwright")

#: A first cell for the smoke run: from then on, importing bookkit fails in the kernel as on a machine
#: that has only the kit (this environment installs the repository's bookkit too).
WITHOUT_BOOKKIT = """\
import sys
class _NoBookkit:
    def find_spec(self, name, path=None, target=None):
        if name == "bookkit" or name.startswith("bookkit."):
            raise ModuleNotFoundError(f"No module named {name!r} (not in the workshop kit)")
sys.meta_path.insert(0, _NoBookkit())
"""

#: A last cell for the smoke run: where phb, widgets and the data came from.
WHERE_FROM = ("import phb, widgets, phb.data\n"
              "print(phb.__file__, widgets.__file__, phb.data.DATA_DIR, sep='\\n')")


def run_in_kit(notebook: nbformat.NotebookNode, folder: Path, tree: Path,
               monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    """Execute ``notebook`` in ``folder`` with the kit's own ``phb``, ``widgets`` and ``data/`` first
    on the kernel's path (PYTHONPATH), as on a student's machine that installed the kit."""
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", str(tree))
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_every_student_copy_runs_as_its_original_did(source: Path) -> None:
    """No kept cell reads a name that only a removed solution cell sets or changes (nbval runs the
    originals, so the copies run too)."""
    original = nbformat.read(source, as_version=4)
    removed = [i for i, cell in enumerate(original.cells) if workshop.is_solution(cell)]
    workshop.check_copy_runs(original, removed, source.name)


def test_one_student_copy_runs_on_the_kit_alone(kit: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The quickest chapter's copy, run top to bottom in a copy of the kit (which stays clean), on the
    kit's own phb, widgets and data, with bookkit unimportable."""
    tree = tmp_path / "workshop"
    shutil.copytree(kit, tree, ignore=shutil.ignore_patterns(workshop.ZIP_NAME))
    path = tree / "chapters" / SMOKE_CHAPTER
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [nbformat.v4.new_code_cell(WITHOUT_BOOKKIT), *notebook.cells,
                      nbformat.v4.new_code_cell(WHERE_FROM)]
    run_in_kit(notebook, path.parent, tree, monkeypatch)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{SMOKE_CHAPTER}: {errors[0]['ename']}: {errors[0]['evalue']}"
    paths = notebook.cells[-1].outputs[0]["text"].split()
    assert all(Path(p).resolve().is_relative_to(tree.resolve()) for p in paths), paths
    result = subprocess.run([sys.executable, "-m", "phb.data", "validate", str(tree / "data")], cwd=tree,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    assert result.returncode == 0, f"the kit's data package is not valid:\n{result.stdout}{result.stderr}"


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module a Python file imports, at its top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    found |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    return {name.split(".")[0] for name in found}


def test_the_kit_ships_no_book_machinery(kit: Path) -> None:
    """The kit carries phb/ and widgets/ but not bookkit/, and their code imports nothing from
    bookkit, Sphinx or the browser, so a student's kit runs without them."""
    assert not (kit / "bookkit").exists(), "the kit ships bookkit/"
    with zipfile.ZipFile(kit / workshop.ZIP_NAME) as zf:
        assert not [n for n in zf.namelist() if "/bookkit/" in n], "the zip ships bookkit/"
    files = sorted((kit / "phb").rglob("*.py")) + sorted((kit / "widgets").rglob("*.py"))
    assert files, "no code in the kit"
    for path in files:
        used = imported_modules(path) & set(NOT_IN_THE_KIT)
        assert not used, f"the kit's {path.relative_to(kit)} imports {sorted(used)}"


def test_the_kits_package_installs_what_the_kit_has(kit: Path) -> None:
    """requirements.txt ends with ``-e .``: the kit's pyproject.toml must name only packages the kit
    holds (a missing bookkit/ would make the install fail on a student's machine)."""
    import tomllib

    project = tomllib.loads((kit / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]
    assert sorted(packages) == ["phb", "widgets"]
    entry_points = json.dumps(project["project"].get("entry-points", {}))
    assert "bookkit" not in entry_points, f"the kit's pyproject names bookkit: {entry_points}"


def test_zip_holds_notebooks_data_code_and_readme(kit: Path) -> None:
    folder = workshop.ZIP_FOLDER
    with zipfile.ZipFile(kit / workshop.ZIP_NAME) as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        assert all(n.startswith(folder + "/") for n in names), "the zip must unpack into one folder"
        assert f"{folder}/README.md" in names
        for source in CHAPTERS:
            name = f"{folder}/chapters/{source.name}"
            assert name in names, f"{source.name} missing from the zip"
            assert zf.read(name) == (kit / "chapters" / source.name).read_bytes()
        for data_file in sorted((ROOT / "data").glob("*")):
            if data_file.is_file():
                assert f"{folder}/data/{data_file.name}" in names, f"data/{data_file.name} missing"
        for needed in ("phb/__init__.py", "widgets/__init__.py", "requirements.txt", "pyproject.toml",
                       "references.bib"):
            assert f"{folder}/{needed}" in names, f"{needed} missing: the kit would not run"
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_kit_has_the_self_check_quiz_with_answers_at_the_end(kit: Path) -> None:
    quiz = (kit / "quiz.md").read_text()
    assert quiz.index("## What is a personal health budget?") < quiz.index("## Answers")
    with zipfile.ZipFile(kit / workshop.ZIP_NAME) as zf:
        assert zf.read(f"{workshop.ZIP_FOLDER}/quiz.md").decode() == quiz


def test_readme_says_how_to_run_offline(kit: Path) -> None:
    readme = (kit / "README.md").read_text()
    assert "requirements.txt" in readme and "chapters/" in readme and "data/" in readme


# ---------------------------------------------------------------- the stripping itself
def notebook_of(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return notebook


def tagged(cell: nbformat.NotebookNode, *tags: str) -> nbformat.NotebookNode:
    cell.metadata["tags"] = list(tags)
    return cell


EXERCISE = "```{exercise}\n:label: ex1\nHow many?\n```"
SOLUTION = "```{solution} ex1\n:class: dropdown\nThree.\n```"


def test_strip_removes_tagged_cells_and_all_outputs() -> None:
    code = nbformat.v4.new_code_cell("x = 1\nx", execution_count=3,
                                     outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "1"})])
    answer = tagged(nbformat.v4.new_code_cell("print('the answer is 42')", outputs=[
        nbformat.v4.new_output("stream", text="the answer is 42\n")]), "solution")
    original = notebook_of(nbformat.v4.new_markdown_cell(EXERCISE), code,
                           tagged(nbformat.v4.new_markdown_cell(SOLUTION), "solution"), answer)
    original.metadata["widgets"] = {"state": {}}
    student, removed = workshop.strip_solutions(original, "nb")
    assert removed == (2, 3)
    assert [c.source for c in student.cells] == [EXERCISE, "x = 1\nx"]
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None
    assert "widgets" not in student.metadata
    assert len(original.cells) == 4 and original.cells[1].outputs, "the book's notebook was changed"


@pytest.mark.parametrize("fence", ["```", "````", ":::", "  ```"])
def test_an_untagged_solution_fails_loudly_naming_notebook_and_cell(fence: str) -> None:
    untagged = nbformat.v4.new_markdown_cell(f"{fence}{{solution}} ex1\n:class: dropdown\nThree.\n{fence.strip()}")
    original = notebook_of(nbformat.v4.new_markdown_cell(EXERCISE), untagged)
    with pytest.raises(workshop.SolutionLeft, match=r"chapters/x\.ipynb: cell 1 .*solution"):
        workshop.strip_solutions(original, "chapters/x.ipynb")


def test_gated_solutions_are_caught_too() -> None:
    original = notebook_of(nbformat.v4.new_markdown_cell("```{solution-start} ex1\n```"))
    with pytest.raises(workshop.SolutionLeft, match="cell 0"):
        workshop.strip_solutions(original, "nb")


def test_prose_that_mentions_the_directive_is_not_a_solution() -> None:
    original = notebook_of(nbformat.v4.new_markdown_cell("Each `{solution}` block has its own cell."))
    student, removed = workshop.strip_solutions(original, "nb")
    assert removed == () and len(student.cells) == 1


def make_book(root: Path, *cells: nbformat.NotebookNode) -> None:
    (root / "chapters").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "t.csv").write_text("a\n1\n")
    nbformat.write(notebook_of(*cells), root / "chapters" / "01_x.ipynb")


def test_an_untagged_solution_leaves_no_half_made_kit(tmp_path: Path) -> None:
    make_book(tmp_path, nbformat.v4.new_markdown_cell(SOLUTION))
    with pytest.raises(workshop.SolutionLeft):
        workshop.make_workshop(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    result = subprocess.run([sys.executable, "-m", "bookkit.workshop", "--root", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "01_x.ipynb: cell 0" in result.stderr


def code(source: str, *tags: str) -> nbformat.NotebookNode:
    return tagged(nbformat.v4.new_code_cell(source), *tags)


def test_a_kept_cell_reading_a_solution_only_name_is_refused() -> None:
    original = notebook_of(code("import math"), code("area = math.pi", "solution"),
                           nbformat.v4.new_markdown_cell("Now use it."), code("print(round(area))"))
    with pytest.raises(workshop.CopyWouldBreak,
                       match=r"^chapters/x\.ipynb: cell 3 .* 'area', which only cell 1 sets: .*NameError"):
        workshop.strip_solutions(original, "chapters/x.ipynb")


def test_a_solution_that_changes_a_kept_value_is_refused() -> None:
    for change in ("n = 5", "n += 1", "n.append(1)", "n[0] = 2", "def n(): pass"):
        original = notebook_of(code("n = [1]"), code(change, "solution"), code("print(n)"))
        with pytest.raises(workshop.CopyWouldBreak, match=r"cell 2 .*'n', which cell 1 changes after cell 0"):
            workshop.check_copy_runs(original, [1], "nb")


def test_names_a_solution_reads_sets_again_or_keeps_to_itself_are_accepted() -> None:
    original = notebook_of(
        code("from phb.data import figure\nimport math\nx = 1"),
        code("from phb.data import figure\nanswer = math.sqrt(x)\nprint(answer)", "solution"),
        code("answer = figure\nprint(x, answer)"),  # sets `answer` itself before reading it
        code("def later():\n    return answer + x\nlater()"))
    student, removed = workshop.strip_solutions(original, "nb")
    assert removed == (1,) and len(student.cells) == 3


def test_a_function_in_a_kept_cell_reading_a_solution_only_name_is_refused() -> None:
    original = notebook_of(code("rate = 0.5", "solution"), code("def f(n):\n    return n * rate"))
    with pytest.raises(workshop.CopyWouldBreak, match="cell 1 .*'rate'"):
        workshop.check_copy_runs(original, [0], "nb")


def test_a_copy_that_would_break_leaves_no_half_made_kit(tmp_path: Path) -> None:
    make_book(tmp_path, code("total = 3", "solution"), code("total * 2"))
    result = subprocess.run([sys.executable, "-m", "bookkit.workshop", "--root", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "01_x.ipynb: cell 1" in result.stderr and "'total'" in result.stderr
    assert not (tmp_path / "workshop").exists()


def test_the_zip_is_reproducible_and_a_foreign_folder_is_not_deleted(tmp_path: Path) -> None:
    make_book(tmp_path, nbformat.v4.new_markdown_cell(EXERCISE),
              tagged(nbformat.v4.new_markdown_cell(SOLUTION), "solution"))
    out = tmp_path / "out"
    workshop.make_workshop(tmp_path, out)
    first = (out / workshop.ZIP_NAME).read_bytes()
    workshop.make_workshop(tmp_path, out)  # our own folder: rewritten
    assert (out / workshop.ZIP_NAME).read_bytes() == first
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        workshop.make_workshop(tmp_path, foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"


# ---------------------------------------------------------------- the trainer's guide
def session_plans() -> list[list[tuple[int, int]]]:
    """The timetables of guides/workshop.md: per table, (start in minutes, length) of each row."""
    plans, rows = [], []
    for line in (ROOT / "guides" / "workshop.md").read_text().splitlines() + [""]:
        row = re.match(r"^\| (\d+):(\d\d) \| (\d+) \|", line)
        if row:
            rows.append((int(row.group(1)) * 60 + int(row.group(2)), int(row.group(3))))
        elif rows:
            plans.append(rows)
            rows = []
    return plans


def test_session_plans_add_up() -> None:
    """Each row starts when the one before it ends: 90 minutes, then half a day (3h30)."""
    plans = session_plans()
    assert [sum(length for _, length in plan) for plan in plans] == [90, 210]
    for plan in plans:
        assert plan[0][0] == 0
        for (start, length), (following, _) in zip(plan, plan[1:]):
            assert start + length == following, f"a row starting at minute {start} overlaps or leaves a gap"


def test_workshop_guide_links_every_chapter() -> None:
    guide = (ROOT / "guides" / "workshop.md").read_text()
    missing = [p.stem for p in CHAPTERS if f"{{doc}}`../chapters/{p.stem}`" not in guide]
    assert not missing, f"guides/workshop.md never points to {missing}"


# ---------------------------------------------------------------- the research guide and metadata
def parameter_names(notebook: Path) -> list[str] | None:
    """The names a chapter's ``parameters`` cell assigns (what papermill's -p can set), or None."""
    import ast

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            return [t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)]
    return None


def guide_parameters() -> dict[str, list[str]]:
    """The parameter tables of guides/rerunning.md: chapter stem -> the names listed for it."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "guides" / "rerunning.md").read_text().splitlines():
        heading = re.match(r"^\*\*\{doc\}`\.\./chapters/(\w+)`\*\*$", line)
        if heading:
            current = tables.setdefault(heading.group(1), [])
        elif (row := re.match(r"^\| `(\w+)` \|", line)) and current is not None:
            current.append(row.group(1))
    return tables


def test_the_research_guide_lists_every_papermill_parameter() -> None:
    """guides/rerunning.md names each explorer's parameters: exactly those of its parameters cell."""
    in_chapters = {p.stem: names for p in CHAPTERS if (names := parameter_names(p)) is not None}
    in_guide = guide_parameters()
    assert in_guide, "no parameter tables found in guides/rerunning.md"
    for stem, names in in_chapters.items():
        assert stem in in_guide, f"guides/rerunning.md has no parameter table for {stem}"
        assert in_guide[stem] == names, (
            f"guides/rerunning.md lists {in_guide[stem]} for {stem}; its parameters cell has {names}")
    assert set(in_guide) <= set(in_chapters), "the guide lists parameters for a chapter without any"


def test_citation_names_the_repository_set_in_config() -> None:
    """The repository URL is written once, in _config.yml; CITATION.cff must agree with it."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"].startswith("1.2")
    assert citation["repository-code"] == config["repository"]["url"]
    assert citation["title"] == config["title"]
    # The edition (version, date) and its agreement with pyproject and CHANGELOG: tests/unit/test_edition.py


def test_student_copies_keep_every_chapters_summary() -> None:
    """A chapter's Summary is for students too: it never sits in a cell tagged `solution`."""
    import nbformat

    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        hidden = [i for i, cell in enumerate(notebook.cells) if "## Summary" in cell.source
                  and "solution" in (cell.metadata.get("tags") or [])]
        assert not hidden, f"{path.name}: the Summary is in solution cell(s) {hidden}"
