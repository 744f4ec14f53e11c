"""What the sync and asyncio transports share: connection options and the client front.

Transports only move bytes, handle TLS and enforce timeouts. Everything they have in common
that is not I/O -- resolving defaults, building the procedures a client method runs -- lives
here once, so ``sync`` and ``aio`` differ only in how they wait.
"""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pymailproto._limits import SMTPLimits, SMTPTimeouts
from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError
from pymailproto.sasl import Authenticator, client_mechanism, server_mechanisms
from pymailproto.servers import CaptureHandler, Envelope, HookCall, SMTPSession
from pymailproto.smtp import (
    DEFAULT_SERVER_EXTENSIONS,
    Address,
    ClientConnection,
    Extensions,
    Reply,
    ServerConnection,
)
from pymailproto.smtp import _procedures as proc
from pymailproto.smtp._events import Noop, Rset, Vrfy
from pymailproto.smtp._params import MailParams, RcptParams
from pymailproto.smtp._results import MessageTooLarge, ReplyError, SendResult

if TYPE_CHECKING:
    from email.message import Message

__all__ = [
    "ClientOptions",
    "RelayTarget",
    "SMTPClientBase",
    "SMTPClientFront",
    "SMTPServerBase",
    "ServerOptions",
    "Trace",
    "await_hook",
    "hook",
    "hook_failed",
    "relay_reply",
    "timeout_reply",
]

_log = logging.getLogger("pymailproto.server")

#: A trace sink: receives one ``C: ...`` or ``S: ...`` line at a time, secrets masked.
Trace = Callable[[str], None]

#: RFC 8314 §3.3 (465, implicit TLS), RFC 6409 §3.1 (587, submission), RFC 2033 (LMTP: 24).
_DEFAULT_PORTS = {TLSMode.IMPLICIT: 465, TLSMode.STARTTLS: 587, TLSMode.PLAINTEXT: 25}


@dataclass(frozen=True)
class ClientOptions:
    """Resolved settings of one client connection."""

    host: str
    port: int
    tls: TLSMode
    ssl_context: ssl.SSLContext | None
    connect_timeout: float
    timeouts: SMTPTimeouts
    local_hostname: str

    @classmethod
    def resolve(
        cls,
        host: str,
        port: int | None,
        *,
        lmtp: bool = False,
        tls: TLSMode,
        ssl_context: ssl.SSLContext | None,
        timeout: float | None,
        timeouts: SMTPTimeouts | None,
        local_hostname: str | None,
    ) -> ClientOptions:
        if not isinstance(tls, TLSMode):
            raise TypeError("tls must be a TLSMode")
        if lmtp and port is None:
            # RFC 2033 §5: LMTP must not run on port 25 and has no port of its own.
            raise ValueError("LMTP has no standard port: pass port=")
        if tls is not TLSMode.PLAINTEXT and ssl_context is None:
            # Certificates and host names verified by default (RFC 8314 §4.1).
            ssl_context = ssl.create_default_context()
        if timeouts is None:
            timeouts = SMTPTimeouts() if timeout is None else _uniform(timeout)
        return cls(
            host=host,
            port=_DEFAULT_PORTS[tls] if port is None else port,
            tls=tls,
            ssl_context=ssl_context,
            connect_timeout=timeout if timeout is not None else timeouts.greeting,
            timeouts=timeouts,
            local_hostname=local_hostname or socket.getfqdn() or "localhost",
        )


def _uniform(seconds: float) -> SMTPTimeouts:
    return SMTPTimeouts(seconds, seconds, seconds, seconds, seconds, seconds)


class SMTPClientBase:
    """The constructor and state shared by the blocking and asyncio SMTP clients."""

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        tls: TLSMode = TLSMode.STARTTLS,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float | None = None,
        timeouts: SMTPTimeouts | None = None,
        local_hostname: str | None = None,
        lmtp: bool = False,
        limits: SMTPLimits | None = None,
        trace: Trace | None = None,
        allow_plaintext_auth: bool = False,
    ) -> None:
        options = ClientOptions.resolve(
            host,
            port,
            lmtp=lmtp,
            tls=tls,
            ssl_context=ssl_context,
            timeout=timeout,
            timeouts=timeouts,
            local_hostname=local_hostname,
        )
        self._front = SMTPClientFront(
            options,
            lmtp=lmtp,
            limits=limits,
            trace=trace,
            allow_plaintext_auth=allow_plaintext_auth,
        )

    @property
    def extensions(self) -> Extensions:
        """What the server advertised in its last EHLO/LHLO reply."""
        return self._front.extensions

    @property
    def connection(self) -> ClientConnection:
        """The sans-IO connection underneath (state, extensions, tls_active)."""
        return self._front.conn


