"""The server front shared by every SMTP server transport (blocking, threaded, asyncio).

One constructor (:class:`SMTPServerBase`), the per-connection options it resolves, and the way
handler hooks are called (a hook that raises is logged and answered 451) -- written once.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pymailproto._client_front import Trace
from pymailproto._limits import SMTPLimits, SMTPTimeouts
from pymailproto.sasl import Authenticator, server_mechanisms
from pymailproto.servers import CaptureHandler, HookCall, SMTPSession
from pymailproto.servers._smtp_handlers import implemented_hooks
from pymailproto.smtp import (
    DEFAULT_SERVER_EXTENSIONS,
    Reply,
    ServerConnection,
)

__all__ = ["SMTPServerBase", "ServerOptions", "await_hook", "hook", "hook_failed", "timeout_reply"]

_log = logging.getLogger("pymailproto.server")


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
    #: The handler hooks worth calling (computed once per server, not per connection).
    hooks: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hooks", implemented_hooks(self.handler))

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
            hooks=self.hooks,
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
