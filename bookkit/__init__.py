"""The book's own machinery: how the book is built, printed and packed, kept apart from ``phb``.

``phb`` is the domain package (data, models, charts) that chapters import and the workshop kit ships
to students; nothing here is shipped with it.
"""
