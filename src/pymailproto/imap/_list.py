"""LIST and LSUB: arguments, LIST-EXTENDED options and the LIST/LSUB response.

RFC 9051 §9 (RFC 5258 §6 has the same rules; RFC 5819 §4 and RFC 6154 §6 extend them)::

    list            = "LIST" [SP list-select-opts] SP
                      mailbox SP mbox-or-pat
                      [SP list-return-opts]
    list-mailbox    = 1*list-char / string
    list-char       = ATOM-CHAR / list-wildcards / resp-specials
    list-wildcards  = "%" / "*"
    mbox-or-pat     = list-mailbox / patterns
    patterns        = "(" list-mailbox *(SP list-mailbox) ")"
    list-select-opts =  "(" [
                       (*(list-select-opt SP) list-select-base-opt
                        *(SP list-select-opt))
                      / (list-select-independent-opt
                        *(SP list-select-independent-opt))
                         ] ")"
    list-select-opt =  list-select-base-opt / list-select-independent-opt
                       / list-select-mod-opt
    list-select-base-opt =  "SUBSCRIBED" / option-extension
    list-select-independent-opt =  "REMOTE" / option-extension
    list-select-mod-opt =  "RECURSIVEMATCH" / option-extension
    list-select-independent-opt =/  "SPECIAL-USE"          ; RFC 6154 §6
    list-return-opts =  "RETURN" SP
                "(" [list-return-opt *(SP list-return-opt)] ")"
    return-option   = "SUBSCRIBED" / "CHILDREN" / status-option /
                      option-extension
    return-option   =/ "SPECIAL-USE"                        ; RFC 6154 §6
    status-option   = "STATUS" SP "(" status-att *(SP status-att) ")"
    option-extension = (option-standard-tag / option-vendor-tag)
                       [SP option-value]
    option-standard-tag =  atom
    option-vendor-tag =  vendor-token "-" atom

    lsub            = "LSUB" SP mailbox SP list-mailbox     ; RFC 3501 §9

    mailbox-data    =/ "LIST" SP mailbox-list
    mailbox-data    =/ "LSUB" SP mailbox-list               ; RFC 3501 §9
    mailbox-list    = "(" [mbx-list-flags] ")" SP
                       (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
                       [SP mbox-list-extended]
    mbox-list-extended =  "(" [mbox-list-extended-item
                          *(SP mbox-list-extended-item)] ")"
    mbox-list-extended-item = mbox-list-extended-item-tag SP
                               tagged-ext-val
    mbox-list-extended-item-tag = astring
    childinfo-extended-item =  "CHILDINFO" SP "("
                list-select-base-opt-quoted
                *(SP list-select-base-opt-quoted) ")"
    list-select-base-opt-quoted =  DQUOTE list-select-base-opt DQUOTE
    oldname-extended-item =  "OLDNAME" SP "(" mailbox ")"

Whether the extended syntax is used matters (RFC 9051 §6.3.9: an empty pattern asks for the
delimiter only in the basic syntax), so :class:`ListArguments` keeps the difference between
no selection options and ``()``, and between one pattern (a ``str``) and a parenthesised list
(a ``tuple``, even of one).

Canonical forms: option names upper-case; the reference, patterns and listed mailbox names as
quoted strings (a literal when they must be), as the RFC 9051 and RFC 5258 examples mostly do
(RFC 3501's examples use atoms; both forms are read); extended-item tags and CHILDINFO's
options quoted, as in every RFC example but one.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._extension import (
    ExtComp,
    TaggedExtVal,
    check_option_value,
    check_tagged_ext_val,
    read_option_value,
    read_tagged_ext_val,
    write_option_value,
    write_tagged_ext_val,
)
from pymailproto.imap._flags import MailboxAttribute, format_mbx_list_flags, read_mbx_list_flags
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import (
    decode_mailbox,
    encode_mailbox,
    normalize_mailbox,
    read_mailbox,
)
from pymailproto.imap._status import StatusAtt, read_status_att_list, write_status_att_list
from pymailproto.imap._values import Writer, check_atom

__all__ = [
    "ChildInfo",
    "ExtendedItem",
    "ListArguments",
    "ListExtendedItem",
    "ListOptionExtension",
    "ListResponse",
    "ListReturn",
    "ListReturnOption",
    "ListReturnStatus",
    "ListSelectOption",
    "ListSelection",
    "OldName",
    "read_list_arguments",
    "read_list_pattern",
    "read_list_response",
    "write_list_arguments",
    "write_list_response",
]


class ListSelectOption(enum.Enum):
    """LIST selection options (RFC 9051 §6.3.9.1, RFC 6154 §2)."""

    #: List subscribed names (implies the SUBSCRIBED return option).
    SUBSCRIBED = "SUBSCRIBED"
    #: Include remote mailboxes (RFC 2193).
    REMOTE = "REMOTE"
    #: Also return parents whose children match (CHILDINFO); needs a base option.
    RECURSIVEMATCH = "RECURSIVEMATCH"
    #: Only mailboxes with a special use (RFC 6154 §2).
    SPECIAL_USE = "SPECIAL-USE"


class ListReturnOption(enum.Enum):
    """LIST return options without parameters (RFC 9051 §6.3.9.2, RFC 6154 §2)."""

    #: Return \\Subscribed.
    SUBSCRIBED = "SUBSCRIBED"
    #: Return \\HasChildren / \\HasNoChildren.
    CHILDREN = "CHILDREN"
    #: Return the special-use attributes (RFC 6154 §2).
    SPECIAL_USE = "SPECIAL-USE"


_SELECT = {option.value: option for option in ListSelectOption}
_RETURN = {option.value: option for option in ListReturnOption}
_KNOWN_OPTIONS = frozenset(_SELECT) | frozenset(_RETURN) | {"STATUS"}


@dataclass(frozen=True, slots=True, init=False)
class ListReturnStatus:
    """The STATUS return option, ``STATUS (MESSAGES UNSEEN)`` (RFC 5819, RFC 9051 §6.3.9.2)."""

    atts: tuple[StatusAtt, ...]

    def __init__(self, atts: Iterable[StatusAtt]) -> None:
        items = tuple(atts)
        if not items or not all(isinstance(att, StatusAtt) for att in items):
            raise IMAPValueError(f"STATUS return option takes one or more StatusAtts: {items!r}")
        object.__setattr__(self, "atts", items)


@dataclass(frozen=True, slots=True, init=False)
class ListOptionExtension:
    """Any other selection or return option: ``option-extension = (option-standard-tag /
    option-vendor-tag) [SP option-value]``; the name is kept upper-case, the value is a
    non-empty tuple of comps (see :mod:`._extension`) or None."""

    name: str
    value: tuple[ExtComp, ...] | None

    def __init__(self, name: str, value: tuple[ExtComp, ...] | None = None) -> None:
        check_atom(name)
        if name.upper() in _KNOWN_OPTIONS:
            raise IMAPValueError(f"{name} is a known LIST option; use its enum member")
        object.__setattr__(self, "name", name.upper())
        object.__setattr__(self, "value", None if value is None else check_option_value(value))


#: A selection option.
ListSelection: TypeAlias = ListSelectOption | ListOptionExtension
#: A return option.
ListReturn: TypeAlias = ListReturnOption | ListReturnStatus | ListOptionExtension


def _recursive_match_ok(selection: tuple[ListSelection, ...]) -> bool:
    """RFC 9051 §6.3.9.1: RECURSIVEMATCH "MUST NOT occur as the only selection option (or
    only with REMOTE)"; per the ABNF it needs a list-select-base-opt (SUBSCRIBED or an
    option-extension). SPECIAL-USE is an independent option (RFC 6154 §6), not a base."""
    if ListSelectOption.RECURSIVEMATCH not in selection:
        return True
    return any(
        option is ListSelectOption.SUBSCRIBED or isinstance(option, ListOptionExtension)
        for option in selection
    )


def _check_pattern(value: object) -> str:
    if not isinstance(value, str):
        raise IMAPValueError(f"LIST patterns and references are str, not {type(value).__name__}")
    return normalize_mailbox(value)


@dataclass(frozen=True, slots=True, init=False)
class ListArguments:
    """Everything after ``LIST SP`` (or ``LSUB SP``)::

        ListArguments("", "*")                                     # LIST "" "*"
        ListArguments("", ("INBOX", "Sent/%"))                     # LIST "" ("INBOX" "Sent/%")
        ListArguments("", "%", selection=[ListSelectOption.SUBSCRIBED],
                      returns=[ListReturnOption.CHILDREN, ListReturnStatus([StatusAtt.UNSEEN])])

    ``patterns``: a ``str`` for the single-pattern form, a non-empty ``tuple`` for
    ``patterns``. ``selection`` / ``returns``: None when absent, a tuple (maybe empty: ``()``
    and ``RETURN ()`` are the extended syntax) when present.
    """

    reference: str
    patterns: str | tuple[str, ...]
    selection: tuple[ListSelection, ...] | None
    returns: tuple[ListReturn, ...] | None

    def __init__(
        self,
        reference: str,
        patterns: str | Iterable[str],
        *,
        selection: Iterable[ListSelection] | None = None,
        returns: Iterable[ListReturn] | None = None,
    ) -> None:
        object.__setattr__(self, "reference", _check_pattern(reference))
        if isinstance(patterns, str):
            object.__setattr__(self, "patterns", _check_pattern(patterns))
        else:
            items = tuple(_check_pattern(pattern) for pattern in patterns)
            if not items:
                raise IMAPValueError("a LIST pattern list cannot be empty (RFC 5258 §6)")
            object.__setattr__(self, "patterns", items)
        select = None
        if selection is not None:
            select = tuple(selection)
            for option in select:
                if not isinstance(option, (ListSelectOption, ListOptionExtension)):
                    raise IMAPValueError(f"not a LIST selection option: {option!r}")
            if not _recursive_match_ok(select):
                raise IMAPValueError(
                    "RECURSIVEMATCH needs SUBSCRIBED or another base selection option "
                    "(RFC 9051 §6.3.9.1)"
                )
        object.__setattr__(self, "selection", select)
        ret = None
        if returns is not None:
            ret = tuple(returns)
            for item in ret:
                if not isinstance(item, (ListReturnOption, ListReturnStatus, ListOptionExtension)):
                    raise IMAPValueError(f"not a LIST return option: {item!r}")
        object.__setattr__(self, "returns", ret)

    @property
    def is_extended(self) -> bool:
        """Whether this is the extended LIST syntax (RFC 9051 §6.3.9, RFC 5258 §3)."""
        return (
            self.selection is not None
            or self.returns is not None
            or isinstance(self.patterns, tuple)
        )

    def write(self, writer: Writer) -> None:
        """The arguments' wire form (see :func:`write_list_arguments`)."""
        write_list_arguments(writer, self)


