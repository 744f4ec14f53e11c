"""Command lines: the wire form of each command (client) and its parser (server).

One small parser per verb, chosen from a table; each raises :class:`CommandError` with the
reply RFC 5321 prescribes (500 unknown verb, 501 bad arguments, 555 bad parameters, ...).
Checks that depend on the session (sequence, advertised extensions, limits) are the server
connection's job, not the parser's.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp._address import (
    AddressError,
    format_path,
    parse_forward_path,
    parse_reverse_path,
    split_path,
)
from pymailproto.smtp._events import (
    Auth,
    AuthResponse,
    Bdat,
    Command,
    Data,
    Ehlo,
    Expn,
    Helo,
    Help,
    Lhlo,
    MailFrom,
    Noop,
    Quit,
    RcptTo,
    Rset,
    StartTLS,
    Vrfy,
)
from pymailproto.smtp._params import (
    MailParams,
    ParameterError,
    RcptParams,
    format_params,
    parse_params,
)
from pymailproto.smtp._reply import Reply

__all__ = [
    "CommandError",
    "format_auth_response",
    "format_command",
    "parse_auth_response",
    "parse_command",
]


class CommandError(Exception):
    """A command line the server must refuse, with the reply to refuse it with."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(str(reply))
        self.reply = reply


def _b64(data: bytes) -> str:
    # RFC 4954 §4: an empty initial response is sent as a single "=".
    return base64.b64encode(data).decode("ascii") if data else "="


def format_command(command: Command) -> bytes:
    """The command line for ``command``, CRLF included."""
    formatter = _FORMATTERS.get(type(command))
    if formatter is not None:
        return formatter(command)
    return _CONSTANT_LINES[type(command)]


def _format_mail(command: MailFrom) -> bytes:
    line = "MAIL FROM:" + format_path(command.sender)
    params = command.params.to_params()
    if params:
        line += " " + format_params(params)
    return line.encode("utf-8") + b"\r\n"


def _format_rcpt(command: RcptTo) -> bytes:
    line = "RCPT TO:" + format_path(command.recipient)
    params = command.params.to_params()
    if params:
        line += " " + format_params(params)
    return line.encode("utf-8") + b"\r\n"


def _format_hello(command: Ehlo | Helo | Lhlo) -> bytes:
    return f"{_VERB_OF[type(command)]} {command.domain}\r\n".encode()


def _format_bdat(command: Bdat) -> bytes:
    return f"BDAT {command.size}{' LAST' if command.last else ''}\r\n".encode()


def _format_noop(command: Noop) -> bytes:
    return f"NOOP {command.text}\r\n".encode() if command.text else b"NOOP\r\n"


def _format_help(command: Help) -> bytes:
    return f"HELP {command.topic}\r\n".encode() if command.topic else b"HELP\r\n"


def _format_vrfy_expn(command: Vrfy | Expn) -> bytes:
    return f"{_VERB_OF[type(command)]} {command.argument}\r\n".encode()


def _format_auth(command: Auth) -> bytes:
    line = f"AUTH {command.mechanism}"
    if command.initial_response is not None:
        line += " " + _b64(command.initial_response)
    return line.encode("utf-8") + b"\r\n"


def format_auth_response(response: AuthResponse) -> bytes:
    """A SASL response line: base64 data, or ``*`` to cancel (RFC 4954 §4)."""
    if response.cancelled:
        return b"*\r\n"
    return base64.b64encode(response.data) + b"\r\n"


def parse_auth_response(line: bytes) -> AuthResponse:
    """Parse a line sent in answer to a 334 challenge."""
    if line == b"*":
        return AuthResponse(cancelled=True)
    try:
        return AuthResponse(base64.b64decode(line, validate=True))
    except (binascii.Error, ValueError):
        # RFC 4954 §4: a response that cannot be decoded is rejected with 501.
        raise CommandError(Reply(501, "Invalid base64 data", "5.5.2")) from None


def parse_command(line: str, *, lmtp: bool) -> Command:
    """Parse one command line (already decoded, without CRLF)."""
    verb, _, arg = line.partition(" ")
    verb = verb.upper()
    parser = _PARSERS.get(verb)
    if parser is None or (verb in ("EHLO", "HELO") if lmtp else verb == "LHLO"):
        # RFC 5321 §4.2.4: 500 for an unrecognised command; RFC 2033 §4.1: LMTP has no
        # HELO/EHLO and SMTP has no LHLO.
        raise CommandError(Reply(500, "Command unrecognized", "5.5.1"))
    try:
        return parser(arg)
    except LocalProtocolError as exc:
        # A value our own command classes refuse to hold (control characters, bad names).
        raise _syntax(f"Syntax error: {exc.message}") from None


def _syntax(text: str, enhanced: str = "5.5.4") -> CommandError:
    return CommandError(Reply(501, text, enhanced))


def _no_args(command: Command) -> Callable[[str], Command]:
    def parse(arg: str) -> Command:
        if arg.strip():
            raise _syntax("Syntax error (no parameters allowed)")
        return command

    return parse


def _domain(cls: type[Ehlo | Helo | Lhlo]) -> Callable[[str], Command]:
    def parse(arg: str) -> Command:
        words = arg.split()
        # RFC 5321 §4.1.1.1: exactly one argument, the client's domain or address literal.
        # Real clients send all sorts of names there, so any single token is accepted.
        if len(words) != 1:
            raise _syntax(f"Syntax: {cls.__name__.upper()} hostname")
        return cls(words[0])

    return parse


def _keyword_arg(arg: str, keyword: str) -> str:
    """The text after ``FROM:``/``TO:``, tolerating a space before the angle bracket."""
    if arg[: len(keyword)].upper() != keyword:
        raise _syntax(f"Syntax: {keyword}<address>", "5.5.2")
    return arg[len(keyword) :].lstrip(" ")


