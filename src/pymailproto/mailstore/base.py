"""The mailstore interface: what an IMAP, POP3 or SMTP server needs from mail storage.

The model, top down:

* A :class:`Mailstore` holds one :class:`Account` per user. An account exists for every user
  as soon as it is asked for, with an INBOX: whoever the authenticator accepts has mail.
* An account holds a hierarchy of named mailboxes (levels separated by :attr:`Account.delimiter`),
  a subscription list and quota usage.
* A :class:`Mailbox` holds messages, each identified by a UID: ascending in the order messages
  arrive and never reused while the mailbox's UIDVALIDITY stays the same (RFC 9051 §2.3.1.1).
  A message is immutable bytes plus :class:`MessageInfo`: flags, internal date, size and the
  mod-sequence of its last change (CONDSTORE, RFC 7162 §3.1).

Every operation is atomic and every value handed out is an immutable snapshot, so one store
serves sync, threaded and asyncio servers at once. Changes are announced to watchers (see
:mod:`pymailproto.mailstore._events`), which is how IDLE and other sessions learn about them.

The store knows no protocol: flags and special-use attributes are IMAP-spelled ``str``,
sequence numbers do not exist (a session numbers the messages of its snapshot), and
``\\Recent`` is handed out by :meth:`Mailbox.claim_recent`. Errors are the classes of
:mod:`pymailproto.mailstore.errors`, each naming its IMAP response code.

To write a store, implement the abstract methods; the concrete ones (``append``, ``deliver``,
``wait_for``, ...) are built on them and may be overridden for speed.
"""

from __future__ import annotations

import io
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Literal

from pymailproto.mailstore._events import Callback, Event, Subscription
from pymailproto.mailstore._types import (
    MailboxInfo,
    MailboxSnapshot,
    MailboxStatus,
    MailstoreLimits,
    MessageInfo,
    StoreResult,
)

__all__ = ["Account", "Appender", "FlagMode", "Mailbox", "Mailstore", "PendingAppend"]

#: How :meth:`Mailbox.store_flags` combines flags: ``+FLAGS``, ``-FLAGS`` or ``FLAGS``.
FlagMode = Literal["add", "remove", "replace"]


