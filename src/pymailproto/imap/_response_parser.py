"""ResponseParser: bytes from a server in, typed responses out -- the client's half of the codec.

It joins the two stages of IMAP decoding (see :mod:`._framing`): a
:class:`~._framing.ResponseFramer` cuts the stream into whole responses under the limits, and
the grammar turns each into a :class:`~._response_base.Response`. Usage::

    parser = ResponseParser()
    parser.feed(data)                    # b"" when the server closed the connection
    for event in parser:                 # until more bytes are needed
        if isinstance(event, IMAPParseError):
            ...                          # event.tag: which command it answered, if known
        elif isinstance(event, (LiteralStreamed, LiteralChunk)):
            ...                          # the octets of a big literal, as they arrive
        else:
            ...                          # a Response

What iteration yields
---------------------
* a :class:`~._response_base.Response` -- a complete, typed response: a
  :class:`~._response_base.StatusResponse` (tagged or not), :class:`~._response_base.Greeting`,
  :class:`~._response_base.Bye`, :class:`~._response_base.ContinuationRequest`, a data
  response (:mod:`._responses_data`, :mod:`._responses_message`: ``FetchResponse``,
  ``ListResponse`` ...) or an :class:`~._response_base.UnknownResponse` for an untagged
  response no class models (RFC 9051 §7: a client accepts any response at any time);
* an :class:`~pymailproto.imap.IMAPParseError` -- *yielded, not raised* -- for a response that
  breaks the grammar: ``offset`` is where, in the response's bytes, and ``tag`` the tag of the
  command it completes when it is a tagged response (so a client can fail that command). The
  framer has found where the bad response ends, so parsing goes on with the next one. A
  :class:`ResponseRejected` (a subclass) is a response the framer refused -- a limit or a NUL
  (``reason``) -- and skipped whole; ``fatal`` errors (a literal count the framer cannot
  skip) end the stream: nothing more is parsed;
* :class:`~pymailproto.imap.LiteralStreamed` then :class:`~pymailproto.imap.LiteralChunk`
  events, with a ``stream_threshold``: a literal of that many octets or more is handed out as
  it arrives instead of being held (``prefix``, in LiteralStreamed, is the response so far:
  ``* 12 FETCH (BODY[] {104857600}`` says which message and item). The typed response comes
  when it is complete, with a :class:`~._responses_message.StreamedLiteral` placeholder where
  the octets would be. If that response then breaks the grammar or a limit, the error comes
  instead: discard the chunks.

Nothing else: any bytes at all give only these, never an exception, and memory stays bounded
by the limits (:class:`~pymailproto._limits.IMAPLimits`), which the framer enforces before
any grammar parsing.

Session settings (attributes; set them as the session changes)
---------------------------------------------------------------
``utf8``: the server may send UTF-8 in quoted strings and text, and mailbox names are UTF-8,
not modified UTF-7 -- after ``ENABLE UTF8=ACCEPT`` or ``IMAP4rev2`` (RFC 6855 §3, RFC 9051
§5.1). ``quirks``: the leniencies for real servers (:class:`~._quirks.Quirks`; DEFAULT unless
given; ``Quirks.NONE`` is the strict grammar). ``greeting``: the next response is the
connection's greeting (set when a connection starts, cleared by the first response): then
``* OK`` and ``* BYE`` are a :class:`~._response_base.Greeting`. ``* PREAUTH`` is one anywhere,
being valid nowhere else.

Speed: a FETCH response, by far the most common and the largest, is recognised from its first
octets and read straight into its typed attributes; every other response is dispatched on its
name with one table lookup. No alternative is tried unless the response failed to parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeAlias

from pymailproto._limits import IMAPLimits
from pymailproto.errors import RemoteProtocolError
from pymailproto.imap._codes import CapabilityCode, ResponseCode, UnknownCode, read_resp_text
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._framing import ResponseFramer
from pymailproto.imap._framing_events import (
    NEED_DATA,
    EndOfInput,
    LiteralChunk,
    LiteralSpan,
    LiteralStreamed,
    Message,
    MessageRejected,
    Rejection,
)
from pymailproto.imap._lexer import MAX_NUMBER, Reader
from pymailproto.imap._msg_att import read_msg_att
from pymailproto.imap._quirks import (
    MAX_QUOTE_REPAIRS,
    Quirks,
    repair_spaces,
    repair_status_text,
    repair_unescaped_quote,
)
from pymailproto.imap._response_base import (
    UNKNOWN_HEAD,
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
    UnknownResponse,
)
from pymailproto.imap._responses_data import (
    DATA_READERS,
    ExistsResponse,
    RecentResponse,
    adopt,
)
from pymailproto.imap._responses_message import (
    ExpungeResponse,
    FetchResponse,
    StreamedLiteral,
    VanishedResponse,
)
from pymailproto.imap._vanished import read_vanished

__all__ = ["ParserEvent", "ResponseParser", "ResponseRejected", "parse_response"]

#: What iterating over a :class:`ResponseParser` yields.
ParserEvent: TypeAlias = Response | LiteralStreamed | LiteralChunk | IMAPParseError


class ResponseRejected(IMAPParseError):
    """A response the framer refused and skipped whole: ``reason`` says why (a limit, or a NUL
    outside a literal8). ``offset`` is 0: no grammar was applied."""

    def __init__(self, reason: Rejection, tag: str | None) -> None:
        super().__init__(reason.value, offset=0, tag=tag)
        self.reason = reason


# --- reading one response -------------------------------------------------------------------------

# "* " nz-number " FETCH (": the FETCH fast path (the number's range is checked after).
_FETCH = re.compile(rb"\* ([1-9][0-9]{0,9}) (?:FETCH|fetch|Fetch) \(")
_TEXT = re.compile(rb"[^\r\n\x00]+")
_STATUS = {"OK": Condition.OK, "NO": Condition.NO, "BAD": Condition.BAD}
# Responses with a number first: number SP name.
_NUMBERED = frozenset({"FETCH", "EXPUNGE", "EXISTS", "RECENT"})
_UNTAGGED = frozenset({"OK", "NO", "BAD", "BYE", "PREAUTH", "VANISHED"}) | frozenset(DATA_READERS)
assert UnknownResponse.KNOWN == _NUMBERED | _UNTAGGED
# What a response name read as a keyword starts with; any other name is an unknown response's.
_KEYWORD_START = re.compile(rb"[A-Za-z_.\-]")


class _StreamingReader(Reader):
    """A reader for a response with streamed literals: their octets are not in the buffer,
    so :meth:`_take` gives a placeholder for them (see :class:`StreamedLiteral`)."""

    __slots__ = ("streamed",)

    def __init__(
        self, buf: bytes, *, utf8: bool, max_depth: int, streamed: Mapping[int, LiteralSpan]
    ) -> None:
        Reader.__init__(self, buf, utf8=utf8, nonsync=False, max_depth=max_depth)
        self.streamed = streamed

    def _take(self, start: int, n: int) -> bytes:
        span = self.streamed.get(start)
        if span is None:
            return Reader._take(self, start, n)
        self.pos = start  # the octets went out as chunks: the text goes on right here
        return StreamedLiteral(span)


class _EightBitReader(_StreamingReader):
    """The ``EIGHT_BIT`` quirk's reader: quoted strings may hold any 8-bit octets (kept as
    sent), and text that is not UTF-8 is decoded with U+FFFD for the octets that are not."""

    __slots__ = ()

    def _check_8bit(self, data: bytes, start: int, what: str) -> None:
        """Any 8-bit octets are accepted."""

    def read_text(self) -> str:
        m = _TEXT.match(self.buf, self.pos)
        if m is None:
            raise self.error("text")
        self.pos = m.end()
        return m.group().decode("utf-8", "replace")


def _resp_text(reader: Reader, quirks: Quirks) -> tuple[ResponseCode | None, str]:
    """``SP resp-text`` up to the CRLF; a capability code without the version is the
    grammar's generic code unless ``CAPABILITY_WITHOUT_VERSION``."""
    reader.expect_sp()
    code, text = read_resp_text(reader)
    if (
        isinstance(code, CapabilityCode)
        and not code.has_version
        and Quirks.CAPABILITY_WITHOUT_VERSION not in quirks
    ):
        generic = object.__new__(UnknownCode)
        object.__setattr__(generic, "atom", "CAPABILITY")
        object.__setattr__(
            generic, "text", " ".join(capability.name for capability in code.capabilities)
        )
        code = generic
    return code, text


