"""Section specifications and partial ranges of FETCH (RFC 9051 §6.4.5.1, §9; RFC 3501 §6.4.5)::

    section         = "[" [section-spec] "]"
    section-binary  = "[" [section-part] "]"
    section-msgtext = "HEADER" /
                      "HEADER.FIELDS" [".NOT"] SP header-list /
                      "TEXT"
                        ; top-level or MESSAGE/RFC822 or
                        ; MESSAGE/GLOBAL part
    section-part    = nz-number *("." nz-number)
                        ; body part reference.
                        ; Allows for accessing nested body parts.
    section-spec    = section-msgtext / (section-part ["." section-text])
    section-text    = section-msgtext / "MIME"
                        ; text other than actual body part (headers,
                        ; etc.)
    header-list     = "(" header-fld-name *(SP header-fld-name) ")"
    header-fld-name = astring
    partial         = "<" number64 "." nz-number64 ">"
                        ; Partial FETCH request. 0-based offset of
                        ; the first octet, followed by the number of
                        ; octets in the fragment.

A :class:`Section` is the part between the brackets: a part path (``(1, 2)`` for ``1.2``, empty
for the whole message) and what of that part (:class:`SectionText`: the header, some header
fields, the text, the MIME header; or ``None``, the part's content). A :class:`Partial` is a
request's ``<offset.length>``; a response echoes only the offset -- the *origin octet*,
``"BODY" section ["<" number ">"]`` (RFC 9051 §7.5.2) -- which the readers here return as a plain
int (:func:`read_origin`). BINARY's sections are part paths alone (:func:`read_section_binary`).

Header field names are kept as sent (``bytes``); RFC 9051 §6.4.5.1 matches them
case-insensitively, which is the server's business, not the grammar's.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import MAX_NUMBER, Reader
from pymailproto.imap._values import Writer, check_number64, check_nz_number64

__all__ = [
    "Partial",
    "Section",
    "SectionText",
    "check_section_part",
    "read_origin",
    "read_partial",
    "read_section",
    "read_section_binary",
    "write_origin",
    "write_partial",
    "write_section",
    "write_section_binary",
]


class SectionText(enum.Enum):
    """``section-text = section-msgtext / "MIME"``: what of a part a section names."""

    #: The RFC 5322 header of the message or of an encapsulated message (blank line included).
    HEADER = "HEADER"
    #: Only the header fields named in :attr:`Section.fields`.
    HEADER_FIELDS = "HEADER.FIELDS"
    #: All header fields except those named in :attr:`Section.fields`.
    HEADER_FIELDS_NOT = "HEADER.FIELDS.NOT"
    #: The text body of the message or encapsulated message, without its header.
    TEXT = "TEXT"
    #: The MIME header of a body part; needs a part number (RFC 9051 §6.4.5.1).
    MIME = "MIME"


_TEXTS = {text.value: text for text in SectionText}
_WITH_FIELDS = (SectionText.HEADER_FIELDS, SectionText.HEADER_FIELDS_NOT)


def check_section_part(part: Iterable[int]) -> tuple[int, ...]:
    """``section-part``: a tuple of nz-numbers (may be empty: the whole message)."""
    numbers = tuple(part)
    for number in numbers:
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= MAX_NUMBER:
            raise IMAPValueError(f"a section-part is made of nz-numbers (RFC 9051 §9): {part!r}")
    return numbers


def _check_field_name(name: bytes | str) -> bytes:
    data = name.encode("utf-8") if isinstance(name, str) else name
    if not isinstance(data, bytes):
        raise IMAPValueError(f"a header-fld-name is bytes or str: {name!r}")
    if 0 in data:
        raise IMAPValueError("a header-fld-name (astring) cannot hold NUL")
    return data


@dataclass(frozen=True, slots=True, init=False)
class Section:
    """``section-spec`` (RFC 9051 §9), the text between ``[`` and ``]``.

    ``Section()`` is ``[]``, the whole message; ``Section((1, 2), SectionText.MIME)`` is
    ``[1.2.MIME]``; ``Section((), SectionText.HEADER_FIELDS, (b"DATE", b"FROM"))`` is
    ``[HEADER.FIELDS (DATE FROM)]``. :meth:`parse` reads the bracket text (``"1.2.MIME"``).
    """

    #: The part path, ``section-part``; empty for the message itself.
    part: tuple[int, ...]
    #: ``section-text``, or None for the content of the part (or the whole message).
    text: SectionText | None
    #: The ``header-list`` of HEADER.FIELDS and HEADER.FIELDS.NOT; empty otherwise.
    fields: tuple[bytes, ...]

    def __init__(
        self,
        part: Iterable[int] = (),
        text: SectionText | None = None,
        fields: Iterable[bytes | str] = (),
    ) -> None:
        numbers = check_section_part(part)
        if text is not None and not isinstance(text, SectionText):
            raise IMAPValueError(f"not a SectionText: {text!r}")
        names = tuple(_check_field_name(name) for name in fields)
        if text is not None and text in _WITH_FIELDS:
            if not names:
                raise IMAPValueError(f"{text.value} needs at least one field name (header-list)")
        elif names:
            raise IMAPValueError("field names only go with HEADER.FIELDS and HEADER.FIELDS.NOT")
        if text is SectionText.MIME and not numbers:
            raise IMAPValueError("MIME must be prefixed by a part number (RFC 9051 §6.4.5.1)")
        object.__setattr__(self, "part", numbers)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "fields", names)

    @classmethod
    def parse(cls, text: str | bytes) -> Section:
        """The section whose bracket text is ``text``, e.g. ``"1.2.HEADER.FIELDS (DATE)"``."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        reader = Reader(b"[" + data + b"]")
        try:
            section = read_section(reader)
            if not reader.at_end():
                raise reader.error("the end of the section")
        except IMAPParseError as exc:
            raise IMAPValueError(f"invalid section {text!r}: {exc.message}") from None
        return section

    def __str__(self) -> str:
        return _spec_bytes(self).decode("utf-8", "replace")


