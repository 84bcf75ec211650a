"""The benchmark cases still run: `make bench` times them, and a case broken by a change in phb/
would only show when someone next measured (the timeline case was: it passed the raw uptake table
where timeline_events had come to need the national series). Each case runs once; nothing is timed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH_FILES = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def script(path: Path):
    """A file under benchmarks/ as a module (they are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases_of(path: Path) -> dict:
    """A benchmark module's ``CASES``: name -> (callable, target seconds)."""
    return script(path).CASES


@pytest.mark.slow
@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda p: p.stem)
def test_every_benchmark_case_runs(path: Path) -> None:
    cases = cases_of(path)
    assert cases, f"{path.name} has no CASES"
    for name, (action, target) in cases.items():
        assert target > 0, f"{path.name}: {name!r} has no target"
        action()


def test_goals_read_both_times_from_the_suite_section_and_decide_by_floors() -> None:
    """A suite within its goal in seconds on a fast machine still misses it in notebook floors."""
    run = script(ROOT / "benchmarks" / "run.py")
    suite = [
        "Total wall time 174.3 s (the set-up ...) ... so the suite took **90 floors**. The goal ...",
        "`make test-fast` (the unit and data tests ...) in the same minutes: **13.2 s**, **5.9 floors**. Its goal",
    ]
    lines = run.goals_section({"suite": suite})
    whole = next(line for line in lines if line.startswith("The whole suite"))
    fast = next(line for line in lines if line.startswith("`make test-fast`"))
    assert "174.3 s, within the goal's 240.0 s" in whole and "90 notebook floors" in whole
    assert "it **misses** the goal" in whole
    assert "13.2 s, within the goal's 20.0 s" in fast and "it meets the goal" in fast
