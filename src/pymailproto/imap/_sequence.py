"""Sequence sets and UID sets (RFC 9051 §4.1.1, §9)::

    seq-number      = nz-number / "*"
    seq-range       = seq-number ":" seq-number
    sequence-set    = (seq-number / seq-range) ["," sequence-set]
    sequence-set    =/ seq-last-command
    seq-last-command   = "$"
    uid-set         = (uniqueid / uid-range) *("," uid-set)
    uid-range       = (uniqueid ":" uniqueid)
    uniqueid        = nz-number

A :class:`SequenceSet` keeps its items in the order given -- that order is meaningful in
COPYUID/APPENDUID (RFC 9051 §7.1: the destination UIDs correspond to the source UIDs in order)
-- and compares by the set of numbers it denotes, since the grammar calls it a "set of
seq-number values, regardless of order": ``2:4``, ``4:2`` and ``2,3,4`` are equal. ``*``
("the largest number in use") cannot be compared with numbers until it is resolved, so items
containing it are compared as written (``3291:*`` equals ``*:3291``; RFC 9051 §9 notes that
it includes the last message even if that is below 3291).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import MAX_NUMBER, Reader

__all__ = ["SeqNumber", "SequenceSet", "read_sequence_set", "read_uid_set"]

#: nz-number or "*" (RFC 9051 §9 seq-number).
SeqNumber: TypeAlias = int | Literal["*"]
_Range = tuple[SeqNumber, SeqNumber]
_Normal = tuple[bool, tuple[tuple[int, int], ...], frozenset[SeqNumber]]

# One seq-number / seq-range, then more after commas; nz-number = digit-nz *DIGIT.
_SEQ = rb"(?:[1-9][0-9]*|\*)"
_SET = re.compile(_SEQ + rb"(?::" + _SEQ + rb")?(?:," + _SEQ + rb"(?::" + _SEQ + rb")?)*")


def _check_seq_number(value: object) -> SeqNumber:
    if value == "*":
        return "*"
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_NUMBER:
        return value
    raise IMAPValueError(f"not a seq-number (nz-number or '*', RFC 9051 §9): {value!r}")


def _item(item: object) -> _Range:
    if isinstance(item, range):
        if item.step != 1 or len(item) == 0:
            raise IMAPValueError(f"only non-empty ranges with step 1 form a seq-range: {item!r}")
        return (_check_seq_number(item.start), _check_seq_number(item.stop - 1))
    if isinstance(item, tuple):
        if len(item) != 2:
            raise IMAPValueError(f"a seq-range is a pair (first, last): {item!r}")
        return (_check_seq_number(item[0]), _check_seq_number(item[1]))
    number = _check_seq_number(item)
    return (number, number)


def _merge(ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort ranges (each low <= high) and coalesce overlapping or adjacent ones."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            if high > out[-1][1]:
                out[-1] = (out[-1][0], high)
        else:
            out.append((low, high))
    return tuple(out)


@dataclass(frozen=True, slots=True, init=False, eq=False)
class SequenceSet:
    """A set of message sequence numbers or UIDs, or the ``$`` search result reference.

    Build one from items -- ``SequenceSet([1, (4, 7), range(9, 12), (12, "*")])`` -- or with
    :meth:`parse` (``"2,4:7,9,12:*"``), :meth:`from_ids`, :meth:`all` (``1:*``) or
    :meth:`search_result` (``$``, RFC 9051 §6.4.4.1). ``items`` holds ``(first, last)`` pairs
    as given (a single number ``n`` is ``(n, n)``); the serialized form writes them in order.
    """

    items: tuple[_Range, ...]
    is_search_result: bool
    _normal: _Normal | None = field(default=None, repr=False)

    ALL: ClassVar[SequenceSet]
    SEARCH_RESULT: ClassVar[SequenceSet]

    def __init__(self, items: Iterable[SeqNumber | tuple[SeqNumber, SeqNumber] | range]) -> None:
        if isinstance(items, (str, bytes)):
            raise TypeError("use SequenceSet.parse() to parse text")
        ranges = tuple(_item(item) for item in items)
        if not ranges:
            raise IMAPValueError("a sequence-set cannot be empty (RFC 9051 §9)")
        object.__setattr__(self, "items", ranges)
        object.__setattr__(self, "is_search_result", False)
        object.__setattr__(self, "_normal", None)

    @classmethod
    def _trusted(cls, items: tuple[_Range, ...], search_result: bool = False) -> SequenceSet:
        value = object.__new__(cls)
        object.__setattr__(value, "items", items)
        object.__setattr__(value, "is_search_result", search_result)
        object.__setattr__(value, "_normal", None)
        return value

    # --- other constructors --------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str | bytes) -> SequenceSet:
        """Parse a whole ``sequence-set`` such as ``"1:3,7,*"`` or ``"$"`` given by the caller."""
        data = text.encode("ascii", "replace") if isinstance(text, str) else text
        reader = Reader(data)
        try:
            value = read_sequence_set(reader)
            if not reader.at_end():
                raise reader.error("',' or the end of the sequence-set")
        except IMAPParseError as exc:
            raise IMAPValueError(f"invalid sequence-set {text!r}: {exc.message}") from None
        return value

    @classmethod
    def from_ids(cls, ids: Iterable[int], *, sort: bool = True) -> SequenceSet:
        """The compact set of ``ids``: runs of consecutive numbers become ranges.

        With ``sort`` (the default) duplicates go and the runs are found in ascending order
        (``[7, 1, 2, 3]`` gives ``1:3,7``). With ``sort=False`` the order is kept, for the
        order-sensitive sets of COPYUID/APPENDUID (``[5, 3, 4]`` gives ``5,3:4``).
        """
        numbers = [_check_nz(n) for n in ids]
        if sort:
            numbers = sorted(set(numbers))
        if not numbers:
            raise IMAPValueError("a sequence-set cannot be empty (RFC 9051 §9)")
        ranges: list[_Range] = []
        first = last = numbers[0]
        for n in numbers[1:]:
            if n == last + 1:
                last = n
            else:
                ranges.append((first, last))
                first = last = n
        ranges.append((first, last))
        return cls._trusted(tuple(ranges))

    @classmethod
    def all(cls) -> SequenceSet:
        """``1:*`` -- every message."""
        return cls.ALL

    @classmethod
    def search_result(cls) -> SequenceSet:
        """``$`` -- the search result variable (RFC 9051 §6.4.4.1, ``seq-last-command``)."""
        return cls.SEARCH_RESULT

    # --- queries -------------------------------------------------------------------------------

    @property
    def has_star(self) -> bool:
        """Whether ``*`` appears, so that the numbers depend on the mailbox."""
        return any(first == "*" or last == "*" for first, last in self.items)

    def _resolved(self, largest: int | None) -> tuple[tuple[int, int], ...]:
        """The merged ranges, ``*`` replaced by ``largest``."""
        if self.is_search_result:
            raise IMAPValueError("'$' must be replaced by the saved search result first")
        ranges: list[tuple[int, int]] = []
        for first, last in self.items:
            if isinstance(first, int) and isinstance(last, int):
                low, high = first, last
            else:
                if largest is None:
                    raise IMAPValueError(f"'{self}' contains '*': pass the largest number in use")
                if largest < 1:
                    raise IMAPValueError("'*' refers to no message in an empty mailbox")
                low = first if isinstance(first, int) else largest
                high = last if isinstance(last, int) else largest
            ranges.append((low, high) if low <= high else (high, low))
        return _merge(ranges)

    def ids(self, largest: int | None = None) -> Iterator[int]:
        """The numbers in ascending order, each once; ``*`` is ``largest`` (RFC 9051 §9:
        "the number of messages" for sequence numbers, the UID of the last message -- or
        UIDNEXT in an empty mailbox -- for UIDs). Numbers above ``largest`` are not dropped."""
        for low, high in self._resolved(largest):
            yield from range(low, high + 1)

    def count(self, largest: int | None = None) -> int:
        """How many numbers :meth:`ids` gives."""
        return sum(high - low + 1 for low, high in self._resolved(largest))

    def contains(self, number: int, largest: int | None = None) -> bool:
        """Whether ``number`` is in the set, ``*`` being ``largest``."""
        if self.is_search_result:
            raise IMAPValueError("'$' must be replaced by the saved search result first")
        # Item by item: merging the ranges first (as ids() must) would cost more than the
        # test itself, and a client asks this once per FETCH response.
        for first, last in self.items:
            if type(first) is int and type(last) is int:
                low, high = first, last
            else:
                if largest is None:
                    raise IMAPValueError(f"'{self}' contains '*': pass the largest number in use")
                if largest < 1:
                    raise IMAPValueError("'*' refers to no message in an empty mailbox")
                low = first if isinstance(first, int) else largest
                high = last if isinstance(last, int) else largest
            if low <= number <= high or high <= number <= low:
                return True
        return False

    def __contains__(self, number: object) -> bool:
        """``n in seqset`` for sets without ``*`` (use :meth:`contains` otherwise)."""
        if not isinstance(number, int):
            return False
        return self.contains(number)

    def normalized(self, largest: int | None = None) -> SequenceSet:
        """The same set, sorted and coalesced (``4:2,3,7,5:6`` gives ``2:7``).

        With ``largest`` every ``*`` is resolved first; otherwise items with ``*`` are kept
        as written, after the numeric ranges.
        """
        if self.is_search_result:
            return self
        if largest is not None:
            return SequenceSet._trusted(self._resolved(largest))
        _, numeric, anchors = self._normal_form()
        starred: list[_Range] = [(anchor, "*") for anchor in anchors if anchor != "*"]
        starred.sort()
        if "*" in anchors:
            starred.append(("*", "*"))
        return SequenceSet._trusted(numeric + tuple(starred))

    def _normal_form(self) -> _Normal:
        normal = self._normal
        if normal is None:
            numeric: list[tuple[int, int]] = []
            anchors: set[SeqNumber] = set()
            for first, last in self.items:
                if isinstance(first, int) and isinstance(last, int):
                    numeric.append((first, last) if first <= last else (last, first))
                else:
                    anchors.add(last if first == "*" else first)
            if len(anchors) > 1:
                # "*" alone is inside any "n:*".
                anchors.discard("*")
            normal = (self.is_search_result, _merge(numeric), frozenset(anchors))
            object.__setattr__(self, "_normal", normal)
        return normal

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SequenceSet):
            return NotImplemented
        return self._normal_form() == other._normal_form()

    def __hash__(self) -> int:
        return hash(self._normal_form())

    # --- wire form -----------------------------------------------------------------------------

    def __str__(self) -> str:
        if self.is_search_result:
            return "$"
        return ",".join(
            str(first) if first == last else f"{first}:{last}" for first, last in self.items
        )

    def __repr__(self) -> str:
        return f"SequenceSet({str(self)!r})"

    def to_bytes(self) -> bytes:
        """The wire form, items in the order given."""
        return str(self).encode("ascii")


def _check_nz(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_NUMBER:
        return value
    raise IMAPValueError(f"not an nz-number (0 < n < 2**32, RFC 9051 §9): {value!r}")


SequenceSet.ALL = SequenceSet._trusted(((1, "*"),))
SequenceSet.SEARCH_RESULT = SequenceSet._trusted((), search_result=True)


def _read(reader: Reader, uid_set: bool) -> SequenceSet:
    buf = reader.buf
    start = reader.pos
    m = _SET.match(buf, start)
    if m is None:
        if not uid_set and buf.startswith(b"$", start):
            reader.pos = start + 1
            return SequenceSet.SEARCH_RESULT
        raise reader.error("uid-set" if uid_set else "sequence-set")
    stop = m.end()
    if stop < reader.end:
        follow = buf[stop]
        if follow in b",:":
            raise reader.error("uniqueid" if uid_set else "seq-number", stop + 1)
        if follow in b"0123456789*":
            raise reader.error("',' or ':'", stop)
    items: list[_Range] = []
    pos = start
    for part in m.group().split(b","):
        first_text, colon, last_text = part.partition(b":")
        first = _number(reader, first_text, pos, uid_set)
        last = _number(reader, last_text, pos + len(first_text) + 1, uid_set) if colon else first
        items.append((first, last))
        pos += len(part) + 1
    reader.pos = stop
    return SequenceSet._trusted(tuple(items))


def _number(reader: Reader, text: bytes, pos: int, uid_set: bool) -> SeqNumber:
    if text == b"*":
        if uid_set:
            raise reader.error("uniqueid (a uid-set has no '*', RFC 9051 §4.1.1)", pos)
        return "*"
    if len(text) > 10 or int(text) > MAX_NUMBER:
        raise reader.fail("nz-number beyond 4,294,967,295 (RFC 9051 §9)", pos)
    return int(text)


def read_sequence_set(reader: Reader) -> SequenceSet:
    """``sequence-set`` (RFC 9051 §9, including ``seq-last-command = "$"``)."""
    return _read(reader, False)


def read_uid_set(reader: Reader) -> SequenceSet:
    """``uid-set = (uniqueid / uid-range) *("," uid-set)`` (RFC 9051 §9): no ``*``, no ``$``."""
    return _read(reader, True)
