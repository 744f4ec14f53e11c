"""Change notifications: what changed in a mailbox, told to whoever watches it.

An IMAP session in IDLE, a second session with the same mailbox selected, a test waiting for
mail: each registers a callback with :meth:`Mailbox.watch` (one mailbox) or
:meth:`Account.watch` (every mailbox of a user) and gets one event per change.

The delivery rules, which every store follows:

* **After, outside.** A callback runs once the change is complete and visible, and outside
  the store's lock, so it may read the store (or even change it).
* **In order, exactly once.** Events reach each subscriber in the order the changes happened,
  once each; the subscribers of one event are called one after the other, in the order they
  subscribed (mailbox watchers before account watchers). Changes made by several threads are
  queued in order under the store's lock and delivered by one thread at a time; a thread that
  finds another already delivering leaves its events to that thread, so an operation may
  return before its own events were delivered when other threads are busy. A callback that
  changes the store does not recurse: its events are delivered after it returns.
* **Quick and thread-safe callbacks.** A callback runs in whichever thread made (or
  delivered) the change. An asyncio server hands the event to its loop with
  ``loop.call_soon_threadsafe`` and returns; blocking in a callback holds up every other
  subscriber of the account. An exception from a callback is logged (logger
  ``pymailproto.mailstore``) and does not reach the code that made the change.
* **Modseq to reconcile.** Message events carry the mailbox's HIGHESTMODSEQ after the change.
  A session that calls ``watch`` and then ``snapshot`` can ignore every event whose ``modseq``
  is not above the snapshot's ``highestmodseq``: the snapshot already shows that change.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TypeAlias

from pymailproto.mailstore._types import MessageInfo

__all__ = [
    "Callback",
    "Dispatcher",
    "Event",
    "FlagsChanged",
    "MailboxCreated",
    "MailboxDeleted",
    "MailboxRenamed",
    "MessagesAdded",
    "MessagesExpunged",
    "Subscription",
]

_log = logging.getLogger("pymailproto.mailstore")


def _check(mailbox: str, uidvalidity: int, modseq: int = 1) -> None:
    if not mailbox or uidvalidity < 1 or modseq < 1:
        raise ValueError("an event names a mailbox and has a positive UIDVALIDITY and modseq")


@dataclass(frozen=True, slots=True)
class MessagesAdded:
    """New messages (APPEND, delivery, COPY, MOVE) in ``mailbox``, ascending by UID."""

    mailbox: str
    uidvalidity: int
    modseq: int
    messages: tuple[MessageInfo, ...]

    def __post_init__(self) -> None:
        _check(self.mailbox, self.uidvalidity, self.modseq)

    @property
    def uids(self) -> tuple[int, ...]:
        """The UIDs of the new messages."""
        return tuple(info.uid for info in self.messages)


@dataclass(frozen=True, slots=True)
class FlagsChanged:
    """The flags of ``messages`` changed; each holds its new flags and ``modseq``."""

    mailbox: str
    uidvalidity: int
    modseq: int
    messages: tuple[MessageInfo, ...]

    def __post_init__(self) -> None:
        _check(self.mailbox, self.uidvalidity, self.modseq)


@dataclass(frozen=True, slots=True)
class MessagesExpunged:
    """Messages left ``mailbox`` (EXPUNGE, MOVE, RENAME of INBOX); UIDs ascending."""

    mailbox: str
    uidvalidity: int
    modseq: int
    uids: tuple[int, ...]

    def __post_init__(self) -> None:
        _check(self.mailbox, self.uidvalidity, self.modseq)


@dataclass(frozen=True, slots=True)
class MailboxCreated:
    """A mailbox was created (also a superior name CREATE or RENAME created on the way)."""

    mailbox: str
    uidvalidity: int

    def __post_init__(self) -> None:
        _check(self.mailbox, self.uidvalidity)


@dataclass(frozen=True, slots=True)
class MailboxDeleted:
    """The mailbox was deleted; a handle to it now raises :class:`NoSuchMailbox`."""

    mailbox: str
    uidvalidity: int

    def __post_init__(self) -> None:
        _check(self.mailbox, self.uidvalidity)


@dataclass(frozen=True, slots=True)
class MailboxRenamed:
    """The mailbox once called ``old_name`` is now ``mailbox`` (its inferiors each get one)."""

    mailbox: str
    uidvalidity: int
    old_name: str

    def __post_init__(self) -> None:
        _check(self.mailbox, self.uidvalidity)


#: Any change notification.
Event: TypeAlias = (
    MessagesAdded
    | FlagsChanged
    | MessagesExpunged
    | MailboxCreated
    | MailboxDeleted
    | MailboxRenamed
)
#: What :meth:`Mailbox.watch` and :meth:`Account.watch` call.
Callback = Callable[[Event], None]


class Subscription:
    """A registered callback. :meth:`close` it (or use it as a context manager) to stop.

    After ``close()`` returns no new call of the callback starts; one already running in
    another thread may still finish.
    """

    __slots__ = ("_callback", "_closed", "_detach")

    def __init__(self, callback: Callback, detach: Callable[[Subscription], None]) -> None:
        """Used by stores: ``detach`` unregisters the subscription from its mailbox."""
        self._callback = callback
        self._detach = detach
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def close(self) -> None:
        """Stop the notifications; calling it again does nothing."""
        if not self._closed:
            self._closed = True
            self._detach(self)

    def deliver(self, event: Event) -> None:
        """Call the callback with ``event`` unless closed; log what it raises."""
        if self._closed:
            return
        try:
            self._callback(event)
        except Exception:
            _log.exception("mailstore watch callback %r failed on %r", self._callback, event)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Dispatcher:
    """The ordered outbox of one store (or account): :meth:`emit` under the lock, then flush.

    A store calls :meth:`emit` while it holds its own lock, in the order it makes changes, and
    :meth:`flush` after releasing it. Only one thread delivers at a time, so subscribers see
    events in the order they were emitted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outbox: deque[tuple[Event, tuple[Subscription, ...]]] = deque()
        self._delivering = False

    def emit(self, event: Event, targets: tuple[Subscription, ...]) -> None:
        """Queue ``event`` for ``targets`` (the subscriptions watching when it happened)."""
        if targets:
            with self._lock:
                self._outbox.append((event, targets))

    def flush(self) -> None:
        """Deliver queued events, unless another thread (or an outer flush) already does."""
        with self._lock:
            if self._delivering or not self._outbox:
                return
            self._delivering = True
        try:
            while True:
                with self._lock:
                    if not self._outbox:
                        self._delivering = False
                        return
                    event, targets = self._outbox.popleft()
                for target in targets:
                    target.deliver(event)
        except BaseException:  # KeyboardInterrupt in a callback: let a later flush go on
            with self._lock:
                self._delivering = False
            raise
