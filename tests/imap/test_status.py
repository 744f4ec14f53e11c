"""STATUS (RFC 9051 §6.3.11, §7.3.3; RFC 3501 §6.3.10; RFC 7162 §3.1.7; RFC 9208 §4.1.4;
RFC 5819): item lists and the STATUS response."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._status import (
    StatusAtt,
    StatusResponse,
    read_status_att,
    read_status_att_list,
    read_status_response,
    write_status_att_list,
    write_status_response,
)
from pymailproto.imap._values import LiteralSupport, WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_query as q

PLAIN = WireOptions()


def parse(data: bytes, *, utf8: bool = False) -> StatusResponse:
    reader = Reader(data + b"\r\n", utf8=utf8)
    value = read_status_response(reader, utf8=utf8)
    reader.finish()
    return value


def wire(value: StatusResponse, options: WireOptions = PLAIN) -> bytes:
    writer = Writer(options)
    value.write(writer)
    return writer.to_bytes()


def atts(data: bytes) -> tuple[StatusAtt, ...]:
    reader = Reader(data + b"\r\n")
    value = read_status_att_list(reader)
    reader.finish()
    return value


# --- the RFCs' STATUS commands --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected", "canonical"),
    [
        # RFC 9051 §6.3.11, RFC 3501 §6.3.10
        (b"(UIDNEXT MESSAGES)", (StatusAtt.UIDNEXT, StatusAtt.MESSAGES), None),
        # RFC 7162 §3.1.7
        (
            b"(UIDNEXT MESSAGES HIGHESTMODSEQ)",
            (StatusAtt.UIDNEXT, StatusAtt.MESSAGES, StatusAtt.HIGHESTMODSEQ),
            None,
        ),
        # RFC 9208 §4.1.4
        (
            b"(MESSAGES DELETED DELETED-STORAGE)",
            (StatusAtt.MESSAGES, StatusAtt.DELETED, StatusAtt.DELETED_STORAGE),
            None,
        ),
        # RFC 9051 §7.1 (CLIENTBUG): "k2 status "/archive/projects/experiment-iv" (messages)"
        (b"(messages)", (StatusAtt.MESSAGES,), b"(MESSAGES)"),
        # RFC 5819 §3: the STATUS return option's list
        (b"(MESSAGES UNSEEN)", (StatusAtt.MESSAGES, StatusAtt.UNSEEN), None),
        # every item
        (
            b"(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ "
            b"DELETED-STORAGE MAILBOXID)",
            tuple(StatusAtt),
            None,
        ),
    ],
)
def test_rfc_status_commands(
    data: bytes, expected: tuple[StatusAtt, ...], canonical: bytes | None
) -> None:
    assert atts(data) == expected
    writer = Writer()
    write_status_att_list(writer, expected)
    assert writer.to_bytes() == (canonical or data)


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b"()", 1, "status data item"),
        (b"(MESSAGES APPENDLIMIT)", 10, "status data item"),
        (b"(MESSAGES", 9, '")"'),
        (b"MESSAGES", 0, '"("'),
        (b"(MESSAGES  UNSEEN)", 10, "status data item"),
    ],
)
def test_status_att_list_errors(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        atts(data)
    assert info.value.offset == offset
    assert message in info.value.message


def test_status_att_list_validation() -> None:
    with pytest.raises(IMAPValueError):
        write_status_att_list(Writer(), [])
    with pytest.raises(IMAPValueError):
        write_status_att_list(Writer(), ["MESSAGES"])  # type: ignore[list-item]
    assert read_status_att(Reader(b"deleted-storage")) is StatusAtt.DELETED_STORAGE
    assert StatusAtt.DELETED_STORAGE.field == "deleted_storage"


# --- the RFCs' STATUS responses -------------------------------------------------------------------

RESPONSES: list[tuple[bytes, StatusResponse, bytes | None]] = [
    # RFC 9051 §6.3.11, §7.3.3; RFC 3501 §6.3.10, §7.2.4
    (
        b"STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)",
        StatusResponse("blurdybloop", messages=231, uidnext=44292),
        b'STATUS "blurdybloop" (MESSAGES 231 UIDNEXT 44292)',
    ),
    # RFC 7162 §3.1.7
    (
        b"STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)",
        StatusResponse("blurdybloop", messages=231, uidnext=44292, highestmodseq=7011231777),
        b'STATUS "blurdybloop" (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)',
    ),
    # RFC 9208 §4.1.4
    (
        b"STATUS INBOX (MESSAGES 12 DELETED 4 DELETED-STORAGE 8)",
        StatusResponse("INBOX", messages=12, deleted=4, deleted_storage=8),
        b'STATUS "INBOX" (MESSAGES 12 DELETED 4 DELETED-STORAGE 8)',
    ),
    # RFC 5819 §3, RFC 9051 §6.3.9.8 example 11
    (
        b'STATUS "INBOX" (MESSAGES 17 UNSEEN 16)',
        StatusResponse("INBOX", messages=17, unseen=16),
        None,
    ),
    (b'STATUS "foo" (MESSAGES 30 UNSEEN 29)', StatusResponse("foo", messages=30, unseen=29), None),
    (b'STATUS "INBOX" (MESSAGES 17)', StatusResponse("INBOX", messages=17), None),
    # RFC 3501 RECENT; an empty list; UIDVALIDITY; SIZE (RFC 9051)
    (
        b'STATUS "a b" (RECENT 0 UIDVALIDITY 3857529045 SIZE 9223372036854775807)',
        StatusResponse("a b", recent=0, uidvalidity=3857529045, size=2**63 - 1),
        None,
    ),
    (b'STATUS "x" ()', StatusResponse("x"), None),
    (b'STATUS "x" (X-ONLY 7)', StatusResponse("x", extensions=[("x-only", 7)]), None),
    # HIGHESTMODSEQ 0: no persistent mod-sequences (RFC 7162 §3.1.7); MAILBOXID (RFC 8474)
    (
        b'STATUS "INBOX" (HIGHESTMODSEQ 0 MAILBOXID (F2212ea87-6097-4256))',
        StatusResponse("INBOX", highestmodseq=0, mailboxid="F2212ea87-6097-4256"),
        None,
    ),
    # items in another order are written in StatusAtt order; names are case-insensitive
    (
        b"STATUS inbox (unseen 2 messages 3)",
        StatusResponse("INBOX", messages=3, unseen=2),
        b'STATUS "INBOX" (MESSAGES 3 UNSEEN 2)',
    ),
    # items of other extensions (RFC 9051 §9: "Extensions should use the generic syntax")
    (
        b'STATUS "x" (MESSAGES 1 APPENDLIMIT 1024 X-THING (a (b c)) X-SET 1:3)',
        StatusResponse(
            "x",
            messages=1,
            extensions=[
                ("APPENDLIMIT", 1024),
                ("X-THING", (b"a", (b"b", b"c"))),
                ("X-SET", SequenceSet([(1, 3)])),
            ],
        ),
        b'STATUS "x" (MESSAGES 1 APPENDLIMIT 1024 X-THING ("a" ("b" "c")) X-SET 1:3)',
    ),
]


@pytest.mark.parametrize(("data", "expected", "canonical"), RESPONSES)
def test_rfc_status_responses(
    data: bytes, expected: StatusResponse, canonical: bytes | None
) -> None:
    value = parse(data)
    assert value == expected
    assert wire(value) == (canonical or data)
    assert parse(wire(expected)) == expected


def test_accessors() -> None:
    status = StatusResponse("blurdybloop", messages=231, uidnext=44292, mailboxid="M1")
    assert status.get(StatusAtt.MESSAGES) == 231
    assert status.get(StatusAtt.UNSEEN) is None
    assert status.items() == [
        (StatusAtt.MESSAGES, 231),
        (StatusAtt.UIDNEXT, 44292),
        (StatusAtt.MAILBOXID, "M1"),
    ]
    writer = Writer()
    write_status_response(writer, status)
    assert writer.to_bytes() == b'STATUS "blurdybloop" (MESSAGES 231 UIDNEXT 44292 MAILBOXID (M1))'


def test_mailbox_names_follow_the_session() -> None:
    status = StatusResponse("Entwürfe", messages=1)
    assert wire(status) == b'STATUS "Entw&APw-rfe" (MESSAGES 1)'
    assert wire(status, WireOptions(utf8=True)) == 'STATUS "Entwürfe" (MESSAGES 1)'.encode()
    assert parse(b'STATUS "Entw&APw-rfe" (MESSAGES 1)') == status
    assert parse('STATUS "Entwürfe" (MESSAGES 1)'.encode(), utf8=True) == status
    assert StatusResponse("iNbOx").mailbox == "INBOX"
    # controls are fine in modified UTF-7 only (RFC 6855 §3)
    control = StatusResponse("a\x01b")
    assert wire(control) == b'STATUS "a&AAE-b" ()'
    with pytest.raises(IMAPValueError, match="RFC 6855"):
        wire(control, WireOptions(utf8=True))


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b'STATUS "x" (MESSAGES 1 MESSAGES 2)', 23, "twice"),
        (b'STATUS "x" (UIDNEXT 0)', 20, "nz-number"),
        (b'STATUS "x" (MESSAGES 4294967296)', 21, "4,294,967,295"),
        (b'STATUS "x" (HIGHESTMODSEQ -1)', 26, "mod-sequence-valzer"),
        (b'STATUS "x" (MAILBOXID abc)', 22, '"("'),
        (b'STATUS "x" (X-THING "a")', 20, ""),  # read leniently; the CRLF check passes
        (b'STATUS "x" (X-THING)', 19, "SP"),
        (b'STATUS "x" MESSAGES 1', 11, '"("'),
        (b"STATUS &Jjo (MESSAGES 1)", 7, "mailbox name"),
        (b'STATUS  "x" ()', 7, "astring"),
        (b'LIST "x" ()', 0, '"STATUS"'),
    ],
)
def test_status_response_errors(data: bytes, offset: int, message: str) -> None:
    if not message:
        assert parse(data).extensions == (("X-THING", b"a"),)
        return
    with pytest.raises(IMAPParseError) as info:
        parse(data)
    assert info.value.offset == offset, info.value.message
    assert message in info.value.message


@pytest.mark.parametrize(
    "build",
    [
        lambda: StatusResponse("x", messages=-1),
        lambda: StatusResponse("x", uidnext=0),
        lambda: StatusResponse("x", uidvalidity=2**32),
        lambda: StatusResponse("x", size=2**63),
        lambda: StatusResponse("x", highestmodseq=-1),
        lambda: StatusResponse("x", mailboxid="a b"),
        lambda: StatusResponse("x", messages=True),
        lambda: StatusResponse("x", extensions=[("MESSAGES", 1)]),
        lambda: StatusResponse("x", extensions=[("9X", 1)]),
        lambda: StatusResponse("x", extensions=[("", 1)]),
        lambda: StatusResponse("x", extensions=[("X!", 1)]),
        lambda: StatusResponse("x", extensions=[("Ä", 1)]),
        lambda: StatusResponse("x", extensions=[("X", b"text")]),
        lambda: StatusResponse("x", extensions=[(5, 1)]),  # type: ignore[list-item]
    ],
)
def test_constructor_validates(build: Callable[[], object]) -> None:
    with pytest.raises(IMAPValueError):
        build()


def test_constructor_refuses_non_str_mailbox() -> None:
    with pytest.raises(TypeError):
        StatusResponse(b"INBOX")  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------------


@given(q.status_att_lists)
def test_att_list_round_trip(value: list[StatusAtt]) -> None:
    writer = Writer()
    write_status_att_list(writer, value)
    assert atts(writer.to_bytes()) == tuple(value)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.tuples(
            st.builds(WireOptions, utf8=st.just(False), literals=st.sampled_from(LiteralSupport)),
            q.status_responses(s.mailbox_names),
        ),
        st.tuples(
            st.builds(WireOptions, utf8=st.just(True), literals=st.sampled_from(LiteralSupport)),
            q.status_responses(s.utf8_mailbox_names),
        ),
    )
)
def test_response_round_trip(pair: tuple[WireOptions, StatusResponse]) -> None:
    options, value = pair
    data = wire(value, options)
    parsed = parse(data, utf8=options.utf8)
    assert parsed == value
    assert wire(parsed, options) == data


@settings(max_examples=300, deadline=None)
@given(
    s.fuzz_bytes(
        b"STATUS ",
        b'"x" ',
        b"INBOX ",
        b"(",
        b")",
        b" ",
        b"MESSAGES ",
        b"HIGHESTMODSEQ ",
        b"MAILBOXID ",
        b"X-FOO ",
        b"5",
        b"1:*",
        b"&-",
        b"\xff",
    )
)
def test_fuzz(data: bytes) -> None:
    for utf8 in (False, True):
        reader = Reader(data, max_depth=4, utf8=utf8)
        try:
            value = read_status_response(reader, utf8=utf8)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:  # parse -> write -> parse is stable
            assert parse(wire(value, WireOptions(utf8=utf8)), utf8=utf8) == value
    try:
        read_status_att_list(Reader(data))
    except IMAPParseError as exc:
        assert 0 <= exc.offset <= len(data)
