"""SEARCH (RETURN options, CHARSET, SAVE and $), SORT (with ESORT's RETURN) and THREAD, and
their UID forms (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 4731, RFC 5256, RFC 7162): known answers
from the RFCs, transcripts, validation, malformed input.

Canonical forms: a string a literal carried in an RFC example is written quoted when it can
be (the RFCs' ``XXXX`` placeholders for 8-bit text are ASCII); dates as in the ABNF
(``5-Mar-2000``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.imap._command_base import read_command
from pymailproto.imap._commands_search import SearchCommand, SortCommand, ThreadCommand
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._search import (
    All,
    And,
    Deleted,
    EntryType,
    Flagged,
    From,
    Keyword,
    Larger,
    ModSeq,
    Not,
    Or,
    SearchReturnExtension,
    SearchReturnOption,
    SequenceKey,
    Since,
    Smaller,
    Text,
    Uid,
    Unseen,
)
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._sort_thread import SortCriterion, SortKey
from pymailproto.imap._values import LiteralSupport, WireOptions
from tests.imap import strategies_commands as c

V = c.Vector
MIN, MAX, ALL, COUNT, SAVE = (
    SearchReturnOption.MIN,
    SearchReturnOption.MAX,
    SearchReturnOption.ALL,
    SearchReturnOption.COUNT,
    SearchReturnOption.SAVE,
)
MINUS = WireOptions(literals=LiteralSupport.LITERAL_MINUS)
SMITH = [Flagged(), Since(dt.date(1994, 2, 1)), Not(From("Smith"))]
FEB_12 = [Since(dt.date(2006, 2, 12)), Not(From("Smith"))]
DRAFT_SINCE = ModSeq(620162338, Flag.DRAFT, EntryType.ALL)
OTPUSK = "отпуск".encode()
MAT = "мать".encode()
# "(OR $ 1,3000:3021)": a parenthesised list of one key.
SAVED_OR = And([Or(SequenceKey("$"), SequenceKey("1,3000:3021"))])


VECTORS = [
    # RFC 3501 §6.4.4
    V(
        "RFC 3501 §6.4.4",
        b'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
        SearchCommand("A282", SMITH),
    ),
    V(
        "RFC 3501 §6.4.4",
        b'A283 SEARCH TEXT "string not in mailbox"\r\n',
        SearchCommand("A283", Text("string not in mailbox")),
    ),
    V(
        "RFC 3501 §6.4.4",
        b"A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n",
        SearchCommand("A284", Text("XXXXXX"), charset="UTF-8"),
        b'A284 SEARCH CHARSET UTF-8 TEXT "XXXXXX"\r\n',
        note="XXXXXX stands for 8-bit octets; as written, they are quotable ASCII",
    ),
    # RFC 9051 §6.4.4 and RFC 4731 §3.1 (the pages break the first two after the options)
    V(
        "RFC 9051 §6.4.4",
        b'A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
        SearchCommand("A282", SMITH, returns=[MIN, COUNT]),
    ),
    V(
        "RFC 9051 §6.4.4",
        b'A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
        SearchCommand("A283", SMITH, returns=[]),
    ),
    V(
        "RFC 9051 §6.4.4",
        b"A285 SEARCH CHARSET UTF-8 TEXT {12}\r\n" + OTPUSK + b"\r\n",
        SearchCommand("A285", Text(OTPUSK), charset="UTF-8"),
    ),
    V(
        "RFC 9051 §6.4.4",
        b'A284 SEARCH TEXT "string not in mailbox"\r\n',
        SearchCommand("A284", Text("string not in mailbox")),
    ),
    V(
        "RFC 9051 §6.4.4",
        b"A284 SEARCH RETURN (MIN) UNSEEN\r\n",
        SearchCommand("A284", Unseen(), returns=[MIN]),
    ),
    V(
        "RFC 9051 §6.4.4",
        b"A285 UID SEARCH RETURN (MIN MAX) 1:5000\r\n",
        SearchCommand("A285", SequenceKey("1:5000"), returns=[MIN, MAX], uid=True),
    ),
    V(
        "RFC 9051 §6.4.4",
        b"A286 SEARCH RETURN (COUNT) DELETED\r\n",
        SearchCommand("A286", Deleted(), returns=[COUNT]),
    ),
    # RFC 9051 §6.4.4.4 (SAVE and $)
    V(
        "RFC 9051 §6.4.4.4",
        b'A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
        SearchCommand("A282", SMITH, returns=[SAVE]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'A300 SEARCH RETURN (SAVE) SINCE 1-Jan-2004 NOT FROM "Smith"\r\n',
        SearchCommand("A300", [Since(dt.date(2004, 1, 1)), Not(From("Smith"))], returns=[SAVE]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b"A301 UID SEARCH UID $ SMALLER 4096\r\n",
        SearchCommand("A301", [Uid("$"), Smaller(4096)], uid=True),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b"A301 UID SEARCH $ SMALLER 4096\r\n",
        SearchCommand("A301", [SequenceKey(SequenceSet.search_result()), Smaller(4096)], uid=True),
    ),
    *(
        V(
            "RFC 9051 §6.4.4.4",
            tag + b' SEARCH RETURN (SAVE) SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
            SearchCommand(
                tag.decode(), [Since(dt.date(1994, 2, 1)), Not(From("Smith"))], returns=[SAVE]
            ),
        )
        for tag in (b"P282", b"B282")
    ),
    *(
        V(
            "RFC 9051 §6.4.4.4",
            tag + b" SEARCH RETURN (SAVE) KEYWORD $Junk\r\n",
            SearchCommand(tag.decode(), Keyword(Flag.JUNK), returns=[SAVE]),
        )
        for tag in (b"G282", b"H282")
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b"P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\n" + MAT + b"\r\n",
        SearchCommand("P283", [SAVED_OR, Text(MAT)], charset="UTF-8"),
        options=MINUS,
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b"B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\nXXXX\r\n",
        SearchCommand("B283", [SAVED_OR, Text("XXXX")], charset="KOI8-R", returns=[SAVE]),
        b'B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT "XXXX"\r\n',
        note="XXXX stands for KOI8-R octets; as written, they are quotable ASCII",
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'E282 SEARCH RETURN (SAVE) SINCE 28-Oct-2006 NOT FROM "Eric"\r\n',
        SearchCommand("E282", [Since(dt.date(2006, 10, 28)), Not(From("Eric"))], returns=[SAVE]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b"F282 SEARCH RETURN (SAVE) KEYWORD $Junk\r\n",
        SearchCommand("F282", Keyword(Flag.JUNK), returns=[SAVE]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'G283 SEARCH RETURN (ALL) SINCE 28-Oct-2006 FROM "Eric"\r\n',
        SearchCommand("G283", [Since(dt.date(2006, 10, 28)), From("Eric")], returns=[ALL]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'H283 SEARCH RETURN (SAVE) SINCE 28-Oct-2006 FROM "Eric"\r\n',
        SearchCommand("H283", [Since(dt.date(2006, 10, 28)), From("Eric")], returns=[SAVE]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'C282 SEARCH RETURN (ALL) SINCE 12-Feb-2006 NOT FROM "Smith"\r\n',
        SearchCommand("C282", FEB_12, returns=[ALL]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'C283 SEARCH RETURN (ALL SAVE) SINCE 12-Feb-2006 NOT FROM "Smith"\r\n',
        SearchCommand("C283", FEB_12, returns=[ALL, SAVE]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'C284 SEARCH RETURN (SAVE MIN) SINCE 12-Feb-2006 NOT FROM "Smith"\r\n',
        SearchCommand("C284", FEB_12, returns=[SAVE, MIN]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'C285 SEARCH RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM "Smith"\r\n',
        SearchCommand("C285", FEB_12, returns=[MAX, SAVE, MIN]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'C286 SEARCH RETURN (MAX SAVE MIN COUNT) SINCE 12-Feb-2006 NOT FROM "Smith"\r\n',
        SearchCommand("C286", FEB_12, returns=[MAX, SAVE, MIN, COUNT]),
    ),
    V(
        "RFC 9051 §6.4.4.4",
        b'C286 SEARCH RETURN (ALL SAVE MIN) SINCE 12-Feb-2006 NOT FROM "Smith"\r\n',
        SearchCommand("C286", FEB_12, returns=[ALL, SAVE, MIN]),
    ),
    # RFC 4731 §3.2 (the pages break each after the entry name)
    V(
        "RFC 4731 §3.2",
        b'a1 SEARCH RETURN (MIN) MODSEQ "/flags/\\\\draft" all 620162338\r\n',
        SearchCommand("a1", ModSeq(620162338, "\\draft", EntryType.ALL), returns=[MIN]),
    ),
    V(
        "RFC 4731 §3.2",
        b'a2 SEARCH RETURN (MAX) MODSEQ "/flags/\\\\draft" all 620162338\r\n',
        SearchCommand("a2", ModSeq(620162338, "\\draft", EntryType.ALL), returns=[MAX]),
    ),
    V(
        "RFC 4731 §3.2",
        b'a3 SEARCH RETURN (MIN MAX) MODSEQ "/flags/\\\\draft" all 620162338\r\n',
        SearchCommand("a3", ModSeq(620162338, "\\draft", EntryType.ALL), returns=[MIN, MAX]),
    ),
    V(
        "RFC 4731 §3.2",
        b'a4 SEARCH RETURN (MIN COUNT) MODSEQ "/flags/\\\\draft" all 620162338\r\n',
        SearchCommand("a4", ModSeq(620162338, "\\draft", EntryType.ALL), returns=[MIN, COUNT]),
    ),
    # RFC 7162 §3.1.5, §3.1.10, §3.2.6
    V(
        "RFC 7162 §3.1.5",
        b'a SEARCH MODSEQ "/flags/\\\\draft" all 620162338\r\n',
        SearchCommand("a", ModSeq(620162338, "\\draft", EntryType.ALL)),
    ),
    V(
        "RFC 7162 §3.1.5",
        b"t SEARCH OR NOT MODSEQ 720162338 LARGER 50000\r\n",
        SearchCommand("t", Or(Not(ModSeq(720162338)), Larger(50000))),
    ),
    V(
        "RFC 7162 §3.1.10",
        b"a SEARCH RETURN (ALL) MODSEQ 1234\r\n",
        SearchCommand("a", ModSeq(1234), returns=[ALL]),
    ),
    V(
        "RFC 7162 §3.1.10",
        b"a SORT RETURN (ALL) (DATE) UTF-8 MODSEQ 1234\r\n",
        SortCommand("a", [SortCriterion(SortKey.DATE)], ModSeq(1234), returns=[ALL]),
        note="ESORT's RETURN (RFC 5267), as RFC 7162 shows it",
    ),
    V(
        "RFC 7162 §3.2.6",
        b"s101 UID SEARCH 300:500\r\n",
        SearchCommand("s101", SequenceKey("300:500"), uid=True),
    ),
    # RFC 5256 §3
    V(
        "RFC 5256 §3",
        b"A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n",
        SortCommand("A282", [SortCriterion(SortKey.SUBJECT)], Since(dt.date(1994, 2, 1))),
    ),
    V(
        "RFC 5256 §3",
        b"A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n",
        SortCommand(
            "A283",
            [SortCriterion(SortKey.SUBJECT), SortCriterion(SortKey.DATE, reverse=True)],
            All(),
        ),
    ),
    V(
        "RFC 5256 §3",
        b'A284 SORT (SUBJECT) US-ASCII TEXT "not in mailbox"\r\n',
        SortCommand(
            "A284", [SortCriterion(SortKey.SUBJECT)], Text("not in mailbox"), charset="US-ASCII"
        ),
    ),
    V(
        "RFC 5256 §3",
        b"A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n",
        ThreadCommand("A283", "ORDEREDSUBJECT", Since(dt.date(2000, 3, 5))),
        b"A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2000\r\n",
        note="month names are written as in the ABNF",
    ),
    V(
        "RFC 5256 §3",
        b'A284 THREAD ORDEREDSUBJECT US-ASCII TEXT "gewp"\r\n',
        ThreadCommand("A284", "ORDEREDSUBJECT", Text("gewp"), charset="US-ASCII"),
    ),
    V(
        "RFC 5256 §3",
        b"A285 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000\r\n",
        ThreadCommand("A285", "REFERENCES", Since(dt.date(2000, 3, 5))),
        b"A285 THREAD REFERENCES UTF-8 SINCE 5-Mar-2000\r\n",
    ),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_rfc_examples(vector: c.Vector) -> None:
    c.check_vector(vector)


WIRE, EXPECTED = c.transcript(VECTORS)


def test_transcript_whole_and_bytewise() -> None:
    assert c.values(c.collect([WIRE], EXPECTED)) == EXPECTED
    assert c.values(c.collect(c.bytewise(WIRE), EXPECTED)) == EXPECTED


@settings(max_examples=30)
@given(st.data())
def test_transcript_random_splits(data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(WIRE)), max_size=20))
    assert c.values(c.collect(c.split(WIRE, points), EXPECTED)) == EXPECTED


def test_search_program_and_utf8() -> None:
    command = SearchCommand("t", Text("caf\u00e9"), charset="UTF-8")
    assert command.program.keys == (Text("caf\u00e9"),)
    assert command.to_bytes() == b"t SEARCH CHARSET UTF-8 TEXT {5}\r\ncaf\xc3\xa9\r\n"
    utf8 = WireOptions(utf8=True)
    assert command.to_bytes(utf8) == b't SEARCH CHARSET UTF-8 TEXT "caf\xc3\xa9"\r\n'
    assert read_command(Reader(command.to_bytes(utf8), utf8=True)) == command
    with pytest.raises(IMAPParseError):  # 8-bit quoted without UTF-8 enabled
        read_command(Reader(command.to_bytes(utf8), utf8=False))


def test_sort_and_thread_forms() -> None:
    sort = SortCommand(
        "t",
        [SortCriterion(SortKey.SIZE)],
        [Unseen()],
        charset="utf-8",
        returns=[SearchReturnExtension("PARTIAL", SequenceSet.parse("1:10")), MIN],
        uid=True,
    )
    assert sort.to_bytes() == b"t UID SORT RETURN (PARTIAL 1:10 MIN) (SIZE) utf-8 UNSEEN\r\n"
    assert read_command(Reader(sort.to_bytes())) == sort
    bare = SortCommand(
        "t", [SortCriterion(SortKey.TO)], All(), returns=[SearchReturnExtension("X-NEW")]
    )
    assert bare.to_bytes() == b"t SORT RETURN (X-NEW) (TO) UTF-8 ALL\r\n"
    assert read_command(Reader(bare.to_bytes())) == bare
    quoted = ThreadCommand("t", "x-alg", All(), charset="X Y", uid=True)
    assert quoted.algorithm == "X-ALG"
    assert quoted.to_bytes() == b't UID THREAD X-ALG "X Y" ALL\r\n'
    assert read_command(Reader(quoted.to_bytes())) == quoted
    assert read_command(Reader(b"t uid thread references utf-8 all\r\n")) == ThreadCommand(
        "t", "REFERENCES", All(), charset="utf-8", uid=True
    )


def test_validation() -> None:
    with pytest.raises(IMAPValueError):
        SearchCommand("t", [])
    with pytest.raises(IMAPValueError):
        SearchCommand("t", ["ALL"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        SearchCommand("t", All(), uid=1)  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError):
        SearchCommand("t", All(), returns=["MIN"])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        SortCommand("t", [], All())
    with pytest.raises(IMAPValueError):
        SortCommand("t", [SortKey.DATE], All())  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        SortCommand("t", [SortCriterion(SortKey.DATE)], [])
    with pytest.raises(IMAPValueError):
        SortCommand("t", [SortCriterion(SortKey.DATE)], All(), charset="\u00e9")
    with pytest.raises(IMAPValueError):
        SortCommand("t", [SortCriterion(SortKey.DATE)], All(), returns=[1])  # type: ignore[list-item]
    with pytest.raises(IMAPValueError):
        ThreadCommand("t", "A B", All())
    with pytest.raises(IMAPValueError):
        ThreadCommand("t", "REFERENCES", All(), charset="")


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (b"t SEARCH\r\n", 8),
        (b"t SEARCH \r\n", 9),
        (b"t SEARCH FROM\r\n", 13),
        (b"t SEARCH RETURN (MIN)\r\n", 21),
        (b"t SEARCH CHARSET UTF-8\r\n", 22),
        (b"t SEARCH ALL  ALL\r\n", 13),
        (b"t SEARCH BOGUS\r\n", 9),
        (b"t SORT SUBJECT UTF-8 ALL\r\n", 7),
        (b"t SORT (SUBJECT) ALL\r\n", 20),
        (b"t SORT (SUBJECT) UTF-8\r\n", 22),
        (b"t SORT (FOO) UTF-8 ALL\r\n", 8),
        (b"t SORT RETURN (MIN) UTF-8 ALL\r\n", 20),
        (b"t THREAD ORDEREDSUBJECT ALL\r\n", 27),
        (b"t THREAD (x) UTF-8 ALL\r\n", 9),
    ],
)
def test_malformed(line: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_command(Reader(line))
    assert info.value.offset == offset
    assert info.value.tag == "t"
