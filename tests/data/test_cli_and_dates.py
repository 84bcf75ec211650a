"""The data command line (`python -m phb.data`) on copies of data/ anywhere, and dates that must be
real dates."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_corruption import REPO, rows, set_cell

from phb import data
from phb.data.cli import main


# ---------------------------------------------------------------- --help
def test_help_describes_the_commands_and_their_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "phb.data", "validate", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("usage: python -m phb.data validate [-h] [--bibliography FILE] [DIR]")
    text = " ".join(out.stdout.split())  # argparse wraps lines at the terminal's width
    for words in ("DIR", "--bibliography FILE", "dates that are real dates", "exits 1"):
        assert words in text
    top = subprocess.run([sys.executable, "-m", "phb.data", "--help"], cwd=REPO, capture_output=True, text=True)
    assert top.returncode == 0 and "validate" in top.stdout and "figure" in top.stdout


def test_a_usage_error_says_what_is_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "invalid choice: 'check'" in capsys.readouterr().err


# ---------------------------------------------------------------- a copy of data/ anywhere
def test_a_copy_without_a_bibliography_validates_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = shutil.copytree(REPO / "data", tmp_path / "anywhere" / "pkg")
    assert main(["validate", str(package)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"OK: {package} is valid")
    assert "note: no references.bib beside" in err and "--bibliography FILE" in err


def test_a_copy_checks_citations_against_the_bibliography_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = shutil.copytree(REPO / "data", tmp_path / "pkg")
    bib = tmp_path / "elsewhere" / "refs.bib"
    bib.parent.mkdir()
    text = (REPO / "references.bib").read_text(encoding="utf-8")
    bib.write_text(text.replace("@misc{norris2008pulse,", "@misc{norris2008pulse_gone,"), encoding="utf-8")
    assert main(["validate", str(package), "--bibliography", str(bib)]) == 1
    out = capsys.readouterr().out
    assert "[not-in-bibliography] 'norris2008pulse' is not a key in refs.bib" in out
    shutil.copy(REPO / "references.bib", bib)
    assert main(["validate", str(package), "--bibliography", str(bib)]) == 0


def test_a_bibliography_that_does_not_exist_is_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.bib"
    assert main(["validate", str(REPO / "data"), "--bibliography", str(missing)]) == 1
    assert f"[missing-file] bibliography {missing} not found" in capsys.readouterr().out


# ---------------------------------------------------------------- dates are real dates
def test_every_date_shaped_column_is_checked_as_a_date() -> None:
    """A column whose pattern is a date's (YYYY...) carries "x-date": true, so the rule reaches it."""
    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    dated = {
        (r["name"], f["name"])
        for r in descriptor["resources"]
        for f in r["schema"]["fields"]
        if f.get("constraints", {}).get("pattern", "").startswith(r"^\d{4}")
    }
    marked = {(r["name"], f["name"]) for r in descriptor["resources"] for f in r["schema"]["fields"] if f.get("x-date")}
    assert dated == marked and len(marked) >= 6


@pytest.mark.parametrize(
    "file, column, bad, why",
    [
        ("study_2011_phases.csv", "end", "2011-13", "there is no month 13"),
        ("study_2011_phases.csv", "start", "2010-00", "there is no month 00"),
        ("timeline.csv", "date", "2014-02-30", "February 2014 has days 01 to 28"),
        ("sources.csv", "date", "2011-04-31", "April 2011 has days 01 to 30"),
        ("phb_uptake.csv", "as_of", "2019-13", "there is no month 13"),
        ("confederation_reports.csv", "published", "0000", "there is no year 0"),
    ],
)
def test_a_date_that_does_not_exist_is_refused_with_file_row_column_and_rule(
    copy: Path, capsys: pytest.CaptureFixture[str], file: str, column: str, bad: str, why: str
) -> None:
    row = first_dated_line(copy / file, column)
    set_cell(copy / file, row, column, bad)
    # One validation (of a whole copy: the costly part), read as a user reads it: exactly one
    # real-date problem, naming the file, row, column and rule, and saying why.
    assert main(["validate", str(copy)]) == 1
    dated = [line for line in capsys.readouterr().out.splitlines() if "[real-date]" in line]
    assert len(dated) == 1, dated
    assert f"{file}: row {row}, column {column}: [real-date] '{bad}' is not a real date: {why}" in dated[0]


def test_real_dates_pass_leap_days_included(copy: Path) -> None:
    row = first_dated_line(copy / "timeline.csv", "date")
    set_cell(copy / "timeline.csv", row, "date", "2012-02-29")
    assert [p for p in data.validate(copy) if p.rule == "real-date"] == []


def first_dated_line(path: Path, column: str) -> int:
    """The file line of the first row with a value in ``column`` (the header is line 1)."""
    table = rows(path)
    i = table[0].index(column)
    return next(n for n, r in enumerate(table, 1) if n > 1 and r[i])
