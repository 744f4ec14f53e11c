"""QUOTA (RFC 9208, RFC 2087): GETQUOTA, GETQUOTAROOT, SETQUOTA, QUOTA and QUOTAROOT."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._quota import (
    ANNOTATION_STORAGE,
    MAILBOX,
    MESSAGE,
    STORAGE,
    QuotaLimit,
    QuotaResponse,
    QuotaRootResponse,
    QuotaUsage,
    SetQuota,
    read_getquota,
    read_getquotaroot,
    read_quota_response,
    read_quotaroot_response,
    read_setquota,
    write_getquota,
    write_getquotaroot,
    write_quota_response,
    write_quotaroot_response,
    write_setquota,
)
from pymailproto.imap._values import LiteralSupport, WireOptions
from tests.imap import strategies as s
from tests.imap import strategies_ext as x

U = QuotaUsage

# --- known answers --------------------------------------------------------------------------------
# Quota root names are astrings. The RFC quotes "!partition/sda4" and "#user/alice", which are
# made of ATOM-CHARs only; they are written back in the cheapest form, as atoms, and that form
# reads back to the same value. Each case gives the RFC's bytes and the canonical bytes.

QUOTA_EXAMPLES = [
    # RFC 9208 §4.1.1, §4.1.2, §4.1.3
    (
        b'"!partition/sda4" (STORAGE 104 10923847)',
        b"!partition/sda4 (STORAGE 104 10923847)",
        QuotaResponse("!partition/sda4", [U(STORAGE, 104, 10923847)]),
    ),
    (
        b'"#user/alice" (MESSAGE 42 1000)',
        b"#user/alice (MESSAGE 42 1000)",
        QuotaResponse("#user/alice", [U(MESSAGE, 42, 1000)]),
    ),
    (
        b'"#user/alice" (STORAGE 54 111 MESSAGE 42 1000)',
        b"#user/alice (STORAGE 54 111 MESSAGE 42 1000)",
        QuotaResponse("#user/alice", [U(STORAGE, 54, 111), U(MESSAGE, 42, 1000)]),
    ),
    (
        b'"#user/alice" (STORAGE 58 512)',
        b"#user/alice (STORAGE 58 512)",
        QuotaResponse("#user/alice", [U(STORAGE, 58, 512)]),
    ),
    # RFC 9208 §4.2.1, RFC 2087 §5.1
    (b'"" (STORAGE 10 512)', b'"" (STORAGE 10 512)', QuotaResponse("", [U(STORAGE, 10, 512)])),
]


@pytest.mark.parametrize(("data", "canonical", "expected"), QUOTA_EXAMPLES)
def test_rfc_quota_responses(data: bytes, canonical: bytes, expected: QuotaResponse) -> None:
    assert (
        x.read_in_line(read_quota_response, b"* QUOTA " + data + b"\r\n", b"* QUOTA ") == expected
    )
    assert x.written(write_quota_response, expected) == canonical
    assert x.read_whole(read_quota_response, canonical) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # RFC 9208 §4.1.2
        (b'INBOX "#user/alice" "!partition/sda4"', ("INBOX", [b"#user/alice", b"!partition/sda4"])),
        # RFC 9208 §4.2.2, RFC 2087 §5.2
        (b'INBOX ""', ("INBOX", [b""])),
        (b"comp.mail.mime", ("comp.mail.mime", [])),
    ],
)
def test_rfc_quotaroot_responses(data: bytes, expected: tuple[str, list[bytes]]) -> None:
    line = b"* QUOTAROOT " + data + b"\r\n"
    response = x.read_in_line(read_quotaroot_response, line, b"* QUOTAROOT ", utf8=False)
    assert response == QuotaRootResponse(*expected)
    canonical = data.replace(b'"#user/alice" "!partition/sda4"', b"#user/alice !partition/sda4")
    assert x.written(write_quotaroot_response, response) == canonical


@pytest.mark.parametrize(
    ("line", "canonical", "root"),
    [
        # RFC 9208 §4.1.1, §4.1.3
        (b'G0001 GETQUOTA "!partition/sda4"', b"!partition/sda4", b"!partition/sda4"),
        (b'S0000 GETQUOTA "#user/alice"', b"#user/alice", b"#user/alice"),
        (b'A1 GETQUOTA ""', b'""', b""),
    ],
)
def test_rfc_getquota(line: bytes, canonical: bytes, root: bytes) -> None:
    start = line[: line.index(b"GETQUOTA ") + 9]
    assert x.read_in_line(read_getquota, line + b"\r\n", start) == root
    assert x.written(write_getquota, root) == canonical


def test_rfc_getquotaroot() -> None:
    # RFC 9208 §4.1.2
    line = b"G0002 GETQUOTAROOT INBOX\r\n"
    assert x.read_in_line(read_getquotaroot, line, b"G0002 GETQUOTAROOT ", utf8=False) == "INBOX"
    assert x.written(write_getquotaroot, "inbox") == b"INBOX"
    assert x.written(write_getquotaroot, "Entw\u00fcrfe") == b"Entw&APw-rfe"
    utf8 = WireOptions(utf8=True)
    assert x.written(write_getquotaroot, "Entw\u00fcrfe", utf8) == '"Entw\u00fcrfe"'.encode()


@pytest.mark.parametrize(
    ("line", "canonical", "expected"),
    [
        # RFC 9208 §4.1.3
        (
            b'S0001 SETQUOTA "#user/alice" (STORAGE 510)',
            b"#user/alice (STORAGE 510)",
            SetQuota("#user/alice", [QuotaLimit(STORAGE, 510)]),
        ),
        (
            b'S0002 SETQUOTA "!partition/sda4" (STORAGE 99999999)',
            b"!partition/sda4 (STORAGE 99999999)",
            SetQuota("!partition/sda4", [QuotaLimit(STORAGE, 99999999)]),
        ),
        # setquota-list may be empty: every limit removed (§4.1.3)
        (b'A1 SETQUOTA "" ()', b'"" ()', SetQuota("")),
    ],
)
def test_rfc_setquota(line: bytes, canonical: bytes, expected: SetQuota) -> None:
    start = line[: line.index(b"SETQUOTA ") + 9]
    assert x.read_in_line(read_setquota, line + b"\r\n", start) == expected
    assert x.written(write_setquota, expected) == canonical


# --- values ---------------------------------------------------------------------------------------


def test_resource_names_ignore_case() -> None:
    response = x.read_whole(read_quota_response, b"root (storage 1 2 X-Foo 3 4)")
    assert response.resources == (U("STORAGE", 1, 2), U("X-FOO", 3, 4))
    assert response.get("Storage") == U(STORAGE, 1, 2)
    assert response.get(MAILBOX) is None
    assert U("annotation-storage", 0, 0).resource == ANNOTATION_STORAGE
    assert x.written(write_quota_response, response) == b"root (STORAGE 1 2 X-FOO 3 4)"


def test_empty_quota_list() -> None:
    # RFC 9208 §4.2.1: "an empty list means there are no administrative resource limits"
    assert x.read_whole(read_quota_response, b'"" ()') == QuotaResponse("")
    assert x.written(write_quota_response, QuotaResponse(b"")) == b'"" ()'


def test_usage_above_limit_and_63_bit_numbers() -> None:
    # a soft quota can be exceeded (RFC 9208 §4.3.1); usage and limit are number64 (§10)
    big = 2**63 - 1
    data = b"r (STORAGE %d 10)" % big
    assert x.read_whole(read_quota_response, data) == QuotaResponse("r", [U(STORAGE, big, 10)])
    assert x.written(write_quota_response, QuotaResponse("r", [U(STORAGE, big, 10)])) == data


def test_constructors_validate() -> None:
    with pytest.raises(IMAPValueError):
        U("two words", 1, 1)
    with pytest.raises(IMAPValueError):
        U(STORAGE, -1, 1)
    with pytest.raises(IMAPValueError):
        U(STORAGE, 1, 2**63)
    with pytest.raises(IMAPValueError):
        QuotaLimit(STORAGE, True)
    with pytest.raises(IMAPValueError):
        QuotaResponse("a\x00b")
    with pytest.raises(IMAPValueError):
        QuotaResponse("r", [QuotaLimit(STORAGE, 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        QuotaResponse("r", b"STORAGE")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SetQuota("r", [U(STORAGE, 1, 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        QuotaRootResponse(b"INBOX")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        QuotaRootResponse("INBOX", "root")
    with pytest.raises(IMAPValueError):
        QuotaRootResponse("a\ud800")
    assert QuotaRootResponse("inbox").mailbox == "INBOX"
    assert QuotaRootResponse("INBOX", ["r\u00e9"]).roots == ("r\u00e9".encode(),)


def test_writers_refuse_other_things() -> None:
    for write in (write_quota_response, write_quotaroot_response, write_setquota):
        with pytest.raises(IMAPValueError):
            x.written(write, "root")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        x.written(write_getquota, b"a\x00")


def test_roots_take_their_cheapest_form() -> None:
    assert x.written(write_getquota, "a b") == b'"a b"'
    assert x.written(write_getquota, "a\r\nb") == b"{4}\r\na\r\nb"
    plus = WireOptions(literals=LiteralSupport.LITERAL_PLUS)
    assert x.written(write_getquota, "a\r\nb", plus) == b"{4+}\r\na\r\nb"
    assert x.written(write_getquota, "NIL") == b"NIL"  # an astring, never nil


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "astring"),
        (b"root", 4, "SP"),
        (b"root STORAGE 1 2", 5, '"\\("'),
        (b"root (STORAGE 1)", 15, "SP"),
        (b"root (STORAGE 1 x)", 16, "number64"),
        (b"root (%X 2 3)", 6, "resource-name"),
        (b'root ("STORAGE" 1 2)', 6, "resource-name"),
        (b"root (STORAGE 1 2 )", 18, "resource-name"),
        (b"root (STORAGE 1 9223372036854775808)", 16, "beyond"),
        (b"root (STORAGE -1 2)", 14, "number64"),
        (b"root (STORAGE 1 2", 17, '"\\)"'),
    ],
)
def test_read_quota_response_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_quota_response(Reader(data))
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"", 0, "astring"),
        (b"INBOX  root", 6, "astring"),
        (b"INBOX root ", 11, "astring"),
        (b"&Jjo! root", 0, "invalid mailbox name"),
    ],
)
def test_read_quotaroot_response_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_quotaroot_response(Reader(data), utf8=False)
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"root", 4, "SP"),
        (b"root (STORAGE)", 13, "SP"),
        (b"root (STORAGE 1 MESSAGE)", 23, "SP"),
        (b"root (STORAGE 1 )", 16, "resource-name"),
        (b"root (STORAGE x)", 14, "number64"),
        (b"(STORAGE 1)", 0, "astring"),
    ],
)
def test_read_setquota_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError, match=expected) as info:
        read_setquota(Reader(data))
    assert info.value.offset == offset


def test_rfc_2087_numbers_are_read() -> None:
    # RFC 2087 §6: quota_resource ::= atom SP number SP number (32-bit), a subset of number64
    assert x.read_whole(read_quota_response, b'"" (STORAGE 4294967295 4294967295)').resources == (
        U(STORAGE, 2**32 - 1, 2**32 - 1),
    )


# --- round trips and fuzzing ----------------------------------------------------------------------


@given(x.quota_responses, s.wire_options)
def test_quota_response_round_trip(response: QuotaResponse, options: WireOptions) -> None:
    data = x.written(write_quota_response, response, options)
    assert x.read_whole(read_quota_response, data) == response


@given(x.set_quotas, s.wire_options)
def test_setquota_round_trip(value: SetQuota, options: WireOptions) -> None:
    data = x.written(write_setquota, value, options)
    assert x.read_whole(read_setquota, data) == value


@given(x.quota_roots, s.wire_options)
def test_getquota_round_trip(root: bytes, options: WireOptions) -> None:
    assert x.read_whole(read_getquota, x.written(write_getquota, root, options)) == root


@given(x.quotaroot_responses(utf8=False))
def test_quotaroot_round_trip_modified_utf7(response: QuotaRootResponse) -> None:
    data = x.written(write_quotaroot_response, response)
    assert x.read_whole(read_quotaroot_response, data, utf8=False) == response
    name = x.written(write_getquotaroot, response.mailbox)
    assert x.read_whole(read_getquotaroot, name, utf8=False) == response.mailbox


@given(x.quotaroot_responses(utf8=True))
def test_quotaroot_round_trip_utf8(response: QuotaRootResponse) -> None:
    data = x.written(write_quotaroot_response, response, WireOptions(utf8=True))
    assert x.read_whole(read_quotaroot_response, data, utf8=True) == response


@settings(max_examples=300, deadline=None)
@given(s.fuzz_bytes(b"root", b" ", b"(", b")", b"STORAGE", b"1", b"99999999999999999999", b'""'))
def test_fuzz_returns_or_raises_parse_error(data: bytes) -> None:
    # each reader returns a value -- which, written, reads back the same -- or raises
    for read, write in (
        (read_quota_response, write_quota_response),
        (read_setquota, write_setquota),
        (read_getquota, write_getquota),
    ):
        try:
            value = read(Reader(data, max_depth=4))
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            assert x.read_whole(read, x.written(write, value)) == value  # type: ignore[arg-type]
    for utf8 in (False, True):
        options = WireOptions(utf8=utf8)
        try:
            response = read_quotaroot_response(Reader(data), utf8=utf8)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            written = x.written(write_quotaroot_response, response, options)
            assert x.read_whole(read_quotaroot_response, written, utf8=utf8) == response
        try:
            read_getquotaroot(Reader(data), utf8=utf8)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
