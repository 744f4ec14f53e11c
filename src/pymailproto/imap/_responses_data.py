"""Untagged data responses about the server and its mailboxes (RFC 9051 §7.2-§7.4, §9).

RFC 9051 §9 and the extensions'::

    capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability)
    enable-data     = "ENABLED" *(SP capability)
    mailbox-data    =  "FLAGS" SP flag-list / "LIST" SP mailbox-list /
                       esearch-response /
                       "STATUS" SP mailbox SP "(" [status-att-list] ")" /
                       number SP "EXISTS" / namespace-response /
                       obsolete-search-response /
                       obsolete-recent-response
    obsolete-search-response = "SEARCH" *(SP nz-number)
    obsolete-recent-response = number SP "RECENT"
    mailbox-data    =/ "LSUB" SP mailbox-list                      ; RFC 3501 §9
    id_response     ::= "ID" SPACE id_params_list                   ; RFC 2971 §4
    quota-response  = "QUOTA" SP quota-root-name SP quota-list      ; RFC 9208 §7
    quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)
    metadata-resp   = "METADATA" SP mailbox SP (entry-values / entry-list)  ; RFC 5464
    sort-data       = "SORT" *(SP nz-number)                        ; RFC 5256 §5
    thread-data     = "THREAD" [SP 1*thread-list]

These classes are thin: the values and their grammar live in the value modules
(:mod:`._capability`, :mod:`._flags`, :mod:`._list`, :mod:`._status`, :mod:`._search`,
:mod:`._namespace`, :mod:`._id`, :mod:`._quota`, :mod:`._metadata`, :mod:`._sort_thread`).
Where a value module already models the whole response (``LIST``, ``STATUS``, ``SEARCH``,
``ESEARCH``, ``NAMESPACE``, ``QUOTA``, ``QUOTAROOT``, ``METADATA``, ``SORT``), the response class
*is* that value -- a subclass that adds nothing but :class:`~._response_base.Response`: the
fields, constructor and equality are the value's, and :meth:`write` writes the complete
response (``*`` SP ... CRLF) where the value's own writer stops at its data. The STATUS data
response is :class:`MailboxStatusResponse`, since :class:`~._response_base.StatusResponse` is
the ``OK``/``NO``/``BAD`` one. The others (CAPABILITY, ENABLED, FLAGS, EXISTS, RECENT, ID,
THREAD) hold their value in one field.

Readers: :data:`DATA_READERS` maps each response name to a function reading what follows the
name (the parser has read ``*`` SP and the name); the final CRLF is the parser's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from pymailproto.imap import _list, _metadata, _namespace, _quota, _search, _sort_thread, _status
from pymailproto.imap._capability import (
    Capability,
    read_capability_data,
    read_enable_data,
    write_capability_data,
    write_enable_data,
)
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._flags import Flag, format_flag_list, read_flag_list
from pymailproto.imap._id import IDParams, read_id_params, write_id_params
from pymailproto.imap._lexer import Reader
from pymailproto.imap._quirks import Quirks
from pymailproto.imap._response_base import Response
from pymailproto.imap._sort_thread import Thread, read_thread_data, write_thread_data
from pymailproto.imap._values import Writer, check_number

__all__ = [
    "DATA_READERS",
    "CapabilityResponse",
    "DataReader",
    "ESearchResponse",
    "EnabledResponse",
    "ExistsResponse",
    "FlagsResponse",
    "IdResponse",
    "ListResponse",
    "MailboxStatusResponse",
    "MetadataResponse",
    "NamespaceResponse",
    "QuotaResponse",
    "QuotaRootResponse",
    "RecentResponse",
    "SearchResponse",
    "SortResponse",
    "ThreadResponse",
    "UnsolicitedMetadataResponse",
    "adopt",
]

_R = TypeVar("_R")
_VERSIONS = frozenset({"IMAP4REV1", "IMAP4REV2"})


def adopt(cls: type[_R], value: object) -> _R:
    """``value`` (a parsed value-module object) as an instance of ``cls``, its subclass that is
    also a Response: the fields are copied as they are (the trusted path)."""
    response = object.__new__(cls)
    for name in _field_names(type(value)):
        object.__setattr__(response, name, getattr(value, name))
    return response


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _capabilities(values: Iterable[Capability | str]) -> tuple[Capability, ...]:
    if isinstance(values, (str, Capability)):
        raise IMAPValueError("capabilities are given as a list, not one name")
    return tuple(value if isinstance(value, Capability) else Capability(value) for value in values)


# --- responses holding their value in a field -------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class CapabilityResponse(Response):
    """``* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI`` (RFC 9051 §7.2.2): the capabilities,
    in the order sent. The list must name ``IMAP4rev2`` or ``IMAP4rev1`` (RFC 9051 §9,
    RFC 3501 §7.2.1); ``str`` names are converted to :class:`Capability`."""

    capabilities: tuple[Capability, ...]

    def __init__(self, capabilities: Iterable[Capability | str]) -> None:
        items = _capabilities(capabilities)
        write_capability_data(Writer(), items)  # checks the version is there
        object.__setattr__(self, "capabilities", items)

    def __contains__(self, capability: object) -> bool:
        if isinstance(capability, str):
            capability = Capability(capability)
        return capability in self.capabilities

    def write(self, writer: Writer) -> None:
        """``* CAPABILITY`` the list CRLF."""
        writer.raw(b"* CAPABILITY")
        writer.raw(b"".join([b" " + capability.to_bytes() for capability in self.capabilities]))
        writer.crlf()


@dataclass(frozen=True, slots=True, init=False)
class EnabledResponse(Response):
    """``* ENABLED CONDSTORE QRESYNC`` (RFC 5161 §4, RFC 9051 §7.2.1): the extensions the
    ENABLE command turned on; possibly none."""

    capabilities: tuple[Capability, ...]

    def __init__(self, capabilities: Iterable[Capability | str] = ()) -> None:
        object.__setattr__(self, "capabilities", _capabilities(capabilities))

    def write(self, writer: Writer) -> None:
        """``* ENABLED`` the list CRLF."""
        writer.raw(b"* ENABLED")
        write_enable_data(writer, self.capabilities)
        writer.crlf()


@dataclass(frozen=True, slots=True, init=False)
class FlagsResponse(Response):
    """``* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)`` (RFC 9051 §7.3.5): the flags
    that apply in the mailbox; ``\\*`` is not one (it belongs to PERMANENTFLAGS)."""

    flags: tuple[Flag, ...]

    def __init__(self, flags: Iterable[Flag | str]) -> None:
        if isinstance(flags, (str, Flag)):
            raise IMAPValueError("flags are given as a list, not one flag")
        items = tuple(flag if isinstance(flag, Flag) else Flag(flag) for flag in flags)
        format_flag_list(items)  # no "\*"
        object.__setattr__(self, "flags", items)

    def write(self, writer: Writer) -> None:
        """``* FLAGS`` SP flag-list CRLF."""
        writer.raw(b"* FLAGS " + format_flag_list(self.flags))
        writer.crlf()


@dataclass(frozen=True, slots=True)
class ExistsResponse(Response):
    """``* 23 EXISTS`` (RFC 9051 §7.4.1): the number of messages in the mailbox."""

    count: int

    def __post_init__(self) -> None:
        check_number(self.count)

    def write(self, writer: Writer) -> None:
        """``*`` SP number SP ``EXISTS`` CRLF."""
        writer.raw(b"* %d EXISTS\r\n" % self.count)


@dataclass(frozen=True, slots=True)
class RecentResponse(Response):
    """``* 5 RECENT`` (RFC 3501 §7.3.2; ``obsolete-recent-response`` in RFC 9051): the number
    of messages with the ``\\Recent`` flag."""

    count: int

    def __post_init__(self) -> None:
        check_number(self.count)

    def write(self, writer: Writer) -> None:
        """``*`` SP number SP ``RECENT`` CRLF."""
        writer.raw(b"* %d RECENT\r\n" % self.count)


@dataclass(frozen=True, slots=True, init=False)
class IdResponse(Response):
    """``* ID ("name" "Cyrus" "version" "1.5")`` (RFC 2971 §3.2): the server's identity, or
    ``* ID NIL`` (``params`` None). A mapping or pairs are turned into
    :class:`~pymailproto.imap._id.IDParams`."""

    params: IDParams | None

    def __init__(
        self, params: IDParams | Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None
    ) -> None:
        if params is not None and not isinstance(params, IDParams):
            params = IDParams(params)
        object.__setattr__(self, "params", params)

    def write(self, writer: Writer) -> None:
        """``* ID`` SP id_params_list CRLF."""
        writer.raw(b"* ID ")
        write_id_params(writer, self.params)
        writer.crlf()


@dataclass(frozen=True, slots=True, init=False)
class ThreadResponse(Response):
    """``* THREAD (2)(3 6 (4 23)(44 7 96))`` (RFC 5256 §4): the threads, possibly none."""

    threads: tuple[Thread, ...]

    def __init__(self, threads: Iterable[Thread] = ()) -> None:
        items = tuple(threads)
        for thread in items:
            if not isinstance(thread, Thread):
                raise IMAPValueError(f"not a Thread: {thread!r}")
        object.__setattr__(self, "threads", items)

    def write(self, writer: Writer) -> None:
        """``* THREAD`` [SP thread-lists] CRLF."""
        writer.raw(b"* THREAD")
        write_thread_data(writer, self.threads)
        writer.crlf()


# --- responses that are their value ---------------------------------------------------------------


class ListResponse(Response, _list.ListResponse):
    """``* LIST (\\HasNoChildren) "/" "Fruit/Banana"`` (RFC 9051 §7.3.1), or ``* LSUB`` with
    ``lsub=True`` (RFC 3501 §7.2.3); see :class:`pymailproto.imap._list.ListResponse`."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``*`` SP ``LIST``/``LSUB`` SP mailbox-list CRLF."""
        writer.raw(b"* ")
        _list.write_list_response(writer, self)
        writer.crlf()


