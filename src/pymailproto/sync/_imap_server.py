"""The blocking IMAP server: one connection at a time (``pymailproto.threaded`` has the
background variant with a thread per connection)."""

from __future__ import annotations

import socket
import ssl

from pymailproto._imap_server_front import IMAPServerBase, IMAPServerOptions
from pymailproto.servers._imap_session import IMAPSession
from pymailproto.sync._driver import BlockingStream, drive
from pymailproto.sync._server import HANDSHAKE_TIMEOUT, BlockingServer

__all__ = ["IMAPServer", "serve_imap_connection"]


def serve_imap_connection(
    sock: socket.socket, session: IMAPSession, options: IMAPServerOptions
) -> None:
    """Run one session over a connected blocking socket until it ends; always closes it.
    The session is driven like any client procedure (``pymailproto.sync``'s driver)."""
    stream = BlockingStream(sock)
    try:
        for _ in drive(session.run(), session.conn, stream, options.starttls_context, "",
                       server_side=True):  # fmt: skip
            pass  # a session hands out no items
    except (OSError, ssl.SSLError):
        pass  # the client went away, timed out, or the TLS handshake failed
    finally:
        stream.close()


class IMAPServer(IMAPServerBase, BlockingServer):
    """A blocking IMAP server that serves one connection at a time.

    ``start()`` binds (``port=0`` picks a free port, readable as ``.port``), then
    ``serve_forever()`` blocks; ``stop()`` from another thread ends it. The session is
    :class:`~pymailproto.servers._imap_session.IMAPSession`, over ``store``.
    """

    @property
    def _address(self) -> tuple[str, int]:
        return (self.options.host, self.options.port)

    def _refuse(self, sock: socket.socket) -> None:
        # RFC 9051 §7.1.5: BYE as the greeting refuses the connection.
        sock.sendall(b"* BYE too many connections, try again later\r\n")

    def _serve(self, sock: socket.socket, peer: str) -> None:
        try:
            if self.options.ssl_context is not None:
                sock.settimeout(HANDSHAKE_TIMEOUT)
                sock = self.options.ssl_context.wrap_socket(sock, server_side=True)
        except (OSError, ssl.SSLError):
            sock.close()
            return
        serve_imap_connection(sock, self.options.new_session(peer), self.options)
