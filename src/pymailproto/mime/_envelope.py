"""ENVELOPE fields (RFC 9051 §7.5.2) and RFC 5322 §3.4 address lists, parsed leniently.

Strings are the octets of the header, unfolded (RFC 5322 §2.2.3) and not decoded: an
encoded-word stays an encoded-word, UTF-8 stays UTF-8 (decode with :func:`decode_text`).
Addresses are read the way Dovecot reads them (lib-mail message-address.c), so that the server
and Dovecot describe a message alike; :func:`parse_address_list` says how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from pymailproto.mime._lex import comment_end, unfold, unquote
from pymailproto.mime._structure import MessageStructure

__all__ = [
    "MISSING_DOMAIN",
    "MISSING_MAILBOX",
    "Address",
    "EnvelopeFields",
    "envelope",
    "parse_address_list",
]

#: The host of an address that has none (Dovecot's placeholder).
MISSING_DOMAIN = b"MISSING_DOMAIN"
#: The mailbox of an address that has none (Dovecot's placeholder).
MISSING_MAILBOX = b"MISSING_MAILBOX"

# The ENVELOPE fields of a header, found without reading the others.
_ENVELOPE_FIELD = re.compile(
    rb"^(date|subject|from|sender|reply-to|to|cc|bcc|in-reply-to|message-id)[ \t]*:"
    rb"([^\n]*(?:\n[ \t][^\n]*)*)",
    re.I | re.M,
)
# RFC 5322 §3.2: the lexical tokens of an address list. Atoms take "." in (obs-phrase, dotted
# local parts and domains); a comment is found by hand since comments nest.
_TOKEN = re.compile(
    rb"""(?P<space>[ \t\r\n]+)
    | (?P<quoted>"(?:[^"\\]|\\.)*"?)
    | (?P<literal>\[(?:[^\]\\]|\\.)*\]?)
    | (?P<special>[<>@,;:])
    | (?P<comment>\()
    | (?P<atom>[^ \t\r\n"()\[\]<>@,;:\\]+)
    | (?P<junk>.)""",
    re.X | re.S,
)


@dataclass(frozen=True, slots=True)
class Address:
    """An ENVELOPE address: ``(name, adl, mailbox, host)``, None for NIL (RFC 9051 §7.5.2).

    Group syntax: a start marker has the group name as ``mailbox`` and no host; an end marker
    has neither.
    """

    #: The display name, quotes removed; may hold RFC 2047 encoded-words.
    name: bytes | None
    #: The source route (obs-route), e.g. ``@relay1,@relay2``.
    adl: bytes | None
    #: The local part, quotes removed; the group name in a group start marker.
    mailbox: bytes | None
    #: The domain; None in group markers.
    host: bytes | None

    @property
    def is_group_start(self) -> bool:
        """A group start marker (``mailbox`` holds the group name)."""
        return self.host is None and self.mailbox is not None

    @property
    def is_group_end(self) -> bool:
        """A group end marker."""
        return self.host is None and self.mailbox is None


_GROUP_END = Address(None, None, None, None)


@dataclass(frozen=True, slots=True)
class EnvelopeFields:
    """The ENVELOPE of a message (RFC 9051 §7.5.2), protocol-neutral.

    Date, subject, in-reply-to and message-id are None when the field is absent and ``b""``
    when it is empty. An address list is ``()`` when the field is absent or empty; sender and
    reply-to default to from, as the RFC has the server do.
    """

    date: bytes | None
    subject: bytes | None
    from_: tuple[Address, ...]
    sender: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    in_reply_to: bytes | None
    message_id: bytes | None


def envelope(data: bytes, message: MessageStructure) -> EnvelopeFields:
    """The ENVELOPE of ``message`` (a structure from :func:`parse_message` over ``data``, or
    the ``message`` of a message/rfc822 part).

    When a field occurs more than once, the last one counts, as in Dovecot.
    """
    found: dict[bytes, bytes] = {}
    header = message.header
    for match in _ENVELOPE_FIELD.finditer(data, header.start, header.end):
        found[match.group(1).lower()] = unfold(match.group(2))

    def addresses(name: bytes) -> tuple[Address, ...]:
        value = found.get(name)
        return () if value is None else parse_address_list(value)

    from_ = addresses(b"from")
    return EnvelopeFields(
        date=found.get(b"date"),
        subject=found.get(b"subject"),
        from_=from_,
        sender=addresses(b"sender") or from_,
        reply_to=addresses(b"reply-to") or from_,
        to=addresses(b"to"),
        cc=addresses(b"cc"),
        bcc=addresses(b"bcc"),
        in_reply_to=found.get(b"in-reply-to"),
        message_id=found.get(b"message-id"),
    )


class _Token(NamedTuple):
    kind: bytes  # b"atom", b"quoted", b"literal", b"comment", or the special character itself
    text: bytes  # the atom or literal as written; quoted strings and comments unquoted


def _tokens(value: bytes) -> list[_Token]:
    tokens: list[_Token] = []
    pos, end = 0, len(value)
    while pos < end:
        match = _TOKEN.match(value, pos)
        assert match is not None  # every octet matches some alternative
        kind = match.lastgroup
        pos = match.end()
        if kind == "comment":
            pos, closed = comment_end(value, match.start())
            text = value[match.start() + 1 : pos - 1 if closed else pos]
            tokens.append(_Token(b"comment", unquote(text)))
        elif kind == "quoted":
            text = match.group()[1:]
            tokens.append(_Token(b"quoted", unquote(text[:-1] if _closed(text) else text)))
        elif kind == "special":
            tokens.append(_Token(match.group(), b""))
        elif kind in ("atom", "literal"):
            tokens.append(_Token(kind.encode(), match.group()))
    return tokens


def _closed(quoted: bytes) -> bool:
    """Whether a quoted string (after its opening quote) ends with an unescaped quote."""
    if not quoted.endswith(b'"'):
        return False
    backslashes = len(quoted) - 1 - len(quoted[:-1].rstrip(b"\\"))
    return backslashes % 2 == 0


def parse_address_list(value: bytes) -> tuple[Address, ...]:
    """The addresses of an unfolded address-list field body (RFC 5322 §3.4); ``()`` when
    there are none. Never raises.

    As Dovecot reads them: display names with quotes removed and words joined by one space; a
    comment names an address that has no display name (``user@host (Name)``, the last comment
    wins); a source route kept as ``@a,@b``; a local part or domain that is missing reported
    as :data:`MISSING_MAILBOX` / :data:`MISSING_DOMAIN` (an IMAP address needs a host: a NIL
    host would mark a group); a group as a start marker, its members and an end marker, even
    when its ``;`` is missing. Each comma-separated item is read on its own, so one broken
    address never hides the next (Dovecot stops at the first).
    """
    tokens = _tokens(value)
    found: list[Address] = []
    pos, end = 0, len(tokens)
    while pos < end:
        if tokens[pos].kind == b",":
            pos += 1
            continue
        phrase_end = pos
        while phrase_end < end and tokens[phrase_end].kind in (b"atom", b"quoted", b"comment"):
            phrase_end += 1
        if phrase_end < end and tokens[phrase_end].kind == b":":
            # group = display-name ":" [group-list] ";"
            found.append(Address(None, None, _phrase(tokens[pos:phrase_end]), None))
            pos = phrase_end + 1
            while pos < end and tokens[pos].kind != b";":
                if tokens[pos].kind in (b",", b":"):
                    pos += 1
                else:
                    pos = _mailbox(tokens, pos, found, group=True)
            pos += 1
            found.append(_GROUP_END)
        else:
            pos = _mailbox(tokens, pos, found, group=False)
    return tuple(found)


def _mailbox(tokens: list[_Token], pos: int, found: list[Address], *, group: bool) -> int:
    """Reads the mailbox starting at ``pos`` into ``found``; returns where it ends (at the
    ``,`` after it, or the ``;`` that ends its group)."""
    end = pos
    angle = False
    while end < len(tokens):
        kind = tokens[end].kind
        if angle:
            angle = kind != b">"
        elif kind == b"<":
            angle = True
        elif kind == b"," or (group and kind in (b";", b":")):
            break
        end += 1
    item = tokens[pos:end]
    kinds = [token.kind for token in item]
    if all(kind == b"comment" for kind in kinds):
        return end
    name: bytes | None
    adl: bytes | None = None
    if b"<" in kinds:
        # name-addr = [display-name] "<" [obs-route] addr-spec ">"
        opening = kinds.index(b"<")
        name = _phrase(item[:opening]) or None
        inner = item[opening + 1 :]
        inner_kinds = kinds[opening + 1 :]
        if b">" in inner_kinds:
            inner = inner[: inner_kinds.index(b">")]
            inner_kinds = inner_kinds[: inner_kinds.index(b">")]
        if inner_kinds[:1] == [b"@"] and b":" in inner_kinds:
            colon = inner_kinds.index(b":")
            adl = _route(inner[:colon])
            inner = inner[colon + 1 :]
    else:
        # addr-spec, perhaps with a comment for a name (Dovecot takes the last one)
        comments = [token.text for token in item if token.kind == b"comment" and token.text]
        name = comments[-1] if comments else None
        inner = item
    mailbox, host = _addr_spec(inner)
    found.append(Address(name, adl, mailbox, host))
    return end


def _phrase(tokens: list[_Token]) -> bytes:
    """A display name: its words, quotes removed, joined by one space (comments dropped)."""
    return b" ".join(token.text for token in tokens if token.kind in (b"atom", b"quoted"))


def _route(tokens: list[_Token]) -> bytes:
    """obs-route's domain list, as ``@a,@b``."""
    hops: list[bytes] = []
    for token in tokens:
        if token.kind == b"@":
            hops.append(b"@")
        elif token.kind in (b"atom", b"literal") and hops:
            hops[-1] += token.text
    return b",".join(hops)


def _addr_spec(tokens: list[_Token]) -> tuple[bytes, bytes]:
    """``local-part "@" domain``, each part's words run together (RFC 5322 allows CFWS around
    the dots of obs-local-part and obs-domain); the domain ends at the first thing that is
    not part of one. The placeholders stand in for a missing part."""
    words = [token for token in tokens if token.kind != b"comment"]
    kinds = [token.kind for token in words]
    at = kinds.index(b"@") if b"@" in kinds else len(words)
    local = [token.text for token in words[:at] if token.kind in (b"atom", b"quoted")]
    domain: list[bytes] = []
    for token in words[at + 1 :]:
        if token.kind not in (b"atom", b"literal"):
            break
        domain.append(token.text)
    mailbox = b"".join(local) if local else MISSING_MAILBOX
    host = b"".join(domain) if domain else MISSING_DOMAIN
    return mailbox, host
