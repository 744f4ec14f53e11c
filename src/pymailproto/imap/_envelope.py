"""ENVELOPE and its addresses (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2, §9)::

    envelope        = "(" env-date SP env-subject SP env-from SP
                      env-sender SP env-reply-to SP env-to SP env-cc SP
                      env-bcc SP env-in-reply-to SP env-message-id ")"
    env-bcc         = "(" 1*address ")" / nil
    env-cc          = "(" 1*address ")" / nil
    env-date        = nstring
    env-from        = "(" 1*address ")" / nil
    env-in-reply-to = nstring
    env-message-id  = nstring
    env-reply-to    = "(" 1*address ")" / nil
    env-sender      = "(" 1*address ")" / nil
    env-subject     = nstring
    env-to          = "(" 1*address ")" / nil
    address         = "(" addr-name SP addr-adl SP addr-mailbox SP
                      addr-host ")"
    addr-adl        = nstring
    addr-host       = nstring
                        ; NIL indicates [RFC5322] group syntax.
    addr-mailbox    = nstring
                        ; NIL indicates end of [RFC5322] group; if
                        ; non-NIL and addr-host is NIL, holds
                        ; [RFC5322] group name.
    addr-name       = nstring

Every string is kept as the octets the server sent (``bytes``; ``None`` for NIL): a subject or
a display name may be RFC 2047-encoded, or raw UTF-8 under IMAP4rev2, and only the caller
knows whether it wants them decoded. :func:`decode_header_text` (and the ``decoded_*``
methods) decode on demand with :mod:`email.header`, which is imported only then.

An address list is a tuple; the empty tuple is NIL (the grammar has no empty list,
``1*address``). Group syntax stays in the list as the server sent it: a group-start marker
(:attr:`Address.is_group_start`), the members, a group-end marker (:attr:`Address.is_group_end`).

Leniency (when parsing only; always on, since it only accepts what would otherwise be an
error; the index of all the structure parsers' leniencies is in
:mod:`pymailproto.imap._body_parse`):

* **SP between addresses.** The grammar is ``1*address`` -- addresses back to back -- but the
  RFCs' own sample (RFC 3501 §8, RFC 9051 §8) shows ``((NIL NIL "minutes" ...)`` and
  ``("John Klensin" ...))`` on two lines, which reads as a space, and servers copying the
  sample exist. One SP between addresses is accepted; output has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import Writer

_T = TypeVar("_T")

__all__ = [
    "Address",
    "Envelope",
    "decode_header_text",
    "read_address",
    "read_address_list",
    "read_envelope",
    "trusted_builder",
    "write_address",
    "write_address_list",
    "write_envelope",
]


def _nstring(value: bytes | str | None, what: str) -> bytes | None:
    """A value that has an ``nstring`` form: None, or octets without NUL (str as UTF-8)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise IMAPValueError(f"{what} must be bytes, str or None, not {type(value).__name__}")
    if 0 in value:
        raise IMAPValueError(f"{what} cannot hold NUL (RFC 9051 §4.3.1)")
    return value


def decode_header_text(data: bytes | None) -> str | None:
    """A header text (subject, display name) as ``str``, RFC 2047 encoded-words decoded.

    The octets are read as UTF-8 (RFC 6532 headers; invalid sequences become U+FFFD), then
    encoded-words are decoded with :func:`email.header.decode_header`. Text that cannot be
    decoded (an unknown charset, a broken encoded-word) is returned as it is.
    """
    if data is None:
        return None
    text = data.decode("utf-8", "replace")
    if "=?" not in text:
        return text
    from email.errors import HeaderParseError  # noqa: PLC0415 (imported on first use)
    from email.header import decode_header, make_header  # noqa: PLC0415

    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


