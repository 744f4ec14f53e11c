"""The exceptions every protocol core raises.

There are two ways a conversation can go wrong, and they call for different reactions:

* :class:`LocalProtocolError` -- *you* did something the protocol forbids: sent a command in the
  wrong state, built an impossible value, asked for a reply before feeding data. It is a bug in
  the calling code; fix the caller.
* :class:`RemoteProtocolError` -- the *peer* did: sent a malformed line, an out-of-order command,
  more data than a limit allows. A server-side core attaches the reply the protocol prescribes
  (:attr:`RemoteProtocolError.reply`); send it and the conversation can usually go on.

Both derive from :class:`ProtocolError`, which is never raised on its own.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LocalProtocolError", "ProtocolError", "RemoteProtocolError"]


class ProtocolError(Exception):
    """Base class of the protocol errors; catch it, never raise it directly."""

    def __init__(self, message: str) -> None:
        if type(self) is ProtocolError:
            raise TypeError("raise LocalProtocolError or RemoteProtocolError, not ProtocolError")
        super().__init__(message)
        self.message = message


class LocalProtocolError(ProtocolError):
    """The calling code broke the protocol or misused the API."""


class RemoteProtocolError(ProtocolError):
    """The peer broke the protocol.

    ``reply`` is the protocol unit a server should answer with (for SMTP a
    :class:`pymailproto.smtp.Reply`), or ``None`` when the only right reaction is to close the
    connection. ``fatal`` says the connection cannot go on after the reply is sent.
    """

    def __init__(self, message: str, reply: Any = None, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.reply = reply
        self.fatal = fatal
