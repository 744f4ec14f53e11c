"""What the IMAP framer hands out: complete messages, literal announcements and chunks, refusals.

See :mod:`pymailproto.imap._framing` for how IMAP framing works. Every event is a frozen,
slotted dataclass; :data:`NEED_DATA` is the sentinel returned when more bytes are needed.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from pymailproto.errors import LocalProtocolError

__all__ = [
    "NEED_DATA",
    "EndOfInput",
    "FramingEvent",
    "LiteralAnnounced",
    "LiteralChunk",
    "LiteralSpan",
    "LiteralStreamed",
    "Message",
    "MessageRejected",
    "Rejection",
    "tag_of",
]

# RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR = ATOM-CHAR / resp-specials;
# ATOM-CHAR = <any CHAR except atom-specials>; atom-specials = "(" / ")" / "{" / SP / CTL /
# list-wildcards / quoted-specials / resp-specials. So: 7-bit, printable, none of ( ) { % * " \ +
# ("]" is allowed again). Both a command and a tagged response continue with SP after the tag.
_TAG = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\+]+(?= )')


def tag_of(data: bytes | bytearray, endpos: int | None = None) -> str | None:
    """The tag ``data`` starts with, or ``None`` (``*``, ``+``, or no valid tag before SP).

    ``endpos`` limits how far to look (a tag needs its SP before it).
    """
    match = _TAG.match(data, 0, len(data) if endpos is None else endpos)
    return None if match is None else match.group().decode("ascii")


class _Sentinel(type):
    def __repr__(cls) -> str:
        return cls.__name__


class NEED_DATA(metaclass=_Sentinel):
    """Returned by ``next_event()`` when more bytes must be received first."""


class FramingEvent:
    """Base class of everything a framer's ``next_event()`` returns besides NEED_DATA."""

    __slots__ = ()


def _check_tag(tag: str | None) -> None:
    if tag is not None and tag_of(tag.encode("utf-8", "replace") + b" ") != tag:
        raise LocalProtocolError(f"invalid IMAP tag: {tag!r}")


@dataclass(frozen=True, slots=True)
class LiteralSpan:
    """Where one literal sits in a :class:`Message` (RFC 9051 §4.3, §9 literal / literal8).

    ``offset`` is the index in :attr:`Message.data` right after the ``{n}`` CRLF that
    announces the literal. Its ``length`` octets follow there -- unless ``streamed``: then
    they were handed out as :class:`LiteralChunk` events and occupy *no* room in ``data``
    (the text after the literal continues at ``offset``).
    """

    offset: int
    length: int
    #: ``{n}`` (True) or the LITERAL+/LITERAL- form ``{n+}`` (False, RFC 7888 §3).
    synchronizing: bool = True
    #: ``~{n}``: a literal8, which may contain NUL (RFC 9051 §9; RFC 7888 §6 for ``~{n+}``).
    binary: bool = False
    streamed: bool = False

    def __post_init__(self) -> None:
        if self.offset < 0 or self.length < 0:
            raise LocalProtocolError("a literal's offset and length cannot be negative")

    @property
    def end(self) -> int:
        """Index in :attr:`Message.data` where the text after the literal resumes."""
        return self.offset if self.streamed else self.offset + self.length


@dataclass(frozen=True, slots=True)
class Message(FramingEvent):
    """One complete command (server side) or response (client side), final CRLF included.

    ``data`` is the message exactly as it came over the wire, literals inline, except for
    streamed literals, whose octets are left out (see :class:`LiteralSpan`). A grammar parser
    reads ``data`` in one pass; when it reaches a literal announcement ending at ``offset``
    it takes the literal from ``literals`` instead of parsing its octets.
    """

    data: bytes
    literals: tuple[LiteralSpan, ...] = ()

    def __post_init__(self) -> None:
        if not self.data.endswith(b"\r\n"):
            raise LocalProtocolError("a message ends with CRLF")
        position = 0
        for span in self.literals:
            if span.offset < position or span.end > len(self.data) - 2:
                raise LocalProtocolError("literal spans must be in order and inside the data")
            position = span.end

    @property
    def tag(self) -> str | None:
        """The tag the message starts with; ``None`` for ``*`` and ``+`` lines."""
        return tag_of(self.data)

    @property
    def is_continuation_request(self) -> bool:
        """True for a server's ``+`` line (RFC 9051 §7.6: continue-req = "+" SP ...)."""
        return self.data.startswith(b"+")

    def literal(self, index: int) -> bytes:
        """The octets of literal ``index``; a streamed literal has none here."""
        span = self.literals[index]
        if span.streamed:
            raise LocalProtocolError("a streamed literal's octets went out as LiteralChunk events")
        return self.data[span.offset : span.offset + span.length]


