"""What a server sends besides data: status responses, the greeting, BYE, continuation requests.

RFC 9051 §9 (RFC 3501 §9 has the same rules; there ``text`` is required, ``1*TEXT-CHAR``)::

    response        = *(continue-req / response-data) response-done
    response-data   = "*" SP (resp-cond-state / resp-cond-bye /
                      mailbox-data / message-data / capability-data /
                      enable-data) CRLF
    response-done   = response-tagged / response-fatal
    response-fatal  = "*" SP resp-cond-bye CRLF
    response-tagged = tag SP resp-cond-state CRLF
    greeting        = "*" SP (resp-cond-auth / resp-cond-bye) CRLF
    resp-cond-auth  = ("OK" / "PREAUTH") SP resp-text
    resp-cond-bye   = "BYE" SP resp-text
    resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
    continue-req    = "+" SP (resp-text / base64) CRLF
    resp-text       = ["[" resp-text-code "]" SP] [text]

Every response is a :class:`Response`: a frozen, slotted dataclass that validates its fields
when built, and whose :meth:`Response.write` writes the *complete* response -- ``*``, tag or
``+``, the data, the final CRLF -- so that :func:`~pymailproto.imap._serialize.serialize` gives
its whole wire form. The kinds here:

* :class:`StatusResponse` -- ``OK``, ``NO`` or ``BAD``, tagged (the completion of a command,
  RFC 9051 §7.1) or untagged (``tag`` None: information, warnings, response codes);
* :class:`Greeting` -- the first response of a connection (RFC 9051 §7.1.1, §7.1.4, §7.1.5):
  ``OK`` (not authenticated yet), ``PREAUTH`` (already authenticated) or ``BYE`` (rejected);
* :class:`Bye` -- ``* BYE``: the server is closing the connection (RFC 9051 §7.1.5);
* :class:`ContinuationRequest` -- ``+``: send the rest of the command (RFC 9051 §7.6), with a
  text, or base64 data in an AUTHENTICATE exchange (RFC 9051 §6.2.2);
* :class:`UnknownResponse` -- an untagged response of an extension this library does not
  model (``* ACL ...``, ``* XLIST ...``), kept as sent: RFC 9051 §7 asks clients to accept any
  response at any time, and one they do not understand is not an error.

The text of a status response is a ``str``: ASCII, or UTF-8 when the session has it (RFC 9051
§9 ``text``; a peer without UTF-8 enabled cannot be sent other text, which ``write`` refuses).
Its response code is one of :data:`~pymailproto.imap._codes.ResponseCode`. A text that would
read back as a code (``"[ALERT] x"`` without a code) is refused: it could not round-trip.
"""

from __future__ import annotations

import binascii
import enum
import re
from dataclasses import dataclass, field
from typing import ClassVar

from pymailproto.imap._codes import (
    AppendUidCode,
    BadCharsetCode,
    CapabilityCode,
    Code,
    CopyUidCode,
    HighestModSeqCode,
    MailboxIdCode,
    MetadataCode,
    ModifiedCode,
    PermanentFlagsCode,
    ResponseCode,
    UidNextCode,
    UidValidityCode,
    UnknownCode,
    UnseenCode,
    write_resp_text,
)
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._framing import ResponseFramer
from pymailproto.imap._framing_events import NEED_DATA, Message
from pymailproto.imap._values import Fragment, LiteralSupport, WireOptions, Writer, check_tag

__all__ = [
    "Bye",
    "Condition",
    "ContinuationRequest",
    "Greeting",
    "Response",
    "StatusResponse",
    "UnknownResponse",
    "response_options",
]