class Appender(ABC):
    """A message being appended piece by piece: :meth:`write` chunks, then :meth:`commit`.

    An IMAP APPEND literal can be as large as the limits allow; an appender lets the server
    pass it on as it arrives, so a disk store can stream it to a temporary file instead of
    holding it in the session. Nothing is visible in the mailbox before :meth:`commit`, and
    :meth:`abort` (or leaving the ``with`` block without committing) leaves no trace.
    """

    @property
    @abstractmethod
    def size(self) -> int:
        """Octets written so far."""

    @abstractmethod
    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Add ``chunk`` to the message (copied: the caller may reuse its buffer).

        Raises :class:`~pymailproto.mailstore.errors.TooBig` (and aborts) as soon as the
        message outgrows ``max_message_size``; ``ValueError`` once committed or aborted.
        """

    @abstractmethod
    def commit(self, flags: Iterable[str] = (), internal_date: datetime | None = None) -> int:
        """Add the message to the mailbox; return its UID. The appender is then finished.

        On an error (quota, a deleted mailbox, an invalid flag) nothing is added and the
        appender stays open: abort it, or let the ``with`` block do so.
        """

    @abstractmethod
    def abort(self) -> None:
        """Throw the message away. Harmless after commit or a previous abort."""

    def __enter__(self) -> Appender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()


#: One message of :meth:`Mailbox.commit_appends`: the appender, its flags, its internal date.
PendingAppend = tuple[Appender, Iterable[str], datetime | None]


class Mailbox(ABC):
    """A handle on one mailbox; it follows the mailbox through renames.

    Once the mailbox is deleted, every method raises
    :class:`~pymailproto.mailstore.errors.NoSuchMailbox`. UIDs passed in that do not exist (any
    more) are ignored, as IMAP's UID commands ignore them (RFC 9051 §6.4.9).
    """

    # --- what SELECT and STATUS report --------------------------------------------------------

    @property
    @abstractmethod
    def name(self) -> str:
        """The mailbox's current name."""

    @property
    @abstractmethod
    def uidvalidity(self) -> int:
        """Fixed when the mailbox is created; a re-created mailbox gets a greater one."""

    @property
    @abstractmethod
    def uidnext(self) -> int:
        """The UID the next message will get (at least; RFC 9051 §2.3.1.1)."""

    @property
    @abstractmethod
    def highestmodseq(self) -> int:
        """The mod-sequence of the last change; grows with every change (RFC 7162 §3.1.1)."""

    @property
    @abstractmethod
    def message_count(self) -> int:
        """How many messages the mailbox holds."""

    @abstractmethod
    def snapshot(self, *, claim_recent: bool = False) -> MailboxSnapshot:
        """Every message and counter at one instant (SELECT).

        With ``claim_recent``, also claim the recent messages (see :meth:`claim_recent`) in the
        same atomic step; EXAMINE must not (RFC 3501 §6.3.2), so it passes False.
        """

    @abstractmethod
    def status(self) -> MailboxStatus:
        """The STATUS counters, consistent with each other."""

    def messages(self) -> list[MessageInfo]:
        """The messages, ascending by UID (a consistent snapshot)."""
        return list(self.snapshot().messages)

    @abstractmethod
    def get(self, uid: int) -> MessageInfo:
        """The message with ``uid``, or :class:`~pymailproto.mailstore.errors.NoSuchMessage`."""

    @abstractmethod
    def read(self, uid: int) -> bytes:
        """The exact octets of the message with ``uid`` (or ``NoSuchMessage``)."""

    def open(self, uid: int) -> BinaryIO:
        """The message as a binary file, for FETCHing a large message in pieces."""
        return io.BytesIO(self.read(uid))

    @abstractmethod
    def claim_recent(self) -> frozenset[int]:
        """Claim the messages no session has been told about yet, for ``\\Recent``.

        RFC 3501 §2.3.2: a message is recent in exactly one session, the first to be notified
        about it. The mailbox keeps a floor below which every UID has been claimed; this call
        returns the present messages at or above it and raises it to UIDNEXT, atomically, so
        each message is claimed by exactly one caller. A read-write session claims on SELECT
        (:meth:`snapshot` with ``claim_recent``) and whenever it announces new messages; the
        UIDs it got are its \\Recent messages. EXAMINE and STATUS never claim.
        """

    # --- adding messages ------------------------------------------------------------------------

    @abstractmethod
    def begin_append(self) -> Appender:
        """Start a streamed append (see :class:`Appender`)."""

    def append(
        self, data: bytes, flags: Iterable[str] = (), internal_date: datetime | None = None
    ) -> int:
        """Add a message; return its UID.

        ``flags`` are stored in canonical spelling (``\\Recent`` is refused: it is not stored);
        ``internal_date`` is timezone-aware, truncated to whole seconds, and defaults to now.
        """
        with self.begin_append() as appender:
            appender.write(data)
            return appender.commit(flags, internal_date)

    @abstractmethod
    def commit_appends(self, items: Sequence[PendingAppend]) -> list[int]:
        """Commit several appenders of this mailbox at once: all, or none (RFC 3502 MULTIAPPEND).

        Returns the UIDs in order. On any error nothing is added and the appenders stay open.
        """

    # --- changing messages ----------------------------------------------------------------------

    @abstractmethod
    def store_flags(
        self,
        uids: Iterable[int],
        mode: FlagMode,
        flags: Iterable[str],
        *,
        unchanged_since: int | None = None,
    ) -> StoreResult:
        """Add, remove or replace flags of the messages ``uids`` (STORE, RFC 9051 §6.4.6).

        Messages whose flags change get one new mod-sequence; a message whose flags are
        already as requested keeps its mod-sequence. With ``unchanged_since`` (RFC 7162
        §3.1.3), messages modified after that mod-sequence are left alone and reported in
        :attr:`StoreResult.skipped`.
        """

    @abstractmethod
    def expunge(self, uids: Iterable[int] | None = None) -> list[int]:
        """Remove the messages flagged ``\\Deleted`` (only those among ``uids`` if given).

        Returns the removed UIDs, ascending (UID EXPUNGE, RFC 9051 §6.4.3 and §6.4.9).
        """

    @abstractmethod
    def copy(self, uids: Iterable[int], target: Mailbox) -> list[tuple[int, int]]:
        """Copy messages to ``target`` (of the same account); return (source, new) UID pairs.

        Flags and internal dates are kept (RFC 9051 §6.4.7); the copies are new, so they are
        unclaimed for ``\\Recent``. The pairs are ascending: they make COPYUID (RFC 4315).
        """

    @abstractmethod
    def move(self, uids: Iterable[int], target: Mailbox) -> list[tuple[int, int]]:
        """Copy, then expunge the originals whatever their flags, as one step (RFC 6851).

        Nobody sees the messages in both mailboxes or in neither. A move never exceeds quota.
        """

    # --- resynchronisation (CONDSTORE / QRESYNC) --------------------------------------------

    @abstractmethod
    def changed_since(self, modseq: int) -> list[MessageInfo]:
        """The messages changed or added after ``modseq``, ascending by UID."""

    @abstractmethod
    def vanished_since(self, modseq: int) -> list[int]:
        """The UIDs expunged after ``modseq``, ascending (VANISHED (EARLIER), RFC 7162).

        A mailbox remembers the last ``MailstoreLimits.max_tombstones`` expunged UIDs. When
        ``modseq`` is older than that memory, the answer is every UID below UIDNEXT that is not
        in the mailbox: a superset, which RFC 7162 §3.2.10 allows.
        """

    # --- notifications ----------------------------------------------------------------------

    @abstractmethod
    def watch(self, callback: Callback) -> Subscription:
        """Call ``callback`` with every :data:`Event` of this mailbox until closed.

        See :mod:`pymailproto.mailstore._events` for the delivery rules.
        """


