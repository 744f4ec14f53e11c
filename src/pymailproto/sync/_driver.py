"""Run a sans-IO procedure over a blocking socket: the whole of the sync transport's logic."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Generator
from typing import TypeVar

from pymailproto._io import IO, Item, Poll, Procedure, Pump

__all__ = ["BlockingStream", "drive", "run"]

T = TypeVar("T")
R = TypeVar("R")
_READ_SIZE = 65536


class BlockingStream:
    """A connected socket, upgraded to TLS when asked."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._timeout: float | None = sock.gettimeout()

    def settimeout(self, timeout: float) -> None:
        """Set the socket timeout; a no-op when unchanged (each change is a system call)."""
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        timeout: float,
        ssl_context: ssl.SSLContext | None,
        source_address: tuple[str, int] | None = None,
    ) -> BlockingStream:
        sock = socket.create_connection((host, port), timeout, source_address)
        # Writes are already batched per protocol step; Nagle would only add delay.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if ssl_context is not None:
                sock = ssl_context.wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        return cls(sock)

    def start_tls(
        self, ssl_context: ssl.SSLContext, host: str | None, *, server_side: bool = False
    ) -> None:
        if server_side:
            self.sock = ssl_context.wrap_socket(self.sock, server_side=True)
        else:
            self.sock = ssl_context.wrap_socket(self.sock, server_hostname=host)
        self._timeout = self.sock.gettimeout()

    def close(self) -> None:
        self.sock.close()


def drive(
    procedure: Generator[IO | Poll | Item[T], None, R],
    conn: Pump,
    stream: BlockingStream,
    ssl_context: ssl.SSLContext | None,
    host: str,
    *,
    server_side: bool = False,
) -> Generator[T, None, R]:
    """Drive ``procedure`` (a client procedure, or with ``server_side`` a server session),
    doing the I/O it asks for; yield its items, return its result."""
    try:
        request = next(procedure)
        while True:
            out = conn.data_to_send()
            if out:
                stream.settimeout(conn.write_timeout)
                stream.sock.sendall(out)
            if request is IO.RECEIVE:
                stream.settimeout(conn.timeout)
                conn.receive_data(stream.sock.recv(_READ_SIZE))
            elif request is IO.START_TLS:
                if ssl_context is None:
                    raise ValueError("STARTTLS needs an ssl_context")
                stream.start_tls(ssl_context, host, server_side=server_side)
            elif type(request) is Poll:
                stream.settimeout(request.seconds)
                try:
                    conn.receive_data(stream.sock.recv(_READ_SIZE))
                except TimeoutError:
                    request.timed_out = True
            elif type(request) is Item:
                yield request.value
            request = procedure.send(None)
    except StopIteration as done:
        out = conn.data_to_send()
        if out:
            stream.sock.sendall(out)
        return done.value  # type: ignore[no-any-return]


def run(
    procedure: Procedure[R],
    conn: Pump,
    stream: BlockingStream,
    ssl_context: ssl.SSLContext | None,
    host: str,
) -> R:
    """Drive a procedure that yields no items to completion; return its result."""
    driver: Generator[object, None, R] = drive(procedure, conn, stream, ssl_context, host)
    try:
        next(driver)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    raise TypeError("a streaming procedure was run as a plain one")
