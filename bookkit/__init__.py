"""The book's own machinery: build steps and maintenance tools that readers and students never import.

``phb`` and ``widgets`` are shipped to students with the notebooks; this package is not. It holds
:mod:`bookkit.figures` (figures named once in the prose, and the tools that convert, sync and check
those names) and :mod:`bookkit.sphinx_ext` (the Sphinx extension that shows each figure's source in
the page and builds the figures index).
"""