class Account(ABC):
    """One user's mailboxes, subscriptions and quota usage."""

    @property
    @abstractmethod
    def user(self) -> str:
        """The user name the account belongs to."""

    @property
    @abstractmethod
    def delimiter(self) -> str:
        """The hierarchy delimiter: one character, ``"/"`` unless configured otherwise."""

    @abstractmethod
    def mailboxes(self) -> list[MailboxInfo]:
        """Every name of the hierarchy (``\\Noselect`` ones too): INBOX first, then by name."""

    @abstractmethod
    def mailbox(self, name: str) -> Mailbox:
        """The mailbox ``name`` (INBOX in any case); ``NoSuchMailbox`` if there is none."""

    @abstractmethod
    def create(self, name: str, special_use: str | None = None) -> str:
        """Create ``name`` and every missing superior (RFC 9051 §6.3.4); return the name.

        One trailing delimiter is ignored, the name is canonicalised (NFC; INBOX in capitals),
        and the canonical name is returned so a server can report a change (LIST OLDNAME).
        Creating a ``\\Noselect`` name makes it a mailbox. ``special_use`` is an RFC 6154
        attribute (CREATE-SPECIAL-USE). Raises ``MailboxExists``, ``InvalidMailboxName``,
        ``InvalidSpecialUse`` or ``LimitExceeded``.
        """

    @abstractmethod
    def delete(self, name: str) -> None:
        """Delete a mailbox and all its messages (RFC 9051 §6.3.5).

        INBOX cannot be deleted (``NotAllowed``). A mailbox with inferiors keeps its name as a
        ``\\Noselect`` level of the hierarchy; deleting a ``\\Noselect`` name is refused while
        it has inferiors (``HasChildren``). Subscriptions are kept (§6.3.7).
        """

    @abstractmethod
    def rename(self, old: str, new: str) -> str:
        """Rename a mailbox with its inferiors (RFC 9051 §6.3.6); return the new name.

        Missing superiors of ``new`` are created. UIDVALIDITY, UIDs and flags go along.
        Renaming INBOX moves its messages to a new mailbox ``new`` and leaves INBOX empty,
        with its inferiors unaffected. Subscriptions are not changed (§6.3.6). Raises
        ``NoSuchMailbox``, ``MailboxExists``, ``NotAllowed`` (under itself) or the errors of
        :meth:`create`.
        """

    @abstractmethod
    def subscribe(self, name: str) -> None:
        """Add ``name`` to the subscriptions; it need not exist (RFC 9051 §6.3.7)."""

    @abstractmethod
    def unsubscribe(self, name: str) -> None:
        """Remove ``name`` from the subscriptions; not subscribed is fine (§6.3.8)."""

    @abstractmethod
    def subscriptions(self) -> list[str]:
        """The subscribed names, sorted; deleted mailboxes stay until unsubscribed."""

    @abstractmethod
    def quota_usage(self) -> tuple[int, int]:
        """``(octets, messages)`` stored in all mailboxes of the account (RFC 9208)."""

    @abstractmethod
    def watch(self, callback: Callback) -> Subscription:
        """Call ``callback`` with the events of every mailbox of the account."""


class Mailstore(ABC):
    """All accounts of a server; shared by every session and transport."""

    @property
    @abstractmethod
    def limits(self) -> MailstoreLimits:
        """The limits the store enforces (quota limits included, for GETQUOTA)."""

    @abstractmethod
    def account(self, user: str) -> Account:
        """The account of ``user``, created with an INBOX on first use."""

    @abstractmethod
    def users(self) -> list[str]:
        """The users that have an account, sorted."""

    def deliver(
        self,
        user: str,
        mailbox: str,
        data: bytes,
        *,
        flags: Iterable[str] = (),
        internal_date: datetime | None = None,
    ) -> int:
        """Put a message into a user's mailbox; return its UID. For SMTP delivery and tests.

        The account (with INBOX) is created if needed; any other mailbox must exist
        (``NoSuchMailbox`` otherwise).
        """
        box = self.account(user).mailbox(mailbox)
        return box.append(data, flags, internal_date)

    def wait_for(self, user: str, mailbox: str, count: int, timeout: float = 10.0) -> bool:
        """Block until the mailbox holds at least ``count`` messages; False after ``timeout``.

        For tests: ``assert store.wait_for("alice", "INBOX", 1, timeout=5)``.
        """
        box = self.account(user).mailbox(mailbox)
        changed = threading.Condition()

        def wake(event: Event) -> None:
            with changed:
                changed.notify_all()

        deadline = time.monotonic() + timeout
        with box.watch(wake), changed:
            # Checked with the condition held: a change after the check notifies only once
            # wait() has released it, so no wake-up is lost.
            while box.message_count < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                changed.wait(left)
        return True
