"""BODY and BODYSTRUCTURE (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2): the RFCs' examples, extension
data, the leniencies with their field reports, nesting limits, errors with offsets, fast path =
general path, round trips and fuzzing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings

from pymailproto.imap import _body_parse, _envelope
from pymailproto.imap._body import (
    MAX_BODY_NESTING,
    BasicBody,
    BodyStructure,
    Disposition,
    Extension,
    MessageBody,
    MultipartBody,
    TextBody,
    has_extension,
    without_extension,
    write_body,
)
from pymailproto.imap._body_parse import read_body
from pymailproto.imap._envelope import Address, Envelope
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import DEFAULT_MAX_DEPTH, Reader
from pymailproto.imap._values import WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_fetch as sf

US_ASCII = ((b"CHARSET", b"US-ASCII"),)


def written(body: BodyStructure, options: WireOptions | None = None, **kwargs: bool) -> bytes:
    writer = Writer(options or WireOptions())
    write_body(writer, body, **kwargs)
    return writer.to_bytes()


@contextmanager
def general_path() -> Iterator[None]:
    """Parse with every fast path switched off."""
    _body_parse._FAST = _envelope._FAST = False
    try:
        yield
    finally:
        _body_parse._FAST = _envelope._FAST = True


def parse(data: bytes, **kwargs: object) -> BodyStructure:
    """Read ``data`` both ways (fast paths on and off); both must agree."""
    extensible = bool(kwargs.pop("extensible", True))
    reader = Reader(data, **kwargs)  # type: ignore[arg-type]
    value = read_body(reader, extensible=extensible)
    assert reader.at_end()
    assert reader.depth == 0
    with general_path():
        slow = Reader(data, **kwargs)  # type: ignore[arg-type]
        assert read_body(slow, extensible=extensible) == value
        assert slow.at_end()
    return value


# --- the RFCs' examples ---------------------------------------------------------------------------

SIMPLE = b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48)'
TWO_PARTS = (
    b'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)'
    b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") '
    b'"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")'
)
TWO_PARTS_VALUE = MultipartBody(
    [
        TextBody(b"TEXT", b"PLAIN", params=US_ASCII, octets=1152, lines=23),
        TextBody(
            b"TEXT",
            b"PLAIN",
            params=((b"CHARSET", b"US-ASCII"), (b"NAME", b"cc.diff")),
            id=b"<960723163407.20117h@cac.washington.edu>",
            description=b"Compiler diff",
            encoding=b"BASE64",
            octets=4554,
            lines=73,
        ),
    ],
    b"MIXED",
)


def test_simple_text_message() -> None:
    # RFC 9051 §7.5.2 / RFC 3501 §7.4.2: "a simple text message of 48 lines and 2279 octets"
    value = parse(SIMPLE)
    assert value == TextBody(b"TEXT", b"PLAIN", params=US_ASCII, octets=2279, lines=48)
    assert written(value) == SIMPLE
    assert value.mime_type == "text/plain"
    assert value.param("charset") == b"US-ASCII"
    assert value.param(b"name") is None
    assert value.extension is None
    assert value.disposition is None


def test_two_part_message() -> None:
    # RFC 3501 §7.4.2: "a two part message consisting of a text and a BASE64-encoded text
    # attachment", printed with the parts back to back (1*body).
    value = parse(TWO_PARTS)
    assert value == TWO_PARTS_VALUE
    assert written(value) == TWO_PARTS
    assert value.mime_type == "multipart/mixed"
    assert value.type == b"MULTIPART"
    assert value.params == ()
    assert value.param("boundary") is None
    assert value.disposition is None


def test_two_part_message_as_rfc9051_prints_it() -> None:
    # RFC 9051 §7.5.2 prints the second part on a new line: an SP between the parts, which
    # real servers send too (leniency "SP between body parts").
    spaced = TWO_PARTS.replace(b"23)(", b"23) (")
    assert parse(spaced) == TWO_PARTS_VALUE
    assert written(parse(spaced)) == TWO_PARTS


def test_sample_sessions() -> None:
    # RFC 3501 §8 and RFC 9051 §8, "a003 fetch 12 full": BODY ("TEXT" "PLAIN" ... 3028 92)
    wire = b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)'
    value = parse(wire, extensible=False)
    assert value == TextBody(params=US_ASCII, octets=3028, lines=92)
    assert written(value, extensible=False) == wire


# --- extension data -------------------------------------------------------------------------------

# A Dovecot-style BODYSTRUCTURE: every extension field, in the header's case.
DOVECOT = (
    b'(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 120 4 NIL NIL NIL NIL)'
    b'("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 900 20 NIL NIL NIL NIL) '
    b'"alternative" ("boundary" "b1") NIL NIL NIL)'
)


def test_dovecot_style_extension_data() -> None:
    value = parse(DOVECOT)
    assert isinstance(value, MultipartBody)
    assert value.param("BOUNDARY") == b"b1"
    assert value.extension == Extension(params=[("boundary", "b1")])
    assert value.extension is not None
    assert value.extension.fields == 4
    text = value.parts[0]
    assert isinstance(text, TextBody)
    assert text.extension == Extension()
    assert text.extension is not None
    assert text.extension.fields == 4
    # written back as it came: as many extension fields as the server sent
    assert written(value) == DOVECOT
    assert written(value, extensible=False) == (
        b'(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 120 4)'
        b'("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 900 20) "alternative")'
    )
    assert has_extension(value)
    assert not has_extension(without_extension(value))
    assert without_extension(value) == parse(DOVECOT, extensible=False)


ATTACHMENT = (
    b'("APPLICATION" "PDF" ("NAME" "Invoice 7.pdf") "<id7@x>" NIL "BASE64" 53412 '
    b'"Q2hlY2sgSW50ZWdyaXR5IQ==" ("ATTACHMENT" ("FILENAME" "Invoice 7.pdf" "SIZE" "39000")) '
    b'("EN" "DE") "https://example.com/i7" 5 "x" (1 ("y" NIL)))'
)


def test_every_extension_field() -> None:
    value = parse(ATTACHMENT)
    assert value == BasicBody(
        b"APPLICATION",
        b"PDF",
        params=[(b"NAME", b"Invoice 7.pdf")],
        id=b"<id7@x>",
        encoding=b"BASE64",
        octets=53412,
        extension=Extension(
            md5=b"Q2hlY2sgSW50ZWdyaXR5IQ==",
            disposition=Disposition(
                b"ATTACHMENT", {b"FILENAME": b"Invoice 7.pdf", b"SIZE": b"39000"}
            ),
            language=[b"EN", b"DE"],
            location=b"https://example.com/i7",
            extensions=[5, b"x", (1, (b"y", None))],
        ),
    )
    assert value.disposition is not None
    assert value.disposition.type == b"ATTACHMENT"
    assert value.disposition.param("filename") == b"Invoice 7.pdf"
    assert value.disposition.param("creation-date") is None
    assert written(value) == ATTACHMENT
    assert written(value, extensible=False) == (
        b'("APPLICATION" "PDF" ("NAME" "Invoice 7.pdf") "<id7@x>" NIL "BASE64" 53412)'
    )


@pytest.mark.parametrize(
    ("tail", "extension", "canonical_tail"),
    [
        (b" NIL", Extension(fields=1), None),
        (b' "md5"', Extension(md5=b"md5"), None),
        (b" NIL NIL", Extension(fields=2), None),
        (b' NIL ("inline" NIL)', Extension(disposition=Disposition(b"inline")), None),
        (b' NIL NIL "en"', Extension(language=b"en"), None),
        (b' NIL NIL ("en")', Extension(language=[b"en"]), b' NIL NIL "en"'),
        (b" NIL NIL NIL NIL", Extension(fields=4), None),
        (b' NIL NIL NIL "loc"', Extension(location=b"loc"), None),
        (b" NIL NIL NIL NIL 0 NIL", Extension(extensions=[0, None]), None),
    ],
)
def test_extension_depth(tail: bytes, extension: Extension, canonical_tail: bytes | None) -> None:
    head = b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 10'
    value = parse(head + tail + b")")
    assert value == BasicBody(b"IMAGE", b"PNG", encoding=b"BASE64", octets=10, extension=extension)
    assert written(value) == head + (canonical_tail or tail) + b")"
    # a value built without a field count is written in the shortest form for its data
    built = written(replace(value, extension=replace(extension, fields=0)))
    shortest = {Extension(): b" NIL"}.get(replace(extension, fields=0))
    if shortest is not None:
        assert built == head + shortest + b")"


def test_message_rfc822_part() -> None:
    # A forwarded message (body-type-msg): envelope, body and lines of the message inside.
    wire = (
        b'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 100 3)'
        b'("MESSAGE" "RFC822" NIL NIL "forwarded" "7BIT" 1500 '
        b'("Mon, 7 Feb 1994 21:52:25 -0800" "Fwd" (("A" NIL "a" "x.test")) NIL NIL '
        b'((NIL NIL "b" "y.test")) NIL NIL NIL "<m@x.test>") '
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 800 20) 40) "MIXED")'
    )
    value = parse(wire)
    assert isinstance(value, MultipartBody)
    message = value.parts[1]
    assert isinstance(message, MessageBody)
    assert message.mime_type == "message/rfc822"
    assert message.description == b"forwarded"
    assert message.envelope == Envelope(
        date=b"Mon, 7 Feb 1994 21:52:25 -0800",
        subject=b"Fwd",
        from_=[Address(b"A", None, b"a", b"x.test")],
        to=[Address(None, None, b"b", b"y.test")],
        message_id=b"<m@x.test>",
    )
    assert message.body == TextBody(params=US_ASCII, octets=800, lines=20)
    assert message.lines == 40
    assert written(value) == wire
    # MESSAGE/GLOBAL (RFC 9051 media-message) is read the same way
    glob = parse(wire.replace(b'"RFC822" NIL', b'"GLOBAL" NIL'))
    assert isinstance(glob, MultipartBody)
    assert isinstance(glob.parts[1], MessageBody)
    # extension data deep inside a message part
    assert not has_extension(value)
    inner = MessageBody(envelope=Envelope(), body=TextBody(extension=Extension()))
    assert has_extension(inner)
    assert without_extension(inner) == MessageBody(envelope=Envelope(), body=TextBody())
    # any other MESSAGE subtype is a basic part
    status = parse(b'("MESSAGE" "DELIVERY-STATUS" NIL NIL NIL "7BIT" 344)')
    assert isinstance(status, BasicBody)


# --- leniencies (each with its field report) ------------------------------------------------------


def test_leniency_space_between_parts() -> None:
    # Stalwart, Exchange (duesee/imap-codec#697, apple/swift-nio-imap#265)
    wire = DOVECOT.replace(b"4 NIL NIL NIL NIL)(", b"4 NIL NIL NIL NIL) (")
    value = parse(wire)
    assert isinstance(value, MultipartBody)
    assert len(value.parts) == 2
    assert b") (" not in written(value)
    # only one SP
    with pytest.raises(IMAPParseError):
        read_body(Reader(wire.replace(b") (", b")  (")))


def test_leniency_multipart_without_parts() -> None:
    # Gmail: ... ("ALTERNATIVE") 51) "REPORT" (jstedfast/MailKit#1841)
    value = parse(b'("ALTERNATIVE")')
    assert isinstance(value, MultipartBody)
    assert (value.parts, value.subtype, value.extension) == ((), b"ALTERNATIVE", None)
    # written with Dovecot's empty text/plain part, which keeps the wire form valid
    empty = b'("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0'
    assert written(value) == b"(" + empty + b' NIL NIL NIL NIL) "ALTERNATIVE")'
    assert written(value, extensible=False) == b"(" + empty + b') "ALTERNATIVE")'
    # with its body-ext-mpart
    extended = parse(b'("MIXED" ("BOUNDARY" "x") NIL NIL)')
    assert isinstance(extended, MultipartBody)
    assert extended.parts == ()
    assert extended.param("boundary") == b"x"
    assert extended.extension is not None
    assert extended.extension.fields == 3
    plain = parse(b'("MIXED" ("BOUNDARY" "x") NIL NIL)', extensible=False)
    assert isinstance(plain, MultipartBody)
    assert (plain.parts, plain.subtype, plain.extension) == ((), b"MIXED", None)
    # inside a message part, as in the report
    report = parse(
        b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 211 5)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 2942 '
        b'(NIL "Re: MPG" NIL NIL NIL NIL NIL NIL NIL NIL) ("ALTERNATIVE") 51) "REPORT")'
    )
    assert isinstance(report, MultipartBody)
    assert isinstance(report.parts[1], MessageBody)
    assert report.parts[1].body == value
    # the public constructor keeps to the grammar
    with pytest.raises(IMAPValueError, match="at least one part"):
        MultipartBody([], b"ALTERNATIVE")


def test_leniency_nil_encoding() -> None:
    # ("TEXT" "PLAIN" ("CHARSET" "GB2312") NIL NIL NIL 0 0 ...) (dinhvh/libetpan#217)
    value = parse(b'("TEXT" "PLAIN" ("CHARSET" "GB2312") NIL NIL NIL 0 0)')
    assert isinstance(value, TextBody)
    assert value.encoding == b"7BIT"  # RFC 9051 §9: the default
    assert written(value) == b'("TEXT" "PLAIN" ("CHARSET" "GB2312") NIL NIL "7BIT" 0 0)'


def test_leniency_nil_encoding_in_the_wild() -> None:
    # apple/swift-nio-imap#684, as reported
    wire = (
        b'((("text" "plain" ("CHARSET" "UTF-8") NIL NIL NIL 1423 44 NIL NIL NIL NIL)'
        b'("text" "html" ("CHARSET" "UTF-8") NIL NIL "quoted-printable" 2524 34 NIL NIL NIL NIL) '
        b'"alternative" ("BOUNDARY" "000000000000ccac3a05a5ef76c3") NIL NIL NIL)'
        b'("text" "plain" ("CHARSET" "us-ascii") NIL NIL "7bit" 151 4 NIL NIL NIL NIL) '
        b'"mixed" ("BOUNDARY" "===============5781602957316160403==") NIL NIL NIL)'
    )
    value = parse(wire)
    assert isinstance(value, MultipartBody)
    alternative = value.parts[0]
    assert isinstance(alternative, MultipartBody)
    assert alternative.parts[0] == TextBody(
        b"text",
        b"plain",
        params=[(b"CHARSET", b"UTF-8")],
        encoding=b"7BIT",
        octets=1423,
        lines=44,
        extension=Extension(fields=4),
    )
    assert written(value) == wire.replace(b"NIL NIL NIL 1423", b'NIL NIL "7BIT" 1423')


def test_leniency_nil_parameter_value() -> None:
    # ("boundary" NIL) from Mail.ru (duesee/imap-codec#700)
    value = parse(
        b'(("text" "plain" ("charset" NIL) NIL NIL "7bit" 1 1) "mixed" ("boundary" NIL) NIL NIL)'
    )
    assert isinstance(value, MultipartBody)
    assert value.param("boundary") == b""
    assert value.parts[0].param("charset") == b""
    assert b'("boundary" "")' in written(value)


def test_leniency_missing_lines() -> None:
    value = parse(b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1152)')
    assert value == TextBody(octets=1152, lines=0)
    with_extension = parse(b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1152 "md5" NIL)')
    assert with_extension == TextBody(octets=1152, extension=Extension(md5=b"md5", fields=2))
    message = parse(
        b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 10 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) '
        b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0))'
    )
    assert isinstance(message, MessageBody)
    assert message.lines == 0


def test_leniency_string_disposition() -> None:
    # Exchange 2016 (javaee/javamail#278): a description where the disposition belongs
    wire = (
        b'(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 0 NIL ("inline" NIL) NIL NIL)'
        b'("application" "octet-stream" ("name" "private.txt") NIL NIL "base64" 690 NIL '
        b'("attachment" ("filename" "private.txt")) NIL NIL) "mixed" '
        b'("boundary" "----=_Part_0_-1731707885.1504253815584") "S/MIME Encrypted Message" NIL)'
    )
    value = parse(wire)
    assert isinstance(value, MultipartBody)
    assert value.extension is not None
    assert value.extension.disposition is None
    assert value.extension.fields == 3
    assert value.parts[0].disposition == Disposition(b"inline")
    assert written(value).endswith(
        b'"mixed" ("boundary" "----=_Part_0_-1731707885.1504253815584") NIL NIL)'
    )


def test_leniency_types_in_any_case_and_form() -> None:
    lower = parse(b'("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 5 1)')
    assert isinstance(lower, TextBody)
    assert lower.type == b"text"  # spelling kept
    assert lower.mime_type == "text/plain"
    literal = parse(b'({4}\r\nText "plain" NIL NIL NIL "8bit" 5 1)')
    assert isinstance(literal, TextBody)
    assert written(literal) == b'("Text" "plain" NIL NIL NIL "8bit" 5 1)'
    message = parse(
        b'({7}\r\nmessage {6}\r\nrfc822 NIL NIL NIL "7bit" 5 (NIL NIL NIL NIL NIL NIL NIL NIL NIL '
        b'NIL) ("text" "plain" NIL NIL NIL "7bit" 0 0) 1)'
    )
    assert isinstance(message, MessageBody)
    assert message.mime_type == "message/rfc822"


def test_unknown_encoding_is_grammatical() -> None:
    value = parse(b'("APPLICATION" "X-FOO" NIL NIL NIL "X-UUENCODE" 7)')
    assert value == BasicBody(b"APPLICATION", b"X-FOO", encoding=b"X-UUENCODE", octets=7)


# --- nesting --------------------------------------------------------------------------------------


def test_ten_thousand_deep_multipart_is_a_clean_error() -> None:
    data = b"(" * 10_000 + b'"TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0' + b') "MIXED"' * 9_999 + b")"
    reader = Reader(data)
    with pytest.raises(IMAPParseError, match="nested deeper than 100") as info:
        read_body(reader)
    assert info.value.offset == DEFAULT_MAX_DEPTH
    assert (reader.pos, reader.depth) == (0, 0)
    # a reader allowed any depth still stops at MAX_BODY_NESTING, without a RecursionError
    for fast in (True, False):
        _body_parse._FAST = fast
        try:
            with pytest.raises(IMAPParseError, match="body structures nested deeper") as info:
                read_body(Reader(data, max_depth=1_000_000))
        finally:
            _body_parse._FAST = True
        assert info.value.offset == MAX_BODY_NESTING


def test_deep_message_parts_are_a_clean_error() -> None:
    envelope = b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"
    head = b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 0 ' + envelope + b" "
    data = head * 5_000 + b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)' + b" 0)" * 5_000
    with pytest.raises(IMAPParseError, match="nested deeper than 100"):
        read_body(Reader(data))
    with pytest.raises(IMAPParseError, match="body structures nested deeper"):
        read_body(Reader(data, max_depth=1_000_000))
    # within the limits it reads, and writes back
    shallow = head * 30 + b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)' + b" 0)" * 30
    assert written(parse(shallow)) == shallow


def test_deep_body_extension_is_a_clean_error() -> None:
    data = b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 1 NIL NIL NIL NIL ' + b"(" * 5000 + b")" * 5001
    with pytest.raises(IMAPParseError, match="nested deeper than 100"):
        read_body(Reader(data))


def test_depth_limit_counts_every_parenthesis() -> None:
    # body (1), dsp (2), dsp params (3)
    wire = b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 1 NIL ("inline" ("a" "b")))'
    assert parse(wire, max_depth=3) == parse(wire)
    for fast in (True, False):
        _body_parse._FAST = fast
        try:
            with pytest.raises(IMAPParseError, match="deeper than 2") as info:
                read_body(Reader(wire, max_depth=2))
        finally:
            _body_parse._FAST = True
        assert info.value.offset == wire.index(b'("a"')


def test_constructors_bound_the_nesting() -> None:
    body: BodyStructure = TextBody()
    for _ in range(MAX_BODY_NESTING - 1):
        body = MultipartBody([body])
    with pytest.raises(IMAPValueError, match="nest at most"):
        MultipartBody([body])
    with pytest.raises(IMAPValueError, match="nest at most"):
        MessageBody(envelope=Envelope(), body=body)


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, '"("'),
        (b"NIL", 0, '"("'),
        (b"()", 1, "string"),
        (b'("TEXT" NIL)', 8, "string"),
        (b'("TEXT" ', 8, "string"),
        (b'("TEXT" "PLAIN"', 15, "SP"),
        (b'("TEXT" "PLAIN" "x"', 16, "body-fld-param"),
        (b'("TEXT" "PLAIN" ("a") NIL', 20, "SP"),
        (b'("TEXT" "PLAIN" ("a" "b" "c") NIL', 28, "SP"),
        (b'("TEXT" "PLAIN" ("a" X) NIL', 21, "string"),
        (b'("TEXT" "PLAIN" NIL 5', 20, "nstring"),
        (b'("TEXT" "PLAIN" NIL NIL NIL 7BIT 1 1)', 28, "body-fld-enc"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" x 1)', 35, "number"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 4294967296 1)', 35, "beyond"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 99999999999999999999)', 37, "beyond"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1', 38, 'SP or ")"'),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 x)', 39, "nstring"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL x)', 43, "body-fld-dsp"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL ("a"))', 47, "SP"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL ())', 48, "string"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL 5)', 51, "nstring"),
        (b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL x)', 55, "nstring"),
        (b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 1 2)', 38, "nstring"),
        (b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 1)', 40, "SP"),
        (b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 1 NIL)', 41, '"("'),
        (b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))', 40, "SP"),
        (b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) MIXED)', 41, "string"),
        (b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED" x)', 49, "body-fld-param"),
        (b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED"', 48, 'SP or ")"'),
    ],
)
def test_read_body_errors(data: bytes, offset: int, expected: str) -> None:
    for fast in (True, False):
        _body_parse._FAST = _envelope._FAST = fast
        try:
            reader = Reader(data)
            with pytest.raises(IMAPParseError) as info:
                read_body(reader)
        finally:
            _body_parse._FAST = _envelope._FAST = True
        assert info.value.offset == offset, (fast, info.value)
        assert expected in info.value.message
        assert (reader.pos, reader.depth) == (0, 0)


def test_extension_with_a_single_part_is_not_a_multipart_one() -> None:
    # body-fld-md5 is an nstring; a "(" there is not body-fld-param
    with pytest.raises(IMAPParseError):
        read_body(Reader(b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 1 ("a" "b"))'))


# --- construction ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: BasicBody(b"TEXT", b"PLAIN"), "TextBody"),
        (lambda: BasicBody(b"message", b"rfc822"), "MessageBody"),
        (lambda: BasicBody(b"message", b"Global"), "MessageBody"),
        (lambda: TextBody(b"IMAGE"), "TEXT"),
        (lambda: MessageBody(envelope=Envelope(), body=TextBody(), subtype=b"PARTIAL"), "RFC822"),
        (lambda: MessageBody(body=TextBody()), "Envelope"),
        (lambda: MessageBody(envelope=Envelope()), "body structure"),
        (lambda: BasicBody(b"A", b"B", octets=-1), "body-fld-octets"),
        (lambda: BasicBody(b"A", b"B", octets=2**32), "body-fld-octets"),
        (lambda: BasicBody(b"A", b"B", octets=True), "body-fld-octets"),
        (lambda: TextBody(lines=2**63), "body-fld-lines"),
        (lambda: BasicBody(b"A\x00", b"B"), "NUL"),
        (lambda: BasicBody(b"A", 5), "bytes or str"),  # type: ignore[arg-type]
        (lambda: BasicBody(b"A", b"B", params=[(b"a",)]), "pairs"),  # type: ignore[list-item]
        (lambda: BasicBody(b"A", b"B", params=[(b"a", None)]), "bytes or str"),  # type: ignore[list-item]
        (lambda: BasicBody(b"A", b"B", extension=Extension(params=[(b"a", b"b")])), "md5"),
        (lambda: BasicBody(b"A", b"B", extension="x"), "not an Extension"),  # type: ignore[arg-type]
        (lambda: MultipartBody([TextBody()], extension=Extension(md5=b"x")), "params, not md5"),
        (lambda: MultipartBody([b"x"]), "body structure"),  # type: ignore[list-item]
        (lambda: Extension(disposition=b"inline"), "not a Disposition"),  # type: ignore[arg-type]
        (lambda: Extension(extensions=[()]), "non-empty tuple"),
        (lambda: Extension(extensions=[True]), "body-extension"),
        (lambda: Extension(extensions=[2**63]), "body-extension"),
        (lambda: Extension(extensions=[b"\x00"]), "body-extension"),
        (lambda: Extension(extensions=[1.5]), "body-extension"),  # type: ignore[list-item]
        (lambda: Extension(fields=5), "fields"),
        (lambda: Extension(language=[5]), "bytes or str"),  # type: ignore[list-item]
        (lambda: Disposition(None), "bytes or str"),  # type: ignore[arg-type]
    ],
)
def test_construction_refuses(build: object, match: str) -> None:
    with pytest.raises(IMAPValueError, match=match):
        build()  # type: ignore[operator]


def test_deeply_nested_extension_value_is_refused() -> None:
    value: object = b"x"
    for _ in range(DEFAULT_MAX_DEPTH + 1):
        value = (value,)
    with pytest.raises(IMAPValueError, match="nested too deeply"):
        Extension(extensions=[value])  # type: ignore[list-item]


def test_construction_accepts_str_and_mappings() -> None:
    body = BasicBody("image", "png", params={"name": "a.png"}, id="<i>", encoding="base64")
    assert body.params == ((b"name", b"a.png"),)
    assert body.id == b"<i>"
    assert Extension(language="en").language == (b"en",)
    assert Extension(language=None, params=None).language == ()
    assert BasicBody(b"A", b"B", params=None).params == ()


def test_write_body_refuses_other_values() -> None:
    with pytest.raises(IMAPValueError, match="not a body structure"):
        write_body(Writer(), "x")  # type: ignore[arg-type]


def test_caches_are_bounded() -> None:
    for n in range(_body_parse._CACHE_MAX + 5):
        parse(b'("A" "B" ("n" "%d") NIL NIL "7BIT" 1 "%d")' % (n, n))
        parse(b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED" ("b" "%d"))' % n)
        assert len(_body_parse._PARAMS_CACHE) <= _body_parse._CACHE_MAX
        assert len(_body_parse._EXT_CACHE) <= _body_parse._CACHE_MAX
        assert len(_body_parse._EXT_MPART_CACHE) <= _body_parse._CACHE_MAX
    for n in range(_body_parse._CACHE_MAX + 5):
        # a message part's extension data goes through the tail pattern, not the leaf one
        parse(
            b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 1 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) '
            b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0) 1 "%d")' % n
        )
        assert len(_body_parse._PARAMS_CACHE) <= _body_parse._CACHE_MAX
        assert len(_body_parse._EXT_CACHE) <= _body_parse._CACHE_MAX
        assert len(_body_parse._EXT_MPART_CACHE) <= _body_parse._CACHE_MAX


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(sf.bodies, s.wire_options)
def test_round_trip(body: BodyStructure, options: WireOptions) -> None:
    wire = written(body, options)
    value = parse(wire, utf8=options.utf8)
    assert value == body
    assert written(value, options) == wire  # the canonical form is stable
    plain = written(body, options, extensible=False)
    assert parse(plain, utf8=options.utf8) == without_extension(body)
    assert parse(wire, utf8=options.utf8, extensible=False) == without_extension(body)


@settings(max_examples=100, deadline=None)
@given(sf.plain_bodies)
def test_space_between_parts_round_trip(body: BodyStructure) -> None:
    wire = written(body)
    # every ")(" must be between two parts (not inside a string) for the replacement to hold
    boundaries = 0
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, MultipartBody):
            boundaries += len(node.parts) - 1
            stack.extend(node.parts)
        elif isinstance(node, MessageBody):
            stack.append(node.body)
    assume(wire.count(b")(") == boundaries)
    assert parse(wire.replace(b")(", b") (")) == body


_PIECES = (
    b"(",
    b")",
    b" ",
    b"NIL",
    b'"TEXT"',
    b'"PLAIN"',
    b'"MESSAGE"',
    b'"RFC822"',
    b'"7BIT"',
    b"1",
    b'"x"',
    b"{1}\r\nx",
)


@settings(max_examples=1000, deadline=None)
@given(s.fuzz_bytes(*_PIECES))
def test_fuzz(data: bytes) -> None:
    for extensible in (True, False):
        try:
            value = read_body(Reader(data), extensible=extensible)
        except IMAPParseError as error:
            assert 0 <= error.offset <= len(data)
            with general_path(), pytest.raises(IMAPParseError):
                read_body(Reader(data), extensible=extensible)
            continue
        with general_path():
            assert read_body(Reader(data), extensible=extensible) == value
        if not _has_empty_multipart(value):
            again = written(value, extensible=extensible)
            assert read_body(Reader(again), extensible=extensible) == value


def _has_empty_multipart(body: BodyStructure) -> bool:
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, MultipartBody):
            if not node.parts:
                return True
            stack.extend(node.parts)
        elif isinstance(node, MessageBody):
            stack.append(node.body)
    return False
