"""The generic extension syntax (RFC 9051 §9 tagged-ext-val / option-value, RFC 4466 §2.1)
and RFC 8474 object ids."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._extension import (
    MAX_EXTENSION_DEPTH,
    ExtComp,
    TaggedExtVal,
    check_objectid,
    check_option_value,
    check_tagged_ext_val,
    read_objectid,
    read_option_value,
    read_tagged_ext_val,
    write_option_value,
    write_tagged_ext_val,
)
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_query as q


def val(data: bytes) -> TaggedExtVal:
    reader = Reader(data + b"\r\n")
    value = read_tagged_ext_val(reader)
    reader.finish()
    return value


def wire(value: TaggedExtVal, options: WireOptions = WireOptions()) -> bytes:  # noqa: B008
    writer = Writer(options)
    write_tagged_ext_val(writer, value)
    return writer.to_bytes()


@pytest.mark.parametrize(
    ("data", "value", "canonical"),
    [
        (b"5", 5, None),
        (b"0", 0, None),
        (b"9223372036854775807", 2**63 - 1, None),
        (b"007", 7, b"7"),
        (b"1:1", 1, b"1"),
        (b"1:5", SequenceSet([(1, 5)]), None),
        (b"1,3", SequenceSet([1, 3]), None),
        (b"*", SequenceSet(["*"]), None),
        (b"$", SequenceSet.search_result(), None),
        (b"()", (), None),
        (b"(a)", (b"a",), b'("a")'),
        # RFC 9051 §7.3.1: tablecloth (("edge" "lacy") ("color" "red"))
        (
            b'(("edge" "lacy") ("color" "red"))',
            ((b"edge", b"lacy"), (b"color", b"red")),
            None,
        ),
        (b'(a {2}\r\nb" ((c)))', (b"a", b'b"', ((b"c",),)), b'("a" "b\\"" (("c")))'),
        # lenient: a bare string (RFC 9051 §7.3.1's own example, Sample "text")
        (b'"text"', b"text", None),
        (b"{2}\r\nab", b"ab", b'"ab"'),
    ],
)
def test_tagged_ext_val(data: bytes, value: TaggedExtVal, canonical: bytes | None) -> None:
    assert val(data) == value
    assert wire(value) == (canonical or data)


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b"x", 0, "tagged-ext-val"),
        (b"(a (b)", 6, '")"'),
        (b"(a ())", 4, "tagged-ext-comp"),
        (b"(a )", 3, "astring"),
        (b"( a)", 1, "astring"),
        (b"(a(b))", 2, 'SP or ")"'),
        (b"(a b", 4, 'SP or ")"'),
        (b"0:5", 0, "sequence-set"),
        (b"99999999999999999999", 0, "number64"),
    ],
)
def test_tagged_ext_val_errors(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        val(data)
    assert info.value.offset == offset, info.value.message
    assert message in info.value.message


def test_nesting_is_bounded() -> None:
    deep = b"(" * 10_000 + b"a" + b")" * 10_000
    with pytest.raises(IMAPParseError, match="deeper") as info:
        read_tagged_ext_val(Reader(deep, max_depth=10_000 + 10))
    assert info.value.offset == MAX_EXTENSION_DEPTH
    with pytest.raises(IMAPParseError, match="deeper") as info:
        read_tagged_ext_val(Reader(deep))
    assert info.value.offset == 100
    value: ExtComp = b"a"
    for _ in range(MAX_EXTENSION_DEPTH - 1):
        value = (value,)
    built = check_tagged_ext_val((value,))
    assert val(wire(built)) == built
    with pytest.raises(IMAPValueError, match="deeper"):
        check_tagged_ext_val(((value,),))


def test_option_value() -> None:
    reader = Reader(b'(a ("b" c))')
    assert read_option_value(reader) == (b"a", (b"b", b"c"))
    writer = Writer()
    write_option_value(writer, (b"a", (b"b", b"c")))
    assert writer.to_bytes() == b'("a" ("b" "c"))'
    with pytest.raises(IMAPParseError) as info:
        read_option_value(Reader(b"()"))
    assert info.value.offset == 1
    assert check_option_value((b"x",)) == (b"x",)
    with pytest.raises(IMAPValueError):
        check_option_value(())
    with pytest.raises(IMAPValueError):
        check_option_value([b"x"])


@pytest.mark.parametrize(
    "value",
    [True, -1, 2**63, b"text", "text", [b"a"], (b"a", ()), (b"\x00",), (b"a", 5), None],
)
def test_check_refuses(value: object) -> None:
    with pytest.raises(IMAPValueError):
        check_tagged_ext_val(value)


def test_check_canonicalises_one_number_sets() -> None:
    assert check_tagged_ext_val(SequenceSet([5])) == 5
    assert check_tagged_ext_val(SequenceSet([(5, 6)])) == SequenceSet([(5, 6)])
    assert check_tagged_ext_val(SequenceSet(["*"])) == SequenceSet(["*"])
    assert check_tagged_ext_val(SequenceSet([5, 6])) == SequenceSet([5, 6])


def test_objectid() -> None:
    assert check_objectid("M6d99ac3275bb4e") == "M6d99ac3275bb4e"
    for bad in ("", "a b", "x" * 256, "é", 5):
        with pytest.raises(IMAPValueError):
            check_objectid(bad)  # type: ignore[arg-type]
    reader = Reader(b"Ab_-9)")
    assert read_objectid(reader) == "Ab_-9"
    assert reader.pos == 5
    assert read_objectid(Reader(b"x" * 255)) == "x" * 255
    with pytest.raises(IMAPParseError, match="255") as info:
        read_objectid(Reader(b"x" * 256))
    assert info.value.offset == 0
    with pytest.raises(IMAPParseError):
        read_objectid(Reader(b")"))


@settings(max_examples=300, deadline=None)
@given(q.tagged_ext_vals, s.wire_options)
def test_round_trip(value: TaggedExtVal, options: WireOptions) -> None:
    data = wire(value, options)
    reader = Reader(data + b"\r\n", utf8=options.utf8)
    assert read_tagged_ext_val(reader) == value
    reader.finish()


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b"(", b")", b" ", b"a", b'"b"', b"1", b":", b",", b"*", b"$", b"{1}\r\nx"))
def test_fuzz(data: bytes) -> None:
    reader = Reader(data, max_depth=6)
    try:
        value = read_tagged_ext_val(reader)
    except IMAPParseError as exc:
        assert 0 <= exc.offset <= len(data)
    else:  # parse -> write -> parse is stable
        assert val(wire(value, WireOptions(utf8=True))) == value
    reader = Reader(data, max_depth=6)
    try:
        option = read_option_value(reader)
    except IMAPParseError as exc:
        assert 0 <= exc.offset <= len(data)
    else:
        writer = Writer()
        write_option_value(writer, option)
        assert read_option_value(Reader(writer.to_bytes())) == option
