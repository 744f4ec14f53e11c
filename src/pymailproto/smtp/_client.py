"""The client side of an SMTP or LMTP conversation, sans I/O.

::

    conn = ClientConnection()
    conn.receive_data(greeting_bytes)
    conn.next_event()                      # Greeting(220, ...)
    ehlo = conn.send(Ehlo("client.example"))
    sock.sendall(conn.data_to_send())
    ...                                    # feed replies until ehlo.done
    conn.extensions                        # what the server advertised

``send()`` accepts commands ahead of time and returns a :class:`PendingReply` that collects
the reply (or, in LMTP, the replies) to that command. Whether a command goes on the wire at
once is decided here, from the server's extensions: with PIPELINING, commands flow in groups
that end at a command whose reply changes what may follow (RFC 2920 §3.1); without it, one
command at a time. Message content after DATA is dot-stuffed on the way out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from pymailproto._buffer import LineTooLong, ReceiveBuffer
from pymailproto._limits import SMTPLimits, SMTPTimeouts
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp._commands import format_command
from pymailproto.smtp._data import DotStuffer
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
from pymailproto.smtp._reply import Greeting, Reply, ReplyReader
from pymailproto.smtp._state import (
    CHUNK_STATES,
    GROUP_ENDERS,
    TRANSITIONS,
    State,
)

__all__ = ["ClientConnection", "PendingReply"]


class PendingReply:
    """What a client is owed for one command: filled in as replies arrive.

    ``done`` becomes true when all replies are in: one for most commands; in LMTP, one per
    accepted recipient for the end of the message (RFC 2033 §4.2).
    """

    __slots__ = ("_expected", "_wire", "command", "replies")

    def __init__(self, command: object, wire: bytes = b"") -> None:
        #: The command (or EndOfMessage, or Greeting for the greeting) being answered.
        self.command = command
        #: Replies received so far.
        self.replies: list[Reply] = []
        self._expected: int | None = None
        self._wire = bytearray(wire)

    @property
    def done(self) -> bool:
        """True once every reply owed has arrived."""
        return self._expected is not None and len(self.replies) >= self._expected

    @property
    def reply(self) -> Reply:
        """The (last) reply; a LocalProtocolError while it has not arrived yet."""
        if not self.replies:
            raise LocalProtocolError(f"no reply to {self.command!r} has arrived yet")
        return self.replies[-1]

    def __repr__(self) -> str:
        return f"PendingReply({self.command!r}, replies={self.replies!r})"


class ClientConnection:
    """An SMTP (or, with ``lmtp=True``, LMTP) client conversation as a state machine."""

    def __init__(
        self,
        *,
        lmtp: bool = False,
        limits: SMTPLimits | None = None,
        timeouts: SMTPTimeouts | None = None,
        tls_active: bool = False,
        trace: Callable[[str], None] | None = None,
    ) -> None:
        self.lmtp = lmtp
        #: Called with each ``C: ...``/``S: ...`` line as it is sent or received, secrets
        #: masked and message content summarised (a callback, not I/O: the core stays pure).
        self.trace = trace
        self.limits = limits or SMTPLimits()
        # RFC 4954 §4: a 334 challenge may be as long as an AUTH line.
        self._reply_limit = max(self.limits.max_reply_line, self.limits.max_auth_line)
        self.timeouts = timeouts or SMTPTimeouts()
        #: True under TLS (implicit, or after a successful STARTTLS).
        self.tls_active = tls_active
        #: Where the conversation stands, as established by the server's replies.
        self.state = State.GREETING
        #: The extensions of the last positive EHLO/LHLO reply.
        self.extensions = Extensions()
        #: True after a 235 reply to AUTH.
        self.authenticated = False
        #: Recipients accepted in the current transaction.
        self.recipient_count = 0

        self._buffer = ReceiveBuffer()
        self._replies = ReplyReader(self.limits.max_reply_lines)
        self._out = bytearray()
        self._peer_closed = False
        self._queue: deque[PendingReply] = deque()
        self._in_flight: deque[PendingReply] = deque([PendingReply(Greeting)])
        self._in_flight[0]._expected = 1
        #: The server's greeting, filled in when it arrives (RFC 5321 §3.1).
        self.greeting = self._in_flight[0]
        self._barriers = 1  # group-ending units in flight (the greeting is one)
        self._projected = State.CONNECTED  # the state if everything sent succeeds
        self._projected_utf8 = False
        self._projected_binary = False  # the transaction's MAIL has BODY=BINARYMIME
        self._mail_flags = (False, False)  # the same two, for the MAIL the server accepted
        self._stuffer: DotStuffer | None = None
        self._chunk: PendingReply | None = None  # a BDAT whose octets are still being sent
        self._chunk_left = 0
        # STARTTLS/AUTH/AUTH response whose reply is awaited: nothing may follow it yet.
        self._exclusive: type | None = None

    # ------------------------------------------------------------------ public API

    @property
    def timeout(self) -> float:
        """Seconds to wait for the server now (RFC 5321 §4.5.3.2)."""
        if not self._in_flight:
            return self.timeouts.data_block if self._stuffer else self.timeouts.command
        unit = self._in_flight[0].command
        if unit is Greeting:
            return self.timeouts.greeting
        if isinstance(unit, Data):
            return self.timeouts.data_initiation
        if isinstance(unit, EndOfMessage | Bdat):
            return self.timeouts.data_termination
        return self.timeouts.command

    @property
    def write_timeout(self) -> float:
        """Seconds a write may block (RFC 5321 §4.5.3.2.5, the data block timeout)."""
        return self.timeouts.data_block

    @property
    def pipelining(self) -> bool:
        """Whether commands may be sent without waiting (the server offered PIPELINING)."""
        return "PIPELINING" in self.extensions

    @property
    def in_message(self) -> bool:
        """True between the 354 reply to DATA and EndOfMessage: content may be sent."""
        return self._stuffer is not None

    @property
    def waiting(self) -> bool:
        """True while replies are owed by the server or commands wait to be sent."""
        return bool(self._in_flight or self._queue)

    def receive_data(self, data: bytes) -> None:
        """Feed bytes received from the server; ``b""`` means it closed the connection."""
        if data:
            self._buffer.feed(data)
        else:
            self._peer_closed = True

    def data_to_send(self) -> bytes:
        """Take the bytes that may go on the wire now."""
        out = bytes(self._out)
        self._out.clear()
        return out

    def send(self, unit: Command | MessageChunk | EndOfMessage) -> PendingReply | None:
        """Queue a command, a piece of message content, or the end of the message.

        Returns the :class:`PendingReply` for commands and the end of the message, ``None``
        for content. Raises :class:`LocalProtocolError` for anything out of sequence or not
        supported by what the server advertised.
        """
        if self.state is State.CLOSED or self._peer_closed:
            raise LocalProtocolError("the connection is closed")
        kind = type(unit)
        if kind is MessageChunk:
            assert isinstance(unit, MessageChunk)
            self._send_content(bytes(unit.data))
            return None
        if self._chunk is not None:
            raise LocalProtocolError(f"{self._chunk_left} octets of the BDAT chunk are unsent")
        if kind is EndOfMessage:
            return self._send_end()
        if not isinstance(unit, Command):
            raise LocalProtocolError(f"cannot send {unit!r}")
        self._check(unit)
        pending = PendingReply(unit, format_command(unit))
        if kind in _EXCLUSIVE:
            self._exclusive = kind
        self._project(unit)
        self._queue.append(pending)
        if isinstance(unit, Bdat) and unit.size:
            self._chunk, self._chunk_left = pending, unit.size
        self._pump()
        return pending

    def next_event(self) -> Event | type[NEED_DATA]:
        """The next reply (a :class:`Reply`; the first one a :class:`Greeting`), or NEED_DATA."""
        if self.state is State.CLOSED:
            return ConnectionClosed()  # the conversation is over, whoever ended it
        while True:
            try:
                line = self._buffer.next_line(self._reply_limit)
            except LineTooLong as exc:
                raise RemoteProtocolError(f"reply line longer than {exc.limit} octets") from None
            if line is None:
                if self._peer_closed:
                    self.state = State.CLOSED
                    return ConnectionClosed()
                return NEED_DATA
            if self.trace is not None:
                self.trace("S: " + line.decode("utf-8", "replace"))
            head = self._in_flight[0] if self._in_flight else None
            reply = self._replies.feed_line(
                line, greeting=head is not None and head.command is Greeting
            )
            if reply is not None:
                self._receive(reply)
                return reply

    # ------------------------------------------------------------------ sending

    def _check(self, command: Command) -> None:
        if self._exclusive is StartTLS:
            # Anything sent now would follow the handshake in plaintext: wait (RFC 3207 §4).
            raise LocalProtocolError("wait for the reply to STARTTLS before sending more")
        if self._exclusive is not None:
            # RFC 4954 §4: a 334 reply makes the next line the answer to its challenge, so
            # nothing may be queued behind AUTH (it must end a pipelined group anyway).
            raise LocalProtocolError(
                "wait for the reply to AUTH: a 334 challenge must be answered next (RFC 4954 §4)"
            )
        kind = type(command)
        if (kind is Ehlo or kind is Helo) and self.lmtp:
            raise LocalProtocolError("LMTP uses LHLO, not EHLO/HELO (RFC 2033 §4.1)")
        if kind is Lhlo and not self.lmtp:
            raise LocalProtocolError("LHLO is only for LMTP connections")
        state = self._projected
        if kind is Bdat:
            if "CHUNKING" not in self.extensions:
                raise LocalProtocolError("the server did not offer CHUNKING (RFC 3030)")
            if state not in CHUNK_STATES:
                raise LocalProtocolError(f"BDAT is out of sequence in state {state.name}")
            return
        if kind is AuthResponse:
            if self.state is not State.AUTH or self._in_flight or self._queue:
                raise LocalProtocolError("an AUTH response answers a 334 challenge")
            return
        if (state, kind) not in TRANSITIONS:
            raise LocalProtocolError(
                f"{type(command).__name__} is out of sequence in state {state.name}"
            )
        if kind is MailFrom:
            assert isinstance(command, MailFrom)
            self._check_mail(command)
        elif kind is RcptTo:
            assert isinstance(command, RcptTo)
            self._check_params(command.params.keywords())
            if command.recipient.needs_smtputf8 and not self._projected_utf8:
                raise LocalProtocolError("a non-ASCII recipient needs MAIL with SMTPUTF8")
        elif kind is Data:
            if self._projected_binary:
                # RFC 3030 §3: "BINARYMIME cannot be used with the DATA command" (503).
                raise LocalProtocolError("a BODY=BINARYMIME message must be sent with BDAT")
        elif kind is StartTLS:
            if self.tls_active:
                raise LocalProtocolError("TLS is already active (RFC 3207 §4.2)")
            if "STARTTLS" not in self.extensions:
                raise LocalProtocolError("the server did not offer STARTTLS")
        elif isinstance(command, Auth):
            if self.authenticated:
                # RFC 4954 §4: "no more AUTH commands may be issued in the same session".
                raise LocalProtocolError(
                    "already authenticated: one AUTH per session (RFC 4954 §4)"
                )
            if command.mechanism not in self.extensions.auth_mechanisms:
                raise LocalProtocolError(f"the server did not offer AUTH {command.mechanism}")

    def _check_params(self, keywords: tuple[str, ...]) -> None:
        for keyword in keywords:
            needed = PARAM_EXTENSION.get(keyword, keyword)
            if needed not in self.extensions:
                raise LocalProtocolError(f"the server did not offer {needed} for {keyword}=")

    def _check_mail(self, command: MailFrom) -> None:
        params = command.params
        self._check_params(tuple(k for k in params.keywords() if k != "BODY"))
        for keyword, _value in params.extra:
            if keyword not in self.extensions:
                raise LocalProtocolError(f"the server did not offer {keyword}")
        if params.body is not None and BODY_EXTENSION[params.body] not in self.extensions:
            raise LocalProtocolError(f"the server did not offer {BODY_EXTENSION[params.body]}")
        if command.sender is not None and command.sender.needs_smtputf8 and not params.smtputf8:
            raise LocalProtocolError("a non-ASCII sender needs the SMTPUTF8 parameter")
        limit = self.extensions.max_size
        if params.size is not None and limit is not None and params.size > limit:
            raise LocalProtocolError(
                f"message of {params.size} octets exceeds the server's SIZE {limit} (RFC 1870)"
            )

    def _project(self, command: Command) -> None:
        kind = type(command)
        if kind is Bdat:
            assert isinstance(command, Bdat)
            self._projected = State.READY if command.last else State.BDAT
            return
        if kind is AuthResponse:
            self._projected = State.READY
            return
        transition = TRANSITIONS[(self._projected, kind)]
        self._projected = transition.positive or transition.intermediate or self._projected
        if kind is MailFrom:
            assert isinstance(command, MailFrom)
            self._projected_utf8 = command.params.smtputf8
            self._projected_binary = command.params.body is Body.BINARYMIME

    def _send_content(self, data: bytes) -> None:
        chunk = self._chunk
        if chunk is not None:
            if len(data) > self._chunk_left:
                raise LocalProtocolError(f"only {self._chunk_left} more octets fit this BDAT")
            self._chunk_left -= len(data)
            if self.trace is not None:
                self.trace(f"C: [{len(data)} octets of message data]")
            if self._queue and self._queue[-1] is chunk:
                chunk._wire += data
            else:
                self._out += data
            if not self._chunk_left:
                self._chunk = None
            return
        if self._stuffer is None:
            raise LocalProtocolError("message content is sent after a 354 reply to DATA")
        if self.trace is not None:
            self.trace(f"C: [{len(data)} octets of message data]")
        self._out += self._stuffer.feed(data)

    def _send_end(self) -> PendingReply:
        if self._stuffer is None:
            raise LocalProtocolError("EndOfMessage follows message content after DATA")
        self._out += self._stuffer.finish()
        self._stuffer = None
        if self.trace is not None:
            self.trace("C: .")
        pending = PendingReply(EndOfMessage())
        self._in_flight.append(pending)
        self._projected = State.READY
        self._pump()
        return pending

    def _pump(self) -> None:
        """Move queued commands onto the wire as far as RFC 2920 allows."""
        while self._queue:
            if self._in_flight and (self._barriers or not self.pipelining):
                return
            pending = self._queue.popleft()
            if self.trace is not None:
                self._trace_command(pending)
            self._out += pending._wire
            pending._wire = bytearray()
            self._in_flight.append(pending)
            if type(pending.command) in GROUP_ENDERS:
                self._barriers += 1

    def _trace_command(self, pending: PendingReply) -> None:
        assert self.trace is not None
        unit = pending.command
        if isinstance(unit, AuthResponse):
            line = "*" if unit.cancelled else "[credentials]"
        elif isinstance(unit, Auth):
            line = f"AUTH {unit.mechanism}" + (" [credentials]" if unit.initial_response else "")
        else:
            line = bytes(pending._wire).split(b"\r\n", 1)[0].decode("utf-8", "replace")
        self.trace("C: " + line)

    # ------------------------------------------------------------------ receiving

    def _receive(self, reply: Reply) -> None:
        if not self._in_flight:
            if reply.code == 421:  # RFC 5321 §3.8: the server is shutting down
                self.state = State.CLOSED
                return
            raise RemoteProtocolError(f"unsolicited reply {reply}")
        pending = self._in_flight[0]
        unit = pending.command
        kind = type(unit)
        ends_message = kind is EndOfMessage or (isinstance(unit, Bdat) and unit.last)
        if pending._expected is None:
            # RFC 2033 §4.2: LMTP gives one reply per accepted recipient after the data.
            lmtp_end = self.lmtp and ends_message
            pending._expected = max(self.recipient_count, 1) if lmtp_end else 1
        pending.replies.append(reply)
        if not pending.done and reply.code != 421:
            return
        self._in_flight.popleft()
        if kind in _EXCLUSIVE:
            self._exclusive = None
        if kind in GROUP_ENDERS or unit is Greeting:
            self._barriers -= 1
        self._advance(unit, reply, ends_message)
        if not self._in_flight and not self._queue:
            # Resynchronise after any refusal: a refused MAIL must not leave its SMTPUTF8 or
            # BODY behind as if it were the transaction's (RFC 6531 §3.4, RFC 3030 §3).
            self._projected = self.state
            self._projected_utf8, self._projected_binary = self._mail_flags
        self._pump()

    def _advance(self, unit: object, reply: Reply, ends_message: bool) -> None:
        code = reply.code
        if unit is Greeting:
            key: tuple[State, type] = (State.GREETING, Greeting)
        elif isinstance(unit, Bdat):
            key = (self.state, EndOfMessage if unit.last else EndOfChunk)
        else:
            key = (self.state, type(unit))
        transition = TRANSITIONS.get(key)
        if code == 421:
            target: State | None = State.CLOSED  # RFC 5321 §3.8
        elif transition is None:
            # Pipelined behind a refused command: the server must refuse this one too.
            if code < 400:
                raise RemoteProtocolError(f"server accepted out-of-sequence {unit!r}: {reply}")
            target = self.state
            if isinstance(unit, Bdat) and self.state is State.MAIL:
                # RFC 3030 §2: a refused chunk fails the transaction, also one pipelined
                # behind refused recipients (the server discards its octets and resets).
                target = State.READY
        else:
            target = transition.target(code)
        if target is None:
            raise RemoteProtocolError(f"{reply.code} is not a valid reply to {unit!r}")
        self.state = target
        if code < 300:
            learn = _LEARN.get(type(unit))
            if learn is not None:
                learn(self, unit, reply)
        if target is State.DATA:
            self._stuffer = DotStuffer()
        elif target in _OUTSIDE_TRANSACTION:
            self.recipient_count = 0

    # What a positive reply establishes, one method per command (see _LEARN below).

    def _learn_ehlo(self, unit: Ehlo | Lhlo, reply: Reply) -> None:
        self.extensions = Extensions.from_reply(reply)

    def _learn_helo(self, unit: Helo, reply: Reply) -> None:
        self.extensions = Extensions()

    def _learn_mail(self, unit: MailFrom, reply: Reply) -> None:
        self._mail_flags = (unit.params.smtputf8, unit.params.body is Body.BINARYMIME)

    def _learn_rcpt(self, unit: RcptTo, reply: Reply) -> None:
        self.recipient_count += 1

    def _learn_auth(self, unit: Auth | AuthResponse, reply: Reply) -> None:
        self.authenticated = True

    def _learn_starttls(self, unit: StartTLS, reply: Reply) -> None:
        # RFC 3207 §4.2: forget what the server said before the handshake. Bytes that
        # arrived behind the 220 were not protected by TLS: an attacker may have injected
        # them (RFC 3207 §5). Discard them and refuse to continue.
        self.extensions = Extensions()
        self.authenticated = False
        self.tls_active = True
        injected = self._buffer.clear()
        if injected:
            self.state = State.CLOSED
            raise RemoteProtocolError(
                f"{injected} octets arrived after the STARTTLS reply, before TLS; discarded"
            )


_EXCLUSIVE = frozenset({StartTLS, Auth, AuthResponse})
_OUTSIDE_TRANSACTION = frozenset({State.READY, State.CONNECTED, State.CLOSED})
_Learner = Callable[[ClientConnection, Any, Reply], None]
#: Command type -> what a positive reply to it establishes.
_LEARN: dict[type, _Learner] = {
    Ehlo: ClientConnection._learn_ehlo,
    Lhlo: ClientConnection._learn_ehlo,
    Helo: ClientConnection._learn_helo,
    MailFrom: ClientConnection._learn_mail,
    RcptTo: ClientConnection._learn_rcpt,
    Auth: ClientConnection._learn_auth,
    AuthResponse: ClientConnection._learn_auth,
    StartTLS: ClientConnection._learn_starttls,
}
