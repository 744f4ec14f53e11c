"""The base of every typed IMAP command, the shared pieces of their grammar, and the registry.

RFC 9051 §9 (RFC 3501 §9 is the same, with ``x-command`` and without ``idle``/``enable``)::

    command         = tag SP (command-any / command-auth /
                      command-nonauth / command-select) CRLF
                        ; Modal based on state
    tag             = 1*<any ASTRING-CHAR except "+">
    uid             = "UID" SP
                      (copy / move / fetch / search / store /
                       uid-expunge)

A command is a frozen, slotted dataclass deriving from :class:`Command`: its ``tag`` and the
typed arguments of one command name. Built in Python, every field is validated, so no command
exists that serializes to invalid IMAP (a tag with a space, an atom with a CR, a mailbox name
that has no wire form); built by the parser, the fields are trusted.

Each class knows three things:

* ``NAME`` -- its command name, upper case (names are case-insensitive, RFC 9051 §9 note 1,
  and always written in upper case);
* ``read(reader)`` -- the grammar: a class method that starts after ``tag SP`` (at the name, or
  at ``UID`` for the UID forms), reads through the final CRLF and returns the command with the
  reader's ``tag``. Mailbox names are decoded as UTF-8 when ``reader.utf8`` is set (UTF8=ACCEPT
  or IMAP4rev2 enabled, RFC 6855 §3, RFC 9051 §5.1) and as modified UTF-7 otherwise;
* ``write(writer)`` -- the wire form as fragments (:class:`~._values.Writer`): a line ending in
  a synchronizing literal's ``{n}`` CRLF closes a fragment, so a client knows where to wait for
  ``+``. Mailbox names go through :func:`~._mailbox.encode_mailbox` (modified UTF-7 unless
  ``writer.options.utf8``), as astrings. :meth:`Command.to_bytes` joins the fragments.

:func:`register` puts a class in the name -> reader table that :func:`read_command` uses;
``UID`` is dispatched on the command name after it. The command modules register their classes
when imported (:mod:`._command_parser` imports them all).

Generic extension parameters (RFC 4466 §2; not on disk -- the rules below are the ones RFC
7162 §7 and RFC 6154 §6 extend, as RFC 4466 gives them)::

    select-param    = select-param-name [SP select-param-value]
    select-param-name = tagged-ext-label
    select-param-value = tagged-ext-val
    (create-param, store-modifier and fetch-modifier have the same shape)

are modelled as :data:`ExtParam` pairs ``(NAME, value-or-None)``; see :func:`read_ext_param`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar, TypeAlias, TypeVar

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._extension import (
    TaggedExtVal,
    check_tagged_ext_val,
    read_tagged_ext_val,
    write_tagged_ext_val,
)
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import encode_mailbox, normalize_mailbox, read_mailbox
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import Fragment, WireOptions, Writer, _trusted, check_tag

__all__ = [
    "Command",
    "CommandReader",
    "ExtParam",
    "check_bool",
    "check_ext_params",
    "check_mailbox",
    "check_sequence_set",
    "command_names",
    "read_command",
    "read_command_mailbox",
    "read_ext_param",
    "read_name",
    "register",
    "tag_of_reader",
    "write_ext_params",
    "write_mailbox",
]

_C = TypeVar("_C", bound="Command")
_DEFAULT_OPTIONS = WireOptions()

#: A generic extension parameter of RFC 4466: the name (upper case) and its tagged-ext-val,
#: or None when the parameter has no value.
ExtParam: TypeAlias = tuple[str, TaggedExtVal | None]

#: ``tagged-ext-label = tagged-label-fchar *tagged-label-char`` (RFC 9051 §9).
_LABEL = re.compile(r"[A-Za-z_.\-][A-Za-z0-9_.:\-]*")
#: Octets a tagged-ext-val may start with (sequence-set, number, "("). Strings are not
#: tagged-ext-vals, and a label never starts with any of these, so the SP before a value is
#: never confused with the SP before the next parameter.
_VALUE_START = frozenset(b"0123456789*$(")


@dataclass(frozen=True, slots=True)
class Command:
    """A client command (RFC 9051 §6): ``tag`` and, in each subclass, the typed arguments.

    The base class is the argument-less form that CAPABILITY, NOOP, LOGOUT, STARTTLS,
    NAMESPACE, IDLE, CHECK, CLOSE and UNSELECT share: ``tag SP NAME CRLF``.
    """

    tag: str

    #: The command name, upper case.
    NAME: ClassVar[str] = ""
    #: Whether the command also has a ``UID`` form (RFC 9051 §6.4.9).
    UID_FORM: ClassVar[bool] = False

    def __post_init__(self) -> None:
        check_tag(self.tag)

    @classmethod
    def read(cls: type[_C], reader: Reader) -> _C:
        """``NAME CRLF`` after ``tag SP`` -- the form of the commands without arguments."""
        reader.expect_keyword(cls.NAME.encode("ascii"))
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader))

    def write(self, writer: Writer) -> None:
        """``tag SP`` the command ``CRLF``, into ``writer``."""
        writer.tag(self.tag)
        writer.sp()
        self._write_body(writer)
        writer.crlf()

    def _write_body(self, writer: Writer) -> None:
        """What follows ``tag SP``, up to the CRLF."""
        writer.raw(self.NAME.encode("ascii"))

    def fragments(self, options: WireOptions = _DEFAULT_OPTIONS) -> list[Fragment]:
        """The wire form as fragments: wait for ``+`` after a line that ends in a
        synchronizing literal's header (:attr:`~._values.LiteralMode.SYNC`)."""
        writer = Writer(options)
        self.write(writer)
        return writer.fragments()

    def to_bytes(self, options: WireOptions = _DEFAULT_OPTIONS) -> bytes:
        """The complete wire form, literals included (for tests and logs)."""
        writer = Writer(options)
        self.write(writer)
        return writer.to_bytes()


