"""The SEARCH key tree (RFC 9051 §6.4.4): one frozen dataclass per key, combined with & | ~.

The grammar, the reading of keys, the SEARCH program and its results are in
:mod:`pymailproto.imap._search`, which re-exports everything here.

Every key is a frozen, slotted dataclass deriving from :class:`SearchKey`, named after its
keyword (``From``, ``SentBefore``, ``Unkeyword``, ``ModSeq``...); a sequence-set key is a
:class:`SequenceKey`, a parenthesised list an :class:`And`. Keys combine with ``&`` (And),
``|`` (Or) and ``~`` (Not)::

    Unseen() & From("alice") & Since(date(2024, 1, 1))    # (UNSEEN FROM "alice" SINCE 1-Jan-2024)
    Or(Flagged(), Header("X-Priority", "1"))               # OR FLAGGED HEADER X-Priority "1"
    any_of(From("a"), From("b"), From("c"))                # OR FROM "a" OR FROM "b" FROM "c"

String arguments are octets (``bytes``; a ``str`` is encoded as UTF-8). They are written as
strings -- quoted where the connection allows, a literal otherwise (8-bit without UTF-8, or a
charset other than UTF-8) -- as every RFC example does; header field names as astrings.

Depth: ``NOT``, ``OR`` and parentheses each nest one level; building a tree deeper than
:data:`MAX_SEARCH_DEPTH` raises :class:`IMAPValueError`, so no tree exists that is too deep to
compare, print or serialize (recursively), and every tree that can be built can be read back.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from pymailproto.imap._datetime import format_date
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._extension import (
    check_objectid,
)
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import DEFAULT_MAX_DEPTH
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import (
    WireOptions,
    Writer,
    check_number64,
    check_nz_number,
)

__all__ = [
    "MAX_SEARCH_DEPTH",
    "All",
    "And",
    "Answered",
    "Bcc",
    "Before",
    "Body",
    "Cc",
    "Deleted",
    "Draft",
    "EmailId",
    "EntryType",
    "Flagged",
    "From",
    "Header",
    "Keyword",
    "Larger",
    "ModSeq",
    "New",
    "Not",
    "Old",
    "Older",
    "On",
    "Or",
    "Recent",
    "SearchKey",
    "Seen",
    "SentBefore",
    "SentOn",
    "SentSince",
    "SequenceKey",
    "Since",
    "Smaller",
    "Subject",
    "Text",
    "ThreadId",
    "To",
    "Uid",
    "Unanswered",
    "Undeleted",
    "Undraft",
    "Unflagged",
    "Unkeyword",
    "Unseen",
    "Younger",
    "all_of",
    "any_of",
]

#: How deeply NOT, OR and parentheses may nest in a search key (see the module docstring).
MAX_SEARCH_DEPTH = DEFAULT_MAX_DEPTH

_DEFAULT_OPTIONS = WireOptions()
_V = TypeVar("_V")


def _new(cls: type[_V], **fields: object) -> _V:
    """A value from fields the reader already validated (the trusted path)."""
    value = object.__new__(cls)
    for name, field_value in fields.items():
        object.__setattr__(value, name, field_value)
    return value


def _octets(value: object, what: str) -> bytes:
    if isinstance(value, str):
        try:
            value = value.encode("utf-8")
        except UnicodeEncodeError:
            raise IMAPValueError(f"{what} has no UTF-8 form: {value!r}") from None
    if not isinstance(value, bytes):
        raise TypeError(f"{what} is bytes or str, not {type(value).__name__}")
    if 0 in value:
        raise IMAPValueError(f"{what} cannot hold NUL (RFC 9051 §4.3.1)")
    return value


class SearchKey:
    """A search key (RFC 9051 §6.4.4). Subclasses are the keys; see the module docstring."""

    __slots__ = ()

    @property
    def depth(self) -> int:
        """How many levels of NOT / OR / parentheses the key nests (0 for a plain key)."""
        return 0

    def write(self, writer: Writer) -> None:
        """Write the key's wire form."""
        raise NotImplementedError

    def to_bytes(self, options: WireOptions = _DEFAULT_OPTIONS) -> bytes:
        """The key's wire form, literals included (for tests and logs)."""
        writer = Writer(options)
        self.write(writer)
        return writer.to_bytes()

    def __and__(self, other: SearchKey) -> And:
        """``a & b``: both (a parenthesised list; And operands are merged, not nested)."""
        if not isinstance(other, SearchKey):
            return NotImplemented
        left = self.keys if isinstance(self, And) else (self,)
        right = other.keys if isinstance(other, And) else (other,)
        return And(left + right)

    def __or__(self, other: SearchKey) -> Or:
        """``a | b``: ``OR a b``."""
        if not isinstance(other, SearchKey):
            return NotImplemented
        return Or(self, other)

    def __invert__(self) -> Not:
        """``~a``: ``NOT a``."""
        return Not(self)


