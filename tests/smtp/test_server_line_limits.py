"""MAIL/RCPT lines may exceed 512 octets by what the advertised extensions add."""

from __future__ import annotations

import pytest

from pymailproto.errors import RemoteProtocolError
from pymailproto.smtp import Greeting, RcptTo, Reply, ServerConnection

# RFC 3461 §5.4: NOTIFY and ORCPT may add 530 characters to RCPT (lines of 1036 octets).
LONG_RCPT = (
    b"RCPT TO:<b@c.example> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;"
    + b"x" * 480
    + b"@c.example\r\n"
)


def in_transaction(extensions: list[str]) -> ServerConnection:
    conn = ServerConnection("x.example", extensions=extensions)
    conn.send(Greeting(220, "ready"))
    conn.receive_data(b"EHLO a.example\r\n")
    conn.next_event()
    conn.send(conn.ehlo_reply())
    conn.receive_data(b"MAIL FROM:<a@b.example>\r\n")
    conn.next_event()
    conn.send(Reply(250, "OK"))
    return conn


def test_dsn_lengthens_the_rcpt_line() -> None:
    assert 512 < len(LONG_RCPT) <= 1036
    conn = in_transaction(["DSN"])
    conn.receive_data(LONG_RCPT)
    assert isinstance(conn.next_event(), RcptTo)


def test_without_dsn_the_same_line_is_too_long() -> None:
    conn = in_transaction([])
    conn.receive_data(LONG_RCPT)
    with pytest.raises(RemoteProtocolError) as exc:
        conn.next_event()
    assert exc.value.reply.code == 500


def test_other_commands_keep_512() -> None:
    conn = in_transaction(["DSN"])
    conn.receive_data(b"NOOP " + b"n" * 600 + b"\r\n")
    with pytest.raises(RemoteProtocolError) as exc:
        conn.next_event()
    assert exc.value.reply.code == 500
