"""QUOTA (RFC 9208, which obsoletes RFC 2087): quota roots, resources, usage and limits.

RFC 9208 §7::

    getquota =         "GETQUOTA" SP quota-root-name
    getquotaroot =     "GETQUOTAROOT" SP mailbox
    quota-list =       "(" quota-resource *(SP quota-resource) ")"
    quota-resource =   resource-name SP resource-usage SP resource-limit
    quota-response =   "QUOTA" SP quota-root-name SP quota-list
    quotaroot-response =  "QUOTAROOT" SP mailbox *(SP quota-root-name)
    setquota =         "SETQUOTA" SP quota-root-name SP setquota-list
    setquota-list =    "(" [setquota-resource *(SP setquota-resource)]
                       ")"
    setquota-resource =  resource-name SP resource-limit
    quota-root-name =  astring
    resource-limit =   number64
    resource-name =    "STORAGE" / "MESSAGE" / "MAILBOX" /
                       "ANNOTATION-STORAGE" / resource-name-ext
    resource-name-ext =  atom
                       ;; Future resource registrations
    resource-usage =  number64
                       ;; must be less than corresponding resource-limit

Choices where the text and the grammar part ways:

* An empty ``quota-list``: the ABNF asks for at least one resource, but §4.2.1 says "The list
  contains zero or more triplets ... Thus, an empty list means there are no administrative
  resource limits in the quota root", and RFC 2087 §6 (``"(" #quota_resource ")"``) allows it.
  Empty lists are read and written.
* "must be less than corresponding resource-limit" is not enforced: a soft quota can be
  exceeded (§3.1.2 "Limits may be hard or soft", §4.3.1 "a mailbox exceeds soft quota"), and
  then the usage reported is above the limit.
* RFC 2087 has 32-bit ``number``\\ s here; RFC 9208 §10 widened them to ``number64``, which
  accepts both.

Resource names are compared without case (§7: "Implementations MUST accept these strings in a
case-insensitive fashion") and kept upper-cased. Quota root names are opaque octets (§3.2:
"It SHOULD be treated as an opaque string by any clients"); mailbox names are decoded like
everywhere else (``utf8=``: the session has UTF-8 names; writers use ``writer.options.utf8``).

Readers start after the keyword and its SP: :func:`read_quota_response` after ``"QUOTA" SP``,
:func:`read_quotaroot_response` after ``"QUOTAROOT" SP``, :func:`read_getquota`,
:func:`read_getquotaroot` and :func:`read_setquota` after the command name and its SP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import encode_mailbox, normalize_mailbox, read_mailbox, utf7_encode
from pymailproto.imap._values import Writer, _octets, _trusted, check_atom, check_number64

__all__ = [
    "ANNOTATION_STORAGE",
    "MAILBOX",
    "MESSAGE",
    "STORAGE",
    "QuotaLimit",
    "QuotaResponse",
    "QuotaRootResponse",
    "QuotaUsage",
    "SetQuota",
    "read_getquota",
    "read_getquotaroot",
    "read_quota_response",
    "read_quotaroot_response",
    "read_setquota",
    "write_getquota",
    "write_getquotaroot",
    "write_quota_response",
    "write_quotaroot_response",
    "write_setquota",
]

#: RFC 9208 §5.1: "the physical space estimate, in units of 1024 octets".
STORAGE = "STORAGE"
#: RFC 9208 §5.2: "the number of messages stored within the mailboxes governed by the quota root".
MESSAGE = "MESSAGE"
#: RFC 9208 §5.3: "the number of mailboxes governed by the quota root".
MAILBOX = "MAILBOX"
#: RFC 9208 §5.4: "the maximum size of all annotations [RFC5257], in units of 1024 octets".
ANNOTATION_STORAGE = "ANNOTATION-STORAGE"

_T = TypeVar("_T")
_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')


def _resource(name: str) -> str:
    """``resource-name``: an atom (the registered names are atoms too), upper-cased."""
    return check_atom(name).upper()


def _mailbox(name: str) -> str:
    """A mailbox name given by the caller: a str with a wire form, INBOX in canonical case."""
    if not isinstance(name, str):
        raise TypeError(f"mailbox names are str, not {type(name).__name__}")
    utf7_encode(name)  # raises for strings without a Unicode form (lone surrogates)
    return normalize_mailbox(name)


def _root(name: bytes | str) -> bytes:
    """``quota-root-name = astring``: any octets but NUL (an astring is at worst a literal)."""
    data = _octets(name)
    if 0 in data:
        raise IMAPValueError("a quota root name is an astring and cannot carry NUL")
    return data


@dataclass(frozen=True, slots=True, init=False)
class QuotaUsage:
    """``quota-resource = resource-name SP resource-usage SP resource-limit`` (RFC 9208 §7)."""

    resource: str
    usage: int
    limit: int

    def __init__(self, resource: str, usage: int, limit: int) -> None:
        object.__setattr__(self, "resource", _resource(resource))
        object.__setattr__(self, "usage", check_number64(usage))
        object.__setattr__(self, "limit", check_number64(limit))


@dataclass(frozen=True, slots=True, init=False)
class QuotaLimit:
    """``setquota-resource = resource-name SP resource-limit`` (RFC 9208 §7)."""

    resource: str
    limit: int

    def __init__(self, resource: str, limit: int) -> None:
        object.__setattr__(self, "resource", _resource(resource))
        object.__setattr__(self, "limit", check_number64(limit))


def _items(values: Iterable[_T], kind: type[_T], what: str) -> tuple[_T, ...]:
    if isinstance(values, (bytes, str)):
        raise TypeError(f"expected a list of {what}")
    items = tuple(values)
    for item in items:
        if not isinstance(item, kind):
            raise IMAPValueError(f"not a {what}: {item!r}")
    return items


@dataclass(frozen=True, slots=True, init=False)
class QuotaResponse:
    """The QUOTA response (RFC 9208 §4.2.1): a quota root and its resources' usage and limits.
    "Resources not named in the list are not limited in the quota root.\""""

    root: bytes
    resources: tuple[QuotaUsage, ...]

    def __init__(self, root: bytes | str, resources: Iterable[QuotaUsage] = ()) -> None:
        object.__setattr__(self, "root", _root(root))
        object.__setattr__(self, "resources", _items(resources, QuotaUsage, "QuotaUsage"))

    def get(self, resource: str) -> QuotaUsage | None:
        """The usage of ``resource`` (any case), or None when it is not limited."""
        key = resource.upper()
        for item in self.resources:
            if item.resource == key:
                return item
        return None