_DEFAULT_OPTIONS = WireOptions()
_CODE_TYPES = (
    Code,
    BadCharsetCode,
    CapabilityCode,
    PermanentFlagsCode,
    UidNextCode,
    UidValidityCode,
    UnseenCode,
    AppendUidCode,
    CopyUidCode,
    HighestModSeqCode,
    ModifiedCode,
    MetadataCode,
    MailboxIdCode,
    UnknownCode,
)
# base64 = *(4base64-char) [base64-terminal] (RFC 9051 §9)
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def response_options(options: WireOptions) -> WireOptions:
    """``options`` for writing a response: a server sends only synchronizing literals
    (RFC 9051 §4.3: ``{n+}`` "MUST NOT be sent from server to client")."""
    if options.literals is LiteralSupport.SYNC_ONLY:
        return options
    return WireOptions(utf8=options.utf8, literals=LiteralSupport.SYNC_ONLY)


class Response:
    """The base of every typed server response.

    :meth:`write` writes the complete response into a :class:`~pymailproto.imap._values.Writer`
    (the final CRLF included); :meth:`to_bytes` and :meth:`fragments` are shortcuts.
    """

    __slots__ = ()

    def write(self, writer: Writer) -> None:  # pragma: no cover - every subclass defines it
        """The complete response, final CRLF included."""
        raise NotImplementedError

    def fragments(self, options: WireOptions = _DEFAULT_OPTIONS) -> list[Fragment]:
        """The wire form as fragments (a server never waits, so they only split literals)."""
        writer = Writer(response_options(options))
        self.write(writer)
        return writer.fragments()

    def to_bytes(self, options: WireOptions = _DEFAULT_OPTIONS) -> bytes:
        """The complete wire form, literals included (for tests and logs)."""
        writer = Writer(response_options(options))
        self.write(writer)
        return writer.to_bytes()


class Condition(enum.Enum):
    """The condition a status response, greeting or BYE states (RFC 9051 §7.1)."""

    #: Success (tagged) or information (untagged), RFC 9051 §7.1.1.
    OK = "OK"
    #: Operational error: the command failed (tagged) or a warning (untagged), §7.1.2.
    NO = "NO"
    #: Protocol error: the command was not understood (tagged) or a server error, §7.1.3.
    BAD = "BAD"
    #: Greeting only: the connection is already authenticated, §7.1.4.
    PREAUTH = "PREAUTH"
    #: The server is about to close the connection, §7.1.5.
    BYE = "BYE"


_STATE = frozenset({Condition.OK, Condition.NO, Condition.BAD})
_GREETING = frozenset({Condition.OK, Condition.PREAUTH, Condition.BYE})


def check_resp_text(code: object, text: object) -> None:
    """Validate ``resp-text``: a response code (or None) and a ``str`` without CR, LF or NUL,
    which does not read back as a code when there is none (see the module docstring)."""
    if code is not None and not isinstance(code, _CODE_TYPES):
        raise IMAPValueError(f"not a response code: {code!r}")
    if not isinstance(text, str):
        raise IMAPValueError(f"response text is a str, not {type(text).__name__}")
    # The writer does every other check; UTF-8 is allowed here, the session decides on output.
    write_resp_text(Writer(WireOptions(utf8=True)), code, text)


def _check_condition(condition: object, allowed: frozenset[Condition], what: str) -> None:
    if condition not in allowed:
        names = "/".join(sorted(c.value for c in allowed))
        raise IMAPValueError(f"{what} is {names}, not {condition!r}")


