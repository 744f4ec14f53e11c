"""Deliver received mail into a Mailstore: each recipient's INBOX, readable over IMAP at once.

The recipient's local part names the account (``alice@localhost`` -> ``alice``), as a local
development server wants; the message gets ``Return-Path`` and ``Received`` fields (RFC 5321
§4.4). A store error answers 451 (RFC 3463 X.3.0), so the client tries again later; with a
disk store (:class:`~pymailproto.mailstore.MaildirMailstore`) the 250 comes only once the
message is on disk.
"""

from __future__ import annotations

from pymailproto.mailstore import Mailstore, MailstoreError
from pymailproto.servers._maildir_handler import trace_fields
from pymailproto.servers._smtp_handlers import Envelope, SMTPHandler
from pymailproto.smtp import Reply

__all__ = ["MailstoreHandler"]


class MailstoreHandler(SMTPHandler):
    """An SMTP handler delivering into ``store``: one copy per distinct recipient account."""

    def __init__(self, store: Mailstore, mailbox: str = "INBOX") -> None:
        self.store = store
        self.mailbox = mailbox

    @staticmethod
    def account_of(local_part: str) -> str:
        """The account a recipient's local part delivers to (lower-cased)."""
        return local_part.lower() or "postmaster"

    def handle_message(self, session: object, envelope: Envelope) -> Reply | list[Reply] | None:
        data = trace_fields(envelope) + envelope.data
        users = dict.fromkeys(self.account_of(r.recipient.local_part) for r in envelope.rcpts)
        try:
            for user in users:
                self.store.deliver(user, self.mailbox, data)
        except (MailstoreError, OSError) as exc:
            return Reply(451, f"Local error in processing: {exc}", "4.3.0")
        return None
