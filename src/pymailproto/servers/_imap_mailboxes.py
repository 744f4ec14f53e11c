"""The IMAP server's mailbox and message commands, against the Mailstore.

Authenticated state (RFC 9051 §6.3): LIST, LSUB, CREATE, DELETE, RENAME, SUBSCRIBE,
UNSUBSCRIBE, STATUS, SELECT, EXAMINE, APPEND, NAMESPACE, GETQUOTA(ROOT). Selected state
(§6.4): CLOSE, UNSELECT, CHECK, EXPUNGE, STORE, COPY, MOVE. Each handler takes the session
and the typed command and answers through the session; store errors become NO with their
response code (the session catches :class:`~pymailproto.mailstore.MailstoreError`).

FETCH is built by :mod:`._imap_fetch` (from :mod:`pymailproto.mime`), SEARCH by
:mod:`._imap_searching` over :mod:`._imap_search`. SORT, THREAD and METADATA are not here yet
(issue 6, in progress): the session answers them with NO [CANNOT].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

from pymailproto._io import IO
from pymailproto.imap import (
    NEED_DATA,
    AppendCommand,
    AppendUidCode,
    CheckCommand,
    ClientClosed,
    CloseCommand,
    Code,
    Command,
    CommandError,
    Condition,
    CopyCommand,
    CopyUidCode,
    CreateCommand,
    DeleteCommand,
    ExamineCommand,
    ExistsResponse,
    ExpungeCommand,
    FetchCommand,
    Flag,
    FlagsResponse,
    GetQuotaCommand,
    GetQuotaRootCommand,
    HighestModSeqCode,
    ListCommand,
    ListResponse,
    ListReturnStatus,
    ListSelectOption,
    LiteralChunk,
    LiteralStreamed,
    LsubCommand,
    MailboxAttribute,
    MailboxStatusResponse,
    ModifiedCode,
    MoveCommand,
    Namespace,
    NamespaceResponse,
    PermanentFlagsCode,
    QuotaResponse,
    QuotaRootResponse,
    QuotaUsage,
    RecentResponse,
    RenameCommand,
    SearchCommand,
    SelectCommand,
    SequenceSet,
    StatusAtt,
    StatusCommand,
    StatusResponse,
    StoreCommand,
    StoreMode,
    StreamedLiteral,
    SubscribeCommand,
    UidNextCode,
    UidValidityCode,
    UnselectCommand,
    UnsubscribeCommand,
)
from pymailproto.imap._command_base import read_command_mailbox
from pymailproto.imap._errors import IMAPParseError
from pymailproto.imap._lexer import Reader
from pymailproto.mailstore import (
    Account,
    Appender,
    FlagMode,
    Mailbox,
    MailstoreError,
    NoSuchMailbox,
)
from pymailproto.servers._imap_fetch import FetchError, fetch
from pymailproto.servers._imap_searching import search_command
from pymailproto.servers._imap_view import SelectedView

if TYPE_CHECKING:
    from pymailproto.servers._imap_session import IMAPSession, SessionStep

__all__ = ["commit_append", "handler_for", "list_match", "namespace_response", "streamed_append"]

Steps = Generator["SessionStep", Any, None]


def _account(session: IMAPSession) -> Account:
    assert session.user is not None  # the connection let the command through
    return session.store.account(session.user)


def namespace_response(session: IMAPSession) -> NamespaceResponse:
    """One personal namespace with the account's delimiter (RFC 2342, RFC 9051 §6.3.10)."""
    return NamespaceResponse(personal=[Namespace("", _account(session).delimiter)])


# --- LIST ---------------------------------------------------------------------------------------


