"""The book's data layer: validated tables with provenance, and figures for prose.

Every number in the book comes from ``data/*.csv``, described by the Frictionless
Data Package ``data/datapackage.json`` (the one source of truth for the schema).

Public API
----------
``load(name)``
    A typed :class:`pandas.DataFrame` of one table, after the WHOLE package has been
    validated (once per process and per state of the files). A broken package raises
    :class:`DataValidationError` listing every problem; nothing half-loads.
``figure(id)``
    A :class:`Figure` with value, unit, qualifier, bounds, citation and ``.text`` for prose.
``validate(directory)``
    Every :class:`Problem` in a data directory (empty list when valid).
``data_dictionary()`` / ``sources_markdown()``
    Markdown for the two appendices.
``python -m phb.data validate [DIR] [--bibliography FILE]``
    Command line check: exit 0 with a one-line summary, or 1 with every problem (``--help`` for more).

Importing this module is cheap: pandas and frictionless are imported only when needed.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import difflib
import io
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from phb.quotes import files_named

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DATA_DIR",
    "DataValidationError",
    "Figure",
    "Problem",
    "data_dictionary",
    "figure",
    "figure_ids",
    "load",
    "main",
    "sources_markdown",
    "table_names",
    "validate",
]

DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"
"""The repository's data directory."""

DESCRIPTOR = "datapackage.json"
BIBLIOGRAPHY = "references.bib"
SHARE_TOLERANCE_PER_ITEM = 0.5
"""Shares rounded to whole numbers may each be out by 0.5: a whole of n shares may miss 100 by n/2."""

POINT = {"exact", "approximately"}
LOWER = {"more_than", "over", "just_over", "at_least"}
UPPER = {"fewer_than", "less_than", "under", "up_to", "nearly"}
RANGE = {"range"}
QUALIFIER_WORDS = {
    "exact": "",
    "approximately": "about ",
    "more_than": "more than ",
    "over": "over ",
    "just_over": "just over ",
    "at_least": "at least ",
    "fewer_than": "fewer than ",
    "less_than": "less than ",
    "under": "under ",
    "up_to": "up to ",
    "nearly": "nearly ",
}
FRACTION_WORDS = {
    0.1: "one in 10",
    0.2: "a fifth",
    0.3333: "one third",
    0.5: "half",
    0.6667: "two-thirds",
    0.7: "seven out of 10",
    0.75: "three quarters",
    0.8: "eight out of 10",
}
NON_NEGATIVE_UNITS = {"people", "count", "GBP", "GBP_million", "GBP_billion", "million", "year", "years", "pages",
                      "per_1000", "times", "fold", "score"}
FIGURE_COLUMNS = ("value", "unit", "qualifier", "lower", "upper", "source_id", "preferred")


# --------------------------------------------------------------------------- problems


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


# --------------------------------------------------------------------------- validation


