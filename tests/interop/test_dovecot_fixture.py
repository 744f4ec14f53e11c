"""The ``dovecot`` fixture itself, checked with the standard library's ``imaplib`` only.

Our own IMAP client is tested against this server elsewhere; these tests make sure the server
is what those tests assume: the listeners, TLS with the trustme CA, the users and SASL
mechanisms, the extensions, the special-use mailboxes, mail written straight to disk, and a
stop that leaves nothing running.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import imaplib
import os
import re
import secrets
import socket
import ssl
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.conftest import Certs, DovecotServer
from tests.interop.dovecot import (
    AUTH_MECHANISMS,
    CAPABILITIES,
    PRE_LOGIN_CAPABILITIES,
    QUOTA_MESSAGES,
    QUOTA_STORAGE_KIB,
    SPECIAL_USE,
    TESTED_CAPABILITIES,
    DovecotError,
    imap_utf7,
)

ALICE, ALICE_PASSWORD = "alice", "wonderland"
JOSE, JOSE_PASSWORD = "jösé", "pässwörd"


def message(n: int) -> bytes:
    """A small message with CRLF line endings (stored and fetched byte for byte)."""
    return (
        f"From: Sender <sender@example.test>\r\n"
        f"To: alice@example.test\r\n"
        f"Subject: message {n}\r\n"
        f"Message-ID: <{n}.{secrets.token_hex(4)}@example.test>\r\n"
        "Date: Mon, 02 Jan 2023 10:00:00 +0000\r\n"
        "\r\n"
        f"Body of message {n}.\r\n"
    ).encode()


def caps(client: imaplib.IMAP4) -> set[str]:
    """The capabilities ``client`` reports now, as a fresh CAPABILITY command returns them."""
    typ, data = client.capability()
    assert typ == "OK"
    raw = data[-1]
    assert isinstance(raw, bytes)
    return {name.upper() for name in raw.decode().split()}


def upper(names: frozenset[str] | set[str]) -> set[str]:
    return {name.upper() for name in names}


AUTH_CAPS = {f"AUTH={name}" for name in AUTH_MECHANISMS}


@pytest.fixture
def imap(dovecot: DovecotServer) -> Iterator[imaplib.IMAP4]:
    """A plain-text connection, not logged in."""
    client = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
    try:
        yield client
    finally:
        client.shutdown()


def login(dovecot: DovecotServer, user: str = ALICE) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
    typ, _ = client.login(user, dovecot.users[user])
    assert typ == "OK"
    return client


# --------------------------------------------------------------------------- connections


def test_login_over_plaintext(imap: imaplib.IMAP4) -> None:
    assert upper(PRE_LOGIN_CAPABILITIES) | AUTH_CAPS == upper(set(imap.capabilities))
    typ, data = imap.login(ALICE, ALICE_PASSWORD)
    assert (typ, data) == ("OK", [b"Logged in"])
    assert imap.state == "AUTH"


def test_wrong_password_is_refused(imap: imaplib.IMAP4) -> None:
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        imap.login(ALICE, "not-" + ALICE_PASSWORD)


def test_starttls_verified_with_the_trustme_ca(imap: imaplib.IMAP4, certs: Certs) -> None:
    typ, _ = imap.starttls(ssl_context=certs.client)
    assert typ == "OK"
    assert isinstance(imap.sock, ssl.SSLSocket)
    assert imap.sock.getpeercert() is not None  # verified: certs.client requires a certificate
    assert "STARTTLS" not in caps(imap)
    typ, _ = imap.login(ALICE, ALICE_PASSWORD)
    assert typ == "OK"


def test_implicit_tls_verified_with_the_trustme_ca(dovecot: DovecotServer, certs: Certs) -> None:
    client = imaplib.IMAP4_SSL("localhost", dovecot.tls_port, ssl_context=certs.client, timeout=10)
    try:
        assert upper(set(client.capabilities)) == (
            upper(PRE_LOGIN_CAPABILITIES - {"STARTTLS"}) | AUTH_CAPS
        )
        typ, _ = client.login(ALICE, ALICE_PASSWORD)
        assert typ == "OK"
    finally:
        client.shutdown()


def test_tls_from_another_ca_is_refused(dovecot: DovecotServer, untrusted_certs: Certs) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(
            "localhost", dovecot.tls_port, ssl_context=untrusted_certs.client, timeout=10
        )


def test_every_extension_is_advertised_after_login(dovecot: DovecotServer) -> None:
    client = login(dovecot)
    try:
        advertised = caps(client)
    finally:
        client.logout()
    assert upper(CAPABILITIES) == advertised
    assert TESTED_CAPABILITIES <= CAPABILITIES
    # Dovecot 2.3 has no RFC 6855 support; a Dovecot that adds it must update CAPABILITIES.
    assert "UTF8=ACCEPT" not in advertised


# --------------------------------------------------------------------------- authentication


def test_utf8_password_with_authenticate_plain(dovecot: DovecotServer, imap: imaplib.IMAP4) -> None:
    dovecot.populate(JOSE, "INBOX", [message(1)])
    response = f"\0{JOSE}\0{JOSE_PASSWORD}".encode()
    typ, _ = imap.authenticate("PLAIN", lambda _challenge: response)
    assert typ == "OK"
    assert imap.namespace() == ("OK", [b'(("" "/")) NIL NIL'])
    assert imap.select("INBOX") == ("OK", [b"1"])  # jösé's INBOX, not alice's (empty)


def test_utf8_password_with_the_wrong_encoding_is_refused(imap: imaplib.IMAP4) -> None:
    response = f"\0{JOSE}\0{JOSE_PASSWORD}".encode("latin-1")
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        imap.authenticate("PLAIN", lambda _challenge: response)


def test_cram_md5(imap: imaplib.IMAP4) -> None:
    typ, _ = imap.login_cram_md5(ALICE, ALICE_PASSWORD)
    assert typ == "OK"


class ScramSha256:
    """An ``imaplib`` authenticator for SCRAM-SHA-256 (RFC 5802, RFC 7677).

    It checks the server's signature too: ``verified`` is true once the server proved it
    knows the password.
    """

    def __init__(self, user: str, password: str) -> None:
        self.password = password
        self.nonce = secrets.token_urlsafe(18)
        # The user name must have no "," or "=" (no SCRAM escaping here).
        self.first_bare = f"n={user},r={self.nonce}"
        self.expected_signature: bytes | None = None
        self.verified = False

    def __call__(self, challenge: bytes) -> bytes:
        text = challenge.decode()
        if self.expected_signature is not None:  # server-final-message
            assert text == "v=" + base64.b64encode(self.expected_signature).decode()
            self.verified = True
            return b""
        if not text:  # the empty "+ " before the client-first-message
            return f"n,,{self.first_bare}".encode()
        fields = dict(item.split("=", 1) for item in text.split(","))
        assert fields["r"].startswith(self.nonce)
        salted = hashlib.pbkdf2_hmac(
            "sha256", self.password.encode(), base64.b64decode(fields["s"]), int(fields["i"])
        )
        final_bare = f"c=biws,r={fields['r']}"
        auth_message = f"{self.first_bare},{text},{final_bare}".encode()
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        signature = hmac.digest(hashlib.sha256(client_key).digest(), auth_message, "sha256")
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        self.expected_signature = hmac.digest(server_key, auth_message, "sha256")
        return f"{final_bare},p={base64.b64encode(proof).decode()}".encode()


def test_scram_sha_256_with_a_utf8_password(imap: imaplib.IMAP4) -> None:
    scram = ScramSha256(JOSE, JOSE_PASSWORD)
    typ, _ = imap.authenticate("SCRAM-SHA-256", scram)
    assert typ == "OK"
    assert scram.verified


def test_scram_sha_256_with_a_wrong_password_is_refused(imap: imaplib.IMAP4) -> None:
    scram = ScramSha256(ALICE, "not-" + ALICE_PASSWORD)
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        imap.authenticate("SCRAM-SHA-256", scram)
    assert not scram.verified


def test_a_user_added_while_running_can_log_in(dovecot: DovecotServer) -> None:
    dovecot.add_user("carol", "c4r0l")
    client = login(dovecot, "carol")
    try:
        assert client.select("INBOX") == ("OK", [b"0"])
    finally:
        client.logout()
    assert (dovecot.maildir_root("carol") / "cur").is_dir()


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_oauth2_token(dovecot: DovecotServer, imap: imaplib.IMAP4, mechanism: str) -> None:
    dovecot.populate("bob", "INBOX", [message(1), message(2)])
    token = dovecot.oauth2_token("bob")
    if mechanism == "XOAUTH2":
        response = f"user=bob\1auth=Bearer {token}\1\1".encode()
    else:
        response = f"n,a=bob,\1auth=Bearer {token}\1\1".encode()
    typ, _ = imap.authenticate(mechanism, lambda _challenge: response)
    assert typ == "OK"
    assert imap.select("INBOX") == ("OK", [b"2"])  # bob's INBOX


def test_oauth2_token_with_a_bad_signature_is_refused(
    dovecot: DovecotServer, imap: imaplib.IMAP4
) -> None:
    signed_part = dovecot.oauth2_token("bob").rsplit(".", 1)[0]
    forged = signed_part + "." + base64.urlsafe_b64encode(bytes(32)).rstrip(b"=").decode()
    response = f"user=bob\1auth=Bearer {forged}\1\1".encode()
    with pytest.raises(imaplib.IMAP4.error):
        imap.authenticate("XOAUTH2", lambda _challenge: response)


# --------------------------------------------------------------------------- mail on disk


def test_populate_then_select_and_fetch(dovecot: DovecotServer) -> None:
    messages = [message(n) for n in range(1, 1001)]
    started = time.monotonic()
    assert dovecot.populate(ALICE, "INBOX", messages) == 1000
    assert time.monotonic() - started < 5
    client = login(dovecot)
    try:
        typ, data = client.select("INBOX", readonly=True)
        assert (typ, data) == ("OK", [b"1000"])
        for n in (1, 500, 1000):
            typ, fetched = client.fetch(str(n), "(BODY.PEEK[])")
            assert typ == "OK"
            part = fetched[0]
            assert isinstance(part, tuple)
            assert part[1] == messages[n - 1]
    finally:
        client.logout()


def test_populate_a_new_mailbox_with_flags(dovecot: DovecotServer) -> None:
    dovecot.populate(ALICE, "Lists/Zürich", [message(1), message(2)], flags="SF")
    client = login(dovecot)
    try:
        name = imap_utf7("Lists/Zürich")
        assert client.list('""', "Lists/*") == (
            "OK",
            [f'(\\HasNoChildren) "/" {name}'.encode()],
        )
        assert client.lsub('""', "Lists/*") == ("OK", [f'() "/" {name}'.encode()])
        assert client.select(name) == ("OK", [b"2"])
        flags = [b"%d (FLAGS (\\Flagged \\Seen \\Recent))" % n for n in (1, 2)]
        assert client.fetch("1:2", "(FLAGS)") == ("OK", flags)
    finally:
        client.logout()


def test_append_lands_in_the_maildir(dovecot: DovecotServer) -> None:
    marker = secrets.token_hex(8)
    body = message(1).replace(b"message 1", marker.encode())
    client = login(dovecot)
    try:
        typ, data = client.append("INBOX", "", None, body)
        assert typ == "OK"
        assert data[0] is not None
        assert re.match(rb"\[APPENDUID \d+ 1\]", data[0])
    finally:
        client.logout()
    root = dovecot.maildir_root(ALICE)
    stored = [p for sub in ("new", "cur") for p in (root / sub).iterdir()]
    assert len(stored) == 1
    # Dovecot stores LF line endings on disk (mail_save_crlf = no) and adds the CRs on FETCH.
    assert stored[0].read_bytes() == body.replace(b"\r\n", b"\n")
    assert stored[0].stat().st_uid == dovecot.mail_uid


def test_special_use_mailboxes(dovecot: DovecotServer) -> None:
    client = login(dovecot)
    try:
        typ, data = client.list()
        assert typ == "OK"
        listed = {}
        for line in data:
            assert isinstance(line, bytes)
            found = re.fullmatch(rb'\(([^)]*)\) "/" (.+)', line)
            assert found is not None
            listed[found[2].decode()] = set(found[1].decode().split())
        for name, flag in SPECIAL_USE.items():
            assert flag in listed[name], (name, listed)
        assert "INBOX" in listed
        typ, data = client.lsub()
        assert {line.rsplit(b" ", 1)[1].decode() for line in data if isinstance(line, bytes)} >= (
            set(SPECIAL_USE)
        )
    finally:
        client.logout()


def test_quota_and_metadata(dovecot: DovecotServer) -> None:
    dovecot.populate(ALICE, "INBOX", [message(1)])
    client = login(dovecot)
    try:
        typ, data = client.getquotaroot("INBOX")
        assert typ == "OK"
        assert data[0] == [b'INBOX "User quota"']
        assert data[1] == [
            f'"User quota" (STORAGE 1 {QUOTA_STORAGE_KIB} MESSAGE 1 {QUOTA_MESSAGES})'.encode()
        ]
        typ, _ = client.xatom("SETMETADATA", "INBOX", '(/private/comment "hello, Dovecot")')
        assert typ == "OK"
        typ, _ = client.xatom("GETMETADATA", "INBOX", "/private/comment")
        assert typ == "OK"
        assert client.response("METADATA") == (
            "METADATA",
            [(b"INBOX (/private/comment {14}", b"hello, Dovecot"), b")"],
        )
    finally:
        client.logout()


def test_compress_deflate(dovecot: DovecotServer) -> None:
    client = login(dovecot)
    try:
        typ, _ = client.xatom("COMPRESS", "DEFLATE")
        assert typ == "OK"
        # From here on both directions are raw DEFLATE (RFC 4978): speak it by hand.
        deflate = zlib.compressobj(wbits=-15)
        inflate = zlib.decompressobj(wbits=-15)
        client.sock.sendall(deflate.compress(b"z1 NOOP\r\n") + deflate.flush(zlib.Z_SYNC_FLUSH))
        received = b""
        while b"z1 " not in received:
            chunk = client.sock.recv(4096)
            assert chunk, received
            received += inflate.decompress(chunk)
        assert received.endswith(b"\r\n")
        assert b"z1 OK" in received
    finally:
        client.shutdown()


def test_idle_sees_new_mail_quickly(dovecot: DovecotServer) -> None:
    client = login(dovecot)
    try:
        client.select("INBOX")
        client.send(b"i1 IDLE\r\n")
        assert client.readline().startswith(b"+ ")
        started = time.monotonic()
        dovecot.populate(ALICE, "INBOX", [message(1)])
        line = client.readline()
        assert line == b"* 1 EXISTS\r\n"
        assert time.monotonic() - started < 3
        client.send(b"DONE\r\n")
        while not (line := client.readline()).startswith(b"i1 "):
            pass
        assert line.startswith(b"i1 OK")
    finally:
        client.logout()


def test_doveadm_changes_a_mailbox_under_an_open_session(dovecot: DovecotServer) -> None:
    dovecot.populate(ALICE, "INBOX", [message(n) for n in (1, 2, 3)])
    client = login(dovecot)
    try:
        assert client.select("INBOX") == ("OK", [b"3"])
        assert dovecot.doveadm("mailbox", "status", "-u", ALICE, "messages", "INBOX") == (
            "INBOX messages=3\n"
        )
        dovecot.doveadm("expunge", "-u", ALICE, "mailbox", "INBOX", "uid", "2")
        typ, _ = client.noop()
        assert typ == "OK"
        assert client.response("EXPUNGE") == ("EXPUNGE", [b"2"])
    finally:
        client.logout()


# --------------------------------------------------------------------------- lifecycle


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def proc_cmdlines() -> dict[int, bytes]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes()
            except OSError:
                continue
    return found


def test_stop_leaves_no_process_behind(dovecot: DovecotServer) -> None:
    client = login(dovecot)  # a logged-in session: an imap process too
    client.select("INBOX")
    pids = dovecot.processes()
    assert dovecot.pid in pids
    assert len(pids) >= 4  # master, log, config, imap-login, imap, ...
    config = str(dovecot.config_file).encode()
    assert any(config in cmdline for cmdline in proc_cmdlines().values())
    root = dovecot.root
    dovecot.stop()
    assert [pid for pid in pids if alive(pid)] == []
    assert not any(config in cmdline for cmdline in proc_cmdlines().values())
    assert not root.exists()
    with pytest.raises((imaplib.IMAP4.abort, OSError)):
        client.noop()
    client.shutdown()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", dovecot.port), timeout=1)


def test_a_failed_start_reports_the_log_and_cleans_up(certs: Certs) -> None:
    server = DovecotServer(certs, extra_config="no_such_setting = 1\n")
    with pytest.raises(DovecotError, match="no_such_setting"):
        with server:
            pass
    assert server.pid is None
    assert not server.root.exists()


def test_the_mail_belongs_to_the_test_user_or_nobody(dovecot: DovecotServer) -> None:
    dovecot.populate(ALICE, "INBOX", [message(1)])
    (stored,) = (dovecot.maildir_root(ALICE) / "new").iterdir()
    expected = os.getuid() if os.geteuid() != 0 else dovecot.mail_uid
    assert stored.stat().st_uid == expected
    if os.geteuid() == 0:
        assert dovecot.mail_uid != 0  # Dovecot refuses mail access as root