def list_match(pattern: str, name: str, delimiter: str) -> bool:
    """RFC 9051 §6.3.9: ``*`` matches anything, ``%`` anything but the delimiter; INBOX in
    any case matches INBOX."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "%":
            parts.append(f"[^{re.escape(delimiter)}]*")
        else:
            parts.append(re.escape(char))
    regex = re.compile("".join(parts), re.DOTALL)
    if regex.fullmatch(name):
        return True
    return name == "INBOX" and regex.fullmatch("inbox") is not None and pattern.upper() == "INBOX"


def _list(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, (ListCommand, LsubCommand))
    account = _account(session)
    delimiter = account.delimiter
    lsub = isinstance(command, LsubCommand)
    reference = command.reference
    selection: set[object] = set()
    returns: tuple[object, ...] = ()
    if isinstance(command, LsubCommand):
        patterns = [command.pattern]
    else:
        patterns = (
            [command.patterns] if isinstance(command.patterns, str) else list(command.patterns)
        )
        selection = set(command.selection or ())
        returns = tuple(command.returns or ())
    subscribed_only = lsub or ListSelectOption.SUBSCRIBED in selection
    special_only = ListSelectOption.SPECIAL_USE in selection
    status_items: tuple[StatusAtt, ...] = ()
    for option in returns:
        if isinstance(option, ListReturnStatus):
            status_items = option.atts
    if patterns == [""]:
        # RFC 9051 §6.3.9: an empty pattern asks for the delimiter and root.
        session.conn.send(ListResponse([MailboxAttribute("\\Noselect")], delimiter, ""))
        session.ok(command.tag, "LIST completed")
        return
    infos = account.mailboxes()
    for info in infos:
        name = info.name
        if not any(list_match(reference + p, name, delimiter) for p in patterns):
            continue
        if subscribed_only and not info.subscribed:
            continue
        if special_only and info.special_use is None:
            continue
        attributes = [MailboxAttribute(a) for a in info.attributes]
        if lsub:
            attributes = [a for a in attributes if a.name.lower() != "\\subscribed"]
        session.conn.send(ListResponse(attributes, delimiter, name, lsub=lsub))
        if status_items and info.selectable:
            session.conn.send(_status_response(account.mailbox(name), status_items))
    session.ok(command.tag, f"{'LSUB' if lsub else 'LIST'} completed")


# --- simple mailbox commands --------------------------------------------------------------------


def _create(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, CreateCommand)
    special = None
    if command.use:
        special = command.use[0].name
    _account(session).create(command.mailbox, special)
    session.ok(command.tag, "CREATE completed")


def _delete(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, DeleteCommand)
    view = session.view
    if view is not None and view.mailbox.name == command.mailbox:
        view.close()  # RFC 9051 §6.3.5: deleting the selected mailbox unselects it
        session.view = None
    _account(session).delete(command.mailbox)
    session.ok(command.tag, "DELETE completed")


def _rename(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, RenameCommand)
    _account(session).rename(command.mailbox, command.new_name)
    session.ok(command.tag, "RENAME completed")


def _subscribe(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, (SubscribeCommand, UnsubscribeCommand))
    account = _account(session)
    if isinstance(command, SubscribeCommand):
        account.subscribe(command.mailbox)
    else:
        account.unsubscribe(command.mailbox)
    session.ok(command.tag, f"{command.NAME} completed")


_STATUS_FIELDS = {
    StatusAtt.MESSAGES: "messages",
    StatusAtt.RECENT: "recent",
    StatusAtt.UIDNEXT: "uidnext",
    StatusAtt.UIDVALIDITY: "uidvalidity",
    StatusAtt.UNSEEN: "unseen",
    StatusAtt.DELETED: "deleted",
    StatusAtt.SIZE: "size",
    StatusAtt.HIGHESTMODSEQ: "highestmodseq",
}


def _status_response(mailbox: Mailbox, items: Iterable[StatusAtt]) -> MailboxStatusResponse:
    status = mailbox.status()
    values = {
        _STATUS_FIELDS[att]: getattr(status, _STATUS_FIELDS[att])
        for att in items
        if att in _STATUS_FIELDS
    }
    return MailboxStatusResponse(mailbox.name, **values)


def _status(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, StatusCommand)
    mailbox = _account(session).mailbox(command.mailbox)
    session.conn.send(_status_response(mailbox, command.items))
    session.ok(command.tag, "STATUS completed")


def _quota(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, (GetQuotaCommand, GetQuotaRootCommand))
    account = _account(session)
    octets, messages = account.quota_usage()
    limits = session.store.limits
    if isinstance(command, GetQuotaRootCommand):
        account.mailbox(command.mailbox)  # NONEXISTENT for a missing mailbox
        session.conn.send(QuotaRootResponse(command.mailbox, [""]))
    elif command.root not in (b"", ""):
        session.no(command.tag, "no such quota root", Code.NONEXISTENT)
        return
    usage = []
    # RFC 9208 §5: STORAGE in units of 1024 octets, MESSAGE in messages; only those limited.
    if limits.max_storage is not None:
        usage.append(QuotaUsage("STORAGE", (octets + 1023) // 1024, limits.max_storage // 1024))
    if limits.max_messages is not None:
        usage.append(QuotaUsage("MESSAGE", messages, limits.max_messages))
    session.conn.send(QuotaResponse("", usage))
    session.ok(command.tag, f"{command.NAME} completed")


# --- SELECT / EXAMINE / CLOSE / UNSELECT ---------------------------------------------------------


def _close_view(session: IMAPSession) -> None:
    if session.view is not None:
        session.view.close()
        session.view = None


def _select(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, (SelectCommand, ExamineCommand))
    conn = session.conn
    read_only = isinstance(command, ExamineCommand)
    if session.view is not None:
        _close_view(session)
        if "QRESYNC" in session.enabled:
            # RFC 7162 §3.2.11 (and RFC 9051 §7.1): the boundary between the two mailboxes.
            conn.send(StatusResponse(Condition.OK, "previous mailbox closed", Code.CLOSED))
    try:
        mailbox = _account(session).mailbox(command.mailbox)
    except NoSuchMailbox as exc:
        session.no(command.tag, str(exc), Code.NONEXISTENT)
        return
    snapshot = mailbox.snapshot(claim_recent=not read_only)
    view = SelectedView(
        mailbox, snapshot, read_only=read_only, qresync="QRESYNC" in session.enabled
    )
    session.view = view
    session.saved_search = frozenset()  # RFC 9051 §6.4.4.1: "$" is empty after SELECT
    system = [Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.SEEN, Flag.DRAFT]
    keywords = [Flag(k) for k in snapshot.keywords]
    # RFC 9051 §6.3.2: FLAGS, EXISTS, LIST (IMAP4rev2), OK [PERMANENTFLAGS], [UIDNEXT],
    # [UIDVALIDITY]; RFC 3501 §6.3.1 adds RECENT; RFC 7162 §3.1.2.1 [HIGHESTMODSEQ].
    conn.send(FlagsResponse(system + keywords))
    conn.send(ExistsResponse(len(snapshot.messages)))
    conn.send(RecentResponse(len(view.recent)))
    permanent = [] if read_only else [*system, *keywords, Flag.WILDCARD]
    conn.send(StatusResponse(Condition.OK, "flags", PermanentFlagsCode(permanent)))
    conn.send(StatusResponse(Condition.OK, "predicted", UidNextCode(snapshot.uidnext)))
    conn.send(StatusResponse(Condition.OK, "UIDs", UidValidityCode(snapshot.uidvalidity)))
    if "CONDSTORE" in session.enabled or command.condstore:
        session.enabled.add("CONDSTORE")  # RFC 7162 §3.1.8: SELECT (CONDSTORE) enables it
        code = HighestModSeqCode(max(snapshot.highestmodseq, 1))
        conn.send(StatusResponse(Condition.OK, "highest", code))
    session.ok(
        command.tag, f"{command.NAME} completed", Code.READ_ONLY if read_only else Code.READ_WRITE
    )


def _close(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, (CloseCommand, UnselectCommand))
    view = session.view
    assert view is not None
    if isinstance(command, CloseCommand) and not view.read_only:
        # RFC 9051 §6.4.1: CLOSE expunges \Deleted messages, silently.
        view.mailbox.expunge()
    _close_view(session)
    session.ok(command.tag, f"{command.NAME} completed")


def _check(session: IMAPSession, command: Command) -> None:
    session.ok(command.tag, "CHECK completed")


# --- APPEND -------------------------------------------------------------------------------------


def _append(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, AppendCommand)
    commit_append(session, command, [])


def commit_append(session: IMAPSession, command: AppendCommand, streamed: list[Appender]) -> None:
    """Answer an APPEND: every message added, or none (RFC 3502 MULTIAPPEND). ``streamed``
    holds the appenders that already received the streamed messages' octets, in order."""
    try:
        mailbox = _account(session).mailbox(command.mailbox)
    except NoSuchMailbox:
        for appender in streamed:
            appender.abort()
        # RFC 9051 §6.3.12: TRYCREATE when the target does not exist.
        session.no(command.tag, "no such mailbox", Code.TRYCREATE)
        return
    pending = []
    chunks = iter(streamed)
    try:
        for message in command.messages:
            if isinstance(message.data, StreamedLiteral):
                appender = next(chunks)
            else:
                appender = mailbox.begin_append()
                appender.write(message.data)
            flags = [f.name for f in message.flags or ()]
            pending.append((appender, flags, message.date_time))
        uids = mailbox.commit_appends(pending)
    except BaseException:
        for appender, _flags, _date in pending:
            appender.abort()
        raise
    # RFC 4315 §3: APPENDUID uidvalidity uid-set.
    code = AppendUidCode(mailbox.uidvalidity, SequenceSet.from_ids(uids))
    session.ok(command.tag, "APPEND completed", code)


