"""Helpers shared by the client-side SMTP tests: scripted servers, snapshots, strategies."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp import (
    NEED_DATA,
    Address,
    Auth,
    AuthResponse,
    Bdat,
    ClientConnection,
    Command,
    Data,
    Ehlo,
    EndOfMessage,
    Event,
    Expn,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    MessageChunk,
    Noop,
    PendingReply,
    Quit,
    RcptTo,
    Reply,
    Rset,
    StartTLS,
    State,
    Vrfy,
)
from pymailproto.smtp._commands import format_command
from pymailproto.smtp._data import DataReader

#: Every extension the client knows, as EHLO lines (STARTTLS and AUTH included).
ALL_EXTENSIONS = (
    "SIZE 1000",
    "PIPELINING",
    "8BITMIME",
    "SMTPUTF8",
    "ENHANCEDSTATUSCODES",
    "CHUNKING",
    "BINARYMIME",
    "DSN",
    "STARTTLS",
    "AUTH PLAIN LOGIN",
)

ALICE = Address("alice", "example.org")
BOB = Address("bob", "example.org")
CAROL = Address("carol", "example.org")
JOSE = Address("josé", "example.org")  # needs SMTPUTF8

#: One valid instance of every command type (LMTP swaps Ehlo/Helo for Lhlo).
SAMPLES: dict[type, Command] = {
    Ehlo: Ehlo("client.example"),
    Helo: Helo("client.example"),
    Lhlo: Lhlo("client.example"),
    MailFrom: MailFrom(ALICE),
    RcptTo: RcptTo(BOB),
    Data: Data(),
    Bdat: Bdat(3),
    Rset: Rset(),
    Noop: Noop(),
    Quit: Quit(),
    Vrfy: Vrfy("bob"),
    Expn: Expn("list"),
    Help: Help(),
    StartTLS: StartTLS(),
    Auth: Auth("PLAIN"),
    AuthResponse: AuthResponse(b"x"),
}


def ok(text: str = "OK") -> bytes:
    return Reply(250, text).to_bytes()


def ehlo_reply(*lines: str) -> bytes:
    return Reply(250, ["server.example", *lines]).to_bytes()


def feed(conn: ClientConnection, *replies: bytes | Reply) -> list[Event]:
    """Give ``conn`` the replies in one read; return the events up to NEED_DATA."""
    conn.receive_data(b"".join(r.to_bytes() if isinstance(r, Reply) else r for r in replies))
    events: list[Event] = []
    while (event := conn.next_event()) is not NEED_DATA:
        assert isinstance(event, Event)
        events.append(event)
        if conn.state is State.CLOSED:
            break
    return events


def send(conn: ClientConnection, unit: Command | EndOfMessage) -> PendingReply:
    """``conn.send(unit)`` for units that are owed a reply."""
    handle = conn.send(unit)
    assert handle is not None
    return handle


def wire(*commands: Command) -> bytes:
    return b"".join(format_command(c) for c in commands)


def greeted(
    *extensions: str, lmtp: bool = False, helo: bool = False, **kwargs: Any
) -> ClientConnection:
    """A client that was greeted and sent EHLO (LHLO, HELO) answered with ``extensions``."""
    conn = ClientConnection(lmtp=lmtp, **kwargs)
    feed(conn, b"220 server.example ready\r\n")
    hello: Command = Lhlo("c.example") if lmtp else Helo("c.example") if helo else Ehlo("c.example")
    conn.send(hello)
    feed(conn, ok() if helo else ehlo_reply(*extensions))
    assert conn.state is State.READY
    conn.data_to_send()
    return conn


def in_transaction(*extensions: str, lmtp: bool = False, rcpts: int = 1) -> ClientConnection:
    """A client with MAIL and ``rcpts`` RCPTs accepted (state RCPT, or MAIL for none)."""
    conn = greeted(*extensions, lmtp=lmtp)
    conn.send(MailFrom(ALICE))
    feed(conn, ok())
    for _ in range(rcpts):
        conn.send(RcptTo(BOB))
        feed(conn, ok())
    conn.data_to_send()
    return conn


def client_in(state: State, *, lmtp: bool = False) -> ClientConnection:
    """A client whose confirmed (and projected) state is ``state``, nothing on the wire."""
    if state is State.GREETING:
        return ClientConnection(lmtp=lmtp)
    if state in (State.REFUSED, State.CONNECTED):
        conn = ClientConnection(lmtp=lmtp)
        code = 554 if state is State.REFUSED else 220
        feed(conn, Reply(code, "server.example"))
        return conn
    if state in (State.READY, State.AUTH, State.CLOSED):
        conn = greeted(*ALL_EXTENSIONS, lmtp=lmtp)
        unit, reply = {
            State.READY: (None, b""),
            State.AUTH: (Auth("PLAIN"), b"334 \r\n"),
            State.CLOSED: (Quit(), b"221 bye\r\n"),
        }[state]
        if unit is not None:
            conn.send(unit)
            feed(conn, reply)
    else:
        conn = in_transaction(*ALL_EXTENSIONS, lmtp=lmtp, rcpts=0 if state is State.MAIL else 1)
        if state is State.DATA:
            conn.send(Data())
            feed(conn, b"354 go\r\n")
        elif state is State.BDAT:
            conn.send(Bdat(1))
            conn.send(MessageChunk(b"x"))
            feed(conn, ok())
    conn.data_to_send()
    assert conn.state is state
    return conn


def snapshot(conn: ClientConnection) -> tuple[object, ...]:
    """Everything a refused ``send()`` must leave as it was."""
    stuffer = conn._stuffer
    return (
        conn.state,
        conn._projected,
        conn._projected_utf8,
        conn._projected_binary,
        conn._mail_flags,
        conn.extensions,
        conn.authenticated,
        conn.recipient_count,
        conn.tls_active,
        bytes(conn._out),
        [(p.command, bytes(p._wire), len(p.replies)) for p in conn._queue],
        [(p.command, len(p.replies)) for p in conn._in_flight],
        conn._barriers,
        conn._chunk,
        conn._chunk_left,
        None if stuffer is None else (stuffer._at_line_start, stuffer._pending_cr),
    )


def read_data(wire_bytes: bytes, cuts: list[int] | None = None) -> tuple[bytes, int]:
    """Run DATA-phase bytes through the server's reader; return (content, octets after end)."""
    reader = DataReader(max_line=None, max_size=None, strict=True)
    pieces = [wire_bytes] if cuts is None else split_at(wire_bytes, cuts)
    buffered = b""
    content = bytearray()
    for piece in pieces:
        buffered += piece
        while buffered:
            consumed, out, ended = reader.read(buffered)
            content += out
            buffered = buffered[consumed:]
            if ended:
                assert reader.error is None, reader.error
                return bytes(content), len(buffered)
            if not consumed and not out:
                break
    raise AssertionError(f"no end of data in {wire_bytes!r}")


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def refused(conn: ClientConnection, unit: Command | MessageChunk | EndOfMessage) -> str:
    """``send(unit)`` must raise LocalProtocolError and leave ``conn`` as it was."""
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError) as info:
        conn.send(unit)
    assert snapshot(conn) == before
    return info.value.message