# --- reading the arguments ------------------------------------------------------------------------


def _mailbox_error(reader: Reader, pos: int, exc: IMAPValueError) -> IMAPParseError:
    reader.pos = pos
    return reader.fail(f"invalid mailbox name or pattern ({exc})", pos)


def read_list_pattern(reader: Reader, *, utf8: bool) -> str:
    """``list-mailbox = 1*list-char / string`` (RFC 9051 §9), decoded like a mailbox name
    (modified UTF-7, or UTF-8 with ``utf8``); the wildcards ``%`` and ``*`` are kept."""
    pos = reader.pos
    data = reader.read_list_mailbox()
    try:
        return decode_mailbox(data, utf8=utf8)
    except IMAPValueError as exc:
        raise _mailbox_error(reader, pos, exc) from None


def _read_extension_option(reader: Reader, name: str) -> ListOptionExtension:
    value = None
    if reader.at(b" ("):
        reader.pos += 1
        value = read_option_value(reader)
    option = object.__new__(ListOptionExtension)
    object.__setattr__(option, "name", name)
    object.__setattr__(option, "value", value)
    return option


def _read_select_option(reader: Reader) -> ListSelection:
    name = reader.read_atom().upper()
    option = _SELECT.get(name)
    if option is not None:
        return option
    return _read_extension_option(reader, name)


