"""Rows with their words above their marks (phb.charts.rows): the layout charts use on phones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phb.charts.rows import LINE_PX, row_layout

WORDS = st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=12), min_size=1, max_size=12).map(" ".join)


@given(labels=st.lists(WORDS, min_size=1, max_size=8), heading_pool=st.lists(WORDS, min_size=1, max_size=3))
def test_every_row_reads_top_to_bottom_within_its_width(labels: list[str], heading_pool: list[str]) -> None:
    headings = [heading_pool[i % len(heading_pool)] for i in range(len(labels))]
    layout = row_layout(labels, headings=headings, chars=30, heading_chars=24)
    lines = layout.lines
    assert (lines.loc[lines["style"] == "label", "line"].str.len() <= 30).all()
    assert (lines.loc[lines["style"] == "heading", "line"].str.len() <= 24).all()
    # Every row's words stand above its own marks and below the previous row's marks.
    for index, marks_y in enumerate(layout.marks_y):
        own = lines[lines["row"] == index]["y"]
        assert own.max() < marks_y
        if index:
            assert own.min() > layout.marks_y[index - 1]
    assert list(lines["y"]) == sorted(lines["y"])
    assert layout.height > layout.marks_y[-1]
    # No word is lost in the wrapping.
    assert " ".join(lines.loc[lines["style"] == "label", "line"]).split() == " ".join(labels).split()


def test_a_heading_shared_by_rows_in_turn_shows_once() -> None:
    layout = row_layout(["one", "two", "three"], headings=["A", "A", "B"])
    headings = layout.lines[layout.lines["style"] == "heading"]
    assert list(headings["line"]) == ["A", "B"]
    assert list(headings["row"]) == [0, 2]


def test_long_words_wrap_onto_lines_of_their_own_height() -> None:
    layout = row_layout(["a" * 10 + " " + "b" * 10], chars=12)
    assert list(layout.lines["line"]) == ["a" * 10, "b" * 10]
    assert layout.lines["y"].diff().iloc[1] == LINE_PX


@pytest.mark.parametrize(
    ("labels", "headings", "message"),
    [
        ([], None, "at least one row"),
        (["one", "two"], ["A"], "1 headings for 2 rows"),
        (["x" * 50], None, "longer than 38"),
        ([""], None, "empty"),
    ],
)
def test_refuses_what_it_cannot_lay_out(labels: list[str], headings: list[str] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        row_layout(labels, headings=headings)
