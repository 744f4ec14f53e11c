"""Deliver received mail into Maildirs, durably: ``250`` only once the message is on disk.

The Maildir delivery protocol (D. J. Bernstein, also what Dovecot and Postfix follow): write
the message under a unique name in ``tmp/``, flush and fsync it, then rename it into ``new/``
and fsync the directory, so a crash can never leave a half-written message visible or lose
one that was acknowledged. The writer is the one :class:`~pymailproto.mailstore.MaildirMailstore`
uses (:mod:`pymailproto.mailstore._maildir_files`), so a Maildir this handler delivers into is
a store's INBOX: ``MaildirMailstore(root)`` serves ``root/<user>/`` over IMAP.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pymailproto.mailstore._maildir_files import deliver_to_maildir, ensure_maildir
from pymailproto.servers._smtp_handlers import Envelope, SMTPHandler
from pymailproto.smtp import Reply, format_path

__all__ = ["MaildirHandler", "deliver_to_maildir", "ensure_maildir"]


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
