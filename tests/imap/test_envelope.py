"""ENVELOPE and addresses (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2): the RFCs' samples, group
syntax, the SP-between-addresses leniency, errors with offsets, fast path = general path,
round trips and fuzzing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import pytest
from hypothesis import given, settings

from pymailproto.imap import _envelope
from pymailproto.imap._envelope import (
    Address,
    Envelope,
    decode_header_text,
    read_address,
    read_address_list,
    read_envelope,
    write_address,
    write_address_list,
    write_envelope,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_fetch as sf

TERRY = Address(b"Terry Gray", None, b"gray", b"cac.washington.edu")

# RFC 3501 §8 (a003 fetch 12 full), the ENVELOPE as the sample prints it: its lines joined by
# one space -- which puts an SP between the two cc addresses.
RFC3501_SAMPLE = (
    b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" '
    b'"IMAP4rev1 WG mtg summary and minutes" '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
    b'((NIL NIL "imap" "cac.washington.edu")) '
    b'((NIL NIL "minutes" "CNRI.Reston.VA.US") '
    b'("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL '
    b'"<B27397-0100000@cac.washington.edu>")'
)
RFC3501_ENVELOPE = Envelope(
    date=b"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
    subject=b"IMAP4rev1 WG mtg summary and minutes",
    from_=(TERRY,),
    sender=(TERRY,),
    reply_to=(TERRY,),
    to=(Address(None, None, b"imap", b"cac.washington.edu"),),
    cc=(
        Address(None, None, b"minutes", b"CNRI.Reston.VA.US"),
        Address(b"John Klensin", None, b"KLENSIN", b"MIT.EDU"),
    ),
    message_id=b"<B27397-0100000@cac.washington.edu>",
)


def written(value: object, options: WireOptions | None = None) -> bytes:
    writer = Writer(options or WireOptions())
    if isinstance(value, Envelope):
        write_envelope(writer, value)
    elif isinstance(value, Address):
        write_address(writer, value)
    else:
        write_address_list(writer, value)  # type: ignore[arg-type]
    return writer.to_bytes()


@contextmanager
def general_path() -> Iterator[None]:
    """Parse with the fast paths switched off."""
    _envelope._FAST = False
    try:
        yield
    finally:
        _envelope._FAST = True


def parse(data: bytes, **kwargs: object) -> Envelope:
    reader = Reader(data, **kwargs)  # type: ignore[arg-type]
    value = read_envelope(reader)
    assert reader.at_end()
    return value


# --- the RFCs' samples ----------------------------------------------------------------------------


def test_rfc3501_sample() -> None:
    assert parse(RFC3501_SAMPLE) == RFC3501_ENVELOPE
    with general_path():
        assert parse(RFC3501_SAMPLE) == RFC3501_ENVELOPE
    # Re-serialized in the grammar's form: 1*address, no SP between the cc addresses.
    canonical = RFC3501_SAMPLE.replace(b'"CNRI.Reston.VA.US") (', b'"CNRI.Reston.VA.US")(')
    assert canonical != RFC3501_SAMPLE
    assert written(RFC3501_ENVELOPE) == canonical
    assert parse(canonical) == RFC3501_ENVELOPE


def test_rfc9051_sample() -> None:
    # RFC 9051 §8; the sample breaks the line after "ENVELOPE (", which cannot be a space.
    # (Its message-id really ends in "washington.ed>".)
    sample = (
        b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'((NIL NIL "imap" "cac.washington.edu")) '
        b'((NIL NIL "minutes" "CNRI.Reston.VA.US") ("John Klensin" NIL "KLENSIN" "MIT.EDU")) '
        b'NIL NIL "<B27397-0100000@cac.washington.ed>")'
    )
    value = parse(sample)
    assert value.subject == b"IMAP4rev2 WG mtg summary and minutes"
    assert value.message_id == b"<B27397-0100000@cac.washington.ed>"
    assert value.cc == RFC3501_ENVELOPE.cc
    assert (value.bcc, value.in_reply_to) == ((), None)
    assert parse(written(value)) == value


def test_addresses_of_the_sample() -> None:
    assert TERRY.addr_spec == b"gray@cac.washington.edu"
    assert not TERRY.is_group_start
    assert not TERRY.is_group_end
    assert TERRY.decoded_name() == "Terry Gray"
    assert RFC3501_ENVELOPE.decoded_subject() == "IMAP4rev1 WG mtg summary and minutes"
    assert written(TERRY) == b'("Terry Gray" NIL "gray" "cac.washington.edu")'


# --- group syntax (RFC 9051 §7.5.2, RFC 5322 §3.4 / §A.1.3) ---------------------------------------


def test_group_syntax() -> None:
    # To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;
    wire = (
        b'((NIL NIL "A Group" NIL)("Ed Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test")'
        b'("John" NIL "jdoe" "one.test")(NIL NIL NIL NIL))'
    )
    reader = Reader(wire)
    addresses = read_address_list(reader)
    assert reader.at_end()
    assert addresses == (
        Address.group_start(b"A Group"),
        Address(b"Ed Jones", None, b"c", b"a.test"),
        Address(None, None, b"joe", b"where.test"),
        Address(b"John", None, b"jdoe", b"one.test"),
        Address.group_end(),
    )
    assert addresses[0].is_group_start
    assert not addresses[0].is_group_end
    assert addresses[0].mailbox == b"A Group"
    assert addresses[0].addr_spec is None
    assert addresses[-1].is_group_end
    assert not addresses[-1].is_group_start
    assert written(addresses) == wire
    # "Undisclosed recipients:;"
    empty = (Address.group_start("Undisclosed recipients"), Address.group_end())
    assert written(empty) == b'((NIL NIL "Undisclosed recipients" NIL)(NIL NIL NIL NIL))'


def test_group_start_needs_a_name() -> None:
    with pytest.raises(IMAPValueError, match="group name"):
        Address.group_start(None)  # type: ignore[arg-type]


# --- strings: forms, NIL, decoding ----------------------------------------------------------------


def test_string_forms() -> None:
    wire = (
        b'(nil "Re: \\"Project X\\"" (({7}\r\nZo\xc3\xab D. NIL "zoe" "example.com")) '
        b"NiL nil NIL NIL NIL "
        b'"" {3}\r\n<a>)'
    )
    value = parse(wire)
    assert value.date is None
    assert value.subject == b'Re: "Project X"'
    assert value.from_ == (Address("Zoë D.", None, "zoe", "example.com"),)
    assert (value.sender, value.reply_to, value.to, value.cc, value.bcc) == ((),) * 5
    assert value.in_reply_to == b""  # present but empty (RFC 9051 §7.5.2)
    assert value.message_id == b"<a>"
    assert written(value) == (
        b'(NIL "Re: \\"Project X\\"" (({7}\r\nZo\xc3\xab D. NIL "zoe" "example.com")) '
        b'NIL NIL NIL NIL NIL "" "<a>")'
    )
    assert written(value, WireOptions(utf8=True)) == (
        b'(NIL "Re: \\"Project X\\"" (("Zo\xc3\xab D." NIL "zoe" "example.com")) '
        b'NIL NIL NIL NIL NIL "" "<a>")'
    )


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (None, None),
        (b"plain", "plain"),
        (b"=?UTF-8?B?RnJhbsOnb2lzIExlZsOodnJl?=", "François Lefèvre"),
        (b"=?utf-8?Q?Gr=C3=BC=C3=9Fe?= aus =?iso-8859-1?q?M=FCnchen?=", "Grüße aus München"),
        (b"Re: =?UTF-8?B?Wm/DqyBEdWJvaXM=?=", "Re: Zoë Dubois"),
        ("Raw UTF-8: Zoë".encode(), "Raw UTF-8: Zoë"),
        (b"bad \xff octet", "bad \ufffd octet"),
        (b"=?x-unknown?Q?abc?=", "=?x-unknown?Q?abc?="),  # unknown charset: as it is
    ],
)
def test_decode_header_text(data: bytes | None, text: str | None) -> None:
    assert decode_header_text(data) == text


def test_decoded_helpers() -> None:
    address = Address(b"=?UTF-8?B?Wm/DqyBEdWJvaXM=?=", None, b"zoe", b"example.com")
    assert address.decoded_name() == "Zoë Dubois"
    assert Envelope(subject=b"=?utf-8?q?Caf=C3=A9?=").decoded_subject() == "Café"
    assert Envelope().decoded_subject() is None


# --- construction ---------------------------------------------------------------------------------


def test_construction() -> None:
    envelope = Envelope(date="d", from_=[TERRY], to=None, message_id="<m>")
    assert envelope.date == b"d"
    assert envelope.from_ == (TERRY,)
    assert envelope.to == ()
    assert Envelope() == Envelope(from_=None)
    assert written(Envelope()) == b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"
    assert Address() == Address.group_end()
    assert hash(Address("a", None, "b", "c")) == hash(Address(b"a", None, b"b", b"c"))


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Address(b"a\x00b"), "NUL"),
        (lambda: Address(host=5), "bytes, str or None"),  # type: ignore[arg-type]
        (lambda: Envelope(subject=b"\x00"), "NUL"),
        (lambda: Envelope(from_=TERRY), "not one Address"),  # type: ignore[arg-type]
        (lambda: Envelope(cc=[TERRY, "x"]), "not an Address"),  # type: ignore[list-item]
        (lambda: Envelope(date=1.5), "bytes, str or None"),  # type: ignore[arg-type]
    ],
)
def test_construction_refuses(build: object, match: str) -> None:
    with pytest.raises(IMAPValueError, match=match):
        build()  # type: ignore[operator]


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        TERRY.name = b"x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        RFC3501_ENVELOPE.subject = b"x"  # type: ignore[misc]


def test_writers_refuse_other_values() -> None:
    with pytest.raises(IMAPValueError, match="not an Envelope"):
        write_envelope(Writer(), "x")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError, match="not an Address"):
        write_address_list(Writer(), ("x",))  # type: ignore[arg-type]


# --- errors ---------------------------------------------------------------------------------------

_GOOD = RFC3501_SAMPLE


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, '"("'),
        (b"NIL", 0, '"("'),  # env is not nil
        (b'("d" "s"', 8, "SP"),
        (b'("d" "s" ()', 10, '"("'),  # 1*address: an empty list is not one
        (b'("d" "s" X', 9, "address list"),
        (b'("d" "s" (("a" NIL "b" "c")', 27, 'address or ")"'),
        (b'("d" "s" (("a" NIL "b" "c")x', 27, 'address or ")"'),
        (b'("d" "s" (("a" NIL "b")', 22, "SP"),
        (b'("d" "s" (("a" NIL "b" "c" "e")', 26, '")"'),
        (b'("d" "s" ((5 NIL "b" "c")', 11, "nstring"),
        (b'("d" "s" NIL NIL NIL NIL NIL NIL NIL)', 36, "SP"),
        (b'("d" "s" NIL NIL NIL NIL NIL NIL NIL NIL NIL', 40, '")"'),
        (b'("d" "s" NIL NIL NIL NIL NIL NIL NIL NIL', 40, '")"'),
        (b'("d" "s\r" NIL NIL NIL NIL NIL NIL NIL NIL)', 7, "DQUOTE"),
        (b'("d" {5}\r\nab', 10, "literal of 5 octets"),
    ],
)
def test_read_envelope_errors(data: bytes, offset: int, expected: str) -> None:
    for fast in (True, False):
        _envelope._FAST = fast
        try:
            reader = Reader(data)
            with pytest.raises(IMAPParseError) as info:
                read_envelope(reader)
        finally:
            _envelope._FAST = True
        assert info.value.offset == offset, fast
        assert expected in info.value.message
        assert (reader.pos, reader.depth) == (0, 0)


def test_read_address_errors() -> None:
    for data, offset in [(b"", 0), (b"(NIL NIL NIL)", 12), (b"(NIL NIL NIL NIL NIL)", 16)]:
        with pytest.raises(IMAPParseError) as info:
            read_address(Reader(data))
        assert info.value.offset == offset


def test_depth_limit() -> None:
    # envelope (1), address list (2), address (3)
    assert parse(RFC3501_SAMPLE, max_depth=3) == RFC3501_ENVELOPE
    for max_depth, offset in [(2, RFC3501_SAMPLE.index(b'("Terry')), (0, 0)]:
        for fast in (True, False):
            _envelope._FAST = fast
            try:
                with pytest.raises(IMAPParseError, match="nested deeper") as info:
                    read_envelope(Reader(RFC3501_SAMPLE, max_depth=max_depth))
            finally:
                _envelope._FAST = True
            assert info.value.offset == offset


@pytest.mark.parametrize(
    "subject",
    [b'"a \\"b\\" \\\\ c"', b'{5}\r\nab"cd', b'"caf\xc3\xa9"', b"nil"],
)
def test_only_the_subject_is_not_plain(subject: bytes) -> None:
    # The general path takes the fields after the subject in one match when they are plain,
    # and reads them one by one when they are not; the values are the same either way.
    head = b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ' + subject
    plain = RFC3501_SAMPLE[RFC3501_SAMPLE.index(b" ((") :]
    literal = plain.replace(b'"gray"', b"{4}\r\ngray", 1)
    escaped = plain.replace(b'"Terry Gray"', b'"Terry \\"T\\" Gray"', 1)
    for tail in (plain, literal, escaped):
        data = head + tail
        for max_depth in (2, 3):
            with pytest.raises(IMAPParseError) if max_depth == 2 else nullcontext():
                value = parse(data, utf8=True, max_depth=max_depth)
            if max_depth == 2:
                continue
            with general_path():
                assert parse(data, utf8=True) == value
            assert value.date == RFC3501_ENVELOPE.date
            assert value.cc == RFC3501_ENVELOPE.cc
            assert value.message_id == RFC3501_ENVELOPE.message_id


def test_address_lists_are_remembered_and_bounded() -> None:
    wire = b'(("A" NIL "a" "example.com"))'
    first = read_address_list(Reader(wire))
    assert read_address_list(Reader(wire)) is first
    for n in range(_envelope._LISTS_MAX + 5):
        read_address_list(Reader(b'(("A" NIL "a%d" "example.com"))' % n))
        assert len(_envelope._LISTS) <= _envelope._LISTS_MAX
    assert read_address_list(Reader(b"NIL")) == ()


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(sf.envelopes, s.wire_options)
def test_round_trip(envelope: Envelope, options: WireOptions) -> None:
    wire = written(envelope, options)
    assert parse(wire, utf8=options.utf8) == envelope
    with general_path():
        assert parse(wire, utf8=options.utf8) == envelope
    # parse -> serialize is the canonical form again
    assert written(parse(wire), options) == wire


@settings(max_examples=200)
@given(sf.address_lists)
def test_space_between_addresses(addresses: tuple[Address, ...]) -> None:
    wire = written(addresses)
    spaced = wire.replace(b")(", b") (")
    for data in (wire, spaced):
        reader = Reader(data)
        assert read_address_list(reader) == addresses
        assert reader.at_end()


_PIECES = (b"(", b")", b" ", b"NIL", b'"a"', b'"', b"{1}\r\n", b"x", b"nil", b"\\")


@settings(max_examples=500)
@given(s.fuzz_bytes(*_PIECES))
def test_fuzz(data: bytes) -> None:
    for read in (read_envelope, read_address_list, read_address):
        for fast in (True, False):
            _envelope._FAST = fast
            reader = Reader(data)
            try:
                value = read(reader)
            except IMAPParseError as error:
                assert 0 <= error.offset <= len(data)
                continue
            finally:
                _envelope._FAST = True
            assert reader.depth == 0
            # whatever was read writes back to something that reads the same
            again = Reader(written(value))
            assert read(again) == value
