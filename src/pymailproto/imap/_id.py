"""The ID command's parameter list and the ID response (RFC 2971).

RFC 2971 §4::

    id ::= "ID" SPACE id_params_list
    id_response ::= "ID" SPACE id_params_list
    id_params_list ::= "(" #(string SPACE nstring) ")" / nil
        ;; list of field value pairs

The ``#`` list notation is read with SP between the pairs, as every example of the RFC writes
it (§3.1: ``("name" "sodr" "version" "19.34" ...)``) and as RFC 2087 §6 spells out for the
same notation; ``#`` allows zero elements, so ``()`` is a valid (empty) list, distinct from NIL
("The client may also send NIL instead of the list", §3.1).

Limits, RFC 2971 §3.3: "Field strings MUST NOT be longer than 30 octets. Value strings MUST NOT
be longer than 1024 octets. Implementations MUST NOT send more than 30 field-value pairs."
and "Implementations MUST NOT send the same field name more than once"; field names are
compared without case ("Strings are not case-sensitive"). :class:`IDParams` refuses to be built
beyond them, so this library never sends such a list.

Leniency ``enforce_limits=False`` (the default of :func:`read_id_params`): the limits bind the
sender, and an over-long version string from a peer harms no one, so lists read from the wire
are accepted whatever their size and repetitions (they stay bounded by the framer's message
size limit). Pass ``enforce_limits=True`` to refuse them with an
:class:`~pymailproto.imap.IMAPParseError`.

:func:`read_id_params` starts after ``"ID" SP`` (command and response alike).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import Writer, _octets, _trusted

__all__ = [
    "ID_MAX_FIELD",
    "ID_MAX_PAIRS",
    "ID_MAX_VALUE",
    "IDParams",
    "read_id_params",
    "write_id_params",
]

#: RFC 2971 §3.3: "Field strings MUST NOT be longer than 30 octets."
ID_MAX_FIELD = 30
#: RFC 2971 §3.3: "Value strings MUST NOT be longer than 1024 octets."
ID_MAX_VALUE = 1024
#: RFC 2971 §3.3: "Implementations MUST NOT send more than 30 field-value pairs."
ID_MAX_PAIRS = 30

_Pair = tuple[bytes, bytes | None]


def _limit_problem(pairs: Iterable[_Pair]) -> str | None:
    """What breaks the RFC 2971 §3.3 limits in ``pairs``, or None."""
    seen: set[bytes] = set()
    for count, (name, value) in enumerate(pairs, 1):
        if count > ID_MAX_PAIRS:
            return f"more than {ID_MAX_PAIRS} field-value pairs (RFC 2971 §3.3)"
        if len(name) > ID_MAX_FIELD:
            return f"field {name[:40]!r} longer than {ID_MAX_FIELD} octets (RFC 2971 §3.3)"
        if value is not None and len(value) > ID_MAX_VALUE:
            return f"value of {name!r} longer than {ID_MAX_VALUE} octets (RFC 2971 §3.3)"
        key = name.lower()
        if key in seen:
            return f"field {name!r} sent more than once (RFC 2971 §3.3)"
        seen.add(key)
    return None


@dataclass(frozen=True, slots=True, init=False)
class IDParams:
    """A non-NIL ``id_params_list``: field/value pairs in order; a value may be None (NIL:
    "the client can not or will not specify this information", RFC 2971 §3.1).

    Built from pairs or a mapping: ``IDParams({"name": "pymailproto", "version": "1.0"})``.
    ``str`` is encoded as UTF-8. Fields defined by RFC 2971 §3.3: name, version, os,
    os-version, vendor, support-url, address, date, command, arguments, environment.
    """

    pairs: tuple[_Pair, ...]

    def __init__(
        self,
        pairs: Mapping[str, bytes | str | None]
        | Mapping[bytes, bytes | str | None]
        | Iterable[tuple[bytes | str, bytes | str | None]] = (),
    ) -> None:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        checked: list[_Pair] = []
        for name, value in items:
            field = _octets(name)
            data = None if value is None else _octets(value)
            if 0 in field or (data is not None and 0 in data):
                raise IMAPValueError("ID fields and values are strings and cannot carry NUL")
            checked.append((field, data))
        problem = _limit_problem(checked)
        if problem is not None:
            raise IMAPValueError(problem)
        object.__setattr__(self, "pairs", tuple(checked))

    def get(self, field: bytes | str, default: bytes | None = None) -> bytes | None:
        """The value of ``field`` (compared without case, RFC 2971 §3.3), else ``default``.

        A field present with the value NIL gives None.
        """
        key = _octets(field).lower()
        for name, value in self.pairs:
            if name.lower() == key:
                return value
        return default

    def __len__(self) -> int:
        return len(self.pairs)


def _read_pair(reader: Reader) -> _Pair:
    name = reader.read_string()
    reader.expect_sp()
    return (name, reader.read_nstring())


def read_id_params(reader: Reader, *, enforce_limits: bool = False) -> IDParams | None:
    """``id_params_list`` (RFC 2971 §4), after ``"ID" SP``; NIL gives None::

        id_params_list ::= "(" #(string SPACE nstring) ")" / nil

    ``enforce_limits``: refuse lists beyond the RFC 2971 §3.3 limits (see the module notes
    on this leniency).
    """
    start = reader.pos
    if reader.peek() != 0x28:
        if reader.skip_nil():
            return None
        raise reader.error('id_params_list ("(" or NIL)')
    pairs = reader.read_list(_read_pair)
    if enforce_limits:
        problem = _limit_problem(pairs)
        if problem is not None:
            reader.pos = start
            raise reader.fail(problem, start)
    return _trusted(IDParams, pairs=tuple(pairs))


def write_id_params(writer: Writer, params: IDParams | None) -> None:
    """``id_params_list`` (after ``"ID" SP``): NIL for None."""
    if params is None:
        writer.raw(b"NIL")
        return
    if not isinstance(params, IDParams):
        raise IMAPValueError(f"not IDParams: {params!r}")
    writer.raw(b"(")
    for index, (name, value) in enumerate(params.pairs):
        if index:
            writer.sp()
        writer.string(name)
        writer.sp()
        writer.nstring(value)
    writer.raw(b")")
