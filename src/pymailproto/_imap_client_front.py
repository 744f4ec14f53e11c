"""The IMAP client's methods, written once for the blocking, asyncio and threaded clients.

Each method builds the sans-IO procedure that does its work (:mod:`pymailproto.imap._procedures`,
:mod:`pymailproto.imap._procedures_mail`) and is made a client method of every transport by
:func:`pymailproto._dual.operation`: called on ``pymailproto.sync.IMAPClient`` it blocks and
returns the result, on ``pymailproto.aio.IMAPClient`` it returns a coroutine. The transports
add only connecting, closing and the driver.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Generic, TypeVar

from pymailproto._dual import operation, stream
from pymailproto._io import Procedure, Stream
from pymailproto._limits import IMAPLimits
from pymailproto._tlsmode import TLSMode
from pymailproto.imap import _procedures as proc
from pymailproto.imap import _procedures_mail as mail
from pymailproto.imap._capabilities import Capabilities
from pymailproto.imap._client import DEFAULT_TIMEOUT, ClientConnection
from pymailproto.imap._client_args import (
    FetchItems,
    Flags,
    MessageIds,
    SearchCriteria,
    SortCriteria,
    StatusItems,
)
from pymailproto.imap._client_pending import PendingCommand
from pymailproto.imap._codes import CopyUidCode
from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_select import QResync
from pymailproto.imap._commands_selected import StoreMode
from pymailproto.imap._commands_special import RawCommand
from pymailproto.imap._metadata import GetMetadataOptions
from pymailproto.imap._msg_att import FetchData
from pymailproto.imap._quirks import Quirks
from pymailproto.imap._quota import QuotaUsage
from pymailproto.imap._response_base import Response, StatusResponse
from pymailproto.imap._responses_data import (
    ESearchResponse,
    MailboxStatusResponse,
    NamespaceResponse,
)
from pymailproto.imap._responses_message import FetchResponse
from pymailproto.imap._search import SearchReturn
from pymailproto.imap._selected import MailboxSnapshot
from pymailproto.imap._sort_thread import Thread
from pymailproto.imap._states import ConnectionState
from pymailproto.imap._status import StatusAtt
from pymailproto.sasl import client_mechanism

__all__ = ["IMAPClientBase", "IMAPOptions", "IdleSessionBase"]

#: A trace sink: one ``C: ...`` or ``S: ...`` line at a time, secrets masked.
Trace = Callable[[str], None]

#: RFC 8314 §3.3 / RFC 9051 §2.1: 993 for implicit TLS, 143 for cleartext + STARTTLS.
_DEFAULT_PORTS = {TLSMode.IMPLICIT: 993, TLSMode.STARTTLS: 143, TLSMode.PLAINTEXT: 143}

#: The STATUS items asked for when none are named.
DEFAULT_STATUS = (StatusAtt.MESSAGES, StatusAtt.UIDNEXT, StatusAtt.UIDVALIDITY, StatusAtt.UNSEEN)


@dataclass(frozen=True)
class IMAPOptions:
    """Resolved settings of one client connection."""

    host: str
    port: int
    tls: TLSMode
    ssl_context: ssl.SSLContext | None
    connect_timeout: float
    timeout: float

    @classmethod
    def resolve(
        cls,
        host: str,
        port: int | None,
        *,
        tls: TLSMode,
        ssl_context: ssl.SSLContext | None,
        timeout: float | None,
        connect_timeout: float | None,
    ) -> IMAPOptions:
        if not isinstance(tls, TLSMode):
            raise TypeError("tls must be a TLSMode")
        if tls is not TLSMode.PLAINTEXT and ssl_context is None:
            # Certificates and host names verified by default (RFC 8314 §4.1, RFC 9051 §11.1).
            ssl_context = ssl.create_default_context()
        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        return cls(
            host=host,
            port=_DEFAULT_PORTS[tls] if port is None else port,
            tls=tls,
            ssl_context=ssl_context,
            connect_timeout=timeout if connect_timeout is None else connect_timeout,
            timeout=timeout,
        )


_Pushes = TypeVar("_Pushes")


class IdleSessionBase(Generic[_Pushes]):
    """An IDLE in progress (see the clients' ``idle()``): the pushes, and how to end it."""

    def __init__(self, control: proc.IdleControl, pushes: _Pushes) -> None:
        self._control = control
        self._pushes = pushes
        #: Pushes that arrived while the IDLE was being ended.
        self.leftover: builtins.list[Response] = []
        #: Whether the IDLE is still open (the client ends an abandoned one before its next
        #: command).
        self.active = True

    @staticmethod
    def control(timeout: float | None, renew_after: float | None) -> proc.IdleControl:
        """The control of a new IDLE: ends after ``timeout``, renewed every ``renew_after``."""
        control = proc.IdleControl(timeout=timeout)
        if renew_after is not None:
            control.renew_after = renew_after
        return control


class IMAPClientBase:
    """The constructor, state and methods every IMAP client shares (see the module docstring).

    ``tls`` is one explicit policy: ``IMPLICIT`` (port 993, the default), ``STARTTLS``
    (required: no silent fallback) or ``PLAINTEXT``. Certificates are verified with
    ``ssl.create_default_context()`` unless another ``ssl_context`` is given. ``timeout``
    bounds every wait for the server (``connect_timeout`` the connection). ``trace`` gets the
    dialogue as ``C:``/``S:`` lines, passwords and tokens masked. Credentials are refused on a
    plaintext connection unless ``allow_plaintext_auth``.
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        tls: TLSMode = TLSMode.IMPLICIT,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        limits: IMAPLimits | None = None,
        quirks: Quirks = Quirks.DEFAULT,
        trace: Trace | None = None,
        allow_plaintext_auth: bool = False,
    ) -> None:
        self._options = options = IMAPOptions.resolve(
            host,
            port,
            tls=tls,
            ssl_context=ssl_context,
            timeout=timeout,
            connect_timeout=connect_timeout,
        )
        self._allow_plaintext = allow_plaintext_auth
        self._conn = ClientConnection(
            limits=limits,
            quirks=quirks,
            tls_active=options.tls is TLSMode.IMPLICIT,
            clock=time.monotonic,
            trace=trace,
            timeout=options.timeout,
        )

    @property
    def capabilities(self) -> Capabilities:
        """What the server advertised last (IMAP4rev2 implications included in ``in``)."""
        return self._conn.capabilities

    @property
    def connection(self) -> ClientConnection:
        """The sans-IO connection underneath: state, selected mailbox, enabled extensions."""
        return self._conn

    @property
    def selected(self) -> MailboxSnapshot | None:
        """The selected mailbox as the server last described it (None when none is)."""
        mailbox = self._conn.selected
        return None if mailbox is None else mailbox.snapshot()

    def take_unsolicited(self) -> builtins.list[Response]:
        """The untagged responses that were not a command's result (new mail, flag changes
        by other sessions, alerts), oldest first; they are forgotten once taken."""
        taken = builtins.list(self._conn.unsolicited)
        self._conn.unsolicited.clear()
        return taken

    def _idle_stream(self, control: proc.IdleControl) -> Stream[Response]:
        return proc.idle(self._conn, control)

    def _new_session(self) -> None:
        """A fresh sans-IO connection for a new connect() (the old one is over)."""
        if self._conn.state is not ConnectionState.GREETING:
            old = self._conn
            self._conn = ClientConnection(
                limits=old.limits,
                quirks=old.quirks,
                tls_active=self._options.tls is TLSMode.IMPLICIT,
                clock=old.clock,
                trace=old.trace,
                timeout=self._options.timeout,
            )

    # --- session ------------------------------------------------------------------------------

    @operation
    def _open(self) -> Procedure[Capabilities]:
        return proc.open_session(self._conn, self._options.tls)

    @operation
    def login(self, username: str, password: str) -> Procedure[Capabilities]:
        """Log in: LOGIN, or AUTHENTICATE PLAIN for non-ASCII credentials or LOGINDISABLED."""
        return proc.login(self._conn, username, password, allow_plaintext=self._allow_plaintext)

    @operation
    def authenticate(
        self,
        mechanism: str,
        username: str = "",
        password: str | None = None,
        *,
        token: str | None = None,
        authzid: str = "",
    ) -> Procedure[Capabilities]:
        """AUTHENTICATE with a SASL mechanism: PLAIN, SCRAM-SHA-256, XOAUTH2/OAUTHBEARER
        (``token``), EXTERNAL ... (SASL-IR when the server offers it)."""
        mech = client_mechanism(mechanism, username, password, token=token, authzid=authzid)
        return proc.authenticate(self._conn, mech, allow_plaintext=self._allow_plaintext)

    @operation
    def capability(self) -> Procedure[Capabilities]:
        """CAPABILITY: ask the server what it supports now."""
        return proc.capability(self._conn)

    @operation
    def noop(self) -> Procedure[builtins.list[Response]]:
        """NOOP: returns what the server had to say (new messages, flag changes)."""
        return proc.noop(self._conn)

    @operation
    def id(
        self, fields: Mapping[str, str | None] | None = None
    ) -> Procedure[dict[str, str | None]]:
        """ID (RFC 2971): tell the server who we are, learn who it is."""
        return proc.identify(self._conn, fields)

    @operation
    def enable(self, *names: str) -> Procedure[frozenset[str]]:
        """ENABLE (RFC 5161): e.g. ``enable("UTF8=ACCEPT", "QRESYNC")``; returns what was."""
        return proc.enable(self._conn, names)

    @operation
    def namespace(self) -> Procedure[NamespaceResponse]:
        """NAMESPACE (RFC 2342): the personal, other users' and shared prefixes."""
        return proc.namespace(self._conn)

    @operation
    def compress(self) -> Procedure[None]:
        """COMPRESS=DEFLATE (RFC 4978): compress the rest of the session both ways."""
        return proc.compress(self._conn)

    @operation
    def logout(self) -> Procedure[None]:
        """LOGOUT politely (nothing when the session is already over)."""
        return proc.logout(self._conn)

    @operation
    def raw(self, command: Command | str | bytes) -> Procedure[PendingCommand]:
        """Send any command -- typed, or its text after the tag -- and return everything it
        got (``.responses``, ``.unsolicited``, ``.result``); NO/BAD are not raised."""
        conn = self._conn
        if not isinstance(command, Command):
            command = RawCommand(conn.next_tag(), command)
        return proc.wait(conn, conn.send(command))

    # --- mailboxes ----------------------------------------------------------------------------

    @operation
    def list(
        self,
        reference: str = "",
        pattern: str | Iterable[str] = "*",
        *,
        subscribed: bool = False,
        special_use: bool = False,
        status: StatusItems | None = None,
    ) -> Procedure[builtins.list[mail.ListEntry]]:
        """LIST: mailboxes with attributes (and, with ``status``, their STATUS in the same
        round trip -- LIST-STATUS, RFC 5819); ``special_use``: RFC 6154 attributes."""
        return mail.list_mailboxes(
            self._conn,
            reference,
            pattern,
            subscribed=subscribed,
            special_use=special_use,
            status=status,
        )

    @operation
    def lsub(
        self, reference: str = "", pattern: str = "*"
    ) -> Procedure[builtins.list[mail.ListEntry]]:
        """LSUB (IMAP4rev1): the subscribed mailboxes."""
        return mail.list_mailboxes(self._conn, reference, pattern, lsub=True)

    @operation
    def create(self, mailbox: str) -> Procedure[StatusResponse]:
        """CREATE a mailbox."""
        return mail.simple(self._conn, "CREATE", mailbox)

    @operation
    def delete(self, mailbox: str) -> Procedure[StatusResponse]:
        """DELETE a mailbox."""
        return mail.simple(self._conn, "DELETE", mailbox)

    @operation
    def rename(self, mailbox: str, new_name: str) -> Procedure[StatusResponse]:
        """RENAME a mailbox."""
        return mail.simple(self._conn, "RENAME", mailbox, new_name)

    @operation
    def subscribe(self, mailbox: str) -> Procedure[StatusResponse]:
        """SUBSCRIBE to a mailbox."""
        return mail.simple(self._conn, "SUBSCRIBE", mailbox)

    @operation
    def unsubscribe(self, mailbox: str) -> Procedure[StatusResponse]:
        """UNSUBSCRIBE from a mailbox."""
        return mail.simple(self._conn, "UNSUBSCRIBE", mailbox)

    @operation
    def status(
        self, mailbox: str, items: StatusItems | None = None
    ) -> Procedure[MailboxStatusResponse]:
        """STATUS: counts of a mailbox without selecting it."""
        return mail.status(self._conn, mailbox, DEFAULT_STATUS if items is None else items)

    @operation
    def select(
        self,
        mailbox: str = "INBOX",
        *,
        readonly: bool = False,
        condstore: bool = False,
        qresync: QResync | None = None,
    ) -> Procedure[MailboxSnapshot]:
        """SELECT (EXAMINE with ``readonly``); CONDSTORE/QRESYNC per RFC 7162."""
        return mail.select(
            self._conn, mailbox, readonly=readonly, condstore=condstore, qresync=qresync
        )

    @operation
    def examine(self, mailbox: str = "INBOX") -> Procedure[MailboxSnapshot]:
        """EXAMINE: select read-only."""
        return mail.select(self._conn, mailbox, readonly=True)

    @operation
    def unselect(self) -> Procedure[None]:
        """UNSELECT: leave the mailbox without expunging."""
        return mail.close(self._conn, unselect=True)

    @operation
    def close_mailbox(self) -> Procedure[None]:
        """CLOSE: expunge \\Deleted messages and leave the mailbox."""
        return mail.close(self._conn, unselect=False)

    @operation
    def check(self) -> Procedure[StatusResponse]:
        """CHECK (IMAP4rev1 only)."""
        return mail.simple(self._conn, "CHECK")

    # --- messages -----------------------------------------------------------------------------

    @operation
    def fetch(
        self,
        ids: MessageIds,
        items: FetchItems,
        *,
        uid: bool = False,
        changed_since: int | None = None,
        vanished: bool = False,
    ) -> Procedure[dict[int, FetchData]]:
        """FETCH: typed attributes per message, keyed by UID (``uid``) or message number."""
        return mail.fetch(
            self._conn, ids, items, uid=uid, changed_since=changed_since, vanished=vanished
        )

    @stream
    def iter_fetch(
        self,
        ids: MessageIds,
        items: FetchItems,
        *,
        uid: bool = False,
        changed_since: int | None = None,
    ) -> Stream[FetchResponse]:
        """FETCH, one response at a time as it arrives (bounded memory for any range).
        Consume it whole before the next command."""
        return mail.iter_fetch(self._conn, ids, items, uid=uid, changed_since=changed_since)

    @stream
    def iter_body(self, message: int, section: str = "", *, uid: bool = False) -> Stream[bytes]:
        """One message's body (``section``: ``""`` the whole message, ``"TEXT"``, ``"1.2"``
        ...) in chunks as they arrive, without setting \\Seen: any size in bounded memory."""
        return mail.iter_body(self._conn, message, section, uid=uid)

    @operation
    def search(
        self, criteria: SearchCriteria = "ALL", *, uid: bool = False, charset: str | None = None
    ) -> Procedure[builtins.list[int]]:
        """SEARCH: matching message numbers (UIDs with ``uid``); text or typed criteria."""
        return mail.search(self._conn, criteria, uid=uid, charset=charset)

    @operation
    def esearch(
        self, criteria: SearchCriteria, returns: Iterable[SearchReturn | str], *, uid: bool = False
    ) -> Procedure[ESearchResponse]:
        """SEARCH RETURN (MIN MAX COUNT ALL ...): the ESEARCH response (RFC 4731)."""
        return mail.esearch(self._conn, criteria, returns, uid=uid)

    @operation
    def sort(
        self,
        criteria: SortCriteria,
        search: SearchCriteria = "ALL",
        *,
        uid: bool = False,
    ) -> Procedure[builtins.list[int]]:
        """SORT (RFC 5256)."""
        return mail.sort(self._conn, criteria, search, uid=uid)

    @operation
    def thread(
        self, algorithm: str = "REFERENCES", search: SearchCriteria = "ALL", *, uid: bool = False
    ) -> Procedure[tuple[Thread, ...]]:
        """THREAD (RFC 5256)."""
        return mail.thread(self._conn, algorithm, search, uid=uid)

    @operation
    def append(
        self,
        mailbox: str,
        message: Message | bytes | str,
        *,
        flags: Flags | None = None,
        date_time: _dt.datetime | None = None,
    ) -> Procedure[mail.AppendResult]:
        """APPEND a message; returns the APPENDUID (UIDPLUS) when the server gives one."""
        return mail.append(self._conn, mailbox, [(message, flags, date_time)])

    @operation
    def append_many(
        self,
        mailbox: str,
        messages: Iterable[Message | bytes | str],
        *,
        flags: Flags | None = None,
        date_time: _dt.datetime | None = None,
    ) -> Procedure[mail.AppendResult]:
        """APPEND several messages in one command (MULTIAPPEND, RFC 3502)."""
        return mail.append(self._conn, mailbox, [(m, flags, date_time) for m in messages])

    @operation
    def store(
        self,
        ids: MessageIds,
        mode: StoreMode | str,
        flags: Flags,
        *,
        uid: bool = False,
        silent: bool = False,
        unchanged_since: int | None = None,
    ) -> Procedure[tuple[dict[int, FetchData], tuple[int, ...]]]:
        """STORE flags (mode ``"+"``, ``"-"`` or ``""`` to replace): the new flags per message,
        and the messages UNCHANGEDSINCE skipped (RFC 7162)."""
        return mail.store(
            self._conn,
            ids,
            mode,
            flags,
            uid=uid,
            silent=silent,
            unchanged_since=unchanged_since,
        )

    @operation
    def copy(
        self, ids: MessageIds, mailbox: str, *, uid: bool = False
    ) -> Procedure[CopyUidCode | None]:
        """COPY; the COPYUID mapping with UIDPLUS."""
        return mail.copy(self._conn, ids, mailbox, uid=uid)

    @operation
    def move(
        self, ids: MessageIds, mailbox: str, *, uid: bool = False
    ) -> Procedure[CopyUidCode | None]:
        """MOVE (or COPY + STORE \\Deleted + UID EXPUNGE where MOVE is missing)."""
        return mail.move(self._conn, ids, mailbox, uid=uid)

    @operation
    def expunge(self) -> Procedure[builtins.list[int]]:
        """EXPUNGE: the message numbers removed (UIDs when QRESYNC reports VANISHED)."""
        return mail.expunge(self._conn, None)

    @operation
    def uid_expunge(self, uids: MessageIds) -> Procedure[builtins.list[int]]:
        """UID EXPUNGE (UIDPLUS): only these messages, if \\Deleted."""
        return mail.expunge(self._conn, uids)

    @operation
    def get_quota_root(
        self, mailbox: str = "INBOX"
    ) -> Procedure[dict[bytes, tuple[QuotaUsage, ...]]]:
        """GETQUOTAROOT (RFC 9208): the quota roots of a mailbox and their usage."""
        return mail.get_quota_root(self._conn, mailbox)

    @operation
    def get_quota(self, root: bytes | str = "") -> Procedure[tuple[QuotaUsage, ...]]:
        """GETQUOTA (RFC 9208)."""
        return mail.get_quota(self._conn, root)

    @operation
    def get_metadata(
        self,
        mailbox: str,
        entries: Iterable[bytes | str],
        options: GetMetadataOptions | None = None,
    ) -> Procedure[dict[str, bytes | None]]:
        """GETMETADATA (RFC 5464); ``mailbox`` "" for server annotations."""
        return mail.get_metadata(self._conn, mailbox, entries, options)

    @operation
    def set_metadata(self, mailbox: str, values: dict[str, bytes | str | None]) -> Procedure[None]:
        """SETMETADATA (RFC 5464); a None value removes the entry."""
        return mail.set_metadata(self._conn, mailbox, values)
