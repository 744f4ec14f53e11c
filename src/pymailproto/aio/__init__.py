"""asyncio transports: the same clients as :mod:`pymailproto.sync`, awaited, and servers.

The protocol logic is in the sans-IO cores; this package only awaits reads and writes,
performs TLS and enforces timeouts.
"""

from __future__ import annotations

from pymailproto._relay import RelayTarget
from pymailproto.aio._imap import IdleSession, IMAPClient
from pymailproto.aio._imap_server import IMAPServer
from pymailproto.aio._relay import RelayHandler
from pymailproto.aio._server import SMTPServer
from pymailproto.aio._smtp import SMTPClient

__all__ = [
    "IMAPClient",
    "IMAPServer",
    "IdleSession",
    "RelayHandler",
    "RelayTarget",
    "SMTPClient",
    "SMTPServer",
]
