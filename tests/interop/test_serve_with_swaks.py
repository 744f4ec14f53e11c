"""``pymailproto serve`` end to end with a client nobody here wrote: swaks, then the Maildir."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from pymailproto import TLSMode
from pymailproto.sync import IMAPClient
from tests.interop.conftest import free_port, require_program, run_program, wait_for_port


def test_swaks_to_serve_lands_in_the_maildir(tmp_path: Path) -> None:
    swaks = require_program("swaks")
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "pymailproto", "serve", "--smtp-port", str(port),
         "--imap-port", "-1", "--maildir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        wait_for_port(port)
        run_program(
            [swaks, "--server", "127.0.0.1", "--port", str(port), "--from", "alice@example.org",
             "--to", "bob@example.net", "--header", "Subject: via serve", "--body", "Hi Bob."]
        )  # fmt: skip
    finally:
        serve.send_signal(signal.SIGINT)
        out, _ = serve.communicate(timeout=10)
    assert serve.returncode == 0, out
    [delivered] = list((tmp_path / "bob" / "new").iterdir())
    data = delivered.read_bytes()
    assert data.startswith(b"Return-Path: <alice@example.org>\r\n")
    assert b"\r\nSubject: via serve\r\n" in data
    assert b"\r\n\r\nHi Bob.\r\n" in data  # swaks adds blank lines after the body
    assert "received: <alice@example.org> -> bob@example.net" in out


def test_swaks_to_alice_is_readable_by_alice_over_imap(tmp_path: Path) -> None:
    """The issue's promise: SMTP and IMAP in one run share the store."""
    swaks = require_program("swaks")
    smtp_port, imap_port = free_port(), free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "pymailproto", "serve", "--smtp-port", str(smtp_port),
         "--imap-port", str(imap_port), "--user", "alice:wonderland"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        wait_for_port(smtp_port)
        wait_for_port(imap_port)
        run_program(
            [swaks, "--server", "127.0.0.1", "--port", str(smtp_port), "--from",
             "bob@example.org", "--to", "alice@localhost", "--header", "Subject: for alice",
             "--body", "Hi Alice."]
        )  # fmt: skip
        with IMAPClient(
            "127.0.0.1", imap_port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True, timeout=10
        ) as client:
            client.login("alice", "wonderland")
            client.select("INBOX")
            [uid] = client.search("SUBJECT alice", uid=True)
            body = client.fetch(uid, "BODY.PEEK[TEXT]", uid=True)[uid].section("TEXT")
            assert body is not None
            assert b"Hi Alice." in body
    finally:
        serve.send_signal(signal.SIGINT)
        out, _ = serve.communicate(timeout=10)
    assert serve.returncode == 0, out
