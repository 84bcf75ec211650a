"""Benchmarks for the evidence chapters' chart builders (chapters 1 to 3).

Each case builds one chart from data/ and renders it as the book does (spec to HTML), which is the
work a reader's kernel repeats when re-running a chapter. Targets are generous: these are small theme.
"""

from __future__ import annotations

from collections.abc import Callable

from phb.charts import theme
from phb.charts.confederation import frontline_survey_chart
from phb.charts.social_care import (
    council_variation_chart,
    council_variation_frame,
    direct_payments_chart,
    in_control_outcomes_chart,
)
from phb.charts.timeline import timeline_chart, timeline_events
from phb.data import load
from phb.data.uptake import national_series


def _render(chart) -> str:
    return theme.embed_html(theme.show(chart).outputs()[0][theme.LIVE_MIME])


def timeline() -> str:
    """Chapter 1: events from the timeline and the national uptake series, drawn and rendered."""
    return _render(timeline_chart(timeline_events(load("timeline"), uptake=national_series())))


def social_care() -> list[str]:
    """Chapter 2: the three charts of the chapter, drawn and rendered."""
    councils = council_variation_frame(load("council_variation"), load("social_care_uptake"))
    return [
        _render(direct_payments_chart(load("social_care_direct_payments"))),
        _render(in_control_outcomes_chart(load("in_control_outcomes"))),
        _render(council_variation_chart(councils, 30)),
    ]


def frontline() -> str:
    """Chapter 3: the frontline survey chart, drawn and rendered."""
    return _render(frontline_survey_chart(load("frontline_survey")))


CASES: dict[str, tuple[Callable[[], object], float]] = {
    "evidence: timeline chart (ch. 1)": (timeline, 0.5),
    "evidence: social-care charts (ch. 2)": (social_care, 1.0),
    "evidence: frontline survey chart (ch. 3)": (frontline, 0.5),
}
