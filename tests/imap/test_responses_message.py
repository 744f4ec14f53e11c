"""EXPUNGE, VANISHED and FETCH responses: known answers from the RFCs, the FETCH fast path against
the general one, bad items kept, streamed-literal placeholders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap import _body_parse, _envelope, _msg_att_fast
from pymailproto.imap._body import TextBody
from pymailproto.imap._envelope import Address, Envelope
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag
from pymailproto.imap._framing_events import LiteralSpan
from pymailproto.imap._lexer import Reader
from pymailproto.imap._msg_att import BodyKey, FetchData, FetchItemError, read_msg_att
from pymailproto.imap._quirks import Quirks
from pymailproto.imap._response_parser import _fetch_fast, parse_response
from pymailproto.imap._responses_message import (
    ExpungeResponse,
    FetchResponse,
    StreamedLiteral,
    VanishedResponse,
)
from pymailproto.imap._section import Section
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_fetch as f
from tests.imap import strategies_responses as sr


@contextmanager
def general_path() -> Iterator[None]:
    """Parse with the structure parsers' fast paths switched off."""
    _body_parse._FAST = _envelope._FAST = False
    try:
        yield
    finally:
        _body_parse._FAST = _envelope._FAST = True


def parse(data: bytes, **kwargs: object) -> object:
    """Parse a response both ways: the parser's fast path and, with every structure fast path
    off, the general grammar. Both must agree (errors included)."""
    kwargs.setdefault("quirks", Quirks.NONE)
    fast = sr.parse_one(data, **kwargs)
    with general_path():
        slow = sr.parse_one(data, **kwargs)
    assert sr.comparable([fast]) == sr.comparable([slow])
    return fast


# --- known answers --------------------------------------------------------------------------------

PDT = dt.timezone(dt.timedelta(hours=-7))
GRAY = (Address(name=b"Terry Gray", mailbox=b"gray", host=b"cac.washington.edu"),)
RFC3501_FETCH = (
    b'* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 '
    b'ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" '
    b'"cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" '
    b'"cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL '
    b'"KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>") BODY ("TEXT" "PLAIN" '
    b'("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))\r\n'
)
RFC3501_VALUE = FetchResponse(
    12,
    {
        "FLAGS": (Flag.SEEN,),
        "INTERNALDATE": dt.datetime(1996, 7, 17, 2, 44, 25, tzinfo=PDT),
        "RFC822.SIZE": 4286,
        "ENVELOPE": Envelope(
            date=b"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
            subject=b"IMAP4rev1 WG mtg summary and minutes",
            from_=GRAY,
            sender=GRAY,
            reply_to=GRAY,
            to=(Address(mailbox=b"imap", host=b"cac.washington.edu"),),
            cc=(
                Address(mailbox=b"minutes", host=b"CNRI.Reston.VA.US"),
                Address(name=b"John Klensin", mailbox=b"KLENSIN", host=b"MIT.EDU"),
            ),
            message_id=b"<B27397-0100000@cac.washington.edu>",
        ),
        "BODY": TextBody(
            b"TEXT",
            b"PLAIN",
            params=[(b"CHARSET", b"US-ASCII")],
            encoding=b"7BIT",
            octets=3028,
            lines=92,
        ),
    },
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # RFC 9051 §7.5.1, RFC 4315 §2.1
        (b"* 44 EXPUNGE\r\n", ExpungeResponse(44)),
        # RFC 7162 §3.2.10
        (
            b"* VANISHED (EARLIER) 300:310,405,411\r\n",
            VanishedResponse(SequenceSet.parse("300:310,405,411"), earlier=True),
        ),
        (b"* VANISHED 405,407,410,425\r\n", VanishedResponse(SequenceSet.parse("405,407,410,425"))),
        # RFC 9051 §7.5.2
        (
            b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827 UID 447)\r\n",
            FetchResponse(23, {"FLAGS": (Flag.SEEN,), "RFC822.SIZE": 44827, "UID": 447}),
        ),
        # RFC 3501 §8
        (RFC3501_FETCH, RFC3501_VALUE),
        # RFC 7162 §3.1.4.1
        (
            b"* 4 FETCH (UID 8 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk $MDNSent))\r\n",
            FetchResponse(
                4,
                {
                    "UID": 8,
                    "MODSEQ": 29738,
                    "FLAGS": (Flag("$NoJunk"), Flag("$AutoJunk"), Flag.MDN_SENT),
                },
            ),
        ),
    ],
)
def test_known_answers(data: bytes, expected: object) -> None:
    assert parse(data) == expected
    assert expected.to_bytes() == data  # type: ignore[attr-defined]


