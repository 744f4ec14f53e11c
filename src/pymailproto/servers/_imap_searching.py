"""The IMAP server's SEARCH command: the store's messages as :class:`SearchableMessage`, and
the answer (SEARCH, or ESEARCH with RETURN options; ``$`` saved).

Everything a search key may ask of a message is computed only when asked: the message is read
and parsed (with the session's :class:`~pymailproto.mime.StructureCache`) on the first header
or text key, never for flag, size or date keys.
"""

from __future__ import annotations

import email.utils
from collections.abc import Collection, Generator, Sequence
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pymailproto.imap import (
    BadCharsetCode,
    Command,
    Condition,
    SearchCommand,
    SearchReturnOption,
    StatusResponse,
)
from pymailproto.mailstore import Mailbox, MessageInfo
from pymailproto.mime import MessageStructure, Part, StructureCache, decode_text, header_items
from pymailproto.servers._imap_fetch import FetchError, decode_transfer_encoding
from pymailproto.servers._imap_search import (
    SearchContext,
    UnknownCharsetError,
    compile_search,
    esearch_response,
    saved_uids,
    search_response,
)

if TYPE_CHECKING:
    from pymailproto.servers._imap_session import IMAPSession, SessionStep

__all__ = ["StoredMessage", "search_command"]


class StoredMessage:
    """One message of the selected mailbox as the SEARCH evaluator sees it."""

    def __init__(
        self,
        seq: int,
        info: MessageInfo,
        mailbox: Mailbox,
        *,
        recent: bool,
        cache: StructureCache,
        scope: object,
    ) -> None:
        self.seq = seq
        self.uid = info.uid
        self.flags: Collection[str] = info.flags
        self.recent = recent
        self.internal_date = info.internal_date
        self.size = info.size
        self.modseq = info.modseq
        self.email_id: str | None = None
        self.thread_id: str | None = None
        self._mailbox = mailbox
        self._cache = cache
        self._scope = scope

    @cached_property
    def _data(self) -> bytes:
        return self._mailbox.read(self.uid)

    @cached_property
    def _structure(self) -> MessageStructure:
        key = (self._scope, self._mailbox.name, self._mailbox.uidvalidity, self.uid)
        return self._cache.get(key, self._data)

    @cached_property
    def _fields(self) -> list[tuple[str, str]]:
        items = header_items(self._data, self._structure.header)
        return [(name.decode("ascii", "replace").lower(), decode_text(v)) for name, v in items]

    def header_values(self, name: str) -> Sequence[str]:
        """Every value of the field ``name``, unfolded and RFC 2047-decoded."""
        wanted = name.lower()
        return [value for field, value in self._fields if field == wanted]

    def header_block(self) -> str:
        """The whole header, decoded."""
        return "\r\n".join(f"{name}: {value}" for name, value in self._fields)

    def body_text(self) -> str:
        """The text parts, transfer-decoded and charset-decoded (for BODY and TEXT)."""
        texts: list[str] = []
        self._collect(self._structure.root, texts)
        return "\n".join(texts)

    def _collect(self, part: Part, texts: list[str]) -> None:
        if part.children:
            for child in part.children:
                self._collect(child, texts)
            return
        if part.message is not None:
            self._collect(part.message.root, texts)
            return
        if part.type != b"text":
            return
        try:
            raw = decode_transfer_encoding(part.encoding, part.body.of(self._data))
        except FetchError:
            raw = part.body.of(self._data)  # an unknown encoding: search what is there
        charset = part.param("charset") or "us-ascii"
        try:
            texts.append(raw.decode(charset, "replace"))
        except LookupError:
            texts.append(raw.decode("utf-8", "replace"))

    def sent_date(self) -> date | None:
        """The Date: field's date in the sender's own zone (RFC 9051 §6.4.4 SENT*)."""
        values = self.header_values("date")
        if not values:
            return None
        try:
            parsed = email.utils.parsedate_to_datetime(values[-1])
        except (TypeError, ValueError, IndexError):
            return None
        return parsed.date()


def search_command(session: IMAPSession, command: Command) -> Generator[SessionStep, Any, None]:
    """SEARCH and UID SEARCH (RFC 9051 §6.4.4), with RETURN options (RFC 4731, ESEARCH),
    the saved result ``$`` (RFC 5182), CHARSET and MODSEQ (RFC 7162 §3.1.5)."""
    assert isinstance(command, SearchCommand)
    view = session.view
    assert view is not None
    mailbox = view.mailbox
    infos = {info.uid: info for info in mailbox.messages()}
    scope = session.user
    messages = [
        StoredMessage(
            seq,
            infos[uid],
            mailbox,
            recent=uid in view.recent,
            cache=session.structure_cache,
            scope=scope,
        )
        for seq, uid in enumerate(view.uids, 1)
        if uid in infos  # expunged by another session and not announced yet: skipped
    ]
    context = SearchContext.for_messages(
        messages, uidnext=mailbox.uidnext, now=session.now(), saved=session.saved_search
    )
    try:
        matcher = compile_search(command.keys, context, charset=command.charset)
        matched = matcher.filter(messages)
    except UnknownCharsetError:
        # RFC 9051 §6.4.4: NO [BADCHARSET] for a charset the server does not support.
        session.no(command.tag, "unsupported charset", BadCharsetCode(["UTF-8", "US-ASCII"]))
        return
    modseq = matcher.uses_modseq
    returns = command.returns
    prefix = "UID " if command.uid else ""
    if returns is None:
        session.conn.send(search_response(matched, uid=command.uid, modseq=modseq))
    else:
        try:
            response = esearch_response(
                matched, returns, tag=command.tag, uid=command.uid, modseq=modseq
            )
        except ValueError as exc:
            session.conn.send(StatusResponse(Condition.BAD, str(exc), tag=command.tag))
            return
        if any(option is SearchReturnOption.SAVE for option in returns):
            session.saved_search = saved_uids(matched, returns)  # RFC 9051 §6.4.4.1
        if response is not None:
            session.conn.send(response)
    session.ok(command.tag, f"{prefix}SEARCH completed", expunges=False)
    return
    yield  # a generator, like every handler that may wait