def _new_status(
    condition: Condition, code: ResponseCode | None, text: str, tag: str | None
) -> Response:
    response = object.__new__(StatusResponse)
    object.__setattr__(response, "condition", condition)
    object.__setattr__(response, "text", text)
    object.__setattr__(response, "code", code)
    object.__setattr__(response, "tag", tag)
    return response


def _new(cls: type[Response], **fields: object) -> Response:
    response = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(response, name, value)
    return response


def _read_untagged(reader: Reader, utf8: bool, quirks: Quirks, greeting: bool) -> Response:
    """``"*" SP`` and the rest; the reader is after the ``*`` SP."""
    buf = reader.buf
    pos = reader.pos
    if pos < reader.end and 0x30 <= buf[pos] <= 0x39:
        number = reader.read_number()
        reader.expect_sp()
        name_pos = reader.pos
        if _KEYWORD_START.match(buf, name_pos) is None:
            return _unknown(reader, name_pos)
        name = reader.read_keyword()
        if name == "FETCH":
            if not number:
                raise reader.error("nz-number (message sequence numbers start at 1)", pos)
            reader.expect_sp()
            return _new(FetchResponse, number=number, data=read_msg_att(reader))
        if name == "EXPUNGE":
            if not number:
                raise reader.error("nz-number (message sequence numbers start at 1)", pos)
            return _new(ExpungeResponse, number=number)
        if name == "EXISTS":
            return _new(ExistsResponse, count=number)
        if name == "RECENT":
            return _new(RecentResponse, count=number)
        if name in _UNTAGGED:
            raise reader.error("EXISTS, RECENT, EXPUNGE or FETCH after a number", name_pos)
        return _unknown(reader, name_pos)
    name_pos = reader.pos
    if _KEYWORD_START.match(buf, name_pos) is None:
        return _unknown(reader, name_pos)
    name = reader.read_keyword()
    condition = _STATUS.get(name)
    if condition is not None:
        code, text = _resp_text(reader, quirks)
        if greeting and condition is Condition.OK:
            return _new(Greeting, condition=condition, text=text, code=code)
        return _new_status(condition, code, text, None)
    if name == "BYE":
        code, text = _resp_text(reader, quirks)
        if greeting:
            return _new(Greeting, condition=Condition.BYE, text=text, code=code)
        return _new(Bye, text=text, code=code)
    if name == "PREAUTH":
        code, text = _resp_text(reader, quirks)
        return _new(Greeting, condition=Condition.PREAUTH, text=text, code=code)
    read = DATA_READERS.get(name)
    if read is not None:
        return read(reader, utf8, quirks)
    if name == "VANISHED":
        reader.expect_sp()
        return adopt(VanishedResponse, read_vanished(reader))
    if name in _NUMBERED:
        raise reader.error(f"a number before {name}", name_pos)
    return _unknown(reader, name_pos)


