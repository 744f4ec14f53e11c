"""FETCH data items and message attributes (RFC 9051 §6.4.5, §7.5.2, §9; RFC 3501; RFC 7162;
RFC 8474; RFC 8970): the RFCs' examples, skipping a bad item, unknown items, FetchData, round
trips and fuzzing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings

from pymailproto.imap import _fetch, _msg_att
from pymailproto.imap._body import BasicBody, Extension, MultipartBody, TextBody
from pymailproto.imap._envelope import Address, Envelope
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._fetch import (
    BinaryKey,
    BinarySection,
    BinarySize,
    BodyKey,
    BodySection,
    FetchAtt,
    FetchAttribute,
    FetchData,
    FetchItemError,
    FetchMacro,
    GenericValue,
    MessageAttributes,
    read_fetch_att,
    read_fetch_atts,
    read_generic_value,
    read_msg_att,
    write_fetch_att,
    write_fetch_atts,
    write_generic_value,
    write_msg_att,
)
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._section import Partial, Section, SectionText
from pymailproto.imap._values import Literal, WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_fetch as sf

A = FetchAttribute
HEADER = Section((), SectionText.HEADER)


def atts_bytes(
    value: FetchMacro | tuple[FetchAtt, ...], options: WireOptions | None = None
) -> bytes:
    writer = Writer(options or WireOptions())
    write_fetch_atts(writer, value)
    return writer.to_bytes()


def msg_att_bytes(data: FetchData, options: WireOptions | None = None) -> bytes:
    writer = Writer(options or WireOptions())
    write_msg_att(writer, data)
    return writer.to_bytes()


def parse_atts(data: bytes) -> FetchMacro | tuple[FetchAtt, ...]:
    reader = Reader(data)
    value = read_fetch_atts(reader)
    assert reader.at_end()
    return value


def parse_msg_att(data: bytes, **kwargs: object) -> FetchData:
    reader = Reader(data, **kwargs)  # type: ignore[arg-type]
    value = read_msg_att(reader)
    assert reader.at_end()
    assert reader.depth == 0
    return value


# --- requests: the RFCs' examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "value", "canonical"),
    [
        # RFC 9051 §6.4.5: C: A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])
        (
            b"(FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
            (A.FLAGS, BodySection(Section((), SectionText.HEADER_FIELDS, (b"DATE", b"FROM")))),
            None,
        ),
        # RFC 9051 §6.4.4.1: C: A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])
        (
            b"(UID INTERNALDATE FLAGS BODY.PEEK[HEADER])",
            (A.UID, A.INTERNALDATE, A.FLAGS, BodySection(HEADER, peek=True)),
            None,
        ),
        # RFC 9051 §8: C: a003 fetch 12 full / C: a004 fetch 12 body[header]
        (b"full", FetchMacro.FULL, b"FULL"),
        (b"body[header]", (BodySection(HEADER),), b"BODY[HEADER]"),
        # RFC 9051 §6.3.2: C: A003 FETCH 4 ALL
        (b"ALL", FetchMacro.ALL, None),
        (b"FAST", FetchMacro.FAST, None),
        # RFC 9051 §6.4.9: C: A999 UID FETCH 4827313:4828442 FLAGS
        (b"FLAGS", (A.FLAGS,), None),
        # RFC 7162 §3.1.4: C: a FETCH 1:3 (MODSEQ)
        (b"(MODSEQ)", (A.MODSEQ,), b"MODSEQ"),
        # RFC 9051 §6.4.5: BODY[]<0.2048>; BINARY forms
        (b"BODY[]<0.2048>", (BodySection(Section(), Partial(0, 2048)),), None),
        (
            b"(BINARY.PEEK[1]<100.200> BINARY[] BINARY.SIZE[4.2])",
            (
                BinarySection((1,), Partial(100, 200), peek=True),
                BinarySection(),
                BinarySize((4, 2)),
            ),
            None,
        ),
        # RFC 3501 §6.4.5 items, and the extensions'
        (
            b"(RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE)",
            (
                A.RFC822,
                A.RFC822_HEADER,
                A.RFC822_TEXT,
                A.RFC822_SIZE,
                A.ENVELOPE,
                A.BODY,
                A.BODYSTRUCTURE,
            ),
            None,
        ),
        (b"(EMAILID THREADID)", (A.EMAILID, A.THREADID), None),
        (b"(UID PREVIEW)", (A.UID, A.PREVIEW), None),
        (b"(UID PREVIEW (lazy))", (A.UID, A.PREVIEW_LAZY), b"(UID PREVIEW (LAZY))"),
        (b"PREVIEW (LAZY)", (A.PREVIEW_LAZY,), None),
    ],
)
def test_fetch_atts(
    wire: bytes, value: FetchMacro | tuple[FetchAtt, ...], canonical: bytes | None
) -> None:
    assert parse_atts(wire) == value
    assert atts_bytes(value) == (canonical or wire)


def test_macros_expand() -> None:
    # RFC 9051 §6.4.5
    assert FetchMacro.ALL.expand() == (A.FLAGS, A.INTERNALDATE, A.RFC822_SIZE, A.ENVELOPE)
    assert FetchMacro.FAST.expand() == (A.FLAGS, A.INTERNALDATE, A.RFC822_SIZE)
    assert FetchMacro.FULL.expand() == (*FetchMacro.ALL.expand(), A.BODY)
    assert str(FetchMacro.FULL) == "FULL"
    assert str(A.RFC822_SIZE) == "RFC822.SIZE"
    assert {"RFC822.SIZE": 1}[A.RFC822_SIZE] == 1


def test_fetch_modifiers_are_left_alone() -> None:
    # RFC 7162 §3.1.4.1: C: s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)
    reader = Reader(b"(FLAGS) (CHANGEDSINCE 12345)")
    assert read_fetch_atts(reader) == (A.FLAGS,)
    assert reader.pos == 7
    # a "(" after PREVIEW that is not "(LAZY)" is the modifiers' (RFC 4466)
    reader = Reader(b"PREVIEW (CHANGEDSINCE 5)")
    assert read_fetch_atts(reader) == (A.PREVIEW,)
    assert reader.pos == 7
    reader = Reader(b"PREVIEW (LAZY")
    assert read_fetch_att(reader) == A.PREVIEW
    assert reader.pos == 7


def test_response_keys_of_requests() -> None:
    assert BodySection(HEADER, Partial(0, 2048), peek=True).key == BodyKey(HEADER, 0)
    assert BodySection().key == BodyKey()
    assert BinarySection((1,), Partial(5, 1)).key == BinaryKey((1,), 5)
    assert BinarySection((2,)).key == BinaryKey((2,))
    assert str(BodyKey(HEADER, 0)) == "BODY[HEADER]<0>"
    assert str(BinaryKey((1, 2), 7)) == "BINARY[1.2]<7>"
    assert str(BinarySize((3,))) == "BINARY.SIZE[3]"


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "keyword"),
        (b"()", 1, "fetch-att"),
        (b"(FLAGS", 6, '")"'),
        (b"(FLAGS  UID)", 7, "keyword"),
        (b"FOO", 0, "fetch-att"),
        (b"(FLAGS ALL)", 7, "fetch-att"),  # a macro must be used by itself
        (b"BODY.PEEK", 0, "fetch-att"),
        (b"BODY.PEEK HEADER", 0, "fetch-att"),
        (b"BODY[1.0]", 7, "nz-number"),
        (b"BODY[]<0.0>", 9, "nz-number64"),
        (b"BODY[]<5>", 8, '"."'),
        (b"BINARY", 6, '"["'),
        (b"BINARY[HEADER]", 7, "nz-number"),
        (b"BINARY.SIZE[]<0.1>", 0, None),  # BINARY.SIZE takes no partial: the list ends there
        (b"BODYSTRUCTURE[]", 0, None),
    ],
)
def test_fetch_att_errors(data: bytes, offset: int, expected: str | None) -> None:
    reader = Reader(data)
    if expected is None:
        read_fetch_atts(reader)
        assert not reader.at_end()
        return
    with pytest.raises(IMAPParseError) as info:
        read_fetch_atts(reader)
    assert info.value.offset == offset
    assert expected in info.value.message


def test_read_fetch_att_leaves_the_reader_on_error() -> None:
    reader = Reader(b"BODY[1.0]")
    with pytest.raises(IMAPParseError):
        read_fetch_att(reader)
    assert reader.pos == 0
    # the request PREVIEW (LAZY) is not spelled as one keyword
    with pytest.raises(IMAPParseError, match="keyword"):
        read_fetch_att(Reader(b"(LAZY)"))


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: BodySection("HEADER"), "not a Section"),  # type: ignore[arg-type]
        (lambda: BodySection(HEADER, (0, 1)), "not a Partial"),  # type: ignore[arg-type]
        (lambda: BinarySection((0,)), "nz-numbers"),
        (lambda: BinarySection((1,), (0, 1)), "not a Partial"),  # type: ignore[arg-type]
        (lambda: BinarySize((2**32,)), "nz-numbers"),
        (lambda: BodyKey(HEADER, -1), "number64"),
        (lambda: BodyKey("HEADER"), "not a Section"),  # type: ignore[arg-type]
        (lambda: BinaryKey((1,), 2**63), "number64"),
        (lambda: write_fetch_atts(Writer(), ()), "at least one"),
        (lambda: write_fetch_att(Writer(), "FLAGS"), "not a fetch-att"),  # type: ignore[arg-type]
    ],
)
def test_request_values_refuse(build: object, match: str) -> None:
    with pytest.raises(IMAPValueError, match=match):
        build()  # type: ignore[operator]


# --- responses: the RFCs' examples ----------------------------------------------------------------

TERRY = Address(b"Terry Gray", None, b"gray", b"cac.washington.edu")
HEADER_342 = (
    b"Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
    b"From: Terry Gray <gray@cac.washington.edu>\r\n"
    b"Subject: IMAP4rev1 WG mtg summary and minutes\r\n"
    b"To: imap@cac.washington.edu\r\n"
    b"cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n"
    b"Message-Id: <B27397-0100000@cac.washington.edu>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
    b"\r\n"
)
SEEN = (Flag.SEEN,)


@pytest.mark.parametrize(
    ("wire", "items"),
    [
        # RFC 9051 §7.5.2: S: * 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827 UID 447)
        (
            b"(FLAGS (\\Seen) RFC822.SIZE 44827 UID 447)",
            {"FLAGS": SEEN, "RFC822.SIZE": 44827, "UID": 447},
        ),
        # RFC 3501 §7.4.2: S: * 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827)
        (b"(FLAGS (\\Seen) RFC822.SIZE 44827)", {"FLAGS": SEEN, "RFC822.SIZE": 44827}),
        # RFC 9051 §6.4.9: S: * 23 FETCH (FLAGS (\Seen) UID 4827313)
        (b"(FLAGS (\\Seen) UID 4827313)", {"FLAGS": SEEN, "UID": 4827313}),
        # RFC 9051 §6.4.6 (STORE): S: * 4 FETCH (FLAGS (\Deleted \Flagged \Seen))
        (
            b"(FLAGS (\\Deleted \\Flagged \\Seen))",
            {"FLAGS": (Flag.DELETED, Flag.FLAGGED, Flag.SEEN)},
        ),
        # RFC 9051 §8: S: * 12 FETCH (FLAGS (\Seen \Deleted))
        (b"(FLAGS (\\Seen \\Deleted))", {"FLAGS": (Flag.SEEN, Flag.DELETED)}),
        # RFC 9051 §2.3.1.1: S: * 14 FETCH (UID 1305 FLAGS (\Seen \Deleted))
        (b"(UID 1305 FLAGS (\\Seen \\Deleted))", {"UID": 1305, "FLAGS": (Flag.SEEN, Flag.DELETED)}),
        # RFC 3501 \Recent (obsolete-flag-recent) and empty flags
        (b"(FLAGS (\\Recent))", {"FLAGS": (Flag.RECENT,)}),
        (b"(FLAGS ())", {"FLAGS": ()}),
        # RFC 9051 §8: S: * 12 FETCH (BODY[HEADER] {342} ...)
        (b"(BODY[HEADER] {342}\r\n" + HEADER_342 + b")", {BodyKey(HEADER): HEADER_342}),
        # RFC 7162 §3.1.3, §3.1.4, §3.2.5
        (b"(UID 4 MODSEQ (12121231000))", {"UID": 4, "MODSEQ": 12121231000}),
        (
            b"(MODSEQ (320162342) FLAGS (\\Seen \\Deleted))",
            {"MODSEQ": 320162342, "FLAGS": (Flag.SEEN, Flag.DELETED)},
        ),
        (
            b"(UID 4 MODSEQ (65402) FLAGS (\\Seen))",
            {"UID": 4, "MODSEQ": 65402, "FLAGS": SEEN},
        ),
        (
            b"(FLAGS (\\Deleted \\Answered) MODSEQ (12121231000))",
            {"FLAGS": (Flag.DELETED, Flag.ANSWERED), "MODSEQ": 12121231000},
        ),
        (b"(MODSEQ (320172342) FLAGS (\\SEEN))", {"MODSEQ": 320172342, "FLAGS": (Flag("\\SEEN"),)}),
        # RFC 8474 §5: EMAILID (objectid), THREADID (objectid) or NIL
        (
            b"(UID 5 EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))",
            {"UID": 5, "EMAILID": "M6d99ac3275bb4e", "THREADID": "T64b478a75b7ea9"},
        ),
        (b"(EMAILID (Ma-b_c) THREADID NIL)", {"EMAILID": "Ma-b_c", "THREADID": None}),
        # RFC 8970: PREVIEW nstring
        (b'(UID 2 PREVIEW "Hello, world")', {"UID": 2, "PREVIEW": b"Hello, world"}),
        (b"(PREVIEW NIL)", {"PREVIEW": None}),
        # RFC 3501 §7.4.2: RFC822, RFC822.HEADER, RFC822.TEXT
        (
            b'(RFC822 {5}\r\nA\r\nB\r RFC822.HEADER "H" RFC822.TEXT NIL)',
            {"RFC822": b"A\r\nB\r", "RFC822.HEADER": b"H", "RFC822.TEXT": None},
        ),
        # RFC 9051 §7.5.2: BINARY (nstring / literal8) and BINARY.SIZE; partial origin
        (
            b'(BINARY[1] ~{5}\r\nab\x00cd BINARY.SIZE[1] 5 BINARY[2]<10> "xyz" BINARY[] NIL)',
            {
                BinaryKey((1,)): b"ab\x00cd",
                BinarySize((1,)): 5,
                BinaryKey((2,), 10): b"xyz",
                BinaryKey(): None,
            },
        ),
        (b'(BODY[]<0> "abc")', {BodyKey(Section(), 0): b"abc"}),
        (
            b'(BODY[HEADER.FIELDS (DATE FROM)] "Date: x\\r\\n" BODY[1.MIME] NIL)'.replace(
                b"\\r\\n", b""
            ),
            {
                BodyKey(Section((), SectionText.HEADER_FIELDS, (b"DATE", b"FROM"))): b"Date: x",
                BodyKey(Section((1,), SectionText.MIME)): None,
            },
        ),
    ],
)
def test_msg_att_examples(wire: bytes, items: dict[object, object]) -> None:
    value = parse_msg_att(wire)
    assert value == FetchData(items)
    assert list(value) == list(FetchData(items))  # the order sent
    assert msg_att_bytes(value) == wire


def test_sample_session_fetch_full() -> None:
    # RFC 3501 §8: S: * 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" ...),
    # its lines joined with one space each (which puts an SP between two cc addresses).
    sample = (
        b'(FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" '
        b'RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" '
        b'"IMAP4rev1 WG mtg summary and minutes" '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'((NIL NIL "imap" "cac.washington.edu")) '
        b'((NIL NIL "minutes" "CNRI.Reston.VA.US") '
        b'("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL '
        b'"<B27397-0100000@cac.washington.edu>") '
        b'BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))'
    )
    value = parse_msg_att(sample)
    assert value.flags == SEEN
    assert value.internaldate == dt.datetime(
        1996, 7, 17, 2, 44, 25, tzinfo=dt.timezone(-dt.timedelta(hours=7))
    )
    assert value.rfc822_size == 4286
    envelope = value.envelope
    assert envelope is not None
    assert envelope.from_ == envelope.sender == envelope.reply_to == (TERRY,)
    assert envelope.cc[1] == Address(b"John Klensin", None, b"KLENSIN", b"MIT.EDU")
    assert value.body == TextBody(params=[(b"CHARSET", b"US-ASCII")], octets=3028, lines=92)
    assert value.bodystructure is None
    assert list(value) == ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"]
    # canonical: no SP between addresses (1*address)
    canonical = sample.replace(b'"CNRI.Reston.VA.US") (', b'"CNRI.Reston.VA.US")(')
    assert msg_att_bytes(value) == canonical
    # the fetch-atts of FULL are the keys of the answer
    assert tuple(value) == tuple(FetchMacro.FULL.expand())


def test_rfc9051_sample_session() -> None:
    # RFC 9051 §8 (the line break after "ENVELOPE (" is editorial, not a space)
    sample = (
        b'(FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE ('
        b'"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'((NIL NIL "imap" "cac.washington.edu")) '
        b'((NIL NIL "minutes" "CNRI.Reston.VA.US") ("John Klensin" NIL "KLENSIN" "MIT.EDU")) '
        b'NIL NIL "<B27397-0100000@cac.washington.ed>") '
        b'BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))'
    )
    value = parse_msg_att(sample)
    assert value.envelope is not None
    assert value.envelope.subject == b"IMAP4rev2 WG mtg summary and minutes"
    assert parse_msg_att(msg_att_bytes(value)) == value
    header = parse_msg_att(b"(BODY[HEADER] {342}\r\n" + HEADER_342.replace(b"rev1", b"rev2") + b")")
    assert header.section("HEADER") == HEADER_342.replace(b"rev1", b"rev2")
    assert header.section(HEADER) == header.section("HEADER")


def test_items_in_any_case() -> None:
    value = parse_msg_att(b"(uid 7 Flags (\\seen) body[header] NIL rfc822.size 1)")
    assert value == FetchData(
        {"UID": 7, "FLAGS": (Flag.SEEN,), BodyKey(HEADER): None, "RFC822.SIZE": 1}
    )
    assert msg_att_bytes(value) == b"(UID 7 FLAGS (\\seen) BODY[HEADER] NIL RFC822.SIZE 1)"


def test_body_items() -> None:
    wire = (
        b'(BODYSTRUCTURE ("IMAGE" "PNG" NIL NIL NIL "BASE64" 10 "md5") '
        b'BODY ("IMAGE" "PNG" NIL NIL NIL "BASE64" 10 "md5"))'
    )
    value = parse_msg_att(wire)
    with_md5 = BasicBody(
        b"IMAGE", b"PNG", encoding=b"BASE64", octets=10, extension=Extension(md5=b"md5")
    )
    assert value.bodystructure == with_md5
    # BODY "MUST NOT" carry extension data: what a server sends anyway is dropped
    assert value.body == BasicBody(b"IMAGE", b"PNG", encoding=b"BASE64", octets=10)
    assert msg_att_bytes(value) == (
        b'(BODYSTRUCTURE ("IMAGE" "PNG" NIL NIL NIL "BASE64" 10 "md5") '
        b'BODY ("IMAGE" "PNG" NIL NIL NIL "BASE64" 10))'
    )
    with pytest.raises(IMAPValueError, match="non-extensible"):
        FetchData({"BODY": with_md5})


def test_binary_data_is_a_string_unless_it_has_nul() -> None:
    # RFC 9051 §7.5.2: "If ... the data does not contain the NUL octet, the server SHOULD
    # return the data in a <string> instead of a <literal8>"
    value = parse_msg_att(b"(BINARY[1] ~{3}\r\nabc BINARY[2] ~{2}\r\n\x00\x01)")
    assert value.binary([1]) == b"abc"
    assert value.binary((2,)) == b"\x00\x01"
    assert value.binary((3,)) is None
    assert msg_att_bytes(value) == b'(BINARY[1] "abc" BINARY[2] ~{2}\r\n\x00\x01)'


def test_spellings_of_item_names_are_remembered_within_bounds() -> None:
    words: list[bytes] = []
    for name in ("PREVIEW", "RFC822.TEXT", "EMAILID"):
        for bits in range(2 ** len(name)):
            spelling = "".join(c.lower() if bits >> i & 1 else c for i, c in enumerate(name))
            words.append(spelling.encode())
    for word in words:
        assert len(parse_msg_att(b"(" + word + b" NIL)")) == 1
        assert len(_msg_att._ITEMS) <= _msg_att._ITEMS_MAX
    assert parse_msg_att(b"(uid 1)").uid == 1


def test_numbers_at_their_limits() -> None:
    value = parse_msg_att(b"(RFC822.SIZE 9223372036854775807 UID 4294967295)")
    assert (value.rfc822_size, value.uid) == (2**63 - 1, 2**32 - 1)
    value = parse_msg_att(b"(RFC822.SIZE 9223372036854775808 UID 4294967296)")
    assert value.errors == {
        "RFC822.SIZE": FetchItemError("9223372036854775808"),
        "UID": FetchItemError(4294967296),
    }
    assert "beyond" in value.errors["UID"].reason


def test_later_item_replaces_an_earlier_one() -> None:
    value = parse_msg_att(b"(UID 1 FLAGS () UID 2)")
    assert value.uid == 2
    assert list(value) == ["UID", "FLAGS"]


# --- unknown items and skipping bad ones ----------------------------------------------------------


def test_unknown_items_are_kept() -> None:
    # Gmail's extension items (X-GM-EXT-1)
    wire = (
        b"(X-GM-THRID 1266894439832287888 X-GM-MSGID 1278455344230334865 "
        b'X-GM-LABELS (\\Inbox \\Sent Important "Muy Importante") UID 4 '
        b"X-ODD[1.2 x]<5> ~{2}\r\n\x00a x-lower nil X-EMPTY ())"
    )
    value = parse_msg_att(wire)
    assert value.uid == 4
    assert value.unknown == {
        "X-GM-THRID": 1266894439832287888,
        "X-GM-MSGID": 1278455344230334865,
        "X-GM-LABELS": ("\\Inbox", "\\Sent", "Important", b"Muy Importante"),
        "X-ODD[1.2 x]<5>": Literal(b"\x00a", binary=True),
        "X-LOWER": None,
        "X-EMPTY": (),
    }
    assert value.errors == {}
    assert msg_att_bytes(value) == wire.replace(b"x-lower nil", b"X-LOWER NIL")


def test_a_bad_item_does_not_cost_the_rest() -> None:
    wire = (
        b'(UID 12x FLAGS (\\Seen) INTERNALDATE "bogus" ENVELOPE ("d" "s" NIL) '
        b'BODYSTRUCTURE ("TEXT" "PLAIN" ("x" "y" "z") NIL NIL "7BIT" 1 1) RFC822.SIZE 5 '
        b"BODY[] 17 MODSEQ 5 EMAILID (bad!) THREADID () BINARY.SIZE[1] NIL PREVIEW (1) "
        b"BINARY[1] 5 BODY ())"
    )
    value = parse_msg_att(wire)
    assert value.flags == SEEN
    assert value.rfc822_size == 5
    assert value.uid is None
    assert value.envelope is None
    errors = value.errors
    assert {key: error.value for key, error in errors.items()} == {
        "UID": "12x",
        "INTERNALDATE": b"bogus",
        "ENVELOPE": (b"d", b"s", None),
        "BODYSTRUCTURE": (b"TEXT", b"PLAIN", (b"x", b"y", b"z"), None, None, b"7BIT", 1, 1),
        BodyKey(): 17,
        "MODSEQ": 5,
        "EMAILID": ("bad!",),
        "THREADID": (),
        BinarySize((1,)): None,
        "PREVIEW": (1,),
        BinaryKey((1,)): 5,
        "BODY": (),
    }
    assert "offset 7" in errors["UID"].reason
    assert "date-time" in errors["INTERNALDATE"].reason
    assert value.unknown == {}
    # written back as it came, and read back the same
    assert msg_att_bytes(value) == wire
    assert parse_msg_att(wire) == value


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        # the value is not a generic value either
        (b'(UID "12 FLAGS ())', 5, "nz-number"),
        (b"(ENVELOPE ((( UID 5)", 11, "nstring"),
        (b"(UID 5 RFC822 {10}\r\nabc)", 20, "literal of 10 octets"),
        (b"(UID \xff)", 5, "nz-number"),
        (b'(UID 5 BODY[] "a"x)', 17, 'SP or ")"'),
        # the item's name is malformed
        (b'(BODY[1.0] "x")', 8, "nz-number"),
        (b"(BINARY[HEADER] NIL)", 8, "nz-number"),
        (b"(BINARY NIL)", 7, '"["'),
        (b"(FLAGS[1] ())", 6, "SP"),
        (b"(UID)", 4, "SP"),
        (b"(UID 5", 6, '")"'),
        (b"(UID 5  FLAGS ())", 7, "keyword"),
        (b"()", 1, "keyword"),
        (b"(5 UID)", 1, "keyword"),
        (b"UID 5", 0, '"("'),
        (b"(X-ODD[(] 5)", 6, "SP"),
    ],
)
def test_when_skipping_is_impossible(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_msg_att(Reader(data))
    assert info.value.offset == offset, info.value
    assert expected in info.value.message


def test_skipping_respects_the_depth_limit() -> None:
    deep = b"(X-DEEP " + b"(" * 200 + b")" * 200 + b" UID 5)"
    with pytest.raises(IMAPParseError, match="nested deeper"):
        read_msg_att(Reader(deep))
    # the error raised is the item's own (the first problem found)
    bad = b"(ENVELOPE " + b"(" * 200 + b")" * 200 + b" UID 5)"
    with pytest.raises(IMAPParseError, match="nstring"):
        read_msg_att(Reader(bad))
    assert parse_msg_att(deep, max_depth=300).unknown["X-DEEP"] is not None


# --- FetchData ------------------------------------------------------------------------------------


def test_fetch_data_access() -> None:
    when = dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.timezone.utc)
    envelope = Envelope(subject=b"Hi", from_=[TERRY])
    body = MultipartBody([TextBody(octets=1, lines=1)], b"MIXED")
    data = FetchData(
        [
            ("uid", 9),
            (A.FLAGS, (Flag.SEEN,)),
            ("INTERNALDATE", when),
            ("RFC822.SIZE", 2**40),
            ("ENVELOPE", envelope),
            ("BODY", body),
            ("BODYSTRUCTURE", body),
            ("MODSEQ", 2**62),
            ("EMAILID", "M1"),
            ("THREADID", "T1"),
            ("PREVIEW", b"p"),
            ("RFC822", b"r"),
            ("RFC822.HEADER", None),
            ("RFC822.TEXT", b"t"),
            (BodyKey(HEADER, 5), b"h"),
            (BinaryKey((1,)), b"\x00"),
            (BinarySize((1,)), 1),
            ("x-gm-msgid", 5),
        ]
    )
    assert data.uid == 9
    assert data.flags == (Flag.SEEN,)
    assert data.internaldate == when
    assert data.rfc822_size == 2**40
    assert data.envelope == envelope
    assert data.body == body == data.bodystructure
    assert data.modseq == 2**62
    assert (data.emailid, data.threadid, data.preview) == ("M1", "T1", b"p")
    assert (data.rfc822, data.rfc822_header, data.rfc822_text) == (b"r", None, b"t")
    assert data.section("HEADER", 5) == b"h"
    assert data.section("HEADER") is None
    assert data.binary([1]) == b"\x00"
    assert data.binary_size([1]) == 1
    assert data.binary_size([2]) is None
    assert data.unknown == {"X-GM-MSGID": 5}
    assert data["UID"] == data[A.UID] == 9
    assert "UID" in data
    assert A.MODSEQ in data
    assert "X-NONE" not in data
    assert len(data) == 18
    assert data == FetchData(dict(data))
    assert hash(data) == hash(FetchData(dict(data)))
    assert data != FetchData({"UID": 9})
    assert data != {"UID": 9}
    assert repr(FetchData({"UID": 9})) == "FetchData({'UID': 9})"
    assert MessageAttributes is FetchData
    empty = FetchData({"UID": 1})
    assert (empty.flags, empty.envelope, empty.modseq, empty.section()) == (None,) * 4
    with pytest.raises(AttributeError):
        empty._items = {}  # type: ignore[misc]


@pytest.mark.parametrize(
    ("items", "match"),
    [
        ({}, "at least one item"),
        ({5: 1}, "not a FETCH item key"),
        ({"BODY[HEADER]": b"x"}, "BodyKey"),
        ({"FLAGS[1]": b"x"}, "BodyKey"),
        ({"binary.size": 5}, "BinarySize"),
        ({"BINARY": b"x"}, "BinaryKey"),
        ({"BINARY<5>": b"x"}, "BinaryKey"),
        ({"BAD NAME": 1}, "not a FETCH item name"),
        ({A.PREVIEW_LAZY: None}, "not a FETCH item name"),
        ({"FLAGS": [Flag.SEEN]}, "tuple of Flag"),
        ({"FLAGS": (Flag.WILDCARD,)}, "PERMANENTFLAGS"),
        ({"UID": 0}, "nz-number"),
        ({"UID": True}, "nz-number"),
        ({"INTERNALDATE": dt.datetime(2024, 1, 1)}, "time zone"),
        (
            {"INTERNALDATE": dt.datetime(2024, 1, 1, microsecond=5, tzinfo=dt.timezone.utc)},
            "whole seconds",
        ),
        ({"INTERNALDATE": "today"}, "datetime"),
        ({"RFC822.SIZE": -1}, "number64"),
        ({"ENVELOPE": None}, "Envelope"),
        ({"BODYSTRUCTURE": "x"}, "body structure"),
        ({"MODSEQ": 0}, "mod-sequence-value"),
        ({"EMAILID": "bad!"}, "objectid"),
        ({"EMAILID": None}, "objectid"),
        ({"THREADID": "x" * 256}, "objectid"),
        ({"PREVIEW": "text"}, "nstring"),
        ({"RFC822": b"\x00"}, "nstring"),
        ({BodyKey(): 5}, "nstring"),
        ({BinaryKey(): "x"}, "BINARY"),
        ({BinarySize(): -1}, "IMAP number"),
        ({"X-A": "NIL"}, "atom-like"),
        ({"X-A": "12"}, "atom-like"),
        ({"X-A": "a b"}, "atom-like"),
        ({"X-A": 2**63}, "IMAP number"),
        ({"X-A": True}, "IMAP number"),
        ({"X-A": b"\x00"}, "NUL"),
        ({"X-A": Literal(b"x")}, "literal8"),
        ({"X-A": 1.5}, "generic"),
        ({"X-A": FetchItemError(1)}, "generic value, not an error"),
        ({"UID": FetchItemError(5)}, "valid UID"),
        ({BodyKey(): FetchItemError(b"x")}, r"valid BODY\[\]"),
    ],
)
def test_fetch_data_refuses(items: dict[object, object], match: str) -> None:
    with pytest.raises(IMAPValueError, match=match):
        FetchData(items)


def test_generic_value_nesting_is_bounded() -> None:
    value: GenericValue = 1
    for _ in range(101):
        value = (value,)
    with pytest.raises(IMAPValueError, match="nested too deeply"):
        FetchItemError(value)


def test_write_msg_att_refuses_other_values() -> None:
    with pytest.raises(IMAPValueError, match="not a FetchData"):
        write_msg_att(Writer(), {"UID": 1})  # type: ignore[arg-type]


# --- generic values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "value", "canonical"),
    [
        (b"NIL", None, None),
        (b"nil", None, b"NIL"),
        (b"0", 0, None),
        (b"007", "007", None),  # not written back as 7
        (b"9223372036854775808", "9223372036854775808", None),
        (b"\\Seen", "\\Seen", None),
        (b'"a\\"b"', b'a"b', None),
        (b"{2}\r\nab", b"ab", b'"ab"'),
        (b"~{1}\r\n\x00", Literal(b"\x00", binary=True), None),
        (b"()", (), None),
        (b"(1 (a NIL) ())", (1, ("a", None), ()), None),
        (b"~x", "~x", None),
    ],
)
def test_generic_values(wire: bytes, value: GenericValue, canonical: bytes | None) -> None:
    reader = Reader(wire)
    assert read_generic_value(reader) == value
    assert reader.at_end()
    writer = Writer()
    write_generic_value(writer, value)
    assert writer.to_bytes() == (canonical or wire)


@pytest.mark.parametrize(
    ("data", "offset"), [(b"", 0), (b")", 0), (b"(1", 2), (b"(1 ", 3), (b'"', 1)]
)
def test_generic_value_errors(data: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_generic_value(Reader(data))
    assert info.value.offset == offset


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(sf.fetch_att_lists, s.wire_options)
def test_fetch_atts_round_trip(
    value: FetchMacro | tuple[FetchAtt, ...], options: WireOptions
) -> None:
    wire = atts_bytes(value, options)
    reader = Reader(wire, utf8=options.utf8)
    assert read_fetch_atts(reader) == value
    assert reader.at_end()


@settings(max_examples=300, deadline=None)
@given(sf.generic_values, s.wire_options)
def test_generic_round_trip(value: GenericValue, options: WireOptions) -> None:
    writer = Writer(options)
    write_generic_value(writer, value)
    reader = Reader(writer.to_bytes(), utf8=options.utf8)
    assert read_generic_value(reader) == value
    assert reader.at_end()


@settings(max_examples=300, deadline=None)
@given(sf.fetch_data, s.wire_options)
def test_msg_att_round_trip(data: FetchData, options: WireOptions) -> None:
    wire = msg_att_bytes(data, options)
    value = parse_msg_att(wire, utf8=options.utf8)
    assert value == data
    assert list(value) == list(data)
    assert msg_att_bytes(value, options) == wire


_PIECES = (
    b"(",
    b")",
    b" ",
    b"UID",
    b"FLAGS",
    b"BODY",
    b"BODY[",
    b"]",
    b"1",
    b"NIL",
    b'"x"',
    b"\\Seen",
    b"ENVELOPE",
    b"MODSEQ",
    b"X-A",
    b"{1}\r\nx",
    b"~{1}\r\n\x00",
)


@settings(max_examples=1000, deadline=None)
@given(s.fuzz_bytes(*_PIECES))
def test_fuzz(data: bytes) -> None:
    for read in (read_fetch_atts, read_generic_value):
        try:
            read(Reader(data))
        except IMAPParseError as error:
            assert 0 <= error.offset <= len(data)
    reader = Reader(data)
    try:
        value = read_msg_att(reader)
    except IMAPParseError as error:
        assert 0 <= error.offset <= len(data)
        return
    assert reader.depth == 0
    # parse -> serialize -> parse is stable
    bodies = [v for v in value.values() if isinstance(v, MultipartBody) and not v.parts]
    if not bodies:
        assert read_msg_att(Reader(msg_att_bytes(value))) == value


def test_module_exports() -> None:
    for name in _fetch.__all__:
        assert hasattr(_fetch, name)


@pytest.mark.parametrize(
    "wire",
    [
        b'(FLAGS (""))',
        b'(UID 1 FLAGS ("") INTERNALDATE "01-Jan-2020 00:00:00 +0000" RFC822.SIZE 3)',
    ],
)
def test_a_refused_flag_list_leaves_the_nesting_balanced(wire: bytes) -> None:
    # Found by test_msg_att_round_trip: the fast path's FLAGS reader gave up on a list half-way
    # and left the reader one level deeper, so the next list could nest one level less.
    data = parse_msg_att(wire)
    assert isinstance(data["FLAGS"], FetchItemError)