def _section(part: tuple[int, ...], text: SectionText | None, fields: tuple[bytes, ...]) -> Section:
    """A section from checked parts (the parser's fast path)."""
    value = object.__new__(Section)
    object.__setattr__(value, "part", part)
    object.__setattr__(value, "text", text)
    object.__setattr__(value, "fields", fields)
    return value


@dataclass(frozen=True, slots=True)
class Partial:
    """``partial = "<" number64 "." nz-number64 ">"``: ``length`` octets from ``offset``."""

    offset: int
    length: int

    def __post_init__(self) -> None:
        check_number64(self.offset)
        check_nz_number64(self.length)


# --- reading --------------------------------------------------------------------------------------

# Sections without a header-list ("[]", "[TEXT]", "[1.2]", "[1.MIME]") are remembered by their
# exact bytes once parsed: the same few arrive in every response of a FETCH. Bounded, so that a
# peer inventing part numbers cannot grow it.
_SIMPLE = re.compile(rb"\[[0-9A-Za-z.]*\]")
_SIMPLE_CACHE: dict[bytes, Section] = {}
_SIMPLE_CACHE_MAX = 256


def _read_part(reader: Reader) -> list[int]:
    """``section-part = nz-number *("." nz-number)``; stops before a "." not followed by one."""
    numbers = [reader.read_nz_number()]
    buf = reader.buf
    while True:
        pos = reader.pos
        if pos + 1 < reader.end and buf[pos] == 0x2E and 0x30 <= buf[pos + 1] <= 0x39:
            reader.pos = pos + 1
            try:
                numbers.append(reader.read_nz_number())
            except IMAPParseError:
                reader.pos = pos
                raise
        else:
            return numbers


def _read_header_list(reader: Reader) -> tuple[bytes, ...]:
    """``header-list = "(" header-fld-name *(SP header-fld-name) ")"``."""
    start = reader.pos
    names = reader.read_list(Reader.read_astring)
    if not names:
        raise reader.error("header-fld-name", start + 1)
    return tuple(names)


def read_section(reader: Reader) -> Section:
    """``section = "[" [section-spec] "]"`` (RFC 9051 §9)."""
    buf = reader.buf
    start = reader.pos
    m = _SIMPLE.match(buf, start)
    if m is not None:
        key = m.group()
        cached = _SIMPLE_CACHE.get(key)
        if cached is not None:
            reader.pos = m.end()
            return cached
    if not buf.startswith(b"[", start):
        raise reader.error('"["')
    reader.pos = start + 1
    try:
        section = _read_spec(reader)
        reader.expect(b"]")
    except IMAPParseError:
        reader.pos = start
        raise
    if m is not None and m.end() == reader.pos and not section.fields:
        if len(_SIMPLE_CACHE) >= _SIMPLE_CACHE_MAX:
            _SIMPLE_CACHE.clear()
        _SIMPLE_CACHE[m.group()] = section
    return section


