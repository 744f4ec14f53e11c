"""imap.ServerConnection: states, literals, continuations, STARTTLS, COMPRESS, UTF-8."""

from __future__ import annotations

import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap import (
    NEED_DATA,
    AppendCommand,
    AuthenticateCommand,
    AuthenticateResponse,
    Capability,
    CapabilityCode,
    Command,
    CommandError,
    CompressCommand,
    Condition,
    ConnectionState,
    ContinuationRequest,
    EnabledResponse,
    FetchCommand,
    Flag,
    Greeting,
    IdleCommand,
    IdleDone,
    LiteralChunk,
    LiteralStreamed,
    LoginCommand,
    NoopCommand,
    SelectCommand,
    StatusResponse,
    StreamedLiteral,
)
from pymailproto.imap._server import ClientClosed, ServerConnection


def events(conn: ServerConnection, data: bytes = b"") -> list[object]:
    if data:
        conn.receive_data(data)
    out: list[object] = []
    while (event := conn.next_event()) is not NEED_DATA:
        out.append(event)
        if isinstance(event, ClientClosed):
            break
    return out


def state_of(conn: ServerConnection) -> ConnectionState:
    return conn.state  # a call, so that mypy does not narrow the attribute across sends


def ok(conn: ServerConnection, tag: str, code: object = None) -> None:
    conn.send(StatusResponse(Condition.OK, "done", code, tag=tag))  # type: ignore[arg-type]


def logged_in() -> ServerConnection:
    conn = ServerConnection()
    conn.send(Greeting(Condition.OK, "ready", CapabilityCode([Capability("IMAP4rev1")])))
    assert conn.data_to_send() == b"* OK [CAPABILITY IMAP4rev1] ready\r\n"
    [login] = events(conn, b"a1 LOGIN alice secret\r\n")
    assert isinstance(login, LoginCommand)
    ok(conn, "a1")
    assert conn.state is ConnectionState.AUTHENTICATED
    conn.data_to_send()
    return conn


def test_a_session_moves_through_the_states() -> None:
    conn = logged_in()
    [select] = events(conn, b"a2 SELECT INBOX\r\n")
    assert isinstance(select, SelectCommand)
    ok(conn, "a2")
    assert conn.state is ConnectionState.SELECTED
    [fetch] = events(conn, b"a3 FETCH 1 FLAGS\r\n")
    assert isinstance(fetch, FetchCommand)
    ok(conn, "a3")
    events(conn, b"a4 SELECT Nope\r\n")
    conn.send(StatusResponse(Condition.NO, "no such mailbox", tag="a4"))
    # RFC 9051 §6.3.2: a failed SELECT leaves the authenticated state.
    assert state_of(conn) is ConnectionState.AUTHENTICATED
    events(conn, b"a5 LOGOUT\r\n")
    ok(conn, "a5")
    assert state_of(conn) is ConnectionState.LOGOUT


def test_commands_in_the_wrong_state_come_out_as_errors() -> None:
    conn = ServerConnection()
    [error] = events(conn, b"a1 FETCH 1 FLAGS\r\n")
    assert isinstance(error, CommandError)
    assert error.tag == "a1"
    assert "not authenticated" in error.text
    conn = logged_in()
    [error] = events(conn, b"a2 LOGIN bob x\r\n")
    assert isinstance(error, CommandError)


def test_a_literal_is_accepted_with_a_continuation_request() -> None:
    conn = logged_in()
    assert events(conn, b"a2 APPEND INBOX {5}\r\n") == []
    assert conn.data_to_send() == b"+ Ready for literal data\r\n"
    [append] = events(conn, b"hello\r\n")
    assert isinstance(append, AppendCommand)
    assert append.messages[0].data == b"hello"