def test_a_literal_section() -> None:
    # RFC 9051 §8 (the header is 342 octets)
    header = b"Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n" + b"x" * 295 + b"\r\n"
    assert len(header) == 342
    data = b"* 12 FETCH (BODY[HEADER] {342}\r\n" + header + b")\r\n"
    response = parse(data)
    assert isinstance(response, FetchResponse)
    assert response.data.section("HEADER") == header
    assert response[BodyKey(Section.parse("HEADER"))] == header
    assert response.to_bytes() == data


# --- FETCH: the fast path and the general one agree -----------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.builds(FetchResponse, s.nz_numbers, f.fetch_data), s.wire_options)
def test_fast_and_general_paths_agree(response: FetchResponse, options: WireOptions) -> None:
    wire = response.to_bytes(options)
    assert parse(wire, utf8=options.utf8) == response


@pytest.mark.parametrize(
    "data",
    [
        # the fast items, spelled and valued every way the fast path does not take
        b'* 1 FETCH (INTERNALDATE "30-Feb-2021 10:00:00 +0000" UID 2)\r\n',
        b'* 1 FETCH (INTERNALDATE "01-Jan-0000 10:00:00 +0000" UID 2)\r\n',
        b'* 1 FETCH (INTERNALDATE "01-Jan-2021 10:00:60 +0000" UID 2)\r\n',
        b'* 1 FETCH (INTERNALDATE "01-JAN-2021 10:00:00 +0000" UID 2)\r\n',
        b'* 1 FETCH (INTERNALDATE "01-Jan-2021 10:00:00 +2460" UID 2)\r\n',
        b'* 1 FETCH (INTERNALDATE "01-Jan-2021 10:00:00 +1234" UID 2)\r\n',
        b'* 1 FETCH (internaldate "01-Jan-2021 10:00:00 +0000")\r\n',
        b"* 1 FETCH (FLAGS (\\Seen \\*) UID 2)\r\n",
        b"* 1 FETCH (FLAGS (\\Seen  \\Draft) UID 2)\r\n",
        b"* 1 FETCH (FLAGS (\\Seen\\Draft))\r\n",
        b"* 1 FETCH (UID 0)\r\n",
        b"* 1 FETCH (UID 4294967296)\r\n",
        b"* 1 FETCH (RFC822.SIZE 9223372036854775808)\r\n",
        b"* 1 FETCH (uid 5 Uid 6)\r\n",
        b"* 1 FETCH (UID 5(x))\r\n",
        b"* 1 FETCH (ENVELOPE NIL)\r\n",
        b"* 1 FETCH (BODYSTRUCTURE (x))\r\n",
        b"* 4294967295 FETCH (UID 1)\r\n",
        b"* 4294967296 FETCH (UID 1)\r\n",
        # bodies and envelopes the fast paths leave to the general one
        b'* 1 FETCH (BODY ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 9999999999 1))\r\n',
        b'* 1 FETCH (BODY ("APPLICATION" "X" NIL NIL NIL "7BIT" 9999999999))\r\n',
        b'* 1 FETCH (BODY (("APPLICATION" "X" NIL NIL NIL "7BIT" 10 20) "MIXED"))\r\n',
        b'* 1 FETCH (BODY ("APPLICATION" "X" NIL NIL NIL "7BIT" 10 20))\r\n',
        b'* 1 FETCH (BODY (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 9999999999 1) "MIXED"))\r\n',
        b'* 1 FETCH (BODY (("TEXT" "PL\\"AIN" NIL NIL NIL "7BIT" 1 1) "MIXED"))\r\n',
        b'* 1 FETCH (BODY (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MI\\\\XED"))\r\n',
        b'* 1 FETCH (ENVELOPE (NIL "a\\\\b" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n',
        b'* 1 FETCH (ENVELOPE (NIL {3}\r\na"b NIL NIL NIL NIL NIL NIL NIL NIL))\r\n',
    ],
)
def test_odd_items(data: bytes) -> None:
    parse(data)


