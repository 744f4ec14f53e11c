"""The mailbox handle and the streamed appender of :class:`MaildirMailstore`.

A :class:`MaildirMailbox` is what :meth:`Account.mailbox` returns: each method takes the
account's lock, catches the folder up with the disk (see
:mod:`pymailproto.mailstore._maildir_folder`) and, for a change, holds the folder's
``dovecot-uidlist.lock`` while it renames, links or removes message files. The rules are those
of :mod:`pymailproto.mailstore.base`, and the code follows
:mod:`pymailproto.mailstore.memory` step by step, so the two stores behave alike.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pymailproto.mailstore._events import Callback, Subscription
from pymailproto.mailstore._flags import DELETED, SEEN, check_flag, fold
from pymailproto.mailstore._maildir_files import TmpFile, fsync_directory, unique_name
from pymailproto.mailstore._maildir_folder import Entry, Folder, Placed, read_message
from pymailproto.mailstore._maildir_format import parse_filename
from pymailproto.mailstore._types import (
    MAX_UID,
    MailboxSnapshot,
    MailboxStatus,
    MessageInfo,
    StoreResult,
)
from pymailproto.mailstore.base import Appender, FlagMode, Mailbox, PendingAppend
from pymailproto.mailstore.errors import LimitExceeded, NoSuchMailbox, NoSuchMessage, TooBig

if TYPE_CHECKING:
    from pymailproto.mailstore.maildir import MaildirAccount

__all__ = ["MaildirAppender", "MaildirMailbox"]

#: An appender whose file is synced, with its flags and internal date, ready to commit.
_Pending = tuple["MaildirAppender", Iterable[str], datetime]


class MaildirMailbox(Mailbox):
    """A handle on one mailbox of a :class:`MaildirMailstore`; it follows renames."""

    def __init__(self, account: MaildirAccount, folder: Folder) -> None:
        self._account = account
        self._folder = folder

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaildirMailbox) and other._folder is self._folder

    def __hash__(self) -> int:
        return id(self._folder)

    def __repr__(self) -> str:
        return f"<MaildirMailbox {self._account.user}:{self._folder.name} {self._folder.path}>"

    def _fresh(self) -> Folder:
        """The folder, caught up with the disk (call with the account lock held)."""
        self._folder.refresh()
        return self._folder

    def _target(self, target: Mailbox) -> Folder:
        if not isinstance(target, MaildirMailbox) or target._account is not self._account:
            raise ValueError("copy and move work within one account of one MaildirMailstore")
        target._folder.check_alive()
        return target._folder

    @property
    def name(self) -> str:
        return self._folder.name

    @property
    def uidvalidity(self) -> int:
        with self._account._changing():
            if self._folder.alive:  # a deleted mailbox keeps telling its last UIDVALIDITY
                with contextlib.suppress(NoSuchMailbox):
                    self._folder.refresh()
            return self._folder.uidvalidity

    @property
    def uidnext(self) -> int:
        with self._account._changing():
            return self._fresh().uidnext

    @property
    def highestmodseq(self) -> int:
        with self._account._changing():
            return self._fresh().highestmodseq

    @property
    def message_count(self) -> int:
        with self._account._changing():
            return len(self._fresh().messages)

    def snapshot(self, *, claim_recent: bool = False) -> MailboxSnapshot:
        with self._account._changing():
            folder = self._fresh()
            recent = folder.claim_recent() if claim_recent else frozenset()
            return MailboxSnapshot(
                name=folder.name,
                uidvalidity=folder.uidvalidity,
                uidnext=folder.uidnext,
                highestmodseq=folder.highestmodseq,
                messages=tuple(entry.info for entry in folder.messages.values()),
                keywords=tuple(folder.spellings.values()),
                recent=recent,
            )

    def status(self) -> MailboxStatus:
        with self._account._changing():
            folder = self._fresh()
            infos = [entry.info for entry in folder.messages.values()]
            return MailboxStatus(
                messages=len(infos),
                recent=sum(1 for info in infos if info.uid >= folder.recent_floor),
                uidnext=folder.uidnext,
                uidvalidity=folder.uidvalidity,
                unseen=sum(1 for info in infos if SEEN not in info.flags),
                deleted=sum(1 for info in infos if DELETED in info.flags),
                size=folder.octets,
                highestmodseq=folder.highestmodseq,
            )

    def _entry(self, uid: int) -> Entry:
        try:
            return self._fresh().messages[uid]
        except KeyError:
            raise NoSuchMessage(f"no message with UID {uid} in {self.name!r}") from None

    def get(self, uid: int) -> MessageInfo:
        with self._account._changing():
            return self._entry(uid).info

    def _located(self, uid: int) -> tuple[Path, bool]:
        with self._account._changing():
            entry = self._entry(uid)
            return self._folder.file_of(entry), entry.crlf

    def read(self, uid: int) -> bytes:
        for _ in range(3):  # the file may be renamed (a flag change) between lookup and open
            path, crlf = self._located(uid)
            try:
                return read_message(path, crlf)
            except FileNotFoundError:
                self._folder.mark_racy()
        raise NoSuchMessage(f"the file of UID {uid} in {self.name!r} keeps moving")

    def open(self, uid: int) -> BinaryIO:
        """The message file itself, opened for reading (large messages stay on disk)."""
        for _ in range(3):
            path, crlf = self._located(uid)
            if crlf:
                return io.BytesIO(self.read(uid))
            try:
                return open(path, "rb")  # the caller closes it
            except FileNotFoundError:
                self._folder.mark_racy()
        raise NoSuchMessage(f"the file of UID {uid} in {self.name!r} keeps moving")

    def claim_recent(self) -> frozenset[int]:
        with self._account._changing():
            return self._fresh().claim_recent()

    def begin_append(self) -> Appender:
        with self._account._changing():
            self._folder.check_alive()
            try:
                return MaildirAppender(self, self._folder)
            except FileNotFoundError:
                self._fresh()  # raises NoSuchMailbox if another program deleted it
                return MaildirAppender(self, self._folder)

    def commit_appends(self, items: Sequence[PendingAppend]) -> list[int]:
        appenders = [appender for appender, _, _ in items]
        if len({id(appender) for appender in appenders}) != len(appenders):
            raise ValueError("an appender appears twice")
        pending: list[_Pending] = []
        for appender, flags, date in items:
            if not isinstance(appender, MaildirAppender) or appender.mailbox != self:
                raise ValueError("an appender of another mailbox")
            appender.check_open()
            pending.append((appender, flags, self._account._date(date)))
        for appender, _, date in pending:
            appender.sync(int(date.timestamp()))  # the slow part, before taking any lock
        with self._account._changing():
            folder = self._folder
            folder.check_alive()
            self._account._catch_up()
            with folder.locked():
                uids = self._place(folder, pending)
        for appender, _, _ in pending:
            appender.finish()
        return uids

    def _place(self, folder: Folder, pending: list[_Pending]) -> list[int]:
        """Validate, then rename each synced tmp file into the mailbox and give it a UID."""
        limits = self._account._store.limits
        prepared = []
        new: dict[str, str] = {}
        for appender, flags, date in pending:
            if limits.max_message_size is not None and appender.size > limits.max_message_size:
                raise TooBig(f"messages are limited to {limits.max_message_size} octets")
            resolved, learned = folder.resolve(flags, new)
            new.update(learned)
            prepared.append((appender, resolved, date.astimezone(timezone.utc)))
        self._account._check_quota(sum(a.size for a, _, _ in prepared), len(prepared))
        if folder.uidnext + len(prepared) - 1 > MAX_UID:
            raise LimitExceeded("the mailbox has used up its UIDs")
        folder.learn(new)
        placed: list[Placed] = []
        moves: list[tuple[Path, Path]] = []
        try:
            for appender, flags, date in prepared:
                base = f"{appender.tmp_name},S={appender.size}"
                subdir, filename = folder.filename_for(base, flags)
                source = folder.path / "tmp" / appender.tmp_name
                os.rename(source, folder.path / subdir / filename)
                moves.append((source, folder.path / subdir / filename))
                placed.append((base, subdir, filename, flags, date, appender.size, False))
        except BaseException:
            for source, target in reversed(moves):  # none of them, as MULTIAPPEND requires
                os.rename(target, source)
            raise
        for subdir in sorted({subdir for _, subdir, *_ in placed}):
            fsync_directory(folder.path / subdir)
        return [info.uid for info in folder.add(placed)]

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
            folder = self._folder
            with folder.locked():
                requested: frozenset[str] = frozenset()
                new: dict[str, str] = {}
                if mode != "remove":
                    requested, new = folder.resolve(flags)
                plan: list[tuple[Entry, frozenset[str]]] = []
                unchanged: list[MessageInfo] = []
                skipped: list[int] = []
                for uid in wanted:
                    entry = folder.messages.get(uid)
                    if entry is None:
                        continue
                    info = entry.info
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
                        plan.append((entry, result))
                changed: list[MessageInfo] = []
                if plan:
                    folder.learn(new)
                    changed = folder.set_flags(plan)
                return StoreResult((*changed,), (*unchanged,), (*skipped,), folder.highestmodseq)

    def expunge(self, uids: Iterable[int] | None = None) -> list[int]:
        only = None if uids is None else set(uids)
        with self._account._changing():
            folder = self._folder
            with folder.locked():
                removed = [
                    entry
                    for uid, entry in folder.messages.items()
                    if DELETED in entry.info.flags and (only is None or uid in only)
                ]
                folder.unlink_files(removed)
                folder.remove([entry.info.uid for entry in removed])
                return [entry.info.uid for entry in removed]

    def _transfer(
        self, uids: Iterable[int], target: Mailbox, *, move: bool
    ) -> list[tuple[int, int]]:
        with self._account._changing():
            source, dest = self._folder, self._target(target)
            source.check_alive()
            if not move:
                self._account._catch_up()
            with contextlib.ExitStack() as stack:
                # Both UID lists locked, always in the same order: no deadlock with another
                # process of ours moving the other way.
                for folder in sorted({source, dest}, key=lambda folder: str(folder.path)):
                    stack.enter_context(folder.locked())
                wanted = sorted(set(uids))
                picked = [source.messages[uid] for uid in wanted if uid in source.messages]
                resolved: list[frozenset[str]] = []
                new: dict[str, str] = {}
                for entry in picked:
                    flags, learned = dest.resolve(entry.info.flags, new)
                    resolved.append(flags)
                    new.update(learned)
                if not move:  # a move never changes the account's usage
                    self._account._check_quota(sum(e.info.size for e in picked), len(picked))
                if dest.uidnext + len(picked) - 1 > MAX_UID:
                    raise LimitExceeded("the mailbox has used up its UIDs")
                dest.learn(new)
                placed: list[Placed] = []
                done: list[Entry] = []
                for entry, flags in zip(picked, resolved, strict=True):
                    file = parse_filename(entry.filename)
                    sizes = f",S={file.size}" if file.size is not None else ""
                    if entry.crlf:
                        sizes += f",W={entry.info.size}"
                    base = unique_name() + sizes
                    subdir, filename = dest.filename_for(base, flags)
                    if not self._put(source, entry, dest.path / subdir / filename, move=move):
                        continue  # its file vanished: expunged by another program
                    date, size = entry.info.internal_date, entry.info.size
                    placed.append((base, subdir, filename, flags, date, size, entry.crlf))
                    done.append(entry)
                for subdir in sorted({subdir for _, subdir, *_ in placed}):
                    fsync_directory(dest.path / subdir)
                added = dest.add(placed)
                if move:
                    for subdir in sorted({entry.subdir for entry in done}):
                        fsync_directory(source.path / subdir)
                    source.remove([entry.info.uid for entry in done])
                return [(e.info.uid, a.uid) for e, a in zip(done, added, strict=True)]

    @staticmethod
    def _put(source: Folder, entry: Entry, target: Path, *, move: bool) -> bool:
        """Rename (move) or hard-link (copy) a message file; copy its bytes if links fail."""
        path = source.file_of(entry)
        try:
            if move:
                os.rename(path, target)
            else:
                os.link(path, target)
            return True
        except FileNotFoundError:
            return False
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise
        tmp = TmpFile(target.parent.parent)  # no hard links here: the Maildir way, by bytes
        try:
            with open(path, "rb") as file:
                shutil.copyfileobj(file, tmp)
            tmp.sync(int(entry.info.internal_date.timestamp()))
            tmp.close()
            os.rename(tmp.path, target)
        except BaseException:
            tmp.discard()
            raise
        if move:
            os.unlink(path)
        return True

    def copy(self, uids: Iterable[int], target: Mailbox) -> list[tuple[int, int]]:
        return self._transfer(uids, target, move=False)

    def move(self, uids: Iterable[int], target: Mailbox) -> list[tuple[int, int]]:
        return self._transfer(uids, target, move=True)

    def changed_since(self, modseq: int) -> list[MessageInfo]:
        with self._account._changing():
            messages = self._fresh().messages.values()
            return [entry.info for entry in messages if entry.info.modseq > modseq]

    def vanished_since(self, modseq: int) -> list[int]:
        with self._account._changing():
            folder = self._fresh()
            if modseq < folder.tombstone_floor:  # part of the history was forgotten
                return [uid for uid in range(1, folder.uidnext) if uid not in folder.messages]
            return sorted(uid for seq, uid in folder.tombstones if seq > modseq)

    def watch(self, callback: Callback) -> Subscription:
        with self._account._changing():
            folder = self._fresh()
            subscription = Subscription(callback, self._account._detach(folder))
            folder.watchers.append(subscription)
            return subscription


class MaildirAppender(Appender):
    """Streams the message into a file in the mailbox's ``tmp/`` as it arrives."""

    def __init__(self, mailbox: MaildirMailbox, folder: Folder) -> None:
        self.mailbox = mailbox
        self._folder = folder
        self._tmp = TmpFile(folder.path)
        self._open = True

    @property
    def size(self) -> int:
        return self._tmp.size

    @property
    def tmp_name(self) -> str:
        return self._tmp.name

    def check_open(self) -> None:
        if not self._open:
            raise ValueError("the appender was already committed or aborted")

    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.check_open()
        limit = self.mailbox._account._store.limits.max_message_size
        size = chunk.nbytes if isinstance(chunk, memoryview) else len(chunk)
        if limit is not None and self._tmp.size + size > limit:
            self.abort()
            raise TooBig(f"messages are limited to {limit} octets")
        self._tmp.write(chunk)

    def sync(self, mtime: int) -> None:
        self._tmp.sync(mtime)

    def commit(self, flags: Iterable[str] = (), internal_date: datetime | None = None) -> int:
        return self.mailbox.commit_appends([(self, flags, internal_date)])[0]

    def finish(self) -> None:
        """Committed: the file now lives in the mailbox."""
        self._open = False
        self._tmp.close()

    def abort(self) -> None:
        if self._open:
            self._open = False
            self._tmp.discard(self._folder.path / "tmp" / self._tmp.name)
