"""SEARCH evaluation (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 4731, RFC 5032, RFC 5182, RFC 7162).

The RFC examples run as transcripts: the client line is parsed by the codec, evaluated over a
mailbox built so that the RFC's answer is the right one, and the response serialized must be
the RFC's server line byte for byte.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto import imap
from pymailproto.imap import (
    CommandParser,
    SearchCommand,
    SearchKey,
    SearchProgram,
    SearchReturnOption,
)
from pymailproto.imap import search as s
from pymailproto.servers._imap_search import (
    Matcher,
    SearchContext,
    UnknownCharsetError,
    compile_search,
    esearch_response,
    highest_modseq,
    matches,
    saved_uids,
    search,
    search_response,
    uses_modseq,
)

UTC = timezone.utc
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
R = SearchReturnOption


@dataclass(eq=False)
class Msg:
    """A synthetic message implementing SearchableMessage; counts text accesses."""

    seq: int
    uid: int
    flags: frozenset[str] = frozenset()
    recent: bool = False
    internal_date: datetime = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
    size: int = 1000
    modseq: int = 1
    email_id: str | None = None
    thread_id: str | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: str = ""
    sent: date | None = None
    calls: Counter[str] = field(default_factory=Counter)

    def header_values(self, name: str) -> Sequence[str]:
        self.calls["header_values"] += 1
        return self.headers.get(name.lower(), [])

    def header_block(self) -> str:
        self.calls["header_block"] += 1
        return "".join(
            f"{name}: {value}\r\n" for name, values in self.headers.items() for value in values
        )

    def body_text(self) -> str:
        self.calls["body_text"] += 1
        return self.body

    def sent_date(self) -> date | None:
        self.calls["sent_date"] += 1
        return self.sent


class Opaque(Msg):
    """A message whose text may not be read."""

    def header_values(self, name: str) -> Sequence[str]:
        raise AssertionError("header_values called")

    def header_block(self) -> str:
        raise AssertionError("header_block called")

    def body_text(self) -> str:
        raise AssertionError("body_text called")

    def sent_date(self) -> date | None:
        raise AssertionError("sent_date called")


def mailbox(count: int, flags: frozenset[str] = frozenset()) -> list[Msg]:
    return [Msg(seq=n, uid=n * 10, flags=flags) for n in range(1, count + 1)]


def context(messages: Sequence[Msg], saved: frozenset[int] = frozenset()) -> SearchContext:
    uidnext = messages[-1].uid + 1 if messages else 1
    return SearchContext.for_messages(messages, uidnext=uidnext, now=NOW, saved=saved)


def seqs(
    keys: SearchKey | Sequence[SearchKey],
    messages: Sequence[Msg],
    saved: frozenset[int] = frozenset(),
) -> list[int]:
    ctx = context(messages, saved)
    return [m.seq for m in search(keys, messages, ctx)]


def one(key: SearchKey, message: Msg) -> bool:
    return matches(key, message, context([message]))


# --- flags ----------------------------------------------------------------------------------------

SYSTEM = [
    (s.Seen, s.Unseen, "\\Seen"),
    (s.Answered, s.Unanswered, "\\Answered"),
    (s.Deleted, s.Undeleted, "\\Deleted"),
    (s.Draft, s.Undraft, "\\Draft"),
    (s.Flagged, s.Unflagged, "\\Flagged"),
]


@pytest.mark.parametrize(("positive", "negative", "flag"), SYSTEM)
def test_system_flag_keys(positive: type[SearchKey], negative: type[SearchKey], flag: str) -> None:
    others = frozenset(f for _, _, f in SYSTEM if f != flag) | {"$Junk"}
    with_flag = Opaque(1, 1, flags=frozenset({flag}))
    without = Opaque(2, 2, flags=others)
    assert one(positive(), with_flag)
    assert not one(positive(), without)
    assert one(negative(), without)
    assert not one(negative(), with_flag)


def test_keyword_is_case_insensitive() -> None:
    message = Opaque(1, 1, flags=frozenset({"$Junk", "\\Seen"}))
    assert one(s.Keyword("$Junk"), message)
    assert one(s.Keyword("$JUNK"), message)
    assert one(s.Keyword("$junk"), message)
    assert not one(s.Keyword("$NotJunk"), message)
    assert not one(s.Unkeyword("$jUnK"), message)
    assert one(s.Unkeyword("NonJunk"), message)
    assert not one(s.Keyword("Seen"), message)  # a keyword is no system flag


def test_recent_new_old() -> None:
    # RFC 3501 §6.4.4: NEW is (RECENT UNSEEN), OLD is NOT RECENT (not NOT NEW).
    box = [
        Opaque(1, 1, recent=True),
        Opaque(2, 2, recent=True, flags=frozenset({"\\Seen"})),
        Opaque(3, 3),
        Opaque(4, 4, flags=frozenset({"\\Seen"})),
    ]
    assert seqs(s.Recent(), box) == [1, 2]
    assert seqs(s.New(), box) == [1]
    assert seqs(s.Old(), box) == [3, 4]
    assert seqs(s.Not(s.New()), box) == [2, 3, 4]
    assert seqs(s.All(), box) == [1, 2, 3, 4]


# --- dates, sizes, intervals ----------------------------------------------------------------------

WEST = timezone(timedelta(hours=-12))
EAST = timezone(timedelta(hours=14))
# 23:30 on 1 March at -1200 is 11:30 UTC on 2 March; 00:10 on 2 March at +1400 is 10:10 UTC
# on 1 March. "Disregarding time and timezone", the first is ON 1 March, the second ON 2 March.
LATE_WEST = datetime(2024, 3, 1, 23, 30, tzinfo=WEST)
EARLY_EAST = datetime(2024, 3, 2, 0, 10, tzinfo=EAST)


@pytest.mark.parametrize(
    ("key", "west", "east"),
    [
        (s.On(date(2024, 3, 1)), True, False),
        (s.On(date(2024, 3, 2)), False, True),
        (s.Before(date(2024, 3, 2)), True, False),
        (s.Before(date(2024, 3, 1)), False, False),
        (s.Before(date(2024, 3, 3)), True, True),
        (s.Since(date(2024, 3, 2)), False, True),
        (s.Since(date(2024, 3, 1)), True, True),
        (s.Since(date(2024, 3, 3)), False, False),
    ],
)
def test_internal_date_keys_use_the_dates_own_zone(key: SearchKey, west: bool, east: bool) -> None:
    assert one(key, Opaque(1, 1, internal_date=LATE_WEST)) is west
    assert one(key, Opaque(1, 1, internal_date=EARLY_EAST)) is east


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (s.SentOn(date(2024, 3, 1)), [1]),
        (s.SentBefore(date(2024, 3, 2)), [1]),
        (s.SentSince(date(2024, 3, 1)), [1, 2]),
        (s.SentSince(date(2024, 3, 2)), [2]),
        (s.Not(s.SentOn(date(2024, 3, 1))), [2, 3]),
        (s.Not(s.SentBefore(date(2030, 1, 1))), [3]),
    ],
)
def test_sent_date_keys(key: SearchKey, expected: list[int]) -> None:
    # The internal dates say otherwise: SENT* read the Date: field only; none: no match.
    box = [
        Msg(1, 1, sent=date(2024, 3, 1), internal_date=datetime(2025, 1, 1, tzinfo=UTC)),
        Msg(2, 2, sent=date(2024, 3, 5), internal_date=datetime(2020, 1, 1, tzinfo=UTC)),
        Msg(3, 3, sent=None),
    ]
    assert seqs(key, box) == expected


def test_larger_and_smaller_are_strict() -> None:
    box = [Opaque(1, 1, size=99), Opaque(2, 2, size=100), Opaque(3, 3, size=101)]
    assert seqs(s.Larger(100), box) == [3]
    assert seqs(s.Larger(99), box) == [2, 3]
    assert seqs(s.Smaller(100), box) == [1]
    assert seqs(s.Smaller(101), box) == [1, 2]
    assert seqs(s.Larger(0), [Opaque(1, 1, size=0)]) == []


def test_older_and_younger_count_from_now() -> None:
    # RFC 5032 §3; the internal dates are in other zones than NOW: only instants count.
    hour_ago = (NOW - timedelta(hours=1)).astimezone(EAST)
    box = [
        Opaque(1, 1, internal_date=hour_ago),
        Opaque(2, 2, internal_date=(NOW - timedelta(seconds=3601)).astimezone(WEST)),
    ]
    assert seqs(s.Older(3600), box) == [2]
    assert seqs(s.Younger(3600), box) == [1]
    assert seqs(s.Older(3599), box) == [1, 2]
    assert seqs(s.Younger(3602), box) == [1, 2]


# --- MODSEQ ---------------------------------------------------------------------------------------


def test_modseq_key_ignores_the_entry() -> None:
    box = [Opaque(n, n, modseq=100 * n) for n in range(1, 5)]
    assert seqs(s.ModSeq(200), box) == [2, 3, 4]
    assert seqs(s.ModSeq(201), box) == [3, 4]
    entry = s.ModSeq(300, imap.Flag("\\Draft"), s.EntryType.PRIV)
    assert seqs(entry, box) == [3, 4]
    assert highest_modseq(box[:2]) == 200
    assert highest_modseq([]) is None


def test_uses_modseq_finds_the_key_anywhere() -> None:
    assert uses_modseq(s.ModSeq(5))
    assert uses_modseq([s.Seen(), s.Or(s.Larger(1), s.Not(s.ModSeq(5)))])
    assert uses_modseq(SearchProgram([s.Deleted(), s.And([s.Seen(), s.ModSeq(1)])]))
    assert not uses_modseq([s.Seen(), s.Or(s.Larger(1), s.Not(s.Uid("1:*")))])
    assert compile_search(s.Not(s.ModSeq(5)), context(mailbox(1))).uses_modseq
    assert not compile_search(s.Seen(), context(mailbox(1))).uses_modseq


# --- sequence sets, UIDs, $ -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 9051 §9: 2,4:7,9,12:* for 15 messages is 2,4,5,6,7,9,12,13,14,15.
        ("2,4:7,9,12:*", [2, 4, 5, 6, 7, 9, 12, 13, 14, 15]),
        ("*", [15]),
        ("*:13", [13, 14, 15]),
        ("7:3", [3, 4, 5, 6, 7]),
        ("20:30", []),
        ("14:20", [14, 15]),
        ("3,3,2:4", [2, 3, 4]),
    ],
)
def test_sequence_sets(text: str, expected: list[int]) -> None:
    box = mailbox(15, flags=frozenset({"\\Seen"}))
    assert seqs(s.SequenceKey(text), box) == expected
    assert seqs(s.Not(s.SequenceKey(text)), box) == [n for n in range(1, 16) if n not in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:*", [20, 30]),
        ("*", [30]),
        # RFC 9051 §9: "3291:* includes the UID of the last message ... even if that value
        # is less than 3291".
        ("3291:*", [30]),
        ("10,30", [10, 30]),
        ("11:19", []),
        ("25:5", [10, 20]),
    ],
)
def test_uid_sets(text: str, expected: list[int]) -> None:
    box = mailbox(3)
    ctx = context(box)
    assert ctx.max_uid == 30
    assert [m.uid for m in search(s.Uid(text), box, ctx)] == expected


def test_star_in_an_empty_mailbox() -> None:
    ctx = SearchContext.for_messages([], uidnext=42, now=NOW)
    assert (ctx.message_count, ctx.max_uid) == (0, 42)  # RFC 9051 §9: UIDNEXT when empty
    assert search([s.Uid("1:*"), s.SequenceKey("*")], [], ctx) == []
    assert esearch_response([], (), tag="A1") == imap.ESearchResponse(tag="A1")


def test_saved_result_is_uids_in_either_context() -> None:
    box = mailbox(5)
    saved = frozenset({20, 40})
    assert seqs(s.SequenceKey("$"), box, saved=saved) == [2, 4]
    assert seqs(s.Uid("$"), box, saved=saved) == [2, 4]
    assert seqs(s.Or(s.SequenceKey("$"), s.SequenceKey("5")), box, saved=saved) == [2, 4, 5]
    # An expunged message's UID just matches nothing; an empty $ is valid (§6.4.4.1).
    assert seqs(s.SequenceKey("$"), box, saved=frozenset({20, 999})) == [2]
    assert seqs(s.SequenceKey("$"), box) == []
    assert seqs(s.Not(s.Uid("$")), box) == [1, 2, 3, 4, 5]


# --- strings --------------------------------------------------------------------------------------


def letter(seq: int, **headers: list[str]) -> Msg:
    return Msg(seq, seq, headers={k.lower().replace("_", "-"): v for k, v in headers.items()})


@pytest.mark.parametrize(
    ("key", "name"),
    [(s.From, "From"), (s.To, "To"), (s.Cc, "Cc"), (s.Bcc, "Bcc"), (s.Subject, "Subject")],
)
def test_address_and_subject_keys(key: Callable[[str], SearchKey], name: str) -> None:
    box = [
        letter(1, **{name: ["John Smith <smith@example.com>"]}),
        letter(2, **{name: ["nobody@example.org", "Agent SMITH <a@b>"]}),
        letter(3, **{name: ["Jones"]}),
        letter(4, X_Other=["Smith"]),
    ]
    assert seqs(key("smith"), box) == [1, 2]
    assert seqs(key("SMITH@EXAMPLE"), box) == [1]
    assert seqs(key(""), box) == [1, 2, 3]  # the empty string: any message with the field
    assert seqs(s.Not(key("smith")), box) == [3, 4]


def test_header_key() -> None:
    box = [
        letter(1, Message_ID=["<1234@example.com>"]),
        letter(2, Message_ID=["<5678@EXAMPLE.com>"], X_Spam=["yes"]),
        letter(3, X_Spam=[""]),
        letter(4),
    ]
    assert seqs(s.Header("Message-ID", "<1234@example.com>"), box) == [1]
    assert seqs(s.Header("message-id", "example.COM>"), box) == [1, 2]
    # RFC 9051 §6.4.4: "If the string to search is zero-length, this matches all messages
    # that have a header field with the specified field-name regardless of the contents."
    assert seqs(s.Header("X-Spam", ""), box) == [2, 3]
    assert seqs(s.Header("X-Absent", ""), box) == []


def test_unicode_case_folding() -> None:
    box = [
        Msg(1, 1, headers={"subject": ["Straße"]}, body="ОТПУСК в мае"),
        Msg(2, 2, headers={"subject": ["Strasse"]}, body="nothing"),
    ]
    assert seqs(s.Subject("STRASSE"), box) == [1, 2]
    assert seqs(s.Body("отпуск"), box) == [1]
    assert seqs(s.Text("Отпуск"), box) == [1]


def test_body_and_text() -> None:
    box = [
        Msg(1, 1, headers={"subject": ["Quarterly report"]}, body="see attached"),
        Msg(2, 2, headers={"subject": ["Hello"]}, body="the quarterly REPORT is late"),
        Msg(3, 3, headers={"subject": ["Hello"]}, body=""),
    ]
    assert seqs(s.Body("report"), box) == [2]  # BODY never matches header fields
    assert seqs(s.Text("report"), box) == [1, 2]
    assert seqs(s.Text("subject: hello"), box) == [2, 3]  # TEXT sees the whole header
    assert seqs(s.Body(""), box) == [1, 2, 3]


def test_charset_decodes_the_strings() -> None:
    box = [Msg(1, 1, body="Un CAFÉ noir"), Msg(2, 2, body="cafe")]
    latin1 = s.Body(b"caf\xe9")
    assert seqs(latin1, box) == []  # not UTF-8: U+FFFD, which no text holds
    ctx = context(box)
    assert [m.seq for m in search(latin1, box, ctx, charset="ISO-8859-1")] == [1]
    program = SearchProgram([latin1], charset="ISO-8859-1")
    assert [m.seq for m in search(program, box, ctx)] == [1]
    assert [m.seq for m in search(s.Body("café"), box, ctx, charset="US-ASCII")] == []
    for bad in ("KOI8-X", "base64", "undefined"):
        with pytest.raises(UnknownCharsetError):
            compile_search(s.Body("x"), ctx, charset=bad)


def test_object_ids() -> None:
    box = [
        Opaque(1, 1, email_id="M6d99ac3275bb4e", thread_id="T64b478a75b7ea9"),
        Opaque(2, 2, email_id="M5fdc09b49ea703", thread_id="T64b478a75b7ea9"),
        Opaque(3, 3),
    ]
    assert seqs(s.EmailId("M6d99ac3275bb4e"), box) == [1]
    assert seqs(s.EmailId("m6d99ac3275bb4e"), box) == []  # ids are case-sensitive
    assert seqs(s.ThreadId("T64b478a75b7ea9"), box) == [1, 2]
    assert seqs(s.Not(s.ThreadId("T64b478a75b7ea9")), box) == [3]


# --- laziness and cost ----------------------------------------------------------------------------

CHEAP = [
    s.Seen(), s.Unseen(), s.Recent(), s.New(), s.Old(), s.Keyword("x"), s.Unkeyword("x"),
    s.Before(date(2024, 1, 1)), s.On(date(2024, 1, 1)), s.Since(date(2024, 1, 1)),
    s.Larger(5), s.Smaller(5), s.Older(5), s.Younger(5), s.ModSeq(5), s.SequenceKey("1:*"),
    s.Uid("2"), s.SequenceKey("$"), s.EmailId("abc"), s.ThreadId("abc"), s.All(),
]  # fmt: skip


@pytest.mark.parametrize("key", CHEAP, ids=lambda key: key.to_bytes().decode())
def test_cheap_keys_never_read_text(key: SearchKey) -> None:
    box = [Opaque(1, 1), Opaque(2, 2, flags=frozenset({"\\Seen", "x"}), recent=True)]
    # No message is \Deleted, so the tree is NOT key: both must evaluate without text.
    tree = s.Or(s.Not(key), s.And([key, s.Deleted()]))
    result = seqs(tree, box, saved=frozenset({2}))
    assert result == [m.seq for m in box if m.seq not in seqs(key, box, saved=frozenset({2}))]


def test_cheap_keys_are_tried_first() -> None:
    box = [Msg(1, 1, body="needle"), Msg(2, 2, flags=frozenset({"\\Seen"}), body="needle")]
    # The client puts BODY first; the evaluator tries \Seen first and reads only message 2.
    assert seqs([s.Body("needle"), s.Seen()], box) == [2]
    assert seqs(s.Or(s.Body("needle"), s.Unseen()), box) == [1, 2]
    assert box[0].calls["body_text"] == 0  # unseen: BODY is never needed
    assert box[1].calls["body_text"] == 2  # once per search


def test_text_is_folded_once_per_message() -> None:
    box = [Msg(1, 1, headers={"from": ["Ann <a@x>"], "subject": ["hi"]}, body="one two")]
    keys = [s.Text("one"), s.Text("two"), s.Body("two"), s.From("ann"), s.Not(s.From("bob"))]
    assert seqs(keys, box) == [1]
    assert box[0].calls == Counter({"header_block": 1, "body_text": 1, "header_values": 1})
    again = Msg(2, 2, body="one")
    assert matches(keys[:2], again, context([again])) is False
    assert again.calls == Counter({"header_block": 1, "body_text": 1})


def test_a_reused_view_object_is_read_afresh() -> None:
    # A session may re-point one view object at each message in turn.
    view = Msg(1, 1, body="alpha")
    matcher = compile_search(s.Body("beta"), context([view]))
    assert not matcher(view)
    view.body = "beta"
    assert matcher(view)
    assert matcher.filter([view, view]) == [view, view]
    assert view.calls["body_text"] == 4


# --- structure ------------------------------------------------------------------------------------


def raw_not(key: SearchKey) -> SearchKey:
    """NOT without the codec's depth limit (MAX_SEARCH_DEPTH): trees a session could build."""
    node = object.__new__(s.Not)
    object.__setattr__(node, "key", key)
    return node


