"""One conformance suite for SMTP over every transport.

Servers: our sync, threaded and asyncio servers. Clients: our sync and asyncio clients, and the
ones users would otherwise pick (smtplib, aiosmtplib). Every combination must behave the same.
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest

from pymailproto import SMTPLimits, SMTPTimeouts, TLSMode
from pymailproto import aio as aio_transport
from pymailproto.auth import StaticAuthenticator
from pymailproto.errors import LocalProtocolError
from pymailproto.servers import CaptureHandler, Envelope, SMTPHandler
from pymailproto.smtp import Outgoing, RcptTo, Reply
from pymailproto.smtp._results import MessageTooLarge
from pymailproto.sync import SMTPClient
from tests.transports.conftest import CLIENT_KINDS, OUR_CLIENTS, TLS, send_with

EIGHT_BIT = (
    b"From: Alice <alice@example.org>\r\n"
    b"To: bob@example.net\r\n"
    b"Subject: 8-bit\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Gr\xc3\xbc\xc3\x9fe \xe2\x80\x94 caf\xc3\xa9\r\n"
    b".a line with a leading dot\r\n"
    b"..two dots\r\n"
)
USERS = StaticAuthenticator({"alice": "wonderland"})


def message(to: str = "bob@example.net") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "alice@example.org"
    msg["To"] = to
    msg["Subject"] = "conformance"
    msg.set_content("Hello.\n")
    return msg


@pytest.mark.parametrize("client", CLIENT_KINDS)
def test_byte_exact_delivery(serve: Any, client: str) -> None:
    capture = CaptureHandler()
    with serve(handler=capture) as server:
        send_with(
            client,
            server.port,
            EIGHT_BIT,
            from_addr="alice@example.org",
            to_addrs=["bob@example.net"],
        )
        [envelope] = capture.wait_for(1)
    assert envelope.data == EIGHT_BIT
    assert envelope.mail_from == "alice@example.org"
    assert envelope.rcpt_to == ["bob@example.net"]


@pytest.mark.parametrize("client", CLIENT_KINDS)
def test_starttls_and_login(serve: Any, client: str, tls: TLS) -> None:
    capture = CaptureHandler()
    with serve(handler=capture, starttls_context=tls.server, authenticator=USERS) as server:
        send_with(
            client,
            server.port,
            message(),
            tls=TLSMode.STARTTLS,
            context=tls.client,
            login=("alice", "wonderland"),
        )
        [envelope] = capture.wait_for(1)
    assert envelope.tls
    assert envelope.auth_user == "alice"


@pytest.mark.parametrize("client", OUR_CLIENTS)
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"])
def test_every_auth_mechanism(serve: Any, client: str, mechanism: str, tls: TLS) -> None:
    capture = CaptureHandler()
    with serve(handler=capture, starttls_context=tls.server, authenticator=USERS) as server:
        send_with(
            client,
            server.port,
            message(),
            tls=TLSMode.STARTTLS,
            context=tls.client,
            login=("alice", "wonderland"),
            mechanism=mechanism,
        )
        [envelope] = capture.wait_for(1)
    assert envelope.auth_user == "alice"


@pytest.mark.parametrize("client", CLIENT_KINDS)
def test_implicit_tls(serve: Any, client: str, tls: TLS) -> None:
    capture = CaptureHandler()
    with serve(handler=capture, ssl_context=tls.server) as server:
        send_with(client, server.port, message(), tls=TLSMode.IMPLICIT, context=tls.client)
        [envelope] = capture.wait_for(1)
    assert envelope.tls


def test_wrong_password_is_refused(serve: Any, tls: TLS) -> None:
    with (
        serve(starttls_context=tls.server, authenticator=USERS) as server,
        pytest.raises(Exception, match="535"),
    ):
        send_with(
            "sync",
            server.port,
            message(),
            tls=TLSMode.STARTTLS,
            context=tls.client,
            login=("alice", "nope"),
        )


@pytest.mark.parametrize("client", ["sync", "smtplib"])
def test_auth_refused_before_tls(serve: Any, client: str) -> None:
    with serve(authenticator=USERS) as server:
        with pytest.raises((LocalProtocolError, smtplib.SMTPNotSupportedError)):
            send_with(client, server.port, message(), login=("alice", "wonderland"))
        with raw(server.port) as conn:
            conn.command(b"EHLO x")
            assert "AUTH" not in conn.reply
            assert conn.command(b"AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=").startswith("530 ")


@pytest.mark.parametrize("client", CLIENT_KINDS)
def test_declared_size_over_limit(serve: Any, client: str) -> None:
    capture = CaptureHandler()
    big = message()
    big.set_content("x" * 5000 + "\n")
    with serve(handler=capture, limits=SMTPLimits(max_message_size=2000)) as server:
        errors = (MessageTooLarge, smtplib.SMTPException, aiosmtplib.SMTPException)
        with pytest.raises(errors):
            send_with(client, server.port, big)
    assert capture.messages == []


def test_undeclared_size_over_limit_refused_at_end(serve: Any) -> None:
    capture = CaptureHandler()
    limits = SMTPLimits(max_message_size=2000)
    with serve(handler=capture, limits=limits) as server, raw(server.port) as conn:
        conn.command(b"EHLO x")
        assert conn.command(b"MAIL FROM:<a@x.example>").startswith("250")
        assert conn.command(b"RCPT TO:<b@y.example>").startswith("250")
        assert conn.command(b"DATA").startswith("354")
        conn.sock.sendall(b"y" * 900 + b"\r\n")  # streamed over the limit, 5 lines
        conn.sock.sendall((b"y" * 900 + b"\r\n") * 4)
        assert conn.command(b".").startswith("552 ")
        assert conn.command(b"NOOP").startswith("250")
    assert capture.messages == []


class Picky(CaptureHandler):
    def handle_rcpt(self, session: object, rcpt: RcptTo) -> Reply | None:
        if rcpt.recipient.local_part == "nobody":
            return Reply(550, "No such user", "5.1.1")
        return None


@pytest.mark.parametrize("client", CLIENT_KINDS)
def test_pipelining_with_mixed_recipients(serve: Any, client: str) -> None:
    capture = Picky()
    with serve(handler=capture) as server:
        result = send_with(client, server.port, message("bob@example.net, nobody@example.net"))
        [envelope] = capture.wait_for(1)
    assert envelope.rcpt_to == ["bob@example.net"]
    if client in OUR_CLIENTS:
        assert list(result.refused) == ["nobody@example.net"]
        assert result.refused["nobody@example.net"].code == 550
    elif client == "smtplib":
        assert result["nobody@example.net"][0] == 550
    else:
        assert result[0]["nobody@example.net"].code == 550


@pytest.mark.parametrize("client", OUR_CLIENTS)
def test_binary_content_goes_by_bdat(serve: Any, client: str) -> None:
    capture = CaptureHandler()
    data = b"Subject: binary\r\n\r\n\x00\x01\x02 bare\rCR and a very long line " + b"z" * 3000
    with serve(handler=capture) as server:
        send_with(client, server.port, data, from_addr="a@x.example", to_addrs=["b@y.example"])
        [envelope] = capture.wait_for(1)
    assert envelope.data == data
    assert envelope.mail is not None
    assert envelope.mail.params.body is not None


class PerRecipient(CaptureHandler):
    def handle_message(self, session: object, envelope: Envelope) -> list[Reply]:
        super().handle_message(session, envelope)
        return [
            Reply(250, "delivered", "2.0.0")
            if r != "full@example.net"
            else Reply(452, "Mailbox full", "4.2.2")
            for r in envelope.rcpt_to
        ]


@pytest.mark.parametrize("client", OUR_CLIENTS)
def test_lmtp_per_recipient_replies(serve: Any, client: str) -> None:
    capture = PerRecipient()
    with serve(handler=capture, lmtp=True) as server:
        result = send_with(
            client, server.port, message("bob@example.net, full@example.net"), lmtp=True
        )
    assert result.delivered == ["bob@example.net"]
    assert result.deliveries["full@example.net"].code == 452


def test_disconnect_mid_data_delivers_nothing(serve: Any) -> None:
    capture = CaptureHandler()
    with serve(handler=capture) as server:
        with raw(server.port) as conn:
            conn.command(b"EHLO x")
            conn.command(b"MAIL FROM:<a@x.example>")
            conn.command(b"RCPT TO:<b@y.example>")
            assert conn.command(b"DATA").startswith("354")
            conn.sock.sendall(b"Subject: cut\r\n\r\nhalf a message")
        # The server goes on serving; a complete message afterwards arrives alone.
        send_with("sync", server.port, message())
        [envelope] = capture.wait_for(1)
    assert b"half a message" not in envelope.data


def test_ten_megabyte_line_gets_500_and_recovers(serve: Any) -> None:
    with serve() as server, raw(server.port) as conn:
        conn.command(b"EHLO x")
        piece = b"A" * 65536
        for _ in range(160):
            conn.sock.sendall(piece)
        assert conn.command(b"").startswith("500 ")
        assert conn.command(b"NOOP").startswith("250")


def test_slow_client_is_timed_out(serve: Any) -> None:
    with serve(timeouts=SMTPTimeouts(server=0.5)) as server, raw(server.port) as conn:
        started = time.monotonic()
        assert conn.read_reply().startswith("421 ")
        assert conn.sock.recv(100) == b""
        assert time.monotonic() - started < 10


def test_commands_pipelined_behind_starttls_are_discarded(serve: Any, tls: TLS) -> None:
    capture = CaptureHandler()
    with serve(handler=capture, starttls_context=tls.server) as server, raw(server.port) as conn:
        conn.command(b"EHLO x")
        conn.sock.sendall(b"STARTTLS\r\nMAIL FROM:<evil@x.example>\r\n")
        assert conn.read_reply().startswith("220 ")
        # The injected MAIL is never answered: the server closes instead of handshaking.
        assert conn.sock.recv(100) == b""


class _Raw:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.file = sock.makefile("rb")
        self.reply = ""

    def read_reply(self) -> str:
        lines = []
        while True:
            line = self.file.readline().decode()
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                break
        self.reply = "".join(lines)
        return self.reply

    def command(self, line: bytes) -> str:
        self.sock.sendall(line + b"\r\n")
        return self.read_reply()


@contextmanager
def raw(port: int) -> Iterator[_Raw]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = _Raw(sock)
    try:
        assert conn.read_reply().startswith("220")
        yield conn
    finally:
        conn.file.close()  # the socket's descriptor stays open while its file object lives
        sock.close()


def test_handler_base_class_defaults(serve: Any) -> None:
    class Quiet(SMTPHandler):
        pass

    with serve(handler=Quiet()) as server:
        result = send_with("sync", server.port, message())
    assert result.delivered == ["bob@example.net"]


@pytest.mark.parametrize("client", ["sync", "aio"])
def test_send_messages_pipelines_a_batch_with_mixed_outcomes(serve: Any, client: str) -> None:
    class Picky(CaptureHandler):
        def handle_rcpt(self, session: object, rcpt: RcptTo) -> Reply | None:
            return Reply(550, "No such user", "5.1.1") if rcpt.recipient.local_part == "x" else None

    capture = Picky()
    items = [
        Outgoing(b"Subject: %d\r\n\r\nbody\r\n" % n, "a@x.example", [rcpt])
        for n, rcpt in enumerate(["b@y.example", "x@y.example", "c@y.example"])
    ]
    with serve(handler=capture) as server:
        if client == "sync":
            with SMTPClient("localhost", server.port, tls=TLSMode.PLAINTEXT, timeout=10) as c:
                outcomes = c.send_messages(items)
        else:

            async def go() -> list[Any]:
                async with aio_transport.SMTPClient(
                    "localhost", server.port, tls=TLSMode.PLAINTEXT, timeout=10
                ) as c:
                    return await c.send_messages(items)

            outcomes = asyncio.run(go())
        received = capture.wait_for(2)
    assert [type(o).__name__ for o in outcomes] == ["SendResult", "RecipientsRefused", "SendResult"]
    assert [m.data for m in received] == [items[0].message, items[2].message]
