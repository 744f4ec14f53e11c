"""Command values, their wire form (format_command) and the server's parser (parse_command)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp import (
    NEED_DATA,
    Address,
    Auth,
    AuthResponse,
    Bdat,
    Body,
    Command,
    Data,
    Ehlo,
    EndOfChunk,
    Expn,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    MailParams,
    MessageChunk,
    Noop,
    Notify,
    Quit,
    RcptParams,
    RcptTo,
    Ret,
    Rset,
    StartTLS,
    Vrfy,
)
from pymailproto.smtp._commands import (
    CommandError,
    format_command,
    parse_auth_response,
    parse_command,
)
from tests.smtp.client_helpers import ALICE, JOSE, addresses

# ---------------------------------------------------------------------------- strategies

_any_text = st.text(st.characters(codec="utf-8"), max_size=20)


def _constructible(cls: type[Command]) -> st.SearchStrategy[Command]:
    """Every value the constructor accepts, from arbitrary text (surrounding space trimmed:
    the parser ignores it around free-text arguments, RFC 5321 §4.1.1)."""

    def build(text: str) -> Command | None:
        try:
            return cls(text)  # type: ignore[call-arg]
        except LocalProtocolError:
            return None

    return _any_text.filter(lambda t: t == t.strip()).map(build).filter(lambda c: c is not None)  # type: ignore[return-value]


_mail_params = st.builds(
    MailParams,
    size=st.none() | st.integers(0, 10**20 - 1),
    body=st.none() | st.sampled_from(Body),
    smtputf8=st.booleans(),
    auth=st.none() | st.just("<>") | addresses(utf8=True).map(str),
    ret=st.none() | st.sampled_from(Ret),
    envid=st.none()
    | st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=100),
    extra=st.lists(
        st.tuples(
            st.from_regex(r"\AX-[A-Z0-9]{1,6}\Z"),
            st.none() | st.text("abc+!~é日", min_size=1, max_size=5),
        ),
        unique_by=lambda kv: kv[0],
        max_size=2,
    ).map(tuple),
)
_rcpt_params = st.builds(
    RcptParams,
    notify=st.none() | st.frozensets(st.sampled_from(Notify)),
    orcpt=st.none()
    | st.tuples(
        st.sampled_from(["rfc822", "utf-8", "X-FOO"]),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
    ),
)


@st.composite
def _mail_from(draw: st.DrawFn) -> MailFrom:
    sender = draw(st.none() | addresses(utf8=True))
    params = draw(_mail_params)
    if sender is not None and sender.needs_smtputf8 and not params.smtputf8:
        params = dataclasses.replace(params, smtputf8=True)
    return MailFrom(sender, params)


commands = st.one_of(
    _constructible(Ehlo),
    _constructible(Helo),
    _mail_from(),
    st.builds(RcptTo, addresses(utf8=True) | st.just(Address("Postmaster", "")), _rcpt_params),
    st.just(Data()),
    st.builds(Bdat, st.integers(0, 10**20 - 1), st.booleans()),
    st.just(Rset()),
    _constructible(Noop),
    st.just(Quit()),
    _constructible(Vrfy),
    _constructible(Expn),
    _constructible(Help),
    st.just(StartTLS()),
    st.builds(Auth, st.from_regex(r"\A[A-Z0-9_-]{1,20}\Z"), st.none() | st.binary(max_size=40)),
)
auth_responses = st.one_of(
    st.builds(AuthResponse, st.binary(max_size=60)), st.just(AuthResponse(cancelled=True))
)


# ---------------------------------------------------------------------------- round trips


@given(commands)
def test_round_trip(command: Command) -> None:
    line = format_command(command)
    assert line.endswith(b"\r\n")
    assert parse_command(line[:-2].decode("utf-8"), lmtp=False) == command


@given(_constructible(Lhlo))
def test_round_trip_lhlo(command: Command) -> None:
    assert parse_command(format_command(command)[:-2].decode(), lmtp=True) == command


@given(auth_responses)
def test_round_trip_auth_response(response: AuthResponse) -> None:
    line = format_command(response)
    assert parse_auth_response(line[:-2]) == response


@given(st.one_of(commands, auth_responses))
def test_no_line_break_or_nul_inside_a_command(command: Command) -> None:
    line = format_command(command)
    body = line[:-2]
    assert b"\r" not in body
    assert b"\n" not in body
    assert b"\x00" not in body
    assert line.count(b"\r\n") == 1


@pytest.mark.parametrize(
    ("command", "line"),
    [
        (Ehlo("client.example"), b"EHLO client.example"),
        (MailFrom(None), b"MAIL FROM:<>"),
        (
            MailFrom(ALICE, MailParams(size=10, body=Body.EIGHTBITMIME)),
            b"MAIL FROM:<alice@example.org> SIZE=10 BODY=8BITMIME",
        ),
        (RcptTo(Address("Postmaster", "")), b"RCPT TO:<Postmaster>"),
        (
            RcptTo(ALICE, RcptParams(notify=frozenset())),
            b"RCPT TO:<alice@example.org> NOTIFY=NEVER",
        ),
        (Bdat(0, last=True), b"BDAT 0 LAST"),
        (Bdat(86), b"BDAT 86"),
        (Noop(), b"NOOP"),
        (Help("MAIL"), b"HELP MAIL"),
        (Auth("PLAIN"), b"AUTH PLAIN"),
        (Auth("EXTERNAL", b""), b"AUTH EXTERNAL ="),  # RFC 4954 §4: "=" for an empty response
        (Auth("PLAIN", b"\x00u\x00p"), b"AUTH PLAIN AHUAcA=="),
        (AuthResponse(b""), b""),
        (AuthResponse(cancelled=True), b"*"),
        (StartTLS(), b"STARTTLS"),
    ],
)
def test_wire_examples(command: Command, line: bytes) -> None:
    assert format_command(command) == line + b"\r\n"


# ---------------------------------------------------------------------------- injection


_BAD = ["\r", "\n", "\r\n", "\x00", "\r\nRSET"]


def _injections(bad: str) -> list[object]:
    """Ways of smuggling ``bad`` into each text field of each command."""
    return [
        lambda: Ehlo(f"a{bad}b"),
        lambda: Helo(f"a{bad}"),
        lambda: Lhlo(f"{bad}a"),
        lambda: Noop(f"x{bad}"),
        lambda: Help(f"x{bad}y"),
        lambda: Vrfy(f"x{bad}y"),
        lambda: Expn(f"x{bad}y"),
        lambda: Auth(f"PLAIN{bad}"),
        lambda: MailFrom(Address(f"a{bad}", "example.org")),
        lambda: MailFrom(Address("a", f"example.org{bad}")),
        lambda: RcptTo(Address("a", f"ex{bad}ample.org")),
        lambda: MailFrom(ALICE, MailParams(envid=f"x{bad}")),
        lambda: MailFrom(ALICE, MailParams(auth=f"a{bad}@example.org")),
        lambda: MailFrom(ALICE, MailParams(extra=(("X", f"v{bad}"),))),
        lambda: MailFrom(ALICE, MailParams(extra=((f"X{bad}", None),))),
        lambda: RcptTo(ALICE, RcptParams(orcpt=("rfc822", f"a{bad}@b"))),
        lambda: RcptTo(ALICE, RcptParams(orcpt=(f"rfc{bad}822", "a@b"))),
        lambda: RcptTo(ALICE, RcptParams(extra=(("X", f"{bad}"),))),
    ]


@pytest.mark.parametrize("bad", _BAD)
def test_control_characters_cannot_be_smuggled(bad: str) -> None:
    for build in _injections(bad):
        with pytest.raises((LocalProtocolError, ValueError)):
            build()  # type: ignore[operator]


@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=10), st.sampled_from(_BAD))
def test_smuggling_anywhere_in_free_text(text: str, bad: str) -> None:
    for cls in (Ehlo, Helo, Noop, Help, Vrfy, Expn):
        for value in (bad + text, text + bad, text[:1] + bad + text[1:]):
            with pytest.raises(LocalProtocolError):
                cls(value)


@pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "a\u00a0b", "a\u3000b", "a\x85b"])
def test_token_refuses_surrogates_and_unicode_space(bad: str) -> None:
    # A lone surrogate has no UTF-8 form; a Unicode space would split the argument in two
    # (RFC 5321 §4.1.1.1: "EHLO" SP ( Domain / address-literal )).
    for cls in (Ehlo, Helo, Lhlo):
        with pytest.raises(LocalProtocolError):
            cls(bad)


@pytest.mark.parametrize("cls", [Noop, Help, Vrfy, Expn])
def test_text_refuses_surrogates(cls: type[Noop | Help | Vrfy | Expn]) -> None:
    with pytest.raises(LocalProtocolError):
        cls("x\ud800")


# ---------------------------------------------------------------------------- event values


@pytest.mark.parametrize(
    "build",
    [
        lambda: Bdat(-1),
        lambda: Bdat(10**20),
        lambda: Bdat("5"),  # type: ignore[arg-type]
        lambda: MessageChunk("text"),  # type: ignore[arg-type]
        lambda: AuthResponse(b"x", cancelled=True),
        lambda: Vrfy(""),
        lambda: Expn("   "),
        lambda: MailFrom(Address("Postmaster", "")),  # only a forward-path, RFC 5321 §4.1.1.3
        lambda: MailFrom("alice@example.org"),  # type: ignore[arg-type]
        lambda: RcptTo("bob@example.org"),  # type: ignore[arg-type]
        lambda: RcptTo(None),  # type: ignore[arg-type]
        lambda: Auth("plain"),  # RFC 4422 §3.1: mech-char is upper case
        lambda: Auth("X" * 21),
        lambda: Auth(""),
        lambda: Ehlo(""),
        lambda: Ehlo("two words"),
        lambda: Ehlo(b"bytes"),  # type: ignore[arg-type]
    ],
)
def test_invalid_values(build: object) -> None:
    with pytest.raises(LocalProtocolError):
        build()  # type: ignore[operator]


def test_valid_values() -> None:
    assert MessageChunk(bytearray(b"x")).data == b"x"  # type: ignore[arg-type]
    assert MessageChunk(memoryview(b"x")).data == b"x"  # type: ignore[arg-type]
    assert Bdat(0).size == 0
    assert not Bdat(0).last
    assert EndOfChunk(5).size == 5
    assert repr(NEED_DATA) == "NEED_DATA"
    with pytest.raises(AttributeError):
        Ehlo("a").domain = "b"  # type: ignore[misc]


# ---------------------------------------------------------------------------- parse errors


def _refusal(line: str, *, lmtp: bool = False) -> tuple[int, str | None]:
    with pytest.raises(CommandError) as info:
        parse_command(line, lmtp=lmtp)
    return info.value.reply.code, info.value.reply.enhanced


@pytest.mark.parametrize(
    ("line", "lmtp", "code", "enhanced"),
    [
        # RFC 5321 §4.2.4: 500 for an unrecognised command
        ("FOO bar", False, 500, "5.5.1"),
        ("", False, 500, "5.5.1"),
        ("MAILFROM:<a@b.c>", False, 500, "5.5.1"),
        ("LHLO x", False, 500, "5.5.1"),  # RFC 2033 §4.1: no LHLO in SMTP
        ("EHLO x", True, 500, "5.5.1"),  # ... and no EHLO/HELO in LMTP
        ("HELO x", True, 500, "5.5.1"),
        # 501: syntax errors in the arguments
        ("EHLO", False, 501, "5.5.4"),
        ("EHLO a b", False, 501, "5.5.4"),
        ("EHLO a\x00", False, 501, "5.5.4"),
        ("DATA now", False, 501, "5.5.4"),
        ("QUIT x", False, 501, "5.5.4"),
        ("STARTTLS x", False, 501, "5.5.4"),
        ("MAIL TO:<a@b.c>", False, 501, "5.5.2"),
        ("MAIL FROM:a@b.c", False, 501, "5.5.4"),
        ("MAIL FROM:<a@b.c> SIZE=big", False, 501, "5.5.4"),
        ("MAIL FROM:<a@b.c> SIZE=1 SIZE=2", False, 501, "5.5.4"),
        ("MAIL FROM:<a@@b.c>", False, 501, "5.1.7"),
        ("RCPT TO:<>", False, 501, "5.1.3"),
        ("RCPT TO:<a@b.c> NOTIFY=SOMETIMES", False, 501, "5.5.4"),
        ("RCPT FROM:<a@b.c>", False, 501, "5.5.2"),
        ("BDAT", False, 501, "5.5.4"),
        ("BDAT x", False, 501, "5.5.4"),
        ("BDAT -1", False, 501, "5.5.4"),
        ("BDAT 1 FIRST", False, 501, "5.5.4"),
        ("BDAT 1 LAST x", False, 501, "5.5.4"),
        ("BDAT 123456789012345678901", False, 501, "5.5.4"),
        ("BDAT \u00b2", False, 501, "5.5.4"),  # RFC 3030 §2: chunk-size ::= 1*DIGIT (ASCII)
        ("BDAT \u0661\u0662", False, 501, "5.5.4"),
        ("VRFY", False, 501, "5.5.4"),
        ("EXPN  ", False, 501, "5.5.4"),
        ("NOOP a\x00b", False, 501, "5.5.4"),
        ("AUTH", False, 501, "5.5.4"),
        ("AUTH PLAIN a b", False, 501, "5.5.4"),
        ("AUTH PLAIN !!!!", False, 501, "5.5.2"),  # RFC 4954 §4: undecodable base64
        ("AUTH PLAIN d\u00e9", False, 501, "5.5.2"),
        # RFC 6531 §3.7.4.1: non-ASCII address without SMTPUTF8
        ("MAIL FROM:<jos\u00e9@example.org>", False, 553, "5.6.7"),
        ("MAIL FROM:<a@b\u00fccher.example>", False, 553, "5.6.7"),
        # RFC 4954 §4: 504 for a mechanism that cannot exist
        ("AUTH PL@IN", False, 504, "5.5.4"),
        ("AUTH VERY-LONG-MECHANISM-NAME", False, 504, "5.5.4"),
    ],
)
def test_parse_errors(line: str, lmtp: bool, code: int, enhanced: str) -> None:
    assert _refusal(line, lmtp=lmtp) == (code, enhanced)


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("mail from:<a@b.c>", MailFrom(Address("a", "b.c"))),
        ("MAIL FROM: <a@b.c>", MailFrom(Address("a", "b.c"))),  # a common client quirk
        ("MAIL FROM:<jos\u00e9@example.org> SMTPUTF8", MailFrom(JOSE, MailParams(smtputf8=True))),
        ("RCPT TO:<postmaster>", RcptTo(Address("Postmaster", ""))),
        ("RCPT TO:<jos\u00e9@example.org>", RcptTo(JOSE)),  # checked later by the server
        ("ehlo  x.example", Ehlo("x.example")),
        ("AUTH plain =", Auth("PLAIN", b"")),
        ("BDAT 00 last", Bdat(0, last=True)),
        ("NOOP   ", Noop()),
        ("HELP", Help()),
    ],
)
def test_parse_leniency(line: str, command: Command) -> None:
    assert parse_command(line, lmtp=False) == command


def test_parse_auth_response() -> None:
    assert parse_auth_response(b"*") == AuthResponse(cancelled=True)
    assert parse_auth_response(b"") == AuthResponse(b"")
    assert parse_auth_response(b"dGVzdA==") == AuthResponse(b"test")
    for bad in (b"!!", b"dGVzdA", b"* ", b"\xff"):
        with pytest.raises(CommandError) as info:
            parse_auth_response(bad)
        assert (info.value.reply.code, info.value.reply.enhanced) == (501, "5.5.2")


@given(st.text(max_size=60))
def test_any_line_parses_or_is_refused(line: str) -> None:
    """The server's promise: a command, or a CommandError carrying a 5yz reply."""
    for lmtp in (False, True):
        try:
            command = parse_command(line, lmtp=lmtp)
        except CommandError as exc:
            assert 500 <= exc.reply.code <= 559
            continue
        assert isinstance(command, Command)
        assert re.fullmatch(rb"[^\r\n\x00]*\r\n", format_command(command))


@given(st.sampled_from(["MAIL FROM:", "RCPT TO:", "BDAT ", "AUTH ", "EHLO "]), st.text(max_size=40))
def test_any_argument_parses_or_is_refused(verb: str, arg: str) -> None:
    try:
        parse_command(verb + arg, lmtp=False)
    except CommandError as exc:
        assert 500 <= exc.reply.code <= 559


@given(st.binary(max_size=40))
def test_any_auth_response_parses_or_is_refused(line: bytes) -> None:
    try:
        parse_auth_response(line)
    except CommandError as exc:
        assert exc.reply.code == 501


def test_commanderror_carries_its_reply() -> None:
    with pytest.raises(CommandError, match="500"):
        parse_command("XYZZY", lmtp=False)
