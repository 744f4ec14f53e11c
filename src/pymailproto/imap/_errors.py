"""The two IMAP-specific exceptions of the codec.

* :class:`IMAPParseError` -- the peer sent bytes that do not follow the grammar. It is a
  :class:`~pymailproto.errors.RemoteProtocolError` that also says *where* (``offset``, the byte
  offset into the message being parsed) and, when the tag was already read, *which command*
  (``tag``), so a server can answer ``tag BAD ...`` and a client can fail the right command.
* :class:`IMAPValueError` -- the calling code tried to build a value that has no valid wire form
  (an atom with a space, a quoted string with a CR, a flag with a NUL). It is both a
  :class:`~pymailproto.errors.LocalProtocolError`, like SMTP's ``Reply`` raises, and a
  :class:`ValueError`, like SMTP's ``AddressError``, so either ``except`` catches it.
"""

from __future__ import annotations

from typing import Any

from pymailproto.errors import LocalProtocolError, RemoteProtocolError

__all__ = ["IMAPParseError", "IMAPValueError"]


class IMAPParseError(RemoteProtocolError):
    """Malformed IMAP from the peer.

    ``offset`` is the byte offset into the message (the complete command or response, literals
    included) where parsing failed; ``tag`` is the command tag if it had been read, else None.
    """

    def __init__(
        self,
        message: str,
        *,
        offset: int,
        tag: str | None = None,
        reply: Any = None,
        fatal: bool = False,
    ) -> None:
        super().__init__(message, reply, fatal=fatal)
        self.offset = offset
        self.tag = tag


class IMAPValueError(LocalProtocolError, ValueError):
    """A value the caller built (or asked to serialize) has no valid IMAP wire form."""