@dataclass(frozen=True, slots=True, init=False)
class Address:
    """``address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"``.

    ``Address(b"Terry Gray", None, b"gray", b"cac.washington.edu")``. Group markers:
    :meth:`group_start` and :meth:`group_end` (RFC 9051 §7.5.2: a NIL host marks group syntax).
    """

    #: The display name (phrase), RFC 5322 quoting removed; may be RFC 2047-encoded.
    name: bytes | None
    #: The source route (obs-route), if any.
    adl: bytes | None
    #: The local-part; the group name in a group-start marker; None in a group-end marker.
    mailbox: bytes | None
    #: The domain; None in group markers.
    host: bytes | None

    def __init__(
        self,
        name: bytes | str | None = None,
        adl: bytes | str | None = None,
        mailbox: bytes | str | None = None,
        host: bytes | str | None = None,
    ) -> None:
        _set_name(self, _nstring(name, "addr-name"))
        _set_adl(self, _nstring(adl, "addr-adl"))
        _set_mailbox(self, _nstring(mailbox, "addr-mailbox"))
        _set_host(self, _nstring(host, "addr-host"))

    @classmethod
    def group_start(cls, group_name: bytes | str) -> Address:
        """The marker opening group ``group_name`` (``(NIL NIL "name" NIL)``)."""
        if group_name is None:
            raise IMAPValueError("a group-start marker needs the group name")
        return cls(None, None, group_name, None)

    @classmethod
    def group_end(cls) -> Address:
        """The marker closing a group (``(NIL NIL NIL NIL)``)."""
        return cls()

    @property
    def is_group_start(self) -> bool:
        """A NIL host and a mailbox: the start of group :attr:`mailbox`."""
        return self.host is None and self.mailbox is not None

    @property
    def is_group_end(self) -> bool:
        """A NIL host and a NIL mailbox: the end of a group."""
        return self.host is None and self.mailbox is None

    @property
    def addr_spec(self) -> bytes | None:
        """``mailbox@host``, or None for group markers and addresses missing a part."""
        if self.mailbox is None or self.host is None:
            return None
        return self.mailbox + b"@" + self.host

    def decoded_name(self) -> str | None:
        """:attr:`name` decoded (:func:`decode_header_text`)."""
        return decode_header_text(self.name)


_new = object.__new__
_set_name = Address.__dict__["name"].__set__
_set_adl = Address.__dict__["adl"].__set__
_set_mailbox = Address.__dict__["mailbox"].__set__
_set_host = Address.__dict__["host"].__set__


def _address(
    name: bytes | None, adl: bytes | None, mailbox: bytes | None, host: bytes | None
) -> Address:
    """An address from parsed fields (the trusted fast path: no re-validation)."""
    value = _new(Address)
    _set_name(value, name)
    _set_adl(value, adl)
    _set_mailbox(value, mailbox)
    _set_host(value, host)
    return value


def _address_list(addresses: Iterable[Address] | None, what: str) -> tuple[Address, ...]:
    if addresses is None:
        return ()
    if isinstance(addresses, Address):
        raise IMAPValueError(f"{what} is a sequence of addresses, not one Address")
    items = tuple(addresses)
    for item in items:
        if not isinstance(item, Address):
            raise IMAPValueError(f"{what} holds something that is not an Address: {item!r}")
    return items


@dataclass(frozen=True, slots=True, init=False)
class Envelope:
    """``envelope`` (RFC 9051 §7.5.2): fields in wire order; address lists are tuples, the
    empty tuple standing for NIL."""

    date: bytes | None
    subject: bytes | None
    from_: tuple[Address, ...]
    sender: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    in_reply_to: bytes | None
    message_id: bytes | None

    def __init__(
        self,
        *,
        date: bytes | str | None = None,
        subject: bytes | str | None = None,
        from_: Iterable[Address] | None = (),
        sender: Iterable[Address] | None = (),
        reply_to: Iterable[Address] | None = (),
        to: Iterable[Address] | None = (),
        cc: Iterable[Address] | None = (),
        bcc: Iterable[Address] | None = (),
        in_reply_to: bytes | str | None = None,
        message_id: bytes | str | None = None,
    ) -> None:
        _set_envelope(
            self,
            _nstring(date, "env-date"),
            _nstring(subject, "env-subject"),
            _address_list(from_, "env-from"),
            _address_list(sender, "env-sender"),
            _address_list(reply_to, "env-reply-to"),
            _address_list(to, "env-to"),
            _address_list(cc, "env-cc"),
            _address_list(bcc, "env-bcc"),
            _nstring(in_reply_to, "env-in-reply-to"),
            _nstring(message_id, "env-message-id"),
        )

    def decoded_subject(self) -> str | None:
        """:attr:`subject` decoded (:func:`decode_header_text`)."""
        return decode_header_text(self.subject)


