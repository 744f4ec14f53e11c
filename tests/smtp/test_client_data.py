"""ClientConnection: message content (DATA, BDAT), LMTP replies, STARTTLS and timeouts."""

# mypy keeps ``conn.state`` narrowed after an assert, although send()/feed() change it.
# mypy: disable-error-code="comparison-overlap"

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto._limits import SMTPTimeouts
from pymailproto.errors import RemoteProtocolError
from pymailproto.smtp import (
    Auth,
    Bdat,
    Body,
    ClientConnection,
    Command,
    ConnectionClosed,
    Data,
    Ehlo,
    EndOfMessage,
    Helo,
    MailFrom,
    MailParams,
    MessageChunk,
    Noop,
    Quit,
    RcptTo,
    Reply,
    Rset,
    StartTLS,
    State,
)
from pymailproto.smtp._data import DotStuffer
from tests.smtp.client_helpers import (
    ALICE,
    ALL_EXTENSIONS,
    BOB,
    CAROL,
    ehlo_reply,
    feed,
    greeted,
    in_transaction,
    ok,
    read_data,
    refused,
    send,
    split_at,
    wire,
)

# ---------------------------------------------------------------------------- DATA


def data_wire(*pieces: bytes) -> bytes:
    stuffer = DotStuffer()
    return b"".join(stuffer.feed(p) for p in pieces) + stuffer.finish()


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        ([b""], b".\r\n"),  # empty message
        ([], b".\r\n"),
        ([b".x\r\n"], b"..x\r\n.\r\n"),  # RFC 5321 §4.5.2
        ([b"a\r\n.\r\n"], b"a\r\n..\r\n.\r\n"),
        ([b"a\r\n", b".b\r\n"], b"a\r\n..b\r\n.\r\n"),  # dot right after a split CRLF
        ([b"a\r", b"\n.b"], b"a\r\n..b\r\n.\r\n"),  # CR and LF in different pieces
        ([b"a\r", b".b"], b"a\r\n..b\r\n.\r\n"),  # bare CR, then a dot
        ([b"a\n.b"], b"a\r\n..b\r\n.\r\n"),  # bare LF
        ([b"a\rb"], b"a\r\nb\r\n.\r\n"),
        ([b"a\r"], b"a\r\n.\r\n"),  # a trailing CR completes as CRLF at the end
        ([b"\r", b"\r", b"."], b"\r\n\r\n..\r\n.\r\n"),
        ([b"a\n\n"], b"a\r\n\r\n.\r\n"),
        ([b"no newline"], b"no newline\r\n.\r\n"),
        ([b"line\r\n"], b"line\r\n.\r\n"),
        ([b"..", b"."], b"....\r\n.\r\n"),  # leading dot doubled, later ones not
    ],
)
def test_dot_stuffing(pieces: list[bytes], expected: bytes) -> None:
    assert data_wire(*pieces) == expected


def normalised(content: bytes) -> bytes:
    content = re.sub(rb"\r\n|\r|\n", b"\r\n", content)
    return content + b"\r\n" if content and not content.endswith(b"\r\n") else content


# Any octets but NUL, which our server refuses in DATA (RFC 5322 §3.5 text excludes it, and
# receivers that strip NULs could be made to see an end of data that is not there).
_content = st.binary(max_size=200).map(lambda b: b.replace(b"\0", b"0"))


@given(
    _content | st.lists(st.sampled_from([b"\r", b"\n", b".", b"x"])).map(b"".join),
    st.lists(st.integers(0, 200), max_size=10),
    st.lists(st.integers(0, 220), max_size=10),
)
def test_dot_stuffing_round_trip(content: bytes, cuts: list[int], read_cuts: list[int]) -> None:
    """Any content sent in any pieces is read back by the server, CRLF-normalised."""
    out = data_wire(*split_at(content, cuts))
    assert out.endswith(b".\r\n")
    got, leftover = read_data(out, read_cuts)
    assert got == normalised(content)
    assert leftover == 0


def test_data_through_the_connection() -> None:
    conn = in_transaction("PIPELINING")
    conn.send(Data())
    assert conn.timeout == conn.timeouts.data_initiation
    feed(conn, b"354 go\r\n")
    conn.data_to_send()
    conn.send(MessageChunk(b"Subject: x\n\n.hidden\r"))
    conn.send(MessageChunk(memoryview(b"\n.")))  # type: ignore[arg-type]
    eom = send(conn, EndOfMessage())
    assert conn.data_to_send() == b"Subject: x\r\n\r\n..hidden\r\n..\r\n.\r\n"
    assert not conn.in_message
    assert conn.state is State.DATA
    feed(conn, ok("queued"))
    assert eom.reply.text == "queued"
    assert conn.state is State.READY


