"""The units of an SMTP conversation: commands, message data, and the closing of a connection.

Every class here is a frozen, slotted dataclass that validates itself on construction: if one
exists, it serializes to well-formed SMTP. A client *sends* these (``conn.send(MailFrom(...))``);
a server *receives* them as events from ``conn.next_event()``. Replies live in ``_reply``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp._address import Address
from pymailproto.smtp._params import MailParams, RcptParams

__all__ = [
    "NEED_DATA",
    "Auth",
    "AuthResponse",
    "Bdat",
    "Command",
    "ConnectionClosed",
    "Data",
    "Ehlo",
    "EndOfChunk",
    "EndOfMessage",
    "Event",
    "Expn",
    "Helo",
    "Help",
    "Lhlo",
    "MailFrom",
    "MessageChunk",
    "Noop",
    "Quit",
    "RcptTo",
    "Rset",
    "StartTLS",
    "Vrfy",
]

# One token: printable, no space, no control character (UTF-8 allowed for SMTPUTF8 peers).
# No Unicode space either (a parser splitting on whitespace would see two words) and no lone
# surrogate (it has no UTF-8 form, so the command could not be serialized).
_TOKEN = re.compile(r"[^\s\x00-\x20\x7f\ud800-\udfff]+\Z")
# Free text argument: no control characters at all (CR, LF and NUL in particular).
_TEXT = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]*\Z")
# RFC 4422 §3.1: sasl-mech = 1*20mech-char; mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE
_SASL_MECH = re.compile(r"[A-Z0-9_-]{1,20}\Z")


def _check(pattern: re.Pattern[str], value: str, what: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        raise LocalProtocolError(f"invalid {what}: {value!r}")


class Event:
    """Base class of everything ``next_event()`` can return besides NEED_DATA."""

    __slots__ = ()


class Command(Event):
    """Base class of the commands a client sends (and a server receives)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Ehlo(Command):
    """EHLO: open an extended session (RFC 5321 §4.1.1.1)."""

    domain: str

    def __post_init__(self) -> None:
        _check(_TOKEN, self.domain, "EHLO domain")


@dataclass(frozen=True, slots=True)
class Helo(Command):
    """HELO: open a plain session without service extensions (RFC 5321 §4.1.1.1)."""

    domain: str

    def __post_init__(self) -> None:
        _check(_TOKEN, self.domain, "HELO domain")


@dataclass(frozen=True, slots=True)
class Lhlo(Command):
    """LHLO: the LMTP greeting, used instead of EHLO (RFC 2033 §4.1)."""

    domain: str

    def __post_init__(self) -> None:
        _check(_TOKEN, self.domain, "LHLO domain")


@dataclass(frozen=True, slots=True)
class MailFrom(Command):
    """MAIL FROM: start a transaction. ``sender`` is ``None`` for the null path ``<>``."""

    sender: Address | None
    params: MailParams = field(default_factory=MailParams)

    def __post_init__(self) -> None:
        if self.sender is not None and not isinstance(self.sender, Address):
            raise LocalProtocolError("MailFrom.sender must be an Address or None")
        if self.sender is not None and self.sender.domain == "":
            raise LocalProtocolError("<Postmaster> is only a forward-path (RFC 5321 §4.1.1.3)")


@dataclass(frozen=True, slots=True)
class RcptTo(Command):
    """RCPT TO: add a recipient to the transaction."""

    recipient: Address
    params: RcptParams = field(default_factory=RcptParams)

    def __post_init__(self) -> None:
        if not isinstance(self.recipient, Address):
            raise LocalProtocolError("RcptTo.recipient must be an Address")


@dataclass(frozen=True, slots=True)
class Data(Command):
    """DATA: ask to send the message; the server answers 354 (RFC 5321 §4.1.1.4)."""


