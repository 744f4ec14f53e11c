"""Parsing and building the extension list of an EHLO/LHLO reply (RFC 5321 §4.1.1.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp import KNOWN_EXTENSIONS, Extensions, Reply


def parse(*lines: str) -> Extensions:
    return Extensions.from_reply(Reply(250, ["mx.example greets you", *lines]))


def test_typical_reply() -> None:
    ext = parse("PIPELINING", "SIZE 10240000", "8BITMIME", "AUTH PLAIN LOGIN", "STARTTLS")
    assert list(ext) == ["PIPELINING", "SIZE", "8BITMIME", "AUTH", "STARTTLS"]
    assert ext["SIZE"] == ("10240000",)
    assert ext["PIPELINING"] == ()
    assert ext.max_size == 10240000
    assert ext.auth_mechanisms == ("PLAIN", "LOGIN")
    assert len(ext) == 5


def test_first_line_is_the_greeting_not_a_keyword() -> None:
    ext = Extensions.from_reply(Reply(250, "PIPELINING"))
    assert len(ext) == 0
    assert "PIPELINING" not in ext


def test_keywords_are_case_insensitive() -> None:
    ext = parse("pipelining", "Size 100", "auth plain cram-md5")
    assert "PIPELINING" in ext
    assert "pipelining" in ext
    assert "PiPeLiNiNg" in ext
    assert ext["size"] == ("100",)
    assert ext.auth_mechanisms == ("PLAIN", "CRAM-MD5")
    assert ext["AUTH"] == ("plain", "cram-md5")  # parameters are kept as sent
    assert 42 not in ext  # type: ignore[comparison-overlap]


def test_legacy_auth_equals_form() -> None:
    assert parse("AUTH=LOGIN PLAIN").auth_mechanisms == ("LOGIN", "PLAIN")
    assert parse("auth=login").auth_mechanisms == ("LOGIN",)
    assert parse("AUTH=").auth_mechanisms == ()


def test_legacy_auth_merges_with_the_standard_line() -> None:
    # Servers that still send the pre-RFC 2554 form usually send it after the standard line,
    # often with fewer mechanisms; both are offers (smtplib merges them the same way).
    ext = parse("AUTH GSSAPI NTLM LOGIN", "AUTH=LOGIN")
    assert ext.auth_mechanisms == ("GSSAPI", "NTLM", "LOGIN")
    assert parse("AUTH=LOGIN", "AUTH PLAIN LOGIN").auth_mechanisms == ("LOGIN", "PLAIN")


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "*** hello ***", "-DASH", "UNDER_SCORE", "(comment)", "é8BIT", "AUTH:PLAIN"],
)
def test_junk_lines_are_ignored(junk: str) -> None:
    ext = parse("PIPELINING", junk, "SIZE 5")
    assert list(ext) == ["PIPELINING", "SIZE"]


def test_extra_spaces_between_parameters() -> None:
    assert parse("AUTH  PLAIN   LOGIN ")["AUTH"] == ("PLAIN", "LOGIN")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["SIZE 1000"], 1000),
        (["SIZE 0"], None),  # RFC 1870 §4: 0 means no fixed maximum
        (["SIZE"], None),
        (["SIZE abc"], None),
        (["SIZE -5"], None),
        (["SIZE \u00b2"], None),  # SUPERSCRIPT TWO: str.isdigit() says yes, int() says no
        (["SIZE \u0661\u0662"], None),  # ARABIC-INDIC digits are no DIGIT (RFC 1870 §4)
        (["SIZE 99999999999999999999"], 99999999999999999999),
        ([], None),
    ],
)
def test_max_size(lines: list[str], expected: int | None) -> None:
    assert parse(*lines).max_size == expected


def test_constructor_validates() -> None:
    assert Extensions([("pipelining", [])])["PIPELINING"] == ()
    for bad_keyword in ["", "-X", "AUTH=PLAIN", "A B", "X\r\n"]:
        with pytest.raises(ValueError, match="keyword"):
            Extensions([(bad_keyword, [])])
    for bad_param in ["", "a b", "a\r\nb", "x\x00"]:
        with pytest.raises(ValueError, match="parameter"):
            Extensions([("AUTH", [bad_param])])


def test_mapping_behaviour() -> None:
    a = Extensions([("SIZE", ["10"]), ("PIPELINING", [])])
    b = parse("size 10", "PIPELINING")
    assert a == b
    assert hash(a) == hash(b)
    assert a != parse("SIZE 10")
    assert a != "SIZE 10"
    assert dict(a) == {"SIZE": ("10",), "PIPELINING": ()}
    assert repr(a) == "Extensions(['SIZE 10', 'PIPELINING'])"
    assert Extensions() == Extensions([])
    with pytest.raises(KeyError):
        a["DSN"]


def test_known_extensions() -> None:
    assert set(KNOWN_EXTENSIONS) >= {"SIZE", "PIPELINING", "STARTTLS", "AUTH", "CHUNKING"}
    assert all(value.startswith("RFC ") for value in KNOWN_EXTENSIONS.values())


keywords = st.from_regex(r"\A[A-Z0-9][A-Z0-9-]{0,12}\Z")
params = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8)
extension_lists = st.lists(
    st.tuples(keywords, st.lists(params, max_size=3)), unique_by=lambda kv: kv[0], max_size=8
)


@given(extension_lists)
def test_to_lines_round_trip(items: list[tuple[str, list[str]]]) -> None:
    ext = Extensions(items)
    assert Extensions.from_reply(Reply(250, ["mx.example", *ext.to_lines()])) == ext
    assert len(ext.to_lines()) == len(items)


@given(st.lists(st.text(max_size=20), max_size=6))
def test_any_reply_text_parses(lines: list[str]) -> None:
    """Whatever a server lists, parsing never fails and only well-formed keywords survive."""
    try:
        reply = Reply(250, ["mx", *lines])
    except LocalProtocolError:
        return
    ext = Extensions.from_reply(reply)
    for keyword in ext:
        assert keyword == keyword.upper()
        assert Extensions([(keyword, ext[keyword])]) is not None
    _ = ext.max_size
