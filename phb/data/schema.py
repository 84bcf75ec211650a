"""The data package's schema and the checks made against it: descriptor, files, types, keys.

``data/datapackage.json`` (a Frictionless Data Package) is the one source of truth for the tables'
columns, types and constraints. :func:`validate` runs every check in order: the descriptor; each file
(present, non-empty, UTF-8, header as declared); frictionless validation of types, constraints and
keys; then the rules frictionless cannot express (:mod:`phb.data.checks`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from phb.data.checks import date_problems, foreign_key_problems, hand_checks
from phb.data.problems import DESCRIPTOR, Problem, field_names

DATA_DIR: Path = Path(__file__).resolve().parents[2] / "data"
"""The repository's data directory."""

BIBLIOGRAPHY = "references.bib"


def read_descriptor(directory: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read datapackage.json; return it, or None with the problem."""
    path = directory / DESCRIPTOR
    if not path.is_file():
        return None, [Problem(DESCRIPTOR, None, None, "missing-file", f"no {DESCRIPTOR} in {directory}")]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(DESCRIPTOR, getattr(exc, "lineno", None), None, "invalid-json", str(exc))]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Problem(DESCRIPTOR, None, "resources", "invalid-descriptor", "no list of resources")]
    return descriptor, []


def _precheck_file(directory: Path, resource: dict[str, Any]) -> tuple[str | None, list[Problem]]:
    """Checks frictionless reports poorly: file present, non-empty, UTF-8, header as declared.

    Returns the decoded text (None if unusable) and the problems.
    """
    name = resource["path"]
    path = directory / name
    if not path.is_file():
        return None, [
            Problem(
                name, None, None, "missing-file", f"table '{resource['name']}' is declared but the file does not exist"
            )
        ]
    raw = path.read_bytes()
    if not raw.strip():
        return None, [Problem(name, None, None, "empty-file", "the file is empty: it needs at least a header row")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        line = raw.splitlines()[line_no - 1].decode("utf-8", errors="replace")
        header = raw.splitlines()[0].decode("utf-8", errors="replace").split(",")
        column = None
        for i, cell in enumerate(next(csv.reader([line]), [])):
            if "\ufffd" in cell:
                column = header[i] if i < len(header) else f"#{i + 1}"
                break
        return None, [
            Problem(
                name,
                line_no,
                column,
                "utf-8",
                f"byte 0x{raw[exc.start]:02x} at byte offset {exc.start} is not valid UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        return None, [
            Problem(name, 1, None, "utf-8", "the file starts with a byte-order mark; save as UTF-8 without BOM")
        ]
    header = next(csv.reader(io.StringIO(text)), [])
    expected = field_names(resource)
    problems = [
        Problem(name, 1, col, "missing-column", f"column '{col}' is in the schema but not in the file")
        for col in expected
        if col not in header
    ]
    problems += [
        Problem(name, 1, col or f"#{i + 1}", "unknown-column", f"column '{col}' is in the file but not in the schema")
        for i, col in enumerate(header)
        if col not in expected
    ]
    dupes = sorted({c for c in header if header.count(c) > 1})
    problems += [Problem(name, 1, col, "duplicate-column", f"column '{col}' appears more than once") for col in dupes]
    if not problems and header != expected:
        problems.append(
            Problem(name, 1, None, "column-order", f"columns are {header}; the schema orders them {expected}")
        )
    return (None if problems else text), problems


def _frictionless_problems(directory: Path, descriptor: dict[str, Any], healthy: set[str]) -> list[Problem]:
    """Validate the healthy resources with frictionless (types, constraints, primary keys)."""
    import frictionless  # imported lazily: it takes ~0.2 s

    resources = []
    for res in descriptor["resources"]:
        if res.get("name") not in healthy:
            continue
        res = json.loads(json.dumps(res))
        # Foreign keys are checked by foreign_key_problems: frictionless re-reads and re-validates
        # the referenced table for every key (about two thirds of its time on this package).
        res.get("schema", {}).pop("foreignKeys", None)
        resources.append(res)
    if not resources:
        return []
    pkg_descriptor = {k: v for k, v in descriptor.items() if k != "resources"}
    pkg_descriptor["resources"] = resources
    problems: list[Problem] = []
    try:
        package = frictionless.Package(pkg_descriptor, basepath=str(directory))
        report = package.validate()
    except frictionless.FrictionlessException as exc:
        return [Problem(DESCRIPTOR, None, None, "invalid-descriptor", str(exc.error.message))]
    paths = {r["name"]: r["path"] for r in resources}
    for error in report.errors:
        problems.append(Problem(DESCRIPTOR, None, None, error.type, error.message))
    for task in report.tasks:
        file = paths.get(task.name, str(task.place))
        for error in task.errors:
            problems.append(_from_frictionless(file, descriptor_resource(descriptor, task.name), error))
    return problems


def descriptor_resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    """The resource called ``name`` in a package descriptor."""
    for res in descriptor["resources"]:
        if res.get("name") == name:
            return res
    raise KeyError(name)


def _from_frictionless(file: str, resource: dict[str, Any], error: Any) -> Problem:
    """Turn a frictionless error into a Problem naming file, row, column and rule."""
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None)
    rule = error.type
    if error.type == "primary-key":
        column = ",".join(resource.get("schema", {}).get("primaryKey", [])) or None
        rule = "duplicate-key"
    elif error.type == "foreign-key":
        names = getattr(error, "field_names", None) or []
        column = ",".join(names) or None
        rule = "foreign-key"
    elif error.type == "constraint-error":
        note = getattr(error, "note", "")
        match = re.search(r'constraint "(\w+)"', note)
        rule = f"constraint-{match.group(1)}" if match else "constraint"
    return Problem(file, row, column or None, rule, error.message)


def validate(
    directory: Path | str = DATA_DIR, bibliography: Path | str | None = None, check_citations: bool = True
) -> list[Problem]:
    """Every problem in the data package in ``directory`` (an empty list if it is valid).

    Checks, in order: the descriptor; each file (present, non-empty, UTF-8, header as
    declared); frictionless validation of types, constraints, primary and foreign keys;
    then cross-row rules (qualifier/bounds, percentages, shares summing to 100, conflict
    links, structured tables agreeing with ``figures.csv``, every ``source_id`` a key of
    the bibliography, every date column a real date). ``bibliography`` defaults to
    ``references.bib`` beside the directory; ``check_citations=False`` skips the bibliography checks
    (for a copy of the package without its bibliography).
    """
    directory = Path(directory)
    bib = Path(bibliography) if bibliography else directory.parent / BIBLIOGRAPHY
    descriptor, problems = read_descriptor(directory)
    if descriptor is None:
        return problems
    texts: dict[str, str] = {}
    declared = set()
    for res in descriptor["resources"]:
        declared.add(res.get("path"))
        text, found = _precheck_file(directory, res)
        problems += found
        if text is not None:
            texts[res["name"]] = text
    for path in sorted(directory.glob("*.csv")):
        if path.name not in declared:
            problems.append(
                Problem(path.name, None, None, "undeclared-file", f"{path.name} is not a resource in {DESCRIPTOR}")
            )
    problems += _frictionless_problems(directory, descriptor, set(texts))
    # The hand checks parse cells leniently (a cell frictionless rejects is skipped), so they run on
    # every readable table and the report lists every problem at once.
    problems += hand_checks(directory, descriptor, texts, bib, check_citations)
    problems += date_problems(descriptor, texts)
    problems += foreign_key_problems(descriptor, texts)
    return sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule, p.message))
