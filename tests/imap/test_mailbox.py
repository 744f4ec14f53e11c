"""Mailbox names: modified UTF-7 (RFC 3501 §5.1.3), UTF-8 (RFC 6855 §3), INBOX (RFC 9051 §5.1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import (
    INBOX,
    decode_mailbox,
    encode_mailbox,
    is_inbox,
    join_mailbox,
    normalize_mailbox,
    read_mailbox,
    split_mailbox,
    utf7_decode,
    utf7_encode,
)
from pymailproto.imap._values import Writer
from tests.imap import strategies as s

# --- modified UTF-7: the RFC's examples -----------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "name"),
    [
        # RFC 3501 §5.1.3: "a mailbox name which mixes English, Chinese, and Japanese text"
        (b"~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"),
        # "The correct form is "&Jjo-!"" (U+263A WHITE SMILING FACE, then "!")
        (b"&Jjo-!", "\u263a!"),
        # "The correct form is "&U,BTF2XlZyyKng-""
        (b"&U,BTF2XlZyyKng-", "\u53f0\u5317\u65e5\u672c\u8a9e"),
        # "The character "&" (0x26) is represented by the two-octet sequence "&-"."
        (b"&-", "&"),
        (b"Tom &- Jerry", "Tom & Jerry"),
        (b"&U,BTFw-&-", "\u53f0\u5317&"),  # a shift back, then "&" itself: no null shift
        (b"", ""),
        (b"plain ASCII ~\\/%*", "plain ASCII ~\\/%*"),
        (b"Entw&APw-rfe", "Entw\u00fcrfe"),
        (b"&2D3c6Q-", "\U0001f4e9"),  # outside the BMP: a UTF-16 surrogate pair
        (b"&AAA-", "\x00"),  # controls are encoded too
    ],
)
def test_utf7_known_answers(wire: bytes, name: str) -> None:
    assert utf7_decode(wire) == name
    assert utf7_encode(name) == wire


@pytest.mark.parametrize(
    ("wire", "index", "problem"),
    [
        # RFC 3501 §5.1.3: ""&Jjo!" is not a valid mailbox name because it does not contain a
        # shift to US-ASCII before the "!""
        (b"&Jjo!", 4, '"-" expected'),
        (b"&Jjo", 0, "not closed"),
        # ""&U,BTFw-&ZeVnLIqe-" is not permitted because it contains a superfluous shift"
        (b"&U,BTFw-&ZeVnLIqe-", 8, "null shift"),
        # "Modified BASE64 MUST NOT be used to represent any printing US-ASCII character"
        (b"&AGE-", 1, "printable US-ASCII"),
        (b"&ACY-", 1, "printable US-ASCII"),  # "&" itself is written "&-"
        (b"&AOkAYQ-", 1, "printable US-ASCII"),
        # base64 padding and stray bits: only one encoding per name
        (b"&AOk=-", 4, '"-" expected'),
        (b"&AOl-", 1, "non-canonical"),
        (b"&AOkA-", 1, "non-canonical"),
        (b"&A-", 1, "impossible length"),
        (b"&AA-", 1, "non-canonical"),
        # "," replaces "/" -- "/" is not in the modified alphabet
        (b"&U/BTFw-", 2, '"-" expected'),
        # lone surrogates are not UTF-16
        (b"&2D0-", 1, "UTF-16"),
        # 8-bit and control octets never appear in a modified UTF-7 name
        (b"caf\xc3\xa9", 3, "neither printable"),
        (b"a\tb", 1, "neither printable"),
    ],
)
def test_utf7_refuses_non_canonical(wire: bytes, index: int, problem: str) -> None:
    with pytest.raises(IMAPValueError) as info:
        utf7_decode(wire)
    assert f"at index {index}" in str(info.value)
    assert problem in str(info.value)


def test_utf7_encode_refuses_lone_surrogates() -> None:
    with pytest.raises(IMAPValueError, match="no Unicode form"):
        utf7_encode("a\udc80")


# --- INBOX ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["INBOX", "inbox", "iNbOx", "Inbox"])
def test_inbox_in_any_case_is_inbox(name: str) -> None:
    assert is_inbox(name)
    assert normalize_mailbox(name) == INBOX
    assert encode_mailbox(name, utf8=False) == b"INBOX"
    assert decode_mailbox(name.encode(), utf8=False) == INBOX
    assert decode_mailbox(name.encode(), utf8=True) == INBOX
    assert read_mailbox(Reader(b'"' + name.encode() + b'"'), utf8=False) == INBOX


@pytest.mark.parametrize("name", ["INBOX/Sent", "inbox.sub", "INBOXES", "NBOX", "\u0131nbox"])
def test_only_the_whole_name_inbox_is_special(name: str) -> None:
    assert not is_inbox(name)
    assert normalize_mailbox(name) == name


# --- UTF-8 mode -----------------------------------------------------------------------------------


def test_utf8_mode_sends_utf8_and_reads_ampersand_literally() -> None:
    assert encode_mailbox("Entwürfe", utf8=True) == "Entwürfe".encode()
    assert decode_mailbox("Entwürfe".encode(), utf8=True) == "Entwürfe"
    assert decode_mailbox(b"&AOk-", utf8=True) == "&AOk-"
    assert encode_mailbox("Tom & Jerry", utf8=True) == b"Tom & Jerry"


@pytest.mark.parametrize("name", ["a\x00", "a\r\nb", "a\x7f", "a\x85", "a\u2028", "a\u2029"])
def test_utf8_mode_refuses_rfc6855_forbidden_characters(name: str) -> None:
    with pytest.raises(IMAPValueError, match="RFC 6855"):
        encode_mailbox(name, utf8=True)
    with pytest.raises(IMAPValueError, match="RFC 6855"):
        decode_mailbox(name.encode(), utf8=True)
    assert utf7_decode(encode_mailbox(name, utf8=False)) == name  # fine in modified UTF-7


def test_decode_mailbox_errors() -> None:
    with pytest.raises(IMAPValueError, match="invalid UTF-8") as info:
        decode_mailbox(b"ab\xff", utf8=True)
    assert "at index 2" in str(info.value)
    with pytest.raises(IMAPValueError, match="invalid mailbox name"):
        decode_mailbox(b"&Jjo!", utf8=False)
    with pytest.raises(TypeError):
        encode_mailbox(b"INBOX", utf8=False)  # type: ignore[arg-type]


# --- reading from the wire ------------------------------------------------------------------------


def test_read_mailbox_forms() -> None:
    reader = Reader(b'~peter/mail/&U,BTFw-/&ZeVnLIqe- "a b" {6}\r\n&AOk-x "caf\xc3\xa9"')
    assert read_mailbox(reader, utf8=False) == "~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"
    reader.expect_sp()
    assert read_mailbox(reader, utf8=False) == "a b"
    reader.expect_sp()
    assert read_mailbox(reader, utf8=False) == "\u00e9x"
    reader.expect_sp()
    assert read_mailbox(reader, utf8=True) == "café"
    assert reader.at_end()


def test_read_mailbox_error_offset_is_the_start_of_the_name() -> None:
    reader = Reader(b'SELECT "&Jjo!"\r\n', tag="A1")
    reader.expect_keyword(b"SELECT")
    reader.expect_sp()
    with pytest.raises(IMAPParseError) as info:
        read_mailbox(reader, utf8=False)
    assert info.value.offset == 7
    assert info.value.tag == "A1"
    assert "octet 4 of the name" in info.value.message
    assert reader.pos == 7
    with pytest.raises(IMAPParseError) as info:
        read_mailbox(Reader(b"(x)"), utf8=False)
    assert info.value.offset == 0


# --- hierarchy ------------------------------------------------------------------------------------


def test_split_and_join() -> None:
    assert split_mailbox("INBOX/Sent/2024", "/") == ["INBOX", "Sent", "2024"]
    assert split_mailbox("a.b", None) == ["a.b"]
    assert join_mailbox(["inbox"], ".") == INBOX
    assert join_mailbox(["Archive", "2024"], ".") == "Archive.2024"
    with pytest.raises(IMAPValueError, match="single character"):
        split_mailbox("a", "//")
    with pytest.raises(IMAPValueError, match="single character"):
        join_mailbox(["a"], "")
    with pytest.raises(IMAPValueError, match="contains the delimiter"):
        join_mailbox(["a/b", "c"], "/")
    with pytest.raises(IMAPValueError, match="at least one"):
        join_mailbox([], "/")


# --- properties -----------------------------------------------------------------------------------


@given(s.mailbox_names)
def test_utf7_round_trip(name: str) -> None:
    wire = utf7_encode(name)
    assert wire.isascii()
    assert all(0x20 <= octet <= 0x7E for octet in wire)
    assert utf7_decode(wire) == name


@given(st.binary(max_size=30))
def test_utf7_decode_is_strict_and_canonical(wire: bytes) -> None:
    try:
        name = utf7_decode(wire)
    except IMAPValueError:
        return
    assert utf7_encode(name) == wire  # only the one canonical form is ever accepted


@given(st.lists(st.sampled_from([b"&", b"-", b"A", b"O", b"k", b",", b"+", b"a", b"/", b"="])))
def test_utf7_decode_on_near_misses(parts: list[bytes]) -> None:
    wire = b"".join(parts)
    try:
        name = utf7_decode(wire)
    except IMAPValueError:
        return
    assert utf7_encode(name) == wire


@given(s.mailbox_names, st.booleans())
def test_wire_round_trip(name: str, utf8: bool) -> None:
    if utf8:
        try:
            wire = encode_mailbox(name, utf8=True)
        except IMAPValueError:
            return
    else:
        wire = encode_mailbox(name, utf8=False)
    writer = Writer()
    writer.astring(wire)
    assert read_mailbox(Reader(writer.to_bytes()), utf8=utf8) == normalize_mailbox(name)


@given(s.utf8_mailbox_names)
def test_utf8_names_encode(name: str) -> None:
    assert decode_mailbox(encode_mailbox(name, utf8=True), utf8=True) == normalize_mailbox(name)


def read_mailbox_utf7(reader: Reader) -> str:
    return read_mailbox(reader, utf8=False)


def read_mailbox_utf8(reader: Reader) -> str:
    return read_mailbox(reader, utf8=True)


@settings(max_examples=300, deadline=None)
@given(
    s.fuzz_bytes(
        b"&", b"-", b"AOk", b"A", b",", b"+", b'"', b"{2}\r\n", b"INBOX", b"\xc3\xa9", b" "
    )
)
def test_fuzz_mailboxes_returns_or_raises_parse_error(data: bytes) -> None:
    for read in (read_mailbox_utf7, read_mailbox_utf8):
        reader = Reader(data, max_depth=4)
        try:
            read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
