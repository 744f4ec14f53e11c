"""STATUS data items and the STATUS response (RFC 9051 §6.3.11, §7.3.3; RFC 3501 §6.3.10).

RFC 9051 §9::

    status          = "STATUS" SP mailbox SP
                      "(" status-att *(SP status-att) ")"
    status-att      = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" /
                      "UNSEEN" / "DELETED" / "SIZE"
    status-att-val  = ("MESSAGES" SP number) /
                      ("UIDNEXT" SP nz-number) /
                      ("UIDVALIDITY" SP nz-number) /
                      ("UNSEEN" SP number) /
                      ("DELETED" SP number) /
                      ("SIZE" SP number64)
                        ; Extensions to the STATUS responses
                        ; should extend this production.
                        ; Extensions should use the generic
                        ; syntax defined by tagged-ext.
    status-att-list =  status-att-val *(SP status-att-val)
    mailbox-data    =/ "STATUS" SP mailbox SP "(" [status-att-list] ")"

and the extensions:

* RFC 3501 §9: ``status-att =/ "RECENT"`` (``status-att SP number``; gone from IMAP4rev2);
* RFC 7162 §7: ``status-att =/ "HIGHESTMODSEQ"``, ``status-att-val =/ "HIGHESTMODSEQ" SP
  mod-sequence-valzer`` (0: the mailbox keeps no mod-sequences);
* RFC 9208 §5: ``status-att =/ "DELETED" / "DELETED-STORAGE"``, ``"DELETED-STORAGE" SP
  number64``;
* RFC 8474 (OBJECTID; not on disk, the rule as the issue gives it): ``status-att =/ "MAILBOXID"``,
  ``status-att-val =/ "MAILBOXID" SP "(" objectid ")"``.

APPENDLIMIT (RFC 7889) is in no document on disk and is not modelled; in a response it is read
as a generic extension item like any other unknown name (``name SP tagged-ext-val``), as the
comment in the ABNF asks. In a STATUS *command*, an unknown item is a parse error, which a
server answers with BAD (RFC 9051 §6.3.11).

Mailbox names are written as quoted strings (a literal when they must be), as the RFC 9051
examples of LIST-STATUS do; on reading, any ``mailbox`` form is accepted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._extension import (
    TaggedExtVal,
    check_objectid,
    check_tagged_ext_val,
    read_objectid,
    read_tagged_ext_val,
    write_tagged_ext_val,
)
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import encode_mailbox, normalize_mailbox, read_mailbox
from pymailproto.imap._values import (
    Writer,
    check_number,
    check_number64,
    check_nz_number,
)

__all__ = [
    "StatusAtt",
    "StatusResponse",
    "StatusValue",
    "read_status_att",
    "read_status_att_list",
    "read_status_response",
    "write_status_att_list",
    "write_status_response",
]


class StatusAtt(enum.Enum):
    """A STATUS data item name, as on the wire (RFC 9051 §6.3.11 unless noted)."""

    #: Number of messages.
    MESSAGES = "MESSAGES"
    #: Number of messages with \\Recent (RFC 3501 §6.3.10 only).
    RECENT = "RECENT"
    #: The next UID.
    UIDNEXT = "UIDNEXT"
    #: The UIDVALIDITY.
    UIDVALIDITY = "UIDVALIDITY"
    #: Number of messages without \\Seen.
    UNSEEN = "UNSEEN"
    #: Number of messages with \\Deleted (RFC 9051, RFC 9208 §4.1.4).
    DELETED = "DELETED"
    #: Total size in octets (RFC 9051).
    SIZE = "SIZE"
    #: Highest mod-sequence, 0 without persistent mod-sequences (RFC 7162 §3.1.7).
    HIGHESTMODSEQ = "HIGHESTMODSEQ"
    #: Octets an EXPUNGE would free (RFC 9208 §4.1.4).
    DELETED_STORAGE = "DELETED-STORAGE"
    #: The mailbox's object id (RFC 8474).
    MAILBOXID = "MAILBOXID"

    @property
    def field(self) -> str:
        """The :class:`StatusResponse` attribute holding this item."""
        return self.name.lower()


_ATTS = {att.value: att for att in StatusAtt}

#: A STATUS value: a number, or an objectid (MAILBOXID).
StatusValue: TypeAlias = int | str


def read_status_att(reader: Reader) -> StatusAtt:
    """One ``status-att``; an unknown name is an error (the server answers BAD)."""
    pos = reader.pos
    try:
        att = _ATTS.get(reader.read_keyword())
    except IMAPParseError:
        att = None
    if att is None:
        reader.pos = pos
        raise reader.error("status data item (MESSAGES, UIDNEXT, UIDVALIDITY, ...)", pos)
    return att


def read_status_att_list(reader: Reader) -> tuple[StatusAtt, ...]:
    """``"(" status-att *(SP status-att) ")"`` -- the STATUS command's (and the LIST STATUS
    return option's, RFC 5819 §4) list of item names; not empty."""
    reader.open_list()
    atts = [read_status_att(reader)]
    while reader.skip_sp():
        atts.append(read_status_att(reader))
    reader.close_list()
    return tuple(atts)