def _read_return_option(reader: Reader) -> ListReturn:
    name = reader.read_atom().upper()
    option = _RETURN.get(name)
    if option is not None:
        return option
    if name == "STATUS":
        reader.expect_sp()
        status = object.__new__(ListReturnStatus)
        object.__setattr__(status, "atts", read_status_att_list(reader))
        return status
    return _read_extension_option(reader, name)


def _read_selection(reader: Reader) -> tuple[ListSelection, ...]:
    start = reader.pos
    selection = tuple(reader.read_list(_read_select_option))
    if not _recursive_match_ok(selection):
        raise reader.fail(
            "RECURSIVEMATCH needs SUBSCRIBED or another base selection option (RFC 9051 §6.3.9.1)",
            start,
        )
    return selection


def read_list_arguments(reader: Reader, *, utf8: bool, extended: bool = True) -> ListArguments:
    """The arguments of LIST, from after ``LIST SP`` to before the CRLF (RFC 9051 §9 ``list``).

    With ``extended=False`` only the basic form ``mailbox SP list-mailbox`` is read: RFC
    3501's LIST, and LSUB. ``utf8``: names are UTF-8 rather than modified UTF-7.
    """
    selection = None
    if extended and reader.peek() == 0x28:
        selection = _read_selection(reader)
        reader.expect_sp()
    reference = read_mailbox(reader, utf8=utf8)
    reader.expect_sp()
    patterns: str | tuple[str, ...]
    if extended and reader.peek() == 0x28:
        reader.open_list()
        items = [read_list_pattern(reader, utf8=utf8)]
        while reader.skip_sp():
            items.append(read_list_pattern(reader, utf8=utf8))
        reader.close_list()
        patterns = tuple(items)
    else:
        patterns = read_list_pattern(reader, utf8=utf8)
    returns = None
    if extended and reader.at(b" "):
        space = reader.pos
        reader.pos += 1
        if reader.skip_keyword(b"RETURN"):
            reader.expect_sp()
            returns = tuple(reader.read_list(_read_return_option))
        else:
            reader.pos = space
    arguments = object.__new__(ListArguments)
    object.__setattr__(arguments, "reference", reference)
    object.__setattr__(arguments, "patterns", patterns)
    object.__setattr__(arguments, "selection", selection)
    object.__setattr__(arguments, "returns", returns)
    return arguments


