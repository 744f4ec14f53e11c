"""What a message needs from the SMTP server, and its envelope taken from its headers.

Sending a message is more than copying bytes: 8-bit content needs 8BITMIME (RFC 6152), raw
UTF-8 in headers or addresses needs SMTPUTF8 (RFC 6531), content that is not line-oriented
text needs BINARYMIME over BDAT (RFC 3030). :func:`classify` decides from the bytes;
:func:`envelope_from_headers` takes the sender and recipients from the header fields, as
smtplib's ``send_message`` does (RFC 5322 §3.6.3, with Resent-* fields per §3.6.6).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pymailproto.errors import LocalProtocolError
from pymailproto.smtp._address import Address, AddressError
from pymailproto.smtp._params import Body

if TYPE_CHECKING:  # email is imported when first used: it is the largest import by far
    from email.message import Message

__all__ = [
    "MessageTraits",
    "canonical_line_endings",
    "classify",
    "envelope_from_headers",
    "message_bytes",
]


@dataclass(frozen=True, slots=True)
class MessageTraits:
    """What a message's bytes require of the transfer."""

    size: int
    #: ``None`` for 7-bit text, else the BODY= value that describes it.
    body: Body | None
    #: Raw UTF-8 in the header section (RFC 6531 §3.1 item 6 / RFC 6532).
    utf8_headers: bool


def classify(data: bytes) -> MessageTraits:
    """Inspect message bytes: 7-bit, 8-bit text, or binary; UTF-8 headers or not."""
    header_end = data.find(b"\r\n\r\n")
    if header_end < 0:
        header_end = data.find(b"\n\n")
    headers = data if header_end < 0 else data[:header_end]
    body: Body | None = None
    if not data.isascii():
        body = Body.EIGHTBITMIME
    # RFC 3030 §3 / RFC 6152 §3: 8BITMIME data is still lines of at most 998 octets without
    # NUL; anything else is binary and can only travel with BODY=BINARYMIME over BDAT.
    if b"\x00" in data or _has_long_line(data) or _has_bare_line_end(data):
        body = Body.BINARYMIME
    return MessageTraits(len(data), body, not headers.isascii())


_BARE_LF = re.compile(rb"(?<!\r)\n")


def canonical_line_endings(data: bytes) -> bytes:
    """Text with every bare LF made CRLF (RFC 5321 §2.3.8; RFC 3030 §3: BDAT text too)."""
    if data.count(b"\n") == data.count(b"\r\n"):
        return data
    return _BARE_LF.sub(b"\r\n", data)


def _has_long_line(data: bytes) -> bool:
    # RFC 5321 §4.5.3.1.6: 1000 octets with the CRLF.
    return len(data) > 998 and max(map(len, data.split(b"\n"))) > 999


def _has_bare_line_end(data: bytes) -> bool:
    # A lone CR cannot be made into CRLF without changing the content; a lone LF can (the
    # DATA encoder does that, as smtplib does), so only a bare CR makes a message binary.
    return data.count(b"\r") != data.count(b"\r\n")


def message_bytes(message: Message | bytes | bytearray | str) -> bytes:
    """The bytes to transmit: an email.message with Bcc/Resent-Bcc removed (RFC 5322 §3.6.3)."""
    if isinstance(message, bytes | bytearray):
        return bytes(message)
    if isinstance(message, str):
        if not message.isascii():
            raise LocalProtocolError("pass a str message only if it is ASCII; encode it yourself")
        return message.encode("ascii")
    import email.policy  # noqa: PLC0415 - lazy: email costs ~2 MiB, servers never need it

    copy = _copy_without_bcc(message)
    policy = email.policy.SMTPUTF8 if _needs_utf8(copy) else email.policy.SMTP
    return copy.as_bytes(policy=policy)


def _copy_without_bcc(message: Message) -> Message:
    # Message.__delitem__ builds a new header list, so a shallow copy leaves the caller's
    # message untouched (smtplib relies on the same property).
    copied = copy.copy(message)
    del copied["Bcc"]
    del copied["Resent-Bcc"]
    return copied


_ADDRESS_FIELDS = (
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Resent-From",
    "Resent-Sender",
    "Resent-To",
    "Resent-Cc",
)


def _needs_utf8(message: Message) -> bool:
    """Only a non-ASCII *address* needs raw UTF-8 headers (RFC 6532); any other non-ASCII
    header text is encoded as RFC 2047 encoded-words, which every server accepts."""
    import email.utils  # noqa: PLC0415 - lazy: email costs ~2 MiB, servers never need it

    values = [str(v) for name in _ADDRESS_FIELDS for v in message.get_all(name) or []]
    return any(not addr.isascii() for _, addr in email.utils.getaddresses(values))


def envelope_from_headers(message: Message) -> tuple[Address | None, list[Address]]:
    """(sender, recipients) from the header fields.

    When Resent-* fields are present the most recent resent block is used (RFC 5322 §3.6.6);
    otherwise Sender or From, and To + Cc + Bcc.
    """
    import email.utils  # noqa: PLC0415 - lazy: email costs ~2 MiB, servers never need it

    resent = message.get_all("Resent-Date")
    prefix = "Resent-" if resent else ""
    if resent and len(resent) > 1:
        # smtplib's rule: with several resent blocks the envelope is ambiguous.
        raise LocalProtocolError("several Resent- blocks; give from_addr and to_addrs")
    senders = message.get_all(prefix + "Sender") or message.get_all(prefix + "From") or []
    sender_addrs = [a for _, a in email.utils.getaddresses([str(s) for s in senders]) if a]
    sender = _address(sender_addrs[0]) if sender_addrs else None
    fields = [prefix + "To", prefix + "Cc", prefix + "Bcc"]
    values = [str(v) for field in fields for v in message.get_all(field) or []]
    recipients = [_address(a) for _, a in email.utils.getaddresses(values) if a]
    if not recipients:
        raise LocalProtocolError("the message has no recipients in its headers")
    return sender, recipients


def _address(text: str) -> Address:
    try:
        return Address.parse(text)
    except AddressError as exc:
        raise LocalProtocolError(f"cannot use {text!r} as an SMTP address: {exc}") from None