def streamed_append(session: IMAPSession, started: LiteralStreamed) -> Steps:
    """An APPEND whose messages come in chunks: each written to a store appender as it
    arrives (bounded memory), all committed when the command is complete. A mailbox that
    does not exist is found out only then: the octets go nowhere meanwhile."""
    conn = session.conn
    mailbox = _append_target(session, started.prefix)
    appenders: list[Appender] = []
    current = mailbox.begin_append() if mailbox is not None else None
    try:
        while True:
            event = conn.next_event()
            if event is NEED_DATA:
                yield IO.RECEIVE
            elif isinstance(event, LiteralChunk):
                if current is not None:
                    current.write(event.data)
                if event.last and current is not None:
                    appenders.append(current)
                    current = None
            elif isinstance(event, LiteralStreamed):  # the next message of a MULTIAPPEND
                current = mailbox.begin_append() if mailbox is not None else None
            elif isinstance(event, AppendCommand):
                commit_append(session, event, appenders)
                appenders = []
                return
            elif isinstance(event, ClientClosed):
                return
            elif isinstance(event, CommandError):  # broke the grammar after its literal
                session.bad(event)
                return
            else:  # pragma: no cover - the connection streams APPEND literals only
                raise AssertionError(f"unexpected {event!r} while an APPEND streams")
    finally:
        for appender in appenders:
            appender.abort()
        if current is not None:
            current.abort()


