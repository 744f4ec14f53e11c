"""The asyncio SMTP/LMTP server."""

from __future__ import annotations

import asyncio
from types import TracebackType

from pymailproto._transport import SMTPServerBase
from pymailproto.aio._driver import AsyncStream, serve_connection
from pymailproto.errors import LocalProtocolError

__all__ = ["SMTPServer"]


class SMTPServer(SMTPServerBase):
    """An asyncio SMTP/LMTP server; the same arguments as every other server transport.

    ``await server.start()`` / ``await server.stop()``, or ``async with``. Handler hooks may
    be plain or ``async def`` methods.
    """

    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]]  # the connections being served; created by start()

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
            self._accepted,
            self.options.host,
            self.options.port,
            ssl=self.options.ssl_context,
        )

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, give connections ``timeout`` seconds to finish, cancel the rest."""
        if self._server is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self._server = None
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def __aenter__(self) -> SMTPServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stream = AsyncStream(reader, writer)
        if len(self._tasks) >= self.options.max_connections:
            # RFC 5321 §3.8: a server may refuse a connection with 421.
            await stream.write(b"421 4.3.2 Too many connections, try again later\r\n", 5)
            await stream.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            address = writer.get_extra_info("peername") or ("", 0)
            session = self.options.new_session(f"{address[0]}:{address[1]}")
            await serve_connection(stream, session, self.options)
        finally:
            self._tasks.discard(task)