@dataclass(frozen=True, slots=True, init=False)
class QuotaRootResponse:
    """The QUOTAROOT response (RFC 9208 §4.2.2): a mailbox and its quota roots (maybe none)."""

    mailbox: str
    roots: tuple[bytes, ...]

    def __init__(self, mailbox: str, roots: Iterable[bytes | str] = ()) -> None:
        if isinstance(roots, (bytes, str)):
            raise TypeError("roots is a list of quota root names, not one name")
        object.__setattr__(self, "mailbox", _mailbox(mailbox))
        object.__setattr__(self, "roots", tuple(_root(root) for root in roots))


@dataclass(frozen=True, slots=True, init=False)
class SetQuota:
    """The SETQUOTA command's arguments (RFC 9208 §4.1.3): the quota root and its new limits.
    "Any previous resource limits for the named quota root are discarded", so an empty list
    removes them all."""

    root: bytes
    limits: tuple[QuotaLimit, ...]

    def __init__(self, root: bytes | str, limits: Iterable[QuotaLimit] = ()) -> None:
        object.__setattr__(self, "root", _root(root))
        object.__setattr__(self, "limits", _items(limits, QuotaLimit, "QuotaLimit"))


# --- reading --------------------------------------------------------------------------------------


def _read_resource_name(reader: Reader) -> str:
    """``resource-name`` (an atom; the registered names are atoms)."""
    m = _ATOM.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error("resource-name (an atom)")
    reader.pos = m.end()
    return m.group().decode("ascii").upper()


def _read_quota_resource(reader: Reader) -> QuotaUsage:
    resource = _read_resource_name(reader)
    reader.expect_sp()
    usage = reader.read_number64()
    reader.expect_sp()
    limit = reader.read_number64()
    return _trusted(QuotaUsage, resource=resource, usage=usage, limit=limit)


def _read_setquota_resource(reader: Reader) -> QuotaLimit:
    resource = _read_resource_name(reader)
    reader.expect_sp()
    return _trusted(QuotaLimit, resource=resource, limit=reader.read_number64())


