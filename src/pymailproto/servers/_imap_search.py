"""SEARCH evaluation: which messages of the selected mailbox match a search-key tree.

A SEARCH is compiled once -- needles case-folded, dates and sequence sets resolved, the keys
of every AND / OR put cheapest first -- into a small decision graph: each node holds one
leaf test and the node to go to when it holds or not, so NOT costs nothing, AND / OR
short-circuit, and running it is a loop, not a recursion (a 1,000-deep NOT / OR chain is
fine). Then the graph runs over the messages::

    matcher = compile_search(program.keys, context, charset=program.charset)
    found = matcher.filter(messages)                 # or search(program, messages, context)
    esearch_response(found, program.returns, tag=tag, uid=is_uid,
                     modseq=matcher.uses_modseq)

Messages are anything that implements :class:`SearchableMessage`; the session decodes header
and body text only when a key asks for it (flag, date, size, number and set keys never do).

The RFC rules as implemented (RFC 9051 §6.4.4 unless noted):

* String keys match when the string is a substring of the text; the comparison folds case
  (``str.casefold``, beyond the ASCII the RFC requires). The empty string is a substring of
  anything, so ``HEADER name ""`` matches exactly the messages that have the field.
  FROM / TO / CC / BCC / SUBJECT search their header fields' decoded values; a message
  without the field does not match.
* BEFORE / ON / SINCE compare the date part of the internal date *in its own zone*
  ("disregarding time and timezone"): 23:30 -1200 on the 1st is ON the 1st. SENT* do the
  same with the Date: field's date as the sender wrote it; a message without a usable Date:
  matches no SENT* key (NOT SENTBEFORE matches it).
* ``*`` in a sequence set is the number of messages; in UID sets the UID of the last message
  (RFC 9051 §9 seq-number). Ranges hold whatever order they are written in (``4:2``).
* ``$`` is the saved result (RFC 9051 §6.4.4.1, RFC 5182), kept as UIDs so that it means
  the same messages in SEARCH and UID SEARCH, as a sequence set or after UID, and an
  expunged message drops out by itself. An empty ``$`` matches nothing and is no error.
* NEW is RECENT UNSEEN, OLD is NOT RECENT (RFC 3501 §6.4.4).
* OLDER n / YOUNGER n (RFC 5032 §3): internal date before / at or after ``now - n seconds``.
* MODSEQ n (RFC 7162 §3.1.5): modseq >= n; the entry name and type are ignored since the
  store keeps one mod-sequence per message, as the RFC requires then.
* EMAILID / THREADID (RFC 8474): equality; no message matches where the store has no ids.
"""

from __future__ import annotations

import codecs
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Protocol, TypeAlias, TypeVar

from pymailproto.imap import (
    ESearchResponse,
    SearchKey,
    SearchProgram,
    SearchResponse,
    SearchReturnOption,
    SequenceSet,
)
from pymailproto.imap.search import (
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
)

__all__ = [
    "Matcher",
    "SearchContext",
    "SearchableMessage",
    "UnknownCharsetError",
    "compile_search",
    "esearch_response",
    "highest_modseq",
    "matches",
    "saved_uids",
    "search",
    "search_response",
    "uses_modseq",
]


class SearchableMessage(Protocol):
    """What SEARCH needs to know about one message; the session supplies it, lazily.

    ``flags``: the stored flags; system flags in their RFC spelling (``\\Seen``, as the
    mailstore keeps them), keywords in any case. ``internal_date``: timezone-aware.
    ``email_id`` / ``thread_id``: RFC 8474 ids, None where the store has none. The methods
    may be expensive (parsing, RFC 2047 / transfer decoding) and are called only for keys
    that need them; a compiled search folds their results once per message.
    """

    @property
    def seq(self) -> int:
        """The message sequence number in this session."""

    @property
    def uid(self) -> int:
        """The UID."""

    @property
    def flags(self) -> Collection[str]:
        """The flags set (``\\Recent`` is :attr:`recent`, not here)."""

    @property
    def recent(self) -> bool:
        """Whether this session sees the message as \\Recent (RFC 3501 §2.3.2)."""

    @property
    def internal_date(self) -> datetime:
        """The internal date, timezone-aware (RFC 9051 §2.3.3)."""

    @property
    def size(self) -> int:
        """RFC822.SIZE in octets."""

    @property
    def modseq(self) -> int:
        """The mod-sequence (RFC 7162 §3.1)."""

    @property
    def email_id(self) -> str | None:
        """The EMAILID (RFC 8474), or None."""

    @property
    def thread_id(self) -> str | None:
        """The THREADID (RFC 8474), or None."""

    def header_values(self, name: str) -> Sequence[str]:
        """Every value of the header field ``name`` (matched without regard to case),
        unfolded and RFC 2047-decoded, in order; empty when the field is absent."""

    def header_block(self) -> str:
        """The whole header, decoded (for TEXT)."""

    def body_text(self) -> str:
        """The body's text: text parts transfer-decoded to str (for BODY and TEXT)."""

    def sent_date(self) -> date | None:
        """The date of the Date: field in the sender's own zone, or None if absent/broken."""


