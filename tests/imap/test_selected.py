"""SelectedMailbox: the RFC transcripts (SELECT/EXAMINE, EXPUNGE renumbering, VANISHED with and
without EARLIER, HIGHESTMODSEQ), server errors that change nothing, bounded memory against a
hostile EXISTS, and a state machine checking the UID map against a model mailbox."""

from __future__ import annotations

import copy
import dataclasses
import tracemalloc
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pymailproto.errors import RemoteProtocolError
from pymailproto.imap._codes import Code, HighestModSeqCode, UidValidityCode, UnknownCode
from pymailproto.imap._flags import Flag
from pymailproto.imap._response_base import StatusResponse
from pymailproto.imap._response_parser import parse_response
from pymailproto.imap._responses_data import ExistsResponse
from pymailproto.imap._responses_message import ExpungeResponse, FetchResponse, VanishedResponse
from pymailproto.imap._selected import MailboxSnapshot, SelectedMailbox, _Runs
from pymailproto.imap._sequence import SequenceSet

SEEN = (Flag.SEEN,)
DELETED = (Flag.DELETED,)


def server(mailbox: SelectedMailbox, *lines: str) -> list[bool]:
    """Apply each line of a transcript's ``S:`` side; what :meth:`apply` returned for each."""
    return [mailbox.apply(parse_response(line.encode() + b"\r\n")) for line in lines]


def state(mailbox: SelectedMailbox) -> tuple[object, ...]:
    """Everything the mailbox knows, to compare before and after a refused response."""
    return (
        mailbox.snapshot(),
        [mailbox.uid(n) for n in range(1, mailbox.exists + 2)],
        [mailbox.flags_of(n) for n in range(1, mailbox.exists + 2)],
        mailbox.known_uids(),
    )


def mailbox_with(uids: list[int | None], name: str = "INBOX") -> SelectedMailbox:
    """A mailbox of ``len(uids)`` messages, told the UIDs that are not None."""
    mailbox = SelectedMailbox(name)
    server(mailbox, f"* {len(uids)} EXISTS")
    for seq, uid in enumerate(uids, 1):
        if uid is not None:
            server(mailbox, f"* {seq} FETCH (UID {uid})")
    return mailbox


def uids_of(mailbox: SelectedMailbox) -> list[int | None]:
    return [mailbox.uid(n) for n in range(1, mailbox.exists + 1)]


# --- selecting ------------------------------------------------------------------------------------


def test_select_rfc7162_example_1() -> None:
    mailbox = SelectedMailbox("INBOX")
    applied = server(
        mailbox,
        "* 172 EXISTS",
        "* 1 RECENT",
        "* OK [UNSEEN 12] Message 12 is first unseen",
        "* OK [UIDVALIDITY 3857529045] UIDs valid",
        "* OK [UIDNEXT 4392] Predicted next UID",
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
        "* OK [HIGHESTMODSEQ 715194045007]",
        "A142 OK [READ-WRITE] SELECT completed",
    )
    # Every untagged response is about the mailbox; the tagged completion is not an update.
    assert applied == [True] * 8 + [False]
    assert mailbox.snapshot() == MailboxSnapshot(
        name="INBOX",
        read_only=False,
        exists=172,
        recent=1,
        uidvalidity=3857529045,
        uidnext=4392,
        highestmodseq=715194045007,
        flags=(Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.SEEN, Flag.DRAFT),
        permanent_flags=(Flag.DELETED, Flag.SEEN, Flag.WILDCARD),
        unseen=12,
    )
    assert (mailbox.name, mailbox.read_only, mailbox.exists, mailbox.recent) == (
        "INBOX",
        False,
        172,
        1,
    )
    assert (mailbox.uidvalidity, mailbox.uidnext, mailbox.unseen) == (3857529045, 4392, 12)
    assert mailbox.highestmodseq == 715194045007
    assert mailbox.flags[0] == Flag.ANSWERED
    assert mailbox.permanent_flags == (Flag.DELETED, Flag.SEEN, Flag.WILDCARD)
    assert mailbox.known_uids() is None  # SELECT tells no UIDs