class MailboxStatusResponse(Response, _status.StatusResponse):
    """``* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)`` (RFC 9051 §7.3.3); see
    :class:`pymailproto.imap._status.StatusResponse` (the fields and constructor)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``*`` SP ``STATUS`` SP mailbox SP status-att-list CRLF."""
        writer.raw(b"* ")
        _status.write_status_response(writer, self)
        writer.crlf()


class SearchResponse(Response, _search.SearchResponse):
    """``* SEARCH 2 84 882`` (RFC 3501 §7.2.5, RFC 7162's ``(MODSEQ n)``)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``*`` SP ``SEARCH`` ... CRLF."""
        writer.raw(b"* ")
        _search.SearchResponse.write(self, writer)
        writer.crlf()


class ESearchResponse(Response, _search.ESearchResponse):
    """``* ESEARCH (TAG "A282") MIN 2 COUNT 3`` (RFC 9051 §7.3.4, RFC 4731)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``*`` SP ``ESEARCH`` ... CRLF."""
        writer.raw(b"* ")
        _search.ESearchResponse.write(self, writer)
        writer.crlf()


class NamespaceResponse(Response, _namespace.NamespaceResponse):
    """``* NAMESPACE (("" "/")) NIL NIL`` (RFC 9051 §7.3.2, RFC 2342 §5)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* NAMESPACE`` SP namespace SP namespace SP namespace CRLF."""
        writer.raw(b"* NAMESPACE ")
        _namespace.write_namespace_response(writer, self)
        writer.crlf()