def raw_or(left: SearchKey, right: SearchKey) -> SearchKey:
    node = object.__new__(s.Or)
    object.__setattr__(node, "left", left)
    object.__setattr__(node, "right", right)
    return node


def raw_and(*keys: SearchKey) -> SearchKey:
    node = object.__new__(s.And)
    object.__setattr__(node, "keys", keys)
    return node


def test_deep_trees_do_not_recurse() -> None:
    box = [Opaque(n, n, size=n) for n in range(1, 6)]
    tree: SearchKey = s.Seen()
    for _ in range(1001):  # an odd number of NOTs: UNSEEN
        tree = raw_not(tree)
    assert seqs(tree, box) == [1, 2, 3, 4, 5]
    chain: SearchKey = s.Larger(10)
    for _ in range(1000):
        chain = raw_or(s.SequenceKey("2"), chain)
    assert seqs(chain, box) == [2]
    mixed: SearchKey = s.SequenceKey("1")
    for depth in range(1000):
        mixed = raw_not(raw_or(s.Smaller(1), mixed)) if depth % 2 else raw_and(s.All(), mixed)
    assert seqs(mixed, box) == [1]
    assert uses_modseq(raw_and(chain, mixed, raw_not(s.ModSeq(1))))


def test_shared_subtrees_and_and_or_forms() -> None:
    box = mailbox(6)
    shared = s.SequenceKey("2:4")
    assert seqs(s.Or(shared, shared), box) == [2, 3, 4]
    assert seqs(s.SequenceKey("2:4") & s.SequenceKey("3:6"), box) == [3, 4]
    assert seqs(s.SequenceKey("1") | s.SequenceKey("6"), box) == [1, 6]
    assert seqs(~s.SequenceKey("2:6"), box) == [1]
    assert seqs(s.any_of(*(s.SequenceKey(str(n)) for n in (5, 1, 3))), box) == [1, 3, 5]


