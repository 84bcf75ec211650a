"""The workshop kit: student copies carry no solution, still run, and ship in a complete zip."""

from __future__ import annotations

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

from phb import workshop

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = workshop.chapter_notebooks(ROOT)


# ---------------------------------------------------------------- the kit, made once by the CLI
@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m phb.workshop`` writing into a temporary folder (never the repository's)."""
    out = tmp_path_factory.mktemp("kit") / "workshop"
    result = subprocess.run([sys.executable, "-m", "phb.workshop", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"phb.workshop failed:\n{result.stdout}\n{result.stderr}"
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


def run_in_kit(notebook: nbformat.NotebookNode, folder: Path, tree: Path,
               monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    """Execute ``notebook`` in ``folder`` with the kit's own ``phb``, ``widgets`` and ``data/`` first
    on the kernel's path (PYTHONPATH), as on a student's machine that installed the kit."""
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", str(tree))
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def test_the_kit_runs_on_its_own_code_and_data(kit: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "workshop"
    shutil.copytree(kit, tree, ignore=shutil.ignore_patterns(workshop.ZIP_NAME))
    probe = notebook_of(nbformat.v4.new_code_cell(
        "import phb, widgets, phb.data\n"
        "print(phb.__file__, widgets.__file__, phb.data.DATA_DIR, sep='\\n')"))
    run_in_kit(probe, tree / "chapters", tree, monkeypatch)
    paths = probe.cells[0].outputs[0]["text"].split()
    assert all(Path(p).resolve().is_relative_to(tree.resolve()) for p in paths), paths
    result = subprocess.run([sys.executable, "-m", "phb.data", "validate", str(tree / "data")],
                            cwd=tree, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    assert result.returncode == 0, f"the kit's data package is not valid:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_student_copy_still_runs(kit: Path, source: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each student copy top to bottom, in a copy of the kit (the kit itself stays clean)."""
    tree = tmp_path / "workshop"
    shutil.copytree(kit, tree, ignore=shutil.ignore_patterns(workshop.ZIP_NAME))
    path = tree / "chapters" / source.name
    notebook = run_in_kit(nbformat.read(path, as_version=4), path.parent, tree, monkeypatch)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{source.name}: {errors[0]['ename']}: {errors[0]['evalue']}"


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
    result = subprocess.run([sys.executable, "-m", "phb.workshop", "--root", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "01_x.ipynb: cell 0" in result.stderr


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
