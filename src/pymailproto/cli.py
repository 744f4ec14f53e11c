"""The ``pymailproto`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from pymailproto import __version__, _demo, _serve


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
    serve = commands.add_parser(
        "serve", help="run a local mail server (SMTP, submission, IMAP on one store)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--smtp-port", type=int, default=2525, help="SMTP port (2525)")
    serve.add_argument(
        "--submission-port", type=int, help="also serve submission with STARTTLS + AUTH"
    )
    serve.add_argument("--tls-cert", type=Path, help="certificate chain (PEM) for STARTTLS")
    serve.add_argument("--tls-key", type=Path, help="private key (PEM) for --tls-cert")
    serve.add_argument(
        "--imap-port",
        type=int,
        default=1143,
        help="IMAP port (1143; IMAPS with --tls-cert; 0 picks a free one; -1: no IMAP)",
    )
    serve.add_argument("--maildir", type=Path, help="keep mail in Maildirs under DIR")
    serve.add_argument(
        "--user", action="append", default=[], metavar="NAME:PASSWORD", help="a login (repeat)"
    )
    serve.add_argument("--trace", action="store_true", help="print the SMTP dialogues")
    args = parser.parse_args(argv)
    if args.command == "demo":
        _demo.run()
        return 0
    try:
        users = dict(_serve.parse_user(u) for u in args.user)
    except ValueError as exc:
        parser.error(str(exc))
    config = _serve.ServeConfig(
        host=args.host,
        smtp_port=args.smtp_port,
        submission_port=args.submission_port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        maildir=args.maildir,
        imap_port=None if args.imap_port < 0 else args.imap_port,
        users=users,
        trace=args.trace,
    )
    return _serve.main(config)