@dataclass(frozen=True, slots=True)
class Bdat(Command):
    """BDAT: announce a chunk of exactly ``size`` octets (RFC 3030 §2).

    A client sends ``Bdat`` and then :class:`MessageChunk` values totalling ``size``; a server
    receives the same sequence, followed by :class:`EndOfChunk` (or :class:`EndOfMessage` when
    ``last``), which is the point where it owes the reply.
    """

    size: int
    last: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.size, int) or self.size < 0 or self.size >= 10**20:
            raise LocalProtocolError(f"invalid BDAT size {self.size!r}")


@dataclass(frozen=True, slots=True)
class MessageChunk(Event):
    """A piece of message content, un-stuffed (DATA) or raw (BDAT)."""

    data: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.data, bytes | bytearray | memoryview):
            raise LocalProtocolError("MessageChunk.data must be bytes")


@dataclass(frozen=True, slots=True)
class EndOfMessage(Event):
    """The message is complete (``<CRLF>.<CRLF>`` after DATA, or the end of BDAT LAST)."""


@dataclass(frozen=True, slots=True)
class EndOfChunk(Event):
    """A server received all octets of a non-final BDAT chunk and owes its reply."""

    size: int


@dataclass(frozen=True, slots=True)
class Rset(Command):
    """RSET: abort the current transaction (RFC 5321 §4.1.1.5)."""


@dataclass(frozen=True, slots=True)
class Noop(Command):
    """NOOP: do nothing, answer 250 (RFC 5321 §4.1.1.9)."""

    text: str = ""

    def __post_init__(self) -> None:
        _check(_TEXT, self.text, "NOOP argument")


@dataclass(frozen=True, slots=True)
class Quit(Command):
    """QUIT: the server answers 221 and closes (RFC 5321 §4.1.1.10)."""


@dataclass(frozen=True, slots=True)
class Vrfy(Command):
    """VRFY: ask whether a user or mailbox exists (RFC 5321 §4.1.1.6)."""

    argument: str

    def __post_init__(self) -> None:
        _check(_TEXT, self.argument, "VRFY argument")
        if not self.argument.strip():
            raise LocalProtocolError("VRFY needs an argument")


@dataclass(frozen=True, slots=True)
class Expn(Command):
    """EXPN: ask to expand a mailing list (RFC 5321 §4.1.1.7)."""

    argument: str

    def __post_init__(self) -> None:
        _check(_TEXT, self.argument, "EXPN argument")
        if not self.argument.strip():
            raise LocalProtocolError("EXPN needs an argument")


@dataclass(frozen=True, slots=True)
class Help(Command):
    """HELP: ask for help, optionally on one topic (RFC 5321 §4.1.1.8)."""

    topic: str = ""

    def __post_init__(self) -> None:
        _check(_TEXT, self.topic, "HELP argument")


@dataclass(frozen=True, slots=True)
class StartTLS(Command):
    """STARTTLS: upgrade the connection to TLS (RFC 3207 §4)."""


@dataclass(frozen=True, slots=True)
class Auth(Command):
    """AUTH: start a SASL exchange (RFC 4954 §4).

    ``initial_response`` is the mechanism's first message as raw bytes (it is base64-encoded
    on the wire, ``=`` when empty); ``None`` when the client sends none.
    """

    mechanism: str
    initial_response: bytes | None = None

    def __post_init__(self) -> None:
        _check(_SASL_MECH, self.mechanism, "SASL mechanism name")


@dataclass(frozen=True, slots=True)
class AuthResponse(Command):
    """The client's answer to a 334 challenge; ``cancelled`` is the ``*`` line (RFC 4954 §4)."""

    data: bytes = b""
    cancelled: bool = False

    def __post_init__(self) -> None:
        if self.cancelled and self.data:
            raise LocalProtocolError("a cancelled AUTH response carries no data")


@dataclass(frozen=True, slots=True)
class ConnectionClosed(Event):
    """The peer closed the connection (``receive_data(b"")``)."""


class _Sentinel(type):
    def __repr__(cls) -> str:
        return cls.__name__


class NEED_DATA(metaclass=_Sentinel):
    """Returned by ``next_event()`` when more bytes must be received first."""