@dataclass(frozen=True, slots=True)
class StatusResponse(Response):
    """``tag SP ("OK" / "NO" / "BAD") SP resp-text``, or untagged with ``tag=None``::

    StatusResponse(Condition.OK, "LOGIN completed", tag="a001")
    StatusResponse(Condition.OK, "UIDs valid", UidValidityCode(3857529045))
    StatusResponse.no("no such mailbox", Code.TRYCREATE, tag="A003")
    """

    condition: Condition
    text: str = ""
    code: ResponseCode | None = None
    #: The tag of the command this completes; None for an untagged (``*``) response.
    tag: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _check_condition(self.condition, _STATE, "a status response")
        check_resp_text(self.code, self.text)
        if self.tag is not None:
            check_tag(self.tag)

    @classmethod
    def ok(
        cls, text: str = "", code: ResponseCode | None = None, *, tag: str | None = None
    ) -> StatusResponse:
        """An ``OK`` response."""
        return cls(Condition.OK, text, code, tag=tag)

    @classmethod
    def no(
        cls, text: str = "", code: ResponseCode | None = None, *, tag: str | None = None
    ) -> StatusResponse:
        """A ``NO`` response."""
        return cls(Condition.NO, text, code, tag=tag)

    @classmethod
    def bad(
        cls, text: str = "", code: ResponseCode | None = None, *, tag: str | None = None
    ) -> StatusResponse:
        """A ``BAD`` response."""
        return cls(Condition.BAD, text, code, tag=tag)

    @property
    def tagged(self) -> bool:
        """Whether this completes a command (it carries the command's tag)."""
        return self.tag is not None

    def write(self, writer: Writer) -> None:
        """``(tag / "*") SP condition SP resp-text CRLF``."""
        writer.raw(
            (b"* " if self.tag is None else self.tag.encode("ascii") + b" ")
            + _CONDITION_BYTES[self.condition]
        )
        write_resp_text(writer, self.code, self.text)
        writer.crlf()


@dataclass(frozen=True, slots=True)
class Greeting(Response):
    """The server's first response: ``"*" SP (resp-cond-auth / resp-cond-bye)`` (RFC 9051
    §7.1.1, §7.1.4, §7.1.5)::

        Greeting(Condition.OK, "IMAP4rev2 Service Ready", CapabilityCode([...]))
        Greeting(Condition.PREAUTH, "IMAP4rev2 server logged in as Smith")
    """

    condition: Condition
    text: str = ""
    code: ResponseCode | None = None

    def __post_init__(self) -> None:
        _check_condition(self.condition, _GREETING, "a greeting")
        check_resp_text(self.code, self.text)

    def write(self, writer: Writer) -> None:
        """``"*" SP condition SP resp-text CRLF``."""
        writer.raw(b"* " + _CONDITION_BYTES[self.condition])
        write_resp_text(writer, self.code, self.text)
        writer.crlf()


@dataclass(frozen=True, slots=True)
class Bye(Response):
    """``"*" SP "BYE" SP resp-text``: the server is about to close the connection (RFC 9051
    §7.1.5) -- at LOGOUT, on an autologout, or before shutting down (``response-fatal``)."""

    text: str = ""
    code: ResponseCode | None = None

    condition: ClassVar[Condition] = Condition.BYE

    def __post_init__(self) -> None:
        check_resp_text(self.code, self.text)

    def write(self, writer: Writer) -> None:
        """``"*" SP "BYE" SP resp-text CRLF``."""
        writer.raw(b"* BYE ")
        write_resp_text(writer, self.code, self.text)
        writer.crlf()


@dataclass(frozen=True, slots=True)
class ContinuationRequest(Response):
    """``"+" SP (resp-text / base64)``: the server is ready for the rest of the command --
    a literal's octets, the next line of AUTHENTICATE, the end of IDLE (RFC 9051 §7.6).

    The two forms look alike on the wire (``+ aWRsZQ==`` is valid text too), and only the
    command in progress tells them apart, so both are held as ``text`` (and ``code``): in an
    AUTHENTICATE exchange read the challenge with :attr:`data`, build one with
    :meth:`with_data`.
    """

    text: str = ""
    code: ResponseCode | None = None

    def __post_init__(self) -> None:
        check_resp_text(self.code, self.text)

    @classmethod
    def with_data(cls, data: bytes) -> ContinuationRequest:
        """A SASL challenge: ``+`` SP the base64 of ``data`` (RFC 9051 §6.2.2; empty data
        gives ``+`` SP and nothing)."""
        if not isinstance(data, bytes):
            raise TypeError(f"challenge data is bytes, not {type(data).__name__}")
        return cls(binascii.b2a_base64(data, newline=False).decode("ascii"))

    @property
    def data(self) -> bytes | None:
        """The text decoded as ``base64`` (RFC 9051 §9), or None when it is not base64 (or
        there is a response code): the SASL challenge of an AUTHENTICATE exchange."""
        if self.code is not None or _BASE64.fullmatch(self.text) is None:
            return None
        return binascii.a2b_base64(self.text)

    def write(self, writer: Writer) -> None:
        """``"+" SP resp-text CRLF``."""
        writer.raw(b"+ ")
        write_resp_text(writer, self.code, self.text)
        writer.crlf()


