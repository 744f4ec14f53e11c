"""The VANISHED response (RFC 7162 §3.2.10)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._vanished import Vanished, read_vanished, write_vanished
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

START = b"* VANISHED "

# Every VANISHED response in RFC 7162.
RFC_EXAMPLES = [
    # §3.2.5.1
    b"(EARLIER) 41,43:116,118,120:211,214:540",
    # §3.2.5.2, with its "[...]," elision left out
    b"(EARLIER) 1:2,4:5,7:8,10:11,13:14,29668:29669,29671:29996",
    # §3.2.6
    b"(EARLIER) 300:310,405,411",
    # §3.2.7
    b"405,407,410,425",
    # §3.2.10.2
    b"505,507,510,625",
    b"504,508",
    b"1",
    b"3",
    b"5",
    # §6
    b"8",
    b"(EARLIER) 1:5,7:8,10:15",
]


@pytest.mark.parametrize("data", RFC_EXAMPLES)
def test_rfc_examples(data: bytes) -> None:
    vanished = x.read_in_line(read_vanished, START + data + b"\r\n", START)
    earlier = data.startswith(b"(EARLIER) ")
    assert vanished.earlier is earlier
    assert vanished.uids == SequenceSet.parse(data.removeprefix(b"(EARLIER) "))
    assert str(vanished.uids) == data.removeprefix(b"(EARLIER) ").decode()
    assert x.written(write_vanished, vanished) == data


def test_values() -> None:
    value = x.read_whole(read_vanished, b"(EARLIER) 41,43:116")
    assert value == Vanished(SequenceSet([41, (43, 116)]), earlier=True)
    assert list(value.uids.ids())[:3] == [41, 43, 44]
    assert value.uids.count() == 75
    # the order of the UIDs is kept as sent
    assert str(x.read_whole(read_vanished, b"9,3:1").uids) == "9,3:1"


def test_earlier_in_any_case() -> None:
    # RFC 7162 §7: "all alphabetic characters are case-insensitive"
    value = x.read_whole(read_vanished, b"(earlier) 1")
    assert value == Vanished(SequenceSet([1]), True)
    assert x.written(write_vanished, value) == b"(EARLIER) 1"


def test_constructor_validates() -> None:
    # known-uids: "Sequence of UIDs; "*" is not allowed."
    with pytest.raises(IMAPValueError, match="known-uids"):
        Vanished(SequenceSet([(1, "*")]))
    with pytest.raises(IMAPValueError, match="known-uids"):
        Vanished(SequenceSet.search_result())
    with pytest.raises(IMAPValueError):
        Vanished("1:3")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        Vanished(SequenceSet([1]), 1)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        x.written(write_vanished, SequenceSet([1]))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "uid-set"),
        (b"*", 0, "uid-set"),
        (b"$", 0, "uid-set"),
        (b"1:*", 2, "a uid-set has no"),
        (b"0", 0, "uid-set"),
        (b"1,", 2, "uniqueid"),
        (b"(EARLIER)", 9, "SP"),
        (b"(EARLIER)1", 9, "SP"),
        (b"(EARLIER) ", 10, "uid-set"),
        (b"(EARLY) 1", 1, '"EARLIER"'),
        (b"(EARLIERS) 1", 1, '"EARLIER"'),
        (b"(EARLIER 1", 8, '"\\)"'),
        (b"EARLIER 1", 0, "uid-set"),
        (b"4294967296", 0, "beyond"),
    ],
)
def test_read_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_vanished(Reader(data))
    assert info.value.offset == offset


@given(x.vanished)
def test_round_trip(value: Vanished) -> None:
    data = x.written(write_vanished, value)
    parsed = x.read_whole(read_vanished, data)
    assert parsed == value
    assert str(parsed.uids) == str(value.uids)
    assert x.written(write_vanished, parsed) == data


@settings(max_examples=300, deadline=None)
@given(
    s.fuzz_bytes(b"(EARLIER)", b"(earlier)", b" ", b"1", b":", b",", b"*", b"$", b"0", b"(", b")")
)
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    reader = Reader(data)
    try:
        value = read_vanished(reader)
    except IMAPParseError as exc:
        assert 0 <= exc.offset <= len(data)
    else:
        # what was read is written back in canonical form (EARLIER upper-cased, "1:1" as
        # "1"), which reads back as the same value
        written = x.written(write_vanished, value)
        assert x.read_whole(read_vanished, written) == value
