"""send_batch: many messages, pipelined across messages (RFC 2920 §3.1), as byte-exact exchanges.

Each exchange is a list of (what the client wrote since it last waited, what the server answers).
One pair per wait is the point: with PIPELINING, a message costs one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp import (
    ClientConnection,
    DataRefused,
    MissingExtension,
    Outgoing,
    RecipientsRefused,
    SenderRefused,
    SendResult,
)
from pymailproto.smtp._batch import send_batch
from pymailproto.smtp._procedures import IO, open_session

GREETING = b"220 mx.example ESMTP\r\n"
EHLO_PIPELINING = b"250-mx.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 CHUNKING\r\n"
BODY = b"Subject: %d\r\n\r\nbody\r\n"
ENVELOPE_OK = b"250 Sender OK\r\n250 Recipient OK\r\n354 Go ahead\r\n"


def envelope(n: int, rcpt: str = "bob@example.org") -> bytes:
    """MAIL, RCPT and DATA of message ``n``, as one pipelined group."""
    return b"MAIL FROM:<alice@example.org>\r\nRCPT TO:<%s>\r\nDATA\r\n" % rcpt.encode()


def content(n: int) -> bytes:
    return BODY % n + b".\r\n"


def item(n: int, *rcpts: str) -> Outgoing:
    return Outgoing(BODY % n, "alice@example.org", list(rcpts) or ["bob@example.org"])


def exchange(
    items: Sequence[Any], script: list[tuple[bytes, bytes]], ehlo: bytes = EHLO_PIPELINING
) -> list[Any]:
    """Run send_batch against ``script``; every wait must follow exactly the scripted bytes."""
    conn = ClientConnection()
    opening = open_session(conn, "client.example")
    replies = iter([GREETING, ehlo])
    request = next(opening)
    try:
        while True:
            conn.data_to_send()
            if request is IO.RECEIVE:
                conn.receive_data(next(replies))
            request = opening.send(None)
    except StopIteration:
        conn.data_to_send()
    procedure = send_batch(conn, items)
    steps = iter(script)
    written = b""
    try:
        request = next(procedure)
        while True:
            written += conn.data_to_send()
            if request is IO.RECEIVE:
                expected, answer = next(steps)
                assert written == expected
                written = b""
                conn.receive_data(answer)
            request = procedure.send(None)
    except StopIteration as done:
        written += conn.data_to_send()
        assert written == b"", "bytes were left unsent"
        assert next(steps, None) is None, "the script was not used up"
        return list(done.value)


def test_one_round_trip_per_message() -> None:
    outcomes = exchange(
        [item(1), item(2), item(3)],
        [
            (envelope(1), ENVELOPE_OK),
            (content(1) + envelope(2), b"250 Queued 1\r\n" + ENVELOPE_OK),
            (content(2) + envelope(3), b"250 Queued 2\r\n" + ENVELOPE_OK),
            (content(3), b"250 Queued 3\r\n"),
        ],
    )
    assert [o.reply.text for o in outcomes] == ["Queued 1", "Queued 2", "Queued 3"]
    assert all(isinstance(o, SendResult) for o in outcomes)


def test_a_refused_message_is_its_own_outcome_and_the_batch_goes_on() -> None:
    outcomes = exchange(
        [item(1), item(2, "nobody@example.org"), item(3)],
        [
            (envelope(1), ENVELOPE_OK),
            (
                content(1) + envelope(2, "nobody@example.org"),
                b"554 Spam\r\n250 Sender OK\r\n550 No such user\r\n554 No valid recipients\r\n",
            ),
            (b"RSET\r\n", b"250 Flushed\r\n"),  # RFC 2920 §3.1: DATA refused, so RSET
            (envelope(3), ENVELOPE_OK),
            (content(3), b"250 Queued 3\r\n"),
        ],
    )
    assert isinstance(outcomes[0], DataRefused)
    assert outcomes[0].reply.code == 554
    assert isinstance(outcomes[1], RecipientsRefused)
    assert outcomes[1].reply.code == 550
    assert isinstance(outcomes[2], SendResult)


def test_data_accepted_without_recipients_gets_an_empty_message() -> None:
    # RFC 2920 §3.1: "if the DATA command was accepted the client SMTP should send a single dot"
    outcomes = exchange(
        [item(1, "nobody@example.org"), item(2)],
        [
            (envelope(1, "nobody@example.org"), b"250 OK\r\n550 No\r\n354 Go ahead\r\n"),
            (b".\r\n", b"554 No valid recipients\r\n"),  # the transaction is over: no RSET
            (envelope(2), ENVELOPE_OK),
            (content(2), b"250 Queued\r\n"),
        ],
    )
    assert isinstance(outcomes[0], RecipientsRefused)
    assert isinstance(outcomes[1], SendResult)


def test_sender_refused_and_data_not_354() -> None:
    outcomes = exchange(
        [item(1), item(2)],
        [
            (envelope(1), b"451 Try later\r\n503 No sender\r\n503 No sender\r\n"),
            (envelope(2), b"250 OK\r\n250 OK\r\n451 Out of memory\r\n"),
            (b"RSET\r\n", b"250 Flushed\r\n"),
        ],
    )
    assert isinstance(outcomes[0], SenderRefused)
    assert outcomes[0].reply.code == 451
    assert isinstance(outcomes[1], DataRefused)
    assert outcomes[1].reply.code == 451


def test_items_the_server_cannot_take_are_outcomes_before_anything_is_sent() -> None:
    utf8 = Outgoing(BODY % 1, "josé@example.org", ["bob@example.org"])  # needs SMTPUTF8
    nobody = Outgoing(BODY % 2, "alice@example.org", [])
    raw = Outgoing(BODY % 3)  # raw bytes need an explicit envelope
    outcomes = exchange(
        [utf8, nobody, raw, item(4)],
        [(envelope(4), ENVELOPE_OK), (content(4), b"250 Queued\r\n")],
    )
    assert isinstance(outcomes[0], MissingExtension)
    assert isinstance(outcomes[1], LocalProtocolError)
    assert isinstance(outcomes[2], LocalProtocolError)
    assert isinstance(outcomes[3], SendResult)


def test_order_is_kept_when_an_item_fails_while_another_is_in_flight() -> None:
    outcomes = exchange(
        [item(1), Outgoing(BODY % 2, "alice@example.org", []), item(3)],
        [
            (envelope(1), ENVELOPE_OK),
            (content(1) + envelope(3), b"250 Queued 1\r\n" + ENVELOPE_OK),
            (content(3), b"250 Queued 3\r\n"),
        ],
    )
    assert isinstance(outcomes[0], SendResult)
    assert outcomes[0].reply.text == "Queued 1"
    assert isinstance(outcomes[1], LocalProtocolError)
    assert outcomes[2].reply.text == "Queued 3"


def test_without_pipelining_each_step_waits() -> None:
    outcomes = exchange(
        [item(1), item(2)],
        [
            (b"MAIL FROM:<alice@example.org>\r\n", b"250 OK\r\n"),
            (b"RCPT TO:<bob@example.org>\r\n", b"250 OK\r\n"),
            (b"DATA\r\n", b"354 Go\r\n"),
            (content(1), b"250 Queued 1\r\n"),
            (b"MAIL FROM:<alice@example.org>\r\n", b"250 OK\r\n"),
            (b"RCPT TO:<bob@example.org>\r\n", b"250 OK\r\n"),
            (b"DATA\r\n", b"354 Go\r\n"),
            (content(2), b"250 Queued 2\r\n"),
        ],
        ehlo=b"250-mx.example\r\n250 8BITMIME\r\n",
    )
    assert [o.reply.text for o in outcomes] == ["Queued 1", "Queued 2"]


def test_binary_content_settles_the_flight_then_goes_by_bdat() -> None:
    binary = Outgoing(b"Subject: b\r\n\r\n\x00\xff\r\n", "alice@example.org", ["bob@example.org"])
    ehlo = b"250-mx.example\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 BINARYMIME\r\n"
    outcomes = exchange(
        [item(1), binary],
        [
            (envelope(1), ENVELOPE_OK),
            (content(1), b"250 Queued 1\r\n"),
            (
                b"MAIL FROM:<alice@example.org> BODY=BINARYMIME\r\nRCPT TO:<bob@example.org>\r\n",
                b"250 OK\r\n250 OK\r\n",
            ),
            (b"BDAT 18 LAST\r\nSubject: b\r\n\r\n\x00\xff\r\n", b"250 Queued 2\r\n"),
        ],
        ehlo=ehlo,
    )
    assert [o.reply.text for o in outcomes] == ["Queued 1", "Queued 2"]


def test_a_final_refusal_of_the_last_message() -> None:
    outcomes = exchange(
        [item(1)], [(envelope(1), ENVELOPE_OK), (content(1), b"552 Too big for the mailbox\r\n")]
    )
    assert isinstance(outcomes[0], DataRefused)
    assert outcomes[0].reply.code == 552


def test_an_empty_batch_sends_nothing() -> None:
    assert exchange([], []) == []


def test_a_server_closing_mid_batch_raises() -> None:
    with pytest.raises(RemoteProtocolError, match="closed"):
        exchange([item(1), item(2)], [(envelope(1), ENVELOPE_OK), (content(1) + envelope(2), b"")])


def test_without_pipelining_a_refusal_is_an_outcome_too() -> None:
    outcomes = exchange(
        [item(1), item(2)],
        [
            (b"MAIL FROM:<alice@example.org>\r\n", b"550 Go away\r\n"),
            (b"MAIL FROM:<alice@example.org>\r\n", b"250 OK\r\n"),
            (b"RCPT TO:<bob@example.org>\r\n", b"250 OK\r\n"),
            (b"DATA\r\n", b"354 Go\r\n"),
            (content(2), b"250 Queued 2\r\n"),
        ],
        ehlo=b"250-mx.example\r\n250 8BITMIME\r\n",
    )
    assert isinstance(outcomes[0], SenderRefused)
    assert outcomes[1].reply.text == "Queued 2"
