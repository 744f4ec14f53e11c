"""The other authenticated-state commands: APPEND (MULTIAPPEND, BINARY, UTF8), ENABLE, IDLE,
GETQUOTA / GETQUOTAROOT / SETQUOTA, GETMETADATA / SETMETADATA and COMPRESS.

RFC 9051 §9::

    append          = "APPEND" SP mailbox [SP flag-list] [SP date-time]
                      SP literal
    enable          = "ENABLE" 1*(SP capability)
    idle            = "IDLE" CRLF "DONE"

MULTIAPPEND (RFC 3502, not on disk) and RFC 4466 §2 generalise APPEND, BINARY (RFC 3516, whose
``literal8`` RFC 9051 §9 carries) lets the message be a literal8, and RFC 6855 §4 adds UTF8::

    append          = "APPEND" SP mailbox 1*append-message
    append-message  = append-opts SP append-data
    append-opts     = [SP flag-list] [SP date-time] *(SP append-ext)
    append-data     = literal / literal8 / append-data-ext
    utf8-literal    = "UTF8" SP "(" literal8 ")"
    append-data     =/ utf8-literal

RFC 9208 §7 (QUOTA), RFC 5464 §5 (METADATA; not on disk, see :mod:`._metadata`), RFC 4978 §5
(COMPRESS)::

    getquota        = "GETQUOTA" SP quota-root-name
    getquotaroot    = "GETQUOTAROOT" SP mailbox
    setquota        = "SETQUOTA" SP quota-root-name SP setquota-list
    getmetadata     = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
    setmetadata     = "SETMETADATA" SP mailbox SP entry-values
    compress        = "COMPRESS" SP algorithm
    algorithm       = "DEFLATE"

RFC 4466's generic ``append-ext`` (message options after the date) is not modelled: no
extension on disk defines one, and it cannot be told from an ``append-data-ext`` without
reading ahead. An APPEND carrying one is a syntax error. COMPRESS reads any atom as the
algorithm ("future algorithm names must be atoms", RFC 4978 §5), upper-cased.

IDLE's ``"DONE"`` line is :class:`~._commands_special.IdleDone`.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from pymailproto.imap._capability import Capability, read_enable, write_enable
from pymailproto.imap._command_base import (
    Command,
    check_mailbox,
    read_command_mailbox,
    read_name,
    register,
    tag_of_reader,
    write_mailbox,
)
from pymailproto.imap._datetime import format_date_time, read_date_time
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._flags import Flag, format_flag_list, read_flag_list
from pymailproto.imap._lexer import Reader
from pymailproto.imap._metadata import (
    GetMetadata,
    GetMetadataOptions,
    MetadataItem,
    SetMetadata,
    _Items,
    read_getmetadata,
    read_setmetadata,
    write_getmetadata,
    write_setmetadata,
)
from pymailproto.imap._quota import (
    QuotaLimit,
    SetQuota,
    read_getquota,
    read_setquota,
    write_getquota,
    write_setquota,
)
from pymailproto.imap._values import Writer, _octets, _trusted, check_atom, check_tag

__all__ = [
    "AppendCommand",
    "AppendForm",
    "AppendMessage",
    "CompressCommand",
    "EnableCommand",
    "GetMetadataCommand",
    "GetQuotaCommand",
    "GetQuotaRootCommand",
    "IdleCommand",
    "SetMetadataCommand",
    "SetQuotaCommand",
]


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


# --- APPEND ---------------------------------------------------------------------------------------


class AppendForm(enum.Enum):
    """How a message's octets are sent (``append-data``)."""

    #: ``{n}`` -- a literal: any octets but NUL (RFC 9051 §6.3.12).
    LITERAL = "literal"
    #: ``~{n}`` -- a literal8, which may hold NUL (BINARY, RFC 3516; RFC 9051 §9 literal8).
    BINARY = "literal8"
    #: ``UTF8 (~{n})`` -- a message with UTF-8 header fields (RFC 6855 §4).
    UTF8 = "UTF8"


