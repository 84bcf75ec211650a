"""The rules frictionless cannot express: cross-row, cross-table, bibliography and date checks.

:func:`hand_checks` runs one small named check per rule; each returns the :class:`Problem` s it finds
(file, row, column, rule). They parse cells leniently (a cell frictionless rejects is skipped), so a
report lists every problem at once.
"""

from __future__ import annotations

import calendar
import math
import re
from pathlib import Path
from typing import Any

from phb.data.problems import DESCRIPTOR, Problem, csv_rows, did_you_mean, field_names, files_named, parse_number
from phb.data.qualifiers import LOWER, POINT, RANGE, UPPER

SHARE_TOLERANCE_PER_ITEM = 0.5
"""Shares rounded to whole numbers may each be out by 0.5: a whole of n shares may miss 100 by n/2."""
NON_NEGATIVE_UNITS = {
    "people",
    "count",
    "GBP",
    "GBP_million",
    "GBP_billion",
    "million",
    "year",
    "years",
    "pages",
    "per_1000",
    "times",
    "fold",
    "score",
}
FIGURE_COLUMNS = ("value", "unit", "qualifier", "lower", "upper", "source_id", "preferred")

Rows = list[tuple[int, dict[str, str]]]
"""A table's data rows, each with its line in the CSV file (the header is line 1)."""