# --- writing the arguments ------------------------------------------------------------------------


def _write_name(writer: Writer, name: str) -> None:
    """A mailbox name or pattern as a string, encoded for the session."""
    writer.string(encode_mailbox(name, utf8=writer.options.utf8))


def _write_option(writer: Writer, option: ListSelection | ListReturn) -> None:
    if isinstance(option, (ListSelectOption, ListReturnOption)):
        writer.raw(option.value.encode("ascii"))
    elif isinstance(option, ListReturnStatus):
        writer.raw(b"STATUS ")
        write_status_att_list(writer, option.atts)
    else:
        writer.raw(option.name.encode("ascii"))
        if option.value is not None:
            writer.sp()
            write_option_value(writer, option.value)


def _write_options(writer: Writer, options: tuple[ListSelection | ListReturn, ...]) -> None:
    writer.raw(b"(")
    for index, option in enumerate(options):
        if index:
            writer.sp()
        _write_option(writer, option)
    writer.raw(b")")


def write_list_arguments(writer: Writer, arguments: ListArguments) -> None:
    """``[list-select-opts SP] mailbox SP mbox-or-pat [SP list-return-opts]``."""
    if arguments.selection is not None:
        _write_options(writer, arguments.selection)
        writer.sp()
    _write_name(writer, arguments.reference)
    writer.sp()
    if isinstance(arguments.patterns, str):
        _write_name(writer, arguments.patterns)
    else:
        writer.raw(b"(")
        for index, pattern in enumerate(arguments.patterns):
            if index:
                writer.sp()
            _write_name(writer, pattern)
        writer.raw(b")")
    if arguments.returns is not None:
        writer.raw(b" RETURN ")
        _write_options(writer, arguments.returns)


# --- extended data items --------------------------------------------------------------------------

_OPTION_NAME = re.compile(r'[^\x00-\x20\x7f-\U0010ffff(){%*"\\\]]+')


@dataclass(frozen=True, slots=True, init=False)
class ChildInfo:
    """``CHILDINFO ("SUBSCRIBED")`` (RFC 9051 §6.3.9.6): the mailbox has descendants that match
    these selection options (RECURSIVEMATCH). Option names are kept upper-case."""

    options: tuple[str, ...]

    def __init__(self, options: Iterable[str]) -> None:
        items = tuple(check_atom(option).upper() for option in options)
        if not items:
            raise IMAPValueError("CHILDINFO lists at least one selection option")
        object.__setattr__(self, "options", items)


@dataclass(frozen=True, slots=True, init=False)
class OldName:
    """``OLDNAME ("OldMailbox")`` (RFC 9051 §6.3.9.7): the mailbox's previous name."""

    mailbox: str

    def __init__(self, mailbox: str) -> None:
        object.__setattr__(self, "mailbox", _check_pattern(mailbox))


_VENDOR_TAG = re.compile(r"vendor\.[^./%*\x00-\x20\x7f]+-" + _OPTION_NAME.pattern, re.IGNORECASE)


def _upper_ascii(text: str) -> str:
    """ASCII letters upper-cased, others kept (vendor tags may hold UTF-8, RFC 5258 §9.2)."""
    return text.encode("utf-8").upper().decode("utf-8")


