"""Flags and mailbox attributes: case-insensitive identity, spelling kept, list grammar."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import (
    Flag,
    MailboxAttribute,
    format_flag_list,
    format_mbx_list_flags,
    read_flag,
    read_flag_list,
    read_flag_perm,
    read_flag_perm_list,
    read_mbx_list_flags,
)
from pymailproto.imap._lexer import Reader
from tests.imap import strategies as s

# --- values ---------------------------------------------------------------------------------------


def test_case_insensitive_equality_keeps_spelling() -> None:
    shouted = Flag("\\SEEN")
    assert shouted == Flag.SEEN
    assert hash(shouted) == hash(Flag.SEEN)
    assert str(shouted) == "\\SEEN"
    assert shouted.to_bytes() == b"\\SEEN"
    assert Flag("$junk") == Flag.JUNK
    assert Flag("\\Seen") != Flag("Seen")
    assert {Flag("\\Deleted"), Flag("\\deleted"), Flag("\\DELETED")} == {Flag.DELETED}
    assert Flag.SEEN != "\\Seen"


def test_flag_kinds() -> None:
    for flag in (Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.DRAFT, Flag.RECENT):
        assert flag.is_system
        assert not flag.is_keyword
        assert not flag.is_extension
    assert Flag("$Forwarded").is_keyword
    assert not Flag("$Forwarded").is_system
    assert Flag("\\Important").is_extension
    assert Flag.WILDCARD.is_wildcard
    assert not Flag.WILDCARD.is_extension
    assert Flag.WILDCARD.name == "\\*"
    assert (Flag.MDN_SENT.name, Flag.NOT_JUNK.name, Flag.PHISHING.name) == (
        "$MDNSent",
        "$NotJunk",
        "$Phishing",
    )


@pytest.mark.parametrize(
    "name", ["", "\\", "a b", "\\a b", "\\\\Seen", "a]", "(x", "\\*x", "*", "é", "a\r\n", "%x"]
)
def test_flag_refuses(name: str) -> None:
    with pytest.raises(IMAPValueError):
        Flag(name)


def test_flag_refuses_non_str() -> None:
    with pytest.raises(IMAPValueError):
        Flag(b"\\Seen")  # type: ignore[arg-type]


def test_mailbox_attributes() -> None:
    assert MailboxAttribute("\\NOSELECT") == MailboxAttribute.NOSELECT
    assert MailboxAttribute.NOSELECT.is_selectability
    assert not MailboxAttribute.HAS_CHILDREN.is_selectability
    assert MailboxAttribute("\\trash").is_special_use
    assert not MailboxAttribute.NOINFERIORS.is_special_use
    assert str(MailboxAttribute.HAS_NO_CHILDREN) == "\\HasNoChildren"
    assert MailboxAttribute.NONEXISTENT.to_bytes() == b"\\NonExistent"
    # \Flagged the mailbox (RFC 6154) is not \Flagged the message flag
    assert MailboxAttribute.FLAGGED != Flag.FLAGGED
    assert hash(MailboxAttribute("\\Sent")) == hash(MailboxAttribute.SENT)
    for name in ("Noselect", "\\", "\\*", "\\a b"):
        with pytest.raises(IMAPValueError):
            MailboxAttribute(name)


# --- reading --------------------------------------------------------------------------------------


def test_read_flag_list() -> None:
    reader = Reader(b"(\\Seen \\answered $Forwarded NonJunk \\X-Custom) rest")
    flags = read_flag_list(reader)
    assert flags == (
        Flag.SEEN,
        Flag.ANSWERED,
        Flag.FORWARDED,
        Flag("NonJunk"),
        Flag("\\X-Custom"),
    )
    assert [flag.name for flag in flags][:2] == ["\\Seen", "\\answered"]
    assert reader.pos == 46
    assert read_flag_list(Reader(b"()")) == ()
    # RFC 3501 \Recent (flag-fetch) is accepted: it is a flag-extension by syntax
    assert read_flag_list(Reader(b"(\\Recent)")) == (Flag.RECENT,)


def test_parsed_standard_flags_are_shared() -> None:
    first = read_flag_list(Reader(b"(\\Seen)"))[0]
    second = read_flag(Reader(b"\\Seen"))
    assert first is second is Flag.SEEN


def test_caches_of_parsed_names_are_bounded() -> None:
    from pymailproto.imap import _flags

    for n in range(_flags._CACHE_MAX + 50):
        assert read_flag(Reader(b"kw%d" % n)).name == f"kw{n}"
        attribute = read_mbx_list_flags(Reader(b"(\\Attr%d)" % n))[0]
        assert attribute.name == f"\\Attr{n}"
        assert len(_flags._FLAGS) <= _flags._CACHE_MAX
        assert len(_flags._ATTRIBUTES) <= _flags._CACHE_MAX
    # the standard names are still shared after the flood
    assert read_flag(Reader(b"\\Seen")) is Flag.SEEN
    assert read_mbx_list_flags(Reader(b"(\\Noselect)"))[0] is MailboxAttribute.NOSELECT


def test_perm_list() -> None:
    # RFC 9051 §6.3.2 example: * OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited
    flags = read_flag_perm_list(Reader(b"(\\Deleted \\Seen \\*)]"))
    assert flags == (Flag.DELETED, Flag.SEEN, Flag.WILDCARD)
    assert read_flag_perm(Reader(b"\\*")) is Flag.WILDCARD


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"(\\Seen \\*)", 7),  # "\*" only in PERMANENTFLAGS
        (b"(\\Seen\\Flagged)", 6),
        (b"(\\Seen  \\Draft)", 7),
        (b"(\\Seen", 6),
        (b"\\Seen)", 0),
        (b"( \\Seen)", 1),
        (b"(\\)", 1),
        (b"(a b c]", 6),
    ],
)
def test_read_flag_list_errors(data: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_flag_list(Reader(data))
    assert info.value.offset == offset


def test_read_flag_errors_do_not_move() -> None:
    reader = Reader(b"\\*")
    with pytest.raises(IMAPParseError, match="PERMANENTFLAGS") as info:
        read_flag(reader)
    assert (info.value.offset, reader.pos) == (0, 0)
    with pytest.raises(IMAPParseError):
        read_flag_perm(Reader(b"(\\Seen)"))


def test_read_mbx_list_flags() -> None:
    # RFC 9051 §6.3.9.8: * LIST (\Noselect) "/" ~/Mail/foo
    reader = Reader(b'(\\Noselect) "/" ~/Mail/foo')
    assert read_mbx_list_flags(reader) == (MailboxAttribute.NOSELECT,)
    assert reader.pos == 11
    assert read_mbx_list_flags(Reader(b"()")) == ()
    attributes = read_mbx_list_flags(Reader(b"(\\HasNoChildren \\Marked \\Sent \\X-Thing)"))
    assert attributes == (
        MailboxAttribute.HAS_NO_CHILDREN,
        MailboxAttribute.MARKED,
        MailboxAttribute.SENT,
        MailboxAttribute("\\x-thing"),
    )


@pytest.mark.parametrize(
    ("data", "offset", "problem"),
    [
        (b"(\\Noselect \\Marked)", 0, "more than one"),
        (b"(\\Noselect Seen)", 11, "mailbox attribute"),
        (b"(\\Noselect", 10, '")"'),
    ],
)
def test_read_mbx_list_flags_errors(data: bytes, offset: int, problem: str) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError) as info:
        read_mbx_list_flags(reader)
    assert info.value.offset == offset
    assert problem in info.value.message


def test_lists_count_towards_the_nesting_limit() -> None:
    reader = Reader(b"((\\Noselect \\Marked)", max_depth=1)
    reader.open_list()
    with pytest.raises(IMAPParseError, match="deeper"):
        read_mbx_list_flags(reader)
    with pytest.raises(IMAPParseError, match="deeper"):
        read_mbx_list_flags(Reader(b"(\\Noselect)", max_depth=0))
    with pytest.raises(IMAPParseError, match="deeper"):
        read_flag_list(Reader(b"(\\Seen)", max_depth=0))


# --- writing --------------------------------------------------------------------------------------


def test_format_flag_list() -> None:
    assert format_flag_list([Flag.SEEN, Flag("$Junk")]) == b"(\\Seen $Junk)"
    assert format_flag_list([]) == b"()"
    assert format_flag_list([Flag.WILDCARD], perm=True) == b"(\\*)"
    with pytest.raises(IMAPValueError, match="PERMANENTFLAGS"):
        format_flag_list([Flag.WILDCARD])
    with pytest.raises(IMAPValueError):
        format_flag_list(["\\Seen"])  # type: ignore[list-item]


def test_format_mbx_list_flags() -> None:
    attributes = [MailboxAttribute.NOSELECT, MailboxAttribute.HAS_CHILDREN]
    assert format_mbx_list_flags(attributes) == b"(\\Noselect \\HasChildren)"
    with pytest.raises(IMAPValueError, match="at most one"):
        format_mbx_list_flags([MailboxAttribute.NOSELECT, MailboxAttribute.UNMARKED])
    with pytest.raises(IMAPValueError):
        format_mbx_list_flags([Flag.SEEN])  # type: ignore[list-item]


# --- round trips ----------------------------------------------------------------------------------


@given(st.lists(s.flags, max_size=6))
def test_flag_list_round_trip(flags: list[Flag]) -> None:
    parsed = read_flag_list(Reader(format_flag_list(flags)))
    assert parsed == tuple(flags)
    assert [flag.name for flag in parsed] == [flag.name for flag in flags]


@given(st.lists(s.flag_perms, max_size=6))
def test_flag_perm_list_round_trip(flags: list[Flag]) -> None:
    assert read_flag_perm_list(Reader(format_flag_list(flags, perm=True))) == tuple(flags)


@given(s.mbx_list_flags)
def test_mbx_list_flags_round_trip(attributes: tuple[MailboxAttribute, ...]) -> None:
    parsed = read_mbx_list_flags(Reader(format_mbx_list_flags(attributes)))
    assert parsed == attributes
    assert [a.name for a in parsed] == [a.name for a in attributes]


@given(s.flags)
def test_flag_constructor_accepts_what_the_reader_reads(flag: Flag) -> None:
    assert Flag(flag.name) == flag
    assert read_flag(Reader(flag.to_bytes())) == flag


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b"\\", b"Seen", b"*", b"(", b")", b" ", b"$", b"]", b"\x00", b"\xff"))
def test_fuzz_flags_returns_or_raises_parse_error(data: bytes) -> None:
    for read in (
        read_flag,
        read_flag_perm,
        read_flag_list,
        read_flag_perm_list,
        read_mbx_list_flags,
    ):
        reader = Reader(data, max_depth=4)
        try:
            read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