_ENVELOPE_SETTERS = tuple(
    Envelope.__dict__[name].__set__
    for name in (
        "date",
        "subject",
        "from_",
        "sender",
        "reply_to",
        "to",
        "cc",
        "bcc",
        "in_reply_to",
        "message_id",
    )
)
(
    _set_date,
    _set_subject,
    _set_from,
    _set_sender,
    _set_reply_to,
    _set_to,
    _set_cc,
    _set_bcc,
    _set_in_reply_to,
    _set_message_id,
) = _ENVELOPE_SETTERS


def _set_envelope(  # noqa: PLR0917 (positional: the parser's hot path)
    value: Envelope,
    date: bytes | None,
    subject: bytes | None,
    from_: tuple[Address, ...],
    sender: tuple[Address, ...],
    reply_to: tuple[Address, ...],
    to: tuple[Address, ...],
    cc: tuple[Address, ...],
    bcc: tuple[Address, ...],
    in_reply_to: bytes | None,
    message_id: bytes | None,
) -> None:
    _set_date(value, date)
    _set_subject(value, subject)
    _set_from(value, from_)
    _set_sender(value, sender)
    _set_reply_to(value, reply_to)
    _set_to(value, to)
    _set_cc(value, cc)
    _set_bcc(value, bcc)
    _set_in_reply_to(value, in_reply_to)
    _set_message_id(value, message_id)


def _envelope(*fields: object) -> Envelope:
    """An envelope from parsed fields (the trusted fast path)."""
    value = _new(Envelope)
    _set_envelope(value, *fields)  # type: ignore[arg-type]
    return value


def trusted_builder(cls: type[_T]) -> Callable[..., _T]:
    """A fast constructor of ``cls`` from already checked fields, positional, in the order of
    its dataclass fields -- the parsers' trusted path.

    Through the slot setters each field costs a method call. The builder is a twin class with
    the same slots and bases whose ``__init__`` stores the fields as plain attributes and then
    makes the object a ``cls`` (``__class__`` assignment, which Python allows between classes
    of the same layout): about twice as fast. The ``__init__`` is generated from the field
    names, as :mod:`dataclasses` generates its methods. Nothing else ever sees a builder.
    """
    names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
    source = (
        f"def __init__(self, {', '.join(names)}):\n"
        + "".join(f"    self.{name} = {name}\n" for name in names)
        + "    self.__class__ = cls\n"
    )
    namespace: dict[str, Any] = {"cls": cls}
    exec(source, namespace)  # the generated __init__ above: field names only
    return type(
        f"_{cls.__name__}Builder",
        cls.__bases__,
        {"__slots__": tuple(names), "__init__": namespace["__init__"]},
    )


_AddressBuilder = trusted_builder(Address)
_EnvelopeBuilder = trusted_builder(Envelope)


# --- reading --------------------------------------------------------------------------------------

#: The fast paths can be switched off to test that the general path gives the same values.
_FAST = True

# The fast paths match quoted strings as ``"[^"]*"`` -- content up to the next DQUOTE, which
# Python's regular expressions scan several times faster than a character class -- and then
# check the whole span they matched for octets the fast path does not handle: a backslash
# (quoted-pairs to unescape), CR or LF (a literal, or a stray line end), NUL, 8-bit octets
# (UTF-8 to check). In a span without any of those, "[^"]*" is exactly a quoted string that
# needs no unescaping and no UTF-8 check, and the groups hold the values as they are (None for
# NIL). Everything else (literals, escapes, UTF-8, "nil" in lower case) goes the general way
# through the reader's terminals.
_Q = rb'(?:"([^"]*)"|NIL)'
_QN = rb'(?:"[^"]*"|NIL)'
_ADDRESS = re.compile(rb"\(" + _Q + b" " + _Q + b" " + _Q + b" " + _Q + rb"\)")
_ADDRESS_N = rb"\(" + _QN + b" " + _QN + b" " + _QN + b" " + _QN + rb"\)"
# An address list, NIL or addresses with at most one SP between them (the leniency above).
_LIST_N = rb"NIL|\(" + _ADDRESS_N + rb"(?: ?" + _ADDRESS_N + rb")*\)"
_LIST = re.compile(_LIST_N)
_ENVELOPE = re.compile(
    rb"\(" + _Q + b" " + _Q + (b" (" + _LIST_N + b")") * 6 + b" " + _Q + b" " + _Q + rb"\)"
)
# Depth of the deepest parenthesis the fast path consumes, relative to the reader's depth.
_ENVELOPE_DEPTH = 3
# What follows the subject: the general path's shortcut when only the date or the subject is
# not plain (a literal, escapes, UTF-8 -- the usual reason the whole pattern fails). Its depth
# is 2 below the envelope's "(".
_ENVELOPE_TAIL = re.compile((b" (" + _LIST_N + b")") * 6 + b" " + _Q + b" " + _Q + rb"\)")


