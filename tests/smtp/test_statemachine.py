"""Our client against our server, wired in memory, driven by hypothesis.

Rules send random commands (legal or not in the current state), message content and ends of
message, and move bytes both ways in random-sized pieces. A small server "application" answers
every event the server connection produces, choosing accept or refuse where the protocol lets
an application choose. The promises checked:

* a command the client refuses raises LocalProtocolError and leaves the client unchanged, and
  the client never accepts a command the transition table has no key for;
* nothing but LocalProtocolError ever escapes (the client never sees a RemoteProtocolError
  from our server);
* once all bytes are delivered, client and server agree on the state, the extensions, the
  authentication and the recipient count, and the client has received exactly the replies the
  server sent, each matched to the PendingReply of the command it answers;
* the server refuses on its own (RemoteProtocolError) only what the client could not know
  would fail: a command queued or pipelined behind one whose reply had not arrived, or DATA
  after every recipient was refused (which RFC 5321 §3.3 lets a client try).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pymailproto._limits import SMTPLimits
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import (
    DEFAULT_SERVER_EXTENSIONS,
    NEED_DATA,
    TRANSITIONS,
    Address,
    Auth,
    AuthResponse,
    Bdat,
    Body,
    ClientConnection,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfChunk,
    EndOfMessage,
    Event,
    Expn,
    Greeting,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    MailParams,
    MessageChunk,
    Noop,
    Notify,
    PendingReply,
    Quit,
    RcptParams,
    RcptTo,
    Reply,
    Ret,
    Rset,
    ServerConnection,
    StartTLS,
    State,
    Vrfy,
)
from pymailproto.smtp._state import CHUNK_STATES
from tests.smtp.client_helpers import ALICE, BOB, CAROL, JOSE, snapshot

# Mostly plain commands (a parameter the server did not offer is refused by the client), and
# every parameter now and then.
_mail_params = st.sampled_from(
    [
        MailParams(),
        MailParams(),
        MailParams(smtputf8=True),
        MailParams(size=100),
        MailParams(size=10**6),  # over the SIZE the server advertises
        MailParams(body=Body.EIGHTBITMIME),
        MailParams(body=Body.BINARYMIME),
        MailParams(body=Body.SEVENBIT, auth="<>", ret=Ret.HDRS, envid="env-1"),
    ]
)
_rcpt_params = st.sampled_from(
    [
        RcptParams(),
        RcptParams(),
        RcptParams(notify=frozenset({Notify.FAILURE}), orcpt=("rfc822", "bob@example.org")),
    ]
)
_hello = st.sampled_from([Ehlo("c.test"), Helo("c.test"), Lhlo("c.test")])
_mail = st.builds(MailFrom, st.sampled_from([ALICE, JOSE, None]), _mail_params)
_recipients = [BOB, CAROL, JOSE, Address("Postmaster", "")]
_rcpt = st.builds(RcptTo, st.sampled_from(_recipients), _rcpt_params)
_other = st.sampled_from(
    [Data(), Rset(), Noop(), Help(), Vrfy("bob"), Expn("list"), StartTLS(), Quit()]
)
_bdat = st.builds(Bdat, st.integers(0, 12), st.booleans())
_auth = st.sampled_from(
    [
        Auth("PLAIN"),
        Auth("PLAIN", b"\0u\0p"),
        Auth("LOGIN"),
        AuthResponse(b"\0u\0p"),
        AuthResponse(cancelled=True),
    ]
)


def _legal_in_table(projected: State, client_state: State, command: Command) -> bool:
    if isinstance(command, Bdat):
        return projected in CHUNK_STATES
    if isinstance(command, AuthResponse):
        return client_state is State.AUTH
    return (projected, type(command)) in TRANSITIONS


class ClientServer(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.c2s = b""
        self.s2c = b""
        self.sent: list[Reply] = []  # every reply the server sent, in order
        self.received: list[Event] = []  # every event the client returned, in order
        self.refused: list[int] = []  # indexes in ``sent`` of replies the server made itself
        self.handles: list[PendingReply] = []
        self.speculative: dict[int, tuple[bool, State]] = {}
        # Hypothesis's draw while a rule that lets the server application choose is running.
        self.draw: Callable[[st.SearchStrategy[int]], int] | None = None

    # ------------------------------------------------------------------ the wiring

    @initialize(
        extensions=st.sets(st.sampled_from(sorted(DEFAULT_SERVER_EXTENSIONS))),
        starttls=st.booleans(),
        lmtp=st.booleans(),
        refuse_service=st.integers(0, 99),
    )
    def connect(
        self, extensions: set[str], starttls: bool, lmtp: bool, refuse_service: int
    ) -> None:
        self.lmtp = lmtp
        self.client = ClientConnection(lmtp=lmtp)
        self.server = ServerConnection(
            "mx.test",
            lmtp=lmtp,
            extensions=extensions,
            starttls=starttls,
            auth_mechanisms=["PLAIN"],
            auth_requires_tls=False,
            limits=SMTPLimits(max_message_size=100_000, max_text_line=None),
        )
        self._server_send(Greeting(554 if refuse_service == 42 else 220, "mx.test"))
        self.s2c += self.server.data_to_send()

    def _server_send(self, reply: Reply) -> None:
        self.server.send(reply)
        self.sent.append(reply)

    def _choose(self, accept: Reply, refuse: Reply, refuse_one_in: int = 3) -> Reply:
        """Hypothesis decides; with nobody to ask (teardown), the server accepts."""
        if self.draw is None:
            return accept
        # Not the smallest or largest value: hypothesis favours those, and mostly accepting
        # servers let conversations get further.
        return refuse if self.draw(st.integers(0, 99)) % refuse_one_in == 1 else accept

    def _answer(self, event: Event) -> None:
        """The server application: one reply (LMTP: one per recipient) to each event."""
        server = self.server
        if isinstance(event, MessageChunk | Bdat):
            return
        if isinstance(event, EndOfMessage):
            count = max(server.recipient_count, 1) if self.lmtp else 1
            for _ in range(count):
                self._server_send(self._choose(Reply(250, "queued"), Reply(452, "full")))
            return
        reply: Reply
        if isinstance(event, Ehlo | Lhlo):
            reply = self._choose(server.ehlo_reply(), Reply(502, "no"), 8)
        elif isinstance(event, MailFrom | RcptTo):
            reply = self._choose(Reply(250, "ok"), Reply(550, "no"))
        elif isinstance(event, EndOfChunk):
            reply = self._choose(Reply(250, "chunk ok"), Reply(451, "later"), 6)
        elif isinstance(event, StartTLS):
            reply = self._choose(Reply(220, "go ahead"), Reply(454, "no TLS"))
        elif isinstance(event, Auth) and event.initial_response is None:
            reply = Reply(334, "")
        elif isinstance(event, AuthResponse) and event.cancelled:
            reply = Reply(501, "cancelled")
        elif isinstance(event, Auth):
            reply = self._choose(Reply(235, "ok"), Reply(535, "no"))
        elif isinstance(event, AuthResponse):
            reply = self._choose(self._choose(Reply(235, "ok"), Reply(334, "")), Reply(535, "no"))
        else:
            reply = {
                Helo: Reply(250, "mx.test"),
                Data: Reply(354, "go"),
                Rset: Reply(250, "reset"),
                Noop: Reply(250, "ok"),
                Help: Reply(214, "help"),
                Vrfy: Reply(252, "maybe"),
                Expn: Reply(550, "no"),
                Quit: Reply(221, "bye"),
            }[type(event)]
        self._server_send(reply)

    def _run_server(self) -> None:
        while True:
            try:
                event = self.server.next_event()
            except RemoteProtocolError as exc:
                assert exc.reply is not None, exc  # never a fatal STARTTLS injection
                self.refused.append(len(self.sent))
                self._server_send(exc.reply)
                continue
            if event is NEED_DATA or isinstance(event, ConnectionClosed):
                break
            assert isinstance(event, Event)
            self._answer(event)
        self.s2c += self.server.data_to_send()

    def _run_client(self) -> None:
        while True:
            event = self.client.next_event()
            if event is NEED_DATA or isinstance(event, ConnectionClosed):
                break
            assert isinstance(event, Event)
            self.received.append(event)
        self.c2s += self.client.data_to_send()

    def _pump(self, to_server: int, to_client: int) -> None:
        piece, self.c2s = self.c2s[:to_server], self.c2s[to_server:]
        if piece and self.server.state is not State.CLOSED:
            self.server.receive_data(piece)
        self._run_server()
        piece, self.s2c = self.s2c[:to_client], self.s2c[to_client:]
        if piece:
            self.client.receive_data(piece)
        self._run_client()

    def _settle(self) -> None:
        for _ in range(100):
            if not self.c2s and not self.s2c:
                return
            self._pump(len(self.c2s), len(self.s2c))
        raise AssertionError("the conversation does not settle")

    # ------------------------------------------------------------------ client rules

    def _send(self, unit: Command | MessageChunk | EndOfMessage) -> PendingReply | None:
        client = self.client
        before = snapshot(client)
        speculative = client.waiting
        projected, state = client._projected, client.state
        try:
            handle = client.send(unit)
        except LocalProtocolError:
            assert snapshot(client) == before
            return None
        if isinstance(unit, Command):
            assert _legal_in_table(projected, state, unit), (projected, unit)
        if handle is not None:
            self.handles.append(handle)
            self.speculative[id(handle)] = (speculative, state)
        self.c2s += client.data_to_send()
        return handle

    @rule(data=st.data(), wait=st.booleans())
    def progress(self, data: st.DataObject, wait: bool) -> None:
        """The next step of a typical session (and maybe its replies), to reach deep states."""
        client = self.client
        table: dict[State, list[Command | MessageChunk | EndOfMessage]] = {
            State.CONNECTED: [Lhlo("c.test") if self.lmtp else Ehlo("c.test")],
            State.READY: [MailFrom(ALICE), MailFrom(None), StartTLS(), Auth("PLAIN", b"\0u\0p")],
            State.MAIL: [RcptTo(BOB)],
            State.RCPT: [RcptTo(CAROL), Data(), Bdat(5), Bdat(5, last=True)],
            State.BDAT: [Bdat(5), Bdat(0, last=True)],
            State.AUTH: [AuthResponse(b"\0u\0p")],
        }
        options = table.get(client._projected, [Quit()])
        if client.in_message:
            options = [MessageChunk(b"Subject: x\r\n\r\n.hi\n"), EndOfMessage()]
        unit = data.draw(st.sampled_from(options))
        if self._send(unit) is not None and isinstance(unit, Bdat) and unit.size:
            self._send(MessageChunk(b"12345"))
        if wait:
            self.settle(data)

    @rule(data=st.data(), wait=st.booleans())
    def progress_again(self, data: st.DataObject, wait: bool) -> None:
        self.progress(data, wait)

    @rule(data=st.data(), wait=st.booleans())
    def progress_once_more(self, data: st.DataObject, wait: bool) -> None:
        self.progress(data, wait)

    @rule(command=st.one_of(_hello, _mail, _rcpt, _other, _auth, _bdat))
    def random_command(self, command: Command) -> None:
        self._send(command)

    @rule(data=st.data())
    def content(self, data: st.DataObject) -> None:
        client = self.client
        open_chunk = client._chunk is not None
        if open_chunk:
            size = data.draw(st.integers(0, client._chunk_left + 1))
            content = data.draw(st.binary(min_size=size, max_size=size))
        else:
            # No NUL in DATA: our server refuses it there (RFC 5322 §3.5 text excludes NUL).
            content = data.draw(st.binary(max_size=40)).replace(b"\0", b"@")
        may = client.state is not State.CLOSED and (
            client.in_message or (open_chunk and len(content) <= client._chunk_left)
        )
        before = snapshot(client)
        try:
            client.send(MessageChunk(content))
        except LocalProtocolError:
            assert not may
            assert snapshot(client) == before
            return
        assert may
        self.c2s += client.data_to_send()

    @rule()
    def end_of_message(self) -> None:
        client = self.client
        may = client.in_message and client.state is not State.CLOSED and client._chunk is None
        assert (self._send(EndOfMessage()) is not None) is may

    # ------------------------------------------------------------------ network rules

    @rule(to_server=st.integers(0, 60), to_client=st.integers(0, 60), data=st.data())
    def pump(self, to_server: int, to_client: int, data: st.DataObject) -> None:
        self.draw = data.draw
        try:
            self._pump(to_server, to_client)
        finally:
            self.draw = None

    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        self.draw = data.draw
        try:
            self._settle()
        finally:
            self.draw = None
        self._check_settled()

    @precondition(lambda self: self.server.state is not State.CLOSED)
    @rule(chance=st.integers(0, 19))
    def server_shuts_down(self, chance: int) -> None:
        # RFC 5321 §3.8: a server may send 421 at any time and close (now and then).
        if chance == 7:
            self._server_send(Reply(421, "mx.test shutting down"))
            self.s2c += self.server.data_to_send()

    # ------------------------------------------------------------------ checks

    @invariant()
    def client_keeps_nothing_back(self) -> None:
        assert self.client.data_to_send() == b""

    def _check_settled(self) -> None:
        client, server = self.client, self.server
        event(f"settled in {client.state.name}")
        for h in self.handles:
            if h.replies:
                event(f"reply to {type(h.command).__name__} {h.replies[-1].code}")
        event(f"refused {len(self.refused)}")
        assert client.state is server.state
        if client.state is not State.CLOSED:
            assert client.extensions == server.advertised
            assert client.authenticated == server.authenticated
            assert client.tls_active == server.tls_active
            assert client.recipient_count == server.recipient_count
            assert client.in_message == (server.state is State.DATA)
        assert self.received == self.sent
        answered = [(h, r) for h in self.handles for r in h.replies]
        assert [r for _, r in answered] == self.received[1 : len(answered) + 1]
        extra = self.received[len(answered) + 1 :]
        assert extra in ([], [Reply(421, "mx.test shutting down")]), extra
        for index in self.refused:
            handle, reply = answered[index - 1]
            speculative, state = self.speculative[id(handle)]
            no_recipients = isinstance(handle.command, Data) and state is State.MAIL
            assert speculative or no_recipients, (handle.command, reply)

    def teardown(self) -> None:
        if getattr(self, "client", None) is None:
            return
        self._settle()
        self._check_settled()


ClientServer.TestCase.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
TestClientServer = ClientServer.TestCase