def _unknown(reader: Reader, name_pos: int) -> Response:
    """An untagged response of a name no class models, kept as sent; ``name_pos`` is where
    its name is."""
    buf = reader.buf
    if UNKNOWN_HEAD.match(buf) is None:
        raise reader.error("a response name (an atom not starting with a digit)", name_pos)
    if isinstance(reader, _StreamingReader) and reader.streamed:
        raise reader.fail("a streamed literal in a response that is kept as sent", name_pos)
    reader.pos = reader.end - 2  # the response's own grammar is unknown: take it whole
    return _new(UnknownResponse, data=buf[:-2])


def _read_response(reader: Reader, utf8: bool, quirks: Quirks, greeting: bool) -> Response:
    """One complete response, from its first octet through the final CRLF."""
    buf = reader.buf
    first = buf[0] if buf else -1
    if first == 0x2A:  # "*"
        reader.pos = 1
        reader.expect_sp()
        response = _read_untagged(reader, utf8, quirks, greeting)
    elif first == 0x2B:  # "+"
        reader.pos = 1
        code, text = _resp_text(reader, quirks)
        response = _new(ContinuationRequest, text=text, code=code)
    else:
        tag = reader.read_tag()
        reader.expect_sp()
        name_pos = reader.pos
        name = reader.read_keyword()
        condition = _STATUS.get(name)
        if condition is None:
            raise reader.error("OK, NO or BAD (a tagged response is a status)", name_pos)
        code, text = _resp_text(reader, quirks)
        response = _new_status(condition, code, text, tag)
    reader.finish()
    return response