def _descriptor(directory: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
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


def _field_names(resource: dict[str, Any]) -> list[str]:
    return [f["name"] for f in resource.get("schema", {}).get("fields", [])]


def _precheck_file(directory: Path, resource: dict[str, Any]) -> tuple[str | None, list[Problem]]:
    """Checks frictionless reports poorly: file present, non-empty, UTF-8, header as declared.

    Returns the decoded text (None if unusable) and the problems.
    """
    name = resource["path"]
    path = directory / name
    if not path.is_file():
        return None, [Problem(name, None, None, "missing-file", f"table '{resource['name']}' is declared but the file does not exist")]
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
        return None, [Problem(name, line_no, column, "utf-8",
                              f"byte 0x{raw[exc.start]:02x} at byte offset {exc.start} is not valid UTF-8")]
    if text.startswith("\ufeff"):
        return None, [Problem(name, 1, None, "utf-8", "the file starts with a byte-order mark; save as UTF-8 without BOM")]
    header = next(csv.reader(io.StringIO(text)), [])
    expected = _field_names(resource)
    problems = [Problem(name, 1, col, "missing-column", f"column '{col}' is in the schema but not in the file")
                for col in expected if col not in header]
    problems += [Problem(name, 1, col or f"#{i + 1}", "unknown-column", f"column '{col}' is in the file but not in the schema")
                 for i, col in enumerate(header) if col not in expected]
    dupes = sorted({c for c in header if header.count(c) > 1})
    problems += [Problem(name, 1, col, "duplicate-column", f"column '{col}' appears more than once") for col in dupes]
    if not problems and header != expected:
        problems.append(Problem(name, 1, None, "column-order", f"columns are {header}; the schema orders them {expected}"))
    return (None if problems else text), problems


def _frictionless_problems(directory: Path, descriptor: dict[str, Any], healthy: set[str]) -> list[Problem]:
    """Validate the healthy resources with frictionless (types, constraints, keys)."""
    import frictionless  # imported lazily: it takes ~0.2 s

    resources = []
    for res in descriptor["resources"]:
        if res.get("name") not in healthy:
            continue
        res = json.loads(json.dumps(res))
        schema = res.get("schema", {})
        keep = [fk for fk in schema.get("foreignKeys", [])
                if fk.get("reference", {}).get("resource", "") in healthy | {""}]
        if "foreignKeys" in schema:
            schema["foreignKeys"] = keep
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


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row of a CSV text."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        yield reader.line_num, dict(zip(header, cells))


def _num(cell: str | None) -> float | None:
    """Parse a number cell; None for empty or unparseable (frictionless reports the latter)."""
    if cell is None or cell == "":
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def _bib_keys(path: Path) -> set[str] | None:
    """Entry keys of a BibTeX file (None if the file is missing)."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.MULTILINE))


def _check_bounds(file: str, line: int, row: dict[str, str], unit_col: str = "unit") -> list[Problem]:
    """Qualifier/bound consistency and unit ranges for a row with value/qualifier/lower/upper."""
    problems = []
    q = row.get("qualifier", "")
    value, lower, upper = _num(row.get("value")), _num(row.get("lower")), _num(row.get("upper"))
    present = {"value": value is not None, "lower": lower is not None, "upper": upper is not None}
    need = ({"value"} if q in POINT else {"lower"} if q in LOWER else {"upper"} if q in UPPER
            else {"lower", "upper"} if q in RANGE else set())
    if q and need:
        for col in ("value", "lower", "upper"):
            if col not in row:
                continue
            if col in need and not present[col] and row.get(col, "") == "":
                problems.append(Problem(file, line, col, "qualifier-bounds",
                                        f"qualifier '{q}' needs {col}; it is empty"))
            if col not in need and present[col]:
                problems.append(Problem(file, line, col, "qualifier-bounds",
                                        f"qualifier '{q}' must not have a {col} (keep bounds as bounds, points as points)"))
    if q in RANGE and lower is not None and upper is not None and lower > upper:
        problems.append(Problem(file, line, "lower", "range-order", f"lower {lower:g} is above upper {upper:g}"))
    unit = row.get(unit_col, "")
    for col, v in (("value", value), ("lower", lower), ("upper", upper)):
        if v is None:
            continue
        if unit == "percent" and not 0 <= v <= 100:
            problems.append(Problem(file, line, col, "percentage-range", f"{v:g} is a percentage outside 0 to 100"))
        elif unit == "fraction" and not 0 <= v <= 1:
            problems.append(Problem(file, line, col, "fraction-range", f"{v:g} is a fraction outside 0 to 1"))
        elif unit in NON_NEGATIVE_UNITS and v < 0:
            problems.append(Problem(file, line, col, "non-negative", f"{v:g} {unit} cannot be negative"))
    return problems


def _hand_checks(directory: Path, descriptor: dict[str, Any], texts: dict[str, str], bibliography: Path,
                 check_citations: bool = True) -> list[Problem]:
    """Rules frictionless cannot express: cross-row, cross-table and bibliography checks."""
    problems: list[Problem] = []
    resources = {r["name"]: r for r in descriptor["resources"]}
    rows = {name: list(_rows(text)) for name, text in texts.items()}
    figures: dict[str, dict[str, str]] = {}
    if "figures" in rows:
        figures = {r["id"]: r for _, r in rows["figures"]}

    # Bibliography: every source_id must be a key of references.bib, and vice versa.
    keys = _bib_keys(bibliography) if check_citations else None
    if keys is None and check_citations:
        problems.append(Problem(bibliography.name, None, None, "missing-file", f"bibliography {bibliography} not found"))
    for name, table in rows.items():
        file = resources[name]["path"]
        for line, row in table:
            for col in ("source_id", "report_source_id"):
                key = row.get(col, "")
                if keys is not None and key and key not in keys:
                    problems.append(Problem(file, line, col, "not-in-bibliography",
                                            f"'{key}' is not a key in {bibliography.name}"))
    if keys is not None and "sources" in rows:
        listed = {r["source_id"] for _, r in rows["sources"]}
        for key in sorted(keys - listed):
            problems.append(Problem(bibliography.name, None, key, "bibliography-without-source",
                                    f"'{key}' is in {bibliography.name} but has no row in sources.csv"))

    # Figures: qualifier/bounds, unit ranges, conflicts.
    if "figures" in rows:
        file = resources["figures"]["path"]
        for line, row in rows["figures"]:
            problems += _check_bounds(file, line, row)
        line_of = {r["id"]: line for line, r in rows["figures"]}
        for line, row in rows["figures"]:
            others = [c for c in row.get("conflicts_with", "").split(";") if c]
            for other in others:
                if other not in figures:
                    problems.append(Problem(file, line, "conflicts_with", "conflict-link",
                                            f"'{other}' is not a figure id{_suggest(other, figures)}"))
                elif row["id"] not in figures[other].get("conflicts_with", "").split(";"):
                    problems.append(Problem(file, line, "conflicts_with", "conflict-link",
                                            f"links to '{other}' but '{other}' (row {line_of[other]}) does not link back"))
        for group in _conflict_groups(figures):
            preferred = [i for i in group if figures[i].get("preferred") == "true"]
            if len(preferred) != 1:
                first = min(group, key=line_of.get)
                problems.append(Problem(file, line_of[first], "preferred", "one-preferred",
                                        f"conflicting figures {sorted(group)} must have exactly one preferred row; found {len(preferred)}"))

    if "figures" in rows:
        problems += _check_quotes(resources, rows)

    # Structured tables: numbers agree with the figures table; numbers need a figure id.
    for name, table in rows.items():
        if name in ("figures", "sources"):
            continue
        res = resources[name]
        file = res["path"]
        mapping = {c: c for c in FIGURE_COLUMNS}
        mapping.update(res.get("x-figure-columns", {}))
        columns = set(_field_names(res))
        has_figure = "figure_id" in columns
        for line, row in table:
            if "qualifier" in columns:
                problems += _check_bounds(file, line, row)
            if not has_figure:
                continue
            fid = row.get("figure_id", "")
            numeric = [mapping[c] for c in ("value", "lower", "upper") if mapping[c] in columns and row.get(mapping[c], "")]
            if not fid:
                if numeric:
                    problems.append(Problem(file, line, "figure_id", "figure-id-required",
                                            f"row has a number in {numeric[0]} but no figure_id"))
                continue
            fig = figures.get(fid)
            if fig is None:
                continue  # foreign key: reported by frictionless
            for fcol, col in mapping.items():
                if col not in columns:
                    continue
                mine, theirs = row.get(col, ""), fig.get(fcol, "")
                if fcol in ("value", "lower", "upper"):
                    a, b = _num(mine), _num(theirs)
                    same = (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))
                else:
                    same = mine == theirs
                if not same:
                    problems.append(Problem(file, line, col, "figure-mismatch",
                                            f"{col} is '{mine}' but figure '{fid}' has {fcol} '{theirs}'"))
        # ';'-separated figure id lists
        if "figure_ids" in columns:
            for line, row in table:
                for fid in [x for x in row.get("figure_ids", "").split(";") if x]:
                    if figures and fid not in figures:
                        problems.append(Problem(file, line, "figure_ids", "foreign-key",
                                                f"'{fid}' is not a figure id{_suggest(fid, figures)}"))
        # Shares of one whole sum to the total within rounding.
        rule = res.get("x-shares-of-whole")
        if rule:
            problems += _check_shares(file, table, rule)
    return problems


def _check_quotes(resources: dict[str, dict[str, Any]], rows: dict[str, list[tuple[int, dict[str, str]]]]) -> list[Problem]:
    """A derived figure has no quote (its note says how it was derived); a figure whose locator names
    a primary source file (``file`` in sources.csv) has one, unless it is listed in the figures
    resource's ``x-quote-exceptions`` (each with its reason in the row's note).

    Whether each quote really occurs in its file is checked by the data tests, which need
    ``../shared/sources`` (not part of the package).
    """
    res = resources["figures"]
    file = res["path"]
    if "quote" not in _field_names(res):
        return []
    primary = {r["file"] for _, r in rows.get("sources", []) if r.get("file")}
    exceptions = set(res.get("x-quote-exceptions", []))
    ids = {r["id"] for _, r in rows["figures"]}
    problems = [Problem(DESCRIPTOR, None, "x-quote-exceptions", "quote-exception",
                        f"'{fid}' is listed in figures' x-quote-exceptions but is not a figure id{_suggest(fid, ids)}")
                for fid in sorted(exceptions - ids)]
    for line, row in rows["figures"]:
        quote = row.get("quote", "")
        if row.get("derived") == "true":
            if quote:
                problems.append(Problem(file, line, "quote", "quote-on-derived",
                                        "a derived figure is not printed in its source, so it has no quote: "
                                        "empty the quote and say in note how the figure was derived"))
            continue
        if row.get("id") in exceptions and quote:
            problems.append(Problem(file, line, "quote", "quote-exception",
                                    f"'{row['id']}' has a quote but is listed in x-quote-exceptions: take it off the list"))
        named = [f for f in files_named(row.get("locator", "")) if f in primary]
        if named and not quote.strip() and row.get("id") not in exceptions:
            problems.append(Problem(file, line, "quote", "quote-required",
                                    f"the figure comes from {named[0]}: quote the shortest words of that file "
                                    "that state it (or list the id in x-quote-exceptions with the reason in note)"))
    return problems


DATE_SHAPE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
"""YYYY, YYYY-MM or YYYY-MM-DD: the shapes of the package's date columns (``"x-date": true``)."""