class QuotaResponse(Response, _quota.QuotaResponse):
    """``* QUOTA "" (STORAGE 10 512)`` (RFC 9208 §4.2.1)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* QUOTA`` SP quota-root-name SP quota-list CRLF."""
        writer.raw(b"* QUOTA ")
        _quota.write_quota_response(writer, self)
        writer.crlf()


class QuotaRootResponse(Response, _quota.QuotaRootResponse):
    """``* QUOTAROOT INBOX ""`` (RFC 9208 §4.2.2)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* QUOTAROOT`` SP mailbox *(SP quota-root-name) CRLF."""
        writer.raw(b"* QUOTAROOT ")
        _quota.write_quotaroot_response(writer, self)
        writer.crlf()


class MetadataResponse(Response, _metadata.MetadataResponse):
    """``* METADATA "INBOX" (/private/comment "My comment")`` (RFC 5464 §4.4.1)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* METADATA`` SP mailbox SP entry-values CRLF."""
        writer.raw(b"* METADATA ")
        _metadata.write_metadata_response(writer, self)
        writer.crlf()


class UnsolicitedMetadataResponse(Response, _metadata.UnsolicitedMetadata):
    """``* METADATA "INBOX" /shared/comment`` (RFC 5464 §4.4.2): entries that changed."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* METADATA`` SP mailbox SP entry-list CRLF."""
        writer.raw(b"* METADATA ")
        _metadata.write_metadata_response(writer, self)
        writer.crlf()


class SortResponse(Response, _sort_thread.SortResponse):
    """``* SORT 2 84 882`` (RFC 5256 §4, with RFC 7162's ``(MODSEQ n)``)."""

    __slots__ = ()

    def write(self, writer: Writer) -> None:
        """``* SORT`` ... CRLF."""
        writer.raw(b"* SORT")
        _sort_thread.write_sort_data(writer, self)
        writer.crlf()


