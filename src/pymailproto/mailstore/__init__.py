r"""Mail storage for the servers: accounts, mailboxes, messages, and news of their changes.

A mailstore is what an IMAP or POP3 server serves and what SMTP delivery writes into. It knows
nothing of any protocol; a server session turns commands into calls on it:

>>> from pymailproto.mailstore import MemoryMailstore
>>> store = MemoryMailstore()
>>> store.deliver("alice", "INBOX", b"Subject: hi\r\n\r\nHello\r\n")  # the new UID
1
>>> inbox = store.account("alice").mailbox("inbox")  # INBOX in any case
>>> result = inbox.store_flags([1], "add", ["\\seen"])
>>> [(info.uid, sorted(info.flags), info.size) for info in inbox.messages()]
[(1, ['\\Seen'], 22)]
>>> inbox.read(1)  # the exact bytes delivered
b'Subject: hi\r\n\r\nHello\r\n'

The design in brief:

* **Atomic operations, immutable results.** Every call is one atomic step; what it returns
  (:class:`MessageInfo`, :class:`MailboxSnapshot`, message ``bytes``) never changes, so it
  can be used without a lock. :class:`MemoryMailstore` holds one lock per account.
* **UIDs, UIDVALIDITY, modseq.** UIDs ascend and are never reused; a mailbox keeps its
  UIDVALIDITY for life (a re-created one gets a greater value); every change raises
  HIGHESTMODSEQ (CONDSTORE), and expunged UIDs are remembered, up to a bound, for QRESYNC.
* **\Recent is per session.** Each mailbox keeps a floor below which every UID has been
  claimed; :meth:`Mailbox.claim_recent` hands the rest to exactly one session.
* **Notifications.** :meth:`Mailbox.watch` and :meth:`Account.watch` call back after each
  change, outside the lock, in order -- what IDLE and the other sessions of a user need.

The pieces, one module each:

* :mod:`~pymailproto.mailstore.base` -- the interface (:class:`Mailstore`, :class:`Account`,
  :class:`Mailbox`, :class:`Appender`) and the rules every store follows; start reading here.
* :mod:`~pymailproto.mailstore.memory` -- :class:`MemoryMailstore`, thread-safe, in memory.
* :mod:`~pymailproto.mailstore.maildir` -- :class:`MaildirMailstore`, Maildir++ directories
  shared with Dovecot and mutt, durable (tmp/, fsync, rename).
* :mod:`~pymailproto.mailstore.errors` -- one exception per failure, each naming the IMAP
  response code a server answers with.
* ``_types`` (values: :class:`MessageInfo`, snapshots, :class:`MailstoreLimits`), ``_events``
  (notifications and their delivery rules), ``_names`` (mailbox names and hierarchy) and
  ``_flags`` (flags and keywords): the shared rules, reused by every store.
"""

from __future__ import annotations

from pymailproto.mailstore._events import (
    Callback,
    Event,
    FlagsChanged,
    MailboxCreated,
    MailboxDeleted,
    MailboxRenamed,
    MessagesAdded,
    MessagesExpunged,
    Subscription,
)
from pymailproto.mailstore._flags import ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, SYSTEM_FLAGS
from pymailproto.mailstore._names import INBOX, SPECIAL_USES
from pymailproto.mailstore._types import (
    MailboxInfo,
    MailboxSnapshot,
    MailboxStatus,
    MailstoreLimits,
    MessageInfo,
    StoreResult,
)
from pymailproto.mailstore.base import (
    Account,
    Appender,
    FlagMode,
    Mailbox,
    Mailstore,
    PendingAppend,
)
from pymailproto.mailstore.errors import (
    HasChildren,
    InvalidFlag,
    InvalidMailboxName,
    InvalidSpecialUse,
    LimitExceeded,
    MailboxExists,
    MailboxNotSelectable,
    MailstoreError,
    NoSuchMailbox,
    NoSuchMessage,
    NotAllowed,
    OverQuota,
    TooBig,
)
from pymailproto.mailstore.maildir import MaildirMailstore
from pymailproto.mailstore.memory import MemoryMailstore

__all__ = [
    "ANSWERED",
    "DELETED",
    "DRAFT",
    "FLAGGED",
    "INBOX",
    "SEEN",
    "SPECIAL_USES",
    "SYSTEM_FLAGS",
    "Account",
    "Appender",
    "Callback",
    "Event",
    "FlagMode",
    "FlagsChanged",
    "HasChildren",
    "InvalidFlag",
    "InvalidMailboxName",
    "InvalidSpecialUse",
    "LimitExceeded",
    "Mailbox",
    "MailboxCreated",
    "MailboxDeleted",
    "MailboxExists",
    "MailboxInfo",
    "MailboxNotSelectable",
    "MailboxRenamed",
    "MailboxSnapshot",
    "MailboxStatus",
    "MaildirMailstore",
    "Mailstore",
    "MailstoreError",
    "MailstoreLimits",
    "MemoryMailstore",
    "MessageInfo",
    "MessagesAdded",
    "MessagesExpunged",
    "NoSuchMailbox",
    "NoSuchMessage",
    "NotAllowed",
    "OverQuota",
    "PendingAppend",
    "StoreResult",
    "Subscription",
    "TooBig",
]
