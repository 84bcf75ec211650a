"""Markdown for the two data appendices: the data dictionary and the list of sources."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phb.data.problems import DataValidationError
from phb.data.schema import DATA_DIR, read_descriptor
from phb.data.tables import ensure_valid, load

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _md(text: Any) -> str:
    """Make a value safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _constraints(f: dict[str, Any]) -> str:
    """A field's constraints in words for the data dictionary."""
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


def data_dictionary_frames(directory: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """For each table, a DataFrame of its fields: name, type, constraints, description."""
    import pandas as pd

    directory = Path(directory) if directory else DATA_DIR
    descriptor, problems = read_descriptor(directory)
    if descriptor is None:
        raise DataValidationError(problems, directory)
    return {
        res["name"]: pd.DataFrame(
            [
                {
                    "field": f["name"],
                    "type": f.get("type", "string"),
                    "constraints": _constraints(f),
                    "description": f.get("description", ""),
                }
                for f in res["schema"]["fields"]
            ]
        )
        for res in descriptor["resources"]
    }


def data_dictionary(directory: Path | str | None = None) -> str:
    """Markdown describing every table of datapackage.json: description, sources, keys, fields."""
    directory = Path(directory) if directory else DATA_DIR
    ensure_valid(directory)
    descriptor, _ = read_descriptor(directory)
    assert descriptor is not None
    out = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        rows = len(load(res["name"], directory))
        keys = ", ".join(f"`{k}`" for k in schema.get("primaryKey", []))
        fks = "; ".join(
            f"`{','.join(fk['fields'])}` → `{fk['reference']['resource'] or res['name']}."
            f"{','.join(fk['reference']['fields'])}`"
            for fk in schema.get("foreignKeys", [])
        )
        sources = sorted({r for r in load(res["name"], directory)["source_id"]})
        out.append(f"## `{res['name']}`\n")
        # The paragraphs as HTML too (one line each): Sphinx's markup of inline code is five times its text.
        out.append(f"<p>{_html_with_code(res.get('description', ''))}</p>\n")
        where = f"File `data/{res['path']}`: {rows} rows. Primary key {keys}." + (
            f" Foreign keys: {fks}." if fks else ""
        )
        out.append(f"<p>{_html_with_code(where)}</p>\n")
        if res["name"] != "sources":
            cited = ", ".join(f"`{s}`" for s in sources)
            out.append(f"<p>{_html_with_code(f'Sources ({len(sources)}): {cited} (see the Sources appendix).')}</p>\n")
        out.append(fields_table_html(res["name"], schema["fields"]) + "\n")
    return "\n".join(out)


def _html_with_code(text: str) -> str:
    """Plain text, HTML-escaped, with its `backticked` parts as code."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", html.escape(str(text), quote=False))


def fields_table_html(table: str, fields: list[dict[str, Any]]) -> str:
    """A table's fields (name, type, constraints, description) as one line of compact HTML: the
    Markdown table it replaces became about three times its size in the book's HTML (issue 18: every
    page at most 100 KB). One line, so that Markdown keeps it as one HTML block; scrolled sideways in
    its own focusable region on a narrow screen, like the book's other tables."""
    rows = "".join(
        f"<tr><td><code>{html.escape(f['name'])}</code></td><td>{html.escape(f.get('type', 'string'))}</td>"
        f"<td>{_html_with_code(_constraints(f))}</td><td>{_html_with_code(f.get('description', ''))}</td></tr>"
        for f in fields
    )
    return (
        f'<div class="phb-table" tabindex="0" role="region" aria-label="Fields of the table {html.escape(table)}">'
        '<table class="table"><thead><tr><th>field</th><th>type</th><th>constraints</th><th>description</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></div>"
    )


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
            nature = rec["nature"] + (
                " (secondary)" if rec["secondary"] and rec["nature"] != "secondary summary" else ""
            )
            n = counts.get(rec["source_id"], 0)
            out.append(
                f"- {' '.join(bits)} [{label}]. *{nature.capitalize()}*; {n} figure{'s' if n != 1 else ''}. "
                f"Who wrote it: {_md(rec['standpoint'])} "
                f"Can support: {_md(rec['supports'])} Cannot support: {_md(rec['cannot_support'])}"
            )
        out.append("")
    return "\n".join(out)
