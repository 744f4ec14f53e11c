"""The asyncio SMTP/LMTP server."""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType

from pymailproto._limits import SMTPLimits
from pymailproto._transport import server_options
from pymailproto.aio._driver import AsyncStream, serve_connection
from pymailproto.errors import LocalProtocolError
from pymailproto.sasl import Authenticator

__all__ = ["SMTPServer"]


class SMTPServer:
    """An asyncio SMTP/LMTP server; the same arguments as every other server transport.

    ``await server.start()`` / ``await server.stop()``, or ``async with``. Handler hooks may
    be plain or ``async def`` methods.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        handler: object | None = None,
        authenticator: Authenticator | None = None,
        ssl_context: ssl.SSLContext | None = None,
        starttls_context: ssl.SSLContext | None = None,
        require_auth: bool = False,
        auth_requires_tls: bool = True,
        limits: SMTPLimits | None = None,
        lmtp: bool = False,
        hostname: str | None = None,
        max_connections: int = 1000,
    ) -> None:
        self.options = server_options(
            host,
            port,
            handler=handler,
            authenticator=authenticator,
            ssl_context=ssl_context,
            starttls_context=starttls_context,
            require_auth=require_auth,
            auth_requires_tls=auth_requires_tls,
            limits=limits,
            lmtp=lmtp,
            hostname=hostname,
            max_connections=max_connections,
        )
        self.handler = self.options.handler
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

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
