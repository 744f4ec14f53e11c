"""Blocking transports: clients over ordinary sockets, servers serving one client at a time.

The protocol logic is in the sans-IO cores; this package connects sockets, performs TLS and
enforces timeouts.
"""

from __future__ import annotations

from pymailproto._relay import RelayTarget
from pymailproto.sync._imap import IdleSession, IMAPClient
from pymailproto.sync._imap_server import IMAPServer
from pymailproto.sync._relay import RelayHandler
from pymailproto.sync._server import SMTPServer
from pymailproto.sync._smtp import SMTPClient

__all__ = [
    "IMAPClient",
    "IMAPServer",
    "IdleSession",
    "RelayHandler",
    "RelayTarget",
    "SMTPClient",
    "SMTPServer",
]
