"""The in-memory mailstore: the embedded default and the fixture of every server test.

Everything lives in Python objects and is gone when the process ends. Each account has one
``threading.RLock``; every operation holds it for its whole duration, so each is atomic, and
different users never wait for each other. What leaves the store is immutable (a
:class:`MessageInfo`, a snapshot, the message ``bytes`` themselves), so nobody holds a lock
while using it. Copies share the message bytes; quota counts each copy, as disk stores do.

Notifications are queued under the account lock and delivered after it is released, in order
(see :mod:`pymailproto.mailstore._events`).
"""

from __future__ import annotations

import threading
import time
from collections import ChainMap, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

from pymailproto.mailstore._events import (
    Callback,
    Dispatcher,
    Event,
    FlagsChanged,
    MailboxCreated,
    MailboxDeleted,
    MailboxRenamed,
    MessagesAdded,
    MessagesExpunged,
    Subscription,
)
from pymailproto.mailstore._flags import DELETED, SEEN, check_flag, fold, resolve_flags
from pymailproto.mailstore._names import (
    INBOX,
    ancestors,
    check_delimiter,
    check_special_use,
    create_name,
    existing_name,
    is_inferior,
)
from pymailproto.mailstore._types import (
    MAX_UID,
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
    LimitExceeded,
    MailboxExists,
    MailboxNotSelectable,
    NoSuchMailbox,
    NoSuchMessage,
    NotAllowed,
    OverQuota,
    TooBig,
)

__all__ = ["MemoryMailstore"]

# (message bytes, flags as given, internal date as given) of a message about to be added.
_Entry = tuple[bytes, Iterable[str], datetime | None]


class _Box:
    """The state of one mailbox; only touched with its account's lock held."""

    __slots__ = (
        "alive",
        "data",
        "highestmodseq",
        "infos",
        "name",
        "recent_floor",
        "special_use",
        "spellings",
        "tombstone_floor",
        "tombstones",
        "uidnext",
        "uidvalidity",
        "watchers",
    )

    def __init__(self, name: str, uidvalidity: int, special_use: str | None) -> None:
        self.name = name
        self.uidvalidity = uidvalidity
        self.special_use = special_use
        self.uidnext = 1
        # RFC 7162 §3.1.1: HIGHESTMODSEQ of a new, empty mailbox is still a positive number.
        self.highestmodseq = 1
        # Insertion order is UID order: UIDs are only ever assigned ascending.
        self.infos: dict[int, MessageInfo] = {}
        self.data: dict[int, bytes] = {}
        self.spellings: dict[str, str] = {}  # folded keyword -> spelling used first
        self.tombstones: deque[tuple[int, int]] = deque()  # (modseq, uid) of expunges
        self.tombstone_floor = 0  # highest modseq of a forgotten tombstone
        self.recent_floor = 1  # every UID below was claimed as \Recent
        self.watchers: list[Subscription] = []
        self.alive = True