def test_a_literal_for_a_command_refused_in_this_state_is_never_read() -> None:
    conn = ServerConnection()
    [error] = events(conn, b"a1 APPEND INBOX {1000}\r\n")
    assert isinstance(error, CommandError)
    assert "APPEND" in error.text
    assert conn.data_to_send() == b""  # no "+": the client sends no octets
    [noop] = events(conn, b"a2 NOOP\r\n")
    assert isinstance(noop, NoopCommand)


def test_authenticate_and_idle_continuations() -> None:
    conn = ServerConnection()
    [auth] = events(conn, b"a1 AUTHENTICATE PLAIN\r\n")
    assert isinstance(auth, AuthenticateCommand)
    conn.send(ContinuationRequest(""))
    [answer] = events(conn, b"AGFsaWNlAHNlY3JldA==\r\n")
    assert isinstance(answer, AuthenticateResponse)
    assert answer.data == b"\0alice\0secret"
    ok(conn, "a1")
    assert conn.state is ConnectionState.AUTHENTICATED
    [idle] = events(conn, b"a2 IDLE\r\n")
    assert isinstance(idle, IdleCommand)
    conn.send(ContinuationRequest("idling"))
    assert isinstance(events(conn, b"DONE\r\n")[0], IdleDone)
    ok(conn, "a2")


def test_starttls_discards_what_came_before_the_handshake() -> None:
    conn = ServerConnection()
    events(conn, b"a1 STARTTLS\r\na2 LOGIN alice secret\r\n")
    ok(conn, "a1")
    assert events(conn) == []  # nothing is read until the handshake
    # RFC 9051 §6.2.1: the LOGIN was sent in plaintext, before TLS: it must not be read.
    assert conn.start_tls() == b"a2 LOGIN alice secret\r\n"
    assert conn.tls_active
    assert events(conn) == []
    [noop] = events(conn, b"a3 NOOP\r\n")
    assert isinstance(noop, NoopCommand)


def test_compress_deflate_from_the_octet_after_the_ok() -> None:
    conn = logged_in()
    client = zlib.compressobj(wbits=-15)
    squeezed = client.compress(b"a3 NOOP\r\n") + client.flush(zlib.Z_SYNC_FLUSH)
    # The client's compressed NOOP arrives with its COMPRESS, before the OK is sent.
    [compress] = events(conn, b"a2 COMPRESS DEFLATE\r\n" + squeezed)
    assert isinstance(compress, CompressCommand)
    assert events(conn) == []
    ok(conn, "a2")
    assert conn.data_to_send() == b"a2 OK done\r\n"
    [noop] = events(conn)
    assert isinstance(noop, NoopCommand)
    ok(conn, "a3")
    assert zlib.decompressobj(wbits=-15).decompress(conn.data_to_send()) == b"a3 OK done\r\n"


def test_enabled_utf8_switches_both_directions() -> None:
    conn = logged_in()
    events(conn, b"a2 ENABLE UTF8=ACCEPT\r\n")
    conn.send(EnabledResponse([Capability("UTF8=ACCEPT")]))
    ok(conn, "a2")
    assert conn.utf8
    [select] = events(conn, 'a3 SELECT "Grüße"\r\n'.encode())
    assert isinstance(select, SelectCommand)
    assert select.mailbox == "Grüße"


def test_a_completion_for_no_command_is_a_local_error() -> None:
    conn = logged_in()
    with pytest.raises(LocalProtocolError):
        ok(conn, "zz")


def test_the_client_closing_is_an_event() -> None:
    conn = logged_in()
    conn.receive_data(b"a2 NOO")
    conn.receive_data(b"")
    [closed] = events(conn)
    assert closed == ClientClosed(incomplete=True)
    assert conn.state is ConnectionState.LOGOUT


def test_preauth_greeting_starts_authenticated() -> None:
    conn = ServerConnection()
    conn.send_greeting(Greeting(Condition.PREAUTH, "welcome"))
    assert conn.state is ConnectionState.AUTHENTICATED