def test_select_qresync_rfc7162_section_3_2_5_1() -> None:
    mailbox = SelectedMailbox("INBOX")
    applied = server(
        mailbox,
        "* OK [CLOSED]",  # the boundary with the previous mailbox: the connection's business
        "* 100 EXISTS",
        "* 11 RECENT",
        "* OK [UIDVALIDITY 67890007] UIDVALIDITY",
        "* OK [UIDNEXT 600] Predicted next UID",
        "* OK [HIGHESTMODSEQ 90060115205545359] Highest mailbox mod-sequence",
        "* OK [UNSEEN 7] There are some unseen messages in the mailbox",
        "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)",
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen \\*)] Permanent",
        "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540",
        "* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))",
        "* 50 FETCH (UID 119 FLAGS (\\Draft $MDNSent) MODSEQ (90060115194045308))",
        "* 51 FETCH (UID 541 FLAGS (\\Seen $Forwarded) MODSEQ (90060115194045001))",
        "A03 OK [READ-WRITE] mailbox selected",
    )
    assert applied == [False] + [True] * 12 + [False]
    snapshot = mailbox.snapshot()
    assert (snapshot.exists, snapshot.recent, snapshot.unseen) == (100, 11, 7)
    assert (snapshot.uidvalidity, snapshot.uidnext) == (67890007, 600)
    assert snapshot.highestmodseq == 90060115205545359  # the code, not the FETCH MODSEQs
    assert mailbox.known_uids() == SequenceSet.parse("117,119,541")
    assert [mailbox.seq(uid) for uid in (117, 119, 541)] == [49, 50, 51]
    assert mailbox.flags_of(51) == (Flag.SEEN, Flag.FORWARDED)


def test_examine_rfc9051_read_only_then_read_write() -> None:
    mailbox = SelectedMailbox("blurdybloop", read_only=True)
    server(
        mailbox,
        "* 17 EXISTS",
        "* OK [UIDVALIDITY 3857529045] UIDs valid",
        "* OK [UIDNEXT 4392] Predicted next UID",
        '* LIST () "/" blurdybloop',
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        "* OK [PERMANENTFLAGS ()] No permanent flags permitted",
    )
    assert mailbox.read_only
    assert mailbox.permanent_flags == ()
    assert mailbox.recent == 0
    assert mailbox.unseen is None
    assert mailbox.highestmodseq is None
    # RFC 9051 §7.1: READ-WRITE / READ-ONLY also report a change while selected.
    assert mailbox.apply_code(Code.READ_WRITE)
    assert not mailbox.read_only
    assert server(mailbox, "* OK [READ-ONLY] access is now read-only") == [True]
    assert mailbox.read_only


def test_tagged_ok_of_select_through_apply_code() -> None:
    mailbox = SelectedMailbox("INBOX", read_only=True)
    response = parse_response(b"A142 OK [READ-WRITE] SELECT completed\r\n")
    assert isinstance(response, StatusResponse)
    assert mailbox.apply_code(response.code)
    assert not mailbox.read_only


@pytest.mark.parametrize(
    "line",
    [
        "* OK [CLOSED] Previous mailbox is now closed",
        "* OK Still here",
        "* OK [ALERT] System shutdown in 10 minutes",
        "* NO [UIDVALIDITY 5] not an OK",
        "* BAD [READ-ONLY] not an OK either",
        '* LIST () "/" INBOX',
        "* CAPABILITY IMAP4rev1 IDLE",
        "* SEARCH 2 3",
        "* BYE Autologout; idle for too long",
        "* ACL INBOX fred rwipslxetad",
    ],
)
def test_responses_not_about_the_mailbox(line: str) -> None:
    mailbox = mailbox_with([3, 5])
    before = state(mailbox)
    assert server(mailbox, line) == [False]
    assert state(mailbox) == before


@pytest.mark.parametrize("code", [None, Code.CLOSED, Code.ALERT, UnknownCode("X-FOO")])
def test_codes_not_about_the_mailbox(code: Code | UnknownCode | None) -> None:
    mailbox = SelectedMailbox("INBOX")
    assert not mailbox.apply_code(code)
    assert mailbox.snapshot() == SelectedMailbox("INBOX").snapshot()


def test_snapshot_is_frozen_and_state_read_only() -> None:
    mailbox = mailbox_with([1])
    snapshot = mailbox.snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.exists = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        mailbox.exists = 5  # type: ignore[misc]
    server(mailbox, "* 2 EXISTS")
    assert snapshot.exists == 1
    assert mailbox.exists == 2
    assert repr(mailbox) == "<SelectedMailbox 'INBOX' read-write exists=2 uidvalidity=None>"
    assert "read-only" in repr(SelectedMailbox("Drafts", read_only=True))


# --- EXISTS, RECENT, FLAGS ------------------------------------------------------------------------


def test_exists_grows_with_unknown_uids() -> None:
    mailbox = mailbox_with([4, 9])
    assert server(mailbox, "* 5 EXISTS", "* 5 EXISTS", "* 2 RECENT") == [True, True, True]
    assert uids_of(mailbox) == [4, 9, None, None, None]
    assert mailbox.recent == 2
    server(mailbox, "* 5 FETCH (UID 30)")
    assert mailbox.seq(30) == 5
    assert mailbox.uid(4) is None


def test_exists_may_not_shrink() -> None:
    mailbox = mailbox_with([4, 9, 12])
    before = state(mailbox)
    with pytest.raises(RemoteProtocolError, match=r"RFC 9051 §5\.2"):
        server(mailbox, "* 2 EXISTS")
    assert state(mailbox) == before


