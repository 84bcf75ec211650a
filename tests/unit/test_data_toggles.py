"""The charts' data toggles in the published book (bookkit.data_toggles): the CSV as a same-host file."""

from __future__ import annotations

import urllib.parse

import pandas as pd

from bookkit.data_toggles import csv_file_name, lighten
from phb.charts.theme import data_table_html

FRAME = pd.DataFrame({"measure": ["Eligible", "Holds a budget, of those"], "value": [2000, 202]})


def link_to(name: str) -> str:
    return f"../_static/phb-data/{name}"


def test_the_csv_becomes_a_file_with_the_same_content_and_the_table_stays():
    toggle = data_table_html(FRAME, "From eligible to holding a budget")
    page, files = lighten(toggle, link_to)
    [(name, csv)] = files.items()
    assert csv == FRAME.to_csv(index=False)
    assert "data:text/csv" not in page and f'href="../_static/phb-data/{name}"' in page
    assert 'download="from-eligible-to-holding-a-budget.csv"' in page, "saved under its readable name"
    assert "<td>Holds a budget, of those</td>" in page and "<caption>" in page, "the table is still in the page"
    assert len(page) < len(toggle)


def test_a_changed_table_gets_a_new_file_name():
    csv = FRAME.to_csv(index=False)
    assert csv_file_name("a.csv", csv) == csv_file_name("a.csv", csv)
    assert csv_file_name("a.csv", csv) != csv_file_name("a.csv", csv.replace("202", "203"))
    assert csv_file_name("from-x.csv", csv).startswith("from-x-") and csv_file_name("a.csv", csv).endswith(".csv")


def test_only_whitespace_between_table_tags_goes_and_preformatted_text_is_left_alone():
    table = "<table>\n  <tr>\n    <td>a b</td>\n  </tr>\n</table>"
    assert lighten(table, link_to)[0] == "<table><tr><td>a b</td></tr></table>"
    pre = "<pre>x\n  y</pre><table>\n <tr></tr></table>"
    assert lighten(pre, link_to)[0] == pre


def test_a_file_reference_gets_the_pages_relative_url():
    page, files = lighten('<script src="phb-data:chart-1.js"></script>', link_to)
    assert page == '<script src="../_static/phb-data/chart-1.js"></script>' and files == {}


def test_a_csv_with_any_characters_comes_back_whole():
    odd = 'name,text\n"a, b","quote "" and % and é"\n'
    html = f'<a download="x.csv" href="data:text/csv;charset=utf-8,{urllib.parse.quote(odd)}">CSV</a>'
    _, files = lighten(html, link_to)
    assert list(files.values()) == [odd]


def test_only_pandas_line_breaks_between_table_tags_go() -> None:
    """Indentation on its own lines goes; a space between two inline tags in a cell shows, so it stays."""
    table = "<table>\n  <tr>\n    <td><code>a</code> <code>b</code></td>\n  </tr>\n</table>"
    assert lighten(table, lambda name: name)[0] == "<table><tr><td><code>a</code> <code>b</code></td></tr></table>"
