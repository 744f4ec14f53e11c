"""The server side of an IMAP conversation, sans I/O.

::

    conn = ServerConnection()
    conn.send(Greeting(Condition.OK, "ready", CapabilityCode(["IMAP4rev1", "IDLE"])))
    sock.sendall(conn.data_to_send())         # * OK [CAPABILITY IMAP4rev1 IDLE] ready
    conn.receive_data(sock.recv(65536))
    event = conn.next_event()                 # a Command, a CommandError (answer BAD) ...
    conn.send(StatusResponse(Condition.OK, "done", tag=event.tag))

What the connection does for its caller (the session that answers the commands):

* **framing and grammar** -- a :class:`~._command_parser.CommandParser` under the limits;
* **literals** -- a synchronizing literal's announcement is answered with ``+`` when the
  command so far is valid in the current state, and refused with a tagged BAD otherwise, so a
  client cannot make the server read a message it will refuse (RFC 9051 §4.3, RFC 7888); a
  big APPEND literal is handed out in chunks as it arrives (``stream_threshold``), so a
  100 MB message never sits in the connection's memory;
* **state** -- NOT_AUTHENTICATED / AUTHENTICATED / SELECTED / LOGOUT from the one table of
  :mod:`._states`, advanced when the session *sends* a command's tagged OK (or, for SELECT and
  EXAMINE, a NO); a command sent in the wrong state comes out as a :class:`CommandError` --
  answer it with BAD like any other;
* **continuations** -- after the session sends ``+`` to an AUTHENTICATE or IDLE, the next
  line is read as the continuation (:class:`~pymailproto.imap.AuthenticateResponse`,
  :class:`~pymailproto.imap.IdleDone`);
* **STARTTLS** -- :meth:`start_tls` after sending the OK: octets the client sent after its
  STARTTLS and before the handshake are discarded (RFC 9051 §6.2.1; the injection attack);
* **COMPRESS=DEFLATE** -- after the OK is sent, both directions are compressed (RFC 4978 §3);
* **UTF-8** -- once the session sends ``* ENABLED UTF8=ACCEPT`` (or IMAP4rev2), commands are
  read and responses written with UTF-8 strings (RFC 6855 §3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pymailproto._limits import IMAPLimits
from pymailproto.errors import LocalProtocolError
from pymailproto.imap._client_trace import trace_command, trace_response
from pymailproto.imap._command_base import Command
from pymailproto.imap._command_parser import CommandError, CommandParser
from pymailproto.imap._commands_auth import AppendCommand, CompressCommand, IdleCommand
from pymailproto.imap._commands_nonauth import AuthenticateCommand, StartTlsCommand
from pymailproto.imap._commands_special import ContinuationLine
from pymailproto.imap._compress import Deflater, Inflater
from pymailproto.imap._framing_events import (
    NEED_DATA,
    LiteralAnnounced,
    LiteralChunk,
    LiteralStreamed,
)
from pymailproto.imap._response_base import (
    Bye,
    Condition,
    ContinuationRequest,
    Greeting,
    Response,
    StatusResponse,
)
from pymailproto.imap._responses_data import EnabledResponse
from pymailproto.imap._states import ALLOWED, ON_FAILURE, ON_SUCCESS, ConnectionState
from pymailproto.imap._values import LiteralSupport, WireOptions

__all__ = ["ClientClosed", "ServerConnection", "ServerEvent"]

#: RFC 9051 §5.4: a server MUST NOT log out an authenticated client idle for less than this.
DEFAULT_IDLE_TIMEOUT = 30 * 60.0

#: APPEND literals from this size on are streamed (see ``stream_threshold``).
DEFAULT_STREAM_THRESHOLD = 256 * 1024

#: "tag SP [UID SP] name": the command a literal announcement belongs to.
_NAME = re.compile(rb"[^ ]+ (?:(?i:UID) )?([A-Za-z]+)")
_BY_NAME = {cls.NAME: cls for cls in ALLOWED}


@dataclass(frozen=True, slots=True)
class ClientClosed:
    """The client closed the connection (``incomplete``: in the middle of a command)."""

    incomplete: bool = False


#: What :meth:`ServerConnection.next_event` returns (besides ``NEED_DATA``).
ServerEvent = (
    Command | CommandError | ContinuationLine | LiteralStreamed | LiteralChunk | ClientClosed
)


class ServerConnection:
    """An IMAP server conversation as a state machine; see the module docstring.

    ``literals``: the non-synchronizing literals the server advertises (LITERAL+ / LITERAL-;
    IMAP4rev2 servers accept LITERAL-). ``state``: where the conversation starts
    (``AUTHENTICATED`` after a PREAUTH greeting).
    """

    def __init__(
        self,
        limits: IMAPLimits | None = None,
        *,
        literals: LiteralSupport = LiteralSupport.SYNC_ONLY,
        state: ConnectionState = ConnectionState.NOT_AUTHENTICATED,
        stream_threshold: int | None = DEFAULT_STREAM_THRESHOLD,
        trace: Callable[[str], None] | None = None,
    ) -> None:
        self.limits = limits or IMAPLimits()
        #: Called with each ``C: ...``/``S: ...`` line, credentials masked, literals summarised.
        self.trace = trace
        #: An APPEND literal of at least this many octets comes as LiteralStreamed and
        #: LiteralChunk events, for the session to write to the store as they arrive
        #: (None: held whole, up to ``limits.max_literal_size``).
        self.stream_threshold = stream_threshold
        self._parser = CommandParser(self.limits, literals=literals)
        #: Where the conversation stands.
        self.state = state
        #: UTF-8 strings are on (ENABLE UTF8=ACCEPT / IMAP4rev2 acknowledged).
        self.utf8 = False
        #: True once COMPRESS=DEFLATE is active.
        self.compressed = False
        #: True under TLS (implicit, or after :meth:`start_tls`).
        self.tls_active = False
        #: Seconds a driver waits for the client, and for a write to proceed (RFC 9051 §5.4:
        #: at least 30 minutes before an authenticated client is logged out). Only drivers
        #: read them.
        self.timeout = DEFAULT_IDLE_TIMEOUT
        self.write_timeout = DEFAULT_IDLE_TIMEOUT
        self._out = bytearray()
        self._commands: dict[str, Command] = {}  # read, not yet completed
        self._continuing: AuthenticateCommand | IdleCommand | None = None
        self._deflater: Deflater | None = None
        self._inflater: Inflater | None = None
        self._barrier: StartTlsCommand | CompressCommand | None = None
        self._eof = False
        self._closed: ClientClosed | None = None

    # --- receiving ------------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Octets from the client; ``b""`` when it closed the connection."""
        if self._inflater is not None:
            if data:
                self._inflater.feed(data)
            else:
                self._eof = True
            return
        self._parser.feed(data)

    def next_event(self) -> ServerEvent | type[NEED_DATA]:
        """The next command (or error to answer with BAD, or continuation line), or
        :data:`~pymailproto.imap.NEED_DATA`."""
        parser = self._parser
        while True:
            if self._closed is not None:
                return self._closed
            if self._barrier is not None:
                # What follows STARTTLS or COMPRESS is not plain IMAP: it stays unread until
                # the command's answer says how (RFC 9051 §6.2.1, RFC 4978 §3).
                return NEED_DATA
            event = parser.next_event()
            if event is NEED_DATA:
                if parser.closed:
                    self._closed = ClientClosed(parser.incomplete)
                    self.state = ConnectionState.LOGOUT
                    continue
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
            if isinstance(event, LiteralAnnounced):
                refused = self._literal(event)
                if refused is not None:
                    return refused
                continue
            if isinstance(event, Command):
                if self.trace is not None:
                    self.trace("C: " + trace_command(event, self.wire_options))
                return self._command(event)
            if isinstance(event, ContinuationLine):
                if self.trace is not None:
                    self.trace("C: " + trace_command(event))
                self._continuing = None
                return event
            if isinstance(event, (LiteralStreamed, LiteralChunk)):
                return event
            assert isinstance(event, CommandError)
            return event

    def _literal(self, event: LiteralAnnounced) -> CommandError | None:
        # RFC 9051 §4.3: the server answers a synchronizing literal with "+" when it will read
        # it -- not when the command is already refused (wrong state), so no octets are wasted.
        m = _NAME.match(event.prefix)
        kind = _BY_NAME.get(m.group(1).decode("ascii").upper()) if m else None
        if kind is not None and self.state not in ALLOWED[kind]:
            self._parser.refuse_literal()
            why = f"{kind.NAME} is not valid in the {self.state.value} state"
            return CommandError(event.tag, why)
        threshold = self.stream_threshold
        stream = kind is AppendCommand and threshold is not None and event.length >= threshold
        self._parser.accept_literal(stream=stream)
        self._emit(ContinuationRequest("Ready for literal data"))
        return None

    def _command(self, command: Command) -> Command | CommandError:
        allowed = ALLOWED.get(type(command))
        if allowed is not None and self.state not in allowed:
            # RFC 9051 §6: each command is valid in its states only; BAD elsewhere.
            return CommandError(
                command.tag, f"{command.NAME} is not valid in the {self.state.value} state"
            )
        if command.tag in self._commands:
            return CommandError(command.tag, "a command with this tag is still in progress")
        self._commands[command.tag] = command
        if isinstance(command, (StartTlsCommand, CompressCommand)):
            self._barrier = command
        return command

    # --- sending --------------------------------------------------------------------------------

    @property
    def wire_options(self) -> WireOptions:
        """How responses are written: UTF-8 once enabled; synchronizing literals only
        (RFC 9051 §4.3: "{n+}" is never sent by a server)."""
        return WireOptions(utf8=self.utf8)

    def send(self, response: Response) -> None:
        """Queue a response; a tagged status completes its command (and moves the state)."""
        if self._closed is not None and not isinstance(response, Bye):
            return  # the client is gone: nothing to write to
        if isinstance(response, Greeting):
            self.send_greeting(response)
            return
        if isinstance(response, ContinuationRequest):
            self._emit(response)
            self._continue()
            return
        if isinstance(response, EnabledResponse):
            names = {c.key for c in response.capabilities}
            if "UTF8=ACCEPT" in names or "IMAP4REV2" in names:
                self._emit(response)
                self.utf8 = self._parser.utf8 = True
                return
        if isinstance(response, Bye):
            self._emit(response)
            self.state = ConnectionState.LOGOUT
            return
        self._emit(response)
        if isinstance(response, StatusResponse) and response.tag is not None:
            self._completed(response)

    def _emit(self, response: Response) -> None:
        if self.trace is not None:
            self.trace("S: " + trace_response(response))
        data = response.to_bytes(self.wire_options)
        if self._deflater is not None:
            data = self._deflater.compress(data)
        self._out += data

    def _continue(self) -> None:
        # A "+" for an AUTHENTICATE or IDLE in progress: its next line is a continuation.
        for command in reversed(self._commands.values()):
            if isinstance(command, (AuthenticateCommand, IdleCommand)):
                self._continuing = command
                self._parser.expect_continuation(command)
                return

    def _completed(self, response: StatusResponse) -> None:
        tag = response.tag
        assert tag is not None
        if tag not in self._commands:
            if response.condition is Condition.BAD:
                return  # the answer to a CommandError: a command that never got in
            raise LocalProtocolError(f"a tagged response for no command in progress: {tag!r}")
        command = self._commands.pop(tag)
        if self._barrier is command and not (
            isinstance(command, StartTlsCommand) and response.condition is Condition.OK
        ):
            self._barrier = None  # STARTTLS OK: held until start_tls()
        if self._continuing is command:
            self._continuing = None
            self._parser.expect_continuation(None)
        if response.condition is Condition.OK:
            target = ON_SUCCESS.get(type(command))
            if isinstance(command, CompressCommand):
                # RFC 4978 §3: compressed "starting immediately after the CRLF which ends
                # the tagged OK response", both ways.
                self._deflater = Deflater()
                self._inflater = Inflater()
                self._inflater.feed(self._parser.clear())
                self.compressed = True
        else:
            target = ON_FAILURE.get(type(command)) if response.condition is Condition.NO else None
        if target is not None:
            self.state = target

    def send_greeting(self, greeting: Greeting) -> None:
        """Queue the greeting (PREAUTH puts the connection in the authenticated state)."""
        self._emit(greeting)
        if greeting.condition is Condition.PREAUTH:
            self.state = ConnectionState.AUTHENTICATED
        elif greeting.condition is Condition.BYE:
            self.state = ConnectionState.LOGOUT

    def data_to_send(self) -> bytes:
        """The octets to write now, and forget them."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def start_tls(self) -> bytes:
        """The TLS handshake is about to start (the OK to STARTTLS was sent): forget, and
        return, whatever the client sent after STARTTLS -- it came in plaintext and must not
        be read as commands under TLS (RFC 9051 §6.2.1)."""
        self.tls_active = True
        self._barrier = None
        return self._parser.clear()

    @property
    def in_progress(self) -> tuple[Command, ...]:
        """Commands read and not yet completed."""
        return tuple(self._commands.values())
