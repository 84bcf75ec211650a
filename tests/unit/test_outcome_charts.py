"""Tables and charts of chapters 4 to 6 (phb.charts.outcomes): bounds stay bounds, definitions stay
visible, disagreements are shown, and every chart is described."""

import json

import pytest

from phb.charts.common import where
from phb.charts.confederation import five_tests_table
from phb.charts.conflicts import conflicts, conflicts_chart
from phb.charts.outcomes import (
    BASE_NOT_PUBLISHED,
    POET_CONFLICTS,
    arms_chart,
    evaluation_arms,
    evaluation_findings,
    poet_bounds_chart,
    poet_readable,
    poet_results,
    poet_samples,
)
from phb.charts.study2011 import (
    STUDY_CONFLICTS,
    focus_groups,
    focus_groups_chart,
    samples_chart,
    seven_concerns,
    study_phases,
    study_samples,
)
from phb.charts.uptake import (
    budget_mix,
    budget_mix_chart,
    comparison_chart,
    social_care_comparison,
    targets_vs_counts,
    uptake_chart,
)
from phb.data import figure, load
from phb.data.qualifiers import bound_of
from phb.data.uptake import national_series, targets


def _spec(chart) -> dict:
    return chart.to_dict()


def _all_marks(spec: dict) -> list[dict]:
    """Every (sub)chart dict that carries a mark, however deeply layered or concatenated."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "mark" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


# ------------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    "qualifier,kind",
    [
        ("exact", "point"),
        ("approximately", "point"),
        ("more_than", "lower"),
        ("over", "lower"),
        ("fewer_than", "upper"),
        ("under", "upper"),
        ("nearly", "upper"),
        ("range", "range"),
    ],
)
def test_kind_of_reads_every_qualifier(qualifier, kind):
    assert bound_of(qualifier) == kind


def test_kind_of_refuses_an_unknown_qualifier():
    with pytest.raises(ValueError, match="qualifier"):
        bound_of("roughly")


def test_where_drops_the_file_and_second_locator():
    assert where("002_x.txt › Executive summary (p. 4)") == "Executive summary (p. 4)"
    assert (
        where("002_x.txt › Methodology (p. 7) › The survey; also 002_x.txt › Intro")
        == "Methodology (p. 7) › The survey"
    )


# ------------------------------------------------------------------------------- chapter 4


def test_phases_in_order_with_the_reports_dates():
    phases = study_phases()
    assert list(phases["Phase"]) == [1, 2, 3]
    assert phases.loc[1, "When"] == "October 2010 to January 2011"
    assert phases.loc[2, "When"] == "March 2011"
    assert phases.loc[0, "When"] == "Not given"


def test_samples_keep_the_methodology_counts_and_drop_the_summary_by_default():
    samples = study_samples()
    ids = set(samples["figure_id"])
    assert {"study2011_survey_n", "study2011_focus_group_n"} <= ids
    assert not ids & {"study2011_survey_n_exec", "study2011_focus_group_n_exec"}
    derived = samples[samples["derived"]]
    assert all(text.endswith("(derived)") for text in derived["stated"])
    assert len(study_samples(preferred_only=False)) > len(samples)


def test_samples_chart_draws_the_reports_totals():
    samples = study_samples()
    spec = _spec(samples_chart(samples))
    values = json.dumps(spec)
    assert spec["description"] and spec["title"]
    survey = figure("study2011_survey_n").value
    assert f'"end": {survey}' in values


def test_samples_chart_refuses_an_empty_table():
    with pytest.raises(ValueError, match="samples"):
        samples_chart(study_samples().iloc[0:0])


def test_focus_groups_mark_the_two_bme_groups():
    groups = focus_groups()
    assert len(groups) == figure("study2011_focus_groups_n").value
    assert list(groups.loc[groups["Recruited from BME communities"] == "Yes", "Group"]) == ["FG3", "FG6"]
    spec = _spec(focus_groups_chart(groups))
    assert "FG3 Leicester" in spec["description"] and "FG6 London" in spec["description"]


def test_seven_concerns_are_numbered_one_to_seven():
    concerns = seven_concerns()
    assert list(concerns["No."]) == list(range(1, int(figure("study2011_concerns_n").value) + 1))


def test_conflicts_show_both_figures_and_say_which_the_book_uses():
    table = conflicts(STUDY_CONFLICTS)
    row = table[table["measure"] == "Focus group participants"].iloc[0]
    assert row["used"] == figure("study2011_focus_group_n").text
    assert row["other"] == figure("study2011_focus_group_n_exec").text
    assert "Executive summary" in row["other_where"] and "Methodology" in row["used_where"]
    assert row["why"]
    prior = table[table["measure"].str.contains("personal budget")].iloc[0]
    assert (prior["value_used"], prior["value_other"]) == (10, 12)


def test_conflicts_prefer_the_preferred_figure_even_when_asked_from_the_other_side():
    table = conflicts({"study2011_survey_n_exec": "Survey respondents"})
    assert table.iloc[0]["used_id"] == "study2011_survey_n"


def test_conflicts_refuse_a_figure_without_conflict():
    with pytest.raises(ValueError, match="conflicts_with"):
        conflicts({"study2011_total_n": "Everyone"})


def test_conflicts_chart_draws_only_people_counts_and_names_each_pair():
    table = conflicts(STUDY_CONFLICTS)
    spec = _spec(conflicts_chart(table))
    assert "58 used, 60" in spec["description"]
    assert "would not consider" not in json.dumps(spec["datasets"])
    with pytest.raises(ValueError, match="exact counts"):
        conflicts_chart(table[table["unit"] != "people"])


# ------------------------------------------------------------------------------- chapter 5


def test_evaluation_findings_flag_secondary_sources():
    findings = evaluation_findings()
    assert len(findings) == len(load("national_evaluation"))
    ascot = findings[findings["source_id"] == "elf2012phb"]
    assert set(ascot["Secondary source"]) == {"Yes"}
    assert set(findings.loc[findings["source_id"] == "jones2013phb", "Secondary source"]) == {"No"}


def test_evaluation_arms_match_the_figures():
    arms = evaluation_arms()
    ascot = arms[arms["measure"].str.contains("ASCOT")]
    assert list(ascot["value"]) == [
        figure("nateval_ascot_change_phb").value,
        figure("nateval_ascot_change_control").value,
    ]
    assert ascot["significance"].iloc[0] == "p less than 0.001"
    assert arms[arms["measure"].str.startswith("Mortality")]["significance"].iloc[0] == "p = 0.109"
    spec = _spec(arms_chart(arms))
    assert "vconcat" in spec and "0.057" in spec["description"]


def test_poet_results_keep_bounds_as_bounds():
    results = poet_results().set_index("figure_id")
    qol = results.loc["poet2014_qol_improved_s1"]
    assert (qol["kind"], qol["low"], qol["high"], qol["stated"]) == ("lower", 80.0, 100.0, "more than 80%")
    negative = results.loc["poet_sc2013_negative"]
    assert (negative["kind"], negative["low"], negative["high"]) == ("upper", 0.0, 10.0)
    difficult = results.loc["poet2014_process_difficult"]
    assert (difficult["low"], difficult["high"]) == (11.9, 22.0)
    independence = results.loc["poet2014_independence_holders"]
    assert (independence["kind"], independence["low"], independence["high"]) == ("point", 75.0, 75.0)


def test_poet_results_carry_each_sample_size():
    results = poet_results().set_index("figure_id")
    assert figure("poet2015_holders_n").text in results.loc["poet2015_quality_of_life_positive", "sample"]
    both = results.loc["poet2014_negative_s1", "sample"]
    assert figure("poet2014_holders_n").text in both and figure("poet2014_carers_n").text in both
    assert results.loc["poet_sc2014_dignity_better", "sample"] == "n = over 4,000 people"


def test_poet_results_preferred_only_unless_asked():
    preferred = set(poet_results()["figure_id"])
    everything = set(poet_results(include_conflicting=True)["figure_id"])
    assert "poet2014_qol_improved" not in preferred and "poet2014_qol_improved" in everything


def test_poet_chart_draws_bounds_to_100_with_open_arrows():
    results = poet_results()
    spec = _spec(poet_bounds_chart(results))
    marks = _all_marks(spec)
    arrows = [m for m in marks if isinstance(m["mark"], dict) and m["mark"].get("shape") == "triangle-right"]
    assert arrows and all(m["mark"]["filled"] is False for m in arrows)
    assert "more than" in spec["description"] and "open arrowhead at 100%" in spec["description"]
    readable = poet_readable(results)
    assert "80% to 100%" in set(readable["What the words allow"])


def test_poet_chart_refuses_no_results():
    with pytest.raises(ValueError, match="results"):
        poet_bounds_chart(poet_results().iloc[0:0])


def test_poet_samples_list_every_survey():
    samples = poet_samples()
    assert {"PHB POET 2013", "PHB POET 2014", "PHB POET 2015", "Social care POET 2013", "Social care POET 2014"} == set(
        samples["Survey"]
    )
    assert samples["Survey"].value_counts()["PHB POET 2014"] == 2


# ------------------------------------------------------------------------------- chapter 6


def test_uptake_chart_encodes_the_basis_and_explains_year_to_date():
    spec = _spec(uptake_chart(national_series()))
    text = json.dumps(spec)
    assert '"shape"' in text and '"field": "basis"' in text
    assert "year-to-date" in spec["description"] and "wheelchair" in spec["description"]


def test_targets_set_only_holder_counts_against_counts():
    goals = targets()
    holders = goals[goals["counts_holders"]]
    assert set(holders["figure_id"]) == {"phb_target_2019", "phb_target_2021_03", "phb_ltp_ambition_2023_24"}
    table = targets_vs_counts(national_series(), goals)
    row = table[table["By"] == "2019"].iloc[0]
    assert row["Last count on or before"].startswith(figure("phb_total_2019_10").text)
    ltp = table[table["By"] == "2023/24"].iloc[0]
    assert ltp["Last count on or before"].startswith(figure("uptake_2023_24_q4_ytd").text)
    assert "year to date" in ltp["Last count on or before"]


def test_targets_chart_describes_the_targets():
    spec = _spec(uptake_chart(national_series(), targets(), log_scale=False))
    assert "NHS mandate" in spec["description"] and spec["title"]["text"].startswith("Targets")


def test_budget_mix_sums_to_100_and_marks_the_unsplit_rest():
    mix = budget_mix()
    totals = mix.groupby("period")["share"].sum()
    assert (totals - 100).abs().max() < 1e-9
    rest = mix[(mix["period"] == "2021/22 Q3") & (mix["type"] == "not_split")]
    assert float(rest["share"].iloc[0]) == 100 - figure("uptake_2021_22_q3_direct_payment_pct").value
    spec = _spec(budget_mix_chart(mix))
    assert "grey" in spec["description"]


def test_social_care_comparison_keeps_series_apart():
    table = social_care_comparison(national_series())
    assert any(s.startswith("Social care: direct payment") for s in set(table["series"]))
    assert "NHS: personal health budgets (year to date)" in set(table["series"])
    spec = _spec(comparison_chart(table))
    assert spec["description"] and "log scale" in spec["description"]


def test_five_tests_are_five():
    assert len(five_tests_table(load("five_tests"))) == figure("getreal2011_tests_n").value


def test_poet_conflicts_list_every_linked_figure():
    table = conflicts(POET_CONFLICTS)
    negative = table[table["measure"].str.contains("negative")]
    assert set(negative["other_id"]) == {"poet2014_negative_s2", "poet2014_negative_blog"}
    assert set(negative["used"]) == {figure("poet2014_negative_s1").text}


def test_a_result_whose_base_is_not_published_is_not_drawn_with_the_survey_as_its_base():
    results = poet_results(include_conflicting=True).set_index("figure_id")
    for fid in BASE_NOT_PUBLISHED:
        assert results.loc[fid, "sample"].startswith("base not published"), fid
    assert results.loc["poet2014_qol_improved_s1", "sample"].startswith("n = ")


def test_a_negative_bars_label_sits_right_of_zero_not_on_the_bar():
    """Ink text drawn over a bar fails WCAG AA (3.05:1 on the vermillion), and a label left of a
    negative bar's end ran into the labels down the side on a phone: each figure starts just
    beyond its bar's end, a negative bar's just right of zero, where its row has no bar."""
    table = evaluation_arms()
    spec = arms_chart(table).to_dict()
    assert (table["value"] < 0).any(), "the data has a negative change (mental health costs)"
    for panel in spec["vconcat"]:
        (text,) = [layer for layer in panel["layer"] if layer["mark"]["type"] == "text"]
        assert text["mark"]["align"] == "left" and text["mark"]["dx"] > 0
        assert text["transform"] == [{"calculate": "max(datum.value, 0)", "as": "label_x"}]
        assert text["encoding"]["x"]["field"] == "label_x"
