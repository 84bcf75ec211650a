"""Every figure's `quote` is the source's own words: each quote from a primary file occurs in that file.

The primary files live beside the repository in ``../shared/sources`` (CI has a copy there). Without
them the file checks skip, saying so, except under ``CI=true``, where they must run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from phb import data
from phb.data import quotes
from phb.data.schema import descriptor_resource

REPO = Path(__file__).resolve().parents[2]
SOURCES = quotes.shared_sources(REPO)
FIGURES_MD = REPO.parent / "shared" / "research" / "figures.md"


def need(path: Path) -> Path:
    """``path``, or skip the test with a message (fail under CI=true, where ../shared must exist)."""
    if path.exists():
        return path
    message = f"{path} is absent: the quote checks need the shared folder beside the repository"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def figure_rows() -> list[tuple[int, dict[str, str]]]:
    return quotes.read_rows(REPO / "data" / "figures.csv")


def test_every_quote_from_a_primary_file_occurs_in_it() -> None:
    sources = need(SOURCES)
    checked = [row for _, row in figure_rows() if row["quote"] and quotes.files_named(row["locator"])]
    assert len(checked) >= 50, "too few quotes checked: is the quote column filled in?"
    assert quotes.missing_quotes(figure_rows(), sources) == []


def test_every_figure_from_a_primary_file_has_a_quote_or_a_reason() -> None:
    """Each non-derived figure from a primary file is quoted; the listed exceptions say why in note."""
    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    exceptions = descriptor_resource(descriptor, "figures")["x-quote-exceptions"]
    for _, row in figure_rows():
        if quotes.files_named(row["locator"]) and row["derived"] == "false" and not row["quote"]:
            assert row["id"] in exceptions, row["id"]
            assert "No quote" in row["note"], row["id"]


def test_quotes_from_figures_md_are_its_quotations() -> None:
    """figures.md records a source's words only inside quotation marks; a quote must be one of those."""
    text = quotes.normalise(need(FIGURES_MD).read_text(encoding="utf-8"))
    quoted = [row for _, row in figure_rows() if "figures.md" in row["locator"] and row["quote"]]
    assert quoted
    for row in quoted:
        assert f"'{quotes.normalise(row['quote'])}'" in text, row["id"]


def test_derived_figures_explain_themselves_instead() -> None:
    for fid in data.figure_ids():
        fig = data.figure(fid)
        if fig.derived:
            assert fig.quote == "" and fig.note.startswith("Derived"), fid


def test_figure_exposes_its_quote(make_figure) -> None:
    assert data.figure("study2011_survey_n").quote == "A total of 104 people responded"
    assert data.figure("study2011_focus_group_carers_n").quote == ""
    assert make_figure(value=1).quote == ""


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("fewer than 5 per cent of those surveyed - felt", "fewer than 5 per cent of those\n surveyed – felt"),
        ("a division that was 'arbitrary'", "a division that was ‘arbitrary’"),
        ('the "triangle of care"', "the “triangle of care”"),
        ("the 'triangle of care'", 'the "triangle of care"'),
        ("long-term conditions", "long—term conditions"),
    ],
)
def test_normalising_forgives_whitespace_quotes_and_dashes(quote: str, text: str) -> None:
    assert quotes.occurs(quote, text)


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("about half said", "About half said"),  # case is the source's
        ("72 percent were", "72 per cent were"),  # words are the source's
        ("£4 million", "£4million"),
        ("eight out of ten", "eight out of 10"),
        ("budget holders.", "budget holders,"),  # other punctuation is the source's
    ],
)
def test_normalising_forgives_nothing_else(quote: str, text: str) -> None:
    assert not quotes.occurs(quote, text)


def test_a_changed_quote_or_a_missing_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "002_x.txt").write_text("A total of 104 people\nresponded.", encoding="utf-8")
    good = {"id": "a", "locator": "002_x.txt › Methodology", "quote": "A total of 104 people responded"}
    bad = {**good, "id": "b", "quote": "A total of 140 people responded"}
    gone = {**good, "id": "c", "locator": "009_y.txt › body"}
    problems = quotes.missing_quotes([(2, good), (3, bad), (4, gone)], tmp_path)
    assert len(problems) == 2
    assert re.search(r"row 3, column quote \(b\): \[quote-in-source\] .*140.* not in 002_x\.txt", problems[0])
    assert "row 4" in problems[1] and "009_y.txt not in" in problems[1]


def test_files_named_in_locators() -> None:
    locator = "002_bb97cba178633bec.txt › Methodology (p. 7); also 002_bb97cba178633bec.txt › Introduction"
    assert quotes.files_named(locator) == ["002_bb97cba178633bec.txt"]
    assert quotes.files_named("figures.md › POET surveys; S1") == []


def test_propose_finds_the_stated_figure() -> None:
    """The helper's candidates for a row include the clause that states it, near the locator first."""
    text = need(SOURCES / "002_bb97cba178633bec.txt").read_text(encoding="utf-8")
    row = {
        "value": "104",
        "lower": "",
        "upper": "",
        "unit": "people",
        "locator": "002_bb97cba178633bec.txt › Methodology (p. 7) › The survey",
    }
    found = quotes.candidates(row, text)
    assert found[0].near_locator and "A total of 104 people responded" in found[0].clause
