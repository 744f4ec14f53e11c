"""Replay every RFC transcript through our server and our client.

The server side is fed the client's bytes whole, one byte at a time and split at random
points (hypothesis); each time it owes a reply it gets the transcript's next reply. It must
produce the same events every way and emit exactly the transcript's server bytes. The client
side is driven by the commands parsed from the ``C:`` lines and fed the ``S:`` bytes; it must
put exactly the transcript's client bytes on the wire (it decides itself when pipelining
allows each command out) and hand back every reply in order.
"""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import (
    NEED_DATA,
    AuthResponse,
    Bdat,
    ClientConnection,
    Command,
    ConnectionClosed,
    EndOfMessage,
    Event,
    MessageChunk,
    Reply,
    ServerConnection,
    State,
)
from pymailproto.smtp._commands import format_command, parse_auth_response, parse_command
from tests.smtp.transcripts import Transcript, all_transcripts

TRANSCRIPTS = all_transcripts()
IDS = [t.name for t in TRANSCRIPTS]

# Sessions whose server does something ours deliberately does not; replayed client-side only.
CLIENT_ONLY = {
    # RFC 2920 §3.2 item 3: a server SHOULD refuse DATA when no recipient was accepted; ours
    # does (554, as rfc2920_4_pipelined_all_rejected_data_554 shows), this one answers 354.
    "rfc2920_4_pipelined_all_rejected_data_354",
}
SERVER_TRANSCRIPTS = [t for t in TRANSCRIPTS if t.name not in CLIENT_ONLY]
SERVER_IDS = [t.name for t in SERVER_TRANSCRIPTS]


def test_corpus_is_present() -> None:
    assert len(TRANSCRIPTS) >= 30


# ---------------------------------------------------------------------------- server side


def replay_server(t: Transcript, pieces: list[bytes]) -> tuple[list[object], bytes]:
    """Feed ``pieces`` to a server; answer with the transcript's replies. Return events, output."""
    conn = ServerConnection("transcript.test", lmtp=t.lmtp)
    replies = deque(t.replies())
    conn.send(replies.popleft())
    events: list[object] = []
    out = bytearray(conn.data_to_send())
    for piece in [*pieces, b""]:
        conn.receive_data(piece)
        while True:
            try:
                event = conn.next_event()
            except RemoteProtocolError as exc:
                # Our server refused on its own; the RFC's server must have refused too.
                reply = replies.popleft()
                assert exc.reply is not None
                # RFC 5321 §3.3 lets a server choose between some codes (503 or 554 for DATA
                # without recipients), so compare the class: both must be refusals alike.
                assert reply.code // 100 == exc.reply.code // 100, (reply, exc.reply)
                events.append(("refused", reply.code))
                conn.send(reply)
                continue
            if event is NEED_DATA or isinstance(event, ConnectionClosed):
                break
            events.append(event)
            if isinstance(event, MessageChunk | Bdat):
                continue
            count = conn.recipient_count if t.lmtp and isinstance(event, EndOfMessage) else 1
            for _ in range(count):
                conn.send(replies.popleft())
        out += conn.data_to_send()
        if conn.state is State.CLOSED:
            break
    assert not replies, f"replies left over: {list(replies)}"
    return merge_chunks(events), bytes(out)


def merge_chunks(events: list[object]) -> list[object]:
    """Content may arrive in any number of pieces; compare it joined."""
    merged: list[object] = []
    content: list[bytes] = []
    for event in [*events, None]:
        if isinstance(event, MessageChunk):
            content.append(bytes(event.data))
            continue
        if content:
            merged.append(MessageChunk(b"".join(content)))
            content = []
        if event is not None:
            merged.append(event)
    return merged


@pytest.mark.parametrize("t", SERVER_TRANSCRIPTS, ids=SERVER_IDS)
def test_server_whole_and_bytewise(t: Transcript) -> None:
    data = t.client_bytes
    events, out = replay_server(t, [data])
    assert out == t.server_bytes
    bytewise_events, bytewise_out = replay_server(t, [data[i : i + 1] for i in range(len(data))])
    assert bytewise_events == events
    assert bytewise_out == out
    # Every command the server saw serializes back to a line that parses to the same command.
    for event in events:
        if isinstance(event, AuthResponse):
            assert parse_auth_response(format_command(event)[:-2]) == event
        elif isinstance(event, Command):
            line = format_command(event).decode()[:-2]
            assert parse_command(line, lmtp=t.lmtp) == event


@pytest.mark.parametrize("t", SERVER_TRANSCRIPTS, ids=SERVER_IDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_server_random_splits(t: Transcript, data: st.DataObject) -> None:
    raw = t.client_bytes
    cuts = sorted(data.draw(st.sets(st.integers(1, max(len(raw) - 1, 1)), max_size=12)))
    pieces = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    expected_events, expected_out = replay_server(t, [raw])
    events, out = replay_server(t, pieces)
    assert events == expected_events
    assert out == expected_out


def test_server_with_trailing_bytes() -> None:
    """Bytes after a complete command stay buffered for the next one, never lost."""
    t = next(t for t in TRANSCRIPTS if t.name == "rfc5321_d1_typical")
    conn = ServerConnection("x.test")
    conn.send(Reply(220, "x.test ready"))
    conn.receive_data(b"EHLO a.test\r\nNOOP")
    assert conn.next_event() is not NEED_DATA
    conn.send(Reply(250, "x.test"))
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\r\n")
    assert type(conn.next_event()).__name__ == "Noop"
    assert t.client_bytes.startswith(b"EHLO")


# ---------------------------------------------------------------------------- client side


def replay_client(t: Transcript) -> tuple[bytes, list[Event], LocalProtocolError | None]:
    """Drive a client from the transcript; return its wire bytes, replies and any refusal."""
    conn = ClientConnection(lmtp=t.lmtp)
    out = bytearray()
    events: list[Event] = []
    refused: LocalProtocolError | None = None
    for step in t.steps:
        if step.side == "S":
            conn.receive_data(step.wire)
            while (event := conn.next_event()) is not NEED_DATA:
                assert isinstance(event, Event)
                if isinstance(event, ConnectionClosed):
                    break
                events.append(event)
        else:
            try:
                send_line(conn, step.side, step.wire, t.lmtp)
            except LocalProtocolError as exc:
                refused = exc
                break
        out += conn.data_to_send()
    return bytes(out), events, refused


def send_line(conn: ClientConnection, side: str, wire: bytes, lmtp: bool) -> None:
    if side == "D" or conn.in_message:
        if side == "C" and wire == b".\r\n":
            conn.send(EndOfMessage())
        elif side == "C":
            line = wire[1:] if wire.startswith(b".") else wire  # undo the dot-stuffing
            conn.send(MessageChunk(line))
        else:
            conn.send(MessageChunk(wire))
    elif conn.state is State.AUTH:
        conn.send(parse_auth_response(wire[:-2]))
    else:
        conn.send(parse_command(wire[:-2].decode(), lmtp=lmtp))


@pytest.mark.parametrize("t", TRANSCRIPTS, ids=IDS)
def test_client(t: Transcript) -> None:
    out, events, refused = replay_client(t)
    replies = [e for e in events if isinstance(e, Reply)]
    if refused is None:
        assert out == t.client_bytes
        assert replies == t.replies()
    else:
        # Our client refuses to send what the transcript's server refused: the client
        # bytes so far are the transcript's, and that command was answered 5yz there.
        assert t.client_bytes.startswith(out)
        assert replies == t.replies()[: len(replies)]
        answered = t.replies()[len(replies)]
        assert answered.code >= 500, f"client refused a command the server accepted: {refused}"