# ---------------------------------------------------------------------------- BDAT


def test_bdat_needs_chunking() -> None:
    conn = in_transaction("PIPELINING")
    assert "CHUNKING" in refused(conn, Bdat(1))
    conn = in_transaction("CHUNKING", rcpts=0)
    assert "out of sequence" in refused(conn, Bdat(1))


def test_bdat_chunk_must_match_its_size() -> None:
    conn = in_transaction("CHUNKING", "PIPELINING")
    conn.send(Bdat(5))
    assert "only 5" in refused(conn, MessageChunk(b"123456"))
    conn.send(MessageChunk(b"12"))
    for unit in (Rset(), Bdat(1), EndOfMessage(), Quit()):
        assert "3 octets" in refused(conn, unit)
    conn.send(MessageChunk(b"345"))
    assert "354" in refused(conn, MessageChunk(b"6"))
    assert conn.data_to_send() == b"BDAT 5\r\n12345"
    feed(conn, ok())
    assert conn.state is State.BDAT
    refused(conn, Data())  # RFC 3030 §2: no DATA after BDAT in one transaction


def test_bdat_0_last() -> None:
    conn = in_transaction("CHUNKING")
    last = send(conn, Bdat(0, last=True))
    assert conn.data_to_send() == b"BDAT 0 LAST\r\n"
    assert conn.timeout == conn.timeouts.data_termination
    feed(conn, ok())
    assert last.done
    assert conn.state is State.READY


def test_pipelined_bdat() -> None:
    # RFC 3030 §4.2: BDATs pipelined, one reply per chunk.
    conn = greeted("CHUNKING", "PIPELINING", "BINARYMIME")
    units: list[Command | MessageChunk] = [
        MailFrom(ALICE, MailParams(body=Body.BINARYMIME)),
        RcptTo(BOB),
        Bdat(3),
        MessageChunk(b"\x00\r."),
        Bdat(2, last=True),
        MessageChunk(b"\n\xff"),
    ]
    handles = [conn.send(u) for u in units]
    assert conn.data_to_send() == (
        wire(MailFrom(ALICE, MailParams(body=Body.BINARYMIME)), RcptTo(BOB))
        + b"BDAT 3\r\n\x00\r.BDAT 2 LAST\r\n\n\xff"
    )
    feed(conn, ok(), ok(), ok("3 octets"), ok("2 octets, done"))
    assert [h.reply.text for h in handles if h][2:] == ["3 octets", "2 octets, done"]
    assert conn.state is State.READY


def test_bdat_without_pipelining_waits_with_its_octets() -> None:
    conn = greeted("CHUNKING")
    conn.send(MailFrom(ALICE))
    conn.send(RcptTo(BOB))
    conn.send(Bdat(2, last=True))
    conn.send(MessageChunk(b"hi"))
    assert conn.data_to_send() == wire(MailFrom(ALICE))
    feed(conn, ok())
    assert conn.data_to_send() == wire(RcptTo(BOB))
    feed(conn, ok())
    assert conn.data_to_send() == b"BDAT 2 LAST\r\nhi"


@pytest.mark.parametrize("after", [State.RCPT, State.BDAT, State.MAIL])
def test_refused_bdat_ends_the_transaction(after: State) -> None:
    # RFC 3030 §2: after a 4yz/5yz to a chunk the transaction has failed; our table (and our
    # server) treat that as the end of the transaction, whatever state it was in.
    conn = greeted("CHUNKING", "PIPELINING")
    conn.send(MailFrom(ALICE))
    conn.send(RcptTo(BOB))
    replies = [ok(), ok() if after is not State.MAIL else b"550 no\r\n"]
    if after is State.BDAT:
        conn.send(Bdat(1))
        conn.send(MessageChunk(b"x"))
        replies.append(ok())
    conn.send(Bdat(1))
    conn.send(MessageChunk(b"y"))
    feed(conn, *replies, b"452 out of space\r\n")
    assert conn.state is State.READY


def test_lmtp_bdat_last_one_reply_per_recipient() -> None:
    conn = greeted("CHUNKING", "PIPELINING", lmtp=True)
    for unit in (MailFrom(ALICE), RcptTo(BOB), RcptTo(ALICE), RcptTo(CAROL)):
        conn.send(unit)
    feed(conn, ok(), ok(), b"550 no\r\n", ok())
    last = send(conn, Bdat(2, last=True))
    conn.send(MessageChunk(b"hi"))
    feed(conn, ok("bob"))
    assert not last.done
    assert conn.state is State.RCPT
    feed(conn, b"452 carol full\r\n")
    assert last.done
    assert [r.code for r in last.replies] == [250, 452]
    assert conn.state is State.READY
    assert conn.recipient_count == 0


