"""FETCH responses: message attributes (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2, §9; RFC 7162 §7;
RFC 8474 §7; RFC 8970)::

    msg-att         = "(" (msg-att-dynamic / msg-att-static)
                       *(SP (msg-att-dynamic / msg-att-static)) ")"
    msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"
    msg-att-static  = "ENVELOPE" SP envelope /
                      "INTERNALDATE" SP date-time /
                      "RFC822.SIZE" SP number64 /
                      "BODY" ["STRUCTURE"] SP body /
                      "BODY" section ["<" number ">"] SP nstring /
                      "BINARY" section-binary SP (nstring / literal8) /
                      "BINARY.SIZE" section-binary SP number /
                      "UID" SP uniqueid
    msg-att-static  =/ "RFC822" [".HEADER" / ".TEXT"] SP nstring   ; RFC 3501 only
    msg-att-dynamic =/ fetch-mod-resp                                ; RFC 7162
    fetch-mod-resp  = "MODSEQ" SP "(" permsg-modsequence ")"
    msg-att-static  =/ "EMAILID" SP "(" objectid ")" /               ; RFC 8474
                       "THREADID" SP ( "(" objectid ")" / nil )
    objectid        = 1*255(ALPHA / DIGIT / "_" / "-")
    msg-att-static  =/ "PREVIEW" SP nstring                          ; RFC 8970

A response's attributes are a :class:`FetchData`: a read-only mapping, in the order the server
sent them, from a key to a typed value. The key of a plain item is its name, upper-cased
(``"FLAGS"``, ``"RFC822.SIZE"``; the request's :class:`~pymailproto.imap._fetch.FetchAttribute`
members compare equal to them); a
section item's key is a :class:`BodyKey`, :class:`BinaryKey` or :class:`BinarySize`. The value
types are listed at :class:`FetchData`; properties (``data.flags``, ``data.envelope``,
``data.section("HEADER")``) read them with their types.

One bad item does not cost the rest of the response. When an item's value does not follow
its attribute's grammar but is a well-formed generic IMAP value -- an atom, number, string,
NIL or a parenthesised list of those (:data:`GenericValue`) -- followed by SP or ")", the item
is kept as a :class:`FetchItemError` holding that value and the reason, and parsing goes on
with the next item. Attributes the parser does not know (``X-GM-MSGID``, ``SAVEDATE``...) are
kept the same way, their value as a :data:`GenericValue`. Skipping is impossible, and the
whole response is refused with :class:`~pymailproto.imap.IMAPParseError`, when the value is
not a generic value either (an unterminated quoted string, a literal running past the
message, unbalanced parentheses, nesting beyond the reader's limit, 8-bit octets outside a
string), or when an item's *name* is malformed (``BODY[1.0]``, a name without its SP): then
where the next item starts cannot be known.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from pymailproto.imap._body import (
    BasicBody,
    BodyStructure,
    MessageBody,
    MultipartBody,
    TextBody,
    has_extension,
    write_body,
)
from pymailproto.imap._body_parse import read_body
from pymailproto.imap._datetime import format_date_time, read_date_time
from pymailproto.imap._envelope import Envelope, read_envelope, write_envelope
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag, format_flag_list, read_flag_list
from pymailproto.imap._generic import (
    GenericValue,
    check_generic_value,
    read_generic_value,
    write_generic_value,
)
from pymailproto.imap._lexer import MAX_NUMBER, MAX_NUMBER64, Reader
from pymailproto.imap._msg_att_fast import SIMPLE, date_time, flags, read_prefix
from pymailproto.imap._section import (
    Section,
    check_section_part,
    read_origin,
    read_section,
    read_section_binary,
    write_origin,
    write_section,
    write_section_binary,
)
from pymailproto.imap._values import Writer, check_number, check_number64

__all__ = [
    "BinaryKey",
    "BinarySize",
    "BodyKey",
    "FetchData",
    "FetchItemError",
    "FetchKey",
    "MessageAttributes",
    "read_msg_att",
    "write_msg_att",
]

# --- keys -----------------------------------------------------------------------------------------

_EMPTY_SECTION = Section()


def _check_origin(origin: int | None) -> None:
    if origin is not None:
        check_number64(origin)


@dataclass(frozen=True, slots=True)
class BodyKey:
    """The key of a ``BODY[section]<origin>`` response item."""

    section: Section = _EMPTY_SECTION
    #: The origin octet of a partial fetch; None for the whole section.
    origin: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.section, Section):
            raise IMAPValueError(f"not a Section: {self.section!r}")
        _check_origin(self.origin)

    def __str__(self) -> str:
        return _name_text(self)


@dataclass(frozen=True, slots=True)
class BinaryKey:
    """The key of a ``BINARY[part]<origin>`` response item (RFC 9051 §7.5.2)."""

    part: tuple[int, ...] = ()
    origin: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "part", check_section_part(self.part))
        _check_origin(self.origin)

    def __str__(self) -> str:
        return _name_text(self)


@dataclass(frozen=True, slots=True)
class BinarySize:
    """``"BINARY.SIZE" section-binary``: the request and the key of its response item."""

    part: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "part", check_section_part(self.part))

    def __str__(self) -> str:
        return _name_text(self)


#: The key of an item in a :class:`FetchData`; str for plain and unknown items.
FetchKey: TypeAlias = str | BodyKey | BinaryKey | BinarySize


@dataclass(frozen=True, slots=True)
class FetchItemError:
    """A FETCH item whose value did not follow its attribute's grammar, kept as the generic
    value it was; ``reason`` (not compared) says what was wrong and where."""

    value: GenericValue
    reason: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        check_generic_value(self.value)


# --- response values: reading ---------------------------------------------------------------------

_OBJECTID = re.compile(rb"[A-Za-z0-9_\-]{1,255}")
_OBJECTID_TEXT = re.compile(r"[A-Za-z0-9_\-]{1,255}")


def _read_objectid(reader: Reader) -> str:
    """``"(" objectid ")"`` (RFC 8474 §7)."""
    reader.open_list()
    m = _OBJECTID.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error("objectid (1*255 ALPHA / DIGIT / _ / -)")
    reader.pos = m.end()
    reader.close_list()
    return m.group().decode("ascii")


def _read_threadid(reader: Reader) -> str | None:
    """``"(" objectid ")" / nil``."""
    if reader.peek() == 0x28:
        return _read_objectid(reader)
    reader.read_nil()
    return None


def _read_modseq(reader: Reader) -> int:
    """``"(" permsg-modsequence ")"`` (RFC 7162 §7)."""
    reader.open_list()
    value = reader.read_mod_sequence_value()
    reader.close_list()
    return value


def _read_binary_value(reader: Reader) -> bytes | None:
    """``nstring / literal8``."""
    if reader.at(b"~{"):
        return reader.read_literal8()
    return reader.read_nstring()


def _read_body_item(reader: Reader) -> BodyStructure:
    return read_body(reader, extensible=False)


# Numbers short enough to be in range whatever they are, ending there: read without the
# general terminals' range checks.
_UID = re.compile(rb"[1-9][0-9]{0,8}(?![0-9])")
_NUMBER64 = re.compile(rb"[0-9]{1,18}(?![0-9])")


def _read_uid(reader: Reader) -> int:
    """``uniqueid = nz-number``."""
    m = _UID.match(reader.buf, reader.pos)
    if m is None:
        return reader.read_nz_number()
    reader.pos = m.end()
    return int(m.group())


def _read_size(reader: Reader) -> int:
    """``number64`` (RFC 9051 RFC822.SIZE; RFC 3501's ``number`` is a subset)."""
    m = _NUMBER64.match(reader.buf, reader.pos)
    if m is None:
        return reader.read_number64()
    reader.pos = m.end()
    return int(m.group())


_ValueReader = Callable[[Reader], Any]
_VALUE_READERS: dict[str, _ValueReader] = {
    "FLAGS": read_flag_list,
    "UID": _read_uid,
    "INTERNALDATE": read_date_time,
    "RFC822.SIZE": _read_size,
    "ENVELOPE": read_envelope,
    "BODY": _read_body_item,
    "BODYSTRUCTURE": read_body,
    "MODSEQ": _read_modseq,
    "EMAILID": _read_objectid,
    "THREADID": _read_threadid,
    "PREVIEW": Reader.read_nstring,
    "RFC822": Reader.read_nstring,
    "RFC822.HEADER": Reader.read_nstring,
    "RFC822.TEXT": Reader.read_nstring,
}
# A name other than these, with an optional bracketed part and origin, is an unknown item.
_BRACKET = re.compile(rb"\[[^\]\x00-\x1f\x7f-\xff\"{(]*\]")
_ORIGIN_TEXT = re.compile(rb"<[0-9]+>")


def _read_name(reader: Reader, word: str, start: int) -> tuple[FetchKey, _ValueReader]:
    """The key of an item whose keyword ``word`` was read, and the reader of its value."""
    if word == "BODY" and reader.peek() == 0x5B:
        section = read_section(reader)
        origin = read_origin(reader) if reader.peek() == 0x3C else None
        return _body_key(section, origin), Reader.read_nstring
    if word == "BINARY":
        part = read_section_binary(reader)
        origin = read_origin(reader) if reader.peek() == 0x3C else None
        return _binary_key(part, origin), _read_binary_value
    if word == "BINARY.SIZE":
        return _binary_size(read_section_binary(reader)), Reader.read_number
    value_reader = _VALUE_READERS.get(word)
    if value_reader is not None:  # not followed by SP, which the caller will say
        return word, value_reader
    # Unknown: keyword ["[" text "]"] ["<" digits ">"], spelled as sent but upper-cased.
    buf = reader.buf
    for pattern in (_BRACKET, _ORIGIN_TEXT):
        m = pattern.match(buf, reader.pos)
        if m is not None:
            reader.pos = m.end()
    name = word + buf[start + len(word) : reader.pos].decode("ascii")
    return name, read_generic_value


def _body_key(section: Section, origin: int | None) -> BodyKey:
    key = object.__new__(BodyKey)
    object.__setattr__(key, "section", section)
    object.__setattr__(key, "origin", origin)
    return key


def _binary_key(part: tuple[int, ...], origin: int | None) -> BinaryKey:
    key = object.__new__(BinaryKey)
    object.__setattr__(key, "part", part)
    object.__setattr__(key, "origin", origin)
    return key


def _binary_size(part: tuple[int, ...]) -> BinarySize:
    key = object.__new__(BinarySize)
    object.__setattr__(key, "part", part)
    return key


def _recover(reader: Reader, start: int, depth: int, error: IMAPParseError) -> FetchItemError:
    """The bad value at ``start`` as a :class:`FetchItemError`, or ``error`` raised when the
    value cannot be skipped safely."""
    reader.pos = start
    reader.depth = depth
    try:
        value = read_generic_value(reader)
    except IMAPParseError:
        raise error from None
    pos = reader.pos
    if pos >= reader.end or reader.buf[pos] not in (0x20, 0x29):
        raise error
    item = object.__new__(FetchItemError)
    object.__setattr__(item, "value", value)
    object.__setattr__(item, "reason", error.message)
    return item


# The plain item names as sent ("UID ", "uid ", ...), with their key and value reader.
_ITEM = re.compile(rb"([A-Za-z_.\-][A-Za-z0-9_.:\-]*) ")
_ITEMS: dict[bytes, tuple[str, _ValueReader]] = {
    name.encode("ascii"): (name, value_reader) for name, value_reader in _VALUE_READERS.items()
}
_ITEMS_MAX = 256


def _item(name: bytes) -> tuple[str, _ValueReader] | None:
    """The key and value reader of the plain item ``name`` (any case), or None."""
    word = name.decode("ascii").upper()
    value_reader = _VALUE_READERS.get(word)
    if value_reader is None:
        return None
    if len(_ITEMS) >= _ITEMS_MAX:  # bounded: a peer cannot grow it with odd spellings
        _ITEMS.clear()
    _ITEMS[name] = (word, value_reader)
    return word, value_reader


# The fast path's patterns and values: see _msg_att_fast.
_STRUCTURES: dict[int, tuple[str, _ValueReader]] = {
    5: ("ENVELOPE", read_envelope),
    6: ("BODYSTRUCTURE", read_body),
}


def read_msg_att(reader: Reader) -> FetchData:
    """``msg-att`` (RFC 9051 §9 with the extensions above): the parenthesised attributes of a
    FETCH response. Bad and unknown items are kept as described in the module docstring; a
    later item with the same key replaces an earlier one."""
    reader.open_list()
    buf = reader.buf
    end = reader.end
    items: dict[FetchKey, object] = {}
    key: FetchKey
    start = read_prefix(reader, reader.pos, items)
    simple = SIMPLE.match
    while True:
        m = simple(buf, start)
        entry = None
        if m is not None:
            index = m.lastindex
            value: object
            if index is not None and index > 4:  # ENVELOPE or BODYSTRUCTURE: read below
                entry = _STRUCTURES[index]
                value = None
            elif index == 1:
                key = "UID"
                value = int(m.group(1))
            elif index == 2:
                key = "RFC822.SIZE"
                value = int(m.group(2))
            elif index == 3:
                key = "FLAGS"
                value = flags(reader, m, 3)
            else:
                key = "INTERNALDATE"
                value = date_time(m.group(4))
            if value is not None:
                pos = m.end()
                items[key] = value
                if buf[pos] == 0x29:  # the lookahead made sure it is SP or ")"
                    reader.pos = pos
                    break
                start = pos + 1
                continue
        if entry is None:
            m = _ITEM.match(buf, start)
            if m is not None:
                name = m.group(1)
                entry = _ITEMS.get(name) or _item(name)
        if entry is not None and m is not None:
            key, value_reader = entry
            reader.pos = value_start = m.end()
        else:
            reader.pos = start
            word = reader.read_keyword()
            key, value_reader = _read_name(reader, word, start)
            reader.expect_sp()
            value_start = reader.pos
        depth = reader.depth
        try:
            value = value_reader(reader)
            pos = reader.pos
            octet = buf[pos] if pos < end else -1
            if octet not in (0x20, 0x29):
                raise reader.error('SP or ")" after the value')
        except IMAPParseError as error:
            value = _recover(reader, value_start, depth, error)
            pos = reader.pos
            octet = buf[pos]  # _recover made sure it is SP or ")"
        items[key] = value
        if octet == 0x29:
            break
        reader.pos = start = pos + 1  # the SP between items
    reader.close_list()
    data = _new(FetchData)
    _set_items(data, items)
    return data


# --- response values: checking and writing --------------------------------------------------------


def _check_flags(value: object) -> tuple[Flag, ...]:
    if not isinstance(value, tuple):
        raise IMAPValueError(f"FLAGS is a tuple of Flag: {value!r}")
    format_flag_list(value)  # every item a Flag, no "\*"
    return value


def _check_nz(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_NUMBER:
        raise IMAPValueError(f"UID is an nz-number (RFC 9051 §9 uniqueid): {value!r}")
    return value


def _check_date_time(value: object) -> _dt.datetime:
    if not isinstance(value, _dt.datetime):
        raise IMAPValueError(f"INTERNALDATE is a datetime: {value!r}")
    format_date_time(value)  # aware, whole-minute zone
    if value.microsecond:
        raise IMAPValueError("INTERNALDATE has whole seconds (date-time, RFC 9051 §9)")
    return value


def _check_number64(value: object) -> int:
    return check_number64(value)  # type: ignore[arg-type]


def _check_number(value: object) -> int:
    return check_number(value)  # type: ignore[arg-type]


def _check_modseq(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_NUMBER64:
        raise IMAPValueError(f"MODSEQ is a mod-sequence-value (1 to 2**63-1): {value!r}")
    return value


def _check_envelope(value: object) -> Envelope:
    if not isinstance(value, Envelope):
        raise IMAPValueError(f"ENVELOPE is an Envelope: {value!r}")
    return value


def _check_structure(value: object) -> BodyStructure:
    if not isinstance(value, (BasicBody, TextBody, MessageBody, MultipartBody)):
        raise IMAPValueError(f"not a body structure: {value!r}")
    return value


def _check_body_item(value: object) -> BodyStructure:
    body = _check_structure(value)
    if has_extension(body):
        raise IMAPValueError(
            "BODY is the non-extensible form: use BODYSTRUCTURE, or without_extension()"
        )
    return body


def _check_objectid(value: object) -> str:
    if not isinstance(value, str) or _OBJECTID_TEXT.fullmatch(value) is None:
        raise IMAPValueError(f"not an objectid (1*255 ALPHA / DIGIT / _ / -): {value!r}")
    return value


def _check_threadid(value: object) -> str | None:
    return None if value is None else _check_objectid(value)


def _check_nstring(value: object) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, bytes) or 0 in value:
        raise IMAPValueError(f"not an nstring's octets (bytes without NUL, or None): {value!r}")
    return value


def _check_binary(value: object) -> bytes | None:
    if value is not None and not isinstance(value, bytes):
        raise IMAPValueError(f"BINARY data is bytes or None: {value!r}")
    return value


_CHECKS: dict[str, Callable[[object], object]] = {
    "FLAGS": _check_flags,
    "UID": _check_nz,
    "INTERNALDATE": _check_date_time,
    "RFC822.SIZE": _check_number64,
    "ENVELOPE": _check_envelope,
    "BODY": _check_body_item,
    "BODYSTRUCTURE": _check_structure,
    "MODSEQ": _check_modseq,
    "EMAILID": _check_objectid,
    "THREADID": _check_threadid,
    "PREVIEW": _check_nstring,
    "RFC822": _check_nstring,
    "RFC822.HEADER": _check_nstring,
    "RFC822.TEXT": _check_nstring,
}


def _write_flags(writer: Writer, value: Any) -> None:
    writer.raw(format_flag_list(value))


def _write_date_time(writer: Writer, value: Any) -> None:
    writer.raw(format_date_time(value))


def _write_number(writer: Writer, value: Any) -> None:
    writer.raw(b"%d" % value)


def _write_body_item(writer: Writer, value: Any) -> None:
    write_body(writer, value, extensible=False)


def _write_bodystructure(writer: Writer, value: Any) -> None:
    write_body(writer, value)


def _write_modseq(writer: Writer, value: Any) -> None:
    writer.raw(b"(%d)" % value)


def _write_objectid(writer: Writer, value: Any) -> None:
    writer.raw(b"(" + value.encode("ascii") + b")")


def _write_threadid(writer: Writer, value: Any) -> None:
    writer.raw(b"NIL" if value is None else b"(" + value.encode("ascii") + b")")


def _write_binary(writer: Writer, value: Any) -> None:
    # RFC 9051 §7.5.2: without NUL the data SHOULD be a string, not a literal8.
    if value is not None and 0 in value:
        writer.literal(value, binary=True)
    else:
        writer.nstring(value)


_WRITERS: dict[str, Callable[[Writer, Any], None]] = {
    "FLAGS": _write_flags,
    "UID": _write_number,
    "INTERNALDATE": _write_date_time,
    "RFC822.SIZE": _write_number,
    "ENVELOPE": write_envelope,
    "BODY": _write_body_item,
    "BODYSTRUCTURE": _write_bodystructure,
    "MODSEQ": _write_modseq,
    "EMAILID": _write_objectid,
    "THREADID": _write_threadid,
    "PREVIEW": Writer.nstring,
    "RFC822": Writer.nstring,
    "RFC822.HEADER": Writer.nstring,
    "RFC822.TEXT": Writer.nstring,
}


def _write_name(writer: Writer, key: FetchKey) -> None:
    if isinstance(key, str):
        writer.raw(key.encode("ascii"))
    elif isinstance(key, BodyKey):
        writer.raw(b"BODY")
        write_section(writer, key.section)
        if key.origin is not None:
            write_origin(writer, key.origin)
    elif isinstance(key, BinaryKey):
        writer.raw(b"BINARY")
        write_section_binary(writer, key.part)
        if key.origin is not None:
            write_origin(writer, key.origin)
    else:
        writer.raw(b"BINARY.SIZE")
        write_section_binary(writer, key.part)


def _name_text(key: FetchKey) -> str:
    writer = Writer()
    _write_name(writer, key)
    return writer.to_bytes().decode("utf-8", "replace")


def write_msg_att(writer: Writer, data: FetchData) -> None:
    """``msg-att``: the items in the order of ``data``."""
    if not isinstance(data, FetchData):
        raise IMAPValueError(f"not a FetchData: {data!r}")
    writer.raw(b"(")
    first = True
    for key, value in data._items.items():
        if not first:
            writer.sp()
        first = False
        _write_name(writer, key)
        writer.sp()
        if isinstance(value, FetchItemError):
            write_generic_value(writer, value.value)
        elif isinstance(key, str):
            write = _WRITERS.get(key)
            if write is None:
                write_generic_value(writer, value)  # type: ignore[arg-type]
            else:
                write(writer, value)
        elif isinstance(key, BodyKey):
            writer.nstring(value)  # type: ignore[arg-type]
        elif isinstance(key, BinaryKey):
            _write_binary(writer, value)
        else:
            writer.number(value)  # type: ignore[arg-type]
    writer.raw(b")")


# --- FetchData ------------------------------------------------------------------------------------

_UNKNOWN_NAME = re.compile(
    r"([A-Za-z_.\-][A-Za-z0-9_.:\-]*)(\[[^\]\x00-\x1f\x7f-\U0010ffff\"{(]*\])?(<[0-9]+>)?"
)
_SECTION_KEYWORDS = ("BODY", "BINARY", "BINARY.SIZE")  # in this order


def _check_key(key: object) -> FetchKey:
    """A key in its canonical form: plain names upper-cased."""
    if isinstance(key, (BodyKey, BinaryKey, BinarySize)):
        return key
    if not isinstance(key, str):
        raise IMAPValueError(f"not a FETCH item key: {key!r}")
    if isinstance(key, enum.Enum):  # a FetchAttribute (a str enum): its wire name
        key = str(key.value)
    m = _UNKNOWN_NAME.fullmatch(key)
    if m is None:
        raise IMAPValueError(f"not a FETCH item name: {key!r}")
    word = m.group(1).upper()
    plain = m.group(2) is None and m.group(3) is None
    # BINARY and BINARY.SIZE always have a section; the others never have one.
    if word in _SECTION_KEYWORDS[1:] or (not plain and word in _VALUE_READERS):
        raise IMAPValueError(
            f"{key!r}: use BodyKey, BinaryKey or BinarySize for the items with a section"
        )
    return word if plain else word + key[len(word) :]


def _check_value(key: FetchKey, value: object) -> None:
    if isinstance(value, FetchItemError):
        _check_error(key, value)
        return
    if isinstance(key, str):
        check = _CHECKS.get(key)
        if check is None:
            check_generic_value(value)
        else:
            check(value)
    elif isinstance(key, BodyKey):
        _check_nstring(value)
    elif isinstance(key, BinaryKey):
        _check_binary(value)
    else:
        _check_number(value)


def _check_error(key: FetchKey, error: FetchItemError) -> None:
    """A FetchItemError must be one: its value must not read as a valid value of ``key``."""
    if isinstance(key, str) and key not in _VALUE_READERS:
        raise IMAPValueError(f"an unknown item ({key}) holds a generic value, not an error")
    writer = Writer()
    writer.raw(b"(")
    _write_name(writer, key)
    writer.sp()
    write_generic_value(writer, error.value)
    writer.raw(b")")
    reader = Reader(writer.to_bytes())
    parsed = read_msg_att(reader)
    if not isinstance(next(iter(parsed.values())), FetchItemError):
        raise IMAPValueError(f"{error.value!r} is a valid {_name_text(key)}: store it as such")


def _typed(data: FetchData, key: str, kind: type | tuple[type, ...]) -> Any:
    value = data._items.get(key)
    return value if isinstance(value, kind) else None


@dataclass(frozen=True, slots=True, init=False, eq=False, repr=False)
class FetchData(Mapping[FetchKey, object]):
    """The attributes of one message in a FETCH response (``msg-att``): a read-only mapping
    from :data:`FetchKey` to value, in the order sent.

    ==========================================  ====================================
    key                                         value
    ==========================================  ====================================
    ``"FLAGS"``                                 ``tuple[Flag, ...]``
    ``"UID"``                                   ``int``
    ``"INTERNALDATE"``                          aware ``datetime``
    ``"RFC822.SIZE"``                           ``int``
    ``"ENVELOPE"``                              :class:`Envelope`
    ``"BODY"``, ``"BODYSTRUCTURE"``             :data:`BodyStructure` (BODY: no extension data)
    ``"MODSEQ"``                                ``int``
    ``"EMAILID"``                               ``str``
    ``"THREADID"``                              ``str`` or None (NIL)
    ``"PREVIEW"``                               ``bytes`` or None
    ``"RFC822"``, ``"RFC822.HEADER"``, ``.TEXT``  ``bytes`` or None
    :class:`BodyKey`                            ``bytes`` or None
    :class:`BinaryKey`                          ``bytes`` or None (may hold NUL)
    :class:`BinarySize`                         ``int``
    any other name (``"X-GM-MSGID"``)           :data:`GenericValue`
    ==========================================  ====================================

    Any key may instead hold a :class:`FetchItemError` (see the module docstring).
    ``FetchData({"UID": 7, "FLAGS": (Flag.SEEN,)})`` validates every item.
    """

    _items: dict[FetchKey, object]

    def __init__(self, items: Mapping[Any, object] | Iterable[tuple[Any, object]]) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        checked: dict[FetchKey, object] = {}
        for key, value in pairs:
            canonical = _check_key(key)
            _check_value(canonical, value)
            checked[canonical] = value
        if not checked:
            raise IMAPValueError("a FETCH response has at least one item (msg-att, RFC 9051 §9)")
        object.__setattr__(self, "_items", checked)

    # --- the mapping --------------------------------------------------------------------------

    def __getitem__(self, key: FetchKey) -> object:
        return self._items[key]

    def __iter__(self) -> Iterator[FetchKey]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FetchData):
            return NotImplemented
        return self._items == other._items

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"FetchData({self._items!r})"

    # --- typed access -------------------------------------------------------------------------

    @property
    def flags(self) -> tuple[Flag, ...] | None:
        """FLAGS, or None when absent (or bad: see :attr:`errors`)."""
        return _typed(self, "FLAGS", tuple)  # type: ignore[no-any-return]

    @property
    def uid(self) -> int | None:
        """UID."""
        return _typed(self, "UID", int)  # type: ignore[no-any-return]

    @property
    def internaldate(self) -> _dt.datetime | None:
        """INTERNALDATE."""
        return _typed(self, "INTERNALDATE", _dt.datetime)  # type: ignore[no-any-return]

    @property
    def rfc822_size(self) -> int | None:
        """RFC822.SIZE."""
        return _typed(self, "RFC822.SIZE", int)  # type: ignore[no-any-return]

    @property
    def envelope(self) -> Envelope | None:
        """ENVELOPE."""
        return _typed(self, "ENVELOPE", Envelope)  # type: ignore[no-any-return]

    @property
    def body(self) -> BodyStructure | None:
        """BODY (the non-extensible structure)."""
        return _typed(self, "BODY", _BODY_TYPES)  # type: ignore[no-any-return]

    @property
    def bodystructure(self) -> BodyStructure | None:
        """BODYSTRUCTURE."""
        return _typed(self, "BODYSTRUCTURE", _BODY_TYPES)  # type: ignore[no-any-return]

    @property
    def modseq(self) -> int | None:
        """MODSEQ (RFC 7162)."""
        return _typed(self, "MODSEQ", int)  # type: ignore[no-any-return]

    @property
    def emailid(self) -> str | None:
        """EMAILID (RFC 8474)."""
        return _typed(self, "EMAILID", str)  # type: ignore[no-any-return]

    @property
    def threadid(self) -> str | None:
        """THREADID (RFC 8474); None also when the server sent NIL (no thread id)."""
        return _typed(self, "THREADID", str)  # type: ignore[no-any-return]

    @property
    def preview(self) -> bytes | None:
        """PREVIEW (RFC 8970); None also when the server sent NIL."""
        return _typed(self, "PREVIEW", bytes)  # type: ignore[no-any-return]

    @property
    def rfc822(self) -> bytes | None:
        """RFC822 (RFC 3501)."""
        return _typed(self, "RFC822", bytes)  # type: ignore[no-any-return]

    @property
    def rfc822_header(self) -> bytes | None:
        """RFC822.HEADER (RFC 3501)."""
        return _typed(self, "RFC822.HEADER", bytes)  # type: ignore[no-any-return]

    @property
    def rfc822_text(self) -> bytes | None:
        """RFC822.TEXT (RFC 3501)."""
        return _typed(self, "RFC822.TEXT", bytes)  # type: ignore[no-any-return]

    def section(self, section: Section | str = "", origin: int | None = None) -> bytes | None:
        """The data of ``BODY[section]<origin>`` (``section`` as :meth:`Section.parse` reads
        it: ``""``, ``"HEADER"``, ``"1.2.MIME"``), or None when absent or NIL."""
        if not isinstance(section, Section):
            section = _EMPTY_SECTION if section == "" else Section.parse(section)
        value = self._items.get(_body_key(section, origin))
        return value if isinstance(value, bytes) else None

    def binary(self, part: Iterable[int] = (), origin: int | None = None) -> bytes | None:
        """The data of ``BINARY[part]<origin>``, or None."""
        value = self._items.get(_binary_key(tuple(part), origin))
        return value if isinstance(value, bytes) else None

    def binary_size(self, part: Iterable[int] = ()) -> int | None:
        """``BINARY.SIZE[part]``, or None."""
        value = self._items.get(_binary_size(tuple(part)))
        return value if isinstance(value, int) else None

    @property
    def errors(self) -> dict[FetchKey, FetchItemError]:
        """The items whose value did not follow their grammar."""
        return {k: v for k, v in self._items.items() if isinstance(v, FetchItemError)}

    @property
    def unknown(self) -> dict[str, GenericValue]:
        """The items of attributes this parser does not know, by name."""
        return {
            k: v  # type: ignore[misc]
            for k, v in self._items.items()
            if isinstance(k, str) and k not in _VALUE_READERS and not isinstance(v, FetchItemError)
        }


#: Another name for :class:`FetchData`, after the grammar's ``msg-att`` ("message attributes").
MessageAttributes = FetchData
_new = object.__new__
_set_items = FetchData.__dict__["_items"].__set__
_BODY_TYPES = (BasicBody, TextBody, MessageBody, MultipartBody)