def _date_problem(cell: str) -> str | None:
    """Why a date cell names no real year, month or day (None if it does, or if it is not date-shaped:
    the column's pattern reports a wrong shape). '2011-13' has no month 13; '2011-02-30' no day 30."""
    match = DATE_SHAPE.match(cell)
    if not match:
        return None
    year, month, day = (None if g is None else int(g) for g in match.groups())
    assert year is not None
    if year < 1:
        return f"'{cell}' is not a real date: there is no year 0"
    if month is not None and not 1 <= month <= 12:
        return f"'{cell}' is not a real date: there is no month {month:02d} (months are 01 to 12)"
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return (f"'{cell}' is not a real date: {calendar.month_name[month]} {year} has days "
                    f"01 to {last}")
    return None


def _date_problems(descriptor: dict[str, Any], texts: dict[str, str]) -> list[Problem]:
    """Every cell of a date column (a field with ``"x-date": true``) must be a real calendar date."""
    problems = []
    for res in descriptor["resources"]:
        columns = {f["name"]: f.get("constraints", {}).get("pattern", "")
                   for f in res.get("schema", {}).get("fields", []) if f.get("x-date")}
        if not columns or res.get("name") not in texts:
            continue
        for line, row in _rows(texts[res["name"]]):
            for column, pattern in columns.items():
                cell = row.get(column, "")
                if pattern and not re.fullmatch(pattern, cell):
                    continue  # a wrong shape for this column: its pattern constraint reports it
                why = _date_problem(cell)
                if why:
                    problems.append(Problem(res["path"], line, column, "real-date", why))
    return problems