def test_flags_response_replaces_the_mailbox_flags() -> None:
    mailbox = SelectedMailbox("INBOX")
    server(mailbox, "* FLAGS (\\Seen \\Deleted)")
    server(mailbox, "* FLAGS (\\Seen $Forwarded)")
    assert mailbox.flags == (Flag.SEEN, Flag.FORWARDED)


# --- EXPUNGE --------------------------------------------------------------------------------------

NINE = [10, 20, 30, 40, 50, 60, 70, 80, 90]


@pytest.mark.parametrize(
    "expunges",
    [
        [5, 5, 5, 5, 5],  # RFC 9051 §7.5.1: a "lower to higher" server
        [9, 8, 7, 6, 5],  # ... and a "higher to lower" one
    ],
)
def test_expunge_rfc9051_last_five_of_nine(expunges: list[int]) -> None:
    mailbox = mailbox_with(list(NINE))
    results = server(mailbox, *(f"* {n} EXPUNGE" for n in expunges))
    assert results == [True] * 5
    assert mailbox.exists == 4
    assert uids_of(mailbox) == [10, 20, 30, 40]
    assert mailbox.seq(50) is None
    assert mailbox.seq(40) == 4
    assert mailbox.known_uids() == SequenceSet([10, 20, 30, 40])


@pytest.mark.parametrize(
    ("expunges", "left"),
    [
        # Messages 3, 4 and 5 deleted: each EXPUNGE renumbers the next at once (RFC 9051 §7.5.1).
        ([3, 3, 3], [10, 20, 60, 70, 80, 90]),
        ([5, 4, 3], [10, 20, 60, 70, 80, 90]),
        # 3, 4, 5 in that order are other messages: the original 3, 5 and 7.
        ([3, 4, 5], [10, 20, 40, 60, 80, 90]),
    ],
)
def test_expunge_renumbers_immediately(expunges: list[int], left: list[int]) -> None:
    mailbox = mailbox_with(list(NINE))
    for seq in range(1, 10):
        server(
            mailbox, f"* {seq} FETCH (FLAGS (\\Seen))" if seq % 2 else f"* {seq} FETCH (FLAGS ())"
        )
    server(mailbox, *(f"* {n} EXPUNGE" for n in expunges))
    assert uids_of(mailbox) == left
    # The flags moved with their messages: odd UIDs/10 were \Seen.
    assert [mailbox.flags_of(n) for n in range(1, 7)] == [
        SEEN if uid // 10 % 2 else () for uid in left
    ]
    assert [mailbox.seq(uid) for uid in left] == [1, 2, 3, 4, 5, 6]


def test_expunge_of_unknown_messages_renumbers_the_known() -> None:
    mailbox = mailbox_with([None, 20, None, None, 50, 60, None])
    server(mailbox, "* 1 EXPUNGE", "* 3 EXPUNGE", "* 5 EXPUNGE")
    assert uids_of(mailbox) == [20, None, 50, 60]
    assert mailbox.seq(60) == 4


def test_expunge_beyond_exists_is_a_server_error() -> None:
    mailbox = mailbox_with([1, 2, 3])
    before = state(mailbox)
    with pytest.raises(RemoteProtocolError, match="EXPUNGE of message 4 of 3"):
        server(mailbox, "* 4 EXPUNGE")
    assert state(mailbox) == before
    server(mailbox, "* 3 EXPUNGE", "* 2 EXPUNGE", "* 1 EXPUNGE")
    with pytest.raises(RemoteProtocolError):
        server(mailbox, "* 1 EXPUNGE")  # the mailbox is empty
    assert mailbox.exists == 0


# --- VANISHED -------------------------------------------------------------------------------------

# RFC 7162 §3.2.10.2: "x" marks messages whose UIDs are "not relevant" -- unknown to the client.
RFC7162_TABLE: list[int | None] = [None, 504, 505, 507, 508, None, 510, None, None, None, 625]


def test_vanished_rfc7162_example() -> None:
    mailbox = mailbox_with(list(RFC7162_TABLE))
    server(mailbox, "* 6 FETCH (FLAGS (\\Flagged))")  # an "x" between 508 and 510
    assert server(mailbox, "* VANISHED 505,507,510,625") == [True]
    # "each UID listed in a VANISHED response results in the client decrementing the message
    # count by one"; no EXISTS is needed.
    assert mailbox.exists == 7
    assert uids_of(mailbox) == [None, 504, 508, None, None, None, None]
    assert mailbox.flags_of(4) == (Flag.FLAGGED,)  # old message 6, two below it went
    server(mailbox, "* VANISHED 504,508")
    assert mailbox.exists == 5
    assert mailbox.known_uids() is None
    assert mailbox.flags_of(2) == (Flag.FLAGGED,)


