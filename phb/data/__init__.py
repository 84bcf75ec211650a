"""The book's data layer: validated tables with provenance, and figures for prose.

Every number in the book comes from ``data/*.csv``, described by the Frictionless Data Package
``data/datapackage.json`` (the one source of truth for the schema). This is where the flow
data -> models -> charts -> widgets -> chapters starts.

Modules
-------
:mod:`~phb.data.tables`
    ``load(name)``: a typed DataFrame of one table, after the WHOLE package has been validated (once
    per process and per state of the files); ``table_names()``.
:mod:`~phb.data.figures`
    ``figure(id)``: a :class:`~phb.data.figures.Figure` with value, unit, qualifier, bounds, citation
    and ``.text`` for prose; ``figure_ids()``.
:mod:`~phb.data.qualifiers`
    The one vocabulary of qualifiers ("more than", "about", "up to", a range).
:mod:`~phb.data.uptake`
    The uptake facts read once: the national series of budget holders, the targets, and the dates
    they are counted on.
:mod:`~phb.data.schema`, :mod:`~phb.data.checks`, :mod:`~phb.data.problems`
    ``validate(directory)``: every :class:`~phb.data.problems.Problem` in a data directory (schema,
    files, types, keys, then the hand checks).
:mod:`~phb.data.appendices`
    ``data_dictionary()`` / ``sources_markdown()``: Markdown for the two appendices.
:mod:`~phb.data.quotes`
    Checks that each figure's quote occurs in its source file.
``python -m phb.data validate [DIR] [--bibliography FILE]`` (:mod:`~phb.data.cli`)
    Command line check: exit 0 with a one-line summary, or 1 with every problem (``--help`` for more).

The two readers researchers use most are also importable from here: ``from phb.data import load,
figure``. Importing the package is cheap: pandas and frictionless are imported only when needed.
"""

from phb.data.figures import Figure, figure, figure_ids
from phb.data.problems import DataValidationError, Problem
from phb.data.schema import DATA_DIR, validate
from phb.data.tables import load, table_names

__all__ = [
    "DATA_DIR",
    "DataValidationError",
    "Figure",
    "Problem",
    "figure",
    "figure_ids",
    "load",
    "table_names",
    "validate",
]