def _check_shares(file: str, table: list[tuple[int, dict[str, str]]], rule: dict[str, Any]) -> list[Problem]:
    """Shares of one whole (grouped by rule['group_by']) must sum to rule['total'] within rounding."""
    groups: dict[tuple[str, ...], list[tuple[int, float]]] = {}
    only_if = rule.get("only_if")
    for line, row in table:
        if only_if and row.get(only_if) != "true":
            continue
        value = _num(row.get(rule["share"]))
        if value is None:
            continue
        groups.setdefault(tuple(row.get(g, "") for g in rule["group_by"]), []).append((line, value))
    problems = []
    for key, items in groups.items():
        total = sum(v for _, v in items)
        tolerance = SHARE_TOLERANCE_PER_ITEM * len(items)
        if abs(total - rule["total"]) > tolerance:
            lines = ", ".join(str(line) for line, _ in items)
            problems.append(Problem(file, items[0][0], rule["share"], "shares-sum",
                                    f"shares for {dict(zip(rule['group_by'], key))} (rows {lines}) sum to {total:g}, "
                                    f"not {rule['total']} within rounding (±{tolerance:g})"))
    return problems


def _conflict_groups(figures: dict[str, dict[str, str]]) -> list[set[str]]:
    """Connected groups of figures linked by conflicts_with."""
    seen: set[str] = set()
    groups = []
    for start in figures:
        if start in seen or not figures[start].get("conflicts_with"):
            continue
        group, todo = set(), [start]
        while todo:
            fid = todo.pop()
            if fid in group or fid not in figures:
                continue
            group.add(fid)
            todo += [x for x in figures[fid].get("conflicts_with", "").split(";") if x]
        seen |= group
        groups.append(group)
    return groups


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def validate(directory: Path | str = DATA_DIR, bibliography: Path | str | None = None,
             check_citations: bool = True) -> list[Problem]:
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
    descriptor, problems = _descriptor(directory)
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
            problems.append(Problem(path.name, None, None, "undeclared-file", f"{path.name} is not a resource in {DESCRIPTOR}"))
    problems += _frictionless_problems(directory, descriptor, set(texts))
    # The hand checks parse cells leniently (a cell frictionless rejects is skipped), so they run on
    # every readable table and the report lists every problem at once.
    problems += _hand_checks(directory, descriptor, texts, bib, check_citations)
    problems += _date_problems(descriptor, texts)
    return sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule, p.message))


