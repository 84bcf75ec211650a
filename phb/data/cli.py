"""The data command line: ``python -m phb.data validate [DIR]`` and ``python -m phb.data figure ID``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from phb.data.figures import figure
from phb.data.problems import DataValidationError, csv_rows
from phb.data.schema import BIBLIOGRAPHY, DATA_DIR, read_descriptor, validate


def _parser() -> argparse.ArgumentParser:
    """The command line: ``validate [DIR] [--bibliography FILE]`` and ``figure ID [DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m phb.data",
        description="Check the book's data package (data/: CSV tables described by datapackage.json) "
        "and look up the figures the prose quotes.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "validate",
        help="check a data package and list every problem",
        description="Check a data package: the descriptor; each file (present, UTF-8, header as "
        "declared); types, constraints and keys (frictionless); dates that are real dates; "
        "bounds, shares and figures that agree across tables; and every source_id a key of "
        "the bibliography. Prints OK and a count, or every problem as 'file: row, column: "
        "[rule] message' and exits 1.",
    )
    check.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help="the folder holding datapackage.json (default: the book's data/)",
    )
    check.add_argument(
        "--bibliography",
        type=Path,
        metavar="FILE",
        help="the BibTeX file whose keys every source_id must be (default: "
        f"{BIBLIOGRAPHY} beside DIR; if there is none, citation keys are not "
        "checked and a note says so)",
    )
    look = commands.add_parser(
        "figure",
        help="print one figure as the prose quotes it, with its source",
        description="Print one figure of figures.csv as the prose quotes it, then its citation key and locator.",
    )
    look.add_argument("id", help="the figure's id, e.g. poet2014_qol_improved")
    look.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=None,
        metavar="DIR",
        help="the folder holding datapackage.json (default: the book's data/)",
    )
    return parser


def _validate_command(directory: Path, bibliography: Path | None) -> int:
    """``validate``: print OK and a count (exit 0), or every problem (exit 1)."""
    beside = directory.parent / BIBLIOGRAPHY
    check_citations = bibliography is not None or beside.is_file()
    if not check_citations:
        print(
            f"note: no {BIBLIOGRAPHY} beside {directory}, so citation keys (source_id) were not "
            "checked; give --bibliography FILE to check them",
            file=sys.stderr,
        )
    problems = validate(directory, bibliography, check_citations=check_citations)
    if problems:
        for p in problems:
            print(p)
        print(f"FAILED: {len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    descriptor, _ = read_descriptor(directory)
    assert descriptor is not None
    rows = {
        r["name"]: sum(1 for _ in csv_rows((directory / r["path"]).read_text(encoding="utf-8")))
        for r in descriptor["resources"]
    }
    print(
        f"OK: {directory} is valid: {len(rows)} tables, {sum(rows.values())} rows, "
        f"{rows.get('figures', 0)} figures, {rows.get('sources', 0)} sources"
    )
    return 0


def _figure_command(figure_id: str, directory: Path | None) -> int:
    """``figure``: print the figure's text, citation and locator (exit 0), or why not (exit 1)."""
    try:
        fig = figure(figure_id, directory)
    except (KeyError, DataValidationError) as exc:
        print(exc.args[0] if isinstance(exc, KeyError) else exc, file=sys.stderr)
        return 1
    print(f"{fig.text}\t[{fig.citation}] {fig.locator}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m phb.data validate [DIR] [--bibliography FILE]`` or ``figure ID [DIR]``;
    ``--help`` on either says more. Returns the exit code (2 for a usage error)."""
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help (0) or a usage error (2): argparse has printed why
        return int(exc.code or 0)
    if args.command == "validate":
        return _validate_command(args.directory, args.bibliography)
    return _figure_command(args.id, args.directory)
