"""FETCH and UID FETCH on the server: message data items from the store and the MIME parser.

The session hands a command to :func:`fetch` and sends what it yields::

    run = fetch(view, command, condstore=..., qresync=..., cache=structures)
    for response in run:          # VANISHED (EARLIER) first, then one FETCH per message
        conn.send(response)
    code = Code.EXPUNGEISSUED if run.expunged else None

Three layers, each usable alone:

* :func:`to_envelope` and :func:`to_body_structure` turn the protocol-neutral values of
  :mod:`pymailproto.mime` into the codec's ``Envelope`` and ``BodyStructure``.
* :class:`FetchPlan` is built once per command: the requested items, macros expanded, each
  with the function that computes it, and what they need (the octets, the MIME structure)
  and do (set ``\\Seen``). :func:`fetch_items` applies a plan to one message, reading and
  parsing it only if an item needs it: ``FETCH 1:* (FLAGS UID)`` never touches the octets.
* :func:`fetch` resolves the sequence set, applies the CHANGEDSINCE and VANISHED modifiers
  (RFC 7162 §3.1.4.1, §3.2.6), sets ``\\Seen`` with one store call, and yields one response
  at a time, so a FETCH of 10,000 messages holds one message in memory at a time.

Choices the RFCs leave open, made as Dovecot makes them unless said otherwise:

* A section that does not exist (``BODY[9]``, ``BODY[1.TEXT]`` of a part that is not a
  message) is the empty string, and its BINARY.SIZE 0 -- Dovecot's imap-msgpart.c: "MIME part
  not found. return an empty part." RFC 9051 does not say.
* NUL cannot travel in a string (RFC 9051 §4.3.1): in BODY[...], RFC822.* and the strings of
  ENVELOPE and BODYSTRUCTURE it becomes 0x80, as Dovecot's istream-nonuls does. BINARY keeps
  NUL (a literal8, RFC 9051 §7.5.2).
* ENVELOPE subjects and display names are written "for humans": tabs and line breaks become
  spaces, runs of spaces one, leading and trailing ones go (Dovecot's
  ``imap_append_string_for_humans``).
* BODYSTRUCTURE writes all four extension fields of every part, NIL or not, as Dovecot does.
* BINARY decodes a leaf part's base64 or quoted-printable; other encodings are unknown and
  fail the command with NO [UNKNOWN-CTE] (:class:`UnknownCTE`, RFC 9051 §7.5.2). Text parts
  come out with CRLF line ends (RFC 9051 §7.5.2 MUST). A section that is not a leaf --
  ``BINARY[]``, a multipart, a message/rfc822 part -- is returned as it is: RFC 9051 allows
  BINARY on leaves only, and such sections have an identity encoding (RFC 2045 §6.4).
  *Differs from Dovecot:* damaged base64 (bad padding) is decoded leniently where Dovecot
  answers NIL (and BINARY.SIZE 0).
* ``\\Seen`` is set before the first response, for every message that needs it, with one
  store call; never in a read-only (EXAMINEd) mailbox (RFC 9051 §6.3.3). A message whose flags
  changed gets FLAGS at the end of its response (RFC 9051 §6.4.5 "SHOULD be included"), and
  UID too when QRESYNC is on (RFC 7162 §3.2.4).
* Order of items: UID first in UID FETCH (RFC 9051 §6.4.9), then an implied MODSEQ (as in
  RFC 7162 example 12), then the requested items in the order asked, each once.
* A message another session expunged meanwhile is skipped and listed in
  :attr:`FetchRun.expunged`; the session answers OK [EXPUNGEISSUED] (RFC 5530), as Dovecot.
* VANISHED (EARLIER): ``*`` in the UID set is UIDNEXT-1, so ``1:*`` covers every expunged UID.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Set
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from pymailproto.imap import (
    Address,
    BasicBody,
    BinarySection,
    BodySection,
    BodyStructure,
    Code,
    Condition,
    Disposition,
    Envelope,
    Extension,
    FetchAttribute,
    FetchCommand,
    FetchMacro,
    FetchResponse,
    Flag,
    MessageBody,
    MultipartBody,
    Partial,
    Response,
    Section,
    SectionText,
    SequenceSet,
    TextBody,
    VanishedResponse,
)
from pymailproto.imap._fetch import FetchAtt
from pymailproto.imap._msg_att import FetchKey
from pymailproto.mailstore import SEEN, Mailbox, MessageInfo, NoSuchMessage
from pymailproto.mime import Address as MimeAddress
from pymailproto.mime import (
    EnvelopeFields,
    MessageStructure,
    Part,
    StructureCache,
    envelope,
    header_fields,
    parse_message,
)

__all__ = [
    "FetchError",
    "FetchPlan",
    "FetchRun",
    "FetchView",
    "UnknownCTE",
    "decode_transfer_encoding",
    "fetch",
    "fetch_items",
    "to_body_structure",
    "to_envelope",
]


# --- errors ---------------------------------------------------------------------------------------


class FetchError(Exception):
    """A FETCH the session must refuse: answer the tagged ``condition`` (NO or BAD) with
    ``code`` and ``str(error)`` as the text."""

    def __init__(self, text: str, *, bad: bool = False, code: Code | None = None) -> None:
        super().__init__(text)
        self.condition = Condition.BAD if bad else Condition.NO
        self.code = code


class UnknownCTE(FetchError):
    """BINARY asked to decode a Content-Transfer-Encoding this server does not know: NO
    [UNKNOWN-CTE] (RFC 9051 §7.5.2). Raised while iterating, after the responses of the
    messages before it were yielded."""

    def __init__(self, encoding: bytes) -> None:
        name = encoding.decode("ascii", "replace")
        super().__init__(f"cannot decode Content-Transfer-Encoding {name}", code=Code.UNKNOWN_CTE)
        self.encoding = encoding


# --- values: mime -> codec ------------------------------------------------------------------------

_WHITESPACE = re.compile(rb"[ \t\r\n]+")


def _clean(value: bytes) -> bytes:
    """``value`` fit for a string: NUL becomes 0x80 (strings cannot hold NUL, RFC 9051
    §4.3.1; Dovecot substitutes the same octet)."""
    return value.replace(b"\0", b"\x80") if b"\0" in value else value


def _nclean(value: bytes | None) -> bytes | None:
    return None if value is None else _clean(value)


def _for_humans(value: bytes | None) -> bytes | None:
    """A subject or display name as Dovecot writes it: whitespace runs collapsed to one
    space, none at either end, NUL as 0x80."""
    if value is None:
        return None
    return _clean(_WHITESPACE.sub(b" ", value).strip(b" "))


def _addresses(addresses: tuple[MimeAddress, ...]) -> tuple[Address, ...]:
    return tuple(
        Address(_for_humans(a.name), _nclean(a.adl), _nclean(a.mailbox), _nclean(a.host))
        for a in addresses
    )


def to_envelope(fields: EnvelopeFields) -> Envelope:
    """The ENVELOPE (RFC 9051 §7.5.2) of a message whose fields
    :func:`pymailproto.mime.envelope` found. Absent fields are NIL, empty ones ``""``;
    empty address lists are NIL; sender and reply-to already default to from."""
    return Envelope(
        date=_nclean(fields.date),
        subject=_for_humans(fields.subject),
        from_=_addresses(fields.from_),
        sender=_addresses(fields.sender),
        reply_to=_addresses(fields.reply_to),
        to=_addresses(fields.to),
        cc=_addresses(fields.cc),
        bcc=_addresses(fields.bcc),
        in_reply_to=_nclean(fields.in_reply_to),
        message_id=_nclean(fields.message_id),
    )


def _params(params: tuple[tuple[bytes, bytes], ...]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((_clean(name), _clean(value)) for name, value in params)


def _extension(part: Part, *, multipart: bool) -> Extension:
    """``body-ext-1part`` / ``body-ext-mpart`` with all four defined fields (as Dovecot)."""
    disposition = None
    if part.disposition is not None:
        disposition = Disposition(_clean(part.disposition), _params(part.disposition_params))
    return Extension(
        md5=None if multipart else _nclean(part.md5),
        params=_params(part.params) if multipart else (),
        disposition=disposition,
        language=tuple(_clean(tag) for tag in part.language),
        location=_nclean(part.location),
        fields=4,
    )


def to_body_structure(data: bytes, part: Part, *, extensible: bool) -> BodyStructure:
    """The BODYSTRUCTURE (``extensible``) or BODY of ``part`` -- usually
    ``structure.root`` of the message ``data`` -- per RFC 9051 §7.5.2.

    ``data`` is needed for the ENVELOPE of a message/rfc822 part. Sizes are octets in the
    transfer encoding; text and message parts count their lines as sent.
    """
    extension = _extension(part, multipart=bool(part.children)) if extensible else None
    if part.children:
        children = [
            to_body_structure(data, child, extensible=extensible) for child in part.children
        ]
        return MultipartBody(children, _clean(part.subtype), extension)
    params = _params(part.params)
    id_, description = _nclean(part.id), _nclean(part.description)
    encoding, octets = _clean(part.encoding), part.size
    if part.message is not None:  # message/rfc822 or message/global (RFC 9051 body-type-msg)
        return MessageBody(
            part.type,
            part.subtype,
            params=params,
            id=id_,
            description=description,
            encoding=encoding,
            octets=octets,
            envelope=to_envelope(envelope(data, part.message)),
            body=to_body_structure(data, part.message.root, extensible=extensible),
            lines=part.lines,
            extension=extension,
        )
    if part.type == b"text":
        return TextBody(
            part.type,
            _clean(part.subtype),
            params=params,
            id=id_,
            description=description,
            encoding=encoding,
            octets=octets,
            lines=part.lines,
            extension=extension,
        )
    return BasicBody(
        _clean(part.type),
        _clean(part.subtype),
        params=params,
        id=id_,
        description=description,
        encoding=encoding,
        octets=octets,
        extension=extension,
    )


# --- section contents -----------------------------------------------------------------------------

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_LINE_END = re.compile(rb"\r?\n")
_IDENTITY = frozenset({b"7bit", b"8bit", b"binary"})


def _base64(value: bytes) -> bytes:
    try:
        return binascii.a2b_base64(value)
    except binascii.Error:
        # Damaged: keep the alphabet only, drop a lone trailing sextet, restore the padding.
        text = _NOT_BASE64.sub(b"", value)
        if len(text) % 4 == 1:
            text = text[:-1]
        return binascii.a2b_base64(text + b"=" * (-len(text) % 4))


def decode_transfer_encoding(encoding: bytes, value: bytes, *, text: bool = False) -> bytes:
    """``value`` with Content-Transfer-Encoding ``encoding`` (any case) removed (RFC 2045 §6);
    with ``text``, line ends made CRLF (RFC 9051 §7.5.2). Raises :class:`UnknownCTE` for an
    encoding other than 7bit, 8bit, binary, base64 and quoted-printable."""
    name = encoding.lower()
    if name == b"base64":
        decoded = _base64(value)
    elif name == b"quoted-printable":
        decoded = binascii.a2b_qp(value)
    elif name in _IDENTITY:
        decoded = value
    else:
        raise UnknownCTE(encoding)
    return _LINE_END.sub(b"\r\n", decoded) if text else decoded


class _Message:
    """One message while its items are computed: the octets and the structure are fetched
    the first time an item needs them, and only then."""

    __slots__ = ("_data", "_parse", "_read", "_structure", "info", "recent")

    def __init__(
        self,
        info: MessageInfo,
        read: Callable[[], bytes],
        parse: Callable[[bytes], MessageStructure],
        recent: bool,
    ) -> None:
        self.info = info
        self.recent = recent
        self._read = read
        self._parse = parse
        self._data: bytes | None = None
        self._structure: MessageStructure | None = None

    def data(self) -> bytes:
        if self._data is None:
            self._data = self._read()
        return self._data

    def structure(self) -> MessageStructure:
        if self._structure is None:
            self._structure = self._parse(self.data())
        return self._structure


def _flags(info: MessageInfo, recent: bool) -> tuple[Flag, ...]:
    flags = [Flag(name) for name in sorted(info.flags)]
    if recent:
        flags.append(Flag.RECENT)  # RFC 3501 §2.3.2: known to this session only
    return tuple(flags)


def _cut(value: bytes, part: Partial | None) -> bytes:
    """RFC 9051 §6.4.5: ``<offset.length>`` -- at most ``length`` octets from ``offset``;
    empty when ``offset`` is past the end."""
    if part is None:
        return value
    return value[part.offset : part.offset + part.length]


def _section(message: _Message, section: Section) -> bytes:
    """The octets of ``BODY[section]``, empty when the section does not exist."""
    data = message.data()
    if not section.part and section.text is None:
        return data  # BODY[]: no need to parse
    text = section.text
    span = message.structure().section(section.part, None if text is None else text.value)
    if span is None:
        return b""
    if text is SectionText.HEADER_FIELDS or text is SectionText.HEADER_FIELDS_NOT:
        not_ = text is SectionText.HEADER_FIELDS_NOT
        return header_fields(data, span, section.fields, not_=not_)
    return span.of(data)


def _body(section: Section, part: Partial | None, message: _Message) -> bytes:
    # RFC 9051 §6.4.5: a partial of HEADER.FIELDS is taken after subsetting.
    return _clean(_cut(_section(message, section), part))


def _binary_octets(message: _Message, path: tuple[int, ...]) -> bytes:
    """The decoded content of ``BINARY[path]`` (see the module docstring for non-leaves)."""
    if not path:
        return message.data()
    part = message.structure().part(path)
    if part is None:
        return b""
    body = part.body.of(message.data())
    if part.children or part.message is not None:
        return body
    return decode_transfer_encoding(part.encoding, body, text=part.type == b"text")


def _binary(path: tuple[int, ...], part: Partial | None, message: _Message) -> bytes:
    return _cut(_binary_octets(message, path), part)


def _binary_size(path: tuple[int, ...], message: _Message) -> int:
    return len(_binary_octets(message, path))


# --- the plan -------------------------------------------------------------------------------------

_Getter = Callable[[_Message], object]
_HEADER = Section((), SectionText.HEADER)
_TEXT = Section((), SectionText.TEXT)
_WHOLE = Section()
_A = FetchAttribute

# The plain items: the function computing each, and whether it reads the octets.
_PLAIN: dict[FetchAttribute, tuple[_Getter, bool]] = {
    _A.FLAGS: (lambda m: _flags(m.info, m.recent), False),
    _A.UID: (lambda m: m.info.uid, False),
    _A.INTERNALDATE: (lambda m: m.info.internal_date, False),
    _A.RFC822_SIZE: (lambda m: m.info.size, False),
    _A.MODSEQ: (lambda m: m.info.modseq, False),
    _A.ENVELOPE: (lambda m: to_envelope(envelope(m.data(), m.structure())), True),
    _A.BODY: (lambda m: to_body_structure(m.data(), m.structure().root, extensible=False), True),
    _A.BODYSTRUCTURE: (
        lambda m: to_body_structure(m.data(), m.structure().root, extensible=True),
        True,
    ),
    # RFC 3501 §6.4.5: RFC822 is BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is
    # BODY[TEXT]; each answered under its own name.
    _A.RFC822: (partial(_body, _WHOLE, None), True),
    _A.RFC822_HEADER: (partial(_body, _HEADER, None), True),
    _A.RFC822_TEXT: (partial(_body, _TEXT, None), True),
}
_SETS_SEEN = frozenset({_A.RFC822, _A.RFC822_TEXT})


@dataclass(frozen=True, slots=True, init=False)
class FetchPlan:
    """What one FETCH command asks of every message, worked out once.

    ``FetchPlan(FetchMacro.FULL)`` or ``FetchPlan([FetchAttribute.FLAGS, BodySection(...)])``.
    Raises :class:`FetchError` (BAD) for items this server does not offer (EMAILID,
    THREADID, PREVIEW: their capabilities are not advertised).
    """

    #: The requested items, macros expanded (RFC 9051 §6.4.5), in order.
    items: tuple[FetchAtt, ...]
    #: ``(key, function)`` per distinct response item, in order.
    steps: tuple[tuple[FetchKey, _Getter], ...]
    #: Some item needs the message octets (else the store is never read).
    needs_data: bool
    #: Some item needs the MIME structure (else the message is never parsed).
    needs_structure: bool
    #: Some item sets ``\\Seen`` (BODY[...], BINARY[...], RFC822, RFC822.TEXT).
    sets_seen: bool
    #: MODSEQ was asked for: a CONDSTORE enabling command (RFC 7162 §3.1).
    modseq: bool

    def __init__(self, items: FetchMacro | Iterable[FetchAtt]) -> None:
        atts = items.expand() if isinstance(items, FetchMacro) else tuple(items)
        steps: dict[FetchKey, _Getter] = {}
        needs_data = needs_structure = sets_seen = False
        for att in atts:
            key: FetchKey
            if isinstance(att, FetchAttribute):
                if att not in _PLAIN:
                    raise FetchError(f"{att.value} is not supported by this server", bad=True)
                key = att.value
                getter, reads = _PLAIN[att]
                needs_data |= reads
                needs_structure |= reads and att is not _A.RFC822
                sets_seen |= att in _SETS_SEEN
            elif isinstance(att, BodySection):
                key = att.key
                getter = partial(_body, att.section, att.partial)
                needs_data = True
                needs_structure |= bool(att.section.part) or att.section.text is not None
                sets_seen |= not att.peek
            elif isinstance(att, BinarySection):
                key = att.key
                getter = partial(_binary, att.part, att.partial)
                needs_data = True
                needs_structure |= bool(att.part)
                sets_seen |= not att.peek
            else:
                key = att
                getter = partial(_binary_size, att.part)
                needs_data = True
                needs_structure |= bool(att.part)
            steps.setdefault(key, getter)
        object.__setattr__(self, "items", atts)
        object.__setattr__(self, "steps", tuple(steps.items()))
        object.__setattr__(self, "needs_data", needs_data)
        object.__setattr__(self, "needs_structure", needs_structure)
        object.__setattr__(self, "sets_seen", sets_seen)
        object.__setattr__(self, "modseq", _A.MODSEQ in atts)


def fetch_items(
    plan: FetchPlan,
    info: MessageInfo,
    read: Callable[[], bytes],
    parse: Callable[[bytes], MessageStructure] = parse_message,
    *,
    uid: bool = False,
    modseq: bool = False,
    recent: bool = False,
) -> dict[FetchKey, object]:
    """The items of ``plan`` for one message, ready for ``FetchResponse(number, items)``.

    ``read`` returns the message octets and ``parse`` their structure; each is called at
    most once, and only when an item needs it. ``uid`` and ``modseq`` put UID and MODSEQ
    first (UID FETCH; CONDSTORE); ``recent`` adds ``\\Recent`` to FLAGS. Raises
    :class:`UnknownCTE` from BINARY, and whatever ``read`` raises.
    """
    message = _Message(info, read, parse, recent)
    items: dict[FetchKey, object] = {}
    if uid:
        items["UID"] = info.uid
    if modseq:
        items["MODSEQ"] = info.modseq
    for key, getter in plan.steps:
        if key not in items:
            items[key] = getter(message)
    return items


# --- the command ----------------------------------------------------------------------------------


class FetchView(Protocol):
    """What FETCH needs of the session's view of its selected mailbox (the real one is
    :class:`~pymailproto.servers._imap_view.SelectedView`)."""

    @property
    def mailbox(self) -> Mailbox: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def recent(self) -> Set[int]: ...

    def uids_of(self, ids: SequenceSet, *, uid: bool) -> list[int]: ...

    def seq_of(self, uid: int) -> int | None: ...

    def stored_by_us(self, modseq: int) -> None: ...


class FetchRun:
    """The responses of one FETCH; made by :func:`fetch`, iterated once.

    Iterating sets ``\\Seen`` where the items ask for it (one store call, before the first
    response), yields ``VANISHED (EARLIER)`` if asked for, then one ``FetchResponse`` per
    message in ascending order, each built only when the previous one was taken.
    """

    def __init__(
        self,
        view: FetchView,
        command: FetchCommand,
        plan: FetchPlan,
        *,
        condstore: bool,
        qresync: bool,
        cache: StructureCache | None,
        cache_scope: Hashable | None,
    ) -> None:
        self.view = view
        self.command = command
        self.plan = plan
        self.condstore = condstore
        self.qresync = qresync
        self.cache = cache
        self.cache_scope = cache_scope
        #: UIDs of messages that vanished from the store while the FETCH ran (other sessions
        #: expunged them): the session answers OK [EXPUNGEISSUED] (RFC 5530).
        self.expunged: list[int] = []
        self._started = False

    def __iter__(self) -> Iterator[Response]:
        if self._started:
            raise RuntimeError("a FetchRun is iterated once")
        self._started = True
        return self._responses()

    def _info(self, uid: int) -> MessageInfo | None:
        try:
            return self.view.mailbox.get(uid)
        except NoSuchMessage:
            self.expunged.append(uid)
            return None

    def _parser(self, uid: int) -> Callable[[bytes], MessageStructure]:
        cache = self.cache
        if cache is None:
            return parse_message
        mailbox = self.view.mailbox
        # The key must change with the octets: UIDs are never reused within a UIDVALIDITY.
        # Without a scope the mailbox handle itself stands for the account.
        if self.cache_scope is None:
            key: Hashable = (mailbox, mailbox.uidvalidity, uid)
        else:
            key = (self.cache_scope, mailbox.name, mailbox.uidvalidity, uid)
        return partial(cache.get, key)

    def _vanished(self, since: int) -> Response | None:
        """RFC 7162 §3.2.6: the UIDs of the set expunged after ``since``."""
        mailbox = self.view.mailbox
        largest = max(mailbox.uidnext - 1, 1)
        ids = self.command.sequence_set
        gone = [uid for uid in mailbox.vanished_since(since) if ids.contains(uid, largest)]
        if not gone:
            return None
        return VanishedResponse(SequenceSet.from_ids(gone), earlier=True)

    def _responses(self) -> Iterator[Response]:
        view, command, plan = self.view, self.command, self.plan
        mailbox = view.mailbox
        since = command.changed_since
        if command.vanished and since is not None:
            vanished = self._vanished(since)
            if vanished is not None:
                yield vanished  # RFC 7162 §3.2.6: before any FETCH response
        uids = view.uids_of(command.sequence_set, uid=command.uid)
        infos: dict[int, MessageInfo] = {}
        if since is not None:
            # RFC 7162 §3.1.4.1: only messages whose mod-sequence is above CHANGEDSINCE.
            for uid in uids:
                info = self._info(uid)
                if info is not None and info.modseq > since:
                    infos[uid] = info
            uids = list(infos)
        changed: set[int] = set()
        if plan.sets_seen and not view.read_only and uids:
            result = mailbox.store_flags(uids, "add", [SEEN])
            if result.changed:
                view.stored_by_us(result.highestmodseq)  # answered here, not as news
                changed = {info.uid for info in result.changed}
                infos.update((info.uid, info) for info in result.changed)
        modseq = self.condstore or self.qresync or since is not None
        for uid in uids:
            info = infos.pop(uid, None) or self._info(uid)
            if info is None:
                continue
            seq = view.seq_of(uid)
            assert seq is not None  # the UIDs came from the view, which has not changed
            recent = uid in view.recent
            flags_changed = uid in changed
            try:
                items = fetch_items(
                    plan,
                    info,
                    partial(mailbox.read, uid),
                    self._parser(uid),
                    uid=command.uid or (self.qresync and flags_changed),
                    modseq=modseq,
                    recent=recent,
                )
            except NoSuchMessage:
                self.expunged.append(uid)
                continue
            if flags_changed and "FLAGS" not in items:
                # RFC 9051 §6.4.5: the flags \Seen changed SHOULD be in the response.
                items["FLAGS"] = _flags(info, recent)
            yield FetchResponse(seq, items)


def fetch(
    view: FetchView,
    command: FetchCommand,
    *,
    condstore: bool = False,
    qresync: bool = False,
    cache: StructureCache | None = None,
    cache_scope: Hashable | None = None,
) -> FetchRun:
    """The responses to ``command`` (FETCH or UID FETCH) in the selected mailbox ``view``.

    ``condstore``: CONDSTORE is enabled, so every response carries MODSEQ (RFC 7162 §3.1);
    ``qresync``: QRESYNC is enabled (VANISHED allowed; UID in responses whose flags this
    FETCH changed, §3.2.4). ``cache`` keeps parsed structures between commands; with one
    shared between sessions pass a ``cache_scope`` naming the account (e.g. the user), since
    mailbox names and UIDVALIDITY are only unique within one.

    Raises :class:`FetchError` (BAD) at once for what cannot be answered at all: VANISHED
    without QRESYNC enabled (RFC 7162 §3.2.6), items this server does not offer. Iterating
    may raise :class:`UnknownCTE` (NO [UNKNOWN-CTE]) and store errors as the session's other
    commands do.
    """
    if command.vanished and not qresync:
        raise FetchError("VANISHED needs ENABLE QRESYNC first", bad=True)
    plan = FetchPlan(command.items)
    return FetchRun(
        view,
        command,
        plan,
        condstore=condstore,
        qresync=qresync,
        cache=cache,
        cache_scope=cache_scope,
    )