# --- keys without arguments -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Simple(SearchKey):
    _WORD: ClassVar[bytes] = b""

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD)


class All(_Simple):
    """``ALL``: all messages; the default initial key for ANDing."""

    __slots__ = ()
    _WORD = b"ALL"


class Answered(_Simple):
    """``ANSWERED``: with \\Answered."""

    __slots__ = ()
    _WORD = b"ANSWERED"


class Deleted(_Simple):
    """``DELETED``: with \\Deleted."""

    __slots__ = ()
    _WORD = b"DELETED"


class Draft(_Simple):
    """``DRAFT``: with \\Draft."""

    __slots__ = ()
    _WORD = b"DRAFT"


class Flagged(_Simple):
    """``FLAGGED``: with \\Flagged."""

    __slots__ = ()
    _WORD = b"FLAGGED"


class New(_Simple):
    """``NEW`` (RFC 3501 only): \\Recent but not \\Seen, i.e. ``(RECENT UNSEEN)``."""

    __slots__ = ()
    _WORD = b"NEW"


class Old(_Simple):
    """``OLD`` (RFC 3501 only): without \\Recent, i.e. ``NOT RECENT``."""

    __slots__ = ()
    _WORD = b"OLD"


class Recent(_Simple):
    """``RECENT`` (RFC 3501 only): with \\Recent."""

    __slots__ = ()
    _WORD = b"RECENT"


class Seen(_Simple):
    """``SEEN``: with \\Seen."""

    __slots__ = ()
    _WORD = b"SEEN"


class Unanswered(_Simple):
    """``UNANSWERED``: without \\Answered."""

    __slots__ = ()
    _WORD = b"UNANSWERED"


class Undeleted(_Simple):
    """``UNDELETED``: without \\Deleted."""

    __slots__ = ()
    _WORD = b"UNDELETED"


class Undraft(_Simple):
    """``UNDRAFT``: without \\Draft."""

    __slots__ = ()
    _WORD = b"UNDRAFT"


class Unflagged(_Simple):
    """``UNFLAGGED``: without \\Flagged."""

    __slots__ = ()
    _WORD = b"UNFLAGGED"


class Unseen(_Simple):
    """``UNSEEN``: without \\Seen."""

    __slots__ = ()
    _WORD = b"UNSEEN"


# --- string keys ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _StringKey(SearchKey):
    value: bytes
    _WORD: ClassVar[bytes] = b""

    def __init__(self, value: bytes | str) -> None:
        object.__setattr__(self, "value", _octets(value, self._WORD.decode() + "'s string"))

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD + b" ")
        writer.string(self.value)


class Bcc(_StringKey):
    """``BCC string``: in the envelope's Bcc."""

    __slots__ = ()
    _WORD = b"BCC"


class Body(_StringKey):
    """``BODY string``: in the body (not the header)."""

    __slots__ = ()
    _WORD = b"BODY"


class Cc(_StringKey):
    """``CC string``: in the envelope's Cc."""

    __slots__ = ()
    _WORD = b"CC"


class From(_StringKey):
    """``FROM string``: in the envelope's From. ``From("Smith")`` is ``FROM "Smith"``."""

    __slots__ = ()
    _WORD = b"FROM"


class Subject(_StringKey):
    """``SUBJECT string``: in the envelope's Subject."""

    __slots__ = ()
    _WORD = b"SUBJECT"


class Text(_StringKey):
    """``TEXT string``: in the header or the body."""

    __slots__ = ()
    _WORD = b"TEXT"


