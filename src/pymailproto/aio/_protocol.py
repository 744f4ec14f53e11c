"""The asyncio server's connection: an ``asyncio.BufferedProtocol`` driving an SMTPSession.

Streams cost a coroutine switch and a future per read; a protocol is called by the event loop
with the bytes directly. The session still only moves through its steps: this class feeds it
what arrived, writes what it queued, arms the RFC 5321 §4.5.3.2.7 timer while it waits for the
client, and suspends it (reading paused) while an async hook or a TLS handshake completes.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import ssl
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from pymailproto._io import IO
from pymailproto._server_front import ServerOptions, await_hook, hook, timeout_reply
from pymailproto.errors import LocalProtocolError
from pymailproto.servers import HookCall
from pymailproto.servers._smtp_session import SessionStep
from pymailproto.smtp import State

__all__ = ["SMTPServerProtocol"]

_log = logging.getLogger("pymailproto.server")
_BUFFER_SIZE = 65536


class SMTPServerProtocol(asyncio.BufferedProtocol):
    """One client connection of :class:`pymailproto.aio.SMTPServer`."""

    def __init__(
        self,
        options: ServerOptions,
        opened: Callable[[SMTPServerProtocol], None],
        closed: Callable[[SMTPServerProtocol], None],
    ) -> None:
        self.options = options
        # Registered only once connected: with implicit TLS a failed handshake never calls
        # connection_made (nor connection_lost), and must leave nothing to wait for.
        self._opened_callback = opened
        self._closed_callback = closed
        self._buffer = bytearray(_BUFFER_SIZE)
        self._view = memoryview(self._buffer)
        self.transport: asyncio.Transport | None = None
        self._steps: Generator[SessionStep, Any, None] | None = None
        self._busy = False  # an async hook or a TLS handshake is in progress
        self._timer: asyncio.TimerHandle | None = None
        self._deadline: float | None = None  # when the client is given up on, if waited for
        self._task: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = self._loop.create_future()

    # ------------------------------------------------------------------ asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._opened_callback(self)
        address = transport.get_extra_info("peername") or ("", 0)
        self.session = self.options.new_session(f"{address[0]}:{address[1]}")
        self.conn = self.session.conn
        self._steps = self.session.run()
        self._advance(None)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        self._cancel_timer()
        self.conn.receive_data(bytes(self._view[:nbytes]))
        self._advance(None)

    def eof_received(self) -> bool:
        self._cancel_timer()
        self.conn.receive_data(b"")
        self._advance(None)
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._steps is not None:
            self._steps.close()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if not self.done.done():
            self.done.set_result(None)
        self._closed_callback(self)

    # ------------------------------------------------------------------ driving the session

    def _advance(self, answer: Any) -> None:
        """Run the session until it waits for input, a coroutine, a handshake, or ends."""
        if self._busy or self._steps is None or self.transport is None:
            return  # bytes that arrive meanwhile stay in the connection's buffer
        try:
            while True:
                step = self._steps.send(answer)
                answer = None
                if step is IO.RECEIVE:  # the common case first: answered, now wait
                    self._flush()
                    self._arm_timer()
                    return
                if isinstance(step, HookCall):
                    answer = hook(self.options.handler, self.session, step)
                    if inspect.isawaitable(answer):
                        self._suspend(self._finish_hook(step, answer))
                        return
                    continue
                if step is IO.START_TLS:
                    # Before the 220 goes out: the ClientHello must reach the TLS layer.
                    self.transport.pause_reading()
                    self._flush()
                    self._suspend(self._start_tls())
                    return
                self._flush()  # IO.FLUSH
        except StopIteration:
            self._flush()
            self._steps = None
            self.transport.close()
        except Exception:
            _log.exception("SMTP session failed")
            self._steps = None
            self.transport.abort()

    def _flush(self) -> None:
        out = self.conn.data_to_send()
        if out and self.transport is not None:
            self.transport.write(out)

    def _suspend(self, coroutine: Coroutine[Any, Any, None]) -> None:
        self._busy = True
        assert self.transport is not None
        self.transport.pause_reading()
        self._task = asyncio.get_running_loop().create_task(coroutine)

    def _resume(self, answer: Any) -> None:
        self._busy = False
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
            self._advance(answer)

    async def _finish_hook(self, call: HookCall, awaitable: Any) -> None:
        answer = await await_hook(call, awaitable)
        self._resume(answer)

    async def _start_tls(self) -> None:
        context = self.options.starttls_context
        assert context is not None
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(self.transport, self, context, server_side=True)
        except (OSError, ssl.SSLError, ConnectionError):
            self.transport.abort()  # the handshake failed: nothing to answer
            return
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._resume(None)

    # ------------------------------------------------------------------ timeout

    # One timer per connection, re-armed lazily: a read only moves the deadline. Creating and
    # cancelling a TimerHandle for every command would cost more than parsing the command.

    def _arm_timer(self) -> None:
        loop = self._loop
        self._deadline = loop.time() + self.conn.timeout
        if self._timer is None:
            self._timer = loop.call_at(self._deadline, self._check_deadline)

    def _cancel_timer(self) -> None:
        self._deadline = None

    def _check_deadline(self) -> None:
        self._timer = None
        deadline = self._deadline
        if deadline is None:
            return  # not waiting for the client now; the next wait arms a new timer
        loop = asyncio.get_running_loop()
        if loop.time() < deadline:
            self._timer = loop.call_at(deadline, self._check_deadline)
            return
        self._timed_out()

    def _timed_out(self) -> None:
        """RFC 5321 §4.5.3.2.7: give up on an idle client, saying so with 421."""
        self._deadline = None
        if self.conn.state is not State.CLOSED:
            with contextlib.suppress(LocalProtocolError):
                self.conn.send(timeout_reply())
        self._flush()
        if self.transport is not None:
            self.transport.close()
