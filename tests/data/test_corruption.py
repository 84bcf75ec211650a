"""Corrupted copies of data/: each must be caught, named precisely, and nothing may load."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from phb import data
from phb.data.cli import main
from phb.data.schema import descriptor_resource

REPO = Path(__file__).resolve().parents[2]

#: Each test validates a whole copy of the package, twice (loading and the CLI): make test-fast
#: leaves these out, make test runs them.
pytestmark = pytest.mark.slow


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, table: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell; ``line`` is the file line (header is 1)."""
    table = rows(path)
    table[line - 1][table[0].index(column)] = value
    write_rows(path, table)


def line_of(path: Path, column: str, value: str) -> int:
    table = rows(path)
    i = table[0].index(column)
    return next(n for n, r in enumerate(table, 1) if n > 1 and r[i] == value)


def assert_broken(directory: Path, file: str, row: int | None, column: str | None, rule: str) -> data.Problem:
    """The package is invalid, the expected problem is reported, and no table loads."""
    with pytest.raises(data.DataValidationError) as first:
        data.load("sources", directory)  # validates the whole package (cached for the calls below)
    problems = first.value.problems
    matches = [p for p in problems if p.file == file and p.row == row and p.column == column and p.rule == rule]
    assert matches, f"expected {file} row {row} column {column} [{rule}], got:\n" + "\n".join(map(str, problems))
    text = str(matches[0])
    assert file in text and rule in text
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert column in text
    # nothing half-loads: every table, even untouched ones, refuses to load
    for name in ("sources", "figures", "timeline", "budget_types"):
        with pytest.raises(data.DataValidationError) as err:
            data.load(name, directory)
        assert text in str(err.value)
    with pytest.raises(data.DataValidationError):
        data.figure("study2011_survey_n", directory)
    # the CLI lists the same problem and fails
    assert main(["validate", str(directory)]) == 1
    return matches[0]


def test_copy_is_valid(copy: Path) -> None:
    assert data.validate(copy) == []


def test_missing_file(copy: Path) -> None:
    (copy / "timeline.csv").unlink()
    assert_broken(copy, "timeline.csv", None, None, "missing-file")


def test_missing_descriptor(copy: Path) -> None:
    (copy / "datapackage.json").unlink()
    problems = data.validate(copy)
    assert [p.rule for p in problems] == ["missing-file"]
    with pytest.raises(data.DataValidationError):
        data.load("figures", copy)


def test_empty_file(copy: Path) -> None:
    (copy / "five_tests.csv").write_text("", encoding="utf-8")
    assert_broken(copy, "five_tests.csv", None, None, "empty-file")


def test_missing_column(copy: Path) -> None:
    path = copy / "focus_groups.csv"
    table = rows(path)
    i = table[0].index("place")
    write_rows(path, [r[:i] + r[i + 1 :] for r in table])
    assert_broken(copy, "focus_groups.csv", 1, "place", "missing-column")


def test_unknown_column(copy: Path) -> None:
    path = copy / "focus_groups.csv"
    table = rows(path)
    write_rows(path, [r + (["size"] if n == 0 else ["10"]) for n, r in enumerate(table)])
    assert_broken(copy, "focus_groups.csv", 1, "size", "unknown-column")


def test_wrong_type(copy: Path) -> None:
    path = copy / "phb_uptake.csv"
    line = line_of(path, "figure_id", "uptake_2023_24_q4_ytd")
    set_cell(path, line, "value", "lots")
    assert_broken(copy, "phb_uptake.csv", line, "value", "type-error")


def test_percentage_above_100(copy: Path) -> None:
    path = copy / "in_control_outcomes.csv"
    line = line_of(path, "domain", "dignity")
    set_cell(path, line, "percent_improved", "159")
    assert_broken(copy, "in_control_outcomes.csv", line, "percent_improved", "constraint-maximum")


def test_percentage_above_100_in_figures(copy: Path) -> None:
    """figures.csv mixes units, so the percentage rule there is a hand check by unit."""
    path = copy / "figures.csv"
    line = line_of(path, "id", "poet2014_qol_improved")
    set_cell(path, line, "value", "186")
    problem = assert_broken(copy, "figures.csv", line, "value", "percentage-range")
    assert "186" in problem.message


def test_negative_count(copy: Path) -> None:
    path = copy / "phb_uptake.csv"
    line = line_of(path, "figure_id", "phb_total_2016_10")
    set_cell(path, line, "value", "-10824")
    assert_broken(copy, "phb_uptake.csv", line, "value", "constraint-minimum")


