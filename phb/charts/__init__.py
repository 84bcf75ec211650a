"""Charts and reader-facing tables, one module per topic, all drawn through :mod:`phb.charts.theme`.

``theme`` (the one theme, the renderer, ``describe``/``show``/``table``); ``common`` (what the topic
modules share); by topic: ``timeline`` (chapter 1), ``social_care`` (2), ``confederation`` (3),
``study2011`` (4), ``conflicts`` (4 and 5), ``outcomes`` (5), ``uptake`` (6 and 7), ``inequality``
(8), ``stats`` (9). Numbers come from :mod:`phb.data` and :mod:`phb.models`; nothing here computes
a result the prose quotes.
"""
