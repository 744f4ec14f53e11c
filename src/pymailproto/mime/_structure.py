"""What :func:`~pymailproto.mime.parse_message` produces: byte spans, parts and message
structures, and the section numbering of RFC 9051 §6.4.5 over them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pymailproto.mime._content import Param, decode_param

__all__ = ["SECTION_TEXTS", "MessageStructure", "Part", "Span"]

#: The section texts :meth:`MessageStructure.section` accepts after the part numbers (RFC 9051
#: §6.4.5). The HEADER.FIELDS forms give the HEADER span; :func:`header_fields` filters it.
SECTION_TEXTS = frozenset({"HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"})


@dataclass(frozen=True, slots=True)
class Span:
    """The octets ``data[start:end]`` of a message: ``span.of(data)`` cuts them out."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"a Span needs 0 <= start <= end, not {self.start}, {self.end}")

    @property
    def size(self) -> int:
        """How many octets the span covers."""
        return self.end - self.start

    def of(self, data: bytes) -> bytes:
        """The octets of ``data`` this span covers."""
        return data[self.start : self.end]


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One MIME entity: the message itself, a body part of a multipart, or the message inside
    a message/rfc822 part. Strings are the octets of the message, unfolded.

    Invariants: a multipart has at least one child; ``message`` is set exactly for
    message/rfc822 and message/global parts; a part's spans lie inside its parent's body.
    """

    #: The header fields and the blank line that ends them (empty when the part has none):
    #: BODY[n.MIME] of a body part, BODY[HEADER] of a message.
    header: Span
    #: Everything after the header: BODY[n] of a body part, BODY[TEXT] of a message. In a
    #: multipart it excludes the line break before the next boundary (RFC 2046 §5.1.1).
    body: Span
    #: Media type and subtype, lower-cased (RFC 2045 §5.1: they are case-insensitive).
    type: bytes = b"text"
    subtype: bytes = b"plain"
    #: Content-Type parameters, names and values as sent, RFC 2231 sections merged (RFC 9051
    #: §7.5.2); text/* always has a charset (us-ascii by default, RFC 2046 §4.1.2).
    params: tuple[Param, ...] = ()
    #: Content-ID and Content-Description (RFC 2045 §7, §8), None when absent.
    id: bytes | None = None
    description: bytes | None = None
    #: Content-Transfer-Encoding as sent, ``7bit`` by default (RFC 2045 §6.1).
    encoding: bytes = b"7bit"
    #: Content-MD5 (RFC 1864).
    md5: bytes | None = None
    #: Content-Disposition type and parameters (RFC 2183).
    disposition: bytes | None = None
    disposition_params: tuple[Param, ...] = ()
    #: Content-Language tags (RFC 3282); ``()`` when absent.
    language: tuple[bytes, ...] = ()
    #: Content-Location (RFC 2557).
    location: bytes | None = None
    #: Line feeds in the body, as sent: BODYSTRUCTURE's size in lines (text/*, message/*).
    lines: int = 0
    #: The body parts of a multipart, in order (part numbers 1, 2, ...).
    children: tuple[Part, ...] = ()
    #: The message inside a message/rfc822 or message/global part.
    message: MessageStructure | None = None

    @property
    def size(self) -> int:
        """The body's size in octets, in its transfer encoding (BODYSTRUCTURE's body size)."""
        return self.body.end - self.body.start

    @property
    def media_type(self) -> str:
        """``type/subtype``, e.g. ``"text/plain"``."""
        return (self.type + b"/" + self.subtype).decode("ascii", "replace")

    def param(self, name: str) -> str | None:
        """The decoded value of Content-Type parameter ``name`` (case-insensitive;
        RFC 2231 and RFC 2047 decoded), or None."""
        return _lookup(self.params, name)

    def disposition_param(self, name: str) -> str | None:
        """The decoded value of Content-Disposition parameter ``name`` (e.g. ``filename``)."""
        return _lookup(self.disposition_params, name)


def _lookup(params: tuple[Param, ...], name: str) -> str | None:
    wanted = name.lower()
    for raw_name, raw_value in params:
        key, value = decode_param(raw_name, raw_value)
        if key == wanted:
            return value
    return None


@dataclass(frozen=True, slots=True)
class MessageStructure:
    """A message (RFC 5322): its top-level entity and the sections of RFC 9051 §6.4.5.

    ``root`` is the message as a MIME entity: its header is the message header, its body the
    message text. Part numbers count from there: the body parts of a multipart ``root`` are 1,
    2, ...; a ``root`` that is not multipart is part 1 itself.
    """

    root: Part

    @property
    def header(self) -> Span:
        """The message header, blank line included: BODY[HEADER]."""
        return self.root.header

    @property
    def text(self) -> Span:
        """The message text after the header: BODY[TEXT]."""
        return self.root.body

    @property
    def span(self) -> Span:
        """The whole message: BODY[] (for a message inside a part, the part's body)."""
        return Span(self.root.header.start, self.root.body.end)

    @property
    def size(self) -> int:
        """The message size in octets."""
        return self.root.body.end - self.root.header.start

    def part(self, path: tuple[int, ...]) -> Part | None:
        """The part numbered ``path`` (``(4, 2, 1)`` for 4.2.1), or None if there is none.

        RFC 9051 §6.4.5: the parts of a multipart are numbered from 1; a part that is not
        multipart is part 1 of its entity; the numbers after a message/rfc822 part count in
        the message it holds.
        """
        entity = self.root
        found: Part | None = None
        child = False  # found is a part of a multipart (not an entity's own "part 1")
        for index, number in enumerate(path):
            if number < 1:
                return None
            if found is not None:
                if found.message is not None:
                    entity = found.message.root
                elif found.children:
                    entity = found
                elif child and number == 1 and index == len(path) - 1:
                    # A leaf part of a multipart is "part 1" of itself, once, as Dovecot
                    # reads it (BODY[2.1] is BODY[2]; lib-imap-storage imap-msgpart.c).
                    return found
                else:
                    return None
            if entity.children:
                if number > len(entity.children):
                    return None
                found, child = entity.children[number - 1], True
            elif number == 1:
                found, child = entity, False
            else:
                return None
        return found

    def section(self, path: tuple[int, ...] = (), text: str | None = None) -> Span | None:
        """The span of ``BODY[section]``: ``path`` are the part numbers, ``text`` is None or
        one of :data:`SECTION_TEXTS` (any case). None when the section does not exist:
        a part number too high, HEADER or TEXT of a part that is not message/rfc822 or
        message/global, MIME without a part number.

        For HEADER.FIELDS and HEADER.FIELDS.NOT this is the header they filter; pass it to
        :func:`header_fields`.
        """
        if text is not None:
            text = text.upper()
            if text not in SECTION_TEXTS:
                raise ValueError(f"not a section text: {text!r}")
        if not path:
            if text is None:
                return self.span
            if text == "MIME":
                return None
            return self.header if text.startswith("HEADER") else self.text
        part = self.part(path)
        if part is None:
            return None
        if text is None:
            return part.body
        if text == "MIME":
            return part.header
        if part.message is None:
            return None
        return part.message.header if text.startswith("HEADER") else part.message.text

    def walk(self) -> Iterator[tuple[tuple[int, ...], Part]]:
        """Every numbered part with its part numbers, in order: ``((1,), part), ((2,), part),
        ((2, 1), part), ...``, the parts of messages inside message parts included."""
        return _numbered((), self.root)


def _numbered(prefix: tuple[int, ...], entity: Part) -> Iterator[tuple[tuple[int, ...], Part]]:
    numbered = enumerate(entity.children, 1) if entity.children else ((1, entity),)
    for number, part in numbered:
        path = (*prefix, number)
        yield path, part
        if part.message is not None:
            yield from _numbered(path, part.message.root)
        elif part.children:
            yield from _numbered(path, part)
