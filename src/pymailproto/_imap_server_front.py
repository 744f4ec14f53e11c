"""The IMAP server front shared by every transport: one constructor and the per-connection
options it resolves.

The constructor takes the arguments DESIGN.md gives every server (``host``, ``port`` with 0 for
an ephemeral port, ``store``, ``authenticator``, ``ssl_context`` for implicit TLS,
``starttls_context``, ``limits``, ``trace``); the session itself is
:class:`pymailproto.servers._imap_session.IMAPSession`, written once for all transports.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pymailproto._client_front import Trace
from pymailproto._limits import IMAPLimits
from pymailproto.imap import LiteralSupport, ServerConnection
from pymailproto.mailstore import Mailstore, MemoryMailstore
from pymailproto.mime import StructureCache
from pymailproto.sasl import Authenticator
from pymailproto.servers._imap_session import IMAPSession, IMAPSessionOptions

__all__ = ["IMAPServerBase", "IMAPServerOptions"]

#: RFC 9051 §5.4: "a server MUST NOT log out an authenticated client after less than 30
#: minutes of inactivity"; the same for a client that has not logged in is generous enough.
IDLE_TIMEOUT = 30 * 60.0


@dataclass(frozen=True)
class IMAPServerOptions:
    """The constructor arguments every IMAP server transport takes, resolved."""

    host: str
    port: int
    store: Mailstore
    authenticator: Authenticator | None
    ssl_context: ssl.SSLContext | None
    starttls_context: ssl.SSLContext | None
    limits: IMAPLimits
    session: IMAPSessionOptions
    idle_timeout: float
    trace: Trace | None
    #: Parsed messages, shared by every session of the server (keys name the user, the
    #: mailbox, its UIDVALIDITY and the UID, so a session never sees another's).
    structure_cache: StructureCache = field(default_factory=lambda: StructureCache(20_000))

    def new_session(self, peer: str) -> IMAPSession:
        """A fresh sans-IO session for one accepted connection."""
        # LITERAL- (RFC 7888 §5): small literals without a round trip, big ones synchronizing
        # -- so an APPEND of any size is announced and streamed into the store.
        conn = ServerConnection(
            self.limits, literals=LiteralSupport.LITERAL_MINUS, trace=self.trace
        )
        conn.tls_active = self.ssl_context is not None
        conn.timeout = conn.write_timeout = self.idle_timeout
        return IMAPSession(
            conn,
            self.store,
            self.authenticator,
            self.session,
            peer=peer,
            structure_cache=self.structure_cache,
        )


class IMAPServerBase:
    """The constructor every IMAP server transport shares (sync, threaded, asyncio).

    ``store`` holds the mail (default: a new :class:`~pymailproto.mailstore.MemoryMailstore`);
    ``authenticator`` checks logins (without one, nobody can log in); ``ssl_context`` makes the
    port implicit-TLS (RFC 8314), ``starttls_context`` offers STARTTLS; without TLS, logins
    are refused (LOGINDISABLED) unless ``allow_plaintext_auth``; ``limits`` bound what a
    client can make the server hold.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        store: Mailstore | None = None,
        authenticator: Authenticator | None = None,
        ssl_context: ssl.SSLContext | None = None,
        starttls_context: ssl.SSLContext | None = None,
        limits: IMAPLimits | None = None,
        allow_plaintext_auth: bool = False,
        hostname: str | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
        trace: Trace | None = None,
    ) -> None:
        session = IMAPSessionOptions(
            starttls=starttls_context is not None,
            allow_plaintext_auth=allow_plaintext_auth,
            hostname=hostname or "localhost",
            clock=_now,
        )
        self.options = IMAPServerOptions(
            host=host,
            port=port,
            store=store if store is not None else MemoryMailstore(),
            authenticator=authenticator,
            ssl_context=ssl_context,
            starttls_context=starttls_context,
            limits=limits or IMAPLimits(),
            session=session,
            idle_timeout=idle_timeout,
            trace=trace,
        )
        #: The mail this server serves.
        self.store = self.options.store


def _now() -> datetime:
    return datetime.now(timezone.utc)
