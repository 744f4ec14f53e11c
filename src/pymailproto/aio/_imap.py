"""The asyncio IMAP client: the shared methods (:mod:`pymailproto._imap_client_front`), awaited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

from pymailproto._dual import AwaitingRunner, AwaitingSession
from pymailproto._imap_client_front import IdleSessionBase, IMAPClientBase
from pymailproto._io import Procedure, Stream
from pymailproto._tlsmode import TLSMode
from pymailproto.aio._driver import AsyncStream, drive, run
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._capabilities import Capabilities
from pymailproto.imap._response_base import Response

__all__ = ["IMAPClient", "IdleSession"]

T = TypeVar("T")
# Failures after which the connection is unusable.
_BROKEN = (OSError, RemoteProtocolError, TimeoutError)


class IdleSession(IdleSessionBase[AsyncIterator[Response]]):
    """An IDLE in progress: ``async for`` the server's pushes; leaving the ``async with``
    block (or :meth:`stop`) ends it with DONE. See :meth:`IMAPClient.idle`."""

    def __aiter__(self) -> AsyncIterator[Response]:
        return self._pushes

    async def __aenter__(self) -> IdleSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        """End the IDLE (DONE, then its completion); pushes still arriving go to leftover."""
        if self.active:
            self.active = False
            self._control.stop()
            self.leftover.extend([push async for push in self._pushes])


class IMAPClient(IMAPClientBase, AwaitingRunner, AwaitingSession):
    """An asyncio IMAP client; use it as an async context manager.

    ::

        async with IMAPClient("imap.example.com", tls=TLSMode.IMPLICIT) as client:
            await client.login("user", "password")
            await client.select("INBOX")
            messages = await client.fetch("1:*", ["FLAGS", "ENVELOPE"], uid=True)

    Its methods are those of :class:`~pymailproto._imap_client_front.IMAPClientBase` (the
    constructor's options are documented there), each a coroutine.
    """

    _stream: AsyncStream | None = None
    _idle: IdleSession | None = None

    async def _goodbye(self) -> None:
        if self._stream is not None:
            await self.logout()

    async def connect(self) -> Capabilities:
        """Connect, read the greeting, STARTTLS when the TLS mode asks for it."""
        if self._stream is not None:
            raise LocalProtocolError("already connected")
        self._new_session()
        o = self._options
        implicit = o.ssl_context if o.tls is TLSMode.IMPLICIT else None
        self._stream = await AsyncStream.connect(o.host, o.port, o.connect_timeout, implicit)
        try:
            return await self._open()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the connection without LOGOUT."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.close()

    def idle(
        self, *, timeout: float | None = None, renew_after: float | None = None
    ) -> IdleSession:
        """IDLE: ``async for`` the server's pushes as they come; see the blocking client's
        :meth:`pymailproto.sync.IMAPClient.idle`::

            async with client.idle(timeout=60) as pushes:
                async for push in pushes:
                    ...
        """
        control = IdleSession.control(timeout, renew_after)
        self._idle = IdleSession(control, self._iterate(self._idle_stream(control)))
        return self._idle

    def _stream_or_raise(self) -> AsyncStream:
        if self._stream is None:
            raise LocalProtocolError("not connected; call connect() or use 'async with'")
        return self._stream

    async def _run(self, procedure: Procedure[T]) -> T:
        stream = self._stream_or_raise()
        if self._idle is not None:
            # An IDLE left open (its loop abandoned without stop()): end it first.
            idle, self._idle = self._idle, None
            await idle.stop()
        o = self._options
        try:
            return await run(procedure, self._conn, stream, o.ssl_context, o.host)
        except _BROKEN:
            # Unusable now (reset, timeout, garbage): close, so leaving an ``async with``
            # block does not try to LOGOUT over it.
            await self.close()
            raise

    async def _iterate(self, stream: Stream[T]) -> AsyncIterator[T]:
        transport = self._stream_or_raise()
        o = self._options
        done: list[None] = []
        try:
            async for item in drive(
                stream, self._conn, transport, o.ssl_context, o.host, result=done
            ):
                yield item
        except _BROKEN:
            await self.close()
            raise