def _fetch_fast(data: bytes, utf8: bool, max_depth: int) -> Response | None:
    """A FETCH response read without the general dispatch, or None if it is not one."""
    m = _FETCH.match(data)
    if m is None:
        return None
    number = int(m.group(1))
    if number > MAX_NUMBER:
        return None
    reader = Reader(data, m.end() - 1, utf8=utf8, nonsync=False, max_depth=max_depth)
    attributes = read_msg_att(reader)
    reader.finish()
    response = _NEW(FetchResponse)
    _SET_NUMBER(response, number)
    _SET_DATA(response, attributes)
    return response


_NEW = object.__new__
_SET_NUMBER = FetchResponse.__dict__["number"].__set__
_SET_DATA = FetchResponse.__dict__["data"].__set__
# Responses that are one line of resp-text (the framer's rule): repaired as such.
_ONE_LINE = re.compile(rb"\+|[^ \r\n]+ (?i:OK|NO|BAD|BYE|PREAUTH)[ \r]")


@dataclass(frozen=True, slots=True)
class _Settings:
    """How one response is read: the session's settings, and the quirks' ``eight_bit``."""

    utf8: bool
    quirks: Quirks
    greeting: bool
    max_depth: int
    eight_bit: bool = False


def _parse(data: bytes, literals: Sequence[LiteralSpan], settings: _Settings) -> Response:
    """Parse one framed response, with the quirks' repairs if the grammar fails."""
    try:
        return _attempt(data, literals, settings)
    except IMAPParseError as error:
        if not settings.quirks:
            raise
        repaired = _repair(data, literals, settings)
        if repaired is None:
            raise error from None
        return repaired


def _attempt(data: bytes, literals: Sequence[LiteralSpan], settings: _Settings) -> Response:
    streamed = {span.offset: span for span in literals if span.streamed}
    utf8 = settings.utf8
    depth = settings.max_depth
    reader: Reader
    if settings.eight_bit:
        reader = _EightBitReader(data, utf8=utf8, max_depth=depth, streamed=streamed)
    elif streamed:
        reader = _StreamingReader(data, utf8=utf8, max_depth=depth, streamed=streamed)
    else:
        reader = Reader(data, utf8=utf8, nonsync=False, max_depth=depth)
    try:
        return _read_response(reader, utf8, settings.quirks, settings.greeting)
    except IMAPValueError as exc:  # a value the grammar read but the model refuses
        raise IMAPParseError(str(exc), offset=reader.pos, tag=reader.tag) from None


def _moved(literals: Sequence[LiteralSpan], offsets: tuple[int, ...]) -> tuple[LiteralSpan, ...]:
    return tuple(
        LiteralSpan(offset, span.length, span.synchronizing, span.binary, span.streamed)
        for offset, span in zip(offsets, literals, strict=True)
    )


def _repair(data: bytes, literals: Sequence[LiteralSpan], settings: _Settings) -> Response | None:
    """The response read with the quirks' repairs (see :mod:`._quirks`), or None."""
    quirks = settings.quirks
    one_line = _ONE_LINE.match(data) is not None
    eight_bit = Quirks.EIGHT_BIT in quirks and not data.isascii()
    changed = eight_bit
    if one_line:
        fixed = repair_status_text(data, quirks)
        if fixed is not None:
            data, changed = fixed, True
    else:
        spaced = repair_spaces(data, literals, quirks)
        if spaced is not None:
            data, literals, changed = spaced[0], _moved(literals, spaced[1]), True
    # With EIGHT_BIT, 8-bit octets read as UTF-8 and mailbox names as UTF-8 too.
    settings = replace(settings, utf8=settings.utf8 or eight_bit, eight_bit=eight_bit)
    last: IMAPParseError | None = None
    if changed:
        try:
            return _attempt(data, literals, settings)
        except IMAPParseError as error:
            last = error
    if one_line or Quirks.UNESCAPED_QUOTES not in quirks:
        return None
    for _ in range(MAX_QUOTE_REPAIRS):
        if last is None:
            try:
                return _attempt(data, literals, settings)
            except IMAPParseError as error:
                last = error
        fixed_quote = repair_unescaped_quote(data, literals, last.offset)
        if fixed_quote is None:
            return None
        data, literals = fixed_quote[0], _moved(literals, fixed_quote[1])
        last = None
    return None


