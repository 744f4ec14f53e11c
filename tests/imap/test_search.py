"""SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 4731, RFC 7162): keys, programs, results.

Known-answer tests take every SEARCH example of those RFCs: the wire form is parsed to the
typed value written out here and serialized back to the same bytes (or, where the RFC's form
is not the canonical one, to the canonical bytes given next to it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._search import (
    MAX_SEARCH_DEPTH,
    All,
    And,
    Answered,
    Bcc,
    Before,
    Body,
    Cc,
    Deleted,
    Draft,
    EmailId,
    EntryType,
    ESearchResponse,
    Flagged,
    From,
    Header,
    Keyword,
    Larger,
    ModSeq,
    New,
    Not,
    Old,
    Older,
    On,
    Or,
    Recent,
    SearchKey,
    SearchProgram,
    SearchResponse,
    SearchReturnExtension,
    SearchReturnOption,
    Seen,
    SentBefore,
    SentOn,
    SentSince,
    SequenceKey,
    Since,
    Smaller,
    Subject,
    Text,
    ThreadId,
    To,
    Uid,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword,
    Unseen,
    Younger,
    all_of,
    any_of,
    read_esearch_response,
    read_search_key,
    read_search_keys,
    read_search_program,
    read_search_response,
)
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import LiteralSupport, WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_query as q

MIN, MAX, ALL, COUNT, SAVE = (
    SearchReturnOption.MIN,
    SearchReturnOption.MAX,
    SearchReturnOption.ALL,
    SearchReturnOption.COUNT,
    SearchReturnOption.SAVE,
)
PLUS = WireOptions(literals=LiteralSupport.LITERAL_PLUS)
D = dt.date
# "мать" in KOI8-R: 8-bit octets that are not UTF-8 (RFC 9051 §6.4.4.4 example 5 shows "XXXX").
MOTHER = "мать"
VACATION = "отпуск"
KOI8 = MOTHER.encode("koi8-r")


def parse_program(data: bytes, **options: object) -> SearchProgram:
    reader = Reader(data + b"\r\n", **options)  # type: ignore[arg-type]
    value = read_search_program(reader)
    reader.finish()
    return value


def parse_key(data: bytes) -> SearchKey:
    reader = Reader(data + b"\r\n")
    value = read_search_key(reader)
    reader.finish()
    return value


def whole(read: Callable[[Reader], object], data: bytes) -> object:
    """``read`` over ``data`` and its CRLF, which must then end the message."""
    reader = Reader(data + b"\r\n")
    value = read(reader)
    reader.finish()
    return value


def wire(value: SearchProgram | SearchResponse | ESearchResponse, options: WireOptions) -> bytes:
    writer = Writer(options)
    value.write(writer)
    return writer.to_bytes()


def not_smith(since: D, returns: list[SearchReturnOption] | None = None) -> SearchProgram:
    return SearchProgram([Since(since), Not(From("Smith"))], returns=returns)


# --- the RFCs' SEARCH commands --------------------------------------------------------------------

PROGRAMS: list[tuple[bytes, SearchProgram, bytes | None, WireOptions]] = [
    # RFC 9051 §6.4.4
    (
        b'RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
        SearchProgram([Flagged(), Since(D(1994, 2, 1)), Not(From("Smith"))], returns=[MIN, COUNT]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
        SearchProgram([Flagged(), Since(D(1994, 2, 1)), Not(From("Smith"))], returns=[]),
        None,
        WireOptions(),
    ),
    (
        b'TEXT "string not in mailbox"',
        SearchProgram(Text("string not in mailbox")),
        None,
        WireOptions(),
    ),
    (
        b"CHARSET UTF-8 TEXT {12}\r\n" + VACATION.encode(),
        SearchProgram([Text(VACATION)], charset="UTF-8"),
        None,
        WireOptions(),
    ),
    (b"RETURN (MIN) UNSEEN", SearchProgram([Unseen()], returns=[MIN]), None, WireOptions()),
    (  # UID SEARCH
        b"RETURN (MIN MAX) 1:5000",
        SearchProgram([SequenceKey("1:5000")], returns=[MIN, MAX]),
        None,
        WireOptions(),
    ),
    (b"RETURN (COUNT) DELETED", SearchProgram([Deleted()], returns=[COUNT]), None, WireOptions()),
    # RFC 9051 §6.4.4.4
    (
        b'RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
        SearchProgram([Flagged(), Since(D(1994, 2, 1)), Not(From("Smith"))], returns=[SAVE]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (SAVE) SINCE 1-Jan-2004 NOT FROM "Smith"',
        not_smith(D(2004, 1, 1), [SAVE]),
        None,
        WireOptions(),
    ),
    (  # UID SEARCH
        b"UID $ SMALLER 4096",
        SearchProgram([Uid(SequenceSet.search_result()), Smaller(4096)]),
        None,
        WireOptions(),
    ),
    (
        b"$ SMALLER 4096",
        SearchProgram([SequenceKey("$"), Smaller(4096)]),
        None,
        WireOptions(),
    ),
    (
        b"CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\n" + MOTHER.encode(),
        SearchProgram(
            [And([Or(SequenceKey("$"), SequenceKey("1,3000:3021"))]), Text(MOTHER)],
            charset="UTF-8",
        ),
        None,
        PLUS,
    ),
    (
        b"RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\n" + KOI8,
        SearchProgram(
            [And([SequenceKey("$") | SequenceKey("1,3000:3021")]), Text(KOI8)],
            charset="KOI8-R",
            returns=[SAVE],
        ),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (SAVE) SINCE 28-Oct-2006 NOT FROM "Eric"',
        SearchProgram([Since(D(2006, 10, 28)), Not(From("Eric"))], returns=[SAVE]),
        None,
        WireOptions(),
    ),
    (
        b"RETURN (SAVE) KEYWORD $Junk",
        SearchProgram([Keyword(Flag.JUNK)], returns=[SAVE]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (ALL) SINCE 28-Oct-2006 FROM "Eric"',
        SearchProgram([Since(D(2006, 10, 28)), From("Eric")], returns=[ALL]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (ALL) SINCE 12-Feb-2006 NOT FROM "Smith"',
        not_smith(D(2006, 2, 12), [ALL]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (ALL SAVE) SINCE 12-Feb-2006 NOT FROM "Smith"',
        not_smith(D(2006, 2, 12), [ALL, SAVE]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (SAVE MIN) SINCE 12-Feb-2006 NOT FROM "Smith"',
        not_smith(D(2006, 2, 12), [SAVE, MIN]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM "Smith"',
        not_smith(D(2006, 2, 12), [MAX, SAVE, MIN]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (MAX SAVE MIN COUNT) SINCE 12-Feb-2006 NOT FROM "Smith"',
        not_smith(D(2006, 2, 12), [MAX, SAVE, MIN, COUNT]),
        None,
        WireOptions(),
    ),
    (
        b'RETURN (ALL SAVE MIN) SINCE 12-Feb-2006 NOT FROM "Smith"',
        not_smith(D(2006, 2, 12), [ALL, SAVE, MIN]),
        None,
        WireOptions(),
    ),
    # RFC 9051 §6.4.4 prose: "the criteria DELETED FROM "SMITH" SINCE 1-Feb-1994"
    (
        b'DELETED FROM "SMITH" SINCE 1-Feb-1994',
        SearchProgram([Deleted(), From("SMITH"), Since(D(1994, 2, 1))]),
        None,
        WireOptions(),
    ),
    # RFC 9051 §7.1 EXPUNGEISSUED: "C: h search from maria@example.com" (an atom, lower case)
    (
        b"from maria@example.com",
        SearchProgram([From("maria@example.com")]),
        b'FROM "maria@example.com"',
        WireOptions(),
    ),
    # RFC 3501 §6.4.4
    (
        b'FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
        SearchProgram([Flagged(), Since(D(1994, 2, 1)), Not(From("Smith"))]),
        None,
        WireOptions(),
    ),
    (  # "XXXXXX" stands for 6 octets of UTF-8
        "CHARSET UTF-8 TEXT {6}\r\n日本".encode(),
        SearchProgram([Text("日本")], charset="UTF-8"),
        None,
        WireOptions(),
    ),
    # RFC 7162 §3.1.5, §3.1.10
    (
        b'MODSEQ "/flags/\\\\draft" all 620162338',
        SearchProgram([ModSeq(620162338, Flag("\\draft"), EntryType.ALL)]),
        None,
        WireOptions(),
    ),
    (
        b"OR NOT MODSEQ 720162338 LARGER 50000",
        SearchProgram([Or(Not(ModSeq(720162338)), Larger(50000))]),
        None,
        WireOptions(),
    ),
    (
        b"RETURN (ALL) MODSEQ 1234",
        SearchProgram([ModSeq(1234)], returns=[ALL]),
        None,
        WireOptions(),
    ),
    # RFC 4731 §3.2
    *[
        (
            b"RETURN (" + options + b') MODSEQ "/flags/\\\\draft" all 620162338',
            SearchProgram(
                [ModSeq(620162338, Flag.DRAFT, EntryType.ALL)],
                returns=[SearchReturnOption(o) for o in options.decode().split()],
            ),
            None,
            WireOptions(),
        )
        for options in (b"MIN", b"MAX", b"MIN MAX", b"MIN COUNT")
    ],
]


@pytest.mark.parametrize(("data", "expected", "canonical", "options"), PROGRAMS)
def test_rfc_search_commands(
    data: bytes, expected: SearchProgram, canonical: bytes | None, options: WireOptions
) -> None:
    value = parse_program(data)
    assert value == expected
    assert wire(value, options) == (canonical or data)
    assert parse_program(wire(expected, options)) == expected


def test_rfc7162_modseq_entry_keeps_the_flag_spelling() -> None:
    key = parse_key(b'MODSEQ "/flags/\\\\draft" all 620162338')
    assert isinstance(key, ModSeq)
    assert key.entry == Flag.DRAFT
    assert key.entry is not None
    assert key.entry.name == "\\draft"
    assert key.entry_type is EntryType.ALL
    assert ModSeq(5, "$MDNSent", EntryType.PRIV).to_bytes() == b'MODSEQ "/flags/$MDNSent" priv 5'
    assert parse_key(b'modseq "/FLAGS/\\\\Seen" SHARED 0') == ModSeq(0, Flag.SEEN, EntryType.SHARED)


# --- every key, canonical form --------------------------------------------------------------------

KEYS: list[tuple[bytes, SearchKey]] = [
    (b"ALL", All()),
    (b"ANSWERED", Answered()),
    (b'BCC "bob"', Bcc("bob")),
    (b"BEFORE 1-Feb-1994", Before(D(1994, 2, 1))),
    (b'BODY "swim"', Body(b"swim")),
    (b'CC ""', Cc("")),
    (b"DELETED", Deleted()),
    (b"DRAFT", Draft()),
    (b"FLAGGED", Flagged()),
    (b'FROM "a\\"b\\\\c"', From('a"b\\c')),
    (b'HEADER Message-ID "<1@example.com>"', Header("Message-ID", "<1@example.com>")),
    (b'HEADER "X Odd" ""', Header("X Odd", "")),
    (b"KEYWORD $Forwarded", Keyword("$Forwarded")),
    (b"LARGER 9223372036854775807", Larger(2**63 - 1)),
    (b"NEW", New()),
    (b"NOT SEEN", Not(Seen())),
    (b"OLD", Old()),
    (b"ON 31-Dec-1999", On(D(1999, 12, 31))),
    (b"OR SEEN (DELETED DRAFT)", Or(Seen(), And([Deleted(), Draft()]))),
    (b"RECENT", Recent()),
    (b"SEEN", Seen()),
    (b"SENTBEFORE 1-Jan-2000", SentBefore(D(2000, 1, 1))),
    (b"SENTON 2-Jan-2000", SentOn(D(2000, 1, 2))),
    (b"SENTSINCE 3-Jan-2000", SentSince(D(2000, 1, 3))),
    (b"SINCE 4-Jan-2000", Since(D(2000, 1, 4))),
    (b"SMALLER 0", Smaller(0)),
    (b'SUBJECT "Re: hi"', Subject("Re: hi")),
    (b'TEXT "x"', Text("x")),
    (b'TO "root"', To("root")),
    (b"UID 1:*", Uid("1:*")),
    (b"UNANSWERED", Unanswered()),
    (b"UNDELETED", Undeleted()),
    (b"UNDRAFT", Undraft()),
    (b"UNFLAGGED", Unflagged()),
    (b"UNKEYWORD $Junk", Unkeyword(Flag.JUNK)),
    (b"UNSEEN", Unseen()),
    (b"2,4:7,9,12:*", SequenceKey("2,4:7,9,12:*")),
    (b"$", SequenceKey("$")),
    (b"(SEEN)", And([Seen()])),
    (b"MODSEQ 0", ModSeq(0)),
    (b"OLDER 3600", Older(3600)),
    (b"YOUNGER 1", Younger(1)),
    (b"EMAILID M6d99ac3275bb4e", EmailId("M6d99ac3275bb4e")),
    (b"THREADID T64b478a75b7ea9_-", ThreadId("T64b478a75b7ea9_-")),
]


@pytest.mark.parametrize(("data", "key"), KEYS)
def test_every_key(data: bytes, key: SearchKey) -> None:
    assert parse_key(data) == key
    assert key.to_bytes() == data


@pytest.mark.parametrize(
    ("data", "canonical"),
    [
        (b"flagged since 1-feb-1994 not from Smith", b'FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"'),
        (b'SINCE "1-Feb-1994"', b"SINCE 1-Feb-1994"),
        (b"FROM {5}\r\nSmith", b'FROM "Smith"'),
        (b'HEADER "Subject" foo]', b'HEADER Subject "foo]"'),
        (b"LARGER 007", b"LARGER 7"),
        (b"keyword $junk", b"KEYWORD $junk"),
        (b"Uid 4:2", b"UID 4:2"),
    ],
)
def test_canonical_forms(data: bytes, canonical: bytes) -> None:
    program = parse_program(data)
    assert program.to_bytes() == canonical
    assert parse_program(canonical) == program


def test_strings_are_octets() -> None:
    assert From("Ünïcode").value == "Ünïcode".encode()
    assert Text(KOI8).value == KOI8
    # 8-bit strings go as literals unless UTF-8 is on; then UTF-8 may be quoted
    assert Text("é").to_bytes() == b"TEXT {2}\r\n\xc3\xa9"
    assert Text("é").to_bytes(WireOptions(utf8=True)) == b'TEXT "\xc3\xa9"'
    assert Text(KOI8).to_bytes(WireOptions(utf8=True)) == b"TEXT {4}\r\n" + KOI8
    assert Text("a\r\nb").to_bytes() == b"TEXT {4}\r\na\r\nb"


# --- construction ---------------------------------------------------------------------------------


def test_operators() -> None:
    assert Seen() & Flagged() == And([Seen(), Flagged()])
    assert (Seen() & Flagged()) & (Draft() & Deleted()) == And(
        [Seen(), Flagged(), Draft(), Deleted()]
    )
    assert Seen() | Flagged() == Or(Seen(), Flagged())
    assert ~Seen() == Not(Seen())
    key = Unseen() & From("alice") & Since(D(2024, 1, 1))
    assert key.to_bytes() == b'(UNSEEN FROM "alice" SINCE 1-Jan-2024)'
    assert (~Seen() | Flagged()).to_bytes() == b"OR NOT SEEN FLAGGED"
    with pytest.raises(TypeError):
        Seen() & 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Seen() | "x"  # type: ignore[operator]


def test_any_of_and_all_of() -> None:
    assert any_of(Seen()) == Seen()
    assert any_of(From("a"), From("b"), From("c")).to_bytes() == b'OR FROM "a" OR FROM "b" FROM "c"'
    assert all_of(Seen()) == Seen()
    assert all_of(Seen(), Draft()) == And([Seen(), Draft()])
    with pytest.raises(IMAPValueError):
        any_of()
    with pytest.raises(IMAPValueError):
        all_of()


def test_equality_is_by_key_and_arguments() -> None:
    keys: list[SearchKey] = [From("x"), To("x"), Before(D(2000, 1, 1)), On(D(2000, 1, 1))]
    keys += [Seen(), Unseen()]
    assert From("x") == From(b"x")
    assert [key for key in keys if key in keys[:1]] == [From("x")]
    assert len(set(keys)) == len(keys)
    assert hash(Not(Seen())) == hash(Not(Seen()))
    assert {Or(Seen(), Draft()), Or(Seen(), Draft())} == {Or(Seen(), Draft())}
    assert repr(Not(Seen())) == "Not(key=Seen())"
    assert Keyword("$JUNK") == Keyword(Flag.JUNK)


@pytest.mark.parametrize(
    "build",
    [
        lambda: From("a\x00b"),
        lambda: Header("X\x00", "y"),
        lambda: Since(dt.datetime(2020, 1, 1)),
        lambda: Since("1-Jan-2020"),  # type: ignore[arg-type]
        lambda: Larger(-1),
        lambda: Larger(2**63),
        lambda: Smaller(True),
        lambda: Older(0),
        lambda: Keyword("\\Seen"),
        lambda: Keyword(Flag.WILDCARD),
        lambda: Unkeyword("a b"),
        lambda: ModSeq(-1),
        lambda: ModSeq(5, Flag.SEEN),
        lambda: ModSeq(5, None, EntryType.ALL),
        lambda: ModSeq(5, "\\*", EntryType.ALL),
        lambda: ModSeq(5, Flag.SEEN, "all"),  # type: ignore[arg-type]
        lambda: ModSeq(5, 7, EntryType.ALL),  # type: ignore[arg-type]
        lambda: EmailId("a b"),
        lambda: EmailId("x" * 256),
        lambda: ThreadId(""),
        lambda: SequenceKey("0"),
        lambda: SequenceKey([1, 2]),  # type: ignore[arg-type]
        lambda: Uid("x"),
        lambda: And([]),
        lambda: And([Seen(), "ALL"]),  # type: ignore[list-item]
        lambda: Not("SEEN"),  # type: ignore[arg-type]
        lambda: Or(Seen(), None),  # type: ignore[arg-type]
    ],
)
def test_constructors_validate(build: object) -> None:
    with pytest.raises(IMAPValueError):
        build()  # type: ignore[operator]


def test_constructors_refuse_wrong_types() -> None:
    with pytest.raises(TypeError):
        From(5)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        From("\ud800")


def test_base_class_is_abstract() -> None:
    with pytest.raises(NotImplementedError):
        SearchKey().to_bytes()
    assert SearchKey().depth == 0


# --- depth ----------------------------------------------------------------------------------------


def test_building_is_limited_to_max_search_depth() -> None:
    key: SearchKey = All()
    for _ in range(MAX_SEARCH_DEPTH):
        key = Not(key)
    assert key.depth == MAX_SEARCH_DEPTH
    with pytest.raises(IMAPValueError, match="MAX_SEARCH_DEPTH"):
        Not(key)
    with pytest.raises(IMAPValueError):
        Or(Seen(), key)
    with pytest.raises(IMAPValueError):
        And([key])
    # what can be built serializes (recursively, within the limit) and reads back by default
    data = key.to_bytes()
    assert parse_key(data) == key
    assert repr(key).count("Not(") == MAX_SEARCH_DEPTH
    chain = any_of(*[From(str(n)) for n in range(MAX_SEARCH_DEPTH + 1)])
    assert chain.depth == MAX_SEARCH_DEPTH
    assert parse_key(chain.to_bytes()) == chain
    with pytest.raises(IMAPValueError):
        any_of(*[From(str(n)) for n in range(MAX_SEARCH_DEPTH + 2)])


@pytest.mark.parametrize(
    ("unit", "offset"),
    [
        (b"NOT ", 4 * MAX_SEARCH_DEPTH),
        (b"(", MAX_SEARCH_DEPTH),
        (b"OR ALL ", 7 * MAX_SEARCH_DEPTH),
        (b"(NOT ", 5 * MAX_SEARCH_DEPTH // 2),  # two levels a unit
    ],
)
def test_hostile_nesting_is_a_parse_error(unit: bytes, offset: int) -> None:
    reader = Reader(unit * 10_000 + b"ALL\r\n")
    with pytest.raises(IMAPParseError, match="deeper") as info:
        read_search_key(reader)
    assert info.value.offset == offset


def test_nesting_counts_against_the_readers_depth() -> None:
    # with two parentheses already open, one level of NOT is left
    reader = Reader(b"((NOT NOT ALL))\r\n", max_depth=3)
    reader.open_list()
    reader.open_list()
    with pytest.raises(IMAPParseError) as info:
        read_search_key(reader)
    assert info.value.offset == 6
    # NOT ( NOT ( NOT: five levels
    data = b"NOT (NOT (NOT ALL))\r\n"
    reader = Reader(data, max_depth=5)
    key = read_search_key(reader)
    assert key == Not(And([Not(And([Not(All())]))]))
    assert key.depth == 5
    assert reader.depth == 0
    with pytest.raises(IMAPParseError) as info:
        read_search_key(Reader(data, max_depth=4))
    assert info.value.offset == 10


def test_parsed_depth_matches_built_depth() -> None:
    key = parse_key(b"OR (NOT SEEN) NOT NOT DRAFT")
    assert key.depth == 3
    assert key == Or(And([Not(Seen())]), Not(Not(Draft())))
    assert key.depth == Or(And([Not(Seen())]), Not(Not(Draft()))).depth


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"FOO", 0, "search key"),
        (b"", 0, "search key"),
        (b"FLAGGED  SEEN", 8, "search key"),
        (b"[SEEN]", 0, "search key"),
        (b"SINCE 1-Foo-1994", 8, "date-month"),
        (b"SINCE 31-Feb-2020", 6, "no such day"),
        (b"FROM", 4, "SP"),
        (b"FROM NIL(", 8, "CRLF"),
        (b"(FLAGGED", 8, '")"'),
        (b"()", 1, "search key"),
        (b"OR SEEN", 7, "SP"),
        (b"KEYWORD \\Seen", 8, "atom"),
        (b"LARGER -1", 7, "number64"),
        (b"OLDER 0", 6, "nz-number"),
        (b"UID *x", 5, "CRLF"),
        (b"UID", 3, "SP"),
        (b'MODSEQ "/flag/\\\\Seen" all 5', 7, "entry-name"),
        (b'MODSEQ "/flags/\\\\Seen" any 5', 23, "entry-type-req"),
        (b'MODSEQ "/flags/" all 5', 15, "attr-flag"),
        (b'MODSEQ "/flags/\\\\*" all 5', 15, "attr-flag"),
        (b'MODSEQ "/flags/\xc3\xa9" all 5', 15, "attr-flag"),
        (b"MODSEQ {1}\r\n5", 7, "mod-sequence-valzer"),
        (b"EMAILID " + b"x" * 256, 8, "255"),
        (b"EMAILID ?", 8, "objectid"),
        (b"RETURN (MIN", 11, '")"'),
        (b"RETURN (MIN)FLAGGED", 12, "SP"),
        (b"RETURN MIN ALL", 7, '"("'),
        (b'CHARSET "" ALL', 8, "charset"),
        (b"CHARSET UTF-8", 13, "SP"),
        (b"ALL ", 4, "search key"),
    ],
)
def test_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        parse_program(data)
    assert info.value.offset == offset, info.value.message
    assert expected in info.value.message


def test_errors_carry_the_tag() -> None:
    reader = Reader(b"A1 SEARCH FOO\r\n")
    reader.read_tag()
    reader.pos = 10
    with pytest.raises(IMAPParseError) as info:
        read_search_program(reader)
    assert (info.value.tag, info.value.offset) == ("A1", 10)


def test_read_search_keys_stops_before_what_is_not_a_key() -> None:
    reader = Reader(b"SEEN DRAFT)")
    assert read_search_keys(reader) == (Seen(), Draft())
    assert reader.pos == 10


# --- SEARCH program options -----------------------------------------------------------------------


def test_return_option_extensions() -> None:
    # RFC 9051 §9: search-ret-opt-ext = search-modifier-name [SP search-mod-params]
    program = parse_program(b"RETURN (PARTIAL 1:100 MIN X-FOO (a (b)) bar) ALL")
    assert program.returns == (
        SearchReturnExtension("PARTIAL", SequenceSet([(1, 100)])),
        MIN,
        SearchReturnExtension("X-FOO", (b"a", (b"b",))),
        SearchReturnExtension("BAR"),
    )
    assert program.to_bytes() == b'RETURN (PARTIAL 1:100 MIN X-FOO ("a" ("b")) BAR) ALL'
    assert SearchReturnExtension("x-one", SequenceSet([7])).value == 7


@pytest.mark.parametrize(
    "build",
    [
        lambda: SearchProgram([]),
        lambda: SearchProgram([Seen()], charset=""),
        lambda: SearchProgram([Seen()], charset="UTF-8\r\n"),
        lambda: SearchProgram(["SEEN"]),  # type: ignore[list-item]
        lambda: SearchProgram([Seen()], returns=["MIN"]),  # type: ignore[list-item]
        lambda: SearchReturnExtension("MIN"),
        lambda: SearchReturnExtension("1abc"),
        lambda: SearchReturnExtension(""),
        lambda: SearchReturnExtension("X", b"text"),
        lambda: SearchReturnExtension("X", (b"a", ())),
        lambda: SearchReturnExtension(5),  # type: ignore[arg-type]
    ],
)
def test_program_validation(build: object) -> None:
    with pytest.raises(IMAPValueError):
        build()  # type: ignore[operator]


def test_charset_forms() -> None:
    assert SearchProgram(Seen(), charset="utf-8").to_bytes() == b"CHARSET utf-8 SEEN"
    assert SearchProgram(Seen(), charset="a b").to_bytes() == b'CHARSET "a b" SEEN'
    assert parse_program(b'CHARSET "a b" SEEN').charset == "a b"
    # RFC 3501: charset is an astring, so a literal is read too
    assert parse_program(b"CHARSET {5}\r\nUTF-8 SEEN").charset == "UTF-8"


# --- results --------------------------------------------------------------------------------------

SEARCH_RESPONSES: list[tuple[bytes, SearchResponse]] = [
    # RFC 3501 §6.4.4, §7.2.5
    (b"SEARCH 2 84 882", SearchResponse([2, 84, 882])),
    (b"SEARCH", SearchResponse()),
    (b"SEARCH 43", SearchResponse([43])),
    (b"SEARCH 2 3 6", SearchResponse([2, 3, 6])),
    # RFC 7162 §3.1.5
    (
        b"SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)",
        SearchResponse([2, 5, 6, 7, 11, 12, 18, 19, 20, 23], modseq=917162500),
    ),
]


@pytest.mark.parametrize(("data", "expected"), SEARCH_RESPONSES)
def test_rfc_search_responses(data: bytes, expected: SearchResponse) -> None:
    reader = Reader(b"* " + data + b"\r\n", pos=2)
    value = read_search_response(reader)
    reader.finish()
    assert value == expected
    assert wire(value, WireOptions()) == data


ESEARCH_RESPONSES: list[tuple[bytes, ESearchResponse]] = [
    # RFC 9051 §6.4.4 (and RFC 4731 §3.1)
    (b'ESEARCH (TAG "A282") MIN 2 COUNT 3', ESearchResponse(tag="A282", min=2, count=3)),
    (b'ESEARCH (TAG "A283") ALL 2,10:11', ESearchResponse(tag="A283", all="2,10:11")),
    (b'ESEARCH (TAG "A284")', ESearchResponse(tag="A284")),
    (b'ESEARCH (TAG "A285") ALL 43', ESearchResponse(tag="A285", all="43")),
    (b'ESEARCH (TAG "A284") MIN 4', ESearchResponse(tag="A284", min=4)),
    (
        b'ESEARCH (TAG "A285") UID MIN 7 MAX 3800',
        ESearchResponse(tag="A285", uid=True, min=7, max=3800),
    ),
    (b'ESEARCH (TAG "A286") COUNT 15', ESearchResponse(tag="A286", count=15)),
    # RFC 9051 §6.4.4.4
    (
        b'ESEARCH (TAG "A301") UID ALL 17,900,901',
        ESearchResponse(tag="A301", uid=True, all="17,900,901"),
    ),
    (
        b'ESEARCH (TAG "P283") ALL 882,1102,3003,3005:3006',
        ESearchResponse(tag="P283", all="882,1102,3003,3005:3006"),
    ),
    (b'ESEARCH (TAG "G283") ALL 3:15,27,29:103', ESearchResponse(tag="G283", all="3:15,27,29:103")),
    (b'ESEARCH (TAG "C283") ALL 2,10:15,21', ESearchResponse(tag="C283", all="2,10:15,21")),
    (b'ESEARCH (TAG "C284") MIN 2', ESearchResponse(tag="C284", min=2)),
    (b'ESEARCH (TAG "C285") MIN 2 MAX 21', ESearchResponse(tag="C285", min=2, max=21)),
    (
        b'ESEARCH (TAG "C286") MIN 2 MAX 21 COUNT 8',
        ESearchResponse(tag="C286", min=2, max=21, count=8),
    ),
    (
        b'ESEARCH (TAG "C286") MIN 2 ALL 2,10:15,21',
        ESearchResponse(tag="C286", min=2, all="2,10:15,21"),
    ),
    # RFC 9051 §7.3.4
    (b"ESEARCH UID COUNT 17 ALL 4:18,21,28", ESearchResponse(uid=True, count=17, all="4:18,21,28")),
    (
        b'ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28',
        ESearchResponse(tag="a567", uid=True, count=17, all="4:18,21,28"),
    ),
    (b"ESEARCH COUNT 18 ALL 1:17,21", ESearchResponse(count=18, all="1:17,21")),
    # RFC 9051 §7.1 (EXPUNGEISSUED)
    (b'ESEARCH (TAG "h") ALL 1:3,5,8,13,21,42', ESearchResponse(tag="h", all="1:3,5,8,13,21,42")),
    # RFC 7162 §3.1.10
    (
        b'ESEARCH (TAG "a") ALL 1:3,5 MODSEQ 1236',
        ESearchResponse(tag="a", all="1:3,5", modseq=1236),
    ),
    (
        b'ESEARCH (TAG "a") ALL 5,3,2,1 MODSEQ 1236',
        ESearchResponse(tag="a", all="5,3,2,1", modseq=1236),
    ),
    # RFC 4731 §3.2
    (
        b'ESEARCH (TAG "a1") MIN 2 MODSEQ 917162488',
        ESearchResponse(tag="a1", min=2, modseq=917162488),
    ),
    (
        b'ESEARCH (TAG "a2") MAX 23 MODSEQ 907162321',
        ESearchResponse(tag="a2", max=23, modseq=907162321),
    ),
    (
        b'ESEARCH (TAG "a3") MIN 2 MAX 23 MODSEQ 917162488',
        ESearchResponse(tag="a3", min=2, max=23, modseq=917162488),
    ),
    (
        b'ESEARCH (TAG "a4") MIN 2 COUNT 10 MODSEQ 917162500',
        ESearchResponse(tag="a4", min=2, count=10, modseq=917162500),
    ),
]


@pytest.mark.parametrize(("data", "expected"), ESEARCH_RESPONSES)
def test_rfc_esearch_responses(data: bytes, expected: ESearchResponse) -> None:
    reader = Reader(b"* " + data + b"\r\n", pos=2)
    value = read_esearch_response(reader)
    reader.finish()
    assert value == expected
    assert wire(value, WireOptions()) == data
    # the ALL set keeps its order (5,3,2,1 from SORT)
    assert value.all is None or str(value.all) == str(expected.all)


def test_esearch_extensions_and_forms() -> None:
    reader = Reader(b"ESEARCH (tag a1) uid PARTIAL (1:10 3,5) count 2 X 7\r\n")
    value = read_esearch_response(reader)
    assert value == ESearchResponse(
        tag="a1",
        uid=True,
        count=2,
        extensions=[("PARTIAL", (b"1:10", b"3,5")), ("X", 7)],
    )
    assert (
        wire(value, WireOptions()) == b'ESEARCH (TAG "a1") UID COUNT 2 PARTIAL ("1:10" "3,5") X 7'
    )
    # a UID indicator is a whole word; "UIDS" is an extension name
    value = read_esearch_response(Reader(b"ESEARCH UIDS 5\r\n"))
    assert (value.uid, value.extensions) == (False, (("UIDS", 5),))
    # the extension may repeat; known items may not
    value = read_esearch_response(Reader(b"ESEARCH X 1 X 2\r\n"))
    assert value.extensions == (("X", 1), ("X", 2))


@pytest.mark.parametrize(
    ("data", "offset", "expected"),
    [
        (b"ESEARCH MIN 0", 12, "nz-number"),
        (b"ESEARCH MIN 1 MIN 2", 14, "twice"),
        (b"ESEARCH ALL $", 12, "$"),
        (b'ESEARCH (TAG "a b")', 13, "tag-string"),
        (b'ESEARCH (TAG "\xc3\xa9")', 13, "tag-string"),
        (b"ESEARCH (TAG a", 14, '")"'),
        (b"ESEARCH (TOG a)", 9, "TAG"),
        (b"ESEARCH COUNT", 13, "SP"),
        (b"ESEARCH MODSEQ 0", 15, "mod-sequence-value"),
        (b"ESEARCH X", 9, "SP"),
        (b"ESEARCH X Y", 10, "tagged-ext-val"),
        (b"SEARCH", 0, "ESEARCH"),
    ],
)
def test_esearch_errors(data: bytes, offset: int, expected: str) -> None:
    with pytest.raises(IMAPParseError) as info:
        whole(read_esearch_response, data)
    assert info.value.offset == offset, info.value.message
    assert expected in info.value.message


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"SEARCH (MODSEQ 5)", 7),
        (b"SEARCH 0", 7),
        (b"SEARCH 1 (MODSEQ 0)", 17),
        (b"SEARCH 1 (MODSEQ 5) 6", 19),
        (b"SEARCH 1 (MODSEQ 5", 18),
        (b"SEARCH 1 (FOO 5)", 10),
        (b"ESEARCH", 0),
    ],
)
def test_search_response_errors(data: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        whole(read_search_response, data)
    assert info.value.offset == offset, info.value.message


@pytest.mark.parametrize(
    "build",
    [
        lambda: SearchResponse([0]),
        lambda: SearchResponse([], modseq=5),
        lambda: SearchResponse([1], modseq=0),
        lambda: ESearchResponse(tag="a b"),
        lambda: ESearchResponse(min=0),
        lambda: ESearchResponse(count=-1),
        lambda: ESearchResponse(all="$"),
        lambda: ESearchResponse(modseq=0),
        lambda: ESearchResponse(extensions=[("MIN", 5)]),
        lambda: ESearchResponse(extensions=[("UID", 5)]),
        lambda: ESearchResponse(extensions=[("X", b"text")]),
        lambda: ESearchResponse(extensions=[("9X", 1)]),
    ],
)
def test_result_validation(build: object) -> None:
    with pytest.raises(IMAPValueError):
        build()  # type: ignore[operator]


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(q.search_keys, s.wire_options)
def test_key_round_trip(key: SearchKey, options: WireOptions) -> None:
    data = key.to_bytes(options)
    reader = Reader(data + b"\r\n", utf8=options.utf8)
    parsed = read_search_key(reader)
    reader.finish()
    assert parsed == key
    assert parsed.depth == key.depth
    assert parsed.to_bytes(options) == data


@settings(max_examples=200, deadline=None)
@given(q.search_programs, s.wire_options)
def test_program_round_trip(program: SearchProgram, options: WireOptions) -> None:
    data = program.to_bytes(options)
    parsed = parse_program(data, utf8=options.utf8)
    assert parsed == program
    assert parsed.to_bytes(options) == data


@given(q.search_responses)
def test_search_response_round_trip(value: SearchResponse) -> None:
    data = wire(value, WireOptions())
    reader = Reader(data + b"\r\n")
    assert read_search_response(reader) == value
    reader.finish()


@settings(deadline=None)
@given(q.esearch_responses, s.wire_options)
def test_esearch_round_trip(value: ESearchResponse, options: WireOptions) -> None:
    data = wire(value, options)
    reader = Reader(data + b"\r\n", utf8=options.utf8)
    parsed = read_esearch_response(reader)
    reader.finish()
    assert parsed == value
    assert wire(parsed, options) == data


@settings(max_examples=500, deadline=None)
@given(
    s.fuzz_bytes(
        b"NOT ",
        b"OR ",
        b"(",
        b")",
        b" ",
        b"ALL",
        b"FROM ",
        b'"x"',
        b"{1}\r\nx",
        b"1:*",
        b"$",
        b"MODSEQ ",
        b'"/flags/\\\\Seen" all ',
        b"RETURN ",
        b"(MIN SAVE)",
        b"CHARSET ",
        b"UID ",
        b"SINCE 1-Feb-1994",
        b"5",
        b"HEADER ",
        b"KEYWORD ",
        b"EMAILID ",
        b"\x00",
        b"\xff",
    )
)
def test_fuzz_search_readers(data: bytes) -> None:
    for read in (read_search_program, read_search_key, read_search_response, read_esearch_response):
        reader = Reader(data, max_depth=8)
        try:
            value = read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            assert reader.depth == 0
            assert_stable(read, value)


def assert_stable(read: Callable[[Reader], object], value: object) -> None:
    """What was read writes out and reads back as the same value (parse -> write -> parse)."""
    writer = Writer(WireOptions(utf8=True))
    value.write(writer)  # type: ignore[attr-defined]
    assert whole(read, writer.to_bytes()) == value


@settings(max_examples=200, deadline=None)
@given(
    s.fuzz_bytes(
        b"ESEARCH",
        b"SEARCH",
        b" ",
        b"(TAG ",
        b'"a")',
        b"UID",
        b"MIN ",
        b"ALL ",
        b"1:3",
        b"5",
        b"(MODSEQ 5)",
        b"X ",
        b"(",
        b")",
        b"COUNT ",
    )
)
def test_fuzz_search_results(data: bytes) -> None:
    for read in (read_search_response, read_esearch_response):
        reader = Reader(data)
        try:
            value = read(reader)
        except IMAPParseError as exc:
            assert 0 <= exc.offset <= len(data)
        else:
            assert_stable(read, value)


@given(st.integers(1, MAX_SEARCH_DEPTH))
def test_any_nesting_within_the_limit_reads_back(depth: int) -> None:
    key: SearchKey = Seen()
    for level in range(depth):
        key = Not(key) if level % 3 == 0 else (And([key]) if level % 3 == 1 else Or(Draft(), key))
    assert key.depth == depth
    assert parse_key(key.to_bytes()) == key


def test_docstring_examples() -> None:
    """The examples in the module's docstrings say what they write."""
    assert (Unseen() & From("alice") & Since(D(2024, 1, 1))).to_bytes() == (
        b'(UNSEEN FROM "alice" SINCE 1-Jan-2024)'
    )
    assert (
        Or(Flagged(), Header("X-Priority", "1")).to_bytes() == b'OR FLAGGED HEADER X-Priority "1"'
    )
    assert ModSeq(620162338, Flag.DRAFT, EntryType.ALL).to_bytes() == (
        b'MODSEQ "/flags/\\\\Draft" all 620162338'
    )
    assert And([Unseen(), From("alice")]).to_bytes() == b'(UNSEEN FROM "alice")'
    program = SearchProgram(
        [Flagged(), Since(D(1994, 2, 1)), Not(From("Smith"))], returns=[MIN, COUNT]
    )
    assert program.to_bytes() == b'RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"'
    assert wire(SearchResponse([2, 84, 882]), WireOptions()) == b"SEARCH 2 84 882"
    assert wire(SearchResponse([2, 5], modseq=917), WireOptions()) == b"SEARCH 2 5 (MODSEQ 917)"
    assert wire(ESearchResponse(tag="A282", min=2, count=3), WireOptions()) == (
        b'ESEARCH (TAG "A282") MIN 2 COUNT 3'
    )
