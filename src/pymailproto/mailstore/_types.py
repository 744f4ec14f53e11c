"""The immutable values a mailstore hands out: message and mailbox facts, results, limits.

Every value is a frozen, slotted dataclass that checks its fields when built, so a value that
breaks an IMAP rule (UID 0, a naive internal date, a modseq of 0) cannot exist. Once handed
out a value never changes: a snapshot stays true to the moment it was taken, however the
mailbox changes afterwards, and it is safe to pass between threads.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from pymailproto.mailstore._flags import DELETED, SEEN, fold

__all__ = [
    "MAX_UID",
    "MailboxInfo",
    "MailboxSnapshot",
    "MailboxStatus",
    "MailstoreLimits",
    "MessageInfo",
    "StoreResult",
]

#: RFC 9051 §9: a UID is an nz-number, at most 4,294,967,295.
MAX_UID = 2**32 - 1


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """What the store knows about one message besides its bytes.

    ``flags`` hold canonical spellings (see :mod:`pymailproto.mailstore._flags`); test them
    with :meth:`has_flag`, which ignores case as IMAP does. ``internal_date`` is timezone-aware
    and whole seconds (the resolution of IMAP's date-time, RFC 9051 §2.3.3). ``modseq`` is the
    mod-sequence of the last change to the message (RFC 7162 §3.1).
    """

    uid: int
    flags: frozenset[str]
    internal_date: datetime
    size: int
    modseq: int

    def __post_init__(self) -> None:
        if not 1 <= self.uid <= MAX_UID:
            raise ValueError(f"a UID is between 1 and {MAX_UID}, got {self.uid}")
        if not isinstance(self.flags, frozenset):
            raise TypeError("MessageInfo.flags is a frozenset of str")
        if self.internal_date.utcoffset() is None:
            raise ValueError("the internal date must be timezone-aware")
        if self.size < 0 or self.modseq < 1:
            raise ValueError("size is at least 0 and modseq at least 1")

    def has_flag(self, flag: str) -> bool:
        """Whether the message has ``flag``, compared without regard to case."""
        key = fold(flag)
        return any(fold(have) == key for have in self.flags)

    @property
    def seen(self) -> bool:
        """Whether the message has ``\\Seen``."""
        return SEEN in self.flags

    @property
    def deleted(self) -> bool:
        """Whether the message has ``\\Deleted`` (EXPUNGE will remove it)."""
        return DELETED in self.flags


@dataclass(frozen=True, slots=True)
class MailboxInfo:
    """One name of an account's hierarchy, as LIST reports it (RFC 9051 §7.3.1).

    ``selectable`` is False for a ``\\Noselect`` name: a level of the hierarchy left when a
    mailbox with inferiors was deleted (RFC 9051 §6.3.5); it holds no messages.
    ``special_use`` is an RFC 6154 attribute such as ``"\\Sent"``, or None.
    """

    name: str
    delimiter: str
    special_use: str | None
    subscribed: bool
    has_children: bool
    selectable: bool = True

    @property
    def attributes(self) -> tuple[str, ...]:
        """The LIST attributes of the name: the ones IMAP4rev2 requires, then special use."""
        attributes = ["\\HasChildren" if self.has_children else "\\HasNoChildren"]
        if not self.selectable:
            attributes.append("\\Noselect")
        if self.subscribed:
            attributes.append("\\Subscribed")
        if self.special_use is not None:
            attributes.append(self.special_use)
        return tuple(attributes)


@dataclass(frozen=True, slots=True)
class MailboxSnapshot:
    """A consistent view of a mailbox at one instant: what SELECT reports (RFC 9051 §6.3.2).

    ``messages`` are ordered by UID, so message sequence number *n* is ``messages[n - 1]``.
    ``keywords`` are the keywords defined in the mailbox (the FLAGS response). ``recent`` holds
    the UIDs this snapshot claimed as recent (see :meth:`Mailbox.snapshot`), else is empty.
    """

    name: str
    uidvalidity: int
    uidnext: int
    highestmodseq: int
    messages: tuple[MessageInfo, ...]
    keywords: tuple[str, ...]
    recent: frozenset[int] = frozenset()

    @property
    def uids(self) -> tuple[int, ...]:
        """The UIDs of ``messages``, ascending."""
        return tuple(info.uid for info in self.messages)


@dataclass(frozen=True, slots=True)
class MailboxStatus:
    """The counters STATUS reports (RFC 9051 §6.3.11, RFC 7162 §3.1.2.1, RFC 3501 RECENT).

    ``recent`` counts the messages no session has claimed as recent yet; ``size`` is the total
    of the message sizes in octets.
    """

    messages: int
    recent: int
    uidnext: int
    uidvalidity: int
    unseen: int
    deleted: int
    size: int
    highestmodseq: int


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What :meth:`Mailbox.store_flags` did, message by message.

    ``changed`` holds the new state of each message whose flags changed (all with the new
    ``modseq``), ``unchanged`` the messages that already had the requested flags, and
    ``skipped`` the UIDs refused because they were modified after ``unchanged_since``: the
    ``MODIFIED`` response code of RFC 7162 §3.1.3. Requested UIDs that do not exist appear
    nowhere, as IMAP ignores them.
    """

    changed: tuple[MessageInfo, ...]
    unchanged: tuple[MessageInfo, ...]
    skipped: tuple[int, ...]
    highestmodseq: int

    @property
    def messages(self) -> tuple[MessageInfo, ...]:
        """Changed and unchanged messages, by UID: the FETCH FLAGS a STORE answers with."""
        return tuple(sorted(self.changed + self.unchanged, key=lambda info: info.uid))


@dataclass(frozen=True, slots=True)
class MailstoreLimits:
    """The bounds a mailstore enforces, each a defence against one way of exhausting it.

    ``None`` switches a limit off. The defaults let an embedded server take whatever a
    standards-following client sends while keeping a misbehaving one from growing the store
    without end; quotas are off until you set them.
    """

    #: Octets in one message. No RFC fixes one; this equals IMAPLimits.max_literal_size, so
    #: whatever the IMAP server accepts as a literal can be stored. TOOBIG beyond it.
    max_message_size: int | None = 64 * 1024 * 1024
    #: Names (mailboxes and ``\\Noselect`` levels) in one account. Not from an RFC: real
    #: accounts have tens to hundreds; every LIST walks them all. LIMIT beyond it.
    max_mailboxes: int = 10_000
    #: Characters in a canonical mailbox name. Not from an RFC (§5.1 sets none); a name
    #: travels in command lines, whose default limit is 64 KiB; 1024 leaves room for many.
    max_mailbox_name_length: int = 1024
    #: Distinct keywords one mailbox remembers (its FLAGS response lists all). LIMIT beyond.
    max_keywords: int = 1000
    #: Expunged UIDs a mailbox remembers for QRESYNC's VANISHED (EARLIER) (RFC 7162 §3.2.10).
    #: Once more were forgotten, :meth:`Mailbox.vanished_since` answers with a superset.
    max_tombstones: int = 10_000
    #: Quota (RFC 9208 STORAGE): octets of all messages of an account, copies counted.
    max_storage: int | None = None
    #: Quota (RFC 9208 MESSAGE): messages in all mailboxes of an account.
    max_messages: int | None = None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"MailstoreLimits.{field.name} must be positive, got {value!r}")