class SMTPClientFront:
    """The procedures behind each client method; sync and asyncio clients only run them."""

    def __init__(
        self,
        options: ClientOptions,
        *,
        lmtp: bool,
        limits: SMTPLimits | None,
        trace: Trace | None,
        allow_plaintext_auth: bool,
    ) -> None:
        self.options = options
        self.allow_plaintext_auth = allow_plaintext_auth
        self.conn = ClientConnection(
            lmtp=lmtp,
            limits=limits,
            timeouts=options.timeouts,
            tls_active=options.tls is TLSMode.IMPLICIT,
            trace=trace,
        )

    @property
    def extensions(self) -> Extensions:
        return self.conn.extensions

    def open(self) -> proc.Procedure[Extensions]:
        return proc.open_session(self.conn, self.options.local_hostname, self.options.tls)

    def login(self, username: str, password: str, mechanism: str | None) -> proc.Procedure[Reply]:
        return proc.login(
            self.conn,
            username,
            password,
            mechanism=mechanism,
            allow_plaintext=self.allow_plaintext_auth,
        )

    def auth(
        self,
        mechanism: str,
        username: str,
        password: str | None,
        token: str | None,
        authzid: str,
    ) -> proc.Procedure[Reply]:
        mech = client_mechanism(mechanism, username, password, token=token, authzid=authzid)
        return proc.authenticate(self.conn, mech, allow_plaintext=self.allow_plaintext_auth)

    def send_message(
        self,
        message: Message | bytes | str,
        from_addr: str | Address | None,
        to_addrs: str | Address | Sequence[str | Address] | None,
        mail_params: MailParams | None,
        rcpt_params: RcptParams | None,
    ) -> proc.Procedure[SendResult]:
        return proc.send_email(
            self.conn,
            message,
            from_addr,
            to_addrs,
            mail_params=mail_params,
            rcpt_params=rcpt_params,
        )

    def noop(self) -> proc.Procedure[Reply]:
        return proc.command(self.conn, Noop())

    def rset(self) -> proc.Procedure[Reply]:
        return proc.command(self.conn, Rset())

    def verify(self, address: str) -> proc.Procedure[Reply]:
        return proc.command(self.conn, Vrfy(address))

    def quit(self) -> proc.Procedure[Reply]:
        return proc.quit(self.conn)


@dataclass(frozen=True)
class ServerOptions:
    """The constructor arguments every SMTP server transport takes, resolved."""

    host: str
    port: int
    handler: object
    authenticator: Authenticator | None
    ssl_context: ssl.SSLContext | None
    starttls_context: ssl.SSLContext | None
    require_auth: bool
    auth_requires_tls: bool
    limits: SMTPLimits
    lmtp: bool
    hostname: str
    max_connections: int
    timeouts: SMTPTimeouts
    trace: Trace | None
    extensions: frozenset[str]
    strict_line_endings: bool

    def new_session(self, peer: str) -> SMTPSession:
        """A fresh sans-IO session for one accepted connection."""
        mechanisms = server_mechanisms(self.authenticator) if self.authenticator else ()
        conn = ServerConnection(
            self.hostname,
            lmtp=self.lmtp,
            limits=self.limits,
            timeouts=self.timeouts,
            starttls=self.starttls_context is not None,
            tls_active=self.ssl_context is not None,
            auth_mechanisms=mechanisms,
            auth_requires_tls=self.auth_requires_tls,
            require_auth=self.require_auth,
            trace=self.trace,
            extensions=self.extensions,
            strict_line_endings=self.strict_line_endings,
        )
        return SMTPSession(
            conn,
            authenticator=self.authenticator,
            peer=peer,
            collect_content=getattr(self.handler, "collect_content", True),
        )


