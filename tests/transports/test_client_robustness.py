"""Client and server behaviour around failures: broken handlers, broken connections, LF text."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from pymailproto import TLSMode
from pymailproto import threaded as threaded_transport
from pymailproto.errors import RemoteProtocolError
from pymailproto.servers import CaptureHandler, Envelope
from pymailproto.smtp import DataRefused, MailFrom, Reply
from pymailproto.sync import SMTPClient
from tests.transports.conftest import send_with

MESSAGE = b"Subject: x\r\n\r\nbody\r\n"


class Broken(CaptureHandler):
    def handle_mail(self, session: object, mail: MailFrom) -> Reply | None:
        if mail.sender is not None and mail.sender.local_part == "boom":
            raise RuntimeError("handler bug")
        return None


class AsyncBroken(CaptureHandler):
    async def handle_message(self, session: object, envelope: Envelope) -> Reply | None:  # type: ignore[override]
        await asyncio.sleep(0)
        raise RuntimeError("async handler bug")


def test_a_failing_hook_is_answered_451_and_the_server_goes_on(serve: Any) -> None:
    capture = Broken()
    with serve(handler=capture) as server:
        with pytest.raises(Exception, match="451"):
            send_with(
                "sync", server.port, MESSAGE, from_addr="boom@x.example", to_addrs=["b@y.example"]
            )
        send_with("sync", server.port, MESSAGE, from_addr="ok@x.example", to_addrs=["b@y.example"])
        assert len(capture.wait_for(1)) == 1


def test_a_failing_async_hook_is_answered_451() -> None:
    from tests.transports.conftest import run_server

    with run_server("aio", handler=AsyncBroken()) as server:
        with pytest.raises(DataRefused) as refused:
            send_with(
                "sync", server.port, MESSAGE, from_addr="a@x.example", to_addrs=["b@y.example"]
            )
    assert refused.value.reply.code == 451


@pytest.mark.parametrize("client", ["sync", "aio"])
def test_bare_lf_text_arrives_with_crlf_by_bdat_too(serve: Any, client: str) -> None:
    capture = CaptureHandler()
    with serve(handler=capture) as server:
        send_with(client, server.port, b"Subject: lf\n\nline one\nline two\n",
                  from_addr="a@x.example", to_addrs=["b@y.example"])  # fmt: skip
        [envelope] = capture.wait_for(1)
    assert envelope.data == b"Subject: lf\r\n\r\nline one\r\nline two\r\n"
    assert envelope.mail is not None
    assert envelope.mail.params.size == len(envelope.data)


def test_leaving_with_after_a_broken_connection_does_not_quit_again() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def greet_then_die() -> None:
        sock, _ = listener.accept()
        sock.sendall(b"220 x ready\r\n")
        sock.recv(100)  # EHLO
        sock.sendall(b"250 x\r\n")
        sock.recv(100)  # NOOP
        sock.close()  # no reply: the connection breaks

    import threading

    thread = threading.Thread(target=greet_then_die)
    thread.start()
    try:
        with pytest.raises(RemoteProtocolError):
            with SMTPClient("127.0.0.1", port, tls=TLSMode.PLAINTEXT, timeout=5) as client:
                client.noop()
    finally:
        thread.join(5)
        listener.close()


def test_stop_before_start_is_harmless() -> None:
    threaded_transport.SMTPServer().stop()


def test_lmtp_needs_an_explicit_port() -> None:
    with pytest.raises(ValueError, match="port"):
        SMTPClient("127.0.0.1", lmtp=True)


def test_server_offers_only_the_extensions_asked_for(serve: Any) -> None:
    with serve(extensions=["PIPELINING"]) as server:
        with SMTPClient("127.0.0.1", server.port, tls=TLSMode.PLAINTEXT, timeout=5) as client:
            offered = set(client.extensions)
    assert offered == {"SIZE", "PIPELINING"}


@pytest.mark.parametrize("extensions", [["PIPELINING", "8BITMIME"], ["PIPELINING", "CHUNKING"]])
@pytest.mark.parametrize("client", ["sync", "aio"])
def test_a_message_larger_than_one_piece_arrives_whole(extensions: list[str], client: str) -> None:
    # More than CHUNK_SIZE octets: DATA content flushed piece by piece, or several BDAT chunks.
    from pymailproto.smtp._procedures import CHUNK_SIZE
    from tests.transports.conftest import run_server

    line = b"x" * 76 + b"\r\n"
    body = line * (CHUNK_SIZE * 5 // 2 // len(line))
    message = b"Subject: big\r\n\r\n" + body
    capture = CaptureHandler()
    with run_server("threaded", handler=capture, extensions=extensions) as server:
        result = send_with(
            client, server.port, message, from_addr="a@x.example", to_addrs=["b@y.example"]
        )
        received = capture.wait_for(1)
    assert result.delivered == ["b@y.example"]
    assert received[0].data == message
