"""Our IMAP server on every transport, driven by our own IMAP clients (and imaplib).

The server is work in progress (issue 6): SORT, THREAD and METADATA are not served yet; these
tests cover the rest -- login, mailboxes, APPEND, SELECT, FETCH, STORE, COPY/MOVE, STATUS, IDLE.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from pymailproto import TLSMode
from pymailproto import aio as aio_transport
from pymailproto import sync as sync_transport
from pymailproto import threaded as threaded_transport
from pymailproto.auth import StaticAuthenticator
from pymailproto.imap import CommandFailed, ExistsResponse, Flag
from pymailproto.mailstore import MemoryMailstore

from ..imap_clients import CLIENT_KINDS, open_client

USERS = {"alice": "secret", "bob": "builder"}


@contextmanager
def running(kind: str, store: MemoryMailstore, **kwargs: Any) -> Iterator[Any]:
    options: dict[str, Any] = {
        "store": store,
        "authenticator": StaticAuthenticator(USERS),
        "allow_plaintext_auth": True,
        **kwargs,
    }
    if kind == "threaded":
        with threaded_transport.IMAPServer(**options) as server:
            yield server
        return
    if kind == "aio":
        loop = asyncio.new_event_loop()
        runner = threading.Thread(target=loop.run_forever, daemon=True)
        runner.start()
        aserver = aio_transport.IMAPServer(**options)
        asyncio.run_coroutine_threadsafe(aserver.start(), loop).result(10)
        try:
            yield aserver
        finally:
            asyncio.run_coroutine_threadsafe(aserver.stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            runner.join(10)
            loop.close()
        return
    blocking = sync_transport.IMAPServer(**options)
    blocking.start()
    thread = threading.Thread(target=blocking.serve_forever, daemon=True)
    thread.start()
    try:
        yield blocking
    finally:
        blocking.stop()
        thread.join(10)


@pytest.fixture(params=["threaded", "sync", "aio"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=CLIENT_KINDS)
def client_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_our_client_against_our_server(server_kind: str, client_kind: str) -> None:
    store = MemoryMailstore()
    with (
        running(server_kind, store) as server,
        open_client(
            client_kind, "127.0.0.1", server.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True
        ) as client,
    ):
        caps = client.login("alice", "secret")
        assert "IDLE" in caps
        client.create("Archive")
        result = client.append("INBOX", b"Subject: one\r\n\r\nbody\r\n", flags=["\\Flagged"])
        assert result.uids == (1,)
        client.append("INBOX", b"Subject: two\r\n\r\nbody\r\n")
        snap = client.select("INBOX")
        assert snap.exists == 2
        assert snap.uidnext == 3
        new, _ = client.store(2, "+", "\\Seen")
        assert Flag.SEEN in new[2]["FLAGS"]
        copied = client.copy(1, "Archive", uid=True)
        assert copied is not None
        moved = client.move(2, "Archive")
        assert moved is not None
        assert client.connection.selected.exists == 1
        assert client.status("Archive", ["MESSAGES"]).messages == 2
        assert {e.name for e in client.list()} == {"INBOX", "Archive"}
        with pytest.raises(CommandFailed):
            client.select("Nope")


def test_idle_sees_mail_delivered_to_the_store(server_kind: str) -> None:
    store = MemoryMailstore()
    with (
        running(server_kind, store) as server,
        open_client(
            "sync", "127.0.0.1", server.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True
        ) as client,
    ):
        client.login("alice", "secret")
        client.select("INBOX")
        timer = threading.Timer(
            0.3, lambda: store.deliver("alice", "INBOX", b"Subject: pushed\r\n\r\nx\r\n")
        )
        timer.start()
        pushes = []
        with client.idle(timeout=10) as session:
            for push in session:
                pushes.append(push)
                if isinstance(push, ExistsResponse):
                    break
        timer.join()
        assert any(isinstance(p, ExistsResponse) and p.count == 1 for p in pushes)


def test_imaplib_logs_in_and_manages_mailboxes(server_kind: str) -> None:
    store = MemoryMailstore()
    with running(server_kind, store) as server:
        client = imaplib.IMAP4("127.0.0.1", server.port)
        try:
            assert client.login("bob", "builder")[0] == "OK"
            assert client.create("Projects")[0] == "OK"
            assert (
                client.append("Projects", "(\\Seen)", None, b"Subject: x\r\n\r\ny\r\n")[0] == "OK"
            )
            typ, data = client.status("Projects", "(MESSAGES)")
            assert typ == "OK"
            assert b"MESSAGES 1" in data[0]
            typ, data = client.select("Projects")
            assert (typ, data) == ("OK", [b"1"])
            assert client.logout()[0] == "BYE"
        finally:
            with contextlib.suppress(OSError):
                client.shutdown()
    assert store.account("bob").mailbox("Projects").message_count == 1


def test_plaintext_login_is_refused_without_tls_by_default() -> None:
    store = MemoryMailstore()
    with threaded_transport.IMAPServer(
        store=store, authenticator=StaticAuthenticator(USERS)
    ) as server:
        client = imaplib.IMAP4("127.0.0.1", server.port)
        try:
            assert "LOGINDISABLED" in client.capabilities
            with pytest.raises(imaplib.IMAP4.error):
                client.login("alice", "secret")
        finally:
            client.shutdown()


def test_fetch_with_our_client(server_kind: str, client_kind: str) -> None:
    store = MemoryMailstore()
    message = (
        b"From: Bob <bob@example.test>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n<p>hello</p>\r\n--b--\r\n"
    )
    store.deliver("alice", "INBOX", message)
    with (
        running(server_kind, store) as server,
        open_client(
            client_kind, "127.0.0.1", server.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True
        ) as client,
    ):
        client.login("alice", "secret")
        client.select("INBOX")
        data = client.fetch("1:*", ["FLAGS", "ENVELOPE", "BODYSTRUCTURE", "BODY.PEEK[]"], uid=True)
        item = data[1]
        assert item.envelope.decoded_subject() == "Grüße"
        assert item.section("") == message
        assert item["BODYSTRUCTURE"].subtype.lower() == b"alternative"
        assert Flag.SEEN not in item["FLAGS"]  # PEEK
        assert b"".join(client.iter_body(1, "2", uid=True)) == b"<p>hello</p>"


def test_two_sessions_see_each_others_changes(server_kind: str) -> None:
    store = MemoryMailstore()
    for subject in ("one", "two"):
        store.deliver("alice", "INBOX", f"Subject: {subject}\r\n\r\nx\r\n".encode())
    options: dict[str, Any] = {"tls": TLSMode.PLAINTEXT, "allow_plaintext_auth": True}
    if server_kind == "sync":
        pytest.skip("the blocking server serves one connection at a time")
    with (
        running(server_kind, store) as server,
        open_client("sync", "127.0.0.1", server.port, **options) as first,
        open_client("sync", "127.0.0.1", server.port, **options) as second,
    ):
        for client in (first, second):
            client.login("alice", "secret")
            client.select("INBOX")
        second.store(1, "+", "\\Flagged")
        # RFC 9051 §7: the other session hears of it at its next command.
        pushed = first.noop()
        flags = [r for r in pushed if type(r).__name__ == "FetchResponse"]
        assert flags
        assert Flag.FLAGGED in flags[0]["FLAGS"]
        second.store(2, "+", "\\Deleted")
        second.expunge()
        assert any(type(r).__name__ == "ExpungeResponse" for r in first.noop())
        assert first.connection.selected.exists == 1
        timer = threading.Timer(0.3, lambda: second.append("INBOX", b"Subject: three\r\n\r\nx\r\n"))
        timer.start()
        got = []
        with first.idle(timeout=10) as session:
            for push in session:
                if isinstance(push, ExistsResponse):
                    got.append(push)
                    break
        timer.join()
        assert got
        assert got[0].count == 2


def test_trace_shows_the_dialogue_with_the_password_masked() -> None:
    lines: list[str] = []
    store = MemoryMailstore()
    with (
        running("threaded", store, trace=lines.append) as server,
        open_client(
            "sync", "127.0.0.1", server.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True
        ) as client,
    ):
        client.login("alice", "secret")
        client.select("INBOX")
    text = "\n".join(lines)
    assert "C: A1 LOGIN alice ****" in text
    assert "secret" not in text
    assert "S: A2 OK [READ-WRITE] SELECT completed" in text
