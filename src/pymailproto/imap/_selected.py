"""The selected mailbox as the server's responses describe it (RFC 9051 §6.3.2, §7.4, §7.5;
RFC 7162).

A :class:`SelectedMailbox` is pure data: the client connection feeds it every typed response
it receives while a mailbox is selected (or being selected) with :meth:`SelectedMailbox.apply`,
and the codes of the tagged OK of SELECT/EXAMINE with :meth:`SelectedMailbox.apply_code`. It
keeps what a client "MUST remember" -- the message count (EXISTS, EXPUNGE, VANISHED), FLAGS,
the UIDVALIDITY/UIDNEXT/HIGHESTMODSEQ/PERMANENTFLAGS/UNSEEN codes, READ-ONLY/READ-WRITE --
plus a cache of what FETCH responses told: the UID and the flags of each message number, kept
right as EXPUNGE and VANISHED renumber the messages. :meth:`SelectedMailbox.snapshot` gives the
first part as an immutable :class:`MailboxSnapshot`, which is what a ``select()`` returns.

A response that contradicts what is known -- an EXPUNGE or FETCH of a message number above the
count, a UID out of order, a VANISHED UID that cannot be in the mailbox -- is the server's
error: :class:`~pymailproto.errors.RemoteProtocolError`, raised before anything changes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Generic, TypeVar

from pymailproto.errors import RemoteProtocolError
from pymailproto.imap._codes import (
    Code,
    HighestModSeqCode,
    PermanentFlagsCode,
    ResponseCode,
    UidNextCode,
    UidValidityCode,
    UnseenCode,
)
from pymailproto.imap._flags import Flag
from pymailproto.imap._response_base import Condition, Response, StatusResponse
from pymailproto.imap._responses_data import ExistsResponse, FlagsResponse, RecentResponse
from pymailproto.imap._responses_message import ExpungeResponse, FetchResponse, VanishedResponse
from pymailproto.imap._sequence import SequenceSet

__all__ = ["MailboxSnapshot", "SelectedMailbox"]

_V = TypeVar("_V")

# A value is put in front of the run after it only when that run is this short: prepending is
# a memmove of the run. Longer runs get a new run before them instead (see _Runs.set).
_PREPEND_MAX = 64


@dataclass(frozen=True, slots=True)
class MailboxSnapshot:
    """The selected mailbox's state at one moment (what ``select()`` returns).

    ``exists`` is the message count; ``recent`` the ``\\Recent`` count (RFC 3501 §7.3.2; 0 when
    not sent); ``flags`` the FLAGS response (the flags that apply in the mailbox);
    ``permanent_flags`` the PERMANENTFLAGS code (None when not sent: RFC 9051 §6.3.2 says to
    assume then that all flags can be changed permanently); ``unseen`` the first unseen
    message's number from the IMAP4rev1 UNSEEN code; ``highestmodseq`` None when the server
    sent no HIGHESTMODSEQ code or sent NOMODSEQ (RFC 7162 §3.1.2).

    After a SELECT with QRESYNC (RFC 7162 §3.2.5) the resynchronisation is here too:
    ``vanished`` the UIDs expunged since the client's modseq (``VANISHED (EARLIER)``), and
    ``changed`` the FETCH responses of the messages changed since (flags, MODSEQ, UID).
    """

    name: str
    read_only: bool
    exists: int
    recent: int
    uidvalidity: int | None
    uidnext: int | None
    highestmodseq: int | None
    flags: tuple[Flag, ...]
    permanent_flags: tuple[Flag, ...] | None
    unseen: int | None
    vanished: SequenceSet | None = None
    changed: tuple[FetchResponse, ...] = ()


class _Runs(Generic[_V]):
    """Values for some message numbers, in runs of consecutive numbers: ``runs[i][k]`` is the
    value of message ``starts[i] + k``. Runs are non-empty, ascending and disjoint; two runs
    may touch. Numbers with no value take no memory."""

    __slots__ = ("runs", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.runs: list[list[_V]] = []

    def clear(self) -> None:
        self.starts.clear()
        self.runs.clear()

    def get(self, seq: int) -> _V | None:
        r = bisect_right(self.starts, seq) - 1
        if r >= 0:
            run = self.runs[r]
            offset = seq - self.starts[r]
            if offset < len(run):
                return run[offset]
        return None

    def set(self, seq: int, value: _V) -> None:
        starts, runs = self.starts, self.runs
        r = bisect_right(starts, seq) - 1
        nxt = r + 1
        if r >= 0:
            run = runs[r]
            offset = seq - starts[r]
            if offset < len(run):
                run[offset] = value
                return
            if offset == len(run):
                run.append(value)
                if nxt < len(runs) and starts[nxt] == seq + 1 and len(runs[nxt]) <= len(run):
                    # Small into large: a value moves only into a run at least as long as its
                    # own, so O(log n) times in all.
                    run.extend(runs[nxt])
                    del runs[nxt], starts[nxt]
                return
        if nxt < len(runs) and starts[nxt] == seq + 1 and len(runs[nxt]) < _PREPEND_MAX:
            runs[nxt].insert(0, value)
            starts[nxt] = seq
            return
        runs.insert(nxt, [value])
        starts.insert(nxt, seq)

    def remove(self, lo: int, hi: int, count: int) -> None:
        """Forget the values of messages ``lo`` to ``hi`` and number those after ``hi``
        ``count`` lower: ``count`` of the messages ``lo..hi`` were expunged (all of them when
        ``count`` is ``hi - lo + 1``; 0 forgets without renumbering)."""
        starts, runs = self.starts, self.runs
        i = bisect_right(starts, lo) - 1
        if i < 0:
            i = 0
        else:
            run, start = runs[i], starts[i]
            end = start + len(run)
            if end <= lo:
                i += 1
            elif start < lo:  # run i holds lo and numbers before it
                if end > hi + 1:  # ... and numbers after hi: cut out the middle
                    if count == hi - lo + 1:
                        del run[lo - start : hi - start + 1]  # EXPUNGE's path: one memmove
                    else:
                        runs.insert(i + 1, run[hi - start + 1 :])
                        starts.insert(i + 1, hi + 1 - count)
                        del run[lo - start :]
                        i += 1
                    self._shift(i + 1, count)
                    return
                del run[lo - start :]
                i += 1
        # Runs i.. start at lo or later; i..j-1 start within lo..hi.
        j = bisect_right(starts, hi, i)
        if j > i:
            last, start = runs[j - 1], starts[j - 1]
            if start + len(last) > hi + 1:  # goes on after hi: keep the rest
                del last[: hi + 1 - start]
                starts[j - 1] = hi + 1
                j -= 1
            del runs[i:j], starts[i:j]
        self._shift(i, count)

    def _shift(self, i: int, count: int) -> None:
        if count:
            starts = self.starts
            starts[i:] = [start - count for start in starts[i:]]


class _UidRuns(_Runs[int]):
    """The known UIDs by message number. UIDs ascend with message numbers (RFC 9051
    §2.3.1.2), so the runs hold ascending values and a UID is found by bisection."""

    __slots__ = ()

    def find(self, uid: int) -> tuple[int, int]:
        """The position ``(run, offset)`` of the first UID >= ``uid`` (``run`` is
        ``len(runs)`` when there is none)."""
        runs = self.runs
        r = bisect_right(runs, uid, key=_first) - 1
        if r < 0:
            return 0, 0
        run = runs[r]
        k = bisect_left(run, uid)
        if k == len(run):
            return r + 1, 0
        return r, k

    def at(self, r: int, k: int) -> tuple[int, int] | None:
        """``(seq, uid)`` at a position from :meth:`find`, or None past the end."""
        if r == len(self.runs):
            return None
        return self.starts[r] + k, self.runs[r][k]

    def before(self, r: int, k: int) -> tuple[int, int] | None:
        """``(seq, uid)`` just before a position from :meth:`find`, or None."""
        if k > 0:
            return self.starts[r] + k - 1, self.runs[r][k - 1]
        if r > 0:
            run = self.runs[r - 1]
            return self.starts[r - 1] + len(run) - 1, run[-1]
        return None

    def record(self, seq: int, uid: int) -> None:
        """Remember that message ``seq`` has ``uid``; a server error if that contradicts what
        is known."""
        starts, runs = self.starts, self.runs
        r = bisect_right(starts, seq) - 1
        prev_seq = prev_uid = 0
        if r >= 0:
            run = runs[r]
            offset = seq - starts[r]
            if offset < len(run):
                if run[offset] != uid:
                    raise RemoteProtocolError(
                        f"message {seq} has UID {run[offset]}, now reported as {uid}: a "
                        "message's UID does not change (RFC 9051 §2.3.1.1)"
                    )
                return
            prev_seq, prev_uid = starts[r] + len(run) - 1, run[-1]
        # RFC 9051 §2.3.1.2: numbers are "ordered by ascending unique identifiers", so between
        # two messages there is room for the messages numbered between them.
        if uid - prev_uid < seq - prev_seq:
            after = f" after message {prev_seq}'s UID {prev_uid}" if prev_seq else ""
            raise RemoteProtocolError(
                f"message {seq} reported with UID {uid}{after}: UIDs ascend with message "
                "numbers (RFC 9051 §2.3.1.2)"
            )
        if r + 1 < len(runs):
            next_seq, next_uid = starts[r + 1], runs[r + 1][0]
            if next_uid - uid < next_seq - seq:
                raise RemoteProtocolError(
                    f"message {seq} reported with UID {uid}, before message {next_seq}'s UID "
                    f"{next_uid}: UIDs ascend with message numbers (RFC 9051 §2.3.1.2)"
                )
        self.set(seq, uid)

    def spans(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The message numbers whose UIDs are within ``lo..hi``, as ``(first, last)`` spans."""
        r, k = self.find(lo)
        out: list[tuple[int, int]] = []
        while r < len(self.runs):
            run = self.runs[r]
            end = bisect_right(run, hi, k)
            if end > k:
                out.append((self.starts[r] + k, self.starts[r] + end - 1))
            if end < len(run):
                break
            r, k = r + 1, 0
        return out


