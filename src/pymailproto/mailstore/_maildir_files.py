"""Maildir files on disk, written so that a crash never loses or half-writes a message.

The Maildir delivery protocol (D. J. Bernstein's maildir(5), which Dovecot, Postfix and mutt
follow): write the message under a unique name in ``tmp/``, flush and fsync it, rename it into
``new/`` (or ``cur/``, with flags) and fsync that directory. A rename is atomic, so a reader
sees the whole message or nothing, and once the directory is synced the name survives a crash:
an APPEND answered OK, or a message accepted by SMTP, is on disk. A crash mid-write leaves only
debris in ``tmp/``, which :func:`remove_stale_tmp` clears once it is 36 hours old.

This module is shared by :class:`~pymailproto.mailstore.maildir.MaildirMailstore` and the SMTP
``MaildirHandler``, so both deliver the same way. It also holds the two pieces of Dovecot's
cross-process coordination that the store follows (see
https://doc.dovecot.org/2.3/admin_manual/mailbox_formats/maildir/): the ``NAME.lock`` dotlock
through which ``dovecot-uidlist`` and friends are replaced, and the ``dovecot-uidvalidity``
counter from which new mailboxes take their UIDVALIDITY.
"""

from __future__ import annotations

import contextlib
import os
import platform
import threading
import time
from pathlib import Path

__all__ = [
    "LOCK_STALE_SECONDS",
    "STALE_TMP_SECONDS",
    "DotLock",
    "TmpFile",
    "deliver_to_maildir",
    "ensure_maildir",
    "fsync_directory",
    "next_uidvalidity",
    "publish",
    "remove_stale_tmp",
    "unique_name",
]

#: maildir(5): a file in tmp/ not touched for 36 hours is left over from a crashed delivery.
STALE_TMP_SECONDS = 36 * 3600
#: Dovecot overrides a ``dovecot-uidlist.lock`` not touched for two minutes (its
#: MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT): the process holding it is taken to be dead.
LOCK_STALE_SECONDS = 120.0
#: Files and directories hold private mail: only the owner may read them.
FILE_MODE = 0o600
DIR_MODE = 0o700

_counter = 0
_counter_lock = threading.Lock()


def unique_name(now: float | None = None) -> str:
    """``time.MmicrosecondsPpidQcounter.host``: unique per host (the Maildir convention)."""
    global _counter  # noqa: PLW0603 - one process-wide sequence, guarded by a lock
    with _counter_lock:
        _counter += 1
        count = _counter
    if now is None:
        now = time.time()
    # maildir(5): "/" and ":" cannot appear in the host part; they are written in octal.
    host = platform.node().replace("/", "\\057").replace(":", "\\072") or "localhost"
    return f"{int(now)}.M{int(now % 1 * 1_000_000)}P{os.getpid()}Q{count}.{host}"


def ensure_maildir(path: Path) -> Path:
    """Create ``path`` with its ``tmp``, ``new`` and ``cur`` subdirectories if missing."""
    for sub in ("tmp", "new", "cur"):
        (path / sub).mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    return path