M = TypeVar("M", bound=SearchableMessage)


class UnknownCharsetError(LookupError):
    """The CHARSET of a SEARCH cannot be decoded here: answer ``NO [BADCHARSET]``
    (RFC 9051 §6.4.4)."""


@dataclass(frozen=True, slots=True)
class SearchContext:
    """The mailbox facts a SEARCH depends on besides the messages.

    ``message_count``: the number of messages (``*`` in sequence sets). ``max_uid``: the UID
    of the last message, or UIDNEXT in an empty mailbox (``*`` in UID sets, RFC 9051 §9).
    ``now``: the aware current time for OLDER / YOUNGER (the session's clock). ``saved``: the
    search result variable as UIDs (``$``, RFC 9051 §6.4.4.1; empty after SELECT).
    """

    message_count: int
    max_uid: int
    now: datetime
    saved: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.now.utcoffset() is None:
            raise ValueError("SearchContext.now must be timezone-aware")

    @classmethod
    def for_messages(
        cls,
        messages: Sequence[SearchableMessage],
        *,
        uidnext: int,
        now: datetime,
        saved: frozenset[int] = frozenset(),
    ) -> SearchContext:
        """The context of a mailbox holding ``messages`` in sequence order."""
        max_uid = messages[-1].uid if messages else uidnext
        return cls(len(messages), max_uid, now, saved)


# --- compiling ------------------------------------------------------------------------------------

_Test: TypeAlias = Callable[[SearchableMessage], bool]
# A compiled leaf: a constant, or a test and whether the key is its negation.
_Leaf: TypeAlias = bool | tuple[_Test, bool]
_YES = -1
_NO = -2
# Cost classes, cheapest first: a field of the message, one header field, the whole text.
_FIELD, _HEADER_FIELD, _TEXT = range(3)
_SEEN, _ANSWERED, _DELETED, _DRAFT, _FLAGGED = (
    "\\Seen", "\\Answered", "\\Deleted", "\\Draft", "\\Flagged",
)  # fmt: skip
# Keys without arguments: (system flag or None for \Recent, is the negation).
_FLAG_KEYS: dict[type[SearchKey], tuple[str | None, bool]] = {
    Seen: (_SEEN, False), Unseen: (_SEEN, True),
    Answered: (_ANSWERED, False), Unanswered: (_ANSWERED, True),
    Deleted: (_DELETED, False), Undeleted: (_DELETED, True),
    Draft: (_DRAFT, False), Undraft: (_DRAFT, True),
    Flagged: (_FLAGGED, False), Unflagged: (_FLAGGED, True),
    Recent: (None, False), Old: (None, True),
}  # fmt: skip
_ADDRESS_KEYS: dict[type[SearchKey], str] = {
    From: "From", To: "To", Cc: "Cc", Bcc: "Bcc", Subject: "Subject",
}  # fmt: skip
_COSTS: dict[type[SearchKey], int] = {
    **dict.fromkeys(_ADDRESS_KEYS, _HEADER_FIELD),
    Header: _HEADER_FIELD,
    SentBefore: _HEADER_FIELD,
    SentOn: _HEADER_FIELD,
    SentSince: _HEADER_FIELD,
    Text: _TEXT,
    Body: _TEXT,
}
_GET_SEQ = attrgetter("seq")
_GET_UID = attrgetter("uid")
# A frame of the compiler's stack: (key, keys, index, is_and, yes, no). It compiles one key
# (key set), or continues a list (key None): ``keys`` in evaluation order, ``index`` the next
# one to compile, right to left, so that each key's successor is known when it is compiled.
_Frame: TypeAlias = tuple[SearchKey | None, Sequence[SearchKey], int, bool, int, int]


def _children(key: SearchKey) -> tuple[SearchKey, ...]:
    if isinstance(key, And):
        return key.keys
    if isinstance(key, Or):
        return (key.left, key.right)
    if isinstance(key, Not):
        return (key.key,)
    return ()