def test_vanished_equals_its_expunges() -> None:
    # The same example "without the QRESYNC extension".
    by_uid = mailbox_with(list(RFC7162_TABLE))
    by_number = mailbox_with(list(RFC7162_TABLE))
    server(by_uid, "* VANISHED 505,507,510,625")
    server(by_number, "* 3 EXPUNGE", "* 3 EXPUNGE", "* 5 EXPUNGE", "* 8 EXPUNGE")
    assert state(by_uid) == state(by_number)


def test_vanished_counts_uids_the_client_did_not_know() -> None:
    mailbox = mailbox_with([None] * 10)
    server(mailbox, "* VANISHED 3:5,9")
    assert mailbox.exists == 6


def test_vanished_ranges_with_known_and_unknown_uids() -> None:
    mailbox = mailbox_with([3, None, None, None, None, 8, 9, None, 20, None])
    # 4:7 unknown but placed by 8:9 (messages 6 and 7), 21 after the last known UID.
    server(mailbox, "* VANISHED 4:9,21")
    assert mailbox.exists == 3
    assert uids_of(mailbox) == [3, None, 20]


def test_vanished_between_known_neighbours_forgets_ambiguous_flags() -> None:
    mailbox = mailbox_with([10, None, None, None, 20, None])
    for seq in (1, 2, 3, 4, 5, 6):
        server(mailbox, f"* {seq} FETCH (FLAGS (\\Seen))")
    # UID 15 was one of messages 2-4: which one, the client cannot know.
    server(mailbox, "* VANISHED 15")
    assert uids_of(mailbox) == [10, None, None, 20, None]
    assert [mailbox.flags_of(n) for n in range(1, 6)] == [SEEN, None, None, SEEN, SEEN]


def test_vanished_filling_the_gap_keeps_flags() -> None:
    mailbox = mailbox_with([10, None, None, 20, None])
    server(mailbox, "* 2 FETCH (FLAGS (\\Seen))", "* 5 FETCH (FLAGS (\\Deleted))")
    # 11 and 12 can only be messages 2 and 3: nothing is ambiguous.
    server(mailbox, "* VANISHED 11:12")
    assert uids_of(mailbox) == [10, 20, None]
    assert [mailbox.flags_of(n) for n in (1, 2, 3)] == [None, None, DELETED]


def test_vanished_earlier_forgets_without_renumbering() -> None:
    mailbox = mailbox_with([1, 2, 3, 4, 5, 6, 7])
    server(mailbox, "* 2 FETCH (FLAGS (\\Seen))", "* 3 FETCH (FLAGS (\\Seen))")
    # RFC 7162 §3.2.10.1: the client "MUST NOT decrement message sequence numbers".
    assert server(mailbox, "* VANISHED (EARLIER) 2,4:5,100:200") == [True]
    assert mailbox.exists == 7
    assert uids_of(mailbox) == [1, None, 3, None, None, 6, 7]
    assert [mailbox.flags_of(n) for n in (2, 3)] == [None, SEEN]
    assert mailbox.known_uids() == SequenceSet.parse("1,3,6:7")


def test_vanished_earlier_on_select_with_nothing_known() -> None:
    mailbox = SelectedMailbox("INBOX")
    server(mailbox, "* 100 EXISTS", "* VANISHED (EARLIER) 1:4294967295")
    assert mailbox.exists == 100
    assert mailbox.known_uids() is None


@pytest.mark.parametrize("uid", [1, 3, 5])
def test_vanished_rfc7162_broken_server(uid: int) -> None:
    # RFC 7162 §3.2.10.2: with UIDs 2 and 4 in the mailbox, VANISHED 1, 3 or 5 is broken.
    mailbox = mailbox_with([2, 4])
    before = state(mailbox)
    with pytest.raises(RemoteProtocolError, match=f"VANISHED {uid} .*RFC 7162 §3.2.10.2"):
        server(mailbox, f"* VANISHED {uid}")
    assert state(mailbox) == before
    # ... and all are fine as VANISHED (EARLIER).
    server(mailbox, f"* VANISHED (EARLIER) {uid}")
    assert state(mailbox) == before


@pytest.mark.parametrize(
    ("uids", "vanished"),
    [
        ([1, 3, None], "1:3"),  # 1:3 all present would put UID 3 at message 3
        ([1, 10, None], "1:3"),  # 2 and 3 would have to be message 2, which is UID 10
        ([5, None], "3:5"),  # 3 and 4 would have to come before message 1
        ([None, None, None], "1:4"),  # four of three messages
        ([None, None, None], "1:4294967295"),
        ([2, 4], "4,1"),  # 4 is fine, 1 is not: nothing is applied
        ([None, None, 9], "5:6,7:8"),  # room for two unknown UIDs below 9, not four
    ],
)
def test_vanished_impossible_is_refused_whole(uids: list[int | None], vanished: str) -> None:
    mailbox = mailbox_with(uids)
    before = state(mailbox)
    with pytest.raises(RemoteProtocolError, match="cannot all be in the mailbox"):
        server(mailbox, f"* VANISHED {vanished}")
    assert state(mailbox) == before


