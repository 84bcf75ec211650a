"""Benchmarks for the chapter 4-6 table and chart builders (phb.charts.outcomes).

Each case builds what a chapter cell builds, including the Vega-Lite spec (``to_dict``), so that the
time is what a reader waits for when re-running the cell.
"""

from __future__ import annotations

from collections.abc import Callable

from phb.charts.conflicts import conflicts, conflicts_chart
from phb.charts.outcomes import evaluation_findings, poet_bounds_chart, poet_results
from phb.charts.study2011 import STUDY_CONFLICTS
from phb.charts.uptake import uptake_chart
from phb.data.uptake import national_series, targets


def _poet() -> dict:
    return poet_bounds_chart(poet_results()).to_dict()


def _uptake_with_targets() -> dict:
    return uptake_chart(national_series(), targets(), log_scale=False).to_dict()


def _conflicts() -> dict:
    return conflicts_chart(conflicts(STUDY_CONFLICTS)).to_dict()


def _evaluation() -> object:
    return evaluation_findings()


CASES: dict[str, tuple[Callable[[], object], float]] = {
    "poet_bounds_chart": (_poet, 1.0),
    "uptake_chart_with_targets": (_uptake_with_targets, 0.5),
    "study_conflicts_chart": (_conflicts, 0.3),
    "evaluation_findings_table": (_evaluation, 0.3),
}
