"""Untagged responses about messages: EXPUNGE, VANISHED and FETCH (RFC 9051 §7.5, RFC 7162).

RFC 9051 §9 and RFC 7162 §7::

    message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
    expunged-resp   = "VANISHED" [SP "(EARLIER)"] SP known-uids
    message-data    =/ expunged-resp

A :class:`FetchResponse` is the message's sequence number and its attributes, a
:class:`~pymailproto.imap._msg_att.FetchData` (typed values by item; see
:mod:`pymailproto.imap._msg_att`, which also says how a bad item is kept without costing the
rest of the response).

Streamed literals. A ``ResponseParser`` with a ``stream_threshold`` hands the octets of a big
literal (``BODY[]`` of a large message) out as they arrive, as
:class:`~pymailproto.imap.LiteralStreamed` and :class:`~pymailproto.imap.LiteralChunk` events,
before the response they belong to is complete. The typed response that follows holds a
:class:`StreamedLiteral` where the literal's octets would be: an empty ``bytes`` (so every
reader of the grammar takes it like any other string) that remembers the literal's
:class:`~pymailproto.imap.LiteralSpan`. Its octets are not there, so a response holding one
cannot be serialized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._framing_events import LiteralSpan
from pymailproto.imap._msg_att import FetchData, FetchKey, write_msg_att
from pymailproto.imap._response_base import Response
from pymailproto.imap._values import Writer, check_nz_number
from pymailproto.imap._vanished import Vanished, write_vanished

__all__ = [
    "ExpungeResponse",
    "FetchResponse",
    "StreamedLiteral",
    "VanishedResponse",
]


class StreamedLiteral(bytes):
    """Stands for a literal whose octets went out as ``LiteralChunk`` events (see the module
    docstring): empty bytes, with the literal's ``span`` (its length, whether it is a
    literal8). Two placeholders are equal when their spans are."""

    span: LiteralSpan

    def __new__(cls, span: LiteralSpan) -> StreamedLiteral:
        if not isinstance(span, LiteralSpan) or not span.streamed:
            raise IMAPValueError(f"a StreamedLiteral stands for a streamed LiteralSpan: {span!r}")
        value = super().__new__(cls)
        value.span = span
        return value

    @property
    def length(self) -> int:
        """The number of octets the literal had."""
        return self.span.length

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StreamedLiteral):
            return self.span == other.span
        return False

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.span)

    def __repr__(self) -> str:
        return f"StreamedLiteral(length={self.span.length})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (StreamedLiteral, (self.span,))


@dataclass(frozen=True, slots=True)
class ExpungeResponse(Response):
    """``* 3 EXPUNGE`` (RFC 9051 §7.5.1): message ``number`` was removed; the numbers of the
    messages after it go down by one."""

    number: int

    def __post_init__(self) -> None:
        check_nz_number(self.number)

    def write(self, writer: Writer) -> None:
        """``*`` SP nz-number SP ``EXPUNGE`` CRLF."""
        writer.raw(b"* %d EXPUNGE\r\n" % self.number)


class VanishedResponse(Response, Vanished):
    """``* VANISHED (EARLIER) 300:310,405,411`` (RFC 7162 §3.2.10): UIDs expunged; see
    :class:`pymailproto.imap._vanished.Vanished` (``uids``, ``earlier``)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* VANISHED`` SP [``(EARLIER)`` SP] known-uids CRLF."""
        writer.raw(b"* VANISHED ")
        write_vanished(writer, self)
        writer.crlf()


@dataclass(frozen=True, slots=True, init=False)
class FetchResponse(Response):
    """``* 12 FETCH (FLAGS (\\Seen) UID 4827313)`` (RFC 9051 §7.5.2)::

        FetchResponse(12, {"UID": 4827313, "FLAGS": (Flag.SEEN,)})

    ``number`` is the message sequence number, ``data`` its attributes (a mapping is turned
    into :class:`~pymailproto.imap._msg_att.FetchData`, which validates every item).
    """

    number: int
    data: FetchData

    def __init__(self, number: int, data: FetchData | Mapping[Any, object]) -> None:
        check_nz_number(number)
        if not isinstance(data, FetchData):
            data = FetchData(data)
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "data", data)

    @property
    def uid(self) -> int | None:
        """The UID item, if the response has one."""
        return self.data.uid

    def __getitem__(self, key: FetchKey) -> object:
        return self.data[key]

    def write(self, writer: Writer) -> None:
        """``*`` SP nz-number SP ``FETCH`` SP msg-att CRLF."""
        for value in self.data.values():
            if isinstance(value, StreamedLiteral):
                raise IMAPValueError("a FETCH response with a streamed literal has no octets")
        writer.raw(b"* %d FETCH " % self.number)
        write_msg_att(writer, self.data)
        writer.crlf()
