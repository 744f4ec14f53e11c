"""``pymailproto serve``: a local mail server for development and tests.

SMTP on 127.0.0.1:2525 (no authentication needed: it is a local catch-all), plus message
submission with STARTTLS and AUTH when a certificate is given, and IMAP on 127.0.0.1:1143
(IMAPS with the certificate) over the same store: mail sent to alice@anything is in alice's
INBOX at once, for ``--user alice:PASSWORD`` to read. The store is kept in memory or on disk
(``--maildir DIR``: a Dovecot-compatible Maildir++ per recipient local part).

Every server runs on one asyncio event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pymailproto.aio import IMAPServer, SMTPServer
from pymailproto.auth import StaticAuthenticator
from pymailproto.mailstore import MaildirMailstore, Mailstore, MemoryMailstore
from pymailproto.servers import Envelope, MailstoreHandler, SMTPHandler, describe
from pymailproto.smtp import Reply

__all__ = ["ServeConfig", "parse_user", "run"]


@dataclass
class ServeConfig:
    """What ``pymailproto serve`` was asked to do."""

    host: str = "127.0.0.1"
    smtp_port: int = 2525
    submission_port: int | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    maildir: Path | None = None
    imap_port: int | None = 1143
    users: dict[str, str] = field(default_factory=dict)
    trace: bool = False


def parse_user(text: str) -> tuple[str, str]:
    """``NAME:PASSWORD`` -> (name, password)."""
    name, sep, password = text.partition(":")
    if not sep or not name or not password:
        raise ValueError(f"--user takes NAME:PASSWORD, got {text!r}")
    return name, password


class _Announcing(SMTPHandler):
    """Delivers through ``inner`` and prints one line per message received."""

    def __init__(self, inner: SMTPHandler, write: Callable[[str], None]) -> None:
        self.inner = inner
        self.write = write
        self.collect_content = inner.collect_content

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        answer = self.inner.handle_message(session, envelope)
        self.write(f"received: {describe(envelope)}")
        return answer


def _tls_context(config: ServeConfig) -> ssl.SSLContext | None:
    if config.tls_cert is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config.tls_cert, config.tls_key)
    return context


async def run(
    config: ServeConfig,
    write: Callable[[str], None] = print,
    ready: Callable[[Sequence[SMTPServer]], None] | None = None,
) -> None:
    """Serve until cancelled (Ctrl-C or SIGTERM); stop the servers cleanly."""
    if config.submission_port is not None and config.tls_cert is None:
        raise ValueError("--submission-port needs --tls-cert and --tls-key (RFC 8314 §3)")
    store: Mailstore = (
        MaildirMailstore(config.maildir) if config.maildir is not None else MemoryMailstore()
    )
    handler = _Announcing(MailstoreHandler(store), write)
    tls = _tls_context(config)
    users = StaticAuthenticator(config.users) if config.users else None
    trace = write if config.trace else None
    servers = [
        SMTPServer(
            config.host,
            config.smtp_port,
            handler=handler,
            authenticator=users,
            starttls_context=tls,
            trace=trace,
        )
    ]
    if config.submission_port is not None:
        # RFC 6409 §4.3 / RFC 8314: submission requires authentication, over TLS.
        servers.append(
            SMTPServer(
                config.host,
                config.submission_port,
                handler=handler,
                authenticator=users or StaticAuthenticator({}),
                starttls_context=tls,
                require_auth=True,
                trace=trace,
            )
        )
    imap = None
    if config.imap_port is not None:
        # IMAPS with a certificate (RFC 8314 §3); without one, LOGIN in plaintext is allowed,
        # this being a local development server that listens where the caller says.
        imap = IMAPServer(
            config.host,
            config.imap_port,
            store=store,
            authenticator=users,
            ssl_context=tls,
            allow_plaintext_auth=tls is None,
        )
    for server in servers:
        await server.start()
    if imap is not None:
        await imap.start()
    where = f"Maildirs under {config.maildir}" if config.maildir else "memory"
    write(f"pymailproto: SMTP on {config.host}:{servers[0].port}, delivering to {where}")
    if len(servers) > 1:
        write(f"pymailproto: submission (STARTTLS + AUTH) on {config.host}:{servers[1].port}")
    if imap is not None:
        kind = "IMAPS" if tls is not None else "IMAP"
        who = ", ".join(sorted(config.users)) or "nobody: add --user NAME:PASSWORD"
        write(f"pymailproto: {kind} on {config.host}:{imap.port} (logins: {who})")
    if ready is not None:
        ready(servers)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        for server in servers:
            await server.stop()
        if imap is not None:
            await imap.stop()
        write("pymailproto: stopped")


def main(config: ServeConfig) -> int:
    """Run the server in the foreground; Ctrl-C stops it cleanly."""
    try:
        asyncio.run(run(config))
    except KeyboardInterrupt:
        pass
    except (OSError, ValueError) as exc:
        print(f"pymailproto serve: {exc}", file=sys.stderr)
        return 1
    return 0
