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
from pymailproto.sync._relay import RelayHandler
from pymailproto.sync._server import SMTPServer as _BlockingSMTPServer

__all__ = ["IMAPClient", "RelayHandler", "RelayTarget", "SMTPServer"]


class SMTPServer(_BlockingSMTPServer):
    """An SMTP/LMTP server in a background thread, a thread per client connection.

    ``stop(timeout)`` stops accepting, lets transactions in flight finish for up to
    ``timeout`` seconds, then closes the remaining connections.
    """

    def start(self) -> None:
        """Bind, listen and start accepting in a background thread."""
        super().start()
        self._threads: set[threading.Thread] = set()
        self._fds: set[int] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.options.max_connections)
        self._acceptor = threading.Thread(
            target=self.serve_forever, name=f"smtp-accept-{self.port}", daemon=True
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
                # Over the connection limit: RFC 5321 §3.8 lets a server refuse with 421.
                sock.sendall(b"421 4.3.2 Too many connections, try again later\r\n")
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
