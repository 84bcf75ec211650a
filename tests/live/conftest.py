"""Fixtures for the live-notebook tests: a real JupyterLab on 127.0.0.1, driven by Debian's Chromium.

The route trainers and researchers take is a live notebook, so it is tested the way they take it:
JupyterLab started from this repository's environment, a chapter opened, Run All, then read and
moved like a person would. JupyterLab serves a throw-away copy of the chapters, so nothing a test
runs or autosaves touches the committed notebooks.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: JupyterLab's user settings for the tests: no news or update checks (they would go online).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # Render every cell, not only those scrolled into view, so that every chart can be checked.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
STARTUP_TIMEOUT_S = 120


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where it is and what it serves."""

    url: str
    token: str
    root: Path

    def notebook_url(self, relative: str, interface: str = "lab") -> str:
        """The notebook opened in JupyterLab (``lab``) or in Notebook 7 (``notebook``)."""
        if interface == "notebook":
            return f"{self.url}/notebooks/{relative}?token={self.token}"
        return f"{self.url}/lab/tree/{relative}?token={self.token}&reset"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(process: subprocess.Popen, log: Path, port: int) -> None:
    """Read JupyterLab's log as it is written until it says it is serving on our port (a condition,
    not a fixed sleep), or fail with the log."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    ready = f"127.0.0.1:{port}/lab"
    lines: list[str] = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        readable, _, _ = select.select([process.stdout], [], [], deadline - time.monotonic())
        if not readable:
            break
        line = process.stdout.readline()
        if not line:  # JupyterLab exited
            break
        lines.append(line)
        if ready in line:
            threading.Thread(target=_drain, args=(process.stdout, log, lines), daemon=True).start()
            return
    log.write_text("".join(lines))
    pytest.fail(f"JupyterLab did not start within {STARTUP_TIMEOUT_S} s:\n{''.join(lines)[-4000:]}", pytrace=False)


def _drain(stream: object, log: Path, lines: list[str]) -> None:
    """Keep reading JupyterLab's output into its log (a full pipe would stall the server)."""
    with log.open("w") as out:
        out.writelines(lines)
        for line in stream:  # type: ignore[attr-defined]
            out.write(line)
            out.flush()


def _copy_served_tree(target: Path) -> None:
    """The notebooks a trainer opens: every chapter, and one workshop student copy."""
    shutil.copytree(ROOT / "chapters", target / "chapters", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (target / "workshop").mkdir()
    from bookkit.workshop import make_student_copy

    make_student_copy(
        ROOT / "chapters" / "07_how_many_would_take_a_budget.ipynb",
        target / "workshop" / "07_how_many_would_take_a_budget.ipynb",
    )


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Start JupyterLab on 127.0.0.1 on a free port over a copy of the chapters; stop it after."""
    root = tmp_path_factory.mktemp("lab")
    _copy_served_tree(root)
    settings = root / ".lab-settings"
    for name, values in LAB_SETTINGS.items():
        package, plugin = name.rsplit("/", 1)
        (settings / package).mkdir(parents=True, exist_ok=True)
        (settings / package / plugin).write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    log = root / "lab.log"
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTER_PLATFORM_DIRS="1")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--expose-app-in-browser",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        "--allow-root",
        "--LabApp.news_url=",
        "--ServerApp.allow_remote_access=False",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=root, env=env, text=True)
    try:
        _wait_until_serving(process, log, port)
        yield Lab(f"http://127.0.0.1:{port}", token, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def lab_session(lab: Lab, browser: object) -> Iterator[object]:
    """One JupyterLab tab for every live test in this process, the notebooks opened in it one after
    another (test_jupyterlab.LabSession); closed after the last."""
    from test_jupyterlab import LabSession

    session = LabSession(lab, browser)
    yield session
    if session.page is not None and not session.page.is_closed():
        session.page.close()
