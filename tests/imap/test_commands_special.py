"""The continuation lines: IDLE's DONE (RFC 9051 §6.3.13, RFC 2177) and AUTHENTICATE responses
(RFC 9051 §6.2.2): reading, writing, cancelling, and what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto.imap._commands_special import AuthenticateResponse, ContinuationLine, IdleDone
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import LineFragment, WireOptions


def test_done() -> None:
    for line in (b"DONE\r\n", b"done\r\n", b"DoNe\r\n"):
        assert IdleDone.read(Reader(line)) == IdleDone()
    assert IdleDone().to_bytes() == b"DONE\r\n"
    assert IdleDone().fragments() == [LineFragment(b"DONE\r\n")]


@pytest.mark.parametrize(
    ("line", "offset"),
    [(b"DONE \r\n", 4), (b"DONEX\r\n", 0), (b"A1 DONE\r\n", 0), (b"\r\n", 0), (b"DONE\r\nx", 6)],
)
def test_not_done(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        IdleDone.read(Reader(line))
    assert info.value.offset == offset


@given(st.binary(max_size=200))
def test_responses_round_trip(data: bytes) -> None:
    response = AuthenticateResponse(data)
    assert not response.cancelled
    line = response.to_bytes(WireOptions(utf8=True))
    assert AuthenticateResponse.read(Reader(line)) == response


def test_responses() -> None:
    # RFC 3501 §6.2.2: an empty line is an empty response; "*" cancels.
    assert AuthenticateResponse.read(Reader(b"\r\n")) == AuthenticateResponse(b"")
    assert AuthenticateResponse(b"").to_bytes() == b"\r\n"
    cancel = AuthenticateResponse.read(Reader(b"*\r\n"))
    assert cancel == AuthenticateResponse(None)
    assert cancel.cancelled
    assert cancel.to_bytes() == b"*\r\n"
    assert "secret" not in repr(AuthenticateResponse(b"secret"))
    with pytest.raises(IMAPValueError):
        AuthenticateResponse("dGVzdA==")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"=AAA\r\n", 0),  # non-terminal "=" (RFC 9051 §6.2.2)
        (b"AAA=BBBB\r\n", 4),
        (b"AA!A\r\n", 0),  # outside the alphabet
        (b"AAA\r\n", 0),  # not a multiple of four
        (b"* \r\n", 1),
        (b"**\r\n", 1),
        (b"AAAA \r\n", 4),
    ],
)
def test_invalid_base64(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        AuthenticateResponse.read(Reader(line))
    assert info.value.offset == offset


def test_base_class() -> None:
    with pytest.raises(NotImplementedError):
        ContinuationLine().to_bytes()