@dataclass(frozen=True, slots=True, init=False)
class AppendMessage:
    """One message of an APPEND (``append-message``)::

        AppendMessage(raw, flags=[Flag.SEEN])
        AppendMessage(raw, date_time=datetime(1994, 2, 7, 21, 52, 25, tzinfo=pst))
        AppendMessage(raw_with_nul, form=AppendForm.BINARY)

    ``flags`` None sends no flag list, ``()`` sends ``()``. ``date_time``: the internal date
    (aware, whole-minute zone; microseconds are dropped, as on the wire); None leaves it to the
    server. ``data`` is left out of ``repr``.
    """

    data: bytes = field(repr=False)
    flags: tuple[Flag, ...] | None
    date_time: _dt.datetime | None
    form: AppendForm

    def __init__(
        self,
        data: bytes,
        *,
        flags: Iterable[Flag] | None = None,
        date_time: _dt.datetime | None = None,
        form: AppendForm = AppendForm.LITERAL,
    ) -> None:
        if not isinstance(data, bytes):
            raise IMAPValueError(f"a message is bytes, not {type(data).__name__}")
        if not isinstance(form, AppendForm):
            raise IMAPValueError(f"not an AppendForm: {form!r}")
        if form is AppendForm.LITERAL and 0 in data:
            raise IMAPValueError("NUL in a message: send it as a literal8 (AppendForm.BINARY)")
        checked = None
        if flags is not None:
            checked = tuple(flags)
            format_flag_list(checked)  # Flags only, and no "\*"
        if date_time is not None:
            if not isinstance(date_time, _dt.datetime):
                raise IMAPValueError(f"an internal date is a datetime, not {date_time!r}")
            format_date_time(date_time)  # aware, whole minutes
            date_time = date_time.replace(microsecond=0)  # what the wire form can carry
        _set(self, "data", data)
        _set(self, "flags", checked)
        _set(self, "date_time", date_time)
        _set(self, "form", form)


def _read_append_message(reader: Reader) -> AppendMessage:
    """``append-opts SP append-data``, after the SP that starts ``append-opts``."""
    flags = date_time = None
    if reader.peek() == 0x28:
        flags = read_flag_list(reader)
        reader.expect_sp()
    if reader.peek() == 0x22:
        date_time = read_date_time(reader)
        reader.expect_sp()
    octet = reader.peek()
    if octet == 0x7B:
        data, form = reader.read_literal(), AppendForm.LITERAL
    elif octet == 0x7E:
        data, form = reader.read_literal8(), AppendForm.BINARY
    elif reader.skip_keyword(b"UTF8"):
        reader.expect_sp()
        reader.open_list()
        data, form = reader.read_literal8(), AppendForm.UTF8
        reader.close_list()
    else:
        raise reader.error('the message: a literal, a literal8 or "UTF8 (" literal8 ")"')
    return _trusted(AppendMessage, data=data, flags=flags, date_time=date_time, form=form)


@register
@dataclass(frozen=True, slots=True, init=False)
class AppendCommand(Command):
    """``APPEND mailbox message...`` (RFC 9051 §6.3.12; several messages: MULTIAPPEND)::

        AppendCommand("A003", "saved-messages", AppendMessage(raw, flags=[Flag.SEEN]))

    ``messages`` is never empty. Each message is a literal, so the command's fragments end a
    line before each message's octets: a client waits for ``+`` there unless the literal is
    non-synchronizing (:class:`~._values.WireOptions`).
    """

    NAME: ClassVar[str] = "APPEND"
    mailbox: str
    messages: tuple[AppendMessage, ...]

    def __init__(
        self, tag: str, mailbox: str, messages: AppendMessage | Iterable[AppendMessage]
    ) -> None:
        items = (messages,) if isinstance(messages, AppendMessage) else tuple(messages)
        if not items or not all(isinstance(item, AppendMessage) for item in items):
            raise IMAPValueError("APPEND takes one or more AppendMessages")
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))
        _set(self, "messages", items)

    @classmethod
    def read(cls, reader: Reader) -> AppendCommand:
        """``"APPEND" SP mailbox 1*append-message`` CRLF."""
        read_name(reader, b"APPEND")
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        reader.expect_sp()
        messages = [_read_append_message(reader)]
        while reader.skip_sp():
            messages.append(_read_append_message(reader))
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), mailbox=mailbox, messages=tuple(messages))

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"APPEND ")
        write_mailbox(writer, self.mailbox)
        for message in self.messages:
            if message.flags is not None:
                writer.raw(b" " + format_flag_list(message.flags))
            if message.date_time is not None:
                writer.raw(b" " + format_date_time(message.date_time))
            writer.sp()
            if message.form is AppendForm.UTF8:
                writer.raw(b"UTF8 (")
                writer.literal(message.data, binary=True)
                writer.raw(b")")
            else:
                writer.literal(message.data, binary=message.form is AppendForm.BINARY)