def bib_keys(path: Path) -> set[str] | None:
    """Entry keys of a BibTeX file (None if the file is missing)."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.MULTILINE))


def hand_checks(
    directory: Path, descriptor: dict[str, Any], texts: dict[str, str], bibliography: Path, check_citations: bool = True
) -> list[Problem]:
    """Rules frictionless cannot express: cross-row, cross-table and bibliography checks."""
    resources = {r["name"]: r for r in descriptor["resources"]}
    rows = {name: list(csv_rows(text)) for name, text in texts.items()}
    figures = {r["id"]: r for _, r in rows.get("figures", [])}
    problems = _citation_problems(resources, rows, bibliography, check_citations)
    if "figures" in rows:
        problems += _figure_problems(resources["figures"]["path"], rows["figures"], figures)
        problems += _check_quotes(resources, rows)
    for name, table in rows.items():
        if name not in ("figures", "sources"):
            problems += _structured_table_problems(resources[name], table, figures)
    return problems


def _citation_problems(
    resources: dict[str, dict[str, Any]], rows: dict[str, Rows], bibliography: Path, check_citations: bool
) -> list[Problem]:
    """Every source_id is a key of references.bib, and every key of it has a row in sources.csv."""
    if not check_citations:
        return []
    keys = bib_keys(bibliography)
    if keys is None:
        return [Problem(bibliography.name, None, None, "missing-file", f"bibliography {bibliography} not found")]
    problems = [
        Problem(
            resources[name]["path"],
            line,
            col,
            "not-in-bibliography",
            f"'{row[col]}' is not a key in {bibliography.name}",
        )
        for name, table in rows.items()
        for line, row in table
        for col in ("source_id", "report_source_id")
        if row.get(col, "") and row[col] not in keys
    ]
    if "sources" in rows:
        listed = {r["source_id"] for _, r in rows["sources"]}
        problems += [
            Problem(
                bibliography.name,
                None,
                key,
                "bibliography-without-source",
                f"'{key}' is in {bibliography.name} but has no row in sources.csv",
            )
            for key in sorted(keys - listed)
        ]
    return problems


def _figure_problems(file: str, table: Rows, figures: dict[str, dict[str, str]]) -> list[Problem]:
    """figures.csv: qualifier/bounds and unit ranges of each row, conflict links, one preferred."""
    problems = [p for line, row in table for p in _check_bounds(file, line, row)]
    line_of = {r["id"]: line for line, r in table}
    for line, row in table:
        problems += _conflict_link_problems(file, line, row, figures, line_of)
    for group in _conflict_groups(figures):
        preferred = [i for i in group if figures[i].get("preferred") == "true"]
        if len(preferred) != 1:
            first = min(group, key=line_of.get)
            problems.append(
                Problem(
                    file,
                    line_of[first],
                    "preferred",
                    "one-preferred",
                    f"conflicting figures {sorted(group)} must have exactly one preferred row; found {len(preferred)}",
                )
            )
    return problems


def _conflict_link_problems(
    file: str, line: int, row: dict[str, str], figures: dict[str, dict[str, str]], line_of: dict[str, int]
) -> list[Problem]:
    """Each figure a row says it conflicts with exists and links back."""
    problems = []
    for other in [c for c in row.get("conflicts_with", "").split(";") if c]:
        if other not in figures:
            why = f"'{other}' is not a figure id{did_you_mean(other, figures)}"
        elif row["id"] not in figures[other].get("conflicts_with", "").split(";"):
            why = f"links to '{other}' but '{other}' (row {line_of[other]}) does not link back"
        else:
            continue
        problems.append(Problem(file, line, "conflicts_with", "conflict-link", why))
    return problems


def _structured_table_problems(
    resource: dict[str, Any], table: Rows, figures: dict[str, dict[str, str]]
) -> list[Problem]:
    """A table other than figures and sources: its bounds, its numbers agreeing with the figures
    they name (a number needs a figure id), its lists of figure ids, its shares of a whole."""
    file = resource["path"]
    columns = set(field_names(resource))
    problems = []
    if "qualifier" in columns:
        problems += [p for line, row in table for p in _check_bounds(file, line, row)]
    if "figure_id" in columns:
        mapping = {c: c for c in FIGURE_COLUMNS} | resource.get("x-figure-columns", {})
        problems += [p for line, row in table for p in _figure_agreement(file, line, row, mapping, columns, figures)]
    if "figure_ids" in columns:
        problems += _figure_id_list_problems(file, table, figures)
    rule = resource.get("x-shares-of-whole")
    if rule:
        problems += _check_shares(file, table, rule)
    return problems


def _figure_agreement(
    file: str,
    line: int,
    row: dict[str, str],
    mapping: dict[str, str],
    columns: set[str],
    figures: dict[str, dict[str, str]],
) -> list[Problem]:
    """A row with a number names its figure, and its value, unit, qualifier, bounds, source and
    preference are the figure's (a figure id frictionless rejects as a foreign key is skipped)."""
    fid = row.get("figure_id", "")
    if not fid:
        numeric = [mapping[c] for c in ("value", "lower", "upper") if mapping[c] in columns and row.get(mapping[c], "")]
        return (
            [
                Problem(
                    file, line, "figure_id", "figure-id-required", f"row has a number in {numeric[0]} but no figure_id"
                )
            ]
            if numeric
            else []
        )
    fig = figures.get(fid)
    if fig is None:
        return []
    return [
        Problem(
            file,
            line,
            col,
            "figure-mismatch",
            f"{col} is '{row.get(col, '')}' but figure '{fid}' has {fcol} '{fig.get(fcol, '')}'",
        )
        for fcol, col in mapping.items()
        if col in columns and not _same_cell(fcol, row.get(col, ""), fig.get(fcol, ""))
    ]


def _same_cell(figure_column: str, mine: str, theirs: str) -> bool:
    """Two cells agree: numbers (value, lower, upper) to within rounding dust, text exactly."""
    if figure_column not in ("value", "lower", "upper"):
        return mine == theirs
    a, b = parse_number(mine), parse_number(theirs)
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


def _figure_id_list_problems(file: str, table: Rows, figures: dict[str, dict[str, str]]) -> list[Problem]:
    """Every id in a ';'-separated ``figure_ids`` cell is a figure id."""
    return [
        Problem(file, line, "figure_ids", "foreign-key", f"'{fid}' is not a figure id{did_you_mean(fid, figures)}")
        for line, row in table
        for fid in [x for x in row.get("figure_ids", "").split(";") if x]
        if figures and fid not in figures
    ]


