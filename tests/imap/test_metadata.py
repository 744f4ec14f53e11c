"""METADATA (RFC 5464): GETMETADATA, SETMETADATA and both forms of the METADATA response.

RFC 5464 is not among the RFC texts on disk, so there are no RFC examples to replay; the known
answers below are built from the grammar the issue gives (see _metadata.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._metadata import (
    Depth,
    GetMetadata,
    GetMetadataOptions,
    MetadataResponse,
    SetMetadata,
    UnsolicitedMetadata,
    read_entry,
    read_getmetadata,
    read_metadata_response,
    read_setmetadata,
    write_getmetadata,
    write_metadata_response,
    write_setmetadata,
)
from pymailproto.imap._values import LiteralSupport, WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

# --- known answers --------------------------------------------------------------------------------

GETMETADATA = [
    # mailbox "" is the server; one entry is written bare
    (b'"" /private/comment', GetMetadata("", ["/private/comment"])),
    (
        b"INBOX (/shared/comment /private/comment)",
        GetMetadata("INBOX", ["/shared/comment", "/private/comment"]),
    ),
    (
        b"(MAXSIZE 1024) INBOX /shared/comment",
        GetMetadata("INBOX", ["/shared/comment"], GetMetadataOptions(maxsize=1024)),
    ),
    (
        b"(DEPTH 1) INBOX /private/filters/values",
        GetMetadata("INBOX", ["/private/filters/values"], GetMetadataOptions(depth=Depth.ONE)),
    ),
    (
        b'(MAXSIZE 0 DEPTH infinity) "" (/private /shared/vendor/x)',
        GetMetadata("", ["/private", "/shared/vendor/x"], GetMetadataOptions(0, Depth.INFINITY)),
    ),
    (
        b"(DEPTH 0) INBOX /shared",
        GetMetadata("INBOX", ["/shared"], GetMetadataOptions(None, Depth.ZERO)),
    ),
    (b'INBOX "/shared/a b"', GetMetadata("INBOX", [b"/shared/a b"])),
]


@pytest.mark.parametrize(("data", "expected"), GETMETADATA)
def test_getmetadata(data: bytes, expected: GetMetadata) -> None:
    line = b"A1 GETMETADATA " + data + b"\r\n"
    assert x.read_in_line(read_getmetadata, line, b"A1 GETMETADATA ", utf8=False) == expected
    assert x.written(write_getmetadata, expected) == data


SETMETADATA = [
    (b'INBOX (/private/comment "My new comment")', [("/private/comment", "My new comment")]),
    (b"INBOX (/private/comment NIL)", [("/private/comment", None)]),  # NIL removes the entry
    (
        b'"" (/shared/comment "a" /private/comment {8}\r\nb\r\nc d e)',
        [("/shared/comment", "a"), ("/private/comment", "b\r\nc d e")],
    ),
    # value = nstring / literal8: a value with NUL travels as a literal8
    (b"INBOX (/private/x ~{3}\r\na\x00b)", [("/private/x", b"a\x00b")]),
]


@pytest.mark.parametrize(("data", "items"), SETMETADATA)
def test_setmetadata(data: bytes, items: list[tuple[str, str | bytes | None]]) -> None:
    line = b"A2 SETMETADATA " + data + b"\r\n"
    expected = SetMetadata(data.split(b" ")[0].strip(b'"').decode(), items)
    assert x.read_in_line(read_setmetadata, line, b"A2 SETMETADATA ", utf8=False) == expected
    assert x.written(write_setmetadata, expected) == data


METADATA_RESPONSES = [
    (
        b'INBOX (/private/comment "My comment" /shared/comment "Its sunny outside!")',
        MetadataResponse(
            "INBOX",
            {"/private/comment": "My comment", "/shared/comment": "Its sunny outside!"},
        ),
    ),
    (b'"" (/shared/comment NIL)', MetadataResponse("", [("/shared/comment", None)])),
    (b"INBOX (/shared/x ~{1}\r\n\x00)", MetadataResponse("INBOX", [("/shared/x", b"\x00")])),
    # the unsolicited form: entries only
    (
        b"INBOX /shared/comment /private/comment",
        UnsolicitedMetadata("INBOX", ["/shared/comment", "/private/comment"]),
    ),
    (b'"" /shared/comment', UnsolicitedMetadata("", ["/shared/comment"])),
]


@pytest.mark.parametrize(("data", "expected"), METADATA_RESPONSES)
def test_metadata_responses(data: bytes, expected: MetadataResponse | UnsolicitedMetadata) -> None:
    line = b"* METADATA " + data + b"\r\n"
    assert x.read_in_line(read_metadata_response, line, b"* METADATA ", utf8=False) == expected
    assert x.written(write_metadata_response, expected) == data


# --- details --------------------------------------------------------------------------------------


def test_reading_is_case_insensitive_and_writing_canonical() -> None:
    value = x.read_whole(read_getmetadata, b"(maxsize 5 depth INFINITY) inbox (/a)", utf8=False)
    assert value == GetMetadata("INBOX", [b"/a"], GetMetadataOptions(5, Depth.INFINITY))
    assert x.written(write_getmetadata, value) == b"(MAXSIZE 5 DEPTH infinity) INBOX /a"


def test_values_take_their_cheapest_form() -> None:
    value = SetMetadata("INBOX", [("/a", "NIL"), ("/b", b""), ("/c", "caf\u00e9")])
    assert x.written(write_setmetadata, value) == (b'INBOX (/a "NIL" /b "" /c {5}\r\ncaf\xc3\xa9)')
    assert x.written(write_setmetadata, value, WireOptions(utf8=True)) == (
        'INBOX (/a "NIL" /b "" /c "caf\u00e9")'.encode()
    )
    binary = SetMetadata("INBOX", [("/a", b"\x00")])
    plus = WireOptions(literals=LiteralSupport.LITERAL_PLUS)
    assert x.written(write_setmetadata, binary, plus) == b"INBOX (/a ~{1+}\r\n\x00)"


def test_entries_take_their_cheapest_form() -> None:
    value = UnsolicitedMetadata("INBOX", [b"/a*", b"/b\r\n"])
    assert x.written(write_metadata_response, value) == b'INBOX "/a*" {4}\r\n/b\r\n'
    assert x.read_whole(read_metadata_response, b'INBOX "/a*" {4}\r\n/b\r\n', utf8=False) == value


def test_mailbox_names_follow_the_session() -> None:
    value = GetMetadata("Entw\u00fcrfe", ["/private/comment"])
    assert x.written(write_getmetadata, value) == b"Entw&APw-rfe /private/comment"
    utf8 = '"Entw\u00fcrfe" /private/comment'.encode()
    assert x.written(write_getmetadata, value, WireOptions(utf8=True)) == utf8
    assert x.read_whole(read_getmetadata, b"Entw&APw-rfe /private/comment", utf8=False) == value
    assert x.read_whole(read_getmetadata, utf8, utf8=True) == value


def test_constructors_validate() -> None:
    with pytest.raises(IMAPValueError, match='starts with "/"'):
        GetMetadata("INBOX", ["private/comment"])
    with pytest.raises(IMAPValueError, match="at least one"):
        GetMetadata("INBOX", [])
    with pytest.raises(TypeError):
        GetMetadata("INBOX", "/private/comment")
    with pytest.raises(IMAPValueError, match="NUL"):
        GetMetadata("INBOX", [b"/a\x00"])
    with pytest.raises(IMAPValueError):
        GetMetadata("INBOX", ["/a"], {"maxsize": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        GetMetadata(b"INBOX", ["/a"])  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        GetMetadata("a\ud800", ["/a"])
    with pytest.raises(IMAPValueError):
        GetMetadataOptions(maxsize=-1)
    with pytest.raises(IMAPValueError):
        GetMetadataOptions(maxsize=2**32)
    with pytest.raises(IMAPValueError):
        GetMetadataOptions(depth="1")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError, match="at least one"):
        SetMetadata("INBOX", [])
    with pytest.raises(IMAPValueError, match='starts with "/"'):
        SetMetadata("INBOX", {"comment": "x"})
    with pytest.raises(IMAPValueError, match="at least one"):
        MetadataResponse("INBOX", {})
    with pytest.raises(IMAPValueError, match="at least one"):
        UnsolicitedMetadata("INBOX", [])
    assert GetMetadata("inbox", ["/a"]).mailbox == "INBOX"
    assert SetMetadata("", {b"/a": b"x"}).items == ((b"/a", b"x"),)


def test_writers_refuse_other_things() -> None:
    for write in (write_getmetadata, write_setmetadata, write_metadata_response):
        with pytest.raises(IMAPValueError):
            x.written(write, "INBOX")  # type: ignore[arg-type]


def test_read_entry() -> None:
    assert x.read_whole(read_entry, b"/private/comment") == b"/private/comment"
    assert x.read_whole(read_entry, b'"/private/a b"') == b"/private/a b"
    reader = Reader(b"private")
    with pytest.raises(IMAPParseError, match='starting with "/"') as info:
        read_entry(reader)
    assert info.value.offset == 0
    assert reader.pos == 0


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "astring"),
        (b"INBOX", 5, "SP"),
        (b"INBOX comment", 6, 'starting with "/"'),
        (b"INBOX ()", 7, "astring"),  # at least one entry
        (b"INBOX (/a /b", 12, '"\\)"'),
        (b"INBOX (/a  /b)", 10, "astring"),
        (b"() INBOX /a", 1, "getmetadata-option"),  # at least one option
        (b"(FOO 1) INBOX /a", 1, "getmetadata-option"),
        (b"(MAXSIZE) INBOX /a", 8, "SP"),
        (b"(MAXSIZE x) INBOX /a", 9, "number"),
        (b"(MAXSIZE 4294967296) INBOX /a", 9, "beyond"),
        (b"(DEPTH 2) INBOX /a", 7, '"infinity"'),
        (b"(DEPTH inf) INBOX /a", 7, '"infinity"'),
        (b"(DEPTH ) INBOX /a", 7, '"infinity"'),
        (b"(DEPTH 0 DEPTH 1) INBOX /a", 9, "DEPTH given twice"),
        (b"(MAXSIZE 1 MAXSIZE 1) INBOX /a", 11, "MAXSIZE given twice"),
        (b"(MAXSIZE 1)INBOX /a", 11, "SP"),
        (b"(MAXSIZE 1 ) INBOX /a", 11, "getmetadata-option"),
        (b"INBOX (MAXSIZE 1) /a", 7, 'starting with "/"'),  # options come first
    ],
)
def test_read_getmetadata_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_getmetadata(Reader(data), utf8=False)
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"INBOX /a", 6, '"\\("'),
        (b"INBOX ()", 7, "astring"),
        (b"INBOX (/a)", 9, "SP"),
        (b"INBOX (/a )", 10, "nstring"),
        (b'INBOX (a "x")', 7, 'starting with "/"'),
        (b'INBOX (/a "x" /b)', 16, "SP"),
        (b"INBOX (/a ~{5}\r\nx)", 16, "runs past"),
        (b'INBOX (/a "x"', 13, '"\\)"'),
    ],
)
def test_read_setmetadata_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_setmetadata(Reader(data), utf8=False)
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"INBOX", 5, "SP"),
        (b"INBOX comment", 6, 'starting with "/"'),
        (b"INBOX /a b", 9, 'starting with "/"'),
        (b"INBOX /a ", 9, "astring"),
        (b"INBOX (/a)", 9, "SP"),
        (b"&Jjo! /a", 0, "invalid mailbox name"),
    ],
)
def test_read_metadata_response_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_metadata_response(Reader(data), utf8=False)
    assert info.value.offset == offset


def test_lists_count_towards_the_nesting_limit() -> None:
    with pytest.raises(IMAPParseError, match="nested deeper than 0"):
        read_setmetadata(Reader(b'INBOX (/a "x")', max_depth=0), utf8=False)


# --- round trips and fuzzing ----------------------------------------------------------------------


@given(x.metadata_commands(utf8=False), s.wire_options.map(lambda o: o.literals))
def test_command_round_trip(value: GetMetadata | SetMetadata, literals: LiteralSupport) -> None:
    options = WireOptions(utf8=False, literals=literals)
    if isinstance(value, GetMetadata):
        data = x.written(write_getmetadata, value, options)
        assert x.read_whole(read_getmetadata, data, utf8=False) == value
    else:
        data = x.written(write_setmetadata, value, options)
        assert x.read_whole(read_setmetadata, data, utf8=False) == value


@given(x.metadata_commands(utf8=True))
def test_command_round_trip_utf8(value: GetMetadata | SetMetadata) -> None:
    options = WireOptions(utf8=True)
    if isinstance(value, GetMetadata):
        data = x.written(write_getmetadata, value, options)
        assert x.read_whole(read_getmetadata, data, utf8=True) == value
    else:
        data = x.written(write_setmetadata, value, options)
        assert x.read_whole(read_setmetadata, data, utf8=True) == value


@given(x.metadata_responses(utf8=False), s.wire_options.map(lambda o: o.literals))
def test_response_round_trip(
    value: MetadataResponse | UnsolicitedMetadata, literals: LiteralSupport
) -> None:
    options = WireOptions(utf8=False, literals=literals)
    data = x.written(write_metadata_response, value, options)
    assert x.read_whole(read_metadata_response, data, utf8=False) == value


@given(x.metadata_responses(utf8=True))
def test_response_round_trip_utf8(value: MetadataResponse | UnsolicitedMetadata) -> None:
    data = x.written(write_metadata_response, value, WireOptions(utf8=True))
    parsed = x.read_whole(read_metadata_response, data, utf8=True)
    assert parsed == value
    assert x.written(write_metadata_response, parsed, WireOptions(utf8=True)) == data


@settings(max_examples=300, deadline=None)
@given(
    s.fuzz_bytes(
        b"INBOX",
        b'""',
        b" ",
        b"(",
        b")",
        b"/a",
        b"NIL",
        b"MAXSIZE 1",
        b"DEPTH infinity",
        b"~{1}\r\n\x00",
        b'"x"',
    )
)
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    # each reader returns a value -- which, written, reads back the same -- or raises
    for read, write in (
        (read_getmetadata, write_getmetadata),
        (read_setmetadata, write_setmetadata),
        (read_metadata_response, write_metadata_response),
    ):
        for utf8 in (False, True):
            try:
                value = read(Reader(data, max_depth=4), utf8=utf8)
            except IMAPParseError as exc:
                assert 0 <= exc.offset <= len(data)
            else:
                written = x.written(write, value, WireOptions(utf8=utf8))  # type: ignore[arg-type]
                assert x.read_whole(read, written, utf8=utf8) == value
