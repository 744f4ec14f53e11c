"""CAPABILITY, NOOP, LOGOUT (RFC 9051 §6.1, RFC 3501 §6.1) and ID (RFC 2971): known answers
from the RFCs, fed whole, byte by byte and at random splits; validation; malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_any import (
    CapabilityCommand,
    IdCommand,
    LogoutCommand,
    NoopCommand,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._id import IDParams
from pymailproto.imap._lexer import Reader
from tests.imap import strategies_commands as c

V = c.Vector

VECTORS = [
    # RFC 3501 §6.1.1 and RFC 9051 §6.1.1
    V("RFC 3501 §6.1.1", b"abcd CAPABILITY\r\n", CapabilityCommand("abcd")),
    V("RFC 3501 §6.1.1", b"ijkl CAPABILITY\r\n", CapabilityCommand("ijkl")),
    V("RFC 9051 §6.2.1", b"a001 CAPABILITY\r\n", CapabilityCommand("a001")),
    V("RFC 9051 §6.2.1", b"a003 CAPABILITY\r\n", CapabilityCommand("a003")),
    V("RFC 9051 §6.2.2", b"A02 CAPABILITY\r\n", CapabilityCommand("A02")),
    V("RFC 9051 §6.2.2, RFC 4959 §4", b"C01 CAPABILITY\r\n", CapabilityCommand("C01")),
    V("RFC 9051 §6.3.1, RFC 5161 §3.1", b"t1 CAPABILITY\r\n", CapabilityCommand("t1")),
    V("RFC 9051 §6.3.1, RFC 5161 §3.1", b"t3 CAPABILITY\r\n", CapabilityCommand("t3")),
    V("RFC 6154 §5.3", b"t1 CAPABILITY\r\n", CapabilityCommand("t1")),
    V("RFC 3501 §6.5", b"a441 CAPABILITY\r\n", CapabilityCommand("a441")),
    # RFC 3501 §6.1.2 and RFC 9051 §6.1.2
    V("RFC 3501 §6.1.2", b"a002 NOOP\r\n", NoopCommand("a002")),
    V("RFC 3501 §6.1.2", b"a047 NOOP\r\n", NoopCommand("a047")),
    # RFC 7162 §3.1.3, §3.1.4.2, §6
    *(
        V("RFC 7162", tag.encode() + b" NOOP\r\n", NoopCommand(tag))
        for tag in ("a107", "b107", "B002", "C180", "D210", "C270", "D300", "C360", "D390", "A152")
    ),
    # RFC 3501 §6.1.3 and RFC 9051 §6.1.3
    V("RFC 3501 §6.1.3", b"A023 LOGOUT\r\n", LogoutCommand("A023")),
    # RFC 3501 §8: commands are case-insensitive, written upper case
    V("RFC 3501 §8", b"a006 logout\r\n", LogoutCommand("a006"), b"a006 LOGOUT\r\n"),
    # RFC 2971 §3.1
    V(
        "RFC 2971 §3.1",
        b'a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")\r\n',
        IdCommand(
            "a023",
            IDParams({"name": "sodr", "version": "19.34", "vendor": "Pink Floyd Music Limited"}),
        ),
        note='the RFC breaks the line after "vendor" for the page; it is one line',
    ),
    V("RFC 2971 §3.1", b"a042 ID NIL\r\n", IdCommand("a042")),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_rfc_examples(vector: c.Vector) -> None:
    c.check_vector(vector)


WIRE, EXPECTED = c.transcript(VECTORS)


def test_transcript_whole_and_bytewise() -> None:
    assert c.values(c.collect([WIRE], EXPECTED)) == EXPECTED
    assert c.values(c.collect(c.bytewise(WIRE), EXPECTED)) == EXPECTED


@settings(max_examples=50)
@given(st.data())
def test_transcript_random_splits(data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(WIRE)), max_size=12))
    assert c.values(c.collect(c.split(WIRE, points), EXPECTED)) == EXPECTED


def test_names_are_case_insensitive() -> None:
    for line in (b"t CaPaBiLiTy\r\n", b"t capability\r\n"):
        assert read_command(Reader(line)) == CapabilityCommand("t")
    assert read_command(Reader(b"t id nil\r\n")) == IdCommand("t")


def test_id_empty_list_is_not_nil() -> None:
    command = read_command(Reader(b"t ID ()\r\n"))
    assert command == IdCommand("t", IDParams())
    assert command != IdCommand("t")
    assert command.to_bytes() == b"t ID ()\r\n"


def test_id_lists_beyond_the_limits_are_read() -> None:
    # RFC 2971 §3.3 limits the sender; what arrives is accepted (see _id.py).
    fields = b" ".join(b'"f%d" "v"' % i for i in range(40))
    command = read_command(Reader(b"t ID (" + fields + b")\r\n"))
    assert isinstance(command, IdCommand)
    assert command.params is not None
    assert len(command.params) == 40


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        NoopCommand("a b")
    with pytest.raises(IMAPValueError):
        NoopCommand("a+")
    with pytest.raises(IMAPValueError):
        CapabilityCommand("")
    with pytest.raises(IMAPValueError):
        IdCommand("t", {"name": "x"})  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        LogoutCommand("t\r\nA2")


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t NOOP \r\n", 6),  # exactly one SP, then the CRLF
        (b"t NOOP x\r\n", 6),
        (b"t NOOPX\r\n", 2),
        (b"t ID\r\n", 4),
        (b't ID ("a")\r\n', 9),
        (b"t ID NIL extra\r\n", 8),
        (b"t CAPABILITY\r\nx", 14),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert info.value.offset == offset
    assert info.value.tag == "t"
