"""The ``pymailproto`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pymailproto import __version__, _demo


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pymailproto`` console script and ``python -m pymailproto``."""
    parser = argparse.ArgumentParser(
        prog="pymailproto", description="Sans-IO SMTP, LMTP, IMAP and POP3."
    )
    parser.add_argument("--version", action="version", version=f"pymailproto {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "demo",
        help="run an SMTP conversation between our client and server in memory and print it",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        _demo.run()
    return 0
