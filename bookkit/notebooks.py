"""Run the book's notebooks and store their outputs, reproducibly.

The chapters are committed with their outputs: the published book renders those outputs and nbval
re-executes every notebook to prove they are still what the code and data give. After changing
phb/, widgets/ or data/, ``make execute`` (or ``python -m bookkit.notebooks execute FILE``) refreshes them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

#: Cell metadata that changes on every run and would make diffs noisy.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")

#: The output type of a live widget: a reference to a model that lives in the kernel that ran it.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove timestamps and other run-to-run noise so that re-running an unchanged chapter
    leaves its file unchanged."""
    for cell in notebook.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    notebook.metadata.pop("papermill", None)
    notebook.metadata.pop("widgets", None)
    return without_widget_views(notebook)


def without_widget_views(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Store each widget output as its stand-in only (the explorers' "Run this cell (or Run All) to
    use the explorer"), not as a view of its model.

    Why: the model dies with the kernel that ran the notebook, so a stored view shows "Error
    displaying widget: model not found" in JupyterLab (and the widget's repr, ``VBox(children=...``,
    in a notebook not yet trusted). Storing the widget state instead would restore a copy that does
    not respond until the cell runs again, would change on every run (its model ids are random), and
    would make the book's pages load the widget manager from another host (myst-nb embeds any
    stored widget state).
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return notebook


def glued_values(path: Path) -> dict[str, str]:
    """Every value a run notebook glued (myst-nb ``glue``), by name, as the text its prose shows.

    A researcher who re-runs a chapter with papermill reads the new figures from here; the tests use
    it to check that the glued numbers follow the parameters.
    """
    notebook = nbformat.read(path, as_version=4)
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook", {})
            if meta.get("name"):
                text = output.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain", "")
                values[meta["name"]] = "".join(text) if isinstance(text, list) else text
    return values


def execute(path: Path, timeout: int = 300) -> None:
    """Execute ``path`` in place in its own folder with the current environment's kernel."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    nbformat.write(strip_volatile(notebook), path)


#: Cells the formatter leaves as they are: a papermill parameters cell is written by
#: phb.parameters (one ``name: type = value  # help`` line per parameter, which papermill reads).
UNFORMATTED_TAGS = ("parameters",)


def _ruff(*args: str, code: str) -> str:
    """``code`` passed through ``ruff ARGS... -`` (the project's pyproject.toml settings apply)."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    done = subprocess.run(
        [ruff, *args, "--stdin-filename", "cell.py", "-"], input=code, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1) or not done.stdout and code.strip():
        raise RuntimeError(f"ruff {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def format_cells(path: Path) -> int:
    """Sort imports and format each code cell of ``path`` with ruff, cell by cell, leaving outputs and
    every other byte of the file to nbformat. Returns how many cells changed.

    Why not ``ruff format`` on the notebook: ruff rewrites the whole JSON file and re-prints the
    floats in stored outputs with other last digits, which nbval then reports as changed outputs."""
    notebook = nbformat.read(path, as_version=4)
    changed = 0
    for cell in notebook.cells:
        if cell.cell_type != "code" or set(UNFORMATTED_TAGS) & set(cell.metadata.get("tags", [])):
            continue
        code = _ruff("check", "--fix-only", "--select", "I", "--quiet", code=cell.source)
        code = _ruff("format", "--quiet", code=code).rstrip("\n")
        if code != cell.source:
            cell.source = code
            changed += 1
    if changed:
        nbformat.write(notebook, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bookkit.notebooks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute notebooks in place and store their outputs")
    run.add_argument("paths", nargs="+", type=Path)
    tidy = sub.add_parser("format", help="sort imports and format the code cells with ruff (outputs untouched)")
    tidy.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.paths:
        if not path.exists():
            print(f"bookkit.notebooks: no such notebook: {path}", file=sys.stderr)
            return 2
        if args.command == "execute":
            execute(path)
        else:
            print(f"{path}: {format_cells(path)} cells formatted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
