"""IMAP framing: cut the byte stream into whole commands or responses before any parsing.

How IMAP is framed
------------------
Everything IMAP sends is a line ending in CRLF, except literals (RFC 9051 §2.2: "The protocol
receiver of an IMAP4rev2 client or server is reading either a line or a sequence of octets
with a known count followed by a line")::

    command         = tag SP (command-any / command-auth / command-nonauth /
                      command-select) CRLF
    tag             = 1*<any ASTRING-CHAR except "+">
    response-tagged = tag SP resp-cond-state CRLF
    response-data   = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data /
                      message-data / capability-data / enable-data) CRLF
    continue-req    = "+" SP (resp-text / base64) CRLF

A client starts each command with a fresh tag; the server answers with untagged ``*`` data,
then a completion response carrying the same tag. A ``+`` line is a *continuation request*:
the server is ready for more of the command in progress (RFC 9051 §7.6).

A string whose octets cannot be quoted is sent as a *literal*: its octet count in braces at
the very end of a line, then exactly that many octets, after which the same command or
response goes on (more arguments, or just the CRLF that ends it)::

    literal         = "{" number64 ["+"] "}" CRLF *CHAR8
    literal8        = "~{" number64 "}" CRLF *OCTET
    number64        = 1*DIGIT    ; 0 <= n <= 9,223,372,036,854,775,807

Who waits for whom is the heart of it (RFC 9051 §4.3, §7.6; RFC 7888 §3):

* server to client, ``{n}``: the octets follow immediately. ``{n+}`` is not allowed.
* client to server, ``{n}`` (synchronizing): the client sends the line and *waits*. The server
  answers ``+ ...`` to get the octets, or a tagged ``BAD``/``NO``, after which the client
  does not send them and the command is over (RFC 9051 §2.2.1 note, §7.6 example ``A044``).
* client to server, ``{n+}`` (non-synchronizing, LITERAL+/LITERAL-): the octets follow at
  once; the server cannot stop them. Under LITERAL- and IMAP4rev2 they are at most 4096
  octets; a server receiving a bigger one reads and discards it and rejects the command, or
  says BYE and closes (RFC 7888 §4, §5).
* ``~{n}`` is the same with binary octets (literal8, RFC 9051 §9; ``~{n+}``, RFC 7888 §6).

Because a literal's octets are arbitrary, a receiver that loses count would read message
text as commands. So framing is done first and alone (as imap-codec's fragmentizer does):
this module finds where each message ends -- every literal counted, every limit enforced --
and only complete messages reach the grammar parser. A message that breaks a limit is
reported at once and then skipped *by the same rules*, without storing it, so framing
continues with the next message and skipped literal octets are never mistaken for commands.

Using a framer
--------------
:class:`CommandFramer` is a server's (it reads commands), :class:`ResponseFramer` a client's.
Feed bytes with ``receive_data()``; call ``next_event()`` until it returns NEED_DATA:

* :class:`Message` -- a complete message, literals inline as on the wire, plus the offset and
  length of each literal: the grammar parser reads it in one pass.
* :class:`LiteralAnnounced` -- server only: a synchronizing literal awaits ``accept_literal()``
  (then send ``+``) or ``refuse_literal()`` (then answer the tag with BAD or NO).
* :class:`LiteralStreamed` then :class:`LiteralChunk` events -- a literal of at least
  ``stream_threshold`` octets (or one accepted with ``stream=True``) is handed over as it
  arrives instead of being held; its :class:`LiteralSpan` in the final Message is marked
  ``streamed`` and its octets are left out of ``Message.data``.
* :class:`MessageRejected` -- a limit was exceeded or a NUL was found; answer the tag.
* :class:`EndOfInput` -- after ``receive_data(b"")``.

``clear()`` drops whatever is buffered, for STARTTLS (RFC 9051 §6.2.1).

A client-side detail: status responses (``* OK``, ``tag NO`` ...) and continuation requests
are single lines by the grammar (resp-text is text), so a ``{5}`` ending their text is not
taken for a literal announcement.

Memory stays bounded: once ``next_event()`` has returned NEED_DATA, the framer holds less
than ``max_message_size`` octets -- an unfinished line is cut off at its limit, a message at
that size, and streamed literal octets are never held. (Bytes fed while a literal awaits a
decision are kept: feed data when NEED_DATA asks for it.) Only two inputs cannot be
resynchronised and raise a fatal :class:`RemoteProtocolError`, both when literal octets would
follow: a count beyond number64, and a count at the end of a skipped over-long line so
zero-padded that its ``{`` was already discarded. Everything else leaves the framer usable.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._framing_events import (
    NEED_DATA,
    EndOfInput,
    FramingEvent,
    LiteralAnnounced,
    LiteralChunk,
    LiteralSpan,
    LiteralStreamed,
    Message,
    MessageRejected,
    Rejection,
    tag_of,
)

__all__ = ["CommandFramer", "ResponseFramer"]

_CRLF = b"\r\n"
# RFC 9051 §9: number64 is an unsigned 63-bit integer, at most 19 significant digits.
_NUMBER64_MAX = 2**63 - 1
_NUMBER64_DIGITS = 19
# Octets of a skipped line kept to recognise a literal announcement at its end: "~{", 19
# digits, "+}" and room for some leading zeros.
_TAIL = 64
_UNLIMITED = 2**64

# RFC 9051 §9: status responses (resp-cond-state, resp-cond-bye, resp-cond-auth) and
# continue-req are one line -- resp-text is text, never a literal -- so a client does not
# take "* OK ... {5}" as a literal announcement.
_ONE_LINE = re.compile(rb"\+|[^ \r\n]+ (?i:OK|NO|BAD|BYE|PREAUTH)[ \r]")

_Result = FramingEvent | type[NEED_DATA] | None

# Reader states.
_LINE = 0  # searching the CRLF of the current line
_LITERAL = 1  # waiting for an inline literal's octets
_STREAM = 2  # handing a streamed literal's octets out as chunks
_DECIDE = 3  # a synchronizing literal awaits accept_literal() / refuse_literal()
_SKIP_LINE = 4  # discarding a line of a rejected message
_SKIP_LITERAL = 5  # discarding a literal of a rejected message
_END = 6  # the peer closed and everything was delivered


def _announcement(data: bytes | bytearray, start: int, stop: int) -> tuple[int, bool, bool] | None:
    """Parse ``[~]{number64[+]}`` ending at ``stop`` (the CRLF); ``data[stop - 1]`` is "}".

    Returns (length, non-synchronizing, binary), length -1 for a count beyond number64, or
    None when the line does not end with a literal announcement.
    """
    brace = data.rfind(b"{", start, stop - 1)
    if brace < 0:
        return None
    count = data[brace + 1 : stop - 1]
    nonsync = count.endswith(b"+")
    if nonsync:
        count = count[:-1]
    if not count.isdigit():  # also rejects the empty count
        return None
    binary = brace > start and data[brace - 1] == 0x7E  # "~"
    digits = count.lstrip(b"0")
    if len(digits) > _NUMBER64_DIGITS:  # checked before int(): no huge conversions
        return -1, nonsync, binary
    length = int(digits or b"0")
    return (length if length <= _NUMBER64_MAX else -1), nonsync, binary


class _Framer:
    """The reader shared by both roles; see the module docstring."""

    __slots__ = (
        "_buf",
        "_check_nul",
        "_consumed",
        "_end",
        "_eof",
        "_fatal",
        "_head_limit",
        "_held",
        "_line_limit",
        "_line_start",
        "_literal_binary",
        "_literal_end",
        "_literal_start",
        "_literals",
        "_max_literal",
        "_max_message",
        "_max_nonsync",
        "_pending",
        "_pending_end",
        "_pending_length",
        "_queued",
        "_remaining",
        "_searched",
        "_skip_single",
        "_state",
        "_tail",
        "_threshold",
        "limits",
        "stream_threshold",
    )

    _SERVER: ClassVar[bool] = False

    def __init__(
        self, limits: IMAPLimits | None = None, *, stream_threshold: int | None = None
    ) -> None:
        self.limits = limits = IMAPLimits() if limits is None else limits
        server = self._SERVER
        self._line_limit = limits.max_command_line if server else limits.max_response_line
        self._max_message = (
            _UNLIMITED if limits.max_message_size is None else limits.max_message_size
        )
        self._max_literal = (
            _NUMBER64_MAX if limits.max_literal_size is None else limits.max_literal_size
        )
        self._max_nonsync = limits.max_nonsync_literal if server else None
        self.set_stream_threshold(stream_threshold)
        # What the first line of a message may occupy: fixes how much of an over-long first
        # line is looked at for its tag, so the answer never depends on how bytes arrived.
        self._head_limit = min(self._line_limit, self._max_message)
        self._buf = bytearray()  # received, not yet consumed; the current message starts at 0
        self._state = _LINE
        self._line_start = 0  # where the current line starts in _buf
        self._searched = 0  # _buf[_line_start:_searched] is known to hold no CRLF
        self._held = b""  # the message's head, moved out of _buf before a streamed literal
        self._consumed = 0  # octets of the message no longer in _buf (held or streamed)
        self._literals: list[LiteralSpan] = []
        self._literal_start = 0
        self._literal_end = 0
        self._literal_binary = False
        self._remaining = 0  # octets left of a streamed or skipped literal
        self._check_nul = False
        self._tail = b""  # the last octets of a line being skipped
        self._skip_single = False  # the skipped line is a one-line response (_ONE_LINE)
        self._pending: LiteralAnnounced | None = None
        self._pending_end = 0
        self._pending_length = 0
        self._queued: FramingEvent | None = None
        self._eof = False
        self._end = EndOfInput()  # what next_event() keeps returning once the input ended
        self._fatal: str | None = None

    # ------------------------------------------------------------------ public API

    def set_stream_threshold(self, stream_threshold: int | None) -> None:
        """Stream literals of at least this many octets from the next one announced on
        (None: hold every literal whole)."""
        if stream_threshold is not None and stream_threshold < 0:
            raise ValueError("stream_threshold cannot be negative")
        self.stream_threshold = stream_threshold
        self._threshold = _UNLIMITED if stream_threshold is None else stream_threshold

    @property
    def buffered(self) -> int:
        """Octets held in memory: received and unconsumed, plus a message head kept aside."""
        return len(self._buf) + len(self._held)

    def receive_data(self, data: bytes) -> None:
        """Feed bytes received from the peer; ``b""`` means it closed the connection."""
        if not data:
            self._eof = True
            return
        if self._eof:
            raise LocalProtocolError("data received after the peer closed")
        if self._fatal is None:  # a dead framer keeps nothing
            self._buf += data

    def next_event(self) -> FramingEvent | type[NEED_DATA]:
        """The next event, or :data:`NEED_DATA` when more bytes must be received first.

        Raises :class:`RemoteProtocolError` (``fatal``) when the stream cannot be framed any
        more, and :class:`LocalProtocolError` while an announced literal awaits a decision.
        """
        if self._pending is not None:
            raise LocalProtocolError("accept or refuse the announced literal first")
        if self._fatal is not None:
            raise RemoteProtocolError(self._fatal, fatal=True)
        queued = self._queued
        if queued is not None:
            self._queued = None
            return queued
        while True:
            state = self._state
            if state == _LINE:
                result = self._read_line()
            elif state == _LITERAL:
                result = self._read_literal()
            elif state == _STREAM:
                result = self._read_stream()
            elif state == _SKIP_LINE:
                result = self._skip_line()
            elif state == _SKIP_LITERAL:
                result = self._skip_literal()
            else:
                return self._end
            if result is NEED_DATA and self._eof:
                incomplete = bool(self._buf or self._line_start or self._consumed)
                self._reset_message()
                self._buf.clear()
                self._state = _END
                self._end = EndOfInput(incomplete=incomplete or state != _LINE)
                return self._end
            if result is not None:
                return result

    def clear(self) -> bytes:
        """Forget everything received and start afresh; return the input not yet framed.

        For STARTTLS (RFC 9051 §6.2.1): octets that arrived behind the command's CRLF must
        either begin the TLS handshake (pass the result to it) or be thrown away -- never
        be read as commands once TLS is up (the STARTTLS command injection class of bugs).
        An empty result means the peer sent nothing more. A message in progress and an
        announced literal awaiting a decision are dropped too.
        """
        unframed = bytes(self._buf)
        self._buf.clear()
        self._reset_message()
        self._state = _LINE
        self._pending = None
        self._queued = None
        return unframed

    # ------------------------------------------------------------------ reading

    def _read_line(self) -> _Result:
        buf = self._buf
        start = self._line_start
        searched = self._searched
        end = buf.find(_CRLF, searched - 1 if searched > start else start)
        limit = self._line_limit
        room = self._max_message - self._consumed - start  # what this line may still add
        if end < 0:
            if len(buf) - start >= min(limit, room):
                return self._reject_line(limit, room)
            self._searched = len(buf)
            return NEED_DATA
        end += 2
        if end - start > limit or end - start > room:
            return self._reject_line(limit, room)
        # RFC 9051 §9 note 3: NUL is never allowed outside a literal8's octets.
        if buf.find(b"\0", start, end) >= 0:
            return self._reject(Rejection.NUL)
        if buf[end - 3] == 0x7D and end - start > 2:  # "}" right before the CRLF
            announced = _announcement(buf, start, end - 2)
            if announced is not None and (
                self._SERVER
                or start
                or self._consumed
                or not _ONE_LINE.match(buf, 0, self._head_limit)
            ):
                return self._announce(*announced, end)
        # The message is complete.
        held = self._held
        data = held + buf[:end] if held else bytes(buf[:end])
        del buf[:end]
        literals = self._literals
        spans = tuple(literals) if literals else ()
        self._reset_message()
        return Message(data, spans)

    def _announce(self, length: int, nonsync: bool, binary: bool, end: int) -> _Result:
        """Line ended with ``{n}``: check the limits, then ask, stream or read the octets."""
        reason = None
        if length < 0:
            reason = Rejection.INVALID_LITERAL_LENGTH
        elif len(self._literals) >= self.limits.max_literals:
            reason = Rejection.TOO_MANY_LITERALS
        elif nonsync and self._max_nonsync is not None and length > self._max_nonsync:
            reason = Rejection.NONSYNC_LITERAL_TOO_LARGE
        elif length > self._max_literal:
            reason = Rejection.LITERAL_TOO_LARGE
        elif self._consumed + end + length + 2 > self._max_message:  # at least a CRLF follows
            reason = Rejection.MESSAGE_TOO_LARGE
        if reason is not None:
            event = MessageRejected(self._tag(), reason)
            del self._buf[:end]
            self._reset_message()
            if self._SERVER and not nonsync:
                # The client waits for our answer to this rejection and will not send the
                # octets: the command is over (RFC 9051 §2.2.1 note).
                return event
            if length < 0:
                self._fail(f"literal of {reason.value.lower()}; cannot skip it")
            # The octets come anyway: skip them and the rest of the message (RFC 7888 §4).
            self._remaining = length
            self._state = _SKIP_LITERAL
            return event
        if self._SERVER and not nonsync:
            prefix = self._held + self._buf[:end] if self._held else bytes(self._buf[:end])
            self._pending = pending = LiteralAnnounced(
                tag_of(prefix), length, binary, prefix, len(self._literals)
            )
            self._pending_end = end
            self._pending_length = length
            self._literal_binary = binary
            self._state = _DECIDE
            return pending
        return self._begin(length, nonsync, binary, end, length >= self._threshold)

    def _begin(
        self, length: int, nonsync: bool, binary: bool, end: int, stream: bool
    ) -> LiteralStreamed | None:
        """Start reading a literal announced by the line ending at ``end``."""
        span = LiteralSpan(len(self._held) + end, length, not nonsync, binary, stream)
        self._literals.append(span)
        if not stream:
            self._literal_start = end
            self._literal_end = end + length
            self._literal_binary = binary
            self._state = _LITERAL
            return None
        buf = self._buf
        self._held = prefix = self._held + buf[:end]
        del buf[:end]
        self._consumed += end
        self._line_start = self._searched = 0
        self._remaining = length
        self._check_nul = not binary
        self._state = _STREAM
        return LiteralStreamed(tag_of(prefix), span, prefix)

    def _read_literal(self) -> _Result:
        buf = self._buf
        end = self._literal_end
        if len(buf) < end:
            return NEED_DATA
        if not self._literal_binary and buf.find(b"\0", self._literal_start, end) >= 0:
            self._line_start = end  # CHAR8 excludes NUL (RFC 9051 §9)
            return self._reject(Rejection.NUL)
        self._line_start = self._searched = end
        self._state = _LINE
        return None

    def _read_stream(self) -> _Result:
        buf = self._buf
        remaining = self._remaining
        count = min(len(buf), remaining)
        if not count and remaining:
            return NEED_DATA
        if self._check_nul:
            # CHAR8 excludes NUL (RFC 9051 §9). Hand out what precedes it first, so that the
            # chunks seen do not depend on how the octets arrived.
            nul = buf.find(b"\0", 0, count)
            if nul == 0:
                event = MessageRejected(self._tag(), Rejection.NUL)
                self._reset_message()
                self._remaining = remaining
                self._state = _SKIP_LITERAL
                return event
            if nul > 0:
                count = nul
        chunk = bytes(buf[:count])
        del buf[:count]
        self._consumed += count
        self._remaining = remaining = remaining - count
        if not remaining:
            self._state = _LINE
        return LiteralChunk(chunk, last=not remaining)

    # ------------------------------------------------------------------ rejecting

    def _tag(self) -> str | None:
        return tag_of(self._held or self._buf, self._head_limit)

    def _reject_line(self, limit: int, room: int) -> _Result:
        # Which limit is reported must not depend on how the bytes arrived: the line is cut
        # off at the smaller one.
        return self._reject(
            Rejection.LINE_TOO_LONG if limit <= room else Rejection.MESSAGE_TOO_LARGE
        )

    def _reject(self, reason: Rejection) -> _Result:
        """Report the message and skip it from the start of the current line."""
        event = MessageRejected(self._tag(), reason)
        start = self._line_start
        self._skip_single = (
            not self._SERVER
            and not start
            and not self._consumed
            and _ONE_LINE.match(self._buf, 0, self._head_limit) is not None
        )
        del self._buf[:start]
        self._reset_message(keep_single=True)
        self._state = _SKIP_LINE
        return event

    def _skip_line(self) -> _Result:
        """Discard a line of a rejected message, keeping only its tail."""
        buf = self._buf
        searched = self._searched
        end = buf.find(_CRLF, searched - 1 if searched else 0)
        if end < 0:
            # Keep a trailing CR: it may be the first half of the CRLF.
            cut = len(buf) - 1 if buf.endswith(b"\r") else len(buf)
            if cut > 0:
                self._tail = (self._tail + buf[max(0, cut - _TAIL) : cut])[-_TAIL:]
                del buf[:cut]
            self._searched = len(buf)
            return NEED_DATA
        tail = (self._tail + buf[max(0, end - _TAIL) : end])[-_TAIL:]
        del buf[: end + 2]
        single = self._skip_single
        self._tail = b""
        self._searched = 0
        self._skip_single = False
        announced = None
        if tail.endswith(b"}") and not single:
            announced = _announcement(tail, 0, len(tail))
            if announced is None and len(tail) == _TAIL:
                # The "{" may lie before the tail. That only matters if octets would follow.
                nonsync = tail.endswith(b"+}")
                digits = tail[:-2] if nonsync else tail[:-1]
                if digits.isdigit() and (nonsync or not self._SERVER):
                    self._fail("over-long line ends in a literal count that cannot be read")
        if announced is None or (self._SERVER and not announced[1]):
            # The message ends here. A synchronizing literal is never sent: the client
            # was answered when the message was rejected.
            self._state = _LINE
            return None
        if announced[0] < 0:
            self._fail("literal length out of range in a skipped message; cannot skip it")
        self._remaining = announced[0]
        self._state = _SKIP_LITERAL
        return None

    def _skip_literal(self) -> _Result:
        buf = self._buf
        count = min(len(buf), self._remaining)
        if count:
            del buf[:count]
            self._remaining -= count
        if self._remaining:
            return NEED_DATA
        self._state = _SKIP_LINE
        self._searched = 0
        return None

    def _reset_message(self, keep_single: bool = False) -> None:
        self._line_start = self._searched = self._consumed = 0
        self._held = b""
        self._literals = []
        self._tail = b""
        if not keep_single:
            self._skip_single = False
        self._state = _LINE

    def _fail(self, text: str) -> None:
        self._fatal = text
        self._buf.clear()
        self._reset_message()
        raise RemoteProtocolError(text, fatal=True)


class CommandFramer(_Framer):
    """A server's framer: cuts the client's byte stream into commands.

    Synchronizing literals are announced (:class:`LiteralAnnounced`) and wait for
    :meth:`accept_literal` or :meth:`refuse_literal`. Non-synchronizing literals are read
    without asking, limited to ``limits.max_nonsync_literal`` (LITERAL-, RFC 7888 §5).
    Literals of at least ``stream_threshold`` octets are streamed (see the module docstring).
    """

    __slots__ = ()
    _SERVER = True

    @property
    def pending(self) -> LiteralAnnounced | None:
        """The announced literal awaiting a decision, if any."""
        return self._pending

    def accept_literal(self, *, stream: bool | None = None) -> None:
        """Take the announced literal; then send the client a continuation request.

        ``stream`` chooses between holding the octets in the message (False) and handing
        them out as chunks (True); ``None`` applies ``stream_threshold``.
        """
        pending = self._pending
        if pending is None:
            raise LocalProtocolError("no literal is waiting to be accepted")
        self._pending = None
        length = self._pending_length
        if stream is None:
            stream = length >= self._threshold
        self._queued = self._begin(length, False, self._literal_binary, self._pending_end, stream)

    def refuse_literal(self) -> None:
        """Refuse the announced literal; then answer the command's tag with BAD or NO.

        The client will not send the octets and the command is over (RFC 9051 §2.2.1 note,
        §7.6): framing continues with the next line.
        """
        if self._pending is None:
            raise LocalProtocolError("no literal is waiting to be refused")
        self._pending = None
        del self._buf[: self._pending_end]
        self._reset_message()


class ResponseFramer(_Framer):
    """A client's framer: cuts the server's byte stream into responses.

    Literals are read as they come -- a server never waits for ``+`` -- and streamed when
    at least ``stream_threshold`` octets long. Continuation requests (``+ ...``) and status
    responses are single lines, even when their text happens to end in ``{n}``.
    """

    __slots__ = ()
    _SERVER = False
