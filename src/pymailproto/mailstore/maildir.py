"""A mailstore in Maildir++ directories that Dovecot, mutt and any MDA share.

``MaildirMailstore(root)`` keeps the mail of user ``U`` in the Maildir ``root/U`` -- the
layout of Dovecot's ``mail_location = maildir:~/Maildir`` (LAYOUT=maildir++), so the same
directories can be served by this store and by Dovecot, at once or one after the other::

    root/alice/                     INBOX: cur/ new/ tmp/, dovecot-uidlist, dovecot-keywords
    root/alice/.Work/               the mailbox "Work"
    root/alice/.Work.2024/          "Work/2024" (levels joined by "." on disk)
    root/alice/.Caf&AOk-/           "Café" (modified UTF-7, RFC 3501 §5.1.3)
    root/alice/subscriptions        the subscriptions, in Dovecot's format
    root/alice/dovecot-uidvalidity  where new UIDVALIDITY values come from (Dovecot's counter)

Messages are files named ``<time>.M<usec>P<pid>Q<n>.<host>,S=<size>[:2,<flags>]``; flags are
maildir(5) letters and keywords the letters ``a``..``z`` of ``dovecot-keywords``; UIDs and
UIDVALIDITY are in ``dovecot-uidlist``; the internal date is the file's mtime. The formats
are described in :mod:`pymailproto.mailstore._maildir_format`, the syncing with other
programs in :mod:`pymailproto.mailstore._maildir_folder`.

**Durability.** An APPEND writes ``tmp/<name>``, fsyncs it, renames it into ``new/`` (or
``cur/`` with flags), fsyncs the directory, then writes the UID list the same way: once a UID
is returned, message and UID are on disk, and a crash at any point leaves either the whole
message or a file in ``tmp/`` (removed when 36 hours old). A streamed append writes each
chunk straight to its tmp file, so memory stays flat for any message size.

**Sharing.** Other programs may change the Maildir at any time -- mail delivered into
``new/`` gets the next UID when next seen -- and each store method first catches up with
them; the store takes Dovecot's ``dovecot-uidlist.lock`` for every change. Within one
process, one account lock makes each operation atomic, as in
:class:`~pymailproto.mailstore.memory.MemoryMailstore`, and watchers hear of every change
the store makes or finds.

What a Maildir cannot keep, and how this store copes:

* **Keywords**: 26 per mailbox (the letters a..z); the 27th raises ``LimitExceeded``.
* **Names**: a level cannot contain ``.`` or ``/`` (``InvalidMailboxName``), and the whole
  name must fit one directory entry (255 bytes once encoded).
* **Mod-sequences** and **\\Noselect** names are this store's own: ``pymailproto-state`` in
  each mailbox and ``pymailproto-noselect`` in the account keep them; Dovecot ignores both.
  After a restart every message has HIGHESTMODSEQ as its mod-sequence (see the folder module).
* **Internal dates** are whole seconds in UTC (a file time has no zone).
* A file stored with LF line ends whose name says so (Dovecot's ``W=<vsize>`` differs from
  ``S=<size>``) is served with CRLF, as Dovecot serves it; every other file byte for byte.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pymailproto.mailstore._events import (
    Callback,
    Dispatcher,
    Event,
    MailboxCreated,
    MailboxRenamed,
    Subscription,
)
from pymailproto.mailstore._maildir_files import (
    DotLock,
    ensure_maildir,
    fsync_directory,
    next_uidvalidity,
)
from pymailproto.mailstore._maildir_folder import Folder
from pymailproto.mailstore._maildir_format import (
    folder_of,
    format_names,
    name_of_folder,
    parse_names,
)
from pymailproto.mailstore._maildir_mailbox import MaildirMailbox
from pymailproto.mailstore._names import (
    INBOX,
    ancestors,
    check_delimiter,
    check_special_use,
    create_name,
    existing_name,
    is_inferior,
)
from pymailproto.mailstore._types import MAX_UID, MailboxInfo, MailstoreLimits
from pymailproto.mailstore.base import Account, Mailbox, Mailstore
from pymailproto.mailstore.errors import (
    HasChildren,
    InvalidMailboxName,
    LimitExceeded,
    MailboxExists,
    MailboxNotSelectable,
    NoSuchMailbox,
    NotAllowed,
    OverQuota,
)

__all__ = ["MaildirMailstore"]

SUBSCRIPTIONS = "subscriptions"
NOSELECT = "pymailproto-noselect"
#: The longest file name most file systems take: a Maildir++ folder is one directory entry.
_NAME_MAX = 255


class MaildirMailstore(Mailstore):
    """A thread-safe mailstore in Maildir++ directories: ``MaildirMailstore(root)``.

    The Maildir of user ``U`` is ``root/U`` -- or ``root/U/<subdir>`` with ``subdir``, e.g.
    ``subdir="Maildir"`` for home directories under ``root`` and Dovecot's
    ``mail_location = maildir:~/Maildir``. ``limits``, ``delimiter``, ``initial_mailboxes``
    and ``clock`` are those of :class:`~pymailproto.mailstore.memory.MemoryMailstore`; the
    delimiter only changes how names are spelled, never the directories on disk.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        limits: MailstoreLimits | None = None,
        delimiter: str = "/",
        initial_mailboxes: Mapping[str, str | None] | None = None,
        subdir: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._root = Path(root)
        self._limits = limits or MailstoreLimits()
        self._delimiter = check_delimiter(delimiter)
        self._subdir = subdir
        self._clock = clock
        self._initial: dict[str, str | None] = {}
        for name, use in (initial_mailboxes or {}).items():
            canonical = create_name(name, delimiter, self._limits.max_mailbox_name_length)
            if canonical != INBOX:
                self._initial[canonical] = check_special_use(use)
        self._root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._accounts: dict[str, MaildirAccount] = {}

    @property
    def root(self) -> Path:
        """The directory holding the users' Maildirs."""
        return self._root

    @property
    def limits(self) -> MailstoreLimits:
        """The limits given to the constructor."""
        return self._limits

    def maildir(self, user: str) -> Path:
        """The Maildir (INBOX) of ``user``; ``ValueError`` for a name that is no directory."""
        if not isinstance(user, str) or not user:
            raise ValueError("a user name is a non-empty str")
        if "/" in user or "\x00" in user or user in (".", ".."):
            raise ValueError(f"user name {user!r} cannot name a directory")
        return self._root / user / self._subdir if self._subdir else self._root / user

    def account(self, user: str) -> Account:
        """The account of ``user``: its Maildir is created (with ``initial_mailboxes``) if new."""
        path = self.maildir(user)
        with self._lock:
            account = self._accounts.get(user)
            if account is None:
                account = self._accounts[user] = MaildirAccount(self, user, path)
            return account

    def wait_for(self, user: str, mailbox: str, count: int, timeout: float = 10.0) -> bool:
        """Block until the mailbox holds at least ``count`` messages; False after ``timeout``.

        Unlike the base class, it also looks at the disk every 50 ms: mail another program
        delivers (an MDA, the SMTP ``MaildirHandler`` of another process) makes no event
        until someone looks.
        """
        box = self.account(user).mailbox(mailbox)
        deadline = time.monotonic() + timeout
        changed = threading.Event()
        with box.watch(lambda event: changed.set()):
            while box.message_count < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                changed.wait(min(left, 0.05))
                changed.clear()
        return True

    def users(self) -> list[str]:
        """Every user with a Maildir under the root (or an account of this store), sorted."""
        with self._lock:
            found = set(self._accounts)
        with contextlib.suppress(FileNotFoundError):
            for entry in os.listdir(self._root):
                with contextlib.suppress(ValueError):
                    if (self.maildir(entry) / "cur").is_dir():
                        found.add(entry)
        return sorted(found)