def test_matcher_call_and_filter_agree() -> None:
    box = mailbox(4)
    matcher = Matcher(s.SequenceKey("2,4"), context(box))
    assert [matcher(m) for m in box] == [False, True, False, True]
    assert matcher.filter(iter(box)) == [box[1], box[3]]


def test_bad_input() -> None:
    ctx = context(mailbox(1))

    class Unknown(SearchKey):
        __slots__ = ()

    with pytest.raises(TypeError, match="cannot evaluate"):
        compile_search(Unknown(), ctx)
    with pytest.raises(TypeError, match="not a SearchKey"):
        compile_search(["SEEN"], ctx)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least one key"):
        compile_search([], ctx)
    with pytest.raises(ValueError, match="aware"):
        SearchContext(1, 1, datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="unsupported"):
        esearch_response([], [s.SearchReturnExtension("PARTIAL")])


# --- results --------------------------------------------------------------------------------------


def test_esearch_results() -> None:
    box = mailbox(12)
    found = [box[1], box[9], box[10]]
    full = esearch_response(found, [R.MIN, R.MAX, R.COUNT, R.ALL], tag="T1")
    assert full == imap.ESearchResponse(tag="T1", min=2, max=11, count=3, all="2,10:11")
    assert esearch_response(found, None) == imap.ESearchResponse(all="2,10:11")
    uid = esearch_response(found, [R.MIN, R.MAX], uid=True)
    assert uid == imap.ESearchResponse(uid=True, min=20, max=110)
    # RFC 4731 / RFC 9051 §6.4.4: no MIN, MAX or ALL when nothing matched; COUNT 0 stays.
    empty = esearch_response([], [R.MIN, R.MAX, R.ALL, R.COUNT], tag="T2", modseq=True)
    assert empty == imap.ESearchResponse(tag="T2", count=0)
    assert esearch_response([], [R.ALL]) == imap.ESearchResponse()
    # SAVE alone: no ESEARCH response at all.
    assert esearch_response(found, [R.SAVE]) is None
    assert esearch_response(found, [R.SAVE, R.COUNT]) == imap.ESearchResponse(count=3)