def parse_response(
    data: bytes,
    *,
    utf8: bool = False,
    quirks: Quirks = Quirks.DEFAULT,
    greeting: bool = False,
    limits: IMAPLimits | None = None,
) -> Response:
    """The one complete response ``data`` holds (final CRLF included), for tests and logs.

    Raises :class:`~pymailproto.imap.IMAPParseError` if it is not exactly one response.
    """
    parser = ResponseParser(limits, quirks=quirks, utf8=utf8, greeting=greeting)
    parser.feed(data)
    events = list(parser)
    if len(events) == 1 and isinstance(events[0], Response) and not parser.buffered:
        return events[0]
    for event in events:
        if isinstance(event, IMAPParseError):
            raise event
    raise IMAPParseError("not exactly one complete response", offset=len(data))


# --- the parser -----------------------------------------------------------------------------------


class ResponseParser:
    """Typed responses from a server's byte stream; see the module docstring."""

    __slots__ = (
        "_closed",
        "_dead",
        "_framer",
        "_incomplete",
        "_max_depth",
        "greeting",
        "limits",
        "quirks",
        "utf8",
    )

    def __init__(
        self,
        limits: IMAPLimits | None = None,
        *,
        quirks: Quirks = Quirks.DEFAULT,
        utf8: bool = False,
        stream_threshold: int | None = None,
        greeting: bool = False,
    ) -> None:
        if not isinstance(quirks, Quirks):
            raise TypeError(f"quirks must be a Quirks flag set, not {quirks!r}")
        self.limits = limits = IMAPLimits() if limits is None else limits
        self._framer = ResponseFramer(limits, stream_threshold=stream_threshold)
        self._max_depth = limits.max_nesting_depth
        #: UTF-8 is enabled (UTF8=ACCEPT or IMAP4rev2): see the module docstring.
        self.utf8 = utf8
        #: The leniencies in force (:class:`~._quirks.Quirks`).
        self.quirks = quirks
        #: The next response is the connection's greeting.
        self.greeting = greeting
        self._dead = False
        self._closed = False
        self._incomplete = False

    # --- input -----------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Bytes received from the server; ``b""`` means it closed the connection."""
        self._framer.receive_data(data)

    @property
    def stream_threshold(self) -> int | None:
        """Literals of at least this many octets are handed out as they arrive (None: no
        literal is streamed); may be changed between responses."""
        return self._framer.stream_threshold

    @stream_threshold.setter
    def stream_threshold(self, value: int | None) -> None:
        self._framer.set_stream_threshold(value)

    @property
    def buffered(self) -> int:
        """Octets held: received and not yet returned as events."""
        return self._framer.buffered

    @property
    def closed(self) -> bool:
        """Whether the server closed the connection and every event was handed out."""
        return self._closed

    @property
    def incomplete(self) -> bool:
        """Whether the server closed the connection in the middle of a response."""
        return self._incomplete

    def clear(self) -> bytes:
        """Forget everything received; return the bytes not yet parsed (STARTTLS: they must
        not be read as responses once TLS is up, RFC 9051 §6.2.1)."""
        return self._framer.clear()

    # --- output ------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ParserEvent]:
        """The events available now (see the module docstring)."""
        next_event = self.next_event
        while True:
            event = next_event()
            if event is NEED_DATA:
                return
            yield event  # type: ignore[misc]

    def next_event(self) -> ParserEvent | type[NEED_DATA]:
        """The next event, or :data:`NEED_DATA` when more bytes are needed (or none will come)."""
        if self._dead:
            return NEED_DATA
        framer = self._framer
        try:
            event = framer.next_event()
        except RemoteProtocolError as exc:
            self._dead = True
            return IMAPParseError(exc.message, offset=0, fatal=True)
        if type(event) is Message:
            greeting = self.greeting
            self.greeting = False
            data = event.data
            literals = event.literals
            if not greeting and (not literals or not any(s.streamed for s in literals)):
                try:
                    response = _fetch_fast(data, self.utf8, self._max_depth)
                except IMAPParseError:
                    response = None
                if response is not None:
                    return response
            settings = _Settings(self.utf8, self.quirks, greeting, self._max_depth)
            try:
                return _parse(data, literals, settings)
            except IMAPParseError as error:
                return error
        if event is NEED_DATA or isinstance(event, (LiteralStreamed, LiteralChunk)):
            return event
        if isinstance(event, MessageRejected):
            self.greeting = False
            return ResponseRejected(event.reason, event.tag)
        assert isinstance(event, EndOfInput)
        self._closed = True
        self._incomplete = event.incomplete
        return NEED_DATA
