"""Fixtures for the unit tests: a real papermill run from the shell, as a researcher types it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def papermill_shell(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``papermill NOTEBOOK OUT ARGS...`` in a subprocess (the output notebook is
    ``tmp_path / "out.ipynb"``) and return the finished process with its stdout and stderr."""
    pytest.importorskip("papermill")

    def run(notebook: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "papermill", notebook, str(tmp_path / "out.ipynb"), "--no-progress-bar", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)

    return run


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