def test_min_max_of_a_single_match() -> None:
    box = mailbox(3)
    box[1].modseq = 9
    assert saved_uids([box[1]], [R.SAVE, R.MIN, R.MAX]) == {20}
    assert saved_uids(box, [R.SAVE, R.MIN, R.MAX]) == {10, 30}
    assert saved_uids(box, [R.SAVE]) == {10, 20, 30}
    single = esearch_response([box[1]], [R.MIN, R.MAX], modseq=True)
    assert single == imap.ESearchResponse(min=2, max=2, modseq=9)


def test_search_response() -> None:
    box = mailbox(3)
    box[0].modseq, box[2].modseq = 7, 5
    assert search_response([box[2], box[0]]) == imap.SearchResponse([1, 3])
    assert search_response(box, uid=True, modseq=True) == imap.SearchResponse(
        [10, 20, 30], modseq=7
    )
    assert search_response([], modseq=True) == imap.SearchResponse([])


# --- RFC transcripts ------------------------------------------------------------------------------


class Session:
    """Just enough of a selected state to replay the RFC examples."""

    def __init__(self, messages: list[Msg], *, rev2: bool = True) -> None:
        self.messages = messages
        self.rev2 = rev2
        self.saved: frozenset[int] = frozenset()

    def run(self, line: str) -> str:
        parser = CommandParser(utf8=True)
        parser.feed(line.encode() + b"\r\n")
        (command,) = list(parser)
        assert isinstance(command, SearchCommand)
        ctx = SearchContext.for_messages(self.messages, uidnext=99999, now=NOW, saved=self.saved)
        matcher = compile_search(command.keys, ctx, charset=command.charset)
        found = matcher.filter(self.messages)
        if R.SAVE in (command.returns or ()):
            self.saved = saved_uids(found, command.returns)
        response: imap.ESearchResponse | imap.SearchResponse | None
        if self.rev2 or command.returns is not None:
            response = esearch_response(
                found, command.returns, tag=command.tag, uid=command.uid, modseq=matcher.uses_modseq
            )
        else:
            response = search_response(found, uid=command.uid, modseq=matcher.uses_modseq)
        return "" if response is None else imap.serialize(response).decode().rstrip("\r\n")

    def saved_seqs(self) -> list[int]:
        return [m.seq for m in self.messages if m.uid in self.saved]


