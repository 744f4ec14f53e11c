"""The blocking IMAP client: the shared methods (:mod:`pymailproto._imap_client_front`) run by
blocking on a socket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from pymailproto._dual import BlockingRunner, BlockingSession
from pymailproto._imap_client_front import IdleSessionBase, IMAPClientBase
from pymailproto._io import Procedure, Stream
from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._capabilities import Capabilities
from pymailproto.imap._response_base import Response
from pymailproto.sync._driver import BlockingStream, drive, run

__all__ = ["IMAPClient", "IdleSession"]

T = TypeVar("T")
# Failures after which the connection is unusable.
_BROKEN = (OSError, RemoteProtocolError)


class IdleSession(IdleSessionBase[Iterator[Response]]):
    """An IDLE in progress: iterate for the server's pushes; leaving the ``with`` block (or
    :meth:`stop`) ends it with DONE. See :meth:`IMAPClient.idle`."""

    def __iter__(self) -> Iterator[Response]:
        return self._pushes

    def __enter__(self) -> IdleSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """End the IDLE (DONE, then its completion); pushes still arriving go to leftover."""
        if self.active:
            self.active = False
            self._control.stop()
            self.leftover.extend(self._pushes)


class IMAPClient(IMAPClientBase, BlockingRunner, BlockingSession):
    """A blocking IMAP client; use it as a context manager.

    ::

        with IMAPClient("imap.example.com", tls=TLSMode.IMPLICIT) as client:
            client.login("user", "password")
            client.select("INBOX")
            messages = client.fetch("1:*", ["FLAGS", "ENVELOPE"], uid=True)

    Its methods are those of :class:`~pymailproto._imap_client_front.IMAPClientBase` (the
    constructor's options are documented there); each blocks until the server has answered.
    """

    _stream: BlockingStream | None = None
    _idle: IdleSession | None = None

    def _goodbye(self) -> None:
        if self._stream is not None:
            self.logout()

    def connect(self) -> Capabilities:
        """Connect, read the greeting, STARTTLS when the TLS mode asks for it."""
        if self._stream is not None:
            raise LocalProtocolError("already connected")
        self._new_session()
        o = self._options
        implicit = o.ssl_context if o.tls is TLSMode.IMPLICIT else None
        self._stream = BlockingStream.connect(o.host, o.port, o.connect_timeout, implicit)
        try:
            return self._open()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the socket without LOGOUT."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def idle(
        self, *, timeout: float | None = None, renew_after: float | None = None
    ) -> IdleSession:
        """IDLE: iterate over the server's pushes (EXISTS, EXPUNGE, FETCH FLAGS ...) as they
        come; renewed before the server's 30-minute timeout; ends after ``timeout`` seconds,
        when the ``with`` block is left, or when the server says BYE::

            with client.idle(timeout=60) as pushes:
                for push in pushes:
                    ...
        """
        control = IdleSession.control(timeout, renew_after)
        self._idle = IdleSession(control, self._iterate(self._idle_stream(control)))
        return self._idle

    def _stream_or_raise(self) -> BlockingStream:
        if self._stream is None:
            raise LocalProtocolError("not connected; call connect() or use 'with'")
        return self._stream

    def _run(self, procedure: Procedure[T]) -> T:
        sock = self._stream_or_raise()
        if self._idle is not None:
            # An IDLE left open (its loop abandoned without stop()): end it first.
            idle, self._idle = self._idle, None
            idle.stop()
        o = self._options
        try:
            return run(procedure, self._conn, sock, o.ssl_context, o.host)
        except _BROKEN:
            # Unusable now (reset, timeout, garbage): close, so leaving a ``with`` block does
            # not try to LOGOUT over it.
            self.close()
            raise

    def _iterate(self, stream: Stream[T]) -> Iterator[T]:
        sock = self._stream_or_raise()
        o = self._options
        try:
            yield from drive(stream, self._conn, sock, o.ssl_context, o.host)
        except _BROKEN:
            self.close()
            raise