class To(_StringKey):
    """``TO string``: in the envelope's To."""

    __slots__ = ()
    _WORD = b"TO"


@dataclass(frozen=True, slots=True, init=False)
class Header(SearchKey):
    """``HEADER header-fld-name astring``: a header field ``field`` containing ``value`` (the
    empty string matches every message that has the field)::

        Header("Message-ID", "<1234@example.com>")
    """

    field: bytes
    value: bytes

    def __init__(self, field: bytes | str, value: bytes | str) -> None:
        object.__setattr__(self, "field", _octets(field, "HEADER's field name"))
        object.__setattr__(self, "value", _octets(value, "HEADER's string"))

    def write(self, writer: Writer) -> None:
        writer.raw(b"HEADER ")
        writer.astring(self.field)
        writer.sp()
        writer.string(self.value)


# --- date keys ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _DateKey(SearchKey):
    date: _dt.date
    _WORD: ClassVar[bytes] = b""

    def __init__(self, date: _dt.date) -> None:
        if not isinstance(date, _dt.date) or isinstance(date, _dt.datetime):
            raise IMAPValueError(
                f"{self._WORD.decode()} takes a datetime.date (no time, RFC 9051 §6.4.4): {date!r}"
            )
        object.__setattr__(self, "date", date)

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD + b" " + format_date(self.date))


class Before(_DateKey):
    """``BEFORE date``: internal date earlier than ``date``."""

    __slots__ = ()
    _WORD = b"BEFORE"


class On(_DateKey):
    """``ON date``: internal date within ``date``."""

    __slots__ = ()
    _WORD = b"ON"


class Since(_DateKey):
    """``SINCE date``: internal date within or later than ``date``."""

    __slots__ = ()
    _WORD = b"SINCE"


class SentBefore(_DateKey):
    """``SENTBEFORE date``: Date: header earlier than ``date``."""

    __slots__ = ()
    _WORD = b"SENTBEFORE"


class SentOn(_DateKey):
    """``SENTON date``: Date: header within ``date``."""

    __slots__ = ()
    _WORD = b"SENTON"


class SentSince(_DateKey):
    """``SENTSINCE date``: Date: header within or later than ``date``."""

    __slots__ = ()
    _WORD = b"SENTSINCE"


# --- number keys ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _SizeKey(SearchKey):
    size: int
    _WORD: ClassVar[bytes] = b""

    def __init__(self, size: int) -> None:
        object.__setattr__(self, "size", check_number64(size))

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD + b" %d" % self.size)


class Larger(_SizeKey):
    """``LARGER number64``: RFC822.SIZE larger than ``size`` (RFC 3501: a 32-bit number)."""

    __slots__ = ()
    _WORD = b"LARGER"


class Smaller(_SizeKey):
    """``SMALLER number64``: RFC822.SIZE smaller than ``size`` (RFC 3501: a 32-bit number)."""

    __slots__ = ()
    _WORD = b"SMALLER"


@dataclass(frozen=True, slots=True, init=False)
class _IntervalKey(SearchKey):
    seconds: int
    _WORD: ClassVar[bytes] = b""

    def __init__(self, seconds: int) -> None:
        object.__setattr__(self, "seconds", check_nz_number(seconds))

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD + b" %d" % self.seconds)


class Older(_IntervalKey):
    """``OLDER nz-number`` (RFC 5032): messages older than ``seconds``."""

    __slots__ = ()
    _WORD = b"OLDER"


class Younger(_IntervalKey):
    """``YOUNGER nz-number`` (RFC 5032): messages younger than ``seconds``."""

    __slots__ = ()
    _WORD = b"YOUNGER"


# --- flag keyword keys ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _KeywordKey(SearchKey):
    flag: Flag
    _WORD: ClassVar[bytes] = b""

    def __init__(self, flag: Flag | str) -> None:
        if isinstance(flag, str):
            flag = Flag(flag)
        if not isinstance(flag, Flag) or not flag.is_keyword:
            raise IMAPValueError(
                f"{self._WORD.decode()} takes a keyword (flag-keyword, no backslash): {flag!r}"
            )
        object.__setattr__(self, "flag", flag)

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD + b" " + self.flag.to_bytes())