def _plain(span: bytes) -> bool:
    """Whether ``span`` holds no backslash, CR, LF, NUL or 8-bit octet (see above)."""
    # An int needle makes "in" a plain memchr.
    return (
        0x5C not in span
        and 0x0D not in span
        and 0x0A not in span
        and 0 not in span
        and span.isascii()
    )


def _list_of_span(span: bytes) -> tuple[Address, ...]:
    """The addresses of a plain list of addresses (not NIL) that :data:`_LIST` matched."""
    m = _ADDRESS.match(span, 1)
    first = _AddressBuilder(*m.groups())  # type: ignore[union-attr]
    end = m.end()  # type: ignore[union-attr]
    if end == len(span) - 1:  # one address, the usual case: no iterator
        return (first,)
    return (first, *[_AddressBuilder(*m.groups()) for m in _ADDRESS.finditer(span, end)])


class _Lists(dict):  # type: ignore[type-arg]
    """The address lists seen lately, by their bytes (see :data:`_LISTS`): a missing one is
    built on lookup, and when the dict holds ``_LISTS_MAX`` entries it is emptied first."""

    __slots__ = ()

    def __missing__(self, span: bytes) -> tuple[Address, ...]:
        addresses = _list_of_span(span)
        if len(self) >= _LISTS_MAX:
            self.clear()
            self[b"NIL"] = ()
        self[span] = addresses
        return addresses


# The same address lists come back message after message (the mailbox owner in To, a mailing
# list in Reply-To, a notification service in From): remember them by their bytes -- the spans
# of plain matches (see above), whose reading depends on nothing else. Bounded: emptied when
# full, so that a peer cannot grow it without limit.
_LISTS_MAX = 2048
_LISTS: dict[bytes, tuple[Address, ...]] = _Lists({b"NIL": ()})


def _list_from_span(span: bytes) -> tuple[Address, ...]:
    """The addresses of a plain list that :data:`_LIST` matched."""
    return _LISTS[span]


def read_address(reader: Reader) -> Address:
    """``address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"``."""
    m = _ADDRESS.match(reader.buf, reader.pos) if _FAST else None
    if m is not None and reader.depth < reader.max_depth and _plain(m.group()):
        reader.pos = m.end()
        return _address(*m.groups())
    reader.open_list()
    name = reader.read_nstring()
    reader.expect_sp()
    adl = reader.read_nstring()
    reader.expect_sp()
    mailbox = reader.read_nstring()
    reader.expect_sp()
    host = reader.read_nstring()
    reader.close_list()
    return _address(name, adl, mailbox, host)


def read_address_list(reader: Reader) -> tuple[Address, ...]:
    """``"(" 1*address ")" / nil`` (env-from, env-sender, ...); NIL gives ``()``.

    Accepts one SP between addresses (see the module's leniency note).
    """
    buf = reader.buf
    if _FAST and reader.depth + 2 <= reader.max_depth:
        m = _LIST.match(buf, reader.pos)
        if m is not None:
            span = m.group()
            if _plain(span):
                reader.pos = m.end()
                return _list_from_span(span)
    if reader.peek() != 0x28:
        if reader.skip_nil():
            return ()
        raise reader.error('address list ("(" or NIL)')
    reader.open_list()
    addresses = [read_address(reader)]
    while True:
        pos = reader.pos
        octet = buf[pos] if pos < reader.end else -1
        if octet == 0x28:
            addresses.append(read_address(reader))
        elif octet == 0x20 and buf.startswith(b"(", pos + 1):
            reader.pos = pos + 1  # leniency: SP between addresses
            addresses.append(read_address(reader))
        elif octet == 0x29:
            reader.close_list()
            return tuple(addresses)
        else:
            raise reader.error('address or ")"')


