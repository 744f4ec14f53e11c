"""The thread-safe IMAP client: the blocking client, one command at a time from any thread, and
IDLE pushes delivered to a callback from a background thread.

IMAP is one conversation per connection, so "thread-safe" means *serialized*: each method
takes the connection for the length of its command. While :meth:`IMAPClient.start_idle` is
on, a background thread holds an IDLE open and hands every push to the callback; a method
called from another thread asks that IDLE to end (DONE), runs its command, and the
background thread starts IDLE again once no caller is waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pymailproto._io import Procedure, Stream
from pymailproto.errors import LocalProtocolError, ProtocolError
from pymailproto.imap._procedures import IdleControl
from pymailproto.imap._response_base import Response
from pymailproto.sync._imap import IMAPClient as _BlockingIMAPClient

__all__ = ["IMAPClient"]

T = TypeVar("T")
_log = logging.getLogger("pymailproto.imap.client")

#: How often the background IDLE looks for a caller waiting for the connection (seconds).
IDLE_POLL = 0.2


class IMAPClient(_BlockingIMAPClient):
    """A blocking IMAP client whose methods may be called from several threads.

    ``start_idle(callback)`` keeps an IDLE open in a background thread and calls
    ``callback(response)`` there for each push (EXISTS, EXPUNGE, FETCH FLAGS ...); the callback
    must not call the client (it runs while the IDLE holds the connection) -- hand the work to
    another thread. ``stop_idle()`` (or ``close()``/``logout()``) ends it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Held for a whole command (or a whole IDLE): the conversation is one at a time.
        self._conversation = threading.RLock()
        # Guards the bookkeeping below; never held while waiting for the server.
        self._meta = threading.Condition(threading.Lock())
        self._waiting = 0  # callers waiting for the conversation
        self._idle_control: IdleControl | None = None
        self._idle_wanted = False
        self._idle_thread: threading.Thread | None = None
        #: The exception that ended the background IDLE, if one did.
        self.idle_error: BaseException | None = None

    # --- serialization ------------------------------------------------------------------------

    def _acquire(self) -> None:
        with self._meta:
            self._waiting += 1
            if self._idle_control is not None:
                self._idle_control.stop()  # the IDLE ends (DONE) at its next look
        self._conversation.acquire()
        with self._meta:
            self._waiting -= 1

    def _release(self) -> None:
        self._conversation.release()
        with self._meta:
            self._meta.notify_all()

    def _run(self, procedure: Procedure[T]) -> T:
        self._acquire()
        try:
            return super()._run(procedure)
        finally:
            self._release()

    def _iterate(self, stream: Stream[T]) -> Iterator[T]:
        self._acquire()
        try:
            yield from super()._iterate(stream)
        finally:
            self._release()

    # --- background IDLE ----------------------------------------------------------------------

    def start_idle(self, callback: Callable[[Response], None]) -> None:
        """Keep an IDLE open in a background thread; ``callback`` gets each push."""
        if self._idle_thread is not None:
            raise LocalProtocolError("IDLE is already running in the background")
        self._idle_wanted = True
        self.idle_error = None
        thread = threading.Thread(
            target=self._idle_loop, args=(callback,), name="imap-idle", daemon=True
        )
        self._idle_thread = thread
        thread.start()

    def stop_idle(self, timeout: float | None = 30.0) -> None:
        """End the background IDLE and wait for its thread."""
        thread = self._idle_thread
        if thread is None:
            return
        with self._meta:
            self._idle_wanted = False
            if self._idle_control is not None:
                self._idle_control.stop()
            self._meta.notify_all()
        if thread is not threading.current_thread():
            thread.join(timeout)
        self._idle_thread = None

    def _idle_loop(self, callback: Callable[[Response], None]) -> None:
        meta = self._meta
        try:
            while True:
                with meta:
                    # Every caller that asked for the conversation has it first.
                    meta.wait_for(lambda: self._waiting == 0 or not self._idle_wanted)
                    if not self._idle_wanted:
                        return
                    control = IdleControl(poll=IDLE_POLL)
                    self._idle_control = control
                with self._conversation:
                    try:
                        if self._stream is None:
                            return  # BYE or connection lost: the IDLE cannot go on
                        pushes = _BlockingIMAPClient._iterate(self, self._idle_stream(control))
                        for push in pushes:
                            try:
                                callback(push)
                            except Exception:
                                _log.exception("IDLE callback failed on %r", push)
                    finally:
                        with meta:
                            self._idle_control = None
        except (OSError, ProtocolError) as exc:
            self.idle_error = exc
        finally:
            self._idle_wanted = False

    def close(self) -> None:
        """Stop the background IDLE, then close the socket without LOGOUT."""
        if self._idle_thread is not None and self._idle_thread is not threading.current_thread():
            self.stop_idle()
        super().close()

    def logout(self) -> None:
        """Stop the background IDLE, then LOGOUT."""
        self.stop_idle()
        super().logout()
