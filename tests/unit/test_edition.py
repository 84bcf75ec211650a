"""Editions: one version in CITATION.cff that everything agrees with, and `make release`'s refusals.

The refusal cases run the checker against a temporary copy of the three files in a fresh git
repository, never against the real repository or its tags.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookkit import edition
from bookkit.edition import ReleaseError, check_release, current_edition, release

ROOT = Path(__file__).resolve().parents[2]
FILES = ("CITATION.cff", "CHANGELOG.md", "pyproject.toml")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


# ---------------------------------------------------------------- the real repository agrees
def test_the_edition_comes_from_citation_and_everything_agrees() -> None:
    current = current_edition(ROOT)
    assert edition.pyproject_version(ROOT) == current.version, "pyproject.toml and CITATION.cff differ"
    sections = edition.changelog_sections(ROOT)
    assert sections.get(current.version) == current.released, (
        f"CHANGELOG.md needs '## [{current.version}] - {current.released}' to match CITATION.cff"
    )
    assert "Unreleased" in sections, "CHANGELOG.md keeps an [Unreleased] section for what comes next"


def test_label_names_the_edition_and_its_date() -> None:
    assert edition.Edition("0.1", dt.date(2026, 11, 3)).label == "Edition 0.1, 3 November 2026"


# ---------------------------------------------------------------- make release, on a copy
def git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True
    )
    return result.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A git repository holding copies of CITATION.cff, CHANGELOG.md and pyproject.toml at edition
    9.8 (dated 2030-01-02), committed, with no tags."""
    for name in FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    current = current_edition(ROOT)
    edit(tmp_path / "CITATION.cff", f'version: "{current.version}"', 'version: "9.8"')
    edit(tmp_path / "CITATION.cff", f"date-released: {current.released}", "date-released: 2030-01-02")
    edit(tmp_path / "pyproject.toml", f'version = "{current.version}"', 'version = "9.8"')
    changelog = tmp_path / "CHANGELOG.md"
    head, unreleased = changelog.read_text(encoding="utf-8").split("## [Unreleased]\n", 1)
    older = unreleased[unreleased.index("\n## [") :]  # the notes not yet released belong to no edition here
    changelog.write_text(f"{head}## [Unreleased]\n\n## [9.8] - 2030-01-02\n{older}", encoding="utf-8")
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "edition 9.8")
    return tmp_path


def commit_all(folder: Path) -> None:
    git(folder, "commit", "--quiet", "-am", "change")


def test_a_consistent_clean_copy_is_tagged(book: Path) -> None:
    tagged = release("9.8", book)
    assert tagged.tag == "v9.8"
    assert git(book, "tag", "--list").split() == ["v9.8"]
    assert "Edition 9.8, 2 January 2030" in git(book, "tag", "-n1", "v9.8")


@pytest.mark.parametrize("version", ["9", "9.8.1", "v9.8", "nine"])
def test_refuses_a_version_that_is_not_major_minor(book: Path, version: str) -> None:
    with pytest.raises(ReleaseError, match="major.minor"):
        check_release(version, book)


def test_refuses_without_a_changelog_section(book: Path) -> None:
    with pytest.raises(ReleaseError, match=r"CHANGELOG.md has no section '## \[9.9\]"):
        check_release("9.9", book)


#: A committed edit of one file that makes the release of a version refuse: (file, old text, new
#: text, version asked for, what the refusal says).
MISMATCHES = {
    "undated changelog section": ("CHANGELOG.md", "## [9.8] - 2030-01-02", "## [9.8]", "9.8", "has no date"),
    "citation names another version": (
        "CHANGELOG.md",
        "## [9.8] - 2030-01-02",
        "## [9.9] - 2030-01-02",
        "9.9",
        "CITATION.cff says version 9.8, not 9.9",
    ),
    "dates differ": (
        "CITATION.cff",
        "date-released: 2030-01-02",
        "date-released: 2030-01-03",
        "9.8",
        "date-released 2030-01-03 differs",
    ),
    "pyproject disagrees": (
        "pyproject.toml",
        'version = "9.8"',
        'version = "9.7"',
        "9.8",
        "pyproject.toml says version 9.7, not 9.8",
    ),
    # YAML reads 9.10 unquoted as the number 9.1: the version must be quoted text.
    "unquoted version": ("CITATION.cff", 'version: "9.8"', "version: 9.8", "9.8", "quoted major.minor"),
}


@pytest.mark.parametrize("case", MISMATCHES.values(), ids=MISMATCHES.keys())
def test_refuses_a_mismatch(book: Path, case: tuple[str, str, str, str, str]) -> None:
    name, old, new, version, message = case
    edit(book / name, old, new)
    commit_all(book)
    with pytest.raises(ReleaseError, match=re.escape(message)):
        check_release(version, book)


def test_refuses_a_dirty_working_tree(book: Path) -> None:
    (book / "notes.txt").write_text("not committed")
    with pytest.raises(ReleaseError, match="1 uncommitted change"):
        check_release("9.8", book)


def test_refuses_an_existing_tag(book: Path) -> None:
    git(book, "tag", "v9.8")
    with pytest.raises(ReleaseError, match="the tag v9.8 already exists"):
        release("9.8", book)


def test_the_command_refuses_in_one_line(book: Path) -> None:
    """`make release` runs ``python -m bookkit.edition release``: one line on stderr, exit status 1."""
    edit(book / "pyproject.toml", 'version = "9.8"', 'version = "9.7"')
    commit_all(book)
    result = subprocess.run(
        [sys.executable, "-m", "bookkit.edition", "--root", str(book), "release", "9.8"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["release refused: pyproject.toml says version 9.7, not 9.8"]
    assert git(book, "tag", "--list") == ""


def test_the_makefile_runs_the_checker() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert '$(PY) -m bookkit.edition release "$(VERSION)"' in makefile


# ---------------------------------------------------------------- publishing from a tag
def test_a_tag_must_name_the_current_edition() -> None:
    current = current_edition(ROOT)
    assert edition.check_tag(current.tag, ROOT) == current
    with pytest.raises(ReleaseError, match="does not name this edition"):
        edition.check_tag("v999.0", ROOT)


def test_release_notes_are_the_changelog_section(book: Path) -> None:
    edit(book / "CHANGELOG.md", "## [9.8] - 2030-01-02\n", "## [9.8] - 2030-01-02\n\n- A new chapter.\n")
    assert edition.changelog_notes("9.8", book) == "- A new chapter.\n"
