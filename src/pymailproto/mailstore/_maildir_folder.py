"""One Maildir as a mailbox: its files, its UID list, and what the store keeps in memory.

A :class:`Folder` caches what the Maildir holds -- each message's UID, file name, flags, size
and internal date -- and brings the cache up to date whenever the disk changed, since other
programs share the Maildir: Dovecot, mutt, an MDA delivering into ``new/``, another store
process. The rules are Dovecot's (https://doc.dovecot.org/2.3/admin_manual/mailbox_formats/
maildir/):

* **UIDs** live in ``dovecot-uidlist``, keyed by the file name's base (the part before ``:``,
  which stays the same when flags change). A file the list does not know gets the next UID:
  that is how mail delivered by another program into ``new/`` appears, in the order of the
  delivery time in the file names.
* **Locking.** Every change, and every scan that finds something new, holds the
  ``dovecot-uidlist.lock`` dotlock -- as Dovecot does -- so UIDs are never handed out twice and
  a scan never mistakes a file being renamed for an expunged message. Reading needs no lock.
* **Change detection.** A scan is needed when ``new/``, ``cur/``, the UID list, the keyword list
  or the state file changed (mtime, inode, size). Directory mtimes have a coarse clock, so a
  directory changed in the last two seconds is scanned again on every use until it is older.
* **HIGHESTMODSEQ** is not part of a Maildir (Dovecot keeps it in its index); this store keeps
  it in ``pymailproto-state`` with a digest of the messages and flags it was written for. On
  a restart every message gets that HIGHESTMODSEQ as its mod-sequence when the Maildir still
  matches the digest, and HIGHESTMODSEQ + 2 when it does not (it changed while no store was
  watching, or the last write was lost in a crash). Either way a client's CHANGEDSINCE and
  VANISHED (EARLIER) answers may hold more than changed -- which RFC 7162 §3.1 allows -- but
  never less. Expunged UIDs from before a restart are forgotten the same way.

Every method runs with the account's lock held.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import time
import uuid
from collections import ChainMap, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from pymailproto.mailstore._events import (
    Event,
    FlagsChanged,
    MailboxDeleted,
    MessagesAdded,
    MessagesExpunged,
    Subscription,
)
from pymailproto.mailstore._flags import check_flag, fold, resolve_flags
from pymailproto.mailstore._maildir_files import (
    DIR_MODE,
    DotLock,
    fsync_directory,
    remove_stale_tmp,
)
from pymailproto.mailstore._maildir_format import (
    KEYWORD_LETTERS,
    LETTER_OF,
    SYSTEM_LETTERS,
    State,
    Uidlist,
    format_keywords,
    format_state,
    format_uidlist,
    parse_filename,
    parse_keywords,
    parse_state,
    parse_uidlist,
    to_crlf,
    with_flags,
)
from pymailproto.mailstore._types import MAX_UID, MailstoreLimits, MessageInfo
from pymailproto.mailstore.errors import LimitExceeded, NoSuchMailbox

__all__ = ["Entry", "Folder", "Placed", "read_message"]

UIDLIST = "dovecot-uidlist"
KEYWORDS = "dovecot-keywords"
STATE = "pymailproto-state"
#: A directory changed this recently may change again within the same mtime tick.
_RACY_NS = 2_000_000_000
_ORDER = re.compile(r"(\d+)(?:\.M(\d+))?")


#: A file just put into a Maildir: (base, subdir, file name, flags, internal date, size, crlf).
Placed = tuple[str, str, str, frozenset[str], datetime, int, bool]


@dataclass(slots=True)
class Entry:
    """A message: what the store tells about it, and where its file is."""

    info: MessageInfo
    base: str
    subdir: str  # "new" or "cur"
    filename: str
    crlf: bool  # stored with LF line ends (Dovecot's W= differs from S=): served as CRLF


class _Stamp(NamedTuple):
    new: tuple[int, int, int] | None
    cur: tuple[int, int, int] | None
    uidlist: tuple[int, int, int] | None
    keywords: tuple[int, int, int] | None
    state: tuple[int, int, int] | None


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_ino, st.st_size


def _delivery_order(name: str) -> tuple[int, int, str]:
    """Dovecot gives new files UIDs by the delivery time at the start of their names."""
    match = _ORDER.match(name)
    if match is None:
        return (2**63, 0, name)
    return (int(match.group(1)), int(match.group(2) or 0), name)


def _fingerprint(info: MessageInfo) -> int:
    """A 128-bit hash of a message's UID and flags; XORed together they fingerprint a
    mailbox, and one change costs one XOR out and one in (no walk over every message)."""
    text = f"{info.uid} {' '.join(sorted(info.flags))}".encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")


def _date(seconds: float) -> datetime:
    return datetime.fromtimestamp(int(seconds), timezone.utc)


class Folder:
    """The state of one Maildir; every method runs with the account lock held."""

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        limits: MailstoreLimits,
        new_uidvalidity: Callable[[], int],
        emit: Callable[[Folder, Event], None],
        special_use: str | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.special_use = special_use
        self.alive = True
        self.watchers: list[Subscription] = []
        self._limits = limits
        self._new_uidvalidity = new_uidvalidity
        self._emit_to = emit
        self.loaded = False
        self.uidvalidity = 0
        self.uidnext = 1
        self.highestmodseq = 1
        self.guid = ""
        self.messages: dict[int, Entry] = {}  # ascending UIDs
        self.by_base: dict[str, int] = {}
        self.octets = 0
        self._mix = 0  # XOR of the messages' fingerprints: see _digest()
        self.keyword_file: dict[int, str] = {}  # dovecot-keywords as read: number -> name
        self.keyword_number: dict[str, int] = {}  # folded keyword -> its (first) number
        self.spellings: dict[str, str] = {}  # folded keyword -> spelling, by number
        self.tombstones: deque[tuple[int, int]] = deque()
        self.tombstone_floor = 0
        self.recent_floor = 1
        self._header_extra: tuple[str, ...] = ()
        self._extensions: dict[str, str] = {}
        self._pending: dict[str, int] = {}  # UIDs the list gives to files not seen yet
        self._fresh: list[int] = []  # UIDs handed out by the current scan
        self._stamp = _Stamp(None, None, None, None, None)
        self._racy = True
        self._uidlist_dirty = False
        self._saved: tuple[int, str | None] = (0, None)  # (HIGHESTMODSEQ, special use) on disk
        self._lock: DotLock | None = None

    # --- life and death -----------------------------------------------------------------------

    def make(self) -> None:
        """Create this Maildir on disk (``path`` must not exist) as a new, empty mailbox."""
        os.mkdir(self.path, DIR_MODE)  # FileExistsError: the name is taken on disk
        for sub in ("cur", "new", "tmp"):
            os.mkdir(self.path / sub, DIR_MODE)
        if self.path.name.startswith("."):
            # Maildir++: marks a subfolder, so a deliverer knows not to treat it as a root.
            os.close(os.open(self.path / "maildirfolder", os.O_WRONLY | os.O_CREAT, 0o600))
        with self.locked():
            pass  # writes the UID list (a new UIDVALIDITY) and the state file

    def check_alive(self) -> None:
        if not self.alive:
            raise NoSuchMailbox(f"mailbox {self.name!r} was deleted")

    def kill(self) -> None:
        """The mailbox is gone: handles die, watchers hear it once."""
        if self.alive:
            self.alive = False
            self.messages.clear()
            self.by_base.clear()
            self.octets = self._mix = 0
            self.emit(MailboxDeleted(self.name, self.uidvalidity or 1))
            self.watchers.clear()

    def emit(self, event: Event) -> None:
        self._emit_to(self, event)

    # --- keeping up with the disk -------------------------------------------------------------

    def _read_stamp(self) -> _Stamp:
        return _Stamp(
            _stat(self.path / "new"),
            _stat(self.path / "cur"),
            _stat(self.path / UIDLIST),
            _stat(self.path / KEYWORDS),
            _stat(self.path / STATE),
        )

    @staticmethod
    def _is_racy(stamp: _Stamp) -> bool:
        now = time.time_ns()
        return any(part is not None and now - part[0] < _RACY_NS for part in stamp[:2])

    def refresh(self) -> None:
        """Catch up with changes other programs made; cheap when there are none."""
        self.check_alive()
        if self._lock is not None:
            return  # inside locked(): already in sync
        if self.loaded:
            stamp = self._read_stamp()
            if stamp == self._stamp and not self._racy:
                return
            if stamp[2:] == self._stamp[2:]:
                listing = self._list()
                if listing is not None and self._matches(listing):
                    self._stamp, self._racy = stamp, self._is_racy(stamp)
                    return
        with self.locked():
            pass

    def _matches(self, listing: dict[str, tuple[str, str]]) -> bool:
        return len(listing) == len(self.messages) and all(
            listing.get(entry.base) == (entry.subdir, entry.filename)
            for entry in self.messages.values()
        )

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the UID list's dotlock, in sync with the disk; write what changed at the end."""
        self.check_alive()
        if self._lock is not None:  # re-entered (a copy into the same mailbox)
            yield
            return
        lock = DotLock(self.path / UIDLIST)
        try:
            lock.acquire()
        except FileNotFoundError:
            self.kill()  # the directory is gone: deleted by another program
            raise NoSuchMailbox(f"mailbox {self.name!r} was deleted") from None
        self._lock = lock
        try:
            self._sync()
            yield
        finally:
            self._lock = None
            try:
                self._save(lock)
            finally:
                lock.release()

    def _list(self) -> dict[str, tuple[str, str]] | None:
        """File name base -> (subdirectory, file name) of every message file; None if gone."""
        listing: dict[str, tuple[str, str]] = {}
        for subdir in ("new", "cur"):  # cur last: a file moved meanwhile counts as in cur/
            try:
                names = os.listdir(self.path / subdir)
            except FileNotFoundError:
                if not self.path.is_dir():
                    return None
                (self.path / subdir).mkdir(DIR_MODE, exist_ok=True)  # repaired, as Dovecot does
                continue
            for name in names:
                if not name.startswith("."):  # maildir(5): dot files are not messages
                    listing[name.split(":", 1)[0]] = (subdir, name)
        return listing

    def _read_text(self, name: str) -> str | None:
        try:
            return (self.path / name).read_bytes().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            return None

    def _read_keywords(self) -> None:
        self.keyword_file = parse_keywords(self._read_text(KEYWORDS) or "")
        self.keyword_number, self.spellings = {}, {}
        for number in sorted(self.keyword_file):
            keyword = self.keyword_file[number]
            try:
                check_flag(keyword)
            except ValueError:
                continue  # not an IMAP keyword: its letter is ignored, as an unknown one
            if keyword.startswith("\\"):
                continue
            key = fold(keyword)
            if key not in self.keyword_number:
                self.keyword_number[key] = number
                self.spellings[key] = keyword

    def _read_uidlist(self) -> Uidlist | None:
        text = self._read_text(UIDLIST)
        if text is None:
            return None
        try:
            return parse_uidlist(text)
        except ValueError:
            return None  # broken: rebuilt with a new UIDVALIDITY, as Dovecot does

    def flags_of(self, letters: str) -> frozenset[str]:
        """The IMAP flags of a file's info letters."""
        flags = {SYSTEM_LETTERS[c] for c in letters if c in SYSTEM_LETTERS}
        for char in letters:
            number = KEYWORD_LETTERS.find(char)
            keyword = self.keyword_file.get(number) if number >= 0 else None
            if keyword is not None and fold(keyword) in self.spellings:
                flags.add(self.spellings[fold(keyword)])
        return frozenset(flags)

    def letters_of(self, flags: Iterable[str]) -> str:
        """The info letters of IMAP flags whose keywords all have a number."""
        letters = []
        for flag in flags:
            if flag in LETTER_OF:
                letters.append(LETTER_OF[flag])
            else:
                letters.append(KEYWORD_LETTERS[self.keyword_number[fold(flag)]])
        return "".join(sorted(letters))

    def _sync(self) -> None:
        """Bring the cache in line with the disk; the dotlock is held."""
        first = not self.loaded
        stamp = self._read_stamp()
        self._fresh = []
        keywords_changed = first or stamp.keywords != self._stamp.keywords
        if keywords_changed:
            self._read_keywords()
        accept_from = self.uidnext  # UIDs the list gives below this were expunged before
        if first or stamp.uidlist != self._stamp.uidlist:
            uidlist = self._read_uidlist()
            if uidlist is not None and not first and uidlist.uidvalidity != self.uidvalidity:
                self._replaced()  # re-created by another program: nothing of ours is valid
                accept_from, first = 1, True
            if uidlist is None:
                if first:
                    self.uidvalidity = self._new_uidvalidity()
                    self.guid = uuid.uuid4().hex
                self._uidlist_dirty = True
            else:
                if first:
                    self.uidvalidity, self.guid = uidlist.uidvalidity, uidlist.guid
                    self.guid = self.guid or uuid.uuid4().hex
                self.uidnext = max(self.uidnext, uidlist.uidnext)
                self._header_extra = uidlist.header_extra
                self._extensions.update(uidlist.extensions)
                self._pending = {
                    base: uid
                    for base, uid in uidlist.uids.items()
                    if uid >= accept_from and base not in self.by_base
                }
        listing = self._list()
        if listing is None:
            self.kill()
            raise NoSuchMailbox(f"mailbox {self.name!r} was deleted")
        gone = [uid for uid, entry in self.messages.items() if entry.base not in listing]
        moved = []
        for uid, entry in self.messages.items():
            where = listing.get(entry.base)
            if where is not None and (keywords_changed or where != (entry.subdir, entry.filename)):
                entry.subdir, entry.filename = where
                flags = self.flags_of(parse_filename(entry.filename).letters)
                if flags != entry.info.flags:
                    moved.append((uid, flags))
        found = [where for base, where in listing.items() if base not in self.by_base]
        found.sort(key=lambda where: _delivery_order(where[1]))
        if gone:
            self.remove(gone)
        if moved:
            self.highestmodseq += 1
            changed = []
            for uid, flags in moved:
                entry = self.messages[uid]
                self._retag(entry, flags)
                changed.append(entry.info)
            self.emit(FlagsChanged(self.name, self.uidvalidity, self.highestmodseq, (*changed,)))
        self._adopt(found, announce=not first)
        if first:
            self._first_load()
        self._stamp, self._racy = stamp, self._is_racy(stamp)

    def _adopt(self, found: list[tuple[str, str]], *, announce: bool) -> None:
        """Add the message files nobody told us about: their UID from the list, or a new one."""
        adopted: list[Entry] = []
        for subdir, filename in found:
            name = parse_filename(filename)
            try:
                st = os.stat(self.path / subdir / filename)
            except FileNotFoundError:
                continue  # moved meanwhile: found on the next scan
            if not stat.S_ISREG(st.st_mode):
                continue
            size = name.size if name.size is not None else st.st_size
            crlf = name.vsize is not None and name.vsize != size
            uid = self._pending.pop(name.base, 0)
            if uid == 0 or uid in self.messages:
                if self.uidnext > MAX_UID:
                    break  # nothing more can be added; the files stay unlisted
                uid = self.uidnext
                self.uidnext += 1
                self._uidlist_dirty = True
                self._fresh.append(uid)
            self.uidnext = max(self.uidnext, uid + 1)
            flags = self.flags_of(name.letters)
            date = _date(st.st_mtime)
            if crlf and name.vsize is not None:
                size = name.vsize  # what IMAP serves: CRLF line ends (RFC822.SIZE)
            info = MessageInfo(uid, flags, date, size, 1)
            adopted.append(Entry(info, name.base, subdir, filename, crlf))
        if not adopted:
            return
        if announce:
            self.highestmodseq += 1
        adopted.sort(key=lambda entry: entry.info.uid)
        unordered = bool(self.messages) and adopted[0].info.uid < next(reversed(self.messages))
        for entry in adopted:
            entry.info = replace(entry.info, modseq=self.highestmodseq)
            self._insert(entry)
        if unordered:  # a file the list numbered before another one we knew: keep UID order
            self.messages = dict(sorted(self.messages.items()))
        if announce:
            infos = tuple(entry.info for entry in adopted)
            self.emit(MessagesAdded(self.name, self.uidvalidity, self.highestmodseq, infos))

    def _first_load(self) -> None:
        """Restore HIGHESTMODSEQ from the state file (see the module docstring)."""
        (self.path / "tmp").mkdir(DIR_MODE, exist_ok=True)  # another program may lack it
        remove_stale_tmp(self.path)
        state = self._read_state()
        if state is not None and state.uidvalidity == self.uidvalidity:
            self.special_use = state.special_use
            matches = state.digest == self._digest()
            self.highestmodseq = max(1, state.highestmodseq + (0 if matches else 2))
            self._saved = (self.highestmodseq if matches else 0, state.special_use)
        else:
            if state is not None:
                self.special_use = state.special_use
            self.highestmodseq = 1
        for entry in self.messages.values():
            entry.info = replace(entry.info, modseq=self.highestmodseq)
        self.tombstone_floor = self.highestmodseq
        # \Recent: the messages that got their UID from this scan; none from before.
        self.recent_floor = min(self._fresh, default=self.uidnext)
        self.loaded = True

    def _replaced(self) -> None:
        """The UID list got another UIDVALIDITY: everything cached is void."""
        if self.messages:
            self.highestmodseq += 1
            uids = (*self.messages,)
            self.emit(MessagesExpunged(self.name, self.uidvalidity, self.highestmodseq, uids))
        self.messages.clear()
        self.by_base.clear()
        self.octets = self._mix = 0
        self.uidnext = 1
        self.tombstones.clear()
        self.loaded = False

    def _read_state(self) -> State | None:
        text = self._read_text(STATE)
        try:
            return parse_state(text) if text is not None else None
        except ValueError:
            return None

    def _digest(self) -> str:
        """The fingerprint of the messages, their flags and UIDNEXT (for the state file)."""
        return f"{self._mix:032x}.{self.uidvalidity}.{self.uidnext}"

    def _save(self, lock: DotLock) -> None:
        """Write the UID list (through the lock, which it releases) and state if changed."""
        if not self.alive:
            return  # deleted meanwhile: nothing to write into
        if self._uidlist_dirty and self.uidvalidity:
            listed = {entry.base for entry in self.messages.values()}
            entries = [(uid, entry.base) for uid, entry in self.messages.items()]
            entries += [(uid, base) for base, uid in self._pending.items() if base not in listed]
            header = Uidlist(self.uidvalidity, self.uidnext, self.guid, {}, {}, self._header_extra)
            data = format_uidlist(header, sorted(entries), self._extensions)
            self._uidlist_dirty = False
            lock.replace(data)
        if self.loaded and (self.highestmodseq, self.special_use) != self._saved:
            self.write_state()
        self._stamp = self._stamp._replace(
            uidlist=_stat(self.path / UIDLIST),
            keywords=_stat(self.path / KEYWORDS),
            state=_stat(self.path / STATE),
        )

    def write_state(self) -> None:
        state = State(self.uidvalidity, self.highestmodseq, self._digest(), self.special_use)
        tmp = self.path / f"{STATE}.tmp"
        tmp.write_bytes(format_state(state))
        os.rename(tmp, self.path / STATE)
        self._saved = (self.highestmodseq, self.special_use)

    # --- changing the mailbox (inside locked()) -----------------------------------------------

    def resolve(
        self, flags: Iterable[str], pending: Mapping[str, str] | None = None
    ) -> tuple[frozenset[str], dict[str, str]]:
        """Canonical spellings of ``flags`` and the keywords new to the mailbox.

        ``pending`` holds keywords earlier messages of the same change are about to add. A
        Maildir holds at most 26 keywords (the letters a..z), whatever the limits say.
        """
        pending = pending or {}
        limit = min(self._limits.max_keywords, len(KEYWORD_LETTERS))
        resolved, new = resolve_flags(flags, ChainMap(dict(pending), self.spellings), limit)
        free = len(KEYWORD_LETTERS) - len(self.keyword_file) - len(pending)
        if len(new) > free:
            raise LimitExceeded("a Maildir holds at most 26 keywords per mailbox (a..z)")
        return resolved, new

    def mark_racy(self) -> None:
        """Scan again on the next use: a file was not where the cache said."""
        self._racy = True

    def learn(self, new: dict[str, str]) -> None:
        """Give each new keyword a letter and write ``dovecot-keywords`` (lock held)."""
        if not new:
            return
        free = (n for n in range(len(KEYWORD_LETTERS)) if n not in self.keyword_file)
        for key, spelling in new.items():
            number = next(free)
            self.keyword_file[number] = spelling
            self.keyword_number[key] = number
            self.spellings[key] = spelling
        with DotLock(self.path / KEYWORDS) as lock:
            lock.replace(format_keywords(self.keyword_file))

    def filename_for(self, base: str, flags: frozenset[str]) -> tuple[str, str]:
        """Where a new message goes: ``new/`` without flags, ``cur/`` with its info letters."""
        if not flags:
            return "new", base
        return "cur", with_flags(base, self.letters_of(flags))

    def file_of(self, entry: Entry) -> Path:
        return self.path / entry.subdir / entry.filename

    def add(self, placed: list[Placed]) -> list[MessageInfo]:
        """Record files just placed here as new messages: the next UIDs, one mod-sequence."""
        if not placed:
            return []
        self.highestmodseq += 1
        added = []
        for base, subdir, filename, flags, date, size, crlf in placed:
            info = MessageInfo(self.uidnext, flags, date, size, self.highestmodseq)
            self.uidnext += 1
            self._insert(Entry(info, base, subdir, filename, crlf))
            added.append(info)
        self._uidlist_dirty = True
        self.emit(MessagesAdded(self.name, self.uidvalidity, self.highestmodseq, (*added,)))
        return added

    def _insert(self, entry: Entry) -> None:
        self.messages[entry.info.uid] = entry
        self.by_base[entry.base] = entry.info.uid
        self.octets += entry.info.size
        self._mix ^= _fingerprint(entry.info)

    def _retag(self, entry: Entry, flags: frozenset[str]) -> None:
        """Give ``entry`` new flags and the current HIGHESTMODSEQ."""
        self._mix ^= _fingerprint(entry.info)
        entry.info = replace(entry.info, flags=flags, modseq=self.highestmodseq)
        self._mix ^= _fingerprint(entry.info)

    def remove(self, uids: list[int]) -> None:
        """Forget the messages ``uids`` (ascending; their files are gone) as one change."""
        if not uids:
            return
        self.highestmodseq += 1
        for uid in uids:
            entry = self.messages.pop(uid)
            self._mix ^= _fingerprint(entry.info)
            del self.by_base[entry.base]
            self._extensions.pop(entry.base, None)
            self.octets -= entry.info.size
            self.tombstones.append((self.highestmodseq, uid))
        while len(self.tombstones) > self._limits.max_tombstones:
            forgotten, _ = self.tombstones.popleft()
            self.tombstone_floor = max(self.tombstone_floor, forgotten)
        self._uidlist_dirty = True
        event = MessagesExpunged(self.name, self.uidvalidity, self.highestmodseq, (*uids,))
        self.emit(event)

    def set_flags(self, plan: list[tuple[Entry, frozenset[str]]]) -> list[MessageInfo]:
        """Rename each message file to carry its new flags; one new mod-sequence for all."""
        self.highestmodseq += 1
        changed = []
        touched = {"cur"}
        for entry, flags in plan:
            target = with_flags(entry.filename, self.letters_of(flags))
            try:
                os.rename(self.file_of(entry), self.path / "cur" / target)
            except FileNotFoundError:
                self._racy = True  # renamed by another program: the next scan sees it
                continue
            touched.add(entry.subdir)
            entry.subdir, entry.filename = "cur", target
            self._retag(entry, flags)
            changed.append(entry.info)
        for subdir in sorted(touched):
            fsync_directory(self.path / subdir)
        if changed:
            event = FlagsChanged(self.name, self.uidvalidity, self.highestmodseq, (*changed,))
            self.emit(event)
        return changed

    def take_over(self, other: Folder) -> None:
        """Move every message of ``other`` here, with its UID, flags and mod-sequence.

        RENAME of INBOX (RFC 9051 §6.3.6): this new mailbox gets INBOX's messages, UIDNEXT
        and HIGHESTMODSEQ (under its own UIDVALIDITY); the files keep their names. Both
        mailboxes are locked; the caller then removes the messages from ``other``.
        """
        if other.keyword_file:
            self.keyword_file = dict(other.keyword_file)
            with DotLock(self.path / KEYWORDS) as lock:
                lock.replace(format_keywords(self.keyword_file))
            self._read_keywords()
        for entry in other.messages.values():
            os.rename(other.file_of(entry), self.path / entry.subdir / entry.filename)
            self._insert(replace(entry))
        for subdir in ("new", "cur"):
            fsync_directory(self.path / subdir)
            fsync_directory(other.path / subdir)
        self.uidnext = other.uidnext
        self.highestmodseq = other.highestmodseq
        self.recent_floor = other.recent_floor
        self._uidlist_dirty = True

    def peek_special_use(self) -> None:
        """Read the special-use attribute without loading the mailbox (for LIST)."""
        if not self.loaded:
            state = self._read_state()
            self.special_use = state.special_use if state is not None else None

    def claim_recent(self) -> frozenset[int]:
        claimed = []
        for uid in reversed(self.messages):  # newest first; stop at the first claimed one
            if uid < self.recent_floor:
                break
            claimed.append(uid)
        self.recent_floor = self.uidnext
        return frozenset(claimed)

    def unlink_files(self, entries: Iterable[Entry]) -> None:
        """Remove message files (already gone is fine) and make that durable."""
        dirs = set()
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.file_of(entry))
            dirs.add(entry.subdir)
        for subdir in sorted(dirs):
            fsync_directory(self.path / subdir)


def read_message(path: Path, crlf: bool) -> bytes:
    """The message in file ``path``; with ``crlf``, its LF line ends turned into CRLF."""
    data = path.read_bytes()
    return to_crlf(data) if crlf else data
