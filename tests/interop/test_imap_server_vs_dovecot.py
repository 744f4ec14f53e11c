"""Our IMAP server's ENVELOPE, BODYSTRUCTURE and BODY[section] against Dovecot's, message by
message, for a corpus of real-world MIME shapes generated with the stdlib (tests/mime_corpus.py).

The same messages go into a private Dovecot (written straight into its Maildir) and into our
threaded server's MemoryMailstore; our client fetches the same items from both and the typed
answers must be equal -- except for the differences pymailproto.mime documents as deliberate
(its package docstring), which :func:`normalised` takes out: Dovecot keeps the header's case of
type and subtype where we lower-case them (IMAP compares them case-insensitively, RFC 9051
§7.5.2). Bare-LF messages are left out: Dovecot reports CRLF sizes for them, we the octets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from pymailproto import TLSMode
from pymailproto.auth import StaticAuthenticator
from pymailproto.imap import BasicBody, MessageBody, MultipartBody, TextBody
from pymailproto.mailstore import MemoryMailstore
from pymailproto.sync import IMAPClient
from pymailproto.threaded import IMAPServer
from tests import mime_corpus

from .conftest import DovecotServer

PASSWORD = "wonderland"
ITEMS = ["ENVELOPE", "BODYSTRUCTURE", "BODY", "RFC822.SIZE", "BODY.PEEK[]"]
CORPUS = {
    name: data
    for name, data in mime_corpus.corpus().items()
    if b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
}


def normalised(body: Any) -> Any:
    """A body structure with type and subtype lower-cased, all the way down."""
    if isinstance(body, MultipartBody):
        return dataclasses.replace(
            body, subtype=body.subtype.lower(), parts=tuple(normalised(p) for p in body.parts)
        )
    if isinstance(body, MessageBody):
        return dataclasses.replace(
            body,
            type=body.type.lower(),
            subtype=body.subtype.lower(),
            body=normalised(body.body),
        )
    if isinstance(body, (TextBody, BasicBody)):
        return dataclasses.replace(body, type=body.type.lower(), subtype=body.subtype.lower())
    return body


@pytest.fixture
def ours() -> Iterator[IMAPServer]:
    store = MemoryMailstore()
    for data in CORPUS.values():
        store.deliver("alice", "INBOX", data)
    with IMAPServer(
        store=store,
        authenticator=StaticAuthenticator({"alice": PASSWORD}),
        allow_plaintext_auth=True,
    ) as server:
        yield server


def fetch_all(host: str, port: int, **kwargs: Any) -> dict[int, Any]:
    with IMAPClient(host, port, **kwargs) as client:
        client.login("alice", PASSWORD)
        client.select("INBOX", readonly=True)
        return client.fetch("1:*", ITEMS)


def test_envelope_bodystructure_and_body_equal_dovecots(
    dovecot: DovecotServer, ours: IMAPServer
) -> None:
    dovecot.populate("alice", "INBOX", list(CORPUS.values()))
    theirs = fetch_all(
        "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
    )
    mine = fetch_all("127.0.0.1", ours.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True)
    assert len(theirs) == len(mine) == len(CORPUS)
    for seq, name in zip(sorted(mine), CORPUS, strict=True):
        a, b = mine[seq], theirs[seq]
        assert a.section("") == b.section("") == CORPUS[name], name
        assert a["RFC822.SIZE"] == b["RFC822.SIZE"], name
        assert a["ENVELOPE"] == b["ENVELOPE"], name
        assert normalised(a["BODYSTRUCTURE"]) == normalised(b["BODYSTRUCTURE"]), name
        assert normalised(a["BODY"]) == normalised(b["BODY"]), name


def test_every_section_equals_dovecots(dovecot: DovecotServer, ours: IMAPServer) -> None:
    dovecot.populate("alice", "INBOX", list(CORPUS.values()))
    sections = ["HEADER", "TEXT", "1", "1.MIME", "2", "2.MIME", "1.1", "2.HEADER", "2.TEXT", "3"]
    items = [f"BODY.PEEK[{s}]" for s in sections]
    with (
        IMAPClient(
            "127.0.0.1", dovecot.tls_port, tls=TLSMode.IMPLICIT, ssl_context=dovecot.certs.client
        ) as theirs,
        IMAPClient(
            "127.0.0.1", ours.port, tls=TLSMode.PLAINTEXT, allow_plaintext_auth=True
        ) as mine,
    ):
        for client in (theirs, mine):
            client.login("alice", PASSWORD)
            client.select("INBOX", readonly=True)
        differences = []
        for seq in range(1, len(CORPUS) + 1):
            for item, section in zip(items, sections, strict=True):
                a = mine.fetch(seq, [item])[seq].section(section)
                b = theirs.fetch(seq, [item])[seq].section(section)
                if a != b:
                    differences.append((list(CORPUS)[seq - 1], section, a, b))
        assert differences == []
