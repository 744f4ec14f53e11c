r"""Generic IMAP values: a value read for its shape alone, when no grammar rule is known for it.

RFC 9051 §4: "Data in IMAP4rev2 can be in one of several forms: atom, number, string,
parenthesized list, or NIL." An item a parser does not know (a vendor's FETCH attribute such as
``X-GM-LABELS``) or one whose value breaks its own rule can still be read -- and skipped
safely -- as one of those, so that one odd item does not cost a whole response::

    generic-value = token / number / string / literal8 / nil /
                    "(" [generic-value *(SP generic-value)] ")"
    token         = 1*<any CHAR except SP, CTL, "(", ")", "{" and DQUOTE>
                      ; atoms, flags ("\Seen"), and vendor oddities ("[", "]", "<")

(Not an RFC rule: the union of the forms of RFC 9051 §4, written so that every value the
grammar can hold is one.) A :data:`GenericValue` is a ``str`` token as sent, ``bytes`` for a
string, an ``int`` for a number (written canonically, up to 2**63-1), ``None`` for NIL, a
binary :class:`~pymailproto.imap._values.Literal` for a literal8, or a ``tuple`` for a list.
"""

from __future__ import annotations

import re
from typing import TypeAlias

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import DEFAULT_MAX_DEPTH, MAX_NUMBER64, Reader
from pymailproto.imap._values import Literal, Writer

__all__ = ["GenericValue", "check_generic_value", "read_generic_value", "write_generic_value"]

#: A well-formed IMAP value of no particular grammar: an atom-like token (``str``, as sent), a
#: string (``bytes``), a number (``int``, up to 2**63-1), NIL (``None``), a literal8 (a binary
#: :class:`~pymailproto.imap._values.Literal`) or a parenthesised list (``tuple``).
GenericValue: TypeAlias = str | bytes | int | Literal | tuple["GenericValue", ...] | None

# Anything up to SP, parentheses, "{" or DQUOTE that is 7-bit and not a control: atoms, flags
# (\Seen), numbers, and the odd "[" "]" "<" ">" of vendor items.
_TOKEN = re.compile(rb'[^\x00-\x20\x7f-\xff(){"]+')
_TOKEN_TEXT = re.compile(r'[^\x00-\x20\x7f-\U0010ffff(){"]+')


def _token_value(token: bytes) -> str | int | None:
    """A token as a number (when it is one written canonically: a leading zero would not be
    written back), NIL (None) or an atom-like ``str``."""
    if token.isdigit():
        if token[0] != 0x30 or len(token) == 1:
            number = int(token)
            if number <= MAX_NUMBER64:
                return number
    elif token.upper() == b"NIL":
        return None
    return token.decode("ascii")


def read_generic_value(reader: Reader) -> GenericValue:
    """One generic value (see :data:`GenericValue`); lists are read without recursion, their
    depth bounded by the reader's limit."""
    stack: list[list[GenericValue]] = []
    buf = reader.buf
    while True:
        pos = reader.pos
        octet = buf[pos] if pos < reader.end else -1
        value: GenericValue
        if octet == 0x28:
            reader.open_list()
            if reader.peek() != 0x29:
                stack.append([])
                continue
            reader.close_list()
            value = ()
        elif octet == 0x22:
            value = reader.read_quoted()
        elif octet == 0x7B:
            value = reader.read_literal()
        elif octet == 0x7E and buf.startswith(b"~{", pos):
            value = _binary_literal(reader.read_literal8())
        else:
            m = _TOKEN.match(buf, pos)
            if m is None:
                raise reader.error("a value (atom, number, string, NIL or list)")
            reader.pos = m.end()
            value = _token_value(m.group())
        while True:
            if not stack:
                return value
            stack[-1].append(value)
            if reader.skip_sp():
                break
            reader.close_list()
            value = tuple(stack.pop())


def _binary_literal(data: bytes) -> Literal:
    value = object.__new__(Literal)
    object.__setattr__(value, "data", data)
    object.__setattr__(value, "binary", True)
    return value


def check_generic_value(value: object) -> None:
    """Raise :class:`~pymailproto.imap.IMAPValueError` unless ``value`` is a generic value
    that writes to bytes reading back the same."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if item is None:
            continue
        if isinstance(item, str):
            if (
                _TOKEN_TEXT.fullmatch(item) is None
                or item.upper() == "NIL"
                or (_token_value(item.encode("ascii")) != item)
            ):
                raise IMAPValueError(
                    f"not an atom-like token (it would read back as something else): {item!r}"
                )
        elif isinstance(item, bytes):
            if 0 in item:
                raise IMAPValueError("a string cannot hold NUL; use a binary Literal")
        elif isinstance(item, bool) or (isinstance(item, int) and not 0 <= item <= MAX_NUMBER64):
            raise IMAPValueError(f"not an IMAP number (0 to 2**63-1): {item!r}")
        elif isinstance(item, int):
            continue
        elif isinstance(item, Literal):
            if not item.binary:
                raise IMAPValueError("a generic value's literal is a literal8 (binary=True)")
        elif isinstance(item, tuple):
            if depth >= DEFAULT_MAX_DEPTH:
                raise IMAPValueError("generic value nested too deeply")
            stack.extend((child, depth + 1) for child in item)
        else:
            raise IMAPValueError(f"not a generic IMAP value: {item!r}")


def write_generic_value(writer: Writer, value: GenericValue) -> None:
    """A generic value: tokens as they are, strings in their cheapest form."""
    if value is None:
        writer.raw(b"NIL")
    elif isinstance(value, str):
        writer.raw(value.encode("ascii"))
    elif isinstance(value, bytes):
        writer.string(value)
    elif isinstance(value, int):
        writer.number64(value)
    elif isinstance(value, Literal):
        writer.value(value)
    else:
        writer.raw(b"(")
        for index, item in enumerate(value):
            if index:
                writer.sp()
            write_generic_value(writer, item)
        writer.raw(b")")
