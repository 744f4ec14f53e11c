"""Known-answer and property tests for the RFC 5321 §4.1.2 / RFC 6531 §3.3 path grammar."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pymailproto.smtp._address import (
    Address,
    AddressError,
    _format_local_part,
    format_path,
    is_address_literal,
    is_domain,
    parse_forward_path,
    parse_reverse_path,
    split_path,
)

# --- known answers: valid paths --------------------------------------------------------------

VALID_PATHS = [
    ("<user@example.com>", "user", "example.com"),
    ("<a.b.c@x>", "a.b.c", "x"),
    ("<!#$%&'*+-/=?^_`{|}~@example.com>", "!#$%&'*+-/=?^_`{|}~", "example.com"),
    ('<"john smith"@example.com>', "john smith", "example.com"),
    ('<"john \\"q\\" smith"@example.com>', 'john "q" smith', "example.com"),
    ('<"back\\\\slash"@example.com>', "back\\slash", "example.com"),
    ('<"a>b"@x>', "a>b", "x"),
    ('<"a@b"@x>', "a@b", "x"),
    ('<""@x>', "", "x"),
    ('<"\\a"@x>', "a", "x"),  # quoted-pair of an ordinary character
    ('<".a"@x>', ".a", "x"),
    ('<"a..b"@x>', "a..b", "x"),
    ("<joe@[192.0.2.1]>", "joe", "[192.0.2.1]"),
    ("<joe@[0.0.0.0]>", "joe", "[0.0.0.0]"),
    ("<joe@[255.255.255.255]>", "joe", "[255.255.255.255]"),
    ("<joe@[001.02.3.004]>", "joe", "[001.02.3.004]"),  # Snum = 1*3DIGIT
    ("<joe@[IPv6:2001:db8::1]>", "joe", "[IPv6:2001:db8::1]"),
    ("<joe@[IPv6:1:2:3:4:5:6:7:8]>", "joe", "[IPv6:1:2:3:4:5:6:7:8]"),
    ("<joe@[IPv6:::]>", "joe", "[IPv6:::]"),
    ("<joe@[IPv6:::1]>", "joe", "[IPv6:::1]"),
    ("<joe@[IPv6:1::]>", "joe", "[IPv6:1::]"),
    ("<joe@[IPv6:1:2:3::4:5:6]>", "joe", "[IPv6:1:2:3::4:5:6]"),
    ("<joe@[ipv6:ABCD::ef01]>", "joe", "[ipv6:ABCD::ef01]"),
    ("<joe@[IPv6:1:2:3:4:5:6:192.0.2.1]>", "joe", "[IPv6:1:2:3:4:5:6:192.0.2.1]"),
    ("<joe@[IPv6:::192.0.2.1]>", "joe", "[IPv6:::192.0.2.1]"),
    ("<joe@[IPv6:::ffff:192.0.2.1]>", "joe", "[IPv6:::ffff:192.0.2.1]"),
    ("<joe@[IPv6:1:2::3:4:192.0.2.1]>", "joe", "[IPv6:1:2::3:4:192.0.2.1]"),
    ("<joe@[IPv6:1:2:3:4::192.0.2.1]>", "joe", "[IPv6:1:2:3:4::192.0.2.1]"),
    ("<joe@[x-tag:any>thing@]>", "joe", "[x-tag:any>thing@]"),
    ('<joe@[tag:"]>', "joe", '[tag:"]'),
    ("<joe@a-b.c--d.e>", "joe", "a-b.c--d.e"),
    ("<joe@123.example>", "joe", "123.example"),
    ("<joe@localhost>", "joe", "localhost"),
    ("<joe@xn--bcher-kva.example>", "joe", "xn--bcher-kva.example"),
    # source routes are accepted and dropped (RFC 5321 §4.1.1.3, Appendix C)
    ("<@hosta.int,@jkl.org:userc@d.bar.org>", "userc", "d.bar.org"),
    ("<@jkl.org:userc@d.bar.org>", "userc", "d.bar.org"),
    ('<@a:"x:y"@b>', "x:y", "b"),
    ("<Postmaster@example.com>", "Postmaster", "example.com"),
]


@pytest.mark.parametrize(("path", "local", "domain"), VALID_PATHS)
def test_valid_paths(path: str, local: str, domain: str) -> None:
    expected = Address(local, domain)
    assert parse_forward_path(path) == expected
    assert parse_reverse_path(path) == expected
    # Re-encoding gives a path that parses to the same Address (minimum quoting may differ).
    assert parse_forward_path(format_path(expected)) == expected


@pytest.mark.parametrize(
    ("address", "text"),
    [
        (Address("user", "example.com"), "user@example.com"),
        (Address("john smith", "x"), '"john smith"@x'),
        (Address('a"b', "x"), '"a\\"b"@x'),
        (Address("a\\b", "x"), '"a\\\\b"@x'),
        (Address("", "x"), '""@x'),
        (Address("a.", "x"), '"a."@x'),
        (Address("Postmaster", ""), "Postmaster"),
        (Address("jöe", "bücher.example"), "jöe@bücher.example"),
        (Address("j ö", "x"), '"j ö"@x'),
    ],
)
def test_str_uses_minimum_quoting(address: Address, text: str) -> None:
    assert str(address) == text


def test_format_path() -> None:
    assert format_path(None) == "<>"
    assert format_path(Address("a", "b")) == "<a@b>"
    assert format_path(Address("Postmaster", "")) == "<Postmaster>"


def test_null_paths() -> None:
    assert parse_reverse_path("<>") is None
    with pytest.raises(AddressError, match="null path"):
        parse_forward_path("<>")


@pytest.mark.parametrize("path", ["<Postmaster>", "<postmaster>", "<POSTMASTER>", "<PostMaster>"])
def test_postmaster(path: str) -> None:
    assert parse_forward_path(path) == Address("Postmaster", "")
    with pytest.raises(AddressError):
        parse_reverse_path(path)


# --- known answers: invalid paths ------------------------------------------------------------

INVALID_PATHS = [
    "user@example.com",  # no angle brackets
    "<user@example.com",
    "user@example.com>",
    "<",
    "<user>",  # no domain
    "<@example.com>",  # empty local part as Dot-string
    "<user@>",
    "<a b@x>",
    "<a..b@x>",
    "<.a@x>",
    "<a.@x>",
    "<a(b)@x>",
    "<a,b@x>",
    "<a\\b@x>",
    '<"unterminated@x>',
    '<"a"b@x>',
    '<"a"@@x>',
    '<"a\\',
    '<"a\\">',
    "<a@b@c>",
    "<a@x.>",  # trailing dot
    "<a@.x>",
    "<a@x..y>",  # empty label
    "<a@-x.y>",  # hyphen rules
    "<a@x-.y>",
    "<a@x.-y>",
    "<a@x_y.z>",  # underscore is not LDH
    "<a@x y>",
    "<a@[1.2.3]>",
    "<a@[1.2.3.4.5]>",
    "<a@[256.1.1.1]>",
    "<a@[1.2.3.1000]>",
    "<a@[1.2.3.4>",
    "<a@1.2.3.4]>",
    "<a@[]>",
    "<a@[IPv6:1:2:3:4:5:6:7]>",
    "<a@[IPv6:1:2:3:4:5:6:7:8:9]>",
    "<a@[IPv6:1:2:3:4:5:6:7::]>",  # more than 6 groups besides "::"
    "<a@[IPv6:::1:2:3:4:5:6:7]>",
    "<a@[IPv6:1::2::3]>",
    "<a@[IPv6:1:::2]>",
    "<a@[IPv6:12345::]>",
    "<a@[IPv6:g::]>",
    "<a@[IPv6:]>",
    "<a@[IPv6:fe80::1%eth0]>",
    "<a@[IPv6:1:2:3:4:5:192.0.2.1]>",
    "<a@[IPv6:1:2:3:4:5:6:7:192.0.2.1]>",
    "<a@[IPv6:1:2:3:4:5::192.0.2.1]>",  # more than 4 groups besides "::"
    "<a@[IPv6:::256.0.0.1]>",
    "<a@[IPv6:192.0.2.1]>",
    "<a@[IPv6::192.0.2.1]>",
    "<a@[IPv6:1.2.3.4::]>",
    "<a@[tag]>",
    "<a@[tag:]>",
    "<a@[-:x]>",
    "<a@[tag-:x]>",
    "<a@[tag:a b]>",
    "<a@[tag:a\\b]>",
    "<a@[tag:a[b]>",
    "<a@[x_y:z]>",
    "<@a,b:c@d>",  # every At-domain needs "@"
    "<@a:>",
    "<@a>",
    "<@a,@:c@d>",
    "<@[1.2.3.4]:c@d>",  # At-domain = "@" Domain (no literal)
    "<@a;c@d>",
    "<Postmaster@>",
    "<@a:Postmaster>",
]


@pytest.mark.parametrize("path", INVALID_PATHS)
def test_invalid_paths(path: str) -> None:
    with pytest.raises(AddressError):
        parse_forward_path(path, utf8=True)
    with pytest.raises(AddressError):
        parse_reverse_path(path, utf8=True)


@pytest.mark.parametrize("bad", ["\r\n", "\r", "\n", "\x00", "\t", "\x7f", "\x85", "\x1b"])
@pytest.mark.parametrize(
    "template", ["<{}a@b>", "<a{}@b>", "<a@b{}>", "<a@{}b>", '<"a{}"@b>', "<a@[1.2.3.4{}]>"]
)
def test_control_characters_rejected_everywhere(bad: str, template: str) -> None:
    path = template.format(bad)
    for utf8 in (False, True):
        with pytest.raises(AddressError):
            parse_forward_path(path, utf8=utf8)
        with pytest.raises(AddressError):
            parse_reverse_path(path, utf8=utf8)


# --- SMTPUTF8 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "local", "domain"),
    [
        ("<jöe@example.com>", "jöe", "example.com"),
        ("<用户@例子.广告>", "用户", "例子.广告"),
        ('<"j ö"@example.com>', "j ö", "example.com"),
        ("<a@bücher.example>", "a", "bücher.example"),
        ("<a@xn--bcher-kva.bücher>", "a", "xn--bcher-kva.bücher"),
        ("<@bücher.example:a@b>", "a", "b"),
        ("<a\u00a0b@x>", "a\u00a0b", "x"),  # UTF8-non-ascii in atext: any non-control
    ],
)
def test_non_ascii_needs_utf8(path: str, local: str, domain: str) -> None:
    with pytest.raises(AddressError, match="SMTPUTF8"):
        parse_forward_path(path)
    with pytest.raises(AddressError, match="SMTPUTF8"):
        parse_reverse_path(path)
    assert parse_forward_path(path, utf8=True) == Address(local, domain)
    assert parse_reverse_path(path, utf8=True) == Address(local, domain)


@pytest.mark.parametrize(
    "path",
    [
        '<"a\\ö"@x>',  # quoted-pairSMTP = %d92 %d32-126 only
        "<a@bu\u0308cher.example>",  # not NFC
        "<a@\u0308x.example>",  # starts with a combining mark
        "<a@-ö.example>",
        "<a@ö-.example>",
        "<a@ab--ö.example>",  # hyphens in positions 3 and 4
        "<a@ö_x.example>",
        "<a@ö☃.example>",  # a symbol
        "<a@例子。广告>",  # ideographic full stop is not a label separator
        "<a@[IPv6:::ö]>",
        "<a@[tag:ö]>",
        "<a@\ud800.example>",
        "<a\ud800@x>",
    ],
)
def test_invalid_utf8_paths(path: str) -> None:
    with pytest.raises(AddressError):
        parse_forward_path(path, utf8=True)


def test_needs_smtputf8() -> None:
    assert not Address("a", "b").needs_smtputf8
    assert Address("ö", "b").needs_smtputf8
    assert Address("a", "bö").needs_smtputf8
    assert not Address("Postmaster", "").needs_smtputf8


# --- size limits (RFC 5321 §4.5.3.1) -----------------------------------------------------------


def test_local_part_limit() -> None:
    assert parse_forward_path(f"<{'a' * 64}@x>").local_part == "a" * 64
    with pytest.raises(AddressError, match=r"Local-part longer than 64 .*4\.5\.3\.1\.1"):
        parse_forward_path(f"<{'a' * 65}@x>")
    # The limit counts the Local-part as sent, quotes included ...
    assert parse_forward_path(f'<"{"a" * 62}"@x>').local_part == "a" * 62
    with pytest.raises(AddressError, match="Local-part"):
        parse_reverse_path(f'<"{"a" * 63}"@x>')
    # ... and in UTF-8 octets.
    assert parse_forward_path(f"<{'é' * 32}@x>", utf8=True).local_part == "é" * 32
    with pytest.raises(AddressError, match="Local-part"):
        parse_forward_path(f"<{'é' * 32}a@x>", utf8=True)


def _domain(octets: int) -> str:
    """An LDH domain of exactly ``octets`` octets."""
    labels = []
    while octets > 51:
        labels.append("a" * 50)
        octets -= 51
    return ".".join([*labels, "b" * octets])


def test_domain_limit() -> None:
    assert all(len(_domain(n)) == n and is_domain(_domain(n)) for n in range(1, 300))
    # A 255-octet domain satisfies §4.5.3.1.2, so only the path limit can refuse it.
    with pytest.raises(AddressError, match="path longer"):
        parse_forward_path(f"<a@{_domain(255)}>")
    with pytest.raises(AddressError, match=r"domain longer than 255 .*4\.5\.3\.1\.2"):
        parse_forward_path(f"<a@{_domain(256)}>")
    with pytest.raises(AddressError, match="domain longer"):
        parse_reverse_path(f"<a@{_domain(256)}>")


def test_path_limit() -> None:
    # "<" + "a@" + domain + ">" = 256 octets exactly
    ok = f"<a@{_domain(252)}>"
    assert len(ok) == 256
    assert parse_forward_path(ok).domain == _domain(252)
    assert parse_reverse_path(ok) is not None
    with pytest.raises(AddressError, match=r"path longer than 256 .*4\.5\.3\.1\.3"):
        parse_forward_path(f"<ab@{_domain(252)}>")
    # The source route counts towards the path length.
    route = "@" + "r" * 50 + ":"
    assert parse_forward_path(f"<{route}a@{_domain(252 - len(route))}>").local_part == "a"
    with pytest.raises(AddressError, match="path longer"):
        parse_reverse_path(f"<{route}a@{_domain(253 - len(route))}>")
    # In octets: 2-octet characters in the domain.
    assert parse_forward_path(f"<a@{'é' * 60}.{_domain(131)}>", utf8=True)
    with pytest.raises(AddressError, match="path longer"):
        parse_forward_path(f"<a@{'é' * 60}.{_domain(132)}>", utf8=True)


# --- the Address type ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "domain"),
    [
        ("a\r\nRCPT TO:<evil@x>", "x"),
        ("a", "x\r\nRSET"),
        ("a\n", "x"),
        ("a", "x\r"),
        ("a\x00", "x"),
        ("\r\n", "[1.2.3.4]"),
        ("a", "[tag:a\r\nb]"),
        ("a\x85", "x"),
        ("a", ""),  # empty domain only for Postmaster
        ("postmaster", ""),
        ("a", "x..y"),
        ("a", "[300.1.1.1]"),
        ("a", "x y"),
        ("a", "@x"),
        ("a", "x>"),
        ("\ud800", "x"),
    ],
)
def test_address_constructor_rejects(local: str, domain: str) -> None:
    with pytest.raises(AddressError):
        Address(local, domain)


def test_address_constructor_type_check() -> None:
    with pytest.raises(TypeError):
        Address(b"a", "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Address("a", None)  # type: ignore[arg-type]


def test_address_is_frozen_and_hashable() -> None:
    address = Address("a", "b")
    with pytest.raises(AttributeError):
        address.local_part = "c"  # type: ignore[misc]
    assert {address, Address("a", "b")} == {address}


def test_address_parse() -> None:
    assert Address.parse("a@b") == Address("a", "b")
    assert Address.parse('"a b"@[1.2.3.4]') == Address("a b", "[1.2.3.4]")
    assert Address.parse("jö@bü") == Address("jö", "bü")
    assert Address.parse("x" * 100 + "@b").local_part == "x" * 100  # no size limits here
    for bad in ["<a@b>", "a", "a@b c", "a@b\r\n", "Postmaster", "a@b>"]:
        with pytest.raises(AddressError):
            Address.parse(bad)
    with pytest.raises(AddressError, match="SMTPUTF8"):
        Address.parse("jö@b", utf8=False)


# --- predicates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.com", True),
        ("a", True),
        ("1", True),
        ("a-1.b", True),
        ("", False),
        (".", False),
        ("a.", False),
        ("-a", False),
        ("a_b", False),
        ("[1.2.3.4]", False),
        ("bücher.de", False),
    ],
)
def test_is_domain(text: str, expected: bool) -> None:
    assert is_domain(text) is expected


def test_is_domain_utf8() -> None:
    assert is_domain("bücher.de", utf8=True)
    assert not is_domain("b\x85ücher.de", utf8=True)
    assert not is_domain("bücher..de", utf8=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1.2.3.4]", True),
        ("[IPv6:::1]", True),
        ("[tag:x]", True),
        ("1.2.3.4", False),
        ("[1.2.3.4", False),
        ("[]", False),
        ("[IPv6:x]", False),  # the IPv6 tag is not a General-address-literal
        ("[IPV6:::1]", True),
    ],
)
def test_is_address_literal(text: str, expected: bool) -> None:
    assert is_address_literal(text) is expected


# --- split_path --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "path", "rest"),
    [
        ("<a@b>", "<a@b>", ""),
        ("<a@b> SIZE=10", "<a@b>", "SIZE=10"),
        (" <a@b> SIZE=10", "<a@b>", "SIZE=10"),
        ("<>", "<>", ""),
        ("<> BODY=8BITMIME", "<>", "BODY=8BITMIME"),
        ('<"x y"@b>  BODY=8BITMIME', '<"x y"@b>', "BODY=8BITMIME"),
        ('<"a>b"@x> SIZE=1', '<"a>b"@x>', "SIZE=1"),
        ('<"a\\">b"@x> SIZE=1', '<"a\\">b"@x>', "SIZE=1"),
        ('<"a\\\\"@x> SIZE=1', '<"a\\\\"@x>', "SIZE=1"),
        ("<a@[tag:>]> SIZE=1", "<a@[tag:>]>", "SIZE=1"),
        ('<a@[tag:"]> SIZE=1', '<a@[tag:"]>', "SIZE=1"),
        ("<a@b> ", "<a@b>", ""),
        ("<a@b> SIZE=1 BODY=7BIT", "<a@b>", "SIZE=1 BODY=7BIT"),
    ],
)
def test_split_path(argument: str, path: str, rest: str) -> None:
    assert split_path(argument) == (path, rest)


@pytest.mark.parametrize(
    "argument",
    ["a@b", "", " ", "<a@b", '<"a>b@x', "<a@[tag:>", "<a@b>SIZE=1", '<"a\\', "a@b> x", "<a@b>>"],
)
def test_split_path_rejects(argument: str) -> None:
    with pytest.raises(AddressError):
        split_path(argument)


# --- property tests ----------------------------------------------------------------------------

_ATEXT = "ABCXYZabcxyz0189!#$%&'*+-/=?^_`{|}~"
_LOCAL_ALPHABET = st.sampled_from(
    [*_ATEXT, ".", " ", '"', "\\", "@", "<", ">", "(", ")", ",", ":", ";", "[", "]", "é", "用"]
)
_NON_ASCII_LETTERS = "äöüéñßçøåłжя中文日本語한국"


def _label(alphabet: str) -> st.SearchStrategy[str]:
    inner = st.text(alphabet + "-", max_size=8)
    edge = st.sampled_from(alphabet)
    return st.one_of(
        edge,
        st.builds(lambda a, b, c: a + b + c, edge, inner, edge).filter(lambda s: s[2:4] != "--"),
    )


_domains = st.lists(
    st.one_of(_label("abcxyzABC0189"), _label("abc09" + _NON_ASCII_LETTERS)), min_size=1, max_size=4
).map(".".join)
_ipv4 = st.ip_addresses(v=4).map(lambda ip: f"[{ip}]")
_ipv6 = st.ip_addresses(v=6).map(lambda ip: f"[IPv6:{ip}]")
_ipv6v4 = st.builds(
    lambda v6, v4: f"[IPv6:{v6.exploded.rsplit(':', 2)[0]}:{v4}]",
    st.ip_addresses(v=6),
    st.ip_addresses(v=4),
)
_general = st.builds(
    lambda tag, content: f"[{tag}:{content}]",
    _label("abcXYZ019").filter(lambda t: t.lower() != "ipv6"),
    st.text(
        st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="[\\]"), min_size=1
    ),
)
_addresses = st.builds(
    Address,
    st.text(_LOCAL_ALPHABET, max_size=20),
    st.one_of(_domains, _ipv4, _ipv6, _ipv6v4, _general),
)


@given(_addresses)
def test_address_round_trip(address: Address) -> None:
    path = format_path(address)
    assume(len(path.encode()) <= 256 and len(_format_local_part(address.local_part).encode()) <= 64)
    assert parse_forward_path(path, utf8=True) == address
    assert parse_reverse_path(path, utf8=True) == address
    assert Address.parse(str(address)) == address
    assert split_path(path + " SIZE=1") == (path, "SIZE=1")
    if not address.needs_smtputf8:
        assert parse_forward_path(path) == address
    else:
        with pytest.raises(AddressError):
            parse_forward_path(path)


@given(st.ip_addresses(v=6))
def test_every_ipv6_address_is_a_literal(ip: ipaddress.IPv6Address) -> None:
    for text in {str(ip), ip.exploded}:
        assert is_address_literal(f"[IPv6:{text}]")


@given(st.text(max_size=30))
def test_parsing_arbitrary_text_only_raises_address_error(text: str) -> None:
    for path in (text, f"<{text}>", f"<a@{text}>", f'<"{text}"@x>'):
        for utf8 in (False, True):
            try:
                result = parse_forward_path(path, utf8=utf8)
            except AddressError:
                continue
            # Whatever parses has no control characters and re-parses to itself.
            assert parse_forward_path(format_path(result), utf8=True) == result
            assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in str(result))


@given(st.text(max_size=10), st.text(max_size=10))
def test_constructor_never_admits_line_breaks(local: str, domain: str) -> None:
    try:
        address = Address(local, domain)
    except AddressError:
        return
    assert not any(ch in str(address) for ch in "\r\n\x00")
