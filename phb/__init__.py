"""The book's domain package: data -> models -> charts (then ``widgets/`` -> ``chapters/``).

Data flows one way; nothing here imports from a later stage.

``phb.data``
    The validated data package (``data/*.csv``): ``load(name)``, ``figure(id)``, the qualifier
    vocabulary, the uptake facts (series, targets, dates), validation and the data command line.
``phb.models``
    Pure, vectorised models with no Altair: ``uptake``, ``inequality``, ``stats``, ``selection``.
    They return numbers; ``phb.prose`` formats the numbers the chapters' prose quotes.
``phb.parameters``
    The explorer chapters' papermill parameters, declared once (type, default, range, help).
``phb.charts``
    ``theme`` (the one theme, renderer, ``describe``/``show``/``table``) and one module per topic:
    ``timeline``, ``social_care``, ``confederation``, ``study2011``, ``conflicts``, ``outcomes``,
    ``uptake``, ``inequality``, ``stats``.
``phb.twin``
    Kernel-free twins: model outputs precomputed on a grid and bound to Vega-Lite sliders.
``phb.book``
    Glue helpers for values the chapters compute.
"""