def _check_atts(atts: Iterable[StatusAtt]) -> tuple[StatusAtt, ...]:
    items = tuple(atts)
    if not items:
        raise IMAPValueError("a STATUS item list cannot be empty (RFC 9051 §9)")
    for att in items:
        if not isinstance(att, StatusAtt):
            raise IMAPValueError(f"not a StatusAtt: {att!r}")
    return items


def write_status_att_list(writer: Writer, atts: Iterable[StatusAtt]) -> None:
    """``"(" status-att *(SP status-att) ")"``."""
    items = _check_atts(atts)
    writer.raw(b"(" + " ".join(att.value for att in items).encode("ascii") + b")")


# How each value is checked (construction) and read (parsing).
_NUMBER = "number"
_NZ = "nz-number"
_NUMBER64 = "number64"
_VALZER = "mod-sequence-valzer"
_OBJECTID = "objectid"
_KINDS = {
    StatusAtt.MESSAGES: _NUMBER,
    StatusAtt.RECENT: _NUMBER,
    StatusAtt.UIDNEXT: _NZ,
    StatusAtt.UIDVALIDITY: _NZ,
    StatusAtt.UNSEEN: _NUMBER,
    StatusAtt.DELETED: _NUMBER,
    StatusAtt.SIZE: _NUMBER64,
    StatusAtt.HIGHESTMODSEQ: _VALZER,
    StatusAtt.DELETED_STORAGE: _NUMBER64,
    StatusAtt.MAILBOXID: _OBJECTID,
}


def _check_value(att: StatusAtt, value: object) -> StatusValue:
    kind = _KINDS[att]
    try:
        if kind == _NUMBER:
            return check_number(value)  # type: ignore[arg-type]
        if kind == _NZ:
            return check_nz_number(value)  # type: ignore[arg-type]
        if kind == _OBJECTID:
            return check_objectid(value)  # type: ignore[arg-type]
        return check_number64(value)  # type: ignore[arg-type]
    except IMAPValueError:
        raise IMAPValueError(f"STATUS {att.value} takes a {kind}: {value!r}") from None


def _read_value(reader: Reader, att: StatusAtt) -> StatusValue:
    kind = _KINDS[att]
    if kind == _NUMBER:
        return reader.read_number()
    if kind == _NZ:
        return reader.read_nz_number()
    if kind == _NUMBER64:
        return reader.read_number64()
    if kind == _VALZER:
        return reader.read_mod_sequence_valzer()
    reader.open_list()
    objectid = read_objectid(reader)
    reader.close_list()
    return objectid


