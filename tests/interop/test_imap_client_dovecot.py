"""Our IMAP clients (blocking and asyncio) against a real Dovecot.

Dovecot is configured by the ``dovecot`` fixture in a temporary directory (see
``tests/interop/dovecot.py``): users alice/wonderland, bob/builder and jösé/pässwörd, special-use
mailboxes, QUOTA, METADATA, CONDSTORE/QRESYNC, COMPRESS=DEFLATE, STARTTLS and implicit TLS with
trustme certificates. Every test runs on each client kind.
"""

from __future__ import annotations

import datetime as dt
import email.message
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from pymailproto import TLSMode
from pymailproto.errors import LocalProtocolError
from pymailproto.imap import (
    CommandFailed,
    Envelope,
    ExistsResponse,
    Flag,
    QResync,
    StatusAtt,
    TextBody,
)
from pymailproto.imap import search as s
from pymailproto.imap._codes import Code

from ..imap_clients import CLIENT_KINDS, open_client
from .conftest import DovecotServer

PASSWORD = "wonderland"


@pytest.fixture(params=CLIENT_KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def message(subject: str, body: str = "Hello.\r\n", sender: str = "bob@example.test") -> bytes:
    return (
        f"From: Bob <{sender}>\r\nTo: alice@example.test\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash(subject))}@example.test>\r\n"
        f"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n{body}"
    ).encode()


@pytest.fixture
def alice(dovecot: DovecotServer, kind: str) -> Iterator[Any]:
    """A client logged in as alice over implicit TLS."""
    with open_client(
        kind, "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    ) as client:
        client.login("alice", PASSWORD)
        yield client


# --- connecting and authenticating ---------------------------------------------------------------


def test_implicit_tls_verifies_and_logs_in(alice: Any) -> None:
    assert alice.connection.tls_active
    assert "IDLE" in alice.capabilities
    assert "QRESYNC" in alice.capabilities


def test_starttls_then_login(dovecot: DovecotServer, kind: str) -> None:
    with open_client(
        kind, "127.0.0.1", dovecot.port, tls=TLSMode.STARTTLS, ssl_context=dovecot.certs.client
    ) as client:
        assert client.connection.tls_active
        caps = client.login("alice", PASSWORD)
        assert "MOVE" in caps


def test_certificate_of_another_ca_is_refused(dovecot: DovecotServer, kind: str) -> None:
    import ssl

    with pytest.raises(ssl.SSLCertVerificationError):
        with open_client(kind, "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT):
            pass


def test_plaintext_login_needs_permission(dovecot: DovecotServer, kind: str) -> None:
    with open_client(kind, "127.0.0.1", dovecot.port, tls=TLSMode.PLAINTEXT) as client:
        with pytest.raises(LocalProtocolError, match="unencrypted"):
            client.login("alice", PASSWORD)
    with open_client(
        kind, "127.0.0.1", dovecot.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True
    ) as client:
        client.login("alice", PASSWORD)
        assert client.select("INBOX").exists == 0


def test_utf8_credentials_use_authenticate_plain(dovecot: DovecotServer, kind: str) -> None:
    with open_client(
        kind, "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    ) as client:
        client.login("jösé", "pässwörd")
        assert client.select("INBOX").exists == 0


def test_wrong_password_fails_with_authenticationfailed(dovecot: DovecotServer, kind: str) -> None:
    with open_client(
        kind, "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    ) as client:
        with pytest.raises(CommandFailed) as info:
            client.login("alice", "nope")
        assert info.value.code is Code.AUTHENTICATIONFAILED


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "LOGIN"])
def test_authenticate_with_password_mechanisms(
    dovecot: DovecotServer, kind: str, mechanism: str
) -> None:
    with open_client(
        kind, "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    ) as client:
        client.authenticate(mechanism, "alice", PASSWORD)
        assert client.select("INBOX").uidvalidity is not None


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_authenticate_with_oauth2_tokens(dovecot: DovecotServer, kind: str, mechanism: str) -> None:
    token = dovecot.oauth2_token("alice")
    with open_client(
        kind, "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    ) as client:
        client.authenticate(mechanism, "alice", token=token)
        assert client.select("INBOX").exists == 0


def test_trace_masks_the_password(dovecot: DovecotServer, kind: str) -> None:
    lines: list[str] = []
    with open_client(
        kind,
        "127.0.0.1",
        dovecot.tls_port,
        tls=TLSMode.IMPLICIT,
        ssl_context=dovecot.certs.client,
        trace=lines.append,
    ) as client:
        client.login("alice", PASSWORD)
    text = "\n".join(lines)
    assert "LOGIN alice ****" in text
    assert PASSWORD not in text
    assert any(line.startswith("S: ") for line in lines)


# --- session commands -----------------------------------------------------------------------------


def test_id_namespace_enable(alice: Any) -> None:
    server = alice.id({"name": "pymailproto-tests"})
    assert server.get("name") == "Dovecot"
    ns = alice.namespace()
    assert ns.personal
    assert ns.personal[0].delimiter == "/"
    assert alice.enable("CONDSTORE", "QRESYNC") >= {"CONDSTORE", "QRESYNC"}


def test_quota_and_metadata(alice: Any) -> None:
    roots = alice.get_quota_root("INBOX")
    assert roots
    assert any(u.resource == "STORAGE" for usage in roots.values() for u in usage)
    alice.set_metadata("INBOX", {"/private/comment": "hello"})
    assert alice.get_metadata("INBOX", ["/private/comment"]) == {"/private/comment": b"hello"}
    alice.set_metadata("INBOX", {"/private/comment": None})
    assert alice.get_metadata("INBOX", ["/private/comment"]) in ({}, {"/private/comment": None})


# --- mailboxes ------------------------------------------------------------------------------------


def test_list_special_use_and_status(alice: Any) -> None:
    entries = {e.name: e for e in alice.list("", "*", status=[StatusAtt.MESSAGES])}
    assert {"INBOX", "Sent", "Trash", "Drafts"} <= set(entries)
    assert entries["INBOX"].status is not None
    assert entries["INBOX"].status.messages == 0
    special = {e.name: e for e in alice.list("", "*", special_use=True)}
    assert special["Sent"].has("\\Sent")
    assert special["Trash"].has("\\Trash")


def test_mailbox_lifecycle_with_non_ascii_names(alice: Any) -> None:
    alice.create("Projekte/Grüße")
    alice.subscribe("Projekte/Grüße")
    assert "Projekte/Grüße" in {e.name for e in alice.list("", "Projekte/*")}
    assert "Projekte/Grüße" in {e.name for e in alice.lsub("", "*")}
    alice.rename("Projekte/Grüße", "Projekte/日本")
    assert alice.status("Projekte/日本").messages == 0
    alice.unsubscribe("Projekte/日本")
    alice.delete("Projekte/日本")
    assert "Projekte/日本" not in {e.name for e in alice.list()}
    with pytest.raises(CommandFailed):
        alice.delete("Projekte/日本")


# --- messages -------------------------------------------------------------------------------------


def test_append_fetch_search_store(alice: Any) -> None:
    msg = email.message.EmailMessage()
    msg["From"] = "Bob <bob@example.test>"
    msg["To"] = "alice@example.test"
    msg["Subject"] = "Grüße aus Köln"
    msg.set_content("Schöne Grüße\n")
    when = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
    appended = alice.append("INBOX", msg, flags=["\\Flagged"], date_time=when)
    assert appended.uidvalidity is not None
    assert len(appended.uids) == 1
    second = alice.append("INBOX", message("plain"))
    snap = alice.select("INBOX")
    assert snap.exists == 2
    uid = appended.uids[0]
    data = alice.fetch(uid, ["FLAGS", "ENVELOPE", "BODYSTRUCTURE", "INTERNALDATE"], uid=True)
    item = data[uid]
    assert Flag.FLAGGED in item["FLAGS"]
    assert isinstance(item["ENVELOPE"], Envelope)
    assert item["ENVELOPE"].subject is not None
    assert isinstance(item["BODYSTRUCTURE"], TextBody)
    assert item["INTERNALDATE"] == when
    assert alice.search(s.Subject("Köln"), uid=True) == [uid]
    assert alice.search("FLAGGED", uid=True) == [uid]
    assert alice.search(uid=True) == sorted([uid, second.uids[0]])
    new, modified = alice.store(second.uids, "+", ["\\Seen"], uid=True)
    assert Flag.SEEN in new[second.uids[0]]["FLAGS"]
    assert modified == ()
    body = alice.fetch(second.uids, "BODY.PEEK[]", uid=True)[second.uids[0]]
    assert message("plain") in {v for k, v in body.items() if k != "UID"}


def test_copy_move_expunge(alice: Any) -> None:
    uids = [alice.append("INBOX", message(f"m{i}")).uids[0] for i in range(4)]
    alice.select("INBOX")
    copied = alice.copy(uids[0], "Archive", uid=True)
    assert copied is not None
    assert list(copied.source.ids()) == [uids[0]]
    moved = alice.move(uids[1], "Trash", uid=True)
    assert moved is not None
    assert alice.connection.selected.exists == 3
    alice.store(uids[2:], "+", "\\Deleted", uid=True, silent=True)
    assert alice.uid_expunge(uids[2]) == [2]  # message numbers (EXPUNGE responses)
    assert alice.expunge() == [2]
    assert alice.search(uid=True) == [uids[0]]
    assert alice.status("Archive").messages == 1


def test_sort_thread_esearch(alice: Any) -> None:
    for subject in ("b", "a", "Re: a"):
        alice.append("INBOX", message(subject))
    alice.select("INBOX")
    from pymailproto.imap import SortCriterion, SortKey

    assert alice.sort([SortCriterion(SortKey.SUBJECT)]) == [2, 3, 1]
    threads = alice.thread("REFERENCES")
    assert len(threads) >= 2
    result = alice.esearch("ALL", ["MIN", "MAX", "COUNT"])
    assert (result.min, result.max, result.count) == (1, 3, 3)


def test_iter_fetch_streams_many_messages(dovecot: DovecotServer, alice: Any) -> None:
    dovecot.populate("alice", "INBOX", [message(f"bulk {i}") for i in range(500)])
    alice.select("INBOX")
    seen = 0
    for response in alice.iter_fetch("1:*", ["UID", "FLAGS"]):
        seen += 1
        assert response.uid is not None
    assert seen == 500


def test_append_of_a_20_mb_message(alice: Any) -> None:
    line = b"x" * 998 + b"\r\n"
    big = b"Subject: big\r\n\r\n" + line * (20 * 1024 * 1024 // len(line))
    result = alice.append("INBOX", big)
    alice.select("INBOX")
    size = alice.fetch(result.uids, "RFC822.SIZE", uid=True)[result.uids[0]]["RFC822.SIZE"]
    assert size == len(big)


def test_compress_deflate(alice: Any) -> None:
    alice.compress()
    assert alice.connection.compressed
    alice.append("INBOX", message("compressed"))
    assert alice.select("INBOX").exists == 1
    assert alice.search("SUBJECT compressed") == [1]


def test_raw_command(alice: Any) -> None:
    pending = alice.raw("NOOP")
    assert pending.ok
    bad = alice.raw("FOOBAR")
    assert not bad.ok


# --- other sessions: IDLE, CONDSTORE/QRESYNC ------------------------------------------------------


def _append_from_bob_as_alice(dovecot: DovecotServer, kind: str, delay: float) -> threading.Thread:
    def later() -> None:
        time.sleep(delay)
        with open_client(
            "sync",
            "127.0.0.1",
            dovecot.tls_port,
            tls=TLSMode.IMPLICIT,
            ssl_context=dovecot.certs.client,
        ) as other:
            other.login("alice", PASSWORD)
            other.append("INBOX", message("pushed"))

    thread = threading.Thread(target=later)
    thread.start()
    return thread


def test_idle_receives_a_message_appended_elsewhere(
    dovecot: DovecotServer, kind: str, alice: Any
) -> None:
    alice.select("INBOX")
    thread = _append_from_bob_as_alice(dovecot, kind, 0.3)
    pushes: list[Any] = []
    with alice.idle(timeout=15) as session:
        for push in session:
            pushes.append(push)
            if isinstance(push, ExistsResponse):
                break
    thread.join(10)
    assert any(isinstance(p, ExistsResponse) and p.count == 1 for p in pushes)
    assert alice.connection.selected.exists == 1
    assert alice.noop() is not None


def test_qresync_resync_after_changes_elsewhere(
    dovecot: DovecotServer, kind: str, alice: Any
) -> None:
    for i in range(3):
        alice.append("INBOX", message(f"q{i}"))
    alice.enable("QRESYNC")
    first = alice.select("INBOX")
    assert first.highestmodseq is not None
    uids = alice.search(uid=True)
    alice.unselect()
    with open_client(
        "sync",
        "127.0.0.1",
        dovecot.tls_port,
        tls=TLSMode.IMPLICIT,
        ssl_context=dovecot.certs.client,
    ) as other:
        other.login("alice", PASSWORD)
        other.select("INBOX")
        other.store(uids[0], "+", "\\Seen", uid=True)
        other.store(uids[1], "+", "\\Deleted", uid=True)
        other.uid_expunge(uids[1])
    again = alice.select(
        "INBOX", qresync=QResync(first.uidvalidity, first.highestmodseq, ",".join(map(str, uids)))
    )
    assert again.exists == 2
    assert again.highestmodseq is not None
    assert again.highestmodseq > first.highestmodseq
    # RFC 7162 §3.2.5.1: what vanished, and what changed, since the client's modseq.
    assert again.vanished is not None
    assert list(again.vanished.ids()) == [uids[1]]
    changed = {r.uid: r for r in again.changed}
    assert Flag.SEEN in changed[uids[0]]["FLAGS"]
    mailbox = alice.connection.selected
    assert mailbox.seq(uids[0]) == 1
    assert Flag.SEEN in (mailbox.flags_of(1) or ())


# --- the threaded client --------------------------------------------------------------------------


def test_threaded_client_pushes_idle_to_a_callback_and_serves_other_threads(
    dovecot: DovecotServer,
) -> None:
    with open_client(
        "threaded",
        "127.0.0.1",
        dovecot.tls_port,
        tls=TLSMode.IMPLICIT,
        ssl_context=dovecot.certs.client,
    ) as client:
        client.login("alice", PASSWORD)
        client.select("INBOX")
        got = threading.Event()
        pushes: list[Any] = []

        def on_push(push: Any) -> None:
            pushes.append(push)
            if isinstance(push, ExistsResponse):
                got.set()

        client.start_idle(on_push)
        time.sleep(0.3)
        # Calls from other threads interrupt the IDLE, run, and the IDLE resumes.
        results: list[list[int]] = []
        workers = [
            threading.Thread(target=lambda: results.append(client.search(uid=True)))
            for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        assert results == [[], [], [], []]
        thread = _append_from_bob_as_alice(dovecot, "sync", 0.2)
        assert got.wait(15), f"no EXISTS pushed; got {pushes!r}"
        thread.join(10)
        client.stop_idle()
        assert client.idle_error is None
        assert client.search(uid=True) != []


def test_iter_body_streams_a_big_message_in_chunks(alice: Any) -> None:
    line = b"y" * 998 + b"\r\n"
    big = b"Subject: big body\r\n\r\n" + line * 3000  # about 3 MB
    uid = alice.append("INBOX", big).uids[0]
    small_uid = alice.append("INBOX", message("small")).uids[0]
    alice.select("INBOX")
    chunks = list(alice.iter_body(uid, uid=True))
    assert len(chunks) > 1
    assert max(len(c) for c in chunks) < len(big)
    assert b"".join(chunks) == big
    assert list(alice.iter_body(small_uid, uid=True)) == [message("small")]
    assert list(alice.iter_body(uid, "TEXT", uid=True)) != []
    # BODY.PEEK: reading did not mark it \Seen.
    assert Flag.SEEN not in alice.fetch(uid, "FLAGS", uid=True)[uid]["FLAGS"]


def test_multiappend_and_conditional_store(alice: Any) -> None:
    result = alice.append_many("INBOX", [message("one"), message("two"), message("three")])
    assert len(result.uids) == 3
    snap = alice.select("INBOX", condstore=True)
    assert snap.exists == 3
    assert snap.highestmodseq is not None
    first, second = result.uids[0], result.uids[1]
    # Changed after the client looked (UNCHANGEDSINCE 1 is older than any message's modseq):
    # the server refuses to touch it and says so with MODIFIED (RFC 7162 §3.1.3).
    changed, modified = alice.store(first, "+", "\\Flagged", uid=True, unchanged_since=1)
    assert modified == (first,)
    assert first not in changed
    changed, modified = alice.store(
        second, "+", "\\Flagged", uid=True, unchanged_since=snap.highestmodseq
    )
    assert modified == ()
    assert Flag.FLAGGED in changed[second]["FLAGS"]
    assert alice.search("FLAGGED", uid=True) == [second]


def test_an_abandoned_idle_is_ended_before_the_next_command(
    dovecot: DovecotServer, kind: str, alice: Any
) -> None:
    alice.select("INBOX")
    thread = _append_from_bob_as_alice(dovecot, kind, 0.2)
    session = alice.idle(timeout=15)
    for push in session:
        if isinstance(push, ExistsResponse):
            break  # no stop(), no with: the client must end the IDLE itself
    thread.join(10)
    started = time.monotonic()
    assert alice.search(uid=True) != []
    assert time.monotonic() - started < 5


def test_connect_again_after_close(dovecot: DovecotServer) -> None:
    from pymailproto.sync import IMAPClient

    client = IMAPClient(
        "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    )
    for _ in range(2):
        client.connect()
        client.login("alice", PASSWORD)
        assert client.select("INBOX").exists == 0
        client.logout()
        client.close()


def test_capability_examine_check_close_and_get_quota(alice: Any) -> None:
    caps = alice.capability()
    assert "QUOTA" in caps
    assert not alice.connection.capabilities_stale
    alice.append("INBOX", message("to delete"), flags=["\\Deleted"])
    snap = alice.examine("INBOX")
    assert snap.read_only
    assert snap.exists == 1
    assert Flag.DELETED in alice.fetch(1, "FLAGS")[1]["FLAGS"]
    alice.select("INBOX")
    assert alice.check().condition.value == "OK"
    alice.close_mailbox()  # CLOSE expunges the \Deleted message
    assert alice.connection.selected is None
    assert alice.status("INBOX", ["MESSAGES"]).messages == 0
    roots = alice.get_quota_root("INBOX")
    root = next(iter(roots))
    assert alice.get_quota(root) == roots[root]