def rfc9051_mailbox() -> list[Msg]:
    """43 messages for the examples of RFC 9051 §6.4.4."""
    box = []
    for n in range(1, 44):
        flags = {"\\Seen"} if n < 4 else set()
        if n in (1, 2, 5, 10, 11, 12):
            flags.add("\\Flagged")
        if 20 <= n < 35:
            flags.add("\\Deleted")
        sender = {5: "Bob Smith <b@x>", 12: "J. SMITH <j@x>"}.get(n, f"user{n} <u{n}@x>")
        day = datetime(1994, 1, 31, 23, 59, tzinfo=UTC) if n == 1 else NOW
        box.append(
            Msg(
                n,
                7 if n == 1 else 3800 if n == 43 else 100 + n,
                flags=frozenset(flags),
                internal_date=day,
                headers={"from": [sender]},
                body="Planning my Отпуск" if n == 43 else "work",
            )
        )
    return box


def test_rfc9051_search_examples() -> None:
    session = Session(rfc9051_mailbox())
    exchanges = [
        ('A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
         '* ESEARCH (TAG "A282") MIN 2 COUNT 3'),
        ('A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
         '* ESEARCH (TAG "A283") ALL 2,10:11'),
        ('A284 SEARCH TEXT "string not in mailbox"', '* ESEARCH (TAG "A284")'),
        ('A285 SEARCH CHARSET UTF-8 TEXT "отпуск"', '* ESEARCH (TAG "A285") ALL 43'),
        ("A284 SEARCH RETURN (MIN) UNSEEN", '* ESEARCH (TAG "A284") MIN 4'),
        ("A285 UID SEARCH RETURN (MIN MAX) 1:5000", '* ESEARCH (TAG "A285") UID MIN 7 MAX 3800'),
        ("A286 SEARCH RETURN (COUNT) DELETED", '* ESEARCH (TAG "A286") COUNT 15'),
    ]  # fmt: skip
    for line, expected in exchanges:
        assert session.run(line) == expected, line