def _read_spec(reader: Reader) -> Section:
    """``[section-spec]`` after the "[", up to the "]"."""
    octet = reader.peek()
    if octet == 0x5D:  # "]": the whole message
        return _EMPTY
    part: tuple[int, ...] = ()
    if 0x30 <= octet <= 0x39:
        part = tuple(_read_part(reader))
        if reader.peek() != 0x2E:
            return _section(part, None, ())
        reader.pos += 1  # the "." before section-text
    pos = reader.pos
    if not part and not reader.buf[pos : pos + 1].isalpha():
        raise reader.error('section-spec or "]"')
    word = reader.read_keyword() if reader.peek() != 0x5D else ""
    text = _TEXTS.get(word)
    if text is None or (text is SectionText.MIME and not part):
        reader.pos = pos
        expected = "HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT"
        raise reader.error(expected + (" or MIME" if part else "") + " (section-text)")
    fields: tuple[bytes, ...] = ()
    if text in _WITH_FIELDS:
        reader.expect_sp()
        fields = _read_header_list(reader)
    return _section(part, text, fields)


def read_section_binary(reader: Reader) -> tuple[int, ...]:
    """``section-binary = "[" [section-part] "]"`` (RFC 9051 §9): the part path."""
    start = reader.pos
    reader.expect(b"[")
    if reader.peek() == 0x5D:
        reader.pos += 1
        return ()
    try:
        part = tuple(_read_part(reader))
        reader.expect(b"]")
    except IMAPParseError:
        reader.pos = start
        raise
    return part


def read_partial(reader: Reader) -> Partial:
    """``partial = "<" number64 "." nz-number64 ">"`` (RFC 9051 §9; RFC 3501's is 32-bit)."""
    start = reader.pos
    try:
        reader.expect(b"<")
        offset = reader.read_number64()
        reader.expect(b".")
        length = reader.read_nz_number64()
        reader.expect(b">")
    except IMAPParseError:
        reader.pos = start
        raise
    value = object.__new__(Partial)
    object.__setattr__(value, "offset", offset)
    object.__setattr__(value, "length", length)
    return value


def read_origin(reader: Reader) -> int:
    """The origin octet of a response, ``"<" number ">"`` (RFC 9051 §9 msg-att-static).

    Read as ``number64``: the request's ``partial`` is 64-bit in RFC 9051, and the response
    echoes its offset, so a 32-bit limit here would refuse a correct answer.
    """
    start = reader.pos
    try:
        reader.expect(b"<")
        origin = reader.read_number64()
        reader.expect(b">")
    except IMAPParseError:
        reader.pos = start
        raise
    return origin


# --- writing --------------------------------------------------------------------------------------


def _spec_bytes(section: Section) -> bytes:
    """The section-spec without brackets and without the header-list."""
    spec = ".".join([str(number) for number in section.part])
    if section.text is not None:
        spec = spec + "." + section.text.value if spec else section.text.value
    return spec.encode("ascii")


def write_section(writer: Writer, section: Section) -> None:
    """``section``, brackets included; header field names in their cheapest astring form."""
    if not isinstance(section, Section):
        raise IMAPValueError(f"not a Section: {section!r}")
    writer.raw(b"[" + _spec_bytes(section))
    if section.fields:
        writer.raw(b" (")
        for index, name in enumerate(section.fields):
            if index:
                writer.sp()
            writer.astring(name)
        writer.raw(b")")
    writer.raw(b"]")


def write_section_binary(writer: Writer, part: Iterable[int]) -> None:
    """``section-binary``, brackets included."""
    numbers = check_section_part(part)
    writer.raw(("[" + ".".join([str(n) for n in numbers]) + "]").encode("ascii"))


def write_partial(writer: Writer, partial: Partial) -> None:
    """``partial``: ``<offset.length>``."""
    if not isinstance(partial, Partial):
        raise IMAPValueError(f"not a Partial: {partial!r}")
    writer.raw(b"<%d.%d>" % (partial.offset, partial.length))


def write_origin(writer: Writer, origin: int) -> None:
    """A response's origin octet: ``<number>``."""
    check_number64(origin)
    writer.raw(b"<%d>" % origin)


_EMPTY = _section((), None, ())
