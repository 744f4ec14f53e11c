"""The client lines that are not typed commands: IDLE's ``DONE``, AUTHENTICATE's responses, and
:class:`RawCommand`, a command given as text.

Both answer a server's continuation request (``+``), so a receiver can only read them when it
knows one is due -- :meth:`~._command_parser.CommandParser.expect_continuation` tells the
parser. RFC 9051 §9::

    idle            = "IDLE" CRLF "DONE"
    authenticate    = "AUTHENTICATE" SP auth-type [SP initial-resp]
                      *(CRLF base64)
    base64          = *(4base64-char) [base64-terminal]

RFC 9051 §6.2.2: "If the client wishes to cancel an authentication exchange, it issues a line
consisting of a single "*". If the server receives such a response, or if it receives an
invalid BASE64 string (e.g., characters outside the BASE64 alphabet or non-terminal "="), it
MUST reject the AUTHENTICATE command by sending a tagged BAD response." An empty line is a
valid, empty response (RFC 3501 §6.2.2's GSSAPI example sends one).

``DONE`` is read in any case (RFC 9051 §9 note 1) and written in upper case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_nonauth import encode_base64
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import Fragment, WireOptions, Writer, check_tag

__all__ = ["AuthenticateResponse", "ContinuationLine", "IdleDone", "RawCommand"]

_DEFAULT_OPTIONS = WireOptions()


class ContinuationLine:
    """A line a client sends in answer to a continuation request, not a command."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """The line, CRLF included, into ``writer``."""
        raise NotImplementedError

    def fragments(self, options: WireOptions = _DEFAULT_OPTIONS) -> list[Fragment]:
        """The wire form as fragments (always one line)."""
        writer = Writer(options)
        self.write(writer)
        return writer.fragments()

    def to_bytes(self, options: WireOptions = _DEFAULT_OPTIONS) -> bytes:
        """The wire form."""
        writer = Writer(options)
        self.write(writer)
        return writer.to_bytes()


@dataclass(frozen=True, slots=True)
class IdleDone(ContinuationLine):
    """``DONE`` CRLF: the end of an IDLE command (RFC 9051 §6.3.13, RFC 2177 §3)."""

    @classmethod
    def read(cls, reader: Reader) -> IdleDone:
        """``"DONE" CRLF``, the whole message."""
        reader.expect_keyword(b"DONE")
        reader.finish()
        return cls()

    def write(self, writer: Writer) -> None:
        writer.raw(b"DONE\r\n")


@dataclass(frozen=True, slots=True)
class AuthenticateResponse(ContinuationLine):
    """A client's answer to an AUTHENTICATE challenge (RFC 9051 §6.2.2): the decoded octets
    of a ``base64`` line, or None for ``*`` (the client cancels the exchange)::

        AuthenticateResponse(b"\\0user\\0secret")    # AHVzZXIAc2VjcmV0
        AuthenticateResponse(None)                   # *

    ``data`` is left out of ``repr``: it carries credentials.
    """

    data: bytes | None = field(repr=False)

    def __post_init__(self) -> None:
        if self.data is not None and not isinstance(self.data, bytes):
            raise IMAPValueError("an AUTHENTICATE response is bytes, or None to cancel")

    @property
    def cancelled(self) -> bool:
        """Whether this is ``*``: the client gives up (answer it with a tagged BAD)."""
        return self.data is None

    @classmethod
    def read(cls, reader: Reader) -> AuthenticateResponse:
        """``base64`` CRLF or ``"*"`` CRLF, the whole message."""
        if reader.at(b"*"):
            reader.pos += 1
            reader.finish()
            return cls(None)
        data = reader.read_base64()
        reader.finish()
        return cls(data)

    def write(self, writer: Writer) -> None:
        writer.raw(b"*\r\n" if self.data is None else encode_base64(self.data) + b"\r\n")


# A literal's header at the end of a line (RFC 9051 §9 literal, RFC 7888 literal-plus, RFC
# 3516 literal8): a raw line ending in one would leave the server waiting for octets.
_LITERAL_AT_END = re.compile(rb"~?\{[0-9]+[+-]?\}\Z")
_ATOM_WORD = re.compile(rb"[A-Za-z][A-Za-z0-9._\-]*")


@dataclass(frozen=True, slots=True, init=False)
class RawCommand(Command):
    """A command given as the octets after ``tag SP`` -- the escape hatch for commands and
    extensions this library does not model::

        RawCommand("A1", b"X-GM-EXT-1 FOO")        # A1 X-GM-EXT-1 FOO CRLF

    The text is one line: CR, LF and NUL are refused, and so is a literal header at its end
    (the line would leave the server waiting for octets this command does not send). It must
    start with the command name (an atom); :attr:`name` is that name upper-cased.
    """

    text: bytes

    def __init__(self, tag: str, text: bytes | str) -> None:
        check_tag(tag)
        if isinstance(text, str):
            text = text.encode("utf-8")
        if not isinstance(text, bytes):
            raise IMAPValueError("a raw command's text is bytes or str")
        if b"\r" in text or b"\n" in text or b"\0" in text:
            raise IMAPValueError("a raw command is one line: no CR, LF or NUL")
        if _ATOM_WORD.match(text) is None:
            raise IMAPValueError(f"a raw command starts with its name: {text[:40]!r}")
        if _LITERAL_AT_END.search(text) is not None:
            raise IMAPValueError("a raw command cannot end in a literal header")
        object.__setattr__(self, "tag", tag)
        object.__setattr__(self, "text", text)

    @property
    def name(self) -> str:
        """The command name, upper case (``UID FETCH`` is ``UID``)."""
        match = _ATOM_WORD.match(self.text)
        assert match is not None
        return match.group().decode("ascii").upper()

    def _write_body(self, writer: Writer) -> None:
        writer.raw(self.text)
