"""The not-authenticated state's commands: STARTTLS, AUTHENTICATE (with SASL-IR) and LOGIN.

RFC 9051 §9::

    command-nonauth = login / authenticate / "STARTTLS"
                        ; Valid only when in Not Authenticated state
    authenticate    = "AUTHENTICATE" SP auth-type [SP initial-resp]
                      *(CRLF base64)
    auth-type       = atom
                        ; Authentication mechanism name, as defined by
                        ; [SASL], Section 7.1
    initial-resp    =  (base64 / "=")
                        ; "initial response" defined in
                        ; Section 4 of [SASL]
    login           = "LOGIN" SP userid SP password
    userid          = astring
    password        = astring

RFC 4959 §7 (SASL-IR) gives AUTHENTICATE the same shape (``[SP (base64 / "=")]``); RFC 3501
§9 has no initial response. The ``*(CRLF base64)`` lines that follow the server's continuation
requests are separate messages: see :class:`~._commands_special.AuthenticateResponse`.

Choices:

* Mechanism names are upper-cased: SASL names them with upper-case letters only (RFC 4422
  §3.1: ``mech-char`` is "restricted to A-Z (uppercase only), 0-9, -, and _") and the IMAP
  grammar reads them without regard to case (RFC 9051 §9 note 1).
* An empty initial response is ``b""``, written ``=`` (RFC 4959 §3: "a zero-length initial
  response" MUST be sent as a single equals sign); ``SP`` followed by nothing is refused.
* The password and the initial response (which carries credentials in PLAIN) are left out of
  ``repr``, so that logs of commands do not leak them.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from typing import ClassVar

from pymailproto.imap._command_base import Command, read_name, register, tag_of_reader
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import Writer, _octets, _trusted, check_atom, check_tag

__all__ = ["AuthenticateCommand", "LoginCommand", "StartTlsCommand", "encode_base64"]


def encode_base64(data: bytes) -> bytes:
    """``base64`` (RFC 9051 §9): standard alphabet, padded, no line breaks."""
    return binascii.b2a_base64(data, newline=False)


def _credentials(value: bytes | str, what: str) -> bytes:
    octets = _octets(value)
    if 0 in octets:
        raise IMAPValueError(f"the {what} is an astring and cannot carry NUL (RFC 9051 §9)")
    return octets


@register
@dataclass(frozen=True, slots=True)
class StartTlsCommand(Command):
    """``STARTTLS`` (RFC 9051 §6.2.1): start TLS negotiation."""

    NAME: ClassVar[str] = "STARTTLS"


@register
@dataclass(frozen=True, slots=True, init=False)
class AuthenticateCommand(Command):
    """``AUTHENTICATE mechanism [initial-response]`` (RFC 9051 §6.2.2, RFC 4959)::

        AuthenticateCommand("A01", "PLAIN", b"\\0test\\0test")  # ... PLAIN AHRlc3QAdGVzdA==
        AuthenticateCommand("A01", "EXTERNAL", b"")            # ... EXTERNAL =
        AuthenticateCommand("A001", "GSSAPI")                  # no initial response

    ``initial_response`` holds the decoded octets (None: none was sent).
    """

    NAME: ClassVar[str] = "AUTHENTICATE"
    mechanism: str
    initial_response: bytes | None = field(repr=False)

    def __init__(self, tag: str, mechanism: str, initial_response: bytes | None = None) -> None:
        if initial_response is not None and not isinstance(initial_response, bytes):
            raise IMAPValueError("an initial response is bytes (or None for none)")
        object.__setattr__(self, "tag", check_tag(tag))
        object.__setattr__(self, "mechanism", check_atom(mechanism).upper())
        object.__setattr__(self, "initial_response", initial_response)

    @classmethod
    def read(cls, reader: Reader) -> AuthenticateCommand:
        """``"AUTHENTICATE" SP auth-type [SP initial-resp]`` CRLF."""
        read_name(reader, b"AUTHENTICATE")
        reader.expect_sp()
        mechanism = reader.read_atom().upper()
        response = None
        if reader.skip_sp():
            if reader.at(b"=\r\n"):
                reader.pos += 1
                response = b""
            else:
                start = reader.pos
                response = reader.read_base64()
                if reader.pos == start:
                    raise reader.error(
                        'base64 or "=" (an empty initial response is "=", RFC 4959 §3)'
                    )
        reader.finish()
        return _trusted(
            cls, tag=tag_of_reader(reader), mechanism=mechanism, initial_response=response
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"AUTHENTICATE " + self.mechanism.encode("ascii"))
        response = self.initial_response
        if response is not None:
            writer.raw(b" " + (encode_base64(response) if response else b"="))


@register
@dataclass(frozen=True, slots=True, init=False)
class LoginCommand(Command):
    """``LOGIN userid password`` (RFC 9051 §6.2.3)::

        LoginCommand("a001", "SMITH", "SESAME")      # a001 LOGIN SMITH SESAME

    Both are octets (``str`` is encoded as UTF-8), written in their cheapest astring form.
    RFC 6855 §5: LOGIN is not extended to UTF-8; non-ASCII credentials belong in AUTHENTICATE.
    """

    NAME: ClassVar[str] = "LOGIN"
    username: bytes
    password: bytes = field(repr=False)

    def __init__(self, tag: str, username: bytes | str, password: bytes | str) -> None:
        object.__setattr__(self, "tag", check_tag(tag))
        object.__setattr__(self, "username", _credentials(username, "user name"))
        object.__setattr__(self, "password", _credentials(password, "password"))

    @classmethod
    def read(cls, reader: Reader) -> LoginCommand:
        """``"LOGIN" SP userid SP password`` CRLF."""
        read_name(reader, b"LOGIN")
        reader.expect_sp()
        username = reader.read_astring()
        reader.expect_sp()
        password = reader.read_astring()
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), username=username, password=password)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"LOGIN ")
        writer.astring(self.username)
        writer.sp()
        writer.astring(self.password)