def _append_target(session: IMAPSession, prefix: bytes) -> Mailbox | None:
    """The mailbox an APPEND names, read from the command's first line."""
    reader = Reader(prefix, utf8=session.conn.utf8)
    try:
        reader.read_tag()
        reader.expect_sp()
        reader.expect_keyword(b"APPEND")
        reader.expect_sp()
        name = read_command_mailbox(reader)
        return _account(session).mailbox(name)
    except (IMAPParseError, MailstoreError):
        return None


# --- EXPUNGE / STORE / COPY / MOVE ---------------------------------------------------------------


def _view(session: IMAPSession) -> SelectedView:
    view = session.view
    assert view is not None  # the connection allows these in the selected state only
    return view


def _expunge(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, ExpungeCommand)
    view = _view(session)
    if view.read_only:
        session.no(command.tag, "the mailbox is read-only", Code.READ_ONLY)
        return
    uids = None
    if command.uid and command.sequence_set is not None:
        uids = view.uids_of(command.sequence_set, uid=True)  # RFC 4315 §2.1 UID EXPUNGE
    removed = view.mailbox.expunge(uids)
    for response in view.expunged_by_us(removed):
        session.conn.send(response)
    session.ok(command.tag, f"{'UID ' if command.uid else ''}EXPUNGE completed")


def _fetch(session: IMAPSession, command: Command) -> Steps:
    assert isinstance(command, FetchCommand)
    view = _view(session)
    try:
        run = fetch(
            view,
            command,
            condstore="CONDSTORE" in session.enabled,
            qresync="QRESYNC" in session.enabled,
            cache=session.structure_cache,
            cache_scope=session.user,
        )
        for count, response in enumerate(run, 1):
            session.conn.send(response)
            if count % _FETCH_BATCH == 0:
                yield IO.FLUSH  # a big FETCH goes out as it is built, in bounded memory
    except FetchError as exc:
        session.conn.send(StatusResponse(exc.condition, str(exc), exc.code, tag=command.tag))
        return
    if run.plan.modseq or command.changed_since is not None:
        session.enabled.add("CONDSTORE")  # RFC 7162 §3.1: a MODSEQ fetch enables CONDSTORE
    # RFC 9051 §7.1 / RFC 5530: messages another session expunged meanwhile were skipped.
    code = Code.EXPUNGEISSUED if run.expunged else None
    prefix = "UID " if command.uid else ""
    session.ok(command.tag, f"{prefix}FETCH completed", code, expunges=False)


