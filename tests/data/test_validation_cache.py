"""A package found clean is remembered across processes by a digest of its bytes; anything else is
validated again (phb/data/tables.py). Each test starts "a new process" by forgetting what this one
validated, as a new kernel starts without it, and keeps its record in a cache of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from phb import data
from phb.data import tables

#: Each test validates a copy of the package once or more: make test-fast leaves these out, as it
#: leaves out test_corruption's; make test runs them.
pytestmark = pytest.mark.slow


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own cache directory; the directory where clean packages are recorded."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "phb" / "clean-packages"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full validation run from here on, by package directory."""
    calls: list[Path] = []
    real = tables.validate

    def counted(directory: Path) -> list[data.Problem]:
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(tables, "validate", counted)
    return calls


def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget this process's validated packages and loaded tables, as a new kernel starts."""
    monkeypatch.setattr(tables, "_VALIDATED", {})
    monkeypatch.setattr(tables, "_FRAMES", {})


def test_a_clean_package_is_validated_once_then_read_on_its_record(copy, records, validations, monkeypatch):
    first = data.load("sources", copy)
    assert len(validations) == 1
    assert [p.name for p in records.iterdir()] == [tables._package_digest(copy)]
    new_process(monkeypatch)
    again = data.load("sources", copy)
    assert len(validations) == 1, "a second process validated the same bytes again"
    assert again.equals(first)


def test_an_edited_package_is_validated_again_and_a_broken_one_never_recorded(copy, records, validations, monkeypatch):
    data.load("sources", copy)
    new_process(monkeypatch)
    figures = copy / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",percent,", ",per cent,", 1), encoding="utf-8")
    with pytest.raises(data.DataValidationError, match="figures.csv"):
        data.load("sources", copy)
    assert len(validations) == 2
    assert len(list(records.iterdir())) == 1, "a broken package was recorded as clean"
    new_process(monkeypatch)
    with pytest.raises(data.DataValidationError, match="figures.csv"):
        data.load("sources", copy)
    assert len(validations) == 3


def test_the_digest_covers_the_bibliography_and_the_validator(copy, monkeypatch):
    before = tables._package_digest(copy)
    bib = copy.parent / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert tables._package_digest(copy) != before
    edited = tables._package_digest(copy)
    monkeypatch.setattr(tables.metadata, "version", lambda name: "0.0.0")
    assert tables._package_digest(copy) != edited


def test_without_a_writable_cache_the_package_is_validated_each_time(copy, tmp_path, validations, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert not data.load("sources", copy).empty
    new_process(monkeypatch)
    assert not data.load("sources", copy).empty
    assert len(validations) == 2


def test_without_a_home_directory_nothing_is_written_and_the_package_still_loads(
    copy, tmp_path, validations, monkeypatch
):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(tables.os.path, "expanduser", lambda path: path)  # as when no home is known
    monkeypatch.chdir(tmp_path)
    assert not data.load("sources", copy).empty
    assert not (tmp_path / "~").exists(), "a cache was written under the working directory"
    assert len(validations) == 1
