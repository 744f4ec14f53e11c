"""Deliver received mail into Maildirs, durably: ``250`` only once the message is on disk.

The Maildir delivery protocol (D. J. Bernstein, also what Dovecot and Postfix follow): write
the message under a unique name in ``tmp/``, flush and fsync it, then rename it into ``new/``
and fsync the directory, so a crash can never leave a half-written message visible or lose
one that was acknowledged.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from datetime import datetime
from pathlib import Path

from pymailproto.servers._smtp_handlers import Envelope, SMTPHandler
from pymailproto.smtp import Reply, format_path

__all__ = ["MaildirHandler", "deliver_to_maildir", "ensure_maildir"]

_counter = 0
_counter_lock = threading.Lock()


def _unique_name() -> str:
    """time.MmicrosecondsPpidQcounter.host -- unique per host (the Maildir convention)."""
    global _counter  # noqa: PLW0603 - one process-wide sequence, guarded by a lock
    with _counter_lock:
        _counter += 1
        count = _counter
    now = time.time()
    host = platform.node().replace("/", "\\057").replace(":", "\\072")
    return f"{int(now)}.M{int(now % 1 * 1_000_000)}P{os.getpid()}Q{count}.{host}"


def ensure_maildir(path: Path) -> Path:
    """Create ``path`` with its ``tmp``, ``new`` and ``cur`` subdirectories if missing."""
    for sub in ("tmp", "new", "cur"):
        (path / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def deliver_to_maildir(maildir: Path, data: bytes) -> Path:
    """Write ``data`` into ``maildir`` (tmp -> fsync -> new); return the delivered file."""
    ensure_maildir(maildir)
    name = _unique_name()
    tmp = maildir / "tmp" / name
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    final = maildir / "new" / name
    os.rename(tmp, final)
    directory = os.open(maildir / "new", os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)
    return final


class MaildirHandler(SMTPHandler):
    """Delivers each message into a Maildir, replying 250 only after it is on disk.

    With ``per_recipient`` (the default) every accepted recipient gets a copy in
    ``root/<local part>/`` (lower-cased); otherwise all mail goes to ``root`` itself. A
    ``Return-Path`` and a ``Received`` trace field are prepended (RFC 5321 §4.4).
    """

    def __init__(self, root: str | os.PathLike[str], *, per_recipient: bool = True) -> None:
        self.root = Path(root)
        self.per_recipient = per_recipient
        if per_recipient:
            self.root.mkdir(parents=True, exist_ok=True)
        else:
            ensure_maildir(self.root)

    def mailboxes(self, envelope: Envelope) -> list[Path]:
        """The Maildirs this message goes to."""
        if not self.per_recipient:
            return [self.root]
        names = []
        for rcpt in envelope.rcpts:
            local = rcpt.recipient.local_part.lower() or "postmaster"
            safe = "".join(c if c.isalnum() or c in "-_.+" else "_" for c in local).lstrip(".")
            names.append(safe or "_")
        return [self.root / name for name in dict.fromkeys(names)]

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        data = trace_fields(envelope) + envelope.data
        try:
            for maildir in self.mailboxes(envelope):
                deliver_to_maildir(maildir, data)
        except OSError as exc:
            # RFC 5321 §4.2.2 / RFC 3463 X.3.0: a local error; the client will retry.
            return Reply(451, f"Local error in processing: {exc.strerror}", "4.3.0")
        return None


def trace_fields(envelope: Envelope) -> bytes:
    """``Return-Path`` and ``Received`` header fields for a delivered message (RFC 5321 §4.4)."""
    sender = format_path(envelope.sender)
    helo = envelope.client_name or "unknown"
    peer = envelope.peer.rpartition(":")[0] or "unknown"
    protocol = "ESMTPS" if envelope.tls else "ESMTP"
    if envelope.auth_user:
        protocol += "A"  # RFC 3848 transmission types
    from email.utils import format_datetime  # noqa: PLC0415 - lazy: email costs ~2 MiB

    date = format_datetime(time_now())
    received = f"Received: from {helo} ([{peer}])\r\n\tby pymailproto with {protocol}; {date}\r\n"
    return f"Return-Path: {sender}\r\n{received}".encode()


def time_now() -> datetime:
    """The current local time as an aware datetime (a function so tests can pin it)."""
    return datetime.now().astimezone()
