"""Generic extension syntax shared by SEARCH, STATUS and LIST, and RFC 8474 object ids.

RFC 4466 §2.1 gave IMAP extensions a common shape for values they add to existing commands and
responses; RFC 9051 §9 and RFC 5258 §6 carry it::

    tagged-ext-val      = tagged-ext-simple /
                          "(" [tagged-ext-comp] ")"
    tagged-ext-simple   = sequence-set / number / number64
    tagged-ext-comp     = astring /
                          tagged-ext-comp *(SP tagged-ext-comp) /
                          "(" tagged-ext-comp ")"
                          ; Extensions that follow this general
                          ; syntax should use nstring instead of
                          ; astring when appropriate in the context
                          ; of the extension.
                          ; Note that a message set or a "number"
                          ; can always be represented as an "atom".
                          ; A URL should be represented as
                          ; a "quoted" string.

    option-value        = "(" option-val-comp ")"
    option-val-comp     = astring /
                          option-val-comp *(SP option-val-comp) /
                          "(" option-val-comp ")"

These values are modelled with plain Python values, not classes:

* :data:`ExtComp` -- one ``tagged-ext-comp`` / ``option-val-comp``: ``bytes`` (an astring) or a
  ``tuple`` of comps (a parenthesised group, never empty);
* :data:`TaggedExtVal` -- an ``int`` (number / number64), a :class:`SequenceSet`, or a ``tuple``
  of comps (the parenthesised form, possibly empty). A one-number sequence-set is the number:
  ``5`` is read as ``5``, and :func:`check_tagged_ext_val` turns ``SequenceSet([5])`` into ``5``
  so that every value has exactly one wire form.

Leniency (reading only): RFC 9051 §7.3.1's own LIST example sends ``Sample "text"`` -- a bare
string where the grammar wants a tagged-ext-val. :func:`read_tagged_ext_val` accepts a quoted
string or literal there (as ``bytes``, written back as a string), so that one unknown extended
item does not make a whole response unreadable; the value classes refuse it on construction.

Nesting goes through :meth:`Reader.open_list` (the reader's ``max_depth``) and is also bounded
by :data:`MAX_EXTENSION_DEPTH` whatever the reader allows, so that every value is shallow
enough to compare, print and serialize recursively. Reading is iterative.

RFC 8474 (object ids; not on disk, the rule as the issue quotes it)::

    objectid = 1*255(ALPHA / DIGIT / "_" / "-")
"""

from __future__ import annotations

import re
from typing import TypeAlias

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import DEFAULT_MAX_DEPTH, Reader
from pymailproto.imap._sequence import SequenceSet, read_sequence_set
from pymailproto.imap._values import Writer, check_number64

__all__ = [
    "MAX_EXTENSION_DEPTH",
    "ExtComp",
    "TaggedExtVal",
    "check_objectid",
    "check_option_value",
    "check_tagged_ext_val",
    "read_objectid",
    "read_option_value",
    "read_tagged_ext_val",
    "write_option_value",
    "write_tagged_ext_val",
]

#: One tagged-ext-comp / option-val-comp: an astring's octets, or a parenthesised group.
ExtComp: TypeAlias = bytes | tuple["ExtComp", ...]
#: tagged-ext-val: number64, sequence-set, or "(" [comps] ")". (Also ``bytes`` when read
#: leniently; see the module docstring.)
TaggedExtVal: TypeAlias = int | SequenceSet | tuple[ExtComp, ...] | bytes

#: How deeply parentheses may nest inside one extension value, whatever the reader allows.
MAX_EXTENSION_DEPTH = DEFAULT_MAX_DEPTH

_OBJECTID = re.compile(rb"[A-Za-z0-9_-]+")
_OBJECTID_TEXT = re.compile(r"[A-Za-z0-9_-]{1,255}")
# number = 1*DIGIT not continued as a seq-range or a longer sequence-set.
_NUMBER_ONLY = re.compile(rb"[0-9]+(?![0-9:,])")


# --- object ids (RFC 8474) ------------------------------------------------------------------------


def check_objectid(value: str) -> str:
    """``objectid = 1*255(ALPHA / DIGIT / "_" / "-")`` (RFC 8474); returns ``value``."""
    if not isinstance(value, str) or _OBJECTID_TEXT.fullmatch(value) is None:
        raise IMAPValueError(
            f"not an objectid (1*255 of ALPHA / DIGIT / '_' / '-', RFC 8474): {value!r}"
        )
    return value


def read_objectid(reader: Reader) -> str:
    """``objectid`` (RFC 8474), at most 255 characters."""
    pos = reader.pos
    m = _OBJECTID.match(reader.buf, pos)
    if m is None:
        raise reader.error("objectid")
    if m.end() - pos > 255:
        raise reader.fail("objectid longer than 255 characters (RFC 8474)", pos)
    reader.pos = m.end()
    return m.group().decode("ascii")


# --- reading --------------------------------------------------------------------------------------


