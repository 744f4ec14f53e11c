"""Run sans-IO procedures and sessions over asyncio streams: all of the asyncio transport."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ssl
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

from pymailproto._transport import ServerOptions, await_hook, hook, timeout_reply
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.servers import HookCall, SMTPSession
from pymailproto.smtp import ClientConnection, State
from pymailproto.smtp._procedures import IO, Procedure

__all__ = ["AsyncStream", "run", "serve_connection"]

T = TypeVar("T")
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


async def run(
    procedure: Procedure[T],
    conn: ClientConnection,
    stream: AsyncStream,
    ssl_context: ssl.SSLContext | None,
    host: str,
) -> T:
    """Drive a client procedure to completion, doing the I/O it asks for."""
    try:
        request = next(procedure)
        while True:
            out = conn.data_to_send()
            if out:
                await stream.write(out, conn.timeouts.data_block)
            if request is IO.RECEIVE:
                conn.receive_data(await stream.read(conn.timeout))
            elif request is IO.START_TLS:
                if ssl_context is None:
                    raise ValueError("STARTTLS needs an ssl_context")
                await stream.start_tls(ssl_context, server_side=False, host=host)
            request = procedure.send(None)
    except StopIteration as done:
        out = conn.data_to_send()
        if out:
            await stream.write(out, conn.timeouts.data_block)
        return done.value  # type: ignore[no-any-return]


async def serve_connection(
    stream: AsyncStream, session: SMTPSession, options: ServerOptions
) -> None:
    """Run one server session over a stream until it ends; always closes the stream."""
    conn = session.conn
    steps = session.run()
    answer: Any = None
    try:
        while True:
            step = steps.send(answer)
            answer = None
            if isinstance(step, HookCall):
                # Replies wait until the session needs input, so pipelined commands are
                # answered in one write (RFC 2920 §3.2), not one small packet each.
                answer = hook(options.handler, session, step)
                if inspect.isawaitable(answer):
                    answer = await await_hook(step, answer)
                continue
            if step is IO.START_TLS:
                # Pause before the 220 goes out: a quick client's ClientHello must reach the
                # TLS layer, not the plaintext stream buffer.
                stream.pause_reading()
            out = conn.data_to_send()
            if out:
                await stream.write(out, conn.timeout)
            if step is IO.RECEIVE:
                conn.receive_data(await stream.read(conn.timeout))
            elif step is IO.START_TLS:
                assert options.starttls_context is not None
                await stream.start_tls(options.starttls_context, server_side=True, host=None)
    except StopIteration:
        with contextlib.suppress(OSError, asyncio.TimeoutError):
            await stream.write(conn.data_to_send(), conn.timeout)
    except asyncio.TimeoutError:
        if conn.state is not State.CLOSED:
            with contextlib.suppress(OSError, LocalProtocolError, asyncio.TimeoutError):
                conn.send(timeout_reply())
                await stream.write(conn.data_to_send(), 5)
    except (OSError, ssl.SSLError, ConnectionError, RemoteProtocolError):
        pass  # the client went away, broke TLS, or injected bytes before the handshake
    finally:
        steps.close()
        await stream.close()
