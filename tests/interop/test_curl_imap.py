"""curl's IMAP client against our IMAP server: LIST, APPEND (upload), SEARCH, FETCH.

curl is a client nobody here wrote (Debian's curl, installed by .ci/run). It logs in with
AUTHENTICATE or LOGIN over plaintext here, which our server allows when told to
(``allow_plaintext_auth``), as for a local development server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pymailproto.auth import StaticAuthenticator
from pymailproto.mailstore import MemoryMailstore
from pymailproto.threaded import IMAPServer

from .conftest import require_program, run_program

MESSAGE = b"From: bob@example.test\r\nSubject: from curl\r\n\r\nHello over IMAP.\r\n"


@pytest.fixture
def server() -> Iterator[IMAPServer]:
    store = MemoryMailstore()
    store.deliver("alice", "INBOX", b"Subject: first\r\n\r\nThe first message.\r\n")
    with IMAPServer(
        store=store,
        authenticator=StaticAuthenticator({"alice": "secret"}),
        allow_plaintext_auth=True,
    ) as imap:
        yield imap


def curl(*args: str) -> str:
    binary = require_program("curl")
    proc = run_program([binary, "--silent", "--show-error", "--max-time", "20", *args])
    return proc.stdout.decode("utf-8", "replace")


def test_curl_lists_appends_searches_and_fetches(server: IMAPServer, tmp_path: Path) -> None:
    base = f"imap://127.0.0.1:{server.port}"
    auth = ("--user", "alice:secret")
    listing = curl(*auth, f"{base}/")
    assert '"INBOX"' in listing or " INBOX" in listing
    upload = tmp_path / "message.eml"
    upload.write_bytes(MESSAGE)
    curl(*auth, "--upload-file", str(upload), f"{base}/INBOX")
    assert server.store.account("alice").mailbox("INBOX").message_count == 2
    found = curl(*auth, f"{base}/INBOX?SUBJECT%20curl")
    assert found.split() == ["*", "SEARCH", "2"]
    fetched = curl(*auth, f"{base}/INBOX;UID=2")
    assert fetched.encode().replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") == MESSAGE
    first = curl(*auth, f"{base}/INBOX;UID=1;SECTION=TEXT")
    assert first.strip() == "The first message."