_CLIENT_PIECES = st.sampled_from(
    [
        b"a1 LOGIN alice secret\r\n",
        b"a2 SELECT INBOX\r\n",
        b"a3 FETCH 1:* (FLAGS)\r\n",
        b"a4 APPEND INBOX {3}\r\n",
        b"abc\r\n",
        b"a5 APPEND INBOX {2+}\r\nxy\r\n",
        b"a6 IDLE\r\n",
        b"DONE\r\n",
        b"a7 AUTHENTICATE PLAIN\r\n",
        b"AGFAYg==\r\n",
        b"a8 STARTTLS\r\n",
        b"a9 COMPRESS DEFLATE\r\n",
        b"a0 LOGOUT\r\n",
        b"garbage\r\n",
        b"\x00\xff\r\n",
        b"{99999999999}\r\n",
        b"",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CLIENT_PIECES, max_size=25), st.integers(1, 40), st.booleans())
def test_arbitrary_client_bytes_give_only_events(
    pieces: list[bytes], step: int, answer: bool
) -> None:
    """Whatever a client sends, the connection yields commands, errors to answer with BAD,
    continuation lines or the close -- or, for a stream that cannot go on (uncompressed bytes
    after COMPRESS), a RemoteProtocolError -- and the session can answer."""
    conn = ServerConnection()
    data = b"".join(pieces)
    try:
        _feed_and_answer(conn, data, step, answer)
    except RemoteProtocolError as exc:
        assert conn.compressed, exc
        return
    assert conn.next_event() is NEED_DATA or conn.state is ConnectionState.LOGOUT


def _feed_and_answer(conn: ServerConnection, data: bytes, step: int, answer: bool) -> None:
    for i in range(0, len(data) + 1, step):
        conn.receive_data(data[i : i + step] if i < len(data) else b"")
        while (event := conn.next_event()) is not NEED_DATA:
            if isinstance(event, ClientClosed):
                break
            if answer and isinstance(event, Command):
                if isinstance(event, (IdleCommand, AuthenticateCommand)):
                    conn.send(ContinuationRequest("go"))
                else:
                    conn.send(StatusResponse(Condition.OK, "done", tag=event.tag))
            conn.data_to_send()
        else:
            continue
        break


def test_a_big_append_literal_streams_in_bounded_memory() -> None:
    conn = logged_in()
    size = 20 * 1024 * 1024
    [started] = events(conn, b"a2 APPEND INBOX (\\Seen) {%d}\r\n" % size)
    # The session learns at once which command the octets belong to (prefix) and can open
    # the store's appender before any octet arrives.
    assert isinstance(started, LiteralStreamed)
    assert started.prefix.startswith(b"a2 APPEND INBOX")
    assert conn.data_to_send() == b"+ Ready for literal data\r\n"
    chunk = b"x" * 65536
    received = 0
    streamed = 1
    tracemalloc.start()
    try:
        for _ in range(size // len(chunk)):
            for event in events(conn, chunk):
                assert isinstance(event, (LiteralStreamed, LiteralChunk))
                if isinstance(event, LiteralChunk):
                    received += len(event.data)
                else:
                    streamed += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [append] = events(conn, b"\r\n")
    assert isinstance(append, AppendCommand)
    assert streamed == 1
    assert received == size
    assert isinstance(append.messages[0].data, StreamedLiteral)
    assert append.messages[0].data.length == size
    assert append.messages[0].flags == (Flag.SEEN,)
    assert peak < 2 * 1024 * 1024  # never the 20 MB


def test_a_small_append_literal_is_held_whole() -> None:
    conn = ServerConnection(stream_threshold=100)
    conn.state = ConnectionState.AUTHENTICATED
    events(conn, b"a1 APPEND INBOX {5}\r\n")
    [append] = events(conn, b"hello\r\n")
    assert isinstance(append, AppendCommand)
    assert append.messages[0].data == b"hello"