def test_rfc9051_save_examples() -> None:
    # §6.4.4.4 example 10: which messages "$" holds after each combination of options.
    box = [Msg(n, n + 100, internal_date=NOW) for n in range(1, 25)]
    for n in (1, 3, 4, 5, 6, 7, 8, 9, 16, 17, 18, 19, 20, 22, 23, 24):
        box[n - 1].headers = {"from": ["Smith"]}
    session = Session(box)
    since = 'SINCE 12-Feb-2006 NOT FROM "Smith"'
    steps = [
        (f"C282 SEARCH RETURN (ALL) {since}", '* ESEARCH (TAG "C282") ALL 2,10:15,21', []),
        (f"C283 SEARCH RETURN (ALL SAVE) {since}", '* ESEARCH (TAG "C283") ALL 2,10:15,21',
         [2, 10, 11, 12, 13, 14, 15, 21]),
        (f"C284 SEARCH RETURN (SAVE MIN) {since}", '* ESEARCH (TAG "C284") MIN 2', [2]),
        (f"C285 SEARCH RETURN (MAX SAVE MIN) {since}", '* ESEARCH (TAG "C285") MIN 2 MAX 21',
         [2, 21]),
        (f"C286 SEARCH RETURN (MAX SAVE MIN COUNT) {since}",
         '* ESEARCH (TAG "C286") MIN 2 MAX 21 COUNT 8', [2, 10, 11, 12, 13, 14, 15, 21]),
        (f"C287 SEARCH RETURN (SAVE MAX) {since}", '* ESEARCH (TAG "C287") MAX 21', [21]),
        (f"C288 SEARCH RETURN (ALL SAVE MIN) {since}",
         '* ESEARCH (TAG "C288") MIN 2 ALL 2,10:15,21', [2, 10, 11, 12, 13, 14, 15, 21]),
        ("C289 SEARCH RETURN (SAVE) FROM nobody", "", []),
    ]  # fmt: skip
    for line, expected, saved in steps:
        assert session.run(line) == expected, line
        assert session.saved_seqs() == saved, line


