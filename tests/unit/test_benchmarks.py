"""The benchmark cases still run: `make bench` times them, and a case broken by a change in phb/
would only show when someone next measured (the timeline case was: it passed the raw uptake table
where timeline_events had come to need the national series). Each case runs once; nothing is timed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH_FILES = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def cases_of(path: Path) -> dict:
    """A benchmark module's ``CASES``: name -> (callable, target seconds)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


@pytest.mark.slow
@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda p: p.stem)
def test_every_benchmark_case_runs(path: Path) -> None:
    cases = cases_of(path)
    assert cases, f"{path.name} has no CASES"
    for name, (action, target) in cases.items():
        assert target > 0, f"{path.name}: {name!r} has no target"
        action()
