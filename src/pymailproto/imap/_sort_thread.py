"""SORT and THREAD (RFC 5256): sort criteria, threading algorithms, the SORT and THREAD responses.

RFC 5256 §5::

    sort            = ["UID" SP] "SORT" SP sort-criteria SP search-criteria
    sort-criteria   = "(" sort-criterion *(SP sort-criterion) ")"
    sort-criterion  = ["REVERSE" SP] sort-key
    sort-key        = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" /
                      "SUBJECT" / "TO"
    thread          = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
    thread-alg      = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext
    thread-alg-ext  = atom
    sort-data       = "SORT" *(SP nz-number)
    thread-data     = "THREAD" [SP 1*thread-list]
    thread-list     = "(" (thread-members / thread-nested) ")"
    thread-members  = nz-number *(SP nz-number) [SP thread-nested]
    thread-nested   = 2*thread-list

RFC 7162 §7 (CONDSTORE with a MODSEQ search criterion, §3.1.9) updates the SORT response::

    sort-data           = "SORT" [1*(SP nz-number) SP
                          search-sort-mod-seq]
                          ; Updates the SORT response from RFC 5256.
    search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"

The reader accepts the union of the two: numbers, then the MODSEQ part only after at least one.
``search-criteria`` (charset and search keys) belongs to the SEARCH grammar and is not here.

A thread is a tree, and "There is no limit to the nesting of threads" (RFC 5256 §4), so the
THREAD response is read with an explicit stack -- never by recursion -- and every level of
parentheses goes through :meth:`Reader.open_list`, so a hostile 10,000-deep response ends in a
clean :class:`~pymailproto.imap.IMAPParseError` at the reader's depth limit; with a larger
limit it is read in full. Writing, equality, hashing and ``repr`` of a :class:`Thread` do not
recurse either.

Where the readers start: :func:`read_sort_data` right after ``"SORT"`` and
:func:`read_thread_data` right after ``"THREAD"`` (their data may be empty, ``* SORT`` CRLF,
RFC 5256 §3, so the SP belongs to them); :func:`read_sort_criteria` and
:func:`read_thread_alg` at their first octet (after ``"SORT" SP`` / ``"THREAD" SP``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import (
    Writer,
    _trusted,
    check_nz_number,
    check_nz_number64,
)

__all__ = [
    "ORDEREDSUBJECT",
    "REFERENCES",
    "SortCriterion",
    "SortKey",
    "SortResponse",
    "Thread",
    "read_sort_criteria",
    "read_sort_data",
    "read_thread_alg",
    "read_thread_data",
    "write_sort_criteria",
    "write_sort_data",
    "write_thread_alg",
    "write_thread_data",
]

#: RFC 5256 §3 "ORDEREDSUBJECT": sort by base subject, then sent date; threads of siblings.
ORDEREDSUBJECT = "ORDEREDSUBJECT"
#: RFC 5256 §3 "REFERENCES": threads from In-Reply-To/References (JWZ-style).
REFERENCES = "REFERENCES"

_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')


class SortKey(enum.Enum):
    """``sort-key`` (RFC 5256 §5); the meaning of each is in RFC 5256 §3 (SORT Command)."""

    ARRIVAL = "ARRIVAL"
    CC = "CC"
    DATE = "DATE"
    FROM = "FROM"
    SIZE = "SIZE"
    SUBJECT = "SUBJECT"
    TO = "TO"


_SORT_KEYS = tuple(SortKey)


@dataclass(frozen=True, slots=True)
class SortCriterion:
    """``sort-criterion = ["REVERSE" SP] sort-key``. "REVERSE only reverses a single
    criterion" (RFC 5256 §3)."""

    key: SortKey
    reverse: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.key, SortKey):
            raise IMAPValueError(f"not a SortKey: {self.key!r}")
        if not isinstance(self.reverse, bool):
            raise IMAPValueError(f"reverse is a bool: {self.reverse!r}")


@dataclass(frozen=True, slots=True, init=False)
class SortResponse:
    """The SORT response: message numbers (or UIDs, after UID SORT) in sorted order, and the
    highest mod-sequence of them when the SORT used a MODSEQ criterion (RFC 7162 §3.1.9)."""

    numbers: tuple[int, ...]
    modseq: int | None

    def __init__(self, numbers: Iterable[int] = (), modseq: int | None = None) -> None:
        items = tuple(check_nz_number(number) for number in numbers)
        if modseq is not None:
            check_nz_number64(modseq)
            if not items:
                raise IMAPValueError(
                    "a SORT response carries MODSEQ only with numbers (RFC 7162 §7 sort-data)"
                )
        object.__setattr__(self, "numbers", items)
        object.__setattr__(self, "modseq", modseq)


