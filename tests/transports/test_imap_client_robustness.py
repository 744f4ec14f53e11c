"""Bad IMAP servers against every client transport: each misdeed gives a clear exception,
never a hang, and memory stays bounded.

A scripted server (a thread with a listening socket on 127.0.0.1) plays the misbehaving peer.
"""

from __future__ import annotations

import socket
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest

from pymailproto import IMAPLimits, TLSMode
from pymailproto.errors import RemoteProtocolError

from ..imap_clients import CLIENT_KINDS, open_client

Script = Callable[[socket.socket], None]


@contextmanager
def scripted_server(script: Script) -> Iterator[int]:
    """A one-connection server on a loopback port running ``script``; yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            with suppress(OSError):
                script(conn)
            done.wait(10)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        done.set()
        listener.close()
        thread.join(10)


def read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = conn.recv(1)
        if not chunk:
            break
        data += chunk
    return data


@pytest.fixture(params=CLIENT_KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def connect(kind: str, port: int, **kwargs: Any) -> Any:
    return open_client(
        kind, "127.0.0.1", port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True, **kwargs
    )


def test_garbage_instead_of_a_completion(kind: str) -> None:
    def script(conn: socket.socket) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        read_line(conn)
        conn.sendall(b"lorem ipsum\r\n\x01\x02 nonsense\r\nA1 dolor sit amet\r\n")

    with scripted_server(script) as port, connect(kind, port) as client:
        with pytest.raises(RemoteProtocolError, match="unreadable"):
            client.noop()


def test_a_literal_over_the_limit_fails_the_command(kind: str) -> None:
    body = b"x" * 2_000_000

    def script(conn: socket.socket) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        read_line(conn)
        conn.sendall(b"A1 OK [CAPABILITY IMAP4rev1] in\r\n")
        read_line(conn)
        conn.sendall(b"* 1 FETCH (BODY[] {%d}\r\n" % len(body) + body + b")\r\nA2 OK done\r\n")

    limits = IMAPLimits(max_literal_size=1_000_000)
    with scripted_server(script) as port, connect(kind, port, limits=limits) as client:
        client.login("a", "b")
        with pytest.raises(RemoteProtocolError, match="refused"):
            client.noop()


def test_a_100_mb_line_is_skipped_in_bounded_memory(kind: str) -> None:
    chunk = b"a" * (1 << 20)

    def script(conn: socket.socket) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        read_line(conn)
        conn.sendall(b"* OK ")
        for _ in range(100):
            conn.sendall(chunk)
        conn.sendall(b"\r\nA1 OK done\r\n")

    tracemalloc.start()
    try:
        with scripted_server(script) as port, connect(kind, port) as client:
            with pytest.raises(RemoteProtocolError, match="refused"):
                client.noop()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The default line limit is 8 MiB: what was held stays near it, never 100 MB.
    assert peak < 40 * 1024 * 1024


def test_bye_in_the_middle_of_a_command(kind: str) -> None:
    def script(conn: socket.socket) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        read_line(conn)
        conn.sendall(b"* BYE server shutting down\r\n")
        conn.shutdown(socket.SHUT_WR)

    with scripted_server(script) as port, connect(kind, port) as client:
        with pytest.raises(RemoteProtocolError, match="BYE: server shutting down"):
            client.noop()


def test_a_drop_in_the_middle_of_a_literal(kind: str) -> None:
    def script(conn: socket.socket) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        read_line(conn)
        conn.sendall(b"A1 OK [CAPABILITY IMAP4rev1] in\r\n")
        read_line(conn)
        conn.sendall(b"* 1 FETCH (BODY[] {1000}\r\nonly the beginning")
        conn.shutdown(socket.SHUT_WR)

    with scripted_server(script) as port, connect(kind, port) as client:
        client.login("a", "b")
        with pytest.raises(RemoteProtocolError, match="closed"):
            client.noop()


def test_a_silent_server_times_out(kind: str) -> None:
    def script(conn: socket.socket) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        read_line(conn)  # and never answer

    with scripted_server(script) as port, connect(kind, port, timeout=0.5) as client:
        with pytest.raises(TimeoutError):
            client.noop()


def test_a_missing_greeting_times_out(kind: str) -> None:
    def script(conn: socket.socket) -> None:
        read_line(conn)

    with scripted_server(script) as port, pytest.raises(TimeoutError):
        with connect(kind, port, timeout=0.5):
            pass
