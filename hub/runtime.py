"""The Python environment participants' servers run in: one every participant's system user can run.

Why this exists: participants' servers run as their own system users, so the interpreter, its
standard library and the installed packages must be readable and executable by any user. The
book's ``.venv`` usually is (a venv made from ``/usr/bin/python3``), but not when its base Python
lives in a private folder: a pyenv Python under ``/root`` (mode 0700), as on the machines this book
is built on, cannot be run by anyone but root. Then the room builds a runtime of its own,
``_build/hub-venv``, from a system Python, with the same pinned ``requirements.txt``, once (a stamp
holding the hash of requirements.txt says when to rebuild).

``python -m hub.runtime`` prints the bin folder the room will use (building it if needed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK_VENV_BIN = Path(sys.executable).parent
ROOM_VENV = ROOT / "_build" / "hub-venv"
REQUIREMENTS = ROOT / "requirements.txt"
#: Pythons the room may build its runtime from, in order (overridden by HUB_PYTHON).
CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3")
#: Any unprivileged account that exists on Debian-like systems, to check what "others" can run.
PROBE_USER = "nobody"


def runs_as_other_user(python: Path) -> bool:
    """True if an unprivileged user can start ``python`` and import the room's packages."""
    if os.geteuid() != 0:
        return True  # not root: the room refuses to start anyway (see hub.room.check_can_run)
    try:
        result = subprocess.run(
            [str(python), "-c", "import jupyterhub, jupyterlab, phb, widgets"],
            user=PROBE_USER,
            cwd="/",
            capture_output=True,
            timeout=120,
        )
    except (PermissionError, OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def _base_python() -> str:
    """A Python of at least 3.11 that lives where every user can run it."""
    chosen = os.environ.get("HUB_PYTHON")
    for candidate in [chosen] if chosen else CANDIDATES:
        if candidate and Path(candidate).exists():
            ok = subprocess.run(
                [candidate, "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"],
                capture_output=True,
            )
            if ok.returncode == 0:
                return candidate
    raise RuntimeError(
        "participants cannot run the book's .venv Python (it lives in a folder only "
        "root can enter), and no system Python 3.11+ with venv was found: install "
        "python3 and python3-venv, or set HUB_PYTHON=/path/to/python3.11"
    )


def build_room_venv(log=print) -> Path:
    """Create (or refresh) ``_build/hub-venv`` from a system Python; return its bin folder."""
    stamp = ROOM_VENV / ".requirements-sha256"
    python = ROOM_VENV / "bin" / "python"
    if stamp.exists() and stamp.read_text() == _stamp() and python.exists():
        return python.parent
    base = _base_python()
    log(f"hub: building the participants' Python environment in {ROOM_VENV} from {base} (once; a few minutes)")
    shutil.rmtree(ROOM_VENV, ignore_errors=True)
    subprocess.run([base, "-m", "venv", str(ROOM_VENV)], check=True)
    # The same pins as the book. A system Python may be an older patch release of the same minor
    # version than a pin declares (soupsieve 4.1.2 asks for 3.11.5; Debian 12 has 3.11.2): the wheels
    # are the same for every 3.11, so install them anyway; the load test then runs a chapter in it.
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--ignore-requires-python",
            "-r",
            str(REQUIREMENTS),
        ],
        check=True,
        cwd=ROOT,
    )
    subprocess.run(
        [
            str(python),
            "-m",
            "ipykernel",
            "install",
            "--sys-prefix",
            "--name",
            "python3",
            "--display-name",
            "Python 3 (phb)",
        ],
        check=True,
        capture_output=True,
    )
    stamp.write_text(_stamp())
    return python.parent


def participants_bin(log=print) -> Path:
    """The bin folder whose ``jupyterhub-singleuser`` and kernels participants will run."""
    if runs_as_other_user(BOOK_VENV_BIN / "python"):
        return BOOK_VENV_BIN
    room_python = ROOM_VENV / "bin" / "python"
    stamp = ROOM_VENV / ".requirements-sha256"
    if stamp.exists() and stamp.read_text() == _stamp() and runs_as_other_user(room_python):
        return room_python.parent
    bin_dir = build_room_venv(log)
    if not runs_as_other_user(bin_dir / "python"):
        raise RuntimeError(
            f"{bin_dir / 'python'} cannot be run by other users either: check the permissions of the folders above it"
        )
    return bin_dir


if __name__ == "__main__":
    print(participants_bin())
