"""Commands on mailboxes: CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LIST, LSUB, NAMESPACE, STATUS
(RFC 9051 §6.3, RFC 3501 §6.3, and their extensions). SELECT and EXAMINE are in
:mod:`._commands_select`.

RFC 9051 §9::

    create          = "CREATE" SP mailbox
                        ; Use of INBOX gives a NO error
    delete          = "DELETE" SP mailbox
                        ; Use of INBOX gives a NO error
    rename          = "RENAME" SP mailbox SP mailbox
                        ; Use of INBOX as a destination gives a NO error
    subscribe       = "SUBSCRIBE" SP mailbox
    unsubscribe     = "UNSUBSCRIBE" SP mailbox
    namespace-command = "NAMESPACE"
    status          = "STATUS" SP mailbox SP
                      "(" status-att *(SP status-att) ")"
    list            = "LIST" [SP list-select-opts] SP
                      mailbox SP mbox-or-pat
                      [SP list-return-opts]
    lsub            = "LSUB" SP mailbox SP list-mailbox       ; RFC 3501 §9

RFC 4466 §2 (not on disk; the rule RFC 6154 §6 extends)::

    create          = "CREATE" SP mailbox [create-params]
    create-params   = SP "(" create-param *( SP create-param) ")"
    create-param    = create-param-name [SP create-param-value]
    create-param-name = tagged-ext-label
    create-param-value= tagged-ext-val

RFC 6154 §6 (SPECIAL-USE)::

    create-param   =/  "USE" SP "(" [use-attr *(SP use-attr)] ")"
    use-attr        =  "\\All" / "\\Archive" / "\\Drafts" / "\\Flagged" /
                     "\\Junk" / "\\Sent" / "\\Trash" / use-attr-ext
    use-attr-ext    =  "\\" atom

RFC 4466's ``rename-params`` are not modelled (no extension on disk defines one): RENAME with
parameters is a syntax error.

LIST's arguments are those of :class:`~._list.ListArguments` (LIST-EXTENDED, LIST-STATUS,
SPECIAL-USE), which also fixes their canonical form: reference and patterns as quoted strings.
Everywhere else a mailbox is written as an astring (an atom when it can be), as the RFC
examples do (``CREATE owatagusiam/``, ``STATUS blurdybloop (...)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from pymailproto.imap._command_base import (
    Command,
    ExtParam,
    check_ext_params,
    check_mailbox,
    read_command_mailbox,
    read_ext_param,
    read_name,
    register,
    tag_of_reader,
    write_ext_params,
    write_mailbox,
)
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._flags import MailboxAttribute
from pymailproto.imap._lexer import Reader
from pymailproto.imap._list import (
    ListArguments,
    ListReturn,
    ListSelection,
    read_list_arguments,
    write_list_arguments,
)
from pymailproto.imap._status import StatusAtt, read_status_att_list, write_status_att_list
from pymailproto.imap._values import Writer, _trusted, check_tag

__all__ = [
    "CreateCommand",
    "DeleteCommand",
    "ListCommand",
    "LsubCommand",
    "NamespaceCommand",
    "RenameCommand",
    "StatusCommand",
    "SubscribeCommand",
    "UnsubscribeCommand",
]

_M = TypeVar("_M", bound="_MailboxCommand")

_CREATE_PARAMS = ("USE",)
# use-attr = "\" atom (RFC 6154 §6), the same shape as every mailbox attribute.
_USE_ATTR = re.compile(rb'\\[^\x00-\x20\x7f-\xff(){%*"\\\]]+')


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


# --- commands taking one mailbox ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _MailboxCommand(Command):
    """``NAME SP mailbox``."""

    mailbox: str

    def __init__(self, tag: str, mailbox: str) -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))

    @classmethod
    def read(cls: type[_M], reader: Reader) -> _M:
        """``NAME SP mailbox`` CRLF."""
        read_name(reader, cls.NAME.encode("ascii"))
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), mailbox=mailbox)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(self.NAME.encode("ascii") + b" ")
        write_mailbox(writer, self.mailbox)


@register
@dataclass(frozen=True, slots=True, init=False)
class DeleteCommand(_MailboxCommand):
    """``DELETE mailbox`` (RFC 9051 §6.3.5)."""

    NAME: ClassVar[str] = "DELETE"


@register
@dataclass(frozen=True, slots=True, init=False)
class SubscribeCommand(_MailboxCommand):
    """``SUBSCRIBE mailbox`` (RFC 9051 §6.3.7)."""

    NAME: ClassVar[str] = "SUBSCRIBE"


@register
@dataclass(frozen=True, slots=True, init=False)
class UnsubscribeCommand(_MailboxCommand):
    """``UNSUBSCRIBE mailbox`` (RFC 9051 §6.3.8)."""

    NAME: ClassVar[str] = "UNSUBSCRIBE"


# --- CREATE / RENAME ------------------------------------------------------------------------------


def _read_use_attr(reader: Reader) -> MailboxAttribute:
    """``use-attr`` (RFC 6154 §6): ``"\\" atom``."""
    m = _USE_ATTR.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error('use-attr ("\\" atom, RFC 6154 §6)')
    reader.pos = m.end()
    return MailboxAttribute(m.group().decode("ascii"))


@register
@dataclass(frozen=True, slots=True, init=False)
class CreateCommand(Command):
    """``CREATE mailbox [(params)]`` (RFC 9051 §6.3.4; USE, RFC 6154 §3)::

        CreateCommand("A003", "owatagusiam/")
        CreateCommand("t2", "MySpecial", use=[MailboxAttribute.DRAFTS, MailboxAttribute.SENT])

    ``use``: the special uses to give the new mailbox (None: no USE parameter; ``()``:
    ``USE ()``). ``params``: other create parameters (RFC 4466) as ``(NAME, value)`` pairs.
    """

    NAME: ClassVar[str] = "CREATE"
    mailbox: str
    use: tuple[MailboxAttribute, ...] | None
    params: tuple[ExtParam, ...]

    def __init__(
        self,
        tag: str,
        mailbox: str,
        *,
        use: Iterable[MailboxAttribute] | None = None,
        params: Iterable[ExtParam] = (),
    ) -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))
        attributes = None
        if use is not None:
            attributes = tuple(use)
            for attribute in attributes:
                if not isinstance(attribute, MailboxAttribute):
                    raise IMAPValueError(f"USE takes MailboxAttributes, not {attribute!r}")
        _set(self, "use", attributes)
        _set(self, "params", check_ext_params(params, _CREATE_PARAMS))

    @classmethod
    def read(cls, reader: Reader) -> CreateCommand:
        """``"CREATE" SP mailbox [create-params]`` CRLF."""
        read_name(reader, b"CREATE")
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        use = None
        params: list[ExtParam] = []
        if reader.at(b" ("):
            reader.pos += 1
            reader.open_list()
            seen: set[str] = set()
            while True:
                pos = reader.pos
                name = reader.read_keyword()
                if name in seen:
                    raise reader.fail(f"create parameter {name} given twice", pos)
                seen.add(name)
                if name == "USE":
                    reader.expect_sp()
                    use = tuple(reader.read_list(_read_use_attr))
                else:
                    params.append(read_ext_param(reader, name))
                if not reader.skip_sp():
                    break
            reader.close_list()
        reader.finish()
        return _trusted(
            cls, tag=tag_of_reader(reader), mailbox=mailbox, use=use, params=tuple(params)
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"CREATE ")
        write_mailbox(writer, self.mailbox)
        if self.use is None and not self.params:
            return
        writer.raw(b" (")
        first = True
        if self.use is not None:
            writer.raw(b"USE (" + b" ".join(a.to_bytes() for a in self.use) + b")")
            first = False
        write_ext_params(writer, self.params, first)
        writer.raw(b")")


@register
@dataclass(frozen=True, slots=True, init=False)
class RenameCommand(Command):
    """``RENAME mailbox new-name`` (RFC 9051 §6.3.6)."""

    NAME: ClassVar[str] = "RENAME"
    mailbox: str
    new_name: str

    def __init__(self, tag: str, mailbox: str, new_name: str) -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))
        _set(self, "new_name", check_mailbox(new_name))

    @classmethod
    def read(cls, reader: Reader) -> RenameCommand:
        """``"RENAME" SP mailbox SP mailbox`` CRLF."""
        read_name(reader, b"RENAME")
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        reader.expect_sp()
        new_name = read_command_mailbox(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), mailbox=mailbox, new_name=new_name)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"RENAME ")
        write_mailbox(writer, self.mailbox)
        writer.sp()
        write_mailbox(writer, self.new_name)


# --- LIST / LSUB / NAMESPACE / STATUS -------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, init=False)
class ListCommand(Command):
    """``LIST [(selection)] reference pattern(s) [RETURN (options)]`` (RFC 9051 §6.3.9,
    RFC 5258, RFC 5819, RFC 6154)::

        ListCommand("A101", "", "")                        # LIST "" ""
        ListCommand("A01", "", "%", returns=[ListReturnStatus([StatusAtt.MESSAGES])])
        ListCommand("a3.1", "", ("%", "music/rock"))       # LIST "" ("%" "music/rock")

    The fields are those of :class:`~._list.ListArguments` (see there for the distinction
    between no options and ``()``, and between one pattern and a parenthesised list).
    """

    NAME: ClassVar[str] = "LIST"
    reference: str
    patterns: str | tuple[str, ...]
    selection: tuple[ListSelection, ...] | None
    returns: tuple[ListReturn, ...] | None

    def __init__(
        self,
        tag: str,
        reference: str,
        patterns: str | Iterable[str],
        *,
        selection: Iterable[ListSelection] | None = None,
        returns: Iterable[ListReturn] | None = None,
    ) -> None:
        arguments = ListArguments(reference, patterns, selection=selection, returns=returns)
        _set(self, "tag", check_tag(tag))
        for name in ("reference", "patterns", "selection", "returns"):
            _set(self, name, getattr(arguments, name))

    @property
    def arguments(self) -> ListArguments:
        """The arguments as a :class:`~._list.ListArguments`."""
        return _trusted(
            ListArguments,
            reference=self.reference,
            patterns=self.patterns,
            selection=self.selection,
            returns=self.returns,
        )

    @property
    def is_extended(self) -> bool:
        """Whether this is the extended syntax (RFC 9051 §6.3.9, RFC 5258 §3)."""
        return self.arguments.is_extended

    @classmethod
    def read(cls, reader: Reader) -> ListCommand:
        """``"LIST" SP`` list arguments CRLF."""
        read_name(reader, b"LIST")
        reader.expect_sp()
        arguments = read_list_arguments(reader, utf8=reader.utf8)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            reference=arguments.reference,
            patterns=arguments.patterns,
            selection=arguments.selection,
            returns=arguments.returns,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"LIST ")
        write_list_arguments(writer, self.arguments)


@register
@dataclass(frozen=True, slots=True, init=False)
class LsubCommand(Command):
    """``LSUB reference pattern`` (RFC 3501 §6.3.9; gone from IMAP4rev2, where
    ``LIST (SUBSCRIBED)`` replaces it). Written like LIST's basic form, names quoted."""

    NAME: ClassVar[str] = "LSUB"
    reference: str
    pattern: str

    def __init__(self, tag: str, reference: str, pattern: str) -> None:
        if not isinstance(pattern, str):
            raise IMAPValueError(f"an LSUB pattern is a str, not {type(pattern).__name__}")
        arguments = ListArguments(reference, pattern)
        _set(self, "tag", check_tag(tag))
        _set(self, "reference", arguments.reference)
        _set(self, "pattern", arguments.patterns)

    @classmethod
    def read(cls, reader: Reader) -> LsubCommand:
        """``"LSUB" SP mailbox SP list-mailbox`` CRLF."""
        read_name(reader, b"LSUB")
        reader.expect_sp()
        arguments = read_list_arguments(reader, utf8=reader.utf8, extended=False)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            reference=arguments.reference,
            pattern=arguments.patterns,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"LSUB ")
        arguments = _trusted(
            ListArguments,
            reference=self.reference,
            patterns=self.pattern,
            selection=None,
            returns=None,
        )
        write_list_arguments(writer, arguments)


