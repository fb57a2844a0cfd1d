"""``python -m scorekit``: the ``scorekit`` command, for when its script is not on ``PATH``.

It runs exactly what the console script runs (`scorekit.cli.main`) and exits with its status.
"""

from __future__ import annotations

import sys

from scorekit.cli import main

if __name__ == "__main__":
    sys.exit(main())
