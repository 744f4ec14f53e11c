"""The client side of an IMAP conversation, sans I/O.

::

    conn = ClientConnection()
    conn.receive_data(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\\r\\n")
    conn.next_event()                         # Greeting(...)
    pending = conn.send(NoopCommand(conn.next_tag()))
    sock.sendall(conn.data_to_send())         # b"A1 NOOP\\r\\n"
    ...                                       # feed bytes, take events, until pending.done
    pending.check()                           # the tagged OK, or CommandFailed

What the connection does for its caller:

* **tags and completion** -- :meth:`next_tag` makes unique tags; each command sent gets a
  :class:`~._client_pending.PendingCommand` that collects its tagged completion and the
  untagged responses that are its result (the rest, *unsolicited*, are kept apart);
* **pipelining** -- commands may be sent before earlier ones complete (RFC 9051 §5.5); they go
  out in order, except that nothing follows a command that changes how the stream is read
  (STARTTLS, COMPRESS, AUTHENTICATE, IDLE, LOGOUT) until it completes;
* **literals** -- a synchronizing literal's octets go out only after the server's ``+``
  (RFC 9051 §4.3; a tagged NO instead cancels the rest of the command); ``{n+}`` is used when
  the server advertised LITERAL+ or LITERAL- / IMAP4rev2 (RFC 7888);
* **state** -- NOT_AUTHENTICATED / AUTHENTICATED / SELECTED / LOGOUT from the responses
  (:mod:`._states`), the capabilities (including what IMAP4rev2 implies), what ENABLE turned
  on, and the selected mailbox (:class:`~._selected.SelectedMailbox`: EXISTS, EXPUNGE and
  VANISHED renumbering, UIDVALIDITY, HIGHESTMODSEQ, flags);
* **STARTTLS** -- octets that arrive after the tagged OK, before the handshake, are refused
  (RFC 9051 §6.2.1: the injection attack); **COMPRESS=DEFLATE** (RFC 4978) -- the stream is
  compressed from the octet after the tagged OK, both ways, decompressed in bounded chunks.

:meth:`next_event` returns every response as it is parsed -- the caller sees everything,
solicited or not -- plus :class:`ConnectionClosed` when the server has closed the connection
and :class:`ParseFailure` for a response that broke the grammar (non-fatal: the rest of the
stream is still read). Continuation requests that answer a literal are consumed here; those
for AUTHENTICATE and IDLE are returned, and answered with :meth:`send` of an
:class:`~pymailproto.imap.AuthenticateResponse` or :class:`~pymailproto.imap.IdleDone`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._capabilities import Capabilities
from pymailproto.imap._capability import Capability
from pymailproto.imap._client_pending import PendingCommand, claims
from pymailproto.imap._client_trace import trace_command, trace_response
from pymailproto.imap._codes import CapabilityCode, Code
from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_any import LogoutCommand
from pymailproto.imap._commands_auth import CompressCommand, EnableCommand, IdleCommand
from pymailproto.imap._commands_nonauth import (
    AuthenticateCommand,
    LoginCommand,
    StartTlsCommand,
)
from pymailproto.imap._commands_select import ExamineCommand, SelectCommand
from pymailproto.imap._commands_selected import CloseCommand, UnselectCommand
from pymailproto.imap._commands_special import ContinuationLine
from pymailproto.imap._compress import Deflater, Inflater
from pymailproto.imap._errors import IMAPParseError
from pymailproto.imap._framing_events import NEED_DATA, LiteralChunk, LiteralStreamed
from pymailproto.imap._quirks import Quirks
from pymailproto.imap._response_base import (
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
)
from pymailproto.imap._response_parser import ResponseParser, ResponseRejected
from pymailproto.imap._responses_data import CapabilityResponse, EnabledResponse
from pymailproto.imap._selected import SelectedMailbox
from pymailproto.imap._states import ON_FAILURE, ON_SUCCESS, ConnectionState, allowed_in
from pymailproto.imap._values import LiteralFragment, LiteralMode, WireOptions

__all__ = [
    "DEFAULT_TIMEOUT",
    "ClientConnection",
    "ClientEvent",
    "ConnectionClosed",
    "ParseFailure",
]

#: How many unsolicited responses a connection keeps for its user (see ``unsolicited``).
MAX_UNSOLICITED = 100_000

#: Seconds a client waits for the server by default: a command completes or sends something.
DEFAULT_TIMEOUT = 120.0

# Commands after which nothing else may be written until they complete: they change how the
# stream is read (RFC 9051 §6.2.1 STARTTLS, RFC 4978 §3 COMPRESS: "The client MUST NOT send
# any further commands until it has seen the result"), or hold the line for a dialogue of
# their own (AUTHENTICATE §6.2.2, IDLE §6.3.13), or end it (LOGOUT §6.1.3).
_BARRIERS = (StartTlsCommand, CompressCommand, AuthenticateCommand, IdleCommand, LogoutCommand)
# Commands whose continuation requests the caller answers (the others' are for literals).
_INTERACTIVE = (AuthenticateCommand, IdleCommand)


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """The server closed the connection. ``bye`` is its BYE, if it sent one first;
    ``incomplete``: it closed in the middle of a response."""

    bye: Bye | None = None
    incomplete: bool = False


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """A response the grammar (or a limit) refused: ``error`` says where and why. The stream
    goes on with the next response; when the response was a command's tagged completion,
    that command has failed with a :class:`~pymailproto.errors.RemoteProtocolError`."""

    error: IMAPParseError


#: What :meth:`ClientConnection.next_event` returns (besides ``NEED_DATA``).
ClientEvent: TypeAlias = Response | ConnectionClosed | ParseFailure | LiteralStreamed | LiteralChunk


class ClientConnection:
    """An IMAP client conversation as a state machine; see the module docstring.

    ``limits`` bound what the server may make us hold (line and literal sizes);
    ``stream_threshold``: literals of that many octets or more are handed out as
    :class:`~pymailproto.imap.LiteralStreamed`/:class:`~pymailproto.imap.LiteralChunk` events
    as they arrive instead of being held. ``quirks``: leniencies for real servers.
    ``tls_active``: the connection is already under TLS (implicit TLS, RFC 8314).
    ``timeout``: what drivers wait for the server (RFC 9051 sets no client timeout).
    ``clock``: a monotonic clock (``time.monotonic``) so commands know when they were sent;
    the connection only calls it. ``trace``: gets ``C: ...``/``S: ...`` lines, secrets masked.
    """

    def __init__(
        self,
        *,
        limits: IMAPLimits | None = None,
        quirks: Quirks = Quirks.DEFAULT,
        stream_threshold: int | None = None,
        tls_active: bool = False,
        clock: Callable[[], float] | None = None,
        trace: Callable[[str], None] | None = None,
        tag_prefix: str = "A",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.limits = limits or IMAPLimits()
        self._parser = ResponseParser(
            self.limits, quirks=quirks, stream_threshold=stream_threshold, greeting=True
        )
        #: Called with each ``C: ...``/``S: ...`` line, credentials masked.
        self.trace = trace
        self.clock = clock
        #: Seconds a driver waits for the server's next octets, and for a write to proceed.
        #: Only drivers read them (the connection has no clock of its own).
        self.timeout = timeout
        self.write_timeout = timeout
        #: True under TLS (implicit, or after STARTTLS and the handshake: :meth:`tls_started`).
        self.tls_active = tls_active
        #: Where the conversation stands.
        self.state = ConnectionState.GREETING
        #: The greeting, once it has arrived.
        self.greeting: Greeting | None = None
        #: The server's BYE, once it has arrived.
        self.bye: Bye | None = None
        #: What the server advertised last (an empty set until it says).
        self.capabilities = Capabilities()
        #: Whether ``capabilities`` may be out of date: after STARTTLS (RFC 9051 §6.2.1: "the
        #: client MUST discard cached information about server capabilities") and after
        #: authenticating without a CAPABILITY code (§6.2.2). Send CAPABILITY to refresh.
        self.capabilities_stale = True
        #: What ENABLE turned on (RFC 5161 §3.1), upper case.
        self.enabled: frozenset[str] = frozenset()
        #: The selected mailbox, in the SELECTED state.
        self.selected: SelectedMailbox | None = None
        #: Every untagged response that was not a command's result, oldest first (also kept
        #: on the command in flight when it came, ``PendingCommand.unsolicited``). Bounded:
        #: past :data:`MAX_UNSOLICITED` the oldest go -- take them (``clear()``) as you use them.
        self.unsolicited: deque[Response] = deque(maxlen=MAX_UNSOLICITED)
        #: True once COMPRESS=DEFLATE is active.
        self.compressed = False
        self._tag_prefix = tag_prefix
        self._tag_count = 0
        self._out = bytearray()
        self._queue: deque[PendingCommand] = deque()  # not yet (completely) written
        self._in_flight: dict[str, PendingCommand] = {}  # written (perhaps partly), not done
        self._projected = ConnectionState.NOT_AUTHENTICATED  # if all sent commands succeed
        self._selecting: SelectedMailbox | None = None  # the mailbox a SELECT in flight opens
        self._closed_seen = True  # the CLOSED code of that SELECT (when one is due) arrived
        self._deflater: Deflater | None = None
        self._inflater: Inflater | None = None
        self._eof = False  # the peer closed (b"" received) while input awaits decompression
        self._closed_event: ConnectionClosed | None = None

    # --- sending --------------------------------------------------------------------------------

    def next_tag(self) -> str:
        """A tag no other command of this connection has used: ``A1``, ``A2``, ..."""
        self._tag_count += 1
        return f"{self._tag_prefix}{self._tag_count}"

    @property
    def wire_options(self) -> WireOptions:
        """The forms the server accepts now: UTF-8 strings after ENABLE UTF8=ACCEPT
        (RFC 6855 §3), non-synchronizing literals after LITERAL+/LITERAL- (RFC 7888)."""
        return WireOptions(utf8=self.utf8, literals=self.capabilities.literals)

    @property
    def utf8(self) -> bool:
        """UTF-8 is on: ENABLE UTF8=ACCEPT (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §6.3.1)."""
        return "UTF8=ACCEPT" in self.enabled or "IMAP4REV2" in self.enabled

    def send(self, item: Command | ContinuationLine) -> PendingCommand:
        """Queue a command (or answer a continuation request); returns what tracks it.

        Raises :class:`~pymailproto.errors.LocalProtocolError` for a command not allowed in the
        state the connection will be in once everything sent before it succeeds, a tag in use,
        or a continuation line nothing waits for.
        """
        if isinstance(item, ContinuationLine):
            return self._send_continuation(item)
        if not isinstance(item, Command):
            raise TypeError(f"send() takes an IMAP command, not {type(item).__name__}")
        if self._projected is ConnectionState.LOGOUT or self._closed_event is not None:
            raise LocalProtocolError("the connection is closing: no more commands")
        if item.tag in self._in_flight or any(p.tag == item.tag for p in self._queue):
            raise LocalProtocolError(f"tag {item.tag!r} is already in use")
        if any(type(p.command) is IdleCommand for p in self._in_flight.values()):
            # RFC 9051 §6.3.13: while IDLE is in progress only DONE may be sent.
            raise LocalProtocolError("an IDLE is in progress: end it with IdleDone() first")
        if self._projected not in allowed_in(item):
            raise LocalProtocolError(
                f"{item.NAME or type(item).__name__} is not allowed in the "
                f"{self._projected.value} state (RFC 9051 §6)"
            )
        target = ON_SUCCESS.get(type(item))
        if target is not None:
            self._projected = target
        pending = PendingCommand(item)
        self._queue.append(pending)
        self._write_queued()
        return pending

    def _send_continuation(self, line: ContinuationLine) -> PendingCommand:
        for pending in self._in_flight.values():
            if pending.continued and isinstance(pending.command, _INTERACTIVE):
                pending.continued = False
                self._emit(line.to_bytes(self.wire_options), trace_command(line))
                return pending
        raise LocalProtocolError(f"{type(line).__name__}: no continuation request awaits one")

    def data_to_send(self) -> bytes:
        """The octets to write now (compressed once COMPRESS is on), and forget them."""
        if not self._out:
            return b""
        data = bytes(self._out)
        self._out.clear()
        if self._deflater is not None:
            data = self._deflater.compress(data)
        return data

    def _emit(self, data: bytes, trace: str) -> None:
        self._out += data
        if self.trace is not None:
            self.trace("C: " + trace)

    def _write_queued(self) -> None:
        """Write queued commands as far as the protocol lets us."""
        queue = self._queue
        if self.greeting is None:
            return  # RFC 9051 §3: the server speaks first
        while queue:
            head = queue[0]
            if head.waiting_for_continuation:
                return
            if head._fragments is None:
                if any(isinstance(p.command, _BARRIERS) for p in self._in_flight.values()):
                    return
                if isinstance(head.command, _BARRIERS) and self._in_flight:
                    # It waits for everything before it: RFC 9051 §6.2.1 and RFC 4978 §3
                    # want no command in progress when the stream changes.
                    return
                head._fragments = head.command.fragments(self.wire_options)
                self._in_flight[head.tag] = head
                if self.clock is not None:
                    head.sent_at = self.clock()
                if self.trace is not None:
                    self.trace("C: " + trace_command(head.command, self.wire_options))
                if isinstance(head.command, (SelectCommand, ExamineCommand)):
                    self._begin_select(head.command)
            fragments = head._fragments
            while fragments:
                fragment = fragments.pop(0)
                self._out += fragment.data
                if fragments and self._waits(fragments[0]):
                    # RFC 9051 §4.3: wait for "+" before a synchronizing literal's octets.
                    head.waiting_for_continuation = True
                    return
            queue.popleft()

    @staticmethod
    def _waits(fragment: object) -> bool:
        return isinstance(fragment, LiteralFragment) and fragment.mode is LiteralMode.SYNC

    @property
    def quirks(self) -> Quirks:
        """The leniencies in force for the server's responses."""
        return self._parser.quirks

    @property
    def stream_threshold(self) -> int | None:
        """Literals of at least this many octets come as LiteralStreamed/LiteralChunk events
        instead of inside their response (None: none do)."""
        return self._parser.stream_threshold

    @stream_threshold.setter
    def stream_threshold(self, value: int | None) -> None:
        self._parser.stream_threshold = value

    def tls_started(self) -> None:
        """The TLS handshake after STARTTLS succeeded: the connection is protected now."""
        self.tls_active = True

    # --- receiving ------------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Octets from the server; ``b""`` when it closed the connection."""
        if self._inflater is not None:
            if data:
                self._inflater.feed(data)
            else:
                self._eof = True
            return
        self._parser.feed(data)

    def next_event(self) -> ClientEvent | type[NEED_DATA]:
        """The next event, or :data:`~pymailproto.imap.NEED_DATA` when more octets are needed.

        Raises :class:`~pymailproto.errors.RemoteProtocolError` when the stream cannot go on:
        a fatal framing error, a tagged response for no command, plaintext octets after a
        STARTTLS OK, an unexpected continuation request.
        """
        parser = self._parser
        while True:
            if self._closed_event is not None:
                return self._closed_event
            event = parser.next_event()
            if event is NEED_DATA:
                if parser.closed:
                    return self._connection_closed(parser.incomplete)
                inflater = self._inflater
                if inflater is not None:
                    if inflater.has_pending:
                        parser.feed(inflater.next_chunk())
                        continue
                    if self._eof:
                        self._eof = False
                        parser.feed(b"")
                        continue
                return NEED_DATA
            if isinstance(event, IMAPParseError):
                return self._parse_failure(event)
            if isinstance(event, (LiteralStreamed, LiteralChunk)):
                return event
            assert isinstance(event, Response)
            if self.trace is not None:
                self.trace("S: " + trace_response(event))
            if self._handle(event):
                return event

    def _handle(self, response: Response) -> bool:
        """Apply one response; whether to hand it to the caller."""
        kind = type(response)
        if kind is StatusResponse:
            assert isinstance(response, StatusResponse)
            if response.tag is not None:
                self._complete(response)
                return True
        elif kind is ContinuationRequest:
            return self._continuation()
        elif kind is Greeting:
            assert isinstance(response, Greeting)
            self._greeted(response)
            return True
        elif kind is Bye:
            assert isinstance(response, Bye)
            self.bye = response
            self.state = ConnectionState.LOGOUT
            self._projected = ConnectionState.LOGOUT
        self._untagged(response)
        return True

    def _greeted(self, greeting: Greeting) -> None:
        if self.greeting is not None:
            raise RemoteProtocolError("a second greeting")
        self.greeting = greeting
        # RFC 9051 §7.1.1, §7.1.4, §7.1.5: OK, PREAUTH or BYE.
        if greeting.condition is Condition.PREAUTH:
            self.state = self._projected = ConnectionState.AUTHENTICATED
        elif greeting.condition is Condition.BYE:
            self.state = self._projected = ConnectionState.LOGOUT
        else:
            self.state = ConnectionState.NOT_AUTHENTICATED
        self._take_capabilities(greeting.code)
        self._write_queued()

    def _take_capabilities(self, code: object) -> bool:
        if isinstance(code, CapabilityCode):
            self.capabilities = Capabilities(code.capabilities)
            self.capabilities_stale = False
            return True
        return False

    def _untagged(self, response: Response) -> None:
        kind = type(response)
        if kind is CapabilityResponse:
            assert isinstance(response, CapabilityResponse)
            self.capabilities = Capabilities(response.capabilities)
            self.capabilities_stale = False
        elif kind is EnabledResponse:
            assert isinstance(response, EnabledResponse)
            self.enabled |= {c.key for c in response.capabilities}
            self._parser.utf8 = self.utf8
        elif kind is StatusResponse:
            assert isinstance(response, StatusResponse)
            self._take_capabilities(response.code)
            if response.code is Code.CLOSED and self._selecting is not None:
                # RFC 9051 §7.1 CLOSED: the boundary between the old mailbox and the new.
                self._closed_seen = True
                self.selected = None
        mailbox = self._selecting if self._closed_seen and self._selecting else self.selected
        if mailbox is not None:
            mailbox.apply(response)
        # Attribute it: the first command in flight whose result it is, else unsolicited.
        exists = self.selected.exists if self.selected is not None else 0
        first: PendingCommand | None = None
        for pending in self._in_flight.values():
            if claims(pending.command, response, exists):
                pending.responses.append(response)
                return
            if first is None:
                first = pending
        if first is not None:
            first.unsolicited.append(response)
        self.unsolicited.append(response)

    def _continuation(self) -> bool:
        head = self._queue[0] if self._queue else None
        if head is not None and head.waiting_for_continuation:
            # RFC 9051 §4.3: the server is ready for the synchronizing literal's octets.
            head.waiting_for_continuation = False
            self._write_queued()
            return False
        for pending in self._in_flight.values():
            if isinstance(pending.command, _INTERACTIVE) and not pending.continued:
                pending.continued = True
                return True
        raise RemoteProtocolError("a continuation request no command is waiting for")

    def _complete(self, response: StatusResponse) -> None:
        tag = response.tag
        assert tag is not None
        pending = self._in_flight.pop(tag, None)
        if pending is None:
            raise RemoteProtocolError(f"a tagged response for no command in progress: {tag!r}")
        pending.result = response
        pending.continued = False
        if pending.waiting_for_continuation:
            # Refused before its literal (RFC 9051 §4.3: a NO or BAD instead of "+"): the rest
            # of the command is never sent.
            pending.waiting_for_continuation = False
            pending._fragments = None
            self._queue.popleft()
        command = pending.command
        # A completion is also news for the mailbox: its code (SELECT's [READ-WRITE]), and
        # RFC 7162 §6: MODSEQs seen in FETCHes may raise HIGHESTMODSEQ only now.
        selecting = isinstance(command, (SelectCommand, ExamineCommand))
        mailbox = self._selecting if selecting else self.selected
        if mailbox is not None:
            mailbox.apply(response)
        ok = response.condition is Condition.OK
        if ok:
            self._succeeded(command, response)
        else:
            target = ON_FAILURE.get(type(command))
            if target is not None:
                self.state = target
                self.selected = None
                self._selecting = None
            self._reproject()
        self._write_queued()

    def _succeeded(self, command: Command, response: StatusResponse) -> None:
        target = ON_SUCCESS.get(type(command))
        has_caps = self._take_capabilities(response.code)
        if isinstance(command, (LoginCommand, AuthenticateCommand)):
            # RFC 9051 §6.2.2/§6.2.3: a server may send new capabilities in the OK code;
            # otherwise those seen before authenticating may be out of date.
            self.capabilities_stale = not has_caps
        if target is not None:
            self.state = target
        if isinstance(command, (SelectCommand, ExamineCommand)):
            self.selected = self._selecting
            self._selecting = None
        elif isinstance(command, (CloseCommand, UnselectCommand)):
            self.selected = None
        elif isinstance(command, StartTlsCommand):
            self._after_starttls()
        elif isinstance(command, CompressCommand):
            self._after_compress()
        elif isinstance(command, EnableCommand):
            self._parser.utf8 = self.utf8

    def _after_starttls(self) -> None:
        # RFC 9051 §6.2.1: "the client MUST discard cached information about server
        # capabilities"; and octets after the OK, before the handshake, are an injection
        # attempt (the STARTTLS command injection class of bugs): refuse them.
        self.capabilities = Capabilities()
        self.capabilities_stale = True
        if self._parser.clear():
            raise RemoteProtocolError("plaintext octets received after STARTTLS's OK")

    def _after_compress(self) -> None:
        # RFC 4978 §3: "the server MUST compress starting immediately after the CRLF which
        # ends the tagged OK response"; the client compresses from its next command on.
        self.compressed = True
        self._deflater = Deflater()
        self._inflater = Inflater()
        self._inflater.feed(self._parser.clear())

    def _reproject(self) -> None:
        """Recompute the projected state after a failure: what the state will be if every
        command still queued or in flight succeeds."""
        state = self.state
        for pending in (*self._in_flight.values(), *self._queue):
            target = ON_SUCCESS.get(type(pending.command))
            if target is not None:
                state = target
        self._projected = state

    def _begin_select(self, command: SelectCommand | ExamineCommand) -> None:
        self._selecting = SelectedMailbox(command.mailbox, isinstance(command, ExamineCommand))
        # RFC 9051 §6.3.2 / RFC 7162 §3.2.11: with a mailbox selected, a server that knows
        # CLOSED sends it before the new mailbox's responses; until then they are the old one's.
        knows_closed = self.capabilities.rev2 or "QRESYNC" in self.enabled
        self._closed_seen = not (knows_closed and self.selected is not None)

    def _parse_failure(self, error: IMAPParseError) -> ParseFailure:
        if error.fatal:
            raise RemoteProtocolError(f"unreadable response stream: {error}")
        if error.tag is not None:
            pending = self._in_flight.pop(error.tag, None)
            if pending is not None:
                pending.error = RemoteProtocolError(f"unreadable completion: {error}")
                if pending.waiting_for_continuation:
                    pending.waiting_for_continuation = False
                    self._queue.popleft()
                self._reproject()
                self._write_queued()
        elif isinstance(error, ResponseRejected):
            # Over a limit (or a NUL): not a quirk to live with -- whatever command is in
            # flight may be missing part of its result, so it must not look complete.
            for pending in self._in_flight.values():
                pending.rejected.append(error)
                break
        if self.trace is not None:
            self.trace(f"S: <unreadable response: {error}>")
        return ParseFailure(error)

    def _connection_closed(self, incomplete: bool) -> ConnectionClosed:
        event = ConnectionClosed(self.bye, incomplete)
        self._closed_event = event
        self.state = self._projected = ConnectionState.LOGOUT
        if self.bye is not None:
            why = f"the server said BYE: {self.bye.text}"
        else:
            why = "the server closed the connection"
        for pending in (*self._in_flight.values(), *self._queue):
            pending.error = RemoteProtocolError(why)
        self._in_flight.clear()
        self._queue.clear()
        return event

    # --- inspection -----------------------------------------------------------------------------

    @property
    def in_flight(self) -> tuple[PendingCommand, ...]:
        """Commands written (at least in part) and not yet completed, oldest first."""
        return tuple(self._in_flight.values())

    @property
    def queued(self) -> tuple[PendingCommand, ...]:
        """Commands accepted by :meth:`send` and not yet completely written."""
        return tuple(self._queue)

    def waited(self) -> float | None:
        """Seconds since the oldest command in flight was written (needs ``clock``), or
        None when nothing is in flight: what a driver compares with its timeout."""
        if self.clock is None:
            return None
        sent = [p.sent_at for p in self._in_flight.values() if p.sent_at is not None]
        return self.clock() - min(sent) if sent else None

    def capability(self, name: Capability | str) -> bool:
        """Whether the server supports ``name`` (IMAP4rev2 implications included)."""
        return self.capabilities.has(name)