def _roots(keys: SearchProgram | SearchKey | Iterable[SearchKey]) -> tuple[SearchKey, ...]:
    if isinstance(keys, SearchProgram):
        return keys.keys
    if isinstance(keys, SearchKey):
        return (keys,)
    roots = tuple(keys)
    for key in roots:
        if not isinstance(key, SearchKey):
            raise TypeError(f"not a SearchKey: {key!r}")
    return roots


def _walk(roots: Iterable[SearchKey]) -> Iterable[SearchKey]:
    """Every key of the trees, without recursion."""
    stack = list(roots)
    while stack:
        key = stack.pop()
        yield key
        stack.extend(_children(key))


def uses_modseq(keys: SearchProgram | SearchKey | Iterable[SearchKey]) -> bool:
    """Whether a MODSEQ key occurs anywhere (even under NOT): then SEARCH reports the highest
    mod-sequence of its result (RFC 7162 §3.1.5, §3.1.10)."""
    return any(isinstance(key, ModSeq) for key in _walk(_roots(keys)))


def _costs(roots: Sequence[SearchKey]) -> dict[int, int]:
    """The cost class of every key, by ``id`` (trees are never hashed: that would recurse)."""
    costs: dict[int, int] = {}
    stack = [(key, False) for key in roots]
    while stack:
        key, children_done = stack.pop()
        children = _children(key)
        if not children:
            costs[id(key)] = _COSTS.get(type(key), _FIELD)
        elif children_done:
            costs[id(key)] = max(costs[id(child)] for child in children)
        else:
            stack.append((key, True))
            stack.extend((child, False) for child in children)
    return costs


def _resolve(sequence_set: SequenceSet, largest: int) -> tuple[tuple[int, int], ...]:
    """The set's sorted, merged ranges, ``*`` being ``largest`` (RFC 9051 §9 seq-range:
    "all values between these two regardless of order")."""
    ranges = []
    for first, last in sequence_set.items:
        low = largest if first == "*" else int(first)
        high = largest if last == "*" else int(last)
        ranges.append((low, high) if low <= high else (high, low))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)


def _in_ranges(
    ranges: tuple[tuple[int, int], ...], get: Callable[[SearchableMessage], int]
) -> _Test:
    if len(ranges) == 1:
        ((low, high),) = ranges
        return lambda m: low <= get(m) <= high
    starts = [low for low, _ in ranges]
    ends = [high for _, high in ranges]

    def test(m: SearchableMessage) -> bool:
        number = get(m)
        index = bisect_right(starts, number) - 1
        return index >= 0 and number <= ends[index]

    return test


class _Folded:
    """The case-folded text of the message under test: each text is fetched and folded once
    however many keys read it (``TEXT a TEXT b``, ``OR FROM a FROM b``). The matcher calls
    :meth:`clear` before each message -- by position, not identity, so a session may hand
    over one reusable view object re-pointed at each message."""

    __slots__ = ("_body", "_header", "_values")

    def __init__(self) -> None:
        self._values: dict[str, list[str]] = {}
        self._header: str | None = None
        self._body: str | None = None

    def clear(self) -> None:
        self._values = {}
        self._header = self._body = None

    def values(self, message: SearchableMessage, name: str) -> list[str]:
        key = name.lower()
        values = self._values.get(key)
        if values is None:
            values = self._values[key] = [value.casefold() for value in message.header_values(name)]
        return values

    def header(self, message: SearchableMessage) -> str:
        if self._header is None:
            self._header = message.header_block().casefold()
        return self._header

    def body(self, message: SearchableMessage) -> str:
        if self._body is None:
            self._body = message.body_text().casefold()
        return self._body


