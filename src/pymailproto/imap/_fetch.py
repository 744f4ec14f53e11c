"""FETCH: the data items a client asks for and the message attributes a server returns.

Requests (RFC 9051 §6.4.5, §9; RFC 3501 §6.4.5, §9; RFC 7162 §7; RFC 8474 §7; RFC 8970)::

    fetch           = "FETCH" SP sequence-set SP (
                      "ALL" / "FULL" / "FAST" /
                      fetch-att / "(" fetch-att *(SP fetch-att) ")")
    fetch-att       = "ENVELOPE" / "FLAGS" / "INTERNALDATE" /
                      "RFC822.SIZE" /
                      "BODY" ["STRUCTURE"] / "UID" /
                      "BODY" section [partial] /
                      "BODY.PEEK" section [partial] /
                      "BINARY" [".PEEK"] section-binary [partial] /
                      "BINARY.SIZE" section-binary
    fetch-att       =/ "RFC822" [".HEADER" / ".TEXT"]        ; RFC 3501 only
    fetch-att       =/ fetch-mod-sequence                     ; RFC 7162
    fetch-mod-sequence = "MODSEQ"
    fetch-att       =/ "EMAILID" / "THREADID"                 ; RFC 8474
    fetch-att       =/ "PREVIEW" [SP "(" "LAZY" ")"]          ; RFC 8970

A request is a :class:`FetchMacro` or a tuple of fetch-atts: :class:`FetchAttribute` for the
plain names, :class:`BodySection`, :class:`BinarySection` and :class:`BinarySize` for the
ones with a section.

The answers -- :class:`~pymailproto.imap._msg_att.FetchData` and its keys -- live in
:mod:`pymailproto.imap._msg_att` and are re-exported here, so that FETCH has one import.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._generic import GenericValue, read_generic_value, write_generic_value
from pymailproto.imap._lexer import Reader
from pymailproto.imap._msg_att import (
    BinaryKey,
    BinarySize,
    BodyKey,
    FetchData,
    FetchItemError,
    FetchKey,
    MessageAttributes,
    read_msg_att,
    write_msg_att,
)
from pymailproto.imap._section import (
    Partial,
    Section,
    check_section_part,
    read_partial,
    read_section,
    read_section_binary,
    write_partial,
    write_section,
    write_section_binary,
)
from pymailproto.imap._values import Writer

__all__ = [
    "BinaryKey",
    "BinarySection",
    "BinarySize",
    "BodyKey",
    "BodySection",
    "FetchAtt",
    "FetchAttribute",
    "FetchData",
    "FetchItemError",
    "FetchKey",
    "FetchMacro",
    "GenericValue",
    "MessageAttributes",
    "read_fetch_att",
    "read_fetch_atts",
    "read_generic_value",
    "read_msg_att",
    "write_fetch_att",
    "write_fetch_atts",
    "write_generic_value",
    "write_msg_att",
]

_EMPTY_SECTION = Section()

# --- requests -------------------------------------------------------------------------------------


class FetchAttribute(str, enum.Enum):
    """The fetch-atts without a section. Each member equals its wire name (a ``str``), which
    is also the key of its item in a :class:`FetchData` (PREVIEW_LAZY's item is PREVIEW)."""

    ENVELOPE = "ENVELOPE"
    FLAGS = "FLAGS"
    INTERNALDATE = "INTERNALDATE"
    RFC822_SIZE = "RFC822.SIZE"
    #: The non-extensible BODYSTRUCTURE.
    BODY = "BODY"
    BODYSTRUCTURE = "BODYSTRUCTURE"
    UID = "UID"
    #: RFC 3501 §6.4.5: BODY[] (sets \\Seen), answered as RFC822.
    RFC822 = "RFC822"
    #: RFC 3501 §6.4.5: BODY.PEEK[HEADER], answered as RFC822.HEADER.
    RFC822_HEADER = "RFC822.HEADER"
    #: RFC 3501 §6.4.5: BODY[TEXT], answered as RFC822.TEXT.
    RFC822_TEXT = "RFC822.TEXT"
    #: RFC 7162 §3.1.4.
    MODSEQ = "MODSEQ"
    #: RFC 8474 §5.1.
    EMAILID = "EMAILID"
    #: RFC 8474 §5.2.
    THREADID = "THREADID"
    #: RFC 8970 §3.
    PREVIEW = "PREVIEW"
    #: RFC 8970 §3.1: only a preview the server has at hand (NIL otherwise).
    PREVIEW_LAZY = "PREVIEW (LAZY)"

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value


class FetchMacro(str, enum.Enum):
    """``"ALL" / "FULL" / "FAST"`` (RFC 9051 §6.4.5), to be used alone."""

    ALL = "ALL"
    FAST = "FAST"
    FULL = "FULL"

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    def expand(self) -> tuple[FetchAttribute, ...]:
        """The data items the macro stands for."""
        return _MACROS[self]


_A = FetchAttribute
_MACROS = {
    FetchMacro.FAST: (_A.FLAGS, _A.INTERNALDATE, _A.RFC822_SIZE),
    FetchMacro.ALL: (_A.FLAGS, _A.INTERNALDATE, _A.RFC822_SIZE, _A.ENVELOPE),
    FetchMacro.FULL: (_A.FLAGS, _A.INTERNALDATE, _A.RFC822_SIZE, _A.ENVELOPE, _A.BODY),
}


@dataclass(frozen=True, slots=True)
class BodySection:
    """``"BODY" section [partial]`` / ``"BODY.PEEK" section [partial]``."""

    section: Section = _EMPTY_SECTION
    partial: Partial | None = None
    #: BODY.PEEK: do not set \\Seen.
    peek: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.section, Section):
            raise IMAPValueError(f"not a Section: {self.section!r}")
        if self.partial is not None and not isinstance(self.partial, Partial):
            raise IMAPValueError(f"not a Partial: {self.partial!r}")
        object.__setattr__(self, "peek", bool(self.peek))

    @property
    def key(self) -> BodyKey:
        """The key of the item that answers this request."""
        return BodyKey(self.section, None if self.partial is None else self.partial.offset)