def _check_bounds(file: str, line: int, row: dict[str, str], unit_col: str = "unit") -> list[Problem]:
    """Qualifier/bound consistency and unit ranges for a row with value/qualifier/lower/upper."""
    problems = []
    q = row.get("qualifier", "")
    value, lower, upper = parse_number(row.get("value")), parse_number(row.get("lower")), parse_number(row.get("upper"))
    present = {"value": value is not None, "lower": lower is not None, "upper": upper is not None}
    need = (
        {"value"}
        if q in POINT
        else {"lower"}
        if q in LOWER
        else {"upper"}
        if q in UPPER
        else {"lower", "upper"}
        if q in RANGE
        else set()
    )
    if q and need:
        for col in ("value", "lower", "upper"):
            if col not in row:
                continue
            if col in need and not present[col] and row.get(col, "") == "":
                problems.append(
                    Problem(file, line, col, "qualifier-bounds", f"qualifier '{q}' needs {col}; it is empty")
                )
            if col not in need and present[col]:
                problems.append(
                    Problem(
                        file,
                        line,
                        col,
                        "qualifier-bounds",
                        f"qualifier '{q}' must not have a {col} (keep bounds as bounds, points as points)",
                    )
                )
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


def _check_quotes(resources: dict[str, dict[str, Any]], rows: dict[str, Rows]) -> list[Problem]:
    """A derived figure has no quote (its note says how it was derived); a figure whose locator names
    a primary source file (``file`` in sources.csv) has one, unless it is listed in the figures
    resource's ``x-quote-exceptions`` (each with its reason in the row's note).

    Whether each quote really occurs in its file is checked by the data tests, which need
    ``../shared/sources`` (not part of the package).
    """
    res = resources["figures"]
    file = res["path"]
    if "quote" not in field_names(res):
        return []
    primary = {r["file"] for _, r in rows.get("sources", []) if r.get("file")}
    exceptions = set(res.get("x-quote-exceptions", []))
    ids = {r["id"] for _, r in rows["figures"]}
    problems = [
        Problem(
            DESCRIPTOR,
            None,
            "x-quote-exceptions",
            "quote-exception",
            f"'{fid}' is listed in figures' x-quote-exceptions but is not a figure id{did_you_mean(fid, ids)}",
        )
        for fid in sorted(exceptions - ids)
    ]
    for line, row in rows["figures"]:
        quote = row.get("quote", "")
        if row.get("derived") == "true":
            if quote:
                problems.append(
                    Problem(
                        file,
                        line,
                        "quote",
                        "quote-on-derived",
                        "a derived figure is not printed in its source, so it has no quote: "
                        "empty the quote and say in note how the figure was derived",
                    )
                )
            continue
        if row.get("id") in exceptions and quote:
            problems.append(
                Problem(
                    file,
                    line,
                    "quote",
                    "quote-exception",
                    f"'{row['id']}' has a quote but is listed in x-quote-exceptions: take it off the list",
                )
            )
        named = [f for f in files_named(row.get("locator", "")) if f in primary]
        if named and not quote.strip() and row.get("id") not in exceptions:
            problems.append(
                Problem(
                    file,
                    line,
                    "quote",
                    "quote-required",
                    f"the figure comes from {named[0]}: quote the shortest words of that file "
                    "that state it (or list the id in x-quote-exceptions with the reason in note)",
                )
            )
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
            return f"'{cell}' is not a real date: {calendar.month_name[month]} {year} has days 01 to {last}"
    return None


def date_problems(descriptor: dict[str, Any], texts: dict[str, str]) -> list[Problem]:
    """Every cell of a date column (a field with ``"x-date": true``) must be a real calendar date."""
    problems = []
    for res in descriptor["resources"]:
        columns = {
            f["name"]: f.get("constraints", {}).get("pattern", "")
            for f in res.get("schema", {}).get("fields", [])
            if f.get("x-date")
        }
        if not columns or res.get("name") not in texts:
            continue
        for line, row in csv_rows(texts[res["name"]]):
            for column, pattern in columns.items():
                cell = row.get(column, "")
                if pattern and not re.fullmatch(pattern, cell):
                    continue  # a wrong shape for this column: its pattern constraint reports it
                why = _date_problem(cell)
                if why:
                    problems.append(Problem(res["path"], line, column, "real-date", why))
    return problems