# --------------------------------------------------------------------------- loading

_VALIDATED: dict[tuple[Any, ...], list[Problem]] = {}
_FRAMES: dict[tuple[Any, ...], dict[str, "pd.DataFrame"]] = {}


def _signature(directory: Path) -> tuple[Any, ...]:
    """Identity of the package's current state: paths, sizes and modification times."""
    files = sorted(directory.glob("*")) + [directory.parent / BIBLIOGRAPHY]
    return (str(directory.resolve()),) + tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())


def _validated(directory: Path) -> tuple[tuple[Any, ...], list[Problem]]:
    """The package's signature and problems, validating once per state of its files."""
    sig = _signature(directory)
    if sig not in _VALIDATED:
        _VALIDATED[sig] = validate(directory)
    return sig, _VALIDATED[sig]


def _ensure_valid(directory: Path) -> tuple[Any, ...]:
    """Validate the whole package once per state; raise DataValidationError if broken."""
    sig, problems = _validated(directory)
    if problems:
        raise DataValidationError(problems, directory)
    return sig


def _typed_frame(directory: Path, resource: dict[str, Any]) -> "pd.DataFrame":
    import pandas as pd

    fields = resource["schema"]["fields"]
    raw = pd.read_csv(directory / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    out = {}
    for f in fields:
        col = [None if v == "" else v for v in raw[f["name"]]]
        kind = f.get("type", "string")
        if kind == "integer":
            out[f["name"]] = pd.array([None if v is None else int(v) for v in col], dtype="Int64")
        elif kind == "number":
            out[f["name"]] = pd.array([None if v is None else float(v) for v in col], dtype="Float64")
        elif kind == "boolean":
            out[f["name"]] = pd.array([None if v is None else v.lower() in ("true", "1") for v in col], dtype="boolean")
        else:
            out[f["name"]] = pd.array(list(col), dtype="string")
    frame = pd.DataFrame(out)
    frame.attrs["description"] = resource.get("description", "")
    frame.attrs["source"] = str(directory / resource["path"])
    return frame


def load(name: str, directory: Path | str | None = None) -> "pd.DataFrame":
    """One table as a typed DataFrame, after validating the whole package.

    Columns use pandas nullable dtypes (``string``, ``Int64``, ``Float64``, ``boolean``).
    Raises :class:`DataValidationError` if anything in the package is broken, and
    ``KeyError`` for an unknown table name.
    """
    directory = Path(directory) if directory else DATA_DIR
    sig = _ensure_valid(directory)
    descriptor, _ = _descriptor(directory)
    assert descriptor is not None
    names = [r["name"] for r in descriptor["resources"]]
    if name not in names:
        raise KeyError(f"no table {name!r}{_suggest(name, names)} (tables: {', '.join(names)})")
    frames = _FRAMES.setdefault(sig, {})
    if name not in frames:
        frames[name] = _typed_frame(directory, descriptor_resource(descriptor, name))
    return frames[name].copy()


def table_names(directory: Path | str | None = None) -> list[str]:
    """Names of the tables declared in the data package."""
    descriptor, problems = _descriptor(Path(directory) if directory else DATA_DIR)
    if descriptor is None:
        raise DataValidationError(problems, directory or DATA_DIR)
    return [r["name"] for r in descriptor["resources"]]


# --------------------------------------------------------------------------- figures


def _number(v: float) -> str:
    """Format a number as the sources write it: 2,235 / 36.7 / 0.057."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.10f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Figure:
    """One number from the sources, with its qualifier, bounds and provenance."""

    id: str
    value: float | None
    unit: str
    qualifier: str
    lower: float | None
    upper: float | None
    denominator: str
    source_id: str
    locator: str
    note: str
    conflicts_with: tuple[str, ...] = field(default=())
    preferred: bool = True
    derived: bool = False
    quote: str = ""
    """The source's own words stating the figure; empty for a derived figure (its note says how)."""

    def _fmt(self, v: float) -> str:
        """One number in this figure's unit."""
        u = self.unit
        if u == "percent":
            return f"{_number(v)}%"
        if u == "percent_change":
            return f"{'−' if v < 0 else ''}{_number(abs(v))}%"
        if u == "GBP":
            return f"£{_number(v)}"
        if u == "GBP_million":
            return f"£{_number(v)} million"
        if u == "GBP_billion":
            return f"£{_number(v)} billion"
        if u == "million":
            return f"{_number(v)} million"
        if u == "fraction":
            words = FRACTION_WORDS.get(round(v, 4))
            return words if words else f"{_number(round(v * 100, 1))}%"
        if u == "year":
            return str(int(v))
        if u == "years":
            return f"{_number(v)} year{'' if v == 1 else 's'}"
        if u == "pages":
            return f"{_number(v)} pages"
        if u == "times":
            return f"{_number(v)} times"
        if u == "fold":
            return f"{_number(v)}-fold"
        if u == "per_1000":
            return f"{_number(v)} per 1,000"
        return _number(v)

    @property
    def text(self) -> str:
        """The figure for prose, saying no more than the source: '86%', 'more than 80%',
        '11.9% to 22%', '£200 to £1,800', '2,235', 'about 4,700'."""
        q = self.qualifier
        if q == "range":
            assert self.lower is not None and self.upper is not None
            lo, hi = self._fmt(self.lower), self._fmt(self.upper)
            if self.unit == "fraction":
                return f"between {lo} and {hi}"
            if self.unit == "per_1000":
                lo = lo.replace(" per 1,000", "")
            elif self.unit in ("GBP_million", "GBP_billion", "million", "pages", "years"):
                lo = lo.rsplit(" ", 1)[0]
            return f"{lo} to {hi}"
        number = self.value if q in POINT else self.lower if q in LOWER else self.upper
        assert number is not None, f"figure {self.id} has no number for qualifier {q}"
        return f"{QUALIFIER_WORDS[q]}{self._fmt(number)}"

    @property
    def citation(self) -> str:
        """The bibliography key (for ``{cite}`key```)."""
        return self.source_id

    def __str__(self) -> str:
        return self.text


_FIGURES: dict[tuple[Any, ...], dict[str, Figure]] = {}


def _figures(directory: Path) -> dict[str, Figure]:
    sig = _ensure_valid(directory)
    if sig not in _FIGURES:
        frame = load("figures", directory)

        def opt(v: Any) -> Any:
            import pandas as pd

            return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

        figs = {}
        for rec in frame.to_dict("records"):
            figs[rec["id"]] = Figure(
                id=rec["id"],
                value=None if opt(rec["value"]) is None else float(rec["value"]),
                unit=rec["unit"],
                qualifier=rec["qualifier"],
                lower=None if opt(rec["lower"]) is None else float(rec["lower"]),
                upper=None if opt(rec["upper"]) is None else float(rec["upper"]),
                denominator=opt(rec["denominator"]) or "",
                source_id=rec["source_id"],
                locator=rec["locator"],
                note=opt(rec["note"]) or "",
                conflicts_with=tuple(x for x in (opt(rec["conflicts_with"]) or "").split(";") if x),
                preferred=bool(rec["preferred"]),
                derived=bool(rec["derived"]),
                quote=opt(rec.get("quote")) or "",
            )
        _FIGURES[sig] = figs
    return _FIGURES[sig]


def figure(id: str, directory: Path | str | None = None) -> Figure:
    """The figure with this id. Unknown id: KeyError naming it and suggesting close ids."""
    figs = _figures(Path(directory) if directory else DATA_DIR)
    try:
        return figs[id]
    except KeyError:
        raise KeyError(f"no figure {id!r} in figures.csv{_suggest(id, figs)}") from None


def figure_ids(directory: Path | str | None = None) -> list[str]:
    """All figure ids, in file order."""
    return list(_figures(Path(directory) if directory else DATA_DIR))


# --------------------------------------------------------------------------- appendices


def _md(text: Any) -> str:
    """Make a value safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _constraints(f: dict[str, Any]) -> str:
    c = f.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if "minimum" in c and "maximum" in c:
        parts.append(f"{c['minimum']} to {c['maximum']}")
    elif "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    elif "maximum" in c:
        parts.append(f"≤ {c['maximum']}")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minLength" in c:
        parts.append(f"at least {c['minLength']} characters")
    if f.get("format") and f.get("format") != "default":
        parts.append(f"format {f['format']}")
    return "; ".join(parts)


def data_dictionary_frames(directory: Path | str | None = None) -> dict[str, "pd.DataFrame"]:
    """For each table, a DataFrame of its fields: name, type, constraints, description."""
    import pandas as pd

    directory = Path(directory) if directory else DATA_DIR
    descriptor, problems = _descriptor(directory)
    if descriptor is None:
        raise DataValidationError(problems, directory)
    return {
        res["name"]: pd.DataFrame(
            [{"field": f["name"], "type": f.get("type", "string"), "constraints": _constraints(f),
              "description": f.get("description", "")} for f in res["schema"]["fields"]])
        for res in descriptor["resources"]
    }


def data_dictionary(directory: Path | str | None = None) -> str:
    """Markdown describing every table of datapackage.json: description, sources, keys, fields."""
    directory = Path(directory) if directory else DATA_DIR
    _ensure_valid(directory)
    descriptor, _ = _descriptor(directory)
    assert descriptor is not None
    out = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        rows = len(load(res["name"], directory))
        keys = ", ".join(f"`{k}`" for k in schema.get("primaryKey", []))
        fks = "; ".join(f"`{','.join(fk['fields'])}` → `{fk['reference']['resource'] or res['name']}."
                        f"{','.join(fk['reference']['fields'])}`" for fk in schema.get("foreignKeys", []))
        sources = sorted({r for r in load(res["name"], directory)["source_id"]})
        out.append(f"## `{res['name']}`\n")
        out.append(f"{res.get('description', '')}\n")
        out.append(f"File `data/{res['path']}`: {rows} rows. Primary key {keys}."
                   + (f" Foreign keys: {fks}." if fks else "") + "\n")
        if res["name"] != "sources":
            out.append(f"Sources ({len(sources)}): " + ", ".join(f"`{s}`" for s in sources)
                       + " (see the Sources appendix).\n")
        out.append("| field | type | constraints | description |\n|---|---|---|---|")
        for f in schema["fields"]:
            out.append(f"| `{f['name']}` | {f.get('type', 'string')} | {_md(_constraints(f))} | {_md(f.get('description', ''))} |")
        out.append("")
    return "\n".join(out)


KIND_HEADINGS = {
    "primary_file": "Primary source files",
    "web_page": "Published pages cited in the research notes",
    "cited_reference": "Works cited by the 2011 report",
}


def sources_markdown(directory: Path | str | None = None, cite: bool = False) -> str:
    """Markdown listing every source: its nature, who wrote it (its standpoint), what it can and cannot support.

    With ``cite=True`` each source's key becomes a MyST ``{cite}`` role (for the book's page).
    """
    frame = load("sources", directory)
    counts: dict[str, int] = {}
    figs = load("figures", directory)
    for sid in figs["source_id"]:
        counts[sid] = counts.get(sid, 0) + 1
    out = []
    for kind, heading in KIND_HEADINGS.items():
        part = frame[frame["kind"] == kind]
        if part.empty:
            continue
        out.append(f"## {heading}\n")
        for rec in part.to_dict("records"):
            bits = [f"**{_md(rec['title'])}**"]
            meta = ", ".join(str(x) for x in (rec["author"], rec["date"]) if isinstance(x, str) and x)
            if meta:
                bits.append(f"({_md(meta)})")
            label = f"{{cite}}`{rec['source_id']}`" if cite else f"`{rec['source_id']}`"
            if isinstance(rec["s_key"], str) and rec["s_key"]:
                label += f", {rec['s_key']}"
            if isinstance(rec["file"], str) and rec["file"]:
                label += f", file `{rec['file']}`"
            nature = rec["nature"] + (" (secondary)" if rec["secondary"] and rec["nature"] != "secondary summary" else "")
            n = counts.get(rec["source_id"], 0)
            out.append(f"- {' '.join(bits)} [{label}]. *{nature.capitalize()}*; {n} figure{'s' if n != 1 else ''}. "
                       f"Who wrote it: {_md(rec['standpoint'])} "
                       f"Can support: {_md(rec['supports'])} Cannot support: {_md(rec['cannot_support'])}")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    """The command line: ``validate [DIR] [--bibliography FILE]`` and ``figure ID [DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m phb.data",
        description="Check the book's data package (data/: CSV tables described by datapackage.json) "
                    "and look up the figures the prose quotes.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "validate", help="check a data package and list every problem",
        description="Check a data package: the descriptor; each file (present, UTF-8, header as "
                    "declared); types, constraints and keys (frictionless); dates that are real dates; "
                    "bounds, shares and figures that agree across tables; and every source_id a key of "
                    "the bibliography. Prints OK and a count, or every problem as 'file: row, column: "
                    "[rule] message' and exits 1.")
    check.add_argument("directory", nargs="?", type=Path, default=DATA_DIR, metavar="DIR",
                       help="the folder holding datapackage.json (default: the book's data/)")
    check.add_argument("--bibliography", type=Path, metavar="FILE",
                       help="the BibTeX file whose keys every source_id must be (default: "
                            f"{BIBLIOGRAPHY} beside DIR; if there is none, citation keys are not "
                            "checked and a note says so)")
    look = commands.add_parser(
        "figure", help="print one figure as the prose quotes it, with its source",
        description="Print one figure of figures.csv as the prose quotes it, then its citation key "
                    "and locator.")
    look.add_argument("id", help="the figure's id, e.g. poet2014_qol_improved")
    look.add_argument("directory", nargs="?", type=Path, default=None, metavar="DIR",
                      help="the folder holding datapackage.json (default: the book's data/)")
    return parser


def _validate_command(directory: Path, bibliography: Path | None) -> int:
    """``validate``: print OK and a count (exit 0), or every problem (exit 1)."""
    beside = directory.parent / BIBLIOGRAPHY
    check_citations = bibliography is not None or beside.is_file()
    if not check_citations:
        print(f"note: no {BIBLIOGRAPHY} beside {directory}, so citation keys (source_id) were not "
              "checked; give --bibliography FILE to check them", file=sys.stderr)
    problems = validate(directory, bibliography, check_citations=check_citations)
    if problems:
        for p in problems:
            print(p)
        print(f"FAILED: {len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    descriptor, _ = _descriptor(directory)
    assert descriptor is not None
    rows = {r["name"]: sum(1 for _ in _rows((directory / r["path"]).read_text(encoding="utf-8")))
            for r in descriptor["resources"]}
    print(f"OK: {directory} is valid: {len(rows)} tables, {sum(rows.values())} rows, "
          f"{rows.get('figures', 0)} figures, {rows.get('sources', 0)} sources")
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
