"""Fixtures for the data tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from phb.data import Figure

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A fresh copy of data/ and references.bib in a temporary directory."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "references.bib", tmp_path / "references.bib")
    return tmp_path / "data"


def made_figure(**fields: object) -> Figure:
    """A figure of ``data/figures.csv``'s shape made in the test: a plain count unless ``fields`` say
    otherwise (rendering rules and defaults are tested on these, independent of the data)."""
    base: dict[str, object] = dict(
        id="x",
        value=None,
        unit="count",
        qualifier="exact",
        lower=None,
        upper=None,
        denominator="",
        source_id="s",
        locator="l",
        note="",
    )
    base.update(fields)
    return Figure(**base)  # type: ignore[arg-type]


@pytest.fixture
def make_figure() -> Callable[..., Figure]:
    """:func:`made_figure`, for the tests."""
    return made_figure
