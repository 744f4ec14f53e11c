"""pymailproto: SMTP, LMTP, IMAP and POP3 as sans-IO state machines.

The protocol cores (:mod:`pymailproto.smtp`, ...) turn bytes into typed events and typed
commands or replies into bytes; they never touch a socket, a clock or a thread. Transports move
the bytes. See ``docs/`` for a guided tour.
"""

from __future__ import annotations

from pymailproto._limits import IMAPLimits, SMTPLimits, SMTPTimeouts
from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError, ProtocolError, RemoteProtocolError

__all__ = [
    "IMAPLimits",
    "LocalProtocolError",
    "ProtocolError",
    "RemoteProtocolError",
    "SMTPLimits",
    "SMTPTimeouts",
    "TLSMode",
    "__version__",
]

__version__ = "0.1.0.dev0"