class MaildirAccount(Account):
    """One user's Maildir++: INBOX at its root, ``.Name`` folders, subscriptions."""

    def __init__(self, store: MaildirMailstore, user: str, root: Path) -> None:
        self._store = store
        self._user = user
        self._root = root
        self._lock = threading.RLock()
        self._events = Dispatcher()
        self._watchers: list[Subscription] = []
        self._noselect: set[str] = set()
        self._subscribed: set[str] = set()
        self._root_stamp: tuple[int, int] | None = None
        self._files_stamp: dict[str, tuple[int, int, int] | None] = {}
        fresh = not (root / "cur").is_dir()
        ensure_maildir(root)
        self._folders: dict[str, Folder] = {INBOX: self._folder(INBOX, root)}
        with self._changing():
            self._relist()
            if fresh:
                for name, use in store._initial.items():
                    if name not in self._folders:
                        self._make_parents(name, extra=1)
                        self._make(name, use)

    # --- internals: every method here runs with self._lock held --------------------------------

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the lock, then deliver the events with the lock released."""
        try:
            with self._lock:
                yield
        finally:
            self._events.flush()

    def _emit(self, folder: Folder | None, event: Event) -> None:
        targets = tuple(folder.watchers) if folder is not None else ()
        self._events.emit(event, targets + tuple(self._watchers))

    def _folder(self, name: str, path: Path, special_use: str | None = None) -> Folder:
        return Folder(
            name,
            path,
            limits=self._store.limits,
            new_uidvalidity=self._next_uidvalidity,
            emit=self._emit,
            special_use=special_use,
        )

    def _next_uidvalidity(self) -> int:
        floor = max(folder.uidvalidity for folder in self._folders.values())
        value = next_uidvalidity(self._root, floor=floor, now=self._store._clock())
        if value > MAX_UID:
            raise LimitExceeded("UIDVALIDITY values are used up")
        return value

    def _changed(self, name: str) -> str | None:
        """The text of account file ``name`` if it changed since last read, else None."""
        path = self._root / name
        try:
            st = os.stat(path)
            stamp: tuple[int, int, int] | None = (st.st_mtime_ns, st.st_ino, st.st_size)
        except FileNotFoundError:
            stamp = None
        if name in self._files_stamp and self._files_stamp[name] == stamp:
            return None
        self._files_stamp[name] = stamp
        try:
            return path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def _relist(self) -> None:
        """Catch up with mailboxes other programs created, renamed or deleted."""
        text = self._changed(NOSELECT)
        if text is not None:
            self._noselect = set(parse_names(text, self.delimiter))
        st = os.stat(self._root)
        stamp = (st.st_mtime_ns, st.st_ino)
        if stamp == self._root_stamp and time.time_ns() - st.st_mtime_ns > 2_000_000_000:
            return
        self._root_stamp = stamp
        on_disk: dict[str, Path] = {}
        for entry in sorted(os.listdir(self._root)):
            name = name_of_folder(entry, self.delimiter)
            if name is None or not (self._root / entry).is_dir():
                continue
            try:
                canonical = existing_name(name, self.delimiter)
            except NoSuchMailbox:
                continue
            if canonical != INBOX:
                on_disk.setdefault(canonical, self._root / entry)
        for name, folder in list(self._folders.items()):
            if name != INBOX and on_disk.get(name) != folder.path:
                del self._folders[name]
                folder.kill()
        for name, path in on_disk.items():
            if name not in self._folders:
                folder = self._folders[name] = self._folder(name, path)
                folder.peek_special_use()

    def _names(self) -> dict[str, Folder | None]:
        """Every name of the hierarchy: mailboxes, then \\Noselect names and levels."""
        names: dict[str, Folder | None] = dict(self._folders)
        for name in self._noselect:
            names.setdefault(name, None)
        for name in list(names):
            for parent in ancestors(name, self.delimiter):
                names.setdefault(parent, None)  # a level of names created by others
        return names

    def _write_names(self, file: str, names: Iterable[str]) -> None:
        with DotLock(self._root / file) as lock:
            lock.replace(format_names(sorted(names), self.delimiter))
        self._changed(file)  # our own write: not news

    def _path(self, name: str) -> Path:
        try:
            folder = folder_of(name, self.delimiter)
        except ValueError as exc:
            raise InvalidMailboxName(str(exc)) from None
        if len(os.fsencode(folder)) > _NAME_MAX:
            raise InvalidMailboxName(f"{name!r} is too long for a Maildir++ folder name")
        return self._root / folder

    def _make(self, name: str, special_use: str | None) -> Folder:
        folder = self._folder(name, self._path(name), special_use)
        try:
            folder.make()
        except FileExistsError:
            raise MailboxExists(f"{name!r} already exists on disk") from None
        self._folders[name] = folder
        if name in self._noselect:
            self._noselect.discard(name)
            self._write_names(NOSELECT, self._noselect)
        self._emit(None, MailboxCreated(name, folder.uidvalidity))
        return folder

    def _make_parents(self, name: str, *, extra: int) -> None:
        """Create the missing superiors of ``name``, if ``extra`` more names still fit."""
        names = self._names()
        missing = [parent for parent in ancestors(name, self.delimiter) if parent not in names]
        for parent in missing:
            self._path(parent)  # each must fit on disk before anything is created
        limit = self._store.limits.max_mailboxes
        if len(names) + len(missing) + extra > limit:
            raise LimitExceeded(f"an account holds at most {limit} mailbox names")
        for parent in missing:
            self._make(parent, None)

    def _discard(self, folder: Folder) -> None:
        """Delete a mailbox's Maildir: out of sight at once (one rename), then removed."""
        trash = self._root / ".DOVECOT-TRASHED"  # a name Dovecot (and we) never list
        shutil.rmtree(trash, ignore_errors=True)
        try:
            os.rename(folder.path, trash)
        except OSError:
            trash = folder.path
        shutil.rmtree(trash, ignore_errors=True)
        fsync_directory(self._root)
        del self._folders[folder.name]
        folder.kill()

    def _date(self, value: datetime | None) -> datetime:
        if value is None:
            return datetime.fromtimestamp(int(self._store._clock()), timezone.utc)
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError("an internal date is a timezone-aware datetime")
        return value.replace(microsecond=0)

    @property
    def _has_quota(self) -> bool:
        limits = self._store.limits
        return limits.max_storage is not None or limits.max_messages is not None

    def _catch_up(self) -> None:
        """Bring every mailbox up to date: before a quota check, and for quota_usage().

        Called before a change takes any dotlock, so no lock is ever awaited while another
        is held (which could deadlock with a process locking in another order).
        """
        if self._has_quota:
            for folder in list(self._folders.values()):
                with contextlib.suppress(NoSuchMailbox):
                    folder.refresh()

    def _check_quota(self, octets: int, count: int) -> None:
        """Refuse ``octets`` and ``count`` more if they exceed the quota (cached usage)."""
        if not self._has_quota:
            return
        limits = self._store.limits
        used_octets, used_count = self._usage()
        if limits.max_storage is not None and used_octets + octets > limits.max_storage:
            raise OverQuota(f"the account's storage quota of {limits.max_storage} octets is full")
        if limits.max_messages is not None and used_count + count > limits.max_messages:
            raise OverQuota(f"the account's quota of {limits.max_messages} messages is full")

    def _usage(self) -> tuple[int, int]:
        folders = [folder for folder in self._folders.values() if folder.alive]
        return sum(f.octets for f in folders), sum(len(f.messages) for f in folders)

    # --- the Account interface ------------------------------------------------------------------

    @property
    def user(self) -> str:
        return self._user

    @property
    def delimiter(self) -> str:
        return self._store._delimiter

    def mailboxes(self) -> list[MailboxInfo]:
        with self._changing():
            self._relist()
            names = self._names()
            subscribed = set(self._read_subscriptions())
            parents = {a for name in names for a in ancestors(name, self.delimiter)}
            infos = [
                MailboxInfo(
                    name=name,
                    delimiter=self.delimiter,
                    special_use=folder.special_use if folder is not None else None,
                    subscribed=name in subscribed,
                    has_children=name in parents,
                    selectable=folder is not None,
                )
                for name, folder in names.items()
            ]
        return sorted(infos, key=lambda info: (info.name != INBOX, info.name))

    def mailbox(self, name: str) -> Mailbox:
        canonical = existing_name(name, self.delimiter)
        with self._changing():
            self._relist()
            names = self._names()
            if canonical not in names:
                raise NoSuchMailbox(f"no mailbox {canonical!r}")
            folder = names[canonical]
            if folder is None:
                raise MailboxNotSelectable(f"{canonical!r} is \\Noselect: it holds no messages")
            return MaildirMailbox(self, folder)

    def create(self, name: str, special_use: str | None = None) -> str:
        canonical = create_name(name, self.delimiter, self._store.limits.max_mailbox_name_length)
        use = check_special_use(special_use)
        with self._changing():
            self._relist()
            names = self._names()
            if canonical == INBOX or names.get(canonical) is not None:
                raise MailboxExists(f"mailbox {canonical!r} already exists")
            self._path(canonical)
            self._make_parents(canonical, extra=canonical not in names)
            self._make(canonical, use)
        return canonical

    def delete(self, name: str) -> None:
        canonical = existing_name(name, self.delimiter)
        with self._changing():
            if canonical == INBOX:
                raise NotAllowed("INBOX cannot be deleted (RFC 9051 §6.3.5)")
            self._relist()
            names = self._names()
            if canonical not in names:
                raise NoSuchMailbox(f"no mailbox {canonical!r}")
            has_children = any(is_inferior(n, canonical, self.delimiter) for n in names)
            folder = names[canonical]
            if folder is None and has_children:
                raise HasChildren(f"{canonical!r} is \\Noselect and has inferior names")
            if folder is not None:
                with contextlib.suppress(NoSuchMailbox):
                    folder.refresh()  # its UIDVALIDITY, for the event
                self._discard(folder)
            noselect = (
                self._noselect | {canonical} if has_children else self._noselect - {canonical}
            )
            if noselect != self._noselect:
                self._noselect = noselect
                self._write_names(NOSELECT, noselect)

    def rename(self, old: str, new: str) -> str:
        source = existing_name(old, self.delimiter)
        target = create_name(new, self.delimiter, self._store.limits.max_mailbox_name_length)
        with self._changing():
            self._relist()
            names = self._names()
            if source not in names:
                raise NoSuchMailbox(f"no mailbox {source!r}")
            if target == INBOX or target in names:
                raise MailboxExists(f"mailbox {target!r} already exists")
            if source == INBOX:
                self._rename_inbox(target)
                return target
            if is_inferior(target, source, self.delimiter):
                raise NotAllowed(f"{source!r} cannot be renamed under itself")
            moving = [n for n in names if n == source or is_inferior(n, source, self.delimiter)]
            paths = {name: self._path(target + name[len(source) :]) for name in moving}
            if any(path.exists() for path in paths.values()):
                raise MailboxExists(f"a folder for {target!r} already exists on disk")
            self._make_parents(target, extra=0)
            noselect = set(self._noselect)
            for name in moving:
                renamed = target + name[len(source) :]
                folder = self._folders.get(name)
                if folder is not None:
                    with contextlib.suppress(NoSuchMailbox):
                        folder.refresh()  # its UIDVALIDITY, for the event
                    os.rename(folder.path, paths[name])
                    del self._folders[name]
                    folder.name, folder.path = renamed, paths[name]
                    self._folders[renamed] = folder
                    self._emit(folder, MailboxRenamed(renamed, folder.uidvalidity, name))
                elif name in noselect or name == source:
                    noselect.discard(name)
                    noselect.add(renamed)
            fsync_directory(self._root)
            if noselect != self._noselect:
                self._noselect = noselect
                self._write_names(NOSELECT, noselect)
        return target

    def _rename_inbox(self, target: str) -> None:
        """RFC 9051 §6.3.6: move INBOX's messages to a new mailbox; INBOX stays, empty."""
        inbox = self._folders[INBOX]
        self._path(target)
        with inbox.locked():
            self._make_parents(target, extra=1)
            folder = self._make(target, None)
            with folder.locked():
                folder.take_over(inbox)
            inbox.remove(list(inbox.messages))

    def _read_subscriptions(self) -> list[str]:
        text = self._changed(SUBSCRIPTIONS)
        if text is not None:
            self._subscribed = set(parse_names(text, self.delimiter))
        return sorted(self._subscribed)

    def _set_subscribed(self, name: str, subscribed: bool) -> None:
        with self._lock, DotLock(self._root / SUBSCRIPTIONS) as lock:
            self._files_stamp.pop(SUBSCRIPTIONS, None)  # read again under the lock
            names = set(self._read_subscriptions())
            if (name in names) == subscribed:
                return
            names = names | {name} if subscribed else names - {name}
            lock.replace(format_names(sorted(names), self.delimiter))
            self._subscribed = names
            self._changed(SUBSCRIPTIONS)

    def subscribe(self, name: str) -> None:
        canonical = create_name(name, self.delimiter, self._store.limits.max_mailbox_name_length)
        self._set_subscribed(canonical, True)

    def unsubscribe(self, name: str) -> None:
        try:
            canonical = existing_name(name, self.delimiter)
        except NoSuchMailbox:
            return  # an invalid name was never subscribed
        self._set_subscribed(canonical, False)

    def subscriptions(self) -> list[str]:
        with self._lock:
            return self._read_subscriptions()

    def quota_usage(self) -> tuple[int, int]:
        with self._changing():
            self._relist()
            for folder in list(self._folders.values()):
                with contextlib.suppress(NoSuchMailbox):
                    folder.refresh()
            return self._usage()

    def watch(self, callback: Callback) -> Subscription:
        subscription = Subscription(callback, self._detach(None))
        with self._lock:
            self._watchers.append(subscription)
        return subscription

    def _detach(self, folder: Folder | None) -> Callable[[Subscription], None]:
        def detach(subscription: Subscription) -> None:
            with self._lock:
                watchers = self._watchers if folder is None else folder.watchers
                if subscription in watchers:
                    watchers.remove(subscription)

        return detach
