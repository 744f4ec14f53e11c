"""METADATA (RFC 5464): entries and values, GETMETADATA, SETMETADATA, METADATA responses.

RFC 5464 is not among the RFC texts in /work/shared/rfc; the grammar implemented here is the
one the issue gives (RFC 5464 §5), and nothing beyond it::

    entry           = astring
                        ; an entry name starts with "/",
                        ; e.g. "/private/comment", "/shared/vendor/x"
    entries         = entry / "(" entry *(SP entry) ")"
    getmetadata     = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
    getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"
    getmetadata-option  = maxsize-opt / scope-opt
    maxsize-opt     = "MAXSIZE" SP number
    scope-opt       = "DEPTH" SP ("0" / "1" / "infinity")
    setmetadata     = "SETMETADATA" SP mailbox SP entry-values
    entry-values    = "(" entry-value *(SP entry-value) ")"
    entry-value     = entry SP value
    value           = nstring / literal8
    metadata-resp   = "METADATA" SP mailbox SP (entry-values / entry-list)
    entry-list      = entry *(SP entry)
                        ; the unsolicited form

The mailbox ``""`` stands for the server itself (server annotations). Entries are octets
(``bytes``; ``str`` is encoded as UTF-8), like every IMAP string in this library; values are
octets or None (NIL). A value holding NUL is written as a ``literal8``, the only form that can
carry it; any other value takes the cheapest ``nstring`` form.

Choices: an option given twice in GETMETADATA is refused when read (the grammar repeats options
but gives a repetition no meaning, and :class:`GetMetadataOptions` holds each option once);
``DEPTH``'s ``"infinity"`` is read in any case (ABNF strings are case-insensitive, RFC 5234
§2.3) and written as in the grammar.

Readers start after the keyword and its SP: :func:`read_getmetadata` after ``"GETMETADATA"
SP``, :func:`read_setmetadata` after ``"SETMETADATA" SP``, :func:`read_metadata_response`
after ``"METADATA" SP``. ``utf8=`` says whether the session has UTF-8 mailbox names; writers
use ``writer.options.utf8``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import encode_mailbox, normalize_mailbox, read_mailbox, utf7_encode
from pymailproto.imap._values import Writer, _octets, _trusted, check_number

__all__ = [
    "Depth",
    "GetMetadata",
    "GetMetadataOptions",
    "MetadataItem",
    "MetadataResponse",
    "SetMetadata",
    "UnsolicitedMetadata",
    "read_entry",
    "read_getmetadata",
    "read_metadata_response",
    "read_setmetadata",
    "write_getmetadata",
    "write_metadata_response",
    "write_setmetadata",
]

#: One ``entry-value``: the entry name and its value (None for NIL).
MetadataItem: TypeAlias = tuple[bytes, bytes | None]
#: What the constructors take for entry values: a mapping or pairs; str is encoded as UTF-8.
_Items: TypeAlias = (
    Mapping[bytes, bytes | str | None]
    | Mapping[str, bytes | str | None]
    | Iterable[tuple[bytes | str, bytes | str | None]]
)

_DEPTH_TOKEN = re.compile(rb"[0-9A-Za-z]+")


class Depth(enum.Enum):
    """``scope-opt = "DEPTH" SP ("0" / "1" / "infinity")``."""

    ZERO = "0"
    ONE = "1"
    INFINITY = "infinity"


_DEPTHS = {b"0": Depth.ZERO, b"1": Depth.ONE, b"infinity": Depth.INFINITY}


def _mailbox(name: str) -> str:
    """A mailbox name given by the caller: a str with a wire form, INBOX in canonical case."""
    if not isinstance(name, str):
        raise TypeError(f"mailbox names are str, not {type(name).__name__}")
    utf7_encode(name)  # raises for strings without a Unicode form (lone surrogates)
    return normalize_mailbox(name)


def _entry(name: bytes | str) -> bytes:
    data = _octets(name)
    if not data.startswith(b"/"):
        raise IMAPValueError(f'a metadata entry name starts with "/": {data!r}')
    if 0 in data:
        raise IMAPValueError("a metadata entry name is an astring and cannot carry NUL")
    return data


def _entries(names: Iterable[bytes | str]) -> tuple[bytes, ...]:
    if isinstance(names, (bytes, str)):
        raise TypeError("expected a list of entry names, not one name")
    items = tuple(_entry(name) for name in names)
    if not items:
        raise IMAPValueError("at least one metadata entry is needed (RFC 5464 §5)")
    return items


def _items(items: _Items) -> tuple[MetadataItem, ...]:
    pairs = items.items() if isinstance(items, Mapping) else items
    out = tuple(
        (_entry(entry), None if value is None else _octets(value)) for entry, value in pairs
    )
    if not out:
        raise IMAPValueError("at least one entry and value are needed (RFC 5464 §5)")
    return out


@dataclass(frozen=True, slots=True, init=False)
class GetMetadataOptions:
    """``getmetadata-options``: ``MAXSIZE`` (only values up to this many octets) and
    ``DEPTH`` (also the entries below each one named). None leaves an option out."""

    maxsize: int | None
    depth: Depth | None

    def __init__(self, maxsize: int | None = None, depth: Depth | None = None) -> None:
        if maxsize is not None:
            check_number(maxsize)
        if depth is not None and not isinstance(depth, Depth):
            raise IMAPValueError(f"not a Depth: {depth!r}")
        object.__setattr__(self, "maxsize", maxsize)
        object.__setattr__(self, "depth", depth)


_NO_OPTIONS = GetMetadataOptions()


@dataclass(frozen=True, slots=True, init=False)
class GetMetadata:
    """The GETMETADATA command's arguments: options, a mailbox (``""``: the server) and one
    or more entry names."""

    mailbox: str
    entries: tuple[bytes, ...]
    options: GetMetadataOptions

    def __init__(
        self,
        mailbox: str,
        entries: Iterable[bytes | str],
        options: GetMetadataOptions = _NO_OPTIONS,
    ) -> None:
        if not isinstance(options, GetMetadataOptions):
            raise IMAPValueError(f"not GetMetadataOptions: {options!r}")
        object.__setattr__(self, "mailbox", _mailbox(mailbox))
        object.__setattr__(self, "entries", _entries(entries))
        object.__setattr__(self, "options", options)


@dataclass(frozen=True, slots=True, init=False)
class SetMetadata:
    """The SETMETADATA command's arguments: a mailbox and entries with their new values
    (None -- NIL -- removes an entry)."""

    mailbox: str
    items: tuple[MetadataItem, ...]

    def __init__(self, mailbox: str, items: _Items) -> None:
        object.__setattr__(self, "mailbox", _mailbox(mailbox))
        object.__setattr__(self, "items", _items(items))


@dataclass(frozen=True, slots=True, init=False)
class MetadataResponse:
    """``METADATA mailbox "(" entry SP value *(SP entry SP value) ")"``: entry values."""

    mailbox: str
    items: tuple[MetadataItem, ...]

    def __init__(self, mailbox: str, items: _Items) -> None:
        object.__setattr__(self, "mailbox", _mailbox(mailbox))
        object.__setattr__(self, "items", _items(items))


@dataclass(frozen=True, slots=True, init=False)
class UnsolicitedMetadata:
    """``METADATA mailbox entry *(SP entry)``: the unsolicited form, naming entries only."""

    mailbox: str
    entries: tuple[bytes, ...]

    def __init__(self, mailbox: str, entries: Iterable[bytes | str]) -> None:
        object.__setattr__(self, "mailbox", _mailbox(mailbox))
        object.__setattr__(self, "entries", _entries(entries))


# --- reading --------------------------------------------------------------------------------------


def read_entry(reader: Reader) -> bytes:
    """``entry = astring``, starting with ``"/"``."""
    start = reader.pos
    data = reader.read_astring()
    if not data.startswith(b"/"):
        reader.pos = start
        raise reader.error('metadata entry (an astring starting with "/")', start)
    return data


def _read_value(reader: Reader) -> bytes | None:
    """``value = nstring / literal8``."""
    if reader.peek() == 0x7E:
        return reader.read_literal8()
    return reader.read_nstring()


def _read_entry_values(reader: Reader) -> tuple[MetadataItem, ...]:
    """``entry-values = "(" entry-value *(SP entry-value) ")"``."""
    reader.open_list()
    items: list[MetadataItem] = []
    while True:
        entry = read_entry(reader)
        reader.expect_sp()
        items.append((entry, _read_value(reader)))
        if not reader.skip_sp():
            break
    reader.close_list()
    return tuple(items)


def _read_options(reader: Reader) -> GetMetadataOptions:
    """``getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"``."""
    reader.open_list()
    maxsize: int | None = None
    depth: Depth | None = None
    while True:
        start = reader.pos
        if reader.skip_keyword(b"MAXSIZE"):
            if maxsize is not None:
                raise reader.fail("MAXSIZE given twice in getmetadata-options", start)
            reader.expect_sp()
            maxsize = reader.read_number()
        elif reader.skip_keyword(b"DEPTH"):
            if depth is not None:
                raise reader.fail("DEPTH given twice in getmetadata-options", start)
            reader.expect_sp()
            token_start = reader.pos
            m = _DEPTH_TOKEN.match(reader.buf, token_start)
            value = None if m is None else _DEPTHS.get(m.group().lower())
            if m is None or value is None:
                raise reader.error('"0", "1" or "infinity" (scope-opt)', token_start)
            reader.pos = m.end()
            depth = value
        else:
            raise reader.error('getmetadata-option ("MAXSIZE" or "DEPTH")')
        if not reader.skip_sp():
            break
    reader.close_list()
    return _trusted(GetMetadataOptions, maxsize=maxsize, depth=depth)