@dataclass(frozen=True, slots=True)
class LiteralAnnounced(FramingEvent):
    """Server side: a client announced a synchronizing literal and waits (RFC 9051 §4.3, §7.6).

    The client sends nothing more of the command until the server answers. Call
    ``accept_literal()`` and send a continuation request (``+ ...``), or ``refuse_literal()``
    and answer the tag with ``BAD`` or ``NO``: the client then does not send the literal and
    the command is over (RFC 9051 §2.2.1, note). ``prefix`` is the command so far, up to and
    including the announcing ``{n}`` CRLF, so the server can check it line by line first.
    """

    tag: str | None
    length: int
    binary: bool
    prefix: bytes
    #: The literal's position among the message's literals (0 for the first).
    index: int

    def __post_init__(self) -> None:
        _check_tag(self.tag)
        if self.length < 0 or self.index < 0:
            raise LocalProtocolError("a literal's length and index cannot be negative")


@dataclass(frozen=True, slots=True)
class LiteralStreamed(FramingEvent):
    """A literal's octets follow as :class:`LiteralChunk` events instead of joining the message.

    ``prefix`` is the message so far (what ``Message.data`` will start with), so the
    receiver knows what the octets are -- which APPEND mailbox, which FETCH item -- before
    they arrive. Chunks follow until one has ``last`` set; the :class:`Message` (with this
    literal's span marked ``streamed``) comes when the rest of the message is in.
    """

    tag: str | None
    literal: LiteralSpan
    prefix: bytes

    def __post_init__(self) -> None:
        _check_tag(self.tag)
        if not self.literal.streamed:
            raise LocalProtocolError("LiteralStreamed describes a streamed literal")


@dataclass(frozen=True, slots=True)
class LiteralChunk(FramingEvent):
    """The next octets of a streamed literal; ``last`` is set on the chunk that completes it."""

    data: bytes
    last: bool = False


class Rejection(enum.Enum):
    """Why a message was refused; the value is a text fit for a ``BAD``/``NO`` response."""

    LINE_TOO_LONG = "Command line too long"
    MESSAGE_TOO_LARGE = "Message too large"
    LITERAL_TOO_LARGE = "Literal too large"
    #: RFC 7888 §5 (LITERAL-) and RFC 9051 §4.3: a ``{n+}`` literal over 4096 octets. A BAD
    #: answer to APPEND MUST carry the TOOBIG response code.
    NONSYNC_LITERAL_TOO_LARGE = "Non-synchronizing literal too large"
    TOO_MANY_LITERALS = "Too many literals in one command"
    #: RFC 9051 §9 note 3: NUL is only allowed inside a literal8.
    NUL = "NUL octet outside a literal8"
    #: RFC 9051 §9: number64 is at most 9,223,372,036,854,775,807.
    INVALID_LITERAL_LENGTH = "Literal length out of range"


@dataclass(frozen=True, slots=True)
class MessageRejected(FramingEvent):
    """A message broke a limit or the framing rules; its remaining octets are being skipped.

    Reported as soon as it is known -- a server answers the tag with ``BAD`` (or ``NO``
    ``[TOOBIG]``) at once, which also stops a client waiting to send a synchronizing literal.
    Framing resumes after the message's end, found without storing it: literal octets in the
    skipped part are never taken for commands or responses. Chunks already handed out for a
    streamed literal of this message must be thrown away.
    """

    tag: str | None
    reason: Rejection

    def __post_init__(self) -> None:
        _check_tag(self.tag)
        if not isinstance(self.reason, Rejection):
            raise LocalProtocolError("MessageRejected.reason must be a Rejection")


@dataclass(frozen=True, slots=True)
class EndOfInput(FramingEvent):
    """The peer closed the connection; ``incomplete`` if it left a message unfinished."""

    incomplete: bool = False
