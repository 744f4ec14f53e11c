"""Run sans-IO procedures and sessions over asyncio streams: all of the asyncio transport."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import sys
from collections.abc import AsyncGenerator, Awaitable, Generator
from typing import TypeVar

from pymailproto._io import IO, Item, Poll, Procedure, Pump
from pymailproto.errors import RemoteProtocolError

__all__ = ["AsyncStream", "drive", "run"]

T = TypeVar("T")
R = TypeVar("R")
_READ_SIZE = 65536


if sys.version_info >= (3, 11):

    async def _with_timeout(awaitable: Awaitable[T], timeout: float) -> T:
        # asyncio.timeout re-uses the current task; wait_for wraps the awaitable in a new one.
        async with asyncio.timeout(timeout):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def _with_timeout(awaitable: Awaitable[T], timeout: float) -> T:
        return await asyncio.wait_for(awaitable, timeout)


class AsyncStream:
    """A connected asyncio stream pair, upgraded to TLS when asked."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(
        cls, host: str, port: int, timeout: float, ssl_context: ssl.SSLContext | None
    ) -> AsyncStream:
        reader, writer = await _with_timeout(
            asyncio.open_connection(host, port, ssl=ssl_context), timeout
        )
        return cls(reader, writer)

    async def write(self, data: bytes, timeout: float) -> None:
        self.writer.write(data)
        # drain() only matters when the transport could not send everything at once; awaiting
        # it (under a timeout) for every reply costs more than the reply itself.
        if self.writer.transport.get_write_buffer_size():
            await _with_timeout(self.writer.drain(), timeout)

    async def read(self, timeout: float) -> bytes:
        return await _with_timeout(self.reader.read(_READ_SIZE), timeout)

    def pause_reading(self) -> None:
        """Stop reading from the socket, so a TLS ClientHello is left for the handshake."""
        self.writer.transport.pause_reading()  # type: ignore[attr-defined]

    async def start_tls(
        self, ssl_context: ssl.SSLContext, *, server_side: bool, host: str | None
    ) -> None:
        # Bytes the stream already read past the STARTTLS exchange arrived in plaintext:
        # after the upgrade they would look like protected data (RFC 3207 §5; the STARTTLS
        # injection class of bugs). Refuse to go on.
        if self.reader._buffer:  # type: ignore[attr-defined]
            raise RemoteProtocolError("plaintext bytes received before the TLS handshake")
        if hasattr(self.writer, "start_tls"):  # Python 3.11+
            await self.writer.start_tls(ssl_context, server_hostname=host)
            return
        # Python 3.10: upgrade the transport and point the streams at the new one.
        loop = asyncio.get_running_loop()
        transport = self.writer.transport
        protocol = transport.get_protocol()
        new = await loop.start_tls(
            transport, protocol, ssl_context, server_side=server_side, server_hostname=host
        )
        self.writer._transport = new  # type: ignore[attr-defined]
        self.reader._transport = new  # type: ignore[attr-defined]

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, asyncio.TimeoutError):
            await asyncio.wait_for(self.writer.wait_closed(), 5)


async def drive(
    procedure: Generator[IO | Poll | Item[T], None, R],
    conn: Pump,
    stream: AsyncStream,
    ssl_context: ssl.SSLContext | None,
    host: str,
    *,
    result: list[R],
    server_side: bool = False,
) -> AsyncGenerator[T, None]:
    """Drive ``procedure`` (a client procedure, or with ``server_side`` a server session),
    doing the I/O it asks for; yield its items, and append its result to ``result`` (an async
    generator cannot return one)."""
    try:
        request = next(procedure)
        while True:
            out = conn.data_to_send()
            if out:
                await stream.write(out, conn.write_timeout)
            if request is IO.RECEIVE:
                conn.receive_data(await stream.read(conn.timeout))
            elif request is IO.START_TLS:
                if ssl_context is None:
                    raise ValueError("STARTTLS needs an ssl_context")
                await stream.start_tls(
                    ssl_context, server_side=server_side, host=None if server_side else host
                )
            elif type(request) is Poll:
                try:
                    conn.receive_data(await stream.read(request.seconds))
                except asyncio.TimeoutError:  # TimeoutError itself from Python 3.11
                    request.timed_out = True
            elif type(request) is Item:
                yield request.value
            request = procedure.send(None)
    except StopIteration as done:
        out = conn.data_to_send()
        if out:
            await stream.write(out, conn.write_timeout)
        result.append(done.value)


async def run(
    procedure: Procedure[R],
    conn: Pump,
    stream: AsyncStream,
    ssl_context: ssl.SSLContext | None,
    host: str,
) -> R:
    """Drive a procedure that yields no items to completion; return its result."""
    result: list[R] = []
    async for _ in drive(procedure, conn, stream, ssl_context, host, result=result):
        raise TypeError("a streaming procedure was run as a plain one")
    return result[0]