@dataclass(frozen=True, slots=True, init=False)
class ListExtendedItem:
    """Any other extended data item: ``tag SP tagged-ext-val`` (RFC 9051 §7.3.1). The tag is
    an ``eitem-standard-tag`` (atom) or ``eitem-vendor-tag`` (``vendor.<name>-atom``), kept
    with ASCII letters upper-case (tags are case-insensitive, RFC 5258 §9.2)."""

    tag: str
    value: TaggedExtVal

    def __init__(self, tag: str, value: TaggedExtVal) -> None:
        if not isinstance(tag, str) or (
            _OPTION_NAME.fullmatch(tag) is None and _VENDOR_TAG.fullmatch(tag) is None
        ):
            raise IMAPValueError(f"not an extended item tag (RFC 9051 §9): {tag!r}")
        if tag.upper() in ("CHILDINFO", "OLDNAME"):
            raise IMAPValueError(f"{tag} is a typed item: use ChildInfo or OldName")
        object.__setattr__(self, "tag", _upper_ascii(tag))
        object.__setattr__(self, "value", check_tagged_ext_val(value))


#: An extended data item of a LIST response.
ExtendedItem: TypeAlias = ChildInfo | OldName | ListExtendedItem


def _read_extended_item(reader: Reader, utf8: bool) -> ExtendedItem:
    pos = reader.pos
    raw_tag = reader.read_astring()
    try:
        tag = _upper_ascii(raw_tag.decode("utf-8"))
    except UnicodeDecodeError:
        reader.pos = pos
        raise reader.fail("extended item tag is not UTF-8", pos) from None
    reader.expect_sp()
    start = reader.pos
    value = read_tagged_ext_val(reader)
    if tag == "CHILDINFO":
        options = _childinfo_options(value)
        if options is None:
            raise reader.error('CHILDINFO ("option" ...) (RFC 9051 §9)', start)
        childinfo = object.__new__(ChildInfo)
        object.__setattr__(childinfo, "options", options)
        return childinfo
    if tag == "OLDNAME":
        if not (isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], bytes)):
            raise reader.error("OLDNAME (mailbox) (RFC 9051 §9)", start)
        try:
            mailbox = decode_mailbox(value[0], utf8=utf8)
        except IMAPValueError as exc:
            raise _mailbox_error(reader, start, exc) from None
        oldname = object.__new__(OldName)
        object.__setattr__(oldname, "mailbox", mailbox)
        return oldname
    item = object.__new__(ListExtendedItem)
    object.__setattr__(item, "tag", tag)
    object.__setattr__(item, "value", value)
    return item


def _childinfo_options(value: TaggedExtVal) -> tuple[str, ...] | None:
    if not isinstance(value, tuple) or not value:
        return None
    options = []
    for comp in value:
        if not isinstance(comp, bytes) or _OPTION_NAME.fullmatch(comp.decode("latin-1")) is None:
            return None
        options.append(comp.decode("ascii").upper())
    return tuple(options)


def _write_extended_item(writer: Writer, item: ExtendedItem) -> None:
    if isinstance(item, ChildInfo):
        writer.raw(b'"CHILDINFO" (')
        writer.raw(b" ".join(b'"' + option.encode("ascii") + b'"' for option in item.options))
        writer.raw(b")")
    elif isinstance(item, OldName):
        writer.raw(b'"OLDNAME" (')
        _write_name(writer, item.mailbox)
        writer.raw(b")")
    else:
        writer.string(item.tag)
        writer.sp()
        write_tagged_ext_val(writer, item.value)


# --- the LIST / LSUB response ---------------------------------------------------------------------


def _check_attributes(attributes: Iterable[MailboxAttribute]) -> tuple[MailboxAttribute, ...]:
    items = tuple(attributes)
    format_mbx_list_flags(items)  # types, and at most one selectability attribute
    if len(set(items)) != len(items):
        raise IMAPValueError("each mailbox attribute appears once (RFC 9051 §9 mbx-list-oflag)")
    if MailboxAttribute.HAS_CHILDREN in items and MailboxAttribute.HAS_NO_CHILDREN in items:
        raise IMAPValueError("\\HasChildren and \\HasNoChildren together (RFC 9051 §7.3.1)")
    return items


def _check_delimiter(delimiter: str | None) -> str | None:
    if delimiter is None:
        return None
    if (
        not isinstance(delimiter, str)
        or len(delimiter) != 1
        or delimiter in "\r\n\x00"
        or "\ud800" <= delimiter <= "\udfff"
    ):
        raise IMAPValueError(f"a hierarchy delimiter is one QUOTED-CHAR or None: {delimiter!r}")
    return delimiter