def test_rfc9051_dollar_examples() -> None:
    # §6.4.4.4 examples 3 and 4 (RFC 5182 §2.1).
    box = [Msg(n, n * 10, internal_date=NOW, size=100) for n in range(1, 3101)]
    hits = {2: 17, 90: 900, 91: 901}
    for n in range(1, 3101):
        if n not in hits and n not in (882, 1102):
            box[n - 1].headers = {"from": ["Smith"]}
    for n, uid in hits.items():
        box[n - 1].uid = uid
    for n in (882, 1102, 3003, 3005, 3006):
        box[n - 1].body = "моя Мать"
    box[881].size = box[1101].size = 5000
    session = Session(box)
    assert session.run('A300 SEARCH RETURN (SAVE) SINCE 1-Jan-2004 NOT FROM "Smith"') == ""
    # The RFC writes 17,900,901: the same set, which ALL gives in compact form.
    answer = '* ESEARCH (TAG "A301") UID ALL 17,900:901'
    assert session.run("A301 UID SEARCH UID $ SMALLER 4096") == answer
    assert session.run("A301 UID SEARCH $ SMALLER 4096") == answer
    assert session.run("P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nмать") == (  # noqa: RUF001
        '* ESEARCH (TAG "P283") ALL 882,1102,3003,3005:3006'
    )


def test_rfc7162_and_rfc4731_modseq_examples() -> None:
    found = {2: 917162488, 5: 700000000, 6: 620162338, 7: 800000000, 11: 917162500,
             12: 620162339, 18: 900000000, 19: 900000001, 20: 700000001, 23: 907162321}  # fmt: skip
    box = [Msg(n, n, modseq=found.get(n, 620162337)) for n in range(1, 26)]
    rev1 = Session(box, rev2=False)
    draft = 'MODSEQ "/flags/\\\\draft" all 620162338'
    assert rev1.run(f"a SEARCH {draft}") == (
        "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"
    )
    rev2 = Session(box)
    for line, expected in [
        (f"a1 SEARCH RETURN (MIN) {draft}", '* ESEARCH (TAG "a1") MIN 2 MODSEQ 917162488'),
        (f"a2 SEARCH RETURN (MAX) {draft}", '* ESEARCH (TAG "a2") MAX 23 MODSEQ 907162321'),
        (f"a3 SEARCH RETURN (MIN MAX) {draft}",
         '* ESEARCH (TAG "a3") MIN 2 MAX 23 MODSEQ 917162488'),
        (f"a4 SEARCH RETURN (MIN COUNT) {draft}",
         '* ESEARCH (TAG "a4") MIN 2 COUNT 10 MODSEQ 917162500'),
    ]:  # fmt: skip
        assert rev2.run(line) == expected, line
    # RFC 7162 example 16 and example 19.
    recent = [Msg(n, n, modseq=720162338 + n, size=100) for n in range(1, 4)]
    assert Session(recent, rev2=False).run("t SEARCH OR NOT MODSEQ 720162338 LARGER 50000") == (
        "* SEARCH"
    )
    small = [Msg(n, n, modseq=m) for n, m in ((1, 1234), (2, 1236), (3, 1235), (4, 9), (5, 1234))]
    assert Session(small).run("a SEARCH RETURN (ALL) MODSEQ 1234") == (
        '* ESEARCH (TAG "a") ALL 1:3,5 MODSEQ 1236'
    )


# --- a model to compare with ----------------------------------------------------------------------

