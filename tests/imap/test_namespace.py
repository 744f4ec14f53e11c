"""NAMESPACE responses (RFC 2342 §5, RFC 9051 §6.3.10)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._namespace import (
    Namespace,
    NamespaceExtension,
    NamespaceResponse,
    read_namespace,
    read_namespace_response,
    write_namespace,
    write_namespace_response,
)
from pymailproto.imap._values import LiteralSupport, WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

N = Namespace
START = b"* NAMESPACE "

# --- known answers --------------------------------------------------------------------------------

# RFC 2342 §5 Examples 5.1-5.9; RFC 9051 §6.3.10 Examples 1-9 are the same responses.
RFC_EXAMPLES = [
    # 5.1: "a single personal namespace. No leading prefix ... "/" is the hierarchy delimiter"
    (b'(("" "/")) NIL NIL', NamespaceResponse([N("", "/")])),
    # 5.2: anonymous user: shared mailboxes only, delimiter "."
    (b'NIL NIL (("" "."))', NamespaceResponse(shared=[N("", ".")])),
    # 5.3: a personal namespace and a single shared namespace
    (
        b'(("" "/")) NIL (("Public Folders/" "/"))',
        NamespaceResponse([N("", "/")], None, [N("Public Folders/", "/")]),
    ),
    # 5.4: personal, other users' and multiple shared namespaces (folded in the RFC)
    (
        b'(("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))',
        NamespaceResponse(
            [N("", "/")],
            [N("~", "/")],
            [N("#shared/", "/"), N("#public/", "/"), N("#ftp/", "/"), N("#news.", ".")],
        ),
    ),
    # 5.5 with one space between the NILs (see test_rfc_example_5_5_double_space)
    (b'(("INBOX." ".")) NIL NIL', NamespaceResponse([N("INBOX.", ".")])),
    # 5.6: two personal namespaces, one with an extension (folded in the RFC)
    (
        b'(("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL',
        NamespaceResponse(
            [
                N("", "/"),
                N("#mh/", "/", [NamespaceExtension(b"X-PARAM", [b"FLAG1", b"FLAG2"])]),
            ]
        ),
    ),
    # 5.7
    (
        b'(("" "/")) (("Other Users/" "/")) NIL',
        NamespaceResponse([N("", "/")], [N("Other Users/", "/")]),
    ),
    # 5.8
    (b'(("" "/")) (("#Users/" "/")) NIL', NamespaceResponse([N("", "/")], [N("#Users/", "/")])),
    # 5.9
    (b'(("" "/")) (("~" "/")) NIL', NamespaceResponse([N("", "/")], [N("~", "/")])),
]


@pytest.mark.parametrize(("data", "expected"), RFC_EXAMPLES)
def test_rfc_examples(data: bytes, expected: NamespaceResponse) -> None:
    line = START + data + b"\r\n"
    for utf8 in (False, True):
        assert x.read_in_line(read_namespace_response, line, START, utf8=utf8) == expected
        assert x.written(write_namespace_response, expected, WireOptions(utf8=utf8)) == data


def test_rfc_example_5_5_double_space() -> None:
    # RFC 2342 Example 5.5 and RFC 9051 §6.3.10 Example 5 print "NIL  NIL"; the grammar has
    # exactly one SP there (RFC 9051 §9 note 2), so the example as printed is refused where the
    # second SP stands.
    line = b'* NAMESPACE (("INBOX." ".")) NIL  NIL\r\n'
    reader = Reader(line, len(START))
    with pytest.raises(IMAPParseError, match="namespace") as info:
        read_namespace_response(reader, utf8=False)
    assert info.value.offset == line.index(b"  NIL") + 1


def test_namespace_classes_and_extension_values() -> None:
    response = x.read_whole(
        read_namespace_response,
        b'(("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL',
        utf8=False,
    )
    personal = response.personal
    assert [ns.prefix for ns in personal] == ["", "#mh/"]
    assert personal[1].extensions[0].name == b"X-PARAM"
    assert personal[1].extensions[0].values == (b"FLAG1", b"FLAG2")
    assert response.other == response.shared == ()


# --- prefixes and delimiters ----------------------------------------------------------------------


def test_prefixes_are_mailbox_names() -> None:
    # RFC 2342 §6: "any international string in the NAMESPACE response MUST be of modified
    # UTF-7 format"; with UTF-8 enabled they are UTF-8 (RFC 6855 §3).
    utf7 = b'(("&ZeVnLIqe-/" "/")) NIL NIL'
    utf8 = '(("\u65e5\u672c\u8a9e/" "/")) NIL NIL'.encode()
    expected = NamespaceResponse([N("\u65e5\u672c\u8a9e/", "/")])
    assert x.read_whole(read_namespace_response, utf7, utf8=False) == expected
    assert x.read_whole(read_namespace_response, utf8, utf8=True) == expected
    assert x.written(write_namespace_response, expected) == utf7
    assert x.written(write_namespace_response, expected, WireOptions(utf8=True)) == utf8


def test_prefix_inbox_is_canonical() -> None:
    assert N("inbox", None).prefix == "INBOX"
    response = x.read_whole(read_namespace_response, b'(("inbox" NIL)) NIL NIL', utf8=False)
    assert response.personal[0].prefix == "INBOX"


def test_delimiters() -> None:
    assert x.read_whole(read_namespace, b'(("" NIL))', utf8=False) == (N("", None),)
    assert x.read_whole(read_namespace, b'(("" nil))', utf8=False) == (N("", None),)
    assert x.read_whole(read_namespace, b'(("" "\\\\"))', utf8=False) == (N("", "\\"),)
    assert x.read_whole(read_namespace, b'(("" "\\""))', utf8=False) == (N("", '"'),)
    assert x.written(write_namespace, [N("", "\\")]) == b'(("" "\\\\"))'
    assert x.written(write_namespace, [N("", None)]) == b'(("" NIL))'
    utf8_delimiter = '(("" "\u00b7"))'.encode()
    assert x.read_whole(read_namespace, utf8_delimiter, utf8=True) == (N("", "\u00b7"),)
    assert x.written(write_namespace, [N("", "\u00b7")], WireOptions(utf8=True)) == utf8_delimiter


def test_literals_where_strings_are() -> None:
    data = b'(({3}\r\n#a/ "/" {1}\r\nX ({2}\r\nab "c"))) NIL NIL'
    response = x.read_whole(read_namespace_response, data, utf8=False)
    assert response.personal == (N("#a/", "/", [NamespaceExtension(b"X", [b"ab", b"c"])]),)
    # written back in the cheapest form
    assert x.written(write_namespace_response, response) == (
        b'(("#a/" "/" "X" ("ab" "c"))) NIL NIL'
    )
    needs_literal = NamespaceResponse([N("", "/", [NamespaceExtension(b"X", [b"a\r\nb"])])])
    data = x.written(write_namespace_response, needs_literal, WireOptions())
    assert data == b'(("" "/" "X" ({4}\r\na\r\nb))) NIL NIL'
    plus = WireOptions(literals=LiteralSupport.LITERAL_PLUS)
    assert b"{4+}" in x.written(write_namespace_response, needs_literal, plus)


# --- construction ---------------------------------------------------------------------------------


def test_constructors_validate() -> None:
    with pytest.raises(IMAPValueError):
        N("", "//")
    with pytest.raises(IMAPValueError):
        N("", "")
    with pytest.raises(IMAPValueError):
        N("", "\r")
    with pytest.raises(IMAPValueError):
        N("", "\x00")
    with pytest.raises(IMAPValueError):
        N("", "\ud800")
    with pytest.raises(IMAPValueError):
        N("a\ud800", "/")
    with pytest.raises(TypeError):
        N(b"INBOX.", ".")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        N("", "/", ["X-PARAM"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        NamespaceExtension(b"X", [])
    with pytest.raises(IMAPValueError):
        NamespaceExtension(b"X\x00", [b"a"])
    with pytest.raises(IMAPValueError):
        NamespaceExtension(b"X", [b"a\x00"])
    with pytest.raises(TypeError):
        NamespaceExtension(b"X", b"value")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        NamespaceResponse([("", "/")])  # type: ignore[list-item]
    assert NamespaceExtension("X", ["é"]).values == ("é".encode(),)
    assert NamespaceResponse(None, None, None) == NamespaceResponse()


def test_writers_refuse() -> None:
    with pytest.raises(IMAPValueError):
        x.written(write_namespace_response, ((), (), ()))  # type: ignore[arg-type]
    # an 8-bit delimiter needs UTF-8 enabled
    with pytest.raises(IMAPValueError):
        x.written(write_namespace, [N("", "\u00b7")])
    # RFC 6855 §3: no control characters in UTF-8 names
    with pytest.raises(IMAPValueError):
        x.written(write_namespace, [N("a\x01", "/")], WireOptions(utf8=True))


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "namespace"),
        (b"() NIL NIL", 1, '"\\("'),  # 1*namespace-descr: never empty
        (b'(("" "/") NIL NIL', 9, '"\\)"'),  # descrs are adjacent, no SP
        (b'(("" "/")) NIL', 14, "SP"),
        (b'(("" "/"))  NIL NIL', 11, "namespace"),
        (b'((NIL "/")) NIL NIL', 2, "string"),
        (b'((INBOX "/")) NIL NIL', 2, "string"),  # a string, not an astring
        (b'(("" /)) NIL NIL', 5, "delimiter"),
        (b'(("" "//")) NIL NIL', 5, "one QUOTED-CHAR"),
        (b'(("" "")) NIL NIL', 5, "one QUOTED-CHAR"),
        (b'(("" "/" X ("a"))) NIL NIL', 9, "string"),
        (b'(("" "/" "X" ())) NIL NIL', 14, "string"),  # at least one value
        (b'(("" "/" "X" "a")) NIL NIL', 13, '"\\("'),
        (b'(("" "/" "X" ("a" b))) NIL NIL', 18, "string"),
        (b'(("" "/") ) NIL NIL', 9, '"\\)"'),
        (b'(("&Jjo!" "/")) NIL NIL', 2, "invalid namespace prefix"),
    ],
)
def test_read_errors(data: bytes, offset: int, expected: str) -> None:
    reader = Reader(data)
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_namespace_response(reader, utf8=False)
    assert info.value.offset == offset


def test_prefix_errors_depend_on_the_session() -> None:
    data = '(("caf\u00e9" "/")) NIL NIL'.encode()
    with pytest.raises(IMAPParseError, match="invalid namespace prefix") as info:
        read_namespace_response(Reader(data), utf8=False)
    assert info.value.offset == 2
    assert x.read_whole(read_namespace_response, data, utf8=True).personal[0].prefix == "caf\u00e9"
    with pytest.raises(IMAPParseError, match="8-bit") as info:
        read_namespace_response(Reader(data, utf8=False), utf8=True)
    assert info.value.offset == 6


def test_lists_count_towards_the_nesting_limit() -> None:
    data = b'(("" "/" "X" ("a"))) NIL NIL'
    assert x.read_whole(read_namespace_response, data, utf8=False).personal
    with pytest.raises(IMAPParseError, match="nested deeper than 2") as info:
        read_namespace_response(Reader(data, max_depth=2), utf8=False)
    assert info.value.offset == 13


# --- round trips and fuzzing ----------------------------------------------------------------------


@given(x.namespace_responses(utf8=False), s.wire_options.map(lambda o: o.literals))
def test_round_trip_modified_utf7(response: NamespaceResponse, literals: LiteralSupport) -> None:
    options = WireOptions(utf8=False, literals=literals)
    data = x.written(write_namespace_response, response, options)
    assert x.read_whole(read_namespace_response, data, utf8=False) == response


@given(x.namespace_responses(utf8=True))
def test_round_trip_utf8(response: NamespaceResponse) -> None:
    data = x.written(write_namespace_response, response, WireOptions(utf8=True))
    parsed = x.read_whole(read_namespace_response, data, utf8=True)
    assert parsed == response
    assert x.written(write_namespace_response, parsed, WireOptions(utf8=True)) == data


@settings(max_examples=300, deadline=None)
@given(
    s.fuzz_bytes(b"(", b")", b"((", b"))", b'""', b'"/"', b" ", b"NIL", b'"X"', b"&", b"{1}\r\n")
)
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    for utf8 in (False, True):
        reader = Reader(data, max_depth=4)
        try:
            response = read_namespace_response(reader, utf8=utf8)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            # what was read is canonical once written, and reads back the same
            written = x.written(write_namespace_response, response, WireOptions(utf8=utf8))
            assert x.read_whole(read_namespace_response, written, utf8=utf8) == response