class Keyword(_KeywordKey):
    """``KEYWORD flag-keyword``: with that keyword (``Keyword("$Junk")``)."""

    __slots__ = ()
    _WORD = b"KEYWORD"


class Unkeyword(_KeywordKey):
    """``UNKEYWORD flag-keyword``: without that keyword."""

    __slots__ = ()
    _WORD = b"UNKEYWORD"


# --- object ids -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _ObjectIdKey(SearchKey):
    objectid: str
    _WORD: ClassVar[bytes] = b""

    def __init__(self, objectid: str) -> None:
        object.__setattr__(self, "objectid", check_objectid(objectid))

    def write(self, writer: Writer) -> None:
        writer.raw(self._WORD + b" " + self.objectid.encode("ascii"))


class EmailId(_ObjectIdKey):
    """``EMAILID objectid`` (RFC 8474)."""

    __slots__ = ()
    _WORD = b"EMAILID"


class ThreadId(_ObjectIdKey):
    """``THREADID objectid`` (RFC 8474)."""

    __slots__ = ()
    _WORD = b"THREADID"


# --- message sets ---------------------------------------------------------------------------------


def _sequence_set(value: object) -> SequenceSet:
    if isinstance(value, str):
        return SequenceSet.parse(value)
    if not isinstance(value, SequenceSet):
        raise IMAPValueError(f"expected a SequenceSet or its text, not {value!r}")
    return value


@dataclass(frozen=True, slots=True, init=False)
class SequenceKey(SearchKey):
    """``sequence-set``: the messages with these numbers, or ``$`` (the saved result,
    RFC 9051 §6.4.4.1): ``SequenceKey("1:10")``, ``SequenceKey("$")``."""

    sequence_set: SequenceSet

    def __init__(self, sequence_set: SequenceSet | str) -> None:
        object.__setattr__(self, "sequence_set", _sequence_set(sequence_set))

    def write(self, writer: Writer) -> None:
        writer.raw(self.sequence_set.to_bytes())


@dataclass(frozen=True, slots=True, init=False)
class Uid(SearchKey):
    """``UID sequence-set``: the messages with these UIDs (``$`` allowed)."""

    sequence_set: SequenceSet

    def __init__(self, sequence_set: SequenceSet | str) -> None:
        object.__setattr__(self, "sequence_set", _sequence_set(sequence_set))

    def write(self, writer: Writer) -> None:
        writer.raw(b"UID " + self.sequence_set.to_bytes())


# --- MODSEQ (RFC 7162 §3.1.5) ---------------------------------------------------------------------


class EntryType(enum.Enum):
    """``entry-type-req`` of the MODSEQ search key (RFC 7162 §3.1.5)."""

    #: The private mod-sequence of the flag.
    PRIV = "priv"
    #: The shared mod-sequence.
    SHARED = "shared"
    #: The larger of the two.
    ALL = "all"


_ENTRY_TYPES = {entry.value.upper(): entry for entry in EntryType}
_FLAGS_PREFIX = b"/flags/"


@dataclass(frozen=True, slots=True, init=False)
class ModSeq(SearchKey):
    """``MODSEQ [entry-name entry-type-req] mod-sequence-valzer`` (RFC 7162 §3.1.5): messages
    whose mod-sequence is at least ``modseq`` -- for the metadata of one flag, if given::

        ModSeq(720162338)
        ModSeq(620162338, Flag.DRAFT, EntryType.ALL)   # MODSEQ "/flags/\\\\Draft" all 620162338
    """

    modseq: int
    entry: Flag | None
    entry_type: EntryType | None

    def __init__(
        self, modseq: int, entry: Flag | str | None = None, entry_type: EntryType | None = None
    ) -> None:
        object.__setattr__(self, "modseq", check_number64(modseq))
        if (entry is None) != (entry_type is None):
            raise IMAPValueError("MODSEQ takes both an entry name and an entry type, or neither")
        if isinstance(entry, str):
            entry = Flag(entry)
        if entry is not None and (not isinstance(entry, Flag) or entry.is_wildcard):
            raise IMAPValueError(f"MODSEQ's entry is a flag (RFC 7162 §7 attr-flag): {entry!r}")
        if entry_type is not None and not isinstance(entry_type, EntryType):
            raise IMAPValueError(f"not an EntryType: {entry_type!r}")
        object.__setattr__(self, "entry", entry)
        object.__setattr__(self, "entry_type", entry_type)

    def write(self, writer: Writer) -> None:
        writer.raw(b"MODSEQ ")
        if self.entry is not None and self.entry_type is not None:
            writer.quoted(_FLAGS_PREFIX + self.entry.to_bytes())
            writer.raw(b" " + self.entry_type.value.encode("ascii") + b" ")
        writer.raw(b"%d" % self.modseq)