@dataclass(frozen=True, slots=True)
class BinarySection:
    """``"BINARY" [".PEEK"] section-binary [partial]`` (RFC 9051 §6.4.5)."""

    part: tuple[int, ...] = ()
    partial: Partial | None = None
    peek: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "part", check_section_part(self.part))
        if self.partial is not None and not isinstance(self.partial, Partial):
            raise IMAPValueError(f"not a Partial: {self.partial!r}")
        object.__setattr__(self, "peek", bool(self.peek))

    @property
    def key(self) -> BinaryKey:
        """The key of the item that answers this request."""
        return BinaryKey(self.part, None if self.partial is None else self.partial.offset)


#: One fetch-att of a request.
FetchAtt: TypeAlias = FetchAttribute | BodySection | BinarySection | BinarySize

_ATTRIBUTES = {member.value: member for member in FetchAttribute}


def read_fetch_att(reader: Reader) -> FetchAtt:
    """``fetch-att`` (RFC 9051 §9, with the RFC 3501, 7162, 8474 and 8970 additions)."""
    start = reader.pos
    try:
        word = reader.read_keyword()
        if word in ("BODY", "BODY.PEEK") and reader.peek() == 0x5B:
            section = read_section(reader)
            partial = read_partial(reader) if reader.peek() == 0x3C else None
            return BodySection(section, partial, word == "BODY.PEEK")
        if word in ("BINARY", "BINARY.PEEK"):
            part = read_section_binary(reader)
            partial = read_partial(reader) if reader.peek() == 0x3C else None
            return BinarySection(part, partial, word == "BINARY.PEEK")
        if word == "BINARY.SIZE":
            return BinarySize(read_section_binary(reader))
        if word == "PREVIEW" and reader.at(b" ("):
            # The only preview-mod is LAZY (RFC 8970 §3.1); a "(" that does not open it is
            # left alone -- it may be the command's fetch-modifiers (RFC 4466).
            pos = reader.pos
            reader.pos += 2
            if reader.skip_keyword(b"LAZY") and reader.skip(b")"):
                return FetchAttribute.PREVIEW_LAZY
            reader.pos = pos
        attribute = _ATTRIBUTES.get(word)
        if attribute is None or attribute is FetchAttribute.PREVIEW_LAZY:
            raise reader.error("fetch-att", start)
        return attribute
    except IMAPParseError:
        reader.pos = start
        raise


def read_fetch_atts(reader: Reader) -> FetchMacro | tuple[FetchAtt, ...]:
    """``"ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"``."""
    if reader.peek() == 0x28:
        start = reader.pos
        atts = reader.read_list(read_fetch_att)
        if not atts:
            raise reader.error("fetch-att", start + 1)
        return tuple(atts)
    for macro in FetchMacro:
        if reader.skip_keyword(macro.value.encode("ascii")):
            return macro
    return (read_fetch_att(reader),)


def write_fetch_att(writer: Writer, att: FetchAtt) -> None:
    """``fetch-att``."""
    if isinstance(att, FetchAttribute):
        writer.raw(att.value.encode("ascii"))
    elif isinstance(att, BodySection):
        writer.raw(b"BODY.PEEK" if att.peek else b"BODY")
        write_section(writer, att.section)
        if att.partial is not None:
            write_partial(writer, att.partial)
    elif isinstance(att, BinarySection):
        writer.raw(b"BINARY.PEEK" if att.peek else b"BINARY")
        write_section_binary(writer, att.part)
        if att.partial is not None:
            write_partial(writer, att.partial)
    elif isinstance(att, BinarySize):
        writer.raw(b"BINARY.SIZE")
        write_section_binary(writer, att.part)
    else:
        raise IMAPValueError(f"not a fetch-att: {att!r}")


def write_fetch_atts(writer: Writer, atts: FetchMacro | Iterable[FetchAtt]) -> None:
    """A macro, a single fetch-att, or a parenthesised list of them."""
    if isinstance(atts, FetchMacro):
        writer.raw(atts.value.encode("ascii"))
        return
    items = list(atts)
    if not items:
        raise IMAPValueError("FETCH needs at least one data item")
    if len(items) == 1:
        write_fetch_att(writer, items[0])
        return
    writer.raw(b"(")
    for index, att in enumerate(items):
        if index:
            writer.sp()
        write_fetch_att(writer, att)
    writer.raw(b")")