# --- ENABLE, IDLE, COMPRESS -----------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, init=False)
class EnableCommand(Command):
    """``ENABLE capability...`` (RFC 9051 §6.3.1, RFC 5161)::

    EnableCommand("t2", ["CONDSTORE", "X-GOOD-IDEA"])
    """

    NAME: ClassVar[str] = "ENABLE"
    capabilities: tuple[Capability, ...]

    def __init__(self, tag: str, capabilities: Iterable[Capability | str]) -> None:
        if isinstance(capabilities, str):
            raise IMAPValueError("ENABLE takes a list of capabilities, not one string")
        items = tuple(
            capability if isinstance(capability, Capability) else Capability(capability)
            for capability in capabilities
        )
        if not items:
            raise IMAPValueError("ENABLE takes at least one capability (RFC 9051 §9)")
        _set(self, "tag", check_tag(tag))
        _set(self, "capabilities", items)

    @classmethod
    def read(cls, reader: Reader) -> EnableCommand:
        """``"ENABLE" 1*(SP capability)`` CRLF."""
        read_name(reader, b"ENABLE")
        capabilities = read_enable(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), capabilities=capabilities)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"ENABLE")
        write_enable(writer, self.capabilities)


@register
@dataclass(frozen=True, slots=True)
class IdleCommand(Command):
    """``IDLE`` (RFC 9051 §6.3.13, RFC 2177): the server sends ``+`` and then updates until
    the client's ``DONE`` line (:class:`~._commands_special.IdleDone`)."""

    NAME: ClassVar[str] = "IDLE"


@register
@dataclass(frozen=True, slots=True, init=False)
class CompressCommand(Command):
    """``COMPRESS algorithm`` (RFC 4978 §3): ``CompressCommand("c")`` is COMPRESS DEFLATE."""

    NAME: ClassVar[str] = "COMPRESS"
    algorithm: str

    def __init__(self, tag: str, algorithm: str = "DEFLATE") -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "algorithm", check_atom(algorithm).upper())

    @classmethod
    def read(cls, reader: Reader) -> CompressCommand:
        """``"COMPRESS" SP algorithm`` CRLF."""
        read_name(reader, b"COMPRESS")
        reader.expect_sp()
        algorithm = reader.read_atom().upper()
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), algorithm=algorithm)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"COMPRESS " + self.algorithm.encode("ascii"))


# --- QUOTA ----------------------------------------------------------------------------------------


def _root(root: bytes | str) -> bytes:
    data = _octets(root)
    if 0 in data:
        raise IMAPValueError("a quota root name is an astring and cannot carry NUL")
    return data


@register
@dataclass(frozen=True, slots=True, init=False)
class GetQuotaCommand(Command):
    """``GETQUOTA quota-root`` (RFC 9208 §4.1.1); the root name is opaque octets."""

    NAME: ClassVar[str] = "GETQUOTA"
    root: bytes

    def __init__(self, tag: str, root: bytes | str) -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "root", _root(root))

    @classmethod
    def read(cls, reader: Reader) -> GetQuotaCommand:
        """``"GETQUOTA" SP quota-root-name`` CRLF."""
        read_name(reader, b"GETQUOTA")
        reader.expect_sp()
        root = read_getquota(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), root=root)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"GETQUOTA ")
        write_getquota(writer, self.root)


@register
@dataclass(frozen=True, slots=True, init=False)
class GetQuotaRootCommand(Command):
    """``GETQUOTAROOT mailbox`` (RFC 9208 §4.1.2)."""

    NAME: ClassVar[str] = "GETQUOTAROOT"
    mailbox: str

    def __init__(self, tag: str, mailbox: str) -> None:
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", check_mailbox(mailbox))

    @classmethod
    def read(cls, reader: Reader) -> GetQuotaRootCommand:
        """``"GETQUOTAROOT" SP mailbox`` CRLF."""
        read_name(reader, b"GETQUOTAROOT")
        reader.expect_sp()
        mailbox = read_command_mailbox(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), mailbox=mailbox)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"GETQUOTAROOT ")
        write_mailbox(writer, self.mailbox)