def test_shares_do_not_sum_to_100(copy: Path) -> None:
    # change both the figure and the table so they still agree: only the sum is wrong
    figs, mix = copy / "figures.csv", copy / "phb_budget_type_mix.csv"
    set_cell(figs, line_of(figs, "id", "uptake_2023_24_q4_notional_pct"), "value", "70")
    line = line_of(mix, "figure_id", "uptake_2023_24_q4_notional_pct")
    set_cell(mix, line, "share_pct", "70")
    first = line_of(mix, "period", "2023/24 Q4")
    problem = assert_broken(copy, "phb_budget_type_mix.csv", first, "share_pct", "shares-sum")
    assert "sum to 90" in problem.message


def test_source_not_in_bibliography(copy: Path) -> None:
    bib = copy.parent / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("@misc{norris2008pulse,", "@misc{norris2008pulse_removed,"), encoding="utf-8")
    path = copy / "in_control_outcomes.csv"
    line = line_of(path, "domain", "dignity")
    assert_broken(copy, "in_control_outcomes.csv", line, "source_id", "not-in-bibliography")


def test_source_not_in_sources_table(copy: Path) -> None:
    path = copy / "timeline.csv"
    set_cell(path, 2, "source_id", "nobody2099")
    assert_broken(copy, "timeline.csv", 2, "source_id", "foreign-key")


def test_duplicate_key(copy: Path) -> None:
    path = copy / "figures.csv"
    set_cell(path, 3, "id", rows(path)[1][0])
    assert_broken(copy, "figures.csv", 3, "id", "duplicate-key")


def test_bytes_not_utf8(copy: Path) -> None:
    path = copy / "seven_concerns.csv"
    raw = path.read_bytes().splitlines(keepends=True)
    raw[3] = raw[3].replace(b"culture", b"c\xe9lture", 1) if b"culture" in raw[3] else raw[3].replace(b",", b",\xff", 1)
    path.write_bytes(b"".join(raw))
    problem = assert_broken(copy, "seven_concerns.csv", 4, problem_column(path), "utf-8")
    assert "0x" in problem.message


def problem_column(path: Path) -> str:
    """The column holding the first bad byte (computed independently of phb.data)."""
    raw = path.read_bytes()
    for line in raw.splitlines()[1:]:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            header = raw.splitlines()[0].decode().split(",")
            cells = next(csv.reader([line.decode("utf-8", errors="replace")]))
            return header[next(i for i, c in enumerate(cells) if "\ufffd" in c)]
    raise AssertionError("no bad byte")


def test_empty_locator(copy: Path) -> None:
    path = copy / "figures.csv"
    line = line_of(path, "id", "nateval_sample_n")
    set_cell(path, line, "locator", "")
    assert_broken(copy, "figures.csv", line, "locator", "constraint-required")


def test_blank_locator(copy: Path) -> None:
    path = copy / "timeline.csv"
    set_cell(path, 5, "locator", "      ")
    assert_broken(copy, "timeline.csv", 5, "locator", "constraint-pattern")


def test_point_value_invented_for_a_bound(copy: Path) -> None:
    path = copy / "figures.csv"
    line = line_of(path, "id", "poet2014_qol_improved_s1")
    set_cell(path, line, "value", "80")
    assert_broken(copy, "figures.csv", line, "value", "qualifier-bounds")


def test_structured_table_disagrees_with_figures(copy: Path) -> None:
    path = copy / "poet_surveys.csv"
    line = line_of(path, "figure_id", "poet2014_holders_n")
    set_cell(path, line, "value", "130")
    problem = assert_broken(copy, "poet_surveys.csv", line, "value", "figure-mismatch")
    assert "poet2014_holders_n" in problem.message


def test_one_sided_conflict_link(copy: Path) -> None:
    path = copy / "figures.csv"
    line = line_of(path, "id", "study2011_survey_n_exec")
    set_cell(path, line, "conflicts_with", "")
    other = line_of(path, "id", "study2011_survey_n")
    assert_broken(copy, "figures.csv", other, "conflicts_with", "conflict-link")


def test_two_preferred_in_a_conflict(copy: Path) -> None:
    path = copy / "figures.csv"
    set_cell(path, line_of(path, "id", "study2011_survey_n_exec"), "preferred", "true")
    path2 = copy / "study_2011_samples.csv"
    set_cell(path2, line_of(path2, "figure_id", "study2011_survey_n_exec"), "preferred", "true")
    first = line_of(path, "id", "study2011_survey_n")
    assert_broken(copy, "figures.csv", first, "preferred", "one-preferred")


