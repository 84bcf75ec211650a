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


def test_goals_are_decided_in_the_machines_seconds_that_the_goals_own_suite_gives() -> None:
    """The goals are read against the goal's own suite timed beside them: a suite within 240 s on a
    slow day meets the goal, and the same seconds on a fast day (the goal's suite quicker than on
    the goal's day) miss it. Without that measurement the verdict says it is in plain seconds."""
    run = script(ROOT / "benchmarks" / "run.py")

    def goals(speed: str | None) -> tuple[str, str]:
        suite = [
            "Total wall time 236.0 s (the set-up ...) ...",
            (
                f"... this machine takes **{speed}** times that day's time, so the goals are "
                f"**{240 * float(speed):.1f} s** for `make test` and **{20 * float(speed):.1f} s** for "
                "`make test-fast` on it today."
                if speed
                else "..."
            ),
            "`make test-fast` (the unit and data tests ...) in the same minutes: **19.5 s**, 7.9 floors.",
        ]
        lines = run.goals_section({"suite": suite})
        return (
            next(line for line in lines if line.startswith("The whole suite")),
            next(line for line in lines if line.startswith("`make test-fast`")),
        )

    whole, fast = goals("1.100")
    assert "236.0 s against the goal's 240.0 s, which is 264.0 s on this machine today" in whole
    assert "it meets the goal" in whole and "it meets the goal" in fast
    whole, fast = goals("0.900")
    assert "216.0 s on this machine today" in whole and "it **misses** the goal" in whole
    assert "18.0 s on this machine today" in fast and "it **misses** the goal" in fast
    whole, fast = goals(None)
    assert "it meets the goal in seconds, not corrected for the machine" in whole