# --- FETCH ----------------------------------------------------------------------------------------


def test_fetch_records_uid_flags_and_modseq() -> None:
    mailbox = mailbox_with([None] * 4)
    assert server(
        mailbox,
        "* 2 FETCH (FLAGS (\\Seen) UID 12 MODSEQ (100))",
        "* 3 FETCH (FLAGS (\\Deleted))",  # flags without a UID
        "* 4 FETCH (RFC822.SIZE 44827)",  # neither
    ) == [True, True, True]
    assert uids_of(mailbox) == [None, 12, None, None]
    assert [mailbox.flags_of(n) for n in range(1, 5)] == [None, SEEN, DELETED, None]
    server(mailbox, "* 3 FETCH (UID 14)", "* 3 FETCH (FLAGS ())")
    assert mailbox.uid(3) == 14
    assert mailbox.flags_of(3) == ()
    server(mailbox, "* 2 FETCH (UID 12)")  # told again: fine
    assert mailbox.seq(12) == 2
    assert mailbox.seq(13) is None
    assert mailbox.seq(99) is None


def test_fetch_beyond_exists_is_a_server_error() -> None:
    mailbox = mailbox_with([1, 2])
    before = state(mailbox)
    with pytest.raises(RemoteProtocolError, match="FETCH for message 3 of 2"):
        server(mailbox, "* 3 FETCH (UID 3 FLAGS (\\Seen))")
    assert state(mailbox) == before


@pytest.mark.parametrize(
    ("uids", "line", "message"),
    [
        ([None, 5, None], "* 3 FETCH (UID 5 FLAGS (\\Seen))", "after message 2's UID 5"),
        ([None, 5, None], "* 3 FETCH (UID 4)", "after message 2's UID 5"),
        ([None, 5, None], "* 1 FETCH (UID 5)", "before message 2's UID 5"),
        ([None, 5, None], "* 1 FETCH (UID 7)", "before message 2's UID 5"),
        # Message 3 has UID 3 or more: two messages have smaller UIDs.
        ([None, None, None], "* 3 FETCH (UID 2)", "message 3 reported with UID 2: UIDs"),
        # Message 4 cannot be UID 7 when message 1 is 5: 6 is the only UID between them.
        ([5, None, None, None], "* 4 FETCH (UID 7)", "after message 1's UID 5"),
        ([None, None, None, 7], "* 1 FETCH (UID 5)", "before message 4's UID 7"),
        ([None, 5, None], "* 2 FETCH (UID 6 FLAGS (\\Seen))", "message 2 has UID 5"),
    ],
)
def test_fetch_contradicting_uids_is_a_server_error(
    uids: list[int | None], line: str, message: str
) -> None:
    mailbox = mailbox_with(uids)
    before = state(mailbox)
    with pytest.raises(RemoteProtocolError, match=message):
        server(mailbox, line)
    assert state(mailbox) == before


def test_highestmodseq_rfc7162_section_6_example() -> None:
    mailbox = mailbox_with([6, 7, 8])
    server(mailbox, "* OK [HIGHESTMODSEQ 96]")
    assert server(
        mailbox,
        "* 1 FETCH (UID 6 MODSEQ (103))",
        "* 2 FETCH (UID 7 MODSEQ (101))",
        "* OK [HIGHESTMODSEQ 99] VANISHED reply with MODSEQ 100 is delayed",
        "A150 OK [MODIFIED 3] done",
    ) == [True, True, True, False]
    # The code wins over the MODSEQs seen: "the client MUST use it even if it has seen
    # higher mod-sequences".
    assert mailbox.highestmodseq == 99
    server(mailbox, "* 3 FETCH (UID 8 MODSEQ (104))")
    assert mailbox.highestmodseq == 99  # "not safe to update ... as soon as it is received"
    server(mailbox, "A151 OK [HIGHESTMODSEQ 99] Still delaying VANISHED")
    assert mailbox.highestmodseq == 99
    server(mailbox, "* VANISHED 8", "A152 OK [HIGHESTMODSEQ 104] done")
    assert mailbox.highestmodseq == 104
    assert mailbox.exists == 2


def test_highestmodseq_from_modseqs_at_the_tagged_response() -> None:
    mailbox = mailbox_with([6, 7])
    server(mailbox, "* OK [HIGHESTMODSEQ 100]", "A0 OK SELECT completed")
    server(mailbox, "* 1 FETCH (MODSEQ (130))", "* 2 FETCH (MODSEQ (120))")
    assert mailbox.highestmodseq == 100
    server(mailbox, "A1 OK STORE completed")
    assert mailbox.highestmodseq == 130
    server(mailbox, "* 2 FETCH (MODSEQ (110))", "A2 NO [ALERT] STORE failed")
    assert mailbox.highestmodseq == 130  # lower: kept
    server(mailbox, "* 2 FETCH (MODSEQ (140))", "A3 BAD [HIGHESTMODSEQ 1] no")
    assert mailbox.highestmodseq == 140  # a BAD's code is not taken, its MODSEQs are
    server(mailbox, "* OK [NOMODSEQ] Sorry, mod-sequences are gone")
    assert mailbox.highestmodseq is None
    server(mailbox, "* 1 FETCH (MODSEQ (150))", "A4 OK done")
    assert mailbox.highestmodseq is None  # there is no copy to raise