def test_bad_enum(copy: Path) -> None:
    path = copy / "figures.csv"
    line = line_of(path, "id", "nateval_sample_n")
    set_cell(path, line, "qualifier", "roughly")
    assert_broken(copy, "figures.csv", line, "qualifier", "constraint-enum")


def test_undeclared_csv(copy: Path) -> None:
    (copy / "stray.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert_broken(copy, "stray.csv", None, None, "undeclared-file")


def test_broken_descriptor_json(copy: Path) -> None:
    (copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    problems = data.validate(copy)
    assert problems and problems[0].rule == "invalid-json" and problems[0].file == "datapackage.json"


def test_every_problem_listed_at_once(copy: Path) -> None:
    """Several corruptions in one copy: all are reported together, not just the first."""
    (copy / "five_tests.csv").write_text("", encoding="utf-8")
    (copy / "timeline.csv").unlink()
    path = copy / "in_control_outcomes.csv"
    set_cell(path, 2, "percent_improved", "101")
    figs = copy / "figures.csv"
    set_cell(figs, 2, "locator", "")
    rules = {p.rule for p in data.validate(copy)}
    assert {"empty-file", "missing-file", "constraint-maximum", "constraint-required"} <= rules
    with pytest.raises(data.DataValidationError) as err:
        data.load("figures", copy)
    assert len(err.value.problems) >= 4
    assert isinstance(err.value, ValueError)


def test_descriptor_is_the_schema(copy: Path) -> None:
    """Tightening a constraint in datapackage.json alone changes what is valid."""
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res["name"] == "in_control_outcomes":
            for f in res["schema"]["fields"]:
                if f["name"] == "percent_improved":
                    f["constraints"]["maximum"] = 50
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    bad = [p for p in data.validate(copy) if p.file == "in_control_outcomes.csv"]
    assert {p.rule for p in bad} == {"constraint-maximum"}
    assert len(bad) == 4  # 77, 63, 72 and 59 exceed 50


@pytest.mark.parametrize(
    ("fid", "quote", "rule", "said"),
    [
        # a derived figure is arithmetic, not the source's words: it says how it was derived instead
        (
            "study2011_focus_group_carers_n",
            "with an equal number of service users and carers",
            "quote-on-derived",
            "derived",
        ),
        # a figure from a primary file needs that file's words
        ("study2011_survey_n", "  ", "quote-required", "002_bb97cba178633bec.txt"),
    ],
)
def test_quote_rules(copy: Path, fid: str, quote: str, rule: str, said: str) -> None:
    path = copy / "figures.csv"
    line = line_of(path, "id", fid)
    set_cell(path, line, "quote", quote)
    assert said in assert_broken(copy, "figures.csv", line, "quote", rule).message


def test_figure_from_figures_md_may_have_no_quote(copy: Path) -> None:
    """figures.md rarely gives a source's words, so a quote is optional there."""
    path = copy / "figures.csv"
    set_cell(path, line_of(path, "id", "poet2014_qol_improved_s1"), "quote", "")
    assert data.validate(copy) == []


def test_quote_exceptions_stay_true(copy: Path) -> None:
    """An excepted figure that gains a quote, or an unknown id on the list, is reported."""
    path = copy / "figures.csv"
    line = line_of(path, "id", "study2011_references_n")
    set_cell(path, line, "quote", "Glover G and Evison F")
    assert_broken(copy, "figures.csv", line, "quote", "quote-exception")
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor_resource(descriptor, "figures")["x-quote-exceptions"].append("no_such_figure")
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    problems = [p for p in data.validate(copy) if p.rule == "quote-exception"]
    assert any(p.file == "datapackage.json" and "no_such_figure" in p.message for p in problems)


def test_a_figure_id_that_names_no_figure(copy: Path) -> None:
    """A structured table's figure_id must be an id in figures.csv; the message offers close ids."""
    path = copy / "poet_surveys.csv"
    line = line_of(path, "figure_id", "poet2014_holders_n")
    set_cell(path, line, "figure_id", "poet2014_holders")
    problem = assert_broken(copy, "poet_surveys.csv", line, "figure_id", "foreign-key")
    assert "'poet2014_holders' is not in the id column of figures.csv; did you mean 'poet2014_holders_n'" in (
        problem.message
    )


def test_an_empty_optional_key_is_not_checked(copy: Path) -> None:
    """A row whose foreign-key cell is a missing value refers to nothing, so it breaks no key."""
    path = copy / "poet_surveys.csv"
    line = line_of(path, "figure_id", "poet2014_holders_n")
    set_cell(path, line, "figure_id", "")
    assert [p for p in data.validate(copy) if p.rule == "foreign-key"] == []
