"""``serialize()``: the complete wire form of any command or response, for tests and logs.

Everything the codec writes goes through a :class:`~pymailproto.imap._values.Writer`, and every
command and response knows how to write itself into one (``write(writer)``: tag or ``*`` or
``+``, the grammar, the final CRLF). So this module only needs that one method -- the
:class:`Writable` protocol -- and works for the command classes and the response classes
alike, and for anything else written the same way.

* :func:`fragments` gives the message as :class:`~pymailproto.imap._values.Fragment`\\ s: a
  :class:`~pymailproto.imap._values.LineFragment` ends after the header of each literal, and a
  client must wait for a continuation request before the octets of a
  :attr:`~pymailproto.imap._values.LiteralMode.SYNC` literal (RFC 9051 §4.3). Connections send
  fragment by fragment.
* :func:`serialize` joins them: the message as one byte string, literals included.

``options`` says what the peer accepts (UTF-8 in quoted strings, which non-synchronizing
literals); it decides the form of each string. A response is always written with synchronizing
literals only, whatever ``options`` says: a server never sends ``{n+}`` (RFC 9051 §4.3).
"""

from __future__ import annotations

from typing import Protocol

from pymailproto.imap._response_base import Response, response_options
from pymailproto.imap._values import Fragment, WireOptions, Writer, join_fragments

__all__ = ["Writable", "fragments", "serialize"]

_DEFAULT_OPTIONS = WireOptions()


class Writable(Protocol):
    """Anything that writes its wire form into a :class:`~pymailproto.imap._values.Writer`:
    every command and every response."""

    def write(self, writer: Writer, /) -> None:
        """Write the complete message (final CRLF included) into ``writer``."""


def fragments(value: Writable, options: WireOptions = _DEFAULT_OPTIONS) -> list[Fragment]:
    """The wire form of ``value`` as fragments (see the module docstring)."""
    write = getattr(value, "write", None)
    if not callable(write):
        raise TypeError(f"cannot serialize {type(value).__name__}: it has no write(writer)")
    if not isinstance(options, WireOptions):
        raise TypeError(f"options must be WireOptions, not {type(options).__name__}")
    writer = Writer(response_options(options) if isinstance(value, Response) else options)
    write(writer)
    return writer.fragments()


def serialize(value: Writable, options: WireOptions = _DEFAULT_OPTIONS) -> bytes:
    """The complete wire form of a command or response, literals included:
    ``serialize(StatusResponse(Condition.OK, "LOGIN completed", tag="a001"))`` is
    ``b"a001 OK LOGIN completed\\r\\n"``."""
    return join_fragments(fragments(value, options))
