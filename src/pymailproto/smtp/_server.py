"""The server side of an SMTP or LMTP conversation, sans I/O.

::

    conn = ServerConnection("mx.example.org")
    conn.send(Greeting(220, "mx.example.org ESMTP ready"))
    conn.receive_data(bytes_from_socket)        # b"" when the client closed
    while True:
        try:
            event = conn.next_event()            # a Command, MessageChunk, EndOfMessage, ...
        except RemoteProtocolError as exc:
            conn.send(exc.reply)                 # 500/501/503/555..., then carry on
            continue
        if event is NEED_DATA:
            break
        conn.send(decide(event))                 # every command is owed exactly one reply
    socket.sendall(conn.data_to_send())

The connection checks everything the protocol lets it check on its own: syntax, sequence
(503), parameters against what the EHLO reply advertised (555), limits (500, 452, 552), AUTH
policy (530, 504). What only the application can decide -- whether a sender or recipient is
acceptable, whether credentials are right, what to do with the message -- arrives as events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pymailproto._buffer import LineTooLong, ReceiveBuffer
from pymailproto._limits import SMTPLimits, SMTPTimeouts
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp._commands import CommandError, parse_auth_response, parse_command
from pymailproto.smtp._data import DataReader
from pymailproto.smtp._events import (
    NEED_DATA,
    Auth,
    AuthResponse,
    Bdat,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfChunk,
    EndOfMessage,
    Event,
    Helo,
    Lhlo,
    MailFrom,
    MessageChunk,
    RcptTo,
    StartTLS,
)
from pymailproto.smtp._extensions import BODY_EXTENSION, PARAM_EXTENSION, Extensions
from pymailproto.smtp._params import Body
from pymailproto.smtp._reply import Greeting, Reply
from pymailproto.smtp._state import CHUNK_STATES, TRANSITIONS, State

__all__ = ["DEFAULT_SERVER_EXTENSIONS", "ServerConnection"]

#: Extensions a server offers unless told otherwise. SIZE follows ``limits.max_message_size``;
#: STARTTLS and AUTH follow their own arguments.
DEFAULT_SERVER_EXTENSIONS = frozenset(
    {"PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN"}
)
_OPTIONAL = DEFAULT_SERVER_EXTENSIONS


# Octets each extension adds to the MAIL/RCPT command line limit: RFC 1870 §3 item 5 (SIZE),
# RFC 4954 §3 item 5 (AUTH=), RFC 6531 §3.1 item 5 (SMTPUTF8), RFC 3030 §3 item 8
# (BODY=BINARYMIME), RFC 3461 §5.4 (DSN: lines of at least 1036 octets).
_LINE_ALLOWANCE = {"SIZE": 26, "AUTH": 500, "SMTPUTF8": 10, "BINARYMIME": 16, "DSN": 524}


class _Rejected:
    """The unit a conn-generated error reply answers; remembers where the state goes.

    ``copies``: how many times the reply goes out -- in LMTP a refused end of data is
    still answered once per accepted recipient (RFC 2033 §4.2, §4.3).
    """

    __slots__ = ("after", "copies")

    def __init__(self, after: State, copies: int = 1) -> None:
        self.after = after
        self.copies = copies


_GREETING = object()


class ServerConnection:
    """An SMTP (or, with ``lmtp=True``, LMTP) server conversation as a state machine.

    Arguments say what this server offers; the EHLO reply built by :meth:`ehlo_reply`
    advertises exactly that, and whatever reply is actually sent to EHLO is what later
    commands are checked against.

    * ``hostname`` -- the name the server gives in its replies.
    * ``extensions`` -- names from :data:`DEFAULT_SERVER_EXTENSIONS` to offer.
    * ``starttls`` -- offer STARTTLS (the transport has a TLS context); ``tls_active`` --
      the connection is already encrypted (implicit TLS).
    * ``auth_mechanisms`` -- SASL mechanisms to offer; with ``auth_requires_tls`` (the
      default) they are offered and accepted only under TLS.
    * ``require_auth`` -- MAIL is refused with 530 until the client authenticated.
    * ``strict_line_endings`` -- reject DATA messages containing a bare CR or LF, or a NUL
      (default).
    """

    def __init__(
        self,
        hostname: str = "localhost",
        *,
        lmtp: bool = False,
        limits: SMTPLimits | None = None,
        timeouts: SMTPTimeouts | None = None,
        extensions: Iterable[str] = DEFAULT_SERVER_EXTENSIONS,
        starttls: bool = False,
        tls_active: bool = False,
        auth_mechanisms: Sequence[str] = (),
        auth_requires_tls: bool = True,
        require_auth: bool = False,
        strict_line_endings: bool = True,
        trace: Callable[[str], None] | None = None,
    ) -> None:
        offered = {name.upper() for name in extensions}
        unknown = offered - _OPTIONAL
        if unknown:
            raise ValueError(f"unknown or non-optional extensions: {sorted(unknown)}")
        Ehlo(hostname)  # validates the name: it goes into replies
        self.hostname = hostname
        self.lmtp = lmtp
        self.limits = limits or SMTPLimits()
        self.timeouts = timeouts or SMTPTimeouts()
        self.offered = frozenset(offered)
        self.starttls = starttls
        self.tls_active = tls_active
        self.auth_mechanisms = tuple(Auth(m.upper()).mechanism for m in auth_mechanisms)
        self.auth_requires_tls = auth_requires_tls
        self.require_auth = require_auth
        self.strict_line_endings = strict_line_endings
        #: Called with each ``C: ...``/``S: ...`` line, credentials masked and message
        #: content summarised (a callback, not I/O: the core stays pure).
        self.trace = trace

        self.state = State.GREETING
        self.advertised = Extensions()
        #: The client's EHLO/HELO/LHLO domain, once accepted.
        self.client_name: str | None = None
        #: True once a 235 was sent (RFC 4954 §4).
        self.authenticated = False
        #: The accepted MAIL of the transaction in progress, and how many RCPTs were accepted.
        self.mail: MailFrom | None = None
        self.recipient_count = 0

        self._buffer = ReceiveBuffer()
        self._pending = self._buffer.data  # the same bytearray, to test for input cheaply
        self._out = bytearray()
        self._peer_closed = False
        self._owed: object | None = _GREETING
        self._replies_left = 0  # LMTP: replies still owed after the end of data
        self._bad_commands = 0
        self._reader: DataReader | None = None
        self._chunk_left = 0  # octets of the current BDAT chunk not yet received
        self._chunk: Bdat | None = None
        self._chunk_error: Reply | None = None  # BDAT to refuse once its octets are read
        self._chunk_size = 0  # octets received in this BDAT transaction
        self._data_done = False  # the end of data was read; EndOfMessage is next
        self._injected = 0  # octets found pipelined behind STARTTLS

    # ------------------------------------------------------------------ public API

    @property
    def timeout(self) -> float:
        """Seconds to wait for the client before giving up (RFC 5321 §4.5.3.2.7)."""
        return self.timeouts.server

    @property
    def auth_offered(self) -> bool:
        """Whether AUTH is offered now (mechanisms exist and TLS policy is satisfied)."""
        return bool(self.auth_mechanisms) and (self.tls_active or not self.auth_requires_tls)

    @property
    def starttls_injected(self) -> int:
        """Octets that were pipelined behind STARTTLS and discarded (RFC 3207 §5).

        Non-zero right after the 220 to STARTTLS is queued: the transport must then close the
        connection instead of starting the handshake.
        """
        return self._injected

    def ehlo_reply(self, greeting: str | None = None) -> Reply:
        """The 250 reply to EHLO/LHLO advertising exactly what this connection offers."""
        lines = [greeting or self.hostname]
        size = self.limits.max_message_size
        # RFC 1870 §4: SIZE 0 means no fixed limit.
        lines.append(f"SIZE {size or 0}")
        order = [
            "PIPELINING",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            "CHUNKING",
            "BINARYMIME",
            "DSN",
        ]
        lines += [name for name in order if name in self.offered]
        if self.starttls and not self.tls_active:
            lines.append("STARTTLS")  # RFC 3207 §4.2: never offered again under TLS
        if self.auth_offered:
            lines.append("AUTH " + " ".join(self.auth_mechanisms))
        return Reply(250, lines)

    def receive_data(self, data: bytes) -> None:
        """Feed bytes received from the client; ``b""`` means it closed the connection."""
        if data:
            if self._peer_closed:
                raise LocalProtocolError("data received after the peer closed")
            self._buffer.feed(data)
        else:
            self._peer_closed = True

    def data_to_send(self) -> bytes:
        """Take the bytes queued for the client."""
        out = bytes(self._out)
        self._out.clear()
        return out

    def next_event(self) -> Event | type[NEED_DATA]:
        """The next event from the client, or :data:`NEED_DATA`.

        Raises :class:`RemoteProtocolError` for input the server must refuse; its ``reply``
        is owed to the client (send it and go on), or is ``None`` with ``fatal`` set when
        the connection must be closed without a reply.
        """
        if self.state is State.CLOSED:
            return ConnectionClosed()  # the conversation is over, whoever ended it
        if (
            not self._pending
            and self._owed is None
            and not (self._peer_closed or self._injected)
            and self._reader is None
            and self._chunk is None
        ):
            return NEED_DATA  # the common wait, answered without looking further
        if self._owed is _GREETING:
            raise LocalProtocolError("send the greeting first")
        if self._owed is not None:
            raise LocalProtocolError(f"a reply is owed to {self._owed!r} first")
        if self._injected:
            octets, self._injected = self._injected, 0
            self.state = State.CLOSED
            raise RemoteProtocolError(
                f"{octets} octets were pipelined behind STARTTLS; discarded (RFC 3207 §5)",
                None,
                fatal=True,
            )
        if self.state is State.DATA:
            return self._next_data_event()
        if self._chunk is not None:
            return self._next_chunk_event()
        return self._next_command()

    def send(self, reply: Reply) -> None:
        """Queue the reply owed to the last event (or a greeting, or an unsolicited 421)."""
        if not isinstance(reply, Reply):
            raise LocalProtocolError("a server sends Reply values")
        unit = self._owed
        code = reply.code
        if unit is None:
            # RFC 5321 §3.8: a server may announce its shutdown with 421 at any time.
            if code != 421:
                raise LocalProtocolError("no reply is owed now (only 421 may be sent unasked)")
            self._queue(reply, State.CLOSED)
            return
        if self._replies_left > 1 and code != 421:
            # RFC 2033 §4.2: LMTP answers the end of data once per accepted recipient.
            if reply.is_intermediate:
                raise LocalProtocolError("an LMTP delivery reply cannot be 3yz")
            self._queue(reply, self.state)  # may refuse the reply: count it only once queued
            self._replies_left -= 1
            return
        copies = 1
        if unit is _GREETING:
            target = TRANSITIONS[(State.GREETING, Greeting)].target(code)
        elif type(unit) is _Rejected:
            if not reply.is_error:
                raise LocalProtocolError("a refused command must get an error reply")
            target = unit.after
            copies = unit.copies
        else:
            transition = TRANSITIONS.get((self.state, type(unit)))
            target = transition.target(code) if transition else None
        if code == 421:
            target = State.CLOSED  # RFC 5321 §3.8
            copies = 1
        if target is None:
            raise LocalProtocolError(f"{code} is not a valid reply to {unit!r}")
        self._queue(reply, target, copies)
        self._owed = None
        self._replies_left = 0
        if code < 300:
            learn = _LEARN.get(type(unit))
            if learn is not None:
                learn(self, unit, reply)
        if target is State.DATA:
            self._reader = DataReader(
                max_line=self.limits.max_text_line,
                max_size=self.limits.max_message_size,
                strict=self.strict_line_endings,
            )
        elif target in _OUTSIDE_TRANSACTION:
            self.mail = None
            self.recipient_count = 0
            self._chunk_size = 0

    # ------------------------------------------------------------------ replies

    # What a positive reply establishes, one method per command (see _LEARN below).

    def _learn_ehlo(self, unit: Ehlo | Lhlo, reply: Reply) -> None:
        self.advertised = Extensions.from_reply(reply)
        self.client_name = unit.domain

    def _learn_helo(self, unit: Helo, reply: Reply) -> None:
        self.advertised = Extensions()
        self.client_name = unit.domain

    def _learn_mail(self, unit: MailFrom, reply: Reply) -> None:
        self.mail = unit
        self.recipient_count = 0
        self._chunk_size = 0

    def _learn_rcpt(self, unit: RcptTo, reply: Reply) -> None:
        self.recipient_count += 1

    def _learn_auth(self, unit: Auth | AuthResponse, reply: Reply) -> None:
        self.authenticated = True

    def _learn_starttls(self, unit: StartTLS, reply: Reply) -> None:
        # RFC 3207 §4.2: forget everything learnt before the handshake. Anything already
        # buffered came in plaintext behind STARTTLS: discard it (RFC 3207 §5, the
        # "STARTTLS command injection" class of bugs) and refuse to go on.
        self._injected = self._buffer.clear()
        self.tls_active = True
        self.authenticated = False
        self.advertised = Extensions()
        self.client_name = None

    def _queue(self, reply: Reply, target: State, copies: int = 1) -> None:
        limit = self.limits.max_reply_line
        data = reply.to_bytes()
        # A reply shorter than the limit cannot hold a line longer than it.
        if len(data) > limit and max(map(len, data.split(b"\r\n"))) + 2 > limit:
            raise LocalProtocolError(f"a reply line exceeds {limit} octets (RFC 5321 §4.5.3.1.5)")
        self._out += data * copies
        self.state = target
        if self.trace is not None:
            for _ in range(copies):
                for line in data.decode("utf-8", "replace").split("\r\n")[:-1]:
                    self.trace("S: " + line)

    # ------------------------------------------------------------------ commands

    def _next_command(self) -> Event | type[NEED_DATA]:
        in_auth = self.state is State.AUTH
        # RFC 4954 §4: AUTH lines may be up to 12288 octets; read with that allowance
        # when AUTH is possible, then hold other commands to the 512 of RFC 5321.
        auth_possible = in_auth or self.auth_offered
        try:
            raw = self._buffer.next_line(
                self._auth_read_limit if auth_possible else self._line_limit
            )
        except LineTooLong:
            # RFC 4954 §4: a line of the exchange -- a response, or the AUTH command with its
            # initial response -- longer than the buffer fails AUTH with 500 5.5.6.
            if in_auth or (auth_possible and self._buffer.peek(5).upper() == b"AUTH "):
                return self._reject(
                    Reply(500, "Authentication Exchange line is too long", "5.5.6"),
                    State.READY if in_auth else None,
                )
            # RFC 5321 §4.5.3.1.9: "500 Line too long"
            return self._reject(Reply(500, "Line too long", "5.5.2"))
        if raw is None:
            if self._peer_closed:
                self.state = State.CLOSED
                return ConnectionClosed()
            return NEED_DATA
        if self.trace is not None:
            self.trace("C: " + _masked(raw, in_auth))
        if in_auth:
            try:
                event: Command = parse_auth_response(raw)
            except CommandError as exc:
                return self._reject(exc.reply, State.READY)
            return self._owe(event)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self._reject(Reply(500, "Command line is not valid UTF-8", "5.5.2"))
        try:
            command = parse_command(line, lmtp=self.lmtp)
        except CommandError as exc:
            return self._reject(exc.reply)
        kind = type(command)
        line_limit = (
            self._line_limit if kind is MailFrom or kind is RcptTo else self.limits.max_command_line
        )
        # RFC 4954 §4: only AUTH, and only where it is offered, gets the longer allowance.
        if len(raw) + 2 > line_limit and not (kind is Auth and auth_possible):
            return self._reject(Reply(500, "Line too long", "5.5.2"))
        refusal = self._check(command)
        if kind is Bdat:
            assert isinstance(command, Bdat)
            return self._start_chunk(command, refusal)
        if refusal is not None:
            return self._reject(refusal)
        return self._owe(command)

    @property
    def advertised(self) -> Extensions:
        """The extensions the last positive EHLO/LHLO reply advertised (empty after HELO)."""
        return self._advertised

    @advertised.setter
    def advertised(self, extensions: Extensions) -> None:
        self._advertised = extensions
        #: RFC 2034 §3: enhanced status codes go out only once ENHANCEDSTATUSCODES was offered.
        self.enhanced_status_codes = "ENHANCEDSTATUSCODES" in extensions
        extra = sum(n for name, n in _LINE_ALLOWANCE.items() if name in extensions)
        self._line_limit = self.limits.max_command_line + extra
        self._auth_read_limit = max(self.limits.max_auth_line, self._line_limit)

    def _owe(self, command: Command) -> Command:
        self._owed = command
        return command

    def _reject(self, reply: Reply, after: State | None = None, copies: int = 1) -> Event:
        """Count a bad command and raise the error carrying the reply it is owed."""
        self._bad_commands += 1
        fatal = self._bad_commands >= self.limits.max_bad_commands
        if fatal:
            reply = Reply(421, f"{self.hostname} Too many errors, closing connection", "4.7.0")
        self._owed = _Rejected(after or self.state, copies)
        raise RemoteProtocolError(reply.text_lines[0], self._for_client(reply), fatal=fatal)

    def _for_client(self, reply: Reply) -> Reply:
        # RFC 2034 §4: enhanced codes only once ENHANCEDSTATUSCODES was advertised.
        if reply.enhanced and not self.enhanced_status_codes:
            return reply.without_enhanced()
        return reply

    def _check(self, command: Command) -> Reply | None:
        """The reply refusing ``command`` in the current session, or None if it may proceed."""
        state = self.state
        kind = type(command)
        if kind is Bdat:
            assert isinstance(command, Bdat)
            if "CHUNKING" not in self.advertised:
                return Reply(502, "BDAT not available (CHUNKING not offered)", "5.5.1")
            if state not in CHUNK_STATES:
                if state is State.MAIL:
                    return Reply(554, "No valid recipients", "5.5.1")
                return Reply(503, "Bad sequence of commands", "5.5.1")
            return self._check_size(self._chunk_size + command.size)
        if (state, kind) not in TRANSITIONS:
            return _sequence_error(state, command)
        if kind is MailFrom:
            assert isinstance(command, MailFrom)
            if self.require_auth and not self.authenticated:
                return Reply(530, "Authentication required", "5.7.0")  # RFC 4954 §6
            return self._check_mail(command)
        if kind is RcptTo:
            assert isinstance(command, RcptTo)
            return self._check_rcpt(command)
        if kind is Data:
            if state is State.MAIL:
                # RFC 2920 §3.2 item 3 and RFC 5321 §3.3: no valid recipient, no 354. RFC
                # 2033 §4.2: in LMTP such a DATA "MUST fail with a 503 reply code".
                return Reply(503 if self.lmtp else 554, "No valid recipients", "5.5.1")
            if self.mail and self.mail.params.body is Body.BINARYMIME:
                # RFC 3030 §3: BINARYMIME messages must be sent with BDAT.
                return Reply(503, "BODY=BINARYMIME requires BDAT", "5.5.1")
            return None
        if kind is StartTLS:
            if self.tls_active:
                return Reply(503, "TLS already active", "5.5.1")  # RFC 3207 §4.2
            if "STARTTLS" not in self.advertised:
                return Reply(502, "STARTTLS not available", "5.5.1")
        elif kind is Auth:
            assert isinstance(command, Auth)
            return self._check_auth(command)
        return None

    def _check_auth(self, command: Auth) -> Reply | None:
        if self.authenticated:
            return Reply(503, "Already authenticated", "5.5.1")  # RFC 4954 §4
        if self.auth_mechanisms and not self.auth_offered:
            # RFC 3207 §4: the reply a server gives when TLS must come first.
            return Reply(530, "Must issue a STARTTLS command first", "5.7.0")
        if "AUTH" not in self.advertised:
            return Reply(502, "AUTH not available", "5.5.1")
        if command.mechanism not in self.advertised.auth_mechanisms:
            return Reply(504, "Unrecognized authentication type", "5.5.4")  # RFC 4954 §4
        return None

    def _check_params(self, keywords: Sequence[str]) -> Reply | None:
        # keywords() includes unknown (extra) parameters: they have no extension, so 555.
        for keyword in keywords:
            needed = PARAM_EXTENSION.get(keyword)
            if needed is None or needed not in self.advertised:
                # RFC 5321 §4.1.1.11: 555 for a parameter not recognised or not implemented.
                return Reply(555, f"{keyword} parameter not supported", "5.5.4")
        return None

    def _check_mail(self, command: MailFrom) -> Reply | None:
        params = command.params
        body = params.body
        keywords = params.keywords()
        if keywords:
            refusal = self._check_params([k for k in keywords if k != "BODY"])
            if refusal:
                return refusal
        if body is not None and BODY_EXTENSION[body] not in self.advertised:
            return Reply(555, f"BODY={body.value} not supported", "5.5.4")
        # A non-ASCII sender without SMTPUTF8 never gets here: the parser answers 553 5.6.7.
        if params.size is not None:
            # RFC 1870 §6.1: refuse at MAIL when the declared size is over the limit.
            return self._check_size(params.size)
        return None

    def _check_rcpt(self, command: RcptTo) -> Reply | None:
        keywords = command.params.keywords()
        if keywords:
            refusal = self._check_params(keywords)
            if refusal:
                return refusal
        smtputf8 = bool(self.mail and self.mail.params.smtputf8)
        if command.recipient.needs_smtputf8 and not smtputf8:
            return Reply(553, "Non-ASCII address requires SMTPUTF8", "5.6.7")
        if self.recipient_count >= self.limits.max_recipients:
            return Reply(452, "Too many recipients", "4.5.3")  # RFC 5321 §4.5.3.1.10
        return None

    def _check_size(self, size: int) -> Reply | None:
        limit = self.limits.max_message_size
        if limit is not None and size > limit:
            return Reply(552, "Message size exceeds fixed maximum message size", "5.3.4")
        return None

    # ------------------------------------------------------------------ message data

    def _next_data_event(self) -> Event | type[NEED_DATA]:
        reader = self._reader
        assert reader is not None
        if not self._data_done:
            if not self._pending and not self._peer_closed:
                return NEED_DATA
            consumed, content, ended = reader.read(self._buffer.peek())
            self._buffer.take(consumed)
            self._data_done = ended
            if content:
                self._trace_content(len(content))
                return MessageChunk(content)  # the end, if reached, comes on the next call
            if not ended:
                if self._peer_closed:
                    self.state = State.CLOSED
                    return ConnectionClosed()
                return NEED_DATA
        self._reader = None
        self._data_done = False
        if self.trace is not None:
            self.trace("C: .")
        if reader.error is not None:
            # The whole message is refused; this is not counted as a bad command.
            self._owed = _Rejected(State.READY, self._end_replies(last=True))
            raise RemoteProtocolError(reader.error.text_lines[0], self._for_client(reader.error))
        return self._end_of_message()

    def _trace_content(self, size: int) -> None:
        if self.trace is not None:
            self.trace(f"C: [{size} octets of message data]")

    def _end_replies(self, last: bool) -> int:
        """How many replies the end of data (or of a BDAT chunk) is owed."""
        # RFC 2033 §4.2, §4.3: in LMTP one reply per accepted recipient follows the end of
        # data and BDAT LAST -- a refusal too, or the client would wait for the rest.
        return max(self.recipient_count, 1) if self.lmtp and last else 1

    def _end_of_message(self) -> Event:
        event = EndOfMessage()
        self._replies_left = self._end_replies(last=True)
        self._owed = event
        return event

    def _start_chunk(self, command: Bdat, refusal: Reply | None) -> Event | type[NEED_DATA]:
        self._chunk = command
        self._chunk_left = command.size
        self._chunk_error = refusal
        if refusal is None:
            self._chunk_size += command.size
            return command
        return self._next_chunk_event()

    def _next_chunk_event(self) -> Event | type[NEED_DATA]:
        chunk = self._chunk
        assert chunk is not None
        if self._chunk_left:
            data = self._buffer.take(self._chunk_left)
            self._chunk_left -= len(data)
            if not data:
                if self._peer_closed:
                    self.state = State.CLOSED
                    return ConnectionClosed()
                return NEED_DATA
            if self._chunk_error is None:
                self._trace_content(len(data))
                return MessageChunk(data)
            if self._chunk_left:
                return self._next_chunk_event()
        self._chunk = None
        if self._chunk_error is not None:
            error, self._chunk_error = self._chunk_error, None
            # RFC 3030 §2: a refused chunk's octets are read and discarded, then refused;
            # a transaction in progress is over.
            in_transaction = self.state in (State.MAIL, State.RCPT, State.BDAT)
            after = State.READY if in_transaction else None
            return self._reject(error, after, self._end_replies(chunk.last))
        if chunk.last:
            return self._end_of_message()
        event = EndOfChunk(chunk.size)
        self._replies_left = 1
        self._owed = event
        return event


_Learner = Callable[[ServerConnection, Any, Reply], None]
#: Command type -> what a positive reply to it establishes.
_LEARN: dict[type, _Learner] = {
    Ehlo: ServerConnection._learn_ehlo,
    Lhlo: ServerConnection._learn_ehlo,
    Helo: ServerConnection._learn_helo,
    MailFrom: ServerConnection._learn_mail,
    RcptTo: ServerConnection._learn_rcpt,
    Auth: ServerConnection._learn_auth,
    AuthResponse: ServerConnection._learn_auth,
    StartTLS: ServerConnection._learn_starttls,
}
_OUTSIDE_TRANSACTION = frozenset({State.READY, State.CONNECTED, State.CLOSED})


def _sequence_error(state: State, command: Command) -> Reply:
    if state is State.REFUSED:
        return Reply(503, "Service refused; only QUIT is accepted", "5.5.1")
    if state is State.CONNECTED:
        return Reply(503, "Send EHLO or HELO first", "5.5.1")
    if isinstance(command, MailFrom):
        return Reply(503, "Nested MAIL command", "5.5.1")
    if isinstance(command, RcptTo):
        return Reply(503, "Need MAIL before RCPT", "5.5.1")
    if isinstance(command, Data) and state is State.BDAT:
        # RFC 3030 §2: DATA and BDAT cannot be mixed in one transaction.
        return Reply(503, "DATA after BDAT in one transaction", "5.5.1")
    return Reply(503, "Bad sequence of commands", "5.5.1")


def _masked(line: bytes, in_auth: bool) -> str:
    """A received line for the trace, with SASL data replaced (RFC 4954 payloads are secrets)."""
    if in_auth:
        return "*" if line == b"*" else "[credentials]"
    text = line.decode("utf-8", "replace")
    words = text.split(" ")
    if words[0].upper() == "AUTH" and len(words) > 2:
        return f"{words[0]} {words[1]} [credentials]"
    return text
