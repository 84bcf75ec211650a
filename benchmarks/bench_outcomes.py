"""Benchmarks for the chapter 4-6 table and chart builders (phb.outcome_charts).

Each case builds what a chapter cell builds, including the Vega-Lite spec (``to_dict``), so that the
time is what a reader waits for when re-running the cell.
"""

from __future__ import annotations

from collections.abc import Callable

from phb import outcome_charts as oc


def _poet() -> dict:
    return oc.poet_bounds_chart(oc.poet_results()).to_dict()


def _uptake_with_targets() -> dict:
    return oc.uptake_chart(oc.uptake_series(), oc.targets(), log_scale=False).to_dict()


def _conflicts() -> dict:
    return oc.conflicts_chart(oc.conflicts(oc.STUDY_CONFLICTS)).to_dict()


def _evaluation() -> object:
    return oc.evaluation_findings()


CASES: dict[str, tuple[Callable[[], object], float]] = {
    "poet_bounds_chart": (_poet, 1.0),
    "uptake_chart_with_targets": (_uptake_with_targets, 0.5),
    "study_conflicts_chart": (_conflicts, 0.3),
    "evaluation_findings_table": (_evaluation, 0.3),
}