FLAG_NAMES = ["\\Seen", "\\Answered", "\\Deleted", "\\Draft", "\\Flagged", "$Junk"]
DAYS = [date(2024, 3, d) for d in range(1, 5)]
ZONES = [UTC, WEST, EAST, timezone(timedelta(hours=5, minutes=30))]


def model(key: SearchKey, m: Msg, ctx: SearchContext) -> bool:
    """A plain recursive reading of RFC 9051 §6.4.4."""
    has = {flag.lower() for flag in m.flags}
    simple: dict[type[SearchKey], bool] = {
        s.All: True, s.Seen: "\\seen" in has, s.Unseen: "\\seen" not in has,
        s.Answered: "\\answered" in has, s.Unanswered: "\\answered" not in has,
        s.Deleted: "\\deleted" in has, s.Undeleted: "\\deleted" not in has,
        s.Draft: "\\draft" in has, s.Undraft: "\\draft" not in has,
        s.Flagged: "\\flagged" in has, s.Unflagged: "\\flagged" not in has,
        s.Recent: m.recent, s.Old: not m.recent, s.New: m.recent and "\\seen" not in has,
    }  # fmt: skip
    if type(key) in simple:
        return simple[type(key)]
    day = m.internal_date.replace(tzinfo=None).date()
    match key:
        case s.Not():
            return not model(key.key, m, ctx)
        case s.Or():
            return model(key.left, m, ctx) or model(key.right, m, ctx)
        case s.And():
            return all(model(k, m, ctx) for k in key.keys)
        case s.Keyword() | s.Unkeyword():
            return (key.flag.name.lower() in has) == isinstance(key, s.Keyword)
        case s.Before():
            return day < key.date
        case s.On():
            return day == key.date
        case s.Since():
            return day >= key.date
        case s.Larger():
            return m.size > key.size
        case s.Smaller():
            return m.size < key.size
        case s.ModSeq():
            return m.modseq >= key.modseq
        case s.SequenceKey():
            return key.sequence_set.contains(m.seq, ctx.message_count)
        case s.Uid():
            return key.sequence_set.contains(m.uid, ctx.max_uid)
    raise AssertionError(key)


def sets(top: int) -> st.SearchStrategy[str]:
    number = st.one_of(st.integers(1, top), st.just("*"))
    item = st.one_of(
        number.map(str), st.tuples(number, number).map(lambda pair: f"{pair[0]}:{pair[1]}")
    )
    return st.lists(item, min_size=1, max_size=3).map(",".join)


SIMPLE = [
    s.All(), s.Seen(), s.Unseen(), s.Answered(), s.Unanswered(), s.Deleted(), s.Undeleted(),
    s.Draft(), s.Undraft(), s.Flagged(), s.Unflagged(), s.Recent(), s.Old(), s.New(),
]  # fmt: skip
leaves = st.one_of(
    st.sampled_from(SIMPLE),
    st.sampled_from(["$Junk", "$junk", "Other"]).flatmap(
        lambda kw: st.sampled_from([s.Keyword(kw), s.Unkeyword(kw)])
    ),
    st.builds(
        lambda cls, d: cls(d), st.sampled_from([s.Before, s.On, s.Since]), st.sampled_from(DAYS)
    ),
    st.builds(lambda cls, n: cls(n), st.sampled_from([s.Larger, s.Smaller]), st.integers(0, 60)),
    st.integers(0, 12).map(s.ModSeq),
    sets(12).map(s.SequenceKey),
    sets(130).map(s.Uid),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(s.Not),
        st.tuples(inner, inner).map(lambda pair: s.Or(*pair)),
        st.lists(inner, min_size=1, max_size=4).map(s.And),
    ),
    max_leaves=12,
)


@st.composite
def messages(draw: st.DrawFn) -> list[Msg]:
    count = draw(st.integers(1, 10))
    uids = sorted(draw(st.sets(st.integers(1, 120), min_size=count, max_size=count)))
    box: list[Msg] = []
    for seq, uid in enumerate(uids, 1):
        moment = datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 4319)))
        box.append(
            Opaque(
                seq,
                uid,
                flags=frozenset(draw(st.sets(st.sampled_from(FLAG_NAMES)))),
                recent=draw(st.booleans()),
                internal_date=moment.astimezone(draw(st.sampled_from(ZONES))),
                size=draw(st.integers(0, 60)),
                modseq=draw(st.integers(1, 12)),
            )
        )
    return box


@settings(max_examples=300, deadline=None)
@given(st.lists(trees, min_size=1, max_size=3), messages())
def test_matches_the_model(keys: list[SearchKey], box: list[Msg]) -> None:
    ctx = SearchContext.for_messages(box, uidnext=box[-1].uid + 1, now=NOW)
    expected = [m for m in box if all(model(key, m, ctx) for key in keys)]
    assert search(keys, box, ctx) == expected
    matcher = compile_search(keys, ctx)
    assert [m for m in box if matcher(m)] == expected
