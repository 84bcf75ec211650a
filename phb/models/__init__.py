"""The book's models: pure, typed, vectorised, with no Altair. They return numbers, never sentences
(:mod:`phb.prose` words them for the chapters); impossible input raises ``ValueError`` naming the
parameter and its range.

``uptake`` (who would take a budget and what it costs; growth of the national counts),
``inequality`` (who benefits: concentration indices, advocacy), ``stats`` (confidence intervals and
what a reported bound allows), ``selection`` (self-selected surveys).
"""