def _check_shares(file: str, table: Rows, rule: dict[str, Any]) -> list[Problem]:
    """Shares of one whole (grouped by rule['group_by']) must sum to rule['total'] within rounding."""
    groups: dict[tuple[str, ...], list[tuple[int, float]]] = {}
    only_if = rule.get("only_if")
    for line, row in table:
        if only_if and row.get(only_if) != "true":
            continue
        value = parse_number(row.get(rule["share"]))
        if value is None:
            continue
        groups.setdefault(tuple(row.get(g, "") for g in rule["group_by"]), []).append((line, value))
    problems = []
    for key, items in groups.items():
        total = sum(v for _, v in items)
        tolerance = SHARE_TOLERANCE_PER_ITEM * len(items)
        if abs(total - rule["total"]) > tolerance:
            lines = ", ".join(str(line) for line, _ in items)
            problems.append(
                Problem(
                    file,
                    items[0][0],
                    rule["share"],
                    "shares-sum",
                    f"shares for {dict(zip(rule['group_by'], key))} (rows {lines}) sum to {total:g}, "
                    f"not {rule['total']} within rounding (±{tolerance:g})",
                )
            )
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


def foreign_key_problems(descriptor: dict[str, Any], texts: dict[str, str]) -> list[Problem]:
    """Every foreign key in the descriptor holds: a row's key cells name a row of the table they refer to.

    Checked here rather than by frictionless, which re-opens and re-validates the referenced table for
    each key (two thirds of its time on this package). As in frictionless, a row whose key cells are all
    missing values is not checked, and a key into a table that could not be read is skipped (that
    table's own problem is reported)."""
    resources = {r["name"]: r for r in descriptor["resources"]}
    rows = {name: list(csv_rows(text)) for name, text in texts.items()}
    problems: list[Problem] = []
    for name, table in rows.items():
        schema = resources[name].get("schema", {})
        missing = set(schema.get("missingValues", [""]))
        for key in schema.get("foreignKeys", []):
            problems += _foreign_key_rows(resources, rows, name, table, key, missing)
    return problems


def _foreign_key_rows(
    resources: dict[str, dict[str, Any]],
    rows: dict[str, Rows],
    name: str,
    table: Rows,
    key: dict[str, Any],
    missing: set[str],
) -> list[Problem]:
    """The rows of ``table`` whose ``key`` (one foreignKeys entry) names no row of the referenced table."""
    fields = _as_list(key.get("fields"))
    reference = key.get("reference", {})
    target = reference.get("resource") or name
    if target not in rows:
        return []
    target_fields = _as_list(reference.get("fields"))
    known = {tuple(r.get(f, "") for f in target_fields) for _, r in rows[target]}
    target_file = resources[target]["path"]
    problems = []
    for line, row in table:
        cells = tuple(row.get(f, "") for f in fields)
        if all(c in missing for c in cells) or cells in known:
            continue
        shown = ", ".join(repr(c) for c in cells)
        hint = did_you_mean(cells[0], {k[0] for k in known}) if len(cells) == 1 else ""
        problems.append(
            Problem(
                resources[name]["path"],
                line,
                ",".join(fields),
                "foreign-key",
                f"{shown} is not in the {'/'.join(target_fields)} column of {target_file}{hint}",
            )
        )
    return problems


def _as_list(fields: str | list[str] | None) -> list[str]:
    """A foreign key's fields as a list (the descriptor may give one name as a string)."""
    if fields is None:
        return []
    return [fields] if isinstance(fields, str) else list(fields)
