"""Blocking SMTP servers: one connection at a time (sync) or a thread per connection."""

from __future__ import annotations

import abc
import contextlib
import socket
import ssl
import threading
from types import TracebackType
from typing import TypeVar

from pymailproto._io import IO
from pymailproto._server_front import ServerOptions, SMTPServerBase, hook, timeout_reply
from pymailproto.errors import LocalProtocolError
from pymailproto.servers import HookCall, SMTPSession
from pymailproto.smtp import State

__all__ = ["BlockingServer", "SMTPServer", "serve_connection"]

_S = TypeVar("_S", bound="BlockingServer")

_READ_SIZE = 65536
HANDSHAKE_TIMEOUT = 60.0  # implicit TLS: a client that never completes the handshake


def serve_connection(sock: socket.socket, session: SMTPSession, options: ServerOptions) -> None:
    """Run one session over a connected blocking socket until it ends; always closes it."""
    conn = session.conn
    steps = session.run()
    answer: object = None
    sock.settimeout(conn.timeout)  # the server timeout never changes during a session
    try:
        while True:
            step = steps.send(answer)
            answer = None
            if isinstance(step, HookCall):
                # Replies wait until the session needs input, so pipelined commands are
                # answered in one write (RFC 2920 §3.2), not one small packet each.
                answer = hook(options.handler, session, step)
                continue
            out = conn.data_to_send()
            if out:
                sock.sendall(out)
            if step is IO.RECEIVE:
                conn.receive_data(sock.recv(_READ_SIZE))
            elif step is IO.START_TLS:
                assert options.starttls_context is not None
                sock = options.starttls_context.wrap_socket(sock, server_side=True)
    except StopIteration:
        with contextlib.suppress(OSError):
            sock.sendall(conn.data_to_send())
    except TimeoutError:
        if conn.state is not State.CLOSED:
            with contextlib.suppress(OSError, LocalProtocolError):
                conn.send(timeout_reply())
                sock.sendall(conn.data_to_send())
    except (OSError, ssl.SSLError):
        pass  # the client went away or the TLS handshake failed: nothing to answer
    finally:
        steps.close()
        with contextlib.suppress(OSError):
            sock.close()


class BlockingServer(abc.ABC):
    """What every blocking server does whatever its protocol: bind, accept one connection
    after the other, stop. Subclasses serve a connection in :meth:`_serve`.

    ``start()`` binds (``port=0`` picks a free port, readable as ``.port``), then
    ``serve_forever()`` blocks; ``stop()`` from another thread ends it.
    """

    _listener: socket.socket | None = None
    _stopping = threading.Event()  # replaced per instance in start()

    @property
    @abc.abstractmethod
    def _address(self) -> tuple[str, int]:
        """Where to listen."""

    @property
    def max_connections(self) -> int:
        """How many connections a threaded variant serves at once."""
        return 100

    @property
    def port(self) -> int:
        """The bound port (useful with ``port=0``)."""
        if self._listener is None:
            raise LocalProtocolError("the server is not started")
        port: int = self._listener.getsockname()[1]
        return port

    def start(self) -> None:
        """Bind and listen."""
        if self._listener is not None:
            raise LocalProtocolError("already started")
        self._stopping = threading.Event()
        self._listener = socket.create_server(self._address)
        self._listener.settimeout(0.2)  # lets stop() be noticed promptly

    def serve_forever(self) -> None:
        """Accept and serve connections one after the other until :meth:`stop`."""
        while not self._stopping.is_set():
            accepted = self._accept()
            if accepted is not None:
                self._serve(*accepted)

    def stop(self) -> None:
        """Stop accepting; the connection being served finishes on its own."""
        if self._listener is None:
            return  # never started, or already stopped
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self: _S) -> _S:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept(self) -> tuple[socket.socket, str] | None:
        listener = self._listener
        if listener is None:
            return None
        try:
            sock, address = listener.accept()
        except (TimeoutError, OSError):
            return None
        # Answers are batched per read; Nagle would only add delay (asyncio sets this too).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, f"{address[0]}:{address[1]}"

    @abc.abstractmethod
    def _serve(self, sock: socket.socket, peer: str) -> None:
        """Serve one accepted connection to its end, and close it."""

    @abc.abstractmethod
    def _refuse(self, sock: socket.socket) -> None:
        """Tell a client over the connection limit to come back later (threaded servers)."""


class SMTPServer(SMTPServerBase, BlockingServer):
    """A blocking SMTP/LMTP server that serves one connection at a time.

    ``start()`` binds (``port=0`` picks a free port, readable as ``.port``), then
    ``serve_forever()`` blocks; ``stop()`` from another thread ends it. For a server that
    runs in the background and serves many clients at once, use
    :class:`pymailproto.threaded.SMTPServer` (same arguments).
    """

    @property
    def _address(self) -> tuple[str, int]:
        return (self.options.host, self.options.port)

    @property
    def max_connections(self) -> int:
        """How many connections the threaded variant serves at once."""
        return self.options.max_connections

    def _refuse(self, sock: socket.socket) -> None:
        # RFC 5321 §3.8: a server may refuse a connection with 421.
        sock.sendall(b"421 4.3.2 Too many connections, try again later\r\n")

    def _serve(self, sock: socket.socket, peer: str) -> None:
        try:
            if self.options.ssl_context is not None:
                sock.settimeout(HANDSHAKE_TIMEOUT)
                sock = self.options.ssl_context.wrap_socket(sock, server_side=True)
        except (OSError, ssl.SSLError):
            sock.close()
            return
        serve_connection(sock, self.options.new_session(peer), self.options)