@register
@dataclass(frozen=True, slots=True, init=False)
class SetQuotaCommand(Command):
    """``SETQUOTA quota-root (resource limit ...)`` (RFC 9208 §4.1.3)::

        SetQuotaCommand("S0001", "#user/alice", [QuotaLimit(STORAGE, 510)])

    An empty list removes every limit of the root.
    """

    NAME: ClassVar[str] = "SETQUOTA"
    root: bytes
    limits: tuple[QuotaLimit, ...]

    def __init__(self, tag: str, root: bytes | str, limits: Iterable[QuotaLimit] = ()) -> None:
        value = SetQuota(root, limits)
        _set(self, "tag", check_tag(tag))
        _set(self, "root", value.root)
        _set(self, "limits", value.limits)

    @classmethod
    def read(cls, reader: Reader) -> SetQuotaCommand:
        """``"SETQUOTA" SP quota-root-name SP setquota-list`` CRLF."""
        read_name(reader, b"SETQUOTA")
        reader.expect_sp()
        value = read_setquota(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), root=value.root, limits=value.limits)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"SETQUOTA ")
        write_setquota(writer, _trusted(SetQuota, root=self.root, limits=self.limits))


# --- METADATA -------------------------------------------------------------------------------------

_NO_OPTIONS = GetMetadataOptions()


@register
@dataclass(frozen=True, slots=True, init=False)
class GetMetadataCommand(Command):
    """``GETMETADATA [(options)] mailbox entries`` (RFC 5464; not on disk, see :mod:`._metadata`)::

        GetMetadataCommand("t2", "MyDrafts", [b"/private/specialuse"])

    The mailbox ``""`` names the server itself.
    """

    NAME: ClassVar[str] = "GETMETADATA"
    mailbox: str
    entries: tuple[bytes, ...]
    options: GetMetadataOptions

    def __init__(
        self,
        tag: str,
        mailbox: str,
        entries: Iterable[bytes | str],
        options: GetMetadataOptions = _NO_OPTIONS,
    ) -> None:
        value = GetMetadata(mailbox, entries, options)
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", value.mailbox)
        _set(self, "entries", value.entries)
        _set(self, "options", value.options)

    @classmethod
    def read(cls, reader: Reader) -> GetMetadataCommand:
        """``"GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`` CRLF."""
        read_name(reader, b"GETMETADATA")
        reader.expect_sp()
        value = read_getmetadata(reader, utf8=reader.utf8)
        reader.finish()
        return _trusted(
            cls,
            tag=tag_of_reader(reader),
            mailbox=value.mailbox,
            entries=value.entries,
            options=value.options,
        )

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"GETMETADATA ")
        value = _trusted(
            GetMetadata, mailbox=self.mailbox, entries=self.entries, options=self.options
        )
        write_getmetadata(writer, value)


@register
@dataclass(frozen=True, slots=True, init=False)
class SetMetadataCommand(Command):
    """``SETMETADATA mailbox (entry value ...)`` (RFC 5464)::

    SetMetadataCommand("t3", "SavedDrafts", {b"/private/specialuse": b"\\\\Drafts"})
    SetMetadataCommand("t4", "SentMail", [(b"/private/specialuse", None)])  # NIL: remove
    """

    NAME: ClassVar[str] = "SETMETADATA"
    mailbox: str
    items: tuple[MetadataItem, ...]

    def __init__(self, tag: str, mailbox: str, items: _Items) -> None:
        value = SetMetadata(mailbox, items)
        _set(self, "tag", check_tag(tag))
        _set(self, "mailbox", value.mailbox)
        _set(self, "items", value.items)

    @classmethod
    def read(cls, reader: Reader) -> SetMetadataCommand:
        """``"SETMETADATA" SP mailbox SP entry-values`` CRLF."""
        read_name(reader, b"SETMETADATA")
        reader.expect_sp()
        value = read_setmetadata(reader, utf8=reader.utf8)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), mailbox=value.mailbox, items=value.items)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"SETMETADATA ")
        write_setmetadata(writer, _trusted(SetMetadata, mailbox=self.mailbox, items=self.items))
