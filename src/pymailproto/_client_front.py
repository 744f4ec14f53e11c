"""The client front shared by the blocking and asyncio SMTP clients.

Everything the two clients have in common that is not I/O -- resolving options, building the
sans-IO procedure each method runs -- lives here once, so ``sync`` and ``aio`` differ only in
how they wait.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pymailproto._limits import SMTPLimits, SMTPTimeouts
from pymailproto._tlsmode import TLSMode
from pymailproto.sasl import client_mechanism
from pymailproto.smtp import (
    Address,
    ClientConnection,
    Extensions,
    Reply,
)
from pymailproto.smtp import _procedures as proc
from pymailproto.smtp._batch import Outcome, Outgoing, send_batch
from pymailproto.smtp._events import Noop, Rset, Vrfy
from pymailproto.smtp._params import MailParams, RcptParams
from pymailproto.smtp._results import SendResult

if TYPE_CHECKING:
    from email.message import Message

__all__ = ["ClientOptions", "SMTPClientBase", "SMTPClientFront", "Trace"]

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

    def send_messages(
        self, messages: Iterable[Outgoing | Message]
    ) -> proc.Procedure[list[Outcome]]:
        return send_batch(self.conn, messages)

    def noop(self) -> proc.Procedure[Reply]:
        return proc.command(self.conn, Noop())

    def rset(self) -> proc.Procedure[Reply]:
        return proc.command(self.conn, Rset())

    def verify(self, address: str) -> proc.Procedure[Reply]:
        return proc.command(self.conn, Vrfy(address))

    def quit(self) -> proc.Procedure[Reply]:
        return proc.quit(self.conn)