def _first(run: list[int]) -> int:
    return run[0]


class SelectedMailbox:
    """The state of the selected mailbox, updated from the server's responses.

    ``SelectedMailbox("INBOX")`` for a SELECT, ``SelectedMailbox("INBOX", read_only=True)`` for
    an EXAMINE; then :meth:`apply` each response. The attributes are read-only properties;
    :meth:`uid`, :meth:`seq`, :meth:`flags_of` and :meth:`known_uids` answer from what FETCH
    responses told.

    Memory and cost. A hostile server can announce ``* 4294967295 EXISTS``, so nothing is
    allocated per message number: only the values actually received are kept, in runs of
    consecutive message numbers (one list of UIDs per run, and likewise for flags). Memory is
    O(values received) -- never more than the count, nor than the FETCH responses that brought
    them -- and a mailbox whose UIDs were fetched in one go (``UID FETCH 1:* (FLAGS)``) is one
    run. On ``n`` known values in ``R`` runs: EXPUNGE deletes from one run (a memmove) and
    renumbers the runs after it, O(R); a FETCH is O(log R) (plus a memmove of R when it starts
    a new run) and appends to its run when the server answers in ascending order, as servers
    do; :meth:`uid` is O(log R) and :meth:`seq`
    O(log n) (UIDs ascend with message numbers, RFC 9051 §2.3.1.2, so it bisects); a VANISHED
    of ``m`` UID ranges is O(m (R + log n)) and never expands a range. Fetches in other orders
    leave more, shorter runs (descending order: runs of 64).

    What FETCH recorded is kept exactly through EXPUNGE and VANISHED, with one exception: when
    a VANISHED names UIDs that were not known, the client cannot tell which of the messages
    between the known neighbours went (RFC 7162 §3.2.10.2 only says each UID counts), so the
    flags recorded for those in-between messages, whose UIDs were not known either, are
    forgotten -- unless exactly that many messages lay between them.
    """

    __slots__ = (
        "_exists",
        "_flags",
        "_highestmodseq",
        "_mailbox_flags",
        "_modseq_code",
        "_modseq_max",
        "_name",
        "_permanent_flags",
        "_read_only",
        "_recent",
        "_uidnext",
        "_uids",
        "_uidvalidity",
        "_unseen",
    )

    def __init__(self, name: str, read_only: bool = False) -> None:
        self._name = name
        self._read_only = read_only
        self._exists = 0
        self._recent = 0
        self._uidvalidity: int | None = None
        self._uidnext: int | None = None
        self._highestmodseq: int | None = None
        self._mailbox_flags: tuple[Flag, ...] = ()
        self._permanent_flags: tuple[Flag, ...] | None = None
        self._unseen: int | None = None
        self._uids = _UidRuns()
        self._flags: _Runs[tuple[Flag, ...]] = _Runs()
        # RFC 7162 §6: the highest MODSEQ FETCH item since the last tagged response, and
        # whether a HIGHESTMODSEQ code came in that time.
        self._modseq_max: int | None = None
        self._modseq_code = False

    # --- state -------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The mailbox name, as given to SELECT/EXAMINE."""
        return self._name

    @property
    def read_only(self) -> bool:
        """Whether the mailbox is read-only (EXAMINE, or the READ-ONLY code)."""
        return self._read_only

    @property
    def exists(self) -> int:
        """The number of messages (RFC 9051 §7.4.1)."""
        return self._exists

    @property
    def recent(self) -> int:
        """The number of ``\\Recent`` messages (RFC 3501 §7.3.2; IMAP4rev1 servers only)."""
        return self._recent

    @property
    def uidvalidity(self) -> int | None:
        """The UIDVALIDITY code's value (RFC 9051 §2.3.1.1)."""
        return self._uidvalidity

    @property
    def uidnext(self) -> int | None:
        """The UIDNEXT code's value: the predicted next UID (RFC 9051 §2.3.1.1)."""
        return self._uidnext

    @property
    def highestmodseq(self) -> int | None:
        """The mailbox's highest mod-sequence (RFC 7162 §3.1.2.1, §6), or None."""
        return self._highestmodseq

    @property
    def flags(self) -> tuple[Flag, ...]:
        """The flags that apply in the mailbox: the FLAGS response (RFC 9051 §7.3.5)."""
        return self._mailbox_flags

    @property
    def permanent_flags(self) -> tuple[Flag, ...] | None:
        """The PERMANENTFLAGS code's flags (``\\*`` included), or None when not sent."""
        return self._permanent_flags

    @property
    def unseen(self) -> int | None:
        """The UNSEEN code's value: the first unseen message's number (RFC 3501 §7.1), as sent
        at selection (not renumbered)."""
        return self._unseen

    def snapshot(self) -> MailboxSnapshot:
        """The state above as an immutable :class:`MailboxSnapshot`."""
        return MailboxSnapshot(
            name=self._name,
            read_only=self._read_only,
            exists=self._exists,
            recent=self._recent,
            uidvalidity=self._uidvalidity,
            uidnext=self._uidnext,
            highestmodseq=self._highestmodseq,
            flags=self._mailbox_flags,
            permanent_flags=self._permanent_flags,
            unseen=self._unseen,
        )

    # --- queries -----------------------------------------------------------------------------

    def uid(self, seq: int) -> int | None:
        """The UID of message ``seq``, if a FETCH told it."""
        return self._uids.get(seq)

    def seq(self, uid: int) -> int | None:
        """The message number of ``uid``, if a FETCH told it."""
        entry = self._uids.at(*self._uids.find(uid))
        if entry is not None and entry[1] == uid:
            return entry[0]
        return None

    def flags_of(self, seq: int) -> tuple[Flag, ...] | None:
        """The flags of message ``seq`` as the last FETCH with FLAGS told them."""
        return self._flags.get(seq)

    def known_uids(self) -> SequenceSet | None:
        """The UIDs known to be in the mailbox, as a compact set (for QRESYNC's
        ``known-uids``, RFC 7162 §3.2.5), or None when none is known."""
        ranges: list[tuple[int, int]] = []
        for run in self._uids.runs:
            for uid in run:
                if ranges and ranges[-1][1] + 1 == uid:
                    ranges[-1] = (ranges[-1][0], uid)
                else:
                    ranges.append((uid, uid))
        return SequenceSet(ranges) if ranges else None

    # --- updates -----------------------------------------------------------------------------

    def apply(self, response: Response) -> bool:
        """Update the state from one response; True when it was about the mailbox's state (a
        FETCH, EXISTS, EXPUNGE, VANISHED, RECENT or FLAGS response, or an untagged OK with a
        code :meth:`apply_code` takes), False otherwise.

        A tagged response (the completion of a command) applies its code when OK, settles
        HIGHESTMODSEQ (RFC 7162 §6), and returns False: it is never an unsolicited update.

        Raises :class:`~pymailproto.errors.RemoteProtocolError`, changing nothing, when the
        response contradicts the mailbox's state.
        """
        if isinstance(response, FetchResponse):
            self._fetch(response)
            return True
        if isinstance(response, ExpungeResponse):
            self._expunge(response.number)
            return True
        if isinstance(response, VanishedResponse):
            if response.earlier:
                self._forget(response.uids)
            else:
                self._vanished(response.uids)
            return True
        if isinstance(response, ExistsResponse):
            if response.count < self._exists:
                raise RemoteProtocolError(
                    f"EXISTS of {response.count} after {self._exists}: only EXPUNGE (or "
                    "VANISHED) may reduce the number of messages (RFC 9051 §5.2)"
                )
            self._exists = response.count  # RFC 9051 §7.4.1
            return True
        if isinstance(response, StatusResponse):
            ok = response.condition is Condition.OK
            if response.tag is not None:
                if ok:
                    self.apply_code(response.code)
                self._command_done()
                return False
            return ok and self.apply_code(response.code)
        if isinstance(response, RecentResponse):
            self._recent = response.count  # RFC 3501 §7.3.2
            return True
        if isinstance(response, FlagsResponse):
            self._mailbox_flags = response.flags  # RFC 9051 §7.3.5
            return True
        return False

    def apply_code(self, code: ResponseCode | None) -> bool:
        """Update the state from the response code of an OK response (untagged, or the tagged
        OK of SELECT/EXAMINE); True when the code is about the mailbox's state.

        Taken: UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, UNSEEN (RFC 9051 §6.3.2, RFC 3501 §7.1),
        READ-ONLY and READ-WRITE (RFC 9051 §7.1), HIGHESTMODSEQ and NOMODSEQ (RFC 7162
        §3.1.2). CLOSED is not the mailbox's business: it marks where the responses for the
        previous mailbox end (RFC 7162 §3.2.11), which the connection tracks.
        """
        if isinstance(code, UidValidityCode):
            if self._uidvalidity is not None and code.uidvalidity != self._uidvalidity:
                # RFC 9051 §2.3.1.1: the old UIDs do not persist (the mailbox may even have
                # been reordered, so the numbers' flags go too); RFC 7162 §3.1.2.1: "the
                # client MUST delete the cached value of HIGHESTMODSEQ".
                self._uids.clear()
                self._flags.clear()
                self._highestmodseq = None
                self._modseq_max = None
            self._uidvalidity = code.uidvalidity
        elif isinstance(code, UidNextCode):
            self._uidnext = code.uid
        elif isinstance(code, HighestModSeqCode):
            # RFC 7162 §6: "The client MUST update its copy of the HIGHESTMODSEQ value whenever
            # the server sends a subsequent HIGHESTMODSEQ OK response code."
            self._highestmodseq = code.modseq
            self._modseq_code = True
        elif isinstance(code, PermanentFlagsCode):
            self._permanent_flags = code.flags
        elif isinstance(code, UnseenCode):
            self._unseen = code.number
        elif code is Code.READ_ONLY or code is Code.READ_WRITE:
            self._read_only = code is Code.READ_ONLY
        elif code is Code.NOMODSEQ:
            self._highestmodseq = None  # RFC 7162 §3.1.2.2
        else:
            return False
        return True

    def _command_done(self) -> None:
        # RFC 7162 §6: at a tagged response, unless a HIGHESTMODSEQ code came since the last
        # one ("the client MUST use it even if it has seen higher mod-sequences"), the highest
        # MODSEQ FETCH item becomes HIGHESTMODSEQ if bigger. Not earlier: "It is not safe to
        # update ... as soon as it is received" (MODSEQs may come out of order).
        modseq = self._modseq_max
        if (
            not self._modseq_code
            and modseq is not None
            and self._highestmodseq is not None
            and modseq > self._highestmodseq
        ):
            self._highestmodseq = modseq
        self._modseq_max = None
        self._modseq_code = False

    def _fetch(self, response: FetchResponse) -> None:
        seq = response.number
        if seq > self._exists:
            raise RemoteProtocolError(
                f"FETCH for message {seq} of {self._exists}: the numbers run from 1 to the "
                "number of messages (RFC 9051 §2.3.1.2)"
            )
        data = response.data
        uid = data.uid
        if uid is not None:
            self._uids.record(seq, uid)
        flags = data.flags
        if flags is not None:
            self._flags.set(seq, flags)
        modseq = data.modseq  # RFC 7162 §3.1.4.2
        if modseq is not None and (self._modseq_max is None or modseq > self._modseq_max):
            self._modseq_max = modseq

    def _expunge(self, seq: int) -> None:
        if seq > self._exists:
            raise RemoteProtocolError(
                f"EXPUNGE of message {seq} of {self._exists} (RFC 9051 §7.5.1)"
            )
        # RFC 9051 §7.5.1: the messages after it are "immediately decremented by 1".
        self._uids.remove(seq, seq, 1)
        self._flags.remove(seq, seq, 1)
        self._exists -= 1

    def _forget(self, uids: SequenceSet) -> None:
        # RFC 7162 §3.2.10.1: VANISHED (EARLIER) reports UIDs gone before; the client "MUST NOT
        # decrement message sequence numbers". A UID thought to be here is forgotten.
        spans: list[tuple[int, int]] = []
        for lo, hi in _ranges(uids):
            spans.extend(self._uids.spans(lo, hi))
        for first, last in spans:
            self._uids.remove(first, last, 0)
            self._flags.remove(first, last, 0)

    def _vanished(self, uids: SequenceSet) -> None:
        # RFC 7162 §3.2.10.2: VANISHED without EARLIER stands for EXPUNGEs and "MUST refer only
        # to messages that are visible to the client", so "each UID listed ... results in the
        # client decrementing the message count by one" -- known to the client or not. Each
        # range of UIDs present is a block of consecutive messages, placed by the known UIDs in
        # it, or else somewhere between the known neighbours. All is checked before anything
        # changes; the blocks are worked out from the top down, where removing one does not
        # renumber those below.
        known = self._uids
        ceiling = self._exists + 1  # the lowest number a higher block may have taken
        plan: list[tuple[int, int, int]] = []
        for lo, hi in reversed(_ranges(uids)):
            count = hi - lo + 1
            r, k = known.find(lo)
            r_next, k_next = known.find(hi + 1)
            below = known.before(r, k)
            above = known.at(r_next, k_next)
            floor = 0 if below is None else below[0]
            top = ceiling if above is None else min(ceiling, above[0])
            first = known.at(r, k)
            if first is not None and first[1] <= hi:
                last = known.before(r_next, k_next)
                assert last is not None  # first is in the range
                offset = first[1] - first[0]
                lowest, highest = lo - offset, hi - offset
                if last[1] - last[0] != offset or lowest <= floor or highest >= top:
                    raise _not_there(lo, hi, first)
                plan.append((lowest, highest, count))
                ceiling = lowest
            else:
                if top - floor - 1 < count:
                    raise _not_there(lo, hi, None)
                plan.append((floor + 1, top - 1, count))
                ceiling = top - count
        for lowest, highest, count in plan:
            self._uids.remove(lowest, highest, count)
            self._flags.remove(lowest, highest, count)
            self._exists -= count

    def __repr__(self) -> str:
        access = "read-only" if self._read_only else "read-write"
        return (
            f"<SelectedMailbox {self._name!r} {access} exists={self._exists} "
            f"uidvalidity={self._uidvalidity}>"
        )


def _ranges(uids: SequenceSet) -> list[tuple[int, int]]:
    """The ranges of a uid-set (no ``*``), ascending and merged; never expanded."""
    out: list[tuple[int, int]] = []
    for first, last in uids.normalized().items:
        assert isinstance(first, int)  # Vanished refuses "*"
        assert isinstance(last, int)
        out.append((first, last))
    return out


def _not_there(lo: int, hi: int, known: tuple[int, int] | None) -> RemoteProtocolError:
    uids = str(lo) if lo == hi else f"{lo}:{hi}"
    detail = "" if known is None else f" given message {known[0]}'s UID {known[1]}"
    return RemoteProtocolError(
        f"VANISHED {uids} names UIDs that cannot all be in the mailbox{detail}: it may name only "
        "messages visible to the client (RFC 7162 §3.2.10.2)"
    )