#: FETCH responses written between flushes.
_FETCH_BATCH = 64


_MODES: dict[StoreMode, FlagMode] = {
    StoreMode.ADD: "add",
    StoreMode.REMOVE: "remove",
    StoreMode.REPLACE: "replace",
}


def _store(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, StoreCommand)
    view = _view(session)
    if view.read_only:
        session.no(command.tag, "the mailbox is read-only", Code.READ_ONLY)
        return
    uids = view.uids_of(command.sequence_set, uid=command.uid)
    flags = [f.name for f in command.flags if f != Flag.RECENT]
    result = view.mailbox.store_flags(
        uids, _MODES[command.mode], flags, unchanged_since=command.unchanged_since
    )
    view.stored_by_us(result.highestmodseq)
    if not command.silent:
        for info in (*result.changed, *result.unchanged):
            response = view.flags_response(info, uid=command.uid)
            if response is not None:
                session.conn.send(response)
    code = None
    if result.skipped:
        # RFC 7162 §3.1.3: MODIFIED names what UNCHANGEDSINCE kept unchanged.
        skipped = (
            result.skipped if command.uid else [s for u in result.skipped if (s := view.seq_of(u))]
        )
        code = ModifiedCode(SequenceSet.from_ids(skipped))
    session.ok(command.tag, f"{'UID ' if command.uid else ''}STORE completed", code, expunges=False)


def _copy(session: IMAPSession, command: Command) -> None:
    assert isinstance(command, (CopyCommand, MoveCommand))
    view = _view(session)
    try:
        target = _account(session).mailbox(command.mailbox)
    except NoSuchMailbox:
        # RFC 9051 §6.4.7: TRYCREATE when the target does not exist.
        session.no(command.tag, "no such mailbox", Code.TRYCREATE)
        return
    uids = view.uids_of(command.sequence_set, uid=command.uid)
    move = isinstance(command, MoveCommand)
    if move and view.read_only:
        session.no(command.tag, "the mailbox is read-only", Code.READ_ONLY)
        return
    pairs = view.mailbox.move(uids, target) if move else view.mailbox.copy(uids, target)
    prefix = "UID " if command.uid else ""
    if not pairs:
        session.ok(command.tag, f"{prefix}{command.NAME} completed (nothing to do)")
        return
    code = CopyUidCode(
        target.uidvalidity,
        SequenceSet.from_ids([a for a, _ in pairs], sort=False),
        SequenceSet.from_ids([b for _, b in pairs], sort=False),
    )
    if move:
        # RFC 6851 §4.3: the COPYUID goes in an untagged OK before the expunges.
        session.conn.send(StatusResponse(Condition.OK, "moved", code))
        for response in view.expunged_by_us([a for a, _ in pairs]):
            session.conn.send(response)
        session.ok(command.tag, f"{prefix}MOVE completed")
    else:
        session.ok(command.tag, f"{prefix}COPY completed", code)


_Handler = Callable[["IMAPSession", Command], "Steps | None"]

_MAILBOX_HANDLERS: dict[type[Command], _Handler] = {
    ListCommand: _list,
    LsubCommand: _list,
    CreateCommand: _create,
    DeleteCommand: _delete,
    RenameCommand: _rename,
    SubscribeCommand: _subscribe,
    UnsubscribeCommand: _subscribe,
    StatusCommand: _status,
    GetQuotaCommand: _quota,
    GetQuotaRootCommand: _quota,
    SelectCommand: _select,
    ExamineCommand: _select,
    CloseCommand: _close,
    UnselectCommand: _close,
    CheckCommand: _check,
    AppendCommand: _append,
    ExpungeCommand: _expunge,
    StoreCommand: _store,
    FetchCommand: _fetch,
    SearchCommand: search_command,
    CopyCommand: _copy,
    MoveCommand: _copy,
}


def handler_for(command: Command) -> _Handler | None:
    """The handler of a mailbox or message command, or None."""
    return _MAILBOX_HANDLERS.get(type(command))