def _check_charset(charset: str | None) -> str:
    # RFC 9051 §6.4.4: no CHARSET means UTF-8.
    name = "utf-8" if charset is None else charset
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise UnknownCharsetError(f"unknown charset {name!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise UnknownCharsetError(f"{name!r} is not a character set")
    try:
        b"a".decode(info.name, "replace")
    except UnicodeError:  # codecs such as "undefined" refuse everything
        raise UnknownCharsetError(f"{name!r} cannot decode text") from None
    return info.name


class _Compiler:
    """Builds the decision graph of a :class:`Matcher`."""

    def __init__(self, context: SearchContext, charset: str | None) -> None:
        self.context = context
        self.charset = _check_charset(charset)
        self.folded = _Folded()
        self.reads_text = False
        self.tests: list[_Test] = []
        self.yes: list[int] = []
        self.no: list[int] = []

    def needle(self, value: bytes) -> str:
        # Undecodable octets become U+FFFD, which text read from messages does not hold.
        return value.decode(self.charset, "replace").casefold()

    def compile(self, roots: Sequence[SearchKey]) -> int:
        """The entry node of ``roots`` ANDed; explicit stacks instead of recursion."""
        costs = _costs(roots)
        results: list[int] = []
        stack: list[_Frame] = []

        def start_list(keys: Sequence[SearchKey], is_and: bool, yes: int, no: int) -> None:
            ordered = sorted(keys, key=lambda key: costs[id(key)])  # stable: ties keep order
            stack.append((None, ordered, len(ordered) - 2, is_and, yes, no))
            stack.append((ordered[-1], (), 0, False, yes, no))

        start_list(roots, True, _YES, _NO)
        while stack:
            key, keys, index, is_and, yes, no = stack.pop()
            if key is None:
                entry = results.pop()
                if index < 0:
                    results.append(entry)
                    continue
                stack.append((None, keys, index - 1, is_and, yes, no))
                if is_and:  # this key true: go on with the next; false: the list is false
                    stack.append((keys[index], (), 0, False, entry, no))
                else:
                    stack.append((keys[index], (), 0, False, yes, entry))
            elif isinstance(key, Not):
                stack.append((key.key, (), 0, False, no, yes))
            elif isinstance(key, (And, Or)):
                start_list(_children(key), isinstance(key, And), yes, no)
            else:
                results.append(self.emit(self.leaf(key), yes, no))
        return results.pop()

    def emit(self, leaf: _Leaf, yes: int, no: int) -> int:
        if leaf is True:
            return yes
        if leaf is False:
            return no
        test, negated = leaf
        if negated:
            yes, no = no, yes
        self.tests.append(test)
        self.yes.append(yes)
        self.no.append(no)
        return len(self.tests) - 1

    def leaf(self, key: SearchKey) -> _Leaf:
        """The test of one key that is not NOT / OR / AND."""
        kind = type(key)
        if kind in _FLAG_KEYS:
            flag, negated = _FLAG_KEYS[kind]
            if flag is None:
                return (lambda m: m.recent), negated
            return (lambda m: flag in m.flags), negated
        if isinstance(key, All):
            return True
        if isinstance(key, New):  # RFC 3501 §6.4.4: "functionally equivalent to (RECENT UNSEEN)"
            return (lambda m: m.recent and _SEEN not in m.flags), False
        if isinstance(key, (Keyword, Unkeyword)):
            return self.keyword(key.flag.name), isinstance(key, Unkeyword)
        if isinstance(key, (Before, On, Since)):
            day = key.date
            if isinstance(key, On):
                return (lambda m: m.internal_date.date() == day), False
            # SINCE: "within or later than" = NOT BEFORE.
            return (lambda m: m.internal_date.date() < day), isinstance(key, Since)
        if isinstance(key, (SentBefore, SentOn, SentSince)):
            return self.sent(key), False
        if isinstance(key, Larger):
            larger = key.size
            return (lambda m: m.size > larger), False
        if isinstance(key, Smaller):
            smaller = key.size
            return (lambda m: m.size < smaller), False
        if isinstance(key, (Older, Younger)):
            # RFC 5032 §3: older than the interval, or within it (the complement).
            cutoff = self.context.now - timedelta(seconds=key.seconds)
            return (lambda m: m.internal_date < cutoff), isinstance(key, Younger)
        if isinstance(key, ModSeq):  # RFC 7162 §3.1.5: "equal to or greater than"
            modseq = key.modseq
            return (lambda m: m.modseq >= modseq), False
        if isinstance(key, (SequenceKey, Uid)):
            return self.message_set(key)
        if isinstance(key, (EmailId, ThreadId)):
            wanted = key.objectid
            if isinstance(key, EmailId):
                return (lambda m: m.email_id == wanted), False
            return (lambda m: m.thread_id == wanted), False
        return self.text(key)

    def keyword(self, name: str) -> _Test:
        folded = name.lower()  # flags are ASCII atoms (RFC 9051 §9 flag-keyword)

        def test(m: SearchableMessage) -> bool:
            flags = m.flags
            return name in flags or any(flag.lower() == folded for flag in flags)

        return test

    def sent(self, key: SentBefore | SentOn | SentSince) -> _Test:
        day = key.date
        if isinstance(key, SentBefore):

            def test(m: SearchableMessage) -> bool:
                sent = m.sent_date()
                return sent is not None and sent < day

        elif isinstance(key, SentOn):

            def test(m: SearchableMessage) -> bool:
                return m.sent_date() == day

        else:

            def test(m: SearchableMessage) -> bool:
                sent = m.sent_date()
                return sent is not None and sent >= day

        return test

    def message_set(self, key: SequenceKey | Uid) -> _Leaf:
        sequence_set = key.sequence_set
        if sequence_set.is_search_result:
            # RFC 9051 §6.4.4.1: "$" in either context is the saved messages, by UID.
            saved = self.context.saved
            if not saved:
                return False
            return (lambda m: m.uid in saved), False
        if isinstance(key, Uid):
            return _in_ranges(_resolve(sequence_set, self.context.max_uid), _GET_UID), False
        return _in_ranges(_resolve(sequence_set, self.context.message_count), _GET_SEQ), False

    def text(self, key: SearchKey) -> _Leaf:
        folded = self.folded
        self.reads_text = True
        if isinstance(key, Header):
            field = key.field.decode("ascii", "replace")  # RFC 5322 §3.6.8: ASCII names
            needle = self.needle(key.value)
            return (lambda m: any(needle in value for value in folded.values(m, field))), False
        if isinstance(key, Body):
            needle = self.needle(key.value)
            return (lambda m: needle in folded.body(m)), False
        if isinstance(key, Text):  # header (MIME fields included) or body
            needle = self.needle(key.value)
            return (lambda m: needle in folded.header(m) or needle in folded.body(m)), False
        if not isinstance(key, (From, To, Cc, Bcc, Subject)):
            raise TypeError(f"cannot evaluate search key {key!r}")
        name = _ADDRESS_KEYS[type(key)]
        needle = self.needle(key.value)
        return (lambda m: any(needle in value for value in folded.values(m, name))), False


class Matcher:
    """A compiled search: call it with a message, or :meth:`filter` many.

    Not for use by two threads at once (it folds each message's text once, in place).
    """

    __slots__ = ("_clear", "_no", "_start", "_tests", "_yes", "uses_modseq")

    def __init__(
        self,
        keys: SearchProgram | SearchKey | Iterable[SearchKey],
        context: SearchContext,
        *,
        charset: str | None = None,
    ) -> None:
        roots = _roots(keys)
        if not roots:
            raise ValueError("SEARCH needs at least one key (RFC 9051 §9)")
        if charset is None and isinstance(keys, SearchProgram):
            charset = keys.charset
        compiler = _Compiler(context, charset)
        self._start = compiler.compile(roots)
        self._tests = tuple(compiler.tests)
        self._yes = tuple(compiler.yes)
        self._no = tuple(compiler.no)
        self._clear = compiler.folded.clear if compiler.reads_text else None
        #: Whether a MODSEQ key occurs (see :func:`uses_modseq`).
        self.uses_modseq = uses_modseq(roots)

    def __call__(self, message: SearchableMessage) -> bool:
        """Whether ``message`` matches."""
        tests, yes, no = self._tests, self._yes, self._no
        if self._clear is not None:
            self._clear()
        node = self._start
        while node >= 0:
            node = yes[node] if tests[node](message) else no[node]
        return node == _YES

    def filter(self, messages: Iterable[M]) -> list[M]:
        """The matching messages, in the order given."""
        tests, yes, no, start, clear = self._tests, self._yes, self._no, self._start, self._clear
        found = []
        for message in messages:
            if clear is not None:
                clear()
            node = start
            while node >= 0:
                node = yes[node] if tests[node](message) else no[node]
            if node == _YES:
                found.append(message)
        return found


def compile_search(
    keys: SearchProgram | SearchKey | Iterable[SearchKey],
    context: SearchContext,
    *,
    charset: str | None = None,
) -> Matcher:
    """Compile search keys (several are ANDed; a :class:`SearchProgram` brings its CHARSET)
    for ``context``. ``charset`` decodes the keys' strings (default UTF-8, RFC 9051
    §6.4.4); :class:`UnknownCharsetError` when it cannot."""
    return Matcher(keys, context, charset=charset)


def matches(
    keys: SearchProgram | SearchKey | Iterable[SearchKey],
    message: SearchableMessage,
    context: SearchContext,
    *,
    charset: str | None = None,
) -> bool:
    """Whether one message matches (compiles each time: use :class:`Matcher` for many)."""
    return Matcher(keys, context, charset=charset)(message)


def search(
    keys: SearchProgram | SearchKey | Iterable[SearchKey],
    messages: Iterable[M],
    context: SearchContext,
    *,
    charset: str | None = None,
) -> list[M]:
    """The messages that match, in the order given."""
    return Matcher(keys, context, charset=charset).filter(messages)


# --- results --------------------------------------------------------------------------------------


def highest_modseq(matched: Iterable[SearchableMessage]) -> int | None:
    """The highest mod-sequence among ``matched``; None when empty (RFC 7162 §3.1.5)."""
    return max((message.modseq for message in matched), default=None)


def _options(returns: Iterable[object] | None) -> frozenset[SearchReturnOption]:
    options = set()
    for option in returns or ():
        if not isinstance(option, SearchReturnOption):
            # RFC 9051 §6.4.4: unknown options "MUST be rejected with a BAD response".
            raise ValueError(f"unsupported search return option: {option!r}")
        options.add(option)
    # RFC 9051 §6.4.4: "If no result option is specified or empty list ..., ALL is assumed".
    return frozenset(options or {SearchReturnOption.ALL})


def _returned(
    matched: Sequence[SearchableMessage], options: frozenset[SearchReturnOption]
) -> list[SearchableMessage]:
    """The messages the options return: the one or two of MIN / MAX alone, else all
    (RFC 9051 §6.4.4.1 table 4 for SAVE, RFC 4731 §3.2 for MODSEQ)."""
    if not matched:
        return []
    if options & {SearchReturnOption.ALL, SearchReturnOption.COUNT}:
        return list(matched)
    picked: list[SearchableMessage] = []
    if SearchReturnOption.MIN in options:
        picked.append(min(matched, key=_GET_SEQ))
    if SearchReturnOption.MAX in options:
        last = max(matched, key=_GET_SEQ)
        if not picked or picked[0] is not last:
            picked.append(last)
    return picked or list(matched)  # SAVE alone


def saved_uids(
    matched: Sequence[SearchableMessage], returns: Iterable[object] | None
) -> frozenset[int]:
    """The new ``$`` after SEARCH RETURN (SAVE ...), as UIDs (RFC 9051 §6.4.4.1 table 4:
    MIN and/or MAX alone save just those, anything else saves every match)."""
    return frozenset(message.uid for message in _returned(matched, _options(returns)))


def esearch_response(
    matched: Sequence[SearchableMessage],
    returns: Iterable[object] | None,
    *,
    tag: str | None = None,
    uid: bool = False,
    modseq: bool = False,
) -> ESearchResponse | None:
    """The ESEARCH response for ``matched`` (RFC 9051 §6.4.4, RFC 4731 §3.1).

    ``returns``: the program's options (None or ``()`` mean ALL); an option other than
    MIN / MAX / ALL / COUNT / SAVE raises ValueError (answer BAD). None when SAVE is the only
    option (no response is sent). MIN / MAX / ALL are left out when nothing matched, COUNT
    never is. ``uid``: report UIDs (UID SEARCH). ``modseq``: the search used MODSEQ, so a
    non-empty result carries the highest mod-sequence of the messages returned (RFC 7162
    §3.1.10, RFC 4731 §3.2).
    """
    options = _options(returns)
    if options == {SearchReturnOption.SAVE}:
        return None
    numbers = sorted(message.uid if uid else message.seq for message in matched)
    found = bool(numbers)
    return ESearchResponse(
        tag=tag,
        uid=uid,
        min=numbers[0] if found and SearchReturnOption.MIN in options else None,
        max=numbers[-1] if found and SearchReturnOption.MAX in options else None,
        count=len(numbers) if SearchReturnOption.COUNT in options else None,
        all=SequenceSet.from_ids(numbers) if found and SearchReturnOption.ALL in options else None,
        modseq=(highest_modseq(_returned(matched, options)) or None) if modseq else None,
    )


def search_response(
    matched: Sequence[SearchableMessage], *, uid: bool = False, modseq: bool = False
) -> SearchResponse:
    """The IMAP4rev1 SEARCH response: the numbers ascending, then ``(MODSEQ n)`` when the
    search used MODSEQ and found something (RFC 3501 §7.2.5, RFC 7162 §3.1.6)."""
    numbers = sorted(message.uid if uid else message.seq for message in matched)
    highest = highest_modseq(matched) if modseq else None
    return SearchResponse(numbers, modseq=highest or None)
