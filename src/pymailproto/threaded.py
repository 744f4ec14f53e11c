"""Threaded transports: servers in the background with one thread per connection, and an IMAP
client whose methods may be called from several threads (IDLE pushes to a callback).

The servers take the same constructor as every other server transport; ``start()``/``stop()``
or a ``with`` block, and the bound port is readable as ``.port`` once started.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading

from pymailproto._relay import RelayTarget
from pymailproto._threaded_imap import IMAPClient
from pymailproto.sync._imap_server import IMAPServer as _BlockingIMAPServer
from pymailproto.sync._relay import RelayHandler
from pymailproto.sync._server import BlockingServer
from pymailproto.sync._server import SMTPServer as _BlockingSMTPServer

__all__ = ["IMAPClient", "IMAPServer", "RelayHandler", "RelayTarget", "SMTPServer"]


class _Threaded(BlockingServer):
    """A blocking server run in the background, a thread per client connection.

    ``stop(timeout)`` stops accepting, lets the connections in progress finish for up to
    ``timeout`` seconds, then closes the remaining ones.
    """

    def start(self) -> None:
        """Bind, listen and start accepting in a background thread."""
        super().start()
        self._threads: set[threading.Thread] = set()
        self._fds: set[int] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.max_connections)
        self._acceptor = threading.Thread(
            target=self.serve_forever, name=f"accept-{self.port}", daemon=True
        )
        self._acceptor.start()

    def serve_forever(self) -> None:
        """The accept loop (runs in the background thread)."""
        while not self._stopping.is_set():
            accepted = self._accept()
            if accepted is None:
                continue
            sock, peer = accepted
            if not self._slots.acquire(blocking=False):
                with contextlib.suppress(OSError):
                    self._refuse(sock)  # over the connection limit
                sock.close()
                continue
            thread = threading.Thread(target=self._run, args=(sock, peer), daemon=True)
            with self._lock:
                self._threads.add(thread)
                self._fds.add(sock.fileno())
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, wait up to ``timeout`` for connections, then close the rest."""
        if self._listener is None:
            return  # never started, or already stopped
        super().stop()
        acceptor = getattr(self, "_acceptor", None)
        if acceptor is not None:
            acceptor.join()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout / max(len(threads), 1))
        with self._lock:
            for fd in self._fds:
                # The socket object may have been replaced by its TLS wrapper, which keeps
                # the same descriptor: shut the connection down through a duplicate of it.
                with contextlib.suppress(OSError):
                    dup = socket.socket(fileno=os.dup(fd))
                    dup.shutdown(socket.SHUT_RDWR)
                    dup.close()
            threads = list(self._threads)
        for thread in threads:
            thread.join()

    def _run(self, sock: socket.socket, peer: str) -> None:
        fd = sock.fileno()
        try:
            self._serve(sock, peer)
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())
                self._fds.discard(fd)
            self._slots.release()


class SMTPServer(_Threaded, _BlockingSMTPServer):
    """An SMTP/LMTP server in a background thread, a thread per client connection.

    ``stop(timeout)`` stops accepting, lets transactions in flight finish for up to
    ``timeout`` seconds, then closes the remaining connections.
    """


class IMAPServer(_Threaded, _BlockingIMAPServer):
    """An IMAP server in a background thread, a thread per client connection; the same
    arguments as every IMAP server transport (see
    :class:`~pymailproto._imap_server_front.IMAPServerBase`)."""