@dataclass(frozen=True, slots=True, init=False)
class StatusResponse:
    """``STATUS mailbox (att value ...)`` (RFC 9051 §7.3.3).

    Each known item is an attribute (None: not in the response)::

        StatusResponse("blurdybloop", messages=231, uidnext=44292)

    ``extensions`` holds items of other extensions as ``(NAME, tagged-ext-val)``. Items are
    written in the order of :class:`StatusAtt`, then the extensions (the order of a response
    carries no meaning). ``mailbox`` is normalised (every case of INBOX is ``"INBOX"``).
    """

    mailbox: str
    messages: int | None
    recent: int | None
    uidnext: int | None
    uidvalidity: int | None
    unseen: int | None
    deleted: int | None
    size: int | None
    highestmodseq: int | None
    deleted_storage: int | None
    mailboxid: str | None
    extensions: tuple[tuple[str, TaggedExtVal], ...]

    def __init__(
        self,
        mailbox: str,
        *,
        messages: int | None = None,
        recent: int | None = None,
        uidnext: int | None = None,
        uidvalidity: int | None = None,
        unseen: int | None = None,
        deleted: int | None = None,
        size: int | None = None,
        highestmodseq: int | None = None,
        deleted_storage: int | None = None,
        mailboxid: str | None = None,
        extensions: Iterable[tuple[str, TaggedExtVal]] = (),
    ) -> None:
        if not isinstance(mailbox, str):
            raise TypeError(f"mailbox names are str, not {type(mailbox).__name__}")
        object.__setattr__(self, "mailbox", normalize_mailbox(mailbox))
        given = {
            StatusAtt.MESSAGES: messages,
            StatusAtt.RECENT: recent,
            StatusAtt.UIDNEXT: uidnext,
            StatusAtt.UIDVALIDITY: uidvalidity,
            StatusAtt.UNSEEN: unseen,
            StatusAtt.DELETED: deleted,
            StatusAtt.SIZE: size,
            StatusAtt.HIGHESTMODSEQ: highestmodseq,
            StatusAtt.DELETED_STORAGE: deleted_storage,
            StatusAtt.MAILBOXID: mailboxid,
        }
        for att, value in given.items():
            object.__setattr__(self, att.field, None if value is None else _check_value(att, value))
        ext = []
        for name, ext_value in extensions:
            if not isinstance(name, str) or not _is_label(name):
                raise IMAPValueError(f"not a STATUS item name (tagged-ext-label): {name!r}")
            if name.upper() in _ATTS:
                raise IMAPValueError(f"{name} is a known STATUS item; use its attribute")
            ext.append((name.upper(), check_tagged_ext_val(ext_value)))
        object.__setattr__(self, "extensions", tuple(ext))

    def get(self, att: StatusAtt) -> StatusValue | None:
        """The value of item ``att``, or None."""
        value: StatusValue | None = getattr(self, att.field)
        return value

    def items(self) -> list[tuple[StatusAtt, StatusValue]]:
        """The known items present, in :class:`StatusAtt` order."""
        out = []
        for att in StatusAtt:
            value = self.get(att)
            if value is not None:
                out.append((att, value))
        return out

    def write(self, writer: Writer) -> None:
        """``"STATUS" SP mailbox SP "(" [status-att-list] ")"``."""
        write_status_response(writer, self)


def _is_label(name: str) -> bool:
    # tagged-ext-label = tagged-label-fchar *tagged-label-char (RFC 9051 §9)
    if not name or not name.isascii():
        return False
    first = name[0]
    if not (first.isalpha() or first in "-_."):
        return False
    return all(ch.isalnum() or ch in "-_.:" for ch in name)


def read_status_response(reader: Reader, *, utf8: bool) -> StatusResponse:
    """``"STATUS" SP mailbox SP "(" [status-att-list] ")"`` (RFC 9051 §9 mailbox-data).

    ``utf8``: mailbox names are UTF-8 (UTF8=ACCEPT / IMAP4rev2) rather than modified UTF-7.
    An item given twice is an error (the model holds one value per item).
    """
    reader.expect_keyword(b"STATUS")
    reader.expect_sp()
    mailbox = read_mailbox(reader, utf8=utf8)
    reader.expect_sp()
    fields: dict[str, StatusValue | None] = {att.field: None for att in StatusAtt}
    extensions: list[tuple[str, TaggedExtVal]] = []
    seen: set[str] = set()
    reader.open_list()
    if reader.peek() != 0x29:
        while True:
            pos = reader.pos
            name = reader.read_keyword()
            if name in seen:
                raise reader.fail(f"STATUS item {name} given twice", pos)
            seen.add(name)
            reader.expect_sp()
            att = _ATTS.get(name)
            if att is None:
                extensions.append((name, read_tagged_ext_val(reader)))
            else:
                fields[att.field] = _read_value(reader, att)
            if not reader.skip_sp():
                break
    reader.close_list()
    response = object.__new__(StatusResponse)
    object.__setattr__(response, "mailbox", mailbox)
    for name, value in fields.items():
        object.__setattr__(response, name, value)
    object.__setattr__(response, "extensions", tuple(extensions))
    return response


def write_status_response(writer: Writer, response: StatusResponse) -> None:
    """``"STATUS" SP mailbox SP "(" [status-att-list] ")"``; the mailbox as a quoted string
    (or a literal), encoded for ``writer.options.utf8``."""
    writer.raw(b"STATUS ")
    writer.string(encode_mailbox(response.mailbox, utf8=writer.options.utf8))
    writer.raw(b" (")
    first = True
    for att, value in response.items():
        if not first:
            writer.sp()
        first = False
        writer.raw(att.value.encode("ascii") + b" ")
        if isinstance(value, str):
            writer.raw(b"(" + value.encode("ascii") + b")")
        else:
            writer.raw(b"%d" % value)
    for name, ext_value in response.extensions:
        if not first:
            writer.sp()
        first = False
        writer.raw(name.encode("ascii") + b" ")
        write_tagged_ext_val(writer, ext_value)
    writer.raw(b")")
