"""A figure's source words: check that each `quote` in figures.csv is in its source, and propose quotes.

``data/figures.csv`` has a ``quote`` column: the shortest exact words of the source that state the
figure. For a row whose locator names one of the primary files in ``../shared/sources/`` (beside the
repository), the quote must occur in that file. The comparison forgives only what copying text
changes without changing words: runs of whitespace, curly against straight quotes (single or double)
and the kind of dash (hyphen, en, em, minus). Everything else, case and punctuation included, must
match.

``missing_quotes(rows, sources_dir)`` lists the quotes that are not found (the data tests use it);
``python -m phb.data.quotes propose [ID ...]`` prints candidate passages for rows without a quote, for a
person to read and choose from: a candidate contains the figure's number or its words, and it is not a
quote until someone has checked that it states the figure.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from phb.data.problems import files_named

REPO: Path = Path(__file__).resolve().parents[2]
"""The repository root (``data/`` and ``phb/`` are in it)."""

QUOTE_CHARS = "\"'‘’‚‛“”„‟′″`"
DASH_CHARS = "-‐‑‒–—―−"
_TO_PLAIN = str.maketrans({**{c: "'" for c in QUOTE_CHARS}, **{c: "-" for c in DASH_CHARS}})


def shared_sources(repo: Path = REPO) -> Path:
    """The folder of primary source files: ``shared/sources`` beside the repository."""
    return repo.parent / "shared" / "sources"


def normalise(text: str) -> str:
    """Text with whitespace runs made one space, every quote mark ``'`` and every dash ``-``.

    Only these differences are forgiven: they change when text is copied, not what it says.
    """
    return re.sub(r"\s+", " ", text.translate(_TO_PLAIN)).strip()


def occurs(quote: str, text: str) -> bool:
    """Whether ``quote`` is in ``text`` once both are normalised (see :func:`normalise`)."""
    return normalise(quote) in normalise(text)


def missing_quotes(rows: Iterable[tuple[int, dict[str, str]]], sources_dir: Path) -> list[str]:
    """Every quote not found in the primary file its row's locator names, as 'figures.csv row N ...'.

    ``rows`` are (line of the CSV, row) pairs. A row whose locator names no primary file, or whose
    quote is empty, is not checked here (the validator decides which rows need a quote). A quote
    passes if it occurs in any file the locator names; a named file that is absent is reported.
    """
    problems = []
    texts: dict[str, str | None] = {}
    for line, row in rows:
        quote = row.get("quote", "")
        files = files_named(row.get("locator", ""))
        if not quote or not files:
            continue
        for name in files:
            if name not in texts:
                path = sources_dir / name
                texts[name] = path.read_text(encoding="utf-8") if path.is_file() else None
        found = [name for name in files if texts[name] is not None and occurs(quote, texts[name] or "")]
        if found:
            continue
        absent = [name for name in files if texts[name] is None]
        where = " or ".join(files)
        reason = f"{', '.join(absent)} not in {sources_dir}" if absent else f"not in {where}"
        problems.append(
            f"figures.csv row {line}, column quote ({row.get('id', '?')}): [quote-in-source] {quote!r} {reason}"
        )
    return problems


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line of the CSV, row) for each row of a CSV file; the header is line 1."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [(reader.line_num, row) for row in reader]


# --------------------------------------------------------------------------- proposing quotes

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
    20: "twenty",
    30: "thirty",
    40: "forty",
    50: "fifty",
    60: "sixty",
    70: "seventy",
    80: "eighty",
    90: "ninety",
}
FRACTION_FORMS = {
    0.1: ["one in 10", "one in ten"],
    0.2: ["a fifth", "one in five"],
    0.25: ["a quarter"],
    0.3333: ["a third", "one third"],
    0.5: ["half"],
    0.6667: ["two-thirds", "two thirds"],
    0.7: ["seven out of 10", "seven in 10"],
    0.75: ["three quarters"],
    0.8: ["eight out of 10", "eight in 10"],
}


NEAR_CHARACTERS = 3000
"""How far after the locator's heading a clause still counts as near it (about a page)."""


@dataclass(frozen=True)
class Candidate:
    """A clause of a source file that contains one of a figure's forms."""

    clause: str
    form: str
    near_locator: bool