@dataclass(frozen=True, slots=True, init=False)
class ListResponse:
    """``LIST (attributes) delimiter mailbox [(extended items)]`` (RFC 9051 §7.3.1), or with
    ``lsub`` the RFC 3501 ``LSUB`` response of the same shape::

        ListResponse([MailboxAttribute.HAS_NO_CHILDREN], "/", "Fruit/Banana")
        ListResponse([], "/", "Foo", extended=[ChildInfo(["SUBSCRIBED"])])

    ``delimiter`` is one character, or None for a flat namespace (NIL). Built in Python, the
    attributes may hold at most one of \\NonExistent \\Noselect \\Marked \\Unmarked, no
    repeats, and not both \\HasChildren and \\HasNoChildren (a server error, RFC 9051 §7.3.1;
    read from the wire, only the first rule -- which is grammar -- is enforced).
    """

    attributes: tuple[MailboxAttribute, ...]
    delimiter: str | None
    mailbox: str
    extended: tuple[ExtendedItem, ...]
    lsub: bool

    def __init__(
        self,
        attributes: Iterable[MailboxAttribute],
        delimiter: str | None,
        mailbox: str,
        *,
        extended: Iterable[ExtendedItem] = (),
        lsub: bool = False,
    ) -> None:
        object.__setattr__(self, "attributes", _check_attributes(attributes))
        object.__setattr__(self, "delimiter", _check_delimiter(delimiter))
        object.__setattr__(self, "mailbox", _check_pattern(mailbox))
        items = tuple(extended)
        for item in items:
            if not isinstance(item, (ChildInfo, OldName, ListExtendedItem)):
                raise IMAPValueError(f"not an extended LIST item: {item!r}")
        object.__setattr__(self, "extended", items)
        object.__setattr__(self, "lsub", bool(lsub))

    def write(self, writer: Writer) -> None:
        """The response's wire form, from ``LIST`` (see :func:`write_list_response`)."""
        write_list_response(writer, self)


def read_list_response(reader: Reader, *, utf8: bool) -> ListResponse:
    """``"LIST" SP mailbox-list`` or ``"LSUB" SP mailbox-list`` (RFC 9051 §9, RFC 3501 §9).

    ``utf8``: mailbox names are UTF-8 (UTF8=ACCEPT / IMAP4rev2) rather than modified UTF-7.
    """
    pos = reader.pos
    word = reader.read_keyword()
    if word not in ("LIST", "LSUB"):
        reader.pos = pos
        raise reader.error('"LIST" or "LSUB"', pos)
    reader.expect_sp()
    attributes = read_mbx_list_flags(reader)
    reader.expect_sp()
    delimiter = None
    pos = reader.pos
    if reader.peek() == 0x22:
        text = reader.read_quoted().decode("utf-8")  # the reader checked the UTF-8
        if len(text) != 1:
            reader.pos = pos
            raise reader.error("a one-character hierarchy delimiter", pos)
        delimiter = text
    elif not reader.skip_nil():
        raise reader.error("hierarchy delimiter (DQUOTE QUOTED-CHAR DQUOTE / nil)")
    reader.expect_sp()
    mailbox = read_mailbox(reader, utf8=utf8)
    extended: tuple[ExtendedItem, ...] = ()
    if reader.at(b" ("):
        reader.pos += 1
        extended = tuple(reader.read_list(lambda r: _read_extended_item(r, utf8)))
    response = object.__new__(ListResponse)
    object.__setattr__(response, "attributes", attributes)
    object.__setattr__(response, "delimiter", delimiter)
    object.__setattr__(response, "mailbox", mailbox)
    object.__setattr__(response, "extended", extended)
    object.__setattr__(response, "lsub", word == "LSUB")
    return response


def write_list_response(writer: Writer, response: ListResponse) -> None:
    """``"LIST" SP mailbox-list`` (or ``LSUB``); names encoded for ``writer.options.utf8``."""
    writer.raw(b"LSUB " if response.lsub else b"LIST ")
    writer.raw(format_mbx_list_flags(response.attributes))
    writer.sp()
    if response.delimiter is None:
        writer.raw(b"NIL")
    else:
        writer.quoted(response.delimiter)
    writer.sp()
    _write_name(writer, response.mailbox)
    if response.extended:
        writer.raw(b" (")
        for index, item in enumerate(response.extended):
            if index:
                writer.sp()
            _write_extended_item(writer, item)
        writer.raw(b")")