class SMTPServerBase:
    """The constructor every SMTP server transport shares (sync, threaded, asyncio).

    ``handler`` decides what happens to mail (default: a :class:`CaptureHandler`);
    ``authenticator`` enables AUTH (offered only under TLS unless ``auth_requires_tls`` is
    False); ``ssl_context`` makes the port implicit-TLS, ``starttls_context`` offers STARTTLS;
    ``limits`` and ``timeouts`` bound every connection; ``lmtp`` speaks LMTP; ``trace``
    receives every connection's dialogue as ``C:``/``S:`` lines, credentials masked;
    ``extensions`` picks which optional extensions are offered (default: all of
    :data:`~pymailproto.smtp.DEFAULT_SERVER_EXTENSIONS`); ``strict_line_endings=False`` lets
    messages with bare CR/LF through.
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
        timeouts: SMTPTimeouts | None = None,
        lmtp: bool = False,
        hostname: str | None = None,
        max_connections: int = 100,
        trace: Trace | None = None,
        extensions: Iterable[str] = DEFAULT_SERVER_EXTENSIONS,
        strict_line_endings: bool = True,
    ) -> None:
        if require_auth and authenticator is None:
            raise ValueError("require_auth needs an authenticator")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.options = ServerOptions(
            host=host,
            port=port,
            handler=handler if handler is not None else CaptureHandler(),
            authenticator=authenticator,
            ssl_context=ssl_context,
            starttls_context=starttls_context,
            require_auth=require_auth,
            auth_requires_tls=auth_requires_tls,
            limits=limits or SMTPLimits(),
            lmtp=lmtp,
            hostname=hostname or "localhost",
            max_connections=max_connections,
            timeouts=timeouts or SMTPTimeouts(),
            trace=trace,
            extensions=frozenset(extensions),
            strict_line_endings=strict_line_endings,
        )
        #: The handler receiving mail (the default CaptureHandler when none was given).
        self.handler = self.options.handler


def hook(handler: object, session: SMTPSession, call: HookCall) -> Any:
    """Call ``handler.<name>(session, *args)``; a handler without that hook answers None.

    A hook that raises is logged and answered like a local error (:func:`hook_failed`), so
    one broken handler call never takes the server down. A coroutine is returned as is for
    the asyncio transport to await (through :func:`await_hook`).
    """
    method = getattr(handler, call.name, None)
    if method is None:
        return None
    try:
        return method(session, *call.args)
    except Exception:
        return hook_failed(call)


async def await_hook(call: HookCall, answer: Any) -> Any:
    """Await an async hook's answer with the same failure handling as :func:`hook`."""
    try:
        return await answer
    except Exception:
        return hook_failed(call)


def hook_failed(call: HookCall) -> Reply:
    """Log the exception being handled; answer 451 4.3.0 (RFC 3463 X.3.0, a local error)."""
    _log.exception("handler hook %s failed", call.name)
    return Reply(451, "Local error in processing", "4.3.0")


def timeout_reply() -> Reply:
    """RFC 5321 §4.5.3.2.7 / §3.8: the server gives up on an idle client with 421."""
    return Reply(421, "Timeout waiting for client, closing connection", "4.4.2")


@dataclass(frozen=True)
class RelayTarget:
    """Where a relay handler forwards mail (the "smarthost") and how to log in there."""

    host: str
    port: int | None = None
    tls: TLSMode = TLSMode.STARTTLS
    ssl_context: ssl.SSLContext | None = None
    username: str | None = None
    password: str | None = None
    timeout: float | None = 60.0

    def client_arguments(self) -> dict[str, Any]:
        """Keyword arguments for SMTPClient (sync or asyncio)."""
        return {
            "host": self.host,
            "port": self.port,
            "tls": self.tls,
            "ssl_context": self.ssl_context,
            "timeout": self.timeout,
        }


def relay_reply(envelope: Envelope, outcome: SendResult | BaseException) -> Reply:
    """Our reply to the client after forwarding its message to the smarthost.

    All delivered: 250 with the smarthost's answer. Refused there: the same class of failure
    (4yz stays temporary so the client retries). Unreachable: 451 4.4.1 (RFC 3463 X.4.1).
    Partly refused: 250, since the message did go out; the refusals are in the text.
    """
    if isinstance(outcome, SendResult):
        refused = [r for r in envelope.rcpt_to if r not in outcome.delivered]
        note = f" (refused there: {', '.join(refused)})" if refused else ""
        return Reply(250, f"Relayed: {outcome.reply.text_lines[0]}{note}", "2.0.0")
    if isinstance(outcome, ReplyError):
        reply = outcome.reply
        if reply.is_transient:
            return Reply(451, f"Smarthost: {reply.text_lines[0]}", "4.4.0")
        return Reply(554, f"Smarthost refused: {reply.text_lines[0]}", "5.0.0")
    if isinstance(outcome, MessageTooLarge):
        return Reply(552, "Message too large for the smarthost", "5.3.4")
    if isinstance(outcome, LocalProtocolError):
        return Reply(554, f"Cannot relay: {outcome.message}", "5.3.3")
    return Reply(451, f"Smarthost unreachable: {outcome}", "4.4.1")