def number_forms(row: dict[str, str]) -> list[str]:
    """The ways a source might write a row's numbers: '5000', '5,000', '4.000' (as 003 does), 'five',
    '£4million', 'eight out of 10'. Words are matched whatever their case."""
    forms: list[str] = []
    for col in ("value", "lower", "upper"):
        if not row.get(col):
            continue
        v = float(row[col])
        if row.get("unit") == "fraction":
            forms += FRACTION_FORMS.get(round(v, 4), []) + [f"{v * 100:g}"]
            continue
        whole = int(v) if v.is_integer() else None
        forms.append(f"{v:g}")
        if row.get("unit") in ("GBP_million", "million"):
            forms += [f"£{v:g}million", f"£{v:g} million", f"{v:g} million"]
        if whole is not None:
            forms += [f"{whole:,}", f"{whole:,}".replace(",", "."), NUMBER_WORDS.get(whole, "")]
    return [f for f in dict.fromkeys(forms) if f]


def clauses(text: str) -> list[str]:
    """The text cut into clauses: at sentence ends, line ends, semicolons, colons and dashes."""
    parts = re.split(r"(?<=[.!?])\s+|\n+|;\s*|:\s+|\s[–—]\s", text)
    return [p.strip() for p in parts if p.strip()]


def candidates(row: dict[str, str], text: str) -> list[Candidate]:
    """Clauses of ``text`` containing one of the row's number forms, those near its locator first.

    A clause is near the locator when it comes after the last heading the locator names that is
    found in the text (headings are the parts between '›', page numbers dropped).
    """
    forms = number_forms(row)
    headings = [re.sub(r"\s*\(p\. \d+\)\s*$", "", h).strip() for h in row.get("locator", "").split("›")[1:]]
    start = 0
    for heading in headings:
        at = text.find("\n" + heading.split(";")[0].strip(), start)
        if at >= 0:
            start = at
    found = []
    offset = 0
    for clause in clauses(text):
        offset = text.find(clause, offset)
        for form in forms:
            if re.search(rf"(?<![\w.,]){re.escape(form)}(?![\w]|[.,]\d)", clause, flags=re.IGNORECASE):
                found.append(Candidate(clause, form, start > 0 and 0 <= offset - start < NEAR_CHARACTERS))
                break
    return sorted(found, key=lambda c: (not c.near_locator, len(c.clause)))


def propose(ids: Sequence[str] = (), repo: Path = REPO, limit: int = 4) -> str:
    """Candidates for each non-derived row that names a primary file and has no quote (or the ids given)."""
    sources = shared_sources(repo)
    out = []
    for _, row in read_rows(repo / "data" / "figures.csv"):
        files = files_named(row["locator"])
        wanted = row["id"] in ids if ids else (not row.get("quote") and row["derived"] != "true")
        if not files or not wanted:
            continue
        text = (sources / files[0]).read_text(encoding="utf-8")
        out.append(
            f"{row['id']}  [{row['qualifier']} {row['value'] or ''}{row['lower'] or ''}"
            f"{'–' + row['upper'] if row['upper'] else ''} {row['unit']}]  {row['locator']}"
        )
        found = candidates(row, text)
        out += [f"    {'*' if c.near_locator else ' '} ({c.form}) {c.clause[:300]}" for c in found[:limit]]
        if not found:
            out.append("    (no clause contains the number or its words)")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m phb.data.quotes propose [ID ...]`` prints candidates; ``check`` checks every quote."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("propose", "check"):
        print("usage: python -m phb.data.quotes propose [ID ...] | check", file=sys.stderr)
        return 2
    sources = shared_sources()
    if not sources.is_dir():
        print(f"no primary sources at {sources}", file=sys.stderr)
        return 1
    if args[0] == "propose":
        print(propose(args[1:]))
        return 0
    problems = missing_quotes(read_rows(REPO / "data" / "figures.csv"), sources)
    for problem in problems:
        print(problem)
    print(
        f"{'FAILED' if problems else 'OK'}: {len(problems)} quote(s) not found in {sources}",
        file=sys.stderr if problems else sys.stdout,
    )
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
