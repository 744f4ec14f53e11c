"""Fixtures running each server transport in the background and each client against it.

Every server is bound to 127.0.0.1 on an ephemeral port and stopped by the fixture.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiosmtplib
import pytest
import trustme

from pymailproto import TLSMode
from pymailproto import aio as aio_transport
from pymailproto import sync as sync_transport
from pymailproto import threaded as threaded_transport
from pymailproto.smtp import SendResult

SERVER_KINDS = ["sync", "threaded", "aio"]
CLIENT_KINDS = ["sync", "aio", "smtplib", "aiosmtplib"]
OUR_CLIENTS = ["sync", "aio"]


@dataclass
class TLS:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="session")
def tls() -> TLS:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return TLS(server, client)


@contextmanager
def run_server(kind: str, **kwargs: Any) -> Iterator[Any]:
    """Start a server of ``kind`` in the background; yield it; stop it."""
    if kind == "threaded":
        with threaded_transport.SMTPServer(**kwargs) as background:
            yield background
    elif kind == "sync":
        server = sync_transport.SMTPServer(**kwargs)
        server.start()
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server
        finally:
            server.stop()
            thread.join(10)
    else:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        aserver = aio_transport.SMTPServer(**kwargs)
        asyncio.run_coroutine_threadsafe(aserver.start(), loop).result(10)
        try:
            yield aserver
        finally:
            asyncio.run_coroutine_threadsafe(aserver.stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()


@pytest.fixture(params=SERVER_KINDS)
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def serve(server_kind: str) -> Callable[..., Any]:
    return lambda **kwargs: run_server(server_kind, **kwargs)


Session = Callable[[Any], Any]


def send_with(
    kind: str,
    port: int,
    message: Any,
    *,
    tls: TLSMode = TLSMode.PLAINTEXT,
    context: ssl.SSLContext | None = None,
    login: tuple[str, str] | None = None,
    mechanism: str | None = None,
    lmtp: bool = False,
    **send_kwargs: Any,
) -> Any:
    """Send ``message`` with client ``kind``; return what that client returns."""
    if kind == "sync":
        with sync_transport.SMTPClient(
            "localhost", port, tls=tls, ssl_context=context, timeout=10, lmtp=lmtp
        ) as client:
            if login:
                client.login(*login, mechanism=mechanism)
            return client.send_message(message, **send_kwargs)
    if kind == "aio":

        async def go() -> SendResult:
            async with aio_transport.SMTPClient(
                "localhost", port, tls=tls, ssl_context=context, timeout=10, lmtp=lmtp
            ) as client:
                if login:
                    await client.login(*login, mechanism=mechanism)
                return await client.send_message(message, **send_kwargs)

        return asyncio.run(go())
    if kind == "smtplib":
        smtp: smtplib.SMTP
        if tls is TLSMode.IMPLICIT:
            smtp = smtplib.SMTP_SSL("localhost", port, timeout=10, context=context)
        else:
            smtp = smtplib.SMTP("localhost", port, timeout=10)
        with smtp:
            if tls is TLSMode.STARTTLS:
                smtp.starttls(context=context)
            if login:
                smtp.login(*login)
            if isinstance(message, bytes):
                return smtp.sendmail(send_kwargs["from_addr"], send_kwargs["to_addrs"], message)
            return smtp.send_message(message, **_smtplib_kwargs(send_kwargs))
    if kind == "aiosmtplib":
        return asyncio.run(
            aiosmtplib.send(
                message,
                hostname="localhost",
                port=port,
                use_tls=tls is TLSMode.IMPLICIT,
                start_tls=tls is TLSMode.STARTTLS,
                tls_context=context,
                username=login[0] if login else None,
                password=login[1] if login else None,
                timeout=10,
                **_aiosmtplib_kwargs(send_kwargs),
            )
        )
    raise AssertionError(kind)


def _smtplib_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k in ("from_addr", "to_addrs")}


def _aiosmtplib_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    if "from_addr" in kwargs:
        out["sender"] = kwargs["from_addr"]
    if "to_addrs" in kwargs:
        out["recipients"] = kwargs["to_addrs"]
    return out