@register
@dataclass(frozen=True, slots=True)
class NamespaceCommand(Command):
    """``NAMESPACE`` (RFC 9051 §6.3.10, RFC 2342)."""

    NAME: ClassVar[str] = "NAMESPACE"


@register
@dataclass(frozen=True, slots=True, init=False)
class StatusCommand(Command):
    """``STATUS mailbox (items)`` (RFC 9051 §6.3.11)::

        StatusCommand("A042", "blurdybloop", [StatusAtt.UIDNEXT, StatusAtt.MESSAGES])

    An unknown item name is a syntax error when read (the server answers BAD).
    """

    NAME: ClassVar[str] = "STATUS"
    mailbox: str
    items: tuple[StatusAtt, ...]

    def __init__(self, tag: str, mailbox: str, items: Iterable[StatusAtt]) -> None:
        atts = tuple(items)
        if not atts or not all(isinstance(att, StatusAtt) for att in atts):
            raise IMAPValueError(f"STATUS takes one or more StatusAtts: {atts!r}")
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))
        _set(self, "items", atts)

    @classmethod
    def read(cls, reader: Reader) -> StatusCommand:
        """``"STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"`` CRLF."""
        read_name(reader, b"STATUS")
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        reader.expect_sp()
        items = read_status_att_list(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), mailbox=mailbox, items=items)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"STATUS ")
        write_mailbox(writer, self.mailbox)
        writer.sp()
        write_status_att_list(writer, self.items)
