"""The python ``imapclient`` library (PyPI) against our IMAP server: a client nobody here wrote."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import imapclient  # type: ignore[import-untyped]
import pytest

from pymailproto.auth import StaticAuthenticator
from pymailproto.mailstore import MemoryMailstore
from pymailproto.threaded import IMAPServer


@pytest.fixture
def server() -> Iterator[IMAPServer]:
    store = MemoryMailstore()
    store.deliver("alice", "INBOX", b"From: bob@example.test\r\nSubject: hello\r\n\r\nHi.\r\n")
    with IMAPServer(
        store=store,
        authenticator=StaticAuthenticator({"alice": "secret"}),
        allow_plaintext_auth=True,
    ) as imap:
        yield imap


def test_imapclient_session(server: IMAPServer) -> None:
    client: Any = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10)
    try:
        client.login("alice", "secret")
        assert b"IDLE" in client.capabilities()
        client.create_folder("Archive")
        folders = {name for _flags, _delim, name in client.list_folders()}
        assert {"INBOX", "Archive"} <= folders
        info = client.select_folder("INBOX")
        assert info[b"EXISTS"] == 1
        client.append("INBOX", b"Subject: two\r\n\r\nSecond.\r\n", flags=[b"\\Flagged"])
        assert client.search(["FLAGGED"]) == [2]
        data = client.fetch([1], ["ENVELOPE", "FLAGS", "BODY.PEEK[TEXT]"])
        assert data[1][b"ENVELOPE"].subject == b"hello"
        assert data[1][b"BODY[TEXT]"] == b"Hi.\r\n"
        client.add_flags([1], [b"\\Seen"])
        assert b"\\Seen" in client.get_flags([1])[1]
        client.move([2], "Archive")
        assert client.folder_status("Archive", ["MESSAGES"])[b"MESSAGES"] == 1
    finally:
        client.logout()
