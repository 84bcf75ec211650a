"""A workshop room on JupyterHub: the trainer's launcher, its configuration, the simulated class.

Not part of the book's domain code (``phb``, shipped to students): this folder is machinery a trainer
runs on the room's machine. ``make hub`` / ``make hub-stop`` call :mod:`hub.room`; ``make hub-load``
calls :mod:`hub.load`; the fault tests are in ``tests/hub``. See guides/hub.md.
"""

#: The comment (GECOS field) on every participant's system user: how the room knows its own accounts.
PARTICIPANT_COMMENT = "workshop participant"