class MemoryMailstore(Mailstore):
    """A thread-safe mailstore in memory: ``MemoryMailstore()``.

    ``limits`` bound sizes and counts (quota included; see :class:`MailstoreLimits`).
    ``delimiter`` separates hierarchy levels. ``initial_mailboxes`` maps the names every new
    account gets besides INBOX to their special use, e.g. ``{"Sent": "\\\\Sent",
    "Trash": "\\\\Trash"}``. ``clock`` returns seconds since the epoch; it is read for default
    internal dates and UIDVALIDITY values and can be replaced in tests.
    """

    def __init__(
        self,
        *,
        limits: MailstoreLimits | None = None,
        delimiter: str = "/",
        initial_mailboxes: Mapping[str, str | None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._limits = limits or MailstoreLimits()
        self._delimiter = check_delimiter(delimiter)
        self._clock = clock
        self._initial: dict[str, str | None] = {}
        for name, use in (initial_mailboxes or {}).items():
            canonical = create_name(name, delimiter, self._limits.max_mailbox_name_length)
            if canonical != INBOX:
                self._initial[canonical] = check_special_use(use)
        self._lock = threading.Lock()
        self._accounts: dict[str, _MemoryAccount] = {}

    @property
    def limits(self) -> MailstoreLimits:
        """The limits given to the constructor."""
        return self._limits

    def account(self, user: str) -> Account:
        """The account of ``user``, created with INBOX (and ``initial_mailboxes``) if new."""
        if not isinstance(user, str) or not user:
            raise ValueError("a user name is a non-empty str")
        with self._lock:
            account = self._accounts.get(user)
            if account is None:
                account = self._accounts[user] = _MemoryAccount(self, user, self._initial)
            return account

    def users(self) -> list[str]:
        """Every user that has an account, sorted."""
        with self._lock:
            return sorted(self._accounts)


class _MemoryAccount(Account):
    def __init__(
        self, store: MemoryMailstore, user: str, initial: Mapping[str, str | None]
    ) -> None:
        self._store = store
        self._user = user
        self._lock = threading.RLock()
        self._events = Dispatcher()
        self._names: dict[str, _Box | None] = {}  # None: a \Noselect level
        self._subscribed: set[str] = set()
        self._watchers: list[Subscription] = []
        self._octets = 0
        self._count = 0
        self._last_uidvalidity = 0
        self._make(INBOX, None)
        for name, use in initial.items():
            self._make_parents(name, extra=1)
            self._make(name, use)

    # --- internals: every method here runs with self._lock held --------------------------------

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the lock for a change, then deliver its events with the lock released."""
        try:
            with self._lock:
                yield
        finally:
            self._events.flush()

    def _emit(self, box: _Box | None, event: Event) -> None:
        targets = tuple(box.watchers) if box is not None else ()
        self._events.emit(event, targets + tuple(self._watchers))

    def _make(self, name: str, special_use: str | None) -> _Box:
        # UIDVALIDITY: the time, but strictly above every earlier one of this account, so a
        # re-created name never pairs an old UIDVALIDITY with new messages (RFC 9051 §6.3.5).
        uidvalidity = max(self._last_uidvalidity + 1, int(self._store._clock()))
        if uidvalidity > MAX_UID:
            raise LimitExceeded("UIDVALIDITY values are used up")
        self._last_uidvalidity = uidvalidity
        box = self._names[name] = _Box(name, uidvalidity, special_use)
        self._emit(None, MailboxCreated(name, uidvalidity))
        return box

    def _make_parents(self, name: str, *, extra: int) -> None:
        """Create the missing superiors of ``name``, if ``extra`` more names still fit."""
        missing = [
            parent for parent in ancestors(name, self.delimiter) if parent not in self._names
        ]
        limit = self._store.limits.max_mailboxes
        if len(self._names) + len(missing) + extra > limit:
            raise LimitExceeded(f"an account holds at most {limit} mailbox names")
        for parent in missing:
            self._make(parent, None)

    def _date(self, value: datetime | None) -> datetime:
        if value is None:
            return datetime.fromtimestamp(int(self._store._clock()), timezone.utc)
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError("an internal date is a timezone-aware datetime")
        return value.replace(microsecond=0)

    def _add(self, box: _Box, entries: Sequence[_Entry], *, quota: bool = True) -> list[int]:
        """Add messages to ``box`` as one change; check everything before changing anything."""
        limits = self._store.limits
        new_spellings: dict[str, str] = {}
        known = ChainMap(new_spellings, box.spellings)
        prepared = []
        for data, flags, date in entries:
            if limits.max_message_size is not None and len(data) > limits.max_message_size:
                raise TooBig(f"messages are limited to {limits.max_message_size} octets")
            resolved, new = resolve_flags(flags, known, limits.max_keywords)
            new_spellings.update(new)
            prepared.append((data, resolved, self._date(date)))
        if quota:
            self._check_quota(sum(len(data) for data, _, _ in prepared), len(prepared))
        if not prepared:
            return []
        if box.uidnext + len(prepared) - 1 > MAX_UID:
            raise LimitExceeded("the mailbox has used up its UIDs")
        box.highestmodseq += 1
        box.spellings.update(new_spellings)
        added = []
        for data, flags, date in prepared:
            info = MessageInfo(box.uidnext, flags, date, len(data), box.highestmodseq)
            box.infos[info.uid] = info
            box.data[info.uid] = data
            box.uidnext += 1
            self._octets += info.size
            added.append(info)
        self._count += len(added)
        self._emit(box, MessagesAdded(box.name, box.uidvalidity, box.highestmodseq, (*added,)))
        return [info.uid for info in added]

    def _check_quota(self, octets: int, count: int) -> None:
        limits = self._store.limits
        if limits.max_storage is not None and self._octets + octets > limits.max_storage:
            raise OverQuota(f"the account's storage quota of {limits.max_storage} octets is full")
        if limits.max_messages is not None and self._count + count > limits.max_messages:
            raise OverQuota(f"the account's quota of {limits.max_messages} messages is full")

    def _remove(self, box: _Box, uids: list[int]) -> None:
        """Expunge ``uids`` (ascending, all present) from ``box`` as one change."""
        if not uids:
            return
        box.highestmodseq += 1
        for uid in uids:
            self._octets -= box.infos.pop(uid).size
            del box.data[uid]
            box.tombstones.append((box.highestmodseq, uid))
        self._count -= len(uids)
        while len(box.tombstones) > self._store.limits.max_tombstones:
            forgotten, _ = box.tombstones.popleft()
            box.tombstone_floor = max(box.tombstone_floor, forgotten)
        self._emit(box, MessagesExpunged(box.name, box.uidvalidity, box.highestmodseq, (*uids,)))

    def _discard(self, box: _Box) -> None:
        """Delete ``box``: its messages and quota go, handles die, watchers are told."""
        self._octets -= sum(info.size for info in box.infos.values())
        self._count -= len(box.infos)
        box.infos.clear()
        box.data.clear()
        box.alive = False
        self._emit(box, MailboxDeleted(box.name, box.uidvalidity))
        box.watchers.clear()

    def _detach(self, box: _Box | None) -> Callable[[Subscription], None]:
        def detach(subscription: Subscription) -> None:
            with self._lock:
                watchers = self._watchers if box is None else box.watchers
                if subscription in watchers:
                    watchers.remove(subscription)

        return detach

    # --- the Account interface ------------------------------------------------------------------

    @property
    def user(self) -> str:
        return self._user

    @property
    def delimiter(self) -> str:
        return self._store._delimiter

    def mailboxes(self) -> list[MailboxInfo]:
        with self._lock:
            parents = {a for name in self._names for a in ancestors(name, self.delimiter)}
            infos = [
                MailboxInfo(
                    name=name,
                    delimiter=self.delimiter,
                    special_use=box.special_use if box is not None else None,
                    subscribed=name in self._subscribed,
                    has_children=name in parents,
                    selectable=box is not None,
                )
                for name, box in self._names.items()
            ]
        return sorted(infos, key=lambda info: (info.name != INBOX, info.name))

    def mailbox(self, name: str) -> Mailbox:
        canonical = existing_name(name, self.delimiter)
        with self._lock:
            if canonical not in self._names:
                raise NoSuchMailbox(f"no mailbox {canonical!r}")
            box = self._names[canonical]
            if box is None:
                raise MailboxNotSelectable(f"{canonical!r} is \\Noselect: it holds no messages")
            return _MemoryMailbox(self, box)

    def create(self, name: str, special_use: str | None = None) -> str:
        canonical = create_name(name, self.delimiter, self._store.limits.max_mailbox_name_length)
        use = check_special_use(special_use)
        with self._changing():
            if canonical == INBOX or self._names.get(canonical) is not None:
                raise MailboxExists(f"mailbox {canonical!r} already exists")
            self._make_parents(canonical, extra=canonical not in self._names)
            self._make(canonical, use)
        return canonical

    def delete(self, name: str) -> None:
        canonical = existing_name(name, self.delimiter)
        with self._changing():
            if canonical == INBOX:
                raise NotAllowed("INBOX cannot be deleted (RFC 9051 §6.3.5)")
            if canonical not in self._names:
                raise NoSuchMailbox(f"no mailbox {canonical!r}")
            has_children = any(is_inferior(n, canonical, self.delimiter) for n in self._names)
            box = self._names[canonical]
            if box is None and has_children:
                raise HasChildren(f"{canonical!r} is \\Noselect and has inferior names")
            if box is not None:
                self._discard(box)
            if has_children:
                self._names[canonical] = None  # stays as a level of the hierarchy
            else:
                del self._names[canonical]

    def rename(self, old: str, new: str) -> str:
        source = existing_name(old, self.delimiter)
        target = create_name(new, self.delimiter, self._store.limits.max_mailbox_name_length)
        with self._changing():
            if source not in self._names:
                raise NoSuchMailbox(f"no mailbox {source!r}")
            if target == INBOX or target in self._names:
                raise MailboxExists(f"mailbox {target!r} already exists")
            if source == INBOX:
                self._rename_inbox(target)
                return target
            if is_inferior(target, source, self.delimiter):
                raise NotAllowed(f"{source!r} cannot be renamed under itself")
            moving = [
                n for n in self._names if n == source or is_inferior(n, source, self.delimiter)
            ]
            # Superiors of the target first (they cannot be among the moving names: the target
            # is not under the source). Every superior of a name exists, so no target does.
            self._make_parents(target, extra=0)
            for name in moving:
                renamed = target + name[len(source) :]
                box = self._names[renamed] = self._names.pop(name)
                if box is not None:
                    box.name = renamed
                    self._emit(box, MailboxRenamed(renamed, box.uidvalidity, name))
        return target

    def _rename_inbox(self, target: str) -> None:
        """RFC 9051 §6.3.6: move INBOX's messages to a new mailbox; INBOX stays, empty."""
        inbox = self._names[INBOX]
        assert inbox is not None  # INBOX is always a mailbox
        self._make_parents(target, extra=1)
        box = self._make(target, None)
        box.infos = dict(inbox.infos)
        box.data = dict(inbox.data)
        box.spellings = dict(inbox.spellings)
        box.uidnext = inbox.uidnext
        box.highestmodseq = inbox.highestmodseq
        box.recent_floor = inbox.recent_floor
        self._octets += sum(info.size for info in box.infos.values())  # _remove takes it off
        self._count += len(box.infos)
        self._remove(inbox, list(inbox.infos))

    def subscribe(self, name: str) -> None:
        canonical = create_name(name, self.delimiter, self._store.limits.max_mailbox_name_length)
        with self._lock:
            self._subscribed.add(canonical)

    def unsubscribe(self, name: str) -> None:
        try:
            canonical = existing_name(name, self.delimiter)
        except NoSuchMailbox:
            return  # an invalid name was never subscribed
        with self._lock:
            self._subscribed.discard(canonical)

    def subscriptions(self) -> list[str]:
        with self._lock:
            return sorted(self._subscribed)

    def quota_usage(self) -> tuple[int, int]:
        with self._lock:
            return self._octets, self._count

    def watch(self, callback: Callback) -> Subscription:
        subscription = Subscription(callback, self._detach(None))
        with self._lock:
            self._watchers.append(subscription)
        return subscription


class _MemoryMailbox(Mailbox):
    """A handle: the account and the state of one mailbox, checked to be alive on each use."""

    def __init__(self, account: _MemoryAccount, box: _Box) -> None:
        self._account = account
        self._box = box

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _MemoryMailbox) and other._box is self._box

    def __hash__(self) -> int:
        return id(self._box)

    def __repr__(self) -> str:
        return f"<MemoryMailbox {self._account.user}:{self._box.name}>"

    def _live(self) -> _Box:
        if not self._box.alive:
            raise NoSuchMailbox(f"mailbox {self._box.name!r} was deleted")
        return self._box

    def _target(self, target: Mailbox) -> _Box:
        if not isinstance(target, _MemoryMailbox) or target._account is not self._account:
            raise ValueError("copy and move work within one account of one MemoryMailstore")
        return target._live()

    @property
    def name(self) -> str:
        return self._box.name

    @property
    def uidvalidity(self) -> int:
        return self._box.uidvalidity

    @property
    def uidnext(self) -> int:
        with self._account._lock:
            return self._live().uidnext

    @property
    def highestmodseq(self) -> int:
        with self._account._lock:
            return self._live().highestmodseq

    @property
    def message_count(self) -> int:
        with self._account._lock:
            return len(self._live().infos)

    def snapshot(self, *, claim_recent: bool = False) -> MailboxSnapshot:
        with self._account._lock:
            box = self._live()
            recent = self._claim(box) if claim_recent else frozenset()
            return MailboxSnapshot(
                name=box.name,
                uidvalidity=box.uidvalidity,
                uidnext=box.uidnext,
                highestmodseq=box.highestmodseq,
                messages=tuple(box.infos.values()),
                keywords=tuple(box.spellings.values()),
                recent=recent,
            )

    def status(self) -> MailboxStatus:
        with self._account._lock:
            box = self._live()
            infos = box.infos.values()
            return MailboxStatus(
                messages=len(box.infos),
                recent=sum(1 for uid in box.infos if uid >= box.recent_floor),
                uidnext=box.uidnext,
                uidvalidity=box.uidvalidity,
                unseen=sum(1 for info in infos if SEEN not in info.flags),
                deleted=sum(1 for info in infos if DELETED in info.flags),
                size=sum(info.size for info in infos),
                highestmodseq=box.highestmodseq,
            )

    def get(self, uid: int) -> MessageInfo:
        with self._account._lock:
            try:
                return self._live().infos[uid]
            except KeyError:
                raise NoSuchMessage(f"no message with UID {uid} in {self._box.name!r}") from None

    def read(self, uid: int) -> bytes:
        with self._account._lock:
            try:
                return self._live().data[uid]
            except KeyError:
                raise NoSuchMessage(f"no message with UID {uid} in {self._box.name!r}") from None

    @staticmethod
    def _claim(box: _Box) -> frozenset[int]:
        claimed = []
        for uid in reversed(box.infos):  # newest first; stop at the first claimed one
            if uid < box.recent_floor:
                break
            claimed.append(uid)
        box.recent_floor = box.uidnext
        return frozenset(claimed)

    def claim_recent(self) -> frozenset[int]:
        with self._account._lock:
            return self._claim(self._live())

    def begin_append(self) -> Appender:
        with self._account._lock:
            self._live()  # fail early on a deleted mailbox
        return _MemoryAppender(self)

    def append(
        self, data: bytes, flags: Iterable[str] = (), internal_date: datetime | None = None
    ) -> int:
        entry: _Entry = (bytes(data), flags, internal_date)
        with self._account._changing():
            return self._account._add(self._live(), [entry])[0]

    def commit_appends(self, items: Sequence[PendingAppend]) -> list[int]:
        appenders = [appender for appender, _, _ in items]
        if len({id(appender) for appender in appenders}) != len(appenders):
            raise ValueError("an appender appears twice")
        entries: list[_Entry] = []
        for appender, flags, date in items:
            if not isinstance(appender, _MemoryAppender) or appender.mailbox != self:
                raise ValueError("an appender of another mailbox")
            entries.append((appender.data(), flags, date))
        with self._account._changing():
            uids = self._account._add(self._live(), entries)
        for appender in appenders:
            appender.abort()  # committed: only frees the buffer and finishes it
        return uids

    def store_flags(
        self,
        uids: Iterable[int],
        mode: FlagMode,
        flags: Iterable[str],
        *,
        unchanged_since: int | None = None,
    ) -> StoreResult:
        if mode not in ("add", "remove", "replace"):
            raise ValueError(f"mode is 'add', 'remove' or 'replace', not {mode!r}")
        flags = list(flags)
        removing = {fold(check_flag(flag)) for flag in flags} if mode == "remove" else set()
        wanted = sorted(set(uids))
        with self._account._changing():
            box = self._live()
            requested: frozenset[str] = frozenset()
            new: dict[str, str] = {}
            if mode != "remove":
                limit = self._account._store.limits.max_keywords
                requested, new = resolve_flags(flags, box.spellings, limit)
            plan: list[tuple[MessageInfo, frozenset[str]]] = []
            unchanged: list[MessageInfo] = []
            skipped: list[int] = []
            for uid in wanted:
                info = box.infos.get(uid)
                if info is None:
                    continue
                if unchanged_since is not None and info.modseq > unchanged_since:
                    skipped.append(uid)  # RFC 7162 §3.1.3: MODIFIED
                    continue
                if mode == "add":
                    result = info.flags | requested
                elif mode == "remove":
                    result = frozenset(f for f in info.flags if fold(f) not in removing)
                else:
                    result = requested
                if result == info.flags:
                    unchanged.append(info)
                else:
                    plan.append((info, result))
            changed: list[MessageInfo] = []
            if plan:
                box.highestmodseq += 1
                box.spellings.update(new)
                for info, result in plan:
                    changed.append(replace(info, flags=result, modseq=box.highestmodseq))
                    box.infos[info.uid] = changed[-1]
                event = FlagsChanged(box.name, box.uidvalidity, box.highestmodseq, (*changed,))
                self._account._emit(box, event)
            return StoreResult((*changed,), (*unchanged,), (*skipped,), box.highestmodseq)

    def expunge(self, uids: Iterable[int] | None = None) -> list[int]:
        only = None if uids is None else set(uids)
        with self._account._changing():
            box = self._live()
            removed = [
                uid
                for uid, info in box.infos.items()
                if DELETED in info.flags and (only is None or uid in only)
            ]
            self._account._remove(box, removed)
            return removed

    def _copy(
        self, source: _Box, target: _Box, uids: Iterable[int], *, quota: bool
    ) -> list[tuple[int, int]]:
        picked = [source.infos[uid] for uid in sorted(set(uids)) if uid in source.infos]
        entries = [(source.data[info.uid], info.flags, info.internal_date) for info in picked]
        new = self._account._add(target, entries, quota=quota)
        return list(zip([info.uid for info in picked], new, strict=True))

    def copy(self, uids: Iterable[int], target: Mailbox) -> list[tuple[int, int]]:
        with self._account._changing():
            return self._copy(self._live(), self._target(target), uids, quota=True)

    def move(self, uids: Iterable[int], target: Mailbox) -> list[tuple[int, int]]:
        with self._account._changing():
            source = self._live()
            # Net usage does not change, so a move succeeds even with the quota exhausted.
            pairs = self._copy(source, self._target(target), uids, quota=False)
            self._account._remove(source, [old for old, _ in pairs])
            return pairs

    def changed_since(self, modseq: int) -> list[MessageInfo]:
        with self._account._lock:
            return [info for info in self._live().infos.values() if info.modseq > modseq]

    def vanished_since(self, modseq: int) -> list[int]:
        with self._account._lock:
            box = self._live()
            if modseq < box.tombstone_floor:  # part of the history was forgotten
                return [uid for uid in range(1, box.uidnext) if uid not in box.infos]
            return sorted(uid for seq, uid in box.tombstones if seq > modseq)

    def watch(self, callback: Callback) -> Subscription:
        with self._account._lock:
            box = self._live()
            subscription = Subscription(callback, self._account._detach(box))
            box.watchers.append(subscription)
            return subscription


class _MemoryAppender(Appender):
    """Buffers the chunks: memory is where this store keeps messages anyway."""

    def __init__(self, mailbox: _MemoryMailbox) -> None:
        self.mailbox = mailbox
        self._chunks: list[bytes] = []
        self._size = 0
        self._open = True

    @property
    def size(self) -> int:
        return self._size

    def _check_open(self) -> None:
        if not self._open:
            raise ValueError("the appender was already committed or aborted")

    def data(self) -> bytes:
        """The message written so far (for :meth:`_MemoryMailbox.commit_appends`)."""
        self._check_open()
        return b"".join(self._chunks)

    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self._check_open()
        data = bytes(chunk)  # a copy, unless already immutable bytes
        limit = self.mailbox._account._store.limits.max_message_size
        if limit is not None and self._size + len(data) > limit:
            self.abort()
            raise TooBig(f"messages are limited to {limit} octets")
        self._chunks.append(data)
        self._size += len(data)

    def commit(self, flags: Iterable[str] = (), internal_date: datetime | None = None) -> int:
        uid = self.mailbox.append(self.data(), flags, internal_date)
        self.abort()
        return uid

    def abort(self) -> None:
        self._open = False
        self._chunks = []
