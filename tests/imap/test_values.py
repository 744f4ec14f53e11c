"""IMAP values: validation, form choice, fragments, and round trips through the reader."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import (
    NIL,
    NONSYNC_LITERAL_MAX,
    Atom,
    LineFragment,
    Literal,
    LiteralFragment,
    LiteralMode,
    LiteralSupport,
    Nil,
    Quoted,
    WireOptions,
    Writer,
    check_atom,
    check_number,
    check_number64,
    check_nz_number,
    check_nz_number64,
    check_tag,
    choose_astring,
    choose_nstring,
    choose_string,
    join_fragments,
    literal_mode,
)
from tests.imap import strategies as s

UTF8 = WireOptions(utf8=True)
PLUS = WireOptions(literals=LiteralSupport.LITERAL_PLUS)
MINUS = WireOptions(literals=LiteralSupport.LITERAL_MINUS)

# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["", "a b", "a(", "a)", "a{", "%", "*", '"', "\\", "]", "é", "\x7f"]
)
def test_atom_refuses_specials(value: str) -> None:
    with pytest.raises(IMAPValueError):
        Atom(value)
    with pytest.raises(IMAPValueError):
        check_atom(value)


def test_atom_value() -> None:
    atom = Atom("$Forwarded")
    assert str(atom) == "$Forwarded"
    assert atom.to_bytes() == b"$Forwarded"
    assert Atom("BODY[HEADER") == Atom("BODY[HEADER")
    with pytest.raises(IMAPValueError):
        check_atom(b"abc")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["A001", "a]1", "x", "tag-1.2"])
def test_check_tag_accepts(value: str) -> None:
    assert check_tag(value) == value


@pytest.mark.parametrize("value", ["", "A+1", "*", "+", "a b", "a\r\n", "é", "(a"])
def test_check_tag_refuses(value: str) -> None:
    with pytest.raises(IMAPValueError, match="not an IMAP tag"):
        check_tag(value)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (check_number, [0, 2**32 - 1], [-1, 2**32, True, 1.0, "1"]),
        (check_nz_number, [1, 2**32 - 1], [0, 2**32, False]),
        (check_number64, [0, 2**63 - 1], [-1, 2**63]),
        (check_nz_number64, [1, 2**63 - 1], [0, 2**63]),
    ],
)
def test_number_checks(check: object, good: list[int], bad: list[object]) -> None:
    for value in good:
        assert check(value) == value  # type: ignore[operator]
    for wrong in bad:
        with pytest.raises(IMAPValueError):
            check(wrong)  # type: ignore[operator]


@pytest.mark.parametrize("value", [b"a\rb", b"a\nb", b"a\x00b", b"\xc3", b"\xff", "\ud800"])
def test_quoted_refuses_what_no_quoted_string_can_carry(value: bytes | str) -> None:
    with pytest.raises(IMAPValueError):
        Quoted(value)


def test_quoted_value() -> None:
    assert Quoted("café").value == "café".encode()
    assert Quoted("café").needs_utf8
    assert not Quoted(b"cafe").needs_utf8
    with pytest.raises(TypeError):
        Quoted(12)  # type: ignore[arg-type]


def test_literal_value() -> None:
    assert Literal("x\r\ny").data == b"x\r\ny"
    assert not Literal(b"x").binary
    with pytest.raises(IMAPValueError, match="NUL"):
        Literal(b"a\x00b")
    assert Literal(b"a\x00b", binary=True).binary


def test_nil() -> None:
    assert NIL is Nil.NIL
    assert repr(NIL) == "NIL"
    assert NIL.to_bytes() == b"NIL"


# --- quoting (RFC 9051 §9 quoted-specials) --------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "wire"),
    [
        (b"", b'""'),
        (b"hello", b'"hello"'),
        (b'say "hi"', b'"say \\"hi\\""'),
        (b"C:\\dir", b'"C:\\\\dir"'),
        (b'\\"', b'"\\\\\\""'),
        (b"a]b(c)", b'"a]b(c)"'),
    ],
)
def test_quoted_known_answers(content: bytes, wire: bytes) -> None:
    assert Quoted(content).to_bytes() == wire
    reader = Reader(wire)
    assert reader.read_quoted() == content
    assert reader.at_end()
    writer = Writer()
    writer.quoted(content)
    assert writer.to_bytes() == wire


# --- choosing forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "options", "expected"),
    [
        (b"INBOX", WireOptions(), Atom("INBOX")),
        ("fred", WireOptions(), Atom("fred")),
        (b"NIL", WireOptions(), Atom("NIL")),  # the astring NIL is the mailbox named NIL
        (b"", WireOptions(), Quoted(b"")),
        (b"two words", WireOptions(), Quoted(b"two words")),
        (b"a]b", WireOptions(), Quoted(b"a]b")),
        (b"%", WireOptions(), Quoted(b"%")),
        ("café", WireOptions(), Literal("café")),
        ("café", UTF8, Quoted("café")),
        (b"line\r\nbreak", UTF8, Literal(b"line\r\nbreak")),
        (b"\xff\xfe", UTF8, Literal(b"\xff\xfe")),
    ],
)
def test_choose_astring(data: bytes | str, options: WireOptions, expected: object) -> None:
    assert choose_astring(data, options) == expected


def test_choose_string_never_an_atom() -> None:
    assert choose_string(b"fred") == Quoted(b"fred")
    assert choose_string(b"a\nb") == Literal(b"a\nb")
    with pytest.raises(IMAPValueError, match="NUL"):
        choose_string(b"a\x00b")
    with pytest.raises(IMAPValueError, match="NUL"):
        choose_astring(b"\x00")


def test_choose_nstring() -> None:
    assert choose_nstring(None) is NIL
    assert choose_nstring(b"NIL") == Quoted(b"NIL")  # never confused with nil (§4.5)
    assert choose_nstring("x\r") == Literal(b"x\r")


def test_str_without_utf8_form_is_refused() -> None:
    with pytest.raises(IMAPValueError, match="no UTF-8 form"):
        choose_astring("\udcff")
    with pytest.raises(TypeError):
        choose_astring(None)  # type: ignore[arg-type]


# --- literal modes (RFC 7888) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("support", "size", "mode"),
    [
        (LiteralSupport.SYNC_ONLY, 1, LiteralMode.SYNC),
        (LiteralSupport.LITERAL_PLUS, 1, LiteralMode.NONSYNC),
        (LiteralSupport.LITERAL_PLUS, 10**9, LiteralMode.NONSYNC),
        (LiteralSupport.LITERAL_MINUS, NONSYNC_LITERAL_MAX, LiteralMode.NONSYNC),
        (LiteralSupport.LITERAL_MINUS, NONSYNC_LITERAL_MAX + 1, LiteralMode.SYNC),
    ],
)
def test_literal_mode(support: LiteralSupport, size: int, mode: LiteralMode) -> None:
    assert literal_mode(size, WireOptions(literals=support)) is mode


def test_rfc7888_login_example() -> None:
    # RFC 7888 §3: C: A001 LOGIN {11+} / C: FRED FOOBAR {7+} / C: fat man
    writer = Writer(PLUS)
    writer.tag("A001")
    writer.raw(b" LOGIN ")
    writer.literal(b"FRED FOOBAR")
    writer.sp()
    writer.literal(b"fat man")
    writer.crlf()
    fragments = writer.fragments()
    assert fragments == [
        LineFragment(b"A001 LOGIN {11+}\r\n"),
        LiteralFragment(b"FRED FOOBAR", LiteralMode.NONSYNC),
        LineFragment(b" {7+}\r\n"),
        LiteralFragment(b"fat man", LiteralMode.NONSYNC),
        LineFragment(b"\r\n"),
    ]
    assert join_fragments(fragments) == b"A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n"
    assert writer.fragments() == []  # the writer was emptied


def test_writer_sync_literals_and_string_forms() -> None:
    writer = Writer()
    writer.tag("a1")
    writer.raw(b" LOGIN ")
    writer.astring("fred")
    writer.sp()
    writer.astring("fat man")
    writer.sp()
    writer.string("x\r\ny")
    writer.sp()
    writer.nstring(None)
    writer.sp()
    writer.nstring("NIL")
    writer.crlf()
    fragments = writer.fragments()
    assert fragments == [
        LineFragment(b'a1 LOGIN fred "fat man" {4}\r\n'),
        LiteralFragment(b"x\r\ny", LiteralMode.SYNC),
        LineFragment(b' NIL "NIL"\r\n'),
    ]
    with pytest.raises(IMAPValueError, match="NUL"):
        writer.string(b"\x00")


def test_writer_literal_minus_switches_to_sync_above_4096() -> None:
    writer = Writer(MINUS)
    writer.literal(b"x" * 4096)
    writer.literal(b"x" * 4097)
    modes = [f.mode for f in writer.fragments() if isinstance(f, LiteralFragment)]
    assert modes == [LiteralMode.NONSYNC, LiteralMode.SYNC]


def test_writer_binary_literal() -> None:
    writer = Writer()
    writer.literal(b"\x00\x01", binary=True)
    assert writer.fragments() == [
        LineFragment(b"~{2}\r\n"),
        LiteralFragment(b"\x00\x01", LiteralMode.SYNC, binary=True),
    ]
    with pytest.raises(IMAPValueError, match="NUL"):
        Writer().literal(b"\x00")


def test_writer_numbers_and_atoms() -> None:
    writer = Writer()
    writer.number(0)
    writer.sp()
    writer.nz_number(2**32 - 1)
    writer.sp()
    writer.number64(2**63 - 1)
    writer.sp()
    writer.nz_number64(1)
    writer.sp()
    writer.atom("FLAGS")
    assert writer.to_bytes() == b"0 4294967295 9223372036854775807 1 FLAGS"
    for method, value in [
        (writer.number, 2**32),
        (writer.nz_number, 0),
        (writer.number64, -1),
        (writer.nz_number64, 0),
    ]:
        with pytest.raises(IMAPValueError):
            method(value)
    with pytest.raises(IMAPValueError):
        writer.atom("a b")
    with pytest.raises(IMAPValueError):
        writer.tag("a+b")


def test_writer_quoted_refuses_unquotable() -> None:
    with pytest.raises(IMAPValueError, match="quoted"):
        Writer().quoted(b"a\r\nb")
    with pytest.raises(IMAPValueError, match="quoted"):
        Writer().quoted("café")
    writer = Writer(UTF8)
    writer.quoted("café")
    assert writer.to_bytes() == '"café"'.encode()


def test_writer_value() -> None:
    writer = Writer(PLUS)
    for value in (Atom("a"), Quoted(b'q"'), Literal(b"lit"), NIL, 42):
        writer.value(value)
        writer.sp()
    assert writer.to_bytes() == b'a "q\\"" {3+}\r\nlit NIL 42 '
    with pytest.raises(IMAPValueError, match="UTF8=ACCEPT"):
        Writer().value(Quoted("café"))


# --- round trips ----------------------------------------------------------------------------------


def _read_back(wire: bytes, method: str) -> object:
    reader = Reader(wire + b"\r\n")
    value = getattr(reader, method)()
    reader.finish()
    return value


@given(s.atom_values)
def test_atom_round_trip(atom: Atom) -> None:
    writer = Writer()
    writer.value(atom)
    assert _read_back(writer.to_bytes(), "read_atom") == atom.value


@given(s.quoted_values)
def test_quoted_round_trip(quoted: Quoted) -> None:
    writer = Writer(UTF8)
    writer.value(quoted)
    assert _read_back(writer.to_bytes(), "read_quoted") == quoted.value


@given(s.literal_values, s.wire_options)
def test_literal_round_trip(literal: Literal, options: WireOptions) -> None:
    writer = Writer(options)
    writer.value(literal)
    method = "read_literal8" if literal.binary else "read_literal"
    assert _read_back(writer.to_bytes(), method) == literal.data


@given(s.string_octets, s.wire_options)
def test_astring_round_trip(data: bytes, options: WireOptions) -> None:
    value = choose_astring(data, options)
    writer = Writer(options)
    writer.value(value)
    wire = writer.to_bytes()
    assert _read_back(wire, "read_astring") == data
    other = Writer(options)
    other.astring(data)
    assert other.to_bytes() == wire  # the writer and the chooser agree
    if isinstance(value, Quoted):
        assert options.utf8 or data.isascii()


@given(st.one_of(st.none(), s.string_octets), s.wire_options)
def test_nstring_round_trip(data: bytes | None, options: WireOptions) -> None:
    writer = Writer(options)
    writer.nstring(data)
    assert _read_back(writer.to_bytes(), "read_nstring") == data


@given(s.string_octets, s.wire_options)
def test_string_round_trip(data: bytes, options: WireOptions) -> None:
    writer = Writer(options)
    writer.value(choose_string(data, options))
    assert _read_back(writer.to_bytes(), "read_string") == data


@given(s.numbers, s.number64s)
def test_number_round_trip(number: int, number64: int) -> None:
    writer = Writer()
    writer.number(number)
    writer.sp()
    writer.number64(number64)
    reader = Reader(writer.to_bytes())
    assert reader.read_number() == number
    reader.expect_sp()
    assert reader.read_number64() == number64
    assert reader.at_end()


@given(s.tags)
def test_tag_round_trip(tag: str) -> None:
    writer = Writer()
    writer.tag(tag)
    writer.raw(b" NOOP\r\n")
    assert Reader(writer.to_bytes()).read_tag() == tag