def test_the_fast_path_caches_are_bounded() -> None:
    for n in range(_msg_att_fast._FLAG_LISTS_MAX + 5):
        assert parse(b"* 1 FETCH (FLAGS (k%d))\r\n" % n) == FetchResponse(
            1, {"FLAGS": (Flag(f"k{n}"),)}
        )
        assert len(_msg_att_fast._FLAG_LISTS) <= _msg_att_fast._FLAG_LISTS_MAX
    start = dt.date(1999, 1, 1)
    for n in range(_msg_att_fast._DATES_MAX + 5):
        day = start + dt.timedelta(days=n)
        text = day.strftime("%d-%b-%Y").encode()
        response = parse(b'* 1 FETCH (INTERNALDATE "%s 10:00:00 +0000")\r\n' % text)
        assert response.data.internaldate.date() == day  # type: ignore[attr-defined]
        assert len(_msg_att_fast._DATES) <= _msg_att_fast._DATES_MAX


def test_fetch_fast_leaves_other_responses() -> None:
    assert _fetch_fast(b"* 1 EXISTS\r\n", False, 100) is None
    assert _fetch_fast(b"* 99999999999 FETCH (UID 1)\r\n", False, 100) is None
    with pytest.raises(IMAPParseError):
        _fetch_fast(b"* 1 FETCH (UID 1)x\r\n", False, 100)


# --- FETCH: bad items, placeholders, construction -------------------------------------------------


def test_one_bad_item_does_not_discard_the_rest() -> None:
    response = parse(
        b'* 3 FETCH (UID 7 ENVELOPE ("d" "s" BAD NIL NIL NIL NIL NIL NIL NIL) FLAGS ())\r\n'
    )
    assert isinstance(response, FetchResponse)
    assert response.uid == 7
    assert response.data.flags == ()
    error = response.data["ENVELOPE"]
    assert isinstance(error, FetchItemError)
    assert "address list" in error.reason
    # kept as the generic value it was, it writes back as sent
    assert response.to_bytes().startswith(b'* 3 FETCH (UID 7 ENVELOPE ("d" "s" BAD NIL')


def test_an_item_that_cannot_be_skipped_fails_the_response() -> None:
    error = sr.parse_one(b'* 3 FETCH (UID 7 ENVELOPE ("d" "s (NIL NIL) FLAGS ())\r\n')
    assert isinstance(error, IMAPParseError)
    assert error.tag is None


def test_streamed_literal_placeholders_cannot_be_written() -> None:
    placeholder = StreamedLiteral(LiteralSpan(10, 5, streamed=True))
    data = object.__new__(FetchData)
    object.__setattr__(data, "_items", {BodyKey(): placeholder})
    response = object.__new__(FetchResponse)
    object.__setattr__(response, "number", 1)
    object.__setattr__(response, "data", data)
    with pytest.raises(IMAPValueError, match="streamed"):
        response.to_bytes()
    with pytest.raises(IMAPValueError):
        StreamedLiteral(LiteralSpan(10, 5))
    assert placeholder == StreamedLiteral(LiteralSpan(10, 5, streamed=True))
    assert placeholder != StreamedLiteral(LiteralSpan(11, 5, streamed=True))
    assert placeholder == StreamedLiteral(LiteralSpan(10, 5, streamed=True))
    assert bytes(placeholder) == b""
    import pickle

    assert pickle.loads(pickle.dumps(placeholder)) == placeholder


