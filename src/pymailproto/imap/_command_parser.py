"""CommandParser: bytes from a client in, typed commands out -- the server's half of the codec.

It joins the two stages of IMAP decoding (see :mod:`._framing`): a :class:`~._framing.
CommandFramer` cuts the stream into whole commands under the limits, and the grammar
(:func:`~._command_base.read_command`) turns each into a :class:`~._command_base.Command`.
Usage::

    parser = CommandParser(utf8=False)
    parser.feed(data)                    # b"" when the client closed the connection
    for event in parser:                 # until more bytes are needed
        if isinstance(event, LiteralAnnounced):
            parser.accept_literal()      # then send "+ Ready", or refuse_literal() and
                                         # answer event.tag with NO/BAD
        elif isinstance(event, CommandError):
            ...                          # answer "event.tag BAD event.text" ("*" if no tag)
        else:
            ...                          # a Command (or a continuation line, see below)

What iteration yields
---------------------
* a :class:`~._command_base.Command` -- a complete, typed command;
* :class:`~._framing_events.LiteralAnnounced` -- the client sent a line ending in a
  synchronizing literal ``{n}`` and waits (RFC 9051 §4.3, §7.6). Decide before iterating on:
  :meth:`CommandParser.accept_literal` (then send a continuation request) or
  :meth:`CommandParser.refuse_literal` (then answer the tag with ``NO`` or ``BAD``; the client
  will not send the octets, RFC 9051 §2.2.1). Before it is handed over, the command so far is
  checked against the grammar: if it is already wrong whatever the literal may hold, the
  literal is refused here and a :class:`CommandError` comes instead -- the client is told at
  once instead of uploading a message into a command that fails anyway;
* :class:`CommandError` -- a command that broke the grammar (``offset`` says where) or a limit
  (``rejection`` says which). Answer ``tag BAD text`` (``* BAD`` when ``tag`` is None). The
  framer has found where the bad command ends, so parsing continues with the next one; only
  a ``fatal`` error (a literal count that cannot be skipped) ends the stream -- send ``BYE``;
* a :class:`~._commands_special.ContinuationLine` -- :class:`~._commands_special.IdleDone` or
  :class:`~._commands_special.AuthenticateResponse`, only when announced: such lines are not
  commands, and only the server knows when one is due. After sending ``+`` for an IDLE or an
  AUTHENTICATE challenge, call :meth:`CommandParser.expect_continuation` with that command;
  the next line is then read as its continuation (once: call it again for each challenge).
  A malformed line in that place is a :class:`CommandError` carrying the command's tag.

Nothing else: any bytes at all give only these events (and, after ``feed(b"")``, an end of
iteration), never an exception -- API misuse aside (iterating on with a literal undecided,
feeding after the end) -- and memory stays bounded by the limits (:class:`~pymailproto.
_limits.IMAPLimits`), which the framer enforces before any grammar parsing.

Session settings
----------------
``utf8`` (an attribute, set it when the client enables ``UTF8=ACCEPT`` or ``IMAP4rev2``):
quoted strings may hold UTF-8 and mailbox names are UTF-8 instead of modified UTF-7 (RFC 6855
§3, RFC 9051 §5.1). ``literals``: which non-synchronizing literals the server advertises
(RFC 7888): ``SYNC_ONLY`` refuses every ``{n+}`` (a BAD), ``LITERAL_MINUS`` (also IMAP4rev2,
RFC 9051 §4.3) takes them up to ``limits.max_nonsync_literal`` octets (4096), ``LITERAL_PLUS``
of any size up to ``limits.max_literal_size``.

Literals are held in memory (up to ``max_literal_size``, within ``max_message_size``), unless
a synchronizing one is accepted with ``accept_literal(stream=True)``: its octets then come as
:class:`~pymailproto.imap.LiteralStreamed` / :class:`~pymailproto.imap.LiteralChunk` events,
and the command that follows holds a :class:`~pymailproto.imap.StreamedLiteral` placeholder.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

# The command modules register their classes with read_command when imported.
import pymailproto.imap._commands_any
import pymailproto.imap._commands_auth
import pymailproto.imap._commands_mailbox
import pymailproto.imap._commands_search
import pymailproto.imap._commands_select
import pymailproto.imap._commands_selected  # noqa: F401
from pymailproto._limits import IMAPLimits
from pymailproto.errors import RemoteProtocolError
from pymailproto.imap._command_base import Command, read_command
from pymailproto.imap._commands_auth import IdleCommand
from pymailproto.imap._commands_nonauth import AuthenticateCommand
from pymailproto.imap._commands_special import AuthenticateResponse, ContinuationLine, IdleDone
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._framing import CommandFramer
from pymailproto.imap._framing_events import (
    NEED_DATA,
    EndOfInput,
    LiteralAnnounced,
    LiteralChunk,
    LiteralSpan,
    LiteralStreamed,
    Message,
    MessageRejected,
    Rejection,
)
from pymailproto.imap._lexer import Reader
from pymailproto.imap._responses_message import StreamedLiteral
from pymailproto.imap._values import NONSYNC_LITERAL_MAX, LiteralSupport

__all__ = ["CommandError", "CommandParser", "ParserEvent"]

# Rejections a BAD to APPEND answers with the TOOBIG code (RFC 7888 §4, §5): literal sizes.
_TOO_BIG = frozenset(
    {
        Rejection.LITERAL_TOO_LARGE,
        Rejection.NONSYNC_LITERAL_TOO_LARGE,
        Rejection.MESSAGE_TOO_LARGE,
    }
)
# resp-text is TEXT-CHARs; keep error texts to printable ASCII.
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def _text(message: str) -> str:
    text = _UNPRINTABLE.sub("?", message.encode("ascii", "backslashreplace").decode("ascii"))
    return text.lstrip("[") or "Syntax error"


@dataclass(frozen=True, slots=True)
class CommandError:
    """A command the server must answer with ``BAD`` (RFC 9051 §7.1.3).

    ``tag``: the command's tag, or None when none could be read (answer ``* BAD``). ``text``:
    what was wrong, printable ASCII fit for the response text. ``offset``: the byte offset in
    the command where parsing failed (None for a limit). ``rejection``: the limit or framing
    rule that was broken, if that is the cause. ``fatal``: the stream cannot be followed any
    more -- answer with ``BYE`` and close.
    """

    tag: str | None
    text: str
    offset: int | None = None
    rejection: Rejection | None = None
    fatal: bool = False

    @property
    def too_big(self) -> bool:
        """Whether a literal or the message was too large: a BAD to APPEND then carries
        ``[TOOBIG]`` (RFC 7888 §4, §5)."""
        return self.rejection in _TOO_BIG


#: What iterating over a :class:`CommandParser` yields.
class _StreamedLiteralReader(Reader):
    """A reader for a command whose literal went out as chunks: a placeholder stands for it
    (see :class:`~pymailproto.imap.StreamedLiteral`)."""

    __slots__ = ("streamed",)

    def __init__(
        self,
        buf: bytes,
        *,
        utf8: bool,
        nonsync: bool,
        max_depth: int,
        streamed: dict[int, LiteralSpan],
    ) -> None:
        Reader.__init__(self, buf, utf8=utf8, nonsync=nonsync, max_depth=max_depth)
        self.streamed = streamed

    def _take(self, start: int, n: int) -> bytes:
        span = self.streamed.get(start)
        if span is None:
            return Reader._take(self, start, n)
        self.pos = start  # the octets are not in the buffer: the text goes on right here
        return StreamedLiteral(span)


ParserEvent: TypeAlias = (
    Command | ContinuationLine | LiteralAnnounced | LiteralStreamed | LiteralChunk | CommandError
)
#: A command whose continuation lines the parser can be told to expect.
Continued: TypeAlias = IdleCommand | AuthenticateCommand


class CommandParser:
    """Typed commands from a client's byte stream; see the module docstring."""

    __slots__ = (
        "_closed",
        "_dead",
        "_expect",
        "_framer",
        "_incomplete",
        "_literals",
        "_nonsync",
        "limits",
        "utf8",
    )

    def __init__(
        self,
        limits: IMAPLimits | None = None,
        *,
        utf8: bool = False,
        literals: LiteralSupport = LiteralSupport.LITERAL_MINUS,
    ) -> None:
        if not isinstance(literals, LiteralSupport):
            raise TypeError(f"literals must be a LiteralSupport, not {literals!r}")
        self.limits = limits = IMAPLimits() if limits is None else limits
        if literals is LiteralSupport.LITERAL_PLUS:
            limits = dataclasses.replace(limits, max_nonsync_literal=None)
        elif literals is LiteralSupport.LITERAL_MINUS and limits.max_nonsync_literal is None:
            limits = dataclasses.replace(limits, max_nonsync_literal=NONSYNC_LITERAL_MAX)
        self._framer = CommandFramer(limits)
        #: UTF-8 is enabled (UTF8=ACCEPT or IMAP4rev2): see the module docstring.
        self.utf8 = utf8
        self._literals = literals
        self._nonsync = literals is not LiteralSupport.SYNC_ONLY
        self._expect: Continued | None = None
        self._dead = False
        self._closed = False
        self._incomplete = False

    @property
    def literals(self) -> LiteralSupport:
        """Which non-synchronizing literals are accepted (fixed at construction)."""
        return self._literals

    # --- input -----------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Bytes received from the client; ``b""`` means it closed the connection."""
        self._framer.receive_data(data)

    @property
    def buffered(self) -> int:
        """Octets held: received and not yet returned as events."""
        return self._framer.buffered

    @property
    def closed(self) -> bool:
        """Whether the client closed the connection and every event was handed out."""
        return self._closed

    @property
    def incomplete(self) -> bool:
        """Whether the client closed the connection in the middle of a command."""
        return self._incomplete

    def clear(self) -> bytes:
        """Forget everything received; return the bytes not yet parsed (STARTTLS: they must
        not be read as commands once TLS is up, RFC 9051 §6.2.1). Drops an undecided literal
        and an expected continuation too."""
        self._expect = None
        return self._framer.clear()

    # --- literals and continuations ----------------------------------------------------------

    @property
    def pending(self) -> LiteralAnnounced | None:
        """The announced literal awaiting :meth:`accept_literal` or :meth:`refuse_literal`."""
        return self._framer.pending

    def accept_literal(self, *, stream: bool = False) -> None:
        """Take the announced literal; then send the client a continuation request.

        With ``stream`` its octets are handed out as they arrive (:class:`~pymailproto.imap.
        LiteralStreamed`, then :class:`~pymailproto.imap.LiteralChunk` events) instead of
        being held, and the command, when complete, has a
        :class:`~pymailproto.imap.StreamedLiteral` placeholder in its place -- for an APPEND
        of any size in bounded memory (the server writes the chunks to the store)."""
        self._framer.accept_literal(stream=stream)

    def refuse_literal(self) -> None:
        """Refuse the announced literal; then answer its tag with NO or BAD. The client
        sends no more of that command (RFC 9051 §2.2.1)."""
        self._framer.refuse_literal()

    def expect_continuation(self, command: Continued | None) -> None:
        """Read the next line as ``command``'s continuation: ``DONE`` for an
        :class:`~._commands_auth.IdleCommand`, a response for an
        :class:`~._commands_nonauth.AuthenticateCommand`. Call it when sending the ``+``;
        it holds for one line. None goes back to reading commands."""
        if command is not None and not isinstance(command, (IdleCommand, AuthenticateCommand)):
            raise TypeError(f"only IDLE and AUTHENTICATE have continuation lines: {command!r}")
        self._expect = command

    @property
    def expecting(self) -> Continued | None:
        """The command whose continuation line is expected next, if any."""
        return self._expect

    # --- output ------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ParserEvent]:
        """The events available now (see the module docstring)."""
        while True:
            event = self.next_event()
            if isinstance(event, type):  # NEED_DATA
                return
            yield event

    def next_event(self) -> ParserEvent | type[NEED_DATA]:
        """The next event, or :data:`NEED_DATA` when more bytes are needed (or none will come)."""
        while not self._dead:
            try:
                event = self._framer.next_event()
            except RemoteProtocolError as exc:
                self._dead = True
                expected, self._expect = self._expect, None
                tag = None if expected is None else expected.tag
                return CommandError(tag, _text(exc.message), fatal=True)
            if event is NEED_DATA:
                return NEED_DATA
            if isinstance(event, Message):
                return self._parse(event)
            if isinstance(event, LiteralAnnounced):
                return self._announced(event)
            if isinstance(event, MessageRejected):
                expected, self._expect = self._expect, None
                tag = event.tag if expected is None else expected.tag
                return CommandError(tag, event.reason.value, rejection=event.reason)
            if isinstance(event, EndOfInput):
                self._closed = True
                self._incomplete = event.incomplete
                return NEED_DATA
            assert isinstance(event, (LiteralStreamed, LiteralChunk))  # accepted with stream
            return event
        return NEED_DATA

    def _reader(self, data: bytes) -> Reader:
        return Reader(
            data,
            utf8=self.utf8,
            nonsync=self._nonsync,
            max_depth=self.limits.max_nesting_depth,
        )

    def _parse(self, message: Message) -> ParserEvent:
        expected, self._expect = self._expect, None
        streamed = {span.offset: span for span in message.literals if span.streamed}
        reader = (
            _StreamedLiteralReader(
                message.data,
                utf8=self.utf8,
                nonsync=self._nonsync,
                max_depth=self.limits.max_nesting_depth,
                streamed=streamed,
            )
            if streamed
            else self._reader(message.data)
        )
        try:
            if expected is None:
                return read_command(reader)
            if isinstance(expected, IdleCommand):
                return IdleDone.read(reader)
            return AuthenticateResponse.read(reader)
        except (IMAPParseError, IMAPValueError) as exc:
            offset = exc.offset if isinstance(exc, IMAPParseError) else reader.pos
            tag = reader.tag if expected is None else expected.tag
            return CommandError(tag, _text(str(exc)), offset)

    def _announced(self, event: LiteralAnnounced) -> ParserEvent:
        """Hand a synchronizing literal's announcement over, unless the command is already
        wrong: a grammar error before the literal's octets means the command fails whatever
        they hold. (A prefix longer than ``max_command_line`` -- earlier literals included --
        is not checked, so that checking never costs more than a bounded amount per literal.)
        """
        expected = self._expect
        if expected is not None:
            self._expect = None
            self._framer.refuse_literal()
            return CommandError(
                expected.tag,
                "a literal where a continuation line was expected",
                event.prefix.rfind(b"{"),
            )
        prefix = event.prefix
        if len(prefix) > self.limits.max_command_line:
            return event
        reader = self._reader(prefix)
        try:
            read_command(reader)
        except (IMAPParseError, IMAPValueError) as exc:
            offset = exc.offset if isinstance(exc, IMAPParseError) else reader.pos
            if offset < len(prefix):
                self._framer.refuse_literal()
                return CommandError(reader.tag or event.tag, _text(str(exc)), offset)
        return event