def test_uidvalidity_change_forgets_uids_flags_and_highestmodseq() -> None:
    mailbox = mailbox_with([3, 4, 9])
    server(
        mailbox,
        "* OK [UIDVALIDITY 3857529045] UIDs valid",
        "* OK [HIGHESTMODSEQ 715194045007]",
        "* 1 FETCH (FLAGS (\\Seen) MODSEQ (715194045008))",
    )
    assert mailbox.apply_code(UidValidityCode(3857529045))  # the same: nothing lost
    assert uids_of(mailbox) == [3, 4, 9]
    assert mailbox.flags_of(1) == SEEN
    assert server(mailbox, "* OK [UIDVALIDITY 3857529046] UIDs regenerated") == [True]
    assert mailbox.uidvalidity == 3857529046
    assert uids_of(mailbox) == [None, None, None]
    assert mailbox.flags_of(1) is None
    assert mailbox.known_uids() is None
    assert mailbox.highestmodseq is None  # RFC 7162 §3.1.2.1
    server(mailbox, "A1 OK done")
    assert mailbox.highestmodseq is None  # the old MODSEQ is not brought back
    assert mailbox.exists == 3
    server(mailbox, "* 3 FETCH (UID 5)")  # UID 9 no longer says anything
    assert mailbox.seq(5) == 3


def test_apply_code_accepts_typed_codes() -> None:
    mailbox = SelectedMailbox("INBOX")
    assert mailbox.apply_code(HighestModSeqCode(5))
    assert mailbox.highestmodseq == 5


def test_known_uids_is_compact() -> None:
    mailbox = mailbox_with([1, 2, 3, None, 7, 8, None, 12])
    known = mailbox.known_uids()
    assert known is not None
    assert str(known) == "1:3,7:8,12"


# --- memory and cost ------------------------------------------------------------------------------