def read_getmetadata(reader: Reader, *, utf8: bool) -> GetMetadata:
    """The arguments of GETMETADATA (RFC 5464 §5), after ``"GETMETADATA" SP``::

    getmetadata     = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
    entries         = entry / "(" entry *(SP entry) ")"

    (Options start with "(", which no mailbox astring can.)
    """
    options = _NO_OPTIONS
    if reader.peek() == 0x28:
        options = _read_options(reader)
        reader.expect_sp()
    mailbox = read_mailbox(reader, utf8=utf8)
    reader.expect_sp()
    if reader.peek() == 0x28:
        reader.open_list()
        entries = [read_entry(reader)]
        while reader.skip_sp():
            entries.append(read_entry(reader))
        reader.close_list()
    else:
        entries = [read_entry(reader)]
    return _trusted(GetMetadata, mailbox=mailbox, entries=tuple(entries), options=options)


def read_setmetadata(reader: Reader, *, utf8: bool) -> SetMetadata:
    """The arguments of SETMETADATA (RFC 5464 §5), after ``"SETMETADATA" SP``::

    setmetadata     = "SETMETADATA" SP mailbox SP entry-values
    """
    mailbox = read_mailbox(reader, utf8=utf8)
    reader.expect_sp()
    return _trusted(SetMetadata, mailbox=mailbox, items=_read_entry_values(reader))