# --- helpers the command modules share ------------------------------------------------------------


def tag_of_reader(reader: Reader) -> str:
    """The tag the reader read (``read_command`` sets it); a command cannot be built without."""
    tag = reader.tag
    if tag is None:
        raise reader.fail("no tag was read before the command (set Reader.tag)", 0)
    return tag


def read_name(reader: Reader, name: bytes, *, uid: bool = False) -> bool:
    """``["UID" SP] NAME`` (the ``UID`` only where ``uid`` allows it); whether it was there."""
    prefixed = uid and reader.skip_keyword(b"UID")
    if prefixed:
        reader.expect_sp()
    reader.expect_keyword(name)
    return prefixed


def check_mailbox(name: str) -> str:
    """A mailbox name for a command: a ``str`` with a wire form (modified UTF-7 always has
    one unless the name holds a lone surrogate), every case of INBOX made ``"INBOX"``."""
    if not isinstance(name, str):
        raise IMAPValueError(f"mailbox names are str, not {type(name).__name__}")
    encode_mailbox(name, utf8=False)  # raises for names without a Unicode form
    return normalize_mailbox(name)


def read_command_mailbox(reader: Reader) -> str:
    """``mailbox`` (RFC 9051 §9), decoded for the session (``reader.utf8``)."""
    return read_mailbox(reader, utf8=reader.utf8)


def write_mailbox(writer: Writer, name: str) -> None:
    """``mailbox`` as an astring -- an atom when it can be (``INBOX``, ``blurdybloop``, as in
    the RFC examples), else quoted, else a literal -- encoded for ``writer.options.utf8``."""
    writer.astring(encode_mailbox(name, utf8=writer.options.utf8))


def check_sequence_set(value: SequenceSet | str) -> SequenceSet:
    """A :class:`SequenceSet`, or its text (``"1:*"``, ``"$"``) parsed."""
    if isinstance(value, str):
        return SequenceSet.parse(value)
    if not isinstance(value, SequenceSet):
        raise IMAPValueError(f"expected a SequenceSet or its text, not {value!r}")
    return value


