"""serialize() and fragments(): the complete wire form of any command or response."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._commands_any import NoopCommand
from pymailproto.imap._commands_nonauth import LoginCommand
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._msg_att import BodyKey
from pymailproto.imap._response_base import Condition, Response, StatusResponse
from pymailproto.imap._responses_data import ListResponse
from pymailproto.imap._responses_message import FetchResponse
from pymailproto.imap._serialize import Writable, fragments, serialize
from pymailproto.imap._values import (
    LineFragment,
    LiteralFragment,
    LiteralMode,
    LiteralSupport,
    WireOptions,
    Writer,
)
from tests.imap import strategies_responses as sr

PLUS = WireOptions(literals=LiteralSupport.LITERAL_PLUS)


def test_responses() -> None:
    ok = StatusResponse(Condition.OK, "LOGIN completed", tag="a001")
    assert serialize(ok) == b"a001 OK LOGIN completed\r\n"
    assert fragments(ok) == [LineFragment(b"a001 OK LOGIN completed\r\n")]


def test_a_response_with_literals() -> None:
    fetch = FetchResponse(12, {BodyKey(): b"line 1\r\nline 2\r\n"})
    assert serialize(fetch) == b"* 12 FETCH (BODY[] {16}\r\nline 1\r\nline 2\r\n)\r\n"
    assert fragments(fetch) == [
        LineFragment(b"* 12 FETCH (BODY[] {16}\r\n"),
        LiteralFragment(b"line 1\r\nline 2\r\n", LiteralMode.SYNC),
        LineFragment(b")\r\n"),
    ]
    # a server never sends non-synchronizing literals (RFC 9051 §4.3), whatever the options
    assert serialize(fetch, PLUS) == serialize(fetch)
    assert fetch.to_bytes(PLUS) == serialize(fetch)


def test_commands() -> None:
    assert serialize(NoopCommand("a2")) == b"a2 NOOP\r\n"
    login = LoginCommand("a1", "smith", "pass\r\nword")
    assert serialize(login) == b"a1 LOGIN smith {10}\r\npass\r\nword\r\n"
    # a client may use {n+} when the server takes it
    assert serialize(login, PLUS) == b"a1 LOGIN smith {10+}\r\npass\r\nword\r\n"
    assert fragments(login)[1] == LiteralFragment(b"pass\r\nword", LiteralMode.SYNC)
    assert fragments(login, PLUS)[1] == LiteralFragment(b"pass\r\nword", LiteralMode.NONSYNC)


def test_options_decide_string_forms() -> None:
    response = ListResponse([], "/", "été")
    assert serialize(response) == b'* LIST () "/" "&AOk-t&AOk-"\r\n'
    assert serialize(response, WireOptions(utf8=True)) == '* LIST () "/" "été"\r\n'.encode()


def test_anything_that_writes_itself() -> None:
    class Line:
        def write(self, writer: Writer) -> None:
            writer.raw(b"hello")
            writer.crlf()

    value: Writable = Line()
    assert serialize(value) == b"hello\r\n"


@pytest.mark.parametrize("value", [b"* OK\r\n", "a1 NOOP", 42, None])
def test_other_values_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="write"):
        serialize(value)  # type: ignore[arg-type]


def test_options_must_be_wire_options() -> None:
    with pytest.raises(TypeError, match="WireOptions"):
        serialize(NoopCommand("a"), {"utf8": True})  # type: ignore[arg-type]


def test_invalid_output_is_refused_not_written() -> None:
    with pytest.raises(IMAPValueError):
        serialize(StatusResponse.ok("naïve"))


@settings(max_examples=200, deadline=None)
@given(sr.responses())
def test_serialize_is_the_joined_fragments(response: Response) -> None:
    parts = fragments(response)
    assert b"".join(part.data for part in parts) == serialize(response) == response.to_bytes()
    assert all(part.mode is LiteralMode.SYNC for part in parts if isinstance(part, LiteralFragment))
