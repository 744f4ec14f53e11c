"""``pymailproto demo``: an SMTP conversation between our client and server, in memory.

No sockets: both ends are sans-IO state machines and this module carries the bytes from one
to the other, printing them as a ``C:``/``S:`` transcript with a note on each step.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from pymailproto.auth import StaticAuthenticator
from pymailproto.errors import RemoteProtocolError
from pymailproto.sasl import Challenge, ServerMechanism, Success, client_mechanism, server_mechanism
from pymailproto.smtp import (
    NEED_DATA,
    Address,
    Auth,
    AuthResponse,
    ClientConnection,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfMessage,
    Event,
    Greeting,
    MailFrom,
    MailParams,
    MessageChunk,
    Quit,
    RcptTo,
    Reply,
    ServerConnection,
)

MESSAGE = (
    b"From: Alice <alice@example.org>\r\n"
    b"To: Bob <bob@example.net>\r\n"
    b"Subject: Hello from pymailproto\r\n"
    b"\r\n"
    b"A line starting with a dot:\r\n"
    b".is dot-stuffed on the wire and restored by the server.\r\n"
)


class _DemoServer:
    """The application behind the ServerConnection: decides every reply."""

    def __init__(self, conn: ServerConnection) -> None:
        self.conn = conn
        self.authenticator = StaticAuthenticator({"alice": "wonderland"})
        self.mechanism: ServerMechanism | None = None
        self.received = bytearray()

    def reply_to(self, event: Event) -> Reply | None:
        conn = self.conn
        if isinstance(event, Ehlo):
            return conn.ehlo_reply(f"{conn.hostname} greets {event.domain}")
        if isinstance(event, Auth | AuthResponse):
            if isinstance(event, Auth):
                self.mechanism = server_mechanism(event.mechanism, self.authenticator)
                step = self.mechanism.start(event.initial_response)
            else:
                assert self.mechanism is not None
                step = self.mechanism.step(event.data)
            if isinstance(step, Challenge):
                return Reply(334, _b64(step.data))
            if isinstance(step, Success):
                return Reply(235, "Authentication successful", "2.7.0")
            return Reply(535, "Authentication credentials invalid", "5.7.8")
        if isinstance(event, MailFrom):
            return Reply(250, "Sender OK", "2.1.0")
        if isinstance(event, RcptTo):
            if event.recipient.domain != "example.net":
                return Reply(550, "Relay access denied", "5.7.1")
            return Reply(250, "Recipient OK", "2.1.5")
        if isinstance(event, Data):
            return Reply(354, "End data with <CR><LF>.<CR><LF>")
        if isinstance(event, MessageChunk):
            self.received += event.data
            return None
        if isinstance(event, EndOfMessage):
            return Reply(250, f"Message accepted ({len(self.received)} octets)", "2.0.0")
        if isinstance(event, Quit):
            return Reply(221, "Bye", "2.0.0")
        return Reply(250, "OK", "2.0.0")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def run(write: Callable[[str], None] = print) -> bytes:
    """Run the demo conversation, writing the annotated transcript; return the message."""
    # AUTH over plaintext is allowed here only because the "network" is a Python variable.
    server = ServerConnection(
        "mx.example.net", auth_mechanisms=["PLAIN", "SCRAM-SHA-256"], auth_requires_tls=False
    )
    client = ClientConnection()
    app = _DemoServer(server)

    def show(side: str, data: bytes) -> None:
        for line in data.decode("utf-8", "replace").splitlines():
            write(f"{side}: {line}")

    def pump() -> None:
        while True:
            moved = False
            if out := client.data_to_send():
                show("C", out)
                server.receive_data(out)
                moved = True
            while True:
                try:
                    event = server.next_event()
                except RemoteProtocolError as exc:
                    server.send(exc.reply)
                    continue
                if event is NEED_DATA or isinstance(event, ConnectionClosed):
                    break
                assert isinstance(event, Event)
                reply = app.reply_to(event)
                if reply is not None:
                    server.send(reply)
            if out := server.data_to_send():
                show("S", out)
                client.receive_data(out)
                moved = True
            while True:
                event = client.next_event()
                if event is NEED_DATA or isinstance(event, ConnectionClosed):
                    break
            if not moved:
                return

    def note(text: str) -> None:
        write(f"# {text}")

    note("The server speaks first: 220 means ready (RFC 5321 §3.1).")
    server.send(Greeting(220, "mx.example.net ESMTP pymailproto"))
    pump()
    note("EHLO opens an extended session; the reply lists the extensions (§4.1.1.1).")
    client.send(Ehlo("client.example.org"))
    pump()
    note("AUTH with SCRAM-SHA-256: the password never crosses the wire (RFC 5802, 7677).")
    mech = client_mechanism("SCRAM-SHA-256", "alice", "wonderland")
    pending = client.send(Auth(mech.name, mech.initial_response()))
    pump()
    while pending is not None and pending.reply.code == 334:
        pending = client.send(AuthResponse(mech.respond(pending.reply.challenge)))
        pump()
    note("PIPELINING was offered: MAIL, both RCPTs and DATA go out in one flight (RFC 2920).")
    client.send(MailFrom(Address("alice", "example.org"), MailParams(size=len(MESSAGE))))
    client.send(RcptTo(Address("bob", "example.net")))
    refused = client.send(RcptTo(Address("mallory", "elsewhere.example")))
    client.send(Data())
    pump()
    assert refused is not None
    note(f"One recipient was refused ({refused.reply.code}); the message goes to the other.")
    note("Content is dot-stuffed and ends with <CRLF>.<CRLF> (RFC 5321 §4.5.2).")
    client.send(MessageChunk(MESSAGE))
    client.send(EndOfMessage())
    pump()
    note("QUIT: the server answers 221 and both sides close.")
    client.send(Quit())
    pump()
    note(f"Delivered byte-exact: {bytes(app.received) == MESSAGE}")
    return bytes(app.received)