@pytest.mark.parametrize(
    "build",
    [
        lambda: ExpungeResponse(0),
        lambda: FetchResponse(0, {"UID": 1}),
        lambda: FetchResponse(1, {}),
        lambda: FetchResponse(1, {"UID": 0}),
        lambda: VanishedResponse(SequenceSet.parse("1:*")),
        lambda: VanishedResponse(SequenceSet.search_result()),
    ],
)
def test_invalid_values_cannot_be_built(build: object) -> None:
    with pytest.raises(IMAPValueError):
        build()  # type: ignore[operator]


def test_fetch_data_from_a_mapping() -> None:
    response = FetchResponse(1, {"uid": 5})
    assert response.data == FetchData({"UID": 5})
    assert response.uid == 5
    assert FetchResponse(1, response.data).data is response.data


@settings(max_examples=200, deadline=None)
@given(sr.message_responses())
def test_round_trip(response: object) -> None:
    assert parse_response(response.to_bytes()) == response  # type: ignore[attr-defined]


def test_read_msg_att_directly() -> None:
    reader = Reader(b'(UID 5 INTERNALDATE " 7-Jul-2021 10:00:00 +0000")\r\n')
    data = read_msg_att(reader)
    assert data.uid == 5
    assert data.internaldate == dt.datetime(2021, 7, 7, 10, tzinfo=dt.timezone.utc)


_PREFIX_VALUES = [
    (b"7", b"(\\Seen $Junk)", b'"04-Jan-2021 02:55:16 -0500"', b"45704"),
    (b"8", b"()", b'" 4-Jan-2021 22:37:36 -0400"', b"0"),
    (b"9", b"(\\Seen \\*)", b'"04-Jan-2021 02:55:16 -0500"', b"1"),  # FLAGS refused
    (b"9", b"(\\Seen)", b'"01-JAN-2021 10:00:00 +0000"', b"1"),  # a date the pattern leaves
    (b"9", b"(\\Seen)", b'"30-Feb-2021 10:00:00 +0000"', b"1"),
]


@pytest.mark.parametrize("values", _PREFIX_VALUES)
@pytest.mark.parametrize("gmail", [False, True])
@pytest.mark.parametrize("after", [b" MODSEQ (5))", b")"])
def test_the_four_items_in_one_match(
    values: tuple[bytes, bytes, bytes, bytes], gmail: bool, after: bytes
) -> None:
    # UID FLAGS INTERNALDATE RFC822.SIZE (Dovecot) or UID RFC822.SIZE INTERNALDATE FLAGS
    # (Gmail) at the start are read in one match: the same items, in the same order, as each
    # item read on its own.
    uid, flags, date, size = values
    items = [b"UID " + uid, b"FLAGS " + flags, b"INTERNALDATE " + date, b"RFC822.SIZE " + size]
    if gmail:
        items = [items[0], items[3], items[2], items[1]]
    if after != b")":
        items.append(after[1:-1])
    wire = b"* 1 FETCH (" + b" ".join(items) + b")\r\n"
    response = parse(wire)
    assert isinstance(response, FetchResponse)
    expected: dict[object, object] = {}
    for item in items:
        alone = parse(b"* 1 FETCH (" + item + b")\r\n")
        assert isinstance(alone, FetchResponse)
        expected.update(alone.data.items())
    assert list(response.data.items()) == list(expected.items())
    again = parse(wire)  # the FLAGS list remembered now
    assert isinstance(again, FetchResponse)
    assert list(again.data.items()) == list(expected.items())


@pytest.mark.parametrize("gmail", [False, True])
def test_the_four_items_leave_the_reader_as_it_was_when_refused(gmail: bool) -> None:
    items = [b"UID 9", b"FLAGS (\\Seen \\*)", b'INTERNALDATE "04-Jan-2021 02:55:16 -0500"']
    items += [b"RFC822.SIZE 1"]
    if gmail:
        items = [items[0], items[3], items[2], items[1]]
    data = b"(" + b" ".join(items) + b" MODSEQ (5))"
    reader = Reader(data, 1)
    reader.depth = 1
    found: dict[object, object] = {}
    assert _msg_att_fast.read_prefix(reader, 1, found) == 1
    assert (reader.pos, reader.depth, found) == (1, 1, {})
