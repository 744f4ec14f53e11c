"""``pymailproto serve`` end to end, and the Maildir delivery it relies on."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

from pymailproto import TLSMode
from pymailproto.servers import Envelope, MaildirHandler
from pymailproto.servers._maildir_handler import deliver_to_maildir
from pymailproto.smtp import Address, MailFrom, RcptTo, Reply
from pymailproto.sync import IMAPClient, SMTPClient

MESSAGE = b"From: a@example.org\r\nTo: bob@example.net\r\nSubject: serve\r\n\r\nHello.\r\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_serve(*args: str) -> subprocess.Popen[str]:
    if "--imap-port" not in args:
        args = (*args, "--imap-port", "-1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pymailproto", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "pymailproto: SMTP on" in line, line
    return proc


def stop_serve(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0, out
    return out


def test_serve_delivers_into_maildir(tmp_path: Path) -> None:
    port = free_port()
    proc = start_serve("--smtp-port", str(port), "--maildir", str(tmp_path), "--trace")
    try:
        with SMTPClient("127.0.0.1", port, tls=TLSMode.PLAINTEXT, timeout=10) as client:
            result = client.send_message(MESSAGE, "a@example.org", ["bob@example.net"])
        assert result.delivered == ["bob@example.net"]
    finally:
        out = stop_serve(proc)
    [delivered] = list((tmp_path / "bob" / "new").iterdir())
    data = delivered.read_bytes()
    assert data.endswith(MESSAGE)
    assert data.startswith(b"Return-Path: <a@example.org>\r\nReceived: from ")
    assert "received: <a@example.org> -> bob@example.net" in out
    assert "C: MAIL FROM:<a@example.org>" in out  # --trace shows the dialogue
    assert "pymailproto: stopped" in out


def test_serve_submission_requires_tls_and_auth(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    smtp_port, sub_port = free_port(), free_port()
    proc = start_serve(
        "--smtp-port", str(smtp_port), "--submission-port", str(sub_port),
        "--tls-cert", str(cert_file), "--tls-key", str(key_file),
        "--user", "alice:secret", "--trace",
    )  # fmt: skip
    try:
        with SMTPClient("localhost", sub_port, ssl_context=context, timeout=10) as client:
            with pytest.raises(Exception, match="530"):
                client.send_message(MESSAGE, "a@example.org", ["bob@example.net"])
            client.login("alice", "secret")
            result = client.send_message(MESSAGE, "a@example.org", ["bob@example.net"])
        assert result.delivered == ["bob@example.net"]
    finally:
        out = stop_serve(proc)
    assert "AUTH SCRAM-SHA-256 [credentials]" in out
    assert "secret" not in out


def test_serve_refuses_submission_without_certificate() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pymailproto", "serve", "--submission-port", "0"],
        check=False,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 1
    assert "--tls-cert" in result.stderr


def test_maildir_delivery_is_atomic_and_unique(tmp_path: Path) -> None:
    names = {deliver_to_maildir(tmp_path / "box", b"x\r\n").name for _ in range(50)}
    assert len(names) == 50
    assert list((tmp_path / "box" / "tmp").iterdir()) == []  # nothing left half-written
    assert len(list((tmp_path / "box" / "new").iterdir())) == 50


def test_maildir_handler_one_copy_per_recipient(tmp_path: Path) -> None:
    handler = MaildirHandler(tmp_path)
    envelope = Envelope(
        mail_from="a@x.example",
        data=b"Subject: x\r\n\r\nbody\r\n",
        mail=MailFrom(Address("a", "x.example")),
        rcpts=[RcptTo(Address("Bob", "y.example")), RcptTo(Address("carol", "y.example"))],
        peer="127.0.0.1:5555",
    )
    assert handler.handle_message(object(), envelope) is None
    assert len(os.listdir(tmp_path / "bob" / "new")) == 1
    assert len(os.listdir(tmp_path / "carol" / "new")) == 1


def test_maildir_handler_reports_local_errors(tmp_path: Path) -> None:
    """A delivery that cannot reach the disk is answered 451, so the client retries."""
    handler = MaildirHandler(tmp_path)
    (tmp_path / "bob").write_text("a file where the Maildir should be")
    envelope = Envelope(data=b"x\r\n", rcpts=[RcptTo(Address("bob", "y.example"))])
    reply = handler.handle_message(object(), envelope)
    assert isinstance(reply, Reply)
    assert reply.code == 451


def test_serve_delivers_by_smtp_and_serves_by_imap(tmp_path: Path) -> None:
    smtp_port, imap_port = free_port(), free_port()
    proc = start_serve(
        "--smtp-port", str(smtp_port), "--imap-port", str(imap_port),
        "--maildir", str(tmp_path), "--user", "alice:wonderland",
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert f"IMAP on 127.0.0.1:{imap_port} (logins: alice)" in proc.stdout.readline()
        with SMTPClient("127.0.0.1", smtp_port, tls=TLSMode.PLAINTEXT, timeout=10) as client:
            client.send_message(MESSAGE, "a@example.org", ["alice@localhost"])
        with IMAPClient(
            "127.0.0.1", imap_port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True, timeout=10
        ) as imap:
            imap.login("alice", "wonderland")
            assert imap.select("INBOX").exists == 1
            [item] = imap.fetch(1, ["BODY.PEEK[]"]).values()
            body = item.section("")
            assert body is not None
            assert body.endswith(MESSAGE)
    finally:
        stop_serve(proc)
    # On disk, in the Maildir++ layout Dovecot reads.
    assert len(list((tmp_path / "alice" / "new").iterdir())) == 1
    assert (tmp_path / "alice" / "dovecot-uidlist").exists()
