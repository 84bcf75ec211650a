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
        command = [sys.executable, "-m", "papermill", notebook, str(tmp_path / "out.ipynb"),
                   "--no-progress-bar", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)

    return run