def check_bool(value: bool, what: str) -> bool:
    """A bool field (rejects other types, which would serialize to nonsense)."""
    if not isinstance(value, bool):
        raise IMAPValueError(f"{what} is a bool, not {value!r}")
    return value


# --- generic extension parameters (RFC 4466 §2) --------------------------------------------------


def check_ext_params(params: Iterable[ExtParam], reserved: Iterable[str]) -> tuple[ExtParam, ...]:
    """Validate ``(name, value)`` pairs built in Python: a tagged-ext-label not among the
    ``reserved`` (typed) names, not twice, and a tagged-ext-val or None. Names are upper-cased."""
    taken = set(reserved)
    out: list[ExtParam] = []
    for param in params:
        if not isinstance(param, tuple) or len(param) != 2:
            raise IMAPValueError(f"an extension parameter is a (name, value) pair: {param!r}")
        name, value = param
        if not isinstance(name, str) or _LABEL.fullmatch(name) is None:
            raise IMAPValueError(f"not a parameter name (tagged-ext-label): {name!r}")
        key = name.upper()
        if key in taken:
            raise IMAPValueError(f"parameter {key} is given twice or has its own field")
        taken.add(key)
        out.append((key, None if value is None else check_tagged_ext_val(value)))
    return tuple(out)


def read_ext_param(reader: Reader, name: str) -> ExtParam:
    """The rest of a generic parameter whose name was read: ``[SP tagged-ext-val]``."""
    after = reader.pos + 1
    if reader.at(b" ") and after < reader.end and reader.buf[after] in _VALUE_START:
        reader.pos = after
        return (name, read_tagged_ext_val(reader))
    return (name, None)


def write_ext_params(writer: Writer, params: Iterable[ExtParam], first: bool) -> None:
    """Each ``name [SP value]``, separated by SP (and preceded by one unless ``first``)."""
    for name, value in params:
        if not first:
            writer.sp()
        first = False
        writer.raw(name.encode("ascii"))
        if value is not None:
            writer.sp()
            write_tagged_ext_val(writer, value)


# --- the registry ---------------------------------------------------------------------------------

#: Reads one command, from after ``tag SP`` through the CRLF.
CommandReader: TypeAlias = Callable[[Reader], Command]

_READERS: dict[str, CommandReader] = {}
_UID_READERS: dict[str, CommandReader] = {}


def register(cls: type[_C]) -> type[_C]:
    """Class decorator: make :func:`read_command` read ``cls.NAME`` (and ``UID cls.NAME`` if
    ``cls.UID_FORM``) with ``cls.read``. Apply it outside ``@dataclass``."""
    if not cls.NAME or cls.NAME in _READERS:
        raise ValueError(f"command name {cls.NAME!r} is empty or taken")
    _READERS[cls.NAME] = cls.read
    if cls.UID_FORM:
        _UID_READERS[cls.NAME] = cls.read
    return cls


def command_names() -> tuple[frozenset[str], frozenset[str]]:
    """The registered command names, and those with a ``UID`` form."""
    return frozenset(_READERS), frozenset(_UID_READERS)


def read_command(reader: Reader) -> Command:
    """``command = tag SP (...) CRLF`` (RFC 9051 §9): a whole command message.

    Raises :class:`~pymailproto.imap.IMAPParseError` (with the tag, once read, and the
    offset) for anything else, an unknown command name included.
    """
    reader.read_tag()
    reader.expect_sp()
    start = reader.pos
    name = reader.read_keyword()
    table = _READERS
    if name == "UID":
        reader.expect_sp()
        name_pos = reader.pos
        name = reader.read_keyword()
        table = _UID_READERS
        if name not in table:
            raise reader.error(
                "a command with a UID form (" + ", ".join(sorted(table)) + ")", name_pos
            )
    read = table.get(name)
    if read is None:
        raise reader.fail(f"unknown command {name[:40]!r}", start)
    reader.pos = start
    return read(reader)