def _read_group(reader: Reader, allow_empty: bool) -> tuple[ExtComp, ...]:
    """The comps of a group whose ``(`` the caller consumed with ``open_list``, and its ``)``.

    Iterative: ``stack`` holds the open groups, innermost last.
    """
    stack: list[list[ExtComp]] = [[]]
    need_item = False  # after an SP, a comp must follow
    while True:
        octet = reader.peek()
        if octet == 0x29 and not need_item:  # ")"
            items = stack.pop()
            if not items and (stack or not allow_empty):
                raise reader.error("tagged-ext-comp")
            reader.close_list()
            group = tuple(items)
            if not stack:
                return group
            stack[-1].append(group)
        elif octet == 0x28:  # "("
            if len(stack) >= MAX_EXTENSION_DEPTH:
                raise reader.fail(f"extension value nested deeper than {MAX_EXTENSION_DEPTH}")
            reader.open_list()
            stack.append([])
            need_item = False
            continue
        else:
            stack[-1].append(reader.read_astring())
        need_item = reader.skip_sp()
        if not need_item and reader.peek() != 0x29:
            raise reader.error('SP or ")"')


def read_tagged_ext_val(reader: Reader) -> TaggedExtVal:
    """``tagged-ext-val`` (RFC 9051 §9, RFC 4466 §2.1); see the module docstring for the
    model and the one leniency (a bare string)."""
    octet = reader.peek()
    if octet == 0x28:
        reader.open_list()
        return _read_group(reader, True)
    if 0x30 <= octet <= 0x39:
        if _NUMBER_ONLY.match(reader.buf, reader.pos) is not None:
            return reader.read_number64()
        return _canonical_set(read_sequence_set(reader))
    if octet in (0x2A, 0x24):  # "*", "$"
        return read_sequence_set(reader)
    if octet in (0x22, 0x7B):  # lenient: a string where the grammar has none
        return reader.read_string()
    raise reader.error("tagged-ext-val")


def read_option_value(reader: Reader) -> tuple[ExtComp, ...]:
    """``option-value = "(" option-val-comp ")"`` (RFC 9051 §9, RFC 5258 §6): one or more
    comps in parentheses."""
    reader.open_list()
    return _read_group(reader, False)


# --- validation -----------------------------------------------------------------------------------


def _check_comps(comps: object, allow_empty: bool) -> tuple[ExtComp, ...]:
    """Validate a group of comps (iteratively: every level a tuple, strings without NUL)."""
    if not isinstance(comps, tuple):
        raise IMAPValueError(f"an extension value group is a tuple, not {type(comps).__name__}")
    if not comps and not allow_empty:
        raise IMAPValueError("a parenthesised tagged-ext-comp cannot be empty (RFC 9051 §9)")
    # (group, depth) pairs still to check; groups hold bytes or tuples.
    pending: list[tuple[tuple[object, ...], int]] = [(comps, 1)]
    while pending:
        group, depth = pending.pop()
        if depth > MAX_EXTENSION_DEPTH:
            raise IMAPValueError(f"extension value nested deeper than {MAX_EXTENSION_DEPTH}")
        for item in group:
            if isinstance(item, bytes):
                if 0 in item:
                    raise IMAPValueError("NUL in an extension value string (RFC 9051 §9 note 3)")
            elif isinstance(item, tuple):
                if not item:
                    raise IMAPValueError(
                        "a parenthesised tagged-ext-comp cannot be empty (RFC 9051 §9)"
                    )
                pending.append((item, depth + 1))
            else:
                raise IMAPValueError(
                    f"extension value comps are bytes or tuples, not {type(item).__name__}"
                )
    return comps


def _canonical_set(value: SequenceSet) -> int | SequenceSet:
    """A set of one number is that number (``5``, also when written ``5:5``): one value, one
    wire form."""
    if len(value.items) == 1:
        first, last = value.items[0]
        if first == last and isinstance(first, int):
            return first
    return value


def check_tagged_ext_val(value: object) -> TaggedExtVal:
    """Validate a ``tagged-ext-val`` built in Python; returns its canonical form (a one-number
    :class:`SequenceSet` becomes that number). Bare strings are refused (the grammar has none).
    """
    if isinstance(value, bool):
        raise IMAPValueError("a tagged-ext-val is not a bool")
    if isinstance(value, int):
        return check_number64(value)
    if isinstance(value, SequenceSet):
        return _canonical_set(value)
    if isinstance(value, tuple):
        return _check_comps(value, True)
    raise IMAPValueError(
        "a tagged-ext-val is a number, a SequenceSet or a tuple of comps (RFC 9051 §9), "
        f"not {value!r}"
    )


def check_option_value(value: object) -> tuple[ExtComp, ...]:
    """Validate an ``option-value`` (a non-empty tuple of comps) built in Python."""
    return _check_comps(value, False)


# --- writing --------------------------------------------------------------------------------------


def _write_group(writer: Writer, group: tuple[ExtComp, ...]) -> None:
    """``"(" comp *(SP comp) ")"``; strings are written as strings (quoted where possible),
    as the RFCs' examples do. Recursion is bounded by :data:`MAX_EXTENSION_DEPTH`."""
    writer.raw(b"(")
    first = True
    for item in group:
        if not first:
            writer.sp()
        first = False
        if isinstance(item, bytes):
            writer.string(item)
        else:
            _write_group(writer, item)
    writer.raw(b")")


def write_tagged_ext_val(writer: Writer, value: TaggedExtVal) -> None:
    """The wire form of a (validated or parsed) ``tagged-ext-val``."""
    if isinstance(value, SequenceSet):
        writer.raw(value.to_bytes())
    elif isinstance(value, int):
        writer.number64(value)
    elif isinstance(value, bytes):
        writer.string(value)
    else:
        _write_group(writer, value)


def write_option_value(writer: Writer, value: tuple[ExtComp, ...]) -> None:
    """``option-value = "(" option-val-comp ")"``."""
    _write_group(writer, value)
