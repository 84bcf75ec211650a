"""Fixtures for the unit tests: papermill runs of a chapter, from the shell as a researcher types it or
through its Python API, and the chapter's parameters cell."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def papermill_run(tmp_path: Path) -> Callable[[Path, dict[str, Any]], Path]:
    """Run a chapter through papermill's Python API with ``parameters`` (as a researcher's script
    does), in the chapter's folder, and return the executed copy's path under ``tmp_path``."""
    papermill = pytest.importorskip("papermill")

    def run(chapter: Path, parameters: dict[str, Any]) -> Path:
        out = tmp_path / chapter.name
        papermill.execute_notebook(
            str(chapter),
            str(out),
            parameters=parameters,
            cwd=str(chapter.parent),
            kernel_name="python3",
            progress_bar=False,
        )
        return out

    return run


def parameters_cell(chapter: Path) -> str:
    """The source of ``chapter``'s one cell tagged ``parameters`` (fails if there is not exactly one)."""
    notebook = json.loads(chapter.read_text())
    tagged = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{chapter.name}: {len(tagged)} cells tagged parameters, not one"
    return "".join(tagged[0]["source"])


@pytest.fixture
def parameters_source() -> Callable[[Path], str]:
    """:func:`parameters_cell`, for the tests."""
    return parameters_cell


def build_html(src: Path) -> tuple[Path, str]:
    """Build the small Sphinx book in ``src`` (its own conf.py) to HTML, fresh; return the HTML folder
    and every warning the build gave (the extension tests read both)."""
    from sphinx.application import Sphinx

    warnings = io.StringIO()
    html = src / "_build" / "html"
    app = Sphinx(
        str(src),
        str(src),
        str(html),
        str(src / "_build" / "doctrees"),
        "html",
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.build()
    return html, warnings.getvalue()


@pytest.fixture(scope="session")
def build_small_book() -> Callable[[Path], tuple[Path, str]]:
    """:func:`build_html`, for the module-scoped fixtures that build a small book."""
    return build_html


@pytest.fixture(scope="session")
def papermill_at_once() -> Callable[..., dict[str, subprocess.CompletedProcess[str]]]:
    """:func:`run_papermill_at_once`, for module-scoped fixtures of the papermill tests."""
    pytest.importorskip("papermill")
    return run_papermill_at_once


def run_papermill_at_once(
    notebook: str, runs: dict[str, list[str]], directory: Path
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run ``papermill NOTEBOOK DIRECTORY/NAME.ipynb ARGS...`` from the shell for every ``NAME: ARGS``
    of ``runs``, all started at once (each its own process and kernel: a run that fails at its
    parameters mostly waits for its kernel to start, so together they take about as long as one),
    and return each finished process with its stdout and stderr."""
    started = {}
    for name, args in runs.items():
        command = [
            sys.executable,
            "-m",
            "papermill",
            notebook,
            str(directory / f"{name}.ipynb"),
            "--no-progress-bar",
            *args,
        ]
        started[name] = (
            command,
            subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        )
    finished = {}
    for name, (command, process) in started.items():
        stdout, stderr = process.communicate(timeout=600)
        finished[name] = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return finished
