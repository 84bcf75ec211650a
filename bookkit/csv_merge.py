"""Three-way merge of a CSV table by key and cell, for the tables in data/ that several branches edit.

Git merges text line by line, so a branch that adds a column to ``figures.csv`` changes every line and
conflicts with any branch that edited any row. Merging by cell instead, each row found by its key,
only a cell both sides changed differently conflicts.

As a git merge driver (``%O`` base, ``%A`` ours, written in place, ``%B`` theirs)::

    git config merge.csvcells.name "CSV three-way merge by key and cell"
    git config merge.csvcells.driver ".venv/bin/python -m bookkit.csv_merge %O %A %B"
    echo "data/*.csv merge=csvcells" >> .git/info/attributes

or by hand: ``python -m bookkit.csv_merge BASE OURS THEIRS [--key id] [--out FILE]``. Exit 0 when merged;
1 with each conflict on stderr (the file then keeps our value in each conflicting cell).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

Table = tuple[list[str], dict[str, dict[str, str]], list[str]]
"""A CSV as (columns, rows by key, keys in file order)."""


def read_table(text: str, key: str) -> Table:
    """Parse CSV text into columns, rows by ``key`` and the keys' order. An empty text is an empty table."""
    reader = csv.DictReader(io.StringIO(text))
    rows = {row[key]: row for row in reader} if text.strip() else {}
    return list(reader.fieldnames or []), rows, list(rows)


def _merged_columns(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """Our columns in our order, less those theirs removed, plus those theirs added (in their place)."""
    columns = [c for c in ours if c in theirs or c not in base]
    for i, c in enumerate(theirs):
        if c not in columns and c not in base:
            _insert_after_predecessor(columns, theirs[:i], c)
    return columns


def _insert_after_predecessor(items: list[str], before: list[str], item: str) -> None:
    """Insert ``item`` after the last of ``before`` that is in ``items`` (at the start if none is)."""
    placed = [x for x in before if x in items]
    items.insert(items.index(placed[-1]) + 1 if placed else 0, item)


def _merged_order(ours: list[str], theirs: list[str], kept: set[str]) -> list[str]:
    """Our row order; rows only theirs added go after the row before them in theirs."""
    order = [k for k in ours if k in kept]
    for i, k in enumerate(theirs):
        if k in kept and k not in order:
            _insert_after_predecessor(order, theirs[:i], k)
    return order


def merge(base_text: str, ours_text: str, theirs_text: str, key: str = "id") -> tuple[str, list[str]]:
    """The merged CSV text and the conflicts (a cell both sides changed to different values).

    A missing cell counts as empty, so a column one side added merges with the other side's edits.
    A row one side deleted stays deleted if the other side left it unchanged; otherwise it is kept
    and reported.
    """
    b_cols, base, b_order = read_table(base_text, key)
    o_cols, ours, o_order = read_table(ours_text, key)
    t_cols, theirs, t_order = read_table(theirs_text, key)
    columns = _merged_columns(b_cols, o_cols, t_cols)
    conflicts: list[str] = []
    merged: dict[str, dict[str, str]] = {}
    for k in dict.fromkeys(o_order + t_order + b_order):
        b, o, t = base.get(k), ours.get(k), theirs.get(k)
        if o is None or t is None:
            survivor = o if t is None else t
            if b is None:
                merged[k] = survivor or {}
            elif survivor is not None and any(survivor.get(c, "") != b.get(c, "") for c in columns):
                conflicts.append(f"{key} {k}: deleted on one side, changed on the other (kept)")
                merged[k] = survivor
            continue
        row = {}
        for c in columns:
            bv, ov, tv = (b or {}).get(c, ""), o.get(c, ""), t.get(c, "")
            if ov == tv or tv == bv:
                row[c] = ov
            elif ov == bv:
                row[c] = tv
            else:
                row[c] = ov
                conflicts.append(f"{key} {k}, column {c}: ours {ov!r}, theirs {tv!r}, base {bv!r}")
        merged[k] = row
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for k in _merged_order(o_order, t_order, set(merged)):
        writer.writerow({c: merged[k].get(c, "") for c in columns})
    return out.getvalue(), conflicts


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bookkit.csv_merge BASE OURS THEIRS [--key id] [--out FILE]``: OURS is rewritten unless --out."""
    args = list(sys.argv[1:] if argv is None else argv)
    key, out = "id", None
    for flag in ("--key", "--out"):
        if flag in args:
            i = args.index(flag)
            if i + 1 >= len(args):
                print(f"{flag} needs a value", file=sys.stderr)
                return 2
            value = args[i + 1]
            del args[i : i + 2]
            key, out = (value, out) if flag == "--key" else (key, value)
    if len(args) != 3:
        print("usage: python -m bookkit.csv_merge BASE OURS THEIRS [--key id] [--out FILE]", file=sys.stderr)
        return 2
    base, ours, theirs = (Path(a).read_text(encoding="utf-8") if Path(a).is_file() else "" for a in args)
    for name, text in zip(args, (base, ours, theirs)):
        keys = [row.get(key) for row in csv.DictReader(io.StringIO(text))]
        if text.strip() and (None in keys or len(set(keys)) != len(keys)):
            print(f"{name}: not keyed by a unique column {key!r}; merge it line by line instead", file=sys.stderr)
            return 2
    text, conflicts = merge(base, ours, theirs, key)
    Path(out or args[1]).write_text(text, encoding="utf-8")
    for conflict in conflicts:
        print(f"{args[1]}: {conflict}", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
