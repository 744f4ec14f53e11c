"""SEARCH: the search-key tree, the SEARCH program and its results (RFC 9051 §6.4.4).

RFC 9051 §9 (RFC 3501 §9 differs as noted)::

    search          = "SEARCH" [search-return-opts]
                      SP search-program
    search-program  = ["CHARSET" SP charset SP]
                      search-key *(SP search-key)
                        ; CHARSET argument to SEARCH MUST be
                        ; registered with IANA.
    search-key      = "ALL" / "ANSWERED" / "BCC" SP astring /
                      "BEFORE" SP date / "BODY" SP astring /
                      "CC" SP astring / "DELETED" / "FLAGGED" /
                      "FROM" SP astring / "KEYWORD" SP flag-keyword /
                      "ON" SP date / "SEEN" /
                      "SINCE" SP date / "SUBJECT" SP astring /
                      "TEXT" SP astring / "TO" SP astring /
                      "UNANSWERED" / "UNDELETED" / "UNFLAGGED" /
                      "UNKEYWORD" SP flag-keyword / "UNSEEN" /
                        ; Above this line were in [IMAP2]
                      "DRAFT" / "HEADER" SP header-fld-name SP astring /
                      "LARGER" SP number64 / "NOT" SP search-key /
                      "OR" SP search-key SP search-key /
                      "SENTBEFORE" SP date / "SENTON" SP date /
                      "SENTSINCE" SP date / "SMALLER" SP number64 /
                      "UID" SP sequence-set / "UNDRAFT" / sequence-set /
                      "(" search-key *(SP search-key) ")"
    search-return-opts = SP "RETURN" SP "(" [search-return-opt
                         *(SP search-return-opt)] ")"
    search-return-opt  = "MIN" / "MAX" / "ALL" / "COUNT" /
                         "SAVE" /
                         search-ret-opt-ext
    search-ret-opt-ext = search-modifier-name [SP search-mod-params]
    search-modifier-name = tagged-ext-label
    search-mod-params  = tagged-ext-val
    esearch-response   = "ESEARCH" [search-correlator] [SP "UID"]
                         *(SP search-return-data)
    search-correlator  = SP "(" "TAG" SP tag-string ")"
    search-return-data = "MIN" SP nz-number /
                         "MAX" SP nz-number /
                         "ALL" SP sequence-set /
                         "COUNT" SP number /
                         search-ret-data-ext
                         ; Note that "$" marker is not allowed
                         ; after the ALL return data item.
    search-ret-data-ext = search-modifier-name SP search-return-value
    search-return-value = tagged-ext-val
    obsolete-search-response = "SEARCH" *(SP nz-number)

RFC 3501 §9 adds ``"NEW" / "OLD" / "RECENT"``, has ``number`` (32-bit) for LARGER/SMALLER and
``[SP "CHARSET" SP astring]``. Extensions:

* RFC 7162 §7 (CONDSTORE)::

      search-modsequence  = "MODSEQ" [search-modseq-ext] SP
                            mod-sequence-valzer
      search-modseq-ext   = SP entry-name SP entry-type-req
      entry-name          = entry-flag-name
      entry-flag-name     = DQUOTE "/flags/" attr-flag DQUOTE
      entry-type-resp     = "priv" / "shared"
      entry-type-req      = entry-type-resp / "all"
      mailbox-data        =/ "SEARCH" [1*(SP nz-number) SP
                             search-sort-mod-seq]
      search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"

  and RFC 4731 §4: ``search-return-data =/ "MODSEQ" SP mod-sequence-value``;
* RFC 5032 (WITHIN; not on disk, the rule as the issue gives it): ``search-key =/ "OLDER" SP
  nz-number / "YOUNGER" SP nz-number`` (seconds);
* RFC 8474 (OBJECTID; not on disk, the rule as the issue gives it): ``search-key =/ "EMAILID"
  SP objectid / "THREADID" SP objectid``.

The tree
--------
Every key is a frozen, slotted dataclass deriving from :class:`SearchKey`, named after its
keyword (``From``, ``SentBefore``, ``Unkeyword``, ``ModSeq``...); a sequence-set key is a
:class:`SequenceKey`, a parenthesised list an :class:`And`. Keys combine with ``&`` (And),
``|`` (Or) and ``~`` (Not)::

    Unseen() & From("alice") & Since(date(2024, 1, 1))    # (UNSEEN FROM "alice" SINCE 1-Jan-2024)
    Or(Flagged(), Header("X-Priority", "1"))               # OR FLAGGED HEADER X-Priority "1"
    any_of(From("a"), From("b"), From("c"))                # OR FROM "a" OR FROM "b" FROM "c"
    SearchProgram([Deleted(), From("Smith")], returns=[SearchReturnOption.COUNT])

String arguments are octets (``bytes``; a ``str`` is encoded as UTF-8). They are written as
strings -- quoted where the connection allows, a literal otherwise (8-bit without UTF-8, or a
charset other than UTF-8) -- as every RFC example does; header field names as astrings.

Depth: ``NOT``, ``OR`` and parentheses each nest one level. Reading counts them against the
reader's ``max_depth`` (parentheses through :meth:`Reader.open_list`) and also against
:data:`MAX_SEARCH_DEPTH`; building a tree deeper than :data:`MAX_SEARCH_DEPTH` raises
:class:`IMAPValueError`. So no tree exists that is too deep to compare, print or serialize
(recursively), and every tree that can be built can be read back by a default reader.

Charset: a :class:`SearchProgram` carries the CHARSET name; the strings are kept as the octets
they are in that charset. RFC 9051 §6.4.4: servers MUST support US-ASCII and UTF-8 and MAY
support others (answering NO [BADCHARSET] otherwise); RFC 6855 §3: after ENABLE UTF8=ACCEPT a
client MUST NOT send CHARSET. Those rules depend on the session and are the connection's to
apply; the codec accepts any charset name.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto.imap._codes import check_charset, read_charset, write_charset
from pymailproto.imap._datetime import read_date
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._extension import (
    TaggedExtVal,
    check_tagged_ext_val,
    read_objectid,
    read_tagged_ext_val,
    write_tagged_ext_val,
)
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._search_keys import (
    _DEFAULT_OPTIONS,
    _ENTRY_TYPES,
    _FLAGS_PREFIX,
    MAX_SEARCH_DEPTH,
    All,
    And,
    Answered,
    Bcc,
    Before,
    Body,
    Cc,
    Deleted,
    Draft,
    EmailId,
    EntryType,
    Flagged,
    From,
    Header,
    Keyword,
    Larger,
    ModSeq,
    New,
    Not,
    Old,
    Older,
    On,
    Or,
    Recent,
    SearchKey,
    Seen,
    SentBefore,
    SentOn,
    SentSince,
    SequenceKey,
    Since,
    Smaller,
    Subject,
    Text,
    ThreadId,
    To,
    Uid,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword,
    Unseen,
    Younger,
    _check_key,
    _DateKey,
    _IntervalKey,
    _KeywordKey,
    _new,
    _ObjectIdKey,
    _sequence_set,
    _Simple,
    _SizeKey,
    _StringKey,
    all_of,
    any_of,
)
from pymailproto.imap._sequence import SequenceSet, read_sequence_set
from pymailproto.imap._values import (
    WireOptions,
    Writer,
    check_number,
    check_nz_number,
    check_nz_number64,
    check_tag,
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
    "ESearchResponse",
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
    "SearchProgram",
    "SearchResponse",
    "SearchReturn",
    "SearchReturnExtension",
    "SearchReturnOption",
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
    "read_esearch_response",
    "read_search_key",
    "read_search_keys",
    "read_search_program",
    "read_search_response",
]

# --- reading keys ---------------------------------------------------------------------------------

_SIMPLE: dict[str, type[_Simple]] = {
    cls._WORD.decode(): cls
    for cls in (
        All, Answered, Deleted, Draft, Flagged, New, Old, Recent, Seen,
        Unanswered, Undeleted, Undraft, Unflagged, Unseen,
    )
}  # fmt: skip
_STRINGS: dict[str, type[_StringKey]] = {
    cls._WORD.decode(): cls for cls in (Bcc, Body, Cc, From, Subject, Text, To)
}
_DATES: dict[str, type[_DateKey]] = {
    cls._WORD.decode(): cls for cls in (Before, On, Since, SentBefore, SentOn, SentSince)
}
_SIZES: dict[str, type[_SizeKey]] = {cls._WORD.decode(): cls for cls in (Larger, Smaller)}
_INTERVALS: dict[str, type[_IntervalKey]] = {cls._WORD.decode(): cls for cls in (Older, Younger)}
_KEYWORDS: dict[str, type[_KeywordKey]] = {cls._WORD.decode(): cls for cls in (Keyword, Unkeyword)}
_OBJECTIDS: dict[str, type[_ObjectIdKey]] = {cls._WORD.decode(): cls for cls in (EmailId, ThreadId)}
_SEQUENCE_START = frozenset(b"0123456789*$")


def _check_level(reader: Reader, pos: int, level: int) -> None:
    if level >= MAX_SEARCH_DEPTH:
        raise reader.fail(f"search keys nested deeper than {MAX_SEARCH_DEPTH}", pos)


def _enter(reader: Reader, pos: int, level: int) -> None:
    """One more level of NOT / OR nesting, counted like parentheses against the reader's
    ``max_depth`` (RFC-free: a guard against hostile nesting) and MAX_SEARCH_DEPTH."""
    _check_level(reader, pos, level)
    if reader.depth >= reader.max_depth:
        raise reader.fail(f"search keys nested deeper than {reader.max_depth}", pos)
    reader.depth += 1


def _read_modseq(reader: Reader) -> ModSeq:
    entry = entry_type = None
    if reader.peek() == 0x22:
        pos = reader.pos
        name = reader.read_quoted()
        if name[:7].lower() != _FLAGS_PREFIX:
            reader.pos = pos
            raise reader.error('entry-name ("/flags/" attr-flag, RFC 7162 §7)', pos)
        try:
            entry = Flag(name[7:].decode("ascii"))
        except (UnicodeDecodeError, IMAPValueError):
            entry = None
        if entry is None or entry.is_wildcard:
            reader.pos = pos
            raise reader.error("attr-flag after /flags/ (RFC 7162 §7)", pos + 8)
        reader.expect_sp()
        type_pos = reader.pos
        entry_type = _ENTRY_TYPES.get(reader.read_keyword())
        if entry_type is None:
            reader.pos = type_pos
            raise reader.error('entry-type-req ("priv" / "shared" / "all")', type_pos)
        reader.expect_sp()
    modseq = reader.read_mod_sequence_valzer()
    return _new(ModSeq, modseq=modseq, entry=entry, entry_type=entry_type)


def _read_key(reader: Reader, level: int) -> SearchKey:
    pos = reader.pos
    octet = reader.peek()
    if octet == 0x28:  # "("
        _check_level(reader, pos, level)
        reader.open_list()
        keys = [_read_key(reader, level + 1)]
        while reader.skip_sp():
            keys.append(_read_key(reader, level + 1))
        reader.close_list()
        depth = max(key.depth for key in keys) + 1
        return _new(And, keys=tuple(keys), _depth=depth)
    if octet in _SEQUENCE_START:
        return _new(SequenceKey, sequence_set=read_sequence_set(reader))
    if octet < 0 or octet not in _WORD_START:
        raise reader.error("search key")
    word = reader.read_keyword()
    simple = _SIMPLE.get(word)
    if simple is not None:
        return simple()
    if word == "NOT":
        _enter(reader, pos, level)
        reader.expect_sp()
        key = _read_key(reader, level + 1)
        reader.depth -= 1
        return _new(Not, key=key, _depth=key.depth + 1)
    if word == "OR":
        _enter(reader, pos, level)
        reader.expect_sp()
        left = _read_key(reader, level + 1)
        reader.expect_sp()
        right = _read_key(reader, level + 1)
        reader.depth -= 1
        return _new(Or, left=left, right=right, _depth=max(left.depth, right.depth) + 1)
    string = _STRINGS.get(word)
    if string is not None:
        reader.expect_sp()
        return _new(string, value=reader.read_astring())
    date = _DATES.get(word)
    if date is not None:
        reader.expect_sp()
        return _new(date, date=read_date(reader))
    if word == "UID":
        reader.expect_sp()
        return _new(Uid, sequence_set=read_sequence_set(reader))
    if word == "HEADER":
        reader.expect_sp()
        name = reader.read_astring()
        reader.expect_sp()
        return _new(Header, field=name, value=reader.read_astring())
    size = _SIZES.get(word)
    if size is not None:
        reader.expect_sp()
        return _new(size, size=reader.read_number64())
    keyword = _KEYWORDS.get(word)
    if keyword is not None:
        reader.expect_sp()
        return _new(keyword, flag=Flag(reader.read_atom()))
    if word == "MODSEQ":
        reader.expect_sp()
        return _read_modseq(reader)
    interval = _INTERVALS.get(word)
    if interval is not None:
        reader.expect_sp()
        return _new(interval, seconds=reader.read_nz_number())
    objectid = _OBJECTIDS.get(word)
    if objectid is not None:
        reader.expect_sp()
        return _new(objectid, objectid=read_objectid(reader))
    reader.pos = pos
    raise reader.error("search key", pos)


_WORD_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-")


def read_search_key(reader: Reader) -> SearchKey:
    """One ``search-key`` (with the extensions in the module docstring).

    Nesting is bounded by the reader's ``max_depth`` and by :data:`MAX_SEARCH_DEPTH`.
    """
    return _read_key(reader, 0)


def read_search_keys(reader: Reader) -> tuple[SearchKey, ...]:
    """``search-key *(SP search-key)`` -- the criteria, ANDed."""
    keys = [_read_key(reader, 0)]
    while reader.skip_sp():
        keys.append(_read_key(reader, 0))
    return tuple(keys)


# --- the SEARCH program ---------------------------------------------------------------------------


class SearchReturnOption(enum.Enum):
    """ESEARCH result options of RFC 9051 §6.4.4 / RFC 4731 §3.1 (``RETURN (MIN COUNT)``)."""

    #: The lowest matching number / UID.
    MIN = "MIN"
    #: The highest matching number / UID.
    MAX = "MAX"
    #: All matches, as a sequence-set.
    ALL = "ALL"
    #: How many match.
    COUNT = "COUNT"
    #: Save the result for ``$`` (RFC 9051 §6.4.4.1).
    SAVE = "SAVE"


_RETURN_OPTIONS = {option.value: option for option in SearchReturnOption}


def _check_label(name: object, what: str) -> str:
    """``tagged-ext-label`` (RFC 9051 §9), returned upper-case."""
    if not isinstance(name, str):
        raise IMAPValueError(f"{what} is a str, not {type(name).__name__}")
    reader = Reader(name.encode("utf-8", "replace"))
    try:
        label = reader.read_keyword()
    except IMAPParseError:
        label = ""
    if not reader.at_end() or not label:
        raise IMAPValueError(f"{what} is a tagged-ext-label (RFC 9051 §9): {name!r}")
    return label


@dataclass(frozen=True, slots=True, init=False)
class SearchReturnExtension:
    """Another result option: ``search-modifier-name [SP search-mod-params]`` (RFC 9051 §9),
    e.g. ``PARTIAL 1:100`` of a later extension. The name is kept upper-case."""

    name: str
    value: TaggedExtVal | None

    def __init__(self, name: str, value: TaggedExtVal | None = None) -> None:
        label = _check_label(name, "a search return option name")
        if label in _RETURN_OPTIONS:
            raise IMAPValueError(f"{label} is a SearchReturnOption")
        object.__setattr__(self, "name", label)
        object.__setattr__(self, "value", None if value is None else check_tagged_ext_val(value))


#: A result option of SEARCH.
SearchReturn: TypeAlias = SearchReturnOption | SearchReturnExtension


@dataclass(frozen=True, slots=True, init=False)
class SearchProgram:
    """What follows ``SEARCH SP`` (or ``UID SEARCH SP``): optional ``RETURN (...)`` result
    options, an optional ``CHARSET``, and the keys, which are ANDed::

        SearchProgram([Flagged(), Since(date(1994, 2, 1)), Not(From("Smith"))],
                      returns=[SearchReturnOption.MIN, SearchReturnOption.COUNT])
        # RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"

    ``returns``: None for no RETURN (RFC 3501 clients get a SEARCH response), a tuple --
    maybe empty, ``RETURN ()`` meaning ALL -- for an ESEARCH response. ``charset``: the
    charset of the keys' strings (see the module docstring), written as given.
    """

    keys: tuple[SearchKey, ...]
    charset: str | None
    returns: tuple[SearchReturn, ...] | None

    def __init__(
        self,
        keys: SearchKey | Iterable[SearchKey],
        *,
        charset: str | None = None,
        returns: Iterable[SearchReturn] | None = None,
    ) -> None:
        items = (keys,) if isinstance(keys, SearchKey) else tuple(keys)
        if not items:
            raise IMAPValueError("SEARCH needs at least one search key (RFC 9051 §9)")
        for key in items:
            _check_key(key)
        object.__setattr__(self, "keys", items)
        object.__setattr__(self, "charset", None if charset is None else check_charset(charset))
        ret = None
        if returns is not None:
            ret = tuple(returns)
            for option in ret:
                if not isinstance(option, (SearchReturnOption, SearchReturnExtension)):
                    raise IMAPValueError(f"not a search return option: {option!r}")
        object.__setattr__(self, "returns", ret)

    def write(self, writer: Writer) -> None:
        """``[RETURN (...) SP] [CHARSET charset SP] search-key *(SP search-key)``."""
        if self.returns is not None:
            writer.raw(b"RETURN (")
            for index, option in enumerate(self.returns):
                if index:
                    writer.sp()
                if isinstance(option, SearchReturnOption):
                    writer.raw(option.value.encode("ascii"))
                else:
                    writer.raw(option.name.encode("ascii"))
                    if option.value is not None:
                        writer.sp()
                        write_tagged_ext_val(writer, option.value)
            writer.raw(b") ")
        if self.charset is not None:
            writer.raw(b"CHARSET ")
            write_charset(writer, self.charset)
            writer.sp()
        for index, key in enumerate(self.keys):
            if index:
                writer.sp()
            key.write(writer)

    def to_bytes(self, options: WireOptions = _DEFAULT_OPTIONS) -> bytes:
        """The wire form, literals included (for tests and logs)."""
        writer = Writer(options)
        self.write(writer)
        return writer.to_bytes()


_PARAM_START = frozenset(b"0123456789*$(")


def _read_return_option(reader: Reader) -> SearchReturn:
    name = reader.read_keyword()
    option = _RETURN_OPTIONS.get(name)
    if option is not None:
        return option
    value = None
    after = reader.pos + 1
    if reader.at(b" ") and after < reader.end and reader.buf[after] in _PARAM_START:
        reader.pos = after
        value = read_tagged_ext_val(reader)  # never a string: none starts that way
    return _new(SearchReturnExtension, name=name, value=value)


def read_search_program(reader: Reader) -> SearchProgram:
    """The arguments of SEARCH, from after ``SEARCH SP`` to before the CRLF: ``[RETURN (...)
    SP] [CHARSET charset SP] search-key *(SP search-key)`` (RFC 9051 §9 ``search``)."""
    returns = None
    if reader.skip_keyword(b"RETURN"):
        reader.expect_sp()
        returns = tuple(reader.read_list(_read_return_option))
        reader.expect_sp()
    charset = None
    if reader.skip_keyword(b"CHARSET"):
        reader.expect_sp()
        charset = read_charset(reader)
        reader.expect_sp()
    keys = read_search_keys(reader)
    return _new(SearchProgram, keys=keys, charset=charset, returns=returns)


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class SearchResponse:
    """The IMAP4rev1 ``SEARCH`` response (RFC 3501 §7.2.5; RFC 9051's
    ``obsolete-search-response``), with RFC 7162's ``(MODSEQ n)`` after a non-empty result::

        SearchResponse([2, 84, 882])          # SEARCH 2 84 882
        SearchResponse([2, 5], modseq=917)    # SEARCH 2 5 (MODSEQ 917)
    """

    numbers: tuple[int, ...]
    modseq: int | None

    def __init__(self, numbers: Iterable[int] = (), *, modseq: int | None = None) -> None:
        items = tuple(check_nz_number(number) for number in numbers)
        if modseq is not None:
            check_nz_number64(modseq)
            if not items:
                raise IMAPValueError("(MODSEQ n) follows a non-empty result only (RFC 7162 §7)")
        object.__setattr__(self, "numbers", items)
        object.__setattr__(self, "modseq", modseq)

    def write(self, writer: Writer) -> None:
        """``"SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"]``."""
        writer.raw(b"SEARCH")
        if self.numbers:
            writer.raw(b" " + b" ".join(b"%d" % number for number in self.numbers))
        if self.modseq is not None:
            writer.raw(b" (MODSEQ %d)" % self.modseq)


def read_search_response(reader: Reader) -> SearchResponse:
    """``"SEARCH" [1*(SP nz-number) [SP search-sort-mod-seq]]`` (RFC 3501 §9, RFC 7162 §7)."""
    reader.expect_keyword(b"SEARCH")
    numbers: list[int] = []
    modseq = None
    while reader.skip_sp():
        if reader.peek() == 0x28 and numbers:
            reader.open_list()
            reader.expect_keyword(b"MODSEQ")
            reader.expect_sp()
            modseq = reader.read_mod_sequence_value()
            reader.close_list()
            break
        numbers.append(reader.read_nz_number())
    return _new(SearchResponse, numbers=tuple(numbers), modseq=modseq)


# The fields, and "UID", which would be read as the UID indicator when first.
_ESEARCH_KNOWN = ("MIN", "MAX", "COUNT", "ALL", "MODSEQ", "UID")


@dataclass(frozen=True, slots=True, init=False)
class ESearchResponse:
    """The ``ESEARCH`` response (RFC 9051 §7.3.4, RFC 4731)::

        ESearchResponse(tag="A282", min=2, count=3)   # ESEARCH (TAG "A282") MIN 2 COUNT 3

    ``tag``: the correlator (None: unsolicited). ``uid``: the numbers are UIDs. ``all``: a
    sequence-set (not ``$``). ``modseq``: RFC 4731 §3.2 / RFC 7162 §3.1.10. ``extensions``:
    other return data as ``(NAME, tagged-ext-val)``. Items are written MIN, MAX, COUNT, ALL,
    MODSEQ, then the extensions (their order carries no meaning, RFC 9051 §7.3.4).
    """

    tag: str | None
    uid: bool
    min: int | None
    max: int | None
    count: int | None
    all: SequenceSet | None
    modseq: int | None
    extensions: tuple[tuple[str, TaggedExtVal], ...]

    def __init__(
        self,
        *,
        tag: str | None = None,
        uid: bool = False,
        min: int | None = None,
        max: int | None = None,
        count: int | None = None,
        all: SequenceSet | str | None = None,
        modseq: int | None = None,
        extensions: Iterable[tuple[str, TaggedExtVal]] = (),
    ) -> None:
        object.__setattr__(self, "tag", None if tag is None else check_tag(tag))
        object.__setattr__(self, "uid", bool(uid))
        object.__setattr__(self, "min", None if min is None else check_nz_number(min))
        object.__setattr__(self, "max", None if max is None else check_nz_number(max))
        object.__setattr__(self, "count", None if count is None else check_number(count))
        if all is not None:
            all = _sequence_set(all)
            if all.is_search_result:
                raise IMAPValueError('"$" is not allowed after ALL (RFC 9051 §9)')
        object.__setattr__(self, "all", all)
        object.__setattr__(self, "modseq", None if modseq is None else check_nz_number64(modseq))
        ext = []
        for name, value in extensions:
            label = _check_label(name, "an ESEARCH return data name")
            if label in _ESEARCH_KNOWN:
                raise IMAPValueError(f"{label} is not an ESEARCH extension name")
            ext.append((label, check_tagged_ext_val(value)))
        object.__setattr__(self, "extensions", tuple(ext))

    def write(self, writer: Writer) -> None:
        """``"ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)``; the tag as
        a quoted string, as in every RFC example."""
        writer.raw(b"ESEARCH")
        if self.tag is not None:
            writer.raw(b" (TAG ")
            writer.quoted(self.tag)  # check_tag: no quoted-specials to escape
            writer.raw(b")")
        if self.uid:
            writer.raw(b" UID")
        if self.min is not None:
            writer.raw(b" MIN %d" % self.min)
        if self.max is not None:
            writer.raw(b" MAX %d" % self.max)
        if self.count is not None:
            writer.raw(b" COUNT %d" % self.count)
        if self.all is not None:
            writer.raw(b" ALL " + self.all.to_bytes())
        if self.modseq is not None:
            writer.raw(b" MODSEQ %d" % self.modseq)
        for name, value in self.extensions:
            writer.raw(b" " + name.encode("ascii") + b" ")
            write_tagged_ext_val(writer, value)


def read_esearch_response(reader: Reader) -> ESearchResponse:
    """``esearch-response`` (RFC 9051 §9, RFC 4731 §4), from the ``ESEARCH`` keyword.

    A known return item given twice is an error (the model holds one value for each).
    """
    reader.expect_keyword(b"ESEARCH")
    tag = None
    if reader.at(b" ("):
        reader.pos += 1
        reader.open_list()
        reader.expect_keyword(b"TAG")
        reader.expect_sp()
        pos = reader.pos
        raw = reader.read_astring()
        try:
            tag = check_tag(raw.decode("ascii"))
        except (UnicodeDecodeError, IMAPValueError):
            reader.pos = pos
            raise reader.error("tag-string (a command tag)", pos) from None
        reader.close_list()
    uid = False
    if reader.at(b" "):
        reader.pos += 1
        uid = reader.skip_keyword(b"UID")
        if not uid:
            reader.pos -= 1
    fields: dict[str, object] = {}
    extensions: list[tuple[str, TaggedExtVal]] = []
    while reader.skip_sp():
        pos = reader.pos
        name = reader.read_keyword()
        reader.expect_sp()
        if name in fields:
            raise reader.fail(f"ESEARCH return data {name} given twice", pos)
        if name in ("MIN", "MAX"):
            fields[name] = reader.read_nz_number()
        elif name == "COUNT":
            fields[name] = reader.read_number()
        elif name == "ALL":
            set_pos = reader.pos
            value = read_sequence_set(reader)
            if value.is_search_result:
                raise reader.error('sequence-set ("$" is not allowed after ALL)', set_pos)
            fields[name] = value
        elif name == "MODSEQ":
            fields[name] = reader.read_mod_sequence_value()
        else:
            extensions.append((name, read_tagged_ext_val(reader)))
    return _new(
        ESearchResponse,
        tag=tag,
        uid=uid,
        min=fields.get("MIN"),
        max=fields.get("MAX"),
        count=fields.get("COUNT"),
        all=fields.get("ALL"),
        modseq=fields.get("MODSEQ"),
        extensions=tuple(extensions),
    )