@dataclass(frozen=True, slots=True, init=False, eq=False, repr=False)
class Thread:
    """One ``thread-list`` (RFC 5256 §4): a chain of ``messages``, each the parent of the next,
    then the sub-threads (``children``) that split off the last of them.

    ``Thread([3, 6], [Thread([4, 23]), Thread([44, 7, 96])])`` is ``(3 6 (4 23)(44 7 96))``.
    With no messages the thread's root is a message that did not match or does not exist, and
    its children are siblings: ``Thread([], [Thread([3]), Thread([5])])`` is ``((3)(5))``.

    The grammar fixes one form for each tree: a chain never splits into exactly one
    sub-thread (``thread-nested = 2*thread-list``), so there are either no children or at
    least two, and a thread without messages has at least two children.
    """

    messages: tuple[int, ...]
    children: tuple[Thread, ...]
    _hash: int | None = field(default=None, repr=False)

    def __init__(self, messages: Iterable[int] = (), children: Iterable[Thread] = ()) -> None:
        numbers = tuple(check_nz_number(number) for number in messages)
        subthreads = tuple(children)
        for child in subthreads:
            if not isinstance(child, Thread):
                raise IMAPValueError(f"not a Thread: {child!r}")
        if len(subthreads) == 1:
            raise IMAPValueError(
                "a thread splits into no sub-threads or at least two (RFC 5256 §5 thread-nested);"
                " append a single child's messages to the chain instead"
            )
        if not numbers and not subthreads:
            raise IMAPValueError("an empty thread (RFC 5256 §5 thread-list)")
        object.__setattr__(self, "messages", numbers)
        object.__setattr__(self, "children", subthreads)
        object.__setattr__(self, "_hash", None)

    def numbers(self) -> Iterator[int]:
        """Every message number in the thread, in the order of the wire form (depth first)."""
        stack: list[Thread] = [self]
        while stack:
            thread = stack.pop()
            yield from thread.messages
            stack.extend(reversed(thread.children))

    def to_bytes(self) -> bytes:
        """The wire form of this ``thread-list``."""
        writer = Writer()
        _write_threads(writer, (self,))
        return writer.to_bytes()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Thread):
            return NotImplemented
        pairs: list[tuple[Thread, Thread]] = [(self, other)]
        while pairs:
            left, right = pairs.pop()
            if left is right:
                continue
            if left.messages != right.messages or len(left.children) != len(right.children):
                return False
            pairs.extend(zip(left.children, right.children, strict=True))
        return True

    def __hash__(self) -> int:
        value = self._hash
        if value is None:
            # The wire form is canonical (one per tree) and built without recursion.
            value = hash(self.to_bytes())
            object.__setattr__(self, "_hash", value)
        return value

    def __repr__(self) -> str:
        return f"Thread({self.to_bytes().decode('ascii')!r})"


# --- reading --------------------------------------------------------------------------------------


def read_sort_criteria(reader: Reader) -> tuple[SortCriterion, ...]:
    """``sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`` (RFC 5256 §5)."""
    reader.open_list()
    criteria = []
    while True:
        reverse = reader.skip_keyword(b"REVERSE")
        if reverse:
            reader.expect_sp()
        for key in _SORT_KEYS:
            if reader.skip_keyword(key.value.encode("ascii")):
                break
        else:
            raise reader.error(
                'sort-key ("ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO")'
            )
        criteria.append(_trusted(SortCriterion, key=key, reverse=reverse))
        if not reader.skip_sp():
            break
    reader.close_list()
    return tuple(criteria)


def read_thread_alg(reader: Reader) -> str:
    """``thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext`` (RFC 5256 §5),
    ``thread-alg-ext = atom``; upper-cased, since the names are case-insensitive."""
    m = _ATOM.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error("thread-alg (an atom)")
    reader.pos = m.end()
    return m.group().decode("ascii").upper()


def read_sort_data(reader: Reader) -> SortResponse:
    """What follows ``"SORT"`` in the SORT response, starting at the SP, if any::

    sort-data       = "SORT" *(SP nz-number)                        ; RFC 5256 §5
    sort-data       = "SORT" [1*(SP nz-number) SP search-sort-mod-seq]  ; RFC 7162 §7
    search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"
    """
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
    return _trusted(SortResponse, numbers=tuple(numbers), modseq=modseq)


