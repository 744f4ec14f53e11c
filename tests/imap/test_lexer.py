"""The IMAP lexer: every terminal, its errors (with exact offsets), nesting limits, fuzzing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag, read_flag_list
from pymailproto.imap._lexer import DEFAULT_MAX_DEPTH, MAX_NUMBER, MAX_NUMBER64, Reader
from tests.imap import strategies as s

# --- errors ---------------------------------------------------------------------------------------


def test_error_classes() -> None:
    error = IMAPParseError("bad", offset=7, tag="A1")
    assert isinstance(error, RemoteProtocolError)
    assert (error.offset, error.tag, error.message, error.reply, error.fatal) == (
        7,
        "A1",
        "bad",
        None,
        False,
    )
    value_error = IMAPValueError("no")
    assert isinstance(value_error, LocalProtocolError)
    assert isinstance(value_error, ValueError)


def parse_error(action: Callable[[Reader], object], data: bytes, **kwargs: Any) -> IMAPParseError:
    """Run ``action`` on a reader over ``data``; it must fail without moving the cursor."""
    reader = Reader(data, **kwargs)
    with pytest.raises(IMAPParseError) as info:
        action(reader)
    assert reader.pos == 0
    return info.value


def test_error_message_names_expectation_offset_and_found_text() -> None:
    reader = Reader(b"A1  LOGIN\r\n")
    assert reader.read_tag() == "A1"
    reader.expect_sp()
    with pytest.raises(IMAPParseError) as info:
        reader.expect_keyword(b"LOGIN")
    assert info.value.offset == 3
    assert info.value.tag == "A1"
    assert str(info.value) == "expected \"LOGIN\" at offset 3, found b' LOGIN\\r\\n'"


def test_error_at_end_of_message() -> None:
    reader = Reader(b"A1")
    reader.read_tag()
    with pytest.raises(IMAPParseError, match="found the end of the message") as info:
        reader.expect_sp()
    assert info.value.offset == 2


def test_fail_defaults_to_the_current_position() -> None:
    reader = Reader(b"abc", 2, tag="x")
    error = reader.fail("something odd")
    assert (error.offset, error.tag, error.message) == (2, "x", "something odd at offset 2")


def test_keyword_cache_is_bounded() -> None:
    from pymailproto.imap import _lexer

    words = [b"X-WORD-%d" % n for n in range(_lexer._KEYWORDS_MAX + 100)]
    for word in words:
        assert Reader(word.lower()).read_keyword() == word.decode()
        assert len(_lexer._KEYWORDS) <= _lexer._KEYWORDS_MAX
    # after the flood, keywords are remembered again
    assert Reader(b"fetch").read_keyword() == "FETCH"
    assert _lexer._KEYWORDS[b"fetch"] == "FETCH"
    assert Reader(b"fetch").read_keyword() == "FETCH"


def test_repr_shows_position() -> None:
    reader = Reader(b"* OK hello\r\n", 2)
    assert repr(reader) == "<Reader at 2 of 12: b'OK hello\\r\\n'>"


# --- punctuation and keywords ---------------------------------------------------------------------


def test_peek_at_skip_expect() -> None:
    reader = Reader(b"* (x)\r\n")
    assert reader.peek() == 0x2A
    assert reader.at(b"* (")
    assert not reader.skip(b"+")
    assert reader.skip(b"*")
    reader.expect(b" ")
    assert not reader.skip_sp()
    with pytest.raises(IMAPParseError, match='expected "\\)" at offset 2') as info:
        reader.expect(b")")
    assert info.value.offset == 2
    reader.pos = 5
    reader.finish()
    assert reader.at_end()
    assert reader.peek() == -1


def test_finish_requires_crlf_and_nothing_after() -> None:
    with pytest.raises(IMAPParseError, match="CRLF") as info:
        Reader(b"x\n", 1).finish()
    assert info.value.offset == 1
    with pytest.raises(IMAPParseError, match="end of the message") as info:
        Reader(b"\r\nA2 NOOP\r\n").finish()
    assert info.value.offset == 2


@pytest.mark.parametrize(
    ("data", "keyword", "end"),
    [
        (b"FETCH 1", "FETCH", 5),
        (b"fetch 1", "FETCH", 5),
        (b"RFC822.SIZE 44", "RFC822.SIZE", 11),
        (b"BODY[TEXT]", "BODY", 4),
        (b"body.peek[]", "BODY.PEEK", 9),
        (b"X-GM-MSGID 1", "X-GM-MSGID", 10),
        (b"IMAP4rev2\r\n", "IMAP4REV2", 9),
    ],
)
def test_read_keyword(data: bytes, keyword: str, end: int) -> None:
    reader = Reader(data)
    assert reader.read_keyword() == keyword
    assert reader.pos == end


def test_read_keyword_refuses_numbers_and_specials() -> None:
    assert parse_error(Reader.read_keyword, b"12 FETCH").offset == 0
    assert parse_error(Reader.read_keyword, b"(FLAGS").offset == 0


@pytest.mark.parametrize(
    ("data", "word", "matches"),
    [
        (b"BODY[", b"BODY", True),
        (b"body ", b"BODY", True),
        (b"BODY", b"BODY", True),
        (b"BODYSTRUCTURE", b"BODY", False),
        (b"BODY.PEEK[", b"BODY", False),
        (b"NILS", b"NIL", False),
        (b"Nil)", b"NIL", True),
        (b"NI", b"NIL", False),
    ],
)
def test_skip_keyword_needs_the_whole_word(data: bytes, word: bytes, matches: bool) -> None:
    reader = Reader(data)
    assert reader.skip_keyword(word) is matches
    assert reader.pos == (len(word) if matches else 0)


def test_expect_keyword_error() -> None:
    error = parse_error(lambda r: r.expect_keyword(b"FETCH"), b"FETCHED")
    assert error.offset == 0
    assert '"FETCH"' in error.message


# --- atoms and tags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "atom", "end"),
    [
        (b"abc def", "abc", 3),
        (b"$Forwarded)", "$Forwarded", 10),
        (b"BODY[HEADER]", "BODY[HEADER", 11),  # "[" is an ATOM-CHAR, "]" is not
        (b"a{1}", "a", 1),
        (b"x%y", "x", 1),
        (b"~peter/mail", "~peter/mail", 11),
    ],
)
def test_read_atom(data: bytes, atom: str, end: int) -> None:
    reader = Reader(data)
    assert reader.read_atom() == atom
    assert reader.pos == end


@pytest.mark.parametrize("data", [b" a", b"(a", b'"a"', b"\x00", b"\xc3\xa9", b"]", b"\\Seen"])
def test_read_atom_refuses(data: bytes) -> None:
    assert parse_error(Reader.read_atom, data).offset == 0


def test_read_tag_sets_reader_tag_and_stops_at_plus() -> None:
    reader = Reader(b"a]1+ NOOP\r\n")
    assert reader.read_tag() == "a]1"
    assert reader.tag == "a]1"
    assert reader.pos == 3
    assert parse_error(Reader.read_tag, b"+ go ahead").offset == 0
    assert parse_error(Reader.read_tag, b"* OK").offset == 0


def test_tag_given_to_the_reader_is_carried_by_errors() -> None:
    error = parse_error(Reader.read_number, b"x", tag="T7")
    assert error.tag == "T7"


# --- quoted strings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "value", "end"),
    [
        (b'"" x', b"", 2),
        (b'"hello world"', b"hello world", 13),
        (b'"say \\"hi\\""', b'say "hi"', 12),
        (b'"back\\\\slash"', b"back\\slash", 13),
        (b'"\\\\"', b"\\", 4),
        (b'"a]b(c)d{e}%*"', b"a]b(c)d{e}%*", 14),
        (b'"tab\there"', b"tab\there", 10),
        (b'"caf\xc3\xa9"', "café".encode(), 7),
        (b'"\xf0\x9f\x93\xa7 mail"', "📧 mail".encode(), 11),
    ],
)
def test_read_quoted(data: bytes, value: bytes, end: int) -> None:
    reader = Reader(data)
    assert reader.read_quoted() == value
    assert reader.pos == end


@pytest.mark.parametrize(
    ("data", "offset", "problem"),
    [
        (b"abc", 0, "expected quoted string"),
        (b'"abc', 4, "DQUOTE closing"),
        (b'"ab\r\nc"', 3, "DQUOTE closing"),
        (b'"ab\nc"', 3, "DQUOTE closing"),
        (b'"a\\bc"', 3, 'DQUOTE or "\\" after "\\"'),
        (b'"a\\', 3, 'DQUOTE or "\\" after "\\"'),
        (b'"a\x00b"', 2, "NUL"),
        (b'"caf\xc3"', 4, "invalid UTF-8"),
        (b'"\xed\xa0\x80"', 1, "invalid UTF-8"),  # an encoded surrogate is not UTF-8
        (b'"\xc0\xaf"', 1, "invalid UTF-8"),  # overlong
    ],
)
def test_read_quoted_errors(data: bytes, offset: int, problem: str) -> None:
    error = parse_error(Reader.read_quoted, data)
    assert error.offset == offset
    assert problem in error.message


def test_quoted_8bit_needs_utf8_flag() -> None:
    error = parse_error(Reader.read_quoted, b'"ab\xc3\xa9"', utf8=False)
    assert error.offset == 3
    assert "UTF8=ACCEPT" in error.message
    assert Reader(b'"ab"', utf8=False).read_quoted() == b"ab"


# --- literals -------------------------------------------------------------------------------------


def test_read_literal_sync_and_nonsync() -> None:
    reader = Reader(b"{5}\r\nhe\r\nl {0}\r\n {3+}\r\nfat")
    assert reader.read_literal() == b"he\r\nl"
    reader.expect_sp()
    assert reader.read_literal() == b""
    reader.expect_sp()
    assert reader.read_literal() == b"fat"
    assert reader.at_end()


def test_literal_length_may_have_leading_zeros() -> None:
    assert Reader(b"{003}\r\nabc").read_literal() == b"abc"
    assert Reader(b"{" + b"0" * 5000 + b"2}\r\nab").read_literal() == b"ab"


@pytest.mark.parametrize(
    ("data", "offset", "problem", "kwargs"),
    [
        (b"{5}\r\nabc", 5, "runs past the end", {}),
        (b"{3}abc", 0, "expected literal", {}),
        (b"{3}\nabc", 0, "expected literal", {}),
        (b"{}\r\n", 0, "expected literal", {}),
        (b"{-1}\r\n", 0, "expected literal", {}),
        (b"{3+}\r\nabc", 0, "non-synchronizing", {"nonsync": False}),
        (b"{3}\r\na\x00c", 6, "NUL", {}),
        (b"{9223372036854775808}\r\n", 1, "number64", {}),
        (b"{" + b"9" * 30 + b"}\r\n", 1, "number64", {}),
    ],
)
def test_read_literal_errors(
    data: bytes, offset: int, problem: str, kwargs: dict[str, Any]
) -> None:
    error = parse_error(Reader.read_literal, data, **kwargs)
    assert error.offset == offset
    assert problem in error.message


def test_read_literal8() -> None:
    reader = Reader(b"~{4}\r\n\x00\x01\xff\r ~{1+}\r\nx")
    assert reader.read_literal8() == b"\x00\x01\xff\r"
    reader.expect_sp()
    assert reader.read_literal8() == b"x"
    assert parse_error(Reader.read_literal8, b"{1}\r\nx").offset == 0
    error = parse_error(Reader.read_literal8, b"~{1+}\r\nx", nonsync=False)
    assert error.offset == 0
    assert "non-synchronizing" in error.message
    assert parse_error(Reader.read_literal8, b"~{2}\r\nx").offset == 6


# --- string, nstring, astring, list-mailbox, nil --------------------------------------------------


def test_read_string() -> None:
    assert Reader(b'"a b"').read_string() == b"a b"
    assert Reader(b"{3}\r\na b").read_string() == b"a b"
    assert parse_error(Reader.read_string, b"abc").offset == 0
    assert parse_error(Reader.read_string, b"NIL").offset == 0


@pytest.mark.parametrize(
    ("data", "value", "end"),
    [
        (b"NIL ", None, 3),
        (b"nil)", None, 3),
        (b"NIL", None, 3),
        (b'"NIL"', b"NIL", 5),
        (b'"a\\"b"', b'a"b', 6),
        (b"{2}\r\nab", b"ab", 7),
        (b'"\xc3\xa9"', "é".encode(), 4),
    ],
)
def test_read_nstring(data: bytes, value: bytes | None, end: int) -> None:
    reader = Reader(data)
    assert reader.read_nstring() == value
    assert reader.pos == end


@pytest.mark.parametrize(
    ("data", "offset"),
    [(b"NILX", 0), (b"abc", 0), (b'"abc', 4), (b"", 0), (b'"a\x00"', 2), (b"N", 0)],
)
def test_read_nstring_errors(data: bytes, offset: int) -> None:
    assert parse_error(Reader.read_nstring, data).offset == offset


@pytest.mark.parametrize(
    ("data", "value", "end"),
    [
        (b"INBOX ", b"INBOX", 5),
        (b"NIL ", b"NIL", 3),  # an astring NIL is three octets, never nil (RFC 9051 §4.5)
        (b"foo]bar ", b"foo]bar", 7),
        (b'"two words"', b"two words", 11),
        (b"{3}\r\n(x)", b"(x)", 8),
    ],
)
def test_read_astring(data: bytes, value: bytes, end: int) -> None:
    reader = Reader(data)
    assert reader.read_astring() == value
    assert reader.pos == end


def test_read_astring_errors() -> None:
    assert parse_error(Reader.read_astring, b"(x)").offset == 0
    assert parse_error(Reader.read_astring, b" x").offset == 0


def test_read_list_mailbox() -> None:
    reader = Reader(b"%/foo*] x")
    assert reader.read_list_mailbox() == b"%/foo*]"
    assert Reader(b'"a b*"').read_list_mailbox() == b"a b*"
    assert Reader(b"{1}\r\n%").read_list_mailbox() == b"%"
    assert parse_error(Reader.read_list_mailbox, b"(").offset == 0


def test_read_nil() -> None:
    reader = Reader(b"NIL nil")
    reader.read_nil()
    reader.expect_sp()
    assert reader.skip_nil()
    assert not Reader(b'"NIL"').skip_nil()
    assert parse_error(Reader.read_nil, b"NILL").offset == 0


# --- text and base64 ------------------------------------------------------------------------------


def test_read_text() -> None:
    reader = Reader(b"[ALERT] Hello there\r\n")
    assert reader.read_text() == "[ALERT] Hello there"
    assert reader.pos == 19
    assert Reader("Grüße\r\n".encode()).read_text() == "Grüße"
    assert parse_error(Reader.read_text, b"\r\n").offset == 0
    error = parse_error(Reader.read_text, "Grüße\r\n".encode(), utf8=False)
    assert error.offset == 2
    assert parse_error(Reader.read_text, b"ab\xff\r\n").offset == 2


def test_read_base64() -> None:
    reader = Reader(b"dGVzdAB0ZXN0AHRlc3Q=\r\n")
    assert reader.read_base64() == b"test\x00test\x00test"
    assert reader.pos == 20
    reader = Reader(b"\r\n")
    assert reader.read_base64() == b""
    assert reader.pos == 0
    reader = Reader(b"YWJjZA==\r\n")
    assert reader.read_base64() == b"abcd"
    reader = Reader(b"YWJjZ\r\n")  # five characters: four are read, the caller then fails
    assert reader.read_base64() == b"abc"
    assert reader.pos == 4


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "data", "value"),
    [
        (Reader.read_number, b"0", 0),
        (Reader.read_number, b"4294967295", MAX_NUMBER),
        (Reader.read_number, b"007", 7),
        (Reader.read_number, b"0" * 4400 + b"12", 12),  # no int() digit limit trouble
        (Reader.read_nz_number, b"1", 1),
        (Reader.read_nz_number, b"4827313)", 4827313),
        (Reader.read_nz_number, b"4294967295", MAX_NUMBER),
        (Reader.read_number64, b"9223372036854775807", MAX_NUMBER64),
        (Reader.read_number64, b"0", 0),
        (Reader.read_number64, b"0" * 30 + b"5", 5),
        (Reader.read_nz_number64, b"9223372036854775807", MAX_NUMBER64),
        (Reader.read_mod_sequence_value, b"720162338", 720162338),
        (Reader.read_mod_sequence_value, b"01", 1),
        (Reader.read_mod_sequence_valzer, b"0", 0),
        (Reader.read_mod_sequence_valzer, b"9223372036854775807", MAX_NUMBER64),
    ],
)
def test_numbers(method: Callable[[Reader], int], data: bytes, value: int) -> None:
    reader = Reader(data)
    assert method(reader) == value
    assert reader.pos == len(data) - (1 if data.endswith(b")") else 0)


@pytest.mark.parametrize(
    ("method", "data", "problem"),
    [
        (Reader.read_number, b"4294967296", "beyond"),
        (Reader.read_number, b"99999999999", "beyond"),
        (Reader.read_number, b"-1", "expected number"),
        (Reader.read_number, b"x", "expected number"),
        (Reader.read_nz_number, b"0", "expected nz-number"),
        (Reader.read_nz_number, b"012", "expected nz-number"),
        (Reader.read_nz_number, b"4294967296", "beyond"),
        (Reader.read_nz_number, b"12345678901", "beyond"),
        (Reader.read_number64, b"9223372036854775808", "beyond"),
        (Reader.read_number64, b"99999999999999999999", "beyond"),
        (Reader.read_nz_number64, b"0", "expected nz-number64"),
        (Reader.read_mod_sequence_value, b"0", "expected mod-sequence-value"),
        (Reader.read_mod_sequence_value, b"000", "expected mod-sequence-value"),
        (Reader.read_mod_sequence_valzer, b"9223372036854775808", "beyond"),
        (Reader.read_mod_sequence_valzer, b"", "expected mod-sequence-valzer"),
    ],
)
def test_number_errors(method: Callable[[Reader], int], data: bytes, problem: str) -> None:
    error = parse_error(method, data)
    assert error.offset == 0
    assert problem in error.message


# --- lists and nesting ----------------------------------------------------------------------------


def test_read_list() -> None:
    reader = Reader(b'(a "b c" {1}\r\nd) () (1)')
    assert reader.read_list(Reader.read_astring) == [b"a", b"b c", b"d"]
    reader.expect_sp()
    assert reader.read_list(Reader.read_astring) == []
    reader.expect_sp()
    assert reader.read_list(Reader.read_number) == [1]
    assert reader.depth == 0
    with pytest.raises(IMAPParseError) as info:
        Reader(b"(a b").read_list(Reader.read_astring)
    assert info.value.offset == 4
    with pytest.raises(IMAPParseError) as info:
        Reader(b"(a  b)").read_list(Reader.read_astring)
    assert info.value.offset == 3


def test_open_and_close_list_track_depth() -> None:
    reader = Reader(b"(())", max_depth=2)
    reader.open_list()
    reader.open_list()
    assert reader.depth == 2
    reader.close_list()
    reader.close_list()
    assert reader.depth == 0
    with pytest.raises(IMAPParseError, match="nested deeper than 1") as info:
        _nested(Reader(b"((", max_depth=1))
    assert info.value.offset == 1
    assert parse_error(Reader.open_list, b")").offset == 0
    assert parse_error(Reader.close_list, b"(").offset == 0


DEEP = 10_000


def _nested(reader: Reader) -> object:
    """A naively recursive parser: lists of lists or numbers."""
    if reader.peek() == 0x28:
        return reader.read_list(_nested)
    return reader.read_number()


def test_deep_nesting_gives_a_clean_error_not_recursion_error() -> None:
    data = b"(" * DEEP + b"1" + b")" * DEEP + b"\r\n"
    with pytest.raises(IMAPParseError) as info:
        _nested(Reader(data))
    assert info.value.offset == DEFAULT_MAX_DEPTH
    assert f"nested deeper than {DEFAULT_MAX_DEPTH}" in info.value.message
    with pytest.raises(IMAPParseError) as info:
        Reader(data).read_body_extension()
    assert info.value.offset == DEFAULT_MAX_DEPTH
    with pytest.raises(IMAPParseError) as info:
        read_flag_list(Reader(b"(" * DEEP, max_depth=0))
    assert info.value.offset == 0


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = DEFAULT_MAX_DEPTH
    data = b"(" * depth + b"1" + b")" * depth
    value: Any = _nested(Reader(data))
    for _ in range(depth):
        assert isinstance(value, list)
        assert len(value) == 1
        value = value[0]
    assert value == 1


def test_read_body_extension() -> None:
    data = b'("a" 12 NIL ("x" ("y" 9223372036854775807)) {2}\r\nzz) rest'
    reader = Reader(data)
    assert reader.read_body_extension() == (
        b"a",
        12,
        None,
        (b"x", (b"y", MAX_NUMBER64)),
        b"zz",
    )
    assert reader.pos == len(data) - len(b" rest") == 52
    assert reader.depth == 0
    assert Reader(b"7").read_body_extension() == 7
    assert Reader(b"NIL").read_body_extension() is None
    with pytest.raises(IMAPParseError) as info:
        Reader(b"()").read_body_extension()  # body-extension lists are never empty
    assert info.value.offset == 1
    with pytest.raises(IMAPParseError) as info:
        Reader(b"(1 atom)").read_body_extension()
    assert info.value.offset == 3


# --- a whole message ------------------------------------------------------------------------------


def test_parse_a_fetch_response_with_the_primitives() -> None:
    message = b"* 12 FETCH (FLAGS (\\Seen) UID 4827313 BODY[] {5}\r\nhello RFC822.SIZE 44827)\r\n"
    reader = Reader(message, nonsync=False)
    reader.expect(b"* ")
    assert reader.read_nz_number() == 12
    reader.expect_sp()
    reader.expect_keyword(b"FETCH")
    reader.expect_sp()
    reader.open_list()
    items: dict[str, object] = {}
    while True:
        name = reader.read_keyword()
        if name == "BODY":
            reader.expect(b"[]")
        reader.expect_sp()
        if name == "FLAGS":
            items[name] = read_flag_list(reader)
        elif name == "BODY":
            items[name] = reader.read_nstring()
        else:
            items[name] = reader.read_number()
        if not reader.skip_sp():
            break
    reader.close_list()
    reader.finish()
    assert items == {
        "FLAGS": (Flag.SEEN,),
        "UID": 4827313,
        "BODY": b"hello",
        "RFC822.SIZE": 44827,
    }


# --- fuzzing: a value or RemoteProtocolError, never anything else ---------------------------------

TERMINALS: list[Callable[[Reader], object]] = [
    Reader.read_keyword,
    Reader.read_atom,
    Reader.read_tag,
    Reader.read_quoted,
    Reader.read_literal,
    Reader.read_literal8,
    Reader.read_string,
    Reader.read_nstring,
    Reader.read_astring,
    Reader.read_list_mailbox,
    Reader.read_nil,
    Reader.read_text,
    Reader.read_base64,
    Reader.read_number,
    Reader.read_nz_number,
    Reader.read_number64,
    Reader.read_nz_number64,
    Reader.read_mod_sequence_value,
    Reader.read_mod_sequence_valzer,
    Reader.expect_sp,
    Reader.expect_crlf,
    Reader.finish,
    Reader.open_list,
    Reader.close_list,
]
COMPOSITES: list[Callable[[Reader], object]] = [
    Reader.read_body_extension,
    lambda reader: reader.read_list(Reader.read_nstring),
    _nested,
]

#: IMAP-flavoured fragments, so that fuzzing reaches past the first octet.
imapish = st.lists(
    st.sampled_from(
        [
            b'"',
            b"\\",
            b"{",
            b"}",
            b"+",
            b"~",
            b"\r\n",
            b"\r",
            b"\n",
            b"NIL",
            b"(",
            b")",
            b" ",
            b"0",
            b"1",
            b"9",
            b"4294967296",
            b"*",
            b"]",
            b"\x00",
            b"\xff",
            b"\xc3\xa9",
            b"\xc3",
            b"A",
            b"=",
            b"{3}\r\n",
            b"{2+}\r\n",
            b"~{1}\r\n",
        ]
    ),
    max_size=20,
).map(b"".join)
fuzz_input = st.one_of(st.binary(max_size=40), imapish)


@settings(max_examples=300, deadline=None)
@given(
    data=fuzz_input,
    utf8=st.booleans(),
    nonsync=st.booleans(),
    index=st.integers(0, len(TERMINALS) - 1),
)
def test_terminals_return_or_raise_remote_protocol_error(
    data: bytes, utf8: bool, nonsync: bool, index: int
) -> None:
    reader = Reader(data, utf8=utf8, nonsync=nonsync)
    try:
        TERMINALS[index](reader)
    except RemoteProtocolError as exc:
        assert isinstance(exc, IMAPParseError)
        assert 0 <= exc.offset <= len(data)
        assert reader.pos == 0  # terminals do not move on failure
    else:
        assert 0 <= reader.pos <= len(data)


@settings(max_examples=200, deadline=None)
@given(data=fuzz_input, index=st.integers(0, len(COMPOSITES) - 1))
def test_composites_return_or_raise_remote_protocol_error(data: bytes, index: int) -> None:
    reader = Reader(data, max_depth=8)
    try:
        COMPOSITES[index](reader)
    except RemoteProtocolError as exc:
        assert isinstance(exc, IMAPParseError)
        assert 0 <= exc.offset <= len(data)


# --- round trips through the grammar --------------------------------------------------------------


@given(s.keywords)
def test_keywords_read_upper_case(word: str) -> None:
    reader = Reader(word.encode() + b" ")
    assert reader.read_keyword() == word.upper()
    assert reader.pos == len(word)
    assert Reader(word.encode()).skip_keyword(word.upper().encode())


@given(s.atoms)
def test_atoms_read_back(atom: str) -> None:
    assert Reader(atom.encode() + b" ").read_atom() == atom


@given(s.tags)
def test_tags_read_back(tag: str) -> None:
    reader = Reader(tag.encode() + b" NOOP\r\n")
    assert reader.read_tag() == tag
    assert reader.peek() == 0x20