# ---------------------------------------------------------------------------- LMTP


def test_lmtp_data_one_reply_per_recipient() -> None:
    # RFC 2033 §4.2
    conn = in_transaction("PIPELINING", lmtp=True, rcpts=3)
    conn.send(Data())
    feed(conn, b"354 go\r\n")
    conn.data_to_send()
    eom = send(conn, EndOfMessage())
    conn.send(Quit())
    assert conn.data_to_send() == b".\r\nQUIT\r\n"
    for code, done in ((250, False), (452, False), (250, True)):
        feed(conn, Reply(code, "x"))
        assert eom.done is done
    assert [r.code for r in eom.replies] == [250, 452, 250]
    assert eom.reply.code == 250
    feed(conn, b"221 bye\r\n")
    assert conn.state is State.CLOSED


def test_lmtp_421_interrupts_per_recipient_replies() -> None:
    conn = in_transaction(lmtp=True, rcpts=2)
    conn.send(Data())
    feed(conn, b"354 go\r\n")
    eom = send(conn, EndOfMessage())
    feed(conn, ok(), b"421 shutting down\r\n")
    assert [r.code for r in eom.replies] == [250, 421]
    assert conn.state is State.CLOSED


# ---------------------------------------------------------------------------- STARTTLS


def _after_starttls_reply() -> tuple[ClientConnection, object]:
    conn = greeted(*ALL_EXTENSIONS)
    conn.send(Auth("PLAIN", b"\0u\0p"))
    feed(conn, b"235 ok\r\n")
    tls = send(conn, StartTLS())
    assert conn.data_to_send() == b"AUTH PLAIN AHUAcA==\r\nSTARTTLS\r\n"
    return conn, tls


def test_starttls_resets_the_session() -> None:
    conn, _ = _after_starttls_reply()
    events = feed(conn, b"220 go ahead\r\n")
    assert events == [Reply(220, "go ahead")]
    # RFC 3207 §4.2: discard knowledge obtained from the server before TLS.
    assert conn.state is State.CONNECTED
    assert conn.tls_active
    assert len(conn.extensions) == 0
    assert not conn.authenticated
    refused(conn, MailFrom(ALICE))
    conn.send(Ehlo("c.example"))
    feed(conn, ehlo_reply("PIPELINING", "STARTTLS"))
    assert "already" in refused(conn, StartTLS())
    conn.send(MailFrom(ALICE))


def test_starttls_injection_is_refused() -> None:
    # RFC 3207 §5: bytes behind the 220 in the same read were not protected by TLS.
    conn, _ = _after_starttls_reply()
    conn.receive_data(b"220 go ahead\r\n250-evil.example\r\n250 AUTH PLAIN\r\n")
    with pytest.raises(RemoteProtocolError, match="after the STARTTLS reply"):
        conn.next_event()
    assert conn.state is State.CLOSED
    assert len(conn.extensions) == 0
    assert conn.next_event() == ConnectionClosed()
    refused(conn, Ehlo("c.example"))


def test_starttls_refused() -> None:
    conn, _ = _after_starttls_reply()
    feed(conn, b"454 TLS not available\r\n")
    assert conn.state is State.READY
    assert not conn.tls_active
    assert conn.authenticated
    assert conn.send(Noop()) is not None


# ---------------------------------------------------------------------------- timeouts


def test_timeouts_follow_rfc5321_4_5_3_2() -> None:
    t = SMTPTimeouts(
        greeting=1, command=2, data_initiation=3, data_block=4, data_termination=5, server=6
    )
    conn = ClientConnection(timeouts=t)
    assert conn.timeout == 1  # §4.5.3.2.1
    feed(conn, b"220 hi\r\n")
    assert conn.timeout == 2
    conn.send(Helo("c.example"))
    feed(conn, ok())
    conn.send(MailFrom(ALICE))
    assert conn.timeout == 2  # §4.5.3.2.2
    feed(conn, ok())
    conn.send(RcptTo(BOB))
    feed(conn, ok())
    conn.send(Data())
    assert conn.timeout == 3  # §4.5.3.2.4
    feed(conn, b"354 go\r\n")
    assert conn.timeout == 4  # §4.5.3.2.5
    conn.send(EndOfMessage())
    assert conn.timeout == 5  # §4.5.3.2.6
    assert ClientConnection().timeouts == SMTPTimeouts()
    assert SMTPTimeouts().data_termination == 600  # RFC 5321 §4.5.3.2.6: 10 minutes
