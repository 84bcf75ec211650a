"""What a broken data package reports: one :class:`Problem` per file, row, column and rule.

Shared by the schema checks (:mod:`phb.data.schema`) and the hand checks (:mod:`phb.data.checks`),
with the small CSV readers both use.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DESCRIPTOR = "datapackage.json"
"""The package descriptor's file name, in the data directory."""

SOURCE_FILE = re.compile(r"[\w.-]+\.txt\b")
"""How a source file is named in a locator: ``002_bb97cba178633bec.txt``."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data: which file, row and column, and which rule it breaks.

    ``row`` is the line of the CSV file (the header is row 1); ``None`` when the problem
    concerns the whole file. ``column`` is ``None`` when no single column is at fault.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        column = "-" if self.column is None else self.column
        return f"{self.file}: row {row}, column {column}: [{self.rule}] {self.message}"


class DataValidationError(ValueError):
    """The data package is broken; ``problems`` lists every :class:`Problem` found."""

    def __init__(self, problems: Sequence[Problem], directory: Path | str = "") -> None:
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the data package {directory}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def csv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row of a CSV text."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        yield reader.line_num, dict(zip(header, cells))


def parse_number(cell: str | None) -> float | None:
    """Parse a number cell; None for empty or unparseable (frictionless reports the latter)."""
    if cell is None or cell == "":
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """ "; did you mean 'x'?" naming up to three close options, or "" when none is close."""
    close = difflib.get_close_matches(name, list(options), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def field_names(resource: dict[str, Any]) -> list[str]:
    """The column names a resource's schema declares, in order."""
    return [f["name"] for f in resource.get("schema", {}).get("fields", [])]


def files_named(locator: str) -> list[str]:
    """The primary files a locator names, in order, each once."""
    return list(dict.fromkeys(SOURCE_FILE.findall(locator)))
