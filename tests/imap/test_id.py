"""ID parameter lists (RFC 2971): the examples, the §3.3 limits, the reading leniency."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._id import (
    ID_MAX_FIELD,
    ID_MAX_PAIRS,
    ID_MAX_VALUE,
    IDParams,
    read_id_params,
    write_id_params,
)
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

# --- known answers --------------------------------------------------------------------------------

RFC_EXAMPLES = [
    # RFC 2971 §3.1 (the command is folded in the RFC)
    (
        b"a023 ID ",
        b'("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")',
        IDParams([("name", "sodr"), ("version", "19.34"), ("vendor", "Pink Floyd Music Limited")]),
    ),
    (b"* ID ", b"NIL", None),
    # RFC 2971 §3.2
    (b"a042 ID ", b"NIL", None),
    (
        b"* ID ",
        b'("name" "Cyrus" "version" "1.5" "os" "sunos" "os-version" "5.5"'
        b' "support-url" "mailto:cyrus-bugs+@andrew.cmu.edu")',
        IDParams(
            {
                "name": "Cyrus",
                "version": "1.5",
                "os": "sunos",
                "os-version": "5.5",
                "support-url": "mailto:cyrus-bugs+@andrew.cmu.edu",
            }
        ),
    ),
]


@pytest.mark.parametrize(("start", "data", "expected"), RFC_EXAMPLES)
def test_rfc_examples(start: bytes, data: bytes, expected: IDParams | None) -> None:
    assert x.read_in_line(read_id_params, start + data + b"\r\n", start) == expected
    assert x.written(write_id_params, expected) == data


def test_lookup_ignores_case() -> None:
    params = x.read_whole(read_id_params, b'("Name" "Cyrus" "os" NIL)')
    assert params is not None
    assert params.get("name") == b"Cyrus"
    assert params.get(b"NAME") == b"Cyrus"
    assert params.get("os") is None  # NIL: "can not or will not specify this information"
    assert params.get("os", b"?") is None
    assert params.get("vendor") is None
    assert params.get("vendor", b"?") == b"?"
    assert len(params) == 2
    assert params.pairs == ((b"Name", b"Cyrus"), (b"os", None))


def test_empty_list_and_nil_differ() -> None:
    assert x.read_whole(read_id_params, b"()") == IDParams()
    assert x.read_whole(read_id_params, b"nil") is None
    assert x.written(write_id_params, IDParams()) == b"()"
    assert x.written(write_id_params, None) == b"NIL"


def test_values_take_their_cheapest_form() -> None:
    params = IDParams([("name", "x y"), ("os", None), ("arguments", "a\r\nb")])
    assert (
        x.written(write_id_params, params) == b'("name" "x y" "os" NIL "arguments" {4}\r\na\r\nb)'
    )
    assert IDParams({"nil": "NIL"}).pairs == ((b"nil", b"NIL"),)
    assert x.written(write_id_params, IDParams({"v": "NIL"})) == b'("v" "NIL")'  # not nil
    assert x.read_whole(read_id_params, b"({4}\r\nname {2}\r\nab)") == IDParams({"name": "ab"})
    utf8 = IDParams({"vendor": "Caf\u00e9"})
    assert (
        x.written(write_id_params, utf8, WireOptions(utf8=True))
        == '("vendor" "Caf\u00e9")'.encode()
    )
    assert x.written(write_id_params, utf8) == b'("vendor" {5}\r\nCaf\xc3\xa9)'


# --- limits (RFC 2971 §3.3) ----------------------------------------------------------------------


def test_limits_are_refused_on_construction() -> None:
    IDParams([("f" * ID_MAX_FIELD, "v" * ID_MAX_VALUE)])
    IDParams([(f"f{i}", "v") for i in range(ID_MAX_PAIRS)])
    with pytest.raises(IMAPValueError, match="longer than 30 octets"):
        IDParams([("f" * (ID_MAX_FIELD + 1), "v")])
    with pytest.raises(IMAPValueError, match="longer than 1024 octets"):
        IDParams([("f", "v" * (ID_MAX_VALUE + 1))])
    with pytest.raises(IMAPValueError, match="more than 30"):
        IDParams([(f"f{i}", "v") for i in range(ID_MAX_PAIRS + 1)])
    # "MUST NOT send the same field name more than once"; "Strings are not case-sensitive"
    with pytest.raises(IMAPValueError, match="more than once"):
        IDParams([("name", "a"), ("NAME", "b")])
    with pytest.raises(IMAPValueError, match="NUL"):
        IDParams([("name", "a\x00")])
    with pytest.raises(IMAPValueError, match="NUL"):
        IDParams([("na\x00me", "a")])


def _too_many() -> bytes:
    return b"(" + b" ".join(b'"f%d" "v"' % i for i in range(ID_MAX_PAIRS + 1)) + b")"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'("' + b"f" * (ID_MAX_FIELD + 1) + b'" "v")', "longer than 30 octets"),
        (b'("f" "' + b"v" * (ID_MAX_VALUE + 1) + b'")', "longer than 1024 octets"),
        (_too_many(), "more than 30"),
        (b'("name" "a" "Name" "b")', "more than once"),
    ],
)
def test_limits_are_lenient_when_reading(data: bytes, problem: str) -> None:
    # The named leniency: the limits bind the sender; what a peer sent is read anyway...
    params = x.read_whole(read_id_params, data)
    assert params is not None
    # ... and written back as it came.
    assert x.written(write_id_params, params) == data
    # enforce_limits=True refuses it, at the start of the list.
    reader = Reader(b" " + data, 1)
    with pytest.raises(IMAPParseError, match=problem) as info:
        read_id_params(reader, enforce_limits=True)
    assert info.value.offset == 1
    assert reader.pos == 1


def test_enforce_limits_accepts_what_is_within_them() -> None:
    data = b'("name" "sodr" "version" NIL)'
    assert read_id_params(Reader(data), enforce_limits=True) == IDParams(
        {"name": "sodr", "version": None}
    )


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "id_params_list"),
        (b"NILS", 0, "id_params_list"),
        (b'"name"', 0, "id_params_list"),
        (b'("name")', 7, "SP"),
        (b'("name" )', 8, "nstring"),
        (b'(name "x")', 1, "string"),  # fields are strings, not atoms
        (b'(NIL "x")', 1, "string"),
        (b'("name" x)', 8, "nstring"),
        (b'("name" "x" )', 12, "string"),
        (b'("name" "x"', 11, '"\\)"'),
        (b'("name" "x"  "y" "z")', 12, "string"),
    ],
)
def test_read_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_id_params(Reader(data))
    assert info.value.offset == offset


def test_writer_refuses_other_things() -> None:
    with pytest.raises(IMAPValueError):
        x.written(write_id_params, {"name": "x"})  # type: ignore[arg-type]


# --- round trips and fuzzing ----------------------------------------------------------------------


@given(x.id_params, s.wire_options)
def test_round_trip(params: IDParams | None, options: WireOptions) -> None:
    data = x.written(write_id_params, params, options)
    parsed = read_id_params(Reader(data), enforce_limits=True)
    assert parsed == params
    if params is not None:
        assert IDParams(params.pairs) == params


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b"(", b")", b'"name"', b" ", b"NIL", b'"x"', b"{1}\r\n", b"\x00", b"\xff"))
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    for enforce in (False, True):
        reader = Reader(data, max_depth=4)
        try:
            params = read_id_params(reader, enforce_limits=enforce)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            written = x.written(write_id_params, params)
            assert read_id_params(Reader(written)) == params
