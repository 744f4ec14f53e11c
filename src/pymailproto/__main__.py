"""``python -m pymailproto``: the same as the ``pymailproto`` command."""

from __future__ import annotations

import sys

from pymailproto.cli import main

if __name__ == "__main__":
    sys.exit(main())