_CONDITION_BYTES = {condition: condition.value.encode("ascii") + b" " for condition in Condition}
# "*" SP [number SP] name: the head of an untagged response; the name is an atom that does not
# start with a digit (that would be the number).
_NAME_KEYWORD = re.compile(rb"[A-Za-z_.\-][A-Za-z0-9_.:\-]*")  # as Reader.read_keyword reads it
UNKNOWN_HEAD = re.compile(
    rb"\* (?:[0-9]+ )?"
    rb'([^\x00-\x20\x7f-\xff(){%*"\\\]0-9][^\x00-\x20\x7f-\xff(){%*"\\\]]*)'
    rb"(?= |\r\n|$)"
)


@dataclass(frozen=True, slots=True)
class UnknownResponse(Response):
    """An untagged response this library does not model, as sent: ``data`` is the whole
    response without its final CRLF, literals inline (``b'* ACL INBOX fred rwipslda'``).

    ``data`` must start with ``*`` SP, an optional number and SP, and an atom that does not
    start with a digit -- the response's name -- that is none of the responses the parser
    knows (those have their own classes), and must frame as exactly one response.
    :attr:`name` is the name upper-cased.
    """

    data: bytes

    #: The names (upper-case) of the responses that have their own class (the parser module
    #: checks the list against its readers).
    KNOWN: ClassVar[frozenset[str]] = frozenset(
        [
            "OK",
            "NO",
            "BAD",
            "BYE",
            "PREAUTH",
            "CAPABILITY",
            "ENABLED",
            "FLAGS",
            "LIST",
            "LSUB",
            "STATUS",
            "SEARCH",
            "ESEARCH",
            "NAMESPACE",
            "ID",
            "QUOTA",
            "QUOTAROOT",
            "METADATA",
            "SORT",
            "THREAD",
            "VANISHED",
            "EXISTS",
            "RECENT",
            "EXPUNGE",
            "FETCH",
        ]
    )

    def __post_init__(self) -> None:
        data = self.data
        if not isinstance(data, bytes):
            raise IMAPValueError(f"an unknown response is bytes, not {type(data).__name__}")
        m = UNKNOWN_HEAD.match(data)
        if m is None:
            raise IMAPValueError(f"not an untagged response (* [number] name ...): {data[:40]!r}")
        # The parser reads a name as a keyword; one that starts with a known name followed by
        # other atom characters ("QUOTA;") is read as that name and could not come back.
        keyword = _NAME_KEYWORD.match(m.group(1))
        for name in (m.group(1), keyword.group() if keyword else b""):
            if name.decode("ascii").upper() in self.KNOWN:
                raise IMAPValueError(f"{m.group(1)!r} is a known response: use its class")
        _check_framing(data + b"\r\n")

    @property
    def name(self) -> str:
        """The response's name, upper-cased (``"ACL"``)."""
        m = UNKNOWN_HEAD.match(self.data)
        assert m is not None  # checked when built
        return m.group(1).decode("ascii").upper()

    def write(self, writer: Writer) -> None:
        """The response as it was sent, and CRLF."""
        writer.raw(self.data)
        writer.crlf()


def _check_framing(data: bytes) -> None:
    """``data`` must be one complete response as the client's framer cuts it."""
    framer = ResponseFramer()
    framer.receive_data(data)
    event = framer.next_event()
    if not (isinstance(event, Message) and event.data == data and framer.next_event() is NEED_DATA):
        raise IMAPValueError(f"not one well-framed response: {data[:40]!r}")
