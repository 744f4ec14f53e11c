"""A session's view of its selected mailbox: message numbers, and other sessions' changes.

A mailstore knows messages by UID only; message numbers belong to a session (RFC 9051
§2.3.1.2): they are the positions in the session's own list of UIDs, which changes only when
this session tells its client -- an EXISTS for new messages, an EXPUNGE (or, with QRESYNC, a
VANISHED) for removed ones. Changes made by other sessions arrive from the store's watch at
any time, from any thread; they are queued here and turned into responses only when the
session may send them (RFC 9051 §7.5.1: no EXPUNGE while a FETCH, STORE or SEARCH is in
progress -- the session calls :meth:`pending_updates` between commands, or with
``expunges=False``).
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable

from pymailproto.imap import (
    ExistsResponse,
    ExpungeResponse,
    FetchResponse,
    Flag,
    Response,
    SequenceSet,
    VanishedResponse,
)
from pymailproto.mailstore import (
    Event,
    FlagsChanged,
    Mailbox,
    MailboxSnapshot,
    MessageInfo,
    MessagesAdded,
    MessagesExpunged,
    Subscription,
)

__all__ = ["SelectedView"]


class SelectedView:
    """The selected mailbox as one session sees it (see the module docstring)."""

    def __init__(
        self, mailbox: Mailbox, snapshot: MailboxSnapshot, *, read_only: bool, qresync: bool
    ) -> None:
        self.mailbox = mailbox
        self.read_only = read_only
        #: Report removals with VANISHED instead of EXPUNGE (QRESYNC enabled, RFC 7162 §3.2.10).
        self.qresync = qresync
        #: The UIDs in message-number order, as this session's client knows them.
        self.uids: list[int] = [info.uid for info in snapshot.messages]
        #: The messages this session holds \\Recent for (RFC 3501 §2.3.2).
        self.recent = set(snapshot.recent)
        self.highestmodseq = snapshot.highestmodseq
        self._seen_modseq = snapshot.highestmodseq
        self._events: deque[Event] = deque()
        self._own: set[int] = set()  # modseqs of flag changes this session reported itself
        self._lock = threading.Lock()
        self.subscription: Subscription = mailbox.watch(self._on_event)

    def close(self) -> None:
        """Stop watching the mailbox (the session unselected it)."""
        self.subscription.close()

    def _on_event(self, event: Event) -> None:
        # Called from whatever thread made the change: only queue it.
        with self._lock:
            self._events.append(event)

    @property
    def has_updates(self) -> bool:
        """Whether other sessions changed the mailbox since the last updates were taken."""
        with self._lock:
            return bool(self._events)

    # --- numbering ------------------------------------------------------------------------------

    @property
    def exists(self) -> int:
        """The message count this session's client knows."""
        return len(self.uids)

    def seq_of(self, uid: int) -> int | None:
        """The message number of ``uid``, or None when the client does not know it."""
        i = bisect_left(self.uids, uid)
        return i + 1 if i < len(self.uids) and self.uids[i] == uid else None

    def uids_of(self, ids: SequenceSet, *, uid: bool) -> list[int]:
        """The UIDs a command's sequence set names, ascending (RFC 9051 §6.4.9: for UID
        commands ``*`` is the highest UID; UIDs not in the mailbox are ignored)."""
        if not self.uids:
            return []
        if uid:
            largest = self.uids[-1]
            return [u for u in self.uids if ids.contains(u, largest)]
        count = len(self.uids)
        return [self.uids[n - 1] for n in ids.ids(count) if 1 <= n <= count]

    # --- updates --------------------------------------------------------------------------------

    def pending_updates(self, *, expunges: bool = True) -> list[Response]:
        """The responses that tell the client what other sessions changed: flag changes as
        FETCH (FLAGS ...) responses, removals as EXPUNGE/VANISHED (unless ``expunges`` is
        false: then they wait), new messages as EXISTS -- in an order that keeps every
        message number right (RFC 9051 §7.4.1, §7.5.1)."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
        responses: list[Response] = []
        held: list[Event] = []
        for event in events:
            if isinstance(event, MessagesExpunged) and not expunges:
                held.append(event)
            elif held and isinstance(event, (MessagesAdded, MessagesExpunged)):
                held.append(event)  # keep the order of removals and additions
            else:
                responses += self._apply(event)
        if held:
            with self._lock:
                self._events.extendleft(reversed(held))
        return responses

    def _apply(self, event: Event) -> list[Response]:
        if isinstance(event, MessagesAdded):
            new = [info.uid for info in event.messages if info.uid > (self.uids or [0])[-1]]
            if not new:
                return []
            self.uids.extend(new)
            self.highestmodseq = max(self.highestmodseq, event.modseq)
            return [ExistsResponse(len(self.uids))]
        if isinstance(event, MessagesExpunged):
            return self._expunged(event.uids)
        if isinstance(event, FlagsChanged):
            self.highestmodseq = max(self.highestmodseq, event.modseq)
            if event.modseq in self._own:
                self._own.discard(event.modseq)
                return []  # this session's own STORE, answered already
            return [r for info in event.messages if (r := self.flags_response(info)) is not None]
        return []

    def _expunged(self, uids: Iterable[int]) -> list[Response]:
        gone = sorted(u for u in uids if self.seq_of(u) is not None)
        if not gone:
            return []
        if self.qresync:
            for uid in gone:
                del self.uids[bisect_left(self.uids, uid)]
            self.recent.difference_update(gone)
            return [VanishedResponse(SequenceSet.from_ids(gone))]
        responses: list[Response] = []
        # Highest first: each EXPUNGE renumbers only the messages after it (RFC 9051 §7.5.1).
        for uid in reversed(gone):
            seq = self.seq_of(uid)
            assert seq is not None
            del self.uids[seq - 1]
            responses.append(ExpungeResponse(seq))
        self.recent.difference_update(gone)
        return responses

    def stored_by_us(self, modseq: int) -> None:
        """This session's STORE made the change at ``modseq``: its FETCH responses were (or,
        with .SILENT, deliberately were not) sent, so the watch's echo is not news."""
        self._own.add(modseq)

    def expunged_by_us(self, uids: Iterable[int]) -> list[Response]:
        """The responses for messages this session expunged itself (its EXPUNGE, MOVE)."""
        return self._expunged(uids)

    def flags_response(self, info: MessageInfo, *, uid: bool = False) -> FetchResponse | None:
        """``* n FETCH (FLAGS (...))`` for ``info`` (with UID and MODSEQ where asked), or
        None when the client does not know the message."""
        seq = self.seq_of(info.uid)
        if seq is None:
            return None
        flags = [Flag(name) for name in sorted(info.flags)]
        if info.uid in self.recent:
            flags.append(Flag.RECENT)
        items: dict[str, object] = {"FLAGS": tuple(flags)}
        if uid or self.qresync:
            items["UID"] = info.uid  # RFC 7162 §3.2.4: UID in every FETCH with QRESYNC
        return FetchResponse(seq, items)
