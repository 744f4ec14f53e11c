"""Message content: DATA (no SMTP smuggling, dot-unstuffing, limits), BDAT, and its end.

The end of a message is where LMTP owes one reply per recipient and where a client that
disconnects must not produce an EndOfMessage. The DataReader and DotStuffer are tested
directly and through a ServerConnection, whose input is fed whole, one byte at a time and
split at every position (helpers from ``test_server.py``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto._limits import SMTPLimits
from pymailproto.errors import LocalProtocolError
from pymailproto.smtp import (
    ConnectionClosed,
    EndOfChunk,
    EndOfMessage,
    Event,
    MessageChunk,
    Noop,
    Reply,
    ServerConnection,
    State,
)
from pymailproto.smtp._data import DataReader, DotStuffer
from tests.smtp.test_server import (
    MAIL,
    RCPT,
    Refused,
    auto_answer,
    drive,
    merge_chunks,
    names,
    pump,
    ready,
    server,
    state_of,
)


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def hold(conn: ServerConnection, event: Event) -> list[Reply] | None:
    """Answer like auto_answer, but leave the end of a message or chunk to the test."""
    return None if isinstance(event, EndOfMessage | EndOfChunk) else auto_answer(conn, event)


def in_data(**kwargs: object) -> ServerConnection:
    conn = ready(MAIL, RCPT, b"DATA\r\n", **kwargs)
    assert conn.state is State.DATA
    return conn


def feedings(data: bytes) -> Iterator[list[bytes]]:
    """``data`` whole, one byte at a time, and split in two at every position."""
    yield [data]
    yield bytewise(data)
    for i in range(1, len(data)):
        yield [data[:i], data[i:]]


def unstuff(wire: bytes) -> bytes:
    """Reference un-stuffing: lines end only at CRLF; drop one leading dot of each line."""
    return b"\r\n".join(line[1:] if line[:1] == b"." else line for line in wire.split(b"\r\n"))


def content_of(events: list[object]) -> bytes:
    return b"".join(bytes(e.data) for e in events if isinstance(e, MessageChunk))


def read_all(reader: DataReader, pieces: list[bytes]) -> tuple[bytes, bool, bytes]:
    """Feed ``pieces`` as a server buffer would; return (content, ended, bytes left over)."""
    buffered = b""
    out = []
    for piece in pieces:
        buffered += piece
        consumed, content, ended = reader.read(buffered)
        buffered = buffered[consumed:]
        out.append(content)
        if ended:
            return b"".join(out), True, buffered
    return b"".join(out), False, buffered


# ---------------------------------------------------------------------------- smuggling

BODY = b"Subject: test\r\n\r\nHello"
SMUGGLED = b"MAIL FROM:<evil@attacker.test>\r\nRCPT TO:<victim@mx.test>\r\nDATA\r\nSmuggled\r\n"
# End-of-data look-alikes from the SMTP smuggling research (SEC Consult, 2023) and variants.
MIDDLE = [
    b"\n.\n",
    b"\n.\r\n",
    b"\r.\r",
    b"\r\n.\n",
    b"\r\n.\r",
    b"\n.\r",
    b"\r.\r\n",
    b"\r\n\x00.\r\n",
    b"\r\n.\x00\r\n",
    b"\r\r\n.\r\r\n",
    b"\n\n.\n\n",
]
START = [b".\n", b".\r", b".\r\r\n", b"\x00.\r\n", b"\n.\r\n"]
SMUGGLING = [BODY + v + SMUGGLED for v in MIDDLE] + [v + SMUGGLED for v in START]
SMUGGLING_IDS = [repr(v) for v in MIDDLE] + [f"start-{v!r}" for v in START]


@pytest.mark.parametrize("wire", SMUGGLING, ids=SMUGGLING_IDS)
def test_smuggling_variants_are_refused_by_default(wire: bytes) -> None:
    for pieces in feedings(wire + b".\r\nNOOP\r\n"):
        conn = in_data()
        events = drive(conn, *pieces)
        rest = [e for e in events if not isinstance(e, MessageChunk)]
        assert rest == [Refused(550, "5.6.0", False), Noop()], pieces
        # Content may start to flow before the bad octet, never beyond it.
        content = content_of(events)
        assert unstuff(wire).startswith(content)
        assert len(content) <= len(BODY) + 2
        out = conn.data_to_send()
        assert re.fullmatch(rb"550 5\.6\.0 [^\r\n]*\r\n250 OK\r\n", out), out


@pytest.mark.parametrize("wire", SMUGGLING, ids=SMUGGLING_IDS)
def test_smuggling_variants_are_content_when_lenient(wire: bytes) -> None:
    for pieces in feedings(wire + b".\r\nNOOP\r\n"):
        conn = in_data(strict_line_endings=False)
        events = merge_chunks(drive(conn, *pieces))
        assert events == [MessageChunk(unstuff(wire)), EndOfMessage(), Noop()], pieces
        assert conn.data_to_send() == b"250 OK\r\n250 OK\r\n"


def test_only_crlf_dot_crlf_ends_the_data() -> None:
    conn = in_data(strict_line_endings=False)
    events = drive(conn, b"a\n.\nb\r.\rc\r\n.\nd\r\n.x\r\n")
    assert conn.state is State.DATA
    assert content_of(events) == b"a\n.\nb\r.\rc\r\n\nd\r\nx\r\n"
    assert merge_chunks(drive(conn, b".\r\n"))[-1] == EndOfMessage()


# ---------------------------------------------------------------------------- unstuffing

UNSTUFFING = [
    (b"..x\r\n", b".x\r\n"),
    (b"..\r\n", b".\r\n"),
    (b".hidden\r\n", b"hidden\r\n"),
    (b"...\r\n", b"..\r\n"),
    (b"a\r\n..b\r\n..\r\nc.\r\n", b"a\r\n.b\r\n.\r\nc.\r\n"),
    (b"\r\n\r\n..\r\n\r\n", b"\r\n\r\n.\r\n\r\n"),
    (b"x.\r\n. \r\n", b"x.\r\n \r\n"),
    (b"", b""),
]


@pytest.mark.parametrize(("wire", "content"), UNSTUFFING)
def test_dot_unstuffing_at_every_split(wire: bytes, content: bytes) -> None:
    data = wire + b".\r\nNOOP\r\n"
    cases = list(feedings(data))
    cases += [
        [data[:i], data[i:j], data[j:]]
        for i in range(1, len(data))
        for j in range(i + 1, len(data))
    ]
    for pieces in cases:
        conn = in_data()
        events = merge_chunks(drive(conn, *pieces))
        expected = [MessageChunk(content)] if content else []
        assert events == [*expected, EndOfMessage(), Noop()], pieces


def test_reader_consumes_what_it_can_decide() -> None:
    reader = DataReader(max_line=1000, max_size=None, strict=True)
    assert reader.read(b"ab\r") == (2, b"ab", False)  # a CR may be half a CRLF
    assert reader.read(b"\r\n.") == (2, b"\r\n", False)  # a line-start dot waits
    assert reader.read(b".\r") == (0, b"", False)
    assert reader.read(b".\r\nNOOP\r\n") == (3, b"", True)  # stops right after the end
    assert reader.error is None
    assert reader.size == 4


def test_reader_keeps_the_dropped_dot_decision_across_pieces() -> None:
    reader = DataReader(max_line=1000, max_size=None, strict=True)
    assert reader.read(b".x") == (2, b"x", False)
    assert reader.read(b"..") == (2, b"..", False)  # mid-line: dots are content
    assert read_all(DataReader(max_line=None, max_size=None, strict=True), [b"..", b".\r\n"]) == (
        b"..\r\n",
        False,
        b"",
    )


# ---------------------------------------------------------------------------- limits


def test_text_line_limit_counts_unstuffed_octets_and_crlf() -> None:
    ok = b"x" * 998 + b"\r\n" + b"." * 999 + b"\r\n"  # the stuffing dot does not count
    for pieces in ([ok + b".\r\n"], [ok[:500], ok[500:1500], ok[1500:] + b".\r\n"]):
        conn = in_data()
        assert merge_chunks(drive(conn, *pieces))[-1] == EndOfMessage()
    for long_line in (b"y" * 999 + b"\r\n", b"a\r\n" + b"y" * 999 + b"\r\nb\r\n"):
        for pieces in feedings(long_line + b".\r\nNOOP\r\n"):
            conn = in_data()
            events = [e for e in drive(conn, *pieces) if not isinstance(e, MessageChunk)]
            assert events == [Refused(500, "5.5.2", False), Noop()]


def test_text_line_limit_can_be_lifted() -> None:
    conn = in_data(limits=SMTPLimits(max_text_line=None))
    line = b"z" * 100_000 + b"\r\n"
    assert merge_chunks(drive(conn, line, b".\r\n")) == [MessageChunk(line), EndOfMessage()]


@pytest.mark.parametrize("piece_size", [1, 7, 100, 4096])
def test_oversized_message_streams_in_bounded_memory_then_552(piece_size: int) -> None:
    limit = 1000
    conn = in_data(limits=SMTPLimits(max_message_size=limit))
    message = (b"0123456789" * 7 + b"\r\n") * 70  # 5040 octets
    data = message + b".\r\nNOOP\r\n"
    events: list[object] = []
    for i in range(0, len(data), piece_size):
        events += drive(conn, data[i : i + piece_size])
        assert conn.state is not State.DATA or len(conn._buffer) <= 2
    chunks = [bytes(e.data) for e in events if isinstance(e, MessageChunk)]
    assert max(map(len, chunks), default=0) <= piece_size + 2  # a held-back CR or dot may join
    assert sum(map(len, chunks)) <= limit
    assert message.startswith(b"".join(chunks))
    rest = [e for e in events if not isinstance(e, MessageChunk)]
    assert rest == [Refused(552, "5.3.4", False), Noop()]


def test_message_of_exactly_the_size_limit_is_accepted() -> None:
    message = b"." + b"x" * 96 + b"\r\n"  # 99 octets on the wire, 100 with the stuffing dot
    conn = in_data(limits=SMTPLimits(max_message_size=99))
    assert merge_chunks(drive(conn, b"." + message, b".\r\n")) == [
        MessageChunk(message),
        EndOfMessage(),
    ]
    conn = in_data(limits=SMTPLimits(max_message_size=98))
    assert Refused(552, "5.3.4", False) in drive(conn, b"." + message, b".\r\n")


# ---------------------------------------------------------------------------- BDAT


def test_bdat_without_chunking_is_refused_after_its_octets() -> None:
    conn = ready(MAIL, RCPT, extensions=["PIPELINING", "ENHANCEDSTATUSCODES"])
    # The 8 octets look like a command; they must be skipped, not parsed.
    events = drive(conn, b"BDAT 8 LAST\r\nQUIT\r\nxyNOOP\r\n")
    assert names(events) == ["refused 502", "Noop"]
    assert state_of(conn) is State.READY  # the transaction is over (RFC 3030 §2)


def test_bdat_out_of_sequence() -> None:
    conn = ready()
    assert names(drive(conn, b"BDAT 2\r\nxyNOOP\r\n")) == ["refused 503", "Noop"]
    conn = ready(MAIL)
    assert names(drive(conn, b"BDAT 2 LAST\r\nxy")) == ["refused 554"]
    assert state_of(conn) is State.READY


def test_data_after_bdat_and_binarymime_data() -> None:
    conn = ready(MAIL, RCPT, b"BDAT 3\r\nabc")
    assert names(drive(conn, b"DATA\r\n")) == ["refused 503"]
    assert state_of(conn) is State.BDAT
    conn = ready(b"MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n", RCPT)
    assert names(drive(conn, b"DATA\r\n")) == ["refused 503"]
    assert state_of(conn) is State.RCPT
    assert names(drive(conn, b"BDAT 2 LAST\r\n\x00\x01")) == [
        "Bdat",
        "MessageChunk",
        "EndOfMessage",
    ]


def test_bdat_over_the_size_limit_is_552_after_its_octets() -> None:
    conn = ready(MAIL, RCPT, limits=SMTPLimits(max_message_size=10))
    events = drive(conn, b"BDAT 6\r\n123456", b"BDAT 5 LAST\r\n12345", b"NOOP\r\n")
    assert names(events) == ["Bdat", "MessageChunk", "EndOfChunk", "refused 552", "Noop"]
    assert state_of(conn) is State.READY
    assert conn.mail is None


# ---------------------------------------------------------------------------- LMTP


def lmtp_in_data(recipients: int) -> ServerConnection:
    conn = ready(MAIL, *[RCPT] * recipients, b"DATA\r\n", lmtp=True)
    assert state_of(conn) is State.DATA
    assert conn.recipient_count == recipients
    return conn


def test_lmtp_owes_one_reply_per_recipient() -> None:
    conn = lmtp_in_data(3)
    assert names(drive(conn, b"hi\r\n.\r\n", answer=hold)) == [
        "MessageChunk",
        "EndOfMessage",
    ]
    with pytest.raises(LocalProtocolError):
        conn.send(Reply(354, "3yz is no delivery status"))
    conn.send(Reply(250, "delivered to 1"))
    conn.send(Reply(452, "over quota"))
    assert state_of(conn) is State.DATA  # one fewer: still owed
    with pytest.raises(LocalProtocolError):
        conn.next_event()
    conn.send(Reply(250, "delivered to 3"))
    assert state_of(conn) is State.READY
    with pytest.raises(LocalProtocolError):
        conn.send(Reply(250, "one too many"))


def test_lmtp_bdat_last_owes_one_reply_per_recipient() -> None:
    conn = ready(MAIL, RCPT, RCPT, lmtp=True)
    events = drive(conn, b"BDAT 2\r\nhiBDAT 0 LAST\r\n", answer=hold)
    assert names(events) == ["Bdat", "MessageChunk", "EndOfChunk"]
    conn.send(Reply(250, "chunk ok"))  # a non-LAST chunk gets one reply
    assert names(pump(conn, answer=hold)) == ["Bdat", "EndOfMessage"]
    conn.send(Reply(250, "1"))
    assert state_of(conn) is State.BDAT
    conn.send(Reply(250, "2"))
    assert state_of(conn) is State.READY


def test_lmtp_refuses_ehlo_and_helo_and_data_without_recipients() -> None:
    conn = server(lmtp=True)
    assert names(drive(conn, b"EHLO client.test\r\nHELO client.test\r\n")) == [
        "refused 500",
        "refused 500",
    ]
    drive(conn, b"LHLO client.test\r\n", MAIL)
    # RFC 2033 §4.2: DATA with no successful RCPT "MUST fail with a 503 reply code".
    assert drive(conn, b"DATA\r\n") == [Refused(503, "5.5.1", False)]
    assert names(drive(server(), b"LHLO client.test\r\n")) == ["refused 500"]


def test_lmtp_refused_message_gets_one_reply_per_recipient() -> None:
    conn = lmtp_in_data(2)
    assert names(drive(conn, b"bare\nLF\r\n.\r\n")) == ["refused 550"]
    assert conn.data_to_send().count(b"550 5.6.0") == 2  # RFC 2033 §4.2
    assert state_of(conn) is State.READY
    conn = ready(MAIL, RCPT, RCPT, lmtp=True, limits=SMTPLimits(max_message_size=4))
    assert names(drive(conn, b"BDAT 5 LAST\r\n12345")) == ["refused 552"]
    assert conn.data_to_send().count(b"552 5.3.4") == 2  # RFC 2033 §4.3


def test_lmtp_reply_that_cannot_be_sent_is_still_owed() -> None:
    conn = lmtp_in_data(2)
    drive(conn, b".\r\n", answer=hold)
    with pytest.raises(LocalProtocolError, match="512"):
        conn.send(Reply(250, "x" * 600))
    conn.send(Reply(250, "1"))
    assert state_of(conn) is State.DATA
    conn.send(Reply(250, "2"))
    assert state_of(conn) is State.READY


def test_421_answers_anything_and_closes() -> None:
    conn = lmtp_in_data(2)
    drive(conn, b".\r\n", answer=hold)
    conn.send(Reply(250, "1"))
    conn.send(Reply(421, "going down"))
    assert state_of(conn) is State.CLOSED


# ---------------------------------------------------------------------------- closing


@pytest.mark.parametrize(
    "partial", [b"", b"NOOP", b"hello\r\n", b"hello\r\n.", b"hello\r\n.\r", b"x\r"]
)
def test_client_disconnect_mid_data(partial: bytes) -> None:
    conn = ready(MAIL, RCPT, b"DATA\r\n")
    events = drive(conn, partial, close=True)
    assert names(events)[-1] == "ConnectionClosed"
    assert not any(isinstance(e, EndOfMessage | Refused) for e in events)
    assert state_of(conn) is State.CLOSED
    with pytest.raises(LocalProtocolError):
        conn.receive_data(b"more")


def test_client_disconnect_mid_line_and_mid_chunk() -> None:
    conn = ready()
    assert names(drive(conn, b"NOOP\r\nNO", close=True)) == ["Noop", "ConnectionClosed"]
    conn = ready(MAIL, RCPT)
    assert names(drive(conn, b"BDAT 10\r\nabc", close=True)) == [
        "Bdat",
        "MessageChunk",
        "ConnectionClosed",
    ]
    assert conn.next_event() == ConnectionClosed()


# ---------------------------------------------------------------------------- DotStuffer


def test_dot_stuffer_doubles_leading_dots_and_normalises_line_ends() -> None:
    stuffer = DotStuffer()
    assert stuffer.feed(b".a\n.b\r") == b"..a\r\n..b"
    assert stuffer.feed(b"") == b""
    assert stuffer.feed(b"\n") == b"\r\n"
    assert stuffer.feed(b"\r") == b""  # held: may be half a CRLF
    assert stuffer.feed(b".c") == b"\r\n..c"
    assert stuffer.finish() == b"\r\n.\r\n"
    stuffer = DotStuffer()
    assert stuffer.feed(b"x\r\n") == b"x\r\n"
    assert stuffer.finish() == b".\r\n"
    stuffer = DotStuffer()
    assert stuffer.feed(b"x\r") == b"x"
    assert stuffer.finish() == b"\r\n.\r\n"
    assert DotStuffer().finish() == b".\r\n"


def normalise(content: bytes) -> bytes:
    text = re.sub(rb"\r\n|\r|\n", b"\r\n", content)
    return text + b"\r\n" if text and not text.endswith(b"\r\n") else text


SOUP = st.lists(st.sampled_from([b".", b"..", b"\r", b"\n", b"\r\n", b"a", b"\x00", b" "]))


@settings(max_examples=200, deadline=None)
@given(
    content=st.one_of(st.binary(max_size=200), SOUP.map(b"".join)),
    cuts=st.lists(st.integers(0, 200), max_size=6),
    wire_cuts=st.lists(st.integers(0, 400), max_size=6),
)
def test_stuffer_and_reader_round_trip(
    content: bytes, cuts: list[int], wire_cuts: list[int]
) -> None:
    bounds = sorted({0, len(content), *(c for c in cuts if c < len(content))})
    stuffer = DotStuffer()
    wire = (
        b"".join(stuffer.feed(content[a:b]) for a, b in itertools.pairwise(bounds))
        + stuffer.finish()
    )
    # The wire form has only CRLF line ends and exactly one end marker, at the end.
    assert wire.count(b"\r") == wire.count(b"\n") == wire.count(b"\r\n")
    assert (b"\r\n" + wire).find(b"\r\n.\r\n") == len(wire) - 3
    edges = sorted({0, len(wire), *(c for c in wire_cuts if c < len(wire))})
    pieces = [wire[a:b] for a, b in itertools.pairwise(edges)]
    for strict in (False, True):
        reader = DataReader(max_line=None, max_size=None, strict=strict)
        got, ended, left = read_all(reader, pieces)
        assert ended
        assert left == b""
        if strict and b"\x00" in content:
            assert reader.error is not None
            assert reader.error.code == 550
        else:
            assert reader.error is None
            assert got == normalise(content)


def test_the_reply_does_not_depend_on_where_the_input_was_cut() -> None:
    # Too big, with a NUL, a bare LF and a long line: 552 wins however the bytes arrive.
    wire = b"a\x00b\r\n" + b"x" * 40 + b"\r\nc\nd\r\n" + b"y" * 60 + b"\r\n"
    cases = [
        (SMTPLimits(max_message_size=100, max_text_line=30), Refused(552, "5.3.4", False)),
        (SMTPLimits(max_text_line=30), Refused(550, "5.6.0", False)),
    ]
    for limits, refusal in cases:
        for pieces in feedings(wire + b".\r\n"):
            conn = in_data(limits=limits)
            assert [e for e in drive(conn, *pieces) if isinstance(e, Refused)] == [refusal]
