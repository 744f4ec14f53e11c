"""STARTTLS, AUTHENTICATE (with SASL-IR and the continuation lines of the exchange) and LOGIN
(RFC 9051 §6.2, RFC 3501 §6.2, RFC 4959, RFC 4978's example): known answers, transcripts fed
whole, byte by byte and at random splits, validation, malformed input."""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_nonauth import (
    AuthenticateCommand,
    LoginCommand,
    StartTlsCommand,
    encode_base64,
)
from pymailproto.imap._commands_special import AuthenticateResponse
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import LiteralMode, LiteralSupport, WireOptions
from tests.imap import strategies_commands as c

V = c.Vector

# RFC 3501 §6.2.2 and RFC 9051 §6.2.2, GSSAPI: "The line breaks within server challenges and
# client responses are for editorial clarity and are not in real authenticators."
GSSAPI_1 = (
    b"YIIB+wYJKoZIhvcSAQICAQBuggHqMIIB5qADAgEFoQMCAQ6iBwMFACAAAACjggEmYYIBIjCCAR6gAwIBBaESGxB1"
    b"Lndhc2hpbmd0b24uZWR1oi0wK6ADAgEDoSQwIhsEaW1hcBsac2hpdmFtcy5jYWMud2FzaGluZ3Rvbi5lZHWjgdMw"
    b"gdCgAwIBAaEDAgEDooHDBIHAcS1GSa5b+fXnPZNmXB9SjL8Ollj2SKyb+3S0iXMljen/jNkpJXAleKTz6BQPzj8d"
    b"uz8EtoOuNfKgweViyn/9B9bccy1uuAE2HI0yC/PHXNNU9ZrBziJ8Lm0tTNc98kUpjXnHZhsMcz5Mx2GR6dGknbI0"
    b"iaGcRerMUsWOuBmKKKRmVMMdR9T3EZdpqsBd7jZCNMWotjhivd5zovQlFqQ2Wjc2+y46vKP/iXxWIuQJuDiisyXF"
    b"0Y8+5GTpALpHDc1/pIGmMIGjoAMCAQGigZsEgZg2on5mSuxoDHEA1w9bcW9nFdFxDKpdrQhVGVRDIzcCMCTzvUbo"
    b"qb5KjY1NJKJsfjRQiBYBdENKfzK+g5DlV8nrw81uOcP8NOQCLR5XkoMHC0Dr/80ziQzbNqhxO6652Npft0LQwJve"
    b"nwDI13YxpwOdMXzkWZN/XrEqOWp6GCgXTBvCyLWLlWnbaUkZdEYbKHBPjd8t/1x5Yg=="
)
GSSAPI_3 = b"YDMGCSqGSIb3EgECAgIBAAD/////3LQBHXTpFfZgrejpLlLImPwkhbfa2QteAQAgAG1yYwE="
# "test\0test\0test" (RFC 4616 §2: authzid NUL authcid NUL passwd)
PLAIN = b"dGVzdAB0ZXN0AHRlc3Q="


def _response(line: bytes) -> AuthenticateResponse:
    return AuthenticateResponse(binascii.a2b_base64(line))


VECTORS = [
    V("RFC 3501 §6.1.1", b"efgh STARTTLS\r\n", StartTlsCommand("efgh")),
    V("RFC 3501 §6.2.1", b"a002 STARTTLS\r\n", StartTlsCommand("a002")),
    V("RFC 3501 §6.2.1", b"a004 LOGIN joe password\r\n", LoginCommand("a004", "joe", "password")),
    V("RFC 3501 §6.2.2", b"A001 AUTHENTICATE GSSAPI\r\n", AuthenticateCommand("A001", "GSSAPI")),
    V("RFC 3501 §6.2.2", GSSAPI_1 + b"\r\n", _response(GSSAPI_1)),
    V("RFC 3501 §6.2.2", b"\r\n", AuthenticateResponse(b"")),
    V("RFC 3501 §6.2.2", GSSAPI_3 + b"\r\n", _response(GSSAPI_3)),
    V("RFC 3501 §6.2.3", b"a001 LOGIN SMITH SESAME\r\n", LoginCommand("a001", "SMITH", "SESAME")),
    V(
        "RFC 3501 §8",
        b"a001 login mrc secret\r\n",
        LoginCommand("a001", b"mrc", b"secret"),
        b"a001 LOGIN mrc secret\r\n",
        note="command names are written upper case",
    ),
    V(
        "RFC 9051 §6.2.1",
        b"a004 AUTHENTICATE PLAIN " + PLAIN + b"\r\n",
        AuthenticateCommand("a004", "PLAIN", b"test\0test\0test"),
    ),
    V("RFC 9051 §6.2.2", b"A01 STARTTLS\r\n", StartTlsCommand("A01")),
    V(
        "RFC 9051 §6.2.2",
        b"A03 AUTHENTICATE PLAIN " + PLAIN + b"\r\n",
        AuthenticateCommand("A03", "PLAIN", b"test\0test\0test"),
    ),
    # RFC 9051 §6.2.2 and RFC 4959 §4: without the initial response, then as a response line
    V("RFC 4959 §4", b"A01 AUTHENTICATE PLAIN\r\n", AuthenticateCommand("A01", "PLAIN")),
    V("RFC 4959 §4", PLAIN + b"\r\n", AuthenticateResponse(b"test\0test\0test")),
    V(
        "RFC 4959 §4",
        b"A01 AUTHENTICATE EXTERNAL =\r\n",
        AuthenticateCommand("A01", "EXTERNAL", b""),
    ),
    V("RFC 4959 §4", b"A01 AUTHENTICATE EXTERNAL\r\n", AuthenticateCommand("A01", "EXTERNAL")),
    V("RFC 4959 §4", b"\r\n", AuthenticateResponse(b"")),
    V("RFC 4978 §3", b"a starttls\r\n", StartTlsCommand("a"), b"a STARTTLS\r\n"),
    V(
        "RFC 4978 §3",
        b"b login arnt tnra\r\n",
        LoginCommand("b", "arnt", "tnra"),
        b"b LOGIN arnt tnra\r\n",
    ),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_rfc_examples(vector: c.Vector) -> None:
    c.check_vector(vector)


WIRE, EXPECTED = c.transcript(VECTORS)


def test_transcript_whole_and_bytewise() -> None:
    assert c.values(c.collect([WIRE], EXPECTED)) == EXPECTED
    assert c.values(c.collect(c.bytewise(WIRE), EXPECTED)) == EXPECTED


@settings(max_examples=50)
@given(st.data())
def test_transcript_random_splits(data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(WIRE)), max_size=12))
    assert c.values(c.collect(c.split(WIRE, points), EXPECTED)) == EXPECTED


