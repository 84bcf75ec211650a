"""Chart and table builders for chapters 1 to 3: what they draw equals what data/ holds."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from phb.charts import theme
from phb.charts.confederation import (
    confederation_reports_table,
    five_tests_table,
    frontline_survey_chart,
    frontline_survey_frame,
)
from phb.charts.social_care import (
    audit_commission_table,
    council_variation_chart,
    council_variation_frame,
    direct_payments_chart,
    direct_payments_frame,
    in_control_outcomes_chart,
    in_control_outcomes_frame,
    nao_study_table,
)
from phb.charts.timeline import KEY_EVENTS, budget_types_table, timeline_chart, timeline_events
from phb.data import figure, load
from phb.data.uptake import national_series


def _layers(spec: dict) -> list[dict]:
    """Every unit spec (leaf) of a layered / concatenated Vega-Lite spec."""
    out = []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            out += _layers(sub)
    if "mark" in spec:
        out.append(spec)
    return out


def _mark_types(spec: dict) -> set[str]:
    return {(s["mark"]["type"] if isinstance(s["mark"], dict) else s["mark"]) for s in _layers(spec)}


def _renders(chart) -> list[dict]:
    """The chart as the book shows it; twice, to check the output is stable (nbval compares)."""
    first = theme.show(chart).outputs()
    assert first == theme.show(chart).outputs()
    return first


# ------------------------------------------------------------------------------------------ tables


def test_budget_types_table_follows_the_data():
    raw = load("budget_types").sort_values("position")
    table = budget_types_table(raw.sample(frac=1, random_state=1))  # order restored by position
    assert list(table["Way of holding the budget"]) == list(raw["name"])
    assert list(table["Does money change hands?"]) == ["Yes" if v else "No" for v in raw["money_changes_hands"]]
    assert table.loc[0, "Does money change hands?"] == "No"  # notional: no money moves
    assert len(table) == figure("budget_types_n").value


def test_confederation_reports_table_marks_what_the_sources_do_not_say():
    table = confederation_reports_table(load("confederation_reports"))
    assert list(table["Order"]) == sorted(table["Order"])
    first = table.iloc[0]
    assert first["Published"] == "Not given" and first["Whose views"] == "Not described in the sources"
    assert "Oct 2011" in table.iloc[-1]["Published"]
    assert table.iloc[-1]["Sample"].startswith("'Hundreds'")  # text kept as the data says it


def test_five_tests_table_in_order():
    raw = load("five_tests")
    table = five_tests_table(raw.iloc[::-1])
    assert list(table["Test"]) == sorted(raw["test_no"].astype(int))
    assert len(table) == figure("getreal2011_tests_n").value


def test_audit_commission_table_uses_the_figure_text():
    table = audit_commission_table(load("audit_commission"))
    cost = table[table["Topic"] == "Implementation cost"].iloc[0]
    assert cost["Figure"] == figure("audit_commission_dp_cost_per_user").text
    assert (table["Figure"] != "").sum() == 1


def test_nao_study_table_counts_match():
    raw = load("nao_study")
    table = nao_study_table(raw)
    assert list(table["Interviews"]) == list(raw["count"].astype(int))
    assert table["Interview"].str.contains("face to face").any()


# ------------------------------------------------------------------------------------------ timeline


def test_timeline_events_are_in_date_order_with_readable_dates():
    events = timeline_events(load("timeline"), events=None)
    assert list(events["sort_date"]) == sorted(events["sort_date"])
    assert len(events) == len(load("timeline"))
    labels = dict(zip(events["event_id"], events["date"]))
    assert labels[1] == "1996" and labels[4] == "Mar 2006" and labels[19] == "6 Oct 2011"
    assert labels[3] == "2006/07"
    # a financial year starts in April, so 2006/07 comes after March 2006
    order = list(events["event_id"])
    assert order.index(4) < order.index(3)


def test_timeline_events_key_selection_details_and_latest_uptake():
    budget = figure("phb_pilot_annual_budget").text
    events = timeline_events(load("timeline"), uptake=national_series(), details={7: f"budget {budget}"})
    assert set(events["event_id"]) == set(KEY_EVENTS) | {0}
    assert budget in events.set_index("event_id").loc[7, "event"]
    latest = events.set_index("event_id").loc[0]
    assert figure("uptake_2023_24_q4_ytd").text in latest["event"]
    assert "wheelchair" in latest["event"]  # the count's basis is said beside it


def test_timeline_detail_from_another_source_credits_that_source():
    budget = figure("phb_pilot_annual_budget")
    events = timeline_events(load("timeline"), details={7: (f"budget {budget.text}", budget.source_id)})
    pilot = events.set_index("event_id").loc[7]
    assert budget.text in pilot["event"]
    assert pilot["source"] == f"nhsconfed2011views; {budget.source_id}"


def test_timeline_events_refuse_unknown_ids_and_missing_columns():
    with pytest.raises(ValueError, match="unknown"):
        timeline_events(load("timeline"), events=[1, 999])
    with pytest.raises(ValueError, match="needs the column"):
        timeline_events(load("timeline").drop(columns="date"))


def test_timeline_chart_has_one_row_per_event_and_a_real_description():
    events = timeline_events(load("timeline"), uptake=national_series())
    chart = timeline_chart(events)
    spec = chart.to_dict()
    assert spec["title"]["text"] and len(spec["description"]) > 100
    assert f"{len(events)} events" in spec["description"]
    rows = [v for v in spec["datasets"].values() if v and "row" in v[0]]
    assert rows and len(rows[0]) == len(events)
    assert {"text", "point", "rule"} <= _mark_types(spec)
    wrapped = [r["label"] for r in rows[0]]
    assert all(len(line) <= 64 for label in wrapped for line in label.split("\n"))
    _renders(chart)


def test_timeline_chart_refuses_a_too_narrow_wrap():
    with pytest.raises(ValueError, match="wrap must be at least 20"):
        timeline_chart(timeline_events(load("timeline")), wrap=5)


# ------------------------------------------------------------------------------------------ chapter 2


def test_in_control_chart_draws_the_data_largest_first():
    raw = load("in_control_outcomes")
    frame = in_control_outcomes_frame(raw)
    assert list(frame.iloc[:, 1]) == sorted(raw["percent_improved"].astype(float), reverse=True)
    chart = in_control_outcomes_chart(raw)
    spec = chart.to_dict()
    drawn = next(v for v in spec["datasets"].values())
    assert sorted(r["percent"] for r in drawn) == sorted(raw["percent_improved"].astype(float))
    assert f"{frame.iloc[0, 1]:.0f}%" in spec["description"]
    _renders(chart)


def test_in_control_chart_refuses_impossible_percentages():
    bad = pd.DataFrame({"domain": ["quality_of_life"], "percent_improved": [120]})
    with pytest.raises(ValueError, match="between 0 and 100"):
        in_control_outcomes_chart(bad)


def test_direct_payments_frame_uses_lower_bounds_and_published_wording():
    raw = load("social_care_direct_payments")
    frame = direct_payments_frame(raw)
    assert len(frame) == (raw["measure"] == "recipients").sum()
    assert list(frame["date"]) == sorted(frame["date"])
    bound = frame[frame["Kind of figure"] == "lower bound"].iloc[0]
    assert bound["People"] == figure("cssi_dp_recipients_2007").lower
    assert bound["As published"] == figure("cssi_dp_recipients_2007").text
    assert figure("social_care_dp_peak_2016_17").value in set(frame["People"])


def test_direct_payments_chart_draws_points_not_a_line():
    chart = direct_payments_chart(load("social_care_direct_payments"))
    spec = chart.to_dict()
    assert "line" not in _mark_types(spec) and "point" in _mark_types(spec)
    assert figure("social_care_dp_peak_2016_17").text in spec["description"]
    _renders(chart)


def test_council_variation_frame_and_chart():
    frame = council_variation_frame(load("council_variation"), load("social_care_uptake"))
    row = frame.set_index("Year").loc["2010/11"]
    range_ = figure("social_care_pb_council_range_2010_11")
    assert (row["Lowest council (%)"], row["Highest council (%)"]) == (range_.lower, range_.upper)
    assert row["England (%)"] == figure("social_care_pb_share_2010_11").value
    assert pd.isna(frame.set_index("Year").loc["2009/10", "England (%)"])
    target = figure("social_care_pb_target_pct").value
    chart = council_variation_chart(frame, target)
    spec = chart.to_dict()
    assert "rule" in _mark_types(spec) and f"{target:g}%" in spec["description"]
    _renders(chart)
    assert "rule" not in _mark_types(council_variation_chart(frame).to_dict())


@pytest.mark.parametrize("target", [-1, 101, 250])
def test_council_variation_chart_refuses_an_impossible_target(target):
    frame = council_variation_frame(load("council_variation"), load("social_care_uptake"))
    with pytest.raises(ValueError, match="target_percent must be between 0 and 100"):
        council_variation_chart(frame, target)


# ------------------------------------------------------------------------------------------ chapter 3


def test_frontline_survey_chart_has_two_panels_with_the_data():
    raw = load("frontline_survey")
    frame = frontline_survey_frame(raw)
    assert sorted(frame["Percent"]) == sorted(raw["percent"].astype(float))
    chart = frontline_survey_chart(raw)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 2
    for figure_id in raw["figure_id"]:
        assert figure(figure_id).text in spec["description"]
    _renders(chart)


def test_builders_refuse_empty_tables():
    with pytest.raises(ValueError, match="empty"):
        frontline_survey_chart(load("frontline_survey").iloc[0:0])


def test_every_chart_description_is_long_enough_and_json_clean():
    built = [
        timeline_chart(timeline_events(load("timeline"))),
        in_control_outcomes_chart(load("in_control_outcomes")),
        direct_payments_chart(load("social_care_direct_payments")),
        council_variation_chart(council_variation_frame(load("council_variation"), load("social_care_uptake")), 30),
        frontline_survey_chart(load("frontline_survey")),
    ]
    for chart in built:
        spec = chart.to_dict()
        json.dumps(spec, allow_nan=False)  # no NaN or numpy types leak into the published spec
        assert len(spec["description"]) >= theme.MIN_DESCRIPTION_CHARS
