"""What can go wrong in a mailstore, one exception class per way.

Every class carries the IMAP response code (RFC 9051 §7.1, RFC 5530, RFC 7889) a server puts
in its tagged ``NO`` when the error ends a command, so the server maps errors to replies with
one attribute lookup instead of a table of its own::

    except MailstoreError as exc:
        reply NO [exc.response_code] str(exc)      # response_code None: no code, or BAD

The store knows no IMAP (it sits below the protocols), so the codes are plain strings. One
context changes the code and is the server's to apply: a missing *target* of APPEND, COPY or
MOVE is answered with ``TRYCREATE`` (RFC 9051 §6.3.12, §6.4.7) rather than ``NONEXISTENT``.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "HasChildren",
    "InvalidFlag",
    "InvalidMailboxName",
    "InvalidSpecialUse",
    "LimitExceeded",
    "MailboxExists",
    "MailboxNotSelectable",
    "MailstoreError",
    "NoSuchMailbox",
    "NoSuchMessage",
    "NotAllowed",
    "OverQuota",
    "TooBig",
]


class MailstoreError(Exception):
    """Base class of every mailstore error; catch it, never raise it directly."""

    #: The IMAP response code a server answers with, or ``None`` for none.
    response_code: ClassVar[str | None] = None

    def __init__(self, message: str) -> None:
        if type(self) is MailstoreError:
            raise TypeError("raise a subclass of MailstoreError, not MailstoreError itself")
        super().__init__(message)
        self.message = message


class NoSuchMailbox(MailstoreError):
    """The mailbox does not exist (or was deleted while a handle to it was held)."""

    response_code = "NONEXISTENT"


class MailboxNotSelectable(NoSuchMailbox):
    """The name exists only as a ``\\Noselect`` level of the hierarchy, holding no messages.

    Such a name is left behind when a mailbox with inferiors is deleted (RFC 9051 §6.3.5). It is
    not a mailbox, so this is a :class:`NoSuchMailbox`; creating it makes it a mailbox again.
    """


class MailboxExists(MailstoreError):
    """CREATE or RENAME to a name that is already taken (INBOX always is)."""

    response_code = "ALREADYEXISTS"


class HasChildren(MailstoreError):
    """DELETE of a ``\\Noselect`` name that still has inferior names (RFC 9051 §6.3.5)."""

    response_code = "HASCHILDREN"


class NotAllowed(MailstoreError):
    """The operation is never allowed: deleting INBOX, renaming a mailbox under itself."""

    response_code = "CANNOT"


class InvalidMailboxName(MailstoreError):
    """A name the store refuses to create: empty levels, control characters, too long."""

    response_code = "CANNOT"


class InvalidSpecialUse(MailstoreError):
    """A special-use attribute that RFC 6154 §2 does not define."""

    response_code = "USEATTR"


class InvalidFlag(MailstoreError, ValueError):
    """A flag that cannot be stored: ``\\Recent``, an unknown ``\\`` flag, a non-atom keyword.

    A well-behaved client cannot send these past the IMAP grammar except ``\\Recent`` and
    other ``\\``-extension flags, so the server answers ``BAD`` (invalid arguments).
    """


class NoSuchMessage(MailstoreError, LookupError):
    """No message has this UID (any more): another session expunged it (RFC 9051 §7.1)."""

    response_code = "EXPUNGEISSUED"


class TooBig(MailstoreError):
    """The message is larger than ``MailstoreLimits.max_message_size`` (RFC 7889 §4)."""

    response_code = "TOOBIG"


class OverQuota(MailstoreError):
    """The account's storage or message quota would be exceeded (RFC 9208 §4.3)."""

    response_code = "OVERQUOTA"


class LimitExceeded(MailstoreError):
    """A store limit other than quota: too many mailboxes or keywords, UIDs used up."""

    response_code = "LIMIT"