def _parse_mail(arg: str) -> Command:
    rest = _keyword_arg(arg, "FROM:")
    try:
        path, param_text = split_path(rest)
        params = MailParams.from_params(parse_params(param_text, utf8=True))
    except (AddressError, ParameterError) as exc:
        raise _syntax(f"Syntax error in parameters: {exc}") from None
    try:
        sender = parse_reverse_path(path, utf8=params.smtputf8)
    except AddressError as exc:
        raise _address_error(path, params.smtputf8, exc, "5.1.7") from None
    return MailFrom(sender, params)


def _parse_rcpt(arg: str) -> Command:
    rest = _keyword_arg(arg, "TO:")
    try:
        path, param_text = split_path(rest)
        params = RcptParams.from_params(parse_params(param_text, utf8=True))
    except (AddressError, ParameterError) as exc:
        raise _syntax(f"Syntax error in parameters: {exc}") from None
    try:
        # Parsed with UTF-8 allowed; the server checks it against the transaction's SMTPUTF8.
        recipient = parse_forward_path(path, utf8=True)
    except AddressError as exc:
        raise _address_error(path, True, exc, "5.1.3") from None
    return RcptTo(recipient, params)


def _address_error(path: str, utf8: bool, exc: AddressError, enhanced: str) -> CommandError:
    if not utf8 and not path.isascii():
        # RFC 6531 §3.7.4.1: non-ASCII addresses need SMTPUTF8.
        return CommandError(Reply(553, "Non-ASCII address requires SMTPUTF8", "5.6.7"))
    return CommandError(Reply(501, f"Bad address syntax: {exc}", enhanced))


def _parse_bdat(arg: str) -> Command:
    # RFC 3030 §2: bdat-cmd ::= "BDAT" SP chunk-size [ SP end-marker ] CR LF
    words = arg.split(" ")
    # chunk-size ::= 1*DIGIT: ASCII digits only (str.isdigit() also accepts "²", which int()
    # then refuses with a ValueError, and other scripts' digits).
    size = words[0]
    if not 1 <= len(words) <= 2 or not (size.isascii() and size.isdigit()) or len(size) > 20:
        raise _syntax("Syntax: BDAT chunk-size [LAST]")
    if len(words) == 2 and words[1].upper() != "LAST":
        raise _syntax("Syntax: BDAT chunk-size [LAST]")
    return Bdat(int(size), last=len(words) == 2)


def _parse_auth(arg: str) -> Command:
    # RFC 4954 §4: "AUTH" SP sasl-mech [SP initial-response]
    words = arg.split(" ")
    if not 1 <= len(words) <= 2 or not words[0]:
        raise _syntax("Syntax: AUTH mechanism [initial-response]")
    mechanism = words[0].upper()
    initial: bytes | None = None
    if len(words) == 2:
        if words[1] == "=":
            initial = b""
        else:
            try:
                initial = base64.b64decode(words[1], validate=True)
            except (binascii.Error, ValueError):
                raise CommandError(Reply(501, "Invalid base64 data", "5.5.2")) from None
    try:
        return Auth(mechanism, initial)
    except LocalProtocolError:
        raise CommandError(Reply(504, "Unrecognized authentication type", "5.5.4")) from None


def _text(cls: type[Noop | Help]) -> Callable[[str], Command]:
    def parse(arg: str) -> Command:
        return cls(arg.strip())

    return parse


def _required_text(cls: type[Vrfy | Expn]) -> Callable[[str], Command]:
    def parse(arg: str) -> Command:
        if not arg.strip():
            raise _syntax(f"Syntax: {cls.__name__.upper()} string")
        return cls(arg.strip())

    return parse


_PARSERS: dict[str, Callable[[str], Command]] = {
    "EHLO": _domain(Ehlo),
    "HELO": _domain(Helo),
    "LHLO": _domain(Lhlo),
    "MAIL": _parse_mail,
    "RCPT": _parse_rcpt,
    "DATA": _no_args(Data()),
    "BDAT": _parse_bdat,
    "RSET": _no_args(Rset()),
    "NOOP": _text(Noop),
    "QUIT": _no_args(Quit()),
    "VRFY": _required_text(Vrfy),
    "EXPN": _required_text(Expn),
    "HELP": _text(Help),
    "STARTTLS": _no_args(StartTLS()),
    "AUTH": _parse_auth,
}

_VERB_OF: dict[type, str] = {
    Ehlo: "EHLO",
    Helo: "HELO",
    Lhlo: "LHLO",
    Data: "DATA",
    Rset: "RSET",
    Noop: "NOOP",
    Quit: "QUIT",
    Vrfy: "VRFY",
    Expn: "EXPN",
    Help: "HELP",
    StartTLS: "STARTTLS",
}

_Formatter = Callable[[Any], bytes]
#: Command type -> its formatter; commands without arguments are in _CONSTANT_LINES.
_FORMATTERS: dict[type, _Formatter] = {
    MailFrom: _format_mail,
    RcptTo: _format_rcpt,
    Ehlo: _format_hello,
    Helo: _format_hello,
    Lhlo: _format_hello,
    Bdat: _format_bdat,
    Noop: _format_noop,
    Help: _format_help,
    Vrfy: _format_vrfy_expn,
    Expn: _format_vrfy_expn,
    Auth: _format_auth,
    AuthResponse: format_auth_response,
}
_CONSTANT_LINES: dict[type, bytes] = {
    kind: f"{verb}\r\n".encode() for kind, verb in _VERB_OF.items() if kind not in _FORMATTERS
}