# --- readers --------------------------------------------------------------------------------------

#: Reads what follows a response's name, up to the final CRLF: (reader, utf8, quirks).
DataReader = Callable[[Reader, bool, Quirks], Response]


def _read_capability(reader: Reader, utf8: bool, quirks: Quirks) -> CapabilityResponse:
    require = Quirks.CAPABILITY_WITHOUT_VERSION not in quirks
    capabilities = read_capability_data(reader, require_version=require)
    response = object.__new__(CapabilityResponse)
    object.__setattr__(response, "capabilities", capabilities)
    return response


def _read_enabled(reader: Reader, utf8: bool, quirks: Quirks) -> EnabledResponse:
    response = object.__new__(EnabledResponse)
    object.__setattr__(response, "capabilities", read_enable_data(reader))
    return response


def _read_flags(reader: Reader, utf8: bool, quirks: Quirks) -> FlagsResponse:
    reader.expect_sp()
    response = object.__new__(FlagsResponse)
    object.__setattr__(response, "flags", read_flag_list(reader))
    return response


def _read_id(reader: Reader, utf8: bool, quirks: Quirks) -> IdResponse:
    reader.expect_sp()
    response = object.__new__(IdResponse)
    object.__setattr__(response, "params", read_id_params(reader))
    return response


def _read_thread(reader: Reader, utf8: bool, quirks: Quirks) -> ThreadResponse:
    response = object.__new__(ThreadResponse)
    object.__setattr__(response, "threads", read_thread_data(reader))
    return response


def _from_name(reader: Reader) -> None:
    """Go back to the response's name, for the value readers that read it themselves."""
    reader.pos = 2  # after "* "


def _read_list(reader: Reader, utf8: bool, quirks: Quirks) -> ListResponse:
    _from_name(reader)
    return adopt(ListResponse, _list.read_list_response(reader, utf8=utf8))


def _read_status(reader: Reader, utf8: bool, quirks: Quirks) -> MailboxStatusResponse:
    _from_name(reader)
    return adopt(MailboxStatusResponse, _status.read_status_response(reader, utf8=utf8))


def _read_search(reader: Reader, utf8: bool, quirks: Quirks) -> SearchResponse:
    _from_name(reader)
    return adopt(SearchResponse, _search.read_search_response(reader))


def _read_esearch(reader: Reader, utf8: bool, quirks: Quirks) -> ESearchResponse:
    _from_name(reader)
    return adopt(ESearchResponse, _search.read_esearch_response(reader))


def _read_namespace(reader: Reader, utf8: bool, quirks: Quirks) -> NamespaceResponse:
    reader.expect_sp()
    value = _namespace.read_namespace_response(reader, utf8=utf8)
    return adopt(NamespaceResponse, value)


def _read_quota(reader: Reader, utf8: bool, quirks: Quirks) -> QuotaResponse:
    reader.expect_sp()
    return adopt(QuotaResponse, _quota.read_quota_response(reader))


def _read_quotaroot(reader: Reader, utf8: bool, quirks: Quirks) -> QuotaRootResponse:
    reader.expect_sp()
    return adopt(QuotaRootResponse, _quota.read_quotaroot_response(reader, utf8=utf8))


def _read_metadata(
    reader: Reader, utf8: bool, quirks: Quirks
) -> MetadataResponse | UnsolicitedMetadataResponse:
    reader.expect_sp()
    value = _metadata.read_metadata_response(reader, utf8=utf8)
    if isinstance(value, _metadata.MetadataResponse):
        return adopt(MetadataResponse, value)
    return adopt(UnsolicitedMetadataResponse, value)


def _read_sort(reader: Reader, utf8: bool, quirks: Quirks) -> SortResponse:
    return adopt(SortResponse, _sort_thread.read_sort_data(reader))


#: The untagged data responses without a leading number, by name (upper case).
DATA_READERS: dict[str, DataReader] = {
    "CAPABILITY": _read_capability,
    "ENABLED": _read_enabled,
    "FLAGS": _read_flags,
    "ID": _read_id,
    "THREAD": _read_thread,
    "LIST": _read_list,
    "LSUB": _read_list,
    "STATUS": _read_status,
    "SEARCH": _read_search,
    "ESEARCH": _read_esearch,
    "NAMESPACE": _read_namespace,
    "QUOTA": _read_quota,
    "QUOTAROOT": _read_quotaroot,
    "METADATA": _read_metadata,
    "SORT": _read_sort,
}
