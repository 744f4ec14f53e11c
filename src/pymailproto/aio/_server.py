"""The asyncio SMTP/LMTP server."""

from __future__ import annotations

import asyncio
from types import TracebackType

from pymailproto._server_front import SMTPServerBase
from pymailproto.aio._protocol import SMTPServerProtocol
from pymailproto.errors import LocalProtocolError

__all__ = ["SMTPServer"]


class SMTPServer(SMTPServerBase):
    """An asyncio SMTP/LMTP server; the same arguments as every other server transport.

    ``await server.start()`` / ``await server.stop()``, or ``async with``. Handler hooks may
    be plain or ``async def`` methods.
    """

    _server: asyncio.Server | None = None
    _connections: set[SMTPServerProtocol]  # the connections being served; created by start()

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
        self._connections = set()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._new_connection,
            self.options.host,
            self.options.port,
            ssl=self.options.ssl_context,
        )

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, give connections ``timeout`` seconds to finish, then close them."""
        if self._server is None:
            return
        self._server.close()
        self._server = None
        if self._connections:
            waiting = [c.done for c in self._connections]
            await asyncio.wait(waiting, timeout=timeout)
            for connection in list(self._connections):
                if connection.transport is not None:
                    connection.transport.abort()
            await asyncio.gather(*waiting, return_exceptions=True)

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

    def _new_connection(self) -> asyncio.BaseProtocol:
        if len(self._connections) >= self.options.max_connections:
            return _Refuse()
        return SMTPServerProtocol(self.options, self._connections.add, self._connections.discard)


class _Refuse(asyncio.Protocol):
    """Over the connection limit: RFC 5321 §3.8 lets a server refuse with 421."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(b"421 4.3.2 Too many connections, try again later\r\n")
        transport.close()
