"""Reproducibility: stored outputs come from one clean, in-order run, and the environment is the pin.

nbval (in `make test`) executes every notebook afresh and compares every output with the stored one,
HTML charts and tables included (only chart element ids are sanitized). That is a second clean
execution compared with the first only if the stored outputs came from a clean, top-to-bottom run:
these tests check that they did, and that no run-to-run noise is stored.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from bookkit.environment import installed_set, pinned_set, requirement_lines, unpinned

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p for d in ("chapters", "appendices") for p in (ROOT / d).glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_from_one_clean_in_order_run(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in notebook.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..N: re-run it cleanly with "
        f"`make execute NOTEBOOKS={path.relative_to(ROOT)}`"
    )
    for index, cell in enumerate(notebook.cells):
        assert "execution" not in cell.metadata, f"{path.name} cell {index}: timing metadata stored"
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"{path.name} cell {index} stored an error"
    assert "widgets" not in notebook.metadata, f"{path.name}: widget state stored in metadata"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"


def test_installed_environment_is_exactly_the_pinned_set() -> None:
    """What `make` installed from requirements.txt is the same set, at the same versions."""
    pinned, installed = pinned_set(), installed_set()
    assert installed == pinned, (
        f"installed but not pinned: {sorted(installed - pinned)}; "
        f"pinned but not installed: {sorted(pinned - installed)}"
    )


def test_packages_no_longer_pinned_are_named_for_removal() -> None:
    """`make setup` removes what an earlier pin brought in; a package at another version is pip's."""
    pinned = requirement_lines(["# header", "jsonschema==4.24.1", "Foo_Bar==1.0", "-e ."])
    installed = {"jsonschema==4.26.0", "lark==1.3.1", "rfc3987-syntax==1.1.0", "foo-bar==1.0"}
    assert pinned == {"jsonschema==4.24.1", "foo-bar==1.0"}
    assert unpinned(installed, pinned) == ["lark", "rfc3987-syntax"]