def read_envelope(reader: Reader) -> Envelope:
    """``envelope`` (RFC 9051 §9; see the module docstring for the rule)."""
    buf = reader.buf
    start = reader.pos
    m = _ENVELOPE.match(buf, start) if _FAST else None
    if m is not None and reader.depth + _ENVELOPE_DEPTH <= reader.max_depth:
        end = m.end()
        if _plain(buf[start:end]):
            date, subject, f, s, r, t, c, b, in_reply_to, message_id = m.groups()
            lists = _LISTS
            reader.pos = end
            return _EnvelopeBuilder(
                date,
                subject,
                lists[f],
                lists[s],
                lists[r],
                lists[t],
                lists[c],
                lists[b],
                in_reply_to,
                message_id,
            )
    depth = reader.depth
    try:
        return _read_envelope(reader)
    except IMAPParseError:
        reader.pos = start
        reader.depth = depth
        raise


def _read_envelope(reader: Reader) -> Envelope:
    """The general path: field by field (the fields after the subject first in one match)."""
    reader.open_list()
    date = reader.read_nstring()
    reader.expect_sp()
    subject = reader.read_nstring()
    if _FAST and reader.depth + 2 <= reader.max_depth:
        buf = reader.buf
        pos = reader.pos
        m = _ENVELOPE_TAIL.match(buf, pos)
        if m is not None and _plain(buf[pos : m.end()]):
            f, s, r, t, c, b, in_reply_to, message_id = m.groups()
            lists = _LISTS
            reader.pos = m.end() - 1
            reader.close_list()
            return _EnvelopeBuilder(
                date,
                subject,
                lists[f],
                lists[s],
                lists[r],
                lists[t],
                lists[c],
                lists[b],
                in_reply_to,
                message_id,
            )
    reader.expect_sp()
    from_ = read_address_list(reader)
    reader.expect_sp()
    sender = read_address_list(reader)
    reader.expect_sp()
    reply_to = read_address_list(reader)
    reader.expect_sp()
    to = read_address_list(reader)
    reader.expect_sp()
    cc = read_address_list(reader)
    reader.expect_sp()
    bcc = read_address_list(reader)
    reader.expect_sp()
    in_reply_to = reader.read_nstring()
    reader.expect_sp()
    message_id = reader.read_nstring()
    reader.close_list()
    return _envelope(date, subject, from_, sender, reply_to, to, cc, bcc, in_reply_to, message_id)


# --- writing --------------------------------------------------------------------------------------


def write_address(writer: Writer, address: Address) -> None:
    """``address``, each field in its cheapest nstring form."""
    writer.raw(b"(")
    writer.nstring(address.name)
    writer.sp()
    writer.nstring(address.adl)
    writer.sp()
    writer.nstring(address.mailbox)
    writer.sp()
    writer.nstring(address.host)
    writer.raw(b")")


def write_address_list(writer: Writer, addresses: tuple[Address, ...]) -> None:
    """``"(" 1*address ")" / nil``: NIL for ``()``; no space between addresses (the grammar)."""
    if not addresses:
        writer.raw(b"NIL")
        return
    writer.raw(b"(")
    for address in addresses:
        if not isinstance(address, Address):
            raise IMAPValueError(f"not an Address: {address!r}")
        write_address(writer, address)
    writer.raw(b")")


def write_envelope(writer: Writer, envelope: Envelope) -> None:
    """``envelope``."""
    if not isinstance(envelope, Envelope):
        raise IMAPValueError(f"not an Envelope: {envelope!r}")
    writer.raw(b"(")
    writer.nstring(envelope.date)
    writer.sp()
    writer.nstring(envelope.subject)
    for addresses in (
        envelope.from_,
        envelope.sender,
        envelope.reply_to,
        envelope.to,
        envelope.cc,
        envelope.bcc,
    ):
        writer.sp()
        write_address_list(writer, addresses)
    writer.sp()
    writer.nstring(envelope.in_reply_to)
    writer.sp()
    writer.nstring(envelope.message_id)
    writer.raw(b")")