def read_metadata_response(reader: Reader, *, utf8: bool) -> MetadataResponse | UnsolicitedMetadata:
    """What follows ``"METADATA" SP`` in a METADATA response (RFC 5464 §5)::

    metadata-resp   = "METADATA" SP mailbox SP (entry-values / entry-list)
    entry-list      = entry *(SP entry)

    A list in parentheses gives a :class:`MetadataResponse`, bare entries an
    :class:`UnsolicitedMetadata`.
    """
    mailbox = read_mailbox(reader, utf8=utf8)
    reader.expect_sp()
    if reader.peek() == 0x28:
        return _trusted(MetadataResponse, mailbox=mailbox, items=_read_entry_values(reader))
    entries = [read_entry(reader)]
    while reader.skip_sp():
        entries.append(read_entry(reader))
    return _trusted(UnsolicitedMetadata, mailbox=mailbox, entries=tuple(entries))


# --- writing --------------------------------------------------------------------------------------


def _write_mailbox(writer: Writer, mailbox: str) -> None:
    writer.astring(encode_mailbox(mailbox, utf8=writer.options.utf8))


def _write_value(writer: Writer, value: bytes | None) -> None:
    if value is not None and 0 in value:
        writer.literal(value, binary=True)  # only literal8 carries NUL
    else:
        writer.nstring(value)


def _write_entry_values(writer: Writer, items: tuple[MetadataItem, ...]) -> None:
    writer.raw(b"(")
    for index, (entry, value) in enumerate(items):
        if index:
            writer.sp()
        writer.astring(entry)
        writer.sp()
        _write_value(writer, value)
    writer.raw(b")")


def write_getmetadata(writer: Writer, value: GetMetadata) -> None:
    """``[getmetadata-options SP] mailbox SP entries`` (after ``"GETMETADATA" SP``); one entry
    is written bare, several in parentheses."""
    if not isinstance(value, GetMetadata):
        raise IMAPValueError(f"not a GetMetadata: {value!r}")
    options = value.options
    parts = []
    if options.maxsize is not None:
        parts.append(b"MAXSIZE %d" % options.maxsize)
    if options.depth is not None:
        parts.append(b"DEPTH " + options.depth.value.encode("ascii"))
    if parts:
        writer.raw(b"(" + b" ".join(parts) + b") ")
    _write_mailbox(writer, value.mailbox)
    writer.sp()
    entries = value.entries
    if len(entries) > 1:
        writer.raw(b"(")
    for index, entry in enumerate(entries):
        if index:
            writer.sp()
        writer.astring(entry)
    if len(entries) > 1:
        writer.raw(b")")


def write_setmetadata(writer: Writer, value: SetMetadata) -> None:
    """``mailbox SP entry-values`` (after ``"SETMETADATA" SP``)."""
    if not isinstance(value, SetMetadata):
        raise IMAPValueError(f"not a SetMetadata: {value!r}")
    _write_mailbox(writer, value.mailbox)
    writer.sp()
    _write_entry_values(writer, value.items)


def write_metadata_response(writer: Writer, value: MetadataResponse | UnsolicitedMetadata) -> None:
    """``mailbox SP (entry-values / entry-list)`` (after ``"METADATA" SP``)."""
    if isinstance(value, MetadataResponse):
        _write_mailbox(writer, value.mailbox)
        writer.sp()
        _write_entry_values(writer, value.items)
    elif isinstance(value, UnsolicitedMetadata):
        _write_mailbox(writer, value.mailbox)
        for entry in value.entries:
            writer.sp()
            writer.astring(entry)
    else:
        raise IMAPValueError(f"not a METADATA response: {value!r}")
