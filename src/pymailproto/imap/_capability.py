"""Capability names, the CAPABILITY and ENABLED responses, and the ENABLE command's arguments.

RFC 9051 §9 (RFC 3501 §9 has the same rules with "IMAP4rev1" in capability-data)::

    capability      = ("AUTH=" auth-type) / atom
    auth-type       = atom
    capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2"
                      *(SP capability)
    enable          = "ENABLE" 1*(SP capability)
    enable-data     = "ENABLED" *(SP capability)

A :class:`Capability` is an atom compared case-insensitively, its spelling kept for output:
ABNF strings are case-insensitive (RFC 9051 §9 note 1), and RFC 4978 §3 itself shows a server
announcing ``IMAP4REV1``. Several extensions put a parameter after ``=`` -- ``AUTH=PLAIN``
(RFC 9051 §6.1.1), ``THREAD=REFERENCES`` (RFC 5256 §1), ``QUOTA=RES-STORAGE`` (RFC 9208 §3.1.1),
``COMPRESS=DEFLATE`` (RFC 4978 §5), ``UTF8=ACCEPT`` (RFC 6855 §3), ``APPENDLIMIT=n``
(RFC 7889; not among the RFCs on disk, so only the name and its numeric parameter are read
here) -- and :class:`Capability` has a constructor and a property for each.

Where the readers start. These rules are a keyword followed by ``*(SP capability)`` (or
``1*``): the SP belongs to the repetition and is absent when the list is empty
(``* ENABLED`` CRLF, RFC 9051 §7.2.1: "The ENABLED response may contain no capabilities").
So :func:`read_capability_data`, :func:`read_enable_data` and :func:`read_enable` start right
after the keyword, *before* the first SP, and the writers likewise write each capability with
its leading SP. ``capability-data`` also appears inside the response code ``[CAPABILITY ...]``
(RFC 9051 §9 resp-text-code); atoms cannot contain ``]``, so the same reader serves there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import MAX_NUMBER, Reader
from pymailproto.imap._names import FoldedName
from pymailproto.imap._values import Writer, check_atom, check_number

__all__ = [
    "Capability",
    "read_capability",
    "read_capability_data",
    "read_enable",
    "read_enable_data",
    "write_capability_data",
    "write_enable",
    "write_enable_data",
]

# RFC 9051 §9 atom = 1*ATOM-CHAR (see _lexer.py for the derivation of the character class).
_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
_DIGITS = re.compile(r"[0-9]+")
# RFC 9051 §9 capability-data: "IMAP4rev2" must be listed; RFC 3501 §9: "IMAP4rev1". A reader
# serving both protocol versions accepts either.
_VERSIONS = frozenset({"IMAP4REV1", "IMAP4REV2"})


@dataclass(frozen=True, slots=True, init=False, eq=False)
class Capability(FoldedName):
    """One capability name: ``capability = ("AUTH=" auth-type) / atom`` (RFC 9051 §9).

    Equality and hashing ignore case (``Capability("idle") == Capability.IDLE``); ``name``
    keeps the spelling given. A Capability never equals a plain ``str``.
    """

    name: str
    _key: str = field(repr=False)

    IMAP4: ClassVar[Capability]
    IMAP4REV1: ClassVar[Capability]
    IMAP4REV2: ClassVar[Capability]
    STARTTLS: ClassVar[Capability]
    LOGINDISABLED: ClassVar[Capability]
    AUTH_PLAIN: ClassVar[Capability]
    SASL_IR: ClassVar[Capability]
    LITERAL_PLUS: ClassVar[Capability]
    LITERAL_MINUS: ClassVar[Capability]
    IDLE: ClassVar[Capability]
    ENABLE: ClassVar[Capability]
    NAMESPACE: ClassVar[Capability]
    ID: ClassVar[Capability]
    UNSELECT: ClassVar[Capability]
    UIDPLUS: ClassVar[Capability]
    MOVE: ClassVar[Capability]
    CONDSTORE: ClassVar[Capability]
    QRESYNC: ClassVar[Capability]
    LIST_EXTENDED: ClassVar[Capability]
    LIST_STATUS: ClassVar[Capability]
    SPECIAL_USE: ClassVar[Capability]
    CREATE_SPECIAL_USE: ClassVar[Capability]
    ESEARCH: ClassVar[Capability]
    COMPRESS_DEFLATE: ClassVar[Capability]
    QUOTA: ClassVar[Capability]
    QUOTASET: ClassVar[Capability]
    QUOTA_RES_STORAGE: ClassVar[Capability]
    QUOTA_RES_MESSAGE: ClassVar[Capability]
    QUOTA_RES_MAILBOX: ClassVar[Capability]
    QUOTA_RES_ANNOTATION_STORAGE: ClassVar[Capability]
    SORT: ClassVar[Capability]
    THREAD_ORDEREDSUBJECT: ClassVar[Capability]
    THREAD_REFERENCES: ClassVar[Capability]
    BINARY: ClassVar[Capability]
    METADATA: ClassVar[Capability]
    METADATA_SERVER: ClassVar[Capability]
    MULTIAPPEND: ClassVar[Capability]
    OBJECTID: ClassVar[Capability]
    UTF8_ACCEPT: ClassVar[Capability]
    UTF8_ONLY: ClassVar[Capability]
    CHILDREN: ClassVar[Capability]
    APPENDLIMIT: ClassVar[Capability]

    @staticmethod
    def _fold(name: str) -> str:
        return name.upper()  # capabilities are compared upper-cased (``key``)

    def __init__(self, name: str) -> None:
        # "AUTH=" auth-type is itself an atom ("=" is an ATOM-CHAR), so checking the atom
        # checks both alternatives of the rule.
        check_atom(name)
        self._set(name)

    # --- the parameterised families ------------------------------------------------------------

    @classmethod
    def auth(cls, mechanism: str) -> Capability:
        """``AUTH=<mechanism>`` (RFC 9051 §6.1.1: a SASL mechanism the server supports)."""
        return cls("AUTH=" + check_atom(mechanism))

    @classmethod
    def thread(cls, algorithm: str) -> Capability:
        """``THREAD=<algorithm>`` (RFC 5256 §1), e.g. ``THREAD=REFERENCES``."""
        return cls("THREAD=" + check_atom(algorithm))

    @classmethod
    def quota_resource(cls, resource: str) -> Capability:
        """``QUOTA=RES-<resource>`` (RFC 9208 §3.1.1, §7 ``capa-quota-res``)."""
        return cls("QUOTA=RES-" + check_atom(resource))

    @classmethod
    def compress(cls, algorithm: str) -> Capability:
        """``COMPRESS=<algorithm>`` (RFC 4978 §5: ``"COMPRESS=" algorithm``)."""
        return cls("COMPRESS=" + check_atom(algorithm))

    @classmethod
    def append_limit(cls, limit: int | None = None) -> Capability:
        """``APPENDLIMIT`` or ``APPENDLIMIT=<number>`` (RFC 7889)."""
        if limit is None:
            return cls("APPENDLIMIT")
        return cls(f"APPENDLIMIT={check_number(limit)}")

    def _parameter(self, prefix: str) -> str | None:
        key = self._key
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
        return None

    @property
    def key(self) -> str:
        """The name upper-cased: what equality compares."""
        return self._key

    @property
    def auth_mechanism(self) -> str | None:
        """The mechanism of ``AUTH=<mechanism>``, upper-cased; None for other capabilities."""
        return self._parameter("AUTH=")

    @property
    def thread_algorithm(self) -> str | None:
        """The algorithm of ``THREAD=<algorithm>``, upper-cased (RFC 5256 §1)."""
        return self._parameter("THREAD=")

    @property
    def quota_resource_name(self) -> str | None:
        """The resource of ``QUOTA=RES-<resource>``, upper-cased (RFC 9208 §3.1.1)."""
        return self._parameter("QUOTA=RES-")

    @property
    def compress_algorithm(self) -> str | None:
        """The algorithm of ``COMPRESS=<algorithm>``, upper-cased (RFC 4978 §5)."""
        return self._parameter("COMPRESS=")

    @property
    def append_limit_value(self) -> int | None:
        """The number of ``APPENDLIMIT=<number>``; None for a bare ``APPENDLIMIT`` (no global
        limit announced) and for every other capability."""
        value = self._parameter("APPENDLIMIT=")
        if value is None or _DIGITS.fullmatch(value) is None:
            return None
        number = int(value)
        return number if number <= MAX_NUMBER else None


for _attribute, _spelling in [
    # RFC 9051 §9 capability-data notes; RFC 9051 §6.1.1, §6.2.1
    ("IMAP4", "IMAP4"),
    ("IMAP4REV1", "IMAP4rev1"),
    ("IMAP4REV2", "IMAP4rev2"),
    ("STARTTLS", "STARTTLS"),
    ("LOGINDISABLED", "LOGINDISABLED"),
    ("AUTH_PLAIN", "AUTH=PLAIN"),
    ("SASL_IR", "SASL-IR"),  # RFC 4959 §7
    ("LITERAL_PLUS", "LITERAL+"),  # RFC 7888 §3
    ("LITERAL_MINUS", "LITERAL-"),  # RFC 7888 §5
    ("IDLE", "IDLE"),  # RFC 2177
    ("ENABLE", "ENABLE"),  # RFC 5161 §4
    ("NAMESPACE", "NAMESPACE"),  # RFC 2342
    ("ID", "ID"),  # RFC 2971 §3
    ("UNSELECT", "UNSELECT"),  # RFC 3691
    ("UIDPLUS", "UIDPLUS"),  # RFC 4315 §4
    ("MOVE", "MOVE"),  # RFC 6851 §5
    ("CONDSTORE", "CONDSTORE"),  # RFC 7162 §7
    ("QRESYNC", "QRESYNC"),  # RFC 7162 §7
    ("LIST_EXTENDED", "LIST-EXTENDED"),  # RFC 5258 §3
    ("LIST_STATUS", "LIST-STATUS"),  # RFC 5819 §6
    ("SPECIAL_USE", "SPECIAL-USE"),  # RFC 6154 §8.3
    ("CREATE_SPECIAL_USE", "CREATE-SPECIAL-USE"),  # RFC 6154 §8.2
    ("ESEARCH", "ESEARCH"),  # RFC 4731 §4
    ("COMPRESS_DEFLATE", "COMPRESS=DEFLATE"),  # RFC 4978 §5
    ("QUOTA", "QUOTA"),  # RFC 2087, RFC 9208 §1
    ("QUOTASET", "QUOTASET"),  # RFC 9208 §7
    ("QUOTA_RES_STORAGE", "QUOTA=RES-STORAGE"),  # RFC 9208 §5.1
    ("QUOTA_RES_MESSAGE", "QUOTA=RES-MESSAGE"),  # RFC 9208 §5.2
    ("QUOTA_RES_MAILBOX", "QUOTA=RES-MAILBOX"),  # RFC 9208 §5.3
    ("QUOTA_RES_ANNOTATION_STORAGE", "QUOTA=RES-ANNOTATION-STORAGE"),  # RFC 9208 §5.4
    ("SORT", "SORT"),  # RFC 5256 §1
    ("THREAD_ORDEREDSUBJECT", "THREAD=ORDEREDSUBJECT"),  # RFC 5256 §1
    ("THREAD_REFERENCES", "THREAD=REFERENCES"),  # RFC 5256 §1
    ("BINARY", "BINARY"),  # RFC 3516
    ("METADATA", "METADATA"),  # RFC 5464
    ("METADATA_SERVER", "METADATA-SERVER"),  # RFC 5464
    ("MULTIAPPEND", "MULTIAPPEND"),  # RFC 3502
    ("OBJECTID", "OBJECTID"),  # RFC 8474
    ("UTF8_ACCEPT", "UTF8=ACCEPT"),  # RFC 6855 §3
    ("UTF8_ONLY", "UTF8=ONLY"),  # RFC 6855 §6
    ("CHILDREN", "CHILDREN"),  # RFC 3348
    ("APPENDLIMIT", "APPENDLIMIT"),  # RFC 7889
]:
    setattr(Capability, _attribute, Capability._trusted(_spelling))


def _capability(value: Capability | str) -> Capability:
    if isinstance(value, Capability):
        return value
    if isinstance(value, str):
        return Capability(value)
    raise IMAPValueError(f"not a capability: {value!r}")


# --- reading --------------------------------------------------------------------------------------


def read_capability(reader: Reader) -> Capability:
    """``capability = ("AUTH=" auth-type) / atom`` (RFC 9051 §9)."""
    m = _ATOM.match(reader.buf, reader.pos)
    if m is None:
        raise reader.error("capability (an atom)")
    reader.pos = m.end()
    return Capability._trusted(m.group().decode("ascii"))


def _read_list(reader: Reader) -> list[Capability]:
    """``*(SP capability)``."""
    capabilities = []
    while reader.skip_sp():
        capabilities.append(read_capability(reader))
    return capabilities


def read_capability_data(reader: Reader, *, require_version: bool = True) -> tuple[Capability, ...]:
    """What follows ``"CAPABILITY"`` in ``capability-data`` (RFC 9051 §9), starting at the SP::

        capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2"
                          *(SP capability)

    RFC 3501 §9 requires "IMAP4rev1" in the same place; the list must name one of the two.
    ``require_version=False`` (an opt-in leniency for servers that leave both out) accepts any
    list of at least one capability.
    """
    start = reader.pos
    capabilities = _read_list(reader)
    if require_version:
        missing = not any(capability._key in _VERSIONS for capability in capabilities)
    else:
        missing = not capabilities
    if missing:
        end = reader.pos
        reader.pos = start
        raise reader.error(
            'SP "IMAP4rev2" or SP "IMAP4rev1" (capability-data, RFC 9051 §9 / RFC 3501 §9)'
            if require_version
            else "SP capability (capability-data has at least one, RFC 9051 §9)",
            end,
        )
    return tuple(capabilities)


def read_enable_data(reader: Reader) -> tuple[Capability, ...]:
    """What follows ``"ENABLED"`` (RFC 5161 §4, RFC 9051 §9), starting at the SP, if any::

    enable-data     = "ENABLED" *(SP capability)
    """
    return tuple(_read_list(reader))


def read_enable(reader: Reader) -> tuple[Capability, ...]:
    """The arguments of the ENABLE command (RFC 5161 §4, RFC 9051 §9), starting at the SP::

    enable          = "ENABLE" 1*(SP capability)
    """
    if reader.peek() != 0x20:
        raise reader.error("SP capability (ENABLE takes at least one, RFC 9051 §9)")
    return tuple(_read_list(reader))


# --- writing --------------------------------------------------------------------------------------


def _write_list(writer: Writer, capabilities: Iterable[Capability | str]) -> None:
    items = [_capability(capability) for capability in capabilities]
    writer.raw(b"".join([b" " + capability.name.encode("ascii") for capability in items]))


def write_capability_data(writer: Writer, capabilities: Iterable[Capability | str]) -> None:
    """``*(SP capability)`` after ``"CAPABILITY"``; one of them must be IMAP4rev1/IMAP4rev2."""
    items = [_capability(capability) for capability in capabilities]
    if not any(capability._key in _VERSIONS for capability in items):
        raise IMAPValueError(
            "a CAPABILITY list must include IMAP4rev2 (RFC 9051 §7.2.2) or IMAP4rev1 (RFC 3501)"
        )
    _write_list(writer, items)


def write_enable_data(writer: Writer, capabilities: Iterable[Capability | str]) -> None:
    """``*(SP capability)`` after ``"ENABLED"`` (may be empty, RFC 9051 §7.2.1)."""
    _write_list(writer, capabilities)


def write_enable(writer: Writer, capabilities: Iterable[Capability | str]) -> None:
    """``1*(SP capability)`` after ``"ENABLE"``."""
    items = [_capability(capability) for capability in capabilities]
    if not items:
        raise IMAPValueError("ENABLE takes at least one capability (RFC 9051 §9)")
    _write_list(writer, items)