# --- NOT, OR, AND ---------------------------------------------------------------------------------


def _check_key(value: object) -> SearchKey:
    if not isinstance(value, SearchKey):
        raise IMAPValueError(f"not a SearchKey: {value!r}")
    return value


def _check_depth(depth: int) -> int:
    if depth > MAX_SEARCH_DEPTH:
        raise IMAPValueError(
            f"search key nested deeper than {MAX_SEARCH_DEPTH} levels of NOT / OR / "
            "parentheses (MAX_SEARCH_DEPTH)"
        )
    return depth


@dataclass(frozen=True, slots=True, init=False)
class Not(SearchKey):
    """``NOT search-key``: messages that do not match ``key`` (``~key``)."""

    key: SearchKey
    _depth: int = field(init=False, repr=False, compare=False)

    def __init__(self, key: SearchKey) -> None:
        object.__setattr__(self, "key", _check_key(key))
        object.__setattr__(self, "_depth", _check_depth(key.depth + 1))

    @property
    def depth(self) -> int:
        return self._depth

    def write(self, writer: Writer) -> None:
        writer.raw(b"NOT ")
        self.key.write(writer)


@dataclass(frozen=True, slots=True, init=False)
class Or(SearchKey):
    """``OR search-key1 search-key2``: messages that match either (``left | right``).

    For more than two alternatives see :func:`any_of`.
    """

    left: SearchKey
    right: SearchKey
    _depth: int = field(init=False, repr=False, compare=False)

    def __init__(self, left: SearchKey, right: SearchKey) -> None:
        object.__setattr__(self, "left", _check_key(left))
        object.__setattr__(self, "right", _check_key(right))
        object.__setattr__(self, "_depth", _check_depth(max(left.depth, right.depth) + 1))

    @property
    def depth(self) -> int:
        return self._depth

    def write(self, writer: Writer) -> None:
        writer.raw(b"OR ")
        self.left.write(writer)
        writer.sp()
        self.right.write(writer)


@dataclass(frozen=True, slots=True, init=False)
class And(SearchKey):
    """``"(" search-key *(SP search-key) ")"``: messages that match every key (``a & b``)::

    And([Unseen(), From("alice")])    # (UNSEEN FROM "alice")
    """

    keys: tuple[SearchKey, ...]
    _depth: int = field(init=False, repr=False, compare=False)

    def __init__(self, keys: Iterable[SearchKey]) -> None:
        items = tuple(_check_key(key) for key in keys)
        if not items:
            raise IMAPValueError("a parenthesised search key list is not empty (RFC 9051 §9)")
        object.__setattr__(self, "keys", items)
        object.__setattr__(self, "_depth", _check_depth(max(key.depth for key in items) + 1))

    @property
    def depth(self) -> int:
        return self._depth

    def write(self, writer: Writer) -> None:
        writer.raw(b"(")
        for index, key in enumerate(self.keys):
            if index:
                writer.sp()
            key.write(writer)
        writer.raw(b")")


def any_of(*keys: SearchKey) -> SearchKey:
    """Messages matching any of ``keys``: ``OR k1 OR k2 ... kn`` (the key itself for one).

    The chain nests ``len(keys) - 1`` levels, so at most about :data:`MAX_SEARCH_DEPTH` keys.
    """
    if not keys:
        raise IMAPValueError("any_of() needs at least one key")
    result = _check_key(keys[-1])
    for key in reversed(keys[:-1]):
        result = Or(key, result)
    return result


def all_of(*keys: SearchKey) -> SearchKey:
    """Messages matching all of ``keys``: ``(k1 k2 ...)`` (the key itself for one)."""
    if not keys:
        raise IMAPValueError("all_of() needs at least one key")
    if len(keys) == 1:
        return _check_key(keys[0])
    return And(keys)
