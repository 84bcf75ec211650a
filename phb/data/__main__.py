"""``python -m phb.data``: see :mod:`phb.data.cli`."""

import sys

from phb.data.cli import main

sys.exit(main())