# ---------------------------------------------------------------------------- strategies

_ATEXT = "abcXYZ019!#$%&'*+-/=?^_`{|}~"
_NON_ASCII = "äöüßéñçøåжя日本語"
_atoms = st.text(_ATEXT, min_size=1, max_size=6)
_dot_strings = st.lists(_atoms, min_size=1, max_size=3).map(".".join)
_quoted = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=10)
_labels = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,4}[a-z0-9])?\Z")
_domains = st.one_of(
    st.lists(_labels, min_size=1, max_size=3).map(".".join),
    st.sampled_from(["[192.0.2.1]", "[IPv6:2001:db8::1]", "EXAMPLE.org"]),
)
_utf8_locals = st.text(_ATEXT + _NON_ASCII, min_size=1, max_size=6)
_utf8_domains = st.sampled_from(["bücher.example", "例え.jp", "пример.рф"])


def addresses(*, utf8: bool = False) -> st.SearchStrategy[Address]:
    """Mailboxes that stay within the path size limits; non-ASCII ones only with ``utf8``."""
    ascii_ = st.builds(Address, st.one_of(_dot_strings, _quoted), _domains)
    if not utf8:
        return ascii_
    return st.one_of(
        ascii_,
        st.builds(Address, _utf8_locals, st.one_of(_domains, _utf8_domains)),
    )
