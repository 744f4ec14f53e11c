"""SORT and THREAD (RFC 5256): base subject, sent date, sort keys, ORDEREDSUBJECT and
REFERENCES over synthetic messages, and the command handlers over a live session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest

from pymailproto.imap import (
    SortCommand,
    SortCriterion,
    SortKey,
    Thread,
    ThreadCommand,
)
from pymailproto.servers._imap_sort_thread import (
    base_subject,
    is_reply_or_forward,
    sent_datetime,
    sort_command,
    sort_messages,
    thread_command,
    thread_messages,
)
from tests.imap.test_server_session import Harness

UTC = timezone.utc
BASE = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(eq=False)
class Msg:
    """A synthetic message implementing SearchableMessage."""

    seq: int
    uid: int = 0
    flags: frozenset[str] = frozenset()
    recent: bool = False
    internal_date: datetime = BASE
    size: int = 1000
    modseq: int = 1
    email_id: str | None = None
    thread_id: str | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.uid = self.uid or self.seq * 10

    def header_values(self, name: str) -> Sequence[str]:
        return self.headers.get(name.lower(), [])

    def header_block(self) -> str:
        return ""

    def body_text(self) -> str:
        return ""

    def sent_date(self) -> date | None:
        return None


def msg(seq: int, **fields: str | int | datetime) -> Msg:
    """A message; string keyword arguments are header fields (``message_id`` is
    Message-ID, ``in_reply_to`` In-Reply-To), ``size`` and ``arrival`` are not."""
    size = fields.pop("size", 1000)
    arrival = fields.pop("arrival", BASE)
    assert isinstance(size, int)
    assert isinstance(arrival, datetime)
    headers = {name.replace("_", "-"): [str(value)] for name, value in fields.items()}
    return Msg(seq, internal_date=arrival, size=size, headers=headers)


def day(n: int) -> str:
    """A Date: field n days after 1 Jan 2024."""
    when = BASE + timedelta(days=n)
    return when.strftime("%a, %d %b %Y %H:%M:%S +0000")


def order(messages: Sequence[Msg], *criteria: SortCriterion) -> list[int]:
    return [m.seq for m in sort_messages(messages, criteria)]


# --- base subject ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "base"),
    [
        ("hello", "hello"),
        ("Re: hello", "hello"),
        ("re: RE: Fwd: FW: hello", "hello"),
        ("Re:hello", "hello"),
        ("Re [list]: hello", "hello"),
        ("[list] Re: hello", "hello"),
        ("[a][b] Re: [c] hello", "hello"),
        ("hello (fwd)", "hello"),
        ("hello (FWD) (fwd)  ", "hello"),
        ("  hello \t  world  ", "hello world"),
        ("[fwd: hello]", "hello"),
        ("[Fwd: Re: hello (fwd)]", "hello"),
        ("Re: [fwd: [list] bar]", "bar"),
        ("Re: [list] Fwd: (fwd)", ""),
        ("[list]", "[list]"),  # a blob that would leave nothing is the base subject
        ("[list] [x]", "[x]"),
        ("Rebecca: hello", "Rebecca: hello"),
        ("Fwdx: hello", "Fwdx: hello"),
        ("Re: Hello World", "Hello World"),  # case kept; compared case-folded
        ("", ""),
    ],
)
def test_base_subject(subject: str, base: str) -> None:
    assert base_subject(subject) == base


@pytest.mark.parametrize(
    ("subject", "marked"),
    [
        ("Re: x", True),
        ("x (fwd)", True),
        ("[fwd: x]", True),
        ("[list] Fw: x", True),
        ("[list] x", False),
        ("x", False),
        ("  x  ", False),
    ],
)
def test_reply_or_forward(subject: str, marked: bool) -> None:
    assert is_reply_or_forward(subject) is marked


# --- sent date ------------------------------------------------------------------------------------


def test_sent_date_is_utc_and_falls_back_to_internal_date() -> None:
    # RFC 5256 §2.2's example.
    m = msg(1, date="31 Dec 2000 16:01:33 -0800")
    assert sent_datetime(m) == datetime(2001, 1, 1, 0, 1, 33, tzinfo=UTC)
    arrival = datetime(2020, 5, 5, 5, 5, tzinfo=timezone(timedelta(hours=2)))
    assert sent_datetime(msg(2, date="not a date", arrival=arrival)) == arrival
    assert sent_datetime(msg(3, arrival=arrival)) == arrival
    # -0000: no zone information, taken as UTC
    assert sent_datetime(msg(4, date="1 Jan 2001 10:00:00 -0000")) == datetime(
        2001, 1, 1, 10, tzinfo=UTC
    )


# --- SORT -----------------------------------------------------------------------------------------


def test_sort_arrival_with_reverse_and_ties() -> None:
    t = [BASE + timedelta(hours=h) for h in (3, 1, 3, 2)]
    box = [msg(i + 1, arrival=when) for i, when in enumerate(t)]
    assert order(box, SortCriterion(SortKey.ARRIVAL)) == [2, 4, 1, 3]
    # REVERSE leaves the implicit sequence-number order of ties ascending (RFC 5256 §3).
    assert order(box, SortCriterion(SortKey.ARRIVAL, reverse=True)) == [1, 3, 4, 2]


def test_sort_arrival_compares_instants_across_zones() -> None:
    east = datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=5)))  # 05:00 UTC
    west = datetime(2024, 1, 1, 6, tzinfo=UTC)
    assert order([msg(1, arrival=west), msg(2, arrival=east)], SortCriterion(SortKey.ARRIVAL)) == [
        2,
        1,
    ]


def test_sort_date_uses_sent_date_then_internal_date() -> None:
    box = [
        msg(1, date=day(5)),
        msg(2, arrival=BASE + timedelta(days=2)),  # no Date: its internal date
        msg(3, date="31 Dec 2023 23:00:00 -0800"),  # 1 Jan 07:00 UTC
        msg(4, date=day(5)),
        msg(5, date="garbage", arrival=BASE + timedelta(days=9)),
    ]
    assert order(box, SortCriterion(SortKey.DATE)) == [3, 2, 1, 4, 5]
    assert order(box, SortCriterion(SortKey.DATE, reverse=True)) == [5, 1, 4, 2, 3]


def test_sort_size() -> None:
    box = [msg(1, size=30), msg(2, size=10), msg(3, size=20), msg(4, size=10)]
    assert order(box, SortCriterion(SortKey.SIZE)) == [2, 4, 3, 1]
    assert order(box, SortCriterion(SortKey.SIZE, reverse=True)) == [1, 3, 2, 4]


def test_sort_subject_by_base_subject_case_folded() -> None:
    box = [
        msg(1, subject="Re: beta"),
        msg(2, subject="ALPHA"),
        msg(3),  # absent: the empty string, first
        msg(4, subject="[list] Fwd: alpha"),
        msg(5, subject="Beta (fwd)"),
    ]
    assert order(box, SortCriterion(SortKey.SUBJECT)) == [3, 2, 4, 1, 5]
    assert order(box, SortCriterion(SortKey.SUBJECT, reverse=True)) == [1, 5, 2, 4, 3]


@pytest.mark.parametrize(
    ("key", "name"), [(SortKey.FROM, "from"), (SortKey.TO, "to"), (SortKey.CC, "cc")]
)
def test_sort_address_keys_use_first_mailbox(key: SortKey, name: str) -> None:
    box = [
        msg(1, **{name: "Zed <Carol@a.test>, alice@b.test"}),
        msg(2, **{name: '"Aaron" <bob@z.test>'}),
        msg(3),
        msg(4, **{name: "ALICE@zz.test"}),
        msg(5, **{name: "alice@aa.test"}),
    ]
    # addr-mailbox only (display name and domain ignored), case-insensitive; absent first.
    assert order(box, SortCriterion(key)) == [3, 4, 5, 2, 1]
    assert order(box, SortCriterion(key, reverse=True)) == [1, 2, 4, 5, 3]


def test_sort_rfc_example_subject_then_reverse_date() -> None:
    # RFC 5256 §3: "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL" -> "* SORT 5 3 4 1 2"
    box = [
        msg(1, subject="b", date=day(1)),
        msg(2, subject="re: B", date=day(0)),
        msg(3, subject="a", date=day(1)),
        msg(4, subject="Fwd: a", date=day(0)),
        msg(5, subject="A", date=day(2)),
    ]
    criteria = (SortCriterion(SortKey.SUBJECT), SortCriterion(SortKey.DATE, reverse=True))
    assert order(box, *criteria) == [5, 3, 4, 1, 2]


def test_sort_input_order_does_not_matter() -> None:
    box = [msg(3, size=1), msg(1, size=1), msg(2, size=1)]
    assert order(box, SortCriterion(SortKey.SIZE)) == [1, 2, 3]


# --- ORDEREDSUBJECT -------------------------------------------------------------------------------


def test_orderedsubject() -> None:
    box = [
        msg(1, subject="gamma", date=day(3)),
        msg(2, subject="alpha", date=day(1)),
        msg(3, subject="Re: alpha", date=day(2)),
        msg(4, subject="Re: ALPHA", date=day(4)),
        msg(5, subject="beta", date=day(0)),
        msg(6, subject="Re: gamma", date=day(5)),
        msg(7, subject="delta", date=day(9)),
    ]
    threads = thread_messages(box, "ORDEREDSUBJECT")
    # Threads by the sent date of their first message; a second message is the child of
    # the first, later ones its siblings (no grandchildren).
    assert threads == (
        Thread([5]),
        Thread([2], [Thread([3]), Thread([4])]),
        Thread([1, 6]),
        Thread([7]),
    )
    uid_threads = thread_messages(box, "orderedsubject", uid=True)
    assert uid_threads[1] == Thread([20], [Thread([30]), Thread([40])])


def test_unknown_algorithm_is_an_error() -> None:
    with pytest.raises(ValueError, match="NOSUCH"):
        thread_messages([msg(1)], "NOSUCH")


# --- REFERENCES -----------------------------------------------------------------------------------


def refs(*ids: str) -> str:
    return " ".join(f"<{i}@x>" for i in ids)


def test_references_reply_chain_and_branch() -> None:
    box = [
        msg(1, message_id=refs("a"), subject="topic", date=day(0)),
        msg(2, message_id=refs("b"), references=refs("a"), subject="Re: topic", date=day(1)),
        msg(3, message_id=refs("c"), references=refs("a", "b"), subject="Re: topic", date=day(2)),
        msg(4, message_id=refs("d"), references=refs("a"), subject="Re: topic", date=day(3)),
        msg(5, message_id=refs("e"), subject="other", date=day(1)),
    ]
    assert thread_messages(box, "REFERENCES") == (
        Thread([1], [Thread([2, 3]), Thread([4])]),
        Thread([5]),
    )


def test_references_missing_parent_makes_a_dummy() -> None:
    # Both reply to <gone@x>, which is not in the mailbox: a dummy root with two children
    # is kept at the top level; a dummy with one child gives way to it.
    box = [
        msg(1, message_id=refs("r1"), references=refs("gone"), subject="Re: q", date=day(2)),
        msg(2, message_id=refs("r2"), references=refs("gone"), subject="Re: q", date=day(1)),
        msg(
            3,
            message_id=refs("r3"),
            in_reply_to=refs("lost") + " (Bob's message)",
            date=day(5),
            subject="x",
        ),
    ]
    assert thread_messages(box, "REFERENCES") == (
        Thread([], [Thread([2]), Thread([1])]),
        Thread([3]),
    )
    assert Thread([], [Thread([2]), Thread([1])]).to_bytes() == b"((2)(1))"


def test_references_dummy_in_the_middle_is_spliced_out() -> None:
    box = [
        msg(1, message_id=refs("a"), subject="s", date=day(0)),
        msg(2, message_id=refs("c"), references=refs("a", "b"), subject="Re: s", date=day(2)),
        msg(3, message_id=refs("d"), references=refs("a", "b"), subject="Re: s", date=day(1)),
    ]
    # <b@x> is missing: its children become children of message 1.
    assert thread_messages(box, "REFERENCES") == (Thread([1], [Thread([3]), Thread([2])]),)


def test_references_in_reply_to_when_no_references() -> None:
    box = [
        msg(1, message_id=refs("a"), subject="s", date=day(0)),
        msg(
            2,
            message_id=refs("b"),
            in_reply_to=refs("a") + " " + refs("zzz"),
            date=day(1),
            subject="unrelated",
        ),
    ]
    assert thread_messages(box, "REFERENCES") == (Thread([1, 2]),)


def test_references_message_ids_are_normalized() -> None:
    box = [
        msg(1, message_id='<"01KF8JCEOCBS0045PS"@xxx.yyy.com>', subject="s", date=day(0)),
        msg(
            2,
            message_id=refs("b"),
            references="<01KF8JCEOCBS0045PS@xxx.yyy.com>",
            subject="t",
            date=day(1),
        ),
    ]
    assert thread_messages(box, "REFERENCES") == (Thread([1, 2]),)


def test_references_duplicate_message_id_only_first_counts() -> None:
    box = [
        msg(1, message_id=refs("a"), subject="one", date=day(0)),
        msg(2, message_id=refs("a"), subject="two", date=day(1)),
        msg(3, message_id=refs("c"), references=refs("a"), subject="three", date=day(2)),
    ]
    assert thread_messages(box, "REFERENCES") == (Thread([1, 3]), Thread([2]))


def test_references_same_subject_threads_merge() -> None:
    box = [
        msg(1, message_id=refs("a"), subject="party", date=day(0)),
        msg(2, message_id=refs("b"), subject="Re: party", date=day(1)),  # no references
        msg(3, message_id=refs("c"), subject="PARTY", date=day(2)),
        msg(4, message_id=refs("d"), subject="", date=day(3)),
        msg(5, message_id=refs("e"), subject="", date=day(4)),
    ]
    # 2 is a reply: it becomes 1's child. 3 is not, nor is 1: a dummy holds both.
    # Empty subjects are never merged.
    assert thread_messages(box, "REFERENCES") == (
        Thread([], [Thread([1, 2]), Thread([3])]),
        Thread([4]),
        Thread([5]),
    )


def test_references_reply_thread_joins_dummy_thread() -> None:
    box = [
        msg(1, message_id=refs("a"), references=refs("gone"), subject="Re: s", date=day(0)),
        msg(2, message_id=refs("b"), references=refs("gone"), subject="Re: s", date=day(1)),
        msg(3, message_id=refs("c"), subject="Re: s", date=day(2)),
    ]
    # The dummy thread holds subject "s"; message 3 joins it as a sibling of its children.
    assert thread_messages(box, "REFERENCES") == (
        Thread([], [Thread([1]), Thread([2]), Thread([3])]),
    )


def test_references_loops_never_crash() -> None:
    box = [
        msg(1, message_id=refs("a"), references=refs("b"), subject="s1", date=day(0)),
        msg(2, message_id=refs("b"), references=refs("a"), subject="s2", date=day(1)),
        msg(3, message_id=refs("c"), references=refs("c"), subject="s3", date=day(2)),
        msg(
            4, message_id=refs("d"), references=refs("x", "y", "x", "d"), subject="s4", date=day(3)
        ),
    ]
    threads = thread_messages(box, "REFERENCES")
    numbers = sorted(n for thread in threads for n in thread.numbers())
    assert numbers == [1, 2, 3, 4]  # every message exactly once
    # 1 is linked under <b>, which 2 then fills; 2's link under <a> (message 1) would make a
    # loop, so it is not made (RFC 5256 §3 step 1.B): 2 is the parent of 1.
    assert Thread([2, 1]) in threads
    assert Thread([3]) in threads


def test_references_deep_chain_without_recursion() -> None:
    n = 5000
    box = [
        msg(
            i,
            message_id=refs(f"m{i}"),
            in_reply_to=refs(f"m{i - 1}") if i > 1 else "",
            subject="deep",
            date=day(0),
        )
        for i in range(1, n + 1)
    ]
    (thread,) = thread_messages(box, "REFERENCES")
    assert thread.messages == tuple(range(1, n + 1))


def test_references_uid_numbers_and_top_level_date_order() -> None:
    box = [
        msg(1, message_id=refs("a"), subject="late", date=day(9)),
        msg(2, message_id=refs("b"), subject="early", date=day(1)),
        msg(3, message_id=refs("c"), references=refs("a"), subject="Re: late", date=day(0)),
    ]
    assert thread_messages(box, "REFERENCES", uid=True) == (Thread([20]), Thread([10, 30]))


# --- the handlers over a session ------------------------------------------------------------------


def _delivered() -> Harness:
    h = Harness()
    h.login()
    mails = [
        b"Message-ID: <a@x>\r\nFrom: Zoe <zoe@x.test>\r\nSubject: lunch\r\n"
        b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nhello\r\n",
        b"Message-ID: <b@x>\r\nReferences: <a@x>\r\nFrom: adam@x.test\r\n"
        b"Subject: Re: lunch\r\nDate: Mon, 1 Jan 2024 11:00:00 +0000\r\n\r\nyes\r\n",
        b"Message-ID: <c@x>\r\nFrom: Max <max@x.test>\r\nSubject: =?utf-8?q?=C3=A4pfel?=\r\n"
        b"Date: Sun, 31 Dec 2023 09:00:00 +0000\r\n\r\nhello again\r\n",
    ]
    for mail in mails:
        h.store.deliver("alice", "INBOX", mail)
    h.say("a1 SELECT INBOX\r\n")
    return h


def _run(h: Harness, line: str) -> str:
    """Parse ``line`` on the session's connection (so the command is in progress there),
    run the SORT or THREAD handler on it, and return what was answered."""
    h.conn.receive_data(line.encode("utf-8") + b"\r\n")
    command = h.conn.next_event()
    handler = sort_command if isinstance(command, SortCommand) else thread_command
    assert isinstance(command, (SortCommand, ThreadCommand))
    assert list(handler(h.session, command)) == []
    return h.conn.data_to_send().decode("utf-8")


def test_sort_command_end_to_end() -> None:
    h = _delivered()
    # FROM: adam, max, zoe
    assert _run(h, "b1 SORT (FROM) UTF-8 ALL") == "* SORT 2 3 1\r\nb1 OK SORT completed\r\n"
    assert _run(h, "b2 UID SORT (REVERSE DATE) UTF-8 BODY hello") == (
        "* SORT 1 3\r\nb2 OK UID SORT completed\r\n"
    )
    # RFC 2047 decoded before the base subject is taken: "äpfel" after "lunch"
    assert _run(h, "b3 SORT (SUBJECT REVERSE DATE) US-ASCII ALL") == (
        "* SORT 2 1 3\r\nb3 OK SORT completed\r\n"
    )
    assert _run(h, "b4 SORT (SUBJECT) UTF-8 SUBJECT nothing") == (
        "* SORT\r\nb4 OK SORT completed\r\n"
    )


def test_sort_command_bad_charset() -> None:
    h = _delivered()
    assert _run(h, "b1 SORT (SIZE) KOI9 ALL").startswith("b1 NO [BADCHARSET")


def test_thread_command_end_to_end() -> None:
    h = _delivered()
    out = _run(h, "c1 THREAD REFERENCES UTF-8 ALL")
    assert out == "* THREAD (3)(1 2)\r\nc1 OK THREAD completed\r\n"
    out = _run(h, "c2 UID THREAD ORDEREDSUBJECT UTF-8 ALL")
    assert out == "* THREAD (3)(1 2)\r\nc2 OK UID THREAD completed\r\n"
    out = _run(h, "c3 THREAD ORDEREDSUBJECT UTF-8 SUBJECT nope")
    assert out == "* THREAD\r\nc3 OK THREAD completed\r\n"


def test_thread_command_unknown_algorithm_is_bad() -> None:
    h = _delivered()
    out = _run(h, "c1 THREAD NOSUCH UTF-8 ALL")
    assert out.startswith("c1 BAD ")
    assert "* THREAD" not in out


def test_references_two_dummy_threads_with_one_subject_merge() -> None:
    box = [
        msg(1, message_id=refs("a"), references=refs("gone1"), subject="Re: s", date=day(0)),
        msg(2, message_id=refs("b"), references=refs("gone1"), subject="Re: s", date=day(2)),
        msg(3, message_id=refs("c"), references=refs("gone2"), subject="Re: s", date=day(1)),
        msg(4, message_id=refs("d"), references=refs("gone2"), subject="Re: s", date=day(3)),
    ]
    # Both dummies' children become siblings under one dummy, sorted by sent date.
    assert thread_messages(box, "REFERENCES") == (
        Thread([], [Thread([1]), Thread([3]), Thread([2]), Thread([4])]),
    )


def test_sort_address_group_without_members_is_empty() -> None:
    box = [msg(1, to="a@x.test"), msg(2, to="undisclosed-recipients:;")]
    assert order(box, SortCriterion(SortKey.TO)) == [2, 1]


def test_sort_command_return_options_are_refused() -> None:
    h = _delivered()
    out = _run(h, "b1 SORT RETURN (COUNT) (SIZE) UTF-8 ALL")
    assert out.startswith("b1 BAD ")
    assert "* SORT" not in out
