"""The installed Python environment against the pinned set in requirements.txt.

``pip install -r requirements.txt`` installs and upgrades or downgrades what is pinned, but never
removes a package that an earlier pin brought in and the current one does not (jsonschema 4.26
brought lark and rfc3987-syntax; the pin of 4.24 does not). An existing ``.venv`` would then differ
from a fresh one, so ``make setup`` removes what is installed but no longer pinned:
``python -m bookkit.environment --remove-unpinned``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
#: The book's own package, installed editable (``-e .``), not a pinned line.
OWN_PACKAGE = "phb-book"


def requirement_lines(lines: list[str]) -> set[str]:
    """``name==version`` lines, lower case with ``_`` as ``-`` (pip's spelling varies), without
    comments, blank lines and editable installs."""
    return {
        line.strip().lower().replace("_", "-")
        for line in lines
        if line.strip() and not line.lstrip().startswith(("#", "-e"))
    }


def pinned_set(requirements: Path = REQUIREMENTS) -> set[str]:
    """Every ``name==version`` the pinned set lists."""
    return requirement_lines(requirements.read_text(encoding="utf-8").splitlines())


def installed_set(python: str = sys.executable) -> set[str]:
    """Every ``name==version`` installed for ``python`` (``pip freeze``), the book's own package aside."""
    frozen = subprocess.run(
        [python, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return {line for line in requirement_lines(frozen) if not line.startswith(OWN_PACKAGE)}


def names(lines: set[str]) -> set[str]:
    """The package names of ``name==version`` lines."""
    return {line.split("==", 1)[0] for line in lines}


def unpinned(installed: set[str], pinned: set[str]) -> list[str]:
    """Names installed but not pinned at all (a package whose version differs is pip's to change)."""
    return sorted(names(installed) - names(pinned))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bookkit.environment", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--remove-unpinned", action="store_true", help="uninstall every package that requirements.txt does not list"
    )
    args = parser.parse_args(argv)
    extra = unpinned(installed_set(), pinned_set())
    if not extra:
        return 0
    if not args.remove_unpinned:
        print("installed but not pinned: " + " ".join(extra))
        return 1
    print("removing packages no longer pinned in requirements.txt: " + " ".join(extra))
    return subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", *extra]).returncode


if __name__ == "__main__":
    raise SystemExit(main())
