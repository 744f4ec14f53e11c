"""Whole IMAP client procedures for mailboxes and messages, written once, sans I/O.

See :mod:`._procedures` for the shape. Every result is typed: ``select`` returns a
:class:`~._selected.MailboxSnapshot`, ``fetch`` a mapping from UID (or message number) to
:class:`~pymailproto.imap.FetchData`, ``append`` an :class:`AppendResult` with the APPENDUID,
and so on. Responses that are not the command's result stay in the connection's records
(:attr:`~._client_pending.PendingCommand.unsolicited`); they never leak into a result.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Generator, Iterable
from dataclasses import dataclass, replace
from email.message import Message

from pymailproto._io import IO, Item
from pymailproto.errors import RemoteProtocolError
from pymailproto.imap._client import ClientConnection, ConnectionClosed
from pymailproto.imap._client_args import (
    FetchItems,
    Flags,
    MessageIds,
    SearchCriteria,
    SortCriteria,
    StatusItems,
    fetch_items,
    flags,
    message_bytes,
    message_ids,
    search_keys,
    sort_criteria,
    status_items,
)
from pymailproto.imap._client_pending import PendingCommand
from pymailproto.imap._codes import AppendUidCode, CopyUidCode, ModifiedCode
from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_auth import (
    AppendCommand,
    AppendMessage,
    GetMetadataCommand,
    GetQuotaCommand,
    GetQuotaRootCommand,
    SetMetadataCommand,
)
from pymailproto.imap._commands_mailbox import (
    CreateCommand,
    DeleteCommand,
    ListCommand,
    LsubCommand,
    RenameCommand,
    StatusCommand,
    SubscribeCommand,
    UnsubscribeCommand,
)
from pymailproto.imap._commands_search import SearchCommand, SortCommand, ThreadCommand
from pymailproto.imap._commands_select import ExamineCommand, QResync, SelectCommand
from pymailproto.imap._commands_selected import (
    CheckCommand,
    CloseCommand,
    CopyCommand,
    ExpungeCommand,
    FetchCommand,
    MoveCommand,
    StoreCommand,
    StoreMode,
    UnselectCommand,
)
from pymailproto.imap._fetch import BodySection, FetchAttribute
from pymailproto.imap._flags import Flag, MailboxAttribute
from pymailproto.imap._framing_events import NEED_DATA, LiteralChunk, LiteralStreamed
from pymailproto.imap._list import ListReturnOption, ListReturnStatus, ListSelectOption
from pymailproto.imap._metadata import GetMetadataOptions
from pymailproto.imap._msg_att import BodyKey, FetchData
from pymailproto.imap._procedures import MissingCapability, Steps, command
from pymailproto.imap._quota import QuotaUsage
from pymailproto.imap._response_base import StatusResponse
from pymailproto.imap._responses_data import (
    ESearchResponse,
    ListResponse,
    MailboxStatusResponse,
    MetadataResponse,
    QuotaResponse,
    QuotaRootResponse,
    SearchResponse,
    SortResponse,
    ThreadResponse,
)
from pymailproto.imap._responses_message import (
    ExpungeResponse,
    FetchResponse,
    StreamedLiteral,
    VanishedResponse,
)
from pymailproto.imap._search import SearchReturn, SearchReturnExtension, SearchReturnOption
from pymailproto.imap._section import Section
from pymailproto.imap._selected import MailboxSnapshot
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._serialize import serialize
from pymailproto.imap._sort_thread import Thread

__all__ = [
    "AppendResult",
    "ListEntry",
    "append",
    "copy",
    "expunge",
    "fetch",
    "iter_body",
    "iter_fetch",
    "list_mailboxes",
    "mailbox_command",
    "move",
    "search",
    "select",
    "status",
    "store",
]


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One mailbox from LIST: its name (a ``str``, decoded from modified UTF-7 or UTF-8), the
    hierarchy delimiter, its attributes (``\\HasChildren``, special uses such as ``\\Sent``),
    and its STATUS when asked for (LIST-STATUS, RFC 5819)."""

    name: str
    delimiter: str | None
    attributes: tuple[MailboxAttribute, ...]
    status: MailboxStatusResponse | None = None

    def has(self, attribute: MailboxAttribute | str) -> bool:
        """Whether the mailbox has ``attribute`` (case-insensitive)."""
        if not isinstance(attribute, MailboxAttribute):
            attribute = MailboxAttribute(attribute)
        return attribute in self.attributes


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What APPEND reports: with UIDPLUS (RFC 4315 §3) the UIDVALIDITY of the mailbox and the
    UIDs the messages got; None and ``()`` from a server without it."""

    uidvalidity: int | None
    uids: tuple[int, ...]


def mailbox_command(conn: ClientConnection, cmd: Command) -> Steps[StatusResponse]:
    """CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, CHECK ...: the tagged OK."""
    pending = yield from command(conn, cmd)
    assert pending.result is not None
    return pending.result


# --- mailboxes ------------------------------------------------------------------------------------


def list_mailboxes(
    conn: ClientConnection,
    reference: str,
    patterns: str | Iterable[str],
    *,
    subscribed: bool = False,
    special_use: bool = False,
    status: StatusItems | None = None,
    lsub: bool = False,
) -> Steps[list[ListEntry]]:
    """LIST (RFC 9051 §6.3.9) with LIST-EXTENDED selection and return options (RFC 5258),
    SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819); or LSUB (RFC 3501 §6.3.9)."""
    if lsub:
        assert isinstance(patterns, str)
        cmd: Command = LsubCommand(conn.next_tag(), reference, patterns)
    else:
        selection = []
        returns: list[ListReturnOption | ListReturnStatus] = []
        if subscribed:
            selection.append(ListSelectOption.SUBSCRIBED)
        if special_use:
            if "SPECIAL-USE" not in conn.capabilities:
                raise MissingCapability("SPECIAL-USE", "to list special-use mailboxes")
            returns.append(ListReturnOption.SPECIAL_USE)
        if status is not None:
            if "LIST-STATUS" not in conn.capabilities:
                raise MissingCapability("LIST-STATUS", "to list with STATUS")
            returns.append(ListReturnStatus(tuple(status_items(status))))
        cmd = ListCommand(
            conn.next_tag(),
            reference,
            patterns,
            selection=selection or None,
            returns=returns or None,
        )
    pending = yield from command(conn, cmd)
    statuses = {r.mailbox: r for r in pending.of_type(MailboxStatusResponse)}
    return [
        ListEntry(r.mailbox, r.delimiter, r.attributes, statuses.get(r.mailbox))
        for r in pending.of_type(ListResponse)
    ]


def status(
    conn: ClientConnection, mailbox: str, items: StatusItems
) -> Steps[MailboxStatusResponse]:
    """STATUS (RFC 9051 §6.3.11)."""
    cmd = StatusCommand(conn.next_tag(), mailbox, status_items(items))
    pending = yield from command(conn, cmd)
    found = pending.of_type(MailboxStatusResponse)
    if not found:
        raise RemoteProtocolError(f"STATUS {mailbox!r} completed without a STATUS response")
    return found[-1]


def select(
    conn: ClientConnection,
    mailbox: str,
    *,
    readonly: bool = False,
    condstore: bool = False,
    qresync: QResync | None = None,
) -> Steps[MailboxSnapshot]:
    """SELECT or EXAMINE (RFC 9051 §6.3.2, §6.3.3), with CONDSTORE/QRESYNC (RFC 7162)."""
    if qresync is not None and "QRESYNC" not in conn.enabled:
        raise MissingCapability("QRESYNC", "enable it first (ENABLE QRESYNC)")
    kind = ExamineCommand if readonly else SelectCommand
    cmd = kind(conn.next_tag(), mailbox, condstore=condstore, qresync=qresync)
    pending = yield from command(conn, cmd)
    assert conn.selected is not None
    snapshot = conn.selected.snapshot()
    if qresync is None:
        return snapshot
    # RFC 7162 §3.2.5.1: VANISHED (EARLIER) for what was expunged, FETCH for what changed.
    vanished = [r.uids for r in pending.responses if type(r) is VanishedResponse and r.earlier]
    changed = tuple(r for r in pending.responses if type(r) is FetchResponse)
    uids = sorted({uid for found in vanished for uid in found.ids()})
    return replace(
        snapshot,
        vanished=SequenceSet.from_ids(uids) if uids else None,
        changed=changed,
    )


def close(conn: ClientConnection, *, unselect: bool = False) -> Steps[None]:
    """CLOSE (expunges \\Deleted messages, RFC 9051 §6.4.1) or UNSELECT (does not, §6.4.2)."""
    if unselect and "UNSELECT" not in conn.capabilities:
        raise MissingCapability("UNSELECT", "to close without expunging")
    cmd = UnselectCommand if unselect else CloseCommand
    yield from command(conn, cmd(conn.next_tag()))


# --- messages -------------------------------------------------------------------------------------


def _merge(into: dict[int, FetchData], key: int, data: FetchData) -> None:
    old = into.get(key)
    # RFC 9051 §7.5.2: a server may split one message's items over several responses.
    into[key] = data if old is None else FetchData({**old, **data})


def fetch(
    conn: ClientConnection,
    ids: MessageIds,
    items: FetchItems,
    *,
    uid: bool = False,
    changed_since: int | None = None,
    vanished: bool = False,
) -> Steps[dict[int, FetchData]]:
    """FETCH (RFC 9051 §6.4.5): the attributes of each message, keyed by UID when ``uid``
    (UID FETCH, §6.4.9), else by message number. CHANGEDSINCE/VANISHED: RFC 7162."""
    cmd = FetchCommand(
        conn.next_tag(),
        message_ids(ids),
        fetch_items(items),
        uid=uid,
        changed_since=changed_since,
        vanished=vanished,
    )
    pending = yield from command(conn, cmd)
    result: dict[int, FetchData] = {}
    for response in pending.responses:
        if type(response) is FetchResponse:
            key = response.data.uid if uid else response.number
            if key is not None:
                _merge(result, key, response.data)
    return result


def iter_fetch(
    conn: ClientConnection,
    ids: MessageIds,
    items: FetchItems,
    *,
    uid: bool = False,
    changed_since: int | None = None,
) -> Generator[IO | Item[FetchResponse], None, None]:
    """FETCH, handing out each message's response as it arrives: a range of any size in
    bounded memory (the responses are not kept)."""
    cmd = FetchCommand(
        conn.next_tag(),
        message_ids(ids),
        fetch_items(items),
        uid=uid,
        changed_since=changed_since,
    )
    pending = conn.send(cmd)
    responses = pending.responses
    while not pending.done:
        event = conn.next_event()
        if event is NEED_DATA:
            yield IO.RECEIVE
        elif type(event) is ConnectionClosed:
            break
        if responses:
            for response in responses:
                if type(response) is FetchResponse:
                    yield Item(response)
            responses.clear()
    pending.check()


#: The size from which ``iter_body`` receives a body in chunks rather than whole.
BODY_CHUNK_THRESHOLD = 64 * 1024


def iter_body(
    conn: ClientConnection,
    message: int,
    section: str = "",
    *,
    uid: bool = False,
) -> Generator[IO | Item[bytes], None, None]:
    """``FETCH message (BODY.PEEK[section])``, handing out the body's octets as they arrive:
    a message of any size in bounded memory. Small bodies come in one piece. The whole body
    still counts against ``IMAPLimits.max_literal_size`` (raise it for very large mail)."""
    cmd = FetchCommand(
        conn.next_tag(),
        SequenceSet([message]),
        [BodySection(Section.parse(section), peek=True)],
        uid=uid,
    )
    pending = conn.send(cmd)
    before = conn.stream_threshold
    conn.stream_threshold = BODY_CHUNK_THRESHOLD
    streaming = False
    try:
        while not pending.done:
            event = conn.next_event()
            if event is NEED_DATA:
                yield IO.RECEIVE
            elif type(event) is ConnectionClosed:
                break
            elif type(event) is LiteralStreamed:
                # Only the literal of this command's FETCH (a response to it starts with
                # "* <n> FETCH"); another literal could only be an unsolicited response's.
                streaming = event.tag is None and b" FETCH " in event.prefix
            elif type(event) is LiteralChunk:
                if streaming:
                    if event.data:
                        yield Item(event.data)
                    streaming = not event.last
            elif type(event) is FetchResponse and event in pending.responses:
                for key, value in event.data.items():
                    # A streamed body came as chunks already: its placeholder has no octets.
                    if not isinstance(key, BodyKey) or isinstance(value, StreamedLiteral):
                        continue
                    if isinstance(value, bytes):
                        yield Item(bytes(value))
    finally:
        conn.stream_threshold = before
    pending.check()


def _search_result(pending: PendingCommand) -> list[int]:
    numbers: list[int] = []
    for response in pending.responses:
        if isinstance(response, (SearchResponse, SortResponse)):
            numbers.extend(response.numbers)
        elif isinstance(response, ESearchResponse) and response.all is not None:
            numbers.extend(response.all.ids())
    return numbers


def search(
    conn: ClientConnection,
    criteria: SearchCriteria,
    *,
    uid: bool = False,
    charset: str | None = None,
) -> Steps[list[int]]:
    """SEARCH (RFC 9051 §6.4.4): the matching UIDs (``uid``) or message numbers, ascending.

    ``charset`` is sent when given; non-ASCII criteria without it are sent as UTF-8 with
    ``CHARSET UTF-8`` (or in UTF-8 strings once UTF8=ACCEPT is on, RFC 6855 §3)."""
    keys = search_keys(criteria)
    if charset is None and not conn.utf8 and _non_ascii(keys):
        charset = "UTF-8"
    cmd = SearchCommand(conn.next_tag(), keys, charset=charset, uid=uid)
    pending = yield from command(conn, cmd)
    return sorted(_search_result(pending))


def _return_option(option: SearchReturn | str) -> SearchReturn:
    if isinstance(option, str):
        try:
            return SearchReturnOption(option.upper())
        except ValueError:
            return SearchReturnExtension(option)
    return option


def esearch(
    conn: ClientConnection,
    criteria: SearchCriteria,
    returns: Iterable[SearchReturn | str],
    *,
    uid: bool = False,
) -> Steps[ESearchResponse]:
    """SEARCH ... RETURN (...) (RFC 4731 / RFC 9051 §6.4.4): the ESEARCH response; options
    typed or by name (``"MIN"``, ``"COUNT"``, ``"ALL"``, ``"SAVE"`` ...)."""
    if "ESEARCH" not in conn.capabilities:
        raise MissingCapability("ESEARCH", "for SEARCH RETURN options")
    keys = search_keys(criteria)
    charset = "UTF-8" if not conn.utf8 and _non_ascii(keys) else None
    options = [_return_option(option) for option in returns]
    cmd = SearchCommand(conn.next_tag(), keys, charset=charset, returns=options, uid=uid)
    pending = yield from command(conn, cmd)
    found = pending.of_type(ESearchResponse)
    if found:
        return found[-1]
    return ESearchResponse(tag=cmd.tag, uid=uid)


def _non_ascii(keys: object) -> bool:
    items = keys if isinstance(keys, list) else [keys]
    try:
        wire = b"".join(serialize(k) for k in items)  # type: ignore[arg-type]
    except Exception:
        return True
    return not wire.isascii()


def sort(
    conn: ClientConnection,
    criteria: SortCriteria,
    search_criteria: SearchCriteria,
    *,
    uid: bool = False,
) -> Steps[list[int]]:
    """SORT (RFC 5256 §3): matching messages in the requested order."""
    if "SORT" not in conn.capabilities:
        raise MissingCapability("SORT", "to sort on the server")
    keys = search_keys(search_criteria)
    cmd = SortCommand(conn.next_tag(), sort_criteria(criteria), keys, uid=uid)
    pending = yield from command(conn, cmd)
    return _search_result(pending)


def thread(
    conn: ClientConnection,
    algorithm: str,
    search_criteria: SearchCriteria,
    *,
    uid: bool = False,
) -> Steps[tuple[Thread, ...]]:
    """THREAD (RFC 5256 §3): the threads of the matching messages."""
    if f"THREAD={algorithm.upper()}" not in conn.capabilities:
        raise MissingCapability(f"THREAD={algorithm.upper()}", "to thread on the server")
    cmd = ThreadCommand(conn.next_tag(), algorithm, search_keys(search_criteria), uid=uid)
    pending = yield from command(conn, cmd)
    threads: list[Thread] = []
    for response in pending.of_type(ThreadResponse):
        threads.extend(response.threads)
    return tuple(threads)


def append(
    conn: ClientConnection,
    mailbox: str,
    messages: Iterable[tuple[Message | bytes | str, Flags | None, _dt.datetime | None]],
) -> Steps[AppendResult]:
    """APPEND one message, or several in one command with MULTIAPPEND (RFC 3502)."""
    items = [
        AppendMessage(
            message_bytes(data),
            flags=None if f is None else flags(f),
            date_time=when,
        )
        for data, f, when in messages
    ]
    if len(items) > 1 and "MULTIAPPEND" not in conn.capabilities:
        raise MissingCapability("MULTIAPPEND", "to append several messages at once")
    pending = yield from command(conn, AppendCommand(conn.next_tag(), mailbox, items))
    assert pending.result is not None
    code = pending.result.code
    if isinstance(code, AppendUidCode):
        return AppendResult(code.uidvalidity, tuple(code.uids.ids()))
    return AppendResult(None, ())


_STORE_MODES = {"+": StoreMode.ADD, "-": StoreMode.REMOVE, "": StoreMode.REPLACE}


def store(
    conn: ClientConnection,
    ids: MessageIds,
    mode: StoreMode | str,
    new_flags: Flags,
    *,
    uid: bool = False,
    silent: bool = False,
    unchanged_since: int | None = None,
) -> Steps[tuple[dict[int, FetchData], tuple[int, ...]]]:
    """STORE (RFC 9051 §6.4.6): the new flags of each message (empty with ``silent``), and
    with UNCHANGEDSINCE (RFC 7162 §3.1.3) the messages not changed because they were
    modified since (the MODIFIED code)."""
    if not isinstance(mode, StoreMode):
        mode = _STORE_MODES[mode]
    cmd = StoreCommand(
        conn.next_tag(),
        message_ids(ids),
        mode,
        flags(new_flags),
        silent=silent,
        unchanged_since=unchanged_since,
        uid=uid,
    )
    pending = yield from command(conn, cmd)
    result: dict[int, FetchData] = {}
    for response in pending.responses:
        if type(response) is FetchResponse:
            key = response.data.uid if uid else response.number
            if key is not None:
                _merge(result, key, response.data)
    assert pending.result is not None
    code = pending.result.code
    modified = tuple(code.numbers.ids()) if isinstance(code, ModifiedCode) else ()
    return result, modified


def copy(
    conn: ClientConnection, ids: MessageIds, mailbox: str, *, uid: bool = False
) -> Steps[CopyUidCode | None]:
    """COPY (RFC 9051 §6.4.7): the COPYUID mapping with UIDPLUS (RFC 4315 §3)."""
    pending = yield from command(
        conn, CopyCommand(conn.next_tag(), message_ids(ids), mailbox, uid=uid)
    )
    assert pending.result is not None
    code = pending.result.code
    return code if isinstance(code, CopyUidCode) else None


def move(
    conn: ClientConnection, ids: MessageIds, mailbox: str, *, uid: bool = False
) -> Steps[CopyUidCode | None]:
    """MOVE (RFC 6851); without it, UID COPY + UID STORE +FLAGS.SILENT \\Deleted + UID
    EXPUNGE (the sequence RFC 6851 §1 replaces). UID EXPUNGE (UIDPLUS, RFC 4315 §2.1) removes
    only these messages; a plain EXPUNGE would also remove any other message marked
    \\Deleted, so without UIDPLUS the fallback is refused. Message numbers are turned into
    UIDs first."""
    id_set = message_ids(ids)
    if "MOVE" in conn.capabilities:
        pending = yield from command(conn, MoveCommand(conn.next_tag(), id_set, mailbox, uid=uid))
        for response in (*pending.responses, pending.result):
            if isinstance(response, StatusResponse) and isinstance(response.code, CopyUidCode):
                return response.code
        return None
    if "UIDPLUS" not in conn.capabilities:
        raise MissingCapability(
            "MOVE or UIDPLUS", "EXPUNGE would also remove other messages marked \\Deleted"
        )
    if not uid:
        found = yield from fetch(conn, id_set, [FetchAttribute.UID])
        uids = sorted(u for data in found.values() if (u := data.uid) is not None)
        if not uids:
            return None
        id_set = SequenceSet.from_ids(uids)
    copied = yield from copy(conn, id_set, mailbox, uid=True)
    yield from store(conn, id_set, StoreMode.ADD, [Flag.DELETED], uid=True, silent=True)
    yield from command(conn, ExpungeCommand(conn.next_tag(), id_set, uid=True))
    return copied


def expunge(conn: ClientConnection, uids: MessageIds | None = None) -> Steps[list[int]]:
    """EXPUNGE (RFC 9051 §6.4.3), or UID EXPUNGE of ``uids`` (RFC 4315 §2.1): the message
    numbers expunged (EXPUNGE responses) or UIDs (VANISHED, with QRESYNC)."""
    if uids is None:
        cmd = ExpungeCommand(conn.next_tag())
    else:
        if "UIDPLUS" not in conn.capabilities:
            raise MissingCapability("UIDPLUS", "for UID EXPUNGE")
        cmd = ExpungeCommand(conn.next_tag(), message_ids(uids), uid=True)
    pending = yield from command(conn, cmd)
    gone: list[int] = []
    for response in pending.responses:
        if type(response) is ExpungeResponse:
            gone.append(response.number)
        elif type(response) is VanishedResponse:
            gone.extend(response.uids.ids())
    return gone


# --- quota and metadata ---------------------------------------------------------------------------


def get_quota_root(
    conn: ClientConnection, mailbox: str
) -> Steps[dict[bytes, tuple[QuotaUsage, ...]]]:
    """GETQUOTAROOT (RFC 9208 §4.3): each quota root of ``mailbox`` and its resources."""
    if "QUOTA" not in conn.capabilities:
        raise MissingCapability("QUOTA", "to read quotas")
    pending = yield from command(conn, GetQuotaRootCommand(conn.next_tag(), mailbox))
    roots: dict[bytes, tuple[QuotaUsage, ...]] = {}
    for response in pending.of_type(QuotaRootResponse):
        for root in response.roots:
            roots.setdefault(root, ())
    for quota in pending.of_type(QuotaResponse):
        roots[quota.root] = quota.resources
    return roots


def get_quota(conn: ClientConnection, root: bytes | str) -> Steps[tuple[QuotaUsage, ...]]:
    """GETQUOTA (RFC 9208 §4.2): the resources of one quota root."""
    if "QUOTA" not in conn.capabilities:
        raise MissingCapability("QUOTA", "to read quotas")
    pending = yield from command(conn, GetQuotaCommand(conn.next_tag(), root))
    usage: list[QuotaUsage] = []
    for quota in pending.of_type(QuotaResponse):
        usage.extend(quota.resources)
    return tuple(usage)


def get_metadata(
    conn: ClientConnection,
    mailbox: str,
    entries: Iterable[bytes | str],
    options: GetMetadataOptions | None = None,
) -> Steps[dict[str, bytes | None]]:
    """GETMETADATA (RFC 5464 §4.2): entry name -> value (None: NIL)."""
    if "METADATA" not in conn.capabilities and "METADATA-SERVER" not in conn.capabilities:
        raise MissingCapability("METADATA", "to read annotations")
    cmd = (
        GetMetadataCommand(conn.next_tag(), mailbox, list(entries))
        if options is None
        else GetMetadataCommand(conn.next_tag(), mailbox, list(entries), options)
    )
    pending = yield from command(conn, cmd)
    values: dict[str, bytes | None] = {}
    for response in pending.of_type(MetadataResponse):
        for entry, value in response.items:
            values[entry.decode("utf-8", "replace")] = value
    return values


def set_metadata(
    conn: ClientConnection, mailbox: str, values: dict[str, bytes | str | None]
) -> Steps[None]:
    """SETMETADATA (RFC 5464 §4.3): set (or with None, remove) entries."""
    if "METADATA" not in conn.capabilities and "METADATA-SERVER" not in conn.capabilities:
        raise MissingCapability("METADATA", "to write annotations")
    yield from command(conn, SetMetadataCommand(conn.next_tag(), mailbox, values))


def simple(conn: ClientConnection, kind: str, *args: str) -> Steps[StatusResponse]:
    """The commands with only mailbox names: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE,
    CHECK."""
    factory = _SIMPLE[kind]
    return (yield from mailbox_command(conn, factory(conn.next_tag(), *args)))


_SIMPLE: dict[str, type[Command]] = {
    "CREATE": CreateCommand,
    "DELETE": DeleteCommand,
    "RENAME": RenameCommand,
    "SUBSCRIBE": SubscribeCommand,
    "UNSUBSCRIBE": UnsubscribeCommand,
    "CHECK": CheckCommand,
}
