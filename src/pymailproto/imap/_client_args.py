"""Turn the friendly arguments of the client methods into typed protocol values.

``fetch("1:*", ["FLAGS", "BODY.PEEK[HEADER]"])``, ``search("UNSEEN FROM alice")``,
``store(uids, "+", ["\\\\Seen"])``: strings are read with the codec's own grammar (so a string
that would be invalid on the wire is refused here, with the codec's error), typed values pass
through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import Message
from email.policy import SMTP

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._fetch import FetchAtt, FetchAttribute, FetchMacro, read_fetch_att
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._search import read_search_keys
from pymailproto.imap._search_keys import SearchKey
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._sort_thread import SortCriterion, SortKey
from pymailproto.imap._status import StatusAtt

__all__ = [
    "FetchItems",
    "Flags",
    "MessageIds",
    "SearchCriteria",
    "SortCriteria",
    "StatusItems",
    "fetch_items",
    "flags",
    "message_bytes",
    "message_ids",
    "search_keys",
    "sort_criteria",
    "status_items",
]

#: What ``fetch()`` accepts as items: a macro, one item, or several (typed or as text).
FetchItems = FetchMacro | FetchAtt | str | Iterable[FetchAtt | str]
#: What ``search()`` accepts: typed keys, or the text of a search program.
SearchCriteria = SearchKey | Iterable[SearchKey] | str
#: Message numbers or UIDs: a sequence set, its text (``"1:*"``), one number, or several.
MessageIds = SequenceSet | str | int | Iterable[int]
#: Flags: typed, or their text (``"\\Seen"``, ``"$Forwarded"``).
Flags = Flag | str | Iterable[Flag | str]

_MACROS = {m.value: m for m in FetchMacro}


def _reader(text: str) -> Reader:
    return Reader(text.encode("utf-8") + b"\r\n")


def _fetch_att(item: FetchAtt | str) -> FetchAtt:
    if not isinstance(item, str):
        return item
    if isinstance(item, FetchAttribute):
        return item  # a str enum: typed already
    reader = _reader(item)
    try:
        att = read_fetch_att(reader)
        reader.finish()
    except IMAPParseError as exc:
        raise IMAPValueError(f"not a FETCH item: {item!r} ({exc})") from None
    return att


def fetch_items(items: FetchItems) -> FetchMacro | list[FetchAtt]:
    """Typed fetch items from the accepted forms (RFC 9051 §6.4.5 ``fetch-att``)."""
    if isinstance(items, FetchMacro):
        return items
    if isinstance(items, str):
        macro = _MACROS.get(items.upper()) if type(items) is str else None
        if macro is not None:
            return macro
        return [_fetch_att(items)]
    if not isinstance(items, Iterable):
        return [items]
    return [_fetch_att(item) for item in items]


def search_keys(criteria: SearchCriteria) -> SearchKey | list[SearchKey]:
    """Typed search keys; a string is read as ``search-key *(SP search-key)``."""
    if isinstance(criteria, SearchKey):
        return criteria
    if isinstance(criteria, str):
        reader = _reader(criteria)
        try:
            keys = read_search_keys(reader)
            reader.finish()
        except IMAPParseError as exc:
            raise IMAPValueError(f"not SEARCH criteria: {criteria!r} ({exc})") from None
        return list(keys)
    return list(criteria)


def message_ids(ids: MessageIds) -> SequenceSet:
    """A sequence set from the accepted forms; an empty collection is refused."""
    if isinstance(ids, SequenceSet):
        return ids
    if isinstance(ids, str):
        return SequenceSet.parse(ids)
    if isinstance(ids, int):
        return SequenceSet([ids])
    numbers = list(ids)
    if not numbers:
        raise IMAPValueError("no message numbers given")
    return SequenceSet.from_ids(numbers)


def flags(value: Flags) -> list[Flag]:
    """Typed flags from the accepted forms."""
    if isinstance(value, (Flag, str)):
        value = [value]
    return [f if isinstance(f, Flag) else Flag(f) for f in value]


#: SORT criteria: typed, or text (``"SUBJECT"``, ``"REVERSE DATE"``).
SortCriteria = Iterable[SortCriterion | str] | str
#: STATUS items: typed, or their names (``"MESSAGES"``, ``"UIDNEXT"``).
StatusItems = Iterable[StatusAtt | str]


def sort_criteria(criteria: SortCriteria) -> list[SortCriterion]:
    """Typed SORT criteria (RFC 5256 §3); text is ``["REVERSE"] sort-key`` per criterion, or
    one string of several (``"REVERSE DATE SUBJECT"``)."""
    if isinstance(criteria, str):
        words = criteria.upper().split()
        items: list[SortCriterion | str] = []
        reverse = False
        for word in words:
            if word == "REVERSE":
                reverse = True
                continue
            items.append(("REVERSE " if reverse else "") + word)
            reverse = False
        if reverse or not items:
            raise IMAPValueError(f"not SORT criteria: {criteria!r}")
        criteria = items
    out: list[SortCriterion] = []
    for item in criteria:
        if isinstance(item, SortCriterion):
            out.append(item)
            continue
        prefix, _, name = item.upper().rpartition(" ")
        if prefix not in ("", "REVERSE"):
            raise IMAPValueError(f"not a SORT criterion: {item!r}")
        try:
            key = SortKey(name)
        except ValueError:
            raise IMAPValueError(f"not a SORT key: {name!r}") from None
        out.append(SortCriterion(key, reverse=prefix == "REVERSE"))
    return out


def status_items(items: StatusItems) -> list[StatusAtt]:
    """Typed STATUS items (RFC 9051 §6.3.11) from names or members."""
    out: list[StatusAtt] = []
    for item in items:
        if isinstance(item, StatusAtt):
            out.append(item)
            continue
        try:
            out.append(StatusAtt(item.upper()))
        except ValueError:
            raise IMAPValueError(f"not a STATUS item: {item!r}") from None
    return out


def message_bytes(message: Message | bytes | str) -> bytes:
    """A message's octets with CRLF line ends, as APPEND sends them (RFC 9051 §6.3.12: the
    message is RFC 5322 text, whose lines end in CRLF)."""
    if isinstance(message, Message):
        return message.as_bytes(policy=SMTP)
    if isinstance(message, str):
        message = message.encode("utf-8")
    if not isinstance(message, bytes):
        raise TypeError("a message is an email.message.Message, bytes or str")
    if b"\n" in message.replace(b"\r\n", b""):
        lines = message.replace(b"\r\n", b"\n").split(b"\n")
        message = b"\r\n".join(lines)
    return message
