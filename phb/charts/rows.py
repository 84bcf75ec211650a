"""Rows that read on a phone: each row's words on their own line(s) above its marks.

A chart with long category labels down its left side and words after its marks needs about
600 px; a phone's column is about 340 px. Putting each row's words above its marks, starting at the
left edge, lets the plot take the whole width and the words take as many short lines as they need.
The words are wrapped here, in Python, so that the layout (and the chart's height) is known before
the page draws it, and a run of rows that share a heading (a survey, a measure) shows it once.

Positions are in pixels from the top: a chart draws them on a quantitative ``y`` with
:func:`row_y_scale`, so the page's script (which rescales widths only) never changes them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

#: Characters per line of row words: 38 characters of 11 px text take about 240 px, inside the
#: column of a 320 px screen (272 px; WCAG's reflow width), where the page's script would otherwise
#: wrap longer lines itself, over the next row: it allows 39 characters of 11 px text there.
ROW_CHARS = 38
#: Characters per line of a heading (12 px bold: wider letters, so fewer of them in the same room;
#: the page's script allows 36 at 320 px).
HEADING_CHARS = 34
#: Height (px) of one line of words, of a heading's first line (with space above it), and of the
#: band a row's marks sit in.
LINE_PX = 14
HEADING_PX = 22
MARK_PX = 18
#: Space (px) after a row's marks, before the next row's words.
ROW_GAP_PX = 8


@dataclass(frozen=True)
class RowLayout:
    """Where each row's words and marks go.

    ``lines`` has one row per line of words (``row``: the row's index, ``line``: the words,
    ``y``: the line's middle, ``style``: ``"heading"`` or ``"label"``); ``marks_y`` is the middle of
    each row's marks, in the order the rows were given; ``height`` is the whole layout's height.
    """

    lines: pd.DataFrame
    marks_y: list[float]
    height: int


def row_layout(
    labels: Sequence[str],
    headings: Sequence[str] | None = None,
    chars: int = ROW_CHARS,
    heading_chars: int = HEADING_CHARS,
) -> RowLayout:
    """Lay out rows top to bottom: a heading where it changes, the row's words, then a band for
    its marks; words are wrapped to ``chars`` characters a line and headings to ``heading_chars``.

    Raises ValueError for no rows, for ``headings`` of a different length, or for words that are
    empty or cannot be wrapped (a single word longer than ``chars`` would run past the column).
    """
    if not labels:
        raise ValueError("row_layout needs at least one row")
    if headings is not None and len(headings) != len(labels):
        raise ValueError(f"{len(headings)} headings for {len(labels)} rows: give one heading per row")
    lines: list[dict[str, object]] = []
    marks_y: list[float] = []
    y = 0.0
    previous: str | None = None
    for index, label in enumerate(labels):
        heading = headings[index] if headings is not None else None
        if heading and heading != previous:
            y += HEADING_PX - LINE_PX  # space above a heading
            for line in _wrapped(heading, heading_chars, index):
                lines.append({"row": index, "line": line, "y": y + LINE_PX / 2, "style": "heading"})
                y += LINE_PX
        previous = heading
        for line in _wrapped(label, chars, index):
            lines.append({"row": index, "line": line, "y": y + LINE_PX / 2, "style": "label"})
            y += LINE_PX
        marks_y.append(y + MARK_PX / 2)
        y += MARK_PX + ROW_GAP_PX
    return RowLayout(lines=pd.DataFrame(lines), marks_y=marks_y, height=int(round(y)))


def _wrapped(text: str, chars: int, index: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words."""
    lines = textwrap.wrap(str(text), chars, break_long_words=False, break_on_hyphens=False)
    if not lines or any(len(line) > chars for line in lines):
        raise ValueError(f"row {index}: {text!r} is empty or has a word longer than {chars} characters")
    return lines


def row_y_scale(layout: RowLayout) -> alt.Scale:
    """A ``y`` scale that puts the layout's pixel positions where they say, the top at 0."""
    return alt.Scale(domain=[0, layout.height], reverse=True, nice=False, zero=False)


def row_words(layout: RowLayout) -> alt.LayerChart:
    """The layout's headings (bold) and row words, left-aligned at the plot's left edge."""
    y = alt.Y("y:Q", scale=row_y_scale(layout), axis=None)
    base = alt.Chart(layout.lines).encode(y=y, x=alt.value(0), text=alt.Text("line:N"))
    headings = base.transform_filter("datum.style === 'heading'").mark_text(
        align="left", baseline="middle", fontSize=12, fontWeight="bold"
    )
    label_lines = base.transform_filter("datum.style === 'label'").mark_text(
        align="left", baseline="middle", fontSize=11
    )
    return alt.layer(headings, label_lines)