def fsync_directory(path: Path) -> None:
    """Make the entries of directory ``path`` (a rename, a new or removed file) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TmpFile:
    """A message being written into ``maildir/tmp/``: :meth:`write` chunks, :meth:`sync`,
    then :func:`publish` it into ``new/`` or ``cur/``.

    Memory stays flat whatever the message size: chunks go straight to the file. The file
    stays open until :meth:`close`, so the Maildir may be renamed meanwhile (a mailbox
    RENAME): the caller finds it again by :attr:`name` under the Maildir's new path.
    """

    def __init__(self, maildir: Path) -> None:
        self.name = unique_name()
        self.path = maildir / "tmp" / self.name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        self._fd = os.open(self.path, flags, FILE_MODE)
        self._file = open(self._fd, "wb", closefd=False)  # noqa: SIM115 - closed by close()
        self.size = 0

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` (or :meth:`discard`) was called."""
        return self._fd < 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Append ``data`` to the file."""
        self._file.write(data)
        self.size += len(data)

    def sync(self, mtime: int | None = None) -> None:
        """Flush and fsync the file; set its mtime first when given (the internal date).

        The access time stays the present: :func:`remove_stale_tmp` takes a file for crash
        debris only when both times are old, and an internal date may be years back.
        """
        self._file.flush()
        if mtime is not None:
            os.utime(self._fd, (time.time(), mtime))
        os.fsync(self._fd)

    def close(self) -> None:
        """Close the file (it stays in tmp/ until published or discarded)."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                self._file.close()
            os.close(self._fd)
            self._fd = -1

    def discard(self, path: Path | None = None) -> None:
        """Close and remove the file (at ``path`` if the Maildir moved). Harmless twice."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path or self.path)


def publish(source: Path, target: Path) -> None:
    """Rename a synced file into place, then fsync the target directory: now it is durable."""
    os.rename(source, target)
    fsync_directory(target.parent)


def deliver_to_maildir(maildir: Path, data: bytes) -> Path:
    """Write ``data`` into ``maildir`` (tmp -> fsync -> new -> fsync); return the new file.

    The name carries the size as Dovecot's ``,S=<size>`` field, so readers need no stat().
    """
    ensure_maildir(maildir)
    tmp = TmpFile(maildir)
    try:
        tmp.write(data)
        tmp.sync()
        tmp.close()
        final = maildir / "new" / f"{tmp.name},S={tmp.size}"
        publish(tmp.path, final)
    except BaseException:
        tmp.discard()
        raise
    return final


def remove_stale_tmp(maildir: Path, now: float | None = None) -> int:
    """Remove the files in ``maildir/tmp`` untouched for 36 hours; how many were removed.

    maildir(5): a delivery that crashed leaves its file in tmp/, never in new/ or cur/; after
    36 hours no live delivery can still be writing it. Untouched means neither written
    (mtime) nor accessed (atime): a file about to be published already carries its internal
    date as mtime, which may be long ago, but it was accessed just now.
    """
    limit = (time.time() if now is None else now) - STALE_TMP_SECONDS
    removed = 0
    try:
        entries = list(os.scandir(maildir / "tmp"))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if entry.is_file(follow_symlinks=False) and max(info.st_atime, info.st_mtime) < limit:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


class DotLock:
    """Dovecot's dotlock on a file: ``NAME.lock``, created exclusively, replaces ``NAME``.

    Whoever creates ``NAME.lock`` (O_EXCL) holds the lock; the new content is written into the
    lock file, which is then renamed over ``NAME`` -- readers never need a lock, since they see
    the old file or the new one -- or removed when nothing changed. A lock older than
    :data:`LOCK_STALE_SECONDS` belongs to a dead process and is broken, as Dovecot does.
    """

    def __init__(self, path: Path, *, stale_after: float = LOCK_STALE_SECONDS) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._stale_after = stale_after
        self._fd = -1

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def acquire(self) -> None:
        """Wait until the lock is ours (breaking it once it is stale)."""
        if self.held:
            raise RuntimeError(f"{self.lock_path} is already held")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        delay = 0.001
        while True:
            try:
                self._fd = os.open(self.lock_path, flags, FILE_MODE)
                return
            except FileExistsError:
                pass
            try:
                age = time.time() - os.stat(self.lock_path).st_mtime
            except FileNotFoundError:
                continue  # released meanwhile: try again at once
            if age > self._stale_after:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.lock_path)
                continue
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def replace(self, data: bytes) -> None:
        """Write ``data`` as the new content of the file and release the lock (durably)."""
        if not self.held:
            raise RuntimeError(f"{self.lock_path} is not held")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except BaseException:
            self.release()
            raise
        os.close(self._fd)
        self._fd = -1
        publish(self.lock_path, self.path)

    def release(self) -> None:
        """Give the lock up without changing the file. Harmless when not held."""
        if self.held:
            os.close(self._fd)
            self._fd = -1
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.lock_path)

    def __enter__(self) -> DotLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _uidvalidity_fallback(floor: int, now: float) -> int:
    return max(int(now), floor + 1, 1)


def _claim_uidvalidity(directory: Path, current: int) -> int | None:
    """Rename marker ``.current`` to the next value; the value claimed, or None."""
    prefix = directory / "dovecot-uidvalidity"
    for _ in range(10):  # another process may claim values meanwhile: try the next ones
        try:
            os.rename(f"{prefix}.{current:08x}", f"{prefix}.{current + 1:08x}")
        except FileNotFoundError:
            current += 1
            continue
        return current + 1
    return None


def next_uidvalidity(directory: Path, *, floor: int = 0, now: float | None = None) -> int:
    """A new UIDVALIDITY for a mailbox under ``directory``, by Dovecot's own protocol.

    Dovecot keeps the last value given out in ``dovecot-uidvalidity`` (eight hex digits) and,
    as the lock-free source of truth, in the name of an empty ``dovecot-uidvalidity.XXXXXXXX``
    file: renaming that file to the next value claims the value atomically, so a Dovecot and
    this store creating mailboxes at once never hand out the same one. The first value is the
    current time (and above ``floor``, the highest UIDVALIDITY seen by the caller).
    """
    clock = time.time() if now is None else now
    main = directory / "dovecot-uidvalidity"
    try:
        current: int | None = int(main.read_text("ascii").strip()[:8], 16)
    except (OSError, ValueError):
        current = None
    claimed = None
    if current is not None and current >= floor:
        claimed = _claim_uidvalidity(directory, current)  # the fast path
    if claimed is None:  # no usable main file or marker: look at the markers themselves
        prefix = "dovecot-uidvalidity."
        values = []
        with contextlib.suppress(FileNotFoundError):
            for entry in os.listdir(directory):
                if entry.startswith(prefix):
                    with contextlib.suppress(ValueError):
                        values.append(int(entry[len(prefix) :], 16))
        if not values:
            claimed = _uidvalidity_fallback(floor, clock)
            marker = directory / f"{prefix}{claimed:08x}"
            with contextlib.suppress(FileExistsError):
                os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444))
        else:
            for stale in values:
                if stale != max(values):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(directory / f"{prefix}{stale:08x}")
            claimed = _claim_uidvalidity(directory, max(values))
            if claimed is None:  # Dovecot's fallback as well
                claimed = _uidvalidity_fallback(max(floor, *values), clock)
    if claimed <= floor:
        # Values given out elsewhere (a copied Maildir): jump above them.
        jump = _uidvalidity_fallback(floor, clock)
        with contextlib.suppress(FileNotFoundError):
            os.rename(
                directory / f"dovecot-uidvalidity.{claimed:08x}",
                directory / f"dovecot-uidvalidity.{jump:08x}",
            )
        claimed = jump
    _write_uidvalidity(main, claimed)
    return claimed


def _write_uidvalidity(path: Path, value: int) -> None:
    with contextlib.suppress(OSError):  # a cache of the marker file's name: best effort
        tmp = path.with_name(f"pymailproto-uidvalidity.{unique_name()}.tmp")
        tmp.write_text(f"{value:08x}", "ascii")
        os.rename(tmp, path)