def test_plain_credentials_decode() -> None:
    # RFC 4616 §4: authzid NUL authcid NUL passwd.
    assert binascii.a2b_base64(PLAIN) == b"test\0test\0test"
    assert encode_base64(b"test\0test\0test") == PLAIN


def test_mechanism_is_upper_cased() -> None:
    assert AuthenticateCommand("t", "scram-sha-256").mechanism == "SCRAM-SHA-256"
    command = read_command(Reader(b"t authenticate plain\r\n"))
    assert command == AuthenticateCommand("t", "PLAIN")
    assert command.to_bytes() == b"t AUTHENTICATE PLAIN\r\n"


def test_secrets_stay_out_of_repr() -> None:
    assert "SESAME" not in repr(LoginCommand("a", "SMITH", "SESAME"))
    assert "SMITH" in repr(LoginCommand("a", "SMITH", "SESAME"))
    assert "secret" not in repr(AuthenticateCommand("a", "PLAIN", b"\0u\0secret"))


def test_login_forms() -> None:
    # Quoted when not an atom, a literal when not quotable; UTF-8 quoted once enabled.
    command = LoginCommand("a", "fred smith", 'pa"ss\\')
    assert command.to_bytes() == b'a LOGIN "fred smith" "pa\\"ss\\\\"\r\n'
    assert read_command(Reader(command.to_bytes())) == command
    command = LoginCommand("a", "x", "line\r\nbreak")
    fragments = command.fragments()
    assert fragments[0].data == b"a LOGIN x {11}\r\n"
    assert fragments[1].data == b"line\r\nbreak"
    assert getattr(fragments[1], "mode", None) is LiteralMode.SYNC
    plus = WireOptions(literals=LiteralSupport.LITERAL_PLUS)
    assert command.to_bytes(plus) == b"a LOGIN x {11+}\r\nline\r\nbreak\r\n"
    assert read_command(Reader(command.to_bytes(plus))) == command
    utf8 = LoginCommand("a", "jos\u00e9", "x")
    assert utf8.to_bytes() == b"a LOGIN {5}\r\njos\xc3\xa9 x\r\n"
    assert utf8.to_bytes(WireOptions(utf8=True)) == b'a LOGIN "jos\xc3\xa9" x\r\n'
    # A literal atom-like password stays bytes: the astring's form does not matter.
    assert read_command(Reader(b'a LOGIN "joe" {8}\r\npassword\r\n')) == LoginCommand(
        "a", "joe", "password"
    )


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        LoginCommand("a", "x\0", "y")
    with pytest.raises(IMAPValueError):
        LoginCommand("a", "x", b"\0")
    with pytest.raises(IMAPValueError):
        AuthenticateCommand("a", "PLAIN SP")
    with pytest.raises(IMAPValueError):
        AuthenticateCommand("a", "")
    with pytest.raises(IMAPValueError):
        AuthenticateCommand("a", "PLAIN", "text")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        StartTlsCommand("a b")


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t STARTTLS now\r\n", 10),
        (b"t AUTHENTICATE\r\n", 14),
        (b"t AUTHENTICATE (x)\r\n", 15),
        # SASL-IR: an empty response is "=", not nothing (RFC 4959 §3)
        (b"t AUTHENTICATE PLAIN \r\n", 21),
        # invalid BASE64: non-terminal "=", characters outside the alphabet (RFC 4959 §3)
        (b"t AUTHENTICATE PLAIN =AAA\r\n", 21),
        (b"t AUTHENTICATE PLAIN AAA=BBBB\r\n", 25),
        (b"t AUTHENTICATE PLAIN AA!A\r\n", 21),
        (b"t AUTHENTICATE PLAIN == \r\n", 21),
        (b"t LOGIN joe\r\n", 11),
        (b"t LOGIN joe (pw)\r\n", 12),
        (b"t LOGIN joe pw more\r\n", 14),
        (b"t LOGIN joe {5}\r\npw\r\n", 17),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert info.value.offset == offset
    assert info.value.tag == "t"
