"""Section specifications, BINARY sections, partials and origins (RFC 9051 §6.4.5.1, §9)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap import _section
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._section import (
    Partial,
    Section,
    SectionText,
    read_origin,
    read_partial,
    read_section,
    read_section_binary,
    write_origin,
    write_partial,
    write_section,
    write_section_binary,
)
from pymailproto.imap._values import WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_fetch as sf

H = SectionText.HEADER
HF = SectionText.HEADER_FIELDS
HFN = SectionText.HEADER_FIELDS_NOT
T = SectionText.TEXT
M = SectionText.MIME


def written(section: Section, options: WireOptions | None = None) -> bytes:
    writer = Writer(options or WireOptions())
    write_section(writer, section)
    return writer.to_bytes()


# --- the RFC's examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # RFC 9051 §6.4.5.1: "an example of a complex message with some of its part specifiers"
        ("HEADER", Section((), H)),
        ("TEXT", Section((), T)),
        ("1", Section((1,))),
        ("2", Section((2,))),
        ("3", Section((3,))),
        ("3.HEADER", Section((3,), H)),
        ("3.TEXT", Section((3,), T)),
        ("3.1", Section((3, 1))),
        ("3.2", Section((3, 2))),
        ("4", Section((4,))),
        ("4.1", Section((4, 1))),
        ("4.1.MIME", Section((4, 1), M)),
        ("4.2", Section((4, 2))),
        ("4.2.HEADER", Section((4, 2), H)),
        ("4.2.TEXT", Section((4, 2), T)),
        ("4.2.1", Section((4, 2, 1))),
        ("4.2.2", Section((4, 2, 2))),
        ("4.2.2.1", Section((4, 2, 2, 1))),
        ("4.2.2.2", Section((4, 2, 2, 2))),
        # "An empty section specification refers to the entire message"
        ("", Section()),
        # RFC 9051 §6.4.5: C: A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])
        ("HEADER.FIELDS (DATE FROM)", Section((), HF, (b"DATE", b"FROM"))),
        ("HEADER.FIELDS.NOT (DATE FROM)", Section((), HFN, (b"DATE", b"FROM"))),
        ("1.2.HEADER.FIELDS (Subject)", Section((1, 2), HF, (b"Subject",))),
    ],
)
def test_rfc_examples(text: str, section: Section) -> None:
    wire = b"[" + text.encode() + b"]"
    reader = Reader(wire + b" ")
    assert read_section(reader) == section
    assert reader.pos == len(wire)
    assert written(section) == wire
    assert Section.parse(text) == section
    assert str(section) == text.split(" (", maxsplit=1)[0]


@pytest.mark.parametrize(
    ("wire", "section", "canonical"),
    [
        # ABNF strings are case-insensitive (RFC 9051 §9 note 1); written upper-case
        (b"[header]", Section((), H), b"[HEADER]"),
        (b"[1.mime]", Section((1,), M), b"[1.MIME]"),
        (b"[Header.Fields.Not (to)]", Section((), HFN, (b"to",)), b"[HEADER.FIELDS.NOT (to)]"),
        # header-fld-name = astring: quoted, literal, with "]" (resp-specials)
        (b'[HEADER.FIELDS ("DATE" {4}\r\nFROM)]', Section((), HF, (b"DATE", b"FROM")), None),
        (b'[HEADER.FIELDS ("X Y")]', Section((), HF, (b"X Y",)), None),
        (b"[HEADER.FIELDS (a])]", Section((), HF, (b"a]",)), b'[HEADER.FIELDS ("a]")]'),
    ],
)
def test_other_spellings(wire: bytes, section: Section, canonical: bytes | None) -> None:
    reader = Reader(wire)
    assert read_section(reader) == section
    assert reader.at_end()
    expected = canonical or wire.replace(b'"DATE" {4}\r\nFROM', b"DATE FROM")
    assert written(section) == expected


def test_cache_shares_simple_sections_and_is_bounded() -> None:
    first = read_section(Reader(b"[1.2.MIME]"))
    assert read_section(Reader(b"[1.2.MIME]")) is first
    for n in range(_section._SIMPLE_CACHE_MAX + 10):
        read_section(Reader(b"[%d]" % (n + 1)))
        assert len(_section._SIMPLE_CACHE) <= _section._SIMPLE_CACHE_MAX
    # header-lists are not cached
    read_section(Reader(b"[HEADER.FIELDS (A)]"))
    assert b"[HEADER.FIELDS (A)]" not in _section._SIMPLE_CACHE


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, '"["'),
        (b"HEADER]", 0, '"["'),
        (b"[", 1, 'section-spec or "]"'),
        (b"[(", 1, 'section-spec or "]"'),
        (b"[0]", 1, "nz-number"),
        (b"[01]", 1, "nz-number"),
        (b"[MIME]", 1, "HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT (section-text)"),
        (b"[1.MIME.X]", 3, "section-text"),
        (b"[1.MIME X]", 7, '"]"'),
        (b"[FOO]", 1, "section-text"),
        (b"[1.FOO]", 3, "or MIME"),
        (b"[1.]", 3, "section-text"),
        (b"[1.0]", 3, "nz-number"),
        (b"[1 ]", 2, '"]"'),
        (b"[HEADER", 7, '"]"'),
        (b"[HEADER.FIELDS]", 14, "SP"),
        (b"[HEADER.FIELDS ()]", 16, "header-fld-name"),
        (b"[HEADER.FIELDS (A]", 18, '")"'),  # "A]" is an astring (ASTRING-CHAR has "]")
        (b"[HEADER.FIELDS (A  B)]", 18, "astring"),
        (b"[HEADER.FIELDS A]", 15, '"("'),
        (b"[4294967296]", 1, "beyond"),
        (b"[1.4294967296]", 3, "beyond"),
    ],
)
def test_read_section_errors(data: bytes, offset: int, expected: str) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError) as info:
        read_section(reader)
    assert info.value.offset == offset
    assert expected in info.value.message
    assert reader.pos == 0


def test_header_list_depth() -> None:
    with pytest.raises(IMAPParseError, match="deeper than 0"):
        read_section(Reader(b"[HEADER.FIELDS (A)]", max_depth=0))


@pytest.mark.parametrize("text", ["MIME", "1.", "x", "1 2", "[1]", "1]", "\u00e9"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(IMAPValueError, match="invalid section"):
        Section.parse(text)


def test_parse_accepts_bytes() -> None:
    assert Section.parse(b"1.TEXT") == Section((1,), T)


# --- construction ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (((0,),), "nz-numbers"),
        (((2**32,),), "nz-numbers"),
        (((True,),), "nz-numbers"),
        ((("1",),), "nz-numbers"),
        (((), "HEADER"), "SectionText"),
        (((), HF), "at least one field"),
        (((), HFN, ()), "at least one field"),
        (((), H, (b"DATE",)), "only go with"),
        (((), None, (b"DATE",)), "only go with"),
        (((), M), "MIME must be prefixed"),
        (((), HF, (b"A\x00",)), "NUL"),
        (((), HF, (1,)), "bytes or str"),
    ],
)
def test_section_refuses(args: tuple[object, ...], match: str) -> None:
    with pytest.raises(IMAPValueError, match=match):
        Section(*args)  # type: ignore[arg-type]


def test_section_accepts_str_field_names_and_lists() -> None:
    section = Section([1, 2], HF, ["Date", "Zoë"])
    assert section.part == (1, 2)
    assert section.fields == (b"Date", "Zoë".encode())
    assert written(section) == b"[1.2.HEADER.FIELDS (Date {4}\r\nZo\xc3\xab)]"
    assert written(section, WireOptions(utf8=True)) == b'[1.2.HEADER.FIELDS (Date "Zo\xc3\xab")]'


def test_write_section_refuses_other_values() -> None:
    with pytest.raises(IMAPValueError, match="not a Section"):
        write_section(Writer(), "HEADER")  # type: ignore[arg-type]


# --- BINARY sections, partials, origins -----------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "part"), [(b"[]", ()), (b"[1]", (1,)), (b"[4.2.2.1]", (4, 2, 2, 1))]
)
def test_section_binary(wire: bytes, part: tuple[int, ...]) -> None:
    reader = Reader(wire + b"<")
    assert read_section_binary(reader) == part
    assert reader.pos == len(wire)
    writer = Writer()
    write_section_binary(writer, part)
    assert writer.to_bytes() == wire


@pytest.mark.parametrize(
    ("data", "offset"),
    [(b"", 0), (b"1]", 0), (b"[HEADER]", 1), (b"[1.TEXT]", 2), (b"[1", 2), (b"[0]", 1)],
)
def test_section_binary_errors(data: bytes, offset: int) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError) as info:
        read_section_binary(reader)
    assert info.value.offset == offset
    assert reader.pos == 0


def test_write_section_binary_refuses() -> None:
    with pytest.raises(IMAPValueError):
        write_section_binary(Writer(), (0,))


@pytest.mark.parametrize(
    ("wire", "offset", "length"),
    [
        (b"<0.2048>", 0, 2048),  # RFC 9051 §6.4.5: BODY[]<0.2048>
        (b"<1500.1>", 1500, 1),
        (b"<9223372036854775807.9223372036854775807>", 2**63 - 1, 2**63 - 1),
    ],
)
def test_partial(wire: bytes, offset: int, length: int) -> None:
    reader = Reader(wire)
    assert read_partial(reader) == Partial(offset, length)
    assert reader.at_end()
    writer = Writer()
    write_partial(writer, Partial(offset, length))
    assert writer.to_bytes() == wire


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, '"<"'),
        (b"<>", 1, "number64"),
        (b"<0>", 2, '"."'),
        (b"<0.0>", 3, "nz-number64"),
        (b"<0.5", 4, '">"'),
        (b"<9223372036854775808.1>", 1, "beyond"),
    ],
)
def test_partial_errors(data: bytes, offset: int, expected: str) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError) as info:
        read_partial(reader)
    assert (info.value.offset, reader.pos) == (offset, 0)
    assert expected in info.value.message


@pytest.mark.parametrize(("args", "match"), [((-1, 1), "number64"), ((0, 0), "nz-number64")])
def test_partial_refuses(args: tuple[int, int], match: str) -> None:
    with pytest.raises(IMAPValueError, match=match):
        Partial(*args)
    with pytest.raises(IMAPValueError, match="not a Partial"):
        write_partial(Writer(), (0, 1))  # type: ignore[arg-type]


def test_origin() -> None:
    # RFC 9051 §6.4.5: "BODY[]<0.2048> of a 1500-octet message will return BODY[]<0>"
    reader = Reader(b"<0> {1500}")
    assert read_origin(reader) == 0
    assert reader.pos == 3
    writer = Writer()
    write_origin(writer, 4294967296)  # beyond number: the request's partial is number64
    assert writer.to_bytes() == b"<4294967296>"
    for data, offset in [(b"<", 1), (b"<1", 2), (b"<1.2>", 2), (b"1>", 0)]:
        bad = Reader(data)
        with pytest.raises(IMAPParseError) as info:
            read_origin(bad)
        assert (info.value.offset, bad.pos) == (offset, 0)
    with pytest.raises(IMAPValueError):
        write_origin(Writer(), -1)


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(sf.sections(), s.wire_options)
def test_round_trip(section: Section, options: WireOptions) -> None:
    wire = written(section, options)
    reader = Reader(wire, utf8=options.utf8)
    assert read_section(reader) == section
    assert reader.at_end()
    # and parse -> serialize gives the same (canonical) bytes again
    assert written(read_section(Reader(wire)), options) == wire
    if not section.fields:
        assert Section.parse(str(section)) == section


@settings(max_examples=200)
@given(sf.parts, sf.partials)
def test_binary_and_partial_round_trip(part: tuple[int, ...], partial: Partial) -> None:
    writer = Writer()
    write_section_binary(writer, part)
    write_partial(writer, partial)
    reader = Reader(writer.to_bytes())
    assert read_section_binary(reader) == part
    assert read_partial(reader) == partial
    assert reader.at_end()


_PIECES = (b"[", b"]", b"1", b".", b"0", b"HEADER", b"FIELDS", b".NOT", b" ", b"(", b")", b"<")


@settings(max_examples=500)
@given(s.fuzz_bytes(*_PIECES, b"MIME", b"TEXT", b'"', b"{1}\r\n", b">"))
def test_fuzz(data: bytes) -> None:
    for read in (read_section, read_section_binary, read_partial, read_origin):
        reader = Reader(data)
        try:
            read(reader)
        except IMAPParseError as error:
            assert 0 <= error.offset <= len(data)
            assert reader.pos == 0