def _read_thread_list(reader: Reader) -> Thread:
    """One ``thread-list``, nested ones included, with an explicit stack::

    thread-list     = "(" (thread-members / thread-nested) ")"
    thread-members  = nz-number *(SP nz-number) [SP thread-nested]
    thread-nested   = 2*thread-list
    """
    # Each open thread-list: its messages and the children closed so far.
    stack: list[tuple[list[int], list[Thread]]] = []
    reader.open_list()
    stack.append(([], []))
    while True:
        messages, children = stack[-1]
        octet = reader.peek()
        if octet == 0x28 and (children or not messages or reader.buf[reader.pos - 1] == 0x20):
            # a (further) sub-thread: at the start, after "SP" that follows the members, or
            # right after a sibling's ")"
            reader.open_list()
            stack.append(([], []))
            continue
        if 0x30 <= octet <= 0x39 and not children:
            messages.append(reader.read_nz_number())
            if reader.skip_sp():
                octet = reader.peek()
                if octet != 0x28 and not 0x30 <= octet <= 0x39:
                    raise reader.error('nz-number or "(" (RFC 5256 §5 thread-members)')
            continue
        if octet == 0x29 and len(children) != 1 and (messages or children):
            reader.close_list()
            stack.pop()
            thread = _trusted(
                Thread, messages=tuple(messages), children=tuple(children), _hash=None
            )
            if not stack:
                return thread
            stack[-1][1].append(thread)
            continue
        if len(children) == 1:
            raise reader.error('"(" (thread-nested has at least two thread-lists, RFC 5256 §5)')
        if children:
            raise reader.error('"(" or ")"')
        if messages:
            raise reader.error('SP or ")"')
        raise reader.error('nz-number or "(" (RFC 5256 §5 thread-list)')


def read_thread_data(reader: Reader) -> tuple[Thread, ...]:
    """What follows ``"THREAD"`` in the THREAD response, starting at the SP, if any::

    thread-data     = "THREAD" [SP 1*thread-list]
    """
    if not reader.skip_sp():
        return ()
    threads = [_read_thread_list(reader)]
    while reader.peek() == 0x28:
        threads.append(_read_thread_list(reader))
    return tuple(threads)


# --- writing --------------------------------------------------------------------------------------


def write_sort_criteria(writer: Writer, criteria: Iterable[SortCriterion]) -> None:
    """``sort-criteria`` (after ``"SORT" SP``); at least one criterion."""
    items = tuple(criteria)
    if not items:
        raise IMAPValueError("SORT needs at least one sort criterion (RFC 5256 §5)")
    parts = []
    for criterion in items:
        if not isinstance(criterion, SortCriterion):
            raise IMAPValueError(f"not a SortCriterion: {criterion!r}")
        word = criterion.key.value.encode("ascii")
        parts.append(b"REVERSE " + word if criterion.reverse else word)
    writer.raw(b"(" + b" ".join(parts) + b")")


def write_thread_alg(writer: Writer, algorithm: str) -> None:
    """``thread-alg`` (after ``"THREAD" SP``)."""
    writer.atom(algorithm)


def write_sort_data(writer: Writer, value: SortResponse) -> None:
    """The SORT response data after ``"SORT"``: ``*(SP nz-number)`` and, with a mod-sequence,
    ``SP "(MODSEQ " mod-sequence-value ")"``."""
    if not isinstance(value, SortResponse):
        raise IMAPValueError(f"not a SortResponse: {value!r}")
    writer.raw(b"".join([b" %d" % number for number in value.numbers]))
    if value.modseq is not None:
        writer.raw(b" (MODSEQ %d)" % value.modseq)


_CLOSE = object()


def _write_threads(writer: Writer, threads: Iterable[Thread]) -> None:
    """``1*thread-list``, written with an explicit stack."""
    out = bytearray()
    stack: list[object] = list(reversed(tuple(threads)))
    while stack:
        item = stack.pop()
        if item is _CLOSE:
            out += b")"
            continue
        if not isinstance(item, Thread):
            raise IMAPValueError(f"not a Thread: {item!r}")
        out += b"("
        out += b" ".join([b"%d" % number for number in item.messages])
        if item.children:
            if item.messages:
                out += b" "
            stack.append(_CLOSE)
            stack.extend(reversed(item.children))
        else:
            out += b")"
    writer.raw(bytes(out))


def write_thread_data(writer: Writer, threads: Iterable[Thread]) -> None:
    """The THREAD response data after ``"THREAD"``: nothing, or SP and the thread-lists."""
    items = tuple(threads)
    if items:
        writer.sp()
        _write_threads(writer, items)
