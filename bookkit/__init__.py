"""The book's own machinery: build steps and maintenance tools that readers and students never import.

``phb`` and ``widgets`` are shipped to students with the notebooks; this package is not. It holds
:mod:`bookkit.figures` (figures named once in the prose, and the tools that convert, sync and check
those names), :mod:`bookkit.sphinx_ext` (the Sphinx extension that shows each figure's source in the
page and builds the figures index), :mod:`bookkit.prose` (citations, terms and chapter links written as
links that read well in a live notebook), :mod:`bookkit.vega_mime` (charts stored as Vega-Lite specs,
drawn in the book) and :mod:`bookkit.csv_merge` (a cell-wise merge of the data tables).
"""