def test_hostile_exists_allocates_nothing() -> None:
    mailbox = SelectedMailbox("INBOX")
    tracemalloc.start()
    try:
        server(
            mailbox,
            "* 4294967295 EXISTS",
            "* 4294967295 FETCH (UID 4294967295 FLAGS (\\Seen))",
            "* 2147483648 FETCH (UID 2147483648)",
            "* 1 FETCH (UID 1)",
            "* 3000000000 EXPUNGE",
            "* VANISHED 2:2147483647",
            "* VANISHED (EARLIER) 1:4294967295",
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000
    assert mailbox.exists == 4294967295 - 1 - 2147483646
    assert mailbox.known_uids() is None


def test_ascending_fetch_is_one_run_and_expunge_keeps_it() -> None:
    n = 20_000
    mailbox = SelectedMailbox("INBOX")
    mailbox.apply(ExistsResponse(n))
    for seq in range(1, n + 1):
        mailbox.apply(FetchResponse(seq, {"UID": 2 * seq}))
    runs = mailbox._uids.runs
    assert len(runs) == 1
    for _ in range(5_000):
        mailbox.apply(ExpungeResponse(100))
    assert len(mailbox._uids.runs) == 1
    assert mailbox.exists == n - 5_000
    assert mailbox.uid(100) == 2 * 5_100
    assert mailbox.seq(2 * 5_100) == 100
    assert mailbox.uid(mailbox.exists) == 2 * n


def test_descending_fetch_makes_few_runs() -> None:
    n = 6_400
    mailbox = SelectedMailbox("INBOX")
    mailbox.apply(ExistsResponse(n))
    for seq in range(n, 0, -1):
        mailbox.apply(FetchResponse(seq, {"UID": seq + 7}))
    assert len(mailbox._uids.runs) <= n // 64 + 1
    assert uids_of(mailbox) == [seq + 7 for seq in range(1, n + 1)]
    assert mailbox.known_uids() == SequenceSet([(8, n + 7)])


def test_runs_merge_small_into_large() -> None:
    runs: _Runs[int] = _Runs()
    for seq in [*range(1, 11), *range(12, 16)]:
        runs.set(seq, seq)
    assert len(runs.runs) == 2
    runs.set(11, 11)  # joins [1..10] and the shorter [12..15]
    assert runs.starts == [1]
    assert runs.runs == [list(range(1, 16))]
    other: _Runs[int] = _Runs()
    for seq in [*range(1, 4), *range(5, 20)]:
        other.set(seq, seq)
    other.set(4, 4)  # [1..4] stays apart from the longer [5..19]
    assert other.starts == [1, 5]


# --- properties -----------------------------------------------------------------------------------


@st.composite
def run_ops(draw: st.DrawFn) -> list[tuple[int, int, int, int]]:
    """Operations on _Runs: ("set", first, last, value) gives first..last values from value
    up, in either order; ("remove", lo, hi, count)."""
    ops = []
    for _ in range(draw(st.integers(0, 30))):
        lo = draw(st.integers(1, 24))
        hi = draw(st.integers(lo, lo + 8))
        if draw(st.booleans()):
            first, last = (lo, hi) if draw(st.booleans()) else (hi, lo)
            ops.append((0, first, last, draw(st.integers(0, 999))))
        else:
            ops.append((1, lo, hi, draw(st.integers(0, hi - lo + 1))))
    return ops


@given(run_ops())
@settings(max_examples=300, deadline=None)
def test_runs_against_a_dict(ops: list[tuple[int, int, int, int]]) -> None:
    runs: _Runs[int] = _Runs()
    model: dict[int, int] = {}
    for kind, a, b, c in ops:
        if kind == 0:
            for seq in range(a, b + 1) if a <= b else range(a, b - 1, -1):
                runs.set(seq, c + seq)
                model[seq] = c + seq
        else:
            runs.remove(a, b, c)
            model = {
                (seq if seq < a else seq - c): value
                for seq, value in model.items()
                if not a <= seq <= b
            }
        assert len(runs.starts) == len(runs.runs)
        assert all(runs.runs)  # non-empty, ordered, disjoint runs
        ends = [start + len(run) for start, run in zip(runs.starts, runs.runs, strict=True)]
        assert all(end <= start for end, start in zip(ends, runs.starts[1:], strict=False))
        assert {seq: runs.get(seq) for seq in range(40) if runs.get(seq) is not None} == model


FLAG_SETS = [(), SEEN, DELETED, (Flag.SEEN, Flag.FLAGGED)]


class MailboxMachine(RuleBasedStateMachine):
    """A model mailbox (the UID of each message) and a server that follows the RFCs; the
    tracker must know exactly the UIDs it was told, at the right numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.mailbox = SelectedMailbox("INBOX")
        self.uids: list[int] = []  # by message number - 1
        self.next_uid = 1
        self.known: set[int] = set()  # UIDs the tracker was told (and has not forgotten)
        self.flags: dict[int, tuple[Flag, ...]] = {}  # by UID: the flags last told
        self.maybe_forgotten: set[int] = set()  # UIDs whose flags VANISHED made ambiguous

    def index(self, data: st.DataObject) -> int:
        return data.draw(st.integers(0, len(self.uids) - 1))

    @rule(count=st.integers(0, 6), gap=st.integers(0, 3))
    def arrive(self, count: int, gap: int) -> None:
        for _ in range(count):
            self.next_uid += gap
            self.uids.append(self.next_uid)
            self.next_uid += 1
        assert self.mailbox.apply(ExistsResponse(len(self.uids)))

    @precondition(lambda self: self.uids)
    @rule(data=st.data(), with_uid=st.booleans(), flags=st.sampled_from([None, *FLAG_SETS]))
    def fetch(self, data: st.DataObject, with_uid: bool, flags: tuple[Flag, ...] | None) -> None:
        i = self.index(data)
        uid = self.uids[i]
        items: dict[str, object] = {"RFC822.SIZE": 100}
        if with_uid:
            items["UID"] = uid
            self.known.add(uid)
        if flags is not None:
            items["FLAGS"] = flags
            self.flags[uid] = flags
            self.maybe_forgotten.discard(uid)
        assert self.mailbox.apply(FetchResponse(i + 1, items))

    @precondition(lambda self: self.uids)
    @rule(data=st.data())
    def expunge(self, data: st.DataObject) -> None:
        i = self.index(data)
        self.gone(self.uids.pop(i))
        assert self.mailbox.apply(ExpungeResponse(i + 1))

    @precondition(lambda self: self.uids)
    @rule(data=st.data())
    def vanish(self, data: st.DataObject) -> None:
        gone = data.draw(st.sets(st.sampled_from(self.uids), min_size=1))
        if gone - self.known:
            # Flags of messages whose UIDs are unknown may be forgotten (see the class doc).
            self.maybe_forgotten |= set(self.uids) - self.known
        self.uids = [uid for uid in self.uids if uid not in gone]
        for uid in gone:
            self.gone(uid)
        assert self.mailbox.apply(VanishedResponse(SequenceSet.from_ids(gone)))

    @rule(data=st.data())
    def vanish_earlier(self, data: st.DataObject) -> None:
        named = data.draw(st.sets(st.integers(1, self.next_uid + 3), min_size=1))
        for uid in named & self.known:
            self.known.discard(uid)
            self.flags.pop(uid, None)
        assert self.mailbox.apply(VanishedResponse(SequenceSet.from_ids(named), earlier=True))

    @precondition(lambda self: self.uids)
    @rule(data=st.data(), with_uid=st.booleans(), flags=st.sampled_from(FLAG_SETS))
    def fetch_range(self, data: st.DataObject, with_uid: bool, flags: tuple[Flag, ...]) -> None:
        # A FETCH of a range, as UID FETCH a:b (UID FLAGS) answers.
        first = self.index(data)
        last = data.draw(st.integers(first, len(self.uids) - 1))
        for i in range(first, last + 1):
            uid = self.uids[i]
            items: dict[str, object] = {"FLAGS": flags}
            if with_uid:
                items["UID"] = uid
                self.known.add(uid)
            self.flags[uid] = flags
            self.maybe_forgotten.discard(uid)
            assert self.mailbox.apply(FetchResponse(i + 1, items))

    def known_pairs(self) -> list[tuple[int, int]]:
        """(number, UID) of each message whose UID the tracker knows."""
        return [(seq, uid) for seq, uid in enumerate(self.uids, 1) if uid in self.known]

    @rule(data=st.data())
    def bogus_vanish(self, data: st.DataObject) -> None:
        # Some UIDs that are not in the mailbox. The tracker must refuse the response, changing
        # nothing, exactly when no ascending numbering of UIDs agrees with the UIDs it knows and
        # holds every UID named: when, between two known UIDs (or before the first, or after
        # the last), more unknown UIDs are named than there are messages.
        absent = st.integers(1, self.next_uid + 3).filter(lambda uid: uid not in self.uids)
        if data.draw(st.booleans()):
            named = data.draw(st.sets(absent, min_size=1))
            if self.uids:
                named |= data.draw(st.sets(st.sampled_from(self.uids)))
        else:  # a range, which may hold absent UIDs between known ones
            low = data.draw(st.integers(1, self.next_uid + 3))
            named = set(range(low, data.draw(st.integers(low, self.next_uid + 3)) + 1))
        bounds = [(0, 0), *self.known_pairs(), (len(self.uids) + 1, 2**32)]
        possible = all(
            sum(1 for uid in named if low_uid < uid < high_uid) <= high - low - 1
            for (low, low_uid), (high, high_uid) in pairwise(bounds)
        )
        trial = copy.deepcopy(self.mailbox)
        before = state(trial)
        try:
            trial.apply(VanishedResponse(SequenceSet.from_ids(named)))
        except RemoteProtocolError:
            assert not possible
            assert state(trial) == before
        else:
            assert possible
            assert trial.exists == len(self.uids) - len(named)

    @precondition(lambda self: self.uids)
    @rule(data=st.data(), near=st.booleans())
    def bogus_fetch(self, data: st.DataObject, near: bool) -> None:
        # Refused, changing nothing, exactly when the UID cannot be message i's given the
        # UIDs known: UIDs ascend, so two messages n apart have UIDs at least n apart.
        i = self.index(data)
        if near:  # close to the true UID, where the limits are
            uid = max(1, self.uids[i] + data.draw(st.integers(-4, 4)))
        else:
            uid = data.draw(st.integers(1, self.next_uid + 3))
        pairs = dict(self.known_pairs())
        possible = pairs.setdefault(i + 1, uid) == uid
        ordered = [(0, 0), *sorted(pairs.items())]
        possible &= all(u2 - u1 >= s2 - s1 for (s1, u1), (s2, u2) in pairwise(ordered))
        trial = copy.deepcopy(self.mailbox)
        before = state(trial)
        try:
            trial.apply(FetchResponse(i + 1, {"UID": uid}))
        except RemoteProtocolError:
            assert not possible
            assert state(trial) == before
        else:
            assert possible
            assert trial.uid(i + 1) == uid
            assert trial.seq(uid) == i + 1

    def gone(self, uid: int) -> None:
        self.known.discard(uid)
        self.flags.pop(uid, None)
        self.maybe_forgotten.discard(uid)

    @invariant()
    def agrees_with_the_model(self) -> None:
        mailbox = self.mailbox
        assert mailbox.exists == len(self.uids)
        for seq, uid in enumerate(self.uids, 1):
            known = uid in self.known
            assert mailbox.uid(seq) == (uid if known else None)
            assert mailbox.seq(uid) == (seq if known else None)
            told = self.flags.get(uid)
            if uid in self.maybe_forgotten:
                assert mailbox.flags_of(seq) in (None, told)
            else:
                assert mailbox.flags_of(seq) == told
        assert mailbox.uid(len(self.uids) + 1) is None
        assert mailbox.seq(self.next_uid) is None
        present = self.known.intersection(self.uids)
        expected = SequenceSet.from_ids(present) if present else None
        assert mailbox.known_uids() == expected


MailboxMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestMailboxMachine = MailboxMachine.TestCase
