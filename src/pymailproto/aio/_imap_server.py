"""The asyncio IMAP server: the same session as every transport, driven over asyncio streams."""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType

from pymailproto._imap_server_front import IMAPServerBase, IMAPServerOptions
from pymailproto.aio._driver import AsyncStream, drive
from pymailproto.errors import LocalProtocolError
from pymailproto.servers._imap_session import IMAPSession

__all__ = ["IMAPServer", "serve_imap_stream"]


async def serve_imap_stream(
    stream: AsyncStream, session: IMAPSession, options: IMAPServerOptions
) -> None:
    """Run one session over a connected stream pair until it ends; always closes it.
    The session is driven like any client procedure (``pymailproto.aio``'s driver)."""
    done: list[None] = []
    try:
        async for _ in drive(session.run(), session.conn, stream, options.starttls_context, "",
                             result=done, server_side=True):  # fmt: skip
            pass  # a session hands out no items
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        pass  # the client went away, timed out, or the TLS handshake failed
    finally:
        await stream.close()


class IMAPServer(IMAPServerBase):
    """An asyncio IMAP server; the same arguments as every IMAP server transport (see
    :class:`~pymailproto._imap_server_front.IMAPServerBase`).

    ``await server.start()`` / ``await server.stop()``, or ``async with``. The session's store
    calls are synchronous (a :class:`~pymailproto.mailstore.MemoryMailstore` answers at once;
    a Maildir store touches the disk inside the event loop).
    """

    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]]

    @property
    def port(self) -> int:
        """The bound port (useful with ``port=0``)."""
        if self._server is None:
            raise LocalProtocolError("the server is not started")
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        """Bind and start accepting connections."""
        if self._server is not None:
            raise LocalProtocolError("already started")
        self._tasks = set()
        self._server = await asyncio.start_server(
            self._handle, self.options.host, self.options.port, ssl=self.options.ssl_context
        )

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, give connections ``timeout`` seconds to finish, then cancel them."""
        if self._server is None:
            return
        self._server.close()
        self._server = None
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def __aenter__(self) -> IMAPServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            address = writer.get_extra_info("peername") or ("", 0)
            session = self.options.new_session(f"{address[0]}:{address[1]}")
            await serve_imap_stream(AsyncStream(reader, writer), session, self.options)
        finally:
            self._tasks.discard(task)