def read_getquota(reader: Reader) -> bytes:
    """The argument of GETQUOTA (RFC 9208 §7), after ``"GETQUOTA" SP``::

    getquota =         "GETQUOTA" SP quota-root-name
    """
    return reader.read_astring()


def read_getquotaroot(reader: Reader, *, utf8: bool) -> str:
    """The argument of GETQUOTAROOT (RFC 9208 §7), after ``"GETQUOTAROOT" SP``::

    getquotaroot =     "GETQUOTAROOT" SP mailbox
    """
    return read_mailbox(reader, utf8=utf8)


def read_setquota(reader: Reader) -> SetQuota:
    """The arguments of SETQUOTA (RFC 9208 §7), after ``"SETQUOTA" SP``::

    setquota =         "SETQUOTA" SP quota-root-name SP setquota-list
    setquota-list =    "(" [setquota-resource *(SP setquota-resource)] ")"
    """
    root = reader.read_astring()
    reader.expect_sp()
    limits = reader.read_list(_read_setquota_resource)
    return _trusted(SetQuota, root=root, limits=tuple(limits))


def read_quota_response(reader: Reader) -> QuotaResponse:
    """What follows ``"QUOTA" SP`` in ``quota-response`` (RFC 9208 §7)::

    quota-response =   "QUOTA" SP quota-root-name SP quota-list
    quota-list =       "(" quota-resource *(SP quota-resource) ")"

    The list may be empty (see the module notes).
    """
    root = reader.read_astring()
    reader.expect_sp()
    resources = reader.read_list(_read_quota_resource)
    return _trusted(QuotaResponse, root=root, resources=tuple(resources))


def read_quotaroot_response(reader: Reader, *, utf8: bool) -> QuotaRootResponse:
    """What follows ``"QUOTAROOT" SP`` in ``quotaroot-response`` (RFC 9208 §7)::

    quotaroot-response =  "QUOTAROOT" SP mailbox *(SP quota-root-name)
    """
    mailbox = read_mailbox(reader, utf8=utf8)
    roots = []
    while reader.skip_sp():
        roots.append(reader.read_astring())
    return _trusted(QuotaRootResponse, mailbox=mailbox, roots=tuple(roots))


# --- writing --------------------------------------------------------------------------------------


def write_getquota(writer: Writer, root: bytes | str) -> None:
    """``quota-root-name`` (after ``"GETQUOTA" SP``)."""
    writer.astring(_root(root))


def write_getquotaroot(writer: Writer, mailbox: str) -> None:
    """``mailbox`` (after ``"GETQUOTAROOT" SP``)."""
    writer.astring(encode_mailbox(mailbox, utf8=writer.options.utf8))


def write_setquota(writer: Writer, value: SetQuota) -> None:
    """``quota-root-name SP setquota-list`` (after ``"SETQUOTA" SP``)."""
    if not isinstance(value, SetQuota):
        raise IMAPValueError(f"not a SetQuota: {value!r}")
    writer.astring(value.root)
    writer.raw(
        b" ("
        + b" ".join(
            [b"%s %d" % (item.resource.encode("ascii"), item.limit) for item in value.limits]
        )
        + b")"
    )


def write_quota_response(writer: Writer, value: QuotaResponse) -> None:
    """``quota-root-name SP quota-list`` (after ``"QUOTA" SP``)."""
    if not isinstance(value, QuotaResponse):
        raise IMAPValueError(f"not a QuotaResponse: {value!r}")
    writer.astring(value.root)
    writer.raw(
        b" ("
        + b" ".join(
            [
                b"%s %d %d" % (item.resource.encode("ascii"), item.usage, item.limit)
                for item in value.resources
            ]
        )
        + b")"
    )


def write_quotaroot_response(writer: Writer, value: QuotaRootResponse) -> None:
    """``mailbox *(SP quota-root-name)`` (after ``"QUOTAROOT" SP``)."""
    if not isinstance(value, QuotaRootResponse):
        raise IMAPValueError(f"not a QuotaRootResponse: {value!r}")
    writer.astring(encode_mailbox(value.mailbox, utf8=writer.options.utf8))
    for root in value.roots:
        writer.sp()
        writer.astring(root)
